/* corr_gen: synthetic runs with ground truth for the correlator (issue 4). Test code.
 *
 * A sequential load tester sends operations at `rate` ops/s for `duration_s`; each failure
 * is logged by the client when its response arrives. Failure groups either have a server
 * event (logged while the request is processed, on a server clock `skew_us` ahead, plus
 * jitter) or none (network errors, groups the server never logs). Decoy WARN/ERROR events
 * unrelated to any request arrive at `decoys_per_s`, some with the text of real failures;
 * INFO events fill the log. Optional bursts put several same-op failures within 1 ms.
 * truth[i] is the index of failure i's server event, or SIZE_MAX. Deterministic in seed. */
#ifndef LOADLENS_TEST_CORR_GEN_H
#define LOADLENS_TEST_CORR_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/correlate.h"

struct corr_gen_params {
	uint64_t seed;
	double duration_s;
	double rate;           /* operations per second */
	int64_t skew_us;       /* server clock - client clock */
	bool with_ids;
	double decoys_per_s;
	double info_per_op;    /* INFO events per operation (not eligible) */
	double burst_prob;     /* chance that a failure starts a burst of 5 within 1 ms */
};

struct corr_gen {
	struct ll_corr_failure *failures;
	size_t n_failures;
	struct ll_corr_event *events;
	size_t n_events;
	size_t *truth;
	size_t n_with_event;   /* failures that have a true server event */
	size_t unlogged_by_op[4]; /* Store, Recall, Search, PatternCompletion failures with none */
	char *strings;         /* storage of ids */
};

void corr_gen_make(const struct corr_gen_params *p, struct corr_gen *g);
void corr_gen_free(struct corr_gen *g);

/* Precision and recall of a result against the truth. */
void corr_gen_score(const struct corr_gen *g, const struct ll_corr_result *r, double *precision,
                    double *recall);

#endif
