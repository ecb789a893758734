/*
 * ldv.c
 *		Logboek Dataverwerkingen (LDV 1.0) records and OpenTelemetry (OTLP)
 *		spans into the same log as the verwerkingsacties.
 *
 * Two entry points write:
 *	verwerkingenlog.log_logregels(logregels jsonb) RETURNS SETOF uuid
 *		an array of LDV records in the standard's field names (trace_id,
 *		span_id, parent_span_id, name, status, start_time, end_time,
 *		resource, attributes), all or nothing;
 *	verwerkingenlog.log_otlp(export jsonb) RETURNS jsonb
 *		an OTLP/HTTP JSON ExportTraceServiceRequest; every valid span is
 *		stored, the others are counted in the answer's partialSuccess.
 *
 * Both validate in one walk over the jsonb containers, in the style of
 * validation.c: every problem is collected as (name, code, reason) with the
 * same VwlValidation, names are paths in JavaScript notation, an attribute
 * is named after its key (attributes["dpl.core.data_subject_id"]), reasons
 * never quote a value.  Checks:
 *	- required fields; trace_id 16 bytes and span ids 8 bytes as hex
 *	  (either case; all zeros is the W3C "invalid" id and refused);
 *	- status Unset, Ok or Error (OTLP: the code 0, 1, 2 or its enum name);
 *	- start and end as ms (LDV) or ns (OTLP) since the epoch, end >= start,
 *	  both before 2262-04-11 (64 bits of nanoseconds since the epoch);
 *	- name a non-empty string of at most 242 characters (actieNaam);
 *	- attributes: dpl.core.processing_activity_id (absolute URI, at most
 *	  2042 characters), dpl.core.data_subject_id (1..40 characters, the
 *	  limit of an objectId, so that the inzage can name the subject),
 *	  dpl.core.data_subject_id_type (1..242 characters; an absolute URI when
 *	  it contains ":"), all required; dpl.core.foreign_operation.processor
 *	  (an http or https URL) and dpl.core.foreign_operation.span_id (8 bytes
 *	  hex) optional.  Only the namespace dpl.core is adopted (LDV 1.0): any
 *	  other key, or an unknown dpl.core key, is refused (unknown).
 *	- LDV: unknown record fields are refused, as everywhere in this log.
 *	  OTLP: unknown fields are ignored, as the OTLP specification requires
 *	  of receivers; the span fields that have no place in an LDV record
 *	  (kind, events, links, traceState, flags, status.message, the scope)
 *	  are accepted and not stored.
 *
 * Storage.  A record is a verwerkingsactie of one version with one
 * verwerkt object, in the same tables (20_storage.sql), with the columns
 * 75_ldv.sql adds:
 *	trace_id -> verwerking_id (bijective), span_id, parent_span_id, status,
 *	end_time -> eind_tijdstip, resource, the optional attributes -> attributen;
 *	name -> actie_naam; start_time -> tijdstip (a moment in Z, with ms, or
 *	ns for OTLP); processing_activity_id -> verwerkingsactiviteit_id when
 *	it is urn:uuid:<uuid>, else verwerkingsactiviteit_url;
 *	resource.attributes service.name, verwerkingenlog.uitvoerder and
 *	verwerkingenlog.gegevensbron -> systeem, uitvoerder, gegevensbron;
 *	the subject -> a verwerkt object (objecttype persoon, soortObjectId the
 *	subject's type), pseudonymised and encrypted exactly as an objectId
 *	(pseudoniem.c), so the person index finds it, the inzage shows it and
 *	the purge destroys it like any action.
 * The register of processing activities (ldv_verwerkingsactiviteit) gives
 * the level of confidentiality and the retention of each record: a record
 * of a confidential activity is stored vertrouwelijk (and needs scope
 * create:confidential), with the activity's bewaartermijn as its own.
 *
 * Rows go in with two prepared INSERT ... SELECT FROM unnest statements per
 * call (SPI, plans kept for the backend's life), so privileges, triggers,
 * constraints and indexes are the executor's own; the maker of the versions
 * (gemaakt_door_*, B3891) comes from _maker(), as for a copied version.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/jsonapi.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "verwerkingenlog.h"
#include "append_only.h"
#include "pseudoniem.h"
#include "validation.h"
#include "hex.h"

/* LDV status values, in the order of OTLP's status codes. */
static const char *const ldv_statuses[] = {"Unset", "Ok", "Error"};

/*
 * Latest start or end accepted: what fits in 64 bits of nanoseconds since
 * the epoch (2262-04-11), in ns and in ms.
 */
#define LDV_MAX_NS		PG_INT64_MAX
#define LDV_MAX_MS		(PG_INT64_MAX / 1000000)

/* How deep an OTLP AnyValue may nest arrays and key-value lists. */
#define LDV_MAX_NESTING	8

/* Microseconds between 1970-01-01 and 2000-01-01. */
#define LDV_EPOCH_US	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)

/* One record, validated and converted. */
typedef struct LdvRecord
{
	pg_uuid_t	trace;
	uint8		span[8];
	bool		heeft_ouder;
	uint8		ouder[8];
	const char *naam;
	int			naamlen;
	int			status;			/* index into ldv_statuses */
	int64		start_ns;		/* since the epoch */
	int64		eind_ns;
	int8		fracdigits;		/* 3 (LDV, ms) or 9 (OTLP, ns) */
	const char *activiteit;		/* dpl.core.processing_activity_id */
	int			activiteitlen;
	const char *subject;		/* dpl.core.data_subject_id */
	int			subjectlen;
	const char *soort;			/* dpl.core.data_subject_id_type */
	int			soortlen;
	Jsonb	   *resource;		/* NULL when none */
	Jsonb	   *extra;			/* the optional dpl.core attributes, or NULL */
	char	   *systeem;		/* from resource.attributes, or NULL */
	char	   *uitvoerder;
	char	   *gegevensbron;
	bool		geldig;			/* no problem found (OTLP: stored) */
	int			positie[3];		/* OTLP: resourceSpans, scopeSpans, spans index */
	bool		gezien[3];		/* the three required attributes */
	bool		gezien_extra[2];	/* the two optional ones */
	JsonbParseState *extra_st;	/* while collecting extra */
} LdvRecord;

/* What the span attributes may be. */
typedef enum LdvAttribute
{
	ATTR_ACTIVITEIT,
	ATTR_SUBJECT,
	ATTR_SOORT,
	ATTR_PROCESSOR,
	ATTR_FOREIGN_SPAN,
	ATTR_ONBEKEND_CORE,
	ATTR_NIET_AANGENOMEN
} LdvAttribute;

static const char *const verplichte_attributen[3] = {
	"dpl.core.processing_activity_id",
	"dpl.core.data_subject_id",
	"dpl.core.data_subject_id_type",
};

/* -------------------------------------------------------------------------
 * Paths and small checks
 * -------------------------------------------------------------------------
 */

/* Enter element sleutel of the current object (cf. validation.c). */
static void
path_enter(VwlValidation *v, const char *sleutel)
{
	if (v->diepte >= VWL_MAX_DEPTH)
		elog(ERROR, "logregel path too deep");
	v->pad[v->diepte].sleutel = sleutel;
	v->pad[v->diepte].lengte = strlen(sleutel);
	v->diepte++;
}

/* Record a problem with element sleutel (NUL-terminated) of the container. */
static void
problem(VwlValidation *v, const char *sleutel, const char *code, const char *reden)
{
	vwl_problem(v, sleutel, sleutel ? strlen(sleutel) : 0, code, reden);
}

/* Problem: the value has the wrong JSON type. */
static void
problem_type(VwlValidation *v, const char *sleutel, const char *moet, const JsonbValue *w)
{
	problem(v, sleutel, VWL_CODE_INVALID_TYPE,
			 psprintf("must be %s, not %s", moet, vwl_json_kind(w)));
}

/* Is w an object container / an array container? */
static inline bool
is_object(const JsonbValue *w)
{
	return w->type == jbvBinary && JsonContainerIsObject(w->val.binary.data);
}

static inline bool
is_array(const JsonbValue *w)
{
	return w->type == jbvBinary && JsonContainerIsArray(w->val.binary.data);
}

/* The value of key in object container c, or NULL when absent or null. */
static JsonbValue *
field(JsonbContainer *c, const char *key)
{
	JsonbValue *w = getKeyJsonValueFromContainer(c, key, strlen(key), NULL);

	if (w && w->type == jbvNull)
		return NULL;
	return w;
}

/*
 * Check an id of n bytes written as 2n hex digits into out; NULL when good,
 * else the reason.
 */
static const char *
hex_id(const char *s, int len, uint8 *out, int n)
{
	bool		nul = true;

	if (len != 2 * n)
		return psprintf("must be %d hexadecimal digits (%d bytes)", 2 * n, n);
	for (int i = 0; i < n; i++)
	{
		int			h = vwl_hex_digit((unsigned char) s[2 * i]);
		int			l = vwl_hex_digit((unsigned char) s[2 * i + 1]);

		if (h < 0 || l < 0)
			return psprintf("must be %d hexadecimal digits (%d bytes)", 2 * n, n);
		out[i] = (uint8) (h * 16 + l);
		if (out[i] != 0)
			nul = false;
	}
	if (nul)
		return "must not be all zeros (the invalid id of W3C Trace Context)";
	return NULL;
}

/* Number of characters of s in the database encoding. */
static inline int
chars(const char *s, int len)
{
	return pg_mbstrlen_with_len(s, len);
}

/*
 * An unsigned integer from a JSON number or a string of digits into *out;
 * NULL when good, else the reason.  tekst_ok: a string is allowed (OTLP
 * writes 64-bit integers as strings).
 */
static const char *
integer_value(const JsonbValue *w, bool tekst_ok, int64 max, int64 *out)
{
	const char *s;
	int			len;
	uint64		n = 0;

	if (w->type == jbvNumeric)
	{
		s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(w->val.numeric)));
		len = strlen(s);
	}
	else if (w->type == jbvString && tekst_ok)
	{
		s = w->val.string.val;
		len = w->val.string.len;
	}
	else
		return psprintf("must be %s, not %s", tekst_ok ? "a string of digits" : "a number",
						vwl_json_kind(w));
	if (len == 0 || len > 19)
		return len == 0 ? "must be a whole number of at least 0" : "is too large";
	for (int i = 0; i < len; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return "must be a whole number of at least 0";
		n = n * 10 + (s[i] - '0');
	}
	if (n > (uint64) max)
		return "is after the year 2262";
	*out = (int64) n;
	return NULL;
}

/* An absolute http(s) URL?  (After uri_error said it is a URI.) */
static bool
is_http_url(const char *s, int len)
{
	return (len > 7 && pg_strncasecmp(s, "http://", 7) == 0) ||
		(len > 8 && pg_strncasecmp(s, "https://", 8) == 0);
}

/* A string attribute's value, or a problem; false when there was one. */
static bool
text_value(VwlValidation *v, const char *sleutel, const JsonbValue *w,
			 int max, const char **s, int *len)
{
	if (w->type != jbvString)
	{
		problem_type(v, sleutel, "a string", w);
		return false;
	}
	if (w->val.string.len == 0)
	{
		problem(v, sleutel, VWL_CODE_BLANK, "must not be empty");
		return false;
	}
	if (chars(w->val.string.val, w->val.string.len) > max)
	{
		problem(v, sleutel, VWL_CODE_MAX_LENGTH,
				 psprintf("is longer than %d characters", max));
		return false;
	}
	*s = w->val.string.val;
	*len = w->val.string.len;
	return true;
}

/* Push a key onto an object being built. */
static void
push_key(JsonbParseState **st, const char *key, int keylen)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = keylen;
	pushJsonbValue(st, WJB_KEY, &k);
}

/* Push a pair onto an object being built. */
static void
push_pair(JsonbParseState **st, const char *key, int keylen, JsonbValue *waarde)
{
	push_key(st, key, keylen);
	pushJsonbValue(st, WJB_VALUE, waarde);
}

/* -------------------------------------------------------------------------
 * Attributes (shared by LDV and OTLP)
 * -------------------------------------------------------------------------
 */

/* What a span attribute key is. */
static LdvAttribute
attribute_kind(const char *key, int len)
{
#define IS(naam) (len == (int) sizeof(naam) - 1 && memcmp(key, naam, len) == 0)
	if (IS("dpl.core.processing_activity_id"))
		return ATTR_ACTIVITEIT;
	if (IS("dpl.core.data_subject_id"))
		return ATTR_SUBJECT;
	if (IS("dpl.core.data_subject_id_type"))
		return ATTR_SOORT;
	if (IS("dpl.core.foreign_operation.processor"))
		return ATTR_PROCESSOR;
	if (IS("dpl.core.foreign_operation.span_id"))
		return ATTR_FOREIGN_SPAN;
#undef IS
	if (len >= 9 && memcmp(key, "dpl.core.", 9) == 0)
		return ATTR_ONBEKEND_CORE;
	return ATTR_NIET_AANGENOMEN;
}

/*
 * One span attribute (key, value) of record r; the path is at the
 * attributes container.  w is the plain JSON value (OTLP's AnyValue already
 * unwrapped for strings).
 */
static void
attribute(VwlValidation *v, LdvRecord *r, const char *key, int keylen, JsonbValue *w)
{
	char	   *sleutel = pnstrdup(key, keylen);
	const char *s;
	int			len;
	const char *reden;
	LdvAttribute soort = attribute_kind(key, keylen);
	bool	   *gezien = soort <= ATTR_SOORT ? &r->gezien[soort] :
		soort <= ATTR_FOREIGN_SPAN ? &r->gezien_extra[soort - ATTR_PROCESSOR] : NULL;

	/* an OTLP KeyValue list can name a key twice: which value would count? */
	if (gezien && *gezien)
	{
		problem(v, sleutel, VWL_CODE_INVALID, "is given more than once");
		return;
	}
	if (gezien && soort >= ATTR_PROCESSOR)
		*gezien = true;

	switch (soort)
	{
		case ATTR_ACTIVITEIT:
			r->gezien[0] = true;
			if (!text_value(v, sleutel, w, VWL_MAX_URI, &s, &len))
				return;
			if ((reden = vwl_uri_error(s, len)) != NULL)
			{
				problem(v, sleutel, VWL_CODE_INVALID, reden);
				return;
			}
			r->activiteit = s;
			r->activiteitlen = len;
			return;
		case ATTR_SUBJECT:
			/* objectId's limit, so that the inzage can name the subject */
			r->gezien[1] = true;
			if (text_value(v, sleutel, w, VWL_MAX_ID, &s, &len))
			{
				r->subject = s;
				r->subjectlen = len;
			}
			return;
		case ATTR_SOORT:
			r->gezien[2] = true;
			if (!text_value(v, sleutel, w, VWL_MAX_NAME, &s, &len))
				return;
			if (memchr(s, ':', len) != NULL && (reden = vwl_uri_error(s, len)) != NULL)
			{
				problem(v, sleutel, VWL_CODE_INVALID, reden);
				return;
			}
			r->soort = s;
			r->soortlen = len;
			return;
		case ATTR_PROCESSOR:
			if (!text_value(v, sleutel, w, VWL_MAX_URI, &s, &len))
				return;
			if ((reden = vwl_uri_error(s, len)) != NULL || !is_http_url(s, len))
			{
				problem(v, sleutel, VWL_CODE_INVALID,
						 reden ? reden : "is not an http or https URL");
				return;
			}
			break;
		case ATTR_FOREIGN_SPAN:
			{
				uint8		buf[8];

				if (w->type != jbvString)
				{
					problem_type(v, sleutel, "a string", w);
					return;
				}
				if ((reden = hex_id(w->val.string.val, w->val.string.len, buf, 8)) != NULL)
				{
					problem(v, sleutel, VWL_CODE_INVALID, reden);
					return;
				}
				break;
			}
		case ATTR_ONBEKEND_CORE:
			problem(v, sleutel, VWL_CODE_UNKNOWN,
					 "is not an attribute of namespace dpl.core (LDV 1.0)");
			return;
		case ATTR_NIET_AANGENOMEN:
			problem(v, sleutel, VWL_CODE_UNKNOWN,
					 "is not in an adopted namespace: only dpl.core attributes are accepted");
			return;
	}

	/* An optional attribute, kept as given. */
	if (r->extra_st == NULL)
		pushJsonbValue(&r->extra_st, WJB_BEGIN_OBJECT, NULL);
	push_pair(&r->extra_st, key, keylen, w);
}

/* After the attributes: the required ones that were absent, and extra. */
static void
attributes_done(VwlValidation *v, LdvRecord *r)
{
	for (int i = 0; i < 3; i++)
		if (!r->gezien[i])
			problem(v, verplichte_attributen[i], VWL_CODE_REQUIRED, "is required");
	if (r->extra_st != NULL)
	{
		JsonbValue *obj = pushJsonbValue(&r->extra_st, WJB_END_OBJECT, NULL);

		r->extra = JsonbValueToJsonb(obj);
		r->extra_st = NULL;
	}
}

/*
 * The mapped resource attributes of a resource {"attributes": {...}}
 * (already built): service.name -> systeem, verwerkingenlog.uitvoerder (an
 * OIN), verwerkingenlog.gegevensbron.  The path is at "resource".
 */
static void
resource_fields(VwlValidation *v, LdvRecord *r)
{
	JsonbValue *attrs;
	static const char *const sleutels[3] = {
		"service.name", "verwerkingenlog.uitvoerder", "verwerkingenlog.gegevensbron"
	};

	if (r->resource == NULL)
		return;
	attrs = field(&r->resource->root, "attributes");
	if (attrs == NULL || !is_object(attrs))
		return;
	path_enter(v, "attributes");
	for (int i = 0; i < 3; i++)
	{
		JsonbValue *w = field(attrs->val.binary.data, sleutels[i]);
		const char *s;
		int			len;

		if (w == NULL)
			continue;
		if (!text_value(v, sleutels[i], w, VWL_MAX_NAME, &s, &len))
			continue;
		if (i == 1)
		{
			bool		oin = (len == VWL_OIN_LENGTH);

			for (int j = 0; oin && j < len; j++)
				oin = (s[j] >= '0' && s[j] <= '9');
			if (!oin)
			{
				problem(v, sleutels[i], VWL_CODE_INVALID, "is not an OIN (exactly 20 digits)");
				continue;
			}
		}
		if (i == 0)
			r->systeem = pnstrdup(s, len);
		else if (i == 1)
			r->uitvoerder = pnstrdup(s, len);
		else
			r->gegevensbron = pnstrdup(s, len);
	}
	vwl_path_pop(v);
}

/* Checks shared by both formats once the fields are read. */
static void
record_done(VwlValidation *v, LdvRecord *r, const char *eind_naam, bool eind_gezien)
{
	if (eind_gezien && r->eind_ns < r->start_ns)
		problem(v, eind_naam, VWL_CODE_INVALID, "is before the start time");
}

/* -------------------------------------------------------------------------
 * LDV records
 * -------------------------------------------------------------------------
 */

/* The fields of an LDV record, in the order of the standard. */
static const char *const ldv_fields[] = {
	"trace_id", "span_id", "parent_span_id", "name", "status",
	"start_time", "end_time", "resource", "attributes"
};

/* A trace or span id field; the path is at the record. */
static void
id_field(VwlValidation *v, JsonbValue *w, const char *naam, uint8 *out, int n, bool *gezet)
{
	const char *reden;

	if (w->type != jbvString)
	{
		problem_type(v, naam, "a string", w);
		return;
	}
	if ((reden = hex_id(w->val.string.val, w->val.string.len, out, n)) != NULL)
	{
		problem(v, naam, VWL_CODE_INVALID, reden);
		return;
	}
	if (gezet)
		*gezet = true;
}

/* One LDV record (the path is at the record). */
static void
read_logregel(VwlValidation *v, JsonbValue *doc, LdvRecord *r)
{
	JsonbContainer *c;
	JsonbValue *w;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbIteratorToken tok;
	bool		start_gezien = false,
				eind_gezien = false;
	int			voor = v->aantal;

	if (!is_object(doc))
	{
		problem_type(v, NULL, "an object", doc);
		return;
	}
	c = doc->val.binary.data;

	if ((w = field(c, "trace_id")) == NULL)
		problem(v, "trace_id", VWL_CODE_REQUIRED, "is required");
	else
		id_field(v, w, "trace_id", r->trace.data, 16, NULL);

	if ((w = field(c, "span_id")) == NULL)
		problem(v, "span_id", VWL_CODE_REQUIRED, "is required");
	else
		id_field(v, w, "span_id", r->span, 8, NULL);

	if ((w = field(c, "parent_span_id")) != NULL)
		id_field(v, w, "parent_span_id", r->ouder, 8, &r->heeft_ouder);

	if ((w = field(c, "name")) == NULL)
		problem(v, "name", VWL_CODE_REQUIRED, "is required");
	else
		(void) text_value(v, "name", w, VWL_MAX_NAME, &r->naam, &r->naamlen);

	if ((w = field(c, "status")) == NULL)
		problem(v, "status", VWL_CODE_REQUIRED, "is required");
	else if (w->type != jbvString)
		problem_type(v, "status", "a string", w);
	else
	{
		r->status = -1;
		for (int i = 0; i < 3; i++)
			if (w->val.string.len == (int) strlen(ldv_statuses[i]) &&
				memcmp(w->val.string.val, ldv_statuses[i], w->val.string.len) == 0)
				r->status = i;
		if (r->status < 0)
			problem(v, "status", VWL_CODE_INVALID_CHOICE, "must be one of Unset, Ok, Error");
	}

	r->fracdigits = 3;
	if ((w = field(c, "start_time")) == NULL)
		problem(v, "start_time", VWL_CODE_REQUIRED, "is required");
	else
	{
		const char *reden = integer_value(w, false, LDV_MAX_MS, &r->start_ns);

		if (reden)
			problem(v, "start_time",
					 w->type == jbvNumeric ? VWL_CODE_INVALID : VWL_CODE_INVALID_TYPE, reden);
		else
		{
			r->start_ns *= 1000000;
			start_gezien = true;
		}
	}
	if ((w = field(c, "end_time")) == NULL)
		problem(v, "end_time", VWL_CODE_REQUIRED, "is required");
	else
	{
		const char *reden = integer_value(w, false, LDV_MAX_MS, &r->eind_ns);

		if (reden)
			problem(v, "end_time",
					 w->type == jbvNumeric ? VWL_CODE_INVALID : VWL_CODE_INVALID_TYPE, reden);
		else
		{
			r->eind_ns *= 1000000;
			eind_gezien = start_gezien;
		}
	}

	if ((w = field(c, "resource")) != NULL)
	{
		if (!is_object(w))
			problem_type(v, "resource", "an object", w);
		else
		{
			JsonbValue *a = field(w->val.binary.data, "attributes");

			path_enter(v, "resource");
			it = JsonbIteratorInit(w->val.binary.data);
			while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
			{
				if (tok == WJB_KEY &&
					!(k.val.string.len == 10 && memcmp(k.val.string.val, "attributes", 10) == 0))
					vwl_problem(v, k.val.string.val, k.val.string.len, VWL_CODE_UNKNOWN,
								 "is not a field of a resource");
			}
			if (a != NULL && !is_object(a))
				problem_type(v, "attributes", "an object", a);
			vwl_path_pop(v);
			if (v->aantal == voor)
			{
				r->resource = JsonbValueToJsonb(w);
				path_enter(v, "resource");
				resource_fields(v, r);
				vwl_path_pop(v);
			}
		}
	}

	if ((w = field(c, "attributes")) == NULL)
		problem(v, "attributes", VWL_CODE_REQUIRED, "is required");
	else if (!is_object(w))
		problem_type(v, "attributes", "an object", w);
	else
	{
		JsonbValue	waarde;

		path_enter(v, "attributes");
		it = JsonbIteratorInit(w->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
		{
			if (tok != WJB_KEY)
				continue;
			tok = JsonbIteratorNext(&it, &waarde, true);
			Assert(tok == WJB_VALUE);
			attribute(v, r, k.val.string.val, k.val.string.len, &waarde);
		}
		attributes_done(v, r);
		vwl_path_pop(v);
	}

	/* Unknown fields: a typo never drops data silently. */
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		bool		bekend = false;

		if (tok != WJB_KEY)
			continue;
		for (int i = 0; i < (int) lengthof(ldv_fields); i++)
			if (k.val.string.len == (int) strlen(ldv_fields[i]) &&
				memcmp(k.val.string.val, ldv_fields[i], k.val.string.len) == 0)
				bekend = true;
		if (!bekend)
			vwl_problem(v, k.val.string.val, k.val.string.len, VWL_CODE_UNKNOWN,
						 "is not a field of an LDV record");
	}

	record_done(v, r, "end_time", eind_gezien);
	r->geldig = (v->aantal == voor);
}

/* -------------------------------------------------------------------------
 * OTLP/JSON
 * -------------------------------------------------------------------------
 */

static void otlp_keyvalues(VwlValidation *v, JsonbContainer *lijst, JsonbParseState **st,
						   int nesting, bool *te_diep);

/* Is s (len bytes) an optionally signed decimal integer? */
static bool
is_integer(const char *s, int len)
{
	int			i = (len > 0 && s[0] == '-') ? 1 : 0;

	if (i == len || len > 20)
		return false;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * An OTLP AnyValue as plain JSON pushed onto *st at a value (tok WJB_VALUE)
 * or an array element (WJB_ELEM); the path is at the attribute (problems
 * inside nested values are named after it).  Integers come as strings or
 * numbers, bytes as base64 strings (kept as such).
 */
static void
otlp_value(VwlValidation *v, JsonbValue *any, JsonbParseState **st, JsonbIteratorToken tok,
			int nesting, bool *te_diep)
{
	JsonbValue *w;
	JsonbValue	nul;

	nul.type = jbvNull;
	if (nesting > LDV_MAX_NESTING)
	{
		/* once per attribute, however many branches are too deep */
		if (!*te_diep)
			problem(v, NULL, VWL_CODE_INVALID,
					 psprintf("nests arrays and lists deeper than %d levels", LDV_MAX_NESTING));
		*te_diep = true;
		pushJsonbValue(st, tok, &nul);
		return;
	}
	if (!is_object(any))
	{
		problem_type(v, NULL, "an object (AnyValue)", any);
		pushJsonbValue(st, tok, &nul);
		return;
	}
	if ((w = field(any->val.binary.data, "stringValue")) != NULL ||
		(w = field(any->val.binary.data, "boolValue")) != NULL ||
		(w = field(any->val.binary.data, "doubleValue")) != NULL ||
		(w = field(any->val.binary.data, "bytesValue")) != NULL)
	{
		if (w->type == jbvBinary)
		{
			problem_type(v, NULL, "a scalar", w);
			pushJsonbValue(st, tok, &nul);
		}
		else
			pushJsonbValue(st, tok, w);
		return;
	}
	if ((w = field(any->val.binary.data, "intValue")) != NULL)
	{
		if (w->type == jbvString && is_integer(w->val.string.val, w->val.string.len))
		{
			JsonbValue	num;
			char	   *tekst = pnstrdup(w->val.string.val, w->val.string.len);

			num.type = jbvNumeric;
			num.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																  CStringGetDatum(tekst),
																  ObjectIdGetDatum(InvalidOid),
																  Int32GetDatum(-1)));
			pushJsonbValue(st, tok, &num);
		}
		else if (w->type == jbvNumeric)
			pushJsonbValue(st, tok, w);
		else
		{
			problem(v, "intValue", VWL_CODE_INVALID, "must be a whole number of at most 20 characters");
			pushJsonbValue(st, tok, &nul);
		}
		return;
	}
	if ((w = field(any->val.binary.data, "arrayValue")) != NULL)
	{
		JsonbValue *lijst = is_object(w) ? field(w->val.binary.data, "values") : NULL;

		pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
		if (lijst && is_array(lijst))
		{
			int			n = JsonContainerSize(lijst->val.binary.data);

			for (int i = 0; i < n; i++)
				otlp_value(v, getIthJsonbValueFromContainer(lijst->val.binary.data, i), st,
							WJB_ELEM, nesting + 1, te_diep);
		}
		pushJsonbValue(st, WJB_END_ARRAY, NULL);
		return;
	}
	if ((w = field(any->val.binary.data, "kvlistValue")) != NULL)
	{
		JsonbValue *lijst = is_object(w) ? field(w->val.binary.data, "values") : NULL;

		pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
		if (lijst && is_array(lijst))
			otlp_keyvalues(v, lijst->val.binary.data, st, nesting + 1, te_diep);
		pushJsonbValue(st, WJB_END_OBJECT, NULL);
		return;
	}
	pushJsonbValue(st, tok, &nul);
}

/*
 * A KeyValue list pushed as the pairs of an object being built; a key that
 * comes twice keeps its last value (as jsonb does).
 */
static void
otlp_keyvalues(VwlValidation *v, JsonbContainer *lijst, JsonbParseState **st, int nesting,
			   bool *te_diep)
{
	int			n = JsonContainerSize(lijst);
	bool		eigen_te_diep = false;

	for (int i = 0; i < n; i++)
	{
		JsonbValue *kv = getIthJsonbValueFromContainer(lijst, i);
		JsonbValue *key = is_object(kv) ? field(kv->val.binary.data, "key") : NULL;
		JsonbValue *val;

		if (key == NULL || key->type != jbvString)
		{
			vwl_path_index(v, i);
			problem(v, "key", key ? VWL_CODE_INVALID_TYPE : VWL_CODE_REQUIRED,
					 key ? "must be a string" : "is required");
			vwl_path_pop(v);
			continue;
		}
		val = field(kv->val.binary.data, "value");
		push_key(st, key->val.string.val, key->val.string.len);
		/* nested lists are named after the outermost key */
		if (nesting == 0)
		{
			path_enter(v, pnstrdup(key->val.string.val, key->val.string.len));
			eigen_te_diep = false;
			te_diep = &eigen_te_diep;
		}
		if (val == NULL)
		{
			JsonbValue	nul;

			nul.type = jbvNull;
			pushJsonbValue(st, WJB_VALUE, &nul);
		}
		else
			otlp_value(v, val, st, WJB_VALUE, nesting, te_diep);
		if (nesting == 0)
			vwl_path_pop(v);
	}
}

/*
 * The span attributes (a KeyValue list) of record r; the path is at the
 * span.  Values of dpl.core attributes are strings (stringValue).
 */
static void
otlp_attributes(VwlValidation *v, LdvRecord *r, JsonbValue *lijst)
{
	path_enter(v, "attributes");
	if (lijst != NULL && !is_array(lijst))
		problem_type(v, NULL, "an array", lijst);
	else if (lijst != NULL)
	{
		int			n = JsonContainerSize(lijst->val.binary.data);

		for (int i = 0; i < n; i++)
		{
			JsonbValue *kv = getIthJsonbValueFromContainer(lijst->val.binary.data, i);
			JsonbValue *key = is_object(kv) ? field(kv->val.binary.data, "key") : NULL;
			JsonbValue *val;
			JsonbValue	waarde;
			LdvAttribute soort;

			if (key == NULL || key->type != jbvString)
			{
				vwl_path_index(v, i);
				problem(v, "key", key ? VWL_CODE_INVALID_TYPE : VWL_CODE_REQUIRED,
						 key ? "must be a string" : "is required");
				vwl_path_pop(v);
				continue;
			}
			val = field(kv->val.binary.data, "value");
			soort = attribute_kind(key->val.string.val, key->val.string.len);
			if (val != NULL && is_object(val) &&
				(val = field(val->val.binary.data, "stringValue")) != NULL)
				waarde = *val;
			else if (soort < ATTR_ONBEKEND_CORE)
			{
				/* the dpl.core attributes are strings */
				problem(v, pnstrdup(key->val.string.val, key->val.string.len),
						 VWL_CODE_INVALID_TYPE, "must be a stringValue");
				if (soort <= ATTR_SOORT)
					r->gezien[soort] = true;
				continue;
			}
			else
				waarde.type = jbvNull;	/* refused below by its key alone */
			attribute(v, r, key->val.string.val, key->val.string.len, &waarde);
		}
	}
	attributes_done(v, r);
	vwl_path_pop(v);
}

/* The resource of a ResourceSpans as {"attributes": {...}}, or NULL. */
static Jsonb *
otlp_resource(VwlValidation *v, JsonbValue *res)
{
	JsonbParseState *st = NULL;
	JsonbValue *attrs;
	JsonbValue	k;

	if (res == NULL)
		return NULL;
	path_enter(v, "resource");
	if (!is_object(res))
	{
		problem_type(v, NULL, "an object", res);
		vwl_path_pop(v);
		return NULL;
	}
	attrs = field(res->val.binary.data, "attributes");
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	k.type = jbvString;
	k.val.string.val = "attributes";
	k.val.string.len = 10;
	pushJsonbValue(&st, WJB_KEY, &k);
	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	if (attrs && is_array(attrs))
	{
		path_enter(v, "attributes");
		otlp_keyvalues(v, attrs->val.binary.data, &st, 0, NULL);
		vwl_path_pop(v);
	}
	else if (attrs)
		problem_type(v, "attributes", "an array", attrs);
	pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	vwl_path_pop(v);
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/* One span into record r (the path is at the span). */
static void
read_span(VwlValidation *v, JsonbValue *span, const LdvRecord *bron, LdvRecord *r)
{
	JsonbContainer *c;
	JsonbValue *w;
	const char *reden;
	bool		start_gezien = false,
				eind_gezien = false;
	int			voor = v->aantal;

	if (!is_object(span))
	{
		problem_type(v, NULL, "an object", span);
		return;
	}
	c = span->val.binary.data;

	if ((w = field(c, "traceId")) == NULL)
		problem(v, "traceId", VWL_CODE_REQUIRED, "is required");
	else
		id_field(v, w, "traceId", r->trace.data, 16, NULL);
	if ((w = field(c, "spanId")) == NULL)
		problem(v, "spanId", VWL_CODE_REQUIRED, "is required");
	else
		id_field(v, w, "spanId", r->span, 8, NULL);
	/* an empty parentSpanId is OTLP's "no parent" */
	if ((w = field(c, "parentSpanId")) != NULL &&
		!(w->type == jbvString && w->val.string.len == 0))
		id_field(v, w, "parentSpanId", r->ouder, 8, &r->heeft_ouder);

	if ((w = field(c, "name")) == NULL)
		problem(v, "name", VWL_CODE_REQUIRED, "is required");
	else
		(void) text_value(v, "name", w, VWL_MAX_NAME, &r->naam, &r->naamlen);

	/* status: absent is Unset (OTLP's default) */
	r->status = 0;
	if ((w = field(c, "status")) != NULL)
	{
		JsonbValue *code = is_object(w) ? field(w->val.binary.data, "code") : NULL;

		path_enter(v, "status");
		if (!is_object(w))
			problem_type(v, NULL, "an object", w);
		else if (code != NULL)
		{
			int64		n = -1;

			if (code->type == jbvString)
			{
				static const char *const namen[3] = {
					"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"
				};

				for (int i = 0; i < 3; i++)
					if (code->val.string.len == (int) strlen(namen[i]) &&
						memcmp(code->val.string.val, namen[i], code->val.string.len) == 0)
						n = i;
			}
			else if (integer_value(code, false, 2, &n) != NULL)
				n = -1;
			if (n < 0)
				problem(v, "code", VWL_CODE_INVALID_CHOICE,
						 "must be 0, 1 or 2 (STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR)");
			else
				r->status = (int) n;
		}
		vwl_path_pop(v);
	}

	r->fracdigits = 9;
	if ((w = field(c, "startTimeUnixNano")) == NULL)
		problem(v, "startTimeUnixNano", VWL_CODE_REQUIRED, "is required");
	else if ((reden = integer_value(w, true, LDV_MAX_NS, &r->start_ns)) != NULL)
		problem(v, "startTimeUnixNano", VWL_CODE_INVALID, reden);
	else
		start_gezien = true;
	if ((w = field(c, "endTimeUnixNano")) == NULL)
		problem(v, "endTimeUnixNano", VWL_CODE_REQUIRED, "is required");
	else if ((reden = integer_value(w, true, LDV_MAX_NS, &r->eind_ns)) != NULL)
		problem(v, "endTimeUnixNano", VWL_CODE_INVALID, reden);
	else
		eind_gezien = start_gezien;

	otlp_attributes(v, r, field(c, "attributes"));

	r->resource = bron->resource;
	r->systeem = bron->systeem;
	r->uitvoerder = bron->uitvoerder;
	r->gegevensbron = bron->gegevensbron;
	record_done(v, r, "endTimeUnixNano", eind_gezien);
	r->geldig = (v->aantal == voor);
}

/* -------------------------------------------------------------------------
 * The register and the writer
 * -------------------------------------------------------------------------
 */

/* Saved plans, kept for the backend's life (SPI_keepplan). */
static SPIPlanPtr plan_register = NULL;
static SPIPlanPtr plan_versions = NULL;
static SPIPlanPtr plan_objecten = NULL;

/* A one-dimensional array of n Datums of type typ, NULLs where isnull. */
static Datum
array_of(Datum *w, bool *isnull, int n, Oid typ)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1] = {n};
	int			lbs[1] = {1};

	get_typlenbyvalalign(typ, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(w, isnull, 1, dims, lbs, typ,
											  typlen, typbyval, typalign));
}

/* The moment text of ns since the epoch, in Z with fracdigits digits. */
static Datum
moment_text(int64 ns, int8 fracdigits)
{
	Moment		m;

	memset(&m, 0, sizeof(m));
	m.instant = ns / 1000 - LDV_EPOCH_US;
	m.nanos = (int16) (ns % 1000);
	m.fracdigits = fracdigits;
	m.offset = 0;
	m.flags = MOMENT_ZULU;
	return CStringGetTextDatum(vwl_moment_format(&m));
}

/* Parse a UUID in 8-4-4-4-12 hex form (36 bytes at s) into *u. */
static bool
uuid_from_text(const char *s, pg_uuid_t *u)
{
	int			j = 0;

	for (int i = 0; i < 36; i++)
	{
		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (s[i] != '-')
				return false;
			continue;
		}
		if (vwl_hex_digit((unsigned char) s[i]) < 0 || vwl_hex_digit((unsigned char) s[i + 1]) < 0)
			return false;
		u->data[j++] = (uint8) (vwl_hex_digit((unsigned char) s[i]) * 16 +
								vwl_hex_digit((unsigned char) s[i + 1]));
		i++;
	}
	return j == 16;
}

/* An 8-byte id as bytea. */
static Datum
id_bytea(const uint8 *id)
{
	bytea	   *b = palloc(VARHDRSZ + 8);

	SET_VARSIZE(b, VARHDRSZ + 8);
	memcpy(VARDATA(b), id, 8);
	return PointerGetDatum(b);
}

/*
 * The levels and retentions the register gives the n records: niveaus[i]
 * (NIVEAU_NORMAAL or NIVEAU_VERTROUWELIJK) and bewaartermijnen[i] (a text
 * Datum, or NULL in bt_null[i]).  In an SPI connection.
 */
static void
from_register(LdvRecord *regels, int n, Niveau *niveaus, Datum *bewaartermijnen, bool *bt_null)
{
	Datum	   *uris = palloc(n * sizeof(Datum));
	bool	   *nulls = palloc0(n * sizeof(bool));
	Datum		arg;
	int			rc;

	if (plan_register == NULL)
	{
		Oid			typen[1] = {TEXTARRAYOID};

		(void) vwl_prepared(&plan_register,
			"SELECT r.vertrouwelijkheid OPERATOR(pg_catalog.=) 'vertrouwelijk',"
			"       r.bewaartermijn::pg_catalog.text"
			"  FROM pg_catalog.unnest($1) WITH ORDINALITY AS u(uri, i)"
			"  LEFT JOIN verwerkingenlog.ldv_verwerkingsactiviteit r"
			"    ON r.verwerkingsactiviteit OPERATOR(pg_catalog.=) u.uri"
			" ORDER BY u.i", 1, typen);
	}
	for (int i = 0; i < n; i++)
	{
		if (regels[i].geldig)
			uris[i] = PointerGetDatum(cstring_to_text_with_len(regels[i].activiteit,
															   regels[i].activiteitlen));
		else
			nulls[i] = true;
	}
	arg = array_of(uris, nulls, n, TEXTOID);
	rc = SPI_execute_plan(plan_register, &arg, NULL, true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != (uint64) n)
		elog(ERROR, "register lookup failed");
	for (int i = 0; i < n; i++)
	{
		bool		isnull;
		Datum		vt = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);

		niveaus[i] = (!isnull && DatumGetBool(vt)) ? NIVEAU_VERTROUWELIJK : NIVEAU_NORMAAL;
		bewaartermijnen[i] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &bt_null[i]);
		if (!bt_null[i])
			bewaartermijnen[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(bewaartermijnen[i]));
	}
}

/*
 * Store the valid ones of the n records (in an SPI connection) at levels
 * niveaus and retentions bewaartermijnen; their new actieIds into ids[i].
 */
static void
write_record(LdvRecord *regels, int n, Niveau *niveaus, Datum *bt, bool *bt_null, pg_uuid_t *ids)
{
#define NV 18
#define NO 6
	Datum	   *kol[NV];
	bool	   *nul[NV];
	Datum		args[NV];
	Datum		oargs[NO];
	Datum	   *okol[NO];
	bool	   *onul[NO];
	int			m = 0;
	int			rc;
	static const Oid vtypen[NV] = {
		UUIDARRAYOID, TEXTARRAYOID, UUIDARRAYOID, UUIDARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
		TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, BYTEAARRAYOID,
		BYTEAARRAYOID, TEXTARRAYOID, TEXTARRAYOID, JSONBARRAYOID, JSONBARRAYOID, TIMESTAMPTZOID
	};
	static const Oid velem[NV - 1] = {
		UUIDOID, TEXTOID, UUIDOID, UUIDOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, TEXTOID, BYTEAOID, BYTEAOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID
	};
	static const Oid otypen[NO] = {
		UUIDARRAYOID, UUIDARRAYOID, TIMESTAMPTZARRAYOID, TEXTARRAYOID, BYTEAARRAYOID, BYTEAARRAYOID
	};
	static const Oid oelem[NO] = {UUIDOID, UUIDOID, TIMESTAMPTZOID, TEXTOID, BYTEAOID, BYTEAOID};

	if (plan_versions == NULL)
		(void) vwl_prepared(&plan_versions,
			"INSERT INTO verwerkingenlog.verwerkingsactie_versie"
			" (actie_id, volgnummer, objecten_volgnummer, actie_naam, verwerking_id,"
			"  verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn,"
			"  uitvoerder, systeem, gegevensbron, tijdstip, tijdstip_registratie, span_id,"
			"  parent_span_id, status, eind_tijdstip, resource, attributen,"
			"  gemaakt_door_rol, gemaakt_door_sub, gemaakt_door_client)"
			" SELECT x.a, 1, 1, x.n, x.t, x.vi, x.vu, x.vt::verwerkingenlog.vertrouwelijkheid,"
			"        x.bt::verwerkingenlog.bewaartermijn, x.u::verwerkingenlog.oin, x.s, x.g,"
			"        x.ts::verwerkingenlog.moment, $18, x.sp, x.ps, x.st, x.et::verwerkingenlog.moment,"
			"        x.r, x.at, m.rol, m.sub, m.client"
			"   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
			"                   pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6),"
			"                   pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9),"
			"                   pg_catalog.unnest($10), pg_catalog.unnest($11), pg_catalog.unnest($12),"
			"                   pg_catalog.unnest($13), pg_catalog.unnest($14), pg_catalog.unnest($15),"
			"                   pg_catalog.unnest($16), pg_catalog.unnest($17))"
			"        AS x(a, n, t, vi, vu, vt, bt, u, s, g, ts, sp, ps, st, et, r, at),"
			"        verwerkingenlog._maker() AS m",
			NV, (Oid *) vtypen);
	if (plan_objecten == NULL)
		(void) vwl_prepared(&plan_objecten,
			"INSERT INTO verwerkingenlog.verwerkt_object"
			" (verwerkt_object_id, actie_id, volgnummer, volgorde, tijdstip, objecttype,"
			"  soort_object_id, object_pseudoniem, object_versleuteld)"
			" SELECT x.o, x.a, 1, 1, x.t, 'persoon', x.s, x.p, x.e"
			"   FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
			"                   pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6))"
			"        AS x(o, a, t, s, p, e)",
			NO, (Oid *) otypen);

	for (int j = 0; j < NV - 1; j++)
	{
		kol[j] = palloc(Max(n, 1) * sizeof(Datum));
		nul[j] = palloc0(Max(n, 1) * sizeof(bool));
	}
	for (int j = 0; j < NO; j++)
	{
		okol[j] = palloc(Max(n, 1) * sizeof(Datum));
		onul[j] = palloc0(Max(n, 1) * sizeof(bool));
	}

	for (int i = 0; i < n; i++)
	{
		LdvRecord   *r = &regels[i];
		pg_uuid_t  *actie = &ids[i];
		pg_uuid_t  *object = palloc(sizeof(pg_uuid_t));
		pg_uuid_t  *trace = palloc(sizeof(pg_uuid_t));
		bytea	   *pseudoniem;
		bool		urn_uuid = false;
		pg_uuid_t  *va = NULL;

		if (!r->geldig)
			continue;
		CHECK_FOR_INTERRUPTS();
		vwl_uuidv7_generate(actie);
		vwl_uuidv7_generate(object);
		*trace = r->trace;

		/* urn:uuid:<uuid> is a verwerkingsactiviteitId */
		if (r->activiteitlen == 45 && pg_strncasecmp(r->activiteit, "urn:uuid:", 9) == 0)
		{
			va = palloc(sizeof(pg_uuid_t));
			urn_uuid = uuid_from_text(r->activiteit + 9, va);
		}

		kol[0][m] = UUIDPGetDatum(actie);
		kol[1][m] = PointerGetDatum(cstring_to_text_with_len(r->naam, r->naamlen));
		kol[2][m] = UUIDPGetDatum(trace);
		if (urn_uuid)
		{
			kol[3][m] = UUIDPGetDatum(va);
			nul[4][m] = true;
		}
		else
		{
			nul[3][m] = true;
			kol[4][m] = PointerGetDatum(cstring_to_text_with_len(r->activiteit, r->activiteitlen));
		}
		kol[5][m] = CStringGetTextDatum(vwl_niveau_namen[niveaus[i]]);
		kol[6][m] = bt[i];
		nul[6][m] = bt_null[i];
		if (r->uitvoerder)
			kol[7][m] = CStringGetTextDatum(r->uitvoerder);
		else
			nul[7][m] = true;
		if (r->systeem)
			kol[8][m] = CStringGetTextDatum(r->systeem);
		else
			nul[8][m] = true;
		if (r->gegevensbron)
			kol[9][m] = CStringGetTextDatum(r->gegevensbron);
		else
			nul[9][m] = true;
		kol[10][m] = moment_text(r->start_ns, r->fracdigits);
		kol[11][m] = id_bytea(r->span);
		if (r->heeft_ouder)
			kol[12][m] = id_bytea(r->ouder);
		else
			nul[12][m] = true;
		kol[13][m] = CStringGetTextDatum(ldv_statuses[r->status]);
		kol[14][m] = moment_text(r->eind_ns, r->fracdigits);
		if (r->resource)
			kol[15][m] = JsonbPGetDatum(r->resource);
		else
			nul[15][m] = true;
		if (r->extra)
			kol[16][m] = JsonbPGetDatum(r->extra);
		else
			nul[16][m] = true;

		/*
		 * The subject as an objectId: pseudonym and ciphertext bound to its
		 * type and pseudonym, as the writer stores one (B2042).
		 */
		pseudoniem = palloc(VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
		SET_VARSIZE(pseudoniem, VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
		vwl_pseudoniem_compute(r->soort, r->soortlen, r->subject, r->subjectlen,
							   (unsigned char *) VARDATA(pseudoniem));
		okol[0][m] = UUIDPGetDatum(object);
		okol[1][m] = UUIDPGetDatum(actie);
		okol[2][m] = TimestampTzGetDatum(r->start_ns / 1000 - LDV_EPOCH_US);
		okol[3][m] = PointerGetDatum(cstring_to_text_with_len(r->soort, r->soortlen));
		okol[4][m] = PointerGetDatum(pseudoniem);
		okol[5][m] = PointerGetDatum(vwl_encrypt_object(r->subject, r->subjectlen,
														   r->soort, r->soortlen,
														   (unsigned char *) VARDATA(pseudoniem)));
		m++;
	}
	if (m == 0)
		return;

	for (int j = 0; j < NV - 1; j++)
		args[j] = array_of(kol[j], nul[j], m, velem[j]);
	args[NV - 1] = TimestampTzGetDatum(GetCurrentTimestamp());
	for (int j = 0; j < NO; j++)
		oargs[j] = array_of(okol[j], onul[j], m, oelem[j]);
	/* Through the writer's door of the append-only guard (append_only.c). */
	vwl_writer_door_open();
	PG_TRY();
	{
		rc = SPI_execute_plan(plan_versions, args, NULL, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "inserting logregels failed: %s", SPI_result_code_string(rc));
		rc = SPI_execute_plan(plan_objecten, oargs, NULL, false, 0);
		if (rc != SPI_OK_INSERT)
			elog(ERROR, "inserting logregels failed: %s", SPI_result_code_string(rc));
	}
	PG_FINALLY();
	{
		vwl_writer_door_close();
	}
	PG_END_TRY();
#undef NV
#undef NO
}

/* Raise 22023 with every problem (cf. vwl_validation_report). */
static void
report(VwlValidation *v, const char *wat) pg_attribute_noreturn();

static void
report(VwlValidation *v, const char *wat)
{
	StringInfoData detail;
	const VwlProblem *eerste = &v->problemen[0];

	initStringInfo(&detail);
	for (int i = 0; i < v->aantal; i++)
	{
		if (i > 0)
			appendStringInfoChar(&detail, '\n');
		appendStringInfo(&detail, "%s: %s (%s)", v->problemen[i].naam,
						 v->problemen[i].reden, v->problemen[i].code);
	}
	if (strcmp(eerste->naam, VWL_DOCUMENT) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s: the document %s", wat, eerste->reden),
				 errdetail_internal("%s", detail.data)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: element \"%s\" %s", wat, eerste->naam, eerste->reden),
			 errdetail_internal("%s", detail.data)));
}

PG_FUNCTION_INFO_V1(vwl_log_logregels);

/*
 * verwerkingenlog.log_logregels(logregels jsonb) RETURNS SETOF uuid: stores
 * a JSON array of LDV records, all or nothing, and returns the actieId of
 * each, in input order.  create:normal first (42501, nothing looked at),
 * then every problem of every record (22023, "[i].field"), then the
 * register: a record of a confidential activity needs create:confidential.
 */
Datum
vwl_log_logregels(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			scopes = vwl_scopes();
	VwlValidation val;
	JsonbValue	doc;
	LdvRecord   *regels;
	Niveau	   *niveaus;
	Datum	   *bt;
	bool	   *bt_null;
	pg_uuid_t  *ids;
	int			n = 0;
	MemoryContext cxt,
				oud;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	(void) vwl_decide_niveau("create", scopes, NIVEAU_GEEN, NIVEAU_NORMAAL);

	cxt = AllocSetContextCreate(CurrentMemoryContext, "verwerkingenlog logregels",
								ALLOCSET_DEFAULT_SIZES);
	oud = MemoryContextSwitchTo(cxt);
	vwl_validation_init(&val, false, false);

	if (PG_ARGISNULL(0))
		problem(&val, NULL, VWL_CODE_REQUIRED, "is required");
	else
	{
		vwl_jsonb_root(PG_GETARG_JSONB_P(0), &doc);
		if (!is_array(&doc))
			problem_type(&val, NULL, "an array", &doc);
		else
			n = JsonContainerSize(doc.val.binary.data);
	}
	regels = palloc0(Max(n, 1) * sizeof(LdvRecord));
	for (int i = 0; i < n; i++)
	{
		JsonbValue *item = getIthJsonbValueFromContainer(doc.val.binary.data, i);

		vwl_path_index(&val, i);
		read_logregel(&val, item, &regels[i]);
		vwl_path_pop(&val);
	}
	if (val.aantal > 0)
		report(&val, "logregels");

	niveaus = palloc(Max(n, 1) * sizeof(Niveau));
	bt = palloc(Max(n, 1) * sizeof(Datum));
	bt_null = palloc(Max(n, 1) * sizeof(bool));
	ids = palloc(Max(n, 1) * sizeof(pg_uuid_t));
	if (n > 0)
	{
		SPI_connect();
		from_register(regels, n, niveaus, bt, bt_null);
		for (int i = 0; i < n; i++)
			(void) vwl_decide_niveau("create", scopes, NIVEAU_GEEN, niveaus[i]);
		write_record(regels, n, niveaus, bt, bt_null, ids);
		SPI_finish();
	}

	MemoryContextSwitchTo(oud);
	for (int i = 0; i < n; i++)
	{
		bool		isnull = false;
		Datum		d = UUIDPGetDatum(&ids[i]);

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &d, &isnull);
	}
	MemoryContextDelete(cxt);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(vwl_log_otlp);

/*
 * verwerkingenlog.log_otlp(export jsonb) RETURNS jsonb: stores every valid
 * span of an OTLP/HTTP JSON ExportTraceServiceRequest as an LDV record and
 * answers as an OTLP collector does: {} when all were stored, else
 * {"partialSuccess": {"rejectedSpans": n, "errorMessage": "..."}} with one
 * line per problem.  A request that is not an ExportTraceServiceRequest at
 * all (not an object, resourceSpans not an array) raises 22023 (HTTP 400);
 * without create:normal 42501 (HTTP 403).
 */
Datum
vwl_log_otlp(PG_FUNCTION_ARGS)
{
	int			scopes = vwl_scopes();
	VwlValidation val;
	JsonbValue	doc;
	JsonbValue *rs;
	LdvRecord   *regels = NULL;
	int			n = 0,
				ruimte = 0,
				afgewezen = 0;
	StringInfoData fouten;
	Jsonb	   *uit;
	MemoryContext cxt,
				oud;

	(void) vwl_decide_niveau("create", scopes, NIVEAU_GEEN, NIVEAU_NORMAAL);

	cxt = AllocSetContextCreate(CurrentMemoryContext, "verwerkingenlog otlp",
								ALLOCSET_DEFAULT_SIZES);
	oud = MemoryContextSwitchTo(cxt);
	vwl_validation_init(&val, false, false);
	initStringInfo(&fouten);

	/* The envelope: anything wrong here refuses the whole request. */
	if (PG_ARGISNULL(0))
		problem(&val, NULL, VWL_CODE_REQUIRED, "is required");
	else
	{
		vwl_jsonb_root(PG_GETARG_JSONB_P(0), &doc);
		if (!is_object(&doc))
			problem_type(&val, NULL, "an object (ExportTraceServiceRequest)", &doc);
		else if ((rs = field(doc.val.binary.data, "resourceSpans")) != NULL && !is_array(rs))
			problem_type(&val, "resourceSpans", "an array", rs);
	}
	if (val.aantal > 0)
		report(&val, "OTLP export");

	rs = field(doc.val.binary.data, "resourceSpans");
	for (int i = 0; rs && i < (int) JsonContainerSize(rs->val.binary.data); i++)
	{
		JsonbValue *r = getIthJsonbValueFromContainer(rs->val.binary.data, i);
		JsonbValue *ss = NULL;
		LdvRecord	bron;
		bool		bron_fout;
		int			voor;

		path_enter(&val, "resourceSpans");
		vwl_path_index(&val, i);
		voor = val.aantal;
		memset(&bron, 0, sizeof(bron));
		if (!is_object(r))
			problem_type(&val, NULL, "an object", r);
		else
		{
			ss = field(r->val.binary.data, "scopeSpans");
			bron.resource = otlp_resource(&val, field(r->val.binary.data, "resource"));
			if (bron.resource)
			{
				path_enter(&val, "resource");
				resource_fields(&val, &bron);
				vwl_path_pop(&val);
			}
		}
		/* a resource with a problem rejects every span it has */
		bron_fout = (val.aantal > voor);
		if (ss != NULL && !is_array(ss))
		{
			problem_type(&val, "scopeSpans", "an array", ss);
			ss = NULL;
		}
		for (int j = 0; ss && j < (int) JsonContainerSize(ss->val.binary.data); j++)
		{
			JsonbValue *sc = getIthJsonbValueFromContainer(ss->val.binary.data, j);
			JsonbValue *spans = is_object(sc) ? field(sc->val.binary.data, "spans") : NULL;

			path_enter(&val, "scopeSpans");
			vwl_path_index(&val, j);
			if (!is_object(sc))
				problem_type(&val, NULL, "an object", sc);
			else if (spans != NULL && !is_array(spans))
			{
				problem_type(&val, "spans", "an array", spans);
				spans = NULL;
			}
			for (int k = 0; spans && k < (int) JsonContainerSize(spans->val.binary.data); k++)
			{
				JsonbValue *span = getIthJsonbValueFromContainer(spans->val.binary.data, k);

				if (n >= ruimte)
				{
					ruimte = ruimte ? 2 * ruimte : 64;
					regels = regels ? repalloc(regels, ruimte * sizeof(LdvRecord)) :
						palloc(ruimte * sizeof(LdvRecord));
				}
				memset(&regels[n], 0, sizeof(LdvRecord));
				regels[n].positie[0] = i;
				regels[n].positie[1] = j;
				regels[n].positie[2] = k;
				path_enter(&val, "spans");
				vwl_path_index(&val, k);
				read_span(&val, span, &bron, &regels[n]);
				if (bron_fout)
					regels[n].geldig = false;
				vwl_path_pop(&val);
				vwl_path_pop(&val);
				n++;
			}
			vwl_path_pop(&val);
			vwl_path_pop(&val);
		}
		vwl_path_pop(&val);
		vwl_path_pop(&val);
	}

	if (n > 0)
	{
		Niveau	   *niveaus = palloc(n * sizeof(Niveau));
		Datum	   *bt = palloc(n * sizeof(Datum));
		bool	   *bt_null = palloc(n * sizeof(bool));
		pg_uuid_t  *ids = palloc(n * sizeof(pg_uuid_t));

		SPI_connect();
		from_register(regels, n, niveaus, bt, bt_null);
		for (int i = 0; i < n; i++)
			if (regels[i].geldig && niveaus[i] == NIVEAU_VERTROUWELIJK &&
				(scopes & SCOPE_CREATE_CONFIDENTIAL) == 0)
			{
				/* named after the span, as its other problems are */
				regels[i].geldig = false;
				path_enter(&val, "resourceSpans");
				vwl_path_index(&val, regels[i].positie[0]);
				path_enter(&val, "scopeSpans");
				vwl_path_index(&val, regels[i].positie[1]);
				path_enter(&val, "spans");
				vwl_path_index(&val, regels[i].positie[2]);
				problem(&val, NULL, "insufficient_privilege",
						 "is of a confidential processing activity: scope \"create:confidential\" is required");
				val.diepte = 0;
			}
		write_record(regels, n, niveaus, bt, bt_null, ids);
		SPI_finish();
		for (int i = 0; i < n; i++)
			if (!regels[i].geldig)
				afgewezen++;
	}

	MemoryContextSwitchTo(oud);
	if (afgewezen == 0 && val.aantal == 0)
		uit = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	else
	{
		JsonbParseState *st = NULL;
		JsonbValue	w;

		for (int i = 0; i < val.aantal; i++)
		{
			if (i > 0)
				appendStringInfoChar(&fouten, '\n');
			appendStringInfo(&fouten, "%s: %s (%s)", val.problemen[i].naam,
							 val.problemen[i].reden, val.problemen[i].code);
		}
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		push_key(&st, "partialSuccess", 14);
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		w.type = jbvNumeric;
		w.val.numeric = DatumGetNumeric(DirectFunctionCall1(int4_numeric, Int32GetDatum(afgewezen)));
		push_pair(&st, "rejectedSpans", 13, &w);
		w.type = jbvString;
		w.val.string.val = fouten.data;
		w.val.string.len = fouten.len;
		push_pair(&st, "errorMessage", 12, &w);
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
		uit = JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
	}
	MemoryContextDelete(cxt);
	PG_RETURN_JSONB_P(uit);
}

PG_FUNCTION_INFO_V1(vwl_uri_error_fn);

/*
 * verwerkingenlog._uri_error(uri text) RETURNS text: NULL when uri is an
 * absolute URI by the validator's rules, else the reason.
 */
Datum
vwl_uri_error_fn(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *reden = vwl_uri_error(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

	if (reden == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(reden));
}

/* -------------------------------------------------------------------------
 * W3C Trace Context for verwerkingsacties (B9177: logging from headers)
 * -------------------------------------------------------------------------
 */

/*
 * Parse a traceparent header value (version 00, or a later version read as
 * 00 allows) into trace and parent; false when it is not valid, in which
 * case W3C Trace Context says to ignore it.
 */
static bool
traceparent_read(const char *s, uint8 *trace, uint8 *ouder)
{
	int			len = strlen(s);
	int			versie;

	/* version "-" trace-id "-" parent-id "-" flags: 2+1+32+1+16+1+2 = 55 */
	if (len < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-')
		return false;
	if (vwl_hex_digit((unsigned char) s[0]) < 0 || vwl_hex_digit((unsigned char) s[1]) < 0)
		return false;
	versie = vwl_hex_digit((unsigned char) s[0]) * 16 + vwl_hex_digit((unsigned char) s[1]);
	if (versie == 0xff || (versie == 0 && len != 55) || (len > 55 && s[55] != '-'))
		return false;
	/* lower-case hex only, as the specification writes them */
	for (int i = 0; i < 55; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			return false;
	if (hex_id(s + 3, 32, trace, 16) != NULL || hex_id(s + 36, 16, ouder, 8) != NULL)
		return false;
	/* the flags */
	if (vwl_hex_digit((unsigned char) s[53]) < 0 || vwl_hex_digit((unsigned char) s[54]) < 0)
		return false;
	return true;
}

/*
 * The traceparent header of the request (request.headers, as PostgREST
 * sets it, names in lower case) as a C string, or NULL.
 */
static char *
traceparent_header(void)
{
	const char *koppen = GetConfigOption("request.headers", true, false);
	JsonLexContext *lex;
	Datum		d;
	Jsonb	   *jb;
	JsonbValue *w;

	if (koppen == NULL || strstr(koppen, "traceparent") == NULL)
		return NULL;
	/* a setting that is not JSON names no traceparent (the inzage refuses it) */
	lex = makeJsonLexContextCstringLen(pstrdup(koppen), strlen(koppen),
									   GetDatabaseEncoding(), true);
	if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS)
		return NULL;
	d = DirectFunctionCall1(jsonb_in, CStringGetDatum(koppen));
	jb = DatumGetJsonbP(d);
	if (JB_ROOT_IS_SCALAR(jb) || !JB_ROOT_IS_OBJECT(jb))
		return NULL;
	w = field(&jb->root, "traceparent");
	if (w == NULL || w->type != jbvString)
		return NULL;
	return pnstrdup(w->val.string.val, w->val.string.len);
}

/*
 * The ids of the request's valid traceparent header: its trace-id into
 * trace, its parent-id into ouder; false when there is none (or it is not
 * valid).  What _traceparent() gives a new row, for the writer, which does
 * the trigger's work itself for the rows it inserts (writer.c).
 */
bool
vwl_traceparent_ids(uint8 *trace, uint8 *ouder)
{
	char	   *kop = traceparent_header();

	return kop != NULL && traceparent_read(kop, trace, ouder);
}

PG_FUNCTION_INFO_V1(vwl_traceparent);

/*
 * Trigger verwerkingenlog._traceparent(), BEFORE INSERT FOR EACH ROW on
 * verwerkingsactie_versie: the first version of a verwerkingsactie logged
 * in a request with a valid W3C traceparent header joins that trace: the
 * header's trace-id goes into trace_id, its parent-id into parent_span_id.
 * Rows that have either already (LDV records, copied versions) and later
 * versions are left as they are; an invalid header is ignored, as W3C
 * Trace Context requires.
 */
Datum
vwl_traceparent(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	HeapTuple	rij;
	TupleDesc	desc;
	int			k_volgnummer,
				k_trace,
				k_span,
				k_ouder;
	bool		isnull;
	char	   *kop;
	uint8		trace[16],
				ouder[8];
	Datum		waarden[2];
	bool		nullen[2] = {false, false};
	int			kolommen[2];
	pg_uuid_t  *u;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("_traceparent must be called as a trigger")));
	if (!TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("_traceparent must be fired BEFORE INSERT FOR EACH ROW")));
	rij = td->tg_trigtuple;

	/* the common case first: no header at all */
	kop = traceparent_header();
	if (kop == NULL)
		return PointerGetDatum(rij);

	desc = RelationGetDescr(td->tg_relation);
	k_volgnummer = SPI_fnumber(desc, "volgnummer");
	k_trace = SPI_fnumber(desc, "trace_id");
	k_span = SPI_fnumber(desc, "span_id");
	k_ouder = SPI_fnumber(desc, "parent_span_id");
	if (k_volgnummer <= 0 || k_trace <= 0 || k_span <= 0 || k_ouder <= 0)
		elog(ERROR, "_traceparent: verwerkingsactie_versie lacks its LDV columns");

	if (DatumGetInt32(heap_getattr(rij, k_volgnummer, desc, &isnull)) != 1 || isnull)
		return PointerGetDatum(rij);
	(void) heap_getattr(rij, k_trace, desc, &isnull);
	if (!isnull)
		return PointerGetDatum(rij);
	(void) heap_getattr(rij, k_span, desc, &isnull);
	if (!isnull)
		return PointerGetDatum(rij);
	(void) heap_getattr(rij, k_ouder, desc, &isnull);
	if (!isnull)
		return PointerGetDatum(rij);
	if (!traceparent_read(kop, trace, ouder))
		return PointerGetDatum(rij);

	u = palloc(sizeof(pg_uuid_t));
	memcpy(u->data, trace, 16);
	waarden[0] = UUIDPGetDatum(u);
	waarden[1] = id_bytea(ouder);
	kolommen[0] = k_trace;
	kolommen[1] = k_ouder;
	return PointerGetDatum(heap_modify_tuple_by_cols(rij, desc, 2, kolommen, waarden, nullen));
}
