-- Key rotation: a new AES key version encrypts new identifiers, old ones stay
-- readable, pseudonyms do not change (the HMAC key never rotates).
\c vwl_sleutels
SET search_path = verwerkingenlog, pg_catalog;
COPY (SELECT r FROM (VALUES
        (1, '# a comment, which rotation keeps'),
        (2, '1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')) v(n, r)
      ORDER BY n)
  TO PROGRAM 'cat > vwl_regress/rotatie && chmod 600 vwl_regress/rotatie';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/rotatie';
CREATE TEMP TABLE oud AS
    SELECT _encrypt('999990019') AS c, _pseudoniem('BSN', '999990019') AS p;
SELECT get_byte(c, 0) AS versie FROM oud;

SELECT _rotate_key() AS nieuwe_versie;
SELECT versies, huidige_versie FROM sleutel_info();
SELECT get_byte(_encrypt('999990019'), 0) AS versie_nieuw,
       _decrypt(_encrypt('999990019')) AS nieuw_leesbaar;
SELECT _decrypt(c) AS oud_leesbaar,
       _pseudoniem('BSN', '999990019') = p AS pseudoniem_gelijk,
       _pseudoniem('BSN', '999990019')
         = '\x5e812ad37c98554cf73db3dc9ebb2c7b7073a1aaf19425db4537bd1b8645e117'::bytea AS bekend_antwoord
  FROM oud;

-- Re-encryption: the old ciphertext under the new version, same identifier.
SELECT get_byte(_reencrypt(c), 0) AS versie,
       _decrypt(_reencrypt(c)) AS terug,
       _reencrypt(c) <> c AS anders
  FROM oud;
SELECT _reencrypt(NULL) IS NULL AS herversleutel_null;
SELECT _reencrypt(set_byte(c, 30, get_byte(c, 30) # 1)) FROM oud;
\echo :LAST_ERROR_SQLSTATE

-- The version byte is authenticated: relabelling a version 1 ciphertext as
-- version 2 (which exists) fails.
SELECT _decrypt(set_byte(c, 0, 2)) FROM oud;
\echo :LAST_ERROR_SQLSTATE

-- The file: the comment kept, one line per version, the same HMAC key on
-- every line, a new AES key, mode 0600, no temporary file left behind.
CREATE TEMP TABLE regels (n serial, r text);
COPY regels (r) FROM PROGRAM 'cat vwl_regress/rotatie';
SELECT n, regexp_replace(r, '^(\d+) [0-9a-f]{64} [0-9a-f]{64}$', '\1 <hmac> <aes>') AS regel
  FROM regels ORDER BY n;
SELECT count(DISTINCT split_part(r, ' ', 2)) AS hmac_sleutels,
       count(DISTINCT split_part(r, ' ', 3)) AS aes_sleutels
  FROM regels WHERE r !~ '^#';
CREATE TEMP TABLE uitvoer (n serial, r text);
COPY uitvoer (r) FROM PROGRAM 'stat -c %a vwl_regress/rotatie; ls vwl_regress | grep rotatie';
SELECT r FROM uitvoer ORDER BY n;

-- Not transactional: a rollback keeps the new version (an unused key is harmless).
BEGIN;
SELECT _rotate_key() AS nieuwe_versie;
ROLLBACK;
SELECT versies, huidige_versie FROM sleutel_info();

-- A change made by another process is seen by the next statement: a line
-- for version 9 appended from outside (versions need not be consecutive).
COPY (SELECT '9 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf')
  TO PROGRAM 'cat >> vwl_regress/rotatie';
SELECT versies, huidige_versie FROM sleutel_info();
SELECT get_byte(_encrypt('999990019'), 0) AS versie, _decrypt(c) AS oud_leesbaar FROM oud;
SELECT _rotate_key() AS nieuwe_versie;

-- Rotation refuses a file it cannot trust, and leaves it alone.
COPY (SELECT '1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')
  TO PROGRAM 'cat > vwl_regress/open && chmod 640 vwl_regress/open';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/open';
SELECT _rotate_key();
TRUNCATE uitvoer;
COPY uitvoer (r) FROM PROGRAM 'stat -c %a vwl_regress/open; wc -l < vwl_regress/open';
SELECT r FROM uitvoer ORDER BY n;

-- Key versions end at 255.
COPY (SELECT '255 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')
  TO PROGRAM 'cat > vwl_regress/vol && chmod 600 vwl_regress/vol';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/vol';
SELECT get_byte(_encrypt('999990019'), 0) AS versie;
SELECT _rotate_key();
\echo :LAST_ERROR_SQLSTATE
RESET verwerkingenlog.sleutelbestand;
