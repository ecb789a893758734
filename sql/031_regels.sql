-- The confidentiality rule engine: the whole table of _decide and _readable.
\set VERBOSITY default

-- The outcome of one decision: the level to store, or SQLSTATE and message.
CREATE FUNCTION pg_temp.beslis(op text, scopes int,
                               h verwerkingenlog.vertrouwelijkheid,
                               g verwerkingenlog.vertrouwelijkheid) RETURNS text
  LANGUAGE plpgsql AS $$
BEGIN
  RETURN 'stores ' || verwerkingenlog._decide(op, scopes, h, g);
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

CREATE FUNCTION pg_temp.leesbaar(soort text, scopes int,
                                 g verwerkingenlog.vertrouwelijkheid[]) RETURNS text
  LANGUAGE plpgsql AS $$
BEGIN
  RETURN verwerkingenlog._readable(soort, scopes, g)::text;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

-- The scope sets that matter for each operation: none, each of its two
-- scopes, both, and every other scope (which must not help).
CREATE TEMPORARY TABLE scopeset (op text, nr int, naam text, bits int);
INSERT INTO scopeset VALUES
  ('create', 1, '-', 0), ('create', 2, 'create:normal', 1),
  ('create', 3, 'create:confidential', 2), ('create', 4, 'create:normal+confidential', 3),
  ('create', 5, 'all other scopes', 511 & ~3),
  ('update', 1, '-', 0), ('update', 2, 'update:normal', 16),
  ('update', 3, 'update:confidential', 32), ('update', 4, 'update:normal+confidential', 48),
  ('update', 5, 'all other scopes', 511 & ~48),
  ('delete', 1, '-', 0), ('delete', 2, 'delete:normal', 64),
  ('delete', 3, 'delete:confidential', 128), ('delete', 4, 'delete:normal+confidential', 192),
  ('delete', 5, 'all other scopes', 511 & ~192);
INSERT INTO scopeset SELECT 'patch', nr, naam, bits FROM scopeset WHERE op = 'update';

CREATE TEMPORARY TABLE niveau (v verwerkingenlog.vertrouwelijkheid);
INSERT INTO niveau VALUES (NULL), ('normaal'), ('vertrouwelijk'), ('opgeheven');

-- create: no current level; every requested level.
SELECT s.naam AS scopes, g.v AS gevraagd, pg_temp.beslis('create', s.bits, NULL, g.v) AS uitkomst
  FROM scopeset s, niveau g
 WHERE s.op = 'create'
 ORDER BY s.nr, g.v NULLS FIRST;

-- update (PUT): every current level, every requested level.
SELECT s.naam AS scopes, h.v AS huidig, g.v AS gevraagd,
       pg_temp.beslis('update', s.bits, h.v, g.v) AS uitkomst
  FROM scopeset s, niveau h, niveau g
 WHERE s.op = 'update' AND h.v IS NOT NULL AND g.v IS NOT NULL
 ORDER BY s.nr, h.v, g.v;

-- patch (PATCH of a verwerking, per action): gevraagd NULL = only bewaartermijn.
SELECT s.naam AS scopes, h.v AS huidig, g.v AS gevraagd,
       pg_temp.beslis('patch', s.bits, h.v, g.v) AS uitkomst
  FROM scopeset s, niveau h, niveau g
 WHERE s.op = 'patch' AND h.v IS NOT NULL
 ORDER BY s.nr, h.v, g.v NULLS FIRST;

-- delete: every current level; the level is kept.
SELECT s.naam AS scopes, h.v AS huidig, pg_temp.beslis('delete', s.bits, h.v, NULL) AS uitkomst
  FROM scopeset s, niveau h
 WHERE s.op = 'delete' AND h.v IS NOT NULL
 ORDER BY s.nr, h.v;

-- Wrong arguments.
SELECT pg_temp.beslis(op, bits, h, g) AS uitkomst, op, bits, h, g
  FROM (VALUES
    ('verwijder', 511, 'normaal'::verwerkingenlog.vertrouwelijkheid, NULL::verwerkingenlog.vertrouwelijkheid),
    ('CREATE', 511, NULL, 'normaal'),
    (NULL, 511, NULL, 'normaal'),
    ('create', NULL, NULL, 'normaal'),
    ('create', 512, NULL, 'normaal'),
    ('create', -1, NULL, 'normaal'),
    ('create', 511, 'normaal', 'normaal'),
    ('create', 511, NULL, NULL),
    ('create', 0, NULL, NULL),
    ('update', 511, NULL, 'normaal'),
    ('update', 511, 'normaal', NULL),
    ('patch', 511, NULL, 'normaal'),
    ('delete', 511, NULL, NULL),
    ('delete', 511, 'normaal', 'normaal')
  ) AS t(op, bits, h, g);

-- Messages in full.
SELECT verwerkingenlog._decide('create', 1, NULL, 'opgeheven');
SELECT verwerkingenlog._decide('update', 48, 'normaal', 'opgeheven');
SELECT verwerkingenlog._decide('update', 0, 'vertrouwelijk', 'vertrouwelijk');
SELECT verwerkingenlog._decide('update', 16, 'vertrouwelijk', 'normaal');
SELECT verwerkingenlog._decide('delete', 64, 'opgeheven', NULL);
SELECT verwerkingenlog._decide('patch', 16, 'normaal', 'vertrouwelijk');
SELECT verwerkingenlog._decide('verwijder', 511, 'normaal', NULL);

-- Properties over every scope combination (512), operation, and every
-- current and requested level the operation takes.
CREATE TEMPORARY TABLE alles AS
  SELECT op, bits, h.v AS huidig, g.v AS gevraagd, pg_temp.beslis(op, bits, h.v, g.v) AS uitkomst
    FROM unnest(ARRAY['create', 'update', 'patch', 'delete']) AS op,
         generate_series(0, 511) AS bits, niveau h, niveau g
   WHERE CASE op WHEN 'create' THEN h.v IS NULL
                 WHEN 'update' THEN h.v IS NOT NULL AND g.v IS NOT NULL
                 WHEN 'patch' THEN h.v IS NOT NULL
                 ELSE h.v IS NOT NULL AND g.v IS NULL END;
ANALYZE alles;
SELECT count(*) AS beslissingen FROM alles;
-- Confidentiality never forgets: normaal is stored only for an action that
-- is new or normaal now (so a stored normaal was never confidential).
SELECT count(*) AS vergeten
  FROM alles
 WHERE uitkomst = 'stores normaal' AND huidig IS DISTINCT FROM 'normaal' AND op <> 'create';
-- A confidential or lifted action never becomes normaal, whatever is asked.
SELECT DISTINCT op, huidig, uitkomst
  FROM alles
 WHERE huidig IN ('vertrouwelijk', 'opgeheven') AND uitkomst LIKE 'stores%'
 ORDER BY 1, 2, 3;
-- More scopes never take a permission away nor change what is stored
-- (checked for every scope added to every set; the rest follows).
SELECT count(*) AS niet_monotoon
  FROM (SELECT op, huidig, gevraagd, uitkomst, bits | (1 << k) AS meer
          FROM alles, generate_series(0, 8) AS k
         WHERE uitkomst LIKE 'stores%' AND bits & (1 << k) = 0) a
  JOIN alles b
    ON b.op = a.op AND b.bits = a.meer
   AND b.huidig IS NOT DISTINCT FROM a.huidig AND b.gevraagd IS NOT DISTINCT FROM a.gevraagd
 WHERE a.uitkomst <> b.uitkomst;
-- Only the operation's own scopes count: every outcome equals the outcome
-- for the operation's two scopes alone.
SELECT count(*) AS andere_scopes_tellen
  FROM alles a
  JOIN alles b
    ON b.op = a.op
   AND b.bits = a.bits & CASE a.op WHEN 'create' THEN 3 WHEN 'delete' THEN 192 ELSE 48 END
   AND b.huidig IS NOT DISTINCT FROM a.huidig AND b.gevraagd IS NOT DISTINCT FROM a.gevraagd
 WHERE a.uitkomst <> b.uitkomst;
-- Every refusal is 42501, but a create without vertrouwelijkheid (22004).
SELECT left(uitkomst, 5) AS sqlstate, count(*)
  FROM alles WHERE uitkomst NOT LIKE 'stores%' GROUP BY 1 ORDER BY 1;

-- Reads: every soort, the read scope sets, the filters asked for.
CREATE TEMPORARY TABLE leesset (nr int, naam text, bits int);
INSERT INTO leesset VALUES
  (1, '-', 0), (2, 'read:normal', 4), (3, 'read:confidential', 8),
  (4, 'read:normal+confidential', 12), (5, 'all other scopes', 511 & ~12);
CREATE TEMPORARY TABLE filter (nr int, g verwerkingenlog.vertrouwelijkheid[]);
INSERT INTO filter VALUES
  (1, NULL), (2, '{}'), (3, '{normaal}'), (4, '{vertrouwelijk}'), (5, '{opgeheven}'),
  (6, '{normaal,vertrouwelijk}'), (7, '{normaal,normaal}'),
  (8, '{opgeheven,vertrouwelijk,normaal}');

SELECT s.soort, l.naam AS scopes, f.g AS gevraagd, pg_temp.leesbaar(s.soort, l.bits, f.g) AS leesbaar
  FROM (VALUES (1, 'lijst'), (2, 'actie'), (3, 'inzage'), (4, 'historie')) AS s(nr, soort),
       leesset l, filter f
 ORDER BY s.nr, l.nr, f.nr;

-- Properties over every scope combination: a citizen's inzage never
-- returns what is confidential now, read:normal alone never returns anything
-- but normaal, and without a read scope every read is refused.
CREATE TEMPORARY TABLE alles_lezen AS
  SELECT s.soort, bits, f.g AS gevraagd, pg_temp.leesbaar(s.soort, bits, f.g) AS uitkomst
    FROM unnest(ARRAY['lijst', 'actie', 'inzage', 'historie']) AS s(soort),
         generate_series(0, 511) AS bits, filter f;
SELECT count(*) AS inzage_vertrouwelijk
  FROM alles_lezen WHERE soort = 'inzage' AND uitkomst LIKE '{%vertrouwelijk%';
SELECT count(*) AS read_normal_ziet_meer
  FROM alles_lezen
 WHERE bits & 12 = 4 AND uitkomst LIKE '{%' AND uitkomst NOT IN ('{}', '{normaal}');
SELECT count(*) AS zonder_read_scope_gelezen
  FROM alles_lezen WHERE bits & 12 = 0 AND uitkomst NOT LIKE '42501 %';
-- The result never holds a level that was not asked for.
SELECT count(*) AS niet_gevraagd
  FROM alles_lezen
 WHERE uitkomst LIKE '{%' AND cardinality(gevraagd) > 0
   AND NOT (uitkomst::verwerkingenlog.vertrouwelijkheid[] <@ gevraagd);

-- Wrong arguments.
SELECT pg_temp.leesbaar(soort, bits, g) AS uitkomst, soort, bits, g
  FROM (VALUES
    ('lijsten', 511, NULL::verwerkingenlog.vertrouwelijkheid[]),
    (NULL, 511, NULL),
    ('lijst', NULL, NULL),
    ('lijst', 1024, NULL),
    ('lijst', 8, '{normaal,NULL}'),
    ('lijst', 4, '{{normaal},{normaal}}')
  ) AS t(soort, bits, g);

-- Messages in full.
SELECT verwerkingenlog._readable('lijst', 4, NULL);
SELECT verwerkingenlog._readable('lijst', 0, '{normaal}');
SELECT verwerkingenlog._readable('historie', 4, NULL);
SELECT verwerkingenlog._readable('inzage', 0, NULL);

-- The convenience forms use the caller's scopes.
CREATE ROLE regress_vwl_regels;
GRANT verwerkingenlog_update_normal, verwerkingenlog_read_normal TO regress_vwl_regels;
SET ROLE regress_vwl_regels;
SELECT verwerkingenlog.beslis('update', 'normaal', 'normaal');
SELECT verwerkingenlog.beslis('update', 'normaal', 'vertrouwelijk');
SELECT verwerkingenlog.beslis('patch', 'normaal', NULL);
SELECT verwerkingenlog.beslis('create', NULL, 'normaal');
SELECT verwerkingenlog.leesbaar('actie');
SELECT verwerkingenlog.leesbaar('lijst', '{normaal}');
SELECT verwerkingenlog.leesbaar('lijst');
SET request.jwt.claims = '{"scope":"read:normal"}';
SELECT verwerkingenlog.beslis('update', 'normaal', 'normaal');
SELECT verwerkingenlog.leesbaar('inzage');
RESET request.jwt.claims;
RESET ROLE;
SELECT verwerkingenlog.beslis('update', 'vertrouwelijk', 'normaal');
SELECT verwerkingenlog.leesbaar('inzage', NULL);
DROP ROLE regress_vwl_regels;
