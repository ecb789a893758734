/*
 * onveranderlijk.h
 *		The append-only guard and the narrow door the retention purge uses.
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

#endif							/* ONVERANDERLIJK_H */
