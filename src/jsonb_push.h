/*
 * jsonb_push.h
 *		Pushing keys and string values onto a jsonb parse state, for the
 *		documents the writer returns (writer.c) and the read documents
 *		(document.c).
 */
#ifndef VWL_JSONB_PUSH_H
#define VWL_JSONB_PUSH_H

#include "utils/jsonb.h"

/* Push a key (a string constant, or one that outlives the document). */
static inline void
vwl_push_key(JsonbParseState **st, const char *sleutel)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) sleutel;
	v.val.string.len = strlen(sleutel);
	pushJsonbValue(st, WJB_KEY, &v);
}

/* Push a string value of len bytes, or null for NULL; it must outlive the document. */
static inline void
vwl_push_text(JsonbParseState **st, const char *s, int len)
{
	JsonbValue	v;

	if (s == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.val = (char *) s;
		v.val.string.len = len;
	}
	pushJsonbValue(st, WJB_VALUE, &v);
}

#endif							/* VWL_JSONB_PUSH_H */
