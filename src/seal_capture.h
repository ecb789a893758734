/*
 * seal_capture.h
 *		Keeping the full hash of a leaf before its row loses those bytes
 *		(seal_capture.c): the purge destroys the row, re-encryption
 *		rewrites it.
 */
#ifndef VWL_SEAL_CAPTURE_H
#define VWL_SEAL_CAPTURE_H

#include "postgres.h"

#include "executor/tuptable.h"
#include "utils/rel.h"

typedef struct VwlCapture VwlCapture;

/*
 * Start capturing the leaves of old rows of rel (sealed table code tabel,
 * key columns ucol and ncol, 0 for none, ncol of type ntype).  Takes the
 * tree's lock in mode lock (tree_lock.h) before anything is looked up;
 * vernietigd: the rows are destroyed by this transaction (the purge), else
 * superseded by their re-encrypted versions.
 */
extern VwlCapture *vwl_capture_begin(Relation rel, int16 tabel, AttrNumber ucol,
									 AttrNumber ncol, Oid ntype, bool vernietigd,
									 LOCKMODE lock);

/* One old row (a slot of rel's row type); captured in batches. */
extern void vwl_capture_row(VwlCapture *c, TupleTableSlot *oud);

/* Capture what is left and free c. */
extern void vwl_capture_end(VwlCapture *c);

/* A numbered key column's value as int64 (smallint, integer or bigint). */
extern int64 vwl_key_number(Datum d, Oid type);

#endif							/* VWL_SEAL_CAPTURE_H */
