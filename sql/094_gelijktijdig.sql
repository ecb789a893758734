-- Concurrency: rotations from several backends at once hand out every
-- version once and lose no key; backends racing to create the default key
-- file end up with one file and one key.  Uses dblink for the other backends.
\c vwl_sleutels
SET search_path = verwerkingenlog, pg_catalog;
CREATE EXTENSION dblink;
SELECT format('host=%s port=%s dbname=%s user=%s',
              current_setting('unix_socket_directories'), current_setting('port'),
              current_database(), current_user) AS verbinding \gset
COPY (SELECT '1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')
  TO PROGRAM 'cat > vwl_regress/gelijktijdig && chmod 600 vwl_regress/gelijktijdig';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/gelijktijdig';
SELECT _encrypt('999990019') AS c1 \gset

-- Four backends rotate ten times each, at the same time.
SELECT dblink_connect('r' || i, :'verbinding' || ' options=''-c verwerkingenlog.sleutelbestand=vwl_regress/gelijktijdig''')
  FROM generate_series(1, 4) i;
SELECT dblink_send_query('r' || i,
         'SELECT array_agg(verwerkingenlog._rotate_key()) FROM generate_series(1, 10)')
  FROM generate_series(1, 4) i;
CREATE TEMP TABLE versies AS
    SELECT unnest(v) AS versie
      FROM generate_series(1, 4) i, dblink_get_result('r' || i) AS t(v integer[]);
SELECT count(*) AS rotaties, count(DISTINCT versie) AS verschillend, min(versie), max(versie)
  FROM versies;
SELECT dblink_disconnect('r' || i) FROM generate_series(1, 4) i;
SELECT versies, huidige_versie FROM sleutel_info();
CREATE TEMP TABLE regels (n serial, r text);
COPY regels (r) FROM PROGRAM 'cat vwl_regress/gelijktijdig; ls vwl_regress | grep -c gelijktijdig';
SELECT count(*) FILTER (WHERE r ~ '^\d+ [0-9a-f]{64} [0-9a-f]{64}$') AS sleutelregels,
       count(DISTINCT split_part(r, ' ', 2)) FILTER (WHERE r ~ '^\d+ ') AS hmac_sleutels,
       count(DISTINCT split_part(r, ' ', 3)) FILTER (WHERE r ~ '^\d+ ') AS aes_sleutels,
       max(r) FILTER (WHERE r !~ ' ') AS bestanden
  FROM regels;
-- Everything encrypted before and after still decrypts.
SELECT _decrypt(:'c1') AS oud, _decrypt(_encrypt('999990019')) AS nieuw,
       get_byte(_encrypt('999990019'), 0) AS versie;
RESET verwerkingenlog.sleutelbestand;

-- Four backends create the missing default key file at the same time: one
-- of them creates it, the others are refused (58P02), and all then use its
-- key.  (Keep the cluster's file, as in 093.)
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; if [ -e verwerkingenlog.sleutels ]; then mv verwerkingenlog.sleutels vwl_regress/bewaard; fi';
SET verwerkingenlog.sleutelbestand = '';
CREATE FUNCTION public.maak_sleutelbestand() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM verwerkingenlog.sleutelbestand_aanmaken();
    RETURN 'gemaakt';
EXCEPTION WHEN duplicate_file THEN
    RETURN 'bestond al';
END $$;
SELECT dblink_connect('s' || i, :'verbinding' || ' options=''-c verwerkingenlog.sleutelbestand=''')
  FROM generate_series(1, 4) i;
SELECT dblink_send_query('s' || i, 'SELECT public.maak_sleutelbestand()')
  FROM generate_series(1, 4) i;
SELECT uitkomst, count(*) FROM generate_series(1, 4) i, dblink_get_result('s' || i) AS t(uitkomst text)
 GROUP BY uitkomst ORDER BY uitkomst;
SELECT count(*) AS klaar FROM generate_series(1, 4) i, dblink_get_result('s' || i) AS t(uitkomst text);
DROP FUNCTION public.maak_sleutelbestand();
SELECT dblink_send_query('s' || i, 'SELECT verwerkingenlog._pseudoniem(''BSN'', ''999990019'')')
  FROM generate_series(1, 4) i;
CREATE TEMP TABLE pseudoniemen AS
    SELECT p FROM generate_series(1, 4) i, dblink_get_result('s' || i) AS t(p bytea);
SELECT dblink_disconnect('s' || i) FROM generate_series(1, 4) i;
SELECT count(*) AS backends, count(DISTINCT p) AS pseudoniemen,
       bool_and(p = _pseudoniem('BSN', '999990019')) AS zelfde_als_hier
  FROM pseudoniemen;
TRUNCATE regels;
COPY regels (r) FROM PROGRAM 'ls -a | grep -c "^verwerkingenlog\.sleutels"; grep -c "^1 " verwerkingenlog.sleutels';
SELECT r FROM regels ORDER BY n;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm verwerkingenlog.sleutels; if [ -e vwl_regress/bewaard ]; then mv vwl_regress/bewaard verwerkingenlog.sleutels; fi';

DROP EXTENSION dblink;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm -rf vwl_regress';
\c contrib_regression
DROP DATABASE vwl_sleutels;
