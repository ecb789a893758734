/*
 * tree_lock.h
 *		The lock order of the code that changes rows the Merkle tree covers.
 *
 * verzegel() takes EXCLUSIVE on verwerkingenlog.verzegel_controlepunt; the
 * triggers that seal a change take it too: ROW EXCLUSIVE when the purge
 * destroys rows (_seal_vernietigd), EXCLUSIVE when a re-encryption seals
 * its rows again (_seal_reencrypted).  Taken there, after the statement's
 * row locks, a purge and a re-encryption deadlocked: each held rows or the
 * table lock the other waited for.  So the purge (vernietiging.c) and the
 * re-encryption (reencrypt.c) take the same lock in the same mode before
 * they lock any row of the log; the triggers then already hold it.  Logging
 * never takes it.
 */
#ifndef VWL_TREE_LOCK_H
#define VWL_TREE_LOCK_H

#include "catalog/namespace.h"
#include "nodes/makefuncs.h"
#include "storage/lockdefs.h"

/*
 * Lock verzegel_controlepunt in mode, until the end of the transaction;
 * waits for a verzegel() that is running, or (EXCLUSIVE) for a purge.
 */
static inline void
vwl_lock_tree(LOCKMODE mode)
{
	(void) RangeVarGetRelid(makeRangeVar(pstrdup("verwerkingenlog"),
										 pstrdup("verzegel_controlepunt"), -1),
							mode, false);
}

#endif							/* VWL_TREE_LOCK_H */
