-- (6) Baseline: the same change as an UPDATE in place.
\set y random(1, 99)
UPDATE baseline.verwerkingsactie SET bewaartermijn = 'P' || :y || 'Y'
 WHERE verwerking_id = :verwerking::uuid AND NOT vervallen;
