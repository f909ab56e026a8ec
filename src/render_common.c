/* render_common: pieces every renderer shares; see include/loadlens/render.h. */
#include "loadlens/render.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

void ll_subject_release(struct ll_subject *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->kind);
	free(s->sha256);
	memset(s, 0, sizeof *s);
}

enum ll_status ll_render_json_emit(struct ll_out *o, struct cJSON *root, struct ll_error *err)
{
	char *text = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!text)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory building JSON");
	/* JSON is UTF-8 by definition (RFC 8259) and logs are not: invalid bytes, which can
	 * only sit inside strings, become U+FFFD. */
	ll_out_utf8(o, text);
	ll_out_puts(o, "\n");
	cJSON_free(text);
	return LL_OK;
}

struct cJSON *ll_render_json_root(const char *command)
{
	cJSON *root = cJSON_CreateObject();
	if (root) {
		cJSON_AddNumberToObject(root, "schema_version", LL_JSON_SCHEMA_VERSION);
		cJSON_AddStringToObject(root, "command", command);
	}
	return root;
}

struct cJSON *ll_render_json_subject(const struct ll_subject *s)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "kind", s->kind ? s->kind : "run");
	cJSON_AddStringToObject(o, "name", s->name ? s->name : "");
	if (s->sha256)
		cJSON_AddStringToObject(o, "sha256", s->sha256);
	else
		cJSON_AddNullToObject(o, "sha256");
	return o;
}

/* A threshold that was not given is null, not a made-up number. */
static void add_opt_number(cJSON *o, const char *key, int given, double v)
{
	if (given)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

struct cJSON *ll_render_json_check_params(const struct ll_check_params *p)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "max_error_rate", p->max_error_rate_frac);
	add_opt_number(o, "min_throughput", p->min_throughput == p->min_throughput, p->min_throughput);
	add_opt_number(o, "max_p99_ms", p->max_p99_ms == p->max_p99_ms, p->max_p99_ms);
	add_opt_number(o, "min_ops", p->min_ops >= 0, (double)p->min_ops);
	cJSON_AddNumberToObject(o, "shared_cause_pp", p->shared_cause_pp);
	cJSON_AddNumberToObject(o, "short_run_s", p->short_run_s);
	return o;
}
