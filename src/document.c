/*
 * document.c
 *		Small pieces of the API's JSON documents that SQL builds slowly.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(vwl_soorten_gegevens);

/*
 * verwerkingenlog._soorten_gegevens(text[]) RETURNS jsonb: the stored array of
 * soorten gegevens as the API shows it, [{"soortGegeven": ...}, ...].  A plain
 * expression instead of a subquery keeps the object document inlinable.
 */
Datum
vwl_soorten_gegevens(PG_FUNCTION_ARGS)
{
	ArrayType  *soorten = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elementen;
	bool	   *nulls;
	int			aantal;
	JsonbParseState *state = NULL;
	JsonbValue	sleutel;
	JsonbValue *resultaat;

	if (ARR_NDIM(soorten) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("verwerkte soorten gegevens must be a one-dimensional array")));

	deconstruct_array(soorten, TEXTOID, -1, false, TYPALIGN_INT,
					  &elementen, &nulls, &aantal);

	sleutel.type = jbvString;
	sleutel.val.string.val = "soortGegeven";
	sleutel.val.string.len = strlen("soortGegeven");

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < aantal; i++)
	{
		JsonbValue	waarde;

		if (nulls[i])
			waarde.type = jbvNull;
		else
		{
			text	   *t = DatumGetTextPP(elementen[i]);

			waarde.type = jbvString;
			waarde.val.string.val = VARDATA_ANY(t);
			waarde.val.string.len = VARSIZE_ANY_EXHDR(t);
		}
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		pushJsonbValue(&state, WJB_KEY, &sleutel);
		pushJsonbValue(&state, WJB_VALUE, &waarde);
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	resultaat = pushJsonbValue(&state, WJB_END_ARRAY, NULL);

	PG_RETURN_JSONB_P(JsonbValueToJsonb(resultaat));
}
