/*
 * seal_blok.c
 *		The leaves of the Merkle tree, packed in blocks (seal_blok), and the
 *		lookups over them (DESIGN12.md, README "Tamper evidence").
 *
 * A block holds up to 128 consecutive leaves of one table: their keys,
 * packed (a uuid as the count of leading bytes it shares with the previous
 * leaf's and the other bytes; a number as an unsigned LEB128 varint), per
 * leaf the first 4 bytes of its leaf hash (vinger), and, only when one of
 * them supersedes another leaf, per leaf the leaf it supersedes.  The full
 * hash of a leaf is not stored while its row is there: it is recomputed from
 * the row (merkle.c's canonical encoding at the leaf's tree index) and
 * checked against the vinger.  A leaf whose row lost those bytes, destroyed
 * by the purge or superseded by a re-encryption, has its full hash in
 * seal_leaf_hash, captured from the old row before it went.
 *
 * Keys increase strictly within a block and its range of sort values
 * [laag, hoog] is narrow (blocks are cut where the sort value jumps), so a
 * GiST range query on seal_blok_bereik finds the few blocks that may hold a
 * key.  Everything here reads and writes the tables directly (index scans,
 * multi-row inserts), no SQL per leaf.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "nodes/execnodes.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rangetypes.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/typcache.h"

#include "merkle.h"
#include "seal_blok.h"

/* Columns of seal_blok, in table order (88_sealing.sql). */
enum
{
	BLOK_EERSTE,
	BLOK_AANTAL,
	BLOK_TABEL,
	BLOK_LAAG,
	BLOK_HOOG,
	BLOK_SLEUTELS,
	BLOK_VINGERS,
	BLOK_VORIGE,
	BLOK_NATTS
};

/* Columns of seal_leaf_hash, in table order. */
enum
{
	HASH_BLAD,
	HASH_HASH,
	HASH_VERVANGEN_DOOR,
	HASH_VERNIETIGD_IN,
	HASH_VERNIETIGD_DOOR,
	HASH_NATTS
};

/* Blocks written with one multi-row insert. */
#define BLOK_BATCH			64
/* The most sealed tables one call keeps looked up. */
#define MAX_TABLES			32

/* A block, decoded. */
typedef struct Blok
{
	int64		eerste;
	int			aantal;
	int16		tabel;
	int64		laag;
	int64		hoog;
	pg_uuid_t	u[VWL_BLOK_MAX];
	int64		n[VWL_BLOK_MAX];
	int64		vorige[VWL_BLOK_MAX];
	uint8		vinger[VWL_BLOK_MAX][4];
} Blok;

/* A sealed table and, once needed, the index on its key columns. */
typedef struct TableInfo
{
	VwlSealedTable t;
	Oid			nummer_type;	/* type of the number key column */
	Oid			key_index;		/* InvalidOid: not looked up yet */
	int			uuid_indexcol;	/* 1-based column of the key index */
	int			nummer_indexcol;
	Relation	rel;			/* open while a lookup needs its rows */
	Relation	index;
	TupleTableSlot *slot;
	IndexScanDesc scan;			/* on index, rescanned for each row */
	MemoryContext scan_cxt;		/* where scan lives: it allocates as it goes */
} TableInfo;

typedef struct TableCache
{
	int			n;
	TableInfo	t[MAX_TABLES];
} TableCache;

static const pg_uuid_t zero_uuid = {{0}};

/* The OID of a relation of the extension's schema. */
static Oid
own_relid(const char *naam)
{
	Oid			relid = get_relname_relid(naam, get_namespace_oid("verwerkingenlog", false));

	if (!OidIsValid(relid))
		elog(ERROR, "relation verwerkingenlog.%s does not exist", naam);
	return relid;
}

/* The sealed table with this code; ERROR when there is none (seal_blok.h). */
void
vwl_sealed_table(int16 code, VwlSealedTable *uit)
{
	Relation	rel = table_open(own_relid("seal_table"), AccessShareLock);
	Oid			index = own_relid("seal_table_pkey");
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	a_code = get_attnum(RelationGetRelid(rel), "code");
	AttrNumber	a_tabel = get_attnum(RelationGetRelid(rel), "tabel");
	AttrNumber	a_uuid = get_attnum(RelationGetRelid(rel), "uuid_kolom");
	AttrNumber	a_nummer = get_attnum(RelationGetRelid(rel), "nummer_kolom");
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		isnull;
	Datum		d;

	if (a_code == InvalidAttrNumber || a_tabel == InvalidAttrNumber ||
		a_uuid == InvalidAttrNumber || a_nummer == InvalidAttrNumber)
		elog(ERROR, "verwerkingenlog.seal_table does not have the expected columns");
	ScanKeyInit(&key, a_code, BTEqualStrategyNumber, F_INT2EQ, Int16GetDatum(code));
	scan = systable_beginscan(rel, index, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("there is no sealed table with code %d", code),
				 errhint("verwerkingenlog.seal_table lists the sealed tables.")));
	uit->code = code;
	uit->relid = DatumGetObjectId(heap_getattr(tup, a_tabel, desc, &isnull));
	uit->uuid_attnum = InvalidAttrNumber;
	uit->nummer_attnum = InvalidAttrNumber;
	d = heap_getattr(tup, a_uuid, desc, &isnull);
	if (!isnull)
		uit->uuid_attnum = get_attnum(uit->relid, NameStr(*DatumGetName(d)));
	d = heap_getattr(tup, a_nummer, desc, &isnull);
	if (!isnull)
		uit->nummer_attnum = get_attnum(uit->relid, NameStr(*DatumGetName(d)));
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (uit->uuid_attnum == InvalidAttrNumber && uit->nummer_attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("sealed table %d has no key column", code)));
}

/* The looked-up table of a code, looked up on first use. */
static TableInfo *
table_info(TableCache *c, int16 code)
{
	TableInfo  *t;

	for (int i = 0; i < c->n; i++)
		if (c->t[i].t.code == code)
			return &c->t[i];
	if (c->n == MAX_TABLES)
		elog(ERROR, "more than %d sealed tables", MAX_TABLES);
	t = &c->t[c->n];
	memset(t, 0, sizeof(TableInfo));
	vwl_sealed_table(code, &t->t);
	if (t->t.nummer_attnum != InvalidAttrNumber)
		t->nummer_type = get_atttype(t->t.relid, t->t.nummer_attnum);
	c->n++;
	return t;
}

/* Close what lookups of rows opened. */
static void
table_cache_close(TableCache *c)
{
	for (int i = 0; i < c->n; i++)
	{
		if (c->t[i].scan)
			index_endscan(c->t[i].scan);
		c->t[i].scan = NULL;
		if (c->t[i].slot)
			ExecDropSingleTupleTableSlot(c->t[i].slot);
		if (c->t[i].index)
			index_close(c->t[i].index, AccessShareLock);
		if (c->t[i].rel)
			table_close(c->t[i].rel, AccessShareLock);
		c->t[i].slot = NULL;
		c->t[i].index = NULL;
		c->t[i].rel = NULL;
	}
}

/* The sort value of a key (seal_blok.h). */
int64
vwl_sort_value(bool heeft_uuid, const pg_uuid_t *u, int64 n)
{
	uint64		v = 0;

	if (!heeft_uuid)
		return n;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | u->data[i];
	return (int64) (v ^ (UINT64CONST(1) << 63));
}

/*
 * The value a sort value has in a block's laag and hoog and in a range
 * query: int8range(laag, hoog, '[]') cannot end at the largest bigint (its
 * canonical form [laag, hoog + 1) overflows), so that one value counts as
 * the one below it, on both sides alike.
 */
static int64
bereik_waarde(int64 sv)
{
	return sv == PG_INT64_MAX ? PG_INT64_MAX - 1 : sv;
}

/* Order of keys (u, n): uuid bytes, then number. */
static int
key_cmp(const pg_uuid_t *ua, int64 na, const pg_uuid_t *ub, int64 nb)
{
	int			c = memcmp(ua->data, ub->data, UUID_LEN);

	if (c != 0)
		return c;
	return na < nb ? -1 : (na > nb ? 1 : 0);
}

/* Report a damaged block. */
static void
pg_attribute_noreturn()
blok_damaged(int64 eerste, const char *wat)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("block %lld of the tree is damaged", (long long) eerste),
			 errdetail("%s", wat)));
}

/* The data of a bytea column of a block: pointer and length. */
static const uint8 *
blok_bytes(Datum d, int *len)
{
	bytea	   *b = DatumGetByteaPP(d);

	*len = VARSIZE_ANY_EXHDR(b);
	return (const uint8 *) VARDATA_ANY(b);
}

/*
 * Decode a seal_blok tuple into b; the table's key kind from c.  Every
 * length is checked: a damaged block is an error, never a wrong leaf.
 */
static void
blok_decode(HeapTuple tup, TupleDesc desc, TableCache *c, Blok *b)
{
	Datum		v[BLOK_NATTS];
	bool		isnull[BLOK_NATTS];
	const uint8 *s;
	int			len,
				pos = 0;
	TableInfo  *t;
	bool		heeft_uuid,
				heeft_nummer;

	heap_deform_tuple(tup, desc, v, isnull);
	for (int i = 0; i < BLOK_VORIGE; i++)
		if (isnull[i])
			blok_damaged(isnull[BLOK_EERSTE] ? -1 : DatumGetInt64(v[BLOK_EERSTE]),
						 "A column of the block is null.");
	b->eerste = DatumGetInt64(v[BLOK_EERSTE]);
	b->aantal = DatumGetInt32(v[BLOK_AANTAL]);
	b->tabel = DatumGetInt16(v[BLOK_TABEL]);
	b->laag = DatumGetInt64(v[BLOK_LAAG]);
	b->hoog = DatumGetInt64(v[BLOK_HOOG]);
	if (b->aantal < 1 || b->aantal > VWL_BLOK_MAX || b->eerste < 0)
		blok_damaged(b->eerste, "Its count of leaves is out of range.");
	t = table_info(c, b->tabel);
	heeft_uuid = t->t.uuid_attnum != InvalidAttrNumber;
	heeft_nummer = t->t.nummer_attnum != InvalidAttrNumber;

	s = blok_bytes(v[BLOK_SLEUTELS], &len);
	for (int i = 0; i < b->aantal; i++)
	{
		if (heeft_uuid)
		{
			int			p;

			if (pos >= len)
				blok_damaged(b->eerste, "Its keys end too soon.");
			p = s[pos++];
			if (p > UUID_LEN || (i == 0 && p != 0) || pos + (UUID_LEN - p) > len)
				blok_damaged(b->eerste, "Its keys are not packed as they should be.");
			if (p > 0)
				memcpy(b->u[i].data, b->u[i - 1].data, p);
			memcpy(b->u[i].data + p, s + pos, UUID_LEN - p);
			pos += UUID_LEN - p;
		}
		else
			b->u[i] = zero_uuid;
		if (heeft_nummer)
		{
			uint64		x = 0;
			int			shift = 0;

			for (;;)
			{
				if (pos >= len || shift > 63)
					blok_damaged(b->eerste, "Its keys end too soon.");
				x |= (uint64) (s[pos] & 0x7F) << shift;
				shift += 7;
				if ((s[pos++] & 0x80) == 0)
					break;
			}
			b->n[i] = (int64) x;
		}
		else
			b->n[i] = 0;
	}
	if (pos != len)
		blok_damaged(b->eerste, "Its keys are longer than its leaves.");

	s = blok_bytes(v[BLOK_VINGERS], &len);
	if (len != 4 * b->aantal)
		blok_damaged(b->eerste, "Its fingerprints do not match its count of leaves.");
	memcpy(b->vinger, s, 4 * b->aantal);

	if (isnull[BLOK_VORIGE])
	{
		for (int i = 0; i < b->aantal; i++)
			b->vorige[i] = -1;
	}
	else
	{
		s = blok_bytes(v[BLOK_VORIGE], &len);
		if (len != 8 * b->aantal)
			blok_damaged(b->eerste, "Its superseded leaves do not match its count of leaves.");
		for (int i = 0; i < b->aantal; i++)
		{
			uint64		x = 0;

			for (int j = 0; j < 8; j++)
				x = (x << 8) | s[8 * i + j];
			b->vorige[i] = (int64) x;
			if (b->vorige[i] < -1 || b->vorige[i] >= b->eerste + i)
				blok_damaged(b->eerste, "A leaf supersedes a leaf that is not before it.");
		}
	}
}

/* The block that holds leaf blad (decoded into b); false when none does. */
static bool
blok_of_leaf(Relation rel, Oid pkey, TableCache *c, int64 blad, Blok *b)
{
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Relation	index = index_open(pkey, AccessShareLock);
	bool		gevonden = false;

	ScanKeyInit(&key, BLOK_EERSTE + 1, BTLessEqualStrategyNumber, F_INT8LE, Int64GetDatum(blad));
	scan = systable_beginscan_ordered(rel, index, GetActiveSnapshot(), 1, &key);
	tup = systable_getnext_ordered(scan, BackwardScanDirection);
	if (HeapTupleIsValid(tup))
	{
		blok_decode(tup, RelationGetDescr(rel), c, b);
		gevonden = blad < b->eerste + b->aantal;
	}
	systable_endscan_ordered(scan);
	index_close(index, AccessShareLock);
	return gevonden;
}

/* The end of the stored blocks: the tree index of the next leaf (seal_blok.h). */
int64
vwl_tree_size_stored(void)
{
	Relation	rel = table_open(own_relid("seal_blok"), AccessShareLock);
	Relation	index = index_open(own_relid("seal_blok_pkey"), AccessShareLock);
	SysScanDesc scan;
	HeapTuple	tup;
	int64		eind = 0;

	scan = systable_beginscan_ordered(rel, index, GetActiveSnapshot(), 0, NULL);
	tup = systable_getnext_ordered(scan, BackwardScanDirection);
	if (HeapTupleIsValid(tup))
	{
		bool		n1,
					n2;
		int64		eerste = DatumGetInt64(heap_getattr(tup, BLOK_EERSTE + 1, RelationGetDescr(rel), &n1));
		int32		aantal = DatumGetInt32(heap_getattr(tup, BLOK_AANTAL + 1, RelationGetDescr(rel), &n2));

		eind = eerste + aantal;
	}
	systable_endscan_ordered(scan);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return eind;
}

/* seal_leaf_hash, open for lookups by tree index: one index scan, rescanned. */
typedef struct HashLookup
{
	Relation	rel;
	Relation	index;
	IndexScanDesc scan;
	TupleTableSlot *slot;
} HashLookup;

/* Open seal_leaf_hash for lookups. */
static void
hash_lookup_open(HashLookup *h)
{
	h->rel = table_open(own_relid("seal_leaf_hash"), AccessShareLock);
	h->index = index_open(own_relid("seal_leaf_hash_pkey"), AccessShareLock);
	h->slot = table_slot_create(h->rel, NULL);
	h->scan = index_beginscan(h->rel, h->index, GetActiveSnapshot(), 1, 0);
}

/* Close what hash_lookup_open opened. */
static void
hash_lookup_close(HashLookup *h)
{
	index_endscan(h->scan);
	ExecDropSingleTupleTableSlot(h->slot);
	index_close(h->index, AccessShareLock);
	table_close(h->rel, AccessShareLock);
}

/*
 * The seal_leaf_hash row of a leaf: false when there is none; else its
 * hash into hash (if not NULL) and its state into *staat.
 */
static bool
stored_hash(HashLookup *h, int64 blad, unsigned char *hash, char *staat)
{
	ScanKeyData key;
	bool		gevonden = false;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(blad));
	index_rescan(h->scan, &key, 1, NULL, 0);
	if (index_getnext_slot(h->scan, ForwardScanDirection, h->slot))
	{
		bool		isnull;
		Datum		d;
		bytea	   *b;

		d = slot_getattr(h->slot, HASH_HASH + 1, &isnull);
		b = isnull ? NULL : DatumGetByteaPP(d);
		if (b == NULL || VARSIZE_ANY_EXHDR(b) != VWL_HASH_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the stored hash of leaf %lld is not a 32-byte hash", (long long) blad)));
		if (hash)
			memcpy(hash, VARDATA_ANY(b), VWL_HASH_LEN);
		(void) slot_getattr(h->slot, HASH_VERVANGEN_DOOR + 1, &isnull);
		if (!isnull)
			*staat = 's';
		else
		{
			(void) slot_getattr(h->slot, HASH_VERNIETIGD_IN + 1, &isnull);
			*staat = isnull ? 'a' : 'd';
		}
		if ((Pointer) b != DatumGetPointer(d))
			pfree(b);
		ExecClearTuple(h->slot);
		gevonden = true;
	}
	return gevonden;
}

/* A range value [lo, hi] of int8range. */
static Datum
int8_range(int64 lo, int64 hi)
{
	TypeCacheEntry *tc = lookup_type_cache(INT8RANGEOID, TYPECACHE_RANGE_INFO);
	RangeBound	l,
				h;

	l.val = Int64GetDatum(lo);
	l.infinite = false;
	l.inclusive = true;
	l.lower = true;
	h.val = Int64GetDatum(hi);
	h.infinite = false;
	h.inclusive = true;
	h.lower = false;
	return RangeTypePGetDatum(make_range(tc, &l, &h, false));
}

/* A key of vwl_leaves_of's input, with where it came from. */
typedef struct KeyRef
{
	pg_uuid_t	u;
	int64		n;
	int64		sv;
	int			i;
} KeyRef;

/* Order of KeyRef: by key. */
static int
keyref_cmp(const void *a, const void *b)
{
	const KeyRef *x = a,
			   *y = b;

	return key_cmp(&x->u, x->n, &y->u, y->n);
}

/* Order of int64. */
static int
int64_cmp(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* The last leaves of the given keys (seal_blok.h). */
void
vwl_leaves_of(int16 tabel, int nkeys, const pg_uuid_t *u, const int64 *n, VwlLeaf *uit)
{
	MemoryContext cxt,
				oud;
	TableCache *tc;
	TableInfo  *t;
	bool		heeft_uuid,
				heeft_nummer;
	int64		sprong;
	KeyRef	   *keys;
	Relation	rel,
				index;
	HashLookup	hashes;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	Blok	   *b;
	int64	   *gezien = NULL,
			   *vorig_gezien = NULL;
	int			ngezien = 0,
				nvorig_gezien = 0;

	if (nkeys <= 0)
		return;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "seal leaves of", ALLOCSET_DEFAULT_SIZES);
	oud = MemoryContextSwitchTo(cxt);
	tc = palloc0(sizeof(TableCache));
	t = table_info(tc, tabel);
	heeft_uuid = t->t.uuid_attnum != InvalidAttrNumber;
	heeft_nummer = t->t.nummer_attnum != InvalidAttrNumber;
	sprong = heeft_uuid ? VWL_BLOK_SPRONG_UUID : VWL_BLOK_SPRONG_NUMMER;

	keys = palloc(nkeys * sizeof(KeyRef));
	for (int i = 0; i < nkeys; i++)
	{
		uit[i].blad = -1;
		uit[i].tabel = tabel;
		uit[i].u = (heeft_uuid && u) ? u[i] : zero_uuid;
		uit[i].n = (heeft_nummer && n) ? n[i] : 0;
		uit[i].vorige = -1;
		memset(uit[i].vinger, 0, 4);
		uit[i].staat = 'a';
		keys[i].u = uit[i].u;
		keys[i].n = uit[i].n;
		keys[i].sv = vwl_sort_value(heeft_uuid, &keys[i].u, keys[i].n);
		keys[i].i = i;
	}
	/* sorted by key is sorted by sort value too */
	qsort(keys, nkeys, sizeof(KeyRef), keyref_cmp);

	rel = table_open(own_relid("seal_blok"), AccessShareLock);
	index = index_open(own_relid("seal_blok_bereik"), AccessShareLock);
	slot = table_slot_create(rel, NULL);
	b = palloc(sizeof(Blok));
	gezien = palloc(sizeof(int64) * 64);
	vorig_gezien = palloc(sizeof(int64) * 64);
	{
		int			maxgezien = 64,
					maxvorig = 64;

		scan = index_beginscan(rel, index, GetActiveSnapshot(), 1, 0);
		for (int c = 0; c < nkeys;)
		{
			int			e = c + 1;
			ScanKeyData key;
			int64		lo,
						hi;

			/* a cluster: keys whose sort values lie close together */
			while (e < nkeys && (uint64) keys[e].sv - (uint64) keys[e - 1].sv <= (uint64) sprong)
				e++;
			lo = bereik_waarde(keys[c].sv);
			hi = bereik_waarde(keys[e - 1].sv);
			ScanKeyInit(&key, 1, RTOverlapStrategyNumber, F_RANGE_OVERLAPS, int8_range(lo, hi));
			index_rescan(scan, &key, 1, NULL, 0);

			/* blocks the previous cluster decoded are not decoded again */
			{
				int64	   *w = vorig_gezien;
				int			wm = maxvorig;

				vorig_gezien = gezien;
				maxvorig = maxgezien;
				nvorig_gezien = ngezien;
				gezien = w;
				maxgezien = wm;
				ngezien = 0;
				qsort(vorig_gezien, nvorig_gezien, sizeof(int64), int64_cmp);
			}
			while (index_getnext_slot(scan, ForwardScanDirection, slot))
			{
				bool		isnull;
				int64		eerste;
				HeapTuple	tup;
				bool		vrij;

				if (DatumGetInt16(slot_getattr(slot, BLOK_TABEL + 1, &isnull)) != tabel)
					continue;
				eerste = DatumGetInt64(slot_getattr(slot, BLOK_EERSTE + 1, &isnull));
				if (bsearch(&eerste, vorig_gezien, nvorig_gezien, sizeof(int64), int64_cmp))
					continue;
				if (ngezien == maxgezien)
				{
					maxgezien *= 2;
					gezien = repalloc(gezien, maxgezien * sizeof(int64));
				}
				gezien[ngezien++] = eerste;
				tup = ExecFetchSlotHeapTuple(slot, false, &vrij);
				blok_decode(tup, RelationGetDescr(rel), tc, b);
				if (vrij)
					heap_freetuple(tup);
				if (b->hoog < lo || b->laag > hi)
					continue;
				for (int j = 0; j < b->aantal; j++)
				{
					KeyRef		k;
					KeyRef	   *f;
					int			p;

					k.u = b->u[j];
					k.n = b->n[j];
					f = bsearch(&k, keys + c, e - c, sizeof(KeyRef), keyref_cmp);
					if (f == NULL)
						continue;
					/* every input key equal to this one */
					p = f - keys;
					while (p > c && keyref_cmp(&keys[p - 1], &k) == 0)
						p--;
					for (; p < e && keyref_cmp(&keys[p], &k) == 0; p++)
					{
						VwlLeaf    *l = &uit[keys[p].i];

						if (b->eerste + j > l->blad)
						{
							l->blad = b->eerste + j;
							l->vorige = b->vorige[j];
							memcpy(l->vinger, b->vinger[j], 4);
						}
					}
				}
			}
			c = e;
		}
		index_endscan(scan);
	}
	ExecDropSingleTupleTableSlot(slot);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);

	/* the state of every leaf found */
	hash_lookup_open(&hashes);
	for (int i = 0; i < nkeys; i++)
		if (uit[i].blad >= 0)
		{
			char		staat;

			if (stored_hash(&hashes, uit[i].blad, NULL, &staat))
				uit[i].staat = staat;
		}
	hash_lookup_close(&hashes);
	MemoryContextSwitchTo(oud);
	MemoryContextDelete(cxt);
}

/* A key as people read it: "uuid", "number" or "uuid/number". */
static char *
key_text(TableInfo *t, const pg_uuid_t *u, int64 n)
{
	StringInfoData s;

	initStringInfo(&s);
	if (t->t.uuid_attnum != InvalidAttrNumber)
		appendStringInfoString(&s, DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(u))));
	if (t->t.nummer_attnum != InvalidAttrNumber)
		appendStringInfo(&s, "%s" INT64_FORMAT, s.len > 0 ? "/" : "", n);
	return s.data;
}

/*
 * Open the sealed table and the unique index on exactly its key columns
 * (its primary key, or another unique index), once per call.
 */
static void
table_open_rows(TableInfo *t)
{
	List	   *indexen;
	ListCell   *lc;
	int			nkey = (t->t.uuid_attnum != InvalidAttrNumber) + (t->t.nummer_attnum != InvalidAttrNumber);

	if (t->rel)
		return;
	t->rel = table_open(t->t.relid, AccessShareLock);
	indexen = RelationGetIndexList(t->rel);
	foreach(lc, indexen)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index f = idx->rd_index;
		int			uc = 0,
					nc = 0;

		if (f->indisunique && f->indisvalid && f->indnkeyatts == nkey &&
			RelationGetIndexExpressions(idx) == NIL && RelationGetIndexPredicate(idx) == NIL)
		{
			for (int k = 0; k < f->indnkeyatts; k++)
			{
				if (f->indkey.values[k] == t->t.uuid_attnum && t->t.uuid_attnum != InvalidAttrNumber)
					uc = k + 1;
				else if (f->indkey.values[k] == t->t.nummer_attnum && t->t.nummer_attnum != InvalidAttrNumber)
					nc = k + 1;
			}
			if ((t->t.uuid_attnum == InvalidAttrNumber || uc > 0) &&
				(t->t.nummer_attnum == InvalidAttrNumber || nc > 0) &&
				idx->rd_rel->relam == BTREE_AM_OID)
			{
				t->index = idx;
				t->key_index = RelationGetRelid(idx);
				t->uuid_indexcol = uc;
				t->nummer_indexcol = nc;
				break;
			}
		}
		index_close(idx, AccessShareLock);
	}
	list_free(indexen);
	if (t->index == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("sealed table %s has no unique index on its key columns",
						get_rel_name(t->t.relid))));
	t->slot = table_slot_create(t->rel, NULL);
	t->scan = index_beginscan(t->rel, t->index, GetActiveSnapshot(), nkey, 0);
	t->scan_cxt = CurrentMemoryContext;
}

/*
 * The row of a key in its sealed table, as a composite datum (in the
 * current memory context), or NULL when there is none visible.
 */
static HeapTupleHeader
fetch_row(TableInfo *t, const pg_uuid_t *u, int64 n)
{
	ScanKeyData keys[2];
	int			nk = 0;
	IndexScanDesc scan;
	HeapTupleHeader rij = NULL;
	MemoryContext oud;
	bool		gevonden;

	table_open_rows(t);
	if (t->t.uuid_attnum != InvalidAttrNumber)
		ScanKeyInit(&keys[nk++], t->uuid_indexcol, BTEqualStrategyNumber, F_UUID_EQ,
					UUIDPGetDatum(u));
	if (t->t.nummer_attnum != InvalidAttrNumber)
	{
		switch (t->nummer_type)
		{
			case INT2OID:
				if (n < PG_INT16_MIN || n > PG_INT16_MAX)
					return NULL;
				ScanKeyInit(&keys[nk++], t->nummer_indexcol, BTEqualStrategyNumber, F_INT2EQ,
							Int16GetDatum((int16) n));
				break;
			case INT4OID:
				if (n < PG_INT32_MIN || n > PG_INT32_MAX)
					return NULL;
				ScanKeyInit(&keys[nk++], t->nummer_indexcol, BTEqualStrategyNumber, F_INT4EQ,
							Int32GetDatum((int32) n));
				break;
			case INT8OID:
				ScanKeyInit(&keys[nk++], t->nummer_indexcol, BTEqualStrategyNumber, F_INT8EQ,
							Int64GetDatum(n));
				break;
			default:
				elog(ERROR, "the number key of %s is not an integer", get_rel_name(t->t.relid));
		}
	}
	/* the index's columns in order, as a B-tree scan wants them */
	if (nk == 2 && keys[0].sk_attno > keys[1].sk_attno)
	{
		ScanKeyData w = keys[0];

		keys[0] = keys[1];
		keys[1] = w;
	}
	scan = t->scan;
	/*
	 * In the scan's own context: the B-tree scan allocates lazily (its list
	 * of dead items to mark) and frees that at its end.
	 */
	oud = MemoryContextSwitchTo(t->scan_cxt);
	index_rescan(scan, keys, nk, NULL, 0);
	gevonden = index_getnext_slot(scan, ForwardScanDirection, t->slot);
	MemoryContextSwitchTo(oud);
	if (gevonden)
	{
		bool		vrij;
		HeapTuple	tup = ExecFetchSlotHeapTuple(t->slot, false, &vrij);

		rij = DatumGetHeapTupleHeader(heap_copy_tuple_as_datum(tup, RelationGetDescr(t->rel)));
		if (vrij)
			heap_freetuple(tup);
		ExecClearTuple(t->slot);
	}
	return rij;
}

/* The leaf hash of a row, with an encoder cache kept in mcxt. */
static void
row_leaf_hash(VwlCanonicalCache **cache, MemoryContext mcxt, HeapTupleHeader rij,
			  int64 blad, int64 vorige, unsigned char *uit)
{
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoChar(&s, '\0');
	vwl_canonical_encode(cache, mcxt, rij, blad, vorige, &s);
	vwl_sha256(s.data, s.len, uit);
	pfree(s.data);
}

/* The leaf hash of a stored row at blad, vorige (seal_blok.h). */
void
vwl_row_leaf_hash(HeapTupleHeader rij, int64 blad, int64 vorige, unsigned char *uit)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "seal row leaf hash",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext oud = MemoryContextSwitchTo(cxt);
	VwlCanonicalCache *cache = NULL;

	row_leaf_hash(&cache, cxt, rij, blad, vorige, uit);
	MemoryContextSwitchTo(oud);
	MemoryContextDelete(cxt);
}

/* The leaf hashes of the given tree indexes (seal_blok.h). */
void
vwl_leaf_hashes(int nbladen, const int64 *bladen, unsigned char *uit)
{
	MemoryContext cxt,
				rij_cxt,
				oud;
	TableCache *tc;
	Relation	blokken;
	Oid			blokken_pkey;
	HashLookup	hashes;
	Blok	   *b;
	bool		heeft_blok = false;
	VwlCanonicalCache *cache = NULL;

	if (nbladen <= 0)
		return;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "seal leaf hashes", ALLOCSET_DEFAULT_SIZES);
	rij_cxt = AllocSetContextCreate(cxt, "seal leaf hashes row", ALLOCSET_DEFAULT_SIZES);
	oud = MemoryContextSwitchTo(cxt);
	tc = palloc0(sizeof(TableCache));
	b = palloc(sizeof(Blok));
	blokken = table_open(own_relid("seal_blok"), AccessShareLock);
	blokken_pkey = own_relid("seal_blok_pkey");
	hash_lookup_open(&hashes);
	for (int i = 0; i < nbladen; i++)
	{
		int64		blad = bladen[i];
		unsigned char *h = uit + (size_t) i * VWL_HASH_LEN;
		char		staat;
		int			j;
		TableInfo  *t;
		HeapTupleHeader rij;

		if (!heeft_blok || blad < b->eerste || blad >= b->eerste + b->aantal)
		{
			heeft_blok = blok_of_leaf(blokken, blokken_pkey, tc, blad, b);
			if (!heeft_blok)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("the stored tree is incomplete"),
						 errdetail("Leaf %lld is in no block.", (long long) blad)));
		}
		if (stored_hash(&hashes, blad, h, &staat))
			continue;
		j = (int) (blad - b->eerste);
		t = table_info(tc, b->tabel);
		table_open_rows(t);
		MemoryContextSwitchTo(rij_cxt);
		rij = fetch_row(t, &b->u[j], b->n[j]);
		if (rij == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the row of leaf %lld (%s %s) is gone and no purge destroyed it",
							(long long) blad, get_rel_name(t->t.relid), key_text(t, &b->u[j], b->n[j])),
					 errdetail("Leaf %lld is the row of table %s with key %s; no such row is there, and no purge recorded its destruction.",
							   (long long) blad, get_rel_name(t->t.relid), key_text(t, &b->u[j], b->n[j]))));
		row_leaf_hash(&cache, cxt, rij, blad, b->vorige[j], h);
		if (memcmp(h, b->vinger[j], 4) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the row of leaf %lld (%s %s) differs from its sealed leaf",
							(long long) blad, get_rel_name(t->t.relid), key_text(t, &b->u[j], b->n[j])),
					 errdetail("Leaf %lld is the row of table %s with key %s; the hash of that row's canonical encoding no longer matches the leaf.",
							   (long long) blad, get_rel_name(t->t.relid), key_text(t, &b->u[j], b->n[j]))));
		MemoryContextSwitchTo(cxt);
		MemoryContextReset(rij_cxt);
	}
	table_cache_close(tc);
	hash_lookup_close(&hashes);
	table_close(blokken, AccessShareLock);
	MemoryContextSwitchTo(oud);
	MemoryContextDelete(cxt);
}

/* The table of the leaf at blad (seal_blok.h). */
int16
vwl_leaf_table(int64 blad)
{
	Relation	rel = table_open(own_relid("seal_blok"), AccessShareLock);
	TableCache *tc = palloc0(sizeof(TableCache));
	Blok	   *b = palloc(sizeof(Blok));
	int16		tabel;

	if (!blok_of_leaf(rel, own_relid("seal_blok_pkey"), tc, blad, b))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the stored tree is incomplete"),
				 errdetail("Leaf %lld is in no block.", (long long) blad)));
	tabel = b->tabel;
	table_close(rel, AccessShareLock);
	pfree(b);
	pfree(tc);
	return tabel;
}

/*
 * The block writer (seal_blok.h).
 */
struct VwlBlockWriter
{
	MemoryContext cxt;			/* the writer's own */
	MemoryContext batch_cxt;	/* the blocks waiting to be written */
	int64		volgende;		/* tree index of the next leaf */
	TableCache	tc;

	/* the open block */
	int			aantal;
	int64		eerste;
	int16		tabel;
	bool		heeft_uuid;
	bool		heeft_nummer;
	int64		laag;
	int64		laatste_sv;
	pg_uuid_t	laatste_u;
	int64		laatste_n;
	bool		met_vorige;
	StringInfoData sleutels;
	uint8		vingers[4 * VWL_BLOK_MAX];
	int64		vorigen[VWL_BLOK_MAX];

	/* writing */
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slots[BLOK_BATCH];
	int			nslots;
	BulkInsertState bis;
	CommandId	cid;
};

/* Start writing blocks from tree index eerste (seal_blok.h). */
VwlBlockWriter *
vwl_block_writer_start(int64 eerste)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "seal block writer",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContext oud = MemoryContextSwitchTo(cxt);
	VwlBlockWriter *w = palloc0(sizeof(VwlBlockWriter));
	int64		eind = vwl_tree_size_stored();

	if (eerste != eind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("leaves can only be appended at the end of the tree"),
				 errdetail("The stored blocks end at tree index %lld, not at %lld.",
						   (long long) eind, (long long) eerste)));
	w->cxt = cxt;
	w->batch_cxt = AllocSetContextCreate(cxt, "seal block writer batch", ALLOCSET_DEFAULT_SIZES);
	w->volgende = eerste;
	initStringInfo(&w->sleutels);
	w->rel = table_open(own_relid("seal_blok"), RowExclusiveLock);
	if (RelationGetDescr(w->rel)->natts != BLOK_NATTS)
		elog(ERROR, "verwerkingenlog.seal_blok does not have the expected columns");
	w->estate = CreateExecutorState();
	w->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(w->rri, w->rel, 1, NULL, 0);
	ExecOpenIndices(w->rri, false);
	for (int i = 0; i < BLOK_BATCH; i++)
		w->slots[i] = MakeSingleTupleTableSlot(RelationGetDescr(w->rel), &TTSOpsVirtual);
	w->bis = GetBulkInsertState();
	w->cid = GetCurrentCommandId(true);
	MemoryContextSwitchTo(oud);
	return w;
}

/* Write the blocks waiting, with one multi-row insert and their index entries. */
static void
writer_flush_batch(VwlBlockWriter *w)
{
	if (w->nslots == 0)
		return;
	table_multi_insert(w->rel, w->slots, w->nslots, w->cid, 0, w->bis);
	for (int i = 0; i < w->nslots; i++)
	{
		List	   *r = ExecInsertIndexTuples(w->rri, w->slots[i], w->estate, false, false, NULL, NIL);

		list_free(r);
		ResetPerTupleExprContext(w->estate);
		ExecClearTuple(w->slots[i]);
	}
	w->nslots = 0;
	MemoryContextReset(w->batch_cxt);
}

/* A bytea of len bytes in the current memory context. */
static Datum
make_bytea(const void *data, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), data, len);
	return PointerGetDatum(b);
}

/* Close the open block: into the batch (written when the batch is full). */
static void
writer_close_block(VwlBlockWriter *w)
{
	TupleTableSlot *slot;
	MemoryContext oud;

	if (w->aantal == 0)
		return;
	if (w->nslots == BLOK_BATCH)
		writer_flush_batch(w);
	slot = w->slots[w->nslots++];
	oud = MemoryContextSwitchTo(w->batch_cxt);
	ExecClearTuple(slot);
	slot->tts_values[BLOK_EERSTE] = Int64GetDatum(w->eerste);
	slot->tts_values[BLOK_AANTAL] = Int32GetDatum(w->aantal);
	slot->tts_values[BLOK_TABEL] = Int16GetDatum(w->tabel);
	slot->tts_values[BLOK_LAAG] = Int64GetDatum(bereik_waarde(w->laag));
	slot->tts_values[BLOK_HOOG] = Int64GetDatum(bereik_waarde(w->laatste_sv));
	slot->tts_values[BLOK_SLEUTELS] = make_bytea(w->sleutels.data, w->sleutels.len);
	slot->tts_values[BLOK_VINGERS] = make_bytea(w->vingers, 4 * w->aantal);
	for (int i = 0; i < BLOK_NATTS; i++)
		slot->tts_isnull[i] = false;
	if (w->met_vorige)
	{
		uint8	   *v = palloc(8 * w->aantal);

		for (int i = 0; i < w->aantal; i++)
			for (int j = 0; j < 8; j++)
				v[8 * i + j] = (uint8) (((uint64) w->vorigen[i]) >> (8 * (7 - j)));
		slot->tts_values[BLOK_VORIGE] = make_bytea(v, 8 * w->aantal);
	}
	else
	{
		slot->tts_values[BLOK_VORIGE] = (Datum) 0;
		slot->tts_isnull[BLOK_VORIGE] = true;
	}
	ExecStoreVirtualTuple(slot);
	MemoryContextSwitchTo(oud);
	w->aantal = 0;
}

/* Append one leaf; returns its tree index (seal_blok.h). */
int64
vwl_block_writer_add(VwlBlockWriter *w, int16 tabel, const pg_uuid_t *u, int64 n,
					 int64 vorige, const unsigned char *hash)
{
	MemoryContext oud = MemoryContextSwitchTo(w->cxt);
	TableInfo  *t = table_info(&w->tc, tabel);
	bool		heeft_uuid = t->t.uuid_attnum != InvalidAttrNumber;
	bool		heeft_nummer = t->t.nummer_attnum != InvalidAttrNumber;
	pg_uuid_t	ku = (heeft_uuid && u) ? *u : zero_uuid;
	int64		kn = heeft_nummer ? n : 0;
	int64		sv = vwl_sort_value(heeft_uuid, &ku, kn);

	if (vorige < -1 || vorige >= w->volgende)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("leaf %lld cannot supersede leaf %lld", (long long) w->volgende,
						(long long) vorige)));
	if (w->aantal > 0 &&
		(tabel != w->tabel || w->aantal == VWL_BLOK_MAX ||
		 key_cmp(&ku, kn, &w->laatste_u, w->laatste_n) <= 0 ||
		 (uint64) sv - (uint64) w->laatste_sv >
		 (uint64) (heeft_uuid ? VWL_BLOK_SPRONG_UUID : VWL_BLOK_SPRONG_NUMMER)))
		writer_close_block(w);
	if (w->aantal == 0)
	{
		w->eerste = w->volgende;
		w->tabel = tabel;
		w->heeft_uuid = heeft_uuid;
		w->heeft_nummer = heeft_nummer;
		w->laag = sv;
		w->met_vorige = false;
		resetStringInfo(&w->sleutels);
	}
	if (heeft_uuid)
	{
		int			p = 0;

		if (w->aantal > 0)
			while (p < UUID_LEN && ku.data[p] == w->laatste_u.data[p])
				p++;
		appendStringInfoChar(&w->sleutels, (char) p);
		appendBinaryStringInfo(&w->sleutels, (const char *) ku.data + p, UUID_LEN - p);
	}
	if (heeft_nummer)
	{
		uint64		x = (uint64) kn;

		do
		{
			uint8		byte = x & 0x7F;

			x >>= 7;
			if (x != 0)
				byte |= 0x80;
			appendStringInfoChar(&w->sleutels, (char) byte);
		} while (x != 0);
	}
	memcpy(w->vingers + 4 * w->aantal, hash, 4);
	w->vorigen[w->aantal] = vorige;
	if (vorige >= 0)
		w->met_vorige = true;
	w->laatste_u = ku;
	w->laatste_n = kn;
	w->laatste_sv = sv;
	w->aantal++;
	MemoryContextSwitchTo(oud);
	return w->volgende++;
}

/* Write the last block; returns the next tree index (seal_blok.h). */
int64
vwl_block_writer_finish(VwlBlockWriter *w)
{
	int64		volgende = w->volgende;

	writer_close_block(w);
	writer_flush_batch(w);
	FreeBulkInsertState(w->bis);
	for (int i = 0; i < BLOK_BATCH; i++)
		ExecDropSingleTupleTableSlot(w->slots[i]);
	ExecCloseIndices(w->rri);
	FreeExecutorState(w->estate);
	table_close(w->rel, NoLock);
	MemoryContextDelete(w->cxt);
	return volgende;
}

PG_FUNCTION_INFO_V1(vwl_seal_leaves);

/*
 * verwerkingenlog._seal_leaves(tabel smallint) RETURNS TABLE (blad bigint,
 * u uuid, n bigint, vorige bigint, vinger bytea): every leaf of one table
 * in tree order, decoded from the blocks; vorige NULL for none.
 */
Datum
vwl_seal_leaves(PG_FUNCTION_ARGS)
{
	int16		tabel = PG_GETARG_INT16(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TableCache *tc;
	Relation	rel,
				index;
	SysScanDesc scan;
	HeapTuple	tup;
	Blok	   *b;

	InitMaterializedSRF(fcinfo, 0);
	tc = palloc0(sizeof(TableCache));
	(void) table_info(tc, tabel);
	b = palloc(sizeof(Blok));
	rel = table_open(own_relid("seal_blok"), AccessShareLock);
	index = index_open(own_relid("seal_blok_pkey"), AccessShareLock);
	scan = systable_beginscan_ordered(rel, index, GetActiveSnapshot(), 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext_ordered(scan, ForwardScanDirection)))
	{
		bool		isnull;

		if (DatumGetInt16(heap_getattr(tup, BLOK_TABEL + 1, RelationGetDescr(rel), &isnull)) != tabel)
			continue;
		blok_decode(tup, RelationGetDescr(rel), tc, b);
		for (int j = 0; j < b->aantal; j++)
		{
			Datum		v[5];
			bool		nulls[5] = {false, false, false, false, false};
			pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

			*u = b->u[j];
			v[0] = Int64GetDatum(b->eerste + j);
			v[1] = UUIDPGetDatum(u);
			v[2] = Int64GetDatum(b->n[j]);
			v[3] = Int64GetDatum(b->vorige[j]);
			nulls[3] = b->vorige[j] < 0;
			v[4] = make_bytea(b->vinger[j], 4);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
			pfree(u);
			pfree(DatumGetPointer(v[4]));
		}
	}
	systable_endscan_ordered(scan);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(vwl_seal_leaf_of);

/*
 * verwerkingenlog._seal_leaf_of(tabel smallint, u uuid, n bigint, OUT blad
 * bigint, OUT vorige bigint): the last leaf of a key that is not
 * superseded; NULL, NULL when there is none.
 */
Datum
vwl_seal_leaf_of(PG_FUNCTION_ARGS)
{
	int16		tabel = PG_GETARG_INT16(0);
	pg_uuid_t  *u = PG_GETARG_UUID_P(1);
	int64		n = PG_GETARG_INT64(2);
	VwlLeaf		l;
	TupleDesc	desc;
	Datum		v[2];
	bool		nulls[2] = {true, true};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	vwl_leaves_of(tabel, 1, u, &n, &l);
	if (l.blad >= 0 && l.staat != 's')
	{
		v[0] = Int64GetDatum(l.blad);
		nulls[0] = false;
		v[1] = Int64GetDatum(l.vorige);
		nulls[1] = l.vorige < 0;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, nulls)));
}
