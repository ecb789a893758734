/*
 * verwerkingenlog.c
 *		Module initialisation and the extension's settings.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "verwerkingenlog.h"
#include "pseudoniem.h"

PG_MODULE_MAGIC;

/* Start of every url the log hands out (verwerkingenlog.base_url). */
char	   *vwl_base_url = NULL;

void		_PG_init(void);

/*
 * Define the settings.  They are read by the SQL layer with current_setting,
 * so the C side only makes sure they exist with a sane default and that the
 * prefix is reserved.
 */
void
_PG_init(void)
{
	DefineCustomStringVariable("verwerkingenlog.base_url",
							   "Start of the url of every resource the log returns.",
							   "For example https://gemeente.example/api/v1; /verwerkingsacties/{actieId} is appended.",
							   &vwl_base_url,
							   "http://localhost/api/v1",
							   PGC_SUSET,
							   0,
							   NULL, NULL, NULL);

	/*
	 * Superuser only: a client that could point it elsewhere could make the
	 * log pseudonymise with a key of its choosing.  Also hidden from other
	 * roles' SHOW.
	 */
	DefineCustomStringVariable("verwerkingenlog.sleutelbestand",
							   "Key file for pseudonymised and encrypted object identifiers.",
							   "Empty means " VWL_STANDAARD_SLEUTELBESTAND " in the data directory, created on first use; "
							   "a configured file must exist.  A relative path is relative to the data directory.",
							   &vwl_sleutelbestand,
							   "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY,
							   NULL, NULL, NULL);

	MarkGUCPrefixReserved("verwerkingenlog");
}

PG_FUNCTION_INFO_V1(vwl_base_url_fn);

/*
 * verwerkingenlog.base_url(): the setting without a trailing slash.  A C
 * function, so that calling it loads the module and with it the setting.
 */
Datum
vwl_base_url_fn(PG_FUNCTION_ARGS)
{
	const char *url = vwl_base_url ? vwl_base_url : "";
	int			len = strlen(url);

	while (len > 0 && url[len - 1] == '/')
		len--;
	PG_RETURN_TEXT_P(cstring_to_text_with_len(url, len));
}
