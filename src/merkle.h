/*
 * merkle.h
 *		The Merkle tree over the log (RFC 9162 hashing) and the canonical
 *		encoding of a stored row; see merkle.c.
 */
#ifndef MERKLE_H
#define MERKLE_H

#include "postgres.h"

#define VWL_HASH_LEN	32

/* SHA-256(0x01 || links || rechts) into uit, RFC 9162 section 2.1.1. */
extern void vwl_node_hash(const unsigned char *links,
						   const unsigned char *rechts, unsigned char *uit);

/* SHA-256 of data into uit (32 bytes); OpenSSL errors are reported. */
extern void vwl_sha256(const void *data, size_t len, unsigned char *uit);

/*
 * The root of the tree of the first n leaves, from the stored tree
 * (seal_leaf, seal_node); needs an SPI connection.
 */
extern void vwl_tree_root_compute(int64 n, unsigned char *uit);

#endif							/* MERKLE_H */
