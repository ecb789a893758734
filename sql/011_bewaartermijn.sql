-- bewaartermijn: a strict ISO 8601 duration.
SET search_path = verwerkingenlog, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';
SET IntervalStyle = 'iso_8601';

-- A helper that shows the result of an input, or its SQLSTATE, message and detail.

-- Valid forms: the output is the canonical form of the components written.
SELECT v AS invoer, v::bewaartermijn AS bewaartermijn, v::bewaartermijn::interval AS "interval"
  FROM (VALUES
    ('P10Y'),
    ('P3Y6M4DT12H30M5S'),
    ('P2W'),
    ('P4Y'),
    ('P18M'),
    ('P1D'),
    ('P1Y1D'),
    ('P1MT1M'),
    ('PT36H'),
    ('PT90M'),
    ('PT5S'),
    ('PT1.5S'),
    ('PT1.50S'),
    ('PT0.000001S'),
    ('P1DT0.5S'),
    ('P0D'),
    ('PT0S'),
    ('P010Y'),
    ('P0000000000000000000001Y'),
    ('P2147483647D'),
    ('P178956970Y7M'),
    ('P306783378W'),
    ('PT2147483647H'),
    ('PT9223372036854S'),
    ('PT9223372036854.775807S')
  ) AS t(v);

-- Every refusal: SQLSTATE 22007, as for interval.
SELECT v AS invoer, regress.invoer('bewaartermijn', v) AS resultaat
  FROM (VALUES
    (''),
    (' '),
    ('P'),
    ('PT'),
    ('P1YT'),
    ('10 years'),
    ('1Y'),
    ('-P1Y'),
    ('+P1Y'),
    ('P-1Y'),
    ('P+1Y'),
    ('p1y'),
    ('P1y'),
    ('Pt1H'),
    (' P1Y'),
    ('P1Y '),
    ('P1Y 2M'),
    ('PY'),
    ('P1'),
    ('P1Y2'),
    ('P1H'),
    ('PT1D'),
    ('PT1Y'),
    ('P1M1Y'),
    ('P1Y1Y'),
    ('PT1S1M'),
    ('P1DT1H1H'),
    ('P1YTT1H'),
    ('PT1HT1M'),
    ('P1W2D'),
    ('P1Y2W'),
    ('P1WT1H'),
    ('P1.5Y'),
    ('PT1.5M'),
    ('PT1.5H1M'),
    ('PT1,5S'),
    ('PT1.S'),
    ('PT.5S'),
    ('PT1.1234567S'),
    ('P1X'),
    ('P2147483648D'),
    ('P99999999999999999999Y'),
    ('P178956970Y8M'),
    ('P306783379W'),
    ('P1Y2147483647M'),
    ('P2147483647DT0S1S'),
    ('P306783378W1D'),
    ('PT2562047789H'),
    ('PT9223372036855S'),
    ('PT2147483647H2147483647M9223372036854S'),
    ('PT2147483648H'),
    ('PT9223372036854.775808S'),
    ('P1Y2M3DT4H5M6.7S8')
  ) AS t(v);

-- The message the way PostgreSQL shows it.
SELECT 'P'::bewaartermijn;
SELECT '10 years'::bewaartermijn;

-- Equality is of the written duration; the interval compares lengths.
SELECT 'P2W'::bewaartermijn = 'P2W'::bewaartermijn AS zelfde,
       'P2W'::bewaartermijn = 'P14D'::bewaartermijn AS weken_dagen,
       'P2W'::bewaartermijn <> 'P14D'::bewaartermijn AS ongelijk,
       'P2W'::bewaartermijn::interval = 'P14D'::bewaartermijn::interval AS zelfde_lengte,
       'P1Y'::bewaartermijn = 'P01Y'::bewaartermijn AS voorloopnul,
       'PT1.5S'::bewaartermijn = 'PT1.50S'::bewaartermijn AS fractiecijfers;

-- Hashing: DISTINCT and GROUP BY.
CREATE TABLE termijnen (b bewaartermijn);
INSERT INTO termijnen VALUES ('P10Y'), ('P010Y'), ('P2W'), ('P14D'), ('P2W'), (NULL);
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT b, count(*) FROM termijnen GROUP BY b;
SELECT b, count(*) FROM termijnen GROUP BY b ORDER BY b::text;
EXPLAIN (COSTS OFF) SELECT DISTINCT b FROM termijnen;
RESET enable_sort;
SELECT count(DISTINCT b) FROM termijnen;
-- Order: by length, then by the written components.
SELECT b FROM termijnen ORDER BY b;
SELECT 'P1Y'::bewaartermijn < 'P2Y'::bewaartermijn AS jaar_korter,
       'P11M'::bewaartermijn < 'P1Y'::bewaartermijn AS maanden_korter,
       'P12M'::bewaartermijn < 'P1Y'::bewaartermijn AS gelijke_lengte,
       'PT25H'::bewaartermijn > 'P1D'::bewaartermijn AS uren_langer,
       'P1Y'::bewaartermijn <= 'P1Y'::bewaartermijn AS zelfde,
       'P1Y'::bewaartermijn >= 'P01Y'::bewaartermijn AS voorloopnul;

-- The cast to interval is assignment, not implicit.
CREATE TABLE intervallen (i interval);
INSERT INTO intervallen VALUES ('P3Y6M4DT12H30M5S'::bewaartermijn);
SELECT i FROM intervallen;
SELECT now() + 'P1Y'::bewaartermijn;

-- When a retention ends: the duration added in the moment's own offset.
SELECT m AS moment, b AS bewaartermijn, m + b AS einde, einde_bewaartermijn(m, b) = m + b AS zelfde
  FROM (VALUES
    ('2024-04-05T14:35:42+01:00'::moment, 'P10Y'::bewaartermijn),
    ('2024-04-05T14:35:42+01:00', 'P3Y6M4DT12H30M5S'),
    ('2024-04-05T14:35:42.123456789Z', 'PT0.5S'),
    ('2024-02-29T12:00:00Z', 'P1Y'),
    ('2024-02-29T12:00:00Z', 'P4Y'),
    ('2024-01-31T00:30:00+01:00', 'P1M'),
    ('2024-01-30T23:30:00Z', 'P1M'),
    ('2024-03-30T12:00:00+01:00', 'P1D'),
    ('2024-03-30T12:00:00+01:00', 'PT24H'),
    ('2024-04-05T14:35:42-05:00', 'P2W')
  ) AS t(m, b);
-- The session TimeZone does not matter (the function is immutable).
SET TimeZone = 'Europe/Amsterdam';
SELECT ('2024-03-30T12:00:00+01:00'::moment + 'P1D'::bewaartermijn)::moment AS einde;
SET TimeZone = 'UTC';
SELECT '9999-12-31T00:00:00Z'::moment + 'P300000Y'::bewaartermijn;
SELECT provolatile, proisstrict, proparallel FROM pg_proc
 WHERE oid = 'verwerkingenlog.einde_bewaartermijn(verwerkingenlog.moment, verwerkingenlog.bewaartermijn)'::regprocedure;

-- Binary send/recv.  The helper feeds bytes to a type's receive function
-- through COPY FROM PROGRAM in binary format (no files left behind).

SELECT bewaartermijn_send('P3Y6M4DT12H30M5.25S');
SELECT v, regress.recv('bewaartermijn', bewaartermijn_send(v::bewaartermijn)) AS terug
  FROM (VALUES ('P10Y'), ('P3Y6M4DT12H30M5.25S'), ('P2W'), ('PT1.50S'), ('P0D')) AS t(v);

-- Binary input is checked as strictly as text input.  The bytes: years
-- (1-4), months (5-8), weeks (9-12), days (13-16), hours (17-20), minutes
-- (21-24), microseconds (25-32), components (33-36), fraction digits (37-40).
SELECT w AS wijziging, regress.recv('bewaartermijn', b) AS resultaat
  FROM (VALUES
    ('ongewijzigd', bewaartermijn_send('P1Y')),
    ('negatief', overlay(bewaartermijn_send('P1Y') PLACING int4send(-1) FROM 1)),
    ('niet aanwezig', overlay(bewaartermijn_send('P1Y') PLACING int4send(2) FROM 5)),
    ('geen componenten', overlay(bewaartermijn_send('P1Y') PLACING int4send(0) FROM 33)),
    ('onbekende component', overlay(bewaartermijn_send('P1Y') PLACING int4send(129) FROM 33)),
    ('weken en jaren', overlay(bewaartermijn_send('P1Y') PLACING int4send(5) FROM 33)),
    ('fractie zonder seconden', overlay(bewaartermijn_send('P1Y') PLACING int4send(1) FROM 37)),
    ('fractiecijfers 7', overlay(bewaartermijn_send('PT1S') PLACING int4send(7) FROM 37)),
    ('meer cijfers dan fractie', overlay(bewaartermijn_send('PT1.5S') PLACING int8send(1250000) FROM 25)),
    ('negatieve seconden', overlay(bewaartermijn_send('PT1S') PLACING int8send(-1000000) FROM 25)),
    ('te lang als interval', overlay(bewaartermijn_send('P1Y1M') PLACING int4send(2147483647) FROM 1)),
    ('te kort', substr(bewaartermijn_send('P1Y'), 1, 39))
  ) AS t(w, b);
