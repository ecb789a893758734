/*
 * validation.h
 *		Validation of a verwerkingsactie document (see validation.c).
 *
 * The C interface exists so that other C code (a batch caller, a trigger)
 * can validate a document, collect every problem and build the normalised
 * document without going through SQL.  Problems are allocated in the
 * memory context current at vwl_validation_init, so a caller may validate
 * in a short-lived context and reset it; the normalised document is built
 * in the current context, its strings pointing into the input document
 * (keep that alive until JsonbValueToJsonb).
 */
#ifndef VWL_VALIDATION_H
#define VWL_VALIDATION_H

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
#define VWL_MAX_KINDS			1000	/* verwerkteSoortenGegevens of one
										 * object */
#define VWL_MAX_DOCUMENT		(8 * 1024 * 1024)	/* bytes of one action's
													 * jsonb */
#define VWL_MAX_ARRAY			(64 * 1024 * 1024)	/* bytes of a batch's jsonb */
#define VWL_MAX_PROBLEMS		100		/* problems listed; the rest counted */
#define VWL_CODE_TOO_MANY		"too_many"	/* more problems than are listed */

/* Deepest path: batch item, verwerkteObjecten, [i], verwerkteSoortenGegevens, [j]. */
#define VWL_MAX_DEPTH			8

typedef struct VwlProblem
{
	const char *naam;			/* path of the element */
	const char *code;			/* one of VWL_CODE_* */
	const char *reden;			/* predicate, e.g. "is required" */
} VwlProblem;

typedef struct VwlPathPart
{
	const char *sleutel;		/* element name, or NULL for an array index */
	int			lengte;			/* bytes of sleutel */
	int			index;			/* 0-based array index when sleutel is NULL */
} VwlPathPart;

typedef struct VwlValidation
{
	bool		volledig;		/* complete document (PUT) required */
	bool		uit_gewenst;	/* build the normalised document */
	JsonbValue *resultaat;		/* set by vwl_validate_verwerkingsactie */

	/* path of the container being checked, rendered only for a problem */
	VwlPathPart	pad[VWL_MAX_DEPTH];
	int			diepte;

	/* the problems, allocated in cxt (the context of vwl_validation_init) */
	MemoryContext cxt;
	VwlProblem *problemen;
	int			aantal;
	int			ruimte;
	int			niet_getoond;	/* problems beyond VWL_MAX_PROBLEMS, counted */
} VwlValidation;

extern void vwl_validation_init(VwlValidation *v, bool volledig, bool uit_gewenst);
extern void vwl_path_index(VwlValidation *v, int index);
extern void vwl_path_pop(VwlValidation *v);
extern void vwl_validate_verwerkingsactie(VwlValidation *v, JsonbValue *doc);
/* The root of a jsonb datum as a JsonbValue (a scalar or a container). */
extern void vwl_jsonb_root(Jsonb *jb, JsonbValue *w);
/* "a string", "an array", ...: the JSON type of a value, for "must be ..., not ..." reasons. */
extern const char *vwl_json_kind(const JsonbValue *w);
extern void vwl_problem(VwlValidation *v, const char *sleutel, int lengte,
						 const char *code, const char *reden);
extern Jsonb **vwl_validate_verwerkingsacties(VwlValidation *v, Jsonb *invoer, int *n);
/* Batches up to this many items are handed to the writer as trees. */
#define VWL_MAX_TREES			1000
extern JsonbValue **vwl_validate_verwerkingsacties_trees(VwlValidation *v, Jsonb *invoer, int *n);
extern Jsonb *vwl_validate_input(Jsonb *invoer, bool volledig);
extern JsonbValue *vwl_validate_input_tree(Jsonb *invoer, bool volledig);
extern void vwl_validation_report(VwlValidation *v, bool reeks) pg_attribute_noreturn();
extern const char *vwl_uri_error(const char *s, int lengte);

#endif							/* VWL_VALIDATION_H */
