-- oin (domain over text) and vertrouwelijkheid (enum); and catalog checks
-- over all the types of this extension.
SET search_path = verwerkingenlog, public;

-- A helper that shows the result of an input, or its SQLSTATE, message and detail.

-- oin: exactly 20 ASCII digits.
SELECT v AS invoer, regress.invoer('oin', v) AS resultaat
  FROM (VALUES
    ('00000001821002193000'),
    ('12345678901234567890'),
    ('0000000182100219300'),
    ('000000018210021930001'),
    (''),
    (' 00000001821002193000'),
    ('00000001821002193000 '),
    (E'00000001821002193000\n'),
    ('0000000182100219300a'),
    ('0000000182100219300٣'),
    ('00000001821002193000'::text || chr(8203))
  ) AS t(v);
SELECT NULL::oin IS NULL AS null_mag;
SELECT '1234'::oin;
CREATE TABLE organisaties (o oin);
INSERT INTO organisaties VALUES ('00000001821002193000');
INSERT INTO organisaties VALUES ('123');
SELECT conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_constraint
 WHERE contypid = 'verwerkingenlog.oin'::regtype;

-- vertrouwelijkheid: three values, in this order.
SELECT pg_catalog.enum_range(NULL::vertrouwelijkheid);
SELECT v AS invoer, regress.invoer('vertrouwelijkheid', v) AS resultaat
  FROM (VALUES ('normaal'), ('vertrouwelijk'), ('opgeheven'), ('Normaal'), ('geheim'), ('')) AS t(v);
SELECT 'normaal'::vertrouwelijkheid < 'vertrouwelijk' AS ordening,
       'vertrouwelijk'::vertrouwelijkheid < 'opgeheven' AS ordening2;

-- Catalog checks: every operator class validates, every object of these
-- types has a comment, and the functions carry the labels we promise.
SELECT c.opcname, a.amname, pg_catalog.amvalidate(c.oid)
  FROM pg_opclass c JOIN pg_am a ON a.oid = c.opcmethod
 WHERE c.opcnamespace = 'verwerkingenlog'::regnamespace ORDER BY 1, 2;
SELECT pg_catalog.pg_describe_object(d.classid, d.objid, 0) AS zonder_commentaar
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'verwerkingenlog')
   AND d.deptype = 'e'
   AND pg_catalog.pg_describe_object(d.classid, d.objid, 0) ~ '(moment|bewaartermijn|oin|vertrouwelijkheid)'
   AND pg_catalog.obj_description(d.objid, d.classid::regclass::text) IS NULL
 ORDER BY 1;
SELECT p.oid::regprocedure AS functie, p.provolatile, p.proisstrict, p.proparallel
  FROM pg_proc p
 WHERE p.pronamespace = 'verwerkingenlog'::regnamespace AND p.prokind = 'f'
   AND (p.proname ~ '^(moment|bewaartermijn|timestamptz_)' OR p.proname = 'einde_bewaartermijn')
   AND (p.provolatile <> 'i' OR NOT p.proisstrict OR p.proparallel <> 's')
 ORDER BY p.oid::regprocedure::text;
SELECT c.castsource::regtype, c.casttarget::regtype, c.castcontext
  FROM pg_cast c
 WHERE c.castsource IN ('verwerkingenlog.moment'::regtype, 'verwerkingenlog.bewaartermijn'::regtype)
    OR c.casttarget IN ('verwerkingenlog.moment'::regtype, 'verwerkingenlog.bewaartermijn'::regtype)
 ORDER BY c.castsource::regtype::text, c.casttarget::regtype::text;
SELECT t.typname, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory
  FROM pg_type t
 WHERE t.typnamespace = 'verwerkingenlog'::regnamespace
   AND t.typname IN ('moment', 'bewaartermijn', 'oin', 'vertrouwelijkheid')
 ORDER BY 1;
