/* postmortem: the post-mortem of one run (`loadlens report`), built once as a
 * format-neutral view that the text, Markdown and HTML renderers only format. Analysis
 * layer: a pure function over the structs below (which store.c fills) and the results of
 * check and correlate; no SQL, no I/O, no printing, no clock, no environment.
 *
 * What it computes (issue 5, sections 1-8): the verdict with every check finding; the
 * summary against the run header's target rate; per operation the failures by status or
 * error class, their message templates with one verbatim example, and what the server
 * logged for them (from the correlation summary) or that it logged nothing; common
 * patterns (similar error rates, bursts or an even spread, hidden network causes, 100%
 * failures, the histogram ceiling); the timeline of errors per time bucket per operation;
 * the server log per level, its top WARN/ERROR templates and its panics; next steps that
 * each cite their evidence; and the provenance (inputs with sha256, version, thresholds).
 *
 * Burstiness (tag: burst-measure): the index of dispersion D = variance / mean of the
 * errors per bucket over every bucket of the run (empty buckets included). Errors that
 * arrive independently and evenly (a Poisson stream) give D ~ 1, a fixed share of evenly
 * sent operations gives D <= 1, and errors packed into a few bursts give D >> 1. A series
 * is called bursty when D >= LL_PM_BURSTY_DISPERSION and it has at least
 * LL_PM_BURST_MIN_ERRORS errors.
 *
 * Ownership: ll_postmortem_build() fills an empty struct ll_postmortem; it borrows the
 * input's strings and arrays (they must outlive the view) and owns the sentences, arrays
 * and counts it made; ll_postmortem_release() frees those (then empty and reusable).
 * Errors: LL_NOMEM only. */
#ifndef LOADLENS_POSTMORTEM_H
#define LOADLENS_POSTMORTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/check.h"
#include "loadlens/correlate.h"
#include "loadlens/error.h"
#include "loadlens/report.h"

#define LL_PM_BURSTY_DISPERSION 3.0
#define LL_PM_BURST_MIN_ERRORS 10
/* The timeline has at most this many buckets: longer runs get wider buckets. */
#define LL_PM_MAX_BUCKETS 120
/* Per operation and status, at most this many message templates are kept. */
#define LL_PM_MAX_MESSAGES 3

/* ---- inputs (store.c fills them; every string may be NULL where said) ---- */

/* The load tester's header lines (DESIGN §2.2); has_* false when the line was absent. */
struct ll_pm_header {
	const char *config_name;
	bool has_seed;
	int64_t seed;
	bool has_target_rate;
	double target_rate;         /* ops/s */
	bool has_duration;
	double configured_duration_s;
	const char *endpoint;
};

/* One ingested file (inputs row). lines/events/skipped are -1 when not counted (reports). */
struct ll_pm_input_file {
	const char *path, *kind, *sha256;
	int64_t bytes, lines, events, skipped;
};

/* Failures of one operation with one status (or error class) and one message template. */
struct ll_pm_failure_group {
	const char *op;
	int status;                 /* 0 when none (network, other) */
	const char *reason;         /* "Internal Server Error"; NULL when none */
	const char *error_class;    /* "http", "network", "other" */
	const char *error_code;     /* Engram's error.code; NULL when none */
	const char *template_text;  /* the masked error message; NULL when none */
	const char *example;        /* one verbatim error message of the group */
	int64_t count;
};

/* Errors of one operation and error class in one second of the client clock. */
struct ll_pm_error_second {
	const char *op;
	const char *error_class;
	int64_t sec;                /* floor(ts_us / 1e6) */
	int64_t count;
};

/* Server events of one level. */
struct ll_pm_level_count {
	const char *level;          /* "INFO" */
	int64_t count;
};

/* A WARN/ERROR template of the server log with its count and the first event's message. */
struct ll_pm_server_template {
	const char *level;
	const char *target;
	const char *text;           /* the template */
	const char *example;        /* the first event's message, verbatim */
	int64_t count;
	long first_line;
};

/* A server panic: the event, its message and the `location=` field (NULL when none). */
struct ll_pm_panic {
	const char *path;
	long line;
	int64_t ts_us;
	const char *target, *message, *location;
};

/* How the correlation summary was obtained. */
enum ll_pm_corr_source {
	LL_PM_CORR_NONE,       /* no failures, or no log: nothing to correlate */
	LL_PM_CORR_STORED,     /* from the correlations table (`loadlens correlate` ran) */
	LL_PM_CORR_COMPUTED,   /* computed for this report with the default parameters */
};

struct ll_pm_input {
	const char *run;
	const char *version;                  /* loadlens version */
	const struct ll_run_report *report;   /* required */
	const struct ll_check_params *check_params;
	const struct ll_check_result *check;
	struct ll_pm_header header;
	const struct ll_pm_input_file *inputs;
	size_t n_inputs;
	bool has_client_log, has_server_log;
	bool has_client_span;                 /* the client log's first and last timestamps */
	int64_t client_first_ts_us, client_last_ts_us;
	const struct ll_pm_failure_group *groups;   /* any order */
	size_t n_groups;
	const struct ll_pm_error_second *seconds;   /* any order */
	size_t n_seconds;
	const struct ll_pm_level_count *levels;
	size_t n_levels;
	const struct ll_pm_server_template *server_templates; /* most first */
	size_t n_server_templates;
	const struct ll_pm_panic *panics;
	size_t n_panics;
	enum ll_pm_corr_source corr_source;
	const struct ll_corr_summary *corr;   /* NULL with LL_PM_CORR_NONE */
	const struct ll_corr_result *corr_result; /* skew; NULL when stored */
};

/* ---- the view ---- */

/* One message template of a cause, with one verbatim example. */
struct ll_pm_message {
	const char *template_text, *example;  /* borrowed */
	int64_t count;
};

/* Failures of one operation with one status or error class ("Bug #N" of the context
 * report, one level down). */
struct ll_pm_cause {
	int status;                 /* 0: error_class names it */
	const char *reason, *error_class, *error_code; /* borrowed; may be NULL */
	char *label;                /* "500 Internal Server Error", "network error" */
	int64_t count;
	double share_pct;           /* of the operation's failures */
	bool correlated;            /* a correlation group exists for it */
	int64_t explained, unexplained;
	const struct ll_corr_template_count *server; /* what the server logged; borrowed */
	size_t n_server;
	char *server_note;          /* "the server logged nothing for these 641 failures"; or NULL */
	struct ll_pm_message messages[LL_PM_MAX_MESSAGES];
	size_t n_messages;
	int64_t other_messages;     /* failures under templates beyond the kept ones */
};

struct ll_pm_op {
	const char *op;             /* borrowed from the report */
	int64_t count, errors;
	double error_rate_pct;
	bool all_failed;
	int64_t p50_us, p95_us, p99_us;
	bool latency_unknown;       /* count > 0 and every percentile 0 (tag: histogram-ceiling) */
	bool at_ceiling;            /* p99 at or above LL_HIST_NEAR_CEILING_US */
	bool has_failure_detail;    /* the load tester log had failures of this op */
	int64_t logged_failures;    /* failures in the load tester log */
	int64_t explained, unexplained; /* from the correlation; 0 without one */
	struct ll_pm_cause *causes; /* most failures first */
	size_t n_causes;
};

enum ll_pm_pattern_kind {
	LL_PM_PATTERN_SHARED_RATE,   /* several operations fail at similar rates */
	LL_PM_PATTERN_TIMING,        /* bursts or an even spread */
	LL_PM_PATTERN_NETWORK,       /* network errors whose cause is hidden */
	LL_PM_PATTERN_ALL_FAILED,    /* an operation failing 100% */
	LL_PM_PATTERN_CEILING,       /* latency at or over the histogram ceiling, or unknown */
	LL_PM_PATTERN_SERVER_SILENT, /* HTTP failures the server logged nothing for */
};

struct ll_pm_pattern {
	enum ll_pm_pattern_kind kind;
	char *text;                  /* one sentence with its numbers */
};

/* Errors per bucket of one operation over the whole run. */
struct ll_pm_series {
	const char *op;              /* borrowed */
	int64_t *counts;             /* n_buckets entries */
	int64_t total, peak;
	double dispersion;           /* tag: burst-measure; 0 when total is 0 */
	bool bursty;
};

/* The burstiness of one error class over all operations. */
struct ll_pm_burst {
	const char *error_class;     /* borrowed */
	int64_t total, peak;
	int64_t peak_bucket;         /* index of the busiest bucket */
	double dispersion;
	bool bursty;
	size_t busy_buckets;         /* buckets holding at least one error of the class */
};

struct ll_pm_timeline {
	bool present;                /* false without timestamps in a load tester log */
	int64_t start_ts_us;         /* start of bucket 0 (a whole second) */
	int64_t bucket_s;            /* seconds per bucket */
	size_t n_buckets;
	int64_t peak;                /* largest count of any series in any bucket */
	struct ll_pm_series *series; /* one per operation with failures, by name */
	size_t n_series;
	struct ll_pm_burst *bursts;  /* one per error class, by name */
	size_t n_bursts;
	char *measure;               /* the burstiness measure, explained in one sentence */
};

struct ll_pm_step {
	char *action;                /* what to do */
	char *evidence;              /* the numbers and log text it rests on */
};

struct ll_postmortem {
	const char *run, *version;
	const struct ll_check_result *check;     /* borrowed: verdict and findings */
	const struct ll_check_params *check_params;
	const struct ll_run_report *report;      /* borrowed */
	struct ll_pm_header header;              /* copied; strings borrowed */
	double throughput_of_target_pct;         /* NaN without a target rate */
	int64_t total_failures_logged;           /* failures in the load tester log */
	bool has_client_log, has_server_log;
	struct ll_pm_op *ops;                    /* by name */
	size_t n_ops;
	int64_t explained, unexplained;          /* over all operations */
	enum ll_pm_corr_source corr_source;
	const struct ll_corr_result *corr_result; /* NULL when stored */
	struct ll_pm_pattern *patterns;
	size_t n_patterns;
	struct ll_pm_timeline timeline;
	const struct ll_pm_level_count *levels;  /* borrowed, in the order given */
	size_t n_levels;
	int64_t server_events;                   /* sum over the levels */
	const struct ll_pm_server_template *server_templates; /* borrowed */
	size_t n_server_templates;
	const struct ll_pm_panic *panics;        /* borrowed */
	size_t n_panics;
	struct ll_pm_step *steps;                /* empty for a clean run */
	size_t n_steps;
	const struct ll_pm_input_file *inputs;   /* borrowed */
	size_t n_inputs;
};

#define LL_POSTMORTEM_INIT { 0 }

enum ll_status ll_postmortem_build(const struct ll_pm_input *in, struct ll_postmortem *out,
                                   struct ll_error *err);
void ll_postmortem_release(struct ll_postmortem *pm);

const char *ll_pm_corr_source_name(enum ll_pm_corr_source s); /* "none", "stored", "computed" */

#endif
