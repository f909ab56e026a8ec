/* compare: see include/loadlens/compare.h. */
#include "loadlens/compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

/* Comparisons against a threshold allow this much floating-point noise, so a change of
 * exactly the threshold (5% of 100 is 105) is not a regression and just over it is. */
#define GATE_EPS 1e-9

struct ll_pct ll_compare_pct(struct ll_opt b, struct ll_opt c)
{
	struct ll_pct r = { LL_PCT_MISSING, 0.0, false, 0.0 };
	if (!b.present || !c.present || !isfinite(b.v) || !isfinite(c.v))
		return r;
	r.has_delta = true;
	r.delta = c.v - b.v;
	if (fabs(b.v) < LL_PCT_EPSILON) {
		r.state = fabs(c.v) < LL_PCT_EPSILON ? LL_PCT_UNCHANGED : LL_PCT_BASELINE_ZERO;
		return r;
	}
	if (c.v == b.v) {
		r.state = LL_PCT_UNCHANGED;
		return r;
	}
	r.state = LL_PCT_OK;
	r.pct = (c.v - b.v) / fabs(b.v) * 100.0;
	return r;
}

const char *ll_pct_state_name(enum ll_pct_state s)
{
	switch (s) {
	case LL_PCT_OK: return "ok";
	case LL_PCT_UNCHANGED: return "unchanged";
	case LL_PCT_BASELINE_ZERO: return "baseline_zero";
	case LL_PCT_MISSING: return "missing";
	case LL_PCT_ADDED: return "added";
	case LL_PCT_REMOVED: return "removed";
	}
	return "missing";
}

const char *ll_compare_verdict_name(enum ll_compare_verdict v)
{
	switch (v) {
	case LL_VERDICT_PASS: return "pass";
	case LL_VERDICT_REGRESSION: return "regression";
	case LL_VERDICT_NOT_MEANINGFUL: return "not_meaningful";
	}
	return "not_meaningful";
}

void ll_compare_params_default(struct ll_compare_params *p, bool competitive)
{
	p->latency_threshold_pct = competitive ? 10.0 : 5.0;
	p->throughput_threshold_pct = competitive ? 10.0 : 5.0;
	p->max_error_rate_increase_pp = 1.0;
	p->allow_invalid = false;
	ll_check_params_default(&p->check);
}

/* The metrics of one scope, in display order. */
struct scope_vals {
	struct ll_opt p50_ms, p95_ms, p99_ms, throughput, errors, error_rate_pct;
};

static struct ll_opt some(double v)
{
	return (struct ll_opt){ true, v };
}

static const struct ll_opt none = { false, 0.0 };

static struct scope_vals overall_vals(const struct ll_run_report *r)
{
	struct scope_vals s;
	s.p50_ms = some(r->p50_ms);
	s.p95_ms = some(r->p95_ms);
	s.p99_ms = some(r->p99_ms);
	s.throughput = some(r->throughput);
	s.errors = some((double)r->total_errors);
	s.error_rate_pct = r->total_ops > 0
	                       ? some((double)r->total_errors / (double)r->total_ops * 100.0)
	                       : none;
	return s;
}

static struct scope_vals op_vals(const struct ll_run_report *r, const struct ll_op_stats *o)
{
	struct scope_vals s;
	/* tag: histogram-ceiling. All-zero percentiles with count > 0 are unknown, not 0. */
	bool unknown = o->count > 0 && o->p50_us == 0 && o->p95_us == 0 && o->p99_us == 0;
	s.p50_ms = unknown ? none : some((double)o->p50_us / 1000.0);
	s.p95_ms = unknown ? none : some((double)o->p95_us / 1000.0);
	s.p99_ms = unknown ? none : some((double)o->p99_us / 1000.0);
	s.throughput = r->elapsed_s > 0 ? some((double)o->count / r->elapsed_s) : none;
	s.errors = some((double)o->error_count);
	s.error_rate_pct = o->count > 0 ? some((double)o->error_count / (double)o->count * 100.0) : none;
	return s;
}

struct builder {
	struct ll_compare_result *res;
	const struct ll_compare_params *p;
	enum ll_status st;
	struct ll_error *err;
};

static void add_row(struct builder *bd, const char *scope, const char *metric, struct ll_opt b,
                    struct ll_opt c, enum ll_pct_state forced, enum ll_gate gate, double thr)
{
	if (bd->st != LL_OK)
		return;
	struct ll_compare_result *res = bd->res;
	struct ll_compare_row *grown = realloc(res->rows, (res->n_rows + 1) * sizeof *grown);
	char *sc = strdup(scope);
	if (!grown || !sc) {
		free(sc);
		if (grown)
			res->rows = grown;
		bd->st = ll_error_set(bd->err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		return;
	}
	res->rows = grown;
	struct ll_compare_row *row = &grown[res->n_rows++];
	*row = (struct ll_compare_row){ .scope = sc, .metric = metric, .base = b, .cand = c,
		                        .gate = gate, .threshold = thr };
	row->pct = ll_compare_pct(b, c);
	if (forced == LL_PCT_ADDED || forced == LL_PCT_REMOVED) {
		row->pct.state = forced;
		return;
	}
	switch (gate) {
	case LL_GATE_HIGHER_WORSE_PCT:
		row->regression = row->pct.state == LL_PCT_OK && row->pct.pct > thr + GATE_EPS;
		break;
	case LL_GATE_LOWER_WORSE_PCT:
		row->regression = row->pct.state == LL_PCT_OK && row->pct.pct < -thr - GATE_EPS;
		break;
	case LL_GATE_HIGHER_WORSE_PP:
		row->regression = row->pct.has_delta && row->pct.delta > thr + GATE_EPS;
		break;
	case LL_GATE_NONE:
		break;
	}
	if (row->regression)
		res->n_regressions++;
}

static void add_scope(struct builder *bd, const char *scope, const struct scope_vals *b,
                      const struct scope_vals *c, enum ll_pct_state forced, bool overall)
{
	const struct ll_compare_params *p = bd->p;
	static const struct scope_vals empty = { { false, 0 }, { false, 0 }, { false, 0 },
		                                 { false, 0 }, { false, 0 }, { false, 0 } };
	if (!b)
		b = &empty;
	if (!c)
		c = &empty;
	add_row(bd, scope, "p50_ms", b->p50_ms, c->p50_ms, forced, LL_GATE_NONE, 0);
	add_row(bd, scope, "p95_ms", b->p95_ms, c->p95_ms, forced, LL_GATE_NONE, 0);
	add_row(bd, scope, "p99_ms", b->p99_ms, c->p99_ms, forced, LL_GATE_HIGHER_WORSE_PCT,
	        p->latency_threshold_pct);
	/* Per-operation throughput depends on the workload mix; only the overall one gates. */
	add_row(bd, scope, "throughput", b->throughput, c->throughput, forced,
	        overall ? LL_GATE_LOWER_WORSE_PCT : LL_GATE_NONE, p->throughput_threshold_pct);
	add_row(bd, scope, "errors", b->errors, c->errors, forced, LL_GATE_NONE, 0);
	add_row(bd, scope, "error_rate_pct", b->error_rate_pct, c->error_rate_pct, forced,
	        LL_GATE_HIGHER_WORSE_PP, p->max_error_rate_increase_pp);
}

enum ll_status ll_compare_runs(const struct ll_run_report *base, const struct ll_run_report *cand,
                               const struct ll_compare_params *p, struct ll_compare_result *out,
                               struct ll_error *err)
{
	struct ll_compare_result res = { 0 };
	res.base_check = (struct ll_check_result)LL_CHECK_RESULT_INIT;
	res.cand_check = (struct ll_check_result)LL_CHECK_RESULT_INIT;
	enum ll_status st;
	if ((st = ll_check_run(base, &p->check, &res.base_check, err)) ||
	    (st = ll_check_run(cand, &p->check, &res.cand_check, err)))
		goto fail;
	res.base_valid = res.base_check.valid;
	res.cand_valid = res.cand_check.valid;
	bool meaningful = res.base_valid && res.cand_valid;
	res.compared_invalid = !meaningful && p->allow_invalid;

	struct builder bd = { &res, p, LL_OK, err };
	if (meaningful || p->allow_invalid) {
		struct scope_vals bo = overall_vals(base), co = overall_vals(cand);
		add_scope(&bd, "overall", &bo, &co, LL_PCT_OK, true);
		/* Both op lists are sorted by name (report_json, store): merge them. */
		size_t i = 0, j = 0;
		while (i < base->n_ops || j < cand->n_ops) {
			int c = i == base->n_ops   ? 1
			        : j == cand->n_ops ? -1
			                           : strcmp(base->ops[i].op, cand->ops[j].op);
			if (c == 0) {
				struct scope_vals b = op_vals(base, &base->ops[i]);
				struct scope_vals cv = op_vals(cand, &cand->ops[j]);
				add_scope(&bd, base->ops[i].op, &b, &cv, LL_PCT_OK, false);
				i++;
				j++;
			} else if (c < 0) {
				struct scope_vals b = op_vals(base, &base->ops[i]);
				add_scope(&bd, base->ops[i].op, &b, NULL, LL_PCT_REMOVED, false);
				i++;
			} else {
				struct scope_vals cv = op_vals(cand, &cand->ops[j]);
				add_scope(&bd, cand->ops[j].op, NULL, &cv, LL_PCT_ADDED, false);
				j++;
			}
		}
	}
	if ((st = bd.st))
		goto fail;
	if (!meaningful && !p->allow_invalid)
		res.verdict = LL_VERDICT_NOT_MEANINGFUL;
	else
		res.verdict = res.n_regressions ? LL_VERDICT_REGRESSION : LL_VERDICT_PASS;
	*out = res;
	return LL_OK;
fail:
	ll_compare_result_release(&res);
	return st;
}

void ll_compare_result_release(struct ll_compare_result *res)
{
	if (!res)
		return;
	ll_check_result_release(&res->base_check);
	ll_check_result_release(&res->cand_check);
	for (size_t i = 0; i < res->n_rows; i++)
		free(res->rows[i].scope);
	free(res->rows);
	memset(res, 0, sizeof *res);
	res->base_check = (struct ll_check_result)LL_CHECK_RESULT_INIT;
	res->cand_check = (struct ll_check_result)LL_CHECK_RESULT_INIT;
}

const struct ll_compare_row *ll_compare_find(const struct ll_compare_result *res,
                                             const char *scope, const char *metric)
{
	for (size_t i = 0; i < res->n_rows; i++)
		if (strcmp(res->rows[i].scope, scope) == 0 && strcmp(res->rows[i].metric, metric) == 0)
			return &res->rows[i];
	return NULL;
}
