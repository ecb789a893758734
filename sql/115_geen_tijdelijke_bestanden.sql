-- Lists, the inzage, the history and the export hold decrypted documents;
-- with a small work_mem they must not spill them into base/pgsql_tmp.  The
-- functions run with their own work_mem and temp_file_limit = 0: what does
-- not fit in memory is refused, never written to disk.  Counted with
-- pg_stat_database.temp_files; a control query shows that this work_mem
-- does spill.
SET search_path = verwerkingenlog, pg_catalog;
\set SHOW_CONTEXT never
SELECT count(*) AS gelogd FROM log_verwerkingsacties((
    SELECT jsonb_agg(jsonb_build_object('actieNaam', 'veel ' || g, 'vertrouwelijkheid', 'normaal',
                     'tijdstip', '2024-08-01T10:00:00+02:00',
                     'verwerkteObjecten', jsonb_build_array(jsonb_build_object('objecttype', 'persoon',
                         'soortObjectId', 'BSN', 'objectId', '115000001', 'betrokkenheid', repeat('b', 100)))))
      FROM generate_series(1, 3000) g));
SET work_mem = '64kB';
CREATE FUNCTION pg_temp.tijdelijke_bestanden() RETURNS bigint LANGUAGE sql AS $$
    SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
SELECT pg_temp.tijdelijke_bestanden() AS voor \gset
SELECT count(*) AS lijst FROM verwerkingsacties('persoon', 'BSN', '115000001', '2024-08-01', '2024-08-02');
SELECT count(*) AS inzage FROM verwerkte_objecten('persoon', 'BSN', '115000001', '2024-08-01', '2024-08-02');
SELECT count(*) >= 3000 AS export FROM (SELECT exporteer_verwerkingsacties()) e;
SELECT set_config('request.headers', '{"verwerkingenlog-query": "objecttype=persoon&soortObjectId=BSN&objectId=115000001&beginDatum=2024-08-01&eindDatum=2024-08-02"}', false) IS NOT NULL AS kop;
SELECT jsonb_array_length(verwerkingenlog_api.verwerkingsactie_list()->'results') AS rest_pagina;
SELECT set_config('request.headers', '', false) IS NOT NULL AS kop_weg;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
SELECT pg_temp.tijdelijke_bestanden() - :voor AS tijdelijke_bestanden;
-- Control: the same work_mem spills a plain sort of this size.
SELECT count(*) AS controle FROM (SELECT g::text || repeat('x', 200) AS t FROM generate_series(1, 20000) g ORDER BY 1 DESC) s;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
SELECT pg_temp.tijdelijke_bestanden() - :voor > 0 AS controle_spilt;
RESET work_mem;
