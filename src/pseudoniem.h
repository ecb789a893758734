/*
 * pseudoniem.h
 *		Pseudonyms and encryption of object identifiers (pseudoniem.c).
 */
#ifndef VWL_PSEUDONIEM_H
#define VWL_PSEUDONIEM_H

#include "postgres.h"

#include <sys/stat.h>

#include "access/htup.h"
#include "fmgr.h"
#include "access/tupdesc.h"
#include "utils/uuid.h"

/*
 * SQLSTATE VL001: the key file is missing or is not this database's (its
 * keys do not match the check values the database recorded).
 */
#define ERRCODE_VWL_KEYFILE	MAKE_SQLSTATE('V','L','0','0','1')

/* Lengths of the stored forms. */
#define VWL_PSEUDONIEM_LENGTH	32	/* HMAC-SHA-256 */
#define VWL_NONCE_LENGTH		12	/* AES-GCM nonce */
#define VWL_TAG_LENGTH			16	/* AES-GCM tag */
/* Ciphertext = key version (1 byte) || nonce || encrypted bytes || tag. */
#define VWL_ENCRYPTED_EXTRA	(1 + VWL_NONCE_LENGTH + VWL_TAG_LENGTH)

/* Key versions fit in the first byte of a ciphertext; 0 is never used. */
#define VWL_MAX_KEY_VERSION	255

/* The key file when verwerkingenlog.sleutelbestand is empty. */
#define VWL_DEFAULT_KEYFILE "verwerkingenlog.sleutels"

/* Setting verwerkingenlog.sleutelbestand (defined in _PG_init). */
extern char *vwl_sleutelbestand;

/*
 * The pseudonym of (soort, id) into out[VWL_PSEUDONIEM_LENGTH].  For C
 * callers; the same as verwerkingenlog._pseudoniem.
 */
extern void vwl_pseudoniem_compute(const char *soort, size_t soortlen,
								   const char *id, size_t idlen,
								   unsigned char *out);

/*
 * For the writer: an objectId (len bytes) encrypted under the current key
 * version and bound to its soortObjectId and pseudonym; an afnemerId bound
 * to its soortAfnemerId (NULL: none) and actieId.  palloc'd.  Both record
 * the keys' check values in the database first if needed.
 */
extern bytea *vwl_encrypt_object(const char *id, size_t len,
									const char *soort, size_t soortlen,
									const unsigned char *pseudoniem);
extern bytea *vwl_encrypt_afnemer(const char *id, size_t len,
									 const char *soort, size_t soortlen,
									 const pg_uuid_t *actie);

/*
 * The plain bytes of ciphertext column attnum (object_versleuteld or
 * afnemer_versleuteld) of a row of the log, verified with the binding the
 * row gives, as a palloc'd bytea; XX001 when the tag does not match.
 */
extern bytea *vwl_decrypt_column(TupleDesc desc, HeapTuple tuple, int attnum);

/*
 * The objectId of a verwerkt object from its columns (ciphertext,
 * soortObjectId, pseudonym), verified as _decrypt_object does; palloc'd.
 */
extern text *vwl_decrypt_object_id(bytea *versleuteld, text *soort, bytea *pseudoniem);
/* The same for the afnemerId of a version (soort NULL: none). */
extern text *vwl_decrypt_afnemer_id(bytea *versleuteld, text *soort, const pg_uuid_t *actie);

/*
 * verwerkingenlog._decrypt_object(verwerkt_object) and
 * _decrypt_afnemer(verwerkingsactie_versie), for the documents of
 * document.c (called with the row as their only argument).
 */
extern PGDLLEXPORT Datum vwl_decrypt_object(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum vwl_decrypt_afnemer(PG_FUNCTION_ARGS);

/*
 * Check an open file of secrets: regular, owned by the server's operating
 * system user, no group or world access; ERROR otherwise, naming the file as
 * "<wat> \"<pad>\"".  *st receives its state.
 */
extern void vwl_check_secret_file(int fd, const char *pad,
										   const char *wat, struct stat *st);

/* The current key version of the key file, which encrypts new identifiers. */
extern int	vwl_current_key_version(void);

#endif							/* VWL_PSEUDONIEM_H */
