/*
 * onbereikbaar.c
 *		Backend functions that src/moment.c and src/bewaartermijn.c call only
 *		from their fmgr entry points (hash, binary I/O, casts, arithmetic),
 *		which the standalone harness (parsers.c) never calls.  They must be
 *		defined for the link; each aborts, loudly, if it is ever reached.
 *		Deliberately without PostgreSQL's headers: only the names matter.
 */
#include <stdio.h>
#include <stdlib.h>

#define ONBEREIKBAAR(f) \
	void f(void); \
	void f(void) \
	{ \
		fprintf(stderr, "shim: %s is not part of the parsers\n", #f); \
		abort(); \
	}

ONBEREIKBAAR(DirectFunctionCall1Coll)
ONBEREIKBAAR(DirectFunctionCall2Coll)
ONBEREIKBAAR(hashint8)
ONBEREIKBAAR(hashint8extended)
ONBEREIKBAAR(interval_cmp)
ONBEREIKBAAR(pq_begintypsend)
ONBEREIKBAAR(pq_endtypsend)
ONBEREIKBAAR(pq_getmsgbyte)
ONBEREIKBAAR(pq_getmsgint)
ONBEREIKBAAR(pq_getmsgint64)
ONBEREIKBAAR(timestamp2tm)
ONBEREIKBAAR(timestamp_pl_interval)
ONBEREIKBAAR(vwl_zin)
