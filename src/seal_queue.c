/*
 * seal_queue.c
 *		The writer's own entries in seal_queue.
 *
 * Every sealed table has an AFTER INSERT ... FOR EACH STATEMENT trigger,
 * _seal_register (seal.c), that puts the key of every new row into
 * seal_queue for the next verzegel().  For the rows of the log's own writer
 * (writer.c) that costs, per row, a copy of the whole row into the
 * statement's transition table, which the trigger reads back only for its
 * key, and a heap insert of its own: a sixth of logging one action.  So
 * the writer, as it does for its own BEFORE INSERT triggers (writer.c,
 * own_triggers), removes the trigger from its copy of the trigger
 * descriptor when the trigger would fire, notes each row's key as it
 * inserts the row, and writes every entry of the call with one multi-row
 * insert at its end, in the same transaction: the same entries as the
 * trigger's.  Every other insert into the tables (COPY, a restore, a
 * superuser's INSERT) still goes through the trigger.
 */
#include "postgres.h"

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "seal_capture.h"
#include "seal_queue.h"

/* Columns of seal_queue, in table order (88_sealing.sql). */
enum
{
	QUEUE_TABEL,
	QUEUE_SOORT,
	QUEUE_U,
	QUEUE_N,
	QUEUE_NATTS
};

/* The attribute number of the column naam of rel; '': none, 0; not there: -1. */
static AttrNumber
queue_key_column(Relation rel, const char *naam, Oid *type)
{
	TupleDesc	desc = RelationGetDescr(rel);

	if (naam[0] == '\0')
		return 0;
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), naam) == 0)
		{
			*type = att->atttypid;
			return att->attnum;
		}
	}
	return -1;
}

/*
 * Take the queue trigger out of td when it would fire for this INSERT:
 * an AFTER INSERT FOR EACH STATEMENT trigger of _seal_register with NEW
 * TABLE, no WHEN clause and valid arguments (code, uuid column, numbered
 * column).  The flags of td follow: no AFTER STATEMENT INSERT trigger, or no
 * transition table, left means none is made.
 */
void
vwl_queue_take_trigger(TriggerDesc *td, Relation rel, Oid queue_fn,
					   bool (*fires) (const Trigger *t), VwlQueueTable *q)
{
	int			neem = -1;

	memset(q, 0, sizeof(*q));
	if (td == NULL || !OidIsValid(queue_fn))
		return;
	for (int i = 0; i < td->numtriggers && neem < 0; i++)
	{
		Trigger    *t = &td->triggers[i];
		Oid			utype = InvalidOid,
					ntype = InvalidOid;
		AttrNumber	u,
					n;

		if (t->tgfoid != queue_fn || t->tgnargs != 3 || t->tgqual != NULL ||
			t->tgnewtable == NULL || !fires(t) ||
			!TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_STATEMENT, TRIGGER_TYPE_AFTER,
								  TRIGGER_TYPE_INSERT) ||
			TRIGGER_FOR_UPDATE(t->tgtype) || TRIGGER_FOR_DELETE(t->tgtype))
			continue;
		u = queue_key_column(rel, t->tgargs[1], &utype);
		n = queue_key_column(rel, t->tgargs[2], &ntype);
		/* anything the trigger itself would refuse: leave it to the trigger */
		if (u < 0 || n < 0 || (u == 0 && n == 0) ||
			(u != 0 && utype != UUIDOID) ||
			(n != 0 && ntype != INT2OID && ntype != INT4OID && ntype != INT8OID))
			continue;
		q->aan = true;
		q->code = (int16) pg_strtoint32(t->tgargs[0]);
		q->u_att = u;
		q->n_att = n;
		q->n_type = ntype;
		neem = i;
	}
	if (neem < 0)
		return;

	memmove(&td->triggers[neem], &td->triggers[neem + 1],
			(td->numtriggers - neem - 1) * sizeof(Trigger));
	td->numtriggers--;
	td->trig_insert_after_statement = false;
	td->trig_insert_new_table = false;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_STATEMENT, TRIGGER_TYPE_AFTER,
								 TRIGGER_TYPE_INSERT))
			td->trig_insert_after_statement = true;
		if (TRIGGER_FOR_INSERT(t->tgtype) && t->tgnewtable != NULL)
			td->trig_insert_new_table = true;
	}
}

/* Note the key of the row in slot, of q's table, in w. */
void
vwl_queue_add(VwlQueue *w, const VwlQueueTable *q, TupleTableSlot *slot)
{
	bool		isnull;

	if (!q->aan)
		return;
	if (w->n == w->max)
	{
		MemoryContext oud = MemoryContextSwitchTo(w->cxt);

		w->max = Max(8, w->max * 2);
		w->code = w->code ? repalloc(w->code, w->max * sizeof(int16)) : palloc(w->max * sizeof(int16));
		w->u = w->u ? repalloc(w->u, w->max * sizeof(pg_uuid_t)) : palloc(w->max * sizeof(pg_uuid_t));
		w->nr = w->nr ? repalloc(w->nr, w->max * sizeof(int64)) : palloc(w->max * sizeof(int64));
		MemoryContextSwitchTo(oud);
	}
	w->code[w->n] = q->code;
	memset(&w->u[w->n], 0, sizeof(pg_uuid_t));
	w->nr[w->n] = 0;
	if (q->u_att != 0)
	{
		Datum		d = slot_getattr(slot, q->u_att, &isnull);

		if (!isnull)
			w->u[w->n] = *DatumGetUUIDP(d);
	}
	if (q->n_att != 0)
	{
		Datum		d = slot_getattr(slot, q->n_att, &isnull);

		if (!isnull)
			w->nr[w->n] = vwl_key_number(d, q->n_type);
	}
	w->n++;
}

/*
 * Write the entries into seal_queue (soort 'I'), as the trigger would: no
 * indexes to maintain, one multi-row heap insert.
 */
void
vwl_queue_write(VwlQueue *w, CommandId cid)
{
	Oid			relid;
	Relation	rel;
	TupleTableSlot **slots;

	if (w->n == 0)
		return;
	relid = get_relname_relid("seal_queue", get_namespace_oid("verwerkingenlog", false));
	if (!OidIsValid(relid))
		elog(ERROR, "table verwerkingenlog.seal_queue does not exist");
	rel = table_open(relid, RowExclusiveLock);
	if (rel->rd_rel->relhasindex)
		elog(ERROR, "verwerkingenlog.seal_queue must not have indexes");
	if (RelationGetDescr(rel)->natts != QUEUE_NATTS)
		elog(ERROR, "verwerkingenlog.seal_queue does not have the expected columns");
	slots = palloc(w->n * sizeof(TupleTableSlot *));
	for (int i = 0; i < w->n; i++)
	{
		TupleTableSlot *s = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsVirtual);

		ExecClearTuple(s);
		s->tts_values[QUEUE_TABEL] = Int16GetDatum(w->code[i]);
		s->tts_values[QUEUE_SOORT] = CharGetDatum('I');
		s->tts_values[QUEUE_U] = UUIDPGetDatum(&w->u[i]);
		s->tts_values[QUEUE_N] = Int64GetDatum(w->nr[i]);
		memset(s->tts_isnull, false, QUEUE_NATTS * sizeof(bool));
		ExecStoreVirtualTuple(s);
		slots[i] = s;
	}
	table_multi_insert(rel, slots, w->n, cid, 0, NULL);
	for (int i = 0; i < w->n; i++)
		ExecDropSingleTupleTableSlot(slots[i]);
	pfree(slots);
	table_close(rel, RowExclusiveLock);
	w->n = 0;
}
