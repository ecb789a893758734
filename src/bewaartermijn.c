/*
 * bewaartermijn.c
 *		The bewaartermijn type: a retention period written as a strict
 *		ISO 8601 duration, and the moment a retention ends.
 *
 * Accepted text:
 *
 *		P[nY][nM][nD][T[nH][nM][n[.f]S]]	at least one component
 *		PnW									weeks, alone
 *
 * Choices, each deliberate:
 * - Weeks stand alone (ISO 8601-1 and RFC 3339 appendix A, the grammar
 *	 behind JSON Schema's "duration" format); P1W2D is refused.
 * - Components in order, each at most once; any of them may be left out
 *	 (P1Y1D is fine).  'T' must be followed by a time component (P1YT is
 *	 refused), and at least one component is required (P and PT are refused).
 * - Only the seconds may have a fraction, '.' as separator, at most six
 *	 digits (a microsecond, as interval).  PT1,5S and P1.5Y are refused.
 * - Upper case only, no sign (durations are never negative), no whitespace.
 * - Every number fits in 32 bits (seconds in 64 bits of microseconds), and
 *	 the whole must fit in an interval; otherwise "duration out of range".
 * - Output is the canonical form of the components as written: leading
 *	 zeros go, the components and the fraction digits stay (P2W stays P2W,
 *	 PT1.50S stays PT1.50S, P0D stays P0D).
 * - Equality is of the written duration: P2W <> P14D.  Order is by length
 *	 (a month counted as 30 days, as interval orders), ties broken by the
 *	 written components, so P14D < P2W although both last two weeks.  Cast
 *	 to interval to compare lengths only.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "verwerkingenlog.h"

StaticAssertDecl(sizeof(Bewaartermijn) == 40,
				 "bewaartermijn must be 40 bytes without padding");

#define PG_GETARG_BEWAARTERMIJN_P(n)	((Bewaartermijn *) PG_GETARG_POINTER(n))
#define PG_GETARG_MOMENT_P(n)			((Moment *) PG_GETARG_POINTER(n))

#define BT_ALL		(BT_JAREN | BT_MAANDEN | BT_WEKEN | BT_DAGEN | \
					 BT_UREN | BT_MINUTEN | BT_SECONDEN)

/*
 * The total length as interval fields; false when it does not fit.
 */
static bool
bt_interval_fields(const Bewaartermijn *b, int32 *month, int32 *day, int64 *time)
{
	int64		m = (int64) b->jaren * MONTHS_PER_YEAR + b->maanden;
	int64		d = (int64) b->weken * 7 + b->dagen;
	int64		t;

	if (m > PG_INT32_MAX || d > PG_INT32_MAX)
		return false;
	if (pg_mul_s64_overflow((int64) b->uren, USECS_PER_HOUR, &t) ||
		pg_add_s64_overflow(t, (int64) b->minuten * USECS_PER_MINUTE, &t) ||
		pg_add_s64_overflow(t, b->microseconden, &t))
		return false;
	*month = (int32) m;
	*day = (int32) d;
	*time = t;
	return true;
}

/*
 * Parse str (len bytes, not necessarily terminated).  Never throws: on
 * failure returns false with a short English reason without period.
 */
bool
vwl_bewaartermijn_parse(const char *str, int len, Bewaartermijn *result,
						const char **reason)
{
	const char *p = str;
	const char *end = str + len;
	bool		tijd = false;	/* after 'T' */
	bool		tijdcomponent = false;
	int			vorige = 0;		/* bit of the previous component */
	const char *dummy;

	if (reason == NULL)
		reason = &dummy;
	if (str == NULL || len <= 0)
	{
		*reason = "empty string";
		return false;
	}
	memset(result, 0, sizeof(Bewaartermijn));

	if (*p != 'P')
	{
		if (*p == 'p')
			*reason = "'P' must be upper case";
		else if (*p == '-' || *p == '+')
			*reason = "a duration has no sign";
		else
			*reason = "not an ISO 8601 duration";
		return false;
	}
	p++;
	if (p == end)
	{
		*reason = "a duration needs at least one component";
		return false;
	}

	while (p < end)
	{
		int64		waarde = 0;
		int64		fractie = 0;
		int			fracdigits = 0;
		bool		heeft_fractie = false;
		const char *begin;
		int			bit;

		if (*p == 'T')
		{
			if (tijd)
			{
				*reason = "'T' may appear only once";
				return false;
			}
			tijd = true;
			p++;
			continue;
		}
		if (*p == 't')
		{
			*reason = "'T' must be upper case";
			return false;
		}
		if (*p == '-' || *p == '+')
		{
			*reason = "a duration has no sign";
			return false;
		}

		/* The number. */
		begin = p;
		while (p < end && *p >= '0' && *p <= '9')
		{
			if (pg_mul_s64_overflow(waarde, 10, &waarde) ||
				pg_add_s64_overflow(waarde, *p - '0', &waarde))
			{
				*reason = "number too large";
				return false;
			}
			p++;
		}
		if (p == begin)
		{
			*reason = "not an ISO 8601 duration";
			return false;
		}
		if (p < end && (*p == '.' || *p == ','))
		{
			int64		schaal = 100000;

			if (*p == ',')
			{
				*reason = "decimal separator must be '.'";
				return false;
			}
			heeft_fractie = true;
			p++;
			while (p < end && *p >= '0' && *p <= '9')
			{
				if (fracdigits == 6)
				{
					*reason = "more than 6 fractional digits";
					return false;
				}
				fractie += (*p - '0') * schaal;
				schaal /= 10;
				fracdigits++;
				p++;
			}
			if (fracdigits == 0)
			{
				*reason = "fraction needs at least one digit";
				return false;
			}
		}
		if (p == end)
		{
			*reason = "number without a designator";
			return false;
		}

		/* The designator. */
		switch (*p)
		{
			case 'Y':
				bit = tijd ? 0 : BT_JAREN;
				break;
			case 'M':
				bit = tijd ? BT_MINUTEN : BT_MAANDEN;
				break;
			case 'W':
				bit = tijd ? 0 : BT_WEKEN;
				break;
			case 'D':
				bit = tijd ? 0 : BT_DAGEN;
				break;
			case 'H':
				bit = tijd ? BT_UREN : -1;
				break;
			case 'S':
				bit = tijd ? BT_SECONDEN : -1;
				break;
			case 'y':
			case 'm':
			case 'w':
			case 'd':
			case 'h':
			case 's':
				*reason = "designators must be upper case";
				return false;
			default:
				*reason = "not an ISO 8601 duration";
				return false;
		}
		if (bit == 0)
		{
			*reason = "date components must come before 'T'";
			return false;
		}
		if (bit == -1)
		{
			*reason = "time components must come after 'T'";
			return false;
		}
		p++;
		if (bit <= vorige)
		{
			*reason = "components out of order or repeated";
			return false;
		}
		vorige = bit;
		if (tijd)
			tijdcomponent = true;

		if (heeft_fractie && bit != BT_SECONDEN)
		{
			*reason = "only seconds may have a fraction";
			return false;
		}
		if (bit != BT_SECONDEN && waarde > PG_INT32_MAX)
		{
			*reason = "number too large";
			return false;
		}
		result->aanwezig |= bit;
		switch (bit)
		{
			case BT_JAREN:
				result->jaren = (int32) waarde;
				break;
			case BT_MAANDEN:
				result->maanden = (int32) waarde;
				break;
			case BT_WEKEN:
				result->weken = (int32) waarde;
				break;
			case BT_DAGEN:
				result->dagen = (int32) waarde;
				break;
			case BT_UREN:
				result->uren = (int32) waarde;
				break;
			case BT_MINUTEN:
				result->minuten = (int32) waarde;
				break;
			case BT_SECONDEN:
				if (pg_mul_s64_overflow(waarde, USECS_PER_SEC, &waarde) ||
					pg_add_s64_overflow(waarde, fractie, &waarde))
				{
					*reason = "number too large";
					return false;
				}
				result->microseconden = waarde;
				result->fracdigits = fracdigits;
				break;
		}
	}

	if (tijd && !tijdcomponent)
	{
		*reason = "'T' must be followed by a time component";
		return false;
	}
	if (result->aanwezig == 0)
	{
		*reason = "a duration needs at least one component";
		return false;
	}
	if ((result->aanwezig & BT_WEKEN) && result->aanwezig != BT_WEKEN)
	{
		*reason = "weeks cannot be combined with other components";
		return false;
	}
	{
		int32		month,
					day;
		int64		time;

		if (!bt_interval_fields(result, &month, &day, &time))
		{
			*reason = "duration out of range";
			return false;
		}
	}
	return true;
}

/* The canonical text of a bewaartermijn, palloc'd. */
char *
vwl_bewaartermijn_format(const Bewaartermijn *b)
{
	StringInfoData s;

	initStringInfo(&s);
	appendStringInfoChar(&s, 'P');
	if (b->aanwezig & BT_JAREN)
		appendStringInfo(&s, "%dY", b->jaren);
	if (b->aanwezig & BT_MAANDEN)
		appendStringInfo(&s, "%dM", b->maanden);
	if (b->aanwezig & BT_WEKEN)
		appendStringInfo(&s, "%dW", b->weken);
	if (b->aanwezig & BT_DAGEN)
		appendStringInfo(&s, "%dD", b->dagen);
	if (b->aanwezig & (BT_UREN | BT_MINUTEN | BT_SECONDEN))
	{
		appendStringInfoChar(&s, 'T');
		if (b->aanwezig & BT_UREN)
			appendStringInfo(&s, "%dH", b->uren);
		if (b->aanwezig & BT_MINUTEN)
			appendStringInfo(&s, "%dM", b->minuten);
		if (b->aanwezig & BT_SECONDEN)
		{
			appendStringInfo(&s, INT64_FORMAT, b->microseconden / USECS_PER_SEC);
			if (b->fracdigits > 0)
			{
				char		frac[16];

				snprintf(frac, sizeof(frac), "%06d",
						 (int) (b->microseconden % USECS_PER_SEC));
				appendStringInfoChar(&s, '.');
				appendBinaryStringInfo(&s, frac, Min(b->fracdigits, 6));
			}
			appendStringInfoChar(&s, 'S');
		}
	}
	return s.data;
}

/*
 * The duration as an interval: years and months in months, weeks and days
 * in days, the rest in microseconds.  The parser guarantees that it fits.
 */
Interval *
vwl_bewaartermijn_interval(const Bewaartermijn *b)
{
	Interval   *result = palloc0(sizeof(Interval));

	if (!bt_interval_fields(b, &result->month, &result->day, &result->time))
		ereport(ERROR,
				(errcode(ERRCODE_INTERVAL_FIELD_OVERFLOW),
				 errmsg("bewaartermijn out of range for type interval")));
	return result;
}

/* Text input; every refusal is 22007, as for interval. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_in);
Datum
vwl_bewaartermijn_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Bewaartermijn *result = palloc0(sizeof(Bewaartermijn));
	const char *reason = NULL;

	if (!vwl_bewaartermijn_parse(str, strlen(str), result, &reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
				 errmsg("invalid input syntax for type bewaartermijn: \"%s\"", str),
				 errdetail("%s", vwl_zin(reason)),
				 errhint("A bewaartermijn is an ISO 8601 duration such as P10Y, P3Y6M4DT12H30M5S or P2W.")));
	PG_RETURN_POINTER(result);
}

/* Text output, canonical ISO 8601. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_out);
Datum
vwl_bewaartermijn_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(vwl_bewaartermijn_format(PG_GETARG_BEWAARTERMIJN_P(0)));
}

/*
 * Binary input: the nine fields in declaration order, validated as
 * strictly as text input (the value must print and parse back to itself).
 */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_recv);
Datum
vwl_bewaartermijn_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Bewaartermijn *result = palloc0(sizeof(Bewaartermijn));
	Bewaartermijn terug;
	const char *reason = NULL;
	char	   *tekst;

	result->jaren = (int32) pq_getmsgint(buf, 4);
	result->maanden = (int32) pq_getmsgint(buf, 4);
	result->weken = (int32) pq_getmsgint(buf, 4);
	result->dagen = (int32) pq_getmsgint(buf, 4);
	result->uren = (int32) pq_getmsgint(buf, 4);
	result->minuten = (int32) pq_getmsgint(buf, 4);
	result->microseconden = pq_getmsgint64(buf);
	result->aanwezig = (int32) pq_getmsgint(buf, 4);
	result->fracdigits = (int32) pq_getmsgint(buf, 4);

	if ((result->aanwezig & ~BT_ALL) != 0 ||
		result->fracdigits < 0 || result->fracdigits > 6)
		reason = "unknown components or fraction";
	else
	{
		/* The parser sets reason only when it refuses. */
		tekst = vwl_bewaartermijn_format(result);
		if (vwl_bewaartermijn_parse(tekst, strlen(tekst), &terug, &reason) &&
			memcmp(&terug, result, sizeof(Bewaartermijn)) != 0)
			reason = "does not round-trip";
		pfree(tekst);
	}
	if (reason != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type bewaartermijn"),
				 errdetail("%s", vwl_zin(reason))));
	PG_RETURN_POINTER(result);
}

/* Binary output, the fields in declaration order. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_send);
Datum
vwl_bewaartermijn_send(PG_FUNCTION_ARGS)
{
	Bewaartermijn *b = PG_GETARG_BEWAARTERMIJN_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, b->jaren);
	pq_sendint32(&buf, b->maanden);
	pq_sendint32(&buf, b->weken);
	pq_sendint32(&buf, b->dagen);
	pq_sendint32(&buf, b->uren);
	pq_sendint32(&buf, b->minuten);
	pq_sendint64(&buf, b->microseconden);
	pq_sendint32(&buf, b->aanwezig);
	pq_sendint32(&buf, b->fracdigits);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Same written duration: every field equal. */
static bool
bt_equal(const Bewaartermijn *a, const Bewaartermijn *b)
{
	return a->jaren == b->jaren && a->maanden == b->maanden &&
		a->weken == b->weken && a->dagen == b->dagen &&
		a->uren == b->uren && a->minuten == b->minuten &&
		a->microseconden == b->microseconden &&
		a->aanwezig == b->aanwezig && a->fracdigits == b->fracdigits;
}

/* = : the same written duration. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_eq);
Datum
vwl_bewaartermijn_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bt_equal(PG_GETARG_BEWAARTERMIJN_P(0),
							 PG_GETARG_BEWAARTERMIJN_P(1)));
}

/* <> : not the same written duration. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_ne);
Datum
vwl_bewaartermijn_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!bt_equal(PG_GETARG_BEWAARTERMIJN_P(0),
							  PG_GETARG_BEWAARTERMIJN_P(1)));
}

/*
 * Order: by length (as interval_cmp orders intervals: a month is 30 days),
 * then by the written components, so that only identical written durations
 * compare equal, consistent with =.
 */
static int
bt_cmp(const Bewaartermijn *a, const Bewaartermijn *b)
{
	int			c;

	c = DatumGetInt32(DirectFunctionCall2(interval_cmp,
										  IntervalPGetDatum(vwl_bewaartermijn_interval(a)),
										  IntervalPGetDatum(vwl_bewaartermijn_interval(b))));
	if (c != 0)
		return c;
#define BT_COMPARE(veld) \
	if (a->veld != b->veld) \
		return a->veld < b->veld ? -1 : 1
	BT_COMPARE(jaren);
	BT_COMPARE(maanden);
	BT_COMPARE(weken);
	BT_COMPARE(dagen);
	BT_COMPARE(uren);
	BT_COMPARE(minuten);
	BT_COMPARE(microseconden);
	BT_COMPARE(aanwezig);
	BT_COMPARE(fracdigits);
#undef BT_COMPARE
	return 0;
}

/* btree support: three-way comparison. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_cmp);
Datum
vwl_bewaartermijn_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(bt_cmp(PG_GETARG_BEWAARTERMIJN_P(0),
						   PG_GETARG_BEWAARTERMIJN_P(1)));
}

/* < : shorter, or as long but written differently (see bt_cmp). */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_lt);
Datum
vwl_bewaartermijn_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bt_cmp(PG_GETARG_BEWAARTERMIJN_P(0),
						  PG_GETARG_BEWAARTERMIJN_P(1)) < 0);
}

/* <= */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_le);
Datum
vwl_bewaartermijn_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bt_cmp(PG_GETARG_BEWAARTERMIJN_P(0),
						  PG_GETARG_BEWAARTERMIJN_P(1)) <= 0);
}

/* > */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_gt);
Datum
vwl_bewaartermijn_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bt_cmp(PG_GETARG_BEWAARTERMIJN_P(0),
						  PG_GETARG_BEWAARTERMIJN_P(1)) > 0);
}

/* >= */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_ge);
Datum
vwl_bewaartermijn_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bt_cmp(PG_GETARG_BEWAARTERMIJN_P(0),
						  PG_GETARG_BEWAARTERMIJN_P(1)) >= 0);
}

/* Hash of all fields (the struct has no padding), consistent with =. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_hash);
Datum
vwl_bewaartermijn_hash(PG_FUNCTION_ARGS)
{
	Bewaartermijn *b = PG_GETARG_BEWAARTERMIJN_P(0);

	return hash_any((const unsigned char *) b, sizeof(Bewaartermijn));
}

/* 64-bit seeded hash of all fields. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_hash_extended);
Datum
vwl_bewaartermijn_hash_extended(PG_FUNCTION_ARGS)
{
	Bewaartermijn *b = PG_GETARG_BEWAARTERMIJN_P(0);

	return hash_any_extended((const unsigned char *) b, sizeof(Bewaartermijn),
							 PG_GETARG_INT64(1));
}

/* Cast bewaartermijn to interval. */
PG_FUNCTION_INFO_V1(vwl_bewaartermijn_to_interval);
Datum
vwl_bewaartermijn_to_interval(PG_FUNCTION_ARGS)
{
	PG_RETURN_INTERVAL_P(vwl_bewaartermijn_interval(PG_GETARG_BEWAARTERMIJN_P(0)));
}

/*
 * When a retention that starts at a moment ends.  The duration is added to
 * the local date and time as written, in the moment's own offset (calendar
 * months and years as timestamp + interval does, a day is always 24 hours
 * as the offset is fixed), and the result is that local reading's instant.
 * So 2024-01-31T00:30:00+01:00 + P1M ends at 2024-02-29T00:30:00+01:00,
 * whatever the session's TimeZone: the function is immutable.
 */
PG_FUNCTION_INFO_V1(vwl_einde_bewaartermijn);
Datum
vwl_einde_bewaartermijn(PG_FUNCTION_ARGS)
{
	Moment	   *m = PG_GETARG_MOMENT_P(0);
	Bewaartermijn *b = PG_GETARG_BEWAARTERMIJN_P(1);
	int64		verschuiving = (int64) m->offset * USECS_PER_SEC;
	Timestamp	lokaal = m->instant + verschuiving;
	Timestamp	einde;
	TimestampTz result;

	einde = DatumGetTimestamp(DirectFunctionCall2(timestamp_pl_interval,
												  TimestampGetDatum(lokaal),
												  IntervalPGetDatum(vwl_bewaartermijn_interval(b))));
	result = einde - verschuiving;
	if (!IS_VALID_TIMESTAMP(result))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	PG_RETURN_TIMESTAMPTZ(result);
}
