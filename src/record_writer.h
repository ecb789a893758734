/*
 * record_writer.h
 *		The door that commits a record in a transaction of its own
 *		(record_writer.c), for every inzage's record (C3677) and any later one.
 */
#ifndef VWL_RECORD_WRITER_H
#define VWL_RECORD_WRITER_H

#include "utils/jsonb.h"

/*
 * Call functie(invoer) -- a function of the extension taking one jsonb --
 * in a transaction of its own, committed (durably, as the server commits)
 * before this returns; returns its result as text, palloc'd.  Raises the
 * function's own error when it fails, 25006 in a read-only transaction,
 * 53000 when no background worker slot frees up within a second.
 */
extern char *vwl_record(Oid functie, Jsonb *invoer);

/*
 * The same in two halves, so that the caller works while the record is
 * committed: vwl_record_begin sends the request, vwl_record_end waits for
 * its answer (the result, or the function's error).  Nothing that depends on
 * the record may be returned before vwl_record_end; an abort in between
 * forgets the worker (its answer goes nowhere).
 */
extern void vwl_record_begin(Oid functie, Jsonb *invoer);
extern char *vwl_record_end(void);

#endif							/* VWL_RECORD_WRITER_H */
