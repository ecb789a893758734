/*
 * vastleggen.c
 *		Commit a record in a transaction of its own, before the caller goes on:
 *		the door through which every inzage leaves its record (C3677).
 *
 * Rows of an inzage may reach the caller only if the record of that inzage
 * is committed, whatever the caller's transaction does afterwards (ROLLBACK,
 * ROLLBACK TO SAVEPOINT, ROLLBACK PREPARED, a later error).  A record
 * written in the caller's own transaction cannot promise that, and refusing
 * transaction blocks would refuse PostgREST, which runs every request inside
 * one.  So the record is written by a short-lived dynamic background worker
 * that connects to the same database as the extension's owner, calls the
 * writer function it is given in its own transaction, commits (synchronous
 * commit, as the server is configured), reports the result and exits; the
 * caller waits for it and only then returns its rows.  When the worker
 * fails, the caller raises its error, so no row is served without a record.
 *
 * verwerkingenlog._vastleggen(functie regprocedure, invoer jsonb) is the
 * door: functie must be a function of the extension taking one jsonb (the
 * inzage's _schrijf_inzage, or any later record writer, such as LDV's).
 * It is for the owner only; the extension's SECURITY DEFINER functions call
 * it.
 *
 * The worker receives the caller's verwerkingenlog.* settings (the key file,
 * base_url, ...), so it writes exactly what the caller would have written.
 * It takes a background worker slot (max_worker_processes) for the few
 * milliseconds it lives; when none is free the caller waits up to a second
 * for one, then fails with 53000.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "catalog/dependency.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/wait_event.h"

#include "verwerkingenlog.h"
#include "vastleggen.h"

/* Sizes of the messages the worker hands back. */
#define VASTLEGGEN_TEKST	1024

/* What the worker has done. */
typedef enum VastleggenStatus
{
	VASTLEGGEN_BEZIG = 0,		/* not done (or it died) */
	VASTLEGGEN_GEDAAN,			/* committed; resultaat holds the result */
	VASTLEGGEN_FOUT				/* failed; the error fields are filled */
} VastleggenStatus;

/*
 * The shared memory of one call: what to do, then what came of it.  After
 * the fixed part: the input as jsonb text, then the settings as pairs of
 * terminated strings.
 */
typedef struct VastleggenShm
{
	Oid			database;
	Oid			rol;
	Oid			functie;
	Size		invoer_lengte;	/* bytes of input text, with its terminator */
	int			instellingen;	/* how many name/value pairs follow it */
	VastleggenStatus status;
	int			sqlerrcode;
	char		resultaat[VASTLEGGEN_TEKST];
	char		message[VASTLEGGEN_TEKST];
	char		detail[VASTLEGGEN_TEKST];
	char		hint[VASTLEGGEN_TEKST];
	char		data[FLEXIBLE_ARRAY_MEMBER];
} VastleggenShm;

PGDLLEXPORT void vwl_vastleggen_main(Datum arg);

/* Copy at most VASTLEGGEN_TEKST - 1 bytes of s into buf, terminated. */
static void
kopieer_tekst(char *buf, const char *s)
{
	if (s == NULL)
		buf[0] = '\0';
	else
		strlcpy(buf, s, VASTLEGGEN_TEKST);
}

/*
 * The background worker: connect, call functie(invoer) in a transaction of
 * its own, commit, report.
 */
void
vwl_vastleggen_main(Datum arg)
{
	dsm_segment *seg;
	VastleggenShm *shm;
	MemoryContext oud;

	BackgroundWorkerUnblockSignals();
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the shared memory of a record to commit")));
	shm = (VastleggenShm *) dsm_segment_address(seg);
	BackgroundWorkerInitializeConnectionByOid(shm->database, shm->rol, 0);
	pgstat_report_appname("verwerkingenlog record writer");

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	oud = CurrentMemoryContext;
	PG_TRY();
	{
		const char *p = shm->data + shm->invoer_lengte;
		Datum		invoer;
		Oid			argtype = JSONBOID;
		int			ret;
		char	   *sql;

		/* The caller's settings of the extension. */
		for (int i = 0; i < shm->instellingen; i++)
		{
			const char *naam = p;
			const char *waarde = naam + strlen(naam) + 1;

			SetConfigOption(naam, waarde, PGC_SUSET, PGC_S_SESSION);
			p = waarde + strlen(waarde) + 1;
		}
		/* Never wait forever on a lock the caller might hold. */
		SetConfigOption("lock_timeout", "10s", PGC_SUSET, PGC_S_SESSION);

		PushActiveSnapshot(GetTransactionSnapshot());
		SPI_connect();
		invoer = DirectFunctionCall1(jsonb_in, CStringGetDatum(shm->data));
		sql = psprintf("SELECT %s($1)::pg_catalog.text",
					   quote_qualified_identifier(get_namespace_name(get_func_namespace(shm->functie)),
												  get_func_name(shm->functie)));
		ret = SPI_execute_with_args(sql, 1, &argtype, &invoer, NULL, false, 1);
		if (ret != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "the record writer returned no row: %d", ret);
		kopieer_tekst(shm->resultaat,
					  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		shm->status = VASTLEGGEN_GEDAAN;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oud);
		edata = CopyErrorData();
		shm->sqlerrcode = edata->sqlerrcode;
		kopieer_tekst(shm->message, edata->message);
		kopieer_tekst(shm->detail, edata->detail);
		kopieer_tekst(shm->hint, edata->hint);
		shm->status = VASTLEGGEN_FOUT;
		/* Into the server log too, where the worker's own errors belong. */
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
	}
	PG_END_TRY();
	dsm_detach(seg);
	proc_exit(0);
}

/* The owner of the extension, as whom the worker connects. */
static Oid
extensie_eigenaar(void)
{
	Oid			ext = get_extension_oid("verwerkingenlog", false);
	Oid			eigenaar = InvalidOid;
	int			ret;

	SPI_connect();
	ret = SPI_execute_with_args("SELECT extowner FROM pg_catalog.pg_extension WHERE oid OPERATOR(pg_catalog.=) $1",
								1, (Oid[]) {OIDOID}, (Datum[]) {ObjectIdGetDatum(ext)},
								NULL, true, 1);
	if (ret == SPI_OK_SELECT && SPI_processed == 1)
	{
		bool		isnull;

		eigenaar = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0],
												  SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	if (!OidIsValid(eigenaar))
		elog(ERROR, "could not find the owner of extension verwerkingenlog");
	return eigenaar;
}

/*
 * The settings of the extension that differ from their defaults, as
 * name/value pairs of terminated strings; *aantal gets their number.
 */
static StringInfo
instellingen(int *aantal)
{
	StringInfo	buf = makeStringInfo();
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();

	*aantal = 0;
	for (int i = 0; i < n; i++)
	{
		struct config_generic *g = vars[i];
		const char *waarde;

		if (strncmp(g->name, "verwerkingenlog.", 16) != 0 ||
			(g->flags & GUC_CUSTOM_PLACEHOLDER) || g->source <= PGC_S_DEFAULT)
			continue;
		waarde = GetConfigOption(g->name, true, false);
		if (waarde == NULL)
			continue;
		appendBinaryStringInfo(buf, g->name, strlen(g->name) + 1);
		appendBinaryStringInfo(buf, waarde, strlen(waarde) + 1);
		(*aantal)++;
	}
	return buf;
}

/*
 * Call functie(invoer) in a transaction of its own, committed before this
 * returns; returns the function's result as text (palloc'd), or raises the
 * worker's error.
 */
char *
vwl_vastleggen(Oid functie, Jsonb *invoer)
{
	char	   *tekst = JsonbToCString(NULL, &invoer->root, VARSIZE(invoer));
	Size		lengte = strlen(tekst) + 1;
	int			aantal;
	StringInfo	inst = instellingen(&aantal);
	dsm_segment *seg;
	VastleggenShm *shm;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle = NULL;
	BgwHandleStatus status;
	char	   *result;

	if (RecoveryInProgress() || XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("a record cannot be committed in a read-only transaction")));

	seg = dsm_create(offsetof(VastleggenShm, data) + lengte + inst->len, 0);
	shm = (VastleggenShm *) dsm_segment_address(seg);
	memset(shm, 0, offsetof(VastleggenShm, data));
	shm->database = MyDatabaseId;
	shm->rol = extensie_eigenaar();
	shm->functie = functie;
	shm->invoer_lengte = lengte;
	shm->instellingen = aantal;
	shm->status = VASTLEGGEN_BEZIG;
	memcpy(shm->data, tekst, lengte);
	memcpy(shm->data + lengte, inst->data, inst->len);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "verwerkingenlog");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "vwl_vastleggen_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "verwerkingenlog record writer for PID %d", MyProcPid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "verwerkingenlog record writer");
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;

	/* Wait up to a second for a free slot. */
	for (int poging = 0; !RegisterDynamicBackgroundWorker(&worker, &handle); poging++)
	{
		if (poging >= 100)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("no background worker slot is free to commit the record"),
					 errdetail("The record of an inzage is committed by a background worker before the inzage returns rows."),
					 errhint("Raise max_worker_processes.")));
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 10L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	status = WaitForBackgroundWorkerShutdown(handle);
	if (status == BGWH_POSTMASTER_DIED)
		ereport(FATAL,
				(errcode(ERRCODE_ADMIN_SHUTDOWN),
				 errmsg("postmaster exited while a record was being committed")));

	if (shm->status == VASTLEGGEN_FOUT)
	{
		int			code = shm->sqlerrcode;
		char	   *message = pstrdup(shm->message);
		char	   *detail = shm->detail[0] ? pstrdup(shm->detail) : NULL;
		char	   *hint = shm->hint[0] ? pstrdup(shm->hint) : NULL;

		dsm_detach(seg);
		ereport(ERROR,
				(errcode(code),
				 errmsg("%s", message),
				 detail ? errdetail("%s", detail) : 0,
				 hint ? errhint("%s", hint) : 0,
				 errcontext("committing the record in a background worker")));
	}
	if (shm->status != VASTLEGGEN_GEDAAN)
	{
		dsm_detach(seg);
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("the background worker ended without committing the record")));
	}
	result = pstrdup(shm->resultaat);
	dsm_detach(seg);
	return result;
}

PG_FUNCTION_INFO_V1(vwl_vastleggen_fn);

/*
 * verwerkingenlog._vastleggen(functie regprocedure, invoer jsonb) RETURNS
 * text: functie(invoer), committed in a transaction of its own before this
 * returns.  functie must be a function of the extension with one jsonb
 * argument.
 */
Datum
vwl_vastleggen_fn(PG_FUNCTION_ARGS)
{
	Oid			functie = PG_GETARG_OID(0);
	Jsonb	   *invoer = PG_GETARG_JSONB_P(1);
	Oid			ext = get_extension_oid("verwerkingenlog", false);
	HeapTuple	tup;
	bool		goed = false;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(functie));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_proc p = (Form_pg_proc) GETSTRUCT(tup);

		goed = p->pronargs == 1 && p->proargtypes.values[0] == JSONBOID &&
			getExtensionOfObject(ProcedureRelationId, functie) == ext;
		ReleaseSysCache(tup);
	}
	if (!goed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("function %s is not a record writer of verwerkingenlog",
						format_procedure(functie)),
				 errdetail("Only a function of the extension with one jsonb argument can be called through this door.")));
	PG_RETURN_TEXT_P(cstring_to_text(vwl_vastleggen(functie, invoer)));
}
