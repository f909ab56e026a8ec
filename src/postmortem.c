/* postmortem: see include/loadlens/postmortem.h. Every sentence of the report that
 * carries a judgement is made here, with its numbers, so the three renderers agree. */
#include "loadlens/postmortem.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/buf.h"
#include "loadlens/banned.h"

/* Log text quoted inside a sentence is cut to this many bytes: a sentence stays a line. */
#define QUOTE_MAX 100

const char *ll_pm_corr_source_name(enum ll_pm_corr_source s)
{
	switch (s) {
	case LL_PM_CORR_STORED: return "stored";
	case LL_PM_CORR_COMPUTED: return "computed";
	case LL_PM_CORR_NONE: break;
	}
	return "none";
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int str_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static bool is_network(const char *error_class)
{
	return error_class && strcmp(error_class, "network") == 0;
}

static double pct(int64_t part, int64_t whole)
{
	return whole > 0 ? (double)part * 100.0 / (double)whole : 0.0;
}

/* Appends s in single quotes, cut to QUOTE_MAX bytes without splitting a UTF-8 sequence.
 * The text stays raw: each renderer escapes the whole sentence for its format. */
static void put_quoted(struct ll_buf *b, const char *s)
{
	if (!s)
		s = "";
	size_t len = strlen(s);
	size_t n = len;
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	ll_buf_putc(b, '\'');
	ll_buf_append(b, s, n);
	if (n < len)
		ll_buf_puts(b, "...");
	ll_buf_putc(b, '\'');
}

/* "500 Internal Server Error", "422", "network error", "other error". */
static void put_label(struct ll_buf *b, int status, const char *reason, const char *error_class)
{
	if (status) {
		ll_buf_printf(b, "%d", status);
		if (reason && *reason)
			ll_buf_printf(b, " %s", reason);
	} else {
		ll_buf_printf(b, "%s error", error_class ? error_class : "other");
	}
}

/* ---- operations and causes ---- */

static int cmp_group_ptr(const void *pa, const void *pb)
{
	const struct ll_pm_failure_group *a = *(const struct ll_pm_failure_group *const *)pa;
	const struct ll_pm_failure_group *b = *(const struct ll_pm_failure_group *const *)pb;
	int c;
	if ((c = str_cmp(a->op, b->op)) || (c = a->status - b->status) ||
	    (c = str_cmp(a->error_class, b->error_class)))
		return c;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return str_cmp(a->template_text, b->template_text);
}

static int cmp_cause(const void *pa, const void *pb)
{
	const struct ll_pm_cause *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->status != b->status)
		return a->status - b->status;
	return str_cmp(a->error_class, b->error_class);
}

static const struct ll_corr_group *find_corr_group(const struct ll_corr_summary *s, const char *op,
                                                   int status, const char *error_class)
{
	for (size_t i = 0; s && i < s->n_groups; i++) {
		const struct ll_corr_group *g = &s->groups[i];
		if (str_eq(g->op, op) && g->status == status && str_eq(g->error_class, error_class))
			return g;
	}
	return NULL;
}

static bool set_server_note(struct ll_pm_cause *c, bool has_server_log)
{
	struct ll_buf b = LL_BUF_INIT;
	if (!c->correlated) {
		if (!has_server_log)
			ll_buf_puts(&b, "no server log was ingested for this run");
		else
			return true;
	} else if (c->unexplained == 0) {
		return true;
	} else if (is_network(c->error_class)) {
		ll_buf_printf(&b, "the server logged nothing for these %lld network errors: the requests "
		              "never reached a handler, or the load tester gave up (a timeout, a refused "
		              "connection and a DNS failure look the same)", (long long)c->unexplained);
	} else if (c->explained == 0 && c->unexplained == 1) {
		ll_buf_puts(&b, "the server logged nothing for this failure");
	} else if (c->explained == 0) {
		ll_buf_printf(&b, "the server logged nothing for these %lld failures", (long long)c->unexplained);
	} else {
		ll_buf_printf(&b, "the server logged nothing for %lld of these %lld failures",
		              (long long)c->unexplained, (long long)c->count);
	}
	c->server_note = ll_buf_detach(&b);
	return c->server_note != NULL;
}

/* Groups of one operation [a, b) (sorted by cmp_group_ptr) -> causes. */
static bool build_causes(struct ll_pm_op *op, const struct ll_pm_failure_group *const *g, size_t a,
                         size_t b, const struct ll_pm_input *in)
{
	for (size_t i = a; i < b;) {
		size_t j = i;
		while (j < b && g[j]->status == g[i]->status && str_eq(g[j]->error_class, g[i]->error_class))
			j++;
		struct ll_pm_cause *grown = realloc(op->causes, (op->n_causes + 1) * sizeof *grown);
		if (!grown)
			return false;
		op->causes = grown;
		struct ll_pm_cause *c = &grown[op->n_causes++];
		memset(c, 0, sizeof *c);
		c->status = g[i]->status;
		c->error_class = g[i]->error_class;
		for (size_t k = i; k < j; k++) {
			if (!c->reason && g[k]->reason)
				c->reason = g[k]->reason;
			if (!c->error_code && g[k]->error_code)
				c->error_code = g[k]->error_code;
			c->count += g[k]->count;
			if (c->n_messages < LL_PM_MAX_MESSAGES)
				c->messages[c->n_messages++] = (struct ll_pm_message){
					g[k]->template_text, g[k]->example, g[k]->count };
			else
				c->other_messages += g[k]->count;
		}
		const struct ll_corr_group *cg = find_corr_group(in->corr, op->op, c->status, c->error_class);
		if (cg) {
			c->correlated = true;
			c->explained = (int64_t)(cg->by_id + cg->by_time);
			c->unexplained = (int64_t)cg->unexplained;
			c->server = cg->templates;
			c->n_server = cg->n_templates;
		}
		struct ll_buf lb = LL_BUF_INIT;
		put_label(&lb, c->status, c->reason, c->error_class);
		if (!(c->label = ll_buf_detach(&lb)) || !set_server_note(c, in->has_server_log))
			return false;
		op->logged_failures += c->count;
		op->explained += c->explained;
		op->unexplained += c->unexplained;
		i = j;
	}
	for (size_t k = 0; k < op->n_causes; k++)
		op->causes[k].share_pct = pct(op->causes[k].count, op->logged_failures);
	if (op->n_causes > 1)
		qsort(op->causes, op->n_causes, sizeof *op->causes, cmp_cause);
	op->has_failure_detail = op->n_causes > 0;
	return true;
}

static bool build_ops(struct ll_postmortem *pm, const struct ll_pm_input *in)
{
	const struct ll_run_report *r = in->report;
	const struct ll_pm_failure_group **g = malloc((in->n_groups ? in->n_groups : 1) * sizeof *g);
	if (!g)
		return false;
	for (size_t i = 0; i < in->n_groups; i++)
		g[i] = &in->groups[i];
	if (in->n_groups > 1)
		qsort(g, in->n_groups, sizeof *g, cmp_group_ptr);
	pm->ops = calloc(r->n_ops ? r->n_ops : 1, sizeof *pm->ops);
	if (!pm->ops) {
		free(g);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < r->n_ops && ok; i++) {
		const struct ll_op_stats *s = &r->ops[i];
		struct ll_pm_op *op = &pm->ops[pm->n_ops++];
		op->op = s->op;
		op->count = s->count;
		op->errors = s->error_count;
		op->error_rate_pct = pct(s->error_count, s->count);
		op->all_failed = s->count > 0 && s->error_count == s->count;
		op->p50_us = s->p50_us;
		op->p95_us = s->p95_us;
		op->p99_us = s->p99_us;
		/* tag: histogram-ceiling */
		op->latency_unknown = s->count > 0 && s->p50_us == 0 && s->p95_us == 0 && s->p99_us == 0;
		op->at_ceiling = s->p99_us >= LL_HIST_NEAR_CEILING_US;
		size_t a = 0;
		while (a < in->n_groups && !str_eq(g[a]->op, s->op))
			a++;
		size_t b = a;
		while (b < in->n_groups && str_eq(g[b]->op, s->op))
			b++;
		ok = build_causes(op, g, a, b, in);
		pm->explained += op->explained;
		pm->unexplained += op->unexplained;
		pm->total_failures_logged += op->logged_failures;
	}
	free(g);
	return ok;
}

/* ---- timeline (tag: burst-measure) ---- */

static double dispersion(const int64_t *counts, size_t n, int64_t total)
{
	if (n == 0 || total == 0)
		return 0.0;
	double mean = (double)total / (double)n, var = 0.0;
	for (size_t i = 0; i < n; i++) {
		double d = (double)counts[i] - mean;
		var += d * d;
	}
	return var / (double)n / mean;
}

static int cmp_i64_desc(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return a < b ? 1 : a > b ? -1 : 0;
}

static size_t find_or_add_name(const char ***names, size_t *n, const char *name, bool *ok)
{
	for (size_t i = 0; i < *n; i++)
		if (str_eq((*names)[i], name))
			return i;
	const char **grown = realloc(*names, (*n + 1) * sizeof *grown);
	if (!grown) {
		*ok = false;
		return 0;
	}
	*names = grown;
	grown[*n] = name;
	return (*n)++;
}

static int cmp_name(const void *pa, const void *pb)
{
	return str_cmp(*(const char *const *)pa, *(const char *const *)pb);
}

static bool build_timeline(struct ll_postmortem *pm, const struct ll_pm_input *in)
{
	struct ll_pm_timeline *t = &pm->timeline;
	if (!in->has_client_span || in->client_last_ts_us < in->client_first_ts_us)
		return true;
	int64_t first = in->client_first_ts_us / 1000000, last = in->client_last_ts_us / 1000000;
	int64_t n_sec = last - first + 1;
	t->bucket_s = (n_sec + LL_PM_MAX_BUCKETS - 1) / LL_PM_MAX_BUCKETS;
	if (t->bucket_s < 1)
		t->bucket_s = 1;
	t->n_buckets = (size_t)((n_sec + t->bucket_s - 1) / t->bucket_s);
	t->start_ts_us = first * 1000000;
	t->present = true;

	bool ok = true;
	const char **ops = NULL, **classes = NULL;
	size_t n_ops = 0, n_classes = 0;
	for (size_t i = 0; i < in->n_seconds && ok; i++) {
		find_or_add_name(&ops, &n_ops, in->seconds[i].op, &ok);
		if (ok)
			find_or_add_name(&classes, &n_classes, in->seconds[i].error_class, &ok);
	}
	if (ok) {
		if (n_ops > 1)
			qsort(ops, n_ops, sizeof *ops, cmp_name);
		if (n_classes > 1)
			qsort(classes, n_classes, sizeof *classes, cmp_name);
		t->series = calloc(n_ops ? n_ops : 1, sizeof *t->series);
		t->bursts = calloc(n_classes ? n_classes : 1, sizeof *t->bursts);
		ok = t->series && t->bursts;
	}
	int64_t **class_counts = ok ? calloc(n_classes ? n_classes : 1, sizeof *class_counts) : NULL;
	ok = ok && class_counts;
	for (size_t i = 0; ok && i < n_ops; i++) {
		t->series[i].op = ops[i];
		t->n_series++;
		ok = (t->series[i].counts = calloc(t->n_buckets, sizeof(int64_t))) != NULL;
	}
	for (size_t i = 0; ok && i < n_classes; i++) {
		t->bursts[i].error_class = classes[i];
		t->n_bursts++;
		ok = (class_counts[i] = calloc(t->n_buckets, sizeof(int64_t))) != NULL;
	}
	for (size_t i = 0; ok && i < in->n_seconds; i++) {
		const struct ll_pm_error_second *s = &in->seconds[i];
		int64_t off = s->sec - first;
		if (off < 0)
			off = 0;
		size_t k = (size_t)(off / t->bucket_s);
		if (k >= t->n_buckets)
			k = t->n_buckets - 1;
		for (size_t j = 0; j < n_ops; j++)
			if (str_eq(ops[j], s->op)) {
				t->series[j].counts[k] += s->count;
				t->series[j].total += s->count;
			}
		for (size_t j = 0; j < n_classes; j++)
			if (str_eq(classes[j], s->error_class))
				class_counts[j][k] += s->count;
	}
	for (size_t i = 0; ok && i < t->n_series; i++) {
		struct ll_pm_series *se = &t->series[i];
		for (size_t k = 0; k < t->n_buckets; k++)
			if (se->counts[k] > se->peak)
				se->peak = se->counts[k];
		if (se->peak > t->peak)
			t->peak = se->peak;
		se->dispersion = dispersion(se->counts, t->n_buckets, se->total);
		se->bursty = se->total >= LL_PM_BURST_MIN_ERRORS && se->dispersion >= LL_PM_BURSTY_DISPERSION;
	}
	for (size_t i = 0; ok && i < t->n_bursts; i++) {
		struct ll_pm_burst *bu = &t->bursts[i];
		int64_t *c = class_counts[i];
		for (size_t k = 0; k < t->n_buckets; k++) {
			bu->total += c[k];
			bu->busy_buckets += c[k] > 0;
			if (c[k] > bu->peak) {
				bu->peak = c[k];
				bu->peak_bucket = (int64_t)k;
			}
		}
		bu->dispersion = dispersion(c, t->n_buckets, bu->total);
		bu->bursty = bu->total >= LL_PM_BURST_MIN_ERRORS && bu->dispersion >= LL_PM_BURSTY_DISPERSION;
	}
	if (ok) {
		struct ll_buf b = LL_BUF_INIT;
		ll_buf_printf(&b, "index of dispersion D = variance / mean of the errors per %lld-second "
		              "bucket over all %zu buckets of the run: D ~ 1 for errors arriving evenly "
		              "at random, D <= 1 for a steady share of evenly sent operations, D >= %.0f "
		              "(with at least %d errors) counts as bursts",
		              (long long)t->bucket_s, t->n_buckets, LL_PM_BURSTY_DISPERSION,
		              LL_PM_BURST_MIN_ERRORS);
		ok = (t->measure = ll_buf_detach(&b)) != NULL;
	}
	for (size_t i = 0; class_counts && i < n_classes; i++)
		free(class_counts[i]);
	free(class_counts);
	free(ops);
	free(classes);
	return ok;
}

/* ---- patterns and steps ---- */

static bool add_pattern(struct ll_postmortem *pm, enum ll_pm_pattern_kind kind, struct ll_buf *b)
{
	char *text = ll_buf_detach(b);
	struct ll_pm_pattern *grown = text ? realloc(pm->patterns, (pm->n_patterns + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(text);
		return false;
	}
	pm->patterns = grown;
	grown[pm->n_patterns++] = (struct ll_pm_pattern){ kind, text };
	return true;
}

static bool add_step(struct ll_postmortem *pm, struct ll_buf *action, struct ll_buf *evidence)
{
	char *a = ll_buf_detach(action), *e = ll_buf_detach(evidence);
	struct ll_pm_step *grown = a && e ? realloc(pm->steps, (pm->n_steps + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(a);
		free(e);
		return false;
	}
	pm->steps = grown;
	grown[pm->n_steps++] = (struct ll_pm_step){ a, e };
	return true;
}

/* Network errors over all operations: "278 Store, 176 Recall, ..." into b; the total. */
static int64_t network_breakdown(const struct ll_postmortem *pm, struct ll_buf *b)
{
	int64_t total = 0;
	for (size_t i = 0; i < pm->n_ops; i++)
		for (size_t k = 0; k < pm->ops[i].n_causes; k++) {
			const struct ll_pm_cause *c = &pm->ops[i].causes[k];
			if (!is_network(c->error_class))
				continue;
			if (b)
				ll_buf_printf(b, "%s%s %lld", total ? ", " : "", pm->ops[i].op, (long long)c->count);
			total += c->count;
		}
	return total;
}

static const struct ll_pm_burst *find_burst(const struct ll_pm_timeline *t, const char *cls)
{
	for (size_t i = 0; i < t->n_bursts; i++)
		if (str_eq(t->bursts[i].error_class, cls))
			return &t->bursts[i];
	return NULL;
}

/* The smallest number of buckets that hold 90% of a class's errors: "within N buckets". */
static size_t buckets_for_90pct(const struct ll_pm_timeline *t, const struct ll_pm_input *in,
                                const char *cls, bool *ok)
{
	int64_t *c = calloc(t->n_buckets ? t->n_buckets : 1, sizeof *c);
	if (!c) {
		*ok = false;
		return 0;
	}
	int64_t first = t->start_ts_us / 1000000, total = 0;
	for (size_t i = 0; i < in->n_seconds; i++) {
		const struct ll_pm_error_second *s = &in->seconds[i];
		if (!str_eq(s->error_class, cls))
			continue;
		int64_t off = s->sec - first;
		size_t k = off < 0 ? 0 : (size_t)(off / t->bucket_s);
		if (k >= t->n_buckets)
			k = t->n_buckets - 1;
		c[k] += s->count;
		total += s->count;
	}
	if (t->n_buckets > 1)
		qsort(c, t->n_buckets, sizeof *c, cmp_i64_desc);
	size_t n = 0;
	int64_t acc = 0;
	while (n < t->n_buckets && acc * 10 < total * 9)
		acc += c[n++];
	free(c);
	return n;
}

static bool timing_patterns(struct ll_postmortem *pm, const struct ll_pm_input *in)
{
	const struct ll_pm_timeline *t = &pm->timeline;
	bool ok = true;
	for (size_t i = 0; ok && i < t->n_bursts; i++) {
		const struct ll_pm_burst *bu = &t->bursts[i];
		if (bu->total == 0)
			continue;
		struct ll_buf b = LL_BUF_INIT;
		const char *cls = bu->error_class ? bu->error_class : "other";
		if (bu->bursty) {
			size_t n90 = buckets_for_90pct(t, in, bu->error_class, &ok);
			ll_buf_printf(&b, "%s errors come in bursts: index of dispersion %.1f; 90%% of the %lld "
			              "fall within %zu of the run's %zu %lld-second buckets, the busiest holding "
			              "%lld at +%lld s",
			              cls, bu->dispersion, (long long)bu->total, n90, t->n_buckets,
			              (long long)t->bucket_s, (long long)bu->peak,
			              (long long)(bu->peak_bucket * t->bucket_s));
		} else if (bu->total >= LL_PM_BURST_MIN_ERRORS) {
			ll_buf_printf(&b, "%s errors are spread evenly over the run: index of dispersion %.1f; "
			              "%lld errors in %zu of %zu %lld-second buckets, at most %lld in one",
			              cls, bu->dispersion, (long long)bu->total, bu->busy_buckets, t->n_buckets,
			              (long long)t->bucket_s, (long long)bu->peak);
		} else {
			ll_buf_printf(&b, "%s errors are too few (%lld) to say whether they come in bursts", cls,
			              (long long)bu->total);
		}
		ok = ok && add_pattern(pm, LL_PM_PATTERN_TIMING, &b);
		ll_buf_release(&b);
	}
	return ok;
}

static bool build_patterns(struct ll_postmortem *pm, const struct ll_pm_input *in)
{
	struct ll_buf b = LL_BUF_INIT;
	bool ok = true;
	const struct ll_finding *f = ll_check_find(in->check, "shared_error_rate", NULL);
	if (f) {
		ll_buf_puts(&b, f->message);
		ok = add_pattern(pm, LL_PM_PATTERN_SHARED_RATE, &b);
	}
	for (size_t i = 0; ok && i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (!op->all_failed)
			continue;
		ll_buf_printf(&b, "%s fails 100%% (%lld/%lld): a request/API mismatch or a broken endpoint "
		              "is likely", op->op, (long long)op->errors, (long long)op->count);
		for (size_t k = 0; k < op->n_causes; k++)
			ll_buf_printf(&b, "%s%s %lld", k ? ", " : "; the load tester saw ",
			              op->causes[k].label, (long long)op->causes[k].count);
		ok = add_pattern(pm, LL_PM_PATTERN_ALL_FAILED, &b);
	}
	if (ok && pm->timeline.present)
		ok = timing_patterns(pm, in);
	struct ll_buf nb = LL_BUF_INIT;
	int64_t net = network_breakdown(pm, &nb);
	if (ok && net > 0) {
		ll_buf_printf(&b, "%lld network errors (%s) carry no status, no body and no server trace: "
		              "the load tester prints only '<Op>: network error', so a timeout, a refused "
		              "connection and a DNS failure look the same", (long long)net, ll_buf_str(&nb));
		ok = add_pattern(pm, LL_PM_PATTERN_NETWORK, &b);
	}
	ll_buf_release(&nb);
	/* HTTP failures the server never logged (Engram logs no rejected request, DESIGN §2.3). */
	int64_t silent = 0;
	for (size_t i = 0; ok && i < pm->n_ops; i++)
		for (size_t k = 0; k < pm->ops[i].n_causes; k++) {
			const struct ll_pm_cause *c = &pm->ops[i].causes[k];
			if (!c->correlated || is_network(c->error_class) || c->unexplained == 0)
				continue;
			ll_buf_printf(&b, "%s%s %s: %lld", silent ? ", " : "", pm->ops[i].op, c->label,
			              (long long)c->unexplained);
			silent += c->unexplained;
		}
	if (ok && silent > 0) {
		char *list = ll_buf_detach(&b);
		ok = list != NULL;
		if (ok)
			ll_buf_printf(&b, "the server logged nothing for %lld HTTP failure%s (%s): it does not "
			              "log the requests it rejects or those failures", (long long)silent,
			              silent == 1 ? "" : "s", list);
		free(list);
		ok = ok && add_pattern(pm, LL_PM_PATTERN_SERVER_SILENT, &b);
	}
	ll_buf_reset(&b);
	for (size_t i = 0; ok && i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (op->latency_unknown)
			ll_buf_printf(&b, "%s: every latency percentile is 0 over %lld operations: every sample "
			              "was over the load tester's %d us histogram ceiling and dropped, so its "
			              "latency is unknown", op->op, (long long)op->count, LL_HIST_CEILING_US);
		else if (op->at_ceiling)
			ll_buf_printf(&b, "%s: p99 %lld us is at the load tester's %d us histogram ceiling: "
			              "slower samples were dropped, the true tail is unknown", op->op,
			              (long long)op->p99_us, LL_HIST_CEILING_US);
		else
			continue;
		ok = add_pattern(pm, LL_PM_PATTERN_CEILING, &b);
	}
	ll_buf_release(&b);
	return ok;
}

/* The verbatim example of a cause's first message, for evidence. */
static const char *cause_example(const struct ll_pm_cause *c)
{
	return c->n_messages ? (c->messages[0].example ? c->messages[0].example : c->messages[0].template_text)
	                     : NULL;
}

static void put_cause_evidence(struct ll_buf *b, const struct ll_pm_cause *c)
{
	ll_buf_printf(b, "%lld with %s", (long long)c->count, c->label);
	if (c->error_code)
		ll_buf_printf(b, " %s", c->error_code);
	const char *ex = cause_example(c);
	if (ex && !is_network(c->error_class)) {
		ll_buf_puts(b, " ");
		put_quoted(b, ex);
	}
}

/* A 5xx cause the server logged: the first server template says where. */
static bool server_logged_5xx(const struct ll_pm_cause *c)
{
	return c->status >= 500 && c->explained > 0 && c->n_server > 0;
}

static bool build_steps(struct ll_postmortem *pm, const struct ll_pm_input *in)
{
	struct ll_buf a = LL_BUF_INIT, e = LL_BUF_INIT;
	bool ok = true;
	const struct ll_run_report *r = in->report;
	if (r->total_errors > 0 && !in->has_client_log) {
		ll_buf_puts(&a, "ingest the load tester's output: its failure lines carry each failure's "
		            "status, error code and body");
		ll_buf_printf(&e, "%lld of %lld operations failed, and the run has no load tester log",
		              (long long)r->total_errors, (long long)r->total_ops);
		ok = add_step(pm, &a, &e);
	}
	if (ok && r->total_errors > 0 && in->has_client_log && !in->has_server_log) {
		ll_buf_puts(&a, "ingest the server log of the run, then run 'loadlens correlate'");
		ll_buf_printf(&e, "%lld failures in the load tester log and no server log to explain them",
		              (long long)pm->total_failures_logged);
		ok = add_step(pm, &a, &e);
	}
	/* An operation failing every time: its dominant cause says where to look. */
	for (size_t i = 0; ok && i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (!op->all_failed)
			continue;
		const struct ll_pm_cause *c = op->n_causes ? &op->causes[0] : NULL;
		if (c && c->status >= 400 && c->status < 500)
			ll_buf_printf(&a, "fix the %s request: the server rejects it with %d, so the request "
			              "body does not match the API", op->op, c->status);
		else if (c && c->status >= 500)
			ll_buf_printf(&a, "fix the server's %s handler: every request fails with %d", op->op,
			              c->status);
		else
			ll_buf_printf(&a, "test the %s endpoint directly (curl): every request fails", op->op);
		ll_buf_printf(&e, "%s %lld/%lld failed", op->op, (long long)op->errors, (long long)op->count);
		if (c) {
			ll_buf_puts(&e, "; ");
			put_cause_evidence(&e, c);
			if (c->correlated && c->explained == 0)
				ll_buf_puts(&e, "; the server logged nothing for them");
		}
		ok = add_step(pm, &a, &e);
	}
	/* Server errors the server did log: fix the path that logs them, one step per server
	 * message (several operations may fail through the same path). */
	for (size_t i = 0; ok && i < pm->n_ops; i++) {
		for (size_t k = 0; ok && k < pm->ops[i].n_causes; k++) {
			const struct ll_pm_cause *c = &pm->ops[i].causes[k];
			if (!server_logged_5xx(c))
				continue;
			const char *tmpl = c->server[0].text ? c->server[0].text : "(no message)";
			bool seen = false;
			for (size_t pi = 0; pi <= i && !seen; pi++)
				for (size_t pk = 0; pk < pm->ops[pi].n_causes && !(pi == i && pk >= k); pk++) {
					const struct ll_pm_cause *pc = &pm->ops[pi].causes[pk];
					if (server_logged_5xx(pc) && str_eq(pc->server[0].text, c->server[0].text))
						seen = true;
				}
			if (seen)
				continue;
			ll_buf_puts(&a, "fix the server path that logs ");
			put_quoted(&a, tmpl);
			size_t cited = 0;
			for (size_t j = i; j < pm->n_ops; j++)
				for (size_t m = 0; m < pm->ops[j].n_causes; m++) {
					const struct ll_pm_cause *x = &pm->ops[j].causes[m];
					if ((j == i && m < k) || !server_logged_5xx(x) ||
					    !str_eq(x->server[0].text, c->server[0].text))
						continue;
					ll_buf_printf(&e, "%s%s: %lld of %lld failures are %s", cited++ ? "; " : "",
					              pm->ops[j].op, (long long)x->explained,
					              (long long)pm->ops[j].logged_failures, x->label);
					if (x->error_code)
						ll_buf_printf(&e, " %s", x->error_code);
					ll_buf_puts(&e, " that the server logged as ");
					put_quoted(&e, tmpl);
					if (x->n_server > 1)
						ll_buf_printf(&e, " (and %zu other server message%s)", x->n_server - 1,
						              x->n_server == 2 ? "" : "s");
				}
			ok = add_step(pm, &a, &e);
		}
	}
	/* Requests rejected without a trace (4xx of an operation that mostly works). */
	for (size_t i = 0; ok && i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (op->all_failed)
			continue;
		for (size_t k = 0; ok && k < op->n_causes; k++) {
			const struct ll_pm_cause *c = &op->causes[k];
			if (c->status < 400 || c->status >= 500)
				continue;
			ll_buf_printf(&a, "check the %s requests the load tester sends: the server rejects "
			              "some with %d", op->op, c->status);
			ll_buf_printf(&e, "%s: ", op->op);
			put_cause_evidence(&e, c);
			if (c->correlated && c->explained == 0)
				ll_buf_puts(&e, "; the server logged nothing for them");
			ok = add_step(pm, &a, &e);
		}
	}
	struct ll_buf nb = LL_BUF_INIT;
	int64_t net = network_breakdown(pm, &nb);
	if (ok && net > 0) {
		ll_buf_puts(&a, "network errors hide their cause: rerun at a lower rate, and make the load "
		            "tester log the underlying error (timeout, connection refused, DNS)");
		ll_buf_printf(&e, "%lld network errors (%s) with no server trace", (long long)net,
		              ll_buf_str(&nb));
		const struct ll_pm_burst *bu = find_burst(&pm->timeline, "network");
		if (bu && bu->bursty)
			ll_buf_printf(&e, "; they come in bursts (index of dispersion %.1f, busiest %lld-second "
			              "bucket at +%lld s holds %lld)", bu->dispersion, (long long)pm->timeline.bucket_s,
			              (long long)(bu->peak_bucket * pm->timeline.bucket_s), (long long)bu->peak);
		ok = add_step(pm, &a, &e);
	}
	ll_buf_release(&nb);
	/* Other HTTP failures the server did not log: make it log them. */
	int64_t silent = 0;
	for (size_t i = 0; ok && i < pm->n_ops; i++)
		for (size_t k = 0; k < pm->ops[i].n_causes; k++) {
			const struct ll_pm_cause *c = &pm->ops[i].causes[k];
			if (c->correlated && !is_network(c->error_class) && c->unexplained > 0) {
				ll_buf_printf(&e, "%s%s %s: %lld", silent ? ", " : "", pm->ops[i].op, c->label,
				              (long long)c->unexplained);
				silent += c->unexplained;
			}
		}
	if (ok && silent > 0) {
		ll_buf_puts(&a, "make the server log every failed request (route, status, error code) "
		            "so failures can be joined to their cause");
		char *list = ll_buf_detach(&e);
		ok = list != NULL;
		if (ok)
			ll_buf_printf(&e, "%lld HTTP failure%s no server trace (%s)", (long long)silent,
			              silent == 1 ? " has" : "s have", list);
		free(list);
		ok = ok && add_step(pm, &a, &e);
	}
	for (size_t i = 0; ok && i < in->n_panics; i++) {
		const struct ll_pm_panic *p = &in->panics[i];
		ll_buf_puts(&a, "fix the server panic");
		if (p->location)
			ll_buf_printf(&a, " at %s", p->location);
		ll_buf_puts(&e, "the server panicked: ");
		put_quoted(&e, p->message);
		ll_buf_printf(&e, " (%s:%ld); a panic during a run kills the server", p->path ? p->path : "?",
		              p->line);
		ok = add_step(pm, &a, &e);
	}
	const struct ll_finding *f = ll_check_find(in->check, "throughput", NULL);
	if (ok && f) {
		ll_buf_puts(&a, "find why the load tester stayed below its rate (rerun once the errors are fixed)");
		ll_buf_puts(&e, f->message);
		if (in->header.has_target_rate)
			ll_buf_printf(&e, "; the run's target rate was %.0f ops/s", in->header.target_rate);
		ok = add_step(pm, &a, &e);
	}
	for (size_t i = 0; ok && i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (!op->latency_unknown && !op->at_ceiling)
			continue;
		ll_buf_printf(&a, "treat %s's latency as unknown: raise the load tester's histogram ceiling "
		              "or look for timeouts", op->op);
		ll_buf_printf(&e, "%s p99 %lld us over %lld operations; the histogram drops samples above %d us",
		              op->op, (long long)op->p99_us, (long long)op->count, LL_HIST_CEILING_US);
		ok = add_step(pm, &a, &e);
	}
	ll_buf_release(&a);
	ll_buf_release(&e);
	return ok;
}

enum ll_status ll_postmortem_build(const struct ll_pm_input *in, struct ll_postmortem *out,
                                   struct ll_error *err)
{
	struct ll_postmortem pm = LL_POSTMORTEM_INIT;
	const struct ll_run_report *r = in->report;
	pm.run = in->run;
	pm.version = in->version;
	pm.check = in->check;
	pm.check_params = in->check_params;
	pm.report = r;
	pm.header = in->header;
	pm.throughput_of_target_pct = in->header.has_target_rate && in->header.target_rate > 0
	                                      ? r->throughput * 100.0 / in->header.target_rate
	                                      : NAN;
	pm.has_client_log = in->has_client_log;
	pm.has_server_log = in->has_server_log;
	pm.corr_source = in->corr_source;
	pm.corr_result = in->corr_result;
	pm.levels = in->levels;
	pm.n_levels = in->n_levels;
	for (size_t i = 0; i < in->n_levels; i++)
		pm.server_events += in->levels[i].count;
	pm.server_templates = in->server_templates;
	pm.n_server_templates = in->n_server_templates;
	pm.panics = in->panics;
	pm.n_panics = in->n_panics;
	pm.inputs = in->inputs;
	pm.n_inputs = in->n_inputs;
	if (!build_ops(&pm, in) || !build_timeline(&pm, in) || !build_patterns(&pm, in) ||
	    !build_steps(&pm, in)) {
		ll_postmortem_release(&pm);
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	}
	*out = pm;
	return LL_OK;
}

void ll_postmortem_release(struct ll_postmortem *pm)
{
	if (!pm)
		return;
	for (size_t i = 0; i < pm->n_ops; i++) {
		for (size_t k = 0; k < pm->ops[i].n_causes; k++) {
			free(pm->ops[i].causes[k].label);
			free(pm->ops[i].causes[k].server_note);
		}
		free(pm->ops[i].causes);
	}
	free(pm->ops);
	for (size_t i = 0; i < pm->n_patterns; i++)
		free(pm->patterns[i].text);
	free(pm->patterns);
	for (size_t i = 0; i < pm->timeline.n_series; i++)
		free(pm->timeline.series[i].counts);
	free(pm->timeline.series);
	free(pm->timeline.bursts);
	free(pm->timeline.measure);
	for (size_t i = 0; i < pm->n_steps; i++) {
		free(pm->steps[i].action);
		free(pm->steps[i].evidence);
	}
	free(pm->steps);
	memset(pm, 0, sizeof *pm);
}
