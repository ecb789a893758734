-- PATCH {"bewaartermijn": null} removed the retention; the OAS types the
-- element as a string.  Refused (22023 naming the element; 400 through
-- REST), and nothing is stored.
SET TimeZone = 'UTC';
CREATE ROLE n_app;
GRANT verwerkingenlog_create_normal, verwerkingenlog_update_normal, verwerkingenlog_read_confidential TO n_app;
SET ROLE n_app;
SELECT (verwerkingenlog.log_verwerkingsactie('{"actieNaam": "Null", "vertrouwelijkheid": "normaal",
   "verwerkingId": "13100000-0000-4000-8000-000000000001", "bewaartermijn": "P1Y",
   "tijdstip": "2024-05-01T10:00:00+02:00",
   "verwerkteObjecten": [{"objecttype": "persoon", "soortObjectId": "BSN", "objectId": "131000001"}]}')->>'actieId') AS actie \gset
\set SHOW_CONTEXT never
SELECT verwerkingenlog.wijzig_verwerking('13100000-0000-4000-8000-000000000001', '{"bewaartermijn": null}');
SELECT verwerkingenlog.wijzig_verwerking('13100000-0000-4000-8000-000000000001',
                                         '{"bewaartermijn": null, "vertrouwelijkheid": "normaal"}');
SELECT verwerkingenlog.wijzig_bewaartermijn_verwerking('13100000-0000-4000-8000-000000000001', NULL);
-- Through REST: 400 ValidatieFout naming bewaartermijn.
SELECT set_config('request.headers', '{"verwerkingenlog-query": "verwerkingId=13100000-0000-4000-8000-000000000001"}', false) IS NULL AS _;
SELECT b->>'status' AS status, b->'invalidParams' AS invalid_params, current_setting('response.status') AS http
  FROM verwerkingenlog_api.verwerkingsactie_list_patch('{"bewaartermijn": null}') b;
-- Still one version, with its retention.
SELECT count(*) AS versies, max(h->>'bewaartermijn') AS bewaartermijn
  FROM verwerkingenlog.verwerkingsactie_historie(:'actie') h;
-- A string is still accepted.
SELECT verwerkingenlog.wijzig_verwerking('13100000-0000-4000-8000-000000000001', '{"bewaartermijn": "P2Y"}') AS aantal;
RESET ROLE;
DROP ROLE n_app;
