/* cli_robust: concurrency, signals and read-only places (issue 6, item 3). */
#include <criterion/criterion.h>
#include <sqlite3.h>
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

static char *count_rows(const char *db, const char *sql)
{
	const char *argv[] = { "query", "--db", db, "--format", "csv", sql, NULL };
	struct ll_test_run r = ll_test_run_loadlens(NULL, NULL, NULL, argv);
	cr_assert_eq(r.exit_code, 0, "%s", r.err);
	char *out = strdup(r.out);
	ll_test_run_release(&r);
	return out;
}

Test(cli_robust, four_processes_ingesting_different_runs_all_succeed, .timeout = 300)
{
	char *dir = ll_test_tmpdir("four");
	char *db = ll_test_path(dir, "t.db");
	pid_t pids[4];
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		cr_assert(pids[i] >= 0);
		if (pids[i] == 0) {
			char run[16];
			snprintf(run, sizeof run, "run%d", i);
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2);
			execl(LOADLENS_BIN, LOADLENS_BIN, "ingest", "--db", db, "--run", run,
			      SAMPLE("m17_before.json"), SAMPLE("m17_before_loadtest.log"),
			      SAMPLE("m17_before_server.log"), (char *)NULL);
			_exit(127);
		}
	}
	for (int i = 0; i < 4; i++) {
		int status = 0;
		cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process %d: status %d", i, status);
	}
	char *got = count_rows(db, "SELECT r.name, (SELECT count(*) FROM client_events c WHERE c.run_id = r.run_id),"
	                           " (SELECT count(*) FROM server_events s WHERE s.run_id = r.run_id),"
	                           " (SELECT count(*) FROM op_stats o WHERE o.run_id = r.run_id)"
	                           " FROM runs r ORDER BY r.name");
	cr_expect(strstr(got, "run0,3484,29063,4\r\nrun1,3484,29063,4\r\nrun2,3484,29063,4\r\nrun3,3484,29063,4\r\n"), "%s", got);
	free(got);
	free(db);
	free(dir);
}

/* SIGTERM, like SIGINT, in the middle of a big file: rolled back, a message, non-zero. */
Test(cli_robust, sigterm_during_a_large_ingest_rolls_back, .timeout = 120)
{
	char *dir = ll_test_tmpdir("sigterm");
	char *db = ll_test_path(dir, "t.db");
	char *log = ll_test_path(dir, "big.log");
	char *errp = ll_test_path(dir, "err.txt");
	FILE *fp = fopen(log, "wb");
	for (int i = 0; i < 1500000; i++)
		fprintf(fp, "2025-11-09T06:53:%02d.%06dZ  INFO engram_cli::api: Processing remember memory request: content length = %d\n",
		        (i / 100000) % 60, i % 1000000, i % 997);
	fclose(fp);
	const char *seed[] = { "ingest", "--db", db, SAMPLE("clean_baseline.json"), NULL };
	struct ll_test_run r = ll_test_run_loadlens(NULL, NULL, NULL, seed);
	cr_assert_eq(r.exit_code, 0);
	ll_test_run_release(&r);
	char *before = ll_test_db_fingerprint(db);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execl(LOADLENS_BIN, LOADLENS_BIN, "ingest", "--db", db, "--run", "big", log, (char *)NULL);
		_exit(127);
	}
	struct timespec pause = { 0, 400 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	kill(pid, SIGTERM);
	int status = 0;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	char *err = ll_test_read_file(errp, NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		/* the machine was fast enough to finish first: then everything must be there */
		char *got = count_rows(db, "SELECT count(*) FROM server_events");
		cr_expect_str_eq(got, "count(*)\r\n1500000\r\n");
		free(got);
	} else {
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %d", status);
		cr_expect(strstr(err, "interrupted"), "stderr: %s", err);
		char *after = ll_test_db_fingerprint(db);
		cr_expect_str_eq(after, before);
		free(after);
	}
	free(err);
	free(before);
	free(errp);
	free(log);
	free(db);
	free(dir);
}

Test(cli_robust, read_only_database_and_directory_give_clear_errors)
{
	char *dir = ll_test_tmpdir("ro");
	char *db = ll_test_path(dir, "t.db");
	const char *seed[] = { "ingest", "--db", db, SAMPLE("clean_baseline.json"), NULL };
	struct ll_test_run r = ll_test_run_loadlens(NULL, NULL, NULL, seed);
	cr_assert_eq(r.exit_code, 0);
	ll_test_run_release(&r);
	cr_assert_eq(chmod(db, 0444), 0);
	cr_assert_eq(chmod(dir, 0555), 0);
	int uid = getuid() == 0 ? 65534 : -1; /* root writes anywhere: use nobody */
	const char *ing[] = { "ingest", "--db", db, SAMPLE("clean_candidate.json"), NULL };
	r = ll_test_run_loadlens_as(uid, NULL, NULL, NULL, ing);
	cr_expect_eq(r.exit_code, 3, "%s", r.err);
	cr_expect(strstr(r.err, "t.db") && (strstr(r.err, "readonly") || strstr(r.err, "read-only") ||
	                                   strstr(r.err, "unable to open")),
	          "%s", r.err);
	ll_test_run_release(&r);
	/* reading still works */
	const char *chk[] = { "check", "--db", db, "clean_baseline", NULL };
	r = ll_test_run_loadlens_as(uid, NULL, NULL, NULL, chk);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	ll_test_run_release(&r);
	/* a new database in a read-only directory */
	char *db2 = ll_test_path(dir, "new.db");
	const char *ing2[] = { "ingest", "--db", db2, SAMPLE("clean_candidate.json"), NULL };
	r = ll_test_run_loadlens_as(uid, NULL, NULL, NULL, ing2);
	cr_expect_eq(r.exit_code, 3, "%s", r.err);
	cr_expect(strstr(r.err, "new.db: cannot open the database: unable to open database file"), "%s", r.err);
	ll_test_run_release(&r);
	chmod(dir, 0755);
	free(db2);
	free(db);
	free(dir);
}

/* A database written by an older loadlens (schema 2: no covering index) is migrated by the
 * first command that opens it, even a read-only one, and then read as usual. */
Test(cli_robust, older_schema_is_migrated_by_a_read_only_command)
{
	char *dir = ll_test_tmpdir("oldschema");
	char *db = ll_test_path(dir, "t.db");
	const char *seed[] = { "ingest", "--db", db, SAMPLE("clean_baseline.json"), NULL };
	struct ll_test_run r = ll_test_run_loadlens(NULL, NULL, NULL, seed);
	cr_assert_eq(r.exit_code, 0);
	ll_test_run_release(&r);
	sqlite3 *h = NULL;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, "DROP INDEX server_events_problems; PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	const char *runs[] = { "runs", "--db", db, NULL };
	r = ll_test_run_loadlens(NULL, NULL, NULL, runs);
	cr_expect_eq(r.exit_code, 0, "%s", r.err);
	cr_expect(strstr(r.out, "clean_baseline"), "%s", r.out);
	ll_test_run_release(&r);
	char *got = count_rows(db, "SELECT (SELECT user_version FROM pragma_user_version), "
	                           "(SELECT count(*) FROM sqlite_master WHERE name = 'server_events_problems')");
	cr_expect(strstr(got, "\r\n3,1\r\n"), "%s", got);
	free(got);
	free(db);
	free(dir);
}
