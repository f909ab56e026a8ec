/* correlate: request-id join, skew estimate and time-window join against generated runs
 * with known ground truth (issue 4). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "corr_gen.h"
#include "loadlens/correlate.h"

static struct corr_gen_params base_params(int64_t skew_us, bool ids)
{
	return (struct corr_gen_params){ .seed = 42, .duration_s = 60, .rate = 242, .skew_us = skew_us,
		                         .with_ids = ids, .decoys_per_s = 3, .info_per_op = 1,
		                         .burst_prob = 0.02 };
}

static struct ll_corr_result run_corr(const struct corr_gen *g, const struct ll_corr_params *p)
{
	struct ll_corr_result r;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_correlate(g->failures, g->n_failures, g->events, g->n_events, p, &r, &err), LL_OK);
	return r;
}

Test(correlate, with_request_ids_precision_and_recall_are_one)
{
	static const int64_t skews[] = { -1900000, -500000, 0, 180000, 1999000 };
	for (size_t i = 0; i < sizeof skews / sizeof skews[0]; i++) {
		struct corr_gen_params gp = base_params(skews[i], true);
		struct corr_gen g;
		corr_gen_make(&gp, &g);
		struct ll_corr_params p;
		ll_corr_params_default(&p);
		struct ll_corr_result r = run_corr(&g, &p);
		double prec, rec;
		corr_gen_score(&g, &r, &prec, &rec);
		cr_expect_eq(prec, 1.0, "skew %lld: precision %f", (long long)skews[i], prec);
		cr_expect_eq(rec, 1.0, "skew %lld: recall %f", (long long)skews[i], rec);
		cr_expect_eq(r.skew_source, LL_SKEW_REQUEST_ID);
		cr_expect_eq(r.by_time, 0, "skew %lld: nothing left for the time join", (long long)skews[i]);
		cr_expect_eq(r.by_id, g.n_with_event);
		cr_expect(llabs(r.skew_us - skews[i]) < 5000, "skew %lld: estimated %lld", (long long)skews[i],
		          (long long)r.skew_us);
		ll_corr_result_release(&r);
		corr_gen_free(&g);
	}
}

Test(correlate, without_ids_at_180ms_skew_estimates_skew_and_matches)
{
	struct corr_gen_params gp = base_params(180000, false);
	struct corr_gen g;
	corr_gen_make(&gp, &g);
	struct ll_corr_params p;
	ll_corr_params_default(&p);
	struct ll_corr_result r = run_corr(&g, &p);
	double prec, rec;
	corr_gen_score(&g, &r, &prec, &rec);
	cr_expect_eq(r.skew_source, LL_SKEW_SEARCH);
	cr_expect(llabs(r.skew_us - 180000) <= 5000, "estimated skew %lld us", (long long)r.skew_us);
	cr_expect(prec >= 0.98, "precision %f", prec);
	cr_expect(rec >= 0.95, "recall %f", rec);
	/* pinned: the generator is deterministic in its seed */
	cr_expect_eq(g.n_failures, 3710, "%zu", g.n_failures);
	cr_expect_eq(g.n_with_event, 1453, "%zu", g.n_with_event);
	cr_expect_eq(r.by_time, 1453, "%zu", r.by_time);
	cr_expect_eq(r.skew_us, 179705);
	cr_expect(fabs(prec - 1451.0 / 1453) < 1e-12, "precision %.6f", prec);
	ll_corr_result_release(&r);

	/* --skew-ms given: the same or better */
	p.skew_given = true;
	p.skew_us = 180000;
	r = run_corr(&g, &p);
	double prec2, rec2;
	corr_gen_score(&g, &r, &prec2, &rec2);
	cr_expect_eq(r.skew_source, LL_SKEW_GIVEN);
	cr_expect(prec2 >= 0.98 && rec2 >= 0.95, "given: precision %f recall %f", prec2, rec2);
	ll_corr_result_release(&r);
	corr_gen_free(&g);
}

Test(correlate, skew_search_across_the_range)
{
	static const int64_t skews[] = { -1900000, -700000, 0, 950000, 1900000 };
	for (size_t i = 0; i < sizeof skews / sizeof skews[0]; i++) {
		struct corr_gen_params gp = base_params(skews[i], false);
		gp.seed = 7 + i;
		struct corr_gen g;
		corr_gen_make(&gp, &g);
		struct ll_corr_params p;
		ll_corr_params_default(&p);
		struct ll_corr_result r = run_corr(&g, &p);
		double prec, rec;
		corr_gen_score(&g, &r, &prec, &rec);
		cr_expect(llabs(r.skew_us - skews[i]) <= 5000, "skew %lld: estimated %lld",
		          (long long)skews[i], (long long)r.skew_us);
		cr_expect(prec >= 0.98 && rec >= 0.95, "skew %lld: precision %f recall %f",
		          (long long)skews[i], prec, rec);
		ll_corr_result_release(&r);
		corr_gen_free(&g);
	}
}

/* Groups the server never logs stay unexplained, whatever decoys lie nearby. */
Test(correlate, unlogged_failures_are_unexplained_not_matched_to_decoys)
{
	struct corr_gen_params gp = base_params(180000, false);
	gp.decoys_per_s = 20; /* dense decoys */
	struct corr_gen g;
	corr_gen_make(&gp, &g);
	struct ll_corr_params p;
	ll_corr_params_default(&p);
	struct ll_corr_result r = run_corr(&g, &p);
	size_t wrongly_matched = 0;
	for (size_t i = 0; i < r.n_matches; i++)
		if (g.truth[i] == SIZE_MAX && r.matches[i].method != LL_CORR_NONE)
			wrongly_matched++;
	cr_expect_eq(wrongly_matched, 0, "%zu unlogged failures matched to decoys", wrongly_matched);
	struct ll_corr_summary s;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_corr_summarize(g.failures, g.events, &r, &s, &err), LL_OK);
	size_t unexplained_search = 0, unexplained_pc = 0;
	for (size_t i = 0; i < s.n_groups; i++) {
		if (strcmp(s.groups[i].op, "Search") == 0)
			unexplained_search += s.groups[i].unexplained;
		if (strcmp(s.groups[i].op, "PatternCompletion") == 0)
			unexplained_pc += s.groups[i].unexplained;
	}
	cr_expect_eq(unexplained_search, g.unlogged_by_op[2]);
	cr_expect_eq(unexplained_pc, g.unlogged_by_op[3]);
	ll_corr_summary_release(&s);
	ll_corr_result_release(&r);
	corr_gen_free(&g);
}

Test(correlate, result_does_not_depend_on_input_order)
{
	struct corr_gen_params gp = base_params(-250000, false);
	struct corr_gen g;
	corr_gen_make(&gp, &g);
	struct ll_corr_params p;
	ll_corr_params_default(&p);
	struct ll_corr_result r1 = run_corr(&g, &p);
	/* reverse both arrays; map results back by event ids */
	size_t nf = g.n_failures, ne = g.n_events;
	struct ll_corr_failure *rf = malloc(nf * sizeof *rf);
	struct ll_corr_event *re = malloc(ne * sizeof *re);
	for (size_t i = 0; i < nf; i++)
		rf[i] = g.failures[nf - 1 - i];
	for (size_t i = 0; i < ne; i++)
		re[i] = g.events[ne - 1 - i];
	struct ll_corr_result r2;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_correlate(rf, nf, re, ne, &p, &r2, &err), LL_OK);
	cr_expect_eq(r1.skew_us, r2.skew_us);
	cr_expect_eq(r1.by_time, r2.by_time);
	for (size_t i = 0; i < nf; i++) {
		const struct ll_corr_match *a = &r1.matches[i], *b = &r2.matches[nf - 1 - i];
		cr_assert_eq(a->method, b->method, "failure %zu", i);
		if (a->method != LL_CORR_NONE)
			cr_assert_eq(g.events[a->event].event_id, re[b->event].event_id, "failure %zu", i);
	}
	free(rf);
	free(re);
	ll_corr_result_release(&r1);
	ll_corr_result_release(&r2);
	corr_gen_free(&g);
}

Test(correlate, id_join_unit_cases)
{
	struct ll_corr_failure f[] = {
		{ 1, 1000000, "Store", 500, "http", "a" },
		{ 2, 2000000, "Store", 0, "network", "b" },   /* id the server lacks */
		{ 3, 3000000, "Recall", 400, "http", "c" },
	};
	struct ll_corr_event e[] = {
		{ 10, 1100000, 5, NULL, NULL, 0, "a", 1, "x" },
		{ 11, 2100000, 5, NULL, NULL, 0, NULL, 1, "x" }, /* no id: not for b */
		{ 12, 3100000, 4, "GET", "/api/v1/memories/recall", 400, "c", 2, "y" },
		{ 13, 3100000, 3, NULL, NULL, 0, "c", 3, "info" }, /* INFO: not eligible */
	};
	struct ll_corr_params p;
	ll_corr_params_default(&p);
	struct ll_corr_result r;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_correlate(f, 3, e, 4, &p, &r, &err), LL_OK);
	cr_expect_eq(r.matches[0].method, LL_CORR_ID);
	cr_expect_eq(r.matches[0].event, 0);
	cr_expect_eq(r.matches[1].method, LL_CORR_NONE);
	cr_expect_eq(r.matches[1].why, LL_UNEXPLAINED_ID_UNMATCHED);
	cr_expect_eq(r.matches[2].event, 2);
	cr_expect_eq(r.skew_us, 100000);
	cr_expect_eq(r.skew_pairs, 2);
	cr_expect_eq(r.matches[2].delta_us, 0);
	ll_corr_result_release(&r);
}

Test(correlate, route_and_status_must_be_compatible)
{
	struct ll_corr_failure f[] = { { 1, 1000000, "Store", 500, "http", NULL } };
	struct ll_corr_event e[] = {
		{ 10, 1000100, 5, "GET", "/api/v1/memories/recall", 0, NULL, 1, "x" },
		{ 11, 1000200, 5, "POST", "/api/v1/memories", 400, NULL, 1, "x" },
		{ 12, 1000300, 5, "POST", "/api/v1/memories", 500, NULL, 1, "x" },
	};
	struct ll_corr_params p;
	ll_corr_params_default(&p);
	p.skew_given = true;
	struct ll_corr_result r;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_correlate(f, 1, e, 3, &p, &r, &err), LL_OK);
	cr_expect_eq(r.matches[0].method, LL_CORR_TIME);
	cr_expect_eq(r.matches[0].event, 2);
	cr_expect_eq(r.matches[0].delta_us, 300);
	ll_corr_result_release(&r);
}
