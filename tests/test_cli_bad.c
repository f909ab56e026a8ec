/* cli_bad: named bad inputs, reports and logs, each pinned to its exit code and its
 * diagnostic (issue 6). A bad report is refused whole (exit 3, nothing stored); a bad
 * line in a log is skipped and reported with its line number and why, the good lines
 * kept (exit 0). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#define R(f) "tests/data/report_json/" f
#define B(f) "tests/data/bad/" f

struct bad {
	const char *file;     /* relative to the source tree */
	const char *kind;     /* --kind, or NULL to detect */
	int exit_code;
	const char *diag;     /* must appear in stderr, after the file's path */
	const char *stored;   /* after: "runs=..;" prefix of the fingerprint, or NULL */
};

static const struct bad cases[] = {
	/* reports: refused whole */
	{ R("report_empty.json"), NULL, 3, ": empty file, expected a JSON object", NULL },
	{ R("report_truncated.json"), NULL, 3, ":27: column 2 (byte 699): the JSON document ends early (truncated?)", NULL },
	{ R("report_binary_garbage.json"), "report", 3, ":1: column 1 (byte 0): invalid JSON near \"\\x7fELF", NULL },
	{ R("report_wrong_type_total_operations.json"), NULL, 3, ": total_operations: expected a non-negative integer, found string \"14555\"", NULL },
	{ R("report_missing_store_error_count.json"), NULL, 3, ": per_operation_stats.Store.error_count: missing", NULL },
	{ R("report_negative_count.json"), NULL, 3, ": per_operation_stats.Search.count: expected a non-negative integer, found -3", NULL },
	{ R("report_nan_string.json"), NULL, 3, ": p99_latency_ms: expected a number, found string \"NaN\"", NULL },
	{ R("report_nested_latency_shape.json"), NULL, 3, ": not a loadtest report: found fields scenario, latency{p50_ms,p95_ms,p99_ms}, throughput{ops_per_sec}", NULL },
	{ R("report_array_root.json"), NULL, 3, ": (root): expected a JSON object, found array", NULL },
	{ R("report_fractional_latency.json"), NULL, 3, ": per_operation_stats.Recall.p99_latency_us: expected a non-negative integer, found 602.5", NULL },
	{ R("report_trailing_garbage.json"), NULL, 3, ":58: column 1 (byte 1487): unexpected data after the JSON object", NULL },
	{ R("report_overflow_number.json"), NULL, 3, ": elapsed_seconds: number is not finite", NULL },
	{ B("report_string_root.json"), NULL, 3, ":1: not a loadtest JSON report, load tester output or server log", NULL },
	{ B("report_string_root.json"), "report", 3, ": (root): expected a JSON object, found string \"just a string\"", NULL },
	{ B("report_deep_nesting.json"), NULL, 3, ":1: column 1001 (byte 1000): invalid JSON near \"[[[[", NULL },
	{ B("report_null_count.json"), NULL, 3, ": total_operations: expected a non-negative integer, found null", NULL },
	{ B("report_bool_elapsed.json"), NULL, 3, ": elapsed_seconds: expected a number, found boolean", NULL },
	{ B("report_op_not_object.json"), NULL, 3, ": per_operation_stats.Store: expected an object, found string \"oops\"", NULL },
	{ B("report_nul_byte.json"), NULL, 3, ":3: column 4 (byte 38): invalid JSON near \"el\\x00apsed_seconds", NULL },
	{ B("report_summary_shape.json"), NULL, 3, ": not a loadtest report: found fields summary{error_rate,total}, throughput{ops_per_sec}", NULL },
	{ "tests/data", NULL, 3, ": is a directory, expected a file", NULL },
	{ "tests/data/no-such-report.json", NULL, 3, ": cannot open: No such file or directory", NULL },
	{ B("server_month_13.log"), "report", 3, ":1: column 5 (byte 4): unexpected data after the JSON object", NULL },
	/* server logs: the bad line skipped and named, the rest kept */
	{ B("server_month_13.log"), NULL, 0, ":2: skipped: timestamp: impossible date or time, found \"2025-13-09T06:53:18.000002Z\"", "server_events=2;stray_lines=1;" },
	{ B("server_unknown_level.log"), NULL, 0, ":2: skipped: level: unknown level \"FOO\"", "server_events=2;stray_lines=1;" },
	{ B("server_no_target.log"), NULL, 0, ":2: skipped: target: expected \"target: \" after the level, found \"no target here\"", "server_events=2;stray_lines=1;" },
	{ B("server_space_date.log"), NULL, 0, ":2: skipped: timestamp: expected RFC 3339 timestamp, found \"2025-11-09 06:53:18.000002Z  WARN engram...\"", "server_events=2;stray_lines=1;" },
	{ B("server_binary_line.log"), NULL, 0, ":2: skipped: binary data, not a log line", "server_events=2;stray_lines=1;" },
	{ B("server_bad_offset.log"), NULL, 0, ":2: skipped: timestamp: impossible date or time, found \"2025-11-09T06:53:18.000002+25:00\"", "server_events=2;stray_lines=1;" },
	{ B("server_ten_fraction_digits.log"), NULL, 0, ":2: skipped: timestamp: expected RFC 3339 timestamp, found \"2025-11-09T06:53:18.0000000002Z  WARN en...\"", "server_events=2;stray_lines=1;" },
	{ B("server_json_no_timestamp.log"), NULL, 0, ":2: skipped: timestamp: missing or not a string", "server_events=1;stray_lines=1;" },
	{ B("server_json_broken.log"), NULL, 0, ":2: skipped: json: expected a JSON object, found", "server_events=1;stray_lines=1;" },
	{ B("server_json_bad_level.log"), NULL, 0, ":2: skipped: level: unknown level \"LOUD\"", "server_events=1;stray_lines=1;" },
	{ B("server_only_unstamped.log"), NULL, 3, ":1: not a loadtest JSON report, load tester output or server log: no line in the first 65536 bytes starts with an RFC 3339 timestamp", NULL },
	{ B("server_only_unstamped.log"), "server-log", 0, ": server-log into run 'r': 2 lines, 0 events, 2 skipped", "server_events=0;stray_lines=2;" },
	/* load tester output */
	{ B("loadtest_failure_without_op.log"), NULL, 0, ":2: skipped: operation: \"Operation failed\" event names no operation", "client_events=2;server_events=0;stray_lines=1;" },
	{ B("loadtest_summary_cut.log"), NULL, 0, ":7: skipped: summary block ignored: summary block ends early: expected \"Overall Error Rate: N.NN%\"", "client_events=1;server_events=0;stray_lines=1;" },
	{ B("loadtest_summary_bad_number.log"), NULL, 0, ":4: skipped: summary block ignored: expected \"Duration: N.NNs | Total Operations: N\", found \"Duration: sixty | Total Operations: 14555\"", "client_events=1;server_events=0;stray_lines=1;" },
};

Test(cli_bad, every_named_bad_input_has_its_exit_code_and_diagnostic)
{
	cr_assert_geq(sizeof cases / sizeof cases[0], 30);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct bad *c = &cases[i];
		char *dir = ll_test_tmpdir("bad");
		char *db = ll_test_path(dir, "t.db");
		const char *argv[10] = { "ingest", "--db", db, "--run", "r" };
		size_t n = 5;
		if (c->kind) {
			argv[n++] = "--kind";
			argv[n++] = c->kind;
		}
		argv[n++] = c->file;
		argv[n] = NULL;
		/* run from the source tree so the diagnostics name the relative path */
		struct ll_test_run r = ll_test_run_loadlens(LL_SOURCE_DIR, NULL, NULL, argv);
		cr_expect_eq(r.exit_code, c->exit_code, "case %zu %s: exit %d: %s", i, c->file, r.exit_code, r.err);
		char want[600];
		/* a skipped line is reported indented under its file's summary line */
		snprintf(want, sizeof want, "loadlens: %s%s", strstr(c->diag, " skipped: ") ? "  " : "", c->file);
		const char *at = strstr(r.err, want);
		cr_expect(at && strstr(at + strlen(want), c->diag) == at + strlen(want),
		          "case %zu %s: stderr lacks \"%s%s\":\n%s", i, c->file, want, c->diag, r.err);
		char *fp = ll_test_db_fingerprint(db);
		if (c->stored)
			cr_expect(strstr(fp, c->stored), "case %zu %s: stored %s", i, c->file, fp);
		else
			cr_expect(strstr(fp, "inputs=0;"), "case %zu %s: a refused file stored something: %s", i, c->file, fp);
		free(fp);
		ll_test_run_release(&r);
		free(db);
		free(dir);
	}
}

Test(cli_bad, a_byte_order_mark_is_accepted)
{
	char *dir = ll_test_tmpdir("bom");
	char *db = ll_test_path(dir, "t.db");
	const char *argv[] = { "ingest", "--db", db, LL_SOURCE_DIR "/" B("report_bom.json"), NULL };
	struct ll_test_run r = ll_test_run_loadlens(NULL, NULL, NULL, argv);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "ingested as run 'report_bom' (report, 4 operation types, 47950 operations)"), "%s", r.err);
	ll_test_run_release(&r);
	free(db);
	free(dir);
}
