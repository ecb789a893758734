-- (6) PATCH of a verwerking (-D verwerking=uuid): a new bewaartermijn for
-- every current action of it.
\set y random(1, 99)
SELECT verwerkingenlog.wijzig_verwerking(:verwerking::uuid, jsonb_build_object('bewaartermijn', 'P' || :y || 'Y'));
