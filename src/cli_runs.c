/* cli_runs: `loadlens runs` — the runs in the database with their check verdicts. */
#include <stdio.h>
#include <stdlib.h>

#include "loadlens/check.h"
#include "loadlens/cli.h"
#include "loadlens/options.h"
#include "loadlens/store.h"
#include "loadlens/banned.h"

static const char *const usage[] = { "loadlens runs [--db PATH] [--format text|json]", NULL };
static const char *const formats[] = { "text", "json", NULL };

enum ll_status ll_cli_runs(int argc, char **argv)
{
	struct {
		const char *db;
		const char *format;
	} o = { NULL, "text" };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format", &o.format, formats },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos > 0)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "unexpected argument '%s'", pos[0]);
	if (st) {
		st = ll_cli_usage_error("runs", &err);
		goto done;
	}
	if (help) {
		ll_options_help(stdout, usage, "Lists every run: name, label, operations, errors, error "
		                "rate, throughput, p99 and its check verdict (default thresholds).",
		                opts, nopts);
		goto done;
	}
	const char *db = ll_cli_db_path(o.db);
	struct ll_store *s = NULL;
	struct ll_run_info *runs = NULL;
	size_t n = 0;
	struct ll_check_result *verdicts = NULL;
	if ((st = ll_store_open(db, LL_STORE_READ_ONLY, &s, &err)) ||
	    (st = ll_store_list_runs(s, &runs, &n, &err)))
		goto report;
	verdicts = calloc(n ? n : 1, sizeof *verdicts);
	if (!verdicts) {
		st = ll_error_set(&err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		goto report;
	}
	struct ll_check_params p;
	ll_check_params_default(&p);
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		verdicts[i] = (struct ll_check_result)LL_CHECK_RESULT_INIT;
		if (runs[i].report.source != LL_SOURCE_NONE)
			st = ll_check_run(&runs[i].report, &p, &verdicts[i], &err);
	}
	if (st == LL_OK) {
		struct ll_out out;
		ll_cli_stdout(&out);
		if ((st = ll_render_runs(&out, ll_cli_format(o.format), db, runs, verdicts, n, &err)) == LL_OK)
			st = ll_out_finish(&out, &err);
	}
report:
	if (st)
		ll_cli_print_error(&err);
	if (verdicts)
		for (size_t i = 0; i < n; i++)
			ll_check_result_release(&verdicts[i]);
	free(verdicts);
	ll_run_infos_free(runs, n);
	ll_store_close(s);
done:
	ll_error_release(&err);
	free(pos);
	return st;
}
