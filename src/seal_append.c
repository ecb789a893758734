/*
 * seal_append.c
 *		verzegel()'s bulk path: the new leaves of one sealed table, encoded,
 *		hashed and written in C.
 *
 * verzegel() (88_sealing.sql) chooses which queued rows become leaves and
 * in what order with one query per table; this file runs that query and,
 * per row it returns, builds the canonical encoding (merkle.c, with what it
 * looks up about the table kept for every row), hashes it as a leaf
 * (SHA-256(0x00 || encoding)) and writes the leaf into seal_leaf with
 * multi-row heap inserts and their index entries, as COPY does, instead of
 * calling two SQL functions and an INSERT's executor per row.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/relscan.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"

#include "merkle.h"

/* Rows fetched from the selection, and written, at a time. */
#define APPEND_BATCH	1000

/* Columns of seal_leaf, in table order (88_sealing.sql). */
enum
{
	LEAF_BLAD,
	LEAF_N,
	LEAF_U,
	LEAF_TABEL,
	LEAF_HASH,
	LEAF_VORIGE,
	LEAF_VERVANGEN_DOOR,
	LEAF_VERNIETIGD_IN,
	LEAF_VERNIETIGD_DOOR,
	LEAF_NATTS
};

/* Open a table of the extension's schema. */
static Relation
open_own_table(const char *naam, LOCKMODE lock)
{
	Oid			relid = get_relname_relid(naam, get_namespace_oid("verwerkingenlog", false));

	if (!OidIsValid(relid))
		elog(ERROR, "table verwerkingenlog.%s does not exist", naam);
	return table_open(relid, lock);
}

/* Write the slots [0, n) into rel and its indexes; then clear them. */
static void
write_batch(ResultRelInfo *rri, EState *estate, TupleTableSlot **slots, int n,
			CommandId cid, BulkInsertState bis)
{
	if (n == 0)
		return;
	table_multi_insert(rri->ri_RelationDesc, slots, n, cid, 0, bis);
	for (int i = 0; i < n; i++)
	{
		List	   *r = ExecInsertIndexTuples(rri, slots[i], estate, false, false, NULL, NIL);

		list_free(r);
		ExecClearTuple(slots[i]);
	}
}

PG_FUNCTION_INFO_V1(vwl_seal_append);

/*
 * verwerkingenlog._seal_append(tabel smallint, selectie text, eerste bigint)
 * RETURNS bigint: runs selectie and appends every row it returns, in its
 * order, as a leaf of table code tabel, at tree indexes eerste, eerste + 1,
 * ...; a row with a leaf vorige supersedes that leaf (its vervangen_door is
 * set).  Returns how many.  selectie returns the columns (u uuid, n bigint,
 * vorige bigint, rij <the table's row type>).
 */
Datum
vwl_seal_append(PG_FUNCTION_ARGS)
{
	int16		tabel = PG_GETARG_INT16(0);
	char	   *selectie = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int64		eerste = PG_GETARG_INT64(2);
	int64		blad = eerste;
	Datum	   *vervangen_oud = NULL,
			   *vervangen_nieuw = NULL;
	int			nvervangen = 0,
				maxvervangen = 0;
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slots[APPEND_BATCH];
	BulkInsertState bis;
	CommandId	cid;
	Portal		portal;
	MemoryContext batch_cxt,
				cache_cxt;
	VwlCanonicalCache *cache = NULL;
	StringInfoData enc;

	if (eerste < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("eerste must not be negative")));

	rel = open_own_table("seal_leaf", RowExclusiveLock);
	if (RelationGetDescr(rel)->natts != LEAF_NATTS)
		elog(ERROR, "verwerkingenlog.seal_leaf does not have the expected columns");
	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	for (int i = 0; i < APPEND_BATCH; i++)
		slots[i] = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsVirtual);
	bis = GetBulkInsertState();
	cid = GetCurrentCommandId(true);
	batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal append batch",
									  ALLOCSET_DEFAULT_SIZES);
	cache_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal append encoder",
									  ALLOCSET_SMALL_SIZES);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	portal = SPI_cursor_open_with_args(NULL, selectie, 0, NULL, NULL, NULL, false, 0);
	for (;;)
	{
		MemoryContext oud;
		int			n = 0;

		SPI_cursor_fetch(portal, true, APPEND_BATCH);
		if (SPI_processed == 0)
			break;
		if (SPI_tuptable->tupdesc->natts != 4 ||
			SPI_gettypeid(SPI_tuptable->tupdesc, 1) != UUIDOID ||
			SPI_gettypeid(SPI_tuptable->tupdesc, 2) != INT8OID ||
			SPI_gettypeid(SPI_tuptable->tupdesc, 3) != INT8OID ||
			!type_is_rowtype(SPI_gettypeid(SPI_tuptable->tupdesc, 4)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("selectie must return the columns u uuid, n bigint, vorige bigint and rij, a row")));
		oud = MemoryContextSwitchTo(batch_cxt);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			TupleTableSlot *slot = slots[n++];
			bool		unull,
						nnull,
						rnull,
						vorige_null;
			Datum		u = SPI_getbinval(tup, desc, 1, &unull);
			Datum		nr = SPI_getbinval(tup, desc, 2, &nnull);
			Datum		vorige = SPI_getbinval(tup, desc, 3, &vorige_null);
			Datum		rij = SPI_getbinval(tup, desc, 4, &rnull);
			unsigned char h[VWL_HASH_LEN];
			bytea	   *hash;

			if (unull || nnull || rnull)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("selectie returned a row whose u, n or rij is null")));
			if (!vorige_null && (DatumGetInt64(vorige) < 0 || DatumGetInt64(vorige) >= eerste))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("selectie returned a row superseding leaf %lld, which is not in the tree",
								(long long) DatumGetInt64(vorige))));
			if (!vorige_null)
			{
				MemoryContext m = MemoryContextSwitchTo(oud);

				if (nvervangen == maxvervangen)
				{
					maxvervangen = Max(64, maxvervangen * 2);
					vervangen_oud = vervangen_oud ? repalloc(vervangen_oud, maxvervangen * sizeof(Datum))
						: palloc(maxvervangen * sizeof(Datum));
					vervangen_nieuw = vervangen_nieuw ? repalloc(vervangen_nieuw, maxvervangen * sizeof(Datum))
						: palloc(maxvervangen * sizeof(Datum));
				}
				vervangen_oud[nvervangen] = Int64GetDatum(DatumGetInt64(vorige));
				vervangen_nieuw[nvervangen++] = Int64GetDatum(blad);
				MemoryContextSwitchTo(m);
			}
			initStringInfo(&enc);
			appendStringInfoChar(&enc, '\0');
			vwl_canonical_encode(&cache, cache_cxt, DatumGetHeapTupleHeader(rij), blad,
								 vorige_null ? -1 : DatumGetInt64(vorige), &enc);
			vwl_sha256(enc.data, enc.len, h);
			hash = palloc(VARHDRSZ + VWL_HASH_LEN);
			SET_VARSIZE(hash, VARHDRSZ + VWL_HASH_LEN);
			memcpy(VARDATA(hash), h, VWL_HASH_LEN);

			ExecClearTuple(slot);
			memset(slot->tts_isnull, true, LEAF_NATTS * sizeof(bool));
			slot->tts_values[LEAF_BLAD] = Int64GetDatum(blad);
			slot->tts_values[LEAF_N] = Int64GetDatum(DatumGetInt64(nr));
			slot->tts_values[LEAF_U] = datumCopy(u, false, UUID_LEN);
			slot->tts_values[LEAF_TABEL] = Int16GetDatum(tabel);
			slot->tts_values[LEAF_HASH] = PointerGetDatum(hash);
			slot->tts_values[LEAF_VORIGE] = vorige_null ? (Datum) 0 : Int64GetDatum(DatumGetInt64(vorige));
			slot->tts_isnull[LEAF_BLAD] = false;
			slot->tts_isnull[LEAF_N] = false;
			slot->tts_isnull[LEAF_U] = false;
			slot->tts_isnull[LEAF_TABEL] = false;
			slot->tts_isnull[LEAF_HASH] = false;
			slot->tts_isnull[LEAF_VORIGE] = vorige_null;
			ExecStoreVirtualTuple(slot);
			blad++;
		}
		MemoryContextSwitchTo(oud);
		SPI_freetuptable(SPI_tuptable);
		write_batch(rri, estate, slots, n, cid, bis);
		ResetPerTupleExprContext(estate);
		MemoryContextReset(batch_cxt);
	}
	SPI_cursor_close(portal);

	/* the superseded leaves point at their successors */
	if (nvervangen > 0)
	{
		Oid			t[2] = {INT8ARRAYOID, INT8ARRAYOID};
		Datum		a[2];

		a[0] = PointerGetDatum(construct_array(vervangen_oud, nvervangen, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		a[1] = PointerGetDatum(construct_array(vervangen_nieuw, nvervangen, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		if (SPI_execute_with_args("UPDATE verwerkingenlog.seal_leaf b SET vervangen_door = x.nieuw"
								  "  FROM unnest($1, $2) AS x(oud, nieuw) WHERE b.blad = x.oud",
								  2, t, a, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "marking the superseded leaves failed");
	}
	SPI_finish();

	FreeBulkInsertState(bis);
	for (int i = 0; i < APPEND_BATCH; i++)
		ExecDropSingleTupleTableSlot(slots[i]);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
	table_close(rel, NoLock);
	MemoryContextDelete(batch_cxt);
	MemoryContextDelete(cache_cxt);
	PG_RETURN_INT64(blad - eerste);
}

/* Levels of the stored inner nodes are multiples of this (merkle.c). */
#define NODE_STEP	4
#define NODE_FAN	(1 << NODE_STEP)

/*
 * Store the inner nodes of level niveau at positions [van, tot): each the
 * MTH of its 16 children at level niveau - 4 (the leaves for level 4),
 * read in order with one index range scan, and written with multi-row
 * inserts.
 */
static void
store_level(Relation knopen, ResultRelInfo *rri, EState *estate, BulkInsertState bis,
			CommandId cid, int niveau, int64 van, int64 tot)
{
	bool		bladen = niveau == NODE_STEP;
	Relation	bron = bladen ? open_own_table("seal_leaf", AccessShareLock) : knopen;
	Oid			schema = get_namespace_oid("verwerkingenlog", false);
	Oid			index = get_relname_relid(bladen ? "seal_leaf_pkey" : "seal_node_pkey", schema);
	AttrNumber	a_positie = get_attnum(RelationGetRelid(bron), bladen ? "blad" : "positie");
	AttrNumber	a_hash = get_attnum(RelationGetRelid(bron), "hash");
	AttrNumber	a_niveau = get_attnum(RelationGetRelid(knopen), "niveau");
	ScanKeyData keys[3];
	int			nkeys = 0;
	SysScanDesc scan;
	HeapTuple	tup;
	int64		verwacht = van << NODE_STEP;
	unsigned char kinderen[NODE_FAN * VWL_HASH_LEN];
	TupleTableSlot *slots[APPEND_BATCH];
	int			n = 0;
	MemoryContext batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal nodes batch",
													 ALLOCSET_DEFAULT_SIZES);

	if (!OidIsValid(index) || a_positie == InvalidAttrNumber || a_hash == InvalidAttrNumber ||
		a_niveau == InvalidAttrNumber)
		elog(ERROR, "the tables of the tree do not have the expected indexes and columns");
	for (int i = 0; i < APPEND_BATCH; i++)
		slots[i] = MakeSingleTupleTableSlot(RelationGetDescr(knopen), &TTSOpsVirtual);
	if (!bladen)
		ScanKeyInit(&keys[nkeys++], a_niveau, BTEqualStrategyNumber, F_INT2EQ,
					Int16GetDatum(niveau - NODE_STEP));
	ScanKeyInit(&keys[nkeys++], a_positie, BTGreaterEqualStrategyNumber, F_INT8GE,
				Int64GetDatum(van << NODE_STEP));
	ScanKeyInit(&keys[nkeys++], a_positie, BTLessStrategyNumber, F_INT8LT,
				Int64GetDatum(tot << NODE_STEP));
	scan = systable_beginscan_ordered(bron, index_open(index, AccessShareLock), GetActiveSnapshot(),
									  nkeys, keys);
	while (HeapTupleIsValid(tup = systable_getnext_ordered(scan, ForwardScanDirection)))
	{
		bool		isnull;
		int64		positie = DatumGetInt64(heap_getattr(tup, a_positie, RelationGetDescr(bron), &isnull));
		Datum		h = heap_getattr(tup, a_hash, RelationGetDescr(bron), &isnull);
		bytea	   *b;

		if (positie != verwacht || isnull)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the stored tree is incomplete"),
					 errdetail("The hash at level %d, position %lld is not stored.",
							   niveau - NODE_STEP, (long long) verwacht)));
		b = DatumGetByteaPP(h);
		if (VARSIZE_ANY_EXHDR(b) != VWL_HASH_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("a stored tree hash is not a 32-byte hash")));
		memcpy(kinderen + (positie % NODE_FAN) * VWL_HASH_LEN, VARDATA_ANY(b), VWL_HASH_LEN);
		verwacht++;
		if (verwacht % NODE_FAN == 0)
		{
			MemoryContext oud = MemoryContextSwitchTo(batch_cxt);
			TupleTableSlot *slot = slots[n++];
			bytea	   *knoop = palloc(VARHDRSZ + VWL_HASH_LEN);

			SET_VARSIZE(knoop, VARHDRSZ + VWL_HASH_LEN);
			vwl_mth_in_memory(kinderen, NODE_FAN, (unsigned char *) VARDATA(knoop));
			ExecClearTuple(slot);
			slot->tts_values[0] = Int16GetDatum(niveau);
			slot->tts_values[1] = Int64GetDatum((verwacht >> NODE_STEP) - 1);
			slot->tts_values[2] = PointerGetDatum(knoop);
			slot->tts_isnull[0] = slot->tts_isnull[1] = slot->tts_isnull[2] = false;
			ExecStoreVirtualTuple(slot);
			MemoryContextSwitchTo(oud);
			if (n == APPEND_BATCH)
			{
				write_batch(rri, estate, slots, n, cid, bis);
				ResetPerTupleExprContext(estate);
				MemoryContextReset(batch_cxt);
				n = 0;
			}
		}
	}
	if (verwacht != tot << NODE_STEP)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the stored tree is incomplete"),
				 errdetail("The hash at level %d, position %lld is not stored.",
						   niveau - NODE_STEP, (long long) verwacht)));
	write_batch(rri, estate, slots, n, cid, bis);
	ResetPerTupleExprContext(estate);
	{
		Relation	idx = scan->irel;

		systable_endscan_ordered(scan);
		index_close(idx, AccessShareLock);
	}
	for (int i = 0; i < APPEND_BATCH; i++)
		ExecDropSingleTupleTableSlot(slots[i]);
	MemoryContextDelete(batch_cxt);
	if (bladen)
		table_close(bron, AccessShareLock);
}

PG_FUNCTION_INFO_V1(vwl_seal_nodes);

/*
 * verwerkingenlog._seal_nodes(oud bigint, nieuw bigint) RETURNS void: after
 * the tree grew from oud to nieuw leaves, store every inner node of levels
 * 4, 8, 12, ... whose subtree is complete now and was not before: level 4
 * from the leaves, each higher level from the one below it.
 */
Datum
vwl_seal_nodes(PG_FUNCTION_ARGS)
{
	int64		oud = PG_GETARG_INT64(0);
	int64		nieuw = PG_GETARG_INT64(1);
	Relation	knopen;
	EState	   *estate;
	ResultRelInfo *rri;
	BulkInsertState bis;
	CommandId	cid;

	if (oud < 0 || nieuw < oud)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("oud must lie between 0 and nieuw"),
				 errdetail("oud is %lld, nieuw %lld.", (long long) oud, (long long) nieuw)));
	knopen = open_own_table("seal_node", RowExclusiveLock);
	if (RelationGetDescr(knopen)->natts != 3)
		elog(ERROR, "verwerkingenlog.seal_node does not have the expected columns");
	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, knopen, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	bis = GetBulkInsertState();
	for (int niveau = NODE_STEP; niveau < 63 && (INT64CONST(1) << niveau) <= nieuw; niveau += NODE_STEP)
	{
		int64		van = oud >> niveau;
		int64		tot = nieuw >> niveau;

		if (tot > van)
		{
			/* each level reads what the one below it wrote */
			PushCopiedSnapshot(GetActiveSnapshot());
			UpdateActiveSnapshotCommandId();
			cid = GetCurrentCommandId(true);
			store_level(knopen, rri, estate, bis, cid, niveau, van, tot);
			PopActiveSnapshot();
			CommandCounterIncrement();
		}
	}
	FreeBulkInsertState(bis);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
	table_close(knopen, NoLock);
	PG_RETURN_VOID();
}
