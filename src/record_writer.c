/*
 * record_writer.c
 *		Commit a record in a transaction of its own, before the caller goes on:
 *		the door through which every inzage leaves its record (C3677).
 *
 * Rows of an inzage may reach the caller only if the record of that inzage
 * is committed, whatever the caller's transaction does afterwards (ROLLBACK,
 * ROLLBACK TO SAVEPOINT, ROLLBACK PREPARED, a later error).  A record
 * written in the caller's own transaction cannot promise that, and refusing
 * transaction blocks would refuse PostgREST, which runs every request inside
 * one.  So the record is written by a background worker of the caller's
 * session, the record writer, connected to the same database as the
 * extension's owner: it calls the writer function it is sent in a
 * transaction of its own, commits (synchronous commit, as the server is
 * configured), and answers; the caller waits for the answer and only then
 * returns its rows.  When the record fails, the caller raises the worker's
 * error, so no row is served without a record.
 *
 * The record writer is started at a session's first record and talks to it
 * through two shm_mq queues in a dynamic shared memory segment that the
 * session keeps mapped.  It stays while the session uses it and exits after
 * RECORD_WRITER_IDLE_MS idle (giving back its max_worker_processes slot), or
 * when the session ends.  A flag pair under a spinlock makes that exit safe:
 * the caller marks a request in flight before it sends, and the worker only
 * exits when none is; a caller that finds the worker gone starts a new one.
 * When no worker slot is free the caller waits up to a second, then fails
 * with 53000.
 *
 * verwerkingenlog._record(functie regprocedure, invoer jsonb) is the
 * door: functie must be a function of the extension taking one jsonb (the
 * inzage's _write_inzage, or any later record writer, such as LDV's).
 * It is for the owner only; the extension's SECURITY DEFINER functions call
 * it.  The worker receives the caller's verwerkingenlog.* settings (the
 * key file, base_url, ...) and synchronous_commit with every request, for
 * that transaction only.
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
#include "storage/shm_mq.h"
#include "storage/spin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "verwerkingenlog.h"
#include "record_writer.h"

/* Each queue's size; a larger message is passed in chunks. */
#define RECORD_WRITER_MQ		(64 * 1024)
/* A record writer with no request for this long exits. */
#define RECORD_WRITER_IDLE_MS	10000

/*
 * The shared memory of one session's record writer: the exit handshake,
 * whom to connect as, then the two queues (requests, answers).
 */
typedef struct RecordChannel
{
	slock_t		mutex;
	bool		bezig;			/* a request is in flight (caller sets) */
	bool		gestopt;		/* the worker exits (worker sets) */
	Oid			database;
	Oid			rol;
	int			sessie;			/* the caller's process id */
} RecordChannel;

#define CHANNEL_HEADER			MAXALIGN(sizeof(RecordChannel))

/*
 * A request: the function, the number of settings, then the settings as
 * name/value pairs of terminated strings, then the input: the jsonb datum
 * itself (its varlena bytes, header included), which the worker uses as it
 * is -- printing it as text and parsing it again cost the worker a sixth of
 * its instructions per record.  An
 * answer: the status, the SQLSTATE, then result, message, detail and hint
 * as terminated strings.
 */
typedef struct RecordRequest
{
	Oid			functie;
	int			instellingen;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} RecordRequest;

typedef struct RecordAnswer
{
	bool		gelukt;
	int			sqlerrcode;
	char		data[FLEXIBLE_ARRAY_MEMBER];
} RecordAnswer;

/*
 * The caller's end, kept for the session (the segment is mapped for the
 * session, not for a transaction): NULL when there is no record writer.
 */
static dsm_segment *channel_seg = NULL;
static RecordChannel *channel = NULL;
static shm_mq_handle *to_worker = NULL;
static shm_mq_handle *from_worker = NULL;

/*
 * A request sent whose answer is not read yet (vwl_record_begin, then
 * vwl_record_end), and the subtransaction that sent it: when that one
 * aborts first, the answer would be left on its way, so the worker is
 * forgotten (see record_xact_callback).
 */
static bool wachtend = false;
static SubTransactionId wachtend_sub = InvalidSubTransactionId;
static bool callbacks_registered = false;

PGDLLEXPORT void vwl_record_main(Datum arg);

/* Append s (NULL: empty) with its terminator. */
static void
append_text(StringInfo buf, const char *s)
{
	if (s == NULL)
		s = "";
	appendBinaryStringInfo(buf, s, strlen(s) + 1);
}

/*
 * The plan of "SELECT functie($1)::text" for the last function asked for,
 * kept across requests (SPI_keepplan: the plan cache makes it again when
 * what it depends on changes): parsing and planning it for every inzage cost
 * a fifth of the record writer's instructions.  The worker serves one
 * session, so one plan is all it keeps.
 */
static Oid	plan_functie = InvalidOid;
static SPIPlanPtr plan_request = NULL;

/* Handle one request in a transaction of its own; returns the answer. */
static StringInfo
handle_request(const RecordRequest *vraag, Size n, MemoryContext werk)
{
	StringInfo	antwoord;
	RecordAnswer kop;
	volatile bool gelukt = false;
	char	   *volatile resultaat = NULL;
	ErrorData  *volatile edata = NULL;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		const char *p = vraag->data;
		Datum		invoer;
		Oid			argtype = JSONBOID;
		int			ret;
		char	   *sql;

		/* The caller's settings of the extension, for this transaction. */
		for (int i = 0; i < vraag->instellingen; i++)
		{
			const char *naam = p;
			const char *waarde = naam + strlen(naam) + 1;

			(void) set_config_option(naam, waarde, PGC_SUSET, PGC_S_SESSION,
									 GUC_ACTION_LOCAL, true, 0, false);
			p = waarde + strlen(waarde) + 1;
		}
		/* Never wait forever on a lock the caller might hold. */
		(void) set_config_option("lock_timeout", "10s", PGC_SUSET, PGC_S_SESSION,
								 GUC_ACTION_LOCAL, true, 0, false);

		PushActiveSnapshot(GetTransactionSnapshot());
		SPI_connect();
		/*
		 * The input's varlena bytes, the rest of the request, aligned again
		 * (see RecordRequest).
		 */
		{
			Size		len = n - (p - (const char *) vraag);
			char	   *kopie = palloc(len);

			memcpy(kopie, p, len);
			if (len < VARHDRSZ || VARSIZE(kopie) != len)
				elog(ERROR, "the record writer received a damaged request");
			invoer = PointerGetDatum(kopie);
		}
		if (plan_request == NULL || plan_functie != vraag->functie)
		{
			SPIPlanPtr	nieuw;

			sql = psprintf("SELECT %s($1)::pg_catalog.text",
						   quote_qualified_identifier(get_namespace_name(get_func_namespace(vraag->functie)),
													  get_func_name(vraag->functie)));
			nieuw = SPI_prepare(sql, 1, &argtype);
			if (nieuw == NULL)
				elog(ERROR, "could not prepare the record writer's call: %s",
					 SPI_result_code_string(SPI_result));
			if (SPI_keepplan(nieuw) != 0)
				elog(ERROR, "could not keep the record writer's plan");
			if (plan_request != NULL)
				SPI_freeplan(plan_request);
			plan_request = nieuw;
			plan_functie = vraag->functie;
		}
		ret = SPI_execute_plan(plan_request, &invoer, NULL, false, 1);
		if (ret != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "the record writer returned no row: %d", ret);
		resultaat = MemoryContextStrdup(werk,
										SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		gelukt = true;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(werk);
		edata = CopyErrorData();
		/* Into the server log too, where the worker's own errors belong. */
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
	}
	PG_END_TRY();

	MemoryContextSwitchTo(werk);
	antwoord = makeStringInfo();
	kop.gelukt = gelukt;
	kop.sqlerrcode = gelukt ? 0 : edata->sqlerrcode;
	appendBinaryStringInfo(antwoord, (char *) &kop, offsetof(RecordAnswer, data));
	append_text(antwoord, resultaat);
	append_text(antwoord, gelukt ? NULL : edata->message);
	append_text(antwoord, gelukt ? NULL : edata->detail);
	append_text(antwoord, gelukt ? NULL : edata->hint);
	return antwoord;
}

/*
 * The record writer: connect, then answer requests, each in a transaction
 * of its own, until the session is gone or has been idle for a while.
 */
void
vwl_record_main(Datum arg)
{
	dsm_segment *seg;
	RecordChannel *k;
	shm_mq_handle *vragen;
	shm_mq_handle *antwoorden;
	MemoryContext werk;
	TimestampTz rust_sinds;

	BackgroundWorkerUnblockSignals();
	seg = dsm_attach(DatumGetUInt32(arg));
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("could not map the shared memory of the record writer")));
	k = (RecordChannel *) dsm_segment_address(seg);
	{
		shm_mq	   *mq_vragen = (shm_mq *) ((char *) k + CHANNEL_HEADER);
		shm_mq	   *mq_antwoorden = (shm_mq *) ((char *) k + CHANNEL_HEADER + RECORD_WRITER_MQ);

		shm_mq_set_receiver(mq_vragen, MyProc);
		shm_mq_set_sender(mq_antwoorden, MyProc);
		vragen = shm_mq_attach(mq_vragen, seg, NULL);
		antwoorden = shm_mq_attach(mq_antwoorden, seg, NULL);
	}
	BackgroundWorkerInitializeConnectionByOid(k->database, k->rol, 0);
	pgstat_report_appname(psprintf("verwerkingenlog record writer for PID %d", k->sessie));
	werk = AllocSetContextCreate(TopMemoryContext, "verwerkingenlog record writer",
								 ALLOCSET_DEFAULT_SIZES);
	rust_sinds = GetCurrentTimestamp();

	for (;;)
	{
		Size		n;
		void	   *data;
		shm_mq_result res;

		CHECK_FOR_INTERRUPTS();
		res = shm_mq_receive(vragen, &n, &data, true);
		if (res == SHM_MQ_SUCCESS)
		{
			RecordRequest *vraag;
			StringInfo	antwoord;

			MemoryContextReset(werk);
			vraag = MemoryContextAlloc(werk, n);
			memcpy(vraag, data, n);
			antwoord = handle_request(vraag, n, werk);
			if (shm_mq_send(antwoorden, antwoord->len, antwoord->data, false, true) != SHM_MQ_SUCCESS)
				break;			/* the session went away */
			rust_sinds = GetCurrentTimestamp();
			continue;
		}
		if (res == SHM_MQ_DETACHED)
			break;				/* the session ended */
		if (TimestampDifferenceExceeds(rust_sinds, GetCurrentTimestamp(), RECORD_WRITER_IDLE_MS))
		{
			bool		stoppen;

			SpinLockAcquire(&k->mutex);
			stoppen = !k->bezig;
			if (stoppen)
				k->gestopt = true;
			SpinLockRelease(&k->mutex);
			if (stoppen)
				break;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 1000L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	dsm_detach(seg);
	proc_exit(0);
}

/* The owner of the extension, as whom the worker connects. */
static Oid
extension_owner(void)
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
 * The settings of the extension that differ from their defaults, and
 * synchronous_commit (the record is as durable as the caller's own commit
 * would have made it), appended to buf as name/value pairs of terminated
 * strings; returns their number.
 */
static int
append_settings(StringInfo buf)
{
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();
	int			aantal = 0;

	for (int i = 0; i < n; i++)
	{
		struct config_generic *g = vars[i];
		const char *waarde;

		if ((strncmp(g->name, "verwerkingenlog.", 16) != 0 &&
			 strcmp(g->name, "synchronous_commit") != 0) ||
			(g->flags & GUC_CUSTOM_PLACEHOLDER) || g->source <= PGC_S_DEFAULT)
			continue;
		waarde = GetConfigOption(g->name, true, false);
		if (waarde == NULL)
			continue;
		append_text(buf, g->name);
		append_text(buf, waarde);
		aantal++;
	}
	return aantal;
}

/* Forget the record writer: unmap the segment (which detaches the queues). */
static void
channel_close(void)
{
	dsm_segment *seg = channel_seg;

	channel_seg = NULL;
	channel = NULL;
	to_worker = NULL;
	from_worker = NULL;
	if (seg != NULL)
		dsm_detach(seg);
}

/* Start a record writer for this session, with its queues. */
static void
channel_open(void)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle = NULL;
	dsm_segment *seg;
	RecordChannel *k;
	shm_mq	   *mq_vragen;
	shm_mq	   *mq_antwoorden;
	Oid			rol = extension_owner();
	MemoryContext oud;

	/*
	 * The queue handles and the worker's handle live as long as the session
	 * keeps the worker.
	 */
	oud = MemoryContextSwitchTo(TopMemoryContext);
	seg = dsm_create(CHANNEL_HEADER + 2 * RECORD_WRITER_MQ, 0);
	dsm_pin_mapping(seg);
	k = (RecordChannel *) dsm_segment_address(seg);
	SpinLockInit(&k->mutex);
	k->bezig = false;
	k->gestopt = false;
	k->database = MyDatabaseId;
	k->rol = rol;
	k->sessie = MyProcPid;
	mq_vragen = shm_mq_create((char *) k + CHANNEL_HEADER, RECORD_WRITER_MQ);
	mq_antwoorden = shm_mq_create((char *) k + CHANNEL_HEADER + RECORD_WRITER_MQ, RECORD_WRITER_MQ);
	shm_mq_set_sender(mq_vragen, MyProc);
	shm_mq_set_receiver(mq_antwoorden, MyProc);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "verwerkingenlog");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "vwl_record_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "verwerkingenlog record writer for PID %d", MyProcPid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "verwerkingenlog record writer");
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;

	/* Wait up to a second for a free slot. */
	for (int poging = 0; !RegisterDynamicBackgroundWorker(&worker, &handle); poging++)
	{
		if (poging >= 100)
		{
			MemoryContextSwitchTo(oud);
			dsm_detach(seg);
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("no background worker slot is free to commit the record"),
					 errdetail("The record of an inzage is committed by a background worker before the inzage returns rows."),
					 errhint("Raise max_worker_processes.")));
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 10L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	channel_seg = seg;
	channel = k;
	to_worker = shm_mq_attach(mq_vragen, seg, handle);
	from_worker = shm_mq_attach(mq_antwoorden, seg, handle);
	MemoryContextSwitchTo(oud);
}

/* Raise the error of a record writer that is gone. */
static void
worker_gone(void)
{
	channel_close();
	ereport(ERROR,
			(errcode(ERRCODE_CONNECTION_FAILURE),
			 errmsg("the record writer ended before it answered"),
			 errdetail("The record of an inzage is committed by a background worker; it stopped, so this inzage is not served."),
			 errhint("See the server log.")));
}

/*
 * Forget a request in flight whose (sub)transaction aborts before its answer
 * was read (an error or a cancel between vwl_record_begin and
 * vwl_record_end): the answer then goes nowhere, and the next record starts
 * a new worker.  The record itself may still be committed, which is the safe
 * side: nothing was served without it.
 */
static void
record_xact_callback(XactEvent event, void *arg)
{
	if (wachtend && (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT))
	{
		wachtend = false;
		channel_close();
	}
}

/* The same for the subtransaction that sent the request. */
static void
record_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	if (wachtend && event == SUBXACT_EVENT_ABORT_SUB && mySubid == wachtend_sub)
	{
		wachtend = false;
		channel_close();
	}
}

/*
 * Send functie(invoer) to the session's record writer, which calls it in a
 * transaction of its own and commits, while the caller goes on;
 * vwl_record_end waits for the answer.  The caller must call
 * vwl_record_end before it returns anything that depends on the record
 * (C3677: nothing of an inzage is served before its record is committed);
 * in between it may only do work of its own (the inzage builds its
 * documents meanwhile, from a snapshot taken before this was sent, so it
 * never lists its own record).
 */
void
vwl_record_begin(Oid functie, Jsonb *invoer)
{
	StringInfoData vraag;
	RecordRequest kop;
	int			aantal;

	if (RecoveryInProgress() || XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("a record cannot be committed in a read-only transaction")));
	if (!callbacks_registered)
	{
		RegisterXactCallback(record_xact_callback, NULL);
		RegisterSubXactCallback(record_subxact_callback, NULL);
		callbacks_registered = true;
	}
	/* An answer never read (not expected: every begin has its end). */
	if (wachtend)
	{
		wachtend = false;
		channel_close();
	}

	initStringInfo(&vraag);
	kop.functie = functie;
	kop.instellingen = 0;
	appendBinaryStringInfo(&vraag, (char *) &kop, offsetof(RecordRequest, data));
	aantal = append_settings(&vraag);
	/* (appending may have moved the buffer: find the header again) */
	((RecordRequest *) vraag.data)->instellingen = aantal;
	appendBinaryStringInfo(&vraag, (char *) invoer, VARSIZE(invoer));

	/*
	 * A record writer that has announced its exit is replaced.  One that is
	 * gone before it took the whole request (it was stopped or crashed while
	 * idle) never saw it: the request goes to a new one, once.  One that is
	 * gone after it took the request may or may not have committed: that is
	 * an error.
	 */
	for (int poging = 0;; poging++)
	{
		shm_mq_result res;

		if (channel != NULL)
		{
			bool		gestopt;

			SpinLockAcquire(&channel->mutex);
			gestopt = channel->gestopt;
			if (!gestopt)
				channel->bezig = true;
			SpinLockRelease(&channel->mutex);
			if (gestopt)
				channel_close();
		}
		if (channel == NULL)
		{
			channel_open();
			SpinLockAcquire(&channel->mutex);
			channel->bezig = true;
			SpinLockRelease(&channel->mutex);
		}
		PG_TRY();
		{
			res = shm_mq_send(to_worker, vraag.len, vraag.data, false, true);
		}
		PG_CATCH();
		{
			channel_close();
			PG_RE_THROW();
		}
		PG_END_TRY();
		if (res == SHM_MQ_SUCCESS)
			break;
		channel_close();
		if (poging > 0)
			worker_gone();
	}
	pfree(vraag.data);
	wachtend = true;
	wachtend_sub = GetCurrentSubTransactionId();
}

/*
 * Wait for the answer to the request vwl_record_begin sent: returns the
 * function's result as text (palloc'd), or raises the worker's error.
 */
char *
vwl_record_end(void)
{
	Size		n;
	void	   *data;
	RecordAnswer *antwoord;
	const char *resultaat;
	const char *message;
	const char *detail;
	const char *hint;

	if (!wachtend || channel == NULL)
		worker_gone();
	wachtend = false;

	/*
	 * An error while waiting (a cancel, a timeout) leaves an answer on its
	 * way: forget this worker, whose answer then goes nowhere.
	 */
	PG_TRY();
	{
		if (shm_mq_receive(from_worker, &n, &data, false) != SHM_MQ_SUCCESS)
			worker_gone();
	}
	PG_CATCH();
	{
		channel_close();
		PG_RE_THROW();
	}
	PG_END_TRY();

	antwoord = palloc(n);
	memcpy(antwoord, data, n);
	SpinLockAcquire(&channel->mutex);
	channel->bezig = false;
	SpinLockRelease(&channel->mutex);

	resultaat = antwoord->data;
	message = resultaat + strlen(resultaat) + 1;
	detail = message + strlen(message) + 1;
	hint = detail + strlen(detail) + 1;
	if (!antwoord->gelukt)
		ereport(ERROR,
				(errcode(antwoord->sqlerrcode),
				 errmsg("%s", message),
				 detail[0] ? errdetail("%s", detail) : 0,
				 hint[0] ? errhint("%s", hint) : 0,
				 errcontext("committing the record in the record writer")));
	return pstrdup(resultaat);
}

/*
 * Call functie(invoer) in a transaction of its own, committed before this
 * returns; returns the function's result as text (palloc'd), or raises the
 * worker's error.
 */
char *
vwl_record(Oid functie, Jsonb *invoer)
{
	vwl_record_begin(functie, invoer);
	return vwl_record_end();
}

PG_FUNCTION_INFO_V1(vwl_record_fn);

/*
 * verwerkingenlog._record(functie regprocedure, invoer jsonb) RETURNS
 * text: functie(invoer), committed in a transaction of its own before this
 * returns.  functie must be a function of the extension with one jsonb
 * argument.
 */
Datum
vwl_record_fn(PG_FUNCTION_ARGS)
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
	PG_RETURN_TEXT_P(cstring_to_text(vwl_record(functie, invoer)));
}
