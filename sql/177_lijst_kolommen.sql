-- The list's rows in C (src/list.c, issue 15): one cursor joins each row of
-- the person index with the objects of its action about that person, and
-- builds the documents from plain columns.  Each page equals the SQL
-- definition it replaced -- _document of the current version with the
-- jsonb_agg of _object_document of the action's objects about that person
-- (soortObjectId and pseudonym), in their order -- for an action with the
-- person twice beside another person, an
-- encrypted afnemerId, escapes in the text, and keyset pages both ways.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET TimeZone = 'Europe/Amsterdam';

CREATE TEMP TABLE l_acties AS
SELECT naam, (log_verwerkingsactie(d)->>'actieId')::uuid AS actie
  FROM (VALUES
    ('twee', '{"actieNaam": "twee", "vertrouwelijkheid": "normaal", "tijdstip": "2024-03-01T10:00:00Z",
               "soortAfnemerId": "BSN", "afnemerId": "177177178", "gebruiker": "g \"q\" é \\ \t",
               "verwerkteObjecten": [
                 {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "177177179"},
                 {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "177177177", "betrokkenheid": "Ouder",
                  "verwerkteSoortenGegevens": [{"soortGegeven": "naam"}]},
                 {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "177177177", "betrokkenheid": "Ook"}]}'::jsonb),
    ('een', '{"actieNaam": "een", "vertrouwelijkheid": "normaal", "tijdstip": "2024-03-02T10:00:00Z",
              "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "177177177"}]}'),
    ('geheim', '{"actieNaam": "geheim", "vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-03-03T10:00:00Z",
                 "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "177177177"}]}'),
    ('later', '{"actieNaam": "later", "vertrouwelijkheid": "normaal", "tijdstip": "2024-03-04T10:00:00Z",
                "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "177177177"}]}')
  ) AS t(naam, d);

-- The SQL definition, newest first.
CREATE TEMP TABLE l_verwacht AS
SELECT row_number() OVER (ORDER BY v.tijdstip DESC, v.actie_id DESC) AS n, v.tijdstip::timestamptz AS tijdstip, v.actie_id,
       _document(v, (SELECT jsonb_agg(_object_document(x) ORDER BY x.volgorde)
                       FROM verwerkt_object x
                      WHERE x.actie_id = v.actie_id AND x.volgnummer = v.objecten_volgnummer
                        AND x.soort_object_id = 'BSN' AND x.object_pseudoniem = _pseudoniem('BSN', '177177177'))) AS d
  FROM l_acties a CROSS JOIN LATERAL _current(a.actie) v;

-- Every action once, in order, each document equal.
SELECT e.n, (SELECT naam FROM l_acties WHERE actie = e.actie_id) AS actie, e.d = l.d AS gelijk,
       jsonb_array_length(l.d->'verwerkteObjecten') AS objecten
  FROM l_verwacht e
  FULL JOIN (SELECT row_number() OVER () AS n, d
               FROM verwerkingsacties('persoon', 'BSN', '177177177', '2024-01-01', '2025-01-01') d) l USING (n)
 ORDER BY 1;
-- The objects of "twee": only the person's, in their order.
SELECT o->>'objecttype' AS objecttype, o->>'betrokkenheid' AS betrokkenheid, o->>'objectId' AS object_id
  FROM verwerkingsacties('persoon', 'BSN', '177177177', '2024-01-01', '2025-01-01') d,
       jsonb_array_elements(d->'verwerkteObjecten') o
 WHERE d->>'actieNaam' = 'twee';
-- Keyset pages of two, forward from the key and backward from it.
SELECT p.tijdstip = e.tijdstip AND p.actie_id = e.actie_id AND p.document = e.d AS gelijk, e.n
  FROM _verwerkingsacties_page('persoon', 'BSN', '177177177', '2024-01-01', '2025-01-01', NULL, NULL,
                               NULL, NULL, false, 2) p
  JOIN l_verwacht e USING (actie_id) ORDER BY e.n;
SELECT p.tijdstip = e.tijdstip AND p.document = e.d AS gelijk, e.n
  FROM _verwerkingsacties_page('persoon', 'BSN', '177177177', '2024-01-01', '2025-01-01', NULL, NULL,
                               (SELECT tijdstip FROM l_verwacht WHERE n = 2), (SELECT actie_id FROM l_verwacht WHERE n = 2),
                               false, 2) p
  JOIN l_verwacht e USING (actie_id) ORDER BY e.n;
SELECT p.tijdstip = e.tijdstip AND p.document = e.d AS gelijk, e.n
  FROM _verwerkingsacties_page('persoon', 'BSN', '177177177', '2024-01-01', '2025-01-01', NULL, NULL,
                               (SELECT tijdstip FROM l_verwacht WHERE n = 4), (SELECT actie_id FROM l_verwacht WHERE n = 4),
                               true, 2) p
  JOIN l_verwacht e USING (actie_id) ORDER BY e.n;
-- Only what is asked: the confidential one alone.
SELECT d->>'actieNaam' AS actie
  FROM verwerkingsacties('persoon', 'BSN', '177177177', '2024-01-01', '2025-01-01', '{vertrouwelijk}') d;
