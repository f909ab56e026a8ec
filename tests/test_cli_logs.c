/* cli_logs: the load tester's output and the server log of the M17 sample through ingest,
 * query and correlate, pinned to the generator's ground truth (sample_logs/m17_truth.json). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

#define SAMPLE(f) LL_SOURCE_DIR "/sample_logs/" f

static struct ll_test_run run(const char *const *argv)
{
	return ll_test_run_loadlens(NULL, NULL, NULL, argv);
}

/* A fresh database with the M17 report and both logs (ANSI copies) in run m17_before. */
static char *m17_db(const char *name, bool nocolor)
{
	char *dir = ll_test_tmpdir(name);
	char *db = ll_test_path(dir, "t.db");
	free(dir);
	const char *argv[] = { "ingest", "--db", db, "--run", "m17_before", SAMPLE("m17_before.json"),
		               nocolor ? SAMPLE("m17_before_loadtest.nocolor.log") : SAMPLE("m17_before_loadtest.log"),
		               nocolor ? SAMPLE("m17_before_server.nocolor.log") : SAMPLE("m17_before_server.log"),
		               NULL };
	struct ll_test_run r = run(argv);
	cr_assert_eq(r.exit_code, 0, "ingest: %s", r.err);
	ll_test_run_release(&r);
	return db;
}

/* The rows of one SQL query as CSV text. */
static char *query_csv(const char *db, const char *sql)
{
	const char *argv[] = { "query", "--db", db, "--format", "csv", sql, NULL };
	struct ll_test_run r = run(argv);
	cr_assert_eq(r.exit_code, 0, "query %s: %s", sql, r.err);
	char *out = strdup(r.out);
	ll_test_run_release(&r);
	return out;
}

Test(cli_logs, m17_ingest_counts_match_the_truth)
{
	char *db = m17_db("m17counts", false);
	char *got = query_csv(db, "SELECT op, coalesce(status, error_class) AS s, count(*) FROM client_events "
	                          "WHERE op IS NOT NULL GROUP BY op, s ORDER BY op, s");
	cr_expect_str_eq(got,
	                 "op,s,count(*)\r\n"
	                 "PatternCompletion,422,641\r\nPatternCompletion,500,21\r\nPatternCompletion,network,24\r\n"
	                 "Recall,400,38\r\nRecall,500,942\r\nRecall,network,176\r\n"
	                 "Search,500,112\r\nSearch,network,24\r\n"
	                 "Store,500,1219\r\nStore,network,278\r\n");
	free(got);
	got = query_csv(db, "SELECT level, count(*) FROM server_events GROUP BY level ORDER BY level");
	cr_expect_str_eq(got, "level,count(*)\r\nERROR,3317\r\nINFO,23298\r\nWARN,2448\r\n");
	free(got);
	got = query_csv(db, "SELECT kind, lines, events, skipped FROM inputs ORDER BY input_id");
	cr_expect_str_eq(got, "kind,lines,events,skipped\r\nreport,,,0\r\nloadtest-log,3529,3484,0\r\n"
	                      "server-log,29127,29063,2\r\n");
	free(got);
	got = query_csv(db, "SELECT kind, line_no, substr(text, 1, 12) FROM stray_lines ORDER BY line_no");
	cr_expect_str_eq(got, "kind,line_no,\"substr(text, 1, 12)\"\r\nunstamped,1,    Finished\r\nunstamped,2,     Running\r\n");
	free(got);
	/* the header lines of the load tester are stored with the run */
	got = query_csv(db, "SELECT config_name, seed, target_rate, configured_duration_s, endpoint, report_source FROM runs");
	cr_expect_str_eq(got, "config_name,seed,target_rate,configured_duration_s,endpoint,report_source\r\n"
	                      "m17_baseline,3735928559,1000.0,60.0,http://localhost:7432,json\r\n");
	free(got);
	/* the summary block agrees with the JSON report within its rounding */
	got = query_csv(db, "SELECT count(*) FROM report_checks");
	cr_expect_str_eq(got, "count(*)\r\n0\r\n");
	free(got);
	/* Engram's error code and message come out of the JSON body */
	got = query_csv(db, "SELECT error_code, count(*) FROM client_events WHERE op IS NOT NULL "
	                    "GROUP BY error_code ORDER BY error_code");
	cr_expect_str_eq(got, "error_code,count(*)\r\n,502\r\nINVALID_MEMORY_INPUT,38\r\n"
	                      "MEMORY_SYSTEM_ERROR,2294\r\nMEMORY_VALIDATION_ERROR,641\r\n");
	free(got);
	/* a multi-line panic is one event, its backtrace folded into it */
	got = query_csv(db, "SELECT count(*), (length(fields_json) - length(replace(fields_json, '\\n', ''))) / 2, "
	                    "line_no FROM server_events WHERE message LIKE 'PANIC%'");
	/* one event at line 29075 with its 52 continuation lines (22 of the backtrace, 30 of
	 * the panic hook's stderr block), each a JSON-escaped newline in its last field */
	cr_expect(strstr(got, "\r\n1,52,29075\r\n"), "%s", got);
	free(got);
	free(db);
}

Test(cli_logs, ansi_and_no_color_copies_give_identical_rows)
{
	char *a = m17_db("ansi", false), *b = m17_db("nocolor", true);
	static const char *const sqls[] = {
		"SELECT line_no, ts_us, level, op, status, reason, error_class, error_code, error_message, "
		"message, body, request_id FROM client_events ORDER BY event_id",
		"SELECT line_no, ts_us, level, target, spans, message, fields_json, method, path, status, "
		"request_id, t.text FROM server_events e LEFT JOIN templates t USING (template_id) ORDER BY event_id",
		"SELECT line_no, kind, reason, text FROM stray_lines ORDER BY input_id, line_no",
	};
	for (size_t i = 0; i < 3; i++) {
		char *x = query_csv(a, sqls[i]), *y = query_csv(b, sqls[i]);
		cr_expect(strlen(x) > (i == 2 ? 60u : 1000u), "query %zu returned almost nothing: %s", i, x);
		cr_expect(strcmp(x, y) == 0, "query %zu differs between the ANSI and NO_COLOR copies", i);
		free(x);
		free(y);
	}
	free(a);
	free(b);
}

Test(cli_logs, same_log_again_is_a_no_op)
{
	char *db = m17_db("again", false);
	char *before = ll_test_db_fingerprint(db);
	const char *argv[] = { "ingest", "--db", db, "--run", "m17_before", SAMPLE("m17_before_server.log"), NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strstr(r.err, "already ingested into run 'm17_before'"), "%s", r.err);
	ll_test_run_release(&r);
	char *after = ll_test_db_fingerprint(db);
	cr_expect_str_eq(after, before);
	free(before);
	free(after);
	free(db);
}

Test(cli_logs, second_half_garbage_keeps_good_lines_and_reports_bad_ones)
{
	char *dir = ll_test_tmpdir("garbage");
	char *log = ll_test_path(dir, "half.log");
	char *db = ll_test_path(dir, "t.db");
	FILE *fp = fopen(log, "wb");
	cr_assert(fp);
	for (int i = 0; i < 100; i++)
		fprintf(fp, "2025-11-09T06:53:%02d.%06dZ  INFO engram_cli::api: Processing remember memory request: content length = %d\n",
		        i % 60, i, 50 + i);
	/* garbage of three kinds: malformed timestamps, binary junk, broken JSON */
	for (int i = 0; i < 100; i++) {
		if (i % 3 == 0)
			fprintf(fp, "2025-11-09 06:53:%02d garbage %d\n", i % 60, i);
		else if (i % 3 == 1)
			fprintf(fp, "\x01\x02\xff\xfe junk %d \x7f\n", i);
		else
			fprintf(fp, "{\"timestamp\": %d, broken\n", i);
	}
	fclose(fp);
	const char *argv[] = { "ingest", "--db", db, "--run", "g", "--kind", "server-log", log, NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.err, "200 lines, 100 events, 100 skipped"), "%s", r.err);
	cr_expect(strstr(r.err, "half.log:101: skipped: "), "first skipped line named: %s", r.err);
	ll_test_run_release(&r);
	char *got = query_csv(db, "SELECT count(*), min(line_no), max(line_no) FROM stray_lines WHERE kind = 'unparsed'");
	cr_expect_str_eq(got, "count(*),min(line_no),max(line_no)\r\n100,101,200\r\n");
	free(got);
	got = query_csv(db, "SELECT count(*), count(DISTINCT template_id) FROM server_events");
	cr_expect_str_eq(got, "count(*),count(DISTINCT template_id)\r\n100,1\r\n");
	free(got);
	free(db);
	free(log);
	free(dir);
}

/* SIGINT while the ingest waits on a FIFO in the middle of a file: it rolls back, says so
 * and exits non-zero; the database is as it was. */
Test(cli_logs, sigint_in_the_middle_leaves_the_database_unchanged)
{
	char *dir = ll_test_tmpdir("sigint");
	char *fifo = ll_test_path(dir, "server.fifo");
	char *db = ll_test_path(dir, "t.db");
	char *errp = ll_test_path(dir, "err.txt");
	const char *seed[] = { "ingest", "--db", db, SAMPLE("clean_baseline.json"), NULL };
	struct ll_test_run r = run(seed);
	cr_assert_eq(r.exit_code, 0);
	ll_test_run_release(&r);
	char *before = ll_test_db_fingerprint(db);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execl(LOADLENS_BIN, LOADLENS_BIN, "ingest", "--db", db, "--run", "clean_baseline",
		      "--kind", "server-log", fifo, (char *)NULL);
		_exit(127);
	}
	int w = open(fifo, O_WRONLY);
	cr_assert(w >= 0);
	FILE *fp = fdopen(w, "w");
	for (int i = 0; i < 20000; i++)
		fprintf(fp, "2025-11-09T06:53:18.%06dZ  WARN engram_core::store: HNSW update queue full for mem_%d, falling back\n", i, i);
	fflush(fp);
	struct timespec pause = { 0, 300 * 1000 * 1000 };
	nanosleep(&pause, NULL); /* let it read what was written and block for more */
	kill(pid, SIGINT);
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	fclose(fp);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %d", status);
	char *err = ll_test_read_file(errp, NULL);
	cr_expect(strstr(err, "interrupted"), "stderr: %s", err);
	free(err);
	char *after = ll_test_db_fingerprint(db);
	cr_expect_str_eq(after, before);
	free(after);
	free(before);
	free(errp);
	free(db);
	free(fifo);
	free(dir);
}

Test(cli_logs, a_log_needs_a_run_and_unknown_content_is_refused)
{
	char *dir = ll_test_tmpdir("needrun");
	char *db = ll_test_path(dir, "t.db");
	const char *argv[] = { "ingest", "--db", db, SAMPLE("m17_before_server.log"), NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 2);
	cr_expect(strstr(r.err, "m17_before_server.log: this is a server log and a log belongs to a run: name it with --run"),
	          "%s", r.err);
	ll_test_run_release(&r);
	free(db);
	free(dir);
}

Test(cli_logs, correlate_m17_equals_the_truth)
{
	char *db = m17_db("corr", false);
	const char *argv[] = { "correlate", "--db", db, "--format", "json", "m17_before", NULL };
	struct ll_test_run r = run(argv);
	cr_assert_eq(r.exit_code, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "%s", r.out);
	cr_expect_eq(cJSON_GetObjectItem(j, "schema_version")->valueint, 1);
	cr_expect_str_eq(cJSON_GetObjectItem(j, "skew_source")->valuestring, "search");
	double skew = cJSON_GetObjectItem(j, "skew_ms")->valuedouble;
	cr_expect(skew > 175 && skew < 185, "skew %f ms, truth 180", skew);
	cr_expect_eq(cJSON_GetObjectItem(j, "explained_by_time")->valueint, 2273);
	cr_expect_eq(cJSON_GetObjectItem(j, "unexplained")->valueint, 1202);
	/* per operation: explained / failures, from m17_truth.json */
	static const struct {
		const char *op;
		int failures, explained;
	} truth[] = { { "Store", 1497, 1219 }, { "Recall", 1156, 942 }, { "Search", 136, 112 },
		      { "PatternCompletion", 686, 0 } };
	for (size_t i = 0; i < 4; i++) {
		int f = 0, e = 0;
		const cJSON *g;
		cJSON_ArrayForEach(g, cJSON_GetObjectItem(j, "groups"))
			if (strcmp(cJSON_GetObjectItem(g, "op")->valuestring, truth[i].op) == 0) {
				f += cJSON_GetObjectItem(g, "failures")->valueint;
				e += cJSON_GetObjectItem(g, "by_time")->valueint + cJSON_GetObjectItem(g, "by_id")->valueint;
			}
		cr_expect_eq(f, truth[i].failures, "%s failures", truth[i].op);
		cr_expect_eq(e, truth[i].explained, "%s explained", truth[i].op);
	}
	cJSON_Delete(j);
	ll_test_run_release(&r);

	/* stored: re-running replaces, and `failures` lists them */
	r = run(argv);
	ll_test_run_release(&r);
	char *got = query_csv(db, "SELECT method, count(*) FROM correlations GROUP BY method ORDER BY method");
	cr_expect_str_eq(got, "method,count(*)\r\nnone,1202\r\ntime,2273\r\n");
	free(got);
	const char *fl[] = { "failures", "--db", db, "--op", "PatternCompletion", "--limit", "2", "m17_before", NULL };
	r = run(fl);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.out, "PatternCompletion  422 MEMORY_VALIDATION_ERROR"), "%s", r.out);
	cr_expect(strstr(r.out, "-> no server event: the server logged nothing for it"), "%s", r.out);
	ll_test_run_release(&r);
	const char *un[] = { "failures", "--db", db, "--unexplained", "--format", "json", "m17_before", NULL };
	r = run(un);
	j = cJSON_Parse(r.out);
	cr_assert(j);
	cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "failures")), 1202);
	cJSON_Delete(j);
	ll_test_run_release(&r);
	const char *st[] = { "failures", "--db", db, "--op", "Store", "--limit", "50", "m17_before", NULL };
	r = run(st);
	cr_expect(strstr(r.out, "m17_before_server.log:"), "a matched server event names its file:line: %s", r.out);
	ll_test_run_release(&r);
	free(db);
}

Test(cli_logs, query_canned_raw_and_read_only)
{
	char *db = m17_db("query", false);
	const char *list[] = { "query", "--list", NULL };
	struct ll_test_run r = run(list);
	cr_expect_eq(r.exit_code, 0);
	static const char *const names[] = { "errors_by_op_status", "events_per_second",
		                             "failures_by_op_code", "top_server_templates" };
	for (size_t i = 0; i < 4; i++)
		cr_expect(strstr(r.out, names[i]), "--list lacks %s", names[i]);
	ll_test_run_release(&r);

	const char *q[] = { "query", "--db", db, "--run", "m17_before", "--format", "json", "errors_by_op_status", NULL };
	r = run(q);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
	cr_expect_str_eq(cJSON_GetObjectItem(first, "op")->valuestring, "Store");
	cr_expect_eq(cJSON_GetObjectItem(first, "failures")->valueint, 1219);
	cJSON_Delete(j);
	ll_test_run_release(&r);

	const char *eps[] = { "query", "--db", db, "--run", "m17_before", "--format", "csv", "events_per_second", NULL };
	r = run(eps);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect_eq(strncmp(r.out, "second,server_errors,server_warnings,server_events,client_failures\r\n", 67), 0, "%s", r.out);
	/* every second of either clock, and every event and failure counted once */
	long rows = 0, events = 0, failures = 0;
	for (const char *line = strchr(r.out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		long e4 = 0, f5 = 0;
		cr_assert_eq(sscanf(line + 1, "%*[^,],%*d,%*d,%ld,%ld", &e4, &f5), 2, "%.80s", line + 1);
		rows++;
		events += e4;
		failures += f5;
	}
	cr_expect_eq(rows, 62);
	cr_expect_eq(events, 29063);
	cr_expect_eq(failures, 3475);
	ll_test_run_release(&r);

	static const char *const bad[][2] = {
		{ "DELETE FROM runs", "loadlens: sql: the statement would write; queries are read-only\n" },
		{ "SELECT 1; SELECT 2", "loadlens: sql: only one statement is allowed\n" },
		{ "SELECT load_extension('x')", "loadlens: sql: not authorized\n" },
		{ "SELEC nonsense", "loadlens: sql: near \"SELEC\": syntax error\n" },
	};
	for (size_t i = 0; i < 4; i++) {
		const char *argv[] = { "query", "--db", db, bad[i][0], NULL };
		r = run(argv);
		cr_expect_eq(r.exit_code, 3, "%s", bad[i][0]);
		cr_expect_str_eq(r.err, bad[i][1], "%s", bad[i][0]);
		ll_test_run_release(&r);
	}
	char *after = ll_test_db_fingerprint(db);
	cr_expect(strstr(after, "runs=1;"), "%s", after);
	free(after);
	free(db);
}
