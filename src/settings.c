/*
 * settings.c
 *		The settings of the log: kept in the database, refused when wrong.
 *
 * The settings (verwerkingenlog.base_url, sleutelbestand, inzage_*,
 * maximale_bewaartermijn, tijdzone, page_size) are PostgreSQL settings, so a
 * session can SET them and the server's usual ways work.  Two things about
 * those usual ways are wrong for a log:
 *
 *	- ALTER DATABASE ... SET of a setting of a library that is not loaded in
 *	  that session is accepted unchecked, misspelt names included; when a
 *	  later session loads the library, PostgreSQL warns and runs on the
 *	  default.  An inzage record would silently lose its uitvoerder.
 *	- pg_dump of one database does not carry ALTER DATABASE settings (only
 *	  pg_dump --create or pg_dumpall do), so a restored log would hand out
 *	  urls with the default base url, and use the default key file.
 *
 * So the database keeps its own settings in verwerkingenlog.instelling, a
 * table that pg_dump keeps (pg_extension_config_dump), written only by
 * verwerkingenlog.instellen(), which validates name and value the way SET
 * does and refuses at once.  Each backend applies the table's values as the
 * database's defaults (source PGC_S_DATABASE: a session's SET still wins)
 * before the log first serves anything, and again whenever the table
 * changes (instellen() sends a relcache invalidation for it).
 *
 * Whatever still slips through the server's own ways -- a value that was
 * refused, or a verwerkingenlog.* name that does not exist, set before the
 * library was loaded -- is noted when the library is loaded, and every
 * operation of the log then fails with 55000 naming the setting, instead of
 * running on a default.
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "settings.h"
#include "verwerkingenlog.h"

#define PREFIX		"verwerkingenlog."
#define PREFIX_LEN	16

/* A setting of ours that was set before the library was loaded. */
typedef struct PresetSetting
{
	char	   *naam;
	GucSource	bron;			/* source of the current value */
	GucSource	reset_bron;		/* source of the reset value */
} PresetSetting;

/* Problem noted at load time: the setting and what is wrong with it. */
typedef struct LoadError
{
	char	   *naam;
	bool		onbekend;		/* no such setting (else: value refused) */
	GucSource	bron;
} LoadError;

/*
 * Both lists live in TopMemoryContext: they are made in _PG_init, once per
 * backend, and a noted problem stays for the life of the backend (a session
 * that sets the value right must reconnect, as the hint says).
 */
static PresetSetting *presets = NULL;
static int	preset_count = 0;
static LoadError *load_errors = NULL;
static int	load_error_count = 0;

/* Whether this backend has applied verwerkingenlog.instelling. */
static bool applied = false;
static bool callback_registered = false;
static Oid	table_oid = InvalidOid;
static bool leaks_reported = false;

/* Where a value came from, for messages. */
static const char *
source_name(GucSource bron)
{
	switch (bron)
	{
		case PGC_S_FILE:
			return "the configuration file (or ALTER SYSTEM)";
		case PGC_S_ARGV:
		case PGC_S_ENV_VAR:
			return "the server's command line or environment";
		case PGC_S_DATABASE:
			return "ALTER DATABASE ... SET";
		case PGC_S_USER:
			return "ALTER ROLE ... SET";
		case PGC_S_DATABASE_USER:
			return "ALTER ROLE ... IN DATABASE ... SET";
		case PGC_S_CLIENT:
			return "the client's connection options (PGOPTIONS)";
		case PGC_S_SESSION:
			return "SET in this session";
		default:
			return "a setting made before the library was loaded";
	}
}

/* The setting of ours named naam, or NULL. */
static struct config_generic *
find_setting(const char *naam)
{
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();

	for (int i = 0; i < n; i++)
		if (pg_strcasecmp(vars[i]->name, naam) == 0)
			return vars[i];
	return NULL;
}

/*
 * Note every placeholder verwerkingenlog.* that exists before the settings
 * are defined: values set before the library was loaded.
 */
void
vwl_settings_before_define(void)
{
	struct config_generic **vars = get_guc_variables();
	int			n = GetNumConfigOptions();
	MemoryContext oud = MemoryContextSwitchTo(TopMemoryContext);

	presets = palloc0(sizeof(PresetSetting) * (n + 1));
	preset_count = 0;
	for (int i = 0; i < n; i++)
	{
		struct config_generic *g = vars[i];

		if ((g->flags & GUC_CUSTOM_PLACEHOLDER) == 0 ||
			pg_strncasecmp(g->name, PREFIX, PREFIX_LEN) != 0)
			continue;
		presets[preset_count].naam = pstrdup(g->name);
		presets[preset_count].bron = g->source;
		presets[preset_count].reset_bron = g->reset_source;
		preset_count++;
	}
	MemoryContextSwitchTo(oud);
}

/*
 * After the settings are defined: a noted placeholder that defined no
 * setting is an unknown name; one whose setting now comes from a lower
 * source than the placeholder did had its value refused (PostgreSQL warned
 * and fell back to the default).  Both are noted as load problems.
 */
void
vwl_settings_after_define(void)
{
	MemoryContext oud = MemoryContextSwitchTo(TopMemoryContext);

	load_errors = palloc0(sizeof(LoadError) * (preset_count + 1));
	load_error_count = 0;
	for (int i = 0; i < preset_count; i++)
	{
		struct config_generic *g = find_setting(presets[i].naam);
		LoadError   *f = &load_errors[load_error_count];

		if (g == NULL || (g->flags & GUC_CUSTOM_PLACEHOLDER) != 0)
		{
			f->naam = presets[i].naam;
			f->onbekend = true;
			f->bron = presets[i].bron;
			load_error_count++;
		}
		else if (g->source < presets[i].bron ||
				 g->reset_source < presets[i].reset_bron)
		{
			f->naam = presets[i].naam;
			f->onbekend = false;
			f->bron = g->source < presets[i].bron ? presets[i].bron :
				presets[i].reset_bron;
			load_error_count++;
		}
	}
	MemoryContextSwitchTo(oud);
}

/* Raise the first problem noted at load time, if any. */
static void
report_load_errors(void)
{
	LoadError   *f;

	if (load_error_count == 0)
		return;
	f = &load_errors[0];
	if (f->onbekend)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("setting \"%s\" does not exist", f->naam),
				 errdetail("It was set by %s before the library verwerkingenlog was loaded, so it could not be refused then.  The log does not run with a setting it does not know: a misspelt name would leave the real setting at its default.",
						   source_name(f->bron)),
				 errhint("Remove it or correct its name where it was set (for example ALTER DATABASE ... RESET), then reconnect; set the log's settings with verwerkingenlog.instellen(), which refuses a wrong name at once.")));
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("setting \"%s\" has an invalid value", f->naam),
			 errdetail("It was set by %s before the library verwerkingenlog was loaded, so it could not be refused then; the log does not run on the default value instead.  The server log has the reason.",
					   source_name(f->bron)),
			 errhint("Correct the value where it was set, then reconnect; set the log's settings with verwerkingenlog.instellen(), which refuses a wrong value at once.")));
}

/* verwerkingenlog.instelling changed (or everything was invalidated). */
static void
setting_inval(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == table_oid)
		applied = false;
}

/*
 * Apply verwerkingenlog.instelling as the database's defaults.  The query
 * runs as the bootstrap superuser (the caller need not read the table); the
 * values are applied with source PGC_S_DATABASE, which is not undone by a
 * rollback and loses to a session's own SET.
 */
static void
apply_settings(void)
{
	Oid			schema = get_namespace_oid("verwerkingenlog", true);
	Oid			gebruiker;
	int			context;
	bool		alleen_lezen = ActiveSnapshotSet();

	if (!OidIsValid(schema) ||
		!OidIsValid(table_oid = get_relname_relid("instelling", schema)))
		return;					/* not (yet) installed in this database */
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(setting_inval, (Datum) 0);
		callback_registered = true;
	}

	/* Set first: an invalidation while we read makes us read again. */
	applied = true;
	GetUserIdAndSecContext(&gebruiker, &context);
	PG_TRY();
	{
		SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
							   context | SECURITY_LOCAL_USERID_CHANGE |
							   SECURITY_RESTRICTED_OPERATION);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SELECT naam, waarde FROM verwerkingenlog.instelling ORDER BY naam",
						alleen_lezen, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read verwerkingenlog.instelling");
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			char	   *naam = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1);
			char	   *waarde = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);

			if (naam == NULL || waarde == NULL ||
				pg_strncasecmp(naam, PREFIX, PREFIX_LEN) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("verwerkingenlog.instelling holds a row that is not a setting of the log")));
			(void) set_config_option(naam, waarde, PGC_SUSET, PGC_S_DATABASE,
									 GUC_ACTION_SET, true, ERROR, false);
		}
		SPI_finish();
	}
	PG_CATCH();
	{
		applied = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	SetUserIdAndSecContext(gebruiker, context);
}

/*
 * Note once per backend, in the server log only (level LOG: not sent to the
 * client), when settings would write the text of statements -- and with it
 * the BSNs of calls -- to the server log.  The extension's own functions run
 * with log_min_error_statement = panic, so an error they raise is logged
 * without its statement; what the server logs outside them is the DBA's
 * to set.
 */
static void
report_leaks(void)
{
	/*
	 * The values the server and database give a session (reset values):
	 * inside the extension's functions log_min_error_statement is panic.
	 */
	StringInfoData lijst;
	const char *v;

	leaks_reported = true;
	initStringInfo(&lijst);
	v = GetConfigOptionResetString("log_statement");
	if (v && (strcmp(v, "mod") == 0 || strcmp(v, "all") == 0))
		appendStringInfo(&lijst, ", log_statement = %s", v);
	v = GetConfigOptionResetString("log_min_duration_statement");
	if (v && v[0] != '-')
		appendStringInfo(&lijst, ", log_min_duration_statement = %s", v);
	v = GetConfigOptionResetString("log_min_duration_sample");
	if (v && v[0] != '-')
		appendStringInfo(&lijst, ", log_min_duration_sample = %s", v);
	v = GetConfigOptionResetString("log_min_error_statement");
	if (v && strcmp(v, "log") != 0 && strcmp(v, "fatal") != 0 &&
		strcmp(v, "panic") != 0)
		appendStringInfo(&lijst, ", log_min_error_statement = %s", v);
	v = GetConfigOptionResetString("log_parameter_max_length_on_error");
	if (v && strcmp(v, "0") != 0)
		appendStringInfo(&lijst, ", log_parameter_max_length_on_error = %s", v);
	v = GetConfigOptionResetString("debug_print_parse");
	if (v && strcmp(v, "on") == 0)
		appendStringInfoString(&lijst, ", debug_print_parse = on");
	v = GetConfigOptionResetString("debug_print_rewritten");
	if (v && strcmp(v, "on") == 0)
		appendStringInfoString(&lijst, ", debug_print_rewritten = on");
	v = GetConfigOptionResetString("debug_print_plan");
	if (v && strcmp(v, "on") == 0)
		appendStringInfoString(&lijst, ", debug_print_plan = on");
	if (lijst.len == 0)
		return;
	ereport(LOG,
			(errmsg("verwerkingenlog: the server log may receive identifiers in plain text"),
			 errdetail("These settings write the text of statements, which holds the BSNs of calls, to the server log: %s.",
					   lijst.data + 2),
			 errhint("For the log's database set log_statement = none or ddl, log_min_duration_statement = -1, log_min_duration_sample = -1, log_min_error_statement = panic and log_parameter_max_length_on_error = 0 (see the README, \"Settings\")."),
			 errhidestmt(true)));
	pfree(lijst.data);
}

/*
 * Before the log serves anything: refuse to run on settings that slipped
 * through, apply the database's settings if they are new to this backend,
 * and note leaking log settings once.
 */
void
vwl_settings_check(void)
{
	report_load_errors();
	vwl_check_version();
	if (!applied && !IsInParallelMode() && IsTransactionState())
		apply_settings();
	if (!leaks_reported && !IsParallelWorker())
		report_leaks();
}

PG_FUNCTION_INFO_V1(vwl_setting_valid);

/*
 * verwerkingenlog._setting_valid(naam text, waarde text) RETURNS
 * boolean: true when naam is a setting of the log and waarde a value it
 * takes; otherwise the error SET would give (42704 for an unknown name,
 * 22023 for a bad value).  The CHECK of verwerkingenlog.instelling, so a
 * restore cannot bring in a wrong value either.
 */
Datum
vwl_setting_valid(PG_FUNCTION_ARGS)
{
	char	   *naam = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *waarde = text_to_cstring(PG_GETARG_TEXT_PP(1));
	struct config_generic *g;

	if (pg_strncasecmp(naam, PREFIX, PREFIX_LEN) != 0 ||
		(g = find_setting(naam)) == NULL ||
		(g->flags & GUC_CUSTOM_PLACEHOLDER) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("\"%s\" is not a setting of verwerkingenlog", naam),
				 errhint("The settings are listed in the README, \"Settings\", and in pg_settings (name LIKE 'verwerkingenlog.%%').")));
	/* Validate only (changeVal false), as ALTER DATABASE ... SET does. */
	(void) set_config_option(naam, waarde, PGC_SUSET, PGC_S_DATABASE,
							 GUC_ACTION_SET, false, ERROR, false);
	PG_RETURN_BOOL(true);
}

PG_FUNCTION_INFO_V1(vwl_settings_refreshed);

/*
 * verwerkingenlog._settings_refreshed() RETURNS void: after a change of
 * verwerkingenlog.instelling, make every backend apply it again (at its next
 * transaction, once this one commits), this one included.
 */
Datum
vwl_settings_refreshed(PG_FUNCTION_ARGS)
{
	Oid			schema = get_namespace_oid("verwerkingenlog", false);
	Oid			tabel = get_relname_relid("instelling", schema);

	if (OidIsValid(tabel))
		CacheInvalidateRelcacheByRelid(tabel);
	applied = false;
	PG_RETURN_VOID();
}
