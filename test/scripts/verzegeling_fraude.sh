#!/usr/bin/env bash
# Tamper evidence (issue 12): each kind of tampering, done as a superuser
# with every guard switched off (the event triggers disabled, then ALTER
# TABLE ... DISABLE TRIGGER), is caught by the offline verifier, which names
# the row.  Each tampering runs in a transaction that exports the log and
# then rolls back, so all start from the same sealed log.
set -euo pipefail
. "$(dirname "$0")/verzegeling.bash"
trap 'rm -rf "$tmp"' EXIT
db=vwl_fraude
nieuwe_db $db
log_acties $db 20
verzegel $db >/dev/null
log_acties $db 3 777
verzegel $db >/dev/null
getuige $db getuige
exporteer $db
echo "untouched log:"
verwacht_ok "$tmp/$db.key" "$tmp/$db.export" "$tmp"/getuige/*

# Run SQL as a superuser with the guards off, export, roll back.
knoei() {
	psql -d $db >/dev/null <<SQL
BEGIN;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_end DISABLE;
ALTER EVENT TRIGGER verwerkingenlog_ddl_guard_start DISABLE;
$1
\copy (SELECT * FROM verwerkingenlog.verificatie_export()) TO '$tmp/knoei.export'
ROLLBACK;
SQL
}
sleutel() { psql -d $db -c "$1"; }
blad() { psql -d $db -c "SELECT blad FROM verwerkingenlog.seal_leaf WHERE tabel = $1 AND u = '$2' AND n = $3"; }

echo "one byte changed in one column of one row:"
obj=$(sleutel "SELECT verwerkt_object_id FROM verwerkingenlog.verwerkt_object ORDER BY verwerkt_object_id OFFSET 7 LIMIT 1")
knoei "ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER ALL;
UPDATE verwerkingenlog.verwerkt_object SET object_pseudoniem = set_byte(object_pseudoniem, 3, get_byte(object_pseudoniem, 3) # 1)
 WHERE verwerkt_object_id = '$obj';"
verwacht_fout "changed: row verwerkt_object $obj at tree index $(blad 2 "$obj" 0) " "$tmp/$db.key" "$tmp/knoei.export"

echo "a row deleted (every trigger off):"
act=$(sleutel "SELECT actie_id FROM verwerkingenlog.verwerkingsactie_versie ORDER BY actie_id OFFSET 4 LIMIT 1")
knoei "ALTER TABLE verwerkingenlog.verwerkingsactie_versie DISABLE TRIGGER ALL;
DELETE FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = '$act';"
verwacht_fout "removed: row verwerkingsactie_versie $act/1 at tree index $(blad 1 "$act" 1) is gone" "$tmp/$db.key" "$tmp/knoei.export"

echo "a row deleted (only the append-only guard off):"
knoei "ALTER TABLE verwerkingenlog.verwerkingsactie_versie DISABLE TRIGGER verwerkingsactie_versie_append_only;
DELETE FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = '$act';"
verwacht_fout "removed: row verwerkingsactie_versie $act/1 at tree index $(blad 1 "$act" 1) was destroyed, but no run" "$tmp/$db.key" "$tmp/knoei.export"

echo "a forged version inserted:"
knoei "ALTER TABLE verwerkingenlog.verwerkingsactie_versie DISABLE TRIGGER ALL;
INSERT INTO verwerkingenlog.verwerkingsactie_versie OVERRIDING SYSTEM VALUE
SELECT actie_id, 2, versie_id + 1000, objecten_volgnummer, 'vervalst', handeling_naam, verwerking_naam, verwerking_id,
       verwerkingsactiviteit_id, verwerkingsactiviteit_url, vertrouwelijkheid, bewaartermijn, uitvoerder, systeem,
       gebruiker, gegevensbron, soort_afnemer_id, afnemer_id, afnemer_versleuteld, verwerkingsactiviteit_id_afnemer,
       verwerkingsactiviteit_url_afnemer, verwerking_id_afnemer, tijdstip, tijdstip_registratie, vervallen
  FROM verwerkingenlog.verwerkingsactie_versie WHERE actie_id = '$act';"
verwacht_fout "inserted: row verwerkingsactie_versie $act/2 is in the log but in no leaf" "$tmp/$db.key" "$tmp/knoei.export"

echo "two rows swapped (their places in the tree):"
a=$(blad 1 "$act" 1)
b=$((a + 3))
knoei "UPDATE verwerkingenlog.seal_leaf SET blad = -1 WHERE blad = $a;
UPDATE verwerkingenlog.seal_leaf SET blad = $a WHERE blad = $b;
UPDATE verwerkingenlog.seal_leaf SET blad = $b WHERE blad = -1;"
verwacht_fout "reordered: row verwerkingsactie_versie .* is at tree index $a but was sealed at tree index $b" "$tmp/$db.key" "$tmp/knoei.export"

echo "two rows swapped (the objects of two actions, every trigger off):"
o1=$(sleutel "SELECT verwerkt_object_id FROM verwerkingenlog.verwerkt_object ORDER BY verwerkt_object_id LIMIT 1")
o2=$(sleutel "SELECT verwerkt_object_id FROM verwerkingenlog.verwerkt_object ORDER BY verwerkt_object_id OFFSET 1 LIMIT 1")
knoei "ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER ALL;
UPDATE verwerkingenlog.verwerkt_object o SET object_pseudoniem = p.object_pseudoniem, object_versleuteld = p.object_versleuteld
  FROM verwerkingenlog.verwerkt_object p
 WHERE (o.verwerkt_object_id, p.verwerkt_object_id) IN (('$o1', '$o2'), ('$o2', '$o1'));"
verwacht_fout "changed: row verwerkt_object ($o1|$o2) at tree index" "$tmp/$db.key" "$tmp/knoei.export"

echo "a table truncated and refilled with the same rows, re-encrypted:"
eerste=$(sleutel "SELECT u FROM verwerkingenlog.seal_leaf WHERE tabel = 2 ORDER BY blad LIMIT 1")
knoei "CREATE TEMP TABLE kopie AS SELECT o.*, verwerkingenlog._reencrypt_object(o) AS opnieuw FROM verwerkingenlog.verwerkt_object o;
ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER ALL;
TRUNCATE verwerkingenlog.verwerkt_object;
INSERT INTO verwerkingenlog.verwerkt_object
SELECT verwerkt_object_id, actie_id, volgnummer, volgorde, tijdstip, objecttype, soort_object_id, object_pseudoniem,
       opnieuw, betrokkenheid, verwerkte_soorten_gegevens
  FROM kopie;"
verwacht_fout "changed: row verwerkt_object $eerste at tree index $(blad 2 "$eerste" 0) no longer matches its leaf" "$tmp/$db.key" "$tmp/knoei.export"

echo "the same with only the guard off, the queue trigger on and a verzegel() after it:"
knoei "CREATE TEMP TABLE kopie AS SELECT o.*, verwerkingenlog._reencrypt_object(o) AS opnieuw FROM verwerkingenlog.verwerkt_object o;
ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER verwerkt_object_no_truncate;
TRUNCATE verwerkingenlog.verwerkt_object;
INSERT INTO verwerkingenlog.verwerkt_object
SELECT verwerkt_object_id, actie_id, volgnummer, volgorde, tijdstip, objecttype, soort_object_id, object_pseudoniem,
       opnieuw, betrokkenheid, verwerkte_soorten_gegevens
  FROM kopie;
SET client_min_messages = error;
SELECT verwerkingenlog.verzegel();"
verwacht_fout "changed: row verwerkt_object $eerste at tree index $(blad 2 "$eerste" 0) no longer matches its leaf" "$tmp/$db.key" "$tmp/knoei.export"

echo "the tree rebuilt and re-signed (caught against the witness's checkpoints):"
knoei "ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER ALL;
UPDATE verwerkingenlog.verwerkt_object SET objecttype = 'kat' WHERE verwerkt_object_id = '$obj';
SET TimeZone = 'UTC';
UPDATE verwerkingenlog.seal_leaf b
   SET hash = sha256('\\x00'::bytea || verwerkingenlog._canonical(o, b.blad, b.vorige))
  FROM verwerkingenlog.verwerkt_object o WHERE b.tabel = 2 AND b.u = o.verwerkt_object_id;
DELETE FROM verwerkingenlog.seal_node;
INSERT INTO verwerkingenlog.seal_node
SELECT 4, blad >> 4, verwerkingenlog._mth(array_agg(hash ORDER BY blad)) FROM verwerkingenlog.seal_leaf
 GROUP BY blad >> 4 HAVING count(*) = 16;
UPDATE verwerkingenlog.verzegel_controlepunt
   SET wortel = verwerkingenlog._tree_root(grootte),
       tekst = verwerkingenlog._sign(grootte, verwerkingenlog._tree_root(grootte), (SELECT id FROM verwerkingenlog.seal_log));"
echo " without the witness, the rebuilt log looks whole:"
verwacht_ok "$tmp/$db.key" "$tmp/knoei.export"
echo " with it:"
verwacht_fout "signed two different trees of size" "$tmp/$db.key" "$tmp/knoei.export" "$tmp"/getuige/*

echo "every checkpoint deleted (the leaves kept):"
knoei "DELETE FROM verwerkingenlog.verzegel_controlepunt;"
verwacht_fout "removed: the export has 46 leaves but no checkpoint" "$tmp/$db.key" "$tmp/knoei.export"
echo " the tree and its checkpoints deleted (caught against the witness's checkpoints):"
knoei "DELETE FROM verwerkingenlog.verzegel_controlepunt; DELETE FROM verwerkingenlog.seal_node;
DELETE FROM verwerkingenlog.seal_leaf;"
verwacht_fout "removed: the checkpoint of size [0-9]+ .* covers more leaves than the export has \\(0\\)" "$tmp/$db.key" "$tmp/knoei.export" "$tmp"/getuige/*

psql -d postgres -c "DROP DATABASE $db"
echo "every tampering caught"
