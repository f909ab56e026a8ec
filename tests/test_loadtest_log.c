/* loadtest_log: the load tester's failure events, header lines and summary block
 * (DESIGN §2.2; Engram tools/loadtest/src/main.rs and report.rs). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/loadtest_log.h"
#include "loadlens/tracing_line.h"

#define HDR "2025-11-09T06:53:18.123456Z  WARN loadtest: Operation failed "

struct fail_case {
	const char *name;
	const char *line;
	bool is_failure;
	const char *op;
	enum ll_client_error_class cls;
	int status;
	const char *reason, *body, *code, *message, *request_id, *error_text;
	const char *err_msg; /* LL_INPUT expected */
};

static const struct fail_case fail_cases[] = {
	{ "store_500_engram_json",
	  HDR "operation=Store error=Store failed with status 500 Internal Server Error: {\"error\":{\"code\":\"MEMORY_SYSTEM_ERROR\",\"message\":\"Failed to store memory: queue a=b full\",\"educational_context\":\"x\"},\"documentation\":{\"api_guide\":\"/docs/api\"}}",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 500, "Internal Server Error",
	  "{\"error\":{\"code\":\"MEMORY_SYSTEM_ERROR\",\"message\":\"Failed to store memory: queue a=b full\",\"educational_context\":\"x\"},\"documentation\":{\"api_guide\":\"/docs/api\"}}",
	  "MEMORY_SYSTEM_ERROR", "Failed to store memory: queue a=b full", NULL,
	  "Store failed with status 500 Internal Server Error: {\"error\":{\"code\":\"MEMORY_SYSTEM_ERROR\",\"message\":\"Failed to store memory: queue a=b full\",\"educational_context\":\"x\"},\"documentation\":{\"api_guide\":\"/docs/api\"}}", NULL },
	{ "store_400_keys_in_other_order",
	  HDR "operation=Store error=Store failed with status 400 Bad Request: {\"documentation\":{\"examples\":\"/docs/examples\"},\"error\":{\"message\":\"Embedding must be exactly 768 dimensions, got 384\",\"cognitive_guidance\":\"c\",\"code\":\"INVALID_MEMORY_INPUT\"}}",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 400, "Bad Request",
	  "{\"documentation\":{\"examples\":\"/docs/examples\"},\"error\":{\"message\":\"Embedding must be exactly 768 dimensions, got 384\",\"cognitive_guidance\":\"c\",\"code\":\"INVALID_MEMORY_INPUT\"}}",
	  "INVALID_MEMORY_INPUT", "Embedding must be exactly 768 dimensions, got 384", NULL, NULL, NULL },
	{ "recall_400_axum_plain_text",
	  HDR "operation=Recall error=Recall failed with status 400 Bad Request: Failed to deserialize query string: missing field `embedding`",
	  true, "Recall", LL_CLIENT_ERROR_HTTP, 400, "Bad Request",
	  "Failed to deserialize query string: missing field `embedding`", NULL, NULL, NULL, NULL, NULL },
	{ "pattern_completion_422",
	  HDR "operation=PatternCompletion error=PatternCompletion failed with status 422 Unprocessable Entity: {\"error\":{\"code\":\"INSUFFICIENT_PATTERN\",\"message\":\"Pattern too sparse: \\\"code\\\":\\\"X\\\" a=b\"}}",
	  true, "PatternCompletion", LL_CLIENT_ERROR_HTTP, 422, "Unprocessable Entity",
	  "{\"error\":{\"code\":\"INSUFFICIENT_PATTERN\",\"message\":\"Pattern too sparse: \\\"code\\\":\\\"X\\\" a=b\"}}",
	  "INSUFFICIENT_PATTERN", "Pattern too sparse: \"code\":\"X\" a=b", NULL, NULL, NULL },
	{ "network_error",
	  HDR "operation=Store error=Store: network error",
	  true, "Store", LL_CLIENT_ERROR_NETWORK, 0, NULL, NULL, NULL, NULL, NULL, "Store: network error", NULL },
	{ "empty_body_trailing_space",
	  HDR "operation=Search error=Search failed with status 503 Service Unavailable: ",
	  true, "Search", LL_CLIENT_ERROR_HTTP, 503, "Service Unavailable", "", NULL, NULL, NULL, NULL, NULL },
	{ "empty_body_trimmed",
	  HDR "operation=Search error=Search failed with status 503 Service Unavailable:",
	  true, "Search", LL_CLIENT_ERROR_HTTP, 503, "Service Unavailable", "", NULL, NULL, NULL, NULL, NULL },
	{ "unknown_status_reason",
	  HDR "operation=Store error=Store failed with status 599 <unknown status code>: x",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 599, "<unknown status code>", "x", NULL, NULL, NULL, NULL, NULL },
	{ "request_id_in_error_details",
	  HDR "operation=Store error=Store failed with status 500 Internal Server Error: {\"error\":{\"code\":\"X\",\"message\":\"m\",\"details\":{\"request_id\":\"req-9\"}}}",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 500, "Internal Server Error", NULL, "X", "m", "req-9", NULL, NULL },
	{ "request_id_top_level_number",
	  HDR "operation=Store error=Store failed with status 500 Internal Server Error: {\"error\":{\"code\":\"X\"},\"trace_id\":42}",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 500, "Internal Server Error", NULL, "X", NULL, "42", NULL, NULL },
	{ "request_id_field_wins_over_body",
	  HDR "operation=Store request_id=\"f-1\" error=Store failed with status 500 Internal Server Error: {\"request_id\":\"b-2\"}",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 500, "Internal Server Error", NULL, NULL, NULL, "f-1", NULL, NULL },
	{ "error_as_string",
	  HDR "operation=Recall error=Recall failed with status 429 Too Many Requests: {\"error\":\"rate limited\"}",
	  true, "Recall", LL_CLIENT_ERROR_HTTP, 429, "Too Many Requests", NULL, NULL, "rate limited", NULL, NULL, NULL },
	{ "truncated_json_body",
	  HDR "operation=Store error=Store failed with status 500 Internal Server Error: {\"error\":{\"code\":\"X\"",
	  true, "Store", LL_CLIENT_ERROR_HTTP, 500, "Internal Server Error", "{\"error\":{\"code\":\"X\"", NULL, NULL, NULL, NULL, NULL },
	{ "other_error",
	  HDR "operation=Search error=builder error: relative URL without a base",
	  true, "Search", LL_CLIENT_ERROR_OTHER, 0, NULL, NULL, NULL, NULL, NULL, "builder error: relative URL without a base", NULL },
	{ "network_error_of_another_op_text_is_network",
	  HDR "operation=Recall error=Recall: network error",
	  true, "Recall", LL_CLIENT_ERROR_NETWORK, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "op_from_error_text_when_field_missing",
	  HDR "error=Recall failed with status 404 Not Found: ",
	  true, "Recall", LL_CLIENT_ERROR_HTTP, 404, "Not Found", "", NULL, NULL, NULL, NULL, NULL },
	{ "no_operation_anywhere_is_input_error",
	  HDR "error=something broke",
	  true, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL,
	  "\"Operation failed\" event names no operation (no operation= field, no \"<Op> failed with status\" or \"<Op>: network error\")" },
	{ "not_a_failure",
	  "2025-11-09T06:52:18Z  INFO loadtest: Target rate: 250 ops/sec",
	  false, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
};

static void expect_str(const char *name, const char *what, const char *got, const char *want)
{
	if (!want) {
		cr_expect_null(got, "%s: %s = \"%s\", want NULL", name, what, got ? got : "");
		return;
	}
	cr_expect(got && strcmp(got, want) == 0, "%s: %s = \"%s\", want \"%s\"", name, what,
	          got ? got : "(null)", want);
}

Test(loadtest_log, failure_table)
{
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	for (size_t i = 0; i < sizeof fail_cases / sizeof fail_cases[0]; i++) {
		const struct fail_case *k = &fail_cases[i];
		struct ll_log_event ev = LL_LOG_EVENT_INIT;
		struct ll_error e = LL_ERROR_INIT;
		cr_assert_eq(ll_tracing_parse_text(p, k->line, strlen(k->line), "c.log", 7, &ev, &e), LL_OK,
		             "%s: event parses (%s)", k->name, e.msg ? e.msg : "");
		struct ll_client_failure f = LL_CLIENT_FAILURE_INIT;
		bool is_failure = false;
		enum ll_status st = ll_loadtest_failure_from_event(&ev, "c.log", 7, &f, &is_failure, &e);
		if (k->err_msg) {
			cr_expect_eq(st, LL_INPUT, "%s: status %d", k->name, st);
			expect_str(k->name, "err.msg", e.msg, k->err_msg);
			expect_str(k->name, "err.where", e.where, "operation");
			cr_expect_eq(e.line, 7, "%s: err.line", k->name);
			cr_expect_null(f.op, "%s: out untouched", k->name);
		} else {
			cr_expect_eq(st, LL_OK, "%s: status %d", k->name, st);
			cr_expect_eq(is_failure, k->is_failure, "%s: is_failure", k->name);
			expect_str(k->name, "op", f.op, k->op);
			cr_expect_eq(f.error_class, k->cls, "%s: class %d, want %d", k->name, f.error_class, k->cls);
			cr_expect_eq(f.status, k->status, "%s: status %d, want %d", k->name, f.status, k->status);
			expect_str(k->name, "reason", f.reason, k->reason);
			if (k->body || k->cls != LL_CLIENT_ERROR_HTTP)
				expect_str(k->name, "body", f.body, k->body);
			expect_str(k->name, "error_code", f.error_code, k->code);
			expect_str(k->name, "error_message", f.error_message, k->message);
			expect_str(k->name, "request_id", f.request_id, k->request_id);
			if (k->error_text)
				expect_str(k->name, "error_text", f.error_text, k->error_text);
		}
		ll_client_failure_release(&f);
		ll_log_event_release(&ev);
		ll_error_release(&e);
	}
	ll_tracing_parser_free(p);
}

Test(loadtest_log, class_names)
{
	cr_expect_str_eq(ll_client_error_class_name(LL_CLIENT_ERROR_HTTP), "http", "class_names: http");
	cr_expect_str_eq(ll_client_error_class_name(LL_CLIENT_ERROR_NETWORK), "network", "class_names: network");
	cr_expect_str_eq(ll_client_error_class_name(LL_CLIENT_ERROR_OTHER), "other", "class_names: other");
	cr_expect_null(ll_client_error_class_name(LL_CLIENT_ERROR_NONE), "class_names: none");
}

Test(loadtest_log, header_lines)
{
	static const char *const msgs[] = {
		"Starting load test: m17 (baseline) (seed: 42)",
		"Target rate: 250 ops/sec",
		"Duration: 60 seconds",
		"Endpoint: http://localhost:7432",
		"Load test completed in 60.01s",
		"Operation failed",
		"Target rate: fast ops/sec",
		"Detailed results saved to: m17.json",
	};
	static const bool want[] = { true, true, true, true, true, false, false, false };
	struct ll_loadtest_header h = LL_LOADTEST_HEADER_INIT;
	struct ll_error err = LL_ERROR_INIT;
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		bool matched = !want[i];
		cr_assert_eq(ll_loadtest_header_feed(&h, msgs[i], strlen(msgs[i]), &matched, &err), LL_OK);
		cr_expect_eq(matched, want[i], "header: \"%s\" matched=%d", msgs[i], matched);
	}
	cr_expect_str_eq(h.name, "m17 (baseline)", "header: name");
	cr_expect(h.has_seed && h.seed == 42, "header: seed");
	cr_expect(h.has_target_rate && h.target_rate == 250.0, "header: target rate");
	cr_expect(h.has_duration && h.configured_duration_s == 60, "header: duration");
	cr_expect_str_eq(h.endpoint, "http://localhost:7432", "header: endpoint");
	cr_expect(h.has_completed && fabs(h.completed_s - 60.01) < 1e-9, "header: completed");
	ll_loadtest_header_release(&h);
	cr_expect_null(h.name, "header: release empties");
}

#define RULE "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81" \
             "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81" \
             "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81" \
             "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81" \
             "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81" \
             "\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81"

/* The tail of a real M17 load tester output: the completion line, println!("\n{}",
 * report.summary()) with operations in HashMap order, then a tracing line. */
static const char *const m17[] = {
	"2025-11-09T06:54:18.140000Z  INFO loadtest: Load test completed in 60.14s",
	"",
	"Load Test Report: m17_baseline",
	"Duration: 60.14s | Total Operations: 14555",
	RULE,
	"Overall Throughput: 242 ops/sec",
	"Overall Error Rate: 23.87%",
	"P50 Latency: 0.41ms",
	"P95 Latency: 1.20ms",
	"P99 Latency: 65.53ms",
	"",
	"Per-Operation Statistics:",
	RULE,
	"",
	"Store:",
	"  Count: 7304",
	"  Throughput: 121 ops/sec",
	"  P50: 0.41ms",
	"  P95: 1.20ms",
	"  P99: 3.10ms",
	"  Errors: 1497",
	"",
	"PatternCompletion:",
	"  Count: 686",
	"  Throughput: 11 ops/sec",
	"  P50: 0.00ms",
	"  P95: 0.00ms",
	"  P99: 0.00ms",
	"  Errors: 686",
	"",
	"Recall:",
	"  Count: 4380",
	"  Throughput: 73 ops/sec",
	"  P50: 0.38ms",
	"  P95: 1.05ms",
	"  P99: 65.53ms",
	"  Errors: 1156",
	"",
	"Search:",
	"  Count: 2185",
	"  Throughput: 36 ops/sec",
	"  P50: 0.29ms",
	"  P95: 0.88ms",
	"  P99: 2.47ms",
	"  Errors: 136",
	"",
	"",
	"2025-11-09T06:54:18.150000Z  WARN loadtest: Load test did not meet validation criteria!",
};

static void feed_all(struct ll_loadtest_summary *s, const char *const *lines, size_t n,
                     size_t *consumed_count, enum ll_status *last, struct ll_error *err)
{
	*consumed_count = 0;
	*last = LL_OK;
	for (size_t i = 0; i < n && *last == LL_OK; i++) {
		bool c = false;
		*last = ll_loadtest_summary_feed(s, lines[i], strlen(lines[i]), "m17.log", (long)i + 1, &c, err);
		if (*last == LL_OK && c)
			(*consumed_count)++;
	}
}

Test(loadtest_log, summary_block_m17)
{
	struct ll_loadtest_summary *s = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_loadtest_summary_new(&s, &err), LL_OK);
	size_t consumed;
	enum ll_status st;
	feed_all(s, m17, sizeof m17 / sizeof m17[0], &consumed, &st, &err);
	cr_assert_eq(st, LL_OK, "m17: feed (%s)", err.msg ? err.msg : "");
	/* lines 3..47 belong to the block: the header line, 10 fixed lines, 4 x 7 op lines,
	 * and the blank lines between operations and after the last */
	cr_expect_eq(consumed, 45, "m17: consumed %zu lines", consumed);
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	bool found = false;
	cr_assert_eq(ll_loadtest_summary_finish(s, "m17.log", &r, &found, &err), LL_OK, "m17: finish");
	cr_assert(found, "m17: found");
	cr_expect_str_eq(r.config_name, "m17_baseline", "m17: name");
	cr_expect_eq(r.source, LL_SOURCE_TEXT_SUMMARY, "m17: source");
	cr_expect(fabs(r.elapsed_s - 60.14) < 1e-9, "m17: elapsed %g", r.elapsed_s);
	cr_expect_eq(r.total_ops, 14555, "m17: total_ops");
	cr_expect_eq(r.total_errors, 3475, "m17: total_errors %lld", (long long)r.total_errors);
	cr_expect(fabs(r.throughput - 242) < 1e-9, "m17: throughput");
	cr_expect(fabs(r.error_rate_frac - 0.2387) < 1e-12, "m17: error rate %g", r.error_rate_frac);
	cr_expect(fabs(r.p50_ms - 0.41) < 1e-9 && fabs(r.p95_ms - 1.20) < 1e-9 && fabs(r.p99_ms - 65.53) < 1e-9,
	          "m17: overall percentiles");
	cr_assert_eq(r.n_ops, 4, "m17: n_ops");
	/* sorted by name */
	static const struct {
		const char *op;
		int64_t count, errors, p50, p95, p99;
	} want[] = {
		{ "PatternCompletion", 686, 686, 0, 0, 0 },
		{ "Recall", 4380, 1156, 380, 1050, 65530 },
		{ "Search", 2185, 136, 290, 880, 2470 },
		{ "Store", 7304, 1497, 410, 1200, 3100 },
	};
	for (size_t i = 0; i < 4; i++) {
		const struct ll_op_stats *o = &r.ops[i];
		cr_expect_str_eq(o->op, want[i].op, "m17: op %zu name", i);
		cr_expect_eq(o->count, want[i].count, "m17 %s: count", want[i].op);
		cr_expect_eq(o->error_count, want[i].errors, "m17 %s: errors", want[i].op);
		cr_expect_eq(o->success_count, want[i].count - want[i].errors, "m17 %s: success", want[i].op);
		cr_expect_eq(o->p50_us, want[i].p50, "m17 %s: p50_us %lld", want[i].op, (long long)o->p50_us);
		cr_expect_eq(o->p95_us, want[i].p95, "m17 %s: p95_us %lld", want[i].op, (long long)o->p95_us);
		cr_expect_eq(o->p99_us, want[i].p99, "m17 %s: p99_us %lld", want[i].op, (long long)o->p99_us);
		cr_expect(!o->has_detail, "m17 %s: has_detail false", want[i].op);
		cr_expect_eq(o->p999_us, 0, "m17 %s: p999 unknown", want[i].op);
	}
	ll_run_report_release(&r);
	ll_loadtest_summary_free(s);
}

Test(loadtest_log, no_summary_block_is_not_found)
{
	struct ll_loadtest_summary *s = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_loadtest_summary_new(&s, &err), LL_OK);
	size_t consumed;
	enum ll_status st;
	feed_all(s, m17, 2, &consumed, &st, &err);
	cr_expect_eq(consumed, 0, "no_block: nothing consumed");
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	bool found = true;
	cr_expect_eq(ll_loadtest_summary_finish(s, "x.log", &r, &found, &err), LL_OK, "no_block: finish");
	cr_expect(!found, "no_block: not found");
	ll_loadtest_summary_free(s);
}

Test(loadtest_log, summary_cut_short_names_line)
{
	struct ll_loadtest_summary *s = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_loadtest_summary_new(&s, &err), LL_OK);
	size_t consumed;
	enum ll_status st;
	feed_all(s, m17, 7, &consumed, &st, &err); /* up to the error rate line (line 7) */
	cr_assert_eq(st, LL_OK);
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	bool found = false;
	cr_expect_eq(ll_loadtest_summary_finish(s, "m17.log", &r, &found, &err), LL_INPUT, "cut: finish fails");
	cr_expect_eq(err.line, 8, "cut: line %ld", err.line);
	cr_expect_str_eq(err.where, "summary", "cut: where");
	cr_expect_str_eq(err.msg, "summary block ends early: expected \"P50 Latency: N.NNms\"", "cut: msg");
	ll_error_release(&err);
	ll_loadtest_summary_free(s);
}

Test(loadtest_log, summary_bad_line_names_expectation)
{
	static const char *const bad[] = {
		"Load Test Report: x",
		"Duration: 60.14s | Total Operations: 14555",
		RULE,
		"Overall Throughput: NaN ops/sec",
	};
	struct ll_loadtest_summary *s = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_loadtest_summary_new(&s, &err), LL_OK);
	size_t consumed;
	enum ll_status st;
	feed_all(s, bad, 4, &consumed, &st, &err);
	cr_expect_eq(st, LL_INPUT, "bad_line: status");
	cr_expect_eq(err.line, 4, "bad_line: line");
	cr_expect_str_eq(err.msg, "expected \"Overall Throughput: N ops/sec\", found \"Overall Throughput: NaN ops/sec\"",
	                 "bad_line: msg");
	bool c;
	struct ll_error err2 = LL_ERROR_INIT;
	cr_expect_eq(ll_loadtest_summary_feed(s, "", 0, "x", 5, &c, &err2), LL_INPUT, "bad_line: sticky");
	ll_error_release(&err);
	ll_loadtest_summary_free(s);
}
