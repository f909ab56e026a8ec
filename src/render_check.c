/* render_check: check results as text, JSON, Markdown and JUnit XML. */
#include "loadlens/render.h"

#include <cjson/cJSON.h>
#include <string.h>
#include "loadlens/banned.h"

static void text(struct ll_out *o, const struct ll_subject *subj, const struct ll_check_result *res)
{
	const char *verdict = res->valid ? "VALID" : "INVALID";
	ll_out_puts(o, "check ");
	ll_out_term_text(o, subj->name);
	ll_out_puts(o, ": ");
	if (o->color)
		ll_out_puts(o, res->valid ? "\033[32m" : "\033[1;31m");
	ll_out_puts(o, verdict);
	if (o->color)
		ll_out_puts(o, "\033[0m");
	ll_out_printf(o, " (%zu error%s, %zu warning%s)\n", res->n_errors,
	              res->n_errors == 1 ? "" : "s", res->n_warnings, res->n_warnings == 1 ? "" : "s");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < res->n_findings; i++) {
			const struct ll_finding *f = &res->findings[i];
			if ((pass == 0) != (f->severity == LL_SEV_ERROR))
				continue;
			ll_out_printf(o, "  %-7s %-26s ", f->severity == LL_SEV_ERROR ? "error" : "warning",
			              f->rule);
			ll_out_term_text(o, f->message);
			ll_out_puts(o, "\n");
		}
	if (!res->valid)
		ll_out_puts(o, "This run is not a usable baseline.\n");
}

static enum ll_status json(struct ll_out *o, const struct ll_subject *subj,
                           const struct ll_check_params *p, const struct ll_check_result *res,
                           struct ll_error *err)
{
	cJSON *root = ll_render_json_root("check");
	if (!root)
		return ll_render_json_emit(o, NULL, err);
	cJSON *inputs = cJSON_AddArrayToObject(root, "inputs");
	cJSON_AddItemToArray(inputs, ll_render_json_subject(subj));
	cJSON_AddItemToObject(root, "thresholds", ll_render_json_check_params(p));
	cJSON_AddStringToObject(root, "verdict", res->valid ? "valid" : "invalid");
	cJSON_AddNumberToObject(root, "errors", (double)res->n_errors);
	cJSON_AddNumberToObject(root, "warnings", (double)res->n_warnings);
	cJSON *arr = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; i < res->n_findings; i++) {
		const struct ll_finding *f = &res->findings[i];
		cJSON *fo = cJSON_CreateObject();
		cJSON_AddStringToObject(fo, "rule", f->rule);
		cJSON_AddStringToObject(fo, "severity", ll_severity_name(f->severity));
		if (f->op)
			cJSON_AddStringToObject(fo, "op", f->op);
		else
			cJSON_AddNullToObject(fo, "op");
		cJSON_AddStringToObject(fo, "message", f->message);
		cJSON *vals = cJSON_AddObjectToObject(fo, "values");
		for (size_t k = 0; k < f->n_values; k++)
			cJSON_AddNumberToObject(vals, f->values[k].name, f->values[k].value);
		cJSON_AddItemToArray(arr, fo);
	}
	return ll_render_json_emit(o, root, err);
}

static void markdown(struct ll_out *o, const struct ll_subject *subj,
                     const struct ll_check_result *res)
{
	ll_out_printf(o, "### Baseline check: **%s**: ", res->valid ? "VALID" : "INVALID");
	ll_out_md_cell(o, subj->name);
	ll_out_printf(o, "\n\n%zu error%s, %zu warning%s.%s\n", res->n_errors,
	              res->n_errors == 1 ? "" : "s", res->n_warnings, res->n_warnings == 1 ? "" : "s",
	              res->valid ? "" : " This run is not a usable baseline.");
	if (res->n_findings == 0)
		return;
	ll_out_puts(o, "\n| severity | rule | operation | finding |\n|---|---|---|---|\n");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < res->n_findings; i++) {
			const struct ll_finding *f = &res->findings[i];
			if ((pass == 0) != (f->severity == LL_SEV_ERROR))
				continue;
			ll_out_printf(o, "| %s | `%s` | ", ll_severity_name(f->severity), f->rule);
			ll_out_md_cell(o, f->op ? f->op : "(overall)");
			ll_out_puts(o, " | ");
			ll_out_md_cell(o, f->message);
			ll_out_puts(o, " |\n");
		}
}

/* One testcase per rule; a rule that fired with severity error fails its case, a warning
 * is reported in the case's system-out. */
static void junit(struct ll_out *o, const struct ll_subject *subj, const struct ll_check_result *res)
{
	ll_out_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	size_t failed_rules = 0;
	for (size_t r = 0; r < ll_check_n_rules; r++) {
		for (size_t i = 0; i < res->n_findings; i++)
			if (res->findings[i].severity == LL_SEV_ERROR &&
			    strcmp(res->findings[i].rule, ll_check_rules[r].id) == 0) {
				failed_rules++;
				break;
			}
	}
	ll_out_printf(o, "<testsuites name=\"loadlens check\" tests=\"%zu\" failures=\"%zu\">\n",
	              ll_check_n_rules, failed_rules);
	ll_out_puts(o, "  <testsuite name=\"loadlens check ");
	ll_out_xml_attr(o, subj->name);
	ll_out_printf(o, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", ll_check_n_rules,
	              failed_rules);
	for (size_t r = 0; r < ll_check_n_rules; r++) {
		const struct ll_check_rule *rule = &ll_check_rules[r];
		ll_out_printf(o, "    <testcase classname=\"loadlens.check\" name=\"%s\">\n", rule->id);
		/* One <failure> per case (the JUnit schema allows one): the first message is its
		 * message attribute, every error message of the rule is in its text. */
		const struct ll_finding *first = NULL;
		for (size_t i = 0; i < res->n_findings; i++) {
			const struct ll_finding *f = &res->findings[i];
			if (strcmp(f->rule, rule->id) != 0 || f->severity != LL_SEV_ERROR)
				continue;
			if (!first) {
				first = f;
				ll_out_puts(o, "      <failure type=\"error\" message=\"");
				ll_out_xml_attr(o, f->message);
				ll_out_puts(o, "\">");
			} else {
				ll_out_puts(o, "\n");
			}
			ll_out_xml_text(o, f->message);
		}
		if (first)
			ll_out_puts(o, "</failure>\n");
		for (size_t i = 0; i < res->n_findings; i++) {
			const struct ll_finding *f = &res->findings[i];
			if (strcmp(f->rule, rule->id) != 0 || f->severity != LL_SEV_WARNING)
				continue;
			ll_out_puts(o, "      <system-out>warning: ");
			ll_out_xml_text(o, f->message);
			ll_out_puts(o, "</system-out>\n");
		}
		ll_out_puts(o, "    </testcase>\n");
	}
	ll_out_puts(o, "  </testsuite>\n</testsuites>\n");
}

enum ll_status ll_render_check(struct ll_out *o, enum ll_format fmt,
                               const struct ll_subject *subj, const struct ll_check_params *p,
                               const struct ll_run_report *r, const struct ll_check_result *res,
                               struct ll_error *err)
{
	(void)r;
	switch (fmt) {
	case LL_FMT_JSON:
		return json(o, subj, p, res, err);
	case LL_FMT_MARKDOWN:
		markdown(o, subj, res);
		break;
	case LL_FMT_JUNIT:
		junit(o, subj, res);
		break;
	case LL_FMT_TEXT:
	default: /* formats this command does not offer: text */
		text(o, subj, res);
		break;
	}
	return LL_OK;
}
