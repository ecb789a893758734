-- (1) Log one action through the API: the document is a bind parameter
-- (-D doc=...), its objectId a random person's BSN (bench.bsn, computed here).
\set p random(1, :personen)
\set pre 10000000 + :p * 10
\set som 9 * (:pre / 10000000 % 10) + 8 * (:pre / 1000000 % 10) + 7 * (:pre / 100000 % 10) + 6 * (:pre / 10000 % 10) + 5 * (:pre / 1000 % 10) + 4 * (:pre / 100 % 10) + 3 * (:pre / 10 % 10)
\set j (:som % 11) / 10
\set bsn (:pre + :j) * 10 + (:som + 2 * :j) % 11
SELECT verwerkingenlog.log_verwerkingsactie(replace(:doc, '@BSN@', :bsn::text)::jsonb);
