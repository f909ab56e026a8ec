/* cli_ingest: `loadlens ingest` — reports and logs into the database, one transaction per
 * file. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loadlens/cli.h"
#include "loadlens/file.h"
#include "loadlens/ingest.h"
#include "loadlens/options.h"
#include "loadlens/store.h"
#include "loadlens/banned.h"

static const char *const usage[] = {
	"loadlens ingest [--db PATH] [--run NAME] [--label L] [--replace]\n"
	"                       [--kind auto|report|loadtest-log|server-log] FILE...",
	NULL,
};

static const char *const kinds[] = { "auto", "report", "loadtest-log", "server-log", NULL };

/* The one piece of global state: a signal handler can only talk through a flag. SIGINT
 * and SIGTERM set it (installed without SA_RESTART, so a blocked read returns EINTR); the
 * ingest loop polls it and rolls the file back. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct progress {
	const char *path;
	bool tty;
	struct timespec start;
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static bool on_progress(void *ctx, uint64_t bytes, long lines)
{
	struct progress *p = ctx;
	if (p->tty) {
		/* one redrawn line on a terminal only; never in a pipe or CI log */
		fprintf(stderr, "\rloadlens: reading %ld lines (%.1f MB), %.1f s", lines,
		        (double)bytes / 1e6, seconds_since(&p->start));
		fflush(stderr);
	}
	return !interrupted;
}

static enum ll_input_kind parse_kind(const char *k)
{
	if (strcmp(k, "report") == 0)
		return LL_KIND_REPORT;
	if (strcmp(k, "loadtest-log") == 0)
		return LL_KIND_LOADTEST_LOG;
	if (strcmp(k, "server-log") == 0)
		return LL_KIND_SERVER_LOG;
	return LL_KIND_AUTO;
}

static void report_stats(const char *path, const char *run, const struct ll_ingest_stats *st,
                         double secs)
{
	if (st->outcome == LL_INGEST_ALREADY) {
		ll_diag("%s: already ingested into run '%s' (same sha256); nothing changed", path, run);
		return;
	}
	if (st->kind == LL_KIND_REPORT) {
		ll_diag("%s: %s run '%s' (report, %zu operation types, %lld operations)", path,
		        st->outcome == LL_INGEST_REPLACED ? "replaced the report of" : "ingested as",
		        run, st->report_op_types, (long long)st->report_ops);
		return;
	}
	char failures[48] = "";
	if (st->kind == LL_KIND_LOADTEST_LOG)
		snprintf(failures, sizeof failures, " (%ld failures)", st->failures);
	ll_diag("%s: %s into run '%s': %ld lines, %ld events%s, %ld skipped, %.2f s, %.0f lines/s",
	        path, ll_input_kind_name(st->kind), run, st->lines, st->events, failures, st->skipped,
	        secs, secs > 0 ? (double)st->lines / secs : 0.0);
	for (size_t i = 0; i < st->n_first_skipped; i++)
		ll_diag("  %s:%ld: skipped: %s", path, st->first_skipped[i].line, st->first_skipped[i].reason);
	if (st->summary_is_report)
		ll_diag("%s: its summary block is the run's report (rounded: from text summary)", path);
	if (st->n_mismatches)
		ll_diag("%s: the summary block disagrees with the run's JSON report in %zu place%s: %s",
		        path, st->n_mismatches, st->n_mismatches == 1 ? "" : "s", st->mismatches);
}

enum ll_status ll_cli_ingest(int argc, char **argv)
{
	struct {
		const char *db, *run, *label, *kind;
		bool replace;
	} o = { NULL, NULL, NULL, "auto", false };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "run", 'r', LL_OPT_STRING, "NAME", "run name (reports: default the file name without .json; logs: required)", &o.run, NULL },
		{ "label", 'l', LL_OPT_STRING, "L", "a label for the run (e.g. baseline, candidate)", &o.label, NULL },
		{ "replace", 0, LL_OPT_FLAG, NULL, "replace the run's report if it has a different one", &o.replace, NULL },
		{ "kind", 'k', LL_OPT_CHOICE, "KIND", "what the files are; default: detect from content", &o.kind, kinds },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos == 0)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "no FILE given");
	if (st) {
		return ll_cli_usage_fail("ingest", &err, pos);
	}
	if (help) {
		ll_options_help(stdout, usage,
		                "Loads load-test JSON reports, the load tester's output and server logs "
		                "(- reads stdin)\ninto the database, one transaction per file: a bad "
		                "file changes nothing. The same content\nagain into the same run is a "
		                "no-op; a different report under an existing run name is\nrefused "
		                "unless --replace. Logs belong to a run: give --run.", opts, nopts);
		free(pos);
		return LL_OK;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	struct ll_store *s = NULL;
	enum ll_status first = ll_store_open(ll_cli_db_path(o.db), LL_STORE_READ_WRITE, &s, &err);
	if (first) {
		ll_cli_print_error(&err);
		ll_error_release(&err);
		free(pos);
		return first;
	}
	bool tty = isatty(STDERR_FILENO);
	for (int i = 0; i < npos && !interrupted; i++) {
		struct progress pr = { pos[i], tty, { 0, 0 } };
		clock_gettime(CLOCK_MONOTONIC, &pr.start);
		struct ll_ingest_request req = { .path = pos[i], .kind = parse_kind(o.kind), .run = o.run,
			                         .label = o.label, .replace = o.replace,
			                         .progress = on_progress, .progress_ctx = &pr };
		struct ll_ingest_stats stats;
		st = ll_ingest_file(s, &req, &stats, &err);
		if (tty && stats.lines >= 65536)
			fputs("\r\033[2K", stderr);
		if (st == LL_OK) {
			const char *run = o.run;
			char *stem = NULL;
			if (!run)
				run = stem = ll_file_stem(pos[i], ".json");
			report_stats(pos[i], run ? run : "?", &stats, seconds_since(&pr.start));
			free(stem);
		} else {
			if (interrupted)
				ll_error_prefix(&err, "interrupted by a signal");
			ll_cli_print_error(&err);
			ll_error_release(&err);
			if (!first)
				first = st;
		}
		ll_ingest_stats_release(&stats);
	}
	ll_store_close(s);
	free(pos);
	return first;
}
