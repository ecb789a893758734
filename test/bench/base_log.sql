-- (1) Baseline: the same action as two INSERTs in one statement (one round
-- trip, one transaction), every value a bind parameter (-D name=value).
\set p random(1, :personen)
\set pre 10000000 + :p * 10
\set som 9 * (:pre / 10000000 % 10) + 8 * (:pre / 1000000 % 10) + 7 * (:pre / 100000 % 10) + 6 * (:pre / 10000 % 10) + 5 * (:pre / 1000 % 10) + 4 * (:pre / 100 % 10) + 3 * (:pre / 10 % 10)
\set j (:som % 11) / 10
\set bsn (:pre + :j) * 10 + (:som + 2 * :j) % 11
WITH a AS (
    INSERT INTO baseline.verwerkingsactie
        (actie_id, actie_naam, handeling_naam, verwerking_naam, verwerking_id,
         verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn,
         uitvoerder, systeem, gebruiker, gegevensbron, soort_afnemer_id, afnemer_id,
         verwerkingsactiviteit_id_afnemer, verwerkingsactiviteit_url_afnemer,
         verwerking_id_afnemer, tijdstip, tijdstip_registratie)
    VALUES (verwerkingenlog.uuidv7(), :actie_naam, :handeling_naam, :verwerking_naam, :verwerking_id,
            :verwerkingsactiviteit_id, :verwerkingsactiviteit_url, :vertrouwelijkheid, :bewaartermijn,
            :uitvoerder, :systeem, :gebruiker, :gegevensbron, :soort_afnemer_id, :afnemer_id,
            :verwerkingsactiviteit_id_afnemer, :verwerkingsactiviteit_url_afnemer,
            :verwerking_id_afnemer, :tijdstip, clock_timestamp())
    RETURNING actie_id, tijdstip)
INSERT INTO baseline.verwerkt_object
    (verwerkt_object_id, actie_id, volgorde, tijdstip, objecttype, soort_object_id,
     object_id, betrokkenheid, verwerkte_soorten_gegevens)
SELECT verwerkingenlog.uuidv7(), a.actie_id, 1, a.tijdstip, :objecttype::text, :soort_object_id::text,
       :bsn::text, :betrokkenheid::text, :soorten::text[]
  FROM a;
