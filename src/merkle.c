/*
 * merkle.c
 *		The Merkle tree over everything the log stores, and the canonical
 *		encoding of a stored row (its leaf).
 *
 * Hashing is RFC 9162's (section 2.1.1): a leaf is SHA-256(0x00 || bytes),
 * an inner node SHA-256(0x01 || left || right), and the tree of n leaves
 * splits at the largest power of two below n.  The tree is stored in two
 * tables (88_sealing.sql):
 *
 *	- seal_blok: the leaves, packed in blocks of up to 128 (seal_blok.c):
 *	  a leaf's hash is recomputed from its row, or stored in
 *	  seal_leaf_hash once the row lost those bytes;
 *	- seal_node: the hash of every complete subtree whose level is a
 *	  multiple of 4 (16, 256, 4096, ... leaves), so that any complete
 *	  subtree is at most 8 stored hashes away and a proof reads at most one
 *	  short range per level.
 *
 * The bytes of a leaf (version 1 of the canonical encoding, README
 * "Tamper evidence") are built from the row as stored: pseudonyms and
 * ciphertexts as they are, never a plaintext identifier.  Every column
 * that is not NULL is encoded under its name, in byte order of the names,
 * so that the encoding does not depend on the order of the columns in the
 * table and a column added later (NULL in old rows) leaves the encoding of
 * old rows unchanged.  Values that PostgreSQL would print differently under
 * other settings are encoded in binary: timestamps as microseconds since
 * 2000-01-01 UTC, bytea as its bytes; every other value in its text form
 * (the functions that encode run with fixed TimeZone, DateStyle and
 * IntervalStyle, so that arrays of timestamps print alike too).  No binary
 * send format is used: those of arrays and records carry type OIDs, which
 * differ after a restore into another cluster.
 */
#include "postgres.h"

#include <openssl/evp.h>

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "common/base64.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "merkle.h"
#include "seal_blok.h"

#define CANONICAL_MAGIC		"VWL\x01"
#define NO_PREVIOUS			UINT64CONST(0xFFFFFFFFFFFFFFFF)
/* Levels of the stored inner nodes are multiples of this. */
#define NODE_STEP			4

/* SHA-256 of data into uit. */
void
vwl_sha256(const void *data, size_t len, unsigned char *uit)
{
	unsigned int ulen = 0;

	if (EVP_Digest(data, len, uit, &ulen, EVP_sha256(), NULL) != 1 ||
		ulen != VWL_HASH_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
				 errmsg("SHA-256 failed in OpenSSL")));
}

/* Inner node hash of RFC 9162: SHA-256(0x01 || links || rechts). */
void
vwl_node_hash(const unsigned char *links, const unsigned char *rechts,
			   unsigned char *uit)
{
	unsigned char buf[1 + 2 * VWL_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, links, VWL_HASH_LEN);
	memcpy(buf + 1 + VWL_HASH_LEN, rechts, VWL_HASH_LEN);
	vwl_sha256(buf, sizeof(buf), uit);
}

/* The largest power of two strictly below n (n >= 2). */
static int64
largest_power_below(int64 n)
{
	int64		k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/*
 * RFC 9162 MTH over n hashes that are already leaf (or subtree) hashes,
 * in memory; n = 0 gives the hash of the empty string.
 */
static void
mth_in_memory(const unsigned char *h, int64 n, unsigned char *uit)
{
	unsigned char l[VWL_HASH_LEN],
				r[VWL_HASH_LEN];
	int64		k;

	if (n == 0)
	{
		vwl_sha256("", 0, uit);
		return;
	}
	if (n == 1)
	{
		memcpy(uit, h, VWL_HASH_LEN);
		return;
	}
	k = largest_power_below(n);
	mth_in_memory(h, k, l);
	mth_in_memory(h + k * VWL_HASH_LEN, n - k, r);
	vwl_node_hash(l, r, uit);
}

/* RFC 9162 MTH over n leaf (or subtree) hashes in memory (merkle.h). */
void
vwl_mth_in_memory(const unsigned char *h, int64 n, unsigned char *uit)
{
	mth_in_memory(h, n, uit);
}

/* Append an unsigned integer of n bytes, big-endian. */
static void
append_be(StringInfo s, uint64 v, int n)
{
	for (int i = n - 1; i >= 0; i--)
		appendStringInfoChar(s, (char) ((v >> (8 * i)) & 0xFF));
}

/* Append a length-prefixed (lenbytes, big-endian) byte string. */
static void
append_lv(StringInfo s, const char *data, size_t len, int lenbytes)
{
	append_be(s, (uint64) len, lenbytes);
	appendBinaryStringInfo(s, data, (int) len);
}

/*
 * What the encoder needs to know about a row type, looked up once per
 * type: the table's name, the columns in byte order of their names, and
 * per column how its value is encoded (and its output function).
 */
typedef struct CanonicalColumn
{
	int			attnum;			/* index into the deformed row */
	char		kind;			/* 'i', 'b' or 't' */
	const char *naam;
	FmgrInfo	out;
} CanonicalColumn;

struct VwlCanonicalCache
{
	Oid			typid;
	int32		typmod;
	TupleDesc	desc;
	char	   *tabel;
	int			ncolumns;
	CanonicalColumn *columns;
	Datum	   *values;
	bool	   *nulls;
};

/* Compare two CanonicalColumns by name. */
static int
column_cmp(const void *a, const void *b)
{
	return strcmp(((const CanonicalColumn *) a)->naam,
				  ((const CanonicalColumn *) b)->naam);
}

/* The cache for a row type, made in mcxt (kept as long as that lives). */
static VwlCanonicalCache *
canonical_cache_make(Oid typid, int32 typmod, MemoryContext mcxt)
{
	MemoryContext oud = MemoryContextSwitchTo(mcxt);
	VwlCanonicalCache *c = palloc0(sizeof(VwlCanonicalCache));
	Oid			relid = get_typ_typrelid(typid);
	TupleDesc	desc;

	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rij must be a row of a table")));
	c->typid = typid;
	c->typmod = typmod;
	c->tabel = get_rel_name(relid);
	desc = lookup_rowtype_tupdesc(typid, typmod);
	c->desc = CreateTupleDescCopy(desc);
	ReleaseTupleDesc(desc);
	c->columns = palloc(Max(c->desc->natts, 1) * sizeof(CanonicalColumn));
	for (int i = 0; i < c->desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(c->desc, i);
		Oid			basis;
		CanonicalColumn *k;

		if (att->attisdropped)
			continue;
		k = &c->columns[c->ncolumns++];
		k->attnum = i;
		k->naam = pstrdup(NameStr(att->attname));
		basis = getBaseType(att->atttypid);
		if (basis == TIMESTAMPTZOID || basis == TIMESTAMPOID)
			k->kind = 'i';
		else if (basis == BYTEAOID)
			k->kind = 'b';
		else
		{
			Oid			out;
			bool		varlena;

			k->kind = 't';
			getTypeOutputInfo(att->atttypid, &out, &varlena);
			fmgr_info_cxt(out, &k->out, mcxt);
		}
	}
	qsort(c->columns, c->ncolumns, sizeof(CanonicalColumn), column_cmp);
	c->values = palloc(Max(c->desc->natts, 1) * sizeof(Datum));
	c->nulls = palloc(Max(c->desc->natts, 1) * sizeof(bool));
	MemoryContextSwitchTo(oud);
	return c;
}

/*
 * Append the canonical encoding (version 1) of a stored row to s; blad and
 * vorige are -1 for none.  *cache (NULL at first) keeps what was looked up
 * about the row type, in mcxt, for the next row.
 *
 *	"VWL" 0x01 | u64 blad (all ones: none) | u64 vorige (all ones: none) |
 *	u16 length, table name | u16 number of columns |
 *	per column not NULL, by name: u16 length, name | u8 kind |
 *	u32 length, value
 *
 * kind 't' is the text form, 'b' the bytes of a bytea, 'i' a timestamp as
 * a signed 64-bit count of microseconds since 2000-01-01 00:00 UTC.
 */
void
vwl_canonical_encode(VwlCanonicalCache **cache, MemoryContext mcxt,
					 HeapTupleHeader th, int64 blad, int64 vorige,
					 StringInfo s)
{
	Oid			typid = HeapTupleHeaderGetTypeId(th);
	int32		typmod = HeapTupleHeaderGetTypMod(th);
	VwlCanonicalCache *c = *cache;
	HeapTupleData tup;
	int			n = 0;

	if (c == NULL || c->typid != typid || c->typmod != typmod)
		*cache = c = canonical_cache_make(typid, typmod, mcxt);
	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;
	heap_deform_tuple(&tup, c->desc, c->values, c->nulls);
	for (int j = 0; j < c->ncolumns; j++)
		if (!c->nulls[c->columns[j].attnum])
			n++;

	appendBinaryStringInfo(s, CANONICAL_MAGIC, 4);
	append_be(s, blad < 0 ? NO_PREVIOUS : (uint64) blad, 8);
	append_be(s, vorige < 0 ? NO_PREVIOUS : (uint64) vorige, 8);
	append_lv(s, c->tabel, strlen(c->tabel), 2);
	append_be(s, (uint64) n, 2);
	for (int j = 0; j < c->ncolumns; j++)
	{
		CanonicalColumn *k = &c->columns[j];
		Datum		v = c->values[k->attnum];

		if (c->nulls[k->attnum])
			continue;
		append_lv(s, k->naam, strlen(k->naam), 2);
		if (k->kind == 'i')
		{
			appendStringInfoChar(s, 'i');
			append_be(s, 8, 4);
			append_be(s, (uint64) DatumGetInt64(v), 8);
		}
		else if (k->kind == 'b')
		{
			bytea	   *b = DatumGetByteaPP(v);

			appendStringInfoChar(s, 'b');
			append_lv(s, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), 4);
			if ((Pointer) b != DatumGetPointer(v))
				pfree(b);
		}
		else
		{
			char	   *tekst = OutputFunctionCall(&k->out, v);

			appendStringInfoChar(s, 't');
			append_lv(s, tekst, strlen(tekst), 4);
			pfree(tekst);
		}
	}
}

PG_FUNCTION_INFO_V1(vwl_canonical);

/*
 * verwerkingenlog._canonical(rij record, blad bigint, vorige bigint) RETURNS
 * bytea: the canonical encoding (version 1, vwl_canonical_encode) of a
 * stored row of one of the log's tables at tree index blad (NULL: not in
 * the tree), superseding leaf vorige (NULL: none).
 */
Datum
vwl_canonical(PG_FUNCTION_ARGS)
{
	HeapTupleHeader th;
	int64		blad;
	StringInfoData s;
	bytea	   *res;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	th = PG_GETARG_HEAPTUPLEHEADER(0);
	blad = PG_ARGISNULL(1) ? -1 : PG_GETARG_INT64(1);
	if (!PG_ARGISNULL(1) && blad < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("blad must not be negative")));
	if (!PG_ARGISNULL(2) && PG_GETARG_INT64(2) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vorige must not be negative")));
	initStringInfo(&s);
	vwl_canonical_encode((VwlCanonicalCache **) &fcinfo->flinfo->fn_extra,
						 fcinfo->flinfo->fn_mcxt, th, blad,
						 PG_ARGISNULL(2) ? -1 : PG_GETARG_INT64(2), &s);
	res = palloc(VARHDRSZ + s.len);
	SET_VARSIZE(res, VARHDRSZ + s.len);
	memcpy(VARDATA(res), s.data, s.len);
	pfree(s.data);
	PG_RETURN_BYTEA_P(res);
}

/* A 32-byte hash as bytea. */
static bytea *
hash_bytea(const unsigned char *h)
{
	bytea	   *b = palloc(VARHDRSZ + VWL_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + VWL_HASH_LEN);
	memcpy(VARDATA(b), h, VWL_HASH_LEN);
	return b;
}

/* Copy a bytea that must be a 32-byte hash into uit; wat names it. */
static void
hash_from_bytea(bytea *b, unsigned char *uit, const char *wat)
{
	if (VARSIZE_ANY_EXHDR(b) != VWL_HASH_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s is not a 32-byte hash", wat)));
	memcpy(uit, VARDATA_ANY(b), VWL_HASH_LEN);
}

PG_FUNCTION_INFO_V1(vwl_mth);

/*
 * verwerkingenlog._mth(hashes bytea[]) RETURNS bytea: the RFC 9162 tree
 * hash over the given leaf (or subtree) hashes, in array order.
 */
Datum
vwl_mth(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *enulls;
	int			n;
	unsigned char *h;
	unsigned char uit[VWL_HASH_LEN];

	deconstruct_array(a, BYTEAOID, -1, false, TYPALIGN_INT, &elems, &enulls, &n);
	h = palloc(Max(n, 1) * VWL_HASH_LEN);
	for (int i = 0; i < n; i++)
	{
		if (enulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("hashes[%d] must not be null", i + 1)));
		hash_from_bytea(DatumGetByteaPP(elems[i]), h + i * VWL_HASH_LEN, "hashes element");
	}
	mth_in_memory(h, n, uit);
	PG_RETURN_BYTEA_P(hash_bytea(uit));
}

/*
 * Reading the stored tree.  A computation over the tree (a root, a proof)
 * runs twice: first to collect which stored hashes it needs (the recursion
 * depends only on the tree size and the leaf, never on hash values), then,
 * after one index range scan per run of consecutive positions, to compute.
 */
typedef struct TreeNode
{
	int64		positie;
	int16		niveau;
	bool		gevonden;
	unsigned char hash[VWL_HASH_LEN];
} TreeNode;

typedef struct Tree
{
	bool		verzamelen;		/* first pass: only note what is needed */
	TreeNode	   *knopen;
	int			n;
	int			max;
} Tree;

/* Order of TreeNode: by level, then position. */
static int
node_cmp(const void *a, const void *b)
{
	const TreeNode *x = a,
			   *y = b;

	if (x->niveau != y->niveau)
		return x->niveau < y->niveau ? -1 : 1;
	if (x->positie != y->positie)
		return x->positie < y->positie ? -1 : 1;
	return 0;
}

/* Start the first pass. */
static void
tree_open(Tree *b)
{
	b->verzamelen = true;
	b->n = 0;
	b->max = 64;
	b->knopen = palloc(b->max * sizeof(TreeNode));
}

/* A table of the extension's schema and the OID of one of its indexes. */
static Relation
open_tree_table(const char *naam, const char *index, Oid *indexoid)
{
	Oid			schema = get_namespace_oid("verwerkingenlog", false);
	Oid			relid = get_relname_relid(naam, schema);

	*indexoid = get_relname_relid(index, schema);
	if (!OidIsValid(relid) || !OidIsValid(*indexoid))
		elog(ERROR, "table verwerkingenlog.%s or its index %s does not exist", naam, index);
	return table_open(relid, AccessShareLock);
}

/* The attribute number of a column of a tree table. */
static AttrNumber
tree_column(Relation rel, const char *naam)
{
	AttrNumber	a = get_attnum(RelationGetRelid(rel), naam);

	if (a == InvalidAttrNumber)
		elog(ERROR, "column \"%s\" of \"%s\" does not exist", naam, RelationGetRelationName(rel));
	return a;
}

/*
 * Read the stored hashes of the positions [lo, hi) at one level of
 * seal_node that the computation noted, with one index range scan.
 */
static void
tree_read_run(Tree *b, Relation rel, Oid indexoid, int16 niveau, int64 lo, int64 hi,
			  AttrNumber a_niveau, AttrNumber a_positie, AttrNumber a_hash)
{
	ScanKeyData keys[3];
	int			nkeys = 0;
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&keys[nkeys++], a_niveau, BTEqualStrategyNumber, F_INT2EQ,
				Int16GetDatum(niveau));
	ScanKeyInit(&keys[nkeys++], a_positie, BTGreaterEqualStrategyNumber, F_INT8GE,
				Int64GetDatum(lo));
	ScanKeyInit(&keys[nkeys++], a_positie, BTLessStrategyNumber, F_INT8LT,
				Int64GetDatum(hi));
	scan = systable_beginscan(rel, indexoid, true, GetActiveSnapshot(), nkeys, keys);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		TreeNode	sleutel;
		TreeNode   *k;
		Datum		h;

		sleutel.niveau = niveau;
		sleutel.positie = DatumGetInt64(heap_getattr(tup, a_positie, RelationGetDescr(rel), &isnull));
		h = heap_getattr(tup, a_hash, RelationGetDescr(rel), &isnull);
		k = bsearch(&sleutel, b->knopen, b->n, sizeof(TreeNode), node_cmp);
		if (k == NULL || isnull)
			continue;
		hash_from_bytea(DatumGetByteaPP(h), k->hash, "a stored tree hash");
		k->gevonden = true;
	}
	systable_endscan(scan);
}

/*
 * End the first pass: fetch every noted hash; the stored tree must have
 * every one of them.  The leaves' hashes come from vwl_leaf_hashes
 * (seal_blok.c: stored, or recomputed from the row and checked against the
 * block).  The hashes a proof needs lie close together per level (the
 * siblings inside one stored subtree), so the inner nodes of a level that
 * are at most a subtree apart are read with one index range scan, done
 * directly (no SQL): a proof reads about one short range per stored level.
 */
static void
tree_fetch(Tree *b)
{
	int			w = 0;
	int			nbladen = 0;
	Relation	knopen;
	Oid			knopen_pkey;
	AttrNumber	k_niveau,
				k_positie,
				k_hash;

	qsort(b->knopen, b->n, sizeof(TreeNode), node_cmp);
	for (int r = 0; r < b->n; r++)
		if (w == 0 || node_cmp(&b->knopen[w - 1], &b->knopen[r]) != 0)
			b->knopen[w++] = b->knopen[r];
	b->n = w;
	for (int i = 0; i < b->n; i++)
		b->knopen[i].gevonden = false;

	/* level 0, the leaves, first in the order: from the blocks and rows */
	while (nbladen < b->n && b->knopen[nbladen].niveau == 0)
		nbladen++;
	if (nbladen > 0)
	{
		int64	   *bladen = palloc(nbladen * sizeof(int64));
		unsigned char *h = palloc((size_t) nbladen * VWL_HASH_LEN);

		for (int i = 0; i < nbladen; i++)
			bladen[i] = b->knopen[i].positie;
		vwl_leaf_hashes(nbladen, bladen, h);
		for (int i = 0; i < nbladen; i++)
		{
			memcpy(b->knopen[i].hash, h + (size_t) i * VWL_HASH_LEN, VWL_HASH_LEN);
			b->knopen[i].gevonden = true;
		}
		pfree(bladen);
		pfree(h);
	}

	knopen = open_tree_table("seal_node", "seal_node_pkey", &knopen_pkey);
	k_niveau = tree_column(knopen, "niveau");
	k_positie = tree_column(knopen, "positie");
	k_hash = tree_column(knopen, "hash");
	for (int i = nbladen; i < b->n;)
	{
		int			j = i + 1;

		/* hashes less than a stored subtree apart: one range (a page) */
		while (j < b->n && b->knopen[j].niveau == b->knopen[i].niveau &&
			   b->knopen[j].positie - b->knopen[j - 1].positie <= (1 << NODE_STEP))
			j++;
		tree_read_run(b, knopen, knopen_pkey, b->knopen[i].niveau, b->knopen[i].positie,
					  b->knopen[j - 1].positie + 1, k_niveau, k_positie, k_hash);
		i = j;
	}
	table_close(knopen, AccessShareLock);
	for (int i = 0; i < b->n; i++)
		if (!b->knopen[i].gevonden)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the stored tree is incomplete"),
					 errdetail("The hash at level %d, position %lld is not stored.",
							   b->knopen[i].niveau, (long long) b->knopen[i].positie)));
	b->verzamelen = false;
}

/*
 * The hash of the complete subtree at level k (2^k leaves), position pos,
 * from the nearest stored level at or below k.
 */
static void
subtree(Tree *b, int k, int64 pos, unsigned char *uit)
{
	int			basis = k - (k % NODE_STEP);
	int64		aantal = INT64CONST(1) << (k - basis);
	int64		van = pos << (k - basis);
	unsigned char *h;

	if (b->verzamelen)
	{
		for (int64 i = 0; i < aantal; i++)
		{
			if (b->n == b->max)
			{
				b->max *= 2;
				b->knopen = repalloc(b->knopen, b->max * sizeof(TreeNode));
			}
			b->knopen[b->n].niveau = (int16) basis;
			b->knopen[b->n].positie = van + i;
			b->n++;
		}
		memset(uit, 0, VWL_HASH_LEN);
		return;
	}
	h = palloc(aantal * VWL_HASH_LEN);
	for (int64 i = 0; i < aantal; i++)
	{
		TreeNode		sleutel;
		TreeNode	   *kn;

		sleutel.niveau = (int16) basis;
		sleutel.positie = van + i;
		kn = bsearch(&sleutel, b->knopen, b->n, sizeof(TreeNode), node_cmp);
		if (kn == NULL)
			elog(ERROR, "tree hash at level %d, position %lld was not fetched", basis, (long long) (van + i));
		memcpy(h + i * VWL_HASH_LEN, kn->hash, VWL_HASH_LEN);
	}
	mth_in_memory(h, aantal, uit);
	pfree(h);
}

/* MTH of the leaves [lo, hi), lo aligned as RFC 9162's recursion keeps it. */
static void
mth_range(Tree *b, int64 lo, int64 hi, unsigned char *uit)
{
	int64		n = hi - lo;
	unsigned char l[VWL_HASH_LEN],
				r[VWL_HASH_LEN];
	int64		k;

	if (n <= 0)
	{
		vwl_sha256("", 0, uit);
		return;
	}
	if ((n & (n - 1)) == 0 && lo % n == 0)
	{
		int			niveau = 0;

		while ((INT64CONST(1) << niveau) < n)
			niveau++;
		subtree(b, niveau, lo / n, uit);
		return;
	}
	k = largest_power_below(n);
	mth_range(b, lo, lo + k, l);
	mth_range(b, lo + k, hi, r);
	vwl_node_hash(l, r, uit);
}

/* The root of the first n leaves of the stored tree. */
void
vwl_tree_root_compute(int64 n, unsigned char *uit)
{
	Tree		b;

	tree_open(&b);
	mth_range(&b, 0, n, uit);
	tree_fetch(&b);
	mth_range(&b, 0, n, uit);
	pfree(b.knopen);
}

/* A list of hashes being collected for a proof. */
typedef struct ProofPath
{
	unsigned char *h;
	int			n;
	int			max;
} ProofPath;

/* Append the MTH of [lo, hi) to the proof. */
static void
path_append(Tree *b, ProofPath *p, int64 lo, int64 hi)
{
	if (p->n == p->max)
	{
		p->max *= 2;
		p->h = repalloc(p->h, p->max * VWL_HASH_LEN);
	}
	mth_range(b, lo, hi, p->h + p->n * VWL_HASH_LEN);
	p->n++;
}

/* RFC 9162 2.1.3.1 PATH(m, D[lo:hi]), m an absolute tree index. */
static void
inclusion_path(Tree *b, ProofPath *p, int64 m, int64 lo, int64 hi)
{
	int64		k;

	if (hi - lo <= 1)
		return;
	k = largest_power_below(hi - lo);
	if (m < lo + k)
	{
		inclusion_path(b, p, m, lo, lo + k);
		path_append(b, p, lo + k, hi);
	}
	else
	{
		inclusion_path(b, p, m, lo + k, hi);
		path_append(b, p, lo, lo + k);
	}
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:hi], b), m counted from lo. */
static void
consistency_path(Tree *b, ProofPath *p, int64 m, int64 lo, int64 hi, bool volledig)
{
	int64		k;

	if (m == hi - lo)
	{
		if (!volledig)
			path_append(b, p, lo, hi);
		return;
	}
	k = largest_power_below(hi - lo);
	if (m <= k)
	{
		consistency_path(b, p, m, lo, lo + k, volledig);
		path_append(b, p, lo + k, hi);
	}
	else
	{
		consistency_path(b, p, m - k, lo + k, hi, false);
		path_append(b, p, lo, lo + k);
	}
}

/* The proof as a bytea[] (hashes in RFC 9162's order). */
static ArrayType *
path_array(ProofPath *p)
{
	Datum	   *d = palloc(Max(p->n, 1) * sizeof(Datum));

	for (int i = 0; i < p->n; i++)
		d[i] = PointerGetDatum(hash_bytea(p->h + i * VWL_HASH_LEN));
	return construct_array(d, p->n, BYTEAOID, -1, false, TYPALIGN_INT);
}

PG_FUNCTION_INFO_V1(vwl_tree_path);

/*
 * verwerkingenlog._tree_path(soort text, m bigint, n bigint) RETURNS
 * bytea[]: soort 'opname' gives the inclusion proof of leaf m in the tree
 * of size n, 'consistentie' the consistency proof from size m to n.
 */
Datum
vwl_tree_path(PG_FUNCTION_ARGS)
{
	char	   *soort = text_to_cstring(PG_GETARG_TEXT_PP(0));
	int64		m = PG_GETARG_INT64(1);
	int64		n = PG_GETARG_INT64(2);
	Tree		b;
	ProofPath			p;
	ArrayType  *res;

	if (strcmp(soort, "opname") == 0)
	{
		if (m < 0 || m >= n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("leaf %lld is not in a tree of size %lld",
							(long long) m, (long long) n)));
	}
	else if (strcmp(soort, "consistentie") == 0)
	{
		if (m < 0 || m > n)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("oud must lie between 0 and nieuw"),
					 errdetail("oud is %lld, nieuw %lld.", (long long) m, (long long) n)));
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("soort must be \"opname\" or \"consistentie\"")));

	p.n = 0;
	p.max = 64;
	p.h = palloc(p.max * VWL_HASH_LEN);
	tree_open(&b);
	for (int pass = 0; pass < 2; pass++)
	{
		p.n = 0;
		if (soort[0] == 'o')
			inclusion_path(&b, &p, m, 0, n);
		else if (m > 0 && m < n)
			consistency_path(&b, &p, m, 0, n, true);
		if (pass == 0)
			tree_fetch(&b);
	}
	res = path_array(&p);
	PG_RETURN_ARRAYTYPE_P(res);
}

PG_FUNCTION_INFO_V1(vwl_tree_root);

/*
 * verwerkingenlog._tree_root(n bigint) RETURNS bytea: the root hash of
 * the first n leaves of the stored tree.
 */
Datum
vwl_tree_root(PG_FUNCTION_ARGS)
{
	int64		n = PG_GETARG_INT64(0);
	unsigned char uit[VWL_HASH_LEN];

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tree size must not be negative")));
	vwl_tree_root_compute(n, uit);
	PG_RETURN_BYTEA_P(hash_bytea(uit));
}

/* Push a string value that outlives the document (jsonb_push.h's way). */
static void
push_string(JsonbParseState **st, JsonbIteratorToken soort, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	pushJsonbValue(st, soort, &v);
}

/* Standard base64 of one hash, as encode(..., 'base64') gives it. */
static char *
hash_base64(const unsigned char *h)
{
	char	   *uit = palloc(pg_b64_enc_len(VWL_HASH_LEN) + 1);
	int			n = pg_b64_encode((const char *) h, VWL_HASH_LEN, uit, pg_b64_enc_len(VWL_HASH_LEN));

	if (n < 0)
		elog(ERROR, "base64 encoding failed");
	uit[n] = '\0';
	return uit;
}

/* The name of the sealed table with this code (seal_table), or NULL. */
static char *
sealed_table_name(int16 code)
{
	Oid			indexoid;
	Relation	rel = open_tree_table("seal_table", "seal_table_pkey", &indexoid);
	AttrNumber	a_code = tree_column(rel, "code");
	AttrNumber	a_tabel = tree_column(rel, "tabel");
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *naam = NULL;

	ScanKeyInit(&key, a_code, BTEqualStrategyNumber, F_INT2EQ, Int16GetDatum(code));
	scan = systable_beginscan(rel, indexoid, true, GetActiveSnapshot(), 1, &key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, a_tabel, RelationGetDescr(rel), &isnull);

		if (!isnull)
			naam = get_rel_name(DatumGetObjectId(d));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return naam;
}

PG_FUNCTION_INFO_V1(vwl_seal_leaf_proof);

/*
 * verwerkingenlog._seal_leaf_proof(blad bigint, grootte bigint) RETURNS
 * jsonb: one leaf's part of bewijs_opname, {"tabel", "blad", "hash" (base64,
 * from vwl_leaf_hashes: stored, or recomputed from the row and checked),
 * "pad" (its inclusion proof in the tree of size grootte, base64 hashes)}.
 */
Datum
vwl_seal_leaf_proof(PG_FUNCTION_ARGS)
{
	int64		blad = PG_GETARG_INT64(0);
	int64		grootte = PG_GETARG_INT64(1);
	unsigned char h[VWL_HASH_LEN];
	char	   *tabel;
	Tree		b;
	ProofPath	p;
	JsonbParseState *st = NULL;
	JsonbValue	v;
	JsonbValue *res;

	if (blad < 0 || blad >= grootte)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("leaf %lld is not in a tree of size %lld",
						(long long) blad, (long long) grootte)));
	tabel = sealed_table_name(vwl_leaf_table(blad));
	vwl_leaf_hashes(1, &blad, h);

	p.n = 0;
	p.max = 64;
	p.h = palloc(p.max * VWL_HASH_LEN);
	tree_open(&b);
	inclusion_path(&b, &p, blad, 0, grootte);
	tree_fetch(&b);
	p.n = 0;
	inclusion_path(&b, &p, blad, 0, grootte);

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_string(&st, WJB_KEY, "tabel");
	if (tabel == NULL)
	{
		v.type = jbvNull;
		pushJsonbValue(&st, WJB_VALUE, &v);
	}
	else
		push_string(&st, WJB_VALUE, tabel);
	push_string(&st, WJB_KEY, "blad");
	v.type = jbvNumeric;
	v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int8_numeric, Int64GetDatum(blad)));
	pushJsonbValue(&st, WJB_VALUE, &v);
	push_string(&st, WJB_KEY, "hash");
	push_string(&st, WJB_VALUE, hash_base64(h));
	push_string(&st, WJB_KEY, "pad");
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < p.n; i++)
		push_string(&st, WJB_ELEM, hash_base64(p.h + i * VWL_HASH_LEN));
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(res));
}
