/* report_json: see include/loadlens/report_json.h. */
#include "loadlens/report_json.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/buf.h"
#include "loadlens/banned.h"

/* Required top-level fields, in the order the load tester's Report struct declares them. */
static const char *const top_fields[] = {
	"config_name", "elapsed_seconds", "total_operations", "total_errors",
	"overall_throughput", "overall_error_rate", "p50_latency_ms", "p95_latency_ms",
	"p99_latency_ms", "per_operation_stats",
};
#define N_TOP (sizeof top_fields / sizeof top_fields[0])

/* Where a parse is: the file, the JSON path being read, and the first error. */
struct ctx {
	const char *path;
	struct ll_error *err;
};

static const char *type_name(const cJSON *v)
{
	if (cJSON_IsString(v)) return "string";
	if (cJSON_IsNumber(v)) return "number";
	if (cJSON_IsBool(v)) return "boolean";
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsArray(v)) return "array";
	if (cJSON_IsObject(v)) return "object";
	return "invalid value";
}

/* A found value for a message: its type, and for strings the (escaped, cut) text, so
 * "NaN" as a string reads as: expected a number, found string "NaN". */
static void describe(struct ll_buf *b, const cJSON *v)
{
	ll_buf_puts(b, type_name(v));
	if (cJSON_IsString(v) && v->valuestring) {
		ll_buf_puts(b, " \"");
		ll_buf_put_escaped(b, v->valuestring, strlen(v->valuestring), 40);
		ll_buf_putc(b, '"');
	}
}

static enum ll_status type_error(struct ctx *c, const char *jpath, const char *expected,
                                 const cJSON *v)
{
	struct ll_buf b = LL_BUF_INIT;
	describe(&b, v);
	ll_error_set(c->err, LL_INPUT, c->path, 0, jpath, "expected %s, found %s", expected,
	             ll_buf_str(&b));
	ll_buf_release(&b);
	return LL_INPUT;
}

static const cJSON *require(struct ctx *c, const cJSON *obj, const char *key, const char *jpath)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		ll_error_set(c->err, LL_INPUT, c->path, 0, jpath, "missing");
	return v;
}

static enum ll_status get_double(struct ctx *c, const cJSON *obj, const char *key,
                                 const char *prefix, double *out)
{
	char jpath[512];
	snprintf(jpath, sizeof jpath, "%s%s", prefix, key);
	const cJSON *v = require(c, obj, key, jpath);
	if (!v)
		return LL_INPUT;
	if (!cJSON_IsNumber(v))
		return type_error(c, jpath, "a number", v);
	if (!isfinite(v->valuedouble))
		return ll_error_set(c->err, LL_INPUT, c->path, 0, jpath, "number is not finite");
	*out = v->valuedouble;
	return LL_OK;
}

/* Counts and microsecond latencies are u64 in the load tester: whole, non-negative and
 * below 2^53 so a double holds them exactly. */
static enum ll_status get_count(struct ctx *c, const cJSON *obj, const char *key,
                                const char *prefix, int64_t *out)
{
	char jpath[512];
	snprintf(jpath, sizeof jpath, "%s%s", prefix, key);
	const cJSON *v = require(c, obj, key, jpath);
	if (!v)
		return LL_INPUT;
	if (!cJSON_IsNumber(v))
		return type_error(c, jpath, "a non-negative integer", v);
	double d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < 0 || d > 9007199254740992.0)
		return ll_error_set(c->err, LL_INPUT, c->path, 0, jpath,
		                    "expected a non-negative integer, found %.17g", d);
	*out = (int64_t)d;
	return LL_OK;
}

static enum ll_status parse_op(struct ctx *c, const cJSON *item, struct ll_run_report *out)
{
	char jpath[400], prefix[402];
	struct ll_buf name = LL_BUF_INIT;
	ll_buf_put_escaped(&name, item->string, strlen(item->string), 100);
	snprintf(jpath, sizeof jpath, "per_operation_stats.%s", ll_buf_str(&name));
	ll_buf_release(&name);
	snprintf(prefix, sizeof prefix, "%s.", jpath);
	if (item->string[0] == '\0')
		return ll_error_set(c->err, LL_INPUT, c->path, 0, "per_operation_stats",
		                    "empty operation name");
	if (!cJSON_IsObject(item))
		return type_error(c, jpath, "an object", item);
	struct ll_op_stats op = { .op = item->string, .has_detail = true };
	enum ll_status st;
	if ((st = get_count(c, item, "count", prefix, &op.count)) ||
	    (st = get_count(c, item, "success_count", prefix, &op.success_count)) ||
	    (st = get_count(c, item, "error_count", prefix, &op.error_count)) ||
	    (st = get_count(c, item, "p50_latency_us", prefix, &op.p50_us)) ||
	    (st = get_count(c, item, "p95_latency_us", prefix, &op.p95_us)) ||
	    (st = get_count(c, item, "p99_latency_us", prefix, &op.p99_us)) ||
	    (st = get_count(c, item, "p999_latency_us", prefix, &op.p999_us)) ||
	    (st = get_double(c, item, "mean_latency_us", prefix, &op.mean_us)) ||
	    (st = get_count(c, item, "max_latency_us", prefix, &op.max_us)))
		return st;
	if (ll_run_report_find_op(out, op.op))
		return ll_error_set(c->err, LL_INPUT, c->path, 0, jpath, "operation appears twice");
	return ll_run_report_add_op(out, &op, c->err);
}

/* For a document with none of the expected fields: list what it has. */
static enum ll_status shape_error(struct ctx *c, const cJSON *root)
{
	struct ll_buf b = LL_BUF_INIT;
	ll_buf_puts(&b, "not a loadtest report: found fields ");
	int n = 0;
	for (const cJSON *it = root->child; it; it = it->next) {
		if (n == 12) {
			ll_buf_puts(&b, ", ...");
			break;
		}
		if (n++)
			ll_buf_puts(&b, ", ");
		ll_buf_put_escaped(&b, it->string, strlen(it->string), 40);
		if (cJSON_IsObject(it) && it->child) {
			ll_buf_puts(&b, "{");
			int m = 0;
			const cJSON *k = it->child;
			for (; k && m < 4; k = k->next, m++) {
				if (m)
					ll_buf_puts(&b, ",");
				ll_buf_put_escaped(&b, k->string, strlen(k->string), 20);
			}
			ll_buf_puts(&b, k ? ",...}" : "}");
		}
	}
	if (n == 0)
		ll_buf_puts(&b, "(none)");
	ll_buf_puts(&b, "; expected");
	for (size_t i = 0; i < N_TOP; i++)
		ll_buf_printf(&b, "%s %s", i ? "," : "", top_fields[i]);
	ll_error_set(c->err, LL_INPUT, c->path, 0, NULL, "%s", ll_buf_str(&b));
	ll_buf_release(&b);
	return LL_INPUT;
}

/* Line and column (1-based) of byte offset off. */
static void locate(const char *data, size_t off, long *line, long *col)
{
	long l = 1, cl = 1;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			l++;
			cl = 1;
		} else {
			cl++;
		}
	}
	*line = l;
	*col = cl;
}

static enum ll_status nul_error(const char *path, const char *data, const char *nul,
                                struct ll_error *err)
{
	long line, col;
	locate(data, (size_t)(nul - data), &line, &col);
	return ll_error_set(err, LL_INPUT, path, line, NULL,
	                    "column %ld (byte %zu): a NUL byte, expected JSON text", col,
	                    (size_t)(nul - data));
}

int ll_report_json_sniff(const char *data, size_t len)
{
	size_t i0 = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	for (size_t i = i0; i < len; i++) {
		char ch = data[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		return ch == '{' || ch == '[';
	}
	return 1; /* empty or blank: the JSON parser's message says so best */
}

enum ll_status ll_report_json_parse(const char *path, const char *data, size_t len,
                                    struct ll_run_report *out, struct ll_error *err)
{
	struct ctx c = { path, err };
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	enum ll_status st = LL_OK;
	cJSON *root = NULL;

	/* RFC 8259 §8.1 lets a parser ignore a byte order mark; Windows tools write one. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	/* cJSON stops at a NUL byte; it is parsed only up to the first one, and a document that
	 * reaches it is told so, rather than what then seems to be missing. */
	const char *nul = memchr(data, '\0', len);
	size_t parse_len = nul ? (size_t)(nul - data) : len;
	size_t first = 0;
	while (first < len && (data[first] == ' ' || data[first] == '\t' || data[first] == '\n' ||
	                       data[first] == '\r'))
		first++;
	if (len == 0)
		return ll_error_set(err, LL_INPUT, path, 0, NULL, "empty file, expected a JSON object");
	if (first == len)
		return ll_error_set(err, LL_INPUT, path, 0, NULL,
		                    "only whitespace (%zu bytes), expected a JSON object", len);

	const char *end = NULL;
	root = parse_len ? cJSON_ParseWithLengthOpts(data, parse_len, &end, 0) : NULL;
	if (!root && nul && (!end || end >= nul)) {
		st = nul_error(path, data, nul, err);
		goto done;
	}
	if (!root) {
		size_t off = end && end >= data && end <= data + len ? (size_t)(end - data) : 0;
		long line, col;
		locate(data, off, &line, &col);
		size_t rest = off;
		while (rest < len && (data[rest] == ' ' || data[rest] == '\t' || data[rest] == '\n' ||
		                      data[rest] == '\r'))
			rest++;
		struct ll_buf near = LL_BUF_INIT;
		ll_buf_put_escaped(&near, data + off, len - off, 24);
		if (rest >= len)
			st = ll_error_set(err, LL_INPUT, path, line, NULL,
			                  "column %ld (byte %zu): the JSON document ends early (truncated?)",
			                  col, off);
		else
			st = ll_error_set(err, LL_INPUT, path, line, NULL,
			                  "column %ld (byte %zu): invalid JSON near \"%s\"", col, off,
			                  ll_buf_str(&near));
		ll_buf_release(&near);
		goto done;
	}
	/* Trailing bytes after the document (other than whitespace) are an error too. */
	for (size_t i = (size_t)(end - data); i < len; i++) {
		char ch = data[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
			continue;
		if (ch == '\0') {
			st = nul_error(path, data, data + i, err);
			goto done;
		}
		long line, col;
		locate(data, i, &line, &col);
		st = ll_error_set(err, LL_INPUT, path, line, NULL,
		                  "column %ld (byte %zu): unexpected data after the JSON object",
		                  col, i);
		goto done;
	}
	if (!cJSON_IsObject(root)) {
		st = type_error(&c, "(root)", "a JSON object", root);
		goto done;
	}
	int present = 0;
	for (size_t i = 0; i < N_TOP; i++)
		present += cJSON_GetObjectItemCaseSensitive(root, top_fields[i]) != NULL;
	if (present == 0) {
		st = shape_error(&c, root);
		goto done;
	}

	const cJSON *name = require(&c, root, "config_name", "config_name");
	if (!name) {
		st = LL_INPUT;
		goto done;
	}
	if (!cJSON_IsString(name)) {
		st = type_error(&c, "config_name", "a string", name);
		goto done;
	}
	r.config_name = strdup(name->valuestring);
	if (!r.config_name) {
		st = ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
		goto done;
	}
	if ((st = get_double(&c, root, "elapsed_seconds", "", &r.elapsed_s)) ||
	    (st = get_count(&c, root, "total_operations", "", &r.total_ops)) ||
	    (st = get_count(&c, root, "total_errors", "", &r.total_errors)) ||
	    (st = get_double(&c, root, "overall_throughput", "", &r.throughput)) ||
	    (st = get_double(&c, root, "overall_error_rate", "", &r.error_rate_frac)) ||
	    (st = get_double(&c, root, "p50_latency_ms", "", &r.p50_ms)) ||
	    (st = get_double(&c, root, "p95_latency_ms", "", &r.p95_ms)) ||
	    (st = get_double(&c, root, "p99_latency_ms", "", &r.p99_ms)))
		goto done;
	const cJSON *ops = require(&c, root, "per_operation_stats", "per_operation_stats");
	if (!ops) {
		st = LL_INPUT;
		goto done;
	}
	if (!cJSON_IsObject(ops)) {
		st = type_error(&c, "per_operation_stats", "an object", ops);
		goto done;
	}
	for (const cJSON *it = ops->child; it; it = it->next)
		if ((st = parse_op(&c, it, &r)))
			goto done;
	ll_run_report_sort_ops(&r);
	r.source = LL_SOURCE_JSON;
	*out = r;
	r = (struct ll_run_report)LL_RUN_REPORT_INIT;
done:
	cJSON_Delete(root);
	ll_run_report_release(&r);
	return st;
}
