-- verzegel()'s bulk path (issue 12, src/seal_append.c) and the proofs read
-- by index range scans (src/merkle.c): a backlog larger than one batch of
-- the C writer gives exactly the leaves the SQL definition says, every
-- inclusion and consistency proof checks out by this test's own RFC 9162
-- code, and _seal_append refuses a selection it cannot trust.  The leaves
-- are packed in blocks (1.2, src/seal_blok.c): read back with _seal_leaves,
-- each leaf's hash recomputed here from its row.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET client_min_messages = error;
SELECT verzegel() >= 0 AS begin;
CREATE TEMP TABLE begin AS SELECT max(grootte) AS grootte FROM verzegel_controlepunt;
-- the leaves of this test's rows, with the hash of each row's canonical
-- encoding at its leaf
CREATE TEMP VIEW bladen AS
SELECT b.blad, b.u, b.n, b.vorige, b.vinger, 1 AS tabel, sha256('\x00'::bytea || _canonical(v, b.blad, b.vorige)) AS hash
  FROM _seal_leaves(1::smallint) b JOIN verwerkingsactie_versie v ON (b.u, b.n) = (v.actie_id, v.volgnummer)
 WHERE b.blad >= (SELECT grootte FROM begin)
UNION ALL
SELECT b.blad, b.u, b.n, b.vorige, b.vinger, 2, sha256('\x00'::bytea || _canonical(o, b.blad, b.vorige))
  FROM _seal_leaves(2::smallint) b JOIN verwerkt_object o ON b.u = o.verwerkt_object_id
 WHERE b.blad >= (SELECT grootte FROM begin);

-- 1,200 actions with two objects each, sealed in two runs: 1,200 leaves,
-- then 2,400, more than two batches of the writer (1,000 rows), of two
-- tables.
CREATE FUNCTION pg_temp.log(van int, tot int) RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM verwerkingenlog.log_verwerkingsacties((SELECT jsonb_agg(jsonb_build_object(
         'actieNaam', 'bulk ' || g, 'vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42+01:00',
         'verwerkteObjecten', jsonb_build_array(
           jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (200000000 + g)::text),
           jsonb_build_object('objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (300000000 + g)::text))))
         FROM generate_series(van, tot) g))
$$;
SELECT pg_temp.log(1, 400) AS gelogd;
SELECT verzegel() - (SELECT grootte FROM begin) AS nieuwe_bladen;
CREATE TEMP TABLE midden AS SELECT max(grootte) AS grootte FROM verzegel_controlepunt;
SELECT pg_temp.log(401, 800) + pg_temp.log(801, 1200) AS gelogd;
SELECT verzegel() - (SELECT grootte FROM midden) AS nieuwe_bladen;
RESET client_min_messages;
SELECT count(*) AS wachtend FROM seal_queue;
-- in tree order: the versions, then the objects, each by key; every index
-- once; each leaf the hash of its row's canonical encoding at its index
SELECT bool_and(tabel = 1) FILTER (WHERE blad < m + 800) AS eerst_versies,
       bool_and(tabel = 2) FILTER (WHERE blad >= m + 800) AS dan_objecten,
       bool_and(u > vorig) FILTER (WHERE vorig IS NOT NULL) AS op_sleutel
  FROM (SELECT tabel, u, lag(u) OVER (PARTITION BY tabel ORDER BY blad) AS vorig, blad, m
          FROM bladen, (SELECT grootte AS m FROM midden) x WHERE blad >= m) b;
SELECT min(blad) = (SELECT grootte FROM begin) AND max(blad) = (SELECT max(grootte) - 1 FROM verzegel_controlepunt)
       AND count(*) = count(DISTINCT blad) AS aaneengesloten
  FROM (SELECT blad FROM seal_table t, _seal_leaves(t.code) WHERE blad >= (SELECT grootte FROM begin)) b;
-- every block's fingerprint is the first 4 bytes of its row's leaf hash
SELECT count(*) FILTER (WHERE b.vinger = substr(b.hash, 1, 4)) AS versies_kloppen, count(*) AS versies
  FROM bladen b WHERE b.tabel = 1;
SELECT count(*) FILTER (WHERE b.vinger = substr(b.hash, 1, 4)) AS objecten_kloppen, count(*) AS objecten
  FROM bladen b WHERE b.tabel = 2;

-- Every stored inner node is the tree hash of its 16 children (the leaves
-- for level 4), and every complete subtree of 16^k leaves has its node.
SELECT bool_and(k.hash = (SELECT _mth(array_agg(b.hash ORDER BY b.blad)) FROM bladen b
                           WHERE b.blad >= k.positie * 16 AND b.blad < k.positie * 16 + 16)) AS niveau_4
  FROM seal_node k WHERE k.niveau = 4 AND k.positie * 16 >= (SELECT grootte FROM begin);
SELECT bool_and(k.hash = (SELECT _mth(array_agg(c.hash ORDER BY c.positie)) FROM seal_node c
                           WHERE c.niveau = k.niveau - 4 AND c.positie >= k.positie * 16 AND c.positie < k.positie * 16 + 16)) AS hoger
  FROM seal_node k WHERE k.niveau > 4;
SELECT bool_and(x.aantal = c.grootte >> x.niveau) AND count(*) = (SELECT count(*) FROM generate_series(4, 60, 4) l WHERE c.grootte >> l > 0)
       AS elke_knoop
  FROM (SELECT niveau, count(*) AS aantal FROM seal_node GROUP BY niveau) x,
       (SELECT max(grootte) AS grootte FROM verzegel_controlepunt) c
 GROUP BY c.grootte;

-- This test's own RFC 9162 verification of an inclusion proof (2.1.3.2)
-- and of a consistency proof (2.1.4.2).
CREATE FUNCTION pg_temp.node(l bytea, r bytea) RETURNS bytea LANGUAGE sql AS $$ SELECT sha256('\x01'::bytea || l || r) $$;
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
CREATE FUNCTION pg_temp.consistentie_klopt(m bigint, n bigint, pad bytea[], oud bytea, nieuw bytea)
    RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE fn bigint := m - 1; sn bigint := n - 1; fr bytea; sr bytea; c bytea;
BEGIN
    IF m & (m - 1) = 0 THEN pad := oud || pad; END IF;
    WHILE fn & 1 = 1 LOOP fn := fn >> 1; sn := sn >> 1; END LOOP;
    fr := pad[1]; sr := pad[1];
    FOREACH c IN ARRAY pad[2:] LOOP
        IF sn = 0 THEN RETURN false; END IF;
        IF fn & 1 = 1 OR fn = sn THEN
            fr := pg_temp.node(c, fr); sr := pg_temp.node(c, sr);
            WHILE fn & 1 = 0 AND fn <> 0 LOOP fn := fn >> 1; sn := sn >> 1; END LOOP;
        ELSE
            sr := pg_temp.node(sr, c);
        END IF;
        fn := fn >> 1; sn := sn >> 1;
    END LOOP;
    RETURN sn = 0 AND fr = oud AND sr = nieuw;
END $$;

-- Every leaf's inclusion proof in the latest tree, and in the trees of the
-- earlier checkpoints that hold it; and a wrong hash or index fails.
SELECT count(*) FILTER (WHERE NOT pg_temp.opname_klopt(b.blad, c.grootte, b.hash, _tree_path('opname', b.blad, c.grootte), c.wortel)) AS kloppen_niet,
       count(*) = 4800 AS bewijzen
  FROM bladen b JOIN verzegel_controlepunt c ON b.blad < c.grootte;
SELECT pg_temp.opname_klopt(b.blad, c.grootte, sha256(b.hash), _tree_path('opname', b.blad, c.grootte), c.wortel) AS ander_blad,
       pg_temp.opname_klopt(b.blad + 1, c.grootte, b.hash, _tree_path('opname', b.blad, c.grootte), c.wortel) AS andere_plaats
  FROM bladen b, (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) c
 WHERE b.blad = (SELECT grootte FROM begin) + 1001;
-- Consistency between every pair of checkpoints, and from every size 1..n
-- of a tree to the latest (the stored subtrees at every alignment).
SELECT count(*) FILTER (WHERE NOT pg_temp.consistentie_klopt(a.grootte, b.grootte, _tree_path('consistentie', a.grootte, b.grootte), a.wortel, b.wortel)) AS kloppen_niet,
       count(*) > 0 AS paren
  FROM verzegel_controlepunt a JOIN verzegel_controlepunt b ON a.grootte < b.grootte WHERE a.grootte > 0;
SELECT count(*) FILTER (WHERE NOT pg_temp.consistentie_klopt(m, c.grootte, _tree_path('consistentie', m, c.grootte), _tree_root(m), c.wortel)) AS kloppen_niet,
       count(*) >= 300 AS groottes
  FROM (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) c, generate_series(1, c.grootte - 1) m
 WHERE m < 300 OR m % 97 = 0;
-- _seal_leaf_proof (bewijs_opname's part per leaf) of a version of this
-- backlog and of its objects: the hash of its row and its proof
SELECT bool_and(pg_temp.opname_klopt(b.blad, c.grootte, decode(p->>'hash', 'base64'),
                                     ARRAY(SELECT decode(h, 'base64') FROM jsonb_array_elements_text(p->'pad') h), c.wortel)
                AND decode(p->>'hash', 'base64') = b.hash AND (p->>'blad')::bigint = b.blad) AS bewijzen_kloppen,
       string_agg(DISTINCT p->>'tabel', ', ') AS tabellen, count(*) AS bladen
  FROM bladen b, (SELECT * FROM verzegel_controlepunt ORDER BY grootte DESC LIMIT 1) c,
       LATERAL _seal_leaf_proof(b.blad, c.grootte) p
 WHERE (b.tabel = 1 AND b.u = (SELECT v.actie_id FROM verwerkingsactie_versie v WHERE v.actie_naam = 'bulk 777'))
    OR (b.tabel = 2 AND b.u IN (SELECT o.verwerkt_object_id FROM verwerkt_object o JOIN verwerkingsactie_versie v USING (actie_id)
                                  WHERE v.actie_naam = 'bulk 777'));

-- _seal_append trusts only a selection of the right shape.
BEGIN;
SELECT _seal_append(2::smallint, 'SELECT 1', (SELECT max(grootte) FROM verzegel_controlepunt));
ROLLBACK;
BEGIN;
SELECT _seal_append(2::smallint, 'SELECT ''I''::"char", NULL::uuid, 0::bigint, o FROM verwerkingenlog.verwerkt_object o LIMIT 1',
                    (SELECT max(grootte) FROM verzegel_controlepunt));
ROLLBACK;
BEGIN;
SELECT _seal_append(2::smallint, 'SELECT ''X''::"char", o.verwerkt_object_id, 0::bigint, o FROM verwerkingenlog.verwerkt_object o LIMIT 1',
                    (SELECT max(grootte) FROM verzegel_controlepunt));
ROLLBACK;
-- not at the end of the tree
\set VERBOSITY terse
BEGIN;
SELECT _seal_append(2::smallint, 'SELECT 1', (SELECT max(grootte) - 1 FROM verzegel_controlepunt));
ROLLBACK;
\set VERBOSITY default
BEGIN;
SELECT _seal_append(2::smallint, 'SELECT 1', -1);
ROLLBACK;
BEGIN;
SELECT _seal_nodes(5, 3);
ROLLBACK;
-- an empty selection writes nothing
SELECT _seal_append(2::smallint, 'SELECT ''I''::"char", o.verwerkt_object_id, 0::bigint, o FROM verwerkingenlog.verwerkt_object o WHERE false',
                    (SELECT max(grootte) FROM verzegel_controlepunt)) AS niets;
-- nobody but the owner may call it
SELECT has_function_privilege('verwerkingenlog_beheer', '_seal_append(smallint, text, bigint)', 'EXECUTE') AS beheer_mag;
