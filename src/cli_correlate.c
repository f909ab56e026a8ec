/* cli_correlate: `loadlens correlate` — join a run's client failures to its server events
 * (DESIGN §5.3) and store the result; `loadlens failures` lists them one by one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/cli.h"
#include "loadlens/correlate.h"
#include "loadlens/options.h"
#include "loadlens/store.h"
#include "loadlens/banned.h"

static const char *const usage[] = {
	"loadlens correlate [--db PATH] [--window-ms N] [--skew-ms N|auto] [--max-skew-ms N]\n"
	"                          [--levels warn,error] [--format text|json|markdown] RUN",
	NULL,
};
static const char *const formats[] = { "text", "json", "markdown", NULL };

/* "warn,error" -> level bits; false on an unknown name. */
static bool parse_levels(const char *s, unsigned *mask)
{
	static const char *const names[] = { "", "trace", "debug", "info", "warn", "error" };
	*mask = 0;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		unsigned found = 0;
		for (unsigned l = 1; l < 6; l++)
			if (strlen(names[l]) == len && strncmp(names[l], s, len) == 0)
				found = l;
		if (!found)
			return false;
		*mask |= LL_CORR_LEVEL_BIT(found);
		s += len + (comma ? 1 : 0);
	}
	return *mask != 0;
}

/* "auto", or a whole number of milliseconds (may be negative: the server clock behind). */
static bool parse_skew(const char *s, bool *given, int64_t *skew_us)
{
	if (strcmp(s, "auto") == 0) {
		*given = false;
		return true;
	}
	char *end = NULL;
	errno = 0;
	double ms = strtod(s, &end);
	if (!*s || *end || errno || ms != ms || ms > 86400000.0 || ms < -86400000.0)
		return false;
	*given = true;
	*skew_us = (int64_t)(ms * 1000.0);
	return true;
}

enum ll_status ll_cli_correlate(int argc, char **argv)
{
	struct {
		const char *db, *format, *skew, *levels;
		double window_ms, max_skew_ms;
	} o = { NULL, "text", "auto", "warn,error", 50, 2000 };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "window-ms", 'w', LL_OPT_DOUBLE, "N", "how long before a failure a server event may explain it (default 50)", &o.window_ms, NULL },
		{ "skew-ms", 0, LL_OPT_STRING, "N|auto", "server clock minus client clock; auto: from request ids or a search", &o.skew, NULL },
		{ "max-skew-ms", 0, LL_OPT_DOUBLE, "N", "search the skew within +-N ms (default 2000)", &o.max_skew_ms, NULL },
		{ "levels", 0, LL_OPT_STRING, "LIST", "server levels that can explain a failure (default warn,error)", &o.levels, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format", &o.format, formats },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	struct ll_corr_params p;
	ll_corr_params_default(&p);
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos != 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "expected one RUN, got %d", npos);
	if (st == LL_OK && !help && !parse_skew(o.skew, &p.skew_given, &p.skew_us))
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL,
		                  "--skew-ms: expected a number of milliseconds or 'auto', found '%s'", o.skew);
	if (st == LL_OK && !help && !parse_levels(o.levels, &p.level_mask))
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL,
		                  "--levels: expected a comma-separated list of trace, debug, info, warn, error; found '%s'",
		                  o.levels);
	if (st) {
		return ll_cli_usage_fail("correlate", &err, pos);
	}
	if (help) {
		ll_options_help(stdout, usage,
		                "Joins the run's load tester failures to its server events: by request "
		                "id, then by time\nafter estimating the clock skew. Stores the result "
		                "(re-running replaces it) and prints,\nper operation and status, what "
		                "the server logged for those failures, and what it did not.",
		                opts, nopts);
		free(pos);
		return LL_OK;
	}
	p.window_us = (int64_t)(o.window_ms * 1000);
	p.max_skew_us = (int64_t)(o.max_skew_ms * 1000);
	struct ll_store *s = NULL;
	struct ll_corr_data d = { 0 };
	struct ll_corr_result r = { 0 };
	struct ll_corr_summary sum = { 0 };
	if ((st = ll_store_open(ll_cli_db_path(o.db), LL_STORE_READ_WRITE, &s, &err)) ||
	    (st = ll_store_load_corr_data(s, pos[0], p.level_mask, &d, &err)))
		goto done;
	if (d.n_failures == 0) {
		st = ll_error_set(&err, LL_INPUT, NULL, 0, NULL,
		                  "run '%s' has no load tester failures: ingest its load tester output first",
		                  pos[0]);
		goto done;
	}
	if ((st = ll_correlate(d.failures, d.n_failures, d.events, d.n_events, &p, &r, &err)) ||
	    (st = ll_store_save_correlations(s, &d, &r, &err)) ||
	    (st = ll_corr_summarize(d.failures, d.events, &r, &sum, &err)))
		goto done;
	struct ll_correlate_view v = { pos[0], &p, &r, &sum, d.n_failures, d.n_events };
	struct ll_out out;
	ll_cli_stdout(&out);
	if ((st = ll_render_correlate(&out, ll_cli_format(o.format), &v, &err)) == LL_OK)
		st = ll_out_finish(&out, &err);
done:
	if (st)
		ll_cli_print_error(&err);
	ll_corr_summary_release(&sum);
	ll_corr_result_release(&r);
	ll_corr_data_release(&d);
	ll_store_close(s);
	ll_error_release(&err);
	free(pos);
	return st;
}

static const char *const failures_usage[] = {
	"loadlens failures [--db PATH] [--op OP] [--unexplained] [--limit N]\n"
	"                         [--format text|json|markdown] RUN",
	NULL,
};

enum ll_status ll_cli_failures(int argc, char **argv)
{
	struct {
		const char *db, *format, *op;
		bool unexplained;
		long long limit;
	} o = { NULL, "text", NULL, false, 0 };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "op", 0, LL_OPT_STRING, "OP", "only this operation (Store, Recall, Search, PatternCompletion, ...)", &o.op, NULL },
		{ "unexplained", 'u', LL_OPT_FLAG, NULL, "only failures no server event explains", &o.unexplained, NULL },
		{ "limit", 'n', LL_OPT_COUNT, "N", "at most N rows (default all)", &o.limit, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format", &o.format, formats },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos != 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "expected one RUN, got %d", npos);
	if (st) {
		return ll_cli_usage_fail("failures", &err, pos);
	}
	if (help) {
		ll_options_help(stdout, failures_usage,
		                "One row per load tester failure, in time order: its client line, "
		                "status and message, and\nthe server event that explains it "
		                "(file:line, level, message, time difference) or why\nthere is none. "
		                "Run 'loadlens correlate RUN' first.", opts, nopts);
		free(pos);
		return LL_OK;
	}
	struct ll_store *s = NULL;
	struct ll_failure_row *rows = NULL;
	size_t n = 0;
	struct ll_failure_filter f = { o.op, o.unexplained, (size_t)o.limit };
	if ((st = ll_store_open(ll_cli_db_path(o.db), LL_STORE_READ_ONLY, &s, &err)) ||
	    (st = ll_store_list_failures(s, pos[0], &f, &rows, &n, &err)))
		goto done;
	struct ll_out out;
	ll_cli_stdout(&out);
	if ((st = ll_render_failures(&out, ll_cli_format(o.format), pos[0], rows, n, &err)) == LL_OK)
		st = ll_out_finish(&out, &err);
done:
	if (st)
		ll_cli_print_error(&err);
	ll_failure_rows_free(rows, n);
	ll_store_close(s);
	ll_error_release(&err);
	free(pos);
	return st;
}
