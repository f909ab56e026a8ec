/* correlate: see include/loadlens/correlate.h. */
#include "loadlens/correlate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "loadlens/banned.h"

#define NO_EVENT SIZE_MAX

void ll_corr_params_default(struct ll_corr_params *p)
{
	/* Engram answers in about a millisecond and logs just before it answers; 50 ms covers
	 * that and clock jitter while keeping unrelated events out. */
	p->window_us = 50000;
	p->tol_us = 10000;
	p->skew_given = false;
	p->skew_us = 0;
	p->max_skew_us = 2000000;
	p->level_mask = LL_CORR_LEVELS_WARN_ERROR;
}

const char *ll_unexplained_name(enum ll_unexplained u)
{
	switch (u) {
	case LL_UNEXPLAINED_NONE: return "explained";
	case LL_UNEXPLAINED_NETWORK: return "network";
	case LL_UNEXPLAINED_NO_LOG: return "no_server_log";
	case LL_UNEXPLAINED_ID_UNMATCHED: return "request_id_not_in_server_log";
	case LL_UNEXPLAINED_OTHER: return "other";
	}
	return "other";
}

static const struct {
	const char *op, *method, *path;
} routes[] = {
	{ "Store", "POST", "/api/v1/memories" },
	{ "Recall", "GET", "/api/v1/memories/recall" },
	{ "Search", "GET", "/api/v1/memories/search" },
	{ "PatternCompletion", "POST", "/api/v1/complete" },
};

bool ll_corr_op_route(const char *op, const char **method, const char **path)
{
	for (size_t i = 0; op && i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(routes[i].op, op) == 0) {
			*method = routes[i].method;
			*path = routes[i].path;
			return true;
		}
	return false;
}

struct ctx {
	const struct ll_corr_failure *f;
	size_t nf;
	const struct ll_corr_event *e;
	size_t ne;
	const struct ll_corr_params *p;
	size_t *ev_order;     /* eligible events sorted by (ts, event_id) */
	size_t n_ev;
	int64_t *ev_ts;       /* ts of ev_order[i], for binary search */
	const char **f_method, **f_path; /* each failure's route, or NULL */
	bool *ev_used;        /* by event index */
	/* by position in ev_order, set once the id join is done: the event is free and names
	 * no method, path or status, so it may pair with any failure. The time scans (about
	 * 1,700 events per failure over +-2 s) test this byte in order instead of reaching
	 * into the event array at random. */
	unsigned char *ev_any;
	/* any_before[k]: how many of positions [0, k) are ev_any, and the positions that are
	 * not, in order; so counting a window's candidates costs two binary searches plus the
	 * few events that name a route or status, instead of a scan (the evidence test counts
	 * nine windows per failure). */
	size_t *any_before;
	size_t *not_any;
	size_t n_not_any;
	bool server_has_ids;
};

static bool compatible(const struct ctx *c, size_t fi, size_t ei)
{
	const struct ll_corr_event *e = &c->e[ei];
	if (e->method && c->f_method[fi] && strcasecmp(e->method, c->f_method[fi]) != 0)
		return false;
	if (e->path && c->f_path[fi] && strcmp(e->path, c->f_path[fi]) != 0)
		return false;
	if (e->status && c->f[fi].status && e->status != c->f[fi].status)
		return false;
	return true;
}

/* First position in ev_order whose ts >= ts. */
static size_t lower_bound(const struct ctx *c, int64_t ts)
{
	size_t lo = 0, hi = c->n_ev;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->ev_ts[mid] < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Sort keys carry what the comparison needs (qsort has no context argument, and no
 * global state is kept): order by time, then by the stable database id. */
struct tkey {
	int64_t ts, id;
	size_t idx;
};

static int cmp_tkey(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* A candidate pairing, ordered for the greedy nearest-first assignment. */
struct pair {
	int64_t abs_delta;
	int64_t delta;
	size_t fi, ei;
	int64_t f_ts, f_id, e_ts, e_id;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->abs_delta != y->abs_delta)
		return x->abs_delta < y->abs_delta ? -1 : 1;
	if (x->f_ts != y->f_ts)
		return x->f_ts < y->f_ts ? -1 : 1;
	if (x->f_id != y->f_id)
		return x->f_id < y->f_id ? -1 : 1;
	if (x->e_ts != y->e_ts)
		return x->e_ts < y->e_ts ? -1 : 1;
	return (x->e_id > y->e_id) - (x->e_id < y->e_id);
}

struct pairs {
	struct pair *v;
	size_t n, cap;
};

static bool pairs_push(struct pairs *ps, struct pair p)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 1024;
		struct pair *v = realloc(ps->v, cap * sizeof *v);
		if (!v)
			return false;
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = p;
	return true;
}

/* ---- request-id join ---- */

struct id_entry {
	const char *id;
	struct tkey k;
};

static int cmp_id_entry(const void *a, const void *b)
{
	const struct id_entry *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : cmp_tkey(&x->k, &y->k);
}

static enum ll_status join_ids(struct ctx *c, struct ll_corr_result *r, const size_t *f_order,
                               int64_t **offsets, size_t *n_off, struct ll_error *err)
{
	struct id_entry *ids = malloc((c->n_ev ? c->n_ev : 1) * sizeof *ids);
	*offsets = malloc((c->nf ? c->nf : 1) * sizeof **offsets);
	if (!ids || !*offsets) {
		free(ids);
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	}
	size_t n = 0;
	for (size_t k = 0; k < c->n_ev; k++) {
		size_t ei = c->ev_order[k];
		if (c->e[ei].request_id && c->e[ei].request_id[0])
			ids[n++] = (struct id_entry){ c->e[ei].request_id,
				                      { c->e[ei].ts_us, c->e[ei].event_id, ei } };
	}
	c->server_has_ids = n > 0;
	qsort(ids, n, sizeof *ids, cmp_id_entry);
	*n_off = 0;
	for (size_t k = 0; k < c->nf; k++) {
		size_t fi = f_order[k];
		const char *rid = c->f[fi].request_id;
		if (!rid || !rid[0] || n == 0)
			continue;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(ids[mid].id, rid) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t best = NO_EVENT;
		int64_t best_abs = INT64_MAX;
		for (size_t j = lo; j < n && strcmp(ids[j].id, rid) == 0; j++) {
			size_t ei = ids[j].k.idx;
			if (c->ev_used[ei] || !compatible(c, fi, ei))
				continue;
			int64_t d = c->e[ei].ts_us - c->f[fi].ts_us;
			int64_t ad = d < 0 ? -d : d;
			if (ad < best_abs) {
				best_abs = ad;
				best = ei;
			}
		}
		if (best == NO_EVENT)
			continue;
		c->ev_used[best] = true;
		struct ll_corr_match *m = &r->matches[fi];
		m->event = best;
		m->method = LL_CORR_ID;
		m->delta_us = c->e[best].ts_us - c->f[fi].ts_us; /* made relative to skew later */
		(*offsets)[(*n_off)++] = m->delta_us;
		r->by_id++;
	}
	free(ids);
	return LL_OK;
}

/* A failure takes part in the time join when it has no id match and, where the server
 * logs ids, carries no id of its own (an id the server lacks means: not logged). */
static bool time_joinable(const struct ctx *c, const struct ll_corr_result *r, size_t fi)
{
	if (r->matches[fi].method != LL_CORR_NONE)
		return false;
	const char *rid = c->f[fi].request_id;
	return !(c->server_has_ids && rid && rid[0]);
}

static bool event_joinable(const struct ctx *c, size_t ei, size_t fi)
{
	if (c->ev_used[ei])
		return false;
	/* an event with an id belongs to that request */
	const char *rid = c->e[ei].request_id;
	(void)fi;
	return !(rid && rid[0]);
}

/* Whether the event at position k of ev_order may explain failure fi. */
static bool candidate(const struct ctx *c, size_t k, size_t fi)
{
	if (c->ev_any[k])
		return true;
	size_t ei = c->ev_order[k];
	return event_joinable(c, ei, fi) && compatible(c, fi, ei);
}

static void mark_any(struct ctx *c)
{
	for (size_t k = 0; k < c->n_ev; k++) {
		const struct ll_corr_event *e = &c->e[c->ev_order[k]];
		c->ev_any[k] = !c->ev_used[c->ev_order[k]] && !(e->request_id && e->request_id[0]) &&
		               !e->method && !e->path && !e->status;
	}
	size_t seen = 0;
	c->n_not_any = 0;
	for (size_t k = 0; k < c->n_ev; k++) {
		c->any_before[k] = seen;
		if (c->ev_any[k])
			seen++;
		else
			c->not_any[c->n_not_any++] = k;
	}
	c->any_before[c->n_ev] = seen;
}

/* ---- skew search ---- */

/* At most about this many failures take part in the skew search. */
#define SKEW_SAMPLE 5000

/* Whether failure f is in a 1-in-stride sample chosen by its content (splitmix64 of its
 * time and id): deterministic, independent of the order failures arrive in. */
static bool in_sample(const struct ll_corr_failure *f, uint64_t stride)
{
	if (stride <= 1)
		return true;
	uint64_t z = (uint64_t)f->ts_us * 0x9e3779b97f4a7c15ull ^ (uint64_t)f->event_id;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) % stride == 0;
}

static enum ll_status search_skew(struct ctx *c, const struct ll_corr_result *r,
                                  int64_t *skew, size_t *pairs, int64_t *spread,
                                  struct ll_error *err)
{
	const int64_t bucket = 1000; /* 1 ms */
	int64_t max = c->p->max_skew_us;
	size_t nb = (size_t)(2 * max / bucket + 1);
	size_t *h = calloc(nb + 4, sizeof *h);
	if (!h)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	/* The skew is one number: SKEW_SAMPLE failures find it as well as 100,000 do, and the
	 * search over +-max_skew is the costliest scan of all. Which failures take part depends
	 * on their content only (a hash of time and id), never on the input order. */
	size_t joinable = 0;
	for (size_t fi = 0; fi < c->nf; fi++)
		joinable += time_joinable(c, r, fi);
	uint64_t stride = joinable > SKEW_SAMPLE ? (joinable + SKEW_SAMPLE - 1) / SKEW_SAMPLE : 1;
	for (size_t fi = 0; fi < c->nf; fi++) {
		if (!time_joinable(c, r, fi) || !in_sample(&c->f[fi], stride))
			continue;
		int64_t t = c->f[fi].ts_us;
		for (size_t k = lower_bound(c, t - max); k < c->n_ev && c->ev_ts[k] <= t + max; k++) {
			if (!candidate(c, k, fi))
				continue;
			int64_t d = c->ev_ts[k] - t + max;
			h[(size_t)(d / bucket)]++;
		}
	}
	/* 5-bucket smoothing; ties go to the offset nearest zero, then the lowest. */
	size_t best = 0, best_sum = 0;
	int64_t best_abs = INT64_MAX;
	for (size_t b = 0; b < nb; b++) {
		size_t sum = 0;
		for (size_t k = b >= 2 ? b - 2 : 0; k <= b + 2 && k < nb; k++)
			sum += h[k];
		int64_t center = (int64_t)b * bucket - max;
		int64_t ac = center < 0 ? -center : center;
		if (sum > best_sum || (sum == best_sum && sum > 0 && ac < best_abs)) {
			best = b;
			best_sum = sum;
			best_abs = ac;
		}
	}
	free(h);
	*skew = 0;
	*pairs = 0;
	*spread = 0;
	if (best_sum == 0)
		return LL_OK;
	/* The skew is the median offset of the pairs inside the winning 5 ms. */
	int64_t lo = ((int64_t)best - 2) * bucket - max, hi = ((int64_t)best + 3) * bucket - max;
	int64_t *offs = malloc(best_sum * sizeof *offs);
	if (!offs)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	size_t n = 0;
	for (size_t fi = 0; fi < c->nf && n < best_sum; fi++) {
		if (!time_joinable(c, r, fi) || !in_sample(&c->f[fi], stride))
			continue;
		int64_t t = c->f[fi].ts_us;
		for (size_t k = lower_bound(c, t + lo); k < c->n_ev && c->ev_ts[k] < t + hi && n < best_sum; k++)
			if (candidate(c, k, fi))
				offs[n++] = c->ev_ts[k] - t;
	}
	qsort(offs, n, sizeof *offs, cmp_i64);
	*skew = n ? offs[n / 2] : 0;
	*pairs = n;
	*spread = n ? offs[(3 * n) / 4] - offs[n / 4] : 0;
	free(offs);
	return LL_OK;
}

/* ---- evidence per group ---- */

struct gkey {
	const char *op, *cls; /* never NULL */
	int status;
	struct tkey k;
};

static int cmp_gkey(const void *a, const void *b)
{
	const struct gkey *x = a, *y = b;
	int cmp = strcmp(x->op, y->op);
	if (cmp)
		return cmp;
	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	cmp = strcmp(x->cls, y->cls);
	return cmp ? cmp : cmp_tkey(&x->k, &y->k);
}

static struct gkey group_key(const struct ll_corr_failure *f, size_t i)
{
	return (struct gkey){ f->op ? f->op : "", f->error_class ? f->error_class : "", f->status,
		              { f->ts_us, f->event_id, i } };
}

static bool same_gkey(const struct gkey *a, const struct gkey *b)
{
	return strcmp(a->op, b->op) == 0 && a->status == b->status && strcmp(a->cls, b->cls) == 0;
}

/* Compatible candidate pairs of failure fi in the window shifted by `shift`. */
/* Candidates of failure fi in the window [lo, hi) of ev_order positions. */
static size_t count_in(const struct ctx *c, size_t fi, size_t lo, size_t hi)
{
	size_t n = c->any_before[hi] - c->any_before[lo];
	/* the events that name a route or status, or were taken by the id join */
	size_t a = 0, b = c->n_not_any;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (c->not_any[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	for (; a < c->n_not_any && c->not_any[a] < hi; a++)
		if (candidate(c, c->not_any[a], fi))
			n++;
	return n;
}

/* A window [t - window, t + tol] sliding forward over ev_order as t grows: its bounds only
 * move right, so a group's failures in time order cost a linear walk, not searches. */
struct sliding {
	size_t lo, hi;
};

static void slide_to(const struct ctx *c, struct sliding *w, int64_t t)
{
	while (w->lo < c->n_ev && c->ev_ts[w->lo] < t - c->p->window_us)
		w->lo++;
	if (w->hi < w->lo)
		w->hi = w->lo;
	while (w->hi < c->n_ev && c->ev_ts[w->hi] <= t + c->p->tol_us)
		w->hi++;
}

/* Marks in keep[] the failures whose group shows more partners at the skew than at eight
 * shifted offsets (the background of unrelated events): excess > 3 sigma of a Poisson
 * background. */
static enum ll_status evidence(const struct ctx *c, const struct ll_corr_result *r, int64_t skew,
                               bool *keep, struct ll_error *err)
{
	struct gkey *g = malloc((c->nf ? c->nf : 1) * sizeof *g);
	if (!g)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	size_t n = 0;
	for (size_t fi = 0; fi < c->nf; fi++)
		if (time_joinable(c, r, fi))
			g[n++] = group_key(&c->f[fi], fi);
	qsort(g, n, sizeof *g, cmp_gkey);
	int64_t span = c->p->window_us + c->p->tol_us;
	static const int shifts[] = { -9, -7, -5, -3, 3, 5, 7, 9 };
	for (size_t a = 0; a < n;) {
		size_t b = a;
		while (b < n && same_gkey(&g[a], &g[b]))
			b++;
		/* every failure counts here: in a dense log the excess is a fraction of an event
		 * per failure, and a sample would lose it in the noise */
		double obs = 0, bg = 0;
		enum { NSHIFT = sizeof shifts / sizeof shifts[0] };
		struct sliding at = { 0, 0 }, off[NSHIFT];
		memset(off, 0, sizeof off);
		/* g is in (op, status, class, time) order: each group's failures come by time */
		for (size_t k = a; k < b; k++) {
			size_t fi = g[k].k.idx;
			int64_t t = c->f[fi].ts_us + skew;
			slide_to(c, &at, t);
			obs += (double)count_in(c, fi, at.lo, at.hi);
			for (size_t s = 0; s < NSHIFT; s++) {
				slide_to(c, &off[s], t + shifts[s] * span);
				bg += (double)count_in(c, fi, off[s].lo, off[s].hi);
			}
		}
		bg /= (double)NSHIFT;
		bool ok = obs > 0 && obs - bg > 3.0 * sqrt(bg) + 0.5;
		for (size_t k = a; k < b; k++)
			keep[g[k].k.idx] = ok;
		a = b;
	}
	free(g);
	return LL_OK;
}

/* Largest |delta| range sorted by counting; a wider window (a user's --window-ms in
 * minutes) falls back to qsort. */
#define COUNT_SORT_MAX_US ((int64_t)1 << 22)

struct cand {
	size_t fi, ei;
	int64_t delta;
};

/* Walks the candidate pairs of the time join: failures in (ts, id) order, each failure's
 * events in (ts, id) order. Start from a zeroed iterator. */
struct cand_iter {
	const struct ctx *c;
	const struct ll_corr_result *r;
	const bool *keep;
	const size_t *f_order;
	int64_t skew;
	size_t rank, k;   /* the next failure rank; the next event position of the current one */
	bool in_failure;
	int64_t t;        /* the current failure's time on the server clock */
};

static bool next_candidate(struct cand_iter *it, size_t *fi, size_t *k, int64_t *delta)
{
	const struct ctx *c = it->c;
	for (;;) {
		if (!it->in_failure) {
			if (it->rank == c->nf)
				return false;
			size_t f = it->f_order[it->rank++];
			if (!it->keep[f] || !time_joinable(c, it->r, f))
				continue;
			it->t = c->f[f].ts_us + it->skew;
			it->k = lower_bound(c, it->t - c->p->window_us);
			it->in_failure = true;
		}
		size_t f = it->f_order[it->rank - 1];
		for (; it->k < c->n_ev && c->ev_ts[it->k] <= it->t + c->p->tol_us; it->k++) {
			if (!candidate(c, it->k, f))
				continue;
			*fi = f;
			*k = it->k;
			*delta = c->ev_ts[it->k] - it->t;
			it->k++;
			return true;
		}
		it->in_failure = false;
	}
}

/* The greedy join: candidate pairs nearest first (then by the failure's (ts, id), then the
 * event's (ts, id): deterministic, independent of input order), each failure and each
 * event used at most once. The pairs are enumerated in (failure, event) order, so a stable
 * counting sort on |delta| yields exactly that order in linear time; a comparison sort of
 * the ~25 pairs per failure was the slowest part of correlate. */
static enum ll_status join_time(struct ctx *c, struct ll_corr_result *r, int64_t skew,
                                const bool *keep, const size_t *f_order, struct ll_error *err)
{
	int64_t range = c->p->window_us > c->p->tol_us ? c->p->window_us : c->p->tol_us;
	struct cand *cv = NULL;
	size_t n = 0, fi, k;
	int64_t delta;
	const struct cand_iter it0 = { c, r, keep, f_order, skew, 0, 0, false, 0 };
	struct cand_iter it;
	if (range >= 0 && range <= COUNT_SORT_MAX_US) {
		size_t nb = (size_t)range + 2;
		size_t *start = calloc(nb, sizeof *start);
		if (!start)
			return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		for (it = it0; next_candidate(&it, &fi, &k, &delta); n++)
			start[(size_t)(delta < 0 ? -delta : delta) + 1]++;
		for (size_t b = 1; b < nb; b++)
			start[b] += start[b - 1];
		cv = malloc((n ? n : 1) * sizeof *cv);
		if (!cv) {
			free(start);
			return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		}
		for (it = it0; next_candidate(&it, &fi, &k, &delta);)
			cv[start[(size_t)(delta < 0 ? -delta : delta)]++] =
				(struct cand){ fi, c->ev_order[k], delta };
		free(start);
	} else {
		struct pairs ps = { 0 };
		bool ok = true;
		for (it = it0; ok && next_candidate(&it, &fi, &k, &delta);) {
			size_t ei = c->ev_order[k];
			struct pair p = { delta < 0 ? -delta : delta, delta, fi, ei, c->f[fi].ts_us,
				          c->f[fi].event_id, c->e[ei].ts_us, c->e[ei].event_id };
			ok = pairs_push(&ps, p);
		}
		cv = ok ? malloc((ps.n ? ps.n : 1) * sizeof *cv) : NULL;
		if (!cv) {
			free(ps.v);
			return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		}
		qsort(ps.v, ps.n, sizeof *ps.v, cmp_pair);
		for (n = 0; n < ps.n; n++)
			cv[n] = (struct cand){ ps.v[n].fi, ps.v[n].ei, ps.v[n].delta };
		free(ps.v);
	}
	for (size_t j = 0; j < n; j++) {
		const struct cand *p = &cv[j];
		struct ll_corr_match *m = &r->matches[p->fi];
		if (m->method != LL_CORR_NONE || c->ev_used[p->ei])
			continue;
		c->ev_used[p->ei] = true;
		m->event = p->ei;
		m->method = LL_CORR_TIME;
		m->delta_us = p->delta;
		r->by_time++;
	}
	free(cv);
	return LL_OK;
}

enum ll_status ll_correlate(const struct ll_corr_failure *failures, size_t n_failures,
                            const struct ll_corr_event *events, size_t n_events,
                            const struct ll_corr_params *p, struct ll_corr_result *out,
                            struct ll_error *err)
{
	struct ctx c = { .f = failures, .nf = n_failures, .e = events, .ne = n_events, .p = p };
	struct ll_corr_result r = { 0 };
	enum ll_status st = LL_OK;
	size_t *f_order = NULL;
	struct tkey *keys = NULL;
	int64_t *offsets = NULL;
	bool *keep = NULL;
	size_t n_alloc_f = n_failures ? n_failures : 1, n_alloc_e = n_events ? n_events : 1;
	r.matches = calloc(n_alloc_f, sizeof *r.matches);
	c.ev_order = malloc(n_alloc_e * sizeof *c.ev_order);
	c.ev_ts = malloc(n_alloc_e * sizeof *c.ev_ts);
	c.ev_used = calloc(n_alloc_e, sizeof *c.ev_used);
	c.ev_any = calloc(n_alloc_e, sizeof *c.ev_any);
	c.any_before = calloc(n_alloc_e + 1, sizeof *c.any_before);
	c.not_any = calloc(n_alloc_e, sizeof *c.not_any);
	c.f_method = calloc(n_alloc_f, sizeof *c.f_method);
	c.f_path = calloc(n_alloc_f, sizeof *c.f_path);
	f_order = malloc(n_alloc_f * sizeof *f_order);
	keep = calloc(n_alloc_f, sizeof *keep);
	keys = malloc((n_alloc_f > n_alloc_e ? n_alloc_f : n_alloc_e) * sizeof *keys);
	if (!keys || !r.matches || !c.ev_order || !c.ev_ts || !c.ev_used || !c.ev_any || !c.any_before || !c.not_any || !c.f_method ||
	    !c.f_path || !f_order || !keep) {
		st = ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		goto done;
	}
	r.n_matches = n_failures;
	for (size_t i = 0; i < n_failures; i++) {
		r.matches[i] = (struct ll_corr_match){ i, NO_EVENT, LL_CORR_NONE, 0, LL_UNEXPLAINED_NONE };
		if (!ll_corr_op_route(failures[i].op, &c.f_method[i], &c.f_path[i]))
			c.f_method[i] = c.f_path[i] = NULL;
		keys[i] = (struct tkey){ failures[i].ts_us, failures[i].event_id, i };
	}
	qsort(keys, n_failures, sizeof *keys, cmp_tkey);
	for (size_t i = 0; i < n_failures; i++)
		f_order[i] = keys[i].idx;
	for (size_t i = 0; i < n_events; i++)
		if (events[i].level >= 0 && events[i].level < 32 &&
		    (p->level_mask & LL_CORR_LEVEL_BIT((unsigned)events[i].level)))
			keys[c.n_ev++] = (struct tkey){ events[i].ts_us, events[i].event_id, i };
	qsort(keys, c.n_ev, sizeof *keys, cmp_tkey);
	for (size_t k = 0; k < c.n_ev; k++) {
		c.ev_order[k] = keys[k].idx;
		c.ev_ts[k] = keys[k].ts;
	}

	size_t n_off = 0;
	if ((st = join_ids(&c, &r, f_order, &offsets, &n_off, err)))
		goto done;
	mark_any(&c);
	if (p->skew_given) {
		r.skew_us = p->skew_us;
		r.skew_source = LL_SKEW_GIVEN;
		r.skew_pairs = n_off;
	} else if (n_off > 0) {
		qsort(offsets, n_off, sizeof *offsets, cmp_i64);
		r.skew_us = offsets[n_off / 2];
		r.skew_source = LL_SKEW_REQUEST_ID;
		r.skew_pairs = n_off;
		r.skew_spread_us = offsets[(3 * n_off) / 4] - offsets[n_off / 4];
	} else {
		r.skew_source = LL_SKEW_SEARCH;
		if ((st = search_skew(&c, &r, &r.skew_us, &r.skew_pairs, &r.skew_spread_us, err)))
			goto done;
	}
	for (size_t i = 0; i < n_failures; i++)
		if (r.matches[i].method == LL_CORR_ID)
			r.matches[i].delta_us -= r.skew_us;
	if ((st = evidence(&c, &r, r.skew_us, keep, err)) ||
	    (st = join_time(&c, &r, r.skew_us, keep, f_order, err)))
		goto done;
	for (size_t i = 0; i < n_failures; i++) {
		struct ll_corr_match *m = &r.matches[i];
		if (m->method != LL_CORR_NONE)
			continue;
		r.unexplained++;
		const char *cls = failures[i].error_class ? failures[i].error_class : "";
		const char *rid = failures[i].request_id;
		if (c.server_has_ids && rid && rid[0])
			m->why = LL_UNEXPLAINED_ID_UNMATCHED;
		else if (strcmp(cls, "network") == 0)
			m->why = LL_UNEXPLAINED_NETWORK;
		else if (strcmp(cls, "http") == 0)
			m->why = LL_UNEXPLAINED_NO_LOG;
		else
			m->why = LL_UNEXPLAINED_OTHER;
	}
	*out = r;
	r = (struct ll_corr_result){ 0 };
done:
	ll_corr_result_release(&r);
	free(c.ev_order);
	free(c.ev_ts);
	free(c.ev_used);
	free(c.ev_any);
	free(c.any_before);
	free(c.not_any);
	free(c.f_method);
	free(c.f_path);
	free(f_order);
	free(offsets);
	free(keep);
	free(keys);
	return st;
}

void ll_corr_result_release(struct ll_corr_result *r)
{
	if (!r)
		return;
	free(r->matches);
	memset(r, 0, sizeof *r);
}

/* ---- summary ---- */

static int cmp_tmpl_count(const void *a, const void *b)
{
	const struct ll_corr_template_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->template_id > y->template_id) - (x->template_id < y->template_id);
}

/* Adds one explaining event's template to group g. */
static bool group_add_template(struct ll_corr_group *g, int64_t id, const char *text)
{
	for (size_t i = 0; i < g->n_templates; i++)
		if (g->templates[i].template_id == id) {
			g->templates[i].count++;
			return true;
		}
	struct ll_corr_template_count *t = realloc(g->templates, (g->n_templates + 1) * sizeof *t);
	if (!t)
		return false;
	g->templates = t;
	t[g->n_templates++] = (struct ll_corr_template_count){ id, text, 1 };
	return true;
}

enum ll_status ll_corr_summarize(const struct ll_corr_failure *failures,
                                 const struct ll_corr_event *events,
                                 const struct ll_corr_result *r, struct ll_corr_summary *out,
                                 struct ll_error *err)
{
	struct ll_corr_summary s = { 0 };
	size_t n = r->n_matches;
	struct gkey *g = malloc((n ? n : 1) * sizeof *g);
	if (!g)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		g[i] = group_key(&failures[i], i);
	qsort(g, n, sizeof *g, cmp_gkey);
	for (size_t a = 0; a < n;) {
		size_t b = a;
		while (b < n && same_gkey(&g[a], &g[b]))
			b++;
		struct ll_corr_group *grown = realloc(s.groups, (s.n_groups + 1) * sizeof *grown);
		if (!grown)
			goto nomem;
		s.groups = grown;
		struct ll_corr_group *grp = &grown[s.n_groups++];
		const struct ll_corr_failure *f0 = &failures[g[a].k.idx];
		*grp = (struct ll_corr_group){ .op = f0->op, .status = f0->status,
			                       .error_class = f0->error_class, .failures = b - a };
		for (size_t k = a; k < b; k++) {
			const struct ll_corr_match *m = &r->matches[g[k].k.idx];
			if (m->method == LL_CORR_ID)
				grp->by_id++;
			else if (m->method == LL_CORR_TIME)
				grp->by_time++;
			else
				grp->unexplained++;
			if (m->method != LL_CORR_NONE &&
			    !group_add_template(grp, events[m->event].template_id, events[m->event].template_text))
				goto nomem;
		}
		if (grp->n_templates > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
			qsort(grp->templates, grp->n_templates, sizeof *grp->templates, cmp_tmpl_count);
		a = b;
	}
	free(g);
	*out = s;
	return LL_OK;
nomem:
	free(g);
	ll_corr_summary_release(&s);
	return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
}

void ll_corr_summary_release(struct ll_corr_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_groups; i++)
		free(s->groups[i].templates);
	free(s->groups);
	memset(s, 0, sizeof *s);
}
