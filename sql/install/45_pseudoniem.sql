-- Pseudonyms and encryption of object identifiers (B2042), src/pseudoniem.c.
-- The keys are in a file outside the database (setting
-- verwerkingenlog.sleutelbestand; by default verwerkingenlog.sleutels in the
-- data directory).  It is created by CREATE EXTENSION (below) when it does
-- not exist yet, or by sleutelbestand_aanmaken(); never by a read or a
-- write.  Every function here reads that file, so none is for PUBLIC or for
-- a client role: a pseudonym oracle would let a caller try all possible
-- BSNs, and a decryption function would decrypt ciphertexts taken from a
-- backup.  The API functions call them as the extension's owner; the views
-- decrypt through _visible_object_id and _visible_afnemer_id (65_lezen),
-- which decrypt only what the caller may see.  None is PARALLEL SAFE: each
-- reads a file and the database's check values.

-- The check values of the keys this database stored identifiers under: an
-- HMAC-SHA-256 of a fixed label under the HMAC key (versie 0) and under the
-- AES key of each key version.  Recorded when the log first stores an
-- identifier under a key; every backend compares the key file with them
-- before it uses it (VL001 on a mismatch).  They reveal nothing about the
-- keys, and pg_dump keeps them, so that a restored database refuses a wrong
-- key file instead of finding nothing.
CREATE TABLE sleutelcontrole (
    versie        integer PRIMARY KEY CHECK (versie BETWEEN 0 AND 255),
    controle      bytea NOT NULL CHECK (octet_length(controle) = 32),
    geregistreerd timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE sleutelcontrole IS
  'Check values of the keys the log stored identifiers under (versie 0: the HMAC key; n: the AES key of key version n): HMAC-SHA-256 of a fixed label; never the keys';
REVOKE ALL ON sleutelcontrole FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sleutelcontrole', '');

CREATE FUNCTION _pseudoniem(soort text, id text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_pseudoniem'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _pseudoniem(text, text) IS
  'Pseudonym of an identifier of a kind: HMAC-SHA-256 under the key file''s HMAC key, which never rotates, over the length-prefixed pair (soort, id); 32 bytes, deterministic, what lookups use';

CREATE FUNCTION _encrypt(id text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_encrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _encrypt(text) IS
  'An identifier encrypted with AES-256-GCM under the current key version, bound to nothing but its key version: version (1 byte) || nonce (12) || ciphertext || tag (16)';
CREATE FUNCTION _encrypt(id text, soort text, plaats bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_encrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _encrypt(text, text, bytea) IS
  'An identifier encrypted under the current key version and bound (as AES-GCM additional data) to (soort, plaats); the log binds an objectId to its soortObjectId and pseudonym';

CREATE FUNCTION _decrypt(versleuteld bytea) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt(bytea) IS
  'The identifier back from _encrypt(text); an error (XX001) if the authentication tag does not match, as for every ciphertext the log stores (those are bound to their place)';
CREATE FUNCTION _decrypt(versleuteld bytea, soort text, plaats bytea) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt(bytea, text, bytea) IS
  'The identifier back from _encrypt(text, text, bytea) with the same binding; XX001 otherwise';

CREATE FUNCTION _decrypt_object(o verwerkt_object) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt_object'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt_object(verwerkt_object) IS
  'The objectId of a stored verwerkt object, authenticated against its soortObjectId and pseudonym: a ciphertext moved to another row is XX001';

CREATE FUNCTION _decrypt_afnemer(v verwerkingsactie_versie) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt_afnemer'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt_afnemer(verwerkingsactie_versie) IS
  'The encrypted afnemerId of a version (NULL when it has none), authenticated against its soortAfnemerId and actieId';

CREATE FUNCTION _reencrypt(versleuteld bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _reencrypt(bytea) IS
  'Decrypts and encrypts again under the current key version (after _rotate_key), for ciphertexts of _encrypt(text)';
CREATE FUNCTION _reencrypt(versleuteld bytea, soort text, plaats bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _reencrypt(bytea, text, bytea) IS
  'Decrypts and encrypts again under the current key version, with the same binding';
CREATE FUNCTION _reencrypt_object(o verwerkt_object) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt_object'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION _reencrypt_object(verwerkt_object) IS
  'The object''s objectId encrypted again under the current key version, with its binding';
CREATE FUNCTION _reencrypt_afnemer(v verwerkingsactie_versie) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt_afnemer'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION _reencrypt_afnemer(verwerkingsactie_versie) IS
  'The version''s afnemerId encrypted again under the current key version, with its binding (NULL when it has none)';

CREATE FUNCTION _rotate_key() RETURNS integer
    AS 'MODULE_PATHNAME', 'vwl_rotate_key'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION _rotate_key() IS
  'Appends a key version with a new AES key (the HMAC key stays) to the key file, atomically, and returns its number; not undone by a rollback; back the key file up afterwards';

CREATE FUNCTION sleutelbestand_aanmaken(bestand text DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_sleutelbestand_aanmaken'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION sleutelbestand_aanmaken(text) IS
  'Creates a key file with fresh keys (mode 0600) at bestand, or at the file verwerkingenlog.sleutelbestand names, and returns its absolute path; refused when the file exists.  Superuser only.  Only for a log that has no identifiers yet under other keys';

CREATE FUNCTION _install_keyfile() RETURNS boolean
    AS 'MODULE_PATHNAME', 'vwl_install_keyfile'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION _install_keyfile() IS
  'For CREATE EXTENSION: creates the configured (or default) key file when it does not exist yet';

CREATE FUNCTION sleutel_info() RETURNS TABLE(bestand text, versies integer, huidige_versie integer)
    AS 'MODULE_PATHNAME', 'vwl_sleutel_info'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1;
COMMENT ON FUNCTION sleutel_info() IS
  'The key file in use (absolute path), its number of key versions and the current version; never the keys';

REVOKE ALL ON FUNCTION _pseudoniem(text, text), _encrypt(text), _encrypt(text, text, bytea),
    _decrypt(bytea), _decrypt(bytea, text, bytea), _decrypt_object(verwerkt_object),
    _decrypt_afnemer(verwerkingsactie_versie), _reencrypt(bytea), _reencrypt(bytea, text, bytea),
    _reencrypt_object(verwerkt_object), _reencrypt_afnemer(verwerkingsactie_versie),
    _rotate_key(), sleutelbestand_aanmaken(text), _install_keyfile(), sleutel_info()
    FROM PUBLIC;

-- The key file exists from CREATE EXTENSION on (a WARNING names it when it
-- was created here).  In a restore, a cluster without the original key file
-- gets a new one here, and the restored check values then refuse it (VL001)
-- until the original is put in its place.
SELECT _install_keyfile();
