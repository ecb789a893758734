-- (4) Bewerking list: the current actions about one random person in 2024.
\set p random(1, :personen)
\set pre 10000000 + :p * 10
\set som 9 * (:pre / 10000000 % 10) + 8 * (:pre / 1000000 % 10) + 7 * (:pre / 100000 % 10) + 6 * (:pre / 10000 % 10) + 5 * (:pre / 1000 % 10) + 4 * (:pre / 100 % 10) + 3 * (:pre / 10 % 10)
\set j (:som % 11) / 10
\set bsn (:pre + :j) * 10 + (:som + 2 * :j) % 11
SELECT * FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', :bsn::text, '2024-01-01', '2025-01-01',
                                                '{normaal,vertrouwelijk,opgeheven}');
