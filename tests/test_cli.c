/* cli: the loadlens binary end to end on sample_logs/ and tests/data/: exit codes, JSON
 * contracts, idempotent ingest, bad input that never changes the database. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define SAMPLE(f) LL_SOURCE_DIR "/sample_logs/" f
#define BAD(f) LL_SOURCE_DIR "/tests/data/report_json/" f

static struct ll_test_run run(const char *const *argv)
{
	return ll_test_run_loadlens(NULL, NULL, NULL, argv);
}

static cJSON *parse_json_out(const struct ll_test_run *r)
{
	cJSON *j = cJSON_Parse(r->out);
	cr_assert(j, "stdout is not JSON: %.200s", r->out);
	cr_assert_eq(cJSON_GetObjectItem(j, "schema_version")->valuedouble, 1);
	return j;
}

static const cJSON *finding(const cJSON *j, const char *rule)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(j, "findings"))
		if (strcmp(cJSON_GetObjectItem(f, "rule")->valuestring, rule) == 0)
			return f;
	cr_assert_fail("no finding %s", rule);
	return NULL;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	cr_assert(cJSON_IsNumber(v), "%s is not a number", key);
	return v->valuedouble;
}

Test(cli_check, m17_before_is_invalid_with_every_reason_in_json)
{
	const char *argv[] = { "check", SAMPLE("m17_before.json"), "--min-throughput", "800",
		               "--format", "json", NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 1, "stderr: %s", r.err);
	cJSON *j = parse_json_out(&r);
	cr_expect_str_eq(cJSON_GetObjectItem(j, "command")->valuestring, "check");
	cr_expect_str_eq(cJSON_GetObjectItem(j, "verdict")->valuestring, "invalid");
	const cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "inputs"), 0);
	cr_expect_str_eq(cJSON_GetObjectItem(in, "kind")->valuestring, "file");
	cr_expect_eq(strlen(cJSON_GetObjectItem(in, "sha256")->valuestring), 64);
	cr_expect_eq(num(cJSON_GetObjectItem(j, "thresholds"), "min_throughput"), 800);

	const cJSON *f = finding(j, "error_rate");
	cr_expect_str_eq(cJSON_GetObjectItem(f, "severity")->valuestring, "error");
	cr_expect_eq(num(cJSON_GetObjectItem(f, "values"), "errors"), 3475);
	cr_expect_eq(num(cJSON_GetObjectItem(f, "values"), "operations"), 14555);
	cr_expect_float_eq(num(cJSON_GetObjectItem(f, "values"), "error_rate"), 0.2387495705942975, 1e-12);

	f = finding(j, "op_all_failed");
	cr_expect_str_eq(cJSON_GetObjectItem(f, "op")->valuestring, "PatternCompletion");
	cr_expect_eq(num(cJSON_GetObjectItem(f, "values"), "errors"), 686);
	cr_expect_eq(num(cJSON_GetObjectItem(f, "values"), "operations"), 686);

	f = finding(j, "throughput");
	cr_expect_float_eq(num(cJSON_GetObjectItem(f, "values"), "throughput"), 242.00567212242544, 1e-9);
	cr_expect_str_eq(cJSON_GetObjectItem(f, "message")->valuestring,
	                 "throughput 242 ops/s is below the minimum 800 ops/s");

	f = finding(j, "shared_error_rate");
	cr_expect_str_eq(cJSON_GetObjectItem(f, "severity")->valuestring, "warning");
	const char *msg = cJSON_GetObjectItem(f, "message")->valuestring;
	cr_expect(strstr(msg, "Recall 19.7% (1156/5882), Search 19.9% (136/683), Store 20.5% (1497/7304)"),
	          "%s", msg);
	cr_expect_eq(num(j, "errors"), 3);
	cr_expect_eq(num(j, "warnings"), 1);
	cJSON_Delete(j);
	ll_test_run_release(&r);
}

Test(cli_check, clean_baseline_and_candidates_are_valid)
{
	const char *files[] = { SAMPLE("clean_baseline.json"), SAMPLE("clean_candidate.json"),
		                SAMPLE("regressed_candidate.json") };
	for (size_t i = 0; i < 3; i++) {
		const char *argv[] = { "check", files[i], NULL };
		struct ll_test_run r = run(argv);
		cr_expect_eq(r.exit_code, 0, "%s: %s", files[i], r.out);
		cr_expect(strstr(r.out, ": VALID (0 errors, 0 warnings)"), "%s: %s", files[i], r.out);
		ll_test_run_release(&r);
	}
}

Test(cli_check, text_markdown_and_junit)
{
	const char *argv[] = { "check", SAMPLE("m17_before.json"), NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(strstr(r.out, "INVALID (2 errors, 1 warning)"), "%s", r.out);
	cr_expect(strstr(r.out, "error   error_rate                 error rate 23.87% (3475/14555) is above the limit 1.00%\n"),
	          "%s", r.out);
	cr_expect_null(strchr(r.out, '\033'), "no colour when stdout is not a terminal");
	ll_test_run_release(&r);

	const char *md[] = { "check", SAMPLE("m17_before.json"), "--format", "markdown", NULL };
	r = run(md);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(strstr(r.out, "### Baseline check: **INVALID**"), "%s", r.out);
	cr_expect(strstr(r.out, "| error | `op_all_failed` | PatternCompletion | PatternCompletion: 686/686 operations failed (100%): a broken endpoint or a request/API mismatch |"),
	          "%s", r.out);
	ll_test_run_release(&r);

	char *dir = ll_test_tmpdir("junit");
	char *xml = ll_test_path(dir, "check.xml");
	const char *ju[] = { "check", SAMPLE("m17_before.json"), "--format", "junit", NULL };
	r = run(ju);
	cr_expect_eq(r.exit_code, 1);
	ll_test_write_file(xml, r.out, r.out_len);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "xmllint --noout %s", xml);
	cr_expect_eq(system(cmd), 0, "xmllint rejects: %s", r.out);
	cr_expect(strstr(r.out, "tests=\"19\" failures=\"2\""), "%s", r.out);
	cr_expect(strstr(r.out, "<testcase classname=\"loadlens.check\" name=\"op_all_failed\">\n      <failure type=\"error\""),
	          "%s", r.out);
	ll_test_run_release(&r);
	free(xml);
	free(dir);
}

Test(cli_check, all_zero_latency_reported_as_unknown)
{
	const char *argv[] = { "check", BAD("report_all_zero_latency.json"), "--format", "json", NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 1);
	cJSON *j = parse_json_out(&r);
	const cJSON *f = finding(j, "latency_unknown");
	cr_expect_str_eq(cJSON_GetObjectItem(f, "op")->valuestring, "Search");
	cr_expect_str_eq(cJSON_GetObjectItem(f, "severity")->valuestring, "error");
	cJSON_Delete(j);
	ll_test_run_release(&r);
}

static cJSON *compare_json(const char *base, const char *cand, const char *extra, int want_exit)
{
	const char *argv[] = { "compare", base, cand, "--format", "json", extra, NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, want_exit, "compare %s %s: stderr %s", base, cand, r.err);
	cJSON *j = parse_json_out(&r);
	ll_test_run_release(&r);
	return j;
}

static const cJSON *crow(const cJSON *j, const char *scope, const char *metric)
{
	const cJSON *row;
	cJSON_ArrayForEach(row, cJSON_GetObjectItem(j, "rows"))
		if (strcmp(cJSON_GetObjectItem(row, "scope")->valuestring, scope) == 0 &&
		    strcmp(cJSON_GetObjectItem(row, "metric")->valuestring, metric) == 0)
			return row;
	cr_assert_fail("no row %s %s", scope, metric);
	return NULL;
}

Test(cli_compare, clean_candidate_passes)
{
	cJSON *j = compare_json(SAMPLE("clean_baseline.json"), SAMPLE("clean_candidate.json"), NULL, 0);
	cr_expect_str_eq(cJSON_GetObjectItem(j, "verdict")->valuestring, "pass");
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 30);
	const cJSON *row = crow(j, "overall", "errors");
	cr_expect_str_eq(cJSON_GetObjectItem(row, "pct_state")->valuestring, "baseline_zero");
	cr_expect(cJSON_IsNull(cJSON_GetObjectItem(row, "pct")));
	cr_expect_eq(num(row, "delta"), 12);
	row = crow(j, "overall", "p99_ms");
	cr_expect_float_eq(num(row, "pct"), (0.699 - 0.688) / 0.688 * 100, 1e-9);
	cr_expect_eq(num(row, "threshold"), 5);
	cJSON_Delete(j);
}

Test(cli_compare, regressed_candidate_names_each_regressed_metric)
{
	cJSON *j = compare_json(SAMPLE("clean_baseline.json"), SAMPLE("regressed_candidate.json"), NULL, 1);
	cr_expect_str_eq(cJSON_GetObjectItem(j, "verdict")->valuestring, "regression");
	cr_expect_eq(num(j, "regressions"), 6);
	static const char *const regressed[][2] = {
		{ "overall", "p99_ms" }, { "overall", "throughput" }, { "Store", "p99_ms" },
		{ "Recall", "p99_ms" },  { "Search", "p99_ms" },      { "PatternCompletion", "p99_ms" },
	};
	for (size_t i = 0; i < 6; i++)
		cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(crow(j, regressed[i][0], regressed[i][1]), "regression")),
		          "%s %s", regressed[i][0], regressed[i][1]);
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(crow(j, "overall", "error_rate_pct"), "regression")));
	cr_expect_float_eq(num(crow(j, "overall", "p99_ms"), "pct"), (0.833 - 0.688) / 0.688 * 100, 1e-9);
	cJSON_Delete(j);

	const char *argv[] = { "compare", SAMPLE("clean_baseline.json"), SAMPLE("regressed_candidate.json"), NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(strstr(r.out, ": REGRESSION (6 regressed metrics)"), "%s", r.out);
	cr_expect(strstr(r.out, "  overall p99_ms: 0.688 -> 0.833 (+21.08%; limit: rises > 5.00%)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  overall throughput: 799.1 -> 725.7 (-9.19%; limit: falls > 5.00%)\n"), "%s", r.out);
	ll_test_run_release(&r);

	const char *md[] = { "compare", SAMPLE("clean_baseline.json"), SAMPLE("regressed_candidate.json"),
		             "--format", "markdown", NULL };
	r = run(md);
	cr_expect_eq(r.exit_code, 1);
	cr_expect_eq(strncmp(r.out, "### Load test comparison: **REGRESSION**\n", 41), 0, "%s", r.out);
	/* every table row has as many cells as its header */
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] != '|')
			continue;
		int pipes = 0;
		for (char *c = line; *c; c++)
			pipes += *c == '|' && (c == line || c[-1] != '\\');
		cr_expect(pipes == 7 || pipes == 5, "row with %d pipes: %s", pipes, line);
	}
	ll_test_run_release(&r);

	/* --competitive allows 10%: p99 +21% still regresses, throughput -9.2% no longer */
	j = compare_json(SAMPLE("clean_baseline.json"), SAMPLE("regressed_candidate.json"), "--competitive", 1);
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(crow(j, "overall", "throughput"), "regression")));
	cr_expect_eq(num(crow(j, "overall", "throughput"), "threshold"), 10);
	cJSON_Delete(j);
}

Test(cli_compare, invalid_baseline_is_not_meaningful_unless_allowed)
{
	cJSON *j = compare_json(SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json"), NULL, 4);
	cr_expect_str_eq(cJSON_GetObjectItem(j, "verdict")->valuestring, "not_meaningful");
	cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(j, "base_valid")));
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 0);
	cJSON_Delete(j);

	const char *argv[] = { "compare", SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json"), NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 4);
	cr_expect(strstr(r.out, "NOT MEANINGFUL\nbaseline "), "%s", r.out);
	cr_expect(strstr(r.out, "use --allow-invalid"), "%s", r.out);
	ll_test_run_release(&r);

	j = compare_json(SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json"), "--allow-invalid", 1);
	cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(j, "compared_invalid")));
	const cJSON *row = crow(j, "overall", "error_rate_pct");
	cr_expect_float_eq(num(row, "delta"), -3475.0 / 14555 * 100, 1e-9);
	row = crow(j, "PatternCompletion", "error_rate_pct");
	cr_expect_float_eq(num(row, "base"), 100, 1e-12);
	cJSON_Delete(j);

	const char *allow[] = { "compare", "--allow-invalid", SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json"), NULL };
	r = run(allow);
	cr_expect(strstr(r.out, "Compared anyway (--allow-invalid)"), "%s", r.out);
	ll_test_run_release(&r);
}

/* ---- ingest, runs, and the database ---- */

static struct ll_test_run ingest(const char *db, const char *a, const char *b, const char *c)
{
	const char *argv[] = { "ingest", "--db", db, a, b, c, NULL };
	return run(argv);
}

Test(cli_ingest, idempotent_then_replace)
{
	char *dir = ll_test_tmpdir("ingest");
	char *db = ll_test_path(dir, "t.db");
	struct ll_test_run r = ingest(db, SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json"), NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "m17_before.json: ingested as run 'm17_before' (report, 4 operation types, 14555 operations)"),
	          "%s", r.err);
	ll_test_run_release(&r);
	char *fp1 = ll_test_db_fingerprint(db);
	cr_expect_str_eq(fp1, "runs=2;op_stats=8;inputs=2;templates=0;client_events=0;server_events=0;stray_lines=0;correlations=0;report_checks=0;");

	r = ingest(db, SAMPLE("m17_before.json"), NULL, NULL);
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strstr(r.err, "already ingested into run 'm17_before'"), "%s", r.err);
	ll_test_run_release(&r);
	char *fp2 = ll_test_db_fingerprint(db);
	cr_expect_str_eq(fp2, fp1);
	free(fp2);

	/* other content under an existing name: refused, nothing changes */
	const char *clash[] = { "ingest", "--db", db, "--run", "m17_before", SAMPLE("clean_candidate.json"), NULL };
	r = run(clash);
	cr_expect_eq(r.exit_code, 3);
	cr_expect(strstr(r.err, "run 'm17_before' already has a different report"), "%s", r.err);
	ll_test_run_release(&r);
	fp2 = ll_test_db_fingerprint(db);
	cr_expect_str_eq(fp2, fp1);
	free(fp2);

	const char *replace[] = { "ingest", "--db", db, "--run", "m17_before", "--replace", "--label", "fixed",
		                  SAMPLE("clean_candidate.json"), NULL };
	r = run(replace);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "replaced the report of run 'm17_before'"), "%s", r.err);
	ll_test_run_release(&r);
	fp2 = ll_test_db_fingerprint(db);
	cr_expect_str_eq(fp2, fp1);
	free(fp2);

	const char *runs[] = { "runs", "--db", db, "--format", "json", NULL };
	r = run(runs);
	cr_expect_eq(r.exit_code, 0);
	cJSON *j = parse_json_out(&r);
	const cJSON *arr = cJSON_GetObjectItem(j, "runs");
	cr_assert_eq(cJSON_GetArraySize(arr), 2);
	const cJSON *first = cJSON_GetArrayItem(arr, 0);
	cr_expect_str_eq(cJSON_GetObjectItem(first, "name")->valuestring, "clean_baseline");
	cr_expect_str_eq(cJSON_GetObjectItem(first, "verdict")->valuestring, "valid");
	const cJSON *second = cJSON_GetArrayItem(arr, 1);
	cr_expect_str_eq(cJSON_GetObjectItem(second, "label")->valuestring, "fixed");
	cr_expect_eq(num(second, "total_ops"), 47640);
	cJSON_Delete(j);
	ll_test_run_release(&r);
	free(fp1);
	free(db);
	free(dir);
}

Test(cli_ingest, runs_and_check_by_name)
{
	char *dir = ll_test_tmpdir("byname");
	char *db = ll_test_path(dir, "t.db");
	struct ll_test_run r = ingest(db, SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json"),
	                              SAMPLE("regressed_candidate.json"));
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	ll_test_run_release(&r);

	const char *runs[] = { "runs", "--db", db, NULL };
	r = run(runs);
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strstr(r.out, "m17_before                   -                  14555     3475    23.87      242.0      0.65  invalid\n"),
	          "%s", r.out);
	ll_test_run_release(&r);

	const char *check[] = { "check", "--db", db, "m17_before", "--format", "json", NULL };
	r = run(check);
	cr_expect_eq(r.exit_code, 1);
	cJSON *j = parse_json_out(&r);
	const cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "inputs"), 0);
	cr_expect_str_eq(cJSON_GetObjectItem(in, "kind")->valuestring, "run");
	cr_expect_eq(num(cJSON_GetObjectItem(finding(j, "error_rate"), "values"), "errors"), 3475);
	cJSON_Delete(j);
	ll_test_run_release(&r);

	/* LOADLENS_DB names the database when --db does not */
	char envdb[600];
	snprintf(envdb, sizeof envdb, "LOADLENS_DB=%s", db);
	const char *env[] = { envdb, NULL };
	const char *cmp[] = { "compare", "clean_baseline", "regressed_candidate", NULL };
	r = ll_test_run_loadlens(NULL, NULL, env, cmp);
	cr_expect_eq(r.exit_code, 1, "%s", r.err);
	ll_test_run_release(&r);

	const char *missing[] = { "check", "--db", db, "no_such_run", NULL };
	r = run(missing);
	cr_expect_eq(r.exit_code, 3);
	cr_expect(strstr(r.err, "loadlens: no run named 'no_such_run' in "), "%s", r.err);
	ll_test_run_release(&r);
	free(db);
	free(dir);
}

Test(cli_ingest, stdin_with_run_name)
{
	char *dir = ll_test_tmpdir("stdin");
	char *db = ll_test_path(dir, "t.db");
	const char *argv[] = { "ingest", "--db", db, "--run", "piped", "-", NULL };
	struct ll_test_run r = ll_test_run_loadlens(NULL, SAMPLE("clean_baseline.json"), NULL, argv);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "-: ingested as run 'piped'"), "%s", r.err);
	ll_test_run_release(&r);
	free(db);
	free(dir);
}

/* Every bad input: exit 3, a diagnostic naming the file, and the database exactly as it
 * was (same row counts). */
Test(cli_ingest, bad_input_exits_3_and_leaves_database_unchanged)
{
	char *dir = ll_test_tmpdir("bad");
	char *db = ll_test_path(dir, "t.db");
	struct ll_test_run r = ingest(db, SAMPLE("clean_baseline.json"), NULL, NULL);
	cr_assert_eq(r.exit_code, 0);
	ll_test_run_release(&r);
	char *before = ll_test_db_fingerprint(db);

	char *ws = ll_test_path(dir, "whitespace.json");
	FILE *fp = fopen(ws, "wb");
	cr_assert(fp);
	static char spaces[1 << 16];
	memset(spaces, ' ', sizeof spaces);
	for (int i = 0; i < 800; i++) /* 50 MiB */
		fwrite(spaces, 1, sizeof spaces, fp);
	fclose(fp);

	static const struct {
		const char *file, *diag;
	} cases[] = {
		{ BAD("report_empty.json"), "report_empty.json: empty file, expected a JSON object" },
		{ BAD("report_truncated.json"), "report_truncated.json:27: column 2 (byte 699): the JSON document ends early (truncated?)" },
		{ BAD("report_binary_garbage.json"), "report_binary_garbage.json:1: not a loadtest JSON report, load tester output or server log: no line in the first 65536 bytes starts with an RFC 3339 timestamp (use --kind to force one)" },
		{ BAD("report_wrong_type_total_operations.json"), "total_operations: expected a non-negative integer, found string \"14555\"" },
		{ BAD("report_missing_store_error_count.json"), "report_missing_store_error_count.json: per_operation_stats.Store.error_count: missing" },
		{ BAD("report_negative_count.json"), "per_operation_stats.Search.count: expected a non-negative integer, found -3" },
		{ BAD("report_nan_string.json"), "p99_latency_ms: expected a number, found string \"NaN\"" },
		{ BAD("report_nested_latency_shape.json"), "not a loadtest report: found fields scenario, latency{p50_ms,p95_ms,p99_ms}" },
		{ NULL, "whitespace.json: only whitespace (52428800 bytes), expected a JSON object" },
		{ LL_SOURCE_DIR "/tests/data", "tests/data: is a directory, expected a file" },
		{ LL_SOURCE_DIR "/tests/data/no-such-file.json", "no-such-file.json: cannot open: No such file or directory" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *file = cases[i].file ? cases[i].file : ws;
		r = ingest(db, file, NULL, NULL);
		cr_expect_eq(r.exit_code, 3, "%s: exit %d", file, r.exit_code);
		cr_expect(strncmp(r.err, "loadlens: ", 10) == 0 && strstr(r.err, cases[i].diag),
		          "%s: stderr %s", file, r.err);
		char *after = ll_test_db_fingerprint(db);
		cr_expect_str_eq(after, before, "%s changed the database", file);
		free(after);
		ll_test_run_release(&r);
	}

	/* an unreadable file: root reads anything, so read it as nobody */
	char *locked = ll_test_path(dir, "locked.json");
	char *src = ll_test_read_file(SAMPLE("clean_candidate.json"), NULL);
	ll_test_write_file(locked, src, strlen(src));
	free(src);
	cr_assert_eq(chmod(locked, 0), 0);
	const char *argv[] = { "check", locked, NULL };
	r = ll_test_run_loadlens_as(getuid() == 0 ? 65534 : -1, NULL, NULL, NULL, argv);
	cr_expect_eq(r.exit_code, 3, "exit %d: %s", r.exit_code, r.err);
	cr_expect(strstr(r.err, "locked.json: cannot open: Permission denied"), "%s", r.err);
	ll_test_run_release(&r);

	free(locked);
	free(before);
	free(ws);
	free(db);
	free(dir);
}

Test(cli_ingest, two_processes_at_once_both_succeed)
{
	char *dir = ll_test_tmpdir("concurrent");
	char *db = ll_test_path(dir, "t.db");
	const char *files[2] = { SAMPLE("m17_before.json"), SAMPLE("clean_baseline.json") };
	pid_t pids[2];
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		cr_assert(pids[i] >= 0);
		if (pids[i] == 0) {
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2);
			execl(LOADLENS_BIN, LOADLENS_BIN, "ingest", "--db", db, files[i], (char *)NULL);
			_exit(127);
		}
	}
	for (int i = 0; i < 2; i++) {
		int status = 0;
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process %d: status %d", i, status);
	}
	char *fp = ll_test_db_fingerprint(db);
	cr_expect_str_eq(fp, "runs=2;op_stats=8;inputs=2;templates=0;client_events=0;server_events=0;stray_lines=0;correlations=0;report_checks=0;");
	free(fp);
	free(db);
	free(dir);
}

/* ---- command line ---- */

Test(cli_help, every_command_has_help_listing_every_option)
{
	static const struct {
		const char *cmd;
		const char *opts[9];
	} cmds[] = {
		{ "ingest", { "--db", "--run", "--label", "--replace", "--kind", NULL } },
		{ "runs", { "--db", "--format", NULL } },
		{ "check", { "--db", "--max-error-rate", "--min-throughput", "--max-p99-ms", "--min-ops", "--format", NULL } },
		{ "compare", { "--db", "--competitive", "--latency-threshold", "--throughput-threshold",
		               "--max-error-rate-increase", "--max-error-rate", "--allow-invalid", "--format", NULL } },
		{ "report", { "--db", "--format", "--output", "--max-error-rate", "--min-throughput",
		              "--max-p99-ms", "--min-ops", "--top", NULL } },
		{ "correlate", { "--db", "--window-ms", "--skew-ms", "--max-skew-ms", "--levels", "--format", NULL } },
		{ "failures", { "--db", "--op", "--unexplained", "--limit", "--format", NULL } },
		{ "query", { "--db", "--run", "--format", "--list", NULL } },
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		const char *argv[] = { cmds[i].cmd, "--help", NULL };
		struct ll_test_run r = run(argv);
		cr_expect_eq(r.exit_code, 0, "%s --help", cmds[i].cmd);
		cr_expect_str_eq(r.err, "", "%s --help writes nothing on stderr", cmds[i].cmd);
		for (size_t k = 0; cmds[i].opts[k]; k++)
			cr_expect(strstr(r.out, cmds[i].opts[k]), "%s --help lacks %s", cmds[i].cmd, cmds[i].opts[k]);
		cr_expect(strstr(r.out, "exit codes:"), "%s", cmds[i].cmd);
		ll_test_run_release(&r);
	}
	const char *top[] = { "--help", NULL };
	struct ll_test_run r = run(top);
	cr_expect_eq(r.exit_code, 0);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
		cr_expect(strstr(r.out, cmds[i].cmd), "loadlens --help lacks %s", cmds[i].cmd);
	ll_test_run_release(&r);
}

Test(cli_help, usage_errors_exit_2_and_point_to_help)
{
	static const struct {
		const char *argv[6];
		const char *diag;
	} cases[] = {
		{ { "check", SAMPLE("m17_before.json"), "--max-error-rate", "0.01x", NULL },
		  "loadlens: --max-error-rate: expected a non-negative number, found '0.01x'\nloadlens: try 'loadlens check --help'\n" },
		{ { "check", SAMPLE("m17_before.json"), "--min-ops", "-3", NULL },
		  "loadlens: --min-ops: expected a non-negative integer, found '-3'\nloadlens: try 'loadlens check --help'\n" },
		{ { "check", SAMPLE("m17_before.json"), "--max-error-rate", "5", NULL },
		  "loadlens: --max-error-rate: expected a fraction 0..1, found 5 (1% is 0.01)\nloadlens: try 'loadlens check --help'\n" },
		{ { "check", NULL }, "loadlens: expected one RUN or FILE, got 0\nloadlens: try 'loadlens check --help'\n" },
		{ { "compare", "a", NULL }, "loadlens: expected BASE and CAND, got 1 argument\nloadlens: try 'loadlens compare --help'\n" },
		{ { "check", "x", "--format", "yaml", NULL }, "loadlens: --format: 'yaml' is not one of the choices\nloadlens: try 'loadlens check --help'\n" },
		{ { "runs", "--bogus", NULL }, "loadlens: unknown option '--bogus'\nloadlens: try 'loadlens runs --help'\n" },
		{ { "ingest", NULL }, "loadlens: no FILE given\nloadlens: try 'loadlens ingest --help'\n" },
		{ { "frobnicate", NULL }, "loadlens: unknown command 'frobnicate'\nloadlens: try 'loadlens --help'\n" },
		{ { "correlate", "r", "--skew-ms", "fast", NULL }, "loadlens: --skew-ms: expected a number of milliseconds or 'auto', found 'fast'\nloadlens: try 'loadlens correlate --help'\n" },
		{ { "correlate", "r", "--levels", "warn,loud", NULL }, "loadlens: --levels: expected a comma-separated list of trace, debug, info, warn, error; found 'warn,loud'\nloadlens: try 'loadlens correlate --help'\n" },
		{ { "failures", NULL }, "loadlens: expected one RUN, got 0\nloadlens: try 'loadlens failures --help'\n" },
		{ { "query", "no_such_query", NULL }, "loadlens: no canned query named 'no_such_query' (see 'loadlens query --list')\nloadlens: try 'loadlens query --help'\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ll_test_run r = run(cases[i].argv);
		cr_expect_eq(r.exit_code, 2, "case %zu (%s): exit %d", i, cases[i].argv[0], r.exit_code);
		cr_expect_str_eq(r.err, cases[i].diag, "case %zu", i);
		cr_expect_str_eq(r.out, "", "case %zu: nothing on stdout", i);
		ll_test_run_release(&r);
	}
}
