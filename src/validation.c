/*
 * validation.c
 *		Validation of a verwerkingsactie document.
 *
 * The document is the OpenAPI schema VerwerkingsactieUitgebreidBasis
 * (camelCase element names, see shared/spec/oas/bewerking-api.yaml).  The
 * validator walks the jsonb containers once, never converting the document
 * to text, and collects EVERY problem as (name, code, reason) before the
 * caller decides what to do with them.  While no problem has been found it
 * builds the normalised document in the same walk, as a JsonbValue tree
 * whose object pairs are already in jsonb key order (what pushJsonbValue
 * would produce, without its sort), its strings pointing into the input.
 *
 * Names (paths).  A problem's name is the path of the element in JavaScript
 * notation: "tijdstip", "verwerkteObjecten[0].objectId",
 * "verwerkteObjecten[1].verwerkteSoortenGegevens[0].soortGegeven".  Array
 * indexes are 0-based (the JSON convention; the standard's examples do not
 * say).  A batch item gets its own index first: "[3].tijdstip".  A problem
 * with the document itself is named "(document)" ("[3]" for a batch item).
 * An unknown element whose name is not made of ASCII letters, digits, "_",
 * "-", "$" and "@" only is written as a JSON string in brackets, with ":"
 * written as \u003a, so a name never contains ":" or a line break:
 * verwerkteObjecten[0]["object id"]; a name longer than 64 bytes is cut
 * there and marked ["..."...].  The digits of an unknown name are written
 * as "#" (["#########"]), so that an identifier used as a key never reaches
 * a message.
 *
 * Order.  jsonb keeps no document order (it sorts keys), so problems come in
 * schema order: per object the elements in the order of the OpenAPI schema,
 * then the unknown elements of that object (in jsonb key order), objects and
 * array items in array order.
 *
 * Codes (see validation.h):
 *	required		required element absent or null; in a complete document
 *					(PUT) also a writable element that is absent
 *	invalid_type	wrong JSON type (a number where a string is expected, ...)
 *	blank			empty string for objectId, soortObjectId or soortGegeven
 *	max_length		more characters than the schema allows
 *	invalid			bad format: UUID, URI, OIN, date-time, duration
 *	invalid_choice	not one of an enumeration's values
 *	unknown			element that is not in the schema
 *	empty			verwerkteObjecten without items
 * An element has at most one problem (the first check it fails, in the order
 * above).
 *
 * Reasons are predicates that read after the element's name ("is longer
 * than 40 characters") and never quote the value: problems end up in server
 * logs and values are personal data.
 *
 * Choices:
 *	- null counts as absent for an optional element and as missing for a
 *	  required one.
 *	- Empty strings are refused (blank) only for the required identifiers
 *	  soortObjectId, objectId and soortGegeven; the OpenAPI contract sets no
 *	  minLength elsewhere, so an empty actieNaam is kept as given.  Empty
 *	  UUIDs, URIs, OINs, date-times, durations and enums are invalid anyway.
 *	- Lengths are counted in characters of the database encoding.
 *	- URI: RFC 3986 characters only (ASCII; anything else percent-encoded),
 *	  a scheme ([A-Za-z][A-Za-z0-9+.-]*:) and at least one character after it.
 *	- UUID: 8-4-4-4-12 hexadecimal digits, either case; output lower case.
 *	- OIN: exactly 20 ASCII digits.
 *	- Enumerations are matched case-insensitively and written in lower case.
 *	- Read-only elements (url, actieId, tijdstipRegistratie, vervallen; url
 *	  and verwerktObjectId of an object) are ignored whatever their value,
 *	  so a document the log returned is valid input as it stands.
 *	- Complete mode (PUT): every writable top-level element must be present,
 *	  null allowed where it is optional; optional elements of a verwerkt
 *	  object may still be left out.
 *	- An SQL NULL document is a problem, "(document): is required".
 *
 * The normalised document has exactly the writable elements, every one
 * present: absent or null ones as null, verwerkteSoortenGegevens as [];
 * enumerations and UUIDs in lower case; tijdstip and the strings exactly as
 * supplied; bewaartermijn in the canonical form of vwl_bewaartermijn_format;
 * each verwerkt object with exactly objecttype, soortObjectId, objectId,
 * betrokkenheid and verwerkteSoortenGegevens.
 *
 * Error format (vwl_validation_report; the REST layer parses it).  SQLSTATE
 * 22023, a message naming the first problem,
 *		invalid verwerkingsactie: element "verwerkteObjecten[1].objectId" is longer than 40 characters
 *		invalid verwerkingsactie: the document must be an object, not an array
 * ("verwerkingsacties" for a batch), and a detail with every problem, one
 * per line, in this fixed format:
 *		<name>: <reason> (<code>)
 * A name never contains ":" or a line break, a reason never contains a line
 * break, a code is [a-z_]+; so each line matches
 *		^([^:\n]*): (.*) \(([a-z_]+)\)$
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

#include "verwerkingenlog.h"
#include "validation.h"

/* What an element holds. */
typedef enum VwlKind
{
	VWL_TEKST,					/* string of at most max characters */
	VWL_ID,						/* string of 1..max characters */
	VWL_UUID,
	VWL_URI,					/* absolute URI of at most max characters */
	VWL_OIN,
	VWL_VERTROUWELIJKHEID,
	VWL_BEWAARTERMIJN,
	VWL_TIJDSTIP,
	VWL_OBJECTTYPE,
	VWL_OBJECTEN,				/* verwerkteObjecten */
	VWL_SOORTEN,				/* verwerkteSoortenGegevens */
	VWL_ALLEEN_LEZEN			/* read-only: ignored, left out of the output */
} VwlKind;

typedef struct VwlElement
{
	const char *naam;
	int			lengte;			/* strlen(naam) */
	VwlKind	soort;
	int			max;			/* characters, for VWL_TEKST, VWL_ID, VWL_URI */
	bool		verplicht;		/* required (null is not enough) */
} VwlElement;

#define EL(naam, soort, max, verplicht) {naam, sizeof(naam) - 1, soort, max, verplicht}

/* Verwerkingsactie, in the order of the OpenAPI schema. */
static const VwlElement actie_elements[] = {
	EL("url", VWL_ALLEEN_LEZEN, 0, false),
	EL("actieId", VWL_ALLEEN_LEZEN, 0, false),
	EL("actieNaam", VWL_TEKST, VWL_MAX_NAME, false),
	EL("handelingNaam", VWL_TEKST, VWL_MAX_NAME, false),
	EL("verwerkingNaam", VWL_TEKST, VWL_MAX_NAME, false),
	EL("verwerkingId", VWL_UUID, 0, false),
	EL("verwerkingsactiviteitId", VWL_UUID, 0, false),
	EL("verwerkingsactiviteitUrl", VWL_URI, VWL_MAX_URI, false),
	EL("vertrouwelijkheid", VWL_VERTROUWELIJKHEID, 0, true),
	EL("bewaartermijn", VWL_BEWAARTERMIJN, 0, false),
	EL("uitvoerder", VWL_OIN, 0, false),
	EL("systeem", VWL_TEKST, VWL_MAX_NAME, false),
	EL("gebruiker", VWL_TEKST, VWL_MAX_ID, false),
	EL("gegevensbron", VWL_TEKST, VWL_MAX_NAME, false),
	EL("soortAfnemerId", VWL_TEKST, VWL_MAX_NAME, false),
	EL("afnemerId", VWL_TEKST, VWL_MAX_ID, false),
	EL("verwerkingsactiviteitIdAfnemer", VWL_UUID, 0, false),
	EL("verwerkingsactiviteitUrlAfnemer", VWL_URI, VWL_MAX_URI, false),
	EL("verwerkingIdAfnemer", VWL_UUID, 0, false),
	EL("tijdstip", VWL_TIJDSTIP, 0, true),
	EL("tijdstipRegistratie", VWL_ALLEEN_LEZEN, 0, false),
	EL("vervallen", VWL_ALLEEN_LEZEN, 0, false),
	EL("verwerkteObjecten", VWL_OBJECTEN, 0, true),
};

/* VerwerktObject (VerwerktObjectBasis plus its read-only elements). */
static const VwlElement object_elements[] = {
	EL("url", VWL_ALLEEN_LEZEN, 0, false),
	EL("verwerktObjectId", VWL_ALLEEN_LEZEN, 0, false),
	EL("objecttype", VWL_OBJECTTYPE, 0, true),
	EL("soortObjectId", VWL_ID, VWL_MAX_NAME, true),
	EL("objectId", VWL_ID, VWL_MAX_ID, true),
	EL("betrokkenheid", VWL_TEKST, VWL_MAX_NAME, false),
	EL("verwerkteSoortenGegevens", VWL_SOORTEN, 0, false),
};

/* VerwerktSoortGegeven. */
static const VwlElement soort_elements[] = {
	EL("soortGegeven", VWL_ID, VWL_MAX_NAME, true),
};

#define VWL_MAX_ELEMENTS	lengthof(actie_elements)
StaticAssertDecl(lengthof(object_elements) <= VWL_MAX_ELEMENTS &&
				 lengthof(soort_elements) <= VWL_MAX_ELEMENTS,
				 "VWL_MAX_ELEMENTS must hold every schema");

typedef struct VwlSchema
{
	const VwlElement *elementen;
	int			aantal;
	bool		volledig_geldt; /* complete mode applies (top level only) */
	const char *onbekend;		/* reason for an unknown element */

	/*
	 * Derived once per process by schema_prepare: the elements in jsonb
	 * key order (shorter first, then bytewise), which is the order of the
	 * keys of an object container and of the pairs of an output object; and
	 * for each element its position among the output pairs (-1: read-only).
	 */
	bool		voorbereid;
	int			jsonb_volgorde[VWL_MAX_ELEMENTS];
	int			uit_positie[VWL_MAX_ELEMENTS];
	int			n_uit;
} VwlSchema;

static VwlSchema actie_schema = {
	actie_elements, lengthof(actie_elements), true,
	"is not an element of a verwerkingsactie"
};
static VwlSchema object_schema = {
	object_elements, lengthof(object_elements), false,
	"is not an element of a verwerkt object"
};
static VwlSchema soort_schema = {
	soort_elements, lengthof(soort_elements), false,
	"is not an element of a verwerkt soort gegeven"
};

static void validate_object(VwlValidation *v, VwlSchema *schema,
							JsonbContainer *c, JsonbValue *uit);

/* jsonb's key order: shorter first, then bytewise. */
static inline int
key_cmp(const char *a, int alen, const char *b, int blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* Derive a schema's jsonb key order and output positions (once). */
static void
schema_prepare(VwlSchema *schema)
{
	int		   *volgorde = schema->jsonb_volgorde;

	if (schema->voorbereid)
		return;
	Assert(schema->aantal <= VWL_MAX_ELEMENTS);

	/* insertion sort of a handful of names */
	for (int i = 0; i < schema->aantal; i++)
	{
		int			j = i;

		while (j > 0 &&
			   key_cmp(schema->elementen[volgorde[j - 1]].naam,
						   schema->elementen[volgorde[j - 1]].lengte,
						   schema->elementen[i].naam,
						   schema->elementen[i].lengte) > 0)
		{
			volgorde[j] = volgorde[j - 1];
			j--;
		}
		volgorde[j] = i;
	}

	schema->n_uit = 0;
	for (int i = 0; i < schema->aantal; i++)
	{
		int			e = volgorde[i];

		schema->uit_positie[e] =
			schema->elementen[e].soort == VWL_ALLEEN_LEZEN ? -1 : schema->n_uit++;
	}
	schema->voorbereid = true;
}

/* Set up a validation; volledig = complete document (PUT). */
void
vwl_validation_init(VwlValidation *v, bool volledig, bool uit_gewenst)
{
	schema_prepare(&actie_schema);
	schema_prepare(&object_schema);
	schema_prepare(&soort_schema);

	memset(v, 0, sizeof(*v));
	v->cxt = CurrentMemoryContext;
	v->volledig = volledig;
	v->uit_gewenst = uit_gewenst;
}

/* Still building the normalised document?  Stops at the first problem. */
static inline bool
build(VwlValidation *v)
{
	return v->uit_gewenst && v->aantal == 0;
}

/* Enter an element of the current object. */
static void
path_key(VwlValidation *v, const char *sleutel, int lengte)
{
	if (v->diepte >= VWL_MAX_DEPTH)
		elog(ERROR, "verwerkingsactie path too deep");
	v->pad[v->diepte].sleutel = sleutel;
	v->pad[v->diepte].lengte = lengte;
	v->diepte++;
}

/* Enter item index (0-based) of the current array. */
void
vwl_path_index(VwlValidation *v, int index)
{
	if (v->diepte >= VWL_MAX_DEPTH)
		elog(ERROR, "verwerkingsactie path too deep");
	v->pad[v->diepte].sleutel = NULL;
	v->pad[v->diepte].index = index;
	v->diepte++;
}

/* Leave the innermost element or item. */
void
vwl_path_pop(VwlValidation *v)
{
	Assert(v->diepte > 0);
	v->diepte--;
}

/*
 * The longest element name written in full in a problem's name, in bytes;
 * the longest name of the schema has 31.  Keeps a garbage key out of the
 * message and the server log.
 */
#define VWL_MAX_KEY		64

/* Can an element name be written as it is? */
static bool
key_safe(const char *s, int lengte)
{
	if (lengte == 0)
		return false;
	for (int i = 0; i < lengte; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '$' ||
			  c == '@'))
			return false;
	}
	return true;
}

/* Append one path segment for an element name. */
static void
path_write_key(StringInfo buf, const char *s, int lengte)
{
	int			getoond = lengte;
	bool		cijfers = false;

	/*
	 * No element of the schema has a digit in its name, so a name with one
	 * is an unknown element, and it may be an identifier used as a key
	 * ({"999888777": ...}).  Its digits are written as "#": the name ends up
	 * in error messages, and with them in the server log.
	 */
	for (int i = 0; i < lengte; i++)
		if (s[i] >= '0' && s[i] <= '9')
			cijfers = true;

	if (!cijfers && lengte <= VWL_MAX_KEY && key_safe(s, lengte))
	{
		if (buf->len > 0)
			appendStringInfoChar(buf, '.');
		appendBinaryStringInfo(buf, s, lengte);
		return;
	}

	/*
	 * ["..."]: JSON string escapes, and ":" as \u003a.  A longer name (only
	 * an unknown element has one) is cut after VWL_MAX_KEY bytes, at a
	 * character boundary, and marked ["..."...].
	 */
	if (lengte > VWL_MAX_KEY)
		getoond = pg_mbcliplen(s, lengte, VWL_MAX_KEY);
	appendStringInfoString(buf, "[\"");
	for (int i = 0; i < getoond; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= '0' && c <= '9')
			appendStringInfoChar(buf, '#');
		else if (c == '"' || c == '\\')
		{
			appendStringInfoChar(buf, '\\');
			appendStringInfoChar(buf, c);
		}
		else if (c < 0x20 || c == 0x7f || c == ':')
			appendStringInfo(buf, "\\u%04x", c);
		else
			appendStringInfoChar(buf, c);
	}
	appendStringInfoString(buf, getoond < lengte ? "\"...]" : "\"]");
}

/*
 * Record a problem with element sleutel of the current container (sleutel
 * NULL: the container itself).
 */
void
vwl_problem(VwlValidation *v, const char *sleutel, int lengte,
			 const char *code, const char *reden)
{
	MemoryContext oud;
	StringInfoData naam;
	VwlProblem *p;

	/* Bounded: beyond the limit a problem is only counted. */
	if (v->aantal >= VWL_MAX_PROBLEMS)
	{
		v->niet_getoond++;
		return;
	}
	oud = MemoryContextSwitchTo(v->cxt);
	initStringInfo(&naam);
	for (int i = 0; i < v->diepte; i++)
	{
		if (v->pad[i].sleutel)
			path_write_key(&naam, v->pad[i].sleutel, v->pad[i].lengte);
		else
			appendStringInfo(&naam, "[%d]", v->pad[i].index);
	}
	if (sleutel)
		path_write_key(&naam, sleutel, lengte);
	if (naam.len == 0)
		appendStringInfoString(&naam, VWL_DOCUMENT);

	if (v->aantal >= v->ruimte)
	{
		v->ruimte = v->ruimte ? v->ruimte * 2 : 8;
		if (v->problemen)
			v->problemen = repalloc(v->problemen, v->ruimte * sizeof(VwlProblem));
		else
			v->problemen = palloc(v->ruimte * sizeof(VwlProblem));
	}
	p = &v->problemen[v->aantal++];
	p->naam = naam.data;
	p->code = code;
	p->reden = pstrdup(reden);

	MemoryContextSwitchTo(oud);
}

/* Problem with a known element. */
static inline void
problem(VwlValidation *v, const VwlElement *el, const char *code,
		 const char *reden)
{
	vwl_problem(v, el->naam, el->lengte, code, reden);
}

/* "a string", "an array", ...: the JSON type of a value, for a reason. */
const char *
vwl_json_kind(const JsonbValue *w)
{
	switch (w->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsArray(w->val.binary.data) ? "an array" : "an object";
		default:
			return "a JSON value";
	}
}

/* Wrong JSON type: "must be <verwacht>, not <actual>". */
static void
problem_type(VwlValidation *v, const char *sleutel, int lengte,
			  const char *verwacht, const JsonbValue *w)
{
	vwl_problem(v, sleutel, lengte, VWL_CODE_INVALID_TYPE,
				 psprintf("must be %s, not %s", verwacht, vwl_json_kind(w)));
}

/* More than max characters?  Bytes bound characters, so count only when needed. */
static inline bool
too_long(const char *s, int lengte, int max)
{
	return lengte > max && pg_mbstrlen_with_len(s, lengte) > max;
}

static inline bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hexadecimal digits; *hoofdletters set when A-F occur. */
static bool
is_uuid(const char *s, int lengte, bool *hoofdletters)
{
	*hoofdletters = false;
	if (lengte != 36)
		return false;
	for (int i = 0; i < 36; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (c != '-')
				return false;
		}
		else if (!is_hex(c))
			return false;
		else if (c >= 'A' && c <= 'F')
			*hoofdletters = true;
	}
	return true;
}

/*
 * The characters of an RFC 3986 URI after the scheme, by bit (ASCII code
 * c is bit c % 64 of word c / 64): unreserved (letters, digits, "-._~"),
 * reserved (":/?#[]@!$&'()*+,;=") and "%" (checked for two hexadecimal
 * digits separately).  A table, not a switch: URIs are the longest strings
 * of a document, and this is the validator's inner loop.
 */
static const uint64 uri_tekens[2] = {
	UINT64CONST(0xaffffffa00000000),	/* 0x00-0x3f: !$%&'()*+,-./0-9:;=? and # */
	UINT64CONST(0x47fffffeafffffff)	/* 0x40-0x7f: @A-Z[]_a-z~ */
};

/* Is c a character of a URI after its scheme (see uri_tekens)? */
static inline bool
uri_char(unsigned char c)
{
	return c < 128 && (uri_tekens[c >> 6] >> (c & 63)) & 1;
}

/* NULL if s is an absolute URI, else the reason. */
static const char *
uri_error(const char *s, int lengte)
{
	int			i = 0;

	if (lengte == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return "is not an absolute URI: it does not start with a scheme";
	while (i < lengte && s[i] != ':')
	{
		unsigned char c = (unsigned char) s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
			return "is not an absolute URI: it does not start with a scheme";
		i++;
	}
	if (i == lengte)
		return "is not an absolute URI: it does not start with a scheme";
	i++;
	if (i == lengte)
		return "is not an absolute URI: nothing follows the scheme";
	for (; i < lengte; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c <= 0x20 || c == 0x7f)
			return "is not a URI: it contains white space or a control character";
		if (!uri_char(c))
			return "is not a URI: it contains a character that must be percent-encoded";
		if (c == '%' &&
			!(i + 2 < lengte && is_hex(s[i + 1]) && is_hex(s[i + 2])))
			return "is not a URI: \"%\" is not followed by two hexadecimal digits";
	}
	return NULL;
}

/*
 * Does s (lengte bytes) equal the lower-case word, ignoring ASCII case?
 * (Not pg_strncasecmp: that consults the locale for non-ASCII bytes, and
 * these functions are immutable.)
 */
static inline bool
is_word(const char *s, int lengte, const char *woord, int woordlengte)
{
	if (lengte != woordlengte)
		return false;
	for (int i = 0; i < lengte; i++)
		if (pg_ascii_tolower((unsigned char) s[i]) != woord[i])
			return false;
	return true;
}

/* Set an output value to a string. */
static inline void
from_text(JsonbValue *uit, const char *s, int lengte)
{
	uit->type = jbvString;
	uit->val.string.val = (char *) s;
	uit->val.string.len = lengte;
}

/*
 * An array of objects (verwerkteObjecten, verwerkteSoortenGegevens): every
 * item must be an object of the given schema.
 */
static void
validate_array(VwlValidation *v, const VwlElement *el, JsonbValue *w,
			   VwlSchema *schema, bool niet_leeg, JsonbValue *uit)
{
	JsonbContainer *c;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	item;
	int			i = 0;

	if (w->type != jbvBinary || !JsonContainerIsArray(w->val.binary.data))
	{
		problem_type(v, el->naam, el->lengte, "an array", w);
		return;
	}
	c = w->val.binary.data;
	if (niet_leeg && JsonContainerSize(c) == 0)
	{
		problem(v, el, VWL_CODE_EMPTY, "must contain at least one item");
		return;
	}
	{
		int			max = (schema == &object_schema) ? VWL_MAX_OBJECTEN : VWL_MAX_KINDS;

		if ((int) JsonContainerSize(c) > max)
		{
			problem(v, el, VWL_CODE_MAX_LENGTH,
					 psprintf("has %d items, more than the limit of %d", (int) JsonContainerSize(c), max));
			return;
		}
	}

	if (uit)
	{
		uit->type = jbvArray;
		uit->val.array.rawScalar = false;
		uit->val.array.nElems = JsonContainerSize(c);
		uit->val.array.elems = palloc(sizeof(JsonbValue) * Max(uit->val.array.nElems, 1));
	}

	path_key(v, el->naam, el->lengte);
	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &item, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		vwl_path_index(v, i);
		if (item.type == jbvBinary && JsonContainerIsObject(item.val.binary.data))
			validate_object(v, schema, item.val.binary.data,
							uit && build(v) ? &uit->val.array.elems[i] : NULL);
		else
			problem_type(v, NULL, 0, "an object", &item);
		vwl_path_pop(v);
		i++;
	}
	vwl_path_pop(v);
}

/*
 * One element of an object: w is its value, or NULL when it is absent.  uit
 * receives the normalised value; NULL when no output is being built.
 */
static void
validate_element(VwlValidation *v, const VwlSchema *schema,
				 const VwlElement *el, JsonbValue *w, JsonbValue *uit)
{
	const char *s;
	int			lengte;

	if (el->soort == VWL_ALLEEN_LEZEN)
		return;

	if (w == NULL || w->type == jbvNull)
	{
		if (el->verplicht)
			problem(v, el, VWL_CODE_REQUIRED, "is required");
		else if (w == NULL && v->volledig && schema->volledig_geldt)
			problem(v, el, VWL_CODE_REQUIRED,
					 "is required in a complete document (null means no value)");
		else if (uit && el->soort == VWL_SOORTEN)
		{
			/* an absent list of soorten gegevens is an empty one */
			uit->type = jbvArray;
			uit->val.array.rawScalar = false;
			uit->val.array.nElems = 0;
			uit->val.array.elems = NULL;
		}
		else if (uit)
			uit->type = jbvNull;
		return;
	}

	switch (el->soort)
	{
		case VWL_OBJECTEN:
			validate_array(v, el, w, &object_schema, true, uit);
			return;
		case VWL_SOORTEN:
			validate_array(v, el, w, &soort_schema, false, uit);
			return;
		default:
			break;
	}

	/* every other element is a string */
	if (w->type != jbvString)
	{
		problem_type(v, el->naam, el->lengte, "a string", w);
		return;
	}
	s = w->val.string.val;
	lengte = w->val.string.len;

	switch (el->soort)
	{
		case VWL_ID:
			if (lengte == 0)
			{
				problem(v, el, VWL_CODE_BLANK, "must not be empty");
				return;
			}
			/* FALLTHROUGH */
		case VWL_TEKST:
			if (too_long(s, lengte, el->max))
			{
				problem(v, el, VWL_CODE_MAX_LENGTH,
						 psprintf("is longer than %d characters", el->max));
				return;
			}
			if (uit)
				*uit = *w;
			return;

		case VWL_UUID:
			{
				bool		hoofdletters;

				if (!is_uuid(s, lengte, &hoofdletters))
				{
					problem(v, el, VWL_CODE_INVALID,
							 "is not a UUID (8-4-4-4-12 hexadecimal digits)");
					return;
				}
				if (uit)
				{
					if (hoofdletters)
					{
						char	   *klein = palloc(36);

						for (int i = 0; i < 36; i++)
							klein[i] = pg_ascii_tolower((unsigned char) s[i]);
						s = klein;
					}
					from_text(uit, s, 36);
				}
				return;
			}

		case VWL_URI:
			{
				const char *fout;

				if (too_long(s, lengte, el->max))
				{
					problem(v, el, VWL_CODE_MAX_LENGTH,
							 psprintf("is longer than %d characters", el->max));
					return;
				}
				fout = uri_error(s, lengte);
				if (fout)
				{
					problem(v, el, VWL_CODE_INVALID, fout);
					return;
				}
				if (uit)
					*uit = *w;
				return;
			}

		case VWL_OIN:
			{
				bool		ok = (lengte == VWL_OIN_LENGTH);

				for (int i = 0; ok && i < lengte; i++)
					ok = (s[i] >= '0' && s[i] <= '9');
				if (!ok)
				{
					problem(v, el, VWL_CODE_INVALID,
							 "is not an OIN (exactly 20 digits)");
					return;
				}
				if (uit)
					*uit = *w;
				return;
			}

		case VWL_VERTROUWELIJKHEID:
			{
				const char *waarde;

				if (is_word(s, lengte, "normaal", 7))
					waarde = "normaal";
				else if (is_word(s, lengte, "vertrouwelijk", 13))
					waarde = "vertrouwelijk";
				else if (is_word(s, lengte, "opgeheven", 9))
					waarde = "opgeheven";
				else
				{
					problem(v, el, VWL_CODE_INVALID_CHOICE,
							 "must be one of normaal, vertrouwelijk, opgeheven");
					return;
				}
				if (uit)
					from_text(uit, waarde, strlen(waarde));
				return;
			}

		case VWL_OBJECTTYPE:
			if (!is_word(s, lengte, "persoon", 7))
			{
				problem(v, el, VWL_CODE_INVALID_CHOICE, "must be persoon");
				return;
			}
			if (uit)
				from_text(uit, "persoon", 7);
			return;

		case VWL_BEWAARTERMIJN:
			{
				Bewaartermijn b;
				const char *reden = NULL;

				if (!vwl_bewaartermijn_parse(s, lengte, &b, &reden))
				{
					problem(v, el, VWL_CODE_INVALID,
							 psprintf("is invalid: %s",
									  reden ? reden : "invalid"));
					return;
				}
				if (uit)
				{
					char	   *canoniek = vwl_bewaartermijn_format(&b);

					from_text(uit, canoniek, strlen(canoniek));
				}
				return;
			}

		case VWL_TIJDSTIP:
			{
				Moment		m;
				const char *reden = NULL;

				if (!vwl_moment_parse(s, lengte, &m, &reden))
				{
					problem(v, el, VWL_CODE_INVALID,
							 psprintf("is invalid: %s",
									  reden ? reden : "invalid"));
					return;
				}
				/* exactly as supplied, as the standard demands */
				if (uit)
					*uit = *w;
				return;
			}

		default:
			elog(ERROR, "unexpected verwerkingsactie element kind %d", (int) el->soort);
	}
}

/*
 * An object of the given schema.  One walk over its keys puts every known
 * element in its slot: the keys of a jsonb object come in jsonb key order, so
 * they are merged with the schema's elements in that order.  Then the
 * elements are checked in schema order and the unknown ones reported.
 *
 * uit (NULL when no output is being built) receives the normalised object:
 * a jbvObject whose pairs are the writable elements, already in jsonb key
 * order, so that JsonbValueToJsonb writes it as it is.
 */
static void
validate_object(VwlValidation *v, VwlSchema *schema, JsonbContainer *c,
				JsonbValue *uit)
{
	JsonbValue	waarden[VWL_MAX_ELEMENTS];
	bool		aanwezig[VWL_MAX_ELEMENTS];
	JsonbValue *onbekend = NULL;
	int			n_onbekend = 0;
	JsonbPair  *paren = NULL;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	k;
	JsonbValue	w;
	int			j = 0;			/* position in schema->jsonb_volgorde */

	memset(aanwezig, 0, sizeof(bool) * schema->aantal);

	it = JsonbIteratorInit(c);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		int			cmp = 1;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &w, true);
		Assert(tok == WJB_VALUE);

		while (j < schema->aantal)
		{
			const VwlElement *el = &schema->elementen[schema->jsonb_volgorde[j]];

			cmp = key_cmp(el->naam, el->lengte,
							  k.val.string.val, k.val.string.len);
			if (cmp >= 0)
				break;
			j++;
		}
		if (cmp == 0)
		{
			int			e = schema->jsonb_volgorde[j++];

			waarden[e] = w;
			aanwezig[e] = true;
		}
		else
		{
			/* rare: keep the key to report it after the known elements */
			if (onbekend == NULL)
				onbekend = palloc(sizeof(JsonbValue) * JsonContainerSize(c));
			onbekend[n_onbekend++] = k;
		}
	}

	if (uit)
	{
		paren = palloc(sizeof(JsonbPair) * schema->n_uit);
		uit->type = jbvObject;
		uit->val.object.nPairs = schema->n_uit;
		uit->val.object.pairs = paren;
	}

	for (int e = 0; e < schema->aantal; e++)
	{
		const VwlElement *el = &schema->elementen[e];
		int			positie = schema->uit_positie[e];
		JsonbValue *doel = NULL;

		if (paren && positie >= 0 && build(v))
		{
			paren[positie].key.type = jbvString;
			paren[positie].key.val.string.val = (char *) el->naam;
			paren[positie].key.val.string.len = el->lengte;
			paren[positie].order = positie;
			doel = &paren[positie].value;
		}
		validate_element(v, schema, el, aanwezig[e] ? &waarden[e] : NULL, doel);
	}

	for (int i = 0; i < n_onbekend; i++)
		vwl_problem(v, onbekend[i].val.string.val, onbekend[i].val.string.len,
					 VWL_CODE_UNKNOWN, schema->onbekend);
}

/*
 * Validate one verwerkingsactie document (doc: a scalar or a jbvBinary
 * container) at the current path.  Problems are added to v.  With
 * v->uit_gewenst, v->resultaat is the normalised document while there are
 * no problems (a JsonbValue tree whose strings point into doc;
 * JsonbValueToJsonb makes it a datum), NULL otherwise.
 */
void
vwl_validate_verwerkingsactie(VwlValidation *v, JsonbValue *doc)
{
	JsonbValue *uit = build(v) ? palloc(sizeof(JsonbValue)) : NULL;

	if (doc->type == jbvBinary && doc->val.binary.len > VWL_MAX_DOCUMENT)
	{
		vwl_problem(v, NULL, 0, VWL_CODE_MAX_LENGTH,
					 psprintf("is %d bytes, more than the limit of %d bytes for one verwerkingsactie",
							  doc->val.binary.len, VWL_MAX_DOCUMENT));
		v->resultaat = NULL;
		return;
	}
	if (doc->type == jbvBinary && JsonContainerIsObject(doc->val.binary.data))
		validate_object(v, &actie_schema, doc->val.binary.data, uit);
	else
		problem_type(v, NULL, 0, "an object", doc);
	v->resultaat = build(v) ? uit : NULL;
}

/* The root of a jsonb datum as a JsonbValue (a scalar or a container). */
void
vwl_jsonb_root(Jsonb *jb, JsonbValue *w)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (!JsonbExtractScalar(&jb->root, w))
			elog(ERROR, "jsonb scalar expected");
	}
	else
	{
		w->type = jbvBinary;
		w->val.binary.data = &jb->root;
		w->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
}

/*
 * Raise the validation error: SQLSTATE 22023, the first problem in the
 * message, every problem in the detail ("<name>: <reason> (<code>)", one per
 * line; see the head of this file).  reeks: a batch (verwerkingsacties).
 */
void
vwl_validation_report(VwlValidation *v, bool reeks)
{
	StringInfoData detail;
	const VwlProblem *eerste = &v->problemen[0];

	Assert(v->aantal > 0);
	initStringInfo(&detail);
	for (int i = 0; i < v->aantal; i++)
	{
		const VwlProblem *p = &v->problemen[i];

		if (i > 0)
			appendStringInfoChar(&detail, '\n');
		appendStringInfo(&detail, "%s: %s (%s)", p->naam, p->reden, p->code);
	}
	if (v->niet_getoond > 0)
		appendStringInfo(&detail, "\n%s: has %d more problems, not listed beyond the first %d (%s)",
						 VWL_DOCUMENT, v->niet_getoond, VWL_MAX_PROBLEMS, VWL_CODE_TOO_MANY);

	if (strcmp(eerste->naam, VWL_DOCUMENT) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 reeks ?
				 errmsg("invalid verwerkingsacties: the document %s", eerste->reden) :
				 errmsg("invalid verwerkingsactie: the document %s", eerste->reden),
				 errdetail_internal("%s", detail.data)));
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 reeks ?
				 errmsg("invalid verwerkingsacties: element \"%s\" %s",
						eerste->naam, eerste->reden) :
				 errmsg("invalid verwerkingsactie: element \"%s\" %s",
						eerste->naam, eerste->reden),
				 errdetail_internal("%s", detail.data)));
	pg_unreachable();
}

/* The volledig argument: NULL is refused rather than guessed. */
static bool
arg_complete(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() <= argno)
		return false;
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("volledig must not be null")));
	return PG_GETARG_BOOL(argno);
}

/* Validate a single document (argument 0; SQL NULL is a missing document). */
static void
validate_argument(FunctionCallInfo fcinfo, VwlValidation *v)
{
	JsonbValue	doc;

	if (PG_ARGISNULL(0))
	{
		vwl_problem(v, NULL, 0, VWL_CODE_REQUIRED, "is required");
		return;
	}
	vwl_jsonb_root(PG_GETARG_JSONB_P(0), &doc);
	vwl_validate_verwerkingsactie(v, &doc);
}

/*
 * Append the container of one normalised item (a complete Jsonb) as element
 * i of the array being assembled in uit, exactly as convertJsonbArray
 * (jsonb_util.c) would have written it: the element starts int-aligned (the
 * padding counts as its data), every JB_OFFSET_STRIDE'th JEntry holds the
 * end offset of the element, the others its length.  *totaal is the end
 * offset of the data so far.
 */
static void
array_element_of(StringInfo uit, int jentries, int i, Jsonb *item, uint32 *totaal)
{
	int			begin = uit->len;
	uint32		lengte;
	JEntry		meta;

	while (uit->len % sizeof(int32) != 0)
		appendStringInfoCharMacro(uit, '\0');
	appendBinaryStringInfo(uit, VARDATA(item), VARSIZE(item) - VARHDRSZ);

	lengte = uit->len - begin;
	*totaal += lengte;
	if (*totaal > JENTRY_OFFLENMASK)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("total size of jsonb array elements exceeds the maximum of %u bytes",
						JENTRY_OFFLENMASK)));
	if (i % JB_OFFSET_STRIDE == 0)
		meta = JENTRY_ISCONTAINER | JENTRY_HAS_OFF | *totaal;
	else
		meta = JENTRY_ISCONTAINER | lengte;
	memcpy(uit->data + jentries + i * sizeof(JEntry), &meta, sizeof(JEntry));
}

/*
 * Validate a batch: a non-empty JSON array of documents, item i named "[i]".
 * With uit_gewenst, returns the array of normalised documents, or with
 * items (room for every item of invoer) stores each normalised document
 * there, allocated in the caller's context, and returns invoer, or with
 * bomen stores each one's tree there instead (validated in the caller's
 * context, without the reset below) and returns invoer; NULL when there
 * are problems.
 *
 * Memory: each item is validated and normalised in a context that is reset
 * after it; only its serialised form is kept: appended to the result, which
 * is assembled directly in jsonb's binary format, or as its own datum.  (One
 * JsonbValue tree for the whole batch costs several times more per item on
 * large batches: the tree and its copy are all fresh memory, and page faults
 * dominate.)
 */
static Jsonb *
validate_acties(VwlValidation *v, Jsonb *invoer, Jsonb **items, JsonbValue **bomen)
{
	JsonbValue	doc;
	JsonbContainer *reeks;
	JsonbIterator *it;
	JsonbIteratorToken tok;
	JsonbValue	item;
	MemoryContext item_cxt;
	StringInfoData uit;
	int			jentries = 0;
	uint32		totaal = 0;
	int			n;
	int			i = 0;

	vwl_jsonb_root(invoer, &doc);
	if (doc.type != jbvBinary || !JsonContainerIsArray(doc.val.binary.data))
	{
		problem_type(v, NULL, 0, "an array", &doc);
		return NULL;
	}
	reeks = doc.val.binary.data;
	n = JsonContainerSize(reeks);
	if (n == 0)
	{
		vwl_problem(v, NULL, 0, VWL_CODE_EMPTY, "must contain at least one item");
		return NULL;
	}
	if (VARSIZE(invoer) > VWL_MAX_ARRAY)
	{
		vwl_problem(v, NULL, 0, VWL_CODE_MAX_LENGTH,
					 psprintf("is %u bytes, more than the limit of %d bytes for one batch",
							  (unsigned int) VARSIZE(invoer), VWL_MAX_ARRAY));
		return NULL;
	}

	if (v->uit_gewenst && items == NULL && bomen == NULL)
	{
		uint32		kop = n | JB_FARRAY;

		/*
		 * varlena header, container header, the JEntries, then the items.
		 * Reserve about what the result will take (the input's size plus
		 * room for the elements an item may lack), so that it is not copied
		 * while it grows; pages that stay unused are never touched.
		 */
		initStringInfo(&uit);
		enlargeStringInfo(&uit,
						  Min((Size) VARSIZE(invoer) + (Size) n * 512,
							  MaxAllocSize / 2));
		appendStringInfoSpaces(&uit, VARHDRSZ);
		appendBinaryStringInfo(&uit, (char *) &kop, sizeof(uint32));
		jentries = uit.len;
		enlargeStringInfo(&uit, n * sizeof(JEntry));
		uit.len += n * sizeof(JEntry);
	}

	item_cxt = AllocSetContextCreate(CurrentMemoryContext,
									 "verwerkingsactie item",
									 ALLOCSET_DEFAULT_SIZES);
	it = JsonbIteratorInit(reeks);
	while ((tok = JsonbIteratorNext(&it, &item, true)) != WJB_DONE)
	{
		MemoryContext oud;

		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();

		if (bomen != NULL)
		{
			/* the tree itself, in the caller's context: nothing to reset */
			vwl_path_index(v, i);
			vwl_validate_verwerkingsactie(v, &item);
			vwl_path_pop(v);
			bomen[i++] = build(v) ? v->resultaat : NULL;
			continue;
		}
		oud = MemoryContextSwitchTo(item_cxt);
		vwl_path_index(v, i);
		vwl_validate_verwerkingsactie(v, &item);
		vwl_path_pop(v);
		if (build(v) && items != NULL)
		{
			MemoryContextSwitchTo(oud);
			items[i] = JsonbValueToJsonb(v->resultaat);
		}
		else if (build(v))
		{
			Jsonb	   *normaal = JsonbValueToJsonb(v->resultaat);

			MemoryContextSwitchTo(oud);
			array_element_of(&uit, jentries, i, normaal, &totaal);
		}
		else
			MemoryContextSwitchTo(oud);
		MemoryContextReset(item_cxt);
		i++;
	}
	MemoryContextDelete(item_cxt);

	if (!build(v))
		return NULL;
	Assert(i == n);
	if (items != NULL || bomen != NULL)
		return invoer;
	SET_VARSIZE(uit.data, uit.len);
	return (Jsonb *) uit.data;
}

/* Validate the batch in argument 0 (SQL NULL is a missing batch). */
static Jsonb *
validate_array_argument(FunctionCallInfo fcinfo, VwlValidation *v)
{
	if (PG_ARGISNULL(0))
	{
		vwl_problem(v, NULL, 0, VWL_CODE_REQUIRED, "is required");
		return NULL;
	}
	return validate_acties(v, PG_GETARG_JSONB_P(0), NULL, NULL);
}

/*
 * The items of a batch: *n the number of elements of invoer when it is an
 * array (0 otherwise: validate_acties then reports its type); false, with
 * the problem in v, when there is no input at all.
 */
static bool
batch_size(VwlValidation *v, Jsonb *invoer, int *n)
{
	JsonbValue	doc;

	Assert(v->uit_gewenst);
	*n = 0;
	if (invoer == NULL)
	{
		vwl_problem(v, NULL, 0, VWL_CODE_REQUIRED, "is required");
		return false;
	}
	vwl_jsonb_root(invoer, &doc);
	if (doc.type == jbvBinary && JsonContainerIsArray(doc.val.binary.data))
		*n = JsonContainerSize(doc.val.binary.data);
	return true;
}

/*
 * For C callers: validate the batch invoer (NULL is a missing batch) with v
 * (uit_gewenst), and return its normalised documents in input order, *n of
 * them, in the current memory context; NULL when there are problems (in
 * v; vwl_validation_report(v, true) raises them).
 */
Jsonb **
vwl_validate_verwerkingsacties(VwlValidation *v, Jsonb *invoer, int *n)
{
	Jsonb	  **items;

	if (!batch_size(v, invoer, n))
		return NULL;
	items = palloc0(Max(*n, 1) * sizeof(Jsonb *));
	if (validate_acties(v, invoer, items, NULL) == NULL)
	{
		*n = 0;
		return NULL;
	}
	return items;
}

/*
 * The same for a batch of at most VWL_MAX_TREES items, its normalised
 * documents as the validator's trees (see vwl_validate_input_tree), in the
 * current memory context: the writer reads them as they are, instead of
 * each being written out as a datum first.  (A larger batch: NULL, and
 * *n the number of its items; use vwl_validate_verwerkingsacties.  Its
 * trees together would take a few times the memory of the datums.)
 */
JsonbValue **
vwl_validate_verwerkingsacties_trees(VwlValidation *v, Jsonb *invoer, int *n)
{
	JsonbValue **bomen;

	if (!batch_size(v, invoer, n))
		return NULL;
	if (*n > VWL_MAX_TREES)
		return NULL;
	bomen = palloc0(Max(*n, 1) * sizeof(JsonbValue *));
	if (validate_acties(v, invoer, NULL, bomen) == NULL)
	{
		*n = 0;
		return NULL;
	}
	return bomen;
}

/* Return every problem of v as rows (name, code, reason). */
static Datum
problems_as_rows(FunctionCallInfo fcinfo, VwlValidation *v)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	for (int i = 0; i < v->aantal; i++)
	{
		Datum		waarden[3];
		bool		nulls[3] = {false, false, false};

		waarden[0] = CStringGetTextDatum(v->problemen[i].naam);
		waarden[1] = CStringGetTextDatum(v->problemen[i].code);
		waarden[2] = CStringGetTextDatum(v->problemen[i].reden);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, waarden, nulls);
	}
	if (v->niet_getoond > 0)
	{
		Datum		waarden[3];
		bool		nulls[3] = {false, false, false};

		waarden[0] = CStringGetTextDatum(VWL_DOCUMENT);
		waarden[1] = CStringGetTextDatum(VWL_CODE_TOO_MANY);
		waarden[2] = CStringGetTextDatum(psprintf("has %d more problems, not listed beyond the first %d",
												  v->niet_getoond, VWL_MAX_PROBLEMS));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, waarden, nulls);
	}
	return (Datum) 0;
}

/*
 * verwerkingsactie_fouten(actie jsonb, volledig boolean DEFAULT false)
 * RETURNS TABLE(name text, code text, reason text): every problem of one
 * document, none when it is valid.
 */
PG_FUNCTION_INFO_V1(vwl_verwerkingsactie_fouten);
Datum
vwl_verwerkingsactie_fouten(PG_FUNCTION_ARGS)
{
	VwlValidation v;

	vwl_validation_init(&v, arg_complete(fcinfo, 1), false);
	validate_argument(fcinfo, &v);
	return problems_as_rows(fcinfo, &v);
}

/*
 * _verwerkingsactie_input(actie jsonb, volledig boolean DEFAULT false)
 * RETURNS jsonb: the normalised document, or the validation error.
 */
/*
 * The normalised document of one verwerkingsactie (invoer NULL is a
 * missing document), or the validation error (22023) listing every
 * problem: _verwerkingsactie_input(invoer, volledig) for C callers.
 */
Jsonb *
vwl_validate_input(Jsonb *invoer, bool volledig)
{
	return JsonbValueToJsonb(vwl_validate_input_tree(invoer, volledig));
}

/*
 * The same, as the JsonbValue tree JsonbValueToJsonb makes that datum of:
 * a jbvObject whose pairs are the writable elements in jsonb key order, its
 * arrays and objects trees too, its strings pointing into invoer (for the
 * writer, which builds its returned document from it).
 */
JsonbValue *
vwl_validate_input_tree(Jsonb *invoer, bool volledig)
{
	VwlValidation v;
	JsonbValue	doc;

	vwl_validation_init(&v, volledig, true);
	if (invoer == NULL)
		vwl_problem(&v, NULL, 0, VWL_CODE_REQUIRED, "is required");
	else
	{
		vwl_jsonb_root(invoer, &doc);
		vwl_validate_verwerkingsactie(&v, &doc);
	}
	if (v.aantal > 0)
		vwl_validation_report(&v, false);
	return v.resultaat;
}

PG_FUNCTION_INFO_V1(vwl_verwerkingsactie_input);
Datum
vwl_verwerkingsactie_input(PG_FUNCTION_ARGS)
{
	VwlValidation v;

	vwl_validation_init(&v, arg_complete(fcinfo, 1), true);
	validate_argument(fcinfo, &v);
	if (v.aantal > 0)
		vwl_validation_report(&v, false);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(v.resultaat));
}

/*
 * verwerkingsacties_fouten(acties jsonb) RETURNS TABLE(name text, code text,
 * reason text): every problem of every document of a batch.
 */
PG_FUNCTION_INFO_V1(vwl_verwerkingsacties_fouten);
Datum
vwl_verwerkingsacties_fouten(PG_FUNCTION_ARGS)
{
	VwlValidation v;

	vwl_validation_init(&v, false, false);
	(void) validate_array_argument(fcinfo, &v);
	return problems_as_rows(fcinfo, &v);
}

/*
 * _verwerkingsacties_input(acties jsonb) RETURNS jsonb: the array of
 * normalised documents, or one validation error listing every problem of
 * every item.
 */
PG_FUNCTION_INFO_V1(vwl_verwerkingsacties_input);
Datum
vwl_verwerkingsacties_input(PG_FUNCTION_ARGS)
{
	VwlValidation v;
	Jsonb	   *resultaat;

	vwl_validation_init(&v, false, true);
	resultaat = validate_array_argument(fcinfo, &v);
	if (v.aantal > 0)
		vwl_validation_report(&v, true);
	PG_RETURN_JSONB_P(resultaat);
}

/*
 * NULL if s (lengte bytes) is an absolute URI by the rules of this
 * validator, else the reason; for the LDV validator (ldv.c).
 */
const char *
vwl_uri_error(const char *s, int lengte)
{
	return uri_error(s, lengte);
}
