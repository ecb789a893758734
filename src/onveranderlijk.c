/*
 * onveranderlijk.c
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
 * The one exception is the retention purge of a later issue: C code may
 * open a narrow door with vwl_opschonen_begin() through which DELETE (not
 * UPDATE, not TRUNCATE) passes until vwl_opschonen_einde() or the end of
 * the (sub)transaction that opened it.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "onveranderlijk.h"
#include "verwerkingenlog.h"

/*
 * The purge permission.  It has to be static state: the permission must
 * reach this trigger, which runs deep inside the executor of a DELETE the
 * purge issues, and nothing in between (SPI, the executor, the trigger
 * manager) carries the caller's context.  A setting cannot be used, since
 * any user can SET one.  The permission is bound to the transaction that
 * opened it (its local transaction id) and to the subtransaction level, and
 * the callbacks below clear it when that (sub)transaction ends, so an error
 * that skips vwl_opschonen_einde() cannot leave the door open.
 */
static LocalTransactionId opschonen_lxid = InvalidLocalTransactionId;
static int	opschonen_niveau = 0;
static bool callbacks_geregistreerd = false;

/* Close the door at the end of the transaction, however it ends. */
static void
opschonen_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			vwl_opschonen_einde();
			break;
		default:
			break;
	}
}

/* Close the door when the subtransaction that opened it rolls back. */
static void
opschonen_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB &&
		opschonen_lxid != InvalidLocalTransactionId &&
		GetCurrentTransactionNestLevel() <= opschonen_niveau)
		vwl_opschonen_einde();
}

/* Open the door for DELETE in this (sub)transaction. */
void
vwl_opschonen_begin(void)
{
	Assert(IsTransactionState());
	if (!callbacks_geregistreerd)
	{
		RegisterXactCallback(opschonen_xact_callback, NULL);
		RegisterSubXactCallback(opschonen_subxact_callback, NULL);
		callbacks_geregistreerd = true;
	}
	opschonen_lxid = MyProc->lxid;
	opschonen_niveau = GetCurrentTransactionNestLevel();
}

/* Close the door. */
void
vwl_opschonen_einde(void)
{
	opschonen_lxid = InvalidLocalTransactionId;
	opschonen_niveau = 0;
}

/* Is the door open for the current transaction? */
static bool
opschonen_toegestaan(void)
{
	return opschonen_lxid != InvalidLocalTransactionId &&
		opschonen_lxid == MyProc->lxid;
}

/* Misuse of the trigger function. */
static void
protocolfout(const char *wat)
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
		protocolfout("was not called by trigger manager");
	trigdata = (TriggerData *) fcinfo->context;
	event = trigdata->tg_event;
	rel = trigdata->tg_relation;

	if (!TRIGGER_FIRED_BEFORE(event))
		protocolfout("must be fired BEFORE the event");
	if (TRIGGER_FIRED_BY_UPDATE(event) || TRIGGER_FIRED_BY_DELETE(event))
	{
		if (!TRIGGER_FIRED_FOR_ROW(event))
			protocolfout("must be fired FOR EACH ROW for UPDATE and DELETE");
		if (TRIGGER_FIRED_BY_DELETE(event) && opschonen_toegestaan())
			return PointerGetDatum(trigdata->tg_trigtuple);
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(event))
	{
		/* TRUNCATE triggers are always statement triggers. */
		if (!TRIGGER_FIRED_FOR_STATEMENT(event))
			protocolfout("must be fired FOR EACH STATEMENT for TRUNCATE");
	}
	else
		protocolfout("must be fired for UPDATE, DELETE or TRUNCATE");

	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is append-only",
					quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											   RelationGetRelationName(rel))),
			 errdetail("Logged verwerkingsacties are never changed or removed; a change is stored as a new version.")));
	PG_RETURN_NULL();			/* keep the compiler quiet */
}
