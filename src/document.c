/*
 * document.c
 *		The API's JSON documents of stored rows, built in C: what the SQL
 *		functions _object_document, _document, _restricted_document and
 *		_inzage_document built with jsonb_build_object, || and -.
 *
 * jsonb_build_object looks up the type and output function of every
 * argument on every call, and the restricted form was built whole and then
 * cut down key by key, each cut a new document: two thirds of an inzage's
 * and half of a list's instructions.  Here the columns are found by name
 * once per query (fn_extra), each value is pushed as jsonb_build_object
 * would push it (text and uuid as strings, timestamptz as to_jsonb prints
 * it, any other type as its output function's string, SQL NULL as null),
 * and the restricted form is built without what it leaves out.  The keys of
 * a jsonb object are kept sorted, so the order of pushing does not show.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
#include "utils/uuid.h"

#include "verwerkingenlog.h"
#include "settings.h"
#include "pseudoniem.h"
#include "jsonb_push.h"
#include "document.h"

/* The length of a UUID in its text form. */
#define UUID_TEXT_LENGTH 36

/* How a column's value goes into a document. */
typedef enum VwlKind
{
	VS_TEKST,					/* text or a domain over it: its string */
	VS_UUID,					/* uuid: its string */
	VS_TIJD,					/* timestamptz: as to_jsonb prints it */
	VS_SOORTEN,					/* text[]: [{"soortGegeven": ...}, ...] */
	VS_UIT						/* any other type: its output function */
} VwlKind;

/* A column of a row type that a document shows. */
typedef struct VwlField
{
	const char *sleutel;		/* the document's key; NULL: not shown */
	const char *kolom;			/* the column */
} VwlField;

/* verwerkingsactie_versie: the document's keys, in _document's order. */
enum
{
	V_ACTIE_ID,
	V_ACTIE_NAAM,
	V_HANDELING_NAAM,
	V_VERWERKING_NAAM,
	V_VERWERKING_ID,
	V_ACTIVITEIT_ID,
	V_ACTIVITEIT_URL,
	V_VERTROUWELIJKHEID,
	V_BEWAARTERMIJN,
	V_UITVOERDER,
	V_SYSTEEM,
	V_GEBRUIKER,
	V_GEGEVENSBRON,
	V_SOORT_AFNEMER_ID,
	V_AFNEMER_ID,
	V_ACTIVITEIT_ID_AFNEMER,
	V_ACTIVITEIT_URL_AFNEMER,
	V_VERWERKING_ID_AFNEMER,
	V_TIJDSTIP,
	V_TIJDSTIP_REGISTRATIE,
	V_COUNT
};

static const VwlField version_fields[V_COUNT] = {
	{"actieId", "actie_id"},
	{"actieNaam", "actie_naam"},
	{"handelingNaam", "handeling_naam"},
	{"verwerkingNaam", "verwerking_naam"},
	{"verwerkingId", "verwerking_id"},
	{"verwerkingsactiviteitId", "verwerkingsactiviteit_id"},
	{"verwerkingsactiviteitUrl", "verwerkingsactiviteit_url"},
	{"vertrouwelijkheid", "vertrouwelijkheid"},
	{"bewaartermijn", "bewaartermijn"},
	{"uitvoerder", "uitvoerder"},
	{"systeem", "systeem"},
	{"gebruiker", "gebruiker"},
	{"gegevensbron", "gegevensbron"},
	{"soortAfnemerId", "soort_afnemer_id"},
	{"afnemerId", "afnemer_id"},
	{"verwerkingsactiviteitIdAfnemer", "verwerkingsactiviteit_id_afnemer"},
	{"verwerkingsactiviteitUrlAfnemer", "verwerkingsactiviteit_url_afnemer"},
	{"verwerkingIdAfnemer", "verwerking_id_afnemer"},
	{"tijdstip", "tijdstip"},
	{"tijdstipRegistratie", "tijdstip_registratie"},
};

/* verwerkt_object: the document's keys, in _object_document's order. */
enum
{
	O_VERWERKT_OBJECT_ID,
	O_OBJECTTYPE,
	O_SOORT_OBJECT_ID,
	O_BETROKKENHEID,
	O_SOORTEN,
	O_COUNT
};

static const VwlField object_fields[O_COUNT] = {
	{"verwerktObjectId", "verwerkt_object_id"},
	{"objecttype", "objecttype"},
	{"soortObjectId", "soort_object_id"},
	{"betrokkenheid", "betrokkenheid"},
	{"verwerkteSoortenGegevens", "verwerkte_soorten_gegevens"},
};

/* Where the shown columns of one row type are, and how each is shown. */
typedef struct VwlRijtype
{
	Oid			type;			/* InvalidOid: not worked out yet */
	int32		typmod;
	int			natts;
	int			att[V_COUNT];	/* attribute index (attnum - 1) per field */
	VwlKind	soort[V_COUNT];
	FmgrInfo	uit[V_COUNT];	/* VS_UIT: the output function */
	/*
	 * Columns of a query's row rather than a composite (vwl_doc_columns):
	 * where the object's ciphertext and pseudonym are, -1 otherwise.
	 */
	int			versleuteld;
	int			pseudoniem;
} VwlRijtype;

/* What a document function keeps for the query (fn_extra). */
typedef struct VwlDocCache
{
	VwlRijtype	versie;
	VwlRijtype	object;
} VwlDocCache;

/* One row, deformed. */
typedef struct VwlRijwaarden
{
	bool		null;			/* the row itself is NULL */
	Datum		rij;			/* the composite datum */
	Datum	   *waarden;
	bool	   *nulls;
	VwlRijtype *rt;
} VwlRijwaarden;

/* How a column of type typ is shown. */
static VwlKind
kind_of(Oid typ)
{
	Oid			basis = getBaseType(typ);

	if (basis == TEXTOID)
		return VS_TEKST;
	if (basis == UUIDOID)
		return VS_UUID;
	if (basis == TIMESTAMPTZOID)
		return VS_TIJD;
	if (basis == TEXTARRAYOID)
		return VS_SOORTEN;
	return VS_UIT;
}

/*
 * Deform the row rij (a composite datum; isnull: SQL NULL) into *r, working
 * out where its columns are the first time (or when another row type
 * comes), in the memory of fcinfo's function.
 */
static void
read_value(FunctionCallInfo fcinfo, Datum rij, bool isnull, const VwlField *velden,
			int aantal, VwlRijtype *rt, VwlRijwaarden *r)
{
	HeapTupleHeader th;
	TupleDesc	desc;
	HeapTupleData tuple;
	Oid			type;
	int32		typmod;

	r->rt = rt;
	r->null = isnull;
	if (r->null)
		return;
	th = DatumGetHeapTupleHeader(rij);
	r->rij = PointerGetDatum(th);
	type = HeapTupleHeaderGetTypeId(th);
	typmod = HeapTupleHeaderGetTypMod(th);
	desc = lookup_rowtype_tupdesc(type, typmod);

	if (rt->type != type || rt->typmod != typmod || rt->natts != desc->natts)
	{
		MemoryContext oud = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		for (int k = 0; k < aantal; k++)
		{
			int			i;

			for (i = 0; i < desc->natts; i++)
			{
				Form_pg_attribute att = TupleDescAttr(desc, i);

				if (!att->attisdropped &&
					strcmp(NameStr(att->attname), velden[k].kolom) == 0)
					break;
			}
			if (i == desc->natts)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("column \"%s\" not found in data type %s",
								velden[k].kolom, format_type_be(type))));
			rt->att[k] = i;
			rt->versleuteld = -1;
			rt->pseudoniem = -1;
			rt->soort[k] = kind_of(TupleDescAttr(desc, i)->atttypid);
			if (rt->soort[k] == VS_UIT)
			{
				Oid			uitfunc;
				bool		varlena;

				getTypeOutputInfo(TupleDescAttr(desc, i)->atttypid, &uitfunc, &varlena);
				fmgr_info_cxt(uitfunc, &rt->uit[k], fcinfo->flinfo->fn_mcxt);
			}
		}
		MemoryContextSwitchTo(oud);
		rt->type = type;
		rt->typmod = typmod;
		rt->natts = desc->natts;
	}

	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;
	r->waarden = palloc(desc->natts * sizeof(Datum));
	r->nulls = palloc(desc->natts * sizeof(bool));
	heap_deform_tuple(&tuple, desc, r->waarden, r->nulls);
	ReleaseTupleDesc(desc);
}

/* Deform row argument argno of fcinfo into *r (see read_value). */
static void
read_row(FunctionCallInfo fcinfo, int argno, const VwlField *velden, int aantal,
		 VwlRijtype *rt, VwlRijwaarden *r)
{
	read_value(fcinfo, PG_GETARG_DATUM(argno), PG_ARGISNULL(argno), velden, aantal, rt, r);
}

/* The cache of a document function, made on its first call. */
static VwlDocCache *
doc_cache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														  sizeof(VwlDocCache));
	return (VwlDocCache *) fcinfo->flinfo->fn_extra;
}

/* Field k of row r; *isnull when the row or the column is NULL. */
static inline Datum
veld(VwlRijwaarden *r, int k, bool *isnull)
{
	if (r->null)
	{
		*isnull = true;
		return (Datum) 0;
	}
	*isnull = r->nulls[r->rt->att[k]];
	return r->waarden[r->rt->att[k]];
}

/* Write u as uuid_out writes it into buf (UUID_TEXT_LENGTH + 1 bytes). */
static void
uuid_write(const pg_uuid_t *u, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char	   *p = buf;

	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u->data[i] >> 4];
		*p++ = hex[u->data[i] & 0x0F];
	}
	*p = '\0';
}

/* A UUID as uuid_out writes it, palloc'd. */
static char *
uuid_text(const pg_uuid_t *u)
{
	char	   *buf = palloc(UUID_TEXT_LENGTH + 1);

	uuid_write(u, buf);
	return buf;
}

/*
 * Push the array of soorten gegevens as the API shows it,
 * [{"soortGegeven": ...}, ...]; returns what the closing push returns.
 */
static JsonbValue *
push_soorten(JsonbParseState **st, ArrayType *soorten)
{
	Datum	   *elementen;
	bool	   *nulls;
	int			aantal;
	JsonbValue	sleutel;

	if (ARR_NDIM(soorten) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("verwerkte soorten gegevens must be a one-dimensional array")));

	deconstruct_array(soorten, TEXTOID, -1, false, TYPALIGN_INT,
					  &elementen, &nulls, &aantal);

	sleutel.type = jbvString;
	sleutel.val.string.val = "soortGegeven";
	sleutel.val.string.len = strlen("soortGegeven");

	pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
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
		pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
		pushJsonbValue(st, WJB_KEY, &sleutel);
		pushJsonbValue(st, WJB_VALUE, &waarde);
		pushJsonbValue(st, WJB_END_OBJECT, NULL);
	}
	return pushJsonbValue(st, WJB_END_ARRAY, NULL);
}

/* Push the value d of field k of r as jsonb_build_object shows it. */
static void
push_value(JsonbParseState **st, VwlRijwaarden *r, int k, Datum d, bool isnull)
{
	if (isnull)
	{
		vwl_push_text(st, NULL, 0);
		return;
	}
	switch (r->rt->soort[k])
	{
		case VS_TEKST:
			{
				text	   *t = DatumGetTextPP(d);

				vwl_push_text(st, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
				break;
			}
		case VS_UUID:
			vwl_push_text(st, uuid_text(DatumGetUUIDP(d)), UUID_TEXT_LENGTH);
			break;
		case VS_TIJD:
			{
				char	   *s = JsonEncodeDateTime(NULL, d, TIMESTAMPTZOID, NULL);

				vwl_push_text(st, s, strlen(s));
				break;
			}
		case VS_SOORTEN:
			push_soorten(st, DatumGetArrayTypeP(d));
			break;
		case VS_UIT:
			{
				char	   *s = OutputFunctionCall(&r->rt->uit[k], d);

				vwl_push_text(st, s, strlen(s));
				break;
			}
	}
}

/* Push key and value of field k of r. */
static void
push_field(JsonbParseState **st, const VwlField *velden, VwlRijwaarden *r, int k)
{
	bool		isnull;
	Datum		d = veld(r, k, &isnull);

	vwl_push_key(st, velden[k].sleutel);
	push_value(st, r, k, d, isnull);
}

/* base url || pad || the uuid d, or null when d is NULL. */
static void
push_url(JsonbParseState **st, const char *pad, Datum d, bool isnull)
{
	int			basislen;
	int			padlen;
	const char *basis;
	char	   *url;

	if (isnull)
	{
		vwl_push_text(st, NULL, 0);
		return;
	}
	basis = vwl_base_url_text(&basislen);
	padlen = strlen(pad);
	url = palloc(basislen + padlen + UUID_TEXT_LENGTH + 1);
	memcpy(url, basis, basislen);
	memcpy(url + basislen, pad, padlen);
	uuid_write(DatumGetUUIDP(d), url + basislen + padlen);
	vwl_push_text(st, url, basislen + padlen + UUID_TEXT_LENGTH);
}

/*
 * Call a decryption function of pseudoniem.c on row r as SQL calls it (the
 * row its only argument); NULL when it returns NULL.
 */
static text *
decrypt_row(PGFunction fn, VwlRijwaarden *r)
{
	LOCAL_FCINFO(fc, 1);
	Datum		d;

	InitFunctionCallInfoData(*fc, NULL, 1, InvalidOid, NULL, NULL);
	fc->args[0].value = r->rij;
	fc->args[0].isnull = false;
	d = fn(fc);
	return fc->isnull ? NULL : DatumGetTextPP(d);
}

/*
 * The keys of a document in the order jsonb keeps them (shorter first, then
 * bytewise): pushed in this order, the sort that ends every object in
 * pushJsonbValue finds them sorted at once.  Fields by index, and these:
 */
#define K_URL		(-1)		/* url of the row */
#define K_OBJECT_ID	(-2)		/* objectId, decrypted */
#define K_ACTIE		(-3)		/* verwerkingsactie (the inzage form) */
#define K_OBJECTEN	(-4)		/* verwerkteObjecten */

static const int object_volgorde[] = {
	K_URL, K_OBJECT_ID, O_OBJECTTYPE, O_BETROKKENHEID, O_SOORT_OBJECT_ID,
	K_ACTIE, O_VERWERKT_OBJECT_ID, O_SOORTEN
};

static const int versie_volgorde[] = {
	K_URL, V_ACTIE_ID, V_SYSTEEM, V_TIJDSTIP, V_ACTIE_NAAM, V_AFNEMER_ID,
	V_GEBRUIKER, V_UITVOERDER, V_GEGEVENSBRON, V_VERWERKING_ID,
	V_BEWAARTERMIJN, V_HANDELING_NAAM, V_SOORT_AFNEMER_ID, V_VERWERKING_NAAM,
	V_VERTROUWELIJKHEID, K_OBJECTEN, V_TIJDSTIP_REGISTRATIE,
	V_VERWERKING_ID_AFNEMER, V_ACTIVITEIT_ID, V_ACTIVITEIT_URL,
	V_ACTIVITEIT_ID_AFNEMER, V_ACTIVITEIT_URL_AFNEMER
};

static void push_beperkt(JsonbParseState **st, VwlRijwaarden *v, VwlRijwaarden *o);
static void push_jsonb(JsonbParseState **st, Jsonb *j);

/*
 * Push the document of object o (VerwerktObject) as _object_document built
 * it: url, verwerktObjectId, objecttype, soortObjectId, objectId
 * (decrypted), betrokkenheid, verwerkteSoortenGegevens; with v, also
 * verwerkingsactie, v's restricted form with only o (the inzage form).
 */
static JsonbValue *
push_object(JsonbParseState **st, VwlRijwaarden *o, VwlRijwaarden *v)
{
	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < (int) lengthof(object_volgorde); i++)
	{
		int			k = object_volgorde[i];
		bool		isnull;

		if (k >= 0)
			push_field(st, object_fields, o, k);
		else if (k == K_URL)
		{
			Datum		id = veld(o, O_VERWERKT_OBJECT_ID, &isnull);

			vwl_push_key(st, "url");
			push_url(st, "/verwerkte-objecten/", id, isnull);
		}
		else if (k == K_OBJECT_ID)
		{
			text	   *object_id;

			if (o->null)
				object_id = NULL;
			else if (o->rt->versleuteld >= 0)
			{
				/* From the query's columns: ciphertext, soort, pseudonym. */
				bool		n1 = o->nulls[o->rt->versleuteld];
				Datum		soort = veld(o, O_SOORT_OBJECT_ID, &isnull);

				object_id = n1 ? NULL :
					vwl_decrypt_object_id(DatumGetByteaPP(o->waarden[o->rt->versleuteld]),
										  isnull ? NULL : DatumGetTextPP(soort),
										  o->nulls[o->rt->pseudoniem] ? NULL :
										  DatumGetByteaPP(o->waarden[o->rt->pseudoniem]));
			}
			else
				object_id = decrypt_row(vwl_decrypt_object, o);

			vwl_push_key(st, "objectId");
			if (object_id == NULL)
				vwl_push_text(st, NULL, 0);
			else
				vwl_push_text(st, VARDATA_ANY(object_id), VARSIZE_ANY_EXHDR(object_id));
		}
		else if (k == K_ACTIE && v != NULL)
		{
			vwl_push_key(st, "verwerkingsactie");
			push_beperkt(st, v, o);
		}
	}
	return pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/*
 * Push the document of version v (VerwerkingsactieUitgebreid) with
 * verwerkteObjecten objecten.  With o instead (beperkt), the restricted
 * form of the inzage (VerwerkingsactieBeperkt): without systeem, gebruiker
 * and gegevensbron, verwerkteObjecten only [o], and afnemerId only when it
 * is stored in the clear (an OIN): the full form's coalesce(afnemer_id,
 * _decrypt_afnemer(v)) minus what the restricted form then replaced by
 * null, so nothing is decrypted for it.
 */
static JsonbValue *
push_versie(JsonbParseState **st, VwlRijwaarden *v, Jsonb *objecten,
			VwlRijwaarden *o, VwlRijwaarden *rijen, int aantal_rijen)
{
	bool		beperkt = (o != NULL);

	pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < (int) lengthof(versie_volgorde); i++)
	{
		int			k = versie_volgorde[i];
		bool		isnull;
		Datum		d;

		if (k == K_URL)
		{
			d = veld(v, V_ACTIE_ID, &isnull);
			vwl_push_key(st, "url");
			push_url(st, "/verwerkingsacties/", d, isnull);
			continue;
		}
		if (k == K_OBJECTEN)
		{
			vwl_push_key(st, "verwerkteObjecten");
			if (beperkt)
			{
				pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
				push_object(st, o, NULL);
				pushJsonbValue(st, WJB_END_ARRAY, NULL);
			}
			else if (rijen != NULL)
			{
				pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
				for (int j = 0; j < aantal_rijen; j++)
					push_object(st, &rijen[j], NULL);
				pushJsonbValue(st, WJB_END_ARRAY, NULL);
			}
			else
				push_jsonb(st, objecten);
			continue;
		}
		if (beperkt && (k == V_SYSTEEM || k == V_GEBRUIKER || k == V_GEGEVENSBRON))
			continue;
		d = veld(v, k, &isnull);
		vwl_push_key(st, version_fields[k].sleutel);
		if (k == V_AFNEMER_ID && isnull && !beperkt && !v->null)
		{
			text	   *afnemer;

			if (v->rt->versleuteld >= 0)
			{
				/* From the query's columns: ciphertext, soort, actieId. */
				bool		n1 = v->nulls[v->rt->versleuteld];
				bool		n2;
				bool		n3;
				Datum		soort = veld(v, V_SOORT_AFNEMER_ID, &n2);
				Datum		actie = veld(v, V_ACTIE_ID, &n3);

				afnemer = n1 ? NULL :
					vwl_decrypt_afnemer_id(DatumGetByteaPP(v->waarden[v->rt->versleuteld]),
										   n2 ? NULL : DatumGetTextPP(soort),
										   n3 ? NULL : DatumGetUUIDP(actie));
			}
			else if (v->rij == (Datum) 0)
				elog(ERROR, "a full document needs its version as a row");
			else
				afnemer = decrypt_row(vwl_decrypt_afnemer, v);

			if (afnemer == NULL)
				vwl_push_text(st, NULL, 0);
			else
				vwl_push_text(st, VARDATA_ANY(afnemer), VARSIZE_ANY_EXHDR(afnemer));
			continue;
		}
		push_value(st, v, k, d, isnull);
	}
	return pushJsonbValue(st, WJB_END_OBJECT, NULL);
}

/* Push the restricted document of version v with only object o. */
static void
push_beperkt(JsonbParseState **st, VwlRijwaarden *v, VwlRijwaarden *o)
{
	(void) push_versie(st, v, NULL, o, NULL, 0);
}

/* Push a jsonb argument as a value (SQL NULL: null). */
static void
push_jsonb(JsonbParseState **st, Jsonb *j)
{
	JsonbValue	jv;

	if (j == NULL)
	{
		vwl_push_text(st, NULL, 0);
		return;
	}
	jv.type = jbvBinary;
	jv.val.binary.data = &j->root;
	jv.val.binary.len = VARSIZE(j) - VARHDRSZ;
	pushJsonbValue(st, WJB_VALUE, &jv);
}

PG_FUNCTION_INFO_V1(vwl_soorten_gegevens);

/*
 * verwerkingenlog._soorten_gegevens(text[]) RETURNS jsonb: the stored array of
 * soorten gegevens as the API shows it, [{"soortGegeven": ...}, ...].
 */
Datum
vwl_soorten_gegevens(PG_FUNCTION_ARGS)
{
	JsonbParseState *state = NULL;
	JsonbValue *resultaat;

	resultaat = push_soorten(&state, PG_GETARG_ARRAYTYPE_P(0));
	PG_RETURN_JSONB_P(JsonbValueToJsonb(resultaat));
}

PG_FUNCTION_INFO_V1(vwl_object_document);

/*
 * verwerkingenlog._object_document(o verwerkt_object) RETURNS jsonb: a
 * verwerkt object as the API shows it (VerwerktObject).
 */
Datum
vwl_object_document(PG_FUNCTION_ARGS)
{
	VwlDocCache *c = doc_cache(fcinfo);
	VwlRijwaarden o;
	JsonbParseState *st = NULL;

	vwl_settings_check();
	read_row(fcinfo, 0, object_fields, O_COUNT, &c->object, &o);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(push_object(&st, &o, NULL)));
}

PG_FUNCTION_INFO_V1(vwl_document);

/*
 * verwerkingenlog._document(v verwerkingsactie_versie, objecten jsonb)
 * RETURNS jsonb: a version as the API shows it (VerwerkingsactieUitgebreid),
 * every element present, with objecten as its verwerkteObjecten.
 */
Datum
vwl_document(PG_FUNCTION_ARGS)
{
	VwlDocCache *c = doc_cache(fcinfo);
	VwlRijwaarden v;
	JsonbParseState *st = NULL;

	vwl_settings_check();
	read_row(fcinfo, 0, version_fields, V_COUNT, &c->versie, &v);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(push_versie(&st, &v,
													PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1),
													NULL, NULL, 0)));
}

PG_FUNCTION_INFO_V1(vwl_document_met_objecten);

/*
 * verwerkingenlog._document_met_objecten(v verwerkingsactie_versie,
 * objecten verwerkt_object[]) RETURNS jsonb: _document(v, the jsonb_agg of
 * _object_document of the objects, in the array's order), built in one go:
 * the list's documents, without an aggregate of documents in between.  NULL
 * or no objects: verwerkteObjecten is null, as jsonb_agg over no rows.
 */
Datum
vwl_document_met_objecten(PG_FUNCTION_ARGS)
{
	VwlDocCache *c = doc_cache(fcinfo);
	VwlRijwaarden v;
	VwlRijwaarden *rijen = NULL;
	int			aantal = 0;
	JsonbParseState *st = NULL;

	vwl_settings_check();
	read_row(fcinfo, 0, version_fields, V_COUNT, &c->versie, &v);
	if (!PG_ARGISNULL(1))
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
		Datum	   *waarden;
		bool	   *nulls;
		int16		typlen;
		bool		typbyval;
		char		typalign;

		if (ARR_NDIM(arr) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("verwerkte objecten must be a one-dimensional array")));
		get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
		deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
						  &waarden, &nulls, &aantal);
		if (aantal > 0)
		{
			rijen = palloc(aantal * sizeof(VwlRijwaarden));
			for (int j = 0; j < aantal; j++)
				read_value(fcinfo, waarden[j], nulls[j], object_fields, O_COUNT,
							&c->object, &rijen[j]);
		}
	}
	PG_RETURN_JSONB_P(JsonbValueToJsonb(push_versie(&st, &v, NULL, NULL,
													aantal > 0 ? rijen : NULL, aantal)));
}

PG_FUNCTION_INFO_V1(vwl_beperkt_document);

/*
 * verwerkingenlog._restricted_document(v verwerkingsactie_versie, o
 * verwerkt_object) RETURNS jsonb: the restricted form of the inzage API
 * (VerwerkingsactieBeperkt), see 70_inzage.sql.
 */
Datum
vwl_beperkt_document(PG_FUNCTION_ARGS)
{
	VwlDocCache *c = doc_cache(fcinfo);
	VwlRijwaarden v;
	VwlRijwaarden o;
	JsonbParseState *st = NULL;

	vwl_settings_check();
	read_row(fcinfo, 0, version_fields, V_COUNT, &c->versie, &v);
	read_row(fcinfo, 1, object_fields, O_COUNT, &c->object, &o);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(push_versie(&st, &v, NULL, &o, NULL, 0)));
}

PG_FUNCTION_INFO_V1(vwl_inzage_document);

/*
 * verwerkingenlog._inzage_document(v verwerkingsactie_versie, o
 * verwerkt_object) RETURNS jsonb: a verwerkt object with its action in the
 * restricted form (VerwerktObjectUitgebreid): _object_document(o) ||
 * {"verwerkingsactie": _restricted_document(v, o)}.
 */
Datum
vwl_inzage_document(PG_FUNCTION_ARGS)
{
	VwlDocCache *c = doc_cache(fcinfo);
	VwlRijwaarden v;
	VwlRijwaarden o;
	JsonbParseState *st = NULL;

	vwl_settings_check();
	read_row(fcinfo, 0, version_fields, V_COUNT, &c->versie, &v);
	read_row(fcinfo, 1, object_fields, O_COUNT, &c->object, &o);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(push_object(&st, &o, &v)));
}

/*
 * The documents of rows that a query returns as plain columns (the inzage's
 * page in inzage.c): no composite datum is formed for the version or the
 * object of a row, which cost the PL/pgSQL page a tenth of its instructions.
 * The query selects, from column eerste on, the object's columns in the
 * order of vwl_doc_object_columns, then the version's in the order of
 * vwl_doc_version_columns.
 */
struct VwlDocColumns
{
	VwlRijtype	versie;
	VwlRijtype	object;
};

/* The object's columns a query must select, in order; *aantal of them. */
const char *const *
vwl_doc_object_columns(int *aantal)
{
	static const char *const kolommen[] = {
		"verwerkt_object_id", "objecttype", "soort_object_id", "betrokkenheid",
		"verwerkte_soorten_gegevens", "object_versleuteld", "object_pseudoniem"
	};

	StaticAssertStmt(lengthof(kolommen) == O_COUNT + 2, "object columns");
	*aantal = lengthof(kolommen);
	return kolommen;
}

/* The version's columns a query must select, in order; *aantal of them. */
const char *const *
vwl_doc_version_columns(int *aantal)
{
	static const char *kolommen[V_COUNT];

	for (int k = 0; k < V_COUNT; k++)
		kolommen[k] = version_fields[k].kolom;
	*aantal = V_COUNT;
	return (const char *const *) kolommen;
}

/* Where the fields of one row type are in desc, from column eerste on. */
static void
columns_type(TupleDesc desc, int eerste, int aantal, VwlRijtype *rt, MemoryContext mcxt)
{
	if (eerste + aantal > desc->natts)
		elog(ERROR, "the query has %d columns, not %d", desc->natts, eerste + aantal);
	rt->type = InvalidOid;
	rt->natts = desc->natts;
	rt->versleuteld = -1;
	rt->pseudoniem = -1;
	for (int k = 0; k < aantal; k++)
	{
		Oid			typ = TupleDescAttr(desc, eerste + k)->atttypid;

		rt->att[k] = eerste + k;
		rt->soort[k] = kind_of(typ);
		if (rt->soort[k] == VS_UIT)
		{
			Oid			uitfunc;
			bool		varlena;

			getTypeOutputInfo(typ, &uitfunc, &varlena);
			fmgr_info_cxt(uitfunc, &rt->uit[k], mcxt);
		}
	}
}

/*
 * The layout of the query's rows for documents, kept in mcxt; desc is the
 * query's result, whose object columns start at column eerste (0-based);
 * afnemer is the column of the version's afnemer_versleuteld (-1: none, for
 * the restricted form, which never decrypts it).
 */
VwlDocColumns *
vwl_doc_columns(TupleDesc desc, int eerste, int afnemer, MemoryContext mcxt)
{
	VwlDocColumns *c = MemoryContextAllocZero(mcxt, sizeof(VwlDocColumns));

	columns_type(desc, eerste, O_COUNT, &c->object, mcxt);
	c->object.versleuteld = eerste + O_COUNT;
	c->object.pseudoniem = eerste + O_COUNT + 1;
	columns_type(desc, eerste + O_COUNT + 2, V_COUNT, &c->versie, mcxt);
	c->versie.versleuteld = afnemer;
	return c;
}

/*
 * The full document (VerwerkingsactieUitgebreid, as _document_met_objecten)
 * of the version in row waarden/nulls with the objects of the aantal rows
 * objecten/objecten_nulls (in that order).
 */
Jsonb *
vwl_doc_full(VwlDocColumns *c, Datum *waarden, bool *nulls,
			 int aantal, Datum **objecten, bool **objecten_nulls)
{
	VwlRijwaarden v = {false, (Datum) 0, waarden, nulls, &c->versie};
	VwlRijwaarden *rijen = palloc(Max(aantal, 1) * sizeof(VwlRijwaarden));
	JsonbParseState *st = NULL;

	for (int j = 0; j < aantal; j++)
	{
		rijen[j].null = false;
		rijen[j].rij = (Datum) 0;
		rijen[j].waarden = objecten[j];
		rijen[j].nulls = objecten_nulls[j];
		rijen[j].rt = &c->object;
	}
	return JsonbValueToJsonb(push_versie(&st, &v, NULL, NULL,
										 aantal > 0 ? rijen : NULL, aantal));
}

/*
 * The inzage document (VerwerktObjectUitgebreid, as _inzage_document) of
 * one row of the query, deformed into waarden/nulls.
 */
Jsonb *
vwl_doc_inzage(VwlDocColumns *c, Datum *waarden, bool *nulls)
{
	VwlRijwaarden v = {false, (Datum) 0, waarden, nulls, &c->versie};
	VwlRijwaarden o = {false, (Datum) 0, waarden, nulls, &c->object};
	JsonbParseState *st = NULL;

	return JsonbValueToJsonb(push_object(&st, &o, &v));
}
