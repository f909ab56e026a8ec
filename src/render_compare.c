/* render_compare: compare results as text, JSON, Markdown and JUnit XML. The deltas,
 * percentages, states and verdicts all come from compare.c; this file only prints them. */
#include "loadlens/render.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

/* How each metric is printed: decimals, and a unit suffix for people. */
static int decimals(const char *metric)
{
	if (strcmp(metric, "errors") == 0)
		return 0;
	if (strcmp(metric, "throughput") == 0)
		return 1;
	if (strcmp(metric, "error_rate_pct") == 0)
		return 2;
	return 3;
}

static bool is_pp(const struct ll_compare_row *row)
{
	return row->gate == LL_GATE_HIGHER_WORSE_PP;
}

static void value(struct ll_out *o, struct ll_opt v, const char *metric)
{
	if (!v.present)
		ll_out_puts(o, "-");
	else
		ll_out_num(o, v.v, decimals(metric));
}

/* The change column: DESIGN §5.5 spells n/a (baseline 0), n/a (missing), +0.00%. */
static void change(struct ll_out *o, const struct ll_compare_row *row)
{
	const struct ll_pct *p = &row->pct;
	switch (p->state) {
	case LL_PCT_OK: ll_out_printf(o, "%+.2f%%", p->pct); break;
	case LL_PCT_UNCHANGED: ll_out_puts(o, "+0.00%"); break;
	case LL_PCT_BASELINE_ZERO: ll_out_puts(o, "n/a (baseline 0)"); break;
	case LL_PCT_MISSING: ll_out_puts(o, "n/a (missing)"); break;
	case LL_PCT_ADDED: ll_out_puts(o, "added"); break;
	case LL_PCT_REMOVED: ll_out_puts(o, "removed"); break;
	}
}

static void delta(struct ll_out *o, const struct ll_compare_row *row)
{
	if (!row->pct.has_delta || row->pct.state == LL_PCT_ADDED || row->pct.state == LL_PCT_REMOVED) {
		ll_out_puts(o, "-");
		return;
	}
	ll_out_printf(o, "%+.*f%s", decimals(row->metric), row->pct.delta, is_pp(row) ? " pp" : "");
}

static void limit(struct ll_out *o, const struct ll_compare_row *row)
{
	switch (row->gate) {
	case LL_GATE_NONE: break;
	case LL_GATE_HIGHER_WORSE_PCT: ll_out_printf(o, "rises > %.2f%%", row->threshold); break;
	case LL_GATE_LOWER_WORSE_PCT: ll_out_printf(o, "falls > %.2f%%", row->threshold); break;
	case LL_GATE_HIGHER_WORSE_PP: ll_out_printf(o, "rises > %.2f pp", row->threshold); break;
	}
}

static void invalid_runs(struct ll_out *o, const struct ll_compare_result *res,
                         const struct ll_subject *base, const struct ll_subject *cand, bool md)
{
	const struct {
		const char *role;
		const struct ll_subject *s;
		const struct ll_check_result *c;
	} sides[2] = { { "baseline", base, &res->base_check }, { "candidate", cand, &res->cand_check } };
	for (int k = 0; k < 2; k++) {
		if (sides[k].c->valid)
			continue;
		ll_out_printf(o, "%s%s ", md ? "- " : "", sides[k].role);
		if (md) {
			ll_out_md_cell(o, sides[k].s->name);
		} else {
			ll_out_term_text(o, sides[k].s->name);
		}
		ll_out_puts(o, " fails check:\n");
		for (size_t i = 0; i < sides[k].c->n_findings; i++) {
			const struct ll_finding *f = &sides[k].c->findings[i];
			if (f->severity != LL_SEV_ERROR)
				continue;
			ll_out_printf(o, "%s%s: ", md ? "  - `" : "    ", f->rule);
			if (md) {
				ll_out_puts(o, "` ");
				ll_out_md_cell(o, f->message);
			} else {
				ll_out_term_text(o, f->message);
			}
			ll_out_puts(o, "\n");
		}
	}
}

/* Moves the text rendered into the memory sink c to o, padded to |width| columns (left
 * aligned when width < 0) and followed by a space; c is left empty for the next cell. */
static void pad(struct ll_out *o, struct ll_out *c, int width)
{
	char *s = ll_out_take_memory(c);
	ll_out_printf(o, "%*s ", width, s ? s : "");
	free(s);
}

static const char *verdict_upper(enum ll_compare_verdict v)
{
	switch (v) {
	case LL_VERDICT_PASS: return "PASS";
	case LL_VERDICT_REGRESSION: return "REGRESSION";
	case LL_VERDICT_NOT_MEANINGFUL: return "NOT MEANINGFUL";
	}
	return "NOT MEANINGFUL";
}

static void text(struct ll_out *o, const struct ll_subject *base, const struct ll_subject *cand,
                 const struct ll_compare_result *res)
{
	ll_out_puts(o, "compare ");
	ll_out_term_text(o, base->name);
	ll_out_puts(o, " -> ");
	ll_out_term_text(o, cand->name);
	ll_out_puts(o, ": ");
	if (o->color)
		ll_out_puts(o, res->verdict == LL_VERDICT_PASS ? "\033[32m" : "\033[1;31m");
	ll_out_puts(o, verdict_upper(res->verdict));
	if (o->color)
		ll_out_puts(o, "\033[0m");
	if (res->verdict == LL_VERDICT_REGRESSION)
		ll_out_printf(o, " (%zu regressed metric%s)", res->n_regressions,
		              res->n_regressions == 1 ? "" : "s");
	ll_out_puts(o, "\n");
	if (!res->base_valid || !res->cand_valid) {
		invalid_runs(o, res, base, cand, false);
		if (res->compared_invalid)
			ll_out_puts(o, "Compared anyway (--allow-invalid): the deltas below are not a "
			               "trustworthy verdict.\n");
		else
			ll_out_puts(o, "The comparison is not meaningful; use --allow-invalid to see the "
			               "deltas anyway.\n");
	}
	if (res->n_rows == 0)
		return;
	ll_out_printf(o, "\n%-20s %-15s %12s %12s %14s %18s  %s\n", "scope", "metric", "base", "cand",
	              "delta", "change", "regression when");
	for (size_t i = 0; i < res->n_rows; i++) {
		const struct ll_compare_row *row = &res->rows[i];
		struct ll_out c;
		ll_out_init_memory(&c);
		ll_out_term_text(&c, row->scope);
		pad(o, &c, -20);
		ll_out_printf(o, "%-15s ", row->metric);
		value(&c, row->base, row->metric);
		pad(o, &c, 12);
		value(&c, row->cand, row->metric);
		pad(o, &c, 12);
		delta(&c, row);
		pad(o, &c, 14);
		change(&c, row);
		pad(o, &c, 18);
		ll_out_puts(o, " ");
		limit(o, row);
		if (row->regression)
			ll_out_puts(o, o->color ? "  \033[1;31mREGRESSION\033[0m" : "  REGRESSION");
		ll_out_puts(o, "\n");
	}
	if (res->n_regressions) {
		ll_out_puts(o, "\nRegressed:\n");
		for (size_t i = 0; i < res->n_rows; i++) {
			const struct ll_compare_row *row = &res->rows[i];
			if (!row->regression)
				continue;
			ll_out_puts(o, "  ");
			ll_out_term_text(o, row->scope);
			ll_out_printf(o, " %s: ", row->metric);
			value(o, row->base, row->metric);
			ll_out_puts(o, " -> ");
			value(o, row->cand, row->metric);
			ll_out_puts(o, " (");
			if (is_pp(row))
				delta(o, row);
			else
				change(o, row);
			ll_out_puts(o, "; limit: ");
			limit(o, row);
			ll_out_puts(o, ")\n");
		}
	}
}

static void json_opt(cJSON *obj, const char *key, bool present, double v)
{
	if (present)
		cJSON_AddNumberToObject(obj, key, v);
	else
		cJSON_AddNullToObject(obj, key);
}

static enum ll_status json(struct ll_out *o, const struct ll_subject *base,
                           const struct ll_subject *cand, const struct ll_compare_params *p,
                           const struct ll_compare_result *res, struct ll_error *err)
{
	cJSON *root = ll_render_json_root("compare");
	if (!root)
		return ll_render_json_emit(o, NULL, err);
	cJSON *inputs = cJSON_AddObjectToObject(root, "inputs");
	cJSON_AddItemToObject(inputs, "base", ll_render_json_subject(base));
	cJSON_AddItemToObject(inputs, "cand", ll_render_json_subject(cand));
	cJSON *th = cJSON_AddObjectToObject(root, "thresholds");
	cJSON_AddNumberToObject(th, "latency_pct", p->latency_threshold_pct);
	cJSON_AddNumberToObject(th, "throughput_pct", p->throughput_threshold_pct);
	cJSON_AddNumberToObject(th, "max_error_rate_increase_pp", p->max_error_rate_increase_pp);
	cJSON_AddBoolToObject(th, "allow_invalid", p->allow_invalid);
	cJSON_AddItemToObject(th, "check", ll_render_json_check_params(&p->check));
	cJSON_AddStringToObject(root, "verdict", ll_compare_verdict_name(res->verdict));
	cJSON_AddBoolToObject(root, "base_valid", res->base_valid);
	cJSON_AddBoolToObject(root, "cand_valid", res->cand_valid);
	cJSON_AddBoolToObject(root, "compared_invalid", res->compared_invalid);
	cJSON_AddNumberToObject(root, "regressions", (double)res->n_regressions);
	cJSON *rows = cJSON_AddArrayToObject(root, "rows");
	for (size_t i = 0; i < res->n_rows; i++) {
		const struct ll_compare_row *row = &res->rows[i];
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "scope", row->scope);
		cJSON_AddStringToObject(r, "metric", row->metric);
		json_opt(r, "base", row->base.present, row->base.v);
		json_opt(r, "cand", row->cand.present, row->cand.v);
		json_opt(r, "delta", row->pct.has_delta, row->pct.delta);
		json_opt(r, "pct", row->pct.state == LL_PCT_OK || row->pct.state == LL_PCT_UNCHANGED,
		         row->pct.pct);
		cJSON_AddStringToObject(r, "pct_state", ll_pct_state_name(row->pct.state));
		cJSON_AddBoolToObject(r, "regression", row->regression);
		json_opt(r, "threshold", row->gate != LL_GATE_NONE, row->threshold);
		cJSON_AddItemToArray(rows, r);
	}
	return ll_render_json_emit(o, root, err);
}

static void md_change(struct ll_out *o, const struct ll_compare_row *row)
{
	if (!row)
		return;
	value(o, row->base, row->metric);
	ll_out_puts(o, " → ");
	value(o, row->cand, row->metric);
	ll_out_puts(o, " (");
	if (is_pp(row))
		delta(o, row);
	else
		change(o, row);
	ll_out_puts(o, row->regression ? ") **regression**" : ")");
}

/* Verdict first, then the overall table, then one row per operation: short enough for a
 * pull-request comment. */
static void markdown(struct ll_out *o, const struct ll_subject *base, const struct ll_subject *cand,
                     const struct ll_compare_result *res)
{
	ll_out_printf(o, "### Load test comparison: **%s**\n\n", verdict_upper(res->verdict));
	ll_out_puts(o, "Baseline ");
	ll_out_md_cell(o, base->name);
	ll_out_puts(o, " → candidate ");
	ll_out_md_cell(o, cand->name);
	if (res->verdict == LL_VERDICT_REGRESSION)
		ll_out_printf(o, ": %zu regressed metric%s", res->n_regressions,
		              res->n_regressions == 1 ? "" : "s");
	ll_out_puts(o, ".\n");
	if (!res->base_valid || !res->cand_valid) {
		ll_out_puts(o, "\n");
		invalid_runs(o, res, base, cand, true);
		ll_out_puts(o, res->compared_invalid
		                   ? "\nCompared anyway (`--allow-invalid`): not a trustworthy verdict.\n"
		                   : "\nThe comparison is not meaningful.\n");
	}
	if (res->n_rows == 0)
		return;
	ll_out_puts(o, "\n| metric | base | cand | delta | change | gate |\n|---|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < res->n_rows; i++) {
		const struct ll_compare_row *row = &res->rows[i];
		if (strcmp(row->scope, "overall") != 0)
			continue;
		ll_out_printf(o, "| %s | ", row->metric);
		value(o, row->base, row->metric);
		ll_out_puts(o, " | ");
		value(o, row->cand, row->metric);
		ll_out_puts(o, " | ");
		delta(o, row);
		ll_out_puts(o, " | ");
		change(o, row);
		ll_out_puts(o, row->regression ? " **regression**" : "");
		ll_out_puts(o, " | ");
		limit(o, row);
		ll_out_puts(o, " |\n");
	}
	ll_out_puts(o, "\n| operation | p99 ms | error rate % | throughput ops/s |\n|---|---|---|---|\n");
	for (size_t i = 0; i < res->n_rows; i++) {
		const struct ll_compare_row *row = &res->rows[i];
		if (strcmp(row->scope, "overall") == 0 || strcmp(row->metric, "p50_ms") != 0)
			continue;
		ll_out_puts(o, "| ");
		ll_out_md_cell(o, row->scope);
		ll_out_puts(o, " | ");
		md_change(o, ll_compare_find(res, row->scope, "p99_ms"));
		ll_out_puts(o, " | ");
		md_change(o, ll_compare_find(res, row->scope, "error_rate_pct"));
		ll_out_puts(o, " | ");
		md_change(o, ll_compare_find(res, row->scope, "throughput"));
		ll_out_puts(o, " |\n");
	}
}

/* One testcase per gated metric; a regression fails its case. */
static void junit(struct ll_out *o, const struct ll_subject *base, const struct ll_subject *cand,
                  const struct ll_compare_result *res)
{
	size_t gated = 0;
	for (size_t i = 0; i < res->n_rows; i++)
		gated += res->rows[i].gate != LL_GATE_NONE;
	size_t failures = res->n_regressions + (res->verdict == LL_VERDICT_NOT_MEANINGFUL);
	ll_out_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	ll_out_printf(o, "<testsuites name=\"loadlens compare\" tests=\"%zu\" failures=\"%zu\">\n",
	              gated + 1, failures);
	ll_out_puts(o, "  <testsuite name=\"loadlens compare ");
	ll_out_xml_attr(o, base->name);
	ll_out_puts(o, " -&gt; ");
	ll_out_xml_attr(o, cand->name);
	ll_out_printf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", gated + 1, failures);
	ll_out_puts(o, "    <testcase classname=\"loadlens.compare\" name=\"runs_valid\">");
	if (res->verdict == LL_VERDICT_NOT_MEANINGFUL)
		ll_out_puts(o, "<failure type=\"not_meaningful\" message=\"a compared run fails check\"/>");
	ll_out_puts(o, "</testcase>\n");
	for (size_t i = 0; i < res->n_rows; i++) {
		const struct ll_compare_row *row = &res->rows[i];
		if (row->gate == LL_GATE_NONE)
			continue;
		ll_out_puts(o, "    <testcase classname=\"loadlens.compare.");
		ll_out_xml_attr(o, row->scope);
		ll_out_printf(o, "\" name=\"%s\">", row->metric);
		if (row->regression) {
			struct ll_out msg;
			ll_out_init_memory(&msg);
			ll_out_puts(&msg, row->scope);
			ll_out_printf(&msg, " %s regressed: ", row->metric);
			md_change(&msg, row);
			char *s = ll_out_take_memory(&msg);
			ll_out_puts(o, "<failure type=\"regression\" message=\"");
			ll_out_xml_attr(o, s ? s : "");
			ll_out_puts(o, "\"/>");
			free(s);
		}
		ll_out_puts(o, "</testcase>\n");
	}
	ll_out_puts(o, "  </testsuite>\n</testsuites>\n");
}

enum ll_status ll_render_compare(struct ll_out *o, enum ll_format fmt,
                                 const struct ll_subject *base, const struct ll_subject *cand,
                                 const struct ll_compare_params *p,
                                 const struct ll_compare_result *res, struct ll_error *err)
{
	switch (fmt) {
	case LL_FMT_JSON:
		return json(o, base, cand, p, res, err);
	case LL_FMT_MARKDOWN:
		markdown(o, base, cand, res);
		break;
	case LL_FMT_JUNIT:
		junit(o, base, cand, res);
		break;
	case LL_FMT_TEXT:
	default: /* formats this command does not offer: text */
		text(o, base, cand, res);
		break;
	}
	return LL_OK;
}
