/* render_runs: the list of runs in the database, as text or JSON. */
#include "loadlens/render.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include "loadlens/banned.h"

static const char *verdict(const struct ll_run_info *ri, const struct ll_check_result *c)
{
	if (ri->report.source == LL_SOURCE_NONE)
		return "no report";
	return c->valid ? "valid" : "invalid";
}

static void text(struct ll_out *o, const struct ll_run_info *runs,
                 const struct ll_check_result *verdicts, size_t n)
{
	if (n == 0) {
		ll_out_puts(o, "no runs yet: ingest a report with 'loadlens ingest FILE'\n");
		return;
	}
	ll_out_printf(o, "%-28s %-14s %9s %8s %8s %10s %9s  %s\n", "run", "label", "ops", "errors",
	              "err %", "ops/s", "p99 ms", "verdict");
	for (size_t i = 0; i < n; i++) {
		const struct ll_run_info *ri = &runs[i];
		const struct ll_run_report *r = &ri->report;
		struct ll_out c;
		ll_out_init_memory(&c);
		ll_out_term_text(&c, ri->name);
		char *name = ll_out_take_memory(&c);
		ll_out_term_text(&c, ri->label ? ri->label : "-");
		char *label = ll_out_take_memory(&c);
		ll_out_printf(o, "%-28s %-14s ", name ? name : "", label ? label : "");
		free(name);
		free(label);
		if (r->source == LL_SOURCE_NONE)
			ll_out_printf(o, "%9s %8s %8s %10s %9s  ", "-", "-", "-", "-", "-");
		else
			ll_out_printf(o, "%9lld %8lld %8.2f %10.1f %9.2f  ", (long long)r->total_ops,
			              (long long)r->total_errors, r->error_rate_frac * 100, r->throughput,
			              r->p99_ms);
		ll_out_printf(o, "%s", verdict(ri, &verdicts[i]));
		if (r->source == LL_SOURCE_TEXT_SUMMARY)
			ll_out_puts(o, " (from text summary)");
		ll_out_puts(o, "\n");
	}
}

static enum ll_status json(struct ll_out *o, const char *db_path, const struct ll_run_info *runs,
                           const struct ll_check_result *verdicts, size_t n, struct ll_error *err)
{
	cJSON *root = ll_render_json_root("runs");
	if (!root)
		return ll_render_json_emit(o, NULL, err);
	cJSON *inputs = cJSON_AddObjectToObject(root, "inputs");
	cJSON_AddStringToObject(inputs, "db", db_path);
	cJSON *arr = cJSON_AddArrayToObject(root, "runs");
	for (size_t i = 0; i < n; i++) {
		const struct ll_run_info *ri = &runs[i];
		const struct ll_run_report *r = &ri->report;
		cJSON *ro = cJSON_CreateObject();
		cJSON_AddStringToObject(ro, "name", ri->name);
		if (ri->label)
			cJSON_AddStringToObject(ro, "label", ri->label);
		else
			cJSON_AddNullToObject(ro, "label");
		const char *src = ll_report_source_name(r->source);
		if (src) {
			cJSON_AddStringToObject(ro, "report_source", src);
			cJSON_AddNumberToObject(ro, "total_ops", (double)r->total_ops);
			cJSON_AddNumberToObject(ro, "total_errors", (double)r->total_errors);
			cJSON_AddNumberToObject(ro, "error_rate", r->error_rate_frac);
			cJSON_AddNumberToObject(ro, "throughput", r->throughput);
			cJSON_AddNumberToObject(ro, "p99_ms", r->p99_ms);
		} else {
			cJSON_AddNullToObject(ro, "report_source");
		}
		cJSON_AddStringToObject(ro, "verdict", verdict(ri, &verdicts[i]));
		if (ri->ingested_at)
			cJSON_AddStringToObject(ro, "ingested_at", ri->ingested_at);
		cJSON_AddItemToArray(arr, ro);
	}
	return ll_render_json_emit(o, root, err);
}

enum ll_status ll_render_runs(struct ll_out *o, enum ll_format fmt, const char *db_path,
                              const struct ll_run_info *runs, const struct ll_check_result *verdicts,
                              size_t n, struct ll_error *err)
{
	if (fmt == LL_FMT_JSON)
		return json(o, db_path, runs, verdicts, n, err);
	text(o, runs, verdicts, n);
	return LL_OK;
}
