/*
 * seal_append.c
 *		verzegel()'s bulk path: the new leaves of one sealed table, encoded,
 *		hashed and written in C.
 *
 * verzegel() (88_sealing.sql) chooses which queued rows become leaves and
 * in what order with one query per table; this file runs that query and,
 * per row it returns, builds the canonical encoding (merkle.c, with what it
 * looks up about the table kept for every row), hashes it as a leaf
 * (SHA-256(0x00 || encoding)) and appends it to the packed leaves
 * (seal_blok.c's block writer: one row per block of up to 128 leaves,
 * multi-row heap inserts and their index entries, as COPY does), instead
 * of calling SQL functions and an INSERT's executor per row.  Which rows
 * get a leaf (a key sealed once; a re-encryption supersedes the present
 * last leaf) is decided here too, with one lookup of the blocks per batch.
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
#include "seal_blok.h"

/* Rows fetched from the selection, and written, at a time. */
#define APPEND_BATCH	1000
/* Levels of the stored inner nodes are multiples of this (merkle.c). */
#define NODE_STEP	4
#define NODE_FAN	(1 << NODE_STEP)

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

/*
 * Writing inner nodes of one level into seal_node with multi-row inserts;
 * the hashes of the nodes waiting are in cxt.
 */
typedef struct NodeWriter
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	BulkInsertState bis;
	CommandId	cid;
	TupleTableSlot *slots[APPEND_BATCH];
	int			n;
	MemoryContext cxt;
} NodeWriter;

/* Start writing nodes. */
static void
node_writer_start(NodeWriter *w)
{
	w->rel = open_own_table("seal_node", RowExclusiveLock);
	if (RelationGetDescr(w->rel)->natts != 3)
		elog(ERROR, "verwerkingenlog.seal_node does not have the expected columns");
	w->estate = CreateExecutorState();
	w->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(w->rri, w->rel, 1, NULL, 0);
	ExecOpenIndices(w->rri, false);
	w->bis = GetBulkInsertState();
	w->cid = GetCurrentCommandId(true);
	for (int i = 0; i < APPEND_BATCH; i++)
		w->slots[i] = MakeSingleTupleTableSlot(RelationGetDescr(w->rel), &TTSOpsVirtual);
	w->n = 0;
	w->cxt = AllocSetContextCreate(CurrentMemoryContext, "seal nodes batch", ALLOCSET_SMALL_SIZES);
}

/* Write the nodes waiting. */
static void
node_writer_flush(NodeWriter *w)
{
	write_batch(w->rri, w->estate, w->slots, w->n, w->cid, w->bis);
	ResetPerTupleExprContext(w->estate);
	MemoryContextReset(w->cxt);
	w->n = 0;
}

/* Add the node of level niveau at positie with this hash. */
static void
node_writer_add(NodeWriter *w, int niveau, int64 positie, const unsigned char *hash)
{
	MemoryContext oud;
	TupleTableSlot *slot;
	bytea	   *knoop;

	if (w->n == APPEND_BATCH)
		node_writer_flush(w);
	oud = MemoryContextSwitchTo(w->cxt);
	slot = w->slots[w->n++];
	knoop = palloc(VARHDRSZ + VWL_HASH_LEN);
	SET_VARSIZE(knoop, VARHDRSZ + VWL_HASH_LEN);
	memcpy(VARDATA(knoop), hash, VWL_HASH_LEN);
	ExecClearTuple(slot);
	slot->tts_values[0] = Int16GetDatum(niveau);
	slot->tts_values[1] = Int64GetDatum(positie);
	slot->tts_values[2] = PointerGetDatum(knoop);
	slot->tts_isnull[0] = slot->tts_isnull[1] = slot->tts_isnull[2] = false;
	ExecStoreVirtualTuple(slot);
	MemoryContextSwitchTo(oud);
}

/* Write what waits and close. */
static void
node_writer_finish(NodeWriter *w)
{
	node_writer_flush(w);
	FreeBulkInsertState(w->bis);
	for (int i = 0; i < APPEND_BATCH; i++)
		ExecDropSingleTupleTableSlot(w->slots[i]);
	ExecCloseIndices(w->rri);
	FreeExecutorState(w->estate);
	table_close(w->rel, NoLock);
	MemoryContextDelete(w->cxt);
}

PG_FUNCTION_INFO_V1(vwl_seal_append);

/*
 * verwerkingenlog._seal_append(tabel smallint, selectie text, eerste bigint)
 * RETURNS bigint: runs selectie, which returns the queued rows of table
 * code tabel as (soort "char", u uuid, n bigint, rij <the table's row
 * type>) sorted by (u, n), and appends a leaf for every row that gets one,
 * in that order, at tree indexes eerste, eerste + 1, ...: a row inserted
 * (soort I) when its key has no leaf yet; a row re-encrypted (U) when the
 * last leaf of its key is present, superseding that leaf (whose hash the
 * re-encryption captured in seal_leaf_hash: it gets vervangen_door).  Any
 * other row gets nothing, so the verifier judges it.  The leaves go into
 * seal_blok (seal_blok.c's block writer); every level-4 node (16 leaves)
 * that became complete is written from the hashes computed here, the
 * leaves of the group the previous run left incomplete recomputed from
 * their rows.  Returns how many leaves.
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
	VwlBlockWriter *bw;
	NodeWriter	nw;
	unsigned char groep[NODE_FAN * VWL_HASH_LEN];
	Portal		portal;
	MemoryContext batch_cxt,
				cache_cxt;
	VwlCanonicalCache *cache = NULL;
	StringInfoData enc;
	pg_uuid_t  *us;
	int64	   *ns;
	VwlLeaf    *leaves;

	if (eerste < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("eerste must not be negative")));

	bw = vwl_block_writer_start(eerste);
	node_writer_start(&nw);
	batch_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal append batch",
									  ALLOCSET_DEFAULT_SIZES);
	cache_cxt = AllocSetContextCreate(CurrentMemoryContext, "seal append encoder",
									  ALLOCSET_SMALL_SIZES);
	us = palloc(APPEND_BATCH * sizeof(pg_uuid_t));
	ns = palloc(APPEND_BATCH * sizeof(int64));
	leaves = palloc(APPEND_BATCH * sizeof(VwlLeaf));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	portal = SPI_cursor_open_with_args(NULL, selectie, 0, NULL, NULL, NULL, false, 0);
	for (;;)
	{
		MemoryContext oud;
		TupleDesc	desc;

		SPI_cursor_fetch(portal, true, APPEND_BATCH);
		if (SPI_processed == 0)
			break;
		desc = SPI_tuptable->tupdesc;
		if (desc->natts != 4 ||
			SPI_gettypeid(desc, 1) != CHAROID ||
			SPI_gettypeid(desc, 2) != UUIDOID ||
			SPI_gettypeid(desc, 3) != INT8OID ||
			!type_is_rowtype(SPI_gettypeid(desc, 4)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("selectie must return the columns soort \"char\", u uuid, n bigint and rij, a row")));
		oud = MemoryContextSwitchTo(batch_cxt);
		/* the keys' last leaves, for the whole batch at once */
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			bool		unull,
						nnull;
			Datum		u = SPI_getbinval(tup, desc, 2, &unull);
			Datum		nr = SPI_getbinval(tup, desc, 3, &nnull);

			if (unull || nnull)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("selectie returned a row whose u or n is null")));
			us[r] = *DatumGetUUIDP(u);
			ns[r] = DatumGetInt64(nr);
		}
		vwl_leaves_of(tabel, (int) SPI_processed, us, ns, leaves);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			bool		snull,
						rnull;
			char		soort = DatumGetChar(SPI_getbinval(tup, desc, 1, &snull));
			Datum		rij = SPI_getbinval(tup, desc, 4, &rnull);
			int64		vorige = -1;
			unsigned char *h = groep + (blad % NODE_FAN) * VWL_HASH_LEN;

			if (snull || rnull)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("selectie returned a row whose soort or rij is null")));
			if (soort == 'I')
			{
				if (leaves[r].blad >= 0)
					continue;
			}
			else if (soort == 'U')
			{
				if (leaves[r].blad < 0 || leaves[r].staat != 'a')
					continue;
				vorige = leaves[r].blad;
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("selectie returned a row of soort \"%c\"", soort),
						 errdetail("A queued row is of soort I (inserted) or U (re-encrypted).")));
			/* the leaves of the incomplete level-4 group before eerste, once */
			if (blad == eerste && eerste % NODE_FAN != 0)
			{
				int64		bladen[NODE_FAN];
				int			k = 0;

				for (int64 b = eerste - eerste % NODE_FAN; b < eerste; b++)
					bladen[k++] = b;
				vwl_leaf_hashes(k, bladen, groep);
			}
			if (vorige >= 0)
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
				vervangen_oud[nvervangen] = Int64GetDatum(vorige);
				vervangen_nieuw[nvervangen++] = Int64GetDatum(blad);
				MemoryContextSwitchTo(m);
			}
			initStringInfo(&enc);
			appendStringInfoChar(&enc, '\0');
			vwl_canonical_encode(&cache, cache_cxt, DatumGetHeapTupleHeader(rij), blad, vorige, &enc);
			vwl_sha256(enc.data, enc.len, h);
			pfree(enc.data);
			vwl_block_writer_add(bw, tabel, &us[r], ns[r], vorige, h);
			blad++;
			if (blad % NODE_FAN == 0)
			{
				unsigned char knoop[VWL_HASH_LEN];

				vwl_mth_in_memory(groep, NODE_FAN, knoop);
				node_writer_add(&nw, NODE_STEP, blad / NODE_FAN - 1, knoop);
			}
		}
		MemoryContextSwitchTo(oud);
		SPI_freetuptable(SPI_tuptable);
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
		if (SPI_execute_with_args("UPDATE verwerkingenlog.seal_leaf_hash b SET vervangen_door = x.nieuw"
								  "  FROM unnest($1, $2) AS x(oud, nieuw)"
								  " WHERE b.blad = x.oud AND b.vervangen_door IS NULL AND b.vernietigd_in IS NULL",
								  2, t, a, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "marking the superseded leaves failed");
		if (SPI_processed != (uint64) nvervangen)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("a re-encrypted row's leaf has no captured hash"),
					 errdetail("%d leaves are superseded, %llu of them have their hash in seal_leaf_hash.",
							   nvervangen, (unsigned long long) SPI_processed),
					 errhint("The re-encryption captures the hash of the old row before it changes it.")));
	}
	SPI_finish();

	vwl_block_writer_finish(bw);
	node_writer_finish(&nw);
	MemoryContextDelete(batch_cxt);
	MemoryContextDelete(cache_cxt);
	PG_RETURN_INT64(blad - eerste);
}

/*
 * Store the inner nodes of level niveau at positions [van, tot): each the
 * MTH of its 16 children at level niveau - 4 (niveau 8 and up: level 4
 * is written by _seal_append), read in order with one index range scan,
 * and written with multi-row inserts.
 */
static void
store_level(Relation knopen, ResultRelInfo *rri, EState *estate, BulkInsertState bis,
			CommandId cid, int niveau, int64 van, int64 tot)
{
	Relation	bron = knopen;
	Oid			schema = get_namespace_oid("verwerkingenlog", false);
	Oid			index = get_relname_relid("seal_node_pkey", schema);
	AttrNumber	a_positie = get_attnum(RelationGetRelid(bron), "positie");
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
}

PG_FUNCTION_INFO_V1(vwl_seal_nodes);

/*
 * verwerkingenlog._seal_nodes(oud bigint, nieuw bigint) RETURNS void: after
 * the tree grew from oud to nieuw leaves, store every inner node of levels
 * 8, 12, ... whose subtree is complete now and was not before, each from
 * the level below it (level 4 _seal_append wrote).
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
	for (int niveau = 2 * NODE_STEP; niveau < 63 && (INT64CONST(1) << niveau) <= nieuw; niveau += NODE_STEP)
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
