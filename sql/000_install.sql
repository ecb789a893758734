-- The extension installs (pg_regress loads it) into its own schema.
SELECT extname, extversion, extrelocatable, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'verwerkingenlog';

-- Helpers the type tests share: the text or binary input of a value, or
-- the SQLSTATE, message and detail it is refused with.
CREATE SCHEMA regress;
CREATE FUNCTION regress.invoer(typ text, waarde text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  r text;
  st text;
  msg text;
  det text;
BEGIN
  EXECUTE format('SELECT %L::%s::text', waarde, typ) INTO r;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '');
END
$$;
CREATE FUNCTION regress.recv(typ text, bytes bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  stroom bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
                  || '\x0001'::bytea || int4send(length(bytes)) || bytes || '\xffff'::bytea;
  octaal text;
  r text;
  st text;
  msg text;
  det text;
BEGIN
  SELECT string_agg('\' || ((get_byte(stroom, i) >> 6) & 7) || ((get_byte(stroom, i) >> 3) & 7)
                    || (get_byte(stroom, i) & 7), '' ORDER BY i)
    INTO octaal FROM generate_series(0, length(stroom) - 1) i;
  EXECUTE format('CREATE TEMP TABLE recv_doel (v %s)', typ);
  EXECUTE format('COPY recv_doel FROM PROGRAM %L WITH (FORMAT binary)', 'printf ''' || octaal || '''');
  EXECUTE 'SELECT v::text FROM recv_doel' INTO r;
  DROP TABLE recv_doel;
  RETURN r;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '');
END
$$;
