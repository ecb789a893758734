-- moment: an ISO 8601 date-time with explicit offset, printed as supplied,
-- compared by instant.
SET search_path = verwerkingenlog, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';

-- A helper that shows the result of an input, or its SQLSTATE, message and detail.

-- Round trips: offset and fractional digits exactly as supplied.
SELECT v AS invoer, v::moment AS moment, v::moment::text = v AS gelijk
  FROM (VALUES
    ('2024-04-05T14:35:42+01:00'),
    ('2024-04-05T13:35:42Z'),
    ('2024-04-05T13:35:42+00:00'),
    ('2024-04-05T08:35:42-05:00'),
    ('2024-04-05T19:05:42+05:30'),
    ('2024-04-05T13:35:42.1Z'),
    ('2024-04-05T13:35:42.100Z'),
    ('2024-04-05T13:35:42.000+02:00'),
    ('2024-04-05T13:35:42.123456Z'),
    ('2024-04-05T13:35:42.123456789-09:30'),
    ('2024-04-05T13:35:42.000000001Z'),
    ('2024-02-29T23:59:59.999999999+18:00'),
    ('2023-12-31T00:00:00-18:00'),
    ('0000-01-01T00:00:00Z'),
    ('0001-01-01T00:00:00+14:00'),
    ('1969-12-31T23:59:59.5Z'),
    ('1999-12-31T23:59:59.999999-00:01'),
    ('9999-12-31T23:59:59.999999999-18:00')
  ) AS t(v);

-- Every refusal, with its SQLSTATE: 22007 malformed, 22008 field out of
-- range, 22009 offset out of range.
SELECT v AS invoer, regress.invoer('moment', v) AS resultaat
  FROM (VALUES
    (''),
    (' '),
    ('x'),
    ('2024-04-05'),
    ('2024-04-05T14:35:42'),
    ('2024-04-05T14:35'),
    ('2024-04-05 14:35:42Z'),
    ('2024-04-05t14:35:42Z'),
    ('2024-04-05T14:35:42z'),
    ('20240405T143542Z'),
    ('2024-4-5T14:35:42Z'),
    ('+2024-04-05T14:35:42Z'),
    ('12024-04-05T14:35:42Z'),
    ('2024-04-05T14:35:42+0100'),
    ('2024-04-05T14:35:42+01'),
    ('2024-04-05T14:35:42+1:00'),
    ('2024-04-05T14:35:42 +01:00'),
    ('2024-04-05T14:35:42Z '),
    (' 2024-04-05T14:35:42Z'),
    ('2024-04-05T14:35:42ZZ'),
    ('2024-04-05T14:35:42+01:00:00'),
    ('2024-04-05T14:35:42UTC'),
    ('2024-04-05T14:35:42.Z'),
    ('2024-04-05T14:35:42,5Z'),
    ('2024-04-05T14:35:42.1234567890Z'),
    ('2024-04-05T14:35:42.12a3Z'),
    ('2024-13-05T14:35:42Z'),
    ('2024-00-05T14:35:42Z'),
    ('2024-04-00T14:35:42Z'),
    ('2024-02-30T14:35:42Z'),
    ('2023-02-29T14:35:42Z'),
    ('1900-02-29T14:35:42Z'),
    ('2024-04-31T14:35:42Z'),
    ('2024-04-05T24:00:00Z'),
    ('2024-04-05T14:60:42Z'),
    ('2024-12-31T23:59:60Z'),
    ('2024-04-05T14:35:42+18:01'),
    ('2024-04-05T14:35:42+19:00'),
    ('2024-04-05T14:35:42-99:00'),
    ('2024-04-05T14:35:42+01:60'),
    ('2024-04-05T14:35:42-00:00')
  ) AS t(v);

-- The message the way PostgreSQL shows it.
SELECT '2024-04-05T14:35:42'::moment;
SELECT '2024-02-30T14:35:42Z'::moment;
SELECT '2024-04-05T14:35:42+19:00'::moment;
SELECT E'2024-04-05T14:35:42\n+01:00'::moment;

-- Equality and order by instant, whatever the offset.
SELECT '2024-04-05T14:35:42+01:00'::moment = '2024-04-05T13:35:42Z'::moment AS gelijk,
       '2024-04-05T14:35:42+01:00'::moment <> '2024-04-05T13:35:42Z'::moment AS ongelijk,
       '2024-04-05T13:35:42Z'::moment = '2024-04-05T08:35:42.000-05:00'::moment AS gelijk_fractie,
       '2024-04-05T14:35:42+01:00'::moment < '2024-04-05T13:35:43Z'::moment AS kleiner,
       '2024-04-05T14:35:42+01:00'::moment <= '2024-04-05T13:35:42Z'::moment AS kleiner_gelijk,
       '2024-04-05T14:35:42-01:00'::moment > '2024-04-05T14:35:42+01:00'::moment AS groter,
       '2024-04-05T14:35:42-01:00'::moment >= '2024-04-05T15:35:42Z'::moment AS groter_gelijk;
-- Digits beyond the microsecond count.
SELECT '2024-04-05T13:35:42.1234567Z'::moment > '2024-04-05T13:35:42.123456Z'::moment AS groter,
       '2024-04-05T13:35:42.1234567Z'::moment = '2024-04-05T14:35:42.12345670+01:00'::moment AS gelijk,
       '2024-04-05T13:35:42.123456Z'::moment = '2024-04-05T13:35:42.123456000Z'::moment AS gelijk_nullen;

CREATE TABLE momenten (id int, m moment);
INSERT INTO momenten VALUES
  (1, '2024-04-05T14:35:42+01:00'),
  (2, '2024-04-05T13:35:42Z'),
  (3, '2024-04-05T13:35:42.000+00:00'),
  (4, '2024-04-05T08:35:42-05:00'),
  (5, '2024-04-05T13:35:41.999999999Z'),
  (6, '2024-04-05T13:35:42.000000001+00:00'),
  (7, '2023-01-01T00:00:00+14:00'),
  (8, '2022-12-31T23:59:59-12:00'),
  (9, NULL);
SELECT id, m FROM momenten ORDER BY m, id;
SELECT id, m FROM momenten ORDER BY m DESC NULLS LAST, id;
SELECT min(m), max(m) FROM momenten;

-- Hashing: equal instants hash equal whatever the offset.
SELECT count(DISTINCT moment_hash(m)) AS hashes, count(DISTINCT m) AS momenten
  FROM momenten WHERE id <= 4;
SELECT count(DISTINCT moment_hash_extended(m, 42)) AS hashes
  FROM momenten WHERE id <= 4;
SELECT moment_hash('2024-04-05T14:35:42+01:00') = pg_catalog.timestamp_hash('2024-04-05 13:35:42')
  AS gelijk_aan_timestamptz_hash;

-- Hash aggregation and a hash join.
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT m, count(*) FROM momenten GROUP BY m;
SELECT count(*), string_agg(m::text, ' ' ORDER BY id) AS momenten FROM momenten GROUP BY m ORDER BY min(m);
EXPLAIN (COSTS OFF) SELECT DISTINCT m FROM momenten;
SELECT count(*) FROM (SELECT DISTINCT m FROM momenten) d;
RESET enable_sort;
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM momenten a JOIN momenten b ON a.m = b.m;
SELECT a.id, b.id FROM momenten a JOIN momenten b ON a.m = b.m AND a.id < b.id ORDER BY 1, 2;
-- Against a timestamptz column too.
CREATE TABLE instanten (t timestamptz);
INSERT INTO instanten VALUES ('2024-04-05 13:35:42+00'), ('2023-01-01 00:00:00+00');
EXPLAIN (COSTS OFF) SELECT a.id, b.t FROM momenten a JOIN instanten b ON a.m = b.t;
SELECT a.id, b.t FROM momenten a JOIN instanten b ON a.m = b.t ORDER BY 1;
RESET enable_mergejoin;
RESET enable_nestloop;
-- and a merge join
SET enable_hashjoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT a.id, b.id FROM momenten a JOIN momenten b ON a.m = b.m;
SELECT a.id, b.id FROM momenten a JOIN momenten b ON a.m = b.m AND a.id < b.id ORDER BY 1, 2;
RESET enable_hashjoin;
RESET enable_nestloop;

-- A btree index, used for moment and for timestamptz bounds.
CREATE TABLE veel AS
  SELECT i, (timestamptz '2020-01-01 00:00Z' + i * interval '1 minute')::moment AS m
    FROM generate_series(1, 10000) i;
CREATE INDEX ON veel (m);
ANALYZE veel;
EXPLAIN (COSTS OFF) SELECT i FROM veel WHERE m = '2020-01-01T02:00:00+01:00';
SELECT i, m FROM veel WHERE m = '2020-01-01T02:00:00+01:00';
EXPLAIN (COSTS OFF) SELECT i FROM veel WHERE m >= timestamptz '2020-01-01 01:00Z' AND m < timestamptz '2020-01-01 01:03Z';
SELECT i, m FROM veel WHERE m >= timestamptz '2020-01-01 01:00Z' AND m < timestamptz '2020-01-01 01:03Z' ORDER BY m;
EXPLAIN (COSTS OFF) SELECT i FROM veel WHERE m >= '2020-01-01'::date AND m < '2020-01-01 00:03'::timestamp;
SELECT i FROM veel WHERE m >= '2020-01-01'::date AND m < '2020-01-01 00:03'::timestamp ORDER BY m;
EXPLAIN (COSTS OFF) SELECT min(m) FROM veel;
SELECT min(m), max(m) FROM veel;
-- A hash index.
CREATE INDEX ON veel USING hash (m);
SET enable_bitmapscan = off;
DROP INDEX veel_m_idx;
EXPLAIN (COSTS OFF) SELECT i FROM veel WHERE m = '2020-01-01T02:00:00+01:00';
SELECT i, m FROM veel WHERE m = '2020-01-01T02:00:00+01:00';
RESET enable_bitmapscan;

-- Cross-type comparisons with timestamptz.
SELECT '2024-04-05T14:35:42+01:00'::moment = timestamptz '2024-04-05 13:35:42Z' AS m_eq_t,
       timestamptz '2024-04-05 13:35:42Z' = '2024-04-05T14:35:42+01:00'::moment AS t_eq_m,
       '2024-04-05T13:35:42.0000001Z'::moment > timestamptz '2024-04-05 13:35:42Z' AS nanos_groter,
       timestamptz '2024-04-05 13:35:42Z' < '2024-04-05T13:35:42.0000001Z'::moment AS t_kleiner,
       '2024-04-05T13:35:42.0000001Z'::moment <> timestamptz '2024-04-05 13:35:42Z' AS ongelijk,
       '2024-04-05T13:35:42.0000001Z'::moment <= timestamptz '2024-04-05 13:35:43Z' AS kleiner_gelijk;

-- Casts.  moment -> timestamptz is implicit: the instant.
SELECT '2024-04-05T14:35:42.123456789+01:00'::moment::timestamptz;
SELECT date_trunc('hour', '2024-04-05T14:35:42+01:00'::moment);
SELECT extract(epoch FROM '1970-01-01T01:00:00+01:00'::moment);
SELECT '2024-04-05T14:35:42Z'::moment - '2024-04-05T14:35:42+02:00'::moment AS verschil;
-- timestamptz -> moment: in the session TimeZone's offset, Z for zero.
SELECT timestamptz '2024-04-05 13:35:42.5Z'::moment;
SET TimeZone = 'Europe/Amsterdam';
SELECT timestamptz '2024-04-05 13:35:42.5Z'::moment AS zomer,
       timestamptz '2024-01-05 13:35:42.123Z'::moment AS winter,
       timestamptz '1900-01-01 12:00Z'::moment AS lmt;
SET TimeZone = 'America/St_Johns';
SELECT timestamptz '2024-01-05 13:35:42Z'::moment;
SET TimeZone = 'UTC';
-- assignment into a moment column
INSERT INTO momenten VALUES (10, timestamptz '2024-04-05 13:35:42.25Z');
SELECT m FROM momenten WHERE id = 10;
SELECT 'infinity'::timestamptz::moment;
SELECT '10000-01-01 00:00Z'::timestamptz::moment;
SELECT '0001-01-01 00:00Z BC'::timestamptz::moment;
SELECT '0002-01-01 00:00Z BC'::timestamptz::moment;
-- moment and text
SELECT '2024-04-05T14:35:42+01:00'::moment::text, '2024-04-05T14:35:42+01:00'::text::moment;

-- Binary send/recv.  The helper feeds bytes to a type's receive function
-- through COPY FROM PROGRAM in binary format (no files left behind).

-- Round trip of every stored value, and of a COPY BINARY of the table.
SELECT id, m, regress.recv('moment', moment_send(m)) AS terug
  FROM momenten WHERE m IS NOT NULL ORDER BY id;
SELECT moment_send('2024-04-05T14:35:42.123456789+01:00');
CREATE TABLE momenten_terug (id int, m moment);
-- (a file named after the backend, so that parallel runs do not clash)
SELECT format('cat > /tmp/vwl_010_%s.bin', pg_backend_pid()) AS schrijf,
       format('cat /tmp/vwl_010_%1$s.bin && rm -f /tmp/vwl_010_%1$s.bin', pg_backend_pid()) AS lees \gset
COPY (SELECT id, m FROM momenten) TO PROGRAM :'schrijf' WITH (FORMAT binary);
COPY momenten_terug FROM PROGRAM :'lees' WITH (FORMAT binary);
SELECT a.id, b.m, b.m::text IS NOT DISTINCT FROM a.m::text AS zelfde_tekst
  FROM momenten a JOIN momenten_terug b USING (id) ORDER BY a.id;

-- Binary input is checked as strictly as text input.  The bytes: instant
-- (1-8), offset (9-12), nanos (13-14), fracdigits (15), flags (16).
SELECT w AS wijziging, regress.recv('moment', b) AS resultaat
  FROM (VALUES
    ('ongewijzigd', moment_send('2024-04-05T14:35:42.1234567+01:00')),
    ('flags 2', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING '\x02' FROM 16)),
    ('Z met offset', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING '\x01' FROM 16)),
    ('offset 3601', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING int4send(3601) FROM 9)),
    ('offset 19:00', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING int4send(19 * 3600) FROM 9)),
    ('offset -18:00', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING int4send(-18 * 3600) FROM 9)),
    ('fracdigits 10', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING '\x0a' FROM 15)),
    ('fracdigits -1', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING '\xff' FROM 15)),
    ('nanos 1000', overlay(moment_send('2024-04-05T14:35:42.123456789+01:00') PLACING int2send(1000::int2) FROM 13)),
    ('nanos -1', overlay(moment_send('2024-04-05T14:35:42.123456789+01:00') PLACING int2send(-1::int2) FROM 13)),
    ('te veel cijfers', overlay(moment_send('2024-04-05T14:35:42.123+01:00') PLACING '\x02' FROM 15)),
    ('nanos zonder cijfers', overlay(moment_send('2024-04-05T14:35:42.123456+01:00') PLACING int2send(7::int2) FROM 13)),
    ('instant maximaal', overlay(moment_send('2024-04-05T14:35:42+01:00') PLACING int8send(9223372036854775807) FROM 1)),
    ('jaar 10000', overlay(moment_send('9999-12-31T23:59:59+00:00') PLACING int4send(3600) FROM 9)),
    ('jaar -1', overlay(moment_send('0000-01-01T00:00:00+00:00') PLACING int4send(-60) FROM 9)),
    ('te kort', substr(moment_send('2024-04-05T14:35:42+01:00'), 1, 15)),
    ('te lang', moment_send('2024-04-05T14:35:42+01:00') || '\x00'::bytea)
  ) AS t(w, b);
