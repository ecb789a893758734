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
 *	- seal_leaf: one row per leaf, with its hash;
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

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "merkle.h"

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

/* Compare two attribute numbers (of the TupleDesc arg) by their names. */
static int
attname_cmp(const void *a, const void *b, void *arg)
{
	TupleDesc	desc = (TupleDesc) arg;
	Form_pg_attribute x = TupleDescAttr(desc, *(const int *) a);
	Form_pg_attribute y = TupleDescAttr(desc, *(const int *) b);

	return strcmp(NameStr(x->attname), NameStr(y->attname));
}

PG_FUNCTION_INFO_V1(vwl_canonical);

/*
 * verwerkingenlog._canonical(rij record, blad bigint, vorige bigint) RETURNS
 * bytea: the canonical encoding (version 1) of a stored row of one of the
 * log's tables at tree index blad (NULL: not in the tree), superseding leaf
 * vorige (NULL: none).
 *
 *	"VWL" 0x01 | u64 blad (all ones: none) | u64 vorige (all ones: none) |
 *	u16 length, table name | u16 number of columns |
 *	per column not NULL, by name: u16 length, name | u8 kind |
 *	u32 length, value
 *
 * kind 't' is the text form, 'b' the bytes of a bytea, 'i' a timestamp as
 * a signed 64-bit count of microseconds since 2000-01-01 00:00 UTC.
 */
Datum
vwl_canonical(PG_FUNCTION_ARGS)
{
	HeapTupleHeader th;
	Oid			typid;
	int32		typmod;
	Oid			relid;
	char	   *tabel;
	TupleDesc	desc;
	HeapTupleData tup;
	Datum	   *values;
	bool	   *nulls;
	int		   *volgorde;
	int			n = 0;
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
	typid = HeapTupleHeaderGetTypeId(th);
	typmod = HeapTupleHeaderGetTypMod(th);
	relid = get_typ_typrelid(typid);
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rij must be a row of a table")));
	tabel = get_rel_name(relid);

	desc = lookup_rowtype_tupdesc(typid, typmod);
	tup.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tup.t_self);
	tup.t_tableOid = InvalidOid;
	tup.t_data = th;
	values = palloc(desc->natts * sizeof(Datum));
	nulls = palloc(desc->natts * sizeof(bool));
	volgorde = palloc(desc->natts * sizeof(int));
	heap_deform_tuple(&tup, desc, values, nulls);
	for (int i = 0; i < desc->natts; i++)
	{
		if (TupleDescAttr(desc, i)->attisdropped || nulls[i])
			continue;
		volgorde[n++] = i;
	}
	qsort_arg(volgorde, n, sizeof(int), attname_cmp, desc);

	initStringInfo(&s);
	appendBinaryStringInfo(&s, CANONICAL_MAGIC, 4);
	append_be(&s, blad < 0 ? NO_PREVIOUS : (uint64) blad, 8);
	append_be(&s, PG_ARGISNULL(2) ? NO_PREVIOUS : (uint64) PG_GETARG_INT64(2), 8);
	append_lv(&s, tabel, strlen(tabel), 2);
	append_be(&s, (uint64) n, 2);
	for (int j = 0; j < n; j++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, volgorde[j]);
		Datum		v = values[volgorde[j]];
		Oid			basis = getBaseType(att->atttypid);

		append_lv(&s, NameStr(att->attname), strlen(NameStr(att->attname)), 2);
		if (basis == TIMESTAMPTZOID || basis == TIMESTAMPOID)
		{
			appendStringInfoChar(&s, 'i');
			append_be(&s, 8, 4);
			append_be(&s, (uint64) DatumGetInt64(v), 8);
		}
		else if (basis == BYTEAOID)
		{
			bytea	   *b = DatumGetByteaPP(v);

			appendStringInfoChar(&s, 'b');
			append_lv(&s, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), 4);
		}
		else
		{
			Oid			out;
			bool		varlena;
			char	   *tekst;

			getTypeOutputInfo(att->atttypid, &out, &varlena);
			tekst = OidOutputFunctionCall(out, v);
			appendStringInfoChar(&s, 't');
			append_lv(&s, tekst, strlen(tekst), 4);
			pfree(tekst);
		}
	}
	ReleaseTupleDesc(desc);

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
 * after one query for the leaves and one for the inner nodes, to compute.
 * The caller holds an SPI connection.
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

/*
 * The two queries, planned once per backend (generic plans, kept with
 * SPI_keepplan): a proof must take well under a millisecond, and planning
 * them anew took half of one.
 */
static SPIPlanPtr leaves_plan = NULL;
static SPIPlanPtr nodes_plan = NULL;

/* Prepare (once) a query of the tree. */
static SPIPlanPtr
tree_plan(SPIPlanPtr *plan, const char *sql, int nargs, Oid *types)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare_cursor(sql, nargs, types, CURSOR_OPT_GENERIC_PLAN);

		if (p == NULL || SPI_keepplan(p) != 0)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		*plan = p;
	}
	return *plan;
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

/* Fill in one fetched hash; SPI row has (level, position, hash). */
static void
tree_fill(Tree *b, HeapTuple tup, TupleDesc desc)
{
	bool		isnull;
	TreeNode		sleutel;
	TreeNode	   *k;
	Datum		h;

	sleutel.niveau = DatumGetInt16(SPI_getbinval(tup, desc, 1, &isnull));
	sleutel.positie = DatumGetInt64(SPI_getbinval(tup, desc, 2, &isnull));
	h = SPI_getbinval(tup, desc, 3, &isnull);
	k = bsearch(&sleutel, b->knopen, b->n, sizeof(TreeNode), node_cmp);
	if (k == NULL || isnull)
		return;
	hash_from_bytea(DatumGetByteaPP(h), k->hash, "a stored tree hash");
	k->gevonden = true;
}

/*
 * End the first pass: fetch every noted hash (one query for leaves, one for
 * inner nodes); the stored tree must have every one of them.
 */
static void
tree_fetch(Tree *b)
{
	int			w = 0;
	int			nbladen = 0,
				nknopen = 0;
	Datum	   *bladen,
			   *niveaus,
			   *posities;
	int			rc;

	qsort(b->knopen, b->n, sizeof(TreeNode), node_cmp);
	for (int r = 0; r < b->n; r++)
		if (w == 0 || node_cmp(&b->knopen[w - 1], &b->knopen[r]) != 0)
			b->knopen[w++] = b->knopen[r];
	b->n = w;
	bladen = palloc((b->n + 1) * sizeof(Datum));
	niveaus = palloc((b->n + 1) * sizeof(Datum));
	posities = palloc((b->n + 1) * sizeof(Datum));
	for (int i = 0; i < b->n; i++)
	{
		b->knopen[i].gevonden = false;
		if (b->knopen[i].niveau == 0)
			bladen[nbladen++] = Int64GetDatum(b->knopen[i].positie);
		else
		{
			niveaus[nknopen] = Int16GetDatum(b->knopen[i].niveau);
			posities[nknopen++] = Int64GetDatum(b->knopen[i].positie);
		}
	}
	if (nbladen > 0)
	{
		Oid			t[1] = {INT8ARRAYOID};
		Datum		a[1];

		a[0] = PointerGetDatum(construct_array(bladen, nbladen, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		rc = SPI_execute_plan(tree_plan(&leaves_plan,
										"SELECT 0::smallint, blad, hash FROM verwerkingenlog.seal_leaf"
										" WHERE blad = ANY ($1)", 1, t),
							  a, NULL, true, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "reading the tree failed: %s", SPI_result_code_string(rc));
		for (uint64 i = 0; i < SPI_processed; i++)
			tree_fill(b, SPI_tuptable->vals[i], SPI_tuptable->tupdesc);
		SPI_freetuptable(SPI_tuptable);
	}
	if (nknopen > 0)
	{
		Oid			t[2] = {INT2ARRAYOID, INT8ARRAYOID};
		Datum		a[2];

		a[0] = PointerGetDatum(construct_array(niveaus, nknopen, INT2OID, 2, true, TYPALIGN_SHORT));
		a[1] = PointerGetDatum(construct_array(posities, nknopen, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		rc = SPI_execute_plan(tree_plan(&nodes_plan,
										"SELECT k.niveau, k.positie, k.hash"
										"  FROM unnest($1, $2) AS w(niveau, positie)"
										"  JOIN verwerkingenlog.seal_node k USING (niveau, positie)", 2, t),
							  a, NULL, true, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "reading the tree failed: %s", SPI_result_code_string(rc));
		for (uint64 i = 0; i < SPI_processed; i++)
			tree_fill(b, SPI_tuptable->vals[i], SPI_tuptable->tupdesc);
		SPI_freetuptable(SPI_tuptable);
	}
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

	/* before SPI_connect: the proof must outlive SPI_finish */
	p.n = 0;
	p.max = 64;
	p.h = palloc(p.max * VWL_HASH_LEN);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
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
	SPI_finish();
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
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	vwl_tree_root_compute(n, uit);
	SPI_finish();
	PG_RETURN_BYTEA_P(hash_bytea(uit));
}
