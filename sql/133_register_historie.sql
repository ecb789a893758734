-- The register of retention per verwerkingsactiviteit keeps its history:
-- every registration, change and removal is an append-only row of
-- bewaartermijn_registratie with who (role, sub, client) and when, readable
-- by beheer; the view bewaartermijn_verwerkingsactiviteit is the register
-- in force.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
CREATE ROLE r_beheer_a;
GRANT verwerkingenlog_beheer TO r_beheer_a;
CREATE ROLE r_beheer_b;
GRANT verwerkingenlog_beheer TO r_beheer_b;
CREATE ROLE r_client;
GRANT verwerkingenlog_create_normal, verwerkingenlog_read_confidential TO r_client;

SET ROLE r_beheer_a;
SET request.jwt.claims = '{"sub": "privacy-officer", "azp": "beheerportaal"}';
SELECT verwerkingenlog.registreer_bewaartermijn('13300000-0000-4000-8000-0000000000a1', 'P10Y', 'Huwelijk');
RESET request.jwt.claims;
RESET ROLE;
SET ROLE r_beheer_b;
SELECT verwerkingenlog.registreer_bewaartermijn('13300000-0000-4000-8000-0000000000a1', 'P0D', 'Huwelijk (kort)');
SELECT verwerkingenlog.registreer_bewaartermijn('13300000-0000-4000-8000-0000000000a2', 'P1Y');
SELECT verwerkingenlog.verwijder_bewaartermijn('13300000-0000-4000-8000-0000000000a1') AS verwijderd;
-- Removing what is not registered adds no row.
SELECT verwerkingenlog.verwijder_bewaartermijn('13300000-0000-4000-8000-0000000000a1') AS verwijderd;
SELECT verwerkingenlog.verwijder_bewaartermijn('13300000-0000-4000-8000-0000000000a9') AS verwijderd;

-- The privacy officer's question "how did this retention become so short":
-- every row of the activity, in order, with who and when.
SELECT h.bewaartermijn, h.omschrijving, h.geregistreerd_door_rol, h.geregistreerd_door_sub,
       h.geregistreerd_door_client, h.geregistreerd_op <= clock_timestamp() AS tijd
  FROM verwerkingenlog.bewaartermijn_registratie h
 WHERE h.verwerkingsactiviteit = 'urn:uuid:13300000-0000-4000-8000-0000000000a1'
 ORDER BY h.id;
-- The register in force.
SELECT verwerkingsactiviteit_id, bewaartermijn, omschrijving, gewijzigd_door
  FROM verwerkingenlog.bewaartermijn_verwerkingsactiviteit
 WHERE verwerkingsactiviteit_id::text LIKE '13300000-%' ORDER BY 1;
-- One register for both standards: LDV's confidentiality per activity URI
-- is part of the same history.  A retention registered by id keeps the
-- confidentiality in force; removing the activity removes both.
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('urn:uuid:13300000-0000-4000-8000-0000000000b1', 'vertrouwelijk', NULL, 'Jeugdzorg');
SELECT verwerkingenlog.registreer_bewaartermijn('13300000-0000-4000-8000-0000000000b1', 'P20Y');
SELECT verwerkingenlog.registreer_verwerkingsactiviteit('https://register.example.nl/va/133', 'normaal', 'P2Y');
SELECT verwerkingsactiviteit, verwerkingsactiviteit_id, vertrouwelijkheid, bewaartermijn, omschrijving
  FROM verwerkingenlog.verwerkingsactiviteit_register
 WHERE verwerkingsactiviteit LIKE 'urn:uuid:13300000-%' OR verwerkingsactiviteit LIKE '%/133' ORDER BY 1;
SELECT verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn FROM verwerkingenlog.ldv_verwerkingsactiviteit
 WHERE verwerkingsactiviteit LIKE 'urn:uuid:13300000-%' OR verwerkingsactiviteit LIKE '%/133' ORDER BY 1;
SELECT verwerkingenlog.verwijder_bewaartermijn('13300000-0000-4000-8000-0000000000b1') AS verwijderd;
SELECT verwerkingenlog.verwijder_verwerkingsactiviteit('https://register.example.nl/va/133') AS verwijderd;
SELECT verwerkingenlog.verwijder_verwerkingsactiviteit('https://register.example.nl/va/133') AS verwijderd;
SELECT h.verwerkingsactiviteit, h.vertrouwelijkheid, h.bewaartermijn, h.omschrijving, h.geregistreerd_door_rol
  FROM verwerkingenlog.bewaartermijn_registratie h
 WHERE h.verwerkingsactiviteit IN ('urn:uuid:13300000-0000-4000-8000-0000000000b1', 'https://register.example.nl/va/133')
 ORDER BY h.id;
SELECT verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn FROM verwerkingenlog.ldv_verwerkingsactiviteit
 WHERE verwerkingsactiviteit LIKE 'urn:uuid:13300000-%' OR verwerkingsactiviteit LIKE '%/133' ORDER BY 1;
-- Append-only, for beheer as for the owner.
UPDATE verwerkingenlog.bewaartermijn_registratie SET bewaartermijn = 'P99Y';
DELETE FROM verwerkingenlog.bewaartermijn_registratie;
RESET ROLE;
UPDATE verwerkingenlog.bewaartermijn_registratie SET bewaartermijn = 'P99Y';
DELETE FROM verwerkingenlog.bewaartermijn_registratie;
TRUNCATE verwerkingenlog.bewaartermijn_registratie;
-- Not for clients.
SET ROLE r_client;
SELECT count(*) FROM verwerkingenlog.bewaartermijn_registratie;
SELECT verwerkingenlog.registreer_bewaartermijn('13300000-0000-4000-8000-0000000000a3', 'P1Y');
RESET ROLE;
SELECT count(*) AS rijen FROM verwerkingenlog.bewaartermijn_registratie
 WHERE verwerkingsactiviteit LIKE 'urn:uuid:13300000-%';
SELECT verwerkingenlog.verwijder_bewaartermijn('13300000-0000-4000-8000-0000000000a2') AS opgeruimd;
DROP ROLE r_beheer_a, r_beheer_b, r_client;
