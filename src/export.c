/*
 * export.c
 *		The export for migration (B2042): every stored version with its
 *		number and its maker, streamed, undecryptable rows reported.
 *
 * verwerkingenlog.exporteer_verwerkingsacties(vanaf, tot) returns one
 * document per stored version registered in [vanaf, tot), one row per call
 * (ValuePerCall) from an SPI cursor: memory stays bounded for any size of
 * log.  The cursor walks the primary key, so the versions come per action
 * (actions in the order of their actieId, which for uuidv7 ids is the order
 * in which they were logged), each action's versions by volgnummer, with no
 * sort; a document is built only when its row is fetched.
 * Called in the select list (COPY (SELECT exporteer_verwerkingsacties())
 * TO STDOUT) the rows go straight to the client; in FROM, PostgreSQL first
 * collects the whole result.
 *
 * An identifier that cannot be decrypted (a missing key version, a corrupt
 * ciphertext) does not abort the export: _decrypt_export() reports it
 * with a WARNING naming the table and record id and returns NULL, the
 * version it belongs to is left out with a WARNING naming its record id
 * (versie_id), and when the cursor is exhausted the export fails with an
 * error saying how many versions were left out: nothing goes missing
 * silently, and everything that could be read has been streamed.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "verwerkingenlog.h"
#include "pseudoniem.h"

/* _decrypt in pseudoniem.c. */
extern Datum vwl_decrypt(PG_FUNCTION_ARGS);

/* Record ids named in the final error; the rest are counted. */
#define MAX_NAMED		20

/*
 * Identifiers _decrypt_export() could not decrypt in this backend.  The
 * export compares it before and after each row to know whether that row
 * lost an identifier; it is only ever incremented.
 */
static uint64 decrypt_errors = 0;

/* The state of one export between calls. */
typedef struct ExportState
{
	char	   *cursor;			/* name of the SPI cursor */
	int64		weggelaten;		/* versions left out */
	int64		genoemd[MAX_NAMED];	/* ... the first of their record ids */
} ExportState;

PG_FUNCTION_INFO_V1(vwl_decrypt_export);

/*
 * verwerkingenlog._decrypt_export(versleuteld bytea, soort text, plaats
 * bytea, tabel text, record text) RETURNS text: the identifier back
 * (authenticated with its binding soort, plaats), or NULL with a WARNING
 * naming the table and the record when it cannot be decrypted.  The decryption runs in
 * a subtransaction, so its error is caught safely.
 */
Datum
vwl_decrypt_export(PG_FUNCTION_ARGS)
{
	MemoryContext oud = CurrentMemoryContext;
	ResourceOwner eigenaar = CurrentResourceOwner;
	Datum		res = (Datum) 0;
	bool		gelukt = false;
	const char *tabel;
	const char *record;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		elog(ERROR, "_decrypt_export needs the binding of the ciphertext");
	tabel = PG_ARGISNULL(3) ? "?" : text_to_cstring(PG_GETARG_TEXT_PP(3));
	record = PG_ARGISNULL(4) ? "?" : text_to_cstring(PG_GETARG_TEXT_PP(4));

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oud);
	PG_TRY();
	{
		res = DirectFunctionCall3(vwl_decrypt, PG_GETARG_DATUM(0),
								  PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oud);
		CurrentResourceOwner = eigenaar;
		gelukt = true;
	}
	PG_CATCH();
	{
		ErrorData  *fout;

		MemoryContextSwitchTo(oud);
		fout = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oud);
		CurrentResourceOwner = eigenaar;

		/*
		 * A key file that is missing or not this database's is no problem
		 * of one record: nothing could be decrypted.  End the export.
		 */
		if (fout->sqlerrcode == ERRCODE_VWL_KEYFILE)
			ReThrowError(fout);

		decrypt_errors++;
		ereport(WARNING,
				(errcode(fout->sqlerrcode),
				 errmsg("could not decrypt the identifier in %s record %s", tabel, record),
				 errdetail("%s", fout->message)));
		FreeErrorData(fout);
	}
	PG_END_TRY();

	if (!gelukt)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(res);
}

PG_FUNCTION_INFO_V1(vwl_exporteer);

/*
 * verwerkingenlog.exporteer_verwerkingsacties(vanaf timestamptz, tot
 * timestamptz) RETURNS SETOF jsonb: see the top of this file.
 */
Datum
vwl_exporteer(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	ExportState *stand;
	MemoryContext oud;
	Portal		portal;
	Datum		doc = (Datum) 0;
	bool		heeft_doc = false;

	if (SRF_IS_FIRSTCALL())
	{
		Oid			types[2] = {TIMESTAMPTZOID, TIMESTAMPTZOID};
		Datum		args[2];
		SPIPlanPtr	plan;

		vwl_require_beheer("export verwerkingsacties");
		if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("vanaf and tot must not be null")));
		funcctx = SRF_FIRSTCALL_INIT();
		stand = MemoryContextAllocZero(funcctx->multi_call_memory_ctx, sizeof(ExportState));
		args[0] = PG_GETARG_DATUM(0);
		args[1] = PG_GETARG_DATUM(1);

		oud = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");

		/*
		 * In the order of the primary key: no sort, and a document is built
		 * when its row is fetched.
		 */
		plan = SPI_prepare_cursor("SELECT v.versie_id, verwerkingenlog._export_document(v)"
								  "  FROM verwerkingenlog.verwerkingsactie_versie v"
								  " WHERE v.tijdstip_registratie OPERATOR(pg_catalog.>=) $1"
								  "   AND v.tijdstip_registratie OPERATOR(pg_catalog.<) $2"
								  " ORDER BY v.actie_id, v.volgnummer",
								  2, types, CURSOR_OPT_NO_SCROLL | CURSOR_OPT_FAST_PLAN);
		if (plan == NULL)
			elog(ERROR, "could not prepare the export: %s",
				 SPI_result_code_string(SPI_result));
		portal = SPI_cursor_open(NULL, plan, args, NULL, true);
		stand->cursor = MemoryContextStrdup(funcctx->multi_call_memory_ctx, portal->name);
		SPI_finish();
		MemoryContextSwitchTo(oud);
		funcctx->user_fctx = stand;
	}

	funcctx = SRF_PERCALL_SETUP();
	stand = (ExportState *) funcctx->user_fctx;

	/* The next version that could be read whole. */
	oud = CurrentMemoryContext;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	portal = SPI_cursor_find(stand->cursor);
	if (portal == NULL)
		elog(ERROR, "cursor of the export is gone");
	for (;;)
	{
		uint64		fouten_voor = decrypt_errors;
		bool		isnull;
		int64		versie_id;
		Datum		d;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, 1);
		if (SPI_processed == 0)
			break;
		versie_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1, &isnull));
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
		if (decrypt_errors == fouten_voor && !isnull)
		{
			MemoryContext spi = MemoryContextSwitchTo(oud);

			doc = datumCopy(d, false, -1);
			MemoryContextSwitchTo(spi);
			heeft_doc = true;
			SPI_freetuptable(SPI_tuptable);
			break;
		}
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("version with record id " INT64_FORMAT " left out of the export", versie_id),
				 errdetail("An identifier of the version could not be decrypted.")));
		if (stand->weggelaten < MAX_NAMED)
			stand->genoemd[stand->weggelaten] = versie_id;
		stand->weggelaten++;
		SPI_freetuptable(SPI_tuptable);
	}
	if (!heeft_doc)
		SPI_cursor_close(portal);
	SPI_finish();

	if (heeft_doc)
		SRF_RETURN_NEXT(funcctx, doc);

	if (stand->weggelaten > 0)
	{
		StringInfoData lijst;

		initStringInfo(&lijst);
		for (int64 i = 0; i < stand->weggelaten && i < MAX_NAMED; i++)
			appendStringInfo(&lijst, "%s" INT64_FORMAT, i > 0 ? ", " : "", stand->genoemd[i]);
		if (stand->weggelaten > MAX_NAMED)
			appendStringInfo(&lijst, " and " INT64_FORMAT " more", stand->weggelaten - MAX_NAMED);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("export incomplete: " INT64_FORMAT " version(s) could not be decrypted", stand->weggelaten),
				 errdetail("Left out, by record id (versie_id): %s.", lijst.data),
				 errhint("Every other version was exported.  Restore the key file that holds the missing key versions, or repair the records, and export again.")));
	}
	SRF_RETURN_DONE(funcctx);
}
