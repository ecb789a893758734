-- Pseudonyms (B2042): HMAC-SHA-256 over the length-prefixed pair (soort, id).
-- The tests in 09x use key files with known keys in a directory of their own
-- inside the data directory (a relative verwerkingenlog.sleutelbestand is
-- relative to the data directory), so that their output is deterministic.
--
-- A database accepts only the keys it stored identifiers under (their check
-- values are in verwerkingenlog.sleutelcontrole, see 110), so 090-094, which
-- switch between key files, run in a database of their own in which nothing
-- is ever logged.
CREATE DATABASE vwl_sleutels;
\c vwl_sleutels
CREATE EXTENSION verwerkingenlog;
SET search_path = verwerkingenlog, pg_catalog;
COPY (SELECT 1) TO PROGRAM 'cat >/dev/null; rm -rf vwl_regress && mkdir -m 700 vwl_regress';
-- HMAC key 00 01 .. 1f, AES key 20 21 .. 3f.
COPY (SELECT '1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')
  TO PROGRAM 'cat > vwl_regress/bekend && chmod 600 vwl_regress/bekend';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/bekend';
SELECT bestand = current_setting('data_directory') || '/vwl_regress/bekend' AS in_datadir,
       versies, huidige_versie
  FROM sleutel_info();

-- Known answer, computed independently (Python: hmac.new(key,
-- b'\x00\x00\x00\x03BSN\x00\x00\x00\x09999990019', sha256)).
SELECT _pseudoniem('BSN', '999990019')
       = '\x5e812ad37c98554cf73db3dc9ebb2c7b7073a1aaf19425db4537bd1b8645e117'::bytea AS bekend_antwoord;

-- Deterministic: the same pair gives the same 32 bytes, call after call.
SELECT count(DISTINCT _pseudoniem('BSN', '999990019')) AS verschillend,
       min(octet_length(_pseudoniem('BSN', '999990019'))) AS lengte
  FROM generate_series(1, 1000);

-- The kind is part of the pseudonym, and the encoding is length-prefixed, so
-- that moving characters between soort and id changes it.
SELECT _pseudoniem('BSN', '999990019') <> _pseudoniem('RSIN', '999990019') AS soort_telt,
       _pseudoniem('AB', 'C') <> _pseudoniem('A', 'BC') AS grens_telt,
       _pseudoniem('BSN', '999990019') <> _pseudoniem('bsn', '999990019') AS hoofdletters_tellen,
       _pseudoniem('', '') IS NOT NULL AS leeg_mag;

-- No collisions among many identifiers; NULL in, NULL out.
SELECT count(DISTINCT _pseudoniem('BSN', g::text)) AS verschillend
  FROM generate_series(1, 20000) g;
SELECT _pseudoniem(NULL, '1') IS NULL AS soort_null, _pseudoniem('BSN', NULL) IS NULL AS id_null;

-- Non-ASCII identifiers are hashed as their bytes in the database encoding.
SELECT _pseudoniem('naam', 'Zoë') <> _pseudoniem('naam', 'Zoe') AS umlaut_telt;

-- Another HMAC key gives other pseudonyms.
COPY (SELECT '1 ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')
  TO PROGRAM 'cat > vwl_regress/ander && chmod 600 vwl_regress/ander';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/ander';
SELECT _pseudoniem('BSN', '999990019')
       <> '\x5e812ad37c98554cf73db3dc9ebb2c7b7073a1aaf19425db4537bd1b8645e117'::bytea AS andere_sleutel;
RESET verwerkingenlog.sleutelbestand;
