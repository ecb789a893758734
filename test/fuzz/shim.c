/*
 * shim.c
 *		The few backend functions that src/moment.c and src/bewaartermijn.c
 *		reach from their parsers, for the standalone AddressSanitizer
 *		harness (parsers.c).  palloc, StringInfo and snprintf come from
 *		PostgreSQL's own frontend libraries (libpgcommon, libpgport).
 *
 * The calendar functions are the Julian day number of the proleptic
 * Gregorian calendar, as the backend's date2j and j2date compute it; the
 * harness checks them against PostgreSQL's epochs and against each other
 * for every day of the years 0000 to 9999 before it starts (shim_controle).
 * An ereport(ERROR) is never expected from what the harness calls, so it
 * aborts: libFuzzer then keeps the input.
 */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>

#include "utils/datetime.h"

/* Days per month, normal and leap years (utils/datetime.h). */
const int	day_tab[2][13] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}
};

/* Julian day number of a Gregorian date. */
int
date2j(int year, int month, int day)
{
	int			a = (14 - month) / 12;
	int			y = year + 4800 - a;
	int			m = month + 12 * a - 3;

	return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
}

/* The Gregorian date of a Julian day number. */
void
j2date(int jd, int *year, int *month, int *day)
{
	int			a = jd + 32044;
	int			b = (4 * a + 3) / 146097;
	int			c = a - 146097 * b / 4;
	int			d = (4 * c + 3) / 1461;
	int			e = c - 1461 * d / 4;
	int			m = (5 * e + 2) / 153;

	*day = e - (153 * m + 2) / 5 + 1;
	*month = m + 3 - 12 * (m / 10);
	*year = 100 * b + d - 4800 + m / 10;
}

/* The calendar functions agree with PostgreSQL's epochs and each other. */
void		shim_controle(void);
void
shim_controle(void)
{
	int			jd = date2j(0, 1, 1);

	if (date2j(2000, 1, 1) != POSTGRES_EPOCH_JDATE || date2j(1970, 1, 1) != UNIX_EPOCH_JDATE)
		abort();
	for (int y = 0; y <= 9999; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= day_tab[isleap(y)][m - 1]; d++, jd++)
			{
				int			y2,
							m2,
							d2;

				if (date2j(y, m, d) != jd)
					abort();
				j2date(jd, &y2, &m2, &d2);
				if (y2 != y || m2 != m || d2 != d)
					abort();
			}
}

/* ereport: only ERROR and worse matter, and none is expected. */
bool
errstart(int elevel, const char *domain)
{
	return elevel >= ERROR;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	fprintf(stderr, "shim: ereport(ERROR) at %s:%d (%s)\n", filename, lineno, funcname);
	abort();
}

int
errcode(int sqlerrcode)
{
	return 0;
}

int
errmsg(const char *fmt,...)
{
	return 0;
}

int
errdetail(const char *fmt,...)
{
	return 0;
}

int
errhint(const char *fmt,...)
{
	return 0;
}
