-- (5) The list for one given person (-D bsn=...) in 2024.
SELECT * FROM verwerkingenlog.verwerkingsacties('persoon', 'BSN', :bsn::text, '2024-01-01', '2025-01-01',
                                                '{normaal,vertrouwelijk,opgeheven}');
