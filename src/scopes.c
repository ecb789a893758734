/*
 * scopes.c
 *		The scopes of the caller and the confidentiality rule engine.
 *
 * A caller holds a scope of the standard when its role is a member of the
 * scope's role (verwerkingenlog_read_normal grants read:normal, and so on).
 * The role asked about is the outer role: the role of the session or of
 * SET ROLE, which is what PostgREST sets with SET LOCAL role.  The current
 * user would be wrong, because every entry point of the log is a SECURITY
 * DEFINER function and runs as its owner.
 *
 * When the setting request.jwt.claims holds a "scope" claim, the caller
 * holds only the scopes that both the roles and the claim grant.  Any SQL
 * user can set that setting, so a claim narrows and never widens.
 *
 * The rule engine (_decide for writes, _readable for reads) is pure: it
 * gets the scope bits, the levels involved and the operation, and decides.
 * Every entry point of the SQL layer calls it, so the rules of the standard
 * live here and nowhere else.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "verwerkingenlog.h"
#include "settings.h"

/* The setting PostgREST fills with the verified claims of the token. */
#define CLAIMS_SETTING		"request.jwt.claims"

/* One scope: its name in the standard (and in a claim), its role, its bit. */
typedef struct ScopeDef
{
	const char *naam;
	const char *rol;
	int			bit;
} ScopeDef;

/* Sorted by name, so that scopes() lists them in that order. */
static const ScopeDef scope_defs[] = {
	{"beheer", "verwerkingenlog_beheer", SCOPE_BEHEER},
	{"create:confidential", "verwerkingenlog_create_confidential", SCOPE_CREATE_CONFIDENTIAL},
	{"create:normal", "verwerkingenlog_create_normal", SCOPE_CREATE_NORMAL},
	{"delete:confidential", "verwerkingenlog_delete_confidential", SCOPE_DELETE_CONFIDENTIAL},
	{"delete:normal", "verwerkingenlog_delete_normal", SCOPE_DELETE_NORMAL},
	{"read:confidential", "verwerkingenlog_read_confidential", SCOPE_READ_CONFIDENTIAL},
	{"read:normal", "verwerkingenlog_read_normal", SCOPE_READ_NORMAL},
	{"update:confidential", "verwerkingenlog_update_confidential", SCOPE_UPDATE_CONFIDENTIAL},
	{"update:normal", "verwerkingenlog_update_normal", SCOPE_UPDATE_NORMAL},
};

#define SCOPE_COUNT	((int) lengthof(scope_defs))

/* The bit of one scope name, 0 for a name the standard does not know. */
static int
scope_bit(const char *naam, int len)
{
	for (int i = 0; i < SCOPE_COUNT; i++)
	{
		if (strlen(scope_defs[i].naam) == (size_t) len &&
			strncmp(scope_defs[i].naam, naam, len) == 0)
			return scope_defs[i].bit;
	}
	return 0;
}

/* The scopes named in a space-separated scope string (RFC 6749, 3.3). */
static int
scope_bits_in_text(const char *s)
{
	int			bits = 0;

	while (*s)
	{
		const char *begin;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		begin = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			s++;
		if (s > begin)
			bits |= scope_bit(begin, s - begin);
	}
	return bits;
}

/*
 * Reading the claims.  Only the top-level member "scope" counts; its value
 * is a space-separated string or an array of strings (one scope name per
 * element).  Every "scope" member narrows, so a document that repeats the
 * member grants only what all of them grant.
 */
typedef struct ClaimsState
{
	int			depth;			/* nesting depth of the parser */
	bool		is_object;		/* the document is a JSON object */
	bool		in_scope;		/* inside the value of a top-level "scope" */
	bool		in_array;		/* ... and that value is an array */
	bool		bad_scope;		/* that value is neither string nor strings */
	bool		has_scope;		/* a "scope" member was seen */
	int			bits;			/* scopes named by the current member */
	int			mask;			/* AND of the scopes of every member */
} ClaimsState;

/* Start of an object. */
static void
claims_object_start(void *state)
{
	ClaimsState *cs = (ClaimsState *) state;

	if (cs->depth == 0)
		cs->is_object = true;
	else if (cs->in_scope)
		cs->bad_scope = true;
	cs->depth++;
}

/* End of an object. */
static void
claims_object_end(void *state)
{
	((ClaimsState *) state)->depth--;
}

/* Start of an array: the value of "scope", or something unexpected. */
static void
claims_array_start(void *state)
{
	ClaimsState *cs = (ClaimsState *) state;

	if (cs->in_scope)
	{
		if (cs->depth == 1)
			cs->in_array = true;
		else
			cs->bad_scope = true;
	}
	cs->depth++;
}

/* End of an array. */
static void
claims_array_end(void *state)
{
	ClaimsState *cs = (ClaimsState *) state;

	cs->depth--;
	if (cs->in_scope && cs->depth == 1)
		cs->in_array = false;
}

/* A member name: is it the top-level "scope"? */
static void
claims_field_start(void *state, char *fname, bool isnull)
{
	ClaimsState *cs = (ClaimsState *) state;

	if (cs->depth == 1 && strcmp(fname, "scope") == 0)
	{
		cs->in_scope = true;
		cs->has_scope = true;
		cs->bits = 0;
	}
}

/* End of a member: a "scope" member narrows what the claims grant. */
static void
claims_field_end(void *state, char *fname, bool isnull)
{
	ClaimsState *cs = (ClaimsState *) state;

	if (cs->depth == 1 && cs->in_scope)
	{
		cs->mask &= cs->bits;
		cs->in_scope = false;
		cs->in_array = false;
	}
}

/* A scalar: a scope string, a scope name in the array, or not a string. */
static void
claims_scalar(void *state, char *token, JsonTokenType tokentype)
{
	ClaimsState *cs = (ClaimsState *) state;

	if (!cs->in_scope)
		return;
	if (tokentype != JSON_TOKEN_STRING)
		cs->bad_scope = true;
	else if (cs->depth == 1)
		cs->bits |= scope_bits_in_text(token);
	else if (cs->depth == 2 && cs->in_array)
		cs->bits |= scope_bit(token, strlen(token));
	else
		cs->bad_scope = true;
}

/*
 * The scopes the claims allow: SCOPE_ALL when they do not narrow.  Claims
 * that cannot be read fail closed, with an error rather than silently with
 * no scopes, so that a misconfigured gateway is noticed.
 */
static int
claims_parse(const char *claims)
{
	JsonLexContext *lex;
	JsonSemAction sem;
	JsonParseErrorType fout;
	ClaimsState cs;

	memset(&cs, 0, sizeof(cs));
	cs.mask = SCOPE_ALL;
	memset(&sem, 0, sizeof(sem));
	sem.semstate = &cs;
	sem.object_start = claims_object_start;
	sem.object_end = claims_object_end;
	sem.array_start = claims_array_start;
	sem.array_end = claims_array_end;
	sem.object_field_start = claims_field_start;
	sem.object_field_end = claims_field_end;
	sem.scalar = claims_scalar;

	lex = makeJsonLexContextCstringLen(pstrdup(claims), strlen(claims),
									   GetDatabaseEncoding(), true);
	fout = pg_parse_json(lex, &sem);
	if (fout != JSON_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("setting \"%s\" is not valid JSON", CLAIMS_SETTING),
				 errdetail_internal("%s", json_errdetail(fout, lex)),
				 errhint("No scopes are granted while the claims cannot be read.")));
	if (!cs.is_object)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("setting \"%s\" is not a JSON object", CLAIMS_SETTING),
				 errhint("No scopes are granted while the claims cannot be read.")));
	if (cs.bad_scope)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("claim \"scope\" in setting \"%s\" must be a string or an array of strings",
						CLAIMS_SETTING),
				 errhint("No scopes are granted while the claims cannot be read.")));
	return cs.has_scope ? cs.mask : SCOPE_ALL;
}

/*
 * The scopes request.jwt.claims allows, SCOPE_ALL when it is not set, is
 * empty or has no "scope" claim.
 *
 * The last claims string and its result are kept for the session, in
 * TopMemoryContext: the SQL layer may ask for the scopes once per row (a
 * view filter), and the claims do not change within a request.  The key is
 * the whole string, so a changed setting is always parsed again; a string
 * that fails to parse is never kept.
 */
static int
claims_scopes(void)
{
	static char *cached_claims = NULL;
	static int	cached_mask = 0;
	const char *claims;
	int			mask;

	claims = GetConfigOption(CLAIMS_SETTING, true, false);
	if (claims == NULL || claims[0] == '\0')
		return SCOPE_ALL;
	if (cached_claims != NULL && strcmp(cached_claims, claims) == 0)
		return cached_mask;

	mask = claims_parse(claims);

	if (cached_claims != NULL)
		pfree(cached_claims);
	cached_claims = MemoryContextStrdup(TopMemoryContext, claims);
	cached_mask = mask;
	return mask;
}

/*
 * The scopes of the caller, as SCOPE_* bits: the scope roles the outer role
 * has the privileges of (all of them for a superuser), narrowed by the scope
 * claim.  A scope role that does not exist grants nothing.
 */
/*
 * The scope roles the last caller has the privileges of, kept until a role
 * or a membership changes anywhere (syscache invalidation of pg_authid or
 * pg_auth_members): eight role lookups and membership checks per call cost
 * a logged action some 14,000 instructions, twice (the scopes, then the
 * maker's check of the claims).
 */
static struct
{
	bool		geldig;
	bool		geregistreerd;
	Oid			beller;
	int			scopes;
}			rol_scopes;

/* Syscache invalidation of a role or a membership: forget the roles' scopes. */
static void
role_scopes_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	rol_scopes.geldig = false;
}

int
vwl_scopes(void)
{
	Oid			beller = GetOuterUserId();
	int			scopes = 0;

	/* Every operation asks for the scopes first: check the settings here. */
	vwl_settings_check();
	if (!rol_scopes.geregistreerd)
	{
		CacheRegisterSyscacheCallback(AUTHOID, role_scopes_invalidate, (Datum) 0);
		CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, role_scopes_invalidate, (Datum) 0);
		rol_scopes.geregistreerd = true;
	}
	if (rol_scopes.geldig && rol_scopes.beller == beller)
		scopes = rol_scopes.scopes;
	else
	{
		if (superuser_arg(beller))
			scopes = SCOPE_ALL;
		else
		{
			for (int i = 0; i < SCOPE_COUNT; i++)
			{
				Oid			rol = get_role_oid(scope_defs[i].rol, true);

				if (OidIsValid(rol) && has_privs_of_role(beller, rol))
					scopes |= scope_defs[i].bit;
			}
		}
		rol_scopes.beller = beller;
		rol_scopes.scopes = scopes;
		rol_scopes.geldig = true;
	}
	return scopes & claims_scopes();
}

/*
 * verwerkingenlog.scopes() RETURNS text[]: the caller's scopes by name,
 * sorted.
 */
PG_FUNCTION_INFO_V1(vwl_scopes_namen);
Datum
vwl_scopes_namen(PG_FUNCTION_ARGS)
{
	int			scopes = vwl_scopes();
	Datum		namen[SCOPE_COUNT];
	int			n = 0;

	for (int i = 0; i < SCOPE_COUNT; i++)
	{
		if (scopes & scope_defs[i].bit)
			namen[n++] = CStringGetTextDatum(scope_defs[i].naam);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(namen, n, TEXTOID, -1, false,
										  TYPALIGN_INT));
}

/*
 * verwerkingenlog._scopes() RETURNS integer: the caller's scopes as bits,
 * for the SQL layer to hand to _decide and _readable.
 */
PG_FUNCTION_INFO_V1(vwl__scopes);
Datum
vwl__scopes(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(vwl_scopes());
}

/*
 * The rule engine.  The levels (Niveau) are declared in verwerkingenlog.h,
 * for C callers of vwl_beslis.
 */
#define NIVEAU_BIT(n)	(1 << (n))
#define ALL_NIVEAUS	(NIVEAU_BIT(NIVEAU_NORMAAL) | NIVEAU_BIT(NIVEAU_VERTROUWELIJK) | \
						 NIVEAU_BIT(NIVEAU_OPGEHEVEN))

/* The labels of the enum, in the order of Niveau. */
const char *const vwl_niveau_namen[NIVEAU_COUNT] = {
	"normaal", "vertrouwelijk", "opgeheven"
};

/*
 * The enum's type and the OIDs of its labels, looked up once per call site
 * (fn_extra) from the function's own declared type, so that nothing depends
 * on OIDs that change when the extension is dropped and created again.
 */
typedef struct NiveauTypeInfo
{
	Oid			typid;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Oid			labels[NIVEAU_COUNT];
} NiveauTypeInfo;

/* The type info of the enum typid, cached in flinfo. */
static NiveauTypeInfo *
niveau_type(FunctionCallInfo fcinfo, bool array)
{
	NiveauTypeInfo *info = (NiveauTypeInfo *) fcinfo->flinfo->fn_extra;

	if (info == NULL)
	{
		Oid			typid = get_func_rettype(fcinfo->flinfo->fn_oid);

		if (array)
			typid = get_element_type(typid);
		if (!OidIsValid(typid) || get_typtype(typid) != TYPTYPE_ENUM)
			elog(ERROR, "function %u does not return the vertrouwelijkheid enum",
				 fcinfo->flinfo->fn_oid);

		info = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(NiveauTypeInfo));
		info->typid = typid;
		get_typlenbyvalalign(typid, &info->typlen, &info->typbyval,
							 &info->typalign);
		for (int i = 0; i < NIVEAU_COUNT; i++)
		{
			HeapTuple	tup = SearchSysCache2(ENUMTYPOIDNAME,
											  ObjectIdGetDatum(typid),
											  CStringGetDatum(vwl_niveau_namen[i]));

			if (!HeapTupleIsValid(tup))
				elog(ERROR, "enum label \"%s\" of type %u not found",
					 vwl_niveau_namen[i], typid);
			info->labels[i] = ((Form_pg_enum) GETSTRUCT(tup))->oid;
			ReleaseSysCache(tup);
		}
		fcinfo->flinfo->fn_extra = info;
	}
	return info;
}

/* The level of an enum value. */
static Niveau
niveau_of(NiveauTypeInfo *info, Datum d)
{
	Oid			label = DatumGetObjectId(d);

	for (int i = 0; i < NIVEAU_COUNT; i++)
	{
		if (info->labels[i] == label)
			return (Niveau) i;
	}
	elog(ERROR, "enum value %u is not a vertrouwelijkheid", label);
	return NIVEAU_GEEN;			/* keep the compiler quiet */
}

/* Argument n as a level, NIVEAU_GEEN for NULL. */
static Niveau
niveau_arg(FunctionCallInfo fcinfo, NiveauTypeInfo *info, int n)
{
	if (PG_ARGISNULL(n))
		return NIVEAU_GEEN;
	return niveau_of(info, PG_GETARG_DATUM(n));
}

/* Scope bits given by a caller of _decide or _readable. */
static int
scopes_arg(FunctionCallInfo fcinfo, int n)
{
	int32		scopes;

	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("scopes must not be null")));
	scopes = PG_GETARG_INT32(n);
	if ((scopes & ~SCOPE_ALL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scopes %d contains bits that are not scopes", scopes)));
	return scopes;
}

/* The text argument n (operatie, soort), which must not be NULL. */
static char *
text_arg(FunctionCallInfo fcinfo, int n, const char *naam)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", naam)));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * Refuse with 42501 unless the caller holds one of the scopes in nodig.
 * naam is what the message names: the scope, or two scopes either of
 * which suffices.
 */
static void
require(int scopes, int nodig, const char *naam, const char *doel)
{
	if ((scopes & nodig) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("scope %s is required to %s", naam, doel)));
}

/*
 * Refuse with 42501 unless the caller holds the confidential scope needed
 * to act (werkwoord) on an action whose current level is huidig (not
 * normaal).
 */
static void
require_confidential(int scopes, int bit, const char *scope,
					 const char *werkwoord, Niveau huidig)
{
	if ((scopes & bit) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 huidig == NIVEAU_VERTROUWELIJK ?
				 errmsg("scope \"%s\" is required to %s a confidential verwerkingsactie",
						scope, werkwoord) :
				 errmsg("scope \"%s\" is required to %s a verwerkingsactie that was confidential",
						scope, werkwoord)));
}

/* 'opgeheven' asked for an action that never was confidential. */
static void
refuse_reset(Niveau huidig)
{
	if (huidig == NIVEAU_GEEN)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("vertrouwelijkheid \"opgeheven\" cannot be used to log a verwerkingsactie"),
				 errdetail("Only the confidentiality of an action that was confidential can be lifted."),
				 errhint("Log the action as \"normaal\" or \"vertrouwelijk\".")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("confidentiality of a verwerkingsactie that was never confidential cannot be lifted"),
			 errdetail("The verwerkingsactie has vertrouwelijkheid \"normaal\"; only a confidential one can become \"opgeheven\"."),
			 errhint("Ask for \"normaal\" or \"vertrouwelijk\".")));
}

/* A current level is required for every operation but create. */
static void
require_current(const char *operatie, Niveau huidig)
{
	if (huidig == NIVEAU_GEEN)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("huidig must not be null for operatie \"%s\"", operatie)));
}

/*
 * Confidentiality never forgets: an action that is or was confidential and
 * is asked to become normaal (or to stay or become opgeheven) is stored as
 * opgeheven.  Otherwise the requested level is stored.
 */
static Niveau
remember(Niveau huidig, Niveau gevraagd)
{
	if ((huidig == NIVEAU_VERTROUWELIJK || huidig == NIVEAU_OPGEHEVEN) &&
		(gevraagd == NIVEAU_NORMAAL || gevraagd == NIVEAU_OPGEHEVEN))
		return NIVEAU_OPGEHEVEN;
	return gevraagd;
}

/*
 * The decision for one write: the level to store, or an error.
 *
 * Every operation is checked in the same order: (1) the caller holds at
 * least one scope of the operation, else 42501 without saying anything
 * about the action; (2) a request no scope could allow (opgeheven for an
 * action that never was confidential) is refused with 42501; (3) a
 * confidential action, or a change of confidentiality, needs the
 * confidential scope of the operation, else 42501 naming it.
 *
 * Invariant: the stored level is normaal only when the action was never
 * confidential.  Create stores normaal only when asked for; update and
 * patch store normaal only when the current level is normaal (onthoud maps
 * every other request for normaal to opgeheven); delete stores the current
 * level.  So readers may filter on the current level alone: a read:normal
 * caller that sees only 'normaal' never sees an action that is or ever was
 * confidential.
 */
Niveau
vwl_decide_niveau(const char *operatie, int scopes, Niveau huidig, Niveau gevraagd)
{
	if (strcmp(operatie, "create") == 0)
	{
		if (huidig != NIVEAU_GEEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("huidig must be null for operatie \"create\""),
					 errdetail("A new verwerkingsactie has no current vertrouwelijkheid.")));
		if (gevraagd == NIVEAU_GEEN)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("vertrouwelijkheid is required to log a verwerkingsactie")));
		require(scopes, SCOPE_CREATE_NORMAL, "\"create:normal\"",
			   "log a verwerkingsactie");
		if (gevraagd == NIVEAU_OPGEHEVEN)
			refuse_reset(huidig);
		if (gevraagd == NIVEAU_VERTROUWELIJK)
			require(scopes, SCOPE_CREATE_CONFIDENTIAL, "\"create:confidential\"",
				   "log a confidential verwerkingsactie");
		return gevraagd;
	}
	else if (strcmp(operatie, "update") == 0)
	{
		require_current(operatie, huidig);
		if (gevraagd == NIVEAU_GEEN)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("vertrouwelijkheid is required to replace a verwerkingsactie")));
		require(scopes, SCOPE_UPDATE_NORMAL | SCOPE_UPDATE_CONFIDENTIAL,
			   "\"update:normal\" or \"update:confidential\"",
			   "replace a verwerkingsactie");
		if (huidig == NIVEAU_NORMAAL)
		{
			if (gevraagd == NIVEAU_OPGEHEVEN)
				refuse_reset(huidig);
			if (gevraagd == NIVEAU_VERTROUWELIJK)
				require(scopes, SCOPE_UPDATE_CONFIDENTIAL, "\"update:confidential\"",
					   "make a verwerkingsactie confidential");
		}
		else
			require_confidential(scopes, SCOPE_UPDATE_CONFIDENTIAL,
								 "update:confidential", "change", huidig);
		return remember(huidig, gevraagd);
	}
	else if (strcmp(operatie, "patch") == 0)
	{
		require_current(operatie, huidig);
		require(scopes, SCOPE_UPDATE_NORMAL | SCOPE_UPDATE_CONFIDENTIAL,
			   "\"update:normal\" or \"update:confidential\"",
			   "change a verwerking");
		if (gevraagd == NIVEAU_GEEN)
		{
			/* Only the bewaartermijn changes. */
			if (huidig != NIVEAU_NORMAAL)
				require_confidential(scopes, SCOPE_UPDATE_CONFIDENTIAL,
									 "update:confidential", "change", huidig);
			return huidig;
		}
		if (huidig == NIVEAU_NORMAAL && gevraagd == NIVEAU_OPGEHEVEN)
			refuse_reset(huidig);
		require(scopes, SCOPE_UPDATE_CONFIDENTIAL, "\"update:confidential\"",
			   "change the vertrouwelijkheid of a verwerking");
		return remember(huidig, gevraagd);
	}
	else if (strcmp(operatie, "delete") == 0)
	{
		require_current(operatie, huidig);
		if (gevraagd != NIVEAU_GEEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("gevraagd must be null for operatie \"delete\""),
					 errdetail("Annulling a verwerkingsactie keeps its vertrouwelijkheid.")));
		require(scopes, SCOPE_DELETE_NORMAL | SCOPE_DELETE_CONFIDENTIAL,
			   "\"delete:normal\" or \"delete:confidential\"",
			   "annul a verwerkingsactie");
		if (huidig != NIVEAU_NORMAAL)
			require_confidential(scopes, SCOPE_DELETE_CONFIDENTIAL,
								 "delete:confidential", "annul", huidig);
		return huidig;
	}

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown operatie \"%s\"", operatie),
			 errhint("Use \"create\", \"update\", \"patch\" or \"delete\".")));
	return NIVEAU_GEEN;			/* keep the compiler quiet */
}

/* The decision of fcinfo's arguments (operatie, huidig, gevraagd) for scopes. */
static Datum
decide_fmgr(FunctionCallInfo fcinfo, int scopes, int arg_huidig)
{
	NiveauTypeInfo *info = niveau_type(fcinfo, false);
	char	   *operatie = text_arg(fcinfo, 0, "operatie");
	Niveau		huidig = niveau_arg(fcinfo, info, arg_huidig);
	Niveau		gevraagd = niveau_arg(fcinfo, info, arg_huidig + 1);
	Niveau		opslaan = vwl_decide_niveau(operatie, scopes, huidig, gevraagd);

	return ObjectIdGetDatum(info->labels[opslaan]);
}

/*
 * verwerkingenlog._decide(operatie text, scopes integer, huidig
 * vertrouwelijkheid, gevraagd vertrouwelijkheid) RETURNS vertrouwelijkheid:
 * the rule engine for writes, for given scopes.
 */
PG_FUNCTION_INFO_V1(vwl__decide);
Datum
vwl__decide(PG_FUNCTION_ARGS)
{
	return decide_fmgr(fcinfo, scopes_arg(fcinfo, 1), 2);
}

/*
 * verwerkingenlog.beslis(operatie text, huidig vertrouwelijkheid, gevraagd
 * vertrouwelijkheid) RETURNS vertrouwelijkheid: the same for the caller.
 */
PG_FUNCTION_INFO_V1(vwl_beslis);
Datum
vwl_beslis(PG_FUNCTION_ARGS)
{
	return decide_fmgr(fcinfo, vwl_scopes(), 1);
}

/*
 * The levels a read of kind soort may return to a caller with scopes, as
 * NIVEAU_BITs, before the caller's own filter.  gevraagd is the caller's
 * filter (0 for none); only 'lijst' looks at it, because read:normal must
 * ask for exactly {normaal} there.
 */
static int
readable(const char *soort, int scopes, int gevraagd)
{
	bool		vertrouwelijk = (scopes & SCOPE_READ_CONFIDENTIAL) != 0;

	if (strcmp(soort, "lijst") == 0)
	{
		require(scopes, SCOPE_READ_NORMAL | SCOPE_READ_CONFIDENTIAL,
			   "\"read:normal\" or \"read:confidential\"", "list verwerkingsacties");
		if (vertrouwelijk)
			return ALL_NIVEAUS;
		if (gevraagd != NIVEAU_BIT(NIVEAU_NORMAAL))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("scope \"read:normal\" must ask for vertrouwelijkheid \"normaal\" to list verwerkingsacties"),
					 errdetail("Listing other levels of confidentiality needs scope \"read:confidential\"."),
					 errhint("Ask for vertrouwelijkheid=normaal.")));
		return NIVEAU_BIT(NIVEAU_NORMAAL);
	}
	else if (strcmp(soort, "actie") == 0)
	{
		require(scopes, SCOPE_READ_NORMAL | SCOPE_READ_CONFIDENTIAL,
			   "\"read:normal\" or \"read:confidential\"", "read a verwerkingsactie");
		return vertrouwelijk ? ALL_NIVEAUS : NIVEAU_BIT(NIVEAU_NORMAAL);
	}
	else if (strcmp(soort, "inzage") == 0)
	{
		/* A citizen never sees what is confidential now. */
		require(scopes, SCOPE_READ_NORMAL | SCOPE_READ_CONFIDENTIAL,
			   "\"read:normal\" or \"read:confidential\"", "read verwerkte objecten");
		if (vertrouwelijk)
			return NIVEAU_BIT(NIVEAU_NORMAAL) | NIVEAU_BIT(NIVEAU_OPGEHEVEN);
		return NIVEAU_BIT(NIVEAU_NORMAAL);
	}
	else if (strcmp(soort, "historie") == 0)
	{
		require(scopes, SCOPE_READ_CONFIDENTIAL, "\"read:confidential\"",
			   "read the history of a verwerkingsactie");
		return ALL_NIVEAUS;
	}

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown soort \"%s\"", soort),
			 errhint("Use \"lijst\", \"actie\", \"inzage\" or \"historie\".")));
	return 0;					/* keep the compiler quiet */
}

/*
 * The read decision for fcinfo's arguments (soort, gevraagd[]) and scopes:
 * the levels allowed, narrowed to those asked for (none asked: all), as an
 * array in the enum's order.
 */
static Datum
leesbaar_fmgr(FunctionCallInfo fcinfo, int scopes, int arg_gevraagd)
{
	NiveauTypeInfo *info = niveau_type(fcinfo, true);
	char	   *soort = text_arg(fcinfo, 0, "soort");
	int			gevraagd = 0;
	int			toegestaan;
	Datum		uit[NIVEAU_COUNT];
	int			n = 0;

	if (!PG_ARGISNULL(arg_gevraagd))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(arg_gevraagd);
		Datum	   *elems;
		bool	   *nulls;
		int			nelems;

		if (ARR_ELEMTYPE(arr) != info->typid)
			elog(ERROR, "gevraagd is not an array of vertrouwelijkheid");
		deconstruct_array(arr, info->typid, info->typlen, info->typbyval,
						  info->typalign, &elems, &nulls, &nelems);
		for (int i = 0; i < nelems; i++)
		{
			if (nulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("gevraagd must not contain null")));
			gevraagd |= NIVEAU_BIT(niveau_of(info, elems[i]));
		}
	}

	toegestaan = readable(soort, scopes, gevraagd);
	if (gevraagd != 0)
		toegestaan &= gevraagd;

	for (int i = 0; i < NIVEAU_COUNT; i++)
	{
		if (toegestaan & NIVEAU_BIT(i))
			uit[n++] = ObjectIdGetDatum(info->labels[i]);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(uit, n, info->typid, info->typlen,
										  info->typbyval, info->typalign));
}

/*
 * verwerkingenlog._readable(soort text, scopes integer, gevraagd
 * vertrouwelijkheid[]) RETURNS vertrouwelijkheid[]: the rule engine for
 * reads, for given scopes.
 */
PG_FUNCTION_INFO_V1(vwl__readable);
Datum
vwl__readable(PG_FUNCTION_ARGS)
{
	return leesbaar_fmgr(fcinfo, scopes_arg(fcinfo, 1), 2);
}

/*
 * verwerkingenlog.readable(soort text, gevraagd vertrouwelijkheid[])
 * RETURNS vertrouwelijkheid[]: the same for the caller.
 */
PG_FUNCTION_INFO_V1(vwl_leesbaar);
Datum
vwl_leesbaar(PG_FUNCTION_ARGS)
{
	return leesbaar_fmgr(fcinfo, vwl_scopes(), 1);
}
