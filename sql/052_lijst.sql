-- GET /verwerkingsacties for one person, and the views of current actions.
SET TimeZone = 'Europe/Amsterdam';
CREATE ROLE l_schrijver;
GRANT verwerkingenlog_create_confidential, verwerkingenlog_create_normal,
      verwerkingenlog_update_confidential, verwerkingenlog_delete_confidential,
      verwerkingenlog_read_confidential TO l_schrijver;
CREATE ROLE l_geen_lezer;
GRANT verwerkingenlog_create_normal TO l_geen_lezer;
CREATE ROLE l_normaal;
GRANT verwerkingenlog_read_normal TO l_normaal;
CREATE ROLE l_conf;
GRANT verwerkingenlog_read_confidential TO l_conf;

SET ROLE l_schrijver;
CREATE TEMP TABLE acties AS
SELECT naam, (verwerkingenlog.log_verwerkingsactie(jsonb_build_object(
         'actieNaam', naam, 'vertrouwelijkheid', niveau, 'tijdstip', tijdstip,
         'verwerkingsactiviteitId', activiteit,
         'verwerkteObjecten', objecten::jsonb))->>'actieId')::uuid AS id
  FROM (VALUES
    ('jan-begin',  'normaal',       '2024-01-01T00:00:00+01:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]'),
    -- 2023-12-31T23:30 in Amsterdam is outside a period that starts on 2024-01-01
    ('oudjaar',    'normaal',       '2023-12-31T22:30:00Z', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]'),
    ('huwelijk',   'normaal',       '2024-06-14T11:00:00+02:00', 'aaaaaaaa-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001", "betrokkenheid": "Partner"},
         {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000002", "betrokkenheid": "Partner"},
         {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000003", "betrokkenheid": "Getuige"}]'),
    ('tweemaal',   'normaal',       '2024-07-01T12:00:00+02:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001", "betrokkenheid": "Aanvrager"},
         {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000002"},
         {"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001", "betrokkenheid": "Ontvanger"}]'),
    ('geheim',     'vertrouwelijk', '2024-08-01T12:00:00+02:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]'),
    ('opgeheven',  'vertrouwelijk', '2024-09-01T12:00:00+02:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]'),
    ('vervallen',  'normaal',       '2024-10-01T12:00:00+02:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]'),
    ('verhuisd',   'normaal',       '2024-11-01T12:00:00+01:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]'),
    ('volgend-jaar','normaal',      '2025-01-01T00:00:00+01:00', '5f0bef4c-f66f-4311-84a5-19e8bf359eaf',
       '[{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "900000001"}]')
  ) AS t(naam, niveau, tijdstip, activiteit, objecten);
GRANT SELECT ON acties TO PUBLIC;
SELECT verwerkingenlog.wijzig_verwerkingsactie(id, verwerkingenlog.verwerkingsactie(id) || '{"vertrouwelijkheid": "normaal"}') IS NOT NULL
  FROM acties WHERE naam = 'opgeheven';
SELECT verwerkingenlog.verwijder_verwerkingsactie(id) FROM acties WHERE naam = 'vervallen';
-- "verhuisd": a PUT moves the action to another person; the old person no longer finds it.
SELECT verwerkingenlog.wijzig_verwerkingsactie(id,
         jsonb_set(verwerkingenlog.verwerkingsactie(id), '{verwerkteObjecten,0,objectId}', '"900000009"')) IS NOT NULL
  FROM acties WHERE naam = 'verhuisd';
-- Many versions of one action: still one row.
SELECT count(verwerkingenlog.wijzig_verwerkingsactie(id, verwerkingenlog.verwerkingsactie(id)))
  FROM acties, generate_series(1, 20) WHERE naam = 'jan-begin';
RESET ROLE;

-- read:confidential, the year 2024: newest first, only the asked person's objects.
SET ROLE l_conf;
SELECT r->>'actieNaam' AS actie, r->>'tijdstip' AS tijdstip, r->>'vertrouwelijkheid' AS niveau,
       jsonb_path_query_array(r->'verwerkteObjecten', '$[*].objectId') AS objecten,
       jsonb_path_query_array(r->'verwerkteObjecten', '$[*].betrokkenheid') AS betrokkenheid
  FROM verwerkingenlog.verwerkingsacties('Persoon', 'BSN', '900000001', '2024-01-01', '2025-01-01') r;
-- Filters: vertrouwelijkheid (several), verwerkingsactiviteitId, open period.
SELECT r->>'actieNaam' AS actie
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001', NULL, NULL, '{vertrouwelijk,opgeheven}') r;
SELECT r->>'actieNaam' AS actie
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001', vertrouwelijkheid => '{NORMAAL}',
                                         verwerkingsactiviteit_id => 'aaaaaaaa-f66f-4311-84a5-19e8bf359eaf') r;
SELECT r->>'actieNaam' AS actie FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000009') r;
SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001', vertrouwelijkheid => '{geheim}');
SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', NULL);
-- The views.
SELECT a.naam, v.vertrouwelijkheid, v.versie
  FROM verwerkingenlog.actuele_verwerkingsacties v JOIN acties a ON a.id = v.actie_id ORDER BY v.tijdstip;
SELECT a.naam, o.object_id, o.betrokkenheid
  FROM verwerkingenlog.actuele_verwerkte_objecten o JOIN acties a ON a.id = o.actie_id
 ORDER BY o.tijdstip, o.volgorde;
RESET ROLE;

-- read:normal must ask for vertrouwelijkheid=normaal and never sees what ever was confidential.
SET ROLE l_normaal;
SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001', '2024-01-01', '2025-01-01');
SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001', NULL, NULL, '{normaal,opgeheven}');
SELECT r->>'actieNaam' AS actie
  FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001', '2024-01-01', '2025-01-01', '{normaal}') r;
SELECT a.naam FROM verwerkingenlog.actuele_verwerkingsacties v JOIN acties a ON a.id = v.actie_id ORDER BY v.tijdstip;
RESET ROLE;
-- No read scope: refused.
SET ROLE l_geen_lezer;
SELECT count(*) FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', '900000001');
SELECT count(*) FROM verwerkingenlog.actuele_verwerkingsacties;
RESET ROLE;
