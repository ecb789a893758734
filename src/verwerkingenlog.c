/*
 * verwerkingenlog.c
 *		Module initialisation and the extension's settings.
 */
#include "postgres.h"

#include <ctype.h>

#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "pgtime.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/timestamp.h"

#include "verantwoording.h"
#include "verwerkingenlog.h"
#include "settings.h"
#include "pseudoniem.h"

PG_MODULE_MAGIC;

/* Start of every url the log hands out (verwerkingenlog.base_url). */
char	   *vwl_base_url = NULL;

/*
 * The organisation's maximum retention (verwerkingenlog.maximale_bewaartermijn),
 * an ISO 8601 duration; empty for none.  Read by the retention purge.
 */
char	   *vwl_maximale_bewaartermijn = NULL;

/*
 * What the log writes about an inzage it logs (C3677), and the page size of
 * the REST layer's lists (verwerkingenlog.inzage_*, verwerkingenlog.page_size).
 * The SQL layer reads them with current_setting; the check hooks below make
 * sure that only values the log can store are ever set.
 */
static char *vwl_inzage_actie_naam = NULL;
static char *vwl_inzage_verwerking_naam = NULL;
static char *vwl_inzage_verwerkingsactiviteit_id = NULL;
static char *vwl_inzage_verwerkingsactiviteit_url = NULL;
static char *vwl_inzage_uitvoerder = NULL;
static char *vwl_inzage_bewaartermijn = NULL;
static char *vwl_inzage_vertrouwelijkheid = NULL;
static int	vwl_page_size = 100;

/*
 * The time zone in which the dates beginDatum and eindDatum of lists and
 * inzage are read (verwerkingenlog.tijdzone): one zone for every session,
 * whatever its TimeZone, so that a month means the same month everywhere.
 */
static char *vwl_timezone = NULL;

void		_PG_init(void);

/* A name element of the standard: at most 242 characters, empty for none. */
static bool
vwl_check_naam(char **newval, void **extra, GucSource source)
{
	if (pg_mbstrlen(*newval) > VWL_MAX_NAME)
	{
		GUC_check_errdetail("A name is at most %d characters.", VWL_MAX_NAME);
		return false;
	}
	return true;
}

/* A url element of the standard: at most 2042 characters, empty for none. */
static bool
vwl_check_url(char **newval, void **extra, GucSource source)
{
	if (pg_mbstrlen(*newval) > VWL_MAX_URI)
	{
		GUC_check_errdetail("A url is at most %d characters.", VWL_MAX_URI);
		return false;
	}
	return true;
}

/* A UUID in its text form (8-4-4-4-12 hexadecimal digits), empty for none. */
static bool
vwl_check_uuid(char **newval, void **extra, GucSource source)
{
	const char *s = *newval;

	if (s[0] == '\0')
		return true;
	for (int i = 0; i < 36; i++)
	{
		bool		streep = (i == 8 || i == 13 || i == 18 || i == 23);

		if (s[i] == '\0' || (streep ? s[i] != '-' : !isxdigit((unsigned char) s[i])))
		{
			GUC_check_errdetail("The value must be a UUID such as 5f0bef4c-f66f-4311-84a5-19e8bf359eaf.");
			return false;
		}
	}
	if (s[36] != '\0')
	{
		GUC_check_errdetail("The value must be a UUID such as 5f0bef4c-f66f-4311-84a5-19e8bf359eaf.");
		return false;
	}
	return true;
}

/* An OIN: exactly 20 digits, empty for none. */
static bool
vwl_check_oin(char **newval, void **extra, GucSource source)
{
	const char *s = *newval;
	int			n = 0;

	if (s[0] == '\0')
		return true;
	while (isdigit((unsigned char) s[n]))
		n++;
	if (n != VWL_OIN_LENGTH || s[n] != '\0')
	{
		GUC_check_errdetail("An OIN is exactly %d digits.", VWL_OIN_LENGTH);
		return false;
	}
	return true;
}

/* An ISO 8601 duration as the bewaartermijn type takes it, empty for none. */
static bool
vwl_check_bewaartermijn(char **newval, void **extra, GucSource source)
{
	Bewaartermijn b;
	const char *reason = NULL;

	if ((*newval)[0] == '\0')
		return true;
	if (!vwl_bewaartermijn_parse(*newval, strlen(*newval), &b, &reason))
	{
		GUC_check_errdetail("The value must be an ISO 8601 duration such as P10Y (%s).",
							reason ? reason : "invalid");
		return false;
	}
	return true;
}

/*
 * The level an inzage is logged with when the request names none: normaal
 * or vertrouwelijk (a new action is never logged as opgeheven).
 */
static bool
vwl_check_vertrouwelijkheid(char **newval, void **extra, GucSource source)
{
	if (pg_strcasecmp(*newval, "normaal") == 0 ||
		pg_strcasecmp(*newval, "vertrouwelijk") == 0)
		return true;
	GUC_check_errdetail("The value must be normaal or vertrouwelijk.");
	return false;
}

/* A time zone PostgreSQL knows (pg_timezone_names), not empty. */
static bool
vwl_check_tijdzone(char **newval, void **extra, GucSource source)
{
	if ((*newval)[0] == '\0' || pg_tzset(*newval) == NULL)
	{
		GUC_check_errdetail("The value must be a time zone name such as Europe/Amsterdam (see pg_timezone_names).");
		return false;
	}
	return true;
}

/* The settings of the inzage logging and of the REST layer. */
static void
vwl_define_inzage_settings(void)
{
	DefineCustomStringVariable("verwerkingenlog.inzage_actie_naam",
							   "actieNaam of the verwerkingsactie the log writes for every inzage.",
							   "Empty: none.",
							   &vwl_inzage_actie_naam,
							   "Opvragen verwerkte objecten",
							   PGC_SUSET, 0,
							   vwl_check_naam, NULL, NULL);
	DefineCustomStringVariable("verwerkingenlog.inzage_verwerking_naam",
							   "verwerkingNaam of the verwerkingsactie the log writes for every inzage.",
							   "Empty: none.",
							   &vwl_inzage_verwerking_naam,
							   "Inzage verwerkingen",
							   PGC_SUSET, 0,
							   vwl_check_naam, NULL, NULL);
	DefineCustomStringVariable("verwerkingenlog.inzage_verwerkingsactiviteit_id",
							   "The log's own verwerkingsactiviteit (its UUID in the register) that justifies an inzage.",
							   "Empty: none.",
							   &vwl_inzage_verwerkingsactiviteit_id,
							   "",
							   PGC_SUSET, 0,
							   vwl_check_uuid, NULL, NULL);
	DefineCustomStringVariable("verwerkingenlog.inzage_verwerkingsactiviteit_url",
							   "The url of the log's own verwerkingsactiviteit for an inzage.",
							   "Empty: none.",
							   &vwl_inzage_verwerkingsactiviteit_url,
							   "",
							   PGC_SUSET, 0,
							   vwl_check_url, NULL, NULL);
	DefineCustomStringVariable("verwerkingenlog.inzage_uitvoerder",
							   "OIN of the organisation that runs the log: the uitvoerder of every inzage.",
							   "Empty: none.",
							   &vwl_inzage_uitvoerder,
							   "",
							   PGC_SUSET, 0,
							   vwl_check_oin, NULL, NULL);
	DefineCustomStringVariable("verwerkingenlog.inzage_bewaartermijn",
							   "bewaartermijn of an inzage when the request has no Bewaartermijn header.",
							   "An ISO 8601 duration such as P1Y; empty: none.",
							   &vwl_inzage_bewaartermijn,
							   "",
							   PGC_SUSET, 0,
							   vwl_check_bewaartermijn, NULL, NULL);
	DefineCustomStringVariable("verwerkingenlog.inzage_vertrouwelijkheid",
							   "vertrouwelijkheid of an inzage when the request has no Vertrouwelijkheid header.",
							   "normaal or vertrouwelijk.",
							   &vwl_inzage_vertrouwelijkheid,
							   "normaal",
							   PGC_SUSET, 0,
							   vwl_check_vertrouwelijkheid, NULL, NULL);
	DefineCustomIntVariable("verwerkingenlog.page_size",
							"Number of results per page of the REST layer's lists.",
							NULL,
							&vwl_page_size,
							100, 1, 10000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
}

/*
 * Define the settings.  They are read by the SQL layer with current_setting,
 * so the C side only makes sure they exist with a sane default and that the
 * prefix is reserved.  Values set before the library was loaded (which
 * PostgreSQL could not check then) are noted before, and compared after, so
 * that a refused value or an unknown name makes the log fail loudly
 * (settings.c) instead of running on a default.
 */
void
_PG_init(void)
{
	/* Preloaded into pg_upgrade's server: nothing of the log runs there. */
	if (IsBinaryUpgrade)
		return;
	vwl_settings_before_define();

	DefineCustomStringVariable("verwerkingenlog.base_url",
							   "Start of the url of every resource the log returns.",
							   "For example https://gemeente.example/api/v1; /verwerkingsacties/{actieId} is appended.",
							   &vwl_base_url,
							   "http://localhost/api/v1",
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);

	vwl_define_inzage_settings();

	/*
	 * Superuser only: a client that could point it elsewhere could make the
	 * log pseudonymise with a key of its choosing.  Also hidden from other
	 * roles' SHOW.
	 */
	DefineCustomStringVariable("verwerkingenlog.sleutelbestand",
							   "Key file for pseudonymised and encrypted object identifiers.",
							   "Empty means " VWL_DEFAULT_KEYFILE " in the data directory.  A key file is created only by "
							   "CREATE EXTENSION and verwerkingenlog.sleutelbestand_aanmaken().  A relative path is relative to the data directory.",
							   &vwl_sleutelbestand,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	/*
	 * Superuser only: the maximum decides which actions the retention purge
	 * destroys (criterion 3 of C1697).
	 */
	DefineCustomStringVariable("verwerkingenlog.maximale_bewaartermijn",
							   "The organisation's maximum retention: the retention purge destroys every action older than this.",
							   "An ISO 8601 duration such as P20Y, counted from the action's tijdstip; empty: no maximum.",
							   &vwl_maximale_bewaartermijn,
							   "",
							   PGC_SUSET, 0,
							   vwl_check_bewaartermijn, NULL, NULL);

	DefineCustomStringVariable("verwerkingenlog.tijdzone",
							   "Time zone in which beginDatum and eindDatum of lists and inzage are read.",
							   "A date such as 2024-04-01 starts at midnight in this zone, for every session whatever its TimeZone.",
							   &vwl_timezone,
							   "Europe/Amsterdam",
							   PGC_SUSET, 0,
							   vwl_check_tijdzone, NULL, NULL);

	/* The minimum retention (vernietiging.c). */
	vwl_define_vernietiging_settings();

	/* Every setting is defined: compare with what was set before. */
	vwl_settings_after_define();
	MarkGUCPrefixReserved("verwerkingenlog");
}

PG_FUNCTION_INFO_V1(vwl_date_instant);

/*
 * verwerkingenlog._date_instant(d date) RETURNS timestamptz: the start of
 * day d in the zone of verwerkingenlog.tijdzone (infinite dates stay
 * infinite).  beginDatum and eindDatum are dates; this is the one place
 * that turns them into instants.
 */
Datum
vwl_date_instant(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	Timestamp	middernacht;

	vwl_settings_check();
	middernacht = DatumGetTimestamp(DirectFunctionCall1(date_timestamp,
														DateADTGetDatum(d)));
	if (TIMESTAMP_NOT_FINITE(middernacht))
		PG_RETURN_TIMESTAMPTZ((TimestampTz) middernacht);
	PG_RETURN_DATUM(DirectFunctionCall2(timestamp_zone,
										CStringGetTextDatum(vwl_timezone),
										TimestampGetDatum(middernacht)));
}

/*
 * The base url setting without its trailing slashes (not terminated at *len).
 */
const char *
vwl_base_url_text(int *len)
{
	const char *url = vwl_base_url ? vwl_base_url : "";
	int			n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	*len = n;
	return url;
}

PG_FUNCTION_INFO_V1(vwl_base_url_fn);

/*
 * verwerkingenlog.base_url(): the setting without a trailing slash.  A C
 * function, so that calling it loads the module and with it the setting.
 */
Datum
vwl_base_url_fn(PG_FUNCTION_ARGS)
{
	int			len;
	const char *url;

	vwl_settings_check();
	url = vwl_base_url_text(&len);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(url, len));
}

/*
 * A parser's reason ("offset is required") as an errdetail sentence
 * ("Offset is required."), palloc'd.
 */
char *
vwl_zin(const char *reason)
{
	char	   *s = psprintf("%s.", reason);

	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = s[0] - 'a' + 'A';
	return s;
}

/*
 * The OID of the extension's function verwerkingenlog.naam(argtypes)
 * (nargs -1: the one function of that name, whatever its arguments);
 * InvalidOid when there is none and missing_ok, else an error.
 */
Oid
vwl_own_function(const char *naam, int nargs, Oid *argtypes, bool missing_ok)
{
	return LookupFuncName(list_make2(makeString("verwerkingenlog"), makeString(pstrdup(naam))),
						  nargs, argtypes, missing_ok);
}

/* Prepare a statement once per backend and keep it (SPI_keepplan) in *plan. */
SPIPlanPtr
vwl_prepared(SPIPlanPtr *plan, const char *sql, int nargs, Oid *argtypes)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	p = SPI_prepare(sql, nargs, argtypes);

		if (p == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql,
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(p) != 0)
			elog(ERROR, "could not keep plan for \"%s\"", sql);
		*plan = p;
	}
	return *plan;
}
