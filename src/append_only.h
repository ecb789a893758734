/*
 * append_only.h
 *		The append-only guard and the narrow doors of the retention purge and
 *		of re-encryption.
 */
#ifndef VWL_APPEND_ONLY_H
#define VWL_APPEND_ONLY_H

/*
 * Allow DELETE on the guarded tables for the rest of the current
 * (sub)transaction, or until vwl_purge_door_close().  Only the retention
 * purge, written in C, may call this, and it must wrap the deletes in
 * PG_TRY / PG_FINALLY with vwl_purge_door_close() in the FINALLY part.
 * UPDATE and TRUNCATE stay refused.  No SQL function exposes this.
 */
extern void vwl_purge_door_open(void);
/* Close the door again. */
extern void vwl_purge_door_close(void);

/*
 * Allow UPDATE on the guarded tables for the rest of the current
 * (sub)transaction, or until vwl_reencrypt_door_close(), but only an UPDATE
 * that changes nothing except the encrypted identifiers (columns named
 * *_versleuteld, bytea), and those only to another ciphertext of the same
 * identifier; the trigger checks every row.  Only re-encryption after a key
 * rotation, written in C, may call this, with vwl_reencrypt_door_close() in
 * a PG_FINALLY.  DELETE and TRUNCATE stay refused.  No SQL function exposes
 * this.
 */
extern void vwl_reencrypt_door_open(void);
/* Close the re-encryption door. */
extern void vwl_reencrypt_door_close(void);

/*
 * Let INSERT into the guarded tables pass for the rest of the current
 * (sub)transaction, or until vwl_writer_door_close(): the log's own writer
 * opens it around its inserts.  No SQL function exposes this, except
 * _insert_version, which inserts one copied version.
 */
extern void vwl_writer_door_open(void);
/* Close the writer's door. */
extern void vwl_writer_door_close(void);

#endif							/* VWL_APPEND_ONLY_H */
