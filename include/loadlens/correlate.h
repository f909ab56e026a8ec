/* correlate: which server event explains each client failure (DESIGN §5.3). Analysis layer:
 * pure functions over arrays that store.c fills; no I/O, no SQL, no printing, no clock.
 *
 * Steps:
 * 1. Exact join on request id where both sides carry one (each server event used once).
 * 2. Clock skew (server clock - client clock): the median offset of the id-matched pairs;
 *    without ids, the offset within +-max_skew that best lines failures up with compatible
 *    server events (a 1 ms histogram of pair offsets, smoothed over 5 ms, over at most
 *    about 5,000 failures chosen by a hash of their time and id); or given.
 * 3. Time-window join for the rest: a failure logged at client time t (when the response
 *    arrived) is explained by a compatible server event at server time s with
 *    s - (t + skew) in [-window, +tol]; nearest first, each event used once, ties broken
 *    by timestamps then event ids, so the result does not depend on input order.
 *    Compatible: the event's level is in the mask; its route (method + path) fits the
 *    operation where it names one; its status equals the failure's where both have one.
 * 4. Evidence test: a group of failures (operation + status or error class) is explained
 *    by time only if it finds partners clearly more often at the estimated skew than at
 *    shifted offsets (the background rate of unrelated server events). A group the server
 *    never logs (Engram writes nothing for Search, pattern completion or rejected requests,
 *    nothing for a client-side network error) thus stays unexplained instead of being
 *    matched to nearby decoys.
 * Complexity O((n + m) log(n + m) + candidate pairs).
 *
 * Ownership: inputs are borrowed for the call; the result refers to them by index. Free a
 * result with ll_corr_result_release() (empty and reusable after). Errors: LL_NOMEM only. */
#ifndef LOADLENS_CORRELATE_H
#define LOADLENS_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/error.h"

/* Levels in the order of tracing_line's enum ll_level (TRACE 1 ... ERROR 5). */
#define LL_CORR_LEVEL_BIT(level) (1u << (level))
#define LL_CORR_LEVELS_WARN_ERROR (LL_CORR_LEVEL_BIT(4) | LL_CORR_LEVEL_BIT(5))

struct ll_corr_failure {
	int64_t event_id;        /* client_events.event_id: the stable tie-breaker */
	int64_t ts_us;           /* client clock */
	const char *op;          /* "Store" */
	int status;              /* HTTP status, 0 when none */
	const char *error_class; /* "http", "network", "other" */
	const char *request_id;  /* NULL when none */
};

struct ll_corr_event {
	int64_t event_id;        /* server_events.event_id */
	int64_t ts_us;           /* server clock */
	int level;               /* 1 TRACE .. 5 ERROR */
	const char *method, *path; /* NULL when the event names no route */
	int status;              /* 0 when none */
	const char *request_id;  /* NULL when none */
	int64_t template_id;     /* 0 when none */
	const char *template_text; /* borrowed, for summaries; may be NULL */
};

enum ll_corr_method { LL_CORR_NONE, LL_CORR_ID, LL_CORR_TIME };
enum ll_skew_source { LL_SKEW_NONE, LL_SKEW_REQUEST_ID, LL_SKEW_SEARCH, LL_SKEW_GIVEN };

struct ll_corr_params {
	int64_t window_us;    /* how long before the response a server event may be; default 100 ms */
	int64_t tol_us;       /* how long after (clock jitter); default 20 ms */
	bool skew_given;
	int64_t skew_us;      /* used when skew_given */
	int64_t max_skew_us;  /* search range without ids; default 2 s */
	unsigned level_mask;  /* LL_CORR_LEVEL_BIT()s; default WARN and ERROR */
};

void ll_corr_params_default(struct ll_corr_params *p);

/* Why a failure has no server event. */
enum ll_unexplained {
	LL_UNEXPLAINED_NONE = 0,   /* it is explained */
	LL_UNEXPLAINED_NETWORK,    /* a network error (timeout or connection: the load tester hides which) */
	LL_UNEXPLAINED_NO_LOG,     /* an HTTP failure for which the server logged nothing */
	LL_UNEXPLAINED_ID_UNMATCHED, /* it carries a request id the server log does not have */
	LL_UNEXPLAINED_OTHER,
};
const char *ll_unexplained_name(enum ll_unexplained u); /* "network", "no_server_log", ... */

struct ll_corr_match {
	size_t failure;          /* index into the failures array */
	size_t event;            /* index into the events array; SIZE_MAX when none */
	enum ll_corr_method method;
	int64_t delta_us;        /* s - (t + skew) for matches */
	enum ll_unexplained why;
};

struct ll_corr_result {
	struct ll_corr_match *matches; /* one per failure, in the failures' order */
	size_t n_matches;
	int64_t skew_us;
	enum ll_skew_source skew_source;
	size_t skew_pairs;       /* id pairs (request_id) or matched pairs at the skew (search) */
	int64_t skew_spread_us;  /* interquartile range of the pairs' offsets */
	size_t by_id, by_time, unexplained;
};

enum ll_status ll_correlate(const struct ll_corr_failure *failures, size_t n_failures,
                            const struct ll_corr_event *events, size_t n_events,
                            const struct ll_corr_params *p, struct ll_corr_result *out,
                            struct ll_error *err);
void ll_corr_result_release(struct ll_corr_result *r);

/* ---- summary per operation and status (or error class) ---- */

struct ll_corr_template_count {
	int64_t template_id;
	const char *text;        /* borrowed from the events */
	size_t count;
};

struct ll_corr_group {
	const char *op;          /* borrowed from the failures */
	int status;              /* 0 when the group is an error class without status */
	const char *error_class;
	size_t failures, by_id, by_time, unexplained;
	struct ll_corr_template_count *templates; /* most first, then by id */
	size_t n_templates;
};

struct ll_corr_summary {
	struct ll_corr_group *groups; /* by op, then status, then class */
	size_t n_groups;
};

enum ll_status ll_corr_summarize(const struct ll_corr_failure *failures,
                                 const struct ll_corr_event *events,
                                 const struct ll_corr_result *r, struct ll_corr_summary *out,
                                 struct ll_error *err);
void ll_corr_summary_release(struct ll_corr_summary *s);

/* The route of an operation (DESIGN §2.4): "POST", "/api/v1/memories"; false when unknown. */
bool ll_corr_op_route(const char *op, const char **method, const char **path);

#endif
