/*
 * pseudoniem.h
 *		Pseudonyms and encryption of object identifiers (pseudoniem.c).
 */
#ifndef VWL_PSEUDONIEM_H
#define VWL_PSEUDONIEM_H

#include "postgres.h"

/* Lengths of the stored forms. */
#define VWL_PSEUDONIEM_LENGTE	32	/* HMAC-SHA-256 */
#define VWL_NONCE_LENGTE		12	/* AES-GCM nonce */
#define VWL_TAG_LENGTE			16	/* AES-GCM tag */
/* Ciphertext = key version (1 byte) || nonce || encrypted bytes || tag. */
#define VWL_VERSLEUTELD_EXTRA	(1 + VWL_NONCE_LENGTE + VWL_TAG_LENGTE)

/* Key versions fit in the first byte of a ciphertext; 0 is never used. */
#define VWL_MAX_SLEUTELVERSIE	255

/* The key file when verwerkingenlog.sleutelbestand is empty. */
#define VWL_STANDAARD_SLEUTELBESTAND "verwerkingenlog.sleutels"

/* Setting verwerkingenlog.sleutelbestand (defined in _PG_init). */
extern char *vwl_sleutelbestand;

/*
 * The pseudonym of (soort, id) into out[VWL_PSEUDONIEM_LENGTE].  For C
 * callers; the same as verwerkingenlog._pseudoniem.
 */
extern void vwl_pseudoniem_bereken(const char *soort, size_t soortlen,
								   const char *id, size_t idlen,
								   unsigned char *out);

/*
 * id (len bytes) encrypted under the current key version, palloc'd.  For C
 * callers; the same as verwerkingenlog._versleutel.
 */
extern bytea *vwl_versleutel_bereken(const char *id, size_t len);

/*
 * The plain bytes of a ciphertext made by _versleutel, as a palloc'd bytea;
 * an error (XX001) when the tag does not match.  For C callers.
 */
extern bytea *vwl_ontsleutel_bytea(bytea *versleuteld);

/* The current key version of the key file, which encrypts new identifiers. */
extern int	vwl_huidige_sleutelversie(void);

#endif							/* VWL_PSEUDONIEM_H */
