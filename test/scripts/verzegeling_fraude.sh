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
blad() { psql -d $db -c "SELECT blad FROM verwerkingenlog._seal_leaves($1::smallint) WHERE u = '$2' AND n = $3"; }
# The block (seal_blok) that holds tree index $1 of table $2: the SQL that
# picks it, alias k.
in_blok() { echo "k.eerste <= $1 AND $1 < k.eerste + k.aantal"; }

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

echo "two rows swapped (their places in the tree: key and vinger swapped, the block repacked):"
a=$(blad 1 "$act" 1)
b=$((a + 3))
# The block of both is rewritten as the blocks it would be sealed in with
# the two leaves swapped (cut at each, so that keys still increase within
# a block): packed as DESIGN12.md says, a uuid as the count of bytes it
# shares with the previous key of the block and the other bytes, then the
# number (volgnummer) as an unsigned LEB128 varint.
knoei "CREATE FUNCTION pg_temp.blok(b_eerste bigint, b_tabel smallint, us uuid[], ns bigint[], vi bytea[]) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE sl bytea := ''; vorig bytea; cur bytea; p int; sv bigint[] := '{}'; m bigint;
BEGIN
    IF coalesce(cardinality(us), 0) = 0 THEN RETURN; END IF;
    FOR i IN 1 .. cardinality(us) LOOP
        cur := uuid_send(us[i]);
        p := 0;
        WHILE vorig IS NOT NULL AND p < 16 AND get_byte(cur, p) = get_byte(vorig, p) LOOP p := p + 1; END LOOP;
        sl := sl || set_byte('\\x00'::bytea, 0, p) || substr(cur, p + 1);
        m := ns[i];
        WHILE m >= 128 LOOP sl := sl || set_byte('\\x00'::bytea, 0, (m % 128 + 128)::int); m := m / 128; END LOOP;
        sl := sl || set_byte('\\x00'::bytea, 0, m::int);
        vorig := cur;
        -- sort value: the first 8 bytes big-endian minus 2^63
        sv := sv || ('x' || encode(set_byte(substr(cur, 1, 8), 0, get_byte(cur, 0) # 128), 'hex'))::bit(64)::bigint;
    END LOOP;
    INSERT INTO verwerkingenlog.seal_blok (eerste, aantal, tabel, laag, hoog, sleutels, vingers, vorige)
    VALUES (b_eerste, cardinality(us), b_tabel, sv[1], sv[cardinality(sv)], sl, (SELECT string_agg(v, ''::bytea ORDER BY o) FROM unnest(vi) WITH ORDINALITY z(v, o)), NULL);
END \$\$;
CREATE FUNCTION pg_temp.verwissel(x bigint, y bigint) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE blk verwerkingenlog.seal_blok; us uuid[]; ns bigint[]; vi bytea[]; i int; j int; tu uuid; tn bigint; tv bytea;
BEGIN
    SELECT * INTO STRICT blk FROM verwerkingenlog.seal_blok k WHERE $(in_blok x) AND $(in_blok y);
    SELECT array_agg(l.u ORDER BY l.blad), array_agg(l.n ORDER BY l.blad), array_agg(l.vinger ORDER BY l.blad) INTO us, ns, vi
      FROM verwerkingenlog._seal_leaves(blk.tabel) l WHERE l.blad >= blk.eerste AND l.blad < blk.eerste + blk.aantal;
    i := x - blk.eerste + 1;
    j := y - blk.eerste + 1;
    tu := us[i]; us[i] := us[j]; us[j] := tu;
    tn := ns[i]; ns[i] := ns[j]; ns[j] := tn;
    tv := vi[i]; vi[i] := vi[j]; vi[j] := tv;
    DELETE FROM verwerkingenlog.seal_blok WHERE eerste = blk.eerste;
    PERFORM pg_temp.blok(blk.eerste, blk.tabel, us[1:i - 1], ns[1:i - 1], vi[1:i - 1]);
    PERFORM pg_temp.blok(x, blk.tabel, us[i:i], ns[i:i], vi[i:i]);
    PERFORM pg_temp.blok(x + 1, blk.tabel, us[i + 1:j - 1], ns[i + 1:j - 1], vi[i + 1:j - 1]);
    PERFORM pg_temp.blok(y, blk.tabel, us[j:j], ns[j:j], vi[j:j]);
    PERFORM pg_temp.blok(y + 1, blk.tabel, us[j + 1:], ns[j + 1:], vi[j + 1:]);
END \$\$;
SELECT pg_temp.verwissel($a, $b);"
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
eerste=$(sleutel "SELECT u FROM verwerkingenlog._seal_leaves(2::smallint) ORDER BY blad LIMIT 1")
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
CREATE TEMP TABLE geweigerd (fout text);
DO \$\$
BEGIN
    PERFORM verwerkingenlog.verzegel();
EXCEPTION WHEN data_corrupted THEN
    INSERT INTO geweigerd VALUES (SQLERRM);
END \$\$;
\\copy geweigerd TO '$tmp/geweigerd'"
# (a verzegel() that must recompute a refilled row's leaf refuses it)
if [ -s "$tmp/geweigerd" ]; then
	echo "  verzegel(): $(cat "$tmp/geweigerd")"
	grep -Eq "^the row of leaf [0-9]+ \(verwerkt_object [0-9a-f-]+\) differs from its sealed leaf$" "$tmp/geweigerd" ||
		{ echo "FAILED: verzegel() should refuse with data_corrupted naming a refilled row"; exit 1; }
fi
verwacht_fout "changed: row verwerkt_object $eerste at tree index $(blad 2 "$eerste" 0) no longer matches its leaf" "$tmp/$db.key" "$tmp/knoei.export"

echo "a vinger changed (one bit of one leaf's vinger in its block):"
o=$(blad 2 "$obj" 0)
knoei "UPDATE verwerkingenlog.seal_blok k SET vingers = set_byte(vingers, ($o - eerste)::int * 4, get_byte(vingers, ($o - eerste)::int * 4) # 1)
 WHERE $(in_blok $o);"
verwacht_fout "changed: row verwerkt_object $obj at tree index $o no longer matches its leaf" "$tmp/$db.key" "$tmp/knoei.export"

echo "a block row deleted (the block of the first object's leaf):"
read -r van tot < <(sleutel "SELECT eerste, eerste + aantal - 1 FROM verwerkingenlog.seal_blok k WHERE $(in_blok "$(blad 2 "$eerste" 0)")" | tr '|' ' ')
knoei "DELETE FROM verwerkingenlog.seal_blok k WHERE eerste = $van;"
verwacht_fout "removed: tree index $van to $tot are missing from the export \\(their leaves are gone from seal_blok\\)" "$tmp/$db.key" "$tmp/knoei.export"

echo "the tree rebuilt and re-signed (caught against the witness's checkpoints):"
knoei "ALTER TABLE verwerkingenlog.verwerkt_object DISABLE TRIGGER ALL;
UPDATE verwerkingenlog.verwerkt_object SET objecttype = 'kat' WHERE verwerkt_object_id = '$obj';
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
-- the changed row's vinger in its block, then the level-4 nodes from every
-- leaf's hash (all leaves of this log are versions and objects, present)
UPDATE verwerkingenlog.seal_blok k
   SET vingers = overlay(vingers PLACING substr(sha256('\\x00'::bytea || verwerkingenlog._canonical(o, l.blad, l.vorige)), 1, 4)
                         FROM (l.blad - k.eerste)::int * 4 + 1 FOR 4)
  FROM verwerkingenlog._seal_leaves(2::smallint) l JOIN verwerkingenlog.verwerkt_object o ON o.verwerkt_object_id = l.u
 WHERE l.u = '$obj' AND $(in_blok l.blad);
DELETE FROM verwerkingenlog.seal_node;
INSERT INTO verwerkingenlog.seal_node
SELECT 4, blad >> 4, verwerkingenlog._mth(array_agg(hash ORDER BY blad))
  FROM (SELECT l.blad, sha256('\\x00'::bytea || verwerkingenlog._canonical(v, l.blad, l.vorige)) AS hash
          FROM verwerkingenlog._seal_leaves(1::smallint) l
          JOIN verwerkingenlog.verwerkingsactie_versie v ON (v.actie_id, v.volgnummer) = (l.u, l.n)
        UNION ALL
        SELECT l.blad, sha256('\\x00'::bytea || verwerkingenlog._canonical(o, l.blad, l.vorige))
          FROM verwerkingenlog._seal_leaves(2::smallint) l
          JOIN verwerkingenlog.verwerkt_object o ON o.verwerkt_object_id = l.u) b
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
DELETE FROM verwerkingenlog.seal_blok; DELETE FROM verwerkingenlog.seal_leaf_hash;"
verwacht_fout "removed: the checkpoint of size [0-9]+ .* covers more leaves than the export has \\(0\\)" "$tmp/$db.key" "$tmp/knoei.export" "$tmp"/getuige/*

psql -d postgres -c "DROP DATABASE $db"
echo "every tampering caught"
