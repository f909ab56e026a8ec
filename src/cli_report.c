/* cli_report: `loadlens report` — the post-mortem of a run (issue 5) as text, Markdown or
 * one self-contained HTML page. Exit 0 when the run is a valid baseline, 1 when invalid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "loadlens/check.h"
#include "loadlens/cli.h"
#include "loadlens/correlate.h"
#include "loadlens/file.h"
#include "loadlens/options.h"
#include "loadlens/postmortem.h"
#include "loadlens/store.h"
#include "loadlens/banned.h"

static const char *const usage[] = {
	"loadlens report [--db PATH] [--format text|markdown|html] [-o FILE]\n"
	"                       [--max-error-rate R] [--min-throughput N] [--max-p99-ms X] [--min-ops N]\n"
	"                       [--top N] RUN",
	NULL,
};
static const char *const formats[] = { "text", "markdown", "html", NULL };

/* Every level, so each server event a stored correlation names is loaded (the correlator
 * itself only matches the levels of its own parameters). */
#define ALL_LEVELS 0x3fu
#define MAX_PANICS 20

/* The correlation summary of the run: the stored result of `loadlens correlate` when there
 * is one, else computed here with the default parameters (not stored: report only reads). */
static enum ll_status correlation(struct ll_store *s, const char *run, const struct ll_report_data *rd,
                                  struct ll_corr_data *d, struct ll_corr_result *r,
                                  struct ll_corr_summary *sum, enum ll_pm_corr_source *src,
                                  struct ll_error *err)
{
	*src = LL_PM_CORR_NONE;
	if (rd->n_groups == 0 || !rd->has_server_log)
		return LL_OK;
	enum ll_status st;
	bool found = false;
	if ((st = ll_store_load_corr_data(s, run, ALL_LEVELS, d, err)) ||
	    (st = ll_store_load_correlations(s, d, &found, r, err)))
		return st;
	if (!found) {
		ll_corr_result_release(r);
		struct ll_corr_params p;
		ll_corr_params_default(&p);
		if ((st = ll_correlate(d->failures, d->n_failures, d->events, d->n_events, &p, r, err)))
			return st;
	}
	*src = found ? LL_PM_CORR_STORED : LL_PM_CORR_COMPUTED;
	return ll_corr_summarize(d->failures, d->events, r, sum, err);
}

enum ll_status ll_cli_report(int argc, char **argv)
{
	struct {
		const char *db, *format, *output;
		double max_error_rate, min_throughput, max_p99_ms;
		long long min_ops, top;
	} o = { NULL, "text", NULL, 0.01, NAN, NAN, -1, 10 };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format (html: one self-contained page)", &o.format, formats },
		{ "output", 'o', LL_OPT_STRING, "FILE", "write to FILE (atomically: a temporary file renamed) instead of stdout", &o.output, NULL },
		{ "max-error-rate", 0, LL_OPT_DOUBLE, "R", "check: highest error rate, a fraction 0..1 (default 0.01)", &o.max_error_rate, NULL },
		{ "min-throughput", 0, LL_OPT_DOUBLE, "N", "check: lowest throughput in ops/s (default: no limit)", &o.min_throughput, NULL },
		{ "max-p99-ms", 0, LL_OPT_DOUBLE, "X", "check: highest p99 latency in ms (default: no limit)", &o.max_p99_ms, NULL },
		{ "min-ops", 0, LL_OPT_COUNT, "N", "check: fewest operations (default: no limit)", &o.min_ops, NULL },
		{ "top", 0, LL_OPT_COUNT, "N", "server WARN/ERROR message templates to list (default 10)", &o.top, NULL },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && npos != 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "expected one RUN, got %d", npos);
	if (st == LL_OK && o.max_error_rate > 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL,
		                  "--max-error-rate: expected a fraction 0..1, found %g (1%% is 0.01)",
		                  o.max_error_rate);
	if (st) {
		return ll_cli_usage_fail("report", &err, pos);
	}
	if (help) {
		ll_options_help(stdout, usage,
		                "The post-mortem of a run from the database: verdict and check findings, "
		                "summary, per operation\nthe failures by status with message templates, "
		                "examples and what the server logged for them,\ncommon patterns, the "
		                "timeline of errors per second, the server log, next steps with their\n"
		                "evidence, and provenance. Ingest the run's report and logs first. The "
		                "correlation is the one\nstored by 'loadlens correlate RUN'; when there is "
		                "none, it is computed for the report with\ncorrelate's defaults (and not "
		                "stored). Exit 0 when the run is a valid baseline, 1 when not.",
		                opts, nopts);
		free(pos);
		return LL_OK;
	}
	const char *run = pos[0];
	struct ll_check_params cp;
	ll_check_params_default(&cp);
	cp.max_error_rate_frac = o.max_error_rate;
	cp.min_throughput = o.min_throughput;
	cp.max_p99_ms = o.max_p99_ms;
	cp.min_ops = o.min_ops;

	struct ll_store *s = NULL;
	struct ll_run_info ri = { 0 };
	struct ll_check_result res = LL_CHECK_RESULT_INIT;
	struct ll_report_data rd = { 0 };
	struct ll_corr_data cd = { 0 };
	struct ll_corr_result cr = { 0 };
	struct ll_corr_summary sum = { 0 };
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	struct ll_atomic_file af = { 0 };
	enum ll_pm_corr_source src = LL_PM_CORR_NONE;
	if ((st = ll_store_open(ll_cli_db_path(o.db), LL_STORE_READ_ONLY, &s, &err)) ||
	    (st = ll_store_get_run(s, run, &ri, &err)))
		goto done;
	if (ri.report.source == LL_SOURCE_NONE) {
		st = ll_error_set(&err, LL_INPUT, NULL, 0, NULL,
		                  "run '%s' has no report yet (ingest its JSON report or the load "
		                  "tester's output)", run);
		goto done;
	}
	if ((st = ll_check_run(&ri.report, &cp, &res, &err)) ||
	    (st = ll_store_load_report_data(s, run, (size_t)o.top, MAX_PANICS, &rd, &err)) ||
	    (st = correlation(s, run, &rd, &cd, &cr, &sum, &src, &err)))
		goto done;
	struct ll_pm_input in = {
		.run = run, .version = LOADLENS_VERSION, .report = &ri.report, .check_params = &cp,
		.check = &res, .header = rd.header, .inputs = rd.inputs, .n_inputs = rd.n_inputs,
		.has_client_log = rd.has_client_log, .has_server_log = rd.has_server_log,
		.has_client_span = rd.has_client_span, .client_first_ts_us = rd.client_first_ts_us,
		.client_last_ts_us = rd.client_last_ts_us, .groups = rd.groups, .n_groups = rd.n_groups,
		.seconds = rd.seconds, .n_seconds = rd.n_seconds, .levels = rd.levels,
		.n_levels = rd.n_levels, .server_templates = rd.server_templates,
		.n_server_templates = rd.n_server_templates, .panics = rd.panics, .n_panics = rd.n_panics,
		.corr_source = src, .corr = src == LL_PM_CORR_NONE ? NULL : &sum,
		.corr_result = src == LL_PM_CORR_COMPUTED ? &cr : NULL,
	};
	if ((st = ll_postmortem_build(&in, &pm, &err)))
		goto done;
	struct ll_out out;
	ll_cli_stdout(&out);
	if (o.output) {
		if ((st = ll_file_atomic_open(o.output, &af, &err)))
			goto done;
		out.fp = af.fp;
		out.color = false;
	}
	if ((st = ll_render_report(&out, ll_cli_format(o.format), &pm, &err)) ||
	    (st = ll_out_finish(&out, &err)))
		goto done;
	if (o.output && (st = ll_file_atomic_commit(&af, &err)))
		goto done;
	st = res.valid ? LL_OK : LL_FINDING;
done:
	if (st && st != LL_FINDING)
		ll_cli_print_error(&err);
	ll_file_atomic_abort(&af);
	ll_postmortem_release(&pm);
	ll_corr_summary_release(&sum);
	ll_corr_result_release(&cr);
	ll_corr_data_release(&cd);
	ll_report_data_release(&rd);
	ll_check_result_release(&res);
	ll_run_info_release(&ri);
	ll_store_close(s);
	ll_error_release(&err);
	free(pos);
	return st;
}
