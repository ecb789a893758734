/*
 * settings.h
 *		The settings of the log: kept in the database, refused when wrong
 *		(settings.c).
 */
#ifndef VWL_SETTINGS_H
#define VWL_SETTINGS_H

/*
 * Around the definitions of the settings in _PG_init: before, note the
 * values set for verwerkingenlog.* before the library was loaded; after,
 * note every one that names no setting or whose value was refused, so that
 * the log fails loudly instead of running on a default.
 */
extern void vwl_settings_before_define(void);
extern void vwl_settings_after_define(void);

/*
 * Before the log serves anything (vwl_scopes, the key file): raise the
 * problems noted at load time; apply the database's settings
 * (verwerkingenlog.instelling) when they are new to this backend; note once
 * per backend in the server log when its logging settings would write
 * identifiers there.
 */
extern void vwl_settings_check(void);

#endif							/* VWL_SETTINGS_H */
