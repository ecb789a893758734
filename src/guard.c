/*
 * guard.c
 *		The event triggers that keep the append-only guard switched on.
 *
 * The row triggers of append_only.c only hold while they exist, are
 * enabled and the tables stay plain tables of the extension.  Two event
 * triggers refuse the DDL that would change that, outside the extension's
 * own scripts, for the owner and superusers too:
 *
 *	- verwerkingenlog.bewaking_begin() on ddl_command_start looks at the
 *	  parse tree: ALTER EXTENSION verwerkingenlog ADD/DROP, GRANT and REVOKE
 *	  on the extension's tables, sequences and functions, DROP TRIGGER, RULE,
 *	  POLICY or INDEX on its tables, and DROP EXTENSION, DROP SCHEMA ...
 *	  CASCADE or DROP OWNED that would take the log with it while it holds
 *	  rows;
 *	- verwerkingenlog.bewaking_einde() on ddl_command_end looks at what the
 *	  command changed (pg_event_trigger_ddl_commands): any change to an object
 *	  that belongs to the extension (a table, its index, trigger, rule,
 *	  policy, constraint, default or identity sequence, a type, a function, a
 *	  view), except maintenance that leaves the content alone; and a table of
 *	  someone else that would inherit from, take as a partition, or reference
 *	  one of the log's tables.
 *
 * Objects are matched by identity (OIDs and the extension's membership in
 * pg_depend), never by name.  Membership cannot change behind the guard's
 * back, because ALTER EXTENSION ... ADD/DROP is refused.  Every other command
 * passes after a few cache lookups: the guard costs other users of the
 * database nothing, and it reads only catalogs, so it needs no privilege
 * of theirs.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "commands/event_trigger.h"
#include "commands/user.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "parser/parse_type.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "verwerkingenlog.h"

#define EXTENSION_NAME	"verwerkingenlog"

/* Is this event trigger call running inside our own extension script? */
static bool
in_own_script(Oid ext)
{
	return creating_extension && CurrentExtensionObject == ext;
}

/* The owner and the schema of extension ext. */
static void
extension_info(Oid ext, Oid *eigenaar, char **schema)
{
	Relation	cat = table_open(ExtensionRelationId, AccessShareLock);
	HeapTuple	tup = get_catalog_object_by_oid(cat, Anum_pg_extension_oid, ext);

	*eigenaar = InvalidOid;
	*schema = NULL;
	if (HeapTupleIsValid(tup))
	{
		Form_pg_extension e = (Form_pg_extension) GETSTRUCT(tup);

		*eigenaar = e->extowner;
		*schema = get_namespace_name(e->extnamespace);
	}
	table_close(cat, AccessShareLock);
}

/* The OID of the column colnum of the row of catalog catid with OID objid. */
static Oid
catalog_oid(Oid catid, AttrNumber oidkolom, AttrNumber kolom, Oid objid)
{
	Relation	cat = table_open(catid, AccessShareLock);
	HeapTuple	tup = get_catalog_object_by_oid(cat, oidkolom, objid);
	Oid			result = InvalidOid;

	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, kolom, RelationGetDescr(cat), &isnull);

		if (!isnull)
			result = DatumGetObjectId(d);
	}
	table_close(cat, AccessShareLock);
	return result;
}

/*
 * The relation that a catalog object hangs off: the table of an index,
 * trigger, rule, policy, table constraint or column default, the table that
 * owns an identity or serial sequence, or the relation itself.  InvalidOid
 * for objects that are not part of a relation.
 */
static Oid
relation_of(Oid classid, Oid objid)
{
	switch (classid)
	{
		case RelationRelationId:
			{
				char		relkind = get_rel_relkind(objid);
				Oid			tabel;
				int32		kolom;

				if (relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX)
				{
					tabel = IndexGetRelation(objid, true);
					return OidIsValid(tabel) ? tabel : objid;
				}
				if (relkind == RELKIND_SEQUENCE &&
					(sequenceIsOwned(objid, DEPENDENCY_INTERNAL, &tabel, &kolom) ||
					 sequenceIsOwned(objid, DEPENDENCY_AUTO, &tabel, &kolom)))
					return tabel;
				return objid;
			}
		case TriggerRelationId:
			return catalog_oid(TriggerRelationId, Anum_pg_trigger_oid,
								 Anum_pg_trigger_tgrelid, objid);
		case RewriteRelationId:
			return catalog_oid(RewriteRelationId, Anum_pg_rewrite_oid,
								 Anum_pg_rewrite_ev_class, objid);
		case PolicyRelationId:
			return catalog_oid(PolicyRelationId, Anum_pg_policy_oid,
								 Anum_pg_policy_polrelid, objid);
		case ConstraintRelationId:
			return catalog_oid(ConstraintRelationId, Anum_pg_constraint_oid,
								 Anum_pg_constraint_conrelid, objid);
		case AttrDefaultRelationId:
			return catalog_oid(AttrDefaultRelationId, Anum_pg_attrdef_oid,
								 Anum_pg_attrdef_adrelid, objid);
		default:
			return InvalidOid;
	}
}

/* Does the object belong to extension ext, itself or through its relation? */
static bool
belongs_to(Oid ext, Oid classid, Oid objid)
{
	Oid			rel = relation_of(classid, objid);

	if (OidIsValid(rel))
		return getExtensionOfObject(RelationRelationId, rel) == ext;
	if (classid == NamespaceRelationId)
	{
		/* The extension's own schema: renaming it breaks every call. */
		Oid			eigenaar;
		char	   *schema;

		extension_info(ext, &eigenaar, &schema);
		return schema != NULL && get_namespace_oid(schema, true) == objid;
	}
	if (classid == ConstraintRelationId)
	{
		/* A domain constraint: does the domain belong to us? */
		Oid			typ = catalog_oid(ConstraintRelationId, Anum_pg_constraint_oid,
										Anum_pg_constraint_contypid, objid);

		return OidIsValid(typ) && getExtensionOfObject(TypeRelationId, typ) == ext;
	}
	return getExtensionOfObject(classid, objid) == ext;
}

/* Is relid a table of the extension (not a view, not a sequence)? */
static bool
is_log_table(Oid ext, Oid relid)
{
	char		relkind = get_rel_relkind(relid);

	return (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE) &&
		getExtensionOfObject(RelationRelationId, relid) == ext;
}

/* Refuse a command; the message names what it touched. */
static void
refuse(const char *wat, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is not allowed: the log is append-only", wat),
			 errdetail("%s", detail),
			 errhint("The log's objects change only with ALTER EXTENSION verwerkingenlog UPDATE.")));
}

/*
 * The reloptions maintenance may set on the log's tables: the autovacuum
 * and vacuum settings, which a growing append-only table needs (insert-driven
 * autovacuum, freezing), and nothing that changes what is stored.
 */
static bool
maintenance_option(List *opties)
{
	ListCell   *lc;

	foreach(lc, opties)
	{
		DefElem    *de = lfirst_node(DefElem, lc);

		if (strncmp(de->defname, "autovacuum_", 11) != 0 &&
			strncmp(de->defname, "vacuum_", 7) != 0)
			return false;
	}
	return true;
}

/*
 * Is the command maintenance that leaves the content of the log alone:
 * ALTER TABLE or ALTER INDEX with only SET/RESET of (auto)vacuum options,
 * SET STATISTICS, SET TABLESPACE and REPLICA IDENTITY?
 */
static bool
is_maintenance(Node *parsetree)
{
	AlterTableStmt *stmt;
	ListCell   *lc;

	if (parsetree == NULL || !IsA(parsetree, AlterTableStmt))
		return false;
	stmt = (AlterTableStmt *) parsetree;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		switch (cmd->subtype)
		{
			case AT_SetStatistics:
			case AT_SetTableSpace:
			case AT_ReplicaIdentity:
				break;
			case AT_SetRelOptions:
			case AT_ResetRelOptions:
				if (!maintenance_option((List *) cmd->def))
					return false;
				break;
			default:
				return false;
		}
	}
	return true;
}

/*
 * Refuse a relation of someone else that inherits from one of the log's
 * tables, takes one as its partition or child, or references one with a
 * foreign key (whose triggers would sit on the log's table).
 */
static void
check_dependencies(Oid ext, Oid relid)
{
	Relation	cat;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;

	/* Parents of relid. */
	cat = table_open(InheritsRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(cat, InheritsRelidSeqnoIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Oid			ouder = ((Form_pg_inherits) GETSTRUCT(tup))->inhparent;

		if (is_log_table(ext, ouder))
			refuse(psprintf("inheriting from %s", get_rel_name(ouder)),
				   "Rows of a child table would appear as rows of the log.");
	}
	systable_endscan(scan);

	/* Children and partitions of relid. */
	ScanKeyInit(&key, Anum_pg_inherits_inhparent, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(cat, InheritsParentIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Oid			kind = ((Form_pg_inherits) GETSTRUCT(tup))->inhrelid;

		if (is_log_table(ext, kind))
			refuse(psprintf("making %s a child or partition", get_rel_name(kind)),
				   "The log's tables stay plain tables of their own.");
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);

	/* Foreign keys of relid that point at a log table. */
	cat = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(cat, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

		if (con->contype == CONSTRAINT_FOREIGN && is_log_table(ext, con->confrelid))
			refuse(psprintf("a foreign key to %s", get_rel_name(con->confrelid)),
				   "A foreign key puts triggers on the log's table and blocks the retention purge.");
	}
	systable_endscan(scan);
	table_close(cat, AccessShareLock);
}

/*
 * Does any table of the extension that pg_dump keeps hold a row?  (Its
 * sequences are marked for pg_dump too, and always have their one row.)
 */
static bool
log_has_rows(Oid ext)
{
	bool		result = false;
	int			ret;

	SPI_connect();
	ret = SPI_execute_with_args(
		"SELECT c::pg_catalog.regclass::pg_catalog.text FROM pg_catalog.pg_extension e,"
		" pg_catalog.unnest(e.extconfig) c, pg_catalog.pg_class k"
		" WHERE e.oid OPERATOR(pg_catalog.=) $1 AND k.oid OPERATOR(pg_catalog.=) c"
		" AND k.relkind OPERATOR(pg_catalog.=) ANY ('{r,p}'::pg_catalog.\"char\"[])",
		1, (Oid[]) {OIDOID}, (Datum[]) {ObjectIdGetDatum(ext)}, NULL, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the extension's tables: %d", ret);
	{
		uint64		n = SPI_processed;
		char	  **tabellen = palloc(sizeof(char *) * (n + 1));

		for (uint64 i = 0; i < n; i++)
			tabellen[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		for (uint64 i = 0; i < n && !result; i++)
		{
			ret = SPI_execute(psprintf("SELECT FROM %s LIMIT 1", tabellen[i]), true, 1);
			if (ret != SPI_OK_SELECT)
				elog(ERROR, "could not read %s: %d", tabellen[i], ret);
			result = SPI_processed > 0;
		}
	}
	SPI_finish();
	return result;
}

/* Refuse removing the whole log while it holds rows. */
static void
refuse_drop(Oid ext, const char *commando)
{
	if (!log_has_rows(ext))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
			 errmsg("%s would remove the log of verwerkingsacties, which holds rows", commando),
			 errdetail("The log is append-only: it is emptied only by the retention purge (vernietig_verlopen), never with one command."),
			 errhint("Export it first (SELECT verwerkingenlog.exporteer_verwerkingsacties(vanaf, tot), or pg_dump of the database). "
					 "To remove it deliberately, a superuser must first disable the guard with "
					 "ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE, which leaves a trace.")));
}

/* Is the name list one name equal to naam? */
static bool
list_names(List *namen, const char *naam)
{
	ListCell   *lc;

	foreach(lc, namen)
	{
		Node	   *n = lfirst(lc);

		if (IsA(n, String) && strcmp(strVal(n), naam) == 0)
			return true;
	}
	return false;
}

/* GRANT and REVOKE on the extension's relations and functions. */
static void
check_grant(Oid ext, GrantStmt *stmt)
{
	ListCell   *lc;

	if (stmt->targtype == ACL_TARGET_ALL_IN_SCHEMA)
	{
		Oid			eigenaar;
		char	   *schema;

		extension_info(ext, &eigenaar, &schema);
		if ((stmt->objtype == OBJECT_TABLE || stmt->objtype == OBJECT_SEQUENCE ||
			 stmt->objtype == OBJECT_FUNCTION || stmt->objtype == OBJECT_PROCEDURE ||
			 stmt->objtype == OBJECT_ROUTINE) &&
			schema != NULL && list_names(stmt->objects, schema))
			refuse(stmt->is_grant ? "GRANT on all objects in schema verwerkingenlog" :
				   "REVOKE on all objects in schema verwerkingenlog",
				   "Privileges on the log's objects are set by the extension's script only.");
		return;
	}
	if (stmt->targtype != ACL_TARGET_OBJECT)
		return;
	foreach(lc, stmt->objects)
	{
		Oid			classid = InvalidOid;
		Oid			objid = InvalidOid;

		switch (stmt->objtype)
		{
			case OBJECT_TABLE:
			case OBJECT_SEQUENCE:
				classid = RelationRelationId;
				objid = RangeVarGetRelid(lfirst_node(RangeVar, lc), NoLock, true);
				break;
			case OBJECT_FUNCTION:
			case OBJECT_PROCEDURE:
			case OBJECT_ROUTINE:
				classid = ProcedureRelationId;
				objid = LookupFuncWithArgs(stmt->objtype, lfirst_node(ObjectWithArgs, lc), true);
				break;
			default:
				return;
		}
		if (OidIsValid(objid) && belongs_to(ext, classid, objid))
			refuse(psprintf("%s on %s", stmt->is_grant ? "GRANT" : "REVOKE",
							getObjectDescription(&(ObjectAddress) {classid, objid, 0}, false)),
				   "Only the log's own writer adds rows, and clients hold no privileges on its tables; privileges on the log's objects are set by the extension's script only.");
	}
}

/* The object type in lower case, for messages. */
static const char *
objecttype_name(ObjectType type)
{
	switch (type)
	{
		case OBJECT_TRIGGER:
			return "a trigger";
		case OBJECT_RULE:
			return "a rule";
		case OBJECT_POLICY:
			return "a policy";
		case OBJECT_INDEX:
			return "an index";
		default:
			return "an object";
	}
}

/* DROP TRIGGER, RULE, POLICY or INDEX on a table of the extension. */
static void
check_drop(Oid ext, DropStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		Oid			tabel = InvalidOid;

		switch (stmt->removeType)
		{
			case OBJECT_TRIGGER:
			case OBJECT_RULE:
			case OBJECT_POLICY:
				{
					List	   *namen = lfirst_node(List, lc);

					if (list_length(namen) < 2)
						continue;
					tabel = RangeVarGetRelid(makeRangeVarFromNameList(list_truncate(list_copy(namen),
																					 list_length(namen) - 1)),
											 NoLock, true);
					break;
				}
			case OBJECT_INDEX:
				{
					Oid			index = RangeVarGetRelid(makeRangeVarFromNameList(lfirst_node(List, lc)),
														 NoLock, true);

					if (OidIsValid(index))
						tabel = IndexGetRelation(index, true);
					break;
				}
			case OBJECT_EXTENSION:
				if (strcmp(strVal(lfirst(lc)), EXTENSION_NAME) == 0)
					refuse_drop(ext, "DROP EXTENSION verwerkingenlog");
				continue;
			case OBJECT_SCHEMA:
				{
					Oid			eigenaar;
					char	   *schema;

					extension_info(ext, &eigenaar, &schema);
					if (schema != NULL && strcmp(strVal(lfirst(lc)), schema) == 0 &&
						stmt->behavior == DROP_CASCADE)
						refuse_drop(ext, "DROP SCHEMA verwerkingenlog CASCADE");
					continue;
				}
			default:
				return;
		}
		if (OidIsValid(tabel) && is_log_table(ext, tabel))
			refuse(psprintf("DROP of %s on %s", objecttype_name(stmt->removeType),
							get_rel_name(tabel)),
				   "The log's tables keep their triggers, rules, policies and indexes.");
	}
}

/*
 * CREATE OR REPLACE FUNCTION and ALTER FUNCTION of a function of the
 * extension: refused before it runs, since a replaced event trigger
 * function would otherwise judge its own replacement.
 */
static void
check_function(Oid ext, Node *parsetree)
{
	Oid			func = InvalidOid;

	if (IsA(parsetree, CreateFunctionStmt))
	{
		CreateFunctionStmt *stmt = (CreateFunctionStmt *) parsetree;
		Oid			argtypes[FUNC_MAX_ARGS];
		int			nargs = 0;
		ListCell   *lc;

		if (!stmt->replace)
			return;
		foreach(lc, stmt->parameters)
		{
			FunctionParameter *fp = lfirst_node(FunctionParameter, lc);

			if (fp->mode == FUNC_PARAM_OUT || fp->mode == FUNC_PARAM_TABLE)
				continue;
			if (nargs >= FUNC_MAX_ARGS)
				return;
			argtypes[nargs] = LookupTypeNameOid(NULL, fp->argType, true);
			if (!OidIsValid(argtypes[nargs]))
				return;
			nargs++;
		}
		func = LookupFuncName(stmt->funcname, nargs, argtypes, true);
	}
	else if (IsA(parsetree, AlterFunctionStmt))
	{
		AlterFunctionStmt *stmt = (AlterFunctionStmt *) parsetree;

		func = LookupFuncWithArgs(stmt->objtype, stmt->func, true);
	}
	if (OidIsValid(func) && getExtensionOfObject(ProcedureRelationId, func) == ext)
		refuse(psprintf("%s of %s",
						IsA(parsetree, CreateFunctionStmt) ? "CREATE OR REPLACE" : "ALTER FUNCTION",
						getObjectDescription(&(ObjectAddress) {ProcedureRelationId, func, 0}, false)),
			   "The log's guard and API functions are defined by the extension's script only.");
}

/* Does DROP OWNED name the role that owns the extension? */
static void
check_drop_owned(Oid ext, DropOwnedStmt *stmt)
{
	List	   *rollen = roleSpecsToIds(stmt->roles);
	Oid			eigenaar;
	char	   *schema;

	extension_info(ext, &eigenaar, &schema);
	if (list_member_oid(rollen, eigenaar))
		refuse_drop(ext, "DROP OWNED BY the owner of verwerkingenlog");
}

PG_FUNCTION_INFO_V1(vwl_bewaking_begin);

/*
 * verwerkingenlog.bewaking_begin() RETURNS event_trigger, on
 * ddl_command_start: refuses, from the parse tree, the commands that would
 * change what the log's objects are before they run.
 */
Datum
vwl_bewaking_begin(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Node	   *parsetree;
	Oid			ext;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"bewaking_begin\" was not called by event trigger manager")));
	trigdata = (EventTriggerData *) fcinfo->context;
	parsetree = trigdata->parsetree;

	/* Most commands are none of ours: decide that from the node tag alone. */
	switch (nodeTag(parsetree))
	{
		case T_AlterExtensionContentsStmt:
		case T_GrantStmt:
		case T_DropStmt:
		case T_DropOwnedStmt:
		case T_CreateFunctionStmt:
		case T_AlterFunctionStmt:
			break;
		default:
			PG_RETURN_VOID();
	}
	ext = get_extension_oid(EXTENSION_NAME, true);
	if (!OidIsValid(ext) || in_own_script(ext))
		PG_RETURN_VOID();

	switch (nodeTag(parsetree))
	{
		case T_AlterExtensionContentsStmt:
			if (strcmp(((AlterExtensionContentsStmt *) parsetree)->extname, EXTENSION_NAME) == 0)
				refuse(((AlterExtensionContentsStmt *) parsetree)->action > 0 ?
					   "ALTER EXTENSION verwerkingenlog ADD" : "ALTER EXTENSION verwerkingenlog DROP",
					   "An object that leaves the extension is no longer guarded; one that joins it would be dropped with it.");
			break;
		case T_GrantStmt:
			check_grant(ext, (GrantStmt *) parsetree);
			break;
		case T_DropStmt:
			check_drop(ext, (DropStmt *) parsetree);
			break;
		case T_DropOwnedStmt:
			check_drop_owned(ext, (DropOwnedStmt *) parsetree);
			break;
		case T_CreateFunctionStmt:
		case T_AlterFunctionStmt:
			check_function(ext, parsetree);
			break;
		default:
			break;
	}
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(vwl_bewaking_einde);

/*
 * verwerkingenlog.bewaking_einde() RETURNS event_trigger, on
 * ddl_command_end: refuses a command that changed an object of the
 * extension (other than maintenance), or that tied another table to one of
 * the log's tables.
 */
Datum
vwl_bewaking_einde(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;
	Oid			ext;
	int			ret;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"bewaking_einde\" was not called by event trigger manager")));
	trigdata = (EventTriggerData *) fcinfo->context;

	ext = get_extension_oid(EXTENSION_NAME, true);
	if (!OidIsValid(ext) || in_own_script(ext))
		PG_RETURN_VOID();

	SPI_connect();
	ret = SPI_execute("SELECT classid, objid, command_tag, object_identity"
					  " FROM pg_catalog.pg_event_trigger_ddl_commands()", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read the DDL commands: %d", ret);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	rij = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull1;
		bool		isnull2;
		Oid			classid = DatumGetObjectId(SPI_getbinval(rij, desc, 1, &isnull1));
		Oid			objid = DatumGetObjectId(SPI_getbinval(rij, desc, 2, &isnull2));

		if (isnull1 || isnull2 || !OidIsValid(classid) || !OidIsValid(objid))
			continue;
		if (belongs_to(ext, classid, objid))
		{
			if (!is_maintenance(trigdata->parsetree))
			{
				char	   *tag = SPI_getvalue(rij, desc, 3);
				char	   *wat = SPI_getvalue(rij, desc, 4);

				refuse(psprintf("%s on %s", tag, wat ? wat : "an object of verwerkingenlog"),
					   "Outside the extension's own scripts, only maintenance that leaves the content alone may change the log's objects: ALTER TABLE ... SET (autovacuum_... or vacuum_...), SET STATISTICS, SET TABLESPACE and REPLICA IDENTITY.");
			}
		}
		else if (classid == RelationRelationId)
			check_dependencies(ext, objid);
	}
	SPI_finish();
	PG_RETURN_VOID();
}
