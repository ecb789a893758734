/*
 * seal_queue.h
 *		The writer's own entries in seal_queue: the work of the queue trigger
 *		_seal_register for the rows the writer inserts; see seal_queue.c.
 */
#ifndef SEAL_QUEUE_H
#define SEAL_QUEUE_H

#include "postgres.h"

#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "utils/relcache.h"
#include "utils/uuid.h"

/* How the rows of one table are queued: its code and key columns. */
typedef struct VwlQueueTable
{
	bool		aan;			/* the writer queues this table's rows */
	int16		code;			/* seal_table.code */
	AttrNumber	u_att;			/* uuid key column, 0: none */
	AttrNumber	n_att;			/* numbered key column, 0: none */
	Oid			n_type;			/* its type: int2, int4 or int8 */
} VwlQueueTable;

/* The entries of one call, written at its end. */
typedef struct VwlQueue
{
	MemoryContext cxt;			/* of the arrays: the call's */
	int			n;
	int			max;
	int16	   *code;
	pg_uuid_t  *u;
	int64	   *nr;
} VwlQueue;

/*
 * When td (a copy the caller may change, of rel's trigger descriptor) has
 * the queue trigger as it fires for an INSERT into rel, remove it from td
 * and fill q so that the caller queues the rows itself; else q->aan is
 * false and td is unchanged.  queue_fn is _seal_register's OID.
 */
extern void vwl_queue_take_trigger(TriggerDesc *td, Relation rel, Oid queue_fn,
								   bool (*fires) (const Trigger *t), VwlQueueTable *q);

/* Note the key of the row in slot (of q's table) in w. */
extern void vwl_queue_add(VwlQueue *w, const VwlQueueTable *q, TupleTableSlot *slot);

/* Write the noted entries into seal_queue with one multi-row insert. */
extern void vwl_queue_write(VwlQueue *w, CommandId cid);

#endif							/* SEAL_QUEUE_H */
