/*
 * moment.c
 *		The moment type: an ISO 8601 / RFC 3339 date-time with an explicit
 *		offset.  It prints exactly as it was supplied and compares by instant.
 *
 * The one accepted text form (RFC 3339 section 5.6, extended format):
 *
 *		YYYY-MM-DDThh:mm:ss[.f...](Z|+hh:mm|-hh:mm)
 *
 * Choices, each deliberate:
 * - The offset is required: the standard wants it explicit.
 * - 'T' and 'Z' must be upper case.  RFC 3339 allows lower case, but the
 *	 stored value could then not print back exactly as supplied, and no
 *	 producer we know writes it; refusing is the honest option.
 * - No whitespace anywhere, no space instead of 'T', no basic format
 *	 (20240405T143542Z), no offset without colon (+0100) or without minutes.
 * - Year 0000..9999 (four digits, as RFC 3339); the calendar is checked
 *	 (February 30, month 13, hour 24 are refused); second 60 is refused, as
 *	 PostgreSQL's timestamptz cannot hold a leap second.
 * - At most nine fractional digits; the first six make the instant, the
 *	 rest are kept in nanos so that they print back and order correctly.
 * - Offset minutes 00..59 and |offset| <= 18:00 (the range of ISO 8601
 *	 offsets in practice, as java.time.ZoneOffset).  -00:00 is refused: RFC
 *	 3339 gives it the meaning "offset unknown", the opposite of explicit.
 *
 * Equality and order are by instant, then by the digits beyond the
 * microsecond, so '2024-04-05T14:35:42+01:00' = '2024-04-05T13:35:42Z'.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

#include "verwerkingenlog.h"

StaticAssertDecl(sizeof(Moment) == 16, "moment must be 16 bytes");

/* The largest offset accepted, in seconds. */
#define MOMENT_MAX_OFFSET	(18 * SECS_PER_HOUR)

/* What kind of refusal, so the SQL input function can pick its SQLSTATE. */
typedef enum MomentError
{
	MOMENT_GOED,				/* parsed */
	MOMENT_SYNTAX,				/* malformed: 22007 */
	MOMENT_VELD,				/* a field out of range: 22008 */
	MOMENT_OFFSET				/* offset out of range: 22009 */
} MomentError;

#define PG_GETARG_MOMENT_P(n)	((Moment *) PG_GETARG_POINTER(n))
#define PG_RETURN_MOMENT_P(x)	PG_RETURN_POINTER(x)

/* Value of n ASCII digits that the caller has checked. */
static int
digits(const char *s, int n)
{
	int			v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The parser proper.  Never throws; returns what kind of refusal it was.
 */
static MomentError
moment_parse(const char *str, int len, Moment *result, const char **reason)
{
	static const char patroon[] = "dddd-dd-ddTdd:dd:dd";
	const char *p;
	const char *end = str + len;
	int			jaar,
				maand,
				dag,
				uur,
				minuut,
				seconde;
	int64		nanoseconden = 0;
	int			fracdigits = 0;
	int			offset = 0;
	int8		flags = 0;
	int			i;
	int64		dagen;
	TimestampTz instant;

	if (str == NULL || len <= 0)
	{
		*reason = "empty string";
		return MOMENT_SYNTAX;
	}

	/* The fixed part, YYYY-MM-DDThh:mm:ss. */
	for (i = 0; i < 19; i++)
	{
		char		c;

		if (i >= len)
		{
			*reason = (i == 10) ? "time is required" :
				"not a date-time of the form YYYY-MM-DDThh:mm:ss followed by Z, +hh:mm or -hh:mm";
			return MOMENT_SYNTAX;
		}
		c = str[i];
		if (patroon[i] == 'd')
		{
			if (!is_digit(c))
			{
				*reason = "not a date-time of the form YYYY-MM-DDThh:mm:ss followed by Z, +hh:mm or -hh:mm";
				return MOMENT_SYNTAX;
			}
		}
		else if (c != patroon[i])
		{
			if (i == 10 && c == 't')
				*reason = "'T' must be upper case";
			else if (i == 10 && c == ' ')
				*reason = "date and time must be separated by 'T'";
			else
				*reason = "not a date-time of the form YYYY-MM-DDThh:mm:ss followed by Z, +hh:mm or -hh:mm";
			return MOMENT_SYNTAX;
		}
	}
	jaar = digits(str, 4);
	maand = digits(str + 5, 2);
	dag = digits(str + 8, 2);
	uur = digits(str + 11, 2);
	minuut = digits(str + 14, 2);
	seconde = digits(str + 17, 2);
	p = str + 19;

	/* Fraction. */
	if (p < end && (*p == '.' || *p == ','))
	{
		int64		schaal = 100000000;

		if (*p == ',')
		{
			*reason = "decimal separator must be '.'";
			return MOMENT_SYNTAX;
		}
		p++;
		while (p < end && is_digit(*p))
		{
			if (fracdigits == 9)
			{
				*reason = "more than 9 fractional digits";
				return MOMENT_SYNTAX;
			}
			nanoseconden += (*p - '0') * schaal;
			schaal /= 10;
			fracdigits++;
			p++;
		}
		if (fracdigits == 0)
		{
			*reason = "fraction needs at least one digit";
			return MOMENT_SYNTAX;
		}
	}

	/* Offset. */
	if (p == end)
	{
		*reason = "offset is required";
		return MOMENT_SYNTAX;
	}
	if (*p == 'Z')
	{
		flags |= MOMENT_ZULU;
		p++;
	}
	else if (*p == 'z')
	{
		*reason = "'Z' must be upper case";
		return MOMENT_SYNTAX;
	}
	else if (*p == '+' || *p == '-')
	{
		int			oh,
					om;

		if (end - p < 6 || !is_digit(p[1]) || !is_digit(p[2]) ||
			p[3] != ':' || !is_digit(p[4]) || !is_digit(p[5]))
		{
			*reason = "offset must be Z, +hh:mm or -hh:mm";
			return MOMENT_SYNTAX;
		}
		oh = digits(p + 1, 2);
		om = digits(p + 4, 2);
		if (om > 59)
		{
			*reason = "offset minutes out of range";
			return MOMENT_OFFSET;
		}
		offset = oh * SECS_PER_HOUR + om * SECS_PER_MINUTE;
		if (offset > MOMENT_MAX_OFFSET)
		{
			*reason = "offset out of range (at most 18:00)";
			return MOMENT_OFFSET;
		}
		if (*p == '-')
		{
			if (offset == 0)
			{
				*reason = "offset -00:00 (unknown local offset) is not allowed";
				return MOMENT_OFFSET;
			}
			offset = -offset;
		}
		p += 6;
	}
	else
	{
		*reason = "offset must be Z, +hh:mm or -hh:mm";
		return MOMENT_SYNTAX;
	}
	if (p != end)
	{
		*reason = "unexpected characters after the offset";
		return MOMENT_SYNTAX;
	}

	/* The calendar. */
	if (maand < 1 || maand > 12)
	{
		*reason = "month out of range";
		return MOMENT_VELD;
	}
	if (dag < 1 || dag > day_tab[isleap(jaar)][maand - 1])
	{
		*reason = "day out of range for the month";
		return MOMENT_VELD;
	}
	if (uur > 23)
	{
		*reason = "hour out of range";
		return MOMENT_VELD;
	}
	if (minuut > 59)
	{
		*reason = "minute out of range";
		return MOMENT_VELD;
	}
	if (seconde > 59)
	{
		*reason = "second out of range";
		return MOMENT_VELD;
	}

	dagen = date2j(jaar, maand, dag) - POSTGRES_EPOCH_JDATE;
	instant = dagen * USECS_PER_DAY +
		((uur * MINS_PER_HOUR + minuut) * SECS_PER_MINUTE + seconde) * USECS_PER_SEC +
		nanoseconden / 1000 -
		(int64) offset * USECS_PER_SEC;
	if (!IS_VALID_TIMESTAMP(instant))
	{
		*reason = "out of range";
		return MOMENT_VELD;
	}

	memset(result, 0, sizeof(Moment));
	result->instant = instant;
	result->offset = offset;
	result->nanos = (int16) (nanoseconden % 1000);
	result->fracdigits = (int8) fracdigits;
	result->flags = flags;
	return MOMENT_GOED;
}

/*
 * Parse str (len bytes, not necessarily terminated).  Never throws: on
 * failure returns false with a short English reason without period.
 */
bool
vwl_moment_parse(const char *str, int len, Moment *result, const char **reason)
{
	const char *dummy;

	if (reason == NULL)
		reason = &dummy;
	return moment_parse(str, len, result, reason) == MOMENT_GOED;
}

/*
 * Split the local reading (instant plus offset) into days since 2000-01-01
 * and microseconds into the day.
 */
static void
moment_local(const Moment *m, int64 *dagen, int64 *tijd)
{
	int64		lokaal = m->instant + (int64) m->offset * USECS_PER_SEC;

	*dagen = lokaal / USECS_PER_DAY;
	*tijd = lokaal % USECS_PER_DAY;
	if (*tijd < 0)
	{
		*tijd += USECS_PER_DAY;
		(*dagen)--;
	}
}

/*
 * The text form of a moment, palloc'd, exactly as it was supplied.  The
 * caller guarantees a valid moment (in, recv and the casts do).
 */
char *
vwl_moment_format(const Moment *m)
{
	char	   *buf = palloc(40);
	int64		dagen,
				tijd;
	int			jaar,
				maand,
				dag;
	int			uur,
				minuut,
				seconde,
				microseconde;
	int			n;

	moment_local(m, &dagen, &tijd);
	j2date((int) (dagen + POSTGRES_EPOCH_JDATE), &jaar, &maand, &dag);
	uur = (int) (tijd / USECS_PER_HOUR);
	tijd -= uur * USECS_PER_HOUR;
	minuut = (int) (tijd / USECS_PER_MINUTE);
	tijd -= minuut * USECS_PER_MINUTE;
	seconde = (int) (tijd / USECS_PER_SEC);
	microseconde = (int) (tijd - seconde * USECS_PER_SEC);

	n = snprintf(buf, 40, "%04d-%02d-%02dT%02d:%02d:%02d",
				 jaar, maand, dag, uur, minuut, seconde);
	if (m->fracdigits > 0)
	{
		char		frac[16];

		snprintf(frac, sizeof(frac), "%09d",
				 microseconde * 1000 + m->nanos);
		buf[n++] = '.';
		memcpy(buf + n, frac, m->fracdigits);
		n += m->fracdigits;
	}
	if (m->flags & MOMENT_ZULU)
		snprintf(buf + n, 40 - n, "Z");
	else
	{
		int			a = abs(m->offset);

		snprintf(buf + n, 40 - n, "%c%02d:%02d",
				 m->offset < 0 ? '-' : '+',
				 a / SECS_PER_HOUR, (a % SECS_PER_HOUR) / SECS_PER_MINUTE);
	}
	return buf;
}

/*
 * Check a moment that did not come from the parser (binary input).  Checks
 * every field, then requires that printing and parsing it again gives the
 * same bytes, so binary input is exactly as strict as text input.
 */
static bool
moment_valid(const Moment *m, const char **reason)
{
	int64		dagen,
				tijd;
	int64		microseconde;
	int64		eenheid = 1;
	int			i;
	Moment		terug;
	char	   *tekst;
	bool		goed;

	if (m->flags & ~MOMENT_ZULU)
	{
		*reason = "unknown flags";
		return false;
	}
	if ((m->flags & MOMENT_ZULU) && m->offset != 0)
	{
		*reason = "Z with a non-zero offset";
		return false;
	}
	if (m->offset % SECS_PER_MINUTE != 0 ||
		m->offset > MOMENT_MAX_OFFSET || m->offset < -MOMENT_MAX_OFFSET)
	{
		*reason = "offset out of range";
		return false;
	}
	if (m->fracdigits < 0 || m->fracdigits > 9 || m->nanos < 0 || m->nanos > 999)
	{
		*reason = "fraction out of range";
		return false;
	}
	if (!IS_VALID_TIMESTAMP(m->instant))
	{
		*reason = "instant out of range";
		return false;
	}
	/* Digits beyond fracdigits must be zero. */
	microseconde = m->instant % USECS_PER_SEC;
	if (microseconde < 0)
		microseconde += USECS_PER_SEC;
	for (i = m->fracdigits; i < 9; i++)
		eenheid *= 10;
	if ((microseconde * 1000 + m->nanos) % eenheid != 0)
	{
		*reason = "more fractional digits than fracdigits";
		return false;
	}
	/* Year 0000..9999 in the moment's own offset. */
	moment_local(m, &dagen, &tijd);
	if (dagen < date2j(0, 1, 1) - POSTGRES_EPOCH_JDATE ||
		dagen > date2j(9999, 12, 31) - POSTGRES_EPOCH_JDATE)
	{
		*reason = "year out of range 0000..9999";
		return false;
	}

	tekst = vwl_moment_format(m);
	goed = vwl_moment_parse(tekst, strlen(tekst), &terug, reason) &&
		memcmp(&terug, m, sizeof(Moment)) == 0;
	if (!goed)
		*reason = "does not round-trip";
	pfree(tekst);
	return goed;
}

/*
 * Text input.  22007 for malformed text, 22008 for a field out of range,
 * 22009 for an offset out of range.
 */
PG_FUNCTION_INFO_V1(vwl_moment_in);
Datum
vwl_moment_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	Moment	   *result = palloc(sizeof(Moment));
	const char *reason = NULL;

	switch (moment_parse(str, strlen(str), result, &reason))
	{
		case MOMENT_GOED:
			break;
		case MOMENT_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
					 errmsg("invalid input syntax for type moment: \"%s\"", str),
					 errdetail("%s", vwl_zin(reason)),
					 errhint("A moment is written as YYYY-MM-DDThh:mm:ss[.fraction] followed by Z, +hh:mm or -hh:mm, for example 2024-04-05T14:35:42+01:00.")));
			break;
		case MOMENT_VELD:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("date/time field value out of range for type moment: \"%s\"", str),
					 errdetail("%s", vwl_zin(reason))));
			break;
		case MOMENT_OFFSET:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TIME_ZONE_DISPLACEMENT_VALUE),
					 errmsg("time zone displacement out of range for type moment: \"%s\"", str),
					 errdetail("%s", vwl_zin(reason))));
			break;
	}
	PG_RETURN_MOMENT_P(result);
}

/* Text output: exactly as supplied. */
PG_FUNCTION_INFO_V1(vwl_moment_out);
Datum
vwl_moment_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(vwl_moment_format(PG_GETARG_MOMENT_P(0)));
}

/*
 * Binary input: instant (int64), offset (int32), nanos (int16), fracdigits
 * (int8), flags (int8), validated as strictly as text input.
 */
PG_FUNCTION_INFO_V1(vwl_moment_recv);
Datum
vwl_moment_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Moment	   *result = palloc0(sizeof(Moment));
	const char *reason = NULL;

	result->instant = pq_getmsgint64(buf);
	result->offset = (int32) pq_getmsgint(buf, 4);
	result->nanos = (int16) pq_getmsgint(buf, 2);
	result->fracdigits = (int8) pq_getmsgbyte(buf);
	result->flags = (int8) pq_getmsgbyte(buf);

	if (!moment_valid(result, &reason))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type moment"),
				 errdetail("%s", vwl_zin(reason))));
	PG_RETURN_MOMENT_P(result);
}

/* Binary output, the fields in the order recv reads them. */
PG_FUNCTION_INFO_V1(vwl_moment_send);
Datum
vwl_moment_send(PG_FUNCTION_ARGS)
{
	Moment	   *m = PG_GETARG_MOMENT_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, m->instant);
	pq_sendint32(&buf, m->offset);
	pq_sendint16(&buf, m->nanos);
	pq_sendbyte(&buf, (uint8) m->fracdigits);
	pq_sendbyte(&buf, (uint8) m->flags);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Order two moments: by instant, then by the digits beyond microseconds. */
static int
moment_cmp(const Moment *a, const Moment *b)
{
	if (a->instant != b->instant)
		return a->instant < b->instant ? -1 : 1;
	if (a->nanos != b->nanos)
		return a->nanos < b->nanos ? -1 : 1;
	return 0;
}

/* Order a moment against a timestamptz (which has no digits beyond). */
static int
moment_cmp_tstz(const Moment *a, TimestampTz b)
{
	if (a->instant != b)
		return a->instant < b ? -1 : 1;
	return a->nanos > 0 ? 1 : 0;
}

/*
 * The comparison functions behind the operators, for moment op moment,
 * moment op timestamptz and timestamptz op moment.
 */
#define MOMENT_COMPARISON(naam, test) \
PG_FUNCTION_INFO_V1(vwl_moment_##naam); \
Datum \
vwl_moment_##naam(PG_FUNCTION_ARGS) \
{ \
	int			c = moment_cmp(PG_GETARG_MOMENT_P(0), PG_GETARG_MOMENT_P(1)); \
	PG_RETURN_BOOL(test); \
} \
PG_FUNCTION_INFO_V1(vwl_moment_##naam##_timestamptz); \
Datum \
vwl_moment_##naam##_timestamptz(PG_FUNCTION_ARGS) \
{ \
	int			c = moment_cmp_tstz(PG_GETARG_MOMENT_P(0), PG_GETARG_TIMESTAMPTZ(1)); \
	PG_RETURN_BOOL(test); \
} \
PG_FUNCTION_INFO_V1(vwl_timestamptz_##naam##_moment); \
Datum \
vwl_timestamptz_##naam##_moment(PG_FUNCTION_ARGS) \
{ \
	int			c = -moment_cmp_tstz(PG_GETARG_MOMENT_P(1), PG_GETARG_TIMESTAMPTZ(0)); \
	PG_RETURN_BOOL(test); \
}

MOMENT_COMPARISON(eq, c == 0)
MOMENT_COMPARISON(ne, c != 0)
MOMENT_COMPARISON(lt, c < 0)
MOMENT_COMPARISON(le, c <= 0)
MOMENT_COMPARISON(gt, c > 0)
MOMENT_COMPARISON(ge, c >= 0)

/* btree support: three-way comparison of two moments. */
PG_FUNCTION_INFO_V1(vwl_moment_cmp);
Datum
vwl_moment_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(moment_cmp(PG_GETARG_MOMENT_P(0), PG_GETARG_MOMENT_P(1)));
}

/* btree support: moment against timestamptz. */
PG_FUNCTION_INFO_V1(vwl_moment_cmp_timestamptz);
Datum
vwl_moment_cmp_timestamptz(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(moment_cmp_tstz(PG_GETARG_MOMENT_P(0), PG_GETARG_TIMESTAMPTZ(1)));
}

/* btree support: timestamptz against moment. */
PG_FUNCTION_INFO_V1(vwl_timestamptz_cmp_moment);
Datum
vwl_timestamptz_cmp_moment(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(-moment_cmp_tstz(PG_GETARG_MOMENT_P(1), PG_GETARG_TIMESTAMPTZ(0)));
}

/* The earlier of two moments (for min); the first on a tie. */
PG_FUNCTION_INFO_V1(vwl_moment_smaller);
Datum
vwl_moment_smaller(PG_FUNCTION_ARGS)
{
	Moment	   *a = PG_GETARG_MOMENT_P(0);
	Moment	   *b = PG_GETARG_MOMENT_P(1);

	PG_RETURN_MOMENT_P(moment_cmp(a, b) <= 0 ? a : b);
}

/* The later of two moments (for max); the first on a tie. */
PG_FUNCTION_INFO_V1(vwl_moment_larger);
Datum
vwl_moment_larger(PG_FUNCTION_ARGS)
{
	Moment	   *a = PG_GETARG_MOMENT_P(0);
	Moment	   *b = PG_GETARG_MOMENT_P(1);

	PG_RETURN_MOMENT_P(moment_cmp(a, b) >= 0 ? a : b);
}

/*
 * Hash of the instant, whatever the offset.  Without digits beyond the
 * microsecond it equals timestamptz's hash, so the hash family can hold the
 * cross-type equality with timestamptz.
 */
PG_FUNCTION_INFO_V1(vwl_moment_hash);
Datum
vwl_moment_hash(PG_FUNCTION_ARGS)
{
	Moment	   *m = PG_GETARG_MOMENT_P(0);
	uint32		h;

	h = DatumGetUInt32(DirectFunctionCall1(hashint8, Int64GetDatum(m->instant)));
	if (m->nanos != 0)
		h = hash_combine(h, murmurhash32((uint32) m->nanos));
	PG_RETURN_UINT32(h);
}

/* 64-bit seeded hash, the same rule as vwl_moment_hash. */
PG_FUNCTION_INFO_V1(vwl_moment_hash_extended);
Datum
vwl_moment_hash_extended(PG_FUNCTION_ARGS)
{
	Moment	   *m = PG_GETARG_MOMENT_P(0);
	int64		seed = PG_GETARG_INT64(1);
	uint64		h;

	h = DatumGetUInt64(DirectFunctionCall2(hashint8extended,
										   Int64GetDatum(m->instant),
										   Int64GetDatum(seed)));
	if (m->nanos != 0)
		h = hash_combine64(h, (uint64) murmurhash32((uint32) m->nanos));
	PG_RETURN_UINT64(h);
}

/* The instant of a moment; digits beyond the microsecond are dropped. */
PG_FUNCTION_INFO_V1(vwl_moment_to_timestamptz);
Datum
vwl_moment_to_timestamptz(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ(PG_GETARG_MOMENT_P(0)->instant);
}

/*
 * A timestamptz as a moment, written with the offset of the session's
 * TimeZone at that instant (Z when that offset is zero), and only as many
 * fractional digits as needed.  An offset that is not a whole number of
 * minutes (local mean time before 1937 in Europe/Amsterdam, say) or beyond
 * 18:00 is written as Z instead.  Infinity and instants whose local year
 * falls outside 0000..9999 are refused.
 */
PG_FUNCTION_INFO_V1(vwl_timestamptz_to_moment);
Datum
vwl_timestamptz_to_moment(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(0);
	Moment	   *result = palloc0(sizeof(Moment));
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	int			offset;
	int64		dagen,
				tijd;
	int			microseconde;
	int			digits;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		timestamp2tm(ts, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for type moment")));

	/* timestamp2tm gives seconds west of UTC; a moment keeps seconds east. */
	offset = -tz;
	if (offset % SECS_PER_MINUTE != 0 ||
		offset > MOMENT_MAX_OFFSET || offset < -MOMENT_MAX_OFFSET)
		offset = 0;
	result->instant = ts;
	result->offset = offset;
	result->flags = (offset == 0) ? MOMENT_ZULU : 0;

	microseconde = (int) (ts % USECS_PER_SEC);
	if (microseconde < 0)
		microseconde += USECS_PER_SEC;
	digits = 6;
	if (microseconde == 0)
		digits = 0;
	else
		while (microseconde % 10 == 0)
		{
			microseconde /= 10;
			digits--;
		}
	result->fracdigits = (int8) digits;

	moment_local(result, &dagen, &tijd);
	if (dagen < date2j(0, 1, 1) - POSTGRES_EPOCH_JDATE ||
		dagen > date2j(9999, 12, 31) - POSTGRES_EPOCH_JDATE)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for type moment"),
				 errdetail("A moment has a four-digit year, 0000 to 9999.")));
	PG_RETURN_MOMENT_P(result);
}
