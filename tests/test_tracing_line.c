/* tracing_line: one cleaned log line -> struct ll_log_event (DESIGN §2.3). Table-driven:
 * each case is a real line shape with every field it must yield, or the exact error. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/log_reader.h"
#include "loadlens/tracing_line.h"

/* 2025-11-09T06:53:18Z */
#define T0 INT64_C(1762671198000000)

struct tl_case {
	const char *name;
	const char *line;
	/* success */
	int64_t ts_us;
	enum ll_level level;
	const char *target;
	const char *spans;   /* NULL: none */
	const char *message;
	const char *fields_json;
	const char *method, *path;
	int status;
	const char *request_id;
	/* failure: err_where set */
	const char *err_where;
	const char *err_msg;
};

static const struct tl_case cases[] = {
	/* ---- the load tester's failure events (DESIGN §2.2) ---- */
	{ .name = "loadtest_store_500_json_body",
	  .line = "2025-11-09T06:53:18.123456Z  WARN loadtest: Operation failed operation=Store error=Store failed with status 500 Internal Server Error: {\"error\":{\"code\":\"MEMORY_SYSTEM_ERROR\",\"message\":\"a=b x\"},\"documentation\":{\"url\":\"u\"}}",
	  .ts_us = T0 + 123456, .level = LL_LEVEL_WARN, .target = "loadtest", .message = "Operation failed",
	  .fields_json = "{\"operation\":\"Store\",\"error\":\"Store failed with status 500 Internal Server Error: {\\\"error\\\":{\\\"code\\\":\\\"MEMORY_SYSTEM_ERROR\\\",\\\"message\\\":\\\"a=b x\\\"},\\\"documentation\\\":{\\\"url\\\":\\\"u\\\"}}\"}" },
	{ .name = "loadtest_recall_400_backticks",
	  .line = "2025-11-09T06:53:19.200001Z  WARN loadtest: Operation failed operation=Recall error=Recall failed with status 400 Bad Request: Failed to deserialize query string: missing field `embedding`",
	  .ts_us = T0 + 1200001, .level = LL_LEVEL_WARN, .target = "loadtest", .message = "Operation failed",
	  .fields_json = "{\"operation\":\"Recall\",\"error\":\"Recall failed with status 400 Bad Request: Failed to deserialize query string: missing field `embedding`\"}" },
	{ .name = "loadtest_network_error",
	  .line = "2025-11-09T06:53:49.800000Z  WARN loadtest: Operation failed operation=Store error=Store: network error",
	  .ts_us = T0 + 31800000, .level = LL_LEVEL_WARN, .target = "loadtest", .message = "Operation failed",
	  .fields_json = "{\"operation\":\"Store\",\"error\":\"Store: network error\"}" },
	{ .name = "loadtest_error_plain_text_with_equals_and_quotes",
	  .line = "2025-11-09T06:53:18Z  WARN loadtest: Operation failed operation=PatternCompletion error=PatternCompletion failed with status 422 Unprocessable Entity: bad a=b c=\"d\" code=\"X\"",
	  .ts_us = T0, .level = LL_LEVEL_WARN, .target = "loadtest", .message = "Operation failed",
	  .fields_json = "{\"operation\":\"PatternCompletion\",\"error\":\"PatternCompletion failed with status 422 Unprocessable Entity: bad a=b c=\\\"d\\\" code=\\\"X\\\"\"}" },
	{ .name = "loadtest_header_message_with_colon",
	  .line = "2025-11-09T06:52:18.000100Z  INFO loadtest: Starting load test: m17_baseline (seed: 42)",
	  .ts_us = T0 - 60000000 + 100, .level = LL_LEVEL_INFO, .target = "loadtest",
	  .message = "Starting load test: m17_baseline (seed: 42)", .fields_json = "{}" },
	/* ---- Engram server lines ---- */
	{ .name = "engram_info_spaces_around_equals",
	  .line = "2025-11-09T06:53:18.301500Z  INFO engram_cli::api: Processing remember memory request: content length = 53",
	  .ts_us = T0 + 301500, .level = LL_LEVEL_INFO, .target = "engram_cli::api",
	  .message = "Processing remember memory request: content length = 53", .fields_json = "{}" },
	{ .name = "engram_warn_hnsw",
	  .line = "2025-11-09T06:53:18.301122Z  WARN engram_core::store: HNSW update queue full for mem_1a2b, falling back to synchronous insert",
	  .ts_us = T0 + 301122, .level = LL_LEVEL_WARN, .target = "engram_core::store",
	  .message = "HNSW update queue full for mem_1a2b, falling back to synchronous insert", .fields_json = "{}" },
	{ .name = "engram_metrics_snapshot_fields",
	  .line = "2025-11-09T06:53:31.000000Z  INFO engram_core::metrics: streaming metrics snapshot target=\"engram::metrics::stream\" label=\"daemon\" snapshot={\"a\": 1, \"b\": \"x y=z\"}",
	  .ts_us = T0 + 13000000, .level = LL_LEVEL_INFO, .target = "engram_core::metrics",
	  .message = "streaming metrics snapshot",
	  .fields_json = "{\"target\":\"engram::metrics::stream\",\"label\":\"daemon\",\"snapshot\":\"{\\\"a\\\": 1, \\\"b\\\": \\\"x y=z\\\"}\"}" },
	{ .name = "panic_backtrace_is_greedy",
	  .line = "2025-11-09T06:53:40Z ERROR engram_cli::panic: panic occurred location=src/store.rs:10:5 backtrace=   0: std::backtrace x=y {",
	  .ts_us = T0 + 22000000, .level = LL_LEVEL_ERROR, .target = "engram_cli::panic", .message = "panic occurred",
	  .fields_json = "{\"location\":\"src/store.rs:10:5\",\"backtrace\":\"   0: std::backtrace x=y {\"}" },
	/* ---- every level ---- */
	{ .name = "level_trace", .line = "2025-11-09T06:53:18Z TRACE h2::proto: recv frame",
	  .ts_us = T0, .level = LL_LEVEL_TRACE, .target = "h2::proto", .message = "recv frame", .fields_json = "{}" },
	{ .name = "level_debug", .line = "2025-11-09T06:53:18Z DEBUG hyper::proto::h1::io: flushed 1024 bytes",
	  .ts_us = T0, .level = LL_LEVEL_DEBUG, .target = "hyper::proto::h1::io", .message = "flushed 1024 bytes", .fields_json = "{}" },
	{ .name = "level_info", .line = "2025-11-09T06:53:18Z  INFO a: b",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "a", .message = "b", .fields_json = "{}" },
	{ .name = "level_warn", .line = "2025-11-09T06:53:18Z  WARN a: b",
	  .ts_us = T0, .level = LL_LEVEL_WARN, .target = "a", .message = "b", .fields_json = "{}" },
	{ .name = "level_error_with_quoted_field",
	  .line = "2025-11-09T06:53:18Z ERROR engram_core::store: write failed err=\"disk full\"",
	  .ts_us = T0, .level = LL_LEVEL_ERROR, .target = "engram_core::store", .message = "write failed",
	  .fields_json = "{\"err\":\"disk full\"}" },
	/* ---- spans ---- */
	{ .name = "one_span_method_uri",
	  .line = "2025-11-09T06:53:18.5Z  INFO request{method=POST uri=/api/v1/memories version=HTTP/1.1}: tower_http::trace::on_request: started processing request",
	  .ts_us = T0 + 500000, .level = LL_LEVEL_INFO, .target = "tower_http::trace::on_request",
	  .spans = "request{method=POST uri=/api/v1/memories version=HTTP/1.1}",
	  .message = "started processing request", .fields_json = "{}", .method = "POST", .path = "/api/v1/memories" },
	{ .name = "two_spans_request_id_in_span",
	  .line = "2025-11-09T06:53:18Z  INFO http{req_id=7f3a}:handler{op=\"store\"}: engram_cli::api: handling",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "engram_cli::api", .spans = "http{req_id=7f3a}:handler{op=\"store\"}",
	  .message = "handling", .fields_json = "{}", .request_id = "7f3a" },
	{ .name = "three_spans_fieldless_middle",
	  .line = "2025-11-09T06:53:18Z DEBUG a{x=1}:b:c{y=2}: tgt::m: msg here k=v",
	  .ts_us = T0, .level = LL_LEVEL_DEBUG, .target = "tgt::m", .spans = "a{x=1}:b:c{y=2}",
	  .message = "msg here", .fields_json = "{\"k\":\"v\"}" },
	{ .name = "fieldless_last_span_in_chain",
	  .line = "2025-11-09T06:53:18Z  INFO a{x=1}:b: tgt: msg",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "tgt", .spans = "a{x=1}:b", .message = "msg", .fields_json = "{}" },
	{ .name = "span_brace_and_escaped_quote_in_value",
	  .line = "2025-11-09T06:53:18Z  INFO req{body=\"{\\\"k\\\": \\\"}\\\"}\" request_id=\"r-1\"}: tgt: got it",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "tgt", .spans = "req{body=\"{\\\"k\\\": \\\"}\\\"}\" request_id=\"r-1\"}",
	  .message = "got it", .fields_json = "{}", .request_id = "r-1" },
	{ .name = "event_field_request_id_wins_over_span",
	  .line = "2025-11-09T06:53:18Z  WARN span{request_id=\"abc\"}: t: m trace_id=xyz",
	  .ts_us = T0, .level = LL_LEVEL_WARN, .target = "t", .spans = "span{request_id=\"abc\"}", .message = "m",
	  .fields_json = "{\"trace_id\":\"xyz\"}", .request_id = "xyz" },
	/* ---- fields ---- */
	{ .name = "escaped_quotes_in_field",
	  .line = "2025-11-09T06:53:18Z  INFO t: m label=\"say \\\"hi\\\"\" n=3",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{\"label\":\"say \\\"hi\\\"\",\"n\":\"3\"}" },
	{ .name = "debug_escapes_unescaped",
	  .line = "2025-11-09T06:53:18Z  INFO t: m v=\"a\\nb\\tc\\\\d\\u{e9}\"",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{\"v\":\"a\\nb\\tc\\\\d\xc3\xa9\"}" },
	{ .name = "message_starts_with_space",
	  .line = "2025-11-09T06:53:18Z  INFO engram_cli:  HTTP API ready",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "engram_cli", .message = " HTTP API ready", .fields_json = "{}" },
	{ .name = "no_message_only_fields",
	  .line = "2025-11-09T06:53:18Z  INFO t: k=1 j=two",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "", .fields_json = "{\"k\":\"1\",\"j\":\"two\"}" },
	{ .name = "empty_message_no_fields",
	  .line = "2025-11-09T06:53:18Z  INFO t: ",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "", .fields_json = "{}" },
	{ .name = "status_and_display_value_with_space",
	  .line = "2025-11-09T06:53:18Z  INFO tower_http::trace::on_response: finished processing request latency=12 ms status=500",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "tower_http::trace::on_response",
	  .message = "finished processing request", .fields_json = "{\"latency\":\"12 ms\",\"status\":\"500\"}", .status = 500 },
	{ .name = "dotted_otel_keys_url_query_cut",
	  .line = "2025-11-09T06:53:18Z  INFO otel: request http.method=GET http.target=/api/v1/memories/recall?embedding=[0.1,0.2] http.status_code=200",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "otel", .message = "request",
	  .fields_json = "{\"http.method\":\"GET\",\"http.target\":\"/api/v1/memories/recall?embedding=[0.1,0.2]\",\"http.status_code\":\"200\"}",
	  .method = "GET", .path = "/api/v1/memories/recall", .status = 200 },
	{ .name = "full_url_keeps_path",
	  .line = "2025-11-09T06:53:18Z  WARN t: slow url=http://localhost:7432/api/v1/complete?x=1 status=42",
	  .ts_us = T0, .level = LL_LEVEL_WARN, .target = "t", .message = "slow",
	  .fields_json = "{\"url\":\"http://localhost:7432/api/v1/complete?x=1\",\"status\":\"42\"}", .path = "/api/v1/complete" },
	{ .name = "debug_struct_value_with_spaces",
	  .line = "2025-11-09T06:53:18Z  INFO t: cfg loaded cfg=Config { port: 7432, name: \"x y=1\" } ok=true",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "cfg loaded",
	  .fields_json = "{\"cfg\":\"Config { port: 7432, name: \\\"x y=1\\\" }\",\"ok\":\"true\"}" },
	{ .name = "display_value_runs_to_next_field",
	  .line = "2025-11-09T06:53:18Z  WARN t: dropped reason=queue full retry=3",
	  .ts_us = T0, .level = LL_LEVEL_WARN, .target = "t", .message = "dropped", .fields_json = "{\"reason\":\"queue full\",\"retry\":\"3\"}" },
	{ .name = "quote_then_text_is_display",
	  .line = "2025-11-09T06:53:18Z  INFO t: m k=\"a\"b c=1",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{\"k\":\"\\\"a\\\"b\",\"c\":\"1\"}" },
	{ .name = "literal_backslash_x1b_is_text",
	  .line = "2025-11-09T06:53:18Z  INFO t: got \\x1b[31mred\\x1b[0m text",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "got \\x1b[31mred\\x1b[0m text", .fields_json = "{}" },
	{ .name = "unbalanced_paren_in_message_still_splits",
	  .line = "2025-11-09T06:53:18Z  INFO t: retrying (attempt 3 n=4",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "retrying (attempt 3", .fields_json = "{\"n\":\"4\"}" },
	/* ---- timestamps ---- */
	{ .name = "offset_plus_two", .line = "2025-11-09T08:53:18.123456+02:00  INFO t: m",
	  .ts_us = T0 + 123456, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "offset_minus_five_thirty", .line = "2025-11-09T01:23:18-05:30  INFO t: m",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "nanosecond_fraction_truncated", .line = "2025-11-09T06:53:18.123456789Z  INFO t: m",
	  .ts_us = T0 + 123456, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "one_fraction_digit", .line = "2025-11-09T06:53:18.5Z  INFO t: m",
	  .ts_us = T0 + 500000, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "millisecond_fraction", .line = "2025-11-09T06:53:18.123Z  INFO t: m",
	  .ts_us = T0 + 123000, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "leap_day", .line = "2024-02-29T12:00:00Z  INFO t: m",
	  .ts_us = INT64_C(1709208000000000), .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "epoch", .line = "1970-01-01T00:00:00Z  INFO t: m",
	  .ts_us = 0, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	{ .name = "before_epoch", .line = "1969-12-31T23:59:59.5Z  INFO t: m",
	  .ts_us = -500000, .level = LL_LEVEL_INFO, .target = "t", .message = "m", .fields_json = "{}" },
	/* ---- JSON lines ---- */
	{ .name = "json_loadtest_failure",
	  .line = "{\"timestamp\":\"2025-11-09T06:53:18.123456Z\",\"level\":\"WARN\",\"fields\":{\"message\":\"Operation failed\",\"operation\":\"Store\",\"error\":\"Store: network error\"},\"target\":\"loadtest\"}",
	  .ts_us = T0 + 123456, .level = LL_LEVEL_WARN, .target = "loadtest", .message = "Operation failed",
	  .fields_json = "{\"operation\":\"Store\",\"error\":\"Store: network error\"}" },
	{ .name = "json_spans_and_typed_fields",
	  .line = "{\"timestamp\":\"2025-11-09T06:53:18Z\",\"level\":\"INFO\",\"fields\":{\"message\":\"done\",\"status\":200,\"latency_ms\":1.5},\"target\":\"tower_http::trace\",\"span\":{\"method\":\"GET\",\"uri\":\"/health\",\"name\":\"request\"},\"spans\":[{\"id\":1,\"name\":\"conn\"},{\"method\":\"GET\",\"uri\":\"/health\",\"name\":\"request\"}]}",
	  .ts_us = T0, .level = LL_LEVEL_INFO, .target = "tower_http::trace", .spans = "conn{id=1}:request{method=\"GET\" uri=\"/health\"}",
	  .message = "done", .fields_json = "{\"status\":200,\"latency_ms\":1.5}", .method = "GET", .path = "/health", .status = 200 },
	{ .name = "json_flattened_event",
	  .line = "{\"timestamp\":\"2025-11-09T06:53:18Z\",\"level\":\"DEBUG\",\"message\":\"flat\",\"k\":\"v\",\"target\":\"t\",\"threadId\":\"ThreadId(2)\"}",
	  .ts_us = T0, .level = LL_LEVEL_DEBUG, .target = "t", .message = "flat", .fields_json = "{\"k\":\"v\"}" },
	/* ---- rejected lines, with the reason ---- */
	{ .name = "garbage_text", .line = "hello world",
	  .err_where = "timestamp", .err_msg = "expected RFC 3339 timestamp, found \"hello world\"" },
	{ .name = "empty_line", .line = "", .err_where = "timestamp", .err_msg = "expected RFC 3339 timestamp, found \"\"" },
	{ .name = "unstamped_startup_println", .line = " HTTP API: http://127.0.0.1:7432",
	  .err_where = "timestamp", .err_msg = "expected RFC 3339 timestamp, found \" HTTP API: http://127.0.0.1:7432\"" },
	{ .name = "space_instead_of_T", .line = "2025-11-09 06:53:18  INFO t: m",
	  .err_where = "timestamp", .err_msg = "expected RFC 3339 timestamp, found \"2025-11-09 06:53:18  INFO t: m\"" },
	{ .name = "ten_fraction_digits", .line = "2025-11-09T06:53:18.1234567890Z  INFO t: m",
	  .err_where = "timestamp", .err_msg = "expected RFC 3339 timestamp, found \"2025-11-09T06:53:18.1234567890Z  INFO t:...\"" },
	{ .name = "month_thirteen", .line = "2025-13-09T06:53:18Z  INFO t: m",
	  .err_where = "timestamp", .err_msg = "impossible date or time, found \"2025-13-09T06:53:18Z\"" },
	{ .name = "feb_29_non_leap", .line = "2025-02-29T06:53:18Z  INFO t: m",
	  .err_where = "timestamp", .err_msg = "impossible date or time, found \"2025-02-29T06:53:18Z\"" },
	{ .name = "unknown_level", .line = "2025-11-09T06:53:18Z   FOO t: m",
	  .err_where = "level", .err_msg = "unknown level \"FOO\"" },
	{ .name = "lowercase_level", .line = "2025-11-09T06:53:18Z  info t: m",
	  .err_where = "level", .err_msg = "unknown level \"info\"" },
	{ .name = "no_target", .line = "2025-11-09T06:53:18Z  INFO hello world",
	  .err_where = "target", .err_msg = "expected \"target: \" after the level, found \"hello world\"" },
	{ .name = "unterminated_span", .line = "2025-11-09T06:53:18Z  INFO req{a=\"1}: t: m",
	  .err_where = "spans", .err_msg = "expected span{fields}:, found \"req{a=\"1}: t: m\"" },
	{ .name = "json_broken", .line = "{\"timestamp\":",
	  .err_where = "json", .err_msg = "expected a JSON object, found \"{\"timestamp\":\"" },
	{ .name = "json_timestamp_not_string", .line = "{\"timestamp\":5,\"level\":\"INFO\",\"target\":\"t\"}",
	  .err_where = "timestamp", .err_msg = "missing or not a string" },
	{ .name = "json_unknown_level", .line = "{\"timestamp\":\"2025-11-09T06:53:18Z\",\"level\":\"NOTICE\",\"target\":\"t\",\"fields\":{}}",
	  .err_where = "level", .err_msg = "unknown level \"NOTICE\"" },
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

Test(tracing_line, table)
{
	cr_assert_geq(sizeof cases / sizeof cases[0], 40, "at least 40 line shapes");
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tl_case *k = &cases[i];
		struct ll_log_event ev = LL_LOG_EVENT_INIT;
		struct ll_error e = LL_ERROR_INIT;
		enum ll_status st = ll_tracing_parse_line(p, k->line, strlen(k->line), "server.log",
		                                          (long)i + 1, &ev, &e);
		if (k->err_where) {
			cr_expect_eq(st, LL_INPUT, "%s: status %d, want LL_INPUT", k->name, st);
			expect_str(k->name, "err.where", e.where, k->err_where);
			expect_str(k->name, "err.msg", e.msg, k->err_msg);
			expect_str(k->name, "err.path", e.path, "server.log");
			cr_expect_eq(e.line, (long)i + 1, "%s: err.line %ld", k->name, e.line);
			cr_expect_null(ev.message, "%s: event untouched on failure", k->name);
		} else {
			cr_expect_eq(st, LL_OK, "%s: status %d (%s: %s)", k->name, st,
			             e.where ? e.where : "", e.msg ? e.msg : "");
			if (st == LL_OK) {
				cr_expect_eq(ev.ts_us, k->ts_us, "%s: ts_us %lld, want %lld", k->name,
				             (long long)ev.ts_us, (long long)k->ts_us);
				cr_expect_eq(ev.level, k->level, "%s: level %d, want %d", k->name, ev.level, k->level);
				expect_str(k->name, "target", ev.target, k->target);
				expect_str(k->name, "spans", ev.spans, k->spans);
				expect_str(k->name, "message", ev.message, k->message);
				expect_str(k->name, "fields_json", ev.fields_json, k->fields_json);
				expect_str(k->name, "method", ev.method, k->method);
				expect_str(k->name, "path", ev.path, k->path);
				cr_expect_eq(ev.status, k->status, "%s: status %d, want %d", k->name, ev.status, k->status);
				expect_str(k->name, "request_id", ev.request_id, k->request_id);
			}
		}
		ll_log_event_release(&ev);
		ll_error_release(&e);
	}
	ll_tracing_parser_free(p);
}

Test(tracing_line, span_fields_are_parsed)
{
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	const char *line = "2025-11-09T06:53:18Z  INFO req{body=\"{\\\"k\\\": \\\"}\\\"}\" id=3}:inner: t: m";
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	cr_assert_eq(ll_tracing_parse_text(p, line, strlen(line), "x", 1, &ev, &err), LL_OK, "span_fields: parse");
	cr_assert_eq(ev.n_spans, 2, "span_fields: n_spans %zu", ev.n_spans);
	cr_expect_str_eq(ev.span_list[0].name, "req", "span_fields: name 0");
	cr_assert_eq(ev.span_list[0].n_fields, 2, "span_fields: n_fields 0");
	cr_expect_str_eq(ev.span_list[0].fields[0].key, "body", "span_fields: key");
	cr_expect_str_eq(ev.span_list[0].fields[0].value, "{\"k\": \"}\"}", "span_fields: unescaped value");
	cr_expect(ev.span_list[0].fields[0].quoted, "span_fields: quoted");
	cr_expect_str_eq(ev.span_list[0].fields[1].value, "3", "span_fields: id");
	cr_expect_str_eq(ev.span_list[1].name, "inner", "span_fields: name 1");
	cr_expect_eq(ev.span_list[1].n_fields, 0, "span_fields: inner has none");
	ll_log_event_release(&ev);
	ll_tracing_parser_free(p);
}

Test(tracing_line, ansi_line_after_cleaning)
{
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	char line[] = "\x1b[2m2025-11-09T06:53:18.123456Z\x1b[0m \x1b[33m WARN\x1b[0m \x1b[2mloadtest\x1b[0m\x1b[2m:\x1b[0m "
	              "Operation failed \x1b[3moperation\x1b[0m\x1b[2m=\x1b[0mStore \x1b[3merror\x1b[0m\x1b[2m=\x1b[0mStore: network error";
	size_t n = ll_log_line_clean(line, strlen(line));
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	cr_assert_eq(ll_tracing_parse_text(p, line, n, "x", 1, &ev, &err), LL_OK, "ansi: parse (%s)", err.msg ? err.msg : "");
	cr_expect_eq(ev.ts_us, T0 + 123456, "ansi: ts");
	cr_expect_eq(ev.level, LL_LEVEL_WARN, "ansi: level");
	cr_expect_str_eq(ev.fields_json, "{\"operation\":\"Store\",\"error\":\"Store: network error\"}", "ansi: fields");
	const struct ll_log_field *f = ll_log_event_field(&ev, "operation");
	cr_assert_not_null(f, "ansi: operation field");
	cr_expect_str_eq(f->value, "Store", "ansi: operation value");
	ll_log_event_release(&ev);
	ll_tracing_parser_free(p);
}

Test(tracing_line, metrics_snapshot_over_64k)
{
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	const char *head = "2025-11-09T06:53:31.000000Z  INFO engram_core::metrics: streaming metrics snapshot "
	                   "target=\"engram::metrics::stream\" label=\"daemon\" snapshot={\"counters\": [";
	size_t body = 70000;
	size_t n = strlen(head) + body + 2;
	char *line = malloc(n + 1);
	cr_assert_not_null(line);
	memcpy(line, head, strlen(head));
	for (size_t i = 0; i < body; i++)
		line[strlen(head) + i] = (i % 10 == 9) ? ',' : (char)('0' + i % 10);
	memcpy(line + strlen(head) + body, "]}", 2);
	line[n] = '\0';
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	cr_assert_eq(ll_tracing_parse_text(p, line, n, "x", 1, &ev, &err), LL_OK, "snapshot_64k: parse");
	cr_assert_eq(ev.n_fields, 3, "snapshot_64k: n_fields %zu", ev.n_fields);
	cr_expect_str_eq(ev.fields[2].key, "snapshot", "snapshot_64k: key");
	cr_expect_eq(ev.fields[2].value_len, body + strlen("{\"counters\": [") + 2, "snapshot_64k: value length %zu",
	             ev.fields[2].value_len);
	cr_expect_str_eq(ev.message, "streaming metrics snapshot", "snapshot_64k: message");
	ll_log_event_release(&ev);
	free(line);
	ll_tracing_parser_free(p);
}

Test(tracing_line, greedy_list_is_the_callers)
{
	const char *const none[] = { NULL };
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(none, &p, &err), LL_OK);
	const char *line = "2025-11-09T06:53:18Z  WARN t: m error=boom retry=3";
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	cr_assert_eq(ll_tracing_parse_text(p, line, strlen(line), "x", 1, &ev, &err), LL_OK);
	cr_expect_str_eq(ev.fields_json, "{\"error\":\"boom\",\"retry\":\"3\"}", "no_greedy: error stops at retry");
	ll_log_event_release(&ev);
	ll_tracing_parser_free(p);

	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	cr_assert_eq(ll_tracing_parse_text(p, line, strlen(line), "x", 1, &ev, &err), LL_OK);
	cr_expect_str_eq(ev.fields_json, "{\"error\":\"boom retry=3\"}", "default_greedy: error runs to end");
	ll_log_event_release(&ev);
	ll_tracing_parser_free(p);
}

Test(tracing_line, nul_byte_in_message_is_kept)
{
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	const char line[] = "2025-11-09T06:53:18Z  INFO t: a\0b \xff\xfe";
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	cr_assert_eq(ll_tracing_parse_text(p, line, sizeof line - 1, "x", 1, &ev, &err), LL_OK, "nul: parse");
	cr_expect_eq(ev.message_len, 6, "nul: message_len %zu", ev.message_len);
	cr_expect(memcmp(ev.message, "a\0b \xff\xfe", 6) == 0, "nul: bytes kept");
	ll_log_event_release(&ev);
	ll_tracing_parser_free(p);
}

struct stamp_case {
	const char *name, *line;
	bool stamped;
};

Test(tracing_line, is_stamped)
{
	static const struct stamp_case sc[] = {
		{ "fmt_line", "2025-11-09T06:53:18.1Z  INFO t: m", true },
		{ "json_line", "{\"timestamp\":\"x\"}", true },
		{ "backtrace_continuation", "   0: std::backtrace_rs::backtrace", false },
		{ "startup_println", " HTTP API: http://127.0.0.1:7432", false },
		{ "date_only", "2025-11-09", false },
		{ "empty", "", false },
	};
	for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++)
		cr_expect_eq(ll_tracing_line_is_stamped(sc[i].line, strlen(sc[i].line)), sc[i].stamped,
		             "%s: stamped", sc[i].name);
}

Test(tracing_line, rfc3339_and_days_from_civil)
{
	int64_t t = 1;
	cr_expect(ll_rfc3339_parse("2000-02-29T23:59:59Z", 20, &t), "y2k_leap: parses");
	cr_expect_eq(t, INT64_C(951868799000000), "y2k_leap: value %lld", (long long)t);
	cr_expect(!ll_rfc3339_parse("2000-02-29T23:59:59", 19, &t), "no_zone: rejected");
	cr_expect(!ll_rfc3339_parse("2000-02-29T24:00:00Z", 20, &t), "hour_24: rejected");
	cr_expect(!ll_rfc3339_parse("2000-02-29T23:59:59.Z", 21, &t), "empty_fraction: rejected");
	cr_expect(!ll_rfc3339_parse("2000-02-29T23:59:59+2:00", 24, &t), "short_offset: rejected");
	cr_expect_eq(ll_days_from_civil(1970, 1, 1), 0, "civil: epoch");
	cr_expect_eq(ll_days_from_civil(1969, 12, 31), -1, "civil: day before");
	cr_expect_eq(ll_days_from_civil(2000, 3, 1), 11017, "civil: 2000-03-01");
	cr_expect_eq(ll_days_from_civil(1600, 1, 1), -135140, "civil: 1600");
}

Test(tracing_line, level_names)
{
	cr_expect_str_eq(ll_level_name(LL_LEVEL_TRACE), "TRACE", "level_names: trace");
	cr_expect_str_eq(ll_level_name(LL_LEVEL_ERROR), "ERROR", "level_names: error");
	cr_expect_null(ll_level_name(LL_LEVEL_NONE), "level_names: none");
}

/* Fuzz crasher tests/fuzz/corpus/tracing_text/crash-chain-ends-at-colon: a span chain whose
 * last span's ':' ends the line made the "expected target" rejection read past the line.
 * The lines sit in buffers of exactly their length, so ASan sees any overread. */
Test(tracing_line, span_chain_ending_at_colon_is_rejected)
{
	static const struct {
		const char *name;
		const char *line;
	} lines[] = {
		{ "minimal", "2025-11-09T06:53:18Z  WARN a:b:" },
		{ "fuzz_crasher", "2025-11-09T06:53:22.499000Z  WARN eng2025-11-09Terr://orrert::a:" },
	};
	struct ll_tracing_parser *p = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_tracing_parser_new(NULL, &p, &err), LL_OK);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		size_t n = strlen(lines[i].line);
		char *exact = malloc(n);
		cr_assert_not_null(exact);
		memcpy(exact, lines[i].line, n);
		struct ll_log_event ev = LL_LOG_EVENT_INIT;
		struct ll_error e = LL_ERROR_INIT;
		cr_expect_eq(ll_tracing_parse_text(p, exact, n, "server.log", 7, &ev, &e), LL_INPUT,
		             "%s: status", lines[i].name);
		expect_str(lines[i].name, "err.where", e.where, "target");
		expect_str(lines[i].name, "err.msg", e.msg, "expected \"target: \" after the spans, found \"\"");
		cr_expect_eq(e.line, 7, "%s: err.line %ld", lines[i].name, e.line);
		cr_expect_null(ev.message, "%s: event untouched on failure", lines[i].name);
		ll_log_event_release(&ev);
		ll_error_release(&e);
		free(exact);
	}
	ll_tracing_parser_free(p);
}
