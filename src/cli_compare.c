/* cli_compare: `loadlens compare` — baseline vs candidate. Exit 0 pass, 1 regression,
 * 4 when a run fails check (unless --allow-invalid). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "loadlens/cli.h"
#include "loadlens/compare.h"
#include "loadlens/options.h"
#include "loadlens/banned.h"

static const char *const usage[] = {
	"loadlens compare [--db PATH] [--competitive] [--latency-threshold PCT]\n"
	"                        [--throughput-threshold PCT] [--max-error-rate-increase PP]\n"
	"                        [--allow-invalid] [--format text|json|markdown|junit] BASE CAND",
	NULL,
};
static const char *const formats[] = { "text", "json", "markdown", "junit", NULL };

enum ll_status ll_cli_compare(int argc, char **argv)
{
	struct {
		const char *db;
		const char *format;
		bool competitive;
		bool allow_invalid;
		double latency_pct;
		double throughput_pct;
		double max_err_pp;
		double max_error_rate;
	} o = { NULL, "text", false, false, NAN, NAN, 1.0, 0.01 };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file, for runs (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "competitive", 0, LL_OPT_FLAG, NULL, "competitive-suite thresholds: 10% instead of 5%", &o.competitive, NULL },
		{ "latency-threshold", 0, LL_OPT_DOUBLE, "PCT", "p99 may rise this many percent (default 5)", &o.latency_pct, NULL },
		{ "throughput-threshold", 0, LL_OPT_DOUBLE, "PCT", "throughput may fall this many percent (default 5)", &o.throughput_pct, NULL },
		{ "max-error-rate-increase", 0, LL_OPT_DOUBLE, "PP", "error rate may rise this many points (default 1)", &o.max_err_pp, NULL },
		{ "max-error-rate", 0, LL_OPT_DOUBLE, "R", "check: highest error rate of a valid run, 0..1 (default 0.01)", &o.max_error_rate, NULL },
		{ "allow-invalid", 0, LL_OPT_FLAG, NULL, "compare even when a run fails check, and say so", &o.allow_invalid, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format", &o.format, formats },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	struct ll_run_report base = LL_RUN_REPORT_INIT, cand = LL_RUN_REPORT_INIT;
	struct ll_subject bs = { 0 }, cs = { 0 };
	struct ll_compare_result res = { 0 };
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos != 2)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "expected BASE and CAND, got %d argument%s",
		                  npos, npos == 1 ? "" : "s");
	if (st == LL_OK && o.max_error_rate > 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL,
		                  "--max-error-rate: expected a fraction 0..1, found %g", o.max_error_rate);
	if (st) {
		st = ll_cli_usage_error("compare", &err);
		goto done;
	}
	if (help) {
		ll_options_help(stdout, usage, "Compares p50/p95/p99, throughput, errors and error rate, "
		                "overall and per operation, of a baseline\nand a candidate (run names "
		                "or report files), with safe percentage deltas.", opts, nopts);
		goto done;
	}
	struct ll_compare_params p;
	ll_compare_params_default(&p, o.competitive);
	if (!isnan(o.latency_pct))
		p.latency_threshold_pct = o.latency_pct;
	if (!isnan(o.throughput_pct))
		p.throughput_threshold_pct = o.throughput_pct;
	p.max_error_rate_increase_pp = o.max_err_pp;
	p.allow_invalid = o.allow_invalid;
	p.check.max_error_rate_frac = o.max_error_rate;
	const char *db = ll_cli_db_path(o.db);
	if ((st = ll_cli_load_report(pos[0], db, &base, &bs, &err)) ||
	    (st = ll_cli_load_report(pos[1], db, &cand, &cs, &err)) ||
	    (st = ll_compare_runs(&base, &cand, &p, &res, &err)))
		goto fail;
	struct ll_out out;
	ll_cli_stdout(&out);
	if ((st = ll_render_compare(&out, ll_cli_format(o.format), &bs, &cs, &p, &res, &err)) ||
	    (st = ll_out_finish(&out, &err)))
		goto fail;
	st = res.verdict == LL_VERDICT_PASS         ? LL_OK
	     : res.verdict == LL_VERDICT_REGRESSION ? LL_FINDING
	                                            : LL_NOT_MEANINGFUL;
	goto done;
fail:
	ll_cli_print_error(&err);
done:
	ll_compare_result_release(&res);
	ll_subject_release(&bs);
	ll_subject_release(&cs);
	ll_run_report_release(&base);
	ll_run_report_release(&cand);
	ll_error_release(&err);
	free(pos);
	return st;
}
