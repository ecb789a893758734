/*
 * reencrypt.c
 *		Re-encryption of stored identifiers after a key rotation.
 *
 * After _rotate_key() new identifiers are encrypted under the new key
 * version; older ciphertexts name their version in their first byte and stay
 * readable for as long as that version is in the key file.  Re-encryption
 * moves them to the current version, so that an old AES key can eventually
 * be retired.  It rewrites only the columns that hold ciphertexts:
 * verwerkt_object.object_versleuteld and
 * verwerkingsactie_versie.afnemer_versleuteld.  Pseudonyms do not change (the
 * HMAC key never rotates), so every lookup keeps working throughout.
 *
 * The tables are append-only; an UPDATE passes only through the second door
 * of the append-only trigger (vwl_reencrypt_door_open), which this file
 * alone opens, around one fixed UPDATE per table, and through which the
 * trigger lets a row pass only when nothing but the ciphertext changed and
 * the ciphertext still decrypts to the same identifier.
 *
 * A call re-encrypts at most `batch` ciphertexts, so that each transaction
 * stays short; the caller repeats until it returns 0.  To make a series of
 * calls in one session linear rather than quadratic, each table remembers
 * the block where the previous call stopped and the next call scans on from
 * there (a TID range scan), wrapping round to block 0 once when it finds too
 * few: rows before that block can only be there if the table changed
 * meanwhile.
 *
 * Before it locks any row, a call takes the Merkle tree's lock (EXCLUSIVE on
 * verzegel_controlepunt, tree_lock.h), as the purge does (ROW EXCLUSIVE):
 * the two wait for each other instead of deadlocking.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "storage/itemptr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "append_only.h"
#include "pseudoniem.h"
#include "tree_lock.h"
#include "verwerkingenlog.h"

/* One column of ciphertexts, its statements and where the last call stopped. */
typedef struct Target
{
	const char *zoek_sql;
	const char *wijzig_sql;
	SPIPlanPtr	zoek;
	SPIPlanPtr	wijzig;
	BlockNumber vanaf;			/* block to scan on from */
	int			vanaf_versie;	/* key version that vanaf belongs to */
} Target;

/*
 * zoek: up to $3 ctids from block $1 on whose ciphertext is older than key
 * version $2.  wijzig: re-encrypt the rows at those ctids that still are.
 */
static Target targets[] = {
	{
		"SELECT o.ctid FROM verwerkingenlog.verwerkt_object o"
		" WHERE o.ctid OPERATOR(pg_catalog.>=) $1"
		"   AND pg_catalog.get_byte(o.object_versleuteld, 0) OPERATOR(pg_catalog.<) $2"
		" LIMIT $3",
		"UPDATE verwerkingenlog.verwerkt_object o"
		"   SET object_versleuteld = verwerkingenlog._reencrypt_object(o)"
		" WHERE o.ctid OPERATOR(pg_catalog.=) ANY ($1)"
		"   AND pg_catalog.get_byte(o.object_versleuteld, 0) OPERATOR(pg_catalog.<) $2",
		NULL, NULL, 0, 0
	},
	{
		"SELECT v.ctid FROM verwerkingenlog.verwerkingsactie_versie v"
		" WHERE v.ctid OPERATOR(pg_catalog.>=) $1"
		"   AND pg_catalog.get_byte(v.afnemer_versleuteld, 0) OPERATOR(pg_catalog.<) $2"
		" LIMIT $3",
		"UPDATE verwerkingenlog.verwerkingsactie_versie v"
		"   SET afnemer_versleuteld = verwerkingenlog._reencrypt_afnemer(v)"
		" WHERE v.ctid OPERATOR(pg_catalog.=) ANY ($1)"
		"   AND pg_catalog.get_byte(v.afnemer_versleuteld, 0) OPERATOR(pg_catalog.<) $2",
		NULL, NULL, 0, 0
	},
};

/*
 * Re-encrypt up to `max` old ciphertexts of one column, scanning from block
 * `vanaf`; returns how many, and sets *laatste to the highest block seen.
 */
static uint64
reencrypt_from(Target *doel, BlockNumber vanaf, int versie, int64 max,
					BlockNumber *laatste)
{
	Oid			zoek_types[3] = {TIDOID, INT4OID, INT8OID};
	Oid			wijzig_types[2] = {TIDARRAYOID, INT4OID};
	ItemPointerData begin;
	Datum		args[3];
	Datum	   *tids;
	ArrayType  *tid_array;
	uint64		gevonden;
	volatile uint64 gewijzigd = 0;
	int			rc;

	ItemPointerSetBlockNumber(&begin, vanaf);
	ItemPointerSetOffsetNumber(&begin, 0);
	args[0] = PointerGetDatum(&begin);
	args[1] = Int32GetDatum(versie);
	args[2] = Int64GetDatum(max);
	rc = SPI_execute_plan(vwl_prepared(&doel->zoek, doel->zoek_sql, 3, zoek_types),
						  args, NULL, false, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "finding old ciphertexts failed: %s", SPI_result_code_string(rc));
	gevonden = SPI_processed;
	*laatste = vanaf;
	if (gevonden == 0)
		return 0;

	tids = palloc(sizeof(Datum) * gevonden);
	for (uint64 i = 0; i < gevonden; i++)
	{
		bool		isnull;
		ItemPointer tid;

		tids[i] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		tid = (ItemPointer) DatumGetPointer(tids[i]);
		if (ItemPointerGetBlockNumber(tid) > *laatste)
			*laatste = ItemPointerGetBlockNumber(tid);
	}
	tid_array = construct_array(tids, (int) gevonden, TIDOID,
								sizeof(ItemPointerData), false, TYPALIGN_SHORT);

	args[0] = PointerGetDatum(tid_array);
	args[1] = Int32GetDatum(versie);
	vwl_reencrypt_door_open();
	PG_TRY();
	{
		rc = SPI_execute_plan(vwl_prepared(&doel->wijzig, doel->wijzig_sql, 2, wijzig_types),
							  args, NULL, false, 0);
		if (rc != SPI_OK_UPDATE)
			elog(ERROR, "re-encrypting failed: %s", SPI_result_code_string(rc));
		gewijzigd = SPI_processed;
	}
	PG_FINALLY();
	{
		vwl_reencrypt_door_close();
	}
	PG_END_TRY();
	return gewijzigd;
}

PG_FUNCTION_INFO_V1(vwl_reencrypt_rows);

/*
 * verwerkingenlog._reencrypt_rows(batch integer) RETURNS bigint:
 * re-encrypts at most batch stored ciphertexts that are older than the
 * current key version, under that version; returns how many (0: none left).
 */
Datum
vwl_reencrypt_rows(PG_FUNCTION_ARGS)
{
	int32		batch;
	int			versie;
	int64		totaal = 0;

	vwl_require_beheer("re-encrypt identifiers");
	if (PG_ARGISNULL(0) || PG_GETARG_INT32(0) < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("batch must be a positive number of ciphertexts")));
	batch = PG_GETARG_INT32(0);
	versie = vwl_current_key_version();

	/*
	 * The tree's lock first, in the mode the sealing trigger takes it, before
	 * any row lock (tree_lock.h): waits for a verzegel() or a purge that is
	 * running, and keeps both out until this transaction ends.
	 */
	vwl_lock_tree(ExclusiveLock);

	SPI_connect();
	for (int d = 0; d < (int) lengthof(targets) && totaal < batch; d++)
	{
		Target	   *doel = &targets[d];
		BlockNumber vanaf = doel->vanaf_versie == versie ? doel->vanaf : 0;
		BlockNumber laatste;
		uint64		n;

		n = reencrypt_from(doel, vanaf, versie, batch - totaal, &laatste);
		totaal += n;
		if (totaal < batch && vanaf > 0)
		{
			/* Too few from vanaf on: once more from the start. */
			n = reencrypt_from(doel, 0, versie, batch - totaal, &laatste);
			totaal += n;
		}
		doel->vanaf = laatste;
		doel->vanaf_versie = versie;
	}
	SPI_finish();
	PG_RETURN_INT64(totaal);
}
