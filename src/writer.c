/*
 * writer.c
 *		The writer: stores new versions of actions and their verwerkte
 *		objecten, and returns them as the API shows them.
 *
 * verwerkingenlog._write_versions is the one place that inserts new content
 * (POST, PUT, the batch, the inzage record); the batch,
 * verwerkingenlog.log_verwerkingsacties, calls its internals directly (at
 * the end of this file) and skips step 1's documents, handing out only the
 * ids.  It does in C what an SQL writer
 * did with one SELECT and two INSERT ... SELECT statements, without their
 * parse, plan and executor start-up per call:
 *
 *	1. build the documents it returns, in input order, from the input
 *	   documents and the ids it hands out (into the result tuplestore);
 *	2. insert one verwerkingsactie_versie row per version (a later version
 *	   with the LDV columns of the one it replaces: keep_ldv);
 *	3. insert one verwerkt_object row per object of every version that
 *	   brings a new object set.
 *
 * Rows go in the way COPY FROM puts them in: a ResultRelInfo per table,
 * the INSERT privilege checked on a range table, BEFORE ROW triggers (but
 * the extension's own two, whose work the writer does: own_triggers),
 * stored generated columns, NOT NULL and CHECK constraints (ExecConstraints), the
 * heap, the indexes (a duplicate primary key is 23505, which PUT turns into
 * a serialization failure), AFTER ROW and statement triggers.  Errors are
 * raised in the order the SQL writer raised them: all version rows before
 * any object row, columns in the table's order.
 *
 * What goes into a column is one line of version_columns or object_columns
 * below, matched to the table by column NAME: a column the tables do not
 * name gets what an INSERT would give it (its identity sequence, its
 * default, or NULL), and a changed storage schema is a changed line here.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_func.h"
#include "rewrite/rewriteHandler.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/fmgroids.h"
#include "utils/uuid.h"

#include "verwerkingenlog.h"
#include "pseudoniem.h"
#include "verantwoording.h"
#include "validation.h"
#include "append_only.h"
#include "jsonb_push.h"
#include "hex.h"
#include "seal_queue.h"

/* The schema of the extension (relocatable = false). */
#define VWL_SCHEMA	"verwerkingenlog"

/* The length of a UUID in its text form. */
#define UUID_TEXT_LENGTH 36

/* The types the writer produces; the extension's own are looked up per call. */
typedef enum VwlType
{
	VT_UUID,
	VT_INT2,
	VT_INT4,
	VT_INT8,
	VT_BOOL,
	VT_TEXT,
	VT_TEXT_ARRAY,
	VT_BYTEA,
	VT_TIMESTAMPTZ,
	VT_MOMENT,
	VT_BEWAARTERMIJN,
	VT_OIN,
	VT_VERTROUWELIJKHEID,
	VT_AANTAL
} VwlType;

/* One version to store: element i of each input array. */
typedef struct VwlVersion
{
	Datum		actie;
	bool		actie_null;
	Datum		volgnummer;
	bool		volgnummer_null;
	Datum		niveau;
	bool		niveau_null;
	Datum		objecten_volgnummer;	/* coalesce(objecten_volgnummer, volgnummer) */
	bool		objecten_volgnummer_null;
	bool		nieuwe_objecten;	/* input objecten_volgnummer IS NULL */
	Jsonb	   *doc;			/* the input document; NULL for SQL NULL */
	JsonbValue *boom;			/* or the validator's tree of it: then doc
								 * becomes the document built from it */
	int			aantal_ids;		/* verwerktObjectIds handed out ... */
	pg_uuid_t  *object_ids;		/* ... in the order of the objects */
	int8		moment_stand;	/* tijdstip: 0 not read yet, 1 read, 2 absent */
	Moment		moment;
	bool		lijst_gezocht;	/* verwerkteObjecten looked up ... */
	JsonbContainer *lijst;		/* ... the array, or NULL */
} VwlVersion;

struct VwlWriter;

/* The most pairs of an object whose keys VwlKeys finds (a document has 20). */
#define VWL_MAX_PAIRS 32

/*
 * Where the keys and values of an object container start, worked out once
 * for all columns of a row (row_value).  getKeyJsonValueFromContainer works
 * out the offset of every key it compares anew, walking back over up to
 * JB_OFFSET_STRIDE entries each time: a tenth of a batch's instructions.
 */
typedef struct VwlKeys
{
	JsonbContainer *c;			/* the container, NULL before the first lookup */
	int			n;				/* its pairs; -1 when more than VWL_MAX_PAIRS */
	uint32		begin[2 * VWL_MAX_PAIRS + 1];	/* child i's start; [2n] the end */
} VwlKeys;

/* The row being filled: a version, or one object of a version. */
typedef struct VwlRow
{
	struct VwlWriter *s;
	VwlVersion  *versie;
	JsonbContainer *bron;		/* the document or the object; NULL if none */
	JsonbValue *bron_boom;		/* or the validator's tree of it (jbvObject) */
	int			volgorde;		/* object rows: position, from 1 */
	bool		pseudoniem_klaar;	/* object rows: pseudoniem computed */
	unsigned char pseudoniem[VWL_PSEUDONIEM_LENGTH];	/* ... for the binding */
	VwlKeys		sleutels;		/* of bron */
} VwlRow;

/* Computes a column's value for a row from an element of its source. */
typedef Datum (*VwlCompute) (VwlRow *rij, const char *element, bool *isnull);

/* A column the writer fills: its name, its type and how to compute it. */
typedef struct VwlColumn
{
	const char *naam;
	VwlType		type;
	VwlCompute	bereken;
	const char *element;		/* the JSON element it is computed from */
} VwlColumn;

/*
 * The LDV columns of verwerkingsactie_versie (75_ldv.sql), which no
 * verwerkingsactie document has an element for: a new version of an action
 * takes them from the version it replaces (keep_ldv).
 */
#define VWL_LDV_COLUMNS 7
static const char *const ldv_columns[VWL_LDV_COLUMNS] = {
	"trace_id", "span_id", "parent_span_id", "status", "eind_tijdstip",
	"resource", "attributen"
};

/*
 * How the writer fills a table, worked out from its descriptor: for each
 * attribute (attnum - 1) a line of the tables below, an identity sequence,
 * a default, or none of these for NULL.  Kept across calls (plan_cache).
 */
typedef struct VwlPlan
{
	Oid			relid;
	int			natts;
	const VwlColumn **vul;		/* a line of version_columns/object_columns */
	Oid		   *reeks;			/* an identity column's sequence */
	bool	   *standaard;		/* a column with a default expression */
	Oid		   *domein;			/* a filled column's domain, checked per row */
	void	  **domein_extra;	/* domain_check's cache, per column */
	Bitmapset  *kolommen;		/* the filled columns, as insertedCols */
	int			aantal_checks;	/* the table's CHECK constraints ... */
	Expr	  **checks;			/* ... parsed and planned, in its order */
	ExprState **check_states;	/* ... made executable, on first use */
	/* attnum - 1 of the columns _traceparent() reads and sets, or -1 */
	int			att_volgnummer;
	int			att_trace;
	int			att_span;
	int			att_ouder;
	/* ... and those keep_ldv() reads and copies, or -1 */
	int			att_actie;
	int			att_tijdstip;
	int			att_ldv[VWL_LDV_COLUMNS];
} VwlPlan;

/* A table the writer inserts into, opened for one call. */
typedef struct VwlTarget
{
	const char *tabel;
	const VwlColumn *kolommen;
	int			aantal_kolommen;
	Relation	rel;
	VwlPlan    *plan;
	RangeTblEntry *rte;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	TransitionCaptureState *overgang;
	VwlQueueTable wachtrij;		/* the writer queues its rows for sealing */
	ExprState **standaard;		/* per attribute: its default, prepared */
	bool		traceparent;	/* the writer does _traceparent()'s work */
	/* the batch: rows kept for table_multi_insert (NULL: one at a time) */
	TupleTableSlot **buffer;
	int			in_buffer;
	BulkInsertState bis;
} VwlTarget;

/* The state of one call. */
typedef struct VwlWriter
{
	Oid			schema;
	const Oid  *typen;			/* plan_cache.typen */
	TimestampTz registratie;	/* tijdstipRegistratie of every version */
	char	   *registratie_json;	/* ... as to_jsonb prints it */
	const char *basis;			/* base url without trailing slashes */
	text	   *maker[3];		/* role, sub, client of the call (maker.c) */
	int			basislen;
	FmgrInfo	niveau_uit;		/* output function of vertrouwelijkheid */
	bool		oin_bekend;		/* oin has only its own CHECK (oin_bekend()) */
	FmgrInfo   *objecten_document;	/* _objecten_document, when needed */
	bool		meervoud;		/* the batch: heap rows by table_multi_insert */
	int			trace_stand;	/* traceparent: 0 not read, 1 valid, 2 none */
	uint8		trace[16];		/* ... its trace-id */
	uint8		ouder[8];		/* ... its parent-id */
	EState	   *estate;
	VwlTarget		versies;
	VwlTarget		objecten;
	VwlQueue	queue;			/* the call's entries in seal_queue */
} VwlWriter;

/*
 * The plans of both tables and the OIDs of the types the writer produces,
 * kept across calls in their own context under CacheMemoryContext: working
 * them out costs a pg_depend scan (the identity sequence) and catalog
 * lookups that a single logged action should not pay for.  A relcache
 * invalidation of either table (ALTER TABLE, DROP EXTENSION) or of the
 * whole relcache marks them stale, and the next call works them out again
 * from the locked relations.
 */
static struct
{
	bool		valid;
	MemoryContext cxt;
	Oid			typen[VT_AANTAL];
	Oid			niveau_uit;
	Oid			niveaus[NIVEAU_COUNT];	/* the enum's labels, as Niveau */
	Oid			guard_fn;		/* weiger_wijziging() */
	Oid			traceparent_fn; /* _traceparent() */
	Oid			queue_fn;		/* _seal_register() */
	VwlPlan		versies;
	VwlPlan		objecten;
}			plan_cache;

static Datum column_actie(VwlRow *rij, const char *element, bool *isnull);
static Datum column_seqno(VwlRow *rij, const char *element, bool *isnull);
static Datum column_objecten_seqno(VwlRow *rij, const char *element, bool *isnull);
static Datum column_niveau(VwlRow *rij, const char *element, bool *isnull);
static Datum column_text(VwlRow *rij, const char *element, bool *isnull);
static Datum column_uuid(VwlRow *rij, const char *element, bool *isnull);
static Datum column_bewaartermijn(VwlRow *rij, const char *element, bool *isnull);
static Datum column_oin(VwlRow *rij, const char *element, bool *isnull);
static Datum column_moment(VwlRow *rij, const char *element, bool *isnull);
static Datum column_registratie(VwlRow *rij, const char *element, bool *isnull);
static Datum column_false(VwlRow *rij, const char *element, bool *isnull);
static Datum column_maker(VwlRow *rij, const char *element, bool *isnull);
static Datum column_afnemer_id(VwlRow *rij, const char *element, bool *isnull);
static Datum column_afnemer_encrypted(VwlRow *rij, const char *element, bool *isnull);
static Datum column_object_id(VwlRow *rij, const char *element, bool *isnull);
static Datum column_order(VwlRow *rij, const char *element, bool *isnull);
static Datum column_instant(VwlRow *rij, const char *element, bool *isnull);
static Datum column_pseudoniem(VwlRow *rij, const char *element, bool *isnull);
static Datum column_encrypted(VwlRow *rij, const char *element, bool *isnull);
static Datum column_soorten(VwlRow *rij, const char *element, bool *isnull);

/*
 * verwerkingsactie_versie: the version's own values, the level the rule
 * engine decided, the document's elements as ->> gives them with the
 * column's type, the afnemer encrypted when it is a BSN (B2042).
 */
static const VwlColumn version_columns[] = {
	{"actie_id", VT_UUID, column_actie, NULL},
	{"volgnummer", VT_INT4, column_seqno, NULL},
	{"objecten_volgnummer", VT_INT4, column_objecten_seqno, NULL},
	{"actie_naam", VT_TEXT, column_text, "actieNaam"},
	{"handeling_naam", VT_TEXT, column_text, "handelingNaam"},
	{"verwerking_naam", VT_TEXT, column_text, "verwerkingNaam"},
	{"verwerking_id", VT_UUID, column_uuid, "verwerkingId"},
	{"verwerkingsactiviteit_id", VT_UUID, column_uuid, "verwerkingsactiviteitId"},
	{"verwerkingsactiviteit_url", VT_TEXT, column_text, "verwerkingsactiviteitUrl"},
	{"vertrouwelijkheid", VT_VERTROUWELIJKHEID, column_niveau, NULL},
	{"bewaartermijn", VT_BEWAARTERMIJN, column_bewaartermijn, "bewaartermijn"},
	{"uitvoerder", VT_OIN, column_oin, "uitvoerder"},
	{"systeem", VT_TEXT, column_text, "systeem"},
	{"gebruiker", VT_TEXT, column_text, "gebruiker"},
	{"gegevensbron", VT_TEXT, column_text, "gegevensbron"},
	{"soort_afnemer_id", VT_TEXT, column_text, "soortAfnemerId"},
	{"afnemer_id", VT_TEXT, column_afnemer_id, "afnemerId"},
	{"afnemer_versleuteld", VT_BYTEA, column_afnemer_encrypted, "afnemerId"},
	{"verwerkingsactiviteit_id_afnemer", VT_UUID, column_uuid, "verwerkingsactiviteitIdAfnemer"},
	{"verwerkingsactiviteit_url_afnemer", VT_TEXT, column_text, "verwerkingsactiviteitUrlAfnemer"},
	{"verwerking_id_afnemer", VT_UUID, column_uuid, "verwerkingIdAfnemer"},
	{"tijdstip", VT_MOMENT, column_moment, "tijdstip"},
	{"tijdstip_registratie", VT_TIMESTAMPTZ, column_registratie, NULL},
	{"vervallen", VT_BOOL, column_false, NULL},
	{"gemaakt_door_rol", VT_TEXT, column_maker, "0"},
	{"gemaakt_door_sub", VT_TEXT, column_maker, "1"},
	{"gemaakt_door_client", VT_TEXT, column_maker, "2"},
};

/*
 * verwerkt_object: the id handed out, the object's elements, the objectId
 * only as a keyed pseudonym and encrypted (B2042), the version's tijdstip
 * as an instant for the person index.
 */
static const VwlColumn object_columns[] = {
	{"verwerkt_object_id", VT_UUID, column_object_id, NULL},
	{"actie_id", VT_UUID, column_actie, NULL},
	{"volgnummer", VT_INT4, column_seqno, NULL},
	{"volgorde", VT_INT2, column_order, NULL},
	{"tijdstip", VT_TIMESTAMPTZ, column_instant, NULL},
	{"objecttype", VT_TEXT, column_text, "objecttype"},
	{"soort_object_id", VT_TEXT, column_text, "soortObjectId"},
	{"object_pseudoniem", VT_BYTEA, column_pseudoniem, "objectId"},
	{"object_versleuteld", VT_BYTEA, column_encrypted, "objectId"},
	{"betrokkenheid", VT_TEXT, column_text, "betrokkenheid"},
	{"verwerkte_soorten_gegevens", VT_TEXT_ARRAY, column_soorten, "verwerkteSoortenGegevens"},
};


/* -------------------------------------------------------------------------
 * JSON helpers
 * -------------------------------------------------------------------------
 */

/* The value of element of object c, or NULL when absent. */
static inline JsonbValue *
element_value(JsonbContainer *c, const char *element, JsonbValue *buf)
{
	if (c == NULL)
		return NULL;
	return getKeyJsonValueFromContainer(c, element, strlen(element), buf);
}

/*
 * Child i (a key, or value i - n) of container c, whose children start at
 * the offsets begin[], as fillJsonbValue (jsonb_util.c) gives it.
 */
static void
child_value(JsonbContainer *c, const uint32 *begin, int i, JsonbValue *uit)
{
	JEntry		entry = c->children[i];
	char	   *basis = (char *) &c->children[JsonContainerSize(c) * 2];
	uint32		offset = begin[i];
	uint32		lengte = begin[i + 1] - begin[i];

	if (JBE_ISNULL(entry))
		uit->type = jbvNull;
	else if (JBE_ISSTRING(entry))
	{
		uit->type = jbvString;
		uit->val.string.val = basis + offset;
		uit->val.string.len = lengte;
	}
	else if (JBE_ISNUMERIC(entry))
	{
		uit->type = jbvNumeric;
		uit->val.numeric = (Numeric) (basis + INTALIGN(offset));
	}
	else if (JBE_ISBOOL_TRUE(entry))
	{
		uit->type = jbvBool;
		uit->val.boolean = true;
	}
	else if (JBE_ISBOOL_FALSE(entry))
	{
		uit->type = jbvBool;
		uit->val.boolean = false;
	}
	else
	{
		Assert(JBE_ISCONTAINER(entry));
		uit->type = jbvBinary;
		uit->val.binary.data = (JsonbContainer *) (basis + INTALIGN(offset));
		uit->val.binary.len = lengte - (INTALIGN(offset) - offset);
	}
}

/*
 * element of object boom, a tree of the validator whose pairs are in jsonb's
 * order (binary search); NULL when absent.  The value itself, not a copy.
 */
static JsonbValue *
tree_value(JsonbValue *boom, const char *element)
{
	int			lengte = strlen(element);
	int			laag = 0;
	int			hoog = boom->val.object.nPairs;

	Assert(boom->type == jbvObject);
	while (laag < hoog)
	{
		int			m = laag + (hoog - laag) / 2;
		JsonbValue *k = &boom->val.object.pairs[m].key;
		int			cmp;

		if (k->val.string.len != lengte)
			cmp = k->val.string.len < lengte ? -1 : 1;
		else
			cmp = memcmp(k->val.string.val, element, lengte);
		if (cmp == 0)
			return &boom->val.object.pairs[m].value;
		if (cmp < 0)
			laag = m + 1;
		else
			hoog = m;
	}
	return NULL;
}

/*
 * element of the row's source object (rij->bron), as element_value gives
 * it: NULL when absent.  The offsets of the object's children are worked
 * out in one pass on the first lookup of the row; then a binary search over
 * the keys, in jsonb's order (shorter first, then bytewise).
 */
static JsonbValue *
row_value(VwlRow *rij, const char *element, JsonbValue *buf)
{
	JsonbContainer *c = rij->bron;
	VwlKeys    *k = &rij->sleutels;
	char	   *basis;
	int			lengte;
	int			laag;
	int			hoog;

	if (rij->bron_boom != NULL)
		return tree_value(rij->bron_boom, element);
	if (c == NULL)
		return NULL;
	if (k->c != c)
	{
		k->c = c;
		k->n = JsonContainerIsObject(c) && JsonContainerSize(c) <= VWL_MAX_PAIRS ?
			(int) JsonContainerSize(c) : -1;
		if (k->n > 0)
		{
			uint32		offset = 0;

			for (int i = 0; i < 2 * k->n; i++)
			{
				JEntry		entry = c->children[i];

				k->begin[i] = offset;
				offset = JBE_HAS_OFF(entry) ? JBE_OFFLENFLD(entry) :
					offset + JBE_OFFLENFLD(entry);
			}
			k->begin[2 * k->n] = offset;
		}
	}
	if (k->n < 0)
		return element_value(c, element, buf);

	basis = (char *) &c->children[k->n * 2];
	lengte = strlen(element);
	laag = 0;
	hoog = k->n;
	while (laag < hoog)
	{
		int			m = laag + (hoog - laag) / 2;
		int			mlengte = k->begin[m + 1] - k->begin[m];
		int			cmp;

		if (mlengte != lengte)
			cmp = mlengte < lengte ? -1 : 1;
		else
			cmp = memcmp(basis + k->begin[m], element, lengte);
		if (cmp == 0)
		{
			child_value(c, k->begin, m + k->n, buf);
			return buf;
		}
		if (cmp < 0)
			laag = m + 1;
		else
			hoog = m;
	}
	return NULL;
}

/* A JSON value as ->> gives it: NULL for null, strings without quotes. */
static text *
value_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return NULL;
		case jbvString:
			return cstring_to_text_with_len(v->val.string.val, v->val.string.len);
		case jbvBool:
			return cstring_to_text(v->val.boolean ? "true" : "false");
		case jbvNumeric:
			return cstring_to_text(DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric))));
		case jbvBinary:
			{
				StringInfoData buf;

				initStringInfo(&buf);
				(void) JsonbToCString(&buf, v->val.binary.data, v->val.binary.len);
				return cstring_to_text_with_len(buf.data, buf.len);
			}
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) v->type);
	}
	return NULL;				/* keep compiler quiet */
}

/* c->>element: NULL when the element is absent or null. */
static text *
element_text(JsonbContainer *c, const char *element)
{
	JsonbValue	buf;
	JsonbValue *v = element_value(c, element, &buf);

	return v ? value_text(v) : NULL;
}

/* rij->bron->>element: NULL when the element is absent or null. */
static text *
row_text(VwlRow *rij, const char *element)
{
	JsonbValue	buf;
	JsonbValue *v = row_value(rij, element, &buf);

	return v ? value_text(v) : NULL;
}

/*
 * The array in v (an element found, or NULL when absent), as
 * jsonb_array_elements takes it: NULL when absent (no elements), an error
 * when it is not an array.
 */
static JsonbContainer *
as_array(JsonbValue *v)
{
	if (v == NULL)
		return NULL;
	if (v->type != jbvBinary)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot extract elements from a scalar")));
	if (!JsonContainerIsArray(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot extract elements from an object")));
	return v->val.binary.data;
}

/*
 * The array element of the row's source object, as
 * jsonb_array_elements(bron->element) takes it.
 */
static JsonbContainer *
row_array(VwlRow *rij, const char *element)
{
	JsonbValue	buf;

	return as_array(row_value(rij, element, &buf));
}

/*
 * The verwerkteObjecten array of v's document, as element_as_array gives it
 * (and with its errors), looked up once for the three places that read it.
 */
static JsonbContainer *
version_objects(VwlVersion *v)
{
	if (!v->lijst_gezocht)
	{
		VwlRow		rij = {NULL, v, &v->doc->root, NULL, 0, false};

		v->lijst = row_array(&rij, "verwerkteObjecten");
		v->lijst_gezocht = true;
	}
	return v->lijst;
}

/*
 * The verwerkteObjecten of a version given as a tree (v->boom, no doc): the
 * jbvArray of object trees, or NULL when there are none.
 */
static JsonbValue *
version_objects_tree(VwlVersion *v)
{
	JsonbValue *w = tree_value(v->boom, "verwerkteObjecten");

	return (w != NULL && w->type == jbvArray) ? w : NULL;
}

/* The container of v if it is a JSON object, else NULL. */
static inline JsonbContainer *
as_object(JsonbValue *v)
{
	if (v->type == jbvBinary && JsonContainerIsObject(v->val.binary.data))
		return v->val.binary.data;
	return NULL;
}

/* Push a null value. */
static void
push_null(JsonbParseState **st)
{
	JsonbValue	v;

	v.type = jbvNull;
	pushJsonbValue(st, WJB_VALUE, &v);
}

/* Pushes the value of a key the writer adds (object j, or -1). */
typedef void (*VwlPushNieuw) (struct VwlWriter *s, VwlVersion *v, int j,
							  MemoryContext callcxt, JsonbParseState **st);

/* A key the writer adds to a returned document, replacing the input's. */
typedef struct VwlNew
{
	const char *sleutel;
	VwlPushNieuw push;
} VwlNew;

/* Whether key a sorts before the key k in a jsonb object (length, bytes). */
static inline bool
key_for(const char *a, const JsonbValue *k)
{
	int			len = strlen(a);

	return len < k->val.string.len ||
		(len == k->val.string.len && memcmp(a, k->val.string.val, len) < 0);
}

/*
 * Push the pairs of object c || {the n keys of nieuw, each with what its
 * push gives}: the input's pairs but those nieuw replaces, and the new keys
 * merged in at their place in jsonb's order (nieuw is in that order), so
 * that the sort at the end of the object finds every key in place.
 */
static void
push_samen(JsonbParseState **st, JsonbContainer *c, const VwlNew *nieuw, int n,
		   struct VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt)
{
	JsonbIterator *it = JsonbIteratorInit(c);
	JsonbIteratorToken tok;
	JsonbValue	jv;
	bool		overslaan = false;
	int			volgende = 0;

	while ((tok = JsonbIteratorNext(&it, &jv, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			for (; volgende < n && key_for(nieuw[volgende].sleutel, &jv); volgende++)
			{
				vwl_push_key(st, nieuw[volgende].sleutel);
				nieuw[volgende].push(s, v, j, callcxt, st);
			}
			overslaan = false;
			for (int k = 0; k < n && !overslaan; k++)
				overslaan = (jv.val.string.len == (int) strlen(nieuw[k].sleutel) &&
							 memcmp(jv.val.string.val, nieuw[k].sleutel, jv.val.string.len) == 0);
			if (!overslaan)
				pushJsonbValue(st, WJB_KEY, &jv);
		}
		else if (tok == WJB_VALUE && !overslaan)
			pushJsonbValue(st, WJB_VALUE, &jv);
	}
	for (; volgende < n; volgende++)
	{
		vwl_push_key(st, nieuw[volgende].sleutel);
		nieuw[volgende].push(s, v, j, callcxt, st);
	}
}

/*
 * A UUID as uuid_out writes it, palloc'd: pushJsonbValue keeps pointers to
 * the strings it is given until the document is complete.
 */
static char *
uuid_text(const pg_uuid_t *u)
{
	static const char hex[] = "0123456789abcdef";
	char	   *buf = palloc(UUID_TEXT_LENGTH + 1);
	char	   *p = buf;

	for (int i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[u->data[i] >> 4];
		*p++ = hex[u->data[i] & 0x0F];
	}
	*p = '\0';
	return buf;
}

/* base url || pad || id, in a palloc'd string of *len bytes. */
static char *
url_for(VwlWriter *s, const char *pad, const pg_uuid_t *id, int *len)
{
	char	   *url;

	url = psprintf("%.*s%s%s", s->basislen, s->basis, pad, uuid_text(id));
	*len = strlen(url);
	return url;
}

/* -------------------------------------------------------------------------
 * The returned documents
 * -------------------------------------------------------------------------
 */

/* url of object j of v. */
static void
push_object_url(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
				JsonbParseState **st)
{
	int			len;
	char	   *url = url_for(s, "/verwerkte-objecten/", &v->object_ids[j], &len);

	vwl_push_text(st, url, len);
}

/* verwerktObjectId of object j of v. */
static void
push_object_id(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
			   JsonbParseState **st)
{
	vwl_push_text(st, uuid_text(&v->object_ids[j]), UUID_TEXT_LENGTH);
}

/* What a returned object replaces of its input, in jsonb's order of keys. */
static const VwlNew object_new[] = {
	{"url", push_object_url},
	{"verwerktObjectId", push_object_id},
};

/*
 * Push the new object set of version v: each input object with its url and
 * the verwerktObjectId handed out now; null when there are no objects (as
 * jsonb_agg over no rows).
 */
static void
push_new_objecten(VwlWriter *s, VwlVersion *v, MemoryContext callcxt,
					 JsonbParseState **st)
{
	JsonbContainer *lijst = version_objects(v);
	int			n = lijst ? JsonContainerSize(lijst) : 0;

	if (n == 0)
	{
		push_null(st);
		return;
	}

	v->object_ids = MemoryContextAlloc(callcxt, n * sizeof(pg_uuid_t));
	v->aantal_ids = n;
	pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
	for (int j = 0; j < n; j++)
	{
		JsonbValue *el = getIthJsonbValueFromContainer(lijst, j);
		JsonbContainer *object = as_object(el);

		if (object == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("verwerkteObjecten[%d] is not a JSON object", j)));
		vwl_uuidv7_generate(&v->object_ids[j]);

		pushJsonbValue(st, WJB_BEGIN_OBJECT, NULL);
		push_samen(st, object, object_new, lengthof(object_new), s, v, j, callcxt);
		pushJsonbValue(st, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(st, WJB_END_ARRAY, NULL);
}

/*
 * Push the stored objects of an earlier version, as _objecten_document
 * returns them (rare: a PUT that keeps the objects).
 */
static void
push_existing_objecten(VwlWriter *s, VwlVersion *v, MemoryContext callcxt,
						JsonbParseState **st)
{
	Jsonb	   *objecten;
	JsonbValue	jv;

	if (v->actie_null)
	{
		/* _objecten_document(NULL, n) finds nothing */
		pushJsonbValue(st, WJB_BEGIN_ARRAY, NULL);
		pushJsonbValue(st, WJB_END_ARRAY, NULL);
		return;
	}
	if (s->objecten_document == NULL)
	{
		Oid			argtypes[2] = {UUIDOID, INT4OID};
		Oid			fn;

		fn = vwl_own_function("_objecten_document", 2, argtypes, false);
		s->objecten_document = MemoryContextAlloc(callcxt, sizeof(FmgrInfo));
		fmgr_info_cxt(fn, s->objecten_document, callcxt);
	}
	objecten = DatumGetJsonbP(FunctionCall2(s->objecten_document, v->actie,
											v->objecten_volgnummer));
	jv.type = jbvBinary;
	jv.val.binary.data = &objecten->root;
	jv.val.binary.len = VARSIZE(objecten) - VARHDRSZ;
	pushJsonbValue(st, WJB_VALUE, &jv);
}

/* url of version v. */
static void
push_versie_url(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
				JsonbParseState **st)
{
	int			len;
	char	   *url;

	if (v->actie_null)
	{
		push_null(st);
		return;
	}
	url = url_for(s, "/verwerkingsacties/", DatumGetUUIDP(v->actie), &len);
	vwl_push_text(st, url, len);
}

/* actieId of version v. */
static void
push_actie_id(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
			  JsonbParseState **st)
{
	if (v->actie_null)
		push_null(st);
	else
		vwl_push_text(st, uuid_text(DatumGetUUIDP(v->actie)), UUID_TEXT_LENGTH);
}

/* vertrouwelijkheid of version v: the level decided, not the input's. */
static void
push_niveau(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
			JsonbParseState **st)
{
	char	   *label;

	if (v->niveau_null)
	{
		push_null(st);
		return;
	}
	label = OutputFunctionCall(&s->niveau_uit, v->niveau);
	vwl_push_text(st, label, strlen(label));
}

/* verwerkteObjecten of version v. */
static void
push_objecten(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
			  JsonbParseState **st)
{
	if (v->nieuwe_objecten)
		push_new_objecten(s, v, callcxt, st);
	else
		push_existing_objecten(s, v, callcxt, st);
}

/* tijdstipRegistratie of the call. */
static void
push_registratie(VwlWriter *s, VwlVersion *v, int j, MemoryContext callcxt,
				 JsonbParseState **st)
{
	vwl_push_text(st, s->registratie_json, strlen(s->registratie_json));
}

/* What a returned document replaces of its input, in jsonb's order of keys. */
static const VwlNew version_new[] = {
	{"url", push_versie_url},
	{"actieId", push_actie_id},
	{"vertrouwelijkheid", push_niveau},
	{"verwerkteObjecten", push_objecten},
	{"tijdstipRegistratie", push_registratie},
};

/*
 * The document of version v as the SQL writer built it: the input document
 * || {url, actieId, vertrouwelijkheid, tijdstipRegistratie,
 * verwerkteObjecten}.
 */
static Jsonb *
build_document(VwlWriter *s, VwlVersion *v, MemoryContext callcxt)
{
	JsonbParseState *st = NULL;
	JsonbValue *res;

	if (!JB_ROOT_IS_OBJECT(v->doc))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a verwerkingsactie document must be a JSON object")));

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	push_samen(&st, &v->doc->root, version_new, lengthof(version_new), s, v, -1, callcxt);
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* Whether pair key a sorts before (< 0), at (0) or after key b (jsonb's order). */
static inline int
pair_cmp(const char *a, int alen, const char *b, int blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* A string value of len bytes at str. */
static inline void
set_string(JsonbValue *w, char *str, int len)
{
	w->type = jbvString;
	w->val.string.val = str;
	w->val.string.len = len;
}

/*
 * Into uit: object boom (a tree whose pairs are in jsonb's order) with the n
 * keys sleutels[] (in that order too) set to waarden[], each replacing the
 * pair of the same key or merged in at its place; the pairs stay in order,
 * as JsonbValueToJsonb writes them.
 */
static void
merge_pairs(JsonbValue *uit, const JsonbValue *boom, const char *const *sleutels,
			const JsonbValue *waarden, int n)
{
	int			oud = boom->val.object.nPairs;
	JsonbPair  *paren = palloc((oud + n) * sizeof(JsonbPair));
	int			k = 0;
	int			a = 0;
	int			b = 0;

	while (a < oud || b < n)
	{
		int			cmp;

		if (a == oud)
			cmp = 1;
		else if (b == n)
			cmp = -1;
		else
			cmp = pair_cmp(boom->val.object.pairs[a].key.val.string.val,
						   boom->val.object.pairs[a].key.val.string.len,
						   sleutels[b], strlen(sleutels[b]));
		if (cmp < 0)
			paren[k] = boom->val.object.pairs[a++];
		else
		{
			set_string(&paren[k].key, (char *) sleutels[b], strlen(sleutels[b]));
			paren[k].value = waarden[b++];
			if (cmp == 0)
				a++;
		}
		paren[k].order = k;
		k++;
	}
	uit->type = jbvObject;
	uit->val.object.nPairs = k;
	uit->val.object.pairs = paren;
}

/*
 * build_document for a version whose normalised document the caller has as
 * the validator's tree (v->boom, new objects): the same document, byte for
 * byte, made by adding the writer's keys to the tree and writing it once,
 * instead of writing the tree, reading it back and pushing every pair again.
 */
static Jsonb *
build_document_tree(VwlWriter *s, VwlVersion *v)
{
	static const char *const sleutels[] = {
		"url", "actieId", "vertrouwelijkheid", "verwerkteObjecten", "tijdstipRegistratie"
	};
	static const char *const object_sleutels[] = {"url", "verwerktObjectId"};
	JsonbValue *boom = v->boom;
	JsonbValue	waarden[lengthof(sleutels)];
	JsonbValue *lijst = NULL;
	JsonbValue	uit;
	int			len;
	char	   *str;

	Assert(boom->type == jbvObject && v->nieuwe_objecten);
	for (int i = 0; i < boom->val.object.nPairs; i++)
	{
		JsonbPair  *p = &boom->val.object.pairs[i];

		if (p->key.val.string.len == strlen("verwerkteObjecten") &&
			memcmp(p->key.val.string.val, "verwerkteObjecten", p->key.val.string.len) == 0)
			lijst = &p->value;
	}

	/* url, actieId, vertrouwelijkheid as push_versie_url, push_actie_id, push_niveau */
	if (v->actie_null)
	{
		waarden[0].type = jbvNull;
		waarden[1].type = jbvNull;
	}
	else
	{
		str = url_for(s, "/verwerkingsacties/", DatumGetUUIDP(v->actie), &len);
		set_string(&waarden[0], str, len);
		set_string(&waarden[1], uuid_text(DatumGetUUIDP(v->actie)), UUID_TEXT_LENGTH);
	}
	if (v->niveau_null)
		waarden[2].type = jbvNull;
	else
	{
		str = OutputFunctionCall(&s->niveau_uit, v->niveau);
		set_string(&waarden[2], str, strlen(str));
	}

	/* verwerkteObjecten as push_new_objecten: null without objects */
	if (lijst == NULL || lijst->type != jbvArray || lijst->val.array.nElems == 0)
		waarden[3].type = jbvNull;
	else
	{
		int			n = lijst->val.array.nElems;
		JsonbValue *objecten = palloc(n * sizeof(JsonbValue));

		v->object_ids = palloc(n * sizeof(pg_uuid_t));
		v->aantal_ids = n;
		for (int j = 0; j < n; j++)
		{
			JsonbValue	nieuw[lengthof(object_sleutels)];

			if (lijst->val.array.elems[j].type != jbvObject)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("verwerkteObjecten[%d] is not a JSON object", j)));
			vwl_uuidv7_generate(&v->object_ids[j]);
			str = url_for(s, "/verwerkte-objecten/", &v->object_ids[j], &len);
			set_string(&nieuw[0], str, len);
			set_string(&nieuw[1], uuid_text(&v->object_ids[j]), UUID_TEXT_LENGTH);
			merge_pairs(&objecten[j], &lijst->val.array.elems[j], object_sleutels,
						nieuw, lengthof(object_sleutels));
		}
		waarden[3].type = jbvArray;
		waarden[3].val.array.rawScalar = false;
		waarden[3].val.array.nElems = n;
		waarden[3].val.array.elems = objecten;
	}

	/* tijdstipRegistratie as push_registratie */
	set_string(&waarden[4], s->registratie_json, strlen(s->registratie_json));

	merge_pairs(&uit, boom, sleutels, waarden, lengthof(sleutels));
	return JsonbValueToJsonb(&uit);
}

/*
 * Hand out the verwerktObjectIds of the new object set of version v without
 * building its document (a caller that does not return documents): the
 * same ids in the same order, and the same errors, as build_document.
 */
static void
assign_ids(VwlVersion *v, MemoryContext callcxt)
{
	JsonbContainer *lijst = NULL;
	JsonbValue *boom_lijst = NULL;
	int			n;

	if (v->doc != NULL && !JB_ROOT_IS_OBJECT(v->doc))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a verwerkingsactie document must be a JSON object")));
	if (!v->nieuwe_objecten)
		return;
	if (v->doc != NULL)
	{
		lijst = version_objects(v);
		n = lijst ? JsonContainerSize(lijst) : 0;
	}
	else
	{
		/* the validator's tree: every item is an object */
		boom_lijst = version_objects_tree(v);
		n = boom_lijst ? boom_lijst->val.array.nElems : 0;
	}
	if (n == 0)
		return;

	v->object_ids = MemoryContextAlloc(callcxt, n * sizeof(pg_uuid_t));
	v->aantal_ids = n;
	for (int j = 0; j < n; j++)
	{
		if (lijst != NULL && as_object(getIthJsonbValueFromContainer(lijst, j)) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("verwerkteObjecten[%d] is not a JSON object", j)));
		vwl_uuidv7_generate(&v->object_ids[j]);
	}
}

/* -------------------------------------------------------------------------
 * Column values
 * -------------------------------------------------------------------------
 */

/*
 * A UUID written as 8-4-4-4-12 hex digits (UUID_TEXT_LENGTH bytes at s),
 * palloc'd, as uuid_in reads it; NULL when s is not in that form.
 */
static pg_uuid_t *
uuid_read(const char *s)
{
	pg_uuid_t	u;
	int			j = 0;

	for (int i = 0; i < UUID_LEN; i++)
	{
		int			hoog,
					laag;

		if (i == 4 || i == 6 || i == 8 || i == 10)
		{
			if (s[j] != '-')
				return NULL;
			j++;
		}
		hoog = vwl_hex_digit(s[j]);
		laag = vwl_hex_digit(s[j + 1]);
		if (hoog < 0 || laag < 0)
			return NULL;
		u.data[i] = (unsigned char) (hoog << 4 | laag);
		j += 2;
	}
	{
		pg_uuid_t  *uit = palloc(sizeof(pg_uuid_t));

		*uit = u;
		return uit;
	}
}

/* The actieId of the version. */
static Datum
column_actie(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = rij->versie->actie_null;
	return rij->versie->actie;
}

/* The volgnummer of the version (objects: the version that brings them). */
static Datum
column_seqno(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = rij->versie->volgnummer_null;
	return rij->versie->volgnummer;
}

/* coalesce(objecten_volgnummer, volgnummer) */
static Datum
column_objecten_seqno(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = rij->versie->objecten_volgnummer_null;
	return rij->versie->objecten_volgnummer;
}

/* The level the rule engine decided (not the document's). */
static Datum
column_niveau(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = rij->versie->niveau_null;
	return rij->versie->niveau;
}

/* element as text (->>). */
static Datum
column_text(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *t = row_text(rij, element);

	*isnull = (t == NULL);
	return PointerGetDatum(t);
}

/* (element)::uuid */
static Datum
column_uuid(VwlRow *rij, const char *element, bool *isnull)
{
	JsonbValue	buf;
	JsonbValue *v = row_value(rij, element, &buf);
	pg_uuid_t  *u;
	text	   *t;

	/*
	 * The form the API writes, 8-4-4-4-12 hex digits, read here; any other
	 * (and every error) is uuid_in's.
	 */
	if (v != NULL && v->type == jbvString && v->val.string.len == UUID_TEXT_LENGTH &&
		(u = uuid_read(v->val.string.val)) != NULL)
	{
		*isnull = false;
		return UUIDPGetDatum(u);
	}
	t = row_text(rij, element);
	*isnull = (t == NULL);
	if (t == NULL)
		return (Datum) 0;
	return DirectFunctionCall1(uuid_in, CStringGetDatum(text_to_cstring(t)));
}

/* (element)::bewaartermijn; a refused value raises the type's own error. */
static Datum
column_bewaartermijn(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *t = row_text(rij, element);
	Bewaartermijn *b;

	*isnull = (t == NULL);
	if (t == NULL)
		return (Datum) 0;
	b = palloc0(sizeof(Bewaartermijn));
	if (!vwl_bewaartermijn_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), b, NULL))
		return DirectFunctionCall1(vwl_bewaartermijn_in,
								   CStringGetDatum(text_to_cstring(t)));
	return PointerGetDatum(b);
}

/*
 * element as an oin.  The validator let through only 20 digits; checked
 * again cheaply, and anything else goes to the domain's own check (23514).
 */
static Datum
column_oin(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *t = row_text(rij, element);
	const char *p;
	bool		goed;

	*isnull = (t == NULL);
	if (t == NULL)
		return (Datum) 0;
	p = VARDATA_ANY(t);
	goed = (VARSIZE_ANY_EXHDR(t) == VWL_OIN_LENGTH);
	for (int i = 0; goed && i < VWL_OIN_LENGTH; i++)
		goed = (p[i] >= '0' && p[i] <= '9');
	if (!goed)
		domain_check(PointerGetDatum(t), false, rij->s->typen[VT_OIN], NULL, NULL);
	/* (and the plan checks the column's domain for every row) */
	return PointerGetDatum(t);
}

/*
 * The version's tijdstip, read once per version; NULL when absent.  A refused
 * value raises the type's own error.
 */
static Moment *
version_moment(VwlVersion *v)
{
	if (v->moment_stand == 0)
	{
		text	   *t;

		if (v->doc != NULL)
			t = element_text(&v->doc->root, "tijdstip");
		else if (v->boom != NULL)
		{
			JsonbValue *w = tree_value(v->boom, "tijdstip");

			t = w ? value_text(w) : NULL;
		}
		else
			t = NULL;

		if (t == NULL)
			v->moment_stand = 2;
		else
		{
			memset(&v->moment, 0, sizeof(Moment));
			if (!vwl_moment_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &v->moment, NULL))
			{
				Datum		m = DirectFunctionCall1(vwl_moment_in,
													CStringGetDatum(text_to_cstring(t)));

				memcpy(&v->moment, DatumGetPointer(m), sizeof(Moment));
			}
			v->moment_stand = 1;
		}
	}
	return v->moment_stand == 1 ? &v->moment : NULL;
}

/* (tijdstip)::moment */
static Datum
column_moment(VwlRow *rij, const char *element, bool *isnull)
{
	Moment	   *m = version_moment(rij->versie);

	*isnull = (m == NULL);
	return PointerGetDatum(m);
}

/* The version's tijdstip as a timestamptz (the instant). */
static Datum
column_instant(VwlRow *rij, const char *element, bool *isnull)
{
	Moment	   *m = version_moment(rij->versie);

	*isnull = (m == NULL);
	return m ? TimestampTzGetDatum(m->instant) : (Datum) 0;
}

/* The one registration time of the call. */
static Datum
column_registratie(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = false;
	return TimestampTzGetDatum(rij->s->registratie);
}

/* false: a new version is never vervallen. */
static Datum
column_false(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = false;
	return BoolGetDatum(false);
}

/*
 * The maker of the call (maker.c): element "0" the role, "1" the claim sub,
 * "2" the client.
 */
static Datum
column_maker(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *t = rij->s->maker[element[0] - '0'];

	*isnull = (t == NULL);
	return PointerGetDatum(t);
}

/*
 * Whether the afnemerId is an OIN, the one kind stored in plain text:
 * soortAfnemerId is OIN (in any case, nothing around it) and afnemerId is
 * exactly 20 digits.  Every other afnemerId could be a BSN, however its kind
 * is spelt ("BSN ", "bsn", "burgerservicenummer"), and is encrypted (B2042).
 */
static bool
afnemer_is_oin(VwlRow *rij)
{
	text	   *soort = row_text(rij, "soortAfnemerId");
	text	   *id = row_text(rij, "afnemerId");
	const char *p;

	if (soort == NULL || id == NULL ||
		VARSIZE_ANY_EXHDR(soort) != 3 ||
		pg_strncasecmp(VARDATA_ANY(soort), "OIN", 3) != 0 ||
		VARSIZE_ANY_EXHDR(id) != VWL_OIN_LENGTH)
		return false;
	p = VARDATA_ANY(id);
	for (int i = 0; i < VWL_OIN_LENGTH; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

/* afnemerId when it is an OIN, else NULL. */
static Datum
column_afnemer_id(VwlRow *rij, const char *element, bool *isnull)
{
	if (!afnemer_is_oin(rij))
	{
		*isnull = true;
		return (Datum) 0;
	}
	return column_text(rij, element, isnull);
}

/*
 * afnemerId encrypted when it is not an OIN, bound to its soortAfnemerId
 * and its action.
 */
static Datum
column_afnemer_encrypted(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *id;
	text	   *soort;

	if (afnemer_is_oin(rij) || rij->versie->actie_null ||
		(id = row_text(rij, element)) == NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	soort = row_text(rij, "soortAfnemerId");
	*isnull = false;
	return PointerGetDatum(vwl_encrypt_afnemer(VARDATA_ANY(id),
												  VARSIZE_ANY_EXHDR(id),
												  soort ? VARDATA_ANY(soort) : NULL,
												  soort ? VARSIZE_ANY_EXHDR(soort) : 0,
												  DatumGetUUIDP(rij->versie->actie)));
}

/* The verwerktObjectId handed out for this object. */
static Datum
column_object_id(VwlRow *rij, const char *element, bool *isnull)
{
	*isnull = false;
	return UUIDPGetDatum(&rij->versie->object_ids[rij->volgorde - 1]);
}

/* The object's position, a smallint. */
static Datum
column_order(VwlRow *rij, const char *element, bool *isnull)
{
	if (rij->volgorde > PG_INT16_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("smallint out of range")));
	*isnull = false;
	return Int16GetDatum((int16) rij->volgorde);
}

/* _pseudoniem(soortObjectId, element) */
static Datum
column_pseudoniem(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *soort = row_text(rij, "soortObjectId");
	text	   *id = row_text(rij, element);
	bytea	   *res;

	*isnull = (soort == NULL || id == NULL);
	if (*isnull)
		return (Datum) 0;
	res = palloc(VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
	SET_VARSIZE(res, VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
	vwl_pseudoniem_compute(VARDATA_ANY(soort), VARSIZE_ANY_EXHDR(soort),
						   VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id),
						   (unsigned char *) VARDATA(res));
	/* Kept for the ciphertext's binding (column_encrypted). */
	memcpy(rij->pseudoniem, VARDATA(res), VWL_PSEUDONIEM_LENGTH);
	rij->pseudoniem_klaar = true;
	return PointerGetDatum(res);
}

/*
 * The element encrypted, bound to soortObjectId and the pseudonym (the one
 * column_pseudoniem computed for this row, else computed here).
 */
static Datum
column_encrypted(VwlRow *rij, const char *element, bool *isnull)
{
	text	   *soort = row_text(rij, "soortObjectId");
	text	   *id = row_text(rij, element);
	unsigned char pseudoniem[VWL_PSEUDONIEM_LENGTH];

	*isnull = (id == NULL || soort == NULL);
	if (*isnull)
		return (Datum) 0;
	if (rij->pseudoniem_klaar)
		memcpy(pseudoniem, rij->pseudoniem, VWL_PSEUDONIEM_LENGTH);
	else
		vwl_pseudoniem_compute(VARDATA_ANY(soort), VARSIZE_ANY_EXHDR(soort),
							   VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), pseudoniem);
	return PointerGetDatum(vwl_encrypt_object(VARDATA_ANY(id),
												 VARSIZE_ANY_EXHDR(id),
												 VARDATA_ANY(soort),
												 VARSIZE_ANY_EXHDR(soort),
												 pseudoniem));
}

/* ARRAY(SELECT g->>'soortGegeven' FROM jsonb_array_elements(element) g) */
static Datum
column_soorten(VwlRow *rij, const char *element, bool *isnull)
{
	JsonbContainer *lijst = NULL;
	JsonbValue *boom_lijst = NULL;
	int			n;
	Datum	   *waarden;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1] = {1};

	if (rij->bron_boom != NULL)
	{
		/* the validator's tree: an array of objects, [] when absent */
		boom_lijst = tree_value(rij->bron_boom, element);
		if (boom_lijst != NULL && boom_lijst->type != jbvArray)
			boom_lijst = NULL;
		n = boom_lijst ? boom_lijst->val.array.nElems : 0;
	}
	else
	{
		lijst = row_array(rij, element);
		n = lijst ? JsonContainerSize(lijst) : 0;
	}
	*isnull = false;
	if (n == 0)
		return PointerGetDatum(construct_empty_array(TEXTOID));
	waarden = palloc(n * sizeof(Datum));
	nulls = palloc(n * sizeof(bool));
	for (int j = 0; j < n; j++)
	{
		text	   *t = NULL;

		if (boom_lijst != NULL)
		{
			JsonbValue *g = &boom_lijst->val.array.elems[j];
			JsonbValue *w = g->type == jbvObject ? tree_value(g, "soortGegeven") : NULL;

			t = w ? value_text(w) : NULL;
		}
		else
		{
			JsonbContainer *g = as_object(getIthJsonbValueFromContainer(lijst, j));

			t = g ? element_text(g, "soortGegeven") : NULL;
		}

		waarden[j] = PointerGetDatum(t);
		nulls[j] = (t == NULL);
	}
	dims[0] = n;
	/* what makeArrayResult would make of them, without its build state */
	return PointerGetDatum(construct_md_array(waarden, nulls, 1, dims, lbs, TEXTOID,
											  -1, false, TYPALIGN_INT));
}

/* -------------------------------------------------------------------------
 * The tables
 * -------------------------------------------------------------------------
 */

/* The OID of the extension's type naam. */
static Oid
own_type(Oid schema, const char *naam)
{
	Oid			typ = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
									  CStringGetDatum(naam), ObjectIdGetDatum(schema));

	if (!OidIsValid(typ))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("type \"%s.%s\" does not exist", VWL_SCHEMA, naam)));
	return typ;
}

/*
 * Open table d for inserting, locked as an INSERT locks it.  Only plain
 * tables, and no row-level security (an INSERT would apply its policies).
 */
static void
open_target(VwlWriter *s, VwlTarget *d)
{
	Oid			relid = get_relname_relid(d->tabel, s->schema);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist", VWL_SCHEMA, d->tabel)));
	d->rel = table_open(relid, RowExclusiveLock);
	if (d->rel->rd_rel->relkind != RELKIND_RELATION || d->rel->rd_rel->relispartition)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s.%s\" is not a plain table", VWL_SCHEMA, d->tabel),
				 errdetail("The log writes only into plain tables.")));
	if (d->rel->rd_rel->relrowsecurity &&
		check_enable_rls(relid, InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("row-level security on \"%s.%s\" is not supported", VWL_SCHEMA, d->tabel)));
}

/* attnum - 1 of the column naam of type typ (InvalidOid: any type), or -1 when there is none. */
static int
column_of(TupleDesc tupdesc, const char *naam, Oid typ)
{
	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (!att->attisdropped && (typ == InvalidOid || att->atttypid == typ) &&
			strcmp(NameStr(att->attname), naam) == 0)
			return i;
	}
	return -1;
}

/*
 * Work out the plan of the (open) table d into p, in the current memory
 * context: which line fills each column, checked against the column's type;
 * identity sequences; which other columns have defaults.
 */
static void
build_plan(VwlTarget *d, const Oid *typen, VwlPlan *p)
{
	TupleDesc	tupdesc = RelationGetDescr(d->rel);
	int			natts = tupdesc->natts;

	p->relid = RelationGetRelid(d->rel);
	p->natts = natts;
	p->vul = palloc0(natts * sizeof(VwlColumn *));
	p->reeks = palloc0(natts * sizeof(Oid));
	p->standaard = palloc0(natts * sizeof(bool));
	p->domein = palloc0(natts * sizeof(Oid));
	p->domein_extra = palloc0(natts * sizeof(void *));
	p->kolommen = NULL;
	p->att_volgnummer = column_of(tupdesc, "volgnummer", INT4OID);
	p->att_trace = column_of(tupdesc, "trace_id", UUIDOID);
	p->att_span = column_of(tupdesc, "span_id", BYTEAOID);
	p->att_ouder = column_of(tupdesc, "parent_span_id", BYTEAOID);
	p->att_actie = column_of(tupdesc, "actie_id", UUIDOID);
	p->att_tijdstip = column_of(tupdesc, "tijdstip", typen[VT_MOMENT]);
	for (int k = 0; k < VWL_LDV_COLUMNS; k++)
		p->att_ldv[k] = strcmp(ldv_columns[k], "eind_tijdstip") == 0 ?
			column_of(tupdesc, ldv_columns[k], typen[VT_MOMENT]) :
			column_of(tupdesc, ldv_columns[k], InvalidOid);

	for (int i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (att->attisdropped)
			continue;
		for (int k = 0; k < d->aantal_kolommen; k++)
		{
			const VwlColumn *kolom = &d->kolommen[k];

			if (strcmp(NameStr(att->attname), kolom->naam) != 0)
				continue;
			/* A domain over the type the writer produces is checked per row. */
			if (att->atttypid != typen[kolom->type] &&
				get_typtype(att->atttypid) == TYPTYPE_DOMAIN &&
				getBaseType(att->atttypid) == getBaseType(typen[kolom->type]))
				p->domein[i] = att->atttypid;
			else if (att->atttypid != typen[kolom->type])
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of \"%s.%s\" has type %s, the log writes %s",
								kolom->naam, VWL_SCHEMA, d->tabel,
								format_type_be(att->atttypid),
								format_type_be(typen[kolom->type])),
						 errhint("The storage schema and the writer in src/writer.c must change together.")));
			if (get_typtype(att->atttypid) == TYPTYPE_DOMAIN)
				p->domein[i] = att->atttypid;
			p->vul[i] = kolom;
			p->kolommen = bms_add_member(p->kolommen,
										 att->attnum - FirstLowInvalidHeapAttributeNumber);
			break;
		}
		if (p->vul[i] != NULL || att->attgenerated)
			continue;			/* stored generated: computed at insert */
		if (att->attnotnull && !att->attidentity && !att->atthasdef)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("column \"%s\" of \"%s.%s\" cannot be filled by the log's writer",
							NameStr(att->attname), VWL_SCHEMA, d->tabel),
					 errdetail("The column is NOT NULL, has no default, and the writer has no value for it."),
					 errhint("The storage schema and the writer in src/writer.c must change together.")));
		if (att->attidentity)
		{
			if (att->atttypid != INT8OID)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("identity column \"%s\" of \"%s.%s\" is not a bigint",
								NameStr(att->attname), VWL_SCHEMA, d->tabel)));
			p->reeks[i] = getIdentitySequence(p->relid, att->attnum, false);
		}
		else
			p->standaard[i] = att->atthasdef;
	}

	/*
	 * The CHECK constraints as ExecConstraints would prepare them for every
	 * new ResultRelInfo (stringToNode and expression_planner of each, a
	 * seventh of the instructions of one logged action): parsed and planned
	 * once here, and only made executable per call (start_target).
	 */
	p->aantal_checks = 0;
	p->checks = NULL;
	p->check_states = NULL;
	if (tupdesc->constr && tupdesc->constr->num_check > 0)
	{
		TupleConstr *constr = tupdesc->constr;

		p->aantal_checks = constr->num_check;
		p->checks = palloc(constr->num_check * sizeof(Expr *));
		for (int i = 0; i < constr->num_check; i++)
			p->checks[i] = expression_planner((Expr *) stringToNode(constr->check[i].ccbin));
	}

	/* Every value the writer produces must land in a column. */
	for (int k = 0; k < d->aantal_kolommen; k++)
	{
		bool		gevonden = false;

		for (int i = 0; i < natts && !gevonden; i++)
			gevonden = (p->vul[i] == &d->kolommen[k]);
		if (!gevonden)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of \"%s.%s\" does not exist, the log writes it",
							d->kolommen[k].naam, VWL_SCHEMA, d->tabel),
					 errhint("The storage schema and the writer in src/writer.c must change together.")));
	}
}

/* Relcache invalidation: a table of the plans changed, or everything did. */
static void
plan_cache_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == plan_cache.versies.relid ||
		relid == plan_cache.objecten.relid)
		plan_cache.valid = false;
}

/*
 * Make sure plan_cache describes the two open tables.  The relations are
 * locked, so their descriptors stay as they are for the rest of the call.
 */
static void
ensure_plans(VwlWriter *s)
{
	MemoryContext oud;
	Oid			uitfunc;
	bool		varlena;

	if (plan_cache.valid &&
		plan_cache.versies.relid == RelationGetRelid(s->versies.rel) &&
		plan_cache.objecten.relid == RelationGetRelid(s->objecten.rel))
		return;

	if (plan_cache.cxt == NULL)
		CacheRegisterRelcacheCallback(plan_cache_invalidate, (Datum) 0);
	else
	{
		/*
		 * The old plans may still be in use by a call further up the stack
		 * (a trigger that logs): let them live until the end of the
		 * transaction instead of freeing them now.
		 */
		MemoryContextSetParent(plan_cache.cxt, TopTransactionContext);
	}
	plan_cache.valid = false;
	plan_cache.cxt = AllocSetContextCreate(CacheMemoryContext,
										   "verwerkingenlog writer plans",
										   ALLOCSET_SMALL_SIZES);
	oud = MemoryContextSwitchTo(plan_cache.cxt);

	plan_cache.typen[VT_UUID] = UUIDOID;
	plan_cache.typen[VT_INT2] = INT2OID;
	plan_cache.typen[VT_INT4] = INT4OID;
	plan_cache.typen[VT_INT8] = INT8OID;
	plan_cache.typen[VT_BOOL] = BOOLOID;
	plan_cache.typen[VT_TEXT] = TEXTOID;
	plan_cache.typen[VT_TEXT_ARRAY] = TEXTARRAYOID;
	plan_cache.typen[VT_BYTEA] = BYTEAOID;
	plan_cache.typen[VT_TIMESTAMPTZ] = TIMESTAMPTZOID;
	plan_cache.typen[VT_MOMENT] = own_type(s->schema, "moment");
	plan_cache.typen[VT_BEWAARTERMIJN] = own_type(s->schema, "bewaartermijn");
	plan_cache.typen[VT_OIN] = own_type(s->schema, "oin");
	plan_cache.typen[VT_VERTROUWELIJKHEID] = own_type(s->schema, "vertrouwelijkheid");
	getTypeOutputInfo(plan_cache.typen[VT_VERTROUWELIJKHEID], &uitfunc, &varlena);
	plan_cache.niveau_uit = uitfunc;
	for (int i = 0; i < NIVEAU_COUNT; i++)
	{
		HeapTuple	tup = SearchSysCache2(ENUMTYPOIDNAME,
										  ObjectIdGetDatum(plan_cache.typen[VT_VERTROUWELIJKHEID]),
										  CStringGetDatum(vwl_niveau_namen[i]));

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "enum label \"%s\" of vertrouwelijkheid not found",
				 vwl_niveau_namen[i]);
		plan_cache.niveaus[i] = ((Form_pg_enum) GETSTRUCT(tup))->oid;
		ReleaseSysCache(tup);
	}

	plan_cache.guard_fn = vwl_own_function("weiger_wijziging", 0, NULL, true);
	plan_cache.traceparent_fn = vwl_own_function("_traceparent", 0, NULL, true);
	plan_cache.queue_fn = vwl_own_function("_seal_register", 0, NULL, true);
	build_plan(&s->versies, plan_cache.typen, &plan_cache.versies);
	build_plan(&s->objecten, plan_cache.typen, &plan_cache.objecten);

	MemoryContextSwitchTo(oud);
	plan_cache.valid = true;
}

/* The range table entry of d: INSERT privilege on the columns it fills. */
static RangeTblEntry *
rte_for(VwlTarget *d)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(d->rel);
	rte->relkind = d->rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	rte->requiredPerms = ACL_INSERT;
	rte->insertedCols = bms_copy(d->plan->kolommen);
	return rte;
}

/* Would trigger t fire in this session (TriggerEnabled's test)? */
static bool
trigger_fires(const Trigger *t)
{
	if (SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		return t->tgenabled == TRIGGER_FIRES_ON_REPLICA ||
			t->tgenabled == TRIGGER_FIRES_ALWAYS;
	return t->tgenabled == TRIGGER_FIRES_ON_ORIGIN ||
		t->tgenabled == TRIGGER_FIRES_ALWAYS;
}

/*
 * The extension's own BEFORE INSERT row triggers, which the writer need not
 * fire for its own rows: each would make a heap tuple of the row (a tenth of
 * a batch's instructions) only to return it as it was, or with two columns
 * set.  Removed from d's copy of the trigger descriptor (InitResultRelInfo
 * made it for this call; the table's own is untouched):
 *	- the append-only guard weiger_wijziging(): while the writer's door is
 *	  open it lets every row in unchanged, and the writer opens the door
 *	  for each of its rows;
 *	- _traceparent(), when it would fire in this session (ENABLE ORIGIN: not
 *	  with session_replication_role = replica, unless enabled for that), has
 *	  no WHEN clause, and no other BEFORE INSERT row trigger is left that
 *	  could see the row before or after it: then traceparent_for() gives the
 *	  row what the trigger would have given it.  When it would not fire it is
 *	  removed too, and nothing is done in its place.
 * Every other trigger stays and fires as before, the door open as before.
 */
static void
own_triggers(VwlTarget *d)
{
	TriggerDesc *td = d->rri->ri_TrigDesc;
	TriggerDesc *nieuw;
	int			tp = -1;
	bool		tp_vuurt = false;
	bool		andere = false;

	d->traceparent = false;
	if (td == NULL || !td->trig_insert_before_row)
		return;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (!TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_ROW, TRIGGER_TYPE_BEFORE,
								  TRIGGER_TYPE_INSERT) ||
			t->tgfoid == plan_cache.guard_fn)
			continue;
		if (t->tgfoid == plan_cache.traceparent_fn && tp < 0 && t->tgqual == NULL &&
			d->plan->att_volgnummer >= 0 && d->plan->att_trace >= 0 &&
			d->plan->att_span >= 0 && d->plan->att_ouder >= 0)
		{
			tp = i;
			tp_vuurt = trigger_fires(t);
		}
		else if (trigger_fires(t))
			andere = true;
	}
	if (andere && tp_vuurt)
		tp = -1;				/* keep it, to fire in its place among the others */

	nieuw = palloc(sizeof(TriggerDesc));
	memcpy(nieuw, td, sizeof(TriggerDesc));
	nieuw->triggers = palloc(td->numtriggers * sizeof(Trigger));
	nieuw->numtriggers = 0;
	nieuw->trig_insert_before_row = false;
	for (int i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];
		bool		voor = TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_ROW,
												TRIGGER_TYPE_BEFORE, TRIGGER_TYPE_INSERT);

		if (voor && (t->tgfoid == plan_cache.guard_fn || i == tp))
			continue;
		nieuw->triggers[nieuw->numtriggers++] = *t;
		if (voor)
			nieuw->trig_insert_before_row = true;
	}
	d->rri->ri_TrigDesc = nieuw;
	d->traceparent = (tp >= 0 && tp_vuurt);
}

/*
 * _traceparent()'s work for the version row in d's slot: the first version
 * of an action, logged in a request with a valid traceparent header, gets its
 * trace-id as trace_id and its parent-id as parent_span_id, unless it has
 * either or a span_id already.  The header is read once per call.
 */
static void
traceparent_for(VwlWriter *s, VwlTarget *d)
{
	TupleTableSlot *slot = d->slot;
	const VwlPlan *p = d->plan;
	pg_uuid_t  *u;
	bytea	   *b;

	if (slot->tts_isnull[p->att_volgnummer] ||
		DatumGetInt32(slot->tts_values[p->att_volgnummer]) != 1 ||
		!slot->tts_isnull[p->att_trace] || !slot->tts_isnull[p->att_span] ||
		!slot->tts_isnull[p->att_ouder])
		return;
	if (s->trace_stand == 0)
		s->trace_stand = vwl_traceparent_ids(s->trace, s->ouder) ? 1 : 2;
	if (s->trace_stand != 1)
		return;
	u = palloc(sizeof(pg_uuid_t));
	memcpy(u->data, s->trace, 16);
	b = palloc(VARHDRSZ + 8);
	SET_VARSIZE(b, VARHDRSZ + 8);
	memcpy(VARDATA(b), s->ouder, 8);
	slot->tts_values[p->att_trace] = UUIDPGetDatum(u);
	slot->tts_isnull[p->att_trace] = false;
	slot->tts_values[p->att_ouder] = PointerGetDatum(b);
	slot->tts_isnull[p->att_ouder] = false;
}

/*
 * What a verwerkingsactie document cannot say, kept by a new version of an
 * action stored from one (a PUT): the LDV columns of the version it
 * replaces, version volgnummer - 1 of the same action, as the writer's call
 * sees it, copied into the row in d's slot where the row has none.  They
 * describe the trace in which the action happened, not its content, as a
 * PATCH or DELETE keeps them (_copy_version).  Two exceptions, so that the
 * row stays a valid LDV record: the span_id only when the version keeps
 * the object set or has one object (one span per data subject; several get
 * one derived from each verwerktObjectId), the end time only when it is not
 * before the new tijdstip (else read as the tijdstip).  A traceparent header
 * of the request does not replace them: it is the trace of the correction,
 * not of the processing (README, "Where the two standards disagree").
 */
static void
keep_ldv(VwlTarget *d, const VwlVersion *v)
{
	const VwlPlan *p = d->plan;
	TupleTableSlot *slot = d->slot;
	TupleDesc	tupdesc = RelationGetDescr(d->rel);
	Oid			pk;
	ScanKeyData sleutels[2];
	SysScanDesc scan;
	HeapTuple	oud;
	Snapshot	snapshot;
	int32		volgnummer;

	if (p->att_volgnummer < 0 || p->att_actie < 0 || v->actie_null ||
		v->volgnummer_null || (v->doc == NULL && v->boom == NULL))
		return;
	volgnummer = DatumGetInt32(v->volgnummer);
	if (volgnummer <= 1)
		return;
	pk = RelationGetPrimaryKeyIndex(d->rel);
	if (!OidIsValid(pk))
		return;

	ScanKeyInit(&sleutels[0], p->att_actie + 1, BTEqualStrategyNumber,
				F_UUID_EQ, v->actie);
	ScanKeyInit(&sleutels[1], p->att_volgnummer + 1, BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum(volgnummer - 1));
	snapshot = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
	scan = systable_beginscan(d->rel, pk, true, snapshot, 2, sleutels);
	oud = systable_getnext(scan);
	if (HeapTupleIsValid(oud))
	{
		for (int k = 0; k < VWL_LDV_COLUMNS; k++)
		{
			int			a = p->att_ldv[k];
			Form_pg_attribute att;
			Datum		waarde;
			bool		isnull;

			if (a < 0 || !slot->tts_isnull[a])
				continue;
			if (a == p->att_span && v->nieuwe_objecten && v->aantal_ids != 1)
				continue;
			att = TupleDescAttr(tupdesc, a);
			waarde = heap_getattr(oud, a + 1, tupdesc, &isnull);
			if (isnull)
				continue;
			if (strcmp(ldv_columns[k], "eind_tijdstip") == 0)
			{
				const Moment *eind = (const Moment *) DatumGetPointer(waarde);
				const Moment *begin;

				if (p->att_tijdstip < 0 || slot->tts_isnull[p->att_tijdstip])
					continue;
				begin = (const Moment *)
					DatumGetPointer(slot->tts_values[p->att_tijdstip]);
				if (eind->instant < begin->instant ||
					(eind->instant == begin->instant && eind->nanos < begin->nanos))
					continue;
			}
			slot->tts_values[a] = datumCopy(waarde, att->attbyval, att->attlen);
			slot->tts_isnull[a] = false;
		}
	}
	systable_endscan(scan);
}

/*
 * Prepare table d for rows once the range table is in place: result
 * relation, indexes, slot, default expressions.
 */
static void
start_target(VwlWriter *s, VwlTarget *d, Index rti)
{
	EState	   *estate = s->estate;

	d->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(d->rri, d->rel, rti, NULL, 0);
	estate->es_opened_result_relations =
		lappend(estate->es_opened_result_relations, d->rri);
	own_triggers(d);
	/* and the queue trigger (seal_queue.c); ri_TrigDesc is the call's copy */
	vwl_queue_take_trigger(d->rri->ri_TrigDesc, d->rel, plan_cache.queue_fn, trigger_fires,
						   &d->wachtrij);
	ExecOpenIndices(d->rri, false);
	d->slot = table_slot_create(d->rel, &estate->es_tupleTable);

	/*
	 * The CHECK constraints from the plan, as ExecRelCheck would prepare
	 * them (same order), so ExecConstraints does not parse, plan and
	 * prepare them again.  Prepared once, in the plan's context, and kept
	 * across calls as the type cache keeps a domain's CHECK expressions:
	 * ExecCheck evaluates them in the per-row context of the call's own
	 * executor state.  The plan is rebuilt whenever the table's relcache
	 * entry is invalidated, so its constraints are the table's.
	 */
	if (d->plan->aantal_checks > 0 &&
		d->rel->rd_att->constr != NULL &&
		d->rel->rd_att->constr->num_check == d->plan->aantal_checks)
	{
		if (d->plan->check_states == NULL)
		{
			MemoryContext oud = MemoryContextSwitchTo(plan_cache.cxt);
			ExprState **states = palloc(d->plan->aantal_checks * sizeof(ExprState *));

			for (int i = 0; i < d->plan->aantal_checks; i++)
				states[i] = ExecInitExpr(d->plan->checks[i], NULL);
			MemoryContextSwitchTo(oud);
			d->plan->check_states = states;
		}
		d->rri->ri_ConstraintExprs = d->plan->check_states;
	}

	d->standaard = palloc0(d->plan->natts * sizeof(ExprState *));
	for (int i = 0; i < d->plan->natts; i++)
	{
		Node	   *def;

		if (!d->plan->standaard[i])
			continue;
		def = build_column_default(d->rel, i + 1);
		if (def != NULL)
			d->standaard[i] = ExecPrepareExpr((Expr *) def, estate);
	}
}

/*
 * Whether the domain oin has exactly the one constraint the install script
 * gives it, CHECK (VALUE ~ '^[0-9]{20}$') (looked at per call in the type
 * cache, which follows every ALTER DOMAIN): then a value that column_oin
 * found to be 20 ASCII digits satisfies the domain, and fill_row need not
 * run the regular expression again for every row (3 % of a logged action,
 * 9 % of a batch).  With any other constraint, or none, every row's value
 * goes through domain_check as before.
 */
static bool
oin_bekend(Oid oin, MemoryContext callcxt)
{
	/* in callcxt: its reset callback points at it */
	DomainConstraintRef *ref = MemoryContextAlloc(callcxt, sizeof(DomainConstraintRef));
	DomainConstraintState *con;
	OpExpr	   *op;
	Const	   *patroon;
	text	   *t;

	InitDomainConstraintRef(oin, ref, callcxt, false);
	if (list_length(ref->constraints) != 1)
		return false;
	con = (DomainConstraintState *) linitial(ref->constraints);
	if (con->constrainttype != DOM_CONSTRAINT_CHECK || con->check_expr == NULL ||
		!IsA(con->check_expr, OpExpr))
		return false;
	op = (OpExpr *) con->check_expr;
	if (get_opcode(op->opno) != F_TEXTREGEXEQ || list_length(op->args) != 2 ||
		!IsA(linitial(op->args), CoerceToDomainValue) || !IsA(lsecond(op->args), Const))
		return false;
	patroon = (Const *) lsecond(op->args);
	if (patroon->constisnull || patroon->consttype != TEXTOID)
		return false;
	t = DatumGetTextPP(patroon->constvalue);
	return VARSIZE_ANY_EXHDR(t) == strlen("^[0-9]{20}$") &&
		memcmp(VARDATA_ANY(t), "^[0-9]{20}$", VARSIZE_ANY_EXHDR(t)) == 0;
}

/* Fill the slot of d for one row, in the order of the table's columns. */
static void
fill_row(VwlWriter *s, VwlTarget *d, VwlRow *rij)
{
	TupleTableSlot *slot = d->slot;
	int			natts = slot->tts_tupleDescriptor->natts;
	ExprContext *econtext = GetPerTupleExprContext(s->estate);

	ExecClearTuple(slot);
	for (int i = 0; i < natts; i++)
	{
		const VwlColumn *kolom = d->plan->vul[i];

		if (kolom != NULL)
		{
			slot->tts_values[i] = kolom->bereken(rij, kolom->element,
												 &slot->tts_isnull[i]);
			/*
			 * As INSERT does: the domain's constraints, for every row (an
			 * oin from column_oin is known to satisfy its own CHECK).
			 */
			if (OidIsValid(d->plan->domein[i]) &&
				!(kolom->bereken == column_oin && s->oin_bekend && !slot->tts_isnull[i]))
				domain_check(slot->tts_values[i], slot->tts_isnull[i], d->plan->domein[i],
							 &d->plan->domein_extra[i], plan_cache.cxt);
		}
		else if (OidIsValid(d->plan->reeks[i]))
		{
			slot->tts_values[i] = Int64GetDatum(nextval_internal(d->plan->reeks[i], false));
			slot->tts_isnull[i] = false;
		}
		else if (d->standaard[i] != NULL)
			slot->tts_values[i] = ExecEvalExprSwitchContext(d->standaard[i], econtext,
															&slot->tts_isnull[i]);
		else
		{
			slot->tts_values[i] = (Datum) 0;
			slot->tts_isnull[i] = true;
		}
	}
	ExecStoreVirtualTuple(slot);
}

/*
 * The rows of a batch that go to the heap in one table_multi_insert: a few
 * pages' worth (a page holds about a dozen version rows).  Each kept row
 * needs a slot of its own, so the slots are made as rows come and reused.
 */
#define VWL_MULTI_INSERT_ROWS 32

/*
 * The batch: keep the rows of d for table_multi_insert with a
 * BulkInsertState, as COPY FROM does (one WAL record per heap page instead
 * of one per row; the target page stays pinned).  For log_verwerkingsacties
 * only: its rows have new ids, so no unique violation is reported later
 * than it would have been; PUT's (23505, a serialization failure) is raised
 * row by row as before.  And, as COPY FROM decides, only while no BEFORE
 * INSERT row trigger is left to fire (own_triggers) and no column takes a
 * default expression: either could look at the table and would then miss
 * the rows still kept.
 */
static void
buffer_rows(VwlTarget *d)
{
	if (d->rri->ri_TrigDesc != NULL && d->rri->ri_TrigDesc->trig_insert_before_row)
		return;
	for (int i = 0; i < d->plan->natts; i++)
		if (d->standaard[i] != NULL)
			return;

	d->buffer = palloc0(VWL_MULTI_INSERT_ROWS * sizeof(TupleTableSlot *));
	d->in_buffer = 0;
	d->bis = GetBulkInsertState();
}

/*
 * The kept rows of d into the heap at once, then each one's index entries
 * and AFTER ROW triggers, in their order, as CopyMultiInsertBufferFlush.
 * In a context reset per row (rijcxt); resets the per-row expression
 * context for every row.
 */
static void
flush_rows(VwlWriter *s, VwlTarget *d)
{
	EState	   *estate = s->estate;

	if (d->in_buffer == 0)
		return;
	table_multi_insert(d->rel, d->buffer, d->in_buffer, estate->es_output_cid, 0, d->bis);
	for (int i = 0; i < d->in_buffer; i++)
	{
		List	   *opnieuw = NIL;

		ResetPerTupleExprContext(estate);
		if (d->rri->ri_NumIndices > 0)
			opnieuw = ExecInsertIndexTuples(d->rri, d->buffer[i], estate, false, false, NULL, NIL);
		ExecARInsertTriggers(estate, d->rri, d->buffer[i], opnieuw, d->overgang);
		vwl_queue_add(&s->queue, &d->wachtrij, d->buffer[i]);
		list_free(opnieuw);
		ExecClearTuple(d->buffer[i]);
	}
	d->in_buffer = 0;
}

/* Insert the row in the slot of d, as INSERT and COPY FROM do. */
static void
insert_row(VwlWriter *s, VwlTarget *d)
{
	EState	   *estate = s->estate;
	ResultRelInfo *rri = d->rri;
	Relation	rel = d->rel;
	TupleTableSlot *slot = d->slot;
	List	   *opnieuw = NIL;

	if (d->traceparent)
		traceparent_for(s, d);
	if (rri->ri_TrigDesc && rri->ri_TrigDesc->trig_insert_before_row)
	{
		bool		verder;

		/* The append-only guard lets only this writer's rows in. */
		vwl_writer_door_open();
		verder = ExecBRInsertTriggers(estate, rri, slot);
		vwl_writer_door_close();
		if (!verder)
			return;				/* a trigger skipped the row */
	}
	if (rel->rd_att->constr && rel->rd_att->constr->has_generated_stored)
		ExecComputeStoredGenerated(rri, estate, slot, CMD_INSERT);
	if (rel->rd_att->constr)
		ExecConstraints(rri, slot, estate);

	if (d->buffer != NULL)
	{
		/* kept (as a heap tuple of its own) for flush_rows */
		if (d->buffer[d->in_buffer] == NULL)
		{
			/* for the whole call, not the row's context */
			MemoryContext oud = MemoryContextSwitchTo(estate->es_query_cxt);

			d->buffer[d->in_buffer] = table_slot_create(rel, &estate->es_tupleTable);
			MemoryContextSwitchTo(oud);
		}
		ExecCopySlot(d->buffer[d->in_buffer++], slot);
		if (d->in_buffer == VWL_MULTI_INSERT_ROWS)
			flush_rows(s, d);
		return;
	}

	table_tuple_insert(rel, slot, estate->es_output_cid, 0, NULL);

	if (rri->ri_NumIndices > 0)
		opnieuw = ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
	ExecARInsertTriggers(estate, rri, slot, opnieuw, d->overgang);
	vwl_queue_add(&s->queue, &d->wachtrij, slot);
	list_free(opnieuw);
}

/*
 * Start the statement-like unit of inserting into d, as one INSERT: AFTER
 * triggers and transition tables at their own query level, BEFORE STATEMENT
 * triggers.
 */
static void
insert_begin(VwlWriter *s, VwlTarget *d)
{
	AfterTriggerBeginQuery();
	d->overgang = MakeTransitionCaptureState(d->rri->ri_TrigDesc,
											 RelationGetRelid(d->rel), CMD_INSERT);
	ExecBSInsertTriggers(s->estate, d->rri);
}

/*
 * End it: the kept rows of a batch into the table, then AFTER STATEMENT
 * triggers, then every queued AFTER trigger fires.
 */
static void
insert_end(VwlWriter *s, VwlTarget *d)
{
	if (d->buffer != NULL)
	{
		flush_rows(s, d);
		FreeBulkInsertState(d->bis);
		d->bis = NULL;
		table_finish_bulk_insert(d->rel, 0);
	}
	ExecASInsertTriggers(s->estate, d->rri, d->overgang);
	AfterTriggerEndQuery(s->estate);
}

/* Close table d; its lock is kept until the end of the transaction. */
static void
close_target(VwlTarget *d)
{
	ExecCloseIndices(d->rri);
	table_close(d->rel, NoLock);
}

/* -------------------------------------------------------------------------
 * The function
 * -------------------------------------------------------------------------
 */

/* An argument array: a shorter one is padded with NULLs, as unnest pads. */
typedef struct VwlArray
{
	int			n;
	Datum	   *waarden;
	bool	   *nulls;
} VwlArray;

/* Argument argno, deconstructed; no elements for a NULL array. */
static void
read_array(FunctionCallInfo fcinfo, int argno, VwlArray *a)
{
	ArrayType  *arr;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	a->n = 0;
	if (PG_ARGISNULL(argno))
		return;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &a->waarden, &a->nulls, &a->n);
}

/* Element i of a, or NULL beyond its end. */
static inline Datum
array_element(VwlArray *a, int i, bool *isnull)
{
	*isnull = (i >= a->n || a->nulls[i]);
	return *isnull ? (Datum) 0 : a->waarden[i];
}

/*
 * Open the writer for one call: both tables locked and their plans, the one
 * tijdstipRegistratie of the call, the base url.  In callcxt.
 */
static void
writer_open(VwlWriter *s, MemoryContext callcxt)
{
	/* What INSERT and COPY FROM refuse, the writer refuses too. */
	PreventCommandIfReadOnly("the log's writer");
	PreventCommandIfParallelMode("the log's writer");

	memset(s, 0, sizeof(*s));
	s->schema = get_namespace_oid(VWL_SCHEMA, false);
	s->versies.tabel = "verwerkingsactie_versie";
	s->versies.kolommen = version_columns;
	s->versies.aantal_kolommen = lengthof(version_columns);
	s->objecten.tabel = "verwerkt_object";
	s->objecten.kolommen = object_columns;
	s->objecten.aantal_kolommen = lengthof(object_columns);
	open_target(s, &s->versies);
	open_target(s, &s->objecten);
	ensure_plans(s);
	s->versies.plan = &plan_cache.versies;
	s->objecten.plan = &plan_cache.objecten;
	s->typen = plan_cache.typen;
	fmgr_info_cxt(plan_cache.niveau_uit, &s->niveau_uit, callcxt);
	s->oin_bekend = oin_bekend(plan_cache.typen[VT_OIN], callcxt);

	/* One tijdstipRegistratie for the whole call. */
	s->registratie = GetCurrentTimestamp();
	s->registratie_json = JsonEncodeDateTime(NULL, TimestampTzGetDatum(s->registratie),
											 TIMESTAMPTZOID, NULL);
	s->basis = vwl_base_url_text(&s->basislen);

	/* Who makes every version of the call. */
	{
		char	   *maker[3];

		vwl_maker(&maker[0], &maker[1], &maker[2]);
		for (int i = 0; i < 3; i++)
			s->maker[i] = maker[i] ? cstring_to_text(maker[i]) : NULL;
	}
}

/* A copy of a varlena of size bytes in cxt. */
static void *
copy_to(MemoryContext cxt, const void *p, Size size)
{
	void	   *kopie = MemoryContextAlloc(cxt, size);

	memcpy(kopie, p, size);
	return kopie;
}

/*
 * Store the n versions of the open writer s: (1) hand out the object ids,
 * building the documents into rsinfo's tuplestore when rsinfo is not NULL,
 * or else into documenten[] (in callcxt) when that is not NULL; (2) insert
 * the version rows; (3) insert the object rows.  Then close the tables.
 * Runs in callcxt; rijcxt is reset for every row.
 */
static void
writer_write(VwlWriter *s, VwlVersion *versies, int n,
				  ReturnSetInfo *rsinfo, Jsonb **documenten,
				  MemoryContext callcxt, MemoryContext rijcxt)
{
	EState	   *estate;

	/* 1. The documents (or only the ids), with the ids handed out, in input order. */
	for (int i = 0; i < n; i++)
	{
		VwlVersion  *v = &versies[i];
		Datum		uit = (Datum) 0;
		bool		isnull = (v->doc == NULL && v->boom == NULL);

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(rijcxt);
		MemoryContextSwitchTo(rijcxt);
		if (rsinfo == NULL && documenten == NULL)
		{
			if (!isnull)
				assign_ids(v, callcxt);
		}
		else if (rsinfo == NULL)
		{
			Jsonb	   *doc = NULL;

			if (!isnull && v->boom != NULL)
			{
				/* the ids, in callcxt: the object rows read them */
				MemoryContextSwitchTo(callcxt);
				doc = build_document_tree(s, v);
				MemoryContextSwitchTo(rijcxt);
			}
			else if (!isnull)
				doc = build_document(s, v, callcxt);
			documenten[i] = doc == NULL ? NULL :
				(Jsonb *) copy_to(callcxt, doc, VARSIZE(doc));
			/* the rows read the document built from the tree */
			if (v->boom != NULL)
				v->doc = documenten[i];
		}
		else
		{
			if (!isnull)
				uit = JsonbPGetDatum(build_document(s, v, callcxt));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &uit, &isnull);
		}
		MemoryContextSwitchTo(callcxt);
	}

	/* The tables, as an INSERT into each would have them. */
	s->queue.cxt = callcxt;
	s->estate = estate = CreateExecutorState();
	estate->es_output_cid = GetCurrentCommandId(true);
	s->versies.rte = rte_for(&s->versies);
	s->objecten.rte = rte_for(&s->objecten);
	ExecInitRangeTable(estate, list_make2(s->versies.rte, s->objecten.rte));
	(void) ExecCheckRTPerms(estate->es_range_table, true);
	start_target(s, &s->versies, 1);
	start_target(s, &s->objecten, 2);
	if (s->meervoud)
	{
		buffer_rows(&s->versies);
		buffer_rows(&s->objecten);
	}

	/* 2. One row per version. */
	insert_begin(s, &s->versies);
	for (int i = 0; i < n; i++)
	{
		VwlRow		rij = {s, &versies[i], NULL, NULL, 0, false};

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(rijcxt);
		ResetPerTupleExprContext(estate);
		MemoryContextSwitchTo(rijcxt);
		if (versies[i].doc != NULL)
			rij.bron = &versies[i].doc->root;
		else
			rij.bron_boom = versies[i].boom;
		fill_row(s, &s->versies, &rij);
		keep_ldv(&s->versies, &versies[i]);
		insert_row(s, &s->versies);
		MemoryContextSwitchTo(callcxt);
	}
	insert_end(s, &s->versies);

	/* 3. One row per object of every new object set. */
	insert_begin(s, &s->objecten);
	for (int i = 0; i < n; i++)
	{
		VwlVersion  *v = &versies[i];
		JsonbContainer *lijst = NULL;
		JsonbValue *boom_lijst = NULL;

		if (!v->nieuwe_objecten || (v->doc == NULL && v->boom == NULL))
			continue;

		/*
		 * No objects: the returned document says null, and a version
		 * without objects is refused, with the error the SQL writer gave.
		 */
		if (v->aantal_ids == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot extract elements from a scalar")));
		if (v->doc != NULL)
			lijst = version_objects(v);
		else
			boom_lijst = version_objects_tree(v);
		for (int j = 0; j < v->aantal_ids; j++)
		{
			VwlRow		rij = {s, v, NULL, NULL, j + 1, false};

			CHECK_FOR_INTERRUPTS();
			MemoryContextReset(rijcxt);
			ResetPerTupleExprContext(estate);
			MemoryContextSwitchTo(rijcxt);
			if (lijst != NULL)
				rij.bron = as_object(getIthJsonbValueFromContainer(lijst, j));
			else if (boom_lijst->val.array.elems[j].type == jbvObject)
				rij.bron_boom = &boom_lijst->val.array.elems[j];
			fill_row(s, &s->objecten, &rij);
			insert_row(s, &s->objecten);
			MemoryContextSwitchTo(callcxt);
		}
	}
	insert_end(s, &s->objecten);

	/* 4. The rows' entries in seal_queue (the queue trigger's work). */
	vwl_queue_write(&s->queue, estate->es_output_cid);

	close_target(&s->versies);
	close_target(&s->objecten);
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);

	/* Later statements of the transaction see the new rows. */
	CommandCounterIncrement();
}

/*
 * The contexts of one call: everything of the call in *callcxt, what one
 * row needs in *rijcxt, reset for every row, so that a batch of thousands
 * does not grow.
 */
static void
make_contexts(MemoryContext *callcxt, MemoryContext *rijcxt)
{
	*callcxt = AllocSetContextCreate(CurrentMemoryContext,
									 "verwerkingenlog writer",
									 ALLOCSET_DEFAULT_SIZES);
	*rijcxt = AllocSetContextCreate(*callcxt,
									"verwerkingenlog writer row",
									ALLOCSET_DEFAULT_SIZES);
}

PG_FUNCTION_INFO_V1(vwl_write_versions);

/*
 * verwerkingenlog._write_versions(acties uuid[], volgnummers integer[],
 * docs jsonb[], niveaus vertrouwelijkheid[], objecten_volgnummers integer[])
 * RETURNS SETOF jsonb: stores one version per array element and returns the
 * stored documents in input order (see the top of this file and
 * 50_verwerkingsactie.sql).
 */
Datum
vwl_write_versions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	VwlWriter s;
	VwlArray	acties,
				volgnummers,
				docs,
				niveaus,
				objecten_volgnummers;
	VwlVersion  *versies;
	int			n;
	MemoryContext callcxt,
				rijcxt,
				oud;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	make_contexts(&callcxt, &rijcxt);
	oud = MemoryContextSwitchTo(callcxt);
	writer_open(&s, callcxt);

	/* The arrays run in parallel; a shorter one is padded with NULLs. */
	read_array(fcinfo, 0, &acties);
	read_array(fcinfo, 1, &volgnummers);
	read_array(fcinfo, 2, &docs);
	read_array(fcinfo, 3, &niveaus);
	read_array(fcinfo, 4, &objecten_volgnummers);
	n = Max(Max(Max(acties.n, volgnummers.n), Max(docs.n, niveaus.n)),
			objecten_volgnummers.n);
	versies = palloc0(Max(n, 1) * sizeof(VwlVersion));
	for (int i = 0; i < n; i++)
	{
		VwlVersion  *v = &versies[i];
		bool		isnull;
		Datum		d;

		v->actie = array_element(&acties, i, &v->actie_null);
		v->volgnummer = array_element(&volgnummers, i, &v->volgnummer_null);
		v->niveau = array_element(&niveaus, i, &v->niveau_null);
		d = array_element(&docs, i, &isnull);
		v->doc = isnull ? NULL : DatumGetJsonbP(d);
		v->objecten_volgnummer = array_element(&objecten_volgnummers, i, &isnull);
		v->nieuwe_objecten = isnull;
		if (isnull)
		{
			v->objecten_volgnummer = v->volgnummer;
			v->objecten_volgnummer_null = v->volgnummer_null;
		}
	}

	writer_write(&s, versies, n, rsinfo, NULL, callcxt, rijcxt);

	MemoryContextSwitchTo(oud);
	MemoryContextDelete(callcxt);
	return (Datum) 0;
}

/* The level a normalised document asks for; NIVEAU_GEEN when absent. */
static Niveau
requested_niveau(Jsonb *doc)
{
	JsonbValue	buf;
	JsonbValue *w = element_value(&doc->root, "vertrouwelijkheid", &buf);

	if (w == NULL || w->type == jbvNull)
		return NIVEAU_GEEN;
	if (w->type == jbvString)
	{
		for (int i = 0; i < NIVEAU_COUNT; i++)
		{
			if (w->val.string.len == (int) strlen(vwl_niveau_namen[i]) &&
				memcmp(w->val.string.val, vwl_niveau_namen[i], w->val.string.len) == 0)
				return (Niveau) i;
		}
	}
	/* the validator lets through only the enum's labels */
	elog(ERROR, "vertrouwelijkheid of a validated document is not a label");
	return NIVEAU_GEEN;			/* keep the compiler quiet */
}

/* The level a normalised document's tree asks for; NIVEAU_GEEN when absent. */
static Niveau
requested_niveau_tree(JsonbValue *boom)
{
	for (int i = 0; i < boom->val.object.nPairs; i++)
	{
		JsonbPair  *p = &boom->val.object.pairs[i];

		if (p->key.val.string.len != strlen("vertrouwelijkheid") ||
			memcmp(p->key.val.string.val, "vertrouwelijkheid", p->key.val.string.len) != 0)
			continue;
		if (p->value.type == jbvNull)
			return NIVEAU_GEEN;
		for (int k = 0; p->value.type == jbvString && k < NIVEAU_COUNT; k++)
		{
			if (p->value.val.string.len == (int) strlen(vwl_niveau_namen[k]) &&
				memcmp(p->value.val.string.val, vwl_niveau_namen[k], p->value.val.string.len) == 0)
				return (Niveau) k;
		}
		/* the validator lets through only the enum's labels */
		elog(ERROR, "vertrouwelijkheid of a validated document is not a label");
	}
	return NIVEAU_GEEN;
}

PG_FUNCTION_INFO_V1(vwl_log_verwerkingsacties);

/*
 * verwerkingenlog.log_verwerkingsacties(acties jsonb) RETURNS SETOF uuid:
 * logs a JSON array of verwerkingsacties, all or nothing, and returns their
 * actieIds in input order.  Without create:normal nothing is looked at;
 * then every problem of every element, with its index (22023); then the
 * rule engine's verdict per element in order (42501); then the writer,
 * without building documents.
 */
Datum
vwl_log_verwerkingsacties(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			scopes = vwl_scopes();
	VwlValidation val;
	VwlWriter s;
	Jsonb	   *invoer = PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0);
	Jsonb	  **docs = NULL;
	JsonbValue **bomen;
	Niveau	   *niveaus;
	VwlVersion  *versies;
	int			n;
	MemoryContext callcxt,
				rijcxt,
				oud;

	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
	(void) vwl_decide_niveau("create", scopes, NIVEAU_GEEN, NIVEAU_NORMAAL);

	make_contexts(&callcxt, &rijcxt);
	oud = MemoryContextSwitchTo(callcxt);

	/*
	 * All or nothing: every problem of every element, with its index.  The
	 * normalised documents as the validator's trees, which the writer reads
	 * as they are; a batch too large for that as datums.
	 */
	vwl_validation_init(&val, false, true);
	bomen = vwl_validate_verwerkingsacties_trees(&val, invoer, &n);
	if (bomen == NULL && val.aantal == 0)
		docs = vwl_validate_verwerkingsacties(&val, invoer, &n);
	if (val.aantal > 0)
		vwl_validation_report(&val, true);

	niveaus = palloc(n * sizeof(Niveau));
	for (int i = 0; i < n; i++)
		niveaus[i] = vwl_decide_niveau("create", scopes, NIVEAU_GEEN,
									   bomen ? requested_niveau_tree(bomen[i]) :
									   requested_niveau(docs[i]));

	writer_open(&s, callcxt);
	s.meervoud = true;
	versies = palloc0(n * sizeof(VwlVersion));
	for (int i = 0; i < n; i++)
	{
		VwlVersion  *v = &versies[i];
		pg_uuid_t  *actie = palloc(sizeof(pg_uuid_t));

		vwl_uuidv7_generate(actie);
		v->actie = UUIDPGetDatum(actie);
		v->volgnummer = Int32GetDatum(1);
		v->niveau = ObjectIdGetDatum(plan_cache.niveaus[niveaus[i]]);
		if (bomen)
			v->boom = bomen[i];
		else
			v->doc = docs[i];
		v->nieuwe_objecten = true;
		v->objecten_volgnummer = v->volgnummer;
	}

	writer_write(&s, versies, n, NULL, NULL, callcxt, rijcxt);

	for (int i = 0; i < n; i++)
	{
		bool		isnull = false;

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 &versies[i].actie, &isnull);
	}

	MemoryContextSwitchTo(oud);
	MemoryContextDelete(callcxt);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(vwl_log_verwerkingsactie);

/*
 * verwerkingenlog.log_verwerkingsactie(actie jsonb) RETURNS jsonb: logs one
 * verwerkingsactie and returns it as stored.  The checks of the batch, in
 * its order: without create:normal nothing is looked at (42501); then every
 * problem of the document (22023); then the rule engine's verdict for the
 * level it asks for; then the writer, which builds the document it returns.
 */
Datum
vwl_log_verwerkingsactie(PG_FUNCTION_ARGS)
{
	int			scopes = vwl_scopes();
	VwlWriter s;
	VwlVersion	versie;
	JsonbValue *boom;
	Jsonb	   *uit;
	Niveau		niveau;
	pg_uuid_t  *actie;
	MemoryContext callcxt,
				rijcxt,
				oud;

	(void) vwl_decide_niveau("create", scopes, NIVEAU_GEEN, NIVEAU_NORMAAL);

	make_contexts(&callcxt, &rijcxt);
	oud = MemoryContextSwitchTo(callcxt);

	boom = vwl_validate_input_tree(PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0), false);
	niveau = vwl_decide_niveau("create", scopes, NIVEAU_GEEN, requested_niveau_tree(boom));

	writer_open(&s, callcxt);
	memset(&versie, 0, sizeof(versie));
	actie = palloc(sizeof(pg_uuid_t));
	vwl_uuidv7_generate(actie);
	versie.actie = UUIDPGetDatum(actie);
	versie.volgnummer = Int32GetDatum(1);
	versie.niveau = ObjectIdGetDatum(plan_cache.niveaus[niveau]);
	versie.boom = boom;
	versie.nieuwe_objecten = true;
	versie.objecten_volgnummer = versie.volgnummer;

	writer_write(&s, &versie, 1, NULL, &uit, callcxt, rijcxt);

	MemoryContextSwitchTo(oud);
	uit = (Jsonb *) copy_to(oud, uit, VARSIZE(uit));
	MemoryContextDelete(callcxt);
	PG_RETURN_JSONB_P(uit);
}
