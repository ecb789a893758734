-- Issue 12 (T1): the writer puts the keys of its own rows into seal_queue
-- itself, at the end of each call, instead of having the queue trigger
-- _seal_register copy every row into a transition table to read back its
-- key (src/seal_queue.c).  The queue must get what the trigger gave it:
-- one entry (soort I) per version and per object, in the same transaction;
-- in the replica role too (the trigger is ENABLE ALWAYS); nothing when the
-- trigger is disabled; and another trigger with a transition table on the
-- same table still sees every row.  Every other insert goes through the
-- trigger as before.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE TEMP TABLE w_acties (naam text PRIMARY KEY, actie uuid NOT NULL);
CREATE FUNCTION pg_temp.doc(objecten int) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('vertrouwelijkheid', 'normaal', 'tijdstip', '2024-04-05T14:35:42Z',
        'verwerkteObjecten', (SELECT jsonb_agg(jsonb_build_object(
            'objecttype', 'persoon', 'soortObjectId', 'BSN', 'objectId', (777000000 + g)::text))
            FROM generate_series(1, objecten) g))
$$;
CREATE FUNCTION pg_temp.log(naam text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO w_acties VALUES (naam || '/los',
        (verwerkingenlog.log_verwerkingsactie(pg_temp.doc(2))->>'actieId')::uuid);
    INSERT INTO w_acties SELECT naam || '/batch' || i, a
      FROM verwerkingenlog.log_verwerkingsacties(jsonb_build_array(pg_temp.doc(1), pg_temp.doc(3)))
           WITH ORDINALITY x(a, i);
$$;
-- Per action: its versions and objects in the log, and their entries in
-- the queue (soort I), for the actions whose name starts with the pattern.
CREATE FUNCTION pg_temp.wachtrij(patroon text)
    RETURNS TABLE (naam text, versies bigint, versie_rijen bigint, objecten bigint, object_rijen bigint)
    LANGUAGE sql AS $$
    SELECT a.naam,
           (SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = a.actie),
           (SELECT count(*) FROM verwerkingenlog.verwerkingsactie_versie v
              JOIN verwerkingenlog.seal_queue q ON q.tabel = 1 AND q.soort = 'I'
                   AND q.u = v.actie_id AND q.n = v.volgnummer
             WHERE v.actie_id = a.actie),
           (SELECT count(*) FROM verwerkingenlog.verwerkt_object o WHERE o.actie_id = a.actie),
           (SELECT count(*) FROM verwerkingenlog.verwerkt_object o
              JOIN verwerkingenlog.seal_queue q ON q.tabel = 2 AND q.soort = 'I'
                   AND q.u = o.verwerkt_object_id AND q.n = 0
             WHERE o.actie_id = a.actie)
      FROM w_acties a WHERE a.naam LIKE patroon ORDER BY a.naam
$$;

-- Single, batch, and a PUT's new version.
SELECT pg_temp.log('gewoon');
SELECT count(*) FROM wijzig_verwerkingsactie((SELECT actie FROM w_acties WHERE naam = 'gewoon/los'),
       verwerkingsactie((SELECT actie FROM w_acties WHERE naam = 'gewoon/los')) || '{"actieNaam": "PUT"}');
SELECT * FROM pg_temp.wachtrij('gewoon/%');

-- ... by the writer, not by the trigger: _seal_register is not called
-- (track_functions = all counts C functions too).
SET track_functions = 'all';
BEGIN;
SELECT pg_temp.log('geteld');
SELECT count(*) FILTER (WHERE funcname = '_seal_register') AS trigger_aanroepen,
       count(*) FILTER (WHERE funcname = 'log_verwerkingsactie') AS los_aanroepen
  FROM pg_stat_xact_user_functions WHERE schemaname = 'verwerkingenlog';
COMMIT;
RESET track_functions;
SELECT * FROM pg_temp.wachtrij('geteld/%');

-- The replica role: the queue trigger is ENABLE ALWAYS, so it fires there too.
SET session_replication_role = replica;
SELECT pg_temp.log('replica');
RESET session_replication_role;
SELECT * FROM pg_temp.wachtrij('replica/%');

-- Disabled (as the benchmark does it, pg_trigger set directly in a
-- transaction rolled back: the DDL guard refuses ALTER TABLE ... DISABLE
-- TRIGGER), the trigger queues nothing, and neither does the writer.
BEGIN;
CREATE FUNCTION pg_temp.queue_trigger(stand "char") RETURNS void LANGUAGE sql AS $$
    UPDATE pg_catalog.pg_trigger SET tgenabled = stand
     WHERE tgrelid IN ('verwerkingenlog.verwerkingsactie_versie'::regclass,
                       'verwerkingenlog.verwerkt_object'::regclass)
       AND tgname LIKE '%\_seal\_insert';
    ALTER TABLE verwerkingenlog.verwerkingsactie_versie SET (autovacuum_vacuum_threshold = 50);
    ALTER TABLE verwerkingenlog.verwerkt_object SET (autovacuum_vacuum_threshold = 50);
$$;
SELECT pg_temp.queue_trigger('D');
SELECT pg_temp.log('uit');
SELECT * FROM pg_temp.wachtrij('uit/%');
-- ... and enabled for replicas only, it queues only in that role.
SELECT pg_temp.queue_trigger('R');
SELECT pg_temp.log('alleen_replica/origin');
SET LOCAL session_replication_role = replica;
SELECT pg_temp.log('alleen_replica/replica');
SELECT * FROM pg_temp.wachtrij('alleen_replica/%');
ROLLBACK;
SELECT count(*) AS aan FROM pg_trigger
 WHERE tgname LIKE '%\_seal\_insert' AND tgenabled = 'A'
   AND tgrelid IN ('verwerkingenlog.verwerkingsactie_versie'::regclass, 'verwerkingenlog.verwerkt_object'::regclass);

-- Another trigger with a transition table on the objects still gets every
-- row of the writer's statement (the writer takes only the queue trigger
-- out of its own copy of the trigger descriptor).
BEGIN;
CREATE TEMP TABLE w_gezien (n bigint);
CREATE FUNCTION pg_temp.tel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO w_gezien SELECT count(*) FROM nieuw;
    RETURN NULL;
END $$;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
CREATE TRIGGER w_tel AFTER INSERT ON verwerkingenlog.verwerkt_object
    REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.tel();
SELECT pg_temp.log('ander_trigger');
SELECT * FROM pg_temp.wachtrij('ander_trigger/%');
SELECT n FROM w_gezien ORDER BY n;
ROLLBACK;

-- The next checkpoint seals what the writer queued.
SET client_min_messages = error;
SELECT verzegel() > 0 AS verzegeld;
SET client_min_messages = warning;
SELECT a.naam, bewijs_opname(a.actie, 1) IS NOT NULL AS in_controlepunt,
       jsonb_array_length(bewijs_opname(a.actie, 1)->'objecten') AS objecten
  FROM w_acties a ORDER BY a.naam;
SELECT count(*) AS nog_in_wachtrij FROM seal_queue q JOIN w_acties a ON q.u = a.actie;
