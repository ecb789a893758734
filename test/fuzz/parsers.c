/*
 * parsers.c
 *		Standalone libFuzzer harness with AddressSanitizer for the moment and
 *		bewaartermijn parsers (src/moment.c, src/bewaartermijn.c, unchanged),
 *		linked with shim.c; VWL_HARNESS=moment or bewaartermijn picks one.
 *
 * The input is handed to the parser as it is, not terminated, so reading a
 * byte past it is an ASan report.  Properties, as in vwl_fuzz.c: an
 * accepted moment prints back byte for byte; the canonical text of an
 * accepted bewaartermijn parses back to the same value and prints the same,
 * and the value fits an interval; a refusal has a reason.
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verwerkingenlog.h"

extern int	LLVMFuzzerInitialize(int *argc, char ***argv);
extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern void shim_controle(void);

static bool bewaartermijn = false;

/* Pick the harness; check the shim's calendar once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *h = getenv("VWL_HARNESS");

	if (h == NULL || (strcmp(h, "moment") != 0 && strcmp(h, "bewaartermijn") != 0))
	{
		fprintf(stderr, "set VWL_HARNESS to moment or bewaartermijn\n");
		exit(64);
	}
	bewaartermijn = strcmp(h, "bewaartermijn") == 0;
	shim_controle();
	return 0;
}

/* A broken property: say which and abort. */
static void
fout(const char *wat)
{
	fprintf(stderr, "parsers: property violated: %s\n", wat);
	abort();
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reden = NULL;
	char	   *tekst;

	if (size > 1 << 20)
		return 0;
	if (!bewaartermijn)
	{
		Moment		m;

		if (vwl_moment_parse((const char *) data, (int) size, &m, &reden))
		{
			tekst = vwl_moment_format(&m);
			if (strlen(tekst) != size || memcmp(tekst, data, size) != 0)
				fout("an accepted moment does not print as supplied");
			pfree(tekst);
		}
		else if (reden == NULL || reden[0] == '\0')
			fout("moment refused without a reason");
	}
	else
	{
		Bewaartermijn b,
					terug;

		if (vwl_bewaartermijn_parse((const char *) data, (int) size, &b, &reden))
		{
			char	   *weer;

			tekst = vwl_bewaartermijn_format(&b);
			if (!vwl_bewaartermijn_parse(tekst, strlen(tekst), &terug, &reden))
				fout("the canonical form of a bewaartermijn is refused");
			if (memcmp(&terug, &b, sizeof(b)) != 0)
				fout("the canonical form of a bewaartermijn parses to another value");
			weer = vwl_bewaartermijn_format(&terug);
			if (strcmp(weer, tekst) != 0)
				fout("the canonical form of a bewaartermijn is not stable");
			pfree(vwl_bewaartermijn_interval(&b));
			pfree(weer);
			pfree(tekst);
		}
		else if (reden == NULL || reden[0] == '\0')
			fout("bewaartermijn refused without a reason");
	}
	return 0;
}
