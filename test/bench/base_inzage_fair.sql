-- (3) The fair baseline of an inzage: what a hand-written log that obeys
-- C3677 does -- the raw indexed query of base_inzage.sql and the INSERT of
-- one row recording the inzage, committed in the same transaction (one
-- statement, as the inzage is one call).
\set p random(1, :personen)
\set pre 10000000 + :p * 10
\set som 9 * (:pre / 10000000 % 10) + 8 * (:pre / 1000000 % 10) + 7 * (:pre / 100000 % 10) + 6 * (:pre / 10000 % 10) + 5 * (:pre / 1000 % 10) + 4 * (:pre / 100 % 10) + 3 * (:pre / 10 % 10)
\set j (:som % 11) / 10
\set bsn (:pre + :j) * 10 + (:som + 2 * :j) % 11
WITH inzage AS (
    INSERT INTO baseline.inzage (inzage_id, tijdstip, gebruiker, objecttype, soort_object_id, object_id)
    VALUES (verwerkingenlog.uuidv7(), clock_timestamp(), current_user, 'persoon', 'BSN', :bsn::text))
SELECT o.verwerkt_object_id, o.objecttype, o.soort_object_id, o.object_id, o.betrokkenheid,
       o.verwerkte_soorten_gegevens, a.actie_id, a.actie_naam, a.handeling_naam, a.verwerking_naam,
       a.verwerking_id, a.verwerkingsactiviteit_id, a.verwerkingsactiviteit_url, a.vertrouwelijkheid,
       a.bewaartermijn, a.uitvoerder, a.soort_afnemer_id, a.afnemer_id,
       a.verwerkingsactiviteit_id_afnemer, a.verwerkingsactiviteit_url_afnemer,
       a.verwerking_id_afnemer, a.tijdstip, a.tijdstip_registratie
  FROM baseline.verwerkt_object o
  JOIN baseline.verwerkingsactie a ON a.actie_id = o.actie_id
 WHERE o.soort_object_id = 'BSN' AND o.object_id = :bsn::text AND o.objecttype = 'persoon'
   AND o.tijdstip >= '2024-01-01' AND o.tijdstip < '2025-01-01'
   AND NOT a.vervallen AND a.vertrouwelijkheid <> 'vertrouwelijk'
 ORDER BY o.tijdstip DESC, o.verwerkt_object_id;
