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

#include "loadlens/correlate.h"
#include "loadlens/error.h"
#include "loadlens/postmortem.h"
#include "loadlens/report.h"

#define LL_STORE_SCHEMA_VERSION 3

struct ll_store;

enum ll_store_mode { LL_STORE_READ_WRITE, LL_STORE_READ_ONLY };

/* Opens (read-write: creating and migrating) the database at path. A read-only open of a
 * missing file is an LL_IO error that says to ingest first; of an older schema version it
 * migrates the file first (which needs write access) and then opens it read-only. */
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

/* ---- log ingestion: one file, one transaction ----
 *
 * ll_store_ingest_begin() opens the transaction, creates the run when absent and records
 * the input; rows are then added one by one (buffered and written in multi-row INSERTs),
 * and ll_store_ingest_commit() or ll_store_ingest_abort() ends it and frees the session.
 * Any error leaves the database as it was once the session is aborted. The row structs
 * borrow their strings for the duration of the call only. */
struct ll_store_ingest;

/* When the same content (sha256) is already in the run, *out is NULL and *outcome is
 * LL_INGEST_ALREADY: nothing to do. */
enum ll_status ll_store_ingest_begin(struct ll_store *s, const char *run, const char *label,
                                     const struct ll_input_meta *in, struct ll_store_ingest **out,
                                     enum ll_ingest_outcome *outcome, struct ll_error *err);

/* A server log event (server_events). Text may hold NUL bytes where a length is given. */
struct ll_server_row {
	long line_no;            /* where the event starts */
	int64_t ts_us;
	const char *level;       /* "WARN" */
	const char *target;
	const char *spans;       /* NULL when none */
	const char *message;
	size_t message_len;
	const char *fields_json; /* NULL when none */
	const char *method, *path; /* NULL when none */
	int status;              /* 0 when none */
	const char *request_id;  /* NULL when none */
	const char *template_text; /* the masked message; NULL for none */
};

/* A load tester line (client_events); op and error_class set exactly on failures. */
struct ll_client_row {
	long line_no;
	bool has_ts;
	int64_t ts_us;
	const char *level;
	const char *op;            /* NULL unless a failure */
	int status;                /* HTTP status, 0 when none */
	const char *reason;        /* "Internal Server Error" */
	const char *error_class;   /* "http", "network", "other"; NULL unless a failure */
	const char *error_code;    /* Engram's error.code from the body */
	const char *error_message; /* Engram's error.message from the body */
	const char *message;       /* the event's message ("Operation failed") */
	const char *body;          /* the response body as logged */
	const char *request_id;
	const char *template_text; /* masked error text, NULL for none */
};

enum ll_status ll_store_ingest_server(struct ll_store_ingest *g, const struct ll_server_row *r,
                                      struct ll_error *err);
enum ll_status ll_store_ingest_client(struct ll_store_ingest *g, const struct ll_client_row *r,
                                      struct ll_error *err);
/* A line that is no event: kind "unstamped" or "unparsed". Only the first
 * LL_STORE_MAX_STRAY of a file are kept; all are counted in inputs.skipped by the caller. */
#define LL_STORE_MAX_STRAY 1000
enum ll_status ll_store_ingest_stray(struct ll_store_ingest *g, long line_no, const char *kind,
                                     const char *reason, const char *text, size_t len,
                                     struct ll_error *err);

/* The load tester's header lines, stored with the run; absent values are NULL / false. */
struct ll_run_header {
	const char *config_name;
	bool has_seed;
	int64_t seed;
	bool has_target_rate;
	double target_rate;
	bool has_duration;
	double configured_duration_s;
	const char *endpoint;
};
enum ll_status ll_store_ingest_header(struct ll_store_ingest *g, const struct ll_run_header *h,
                                      struct ll_error *err);

/* The report of the run being ingested into, if it has one from JSON (for the
 * cross-check of a text summary): *has is false otherwise. *out is filled when *has. */
enum ll_status ll_store_ingest_json_report(struct ll_store_ingest *g, bool *has,
                                           struct ll_run_report *out, struct ll_error *err);
/* Stores r (read from a text summary) as the run's report when it has none from JSON. */
enum ll_status ll_store_ingest_summary(struct ll_store_ingest *g, const struct ll_run_report *r,
                                       struct ll_error *err);
/* One disagreement between the text summary and the JSON report (report_checks). */
enum ll_status ll_store_ingest_mismatch(struct ll_store_ingest *g, const char *field,
                                        double report_value, double summary_value,
                                        struct ll_error *err);

/* Records the content's real sha256 and size once the whole file was read (the input was
 * begun under a placeholder). *dup is true when the run already has this content: the
 * caller then aborts the session (nothing changes). */
enum ll_status ll_store_ingest_finish_input(struct ll_store_ingest *g, const char *sha256,
                                            int64_t bytes, bool *dup, struct ll_error *err);

/* Ends the session: counts go to the inputs row, then COMMIT. Frees g either way. */
enum ll_status ll_store_ingest_commit(struct ll_store_ingest *g, int64_t lines, int64_t events,
                                      int64_t skipped, struct ll_error *err);
/* Rolls back and frees g (NULL-safe). */
void ll_store_ingest_abort(struct ll_store_ingest *g);

/* ---- correlation ---- */

/* What the correlator needs of one run: its failures (client_events with op set) and its
 * server events at the levels in level_mask (LL_CORR_LEVEL_BIT of 1 TRACE .. 5 ERROR).
 * Owns every string the arrays point to; release with ll_corr_data_release(). */
struct ll_corr_data {
	int64_t run_id;
	struct ll_corr_failure *failures;
	size_t n_failures;
	struct ll_corr_event *events;
	size_t n_events;
	char **owned;                /* private: the strings the arrays point to */
	size_t n_owned, cap_owned;
};

enum ll_status ll_store_load_corr_data(struct ll_store *s, const char *run, unsigned level_mask,
                                       struct ll_corr_data *out, struct ll_error *err);
void ll_corr_data_release(struct ll_corr_data *d);

/* Replaces the run's rows in `correlations` with r, in one transaction. */
enum ll_status ll_store_save_correlations(struct ll_store *s, const struct ll_corr_data *d,
                                          const struct ll_corr_result *r, struct ll_error *err);

/* One failure with what explains it, for `loadlens failures` and the report. */
struct ll_failure_row {
	int64_t client_event_id;
	char *client_path;       /* the load tester log it came from */
	long client_line;
	int64_t client_ts_us;
	char *op, *error_class, *reason, *error_code, *error_message, *body;
	int status;
	char *method;            /* "request_id", "time" or NULL (unexplained) */
	char *server_path;       /* NULL when unexplained */
	long server_line;
	char *server_level, *server_target, *server_message;
	int64_t delta_us;
	bool correlated;         /* false until `loadlens correlate` ran for the run */
};

struct ll_failure_filter {
	const char *op;          /* NULL: every operation */
	bool unexplained_only;
	size_t limit;            /* 0: all */
};

/* Failures of the run in time order, joined to `correlations` (run `correlate` first for
 * the server side). *rows is malloc'd; free with ll_failure_rows_free(). */
enum ll_status ll_store_list_failures(struct ll_store *s, const char *run,
                                      const struct ll_failure_filter *f,
                                      struct ll_failure_row **rows, size_t *n,
                                      struct ll_error *err);
void ll_failure_rows_free(struct ll_failure_row *rows, size_t n);

/* ---- ad-hoc queries ---- */

/* A result table: column names and rows of text values (NULL for SQL NULL). */
struct ll_table {
	char **cols;
	size_t n_cols;
	char **cells;      /* n_rows * n_cols, row-major */
	size_t n_rows;
	bool *is_number;   /* per cell: the value was an INTEGER or REAL (for JSON output) */
};
void ll_table_release(struct ll_table *t);

/* Runs one SQL statement on a read-only connection (the store must have been opened with
 * LL_STORE_READ_ONLY; SQLite's defensive mode is on and extension loading off) with
 * parameter ?1 / :run bound to run (NULL binds NULL). More than one statement, or one that
 * writes, is an LL_INPUT error. */
enum ll_status ll_store_query(struct ll_store *s, const char *sql, const char *run,
                              struct ll_table *out, struct ll_error *err);

/* Row counts of every table, for tests that prove a failed ingest changed nothing.
 * Writes "table=count;..." into a malloc'd string the caller frees. */
enum ll_status ll_store_fingerprint(struct ll_store *s, char **out, struct ll_error *err);

/* ---- the post-mortem (loadlens report) ----
 *
 * What `loadlens report` needs of one run besides its report and correlation, as the
 * input structs of postmortem.h: the load tester's header, the inputs with their sha256,
 * the client log's time span, the failures grouped per operation / status / error class /
 * message template (count and the first failure's message as the example), the errors per
 * second per operation and class, the server events per level, the top max_templates
 * WARN/ERROR templates (count, first message, its line), and up to max_panics ERROR events
 * whose message mentions a panic (with the `location` field). Examples and messages are cut
 * to LL_REPORT_EXAMPLE_CHARS characters. Owns every string the arrays point to; release
 * with ll_report_data_release() (then empty and reusable). LL_INPUT for an unknown run. */
#define LL_REPORT_EXAMPLE_CHARS 300
struct ll_report_data {
	int64_t run_id;
	struct ll_pm_header header;
	struct ll_pm_input_file *inputs;
	size_t n_inputs;
	bool has_client_log, has_server_log;
	bool has_client_span;
	int64_t client_first_ts_us, client_last_ts_us;
	struct ll_pm_failure_group *groups;
	size_t n_groups;
	struct ll_pm_error_second *seconds;
	size_t n_seconds;
	struct ll_pm_level_count *levels;        /* TRACE .. ERROR, then any other */
	size_t n_levels;
	struct ll_pm_server_template *server_templates; /* most first */
	size_t n_server_templates;
	struct ll_pm_panic *panics;              /* in log order */
	size_t n_panics;
	char **owned;                            /* private: the strings the arrays point to */
	size_t n_owned, cap_owned;
};

enum ll_status ll_store_load_report_data(struct ll_store *s, const char *run, size_t max_templates,
                                         size_t max_panics, struct ll_report_data *out,
                                         struct ll_error *err);
void ll_report_data_release(struct ll_report_data *d);

/* The stored result of `loadlens correlate` for d's run, as a struct ll_corr_result over d's
 * arrays (load d with every level in the mask, so each stored server event is found).
 * *found is false when the run has no stored correlations (*out then marks every failure
 * unexplained). Skew fields are unknown (0, LL_SKEW_NONE): the table does not keep them.
 * LL_DB when a stored row names a server event that d lacks. */
enum ll_status ll_store_load_correlations(struct ll_store *s, const struct ll_corr_data *d,
                                          bool *found, struct ll_corr_result *out,
                                          struct ll_error *err);

#endif
