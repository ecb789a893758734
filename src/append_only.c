/*
 * append_only.c
 *		The append-only guard on the log's tables.
 *
 * verwerkingenlog.weiger_wijziging() is a trigger function that refuses
 * UPDATE, DELETE and TRUNCATE for everyone, the owner and superusers
 * included: the log only ever grows, and a change is stored as a new
 * version.  The tables carry it as
 *
 *		CREATE TRIGGER onveranderlijk BEFORE UPDATE OR DELETE ON t
 *			FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
 *		CREATE TRIGGER onveranderlijk_truncate BEFORE TRUNCATE ON t
 *			FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog.weiger_wijziging();
 *		ALTER TABLE t ENABLE ALWAYS TRIGGER onveranderlijk;
 *		ALTER TABLE t ENABLE ALWAYS TRIGGER onveranderlijk_truncate;
 *
 * (ENABLE ALWAYS, so that session_replication_role = replica does not
 * switch them off.)
 *
 * There are two exceptions, each a narrow door that only C code can open,
 * for the rest of the (sub)transaction that opened it or until it is closed:
 *
 *	- the retention purge (vernietiging.c) opens vwl_purge_door_open(),
 *	  through which DELETE passes (not UPDATE, not TRUNCATE);
 *	- re-encryption after a key rotation (reencrypt.c) opens
 *	  vwl_reencrypt_door_open(), through which UPDATE passes, but only an
 *	  UPDATE that changes nothing except the encrypted form of identifiers
 *	  (the columns named *_versleuteld): every other column must keep the
 *	  same binary value, and old and new ciphertext must decrypt to the same
 *	  identifier.  Anything else is refused even while the door is open.
 *
 * No SQL function opens either door.
 *
 * INSERT passes only through a third door, that of the log's own writer
 * (writer.c, and _insert_version for the copies of PATCH and DELETE):
 * a direct INSERT or COPY is refused for the owner, superusers and
 * pg_write_all_data alike, so a forged version (a higher volgnummer, a
 * back-dated registration) cannot be slipped in.  One exception restores
 * a dump: a superuser may INSERT or COPY into a table of the log that held
 * no row when the statement began (pg_restore into a new database).
 *
 * Logical replication applies what the publisher's guard already let
 * through (the purge, re-encryption, new rows), so the apply workers pass.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "replication/logicalworker.h"
#include "fmgr.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "append_only.h"
#include "pseudoniem.h"
#include "verwerkingenlog.h"

/*
 * The permissions (the doors).  They have to be static state: a permission
 * must reach this trigger, which runs deep inside the executor of a DELETE
 * or UPDATE that C code issues, and nothing in between (SPI, the executor, the trigger
 * manager) carries the caller's context.  A setting cannot be used, since
 * any user can SET one.  The permission is bound to the transaction that
 * opened it (its local transaction id) and to the subtransaction level, and
 * the callbacks below clear it when that (sub)transaction ends, so an error
 * that skips vwl_purge_door_close() or vwl_reencrypt_door_close() cannot
 * leave a door open.
 */
static LocalTransactionId purge_lxid = InvalidLocalTransactionId;
static int	purge_level = 0;
/* The re-encryption door, kept the same way. */
static LocalTransactionId reencrypt_lxid = InvalidLocalTransactionId;
static int	reencrypt_level = 0;
/* The writer's door for INSERT, kept the same way. */
static LocalTransactionId writer_lxid = InvalidLocalTransactionId;
static int	writer_level = 0;
static bool callbacks_registered = false;

/*
 * The restore exception is decided once per statement and table: whether
 * the table held no row when the statement's first row came.
 */
static Oid	repair_relid = InvalidOid;
static LocalTransactionId repair_lxid = InvalidLocalTransactionId;
static CommandId repair_cid = InvalidCommandId;
static bool repair_empty = false;

/* Column names that hold an encrypted identifier end in this. */
#define ENCRYPTED_SUFFIX	"_versleuteld"

/* Register the callbacks that close the doors, once per backend. */
static void register_callbacks(void);

/* Close the door at the end of the transaction, however it ends. */
static void
purge_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			vwl_purge_door_close();
			vwl_reencrypt_door_close();
			vwl_writer_door_close();
			break;
		default:
			break;
	}
}

/* Close a door when the subtransaction that opened it rolls back. */
static void
purge_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	if (purge_lxid != InvalidLocalTransactionId &&
		GetCurrentTransactionNestLevel() <= purge_level)
		vwl_purge_door_close();
	if (reencrypt_lxid != InvalidLocalTransactionId &&
		GetCurrentTransactionNestLevel() <= reencrypt_level)
		vwl_reencrypt_door_close();
	if (writer_lxid != InvalidLocalTransactionId &&
		GetCurrentTransactionNestLevel() <= writer_level)
		vwl_writer_door_close();
}

/* Register the callbacks that close the doors, once per backend. */
static void
register_callbacks(void)
{
	if (!callbacks_registered)
	{
		RegisterXactCallback(purge_xact_callback, NULL);
		RegisterSubXactCallback(purge_subxact_callback, NULL);
		callbacks_registered = true;
	}
}

/* Open the door for DELETE in this (sub)transaction. */
void
vwl_purge_door_open(void)
{
	Assert(IsTransactionState());
	register_callbacks();
	purge_lxid = MyProc->lxid;
	purge_level = GetCurrentTransactionNestLevel();
}

/* Close the door. */
void
vwl_purge_door_close(void)
{
	purge_lxid = InvalidLocalTransactionId;
	purge_level = 0;
}

/* Open the door for re-encrypting UPDATEs in this (sub)transaction. */
void
vwl_reencrypt_door_open(void)
{
	Assert(IsTransactionState());
	register_callbacks();
	reencrypt_lxid = MyProc->lxid;
	reencrypt_level = GetCurrentTransactionNestLevel();
}

/* Close the re-encryption door. */
void
vwl_reencrypt_door_close(void)
{
	reencrypt_lxid = InvalidLocalTransactionId;
	reencrypt_level = 0;
}

/* Open the writer's door for INSERT in this (sub)transaction. */
void
vwl_writer_door_open(void)
{
	Assert(IsTransactionState());
	register_callbacks();
	writer_lxid = MyProc->lxid;
	writer_level = GetCurrentTransactionNestLevel();
}

/* Close the writer's door. */
void
vwl_writer_door_close(void)
{
	writer_lxid = InvalidLocalTransactionId;
	writer_level = 0;
}

/* Is the writer's door open for the current transaction? */
static bool
writer_door_is_open(void)
{
	return writer_lxid != InvalidLocalTransactionId &&
		writer_lxid == MyProc->lxid;
}

/*
 * May a superuser restore rows into rel in this statement: did rel hold no
 * row when the statement's first row came?  (Rows the statement itself
 * inserts are invisible to its snapshot, so the answer is the same for
 * every row; it is computed once.)
 */
static bool
repair_allowed(Relation rel)
{
	CommandId	cid = GetCurrentCommandId(false);

	if (!superuser())
		return false;
	if (repair_relid != RelationGetRelid(rel) || repair_lxid != MyProc->lxid ||
		repair_cid != cid)
	{
		TableScanDesc scan;
		TupleTableSlot *slot = table_slot_create(rel, NULL);

		scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
		repair_empty = !table_scan_getnextslot(scan, ForwardScanDirection, slot);
		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		repair_relid = RelationGetRelid(rel);
		repair_lxid = MyProc->lxid;
		repair_cid = cid;
	}
	return repair_empty;
}

/* Is the purge door open for the current transaction? */
static bool
purge_door_is_open(void)
{
	return purge_lxid != InvalidLocalTransactionId &&
		purge_lxid == MyProc->lxid;
}

/* Is the re-encryption door open for the current transaction? */
static bool
reencrypt_door_is_open(void)
{
	return reencrypt_lxid != InvalidLocalTransactionId &&
		reencrypt_lxid == MyProc->lxid;
}

/* Refuse a change that went through the re-encryption door. */
static void
not_a_reencryption(Relation rel, const char *kolom, const char *reden)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is append-only",
					quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											   RelationGetRelationName(rel))),
			 errdetail("Re-encryption may change only the encrypted form of an identifier; column \"%s\" %s.",
					   kolom, reden)));
}

/* Is this column one that holds an encrypted identifier? */
static bool
is_encrypted(Form_pg_attribute att)
{
	const char *naam = NameStr(att->attname);
	size_t		len = strlen(naam);
	size_t		achter = strlen(ENCRYPTED_SUFFIX);

	return att->atttypid == BYTEAOID && len > achter &&
		strcmp(naam + len - achter, ENCRYPTED_SUFFIX) == 0;
}

/*
 * An UPDATE through the re-encryption door: every column other than the
 * *_versleuteld ones keeps its binary value (after detoasting), and every
 * *_versleuteld column stays NULL or decrypts to the same bytes as before.
 * Refuses otherwise.
 */
static void
check_reencryption(Relation rel, HeapTuple oud, HeapTuple nieuw)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		bool		oud_null;
		bool		nieuw_null;
		Datum		oud_d;
		Datum		nieuw_d;

		if (att->attisdropped)
			continue;
		oud_d = heap_getattr(oud, i + 1, desc, &oud_null);
		nieuw_d = heap_getattr(nieuw, i + 1, desc, &nieuw_null);
		if (oud_null != nieuw_null)
			not_a_reencryption(rel, NameStr(att->attname),
								  oud_null ? "would get a value" : "would become null");
		if (oud_null)
			continue;
		if (is_encrypted(att))
		{
			bytea	   *oud_plat = vwl_decrypt_column(desc, oud, i + 1);
			bytea	   *nieuw_plat = vwl_decrypt_column(desc, nieuw, i + 1);
			bool		gelijk;

			gelijk = VARSIZE(oud_plat) == VARSIZE(nieuw_plat) &&
				memcmp(VARDATA(oud_plat), VARDATA(nieuw_plat),
					   VARSIZE(oud_plat) - VARHDRSZ) == 0;
			explicit_bzero(VARDATA(oud_plat), VARSIZE(oud_plat) - VARHDRSZ);
			explicit_bzero(VARDATA(nieuw_plat), VARSIZE(nieuw_plat) - VARHDRSZ);
			pfree(oud_plat);
			pfree(nieuw_plat);
			if (!gelijk)
				not_a_reencryption(rel, NameStr(att->attname),
									  "would hold another identifier");
		}
		else if (!datum_image_eq(oud_d, nieuw_d, att->attbyval, att->attlen))
			not_a_reencryption(rel, NameStr(att->attname), "would change");
	}
}

/* Misuse of the trigger function. */
static void
protocol_violation(const char *wat)
{
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("function \"weiger_wijziging\" %s", wat)));
}

/*
 * verwerkingenlog.weiger_wijziging() RETURNS trigger: refuse UPDATE, DELETE
 * and TRUNCATE (SQLSTATE 42501), for everyone.
 */
PG_FUNCTION_INFO_V1(vwl_weiger_wijziging);
Datum
vwl_weiger_wijziging(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	TriggerEvent event;
	Relation	rel;

	if (!CALLED_AS_TRIGGER(fcinfo))
		protocol_violation("was not called by trigger manager");
	trigdata = (TriggerData *) fcinfo->context;
	event = trigdata->tg_event;
	rel = trigdata->tg_relation;

	if (!TRIGGER_FIRED_BEFORE(event))
		protocol_violation("must be fired BEFORE the event");
	if (TRIGGER_FIRED_BY_INSERT(event))
	{
		if (!TRIGGER_FIRED_FOR_ROW(event))
			protocol_violation("must be fired FOR EACH ROW for INSERT");
		if (writer_door_is_open() || IsLogicalWorker() || repair_allowed(rel))
			return PointerGetDatum(trigdata->tg_trigtuple);
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("rows are added to %s only by the log's own writer",
						quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
												   RelationGetRelationName(rel))),
				 errdetail("A direct INSERT or COPY is refused for everyone, the owner, superusers and pg_write_all_data included."),
				 errhint("Log with verwerkingenlog.log_verwerkingsactie() and change with the API's functions; pg_restore loads a dump into a new database, whose log is still empty.")));
	}
	if (TRIGGER_FIRED_BY_UPDATE(event) || TRIGGER_FIRED_BY_DELETE(event))
	{
		/* The publisher's guard already decided (see the header comment). */
		if (IsLogicalWorker())
			return PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(event) ?
								   trigdata->tg_newtuple : trigdata->tg_trigtuple);
		if (!TRIGGER_FIRED_FOR_ROW(event))
			protocol_violation("must be fired FOR EACH ROW for UPDATE and DELETE");
		if (TRIGGER_FIRED_BY_DELETE(event) && purge_door_is_open())
			return PointerGetDatum(trigdata->tg_trigtuple);
		if (TRIGGER_FIRED_BY_UPDATE(event) && reencrypt_door_is_open())
		{
			check_reencryption(rel, trigdata->tg_trigtuple,
										 trigdata->tg_newtuple);
			return PointerGetDatum(trigdata->tg_newtuple);
		}
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(event))
	{
		/* TRUNCATE triggers are always statement triggers. */
		if (!TRIGGER_FIRED_FOR_STATEMENT(event))
			protocol_violation("must be fired FOR EACH STATEMENT for TRUNCATE");
	}
	else
		protocol_violation("must be fired for INSERT, UPDATE, DELETE or TRUNCATE");

	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is append-only",
					quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											   RelationGetRelationName(rel))),
			 errdetail("Logged verwerkingsacties are never changed or removed; a change is stored as a new version.")));
	PG_RETURN_NULL();			/* keep the compiler quiet */
}

/* The plan of _insert_version's INSERT, prepared once per backend. */
static SPIPlanPtr insert_version_plan = NULL;

PG_FUNCTION_INFO_V1(vwl_insert_version);

/*
 * verwerkingenlog._insert_version(n verwerkingsactie_versie) RETURNS
 * verwerkingsactie_versie: inserts version n through the writer's door, with
 * a new versie_id (OVERRIDING USER VALUE), and returns the stored row.  For
 * the copies that PATCH and DELETE store; owner only.
 */
Datum
vwl_insert_version(PG_FUNCTION_ARGS)
{
	Datum		rij = PG_GETARG_DATUM(0);
	Oid			rijtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	HeapTupleHeader result;
	volatile int ret = 0;

	if (!OidIsValid(rijtype))
		elog(ERROR, "could not determine the row type of _insert_version");
	SPI_connect();
	if (insert_version_plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare("INSERT INTO verwerkingenlog.verwerkingsactie_versie OVERRIDING USER VALUE"
									   " SELECT ($1).* RETURNING *", 1, &rijtype);

		if (plan == NULL)
			elog(ERROR, "could not prepare the insert of a copied version: %d", SPI_result);
		SPI_keepplan(plan);
		insert_version_plan = plan;
	}
	vwl_writer_door_open();
	PG_TRY();
	{
		ret = SPI_execute_plan(insert_version_plan, &rij, NULL, false, 0);
	}
	PG_FINALLY();
	{
		vwl_writer_door_close();
	}
	PG_END_TRY();
	if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not insert the copied version: %d", ret);
	result = SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc);
	SPI_finish();
	PG_RETURN_HEAPTUPLEHEADER(result);
}
