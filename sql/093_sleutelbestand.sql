-- The key file: created on first use in the data directory (with a warning),
-- never created elsewhere, and refused with a clear error when it is missing,
-- unreadable, too open or corrupt.  Error messages never quote key material.
\c vwl_sleutels
SET search_path = verwerkingenlog, pg_catalog;
-- Writes vwl_regress/<naam> with printf %b (so \n, \r, \t, \0 work), mode <modus>.
CREATE PROCEDURE pg_temp.sleutelbestand(naam text, inhoud text, modus text DEFAULT '600')
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('COPY (SELECT 1 WHERE false) TO PROGRAM %L',
                   format('cat >/dev/null; printf ''%%b'' ''%s'' > vwl_regress/%s && chmod %s vwl_regress/%s',
                          inhoud, naam, modus, naam));
END
$$;
\set h '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'
\set a '202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f'
\set bekend '\'\\x5e812ad37c98554cf73db3dc9ebb2c7b7073a1aaf19425db4537bd1b8645e117\'::bytea'

-- A configured file that does not exist is an error, not a new key.
SET verwerkingenlog.sleutelbestand = 'vwl_regress/ontbreekt';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM sleutel_info();
\echo :LAST_ERROR_SQLSTATE

-- Group or world access.
CALL pg_temp.sleutelbestand('groep', '1 ' || :'h' || ' ' || :'a' || '\n', '640');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/groep';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE
CALL pg_temp.sleutelbestand('wereld', '1 ' || :'h' || ' ' || :'a' || '\n', '604');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/wereld';
SELECT _encrypt('999990019');
\echo :LAST_ERROR_SQLSTATE

-- Unreadable for the server, and not a file.
CALL pg_temp.sleutelbestand('onleesbaar', '1 ' || :'h' || ' ' || :'a' || '\n', '200');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/onleesbaar';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE
SET verwerkingenlog.sleutelbestand = 'vwl_regress';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE

-- Corrupt, in every way we could think of.
CALL pg_temp.sleutelbestand('leeg', '');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/leeg';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE
CALL pg_temp.sleutelbestand('commentaar', '# only a comment\n\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/commentaar';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('geenhex', '1 ' || overlay(:'h' placing 'g' from 7) || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/geenhex';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('kort', '1 ' || left(:'h', 62) || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/kort';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('zonderaes', '1 ' || :'h' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/zonderaes';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('aeskort', '1 ' || :'h' || ' ' || left(:'a', 63) || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/aeskort';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('versie0', '0 ' || :'h' || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/versie0';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('versie256', '256 ' || :'h' || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/versie256';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('dalend', '2 ' || :'h' || ' ' || :'a' || '\n1 ' || :'h' || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/dalend';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('dubbel', '1 ' || :'h' || ' ' || :'a' || '\n1 ' || :'h' || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/dubbel';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('andere_hmac', '1 ' || :'h' || ' ' || :'a' || '\n2 ' || :'a' || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/andere_hmac';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('staart', '1 ' || :'h' || ' ' || :'a' || ' 3\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/staart';
SELECT _pseudoniem('BSN', '999990019');
CALL pg_temp.sleutelbestand('nul', '1 ' || :'h' || ' ' || :'a' || '\n\0');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/nul';
SELECT _pseudoniem('BSN', '999990019');
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; yes "# filler" | head -c 70000 > vwl_regress/groot && chmod 600 vwl_regress/groot';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/groot';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE

-- Accepted: comments, blank lines, tabs, CRLF line ends, upper-case hex and
-- no final newline; the keys are the same as in 090, so is the pseudonym.
CALL pg_temp.sleutelbestand('ruim', '# keys\r\n\r\n  # indented comment\n\t1\t' || upper(:'h') || '  ' || :'a' || ' \r\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/ruim';
SELECT _pseudoniem('BSN', '999990019') = :bekend AS zelfde, versies, huidige_versie FROM sleutel_info();

-- Never a fallback to keys read earlier: a file that goes bad is refused at
-- the next statement.
CALL pg_temp.sleutelbestand('wordt_kapot', '1 ' || :'h' || ' ' || :'a' || '\n');
SET verwerkingenlog.sleutelbestand = 'vwl_regress/wordt_kapot';
SELECT _pseudoniem('BSN', '999990019') = :bekend AS zelfde;
CALL pg_temp.sleutelbestand('wordt_kapot', '1 ' || :'h' || ' ' || :'a' || 'ff\n');
SELECT _pseudoniem('BSN', '999990019') = :bekend AS zelfde;
CALL pg_temp.sleutelbestand('wordt_kapot', '1 ' || :'h' || ' ' || :'a' || '\n', '644');
SELECT _pseudoniem('BSN', '999990019') = :bekend AS zelfde;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm vwl_regress/wordt_kapot';
SELECT _pseudoniem('BSN', '999990019') = :bekend AS zelfde;
\echo :LAST_ERROR_SQLSTATE
RESET verwerkingenlog.sleutelbestand;

-- Clients can neither call the functions nor see or move the key file.
CREATE ROLE regress_vwl_klant;
GRANT USAGE ON SCHEMA verwerkingenlog TO regress_vwl_klant;
SET ROLE regress_vwl_klant;
SELECT verwerkingenlog._pseudoniem('BSN', '999990019');
SELECT verwerkingenlog._encrypt('999990019');
SELECT verwerkingenlog._decrypt('\x00');
SELECT verwerkingenlog._reencrypt('\x00');
SELECT verwerkingenlog._rotate_key();
SELECT * FROM verwerkingenlog.sleutel_info();
SET verwerkingenlog.sleutelbestand = '/tmp/mijn_sleutels';
SHOW verwerkingenlog.sleutelbestand;
SELECT count(*) FROM pg_settings WHERE name = 'verwerkingenlog.sleutelbestand';
RESET ROLE;
REVOKE USAGE ON SCHEMA verwerkingenlog FROM regress_vwl_klant;
DROP ROLE regress_vwl_klant;

-- The default, verwerkingenlog.sleutels in the data directory, is created by
-- CREATE EXTENSION when it does not exist (here run.sh made it first) or by
-- sleutelbestand_aanmaken(); never by a read or a write, which would start
-- a second set of keys.  Keep the cluster's file, and put it back
-- afterwards.  The setting is emptied explicitly, in case the cluster's
-- configuration sets it.
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; if [ -e verwerkingenlog.sleutels ]; then mv verwerkingenlog.sleutels vwl_regress/bewaard; fi';
SET verwerkingenlog.sleutelbestand = '';
SELECT _pseudoniem('BSN', '999990019');
\echo :LAST_ERROR_SQLSTATE
SELECT _encrypt('999990019');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM sleutel_info();
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE uitvoer (n serial, r text);
COPY uitvoer (r) FROM PROGRAM 'ls -a | grep -c "^verwerkingenlog\.sleutels" || true';
SELECT r AS bestanden_na_lezen FROM uitvoer;
-- The administration function creates it (terse: the WARNING names the
-- full path, which differs per run).
\set VERBOSITY terse
SELECT sleutelbestand_aanmaken() = current_setting('data_directory') || '/verwerkingenlog.sleutels' AS in_datadir;
\set VERBOSITY default
SELECT octet_length(_pseudoniem('BSN', '999990019')) AS lengte;
SELECT versies, huidige_versie FROM sleutel_info();
TRUNCATE uitvoer;
COPY uitvoer (r) FROM PROGRAM 'stat -c %a verwerkingenlog.sleutels; sed -E "s/^([0-9]+) [0-9a-f]{64} [0-9a-f]{64}$/\1 <hmac> <aes>/" verwerkingenlog.sleutels; ls -a | grep "^verwerkingenlog\.sleutels"';
SELECT r FROM uitvoer ORDER BY n;
-- Never over an existing file, and only for superusers.
SELECT sleutelbestand_aanmaken();
\echo :LAST_ERROR_SQLSTATE
CREATE ROLE regress_vwl_beheerder;
GRANT verwerkingenlog_beheer TO regress_vwl_beheerder;
SET ROLE regress_vwl_beheerder;
SELECT verwerkingenlog.sleutelbestand_aanmaken('vwl_regress/van_beheer');
RESET ROLE;
DROP ROLE regress_vwl_beheerder;
-- A new session reads the same file: same pseudonym, no warning.
SELECT _pseudoniem('BSN', '999990019') AS p \gset
\c
SET verwerkingenlog.sleutelbestand = '';
SELECT verwerkingenlog._pseudoniem('BSN', '999990019') = :'p' AS zelfde;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm verwerkingenlog.sleutels; if [ -e vwl_regress/bewaard ]; then mv vwl_regress/bewaard verwerkingenlog.sleutels; fi';

-- A configured path outside the data directory, as the README advises for
-- production: created by the function (its directory must exist), or by
-- CREATE EXTENSION in a database whose setting names it.
SET verwerkingenlog.sleutelbestand = '../vwl_buiten/sleutels';
SELECT verwerkingenlog.sleutelbestand_aanmaken();
\echo :LAST_ERROR_SQLSTATE
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; mkdir -m 700 ../vwl_buiten';
\set VERBOSITY terse
SELECT verwerkingenlog.sleutelbestand_aanmaken() = current_setting('data_directory') || '/../vwl_buiten/sleutels' AS buiten_datadir;
\set VERBOSITY default
SELECT versies FROM verwerkingenlog.sleutel_info();
RESET verwerkingenlog.sleutelbestand;
CREATE DATABASE vwl_installatie;
ALTER DATABASE vwl_installatie SET verwerkingenlog.sleutelbestand = 'vwl_regress/bij_installatie';
\c vwl_installatie
\set VERBOSITY terse
CREATE EXTENSION verwerkingenlog;
\set VERBOSITY default
SELECT bestand = current_setting('data_directory') || '/vwl_regress/bij_installatie' AS bij_installatie, versies
  FROM verwerkingenlog.sleutel_info();
\c vwl_sleutels
DROP DATABASE vwl_installatie;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm -rf ../vwl_buiten';
