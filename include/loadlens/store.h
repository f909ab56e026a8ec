/* store: the SQLite database of loadlens (DESIGN §4). The only module that includes
 * sqlite3.h or holds SQL DDL/DML; its API speaks domain structs. Store layer: no output.
 *
 * The schema version lives in PRAGMA user_version, with forward migrations applied in
 * order on open (read-write). Journal: rollback (DELETE), synchronous NORMAL, busy
 * timeout, so several processes can ingest into one file at once and an interrupted
 * ingest leaves the database as it was. Every ingest of one input is one transaction.
 *
 * Ownership: ll_store_open() gives a handle closed by ll_store_close() (NULL-safe). Structs
 * filled by the getters belong to the caller and have their own release functions.
 * Errors: LL_DB for SQLite failures (message from SQLite, path = the database), LL_INPUT
 * for requests the data refuses (unknown run, a different report under an existing name). */
#ifndef LOADLENS_STORE_H
#define LOADLENS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/error.h"
#include "loadlens/report.h"

#define LL_STORE_SCHEMA_VERSION 1

struct ll_store;

enum ll_store_mode { LL_STORE_READ_WRITE, LL_STORE_READ_ONLY };

/* Opens (read-write: creating and migrating) the database at path. A read-only open of a
 * missing file is an LL_IO error that says to ingest first. */
enum ll_status ll_store_open(const char *path, enum ll_store_mode mode, struct ll_store **out,
                             struct ll_error *err);
void ll_store_close(struct ll_store *s);

/* One ingested file (inputs row). Borrowed strings; raw may be NULL. */
struct ll_input_meta {
	const char *path;
	const char *kind;     /* "report", "loadtest-log", "server-log" */
	const char *sha256;   /* 64 hex digits of the whole content */
	int64_t bytes;
	const char *raw;      /* the document itself, stored for reports (unknown fields kept) */
	size_t raw_len;
};

enum ll_ingest_outcome {
	LL_INGEST_NEW,       /* stored */
	LL_INGEST_ALREADY,   /* the same content was already in this run: nothing changed */
	LL_INGEST_REPLACED,  /* the run's previous report was replaced (--replace) */
};

/* Stores r as the report of run `run` (created if absent), in one transaction.
 * - the same content (sha256) already in this run: LL_INGEST_ALREADY, no change;
 * - the run has a different report: LL_INPUT unless replace, then LL_INGEST_REPLACED.
 * label may be NULL (keeps the run's label). */
enum ll_status ll_store_put_report(struct ll_store *s, const char *run, const char *label,
                                   bool replace, const struct ll_run_report *r,
                                   const struct ll_input_meta *in,
                                   enum ll_ingest_outcome *outcome, struct ll_error *err);

/* One row of `runs`, with its report when it has one (report.source != LL_SOURCE_NONE). */
struct ll_run_info {
	int64_t run_id;
	char *name;
	char *label;          /* NULL when none */
	char *ingested_at;
	struct ll_run_report report;
};

void ll_run_info_release(struct ll_run_info *ri);

/* Loads run `name`. LL_INPUT "no run named ..." when absent. */
enum ll_status ll_store_get_run(struct ll_store *s, const char *name, struct ll_run_info *out,
                                struct ll_error *err);

/* All runs, ordered by name. *out is a malloc'd array of *n entries; free it with
 * ll_run_infos_free(). */
enum ll_status ll_store_list_runs(struct ll_store *s, struct ll_run_info **out, size_t *n,
                                  struct ll_error *err);
void ll_run_infos_free(struct ll_run_info *runs, size_t n);

/* Row counts of every table, for tests that prove a failed ingest changed nothing.
 * Writes "table=count;..." into a malloc'd string the caller frees. */
enum ll_status ll_store_fingerprint(struct ll_store *s, char **out, struct ll_error *err);

#endif
