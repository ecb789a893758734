-- Tamper evidence (issue 12): the Merkle tree over the log, checkpoints,
-- the verification key and the proofs, checked here against RFC 9162 and
-- the C2SP formats by code of this test's own (the offline verifier and the
-- kinds of tampering are tested by test/scripts/verzegeling_*.sh).
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never

-- RFC 9162 hashing, by the known answers of Certificate Transparency's
-- tests: the roots of the trees of the first 1..8 of these leaves.
SELECT n, encode(_mth((SELECT array_agg(sha256('\x00'::bytea || l) ORDER BY i)
                         FROM unnest('{"","\\x00","\\x10","\\x2021","\\x3031","\\x40414243","\\x5051525354555657","\\x606162636465666768696a6b6c6d6e6f"}'::bytea[])
                              WITH ORDINALITY x(l, i) WHERE i <= n)), 'hex') AS wortel
  FROM generate_series(1, 8) n;
SELECT encode(_mth('{}'), 'hex') = encode(sha256(''), 'hex') AS lege_boom;

-- Some actions, sealed.  (The first verzegel() of the cluster creates the
-- signing key with a WARNING naming the data directory.)
SET client_min_messages = error;
SELECT count(log_verwerkingsactie(jsonb_build_object(
         'actieNaam', 'verzegeld ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
         'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '12345' || g)))))
  FROM generate_series(1, 40) g;
SELECT verzegel() > 0 AS verzegeld;
RESET client_min_messages;
-- The leaves, decoded from the blocks of every table, with the full hash
-- seal_leaf_hash keeps of those whose row no longer has it.
CREATE TEMP VIEW bladen AS
SELECT t.code AS tabel, l.blad, l.u, l.n, l.vorige, l.vinger, h.hash, h.vervangen_door, h.vernietigd_in
  FROM seal_table t CROSS JOIN LATERAL _seal_leaves(t.code) l
  LEFT JOIN seal_leaf_hash h ON h.blad = l.blad;
SELECT max(grootte) = (SELECT count(*) FROM bladen) AS alles_verzegeld FROM verzegel_controlepunt;
SELECT count(*) AS wachtend FROM seal_queue;
-- Every row of the log is in the tree, once.
SELECT (SELECT count(*) FROM verwerkingsactie_versie) + (SELECT count(*) FROM verwerkt_object)
       + (SELECT count(*) FROM vernietiging_journaal) + (SELECT count(*) FROM vernietiging_run)
       + (SELECT count(*) FROM vernietiging_batch) + (SELECT count(*) FROM vernietigde_actie)
       + (SELECT count(*) FROM bewaartermijn_registratie) = (SELECT count(*) FROM bladen) AS elke_rij,
       (SELECT count(DISTINCT (tabel, u, n)) FROM bladen) = (SELECT count(*) FROM bladen) AS eenmaal,
       (SELECT count(DISTINCT blad) = count(*) AND min(blad) = 0 AND max(blad) = count(*) - 1 FROM bladen) AS elk_blad_eenmaal,
       (SELECT count(*) FROM seal_leaf_hash) AS volledig_opgeslagen;
-- Nothing new: no new checkpoint.
SELECT (SELECT count(*) FROM verzegel_controlepunt) AS voor, verzegel() = (SELECT max(grootte) FROM verzegel_controlepunt) AS zelfde,
       (SELECT count(*) FROM verzegel_controlepunt) AS na;

-- A leaf's hash is SHA-256(0x00 || the canonical encoding of its row): its
-- first 4 bytes are the leaf's vinger in its block, all 32 are the hash of
-- its proof; the encoding does not depend on the session's TimeZone or
-- DateStyle.
SET TimeZone = 'America/New_York';
SET DateStyle = 'SQL, DMY';
SELECT count(*) >= 40 AS versies,
       bool_and(b.vinger = substr(sha256('\x00'::bytea || _canonical(v, b.blad, b.vorige)), 1, 4)) AS versies_kloppen,
       bool_and(decode(_seal_leaf_proof(b.blad, b.blad + 1)->>'hash', 'base64')
                = sha256('\x00'::bytea || _canonical(v, b.blad, b.vorige))) AS volledig
  FROM bladen b JOIN verwerkingsactie_versie v ON b.tabel = 1 AND (b.u, b.n) = (v.actie_id, v.volgnummer);
SELECT count(*) >= 40 AS objecten,
       bool_and(b.vinger = substr(sha256('\x00'::bytea || _canonical(o, b.blad, b.vorige)), 1, 4)) AS objecten_kloppen,
       bool_and(decode(_seal_leaf_proof(b.blad, b.blad + 1)->>'hash', 'base64')
                = sha256('\x00'::bytea || _canonical(o, b.blad, b.vorige))) AS volledig
  FROM bladen b JOIN verwerkt_object o ON b.tabel = 2 AND b.u = o.verwerkt_object_id;
RESET TimeZone;
RESET DateStyle;
-- The encoding: magic, tree index, superseded leaf, table, then the columns
-- by name (NULL columns left out); never a plaintext identifier.
SELECT encode(substr(e, 1, 4), 'hex') AS magie, substr(e, 5, 8) = int8send(b.blad) AS index_erin,
       encode(substr(e, 13, 8), 'hex') AS geen_vorige,
       convert_from(substr(e, 23, get_byte(e, 21)), 'UTF8') AS tabel,
       position('12345' IN encode(e, 'escape')) = 0 AS geen_bsn
  FROM (SELECT b.blad, _canonical(o, b.blad, NULL) AS e
          FROM bladen b JOIN verwerkt_object o ON b.tabel = 2 AND b.u = o.verwerkt_object_id
         ORDER BY b.blad LIMIT 1) b;

-- The root, by this test's own RFC 9162 recursion over the leaves of the
-- export: a present leaf's hash from its bytes, which must begin with its
-- vinger (8 hex digits), else the stored hash (64).
CREATE TEMP TABLE uitvoer AS SELECT * FROM verificatie_export();
SELECT soort, status, length(hash) AS hex, count(*) > 0 AS regels,
       bool_and(soort <> 'blad' OR status <> 'aanwezig'
                OR encode(sha256('\x00'::bytea || decode(inhoud, 'hex')), 'hex') LIKE hash || '%') AS vinger_klopt
  FROM uitvoer GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
CREATE TEMP TABLE bladhash (blad bigint PRIMARY KEY, hash bytea NOT NULL);
INSERT INTO bladhash
SELECT u.positie, CASE WHEN u.status = 'aanwezig' THEN sha256('\x00'::bytea || decode(u.inhoud, 'hex'))
                       ELSE decode(u.hash, 'hex') END
  FROM uitvoer u WHERE u.soort = 'blad';
ANALYZE bladhash;
CREATE FUNCTION pg_temp.mth(lo bigint, hi bigint) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE k bigint := 1;
BEGIN
    IF hi - lo = 1 THEN RETURN (SELECT h.hash FROM bladhash h WHERE h.blad = lo); END IF;
    WHILE k * 2 < hi - lo LOOP k := k * 2; END LOOP;
    RETURN sha256('\x01'::bytea || pg_temp.mth(lo, lo + k) || pg_temp.mth(lo + k, hi));
END $$;
SELECT bool_and(c.wortel = pg_temp.mth(0, c.grootte)) AS wortels_kloppen FROM verzegel_controlepunt c;

-- The checkpoint: a C2SP tlog-checkpoint (origin: key name/log id, size,
-- base64 root) in a signed note (blank line, "— name base64(key ID ||
-- signature)").
SELECT r[1] = split_part(publieke_sleutel(), '+', 1) || '/' || (SELECT id FROM seal_log) AS origin_sleutelnaam_log,
       r[2] = (SELECT max(grootte)::text FROM verzegel_controlepunt) AS grootte,
       decode(r[3], 'base64') = (SELECT wortel FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) AS wortel,
       r[4] = '' AS lege_regel,
       r[5] ~ ('^— ' || split_part(publieke_sleutel(), '+', 1) || ' [A-Za-z0-9+/]{91}=$') AS handtekening,
       substr(decode(substr(r[5], length(split_part(publieke_sleutel(), '+', 1)) + 4), 'base64'), 1, 4)
         = decode(split_part(publieke_sleutel(), '+', 2), 'hex') AS sleutel_id,
       r[6] = '' AND cardinality(r) = 6 AS einde
  FROM (SELECT string_to_array(controlepunt(), E'\n') AS r) x;
-- The verifier key: name+keyID+base64(0x01 || key), keyID = the first four
-- bytes of SHA-256(name || 0x0A || 0x01 || key).
SELECT publieke_sleutel() ~ '^verwerkingenlog-[0-9a-f]{16}\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$' AS vorm,
       substr(sha256(convert_to(s[1], 'UTF8') || '\x0a'::bytea || decode(s[3], 'base64')), 1, 4) = decode(s[2], 'hex') AS sleutel_id,
       get_byte(decode(s[3], 'base64'), 0) AS ed25519
  FROM (SELECT regexp_match(publieke_sleutel(), '^([^+]+)\+([0-9a-f]{8})\+(.*)$') AS s) x;

-- Inclusion proofs, checked by RFC 9162 2.1.3.2 (this test's own code).
CREATE FUNCTION pg_temp.opname_klopt(blad bigint, grootte bigint, hash bytea, pad jsonb, wortel bytea)
    RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE fn bigint := blad; sn bigint := grootte - 1; r bytea := hash; p text;
BEGIN
    FOR p IN SELECT jsonb_array_elements_text(pad) LOOP
        IF sn = 0 THEN RETURN false; END IF;
        IF fn % 2 = 1 OR fn = sn THEN
            r := sha256('\x01'::bytea || decode(p, 'base64') || r);
            IF fn % 2 = 0 THEN
                WHILE fn % 2 = 0 AND fn <> 0 LOOP fn := fn >> 1; sn := sn >> 1; END LOOP;
            END IF;
        ELSE
            r := sha256('\x01'::bytea || r || decode(p, 'base64'));
        END IF;
        fn := fn >> 1; sn := sn >> 1;
    END LOOP;
    RETURN sn = 0 AND r = wortel;
END $$;
CREATE TEMP TABLE bewijzen AS
SELECT v.actie_id, bewijs_opname(v.actie_id, v.volgnummer) AS b FROM verwerkingsactie_versie v
 WHERE v.actie_naam LIKE 'verzegeld %';
SELECT count(*) AS bewijzen,
       bool_and(pg_temp.opname_klopt((b->'versie'->>'blad')::bigint, (b->>'boomgrootte')::bigint,
                                     decode(b->'versie'->>'hash', 'base64'), b->'versie'->'pad', decode(b->>'wortel', 'base64'))) AS versies,
       bool_and(sha256('\x00'::bytea || decode(b->'versie'->>'inhoud', 'hex')) = decode(b->'versie'->>'hash', 'base64')) AS inhoud,
       bool_and(jsonb_array_length(b->'objecten') = 1) AS een_object,
       bool_and(pg_temp.opname_klopt((b->'objecten'->0->>'blad')::bigint, (b->>'boomgrootte')::bigint,
                                     decode(b->'objecten'->0->>'hash', 'base64'), b->'objecten'->0->'pad', decode(b->>'wortel', 'base64'))) AS objecten,
       bool_and(b->>'controlepunt' = controlepunt()) AS controlepunt
  FROM bewijzen;
-- The inzage's pointer for one result: the object's leaf and its proof.
SELECT bool_and(pg_temp.opname_klopt((w->>'blad')::bigint, (w->>'boomgrootte')::bigint, decode(w->>'hash', 'base64'),
                                     w->'pad', decode(split_part(w->>'controlepunt', E'\n', 3), 'base64'))) AS verwijzing_klopt,
       bool_and((w->>'blad')::bigint = (b->'objecten'->0->>'blad')::bigint) AS zelfde_blad
  FROM bewijzen, LATERAL (SELECT opname_verwijzing((b->'objecten'->0->>'verwerktObjectId')::uuid) AS w) x;
SELECT opname_verwijzing('00000000-0000-4000-8000-000000000000') IS NULL AS onbekend;
-- A version not in a checkpoint yet, or unknown: NULL.
SELECT bewijs_opname('00000000-0000-4000-8000-000000000000', 1) IS NULL AS onbekend;

-- A row changed or removed behind the log's back (a superuser, every
-- trigger off) no longer gives its leaf hash: its proofs stop with
-- data_corrupted naming the row (key and tree index masked here), rather
-- than prove the changed bytes; the export still has the row, for the
-- verifier to name.
CREATE FUNCTION pg_temp.geweigerd(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'not refused';
EXCEPTION WHEN data_corrupted THEN
    RETURN SQLSTATE || ': ' || regexp_replace(regexp_replace(SQLERRM, '[0-9a-f-]{36}(/[0-9]+)?', 'KEY', 'g'),
                                              '[0-9]+', 'N', 'g');
END $$;
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER TABLE verwerkt_object DISABLE TRIGGER ALL;
ALTER TABLE verwerkingsactie_versie DISABLE TRIGGER ALL;
CREATE TEMP TABLE doelwit ON COMMIT DROP AS
SELECT o.verwerkt_object_id, o.actie_id, (SELECT v.actie_id FROM verwerkingsactie_versie v
                                           WHERE v.actie_naam = 'verzegeld 7') AS weg
  FROM verwerkt_object o JOIN verwerkingsactie_versie v USING (actie_id)
 WHERE v.actie_naam = 'verzegeld 3';
UPDATE verwerkt_object SET objecttype = 'kat' WHERE verwerkt_object_id = (SELECT verwerkt_object_id FROM doelwit);
DELETE FROM verwerkingsactie_versie WHERE actie_id = (SELECT weg FROM doelwit);
SELECT pg_temp.geweigerd(format('SELECT verwerkingenlog.opname_verwijzing(%L)', verwerkt_object_id)) AS opname_verwijzing,
       pg_temp.geweigerd(format('SELECT verwerkingenlog.bewijs_opname(%L, 1)', actie_id)) AS bewijs_opname,
       pg_temp.geweigerd(format('SELECT verwerkingenlog.bewijs_opname(%L, 1)', weg)) AS verwijderd
  FROM doelwit;
SELECT status, length(hash) AS hex, inhoud IS NOT NULL AS inhoud
  FROM verificatie_export() e, doelwit d
 WHERE e.soort = 'blad' AND e.sleutel IN (d.verwerkt_object_id::text, d.weg || '/1') ORDER BY e.tabel;
ROLLBACK;

-- Consistency proofs between every pair of checkpoints, checked by RFC 9162
-- 2.1.4.2.
SET client_min_messages = error;
DO $$
BEGIN
    FOR r IN 1 .. 5 LOOP
        PERFORM verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
                  'actieNaam', 'later ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
                  'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', '5432' || g))))
          FROM generate_series(1, r * 7) g;
        PERFORM verwerkingenlog.verzegel();
    END LOOP;
END
$$;
RESET client_min_messages;
CREATE FUNCTION pg_temp.consistent(oud bigint, nieuw bigint, pad jsonb, w1 bytea, w2 bytea)
    RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE h bytea[] := ARRAY(SELECT decode(x, 'base64') FROM jsonb_array_elements_text(pad) x);
        fn bigint := oud - 1; sn bigint := nieuw - 1; fr bytea; sr bytea; i int := 1;
BEGIN
    IF oud = nieuw THEN RETURN cardinality(h) = 0 AND w1 = w2; END IF;
    IF oud & (oud - 1) = 0 THEN h := w1 || h; END IF;
    WHILE fn % 2 = 1 LOOP fn := fn >> 1; sn := sn >> 1; END LOOP;
    fr := h[1]; sr := h[1];
    FOR i IN 2 .. coalesce(cardinality(h), 0) LOOP
        IF sn = 0 THEN RETURN false; END IF;
        IF fn % 2 = 1 OR fn = sn THEN
            fr := sha256('\x01'::bytea || h[i] || fr);
            sr := sha256('\x01'::bytea || h[i] || sr);
            IF fn % 2 = 0 THEN
                WHILE fn % 2 = 0 AND fn <> 0 LOOP fn := fn >> 1; sn := sn >> 1; END LOOP;
            END IF;
        ELSE
            sr := sha256('\x01'::bytea || sr || h[i]);
        END IF;
        fn := fn >> 1; sn := sn >> 1;
    END LOOP;
    RETURN sn = 0 AND fr = w1 AND sr = w2;
END $$;
SELECT count(*) AS paren,
       bool_and(pg_temp.consistent(a.grootte, b.grootte, p->'pad', a.wortel, b.wortel)) AS consistent
  FROM verzegel_controlepunt a JOIN verzegel_controlepunt b ON a.grootte > 0 AND a.grootte <= b.grootte,
       LATERAL (SELECT bewijs_consistentie(a.grootte, b.grootte) AS p) x;
-- A proof against another tree does not verify.
SELECT pg_temp.consistent(a.grootte, b.grootte, bewijs_consistentie(a.grootte, b.grootte)->'pad',
                          sha256('x'), b.wortel) AS vals_geweigerd
  FROM (SELECT min(grootte) AS grootte FROM verzegel_controlepunt WHERE grootte > 0) m
  JOIN verzegel_controlepunt a USING (grootte), (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) b;

-- Only in READ COMMITTED.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT verzegel();
ROLLBACK;

-- Bad input.
SELECT bewijs_consistentie(5, 3);
SELECT bewijs_consistentie(NULL, 3);
SELECT bewijs_consistentie(1, 3);
SELECT bewijs_opname(NULL, 1);
SELECT _tree_path('opname', 5, 5);

-- The export: one line per leaf in tree order, then the checkpoints.
SELECT soort, count(*) = CASE soort WHEN 'blad' THEN (SELECT count(*) FROM bladen)
                                    ELSE (SELECT count(*) FROM verzegel_controlepunt) END AS alles,
       bool_and(status IS NOT DISTINCT FROM CASE soort WHEN 'blad' THEN 'aanwezig' END) AS aanwezig
  FROM verificatie_export() GROUP BY soort ORDER BY soort;

-- Only scope beheer seals, exports and reads inclusion proofs; the
-- checkpoint and consistency proofs are for every scope role, the key for
-- everyone.
CREATE ROLE vwl_verzegel_lezer;
GRANT verwerkingenlog_read_normal TO vwl_verzegel_lezer;
SET ROLE vwl_verzegel_lezer;
SELECT verwerkingenlog.verzegel();
SELECT count(*) FROM verwerkingenlog.verificatie_export();
SELECT verwerkingenlog.bewijs_opname('00000000-0000-4000-8000-000000000000', 1);
SELECT verwerkingenlog.controlepunt() IS NOT NULL AS controlepunt,
       verwerkingenlog.bewijs_consistentie(split_part(verwerkingenlog.controlepunt(), E'\n', 2)::bigint,
                                           split_part(verwerkingenlog.controlepunt(), E'\n', 2)::bigint) IS NOT NULL AS consistentie,
       verwerkingenlog.publieke_sleutel() IS NOT NULL AS sleutel;
SELECT * FROM verwerkingenlog.seal_blok;
SELECT * FROM verwerkingenlog.seal_leaf_hash;
RESET ROLE;
DROP ROLE vwl_verzegel_lezer;

-- LDV records and OTLP spans (src/ldv.c, written in bulk through the
-- writer's door) are queued and sealed like any other row, with their LDV
-- columns (span_id, trace_id, status, eind_tijdstip, resource, attributen)
-- in the canonical encoding.
SET search_path = verwerkingenlog, pg_catalog;
SET client_min_messages = error;
SELECT verzegel() > 0 AS vooraf_verzegeld;
CREATE TEMP TABLE ldv_acties AS
SELECT a AS actie_id FROM log_logregels(jsonb_build_array(
    jsonb_build_object(
        'trace_id', 'aaf7651916cd43dd8448eb211c801400', 'span_id', 'a1a2a3a4a5a6a7a8',
        'parent_span_id', '00f067aa0ba902b7', 'name', 'Opvragen inkomen', 'status', 'Ok',
        'start_time', 1672574400123, 'end_time', 1672574400456,
        'resource', jsonb_build_object('attributes', jsonb_build_object('service.name', 'belastingen')),
        'attributes', jsonb_build_object(
            'dpl.core.processing_activity_id', 'https://register.example.nl/va/verzegeld',
            'dpl.core.data_subject_id', '777140001', 'dpl.core.data_subject_id_type', 'BSN',
            'dpl.core.foreign_operation.processor', 'https://afnemer.example.nl/')),
    jsonb_build_object(
        'trace_id', 'aaf7651916cd43dd8448eb211c801400', 'span_id', 'b1b2b3b4b5b6b7b8',
        'name', 'Opvragen inkomen', 'status', 'Error', 'start_time', 1672574400123, 'end_time', 1672574400123,
        'attributes', jsonb_build_object(
            'dpl.core.processing_activity_id', 'https://register.example.nl/va/verzegeld',
            'dpl.core.data_subject_id', '777140002', 'dpl.core.data_subject_id_type', 'BSN')))) a;
SELECT log_otlp('{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "otlp-verzegeld"}}]},
  "scopeSpans": [{"spans": [{"traceId": "abcdefabcdef43dd8448eb211c801401", "spanId": "c1c2c3c4c5c6c7c8",
     "name": "Toekennen toeslag", "startTimeUnixNano": "1672574400123456789", "endTimeUnixNano": "1672574400223456789",
     "attributes": [{"key": "dpl.core.processing_activity_id", "value": {"stringValue": "https://register.example.nl/va/verzegeld"}},
                    {"key": "dpl.core.data_subject_id", "value": {"stringValue": "777140003"}},
                    {"key": "dpl.core.data_subject_id_type", "value": {"stringValue": "BSN"}}]}]}]}]}') AS otlp;
INSERT INTO ldv_acties SELECT actie_id FROM verwerkingsactie_versie WHERE span_id = '\xc1c2c3c4c5c6c7c8';
-- queued in the writer's transaction: one entry per version and object
SELECT count(*) FILTER (WHERE q.tabel = 1) AS versies_wachtend, count(*) FILTER (WHERE q.tabel = 2) AS objecten_wachtend
  FROM seal_queue q
 WHERE q.u IN (SELECT actie_id FROM ldv_acties)
    OR q.u IN (SELECT o.verwerkt_object_id FROM verwerkt_object o JOIN ldv_acties l USING (actie_id));
SELECT verzegel() > 0 AS verzegeld;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
-- every version and object in a leaf that matches its stored bytes, the LDV
-- columns among the encoded ones
SELECT count(*) AS versies,
       count(*) FILTER (WHERE b.vinger = substr(sha256('\x00'::bytea || _canonical(v, b.blad, b.vorige)), 1, 4)) AS kloppen
  FROM verwerkingsactie_versie v
  JOIN bladen b ON b.tabel = 1 AND b.u = v.actie_id AND b.n = v.volgnummer AND b.vervangen_door IS NULL
 WHERE v.actie_id IN (SELECT actie_id FROM ldv_acties);
-- every non-NULL column by its name (2-byte length, name) in the encoding
SELECT string_agg(DISTINCT k.key, ', ' ORDER BY k.key)
         FILTER (WHERE k.key IN ('trace_id', 'span_id', 'parent_span_id', 'status', 'eind_tijdstip', 'resource', 'attributen'))
         AS ldv_kolommen,
       count(*) FILTER (WHERE position(int2send(length(k.key)::int2) || convert_to(k.key, 'UTF8')
                                       IN _canonical(v, b.blad, b.vorige)) = 0) AS niet_gecodeerd
  FROM verwerkingsactie_versie v
  JOIN bladen b ON b.tabel = 1 AND b.u = v.actie_id AND b.n = v.volgnummer AND b.vervangen_door IS NULL
  CROSS JOIN LATERAL jsonb_each(to_jsonb(v)) k
 WHERE v.actie_id IN (SELECT actie_id FROM ldv_acties) AND k.value <> 'null';
SELECT count(*) AS objecten,
       count(*) FILTER (WHERE b.vinger = substr(sha256('\x00'::bytea || _canonical(o, b.blad, b.vorige)), 1, 4)) AS kloppen
  FROM verwerkt_object o
  JOIN bladen b ON b.tabel = 2 AND b.u = o.verwerkt_object_id AND b.vervangen_door IS NULL
 WHERE o.actie_id IN (SELECT actie_id FROM ldv_acties);
RESET TimeZone;
RESET DateStyle;
DROP TABLE ldv_acties;

-- The signing key follows the key file's setting, also when that setting
-- is one of the database's own (instellen) and the first thing a new
-- session does is ask for the verification key.
CREATE DATABASE vwl_140;
\c vwl_140
SET client_min_messages = error;
CREATE EXTENSION verwerkingenlog;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm -rf vwl_140 && mkdir -m 700 vwl_140';
SELECT verwerkingenlog.instellen('verwerkingenlog.sleutelbestand', 'vwl_140/sleutels');
SELECT verwerkingenlog.sleutelbestand_aanmaken() IS NOT NULL AS sleutelbestand;
-- In a configured folder the server never creates the signing key: an
-- Ed25519 key of its own made here (PEM of PKCS #8 with a 32-byte seed),
-- mode 0600.
COPY (SELECT '-----BEGIN PRIVATE KEY-----'
      UNION ALL SELECT encode('\x302e020100300506032b657004220420'::bytea || sha256(convert_to(random()::text, 'UTF8')), 'base64')
      UNION ALL SELECT '-----END PRIVATE KEY-----')
  TO PROGRAM 'umask 077 && cat > vwl_140/verwerkingenlog.ondertekensleutel';
SELECT verwerkingenlog.verzegel() >= 0 AS verzegeld;
CREATE TABLE public.sleutel AS SELECT verwerkingenlog.publieke_sleutel() AS k;
\c vwl_140
SELECT verwerkingenlog.publieke_sleutel() = (SELECT k FROM public.sleutel) AS dezelfde_sleutel;
SELECT split_part(verwerkingenlog.controlepunt(), E'\n', 1) LIKE split_part(k, '+', 1) || '/%' AS ondertekend_met_die_sleutel
  FROM public.sleutel;
COPY (SELECT 1 WHERE false) TO PROGRAM 'cat >/dev/null; rm -rf vwl_140';
\c contrib_regression
DROP DATABASE vwl_140;
