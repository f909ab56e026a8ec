/* cli_check: `loadlens check` — is this run a usable baseline? Exit 1 when invalid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "loadlens/check.h"
#include "loadlens/cli.h"
#include "loadlens/options.h"
#include "loadlens/banned.h"

static const char *const usage[] = {
	"loadlens check [--db PATH] [--max-error-rate R] [--min-throughput N] [--max-p99-ms X]\n"
	"                      [--min-ops N] [--format text|json|markdown|junit] RUN|FILE",
	NULL,
};
static const char *const formats[] = { "text", "json", "markdown", "junit", NULL };

enum ll_status ll_cli_check(int argc, char **argv)
{
	struct {
		const char *db;
		const char *format;
		double max_error_rate;
		double min_throughput;
		double max_p99_ms;
		long long min_ops;
	} o = { NULL, "text", 0.01, NAN, NAN, -1 };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file, for a RUN (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "max-error-rate", 0, LL_OPT_DOUBLE, "R", "highest error rate, a fraction 0..1 (default 0.01)", &o.max_error_rate, NULL },
		{ "min-throughput", 0, LL_OPT_DOUBLE, "N", "lowest throughput in ops/s (default: no limit)", &o.min_throughput, NULL },
		{ "max-p99-ms", 0, LL_OPT_DOUBLE, "X", "highest p99 latency in ms (default: no limit)", &o.max_p99_ms, NULL },
		{ "min-ops", 0, LL_OPT_COUNT, "N", "fewest operations (default: no limit)", &o.min_ops, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format", &o.format, formats },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	struct ll_subject subj = { 0 };
	struct ll_check_result res = LL_CHECK_RESULT_INIT;
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos != 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "expected one RUN or FILE, got %d", npos);
	if (st == LL_OK && o.max_error_rate > 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL,
		                  "--max-error-rate: expected a fraction 0..1, found %g (1%% is 0.01)",
		                  o.max_error_rate);
	if (st) {
		st = ll_cli_usage_error("check", &err);
		goto done;
	}
	if (help) {
		ll_options_help(stdout, usage, "Checks a run (a name in the database) or a report file "
		                "(no database touched) against the rules of a usable baseline.\n"
		                "Exit 0 when valid, 1 when invalid; every finding has a rule id, a "
		                "severity and its numbers.", opts, nopts);
		goto done;
	}
	struct ll_check_params p;
	ll_check_params_default(&p);
	p.max_error_rate_frac = o.max_error_rate;
	p.min_throughput = o.min_throughput;
	p.max_p99_ms = o.max_p99_ms;
	p.min_ops = o.min_ops;
	if ((st = ll_cli_load_report(pos[0], ll_cli_db_path(o.db), &r, &subj, &err)) ||
	    (st = ll_check_run(&r, &p, &res, &err)))
		goto fail;
	struct ll_out out;
	ll_cli_stdout(&out);
	if ((st = ll_render_check(&out, ll_cli_format(o.format), &subj, &p, &r, &res, &err)) ||
	    (st = ll_out_finish(&out, &err)))
		goto fail;
	st = res.valid ? LL_OK : LL_FINDING;
	goto done;
fail:
	ll_cli_print_error(&err);
done:
	ll_check_result_release(&res);
	ll_subject_release(&subj);
	ll_run_report_release(&r);
	ll_error_release(&err);
	free(pos);
	return st;
}
