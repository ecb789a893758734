-- The tree's leaves packed in blocks (1.2, DESIGN12.md, src/seal_blok.c):
-- where blocks are cut (128 leaves, a key not larger than the previous one,
-- a jump of the sort value), _seal_leaves gives back what was sealed, the
-- stored nodes are the tree hashes of their children, proofs check out by
-- this test's own RFC 9162 code, a changed or removed row makes its proof
-- fail naming the leaf, a row queued again gets no second leaf, and the
-- blocks take fewer than 30 bytes per leaf.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET client_min_messages = error;
SELECT verzegel() >= 0 AS begin;
CREATE TEMP TABLE begin AS SELECT coalesce(max(grootte), 0) AS grootte FROM verzegel_controlepunt;

CREATE FUNCTION pg_temp.log(van int, tot int) RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
         'actieNaam', 'blok ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
         'verwerkteObjecten', jsonb_build_array(
           jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (400000000 + g)::text))))
         FROM generate_series(van, tot) g))
$$;
-- The leaves from tree index begin on, with the hash of each row's
-- canonical encoding at its leaf (NULL when the row is gone).
CREATE FUNCTION pg_temp.bladen() RETURNS TABLE (tabel int, blad bigint, u uuid, n bigint, vorige bigint, vinger bytea, hash bytea)
    LANGUAGE sql AS $$
SELECT 1, b.blad, b.u, b.n, b.vorige, b.vinger, sha256('\x00'::bytea || verwerkingenlog._canonical(v, b.blad, b.vorige))
  FROM verwerkingenlog._seal_leaves(1::smallint) b
  LEFT JOIN verwerkingenlog.verwerkingsactie_versie v ON (b.u, b.n) = (v.actie_id, v.volgnummer)
 WHERE b.blad >= (SELECT grootte FROM begin)
UNION ALL
SELECT 2, b.blad, b.u, b.n, b.vorige, b.vinger, sha256('\x00'::bytea || verwerkingenlog._canonical(o, b.blad, b.vorige))
  FROM verwerkingenlog._seal_leaves(2::smallint) b
  LEFT JOIN verwerkingenlog.verwerkt_object o ON b.u = o.verwerkt_object_id
 WHERE b.blad >= (SELECT grootte FROM begin)
$$;
CREATE FUNCTION pg_temp.node(l bytea, r bytea) RETURNS bytea LANGUAGE sql AS $$ SELECT sha256('\x01'::bytea || l || r) $$;
-- RFC 9162 2.1.3.2: does the inclusion proof pad of the leaf hash h at
-- index blad lead to the root of the tree of size grootte?
CREATE FUNCTION pg_temp.opname_klopt(blad bigint, grootte bigint, h bytea, pad bytea[], wortel bytea)
    RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE fn bigint := blad; sn bigint := grootte - 1; r bytea := h; p bytea;
BEGIN
    FOREACH p IN ARRAY coalesce(pad, '{}') LOOP
        IF sn = 0 THEN RETURN false; END IF;
        IF fn & 1 = 1 OR fn = sn THEN
            r := pg_temp.node(p, r);
            WHILE fn & 1 = 0 AND fn <> 0 LOOP fn := fn >> 1; sn := sn >> 1; END LOOP;
        ELSE
            r := pg_temp.node(r, p);
        END IF;
        fn := fn >> 1; sn := sn >> 1;
    END LOOP;
    RETURN sn = 0 AND r = wortel;
END $$;
-- The SQLSTATE and message of a statement's error, NULL when it has none.
CREATE FUNCTION pg_temp.fout(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

-- 300 actions with one object each, sealed in one run: per table blocks of
-- 128, 128 and 44 leaves, the keys strictly increasing within each.
SELECT pg_temp.log(1, 300) AS gelogd;
SELECT verzegel() - (SELECT grootte FROM begin) AS nieuwe_bladen;
CREATE TEMP TABLE run1 AS SELECT max(grootte) AS grootte FROM verzegel_controlepunt;
SELECT tabel, array_agg(aantal ORDER BY eerste) AS blokken,
       bool_and(laag <= hoog) AS bereik
  FROM seal_blok WHERE eerste >= (SELECT grootte FROM begin) GROUP BY tabel ORDER BY tabel;
SELECT bool_and((u, n) > (vu, vn)) FILTER (WHERE vu IS NOT NULL) AS stijgend,
       count(*) AS bladen
  FROM (SELECT b.u, b.n, lag(b.u) OVER w AS vu, lag(b.n) OVER w AS vn
          FROM pg_temp.bladen() b JOIN seal_blok k ON b.blad >= k.eerste AND b.blad < k.eerste + k.aantal
        WINDOW w AS (PARTITION BY k.eerste ORDER BY b.blad)) x;
-- a block's laag and hoog are the sort values of its first and last key
SELECT bool_and(k.laag = ('x' || substr(replace(f.u::text, '-', ''), 1, 16))::bit(64)::bigint # (-9223372036854775807 - 1)
            AND k.hoog = ('x' || substr(replace(l.u::text, '-', ''), 1, 16))::bit(64)::bigint # (-9223372036854775807 - 1)) AS sorteerwaarden
  FROM seal_blok k
  JOIN pg_temp.bladen() f ON f.blad = k.eerste
  JOIN pg_temp.bladen() l ON l.blad = k.eerste + k.aantal - 1
 WHERE k.eerste >= (SELECT grootte FROM begin);

-- _seal_leaves gives back what was sealed: every version and object of the
-- run once, at consecutive indexes, each fingerprint the first 4 bytes of
-- the hash of its row's canonical encoding, nothing superseded.
SELECT count(*) FILTER (WHERE b.vinger = substr(b.hash, 1, 4)) AS vingers_kloppen,
       count(*) AS bladen, count(DISTINCT b.blad) AS indexen,
       min(b.blad) = (SELECT grootte FROM begin) AND max(b.blad) = (SELECT grootte FROM run1) - 1 AS aaneengesloten,
       count(*) FILTER (WHERE b.vorige IS NOT NULL) AS vervangend
  FROM pg_temp.bladen() b;
SELECT count(*) AS versies_zonder_blad
  FROM verwerkingsactie_versie v
 WHERE v.actie_naam LIKE 'blok %'
   AND NOT EXISTS (SELECT FROM pg_temp.bladen() b WHERE b.tabel = 1 AND (b.u, b.n) = (v.actie_id, v.volgnummer));
-- _seal_leaf_of finds the leaf of a key, and nothing for an unknown key
SELECT (SELECT l.blad FROM _seal_leaf_of(1::smallint, v.actie_id, v.volgnummer) l)
         = (SELECT b.blad FROM pg_temp.bladen() b WHERE b.tabel = 1 AND b.u = v.actie_id) AS gevonden,
       (SELECT l.blad FROM _seal_leaf_of(1::smallint, '00000000-0000-4000-8000-000000000000', 1) l) IS NULL AS onbekend
  FROM verwerkingsactie_versie v WHERE v.actie_naam = 'blok 150';

-- Every level-4 node of this run is the tree hash of its 16 leaves (from
-- their rows), every higher node that of its 16 children.
SELECT count(*) FILTER (WHERE k.hash = (SELECT _mth(array_agg(b.hash ORDER BY b.blad)) FROM pg_temp.bladen() b
                                         WHERE b.blad >= k.positie * 16 AND b.blad < k.positie * 16 + 16)) = count(*)
       AND count(*) = ((SELECT grootte FROM run1) >> 4) - (((SELECT grootte FROM begin) + 15) >> 4) AS niveau_4
  FROM seal_node k
 WHERE k.niveau = 4 AND k.positie * 16 >= (SELECT grootte FROM begin) AND (k.positie + 1) * 16 <= (SELECT grootte FROM run1);
SELECT bool_and(k.hash = (SELECT _mth(array_agg(c.hash ORDER BY c.positie)) FROM seal_node c
                           WHERE c.niveau = k.niveau - 4 AND c.positie >= k.positie * 16 AND c.positie < k.positie * 16 + 16)) AS hoger
  FROM seal_node k WHERE k.niveau > 4;
-- the root of the checkpoint over the whole tree equals _tree_root
SELECT c.wortel = _tree_root(c.grootte) AS wortel
  FROM verzegel_controlepunt c WHERE c.grootte = (SELECT grootte FROM run1);

-- Every leaf's proof (_seal_leaf_proof, bewijs_opname's part per leaf)
-- checks out, with the hash of its row; a wrong hash or place does not.
SELECT count(*) FILTER (WHERE pg_temp.opname_klopt(b.blad, c.grootte, decode(p->>'hash', 'base64'),
                                                   ARRAY(SELECT decode(h, 'base64') FROM jsonb_array_elements_text(p->'pad') h), c.wortel)
                          AND decode(p->>'hash', 'base64') = b.hash AND (p->>'blad')::bigint = b.blad
                          AND p->>'tabel' = CASE b.tabel WHEN 1 THEN 'verwerkingsactie_versie' ELSE 'verwerkt_object' END) AS kloppen,
       count(*) AS bewijzen,
       count(*) FILTER (WHERE pg_temp.opname_klopt(b.blad, c.grootte, sha256(b.hash),
                                                   ARRAY(SELECT decode(h, 'base64') FROM jsonb_array_elements_text(p->'pad') h), c.wortel)
                           OR pg_temp.opname_klopt(b.blad + 1, c.grootte, b.hash,
                                                   ARRAY(SELECT decode(h, 'base64') FROM jsonb_array_elements_text(p->'pad') h), c.wortel)) AS vals_klopt
  FROM pg_temp.bladen() b, (SELECT * FROM verzegel_controlepunt WHERE grootte = (SELECT grootte FROM run1)) c,
       LATERAL _seal_leaf_proof(b.blad, c.grootte) p;
SELECT pg_temp.fout('SELECT verwerkingenlog._seal_leaf_proof(' || (SELECT grootte FROM run1) || ', ' || (SELECT grootte FROM run1) || ')')
       = '22023 leaf ' || (SELECT grootte FROM run1) || ' is not in a tree of size ' || (SELECT grootte FROM run1) AS buiten_de_boom;

-- What the blocks cost: bytes of their tuples (with line pointer) and of
-- the level-4 nodes, per leaf of the run; and against the log's own rows.
SELECT (SELECT sum(pg_column_size(k.*) + 4) FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM begin))::numeric
         / ((SELECT grootte FROM run1) - (SELECT grootte FROM begin)) < 20 AS blok_bytes_per_blad_onder_20,
       ((SELECT sum(pg_column_size(k.*) + 4) FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM begin))
        + (SELECT sum(pg_column_size(k.*) + 4) FROM seal_node k WHERE k.niveau = 4 AND k.positie * 16 >= (SELECT grootte FROM begin)))::numeric
         / ((SELECT grootte FROM run1) - (SELECT grootte FROM begin)) < 30 AS bytes_per_blad_onder_30;

-- A row queued again (by hand) gets no second leaf; a re-encryption queued
-- by hand, whose old hash nobody captured, is refused as corruption.
INSERT INTO seal_queue (tabel, soort, u, n)
SELECT 1, 'I', v.actie_id, v.volgnummer FROM verwerkingsactie_versie v WHERE v.actie_naam IN ('blok 1', 'blok 2', 'blok 300')
UNION ALL
SELECT 2, 'I', o.verwerkt_object_id, 0 FROM verwerkt_object o JOIN verwerkingsactie_versie v USING (actie_id) WHERE v.actie_naam = 'blok 7';
SELECT count(*) AS wachtend FROM seal_queue;
SELECT verzegel() = (SELECT grootte FROM run1) AS geen_nieuw_blad;
SELECT (SELECT count(*) FROM seal_queue) AS wachtend, (SELECT count(*) FROM pg_temp.bladen()) AS bladen;
BEGIN;
INSERT INTO seal_queue (tabel, soort, u, n)
SELECT 2, 'U', o.verwerkt_object_id, 0 FROM verwerkt_object o JOIN verwerkingsactie_versie v USING (actie_id) WHERE v.actie_naam = 'blok 8';
SELECT pg_temp.fout('SELECT verwerkingenlog.verzegel()') AS zonder_hash;
ROLLBACK;

-- Tampering, as a superuser with the guards off (rolled back): a changed
-- row makes its proof, and its neighbour's, fail naming the leaf; so does
-- a removed row.
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER TABLE verwerkt_object DISABLE TRIGGER ALL;
ALTER TABLE verwerkingsactie_versie DISABLE TRIGGER ALL;
CREATE TEMP TABLE doel AS
SELECT b.blad, b.u FROM pg_temp.bladen() b JOIN verwerkt_object o ON o.verwerkt_object_id = b.u
  JOIN verwerkingsactie_versie v USING (actie_id) WHERE v.actie_naam = 'blok 40';
UPDATE verwerkt_object SET objecttype = 'kat' WHERE verwerkt_object_id = (SELECT u FROM doel);
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', d.blad, r.grootte))
       = format('XX001 the row of leaf %s (verwerkt_object %s) differs from its sealed leaf', d.blad, d.u) AS veranderd,
       pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', d.blad # 1, r.grootte))
       = format('XX001 the row of leaf %s (verwerkt_object %s) differs from its sealed leaf', d.blad, d.u) AS buurman,
       pg_temp.fout(format('SELECT verwerkingenlog._tree_root(%s)', r.grootte)) IS NULL AS wortel_uit_knopen
  FROM doel d, run1 r;
CREATE TEMP TABLE weg AS
SELECT b.blad, b.u, b.n FROM pg_temp.bladen() b JOIN verwerkingsactie_versie v ON (v.actie_id, v.volgnummer) = (b.u, b.n)
 WHERE v.actie_naam = 'blok 41';
DELETE FROM verwerkingsactie_versie WHERE actie_id = (SELECT u FROM weg);
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', w.blad, r.grootte))
       = format('XX001 the row of leaf %s (verwerkingsactie_versie %s/%s) is gone and no purge destroyed it', w.blad, w.u, w.n) AS verwijderd
  FROM weg w, run1 r;
ROLLBACK;
-- untouched again
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', b.blad, r.grootte)) IS NULL AS hersteld
  FROM pg_temp.bladen() b JOIN verwerkt_object o ON o.verwerkt_object_id = b.u
  JOIN verwerkingsactie_versie v USING (actie_id), run1 r WHERE v.actie_naam = 'blok 40';

-- A damaged block is an error naming it, never a wrong leaf; a changed
-- fingerprint makes the row differ from its leaf (rolled back).
BEGIN;
CREATE TEMP TABLE blok AS
SELECT k.eerste, k.aantal FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM begin) ORDER BY k.eerste OFFSET 1 LIMIT 1;
UPDATE seal_blok SET sleutels = substr(sleutels, 1, length(sleutels) - 1) WHERE eerste = (SELECT eerste FROM blok);
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', b.eerste + 1, r.grootte))
       = format('XX001 block %s of the tree is damaged', b.eerste) AS sleutels_kapot
  FROM blok b, run1 r;
ROLLBACK;
BEGIN;
CREATE TEMP TABLE blok AS
SELECT k.eerste, k.aantal FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM begin) ORDER BY k.eerste OFFSET 1 LIMIT 1;
UPDATE seal_blok SET sleutels = sleutels || '\x0000'::bytea WHERE eerste = (SELECT eerste FROM blok);
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', b.eerste + 1, r.grootte))
       = format('XX001 block %s of the tree is damaged', b.eerste) AS sleutels_te_lang
  FROM blok b, run1 r;
ROLLBACK;
BEGIN;
CREATE TEMP TABLE blok AS
SELECT k.eerste, k.aantal FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM begin) ORDER BY k.eerste OFFSET 1 LIMIT 1;
UPDATE seal_blok SET vingers = substr(vingers, 1, 4 * aantal - 1) WHERE eerste = (SELECT eerste FROM blok);
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', b.eerste, r.grootte))
       = format('XX001 block %s of the tree is damaged', b.eerste) AS vingers_kapot
  FROM blok b, run1 r;
ROLLBACK;
BEGIN;
CREATE TEMP TABLE blok AS
SELECT k.eerste, k.aantal, k.tabel FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM begin) ORDER BY k.eerste OFFSET 1 LIMIT 1;
UPDATE seal_blok SET vingers = set_byte(vingers, 4 * 5, get_byte(vingers, 4 * 5) # 1) WHERE eerste = (SELECT eerste FROM blok);
SELECT pg_temp.fout(format('SELECT verwerkingenlog._seal_leaf_proof(%s, %s)', b.eerste + 5, r.grootte))
       ~ format('^XX001 the row of leaf %s \(verwerkingsactie_versie [0-9a-f-]{36}/1\) differs from its sealed leaf$', b.eerste + 5) AS vinger_anders
  FROM blok b, run1 r;
ROLLBACK;

-- Where blocks are cut, with rows of chosen keys (objects copied under new
-- ids, the writer's guard off, the queue trigger on; rolled back).  The
-- sort value of a uuid is its first 8 bytes as a number (minus 2^63): A1
-- to A3 share them, B lies exactly 2^16 * 10000 above (no cut), C one more
-- above B (a cut); D, smaller than all, is sealed by a selection in
-- descending key order (a cut before every leaf).
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER TABLE verwerkt_object DISABLE TRIGGER verwerkt_object_writer_only;
CREATE TEMP TABLE sleutels (naam text, u uuid);
INSERT INTO sleutels VALUES
    ('A1', '01900000-0000-7000-8000-000000000001'), ('A2', '01900000-0000-7000-8000-000000000002'),
    ('A3', '01900000-0000-7000-8000-000000000003'), ('B', '01900000-2710-7000-8000-000000000000'),
    ('C', '01900000-4e20-7001-8000-000000000000');
INSERT INTO verwerkt_object
SELECT s.u, o.actie_id, o.volgnummer, o.volgorde, o.tijdstip, o.objecttype, o.soort_object_id, o.object_pseudoniem,
       o.object_versleuteld, o.betrokkenheid, o.verwerkte_soorten_gegevens
  FROM sleutels s, (SELECT * FROM verwerkt_object LIMIT 1) o;
CREATE TEMP TABLE voor AS SELECT max(grootte) AS grootte FROM verzegel_controlepunt;
SELECT verzegel() - (SELECT grootte FROM voor) AS nieuwe_bladen;
SELECT array_agg(k.aantal ORDER BY k.eerste) AS blokken,
       array_agg((SELECT string_agg(s.naam, ' ' ORDER BY b.blad) FROM _seal_leaves(2::smallint) b JOIN sleutels s USING (u)
                   WHERE b.blad >= k.eerste AND b.blad < k.eerste + k.aantal) ORDER BY k.eerste) AS bladen,
       array_agg(k.hoog - k.laag ORDER BY k.eerste) AS breedte
  FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM voor);
CREATE TEMP TABLE d (naam text, u uuid);
INSERT INTO d VALUES ('D1', '01800000-0000-7000-8000-000000000001'), ('D2', '01800000-0000-7000-8000-000000000002'),
                     ('D3', '01800000-0000-7000-8000-000000000003');
INSERT INTO verwerkt_object
SELECT d.u, o.actie_id, o.volgnummer, o.volgorde, o.tijdstip, o.objecttype, o.soort_object_id, o.object_pseudoniem,
       o.object_versleuteld, o.betrokkenheid, o.verwerkte_soorten_gegevens
  FROM d, (SELECT * FROM verwerkt_object LIMIT 1) o;
DELETE FROM seal_queue;  -- sealed by the selection below instead
CREATE TEMP TABLE voor2 AS SELECT coalesce((SELECT eerste + aantal FROM seal_blok ORDER BY eerste DESC LIMIT 1), 0) AS grootte;
SELECT _seal_append(2::smallint,
         'SELECT ''I''::"char", o.verwerkt_object_id, 0::bigint, o FROM verwerkingenlog.verwerkt_object o
           WHERE o.verwerkt_object_id::text LIKE ''01800000-%'' ORDER BY o.verwerkt_object_id DESC',
         (SELECT grootte FROM voor2)) AS aflopend;
SELECT array_agg(k.aantal ORDER BY k.eerste) AS blokken
  FROM seal_blok k WHERE k.eerste >= (SELECT grootte FROM voor2);
-- the same rows again: every key has its leaf now
SELECT _seal_append(2::smallint,
         'SELECT ''I''::"char", o.verwerkt_object_id, 0::bigint, o FROM verwerkingenlog.verwerkt_object o
           WHERE o.verwerkt_object_id::text LIKE ''01800000-%'' ORDER BY o.verwerkt_object_id',
         (SELECT grootte + 3 FROM voor2)) AS nogmaals;
ROLLBACK;

-- nobody but the owner may read the leaves
SELECT has_function_privilege('verwerkingenlog_beheer', '_seal_leaves(smallint)', 'EXECUTE') AS leaves_beheer,
       has_function_privilege('verwerkingenlog_beheer', '_seal_leaf_of(smallint, uuid, bigint)', 'EXECUTE') AS leaf_of_beheer,
       has_table_privilege('verwerkingenlog_beheer', 'seal_blok', 'SELECT') AS blok_beheer,
       has_table_privilege('verwerkingenlog_beheer', 'seal_leaf_hash', 'SELECT') AS hash_beheer;
