/*
 * list.c
 *		The rows of a page of GET /verwerkingsacties in C:
 *		_verwerkingsacties_rows, which _verwerkingsacties_page (65_read.sql)
 *		calls after its checks.
 *
 * The PL/pgSQL page fetched its cursor one row at a time and built each
 * row's document in the cursor's select list from a composite of the
 * version and an array_agg of composites of its objects (a subquery per
 * row): forming and taking apart those composites cost a fifth of a list.
 * Here one cursor joins each row of _matches with the objects of its action
 * about that object (the subquery's rows, now a parameterised scan of the
 * join) and selects plain columns; the rows of one action are consecutive,
 * and the document is built from them straight into the tuplestore.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "verwerkingenlog.h"
#include "settings.h"
#include "document.h"

/* Rows fetched from the cursor at a time. */
#define LIJST_BATCH 64

/* The columns before the object's: tijdstip, actie_id, volgorde of the match. */
#define LIJST_KEY_COLUMNS 3

/* The plans of the query, forward and backward, kept for the backend. */
static SPIPlanPtr lijst_plan[2] = {NULL, NULL};

/* The query of the rows, forward (newest first) or backward (terug). */
static char *
lijst_query(bool terug)
{
	StringInfoData q;
	const char *const *kolommen;
	int			aantal;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT t.tijdstip, t.actie_id, t.volgorde");
	kolommen = vwl_doc_object_columns(&aantal);
	for (int i = 0; i < aantal; i++)
		appendStringInfo(&q, ", x.%s", kolommen[i]);
	kolommen = vwl_doc_version_columns(&aantal);
	for (int i = 0; i < aantal; i++)
		appendStringInfo(&q, ", (t.v).%s", kolommen[i]);
	appendStringInfoString(&q, ", x.volgorde, (t.v).afnemer_versleuteld"
						   " FROM verwerkingenlog._matches($1, $2, $3, $4, $5, $6, $7) t"
						   " CROSS JOIN LATERAL (SELECT * FROM verwerkingenlog.verwerkt_object x"
						   " WHERE x.actie_id = t.actie_id AND x.volgnummer = (t.v).objecten_volgnummer"
						   " AND x.soort_object_id = $1 AND x.object_pseudoniem = $2) x");
	if (terug)
		appendStringInfoString(&q,
							   " WHERE (t.tijdstip, t.actie_id) > ($8, $9)"
							   " ORDER BY t.tijdstip, t.actie_id, t.volgorde");
	else
		appendStringInfoString(&q,
							   " WHERE (t.tijdstip, t.actie_id) < (coalesce($8, 'infinity'),"
							   " coalesce($9, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))"
							   " ORDER BY t.tijdstip DESC, t.actie_id DESC, t.volgorde DESC");
	return q.data;
}

/* The kept plan of the query; zichtbaar_type is vertrouwelijkheid[]. */
static SPIPlanPtr
lijst_plan_for(bool terug, Oid zichtbaar_type)
{
	if (lijst_plan[terug] == NULL)
	{
		Oid			types[9] = {TEXTOID, BYTEAOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID,
		zichtbaar_type, UUIDOID, TIMESTAMPTZOID, UUIDOID};
		SPIPlanPtr	plan;

		plan = SPI_prepare_cursor(lijst_query(terug), 9, types, CURSOR_OPT_FAST_PLAN);
		if (plan == NULL)
			elog(ERROR, "could not prepare the list's query: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep the list's query");
		lijst_plan[terug] = plan;
	}
	return lijst_plan[terug];
}

/* One object row of the action being collected. */
typedef struct LijstObject
{
	int16		volgorde;
	Datum	   *waarden;
	bool	   *nulls;
} LijstObject;

/* The action being collected: its first row and its objects. */
typedef struct LijstActie
{
	pg_uuid_t	actie;
	Datum		tijdstip;
	int16		eerste_match;	/* volgorde of its first match row */
	Datum	   *v_waarden;		/* that row, deformed */
	bool	   *v_nulls;
	LijstObject *objecten;
	int			aantal;
	int			ruimte;
} LijstActie;

/* Order of the objects: by volgorde, as array_agg(x ORDER BY x.volgorde). */
static int
object_cmp(const void *a, const void *b)
{
	int16		x = ((const LijstObject *) a)->volgorde;
	int16		y = ((const LijstObject *) b)->volgorde;

	return (x > y) - (x < y);
}

/* Write action a as a row of uit: its document, tijdstip and actie_id. */
static void
write_action(LijstActie *a, VwlDocColumns *kolommen, Tuplestorestate *uit,
			 TupleDesc uitdesc, MemoryContext doc_cxt)
{
	MemoryContext oud = MemoryContextSwitchTo(doc_cxt);
	Datum	  **ow = palloc(Max(a->aantal, 1) * sizeof(Datum *));
	bool	  **on = palloc(Max(a->aantal, 1) * sizeof(bool *));
	Datum		rij[3];
	bool		rij_null[3] = {false, false, false};

	qsort(a->objecten, a->aantal, sizeof(LijstObject), object_cmp);
	for (int j = 0; j < a->aantal; j++)
	{
		ow[j] = a->objecten[j].waarden;
		on[j] = a->objecten[j].nulls;
	}
	rij[0] = JsonbPGetDatum(vwl_doc_full(kolommen, a->v_waarden, a->v_nulls, a->aantal, ow, on));
	rij[1] = a->tijdstip;
	rij[2] = UUIDPGetDatum(&a->actie);
	tuplestore_putvalues(uit, uitdesc, rij, rij_null);
	MemoryContextSwitchTo(oud);
	MemoryContextReset(doc_cxt);
}

PG_FUNCTION_INFO_V1(vwl_verwerkingsacties_rows);

/*
 * verwerkingenlog._verwerkingsacties_rows(soort_object_id text, pseudoniem
 * bytea, objecttype text, van timestamptz, tot timestamptz, zichtbaar
 * vertrouwelijkheid[], activiteit uuid, na_tijdstip timestamptz, na_actie_id
 * uuid, terug boolean, aantal integer) RETURNS TABLE (document jsonb,
 * tijdstip timestamptz, actie_id uuid): the rows of one page of the list,
 * as _verwerkingsacties_page (65_read.sql) returns them, after its checks.
 */
Datum
vwl_verwerkingsacties_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	uitdesc;
	Tuplestorestate *uit;
	MemoryContext oud;
	MemoryContext actie_cxt;
	MemoryContext doc_cxt;
	Datum		params[9];
	char		nulls[9];
	bool		terug = !PG_ARGISNULL(9) && PG_GETARG_BOOL(9);
	int32		aantal = PG_ARGISNULL(10) ? -1 : PG_GETARG_INT32(10);
	Portal		portal;
	VwlDocColumns *kolommen = NULL;
	int			volgorde_kolom = 0;
	int			gezien = 0;
	bool		klaar = false;
	bool		bezig = false;
	LijstActie	a;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &uitdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (PG_ARGISNULL(5))
		elog(ERROR, "zichtbaar is required");
	oud = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	uitdesc = CreateTupleDescCopy(uitdesc);
	uit = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = uit;
	rsinfo->setDesc = uitdesc;
	MemoryContextSwitchTo(oud);
	vwl_settings_check();

	memset(nulls, ' ', sizeof(nulls));
	for (int i = 0; i < 9; i++)
	{
		params[i] = PG_ARGISNULL(i) ? (Datum) 0 : PG_GETARG_DATUM(i);
		if (PG_ARGISNULL(i))
			nulls[i] = 'n';
	}

	SPI_connect();
	portal = SPI_cursor_open(NULL,
							 lijst_plan_for(terug, get_array_type(ARR_ELEMTYPE(PG_GETARG_ARRAYTYPE_P(5)))),
							 params, nulls, true);
	/* (both in SPI's memory, which SPI_finish releases) */
	actie_cxt = AllocSetContextCreate(CurrentMemoryContext, "verwerkingsacties action",
									  ALLOCSET_DEFAULT_SIZES);
	doc_cxt = AllocSetContextCreate(CurrentMemoryContext, "verwerkingsacties document",
									ALLOCSET_DEFAULT_SIZES);

	/*
	 * Rows of one action are consecutive (the order of the person index);
	 * its objects are those joined to its first match row (every match row
	 * of an action is joined to the same objects).  An action is written
	 * when the next one starts or the rows end.
	 */
	while (!klaar)
	{
		TupleDesc	desc;

		SPI_cursor_fetch(portal, true, LIJST_BATCH);
		if (SPI_processed == 0)
			break;
		desc = SPI_tuptable->tupdesc;
		if (kolommen == NULL)
		{
			int			aantal_o;
			int			aantal_v;

			(void) vwl_doc_object_columns(&aantal_o);
			(void) vwl_doc_version_columns(&aantal_v);
			volgorde_kolom = LIJST_KEY_COLUMNS + aantal_o + aantal_v;
			if (desc->natts != volgorde_kolom + 2)
				elog(ERROR, "the list's query has %d columns, not %d", desc->natts, volgorde_kolom + 2);
			kolommen = vwl_doc_columns(desc, LIJST_KEY_COLUMNS, volgorde_kolom + 1,
									   CurrentMemoryContext);
		}
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = SPI_tuptable->vals[r];
			bool		leeg;
			Datum		id = SPI_getbinval(tup, desc, 2, &leeg);
			bool		nieuw;
			Datum	   *waarden;
			bool	   *isnull;

			if (leeg)
				elog(ERROR, "a row of the list has no actie_id");
			nieuw = !bezig || memcmp(DatumGetUUIDP(id)->data, a.actie.data, UUID_LEN) != 0;
			if (nieuw)
			{
				if (bezig)
				{
					write_action(&a, kolommen, uit, uitdesc, doc_cxt);
					bezig = false;
					MemoryContextReset(actie_cxt);
				}
				/* The object twice in one action: one row of the list. */
				gezien++;
				if (aantal >= 0 && gezien > aantal)
				{
					klaar = true;
					break;
				}
			}
			oud = MemoryContextSwitchTo(actie_cxt);
			tup = heap_copytuple(tup);
			waarden = palloc(desc->natts * sizeof(Datum));
			isnull = palloc(desc->natts * sizeof(bool));
			heap_deform_tuple(tup, desc, waarden, isnull);
			if (nieuw)
			{
				bezig = true;
				memcpy(a.actie.data, DatumGetUUIDP(waarden[1])->data, UUID_LEN);
				a.tijdstip = waarden[0];
				a.eerste_match = DatumGetInt16(waarden[2]);
				a.v_waarden = waarden;
				a.v_nulls = isnull;
				a.ruimte = 4;
				a.aantal = 0;
				a.objecten = palloc(a.ruimte * sizeof(LijstObject));
			}
			/* The objects of the action's first match row only. */
			if (DatumGetInt16(waarden[2]) == a.eerste_match)
			{
				if (a.aantal == a.ruimte)
				{
					a.ruimte *= 2;
					a.objecten = repalloc(a.objecten, a.ruimte * sizeof(LijstObject));
				}
				a.objecten[a.aantal].volgorde = DatumGetInt16(waarden[volgorde_kolom]);
				a.objecten[a.aantal].waarden = waarden;
				a.objecten[a.aantal].nulls = isnull;
				a.aantal++;
			}
			MemoryContextSwitchTo(oud);
		}
		SPI_freetuptable(SPI_tuptable);
	}
	if (bezig)
		write_action(&a, kolommen, uit, uitdesc, doc_cxt);
	SPI_cursor_close(portal);
	SPI_finish();
	return (Datum) 0;
}
