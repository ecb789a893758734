/*
 * maker.c
 *		Who made a version: the calling role and, from request.jwt.claims,
 *		the token's subject and client (B3891: every change traceable).
 *
 * Every stored version records its maker in three columns of
 * verwerkingsactie_versie, filled by the writer (writer.c) and by the
 * copy that DELETE and PATCH make (_copy_version, through _maker()):
 *
 *	gemaakt_door_rol	the outer role: the role of the session or of SET ROLE
 *						(what PostgREST sets), not the owner of the SECURITY
 *						DEFINER function that writes;
 *	gemaakt_door_sub	the claim "sub" of request.jwt.claims, when set;
 *	gemaakt_door_client	the claim "azp", or else "client_id" (RFC 8693,
 *						RFC 9068), when set.
 *
 * The role is what the database authenticated.  The claims are what
 * PostgREST verified in the token; any SQL user can set that setting, so for
 * a direct SQL client they are the client's own statement (README).  A claim
 * that is a string is stored as the string; another JSON value as its JSON
 * text; one longer than VWL_MAKER_MAX characters is cut at that length.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "verantwoording.h"
#include "verwerkingenlog.h"

/* The setting PostgREST fills with the verified claims of the token. */
#define CLAIMS_SETTING		"request.jwt.claims"

/* The longest claim value stored (characters). */
#define VWL_MAKER_MAX		242

/*
 * The last claims string and what was read from it, kept for the session in
 * TopMemoryContext: the writer asks on every call, and the claims do not
 * change within a request.  The key is the whole string.
 */
static char *last_claims = NULL;
static char *last_sub = NULL;
static char *last_client = NULL;

/* A claim as stored: a string as is, another value as JSON; NULL if absent. */
static char *
claim_text(Jsonb *claims, const char *naam)
{
	JsonbValue *w;
	char	   *s;
	int			len;

	w = getKeyJsonValueFromContainer(&claims->root, naam, strlen(naam), NULL);
	if (w == NULL || w->type == jbvNull)
		return NULL;
	if (w->type == jbvString)
		s = pnstrdup(w->val.string.val, w->val.string.len);
	else if (w->type == jbvBinary)
		s = JsonbToCString(NULL, w->val.binary.data, w->val.binary.len);
	else
	{
		Jsonb	   *j = JsonbValueToJsonb(w);

		s = JsonbToCString(NULL, &j->root, VARSIZE(j));
	}
	len = strlen(s);
	if (pg_mbstrlen_with_len(s, len) > VWL_MAKER_MAX)
		s[pg_mbcharcliplen(s, len, VWL_MAKER_MAX)] = '\0';
	return s;
}

/* Read sub and client from a claims string into the session's cache. */
static void
read_claims(const char *claims)
{
	Jsonb	   *j;
	char	   *sub = NULL;
	char	   *client = NULL;
	MemoryContext oud;

	j = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(claims)));
	if (JB_ROOT_IS_OBJECT(j))
	{
		sub = claim_text(j, "sub");
		client = claim_text(j, "azp");
		if (client == NULL)
			client = claim_text(j, "client_id");
	}

	oud = MemoryContextSwitchTo(TopMemoryContext);
	if (last_claims)
		pfree(last_claims);
	if (last_sub)
		pfree(last_sub);
	if (last_client)
		pfree(last_client);
	last_sub = sub ? pstrdup(sub) : NULL;
	last_client = client ? pstrdup(client) : NULL;
	last_claims = pstrdup(claims);
	MemoryContextSwitchTo(oud);
}

/*
 * The maker of a version written now: the outer role's name, and the claims'
 * sub and client (NULL when absent), each palloc'd in the current context.
 * Unreadable claims are refused by vwl_scopes() first (28000), as for every
 * entry point.
 */
void
vwl_maker(char **rol, char **sub, char **client)
{
	const char *claims;

	(void) vwl_scopes();
	*rol = GetUserNameFromId(GetOuterUserId(), false);
	*sub = NULL;
	*client = NULL;
	claims = GetConfigOption(CLAIMS_SETTING, true, false);
	if (claims == NULL || claims[0] == '\0')
		return;
	if (last_claims == NULL || strcmp(last_claims, claims) != 0)
		read_claims(claims);
	*sub = last_sub ? pstrdup(last_sub) : NULL;
	*client = last_client ? pstrdup(last_client) : NULL;
}

PG_FUNCTION_INFO_V1(vwl_maker_fn);

/*
 * verwerkingenlog._maker(OUT rol text, OUT sub text, OUT client text): the
 * maker of a version written now (see the top of this file).
 */
Datum
vwl_maker_fn(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	char	   *maker[3];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	vwl_maker(&maker[0], &maker[1], &maker[2]);
	for (int i = 0; i < 3; i++)
	{
		nulls[i] = (maker[i] == NULL);
		values[i] = nulls[i] ? (Datum) 0 : CStringGetTextDatum(maker[i]);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
