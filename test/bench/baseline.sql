-- The baseline: what a hand-written log of the same data would need, in
-- plain PostgreSQL.  One row per action with every attribute as a plain
-- column, one row per verwerkt object with its soorten gegevens as text[].
-- A primary key on each, the person index, the index from object to action
-- and the index on verwerking_id (for the PATCH).  No validation, no
-- versions (a change is an UPDATE in place), no scopes, no foreign key.
-- Keys are time-ordered UUIDs (the extension's uuidv7(), a C function), so
-- that key order does not favour either side.
CREATE SCHEMA baseline;

CREATE TABLE baseline.verwerkingsactie (
    actie_id                          uuid PRIMARY KEY,
    actie_naam                        text,
    handeling_naam                    text,
    verwerking_naam                   text,
    verwerking_id                     uuid,
    verwerkingsactiviteit_id          uuid,
    verwerkingsactiviteit_url         text,
    vertrouwelijkheid                 text NOT NULL,
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
    tijdstip                          timestamptz NOT NULL,
    tijdstip_registratie              timestamptz NOT NULL,
    vervallen                         boolean NOT NULL DEFAULT false
);
CREATE INDEX verwerkingsactie_verwerking ON baseline.verwerkingsactie (verwerking_id);

CREATE TABLE baseline.verwerkt_object (
    verwerkt_object_id          uuid PRIMARY KEY,
    actie_id                    uuid NOT NULL,
    volgorde                    smallint NOT NULL,
    tijdstip                    timestamptz NOT NULL,
    objecttype                  text NOT NULL,
    soort_object_id             text NOT NULL,
    object_id                   text NOT NULL,
    betrokkenheid               text,
    verwerkte_soorten_gegevens  text[] NOT NULL
);
CREATE INDEX verwerkt_object_actie ON baseline.verwerkt_object (actie_id);
CREATE INDEX verwerkt_object_persoon ON baseline.verwerkt_object (soort_object_id, object_id, tijdstip);

-- The record of every inzage that a hand-written log obeying C3677 keeps:
-- one row per inzage, in the same transaction as the read, findable per
-- person (the fair baseline of the inzage in the instruction-count mode).
CREATE TABLE baseline.inzage (
    inzage_id        uuid PRIMARY KEY,
    tijdstip         timestamptz NOT NULL,
    gebruiker        text NOT NULL,
    afnemer_id       text,
    objecttype       text NOT NULL,
    soort_object_id  text NOT NULL,
    object_id        text NOT NULL
);
CREATE INDEX inzage_persoon ON baseline.inzage (soort_object_id, object_id, tijdstip);
