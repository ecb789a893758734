
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
