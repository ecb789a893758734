/*
 * onveranderlijk.h
 *		The append-only guard and the narrow doors of the retention purge and
 *		of re-encryption.
 */
#ifndef ONVERANDERLIJK_H
#define ONVERANDERLIJK_H

/*
 * Allow DELETE on the guarded tables for the rest of the current
 * (sub)transaction, or until vwl_opschonen_einde().  Only the retention
 * purge, written in C, may call this, and it must wrap the deletes in
 * PG_TRY / PG_FINALLY with vwl_opschonen_einde() in the FINALLY part.
 * UPDATE and TRUNCATE stay refused.  No SQL function exposes this.
 */
extern void vwl_opschonen_begin(void);
/* Close the door again. */
extern void vwl_opschonen_einde(void);

/*
 * Allow UPDATE on the guarded tables for the rest of the current
 * (sub)transaction, or until vwl_herversleutelen_einde(), but only an UPDATE
 * that changes nothing except the encrypted identifiers (columns named
 * *_versleuteld, bytea), and those only to another ciphertext of the same
 * identifier; the trigger checks every row.  Only re-encryption after a key
 * rotation, written in C, may call this, with vwl_herversleutelen_einde() in
 * a PG_FINALLY.  DELETE and TRUNCATE stay refused.  No SQL function exposes
 * this.
 */
extern void vwl_herversleutelen_begin(void);
/* Close the re-encryption door. */
extern void vwl_herversleutelen_einde(void);

/*
 * Let INSERT into the guarded tables pass for the rest of the current
 * (sub)transaction, or until vwl_schrijven_einde(): the log's own writer
 * opens it around its inserts.  No SQL function exposes this, except
 * _voeg_versie_in, which inserts one copied version.
 */
extern void vwl_schrijven_begin(void);
/* Close the writer's door. */
extern void vwl_schrijven_einde(void);

#endif							/* ONVERANDERLIJK_H */
