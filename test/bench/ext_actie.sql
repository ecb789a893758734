-- (5) The current version of one action (-D actie=uuid).
SELECT verwerkingenlog.verwerkingsactie(:actie::uuid);
