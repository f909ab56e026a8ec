/* postmortem: the post-mortem view built from literal structs (no database, no files):
 * causes per operation joined to the correlation, the burst measure, patterns, and next
 * steps that cite their evidence; a clean run gets none. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/check.h"
#include "loadlens/postmortem.h"

/* A run shaped like M17, small: PatternCompletion fails every time with a 422 the server
 * never logs; Store fails with 500s the server logs (one per second, evenly) and with 30
 * network errors packed into one second. The client log spans 60 seconds. */
static struct ll_op_stats ops[] = {
	{ .op = "PatternCompletion", .count = 60, .success_count = 0, .error_count = 60,
	  .p50_us = 180, .p95_us = 290, .p99_us = 340, .p999_us = 400, .max_us = 500, .mean_us = 200, .has_detail = true },
	{ .op = "Store", .count = 1000, .success_count = 910, .error_count = 90,
	  .p50_us = 410, .p95_us = 600, .p99_us = 650, .p999_us = 900, .max_us = 1000, .mean_us = 420, .has_detail = true },
};

static struct ll_run_report report(void)
{
	return (struct ll_run_report){ .config_name = "m17_small", .elapsed_s = 60, .total_ops = 1060,
		.total_errors = 150, .throughput = 1060.0 / 60, .error_rate_frac = 150.0 / 1060,
		.p50_ms = 0.41, .p95_ms = 0.6, .p99_ms = 0.65, .ops = ops, .n_ops = 2,
		.source = LL_SOURCE_JSON };
}

static const struct ll_pm_failure_group groups[] = {
	{ "Store", 0, NULL, "network", NULL, "Store: network error", "Store: network error", 30 },
	{ "PatternCompletion", 422, "Unprocessable Entity", "http", "MEMORY_VALIDATION_ERROR",
	  "Completion confidence <num> below threshold", "Completion confidence 0.16 below threshold", 60 },
	{ "Store", 500, "Internal Server Error", "http", "MEMORY_SYSTEM_ERROR",
	  "Memory <str> was stored but event notification failed", "Memory 'mem_1' was stored but event notification failed", 60 },
};

static struct ll_corr_template_count store_server[] = { { 7, "CRITICAL streaming failure", 60 } };
static struct ll_corr_group corr_groups[] = {
	{ .op = "PatternCompletion", .status = 422, .error_class = "http", .failures = 60, .unexplained = 60 },
	{ .op = "Store", .status = 0, .error_class = "network", .failures = 30, .unexplained = 30 },
	{ .op = "Store", .status = 500, .error_class = "http", .failures = 60, .by_time = 60,
	  .templates = store_server, .n_templates = 1 },
};
static const struct ll_corr_summary corr = { corr_groups, 3 };

#define T0 1762671202LL

/* Errors per second: one 422 and one 500 every second, 30 network errors at +10 s. */
static struct ll_pm_error_second seconds[121];

static size_t fill_seconds(void)
{
	size_t n = 0;
	for (int64_t s = 0; s < 60; s++) {
		seconds[n++] = (struct ll_pm_error_second){ "PatternCompletion", "http", T0 + s, 1 };
		seconds[n++] = (struct ll_pm_error_second){ "Store", "http", T0 + s, 1 };
	}
	seconds[n++] = (struct ll_pm_error_second){ "Store", "network", T0 + 10, 30 };
	return n;
}

static const struct ll_pm_level_count levels[] = { { "INFO", 500 }, { "WARN", 60 }, { "ERROR", 61 } };
static const struct ll_pm_panic panics[] = {
	{ "server.log", 900, (T0 + 61) * 1000000, "engram", "PANIC: Thread panicked RecvError",
	  "engram-core/src/store.rs:829:42" },
};
static const struct ll_pm_input_file inputs[] = {
	{ "run.json", "report", "ab", 100, -1, -1, -1 },
	{ "client.log", "loadtest-log", "cd", 1000, 200, 190, 0 },
	{ "server.log", "server-log", "ef", 5000, 700, 680, 2 },
};

struct fixture {
	struct ll_run_report r;
	struct ll_check_params cp;
	struct ll_check_result ck;
	struct ll_pm_input in;
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->r = report();
	ll_check_params_default(&f->cp);
	f->ck = (struct ll_check_result)LL_CHECK_RESULT_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_check_run(&f->r, &f->cp, &f->ck, &err), LL_OK);
	f->in = (struct ll_pm_input){
		.run = "m17_small", .version = "9.9.9", .report = &f->r, .check_params = &f->cp,
		.check = &f->ck,
		.header = { "m17_small", true, 42, true, 1000.0, true, 60.0, "http://localhost:7432" },
		.inputs = inputs, .n_inputs = 3, .has_client_log = true, .has_server_log = true,
		.has_client_span = true, .client_first_ts_us = T0 * 1000000 + 100000,
		.client_last_ts_us = (T0 + 59) * 1000000 + 900000,
		.groups = groups, .n_groups = 3, .seconds = seconds, .n_seconds = fill_seconds(),
		.levels = levels, .n_levels = 3, .panics = panics, .n_panics = 1,
		.corr_source = LL_PM_CORR_STORED, .corr = &corr,
	};
}

static const struct ll_pm_step *step_with(const struct ll_postmortem *pm, const char *action_part)
{
	for (size_t i = 0; i < pm->n_steps; i++)
		if (strstr(pm->steps[i].action, action_part))
			return &pm->steps[i];
	return NULL;
}

static const struct ll_pm_pattern *pattern_of(const struct ll_postmortem *pm, enum ll_pm_pattern_kind k,
                                              const char *part)
{
	for (size_t i = 0; i < pm->n_patterns; i++)
		if (pm->patterns[i].kind == k && (!part || strstr(pm->patterns[i].text, part)))
			return &pm->patterns[i];
	return NULL;
}

Test(postmortem, causes_per_operation_join_the_correlation)
{
	struct fixture f;
	fixture_init(&f);
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_postmortem_build(&f.in, &pm, &err), LL_OK);
	cr_assert_eq(pm.n_ops, 2);
	const struct ll_pm_op *pc = &pm.ops[0], *st = &pm.ops[1];
	cr_expect_str_eq(pc->op, "PatternCompletion");
	cr_expect(pc->all_failed);
	cr_expect_eq(pc->explained, 0);
	cr_expect_eq(pc->unexplained, 60);
	cr_expect_eq(st->explained, 60);
	cr_expect_eq(st->unexplained, 30);
	cr_expect_eq(pm.explained, 60);
	cr_expect_eq(pm.unexplained, 90);
	cr_expect_eq(pm.total_failures_logged, 150);
	cr_assert_eq(st->n_causes, 2);
	cr_expect_eq(st->causes[0].status, 500, "most failures first");
	cr_expect_str_eq(st->causes[0].label, "500 Internal Server Error");
	cr_expect_float_eq(st->causes[0].share_pct, 200.0 / 3, 1e-9);
	cr_expect_eq(st->causes[0].n_server, 1);
	cr_expect_str_eq(st->causes[0].server[0].text, "CRITICAL streaming failure");
	cr_expect_null(st->causes[0].server_note);
	cr_expect_str_eq(st->causes[1].label, "network error");
	cr_expect(strstr(st->causes[1].server_note, "the server logged nothing for these 30 network errors"),
	          "%s", st->causes[1].server_note);
	cr_expect_str_eq(pc->causes[0].server_note, "the server logged nothing for these 60 failures");
	cr_expect_str_eq(pc->causes[0].messages[0].example, "Completion confidence 0.16 below threshold");
	cr_expect_float_eq(pm.throughput_of_target_pct, 1060.0 / 60 / 10, 1e-9);
	cr_expect_eq(pm.server_events, 621);
	ll_postmortem_release(&pm);
	ll_check_result_release(&f.ck);
}

Test(postmortem, dispersion_tells_bursts_from_an_even_spread)
{
	struct fixture f;
	fixture_init(&f);
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_postmortem_build(&f.in, &pm, &err), LL_OK);
	const struct ll_pm_timeline *t = &pm.timeline;
	cr_assert(t->present);
	cr_expect_eq(t->bucket_s, 1);
	cr_expect_eq(t->n_buckets, 60);
	cr_expect_eq(t->start_ts_us, T0 * 1000000);
	cr_assert_eq(t->n_series, 2);
	cr_expect_str_eq(t->series[1].op, "Store");
	cr_expect_eq(t->series[1].total, 90);
	cr_expect_eq(t->series[1].peak, 31);
	cr_expect_eq(t->series[1].counts[10], 31);
	cr_expect_eq(t->peak, 31);
	cr_expect_float_eq(t->series[0].dispersion, 0.0, 1e-12, "one error every second: D = 0");
	cr_assert_eq(t->n_bursts, 2);
	cr_expect_str_eq(t->bursts[0].error_class, "http");
	cr_expect_not(t->bursts[0].bursty);
	cr_expect_str_eq(t->bursts[1].error_class, "network");
	/* 30 in one of 60 buckets: mean 0.5, variance (29.5^2 + 59 * 0.25) / 60 = 14.75 */
	cr_expect_float_eq(t->bursts[1].dispersion, 29.5, 1e-9);
	cr_expect(t->bursts[1].bursty);
	cr_expect_eq(t->bursts[1].peak_bucket, 10);
	cr_expect(strstr(t->measure, "index of dispersion D = variance / mean"), "%s", t->measure);
	cr_expect(pattern_of(&pm, LL_PM_PATTERN_TIMING, "network errors come in bursts: index of dispersion 29.5; "
	                                              "90% of the 30 fall within 1 of the run's 60"));
	cr_expect(pattern_of(&pm, LL_PM_PATTERN_TIMING, "http errors are spread evenly over the run: index of dispersion 0.0"));
	ll_postmortem_release(&pm);
	ll_check_result_release(&f.ck);
}

Test(postmortem, patterns_and_next_steps_cite_their_evidence)
{
	struct fixture f;
	fixture_init(&f);
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_postmortem_build(&f.in, &pm, &err), LL_OK);
	cr_expect(pattern_of(&pm, LL_PM_PATTERN_ALL_FAILED, "PatternCompletion fails 100% (60/60)"));
	cr_expect(pattern_of(&pm, LL_PM_PATTERN_NETWORK, "30 network errors (Store 30)"));
	cr_expect(pattern_of(&pm, LL_PM_PATTERN_SERVER_SILENT,
	                     "the server logged nothing for 60 HTTP failures (PatternCompletion 422 Unprocessable Entity: 60)"));

	const struct ll_pm_step *s = step_with(&pm, "fix the PatternCompletion request");
	cr_assert(s);
	cr_expect(strstr(s->action, "rejects it with 422, so the request body does not match the API"), "%s", s->action);
	cr_expect_str_eq(s->evidence, "PatternCompletion 60/60 failed; 60 with 422 Unprocessable Entity "
	                 "MEMORY_VALIDATION_ERROR 'Completion confidence 0.16 below threshold'; the server "
	                 "logged nothing for them");
	s = step_with(&pm, "fix the server path that logs 'CRITICAL streaming failure'");
	cr_assert(s);
	cr_expect_str_eq(s->evidence, "Store: 60 of 90 failures are 500 Internal Server Error "
	                 "MEMORY_SYSTEM_ERROR that the server logged as 'CRITICAL streaming failure'");
	s = step_with(&pm, "network errors hide their cause: rerun at a lower rate");
	cr_assert(s);
	cr_expect(strstr(s->evidence, "30 network errors (Store 30) with no server trace; they come in bursts "
	                              "(index of dispersion 29.5"), "%s", s->evidence);
	s = step_with(&pm, "fix the server panic at engram-core/src/store.rs:829:42");
	cr_assert(s);
	cr_expect(strstr(s->evidence, "'PANIC: Thread panicked RecvError' (server.log:900)"), "%s", s->evidence);
	cr_expect(step_with(&pm, "make the server log every failed request"));
	cr_expect_null(step_with(&pm, "ingest"), "every log is there");
	ll_postmortem_release(&pm);
	ll_check_result_release(&f.ck);
}

Test(postmortem, clean_run_is_valid_with_no_patterns_and_no_steps)
{
	struct ll_op_stats clean_ops[] = {
		{ .op = "Store", .count = 1000, .success_count = 1000, .p50_us = 400, .p95_us = 600,
		  .p99_us = 700, .p999_us = 800, .max_us = 900, .mean_us = 420, .has_detail = true },
	};
	struct ll_run_report r = { .config_name = "clean", .elapsed_s = 60, .total_ops = 1000,
		.throughput = 1000.0 / 60, .p50_ms = 0.4, .p95_ms = 0.6, .p99_ms = 0.7, .ops = clean_ops,
		.n_ops = 1, .source = LL_SOURCE_JSON };
	struct ll_check_params cp;
	ll_check_params_default(&cp);
	struct ll_check_result ck = LL_CHECK_RESULT_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_check_run(&r, &cp, &ck, &err), LL_OK);
	cr_assert(ck.valid);
	struct ll_pm_input in = { .run = "clean", .version = "9.9.9", .report = &r, .check_params = &cp,
		                  .check = &ck, .inputs = inputs, .n_inputs = 1 };
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	cr_assert_eq(ll_postmortem_build(&in, &pm, &err), LL_OK);
	cr_expect(pm.check->valid);
	cr_expect_eq(pm.n_steps, 0);
	cr_expect_eq(pm.n_patterns, 0);
	cr_expect_not(pm.timeline.present);
	cr_expect(isnan(pm.throughput_of_target_pct), "no header, no target");
	cr_expect_eq(pm.ops[0].n_causes, 0);
	ll_postmortem_release(&pm);
	ll_postmortem_release(&pm); /* empty and reusable */
	ll_check_result_release(&ck);
}

Test(postmortem, missing_logs_and_unknown_latency_become_steps)
{
	struct ll_op_stats zero_ops[] = {
		{ .op = "Search", .count = 100, .success_count = 90, .error_count = 10, .has_detail = true },
	};
	struct ll_run_report r = { .elapsed_s = 60, .total_ops = 100, .total_errors = 10,
		.throughput = 100.0 / 60, .error_rate_frac = 0.1, .ops = zero_ops, .n_ops = 1,
		.source = LL_SOURCE_JSON };
	struct ll_check_params cp;
	ll_check_params_default(&cp);
	struct ll_check_result ck = LL_CHECK_RESULT_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_check_run(&r, &cp, &ck, &err), LL_OK);
	struct ll_pm_input in = { .run = "x", .report = &r, .check_params = &cp, .check = &ck };
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	cr_assert_eq(ll_postmortem_build(&in, &pm, &err), LL_OK);
	cr_expect(pm.ops[0].latency_unknown);
	cr_expect(pattern_of(&pm, LL_PM_PATTERN_CEILING, "Search: every latency percentile is 0 over 100 operations"));
	cr_expect(step_with(&pm, "ingest the load tester's output"));
	cr_expect(step_with(&pm, "treat Search's latency as unknown"));
	ll_postmortem_release(&pm);

	/* With the client log but no server log: say so per cause, and ask for it. */
	static const struct ll_pm_failure_group g[] = {
		{ "Search", 500, "Internal Server Error", "http", NULL, "boom", "boom", 10 },
	};
	in.groups = g;
	in.n_groups = 1;
	in.has_client_log = true;
	cr_assert_eq(ll_postmortem_build(&in, &pm, &err), LL_OK);
	cr_expect_str_eq(pm.ops[0].causes[0].server_note, "no server log was ingested for this run");
	cr_expect(step_with(&pm, "ingest the server log of the run"));
	cr_expect_null(step_with(&pm, "ingest the load tester's output"));
	ll_postmortem_release(&pm);
	ll_check_result_release(&ck);
}

Test(postmortem, long_runs_get_wider_buckets)
{
	struct fixture f;
	fixture_init(&f);
	f.in.client_last_ts_us = (T0 + 999) * 1000000;
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_postmortem_build(&f.in, &pm, &err), LL_OK);
	cr_expect_eq(pm.timeline.bucket_s, 9, "ceil(1000 s / 120 buckets)");
	cr_expect_eq(pm.timeline.n_buckets, 112);
	cr_expect_leq(pm.timeline.n_buckets, LL_PM_MAX_BUCKETS);
	cr_expect_eq(pm.timeline.series[1].counts[1], 9 + 30, "seconds 9..17 and the burst at +10");
	ll_postmortem_release(&pm);
	ll_check_result_release(&f.ck);
}
