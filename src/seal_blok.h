/*
 * seal_blok.h
 *		The leaves of the Merkle tree, packed in blocks (seal_blok), and the
 *		lookups over them; see seal_blok.c and DESIGN12.md.
 *
 * A leaf's state: present (no seal_leaf_hash row, or one without
 * vervangen_door and vernietigd_in: its hash is recomputed from its row and
 * checked against the block's vinger), superseded (vervangen_door set) or
 * destroyed (vernietigd_in set): then its full hash is in seal_leaf_hash.
 */
#ifndef VWL_SEAL_BLOK_H
#define VWL_SEAL_BLOK_H

#include "postgres.h"

#include "access/htup.h"
#include "utils/uuid.h"

/* At most this many leaves in a block. */
#define VWL_BLOK_MAX		128
/* A block is cut where the sort value jumps by more than this. */
#define VWL_BLOK_SPRONG_UUID	(INT64CONST(65536) * 10000)
#define VWL_BLOK_SPRONG_NUMMER	INT64CONST(1000)

typedef struct VwlLeaf
{
	int64		blad;			/* -1: none */
	int16		tabel;
	pg_uuid_t	u;				/* zero uuid for tables without a uuid key */
	int64		n;				/* 0 for tables without a number key */
	int64		vorige;			/* -1: none */
	uint8		vinger[4];
	char		staat;			/* 'a' present, 's' superseded, 'd' destroyed
								 * (from seal_leaf_hash) */
} VwlLeaf;

/* A sealed table (seal_table): its key columns. */
typedef struct VwlSealedTable
{
	int16		code;
	Oid			relid;
	AttrNumber	uuid_attnum;	/* InvalidAttrNumber: no uuid key */
	AttrNumber	nummer_attnum;	/* InvalidAttrNumber: no number key */
} VwlSealedTable;

/* The sealed table with this code; ERROR when there is none. */
extern void vwl_sealed_table(int16 code, VwlSealedTable *uit);

/*
 * The sort value of a key (DESIGN12.md): with a uuid key its first 8
 * bytes read big-endian minus 2^63, else n.
 */
extern int64 vwl_sort_value(bool heeft_uuid, const pg_uuid_t *u, int64 n);

/*
 * For each key i, the LAST leaf of (tabel, u[i], n[i]) (a superseding leaf
 * comes after the one it supersedes), or blad = -1.  Keys in any order;
 * fast for many keys that lie close together (verzegel's dedupe, a purge
 * batch): one range query per cluster of keys, blocks decoded once.  Reads
 * with the active snapshot.  u may be NULL for a table without a uuid key,
 * n NULL for one without a number key.
 */
extern void vwl_leaves_of(int16 tabel, int nkeys, const pg_uuid_t *u, const int64 *n,
						  VwlLeaf *uit);

/*
 * The leaf hashes of the given tree indexes into uit (32 bytes each):
 * stored (seal_leaf_hash) or recomputed from the row (its canonical
 * encoding at blad, vorige), checked against the block's vinger.  A row
 * that is missing (and not destroyed) or differs: ERROR
 * ERRCODE_DATA_CORRUPTED naming the leaf, its table and key.
 */
extern void vwl_leaf_hashes(int nbladen, const int64 *bladen, unsigned char *uit);

/* The leaf hash of a stored row (a tuple of a sealed table) at blad, vorige (-1: none). */
extern void vwl_row_leaf_hash(HeapTupleHeader rij, int64 blad, int64 vorige,
							  unsigned char *uit);

/*
 * The block writer: appends leaves in tree order and writes them as
 * seal_blok rows (multi-row inserts), cut by the rules above.  Used by
 * _seal_append and by the 1.1 -> 1.2 migration.
 *
 *	w = vwl_block_writer_start(eerste);
 *	for each leaf: vwl_block_writer_add(w, tabel, &u, n, vorige, hash);
 *	volgende = vwl_block_writer_finish(w);
 *
 * The first leaf added gets tree index eerste (which must be the end of
 * the stored blocks), the next eerste + 1, and so on.  u is ignored (may be
 * NULL) for a table without a uuid key, n for one without a number key;
 * vorige is -1 for none; of hash only the first 4 bytes are kept (vinger).
 * Keys of one table must come in strictly increasing order within a block
 * to share it; any other order is allowed and cuts a block.
 */
typedef struct VwlBlockWriter VwlBlockWriter;

extern VwlBlockWriter *vwl_block_writer_start(int64 eerste);
extern int64 vwl_block_writer_add(VwlBlockWriter *w, int16 tabel, const pg_uuid_t *u,
								  int64 n, int64 vorige, const unsigned char *hash);
extern int64 vwl_block_writer_finish(VwlBlockWriter *w);

/* The table (seal_table.code) of the leaf at blad; ERROR when no block holds it. */
extern int16 vwl_leaf_table(int64 blad);

/* The end of the stored blocks: the tree index of the next leaf. */
extern int64 vwl_tree_size_stored(void);

#endif							/* VWL_SEAL_BLOK_H */
