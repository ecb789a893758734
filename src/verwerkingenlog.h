/*
 * verwerkingenlog.h
 *		Declarations shared by the C parts of verwerkingenlog.
 *
 * Each concern has its own file: moment.c and bewaartermijn.c (types),
 * validation.c (the verwerkingsactie document), scopes.c (scopes and the
 * confidentiality rule engine), append_only.c (append-only guard) and
 * verwerkingenlog.c (module init and settings), uuidv7.c (identifiers) and
 * writer.c (the writer).
 */
#ifndef VERWERKINGENLOG_H
#define VERWERKINGENLOG_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/uuid.h"

/* Limits from the OpenAPI contract. */
#define VWL_MAX_URI			2042
#define VWL_MAX_NAME		242
#define VWL_MAX_ID			40
#define VWL_OIN_LENGTH		20

/*
 * moment: an ISO 8601 date-time with an explicit offset.  It compares by
 * instant but prints exactly as supplied: the offset (and whether it was
 * written as Z) and the fractional digits are kept.  Fixed length, 16 bytes.
 */
typedef struct Moment
{
	TimestampTz instant;		/* the instant, microseconds since 2000 UTC */
	int32		offset;			/* seconds east of UTC, as supplied */
	int16		nanos;			/* digits beyond microseconds, 0..999 */
	int8		fracdigits;		/* fractional digits as supplied, 0..9 */
	int8		flags;			/* MOMENT_ZULU */
} Moment;

#define MOMENT_ZULU		0x01

/*
 * Parse str (len bytes, not necessarily terminated) into *result.  Returns
 * false and sets *reason to a short English phrase (no period) on failure;
 * never throws.
 */
extern bool vwl_moment_parse(const char *str, int len, Moment *result,
							 const char **reason);
/* The text form of a moment, palloc'd, exactly as it was supplied. */
extern char *vwl_moment_format(const Moment *m);

/*
 * bewaartermijn: a strict ISO 8601 duration (PnYnMnDTnHnMnS with components
 * left out, or PnW alone).  The components are kept as written so that output equals
 * input in canonical form.  Fixed length.
 */
typedef struct Bewaartermijn
{
	int32		jaren;
	int32		maanden;
	int32		weken;
	int32		dagen;
	int32		uren;
	int32		minuten;
	int64		microseconden;	/* seconds with their fraction */
	int32		aanwezig;		/* bitmask of the components written */
	int32		fracdigits;		/* fractional digits of the seconds */
} Bewaartermijn;

#define BT_JAREN		0x01
#define BT_MAANDEN		0x02
#define BT_WEKEN		0x04
#define BT_DAGEN		0x08
#define BT_UREN			0x10
#define BT_MINUTEN		0x20
#define BT_SECONDEN		0x40

/*
 * The text input function of moment; the writer calls it only to raise the
 * type's own error for a string vwl_moment_parse refused.
 */
extern PGDLLEXPORT Datum vwl_moment_in(PG_FUNCTION_ARGS);

/* Same contract as vwl_moment_parse. */
extern bool vwl_bewaartermijn_parse(const char *str, int len,
									Bewaartermijn *result,
									const char **reason);
extern char *vwl_bewaartermijn_format(const Bewaartermijn *b);
/* The duration as an interval (years and months, weeks and days, time). */
extern Interval *vwl_bewaartermijn_interval(const Bewaartermijn *b);
/* The text input function of bewaartermijn (see vwl_moment_in). */
extern PGDLLEXPORT Datum vwl_bewaartermijn_in(PG_FUNCTION_ARGS);

/*
 * Scopes of the standard, one bit each.  A caller holds a scope when its
 * role (the outer role, not the SECURITY DEFINER owner) is a member of the
 * scope's role, narrowed by the scope claim of request.jwt.claims if set.
 */
#define SCOPE_CREATE_NORMAL			0x0001
#define SCOPE_CREATE_CONFIDENTIAL	0x0002
#define SCOPE_READ_NORMAL			0x0004
#define SCOPE_READ_CONFIDENTIAL		0x0008
#define SCOPE_UPDATE_NORMAL			0x0010
#define SCOPE_UPDATE_CONFIDENTIAL	0x0020
#define SCOPE_DELETE_NORMAL			0x0040
#define SCOPE_DELETE_CONFIDENTIAL	0x0080
#define SCOPE_BEHEER				0x0100
#define SCOPE_ALL					0x01FF

extern int	vwl_scopes(void);

/*
 * Levels of confidentiality, in the order of the enum
 * verwerkingenlog.vertrouwelijkheid (vwl_niveau_namen holds its labels).
 * GEEN stands for SQL NULL: no current level (create) or no requested
 * change.
 */
typedef enum Niveau
{
	NIVEAU_GEEN = -1,
	NIVEAU_NORMAAL = 0,
	NIVEAU_VERTROUWELIJK = 1,
	NIVEAU_OPGEHEVEN = 2
} Niveau;

#define NIVEAU_COUNT	3

extern const char *const vwl_niveau_namen[NIVEAU_COUNT];

/*
 * The rule engine for writes (scopes.c, as _decide): the level to store for operatie
 * (create, update, patch, delete), or 42501 naming the missing scope.
 */
extern Niveau vwl_decide_niveau(const char *operatie, int scopes, Niveau huidig,
								Niveau gevraagd);

/*
 * Refuse with 42501 unless the caller holds scope beheer (superusers do);
 * doel completes "scope "beheer" is required to ..." (vernietiging.c).
 */
extern void vwl_require_beheer(const char *doel);

/* A parser's reason as an errdetail sentence (verwerkingenlog.c). */
extern char *vwl_zin(const char *reason);

/* Settings (verwerkingenlog.c). */
extern char *vwl_base_url;
extern char *vwl_maximale_bewaartermijn;
/* The base url without trailing slashes: *len bytes, not terminated there. */
extern const char *vwl_base_url_text(int *len);

/* A new time-ordered UUID (RFC 9562 version 7), as uuidv7() (uuidv7.c). */
extern void vwl_uuidv7_generate(pg_uuid_t *uuid);

/*
 * The trace-id and parent-id of the request's valid W3C traceparent header,
 * what the trigger _traceparent() stores (ldv.c); false when there is none.
 */
extern bool vwl_traceparent_ids(uint8 *trace, uint8 *ouder);

/* Refuse an SQL install of another version than the library's (versie.c). */
/* Prepare a statement once per backend and keep it in *plan (verwerkingenlog.c). */
extern Oid	vwl_own_function(const char *naam, int nargs, Oid *argtypes, bool missing_ok);
extern struct _SPI_plan *vwl_prepared(struct _SPI_plan **plan, const char *sql, int nargs, Oid *argtypes);
extern void vwl_check_version(void);

#endif							/* VERWERKINGENLOG_H */
