/*
 * vwl_fuzz.c
 *		libFuzzer harnesses for the moment and bewaartermijn parsers and the
 *		document validator, run inside a real PostgreSQL backend.
 *
 * The parsers and the validator are server code: they allocate with
 * palloc, raise with ereport and walk jsonb containers.  Rather than
 * imitate the backend with a shim, the harness runs in one: test/fuzz/fuzz.sh
 * builds the extension's own C files (src) with this file into a module
 * instrumented for libFuzzer (-fsanitize=fuzzer-no-link,address), loads it
 * into a single-user backend started with AddressSanitizer preloaded, and
 * calls vwl_fuzz(harness, libFuzzer arguments), which hands control to
 * libFuzzer (LLVMFuzzerRunDriver) until the time is up.
 *
 * Every input runs in a memory context that is reset afterwards; an ERROR
 * is caught and its SQLSTATE checked.  A crash is what libFuzzer and ASan
 * find (a fault, an overflow, a use after free) and every broken property
 * below, which aborts:
 *
 * moment:  vwl_moment_parse accepts exactly what moment_in accepts; an
 *		accepted text prints back byte for byte (vwl_moment_format); refusals
 *		carry a reason and an SQLSTATE of class 22; binary input (moment_recv)
 *		either is refused (22P03, 08P01) or prints and parses back to itself.
 * bewaartermijn:  the same, and the canonical form is a fixed point: it
 *		parses back to the same value and prints the same; an accepted value
 *		always fits an interval.
 * document:  the input, if it is JSON, is validated as one document
 *		(partial and complete) and as a batch.  The problems obey the
 *		documented format (name without ':' or line break, reason without a
 *		line break, code [a-z_]+); no problems exactly when
 *		_verwerkingsactie_input accepts it, else 22023; the normalised
 *		document is valid jsonb (printing and parsing it gives the same
 *		bytes) and normalising it again gives it unchanged; the batch built
 *		directly in jsonb's binary format is valid jsonb too.
 * No error may be an internal error (SQLSTATE class XX, elog).
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_type_d.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "verwerkingenlog.h"
#include "validation.h"

/* libFuzzer's entry point for a program that has its own main. */
extern int	LLVMFuzzerRunDriver(int *argc, char ***argv,
								int (*cb) (const uint8_t *data, size_t size));

/* The fmgr functions under test (declared by their PG_FUNCTION_INFO_V1). */
extern PGDLLEXPORT Datum vwl_moment_recv(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum vwl_bewaartermijn_recv(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum vwl_verwerkingsactie_input(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum vwl_verwerkingsacties_input(PG_FUNCTION_ARGS);

/*
 * The context of one input, reset after it.  Static because libFuzzer's
 * callback takes no argument; one harness runs per backend.
 */
static MemoryContext invoer_cxt = NULL;

/* A broken property: say which, and abort so that libFuzzer keeps the input. */
static void
fout(const char *wat)
{
	fprintf(stderr, "vwl_fuzz: property violated: %s\n", wat);
	abort();
}

/*
 * Call f with up to two arguments; true with *uit set when it returned,
 * false with *code set when it raised an ERROR (an internal error aborts).
 */
static bool
probeer(PGFunction f, int nargs, Datum a, Datum b, Datum *uit, int *code)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool gelukt = true;

	PG_TRY();
	{
		if (nargs == 1)
			*uit = DirectFunctionCall1(f, a);
		else
			*uit = DirectFunctionCall2(f, a, b);
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		if (ERRCODE_TO_CATEGORY(e->sqlerrcode) == ERRCODE_TO_CATEGORY(ERRCODE_INTERNAL_ERROR))
		{
			fprintf(stderr, "vwl_fuzz: internal error: %s\n", e->message);
			fout("internal error");
		}
		*code = e->sqlerrcode;
		gelukt = false;
	}
	PG_END_TRY();
	return gelukt;
}

/* The input as a NUL-terminated string (up to its first NUL byte). */
static char *
als_cstring(const uint8_t *data, size_t size)
{
	return pnstrdup((const char *) data, size);
}

/* The input as a binary-input message buffer. */
static StringInfo
als_bericht(const uint8_t *data, size_t size)
{
	StringInfo	buf = makeStringInfo();

	appendBinaryStringInfo(buf, (const char *) data, (int) size);
	return buf;
}

/* A refusal of text input must be a data exception (class 22). */
static void
klasse_22(int code)
{
	if (ERRCODE_TO_CATEGORY(code) != ERRCODE_DATA_EXCEPTION)
		fout("text input refused with an SQLSTATE outside class 22");
}

/* A refusal of binary input: 22P03, or 08P01 for a short message. */
static void
binair_geweigerd(int code)
{
	if (code != ERRCODE_INVALID_BINARY_REPRESENTATION && code != ERRCODE_PROTOCOL_VIOLATION)
		fout("binary input refused with an unexpected SQLSTATE");
}

/* The moment harness. */
static void
fuzz_moment(const uint8_t *data, size_t size)
{
	Moment		m;
	const char *reden = NULL;
	char	   *tekst;
	Datum		d;
	int			code;
	bool		goed;

	goed = vwl_moment_parse((const char *) data, (int) size, &m, &reden);
	if (goed)
	{
		tekst = vwl_moment_format(&m);
		if (strlen(tekst) != size || memcmp(tekst, data, size) != 0)
			fout("an accepted moment does not print as supplied");
	}
	else if (reden == NULL || reden[0] == '\0')
		fout("moment refused without a reason");

	/* The SQL input function agrees with the parser. */
	tekst = als_cstring(data, size);
	goed = vwl_moment_parse(tekst, strlen(tekst), &m, NULL);
	if (probeer(vwl_moment_in, 1, CStringGetDatum(tekst), 0, &d, &code))
	{
		if (!goed)
			fout("moment_in accepts what vwl_moment_parse refuses");
		if (memcmp(DatumGetPointer(d), &m, sizeof(Moment)) != 0)
			fout("moment_in and vwl_moment_parse give different values");
	}
	else
	{
		if (goed)
			fout("moment_in refuses what vwl_moment_parse accepts");
		klasse_22(code);
	}

	/* Binary input: refused, or a value that prints and parses back. */
	if (probeer(vwl_moment_recv, 1, PointerGetDatum(als_bericht(data, size)), 0, &d, &code))
	{
		Moment	   *r = (Moment *) DatumGetPointer(d);
		Moment		terug;

		tekst = vwl_moment_format(r);
		if (!vwl_moment_parse(tekst, strlen(tekst), &terug, NULL) ||
			memcmp(&terug, r, sizeof(Moment)) != 0)
			fout("a moment from binary input does not round-trip");
	}
	else
		binair_geweigerd(code);
}

/* The bewaartermijn harness. */
static void
fuzz_bewaartermijn(const uint8_t *data, size_t size)
{
	Bewaartermijn b;
	const char *reden = NULL;
	char	   *tekst;
	Datum		d;
	int			code;
	bool		goed;

	goed = vwl_bewaartermijn_parse((const char *) data, (int) size, &b, &reden);
	if (goed)
	{
		Bewaartermijn terug;
		char	   *weer;

		/* The canonical text is a fixed point. */
		tekst = vwl_bewaartermijn_format(&b);
		if (!vwl_bewaartermijn_parse(tekst, strlen(tekst), &terug, &reden))
			fout("the canonical form of a bewaartermijn is refused");
		if (memcmp(&terug, &b, sizeof(Bewaartermijn)) != 0)
			fout("the canonical form of a bewaartermijn parses to another value");
		weer = vwl_bewaartermijn_format(&terug);
		if (strcmp(weer, tekst) != 0)
			fout("the canonical form of a bewaartermijn is not stable");
		/* The parser guarantees that it fits an interval. */
		(void) vwl_bewaartermijn_interval(&b);
	}
	else if (reden == NULL || reden[0] == '\0')
		fout("bewaartermijn refused without a reason");

	tekst = als_cstring(data, size);
	goed = vwl_bewaartermijn_parse(tekst, strlen(tekst), &b, NULL);
	if (probeer(vwl_bewaartermijn_in, 1, CStringGetDatum(tekst), 0, &d, &code))
	{
		if (!goed)
			fout("bewaartermijn_in accepts what vwl_bewaartermijn_parse refuses");
		if (memcmp(DatumGetPointer(d), &b, sizeof(Bewaartermijn)) != 0)
			fout("bewaartermijn_in and vwl_bewaartermijn_parse give different values");
	}
	else
	{
		if (goed)
			fout("bewaartermijn_in refuses what vwl_bewaartermijn_parse accepts");
		klasse_22(code);
	}

	if (probeer(vwl_bewaartermijn_recv, 1, PointerGetDatum(als_bericht(data, size)), 0, &d, &code))
	{
		Bewaartermijn *r = (Bewaartermijn *) DatumGetPointer(d);
		Bewaartermijn terug;

		tekst = vwl_bewaartermijn_format(r);
		if (!vwl_bewaartermijn_parse(tekst, strlen(tekst), &terug, NULL) ||
			memcmp(&terug, r, sizeof(Bewaartermijn)) != 0)
			fout("a bewaartermijn from binary input does not round-trip");
		(void) vwl_bewaartermijn_interval(r);
	}
	else
		binair_geweigerd(code);
}

/* The root of a jsonb datum as the validator takes it. */
static void
wortel(Jsonb *jb, JsonbValue *w)
{
	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (!JsonbExtractScalar(&jb->root, w))
			fout("jsonb scalar expected");
	}
	else
	{
		w->type = jbvBinary;
		w->val.binary.data = &jb->root;
		w->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
}

/* A jsonb datum is valid: printed and parsed again it has the same bytes. */
static void
geldige_jsonb(Jsonb *jb, const char *wat)
{
	char	   *tekst = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	Jsonb	   *weer = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(tekst)));

	if (VARSIZE(weer) != VARSIZE(jb) || memcmp(weer, jb, VARSIZE(jb)) != 0)
		fout(wat);
}

/* Each problem obeys the documented format of the error's detail lines. */
static void
problemen_vorm(const VwlValidation *v)
{
	for (int i = 0; i < v->aantal; i++)
	{
		const VwlProblem *p = &v->problemen[i];
		const char *c;

		if (p->naam == NULL || p->naam[0] == '\0' || strpbrk(p->naam, ":\n") != NULL)
			fout("a problem's name is empty or has ':' or a line break");
		if (p->reden == NULL || p->reden[0] == '\0' || strchr(p->reden, '\n') != NULL)
			fout("a problem's reason is empty or has a line break");
		if (p->code == NULL || p->code[0] == '\0')
			fout("a problem without a code");
		for (c = p->code; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
				fout("a problem's code is not [a-z_]+");
	}
}

/* One document, partial (POST) or complete (PUT). */
static void
document_valideren(Jsonb *jb, bool volledig)
{
	VwlValidation v;
	JsonbValue	doc;
	Datum		d;
	int			code;

	vwl_validation_init(&v, volledig, true);
	wortel(jb, &doc);
	vwl_validate_verwerkingsactie(&v, &doc);
	problemen_vorm(&v);
	if ((v.aantal == 0) != (v.resultaat != NULL))
		fout("a normalised document exactly when there are no problems");

	if (probeer(vwl_verwerkingsactie_input, 2, JsonbPGetDatum(jb), BoolGetDatum(volledig), &d, &code))
	{
		Jsonb	   *normaal = DatumGetJsonbP(d);
		Jsonb	   *eigen;
		Jsonb	   *weer;

		if (v.aantal != 0)
			fout("_verwerkingsactie_input accepts a document with problems");
		eigen = JsonbValueToJsonb(v.resultaat);
		if (VARSIZE(eigen) != VARSIZE(normaal) || memcmp(eigen, normaal, VARSIZE(eigen)) != 0)
			fout("two normalisations of one document differ");
		geldige_jsonb(normaal, "the normalised document is not valid jsonb");
		/* Normalising the normalised document changes nothing. */
		if (!probeer(vwl_verwerkingsactie_input, 2, JsonbPGetDatum(normaal), BoolGetDatum(volledig), &d, &code))
			fout("the normalised document is refused");
		weer = DatumGetJsonbP(d);
		if (VARSIZE(weer) != VARSIZE(normaal) || memcmp(weer, normaal, VARSIZE(weer)) != 0)
			fout("normalising twice is not normalising once");
	}
	else
	{
		if (v.aantal == 0)
			fout("_verwerkingsactie_input refuses a document without problems");
		if (code != ERRCODE_INVALID_PARAMETER_VALUE)
		{
			fprintf(stderr, "vwl_fuzz: SQLSTATE %s\n", unpack_sql_state(code));
			fout("an invalid document is refused with another SQLSTATE than 22023");
		}
	}
}

/* The document harness: JSON input as one document and as a batch. */
static void
fuzz_document(const uint8_t *data, size_t size)
{
	Datum		d;
	int			code;
	Jsonb	   *jb;

	char	   *tekst = als_cstring(data, size);

	/*
	 * Text reaches the server only in a valid encoding (the protocol and
	 * COPY check it before any input function), so neither may the fuzzer's.
	 */
	if (!pg_verifymbstr(tekst, strlen(tekst), true))
		return;
	if (!probeer(jsonb_in, 1, CStringGetDatum(tekst), 0, &d, &code))
		return;					/* not JSON: jsonb_in's business */
	jb = DatumGetJsonbP(d);
	document_valideren(jb, false);
	document_valideren(jb, true);

	if (probeer(vwl_verwerkingsacties_input, 1, JsonbPGetDatum(jb), 0, &d, &code))
	{
		Jsonb	   *reeks = DatumGetJsonbP(d);

		geldige_jsonb(reeks, "the normalised batch is not valid jsonb");
		if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb) ||
			JB_ROOT_COUNT(reeks) != JB_ROOT_COUNT(jb))
			fout("the normalised batch has another number of items than the input");
	}
	else if (code != ERRCODE_INVALID_PARAMETER_VALUE && code != ERRCODE_PROGRAM_LIMIT_EXCEEDED)
	{
		fprintf(stderr, "vwl_fuzz: SQLSTATE %s\n", unpack_sql_state(code));
		fout("an invalid batch is refused with an unexpected SQLSTATE");
	}
}

static void (*harness) (const uint8_t *data, size_t size) = NULL;

/* libFuzzer's callback: one input in its own memory context. */
static int
een_invoer(const uint8_t *data, size_t size)
{
	MemoryContext oud;

	if (size > INT_MAX / 2)
		return 0;
	oud = MemoryContextSwitchTo(invoer_cxt);
	PG_TRY();
	{
		harness(data, size);
	}
	PG_CATCH();
	{
		ErrorData  *e;

		/* Expected errors are caught where they may occur; not this one. */
		MemoryContextSwitchTo(invoer_cxt);
		e = CopyErrorData();
		fprintf(stderr, "vwl_fuzz: unexpected ERROR %s: %s\n",
				unpack_sql_state(e->sqlerrcode), e->message);
		fout("an ERROR where none may occur");
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oud);
	MemoryContextReset(invoer_cxt);
	return 0;
}

/*
 * vwl_fuzz(harness text, arguments text[]) RETURNS integer: run libFuzzer
 * on moment, bewaartermijn or document with the given libFuzzer arguments
 * (flags, then corpus folders).  libFuzzer ends the process when it is done.
 */
PG_FUNCTION_INFO_V1(vwl_fuzz);
Datum
vwl_fuzz(PG_FUNCTION_ARGS)
{
	char	   *naam = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *args = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			argc;
	char	  **argv;

	if (strcmp(naam, "moment") == 0)
		harness = fuzz_moment;
	else if (strcmp(naam, "bewaartermijn") == 0)
		harness = fuzz_bewaartermijn;
	else if (strcmp(naam, "document") == 0)
		harness = fuzz_document;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown harness \"%s\"", naam),
				 errhint("The harnesses are moment, bewaartermijn and document.")));

	deconstruct_array(args, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	argv = palloc0(sizeof(char *) * (n + 2));
	argv[0] = psprintf("vwl_fuzz_%s", naam);
	for (int i = 0; i < n; i++)
		argv[i + 1] = nulls[i] ? "" : TextDatumGetCString(elems[i]);
	argc = n + 1;

	invoer_cxt = AllocSetContextCreate(TopMemoryContext, "vwl_fuzz input",
									   ALLOCSET_DEFAULT_SIZES);
	PG_RETURN_INT32(LLVMFuzzerRunDriver(&argc, &argv, een_invoer));
}
