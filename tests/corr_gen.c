/* corr_gen: see corr_gen.h. */
#include "corr_gen.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next(uint64_t *s) /* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
	return (double)(next(s) >> 11) / 9007199254740992.0;
}

static const char *const ops[4] = { "Store", "Recall", "Search", "PatternCompletion" };
static const double mix[4] = { 0.50, 0.40, 0.05, 0.05 };

/* Per op: failure probability, and the failure kinds (status, class, logged by server). */
struct kind {
	int status;
	const char *cls;
	bool logged;
	int level;
	int64_t template_id;
	const char *text;
};
static const struct kind kinds[4][2] = {
	{ { 500, "http", true, 5, 1, "Failed to store memory: <*>" }, { 0, "network", false, 0, 0, NULL } },
	{ { 400, "http", true, 4, 2, "Embedding must be exactly <N> dimensions, got <N>" }, { 0, "network", false, 0, 0, NULL } },
	{ { 500, "http", false, 0, 0, NULL }, { 0, "network", false, 0, 0, NULL } },
	{ { 422, "http", false, 0, 0, NULL }, { 422, "http", false, 0, 0, NULL } },
};
static const double fail_prob[4] = { 0.20, 0.20, 0.20, 1.0 };

struct vec {
	void *v;
	size_t n, cap, size;
};

static void *push(struct vec *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->v = realloc(v->v, v->cap * v->size);
		cr_assert(v->v);
	}
	return (char *)v->v + v->size * v->n++;
}

void corr_gen_make(const struct corr_gen_params *p, struct corr_gen *g)
{
	memset(g, 0, sizeof *g);
	uint64_t s = p->seed;
	struct vec fv = { .size = sizeof(struct ll_corr_failure) };
	struct vec ev = { .size = sizeof(struct ll_corr_event) };
	struct vec tv = { .size = sizeof(size_t) };
	size_t n_ops = (size_t)(p->duration_s * p->rate);
	size_t strings_cap = (n_ops + 1024) * 16;
	g->strings = malloc(strings_cap);
	size_t str_used = 0;
	int64_t t0 = 1762671198000000; /* 2025-11-09T06:53:18Z */
	int64_t gap = (int64_t)(1e6 / p->rate);
	int64_t eid = 1, fid = 1;
	int burst_left = 0, burst_op = 0, burst_kind = 0;
	int64_t now = t0;   /* client clock: when the next request may be sent */
	int64_t drift = 0;  /* slow clock jitter between the hosts, a bounded random walk */
	for (size_t i = 0; i < n_ops; i++) {
		/* Engram's load tester awaits each operation before the next (main.rs), so
		 * requests never overlap: the next is sent on schedule or when the last returned. */
		int64_t sched = t0 + (int64_t)i * gap;
		int64_t send = sched > now ? sched : now;
		int op = 0;
		double u = unif(&s), acc = 0;
		for (op = 0; op < 3; op++) {
			acc += mix[op];
			if (u < acc)
				break;
		}
		bool fails = unif(&s) < fail_prob[op];
		int k = unif(&s) < 0.5 ? 0 : 1;
		bool fast = false;
		if (burst_left > 0) {
			op = burst_op;
			k = burst_kind;
			fails = true;
			fast = true;
			burst_left--;
		} else if (fails && unif(&s) < p->burst_prob) {
			burst_left = 4; /* this one and 4 more, each ~150 us: 5 within 1 ms */
			burst_op = op;
			burst_kind = k;
			fast = true;
		}
		int64_t net1 = fast ? 20 + (int64_t)(unif(&s) * 30) : 100 + (int64_t)(unif(&s) * 300);
		int64_t proc = fast ? 40 + (int64_t)(unif(&s) * 40) : 200 + (int64_t)(unif(&s) * 2800);
		int64_t net2 = fast ? 20 + (int64_t)(unif(&s) * 30) : 100 + (int64_t)(unif(&s) * 300);
		int64_t arrive = send + net1 + proc + net2;
		/* the server logs the failure as it builds the error response, just before it
		 * answers; tracing stamps the line at once (0-30 us) */
		int64_t log_at = arrive - net2 - (int64_t)(unif(&s) * (double)(proc < 300 ? proc : 300));
		now = arrive + (fast ? 0 : 20);
		if (!burst_left && !fast)
			drift += (int64_t)(unif(&s) * 41) - 20;
		if (drift > 300)
			drift = 300;
		if (drift < -300)
			drift = -300;
		for (double x = p->info_per_op; x > 0; x -= 1) {
			if (x < 1 && unif(&s) >= x)
				break;
			struct ll_corr_event *e = push(&ev);
			*e = (struct ll_corr_event){ eid++, send + net1 + p->skew_us + drift, 3, NULL, NULL,
				                     0, NULL, 9, "Processing request" };
		}
		if (!fails)
			continue;
		const struct kind *kd = &kinds[op][k];
		struct ll_corr_failure *f = push(&fv);
		char *rid = NULL;
		if (p->with_ids) {
			rid = g->strings + str_used;
			str_used += (size_t)snprintf(rid, 16, "req-%zu", i) + 1;
		}
		*f = (struct ll_corr_failure){ fid++, arrive + (int64_t)(unif(&s) * 100), ops[op],
			                       kd->status, kd->cls, rid };
		size_t *t = push(&tv);
		*t = SIZE_MAX;
		if (kd->logged) {
			struct ll_corr_event *e = push(&ev);
			*e = (struct ll_corr_event){ eid++, log_at + p->skew_us + drift + (int64_t)(unif(&s) * 30),
				                     kd->level, NULL, NULL, 0, rid, kd->template_id, kd->text };
			*t = ev.n - 1;
			g->n_with_event++;
		} else {
			g->unlogged_by_op[op]++;
		}
	}
	/* decoys: uniform in time; half carry the text of a real failure */
	size_t n_decoys = (size_t)(p->decoys_per_s * p->duration_s);
	for (size_t i = 0; i < n_decoys; i++) {
		int64_t at = t0 + p->skew_us + (int64_t)(unif(&s) * p->duration_s * 1e6);
		bool same = unif(&s) < 0.5;
		struct ll_corr_event *e = push(&ev);
		*e = (struct ll_corr_event){ eid++, at, same ? 5 : 4, NULL, NULL, 0, NULL, same ? 1 : 7,
			                     same ? "Failed to store memory: <*>" : "HNSW update queue full" };
	}
	/* the log is in time order, as a server writes it; truth follows the events */
	g->failures = fv.v;
	g->n_failures = fv.n;
	g->events = ev.v;
	g->n_events = ev.n;
	g->truth = tv.v;
}

void corr_gen_free(struct corr_gen *g)
{
	free(g->failures);
	free(g->events);
	free(g->truth);
	free(g->strings);
	memset(g, 0, sizeof *g);
}

void corr_gen_score(const struct corr_gen *g, const struct ll_corr_result *r, double *precision,
                    double *recall)
{
	size_t matched = 0, correct = 0;
	for (size_t i = 0; i < r->n_matches; i++) {
		const struct ll_corr_match *m = &r->matches[i];
		if (m->method == LL_CORR_NONE)
			continue;
		matched++;
		correct += m->event == g->truth[m->failure];
	}
	*precision = matched ? (double)correct / (double)matched : 1.0;
	*recall = g->n_with_event ? (double)correct / (double)g->n_with_event : 1.0;
}
