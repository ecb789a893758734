-- Export for migration (B2042: a pseudonym can be traced back to the BSN):
-- exporteer_verwerkingsacties(vanaf, tot) returns every stored version
-- registered in [vanaf, tot), as verwerkingsactie_historie shows it (plain
-- identifiers, tijdstipRegistratie, vervallen), with volgnummer and versieId.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never

-- One action with three versions: logged, replaced, annulled.
CREATE TEMP TABLE e AS
SELECT (log_verwerkingsactie('{
  "actieNaam": "Exporteren", "vertrouwelijkheid": "vertrouwelijk", "tijdstip": "2024-06-01T09:00:00+02:00",
  "bewaartermijn": "P10Y", "soortAfnemerId": "BSN", "afnemerId": "999990080",
  "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "999990092",
                         "verwerkteSoortenGegevens": [{"soortGegeven": "Naam"}, {"soortGegeven": "Adres"}]}]}')->>'actieId')::uuid AS id;
SELECT wijzig_verwerkingsactie(id, verwerkingsactie(id) || '{"actieNaam": "Exporteren (gecorrigeerd)"}') IS NOT NULL AS gewijzigd
  FROM e;
SELECT verwijder_verwerkingsactie(id) FROM e;
CREATE TEMP TABLE reg AS
SELECT volgnummer, tijdstip_registratie FROM verwerkingsactie_versie v JOIN e ON v.actie_id = e.id;

-- The whole history of the action, in order, with plain identifiers: the
-- same documents as verwerkingsactie_historie, plus volgnummer and versieId.
SELECT x->>'actieNaam' AS actie_naam, x->>'vervallen' AS vervallen, x->>'afnemerId' AS afnemer,
       x->'verwerkteObjecten'->0->>'objectId' AS object_id,
       x->'verwerkteObjecten'->0->'verwerkteSoortenGegevens' AS soorten
  FROM e, exporteer_verwerkingsacties() x
 WHERE (x->>'actieId')::uuid = e.id;
SELECT array_agg(x - 'volgnummer' - 'versieId' ORDER BY n) = (SELECT array_agg(h ORDER BY n) FROM e, verwerkingsactie_historie(e.id) WITH ORDINALITY hh(h, n))
         AS zelfde_als_historie
  FROM e, exporteer_verwerkingsacties() WITH ORDINALITY xx(x, n)
 WHERE (x->>'actieId')::uuid = e.id;

-- Everything in the log, per action in the order of actieId, each action's
-- versions by volgnummer (the primary key's order: no sort).
SELECT count(*) = (SELECT count(*) FROM verwerkingsactie_versie) AS alle_versies,
       bool_and(vorige IS NULL OR vorige < ((x->>'actieId')::uuid, (x->>'volgnummer')::integer)) AS op_volgorde
  FROM (SELECT x, lag(((x->>'actieId')::uuid, (x->>'volgnummer')::integer)) OVER (ORDER BY n) AS vorige
          FROM exporteer_verwerkingsacties() WITH ORDINALITY xx(x, n)) s;

-- The range is half-open: [vanaf, tot).
SELECT tijdstip_registratie AS tweede FROM reg WHERE volgnummer = 2 \gset
SELECT array_agg(x->>'actieNaam' ORDER BY n) AS vanaf_tweede
  FROM e, exporteer_verwerkingsacties(:'tweede', 'infinity') WITH ORDINALITY xx(x, n)
 WHERE (x->>'actieId')::uuid = e.id;
SELECT array_agg(x->>'actieNaam' ORDER BY n) AS tot_tweede
  FROM e, exporteer_verwerkingsacties('-infinity', :'tweede') WITH ORDINALITY xx(x, n)
 WHERE (x->>'actieId')::uuid = e.id;
SELECT count(*) AS leeg FROM exporteer_verwerkingsacties(:'tweede', :'tweede');
SELECT exporteer_verwerkingsacties(NULL, 'infinity');

-- Only scope beheer.
SELECT id AS actie FROM e \gset
CREATE ROLE regress_vwl_client;
GRANT verwerkingenlog_read_confidential TO regress_vwl_client;
CREATE ROLE regress_vwl_beheerder;
GRANT verwerkingenlog_beheer TO regress_vwl_beheerder;
SET ROLE regress_vwl_client;
SELECT count(*) FROM exporteer_verwerkingsacties();
RESET ROLE;
SET ROLE regress_vwl_beheerder;
SELECT count(*) AS versies FROM exporteer_verwerkingsacties(:'tweede', 'infinity') x
 WHERE (x->>'actieId')::uuid = :'actie';
RESET ROLE;
DROP ROLE regress_vwl_client, regress_vwl_beheerder;
