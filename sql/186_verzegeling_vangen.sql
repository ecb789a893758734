-- What the tree keeps of a row before the row loses the bytes of its leaf
-- (issue 12, 1.2; src/seal_capture.c): a present leaf's hash is not stored
-- but recomputed from its row, so the purge stores the full hash of exactly
-- the leaves it destroys, with its run, and re-encryption the old hash of
-- the leaf that the new one supersedes; the proofs and the consistency of
-- the checkpoints across both still check out (by this test's own RFC 9162
-- code); and a row changed behind the log's back is neither destroyed nor
-- re-encrypted (data_corrupted), and nothing changes.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET verwerkingenlog.minimale_bewaartermijn = '';
SET client_min_messages = error;

-- Ten actions of 1900 with an afnemer and one object each: 1 to 5 expire
-- in 1901, 6 to 10 never; 11 and 12 expire in 1911.
CREATE TEMP TABLE vang AS
SELECT g, (log_verwerkingsactie(jsonb_build_object(
         'actieNaam', 'vangen ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '1900-01-01T00:00:00Z',
         'bewaartermijn', CASE WHEN g <= 5 THEN 'P1Y' WHEN g <= 10 THEN 'P1000Y' ELSE 'P10Y' END,
         'afnemerId', '99991860' || g, 'soortAfnemerId', 'BSN',
         'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN',
                                                                    'objectId', '99991861' || g))))->>'actieId')::uuid AS actie_id
  FROM generate_series(1, 12) g;
SELECT verzegel() > 0 AS verzegeld;
CREATE TEMP TABLE c1 AS SELECT max(grootte) AS grootte FROM verzegel_controlepunt;

-- The last leaf of each row of these actions, and its hash from the row.
CREATE FUNCTION pg_temp.bladen() RETURNS TABLE (g int, tabel int, sleutel uuid, blad bigint, vorige bigint,
                                                vinger bytea, hash bytea)
    LANGUAGE sql AS $$
    WITH l1 AS (SELECT DISTINCT ON (u, n) * FROM verwerkingenlog._seal_leaves(1::smallint) ORDER BY u, n, blad DESC),
         l2 AS (SELECT DISTINCT ON (u) * FROM verwerkingenlog._seal_leaves(2::smallint) ORDER BY u, blad DESC)
    SELECT x.g, 1, v.actie_id, l.blad, l.vorige, l.vinger,
           sha256('\x00'::bytea || verwerkingenlog._canonical(v, l.blad, l.vorige))
      FROM pg_temp.vang x JOIN verwerkingenlog.verwerkingsactie_versie v USING (actie_id)
      JOIN l1 l ON (l.u, l.n) = (v.actie_id, v.volgnummer)
    UNION ALL
    SELECT x.g, 2, o.verwerkt_object_id, l.blad, l.vorige, l.vinger,
           sha256('\x00'::bytea || verwerkingenlog._canonical(o, l.blad, l.vorige))
      FROM pg_temp.vang x JOIN verwerkingenlog.verwerkt_object o USING (actie_id)
      JOIN l2 l ON l.u = o.verwerkt_object_id
$$;
CREATE TEMP TABLE voor AS SELECT * FROM pg_temp.bladen();
RESET client_min_messages;
SELECT count(*) AS bladen, bool_and(vinger = substr(hash, 1, 4)) AS vingers_kloppen,
       bool_and(vorige IS NULL) AS geen_vorige,
       NOT EXISTS (SELECT FROM seal_leaf_hash h JOIN voor b USING (blad)) AS niets_bewaard
  FROM voor;

-- The purge: the full hash of exactly the leaves of the rows it destroyed,
-- with its transaction and its run.
SELECT vernietig_verlopen('1901-06-01T00:00:00Z') AS vernietigd;
CREATE TEMP TABLE run AS SELECT max(id) AS id FROM vernietiging_run;
SELECT count(*) AS bewaard,
       count(*) FILTER (WHERE h.vernietigd_in IS NOT NULL AND h.vervangen_door IS NULL) AS vernietigd,
       NOT EXISTS (SELECT blad, hash FROM voor WHERE g <= 5
                   EXCEPT SELECT blad, hash FROM seal_leaf_hash WHERE vernietigd_door = (SELECT id FROM run))
       AND NOT EXISTS (SELECT blad, hash FROM seal_leaf_hash WHERE vernietigd_door = (SELECT id FROM run)
                       EXCEPT SELECT blad, hash FROM voor WHERE g <= 5) AS precies_die
  FROM seal_leaf_hash h WHERE h.vernietigd_door = (SELECT id FROM run);
SELECT count(*) FILTER (WHERE v.actie_id IS NULL) AS rijen_weg,
       count(*) FILTER (WHERE h.blad IS NOT NULL) AS weg_met_hash
  FROM vang x LEFT JOIN verwerkingsactie_versie v USING (actie_id)
  JOIN voor b ON b.g = x.g AND b.tabel = 1 LEFT JOIN seal_leaf_hash h USING (blad);
-- Nothing is stored for a row that is not destroyed.
SELECT count(*) AS bewaard_van_de_rest FROM seal_leaf_hash h JOIN voor b USING (blad) WHERE b.g > 5;
SET client_min_messages = error;
SELECT verzegel() > (SELECT grootte FROM c1) AS verzegeld;
CREATE TEMP TABLE c2 AS SELECT max(grootte) AS grootte FROM verzegel_controlepunt;

-- Re-encryption: the old hash of each re-encrypted row's leaf is kept, and
-- the new leaf, sealed in the same transaction, supersedes it.
SELECT _rotate_key() > 1 AS geroteerd;
SELECT herversleutel(1000000) >= 14 AS herversleuteld;
CREATE TEMP TABLE na AS SELECT * FROM pg_temp.bladen();
RESET client_min_messages;
SELECT count(*) AS herversleuteld,
       bool_and(n.blad >= (SELECT grootte FROM c2)) AS nieuwe_bladen,
       bool_and(n.vorige = v.blad) AS vervangen_de_oude,
       bool_and(n.vinger = substr(n.hash, 1, 4)) AS nieuwe_vingers,
       bool_and(h.hash = v.hash AND h.vervangen_door = n.blad AND h.vernietigd_in IS NULL) AS oude_hash_bewaard,
       bool_and(n.hash <> v.hash) AS andere_inhoud
  FROM na n JOIN voor v USING (g, tabel, sleutel) LEFT JOIN seal_leaf_hash h ON h.blad = v.blad;
SELECT count(*) AS checkpoints_sinds_c2 FROM verzegel_controlepunt WHERE grootte > (SELECT grootte FROM c2);
SET client_min_messages = error;
SELECT verzegel() > 0 AS verzegeld;
RESET client_min_messages;

-- Inclusion proofs, checked by RFC 9162 2.1.3.2: of the remaining
-- versions and objects (their leaf hashes recomputed from the rows), and
-- of the destroyed and the superseded leaves (their stored hashes),
-- against the latest checkpoint.
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
SELECT count(*) AS bewijzen,
       bool_and(decode(p->>'hash', 'base64') = b.hash) AS hash_van_de_rij,
       bool_and(pg_temp.opname_klopt(b.blad, c.grootte, decode(p->>'hash', 'base64'), p->'pad', c.wortel)) AS bewijs_klopt
  FROM pg_temp.bladen() b,
       (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) c,
       LATERAL (SELECT _seal_leaf_proof(b.blad, c.grootte) AS p) x;
SELECT count(*) AS bewaarde_bladen,
       bool_and(decode(p->>'hash', 'base64') = h.hash) AS hash_bewaard,
       bool_and(pg_temp.opname_klopt(h.blad, c.grootte, h.hash, p->'pad', c.wortel)) AS bewijs_klopt
  FROM seal_leaf_hash h JOIN voor b USING (blad),
       (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) c,
       LATERAL (SELECT _seal_leaf_proof(h.blad, c.grootte) AS p) x;

-- Consistency proofs, checked by RFC 9162 2.1.4.2, from before the purge,
-- from before the re-encryption, to the latest checkpoint.
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
  FROM verzegel_controlepunt a
  JOIN verzegel_controlepunt b ON a.grootte IN ((SELECT grootte FROM c1), (SELECT grootte FROM c2))
                              AND b.grootte > a.grootte,
       LATERAL (SELECT bewijs_consistentie(a.grootte, b.grootte) AS p) x;
-- The root of every checkpoint since, from all leaf hashes (stored or
-- recomputed from the rows).
SELECT bool_and(c.wortel = _tree_root(c.grootte)) AS wortels_kloppen
  FROM verzegel_controlepunt c WHERE c.grootte >= (SELECT grootte FROM c1);

-- A row changed behind the log's back (a superuser with the guards off:
-- the event triggers disabled, then the append-only trigger): the purge
-- and the re-encryption refuse it, naming it, and change nothing.
CREATE FUNCTION pg_temp.fout(sql text, blad bigint, sleutel uuid) RETURNS TABLE (sqlstate text, noemt_rij boolean, hint text)
    LANGUAGE plpgsql AS $$
DECLARE m text; h text;
BEGIN
    EXECUTE sql;
    RETURN QUERY SELECT 'no error'::text, NULL::boolean, NULL::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, h = PG_EXCEPTION_HINT;
    RETURN QUERY SELECT SQLSTATE::text,
                        m = format('the row of leaf %s (verwerkt_object %s) differs from its sealed leaf', blad, sleutel), h;
END $$;
CREATE TEMP TABLE stand AS
SELECT (SELECT count(*) FROM seal_leaf_hash) AS bewaard, (SELECT count(*) FROM verwerkt_object) AS objecten,
       (SELECT count(*) FROM verwerkingsactie_versie) AS versies, (SELECT count(*) FROM seal_queue) AS wachtrij,
       (SELECT md5(string_agg(encode(object_versleuteld, 'hex'), ',' ORDER BY verwerkt_object_id)) FROM verwerkt_object) AS versleuteld;
CREATE TEMP TABLE knoei AS
SELECT b.blad, b.sleutel FROM vang x JOIN pg_temp.bladen() b USING (g) WHERE x.g = 11 AND b.tabel = 2;
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER TABLE verwerkt_object DISABLE TRIGGER verwerkt_object_append_only;
UPDATE verwerkt_object SET betrokkenheid = 'vervalst'
 WHERE verwerkt_object_id = (SELECT sleutel FROM knoei);
SELECT * FROM pg_temp.fout('SELECT verwerkingenlog.vernietig_verlopen(''1911-06-01T00:00:00Z'')',
                           (SELECT blad FROM knoei), (SELECT sleutel FROM knoei));
SET client_min_messages = error;
SELECT _rotate_key() > 1 AS geroteerd;
RESET client_min_messages;
SELECT * FROM pg_temp.fout('SELECT verwerkingenlog.herversleutel(1000000)',
                           (SELECT blad FROM knoei), (SELECT sleutel FROM knoei));
SELECT (SELECT count(*) FROM seal_leaf_hash) = s.bewaard AS geen_hash_erbij,
       (SELECT count(*) FROM verwerkt_object) = s.objecten AND (SELECT count(*) FROM verwerkingsactie_versie) = s.versies AS niets_vernietigd,
       (SELECT count(*) FROM seal_queue) = s.wachtrij AS niets_in_de_wachtrij,
       (SELECT md5(string_agg(encode(object_versleuteld, 'hex'), ',' ORDER BY verwerkt_object_id)) FROM verwerkt_object) = s.versleuteld AS niets_herversleuteld
  FROM stand s;
ROLLBACK;
