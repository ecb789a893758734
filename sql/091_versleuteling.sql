-- Reversible form (B2042): AES-256-GCM, version || nonce || ciphertext || tag.
\c vwl_sleutels
SET search_path = verwerkingenlog, pg_catalog;
SET verwerkingenlog.sleutelbestand = 'vwl_regress/bekend';

-- Round trip, and the layout: 1 + 12 + length + 16 bytes, version 1 first.
SELECT _decrypt(_encrypt('999990019')) AS terug,
       octet_length(_encrypt('999990019')) AS lengte,
       get_byte(_encrypt('999990019'), 0) AS versie;
SELECT _decrypt(_encrypt('')) = '' AS leeg,
       _decrypt(_encrypt('Zoë Ŧest ✓')) AS unicode,
       _decrypt(_encrypt(repeat('x', 100000))) = repeat('x', 100000) AS lang;
SELECT _encrypt(NULL) IS NULL AS versleutel_null, _decrypt(NULL) IS NULL AS ontsleutel_null;

-- A fresh random nonce every time: the same identifier never encrypts alike.
SELECT count(DISTINCT _encrypt('999990019')) AS verschillend,
       count(DISTINCT substr(_encrypt('999990019'), 2, 12)) AS nonces
  FROM generate_series(1, 1000);

-- Known answer, made independently (Python cryptography: AESGCM(key).encrypt(
-- nonce 64..6f, b'999990019', associated data b'\x01')).
SELECT _decrypt('\x016465666768696a6b6c6d6e6f8c54b7eae681c4fce5ed4c182f85b2bd3337529383752a9adf') AS bekend_antwoord;

-- Tamper detection: altering any single bit of nonce, ciphertext or tag is
-- an error (data_corrupted, XX001); the plain text is never returned.
DO $$
DECLARE
    c bytea := verwerkingenlog._encrypt('999990019');
    ontdekt int := 0;
BEGIN
    FOR i IN 1 .. octet_length(c) - 1 LOOP
        FOR bit IN 0 .. 7 LOOP
            BEGIN
                PERFORM verwerkingenlog._decrypt(set_bit(c, i * 8 + bit, 1 - get_bit(c, i * 8 + bit)));
            EXCEPTION WHEN data_corrupted THEN
                ontdekt := ontdekt + 1;
            END;
        END LOOP;
    END LOOP;
    RAISE NOTICE '% of % altered bits detected', ontdekt, (octet_length(c) - 1) * 8;
END
$$;
SELECT _decrypt(set_byte(c, 20, get_byte(c, 20) # 255)) AS gewijzigd
  FROM (SELECT _encrypt('999990019') AS c) v;
\echo :LAST_ERROR_SQLSTATE
-- Too short to be a ciphertext at all.
SELECT _decrypt('\x01020304'::bytea);
\echo :LAST_ERROR_SQLSTATE
-- The version byte names a key the file does not hold.
SELECT _decrypt(set_byte(_encrypt('999990019'), 0, 7));
\echo :LAST_ERROR_SQLSTATE
-- Version 0 is never used.
SELECT _decrypt(set_byte(_encrypt('999990019'), 0, 0));
\echo :LAST_ERROR_SQLSTATE
-- The version byte is authenticated too: a ciphertext moved to another
-- version number fails even when that version exists (see 092).

-- Encrypted under another key file's AES key: the tag does not match.
CREATE TEMP TABLE geheim AS SELECT _encrypt('999990019') AS c;
COPY (SELECT '1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f ff2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f')
  TO PROGRAM 'cat > vwl_regress/andere_aes && chmod 600 vwl_regress/andere_aes';
SET verwerkingenlog.sleutelbestand = 'vwl_regress/andere_aes';
SELECT _decrypt(c) FROM geheim;
\echo :LAST_ERROR_SQLSTATE
RESET verwerkingenlog.sleutelbestand;
