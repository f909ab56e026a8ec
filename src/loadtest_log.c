/* loadtest_log: see include/loadlens/loadtest_log.h. */
#include "loadlens/loadtest_log.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/buf.h"
#include "loadlens/banned.h"

static const char *const class_names[LL_CLIENT_ERROR_COUNT] = {
	[LL_CLIENT_ERROR_NONE] = NULL,
	[LL_CLIENT_ERROR_HTTP] = "http",
	[LL_CLIENT_ERROR_NETWORK] = "network",
	[LL_CLIENT_ERROR_OTHER] = "other",
};

const char *ll_client_error_class_name(enum ll_client_error_class c)
{
	if ((int)c < 0 || c >= LL_CLIENT_ERROR_COUNT)
		return NULL;
	return class_names[c];
}

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static bool has_prefix(const char *s, size_t n, const char *prefix, size_t *plen)
{
	size_t k = strlen(prefix);
	*plen = k;
	return n >= k && memcmp(s, prefix, k) == 0;
}

static bool has_suffix(const char *s, size_t n, const char *suffix, size_t *slen)
{
	size_t k = strlen(suffix);
	*slen = k;
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Strict numbers: the whole text, digits only (no sign, space or exponent). */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || n > 19)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* "123", "0.41", "60.01": Rust's {:.N} of a finite non-negative f64. Locale-free. */
static bool parse_dec(const char *s, size_t n, double *out)
{
	size_t i = 0;
	double v = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		v = v * 10 + (s[i++] - '0');
	if (i == 0 || i > 18)
		return false;
	if (i < n && s[i] == '.') {
		double scale = 0.1;
		size_t f = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			v += (s[i++] - '0') * scale;
			scale /= 10;
		}
		if (i == f)
			return false;
	}
	if (i != n)
		return false;
	*out = v;
	return true;
}

static enum ll_status nomem(const char *path, long line_no, struct ll_error *err)
{
	return ll_error_set(err, LL_NOMEM, path, line_no, NULL, "out of memory");
}

/* ---- failures ------------------------------------------------------------------------ */

void ll_client_failure_release(struct ll_client_failure *f)
{
	if (!f)
		return;
	free(f->op);
	free(f->reason);
	free(f->body);
	free(f->error_code);
	free(f->error_message);
	free(f->request_id);
	free(f->error_text);
	*f = (struct ll_client_failure)LL_CLIENT_FAILURE_INIT;
}

static const char *const request_id_keys[] = { "request_id", "req_id", "x_request_id", "trace_id",
	                                        NULL };

static const cJSON *find_request_id(const cJSON *obj)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	for (const char *const *k = request_id_keys; *k; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, *k);
		if (cJSON_IsString(v) || cJSON_IsNumber(v))
			return v;
	}
	return NULL;
}

/* Engram's error body (api.rs ApiError::into_response):
 * {"error":{"code","message","educational_context","cognitive_guidance"},"documentation":{...}},
 * keys in any order. Anything else (axum's plain-text rejections, empty) yields nothing. */
static bool read_body(const char *body, size_t len, struct ll_client_failure *f)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	bool ok = true;
	if (!cJSON_IsObject(root))
		goto done;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsObject(e)) {
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (cJSON_IsString(code) && !(f->error_code = dupn(code->valuestring, strlen(code->valuestring))))
			ok = false;
		if (cJSON_IsString(msg) && !(f->error_message = dupn(msg->valuestring, strlen(msg->valuestring))))
			ok = false;
	} else if (cJSON_IsString(e)) {
		if (!(f->error_message = dupn(e->valuestring, strlen(e->valuestring))))
			ok = false;
	}
	if (!f->request_id) {
		const cJSON *rid = find_request_id(root);
		if (!rid)
			rid = find_request_id(e);
		if (!rid && cJSON_IsObject(e))
			rid = find_request_id(cJSON_GetObjectItemCaseSensitive(e, "details"));
		if (rid) {
			char *s = cJSON_IsString(rid) ? dupn(rid->valuestring, strlen(rid->valuestring))
			                              : cJSON_PrintUnformatted(rid);
			if (!s)
				ok = false;
			f->request_id = s;
		}
	}
done:
	cJSON_Delete(root);
	return ok;
}

static const char failed_with[] = " failed with status ";
static const char network_suffix[] = ": network error";

static const char *find_sub(const char *s, size_t n, const char *sub)
{
	size_t k = strlen(sub);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, sub, k) == 0)
			return s + i;
	return NULL;
}

/* main.rs: anyhow::bail!("<Op> failed with status {}: {}", status, error_body), where
 * reqwest's StatusCode displays as "500 Internal Server Error"; or
 * .context("<Op>: network error"), whose Display shows only the context. */
static bool classify(const char *t, size_t n, struct ll_client_failure *f, const char **op_in_text,
                     size_t *op_len)
{
	*op_in_text = NULL;
	*op_len = 0;
	const char *fw = find_sub(t, n, failed_with);
	if (fw) {
		const char *p = fw + strlen(failed_with);
		size_t left = n - (size_t)(p - t);
		uint64_t st;
		if (left >= 3 && parse_u64(p, 3, &st) && st >= 100 && st <= 599 &&
		    (left == 3 || p[3] == ' ' || p[3] == ':')) {
			f->error_class = LL_CLIENT_ERROR_HTTP;
			f->status = (int)st;
			*op_in_text = t;
			*op_len = (size_t)(fw - t);
			const char *r = p + 3;
			if (r < t + n && *r == ' ')
				r++;
			size_t rleft = n - (size_t)(r - t);
			const char *colon = find_sub(r, rleft, ": ");
			const char *body;
			size_t rlen;
			if (colon) {
				rlen = (size_t)(colon - r);
				body = colon + 2;
			} else {
				/* "...Error:" with the empty body's trailing space trimmed, or no body */
				rlen = rleft > 0 && r[rleft - 1] == ':' ? rleft - 1 : rleft;
				body = t + n;
			}
			if (rlen > 0 && r[0] == ':') /* "500: body" with no reason phrase */
				rlen = 0;
			size_t blen = (size_t)(t + n - body);
			f->reason = dupn(r, rlen);
			f->body = dupn(body, blen);
			if (!f->reason || !f->body)
				return false;
			return read_body(body, blen, f);
		}
	}
	size_t sl;
	if (has_suffix(t, n, network_suffix, &sl) && n > sl) {
		bool word = true;
		for (size_t i = 0; i < n - sl; i++)
			if (t[i] == ' ' || t[i] == ':')
				word = false;
		if (word) {
			f->error_class = LL_CLIENT_ERROR_NETWORK;
			*op_in_text = t;
			*op_len = n - sl;
			return true;
		}
	}
	f->error_class = LL_CLIENT_ERROR_OTHER;
	return true;
}

enum ll_status ll_loadtest_failure_from_event(const struct ll_log_event *ev, const char *path,
                                              long line_no, struct ll_client_failure *out,
                                              bool *is_failure, struct ll_error *err)
{
	if (!ev->message || strcmp(ev->message, LL_LOADTEST_FAILURE_MESSAGE) != 0) {
		*is_failure = false;
		return LL_OK;
	}
	struct ll_client_failure f = LL_CLIENT_FAILURE_INIT;
	enum ll_status st = LL_OK;
	const struct ll_log_field *rid = NULL;
	for (const char *const *k = request_id_keys; *k && !rid; k++)
		rid = ll_log_event_field(ev, *k);
	if (!rid && ev->request_id) {
		if (!(f.request_id = dupn(ev->request_id, strlen(ev->request_id))))
			goto oom;
	} else if (rid && !(f.request_id = dupn(rid->value, strlen(rid->value)))) {
		goto oom;
	}
	const struct ll_log_field *e = ll_log_event_field(ev, "error");
	const char *op_in_text = NULL;
	size_t op_len = 0;
	if (e) {
		if (!(f.error_text = dupn(e->value, e->value_len)))
			goto oom;
		if (!classify(e->value, e->value_len, &f, &op_in_text, &op_len))
			goto oom;
	} else {
		f.error_class = LL_CLIENT_ERROR_OTHER;
	}
	const struct ll_log_field *op = ll_log_event_field(ev, "operation");
	if (op && op->value_len > 0) {
		if (!(f.op = dupn(op->value, strlen(op->value))))
			goto oom;
	} else if (op_in_text && op_len > 0) {
		if (!(f.op = dupn(op_in_text, op_len)))
			goto oom;
	} else {
		st = ll_error_set(err, LL_INPUT, path, line_no, "operation",
		                  "\"Operation failed\" event names no operation (no operation= field, "
		                  "no \"<Op> failed with status\" or \"<Op>: network error\")");
		goto done;
	}
	*out = f;
	f = (struct ll_client_failure)LL_CLIENT_FAILURE_INIT;
	*is_failure = true;
	goto done;
oom:
	st = nomem(path, line_no, err);
done:
	ll_client_failure_release(&f);
	return st;
}

/* ---- header lines -------------------------------------------------------------------- */

void ll_loadtest_header_release(struct ll_loadtest_header *h)
{
	if (!h)
		return;
	free(h->name);
	free(h->endpoint);
	*h = (struct ll_loadtest_header)LL_LOADTEST_HEADER_INIT;
}

static bool replace(char **slot, const char *s, size_t n)
{
	char *d = dupn(s, n);
	if (!d)
		return false;
	free(*slot);
	*slot = d;
	return true;
}

enum ll_status ll_loadtest_header_feed(struct ll_loadtest_header *h, const char *msg, size_t len,
                                       bool *matched, struct ll_error *err)
{
	size_t pl, sl;
	*matched = false;
	/* main.rs: info!("Starting load test: {} (seed: {})", config.name(), workload_seed). The
	 * name may hold anything, so the seed is the last " (seed: " group. */
	if (has_prefix(msg, len, "Starting load test: ", &pl) && has_suffix(msg, len, ")", &sl)) {
		const char *seed_at = NULL;
		for (const char *p = msg + pl; (p = find_sub(p, len - (size_t)(p - msg), " (seed: ")); p++)
			seed_at = p;
		uint64_t seed;
		if (seed_at) {
			const char *num = seed_at + strlen(" (seed: ");
			size_t nlen = (size_t)(msg + len - 1 - num);
			if (parse_u64(num, nlen, &seed)) {
				if (!replace(&h->name, msg + pl, (size_t)(seed_at - msg) - pl))
					return nomem(NULL, 0, err);
				h->has_seed = true;
				h->seed = seed;
				*matched = true;
			}
		}
		return LL_OK;
	}
	double d;
	if (has_prefix(msg, len, "Target rate: ", &pl) && has_suffix(msg, len, " ops/sec", &sl) &&
	    len > pl + sl && parse_dec(msg + pl, len - pl - sl, &d)) {
		h->has_target_rate = true;
		h->target_rate = d;
		*matched = true;
		return LL_OK;
	}
	uint64_t u;
	if (has_prefix(msg, len, "Duration: ", &pl) && has_suffix(msg, len, " seconds", &sl) &&
	    len > pl + sl && parse_u64(msg + pl, len - pl - sl, &u) && u <= INT64_MAX) {
		h->has_duration = true;
		h->configured_duration_s = (int64_t)u;
		*matched = true;
		return LL_OK;
	}
	if (has_prefix(msg, len, "Endpoint: ", &pl) && len > pl) {
		if (!replace(&h->endpoint, msg + pl, len - pl))
			return nomem(NULL, 0, err);
		*matched = true;
		return LL_OK;
	}
	if (has_prefix(msg, len, "Load test completed in ", &pl) && has_suffix(msg, len, "s", &sl) &&
	    len > pl + sl && parse_dec(msg + pl, len - pl - sl, &d)) {
		h->has_completed = true;
		h->completed_s = d;
		*matched = true;
	}
	return LL_OK;
}

/* ---- summary block ------------------------------------------------------------------- */

enum sstate {
	S_IDLE,
	S_DURATION,
	S_RULE1,
	S_THROUGHPUT,
	S_ERROR_RATE,
	S_P50,
	S_P95,
	S_P99,
	S_BLANK,
	S_PER_OP,
	S_RULE2,
	S_OPS,      /* between operation blocks */
	S_OP_COUNT,
	S_OP_THROUGHPUT,
	S_OP_P50,
	S_OP_P95,
	S_OP_P99,
	S_OP_ERRORS,
	S_DONE,
};

/* What each state expects, for messages. */
static const char *const expected[] = {
	[S_IDLE] = "\"Load Test Report: NAME\"",
	[S_DURATION] = "\"Duration: N.NNs | Total Operations: N\"",
	[S_RULE1] = "a rule line of U+2501",
	[S_THROUGHPUT] = "\"Overall Throughput: N ops/sec\"",
	[S_ERROR_RATE] = "\"Overall Error Rate: N.NN%\"",
	[S_P50] = "\"P50 Latency: N.NNms\"",
	[S_P95] = "\"P95 Latency: N.NNms\"",
	[S_P99] = "\"P99 Latency: N.NNms\"",
	[S_BLANK] = "a blank line",
	[S_PER_OP] = "\"Per-Operation Statistics:\"",
	[S_RULE2] = "a rule line of U+2501",
	[S_OPS] = "\"<Operation>:\"",
	[S_OP_COUNT] = "\"  Count: N\"",
	[S_OP_THROUGHPUT] = "\"  Throughput: N ops/sec\"",
	[S_OP_P50] = "\"  P50: N.NNms\"",
	[S_OP_P95] = "\"  P95: N.NNms\"",
	[S_OP_P99] = "\"  P99: N.NNms\"",
	[S_OP_ERRORS] = "\"  Errors: N\"",
	[S_DONE] = "nothing",
};
_Static_assert(sizeof expected / sizeof expected[0] == S_DONE + 1, "one text per state");

struct ll_loadtest_summary {
	enum sstate state;
	enum ll_status failed;
	long last_line; /* the last line consumed, for "ends early" */
	struct ll_run_report report;
	struct ll_op_stats op;
	char *op_name;
	double op_ms;
};

enum ll_status ll_loadtest_summary_new(struct ll_loadtest_summary **out, struct ll_error *err)
{
	struct ll_loadtest_summary *s = calloc(1, sizeof *s);
	if (!s)
		return nomem(NULL, 0, err);
	*out = s;
	return LL_OK;
}

void ll_loadtest_summary_free(struct ll_loadtest_summary *s)
{
	if (!s)
		return;
	ll_run_report_release(&s->report);
	free(s->op_name);
	free(s);
}

/* "━" is E2 94 81; report.rs prints 42 of them. Any positive number is accepted. */
static bool is_rule(const char *l, size_t n)
{
	if (n == 0 || n % 3)
		return false;
	for (size_t i = 0; i < n; i += 3)
		if ((unsigned char)l[i] != 0xe2 || (unsigned char)l[i + 1] != 0x94 ||
		    (unsigned char)l[i + 2] != 0x81)
			return false;
	return true;
}

/* "<prefix>NUMBER<suffix>" with a decimal number. */
static bool field_dec(const char *l, size_t n, const char *prefix, const char *suffix, double *v)
{
	size_t pl, sl;
	return has_prefix(l, n, prefix, &pl) && has_suffix(l, n, suffix, &sl) && n >= pl + sl &&
	       parse_dec(l + pl, n - pl - sl, v);
}

static bool field_int(const char *l, size_t n, const char *prefix, const char *suffix, int64_t *v)
{
	size_t pl, sl;
	uint64_t u;
	if (!has_prefix(l, n, prefix, &pl) || !has_suffix(l, n, suffix, &sl) || n < pl + sl ||
	    !parse_u64(l + pl, n - pl - sl, &u) || u > INT64_MAX)
		return false;
	*v = (int64_t)u;
	return true;
}

/* Rust's {:?} of the OperationType enum: an identifier. */
static bool is_op_header(const char *l, size_t n)
{
	if (n < 2 || l[n - 1] != ':')
		return false;
	for (size_t i = 0; i + 1 < n; i++) {
		char c = l[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
		          (i > 0 && c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

static int64_t ms_to_us(double ms)
{
	return (int64_t)llround(ms * 1000.0);
}

enum ll_status ll_loadtest_summary_feed(struct ll_loadtest_summary *s, const char *l, size_t n,
                                        const char *path, long line_no, bool *consumed,
                                        struct ll_error *err)
{
	if (s->failed != LL_OK)
		return s->failed;
	*consumed = true;
	size_t pl;
	bool ok = false;
	struct ll_run_report *r = &s->report;
	switch (s->state) {
	case S_IDLE:
		if (has_prefix(l, n, "Load Test Report: ", &pl)) {
			if (!(r->config_name = dupn(l + pl, n - pl)))
				return s->failed = nomem(path, line_no, err);
			ok = true;
		} else {
			*consumed = false;
			return LL_OK;
		}
		break;
	case S_DURATION: {
		/* format!("Duration: {:.2}s | Total Operations: {}") */
		const char *bar = find_sub(l, n, "s | Total Operations: ");
		size_t dl;
		if (bar && has_prefix(l, n, "Duration: ", &dl) && (size_t)(bar - l) >= dl) {
			size_t after = (size_t)(bar - l) + strlen("s | Total Operations: ");
			uint64_t u;
			ok = parse_dec(l + dl, (size_t)(bar - l) - dl, &r->elapsed_s) &&
			     parse_u64(l + after, n - after, &u) && u <= INT64_MAX;
			if (ok)
				r->total_ops = (int64_t)u;
		}
		break;
	}
	case S_RULE1:
	case S_RULE2:
		ok = is_rule(l, n);
		break;
	case S_THROUGHPUT:
		ok = field_dec(l, n, "Overall Throughput: ", " ops/sec", &r->throughput);
		break;
	case S_ERROR_RATE: {
		double pct;
		ok = field_dec(l, n, "Overall Error Rate: ", "%", &pct);
		r->error_rate_frac = pct / 100.0;
		break;
	}
	case S_P50:
		ok = field_dec(l, n, "P50 Latency: ", "ms", &r->p50_ms);
		break;
	case S_P95:
		ok = field_dec(l, n, "P95 Latency: ", "ms", &r->p95_ms);
		break;
	case S_P99:
		ok = field_dec(l, n, "P99 Latency: ", "ms", &r->p99_ms);
		break;
	case S_BLANK:
		ok = n == 0;
		break;
	case S_PER_OP:
		ok = n == strlen("Per-Operation Statistics:") &&
		     memcmp(l, "Per-Operation Statistics:", n) == 0;
		break;
	case S_OPS:
		if (n == 0) {
			s->last_line = line_no;
			return LL_OK;
		}
		if (!is_op_header(l, n)) {
			/* the block is over: this line is someone else's */
			*consumed = false;
			s->state = S_DONE;
			return LL_OK;
		}
		if (!(s->op_name = dupn(l, n - 1)))
			return s->failed = nomem(path, line_no, err);
		if (ll_run_report_find_op(r, s->op_name))
			return s->failed = ll_error_set(err, LL_INPUT, path, line_no, "summary",
			                                "operation \"%s\" appears twice", s->op_name);
		s->op = (struct ll_op_stats){ .op = s->op_name, .has_detail = false };
		ok = true;
		break;
	case S_OP_COUNT:
		ok = field_int(l, n, "  Count: ", "", &s->op.count);
		break;
	case S_OP_THROUGHPUT: {
		double tp;
		ok = field_dec(l, n, "  Throughput: ", " ops/sec", &tp);
		break;
	}
	case S_OP_P50:
		ok = field_dec(l, n, "  P50: ", "ms", &s->op_ms);
		s->op.p50_us = ms_to_us(s->op_ms);
		break;
	case S_OP_P95:
		ok = field_dec(l, n, "  P95: ", "ms", &s->op_ms);
		s->op.p95_us = ms_to_us(s->op_ms);
		break;
	case S_OP_P99:
		ok = field_dec(l, n, "  P99: ", "ms", &s->op_ms);
		s->op.p99_us = ms_to_us(s->op_ms);
		break;
	case S_OP_ERRORS:
		ok = field_int(l, n, "  Errors: ", "", &s->op.error_count) && s->op.error_count <= s->op.count;
		if (ok) {
			s->op.success_count = s->op.count - s->op.error_count;
			enum ll_status st = ll_run_report_add_op(r, &s->op, err);
			free(s->op_name);
			s->op_name = NULL;
			if (st != LL_OK)
				return s->failed = st;
			r->total_errors += s->op.error_count;
			s->last_line = line_no;
			s->state = S_OPS;
			return LL_OK;
		}
		break;
	case S_DONE:
		if (has_prefix(l, n, "Load Test Report: ", &pl))
			return s->failed = ll_error_set(err, LL_INPUT, path, line_no, "summary",
			                                "a second summary block");
		*consumed = false;
		return LL_OK;
	}
	if (!ok) {
		struct ll_buf b = LL_BUF_INIT;
		ll_buf_put_escaped(&b, l, n, 60);
		ll_error_set(err, LL_INPUT, path, line_no, "summary", "expected %s, found \"%s\"",
		             expected[s->state], ll_buf_str(&b));
		ll_buf_release(&b);
		return s->failed = LL_INPUT;
	}
	s->last_line = line_no;
	s->state++;
	return LL_OK;
}

enum ll_status ll_loadtest_summary_finish(struct ll_loadtest_summary *s, const char *path,
                                          struct ll_run_report *out, bool *found,
                                          struct ll_error *err)
{
	if (s->failed != LL_OK)
		return s->failed;
	if (s->state == S_IDLE) {
		*found = false;
		return LL_OK;
	}
	if (s->state != S_OPS && s->state != S_DONE)
		return s->failed = ll_error_set(err, LL_INPUT, path, s->last_line + 1, "summary",
		                                "summary block ends early: expected %s",
		                                expected[s->state]);
	s->report.source = LL_SOURCE_TEXT_SUMMARY;
	ll_run_report_sort_ops(&s->report);
	*out = s->report;
	s->report = (struct ll_run_report)LL_RUN_REPORT_INIT;
	s->state = S_DONE;
	*found = true;
	return LL_OK;
}
