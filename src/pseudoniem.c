/*
 * pseudoniem.c
 *		Pseudonyms and encryption of object identifiers (decision B2042).
 *
 * The log never stores an objectId in plain text.  It stores two forms:
 *
 *	- a pseudonym, HMAC-SHA-256 over the pair (soort, id).  It is
 *	  deterministic, so a lookup by a plain BSN computes the pseudonym and
 *	  probes an index once;
 *	- a ciphertext, AES-256-GCM with a random nonce, so that a pseudonym can
 *	  be traced back to the identifier (export, migration), as the standard
 *	  requires.
 *
 * The keys live in a file outside the database: verwerkingenlog.sleutels in
 * the data directory, or the file named by the superuser-only setting
 * verwerkingenlog.sleutelbestand.  They are in no table and therefore in no
 * pg_dump output.  The file is text, one line per key version:
 *
 *		# comment lines and blank lines are ignored
 *		<version> <HMAC key, 64 hex digits> <AES key, 64 hex digits>
 *
 * Versions run from 1 to 255 and increase from line to line; the highest is
 * the current version, which encrypts new identifiers.  A ciphertext starts
 * with the version of its key, so older versions stay readable for as long
 * as their line is in the file.
 *
 * Rotation renews only the AES key.  The HMAC key is a separate, long-lived
 * secret that every line repeats unchanged, and the file is refused when the
 * lines disagree.  A pseudonym is a lookup key in an index: if it changed
 * with the key version, finding a citizen's records would take one index
 * probe per version, and moving old rows to a new pseudonym would mean
 * decrypting all of them anyway.  The secret that protects the stored form
 * of a BSN against guessing is the HMAC key; the AES key protects the
 * reversible form, and that is what rotation re-encrypts
 * (verwerkingenlog._reencrypt).
 *
 * The additional authenticated data of a ciphertext binds it to its place:
 * the key version, and for a stored objectId its soortObjectId and its
 * pseudonym, for a stored afnemerId its soortAfnemerId and its actieId.  A
 * ciphertext copied into another row does not authenticate there.
 *
 * The database records a check value of its keys (verwerkingenlog.
 * sleutelcontrole: an HMAC of a fixed label under the HMAC key, version 0,
 * and under each AES key, by version), the first time the log stores an
 * identifier under them.  Every backend compares the key file with those
 * values before it uses the file, so a restored database with another key
 * file, or a key file with one digit changed, is an error (VL001) instead
 * of lookups that quietly find nothing.  The check values are dumped with
 * the database; the keys never are.
 *
 * A key file is created only by CREATE EXTENSION (when the file does not
 * exist yet) and by verwerkingenlog.sleutelbestand_aanmaken(); a read or a
 * write never creates one.
 *
 * Only the functions in this file read the keys.  All of them are revoked
 * from PUBLIC: an oracle for pseudonyms would let a caller test every
 * possible BSN.  No key byte outlives its use in palloc'd memory or on the
 * stack, on error paths either: buffers that held keys are wiped in
 * PG_FINALLY blocks.
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/uuid.h"

#include "settings.h"
#include "pseudoniem.h"
#include "hex.h"

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "verwerkingenlog needs OpenSSL 3.0 or newer (EVP_MAC)"
#endif

#define KEY_LENGTH		32	/* both keys: 256 bits */

/* Nanoseconds of a file time, so that quick rewrites in place are seen. */
#ifdef __APPLE__
#define MTIME_NS(st)	((st).st_mtimespec.tv_nsec)
#define CTIME_NS(st)	((st).st_ctimespec.tv_nsec)
#else
#define MTIME_NS(st)	((st).st_mtim.tv_nsec)
#define CTIME_NS(st)	((st).st_ctim.tv_nsec)
#endif
#define MAX_FILE_SIZE 65536	/* 255 lines of keys take about 34 kB */

/* Setting verwerkingenlog.sleutelbestand; empty means the default file. */
char	   *vwl_sleutelbestand = NULL;

/*
 * The keys of one key file, parsed.
 */
typedef struct KeyRing
{
	bool		geldig;			/* parsed from the file identified below */
	char		pad[MAXPGPATH]; /* the path as given (relative: to DataDir) */
	dev_t		dev;			/* identity and state of the file read */
	ino_t		ino;
	off_t		grootte;
	time_t		mtime;
	long		mtime_ns;
	time_t		ctime;
	long		ctime_ns;
	TimestampTz gecontroleerd;	/* statement start of the last stat() */
	bool		in_transactie;	/* ... and in the current transaction */
	int			aantal;			/* number of versions */
	int			huidige;		/* highest version */
	bool		aanwezig[VWL_MAX_KEY_VERSION + 1];
	unsigned char hmac[KEY_LENGTH];
	unsigned char aes[VWL_MAX_KEY_VERSION + 1][KEY_LENGTH];
	unsigned char kladblok[KEY_LENGTH]; /* parsing, wiped with the ring */
	bool		db_compleet;	/* the database holds check values for the
								 * HMAC key and the current version, and they
								 * match */
	bool		db_in_transactie;	/* checked against the database in the
									 * current transaction */
} KeyRing;

/* A ciphertext's binding to its place (see the file header). */
typedef struct Binding
{
	const char *soort;
	size_t		soortlen;
	const unsigned char *plaats;
	size_t		plaatslen;
} Binding;

/* The place of a stored afnemerId: this marker, then the actieId. */
#define AFNEMER_MERK		"afnemer"
#define AFNEMER_MARK_LENGTH	7
#define AFNEMER_SLOT_LENGTH (AFNEMER_MARK_LENGTH + UUID_LEN)

/*
 * Per-backend cache of the parsed key file.  These functions run for every
 * logged object, so reading and parsing the file on each call would cost
 * more than the cryptography, and even a stat() of it costs more than an
 * HMAC (1 to 4 us measured).  The cache is therefore checked against the
 * file (device, inode, size, mtime and ctime to the nanosecond) once per
 * statement, at least once per transaction (for background workers, whose
 * statement start time need not move), and whenever a ciphertext names a
 * version the cache does not hold.  So a rotation by another backend, which
 * renames a new file into place, is seen by the next statement.  A static is
 * enough: it is a fixed 8 kB and lives as long as the backend.
 */
static KeyRing ring;

/*
 * OpenSSL objects, made once per backend and reused: fetching an algorithm
 * and allocating a context cost more than hashing an identifier.  They are
 * keyed lazily; *_versie says which key version a cipher context holds
 * (0: none) and is reset whenever the key file is read again.  Because they
 * are reused and never allocated per call, an error halfway through a call
 * leaks nothing: the next call initialises the context again.
 */
static EVP_MAC_CTX *hmac_ctx = NULL;
static bool hmac_keyed = false;
static EVP_CIPHER *aes_gcm = NULL;
static EVP_CIPHER_CTX *encrypt_ctx = NULL;
static int	encrypt_version = 0;
static EVP_CIPHER_CTX *decrypt_ctx = NULL;
static int	decrypt_version = 0;

/*
 * Nonces are taken from a per-process stock of random bytes.  One call of
 * pg_strong_random (OpenSSL's RAND_bytes) costs several microseconds whether
 * it returns 12 bytes or a few kilobytes, which made it most of the cost of
 * an encryption.  A GCM nonce must never repeat under one key but is not
 * secret (it is stored next to the ciphertext), so drawing it from a stock
 * changes nothing but the cost.  The stock is tagged with the process id so
 * that a process forked after filling it could never hand out the same
 * bytes as its parent; each byte is handed out once.
 */
#define NONCE_POOL		(VWL_NONCE_LENGTH * 256)
static unsigned char nonce_pool[NONCE_POOL];
static int	nonce_left = 0;
static int	nonce_pid = 0;

static bool xact_callback_registered = false;

static void keys_xact_callback(XactEvent event, void *arg);
static const char *key_path(void);
static bool is_default_path(void);
static void keys_load(bool opnieuw);
static void keyfile_read(int fd, const char *pad, struct stat *st,
								 char *inhoud, size_t *lengte);
static void keys_parse(const char *pad, char *inhoud, size_t lengte,
							  KeyRing *r);
static bool sleutelbestand_aanmaken(const char *pad, bool mag_bestaan);
static void keys_check(bool registreren);
static void ring_clear(void);
static void write_file(const char *pad, const char *inhoud,
							  size_t lengte);
static char *key_line(int versie, const unsigned char *hmac,
						  const unsigned char *aes);
static void random_bytes(void *buf, size_t len);
static void openssl_error(const char *wat) pg_attribute_noreturn();
static void corrupt_keyfile(const char *pad, int regel, const char *reden)
			pg_attribute_noreturn();
static bytea *encrypt(const char *data, size_t len, const Binding *b);
static char *decrypt(bytea *invoer, size_t *lengte, const Binding *b);
static text *as_text(char *uit, size_t len);

/*
 * The key file as configured, or the default (relative paths are relative to
 * the data directory, the working directory of every backend).
 */
static const char *
key_path(void)
{
	if (vwl_sleutelbestand == NULL || vwl_sleutelbestand[0] == '\0')
		return VWL_DEFAULT_KEYFILE;
	return vwl_sleutelbestand;
}

/* Whether the setting is unset, so that a missing file may be created. */
static bool
is_default_path(void)
{
	return vwl_sleutelbestand == NULL || vwl_sleutelbestand[0] == '\0';
}

/*
 * At the end of every transaction: check the key file again next time (and
 * the database's check values, until they are complete).
 */
static void
keys_xact_callback(XactEvent event, void *arg)
{
	ring.in_transactie = false;
	ring.db_in_transactie = false;
	/* Check values recorded by an aborted transaction are gone again. */
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		ring.db_compleet = false;
}

/* Forget the keys: wipe every key byte of the cache. */
static void
ring_clear(void)
{
	explicit_bzero(&ring, sizeof(KeyRing));
	encrypt_version = 0;
	decrypt_version = 0;
	hmac_keyed = false;
}

/*
 * The error for a key file that is missing: never a new key in its place,
 * for a read or a write (a new key would make every stored pseudonym
 * unfindable).
 */
static void
keyfile_missing(const char *pad)
{
	ereport(ERROR,
			(errcode(ERRCODE_VWL_KEYFILE),
			 errmsg("key file \"%s\" does not exist", pad),
			 is_default_path() ?
			 errdetail("The key file is %s in the data directory (verwerkingenlog.sleutelbestand is empty).  A key file is created only by CREATE EXTENSION and by verwerkingenlog.sleutelbestand_aanmaken().",
					   VWL_DEFAULT_KEYFILE) :
			 errdetail("The setting verwerkingenlog.sleutelbestand names this file.  A key file is created only by CREATE EXTENSION and by verwerkingenlog.sleutelbestand_aanmaken()."),
			 errhint("Restore the key file that belongs to this database from its backup (on a standby: copy the primary's).  Only for a log that has never stored an identifier, create a new one with SELECT verwerkingenlog.sleutelbestand_aanmaken().")));
}

/*
 * Make the cache hold the keys of the current key file.  Unless opnieuw is
 * set, a cache that was checked in this statement is trusted.  Every failure
 * is an ERROR: there is no fallback to another key.
 */
static void
keys_load(bool opnieuw)
{
	const char *volatile pad = key_path();
	TimestampTz nu = GetCurrentStatementStartTimestamp();
	struct stat st;
	int			fd;
	char	   *inhoud;
	size_t		lengte;
	KeyRing *nieuw;
	int			rc;

	if (!opnieuw && ring.geldig && ring.in_transactie &&
		ring.gecontroleerd == nu && strcmp(ring.pad, pad) == 0)
		return;

	/* The path may come from the database's settings: apply them first. */
	vwl_settings_check();
	pad = key_path();

	if (!xact_callback_registered)
	{
		RegisterXactCallback(keys_xact_callback, NULL);
		xact_callback_registered = true;
	}

	if (strlen(pad) >= MAXPGPATH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key file path is too long"),
				 errdetail("The path in verwerkingenlog.sleutelbestand has %zu bytes; the limit is %d.",
						   strlen(pad), MAXPGPATH - 1)));

	rc = stat(pad, &st);
	if (rc < 0 && errno == ENOENT)
		keyfile_missing(pad);
	if (rc < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat key file \"%s\": %m", pad)));

	/* Unchanged since it was parsed: trust the cache for this statement. */
	if (!opnieuw && ring.geldig && strcmp(ring.pad, pad) == 0 &&
		ring.dev == st.st_dev && ring.ino == st.st_ino &&
		ring.grootte == st.st_size &&
		ring.mtime == st.st_mtime && ring.mtime_ns == MTIME_NS(st) &&
		ring.ctime == st.st_ctime && ring.ctime_ns == CTIME_NS(st))
	{
		ring.gecontroleerd = nu;
		ring.in_transactie = true;
		if (!ring.db_compleet && !ring.db_in_transactie)
			keys_check(false);
		return;
	}

	/* Read it again.  From here on a failure leaves no usable cache. */
	ring_clear();

	fd = OpenTransientFile(pad, O_RDONLY | PG_BINARY);
	if (fd < 0 && errno == ENOENT)
		keyfile_missing(pad);
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open key file \"%s\": %m", pad),
				 errhint("The file must be readable by the operating system user that runs the server.")));

	nieuw = palloc0(sizeof(KeyRing));
	inhoud = palloc0(MAX_FILE_SIZE + 2);
	PG_TRY();
	{
		keyfile_read(fd, pad, &st, inhoud, &lengte);
		keys_parse(pad, inhoud, lengte, nieuw);
		memcpy(&ring, nieuw, sizeof(KeyRing));
	}
	PG_FINALLY();
	{
		/* The file's text and the parsed keys, also when parsing failed. */
		explicit_bzero(inhoud, MAX_FILE_SIZE + 2);
		pfree(inhoud);
		explicit_bzero(nieuw, sizeof(KeyRing));
		pfree(nieuw);
	}
	PG_END_TRY();
	CloseTransientFile(fd);

	explicit_bzero(ring.kladblok, sizeof(ring.kladblok));
	strlcpy(ring.pad, pad, MAXPGPATH);
	ring.dev = st.st_dev;
	ring.ino = st.st_ino;
	ring.grootte = st.st_size;
	ring.mtime = st.st_mtime;
	ring.mtime_ns = MTIME_NS(st);
	ring.ctime = st.st_ctime;
	ring.ctime_ns = CTIME_NS(st);
	ring.gecontroleerd = nu;
	ring.in_transactie = true;
	ring.db_compleet = false;
	ring.db_in_transactie = false;
	ring.geldig = true;

	/* Compare with what the database recorded; a mismatch forgets the keys. */
	PG_TRY();
	{
		keys_check(false);
	}
	PG_CATCH();
	{
		ring_clear();
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/*
 * Check an open file that holds secrets (a key file): a regular file, owned
 * by the operating system user that runs the server, with no access for
 * group or others.  wat names the kind of file in messages ("key file").
 * *st receives the file's state.  For every file of secrets the extension
 * reads, so that all of them are held to the same rules.
 */
void
vwl_check_secret_file(int fd, const char *pad, const char *wat,
							   struct stat *st)
{
	if (fstat(fd, st) < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat %s \"%s\": %m", wat, pad)));
	if (!S_ISREG(st->st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("%s \"%s\" is not a regular file", wat, pad)));
	if (st->st_uid != geteuid())
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("%s \"%s\" is not owned by the server's operating system user", wat, pad),
				 errdetail("It is owned by user id %u; the server runs as user id %u.",
						   (unsigned int) st->st_uid, (unsigned int) geteuid()),
				 errhint("Run chown on the file to give it to the user that runs the server.")));
	if (st->st_mode & (S_IRWXG | S_IRWXO))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("%s \"%s\" has group or world access", wat, pad),
				 errdetail("Its permissions are %04o; it must be readable by the server's operating system user only (0600 or less).",
						   (unsigned int) (st->st_mode & 07777)),
				 errhint("Run chmod 600 on the file.")));
}

/*
 * Check the open key file (vwl_check_secret_file, and not too
 * large) and read its contents into inhoud (MAX_FILE_SIZE + 2 bytes,
 * allocated by the caller, who wipes it whatever happens), NUL-terminated;
 * *st receives the file's state as read.
 */
static void
keyfile_read(int fd, const char *pad, struct stat *st, char *inhoud,
					 size_t *lengte)
{
	size_t		gelezen = 0;

	*lengte = 0;
	vwl_check_secret_file(fd, pad, "key file", st);
	if (st->st_size > MAX_FILE_SIZE)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("key file \"%s\" is corrupt", pad),
				 errdetail("It has %lld bytes; a key file has at most %d.",
						   (long long) st->st_size, MAX_FILE_SIZE),
				 errhint("Restore the key file from its backup.")));

	for (;;)
	{
		ssize_t		n = read(fd, inhoud + gelezen,
							 MAX_FILE_SIZE + 1 - gelezen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read key file \"%s\": %m", pad)));
		if (n == 0)
			break;
		gelezen += n;
		if (gelezen > MAX_FILE_SIZE)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("key file \"%s\" is corrupt", pad),
					 errdetail("It has more than %d bytes.", MAX_FILE_SIZE),
					 errhint("Restore the key file from its backup.")));
	}
	inhoud[gelezen] = '\0';
	*lengte = gelezen;
}

/*
 * Parse 64 hex digits at *p into a 32-byte key; advance *p.  False when they
 * are not there.
 */
static bool
hex_key(const char **p, unsigned char *sleutel)
{
	const char *s = *p;

	for (int i = 0; i < KEY_LENGTH; i++)
	{
		int			hoog = vwl_hex_digit(s[2 * i]);
		int			laag;

		if (hoog < 0)
			return false;
		laag = vwl_hex_digit(s[2 * i + 1]);
		if (laag < 0)
			return false;
		sleutel[i] = (unsigned char) (hoog << 4 | laag);
	}
	*p = s + 2 * KEY_LENGTH;
	return true;
}

/* Report a corrupt key file; never quotes the line, which holds keys. */
static void
corrupt_keyfile(const char *pad, int regel, const char *reden)
{
	if (regel > 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("key file \"%s\" is corrupt", pad),
				 errdetail("Line %d: %s.", regel, reden),
				 errhint("Restore the key file from its backup.  Each line is \"<version> <HMAC key> <AES key>\", keys as 64 hexadecimal digits.")));
	ereport(ERROR,
			(errcode(ERRCODE_CONFIG_FILE_ERROR),
			 errmsg("key file \"%s\" is corrupt", pad),
			 errdetail("%s.", reden),
			 errhint("Restore the key file from its backup.  Each line is \"<version> <HMAC key> <AES key>\", keys as 64 hexadecimal digits.")));
}

/*
 * Parse the key file's contents into *r (zeroed by the caller).  Strict: any
 * line that is not blank, a comment or a well-formed key line makes the
 * whole file corrupt.
 */
static void
keys_parse(const char *pad, char *inhoud, size_t lengte, KeyRing *r)
{
	const char *p = inhoud;
	const char *eind = inhoud + lengte;
	int			regel = 0;
	unsigned char *hmac = r->kladblok;	/* wiped with *r by the caller */

	if (memchr(inhoud, '\0', lengte) != NULL)
		corrupt_keyfile(pad, 0, "It contains a NUL byte");

	while (p < eind)
	{
		const char *regeleind = memchr(p, '\n', eind - p);
		const char *q = p;
		int			versie = 0;
		int			cijfers = 0;

		if (regeleind == NULL)
			regeleind = eind;
		regel++;

		while (q < regeleind && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == regeleind || *q == '#')
		{
			p = regeleind + 1;
			continue;
		}

		while (q < regeleind && *q >= '0' && *q <= '9' && cijfers < 4)
		{
			versie = versie * 10 + (*q - '0');
			q++;
			cijfers++;
		}
		if (cijfers == 0 || versie < 1 || versie > VWL_MAX_KEY_VERSION ||
			(*q != ' ' && *q != '\t'))
			corrupt_keyfile(pad, regel, "the key version must be a number from 1 to 255, followed by a space");
		if (versie <= r->huidige)
			corrupt_keyfile(pad, regel, "key versions must increase from line to line");
		while (*q == ' ' || *q == '\t')
			q++;
		if (regeleind - q < 2 * KEY_LENGTH || !hex_key(&q, hmac) ||
			(*q != ' ' && *q != '\t' && q != regeleind && *q != '\r'))
			corrupt_keyfile(pad, regel, "the HMAC key must be 64 hexadecimal digits, followed by a space");
		while (q < regeleind && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == regeleind)
			corrupt_keyfile(pad, regel, "the AES key is missing");
		if (regeleind - q < 2 * KEY_LENGTH || !hex_key(&q, r->aes[versie]))
			corrupt_keyfile(pad, regel, "the AES key must be 64 hexadecimal digits");
		while (q < regeleind && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q != regeleind)
			corrupt_keyfile(pad, regel, "unexpected text after the AES key");

		if (r->aantal == 0)
			memcpy(r->hmac, hmac, KEY_LENGTH);
		else if (memcmp(r->hmac, hmac, KEY_LENGTH) != 0)
			corrupt_keyfile(pad, regel, "the HMAC key differs from the one on the first key line; it must never change, or pseudonyms stored earlier would no longer be found");
		r->aanwezig[versie] = true;
		r->huidige = versie;
		r->aantal++;
		p = regeleind + 1;
	}
	explicit_bzero(r->kladblok, sizeof(r->kladblok));
	if (r->aantal == 0)
		corrupt_keyfile(pad, 0, "It holds no key line");
}

/* One key line, palloc'd. */
static char *
key_line(int versie, const unsigned char *hmac, const unsigned char *aes)
{
	static const char hex[] = "0123456789abcdef";
	char	   *regel = palloc(4 + 1 + 2 * KEY_LENGTH + 1 + 2 * KEY_LENGTH + 2);
	char	   *p = regel + sprintf(regel, "%d ", versie);

	for (int i = 0; i < KEY_LENGTH; i++)
	{
		*p++ = hex[hmac[i] >> 4];
		*p++ = hex[hmac[i] & 0x0F];
	}
	*p++ = ' ';
	for (int i = 0; i < KEY_LENGTH; i++)
	{
		*p++ = hex[aes[i] >> 4];
		*p++ = hex[aes[i] & 0x0F];
	}
	*p++ = '\n';
	*p = '\0';
	return regel;
}

/* Fill buf with cryptographically strong random bytes. */
static void
random_bytes(void *buf, size_t len)
{
	if (!pg_strong_random(buf, len))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
}

/* A fresh random nonce from the stock (see nonce_pool). */
static void
new_nonce(unsigned char *nonce)
{
	if (nonce_pid != MyProcPid || nonce_left < VWL_NONCE_LENGTH)
	{
		nonce_left = 0;
		random_bytes(nonce_pool, NONCE_POOL);
		nonce_left = NONCE_POOL;
		nonce_pid = MyProcPid;
	}
	nonce_left -= VWL_NONCE_LENGTH;
	memcpy(nonce, nonce_pool + nonce_left, VWL_NONCE_LENGTH);
}

/*
 * Write a new file with mode 0600, created exclusively, and fsync it.  The
 * caller has removed any leftover of an earlier attempt.
 */
static void
write_file(const char *pad, const char *inhoud, size_t lengte)
{
	int			fd;
	size_t		geschreven = 0;

	fd = OpenTransientFilePerm(pad, O_WRONLY | O_CREAT | O_EXCL | PG_BINARY,
							   S_IRUSR | S_IWUSR);
	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not create key file \"%s\": %m", pad)));
	while (geschreven < lengte)
	{
		ssize_t		n = write(fd, inhoud + geschreven, lengte - geschreven);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
		{
			if (n == 0)
				errno = ENOSPC;
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not write key file \"%s\": %m", pad)));
		}
		geschreven += n;
	}
	if (pg_fsync(fd) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not fsync key file \"%s\": %m", pad)));
	if (CloseTransientFile(fd) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not close key file \"%s\": %m", pad)));
}

/* The absolute form of a key file path (relative: to the data directory). */
static char *
absolute_path(const char *pad)
{
	if (is_absolute_path(pad))
		return pstrdup(pad);
	return psprintf("%s/%s", DataDir, pad);
}

/*
 * Create a key file at pad with one fresh key version; true when it was
 * created, false when it existed and mag_bestaan is set (an error
 * otherwise).  The file is written completely under a name of this
 * backend's own, then hard-linked into place: link() fails if the name
 * exists, so two backends racing cannot overwrite each other and no backend
 * ever reads a half-written file.
 */
static bool
sleutelbestand_aanmaken(const char *pad, bool mag_bestaan)
{
	unsigned char sleutels[2 * KEY_LENGTH];
	char	   *tijdelijk;
	char	   *volatile regel = NULL;	/* read after a longjmp */
	char	   *map;
	struct stat st;
	StringInfoData inhoud;
	int			fout;

	/*
	 * A standby must use the primary's keys; a fresh key would make the
	 * pseudonyms it computes find nothing.
	 */
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot create key file \"%s\" during recovery", pad),
				 errdetail("A server in recovery does not create a key file: its keys must be the primary's."),
				 errhint("Copy the key file from the primary.")));
	if (strlen(pad) >= MAXPGPATH - 20)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key file path is too long")));

	map = absolute_path(pad);
	get_parent_directory(map);
	if (stat(map, &st) < 0 || !S_ISDIR(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FILE),
				 errmsg("could not create key file \"%s\": its directory does not exist", pad),
				 errhint("Create the directory first, owned by the server's operating system user, mode 0700.")));

	tijdelijk = psprintf("%s.nieuw.%d", pad, MyProcPid);
	if (unlink(tijdelijk) < 0 && errno != ENOENT)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not remove file \"%s\": %m", tijdelijk)));

	initStringInfo(&inhoud);
	PG_TRY();
	{
		random_bytes(sleutels, sizeof(sleutels));
		regel = key_line(1, sleutels, sleutels + KEY_LENGTH);
		appendStringInfoString(&inhoud,
							   "# verwerkingenlog key file: the keys that pseudonymise and encrypt the\n"
							   "# identifiers in the log.  Back it up separately from the database, and\n"
							   "# again after every key rotation: without it the log's identifiers can\n"
							   "# neither be found nor decrypted.  Mode 0600, server user only.\n"
							   "# One line per key version: <version> <HMAC-SHA-256 key> <AES-256 key>, in hex.\n"
							   "# The HMAC key never changes; the highest version encrypts new identifiers.\n");
		appendStringInfoString(&inhoud, regel);
		write_file(tijdelijk, inhoud.data, inhoud.len);
	}
	PG_FINALLY();
	{
		explicit_bzero(sleutels, sizeof(sleutels));
		if (regel != NULL)
			explicit_bzero(regel, strlen(regel));
		explicit_bzero(inhoud.data, inhoud.maxlen);
	}
	PG_END_TRY();

	fout = link(tijdelijk, pad) < 0 ? errno : 0;
	(void) unlink(tijdelijk);
	if (fout == EEXIST && mag_bestaan)
		return false;
	if (fout == EEXIST)
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_FILE),
				 errmsg("key file \"%s\" already exists", pad),
				 errdetail("A key file is never replaced: the identifiers in the log were stored under its keys."),
				 errhint("Use verwerkingenlog._rotate_key() for a new key version.")));
	if (fout != 0)
	{
		errno = fout;
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not create key file \"%s\": %m", pad)));
	}
	fsync_fname(map, true);

	ereport(WARNING,
			(errmsg("created key file \"%s\"", pad),
			 errdetail("The file is %s.  It holds the keys that pseudonymise and encrypt the log's object identifiers; it is not in the database and not in any pg_dump output.", absolute_path(pad)),
			 errhint("Back up this file now, separately from the database, and again after every key rotation.  Without it the log's identifiers can neither be found nor decrypted.")));
	return true;
}

/* Report a failed OpenSSL call. */
static void
openssl_error(const char *wat)
{
	unsigned long e = ERR_get_error();
	const char *reden = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	ereport(ERROR,
			(errcode(ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION),
			 errmsg("%s", wat),
			 reden ? errdetail("OpenSSL: %s.", reden) : 0));
}

/* Big-endian 32-bit length prefix. */
static inline void
length_prefix(size_t n, unsigned char *uit)
{
	uit[0] = (unsigned char) (n >> 24);
	uit[1] = (unsigned char) (n >> 16);
	uit[2] = (unsigned char) (n >> 8);
	uit[3] = (unsigned char) n;
}

/*
 * HMAC-SHA-256 under the (never rotating) HMAC key over
 * len(soort) || soort || len(id) || id, lengths as 4 bytes big-endian, so
 * that no two different pairs encode alike ("AB","C" versus "A","BC").
 */
void
vwl_pseudoniem_compute(const char *soort, size_t soortlen,
					   const char *id, size_t idlen, unsigned char *out)
{
	unsigned char prefix[4];
	size_t		outlen = 0;

	keys_load(false);

	if (hmac_ctx == NULL)
	{
		EVP_MAC    *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);

		if (mac == NULL)
			openssl_error("could not load HMAC");
		hmac_ctx = EVP_MAC_CTX_new(mac);
		EVP_MAC_free(mac);		/* the context keeps its own reference */
		if (hmac_ctx == NULL)
			openssl_error("could not create HMAC context");
		hmac_keyed = false;
	}
	if (!hmac_keyed)
	{
		OSSL_PARAM	params[2];

		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
													 "SHA256", 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_MAC_init(hmac_ctx, ring.hmac, KEY_LENGTH, params))
			openssl_error("could not compute pseudonym");
		hmac_keyed = true;
	}
	else if (!EVP_MAC_init(hmac_ctx, NULL, 0, NULL))
		openssl_error("could not compute pseudonym");

	length_prefix(soortlen, prefix);
	if (!EVP_MAC_update(hmac_ctx, prefix, 4) ||
		!EVP_MAC_update(hmac_ctx, (const unsigned char *) soort, soortlen))
		openssl_error("could not compute pseudonym");
	length_prefix(idlen, prefix);
	if (!EVP_MAC_update(hmac_ctx, prefix, 4) ||
		!EVP_MAC_update(hmac_ctx, (const unsigned char *) id, idlen) ||
		!EVP_MAC_final(hmac_ctx, out, &outlen, VWL_PSEUDONIEM_LENGTH) ||
		outlen != VWL_PSEUDONIEM_LENGTH)
		openssl_error("could not compute pseudonym");
}

/* Make the AES-256-GCM cipher and a context, once per backend. */
static EVP_CIPHER_CTX *
gcm_context(EVP_CIPHER_CTX **ctx)
{
	if (aes_gcm == NULL)
	{
		aes_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
		if (aes_gcm == NULL)
			openssl_error("could not load AES-256-GCM");
	}
	if (*ctx == NULL)
	{
		*ctx = EVP_CIPHER_CTX_new();
		if (*ctx == NULL)
			openssl_error("could not create cipher context");
	}
	return *ctx;
}

/*
 * The check value of a key: HMAC-SHA-256 under the key of a fixed label
 * (version 0: the HMAC key).  It shows whether a key file holds the same
 * key and reveals nothing about the key.
 */
static void
check_value(const unsigned char *sleutel, int versie, unsigned char *uit)
{
	char		label[64];
	size_t		uitlen = 0;

	if (versie == 0)
		strlcpy(label, "verwerkingenlog sleutelcontrole hmac", sizeof(label));
	else
		snprintf(label, sizeof(label), "verwerkingenlog sleutelcontrole aes %d",
				 versie);
	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, sleutel, KEY_LENGTH,
				  (const unsigned char *) label, strlen(label),
				  uit, VWL_PSEUDONIEM_LENGTH, &uitlen) == NULL ||
		uitlen != VWL_PSEUDONIEM_LENGTH)
		openssl_error("could not compute a key check value");
}

/* The error for a key file whose key does not match the database's. */
static void
key_mismatch(int versie)
{
	char	   *pad = pstrdup(ring.pad);

	ring_clear();
	ereport(ERROR,
			(errcode(ERRCODE_VWL_KEYFILE),
			 errmsg("key file \"%s\" does not belong to this database", pad),
			 versie == 0 ?
			 errdetail("Its HMAC key does not match the check value that database \"%s\" recorded when it first stored identifiers.",
					   get_database_name(MyDatabaseId)) :
			 errdetail("Its AES key of version %d does not match the check value that database \"%s\" recorded when it first stored identifiers under that version.",
					   versie, get_database_name(MyDatabaseId)),
			 errhint("Restore the key file that this database's log was written with (from the key file's backup), or point verwerkingenlog.sleutelbestand at it.  With another key, lookups would find nothing and new identifiers would be stored under two keys.")));
}

/*
 * Compare the keys of the cache with the check values the database recorded
 * (verwerkingenlog.sleutelcontrole); VL001 on a mismatch.  A key version the
 * database has no check value for is not refused: the database has stored
 * nothing under it.  With registreren (the log is about to store
 * identifiers) the HMAC key and the current version are recorded when they
 * are not yet; a concurrent recording with another key file is caught by
 * reading the row back.  The query runs as the bootstrap superuser: the
 * caller need not be able to read the table.
 */
static void
keys_check(bool registreren)
{
	bool		bekend[VWL_MAX_KEY_VERSION + 1];
	unsigned char verwacht[VWL_PSEUDONIEM_LENGTH];
	Oid			gebruiker;
	int			context;
	int			nodig[2];

	memset(bekend, 0, sizeof(bekend));
	GetUserIdAndSecContext(&gebruiker, &context);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT versie, controle FROM verwerkingenlog.sleutelcontrole",
					!registreren, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read verwerkingenlog.sleutelcontrole");
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int			versie;
		bytea	   *controle;

		versie = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[r],
											 SPI_tuptable->tupdesc, 1, &isnull));
		if (isnull || versie < 0 || versie > VWL_MAX_KEY_VERSION)
			continue;
		controle = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[r],
												 SPI_tuptable->tupdesc, 2, &isnull));
		bekend[versie] = true;
		if (versie > 0 && !ring.aanwezig[versie])
			continue;			/* removed from the file: see ontsleutel */
		check_value(versie == 0 ? ring.hmac : ring.aes[versie], versie,
					   verwacht);
		if (isnull || VARSIZE_ANY_EXHDR(controle) != VWL_PSEUDONIEM_LENGTH ||
			memcmp(VARDATA_ANY(controle), verwacht, VWL_PSEUDONIEM_LENGTH) != 0)
			key_mismatch(versie);
	}

	nodig[0] = 0;
	nodig[1] = ring.huidige;
	ring.db_compleet = bekend[0] && bekend[ring.huidige];
	if (!ring.db_compleet && registreren)
	{
		Oid			types[2] = {INT4OID, BYTEAOID};

		for (int i = 0; i < 2; i++)
		{
			int			versie = nodig[i];
			bytea	   *waarde;
			Datum		args[2];

			if (bekend[versie])
				continue;
			check_value(versie == 0 ? ring.hmac : ring.aes[versie], versie,
						   verwacht);
			waarde = palloc(VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
			SET_VARSIZE(waarde, VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
			memcpy(VARDATA(waarde), verwacht, VWL_PSEUDONIEM_LENGTH);
			args[0] = Int32GetDatum(versie);
			args[1] = PointerGetDatum(waarde);
			if (SPI_execute_with_args("INSERT INTO verwerkingenlog.sleutelcontrole (versie, controle)"
									  " VALUES ($1, $2) ON CONFLICT (versie) DO NOTHING",
									  2, types, args, NULL, false, 0) != SPI_OK_INSERT)
				elog(ERROR, "could not record a key check value");
			if (SPI_execute_with_args("SELECT controle OPERATOR(pg_catalog.=) $2"
									  "  FROM verwerkingenlog.sleutelcontrole"
									  " WHERE versie OPERATOR(pg_catalog.=) $1",
									  2, types, args, NULL, false, 0) != SPI_OK_SELECT ||
				SPI_processed != 1)
				elog(ERROR, "could not read back a key check value");
			{
				bool		isnull;

				if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
												SPI_tuptable->tupdesc, 1, &isnull)))
					key_mismatch(versie);
			}
		}
		/* Complete once a later transaction sees the rows committed. */
	}
	SPI_finish();
	SetUserIdAndSecContext(gebruiker, context);
	ring.db_in_transactie = true;
}

/* Feed the additional authenticated data of a ciphertext to ctx. */
static void
add_aad(EVP_CIPHER_CTX *ctx, const unsigned char *versie,
			  const Binding *b, bool versleutelen)
{
	unsigned char prefix[4];
	int			n;
	int			(*bijwerken) (EVP_CIPHER_CTX *, unsigned char *, int *,
							  const unsigned char *, int);
	const char *fout = versleutelen ? "could not encrypt identifier" :
		"could not decrypt identifier";

	bijwerken = versleutelen ? EVP_EncryptUpdate : EVP_DecryptUpdate;
	if (!bijwerken(ctx, NULL, &n, versie, 1))
		openssl_error(fout);
	if (b == NULL)
		return;
	length_prefix(b->soortlen, prefix);
	if (!bijwerken(ctx, NULL, &n, prefix, 4) ||
		(b->soortlen > 0 &&
		 !bijwerken(ctx, NULL, &n, (const unsigned char *) b->soort, (int) b->soortlen)))
		openssl_error(fout);
	length_prefix(b->plaatslen, prefix);
	if (!bijwerken(ctx, NULL, &n, prefix, 4) ||
		(b->plaatslen > 0 &&
		 !bijwerken(ctx, NULL, &n, b->plaats, (int) b->plaatslen)))
		openssl_error(fout);
}

/*
 * Encrypt len bytes under the current key version: version || nonce ||
 * ciphertext || tag.  The version byte and the binding b (NULL: none) are
 * authenticated as AAD.
 */
static bytea *
encrypt(const char *data, size_t len, const Binding *b)
{
	EVP_CIPHER_CTX *ctx;
	bytea	   *res;
	unsigned char *p;
	int			versie;
	int			n;

	keys_load(false);
	versie = ring.huidige;
	ctx = gcm_context(&encrypt_ctx);

	if (len > MaxAllocSize - VARHDRSZ - VWL_ENCRYPTED_EXTRA)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("identifier is too long to encrypt")));
	res = palloc(VARHDRSZ + VWL_ENCRYPTED_EXTRA + len);
	SET_VARSIZE(res, VARHDRSZ + VWL_ENCRYPTED_EXTRA + len);
	p = (unsigned char *) VARDATA(res);
	p[0] = (unsigned char) versie;
	new_nonce(p + 1);

	/* Set the key only when it changed; otherwise just the new nonce. */
	if (encrypt_version != versie)
	{
		encrypt_version = 0;
		if (!EVP_EncryptInit_ex2(ctx, aes_gcm, ring.aes[versie], p + 1, NULL))
			openssl_error("could not encrypt identifier");
		encrypt_version = versie;
	}
	else if (!EVP_EncryptInit_ex2(ctx, NULL, NULL, p + 1, NULL))
		openssl_error("could not encrypt identifier");

	add_aad(ctx, p, b, true);
	if (len > 0 &&
		(!EVP_EncryptUpdate(ctx, p + 1 + VWL_NONCE_LENGTH, &n,
							(const unsigned char *) data, (int) len) ||
		 (size_t) n != len))
		openssl_error("could not encrypt identifier");
	if (!EVP_EncryptFinal_ex(ctx, p + 1 + VWL_NONCE_LENGTH + len, &n) ||
		n != 0 ||
		!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, VWL_TAG_LENGTH,
							 p + 1 + VWL_NONCE_LENGTH + len))
		openssl_error("could not encrypt identifier");
	return res;
}

/*
 * Decrypt a ciphertext made by versleutel with binding b and verify its tag.
 * Returns the plain bytes, palloc'd with VARHDRSZ free space in front (so
 * the caller can make a text of it in place), and their number in *lengte.
 */
static char *
decrypt(bytea *invoer, size_t *lengte, const Binding *b)
{
	const unsigned char *p = (const unsigned char *) VARDATA_ANY(invoer);
	size_t		totaal = VARSIZE_ANY_EXHDR(invoer);
	size_t		len;
	EVP_CIPHER_CTX *ctx;
	char	   *uit;
	int			versie;
	int			n;
	bool		goed;

	if (totaal < VWL_ENCRYPTED_EXTRA)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("encrypted identifier is corrupt"),
				 errdetail("It has %zu bytes; an encrypted identifier has at least %d.",
						   totaal, VWL_ENCRYPTED_EXTRA)));
	len = totaal - VWL_ENCRYPTED_EXTRA;
	versie = p[0];
	if (versie == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("encrypted identifier is corrupt"),
				 errdetail("It names key version 0, which is never used.")));

	keys_load(false);
	if (!ring.aanwezig[versie])
	{
		/* Perhaps another backend rotated within this statement. */
		keys_load(true);
		if (!ring.aanwezig[versie])
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("key version %d is not in key file \"%s\"",
							versie, ring.pad),
					 errdetail("The key file holds %d version(s), the highest being %d.",
							   ring.aantal, ring.huidige),
					 errhint("Restore the key file from the backup made after the rotation that created version %d.",
							 versie)));
	}
	ctx = gcm_context(&decrypt_ctx);

	if (decrypt_version != versie)
	{
		decrypt_version = 0;
		if (!EVP_DecryptInit_ex2(ctx, aes_gcm, ring.aes[versie], p + 1, NULL))
			openssl_error("could not decrypt identifier");
		decrypt_version = versie;
	}
	else if (!EVP_DecryptInit_ex2(ctx, NULL, NULL, p + 1, NULL))
		openssl_error("could not decrypt identifier");

	add_aad(ctx, p, b, false);
	uit = palloc(VARHDRSZ + len + 1);
	if ((len > 0 &&
		 (!EVP_DecryptUpdate(ctx, (unsigned char *) uit + VARHDRSZ, &n,
							 p + 1 + VWL_NONCE_LENGTH, (int) len) ||
		  (size_t) n != len)) ||
		!EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, VWL_TAG_LENGTH,
							 (void *) (p + 1 + VWL_NONCE_LENGTH + len)))
	{
		explicit_bzero(uit, VARHDRSZ + len + 1);
		openssl_error("could not decrypt identifier");
	}
	goed = EVP_DecryptFinal_ex(ctx, (unsigned char *) uit + VARHDRSZ + len, &n) > 0;
	if (!goed)
	{
		/* Never hand out or keep bytes that failed authentication. */
		explicit_bzero(uit, VARHDRSZ + len + 1);
		ERR_clear_error();
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("encrypted identifier is corrupt"),
				 errdetail("Its authentication tag does not match: it was altered, it was moved from another row, or it was not encrypted with key version %d of key file \"%s\".",
						   versie, ring.pad)));
	}
	*lengte = len;
	return uit;
}

/* The binding of a stored objectId: its soortObjectId and its pseudonym. */
static void
binding_object(Binding *b, text *soort, bytea *pseudoniem)
{
	b->soort = VARDATA_ANY(soort);
	b->soortlen = VARSIZE_ANY_EXHDR(soort);
	b->plaats = (const unsigned char *) VARDATA_ANY(pseudoniem);
	b->plaatslen = VARSIZE_ANY_EXHDR(pseudoniem);
}

/*
 * The binding of a stored afnemerId: its soortAfnemerId (NULL: empty) and
 * the marker AFNEMER_MERK followed by the actieId, in plaats (which must
 * have AFNEMER_SLOT_LENGTH bytes).
 */
static void
binding_afnemer(Binding *b, const char *soort, size_t soortlen,
				const pg_uuid_t *actie, unsigned char *plaats)
{
	memcpy(plaats, AFNEMER_MERK, AFNEMER_MARK_LENGTH);
	memcpy(plaats + AFNEMER_MARK_LENGTH, actie->data, UUID_LEN);
	b->soort = soort ? soort : "";
	b->soortlen = soort ? soortlen : 0;
	b->plaats = plaats;
	b->plaatslen = AFNEMER_SLOT_LENGTH;
}

/* The database records check values before the log stores identifiers. */
static void
keys_for_storage(void)
{
	keys_load(false);
	if (!ring.db_compleet)
		keys_check(true);
}

/*
 * For the writer: an objectId encrypted under the current key version,
 * bound to its soortObjectId and its pseudonym (VWL_PSEUDONIEM_LENGTH
 * bytes); palloc'd.  Records the keys' check values first if needed.
 */
bytea *
vwl_encrypt_object(const char *id, size_t len, const char *soort,
					  size_t soortlen, const unsigned char *pseudoniem)
{
	Binding		b;

	keys_for_storage();
	b.soort = soort;
	b.soortlen = soortlen;
	b.plaats = pseudoniem;
	b.plaatslen = VWL_PSEUDONIEM_LENGTH;
	return encrypt(id, len, &b);
}

/*
 * For the writer: an afnemerId encrypted under the current key version,
 * bound to its soortAfnemerId (NULL: none) and its action; palloc'd.
 */
bytea *
vwl_encrypt_afnemer(const char *id, size_t len, const char *soort,
					   size_t soortlen, const pg_uuid_t *actie)
{
	Binding		b;
	unsigned char plaats[AFNEMER_SLOT_LENGTH];

	keys_for_storage();
	binding_afnemer(&b, soort, soortlen, actie, plaats);
	return encrypt(id, len, &b);
}

/* A text column of a row by name, or NULL. */
static text *
row_text(TupleDesc desc, HeapTuple tuple, const char *kolom)
{
	int			attnum = SPI_fnumber(desc, kolom);
	bool		isnull;
	Datum		d;

	if (attnum <= 0)
		elog(ERROR, "column \"%s\" is missing", kolom);
	d = heap_getattr(tuple, attnum, desc, &isnull);
	return isnull ? NULL : DatumGetTextPP(d);
}

/*
 * The binding of ciphertext column kolom of a row of verwerkt_object
 * (object_versleuteld) or verwerkingsactie_versie (afnemer_versleuteld),
 * read from the row itself.  plaats must have AFNEMER_SLOT_LENGTH bytes.
 */
static void
binding_from_row(TupleDesc desc, HeapTuple tuple, const char *kolom,
				Binding *b, unsigned char *plaats)
{
	if (strcmp(kolom, "object_versleuteld") == 0)
	{
		text	   *soort = row_text(desc, tuple, "soort_object_id");
		bytea	   *pseudoniem = (bytea *) row_text(desc, tuple, "object_pseudoniem");

		if (soort == NULL || pseudoniem == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("verwerkt object has no soort_object_id or object_pseudoniem")));
		binding_object(b, soort, pseudoniem);
	}
	else if (strcmp(kolom, "afnemer_versleuteld") == 0)
	{
		text	   *soort = row_text(desc, tuple, "soort_afnemer_id");
		int			attnum = SPI_fnumber(desc, "actie_id");
		bool		isnull;
		Datum		actie;

		if (attnum <= 0)
			elog(ERROR, "column \"actie_id\" is missing");
		actie = heap_getattr(tuple, attnum, desc, &isnull);
		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("verwerkingsactie version has no actie_id")));
		binding_afnemer(b, soort ? VARDATA_ANY(soort) : NULL,
						soort ? VARSIZE_ANY_EXHDR(soort) : 0,
						DatumGetUUIDP(actie), plaats);
	}
	else
		elog(ERROR, "column \"%s\" holds no ciphertext", kolom);
}

/*
 * For C callers (the re-encryption check of append_only.c): the plain
 * bytes of ciphertext column attnum of a row, as a palloc'd bytea, after
 * verifying its tag with the binding the row itself gives.  The caller
 * should wipe and free it.
 */
bytea *
vwl_decrypt_column(TupleDesc desc, HeapTuple tuple, int attnum)
{
	Binding		b;
	unsigned char plaats[AFNEMER_SLOT_LENGTH];
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, desc, &isnull);
	size_t		len;
	char	   *uit;

	if (isnull)
		elog(ERROR, "ciphertext column %d is null", attnum);
	binding_from_row(desc, tuple, NameStr(TupleDescAttr(desc, attnum - 1)->attname),
					&b, plaats);
	uit = decrypt(DatumGetByteaPP(d), &len, &b);
	SET_VARSIZE(uit, VARHDRSZ + len);
	return (bytea *) uit;
}

/*
 * For C callers (the inzage's documents, document.c): the objectId of a
 * verwerkt object from its columns -- ciphertext, soortObjectId and
 * pseudonym -- verified as _decrypt_object verifies it; a palloc'd text.
 */
text *
vwl_decrypt_object_id(bytea *versleuteld, text *soort, bytea *pseudoniem)
{
	Binding		b;
	size_t		len;
	char	   *uit;

	if (soort == NULL || pseudoniem == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("verwerkt object has no soort_object_id or object_pseudoniem")));
	binding_object(&b, soort, pseudoniem);
	uit = decrypt(versleuteld, &len, &b);
	return as_text(uit, len);
}

/*
 * For C callers (the list's documents, document.c): the afnemerId of a
 * version from its columns -- ciphertext, soortAfnemerId (NULL: none) and
 * actieId -- verified as _decrypt_afnemer verifies it; a palloc'd text.
 */
text *
vwl_decrypt_afnemer_id(bytea *versleuteld, text *soort, const pg_uuid_t *actie)
{
	Binding		b;
	unsigned char plaats[AFNEMER_SLOT_LENGTH];
	size_t		len;
	char	   *uit;

	if (actie == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("verwerkingsactie version has no actie_id")));
	binding_afnemer(&b, soort ? VARDATA_ANY(soort) : NULL,
					soort ? VARSIZE_ANY_EXHDR(soort) : 0, actie, plaats);
	uit = decrypt(versleuteld, &len, &b);
	return as_text(uit, len);
}

/* For C callers: the current key version, the one that encrypts. */
int
vwl_current_key_version(void)
{
	keys_load(false);
	return ring.huidige;
}

PG_FUNCTION_INFO_V1(vwl_pseudoniem);

/*
 * verwerkingenlog._pseudoniem(soort text, id text) RETURNS bytea: the
 * 32-byte pseudonym of an identifier of the given kind.
 */
Datum
vwl_pseudoniem(PG_FUNCTION_ARGS)
{
	text	   *soort = PG_GETARG_TEXT_PP(0);
	text	   *id = PG_GETARG_TEXT_PP(1);
	bytea	   *res = palloc(VARHDRSZ + VWL_PSEUDONIEM_LENGTH);

	vwl_pseudoniem_compute(VARDATA_ANY(soort), VARSIZE_ANY_EXHDR(soort),
						   VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id),
						   (unsigned char *) VARDATA(res));
	SET_VARSIZE(res, VARHDRSZ + VWL_PSEUDONIEM_LENGTH);
	PG_RETURN_BYTEA_P(res);
}

/* The optional binding arguments (soort text, plaats bytea) at argno. */
static const Binding *
binding_argumenten(FunctionCallInfo fcinfo, int argno, Binding *b)
{
	text	   *soort;
	bytea	   *plaats;

	if (PG_NARGS() <= argno)
		return NULL;
	soort = PG_GETARG_TEXT_PP(argno);
	plaats = PG_GETARG_BYTEA_PP(argno + 1);
	binding_object(b, soort, plaats);
	return b;
}

PG_FUNCTION_INFO_V1(vwl_encrypt);

/*
 * verwerkingenlog._encrypt(id text [, soort text, plaats bytea]) RETURNS
 * bytea: the identifier encrypted under the current key version, bound to
 * (soort, plaats) when they are given.
 */
Datum
vwl_encrypt(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	Binding		b;

	PG_RETURN_BYTEA_P(encrypt(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id),
								 binding_argumenten(fcinfo, 1, &b)));
}

/*
 * A decrypted identifier as text, checked against the database encoding
 * (authentic, so it was valid text when encrypted; another database
 * encoding could still refuse it), without quoting the bytes.
 */
static text *
as_text(char *uit, size_t len)
{
	if (!pg_verify_mbstr(GetDatabaseEncoding(), uit + VARHDRSZ, (int) len, true))
	{
		explicit_bzero(uit, VARHDRSZ + len);
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("decrypted identifier is not valid in the database encoding \"%s\"",
						GetDatabaseEncodingName())));
	}
	SET_VARSIZE(uit, VARHDRSZ + len);
	return (text *) uit;
}

PG_FUNCTION_INFO_V1(vwl_decrypt);

/*
 * verwerkingenlog._decrypt(bytea [, soort text, plaats bytea]) RETURNS
 * text: the identifier back, after verifying the authentication tag (with
 * the binding, when given).
 */
Datum
vwl_decrypt(PG_FUNCTION_ARGS)
{
	bytea	   *invoer = PG_GETARG_BYTEA_PP(0);
	Binding		b;
	size_t		len;
	char	   *uit = decrypt(invoer, &len, binding_argumenten(fcinfo, 1, &b));

	PG_RETURN_TEXT_P(as_text(uit, len));
}

/*
 * The ciphertext column kolom of the row argument 0 (a verwerkt_object or a
 * verwerkingsactie_versie), decrypted with the binding the row gives; NULL
 * when the column is NULL.
 */
static char *
row_decrypt(FunctionCallInfo fcinfo, const char *kolom, size_t *len)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	Oid			type = HeapTupleHeaderGetTypeId(th);
	int32		typmod = HeapTupleHeaderGetTypMod(th);
	TupleDesc	desc = lookup_rowtype_tupdesc(type, typmod);
	HeapTupleData tuple;
	Binding		b;
	unsigned char plaats[AFNEMER_SLOT_LENGTH];
	int			attnum;
	bool		isnull;
	Datum		d;
	char	   *uit = NULL;

	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;

	attnum = SPI_fnumber(desc, kolom);
	if (attnum <= 0)
		elog(ERROR, "column \"%s\" is missing", kolom);
	d = heap_getattr(&tuple, attnum, desc, &isnull);
	if (!isnull)
	{
		binding_from_row(desc, &tuple, kolom, &b, plaats);
		uit = decrypt(DatumGetByteaPP(d), len, &b);
	}
	ReleaseTupleDesc(desc);
	return uit;
}

PG_FUNCTION_INFO_V1(vwl_decrypt_object);

/*
 * verwerkingenlog._decrypt_object(o verwerkt_object) RETURNS text: the
 * objectId of a stored object, verified against its place in the log.
 */
Datum
vwl_decrypt_object(PG_FUNCTION_ARGS)
{
	size_t		len;
	char	   *uit = row_decrypt(fcinfo, "object_versleuteld", &len);

	if (uit == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(as_text(uit, len));
}

PG_FUNCTION_INFO_V1(vwl_decrypt_afnemer);

/*
 * verwerkingenlog._decrypt_afnemer(v verwerkingsactie_versie) RETURNS
 * text: the encrypted afnemerId of a version (NULL when it has none).
 */
Datum
vwl_decrypt_afnemer(PG_FUNCTION_ARGS)
{
	size_t		len;
	char	   *uit = row_decrypt(fcinfo, "afnemer_versleuteld", &len);

	if (uit == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(as_text(uit, len));
}

/*
 * The ciphertext column kolom of row argument 0 decrypted and encrypted
 * again under the current key version (new nonce, same binding); NULL when
 * the column is NULL.
 */
static Datum
row_reencrypt(FunctionCallInfo fcinfo, const char *kolom)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	TupleDesc	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(th),
											  HeapTupleHeaderGetTypMod(th));
	HeapTupleData tuple;
	Binding		b;
	unsigned char plaats[AFNEMER_SLOT_LENGTH];
	int			attnum;
	bool		isnull;
	Datum		d;
	size_t		len;
	char	   *plat;
	bytea	   *res;

	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;

	attnum = SPI_fnumber(desc, kolom);
	if (attnum <= 0)
		elog(ERROR, "column \"%s\" is missing", kolom);
	d = heap_getattr(&tuple, attnum, desc, &isnull);
	if (isnull)
	{
		ReleaseTupleDesc(desc);
		fcinfo->isnull = true;
		return (Datum) 0;
	}
	binding_from_row(desc, &tuple, kolom, &b, plaats);
	keys_for_storage();
	plat = decrypt(DatumGetByteaPP(d), &len, &b);
	PG_TRY();
	{
		res = encrypt(plat + VARHDRSZ, len, &b);
	}
	PG_FINALLY();
	{
		explicit_bzero(plat, VARHDRSZ + len);
	}
	PG_END_TRY();
	pfree(plat);
	ReleaseTupleDesc(desc);
	return PointerGetDatum(res);
}

PG_FUNCTION_INFO_V1(vwl_reencrypt_object);

/*
 * verwerkingenlog._reencrypt_object(o verwerkt_object) RETURNS bytea:
 * its objectId encrypted again under the current key version.
 */
Datum
vwl_reencrypt_object(PG_FUNCTION_ARGS)
{
	return row_reencrypt(fcinfo, "object_versleuteld");
}

PG_FUNCTION_INFO_V1(vwl_reencrypt_afnemer);

/*
 * verwerkingenlog._reencrypt_afnemer(v verwerkingsactie_versie) RETURNS
 * bytea: its afnemerId encrypted again under the current key version.
 */
Datum
vwl_reencrypt_afnemer(PG_FUNCTION_ARGS)
{
	return row_reencrypt(fcinfo, "afnemer_versleuteld");
}

PG_FUNCTION_INFO_V1(vwl_reencrypt);

/*
 * verwerkingenlog._reencrypt(bytea [, soort text, plaats bytea]) RETURNS
 * bytea: decrypt and encrypt again under the current key version (and a new
 * nonce), with the same binding.
 */
Datum
vwl_reencrypt(PG_FUNCTION_ARGS)
{
	bytea	   *invoer = PG_GETARG_BYTEA_PP(0);
	Binding		opslag;
	const Binding *b = binding_argumenten(fcinfo, 1, &opslag);
	size_t		len;
	char	   *plat = decrypt(invoer, &len, b);
	bytea	   *res;

	PG_TRY();
	{
		res = encrypt(plat + VARHDRSZ, len, b);
	}
	PG_FINALLY();
	{
		explicit_bzero(plat, VARHDRSZ + len);
	}
	PG_END_TRY();
	pfree(plat);
	PG_RETURN_BYTEA_P(res);
}

PG_FUNCTION_INFO_V1(vwl_rotate_key);

/*
 * verwerkingenlog._rotate_key() RETURNS integer: append a key version
 * with a new AES key (the HMAC key carried over) and return its number.
 *
 * The new file is written in full next to the old one (mode 0600, fsync)
 * and renamed over it, so readers see the old file or the new one, never a
 * mix.  Rotations are serialised with flock() on the key file; a waiter that
 * finds the file renamed away under it locks the new one and starts over,
 * so no version number is handed out twice.  The change is not
 * transactional: a rollback of the calling transaction leaves the new
 * version in place, which is harmless (an unused key; the database records
 * its check value when it first stores an identifier under it).
 */
Datum
vwl_rotate_key(PG_FUNCTION_ARGS)
{
	char	   *pad;
	char	   *tijdelijk;
	char	   *inhoud;
	char	   *volatile regel = NULL;	/* read after a longjmp */
	size_t		lengte = 0;
	struct stat st;
	struct stat st_pad;
	KeyRing *oud;
	StringInfoData nieuw;
	unsigned char aes[KEY_LENGTH];
	volatile int versie = 0;
	int			fd;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot rotate keys during recovery"),
				 errhint("Rotate on the primary and copy its key file to the standbys.")));

	/* Validates the file, and that it is this database's. */
	keys_load(true);
	pad = pstrdup(ring.pad);

	for (;;)
	{
		fd = OpenTransientFile(pad, O_RDONLY | PG_BINARY);
		if (fd < 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not open key file \"%s\": %m", pad)));
		while (flock(fd, LOCK_EX | LOCK_NB) < 0)
		{
			if (errno != EWOULDBLOCK && errno != EINTR)
				ereport(ERROR,
						(errcode_for_file_access(),
						 errmsg("could not lock key file \"%s\": %m", pad)));
			/* An error here closes fd, and with it the lock, at abort. */
			CHECK_FOR_INTERRUPTS();
			pg_usleep(10000L);
		}
		if (fstat(fd, &st) < 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not stat key file \"%s\": %m", pad)));
		if (stat(pad, &st_pad) == 0 &&
			st.st_dev == st_pad.st_dev && st.st_ino == st_pad.st_ino)
			break;
		CloseTransientFile(fd);	/* replaced while we waited: again */
	}

	inhoud = palloc0(MAX_FILE_SIZE + 2);
	oud = palloc0(sizeof(KeyRing));
	initStringInfo(&nieuw);
	PG_TRY();
	{
		keyfile_read(fd, pad, &st, inhoud, &lengte);
		keys_parse(pad, inhoud, lengte, oud);

		versie = oud->huidige + 1;
		if (versie > VWL_MAX_KEY_VERSION)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("key file \"%s\" has no key versions left", pad),
					 errdetail("Key versions run up to %d.", VWL_MAX_KEY_VERSION)));

		random_bytes(aes, sizeof(aes));
		regel = key_line(versie, oud->hmac, aes);

		appendBinaryStringInfo(&nieuw, inhoud, lengte);
		if (lengte > 0 && inhoud[lengte - 1] != '\n')
			appendStringInfoChar(&nieuw, '\n');
		appendStringInfoString(&nieuw, regel);

		tijdelijk = psprintf("%s.nieuw", pad);
		if (unlink(tijdelijk) < 0 && errno != ENOENT)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not remove file \"%s\": %m", tijdelijk)));
		write_file(tijdelijk, nieuw.data, nieuw.len);
		durable_rename(tijdelijk, pad, ERROR);
	}
	PG_FINALLY();
	{
		explicit_bzero(aes, sizeof(aes));
		explicit_bzero(oud, sizeof(KeyRing));
		explicit_bzero(inhoud, MAX_FILE_SIZE + 2);
		explicit_bzero(nieuw.data, nieuw.maxlen);
		if (regel != NULL)
			explicit_bzero(regel, strlen(regel));
	}
	PG_END_TRY();
	pfree(oud);
	pfree(inhoud);

	CloseTransientFile(fd);		/* releases the lock */
	ring_clear();
	PG_RETURN_INT32(versie);
}

PG_FUNCTION_INFO_V1(vwl_sleutelbestand_aanmaken);

/*
 * verwerkingenlog.sleutelbestand_aanmaken(bestand text DEFAULT NULL) RETURNS
 * text: create a key file with fresh keys at bestand (NULL: the file the
 * setting verwerkingenlog.sleutelbestand names, or the default) and return
 * its absolute path.  Superuser only; refused when the file exists.  The
 * directory must exist.  The only way, besides CREATE EXTENSION, that a key
 * file comes to be.
 */
Datum
vwl_sleutelbestand_aanmaken(PG_FUNCTION_ARGS)
{
	const char *pad;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only a superuser may create a key file")));
	/* The path may have just been set with instellen(). */
	vwl_settings_check();
	if (PG_ARGISNULL(0))
		pad = key_path();
	else
		pad = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (pad[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("key file path must not be empty")));
	(void) sleutelbestand_aanmaken(pad, false);
	ring_clear();
	PG_RETURN_TEXT_P(cstring_to_text(absolute_path(pad)));
}

PG_FUNCTION_INFO_V1(vwl_install_keyfile);

/*
 * verwerkingenlog._install_keyfile() RETURNS boolean: for CREATE
 * EXTENSION, create the key file the setting names (or the default) when it
 * does not exist yet; true when it did so.
 */
Datum
vwl_install_keyfile(PG_FUNCTION_ARGS)
{
	const char *pad;
	struct stat st;

	vwl_settings_check();
	pad = key_path();

	if (stat(pad, &st) == 0)
		PG_RETURN_BOOL(false);
	if (errno != ENOENT)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat key file \"%s\": %m", pad)));
	PG_RETURN_BOOL(sleutelbestand_aanmaken(pad, true));
}

PG_FUNCTION_INFO_V1(vwl_sleutel_info);

/*
 * verwerkingenlog.sleutel_info() RETURNS TABLE(bestand text, versies
 * integer, huidige_versie integer): where the key file is and what it holds,
 * never the keys.
 */
Datum
vwl_sleutel_info(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	InitMaterializedSRF(fcinfo, 0);
	keys_load(false);

	values[0] = CStringGetTextDatum(absolute_path(ring.pad));
	values[1] = Int32GetDatum(ring.aantal);
	values[2] = Int32GetDatum(ring.huidige);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	return (Datum) 0;
}
