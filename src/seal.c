/*
 * seal.c
 *		Sealing the log: the signing key, signed checkpoints, and the
 *		trigger that queues every new row for the next checkpoint.
 *
 * The signing key is an Ed25519 private key in PEM (PKCS #8, as `openssl
 * genpkey -algorithm ed25519` writes it) in the file
 * verwerkingenlog.ondertekensleutel, in the same folder as the
 * pseudonymisation key file (verwerkingenlog.sleutelbestand; by default
 * the data directory), with the same rules: readable by the server only
 * (no group or world access), never in a table.  In the data directory it
 * is created on first use with a WARNING naming it; a configured folder
 * never gets a new key silently, nor does a standby.
 *
 * A checkpoint is a C2SP signed note (c2sp.org/signed-note) whose text is
 * a C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint):
 *
 *		<origin>\n<tree size>\n<base64 root hash>\n
 *		\n
 *		— <key name> <base64(key ID || Ed25519 signature of the text)>\n
 *
 * The key name is "verwerkingenlog-" followed by the first 16 hex digits of
 * SHA-256 of the public key; the origin is the key name, "/", and the log's
 * own id (a uuid made by its first verzegel() and kept in seal_log, so
 * that it survives a dump and restore, and two databases of one cluster,
 * which share the key, still are two logs).  The key ID is the first 4
 * bytes of SHA-256(name || 0x0A || 0x01 || public key).
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/base64.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "settings.h"
#include "merkle.h"
#include "seal_capture.h"

#define SIGNING_FILE	"verwerkingenlog.ondertekensleutel"
#define MAX_PEM				8192
#define ED25519_LEN			32
#define SIGNATURE_LEN	64

/* The signing key and what is derived from it. */
typedef struct SigningKey
{
	EVP_PKEY   *pkey;
	unsigned char publiek[ED25519_LEN];
	char		naam[64];		/* key name */
	unsigned char sleutel_id[4];
} SigningKey;

/* Report the most recent OpenSSL error. */
static void
openssl_error(const char *wat)
{
	unsigned long e = ERR_get_error();

	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
			 errmsg("OpenSSL failed to %s", wat),
			 e ? errdetail("%s", ERR_error_string(e, NULL)) : 0));
}

/*
 * The signing key's path: next to the pseudonymisation key file, or in the
 * data directory (relative path) when that setting is empty.  *standaard
 * says whether it is the default one.
 */
static char *
signing_key_path(bool *standaard)
{
	const char *sb;
	const char *slash;

	/* the key file path may be one of the database's settings (instellen) */
	vwl_settings_check();
	sb = GetConfigOption("verwerkingenlog.sleutelbestand", true, false);

	if (sb == NULL || sb[0] == '\0')
	{
		*standaard = true;
		return pstrdup(SIGNING_FILE);
	}
	*standaard = false;
	slash = strrchr(sb, '/');
	if (slash == NULL)
		return pstrdup(SIGNING_FILE);
	return psprintf("%.*s/%s", (int) (slash - sb), sb, SIGNING_FILE);
}

/* Create a new signing key file (mode 0600, exclusively, fsync'd). */
static void
signing_key_create(const char *pad)
{
	EVP_PKEY_CTX *ctx;
	EVP_PKEY   *pkey = NULL;
	BIO		   *bio;
	char	   *pem;
	long		len;
	int			fd;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("signing key file \"%s\" does not exist", pad),
				 errdetail("A standby never creates a signing key."),
				 errhint("Copy the primary's signing key file to the standby.")));
	ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &pkey) != 1)
		openssl_error("generate an Ed25519 key");
	EVP_PKEY_CTX_free(ctx);
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) != 1)
		openssl_error("write the signing key");
	EVP_PKEY_free(pkey);
	len = BIO_get_mem_data(bio, &pem);

	fd = OpenTransientFilePerm(pad, O_WRONLY | O_CREAT | O_EXCL | PG_BINARY, S_IRUSR | S_IWUSR);
	if (fd < 0)
	{
		BIO_free(bio);
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not create signing key file \"%s\": %m", pad)));
	}
	if (write(fd, pem, len) != len || pg_fsync(fd) != 0)
	{
		int			save = errno;

		CloseTransientFile(fd);
		BIO_free(bio);
		errno = save;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not write signing key file \"%s\": %m", pad)));
	}
	OPENSSL_cleanse(pem, len);
	BIO_free(bio);
	CloseTransientFile(fd);
	fsync_fname(".", true);
	ereport(WARNING,
			(errmsg("created a new signing key file \"%s/%s\"", DataDir, pad),
			 errdetail("Checkpoints of the log are signed with this Ed25519 key."),
			 errhint("Back the file up apart from the database, and give verwerkingenlog.publieke_sleutel() to whoever keeps copies of the checkpoints.")));
}

/*
 * Load the signing key: check the file (regular, no group or world access)
 * and parse it; create it first when it is the default one and missing.
 */
static void
signing_key_load(SigningKey *s, bool aanmaken)
{
	bool		standaard;
	char	   *pad = signing_key_path(&standaard);
	int			fd;
	struct stat st;
	char	   *inhoud;
	ssize_t		gelezen;
	BIO		   *bio;
	size_t		publen = ED25519_LEN;
	unsigned char h[VWL_HASH_LEN];
	unsigned char *idbuf;
	size_t		naamlen;

	fd = OpenTransientFile(pad, O_RDONLY | PG_BINARY);
	if (fd < 0 && errno == ENOENT)
	{
		if (!aanmaken)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("signing key file \"%s\" does not exist", pad),
					 errhint("The first verzegel() creates it.")));
		if (!standaard)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("signing key file \"%s\" does not exist", pad),
					 errdetail("It belongs next to the key file of verwerkingenlog.sleutelbestand; a signing key there is never created by the server."),
					 errhint("Restore it from its backup, or make a new one with: openssl genpkey -algorithm ed25519 -out %s && chmod 600 %s", pad, pad)));
		signing_key_create(pad);
		fd = OpenTransientFile(pad, O_RDONLY | PG_BINARY);
	}
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open signing key file \"%s\": %m", pad)));
	if (fstat(fd, &st) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat signing key file \"%s\": %m", pad)));
	if (!S_ISREG(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("signing key file \"%s\" is not a regular file", pad)));
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("signing key file \"%s\" has group or world access", pad),
				 errdetail("Its permissions are %04o; it must be readable by the server's operating system user only (0600 or less).",
						   (unsigned int) (st.st_mode & 07777)),
				 errhint("Run chmod 600 on the file.")));
	inhoud = palloc(MAX_PEM + 1);
	gelezen = read(fd, inhoud, MAX_PEM + 1);
	CloseTransientFile(fd);
	if (gelezen < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not read signing key file \"%s\": %m", pad)));
	if (gelezen > MAX_PEM)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("signing key file \"%s\" is corrupt", pad),
				 errdetail("It has more than %d bytes.", MAX_PEM)));
	bio = BIO_new_mem_buf(inhoud, (int) gelezen);
	s->pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	OPENSSL_cleanse(inhoud, gelezen);
	pfree(inhoud);
	if (s->pkey == NULL || EVP_PKEY_id(s->pkey) != EVP_PKEY_ED25519)
	{
		ERR_clear_error();
		if (s->pkey)
			EVP_PKEY_free(s->pkey);
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("signing key file \"%s\" is corrupt", pad),
				 errdetail("It must hold one Ed25519 private key in PEM (PKCS #8)."),
				 errhint("Restore the file from its backup.")));
	}
	if (EVP_PKEY_get_raw_public_key(s->pkey, s->publiek, &publen) != 1 || publen != ED25519_LEN)
	{
		EVP_PKEY_free(s->pkey);
		openssl_error("derive the public key");
	}

	/* name: "verwerkingenlog-" and 16 hex digits of SHA-256(public key) */
	vwl_sha256(s->publiek, ED25519_LEN, h);
	snprintf(s->naam, sizeof(s->naam), "verwerkingenlog-%02x%02x%02x%02x%02x%02x%02x%02x",
			 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
	/* key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4] */
	naamlen = strlen(s->naam);
	idbuf = palloc(naamlen + 2 + ED25519_LEN);
	memcpy(idbuf, s->naam, naamlen);
	idbuf[naamlen] = '\n';
	idbuf[naamlen + 1] = 0x01;
	memcpy(idbuf + naamlen + 2, s->publiek, ED25519_LEN);
	vwl_sha256(idbuf, naamlen + 2 + ED25519_LEN, h);
	memcpy(s->sleutel_id, h, 4);
	pfree(idbuf);
}

/* Standard base64 of len bytes, palloc'd and NUL-terminated. */
static char *
base64(const unsigned char *data, int len)
{
	int			max = pg_b64_enc_len(len);
	char	   *uit = palloc(max + 1);
	int			n = pg_b64_encode((const char *) data, len, uit, max);

	if (n < 0)
		elog(ERROR, "base64 encoding failed");
	uit[n] = '\0';
	return uit;
}

PG_FUNCTION_INFO_V1(vwl_sign);

/*
 * verwerkingenlog._sign(grootte bigint, wortel bytea, log uuid)
 * RETURNS text: the checkpoint of the tree of that size and root of that
 * log, signed with the signing key, as a C2SP signed note.
 */
Datum
vwl_sign(PG_FUNCTION_ARGS)
{
	int64		grootte;
	bytea	   *wortel;
	char	   *log;
	SigningKey s;
	char	   *tekst;
	EVP_MD_CTX *md;
	unsigned char handtekening[4 + SIGNATURE_LEN];
	size_t		siglen = SIGNATURE_LEN;
	char	   *note;

	/* a library newer than the function's SQL definition must not misread */
	if (PG_NARGS() != 3)
		elog(ERROR, "_sign takes three arguments; reinstall the extension");
	grootte = PG_GETARG_INT64(0);
	wortel = PG_GETARG_BYTEA_PP(1);
	log = DatumGetCString(DirectFunctionCall1(uuid_out, PG_GETARG_DATUM(2)));
	if (grootte < 0 || VARSIZE_ANY_EXHDR(wortel) != VWL_HASH_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a checkpoint needs a tree size of at least 0 and a 32-byte root hash")));
	signing_key_load(&s, true);
	tekst = psprintf("%s/%s\n%lld\n%s\n", s.naam, log, (long long) grootte,
					 base64((unsigned char *) VARDATA_ANY(wortel), VWL_HASH_LEN));
	md = EVP_MD_CTX_new();
	if (md == NULL ||
		EVP_DigestSignInit(md, NULL, NULL, NULL, s.pkey) != 1 ||
		EVP_DigestSign(md, handtekening + 4, &siglen,
					   (unsigned char *) tekst, strlen(tekst)) != 1 ||
		siglen != SIGNATURE_LEN)
	{
		EVP_MD_CTX_free(md);
		EVP_PKEY_free(s.pkey);
		openssl_error("sign the checkpoint");
	}
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(s.pkey);
	memcpy(handtekening, s.sleutel_id, 4);
	/* U+2014 EM DASH, a space, the key name, a space, the signature */
	note = psprintf("%s\n\xe2\x80\x94 %s %s\n", tekst, s.naam,
					base64(handtekening, sizeof(handtekening)));
	PG_RETURN_TEXT_P(cstring_to_text(note));
}

PG_FUNCTION_INFO_V1(vwl_publieke_sleutel);

/*
 * verwerkingenlog.publieke_sleutel() RETURNS text: the verifier key of the
 * signing key in the signed-note format, <name>+<hex key ID>+<base64(0x01
 * || public key)>.
 */
Datum
vwl_publieke_sleutel(PG_FUNCTION_ARGS)
{
	SigningKey s;
	unsigned char buf[1 + ED25519_LEN];

	signing_key_load(&s, false);
	EVP_PKEY_free(s.pkey);
	buf[0] = 0x01;
	memcpy(buf + 1, s.publiek, ED25519_LEN);
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s+%02x%02x%02x%02x+%s", s.naam,
											  s.sleutel_id[0], s.sleutel_id[1],
											  s.sleutel_id[2], s.sleutel_id[3],
											  base64(buf, sizeof(buf)))));
}

/* Does an attribute name end in "_versleuteld" (an encrypted identifier)? */
static bool
is_encrypted(const char *naam)
{
	size_t		l = strlen(naam);

	return l >= 12 && strcmp(naam + l - 12, "_versleuteld") == 0;
}

/* The attribute number of a key column named by a trigger argument, or 0. */
static AttrNumber
key_column(Relation rel, const char *naam, Oid *type)
{
	AttrNumber	a;

	if (naam[0] == '\0')
		return 0;
	a = get_attnum(RelationGetRelid(rel), naam);
	if (a == InvalidAttrNumber)
		elog(ERROR, "column \"%s\" of \"%s\" does not exist", naam, RelationGetRelationName(rel));
	*type = get_atttype(RelationGetRelid(rel), a);
	return a;
}

PG_FUNCTION_INFO_V1(vwl_seal_register);

/*
 * Trigger (AFTER INSERT OR UPDATE FOR EACH STATEMENT, REFERENCING NEW TABLE
 * (and OLD TABLE for UPDATE)), arguments (code, uuid key column or '',
 * numbered key column or ''): queues the key of every new row in
 * seal_queue, for the next verzegel().  An updated row is queued
 * (soort 'U', to be sealed again as a leaf that supersedes the old one)
 * only when nothing but encrypted identifiers (columns *_versleuteld)
 * changed, which is what re-encryption does, and then sealed at once in
 * the same transaction (_seal_reencrypted); any other change stays
 * unsealed, so that the verifier finds the row differing from its leaf.
 * Before that, the full hash of the leaf each re-encrypted row had is
 * captured from its old row (seal_capture.c), after the tree's lock.
 *
 * The queue has no indexes and is written directly with heap inserts, so
 * that logging pays one small insert per row and no plan.
 */
Datum
vwl_seal_register(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	char	  **args;
	int16		code;
	Relation	rel,
				wachtrij;
	Oid			utype = InvalidOid,
				ntype = InvalidOid;
	AttrNumber	ucol,
				ncol;
	bool		update;
	TupleTableSlot *nieuw,
			   *oud = NULL;
	Oid			wachtrij_oid;
	pg_uuid_t	nul;
	int64		opnieuw = 0;
	VwlCapture *vangst = NULL;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) || td->tg_trigger->tgnargs != 3)
		elog(ERROR, "verzegel_aanmelden must be an AFTER ... FOR EACH STATEMENT trigger with three arguments");
	update = TRIGGER_FIRED_BY_UPDATE(td->tg_event);
	if (td->tg_newtable == NULL || (update && td->tg_oldtable == NULL))
		elog(ERROR, "verzegel_aanmelden needs REFERENCING NEW TABLE (and OLD TABLE for UPDATE)");
	args = td->tg_trigger->tgargs;
	code = (int16) pg_strtoint32(args[0]);
	rel = td->tg_relation;
	ucol = key_column(rel, args[1], &utype);
	ncol = key_column(rel, args[2], &ntype);
	if (ucol != 0 && utype != UUIDOID)
		elog(ERROR, "the uuid key column must be of type uuid");

	wachtrij_oid = get_relname_relid("seal_queue", get_namespace_oid("verwerkingenlog", false));
	if (!OidIsValid(wachtrij_oid))
		elog(ERROR, "table verwerkingenlog.seal_queue does not exist");
	wachtrij = table_open(wachtrij_oid, RowExclusiveLock);
	if (wachtrij->rd_rel->relhasindex)
		elog(ERROR, "verwerkingenlog.seal_queue must not have indexes");

	memset(&nul, 0, sizeof(nul));
	nieuw = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsMinimalTuple);
	tuplestore_rescan(td->tg_newtable);
	if (update)
	{
		oud = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsMinimalTuple);
		tuplestore_rescan(td->tg_oldtable);
	}
	while (tuplestore_gettupleslot(td->tg_newtable, true, false, nieuw))
	{
		Datum		v[4];
		bool		nl[4] = {false, false, false, false};
		bool		isnull;
		HeapTuple	tup;

		if (update)
		{
			TupleDesc	desc = RelationGetDescr(rel);
			bool		alleen_versleuteld = true;

			if (!tuplestore_gettupleslot(td->tg_oldtable, true, false, oud))
				elog(ERROR, "the transition tables of an UPDATE differ in length");
			slot_getallattrs(nieuw);
			slot_getallattrs(oud);
			for (int i = 0; i < desc->natts && alleen_versleuteld; i++)
			{
				Form_pg_attribute att = TupleDescAttr(desc, i);

				if (att->attisdropped || is_encrypted(NameStr(att->attname)))
					continue;
				if (nieuw->tts_isnull[i] != oud->tts_isnull[i] ||
					(!nieuw->tts_isnull[i] &&
					 !datumIsEqual(nieuw->tts_values[i], oud->tts_values[i],
								   att->attbyval, att->attlen)))
					alleen_versleuteld = false;
			}
			if (!alleen_versleuteld)
				continue;

			/*
			 * The leaf of the old content: the tree's lock first (EXCLUSIVE,
			 * as _seal_reencrypted takes it), so that a verzegel() that is
			 * running has committed, then its full hash from the old row.
			 */
			if (vangst == NULL)
				vangst = vwl_capture_begin(rel, code, ucol, ncol, ntype, false, ExclusiveLock);
			vwl_capture_row(vangst, oud);
		}
		v[0] = Int16GetDatum(code);
		v[1] = CharGetDatum(update ? 'U' : 'I');
		v[2] = UUIDPGetDatum(&nul);
		v[3] = Int64GetDatum(0);
		if (ucol != 0)
		{
			Datum		d = slot_getattr(nieuw, ucol, &isnull);

			if (!isnull)
				v[2] = d;
		}
		if (ncol != 0)
		{
			Datum		d = slot_getattr(nieuw, ncol, &isnull);

			if (!isnull)
				v[3] = Int64GetDatum(vwl_key_number(d, ntype));
		}
		tup = heap_form_tuple(RelationGetDescr(wachtrij), v, nl);
		simple_heap_insert(wachtrij, tup);
		opnieuw++;
		heap_freetuple(tup);
	}
	if (vangst)
		vwl_capture_end(vangst);
	ExecDropSingleTupleTableSlot(nieuw);
	if (oud)
		ExecDropSingleTupleTableSlot(oud);
	table_close(wachtrij, RowExclusiveLock);

	/*
	 * A re-encrypted row no longer matches its leaf: seal it again in the
	 * same transaction (_seal_reencrypted), so that no checkpoint
	 * and no export ever sees the one without the other.
	 */
	if (update && opnieuw > 0)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SELECT verwerkingenlog._seal_reencrypted()",
						false, 0) != SPI_OK_SELECT)
			elog(ERROR, "sealing the re-encrypted rows failed");
		SPI_finish();
	}
	return PointerGetDatum(NULL);
}
