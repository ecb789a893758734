/*
 * uuidv7.c
 *		Time-ordered identifiers (RFC 9562 version 7).
 *
 * actieId and verwerktObjectId are primary keys of tables that only grow;
 * ids that grow with time insert at the right edge of their index, which
 * keeps the index pages full and hot.  PostgreSQL 15 has no uuidv7(); this
 * one behaves like PostgreSQL 18's: the ids of one process are strictly
 * increasing.
 */
#include "postgres.h"

#include <time.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "port.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "verwerkingenlog.h"

/*
 * The random bytes come from a per-process stock, as the nonces of
 * pseudoniem.c do: one call of pg_strong_random (OpenSSL's RAND_bytes,
 * which also asks for the process id every time) costs about as much for
 * 4 kB as for 16 bytes, and a batch hands out thousands of ids.  Each byte
 * is handed out once; the stock is tagged with the process id so that a
 * process forked after filling it never hands out its parent's bytes.
 */
#define UUID_POOL		(UUID_LEN * 256)
static unsigned char uuid_pool[UUID_POOL];
static int	uuid_left = 0;
static int	uuid_pid = 0;

/* Fill buf with UUID_LEN fresh random bytes from the stock. */
static void
random_uuid_bytes(unsigned char *buf)
{
	if (uuid_pid != MyProcPid || uuid_left < UUID_LEN)
	{
		uuid_left = 0;
		if (!pg_strong_random(uuid_pool, UUID_POOL))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate random values")));
		uuid_left = UUID_POOL;
		uuid_pid = MyProcPid;
	}
	uuid_left -= UUID_LEN;
	memcpy(buf, uuid_pool + uuid_left, UUID_LEN);
}

/*
 * The timestamp of the previous id of this process, in nanoseconds since
 * the Unix epoch: each id gets a later one, so the ids of one process are
 * strictly increasing, also when the system clock steps back (then the ids
 * run on from the last one until the clock catches up), as PostgreSQL 18's
 * uuidv7() does.
 */
static int64 previous_ns = 0;

/* Nanoseconds per millisecond, and the 12-bit sub-millisecond fraction. */
#define NS_PER_MS			INT64CONST(1000000)
#define SUBMS_BITS			12
/* The smallest step that still changes the 12-bit fraction. */
#define SUBMS_STEP_NS		((NS_PER_MS / (1 << SUBMS_BITS)) + 1)

/* A timestamp for the next id: now, but always after the previous one. */
static int64
increasing_ns(void)
{
	struct timespec ts;
	int64		ns;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not read the system clock: %m")));
	ns = (int64) ts.tv_sec * INT64CONST(1000000000) + ts.tv_nsec;
	if (ns < previous_ns + SUBMS_STEP_NS)
		ns = previous_ns + SUBMS_STEP_NS;
	previous_ns = ns;
	return ns;
}

/*
 * Fill *uuid with a new version 7 UUID: 48 bits of Unix milliseconds, 12
 * bits of sub-millisecond fraction (RFC 9562 method 3), 62 random bits;
 * strictly increasing within this process.  For C callers (the writer); the
 * same as verwerkingenlog.uuidv7().
 */
void
vwl_uuidv7_generate(pg_uuid_t *uuid)
{
	int64		ns = increasing_ns();
	uint64		ms;
	uint32		sub_ms;

	random_uuid_bytes(uuid->data);

	ms = (uint64) (ns / NS_PER_MS);
	sub_ms = (uint32) ((ns % NS_PER_MS) * (1 << SUBMS_BITS) / NS_PER_MS);

	uuid->data[0] = (unsigned char) (ms >> 40);
	uuid->data[1] = (unsigned char) (ms >> 32);
	uuid->data[2] = (unsigned char) (ms >> 24);
	uuid->data[3] = (unsigned char) (ms >> 16);
	uuid->data[4] = (unsigned char) (ms >> 8);
	uuid->data[5] = (unsigned char) ms;
	uuid->data[6] = (unsigned char) (0x70 | (sub_ms >> 8));
	uuid->data[7] = (unsigned char) sub_ms;
	uuid->data[8] = (unsigned char) (0x80 | (uuid->data[8] & 0x3F));
}

PG_FUNCTION_INFO_V1(vwl_uuidv7);

/* verwerkingenlog.uuidv7(): a new version 7 UUID (vwl_uuidv7_generate). */
Datum
vwl_uuidv7(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *uuid = palloc(UUID_LEN);

	vwl_uuidv7_generate(uuid);
	PG_RETURN_UUID_P(uuid);
}
