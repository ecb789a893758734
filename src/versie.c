/*
 * versie.c
 *		The library serves only the SQL of its own version.
 *
 * The install and upgrade scripts of a version declare the C functions, the
 * types and the tables this library reads and writes.  A library of another
 * version (a package installed but ALTER EXTENSION ... UPDATE not yet run, or
 * an old library beside new SQL) could store or read the log wrongly, so it
 * serves nothing in a database whose extension has another version.  The
 * check runs where every operation of the log starts, before its settings
 * are applied (vwl_settings_check, called by vwl_scopes and the key
 * cache), once per transaction.  Not at load time: the DDL guard's event
 * triggers load the library for every DDL command, ALTER EXTENSION ... UPDATE
 * included, and they must keep working across versions.
 *
 * The version the SQL records is PostgreSQL's own: pg_extension.extversion,
 * set by CREATE EXTENSION and ALTER EXTENSION ... UPDATE before their script
 * runs.  The library's version (VWL_VERSIE) is default_version of the control
 * file, passed in by the Makefile.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "verwerkingenlog.h"

#ifndef VWL_VERSIE
#error "VWL_VERSIE (default_version of verwerkingenlog.control) must be defined by the Makefile"
#endif

/*
 * The version of the extension in the current database, palloc'd, or NULL
 * when the extension is not installed here.  SnapshotSelf: during CREATE
 * EXTENSION and ALTER EXTENSION ... UPDATE the row that names the version
 * being installed is written by the very command that loads the library.
 */
static char *
vwl_sql_version(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *versie = NULL;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("verwerkingenlog"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, SnapshotSelf,
							  1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, Anum_pg_extension_extversion,
									 RelationGetDescr(rel), &isnull);

		if (!isnull)
			versie = text_to_cstring(DatumGetTextPP(d));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return versie;
}

/* The transaction in which the versions were last found equal. */
static LocalTransactionId equal_in_lxid = InvalidLocalTransactionId;

/*
 * Refuse to serve an SQL install of another version: ERROR 55000 with a
 * hint.  Outside a transaction there is no database to compare with.
 */
void
vwl_check_version(void)
{
	char	   *versie;

	if (!IsTransactionState() || !OidIsValid(MyDatabaseId) || MyProc == NULL)
		return;
	if (MyProc->lxid == equal_in_lxid)
		return;
	versie = vwl_sql_version();
	if (versie != NULL && strcmp(versie, VWL_VERSIE) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension verwerkingenlog is version %s in this database, its library is version %s",
						versie, VWL_VERSIE),
				 errdetail("A library serves only the SQL of its own version; another version's library could store or read the log wrongly."),
				 errhint("Run ALTER EXTENSION verwerkingenlog UPDATE TO '%s', or install the packages of version %s.",
						 VWL_VERSIE, versie)));
	if (versie != NULL)
		pfree(versie);
	equal_in_lxid = MyProc->lxid;
}
