/*
 * seal_capture.c
 *		What the tree keeps of a row before the row loses the bytes of its
 *		leaf: the full leaf hash, in seal_leaf_hash (88_sealing.sql).
 *
 * A present leaf's hash is not stored: it is recomputed from its row and
 * checked against the first four bytes kept in its block (seal_blok.c).
 * So before a row loses those bytes the full hash is captured from the old
 * row (the transition table of the statement that changes it):
 *   - the retention purge destroys the row: _seal_vernietigd (AFTER DELETE
 *     FOR EACH STATEMENT) stores the hash with the destroying transaction,
 *     and _seal_journaal then the purge run;
 *   - re-encryption (herversleutel) rewrites the ciphertexts: the queue
 *     trigger (_seal_register, seal.c) stores the old hash, and the leaf
 *     that verzegel() appends for the new content supersedes it.
 * Both first take the tree's lock (tree_lock.h), so that a verzegel() that
 * is running, which may be sealing these very rows, has committed, and
 * only then look up the leaves, with a new snapshot.  The old row must
 * still be its leaf: a row changed behind the log's back (its hash differs
 * from the block's) is refused with data_corrupted, because destroying or
 * rewriting it would destroy the evidence of the change.
 *
 * And the migration of a 1.1 tree (one seal_leaf row per leaf) into
 * blocks: _seal_migrate(), used by the upgrade script only.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "merkle.h"
#include "seal_blok.h"
#include "seal_capture.h"
#include "tree_lock.h"
#include "verwerkingenlog.h"

/* Old rows looked up and captured at a time. */
#define CAPTURE_BATCH	1000

struct VwlCapture
{
	Relation	rel;
	int16		tabel;
	AttrNumber	ucol;
	AttrNumber	ncol;
	Oid			ntype;
	bool		vernietigd;
	int			n;
	pg_uuid_t	u[CAPTURE_BATCH];
	int64		nr[CAPTURE_BATCH];
	HeapTupleHeader rij[CAPTURE_BATCH];
	VwlLeaf		blad[CAPTURE_BATCH];
	MemoryContext batch_cxt;
};

/* INSERT into seal_leaf_hash, kept per backend. */
static SPIPlanPtr plan_insert;

/* A number key column's value as int64 (smallint, integer or bigint; seal_capture.h). */
int64
vwl_key_number(Datum d, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return DatumGetInt64(d);
	}
	elog(ERROR, "a numbered key column must be smallint, integer or bigint");
	return 0;
}

/* A record key as people read it: "uuid", "number" or "uuid/number". */
static char *
key_text(VwlCapture *c, int i)
{
	char	   *u = c->ucol ? DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(&c->u[i]))) : NULL;

	if (u && c->ncol)
		return psprintf("%s/%lld", u, (long long) c->nr[i]);
	if (u)
		return u;
	return psprintf("%lld", (long long) c->nr[i]);
}

/* Start a capture; the tree's lock first (seal_capture.h). */
VwlCapture *
vwl_capture_begin(Relation rel, int16 tabel, AttrNumber ucol, AttrNumber ncol,
				  Oid ntype, bool vernietigd, LOCKMODE lock)
{
	VwlCapture *c = palloc0(sizeof(VwlCapture));

	c->rel = rel;
	c->tabel = tabel;
	c->ucol = ucol;
	c->ncol = ncol;
	c->ntype = ntype;
	c->vernietigd = vernietigd;
	c->batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal capture batch",
										 ALLOCSET_DEFAULT_SIZES);
	vwl_lock_tree(lock);
	return c;
}

/*
 * Look up the leaves of the batch's rows, check each present last leaf
 * against its old row and store its full hash.
 */
static void
capture_flush(VwlCapture *c)
{
	Datum	   *bladen,
			   *hashes;
	int			m = 0;
	MemoryContext oud;

	if (c->n == 0)
		return;
	oud = MemoryContextSwitchTo(c->batch_cxt);

	/*
	 * A snapshot taken now, after the tree's lock: the leaves of a
	 * verzegel() that committed while we waited for it are seen.
	 */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	vwl_leaves_of(c->tabel, c->n, c->u, c->nr, c->blad);

	bladen = palloc(c->n * sizeof(Datum));
	hashes = palloc(c->n * sizeof(Datum));
	for (int i = 0; i < c->n; i++)
	{
		VwlLeaf    *b = &c->blad[i];
		bytea	   *h;

		/* not sealed yet, or the row's last leaf is kept whole already */
		if (b->blad < 0 || b->staat != 'a')
			continue;
		h = palloc(VARHDRSZ + VWL_HASH_LEN);
		SET_VARSIZE(h, VARHDRSZ + VWL_HASH_LEN);
		vwl_row_leaf_hash(c->rij[i], b->blad, b->vorige, (unsigned char *) VARDATA(h));
		if (memcmp(VARDATA(h), b->vinger, 4) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the row of leaf %lld (%s %s) differs from its sealed leaf",
							(long long) b->blad, RelationGetRelationName(c->rel), key_text(c, i)),
					 errdetail("The row was changed after it was sealed, not by the log; %s it would destroy the evidence of that change.",
							   c->vernietigd ? "destroying" : "re-encrypting"),
					 errhint("Verify the export first: COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO a file, and run verwerkingenlog-verifieer on it.")));
		bladen[m] = Int64GetDatum(b->blad);
		hashes[m++] = PointerGetDatum(h);
	}

	if (m > 0)
	{
		Oid			types[3] = {INT8ARRAYOID, BYTEAARRAYOID, BOOLOID};
		Datum		args[3];
		int			rc;

		args[0] = PointerGetDatum(construct_array(bladen, m, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		args[1] = PointerGetDatum(construct_array(hashes, m, BYTEAOID, -1, false, TYPALIGN_INT));
		args[2] = BoolGetDatum(c->vernietigd);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		rc = SPI_execute_plan(vwl_prepared(&plan_insert,
										   "INSERT INTO verwerkingenlog.seal_leaf_hash (blad, hash, vernietigd_in)"
										   " SELECT x.blad, x.hash,"
										   "        CASE WHEN $3 THEN pg_catalog.pg_current_xact_id() END"
										   "   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) AS x(blad, hash)",
										   3, types),
							  args, NULL, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "storing the leaf hashes failed: %s", SPI_result_code_string(rc));
		SPI_finish();
	}
	PopActiveSnapshot();
	MemoryContextSwitchTo(oud);
	MemoryContextReset(c->batch_cxt);
	c->n = 0;
}

/* Add one old row: its key and a copy of it (seal_capture.h). */
void
vwl_capture_row(VwlCapture *c, TupleTableSlot *oud)
{
	MemoryContext m;
	bool		isnull;
	int			i = c->n;

	memset(&c->u[i], 0, sizeof(pg_uuid_t));
	c->nr[i] = 0;
	if (c->ucol)
	{
		Datum		d = slot_getattr(oud, c->ucol, &isnull);

		if (!isnull)
			memcpy(&c->u[i], DatumGetUUIDP(d), sizeof(pg_uuid_t));
	}
	if (c->ncol)
	{
		Datum		d = slot_getattr(oud, c->ncol, &isnull);

		if (!isnull)
			c->nr[i] = vwl_key_number(d, c->ntype);
	}
	m = MemoryContextSwitchTo(c->batch_cxt);
	c->rij[i] = DatumGetHeapTupleHeader(ExecFetchSlotHeapTupleDatum(oud));
	MemoryContextSwitchTo(m);
	if (++c->n == CAPTURE_BATCH)
		capture_flush(c);
}

/* Capture the rows left and free the capture (seal_capture.h). */
void
vwl_capture_end(VwlCapture *c)
{
	capture_flush(c);
	MemoryContextDelete(c->batch_cxt);
	pfree(c);
}

PG_FUNCTION_INFO_V1(vwl_seal_vernietigd);

/*
 * Trigger (AFTER DELETE FOR EACH STATEMENT, REFERENCING OLD TABLE; argument
 * the table's seal_table.code): the full hash of every destroyed row's
 * present last leaf into seal_leaf_hash, with the destroying transaction,
 * after the tree's lock (ROW EXCLUSIVE: a purge beside another, not beside
 * a verzegel() or a re-encryption).  A row that differs from its leaf is
 * refused (data_corrupted).
 */
Datum
vwl_seal_vernietigd(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	int16		code;
	VwlSealedTable t;
	Oid			ntype = InvalidOid;
	VwlCapture *c;
	TupleTableSlot *oud;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || !TRIGGER_FIRED_BY_DELETE(td->tg_event) ||
		td->tg_trigger->tgnargs != 1 || td->tg_oldtable == NULL)
		elog(ERROR, "_seal_vernietigd must be an AFTER DELETE ... FOR EACH STATEMENT trigger with REFERENCING OLD TABLE and one argument");
	code = (int16) pg_strtoint32(td->tg_trigger->tgargs[0]);
	vwl_sealed_table(code, &t);
	if (t.relid != RelationGetRelid(td->tg_relation))
		elog(ERROR, "table code %d of _seal_vernietigd is not that of table \"%s\"",
			 code, RelationGetRelationName(td->tg_relation));
	if (t.nummer_attnum != InvalidAttrNumber)
		ntype = get_atttype(t.relid, t.nummer_attnum);

	/*
	 * Wait for a verzegel() that is running (it may be sealing these very
	 * rows), and keep the next one out until this transaction ends, so that
	 * no leaf of a destroyed row goes uncaptured.
	 */
	c = vwl_capture_begin(td->tg_relation, code, t.uuid_attnum, t.nummer_attnum, ntype, true,
						  RowExclusiveLock);
	oud = MakeSingleTupleTableSlot(RelationGetDescr(td->tg_relation), &TTSOpsMinimalTuple);
	tuplestore_rescan(td->tg_oldtable);
	while (tuplestore_gettupleslot(td->tg_oldtable, true, false, oud))
		vwl_capture_row(c, oud);
	ExecDropSingleTupleTableSlot(oud);
	vwl_capture_end(c);
	return PointerGetDatum(NULL);
}

PG_FUNCTION_INFO_V1(vwl_seal_migrate);

/*
 * verwerkingenlog._seal_migrate() RETURNS bigint, for the 1.1 -> 1.2
 * upgrade script only: packs the leaves of the 1.1 tree (seal_leaf, one
 * row per leaf) in tree order into blocks with the block writer of
 * sealing (seal_blok.c; vinger: the first 4 bytes of the stored hash,
 * vorige from the column), so that the migrated tree is stored as one
 * sealed fresh, and copies the full hash of every superseded or destroyed
 * leaf to seal_leaf_hash.  Returns how many leaves.
 */
Datum
vwl_seal_migrate(PG_FUNCTION_ARGS)
{
	VwlBlockWriter *w;
	Portal		portal;
	int64		verwacht = 0;
	int64		volgende;
	MemoryContext batch_cxt;
	int			rc;

	if (vwl_tree_size_stored() != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the tree's leaves are in blocks already"),
				 errdetail("_seal_migrate() packs the leaves of a 1.1 tree into an empty seal_blok.")));
	batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal migrate batch",
									  ALLOCSET_DEFAULT_SIZES);
	w = vwl_block_writer_start(0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	portal = SPI_cursor_open_with_args(NULL,
									   "SELECT b.blad, b.tabel, b.u, b.n, b.vorige, b.hash"
									   "  FROM verwerkingenlog.seal_leaf b ORDER BY b.blad",
									   0, NULL, NULL, NULL, true, 0);
	for (;;)
	{
		MemoryContext oud;

		SPI_cursor_fetch(portal, true, CAPTURE_BATCH);
		if (SPI_processed == 0)
			break;
		oud = MemoryContextSwitchTo(batch_cxt);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull,
						vorige_null;
			int64		blad = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
			int16		tabel = DatumGetInt16(SPI_getbinval(tup, desc, 2, &isnull));
			pg_uuid_t  *u = DatumGetUUIDP(SPI_getbinval(tup, desc, 3, &isnull));
			int64		n = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
			Datum		vorige = SPI_getbinval(tup, desc, 5, &vorige_null);
			bytea	   *hash = DatumGetByteaPP(SPI_getbinval(tup, desc, 6, &isnull));

			if (blad != verwacht)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("the tree of version 1.1 has no leaf %lld", (long long) verwacht),
						 errdetail("verwerkingenlog.seal_leaf goes on at leaf %lld; its leaves must be numbered from 0 without gaps.",
								   (long long) blad),
						 errhint("Restore the database from a backup taken before the tree was changed, then update again.")));
			if (VARSIZE_ANY_EXHDR(hash) != VWL_HASH_LEN)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("leaf %lld of the tree of version 1.1 has no 32-byte hash", (long long) blad)));
			vwl_block_writer_add(w, tabel, u, n, vorige_null ? -1 : DatumGetInt64(vorige),
								 (const unsigned char *) VARDATA_ANY(hash));
			verwacht++;
		}
		MemoryContextSwitchTo(oud);
		SPI_freetuptable(SPI_tuptable);
		MemoryContextReset(batch_cxt);
	}
	SPI_cursor_close(portal);
	volgende = vwl_block_writer_finish(w);
	if (volgende != verwacht)
		elog(ERROR, "the block writer wrote %lld leaves, expected %lld",
			 (long long) volgende, (long long) verwacht);

	/* the leaves whose rows no longer have their bytes keep the full hash */
	rc = SPI_execute("INSERT INTO verwerkingenlog.seal_leaf_hash"
					 "       (blad, hash, vervangen_door, vernietigd_in, vernietigd_door)"
					 "SELECT b.blad, b.hash, b.vervangen_door, b.vernietigd_in, b.vernietigd_door"
					 "  FROM verwerkingenlog.seal_leaf b"
					 " WHERE b.vervangen_door IS NOT NULL OR b.vernietigd_in IS NOT NULL",
					 false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "copying the kept leaf hashes failed: %s", SPI_result_code_string(rc));
	SPI_finish();
	MemoryContextDelete(batch_cxt);
	PG_RETURN_INT64(verwacht);
}
