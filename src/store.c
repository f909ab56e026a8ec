/* store: see include/loadlens/store.h. */
#include "loadlens/store.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/buf.h"
#include "loadlens/banned.h"

struct ll_store {
	sqlite3 *db;
	char *path;
};

/* Forward migrations: migrations[i] takes the schema from version i to i + 1. Append
 * only; a released entry is never edited. Table and column names are a contract
 * (DESIGN §4); columns may grow through new entries. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE runs("
	"  run_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, label TEXT, config_name TEXT,"
	"  elapsed_s REAL, total_ops INTEGER, total_errors INTEGER, throughput REAL,"
	"  error_rate REAL, p50_ms REAL, p95_ms REAL, p99_ms REAL,"
	"  report_source TEXT CHECK (report_source IN ('json','text_summary')),"
	"  seed INTEGER, target_rate REAL, configured_duration_s REAL, endpoint TEXT,"
	"  ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
	"CREATE TABLE op_stats("
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, op TEXT NOT NULL,"
	"  count INTEGER NOT NULL, success_count INTEGER, error_count INTEGER NOT NULL,"
	"  p50_us INTEGER, p95_us INTEGER, p99_us INTEGER, p999_us INTEGER, mean_us REAL,"
	"  max_us INTEGER, PRIMARY KEY (run_id, op));"
	"CREATE TABLE inputs("
	"  input_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL,"
	"  lines INTEGER, events INTEGER, skipped INTEGER, raw BLOB,"
	"  ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
	"  UNIQUE (run_id, sha256));"
	"CREATE TABLE templates(template_id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"
	"CREATE TABLE client_events("
	"  event_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, input_id INTEGER NOT NULL,"
	"  line_no INTEGER NOT NULL, ts_us INTEGER, level TEXT, op TEXT, status INTEGER,"
	"  reason TEXT, error_class TEXT, error_code TEXT, error_message TEXT, message TEXT,"
	"  body TEXT, request_id TEXT, template_id INTEGER);"
	"CREATE TABLE server_events("
	"  event_id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, input_id INTEGER NOT NULL,"
	"  line_no INTEGER NOT NULL, ts_us INTEGER, level TEXT, target TEXT, spans TEXT,"
	"  message TEXT, fields_json TEXT, method TEXT, path TEXT, status INTEGER,"
	"  request_id TEXT, template_id INTEGER);"
	"CREATE TABLE stray_lines(input_id INTEGER NOT NULL, line_no INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('unstamped','unparsed')), reason TEXT, text TEXT);"
	"CREATE TABLE correlations(run_id INTEGER NOT NULL, client_event_id INTEGER NOT NULL,"
	"  server_event_id INTEGER, method TEXT NOT NULL, delta_us INTEGER);",
	/* 1 -> 2: where a load tester's text summary disagrees with the run's JSON report */
	"CREATE TABLE report_checks(input_id INTEGER NOT NULL REFERENCES inputs(input_id) ON DELETE CASCADE,"
	"  field TEXT NOT NULL, report_value REAL, summary_value REAL);",
	/* 2 -> 3: the WARN and ERROR events the correlator reads, as a covering partial index:
	 * correlate then reads a few MB of index instead of scanning every server event
	 * (INFO is most of a log); ingest only appends the problem events to it. */
	"CREATE INDEX server_events_problems ON server_events(run_id, event_id, ts_us, level,"
	"  template_id, method, path, status, request_id) WHERE level IN ('WARN', 'ERROR');",
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(N_MIGRATIONS == LL_STORE_SCHEMA_VERSION,
               "one migration per schema version");

static enum ll_status db_error(struct ll_store *s, struct ll_error *err, const char *what)
{
	return ll_error_set(err, LL_DB, s->path, 0, NULL, "%s: %s", what, sqlite3_errmsg(s->db));
}

static enum ll_status exec(struct ll_store *s, const char *sql, struct ll_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		enum ll_status st = ll_error_set(err, LL_DB, s->path, 0, NULL, "%s",
		                                 msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return st;
	}
	return LL_OK;
}

static enum ll_status prepare(struct ll_store *s, const char *sql, sqlite3_stmt **stmt,
                              struct ll_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return db_error(s, err, "prepare");
	return LL_OK;
}

static enum ll_status user_version(struct ll_store *s, int *v, struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, "PRAGMA user_version", &st, err);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	else
		rc = db_error(s, err, "read the schema version");
	sqlite3_finalize(st);
	return rc;
}

static enum ll_status migrate(struct ll_store *s, struct ll_error *err)
{
	enum ll_status st;
	int v = 0;
	if ((st = user_version(s, &v, err)))
		return st;
	if (v == LL_STORE_SCHEMA_VERSION)
		return LL_OK;
	/* IMMEDIATE: a second process opening a new database at the same moment waits here
	 * and then sees the finished schema. */
	if ((st = exec(s, "BEGIN IMMEDIATE", err)))
		return st;
	if ((st = user_version(s, &v, err)))
		goto rollback;
	if (v > LL_STORE_SCHEMA_VERSION) {
		st = ll_error_set(err, LL_DB, s->path, 0, NULL,
		                  "schema version %d is newer than this loadlens knows (%d)", v,
		                  LL_STORE_SCHEMA_VERSION);
		goto rollback;
	}
	for (; v < LL_STORE_SCHEMA_VERSION; v++)
		if ((st = exec(s, migrations[v], err)))
			goto rollback;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", LL_STORE_SCHEMA_VERSION);
	if ((st = exec(s, sql, err)) || (st = exec(s, "COMMIT", err)))
		goto rollback;
	return LL_OK;
rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

enum ll_status ll_store_open(const char *path, enum ll_store_mode mode, struct ll_store **out,
                             struct ll_error *err)
{
	struct ll_store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
	}
	enum ll_status st = LL_OK;
	int flags = SQLITE_OPEN_NOMUTEX |
	            (mode == LL_STORE_READ_ONLY ? SQLITE_OPEN_READONLY
	                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (mode == LL_STORE_READ_ONLY && rc == SQLITE_CANTOPEN)
			st = ll_error_set(err, LL_IO, path, 0, NULL,
			                  "cannot open the database (does it exist? ingest a run first)");
		else
			st = db_error(s, err, "cannot open the database");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* User SQL runs through `loadlens query`: no extensions, no schema tricks. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_busy_timeout(s->db, 30000);
	/* DESIGN §6: a rollback journal commits a big ingest far faster than WAL and is just
	 * as crash-safe; 8 KiB pages and an 8 MiB cache measured best. */
	if (mode == LL_STORE_READ_WRITE)
		st = exec(s, "PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE;"
		             "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
		             "PRAGMA cache_size = -8192;", err);
	else
		st = exec(s, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192;", err);
	if (st)
		goto fail;
	if (mode == LL_STORE_READ_WRITE) {
		if ((st = migrate(s, err)))
			goto fail;
	} else {
		int v = 0;
		if ((st = user_version(s, &v, err)))
			goto fail;
		if (v > 0 && v < LL_STORE_SCHEMA_VERSION) {
			/* A database of an older loadlens: migrate it once through a read-write
			 * connection (as any write would), then read it as asked. */
			ll_store_close(s);
			struct ll_store *rw = NULL;
			if ((st = ll_store_open(path, LL_STORE_READ_WRITE, &rw, err))) {
				ll_error_prefix(err, "schema version %d needs an upgrade to %d", v,
				                LL_STORE_SCHEMA_VERSION);
				return st;
			}
			ll_store_close(rw);
			return ll_store_open(path, LL_STORE_READ_ONLY, out, err);
		}
		if (v != LL_STORE_SCHEMA_VERSION) {
			st = ll_error_set(err, LL_DB, path, 0, NULL,
			                  "not a loadlens database of schema version %d (found %d)",
			                  LL_STORE_SCHEMA_VERSION, v);
			goto fail;
		}
	}
	*out = s;
	return LL_OK;
fail:
	ll_store_close(s);
	return st;
}

void ll_store_close(struct ll_store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Looks up run_id by name: *id = 0 when absent. */
static enum ll_status find_run(struct ll_store *s, const char *name, int64_t *id,
                               struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, "SELECT run_id FROM runs WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	*id = 0;
	if (r == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (r != SQLITE_DONE)
		rc = db_error(s, err, "look up the run");
	sqlite3_finalize(st);
	return rc;
}

/* Runs one statement with the given bindings already applied; expects SQLITE_DONE. */
static enum ll_status step_done(struct ll_store *s, sqlite3_stmt *st, const char *what,
                                struct ll_error *err)
{
	int r = sqlite3_step(st);
	enum ll_status rc = LL_OK;
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		rc = db_error(s, err, what);
	sqlite3_finalize(st);
	return rc;
}

static enum ll_status exec_bound_id(struct ll_store *s, const char *sql, int64_t id,
                                    const char *what, struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st, what, err);
}

/* The sha256 of the run's report input, or "" when it has none. */
static enum ll_status report_sha(struct ll_store *s, int64_t run_id, char sha[65],
                                 struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, "SELECT sha256 FROM inputs WHERE run_id = ?1 AND kind = 'report'",
	                            &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	sha[0] = '\0';
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(sha, 65, "%s", t ? (const char *)t : "");
	} else if (r != SQLITE_DONE) {
		rc = db_error(s, err, "look up the run's report");
	}
	sqlite3_finalize(st);
	return rc;
}

static enum ll_status write_report(struct ll_store *s, int64_t run_id,
                                   const struct ll_run_report *r, struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s,
		"UPDATE runs SET config_name=?2, elapsed_s=?3, total_ops=?4, total_errors=?5,"
		" throughput=?6, error_rate=?7, p50_ms=?8, p95_ms=?9, p99_ms=?10, report_source=?11"
		" WHERE run_id=?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text_or_null(st, 2, r->config_name);
	sqlite3_bind_double(st, 3, r->elapsed_s);
	sqlite3_bind_int64(st, 4, r->total_ops);
	sqlite3_bind_int64(st, 5, r->total_errors);
	sqlite3_bind_double(st, 6, r->throughput);
	sqlite3_bind_double(st, 7, r->error_rate_frac);
	sqlite3_bind_double(st, 8, r->p50_ms);
	sqlite3_bind_double(st, 9, r->p95_ms);
	sqlite3_bind_double(st, 10, r->p99_ms);
	bind_text_or_null(st, 11, ll_report_source_name(r->source));
	if ((rc = step_done(s, st, "store the run", err)))
		return rc;

	if ((rc = prepare(s,
		"INSERT INTO op_stats(run_id, op, count, success_count, error_count, p50_us, p95_us,"
		" p99_us, p999_us, mean_us, max_us) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
		&st, err)))
		return rc;
	for (size_t i = 0; i < r->n_ops && rc == LL_OK; i++) {
		const struct ll_op_stats *o = &r->ops[i];
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, o->op, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, o->count);
		sqlite3_bind_int64(st, 5, o->error_count);
		sqlite3_bind_int64(st, 6, o->p50_us);
		sqlite3_bind_int64(st, 7, o->p95_us);
		sqlite3_bind_int64(st, 8, o->p99_us);
		if (o->has_detail) {
			sqlite3_bind_int64(st, 4, o->success_count);
			sqlite3_bind_int64(st, 9, o->p999_us);
			sqlite3_bind_double(st, 10, o->mean_us);
			sqlite3_bind_int64(st, 11, o->max_us);
		} else {
			sqlite3_bind_null(st, 4);
			sqlite3_bind_null(st, 9);
			sqlite3_bind_null(st, 10);
			sqlite3_bind_null(st, 11);
		}
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_error(s, err, "store the operation statistics");
	}
	sqlite3_finalize(st);
	return rc;
}

static enum ll_status insert_input(struct ll_store *s, int64_t run_id,
                                   const struct ll_input_meta *in, struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s,
		"INSERT INTO inputs(run_id, kind, path, sha256, bytes, lines, events, skipped, raw)"
		" VALUES (?1,?2,?3,?4,?5,NULL,NULL,0,?6)", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, in->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, in->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, in->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, in->bytes);
	if (in->raw)
		sqlite3_bind_blob64(st, 6, in->raw, in->raw_len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 6);
	return step_done(s, st, "store the input", err);
}

enum ll_status ll_store_put_report(struct ll_store *s, const char *run, const char *label,
                                   bool replace, const struct ll_run_report *r,
                                   const struct ll_input_meta *in,
                                   enum ll_ingest_outcome *outcome, struct ll_error *err)
{
	enum ll_status rc;
	if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	int64_t run_id = 0;
	char sha[65] = "";
	enum ll_ingest_outcome oc = LL_INGEST_NEW;
	if ((rc = find_run(s, run, &run_id, err)))
		goto rollback;
	if (run_id) {
		if ((rc = report_sha(s, run_id, sha, err)))
			goto rollback;
		if (strcmp(sha, in->sha256) == 0) {
			*outcome = LL_INGEST_ALREADY;
			return exec(s, "ROLLBACK", err);
		}
		if (sha[0] && !replace) {
			rc = ll_error_set(err, LL_INPUT, in->path, 0, NULL,
			                  "run '%s' already has a different report (sha256 %.12s...); "
			                  "use --replace to replace it, or --run to name another run",
			                  run, sha);
			goto rollback;
		}
		if (sha[0]) {
			oc = LL_INGEST_REPLACED;
			if ((rc = exec_bound_id(s, "DELETE FROM inputs WHERE run_id = ?1 AND kind = 'report'",
			                        run_id, "replace the report", err)))
				goto rollback;
		}
		/* A JSON report supersedes one read from a text summary, and a replaced one. */
		if ((rc = exec_bound_id(s, "DELETE FROM op_stats WHERE run_id = ?1", run_id,
		                        "replace the report", err)))
			goto rollback;
	} else {
		sqlite3_stmt *st = NULL;
		if ((rc = prepare(s, "INSERT INTO runs(name) VALUES (?1)", &st, err)))
			goto rollback;
		sqlite3_bind_text(st, 1, run, -1, SQLITE_TRANSIENT);
		if ((rc = step_done(s, st, "create the run", err)))
			goto rollback;
		run_id = sqlite3_last_insert_rowid(s->db);
	}
	if (label) {
		sqlite3_stmt *st = NULL;
		if ((rc = prepare(s, "UPDATE runs SET label = ?2 WHERE run_id = ?1", &st, err)))
			goto rollback;
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
		if ((rc = step_done(s, st, "set the label", err)))
			goto rollback;
	}
	if ((rc = write_report(s, run_id, r, err)) || (rc = insert_input(s, run_id, in, err)))
		goto rollback;
	if ((rc = exec(s, "COMMIT", err)))
		goto rollback;
	*outcome = oc;
	return LL_OK;
rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

void ll_run_info_release(struct ll_run_info *ri)
{
	if (!ri)
		return;
	free(ri->name);
	free(ri->label);
	free(ri->ingested_at);
	ll_run_report_release(&ri->report);
	memset(ri, 0, sizeof *ri);
}

void ll_run_infos_free(struct ll_run_info *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ll_run_info_release(&runs[i]);
	free(runs);
}

static char *col_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? strdup((const char *)t) : NULL;
}

#define RUN_COLUMNS                                                                      \
	"run_id, name, label, ingested_at, config_name, elapsed_s, total_ops, total_errors,"   \
	" throughput, error_rate, p50_ms, p95_ms, p99_ms, report_source"

static enum ll_status load_ops(struct ll_store *s, struct ll_run_info *ri, struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s,
		"SELECT op, count, success_count, error_count, p50_us, p95_us, p99_us, p999_us,"
		" mean_us, max_us FROM op_stats WHERE run_id = ?1 ORDER BY op", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, ri->run_id);
	int r;
	while (rc == LL_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct ll_op_stats o = {
			.op = (char *)sqlite3_column_text(st, 0),
			.count = sqlite3_column_int64(st, 1),
			.success_count = sqlite3_column_int64(st, 2),
			.error_count = sqlite3_column_int64(st, 3),
			.p50_us = sqlite3_column_int64(st, 4),
			.p95_us = sqlite3_column_int64(st, 5),
			.p99_us = sqlite3_column_int64(st, 6),
			.p999_us = sqlite3_column_int64(st, 7),
			.mean_us = sqlite3_column_double(st, 8),
			.max_us = sqlite3_column_int64(st, 9),
			.has_detail = sqlite3_column_type(st, 2) != SQLITE_NULL,
		};
		if (!o.op)
			o.op = "";
		rc = ll_run_report_add_op(&ri->report, &o, err);
	}
	if (rc == LL_OK && r != SQLITE_DONE)
		rc = db_error(s, err, "read the operation statistics");
	sqlite3_finalize(st);
	return rc;
}

static enum ll_status read_run_row(struct ll_store *s, sqlite3_stmt *st, struct ll_run_info *ri,
                                   struct ll_error *err)
{
	memset(ri, 0, sizeof *ri);
	ri->run_id = sqlite3_column_int64(st, 0);
	ri->name = col_strdup(st, 1);
	ri->label = col_strdup(st, 2);
	ri->ingested_at = col_strdup(st, 3);
	struct ll_run_report *r = &ri->report;
	const unsigned char *src = sqlite3_column_text(st, 13);
	if (src) {
		r->source = strcmp((const char *)src, "json") == 0 ? LL_SOURCE_JSON
		                                                   : LL_SOURCE_TEXT_SUMMARY;
		r->config_name = col_strdup(st, 4);
		r->elapsed_s = sqlite3_column_double(st, 5);
		r->total_ops = sqlite3_column_int64(st, 6);
		r->total_errors = sqlite3_column_int64(st, 7);
		r->throughput = sqlite3_column_double(st, 8);
		r->error_rate_frac = sqlite3_column_double(st, 9);
		r->p50_ms = sqlite3_column_double(st, 10);
		r->p95_ms = sqlite3_column_double(st, 11);
		r->p99_ms = sqlite3_column_double(st, 12);
	}
	if (!ri->name)
		return ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
	return src ? load_ops(s, ri, err) : LL_OK;
}

enum ll_status ll_store_get_run(struct ll_store *s, const char *name, struct ll_run_info *out,
                                struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, "SELECT " RUN_COLUMNS " FROM runs WHERE name = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	struct ll_run_info ri;
	memset(&ri, 0, sizeof ri);
	if (r == SQLITE_ROW) {
		rc = read_run_row(s, st, &ri, err);
	} else if (r == SQLITE_DONE) {
		rc = ll_error_set(err, LL_INPUT, NULL, 0, NULL,
		                  "no run named '%s' in %s (see 'loadlens runs')", name, s->path);
	} else {
		rc = db_error(s, err, "read the run");
	}
	sqlite3_finalize(st);
	if (rc == LL_OK)
		*out = ri;
	else
		ll_run_info_release(&ri);
	return rc;
}

enum ll_status ll_store_list_runs(struct ll_store *s, struct ll_run_info **out, size_t *n,
                                  struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, "SELECT " RUN_COLUMNS " FROM runs ORDER BY name", &st, err);
	if (rc)
		return rc;
	struct ll_run_info *runs = NULL;
	size_t count = 0;
	int r;
	while (rc == LL_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct ll_run_info *grown = realloc(runs, (count + 1) * sizeof *grown);
		if (!grown) {
			rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
			break;
		}
		runs = grown;
		rc = read_run_row(s, st, &runs[count], err);
		count++;
	}
	if (rc == LL_OK && r != SQLITE_DONE)
		rc = db_error(s, err, "list the runs");
	sqlite3_finalize(st);
	if (rc) {
		ll_run_infos_free(runs, count);
		return rc;
	}
	*out = runs;
	*n = count;
	return LL_OK;
}

enum ll_status ll_store_fingerprint(struct ll_store *s, char **out, struct ll_error *err)
{
	static const char *const tables[] = { "runs", "op_stats", "inputs", "templates",
		                              "client_events", "server_events", "stray_lines",
		                              "correlations", "report_checks" };
	struct ll_buf b = LL_BUF_INIT;
	enum ll_status rc = LL_OK;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0] && rc == LL_OK; i++) {
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
		sqlite3_stmt *st = NULL;
		if ((rc = prepare(s, sql, &st, err)))
			break;
		if (sqlite3_step(st) == SQLITE_ROW)
			ll_buf_printf(&b, "%s=%lld;", tables[i], (long long)sqlite3_column_int64(st, 0));
		else
			rc = db_error(s, err, "count rows");
		sqlite3_finalize(st);
	}
	if (rc == LL_OK) {
		*out = ll_buf_detach(&b);
		if (!*out)
			rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
	}
	ll_buf_release(&b);
	return rc;
}

/* ---- log ingestion ---- */

/* Rows are buffered and written BATCH_ROWS at a time with one multi-row INSERT: DESIGN §6
 * measured that to halve insert time against one row per statement. Values are copied into
 * the batch's arena, so callers' strings need only live for the call.
 *
 * The INSERTs run on a writer thread owned by the session, so the caller parses the next
 * rows while SQLite writes the previous ones (DESIGN §6: a parser thread feeding a SQLite
 * writer thread is what brings an ingest to about 0.3x of `sqlite3 .import`). The
 * connection is opened NOMUTEX, so exactly one thread uses it at any time: the writer
 * while batches are queued or being written, the caller only after wait_idle(). Full
 * batches go through one FIFO queue, so rows reach SQLite in the order they were added
 * (event_id order is unchanged), and a pool of POOL_BATCHES buffers bounds memory: a
 * parser that runs ahead waits for the writer. It is still one transaction: the writer
 * only ever runs inside the session's BEGIN ... COMMIT/ROLLBACK. */
#define BATCH_ROWS 64
#define BATCH_MAX_COLS 16
#define POOL_BATCHES 8
/* The writer is woken once this many batches wait (or when the caller needs it idle), not
 * for every batch: a wake-up per 64 rows cost more than the rows' binding. Fewer than
 * POOL_BATCHES minus the three batches being filled, so a caller waiting for a free buffer
 * has always woken the writer. */
#define WAKE_BATCHES 4

enum vtype { V_NULL, V_INT, V_REAL, V_TEXT, V_TMPL };
struct val {
	enum vtype t;
	int64_t i;       /* V_INT; V_TMPL: the template's index in this session */
	double d;
	size_t off, len; /* V_TEXT: bytes in the arena */
};

/* One table's INSERT statements. */
struct table {
	const char *name;
	int ncols;
	sqlite3_stmt *multi;     /* BATCH_ROWS rows */
	sqlite3_stmt *single;    /* one row, for the remainder at the end */
};

/* Template texts in session-index order (borrowed from the session's map, which outlives
 * the writer). */
struct tmplvec {
	const char **v;
	size_t n, cap;
};

/* Rows of one table on their way to SQLite. */
struct batch {
	struct table *table;
	struct val vals[BATCH_ROWS][BATCH_MAX_COLS];
	int nrows;
	int col;                 /* next column of the row being added */
	struct ll_buf arena;
	/* Templates first seen since the previous batch was queued: the writer stores them
	 * before binding this batch. A row's template was seen before the row was added, so it
	 * travels with this batch or an earlier one whatever table the row is in, and
	 * templates get their ids in first-seen order, as when they were inserted at once. */
	struct tmplvec new_tmpl;
	struct batch *next;      /* queue or free-list link */
	struct table own;        /* the statements of a batch used without a session */
};

struct ll_store_ingest {
	struct ll_store *s;
	int64_t run_id;
	int64_t input_id;
	struct table server_t, client_t, stray_t;
	struct batch *server, *client, *stray; /* being filled by the caller, or NULL */
	long n_stray;
	/* caller's side: template text -> session index (open addressing, power-of-two
	 * capacity), and the texts not yet handed to the writer */
	struct tmpl_slot { char *text; size_t len, idx; uint64_t hash; } *tmpl;
	size_t tmpl_cap, tmpl_n;
	struct tmplvec tmpl_pending;
	/* writer's side: session index -> template_id */
	int64_t *tmpl_ids;
	size_t n_tmpl_ids, cap_tmpl_ids;
	sqlite3_stmt *tmpl_find, *tmpl_add;
	/* the writer thread; everything below is guarded by mu */
	pthread_t writer;
	bool writer_started;
	pthread_mutex_t mu;
	pthread_cond_t work;     /* a batch was queued, or stop */
	pthread_cond_t done;     /* a batch was written (a buffer is free; maybe idle) */
	struct batch *head, *tail, *free_list;
	size_t n_queued;         /* batches in the queue */
	size_t n_batches;        /* allocated, at most POOL_BATCHES */
	bool busy;               /* the writer is writing a batch */
	bool stop;               /* the writer exits once the queue is empty */
	enum ll_status wstatus;  /* the writer's first error; later batches are dropped */
	struct ll_error werr;
};

static void put_null(struct batch *b)
{
	b->vals[b->nrows][b->col++] = (struct val){ .t = V_NULL };
}

static void put_int(struct batch *b, int64_t v)
{
	b->vals[b->nrows][b->col++] = (struct val){ .t = V_INT, .i = v };
}

/* An integer column that may be absent (NULL). */
static void put_opt_int(struct batch *b, bool present, int64_t v)
{
	if (present)
		put_int(b, v);
	else
		put_null(b);
}

static void put_text(struct batch *b, const char *v, size_t len)
{
	if (!v) {
		put_null(b);
		return;
	}
	struct val *x = &b->vals[b->nrows][b->col++];
	*x = (struct val){ .t = V_TEXT, .off = b->arena.len, .len = len };
	ll_buf_append(&b->arena, v, len);
}

static void put_str(struct batch *b, const char *v)
{
	put_text(b, v, v ? strlen(v) : 0);
}

static enum ll_status table_prepare(struct ll_store *s, struct table *t, const char *name,
                                    const char *cols, int ncols, struct ll_error *err)
{
	t->name = name;
	t->ncols = ncols;
	struct ll_buf sql = LL_BUF_INIT;
	enum ll_status rc = LL_OK;
	for (int pass = 0; pass < 2 && rc == LL_OK; pass++) {
		int rows = pass == 0 ? BATCH_ROWS : 1;
		ll_buf_reset(&sql);
		ll_buf_printf(&sql, "INSERT INTO %s(%s) VALUES ", name, cols);
		for (int r = 0; r < rows; r++) {
			ll_buf_puts(&sql, r ? ",(" : "(");
			for (int c = 0; c < ncols; c++)
				ll_buf_puts(&sql, c ? ",?" : "?");
			ll_buf_puts(&sql, ")");
		}
		if (sql.failed)
			rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
		else
			rc = prepare(s, ll_buf_str(&sql), pass == 0 ? &t->multi : &t->single, err);
	}
	ll_buf_release(&sql);
	return rc;
}

static void table_release(struct table *t)
{
	sqlite3_finalize(t->multi);
	sqlite3_finalize(t->single);
}

static bool tmplvec_push(struct tmplvec *tv, const char *text)
{
	if (tv->n == tv->cap) {
		size_t cap = tv->cap ? tv->cap * 2 : 16;
		const char **v = realloc(tv->v, cap * sizeof *v);
		if (!v)
			return false;
		tv->v = v;
		tv->cap = cap;
	}
	tv->v[tv->n++] = text;
	return true;
}

/* ---- the writer thread (the only user of the connection while batches are queued) ---- */

/* tmpl_ids: session index -> template_id, for V_TMPL values (NULL when there are none). */
static void bind_row(const int64_t *tmpl_ids, const struct batch *b, sqlite3_stmt *st, int row,
                     int base)
{
	for (int c = 0; c < b->table->ncols; c++) {
		const struct val *v = &b->vals[row][c];
		int i = base + c + 1;
		switch (v->t) {
		case V_NULL: sqlite3_bind_null(st, i); break;
		case V_INT: sqlite3_bind_int64(st, i, v->i); break;
		case V_REAL: sqlite3_bind_double(st, i, v->d); break;
		case V_TEXT:
			sqlite3_bind_text64(st, i, b->arena.data + v->off, v->len, SQLITE_STATIC,
			                    SQLITE_UTF8);
			break;
		case V_TMPL: sqlite3_bind_int64(st, i, tmpl_ids[v->i]); break;
		}
	}
}

/* The template_id of text: the existing row of `templates`, or a new one. */
static enum ll_status store_template(struct ll_store_ingest *g, const char *text, struct ll_error *err)
{
	struct ll_store *s = g->s;
	if (g->n_tmpl_ids == g->cap_tmpl_ids) {
		size_t cap = g->cap_tmpl_ids ? g->cap_tmpl_ids * 2 : 256;
		int64_t *v = realloc(g->tmpl_ids, cap * sizeof *v);
		if (!v)
			return ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
		g->tmpl_ids = v;
		g->cap_tmpl_ids = cap;
	}
	int64_t id = 0;
	enum ll_status rc = LL_OK;
	sqlite3_bind_text(g->tmpl_find, 1, text, -1, SQLITE_STATIC);
	int r = sqlite3_step(g->tmpl_find);
	if (r == SQLITE_ROW) {
		id = sqlite3_column_int64(g->tmpl_find, 0);
	} else if (r == SQLITE_DONE) {
		sqlite3_bind_text(g->tmpl_add, 1, text, -1, SQLITE_STATIC);
		if (sqlite3_step(g->tmpl_add) == SQLITE_DONE)
			id = sqlite3_last_insert_rowid(s->db);
		else
			rc = db_error(s, err, "store a template");
		sqlite3_reset(g->tmpl_add);
	} else {
		rc = db_error(s, err, "look up a template");
	}
	sqlite3_reset(g->tmpl_find);
	if (rc == LL_OK)
		g->tmpl_ids[g->n_tmpl_ids++] = id;
	return rc;
}

/* Inserts the rows of b: one multi-row INSERT when full, else row by row. */
static enum ll_status write_rows(struct ll_store *s, const int64_t *tmpl_ids, struct batch *b,
                                 struct ll_error *err)
{
	enum ll_status rc = LL_OK;
	if (b->arena.failed)
		return ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
	struct table *t = b->table;
	if (b->nrows == BATCH_ROWS) {
		for (int r = 0; r < BATCH_ROWS; r++)
			bind_row(tmpl_ids, b, t->multi, r, r * t->ncols);
		if (sqlite3_step(t->multi) != SQLITE_DONE)
			rc = db_error(s, err, t->name);
		sqlite3_reset(t->multi);
	} else {
		for (int r = 0; r < b->nrows && rc == LL_OK; r++) {
			bind_row(tmpl_ids, b, t->single, r, 0);
			if (sqlite3_step(t->single) != SQLITE_DONE)
				rc = db_error(s, err, t->name);
			sqlite3_reset(t->single);
		}
	}
	return rc;
}

static enum ll_status write_batch(struct ll_store_ingest *g, struct batch *b, struct ll_error *err)
{
	enum ll_status rc = LL_OK;
	for (size_t i = 0; i < b->new_tmpl.n && rc == LL_OK; i++)
		rc = store_template(g, b->new_tmpl.v[i], err);
	return rc ? rc : write_rows(g->s, g->tmpl_ids, b, err);
}

/* ---- a batch without a session (correlations): the caller's thread writes it ---- */

static enum ll_status batch_prepare(struct ll_store *s, struct batch *b, const char *table,
                                    const char *cols, int ncols, struct ll_error *err)
{
	b->table = &b->own;
	return table_prepare(s, &b->own, table, cols, ncols, err);
}

static enum ll_status batch_flush(struct ll_store *s, struct batch *b, struct ll_error *err)
{
	enum ll_status rc = write_rows(s, NULL, b, err);
	b->nrows = 0;
	ll_buf_reset(&b->arena);
	return rc;
}

/* Ends the row being added; writes the batch when full. */
static enum ll_status batch_row_done(struct ll_store *s, struct batch *b, struct ll_error *err)
{
	b->col = 0;
	if (++b->nrows == BATCH_ROWS)
		return batch_flush(s, b, err);
	return LL_OK;
}

static void batch_release(struct batch *b)
{
	table_release(&b->own);
	ll_buf_release(&b->arena);
}

static void *writer_main(void *arg)
{
	struct ll_store_ingest *g = arg;
	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (!g->head && !g->stop)
			pthread_cond_wait(&g->work, &g->mu);
		struct batch *b = g->head;
		if (!b)
			break; /* stopped and drained */
		g->head = b->next;
		if (!g->head)
			g->tail = NULL;
		g->n_queued--;
		g->busy = true;
		bool failed = g->wstatus != LL_OK;
		pthread_mutex_unlock(&g->mu);
		/* werr is the writer's alone until it reports through wstatus under mu */
		enum ll_status rc = failed ? LL_OK : write_batch(g, b, &g->werr);
		b->nrows = 0;
		b->col = 0;
		b->new_tmpl.n = 0;
		ll_buf_reset(&b->arena);
		pthread_mutex_lock(&g->mu);
		if (rc)
			g->wstatus = rc;
		b->next = g->free_list;
		g->free_list = b;
		g->busy = false;
		pthread_cond_broadcast(&g->done);
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* The writer's error as the caller's; call with mu held or the writer idle. */
static enum ll_status writer_error(struct ll_store_ingest *g, struct ll_error *err)
{
	return ll_error_set(err, g->wstatus, g->werr.path, g->werr.line, g->werr.where, "%s",
	                    g->werr.msg ? g->werr.msg : "the database writer failed");
}

/* Waits until every queued batch is written; then the caller may use the connection. */
static enum ll_status wait_idle(struct ll_store_ingest *g, struct ll_error *err)
{
	if (!g->writer_started)
		return LL_OK;
	pthread_mutex_lock(&g->mu);
	pthread_cond_signal(&g->work);
	while (g->head || g->busy)
		pthread_cond_wait(&g->done, &g->mu);
	enum ll_status rc = g->wstatus ? writer_error(g, err) : LL_OK;
	pthread_mutex_unlock(&g->mu);
	return rc;
}

/* Stops the writer; discard: drop the batches still queued (the session is aborted). */
static void stop_writer(struct ll_store_ingest *g, bool discard)
{
	if (!g->writer_started)
		return;
	pthread_mutex_lock(&g->mu);
	if (discard) {
		while (g->head) {
			struct batch *b = g->head;
			g->head = b->next;
			b->next = g->free_list;
			g->free_list = b;
		}
		g->tail = NULL;
		g->n_queued = 0;
	}
	g->stop = true;
	pthread_cond_broadcast(&g->work);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->writer, NULL);
	g->writer_started = false;
}

static enum ll_status start_writer(struct ll_store_ingest *g, struct ll_error *err)
{
	/* The writer takes no signals: SIGINT must reach the thread that reads the input and
	 * polls for interruption (cli_ingest.c). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&g->writer, NULL, writer_main, g);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return ll_error_set(err, LL_NOMEM, g->s->path, 0, NULL,
		                    "cannot start the database writer thread: %s", strerror(rc));
	g->writer_started = true;
	return LL_OK;
}

/* ---- the caller's side ---- */

/* Hands a filled batch, with the templates seen since the last one, to the writer. */
static void enqueue(struct ll_store_ingest *g, struct batch *b)
{
	struct tmplvec t = b->new_tmpl; /* empty: swap the vectors, keep both allocations */
	b->new_tmpl = g->tmpl_pending;
	g->tmpl_pending = t;
	pthread_mutex_lock(&g->mu);
	b->next = NULL;
	if (g->tail)
		g->tail->next = b;
	else
		g->head = b;
	g->tail = b;
	if (++g->n_queued >= WAKE_BATCHES)
		pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
}

/* The batch rows of table t are added to (*cur), taking a free buffer when there is none. */
static enum ll_status batch_for(struct ll_store_ingest *g, struct batch **cur, struct table *t,
                                struct ll_error *err)
{
	if (*cur)
		return LL_OK;
	struct batch *b = NULL;
	enum ll_status rc = LL_OK;
	pthread_mutex_lock(&g->mu);
	while (!g->free_list && g->n_batches == POOL_BATCHES && !g->wstatus)
		pthread_cond_wait(&g->done, &g->mu);
	if (g->wstatus) {
		rc = writer_error(g, err);
	} else if (g->free_list) {
		b = g->free_list;
		g->free_list = b->next;
	} else if ((b = calloc(1, sizeof *b))) {
		g->n_batches++;
	} else {
		rc = ll_error_set(err, LL_NOMEM, g->s->path, 0, NULL, "out of memory");
	}
	pthread_mutex_unlock(&g->mu);
	if (b) {
		b->table = t;
		b->next = NULL;
		*cur = b;
	}
	return rc;
}

/* Ends the row being added; queues the batch when full. */
static void row_done(struct ll_store_ingest *g, struct batch **cur)
{
	struct batch *b = *cur;
	b->col = 0;
	if (++b->nrows == BATCH_ROWS) {
		enqueue(g, b);
		*cur = NULL;
	}
}

/* Queues the partly filled batches; then waits until everything is written. */
static enum ll_status flush_all(struct ll_store_ingest *g, struct ll_error *err)
{
	struct batch **cur[] = { &g->server, &g->client, &g->stray };
	for (size_t i = 0; i < sizeof cur / sizeof cur[0]; i++)
		if (*cur[i] && (*cur[i])->nrows) {
			enqueue(g, *cur[i]);
			*cur[i] = NULL;
		}
	return wait_idle(g, err);
}

static void batch_free(struct batch *b)
{
	ll_buf_release(&b->arena);
	free(b->new_tmpl.v);
	free(b);
}

/* Every row looks its template up here, so the hash takes eight bytes a step (a byte-wise
 * FNV-1a was a visible share of the parser thread). Not for hostile-input hardening: a
 * slow probe chain only costs time. */
static uint64_t hash_text(const char *t, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, t + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)t[i]) * 0x100000001b3ull;
	return h ^ (h >> 32);
}

static enum ll_status tmpl_grow(struct ll_store_ingest *g, struct ll_error *err)
{
	size_t cap = g->tmpl_cap ? g->tmpl_cap * 2 : 1024;
	struct tmpl_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return ll_error_set(err, LL_NOMEM, g->s->path, 0, NULL, "out of memory");
	for (size_t i = 0; i < g->tmpl_cap; i++) {
		if (!g->tmpl[i].text)
			continue;
		size_t j = g->tmpl[i].hash & (cap - 1);
		while (slots[j].text)
			j = (j + 1) & (cap - 1);
		slots[j] = g->tmpl[i];
	}
	free(g->tmpl);
	g->tmpl = slots;
	g->tmpl_cap = cap;
	return LL_OK;
}

/* Puts the template column: the session index of text (new texts are handed to the writer
 * with the next batch, which stores them), or NULL for NULL text. */
static enum ll_status put_template(struct ll_store_ingest *g, struct batch *b, const char *text,
                                   struct ll_error *err)
{
	if (!text) {
		put_null(b);
		return LL_OK;
	}
	enum ll_status rc;
	if (g->tmpl_n * 2 >= g->tmpl_cap && (rc = tmpl_grow(g, err)))
		return rc;
	size_t len = strlen(text);
	uint64_t hash = hash_text(text, len);
	size_t j = hash & (g->tmpl_cap - 1);
	while (g->tmpl[j].text) {
		const struct tmpl_slot *t = &g->tmpl[j];
		if (t->hash == hash && t->len == len && memcmp(t->text, text, len) == 0) {
			b->vals[b->nrows][b->col++] = (struct val){ .t = V_TMPL, .i = (int64_t)t->idx };
			return LL_OK;
		}
		j = (j + 1) & (g->tmpl_cap - 1);
	}
	char *copy = strdup(text);
	if (!copy || !tmplvec_push(&g->tmpl_pending, copy)) {
		free(copy);
		return ll_error_set(err, LL_NOMEM, g->s->path, 0, NULL, "out of memory");
	}
	g->tmpl[j] = (struct tmpl_slot){ copy, len, g->tmpl_n, hash };
	b->vals[b->nrows][b->col++] = (struct val){ .t = V_TMPL, .i = (int64_t)g->tmpl_n };
	g->tmpl_n++;
	return LL_OK;
}

static void ingest_free(struct ll_store_ingest *g)
{
	if (!g)
		return;
	stop_writer(g, true);
	struct batch *cur[] = { g->server, g->client, g->stray };
	for (size_t i = 0; i < sizeof cur / sizeof cur[0]; i++)
		if (cur[i])
			batch_free(cur[i]);
	for (struct batch *b = g->head, *n; b; b = n) {
		n = b->next;
		batch_free(b);
	}
	for (struct batch *b = g->free_list, *n; b; b = n) {
		n = b->next;
		batch_free(b);
	}
	table_release(&g->server_t);
	table_release(&g->client_t);
	table_release(&g->stray_t);
	for (size_t i = 0; i < g->tmpl_cap; i++)
		free(g->tmpl[i].text);
	free(g->tmpl);
	free(g->tmpl_pending.v);
	free(g->tmpl_ids);
	sqlite3_finalize(g->tmpl_find);
	sqlite3_finalize(g->tmpl_add);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->work);
	pthread_cond_destroy(&g->done);
	ll_error_release(&g->werr);
	free(g);
}

void ll_store_ingest_abort(struct ll_store_ingest *g)
{
	if (!g)
		return;
	/* the writer must be gone before the caller's thread uses the connection */
	stop_writer(g, true);
	sqlite3_exec(g->s->db, "ROLLBACK", NULL, NULL, NULL);
	ingest_free(g);
}

/* Looks for this content in the run: *found when an input of the run has its sha256. */
static enum ll_status input_known(struct ll_store *s, int64_t run_id, const char *sha,
                                  bool *found, struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, "SELECT 1 FROM inputs WHERE run_id = ?1 AND sha256 = ?2", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_TRANSIENT);
	int r = sqlite3_step(st);
	*found = r == SQLITE_ROW;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = db_error(s, err, "look up the input");
	sqlite3_finalize(st);
	return rc;
}

enum ll_status ll_store_ingest_begin(struct ll_store *s, const char *run, const char *label,
                                     const struct ll_input_meta *in, struct ll_store_ingest **out,
                                     enum ll_ingest_outcome *outcome, struct ll_error *err)
{
	*out = NULL;
	struct ll_store_ingest *g = calloc(1, sizeof *g);
	if (!g)
		return ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
	g->s = s;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->work, NULL);
	pthread_cond_init(&g->done, NULL);
	enum ll_status rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc) {
		ingest_free(g);
		return rc;
	}
	if ((rc = find_run(s, run, &g->run_id, err)))
		goto fail;
	if (g->run_id) {
		bool known = false;
		if ((rc = input_known(s, g->run_id, in->sha256, &known, err)))
			goto fail;
		if (known) {
			*outcome = LL_INGEST_ALREADY;
			ll_store_ingest_abort(g);
			return LL_OK;
		}
	} else {
		sqlite3_stmt *st = NULL;
		if ((rc = prepare(s, "INSERT INTO runs(name) VALUES (?1)", &st, err)))
			goto fail;
		sqlite3_bind_text(st, 1, run, -1, SQLITE_TRANSIENT);
		if ((rc = step_done(s, st, "create the run", err)))
			goto fail;
		g->run_id = sqlite3_last_insert_rowid(s->db);
	}
	if (label) {
		sqlite3_stmt *st = NULL;
		if ((rc = prepare(s, "UPDATE runs SET label = ?2 WHERE run_id = ?1", &st, err)))
			goto fail;
		sqlite3_bind_int64(st, 1, g->run_id);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_TRANSIENT);
		if ((rc = step_done(s, st, "set the label", err)))
			goto fail;
	}
	if ((rc = insert_input(s, g->run_id, in, err)))
		goto fail;
	g->input_id = sqlite3_last_insert_rowid(s->db);
	if ((rc = table_prepare(s, &g->server_t, "server_events",
	                        "run_id, input_id, line_no, ts_us, level, target, spans, message,"
	                        " fields_json, method, path, status, request_id, template_id", 14, err)) ||
	    (rc = table_prepare(s, &g->client_t, "client_events",
	                        "run_id, input_id, line_no, ts_us, level, op, status, reason,"
	                        " error_class, error_code, error_message, message, body, request_id,"
	                        " template_id", 15, err)) ||
	    (rc = table_prepare(s, &g->stray_t, "stray_lines", "input_id, line_no, kind, reason, text",
	                        5, err)) ||
	    (rc = prepare(s, "SELECT template_id FROM templates WHERE text = ?1", &g->tmpl_find, err)) ||
	    (rc = prepare(s, "INSERT INTO templates(text) VALUES (?1)", &g->tmpl_add, err)) ||
	    (rc = start_writer(g, err)))
		goto fail;
	*outcome = LL_INGEST_NEW;
	*out = g;
	return LL_OK;
fail:
	ll_store_ingest_abort(g);
	return rc;
}

enum ll_status ll_store_ingest_server(struct ll_store_ingest *g, const struct ll_server_row *r,
                                      struct ll_error *err)
{
	enum ll_status rc = batch_for(g, &g->server, &g->server_t, err);
	if (rc)
		return rc;
	struct batch *b = g->server;
	put_int(b, g->run_id);
	put_int(b, g->input_id);
	put_int(b, r->line_no);
	put_int(b, r->ts_us);
	put_str(b, r->level);
	put_str(b, r->target);
	put_str(b, r->spans);
	put_text(b, r->message ? r->message : "", r->message ? r->message_len : 0);
	put_str(b, r->fields_json);
	put_str(b, r->method);
	put_str(b, r->path);
	put_opt_int(b, r->status != 0, r->status);
	put_str(b, r->request_id);
	if ((rc = put_template(g, b, r->template_text, err))) {
		b->col = 0; /* the row is dropped; the session will be aborted */
		return rc;
	}
	row_done(g, &g->server);
	return LL_OK;
}

enum ll_status ll_store_ingest_client(struct ll_store_ingest *g, const struct ll_client_row *r,
                                      struct ll_error *err)
{
	enum ll_status rc = batch_for(g, &g->client, &g->client_t, err);
	if (rc)
		return rc;
	struct batch *b = g->client;
	put_int(b, g->run_id);
	put_int(b, g->input_id);
	put_int(b, r->line_no);
	put_opt_int(b, r->has_ts, r->ts_us);
	put_str(b, r->level);
	put_str(b, r->op);
	put_opt_int(b, r->status != 0, r->status);
	put_str(b, r->reason);
	put_str(b, r->error_class);
	put_str(b, r->error_code);
	put_str(b, r->error_message);
	put_str(b, r->message);
	put_str(b, r->body);
	put_str(b, r->request_id);
	if ((rc = put_template(g, b, r->template_text, err))) {
		b->col = 0;
		return rc;
	}
	row_done(g, &g->client);
	return LL_OK;
}

enum ll_status ll_store_ingest_stray(struct ll_store_ingest *g, long line_no, const char *kind,
                                     const char *reason, const char *text, size_t len,
                                     struct ll_error *err)
{
	if (g->n_stray++ >= LL_STORE_MAX_STRAY)
		return LL_OK;
	enum ll_status rc = batch_for(g, &g->stray, &g->stray_t, err);
	if (rc)
		return rc;
	struct batch *b = g->stray;
	put_int(b, g->input_id);
	put_int(b, line_no);
	put_str(b, kind);
	put_str(b, reason);
	put_text(b, text ? text : "", text ? len : 0);
	row_done(g, &g->stray);
	return LL_OK;
}

enum ll_status ll_store_ingest_header(struct ll_store_ingest *g, const struct ll_run_header *h,
                                      struct ll_error *err)
{
	struct ll_store *s = g->s;
	sqlite3_stmt *st = NULL;
	enum ll_status rc = wait_idle(g, err);
	if (rc)
		return rc;
	rc = prepare(s,
		"UPDATE runs SET config_name = coalesce(config_name, ?2), seed = coalesce(?3, seed),"
		" target_rate = coalesce(?4, target_rate),"
		" configured_duration_s = coalesce(?5, configured_duration_s),"
		" endpoint = coalesce(?6, endpoint) WHERE run_id = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, g->run_id);
	bind_text_or_null(st, 2, h->config_name);
	if (h->has_seed)
		sqlite3_bind_int64(st, 3, h->seed);
	if (h->has_target_rate)
		sqlite3_bind_double(st, 4, h->target_rate);
	if (h->has_duration)
		sqlite3_bind_double(st, 5, h->configured_duration_s);
	bind_text_or_null(st, 6, h->endpoint);
	return step_done(s, st, "store the run header", err);
}

enum ll_status ll_store_ingest_json_report(struct ll_store_ingest *g, bool *has,
                                           struct ll_run_report *out, struct ll_error *err)
{
	struct ll_store *s = g->s;
	sqlite3_stmt *st = NULL;
	enum ll_status rc = wait_idle(g, err);
	if (rc || (rc = prepare(s, "SELECT " RUN_COLUMNS " FROM runs WHERE run_id = ?1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, g->run_id);
	*has = false;
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct ll_run_info ri;
		rc = read_run_row(s, st, &ri, err);
		if (rc == LL_OK && ri.report.source == LL_SOURCE_JSON) {
			*has = true;
			*out = ri.report;
			ri.report = (struct ll_run_report)LL_RUN_REPORT_INIT;
		}
		ll_run_info_release(&ri);
	} else {
		rc = db_error(s, err, "read the run");
	}
	sqlite3_finalize(st);
	return rc;
}

enum ll_status ll_store_ingest_summary(struct ll_store_ingest *g, const struct ll_run_report *r,
                                       struct ll_error *err)
{
	enum ll_status rc = wait_idle(g, err);
	if (rc)
		return rc;
	rc = exec_bound_id(g->s, "DELETE FROM op_stats WHERE run_id = ?1", g->run_id,
	                   "replace the summary", err);
	return rc ? rc : write_report(g->s, g->run_id, r, err);
}

enum ll_status ll_store_ingest_mismatch(struct ll_store_ingest *g, const char *field,
                                        double report_value, double summary_value,
                                        struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = wait_idle(g, err);
	if (rc || (rc = prepare(g->s,
		"INSERT INTO report_checks(input_id, field, report_value, summary_value)"
		" VALUES (?1, ?2, ?3, ?4)", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, g->input_id);
	sqlite3_bind_text(st, 2, field, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 3, report_value);
	sqlite3_bind_double(st, 4, summary_value);
	return step_done(g->s, st, "store a summary mismatch", err);
}

enum ll_status ll_store_ingest_finish_input(struct ll_store_ingest *g, const char *sha256,
                                            int64_t bytes, bool *dup, struct ll_error *err)
{
	struct ll_store *s = g->s;
	enum ll_status rc = wait_idle(g, err);
	if (rc || (rc = input_known(s, g->run_id, sha256, dup, err)) || *dup)
		return rc;
	sqlite3_stmt *st = NULL;
	if ((rc = prepare(s, "UPDATE inputs SET sha256 = ?2, bytes = ?3 WHERE input_id = ?1", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, g->input_id);
	sqlite3_bind_text(st, 2, sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, bytes);
	return step_done(s, st, "record the input", err);
}

enum ll_status ll_store_ingest_commit(struct ll_store_ingest *g, int64_t lines, int64_t events,
                                      int64_t skipped, struct ll_error *err)
{
	struct ll_store *s = g->s;
	enum ll_status rc;
	if ((rc = flush_all(g, err)))
		goto fail;
	sqlite3_stmt *st = NULL;
	if ((rc = prepare(s, "UPDATE inputs SET lines = ?2, events = ?3, skipped = ?4 WHERE input_id = ?1",
	                  &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, g->input_id);
	sqlite3_bind_int64(st, 2, lines);
	sqlite3_bind_int64(st, 3, events);
	sqlite3_bind_int64(st, 4, skipped);
	if ((rc = step_done(s, st, "record the input", err)) || (rc = exec(s, "COMMIT", err)))
		goto fail;
	ingest_free(g);
	return LL_OK;
fail:
	ll_store_ingest_abort(g);
	return rc;
}

/* ---- correlation ---- */

/* A copy of column i kept in the pool (owned, n, cap), or NULL for NULL; *ok turns false
 * when memory runs out and then stays false (later calls do nothing). Shared by the
 * loaders whose structs own every string they point to. */
static const char *pool_keep(char ***owned, size_t *n, size_t *cap, sqlite3_stmt *st, int i,
                             bool *ok)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t || !*ok)
		return NULL;
	if (*n == *cap) {
		size_t grown = *cap ? *cap * 2 : 256;
		char **v = realloc(*owned, grown * sizeof *v);
		if (!v) {
			*ok = false;
			return NULL;
		}
		*owned = v;
		*cap = grown;
	}
	char *copy = strdup((const char *)t);
	if (!copy) {
		*ok = false;
		return NULL;
	}
	(*owned)[(*n)++] = copy;
	return copy;
}

static const char *own_text(struct ll_corr_data *d, sqlite3_stmt *st, int i, bool *ok)
{
	return pool_keep(&d->owned, &d->n_owned, &d->cap_owned, st, i, ok);
}

/* Small vocabularies (op, class, level) are shared: one copy per distinct value. */
static const char *own_interned(struct ll_corr_data *d, sqlite3_stmt *st, int i, bool *ok,
                                const char **cache, size_t ncache)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t)
		return NULL;
	for (size_t k = 0; k < ncache && cache[k]; k++)
		if (strcmp(cache[k], (const char *)t) == 0)
			return cache[k];
	const char *c = own_text(d, st, i, ok);
	for (size_t k = 0; k < ncache; k++)
		if (!cache[k]) {
			cache[k] = c;
			break;
		}
	return c;
}

static int level_number(const unsigned char *t)
{
	static const char *const names[] = { "", "TRACE", "DEBUG", "INFO", "WARN", "ERROR" };
	for (int i = 1; t && i < 6; i++)
		if (strcmp((const char *)t, names[i]) == 0)
			return i;
	return 0;
}

void ll_corr_data_release(struct ll_corr_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_owned; i++)
		free(d->owned[i]);
	free(d->owned);
	free(d->failures);
	free(d->events);
	memset(d, 0, sizeof *d);
}

/* Gives each event its template's text, read once per distinct template (by its key,
 * through a small open-addressing map of id -> text) and shared by all its events. */
static enum ll_status load_event_templates(struct ll_store *s, struct ll_corr_data *d,
                                           struct ll_error *err)
{
	struct slot {
		int64_t id;        /* 0: empty (template ids start at 1) */
		const char *text;
	} *map = NULL;
	size_t cap = 64, used = 0;
	sqlite3_stmt *st = NULL;
	bool ok = true;
	enum ll_status rc = prepare(s, "SELECT text FROM templates WHERE template_id = ?1", &st, err);
	if (rc == LL_OK && !(map = calloc(cap, sizeof *map)))
		ok = false;
	for (size_t i = 0; rc == LL_OK && ok && i < d->n_events; i++) {
		int64_t tid = d->events[i].template_id;
		if (tid <= 0)
			continue;
		size_t j = (size_t)((uint64_t)tid * 0x9e3779b97f4a7c15ull >> 32) & (cap - 1);
		while (map[j].id && map[j].id != tid)
			j = (j + 1) & (cap - 1);
		if (!map[j].id) {
			sqlite3_bind_int64(st, 1, tid);
			int r = sqlite3_step(st);
			const char *text = r == SQLITE_ROW ? own_text(d, st, 0, &ok) : NULL;
			if (r != SQLITE_ROW && r != SQLITE_DONE)
				rc = db_error(s, err, "read a template");
			sqlite3_reset(st);
			map[j] = (struct slot){ tid, text };
			if (++used * 2 > cap) {
				/* grow, rehashing every slot */
				size_t ncap = cap * 2;
				struct slot *grown = calloc(ncap, sizeof *grown);
				if (!grown) {
					ok = false;
					break;
				}
				for (size_t k = 0; k < cap; k++) {
					if (!map[k].id)
						continue;
					size_t m = (size_t)((uint64_t)map[k].id * 0x9e3779b97f4a7c15ull >> 32) & (ncap - 1);
					while (grown[m].id)
						m = (m + 1) & (ncap - 1);
					grown[m] = map[k];
				}
				free(map);
				map = grown;
				cap = ncap;
				j = (size_t)((uint64_t)tid * 0x9e3779b97f4a7c15ull >> 32) & (cap - 1);
				while (map[j].id != tid)
					j = (j + 1) & (cap - 1);
			}
		}
		d->events[i].template_text = map[j].text;
	}
	sqlite3_finalize(st);
	free(map);
	if (rc == LL_OK && !ok)
		rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
	return rc;
}

enum ll_status ll_store_load_corr_data(struct ll_store *s, const char *run, unsigned level_mask,
                                       struct ll_corr_data *out, struct ll_error *err)
{
	struct ll_corr_data d = { 0 };
	enum ll_status rc = find_run(s, run, &d.run_id, err);
	if (rc)
		return rc;
	if (!d.run_id)
		return ll_error_set(err, LL_INPUT, NULL, 0, NULL, "no run named '%s' in %s (see 'loadlens runs')",
		                    run, s->path);
	sqlite3_stmt *st = NULL;
	bool ok = true;
	const char *vocab[64] = { 0 };
	if ((rc = prepare(s,
		"SELECT event_id, ts_us, op, status, error_class, request_id FROM client_events"
		" WHERE run_id = ?1 AND op IS NOT NULL AND ts_us IS NOT NULL ORDER BY event_id", &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, d.run_id);
	size_t cap = 0;
	int r;
	while (ok && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (d.n_failures == cap) {
			cap = cap ? cap * 2 : 1024;
			struct ll_corr_failure *v = realloc(d.failures, cap * sizeof *v);
			if (!v) {
				ok = false;
				break;
			}
			d.failures = v;
		}
		d.failures[d.n_failures++] = (struct ll_corr_failure){
			.event_id = sqlite3_column_int64(st, 0),
			.ts_us = sqlite3_column_int64(st, 1),
			.op = own_interned(&d, st, 2, &ok, vocab, 64),
			.status = sqlite3_column_int(st, 3),
			.error_class = own_interned(&d, st, 4, &ok, vocab, 64),
			.request_id = own_text(&d, st, 5, &ok),
		};
	}
	if (ok && r != SQLITE_DONE && r != SQLITE_ROW) {
		rc = db_error(s, err, "read the failures");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!ok)
		goto nomem;

	/* Only the chosen levels are read (the filter runs in SQLite, not on every row in C);
	 * unset levels bind NULL, which matches nothing. The default levels are spelled out so
	 * that the planner can use the covering index server_events_problems. */
	bool problems = level_mask == (LL_CORR_LEVEL_BIT(4) | LL_CORR_LEVEL_BIT(5));
	if ((rc = prepare(s, problems
		? "SELECT event_id, ts_us, level, method, path, status, request_id, template_id"
		  " FROM server_events WHERE run_id = ?1 AND level IN ('WARN', 'ERROR')"
		  " AND ts_us IS NOT NULL ORDER BY run_id, event_id"
		: "SELECT event_id, ts_us, level, method, path, status, request_id, template_id"
		  " FROM server_events WHERE run_id = ?1 AND ts_us IS NOT NULL"
		  " AND level IN (?2, ?3, ?4, ?5, ?6) ORDER BY event_id", &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, d.run_id);
	static const char *const level_names[] = { "TRACE", "DEBUG", "INFO", "WARN", "ERROR" };
	for (unsigned l = 1; l <= 5 && !problems; l++)
		if (level_mask & LL_CORR_LEVEL_BIT(l))
			sqlite3_bind_text(st, (int)l + 1, level_names[l - 1], -1, SQLITE_STATIC);
	cap = 0;
	while (ok && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (d.n_events == cap) {
			cap = cap ? cap * 2 : 4096;
			struct ll_corr_event *v = realloc(d.events, cap * sizeof *v);
			if (!v) {
				ok = false;
				break;
			}
			d.events = v;
		}
		d.events[d.n_events++] = (struct ll_corr_event){
			.event_id = sqlite3_column_int64(st, 0),
			.ts_us = sqlite3_column_int64(st, 1),
			.level = level_number(sqlite3_column_text(st, 2)),
			.method = own_interned(&d, st, 3, &ok, vocab, 64),
			.path = own_text(&d, st, 4, &ok),
			.status = sqlite3_column_int(st, 5),
			.request_id = own_text(&d, st, 6, &ok),
			.template_id = sqlite3_column_int64(st, 7),
		};
	}
	if (ok && r != SQLITE_DONE && r != SQLITE_ROW) {
		rc = db_error(s, err, "read the server events");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!ok)
		goto nomem;
	if ((rc = load_event_templates(s, &d, err)))
		goto fail;
	*out = d;
	return LL_OK;
nomem:
	rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
fail:
	sqlite3_finalize(st);
	ll_corr_data_release(&d);
	return rc;
}

enum ll_status ll_store_save_correlations(struct ll_store *s, const struct ll_corr_data *d,
                                          const struct ll_corr_result *r, struct ll_error *err)
{
	enum ll_status rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	struct batch b = { 0 };
	if ((rc = exec_bound_id(s, "DELETE FROM correlations WHERE run_id = ?1", d->run_id,
	                        "clear old correlations", err)) ||
	    (rc = batch_prepare(s, &b, "correlations",
	                        "run_id, client_event_id, server_event_id, method, delta_us", 5, err)))
		goto fail;
	for (size_t i = 0; i < r->n_matches && rc == LL_OK; i++) {
		const struct ll_corr_match *m = &r->matches[i];
		put_int(&b, d->run_id);
		put_int(&b, d->failures[m->failure].event_id);
		if (m->method == LL_CORR_NONE) {
			put_null(&b);
			put_str(&b, "none");
			put_null(&b);
		} else {
			put_int(&b, d->events[m->event].event_id);
			put_str(&b, m->method == LL_CORR_ID ? "request_id" : "time");
			put_int(&b, m->delta_us);
		}
		rc = batch_row_done(s, &b, err);
	}
	if (rc || (rc = batch_flush(s, &b, err)) || (rc = exec(s, "COMMIT", err)))
		goto fail;
	batch_release(&b);
	return LL_OK;
fail:
	batch_release(&b);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

void ll_failure_rows_free(struct ll_failure_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct ll_failure_row *f = &rows[i];
		free(f->client_path);
		free(f->op);
		free(f->error_class);
		free(f->reason);
		free(f->error_code);
		free(f->error_message);
		free(f->body);
		free(f->method);
		free(f->server_path);
		free(f->server_level);
		free(f->server_target);
		free(f->server_message);
	}
	free(rows);
}

enum ll_status ll_store_list_failures(struct ll_store *s, const char *run,
                                      const struct ll_failure_filter *f,
                                      struct ll_failure_row **rows, size_t *n,
                                      struct ll_error *err)
{
	int64_t run_id = 0;
	enum ll_status rc = find_run(s, run, &run_id, err);
	if (rc)
		return rc;
	if (!run_id)
		return ll_error_set(err, LL_INPUT, NULL, 0, NULL, "no run named '%s' in %s (see 'loadlens runs')",
		                    run, s->path);
	sqlite3_stmt *st = NULL;
	if ((rc = prepare(s,
		"SELECT c.event_id, ci.path, c.line_no, c.ts_us, c.op, c.error_class, c.reason,"
		" c.error_code, c.error_message, c.body, c.status, k.method, si.path, e.line_no,"
		" e.level, e.target, e.message, k.delta_us, k.client_event_id IS NOT NULL"
		" FROM client_events c JOIN inputs ci ON ci.input_id = c.input_id"
		" LEFT JOIN correlations k ON k.client_event_id = c.event_id AND k.run_id = c.run_id"
		" LEFT JOIN server_events e ON e.event_id = k.server_event_id"
		" LEFT JOIN inputs si ON si.input_id = e.input_id"
		" WHERE c.run_id = ?1 AND c.op IS NOT NULL AND (?2 IS NULL OR c.op = ?2)"
		" AND (?3 = 0 OR k.server_event_id IS NULL)"
		" ORDER BY c.ts_us, c.event_id LIMIT ?4", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	bind_text_or_null(st, 2, f->op);
	sqlite3_bind_int(st, 3, f->unexplained_only);
	sqlite3_bind_int64(st, 4, f->limit ? (int64_t)f->limit : -1);
	struct ll_failure_row *v = NULL;
	size_t count = 0, cap = 0;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 256;
			struct ll_failure_row *g = realloc(v, cap * sizeof *g);
			if (!g) {
				rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
				break;
			}
			v = g;
		}
		struct ll_failure_row *x = &v[count++];
		*x = (struct ll_failure_row){
			.client_event_id = sqlite3_column_int64(st, 0),
			.client_path = col_strdup(st, 1),
			.client_line = (long)sqlite3_column_int64(st, 2),
			.client_ts_us = sqlite3_column_int64(st, 3),
			.op = col_strdup(st, 4),
			.error_class = col_strdup(st, 5),
			.reason = col_strdup(st, 6),
			.error_code = col_strdup(st, 7),
			.error_message = col_strdup(st, 8),
			.body = col_strdup(st, 9),
			.status = sqlite3_column_int(st, 10),
			.method = col_strdup(st, 11),
			.server_path = col_strdup(st, 12),
			.server_line = (long)sqlite3_column_int64(st, 13),
			.server_level = col_strdup(st, 14),
			.server_target = col_strdup(st, 15),
			.server_message = col_strdup(st, 16),
			.delta_us = sqlite3_column_int64(st, 17),
			.correlated = sqlite3_column_int(st, 18) != 0,
		};
		if (x->method && strcmp(x->method, "none") == 0) {
			free(x->method);
			x->method = NULL;
		}
	}
	if (rc == LL_OK && r != SQLITE_DONE)
		rc = db_error(s, err, "list the failures");
	sqlite3_finalize(st);
	if (rc) {
		ll_failure_rows_free(v, count);
		return rc;
	}
	*rows = v;
	*n = count;
	return LL_OK;
}

/* ---- ad-hoc queries ---- */

void ll_table_release(struct ll_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_cols; i++)
		free(t->cols[i]);
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cols);
	free(t->cells);
	free(t->is_number);
	memset(t, 0, sizeof *t);
}

enum ll_status ll_store_query(struct ll_store *s, const char *sql, const char *run,
                              struct ll_table *out, struct ll_error *err)
{
	struct ll_table t = { 0 };
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, &tail) != SQLITE_OK)
		return ll_error_set(err, LL_INPUT, NULL, 0, "sql", "%s", sqlite3_errmsg(s->db));
	enum ll_status rc = LL_OK;
	if (!st) {
		rc = ll_error_set(err, LL_INPUT, NULL, 0, "sql", "no SQL statement given");
		goto done;
	}
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		rc = ll_error_set(err, LL_INPUT, NULL, 0, "sql", "only one statement is allowed");
		goto done;
	}
	if (!sqlite3_stmt_readonly(st)) {
		rc = ll_error_set(err, LL_INPUT, NULL, 0, "sql", "the statement would write; queries are read-only");
		goto done;
	}
	int np = sqlite3_bind_parameter_count(st);
	for (int i = 1; i <= np; i++)
		bind_text_or_null(st, i, run);
	t.n_cols = (size_t)sqlite3_column_count(st);
	t.cols = calloc(t.n_cols ? t.n_cols : 1, sizeof *t.cols);
	if (!t.cols)
		goto nomem;
	for (size_t c = 0; c < t.n_cols; c++)
		if (!(t.cols[c] = strdup(sqlite3_column_name(st, (int)c))))
			goto nomem;
	size_t cap = 0;
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (t.n_rows == cap) {
			cap = cap ? cap * 2 : 64;
			char **cells = realloc(t.cells, cap * (t.n_cols ? t.n_cols : 1) * sizeof *cells);
			if (!cells)
				goto nomem;
			t.cells = cells;
			bool *num = realloc(t.is_number, cap * (t.n_cols ? t.n_cols : 1) * sizeof *num);
			if (!num)
				goto nomem;
			t.is_number = num;
		}
		for (size_t c = 0; c < t.n_cols; c++)
			t.cells[t.n_rows * t.n_cols + c] = NULL; /* releasable if a copy fails */
		for (size_t c = 0; c < t.n_cols; c++) {
			size_t k = t.n_rows * t.n_cols + c;
			int type = sqlite3_column_type(st, (int)c);
			t.is_number[k] = type == SQLITE_INTEGER || type == SQLITE_FLOAT;
			t.cells[k] = type == SQLITE_NULL ? NULL : col_strdup(st, (int)c);
			if (type != SQLITE_NULL && !t.cells[k]) {
				t.n_rows++;
				goto nomem;
			}
		}
		t.n_rows++;
	}
	if (r != SQLITE_DONE) {
		rc = ll_error_set(err, LL_INPUT, NULL, 0, "sql", "%s", sqlite3_errmsg(s->db));
		goto done;
	}
	*out = t;
	sqlite3_finalize(st);
	return LL_OK;
nomem:
	rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
done:
	sqlite3_finalize(st);
	ll_table_release(&t);
	return rc;
}

/* ---- the post-mortem (loadlens report) ---- */

static const char *keep_text(struct ll_report_data *d, sqlite3_stmt *st, int i, bool *ok)
{
	return pool_keep(&d->owned, &d->n_owned, &d->cap_owned, st, i, ok);
}

/* Grows *v (of *n elements of size sz) by one zeroed element; NULL when out of memory. */
static void *grow_one(void **v, size_t *n, size_t sz)
{
	char *g = realloc(*v, (*n + 1) * sz);
	if (!g)
		return NULL;
	*v = g;
	memset(g + *n * sz, 0, sz);
	return g + (*n)++ * sz;
}

void ll_report_data_release(struct ll_report_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_owned; i++)
		free(d->owned[i]);
	free(d->owned);
	free(d->inputs);
	free(d->groups);
	free(d->seconds);
	free(d->levels);
	free(d->server_templates);
	free(d->panics);
	memset(d, 0, sizeof *d);
}

/* Each query of the post-mortem: bound to ?1 = run_id (and ?2 = limit where it has one);
 * row() copies one row into d and returns false when out of memory. */
typedef bool (*report_row_fn)(struct ll_report_data *d, sqlite3_stmt *st);

static enum ll_status report_query(struct ll_store *s, struct ll_report_data *d, const char *sql,
                                   int64_t limit, report_row_fn row, const char *what,
                                   struct ll_error *err)
{
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, d->run_id);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, limit);
	int r;
	while ((r = sqlite3_step(st)) == SQLITE_ROW)
		if (!row(d, st)) {
			rc = ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
			break;
		}
	if (rc == LL_OK && r != SQLITE_DONE)
		rc = db_error(s, err, what);
	sqlite3_finalize(st);
	return rc;
}

static bool header_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	bool ok = true;
	struct ll_pm_header *h = &d->header;
	h->config_name = keep_text(d, st, 0, &ok);
	h->has_seed = sqlite3_column_type(st, 1) != SQLITE_NULL;
	h->seed = sqlite3_column_int64(st, 1);
	h->has_target_rate = sqlite3_column_type(st, 2) != SQLITE_NULL;
	h->target_rate = sqlite3_column_double(st, 2);
	h->has_duration = sqlite3_column_type(st, 3) != SQLITE_NULL;
	h->configured_duration_s = sqlite3_column_double(st, 3);
	h->endpoint = keep_text(d, st, 4, &ok);
	return ok;
}

static int64_t int_or(sqlite3_stmt *st, int i, int64_t none)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? none : sqlite3_column_int64(st, i);
}

static bool input_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	struct ll_pm_input_file *f = grow_one((void **)&d->inputs, &d->n_inputs, sizeof *f);
	if (!f)
		return false;
	bool ok = true;
	f->path = keep_text(d, st, 0, &ok);
	f->kind = keep_text(d, st, 1, &ok);
	f->sha256 = keep_text(d, st, 2, &ok);
	f->bytes = sqlite3_column_int64(st, 3);
	f->lines = int_or(st, 4, -1);
	f->events = int_or(st, 5, -1);
	f->skipped = int_or(st, 6, -1);
	if (f->kind && strcmp(f->kind, "loadtest-log") == 0)
		d->has_client_log = true;
	if (f->kind && strcmp(f->kind, "server-log") == 0)
		d->has_server_log = true;
	return ok;
}

static bool span_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	d->has_client_span = sqlite3_column_type(st, 0) != SQLITE_NULL;
	d->client_first_ts_us = sqlite3_column_int64(st, 0);
	d->client_last_ts_us = sqlite3_column_int64(st, 1);
	return true;
}

static bool group_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	struct ll_pm_failure_group *g = grow_one((void **)&d->groups, &d->n_groups, sizeof *g);
	if (!g)
		return false;
	bool ok = true;
	g->op = keep_text(d, st, 0, &ok);
	g->status = sqlite3_column_int(st, 1);
	g->reason = keep_text(d, st, 2, &ok);
	g->error_class = keep_text(d, st, 3, &ok);
	g->error_code = keep_text(d, st, 4, &ok);
	g->template_text = keep_text(d, st, 5, &ok);
	g->count = sqlite3_column_int64(st, 6);
	g->example = keep_text(d, st, 8, &ok);
	return ok;
}

static bool second_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	struct ll_pm_error_second *x = grow_one((void **)&d->seconds, &d->n_seconds, sizeof *x);
	if (!x)
		return false;
	bool ok = true;
	x->op = keep_text(d, st, 0, &ok);
	x->error_class = keep_text(d, st, 1, &ok);
	x->sec = sqlite3_column_int64(st, 2);
	x->count = sqlite3_column_int64(st, 3);
	return ok;
}

static bool level_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	struct ll_pm_level_count *x = grow_one((void **)&d->levels, &d->n_levels, sizeof *x);
	if (!x)
		return false;
	bool ok = true;
	x->level = keep_text(d, st, 0, &ok);
	x->count = sqlite3_column_int64(st, 1);
	return ok;
}

static bool server_template_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	struct ll_pm_server_template *x =
		grow_one((void **)&d->server_templates, &d->n_server_templates, sizeof *x);
	if (!x)
		return false;
	bool ok = true;
	x->level = keep_text(d, st, 0, &ok);
	x->target = keep_text(d, st, 1, &ok);
	x->text = keep_text(d, st, 2, &ok);
	x->example = keep_text(d, st, 3, &ok);
	x->count = sqlite3_column_int64(st, 4);
	x->first_line = (long)sqlite3_column_int64(st, 6);
	return ok;
}

static bool panic_row(struct ll_report_data *d, sqlite3_stmt *st)
{
	struct ll_pm_panic *x = grow_one((void **)&d->panics, &d->n_panics, sizeof *x);
	if (!x)
		return false;
	bool ok = true;
	x->path = keep_text(d, st, 0, &ok);
	x->line = (long)sqlite3_column_int64(st, 1);
	x->ts_us = sqlite3_column_int64(st, 2);
	x->target = keep_text(d, st, 3, &ok);
	x->message = keep_text(d, st, 4, &ok);
	x->location = keep_text(d, st, 5, &ok);
	return ok;
}

/* Examples are cut to LL_REPORT_EXAMPLE_CHARS characters (a body may be many KB). In the
 * grouped queries, the bare columns after min(event_id) come from that first row: SQLite
 * documents this for a query with a single min() or max() aggregate. */
#define EXAMPLE_SQL(x) "substr(" x ", 1, 300)"
_Static_assert(LL_REPORT_EXAMPLE_CHARS == 300, "EXAMPLE_SQL cuts at LL_REPORT_EXAMPLE_CHARS");

enum ll_status ll_store_load_report_data(struct ll_store *s, const char *run, size_t max_templates,
                                         size_t max_panics, struct ll_report_data *out,
                                         struct ll_error *err)
{
	struct ll_report_data d = { 0 };
	enum ll_status rc = find_run(s, run, &d.run_id, err);
	if (rc)
		return rc;
	if (!d.run_id)
		return ll_error_set(err, LL_INPUT, NULL, 0, NULL, "no run named '%s' in %s (see 'loadlens runs')",
		                    run, s->path);
	if ((rc = report_query(s, &d,
		"SELECT config_name, seed, target_rate, configured_duration_s, endpoint FROM runs"
		" WHERE run_id = ?1", 0, header_row, "read the run header", err)) ||
	    (rc = report_query(s, &d,
		"SELECT path, kind, sha256, bytes, lines, events, skipped FROM inputs WHERE run_id = ?1"
		" ORDER BY input_id", 0, input_row, "read the inputs", err)) ||
	    (rc = report_query(s, &d,
		"SELECT min(ts_us), max(ts_us) FROM client_events WHERE run_id = ?1 AND ts_us IS NOT NULL",
		0, span_row, "read the load tester's time span", err)) ||
	    (rc = report_query(s, &d,
		"SELECT c.op, c.status, c.reason, c.error_class, c.error_code, t.text, count(*),"
		" min(c.event_id), " EXAMPLE_SQL("coalesce(c.error_message, c.body, c.message)")
		" FROM client_events c LEFT JOIN templates t ON t.template_id = c.template_id"
		" WHERE c.run_id = ?1 AND c.op IS NOT NULL"
		" GROUP BY c.op, c.status, c.error_class, c.template_id"
		" ORDER BY c.op, c.status, c.error_class, count(*) DESC, min(c.event_id)",
		0, group_row, "group the failures", err)) ||
	    (rc = report_query(s, &d,
		"SELECT op, error_class, ts_us / 1000000, count(*) FROM client_events"
		" WHERE run_id = ?1 AND op IS NOT NULL AND ts_us IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
		0, second_row, "count the errors per second", err)) ||
	    (rc = report_query(s, &d,
		"SELECT coalesce(level, '?'), count(*) FROM server_events WHERE run_id = ?1 GROUP BY 1"
		" ORDER BY CASE level WHEN 'TRACE' THEN 1 WHEN 'DEBUG' THEN 2 WHEN 'INFO' THEN 3"
		" WHEN 'WARN' THEN 4 WHEN 'ERROR' THEN 5 ELSE 6 END, 1",
		0, level_row, "count the server events per level", err)) ||
	    (rc = report_query(s, &d,
		"SELECT e.level, e.target, t.text, " EXAMPLE_SQL("e.message") ", count(*),"
		" min(e.event_id), e.line_no"
		" FROM server_events e LEFT JOIN templates t ON t.template_id = e.template_id"
		" WHERE e.run_id = ?1 AND e.level IN ('WARN', 'ERROR')"
		" GROUP BY e.level, e.template_id ORDER BY count(*) DESC, min(e.event_id) LIMIT ?2",
		(int64_t)max_templates, server_template_row, "rank the server's warnings and errors", err)) ||
	    (rc = report_query(s, &d,
		"SELECT i.path, e.line_no, e.ts_us, e.target, " EXAMPLE_SQL("e.message") ","
		" CASE WHEN json_valid(e.fields_json) THEN json_extract(e.fields_json, '$.location') END"
		" FROM server_events e JOIN inputs i ON i.input_id = e.input_id"
		" WHERE e.run_id = ?1 AND e.level = 'ERROR' AND e.message LIKE '%panic%'"
		" ORDER BY e.event_id LIMIT ?2",
		(int64_t)max_panics, panic_row, "find the server's panics", err))) {
		ll_report_data_release(&d);
		return rc;
	}
	*out = d;
	return LL_OK;
}

static size_t find_by_event_id(const void *base, size_t n, size_t stride, size_t id_offset, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t v;
		memcpy(&v, (const char *)base + mid * stride + id_offset, sizeof v);
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n) {
		int64_t v;
		memcpy(&v, (const char *)base + lo * stride + id_offset, sizeof v);
		if (v == id)
			return lo;
	}
	return SIZE_MAX;
}

enum ll_status ll_store_load_correlations(struct ll_store *s, const struct ll_corr_data *d,
                                          bool *found, struct ll_corr_result *out,
                                          struct ll_error *err)
{
	struct ll_corr_result r = { 0 };
	r.n_matches = d->n_failures;
	r.matches = calloc(d->n_failures ? d->n_failures : 1, sizeof *r.matches);
	if (!r.matches)
		return ll_error_set(err, LL_NOMEM, s->path, 0, NULL, "out of memory");
	for (size_t i = 0; i < d->n_failures; i++)
		r.matches[i] = (struct ll_corr_match){ .failure = i, .event = SIZE_MAX,
			.method = LL_CORR_NONE,
			.why = d->failures[i].error_class && strcmp(d->failures[i].error_class, "network") == 0
			               ? LL_UNEXPLAINED_NETWORK : LL_UNEXPLAINED_NO_LOG };
	sqlite3_stmt *st = NULL;
	enum ll_status rc = prepare(s,
		"SELECT client_event_id, server_event_id, method, delta_us FROM correlations"
		" WHERE run_id = ?1 ORDER BY client_event_id", &st, err);
	if (rc)
		goto done;
	sqlite3_bind_int64(st, 1, d->run_id);
	size_t rows = 0;
	int sr;
	while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		size_t fi = find_by_event_id(d->failures, d->n_failures, sizeof *d->failures,
		                             offsetof(struct ll_corr_failure, event_id),
		                             sqlite3_column_int64(st, 0));
		if (fi == SIZE_MAX || sqlite3_column_type(st, 1) == SQLITE_NULL)
			continue;
		size_t ei = find_by_event_id(d->events, d->n_events, sizeof *d->events,
		                             offsetof(struct ll_corr_event, event_id),
		                             sqlite3_column_int64(st, 1));
		if (ei == SIZE_MAX) {
			rc = ll_error_set(err, LL_DB, s->path, 0, "correlations",
			                  "server event %lld is not among the run's events (re-run 'loadlens correlate')",
			                  (long long)sqlite3_column_int64(st, 1));
			goto done;
		}
		const unsigned char *m = sqlite3_column_text(st, 2);
		struct ll_corr_match *x = &r.matches[fi];
		x->event = ei;
		x->method = m && strcmp((const char *)m, "request_id") == 0 ? LL_CORR_ID : LL_CORR_TIME;
		x->delta_us = sqlite3_column_int64(st, 3);
		x->why = LL_UNEXPLAINED_NONE;
	}
	if (sr != SQLITE_DONE) {
		rc = db_error(s, err, "read the correlations");
		goto done;
	}
	for (size_t i = 0; i < r.n_matches; i++) {
		if (r.matches[i].method == LL_CORR_ID)
			r.by_id++;
		else if (r.matches[i].method == LL_CORR_TIME)
			r.by_time++;
		else
			r.unexplained++;
	}
	*found = rows > 0;
	*out = r;
	r.matches = NULL;
done:
	sqlite3_finalize(st);
	free(r.matches);
	return rc;
}
