/*
 * vernietiging.c
 *		Destruction of verwerkingsacties whose retention has ended (C1697).
 *
 * The standard asks for a system function that periodically destroys the
 * actions whose retention has passed, by three criteria in this order:
 *
 *	1. the action's own bewaartermijn (that of its current version), counted
 *	   from its tijdstip;
 *	2. when it has none: the bewaartermijn registered for its
 *	   verwerkingsactiviteitId (table bewaartermijn_verwerkingsactiviteit);
 *	3. in any case: the organisation's maximum, the setting
 *	   verwerkingenlog.maximale_bewaartermijn (empty: none).
 *
 * An action is counted under the first criterion that destroys it.
 *
 * The boundary.  A retention R of an action with tijdstip T ends at
 * E = einde_bewaartermijn(T, R): R added to T's local date and time in T's
 * own offset.  The action is kept for as long as the retention runs, the
 * half-open period [T, E), and destroyed by a purge whose peilmoment P has
 * reached the end: E <= P.  So P = E - 1 microsecond keeps it and P = E
 * destroys it.  A tijdstip with digits beyond the microsecond ends that
 * fraction later, so E is rounded up to the next microsecond: never early.
 * A retention so long that its end lies beyond the year 9999 plus 60000
 * years never ends (the arithmetic would overflow).
 *
 * Destroying is the only way rows leave the log.  The append-only trigger
 * (onveranderlijk.c) lets DELETE through only while vwl_opschonen_begin()
 * holds the door open, and only this file opens it, around two fixed
 * DELETE statements.  No SQL function opens it.
 *
 * Concurrency.  The SQL function vernietig_verlopen() picks the expired
 * actions with one snapshot and hands them to _vernietig() in batches.  A
 * writer that adds a version to an existing action (PUT, DELETE, PATCH)
 * first takes FOR NO KEY UPDATE on the action's first version (_vergrendel).
 * _vernietig() takes FOR UPDATE on those rows with SKIP LOCKED, so:
 *
 *	- an action a writer is changing right now is skipped (counted as
 *	  overgeslagen) and the purge never waits for a writer;
 *	- a writer that comes later waits for the purge's transaction and then
 *	  finds the action gone (P0002);
 *	- an action changed and committed since the selection is judged again,
 *	  under the lock, by its new current version.
 *
 * New actions (POST) touch no row of an existing action and never wait.
 * The re-check needs a new snapshot per statement: _vernietig() refuses
 * REPEATABLE READ and SERIALIZABLE.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "onveranderlijk.h"
#include "verwerkingenlog.h"

#define PG_GETARG_MOMENT_P(n)			((Moment *) PG_GETARG_POINTER(n))
#define PG_GETARG_BEWAARTERMIJN_P(n)	((Bewaartermijn *) PG_GETARG_POINTER(n))

/* The criteria, as _vernietigingscriterium returns them. */
#define CRITERIUM_EIGEN			1
#define CRITERIUM_REGISTER		2
#define CRITERIUM_MAXIMUM		3

/*
 * Longest retention whose end is computed: 20000 years in each field of
 * the interval.  A moment lies in the years 0000..9999, so the end stays far
 * inside the range of timestamptz; anything longer never ends.
 */
#define MAX_MAANDEN		(20000 * MONTHS_PER_YEAR)
#define MAX_DAGEN		(20000 * 366)
#define MAX_TIJD		((int64) 20000 * 366 * USECS_PER_DAY)

/* The end of a retention, from bewaartermijn.c (einde_bewaartermijn). */
extern Datum vwl_einde_bewaartermijn(PG_FUNCTION_ARGS);

/* Statements of _vernietig, prepared once per backend. */
static SPIPlanPtr plan_vergrendel = NULL;
static SPIPlanPtr plan_controle = NULL;
static SPIPlanPtr plan_objecten = NULL;
static SPIPlanPtr plan_versies = NULL;

/*
 * Refuse with 42501 unless the caller (the outer role, not the owner of a
 * SECURITY DEFINER function) holds scope beheer.
 */
void
vwl_vereis_beheer(const char *doel)
{
	if ((vwl_scopes() & SCOPE_BEHEER) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("scope \"beheer\" is required to %s", doel),
				 errhint("Grant the role verwerkingenlog_beheer.")));
}

/*
 * Has the retention termijn of an action with this tijdstip ended at
 * peilmoment?  See the boundary above.
 */
static bool
verstreken(Moment *tijdstip, Bewaartermijn *termijn, TimestampTz peilmoment)
{
	Interval   *duur = vwl_bewaartermijn_interval(termijn);
	bool		te_lang = duur->month > MAX_MAANDEN || duur->day > MAX_DAGEN ||
		duur->time > MAX_TIJD;
	TimestampTz einde;

	pfree(duur);
	if (te_lang)
		return false;
	einde = DatumGetTimestampTz(DirectFunctionCall2(vwl_einde_bewaartermijn,
													PointerGetDatum(tijdstip),
													PointerGetDatum(termijn)));
	if (tijdstip->nanos > 0)
		einde += 1;
	return einde <= peilmoment;
}

PG_FUNCTION_INFO_V1(vwl_vernietigingscriterium);

/*
 * verwerkingenlog._vernietigingscriterium(tijdstip moment, eigen
 * bewaartermijn, register bewaartermijn, maximum bewaartermijn, peilmoment
 * timestamptz) RETURNS smallint: the first criterion by which an action with
 * this tijdstip, its own retention, the retention registered for its
 * verwerkingsactiviteit and the organisation's maximum is destroyed at
 * peilmoment (1, 2 or 3), or NULL when it is kept.
 */
Datum
vwl_vernietigingscriterium(PG_FUNCTION_ARGS)
{
	Moment	   *tijdstip;
	TimestampTz peilmoment;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(4))
		PG_RETURN_NULL();
	tijdstip = PG_GETARG_MOMENT_P(0);
	peilmoment = PG_GETARG_TIMESTAMPTZ(4);

	if (!PG_ARGISNULL(1))
	{
		if (verstreken(tijdstip, PG_GETARG_BEWAARTERMIJN_P(1), peilmoment))
			PG_RETURN_INT16(CRITERIUM_EIGEN);
	}
	else if (!PG_ARGISNULL(2) &&
			 verstreken(tijdstip, PG_GETARG_BEWAARTERMIJN_P(2), peilmoment))
		PG_RETURN_INT16(CRITERIUM_REGISTER);
	if (!PG_ARGISNULL(3) &&
		verstreken(tijdstip, PG_GETARG_BEWAARTERMIJN_P(3), peilmoment))
		PG_RETURN_INT16(CRITERIUM_MAXIMUM);
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(vwl_vereis_beheer_fn);

/*
 * verwerkingenlog._vereis_beheer(doel text) RETURNS void: 42501 unless the
 * caller holds scope beheer.
 */
Datum
vwl_vereis_beheer_fn(PG_FUNCTION_ARGS)
{
	vwl_vereis_beheer(PG_ARGISNULL(0) ? "administer the log" :
					  text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(vwl_beller);

/*
 * verwerkingenlog._beller() RETURNS text: the name of the calling role (the
 * role of the session or of SET ROLE, not the owner of a SECURITY DEFINER
 * function), for journals.
 */
Datum
vwl_beller(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(GetUserNameFromId(GetOuterUserId(), false)));
}

/* Prepare a statement once per backend and keep it. */
static SPIPlanPtr
voorbereid(SPIPlanPtr *plan, const char *sql, int nargs, Oid *argtypes)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, nargs, argtypes);

		if (p == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql,
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "could not keep plan for \"%s\"", sql);
		*plan = p;
	}
	return *plan;
}

/* The first column of the single row an SPI statement returned. */
static Datum
spi_waarde(int kolom, bool *isnull)
{
	if (SPI_processed != 1)
		elog(ERROR, "expected one row, got " UINT64_FORMAT, SPI_processed);
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, kolom,
						 isnull);
}

/*
 * Delete the objects and versions of the actions in the uuid[] acties: the
 * only statements that run with the door open.  Inside SPI.
 */
static void
verwijderen(Datum acties, uint64 *objecten, uint64 *versies)
{
	Oid			types[1] = {UUIDARRAYOID};
	Datum		args[1] = {acties};
	int			rc;

	voorbereid(&plan_objecten,
			   "DELETE FROM verwerkingenlog.verwerkt_object"
			   " WHERE actie_id OPERATOR(pg_catalog.=) ANY ($1)",
			   1, types);
	voorbereid(&plan_versies,
			   "DELETE FROM verwerkingenlog.verwerkingsactie_versie"
			   " WHERE actie_id OPERATOR(pg_catalog.=) ANY ($1)",
			   1, types);

	vwl_opschonen_begin();
	PG_TRY();
	{
		rc = SPI_execute_plan(plan_objecten, args, NULL, false, 0);
		if (rc != SPI_OK_DELETE)
			elog(ERROR, "destroying objects failed: %s", SPI_result_code_string(rc));
		*objecten = SPI_processed;
		rc = SPI_execute_plan(plan_versies, args, NULL, false, 0);
		if (rc != SPI_OK_DELETE)
			elog(ERROR, "destroying versions failed: %s", SPI_result_code_string(rc));
		*versies = SPI_processed;
	}
	PG_FINALLY();
	{
		vwl_opschonen_einde();
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(vwl_vernietig);

/*
 * verwerkingenlog._vernietig(acties uuid[], peilmoment timestamptz, OUT
 * eigen_bewaartermijn bigint, OUT register bigint, OUT maximum bigint, OUT
 * overgeslagen bigint, OUT versies bigint, OUT objecten bigint): destroys
 * those of the given actions whose retention has ended at peilmoment (all
 * their versions and objects) and says how many by which criterion, how many
 * were skipped (in use by a writer, no longer expired, or gone), and how
 * many version and object rows went.
 *
 * Every action is judged again here, under a lock and with a new snapshot,
 * so the ids are only candidates: nothing that has not expired is ever
 * destroyed, whoever calls this.
 */
Datum
vwl_vernietig(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	ArrayType  *acties;
	TimestampTz peilmoment;
	Datum		maximum;
	bool		geen_maximum;
	Datum		vergrendeld;
	Datum		teweg;
	bool		isnull;
	int64		aantal;
	int64		per_criterium[3] = {0, 0, 0};
	uint64		versies = 0;
	uint64		objecten = 0;
	int			rc;

	vwl_vereis_beheer("destroy expired verwerkingsacties");
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("expired verwerkingsacties can only be destroyed at isolation level READ COMMITTED"),
				 errdetail("Each action is judged again after it is locked, which needs a new snapshot.")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("peilmoment must not be null")));
	peilmoment = PG_GETARG_TIMESTAMPTZ(1);
	if (peilmoment > GetCurrentTransactionStartTimestamp())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("peilmoment must not lie in the future"),
				 errdetail("Only what has expired by now may be destroyed.")));

	acties = PG_ARGISNULL(0) ? construct_empty_array(UUIDOID) : PG_GETARG_ARRAYTYPE_P(0);
	aantal = ArrayGetNItems(ARR_NDIM(acties), ARR_DIMS(acties));
	geen_maximum = vwl_maximale_bewaartermijn == NULL ||
		vwl_maximale_bewaartermijn[0] == '\0';
	maximum = geen_maximum ? (Datum) 0 : CStringGetTextDatum(vwl_maximale_bewaartermijn);

	if (aantal > 0)
	{
		Oid			types_vergrendel[1] = {UUIDARRAYOID};
		Oid			types_controle[3] = {UUIDARRAYOID, TIMESTAMPTZOID, TEXTOID};
		Datum		args[3];
		char		argnulls[3] = {' ', ' ', geen_maximum ? 'n' : ' '};

		SPI_connect();

		/*
		 * Lock the first version of every action that no writer holds; the
		 * others are left for a later run.
		 */
		voorbereid(&plan_vergrendel,
				   "SELECT coalesce(pg_catalog.array_agg(g.actie_id), '{}')"
				   "  FROM (SELECT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v"
				   "         WHERE v.actie_id OPERATOR(pg_catalog.=) ANY ($1)"
				   "           AND v.volgnummer OPERATOR(pg_catalog.=) 1"
				   "           FOR UPDATE OF v SKIP LOCKED) g",
				   1, types_vergrendel);
		args[0] = PointerGetDatum(acties);
		rc = SPI_execute_plan(plan_vergrendel, args, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "locking the actions failed: %s", SPI_result_code_string(rc));
		vergrendeld = spi_waarde(1, &isnull);

		/*
		 * Judge the locked actions again by their current version, with a
		 * snapshot taken after the lock: a writer that committed since the
		 * selection is seen, and no writer can commit until we do.
		 */
		voorbereid(&plan_controle,
				   "WITH c AS ("
				   "  SELECT v.actie_id,"
				   "         verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, r.bewaartermijn,"
				   "             $3::verwerkingenlog.bewaartermijn, $2) AS criterium"
				   "    FROM pg_catalog.unnest($1) AS a(actie_id)"
				   "   CROSS JOIN LATERAL (SELECT w.actie_id, w.tijdstip, w.bewaartermijn, w.verwerkingsactiviteit_id"
				   "                         FROM verwerkingenlog.verwerkingsactie_versie w"
				   "                        WHERE w.actie_id OPERATOR(pg_catalog.=) a.actie_id"
				   "                        ORDER BY w.volgnummer DESC LIMIT 1) v"
				   "    LEFT JOIN verwerkingenlog.bewaartermijn_verwerkingsactiviteit r"
				   "           ON r.verwerkingsactiviteit_id OPERATOR(pg_catalog.=) v.verwerkingsactiviteit_id)"
				   "SELECT coalesce(pg_catalog.array_agg(c.actie_id) FILTER (WHERE c.criterium IS NOT NULL), '{}'),"
				   "       pg_catalog.count(*) FILTER (WHERE c.criterium OPERATOR(pg_catalog.=) 1),"
				   "       pg_catalog.count(*) FILTER (WHERE c.criterium OPERATOR(pg_catalog.=) 2),"
				   "       pg_catalog.count(*) FILTER (WHERE c.criterium OPERATOR(pg_catalog.=) 3)"
				   "  FROM c",
				   3, types_controle);
		args[0] = vergrendeld;
		args[1] = TimestampTzGetDatum(peilmoment);
		args[2] = maximum;
		rc = SPI_execute_plan(plan_controle, args, argnulls, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "judging the actions failed: %s", SPI_result_code_string(rc));
		teweg = spi_waarde(1, &isnull);
		for (int i = 0; i < 3; i++)
			per_criterium[i] = DatumGetInt64(spi_waarde(i + 2, &isnull));

		/* Destroy them: objects, then versions. */
		if (per_criterium[0] + per_criterium[1] + per_criterium[2] > 0)
			verwijderen(teweg, &objecten, &versies);
		SPI_finish();
	}

	values[0] = Int64GetDatum(per_criterium[0]);
	values[1] = Int64GetDatum(per_criterium[1]);
	values[2] = Int64GetDatum(per_criterium[2]);
	values[3] = Int64GetDatum(aantal - per_criterium[0] - per_criterium[1] - per_criterium[2]);
	values[4] = Int64GetDatum((int64) versies);
	values[5] = Int64GetDatum((int64) objecten);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
