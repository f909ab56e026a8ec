/* render_correlate: correlation summaries and failure lists as text, JSON and Markdown. */
#include "loadlens/render.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "loadlens/banned.h"

static const char *skew_source_name(enum ll_skew_source s)
{
	switch (s) {
	case LL_SKEW_REQUEST_ID: return "request_id";
	case LL_SKEW_SEARCH: return "search";
	case LL_SKEW_GIVEN: return "given";
	case LL_SKEW_NONE: break;
	}
	return "none";
}

static void skew_text(struct ll_out *o, const struct ll_corr_result *r)
{
	ll_out_printf(o, "clock skew (server - client): %+.1f ms, ", (double)r->skew_us / 1000.0);
	switch (r->skew_source) {
	case LL_SKEW_REQUEST_ID:
		ll_out_printf(o, "the median of %zu request-id pairs (interquartile spread %.1f ms)",
		              r->skew_pairs, (double)r->skew_spread_us / 1000.0);
		break;
	case LL_SKEW_SEARCH:
		ll_out_printf(o, "found by time search: %zu failure/event pairs line up there (spread %.1f ms)",
		              r->skew_pairs, (double)r->skew_spread_us / 1000.0);
		break;
	case LL_SKEW_GIVEN:
		ll_out_puts(o, "given with --skew-ms");
		break;
	case LL_SKEW_NONE:
		ll_out_puts(o, "unknown");
		break;
	}
	ll_out_puts(o, "\n");
}

static void group_name(struct ll_out *o, const struct ll_corr_group *g, bool md)
{
	void (*esc)(struct ll_out *, const char *) = md ? ll_out_md_cell : ll_out_term_text;
	esc(o, g->op ? g->op : "?");
	if (g->status)
		ll_out_printf(o, " %d", g->status);
	else {
		ll_out_puts(o, " ");
		esc(o, g->error_class ? g->error_class : "other");
	}
}

static const char *unexplained_note(const struct ll_corr_group *g)
{
	if (g->error_class && strcmp(g->error_class, "network") == 0)
		return "client-side or network: timeout or connection (the load tester does not say which)";
	return "the server logged nothing for these";
}

static void text(struct ll_out *o, const struct ll_correlate_view *v)
{
	const struct ll_corr_result *r = v->result;
	ll_out_puts(o, "correlate ");
	ll_out_term_text(o, v->run);
	ll_out_printf(o, ": %zu failures, %zu server events at the chosen levels\n", v->n_failures,
	              v->n_events);
	skew_text(o, r);
	ll_out_printf(o, "explained: %zu by request id, %zu by time (window -%.0f/+%.0f ms); unexplained: %zu\n",
	              r->by_id, r->by_time, (double)v->params->window_us / 1000,
	              (double)v->params->tol_us / 1000, r->unexplained);
	ll_out_printf(o, "\n%-30s %9s %7s %7s %11s\n", "operation / status", "failures", "by id",
	              "by time", "unexplained");
	for (size_t i = 0; i < v->summary->n_groups; i++) {
		const struct ll_corr_group *g = &v->summary->groups[i];
		struct ll_out c;
		ll_out_init_memory(&c);
		group_name(&c, g, false);
		char *name = ll_out_take_memory(&c);
		ll_out_printf(o, "%-30s %9zu %7zu %7zu %11zu\n", name ? name : "", g->failures, g->by_id,
		              g->by_time, g->unexplained);
		free(name);
		for (size_t k = 0; k < g->n_templates && k < 3; k++) {
			ll_out_printf(o, "    %6zu x server: ", g->templates[k].count);
			ll_out_term_text(o, g->templates[k].text ? g->templates[k].text : "(no message)");
			ll_out_puts(o, "\n");
		}
		if (g->unexplained)
			ll_out_printf(o, "    %6zu x no server event: %s\n", g->unexplained, unexplained_note(g));
	}
}

static enum ll_status json(struct ll_out *o, const struct ll_correlate_view *v, struct ll_error *err)
{
	const struct ll_corr_result *r = v->result;
	cJSON *root = ll_render_json_root("correlate");
	if (!root)
		return ll_render_json_emit(o, NULL, err);
	cJSON *in = cJSON_AddObjectToObject(root, "inputs");
	cJSON_AddStringToObject(in, "run", v->run);
	cJSON_AddNumberToObject(in, "failures", (double)v->n_failures);
	cJSON_AddNumberToObject(in, "server_events", (double)v->n_events);
	cJSON *th = cJSON_AddObjectToObject(root, "thresholds");
	cJSON_AddNumberToObject(th, "window_ms", (double)v->params->window_us / 1000);
	cJSON_AddNumberToObject(th, "tolerance_ms", (double)v->params->tol_us / 1000);
	cJSON_AddNumberToObject(th, "max_skew_ms", (double)v->params->max_skew_us / 1000);
	cJSON *levels = cJSON_AddArrayToObject(th, "levels");
	static const char *const names[] = { "", "trace", "debug", "info", "warn", "error" };
	for (unsigned l = 1; l < 6; l++)
		if (v->params->level_mask & LL_CORR_LEVEL_BIT(l))
			cJSON_AddItemToArray(levels, cJSON_CreateString(names[l]));
	cJSON_AddNumberToObject(root, "skew_ms", (double)r->skew_us / 1000);
	cJSON_AddStringToObject(root, "skew_source", skew_source_name(r->skew_source));
	cJSON_AddNumberToObject(root, "skew_pairs", (double)r->skew_pairs);
	cJSON_AddNumberToObject(root, "skew_spread_ms", (double)r->skew_spread_us / 1000);
	cJSON_AddNumberToObject(root, "explained_by_id", (double)r->by_id);
	cJSON_AddNumberToObject(root, "explained_by_time", (double)r->by_time);
	cJSON_AddNumberToObject(root, "unexplained", (double)r->unexplained);
	cJSON *groups = cJSON_AddArrayToObject(root, "groups");
	for (size_t i = 0; i < v->summary->n_groups; i++) {
		const struct ll_corr_group *g = &v->summary->groups[i];
		cJSON *go = cJSON_CreateObject();
		cJSON_AddStringToObject(go, "op", g->op ? g->op : "");
		if (g->status)
			cJSON_AddNumberToObject(go, "status", g->status);
		else
			cJSON_AddNullToObject(go, "status");
		cJSON_AddStringToObject(go, "error_class", g->error_class ? g->error_class : "other");
		cJSON_AddNumberToObject(go, "failures", (double)g->failures);
		cJSON_AddNumberToObject(go, "by_id", (double)g->by_id);
		cJSON_AddNumberToObject(go, "by_time", (double)g->by_time);
		cJSON_AddNumberToObject(go, "unexplained", (double)g->unexplained);
		cJSON *ts = cJSON_AddArrayToObject(go, "server_templates");
		for (size_t k = 0; k < g->n_templates; k++) {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "template", g->templates[k].text ? g->templates[k].text : "");
			cJSON_AddNumberToObject(t, "count", (double)g->templates[k].count);
			cJSON_AddItemToArray(ts, t);
		}
		cJSON_AddItemToArray(groups, go);
	}
	return ll_render_json_emit(o, root, err);
}

static void markdown(struct ll_out *o, const struct ll_correlate_view *v)
{
	const struct ll_corr_result *r = v->result;
	ll_out_puts(o, "### Correlation: ");
	ll_out_md_cell(o, v->run);
	ll_out_printf(o, "\n\n%zu failures: **%zu** explained by request id, **%zu** by time, **%zu** unexplained. ",
	              v->n_failures, r->by_id, r->by_time, r->unexplained);
	skew_text(o, r);
	ll_out_puts(o, "\n| operation / status | failures | by id | by time | unexplained | top server message |\n"
	               "|---|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < v->summary->n_groups && i < 20; i++) {
		const struct ll_corr_group *g = &v->summary->groups[i];
		ll_out_puts(o, "| ");
		group_name(o, g, true);
		ll_out_printf(o, " | %zu | %zu | %zu | %zu | ", g->failures, g->by_id, g->by_time, g->unexplained);
		if (g->n_templates) {
			ll_out_printf(o, "%zu × ", g->templates[0].count);
			ll_out_md_cell(o, g->templates[0].text ? g->templates[0].text : "");
		} else {
			ll_out_md_cell(o, unexplained_note(g));
		}
		ll_out_puts(o, " |\n");
	}
}

enum ll_status ll_render_correlate(struct ll_out *o, enum ll_format fmt,
                                   const struct ll_correlate_view *v, struct ll_error *err)
{
	if (fmt == LL_FMT_JSON)
		return json(o, v, err);
	if (fmt == LL_FMT_MARKDOWN)
		markdown(o, v);
	else
		text(o, v);
	return LL_OK;
}

/* ---- failures ---- */

static void ts_text(struct ll_out *o, int64_t ts_us)
{
	time_t secs = (time_t)(ts_us / 1000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char buf[32];
	strftime(buf, sizeof buf, "%H:%M:%S", &tm);
	ll_out_printf(o, "%s.%06" PRId64, buf, ts_us % 1000000);
}

static void failure_what(struct ll_out *o, const struct ll_failure_row *f,
                         void (*esc)(struct ll_out *, const char *))
{
	if (f->status) {
		ll_out_printf(o, "%d ", f->status);
		if (f->error_code) {
			esc(o, f->error_code);
			ll_out_puts(o, " ");
		}
		esc(o, f->error_message ? f->error_message : f->reason ? f->reason : "");
	} else {
		esc(o, f->body ? f->body : f->error_class ? f->error_class : "");
	}
}

enum ll_status ll_render_failures(struct ll_out *o, enum ll_format fmt, const char *run,
                                  const struct ll_failure_row *rows, size_t n,
                                  struct ll_error *err)
{
	if (fmt == LL_FMT_JSON) {
		cJSON *root = ll_render_json_root("failures");
		if (!root)
			return ll_render_json_emit(o, NULL, err);
		cJSON *in = cJSON_AddObjectToObject(root, "inputs");
		cJSON_AddStringToObject(in, "run", run);
		cJSON *arr = cJSON_AddArrayToObject(root, "failures");
		for (size_t i = 0; i < n; i++) {
			const struct ll_failure_row *f = &rows[i];
			cJSON *x = cJSON_CreateObject();
			cJSON_AddStringToObject(x, "client_file", f->client_path ? f->client_path : "");
			cJSON_AddNumberToObject(x, "client_line", (double)f->client_line);
			cJSON_AddNumberToObject(x, "ts_us", (double)f->client_ts_us);
			cJSON_AddStringToObject(x, "op", f->op ? f->op : "");
			cJSON_AddStringToObject(x, "error_class", f->error_class ? f->error_class : "");
			if (f->status)
				cJSON_AddNumberToObject(x, "status", f->status);
			else
				cJSON_AddNullToObject(x, "status");
			if (f->error_code)
				cJSON_AddStringToObject(x, "error_code", f->error_code);
			if (f->error_message)
				cJSON_AddStringToObject(x, "error_message", f->error_message);
			if (f->method) {
				cJSON *sv = cJSON_AddObjectToObject(x, "server_event");
				cJSON_AddStringToObject(sv, "matched_by", f->method);
				cJSON_AddStringToObject(sv, "file", f->server_path ? f->server_path : "");
				cJSON_AddNumberToObject(sv, "line", (double)f->server_line);
				cJSON_AddStringToObject(sv, "level", f->server_level ? f->server_level : "");
				cJSON_AddStringToObject(sv, "target", f->server_target ? f->server_target : "");
				cJSON_AddStringToObject(sv, "message", f->server_message ? f->server_message : "");
				cJSON_AddNumberToObject(sv, "delta_ms", (double)f->delta_us / 1000);
			} else {
				cJSON_AddNullToObject(x, "server_event");
			}
			cJSON_AddBoolToObject(x, "correlated", f->correlated);
			cJSON_AddItemToArray(arr, x);
		}
		return ll_render_json_emit(o, root, err);
	}
	bool md = fmt == LL_FMT_MARKDOWN;
	void (*esc)(struct ll_out *, const char *) = md ? ll_out_md_cell : ll_out_term_text;
	if (md)
		ll_out_puts(o, "| time | client line | op | failure | server event |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct ll_failure_row *f = &rows[i];
		ll_out_puts(o, md ? "| " : "");
		ts_text(o, f->client_ts_us);
		ll_out_puts(o, md ? " | " : "  ");
		esc(o, f->client_path ? f->client_path : "");
		ll_out_printf(o, ":%ld%s", f->client_line, md ? " | " : "  ");
		esc(o, f->op ? f->op : "");
		ll_out_puts(o, md ? " | " : "  ");
		failure_what(o, f, esc);
		ll_out_puts(o, md ? " | " : "\n    -> ");
		if (f->method) {
			esc(o, f->server_path ? f->server_path : "");
			ll_out_printf(o, ":%ld ", f->server_line);
			esc(o, f->server_level ? f->server_level : "");
			ll_out_puts(o, " ");
			esc(o, f->server_target ? f->server_target : "");
			ll_out_puts(o, ": ");
			esc(o, f->server_message ? f->server_message : "");
			ll_out_printf(o, " (%s, %+.3f ms)", f->method, (double)f->delta_us / 1000);
		} else if (!f->correlated) {
			ll_out_puts(o, "not correlated yet: run 'loadlens correlate' for this run");
		} else {
			ll_out_puts(o, f->error_class && strcmp(f->error_class, "network") == 0
			                   ? "no server event: client-side or network (timeout or connection)"
			                   : "no server event: the server logged nothing for it");
		}
		ll_out_puts(o, md ? " |\n" : "\n");
	}
	return LL_OK;
}
