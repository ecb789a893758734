/*
 * validatie.h
 *		Validation of a verwerkingsactie document (see validatie.c).
 *
 * The C interface exists so that other C code (a batch caller, a trigger)
 * can validate a document, collect every problem and build the normalised
 * document without going through SQL.  Problems are allocated in the
 * memory context current at vwl_validatie_init, so a caller may validate
 * in a short-lived context and reset it; the normalised document is built
 * in the current context, its strings pointing into the input document
 * (keep that alive until JsonbValueToJsonb).
 */
#ifndef VWL_VALIDATIE_H
#define VWL_VALIDATIE_H

#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/memutils.h"

/*
 * Problem codes (the "code" of a problem, mapped by the REST layer into the
 * code of an invalidParams entry).  They follow the codes of Django REST
 * framework, which the standard's reference implementation uses.
 */
#define VWL_CODE_REQUIRED		"required"	/* absent or null, or missing in a
											 * complete document */
#define VWL_CODE_INVALID_TYPE	"invalid_type"	/* wrong JSON type */
#define VWL_CODE_BLANK			"blank"	/* empty string where a value is
										 * needed */
#define VWL_CODE_MAX_LENGTH		"max_length"	/* too many characters */
#define VWL_CODE_INVALID		"invalid"	/* bad format: UUID, URI, OIN,
											 * date-time, duration */
#define VWL_CODE_INVALID_CHOICE	"invalid_choice"	/* not one of an enum's
													 * values */
#define VWL_CODE_UNKNOWN		"unknown"	/* element not in the schema */
#define VWL_CODE_EMPTY			"empty" /* array needs at least one item */

/* The name of a problem with the document as a whole. */
#define VWL_DOCUMENT			"(document)"

/*
 * Bounded work for any input: the limits of one document.  Beyond them the
 * document is refused with 22023 naming the limit, before any work that
 * grows with its size.  (An action about 10,000 persons, a search result,
 * fits: the standard's open question V7168.)
 */
#define VWL_MAX_OBJECTEN		20000	/* verwerkteObjecten of one action
										 * (volgorde is a smallint) */
#define VWL_MAX_SOORTEN			1000	/* verwerkteSoortenGegevens of one
										 * object */
#define VWL_MAX_DOCUMENT		(8 * 1024 * 1024)	/* bytes of one action's
													 * jsonb */
#define VWL_MAX_REEKS			(64 * 1024 * 1024)	/* bytes of a batch's jsonb */
#define VWL_MAX_PROBLEMEN		100		/* problems listed; the rest counted */
#define VWL_CODE_TOO_MANY		"too_many"	/* more problems than are listed */

/* Deepest path: batch item, verwerkteObjecten, [i], verwerkteSoortenGegevens, [j]. */
#define VWL_MAX_DIEPTE			8

typedef struct VwlProbleem
{
	const char *naam;			/* path of the element */
	const char *code;			/* one of VWL_CODE_* */
	const char *reden;			/* predicate, e.g. "is required" */
} VwlProbleem;

typedef struct VwlPadDeel
{
	const char *sleutel;		/* element name, or NULL for an array index */
	int			lengte;			/* bytes of sleutel */
	int			index;			/* 0-based array index when sleutel is NULL */
} VwlPadDeel;

typedef struct VwlValidatie
{
	bool		volledig;		/* complete document (PUT) required */
	bool		uit_gewenst;	/* build the normalised document */
	JsonbValue *resultaat;		/* set by vwl_valideer_verwerkingsactie */

	/* path of the container being checked, rendered only for a problem */
	VwlPadDeel	pad[VWL_MAX_DIEPTE];
	int			diepte;

	/* the problems, allocated in cxt (the context of vwl_validatie_init) */
	MemoryContext cxt;
	VwlProbleem *problemen;
	int			aantal;
	int			ruimte;
	int			niet_getoond;	/* problems beyond VWL_MAX_PROBLEMEN, counted */
} VwlValidatie;

extern void vwl_validatie_init(VwlValidatie *v, bool volledig, bool uit_gewenst);
extern void vwl_pad_index(VwlValidatie *v, int index);
extern void vwl_pad_terug(VwlValidatie *v);
extern void vwl_valideer_verwerkingsactie(VwlValidatie *v, JsonbValue *doc);
extern void vwl_probleem(VwlValidatie *v, const char *sleutel, int lengte,
						 const char *code, const char *reden);
extern Jsonb **vwl_valideer_verwerkingsacties(VwlValidatie *v, Jsonb *invoer, int *n);
extern Jsonb *vwl_valideer_invoer(Jsonb *invoer, bool volledig);
extern void vwl_validatie_meld(VwlValidatie *v, bool reeks) pg_attribute_noreturn();
extern const char *vwl_uri_fout(const char *s, int lengte);

#endif							/* VWL_VALIDATIE_H */
