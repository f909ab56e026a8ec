/* report_json: the load tester's JSON report -> struct ll_run_report; strict schema
 * errors that name the file and the JSON path or byte offset (DESIGN §2.1). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "loadlens/report_json.h"

#define DATA "tests/data/report_json/"

/* Parses a fixture; returns the formatted error ("" on success) and fills *r. */
static char *parse_fixture(const char *rel, struct ll_run_report *r)
{
	char *path = ll_test_src(rel);
	size_t len = 0;
	char *data = ll_test_read_file(path, &len);
	cr_assert(data, "read %s", path);
	struct ll_error err = LL_ERROR_INIT;
	enum ll_status st = ll_report_json_parse(rel, data, len, r, &err);
	char buf[1024] = "";
	if (st != LL_OK) {
		cr_assert_eq(st, LL_INPUT, "%s: status %d", rel, st);
		ll_error_format(&err, buf, sizeof buf);
	}
	ll_error_release(&err);
	free(data);
	free(path);
	return strdup(buf);
}

struct bad_case {
	const char *file;
	const char *diagnostic;
};

static const struct bad_case bad[] = {
	{ "report_empty.json", "report_empty.json: empty file, expected a JSON object" },
	{ "report_truncated.json",
	  "report_truncated.json:27: column 2 (byte 699): the JSON document ends early (truncated?)" },
	{ "report_binary_garbage.json",
	  "report_binary_garbage.json:1: column 1 (byte 0): invalid JSON near "
	  "\"\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\xff\\xfe\\x10\\x00>\"" },
	{ "report_wrong_type_total_operations.json",
	  "report_wrong_type_total_operations.json: total_operations: expected a non-negative "
	  "integer, found string \"14555\"" },
	{ "report_missing_store_error_count.json",
	  "report_missing_store_error_count.json: per_operation_stats.Store.error_count: missing" },
	{ "report_negative_count.json",
	  "report_negative_count.json: per_operation_stats.Search.count: expected a non-negative "
	  "integer, found -3" },
	{ "report_nan_string.json",
	  "report_nan_string.json: p99_latency_ms: expected a number, found string \"NaN\"" },
	{ "report_nested_latency_shape.json",
	  "report_nested_latency_shape.json: not a loadtest report: found fields scenario, "
	  "latency{p50_ms,p95_ms,p99_ms}, throughput{ops_per_sec}, errors{total}, "
	  "summary{error_rate}; expected config_name, elapsed_seconds, total_operations, "
	  "total_errors, overall_throughput, overall_error_rate, p50_latency_ms, p95_latency_ms, "
	  "p99_latency_ms, per_operation_stats" },
	{ "report_array_root.json", "report_array_root.json: (root): expected a JSON object, found array" },
	{ "report_fractional_latency.json",
	  "report_fractional_latency.json: per_operation_stats.Recall.p99_latency_us: expected a "
	  "non-negative integer, found 602.5" },
	{ "report_trailing_garbage.json",
	  "report_trailing_garbage.json:58: column 1 (byte 1487): unexpected data after the JSON object" },
	{ "report_overflow_number.json", "report_overflow_number.json: elapsed_seconds: number is not finite" },
};

Test(report_json, bad_inputs_name_file_and_json_path)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char rel[256];
		snprintf(rel, sizeof rel, DATA "%s", bad[i].file);
		struct ll_run_report r = LL_RUN_REPORT_INIT;
		char *got = parse_fixture(rel, &r);
		char want[1024];
		snprintf(want, sizeof want, DATA "%s", bad[i].diagnostic);
		cr_expect_str_eq(got, want, "%s", bad[i].file);
		cr_expect_eq(r.n_ops, 0, "%s: *out stays empty on error", bad[i].file);
		cr_expect_null(r.config_name, "%s", bad[i].file);
		free(got);
	}
}

Test(report_json, m17_sample_parses_exactly)
{
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	char *got = parse_fixture("sample_logs/m17_before.json", &r);
	cr_assert_str_eq(got, "");
	free(got);
	cr_expect_str_eq(r.config_name, "m17_baseline");
	cr_expect_eq(r.total_ops, 14555);
	cr_expect_eq(r.total_errors, 3475);
	cr_expect_float_eq(r.elapsed_s, 60.143218431, 1e-12);
	cr_expect_float_eq(r.error_rate_frac, 3475.0 / 14555.0, 1e-15);
	cr_expect_float_eq(r.p99_ms, 0.65, 1e-12);
	cr_expect_eq(r.source, LL_SOURCE_JSON);
	cr_assert_eq(r.n_ops, 4);
	/* sorted by name whatever the file's (random) key order */
	static const struct {
		const char *op;
		int64_t count, errors, p99;
	} want[] = { { "PatternCompletion", 686, 686, 342 }, { "Recall", 5882, 1156, 602 },
		     { "Search", 683, 136, 533 }, { "Store", 7304, 1497, 650 } };
	for (size_t i = 0; i < 4; i++) {
		cr_expect_str_eq(r.ops[i].op, want[i].op);
		cr_expect_eq(r.ops[i].count, want[i].count, "%s", want[i].op);
		cr_expect_eq(r.ops[i].error_count, want[i].errors, "%s", want[i].op);
		cr_expect_eq(r.ops[i].success_count, want[i].count - want[i].errors, "%s", want[i].op);
		cr_expect_eq(r.ops[i].p99_us, want[i].p99, "%s", want[i].op);
		cr_expect(r.ops[i].has_detail, "%s", want[i].op);
	}
	ll_run_report_release(&r);
	cr_expect_null(r.ops);
}

Test(report_json, unknown_fields_are_ignored)
{
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	char *got = parse_fixture(DATA "report_extra_fields.json", &r);
	cr_expect_str_eq(got, "");
	cr_expect_eq(r.n_ops, 4);
	free(got);
	ll_run_report_release(&r);
}

Test(report_json, whitespace_only_of_50_mb_is_an_input_error)
{
	size_t len = 50u << 20;
	char *data = malloc(len);
	cr_assert(data);
	memset(data, ' ', len);
	data[len - 1] = '\n';
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_expect_eq(ll_report_json_parse("big.json", data, len, &r, &err), LL_INPUT);
	char buf[256];
	cr_expect_str_eq(ll_error_format(&err, buf, sizeof buf),
	                 "big.json: only whitespace (52428800 bytes), expected a JSON object");
	ll_error_release(&err);
	free(data);
}

Test(report_json, duplicate_operation_and_empty_name_are_errors)
{
	static const struct {
		const char *name, *json, *diag;
	} cases[] = {
		{ "duplicate_op",
		  "{\"config_name\":\"x\",\"elapsed_seconds\":1,\"total_operations\":2,\"total_errors\":0,"
		  "\"overall_throughput\":2,\"overall_error_rate\":0,\"p50_latency_ms\":0,\"p95_latency_ms\":0,"
		  "\"p99_latency_ms\":0,\"per_operation_stats\":{"
		  "\"Store\":{\"count\":1,\"success_count\":1,\"error_count\":0,\"p50_latency_us\":1,\"p95_latency_us\":1,\"p99_latency_us\":1,\"p999_latency_us\":1,\"mean_latency_us\":1,\"max_latency_us\":1},"
		  "\"Store\":{\"count\":1,\"success_count\":1,\"error_count\":0,\"p50_latency_us\":1,\"p95_latency_us\":1,\"p99_latency_us\":1,\"p999_latency_us\":1,\"mean_latency_us\":1,\"max_latency_us\":1}}}",
		  "d.json: per_operation_stats.Store: operation appears twice" },
		{ "empty_op_name",
		  "{\"config_name\":\"x\",\"elapsed_seconds\":1,\"total_operations\":2,\"total_errors\":0,"
		  "\"overall_throughput\":2,\"overall_error_rate\":0,\"p50_latency_ms\":0,\"p95_latency_ms\":0,"
		  "\"p99_latency_ms\":0,\"per_operation_stats\":{\"\":{}}}",
		  "d.json: per_operation_stats: empty operation name" },
		{ "config_name_number",
		  "{\"config_name\":7}", "d.json: config_name: expected a string, found number" },
		{ "missing_elapsed",
		  "{\"config_name\":\"x\"}", "d.json: elapsed_seconds: missing" },
		{ "ops_not_object",
		  "{\"config_name\":\"x\",\"elapsed_seconds\":1,\"total_operations\":2,\"total_errors\":0,"
		  "\"overall_throughput\":2,\"overall_error_rate\":0,\"p50_latency_ms\":0,\"p95_latency_ms\":0,"
		  "\"p99_latency_ms\":0,\"per_operation_stats\":[]}",
		  "d.json: per_operation_stats: expected an object, found array" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ll_run_report r = LL_RUN_REPORT_INIT;
		struct ll_error err = LL_ERROR_INIT;
		enum ll_status st = ll_report_json_parse("d.json", cases[i].json, strlen(cases[i].json), &r, &err);
		cr_expect_eq(st, LL_INPUT, "%s", cases[i].name);
		char buf[512];
		cr_expect_str_eq(ll_error_format(&err, buf, sizeof buf), cases[i].diag, "%s", cases[i].name);
		cr_expect_eq(r.n_ops, 0, "%s", cases[i].name);
		ll_error_release(&err);
	}
}
