/*
 * merkle.h
 *		The Merkle tree over the log (RFC 9162 hashing) and the canonical
 *		encoding of a stored row; see merkle.c.
 */
#ifndef MERKLE_H
#define MERKLE_H

#include "postgres.h"

#include "access/htup.h"
#include "lib/stringinfo.h"

#define VWL_HASH_LEN	32

/* SHA-256(0x01 || links || rechts) into uit, RFC 9162 section 2.1.1. */
extern void vwl_node_hash(const unsigned char *links,
						   const unsigned char *rechts, unsigned char *uit);

/* RFC 9162 MTH over n leaf (or subtree) hashes in memory, into uit. */
extern void vwl_mth_in_memory(const unsigned char *h, int64 n, unsigned char *uit);

/* SHA-256 of data into uit (32 bytes); OpenSSL errors are reported. */
extern void vwl_sha256(const void *data, size_t len, unsigned char *uit);

/*
 * The root of the tree of the first n leaves, from the stored tree
 * (seal_node, and the leaves through vwl_leaf_hashes), read with the
 * active snapshot.
 */
extern void vwl_tree_root_compute(int64 n, unsigned char *uit);

/* What vwl_canonical_encode looked up about a row type (merkle.c). */
typedef struct VwlCanonicalCache VwlCanonicalCache;

/*
 * Append the canonical encoding (version 1) of a stored row at tree index
 * blad (-1: none), superseding leaf vorige (-1: none), to s; *cache starts
 * NULL and is kept in mcxt for the next row.
 */
extern void vwl_canonical_encode(VwlCanonicalCache **cache, MemoryContext mcxt,
								 HeapTupleHeader th, int64 blad, int64 vorige,
								 StringInfo s);

#endif							/* MERKLE_H */
