/*
 * instellingen.h
 *		The settings of the log: kept in the database, refused when wrong
 *		(instellingen.c).
 */
#ifndef VWL_INSTELLINGEN_H
#define VWL_INSTELLINGEN_H

/*
 * Around the definitions of the settings in _PG_init: before, note the
 * values set for verwerkingenlog.* before the library was loaded; after,
 * note every one that names no setting or whose value was refused, so that
 * the log fails loudly instead of running on a default.
 */
extern void vwl_instellingen_voor_definitie(void);
extern void vwl_instellingen_na_definitie(void);

/*
 * Before the log serves anything (vwl_scopes, the key file): raise the
 * problems noted at load time; apply the database's settings
 * (verwerkingenlog.instelling) when they are new to this backend; note once
 * per backend in the server log when its logging settings would write
 * identifiers there.
 */
extern void vwl_instellingen_controleren(void);

#endif							/* VWL_INSTELLINGEN_H */
