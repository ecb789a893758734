-- The benchmark's data: one deterministic generator for both sides, so that
-- the extension (through its own API) and the baseline (plain INSERT) hold
-- the same content.
--
-- Action i of n (1-based): actions come in verwerkingen of 5 consecutive
-- actions about one person; the first action of a verwerking also names a
-- partner (two verwerkte objecten), so there are 1.2 objects per action.
-- tijdstip runs evenly from 2021-01-01 to 2025-01-01 (four years), written
-- with an explicit +01:00 offset.  One verwerking in ten is vertrouwelijk.
-- Every attribute of the standard is filled.
CREATE SCHEMA bench;
GRANT USAGE ON SCHEMA bench TO PUBLIC;

-- A valid BSN (elfproef) for person p, distinct per p, 0 < p < 1,000,000:
-- eight digits 1xxxxxx0 from p (the last one raised by one when the check
-- digit would be 10), then the check digit.
CREATE FUNCTION bench.bsn(p bigint) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
AS $$
DECLARE
    pre bigint := 10000000 + p * 10;
    som bigint;
BEGIN
    som := 9 * (pre / 10000000 % 10) + 8 * (pre / 1000000 % 10) + 7 * (pre / 100000 % 10)
         + 6 * (pre / 10000 % 10) + 5 * (pre / 1000 % 10) + 4 * (pre / 100 % 10)
         + 3 * (pre / 10 % 10);
    IF som % 11 = 10 THEN
        pre := pre + 1;
        som := som + 2;
    END IF;
    RETURN (pre * 10 + som % 11)::text;
END
$$;

CREATE TYPE bench.actie AS (
    actie_naam                        text,
    handeling_naam                    text,
    verwerking_naam                   text,
    verwerking_id                     uuid,
    verwerkingsactiviteit_id          uuid,
    verwerkingsactiviteit_url         text,
    vertrouwelijkheid                 text,
    bewaartermijn                     text,
    uitvoerder                        text,
    systeem                           text,
    gebruiker                         text,
    gegevensbron                      text,
    soort_afnemer_id                  text,
    afnemer_id                        text,
    verwerkingsactiviteit_id_afnemer  uuid,
    verwerkingsactiviteit_url_afnemer text,
    verwerking_id_afnemer             uuid,
    tijdstip                          text,
    persoon                           bigint,
    partner                           bigint
);

-- Declared as a set-returning function of plain columns so that the
-- planner inlines it.
CREATE FUNCTION bench.actie(i bigint, n bigint, personen bigint) RETURNS SETOF bench.actie
    LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 1
AS $$
    SELECT (ARRAY['Zoeken personen', 'Raadplegen persoon', 'Wijzigen adres',
                  'Opvragen gegevens', 'Versturen bericht'])[k + 1],
           (ARRAY['Intake', 'Beoordelen', 'Besluiten'])[g % 3 + 1],
           (ARRAY['Huwelijk', 'Verhuizing', 'Paspoort aanvraag', 'Bijstand', 'Parkeervergunning'])[g % 5 + 1],
           md5('verwerking' || g)::uuid,
           md5('activiteit' || g % 40)::uuid,
           'https://verwerkingsactiviteiten.gemeente.example/api/v1/verwerkingsactiviteiten/'
               || md5('activiteit' || g % 40)::uuid,
           CASE WHEN g % 10 = 3 THEN 'vertrouwelijk' ELSE 'normaal' END,
           (ARRAY['P10Y', 'P20Y', 'P5Y6M'])[g % 3 + 1],
           '00000001821002193000',
           'FooBarApp v2.1',
           'medewerker' || g % 500,
           'FooBar Database Publiekszaken',
           'OIN',
           '00000001234567890000',
           md5('afnemer' || g % 40)::uuid,
           'https://www.afnemer.example/var/api/v1/verwerkingsactiviteiten/' || md5('afnemer' || g % 40)::uuid,
           md5('afnemerverwerking' || g)::uuid,
           to_char(timestamp '2021-01-01' + ((i - 1) * (126230400.0 / n)) * interval '1 second',
                   'YYYY-MM-DD"T"HH24:MI:SS.MS') || '+01:00',
           1 + (g * 48271) % personen,
           CASE WHEN k = 0 THEN 1 + (g * 48271 + personen / 2) % personen END
      FROM (SELECT (i - 1) / 5 AS g, (i - 1) % 5 AS k) x
$$;

-- The verwerkte objecten of an action.
CREATE FUNCTION bench.objecten(a bench.actie,
                               OUT volgorde smallint, OUT object_id text,
                               OUT betrokkenheid text, OUT soorten text[])
    RETURNS SETOF record
    LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 2
AS $$
    SELECT o.volgorde, bench.bsn(o.p), o.betrokkenheid, o.soorten
      FROM (VALUES (1::smallint, a.persoon, 'Aanvrager', '{BSN,Naam,Adres}'::text[]),
                   (2::smallint, a.partner, 'Partner', '{BSN,Naam}'::text[])) o(volgorde, p, betrokkenheid, soorten)
     WHERE o.p IS NOT NULL
$$;

-- The action as the API takes it (VerwerkingsactieUitgebreidBasis).
-- PL/pgSQL: one cheap call per loaded action.
CREATE FUNCTION bench.doc(a bench.actie) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    RETURN jsonb_build_object(
        'actieNaam', a.actie_naam,
        'handelingNaam', a.handeling_naam,
        'verwerkingNaam', a.verwerking_naam,
        'verwerkingId', a.verwerking_id,
        'verwerkingsactiviteitId', a.verwerkingsactiviteit_id,
        'verwerkingsactiviteitUrl', a.verwerkingsactiviteit_url,
        'vertrouwelijkheid', a.vertrouwelijkheid,
        'bewaartermijn', a.bewaartermijn,
        'uitvoerder', a.uitvoerder,
        'systeem', a.systeem,
        'gebruiker', a.gebruiker,
        'gegevensbron', a.gegevensbron,
        'soortAfnemerId', a.soort_afnemer_id,
        'afnemerId', a.afnemer_id,
        'verwerkingsactiviteitIdAfnemer', a.verwerkingsactiviteit_id_afnemer,
        'verwerkingsactiviteitUrlAfnemer', a.verwerkingsactiviteit_url_afnemer,
        'verwerkingIdAfnemer', a.verwerking_id_afnemer,
        'tijdstip', a.tijdstip,
        'verwerkteObjecten',
            jsonb_build_array(jsonb_build_object(
                'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', bench.bsn(a.persoon),
                'betrokkenheid', 'Aanvrager',
                'verwerkteSoortenGegevens',
                    '[{"soortGegeven": "BSN"}, {"soortGegeven": "Naam"}, {"soortGegeven": "Adres"}]'::jsonb))
            || CASE WHEN a.partner IS NULL THEN '[]'::jsonb
                    ELSE jsonb_build_array(jsonb_build_object(
                        'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', bench.bsn(a.partner),
                        'betrokkenheid', 'Partner',
                        'verwerkteSoortenGegevens',
                            '[{"soortGegeven": "BSN"}, {"soortGegeven": "Naam"}]'::jsonb)) END);
END
$$;

-- Loading the baseline: actions lo..hi of n in one statement, ids from the
-- same uuidv7() as the extension.
CREATE FUNCTION bench.laad_baseline(lo bigint, hi bigint, n bigint, personen bigint) RETURNS bigint
    LANGUAGE sql VOLATILE
AS $$
    WITH a AS MATERIALIZED (
        SELECT verwerkingenlog.uuidv7() AS id, x AS d
          FROM generate_series(lo, hi) i
         CROSS JOIN LATERAL bench.actie(i, n, personen) x),
    acties AS (
        INSERT INTO baseline.verwerkingsactie
            (actie_id, actie_naam, handeling_naam, verwerking_naam, verwerking_id,
             verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn,
             uitvoerder, systeem, gebruiker, gegevensbron, soort_afnemer_id, afnemer_id,
             verwerkingsactiviteit_id_afnemer, verwerkingsactiviteit_url_afnemer,
             verwerking_id_afnemer, tijdstip, tijdstip_registratie)
        SELECT id, (d).actie_naam, (d).handeling_naam, (d).verwerking_naam, (d).verwerking_id,
               (d).verwerkingsactiviteit_id, (d).verwerkingsactiviteit_url, (d).vertrouwelijkheid,
               (d).bewaartermijn, (d).uitvoerder, (d).systeem, (d).gebruiker, (d).gegevensbron,
               (d).soort_afnemer_id, (d).afnemer_id, (d).verwerkingsactiviteit_id_afnemer,
               (d).verwerkingsactiviteit_url_afnemer, (d).verwerking_id_afnemer,
               (d).tijdstip::timestamptz, clock_timestamp()
          FROM a)
    INSERT INTO baseline.verwerkt_object
        (verwerkt_object_id, actie_id, volgorde, tijdstip, objecttype, soort_object_id,
         object_id, betrokkenheid, verwerkte_soorten_gegevens)
    SELECT verwerkingenlog.uuidv7(), a.id, o.volgorde, (a.d).tijdstip::timestamptz, 'persoon', 'BSN',
           o.object_id, o.betrokkenheid, o.soorten
      FROM a CROSS JOIN LATERAL bench.objecten(a.d) o;
    SELECT hi - lo + 1
$$;

-- Batch scripts for pgbench: actions lo .. lo+cnt-1 as one literal.  pgbench
-- takes ":name" anywhere in a script for a variable, so the colons of the
-- times are written without one: \u003a inside JSON strings, epoch seconds
-- in SQL.  The values are the same.
CREATE FUNCTION bench.batch_json(lo bigint, cnt integer, n bigint, personen bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
AS $$
    SELECT regexp_replace(jsonb_agg(bench.doc(x) ORDER BY i)::text, '(\d):(\d)', '\1\\u003a\2', 'g')
      FROM generate_series(lo, lo + cnt - 1) i
     CROSS JOIN LATERAL bench.actie(i, n, personen) x
$$;

CREATE FUNCTION bench.batch_sql(lo bigint, cnt integer, n bigint, personen bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
AS $f$
    WITH r AS MATERIALIZED (
        SELECT i - lo + 1 AS nr, x AS d
          FROM generate_series(lo, lo + cnt - 1) i
         CROSS JOIN LATERAL bench.actie(i, n, personen) x)
    SELECT format($s$WITH r(nr, actie_naam, handeling_naam, verwerking_naam, verwerking_id,
         verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn,
         uitvoerder, systeem, gebruiker, gegevensbron, soort_afnemer_id, afnemer_id,
         verwerkingsactiviteit_id_afnemer, verwerkingsactiviteit_url_afnemer,
         verwerking_id_afnemer, tijdstip) AS (VALUES
%s),
o(nr, volgorde, object_id, betrokkenheid, soorten) AS (VALUES
%s),
a AS MATERIALIZED (SELECT verwerkingenlog.uuidv7() AS actie_id, r.* FROM r),
i AS (
    INSERT INTO baseline.verwerkingsactie
        (actie_id, actie_naam, handeling_naam, verwerking_naam, verwerking_id,
         verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn,
         uitvoerder, systeem, gebruiker, gegevensbron, soort_afnemer_id, afnemer_id,
         verwerkingsactiviteit_id_afnemer, verwerkingsactiviteit_url_afnemer,
         verwerking_id_afnemer, tijdstip, tijdstip_registratie)
    SELECT actie_id, actie_naam, handeling_naam, verwerking_naam, verwerking_id,
           verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn,
           uitvoerder, systeem, gebruiker, gegevensbron, soort_afnemer_id, afnemer_id,
           verwerkingsactiviteit_id_afnemer, verwerkingsactiviteit_url_afnemer,
           verwerking_id_afnemer, tijdstip, clock_timestamp()
      FROM a)
INSERT INTO baseline.verwerkt_object
    (verwerkt_object_id, actie_id, volgorde, tijdstip, objecttype, soort_object_id,
     object_id, betrokkenheid, verwerkte_soorten_gegevens)
SELECT verwerkingenlog.uuidv7(), a.actie_id, o.volgorde, a.tijdstip, 'persoon', 'BSN',
       o.object_id, o.betrokkenheid, o.soorten
  FROM o JOIN a USING (nr);
$s$,
        (SELECT string_agg(format('(%s, %L, %L, %L, %L::uuid, %L::uuid, %L, %L, %L, %L, %L, %L, %L, %L, %L, %L::uuid, %L, %L::uuid, to_timestamp(%s))',
                                  nr, (d).actie_naam, (d).handeling_naam, (d).verwerking_naam,
                                  (d).verwerking_id, (d).verwerkingsactiviteit_id,
                                  (d).verwerkingsactiviteit_url, (d).vertrouwelijkheid, (d).bewaartermijn,
                                  (d).uitvoerder, (d).systeem, (d).gebruiker, (d).gegevensbron,
                                  (d).soort_afnemer_id, (d).afnemer_id,
                                  (d).verwerkingsactiviteit_id_afnemer,
                                  (d).verwerkingsactiviteit_url_afnemer, (d).verwerking_id_afnemer,
                                  extract(epoch FROM (d).tijdstip::timestamptz)),
                           E',\n' ORDER BY nr) FROM r),
        (SELECT string_agg(format('(%s, %s::smallint, %L, %L, %L::text[])',
                                  r.nr, o.volgorde, o.object_id, o.betrokkenheid, o.soorten),
                           E',\n' ORDER BY r.nr, o.volgorde)
           FROM r CROSS JOIN LATERAL bench.objecten(r.d) o))
$f$;

-- Fixtures: names and ids the scripts need, written by the runner.
CREATE TABLE bench.vast (naam text PRIMARY KEY, waarde text NOT NULL);
GRANT SELECT, INSERT ON bench.vast TO PUBLIC;
