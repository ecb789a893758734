/*
 * inzage.c
 *		The inzage's page (GET /verwerkte-objecten) in C:
 *		_verwerkte_objecten_page and verwerkte_objecten.
 *
 * The PL/pgSQL page fetched its cursor one row at a time, formed a composite
 * datum of the object and of the version for every row, called the document
 * function per row and collected the documents in a tuplestore, which
 * verwerkte_objecten then copied into a second one; and the inzage's record
 * was committed by the record writer only after the last document, so the
 * inzage waited for the worker's process switches and its commit on top of
 * its own work.  Here the person index is walked through an SPI cursor over
 * _matches that selects plain columns (a kept plan, fetched in batches), the
 * documents are built from those columns straight into the caller's
 * tuplestore, and the record is sent to the record writer as soon as the
 * cursor's snapshot is taken: the worker commits it while the documents are
 * built, and the page waits for its answer before it returns anything
 * (C3677: rows reach the caller only when the function returns, after the
 * record is committed; the snapshot, taken before the record was sent, never
 * sees the record, so an inzage never lists itself).
 *
 * What it checks, in the order of the PL/pgSQL it replaced: the read scope
 * (_readable('inzage', _scopes())), the five required filters, a read-write
 * transaction, then the record of the inzage (_inzage_input, still SQL: its
 * errors name headers and settings), then the lookup.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/formatting.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/jsonfuncs.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "verwerkingenlog.h"
#include "settings.h"
#include "pseudoniem.h"
#include "document.h"
#include "record_writer.h"
#include "validation.h"

/* The C functions of scopes.c and verwerkingenlog.c called here. */
extern PGDLLEXPORT Datum vwl__scopes(PG_FUNCTION_ARGS);
extern PGDLLEXPORT Datum vwl_date_instant(PG_FUNCTION_ARGS);

/* Rows fetched from the cursor at a time when the page has no limit. */
#define INZAGE_BATCH 64

/* The page's columns before the object's (tijdstip, actie_id, volgorde). */
#define INZAGE_KEY_COLUMNS 3

/*
 * The plans of the page's query, forward (newest first, before a key) and
 * backward (after a key, oldest first), kept for the backend (SPI_keepplan:
 * the plan cache makes them again when what they depend on changes).
 */
static SPIPlanPtr page_plan[2] = {NULL, NULL};

/* What one call keeps (fn_extra): the functions it calls. */
typedef struct InzageCache
{
	FmgrInfo	readable;		/* _readable(text, integer, vertrouwelijkheid[]) */
	FmgrInfo	input;			/* _inzage_input(text, text, text) */
	Oid			write_inzage;	/* _write_inzage(jsonb) */
} InzageCache;

/* The query text of the page, forward or backward (terug). */
static char *
page_query(bool terug)
{
	StringInfoData q;
	const char *const *kolommen;
	int			aantal;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT t.tijdstip, t.actie_id, t.volgorde");
	kolommen = vwl_doc_object_columns(&aantal);
	for (int i = 0; i < aantal; i++)
		appendStringInfo(&q, ", (t.o).%s", kolommen[i]);
	kolommen = vwl_doc_version_columns(&aantal);
	for (int i = 0; i < aantal; i++)
		appendStringInfo(&q, ", (t.v).%s", kolommen[i]);
	appendStringInfoString(&q,
						   " FROM verwerkingenlog._matches($1, $2, $3, $4, $5, $6, $7) t");
	if (terug)
		appendStringInfoString(&q,
							   " WHERE (t.tijdstip, t.actie_id, t.volgorde) > ($8, $9, $10)"
							   " ORDER BY t.tijdstip, t.actie_id, t.volgorde");
	else
		appendStringInfoString(&q,
							   " WHERE (t.tijdstip, t.actie_id, t.volgorde) < (coalesce($8, 'infinity'),"
							   " coalesce($9, 'ffffffff-ffff-ffff-ffff-ffffffffffff'), coalesce($10, 32767))"
							   " ORDER BY t.tijdstip DESC, t.actie_id DESC, t.volgorde DESC");
	return q.data;
}

/* The kept plan of the page's query; zichtbaar_type is vertrouwelijkheid[]. */
static SPIPlanPtr
page_plan_for(bool terug, Oid zichtbaar_type)
{
	if (page_plan[terug] == NULL)
	{
		Oid			types[10] = {TEXTOID, BYTEAOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID,
		zichtbaar_type, UUIDOID, TIMESTAMPTZOID, UUIDOID, INT2OID};
		SPIPlanPtr	plan;

		plan = SPI_prepare_cursor(page_query(terug), 10, types, CURSOR_OPT_FAST_PLAN);
		if (plan == NULL)
			elog(ERROR, "could not prepare the inzage's query: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep the inzage's query");
		page_plan[terug] = plan;
	}
	return page_plan[terug];
}

/* The text of key naam of object j, or NULL. */
static text *
jsonb_text(JsonbContainer *j, const char *naam)
{
	JsonbValue	sleutel;
	JsonbValue *w;

	sleutel.type = jbvString;
	sleutel.val.string.val = (char *) naam;
	sleutel.val.string.len = strlen(naam);
	w = findJsonbValueFromContainer(j, JB_FOBJECT, &sleutel);
	if (w == NULL || w->type != jbvString)
		return NULL;
	return cstring_to_text_with_len(w->val.string.val, w->val.string.len);
}

/* d->'verwerkteObjecten'->0->>'objecttype' of the record d, or NULL. */
static text *
record_objecttype(Jsonb *d)
{
	JsonbValue	sleutel;
	JsonbValue *objecten;
	JsonbValue *eerste;

	sleutel.type = jbvString;
	sleutel.val.string.val = "verwerkteObjecten";
	sleutel.val.string.len = strlen("verwerkteObjecten");
	objecten = findJsonbValueFromContainer(&d->root, JB_FOBJECT, &sleutel);
	if (objecten == NULL || objecten->type != jbvBinary)
		return NULL;
	eerste = getIthJsonbValueFromContainer(objecten->val.binary.data, 0);
	if (eerste == NULL || eerste->type != jbvBinary)
		return NULL;
	return jsonb_text(eerste->val.binary.data, "objecttype");
}

/*
 * One page of the inzage: the arguments of _verwerkte_objecten_page (with
 * verwerkte_objecten's, no key and no limit), into tuplestore uit: each row's
 * document, then its sort key (tijdstip, actie_id, volgorde) when uitdesc
 * has those columns.
 */
static void
inzage_page(FunctionCallInfo fcinfo, bool terug, bool na_null[3], Datum na[3], int32 aantal,
			Tuplestorestate *uit, TupleDesc uitdesc)
{
	InzageCache *cache;
	Datum		zichtbaar;
	Datum		van = (Datum) 0;
	Datum		tot = (Datum) 0;
	bool		van_null = true;
	bool		tot_null = true;
	StringInfoData ontbreekt;
	Jsonb	   *d;
	text	   *soort;
	text	   *object_id;
	text	   *objecttype;
	bytea	   *pseudoniem;
	Datum		params[10];
	char		nulls[10];
	Portal		portal;
	VwlDocColumns *kolommen = NULL;
	MemoryContext rij_cxt;
	MemoryContext oud;
	int			gezien = 0;
	bool		klaar = false;

	if (fcinfo->flinfo->fn_extra == NULL)
	{
		Oid			tekst3[3] = {TEXTOID, TEXTOID, TEXTOID};
		Oid			jsonb1[1] = {JSONBOID};

		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(InzageCache));
		fmgr_info_cxt(vwl_own_function("_readable", -1, NULL, false), &cache->readable,
					  fcinfo->flinfo->fn_mcxt);
		fmgr_info_cxt(vwl_own_function("_inzage_input", 3, tekst3, false), &cache->input,
					  fcinfo->flinfo->fn_mcxt);
		cache->write_inzage = vwl_own_function("_write_inzage", 1, jsonb1, false);
		fcinfo->flinfo->fn_extra = cache;
	}
	cache = (InzageCache *) fcinfo->flinfo->fn_extra;

	/* zichtbaar := _readable('inzage', _scopes(), NULL): the scope first. */
	{
		LOCAL_FCINFO(fc, 3);
		Datum		scopes = DirectFunctionCall1(vwl__scopes, (Datum) 0);

		InitFunctionCallInfoData(*fc, &cache->readable, 3, InvalidOid, NULL, NULL);
		fc->args[0].value = CStringGetTextDatum("inzage");
		fc->args[0].isnull = false;
		fc->args[1].value = scopes;
		fc->args[1].isnull = false;
		fc->args[2].value = (Datum) 0;
		fc->args[2].isnull = true;
		zichtbaar = FunctionCallInvoke(fc);
		if (fc->isnull)
			elog(ERROR, "no readable levels");
	}
	if (!PG_ARGISNULL(3))
	{
		van = DirectFunctionCall1(vwl_date_instant, PG_GETARG_DATUM(3));
		van_null = false;
	}
	if (!PG_ARGISNULL(4))
	{
		tot = DirectFunctionCall1(vwl_date_instant, PG_GETARG_DATUM(4));
		tot_null = false;
	}

	/* A period must always be given (F4086): all five filters are required. */
	initStringInfo(&ontbreekt);
	{
		static const char *const regels[5] = {
			"objecttype: is required (required)",
			"soortObjectId: is required (required)",
			"objectId: is required (required)",
			"beginDatum: is required (required)",
			"eindDatum: is required (required)"
		};

		for (int i = 0; i < 5; i++)
			if (PG_ARGISNULL(i))
				appendStringInfo(&ontbreekt, "%s%s", ontbreekt.len > 0 ? "\n" : "", regels[i]);
	}
	if (ontbreekt.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("objecttype, soortObjectId, objectId, beginDatum and eindDatum are required"),
				 errdetail_internal("%s", ontbreekt.data)));

	/* An inzage must be logged; in a read-only transaction it cannot be. */
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("an inzage cannot be served in a read-only transaction"),
				 errdetail("Every inzage is logged as a verwerkingsactie (C3677); a read-only transaction cannot store it."),
				 errhint("Call it in a read-write transaction.  Under PostgREST, call /rpc/verwerkte_objecten_list and /rpc/verwerktobject_read with POST (the shipped nginx configuration maps GET onto POST).")));

	/* The record of this inzage, validated (its errors name the headers). */
	d = DatumGetJsonbP(FunctionCall3(&cache->input, PG_GETARG_DATUM(0),
									 PG_GETARG_DATUM(1), PG_GETARG_DATUM(2)));
	soort = PG_GETARG_TEXT_PP(1);
	object_id = PG_GETARG_TEXT_PP(2);
	objecttype = record_objecttype(d);
	pseudoniem = palloc(VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
	SET_VARSIZE(pseudoniem, VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
	vwl_pseudoniem_compute(VARDATA_ANY(soort), VARSIZE_ANY_EXHDR(soort),
						   VARDATA_ANY(object_id), VARSIZE_ANY_EXHDR(object_id),
						   (unsigned char *) VARDATA(pseudoniem));
	vwl_settings_check();

	params[0] = PointerGetDatum(soort);
	params[1] = PointerGetDatum(pseudoniem);
	params[2] = PointerGetDatum(objecttype);
	params[3] = van;
	params[4] = tot;
	params[5] = zichtbaar;
	params[6] = PG_ARGISNULL(5) ? (Datum) 0 : PG_GETARG_DATUM(5);
	params[7] = na[0];
	params[8] = na[1];
	params[9] = na[2];
	memset(nulls, ' ', sizeof(nulls));
	if (objecttype == NULL)
		nulls[2] = 'n';
	if (van_null)
		nulls[3] = 'n';
	if (tot_null)
		nulls[4] = 'n';
	if (PG_ARGISNULL(5))
		nulls[6] = 'n';
	for (int i = 0; i < 3; i++)
		if (na_null[i])
			nulls[7 + i] = 'n';

	/*
	 * The person index row by row in the list's order, one probe of the
	 * current version per row, until the page is full: a cursor, so that the
	 * plan is a fast-start one that stops, never a sort of all the person's
	 * rows.
	 */
	SPI_connect();
	portal = SPI_cursor_open(NULL,
							 page_plan_for(terug, get_array_type(ARR_ELEMTYPE(DatumGetArrayTypeP(zichtbaar)))),
							 params, nulls, false);

	/*
	 * The cursor holds its snapshot: the record, committed from now on by
	 * the record writer, is not in it.  The worker commits while the
	 * documents are built.
	 */
	vwl_record_begin(cache->write_inzage, d);

	rij_cxt = AllocSetContextCreate(CurrentMemoryContext, "inzage row",
									ALLOCSET_SMALL_SIZES);
	while (!klaar)
	{
		int			n = INZAGE_BATCH;

		if (aantal >= 0 && aantal - gezien + 1 < n)
			n = aantal - gezien + 1;
		SPI_cursor_fetch(portal, true, n);
		if (SPI_processed == 0)
			break;
		if (kolommen == NULL)
			kolommen = vwl_doc_columns(SPI_tuptable->tupdesc, INZAGE_KEY_COLUMNS, -1,
									   CurrentMemoryContext);
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			TupleDesc	desc = SPI_tuptable->tupdesc;
			Datum	   *waarden;
			bool	   *isnull;
			Datum		rij[4];
			bool		rij_null[4] = {false, false, false, false};

			gezien++;
			if (aantal >= 0 && gezien > aantal)
			{
				klaar = true;
				break;
			}
			oud = MemoryContextSwitchTo(rij_cxt);
			waarden = palloc(desc->natts * sizeof(Datum));
			isnull = palloc(desc->natts * sizeof(bool));
			heap_deform_tuple(SPI_tuptable->vals[r], desc, waarden, isnull);
			rij[0] = JsonbPGetDatum(vwl_doc_inzage(kolommen, waarden, isnull));
			for (int k = 0; k < INZAGE_KEY_COLUMNS; k++)
			{
				rij[1 + k] = waarden[k];
				rij_null[1 + k] = isnull[k];
			}
			tuplestore_putvalues(uit, uitdesc, rij, rij_null);
			MemoryContextSwitchTo(oud);
			MemoryContextReset(rij_cxt);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	/* (rij_cxt is in SPI's memory, which SPI_finish releases) */
	SPI_finish();

	/*
	 * The rows reach the caller when this function returns: after the
	 * record is committed (or its error is raised).
	 */
	(void) vwl_record_end();
}

/*
 * The tuplestore of a set-returning function in materialize mode, with
 * desc (a row of the function's result type); its own memory context.
 */
static Tuplestorestate *
materialize(FunctionCallInfo fcinfo, TupleDesc desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oud;
	Tuplestorestate *ts;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	oud = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	desc = CreateTupleDescCopy(desc);
	ts = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = ts;
	rsinfo->setDesc = desc;
	MemoryContextSwitchTo(oud);
	return ts;
}

PG_FUNCTION_INFO_V1(vwl_verwerkte_objecten_page);

/*
 * verwerkingenlog._verwerkte_objecten_page(objecttype, soort_object_id,
 * object_id, begin_datum, eind_datum, verwerkingsactiviteit_id,
 * na_tijdstip, na_actie_id, na_volgorde, terug, aantal) RETURNS TABLE
 * (document jsonb, tijdstip timestamptz, actie_id uuid, volgorde smallint):
 * one keyset page of GET /verwerkte-objecten, logged as an inzage (see
 * 70_inzage.sql).
 */
Datum
vwl_verwerkte_objecten_page(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Tuplestorestate *ts;
	bool		na_null[3];
	Datum		na[3];

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	ts = materialize(fcinfo, desc);
	for (int i = 0; i < 3; i++)
	{
		na_null[i] = PG_ARGISNULL(6 + i);
		na[i] = na_null[i] ? (Datum) 0 : PG_GETARG_DATUM(6 + i);
	}
	inzage_page(fcinfo, !PG_ARGISNULL(9) && PG_GETARG_BOOL(9), na_null, na,
				PG_ARGISNULL(10) ? -1 : PG_GETARG_INT32(10), ts,
				((ReturnSetInfo *) fcinfo->resultinfo)->setDesc);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(vwl_verwerkte_objecten);

/*
 * verwerkingenlog.verwerkte_objecten(objecttype, soort_object_id,
 * object_id, begin_datum, eind_datum[, verwerkingsactiviteit_id]) RETURNS
 * SETOF jsonb: GET /verwerkte-objecten, every row (one page without a key
 * and without a limit), logged as an inzage.
 */
Datum
vwl_verwerkte_objecten(PG_FUNCTION_ARGS)
{
	TupleDesc	desc = CreateTemplateTupleDesc(1);
	Tuplestorestate *ts;
	bool		na_null[3] = {true, true, true};
	Datum		na[3] = {0, 0, 0};

	TupleDescInitEntry(desc, (AttrNumber) 1, "verwerkte_objecten", JSONBOID, -1, 0);
	ts = materialize(fcinfo, desc);
	inzage_page(fcinfo, false, na_null, na, -1, ts,
				((ReturnSetInfo *) fcinfo->resultinfo)->setDesc);
	return (Datum) 0;
}

/*
 * _inzage_input in C (see 70_inzage.sql): the record of an inzage, from the
 * settings verwerkingenlog.inzage_* and the request headers.  The PL/pgSQL
 * it replaces cost a sixth of an inzage's instructions (a subquery, a cursor
 * over verwerkingsactie_fouten, a second validation); here the validator
 * runs once, and its normalised document is the result.
 */

/* The request headers the record takes, by their lower-case name. */
static const char *const koppen_namen[6][2] = {
	{"oin", "OIN"},
	{"verwerkingsactiviteitid", "VerwerkingsactiviteitId"},
	{"verwerkingsactiviteiturl", "VerwerkingsactiviteitUrl"},
	{"verwerkingid", "VerwerkingId"},
	{"vertrouwelijkheid", "Vertrouwelijkheid"},
	{"bewaartermijn", "Bewaartermijn"}
};

#define KOP_OIN 0
#define KOP_ACTIVITEIT_ID 1
#define KOP_ACTIVITEIT_URL 2
#define KOP_VERWERKING_ID 3
#define KOP_VERTROUWELIJKHEID 4
#define KOP_BEWAARTERMIJN 5

/*
 * The setting request.headers as a JSON object (_inzage_headers): NULL
 * when absent or empty; 22023 when it is not an object (a parse error that
 * the cast would report as 22P02 counts as "not an object"; any other, as
 * the cast reports it).
 */
static Jsonb *
request_headers(void)
{
	const char *tekst = GetConfigOption("request.headers", true, false);
	JsonLexContext *lex;
	JsonParseErrorType fout;
	Jsonb	   *koppen;

	if (tekst == NULL || tekst[0] == '\0')
		return NULL;
	lex = makeJsonLexContextCstringLen((char *) tekst, strlen(tekst), GetDatabaseEncoding(), true);
	fout = pg_parse_json(lex, &nullSemAction);
	if (fout != JSON_SUCCESS && fout != JSON_UNICODE_CODE_POINT_ZERO &&
		fout != JSON_UNICODE_HIGH_ESCAPE)
		koppen = NULL;
	else
	{
		if (fout != JSON_SUCCESS)
			json_ereport_error(fout, lex);
		koppen = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(tekst)));
	}
	if (koppen == NULL || !JB_ROOT_IS_OBJECT(koppen) || JB_ROOT_IS_SCALAR(koppen))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("setting \"request.headers\" is not a JSON object"),
				 errdetail("(headers): must be a JSON object of request headers (invalid_type)")));
	return koppen;
}

/* jsonb_typeof of a value. */
static const char *
vwl_jsonb_typeof(JsonbValue *w)
{
	switch (w->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "boolean";
		case jbvBinary:
			return JsonContainerIsArray(w->val.binary.data) ? "array" : "object";
		default:
			return "unknown";
	}
}

/* Push key and a string (NULL: null) onto st. */
static void
push_pair(JsonbParseState **st, const char *sleutel, const char *s, int len)
{
	JsonbValue	k;
	JsonbValue	w;

	k.type = jbvString;
	k.val.string.val = (char *) sleutel;
	k.val.string.len = strlen(sleutel);
	pushJsonbValue(st, WJB_KEY, &k);
	if (s == NULL)
		w.type = jbvNull;
	else
	{
		w.type = jbvString;
		w.val.string.val = (char *) s;
		w.val.string.len = len < 0 ? (int) strlen(s) : len;
	}
	pushJsonbValue(st, WJB_VALUE, &w);
}

/* A setting of the extension, NULL when empty (nullif(current_setting(...), '')). */
static const char *
setting_or_null(const char *naam)
{
	const char *w = GetConfigOption(naam, false, false);

	return (w == NULL || w[0] == '\0') ? NULL : w;
}

/* Append a detail line to fouten. */
static void
add_line(StringInfo fouten, int *aantal, const char *regel)
{
	if (*aantal > 0)
		appendStringInfoChar(fouten, '\n');
	appendStringInfoString(fouten, regel);
	(*aantal)++;
}

/* Whether fouten already has a line "naam: ...". */
static bool
has_line(StringInfo fouten, const char *naam)
{
	size_t		n = strlen(naam);
	const char *p = fouten->data;

	while (p != NULL && *p != '\0')
	{
		if (strncmp(p, naam, n) == 0 && p[n] == ':' && p[n + 1] == ' ')
			return true;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

/* The setting whose value became element naam of the record, or NULL. */
static const char *
setting_of(const char *naam)
{
	static const char *const paren[][2] = {
		{"actieNaam", "verwerkingenlog.inzage_actie_naam"},
		{"verwerkingNaam", "verwerkingenlog.inzage_verwerking_naam"},
		{"verwerkingsactiviteitId", "verwerkingenlog.inzage_verwerkingsactiviteit_id"},
		{"verwerkingsactiviteitUrl", "verwerkingenlog.inzage_verwerkingsactiviteit_url"},
		{"vertrouwelijkheid", "verwerkingenlog.inzage_vertrouwelijkheid"},
		{"bewaartermijn", "verwerkingenlog.inzage_bewaartermijn"},
		{"uitvoerder", "verwerkingenlog.inzage_uitvoerder"}
	};

	for (int i = 0; i < (int) lengthof(paren); i++)
		if (strcmp(naam, paren[i][0]) == 0)
			return paren[i][1];
	return NULL;
}

PG_FUNCTION_INFO_V1(vwl_inzage_input);

/*
 * verwerkingenlog._inzage_input(objecttype text, soort_object_id text,
 * object_id text) RETURNS jsonb: the normalised verwerkingsactie that
 * records an inzage about one object (see 70_inzage.sql); NULL, after
 * checking only the headers, when objecttype is NULL.
 */
Datum
vwl_inzage_input(PG_FUNCTION_ARGS)
{
	Jsonb	   *koppen = request_headers();
	bool		alleen_koppen = PG_ARGISNULL(0);
	char	   *kop[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
	int			koplen[6] = {0, 0, 0, 0, 0, 0};
	StringInfoData fouten;
	int			aantal = 0;
	JsonbParseState *st = NULL;
	JsonbValue *doc;
	Jsonb	   *d;
	VwlValidation v;
	JsonbValue	wortel;
	const char *rol;
	char	   *gebruiker;
	char		tijdstip[64];
	const char *w;

	initStringInfo(&fouten);

	/* Header values are strings; anything else cannot be a header. */
	for (int i = 0; i < 6 && koppen != NULL; i++)
	{
		JsonbValue	sleutel;
		JsonbValue *waarde;

		sleutel.type = jbvString;
		sleutel.val.string.val = (char *) koppen_namen[i][0];
		sleutel.val.string.len = strlen(koppen_namen[i][0]);
		waarde = findJsonbValueFromContainer(&koppen->root, JB_FOBJECT, &sleutel);
		if (waarde == NULL)
			continue;
		if (waarde->type != jbvString)
		{
			add_line(&fouten, &aantal,
					 psprintf("%s: must be a string, not %s (invalid_type)",
							  koppen_namen[i][1], vwl_jsonb_typeof(waarde)));
			continue;
		}
		kop[i] = pnstrdup(waarde->val.string.val, waarde->val.string.len);
		koplen[i] = waarde->val.string.len;
	}
	/*
	 * The OIN header names an organisation: exactly 20 digits (the validator
	 * only knows afnemerId as an id of at most 40 characters).
	 */
	if (kop[KOP_OIN] != NULL)
	{
		bool		oin = koplen[KOP_OIN] == 20;

		for (int i = 0; oin && i < 20; i++)
			oin = kop[KOP_OIN][i] >= '0' && kop[KOP_OIN][i] <= '9';
		if (!oin)
			add_line(&fouten, &aantal, "OIN: is not an OIN (exactly 20 digits) (invalid)");
	}
	/* A new action is never logged as opgeheven. */
	if (kop[KOP_VERTROUWELIJKHEID] != NULL &&
		strcmp(str_tolower(kop[KOP_VERTROUWELIJKHEID], koplen[KOP_VERTROUWELIJKHEID],
						   DEFAULT_COLLATION_OID), "opgeheven") == 0)
		add_line(&fouten, &aantal, "Vertrouwelijkheid: must be one of normaal, vertrouwelijk (invalid_choice)");

	/* The application that asked: the role PostgREST switched to. */
	/* (as current_setting shows it: "none" after SET SESSION AUTHORIZATION) */
	rol = GetConfigOptionByName("role", NULL, false);
	if (strcmp(rol, "none") == 0)
		rol = GetUserNameFromId(GetSessionUserId(), false);
	gebruiker = pnstrdup(rol, pg_mbcharcliplen(rol, strlen(rol), 40));
	{
		struct pg_tm tm;
		fsec_t		fsec;

		if (timestamp2tm(GetCurrentTransactionStartTimestamp(), NULL, &tm, &fsec, NULL, NULL) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		snprintf(tijdstip, sizeof(tijdstip), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
				 tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int) fsec);
	}

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_pair(&st, "actieNaam", setting_or_null("verwerkingenlog.inzage_actie_naam"), -1);
	push_pair(&st, "verwerkingNaam", setting_or_null("verwerkingenlog.inzage_verwerking_naam"), -1);
	push_pair(&st, "verwerkingsactiviteitId", setting_or_null("verwerkingenlog.inzage_verwerkingsactiviteit_id"), -1);
	push_pair(&st, "verwerkingsactiviteitUrl", setting_or_null("verwerkingenlog.inzage_verwerkingsactiviteit_url"), -1);
	if (kop[KOP_VERTROUWELIJKHEID] != NULL)
		push_pair(&st, "vertrouwelijkheid", kop[KOP_VERTROUWELIJKHEID], koplen[KOP_VERTROUWELIJKHEID]);
	else
	{
		w = GetConfigOption("verwerkingenlog.inzage_vertrouwelijkheid", false, false);
		push_pair(&st, "vertrouwelijkheid", w, -1);
	}
	if (kop[KOP_BEWAARTERMIJN] != NULL)
		push_pair(&st, "bewaartermijn", kop[KOP_BEWAARTERMIJN], koplen[KOP_BEWAARTERMIJN]);
	else
		push_pair(&st, "bewaartermijn", setting_or_null("verwerkingenlog.inzage_bewaartermijn"), -1);
	push_pair(&st, "uitvoerder", setting_or_null("verwerkingenlog.inzage_uitvoerder"), -1);
	/* The library serves only the SQL of its own version (versie.c). */
	push_pair(&st, "systeem", "verwerkingenlog " VWL_VERSIE, -1);
	push_pair(&st, "gebruiker", gebruiker, -1);
	push_pair(&st, "soortAfnemerId", kop[KOP_OIN] != NULL ? "OIN" : NULL, -1);
	push_pair(&st, "afnemerId", kop[KOP_OIN], koplen[KOP_OIN]);
	push_pair(&st, "verwerkingsactiviteitIdAfnemer", kop[KOP_ACTIVITEIT_ID], koplen[KOP_ACTIVITEIT_ID]);
	push_pair(&st, "verwerkingsactiviteitUrlAfnemer", kop[KOP_ACTIVITEIT_URL], koplen[KOP_ACTIVITEIT_URL]);
	push_pair(&st, "verwerkingIdAfnemer", kop[KOP_VERWERKING_ID], koplen[KOP_VERWERKING_ID]);
	push_pair(&st, "tijdstip", tijdstip, -1);
	{
		JsonbValue	k;

		k.type = jbvString;
		k.val.string.val = "verwerkteObjecten";
		k.val.string.len = strlen("verwerkteObjecten");
		pushJsonbValue(&st, WJB_KEY, &k);
		pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		if (alleen_koppen)
		{
			push_pair(&st, "objecttype", "persoon", -1);
			push_pair(&st, "soortObjectId", "BSN", -1);
			push_pair(&st, "objectId", "0", -1);
		}
		else
		{
			for (int i = 0; i < 3; i++)
			{
				static const char *const namen[3] = {"objecttype", "soortObjectId", "objectId"};

				if (PG_ARGISNULL(i))
					push_pair(&st, namen[i], NULL, 0);
				else
				{
					text	   *t = PG_GETARG_TEXT_PP(i);

					push_pair(&st, namen[i], VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				}
			}
		}
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
		pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	}
	doc = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	d = JsonbValueToJsonb(doc);

	/* Every problem, named after where its value came from. */
	vwl_validation_init(&v, false, true);
	vwl_jsonb_root(d, &wortel);
	vwl_validate_verwerkingsactie(&v, &wortel);
	for (int i = 0; i < v.aantal; i++)
	{
		const char *pnaam = v.problemen[i].naam;
		const char *code = v.problemen[i].code;
		const char *reden = v.problemen[i].reden;
		const char *naam = NULL;

		if (strcmp(pnaam, "afnemerId") == 0)
			naam = "OIN";
		else if (strcmp(pnaam, "verwerkingsactiviteitIdAfnemer") == 0)
			naam = "VerwerkingsactiviteitId";
		else if (strcmp(pnaam, "verwerkingsactiviteitUrlAfnemer") == 0)
			naam = "VerwerkingsactiviteitUrl";
		else if (strcmp(pnaam, "verwerkingIdAfnemer") == 0)
			naam = "VerwerkingId";
		else if (strcmp(pnaam, "vertrouwelijkheid") == 0)
			naam = kop[KOP_VERTROUWELIJKHEID] != NULL ? "Vertrouwelijkheid" : NULL;
		else if (strcmp(pnaam, "bewaartermijn") == 0)
			naam = kop[KOP_BEWAARTERMIJN] != NULL ? "Bewaartermijn" : NULL;
		else if (strcmp(pnaam, "verwerkteObjecten[0].objecttype") == 0)
			naam = "objecttype";
		else if (strcmp(pnaam, "verwerkteObjecten[0].soortObjectId") == 0)
			naam = "soortObjectId";
		else if (strcmp(pnaam, "verwerkteObjecten[0].objectId") == 0)
			naam = "objectId";

		if (naam != NULL && (strcmp(naam, "OIN") == 0 || strcmp(naam, "Vertrouwelijkheid") == 0) &&
			has_line(&fouten, naam))
			continue;			/* already named above */
		else if (naam != NULL && (strcmp(naam, "objecttype") == 0 || strcmp(naam, "soortObjectId") == 0 ||
								  strcmp(naam, "objectId") == 0))
		{
			if (!alleen_koppen)
				add_line(&fouten, &aantal, psprintf("%s: %s (%s)", naam, reden, code));
		}
		else if (naam != NULL && strcmp(naam, "Vertrouwelijkheid") == 0 &&
				 strcmp(code, "invalid_choice") == 0)
			add_line(&fouten, &aantal, "Vertrouwelijkheid: must be one of normaal, vertrouwelijk (invalid_choice)");
		else if (naam != NULL)
			add_line(&fouten, &aantal, psprintf("%s: %s (%s)", naam, reden, code));
		else
		{
			const char *instelling = setting_of(pnaam);

			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the inzage cannot be logged: setting %s %s",
							instelling ? instelling : "", reden),
					 errdetail("%s: %s (%s)", pnaam, reden, code),
					 errhint("Correct the verwerkingenlog.inzage_* settings.")));
		}
	}

	if (aantal > 0)
	{
		char	   *eerste = pnstrdup(fouten.data, strcspn(fouten.data, "\n"));

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid inzage: %s", eerste),
				 errdetail("%s", fouten.data)));
	}
	if (alleen_koppen)
		PG_RETURN_NULL();
	if (v.aantal > 0)			/* (every problem was named or raised above) */
		vwl_validation_report(&v, false);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(v.resultaat));
}
