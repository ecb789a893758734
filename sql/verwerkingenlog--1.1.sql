-- verwerkingenlog install script, assembled from sql/install/*.sql in order.
\echo Use "CREATE EXTENSION verwerkingenlog" to load this file. \quit

COMMENT ON SCHEMA verwerkingenlog IS
  'GEMMA Verwerkingenlogging: the log of processing of personal data (verwerkingsacties)';

CREATE FUNCTION base_url() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_base_url_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION base_url() IS
  'The setting verwerkingenlog.base_url without a trailing slash: the start of every url the log returns';

-- Scope roles.  A caller holds a scope of the standard when it has the
-- privileges of the scope's role (GRANT verwerkingenlog_read_normal TO app).
-- Roles belong to the cluster, not to a database, so they are created only
-- when missing (a second database of the same cluster finds them) and are
-- not members of the extension: DROP EXTENSION leaves them.  Each gets USAGE
-- on the schema, so granting scope roles is all a DBA does to let an
-- application in.  PostgREST: request.jwt.claims can only narrow them.
DO $rollen$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('verwerkingenlog_create_normal',
       'verwerkingenlog scope create:normal: log verwerkingsacties with vertrouwelijkheid normaal'),
      ('verwerkingenlog_create_confidential',
       'verwerkingenlog scope create:confidential: log verwerkingsacties with vertrouwelijkheid vertrouwelijk (together with create:normal)'),
      ('verwerkingenlog_read_normal',
       'verwerkingenlog scope read:normal: read verwerkingsacties that are normaal and never were confidential'),
      ('verwerkingenlog_read_confidential',
       'verwerkingenlog scope read:confidential: read all verwerkingsacties and their history (inzage: never what is confidential now)'),
      ('verwerkingenlog_update_normal',
       'verwerkingenlog scope update:normal: change verwerkingsacties that are normaal and stay normaal; change bewaartermijn of normaal verwerkingen'),
      ('verwerkingenlog_update_confidential',
       'verwerkingenlog scope update:confidential: change every verwerkingsactie and the vertrouwelijkheid of verwerkingen'),
      ('verwerkingenlog_delete_normal',
       'verwerkingenlog scope delete:normal: annul verwerkingsacties that are normaal'),
      ('verwerkingenlog_delete_confidential',
       'verwerkingenlog scope delete:confidential: annul every verwerkingsactie'),
      ('verwerkingenlog_beheer',
       'verwerkingenlog scope beheer: administration of the log (retention, keys); grants no scope of the standard')
    ) AS v(rol, uitleg)
  LOOP
    BEGIN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r.rol);
    EXCEPTION WHEN duplicate_object THEN
      NULL;  -- made by an earlier install into this or another database
    END;
    EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.rol, r.uitleg);
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA verwerkingenlog TO %I', r.rol);
  END LOOP;
END
$rollen$;

-- ---------------------------------------------------------------------------
-- Types: moment, bewaartermijn, oin, vertrouwelijkheid (src/moment.c,
-- src/bewaartermijn.c).  Choices are explained at the top of the C files.
-- ---------------------------------------------------------------------------

-- moment ---------------------------------------------------------------------

CREATE TYPE moment;

CREATE FUNCTION moment_in(pg_catalog.cstring) RETURNS moment
  AS 'MODULE_PATHNAME', 'vwl_moment_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION moment_in(pg_catalog.cstring) IS
  'text input of moment: YYYY-MM-DDThh:mm:ss[.fraction] followed by Z, +hh:mm or -hh:mm';

CREATE FUNCTION moment_out(moment) RETURNS pg_catalog.cstring
  AS 'MODULE_PATHNAME', 'vwl_moment_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION moment_out(moment) IS
  'text output of moment, exactly as it was supplied';

CREATE FUNCTION moment_recv(pg_catalog.internal) RETURNS moment
  AS 'MODULE_PATHNAME', 'vwl_moment_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION moment_recv(pg_catalog.internal) IS
  'binary input of moment, validated as strictly as text input';

CREATE FUNCTION moment_send(moment) RETURNS pg_catalog.bytea
  AS 'MODULE_PATHNAME', 'vwl_moment_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION moment_send(moment) IS
  'binary output of moment: instant (int8), offset in seconds (int4), nanos (int2), fracdigits, flags';

-- Category U (the default), not D (datetime).  With D, comparing a moment
-- with a date or a timestamp (tijdstip >= beginDatum) is an ambiguous
-- operator; with U it resolves through timestamptz.  The price: COALESCE,
-- CASE and UNION of a moment and a timestamptz need an explicit cast.
CREATE TYPE moment (
  INPUT = moment_in,
  OUTPUT = moment_out,
  RECEIVE = moment_recv,
  SEND = moment_send,
  INTERNALLENGTH = 16,
  ALIGNMENT = double,
  STORAGE = plain
);
COMMENT ON TYPE moment IS
  'ISO 8601 date-time with an explicit offset (Z or +hh:mm); prints exactly as supplied, compares by instant';

-- Comparison functions: moment op moment, moment op timestamptz, timestamptz op moment.
CREATE FUNCTION moment_eq(moment, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_ne(moment, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_lt(moment, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_le(moment, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_gt(moment, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_ge(moment, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_cmp(moment, moment) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'vwl_moment_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION moment_eq(moment, moment) IS 'same instant (offsets may differ)';
COMMENT ON FUNCTION moment_ne(moment, moment) IS 'different instant';
COMMENT ON FUNCTION moment_lt(moment, moment) IS 'earlier instant';
COMMENT ON FUNCTION moment_le(moment, moment) IS 'earlier or same instant';
COMMENT ON FUNCTION moment_gt(moment, moment) IS 'later instant';
COMMENT ON FUNCTION moment_ge(moment, moment) IS 'later or same instant';
COMMENT ON FUNCTION moment_cmp(moment, moment) IS 'btree support: compare two moments by instant';

CREATE FUNCTION moment_eq_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_eq_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_ne_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_ne_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_lt_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_lt_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_le_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_le_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_gt_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_gt_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_ge_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_moment_ge_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION moment_cmp_timestamptz(moment, pg_catalog.timestamptz) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'vwl_moment_cmp_timestamptz' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION moment_eq_timestamptz(moment, pg_catalog.timestamptz) IS 'moment at that instant';
COMMENT ON FUNCTION moment_ne_timestamptz(moment, pg_catalog.timestamptz) IS 'moment not at that instant';
COMMENT ON FUNCTION moment_lt_timestamptz(moment, pg_catalog.timestamptz) IS 'moment before that instant';
COMMENT ON FUNCTION moment_le_timestamptz(moment, pg_catalog.timestamptz) IS 'moment at or before that instant';
COMMENT ON FUNCTION moment_gt_timestamptz(moment, pg_catalog.timestamptz) IS 'moment after that instant';
COMMENT ON FUNCTION moment_ge_timestamptz(moment, pg_catalog.timestamptz) IS 'moment at or after that instant';
COMMENT ON FUNCTION moment_cmp_timestamptz(moment, pg_catalog.timestamptz) IS 'btree support: compare a moment with a timestamptz';

CREATE FUNCTION timestamptz_eq_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_eq_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION timestamptz_ne_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_ne_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION timestamptz_lt_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_lt_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION timestamptz_le_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_le_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION timestamptz_gt_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_gt_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION timestamptz_ge_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_ge_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION timestamptz_cmp_moment(pg_catalog.timestamptz, moment) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_cmp_moment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION timestamptz_eq_moment(pg_catalog.timestamptz, moment) IS 'instant of the moment';
COMMENT ON FUNCTION timestamptz_ne_moment(pg_catalog.timestamptz, moment) IS 'not the instant of the moment';
COMMENT ON FUNCTION timestamptz_lt_moment(pg_catalog.timestamptz, moment) IS 'before the moment';
COMMENT ON FUNCTION timestamptz_le_moment(pg_catalog.timestamptz, moment) IS 'at or before the moment';
COMMENT ON FUNCTION timestamptz_gt_moment(pg_catalog.timestamptz, moment) IS 'after the moment';
COMMENT ON FUNCTION timestamptz_ge_moment(pg_catalog.timestamptz, moment) IS 'at or after the moment';
COMMENT ON FUNCTION timestamptz_cmp_moment(pg_catalog.timestamptz, moment) IS 'btree support: compare a timestamptz with a moment';

CREATE FUNCTION moment_hash(moment) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'vwl_moment_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION moment_hash(moment) IS
  'hash support: hash of the instant, whatever the offset (equals the timestamptz hash when there are no digits beyond the microsecond)';
CREATE FUNCTION moment_hash_extended(moment, pg_catalog.int8) RETURNS pg_catalog.int8
  AS 'MODULE_PATHNAME', 'vwl_moment_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION moment_hash_extended(moment, pg_catalog.int8) IS
  'hash support: 64-bit seeded hash of the instant';

CREATE FUNCTION moment_smaller(moment, moment) RETURNS moment
  AS 'MODULE_PATHNAME', 'vwl_moment_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION moment_smaller(moment, moment) IS 'the earlier of two moments';
CREATE FUNCTION moment_larger(moment, moment) RETURNS moment
  AS 'MODULE_PATHNAME', 'vwl_moment_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION moment_larger(moment, moment) IS 'the later of two moments';

-- Operators.
CREATE OPERATOR = (
  LEFTARG = moment, RIGHTARG = moment, FUNCTION = moment_eq,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
  LEFTARG = moment, RIGHTARG = moment, FUNCTION = moment_ne,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR < (
  LEFTARG = moment, RIGHTARG = moment, FUNCTION = moment_lt,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR <= (
  LEFTARG = moment, RIGHTARG = moment, FUNCTION = moment_le,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR > (
  LEFTARG = moment, RIGHTARG = moment, FUNCTION = moment_gt,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR >= (
  LEFTARG = moment, RIGHTARG = moment, FUNCTION = moment_ge,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR =(moment, moment) IS 'same instant (offsets may differ)';
COMMENT ON OPERATOR <>(moment, moment) IS 'different instant';
COMMENT ON OPERATOR <(moment, moment) IS 'earlier instant';
COMMENT ON OPERATOR <=(moment, moment) IS 'earlier or same instant';
COMMENT ON OPERATOR >(moment, moment) IS 'later instant';
COMMENT ON OPERATOR >=(moment, moment) IS 'later or same instant';

CREATE OPERATOR = (
  LEFTARG = moment, RIGHTARG = pg_catalog.timestamptz, FUNCTION = moment_eq_timestamptz,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
  LEFTARG = moment, RIGHTARG = pg_catalog.timestamptz, FUNCTION = moment_ne_timestamptz,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR < (
  LEFTARG = moment, RIGHTARG = pg_catalog.timestamptz, FUNCTION = moment_lt_timestamptz,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR <= (
  LEFTARG = moment, RIGHTARG = pg_catalog.timestamptz, FUNCTION = moment_le_timestamptz,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR > (
  LEFTARG = moment, RIGHTARG = pg_catalog.timestamptz, FUNCTION = moment_gt_timestamptz,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR >= (
  LEFTARG = moment, RIGHTARG = pg_catalog.timestamptz, FUNCTION = moment_ge_timestamptz,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR =(moment, pg_catalog.timestamptz) IS 'moment at that instant';
COMMENT ON OPERATOR <>(moment, pg_catalog.timestamptz) IS 'moment not at that instant';
COMMENT ON OPERATOR <(moment, pg_catalog.timestamptz) IS 'moment before that instant';
COMMENT ON OPERATOR <=(moment, pg_catalog.timestamptz) IS 'moment at or before that instant';
COMMENT ON OPERATOR >(moment, pg_catalog.timestamptz) IS 'moment after that instant';
COMMENT ON OPERATOR >=(moment, pg_catalog.timestamptz) IS 'moment at or after that instant';

CREATE OPERATOR = (
  LEFTARG = pg_catalog.timestamptz, RIGHTARG = moment, FUNCTION = timestamptz_eq_moment,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
  LEFTARG = pg_catalog.timestamptz, RIGHTARG = moment, FUNCTION = timestamptz_ne_moment,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR < (
  LEFTARG = pg_catalog.timestamptz, RIGHTARG = moment, FUNCTION = timestamptz_lt_moment,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR <= (
  LEFTARG = pg_catalog.timestamptz, RIGHTARG = moment, FUNCTION = timestamptz_le_moment,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR > (
  LEFTARG = pg_catalog.timestamptz, RIGHTARG = moment, FUNCTION = timestamptz_gt_moment,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR >= (
  LEFTARG = pg_catalog.timestamptz, RIGHTARG = moment, FUNCTION = timestamptz_ge_moment,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR =(pg_catalog.timestamptz, moment) IS 'instant of the moment';
COMMENT ON OPERATOR <>(pg_catalog.timestamptz, moment) IS 'not the instant of the moment';
COMMENT ON OPERATOR <(pg_catalog.timestamptz, moment) IS 'before the moment';
COMMENT ON OPERATOR <=(pg_catalog.timestamptz, moment) IS 'at or before the moment';
COMMENT ON OPERATOR >(pg_catalog.timestamptz, moment) IS 'after the moment';
COMMENT ON OPERATOR >=(pg_catalog.timestamptz, moment) IS 'at or after the moment';

-- Index support.  The btree and hash families also hold the cross-type
-- operators, so "tijdstip >= $1::timestamptz" can use an index on a moment.
CREATE OPERATOR CLASS moment_ops
  DEFAULT FOR TYPE moment USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 moment_cmp(moment, moment);
ALTER OPERATOR FAMILY moment_ops USING btree ADD
    OPERATOR 1 < (moment, pg_catalog.timestamptz),
    OPERATOR 2 <= (moment, pg_catalog.timestamptz),
    OPERATOR 3 = (moment, pg_catalog.timestamptz),
    OPERATOR 4 >= (moment, pg_catalog.timestamptz),
    OPERATOR 5 > (moment, pg_catalog.timestamptz),
    FUNCTION 1 (moment, pg_catalog.timestamptz) moment_cmp_timestamptz(moment, pg_catalog.timestamptz),
    OPERATOR 1 < (pg_catalog.timestamptz, moment),
    OPERATOR 2 <= (pg_catalog.timestamptz, moment),
    OPERATOR 3 = (pg_catalog.timestamptz, moment),
    OPERATOR 4 >= (pg_catalog.timestamptz, moment),
    OPERATOR 5 > (pg_catalog.timestamptz, moment),
    FUNCTION 1 (pg_catalog.timestamptz, moment) timestamptz_cmp_moment(pg_catalog.timestamptz, moment),
    -- timestamptz against itself, so that the family is complete (amvalidate)
    OPERATOR 1 pg_catalog.< (pg_catalog.timestamptz, pg_catalog.timestamptz),
    OPERATOR 2 pg_catalog.<= (pg_catalog.timestamptz, pg_catalog.timestamptz),
    OPERATOR 3 pg_catalog.= (pg_catalog.timestamptz, pg_catalog.timestamptz),
    OPERATOR 4 pg_catalog.>= (pg_catalog.timestamptz, pg_catalog.timestamptz),
    OPERATOR 5 pg_catalog.> (pg_catalog.timestamptz, pg_catalog.timestamptz),
    FUNCTION 1 (pg_catalog.timestamptz, pg_catalog.timestamptz)
      pg_catalog.timestamptz_cmp(pg_catalog.timestamptz, pg_catalog.timestamptz);
COMMENT ON OPERATOR FAMILY moment_ops USING btree IS
  'order of moments by instant, also against timestamptz';
COMMENT ON OPERATOR CLASS moment_ops USING btree IS
  'order of moments by instant';

CREATE OPERATOR CLASS moment_ops
  DEFAULT FOR TYPE moment USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 moment_hash(moment),
    FUNCTION 2 moment_hash_extended(moment, pg_catalog.int8);
ALTER OPERATOR FAMILY moment_ops USING hash ADD
    OPERATOR 1 = (moment, pg_catalog.timestamptz),
    OPERATOR 1 = (pg_catalog.timestamptz, moment),
    OPERATOR 1 pg_catalog.= (pg_catalog.timestamptz, pg_catalog.timestamptz),
    -- timestamptz's own hash functions (PostgreSQL's hash/timestamptz_ops uses these)
    FUNCTION 1 (pg_catalog.timestamptz) pg_catalog.timestamp_hash(pg_catalog.timestamp),
    FUNCTION 2 (pg_catalog.timestamptz) pg_catalog.timestamp_hash_extended(pg_catalog.timestamp, pg_catalog.int8);
COMMENT ON OPERATOR FAMILY moment_ops USING hash IS
  'hashing of moments by instant, also against timestamptz';
COMMENT ON OPERATOR CLASS moment_ops USING hash IS
  'hashing of moments by instant, whatever the offset';

CREATE AGGREGATE min(moment) (
  SFUNC = moment_smaller, STYPE = moment, COMBINEFUNC = moment_smaller,
  SORTOP = <, PARALLEL = SAFE
);
COMMENT ON AGGREGATE min(moment) IS 'the earliest moment, as it was supplied';
CREATE AGGREGATE max(moment) (
  SFUNC = moment_larger, STYPE = moment, COMBINEFUNC = moment_larger,
  SORTOP = >, PARALLEL = SAFE
);
COMMENT ON AGGREGATE max(moment) IS 'the latest moment, as it was supplied';

-- Casts.  moment -> timestamptz is implicit, like timestamp -> timestamptz:
-- a moment is a timestamptz that remembers how it was written, so every
-- timestamptz function (date_trunc, extract, age) takes it as is
-- and nothing but the offset and digits beyond the microsecond is lost.
-- timestamptz -> moment is assignment-only (and STABLE: it uses the session
-- TimeZone), so an operator never silently turns a timestamptz into a moment.
CREATE FUNCTION moment_to_timestamptz(moment) RETURNS pg_catalog.timestamptz
  AS 'MODULE_PATHNAME', 'vwl_moment_to_timestamptz'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION moment_to_timestamptz(moment) IS
  'the instant of a moment (digits beyond the microsecond are dropped)';
CREATE CAST (moment AS pg_catalog.timestamptz)
  WITH FUNCTION moment_to_timestamptz(moment) AS IMPLICIT;
COMMENT ON CAST (moment AS pg_catalog.timestamptz) IS
  'the instant of a moment';

CREATE FUNCTION timestamptz_to_moment(pg_catalog.timestamptz) RETURNS moment
  AS 'MODULE_PATHNAME', 'vwl_timestamptz_to_moment'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timestamptz_to_moment(pg_catalog.timestamptz) IS
  'a timestamptz as a moment, written in the session TimeZone''s offset at that instant (Z for a zero offset), with as few fractional digits as needed';
CREATE CAST (pg_catalog.timestamptz AS moment)
  WITH FUNCTION timestamptz_to_moment(pg_catalog.timestamptz) AS ASSIGNMENT;
COMMENT ON CAST (pg_catalog.timestamptz AS moment) IS
  'a timestamptz as a moment in the session TimeZone''s offset';

-- bewaartermijn --------------------------------------------------------------

CREATE TYPE bewaartermijn;

CREATE FUNCTION bewaartermijn_in(pg_catalog.cstring) RETURNS bewaartermijn
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bewaartermijn_in(pg_catalog.cstring) IS
  'text input of bewaartermijn: a strict ISO 8601 duration (PnYnMnDTnHnMnS or PnW)';

CREATE FUNCTION bewaartermijn_out(bewaartermijn) RETURNS pg_catalog.cstring
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bewaartermijn_out(bewaartermijn) IS
  'text output of bewaartermijn: the components as written, canonical ISO 8601';

CREATE FUNCTION bewaartermijn_recv(pg_catalog.internal) RETURNS bewaartermijn
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bewaartermijn_recv(pg_catalog.internal) IS
  'binary input of bewaartermijn, validated as strictly as text input';

CREATE FUNCTION bewaartermijn_send(bewaartermijn) RETURNS pg_catalog.bytea
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bewaartermijn_send(bewaartermijn) IS
  'binary output of bewaartermijn: years, months, weeks, days, hours, minutes (int4), microseconds (int8), components (int4), fraction digits (int4)';

CREATE TYPE bewaartermijn (
  INPUT = bewaartermijn_in,
  OUTPUT = bewaartermijn_out,
  RECEIVE = bewaartermijn_recv,
  SEND = bewaartermijn_send,
  INTERNALLENGTH = 40,
  ALIGNMENT = double,
  STORAGE = plain
);
COMMENT ON TYPE bewaartermijn IS
  'retention period: a strict ISO 8601 duration such as P10Y, P3Y6M4DT12H30M5S or P2W';

CREATE FUNCTION bewaartermijn_eq(bewaartermijn, bewaartermijn) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION bewaartermijn_eq(bewaartermijn, bewaartermijn) IS
  'the same written duration (P2W and P14D differ; cast to interval to compare lengths)';
CREATE FUNCTION bewaartermijn_ne(bewaartermijn, bewaartermijn) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION bewaartermijn_ne(bewaartermijn, bewaartermijn) IS
  'not the same written duration';
CREATE FUNCTION bewaartermijn_hash(bewaartermijn) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION bewaartermijn_hash(bewaartermijn) IS
  'hash support: hash of the written duration';
CREATE FUNCTION bewaartermijn_hash_extended(bewaartermijn, pg_catalog.int8) RETURNS pg_catalog.int8
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION bewaartermijn_hash_extended(bewaartermijn, pg_catalog.int8) IS
  'hash support: 64-bit seeded hash of the written duration';

CREATE OPERATOR = (
  LEFTARG = bewaartermijn, RIGHTARG = bewaartermijn, FUNCTION = bewaartermijn_eq,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR =(bewaartermijn, bewaartermijn) IS
  'the same written duration (P2W and P14D differ)';
CREATE OPERATOR <> (
  LEFTARG = bewaartermijn, RIGHTARG = bewaartermijn, FUNCTION = bewaartermijn_ne,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
COMMENT ON OPERATOR <>(bewaartermijn, bewaartermijn) IS
  'not the same written duration';

CREATE FUNCTION bewaartermijn_cmp(bewaartermijn, bewaartermijn) RETURNS pg_catalog.int4
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION bewaartermijn_cmp(bewaartermijn, bewaartermijn) IS
  'btree support: by length (a month as 30 days, as interval), then by the written components';
CREATE FUNCTION bewaartermijn_lt(bewaartermijn, bewaartermijn) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bewaartermijn_le(bewaartermijn, bewaartermijn) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bewaartermijn_gt(bewaartermijn, bewaartermijn) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION bewaartermijn_ge(bewaartermijn, bewaartermijn) RETURNS pg_catalog.bool
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION bewaartermijn_lt(bewaartermijn, bewaartermijn) IS 'shorter, or as long and written differently (bewaartermijn_cmp)';
COMMENT ON FUNCTION bewaartermijn_le(bewaartermijn, bewaartermijn) IS 'bewaartermijn_cmp <= 0';
COMMENT ON FUNCTION bewaartermijn_gt(bewaartermijn, bewaartermijn) IS 'longer, or as long and written differently (bewaartermijn_cmp)';
COMMENT ON FUNCTION bewaartermijn_ge(bewaartermijn, bewaartermijn) IS 'bewaartermijn_cmp >= 0';

CREATE OPERATOR < (
  LEFTARG = bewaartermijn, RIGHTARG = bewaartermijn, FUNCTION = bewaartermijn_lt,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR <= (
  LEFTARG = bewaartermijn, RIGHTARG = bewaartermijn, FUNCTION = bewaartermijn_le,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR > (
  LEFTARG = bewaartermijn, RIGHTARG = bewaartermijn, FUNCTION = bewaartermijn_gt,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR >= (
  LEFTARG = bewaartermijn, RIGHTARG = bewaartermijn, FUNCTION = bewaartermijn_ge,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR <(bewaartermijn, bewaartermijn) IS 'shorter, or as long and written differently';
COMMENT ON OPERATOR <=(bewaartermijn, bewaartermijn) IS 'shorter or the same, or as long and written differently';
COMMENT ON OPERATOR >(bewaartermijn, bewaartermijn) IS 'longer, or as long and written differently';
COMMENT ON OPERATOR >=(bewaartermijn, bewaartermijn) IS 'longer or the same, or as long and written differently';

-- A btree class (ORDER BY, count(DISTINCT), merge joins) and a hash class
-- (hash aggregation and joins).  Only identical written durations are equal.
CREATE OPERATOR CLASS bewaartermijn_ops
  DEFAULT FOR TYPE bewaartermijn USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 bewaartermijn_cmp(bewaartermijn, bewaartermijn);
COMMENT ON OPERATOR FAMILY bewaartermijn_ops USING btree IS
  'order of bewaartermijnen: by length, then by the written components';
COMMENT ON OPERATOR CLASS bewaartermijn_ops USING btree IS
  'order of bewaartermijnen: by length, then by the written components';

CREATE OPERATOR CLASS bewaartermijn_ops
  DEFAULT FOR TYPE bewaartermijn USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 bewaartermijn_hash(bewaartermijn),
    FUNCTION 2 bewaartermijn_hash_extended(bewaartermijn, pg_catalog.int8);
COMMENT ON OPERATOR FAMILY bewaartermijn_ops USING hash IS
  'hashing of written durations';
COMMENT ON OPERATOR CLASS bewaartermijn_ops USING hash IS
  'hashing of written durations';

-- Assignment, not implicit: an implicit cast would make interval's
-- operators and functions apply silently where bewaartermijn has its own.
CREATE FUNCTION bewaartermijn_to_interval(bewaartermijn) RETURNS pg_catalog.interval
  AS 'MODULE_PATHNAME', 'vwl_bewaartermijn_to_interval'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bewaartermijn_to_interval(bewaartermijn) IS
  'the duration as an interval (years and months, weeks and days, time)';
CREATE CAST (bewaartermijn AS pg_catalog.interval)
  WITH FUNCTION bewaartermijn_to_interval(bewaartermijn) AS ASSIGNMENT;
COMMENT ON CAST (bewaartermijn AS pg_catalog.interval) IS
  'the duration as an interval';

CREATE FUNCTION einde_bewaartermijn(moment, bewaartermijn) RETURNS pg_catalog.timestamptz
  AS 'MODULE_PATHNAME', 'vwl_einde_bewaartermijn'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION einde_bewaartermijn(moment, bewaartermijn) IS
  'when a retention starting at the moment ends: the duration added to the local date and time in the moment''s own offset';
CREATE OPERATOR + (
  LEFTARG = moment, RIGHTARG = bewaartermijn, FUNCTION = einde_bewaartermijn
);
COMMENT ON OPERATOR +(moment, bewaartermijn) IS
  'when a retention starting at the moment ends (einde_bewaartermijn)';

-- oin, vertrouwelijkheid -----------------------------------------------------

CREATE DOMAIN oin AS pg_catalog.text
  CONSTRAINT oin_twintig_cijfers
    CHECK (VALUE OPERATOR(pg_catalog.~) '^[0-9]{20}$');
COMMENT ON DOMAIN oin IS
  'Organisatie-identificatienummer (OIN): exactly 20 ASCII digits';

CREATE TYPE vertrouwelijkheid AS ENUM ('normaal', 'vertrouwelijk', 'opgeheven');
COMMENT ON TYPE vertrouwelijkheid IS
  'confidentiality of a verwerking: normaal, vertrouwelijk, opgeheven (lifted, once confidential)';
CREATE FUNCTION uuidv7() RETURNS uuid
    AS 'MODULE_PATHNAME', 'vwl_uuidv7'
    LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION uuidv7() IS
  'A time-ordered UUID (RFC 9562 version 7), used for actieId and verwerktObjectId';
-- The append-only guard (src/append_only.c).  Every table of the log
-- carries it BEFORE UPDATE OR DELETE FOR EACH ROW and BEFORE TRUNCATE FOR
-- EACH STATEMENT, both ENABLE ALWAYS; the log's tables also BEFORE INSERT
-- FOR EACH ROW (25_guard), so that only the log's writer adds rows.
-- It refuses with SQLSTATE 42501 for everyone, the owner and superusers
-- included.
CREATE FUNCTION verwerkingenlog.weiger_wijziging() RETURNS trigger
  LANGUAGE c
  AS 'MODULE_PATHNAME', 'vwl_weiger_wijziging';
COMMENT ON FUNCTION verwerkingenlog.weiger_wijziging() IS
  'Trigger: refuses UPDATE, DELETE and TRUNCATE on the log''s tables, and INSERT other than by the log''s writer, for everyone (42501); the log is append-only';
REVOKE ALL ON FUNCTION verwerkingenlog.weiger_wijziging() FROM PUBLIC;
-- Storage: append-only tables.  Nothing in them is ever updated or deleted
-- (the retention purge aside); every change to an action is a new version.
--
-- A version of an action is a row of verwerkingsactie_versie, identified by
-- (actie_id, volgnummer): volgnummer counts 1, 2, 3, ... per action, and the
-- primary key on the pair does two jobs:
--   * the current version of an action is the one with the highest volgnummer,
--     a single backward index probe however long the history is;
--   * two writers that both build on version n cannot both store version n+1
--     (the second gets a unique violation, reported as a serialization
--     failure), so the history of an action never forks.
-- The verwerkte objecten of a version are stored once per object set: a
-- version points (objecten_volgnummer) at the version that introduced its
-- objects.  PATCH and DELETE keep the set, and so does a PUT that leaves
-- the objects and tijdstip as they were; then verwerktObjectIds stay stable and
-- a person's index entries do not multiply with the depth of the history.
-- The soorten gegevens of an object are stored as an array in its row.
-- No object identifier (BSN) is stored in plain text (B2042): an object row
-- keeps a keyed pseudonym that lookups compare and an encrypted form that
-- the API decrypts; the keys live in a file outside the tables (45_pseudoniem).

CREATE TABLE verwerkingsactie_versie (
    actie_id                          uuid NOT NULL,
    volgnummer                        integer NOT NULL,
    versie_id                         bigint GENERATED ALWAYS AS IDENTITY,
    objecten_volgnummer               integer NOT NULL,
    actie_naam                        text,
    handeling_naam                    text,
    verwerking_naam                   text,
    verwerking_id                     uuid,
    verwerkingsactiviteit_id          uuid,
    verwerkingsactiviteit_url         text,
    vertrouwelijkheid                 vertrouwelijkheid NOT NULL,
    bewaartermijn                     bewaartermijn,
    uitvoerder                        oin,
    systeem                           text,
    gebruiker                         text,
    gegevensbron                      text,
    soort_afnemer_id                  text,
    afnemer_id                        text,
    afnemer_versleuteld               bytea,
    verwerkingsactiviteit_id_afnemer  uuid,
    verwerkingsactiviteit_url_afnemer text,
    verwerking_id_afnemer             uuid,
    tijdstip                          moment NOT NULL,
    tijdstip_registratie              timestamptz NOT NULL,
    vervallen                         boolean NOT NULL DEFAULT false,
    gemaakt_door_rol                  text,
    gemaakt_door_sub                  text,
    gemaakt_door_client               text,
    CONSTRAINT verwerkingsactie_versie_pkey PRIMARY KEY (actie_id, volgnummer),
    CONSTRAINT volgnummer_positief CHECK (volgnummer >= 1),
    CONSTRAINT objecten_uit_eerdere_versie CHECK (objecten_volgnummer BETWEEN 1 AND volgnummer)
);

COMMENT ON TABLE verwerkingsactie_versie IS
  'One row per stored version of a verwerkingsactie (append-only); the current version has the highest volgnummer';
COMMENT ON COLUMN verwerkingsactie_versie.actie_id IS 'actieId: the logical action, the same in every version';
COMMENT ON COLUMN verwerkingsactie_versie.volgnummer IS 'Version number within the action, 1 for the logged version';
COMMENT ON COLUMN verwerkingsactie_versie.versie_id IS 'Technical record id of this version, in order of registration';
COMMENT ON SEQUENCE verwerkingsactie_versie_versie_id_seq IS 'Record ids of verwerkingsactie_versie';
COMMENT ON COLUMN verwerkingsactie_versie.objecten_volgnummer IS 'The version whose verwerkte objecten this version has';
COMMENT ON COLUMN verwerkingsactie_versie.tijdstip_registratie IS 'When the log stored this version';
COMMENT ON COLUMN verwerkingsactie_versie.vervallen IS 'True in the version that annulled the action (DELETE)';
COMMENT ON COLUMN verwerkingsactie_versie.gemaakt_door_rol IS 'Who made this version: the calling role (session or SET ROLE, as PostgREST sets it), not the owner of the writing function (B3891; 21_maker.sql)';
COMMENT ON COLUMN verwerkingsactie_versie.gemaakt_door_sub IS 'Who made this version: claim "sub" of request.jwt.claims, NULL when not set';
COMMENT ON COLUMN verwerkingsactie_versie.gemaakt_door_client IS 'Who made this version: claim "azp", else "client_id", of request.jwt.claims, NULL when not set';
COMMENT ON COLUMN verwerkingsactie_versie.afnemer_id IS 'afnemerId when it is an OIN (soortAfnemerId OIN, 20 digits); otherwise NULL and afnemer_versleuteld holds it';
COMMENT ON COLUMN verwerkingsactie_versie.afnemer_versleuteld IS 'afnemerId encrypted (AES-256-GCM, bound to soortAfnemerId and actieId) when it is not an OIN: any other kind could be a BSN (B2042)';

-- PATCH finds the actions of a verwerking; B8157 finds them through the
-- consumer's verwerkingId.
CREATE INDEX verwerkingsactie_versie_verwerking
    ON verwerkingsactie_versie (verwerking_id) WHERE verwerking_id IS NOT NULL;

CREATE TABLE verwerkt_object (
    verwerkt_object_id          uuid NOT NULL,
    actie_id                    uuid NOT NULL,
    volgnummer                  integer NOT NULL,
    volgorde                    smallint NOT NULL,
    tijdstip                    timestamptz NOT NULL,
    objecttype                  text NOT NULL,
    soort_object_id             text NOT NULL,
    object_pseudoniem           bytea NOT NULL,
    object_versleuteld          bytea NOT NULL,
    betrokkenheid               text,
    verwerkte_soorten_gegevens  text[] NOT NULL DEFAULT '{}',
    CONSTRAINT verwerkt_object_pkey PRIMARY KEY (verwerkt_object_id)
);

COMMENT ON TABLE verwerkt_object IS
  'The verwerkte objecten of a version of an action (append-only); shared by later versions that keep them';
COMMENT ON COLUMN verwerkt_object.volgnummer IS 'The version of the action that introduced this object';
COMMENT ON COLUMN verwerkt_object.volgorde IS 'Position in verwerkteObjecten, from 1';
COMMENT ON COLUMN verwerkt_object.tijdstip IS 'The instant of the action''s tijdstip, copied for the person index';
COMMENT ON COLUMN verwerkt_object.object_pseudoniem IS 'objectId pseudonymised: keyed HMAC-SHA-256 of (soortObjectId, objectId); what lookups compare (B2042)';
COMMENT ON COLUMN verwerkt_object.object_versleuteld IS 'objectId encrypted (AES-256-GCM, key version in the first byte, bound to soort_object_id and object_pseudoniem), so the log can be migrated';

-- The objects of one version of an action.
CREATE INDEX verwerkt_object_actie ON verwerkt_object (actie_id, volgnummer, volgorde);
-- The actions about one person in a period, newest first: the lists walk it
-- backward and stop after one page (keyset paging); actie_id and volgorde
-- make the order total, so a page's last row is an exact key for the next.
CREATE INDEX verwerkt_object_persoon ON verwerkt_object (soort_object_id, object_pseudoniem, tijdstip, actie_id, volgorde);

-- Append-only for everyone, the owner included; ENABLE ALWAYS so that
-- session_replication_role = replica cannot skip the guard.
CREATE TRIGGER verwerkingsactie_versie_append_only
    BEFORE UPDATE OR DELETE ON verwerkingsactie_versie
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkingsactie_versie_no_truncate
    BEFORE TRUNCATE ON verwerkingsactie_versie
    FOR EACH STATEMENT EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkt_object_append_only
    BEFORE UPDATE OR DELETE ON verwerkt_object
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkt_object_no_truncate
    BEFORE TRUNCATE ON verwerkt_object
    FOR EACH STATEMENT EXECUTE FUNCTION weiger_wijziging();
ALTER TABLE verwerkingsactie_versie ENABLE ALWAYS TRIGGER verwerkingsactie_versie_append_only;
ALTER TABLE verwerkingsactie_versie ENABLE ALWAYS TRIGGER verwerkingsactie_versie_no_truncate;
ALTER TABLE verwerkt_object ENABLE ALWAYS TRIGGER verwerkt_object_append_only;
ALTER TABLE verwerkt_object ENABLE ALWAYS TRIGGER verwerkt_object_no_truncate;

REVOKE ALL ON verwerkingsactie_versie, verwerkt_object FROM PUBLIC;

-- pg_dump keeps the log's rows.
SELECT pg_catalog.pg_extension_config_dump('verwerkingsactie_versie', '');
SELECT pg_catalog.pg_extension_config_dump('verwerkt_object', '');
-- ... and where the technical record ids stand, so a restored log goes on
-- counting instead of starting at 1 again.
SELECT pg_catalog.pg_extension_config_dump(
    pg_catalog.pg_get_serial_sequence('verwerkingenlog.verwerkingsactie_versie', 'versie_id'), '');
-- Who made each version (B3891): the calling role and, from
-- request.jwt.claims, the token's sub and azp/client_id (src/maker.c).  The
-- C writer fills the columns gemaakt_door_* itself; the copy that DELETE
-- and PATCH make (_copy_version) asks _maker().  Shown in the history and
-- the export, never in the standard's bewerking or inzage documents.

CREATE FUNCTION _maker(OUT rol text, OUT sub text, OUT client text)
    AS 'MODULE_PATHNAME', 'vwl_maker_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _maker() IS
  'Internal: the maker of a version written now: the outer role, the claims'' sub and azp (else client_id); 28000 when the claims are unreadable';

-- The maker of a stored version as the history and the export show it.
CREATE FUNCTION _maker_document(v verwerkingsactie_versie) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT jsonb_build_object('rol', v.gemaakt_door_rol, 'sub', v.gemaakt_door_sub,
                              'client', v.gemaakt_door_client)
$$;
COMMENT ON FUNCTION _maker_document(verwerkingsactie_versie) IS
  'Internal: {"rol", "sub", "client"}: who made a stored version (gemaaktDoor of the history and the export)';

REVOKE ALL ON FUNCTION _maker() FROM PUBLIC;
-- The append-only trigger only holds while it exists and is enabled, and
-- while only the log's writer adds rows.  This part adds the INSERT guard,
-- row-level security, and the event triggers of src/guard.c that
-- refuse the DDL that would switch the guard off quietly, outside the
-- extension's own scripts, for the owner and superusers too (see the README,
-- "Threat model").  The event triggers match objects by identity (OIDs and
-- the extension's membership), run as the extension's owner with a pinned
-- search_path, and read only catalogs: other users' DDL is never refused and
-- not measurably slowed.  They are ENABLE ALWAYS, so session_replication_role
-- does not switch them off.

-- Only the writer adds rows (src/append_only.c): a direct INSERT or COPY
-- is refused, for the owner, superusers and pg_write_all_data too.
CREATE TRIGGER verwerkingsactie_versie_writer_only
    BEFORE INSERT ON verwerkingsactie_versie
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
CREATE TRIGGER verwerkt_object_writer_only
    BEFORE INSERT ON verwerkt_object
    FOR EACH ROW EXECUTE FUNCTION weiger_wijziging();
ALTER TABLE verwerkingsactie_versie ENABLE ALWAYS TRIGGER verwerkingsactie_versie_writer_only;
ALTER TABLE verwerkt_object ENABLE ALWAYS TRIGGER verwerkt_object_writer_only;

-- pg_read_all_data gives SELECT on every table; row-level security without
-- a policy shows such a reader no row (the owner, whose functions serve
-- every read, is exempt).
ALTER TABLE verwerkingsactie_versie ENABLE ROW LEVEL SECURITY;
ALTER TABLE verwerkt_object ENABLE ROW LEVEL SECURITY;

-- Inserts a copied version (PATCH, DELETE) through the writer's door.
CREATE FUNCTION _insert_version(n verwerkingsactie_versie) RETURNS verwerkingsactie_versie
    LANGUAGE c VOLATILE STRICT
    AS 'MODULE_PATHNAME', 'vwl_insert_version';
REVOKE ALL ON FUNCTION _insert_version(verwerkingsactie_versie) FROM PUBLIC;

CREATE FUNCTION bewaking_begin() RETURNS event_trigger
    LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'vwl_bewaking_begin';
CREATE FUNCTION bewaking_einde() RETURNS event_trigger
    LANGUAGE c SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS 'MODULE_PATHNAME', 'vwl_bewaking_einde';
REVOKE ALL ON FUNCTION bewaking_begin(), bewaking_einde() FROM PUBLIC;

CREATE EVENT TRIGGER verwerkingenlog_ddl_guard_start ON ddl_command_start
    EXECUTE FUNCTION bewaking_begin();
CREATE EVENT TRIGGER verwerkingenlog_ddl_guard_end ON ddl_command_end
    EXECUTE FUNCTION bewaking_einde();
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start ENABLE ALWAYS;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end ENABLE ALWAYS;

COMMENT ON TRIGGER verwerkingsactie_versie_writer_only ON verwerkingsactie_versie IS
  'Append-only guard: only the log''s own writer adds rows (42501 for a direct INSERT or COPY)';
COMMENT ON TRIGGER verwerkt_object_writer_only ON verwerkt_object IS
  'Append-only guard: only the log''s own writer adds rows (42501 for a direct INSERT or COPY)';
COMMENT ON FUNCTION _insert_version(verwerkingsactie_versie) IS
  'Inserts a copied version of an action (PATCH, DELETE) through the writer''s door of the append-only guard; returns the stored row';
COMMENT ON FUNCTION bewaking_begin() IS
  'Event trigger (ddl_command_start): refuses ALTER EXTENSION verwerkingenlog ADD/DROP, GRANT/REVOKE on the log''s objects, DROP of triggers, rules, policies, indexes of its tables, and DROP EXTENSION / DROP SCHEMA CASCADE / DROP OWNED while the log holds rows';
COMMENT ON FUNCTION bewaking_einde() IS
  'Event trigger (ddl_command_end): refuses changes to the extension''s objects other than maintenance, and tables that inherit from, partition or reference the log''s tables';
COMMENT ON EVENT TRIGGER verwerkingenlog_ddl_guard_start IS
  'DDL guard of the log, before each command (bewaking_begin); enabled ALWAYS, so it fires also with session_replication_role = replica';
COMMENT ON EVENT TRIGGER verwerkingenlog_ddl_guard_end IS
  'DDL guard of the log, after each command (bewaking_einde); enabled ALWAYS, so it fires also with session_replication_role = replica';
-- Validation of a verwerkingsactie document (src/validation.c).
--
-- Problems are (name, code, reason): name is the element's path with 0-based
-- array indexes (verwerkteObjecten[1].objectId; "[3]." before it for item 3 of
-- a batch; "(document)" for the document itself), code one of required,
-- invalid_type, blank, max_length, invalid, invalid_choice, unknown, empty,
-- reason a predicate that reads after the name ("is longer than 40
-- characters").  The _invoer functions raise SQLSTATE 22023 with the first
-- problem in the message and every problem in the detail, one per line, as
-- "<name>: <reason> (<code>)".
--
-- The functions read nothing but their arguments and reveal nothing: they are
-- IMMUTABLE, PARALLEL SAFE and open to everyone.  They are not STRICT: a NULL
-- document is a problem ("(document): is required"), not a valid document.

CREATE FUNCTION verwerkingenlog.verwerkingsactie_fouten(
    actie jsonb, volledig boolean DEFAULT false)
  RETURNS TABLE (name text, code text, reason text)
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsactie_fouten'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION verwerkingenlog.verwerkingsactie_fouten(jsonb, boolean) IS
  'Every problem of a verwerkingsactie document as (name, code, reason), in schema order; no rows when it is valid. volledig: a complete document (PUT) in which every writable element must be present (null where optional).';

CREATE FUNCTION verwerkingenlog._verwerkingsactie_input(
    actie jsonb, volledig boolean DEFAULT false)
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsactie_input'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION verwerkingenlog._verwerkingsactie_input(jsonb, boolean) IS
  'The normalised verwerkingsactie document (every writable element present, absent ones null, enums and UUIDs in lower case, read-only elements removed); raises SQLSTATE 22023 listing every problem ("<name>: <reason> (<code>)" per detail line) when it is invalid. Internal to the SQL API.';

CREATE FUNCTION verwerkingenlog.verwerkingsacties_fouten(acties jsonb)
  RETURNS TABLE (name text, code text, reason text)
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_fouten'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1;

COMMENT ON FUNCTION verwerkingenlog.verwerkingsacties_fouten(jsonb) IS
  'Every problem of a batch (a non-empty JSON array of verwerkingsactie documents) as (name, code, reason), names prefixed with the item''s 0-based index ("[3].tijdstip"); no rows when every item is valid.';

CREATE FUNCTION verwerkingenlog._verwerkingsacties_input(acties jsonb)
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_input'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION verwerkingenlog._verwerkingsacties_input(jsonb) IS
  'The array of normalised verwerkingsactie documents of a batch, all or nothing: raises one SQLSTATE 22023 error listing every problem of every item. Internal to the SQL API.';

GRANT EXECUTE ON FUNCTION
    verwerkingenlog.verwerkingsactie_fouten(jsonb, boolean),
    verwerkingenlog.verwerkingsacties_fouten(jsonb)
  TO PUBLIC;

-- Scopes of the caller and the confidentiality rule engine (src/scopes.c).
-- Scope names: create:normal, create:confidential, read:normal,
-- read:confidential, update:normal, update:confidential, delete:normal,
-- delete:confidential and beheer.  Bits (for _scopes, _decide, _readable):
-- 1, 2, 4, 8, 16, 32, 64, 128 and 256, in that order.

CREATE FUNCTION verwerkingenlog.scopes() RETURNS text[]
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl_scopes_namen';
COMMENT ON FUNCTION verwerkingenlog.scopes() IS
  'The scopes the caller holds, by name, sorted: the scope roles of the session role (SET ROLE), narrowed by the "scope" claim of request.jwt.claims';

CREATE FUNCTION verwerkingenlog._scopes() RETURNS integer
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl__scopes';
COMMENT ON FUNCTION verwerkingenlog._scopes() IS
  'Internal: the scopes the caller holds as bits (create:normal 1, create:confidential 2, read:normal 4, read:confidential 8, update:normal 16, update:confidential 32, delete:normal 64, delete:confidential 128, beheer 256)';
REVOKE ALL ON FUNCTION verwerkingenlog._scopes() FROM PUBLIC;

CREATE FUNCTION verwerkingenlog._decide(
    operatie text,
    scopes integer,
    huidig verwerkingenlog.vertrouwelijkheid,
    gevraagd verwerkingenlog.vertrouwelijkheid)
  RETURNS verwerkingenlog.vertrouwelijkheid
  LANGUAGE c IMMUTABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl__decide';
COMMENT ON FUNCTION verwerkingenlog._decide(text, integer, verwerkingenlog.vertrouwelijkheid, verwerkingenlog.vertrouwelijkheid) IS
  'Internal: the rule engine for writes.  operatie create, update, patch or delete; scopes as bits; huidig the current level (NULL on create); gevraagd the requested level (NULL: unchanged).  Returns the level to store or raises 42501 naming the missing scope';
REVOKE ALL ON FUNCTION verwerkingenlog._decide(text, integer, verwerkingenlog.vertrouwelijkheid, verwerkingenlog.vertrouwelijkheid) FROM PUBLIC;

CREATE FUNCTION verwerkingenlog.beslis(
    operatie text,
    huidig verwerkingenlog.vertrouwelijkheid,
    gevraagd verwerkingenlog.vertrouwelijkheid)
  RETURNS verwerkingenlog.vertrouwelijkheid
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl_beslis';
COMMENT ON FUNCTION verwerkingenlog.beslis(text, verwerkingenlog.vertrouwelijkheid, verwerkingenlog.vertrouwelijkheid) IS
  'The rule engine for writes, for the caller''s scopes: the level that would be stored, or 42501 naming the missing scope';

CREATE FUNCTION verwerkingenlog._readable(
    soort text,
    scopes integer,
    gevraagd verwerkingenlog.vertrouwelijkheid[])
  RETURNS verwerkingenlog.vertrouwelijkheid[]
  LANGUAGE c IMMUTABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl__readable';
COMMENT ON FUNCTION verwerkingenlog._readable(text, integer, verwerkingenlog.vertrouwelijkheid[]) IS
  'Internal: the rule engine for reads.  soort lijst, actie, inzage or historie; scopes as bits; gevraagd the levels asked for (NULL or empty: all).  Returns the current levels the read may return, or raises 42501';
REVOKE ALL ON FUNCTION verwerkingenlog._readable(text, integer, verwerkingenlog.vertrouwelijkheid[]) FROM PUBLIC;

CREATE FUNCTION verwerkingenlog.leesbaar(
    soort text,
    gevraagd verwerkingenlog.vertrouwelijkheid[] DEFAULT NULL)
  RETURNS verwerkingenlog.vertrouwelijkheid[]
  LANGUAGE c STABLE PARALLEL SAFE
  AS 'MODULE_PATHNAME', 'vwl_leesbaar';
COMMENT ON FUNCTION verwerkingenlog.leesbaar(text, verwerkingenlog.vertrouwelijkheid[]) IS
  'The rule engine for reads, for the caller''s scopes: the current levels a read of this soort may return, or 42501';
-- Pseudonyms and encryption of object identifiers (B2042), src/pseudoniem.c.
-- The keys are in a file outside the database (setting
-- verwerkingenlog.sleutelbestand; by default verwerkingenlog.sleutels in the
-- data directory).  It is created by CREATE EXTENSION (below) when it does
-- not exist yet, or by sleutelbestand_aanmaken(); never by a read or a
-- write.  Every function here reads that file, so none is for PUBLIC or for
-- a client role: a pseudonym oracle would let a caller try all possible
-- BSNs, and a decryption function would decrypt ciphertexts taken from a
-- backup.  The API functions call them as the extension's owner; the views
-- decrypt through _visible_object_id and _visible_afnemer_id (65_lezen),
-- which decrypt only what the caller may see.  None is PARALLEL SAFE: each
-- reads a file and the database's check values.

-- The check values of the keys this database stored identifiers under: an
-- HMAC-SHA-256 of a fixed label under the HMAC key (versie 0) and under the
-- AES key of each key version.  Recorded when the log first stores an
-- identifier under a key; every backend compares the key file with them
-- before it uses it (VL001 on a mismatch).  They reveal nothing about the
-- keys, and pg_dump keeps them, so that a restored database refuses a wrong
-- key file instead of finding nothing.
CREATE TABLE sleutelcontrole (
    versie        integer PRIMARY KEY CHECK (versie BETWEEN 0 AND 255),
    controle      bytea NOT NULL CHECK (octet_length(controle) = 32),
    geregistreerd timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE sleutelcontrole IS
  'Check values of the keys the log stored identifiers under (versie 0: the HMAC key; n: the AES key of key version n): HMAC-SHA-256 of a fixed label; never the keys';
REVOKE ALL ON sleutelcontrole FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('sleutelcontrole', '');

CREATE FUNCTION _pseudoniem(soort text, id text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_pseudoniem'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _pseudoniem(text, text) IS
  'Pseudonym of an identifier of a kind: HMAC-SHA-256 under the key file''s HMAC key, which never rotates, over the length-prefixed pair (soort, id); 32 bytes, deterministic, what lookups use';

CREATE FUNCTION _encrypt(id text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_encrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _encrypt(text) IS
  'An identifier encrypted with AES-256-GCM under the current key version, bound to nothing but its key version: version (1 byte) || nonce (12) || ciphertext || tag (16)';
CREATE FUNCTION _encrypt(id text, soort text, plaats bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_encrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _encrypt(text, text, bytea) IS
  'An identifier encrypted under the current key version and bound (as AES-GCM additional data) to (soort, plaats); the log binds an objectId to its soortObjectId and pseudonym';

CREATE FUNCTION _decrypt(versleuteld bytea) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt(bytea) IS
  'The identifier back from _encrypt(text); an error (XX001) if the authentication tag does not match, as for every ciphertext the log stores (those are bound to their place)';
CREATE FUNCTION _decrypt(versleuteld bytea, soort text, plaats bytea) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt(bytea, text, bytea) IS
  'The identifier back from _encrypt(text, text, bytea) with the same binding; XX001 otherwise';

CREATE FUNCTION _decrypt_object(o verwerkt_object) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt_object'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt_object(verwerkt_object) IS
  'The objectId of a stored verwerkt object, authenticated against its soortObjectId and pseudonym: a ciphertext moved to another row is XX001';

CREATE FUNCTION _decrypt_afnemer(v verwerkingsactie_versie) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt_afnemer'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _decrypt_afnemer(verwerkingsactie_versie) IS
  'The encrypted afnemerId of a version (NULL when it has none), authenticated against its soortAfnemerId and actieId';

CREATE FUNCTION _reencrypt(versleuteld bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _reencrypt(bytea) IS
  'Decrypts and encrypts again under the current key version (after _rotate_key), for ciphertexts of _encrypt(text)';
CREATE FUNCTION _reencrypt(versleuteld bytea, soort text, plaats bytea) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt'
    LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _reencrypt(bytea, text, bytea) IS
  'Decrypts and encrypts again under the current key version, with the same binding';
CREATE FUNCTION _reencrypt_object(o verwerkt_object) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt_object'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION _reencrypt_object(verwerkt_object) IS
  'The object''s objectId encrypted again under the current key version, with its binding';
CREATE FUNCTION _reencrypt_afnemer(v verwerkingsactie_versie) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_reencrypt_afnemer'
    LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION _reencrypt_afnemer(verwerkingsactie_versie) IS
  'The version''s afnemerId encrypted again under the current key version, with its binding (NULL when it has none)';

CREATE FUNCTION _rotate_key() RETURNS integer
    AS 'MODULE_PATHNAME', 'vwl_rotate_key'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION _rotate_key() IS
  'Appends a key version with a new AES key (the HMAC key stays) to the key file, atomically, and returns its number; not undone by a rollback; back the key file up afterwards';

CREATE FUNCTION sleutelbestand_aanmaken(bestand text DEFAULT NULL) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_sleutelbestand_aanmaken'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION sleutelbestand_aanmaken(text) IS
  'Creates a key file with fresh keys (mode 0600) at bestand, or at the file verwerkingenlog.sleutelbestand names, and returns its absolute path; refused when the file exists.  Superuser only.  Only for a log that has no identifiers yet under other keys';

CREATE FUNCTION _install_keyfile() RETURNS boolean
    AS 'MODULE_PATHNAME', 'vwl_install_keyfile'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION _install_keyfile() IS
  'For CREATE EXTENSION: creates the configured (or default) key file when it does not exist yet';

CREATE FUNCTION sleutel_info() RETURNS TABLE(bestand text, versies integer, huidige_versie integer)
    AS 'MODULE_PATHNAME', 'vwl_sleutel_info'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED ROWS 1;
COMMENT ON FUNCTION sleutel_info() IS
  'The key file in use (absolute path), its number of key versions and the current version; never the keys';

REVOKE ALL ON FUNCTION _pseudoniem(text, text), _encrypt(text), _encrypt(text, text, bytea),
    _decrypt(bytea), _decrypt(bytea, text, bytea), _decrypt_object(verwerkt_object),
    _decrypt_afnemer(verwerkingsactie_versie), _reencrypt(bytea), _reencrypt(bytea, text, bytea),
    _reencrypt_object(verwerkt_object), _reencrypt_afnemer(verwerkingsactie_versie),
    _rotate_key(), sleutelbestand_aanmaken(text), _install_keyfile(), sleutel_info()
    FROM PUBLIC;

-- The key file exists from CREATE EXTENSION on (a WARNING names it when it
-- was created here).  In a restore, a cluster without the original key file
-- gets a new one here, and the restored check values then refuse it (VL001)
-- until the original is put in its place.
SELECT _install_keyfile();
-- The settings of the log, kept in the database (src/settings.c).
-- verwerkingenlog.instelling holds the database's values of the
-- verwerkingenlog.* settings; pg_dump keeps it, so a restored database
-- behaves like the original (base url, key file, inzage record, maximum
-- retention, time zone).  instellen() is the one way to write it: it refuses
-- an unknown name or a bad value at once, as SET would, and so does the
-- table's CHECK (a restore cannot bring a bad value in either).  Every
-- backend applies the table's values as the database's defaults before the
-- log first serves anything, and again after every change; a session's own
-- SET still wins for that session.

CREATE FUNCTION _setting_valid(naam text, waarde text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'vwl_setting_valid'
    LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION _setting_valid(text, text) IS
  'True when naam is a setting of verwerkingenlog and waarde a value it takes; otherwise the error SET would raise (42704 unknown, 22023 bad value)';

CREATE TABLE instelling (
    naam      text PRIMARY KEY,
    waarde    text NOT NULL,
    gewijzigd timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT instelling_geldig CHECK (verwerkingenlog._setting_valid(naam, waarde)),
    CONSTRAINT naam_in_kleine_letters CHECK (naam OPERATOR(pg_catalog.=) pg_catalog.lower(naam))
);
COMMENT ON TABLE instelling IS
  'The database''s values of the verwerkingenlog.* settings, applied by every backend as the database''s defaults; kept by pg_dump; written by instellen()';
REVOKE ALL ON instelling FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('instelling', '');

CREATE FUNCTION _settings_refreshed() RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_settings_refreshed'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION _settings_refreshed() IS
  'After a change of verwerkingenlog.instelling: every backend applies it again from its next transaction on';

-- Not SECURITY DEFINER: only superusers may call it (the settings are
-- superuser settings; one of them names the key file).
CREATE FUNCTION instellen(naam text, waarde text) RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sleutel text := lower(naam);
BEGIN
    IF naam IS NULL THEN
        RAISE EXCEPTION 'the name of the setting is required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF waarde IS NULL THEN
        DELETE FROM verwerkingenlog.instelling i WHERE i.naam = sleutel;
    ELSE
        PERFORM verwerkingenlog._setting_valid(sleutel, waarde);
        INSERT INTO verwerkingenlog.instelling AS i (naam, waarde) VALUES (sleutel, waarde)
            ON CONFLICT ON CONSTRAINT instelling_pkey
            DO UPDATE SET waarde = EXCLUDED.waarde, gewijzigd = pg_catalog.now();
    END IF;
    PERFORM verwerkingenlog._settings_refreshed();
    RETURN waarde;
END
$$;
COMMENT ON FUNCTION instellen(text, text) IS
  'Sets a verwerkingenlog.* setting for this database (kept by pg_dump), refused at once when the name or the value is wrong; NULL removes it (open sessions keep the old value until they reconnect).  Superuser only';

CREATE FUNCTION _date_instant(d date) RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'vwl_date_instant'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _date_instant(date) IS
  'The start of a date (beginDatum, eindDatum) in the zone of verwerkingenlog.tijdzone, the same for every session';

REVOKE ALL ON FUNCTION _setting_valid(text, text), _settings_refreshed(), instellen(text, text)
    FROM PUBLIC;
-- Writing and reading one verwerkingsactie: the document format of the
-- OpenAPI contract (camelCase) in and out, versions underneath.

CREATE FUNCTION _soorten_gegevens(soorten text[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_soorten_gegevens'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _soorten_gegevens(text[]) IS
  'Stored soorten gegevens as the API shows them: [{"soortGegeven": ...}, ...]';

-- A verwerkt object as the API shows it (VerwerktObject): url,
-- verwerktObjectId, objecttype, soortObjectId, objectId (decrypted),
-- betrokkenheid, verwerkteSoortenGegevens.  In C (src/document.c), as are
-- _document, _restricted_document and _inzage_document: jsonb_build_object looks
-- up every argument's type and output function on every call.
CREATE FUNCTION _object_document(o verwerkt_object) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_object_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The objects of version `volgnummer` of an action, in their order.
CREATE FUNCTION _objecten_document(actie uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL RESTRICTED
AS $$
    SELECT coalesce(jsonb_agg(verwerkingenlog._object_document(o) ORDER BY o.volgorde), '[]')
      FROM verwerkingenlog.verwerkt_object o
     WHERE o.actie_id = actie AND o.volgnummer = _objecten_document.volgnummer
$$;

-- A version as the API shows it (VerwerkingsactieUitgebreid): every element,
-- absent ones as null, tijdstip exactly as supplied (url, actieId, actieNaam,
-- handelingNaam, verwerkingNaam, verwerkingId, verwerkingsactiviteitId,
-- verwerkingsactiviteitUrl, vertrouwelijkheid, bewaartermijn, uitvoerder,
-- systeem, gebruiker, gegevensbron, soortAfnemerId, afnemerId (decrypted
-- when stored encrypted), verwerkingsactiviteitIdAfnemer,
-- verwerkingsactiviteitUrlAfnemer, verwerkingIdAfnemer, tijdstip,
-- tijdstipRegistratie, and objecten as verwerkteObjecten).
CREATE FUNCTION _document(v verwerkingsactie_versie, objecten jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- _document(v, the jsonb_agg of _object_document of objecten, in their
-- order), in one go (the list's documents): no documents aggregated in
-- between.  NULL or no objects: verwerkteObjecten is null.
CREATE FUNCTION _document_met_objecten(v verwerkingsactie_versie, objecten verwerkt_object[]) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_document_met_objecten'
    LANGUAGE C STABLE PARALLEL RESTRICTED;
REVOKE ALL ON FUNCTION _document_met_objecten(verwerkingsactie_versie, verwerkt_object[]) FROM PUBLIC;

-- The current version of an action (vervallen or not); no row when unknown.
CREATE FUNCTION _current(actie uuid) RETURNS SETOF verwerkingsactie_versie
    LANGUAGE sql STABLE PARALLEL SAFE ROWS 1
AS $$
    SELECT * FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id = actie
     ORDER BY v.volgnummer DESC
     LIMIT 1
$$;

-- Stores new versions of actions from normalised documents (the output of
-- _verwerkingsactie_input) and returns the stored documents in input order.
-- The arrays run in parallel, one element per version: the action, its
-- volgnummer, the document, the level to store (the rule engine's verdict)
-- and the objects: NULL stores the document's objects as a new object set,
-- a volgnummer keeps the objects of that earlier version.  One writer for
-- POST, PUT, the batch and the inzage record, in C (src/writer.c): it
-- builds the documents it returns first (with the ids it hands out), each
-- the input document || {url, actieId, vertrouwelijkheid,
-- tijdstipRegistratie, verwerkteObjecten}, then inserts the version rows and
-- the object rows directly, as COPY FROM does: privileges, triggers,
-- constraints and unique indexes as for an INSERT, without the planning of
-- one.  All versions of one call share one tijdstipRegistratie.
CREATE FUNCTION _write_versions(acties uuid[], volgnummers integer[], docs jsonb[],
                                 niveaus vertrouwelijkheid[], objecten_volgnummers integer[])
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_write_versions'
    LANGUAGE C VOLATILE;

-- One action, in C (src/writer.c), with the checks of the batch in its
-- order: create:normal first (nothing is looked at without it), then the
-- validator, then the rule engine for the level asked for, then the writer,
-- which returns the stored document.
CREATE FUNCTION log_verwerkingsactie(actie jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_log_verwerkingsactie'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_verwerkingsactie(jsonb) IS
  'POST /verwerkingsacties: logs one verwerkingsactie (VerwerkingsactieUitgebreidBasis) and returns it as stored';

-- The batch, in C (src/writer.c): the caller's scopes, the validator
-- over the whole array (every problem of every element with its index, or
-- none), the rule engine per element, then the writer, which builds no
-- documents for it.  Returns the actieIds in input order.
CREATE FUNCTION log_verwerkingsacties(acties jsonb) RETURNS SETOF uuid
    AS 'MODULE_PATHNAME', 'vwl_log_verwerkingsacties'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_verwerkingsacties(jsonb) IS
  'Logs a JSON array of verwerkingsacties in one call, all or nothing; returns their actieIds in input order';

CREATE FUNCTION verwerkingsactie(actie_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    SELECT * INTO v FROM verwerkingenlog._current(actie_id);
    IF NOT FOUND OR v.vervallen OR NOT v.vertrouwelijkheid = ANY (zichtbaar) THEN
        RETURN NULL;
    END IF;
    RETURN verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.objecten_volgnummer));
END
$$;
COMMENT ON FUNCTION verwerkingsactie(uuid) IS
  'GET /verwerkingsacties/{actieId}: the current version of one action, NULL when unknown, vervallen or not visible to the caller';

COMMENT ON FUNCTION _object_document(verwerkt_object) IS 'A verwerkt object as the API shows it (VerwerktObject)';
COMMENT ON FUNCTION _objecten_document(uuid, integer) IS 'The verwerkte objecten of a version of an action, in their order';
COMMENT ON FUNCTION _document(verwerkingsactie_versie, jsonb) IS 'A version as the API shows it (VerwerkingsactieUitgebreid), every element present';
COMMENT ON FUNCTION _document_met_objecten(verwerkingsactie_versie, verwerkt_object[]) IS
  'A version as the API shows it, with the given object rows as its verwerkteObjecten (in their order)';
COMMENT ON FUNCTION _current(uuid) IS 'The current version of an action (highest volgnummer), vervallen or not';
COMMENT ON FUNCTION _write_versions(uuid[], integer[], jsonb[], vertrouwelijkheid[], integer[]) IS
  'Stores versions of actions from normalised documents; the one place that inserts new content';
-- The bewerking API beyond POST: replace (PUT), annul (DELETE), patch a
-- verwerking (PATCH), list the actions about one object, the full history.
-- Every change is a new version; nothing is overwritten.

-- Serialises writers of one action for the rest of the transaction: a FOR
-- NO KEY UPDATE lock on the action's first version.  A row lock lives in
-- the row, not in the shared lock table, so a PATCH can hold one for each
-- of 100,000 actions.  The retention purge (vernietig_verlopen) locks that
-- row FOR UPDATE SKIP LOCKED before it destroys an action, so a writer that
-- is changing the action makes the purge skip it, and a writer that comes
-- while the purge holds it waits and then finds the action gone (P0002).
-- Every writer that adds a version to an existing action must call this
-- first (or, for many actions, lock their first versions in actieId order
-- the same way, as wijzig_verwerking does).
CREATE FUNCTION _lock(actie uuid) RETURNS void
    LANGUAGE sql VOLATILE
AS $$
    SELECT FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id OPERATOR(pg_catalog.=) actie AND v.volgnummer OPERATOR(pg_catalog.=) 1
       FOR NO KEY UPDATE;
$$;

-- The objects of a version in the normalised input form, to tell whether a
-- PUT keeps them.
CREATE FUNCTION _objecten_input(actie uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE sql STABLE
AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'objecttype', o.objecttype,
               'soortObjectId', o.soort_object_id,
               'objectId', verwerkingenlog._decrypt_object(o),
               'betrokkenheid', o.betrokkenheid,
               'verwerkteSoortenGegevens',
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('soortGegeven', s) ORDER BY n), '[]')
                      FROM unnest(o.verwerkte_soorten_gegevens) WITH ORDINALITY AS g(s, n)))
             ORDER BY o.volgorde), '[]')
      FROM verwerkingenlog.verwerkt_object o
     WHERE o.actie_id = actie AND o.volgnummer = _objecten_input.volgnummer
$$;

-- The current version of an action that a writer may change: locked, not
-- vervallen; P0002 otherwise.
CREATE FUNCTION _current_for_update(actie uuid) RETURNS verwerkingsactie_versie
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    PERFORM verwerkingenlog._lock(actie);
    SELECT * INTO v FROM verwerkingenlog._current(actie);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'verwerkingsactie % does not exist', actie
            USING ERRCODE = 'no_data_found';
    ELSIF v.vervallen THEN
        RAISE EXCEPTION 'verwerkingsactie % does not exist', actie
            USING ERRCODE = 'no_data_found', DETAIL = 'The action was annulled (vervallen).';
    END IF;
    RETURN v;
END
$$;

-- A new version of an action copied from version v, with another level,
-- retention or vervallen; keeps the objects.  Returns the stored row.  The
-- row is copied whole, so a column added later is carried along without
-- being named here; OVERRIDING USER VALUE gives it a new versie_id.
CREATE FUNCTION _copy_version(v verwerkingsactie_versie, niveau vertrouwelijkheid,
                                termijn bewaartermijn, vervalt boolean)
    RETURNS verwerkingsactie_versie
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    n verwerkingenlog.verwerkingsactie_versie := v;
BEGIN
    n.volgnummer := v.volgnummer + 1;
    n.vertrouwelijkheid := niveau;
    n.bewaartermijn := termijn;
    n.tijdstip_registratie := pg_catalog.clock_timestamp();
    n.vervallen := vervalt;
    -- Made by the caller, not by whoever made version v.
    SELECT m.rol, m.sub, m.client INTO n.gemaakt_door_rol, n.gemaakt_door_sub, n.gemaakt_door_client
      FROM verwerkingenlog._maker() m;
    -- Through the writer's door of the append-only guard (15_onveranderlijk).
    RETURN verwerkingenlog._insert_version(n);
END
$$;

CREATE FUNCTION wijzig_verwerkingsactie(actie_id uuid, actie jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    d jsonb;
    huidig verwerkingenlog.verwerkingsactie_versie;
    niveau verwerkingenlog.vertrouwelijkheid;
    objecten integer;
BEGIN
    -- Without an update scope nothing is looked at.
    PERFORM verwerkingenlog._decide('update', scopes, 'normaal', 'normaal');
    d := verwerkingenlog._verwerkingsactie_input(actie, true);
    huidig := verwerkingenlog._current_for_update(actie_id);
    niveau := verwerkingenlog._decide('update', scopes, huidig.vertrouwelijkheid,
                                      (d->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid);
    -- Unchanged objects and tijdstip: keep the object set (and its ids).
    IF (d->>'tijdstip')::verwerkingenlog.moment = huidig.tijdstip
       AND d->'verwerkteObjecten' = verwerkingenlog._objecten_input(huidig.actie_id, huidig.objecten_volgnummer) THEN
        objecten := huidig.objecten_volgnummer;
    END IF;
    SELECT * INTO d FROM verwerkingenlog._write_versions(ARRAY[huidig.actie_id], ARRAY[huidig.volgnummer + 1],
                                                          ARRAY[d], ARRAY[niveau], ARRAY[objecten]);
    RETURN d;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('actieId %s', wijzig_verwerkingsactie.actie_id),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION wijzig_verwerkingsactie(uuid, jsonb) IS
  'PUT /verwerkingsacties/{actieId}: replaces every element of an action by storing a new version; returns it';

CREATE FUNCTION verwijder_verwerkingsactie(actie_id uuid) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    huidig verwerkingenlog.verwerkingsactie_versie;
BEGIN
    PERFORM verwerkingenlog._decide('delete', scopes, 'normaal', NULL);
    huidig := verwerkingenlog._current_for_update(actie_id);
    PERFORM verwerkingenlog._copy_version(
        huidig, verwerkingenlog._decide('delete', scopes, huidig.vertrouwelijkheid, NULL),
        huidig.bewaartermijn, true);
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('actieId %s', verwijder_verwerkingsactie.actie_id),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION verwijder_verwerkingsactie(uuid) IS
  'DELETE /verwerkingsacties/{actieId}: annuls an action by storing a new version with vervallen = true';

-- The PATCH body: {"bewaartermijn": ..., "vertrouwelijkheid": ...}, at least
-- one, nothing else.  22023 lists every problem, as the validator does (the
-- digits of an unknown name as #: it may be an identifier, and is logged).
CREATE FUNCTION _update_input(wijziging jsonb,
                                  OUT wijzigt_termijn boolean, OUT termijn bewaartermijn,
                                  OUT niveau vertrouwelijkheid)
    LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    fouten text[] := '{}';
    sleutel text;
BEGIN
    IF wijziging IS NULL OR jsonb_typeof(wijziging) <> 'object' THEN
        RAISE EXCEPTION 'invalid wijziging: the document must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value', DETAIL = '(document): must be a JSON object (invalid_type)';
    END IF;
    FOR sleutel IN SELECT jsonb_object_keys(wijziging) LOOP
        IF sleutel NOT IN ('bewaartermijn', 'vertrouwelijkheid') THEN
            fouten := fouten || format('%s: is not an element of a wijziging (unknown)', regexp_replace(sleutel, '[0-9]', '#', 'g'));
        END IF;
    END LOOP;
    IF NOT (wijziging ? 'bewaartermijn' OR wijziging ? 'vertrouwelijkheid') THEN
        fouten := fouten || 'bewaartermijn: is required when vertrouwelijkheid is absent (required)'::text;
    END IF;
    wijzigt_termijn := wijziging ? 'bewaartermijn';
    IF wijziging->'bewaartermijn' = 'null' THEN
        -- A retention is changed, never removed by accident (the OAS types it a string).
        fouten := fouten || 'bewaartermijn: must be a string, not null: a retention cannot be removed (invalid_type)'::text;
    ELSIF wijziging ? 'bewaartermijn' THEN
        BEGIN
            IF jsonb_typeof(wijziging->'bewaartermijn') <> 'string' THEN
                RAISE invalid_text_representation;
            END IF;
            termijn := (wijziging->>'bewaartermijn')::verwerkingenlog.bewaartermijn;
        EXCEPTION WHEN data_exception THEN
            fouten := fouten || 'bewaartermijn: is invalid: not an ISO 8601 duration such as P10Y (invalid)'::text;
        END;
    END IF;
    IF wijziging ? 'vertrouwelijkheid' THEN
        IF jsonb_typeof(wijziging->'vertrouwelijkheid') = 'string'
           AND lower(wijziging->>'vertrouwelijkheid') IN ('normaal', 'vertrouwelijk', 'opgeheven') THEN
            niveau := lower(wijziging->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid;
        ELSE
            fouten := fouten || 'vertrouwelijkheid: must be one of normaal, vertrouwelijk, opgeheven (invalid_choice)'::text;
        END IF;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RAISE EXCEPTION 'invalid wijziging: element "%" %', split_part(fouten[1], ': ', 1),
                        regexp_replace(substr(fouten[1], strpos(fouten[1], ': ') + 2), ' \([a-z_]+\)$', '')
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
END
$$;

-- The PATCH of every current action of one verwerking: by verwerkingId
-- (F2969, F4415), or by the consumer's verwerkingIdAfnemer (B8157, see
-- 62_afnemer.sql); one body for both, so the two keep the same scopes,
-- rules, validation, locking and atomicity.
CREATE FUNCTION _update_verwerking(id uuid, wijziging jsonb, afnemer boolean) RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    sleutel text := CASE WHEN afnemer THEN 'verwerkingIdAfnemer' ELSE 'verwerkingId' END;
    w record;
    acties uuid[];
    aantal integer;
BEGIN
    PERFORM verwerkingenlog._decide('patch', scopes, 'normaal', NULL);
    w := verwerkingenlog._update_input(wijziging);

    -- Lock the actions' first versions as _lock does (row locks: no
    -- limit from the lock table), in one statement and actieId order (no
    -- deadlock between two PATCHes), then read them again: a PUT committed
    -- meanwhile is seen; only what is current, not vervallen, in this verwerking changes.
    IF afnemer THEN
        SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
          FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
                 WHERE v.verwerking_id_afnemer = id) a;
    ELSE
        SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
          FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
                 WHERE v.verwerking_id = id) a;
    END IF;
    PERFORM FROM verwerkingenlog.verwerkingsactie_versie v WHERE v.actie_id = ANY (acties) AND v.volgnummer = 1 ORDER BY v.actie_id FOR NO KEY UPDATE OF v;

    WITH huidig AS MATERIALIZED (
        SELECT h FROM unnest(acties) a
         CROSS JOIN LATERAL verwerkingenlog._current(a) h
         WHERE CASE WHEN afnemer THEN h.verwerking_id_afnemer ELSE h.verwerking_id END = id AND NOT h.vervallen)
    SELECT count(verwerkingenlog._copy_version(
               huidig.h,
               verwerkingenlog._decide('patch', scopes, (huidig.h).vertrouwelijkheid, w.niveau),
               CASE WHEN w.wijzigt_termijn THEN w.termijn ELSE (huidig.h).bewaartermijn END,
               false))
      INTO aantal FROM huidig;

    IF aantal = 0 THEN
        RAISE EXCEPTION '% % has no current verwerkingsacties',
                        CASE WHEN afnemer THEN 'verwerkingIdAfnemer' ELSE 'verwerking' END, id
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN aantal;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', DETAIL = format('%s %s', sleutel, id),
              HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION _update_verwerking(uuid, jsonb, boolean) IS
  'The PATCH of every current action of a verwerking, by verwerkingId or (afnemer) by verwerkingIdAfnemer';
REVOKE ALL ON FUNCTION _update_verwerking(uuid, jsonb, boolean) FROM PUBLIC;

CREATE FUNCTION wijzig_verwerking(verwerking_id uuid, wijziging jsonb) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog._update_verwerking(verwerking_id, wijziging, false)
$$;
COMMENT ON FUNCTION wijzig_verwerking(uuid, jsonb) IS
  'PATCH /verwerkingsacties?verwerkingId=: sets bewaartermijn and/or vertrouwelijkheid of every current action of a verwerking; returns how many';

CREATE FUNCTION wijzig_bewaartermijn_verwerking(verwerking_id uuid, bewaartermijn text) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog.wijzig_verwerking(verwerking_id, jsonb_build_object('bewaartermijn', bewaartermijn))
$$;
COMMENT ON FUNCTION wijzig_bewaartermijn_verwerking(uuid, text) IS
  'F4415: sets the bewaartermijn of every current action of a verwerking (update:normal for normaal actions)';

CREATE FUNCTION wijzig_vertrouwelijkheid_verwerking(verwerking_id uuid, vertrouwelijkheid text) RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog.wijzig_verwerking(verwerking_id, jsonb_build_object('vertrouwelijkheid', vertrouwelijkheid))
$$;
COMMENT ON FUNCTION wijzig_vertrouwelijkheid_verwerking(uuid, text) IS
  'F2969: sets the vertrouwelijkheid of every current action of a verwerking (needs update:confidential)';

COMMENT ON FUNCTION _lock(uuid) IS 'Serialises the writers of one action until the end of the transaction, and holds off the retention purge (FOR NO KEY UPDATE on its first version)';
COMMENT ON FUNCTION _objecten_input(uuid, integer) IS 'The objects of a version in the normalised input form';
COMMENT ON FUNCTION _current_for_update(uuid) IS 'The locked current version of an action that may be changed; P0002 when unknown or vervallen';
COMMENT ON FUNCTION _copy_version(verwerkingsactie_versie, vertrouwelijkheid, bewaartermijn, boolean) IS
  'A new version copied from another with a new level, retention or vervallen; keeps the objects';
COMMENT ON FUNCTION _update_input(jsonb) IS 'Validates a PATCH body; 22023 lists every problem';
-- The consumer's verwerking (B8157).  A consumer that called this
-- organisation's API sent its own VerwerkingId (header, B9177), logged as
-- verwerkingIdAfnemer.  When the consumer later changes the retention or
-- confidentiality of its processing, the provider applies that change to
-- its own actions through that id: wijzig_verwerking_afnemer (the PATCH of
-- wijzig_verwerking, by verwerkingIdAfnemer instead of verwerkingId) and
-- verwerkingsacties_afnemer (the current actions of that consumer's
-- verwerking).  Each finds the actions with one probe of the index below.

CREATE INDEX verwerkingsactie_versie_verwerking_afnemer
    ON verwerkingsactie_versie (verwerking_id_afnemer) WHERE verwerking_id_afnemer IS NOT NULL;

-- The PATCH of wijzig_verwerking by verwerkingIdAfnemer: the same body
-- (_update_verwerking, 60_bewerking.sql), only the key differs.
CREATE FUNCTION wijzig_verwerking_afnemer(verwerking_id_afnemer uuid, wijziging jsonb) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF verwerking_id_afnemer IS NULL THEN
        PERFORM verwerkingenlog._decide('patch', verwerkingenlog._scopes(), 'normaal', NULL);
        PERFORM verwerkingenlog._update_input(wijziging);
        RAISE EXCEPTION 'verwerkingIdAfnemer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN verwerkingenlog._update_verwerking(verwerking_id_afnemer, wijziging, true);
END
$$;
COMMENT ON FUNCTION wijzig_verwerking_afnemer(uuid, jsonb) IS
  'B8157: sets bewaartermijn and/or vertrouwelijkheid of every current action logged with this verwerkingIdAfnemer (a consumer''s change of its processing), with the scopes and rules of PATCH /verwerkingsacties?verwerkingId=; returns how many';

CREATE FUNCTION verwerkingsacties_afnemer(verwerking_id_afnemer uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[];
BEGIN
    zichtbaar := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    IF verwerking_id_afnemer IS NULL THEN
        RAISE EXCEPTION 'verwerkingIdAfnemer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    RETURN QUERY
    SELECT verwerkingenlog._document(h, verwerkingenlog._objecten_document(h.actie_id, h.objecten_volgnummer))
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.verwerking_id_afnemer = verwerkingsacties_afnemer.verwerking_id_afnemer) a
     CROSS JOIN LATERAL verwerkingenlog._current(a.actie_id) h
     WHERE h.verwerking_id_afnemer = verwerkingsacties_afnemer.verwerking_id_afnemer
       AND NOT h.vervallen
       AND h.vertrouwelijkheid = ANY (zichtbaar)
     ORDER BY h.tijdstip DESC, h.actie_id;
END
$$;
COMMENT ON FUNCTION verwerkingsacties_afnemer(uuid) IS
  'B8157: the current actions logged with this verwerkingIdAfnemer, newest first, as GET /verwerkingsacties shows them (all their objects); read:normal sees the normaal ones, read:confidential all';
-- Reading for the organisation: the actions about one object in a period,
-- the history of one action, and views of the current actions.  What a
-- caller sees follows the read rules (_readable): read:normal sees only
-- actions that are normaal, which by the never-forget rule means actions
-- that never were confidential.

-- Every object row about one object (soort_object_id, its pseudonym,
-- objecttype) with tijdstip in [van, tot) that counts: its object set is
-- the one of its action's current version, which is not vervallen, has a
-- level in zichtbaar and, when activiteit is given, that
-- verwerkingsactiviteitId.  LANGUAGE sql and STABLE, so it is inlined into
-- its callers: a key bound they add on (tijdstip, actie_id[, volgorde])
-- becomes an index condition, and an ORDER BY in the person index's order
-- needs no sort, so a cursor over it stops after one page (keyset paging).
CREATE FUNCTION _matches(soort_object_id text, pseudoniem bytea, objecttype text,
                          van timestamptz, tot timestamptz,
                          zichtbaar vertrouwelijkheid[], activiteit uuid)
    RETURNS TABLE (tijdstip timestamptz, actie_id uuid, volgorde smallint,
                   o verwerkt_object, v verwerkingsactie_versie)
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT o.tijdstip, o.actie_id, o.volgorde, o, v
      FROM verwerkingenlog.verwerkt_object o
     CROSS JOIN LATERAL verwerkingenlog._current(o.actie_id) v
     WHERE o.soort_object_id = $1
       AND o.object_pseudoniem = $2
       AND o.objecttype = $3
       AND o.tijdstip >= coalesce($4, '-infinity')
       AND o.tijdstip < coalesce($5, 'infinity')
       AND v.objecten_volgnummer = o.volgnummer
       AND NOT v.vervallen
       AND v.vertrouwelijkheid = ANY ($6)
       AND ($7 IS NULL OR v.verwerkingsactiviteit_id = $7)
$$;
COMMENT ON FUNCTION _matches(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid) IS
  'The object rows about one object in a period that count (current object set, not vervallen, visible); inlined, so callers page on the person index';

-- The rows of one page of GET /verwerkingsacties (src/list.c), for
-- _verwerkingsacties_page after its checks: the current actions about the
-- object (soort_object_id, pseudoniem, objecttype) with tijdstip in
-- [van, tot) whose level is in zichtbaar, in the person index's order from
-- the key on (terug: backward), at most aantal (NULL: all), each with the
-- objects of its action about that object (in their order) in its document.
CREATE FUNCTION _verwerkingsacties_rows(soort_object_id text, pseudoniem bytea, objecttype text,
                                         van timestamptz, tot timestamptz,
                                         zichtbaar vertrouwelijkheid[], activiteit uuid,
                                         na_tijdstip timestamptz, na_actie_id uuid, terug boolean,
                                         aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid)
    AS 'MODULE_PATHNAME', 'vwl_verwerkingsacties_rows'
    LANGUAGE C STABLE COST 100;
COMMENT ON FUNCTION _verwerkingsacties_rows(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid, timestamptz, uuid, boolean, integer) IS
  'The rows of one keyset page of GET /verwerkingsacties (documents with the objects about that object, and their sort keys), for _verwerkingsacties_page after its checks';

-- One page of GET /verwerkingsacties: the current actions about one object
-- in [begin_datum, eind_datum), newest first (tijdstip, then actieId,
-- descending: the order of the person index), each
-- with the objects about that object only.  Keyset paging: with
-- na_tijdstip/na_actie_id only the actions after that one (terug: before it,
-- returned oldest first, nearest the key first), at most aantal of them
-- (NULL: all).  A page costs about aantal probes of the person index,
-- whichever page it is.
-- Scopes, filters and visibility as verwerkingsacties().
CREATE FUNCTION _verwerkingsacties_page(objecttype text, soort_object_id text, object_id text,
                                          begin_datum date, eind_datum date,
                                          vertrouwelijkheid text[], verwerkingsactiviteit_id uuid,
                                          na_tijdstip timestamptz, na_actie_id uuid, terug boolean,
                                          aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    gevraagd verwerkingenlog.vertrouwelijkheid[];
    zichtbaar verwerkingenlog.vertrouwelijkheid[];
    pseudoniem bytea;
    van timestamptz := verwerkingenlog._date_instant(begin_datum);
    tot timestamptz := verwerkingenlog._date_instant(eind_datum);
    rijen refcursor;
    r record;
    vorige uuid;
    gezien integer := 0;
BEGIN
    IF objecttype IS NULL OR soort_object_id IS NULL OR object_id IS NULL THEN
        RAISE EXCEPTION 'objecttype, soortObjectId and objectId are required'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    BEGIN
        gevraagd := (SELECT array_agg(lower(n)::verwerkingenlog.vertrouwelijkheid) FROM unnest(vertrouwelijkheid) n);
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'invalid vertrouwelijkheid: %', regexp_replace(array_to_string(vertrouwelijkheid, ','), '[0-9]', '#', 'g')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'vertrouwelijkheid: must be one of normaal, vertrouwelijk, opgeheven (invalid_choice)';
    END;
    zichtbaar := verwerkingenlog._readable('lijst', verwerkingenlog._scopes(), gevraagd);
    pseudoniem := verwerkingenlog._pseudoniem(soort_object_id, object_id);

    -- The person index row by row in the list's order (backward from the
    -- key, or forward for the page before it), one probe of the current
    -- version per row, until the page is full: in C (src/list.c), one
    -- cursor with a fast-start plan, each row of _matches joined with the
    -- objects of its action about that object, the documents built from
    -- the plain columns.  (rijen, r, vorige and gezien above are unused
    -- since; they stay, so that the lines of this function, which its
    -- errors name, stay where they were.)
    RETURN QUERY
    SELECT * FROM verwerkingenlog._verwerkingsacties_rows(soort_object_id, pseudoniem, lower(objecttype), van, tot,
                                                          zichtbaar, verwerkingsactiviteit_id, na_tijdstip, na_actie_id,
                                                          terug, aantal);
END
$$;
COMMENT ON FUNCTION _verwerkingsacties_page(text, text, text, date, date, text[], uuid, timestamptz, uuid, boolean, integer) IS
  'One keyset page of GET /verwerkingsacties (after or before an action, at most aantal), newest first, with the sort key of every row';

-- The number of actions GET /verwerkingsacties lists for these filters
-- (the count of the list envelope): the person index and one probe of the
-- current version per object row in the period; no document is built and
-- nothing is decrypted.
CREATE FUNCTION _verwerkingsacties_count(objecttype text, soort_object_id text, object_id text,
                                          begin_datum date, eind_datum date,
                                          vertrouwelijkheid text[], verwerkingsactiviteit_id uuid)
    RETURNS bigint
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('lijst', verwerkingenlog._scopes(),
        (SELECT array_agg(lower(n)::verwerkingenlog.vertrouwelijkheid) FROM unnest(vertrouwelijkheid) n));
BEGIN
    RETURN (SELECT count(DISTINCT t.actie_id)
              FROM verwerkingenlog._matches(soort_object_id, verwerkingenlog._pseudoniem(soort_object_id, object_id),
                                             lower(objecttype), verwerkingenlog._date_instant(begin_datum), verwerkingenlog._date_instant(eind_datum),
                                             zichtbaar, verwerkingsactiviteit_id) t);
END
$$;
COMMENT ON FUNCTION _verwerkingsacties_count(text, text, text, date, date, text[], uuid) IS
  'The number of actions GET /verwerkingsacties lists for these filters (no documents built)';

CREATE FUNCTION verwerkingsacties(objecttype text, soort_object_id text, object_id text,
                                  begin_datum date DEFAULT NULL, eind_datum date DEFAULT NULL,
                                  vertrouwelijkheid text[] DEFAULT NULL,
                                  verwerkingsactiviteit_id uuid DEFAULT NULL)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- Every action: one page without a key and without a limit.
    RETURN QUERY
    SELECT p.document
      FROM verwerkingenlog._verwerkingsacties_page(objecttype, soort_object_id, object_id, begin_datum, eind_datum,
                                                     vertrouwelijkheid, verwerkingsactiviteit_id,
                                                     NULL, NULL, false, NULL) p;
END
$$;
COMMENT ON FUNCTION verwerkingsacties(text, text, text, date, date, text[], uuid) IS
  'GET /verwerkingsacties: current actions about one object with tijdstip in [begin_datum, eind_datum), newest first, verwerkteObjecten limited to that object';

CREATE FUNCTION verwerkingsactie_historie(actie_id uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._readable('historie', verwerkingenlog._scopes(), NULL);
    RETURN QUERY
    SELECT verwerkingenlog._document(v, verwerkingenlog._objecten_document(v.actie_id, v.objecten_volgnummer))
           || jsonb_build_object('vervallen', v.vervallen, 'gemaaktDoor', verwerkingenlog._maker_document(v))
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id = verwerkingsactie_historie.actie_id
     ORDER BY v.volgnummer;
END
$$;
COMMENT ON FUNCTION verwerkingsactie_historie(uuid) IS
  'Every stored version of an action in order of registration, with tijdstipRegistratie, vervallen and gemaaktDoor (who made it) (needs read:confidential)';

-- Views for DBAs, reports and BI tools.  They run as their owner but filter
-- with the caller's read scope (an error without one).
--
-- Nothing about an action the caller may not see reaches the caller, EXPLAIN
-- ANALYZE included.  A security_barrier view still lets the planner push a
-- caller's leakproof condition (actie_naam = 'x', actie_id = '...') down
-- into the scan of the table, below the visibility filter, and "Rows
-- Removed by Filter" or an index scan's row count then tells whether a
-- confidential action with that name or id exists.  So each view selects
-- from a subquery with OFFSET 0, through which the planner pushes no
-- condition: the caller's conditions are applied only to rows the caller may
-- see.  The price: a query on a view reads every current action (reports,
-- not lookups; the API functions use the indexes).
--
-- Identifiers are decrypted by SECURITY DEFINER functions that decrypt only
-- what the caller may see (the caller holds no EXECUTE on any decryption
-- function: a ciphertext from a backup decrypts for nobody).

-- afnemerId of a version, when it is the current version of an action the
-- caller may see; NULL otherwise.
CREATE FUNCTION _visible_afnemer_id(actie uuid, volgnummer integer) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(v.afnemer_id, verwerkingenlog._decrypt_afnemer(v))
      FROM verwerkingenlog.verwerkingsactie_versie v
     WHERE v.actie_id OPERATOR(pg_catalog.=) actie
       AND v.volgnummer OPERATOR(pg_catalog.=) _visible_afnemer_id.volgnummer
       AND NOT EXISTS (SELECT 1 FROM verwerkingenlog.verwerkingsactie_versie w
                        WHERE w.actie_id OPERATOR(pg_catalog.=) v.actie_id
                          AND w.volgnummer OPERATOR(pg_catalog.>) v.volgnummer)
       AND NOT v.vervallen
       AND v.vertrouwelijkheid OPERATOR(pg_catalog.=) ANY (coalesce(verwerkingenlog.leesbaar('actie'), '{}'))
$$;
COMMENT ON FUNCTION _visible_afnemer_id(uuid, integer) IS
  'For the views: the afnemerId of a version when it is the current version of an action the caller may see, else NULL';

-- objectId of a verwerkt object, when it belongs to the current version of
-- an action the caller may see; NULL otherwise.
CREATE FUNCTION _visible_object_id(verwerkt_object_id uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT verwerkingenlog._decrypt_object(o)
      FROM verwerkingenlog.verwerkt_object o
     CROSS JOIN LATERAL verwerkingenlog._current(o.actie_id) v
     WHERE o.verwerkt_object_id OPERATOR(pg_catalog.=) _visible_object_id.verwerkt_object_id
       AND v.objecten_volgnummer OPERATOR(pg_catalog.=) o.volgnummer
       AND NOT v.vervallen
       AND v.vertrouwelijkheid OPERATOR(pg_catalog.=) ANY (coalesce(verwerkingenlog.leesbaar('actie'), '{}'))
$$;
COMMENT ON FUNCTION _visible_object_id(uuid) IS
  'For the views: the objectId of a verwerkt object of an action the caller may see, else NULL';

CREATE VIEW actuele_verwerkingsacties WITH (security_barrier) AS
SELECT z.actie_id, z.actie_naam, z.handeling_naam, z.verwerking_naam, z.verwerking_id,
       z.verwerkingsactiviteit_id, z.verwerkingsactiviteit_url, z.vertrouwelijkheid,
       z.bewaartermijn, z.uitvoerder, z.systeem, z.gebruiker, z.gegevensbron,
       z.soort_afnemer_id,
       CASE WHEN z.afnemer_versleuteld THEN _visible_afnemer_id(z.actie_id, z.versie)
            ELSE z.afnemer_id END AS afnemer_id,
       z.verwerkingsactiviteit_id_afnemer,
       z.verwerkingsactiviteit_url_afnemer, z.verwerking_id_afnemer, z.tijdstip,
       z.tijdstip_registratie, z.versie
  FROM (SELECT v.actie_id, v.actie_naam, v.handeling_naam, v.verwerking_naam, v.verwerking_id,
               v.verwerkingsactiviteit_id, v.verwerkingsactiviteit_url, v.vertrouwelijkheid,
               v.bewaartermijn, v.uitvoerder, v.systeem, v.gebruiker, v.gegevensbron,
               v.soort_afnemer_id, v.afnemer_id, v.afnemer_versleuteld IS NOT NULL AS afnemer_versleuteld,
               v.verwerkingsactiviteit_id_afnemer,
               v.verwerkingsactiviteit_url_afnemer, v.verwerking_id_afnemer, v.tijdstip,
               v.tijdstip_registratie, v.volgnummer AS versie
          FROM verwerkingsactie_versie v
         WHERE NOT EXISTS (SELECT 1 FROM verwerkingsactie_versie w
                            WHERE w.actie_id = v.actie_id AND w.volgnummer > v.volgnummer)
           AND NOT v.vervallen
           AND v.vertrouwelijkheid = ANY (coalesce((SELECT leesbaar('actie')), '{}'))
        OFFSET 0) z;
COMMENT ON VIEW actuele_verwerkingsacties IS
  'One row per current, non-vervallen verwerkingsactie that the caller''s read scope shows; conditions on it see only those rows (EXPLAIN too)';

CREATE VIEW actuele_verwerkte_objecten WITH (security_barrier) AS
SELECT z.verwerkt_object_id, z.actie_id, z.volgorde, z.objecttype, z.soort_object_id,
       _visible_object_id(z.verwerkt_object_id) AS object_id,
       z.betrokkenheid, z.verwerkte_soorten_gegevens, z.tijdstip, z.vertrouwelijkheid
  FROM (SELECT o.verwerkt_object_id, a.actie_id, o.volgorde, o.objecttype, o.soort_object_id,
               o.betrokkenheid, o.verwerkte_soorten_gegevens, a.tijdstip, a.vertrouwelijkheid
          FROM actuele_verwerkingsacties a
          JOIN verwerkingsactie_versie v ON v.actie_id = a.actie_id AND v.volgnummer = a.versie
          JOIN verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
        OFFSET 0) z;
COMMENT ON VIEW actuele_verwerkte_objecten IS
  'The verwerkte objecten of every action in actuele_verwerkingsacties; conditions on it see only those rows (EXPLAIN too)';

REVOKE ALL ON FUNCTION _matches(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid),
                       _verwerkingsacties_rows(text, bytea, text, timestamptz, timestamptz, vertrouwelijkheid[], uuid, timestamptz, uuid, boolean, integer),
                       _verwerkingsacties_page(text, text, text, date, date, text[], uuid, timestamptz, uuid, boolean, integer),
                       _verwerkingsacties_count(text, text, text, date, date, text[], uuid)
    FROM PUBLIC;
-- The door that commits a record in a transaction of its own before the
-- caller goes on (src/record_writer.c): the session's record writer, a
-- background worker, calls functie(invoer) as the extension's owner and
-- commits, while the caller waits.  Every inzage's
-- record goes through it (C3677, 70_inzage); any other record that must
-- stay whatever the caller's transaction does may use it too.  functie
-- must be a function of the extension with one jsonb argument.
CREATE FUNCTION _record(functie regprocedure, invoer jsonb) RETURNS text
    LANGUAGE c VOLATILE STRICT
    AS 'MODULE_PATHNAME', 'vwl_record_fn';
COMMENT ON FUNCTION _record(regprocedure, jsonb) IS
  'Calls functie(invoer), a record writer of the extension, in a transaction of its own (the session''s record writer, a background worker) that is committed before this returns; returns its result';
REVOKE ALL ON FUNCTION _record(regprocedure, jsonb) FROM PUBLIC;
-- Inzage for the data subject (inzage API, F4086, F2008): the verwerkte
-- objecten about one person, each with its action in the restricted form,
-- and the record of every inzage (C3677).
--
-- What a citizen sees: only the object asked about, never the other persons
-- of the same action (a marriage logs both partners and the witnesses), and
-- never systeem, gebruiker or gegevensbron.  Only current, non-vervallen
-- actions; read:normal sees what is normaal (which by the never-forget rule
-- means: never confidential), read:confidential also what is opgeheven,
-- nobody what is vertrouwelijk now (_readable('inzage', ...)).
--
-- Reading the log is itself processing of personal data, so every inzage is
-- logged as a verwerkingsactie by the log itself about the person looked up,
-- committed in a transaction of its own before any row reaches the caller
-- (_log_inzage).  The inzage functions refuse to run in a read-only
-- transaction: an inzage that cannot be logged is not served.

-- A verwerkingsactie in the restricted form of the inzage API
-- (VerwerkingsactieBeperkt): every element of the full form except systeem,
-- gebruiker and gegevensbron; its verwerkteObjecten hold only object o,
-- never the other objects of the action.  afnemerId is shown only when it
-- is an OIN (an organisation): any other afnemerId may be another person's
-- BSN, and an inzage never shows another person's identifier.
-- (In C, src/document.c: built without what it leaves out, and nothing is
-- decrypted for afnemerId.)
CREATE FUNCTION _restricted_document(v verwerkingsactie_versie, o verwerkt_object) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_beperkt_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- A verwerkt object with its action (VerwerktObjectUitgebreid):
-- _object_document(o) || {"verwerkingsactie": _restricted_document(v, o)}, in C.
CREATE FUNCTION _inzage_document(v verwerkingsactie_versie, o verwerkt_object) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_inzage_document'
    LANGUAGE C STABLE PARALLEL RESTRICTED;

-- An inzage must be logged; in a read-only transaction it cannot be.
CREATE FUNCTION _inzage_writable() RETURNS void
    LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF current_setting('transaction_read_only')::boolean THEN
        RAISE EXCEPTION 'an inzage cannot be served in a read-only transaction'
            USING ERRCODE = 'read_only_sql_transaction',
                  DETAIL = 'Every inzage is logged as a verwerkingsactie (C3677); a read-only transaction cannot store it.',
                  HINT = 'Call it in a read-write transaction.  Under PostgREST, call /rpc/verwerkte_objecten_list and /rpc/verwerktobject_read with POST (the shipped nginx configuration maps GET onto POST).';
    END IF;
END
$$;

-- request.headers as PostgREST sets it (a JSON object, names in lower
-- case); an empty object when the setting is absent or empty.
CREATE FUNCTION _inzage_headers() RETURNS jsonb
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tekst text := current_setting('request.headers', true);
    koppen jsonb;
BEGIN
    IF tekst IS NULL OR tekst = '' THEN
        RETURN '{}';
    END IF;
    BEGIN
        koppen := tekst::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        koppen := NULL;
    END;
    IF koppen IS NULL OR jsonb_typeof(koppen) <> 'object' THEN
        RAISE EXCEPTION 'setting "request.headers" is not a JSON object'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = '(headers): must be a JSON object of request headers (invalid_type)';
    END IF;
    RETURN koppen;
END
$$;

-- The normalised verwerkingsactie that records an inzage about one object,
-- built from the settings verwerkingenlog.inzage_* and the caller's request
-- headers (B9177):
--   OIN                      -> afnemerId, with soortAfnemerId OIN
--   VerwerkingsactiviteitId  -> verwerkingsactiviteitIdAfnemer
--   VerwerkingsactiviteitUrl -> verwerkingsactiviteitUrlAfnemer
--   VerwerkingId             -> verwerkingIdAfnemer
--   Vertrouwelijkheid        -> vertrouwelijkheid (else inzage_vertrouwelijkheid)
--   Bewaartermijn            -> bewaartermijn (else inzage_bewaartermijn)
-- An invalid header or object parameter raises 22023 with one detail line
-- per problem, "<name>: <reason> (<code>)", named after the header or the
-- parameter; a setting the validator refuses raises 55000 (the log is
-- misconfigured, not the request).  With objecttype NULL only the headers
-- are checked (the object is not known yet) and NULL is returned.
-- In C (src/inzage.c), with the checks, names and messages of the PL/pgSQL
-- it replaced; the validator runs once and its normalised document is the
-- result.  systeem is "verwerkingenlog <version>": the library serves only
-- the SQL of its own version (src/versie.c).
CREATE FUNCTION _inzage_input(objecttype text, soort_object_id text, object_id text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_inzage_input'
    LANGUAGE C STABLE COST 100;

-- Stores the record of an inzage (normalised by _inzage_input) as a new
-- action of the log itself: no create scope of the caller is involved.
-- Runs in the transaction of its own that _record opens (68_record_writer);
-- returns the record's actieId.
CREATE FUNCTION _write_inzage(d jsonb) RETURNS text
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    id uuid := verwerkingenlog.uuidv7();
BEGIN
    PERFORM FROM verwerkingenlog._write_versions(
        ARRAY[id], '{1}', ARRAY[d],
        ARRAY[(d->>'vertrouwelijkheid')::verwerkingenlog.vertrouwelijkheid], '{NULL}');
    RETURN id::text;
END
$$;

-- Commits the record of an inzage before the inzage returns anything
-- (C3677): whatever the caller's transaction does afterwards, the record
-- stays.  (PL/pgSQL, so that its plan is kept rather than made again per
-- inzage.)
CREATE FUNCTION _log_inzage(d jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM verwerkingenlog._record('verwerkingenlog._write_inzage(jsonb)'::regprocedure, d);
END
$$;

-- One page of GET /verwerkte-objecten, logged as an inzage: the verwerkte
-- objecten about one object with tijdstip in [begin_datum, eind_datum),
-- newest first (tijdstip, actieId, position, all descending: the order of
-- the person index), each with its action in
-- the restricted form.  Keyset paging: with na_tijdstip/na_actie_id/
-- na_volgorde only the rows after that one (terug: before it, returned
-- oldest first, nearest the key first), at most aantal of them (NULL: all).  Every page is an
-- inzage of its own and is logged.  In C (src/inzage.c): the checks in this
-- order -- the read scope, the five filters (F4086), a read-write
-- transaction, the record (_inzage_input) -- then a cursor over _matches
-- (the person index in the list's order, one probe of the current version
-- per row, a fast-start plan that stops after the page), whose snapshot is
-- taken before the record is sent to the record writer (_write_inzage
-- through the door of 68_record_writer), so an inzage never lists itself;
-- the worker commits the record while the documents are built, and no row
-- is returned before it has.
CREATE FUNCTION _verwerkte_objecten_page(objecttype text, soort_object_id text, object_id text,
                                           begin_datum date, eind_datum date,
                                           verwerkingsactiviteit_id uuid,
                                           na_tijdstip timestamptz, na_actie_id uuid, na_volgorde smallint,
                                           terug boolean, aantal integer)
    RETURNS TABLE (document jsonb, tijdstip timestamptz, actie_id uuid, volgorde smallint)
    AS 'MODULE_PATHNAME', 'vwl_verwerkte_objecten_page'
    LANGUAGE C VOLATILE COST 100;
COMMENT ON FUNCTION _verwerkte_objecten_page(text, text, text, date, date, uuid, timestamptz, uuid, smallint, boolean, integer) IS
  'One keyset page of GET /verwerkte-objecten (after or before a row, at most aantal), newest first, with the sort key of every row; logs the inzage';

-- The number of verwerkte objecten GET /verwerkte-objecten lists for these
-- filters (the count of the list envelope): the person index and one probe
-- of the current version per object row; no document, no decryption.
-- Not an inzage by itself: it is only called with a page.
CREATE FUNCTION _verwerkte_objecten_count(objecttype text, soort_object_id text, object_id text,
                                           begin_datum date, eind_datum date,
                                           verwerkingsactiviteit_id uuid)
    RETURNS bigint
    LANGUAGE sql STABLE
AS $$
    SELECT count(*)
      FROM verwerkingenlog._matches(soort_object_id, verwerkingenlog._pseudoniem(soort_object_id, object_id),
                                     lower(objecttype), verwerkingenlog._date_instant(begin_datum), verwerkingenlog._date_instant(eind_datum),
                                     verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL),
                                     verwerkingsactiviteit_id) t
$$;
COMMENT ON FUNCTION _verwerkte_objecten_count(text, text, text, date, date, uuid) IS
  'The number of verwerkte objecten GET /verwerkte-objecten lists for these filters (no documents built)';

-- Every row: one page without a key and without a limit (src/inzage.c).
CREATE FUNCTION verwerkte_objecten(objecttype text, soort_object_id text, object_id text,
                                   begin_datum date, eind_datum date,
                                   verwerkingsactiviteit_id uuid DEFAULT NULL)
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_verwerkte_objecten'
    LANGUAGE C VOLATILE SECURITY DEFINER COST 100
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION verwerkte_objecten(text, text, text, date, date, uuid) IS
  'GET /verwerkte-objecten: the verwerkte objecten about one object with tijdstip in [begin_datum, eind_datum), newest first, each with its action in the restricted form; logs the inzage (needs a read scope and a read-write transaction)';

CREATE FUNCTION verwerkt_object(verwerkt_object_id uuid) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL);
    o verwerkingenlog.verwerkt_object;
    v verwerkingenlog.verwerkingsactie_versie;
BEGIN
    IF verwerkt_object_id IS NULL THEN
        RAISE EXCEPTION 'verwerktObjectId is required'
            USING ERRCODE = 'null_value_not_allowed', DETAIL = 'verwerktObjectId: is required (required)';
    END IF;
    PERFORM verwerkingenlog._inzage_writable();
    -- Bad headers are refused whether or not the object is found.
    PERFORM verwerkingenlog._inzage_input(NULL, NULL, NULL);

    SELECT * INTO o FROM verwerkingenlog.verwerkt_object x
     WHERE x.verwerkt_object_id = verwerkt_object.verwerkt_object_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v FROM verwerkingenlog._current(o.actie_id);
    -- Null-safe: when a purge committed since o was read, there is no v.
    IF v.actie_id IS NULL OR v.objecten_volgnummer IS DISTINCT FROM o.volgnummer
       OR v.vervallen IS NOT FALSE OR (v.vertrouwelijkheid = ANY (zichtbaar)) IS NOT TRUE THEN
        RETURN NULL;
    END IF;
    PERFORM verwerkingenlog._log_inzage(
        verwerkingenlog._inzage_input(o.objecttype, o.soort_object_id, verwerkingenlog._decrypt_object(o)));
    RETURN verwerkingenlog._inzage_document(v, o);
END
$$;
COMMENT ON FUNCTION verwerkt_object(uuid) IS
  'GET /verwerkte-objecten/{verwerktObjectId}: one verwerkt object with its action in the restricted form, NULL when unknown, replaced, vervallen or not visible; logs the inzage when it returns one';

COMMENT ON FUNCTION _restricted_document(verwerkingsactie_versie, verwerkt_object) IS
  'The restricted form of a version of an action (VerwerkingsactieBeperkt): no systeem, gebruiker, gegevensbron; only object o';
COMMENT ON FUNCTION _inzage_document(verwerkingsactie_versie, verwerkt_object) IS
  'A verwerkt object with its action in the restricted form (VerwerktObjectUitgebreid)';
COMMENT ON FUNCTION _inzage_writable() IS
  'Raises 25006 in a read-only transaction: an inzage that cannot be logged is not served';
COMMENT ON FUNCTION _inzage_headers() IS
  'The setting request.headers as a JSON object ({} when absent); 22023 when it is not an object';
COMMENT ON FUNCTION _inzage_input(text, text, text) IS
  'The normalised verwerkingsactie recording an inzage about one object, from the inzage settings and the request headers; 22023 names invalid headers and parameters';
COMMENT ON FUNCTION _write_inzage(jsonb) IS
  'Stores the record of an inzage as a new action of the log itself; returns its actieId (called by _record in a transaction of its own)';
COMMENT ON FUNCTION _log_inzage(jsonb) IS
  'Commits the record of an inzage in a transaction of its own (_record) before the inzage returns rows';

REVOKE ALL ON FUNCTION _restricted_document(verwerkingsactie_versie, verwerkt_object),
                       _inzage_document(verwerkingsactie_versie, verwerkt_object),
                       _inzage_writable(), _inzage_headers(),
                       _inzage_input(text, text, text), _log_inzage(jsonb), _write_inzage(jsonb),
                       _verwerkte_objecten_page(text, text, text, date, date, uuid, timestamptz, uuid, smallint, boolean, integer),
                       _verwerkte_objecten_count(text, text, text, date, date, uuid)
    FROM PUBLIC;
-- Logboek Dataverwerkingen (LDV 1.0) and OpenTelemetry in the same log.
--
-- An LDV record (one span about one data subject) is stored as a
-- verwerkingsactie of one version with one verwerkt object, in the tables
-- of 20_opslag, with the columns below for what a verwerkingsactie has no
-- element for.  So a record is append-only, its subject pseudonymised and
-- encrypted like every objectId (B2042), found by the person index, shown
-- by the inzage and destroyed by the purge like any action; and every
-- verwerkingsactie can be read as LDV records (als_logregels, logregels).
-- The mapping (README, "Logboek Dataverwerkingen"):
--   trace_id          verwerking_id (bijective; trace_id below when a
--                     traceparent joined a verwerkingsactie to another trace)
--   span_id           span_id (NULL for a verwerkingsactie: then the last 8
--                     bytes of the verwerktObjectId, one span per subject)
--   name              actie_naam
--   start_time        tijdstip (a moment in Z), end_time eind_tijdstip
--   processing_activity_id  verwerkingsactiviteit_id for urn:uuid:<uuid>,
--                     else verwerkingsactiviteit_url
--   data subject      the verwerkt object (objecttype persoon)
--   resource          resource; service.name also as systeem,
--                     verwerkingenlog.uitvoerder and .gegevensbron as
--                     uitvoerder and gegevensbron

ALTER TABLE verwerkingsactie_versie
    ADD COLUMN trace_id       uuid,
    ADD COLUMN span_id        bytea,
    ADD COLUMN parent_span_id bytea,
    ADD COLUMN status         text,
    ADD COLUMN eind_tijdstip  moment,
    ADD COLUMN resource       jsonb,
    ADD COLUMN attributen     jsonb,
    ADD CONSTRAINT ldv_span_id_lengte CHECK (pg_catalog.length(span_id) = 8),
    ADD CONSTRAINT ldv_parent_span_id_lengte CHECK (pg_catalog.length(parent_span_id) = 8),
    ADD CONSTRAINT ldv_status CHECK (status IN ('Unset', 'Ok', 'Error')),
    ADD CONSTRAINT ldv_eind_na_begin CHECK (eind_tijdstip >= tijdstip);

COMMENT ON COLUMN verwerkingsactie_versie.trace_id IS
  'LDV trace_id when it is not the verwerkingId: the trace of a W3C traceparent header the action was logged with';
COMMENT ON COLUMN verwerkingsactie_versie.span_id IS 'LDV span_id (8 bytes) of an action logged as an LDV record or OTLP span';
COMMENT ON COLUMN verwerkingsactie_versie.parent_span_id IS 'LDV parent_span_id (8 bytes): the calling span, from the record or a traceparent header';
COMMENT ON COLUMN verwerkingsactie_versie.status IS 'LDV status (Unset, Ok, Error); NULL for a verwerkingsactie (read as Unset)';
COMMENT ON COLUMN verwerkingsactie_versie.eind_tijdstip IS 'LDV end_time; NULL for a verwerkingsactie (read as its tijdstip)';
COMMENT ON COLUMN verwerkingsactie_versie.resource IS 'LDV resource ({"attributes": {...}}) as logged';
COMMENT ON COLUMN verwerkingsactie_versie.attributen IS 'The optional dpl.core attributes of an LDV record (foreign_operation.*) as logged';

-- A trace is found through verwerking_id (its index in 20_opslag), this
-- index, or the primary key (an action without either is its own trace).
CREATE INDEX verwerkingsactie_versie_trace
    ON verwerkingsactie_versie (trace_id) WHERE trace_id IS NOT NULL;

-- The register of processing activities as LDV keys them: confidentiality
-- and retention per dpl.core.processing_activity_id (LDV keeps both in the
-- register, not in records).  It is the one register of 85_vernietiging
-- (bewaartermijn_registratie, its history; ldv_verwerkingsactiviteit, the
-- entries in force as LDV uses them).  Applied when a record is logged: a
-- record of a confidential activity is stored vertrouwelijk (and needs scope
-- create:confidential), with the activity's bewaartermijn as its own, so
-- the read rules and the purge treat it like any action.

CREATE FUNCTION _uri_error(uri text) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_uri_error_fn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _uri_error(text) IS
  'Internal: NULL when uri is an absolute URI by the validator''s rules, else the reason';

CREATE FUNCTION registreer_verwerkingsactiviteit(verwerkingsactiviteit text, vertrouwelijkheid text,
                                                 bewaartermijn text DEFAULT NULL,
                                                 omschrijving text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    fouten text[] := '{}';
    reden text;
    niveau verwerkingenlog.vertrouwelijkheid;
    termijn verwerkingenlog.bewaartermijn;
BEGIN
    PERFORM verwerkingenlog._require_beheer('register a processing activity');
    IF verwerkingsactiviteit IS NULL THEN
        fouten := fouten || 'verwerkingsactiviteit: is required (required)'::text;
    ELSIF char_length(verwerkingsactiviteit) > 2042 THEN
        fouten := fouten || 'verwerkingsactiviteit: is longer than 2042 characters (max_length)'::text;
    ELSE
        reden := verwerkingenlog._uri_error(verwerkingsactiviteit);
        IF reden IS NOT NULL THEN
            fouten := fouten || format('verwerkingsactiviteit: %s (invalid)', reden);
        END IF;
    END IF;
    IF lower(vertrouwelijkheid) IN ('normaal', 'vertrouwelijk') THEN
        niveau := lower(vertrouwelijkheid)::verwerkingenlog.vertrouwelijkheid;
    ELSE
        fouten := fouten || 'vertrouwelijkheid: must be one of normaal, vertrouwelijk (invalid_choice)'::text;
    END IF;
    IF bewaartermijn IS NOT NULL THEN
        BEGIN
            termijn := bewaartermijn::verwerkingenlog.bewaartermijn;
        EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation THEN
            fouten := fouten || 'bewaartermijn: is not an ISO 8601 duration (invalid)'::text;
        END;
    END IF;
    IF char_length(omschrijving) > 242 THEN
        fouten := fouten || 'omschrijving: is longer than 242 characters (max_length)'::text;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RAISE EXCEPTION 'invalid processing activity: %', fouten[1]
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
    PERFORM verwerkingenlog._register(verwerkingsactiviteit, niveau, termijn, omschrijving, false);
END
$$;
COMMENT ON FUNCTION registreer_verwerkingsactiviteit(text, text, text, text) IS
  'Registers (or replaces) the confidentiality (normaal, vertrouwelijk) and retention of a processing activity by its URI (appends a row to bewaartermijn_registratie); applies to LDV records and OTLP spans logged from then on, and the retention as criterion 2 of the purge to verwerkingsacties of a urn:uuid activity (scope beheer)';

CREATE FUNCTION verwijder_verwerkingsactiviteit(verwerkingsactiviteit text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('remove a processing activity from the register');
    PERFORM pg_advisory_xact_lock(1447511881, hashtext(verwerkingsactiviteit));
    IF NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactiviteit_register r
                    WHERE r.verwerkingsactiviteit = verwijder_verwerkingsactiviteit.verwerkingsactiviteit) THEN
        RETURN false;
    END IF;
    PERFORM verwerkingenlog._register(verwerkingsactiviteit, NULL, NULL, NULL, false);
    RETURN true;
END
$$;
COMMENT ON FUNCTION verwijder_verwerkingsactiviteit(text) IS
  'Removes a processing activity from the register, its confidentiality and its retention (appends a removal to bewaartermijn_registratie); true when it was registered; records already logged keep their level and retention (scope beheer)';

-- Applies the register to records already logged: every current LDV record
-- of the activity gets a new version with the registered level and
-- retention, as a PATCH would store it (the rule engine decides: a record
-- that was vertrouwelijk and is registered normaal becomes opgeheven, and
-- it needs the update scopes a PATCH needs).  Verwerkingsacties of the same
-- activity keep the level their application gave them.
CREATE FUNCTION pas_verwerkingsactiviteit_toe(verwerkingsactiviteit text) RETURNS integer
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    scopes integer := verwerkingenlog._scopes();
    r verwerkingenlog.ldv_verwerkingsactiviteit;
    acties uuid[];
    aantal integer;
BEGIN
    PERFORM verwerkingenlog._require_beheer('apply the register to logged records');
    SELECT * INTO r FROM verwerkingenlog.ldv_verwerkingsactiviteit x
     WHERE x.verwerkingsactiviteit = pas_verwerkingsactiviteit_toe.verwerkingsactiviteit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'processing activity is not registered'
            USING ERRCODE = 'no_data_found',
                  DETAIL = 'verwerkingsactiviteit: is not in the register (does_not_exist)';
    END IF;
    -- Lock the actions in a fixed order, then read them again (as PATCH).
    SELECT array_agg(a.actie_id ORDER BY a.actie_id) INTO acties
      FROM (SELECT DISTINCT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE v.span_id IS NOT NULL
               AND verwerkingenlog._activiteit_uri(v) = r.verwerkingsactiviteit) a;
    PERFORM verwerkingenlog._lock(a) FROM unnest(acties) a ORDER BY a;
    WITH huidig AS MATERIALIZED (
        SELECT h FROM unnest(acties) a
         CROSS JOIN LATERAL verwerkingenlog._current(a) h
         WHERE NOT h.vervallen AND verwerkingenlog._activiteit_uri(h) = r.verwerkingsactiviteit
           AND (h.vertrouwelijkheid IS DISTINCT FROM r.vertrouwelijkheid
                AND NOT (h.vertrouwelijkheid = 'opgeheven' AND r.vertrouwelijkheid = 'normaal')
                OR h.bewaartermijn::text IS DISTINCT FROM r.bewaartermijn::text))
    SELECT count(verwerkingenlog._copy_version(
               huidig.h,
               verwerkingenlog._decide('patch', scopes, (huidig.h).vertrouwelijkheid, r.vertrouwelijkheid),
               r.bewaartermijn, false))
      INTO aantal FROM huidig;
    RETURN aantal;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'could not serialize access due to a concurrent change of a verwerkingsactie'
        USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
END
$$;
COMMENT ON FUNCTION pas_verwerkingsactiviteit_toe(text) IS
  'Applies the register''s confidentiality and retention of a processing activity to its LDV records already logged (new versions, as PATCH stores them); returns how many changed (scope beheer and the update scopes of a PATCH)';

-- Writing (src/ldv.c).
CREATE FUNCTION log_logregels(logregels jsonb) RETURNS SETOF uuid
    AS 'MODULE_PATHNAME', 'vwl_log_logregels'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_logregels(jsonb) IS
  'Logs a JSON array of LDV 1.0 records (trace_id, span_id, parent_span_id, name, status, start_time, end_time, resource, attributes), all or nothing; returns the actieId of each in input order';

CREATE FUNCTION log_otlp(export jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_log_otlp'
    LANGUAGE C VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION log_otlp(jsonb) IS
  'POST /v1/traces: stores every valid span of an OTLP/HTTP JSON ExportTraceServiceRequest as an LDV record; answers {} or {"partialSuccess": {"rejectedSpans": n, "errorMessage": ...}}';

-- Reading.

-- Milliseconds since the epoch of a moment.
CREATE FUNCTION _ms(m moment) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT pg_catalog.floor(pg_catalog.date_part('epoch', verwerkingenlog.moment_to_timestamptz(m))::numeric * 1000)::bigint
$$;
COMMENT ON FUNCTION _ms(moment) IS 'Internal: the instant of a moment in milliseconds since the epoch (LDV start_time, end_time)';

-- The dpl.core.processing_activity_id of a version.
CREATE FUNCTION _activiteit_uri(v verwerkingsactie_versie) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(v.verwerkingsactiviteit_url, 'urn:uuid:' || v.verwerkingsactiviteit_id::text)
$$;
COMMENT ON FUNCTION _activiteit_uri(verwerkingsactie_versie) IS
  'Internal: the processing activity of a version as an LDV URI: verwerkingsactiviteitUrl, else urn:uuid:<verwerkingsactiviteitId>';

-- One object of a version as an LDV record, in the standard's field names.
CREATE FUNCTION _logregel(v verwerkingsactie_versie, o verwerkt_object) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'trace_id', pg_catalog.replace(coalesce(v.trace_id, v.verwerking_id, v.actie_id)::text, '-', ''),
        'span_id', pg_catalog.encode(coalesce(v.span_id,
                                              pg_catalog.substr(pg_catalog.uuid_send(o.verwerkt_object_id), 9)), 'hex'),
        'name', coalesce(v.actie_naam, v.handeling_naam, v.verwerking_naam, 'verwerkingsactie'),
        'status', coalesce(v.status, 'Unset'),
        'start_time', verwerkingenlog._ms(v.tijdstip),
        'end_time', verwerkingenlog._ms(coalesce(v.eind_tijdstip, v.tijdstip)),
        'resource', coalesce(v.resource, pg_catalog.jsonb_build_object('attributes', pg_catalog.jsonb_strip_nulls(
                        pg_catalog.jsonb_build_object('service.name', v.systeem,
                                                      'verwerkingenlog.uitvoerder', v.uitvoerder,
                                                      'verwerkingenlog.gegevensbron', v.gegevensbron)))),
        'attributes', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                          'dpl.core.processing_activity_id', verwerkingenlog._activiteit_uri(v),
                          'dpl.core.data_subject_id', verwerkingenlog._decrypt_object(o),
                          'dpl.core.data_subject_id_type', o.soort_object_id))
                      OPERATOR(pg_catalog.||) coalesce(v.attributen, '{}'))
    OPERATOR(pg_catalog.||) CASE WHEN v.parent_span_id IS NULL THEN '{}'::jsonb
           ELSE pg_catalog.jsonb_build_object('parent_span_id', pg_catalog.encode(v.parent_span_id, 'hex')) END
$$;
COMMENT ON FUNCTION _logregel(verwerkingsactie_versie, verwerkt_object) IS
  'Internal: one verwerkt object of a version as an LDV record (trace_id, span_id, parent_span_id, name, status, start_time, end_time, resource, attributes)';

-- An LDV record in the camelCase of the LDV read API.
CREATE FUNCTION _read_logregel(r jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'traceId', r->'trace_id', 'spanId', r->'span_id', 'name', r->'name', 'status', r->'status',
        'startTime', r->'start_time', 'endTime', r->'end_time', 'resource', r->'resource',
        'attributes', r->'attributes')
    OPERATOR(pg_catalog.||) CASE WHEN r ? 'parent_span_id'
                                 THEN pg_catalog.jsonb_build_object('parentSpanId', r->'parent_span_id')
                                 ELSE '{}'::jsonb END
$$;
COMMENT ON FUNCTION _read_logregel(jsonb) IS
  'Internal: an LDV record in the field names of the LDV read API (traceId, spanId, parentSpanId, startTime, endTime, ...)';

CREATE FUNCTION logregels(trace_id text DEFAULT NULL, processing_activity_id text DEFAULT NULL,
                          data_subject_id text DEFAULT NULL, data_subject_id_type text DEFAULT NULL,
                          start_time bigint DEFAULT NULL, end_time bigint DEFAULT NULL)
    RETURNS SETOF jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    soort text := coalesce(data_subject_id_type, 'BSN');
    trace uuid;
    activiteit_id uuid;
    van timestamptz;
    tot timestamptz;
    fouten text[] := '{}';
    d jsonb;
BEGIN
    IF trace_id IS NULL AND processing_activity_id IS NULL AND data_subject_id IS NULL THEN
        RAISE EXCEPTION 'traceId, dpl.core.processingActivityId or dpl.core.data_subject_id is required'
            USING ERRCODE = 'null_value_not_allowed',
                  DETAIL = 'traceId: at least one of traceId, dpl.core.processingActivityId and dpl.core.data_subject_id is required (required)';
    END IF;
    IF trace_id !~ '^[0-9A-Fa-f]{32}$' THEN
        fouten := fouten || 'traceId: must be 32 hexadecimal digits (16 bytes) (invalid)'::text;
    ELSE
        trace := trace_id::uuid;
    END IF;
    IF verwerkingenlog._uri_error(processing_activity_id) IS NOT NULL THEN
        fouten := fouten || format('dpl.core.processingActivityId: %s (invalid)',
                                   verwerkingenlog._uri_error(processing_activity_id));
    ELSIF processing_activity_id ~* '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        activiteit_id := substr(processing_activity_id, 10)::uuid;
    END IF;
    IF data_subject_id = '' THEN
        fouten := fouten || 'dpl.core.data_subject_id: must not be empty (blank)'::text;
    END IF;
    IF start_time < 0 OR start_time > 253402300799999 THEN
        fouten := fouten || 'startTime: must be milliseconds since 1970 before the year 10000 (invalid)'::text;
    END IF;
    IF end_time < 0 OR end_time > 253402300799999 THEN
        fouten := fouten || 'endTime: must be milliseconds since 1970 before the year 10000 (invalid)'::text;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RAISE EXCEPTION 'invalid query: %', fouten[1]
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
    van := to_timestamp(start_time / 1000.0);
    tot := to_timestamp(end_time / 1000.0);

    IF data_subject_id IS NOT NULL THEN
        -- A read by subject is an inzage (C3677): logged like one, after
        -- the lookup, by the inzage's own record function.
        PERFORM verwerkingenlog._inzage_writable();
        d := verwerkingenlog._inzage_input('persoon', soort, data_subject_id);
        RETURN QUERY
        SELECT verwerkingenlog._read_logregel(verwerkingenlog._logregel(v, o))
          FROM verwerkingenlog.verwerkt_object o
         CROSS JOIN LATERAL verwerkingenlog._current(o.actie_id) v
         WHERE o.soort_object_id = soort
           AND o.object_pseudoniem = verwerkingenlog._pseudoniem(soort, data_subject_id)
           AND (van IS NULL OR o.tijdstip >= van)
           AND (tot IS NULL OR o.tijdstip <= tot)
           AND v.objecten_volgnummer = o.volgnummer
           AND NOT v.vervallen
           AND v.vertrouwelijkheid = ANY (zichtbaar)
           AND (trace IS NULL OR coalesce(v.trace_id, v.verwerking_id, v.actie_id) = trace)
           AND (processing_activity_id IS NULL OR verwerkingenlog._activiteit_uri(v) = processing_activity_id)
         ORDER BY o.tijdstip, o.actie_id, o.volgorde;
        PERFORM verwerkingenlog._log_inzage(d);
        RETURN;
    END IF;

    RETURN QUERY
    SELECT verwerkingenlog._read_logregel(verwerkingenlog._logregel(v, o))
      FROM (SELECT DISTINCT w.actie_id FROM verwerkingenlog.verwerkingsactie_versie w
             WHERE CASE WHEN trace IS NOT NULL
                        THEN w.verwerking_id = trace OR w.trace_id = trace OR w.actie_id = trace
                        ELSE w.verwerkingsactiviteit_url = processing_activity_id
                             OR w.verwerkingsactiviteit_id = activiteit_id END) a
     CROSS JOIN LATERAL verwerkingenlog._current(a.actie_id) v
      JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
     WHERE NOT v.vervallen
       AND v.vertrouwelijkheid = ANY (zichtbaar)
       AND (trace IS NULL OR coalesce(v.trace_id, v.verwerking_id, v.actie_id) = trace)
       AND (processing_activity_id IS NULL OR verwerkingenlog._activiteit_uri(v) = processing_activity_id)
       AND (van IS NULL OR o.tijdstip >= van)
       AND (tot IS NULL OR o.tijdstip <= tot)
     ORDER BY o.tijdstip, o.actie_id, o.volgorde;
END
$$;
COMMENT ON FUNCTION logregels(text, text, text, text, bigint, bigint) IS
  'LDV read API 1.0 (GET /processing-activities): the records of a trace, a processing activity or a data subject (type default BSN), start_time in [start_time, end_time] (ms), oldest first, in the read API''s camelCase; a read by subject is an inzage and is logged';

CREATE FUNCTION als_logregels(actie_id uuid) RETURNS SETOF jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zichtbaar verwerkingenlog.vertrouwelijkheid[] := verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
BEGIN
    RETURN QUERY
    SELECT verwerkingenlog._logregel(v, o)
      FROM verwerkingenlog._current(als_logregels.actie_id) v
      JOIN verwerkingenlog.verwerkt_object o ON o.actie_id = v.actie_id AND o.volgnummer = v.objecten_volgnummer
     WHERE NOT v.vervallen AND v.vertrouwelijkheid = ANY (zichtbaar)
     ORDER BY o.volgorde;
END
$$;
COMMENT ON FUNCTION als_logregels(uuid) IS
  'The current version of a verwerkingsactie as LDV records, one per verwerkt object, in the field names log_logregels takes; no rows when unknown, vervallen or not visible';

REVOKE ALL ON FUNCTION _uri_error(text), _ms(moment), _activiteit_uri(verwerkingsactie_versie),
                       _logregel(verwerkingsactie_versie, verwerkt_object), _read_logregel(jsonb)
    FROM PUBLIC;

-- W3C Trace Context (B9177, logging from headers): a verwerkingsactie logged
-- in a request with a traceparent header joins the caller's trace, so a
-- provider's actions are found under the consumer's traceId.
CREATE FUNCTION _traceparent() RETURNS trigger
    AS 'MODULE_PATHNAME', 'vwl_traceparent'
    LANGUAGE C;
COMMENT ON FUNCTION _traceparent() IS
  'Trigger: the first version of an action logged with a valid traceparent in request.headers gets its trace-id as trace_id and its parent-id as parent_span_id';
CREATE TRIGGER verwerkingsactie_versie_traceparent
    BEFORE INSERT ON verwerkingsactie_versie
    FOR EACH ROW EXECUTE FUNCTION _traceparent();
REVOKE ALL ON FUNCTION _traceparent() FROM PUBLIC;

-- For the export (87_export): the LDV fields of a version whose LDV columns
-- are set, so a migration keeps what a verwerkingsactie document cannot
-- say ({} for a plain verwerkingsactie).  The subject is the document's
-- verwerkt object; nothing here needs decrypting.
CREATE FUNCTION _ldv_export(v verwerkingsactie_versie) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN v.span_id IS NULL AND v.trace_id IS NULL AND v.parent_span_id IS NULL THEN '{}'::jsonb
           ELSE pg_catalog.jsonb_build_object('ldv', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                    'trace_id', pg_catalog.replace(coalesce(v.trace_id, v.verwerking_id, v.actie_id)::text, '-', ''),
                    'span_id', pg_catalog.encode(v.span_id, 'hex'),
                    'parent_span_id', pg_catalog.encode(v.parent_span_id, 'hex'),
                    'status', v.status,
                    'end_time', verwerkingenlog._ms(v.eind_tijdstip),
                    'eind_tijdstip', v.eind_tijdstip::text,
                    'resource', v.resource,
                    'attributes', v.attributen))) END
$$;
COMMENT ON FUNCTION _ldv_export(verwerkingsactie_versie) IS
  'Internal: {"ldv": {trace_id, span_id, parent_span_id, status, end_time, eind_tijdstip, resource, attributes}} for a version with LDV columns (for the export), else {}';
REVOKE ALL ON FUNCTION _ldv_export(verwerkingsactie_versie) FROM PUBLIC;
-- The REST layer: schema verwerkingenlog_api, the only schema PostgREST
-- exposes.  One function per operation of the two OpenAPI files, named after
-- its operationId ("-" becomes "_"):
--
--   GET    /verwerkingsacties               verwerkingsactie_list
--   POST   /verwerkingsacties               verwerkingsactie_create
--   PATCH  /verwerkingsacties?verwerkingId= verwerkingsactie_list_patch
--   GET    /verwerkingsacties/{actieId}     verwerkingsactie_read
--   PUT    /verwerkingsacties/{actieId}     verwerkingsactie_update
--   DELETE /verwerkingsacties/{actieId}     verwerkingsactie_delete
--   GET    /verwerkte-objecten              verwerkte_objecten_list
--   GET    /verwerkte-objecten/{id}         verwerktobject_read
--
-- Each calls the SQL API of schema verwerkingenlog (which decides scopes and
-- validates) and adds only HTTP: response.status, response.headers, list
-- envelopes {count, next, previous, results} with paging, and problem
-- bodies (Fout, ValidatieFout) that are RETURNED, not raised, with
-- Content-Type application/problem+json.  No function has named
-- parameters: the client's query string arrives in the request header
-- Verwerkingenlog-Query and is parsed here exactly as the OpenAPI defines
-- it (array parameters repeated or comma-separated; unknown or repeated
-- parameters are a 400), a path id in the header Verwerkingenlog-Id, and a
-- body as the single unnamed jsonb parameter, untouched (nginx never builds
-- JSON from client text).  A missing or malformed value is the standard's
-- 400, never a PostgREST "function not found" or a cast error.  Lists page
-- with keysets (cursor links).  How requests reach these functions (nginx,
-- PostgREST, which transaction) is in test/deploy/README.md.
--
-- Status codes:
--   SQLSTATE class 22 (invalid input)        400 ValidatieFout, invalidParams from the detail lines
--   42501 (scope missing)                    403 Fout
--   P0002 (no such action / verwerking)      404 for GET one and DELETE, 400 for PUT and PATCH
--   40001, 40P01 (concurrent change, deadlock) 409 Fout: retry
--   class 28 (unreadable JWT claims)         401 Fout
--   25006 (inzage in a read-only request)    405 Fout with Allow: POST
--   anything else                            500 Fout; the message goes to the server log only

CREATE SCHEMA verwerkingenlog_api;
COMMENT ON SCHEMA verwerkingenlog_api IS
  'REST layer of verwerkingenlog for PostgREST: one function per operation of the bewerking and inzage APIs';

-- The version of the OpenAPI contract these functions implement; sent in
-- the API-version header of every response.
CREATE FUNCTION _http_api_version() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '0.9.0' $$;

-- Sets response.status and response.headers (API-version plus koppen, an
-- array of single-key objects as PostgREST wants them) and returns body.
CREATE FUNCTION _http_response(status integer, body jsonb, koppen jsonb DEFAULT '[]') RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM set_config('response.status', status::text, true);
    PERFORM set_config('response.headers',
                       (jsonb_build_array(jsonb_build_object('API-version', verwerkingenlog._http_api_version()))
                        || koppen)::text, true);
    RETURN body;
END
$$;

-- A problem body (Fout; ValidatieFout when invalid_params is given) with its
-- status and Content-Type application/problem+json.  instance names this
-- occurrence; the server log of a 500 carries the same urn.
CREATE FUNCTION _http_problem(status integer, detail text, invalid_params jsonb DEFAULT NULL,
                               koppen jsonb DEFAULT '[]') RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    body jsonb;
BEGIN
    body := jsonb_build_object(
        'code', CASE status WHEN 400 THEN 'invalid' WHEN 401 THEN 'not_authenticated'
                            WHEN 403 THEN 'permission_denied' WHEN 404 THEN 'not_found'
                            WHEN 405 THEN 'method_not_allowed' WHEN 409 THEN 'conflict'
                            ELSE 'error' END,
        'title', CASE status WHEN 400 THEN 'Invalid input.' WHEN 401 THEN 'Not authenticated.'
                             WHEN 403 THEN 'You do not have permission to perform this action.'
                             WHEN 404 THEN 'Not found.' WHEN 405 THEN 'Method not allowed.'
                             WHEN 409 THEN 'Conflict.' ELSE 'A server error occurred.' END,
        'status', status,
        'detail', coalesce(nullif(detail, ''), 'No further information.'),
        'instance', 'urn:uuid:' || verwerkingenlog.uuidv7());
    IF invalid_params IS NOT NULL THEN
        body := body || jsonb_build_object('invalidParams', invalid_params);
    END IF;
    RETURN verwerkingenlog._http_response(
        status, body, jsonb_build_array(jsonb_build_object('Content-Type', 'application/problem+json')) || koppen);
END
$$;

-- invalidParams from an error detail: every line "<name>: <reason> (<code>)"
-- (the validator's format) becomes {name, code, reason}.  A detail without
-- such lines gives one entry for the request as a whole.
CREATE FUNCTION _http_invalid(bericht text, detail text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(
        (SELECT jsonb_agg(jsonb_build_object('name', coalesce(nullif(m[1], ''), '(document)'),
                                             'code', m[3], 'reason', m[2]) ORDER BY n)
           FROM regexp_split_to_table(coalesce(detail, ''), E'\n') WITH ORDINALITY AS r(regel, n),
                LATERAL regexp_match(r.regel, '^(.*?): (.*) \(([a-z_]+)\)$') AS m
          WHERE m IS NOT NULL),
        jsonb_build_array(jsonb_build_object('name', '(request)', 'code', 'invalid',
                                             'reason', coalesce(bericht, 'is invalid'))))
$$;

-- The answer to an error of the SQL API (see the table at the top).  For
-- P0002 the caller says which status fits its operation and, for 400, which
-- parameter names the missing resource.
CREATE FUNCTION _http_error(sqlstate text, bericht text, detail text,
                           niet_gevonden integer DEFAULT 404, niet_gevonden_param text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    body jsonb;
BEGIN
    IF sqlstate LIKE '22%' THEN
        RETURN verwerkingenlog._http_problem(400, bericht, verwerkingenlog._http_invalid(bericht, detail));
    ELSIF sqlstate = '42501' THEN
        RETURN verwerkingenlog._http_problem(403, bericht);
    ELSIF sqlstate = 'P0002' AND niet_gevonden = 400 THEN
        RETURN verwerkingenlog._http_problem(400, bericht, jsonb_build_array(jsonb_build_object(
            'name', niet_gevonden_param, 'code', 'does_not_exist',
            'reason', CASE WHEN niet_gevonden_param IN ('verwerkingId', 'verwerkingIdAfnemer')
                           THEN 'has no current verwerkingsacties'
                           ELSE 'does not name a current verwerkingsactie' END)));
    ELSIF sqlstate = 'P0002' THEN
        RETURN verwerkingenlog._http_problem(niet_gevonden, bericht);
    ELSIF sqlstate IN ('40001', '40P01') THEN
        RETURN verwerkingenlog._http_problem(409, bericht || '; retry the request');
    ELSIF sqlstate LIKE '28%' THEN
        RETURN verwerkingenlog._http_problem(401, bericht);
    ELSIF sqlstate = '25006' THEN
        RETURN verwerkingenlog._http_problem(405, bericht,
            koppen => jsonb_build_array(jsonb_build_object('Allow', 'POST')));
    END IF;
    body := verwerkingenlog._http_problem(500, 'The request could not be completed; the server log has the details.');
    RAISE WARNING 'verwerkingenlog_api: % (SQLSTATE %), answered with status 500 as %', bericht, sqlstate, body->>'instance'
        USING DETAIL = coalesce(detail, '');
    RETURN body;
END
$$;

-- The problems of one query or path parameter, as an array of
-- {name, code, reason} (empty when it is fine).  soort: 'tekst' (with
-- max_lengte), 'objecttype', 'uuid', 'datum', 'pagina', 'vertrouwelijkheid'
-- (one value or a comma-separated list).
CREATE FUNCTION _http_param(naam text, waarde text, soort text, verplicht boolean,
                            max_lengte integer DEFAULT NULL) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    reden text;
    code text := 'invalid';
    d date;
BEGIN
    IF waarde IS NULL THEN
        IF verplicht THEN
            RETURN jsonb_build_array(jsonb_build_object('name', naam, 'code', 'required', 'reason', 'is required'));
        END IF;
        RETURN '[]';
    END IF;
    IF waarde = '' THEN
        reden := 'must not be empty';
        code := 'blank';
    ELSIF soort = 'tekst' THEN
        IF char_length(waarde) > max_lengte THEN
            reden := format('is longer than %s characters', max_lengte);
            code := 'max_length';
        END IF;
    ELSIF soort = 'objecttype' THEN
        IF lower(waarde) <> 'persoon' THEN
            reden := 'must be persoon';
            code := 'invalid_choice';
        END IF;
    ELSIF soort = 'uuid' THEN
        IF waarde !~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' THEN
            reden := 'is not a UUID (8-4-4-4-12 hexadecimal digits)';
        END IF;
    ELSIF soort = 'datum' THEN
        BEGIN
            IF waarde !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
                RAISE invalid_datetime_format;
            END IF;
            d := waarde::date;
        EXCEPTION WHEN data_exception THEN
            reden := 'is not a date (YYYY-MM-DD)';
        END;
    ELSIF soort = 'pagina' THEN
        IF waarde !~ '^[0-9]{1,9}$' OR waarde::integer < 1 THEN
            reden := 'must be a positive whole number';
        END IF;
    ELSIF soort = 'vertrouwelijkheid' THEN
        IF EXISTS (SELECT FROM unnest(string_to_array(waarde, ',')) w
                    WHERE lower(btrim(w)) NOT IN ('normaal', 'vertrouwelijk', 'opgeheven')) THEN
            reden := 'must be one of normaal, vertrouwelijk, opgeheven (or a comma-separated list of them)';
            code := 'invalid_choice';
        END IF;
    ELSE
        RAISE EXCEPTION 'unknown soort of parameter "%"', soort USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reden IS NULL THEN
        RETURN '[]';
    END IF;
    RETURN jsonb_build_array(jsonb_build_object('name', naam, 'code', code, 'reason', reden));
END
$$;

-- Percent-encoding of a query parameter value (RFC 3986 unreserved
-- characters stay as they are).
CREATE FUNCTION _http_url_encode(waarde text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(string_agg(
               CASE WHEN (b BETWEEN 48 AND 57) OR (b BETWEEN 65 AND 90) OR (b BETWEEN 97 AND 122)
                         OR b IN (45, 46, 95, 126)
                    THEN chr(b)
                    ELSE '%' || upper(lpad(to_hex(b), 2, '0')) END, '' ORDER BY i), '')
      FROM (SELECT i, get_byte(convert_to(waarde, 'UTF8'), i) AS b
              FROM generate_series(0, octet_length(convert_to(waarde, 'UTF8')) - 1) AS i) t
$$;

-- A list answer {count, next, previous, results} for page `pagina` of
-- `alle` (every result, in order), or a 404 for a page past the end.  pad
-- and params (an array of [name, value] pairs, NULL values left out) make
-- the next and previous links.
CREATE FUNCTION _http_list(alle jsonb, pagina integer, pad text, params jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    grootte integer := current_setting('verwerkingenlog.page_size')::integer;
    aantal integer := jsonb_array_length(alle);
    basis text;
BEGIN
    IF pagina > 1 AND (pagina - 1)::bigint * grootte >= aantal THEN
        RETURN verwerkingenlog._http_problem(404, format('page %s does not exist: there are %s results, %s per page',
                                                          pagina, aantal, grootte));
    END IF;
    basis := verwerkingenlog.base_url() || pad || '?' ||
             coalesce((SELECT string_agg(p->>0 || '=' || verwerkingenlog._http_url_encode(p->>1) || '&', '' ORDER BY n)
                         FROM jsonb_array_elements(params) WITH ORDINALITY AS e(p, n)
                        WHERE p->>1 IS NOT NULL), '') || 'page=';
    RETURN verwerkingenlog._http_response(200, jsonb_build_object(
        'count', aantal,
        'next', CASE WHEN pagina::bigint * grootte < aantal THEN basis || (pagina + 1) END,
        'previous', CASE WHEN pagina > 1 THEN basis || (pagina - 1) END,
        'results', coalesce((SELECT jsonb_agg(r ORDER BY n)
                               FROM jsonb_array_elements(alle) WITH ORDINALITY AS e(r, n)
                              WHERE n > (pagina - 1)::bigint * grootte AND n <= pagina::bigint * grootte), '[]')));
END
$$;

COMMENT ON FUNCTION _http_api_version() IS 'The OpenAPI version the REST layer implements (header API-version)';
COMMENT ON FUNCTION _http_response(integer, jsonb, jsonb) IS
  'REST layer: sets response.status and response.headers (API-version and more) and returns the body';
COMMENT ON FUNCTION _http_problem(integer, text, jsonb, jsonb) IS
  'REST layer: a Fout or ValidatieFout body with its status and Content-Type application/problem+json';
COMMENT ON FUNCTION _http_invalid(text, text) IS
  'REST layer: invalidParams from the "<name>: <reason> (<code>)" lines of an error detail';
COMMENT ON FUNCTION _http_error(text, text, text, integer, text) IS
  'REST layer: the problem answer to an error of the SQL API, by SQLSTATE';
COMMENT ON FUNCTION _http_param(text, text, text, boolean, integer) IS
  'REST layer: the problems of one query or path parameter as [{name, code, reason}]';
COMMENT ON FUNCTION _http_url_encode(text) IS 'Percent-encoding of a query parameter value (RFC 3986)';
COMMENT ON FUNCTION _http_list(jsonb, integer, text, jsonb) IS
  'REST layer: one page of a list as {count, next, previous, results}, or 404 past the last page';

REVOKE ALL ON FUNCTION _http_response(integer, jsonb, jsonb), _http_problem(integer, text, jsonb, jsonb),
                       _http_error(text, text, text, integer, text), _http_list(jsonb, integer, text, jsonb)
    FROM PUBLIC;

-- The request as nginx passes it (test/deploy/nginx.conf): nothing of the
-- client's is ever spliced into a JSON body.  The client's query string
-- travels as it came in the header Verwerkingenlog-Query, a path id
-- (actieId, verwerktObjectId) in Verwerkingenlog-Id, and a body as
-- PostgREST's single unnamed jsonb parameter, untouched.  PostgREST puts the
-- headers in request.headers (names in lower case).

-- One request header, NULL when absent.
CREATE FUNCTION _http_header(naam text) RETURNS text
    LANGUAGE sql STABLE
AS $$ SELECT verwerkingenlog._inzage_headers()->>lower(naam) $$;

-- Percent-decoding of one name or value of a query string ('+' is a
-- space, as in form encoding); 22023 when a '%' is not followed by two hex
-- digits or the bytes are not UTF-8.
CREATE FUNCTION _http_url_decode(waarde text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    b bytea;
BEGIN
    IF waarde ~ '%($|.$|[^0-9A-Fa-f]|.[^0-9A-Fa-f])' THEN
        RAISE EXCEPTION 'invalid percent-encoding' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(CASE WHEN m[1] IS NOT NULL THEN decode(substr(m[1], 2), 'hex')
                           ELSE convert_to(m[2], 'UTF8') END, ''::bytea ORDER BY n)
      INTO b
      FROM regexp_matches(replace(waarde, '+', ' '), '(%[0-9A-Fa-f]{2})|([^%]+)', 'g') WITH ORDINALITY AS r(m, n);
    RETURN convert_from(coalesce(b, ''::bytea), 'UTF8');
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
    RAISE EXCEPTION 'invalid percent-encoding: not UTF-8' USING ERRCODE = 'invalid_parameter_value';
END
$$;

-- The query parameters of one operation, from the client's query string
-- (header Verwerkingenlog-Query): {name: value} for each parameter given.
-- namen are the operation's parameters (the OpenAPI's); lijsten are its
-- array parameters (form style, explode: repeated, and also a
-- comma-separated list), whose values are joined with commas.  An unknown
-- parameter, or one that is not an array given twice, raises 22023 with a
-- "<name>: <reason> (<code>)" line for each.
CREATE FUNCTION _http_parameters(namen text[], lijsten text[] DEFAULT '{}') RETURNS jsonb
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    deel text;
    naam text;
    waarde text;
    waarden jsonb := '{}';
    fouten text[] := '{}';
BEGIN
    FOREACH deel IN ARRAY string_to_array(coalesce(verwerkingenlog._http_header('verwerkingenlog-query'), ''), '&') LOOP
        CONTINUE WHEN deel = '';
        BEGIN
            naam := verwerkingenlog._http_url_decode(split_part(deel, '=', 1));
            waarde := CASE WHEN strpos(deel, '=') > 0
                           THEN verwerkingenlog._http_url_decode(substr(deel, strpos(deel, '=') + 1)) ELSE '' END;
        EXCEPTION WHEN invalid_parameter_value THEN
            fouten := fouten || format('%s: is not percent-encoded UTF-8 (invalid)', left(split_part(deel, '=', 1), 64));
            CONTINUE;
        END;
        IF NOT naam = ANY (namen) THEN
            fouten := fouten || format('%s: is not a parameter of this operation (unknown)', left(naam, 64));
        ELSIF waarden ? naam AND NOT naam = ANY (lijsten) THEN
            fouten := fouten || format('%s: is given more than once (invalid)', naam);
        ELSE
            waarden := jsonb_set(waarden, ARRAY[naam], coalesce(waarden->naam, '[]') || to_jsonb(waarde));
        END IF;
    END LOOP;
    IF cardinality(fouten) > 0 THEN
        fouten := ARRAY(SELECT DISTINCT ON (f) f FROM unnest(fouten) WITH ORDINALITY AS u(f, n) ORDER BY f, n);
        RAISE EXCEPTION 'invalid query string: %', fouten[1]
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(fouten, E'\n');
    END IF;
    RETURN coalesce((SELECT jsonb_object_agg(k, CASE WHEN k = ANY (lijsten)
                                                     THEN (SELECT string_agg(x, ',') FROM jsonb_array_elements_text(w) x)
                                                     ELSE w->>0 END)
                       FROM jsonb_each(waarden) AS e(k, w)), '{}');
END
$$;

-- The sort key in a cursor of the list links: "n" (the page after) or "p"
-- (the page before), the tijdstip in microseconds since 1970 (exact), the
-- actieId, and for the inzage the object's position:
-- n1712324142000000~0190a1b2-...[~2].  NULL for NULL; 22023 for anything
-- else that is not such a key.
CREATE FUNCTION _http_cursor(waarde text, met_volgorde boolean,
                             OUT terug boolean, OUT tijdstip timestamptz, OUT actie_id uuid, OUT volgorde smallint)
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    m text[];
    us bigint;
BEGIN
    IF waarde IS NULL THEN
        RETURN;
    END IF;
    m := regexp_match(waarde, '^([np])(-?[0-9]{1,17})~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
                              || CASE WHEN met_volgorde THEN '~([0-9]{1,4})' ELSE '()' END || '$');
    IF m IS NULL THEN
        RAISE EXCEPTION 'invalid query parameter "cursor": is not a cursor of this list'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'cursor: is not a cursor of this list; follow the next and previous links (invalid)';
    END IF;
    terug := m[1] = 'p';
    us := m[2]::bigint;
    tijdstip := to_timestamp(div(us, 1000000)) + mod(us, 1000000) * interval '1 microsecond';
    actie_id := m[3]::uuid;
    volgorde := nullif(m[4], '')::smallint;
END
$$;

-- The cursor of a row: see _http_cursor.
CREATE FUNCTION _http_cursor_from(richting text, tijdstip timestamptz, actie_id uuid, volgorde smallint DEFAULT NULL)
    RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT richting || (extract(epoch FROM tijdstip) * 1000000)::bigint || '~' || actie_id
           || coalesce('~' || volgorde, '')
$$;

-- A list answer {count, next, previous, results} from one keyset page.
-- rijen: up to grootte + 1 rows {document, tijdstip, actie_id[, volgorde]}
-- newest first, as fetched in the direction the cursor asked (terug: the
-- rows before the cursor; NULL: the first page); the extra row only tells
-- that there is more in that direction.  pad and params (an array of
-- [name, value] pairs, NULL values left out) make the links, which carry
-- every parameter and a cursor.
CREATE FUNCTION _http_page(rijen jsonb, grootte integer, terug boolean, aantal bigint,
                             pad text, params jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    n integer := jsonb_array_length(rijen);
    meer boolean := n > grootte;
    eerste jsonb;
    laatste jsonb;
    basis text;
BEGIN
    IF meer THEN
        -- The extra row is the last one fetched: the oldest going forward,
        -- the newest going back.
        rijen := CASE WHEN terug THEN rijen - 0 ELSE rijen - (n - 1) END;
        n := grootte;
    END IF;
    eerste := rijen->0;
    laatste := rijen->(n - 1);
    basis := verwerkingenlog.base_url() || pad || '?' ||
             coalesce((SELECT string_agg(p->>0 || '=' || verwerkingenlog._http_url_encode(p->>1) || '&', '' ORDER BY i)
                         FROM jsonb_array_elements(params) WITH ORDINALITY AS e(p, i)
                        WHERE p->>1 IS NOT NULL), '') || 'cursor=';
    RETURN verwerkingenlog._http_response(200, jsonb_build_object(
        'count', aantal,
        'next', CASE WHEN n > 0 AND (CASE WHEN terug THEN true ELSE meer END)
                     THEN basis || verwerkingenlog._http_cursor_from('n', (laatste->>'tijdstip')::timestamptz,
                                                                   (laatste->>'actie_id')::uuid, (laatste->>'volgorde')::smallint) END,
        'previous', CASE WHEN n > 0 AND (CASE WHEN terug THEN meer ELSE terug IS NOT NULL END)
                         THEN basis || verwerkingenlog._http_cursor_from('p', (eerste->>'tijdstip')::timestamptz,
                                                                       (eerste->>'actie_id')::uuid, (eerste->>'volgorde')::smallint) END,
        'results', coalesce((SELECT jsonb_agg(r->'document' ORDER BY i)
                               FROM jsonb_array_elements(rijen) WITH ORDINALITY AS e(r, i)), '[]')));
END
$$;

COMMENT ON FUNCTION _http_header(text) IS 'REST layer: one request header from request.headers (NULL when absent)';
COMMENT ON FUNCTION _http_url_decode(text) IS 'REST layer: percent-decoding of a query string name or value (UTF-8; + is a space)';
COMMENT ON FUNCTION _http_parameters(text[], text[]) IS
  'REST layer: the operation''s query parameters from header Verwerkingenlog-Query; array parameters repeated or comma-separated; 22023 for unknown or repeated ones';
COMMENT ON FUNCTION _http_cursor(text, boolean) IS 'REST layer: the direction and sort key in a cursor of the list links';
COMMENT ON FUNCTION _http_cursor_from(text, timestamptz, uuid, smallint) IS 'REST layer: the cursor of a row of a list';
COMMENT ON FUNCTION _http_page(jsonb, integer, boolean, bigint, text, jsonb) IS
  'REST layer: the list envelope {count, next, previous, results} of one keyset page';

REVOKE ALL ON FUNCTION _http_header(text), _http_parameters(text[], text[]),
                       _http_page(jsonb, integer, boolean, bigint, text, jsonb)
    FROM PUBLIC;

-- GET /verwerkingsacties: the query string (see _http_parameters);
-- vertrouwelijkheid is an array parameter, repeated or comma-separated.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q jsonb;
    c record;
    fouten jsonb;
    niveaus text[];
    grootte integer;
    rijen jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without a read scope nothing is looked at, not even the parameters.
    PERFORM verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    -- (Read after the first call into the library, which defines it.)
    grootte := current_setting('verwerkingenlog.page_size')::integer;
    q := verwerkingenlog._http_parameters(ARRAY['objecttype', 'soortObjectId', 'objectId', 'beginDatum', 'eindDatum',
                                                'vertrouwelijkheid', 'verwerkingsactiviteitId', 'cursor'],
                                          ARRAY['vertrouwelijkheid']);
    fouten := verwerkingenlog._http_param('objecttype', q->>'objecttype', 'objecttype', true)
           || verwerkingenlog._http_param('soortObjectId', q->>'soortObjectId', 'tekst', true, 242)
           || verwerkingenlog._http_param('objectId', q->>'objectId', 'tekst', true, 40)
           || verwerkingenlog._http_param('beginDatum', q->>'beginDatum', 'datum', false)
           || verwerkingenlog._http_param('eindDatum', q->>'eindDatum', 'datum', false)
           || verwerkingenlog._http_param('vertrouwelijkheid', q->>'vertrouwelijkheid', 'vertrouwelijkheid', false)
           || verwerkingenlog._http_param('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId', 'uuid', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid query parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    c := verwerkingenlog._http_cursor(q->>'cursor', false);
    niveaus := (SELECT array_agg(btrim(w)) FROM unnest(string_to_array(q->>'vertrouwelijkheid', ',')) w);
    -- One page and one row more (is there a next page?), on the person index.
    SELECT coalesce(jsonb_agg(jsonb_build_object('document', p.document, 'tijdstip', p.tijdstip, 'actie_id', p.actie_id)
                              ORDER BY p.tijdstip DESC, p.actie_id DESC), '[]')
      INTO rijen
      FROM verwerkingenlog._verwerkingsacties_page(
               q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
               niveaus, (q->>'verwerkingsactiviteitId')::uuid,
               c.tijdstip, c.actie_id, coalesce(c.terug, false), grootte + 1) p;
    RETURN verwerkingenlog._http_page(rijen, grootte, c.terug,
        verwerkingenlog._verwerkingsacties_count(
            q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
            niveaus, (q->>'verwerkingsactiviteitId')::uuid),
        '/verwerkingsacties', jsonb_build_array(
        jsonb_build_array('objecttype', q->>'objecttype'), jsonb_build_array('soortObjectId', q->>'soortObjectId'),
        jsonb_build_array('objectId', q->>'objectId'), jsonb_build_array('beginDatum', q->>'beginDatum'),
        jsonb_build_array('eindDatum', q->>'eindDatum'), jsonb_build_array('vertrouwelijkheid', q->>'vertrouwelijkheid'),
        jsonb_build_array('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_list() IS
  'GET /verwerkingsacties (operationId verwerkingsactie_list): a keyset page of the current actions about one object; parameters from the query string (header Verwerkingenlog-Query), vertrouwelijkheid repeated or comma-separated';

-- POST /verwerkingsacties: the request body is the single unnamed jsonb
-- parameter (PostgREST passes the raw body).
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_create(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    d := verwerkingenlog.log_verwerkingsactie($1);
    RETURN verwerkingenlog._http_response(201, d, jsonb_build_array(jsonb_build_object('Location', d->>'url')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_create(jsonb) IS
  'POST /verwerkingsacties (operationId verwerkingsactie_create): logs the body; 201 with a Location header';

-- GET /verwerkingsacties/{actieId}: the id from header Verwerkingenlog-Id.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_read()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('actieId', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid path parameter "actieId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    d := verwerkingenlog.verwerkingsactie(id::uuid);
    IF d IS NULL THEN
        RETURN verwerkingenlog._http_problem(404, format('verwerkingsactie %s does not exist', lower(id)));
    END IF;
    RETURN verwerkingenlog._http_response(200, d);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_read() IS
  'GET /verwerkingsacties/{actieId} (operationId verwerkingsactie_read): the current version of one action (actieId from header Verwerkingenlog-Id); 404 when unknown, vervallen or not visible';

-- PUT /verwerkingsacties/{actieId}: the body is the single unnamed jsonb
-- parameter, untouched; the id comes from header Verwerkingenlog-Id (set by
-- nginx from the path, never from the body).
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_update(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without an update scope nothing is looked at.
    PERFORM verwerkingenlog._decide('update', verwerkingenlog._scopes(), 'normaal', 'normaal');
    fouten := verwerkingenlog._http_param('actieId', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid path parameter "actieId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    RETURN verwerkingenlog._http_response(200, verwerkingenlog.wijzig_verwerkingsactie(id::uuid, $1));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- The standard: PUT of an unknown or vervallen action is a 400.
    RETURN verwerkingenlog._http_error(st, bericht, detail, 400, 'actieId');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_update(jsonb) IS
  'PUT /verwerkingsacties/{actieId} (operationId verwerkingsactie_update): replaces every element (body: the complete document; actieId from header Verwerkingenlog-Id); 400 when the action is unknown or vervallen';

-- DELETE /verwerkingsacties/{actieId}: the id from header Verwerkingenlog-Id.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_delete()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._decide('delete', verwerkingenlog._scopes(), 'normaal', NULL);
    fouten := verwerkingenlog._http_param('actieId', id, 'uuid', true);
    -- The OpenAPI contract of DELETE has no 400: a path that names no
    -- action, malformed or unknown or vervallen, is a 404.
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(404, format('verwerkingsactie %s does not exist: actieId %s',
                                                          coalesce(id, ''), fouten->0->>'reason'));
    END IF;
    PERFORM verwerkingenlog.verwijder_verwerkingsactie(id::uuid);
    RETURN verwerkingenlog._http_response(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail, 404);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_delete() IS
  'DELETE /verwerkingsacties/{actieId} (operationId verwerkingsactie_delete): annuls an action (actieId from header Verwerkingenlog-Id); 204, or 404 when it is unknown or already vervallen';

-- PATCH /verwerkingsacties?verwerkingId=: the body is the single unnamed
-- jsonb parameter, untouched; verwerkingId from the query string.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_list_patch(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q jsonb;
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._decide('patch', verwerkingenlog._scopes(), 'normaal', NULL);
    q := verwerkingenlog._http_parameters(ARRAY['verwerkingId']);
    fouten := verwerkingenlog._http_param('verwerkingId', q->>'verwerkingId', 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid query parameter "verwerkingId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    PERFORM verwerkingenlog.wijzig_verwerking((q->>'verwerkingId')::uuid, $1);
    RETURN verwerkingenlog._http_response(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- The standard: no current action in the verwerking is a 400.
    RETURN verwerkingenlog._http_error(st, bericht, detail, 400, 'verwerkingId');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_list_patch(jsonb) IS
  'PATCH /verwerkingsacties?verwerkingId= (operationId verwerkingsactie_list_patch): sets bewaartermijn and/or vertrouwelijkheid of every current action of a verwerking (body untouched, verwerkingId from the query string); 204';

-- GET /verwerkte-objecten.  Logs the inzage (every page), so it must run
-- read-write: nginx maps the GET onto POST /rpc/verwerkte_objecten_list
-- (body {}), the client's query string in header Verwerkingenlog-Query.
CREATE FUNCTION verwerkingenlog_api.verwerkte_objecten_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q jsonb;
    c record;
    fouten jsonb;
    grootte integer;
    rijen jsonb;
    st text; bericht text; detail text;
BEGIN
    -- Without a read scope nothing is looked at, not even the parameters.
    PERFORM verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL);
    -- (Read after the first call into the library, which defines it.)
    grootte := current_setting('verwerkingenlog.page_size')::integer;
    q := verwerkingenlog._http_parameters(ARRAY['objecttype', 'soortObjectId', 'objectId', 'beginDatum', 'eindDatum',
                                                'verwerkingsactiviteitId', 'cursor']);
    fouten := verwerkingenlog._http_param('objecttype', q->>'objecttype', 'objecttype', true)
           || verwerkingenlog._http_param('soortObjectId', q->>'soortObjectId', 'tekst', true, 242)
           || verwerkingenlog._http_param('objectId', q->>'objectId', 'tekst', true, 40)
           || verwerkingenlog._http_param('beginDatum', q->>'beginDatum', 'datum', true)
           || verwerkingenlog._http_param('eindDatum', q->>'eindDatum', 'datum', true)
           || verwerkingenlog._http_param('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId', 'uuid', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid query parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    c := verwerkingenlog._http_cursor(q->>'cursor', true);
    -- One page and one row more, on the person index; the page is logged
    -- as an inzage.
    SELECT coalesce(jsonb_agg(jsonb_build_object('document', p.document, 'tijdstip', p.tijdstip,
                                                 'actie_id', p.actie_id, 'volgorde', p.volgorde)
                              ORDER BY p.tijdstip DESC, p.actie_id DESC, p.volgorde DESC), '[]')
      INTO rijen
      FROM verwerkingenlog._verwerkte_objecten_page(
               q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
               (q->>'verwerkingsactiviteitId')::uuid,
               c.tijdstip, c.actie_id, c.volgorde, coalesce(c.terug, false), grootte + 1) p;
    RETURN verwerkingenlog._http_page(rijen, grootte, c.terug,
        verwerkingenlog._verwerkte_objecten_count(
            q->>'objecttype', q->>'soortObjectId', q->>'objectId', (q->>'beginDatum')::date, (q->>'eindDatum')::date,
            (q->>'verwerkingsactiviteitId')::uuid),
        '/verwerkte-objecten', jsonb_build_array(
        jsonb_build_array('objecttype', q->>'objecttype'), jsonb_build_array('soortObjectId', q->>'soortObjectId'),
        jsonb_build_array('objectId', q->>'objectId'), jsonb_build_array('beginDatum', q->>'beginDatum'),
        jsonb_build_array('eindDatum', q->>'eindDatum'),
        jsonb_build_array('verwerkingsactiviteitId', q->>'verwerkingsactiviteitId')));
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkte_objecten_list() IS
  'GET /verwerkte-objecten (operationId verwerkte-objecten_list): a keyset page of the verwerkte objecten about one person in the restricted form; logs every page as an inzage (call with POST: it writes)';

-- GET /verwerkte-objecten/{verwerktObjectId}; logs the inzage, so nginx
-- maps it onto POST like the list; the id from header Verwerkingenlog-Id.
CREATE FUNCTION verwerkingenlog_api.verwerktobject_read()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    d jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._readable('inzage', verwerkingenlog._scopes(), NULL);
    fouten := verwerkingenlog._http_param('verwerktObjectId', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid path parameter "verwerktObjectId": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    d := verwerkingenlog.verwerkt_object(id::uuid);
    IF d IS NULL THEN
        RETURN verwerkingenlog._http_problem(404, format('verwerkt object %s does not exist', lower(id)));
    END IF;
    RETURN verwerkingenlog._http_response(200, d);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerktobject_read() IS
  'GET /verwerkte-objecten/{verwerktObjectId} (operationId verwerktobject_read): one verwerkt object in the restricted form (id from header Verwerkingenlog-Id); logs the inzage (call with POST: it writes)';

-- Privileges: the REST functions run as the extension's owner (the SQL API
-- still decides scopes by the caller's role, GetOuterUserId), so a client
-- needs only usage on this schema and execute on these functions.  Every
-- scope role gets them: a client that lacks the scope of an operation gets
-- the standard's 403 body from the function, not a PostgREST error.
REVOKE ALL ON SCHEMA verwerkingenlog_api FROM PUBLIC;
DO $$
DECLARE
    f regprocedure;
    rol text;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
    FOREACH rol IN ARRAY ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                               'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                               'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                               'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                               'verwerkingenlog_beheer']
    LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA verwerkingenlog_api TO %I', rol);
        FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'verwerkingenlog_api'::regnamespace
        LOOP
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, rol);
        END LOOP;
    END LOOP;
END
$$;
-- REST for the consumer's verwerking (B8157), beside the standard's
-- operations (the OpenAPI has none for it; test/deploy/nginx.conf maps):
--   GET   /verwerkingsacties/afnemer/{verwerkingIdAfnemer}  verwerkingsactie_afnemer_list
--   PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer}  verwerkingsactie_afnemer_patch
-- with the status codes, problem bodies and paging of 80_api.sql.

-- GET /verwerkingsacties/afnemer/{verwerkingIdAfnemer}: the id from header
-- Verwerkingenlog-Id, the page number from the query string (header
-- Verwerkingenlog-Query), as nginx passes them.
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    q jsonb;
    fouten jsonb;
    alle jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._readable('actie', verwerkingenlog._scopes(), NULL);
    q := verwerkingenlog._http_parameters(ARRAY['page']);
    fouten := verwerkingenlog._http_param('verwerkingIdAfnemer', id, 'uuid', true)
           || verwerkingenlog._http_param('page', q->>'page', 'pagina', false);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid parameter "%s": %s',
                                                          fouten->0->>'name', fouten->0->>'reason'), fouten);
    END IF;
    SELECT coalesce(jsonb_agg(r ORDER BY n), '[]') INTO alle
      FROM verwerkingenlog.verwerkingsacties_afnemer(id::uuid) WITH ORDINALITY AS t(r, n);
    RETURN verwerkingenlog._http_list(alle, coalesce((q->>'page')::integer, 1),
                                       '/verwerkingsacties/afnemer/' || lower(id), '[]');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN verwerkingenlog._http_error(st, bericht, detail);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list() IS
  'GET /verwerkingsacties/afnemer/{verwerkingIdAfnemer} (B8157): a page of the current actions logged with a consumer''s verwerkingId (id from header Verwerkingenlog-Id, page from the query string)';

-- PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer}: the body is the
-- single unnamed jsonb parameter, untouched; the id from header
-- Verwerkingenlog-Id (set by nginx from the path, never from the body).
CREATE FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id text := verwerkingenlog._http_header('verwerkingenlog-id');
    fouten jsonb;
    st text; bericht text; detail text;
BEGIN
    PERFORM verwerkingenlog._decide('patch', verwerkingenlog._scopes(), 'normaal', NULL);
    fouten := verwerkingenlog._http_param('verwerkingIdAfnemer', id, 'uuid', true);
    IF jsonb_array_length(fouten) > 0 THEN
        RETURN verwerkingenlog._http_problem(400, format('invalid parameter "verwerkingIdAfnemer": %s',
                                                          fouten->0->>'reason'), fouten);
    END IF;
    PERFORM verwerkingenlog.wijzig_verwerking_afnemer(id::uuid, $1);
    RETURN verwerkingenlog._http_response(204, NULL);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- As PATCH by verwerkingId: no current action is a 400.
    RETURN verwerkingenlog._http_error(st, bericht, detail, 400, 'verwerkingIdAfnemer');
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb) IS
  'PATCH /verwerkingsacties/afnemer/{verwerkingIdAfnemer} (B8157): sets bewaartermijn and/or vertrouwelijkheid of every current action logged with a consumer''s verwerkingId (body untouched, id from header Verwerkingenlog-Id); 204';

REVOKE ALL ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list(),
                       verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb) FROM PUBLIC;
-- Every scope role, as for the other REST functions (80_api.sql).
DO $$
DECLARE
    rol text;
BEGIN
    FOREACH rol IN ARRAY ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                               'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                               'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                               'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                               'verwerkingenlog_beheer']
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION verwerkingenlog_api.verwerkingsactie_afnemer_list(),
                        verwerkingenlog_api.verwerkingsactie_afnemer_patch(jsonb) TO %I', rol);
    END LOOP;
END
$$;
-- The REST layer of LDV and OpenTelemetry (schema verwerkingenlog_api of
-- 80_api; test/deploy/nginx.conf routes the paths here):
--
--   POST /v1/traces               otlp_traces                 OTLP/HTTP JSON, the body untouched
--   GET  /processing-activities   processing_activities_list  the query string in Verwerkingenlog-Query (as
--                                                             80_api); a POST, since a read by subject is logged
--
-- OTLP answers as a collector does: 200 with {} or {"partialSuccess": ...};
-- 400, 401, 403 and 500 with a google.rpc.Status body {"code", "message"}
-- (the OTLP/HTTP specification's failure body), Content-Type
-- application/json.  The LDV read API answers the 1.0 shape (an array) or,
-- with the query parameter apiVersion=1.1, the 1.1 shape
-- {"processingActivities": [...]}; errors are application/problem+json with
-- the LDV body {"errors": {"in": ..., "detail": ...}}; every answer carries
-- the API-Version header.

-- Sets response.status and response.headers and returns body.
CREATE FUNCTION _ldv_response(status integer, body jsonb, koppen jsonb) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM set_config('response.status', status::text, true);
    PERFORM set_config('response.headers', koppen::text, true);
    RETURN body;
END
$$;
COMMENT ON FUNCTION _ldv_response(integer, jsonb, jsonb) IS
  'Internal: sets response.status and response.headers (an array of single-key objects) for PostgREST and returns the body';

CREATE FUNCTION verwerkingenlog_api.otlp_traces(jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    koppen jsonb := '[{"Content-Type": "application/json"}]';
    st text; bericht text; detail text;
BEGIN
    RETURN verwerkingenlog._ldv_response(200, verwerkingenlog.log_otlp($1), koppen);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    -- google.rpc.Status codes: 3 INVALID_ARGUMENT, 7 PERMISSION_DENIED,
    -- 16 UNAUTHENTICATED, 13 INTERNAL.
    IF st LIKE '22%' THEN
        RETURN verwerkingenlog._ldv_response(400, jsonb_build_object('code', 3, 'message',
            bericht || CASE WHEN detail IS NULL THEN '' ELSE E'\n' || detail END), koppen);
    ELSIF st = '42501' THEN
        RETURN verwerkingenlog._ldv_response(403, jsonb_build_object('code', 7, 'message', bericht), koppen);
    ELSIF st LIKE '28%' THEN
        RETURN verwerkingenlog._ldv_response(401, jsonb_build_object('code', 16, 'message', bericht), koppen);
    END IF;
    RAISE WARNING 'verwerkingenlog_api.otlp_traces: % (SQLSTATE %), answered with status 500', bericht, st;
    RETURN verwerkingenlog._ldv_response(500, jsonb_build_object('code', 13, 'message',
        'The spans could not be stored; the server log has the details.'), koppen);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.otlp_traces(jsonb) IS
  'POST /v1/traces (OTLP/HTTP, JSON encoding): log_otlp over the body; 200 with {} or partialSuccess, else a google.rpc.Status body';

CREATE FUNCTION verwerkingenlog_api.processing_activities_list()
    RETURNS jsonb
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    params jsonb := '{}';
    fouten text[] := '{}';
    naam text;
    versie text := '1.0';
    regels jsonb;
    koppen jsonb;
    st text; bericht text; detail text;
BEGIN
    -- The client's query string (header Verwerkingenlog-Query), decoded and
    -- checked by the REST layer's own parser: unknown or repeated
    -- parameters are 400.
    BEGIN
        params := verwerkingenlog._http_parameters(ARRAY[
            'traceId', 'dpl.core.processingActivityId', 'dpl.core.data_subject_id',
            'dpl.core.data_subject_id_type', 'startTime', 'endTime', 'apiVersion']);
    EXCEPTION WHEN invalid_parameter_value THEN
        GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
        fouten := fouten || string_to_array(detail, E'\n');
    END;
    versie := coalesce(params->>'apiVersion', '1.0');
    IF versie NOT IN ('1.0', '1.1') THEN
        fouten := fouten || 'apiVersion: must be 1.0 or 1.1 (invalid_choice)'::text;
        versie := '1.0';
    END IF;
    koppen := jsonb_build_array(jsonb_build_object('API-Version', versie || '.0'));
    IF NOT (params ? 'traceId' OR params ? 'dpl.core.processingActivityId' OR params ? 'dpl.core.data_subject_id')
       AND cardinality(fouten) = 0 THEN
        fouten := fouten || 'traceId: at least one of traceId, dpl.core.processingActivityId and dpl.core.data_subject_id is required (required)'::text;
    END IF;
    FOREACH naam IN ARRAY ARRAY['startTime', 'endTime'] LOOP
        IF params ? naam AND params->>naam !~ '^[0-9]{1,15}$' THEN
            fouten := fouten || format('%s: must be milliseconds since 1970, digits only (invalid)', naam);
        END IF;
    END LOOP;
    IF cardinality(fouten) = 0 THEN
        BEGIN
            SELECT coalesce(jsonb_agg(r ORDER BY n), '[]') INTO regels
              FROM verwerkingenlog.logregels(params->>'traceId', params->>'dpl.core.processingActivityId',
                                             params->>'dpl.core.data_subject_id',
                                             params->>'dpl.core.data_subject_id_type',
                                             (params->>'startTime')::bigint, (params->>'endTime')::bigint)
                   WITH ORDINALITY AS t(r, n);
        EXCEPTION WHEN invalid_parameter_value OR null_value_not_allowed THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            fouten := fouten || string_to_array(detail, E'\n');
        END;
    END IF;
    IF cardinality(fouten) > 0 THEN
        RETURN verwerkingenlog._ldv_response(400, jsonb_build_object(
                   'status', 400, 'title', 'Bad Request',
                   'errors', jsonb_build_object('in', 'query', 'detail', array_to_string(fouten, '; '))),
               koppen || '[{"Content-Type": "application/problem+json"}]'::jsonb);
    END IF;
    RETURN verwerkingenlog._ldv_response(200,
               CASE versie WHEN '1.1' THEN jsonb_build_object('processingActivities', regels) ELSE regels END,
               koppen || '[{"Content-Type": "application/json"}]'::jsonb);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, bericht = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    koppen := coalesce(koppen, '[{"API-Version": "1.0.0"}]') || '[{"Content-Type": "application/problem+json"}]'::jsonb;
    IF st = '42501' THEN
        RETURN verwerkingenlog._ldv_response(403, jsonb_build_object('status', 403, 'title', 'Forbidden',
                   'errors', jsonb_build_object('in', 'header', 'detail', bericht)), koppen);
    ELSIF st LIKE '28%' THEN
        RETURN verwerkingenlog._ldv_response(401, jsonb_build_object('status', 401, 'title', 'Unauthorized',
                   'errors', jsonb_build_object('in', 'header', 'detail', bericht)), koppen);
    ELSIF st = '25006' THEN
        RETURN verwerkingenlog._ldv_response(405, jsonb_build_object('status', 405, 'title', 'Method Not Allowed',
                   'errors', jsonb_build_object('in', 'query', 'detail', bericht)),
               koppen || '[{"Allow": "POST"}]'::jsonb);
    END IF;
    RAISE WARNING 'verwerkingenlog_api.processing_activities_list: % (SQLSTATE %), answered with status 500', bericht, st;
    RETURN verwerkingenlog._ldv_response(500, jsonb_build_object('status', 500, 'title', 'Internal Server Error',
               'errors', jsonb_build_object('in', 'query', 'detail', 'the server log has the details')), koppen);
END
$$;
COMMENT ON FUNCTION verwerkingenlog_api.processing_activities_list() IS
  'GET /processing-activities (LDV read API 1.0; apiVersion=1.1 for the 1.1 shape): the query string from the header Verwerkingenlog-Query; a read by subject is an inzage and is logged (call with POST)';

REVOKE ALL ON FUNCTION _ldv_response(integer, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION verwerkingenlog_api.otlp_traces(jsonb),
                       verwerkingenlog_api.processing_activities_list() FROM PUBLIC;
-- As for the other REST functions (80_api): every scope role may call them;
-- the functions decide by scope.
DO $$
DECLARE
    rol text;
BEGIN
    FOREACH rol IN ARRAY ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                               'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                               'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                               'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                               'verwerkingenlog_beheer']
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION verwerkingenlog_api.otlp_traces(jsonb), '
                       'verwerkingenlog_api.processing_activities_list() TO %I', rol);
    END LOOP;
END
$$;
-- Retention (C1697).  This part and the next two (86_herversleuteling,
-- 87_export) are the administration of the log, for scope beheer (role
-- verwerkingenlog_beheer) and superusers only.  Every function checks that
-- scope itself (42501 naming "beheer"), so that a client that holds the
-- role but whose JWT claim narrows it away is refused too; 90_rechten
-- grants EXECUTE to every scope role, as for every API function.
--
-- Destruction is the only way rows ever leave the log.  The deletes are
-- made by C code (src/vernietiging.c) that opens the append-only trigger's
-- door around two fixed DELETE statements; no SQL function opens it.  The
-- criteria and the boundary are explained at the top of that file: an
-- action is destroyed when einde_bewaartermijn(tijdstip, termijn) <=
-- peilmoment by (1) its own bewaartermijn, (2) when it has none, the one
-- registered for its verwerkingsactiviteitId, (3) in any case the setting
-- verwerkingenlog.maximale_bewaartermijn; and never before the minimum
-- verwerkingenlog.minimale_bewaartermijn (default P3M) after the
-- registration of its current version.
--
-- Accountability (C1697, B3891): every run, every batch of a run and every
-- destroyed action is an append-only row (vernietiging_run,
-- vernietiging_batch, vernietigde_actie, and vernietiging_journaal when the
-- run has finished), and so is every registration, change and removal in
-- the register of retention (bewaartermijn_registratie).  All are plain
-- tables with a bigint identity id, in order of writing, guarded like the
-- log itself, readable by beheer, kept by pg_dump.

-- Internal helpers (src/vernietiging.c).
CREATE FUNCTION _require_beheer(doel text) RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_require_beheer_fn'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _require_beheer(text) IS
  'Internal: 42501 ("scope "beheer" is required to <doel>") unless the caller holds scope beheer';

CREATE FUNCTION _caller() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_caller'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _caller() IS
  'Internal: the calling role (session or SET ROLE), not the owner of a SECURITY DEFINER function';

CREATE FUNCTION _vernietigingscriterium(tijdstip moment, eigen bewaartermijn, register bewaartermijn,
                                        maximum bewaartermijn, peilmoment timestamptz,
                                        registratie timestamptz DEFAULT NULL, minimum bewaartermijn DEFAULT NULL)
    RETURNS smallint
    AS 'MODULE_PATHNAME', 'vwl_vernietigingscriterium'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _vernietigingscriterium(moment, bewaartermijn, bewaartermijn, bewaartermijn, timestamptz, timestamptz, bewaartermijn) IS
  'Internal: the first retention criterion by which an action is destroyed at peilmoment (1 own bewaartermijn; 2 when it has none, the one registered for its verwerkingsactiviteit; 3 the maximum), NULL when it is kept; a retention ends at einde_bewaartermijn(tijdstip, termijn) and has ended when that is <= peilmoment; NULL in any case while the minimum after registratie (of the current version; added in the session''s time zone) runs';

-- The register of processing activities, as its history: every
-- registration, change and removal is a row; the entry in force is the
-- newest row per activity (view verwerkingsactiviteit_register), unless
-- that row removed it.  One register for both standards, keyed by the
-- activity's URI as LDV keys it (dpl.core.processing_activity_id); a
-- verwerkingsactiviteitId is the URI urn:uuid:<id>.  An entry holds a
-- retention (criterion 2 of the purge for verwerkingsacties of the
-- activity without one of their own; the own retention of LDV records)
-- and a confidentiality (applied to LDV records: LDV keeps both in the
-- register, not in records), either or both.
CREATE TABLE bewaartermijn_registratie (
    id                          bigint GENERATED ALWAYS AS IDENTITY,
    verwerkingsactiviteit       text NOT NULL,
    vertrouwelijkheid           vertrouwelijkheid,
    bewaartermijn               bewaartermijn,
    omschrijving                text,
    geregistreerd_op            timestamptz NOT NULL,
    geregistreerd_door_rol      text NOT NULL,
    geregistreerd_door_sub      text,
    geregistreerd_door_client   text,
    CONSTRAINT bewaartermijn_registratie_pkey PRIMARY KEY (id),
    CONSTRAINT omschrijving_lengte CHECK (pg_catalog.char_length(omschrijving) <= 242),
    CONSTRAINT verwerkingsactiviteit_lengte CHECK (pg_catalog.char_length(verwerkingsactiviteit) <= 2042),
    CONSTRAINT niveau_van_activiteit CHECK (vertrouwelijkheid OPERATOR(pg_catalog.<>) 'opgeheven')
);
CREATE INDEX bewaartermijn_registratie_activiteit
    ON bewaartermijn_registratie (verwerkingsactiviteit, id);
COMMENT ON TABLE bewaartermijn_registratie IS
  'History of the register of processing activities (append-only): one row per registration, change or removal of an activity''s retention and confidentiality, with who and when; the newest row per activity is in force (view verwerkingsactiviteit_register)';
COMMENT ON COLUMN bewaartermijn_registratie.id IS 'Record id, in order of writing';
COMMENT ON COLUMN bewaartermijn_registratie.verwerkingsactiviteit IS 'The activity''s URI (LDV dpl.core.processing_activity_id); urn:uuid:<verwerkingsactiviteitId> for an activity registered by its id';
COMMENT ON COLUMN bewaartermijn_registratie.vertrouwelijkheid IS 'normaal or vertrouwelijk: the level LDV records of the activity are stored at; NULL: none registered (normaal)';
COMMENT ON COLUMN bewaartermijn_registratie.bewaartermijn IS 'The retention registered from now on; NULL: none (verwijder_bewaartermijn); with vertrouwelijkheid NULL too the entry was removed';
COMMENT ON COLUMN bewaartermijn_registratie.omschrijving IS 'Free text, e.g. the name of the activity in the register';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_op IS 'When (clock time)';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_door_rol IS 'The calling role (session or SET ROLE)';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_door_sub IS 'Claim "sub" of request.jwt.claims, NULL when not set';
COMMENT ON COLUMN bewaartermijn_registratie.geregistreerd_door_client IS 'Claim "azp", else "client_id", of request.jwt.claims, NULL when not set';

-- The id of a urn:uuid URI, NULL for any other URI.
CREATE FUNCTION _urn_uuid(uri text) RETURNS uuid
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN uri OPERATOR(pg_catalog.~) '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN pg_catalog.substr(uri, 10)::uuid END;
COMMENT ON FUNCTION _urn_uuid(text) IS
  'Internal: the uuid of a register key urn:uuid:<id> (lower case, as registreer_bewaartermijn writes it), NULL for any other URI';

CREATE VIEW verwerkingsactiviteit_register AS
SELECT h.verwerkingsactiviteit, verwerkingenlog._urn_uuid(h.verwerkingsactiviteit) AS verwerkingsactiviteit_id,
       h.vertrouwelijkheid, h.bewaartermijn, h.omschrijving,
       h.geregistreerd_op AS gewijzigd_op, h.geregistreerd_door_rol AS gewijzigd_door
  FROM (SELECT DISTINCT ON (r.verwerkingsactiviteit) r.*
          FROM bewaartermijn_registratie r
         ORDER BY r.verwerkingsactiviteit, r.id DESC) h
 WHERE h.vertrouwelijkheid IS NOT NULL OR h.bewaartermijn IS NOT NULL;
COMMENT ON VIEW verwerkingsactiviteit_register IS
  'The register of processing activities in force: per activity URI the newest row of bewaartermijn_registratie, unless it removed the entry';

CREATE VIEW bewaartermijn_verwerkingsactiviteit AS
SELECT r.verwerkingsactiviteit_id, r.bewaartermijn, r.omschrijving, r.gewijzigd_op, r.gewijzigd_door
  FROM verwerkingsactiviteit_register r
 WHERE r.verwerkingsactiviteit_id IS NOT NULL AND r.bewaartermijn IS NOT NULL;
COMMENT ON VIEW bewaartermijn_verwerkingsactiviteit IS
  'Retention per verwerkingsactiviteitId in force (register entries urn:uuid:<id> with a retention): destroys actions that have no bewaartermijn of their own (C1697, criterion 2)';

CREATE VIEW ldv_verwerkingsactiviteit AS
SELECT r.verwerkingsactiviteit, coalesce(r.vertrouwelijkheid, 'normaal') AS vertrouwelijkheid,
       r.bewaartermijn, r.omschrijving, r.gewijzigd_op, r.gewijzigd_door
  FROM verwerkingsactiviteit_register r;
COMMENT ON VIEW ldv_verwerkingsactiviteit IS
  'The register as LDV records use it: per processing activity URI the confidentiality (normaal when none was registered) and retention applied when a record is logged';

-- A run of the purge: written when it starts (committed at once by the
-- procedure), with everything it judges by.
CREATE TABLE vernietiging_run (
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    begonnen                timestamptz NOT NULL,
    peilmoment              timestamptz NOT NULL,
    uitgevoerd_door         text NOT NULL,
    minimale_bewaartermijn  bewaartermijn,
    maximale_bewaartermijn  bewaartermijn,
    batch                   integer NOT NULL,
    CONSTRAINT vernietiging_run_pkey PRIMARY KEY (id),
    CONSTRAINT batch_positief CHECK (batch BETWEEN 1 AND 100000)
);
COMMENT ON TABLE vernietiging_run IS
  'One row per run of the retention purge, written when it starts (append-only); finished when vernietiging_journaal has its row';
COMMENT ON COLUMN vernietiging_run.begonnen IS 'When the run started (clock time)';
COMMENT ON COLUMN vernietiging_run.peilmoment IS 'The moment against which retention is judged, also when the run is resumed';
COMMENT ON COLUMN vernietiging_run.uitgevoerd_door IS 'The role that started it';
COMMENT ON COLUMN vernietiging_run.minimale_bewaartermijn IS 'verwerkingenlog.minimale_bewaartermijn when it started, NULL for none';
COMMENT ON COLUMN vernietiging_run.maximale_bewaartermijn IS 'verwerkingenlog.maximale_bewaartermijn when it started, NULL for none';
COMMENT ON COLUMN vernietiging_run.batch IS 'Actions examined per batch';

-- A batch of a run: written in the transaction that destroys its actions.
CREATE TABLE vernietiging_batch (
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    run                     bigint NOT NULL,
    tot                     uuid NOT NULL,
    eigen_bewaartermijn     bigint NOT NULL,
    register                bigint NOT NULL,
    maximum                 bigint NOT NULL,
    overgeslagen            bigint NOT NULL,
    versies                 bigint NOT NULL,
    objecten                bigint NOT NULL,
    geeindigd               timestamptz NOT NULL,
    CONSTRAINT vernietiging_batch_pkey PRIMARY KEY (id),
    CONSTRAINT vernietiging_batch_run_tot UNIQUE (run, tot)
);
COMMENT ON TABLE vernietiging_batch IS
  'One row per committed batch of a purge run (append-only): how far the run got (tot) and what the batch did; a resumed run goes on after the highest tot';
COMMENT ON COLUMN vernietiging_batch.tot IS 'The last actieId the batch examined (actions are examined in the order of actieId)';
COMMENT ON COLUMN vernietiging_batch.overgeslagen IS 'Candidates left for a later run: a writer was changing them, or they no longer expired when locked';

-- Every destroyed action, journaled in the transaction that destroys it.
CREATE TABLE vernietigde_actie (
    id                          bigint GENERATED ALWAYS AS IDENTITY,
    run                         bigint NOT NULL,
    actie_id                    uuid NOT NULL,
    verwerkingsactiviteit_id    uuid,
    criterium                   text NOT NULL,
    bewaartermijn               bewaartermijn NOT NULL,
    verlopen_op                 timestamptz NOT NULL,
    vernietigd_op               timestamptz NOT NULL,
    CONSTRAINT vernietigde_actie_pkey PRIMARY KEY (id),
    CONSTRAINT vernietigde_actie_eenmaal UNIQUE (actie_id),
    CONSTRAINT criterium_bekend CHECK (criterium IN ('eigen_bewaartermijn', 'register', 'maximum'))
);
CREATE INDEX vernietigde_actie_run ON vernietigde_actie (run, id);
COMMENT ON TABLE vernietigde_actie IS
  'One row per destroyed verwerkingsactie (append-only, no personal data): which, of which verwerkingsactiviteit, by which criterion and retention, in which run; an action is journaled once, in the transaction that destroys it';
COMMENT ON COLUMN vernietigde_actie.actie_id IS 'actieId of the destroyed action (all its versions and objects went)';
COMMENT ON COLUMN vernietigde_actie.verwerkingsactiviteit_id IS 'verwerkingsactiviteitId of its last version';
COMMENT ON COLUMN vernietigde_actie.criterium IS 'eigen_bewaartermijn (its own, criterion 1), register (of its verwerkingsactiviteit, 2) or maximum (3)';
COMMENT ON COLUMN vernietigde_actie.bewaartermijn IS 'The retention that applied';
COMMENT ON COLUMN vernietigde_actie.verlopen_op IS 'When it had expired: the end of that retention from tijdstip, or the end of the minimum after registration when that is later';
COMMENT ON COLUMN vernietigde_actie.vernietigd_op IS 'When it was destroyed (clock time; committed with the batch)';

-- The journal of finished runs: one row per run, no personal data.
CREATE TABLE vernietiging_journaal (
    id                      bigint GENERATED ALWAYS AS IDENTITY,
    begonnen                timestamptz NOT NULL,
    geeindigd               timestamptz NOT NULL,
    peilmoment              timestamptz NOT NULL,
    uitgevoerd_door         text NOT NULL,
    maximale_bewaartermijn  bewaartermijn,
    eigen_bewaartermijn     bigint NOT NULL,
    register                bigint NOT NULL,
    maximum                 bigint NOT NULL,
    totaal                  bigint NOT NULL,
    overgeslagen            bigint NOT NULL,
    versies                 bigint NOT NULL,
    objecten                bigint NOT NULL,
    run                     bigint NOT NULL,
    minimale_bewaartermijn  bewaartermijn,
    CONSTRAINT vernietiging_journaal_pkey PRIMARY KEY (id),
    CONSTRAINT vernietiging_journaal_run UNIQUE (run),
    CONSTRAINT totaal_som CHECK (totaal = eigen_bewaartermijn + register + maximum)
);
COMMENT ON TABLE vernietiging_journaal IS
  'One row per finished run of the retention purge (append-only): when, the peilmoment, who, how many actions were destroyed by which criterion (the sums of its batches); no personal data';
COMMENT ON COLUMN vernietiging_journaal.begonnen IS 'When the run started (clock time)';
COMMENT ON COLUMN vernietiging_journaal.geeindigd IS 'When the run finished (clock time, before its commit)';
COMMENT ON COLUMN vernietiging_journaal.peilmoment IS 'The moment against which retention was judged';
COMMENT ON COLUMN vernietiging_journaal.uitgevoerd_door IS 'The role that finished it (the one that started it is in vernietiging_run)';
COMMENT ON COLUMN vernietiging_journaal.maximale_bewaartermijn IS 'The setting verwerkingenlog.maximale_bewaartermijn in force, NULL for none';
COMMENT ON COLUMN vernietiging_journaal.eigen_bewaartermijn IS 'Actions destroyed by their own bewaartermijn (criterion 1)';
COMMENT ON COLUMN vernietiging_journaal.register IS 'Actions without a bewaartermijn destroyed by the retention of their verwerkingsactiviteit (criterion 2)';
COMMENT ON COLUMN vernietiging_journaal.maximum IS 'Actions destroyed by the maximum only (criterion 3)';
COMMENT ON COLUMN vernietiging_journaal.totaal IS 'Actions destroyed, all versions and objects of each (listed in vernietigde_actie)';
COMMENT ON COLUMN vernietiging_journaal.overgeslagen IS 'Actions that had expired but were left for a later run: a writer was changing them, or they no longer expired when locked';
COMMENT ON COLUMN vernietiging_journaal.versies IS 'Version rows removed';
COMMENT ON COLUMN vernietiging_journaal.objecten IS 'Object rows removed';
COMMENT ON COLUMN vernietiging_journaal.run IS 'The run (vernietiging_run, vernietigde_actie.run)';
COMMENT ON COLUMN vernietiging_journaal.minimale_bewaartermijn IS 'The setting verwerkingenlog.minimale_bewaartermijn in force, NULL for none';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['bewaartermijn_registratie', 'vernietiging_run', 'vernietiging_batch',
                             'vernietigde_actie', 'vernietiging_journaal'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON verwerkingenlog.%I
                        FOR EACH ROW EXECUTE FUNCTION verwerkingenlog.weiger_wijziging()', t || '_append_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON verwerkingenlog.%I
                        FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog.weiger_wijziging()', t || '_no_truncate', t);
        EXECUTE format('ALTER TABLE verwerkingenlog.%I ENABLE ALWAYS TRIGGER %I', t, t || '_append_only');
        EXECUTE format('ALTER TABLE verwerkingenlog.%I ENABLE ALWAYS TRIGGER %I', t, t || '_no_truncate');
        EXECUTE format('REVOKE ALL ON verwerkingenlog.%I FROM PUBLIC', t);
        EXECUTE format('GRANT SELECT ON verwerkingenlog.%I TO verwerkingenlog_beheer', t);
        -- pg_dump keeps the rows, and where the ids had got to.
        PERFORM pg_catalog.pg_extension_config_dump(format('verwerkingenlog.%I', t)::regclass, '');
        PERFORM pg_catalog.pg_extension_config_dump(
            pg_catalog.pg_get_serial_sequence(format('verwerkingenlog.%I', t), 'id')::regclass, '');
    END LOOP;
END
$$;
COMMENT ON SEQUENCE bewaartermijn_registratie_id_seq IS 'Record ids of bewaartermijn_registratie';
COMMENT ON SEQUENCE vernietiging_run_id_seq IS 'Record ids of vernietiging_run';
COMMENT ON SEQUENCE vernietiging_batch_id_seq IS 'Record ids of vernietiging_batch';
COMMENT ON SEQUENCE vernietigde_actie_id_seq IS 'Record ids of vernietigde_actie';
COMMENT ON SEQUENCE vernietiging_journaal_id_seq IS 'Record ids of vernietiging_journaal';
REVOKE ALL ON verwerkingsactiviteit_register, bewaartermijn_verwerkingsactiviteit, ldv_verwerkingsactiviteit FROM PUBLIC;
GRANT SELECT ON verwerkingsactiviteit_register, bewaartermijn_verwerkingsactiviteit, ldv_verwerkingsactiviteit
    TO verwerkingenlog_beheer;

-- Destroys the given actions that have expired at the peilmoment of a run,
-- judging each again under a lock, and journals them (src/vernietiging.c).
CREATE FUNCTION _vernietig(acties uuid[], run bigint,
                           OUT eigen_bewaartermijn bigint, OUT register bigint, OUT maximum bigint,
                           OUT overgeslagen bigint, OUT versies bigint, OUT objecten bigint)
    AS 'MODULE_PATHNAME', 'vwl_vernietig'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _vernietig(uuid[], bigint) IS
  'Internal: destroys those of the given actions whose retention has ended at the peilmoment of run (all versions and objects), judging each again after locking its first version FOR UPDATE SKIP LOCKED, and journals each in vernietigde_actie; the only code that deletes from the log';

-- Starts a run: checks, then the run row with the settings in force.
CREATE FUNCTION _vernietiging_start(peilmoment timestamptz, batch integer) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run bigint;
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    IF peilmoment IS NULL THEN
        RAISE EXCEPTION 'peilmoment must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'expired verwerkingsacties can only be destroyed at isolation level READ COMMITTED'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'Each action is judged again after it is locked, which needs a new snapshot.';
    END IF;
    IF peilmoment > now() THEN
        RAISE EXCEPTION 'peilmoment must not lie in the future'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only what has expired by now may be destroyed.';
    END IF;
    IF batch IS NULL OR batch NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'batch must lie between 1 and 100000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO verwerkingenlog.vernietiging_run
        (begonnen, peilmoment, uitgevoerd_door, minimale_bewaartermijn, maximale_bewaartermijn, batch)
    VALUES (clock_timestamp(), peilmoment, verwerkingenlog._caller(),
            nullif(current_setting('verwerkingenlog.minimale_bewaartermijn'), '')::verwerkingenlog.bewaartermijn,
            nullif(current_setting('verwerkingenlog.maximale_bewaartermijn'), '')::verwerkingenlog.bewaartermijn,
            batch)
    RETURNING id INTO run;
    RETURN run;
END
$$;
COMMENT ON FUNCTION _vernietiging_start(timestamptz, integer) IS
  'Internal: starts a purge run at peilmoment (not in the future; READ COMMITTED) with the minimum and maximum in force; returns its id.  Scope beheer';

-- One batch of a run: the next `batch` actions after the last batch's tot,
-- in the order of actieId.  Batches of all purges take turns (a
-- transaction-level advisory lock of their own class): two purges never
-- examine the same actions at once, and each batch starts where the last
-- committed one ended.  False when the run has nothing left to examine or
-- has finished.
CREATE FUNCTION _vernietiging_batch(run bigint) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r verwerkingenlog.vernietiging_run;
    vanaf uuid;
    grens_actie uuid;
    grens_volgnummer integer;
    tot uuid;
    venster uuid[];
    acties uuid[];
    u record;
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    PERFORM pg_advisory_xact_lock(1447511880, 0);
    SELECT * INTO r FROM verwerkingenlog.vernietiging_run x WHERE x.id = _vernietiging_batch.run;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'purge run % does not exist', run USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT FROM verwerkingenlog.vernietiging_journaal j WHERE j.run = r.id) THEN
        RETURN false;
    END IF;
    SELECT b.tot INTO vanaf FROM verwerkingenlog.vernietiging_batch b WHERE b.run = r.id
     ORDER BY b.tot DESC LIMIT 1;
    -- Everything after vanaf, as a range of the primary key (a row
    -- comparison, so that a generic plan still starts at vanaf): after
    -- (vanaf, max integer), or from (nil, 0) for the first batch.
    grens_actie := coalesce(vanaf, '00000000-0000-0000-0000-000000000000');
    grens_volgnummer := CASE WHEN vanaf IS NULL THEN 0 ELSE 2147483647 END;
    -- The window: the next r.batch actions (their first versions) after vanaf.
    SELECT array_agg(w.actie_id ORDER BY w.actie_id) INTO venster
      FROM (SELECT v.actie_id FROM verwerkingenlog.verwerkingsactie_versie v
             WHERE (v.actie_id, v.volgnummer) > (grens_actie, grens_volgnummer) AND v.volgnummer = 1
             ORDER BY v.actie_id LIMIT r.batch) w;
    IF venster IS NULL THEN
        RETURN false;
    END IF;
    tot := venster[cardinality(venster)];
    -- The candidates in the window, by their current version.  Both sides
    -- of the anti join are bounded by the window, so that any plan reads
    -- only the window's part of the primary key.
    SELECT array_agg(v.actie_id ORDER BY v.actie_id) INTO acties
      FROM verwerkingenlog.verwerkingsactie_versie v
      LEFT JOIN verwerkingenlog.bewaartermijn_verwerkingsactiviteit b
             ON b.verwerkingsactiviteit_id = v.verwerkingsactiviteit_id
     WHERE (v.actie_id, v.volgnummer) > (grens_actie, grens_volgnummer) AND v.actie_id <= tot
       AND NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactie_versie w
                        WHERE w.actie_id = v.actie_id AND w.volgnummer > v.volgnummer
                          AND w.actie_id >= grens_actie AND w.actie_id <= tot)
       AND verwerkingenlog._vernietigingscriterium(v.tijdstip, v.bewaartermijn, b.bewaartermijn,
                                                   r.maximale_bewaartermijn, r.peilmoment,
                                                   v.tijdstip_registratie, r.minimale_bewaartermijn) IS NOT NULL;
    u := verwerkingenlog._vernietig(coalesce(acties, '{}'), r.id);
    INSERT INTO verwerkingenlog.vernietiging_batch
        (run, tot, eigen_bewaartermijn, register, maximum, overgeslagen, versies, objecten, geeindigd)
    VALUES (r.id, tot, u.eigen_bewaartermijn, u.register, u.maximum, u.overgeslagen, u.versies, u.objecten,
            clock_timestamp());
    RETURN true;
END
$$;
COMMENT ON FUNCTION _vernietiging_batch(bigint) IS
  'Internal: destroys and journals the expired actions among the next batch of actions of a purge run and records the batch; false when the run has nothing left or has finished.  Scope beheer';

-- Finishes a run: its journal row, the sums of its batches (once).
CREATE FUNCTION _vernietiging_end(run bigint) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    j verwerkingenlog.vernietiging_journaal;
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    PERFORM pg_advisory_xact_lock(1447511880, 0);
    SELECT * INTO j FROM verwerkingenlog.vernietiging_journaal x WHERE x.run = _vernietiging_end.run;
    IF NOT FOUND THEN
        INSERT INTO verwerkingenlog.vernietiging_journaal
            (begonnen, geeindigd, peilmoment, uitgevoerd_door, maximale_bewaartermijn, minimale_bewaartermijn,
             eigen_bewaartermijn, register, maximum, totaal, overgeslagen, versies, objecten, run)
        SELECT r.begonnen, clock_timestamp(), r.peilmoment, verwerkingenlog._caller(), r.maximale_bewaartermijn,
               r.minimale_bewaartermijn,
               coalesce(sum(b.eigen_bewaartermijn), 0), coalesce(sum(b.register), 0), coalesce(sum(b.maximum), 0),
               coalesce(sum(b.eigen_bewaartermijn + b.register + b.maximum), 0),
               coalesce(sum(b.overgeslagen), 0), coalesce(sum(b.versies), 0), coalesce(sum(b.objecten), 0), r.id
          FROM verwerkingenlog.vernietiging_run r
          LEFT JOIN verwerkingenlog.vernietiging_batch b ON b.run = r.id
         WHERE r.id = _vernietiging_end.run
         GROUP BY r.id
        RETURNING * INTO j;
    END IF;
    RETURN j.totaal;
END
$$;
COMMENT ON FUNCTION _vernietiging_end(bigint) IS
  'Internal: writes the journal row of a finished purge run (once; the sums of its batches) and returns how many actions it destroyed.  Scope beheer';

-- The first unfinished run after run na (NULL: from the start); NULL when
-- there is none.
CREATE FUNCTION _vernietiging_unfinished(na bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('destroy expired verwerkingsacties');
    RETURN (SELECT r.id FROM verwerkingenlog.vernietiging_run r
             WHERE r.id > coalesce(na, 0)
               AND NOT EXISTS (SELECT FROM verwerkingenlog.vernietiging_journaal j WHERE j.run = r.id)
             ORDER BY r.id LIMIT 1);
END
$$;
COMMENT ON FUNCTION _vernietiging_unfinished(bigint) IS
  'Internal: the first purge run after na that has not finished (no journal row), NULL when none.  Scope beheer';

CREATE FUNCTION vernietig_verlopen(peilmoment timestamptz DEFAULT pg_catalog.now()) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    run bigint;
BEGIN
    run := verwerkingenlog._vernietiging_start(peilmoment, 1000);
    WHILE verwerkingenlog._vernietiging_batch(run) LOOP
    END LOOP;
    RETURN verwerkingenlog._vernietiging_end(run);
END
$$;
COMMENT ON FUNCTION vernietig_verlopen(timestamptz) IS
  'C1697: destroys every verwerkingsactie (all versions, objects, soorten gegevens) whose retention has ended at peilmoment (not in the future): (1) its own bewaartermijn from tijdstip, (2) when it has none, the one registered for its verwerkingsactiviteitId, (3) in any case verwerkingenlog.maximale_bewaartermijn; destroyed when the end <= peilmoment, and never before verwerkingenlog.minimale_bewaartermijn after the registration of its current version.  One run in the caller''s transaction (vernietig_verlopen_per_batch commits per batch); journals every destroyed action and the run; returns the number of actions destroyed.  Scope beheer; READ COMMITTED';

-- The purge for production: commits after every batch, so its locks are
-- short, it holds back vacuum for one batch only, and a crash loses at most
-- one batch.  A PROCEDURE (CALL, not in a transaction block; pg_cron runs
-- it as one command).  PostgreSQL lets only a SECURITY INVOKER procedure
-- without SET clauses commit, so this one has no rights of its own: every
-- step is a SECURITY DEFINER function above that checks scope beheer, and
-- every name here is schema-qualified.
CREATE PROCEDURE vernietig_verlopen_per_batch(peilmoment timestamptz DEFAULT pg_catalog.now(), batch integer DEFAULT 1000)
    LANGUAGE plpgsql
AS $$
DECLARE
    run bigint;
BEGIN
    -- First the runs that a crash or a cancel interrupted, each with its
    -- own peilmoment, from where their last committed batch ended.
    LOOP
        run := verwerkingenlog._vernietiging_unfinished(run);
        EXIT WHEN run IS NULL;
        RAISE NOTICE 'resuming purge run % that did not finish', run
            USING DETAIL = 'It was interrupted, or another session is still running it; batches take turns, so nothing is done twice.';
        WHILE verwerkingenlog._vernietiging_batch(run) LOOP
            COMMIT;
        END LOOP;
        PERFORM verwerkingenlog._vernietiging_end(run);
        COMMIT;
    END LOOP;
    -- Then a new run.
    run := verwerkingenlog._vernietiging_start(coalesce(peilmoment, pg_catalog.now()), batch);
    COMMIT;
    WHILE verwerkingenlog._vernietiging_batch(run) LOOP
        COMMIT;
    END LOOP;
    PERFORM verwerkingenlog._vernietiging_end(run);
    COMMIT;
END
$$;
COMMENT ON PROCEDURE vernietig_verlopen_per_batch(timestamptz, integer) IS
  'C1697: the retention purge of vernietig_verlopen, committing after every batch of `batch` actions (examined in the order of actieId): first finishes every run that a crash or cancel interrupted (with its own peilmoment), then runs a new one at peilmoment (default, or NULL: now()).  Nothing is destroyed or journaled twice.  CALL it outside a transaction block (pg_cron: CALL verwerkingenlog.vernietig_verlopen_per_batch()).  Scope beheer';

-- What a run destroyed, for the privacy officer.
CREATE FUNCTION vernietigde_acties(run bigint)
    RETURNS TABLE (actie_id uuid, verwerkingsactiviteit_id uuid, criterium text, bewaartermijn bewaartermijn,
                   verlopen_op timestamptz, vernietigd_op timestamptz)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('list destroyed verwerkingsacties');
    RETURN QUERY
    SELECT d.actie_id, d.verwerkingsactiviteit_id, d.criterium, d.bewaartermijn, d.verlopen_op, d.vernietigd_op
      FROM verwerkingenlog.vernietigde_actie d
     WHERE d.run = vernietigde_acties.run
     ORDER BY d.id;
END
$$;
COMMENT ON FUNCTION vernietigde_acties(bigint) IS
  'Every action a purge run destroyed: actieId, verwerkingsactiviteitId, criterion, the retention that applied, when it had expired and when it was destroyed (no personal data).  Scope beheer';

CREATE FUNCTION registreer_bewaartermijn(verwerkingsactiviteit_id uuid, bewaartermijn bewaartermijn,
                                         omschrijving text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('register the retention of a verwerkingsactiviteit');
    IF verwerkingsactiviteit_id IS NULL OR bewaartermijn IS NULL THEN
        RAISE EXCEPTION 'verwerkingsactiviteit_id and bewaartermijn must not be null'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'Use verwijder_bewaartermijn to remove an entry.';
    END IF;
    -- The entry's confidentiality (LDV) stays as it was.
    PERFORM verwerkingenlog._register('urn:uuid:' || verwerkingsactiviteit_id, NULL, bewaartermijn, omschrijving, true);
END
$$;
COMMENT ON FUNCTION registreer_bewaartermijn(uuid, bewaartermijn, text) IS
  'Registers (or replaces) the retention of a verwerkingsactiviteit (register key urn:uuid:<id>): actions of that activity without a bewaartermijn of their own are destroyed when it has passed (C1697, criterion 2).  Appends a row to bewaartermijn_registratie; a registered confidentiality stays.  Scope beheer';

CREATE FUNCTION verwijder_bewaartermijn(verwerkingsactiviteit_id uuid) RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    uri text := 'urn:uuid:' || verwerkingsactiviteit_id;
BEGIN
    PERFORM verwerkingenlog._require_beheer('remove the retention of a verwerkingsactiviteit');
    PERFORM pg_advisory_xact_lock(1447511881, hashtext(uri));
    IF NOT EXISTS (SELECT FROM verwerkingenlog.verwerkingsactiviteit_register r
                    WHERE r.verwerkingsactiviteit = uri AND r.bewaartermijn IS NOT NULL) THEN
        RETURN false;
    END IF;
    PERFORM verwerkingenlog._register(uri, NULL, NULL, NULL, true);
    RETURN true;
END
$$;
COMMENT ON FUNCTION verwijder_bewaartermijn(uuid) IS
  'Removes the registered retention of a verwerkingsactiviteit (appends a row without it to bewaartermijn_registratie; a registered confidentiality stays); true when there was one.  Scope beheer';

-- Appends a registration, with who and when; registrations of one activity
-- take turns.  houd_niveau: keep the confidentiality in force (a
-- registration of the retention alone; omschrijving too when NULL).
CREATE FUNCTION _register(uri text, niveau vertrouwelijkheid, termijn bewaartermijn, omschrijving text,
                            houd_niveau boolean) RETURNS void
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    m record;
    huidig record;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1447511881, pg_catalog.hashtext(uri));
    IF houd_niveau THEN
        SELECT r.vertrouwelijkheid, r.omschrijving INTO huidig
          FROM verwerkingenlog.verwerkingsactiviteit_register r WHERE r.verwerkingsactiviteit = uri;
        niveau := huidig.vertrouwelijkheid;
        omschrijving := coalesce(omschrijving, huidig.omschrijving);
    END IF;
    m := verwerkingenlog._maker();
    INSERT INTO verwerkingenlog.bewaartermijn_registratie
        (verwerkingsactiviteit, vertrouwelijkheid, bewaartermijn, omschrijving, geregistreerd_op,
         geregistreerd_door_rol, geregistreerd_door_sub, geregistreerd_door_client)
    VALUES (uri, niveau, termijn, omschrijving, pg_catalog.clock_timestamp(), m.rol, m.sub, m.client);
END
$$;
COMMENT ON FUNCTION _register(text, vertrouwelijkheid, bewaartermijn, text, boolean) IS
  'Internal: appends a row to the history of the register of processing activities (niveau and termijn NULL: removal; houd_niveau: keep the confidentiality in force)';

REVOKE ALL ON FUNCTION _require_beheer(text), _caller(), _vernietig(uuid[], bigint),
    _register(text, vertrouwelijkheid, bewaartermijn, text, boolean) FROM PUBLIC;
REVOKE ALL ON PROCEDURE vernietig_verlopen_per_batch(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE vernietig_verlopen_per_batch(timestamptz, integer) TO verwerkingenlog_beheer;
-- Re-encryption after a key rotation (B2042), src/reencrypt.c.  The
-- only code that updates the log: it opens the append-only trigger's second
-- door, through which an UPDATE passes only when nothing but the ciphertext
-- of an identifier changes, to another ciphertext of the same identifier.

CREATE FUNCTION _reencrypt_rows(batch integer) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_reencrypt_rows'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _reencrypt_rows(integer) IS
  'Internal: re-encrypts at most batch stored ciphertexts older than the current key version; the only code that updates the log';

CREATE FUNCTION herversleutel(batch integer DEFAULT 10000) RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM verwerkingenlog._require_beheer('re-encrypt identifiers');
    RETURN verwerkingenlog._reencrypt_rows(batch);
END
$$;
COMMENT ON FUNCTION herversleutel(integer) IS
  'After _rotate_key: re-encrypts at most batch stored identifiers (object_versleuteld, afnemer_versleuteld) whose key version is older than the current one, under the current one, and returns how many; repeat until it returns 0.  Pseudonyms and lookups are unaffected.  Scope beheer';

-- The key file's state, for whoever re-encrypts.
GRANT EXECUTE ON FUNCTION sleutel_info() TO verwerkingenlog_beheer;

REVOKE ALL ON FUNCTION _reencrypt_rows(integer) FROM PUBLIC;
-- Export for migration (B2042: a pseudonym must be traceable to the BSN):
-- every stored version with its volgnummer, its record id and its maker,
-- streamed from a cursor (src/export.c).  An identifier that cannot be
-- decrypted leaves its version out with a WARNING naming the record id,
-- and the export fails at the end, after everything else was returned.

-- An identifier back, or NULL with a WARNING naming the record.  soort and
-- plaats are the ciphertext's binding (45_pseudoniem): for an objectId its
-- soortObjectId and pseudonym, for an afnemerId its soortAfnemerId ('' for
-- none) and 'afnemer' followed by the actieId's 16 bytes.
CREATE FUNCTION _decrypt_export(versleuteld bytea, soort text, plaats bytea, tabel text, record text) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_decrypt_export'
    LANGUAGE C VOLATILE;
COMMENT ON FUNCTION _decrypt_export(bytea, text, bytea, text, text) IS
  'Internal: _decrypt with a binding, or NULL with a WARNING naming table and record when the identifier cannot be decrypted (the export goes on)';

-- A version as the export shows it: the history's document, with
-- volgnummer, versieId (the record id), vervallen and gemaaktDoor, its
-- identifiers decrypted by _decrypt_export.
CREATE FUNCTION _export_document(v verwerkingsactie_versie) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    zonder verwerkingenlog.verwerkingsactie_versie := v;
    objecten jsonb[] := '{}';
    z verwerkingenlog.verwerkt_object;
    o verwerkingenlog.verwerkt_object;
BEGIN
    -- _document and _object_document decrypt with _decrypt (which is
    -- STRICT): hand them no ciphertext, and decrypt here instead.
    zonder.afnemer_versleuteld := NULL;
    FOR o IN SELECT * FROM verwerkingenlog.verwerkt_object x
              WHERE x.actie_id = v.actie_id AND x.volgnummer = v.objecten_volgnummer
              ORDER BY x.volgorde
    LOOP
        z := o;
        z.object_versleuteld := NULL;
        -- An array appended in place (a jsonb array would be copied on
        -- every append: quadratic in an action of 20,000 objects).
        objecten := array_append(objecten, verwerkingenlog._object_document(z)
            || jsonb_build_object('objectId', verwerkingenlog._decrypt_export(o.object_versleuteld, o.soort_object_id, o.object_pseudoniem, 'verwerkt_object',
                                                                                  o.verwerkt_object_id::text)));
    END LOOP;
    RETURN verwerkingenlog._document(zonder, to_jsonb(objecten))
        || jsonb_build_object(
               'afnemerId', coalesce(v.afnemer_id,
                                     verwerkingenlog._decrypt_export(v.afnemer_versleuteld, coalesce(v.soort_afnemer_id, ''),
                                                                        '\x61666e656d6572'::bytea || uuid_send(v.actie_id), 'verwerkingsactie_versie',
                                                                        v.versie_id::text)),
               'volgnummer', v.volgnummer,
               'versieId', v.versie_id,
               'vervallen', v.vervallen,
               'gemaaktDoor', verwerkingenlog._maker_document(v))
        || verwerkingenlog._ldv_export(v);
END
$$;
COMMENT ON FUNCTION _export_document(verwerkingsactie_versie) IS
  'Internal: a stored version as the export shows it (the history''s document with volgnummer, versieId, vervallen, gemaaktDoor); undecryptable identifiers are NULL, each with a WARNING';

CREATE FUNCTION exporteer_verwerkingsacties(vanaf timestamptz DEFAULT '-infinity',
                                            tot timestamptz DEFAULT 'infinity')
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'vwl_exporteer'
    LANGUAGE C STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION exporteer_verwerkingsacties(timestamptz, timestamptz) IS
  'Every stored version of every action registered in [vanaf, tot), per action in the order of actieId and by volgnummer (the primary key: no sort), with plain identifiers, volgnummer, versieId (record id), vervallen and gemaaktDoor: for migration to another log.  Streamed (call it in the select list); a version whose identifiers cannot be decrypted is left out with a WARNING naming its record id, and the export then ends with an error (XX001) listing them.  Scope beheer';
-- Tamper evidence: one Merkle tree (RFC 9162) over everything the log
-- stores, signed checkpoints (C2SP signed-note / tlog-checkpoint, Ed25519),
-- proofs, and an export for the offline verifier verwerkingenlog-verifieer
-- (src/verifieer/).  C parts: src/merkle.c (hashing, canonical encoding,
-- proofs), src/seal.c (signing key, checkpoint note, queue trigger).
--
-- How a row gets into the tree:
--   1. an AFTER ... FOR EACH STATEMENT trigger on every sealed table
--      (_seal_register, C) puts the key of every new row into
--      seal_queue, in the writer's own transaction;
--   2. verzegel() takes, with one DELETE ... RETURNING, every queue entry
--      that is committed (visible to its snapshot); entries of transactions
--      still in progress are invisible to it and stay for a later run, so no
--      row is ever skipped, and a crash rolls the whole run back;
--   3. it appends the rows as leaves in a deterministic order (table, then
--      key), stores the new inner nodes and a signed checkpoint.
-- The tables that are sealed are listed in seal_table (one row per
-- table: another part that adds a table to the log adds a row there and
-- the three triggers, see _seal_add_table).

-- The sealed tables.  Not dumped: the install script fills it.
CREATE TABLE seal_table (
    code          smallint NOT NULL,
    tabel         regclass NOT NULL,
    uuid_kolom    name,
    nummer_kolom  name,
    CONSTRAINT seal_table_pkey PRIMARY KEY (code),
    CONSTRAINT seal_table_unique UNIQUE (tabel),
    CONSTRAINT seal_table_key CHECK (uuid_kolom IS NOT NULL OR nummer_kolom IS NOT NULL)
);
COMMENT ON TABLE seal_table IS
  'The tables whose rows the Merkle tree covers, each with its record key: a uuid column, a number column, or both';
COMMENT ON COLUMN seal_table.code IS 'The table''s number in seal_queue and seal_leaf; also the order of tables within a checkpoint';
COMMENT ON COLUMN seal_table.uuid_kolom IS 'The uuid part of the record key, NULL when the key has none';
COMMENT ON COLUMN seal_table.nummer_kolom IS 'The integer part of the record key, NULL when the key has none';

-- Rows waiting for the next checkpoint.  No indexes: the C trigger inserts
-- into the heap directly.  verzegel() scans it and deletes what it took, so
-- autovacuum keeps it small by count, not by the default fraction.
CREATE TABLE seal_queue (
    tabel  smallint NOT NULL,
    soort  "char" NOT NULL,
    u      uuid NOT NULL,
    n      bigint NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000);
COMMENT ON TABLE seal_queue IS
  'Keys of rows written since the last checkpoint (soort I: inserted, U: re-encrypted), filled by the trigger _seal_register in the writer''s transaction and emptied by verzegel(); no indexes';

-- The leaves: one row per leaf of the tree, for ever.  The retention purge
-- destroys the row of the log but not its leaf (hash and key), so that the
-- proofs of other rows and the consistency of old checkpoints still hold.
-- (Columns in this order need no alignment padding.  The key index is a
-- hash index on the uuid part alone, a third of a b-tree on the key: a
-- uuid belongs to one action's versions or one object, and the rows keyed
-- by number alone, the journal's, are a few; tabel and n are compared after
-- the probe.)
CREATE TABLE seal_leaf (
    blad             bigint NOT NULL,
    n                bigint NOT NULL,
    u                uuid NOT NULL,
    tabel            smallint NOT NULL,
    hash             bytea NOT NULL,
    vorige           bigint,
    vervangen_door   bigint,
    vernietigd_in    xid8,
    vernietigd_door  bigint,
    CONSTRAINT seal_leaf_pkey PRIMARY KEY (blad),
    CONSTRAINT hash_lengte CHECK (pg_catalog.length(hash) = 32)
);
CREATE INDEX seal_leaf_key ON seal_leaf USING hash (u);
CREATE INDEX seal_leaf_vernietiging ON seal_leaf (vernietigd_in)
    WHERE vernietigd_in IS NOT NULL AND vernietigd_door IS NULL;
COMMENT ON TABLE seal_leaf IS
  'The leaves of the Merkle tree, in tree order: which row (table, key) and its leaf hash SHA-256(0x00 || canonical encoding); kept when the purge destroys the row';
COMMENT ON COLUMN seal_leaf.blad IS 'Tree index, from 0';
COMMENT ON COLUMN seal_leaf.vorige IS 'The leaf of the same row that this one supersedes (re-encryption), else NULL';
COMMENT ON COLUMN seal_leaf.vervangen_door IS 'The leaf that supersedes this one (the row was re-encrypted), else NULL';
COMMENT ON COLUMN seal_leaf.vernietigd_in IS 'The transaction that destroyed the row (retention purge)';
COMMENT ON COLUMN seal_leaf.vernietigd_door IS 'The purge run (vernietiging_run.id, vernietiging_journaal.run) that destroyed the row';

-- Inner nodes: the hash of every complete subtree of 16^k leaves (levels
-- 4, 8, 12, ...).
CREATE TABLE seal_node (
    niveau   smallint NOT NULL,
    positie  bigint NOT NULL,
    hash     bytea NOT NULL,
    CONSTRAINT seal_node_pkey PRIMARY KEY (niveau, positie)
);
COMMENT ON TABLE seal_node IS
  'Stored inner nodes of the Merkle tree: the hash of the complete subtree of leaves [positie * 2^niveau, (positie + 1) * 2^niveau), for niveau 4, 8, 12, ...';

CREATE TABLE verzegel_controlepunt (
    grootte  bigint NOT NULL,
    wortel   bytea NOT NULL,
    gemaakt  timestamptz NOT NULL,
    tekst    text NOT NULL,
    CONSTRAINT verzegel_controlepunt_pkey PRIMARY KEY (grootte)
);
COMMENT ON TABLE verzegel_controlepunt IS
  'Every checkpoint: tree size, root hash, when, and the signed note (C2SP tlog-checkpoint)';

-- The log's own id, part of every checkpoint's origin: made by the first
-- verzegel(), dumped, so a restored log keeps it.
CREATE TABLE seal_log (
    id    uuid NOT NULL,
    CONSTRAINT seal_log_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE seal_log IS
  'The id of this log (one row, made by the first verzegel()): the origin of its checkpoints is <key name>/<id>, so two databases that share a signing key are still two logs';

REVOKE ALL ON seal_table, seal_queue, seal_leaf, seal_node, verzegel_controlepunt,
    seal_log FROM PUBLIC;
GRANT SELECT ON verzegel_controlepunt TO verwerkingenlog_beheer;

SELECT pg_catalog.pg_extension_config_dump('seal_queue', '');
SELECT pg_catalog.pg_extension_config_dump('seal_leaf', '');
SELECT pg_catalog.pg_extension_config_dump('seal_node', '');
SELECT pg_catalog.pg_extension_config_dump('verzegel_controlepunt', '');
SELECT pg_catalog.pg_extension_config_dump('seal_log', '');

-- C helpers.
CREATE FUNCTION _canonical(rij record, blad bigint, vorige bigint) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_canonical'
    LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION _canonical(record, bigint, bigint) IS
  'Internal: the canonical encoding (version 1, README "Tamper evidence") of a stored row at tree index blad (NULL: not in the tree), superseding leaf vorige (NULL: none); stable: run it with TimeZone UTC and DateStyle ISO';

CREATE FUNCTION _mth(hashes bytea[]) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_mth'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _mth(bytea[]) IS
  'Internal: the RFC 9162 Merkle tree hash over the given leaf or subtree hashes';

CREATE FUNCTION _tree_root(grootte bigint) RETURNS bytea
    AS 'MODULE_PATHNAME', 'vwl_tree_root'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _tree_root(bigint) IS
  'Internal: the root hash of the first grootte leaves of the stored tree';

CREATE FUNCTION _tree_path(soort text, m bigint, n bigint) RETURNS bytea[]
    AS 'MODULE_PATHNAME', 'vwl_tree_path'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _tree_path(text, bigint, bigint) IS
  'Internal: RFC 9162 proof from the stored tree: soort opname, the inclusion proof of leaf m in the tree of size n; soort consistentie, the consistency proof from size m to n';

CREATE FUNCTION _sign(grootte bigint, wortel bytea, log uuid) RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_sign'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _sign(bigint, bytea, uuid) IS
  'Internal: the checkpoint of a tree size and root of the log with this id, signed with the signing key (Ed25519), as a C2SP signed note';

CREATE FUNCTION _seal_append(tabel smallint, selectie text, eerste bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'vwl_seal_append'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _seal_append(smallint, text, bigint) IS
  'Internal (verzegel()): runs the selection of new leaves of table code tabel (columns u, n, vorige, rij, in tree order), writes each row''s leaf from tree index eerste on (its canonical encoding hashed, src/seal_append.c) and marks the leaves they supersede; returns how many';

CREATE FUNCTION _seal_nodes(oud bigint, nieuw bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'vwl_seal_nodes'
    LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION _seal_nodes(bigint, bigint) IS
  'Internal (verzegel()): after the tree grew from oud to nieuw leaves, stores every inner node of levels 4, 8, 12, ... whose subtree became complete (src/seal_append.c)';

CREATE FUNCTION _seal_register() RETURNS trigger
    AS 'MODULE_PATHNAME', 'vwl_seal_register'
    LANGUAGE C;
COMMENT ON FUNCTION _seal_register() IS
  'Trigger (AFTER INSERT or UPDATE FOR EACH STATEMENT with transition tables; arguments code, uuid key column, number key column): queues every new or re-encrypted row for the next checkpoint';

CREATE FUNCTION publieke_sleutel() RETURNS text
    AS 'MODULE_PATHNAME', 'vwl_publieke_sleutel'
    LANGUAGE C STABLE;
COMMENT ON FUNCTION publieke_sleutel() IS
  'The verification key of the log''s checkpoints, in the signed-note verifier key format <name>+<key ID>+<base64 key>; public (it never creates the key: verzegel() does)';

-- A destroyed row keeps its leaf: mark the leaf with the destroying
-- transaction (the purge's deletes), and then with the journal entry that
-- the same transaction writes.
CREATE FUNCTION _seal_vernietigd() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t verwerkingenlog.seal_table;
BEGIN
    SELECT * INTO STRICT t FROM verwerkingenlog.seal_table WHERE code = TG_ARGV[0]::smallint;
    -- Wait for a verzegel() that is running (it may be sealing these very
    -- rows), and keep the next one out until this transaction ends, so that
    -- no leaf of a destroyed row goes unmarked.
    LOCK TABLE verwerkingenlog.verzegel_controlepunt IN ROW EXCLUSIVE MODE;
    EXECUTE format('UPDATE verwerkingenlog.seal_leaf b SET vernietigd_in = pg_current_xact_id()'
                   '  FROM oud o'
                   ' WHERE b.tabel = %s AND b.u = %s AND b.n = %s'
                   '   AND b.vervangen_door IS NULL AND b.vernietigd_in IS NULL',
                   t.code,
                   coalesce('o.' || quote_ident(t.uuid_kolom), '''00000000-0000-0000-0000-000000000000''::uuid'),
                   coalesce('o.' || quote_ident(t.nummer_kolom) || '::bigint', '0'));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION _seal_vernietigd() IS
  'Trigger (AFTER DELETE FOR EACH STATEMENT, REFERENCING OLD TABLE AS oud; argument code): marks the leaves of destroyed rows with the destroying transaction';

CREATE FUNCTION _seal_journaal() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE verwerkingenlog.seal_leaf SET vernietigd_door = NEW.run
     WHERE vernietigd_in = pg_current_xact_id() AND vernietigd_door IS NULL;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION _seal_journaal() IS
  'Trigger (AFTER INSERT ON vernietiging_batch, written in the transaction of the batch''s DELETEs): records which purge run destroyed the rows whose leaves this transaction marked';

-- Add a table to the tree: the registry row and the three triggers.  For the
-- install script of this and later parts (i11's and i14's tables).
CREATE FUNCTION _seal_add_table(code smallint, tabel regclass, uuid_kolom name, nummer_kolom name)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    naam text := (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = tabel);
BEGIN
    INSERT INTO verwerkingenlog.seal_table VALUES (code, tabel, uuid_kolom, nummer_kolom);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS nieuw'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog._seal_register(%L, %L, %L)',
                   naam || '_seal_insert', tabel, code, coalesce(uuid_kolom, ''), coalesce(nummer_kolom, ''));
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog._seal_register(%L, %L, %L)',
                   naam || '_seal_update', tabel, code, coalesce(uuid_kolom, ''), coalesce(nummer_kolom, ''));
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS oud'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION verwerkingenlog._seal_vernietigd(%L)',
                   naam || '_seal_vernietigd', tabel, code);
    -- like the guard: session_replication_role = replica does not skip them
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tabel, naam || '_seal_insert');
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tabel, naam || '_seal_update');
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', tabel, naam || '_seal_vernietigd');
END
$$;
COMMENT ON FUNCTION _seal_add_table(smallint, regclass, name, name) IS
  'Install script only: puts a table of the log under the Merkle tree (registry row and queue, re-encryption and destruction triggers)';

SELECT _seal_add_table(1::smallint, 'verwerkingsactie_versie', 'actie_id', 'volgnummer');
SELECT _seal_add_table(2::smallint, 'verwerkt_object', 'verwerkt_object_id', NULL);
SELECT _seal_add_table(3::smallint, 'vernietiging_journaal', NULL, 'id');
-- The rest of the purge's journal and the retention register's history
-- (85_vernietiging.sql): append-only tables with a bigint identity.
SELECT _seal_add_table(4::smallint, 'vernietiging_run', NULL, 'id');
SELECT _seal_add_table(5::smallint, 'vernietiging_batch', NULL, 'id');
SELECT _seal_add_table(6::smallint, 'vernietigde_actie', NULL, 'id');
SELECT _seal_add_table(7::smallint, 'bewaartermijn_registratie', NULL, 'id');

-- Every batch of a purge run (vernietig_verlopen and the per-batch
-- procedure alike) records itself in the transaction of its DELETEs, so
-- the leaves it destroyed are linked to its run, whether the run commits
-- once or per batch.  The verifier explains them by the run's journal row
-- (vernietiging_journaal.run), written when the run finishes.
CREATE TRIGGER vernietiging_batch_seal_run
    AFTER INSERT ON vernietiging_batch
    FOR EACH ROW EXECUTE FUNCTION _seal_journaal();
ALTER TABLE vernietiging_batch ENABLE ALWAYS TRIGGER vernietiging_batch_seal_run;

-- The SQL that reads the rows of one sealed table for a list of keys k(u, n).
CREATE FUNCTION _seal_join(t seal_table, rij text, k text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT concat_ws(' AND ',
                     CASE WHEN t.uuid_kolom IS NOT NULL THEN format('%I.%I = %I.u', rij, t.uuid_kolom, k) END,
                     CASE WHEN t.nummer_kolom IS NOT NULL THEN format('%I.%I = %I.n', rij, t.nummer_kolom, k) END)
$$;
COMMENT ON FUNCTION _seal_join(seal_table, text, text) IS
  'Internal: the join condition between rows of a sealed table (alias rij) and keys (alias k, columns u and n)';

CREATE FUNCTION _seal_key(t seal_table, rij text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format('%s, %s',
                  CASE WHEN t.uuid_kolom IS NULL THEN '''00000000-0000-0000-0000-000000000000''::uuid'
                       ELSE format('%I.%I', rij, t.uuid_kolom) END,
                  CASE WHEN t.nummer_kolom IS NULL THEN '0::bigint'
                       ELSE format('%I.%I::bigint', rij, t.nummer_kolom) END)
$$;
COMMENT ON FUNCTION _seal_key(seal_table, text) IS
  'Internal: the record key (u, n) of a row of a sealed table (alias rij), as two SQL expressions';

CREATE FUNCTION verzegel() RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET work_mem = '64MB'
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    SET IntervalStyle = 'postgres'
    SET extra_float_digits = 3
AS $$
DECLARE
    oud bigint;
    nieuw bigint;
    t verwerkingenlog.seal_table;
    aantal bigint;
    wortel bytea;
BEGIN
    PERFORM verwerkingenlog._require_beheer('seal the log');
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'the log can only be sealed at isolation level READ COMMITTED'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'verzegel() reads the tree after it has waited for the previous run, which needs a new snapshot.';
    END IF;
    -- One run at a time, and none while a purge destroys rows (its trigger
    -- holds ROW EXCLUSIVE); readers of the checkpoints are not blocked.
    -- Logging never takes this lock.
    LOCK TABLE verwerkingenlog.verzegel_controlepunt IN EXCLUSIVE MODE;
    SELECT coalesce(max(blad) + 1, 0) INTO oud FROM verwerkingenlog.seal_leaf;
    nieuw := oud;

    FOR t IN SELECT * FROM verwerkingenlog.seal_table ORDER BY code LOOP
        -- Take this table's committed queue entries; one entry per key (a
        -- row inserted and re-encrypted before it was sealed is sealed
        -- once, as inserted).  A new row (I) gets its first leaf, a
        -- re-encrypted one (U) a leaf that supersedes its current one;
        -- a key that does not fit (I of a row already sealed, U of one that
        -- never was, a row already destroyed) gets nothing, so the verifier
        -- judges it.  _seal_append numbers the rows from nieuw on in the
        -- order of the selection, writes their leaves and marks the leaves
        -- they supersede.
        aantal := verwerkingenlog._seal_append(t.code, format(
           'WITH w AS (DELETE FROM verwerkingenlog.seal_queue q WHERE q.tabel = %1$s
                       RETURNING q.soort, q.u, q.n),
                 k AS (SELECT DISTINCT ON (u, n) soort, u, n FROM w ORDER BY u, n, soort),
                 r AS (SELECT k.u, k.n, v.blad AS vorige, rij
                         FROM k
                         JOIN %2$s rij ON %3$s
                         LEFT JOIN LATERAL (SELECT x.blad, x.vervangen_door, x.vernietigd_in
                                              FROM verwerkingenlog.seal_leaf x
                                             WHERE x.tabel = %1$s AND x.u = k.u AND x.n = k.n
                                             ORDER BY x.blad DESC LIMIT 1) v ON true
                        WHERE (k.soort = ''I'' AND v.blad IS NULL)
                           OR (k.soort = ''U'' AND v.vervangen_door IS NULL AND v.vernietigd_in IS NULL
                               AND v.blad IS NOT NULL))
            SELECT r.u, r.n, r.vorige, r.rij FROM r ORDER BY r.u, r.n',
           t.code, t.tabel, verwerkingenlog._seal_join(t, 'rij', 'k')), nieuw);
        nieuw := nieuw + aantal;
    END LOOP;

    IF nieuw = oud AND EXISTS (SELECT FROM verwerkingenlog.verzegel_controlepunt) THEN
        RETURN nieuw;
    END IF;

    -- The inner nodes that are complete now: level 4 from the leaves, each
    -- higher level (+4) from the one below.
    PERFORM verwerkingenlog._seal_nodes(oud, nieuw);

    wortel := verwerkingenlog._tree_root(nieuw);
    INSERT INTO verwerkingenlog.seal_log (id)
    SELECT pg_catalog.gen_random_uuid() WHERE NOT EXISTS (SELECT FROM verwerkingenlog.seal_log);
    INSERT INTO verwerkingenlog.verzegel_controlepunt (grootte, wortel, gemaakt, tekst)
    VALUES (nieuw, wortel, clock_timestamp(),
            verwerkingenlog._sign(nieuw, wortel, (SELECT id FROM verwerkingenlog.seal_log)));
    RETURN nieuw;
END
$$;
COMMENT ON FUNCTION verzegel() IS
  'Appends every row committed since the last checkpoint to the Merkle tree (in the order table, key) and stores a signed checkpoint; returns the tree size.  Rows of transactions still in progress go into a later checkpoint.  Scope beheer; schedule it with pg_cron';

-- Re-encryption (herversleutel) seals the rows it changed in its own
-- transaction, called by the queue trigger after the UPDATE.  First it
-- waits for a verzegel() that is running: that run may have taken the
-- queue entries of these very rows and sealed their old ciphertexts.  Only
-- then does it look whether there is a checkpoint (there is none while the
-- log's first verzegel() runs, and then the new leaves must supersede that
-- run's); with none, nothing is sealed yet and the rows' own queue entries
-- seal their new ciphertexts later.
CREATE FUNCTION _seal_reencrypted() RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    LOCK TABLE verwerkingenlog.verzegel_controlepunt IN EXCLUSIVE MODE;
    IF EXISTS (SELECT FROM verwerkingenlog.verzegel_controlepunt) THEN
        PERFORM verwerkingenlog.verzegel();
    END IF;
END
$$;
COMMENT ON FUNCTION _seal_reencrypted() IS
  'Internal (queue trigger, after a re-encryption): seals the re-encrypted rows in the same transaction, after a verzegel() that is running has committed';

CREATE FUNCTION controlepunt() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.tekst FROM verwerkingenlog.verzegel_controlepunt c ORDER BY c.grootte DESC LIMIT 1
$$;
COMMENT ON FUNCTION controlepunt() IS
  'The latest checkpoint as text (C2SP tlog-checkpoint signed note), NULL before the first verzegel(); for every scope role: it reveals only the tree size and root';

-- The record key as text, for people: "uuid", "number" or "uuid/number".
CREATE FUNCTION _seal_key_text(t seal_table, u uuid, n bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT concat_ws('/', CASE WHEN t.uuid_kolom IS NOT NULL THEN u::text END,
                          CASE WHEN t.nummer_kolom IS NOT NULL THEN n::text END)
$$;
COMMENT ON FUNCTION _seal_key_text(seal_table, uuid, bigint) IS
  'Internal: a record key as people read it, uuid/number';

CREATE FUNCTION verificatie_export()
    RETURNS TABLE (soort text, positie bigint, tabel text, sleutel text, status text,
                   inhoud text, hash text, verwijzing bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    SET IntervalStyle = 'postgres'
    SET extra_float_digits = 3
AS $$
DECLARE
    t verwerkingenlog.seal_table;
    delen text[] := '{}';
    los text[] := '{}';
BEGIN
    PERFORM verwerkingenlog._require_beheer('export the log for verification');
    FOR t IN SELECT * FROM verwerkingenlog.seal_table ORDER BY code LOOP
        delen := delen || format(
           'SELECT ''blad''::text, b.blad, %1$L::text, verwerkingenlog._seal_key_text(%2$L, b.u, b.n),
                   CASE WHEN b.vervangen_door IS NOT NULL THEN ''vervangen''
                        WHEN NOT (rij IS NULL) THEN ''aanwezig''
                        WHEN b.vernietigd_in IS NOT NULL THEN ''vernietigd''
                        ELSE ''ontbreekt'' END,
                   CASE WHEN b.vervangen_door IS NULL AND NOT (rij IS NULL)
                        THEN pg_catalog.encode(verwerkingenlog._canonical(rij, b.blad, b.vorige), ''hex'') END,
                   pg_catalog.encode(b.hash, ''hex''),
                   CASE WHEN b.vervangen_door IS NOT NULL THEN b.vervangen_door
                        WHEN rij IS NULL THEN b.vernietigd_door END
              FROM verwerkingenlog.seal_leaf b
              LEFT JOIN %3$s rij ON %4$s
             WHERE b.tabel = %5$s',
           (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = t.tabel), t, t.tabel,
           verwerkingenlog._seal_join(t, 'rij', 'b'),
           t.code);
        los := los || format(
           'SELECT ''ongezegeld''::text, NULL::bigint, %1$L::text,
                   verwerkingenlog._seal_key_text(%2$L, k.u, k.n),
                   CASE WHEN EXISTS (SELECT FROM verwerkingenlog.seal_queue q
                                      WHERE q.tabel = %5$s AND q.u = k.u AND q.n = k.n)
                        THEN ''wachtrij'' ELSE ''onbekend'' END,
                   pg_catalog.encode(verwerkingenlog._canonical(rij, NULL, NULL), ''hex''), NULL::text, NULL::bigint
              FROM %3$s rij CROSS JOIN LATERAL (SELECT %4$s) k(u, n)
             WHERE NOT EXISTS (SELECT FROM verwerkingenlog.seal_leaf x
                                WHERE x.tabel = %5$s AND x.u = k.u AND x.n = k.n)',
           (SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid = t.tabel), t, t.tabel,
           verwerkingenlog._seal_key(t, 'rij'), t.code);
    END LOOP;
    RETURN QUERY EXECUTE
        'SELECT * FROM (' || array_to_string(delen, ' UNION ALL ') || ') x ORDER BY 2';
    RETURN QUERY
        SELECT 'controlepunt'::text, c.grootte, NULL::text, NULL::text, NULL::text,
               pg_catalog.encode(pg_catalog.convert_to(c.tekst, 'UTF8'), 'hex'),
               pg_catalog.encode(c.wortel, 'hex'), NULL::bigint
          FROM verwerkingenlog.verzegel_controlepunt c
         ORDER BY c.grootte;
    RETURN QUERY EXECUTE
        'SELECT * FROM (' || array_to_string(los, ' UNION ALL ') || ') x ORDER BY 3, 4';
END
$$;
COMMENT ON FUNCTION verificatie_export() IS
  'Everything the offline verifier verwerkingenlog-verifieer needs, for COPY ... TO: one line per leaf in tree order (the canonical encoding of its row, its stored hash, or why the row is gone), then every checkpoint, then the rows that no leaf covers (README "Tamper evidence").  Scope beheer';

-- Proofs.
CREATE FUNCTION _seal_leaf_proof(b seal_leaf, grootte bigint) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'vwl_seal_leaf_proof'
    LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION _seal_leaf_proof(seal_leaf, bigint) IS
  'Internal: one leaf''s part of bewijs_opname: table, tree index, leaf hash and its inclusion proof in the tree of size grootte (C, src/merkle.c)';

CREATE FUNCTION bewijs_opname(actie_id uuid, volgnummer integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET TimeZone = 'UTC'
    SET DateStyle = 'ISO, YMD'
    SET IntervalStyle = 'postgres'
    SET extra_float_digits = 3
AS $$
DECLARE
    c verwerkingenlog.verzegel_controlepunt;
    v verwerkingenlog.seal_leaf;
    rij verwerkingenlog.verwerkingsactie_versie;
    objecten jsonb;
BEGIN
    PERFORM verwerkingenlog._require_beheer('read inclusion proofs');
    IF actie_id IS NULL OR volgnummer IS NULL THEN
        RAISE EXCEPTION 'actie_id and volgnummer must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO c FROM verwerkingenlog.verzegel_controlepunt ORDER BY grootte DESC LIMIT 1;
    SELECT * INTO v FROM verwerkingenlog.seal_leaf b
     WHERE b.tabel = 1 AND b.u = bewijs_opname.actie_id AND b.n = bewijs_opname.volgnummer
       AND b.vervangen_door IS NULL;
    IF c.grootte IS NULL OR v.blad IS NULL OR v.blad >= c.grootte THEN
        RETURN NULL;
    END IF;
    SELECT * INTO rij FROM verwerkingenlog.verwerkingsactie_versie x
     WHERE x.actie_id = bewijs_opname.actie_id AND x.volgnummer = bewijs_opname.volgnummer;
    SELECT coalesce(jsonb_agg(verwerkingenlog._seal_leaf_proof(ob, c.grootte)
                              || jsonb_build_object('verwerktObjectId', o.verwerkt_object_id,
                                                    'inhoud', pg_catalog.encode(verwerkingenlog._canonical(o, ob.blad, ob.vorige), 'hex'))
                              ORDER BY o.volgorde), '[]')
      INTO objecten
      FROM verwerkingenlog.verwerkt_object o
      JOIN verwerkingenlog.seal_leaf ob
        ON ob.tabel = 2 AND ob.u = o.verwerkt_object_id AND ob.n = 0 AND ob.vervangen_door IS NULL
     WHERE o.actie_id = bewijs_opname.actie_id AND o.volgnummer = rij.objecten_volgnummer
       AND ob.blad < c.grootte;
    RETURN jsonb_build_object(
        'actieId', actie_id,
        'volgnummer', volgnummer,
        'controlepunt', c.tekst,
        'boomgrootte', c.grootte,
        'wortel', pg_catalog.encode(c.wortel, 'base64'),
        'versie', verwerkingenlog._seal_leaf_proof(v, c.grootte)
                  || jsonb_build_object('inhoud', CASE WHEN rij.actie_id IS NOT NULL
                                                       THEN pg_catalog.encode(verwerkingenlog._canonical(rij, v.blad, v.vorige), 'hex') END),
        'objecten', objecten);
END
$$;
COMMENT ON FUNCTION bewijs_opname(uuid, integer) IS
  'The inclusion proof (RFC 9162) of a version and of its verwerkte objecten against the latest checkpoint, as JSON (README "Tamper evidence"); NULL when the version is not in a checkpoint yet.  Scope beheer';

CREATE FUNCTION bewijs_consistentie(oud bigint, nieuw bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    a verwerkingenlog.verzegel_controlepunt;
    b verwerkingenlog.verzegel_controlepunt;
BEGIN
    IF oud IS NULL OR nieuw IS NULL THEN
        RAISE EXCEPTION 'oud and nieuw must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF oud > nieuw THEN
        RAISE EXCEPTION 'oud must not be larger than nieuw' USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('oud is %s, nieuw %s.', oud, nieuw);
    END IF;
    SELECT * INTO a FROM verwerkingenlog.verzegel_controlepunt c WHERE c.grootte = oud;
    SELECT * INTO b FROM verwerkingenlog.verzegel_controlepunt c WHERE c.grootte = nieuw;
    IF a.grootte IS NULL OR b.grootte IS NULL THEN
        RAISE EXCEPTION 'no checkpoint of tree size %', CASE WHEN a.grootte IS NULL THEN oud ELSE nieuw END
            USING ERRCODE = 'no_data_found',
                  HINT = 'verwerkingenlog.verzegel_controlepunt lists the checkpoints.';
    END IF;
    RETURN jsonb_build_object(
        'oud', jsonb_build_object('boomgrootte', a.grootte, 'wortel', pg_catalog.encode(a.wortel, 'base64'), 'controlepunt', a.tekst),
        'nieuw', jsonb_build_object('boomgrootte', b.grootte, 'wortel', pg_catalog.encode(b.wortel, 'base64'), 'controlepunt', b.tekst),
        'pad', (SELECT coalesce(jsonb_agg(pg_catalog.encode(h, 'base64') ORDER BY i), '[]')
                  FROM unnest(verwerkingenlog._tree_path('consistentie', oud, nieuw)) WITH ORDINALITY p(h, i)));
END
$$;
COMMENT ON FUNCTION bewijs_consistentie(bigint, bigint) IS
  'The consistency proof (RFC 9162) between the checkpoints of tree sizes oud and nieuw, as JSON with both checkpoints (README "Tamper evidence"); for every scope role: it reveals only hashes';

-- The inzage's hook (issue 12, item 7): for one result of an inzage (a
-- verwerkt object), where it is in the tree and the proof by hashes only,
-- so that the person can check it against a checkpoint held elsewhere
-- without the log revealing the stored row.
CREATE FUNCTION opname_verwijzing(verwerkt_object_id uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    b verwerkingenlog.seal_leaf;
    c verwerkingenlog.verzegel_controlepunt;
BEGIN
    SELECT * INTO b FROM verwerkingenlog.seal_leaf x
     WHERE x.tabel = 2 AND x.u = opname_verwijzing.verwerkt_object_id AND x.n = 0 AND x.vervangen_door IS NULL;
    SELECT * INTO c FROM verwerkingenlog.verzegel_controlepunt ORDER BY grootte DESC LIMIT 1;
    IF b.blad IS NULL OR c.grootte IS NULL OR b.blad >= c.grootte THEN
        RETURN NULL;
    END IF;
    RETURN jsonb_build_object(
        'verwerktObjectId', verwerkt_object_id,
        'blad', b.blad,
        'hash', pg_catalog.encode(b.hash, 'base64'),
        'boomgrootte', c.grootte,
        'controlepunt', c.tekst,
        'pad', (SELECT coalesce(jsonb_agg(pg_catalog.encode(h, 'base64') ORDER BY i), '[]')
                  FROM unnest(verwerkingenlog._tree_path('opname', b.blad, c.grootte)) WITH ORDINALITY p(h, i)),
        'bewijs', 'verwerkingenlog.bewijs_opname(actie_id, volgnummer), scope beheer, gives the leaf''s bytes too');
END
$$;
COMMENT ON FUNCTION opname_verwijzing(uuid) IS
  'For a result of an inzage: the tree index of the verwerkt object''s leaf, its hash, the latest checkpoint and the inclusion proof (hashes only, README "Tamper evidence"); NULL when not in a checkpoint yet.  For every scope role';

-- (EXECUTE on a trigger function is what CREATE TRIGGER needs: nobody else
-- can attach the queue trigger, which writes the queue directly, to a table.)
REVOKE ALL ON FUNCTION _seal_add_table(smallint, regclass, name, name), _seal_register(),
    _seal_append(smallint, text, bigint), _seal_nodes(bigint, bigint),
    _seal_reencrypted(), _seal_vernietigd(), _seal_journaal(), _sign(bigint, bytea, uuid),
    _tree_root(bigint), _tree_path(text, bigint, bigint) FROM PUBLIC;
-- Privileges.  Clients never own or read the tables; they call the API
-- functions, which run as the extension's owner with a pinned search_path.
-- The scope roles carry everything an application needs: schema usage,
-- execute on the API, select on the views.  Which scope an operation needs
-- is decided inside the functions (the rule engine), so that a missing scope
-- is named in the error.
DO $$
DECLARE
    f regprocedure;
    rol text;
    rollen text[] := ARRAY['verwerkingenlog_create_normal', 'verwerkingenlog_create_confidential',
                           'verwerkingenlog_read_normal', 'verwerkingenlog_read_confidential',
                           'verwerkingenlog_update_normal', 'verwerkingenlog_update_confidential',
                           'verwerkingenlog_delete_normal', 'verwerkingenlog_delete_confidential',
                           'verwerkingenlog_beheer'];
BEGIN
    -- Internal helpers that write or reveal: owner only.
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'verwerkingenlog'::regnamespace
                AND (p.prosecdef OR p.provolatile = 'v' OR p.proname IN ('_current', '_objecten_document', '_objecten_input'))
                AND p.proname NOT IN ('uuidv7')
    LOOP
        EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', f);
    END LOOP;
    FOREACH rol IN ARRAY rollen LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA verwerkingenlog TO %I', rol);
        EXECUTE format('GRANT SELECT ON verwerkingenlog.actuele_verwerkingsacties, verwerkingenlog.actuele_verwerkte_objecten TO %I', rol);
        FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
                  WHERE p.pronamespace = 'verwerkingenlog'::regnamespace AND p.prosecdef
        LOOP
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, rol);
        END LOOP;
    END LOOP;
END
$$;
-- No BSN in the clear on disk, through the server's own machinery.
--
-- Server log.  With PostgreSQL's default log_min_error_statement = error,
-- every failed statement is logged with its text, and the text of a call
-- holds the BSNs it passes.  Every SECURITY DEFINER function of the
-- extension therefore runs with log_min_error_statement = panic: an error
-- it raises reaches the server log without the statement (the setting is
-- still in force when the error is reported, before the transaction is
-- rolled back).  The messages, DETAILs and CONTEXTs the extension raises
-- never hold an identifier (the validator writes the digits of unknown
-- element names as #).  What the server logs outside these functions
-- (log_statement, log_min_duration_statement, a statement that fails before
-- it reaches the log) is set by the DBA: see the README, "Settings"; the
-- extension notes once per backend, in the server log, when those settings
-- would leak.
--
-- Temporary files.  A list, an inzage, a history or an export holds
-- decrypted documents; with a small work_mem their sorts, aggregates and
-- result sets would spill them to base/pgsql_tmp in plain text.  The
-- functions that return decrypted identifiers run with work_mem = 256MB and
-- temp_file_limit = 0: what does not fit in memory is refused (53400), never
-- written to disk.  (Queries on the views are the caller's own; see the
-- README.)
DO $$
DECLARE
    f regprocedure;
BEGIN
    -- Functions only: a SET clause would forbid a procedure to COMMIT.
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace IN ('verwerkingenlog'::regnamespace, 'verwerkingenlog_api'::regnamespace)
                AND p.prosecdef AND p.prokind = 'f'
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET log_min_error_statement = panic', f);
    END LOOP;
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.prosecdef AND p.prokind = 'f'
                AND ((p.pronamespace = 'verwerkingenlog_api'::regnamespace
                      AND (p.proname LIKE '%\_list' OR p.proname LIKE '%\_read'))
                     OR p.oid IN ('verwerkingenlog.verwerkingsacties(text, text, text, date, date, text[], uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkte_objecten(text, text, text, date, date, uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkt_object(uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkingsactie(uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkingsactie_historie(uuid)'::regprocedure,
                                  'verwerkingenlog.verwerkingsacties_afnemer(uuid)'::regprocedure,
                                  'verwerkingenlog.exporteer_verwerkingsacties(timestamptz, timestamptz)'::regprocedure))
    LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET work_mem = %L', f, '256MB');
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET temp_file_limit = 0', f);
    END LOOP;
END
$$;
