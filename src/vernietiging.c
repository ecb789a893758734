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
 * Whatever these say, nothing is destroyed sooner than the organisation's
 * minimum after the registration of the action's current version (the
 * setting verwerkingenlog.minimale_bewaartermijn, default P3M; empty: none):
 * a retention shortened by mistake (a PATCH with P0D, a register entry with
 * P0D, an inzage header Bewaartermijn: PT0S) destroys nothing before the
 * minimum has passed, so there is time to see it in the history and undo
 * it.  The default of three months is the longest time the GDPR gives an
 * organisation to answer a data subject's request (art. 12(3): one month,
 * extendable by two): the record of a processing, and of an inzage, is
 * still there when a request made right after it is answered.
 *
 * Runs and journals.  A run (table vernietiging_run: peilmoment, who, the
 * minimum and maximum in force) walks the log in the order of actieId in
 * batches; every batch commits (the procedure vernietig_verlopen_per_batch)
 * or all run in one transaction (the function vernietig_verlopen).  A
 * batch writes, in its own transaction, one row per destroyed action to
 * vernietigde_actie (actieId, verwerkingsactiviteitId, criterion, the
 * retention that applied: no personal data) and one row to
 * vernietiging_batch with the last actieId it examined: a crash loses at
 * most the batch in progress, and the run goes on from there.  An action is
 * journaled in the transaction that destroys it (and actie_id is unique in
 * the journal), so nothing is destroyed or journaled twice.
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
 * (append_only.c) lets DELETE through only while vwl_purge_door_open()
 * holds the door open, and only this file opens it, around two fixed
 * DELETE statements.  No SQL function opens it.
 *
 * Concurrency.  The SQL function vernietig_verlopen() picks the expired
 * actions with one snapshot and hands them to _vernietig() in batches.  A
 * writer that adds a version to an existing action (PUT, DELETE, PATCH)
 * first takes FOR NO KEY UPDATE on the action's first version (_lock).
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
 * Before it locks any row, a batch takes the Merkle tree's lock (ROW
 * EXCLUSIVE on verzegel_controlepunt, tree_lock.h), as re-encryption does
 * (EXCLUSIVE): the two wait for each other instead of deadlocking.
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
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "append_only.h"
#include "tree_lock.h"
#include "verantwoording.h"
#include "verwerkingenlog.h"

#define PG_GETARG_MOMENT_P(n)			((Moment *) PG_GETARG_POINTER(n))
#define PG_GETARG_BEWAARTERMIJN_P(n)	((Bewaartermijn *) PG_GETARG_POINTER(n))

/* The criteria, as _vernietigingscriterium returns them. */
#define CRITERIUM_OWN			1
#define CRITERIUM_REGISTRY		2
#define CRITERIUM_MAXIMUM		3

/*
 * Longest retention whose end is computed: 20000 years in each field of
 * the interval.  A moment lies in the years 0000..9999, so the end stays far
 * inside the range of timestamptz; anything longer never ends.
 */
#define MAX_MONTHS		(20000 * MONTHS_PER_YEAR)
#define MAX_DAYS		(20000 * 366)
#define MAX_TIME		((int64) 20000 * 366 * USECS_PER_DAY)

/* The end of a retention, from bewaartermijn.c (einde_bewaartermijn). */
extern Datum vwl_einde_bewaartermijn(PG_FUNCTION_ARGS);

/* Setting verwerkingenlog.minimale_bewaartermijn. */
char	   *vwl_minimale_bewaartermijn = NULL;

/* Statements of _vernietig, prepared once per backend. */
static SPIPlanPtr plan_run = NULL;
static SPIPlanPtr plan_lock = NULL;
static SPIPlanPtr plan_check = NULL;
static SPIPlanPtr plan_objecten = NULL;
static SPIPlanPtr plan_versions = NULL;

/*
 * Refuse with 42501 unless the caller (the outer role, not the owner of a
 * SECURITY DEFINER function) holds scope beheer.
 */
void
vwl_require_beheer(const char *doel)
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
elapsed(Moment *tijdstip, Bewaartermijn *termijn, TimestampTz peilmoment)
{
	Interval   *duur = vwl_bewaartermijn_interval(termijn);
	bool		too_long = duur->month > MAX_MONTHS || duur->day > MAX_DAYS ||
		duur->time > MAX_TIME;
	TimestampTz einde;

	pfree(duur);
	if (too_long)
		return false;
	einde = DatumGetTimestampTz(DirectFunctionCall2(vwl_einde_bewaartermijn,
													PointerGetDatum(tijdstip),
													PointerGetDatum(termijn)));
	if (tijdstip->nanos > 0)
		einde += 1;
	return einde <= peilmoment;
}

/*
 * Check hook of verwerkingenlog.minimale_bewaartermijn: an ISO 8601 duration,
 * or empty for none.
 */
static bool
check_minimum(char **newval, void **extra, GucSource source)
{
	Bewaartermijn b;
	const char *reason = NULL;

	if ((*newval)[0] == '\0')
		return true;
	if (!vwl_bewaartermijn_parse(*newval, strlen(*newval), &b, &reason))
	{
		GUC_check_errdetail("The value must be an ISO 8601 duration such as P3M (%s).",
							reason ? reason : "invalid");
		return false;
	}
	return true;
}

/*
 * Define the purge's settings (called from _PG_init, before the prefix is
 * reserved).  Superuser only: the minimum is what protects the log from a
 * retention shortened by mistake.
 */
void
vwl_define_vernietiging_settings(void)
{
	DefineCustomStringVariable("verwerkingenlog.minimale_bewaartermijn",
							   "The organisation's minimum retention: nothing is destroyed sooner after the registration of its current version.",
							   "An ISO 8601 duration such as P3M; empty: no minimum.  It applies whatever an action's bewaartermijn, the register or the maximum say.",
							   &vwl_minimale_bewaartermijn,
							   "P3M",
							   PGC_SUSET, 0,
							   check_minimum, NULL, NULL);
}

/*
 * Has the minimum passed at peilmoment for a version registered at
 * registratie?  The duration is added in the session's time zone; one too
 * long to compute an end for never passes.
 */
static bool
minimum_elapsed(TimestampTz registratie, Bewaartermijn *minimum, TimestampTz peilmoment)
{
	Interval   *duur = vwl_bewaartermijn_interval(minimum);
	bool		too_long = duur->month > MAX_MONTHS || duur->day > MAX_DAYS ||
		duur->time > MAX_TIME;
	TimestampTz einde;

	if (too_long)
	{
		pfree(duur);
		return false;
	}
	einde = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
													TimestampTzGetDatum(registratie),
													PointerGetDatum(duur)));
	pfree(duur);
	return einde <= peilmoment;
}

PG_FUNCTION_INFO_V1(vwl_vernietigingscriterium);

/*
 * verwerkingenlog._vernietigingscriterium(tijdstip moment, eigen
 * bewaartermijn, register bewaartermijn, maximum bewaartermijn, peilmoment
 * timestamptz, registratie timestamptz, minimum bewaartermijn) RETURNS
 * smallint: the first criterion by which an action with this tijdstip, its
 * own retention, the retention registered for its verwerkingsactiviteit and
 * the organisation's maximum is destroyed at peilmoment (1, 2 or 3), or NULL
 * when it is kept; always NULL while the minimum after registratie (the
 * registration of its current version) runs.
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
	if (PG_NARGS() >= 7 && !PG_ARGISNULL(5) && !PG_ARGISNULL(6) &&
		!minimum_elapsed(PG_GETARG_TIMESTAMPTZ(5), PG_GETARG_BEWAARTERMIJN_P(6), peilmoment))
		PG_RETURN_NULL();

	if (!PG_ARGISNULL(1))
	{
		if (elapsed(tijdstip, PG_GETARG_BEWAARTERMIJN_P(1), peilmoment))
			PG_RETURN_INT16(CRITERIUM_OWN);
	}
	else if (!PG_ARGISNULL(2) &&
			 elapsed(tijdstip, PG_GETARG_BEWAARTERMIJN_P(2), peilmoment))
		PG_RETURN_INT16(CRITERIUM_REGISTRY);
	if (!PG_ARGISNULL(3) &&
		elapsed(tijdstip, PG_GETARG_BEWAARTERMIJN_P(3), peilmoment))
		PG_RETURN_INT16(CRITERIUM_MAXIMUM);
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(vwl_require_beheer_fn);

/*
 * verwerkingenlog._require_beheer(doel text) RETURNS void: 42501 unless the
 * caller holds scope beheer.
 */
Datum
vwl_require_beheer_fn(PG_FUNCTION_ARGS)
{
	vwl_require_beheer(PG_ARGISNULL(0) ? "administer the log" :
					  text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(vwl_caller);

/*
 * verwerkingenlog._caller() RETURNS text: the name of the calling role (the
 * role of the session or of SET ROLE, not the owner of a SECURITY DEFINER
 * function), for journals.
 */
Datum
vwl_caller(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(GetUserNameFromId(GetOuterUserId(), false)));
}

/* The first column of the single row an SPI statement returned. */
static Datum
spi_value(int kolom, bool *isnull)
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
delete_rows(Datum acties, uint64 *objecten, uint64 *versies)
{
	Oid			types[1] = {UUIDARRAYOID};
	Datum		args[1] = {acties};
	int			rc;

	vwl_prepared(&plan_objecten,
			   "DELETE FROM verwerkingenlog.verwerkt_object"
			   " WHERE actie_id OPERATOR(pg_catalog.=) ANY ($1)",
			   1, types);
	vwl_prepared(&plan_versions,
			   "DELETE FROM verwerkingenlog.verwerkingsactie_versie"
			   " WHERE actie_id OPERATOR(pg_catalog.=) ANY ($1)",
			   1, types);

	vwl_purge_door_open();
	PG_TRY();
	{
		rc = SPI_execute_plan(plan_objecten, args, NULL, false, 0);
		if (rc != SPI_OK_DELETE)
			elog(ERROR, "destroying objects failed: %s", SPI_result_code_string(rc));
		*objecten = SPI_processed;
		rc = SPI_execute_plan(plan_versions, args, NULL, false, 0);
		if (rc != SPI_OK_DELETE)
			elog(ERROR, "destroying versions failed: %s", SPI_result_code_string(rc));
		*versies = SPI_processed;
	}
	PG_FINALLY();
	{
		vwl_purge_door_close();
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(vwl_vernietig);

/*
 * verwerkingenlog._vernietig(acties uuid[], run bigint, OUT
 * eigen_bewaartermijn bigint, OUT register bigint, OUT maximum bigint, OUT
 * overgeslagen bigint, OUT versies bigint, OUT objecten bigint): destroys
 * those of the given actions whose retention has ended at the peilmoment of
 * run (with the run's minimum and maximum), journals each in
 * vernietigde_actie, and says how many by which criterion, how many were
 * skipped (in use by a writer, no longer expired, or gone), and how many
 * version and object rows went.
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
	int64		run;
	TimestampTz peilmoment;
	Datum		maximum;
	Datum		minimum;
	bool		geen_maximum;
	bool		geen_minimum;
	Datum		vergrendeld;
	Datum		teweg;
	bool		isnull;
	int64		aantal;
	int64		per_criterium[3] = {0, 0, 0};
	uint64		versies = 0;
	uint64		objecten = 0;
	int			rc;

	vwl_require_beheer("destroy expired verwerkingsacties");
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
				 errmsg("run must not be null")));
	run = PG_GETARG_INT64(1);

	acties = PG_ARGISNULL(0) ? construct_empty_array(UUIDOID) : PG_GETARG_ARRAYTYPE_P(0);
	aantal = ArrayGetNItems(ARR_NDIM(acties), ARR_DIMS(acties));

	SPI_connect();

	/* The run: its peilmoment and the minimum and maximum it started with. */
	{
		Oid			types_run[1] = {INT8OID};
		Datum		args[1] = {Int64GetDatum(run)};

		vwl_prepared(&plan_run,
				   "SELECT r.peilmoment, r.maximale_bewaartermijn::text, r.minimale_bewaartermijn::text"
				   "  FROM verwerkingenlog.vernietiging_run r WHERE r.id OPERATOR(pg_catalog.=) $1",
				   1, types_run);
		rc = SPI_execute_plan(plan_run, args, NULL, true, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "reading the run failed: %s", SPI_result_code_string(rc));
		if (SPI_processed != 1)
			ereport(ERROR,
					(errcode(ERRCODE_NO_DATA_FOUND),
					 errmsg("purge run " INT64_FORMAT " does not exist", run)));
		peilmoment = DatumGetTimestampTz(spi_value(1, &isnull));
		maximum = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &geen_maximum);
		minimum = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &geen_minimum);
		if (!geen_maximum)
			maximum = PointerGetDatum(DatumGetTextPCopy(maximum));
		if (!geen_minimum)
			minimum = PointerGetDatum(DatumGetTextPCopy(minimum));
	}

	if (aantal > 0)
	{
		Oid			types_vergrendel[1] = {UUIDARRAYOID};
		Oid			types_controle[5] = {UUIDARRAYOID, TIMESTAMPTZOID, TEXTOID, TEXTOID, INT8OID};
		Datum		args[5];
		char		argnulls[5] = {' ', ' ', geen_maximum ? 'n' : ' ', geen_minimum ? 'n' : ' ', ' '};

		/*
		 * The tree's lock first, in the mode the destruction trigger takes
		 * it, before any row lock (tree_lock.h): a re-encryption that is
		 * running is waited for before this batch holds anything it needs.
		 */
		vwl_lock_tree(RowExclusiveLock);

		/*
		 * Lock the first version of every action that no writer holds; the
		 * others are left for a later run.
		 */
		vwl_prepared(&plan_lock,
				   "SELECT coalesce(pg_catalog.array_agg(g.actie_id), '{}')"
				   "  FROM (SELECT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v"
				   "         WHERE v.actie_id OPERATOR(pg_catalog.=) ANY ($1)"
				   "           AND v.volgnummer OPERATOR(pg_catalog.=) 1"
				   "           FOR UPDATE OF v SKIP LOCKED) g",
				   1, types_vergrendel);
		args[0] = PointerGetDatum(acties);
		rc = SPI_execute_plan(plan_lock, args, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "locking the actions failed: %s", SPI_result_code_string(rc));
		vergrendeld = spi_value(1, &isnull);

		/*
		 * Judge the locked actions again by their current version, with a
		 * snapshot taken after the lock: a writer that committed since the
		 * selection is seen, and no writer can commit until we do.  Journal
		 * each one to be destroyed, in this transaction: the journal and
		 * the destruction commit together or not at all.
		 */
		vwl_prepared(&plan_check,
				   "WITH c AS ("
				   "  SELECT v.actie_id, v.verwerkingsactiviteit_id, v.tijdstip, v.tijdstip_registratie,"
				   "         v.bewaartermijn AS eigen, r.bewaartermijn AS register,"
				   "         verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, r.bewaartermijn,"
				   "             $3::verwerkingenlog.bewaartermijn, $2, v.tijdstip_registratie,"
				   "             $4::verwerkingenlog.bewaartermijn) AS criterium"
				   "    FROM pg_catalog.unnest($1) AS a(actie_id)"
				   "   CROSS JOIN LATERAL (SELECT w.actie_id, w.tijdstip, w.bewaartermijn, w.verwerkingsactiviteit_id,"
				   "                              w.tijdstip_registratie"
				   "                         FROM verwerkingenlog.verwerkingsactie_versie w"
				   "                        WHERE w.actie_id OPERATOR(pg_catalog.=) a.actie_id"
				   "                        ORDER BY w.volgnummer DESC LIMIT 1) v"
				   "    LEFT JOIN verwerkingenlog.bewaartermijn_verwerkingsactiviteit r"
				   "           ON r.verwerkingsactiviteit_id OPERATOR(pg_catalog.=) v.verwerkingsactiviteit_id),"
				   " d AS ("
				   "  SELECT c.*, CASE c.criterium WHEN 1 THEN c.eigen WHEN 2 THEN c.register"
				   "                 ELSE $3::verwerkingenlog.bewaartermijn END AS termijn"
				   "    FROM c WHERE c.criterium IS NOT NULL),"
				   " j AS ("
				   "  INSERT INTO verwerkingenlog.vernietigde_actie"
				   "         (run, actie_id, verwerkingsactiviteit_id, criterium, bewaartermijn, verlopen_op, vernietigd_op)"
				   "  SELECT $5, d.actie_id, d.verwerkingsactiviteit_id,"
				   "         CASE d.criterium WHEN 1 THEN 'eigen_bewaartermijn' WHEN 2 THEN 'register' ELSE 'maximum' END,"
				   "         d.termijn,"
				   "         GREATEST(verwerkingenlog.einde_bewaartermijn(d.tijdstip, d.termijn),"
				   "                             d.tijdstip_registratie OPERATOR(pg_catalog.+)"
				   "                             ($4::verwerkingenlog.bewaartermijn)::pg_catalog.interval),"
				   "         pg_catalog.clock_timestamp()"
				   "    FROM d ORDER BY d.actie_id"
				   "  RETURNING actie_id, criterium)"
				   "SELECT coalesce(pg_catalog.array_agg(j.actie_id), '{}'),"
				   "       pg_catalog.count(*) FILTER (WHERE j.criterium OPERATOR(pg_catalog.=) 'eigen_bewaartermijn'),"
				   "       pg_catalog.count(*) FILTER (WHERE j.criterium OPERATOR(pg_catalog.=) 'register'),"
				   "       pg_catalog.count(*) FILTER (WHERE j.criterium OPERATOR(pg_catalog.=) 'maximum')"
				   "  FROM j",
				   5, types_controle);
		args[0] = vergrendeld;
		args[1] = TimestampTzGetDatum(peilmoment);
		args[2] = maximum;
		args[3] = minimum;
		args[4] = Int64GetDatum(run);
		rc = SPI_execute_plan(plan_check, args, argnulls, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "judging the actions failed: %s", SPI_result_code_string(rc));
		teweg = spi_value(1, &isnull);
		for (int i = 0; i < 3; i++)
			per_criterium[i] = DatumGetInt64(spi_value(i + 2, &isnull));

		/* Destroy them: objects, then versions. */
		if (per_criterium[0] + per_criterium[1] + per_criterium[2] > 0)
			delete_rows(teweg, &objecten, &versies);
	}
	SPI_finish();

	values[0] = Int64GetDatum(per_criterium[0]);
	values[1] = Int64GetDatum(per_criterium[1]);
	values[2] = Int64GetDatum(per_criterium[2]);
	values[3] = Int64GetDatum(aantal - per_criterium[0] - per_criterium[1] - per_criterium[2]);
	values[4] = Int64GetDatum((int64) versies);
	values[5] = Int64GetDatum((int64) objecten);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
