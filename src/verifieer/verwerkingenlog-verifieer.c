/*
 * verwerkingenlog-verifieer.c
 *		The offline verifier of the log's Merkle tree.  Standalone: C and
 *		OpenSSL's libcrypto, no PostgreSQL.
 *
 *	verwerkingenlog-verifieer --sleutel PUBLIC_KEY_FILE EXPORT_FILE [CHECKPOINT_FILE ...]
 *
 * PUBLIC_KEY_FILE holds the output of verwerkingenlog.publieke_sleutel()
 * (a signed-note verifier key); EXPORT_FILE the output of
 *
 *	COPY (SELECT * FROM verwerkingenlog.verificatie_export()) TO STDOUT
 *
 * ("-" for standard input); every CHECKPOINT_FILE one checkpoint (the text
 * of verwerkingenlog.controlepunt()) kept outside the database, by a
 * witness.  The program recomputes every leaf from its row, the tree from
 * the leaves, checks every checkpoint's signature and that the tree has
 * that checkpoint's root at its size, and exits 0 with a one-line summary,
 * or 1 naming the first row that was changed, removed, inserted or
 * reordered (table, record id, tree index), or 2 when it cannot run.
 * The export format and the canonical encoding are described in the
 * README ("Tamper evidence").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../hex.h"

#define HASH_LEN	32
#define VINGER_LEN	4			/* a present leaf's hash in a 1.2 export */
#define GEEN		UINT64_C(0xFFFFFFFFFFFFFFFF)

/* What the export says about a leaf. */
typedef struct Leaf
{
	unsigned char hash[HASH_LEN];	/* the leaf hash the tree uses */
	char		status;			/* a(anwezig), s: vervangen (superseded), d:
								 * vernietigd (destroyed), o(ntbreekt) */
	uint64_t	vorige;			/* from the encoding (present rows), else GEEN */
	int64_t		verwijzing;		/* superseding leaf or purge run, -1 none */
	int			tabel;			/* index into tables */
	char	   *sleutel;
} Leaf;

/* A checkpoint from the export or from a witness. */
typedef struct Controlepunt
{
	uint64_t	grootte;
	unsigned char wortel[HASH_LEN];
	const char *bron;			/* "the export" or the witness's file name */
	int			getuige;		/* from a witness? */
} Controlepunt;

/* A problem found in a leaf; the first by tree index is reported. */
typedef struct Failure
{
	uint64_t	index;
	char		tekst[1024];
} Failure;

static const char *prog = "verwerkingenlog-verifieer";

static char *tables[64];
static int	ntables = 0;

static Leaf *leaves;
static uint64_t nbladen = 0,
			maxbladen = 0;

static Controlepunt *checkpoints;
static int	ncheckpoints = 0,
			maxcheckpoints = 0;

static Failure eerste = {GEEN, ""};
static char ingevoegd[1024] = "";
/* the leaf (0x00 || encoding) and stored hash of the first changed row */
static unsigned char *suspect = NULL;
static size_t suspect_len = 0;
static unsigned char suspect_hash[HASH_LEN];
static size_t suspect_hash_len = 0;	/* VINGER_LEN or HASH_LEN */
static uint64_t wachtend = 0;

/*
 * A purge run, and the leaves it is said to have destroyed: by its row in
 * vernietiging_journaal when it has finished, else (a run that a
 * vernietig_verlopen_per_batch is still doing, or that a crash or cancel
 * interrupted) by the sum of its committed batches in vernietiging_batch,
 * each written in the transaction of its destruction.
 */
typedef struct Run
{
	uint64_t	id;
	uint64_t	versies;		/* version rows the run removed */
	uint64_t	objecten;		/* object rows the run removed */
	uint64_t	versies_gezien;
	uint64_t	objecten_gezien;
	int			klaar;			/* has its journal row */
	uint64_t	batch_versies;	/* the sums of its batches */
	uint64_t	batch_objecten;
} Run;

static Run *journaal;
static size_t njournaal = 0,
			maxjournaal = 0;

static char sleutelnaam[256];
static char herkomst[512] = "";	/* the origin of the first checkpoint read */
static unsigned char key_id[4];
static EVP_PKEY *publiek;

/* Stop: the program cannot run (exit 2). */
static void
cannot(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Stop: the log was tampered with (exit 1). */
static void
fail(const char *fmt,...)
{
	va_list		ap;

	printf("%s: NOT OK: ", prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(1);
}

/* Record a problem at tree index i, if it is the first so far. */
static void
fail_at(uint64_t i, const char *fmt,...)
{
	va_list		ap;

	if (i >= eerste.index)
		return;
	eerste.index = i;
	va_start(ap, fmt);
	vsnprintf(eerste.tekst, sizeof(eerste.tekst), fmt, ap);
	va_end(ap);
}

/* realloc that does not return NULL. */
static void *
xrealloc(void *p, size_t n)
{
	void	   *q = realloc(p, n);

	if (q == NULL)
		cannot("out of memory");
	return q;
}

/* SHA-256. */
static void
sha256(const void *d, size_t n, unsigned char *uit)
{
	if (EVP_Digest(d, n, uit, NULL, EVP_sha256(), NULL) != 1)
		cannot("SHA-256 failed");
}

/* RFC 9162 inner node. */
static void
node(const unsigned char *l, const unsigned char *r, unsigned char *uit)
{
	unsigned char buf[1 + 2 * HASH_LEN];

	buf[0] = 1;
	memcpy(buf + 1, l, HASH_LEN);
	memcpy(buf + 1 + HASH_LEN, r, HASH_LEN);
	sha256(buf, sizeof(buf), uit);
}

/* Decode hex into uit; returns the number of bytes or -1. */
static long
hex_decode(const char *s, size_t len, unsigned char *uit)
{
	if (len % 2)
		return -1;
	for (size_t i = 0; i < len / 2; i++)
	{
		int			a = vwl_hex_digit((unsigned char) s[2 * i]),
					b = vwl_hex_digit((unsigned char) s[2 * i + 1]);

		if (a < 0 || b < 0)
			return -1;
		uit[i] = (unsigned char) (a * 16 + b);
	}
	return (long) (len / 2);
}

/* Decode standard base64 (with padding); returns bytes or -1. */
static long
b64_decode(const char *s, size_t len, unsigned char *uit, size_t max)
{
	static const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t		n = 0;
	uint32_t	acc = 0;
	int			bits = 0,
				pad = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i++)
	{
		const char *p;

		if (s[i] == '=')
		{
			pad++;
			continue;
		}
		if (pad || (p = strchr(abc, s[i])) == NULL || s[i] == '\0')
			return -1;
		acc = (acc << 6) | (uint32_t) (p - abc);
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			if (n >= max)
				return -1;
			uit[n++] = (unsigned char) ((acc >> bits) & 0xFF);
		}
	}
	if (pad > 2)
		return -1;
	return (long) n;
}

/* Read a whole file (or stdin for "-"), NUL-terminated. */
static char *
read_file(const char *pad, size_t *len)
{
	FILE	   *f = strcmp(pad, "-") == 0 ? stdin : fopen(pad, "rb");
	char	   *buf = NULL;
	size_t		n = 0,
				max = 0;

	if (f == NULL)
		cannot("cannot open \"%s\": %s", pad, strerror(errno));
	for (;;)
	{
		size_t		r;

		if (n + 65536 + 1 > max)
		{
			max = (max + 65536) * 2;
			buf = xrealloc(buf, max);
		}
		r = fread(buf + n, 1, max - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		cannot("cannot read \"%s\": %s", pad, strerror(errno));
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The verifier key: <name>+<hex key ID>+<base64(0x01 || public key)>. */
static void
read_key(const char *pad)
{
	size_t		len;
	char	   *s = read_file(pad, &len);
	char	   *p1,
			   *p2;
	unsigned char raw[64],
				id[4],
				h[HASH_LEN];
	unsigned char *buf;
	size_t		naamlen;

	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' '))
		s[--len] = '\0';
	p1 = strchr(s, '+');
	p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	if (p1 == NULL || p2 == NULL || p2 - p1 - 1 != 8 || (size_t) (p1 - s) >= sizeof(sleutelnaam))
		cannot("\"%s\" is not a verifier key (name+keyid+key)", pad);
	naamlen = (size_t) (p1 - s);
	memcpy(sleutelnaam, s, naamlen);
	sleutelnaam[naamlen] = '\0';
	if (hex_decode(p1 + 1, 8, id) != 4 ||
		b64_decode(p2 + 1, strlen(p2 + 1), raw, sizeof(raw)) != 33 || raw[0] != 0x01)
		cannot("\"%s\" is not an Ed25519 verifier key", pad);
	buf = xrealloc(NULL, naamlen + 2 + 32);
	memcpy(buf, sleutelnaam, naamlen);
	buf[naamlen] = '\n';
	buf[naamlen + 1] = 0x01;
	memcpy(buf + naamlen + 2, raw + 1, 32);
	sha256(buf, naamlen + 2 + 32, h);
	free(buf);
	if (memcmp(h, id, 4) != 0)
		cannot("the key ID in \"%s\" does not belong to its key", pad);
	memcpy(key_id, id, 4);
	publiek = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
	if (publiek == NULL)
		cannot("\"%s\": not a valid Ed25519 public key", pad);
	free(s);
}

/*
 * Check a checkpoint note's signature and parse it; returns NULL when it
 * is good (size and root filled in), else the reason.
 */
static const char *
read_controlepunt(const char *note, size_t len, uint64_t *grootte, unsigned char *wortel)
{
	const char *scheiding = NULL;
	const char *p;
	size_t		tekstlen;
	int			gevonden = 0;
	char		prefix[300];

	/* a copy may have gained newlines at its end (psql adds one) */
	while (len >= 2 && note[len - 1] == '\n' && note[len - 2] == '\n')
		len--;
	for (p = note; p + 1 < note + len; p++)
		if (p[0] == '\n' && p[1] == '\n')
			scheiding = p;
	if (scheiding == NULL)
		return "it is not a signed note (no blank line before the signatures)";
	tekstlen = (size_t) (scheiding - note) + 1;
	snprintf(prefix, sizeof(prefix), "\xe2\x80\x94 %s ", sleutelnaam);
	for (p = scheiding + 2; p < note + len;)
	{
		const char *eind = memchr(p, '\n', (size_t) (note + len - p));
		size_t		regel;

		if (eind == NULL)
			return "a signature line does not end in a newline";
		regel = (size_t) (eind - p);
		if (regel > strlen(prefix) && strncmp(p, prefix, strlen(prefix)) == 0)
		{
			unsigned char sig[128];
			long		n = b64_decode(p + strlen(prefix), regel - strlen(prefix), sig, sizeof(sig));
			EVP_MD_CTX *md;
			int			ok;

			if (n != 68 || memcmp(sig, key_id, 4) != 0)
				return "its signature line for the key is malformed or has another key ID";
			md = EVP_MD_CTX_new();
			ok = md && EVP_DigestVerifyInit(md, NULL, NULL, NULL, publiek) == 1 &&
				EVP_DigestVerify(md, sig + 4, 64, (const unsigned char *) note, tekstlen) == 1;
			EVP_MD_CTX_free(md);
			if (!ok)
				return "its signature does not verify with the key";
			gevonden = 1;
			break;
		}
		p = eind + 1;
	}
	if (!gevonden)
		return "it carries no signature of the key";

	/* the text: origin, size, root */
	{
		const char *e1 = memchr(note, '\n', tekstlen);
		const char *e2 = e1 ? memchr(e1 + 1, '\n', tekstlen - (size_t) (e1 + 1 - note)) : NULL;
		const char *e3 = e2 ? memchr(e2 + 1, '\n', tekstlen - (size_t) (e2 + 1 - note)) : NULL;
		char		getal[32];
		char	   *eind;

		if (e3 == NULL)
			return "its text does not have the three lines of a checkpoint";
		{
		size_t		olen = (size_t) (e1 - note);

		if (olen <= strlen(sleutelnaam) + 1 || strncmp(note, sleutelnaam, strlen(sleutelnaam)) != 0 ||
			note[strlen(sleutelnaam)] != '/' || olen >= sizeof(herkomst))
			return "its origin is not the key's name and a log id";
		if (herkomst[0] == '\0')
		{
			memcpy(herkomst, note, olen);
			herkomst[olen] = '\0';
		}
		else if (strlen(herkomst) != olen || strncmp(herkomst, note, olen) != 0)
			return "it is a checkpoint of another log (its origin differs)";
		}
		if (e2 - e1 - 1 <= 0 || e2 - e1 - 1 >= (long) sizeof(getal))
			return "its tree size is malformed";
		memcpy(getal, e1 + 1, (size_t) (e2 - e1 - 1));
		getal[e2 - e1 - 1] = '\0';
		errno = 0;
		*grootte = strtoull(getal, &eind, 10);
		if (errno || *eind || (getal[0] == '0' && getal[1]) || getal[0] == '-')
			return "its tree size is malformed";
		if (b64_decode(e2 + 1, (size_t) (e3 - e2 - 1), wortel, HASH_LEN) != HASH_LEN)
			return "its root hash is malformed";
	}
	return NULL;
}

/* Add a checkpoint. */
static void
controlepunt_append(uint64_t grootte, const unsigned char *wortel, const char *bron, int getuige)
{
	if (ncheckpoints == maxcheckpoints)
	{
		maxcheckpoints = maxcheckpoints ? maxcheckpoints * 2 : 64;
		checkpoints = xrealloc(checkpoints, (size_t) maxcheckpoints * sizeof(Controlepunt));
	}
	checkpoints[ncheckpoints].grootte = grootte;
	memcpy(checkpoints[ncheckpoints].wortel, wortel, HASH_LEN);
	checkpoints[ncheckpoints].bron = bron;
	checkpoints[ncheckpoints].getuige = getuige;
	ncheckpoints++;
}

/* Index of a table name, added when new. */
static int
table_index(const char *naam)
{
	for (int i = 0; i < ntables; i++)
		if (strcmp(tables[i], naam) == 0)
			return i;
	if (ntables == 64)
		cannot("too many tables in the export");
	tables[ntables] = strdup(naam);
	return ntables++;
}

/* Big-endian integer of n bytes. */
static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t	v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* The run of the journal with this id, or NULL. */
static Run *
in_journaal_run(int64_t run)
{
	for (size_t i = 0; i < njournaal; i++)
		if ((int64_t) journaal[i].id == run)
			return &journaal[i];
	return NULL;
}

/*
 * Check a canonical encoding's frame against the export line; returns
 * NULL or the reason.  *vorige receives its superseded leaf; when the row is
 * of vernietiging_journaal or vernietiging_batch, its run (the id of the
 * purge run that its batches marked the destroyed leaves with) goes into
 * the journal set with its counts.
 */
static const char *
read_canonical(const unsigned char *b, size_t n, const char *tabel,
			  uint64_t *vorige, uint64_t *sealed_at)
{
	size_t		p;
	size_t		tlen;
	unsigned	kolommen;
	int			is_journaal;
	int			is_batch;
	Run			run = {0};
	int			gelezen = 0;

	if (n < 22 || memcmp(b, "VWL\x01", 4) != 0)
		return "its encoding is not version 1 of the canonical encoding";
	*sealed_at = be(b + 4, 8);
	*vorige = be(b + 12, 8);
	tlen = (size_t) be(b + 20, 2);
	if (22 + tlen + 2 > n)
		return "its encoding is truncated";
	if (strlen(tabel) != tlen || memcmp(b + 22, tabel, tlen) != 0)
		return "its encoding names another table";
	is_journaal = strcmp(tabel, "vernietiging_journaal") == 0;
	is_batch = strcmp(tabel, "vernietiging_batch") == 0;
	p = 22 + tlen;
	kolommen = (unsigned) be(b + p, 2);
	p += 2;
	for (unsigned k = 0; k < kolommen; k++)
	{
		size_t		nlen,
					vlen;
		const unsigned char *naam;

		if (p + 2 > n)
			return "its encoding is truncated";
		nlen = (size_t) be(b + p, 2);
		naam = b + p + 2;
		p += 2 + nlen;
		if (p + 5 > n)
			return "its encoding is truncated";
		vlen = (size_t) be(b + p + 1, 4);
		if (p + 5 + vlen > n)
			return "its encoding is truncated";
		if ((is_journaal || is_batch) && b[p] == 't' && vlen < 24)
		{
			char		getal[24];
			uint64_t   *doel = NULL;

			memcpy(getal, b + p + 5, vlen);
			getal[vlen] = '\0';
			if (nlen == 3 && memcmp(naam, "run", 3) == 0)
				doel = &run.id;
			else if (nlen == 7 && memcmp(naam, "versies", 7) == 0)
				doel = &run.versies;
			else if (nlen == 8 && memcmp(naam, "objecten", 8) == 0)
				doel = &run.objecten;
			if (doel)
			{
				*doel = strtoull(getal, NULL, 10);
				gelezen++;
			}
		}
		p += 5 + vlen;
	}
	if (p != n)
		return "its encoding has bytes after its last column";
	if ((is_journaal || is_batch) && gelezen == 3)
	{
		Run		   *r = in_journaal_run((int64_t) run.id);

		if (r == NULL)
		{
			if (njournaal == maxjournaal)
			{
				maxjournaal = maxjournaal ? maxjournaal * 2 : 64;
				journaal = xrealloc(journaal, maxjournaal * sizeof(Run));
			}
			r = &journaal[njournaal++];
			memset(r, 0, sizeof(Run));
			r->id = run.id;
		}
		if (is_journaal)
		{
			r->klaar = 1;
			r->versies = run.versies;
			r->objecten = run.objecten;
		}
		else
		{
			r->batch_versies += run.versies;
			r->batch_objecten += run.objecten;
		}
	}
	return NULL;
}

/* Split a COPY text line into fields (tabs); \N is NULL. */
static int
fields(char *regel, char **v, int max)
{
	int			n = 0;
	char	   *p = regel;

	for (;;)
	{
		char	   *t = strchr(p, '\t');

		if (n == max)
			return -1;
		if (t)
			*t = '\0';
		v[n++] = strcmp(p, "\\N") == 0 ? NULL : p;
		if (!t)
			break;
		p = t + 1;
	}
	return n;
}

/* Read the export. */
static void
read_export(const char *pad)
{
	FILE	   *f = strcmp(pad, "-") == 0 ? stdin : fopen(pad, "rb");
	char	   *regel = NULL;
	size_t		cap = 0;
	ssize_t		len;
	unsigned char *buf = NULL;
	size_t		bufmax = 0;
	unsigned long regelnr = 0;

	if (f == NULL)
		cannot("cannot open \"%s\": %s", pad, strerror(errno));
	while ((len = getline(&regel, &cap, f)) >= 0)
	{
		char	   *v[8];
		uint64_t	positie;

		regelnr++;
		if (len > 0 && regel[len - 1] == '\n')
			regel[--len] = '\0';
		if (fields(regel, v, 8) != 8 || v[0] == NULL)
			cannot("%s, line %lu: not a line of verificatie_export()", pad, regelnr);
		if ((size_t) len / 2 + 1 > bufmax)
		{
			bufmax = (size_t) len / 2 + 1;
			buf = xrealloc(buf, bufmax);
		}
		if (strcmp(v[0], "blad") == 0)
		{
			Leaf	   *b;
			unsigned char opgeslagen[HASH_LEN];
			long		hlen;
			int			heeft_vinger;

			if (v[1] == NULL || v[2] == NULL || v[3] == NULL || v[4] == NULL || v[6] == NULL)
				cannot("%s, line %lu: a leaf line lacks a field", pad, regelnr);
			positie = strtoull(v[1], NULL, 10);
			if (positie != nbladen)
			{
				if (positie > nbladen)
					fail_at(nbladen, "removed: tree index %llu to %llu are missing from the export (their leaves are gone from seal_blok)",
							 (unsigned long long) nbladen, (unsigned long long) positie - 1);
				else
					fail_at(positie, "reordered: tree index %llu appears twice in the export (row %s %s)",
							 (unsigned long long) positie, v[2], v[3]);
				fail("%s", eerste.tekst);
			}
			if (nbladen == maxbladen)
			{
				maxbladen = maxbladen ? maxbladen * 2 : 65536;
				leaves = xrealloc(leaves, maxbladen * sizeof(Leaf));
			}
			b = &leaves[nbladen];
			b->tabel = table_index(v[2]);
			b->sleutel = strdup(v[3]);
			b->vorige = GEEN;
			b->verwijzing = v[7] ? strtoll(v[7], NULL, 10) : -1;
			b->status = strcmp(v[4], "vervangen") == 0 ? 's' :
				strcmp(v[4], "vernietigd") == 0 ? 'd' : v[4][0];
			/*
			 * The hash column: 64 hex digits, the full leaf hash (every leaf
			 * of a 1.0 or 1.1 export; a superseded or destroyed leaf always),
			 * or, for a present leaf of a 1.2 export (aanwezig, or ontbreekt
			 * when its row is gone), 8: its vinger, the first 4 bytes of the
			 * leaf hash, which the row's bytes must give.
			 */
			heeft_vinger = strcmp(v[4], "aanwezig") == 0 || strcmp(v[4], "ontbreekt") == 0;
			hlen = strlen(v[6]) <= 2 * HASH_LEN ?
				hex_decode(v[6], strlen(v[6]), opgeslagen) : -1;
			if (hlen != HASH_LEN && !(hlen == VINGER_LEN && heeft_vinger))
				cannot("%s, line %lu: the leaf hash is not 32 bytes of hex%s", pad, regelnr,
					   heeft_vinger ? " (nor 4, a present leaf's vinger)" : "");
			memset(b->hash, 0, HASH_LEN);
			memcpy(b->hash, opgeslagen, (size_t) hlen);
			if (strcmp(v[4], "aanwezig") == 0)
			{
				long		n;
				uint64_t	sealed_at;
				const char *reden;

				if (v[5] == NULL || (n = hex_decode(v[5], strlen(v[5]), buf + 1)) < 0)
					cannot("%s, line %lu: the encoding is not hex", pad, regelnr);
				buf[0] = 0x00;
				sha256(buf, (size_t) n + 1, b->hash);
				reden = read_canonical(buf + 1, (size_t) n, v[2], &b->vorige, &sealed_at);
				if (reden)
					fail_at(nbladen, "changed: row %s %s at tree index %llu: %s",
							 v[2], v[3], (unsigned long long) nbladen, reden);
				else if (sealed_at != nbladen)
					fail_at(nbladen, "reordered: row %s %s is at tree index %llu but was sealed at tree index %llu",
							 v[2], v[3], (unsigned long long) nbladen, (unsigned long long) sealed_at);
				else if (memcmp(b->hash, opgeslagen, (size_t) hlen) != 0 && nbladen < eerste.index)
				{
					fail_at(nbladen, "changed: row %s %s at tree index %llu no longer matches its leaf",
							 v[2], v[3], (unsigned long long) nbladen);
					/* kept to tell a moved leaf from a changed one */
					suspect = xrealloc(suspect, (size_t) n + 1);
					memcpy(suspect, buf, (size_t) n + 1);
					suspect_len = (size_t) n + 1;
					memcpy(suspect_hash, opgeslagen, (size_t) hlen);
					suspect_hash_len = (size_t) hlen;
				}
			}
			else if (strcmp(v[4], "ontbreekt") == 0)
				fail_at(nbladen, "removed: row %s %s at tree index %llu is gone, and no purge destroyed it",
						 v[2], v[3], (unsigned long long) nbladen);
			else if (strcmp(v[4], "vernietigd") != 0 && strcmp(v[4], "vervangen") != 0)
				cannot("%s, line %lu: unknown leaf status \"%s\"", pad, regelnr, v[4]);
			nbladen++;
		}
		else if (strcmp(v[0], "controlepunt") == 0)
		{
			long		n;
			uint64_t	grootte;
			unsigned char wortel[HASH_LEN];
			const char *reden;

			if (v[1] == NULL || v[5] == NULL || (n = hex_decode(v[5], strlen(v[5]), buf)) < 0)
				cannot("%s, line %lu: a checkpoint line lacks its note", pad, regelnr);
			reden = read_controlepunt((const char *) buf, (size_t) n, &grootte, wortel);
			if (reden)
				fail("the checkpoint of tree size %s in the export is not valid: %s", v[1], reden);
			if (grootte != strtoull(v[1], NULL, 10))
				fail("the checkpoint of tree size %s in the export signs tree size %llu", v[1],
					 (unsigned long long) grootte);
			controlepunt_append(grootte, wortel, "the export", 0);
		}
		else if (strcmp(v[0], "ongezegeld") == 0)
		{
			if (v[4] && strcmp(v[4], "wachtrij") == 0)
			{
				long		n;
				uint64_t	vorige,
							sealed_at;

				/* a purge's journal entry waits for the next checkpoint */
				wachtend++;
				if (v[2] && v[5] && (n = hex_decode(v[5], strlen(v[5]), buf)) > 0)
					(void) read_canonical(buf, (size_t) n, v[2], &vorige, &sealed_at);
			}
			if (v[4] && strcmp(v[4], "onbekend") == 0 && ingevoegd[0] == '\0')
				snprintf(ingevoegd, sizeof(ingevoegd),
						 "inserted: row %s %s is in the log but in no leaf, and was not written through the log",
						 v[2] ? v[2] : "?", v[3] ? v[3] : "?");
		}
		else
			cannot("%s, line %lu: unknown kind of line \"%s\"", pad, regelnr, v[0]);
	}
	if (ferror(f))
		cannot("cannot read \"%s\": %s", pad, strerror(errno));
	if (f != stdin)
		fclose(f);
	free(regel);
	free(buf);
}

/* Sort checkpoints by size, witnesses after the export at equal size. */
static int
controlepunt_cmp(const void *a, const void *b)
{
	const Controlepunt *x = a,
			   *y = b;

	if (x->grootte != y->grootte)
		return x->grootte < y->grootte ? -1 : 1;
	return x->getuige - y->getuige;
}

/* Base64 of a hash, for the summary. */
static void
b64_hash(const unsigned char *h, char *uit)
{
	EVP_EncodeBlock((unsigned char *) uit, h, HASH_LEN);
}

/*
 * Read the key, the export and the witnesses' checkpoints, then check the
 * leaves' links (supersession, purge runs) and the tree against every
 * checkpoint; report the first problem in tree order.
 */
int
main(int argc, char **argv)
{
	const char *key_path = NULL;
	const char *exportpad = NULL;
	char	  **getuigen = NULL;
	int			ngetuigen = 0;
	unsigned char (*stapel)[HASH_LEN];
	uint64_t   *stapelgrootte;
	int			diepte = 0;
	int			p = 0;
	uint64_t	vernietigd = 0,
				vervangen = 0;
	char		wortel_tekst[64] = "";
	uint64_t	laatst_goed_getuige = 0;
	int64_t		runs[8];
	int			nruns = 0;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "--sleutel") == 0 && i + 1 < argc)
			key_path = argv[++i];
		else if (strncmp(argv[i], "--sleutel=", 10) == 0)
			key_path = argv[i] + 10;
		else if (strcmp(argv[i], "--help") == 0)
		{
			printf("usage: %s --sleutel PUBLIC_KEY_FILE EXPORT_FILE [CHECKPOINT_FILE ...]\n", prog);
			return 0;
		}
		else if (exportpad == NULL)
			exportpad = argv[i];
		else
		{
			getuigen = xrealloc(getuigen, (size_t) (ngetuigen + 1) * sizeof(char *));
			getuigen[ngetuigen++] = argv[i];
		}
	}
	if (key_path == NULL || exportpad == NULL)
		cannot("usage: %s --sleutel PUBLIC_KEY_FILE EXPORT_FILE [CHECKPOINT_FILE ...]", prog);

	read_key(key_path);
	read_export(exportpad);
	for (int i = 0; i < ngetuigen; i++)
	{
		size_t		len;
		char	   *note = read_file(getuigen[i], &len);
		uint64_t	grootte;
		unsigned char wortel[HASH_LEN];
		const char *reden = read_controlepunt(note, len, &grootte, wortel);

		if (reden)
			cannot("the checkpoint in \"%s\" is not valid: %s", getuigen[i], reden);
		controlepunt_append(grootte, wortel, getuigen[i], 1);
		free(note);
	}
	qsort(checkpoints, (size_t) ncheckpoints, sizeof(Controlepunt), controlepunt_cmp);

	/*
	 * A row that no longer matches its leaf may only have been moved: its
	 * stored hash (or vinger) then belongs to the same bytes sealed at
	 * another index.
	 */
	if (suspect)
	{
		for (uint64_t j = 0; j < nbladen; j++)
		{
			unsigned char h[HASH_LEN];

			for (int k = 0; k < 8; k++)
				suspect[1 + 4 + k] = (unsigned char) (j >> (8 * (7 - k)));
			sha256(suspect, suspect_len, h);
			if (j != eerste.index && memcmp(h, suspect_hash, suspect_hash_len) == 0)
			{
				Leaf	   *b = &leaves[eerste.index];

				fail("reordered: row %s %s is at tree index %llu but was sealed at tree index %llu",
					 tables[b->tabel], b->sleutel, (unsigned long long) eerste.index,
					 (unsigned long long) j);
			}
		}
	}

	/* a run without its journal row yet: what its committed batches say */
	for (size_t r = 0; r < njournaal; r++)
		if (!journaal[r].klaar)
		{
			journaal[r].versies = journaal[r].batch_versies;
			journaal[r].objecten = journaal[r].batch_objecten;
		}

	/* what the leaves point at: superseding leaves, purge runs */
	for (uint64_t i = 0; i < nbladen; i++)
	{
		Leaf	   *b = &leaves[i];

		if (b->status == 's')
		{
			vervangen++;
			if (b->verwijzing < 0 || (uint64_t) b->verwijzing >= nbladen ||
				(leaves[b->verwijzing].status == 'a' && leaves[b->verwijzing].vorige != i))
				fail_at(i, "changed: row %s %s at tree index %llu is said to be superseded by tree index %lld, which does not supersede it",
						 tables[b->tabel], b->sleutel, (unsigned long long) i, (long long) b->verwijzing);
		}
		else if (b->status == 'd')
		{
			Run		   *run = b->verwijzing < 0 ? NULL : in_journaal_run(b->verwijzing);
			int			is_versie = strcmp(tables[b->tabel], "verwerkingsactie_versie") == 0;
			int			is_object = strcmp(tables[b->tabel], "verwerkt_object") == 0;

			vernietigd++;
			if (run == NULL)
				fail_at(i, "removed: row %s %s at tree index %llu was destroyed, but no run in vernietiging_journaal explains it%s",
						 tables[b->tabel], b->sleutel, (unsigned long long) i,
						 b->verwijzing < 0 ? "" : " (its run is not in the journal, nor any batch of it)");
			else if ((is_versie && ++run->versies_gezien > run->versies) ||
					 (is_object && ++run->objecten_gezien > run->objecten) ||
					 (!is_versie && !is_object))
				fail_at(i, "removed: purge run %lld destroyed %llu rows of %s by its %s, but more leaves say it destroyed them (the first one too many: row %s at tree index %llu)",
						 (long long) b->verwijzing, (unsigned long long) (is_versie ? run->versies : run->objecten),
						 tables[b->tabel], run->klaar ? "journal entry" : "committed batches (it has not finished)",
						 b->sleutel, (unsigned long long) i);
			else
			{
				int			bekend = 0;

				for (int r = 0; r < nruns; r++)
					bekend |= runs[r] == b->verwijzing;
				if (!bekend && nruns < 8)
					runs[nruns++] = b->verwijzing;
			}
		}
		else if (b->status == 'a' && b->vorige != GEEN &&
				 (b->vorige >= i || leaves[b->vorige].status != 's' ||
				  leaves[b->vorige].verwijzing != (int64_t) i))
			fail_at(i, "changed: row %s %s at tree index %llu claims to supersede tree index %llu, which is not superseded by it",
					 tables[b->tabel], b->sleutel, (unsigned long long) i, (unsigned long long) b->vorige);
	}

	/* the tree, with every checkpoint at its size */
	stapel = xrealloc(NULL, 65 * HASH_LEN);
	stapelgrootte = xrealloc(NULL, 65 * sizeof(uint64_t));
	for (uint64_t n = 0;; n++)
	{
		while (p < ncheckpoints && checkpoints[p].grootte == n)
		{
			unsigned char wortel[HASH_LEN];

			if (diepte == 0)
				sha256("", 0, wortel);
			else
			{
				memcpy(wortel, stapel[diepte - 1], HASH_LEN);
				for (int d = diepte - 2; d >= 0; d--)
					node(stapel[d], wortel, wortel);
			}
			if (memcmp(wortel, checkpoints[p].wortel, HASH_LEN) != 0)
			{
				if (eerste.index < n)
					fail("%s", eerste.tekst);
				for (int q = 0; q < ncheckpoints; q++)
					if (q != p && checkpoints[q].grootte == n && memcmp(checkpoints[q].wortel, checkpoints[p].wortel, HASH_LEN) != 0)
						fail("the log's key signed two different trees of size %llu (%s and %s): the tree was rebuilt and re-signed; a leaf among tree index %llu to %llu was changed",
							 (unsigned long long) n, checkpoints[q].bron, checkpoints[p].bron,
							 (unsigned long long) laatst_goed_getuige, (unsigned long long) n - 1);
				if (n - laatst_goed_getuige == 1)
					fail("changed: row %s %s at tree index %llu: the tree no longer has the root of the checkpoint of size %llu (%s)",
						 tables[leaves[n - 1].tabel], leaves[n - 1].sleutel, (unsigned long long) n - 1,
						 (unsigned long long) n, checkpoints[p].bron);
				fail("the tree no longer has the root of the checkpoint of size %llu (%s): a leaf among tree index %llu to %llu was changed (from row %s %s on), and the tree rebuilt",
					 (unsigned long long) n, checkpoints[p].bron, (unsigned long long) laatst_goed_getuige,
					 (unsigned long long) n - 1,
					 tables[leaves[laatst_goed_getuige].tabel], leaves[laatst_goed_getuige].sleutel);
			}
			if (checkpoints[p].getuige)
				laatst_goed_getuige = n;
			b64_hash(wortel, wortel_tekst);
			p++;
		}
		if (n == nbladen)
			break;
		if (eerste.index == n && p >= ncheckpoints)
			break;
		memcpy(stapel[diepte], leaves[n].hash, HASH_LEN);
		stapelgrootte[diepte] = 1;
		diepte++;
		while (diepte >= 2 && stapelgrootte[diepte - 1] == stapelgrootte[diepte - 2])
		{
			node(stapel[diepte - 2], stapel[diepte - 1], stapel[diepte - 2]);
			stapelgrootte[diepte - 2] *= 2;
			diepte--;
		}
	}
	if (eerste.index != GEEN)
		fail("%s", eerste.tekst);
	if (p < ncheckpoints)
		fail("removed: the checkpoint of size %llu (%s) covers more leaves than the export has (%llu): leaves were removed from the end",
			 (unsigned long long) checkpoints[p].grootte, checkpoints[p].bron, (unsigned long long) nbladen);
	if (ingevoegd[0])
		fail("%s", ingevoegd);
	if (ncheckpoints == 0 && nbladen > 0)
		fail("removed: the export has %llu leaves but no checkpoint (every checkpoint was removed)",
			 (unsigned long long) nbladen);
	if (ncheckpoints == 0)
	{
		/*
		 * Nothing sealed yet (a new log, or one whose first verzegel() has
		 * not committed): nothing false to report, nothing proved either.
		 */
		printf("%s: OK: nothing sealed yet: 0 leaves, no checkpoint; %llu rows await the first checkpoint\n",
			   prog, (unsigned long long) wachtend);
		return 0;
	}

	printf("%s: OK: %s: %llu leaves (%llu destroyed by purge run",
		   prog, herkomst, (unsigned long long) nbladen, (unsigned long long) vernietigd);
	if (nruns == 0)
		printf("s");
	for (int r = 0; r < nruns; r++)
		printf("%s%lld%s", r ? ", " : " ", (long long) runs[r],
			   in_journaal_run(runs[r])->klaar ? "" : " (not finished)");
	printf(", %llu superseded by re-encryption), %d checkpoints (%d from witnesses), root %s at size %llu; %llu rows await the next checkpoint\n",
		   (unsigned long long) vervangen, ncheckpoints, ngetuigen, wortel_tekst,
		   (unsigned long long) checkpoints[ncheckpoints - 1].grootte, (unsigned long long) wachtend);
	return 0;
}
