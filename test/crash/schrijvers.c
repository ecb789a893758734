/*
 * schrijvers.c
 *		The writers of the crash test (test/crash/crash.sh): N processes that
 *		log verwerkingsacties through the extension's SQL API until the
 *		server goes away, and record every action the server acknowledged.
 *
 *		schrijvers CONNINFO N OUTFILE_PREFIX CYCLE [MAX_SECONDS]
 *
 * Writer i writes OUTFILE_PREFIX.i, one line per acknowledged action:
 *
 *		actieId TAB kind TAB document
 *
 * kind 'E': logged with log_verwerkingsactie; the document is what the call
 * returned, and reading the action back must give exactly that document.
 * kind 'C': logged in a batch with log_verwerkingsacties; the document is
 * the input, and the action read back must contain it (and have as many
 * verwerkteObjecten).  A line is written only after the call returned, so
 * after the commit was acknowledged; a call that was in flight when the
 * server died is not acknowledged and is not recorded.
 *
 * Every third call is a batch of 10.  A writer stops when its connection
 * breaks (the crash), after MAX_SECONDS (default 120) as a safeguard, or on
 * an SQL error, which is a failure of the test (exit 2).  The parent exits
 * 0 when every writer stopped because the connection broke or time ran out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#define BATCH 10

/* Append one action's document (text form) for writer w, call n, item k. */
static int
document(char *buf, size_t len, int w, int cycle, long n, int k)
{
	/* Identifiers vary per action so that the person index grows too. */
	unsigned long bsn = 100000000UL + ((unsigned long) w * 7919UL +
									   (unsigned long) n * 104729UL +
									   (unsigned long) k * 31UL) % 899999999UL;

	return snprintf(buf, len,
					"{\"actieNaam\": \"crash w%d c%d n%ld k%d\", "
					"\"handelingNaam\": \"crashtest\", "
					"\"verwerkingNaam\": \"crash cycle %d\", "
					"\"verwerkingId\": \"%08x-0000-4000-8000-%012lx\", "
					"\"vertrouwelijkheid\": \"%s\", "
					"\"tijdstip\": \"2024-04-05T14:%02d:%02d.%03d+01:00\", "
					"\"uitvoerder\": \"00000001234567890000\", "
					"\"systeem\": \"crash\", \"gebruiker\": \"w%d\", "
					"\"verwerkteObjecten\": ["
					"{\"objecttype\": \"persoon\", \"soortObjectId\": \"BSN\", "
					"\"objectId\": \"%09lu\", \"betrokkenheid\": \"Aanvrager\", "
					"\"verwerkteSoortenGegevens\": [{\"soortGegeven\": \"Naam\"}, {\"soortGegeven\": \"Adres\"}]}, "
					"{\"objecttype\": \"persoon\", \"soortObjectId\": \"BSN\", "
					"\"objectId\": \"%09lu\"}]}",
					w, cycle, n, k, cycle,
					(unsigned) cycle, (unsigned long) (w * 1000000L + n * BATCH + k),
					(n + k) % 5 == 0 ? "vertrouwelijk" : "normaal",
					(int) (n % 60), (int) ((n / 60) % 60), k,
					w, bsn, (bsn + 1) % 1000000000UL);
}

/* Write one acknowledgement line and push it to the file at once. */
static void
bevestig(FILE *uit, const char *id, char soort, const char *doc)
{
	fprintf(uit, "%s\t%c\t%s\n", id, soort, doc);
	fflush(uit);
}

/*
 * One writer: log until the connection breaks.  Returns the exit code:
 * 0 connection lost or time up, 2 an SQL error on a live connection.
 */
static int
schrijver(const char *conninfo, int w, const char *prefix, int cycle, int max_sec)
{
	char		pad[4096];
	char		doc[2048];
	char	   *reeks;
	FILE	   *uit;
	PGconn	   *conn;
	time_t		einde = time(NULL) + max_sec;
	long		n;
	long		bevestigd = 0;

	snprintf(pad, sizeof(pad), "%s.%d", prefix, w);
	uit = fopen(pad, "a");
	if (uit == NULL)
	{
		fprintf(stderr, "writer %d: cannot open %s: %s\n", w, pad, strerror(errno));
		return 2;
	}
	conn = PQconnectdb(conninfo);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		fprintf(stderr, "writer %d: %s", w, PQerrorMessage(conn));
		return 2;
	}
	reeks = malloc(BATCH * sizeof(doc) + 16);

	for (n = 0; time(NULL) < einde; n++)
	{
		PGresult   *res;
		const char *param[1];

		if (n % 3 == 2)
		{
			/* A batch: log_verwerkingsacties returns the ids in input order. */
			size_t		len = 0;
			int			k;

			reeks[len++] = '[';
			for (k = 0; k < BATCH; k++)
			{
				if (k > 0)
					reeks[len++] = ',';
				len += document(reeks + len, sizeof(doc), w, cycle, n, k);
			}
			reeks[len++] = ']';
			reeks[len] = '\0';
			param[0] = reeks;
			res = PQexecParams(conn,
							   "SELECT verwerkingenlog.log_verwerkingsacties($1::jsonb)",
							   1, NULL, param, NULL, NULL, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == BATCH)
			{
				for (k = 0; k < BATCH; k++)
				{
					document(doc, sizeof(doc), w, cycle, n, k);
					bevestig(uit, PQgetvalue(res, k, 0), 'C', doc);
				}
				bevestigd += BATCH;
				PQclear(res);
				continue;
			}
		}
		else
		{
			document(doc, sizeof(doc), w, cycle, n, 0);
			param[0] = doc;
			res = PQexecParams(conn,
							   "SELECT r->>'actieId', r FROM verwerkingenlog.log_verwerkingsactie($1::jsonb) r",
							   1, NULL, param, NULL, NULL, 0);
			if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
			{
				bevestig(uit, PQgetvalue(res, 0, 0), 'E', PQgetvalue(res, 0, 1));
				bevestigd++;
				PQclear(res);
				continue;
			}
		}
		/* Not acknowledged: the crash, or a real error. */
		if (PQstatus(conn) == CONNECTION_BAD ||
			strstr(PQerrorMessage(conn), "terminating connection") != NULL ||
			strstr(PQerrorMessage(conn), "server closed the connection") != NULL)
		{
			PQclear(res);
			break;
		}
		fprintf(stderr, "writer %d: unexpected error: %s", w, PQerrorMessage(conn));
		PQclear(res);
		PQfinish(conn);
		fclose(uit);
		return 2;
	}
	PQfinish(conn);
	fclose(uit);
	printf("writer %d: %ld acknowledged\n", w, bevestigd);
	return 0;
}

int
main(int argc, char **argv)
{
	int			n,
				i,
				fout = 0;
	int			max_sec;

	if (argc < 5)
	{
		fprintf(stderr, "usage: %s CONNINFO N OUTFILE_PREFIX CYCLE [MAX_SECONDS]\n", argv[0]);
		return 64;
	}
	n = atoi(argv[2]);
	max_sec = argc > 5 ? atoi(argv[5]) : 120;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++)
	{
		pid_t		pid = fork();

		if (pid < 0)
		{
			perror("fork");
			return 2;
		}
		if (pid == 0)
			_exit(schrijver(argv[1], i, argv[3], atoi(argv[4]), max_sec));
	}
	for (i = 0; i < n; i++)
	{
		int			status;

		if (wait(&status) < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fout = 1;
	}
	return fout ? 2 : 0;
}
