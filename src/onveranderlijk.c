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
 * There are two exceptions, each a narrow door that only C code can open,
 * for the rest of the (sub)transaction that opened it or until it is closed:
 *
 *	- the retention purge (vernietiging.c) opens vwl_opschonen_begin(),
 *	  through which DELETE passes (not UPDATE, not TRUNCATE);
 *	- re-encryption after a key rotation (herversleuteling.c) opens
 *	  vwl_herversleutelen_begin(), through which UPDATE passes, but only an
 *	  UPDATE that changes nothing except the encrypted form of identifiers
 *	  (the columns named *_versleuteld): every other column must keep the
 *	  same binary value, and old and new ciphertext must decrypt to the same
 *	  identifier.  Anything else is refused even while the door is open.
 *
 * No SQL function opens either door.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "onveranderlijk.h"
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
 * that skips vwl_opschonen_einde() or vwl_herversleutelen_einde() cannot
 * leave a door open.
 */
static LocalTransactionId opschonen_lxid = InvalidLocalTransactionId;
static int	opschonen_niveau = 0;
/* The re-encryption door, kept the same way. */
static LocalTransactionId herversleutelen_lxid = InvalidLocalTransactionId;
static int	herversleutelen_niveau = 0;
static bool callbacks_geregistreerd = false;

/* Column names that hold an encrypted identifier end in this. */
#define VERSLEUTELD_ACHTERVOEGSEL	"_versleuteld"

/* Register the callbacks that close the doors, once per backend. */
static void callbacks_registreren(void);

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
			vwl_herversleutelen_einde();
			break;
		default:
			break;
	}
}

/* Close a door when the subtransaction that opened it rolls back. */
static void
opschonen_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	if (opschonen_lxid != InvalidLocalTransactionId &&
		GetCurrentTransactionNestLevel() <= opschonen_niveau)
		vwl_opschonen_einde();
	if (herversleutelen_lxid != InvalidLocalTransactionId &&
		GetCurrentTransactionNestLevel() <= herversleutelen_niveau)
		vwl_herversleutelen_einde();
}

/* Register the callbacks that close the doors, once per backend. */
static void
callbacks_registreren(void)
{
	if (!callbacks_geregistreerd)
	{
		RegisterXactCallback(opschonen_xact_callback, NULL);
		RegisterSubXactCallback(opschonen_subxact_callback, NULL);
		callbacks_geregistreerd = true;
	}
}

/* Open the door for DELETE in this (sub)transaction. */
void
vwl_opschonen_begin(void)
{
	Assert(IsTransactionState());
	callbacks_registreren();
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

/* Open the door for re-encrypting UPDATEs in this (sub)transaction. */
void
vwl_herversleutelen_begin(void)
{
	Assert(IsTransactionState());
	callbacks_registreren();
	herversleutelen_lxid = MyProc->lxid;
	herversleutelen_niveau = GetCurrentTransactionNestLevel();
}

/* Close the re-encryption door. */
void
vwl_herversleutelen_einde(void)
{
	herversleutelen_lxid = InvalidLocalTransactionId;
	herversleutelen_niveau = 0;
}

/* Is the purge door open for the current transaction? */
static bool
opschonen_toegestaan(void)
{
	return opschonen_lxid != InvalidLocalTransactionId &&
		opschonen_lxid == MyProc->lxid;
}

/* Is the re-encryption door open for the current transaction? */
static bool
herversleutelen_toegestaan(void)
{
	return herversleutelen_lxid != InvalidLocalTransactionId &&
		herversleutelen_lxid == MyProc->lxid;
}

/* Refuse a change that went through the re-encryption door. */
static void
geen_herversleuteling(Relation rel, const char *kolom, const char *reden)
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
is_versleuteld(Form_pg_attribute att)
{
	const char *naam = NameStr(att->attname);
	size_t		len = strlen(naam);
	size_t		achter = strlen(VERSLEUTELD_ACHTERVOEGSEL);

	return att->atttypid == BYTEAOID && len > achter &&
		strcmp(naam + len - achter, VERSLEUTELD_ACHTERVOEGSEL) == 0;
}

/*
 * An UPDATE through the re-encryption door: every column other than the
 * *_versleuteld ones keeps its binary value (after detoasting), and every
 * *_versleuteld column stays NULL or decrypts to the same bytes as before.
 * Refuses otherwise.
 */
static void
herversleuteling_controleren(Relation rel, HeapTuple oud, HeapTuple nieuw)
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
			geen_herversleuteling(rel, NameStr(att->attname),
								  oud_null ? "would get a value" : "would become null");
		if (oud_null)
			continue;
		if (is_versleuteld(att))
		{
			bytea	   *oud_plat = vwl_ontsleutel_kolom(desc, oud, i + 1);
			bytea	   *nieuw_plat = vwl_ontsleutel_kolom(desc, nieuw, i + 1);
			bool		gelijk;

			gelijk = VARSIZE(oud_plat) == VARSIZE(nieuw_plat) &&
				memcmp(VARDATA(oud_plat), VARDATA(nieuw_plat),
					   VARSIZE(oud_plat) - VARHDRSZ) == 0;
			explicit_bzero(VARDATA(oud_plat), VARSIZE(oud_plat) - VARHDRSZ);
			explicit_bzero(VARDATA(nieuw_plat), VARSIZE(nieuw_plat) - VARHDRSZ);
			pfree(oud_plat);
			pfree(nieuw_plat);
			if (!gelijk)
				geen_herversleuteling(rel, NameStr(att->attname),
									  "would hold another identifier");
		}
		else if (!datum_image_eq(oud_d, nieuw_d, att->attbyval, att->attlen))
			geen_herversleuteling(rel, NameStr(att->attname), "would change");
	}
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
		if (TRIGGER_FIRED_BY_UPDATE(event) && herversleutelen_toegestaan())
		{
			herversleuteling_controleren(rel, trigdata->tg_trigtuple,
										 trigdata->tg_newtuple);
			return PointerGetDatum(trigdata->tg_newtuple);
		}
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
