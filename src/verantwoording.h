/*
 * verantwoording.h
 *		Accountability: who made a version (maker.c), the minimum retention
 *		and the purge (vernietiging.c).
 */
#ifndef VWL_VERANTWOORDING_H
#define VWL_VERANTWOORDING_H

/*
 * The maker of a version written now: the outer role, the claims' sub and
 * client (NULL when absent), palloc'd (maker.c).
 */
extern void vwl_maker(char **rol, char **sub, char **client);

/* Setting verwerkingenlog.minimale_bewaartermijn (vernietiging.c). */
extern char *vwl_minimale_bewaartermijn;

/* Defines the purge's settings; called from _PG_init (vernietiging.c). */
extern void vwl_define_vernietiging_settings(void);

#endif							/* VWL_VERANTWOORDING_H */
