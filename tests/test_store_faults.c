/* store_faults: an ingest of the M17 sample with an I/O error or "disk full" injected at
 * every write, sync and read position (a wrapping VFS, as SQLite's own harness does): each
 * reports an error and leaves the database exactly as before (row counts and PRAGMA
 * integrity_check); a retry then succeeds. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faultvfs.h"
#include "helpers.h"
#include "loadlens/ingest.h"
#include "loadlens/store.h"

#define SAMPLE(f) LL_SOURCE_DIR "/sample_logs/" f

static char *integrity(const char *db)
{
	sqlite3 *h = NULL;
	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	cr_assert_eq(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	char *r = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return r;
}

/* Ingests one file through the library; returns the status. */
static enum ll_status ingest(const char *db, const char *run, const char *path,
                             enum ll_input_kind kind, struct ll_error *err)
{
	struct ll_store *s = NULL;
	enum ll_status st = ll_store_open(db, LL_STORE_READ_WRITE, &s, err);
	if (st == LL_OK) {
		struct ll_ingest_request req = { .path = path, .kind = kind, .run = run };
		struct ll_ingest_stats stats;
		st = ll_ingest_file(s, &req, &stats, err);
		ll_ingest_stats_release(&stats);
	}
	ll_store_close(s);
	return st;
}

/* The state a reader sees: after a failure the next connection that opens the file
 * read-write rolls back any hot journal, as the next loadlens command would. */
static char *state(const char *db)
{
	char *ic = integrity(db);
	cr_expect_str_eq(ic, "ok");
	free(ic);
	return ll_test_db_fingerprint(db);
}

static void sweep(const char *name, const char *file, enum ll_input_kind kind, long max_positions)
{
	faultvfs_install();
	char *dir = ll_test_tmpdir(name);
	char *db = ll_test_path(dir, "t.db");
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ingest(db, "base", SAMPLE("clean_baseline.json"), LL_KIND_REPORT, &err), LL_OK);
	char *before = state(db);

	/* count the operations of a successful ingest, on a copy */
	char *copy = ll_test_path(dir, "count.db");
	size_t len = 0;
	char *bytes = ll_test_read_file(db, &len);
	ll_test_write_file(copy, bytes, len);
	free(bytes);
	faultvfs_arm(FAULT_WRITE, 0, FAULT_IOERR);
	cr_assert_eq(ingest(copy, "m17_before", file, kind, &err), LL_OK, "%s", err.msg ? err.msg : "");
	long counts[3] = { faultvfs_count(FAULT_WRITE), faultvfs_count(FAULT_SYNC), faultvfs_count(FAULT_READ) };
	cr_assert(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);

	static const struct {
		enum faultvfs_op op;
		enum faultvfs_kind kind;
		const char *name;
	} plans[] = { { FAULT_WRITE, FAULT_IOERR, "write I/O error" }, { FAULT_WRITE, FAULT_FULL, "disk full" },
		      { FAULT_SYNC, FAULT_IOERR, "sync error" }, { FAULT_READ, FAULT_IOERR, "read error" } };
	long trials = 0;
	for (size_t p = 0; p < sizeof plans / sizeof plans[0]; p++) {
		long total = counts[plans[p].op];
		/* every position up to max_positions, then evenly spread ones, and the last */
		long step = total > max_positions ? total / max_positions : 1;
		for (long n = 1; n <= total; n += (n < max_positions / 2 ? 1 : step)) {
			faultvfs_arm(plans[p].op, n, plans[p].kind);
			enum ll_status st = ingest(db, "m17_before", file, kind, &err);
			bool fired = faultvfs_fired();
			faultvfs_disarm();
			cr_assert(fired, "%s at %ld of %ld: never reached", plans[p].name, n, total);
			cr_assert_neq(st, LL_OK, "%s at %ld of %ld: the ingest said it succeeded", plans[p].name, n, total);
			cr_assert(st == LL_DB || st == LL_IO, "%s at %ld: status %d", plans[p].name, n, st);
			ll_error_release(&err);
			char *after = state(db);
			cr_assert_str_eq(after, before, "%s at %ld of %ld changed the database", plans[p].name, n, total);
			free(after);
			trials++;
		}
	}
	cr_log_info("%s: %ld trials over %ld writes, %ld syncs, %ld reads", name, trials, counts[0], counts[1], counts[2]);
	/* and a retry succeeds */
	cr_assert_eq(ingest(db, "m17_before", file, kind, &err), LL_OK, "%s", err.msg ? err.msg : "");
	char *after = state(db);
	cr_expect_str_neq(after, before);
	free(after);
	free(before);
	free(copy);
	free(db);
	free(dir);
}

/* Every position in the plain build; under the sanitizers (about 3x slower) the first 30
 * and an even spread of the rest, so CI stays within its time. */
#ifdef LL_TEST_SANITIZED
#define POSITIONS 60
#else
#define POSITIONS 100000
#endif

Test(store_faults, report_every_fault_position, .timeout = 900)
{
	sweep("fault-report", SAMPLE("m17_before.json"), LL_KIND_REPORT, POSITIONS);
}

Test(store_faults, loadtest_log_every_fault_position, .timeout = 900)
{
	sweep("fault-loadtest", SAMPLE("m17_before_loadtest.log"), LL_KIND_LOADTEST_LOG, POSITIONS);
}

Test(store_faults, server_log_every_fault_position, .timeout = 900)
{
	sweep("fault-server", SAMPLE("m17_before_server.log"), LL_KIND_SERVER_LOG, POSITIONS);
}
