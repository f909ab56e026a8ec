/* ingest: see include/loadlens/ingest.h. */
#include "loadlens/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadlens/buf.h"
#include "loadlens/file.h"
#include "loadlens/loadtest_log.h"
#include "loadlens/log_reader.h"
#include "loadlens/report_json.h"
#include "loadlens/sha256.h"
#include "loadlens/template.h"
#include "loadlens/tracing_line.h"
#include "loadlens/banned.h"

#define DETECT_BYTES 65536
/* An event with its continuation lines (a panic's backtrace) is capped, so a file that
 * never stamps another line cannot grow one record without bound. */
#define CONTINUATION_MAX_BYTES ((size_t)1 << 20)
#define PROGRESS_EVERY 65536

const char *ll_input_kind_name(enum ll_input_kind k)
{
	switch (k) {
	case LL_KIND_REPORT: return "report";
	case LL_KIND_LOADTEST_LOG: return "loadtest-log";
	case LL_KIND_SERVER_LOG: return "server-log";
	case LL_KIND_AUTO: break;
	}
	return "auto";
}

void ll_ingest_stats_release(struct ll_ingest_stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n_first_skipped; i++)
		free(st->first_skipped[i].reason);
	free(st->mismatches);
	memset(st, 0, sizeof *st);
}

static bool contains(const char *h, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; n <= len && i + n <= len; i++)
		if (h[i] == needle[0] && memcmp(h + i, needle, n) == 0)
			return true;
	return false;
}

enum ll_input_kind ll_ingest_detect(const char *head, size_t len)
{
	size_t i = len >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* a BOM */
	while (i < len && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		i++;
	if (i == len)
		return LL_KIND_REPORT; /* empty: the report parser says so best */
	if (head[i] == '{' || head[i] == '[') {
		/* tracing JSON lines are one object per line with a timestamp; a report is one
		 * pretty-printed document */
		size_t eol = i;
		while (eol < len && head[eol] != '\n')
			eol++;
		if (contains(head + i, eol - i, "\"timestamp\"") && contains(head + i, eol - i, "\"level\""))
			return LL_KIND_SERVER_LOG;
		return LL_KIND_REPORT;
	}
	/* the load tester's own target, or its summary block */
	if (contains(head, len, " loadtest: ") || contains(head, len, "loadtest\033[0m") ||
	    contains(head, len, "Load Test Report: "))
		return LL_KIND_LOADTEST_LOG;
	/* a log has a stamped line somewhere in its head (unstamped startup lines may come
	 * first); anything else is no kind we know */
	for (size_t at = 0; at < len;) {
		size_t eol = at;
		while (eol < len && head[eol] != '\n')
			eol++;
		char line[256]; /* enough for a timestamp behind colour codes */
		size_t n = eol - at < sizeof line ? eol - at : sizeof line;
		memcpy(line, head + at, n);
		n = ll_log_line_clean(line, n);
		if (ll_tracing_line_is_stamped(line, n))
			return LL_KIND_SERVER_LOG;
		at = eol + 1;
	}
	return LL_KIND_AUTO;
}

/* ---- reports ---- */

static enum ll_status ingest_report(struct ll_store *s, const struct ll_ingest_request *req,
                                    const char *data, size_t len, struct ll_ingest_stats *stats,
                                    struct ll_error *err)
{
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	char *run = NULL;
	enum ll_status st = ll_report_json_parse(req->path, data, len, &r, err);
	if (st)
		goto done;
	run = req->run ? strdup(req->run) : ll_file_stem(req->path, ".json");
	if (!run) {
		st = ll_error_set(err, LL_NOMEM, req->path, 0, NULL, "out of memory");
		goto done;
	}
	char sha[65];
	ll_sha256_hex(data, len, sha);
	struct ll_input_meta in = { .path = req->path, .kind = "report", .sha256 = sha,
		                    .bytes = (int64_t)len, .raw = data, .raw_len = len };
	st = ll_store_put_report(s, run, req->label, req->replace, &r, &in, &stats->outcome, err);
	stats->report_ops = r.total_ops;
	stats->report_op_types = r.n_ops;
done:
	free(run);
	ll_run_report_release(&r);
	return st;
}

/* ---- logs ---- */

struct pipe {
	struct ll_store_ingest *g;
	struct ll_tracing_parser *parser;
	const struct ll_ingest_request *req;
	struct ll_ingest_stats *stats;
	enum ll_input_kind kind;
	struct ll_buf pending;    /* the current event's lines, joined by '\n' */
	long pending_line;        /* 0 when none */
	bool seen_event;
	struct ll_buf tmpl;
	struct ll_loadtest_header header;
	struct ll_loadtest_summary *summary;
	bool summary_broken;      /* the block broke its layout: reported once, then ignored */
};

/* ---- the input's sha256, on a thread of its own ----
 *
 * Hashing a large log costs about as much as parsing it (a portable SHA-256 runs at ~300
 * MB/s), so the reader's tap copies every chunk into a ring that a hasher thread consumes
 * while this thread parses and the store's writer thread inserts. The ring is a fixed
 * HASH_RING_BYTES (memory stays constant); a full ring makes the reader wait. Bytes are
 * hashed in the order read, so the digest is the one of a single pass. */
#define HASH_RING_BYTES ((size_t)4 << 20)
/* The hasher is woken when this much waits (or at the end), not for every chunk read. */
#define HASH_WAKE_BYTES ((size_t)1 << 20)

struct hasher {
	struct ll_sha256 sha;
	char *ring;
	uint64_t wpos, rpos;   /* bytes put into / hashed out of the ring, ever */
	bool eof;              /* no more bytes will come */
	pthread_mutex_t mu;
	pthread_cond_t data;   /* wpos moved, or eof */
	pthread_cond_t space;  /* rpos moved */
	pthread_t th;
	bool started;
};

static void *hasher_main(void *arg)
{
	struct hasher *h = arg;
	/* Three busy threads share two cores here: at equal priority the scheduler gives the
	 * parser (the pipeline's slowest stage) only two thirds of a core. The hasher has slack
	 * (it only has to finish by COMMIT, and a full ring stops the reader until it catches
	 * up), so it yields. On Linux this renices the calling thread; where nice is per
	 * process it merely lowers the ingest's priority. Failure changes nothing but speed. */
	(void)setpriority(PRIO_PROCESS, 0, 10);
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (h->wpos == h->rpos && !h->eof)
			pthread_cond_wait(&h->data, &h->mu);
		if (h->wpos == h->rpos)
			break;
		size_t at = (size_t)(h->rpos % HASH_RING_BYTES);
		size_t n = (size_t)(h->wpos - h->rpos);
		if (n > HASH_RING_BYTES - at)
			n = HASH_RING_BYTES - at;
		pthread_mutex_unlock(&h->mu);
		/* [rpos, wpos) is the hasher's alone until rpos moves */
		ll_sha256_update(&h->sha, h->ring + at, n);
		pthread_mutex_lock(&h->mu);
		h->rpos += n;
		pthread_cond_signal(&h->space);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static enum ll_status hasher_start(struct hasher *h, const char *path, struct ll_error *err)
{
	ll_sha256_init(&h->sha);
	if (!(h->ring = malloc(HASH_RING_BYTES)))
		return ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->data, NULL);
	pthread_cond_init(&h->space, NULL);
	/* No signals on this thread: SIGINT must interrupt the reader's read() (cli_ingest.c). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&h->th, NULL, hasher_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return ll_error_set(err, LL_NOMEM, path, 0, NULL, "cannot start the hashing thread: %s",
		                    strerror(rc));
	h->started = true;
	return LL_OK;
}

/* The reader's tap: copies the chunk into the ring, waiting for room when it is full. */
static void tap_sha(void *ctx, const char *data, size_t len)
{
	struct hasher *h = ctx;
	while (len > 0) {
		pthread_mutex_lock(&h->mu);
		while (h->wpos - h->rpos == HASH_RING_BYTES)
			pthread_cond_wait(&h->space, &h->mu);
		size_t at = (size_t)(h->wpos % HASH_RING_BYTES);
		size_t n = HASH_RING_BYTES - (size_t)(h->wpos - h->rpos);
		pthread_mutex_unlock(&h->mu);
		if (n > HASH_RING_BYTES - at)
			n = HASH_RING_BYTES - at;
		if (n > len)
			n = len;
		/* [wpos, rpos + ring size) is the reader's alone until wpos moves */
		memcpy(h->ring + at, data, n);
		pthread_mutex_lock(&h->mu);
		h->wpos += n;
		if (h->wpos - h->rpos >= HASH_WAKE_BYTES)
			pthread_cond_signal(&h->data);
		pthread_mutex_unlock(&h->mu);
		data += n;
		len -= n;
	}
}

/* Ends the hasher once it has hashed everything; hex (when not NULL) gets the digest. */
static void hasher_finish(struct hasher *h, char hex[65])
{
	if (h->started) {
		pthread_mutex_lock(&h->mu);
		h->eof = true;
		pthread_cond_signal(&h->data);
		pthread_mutex_unlock(&h->mu);
		pthread_join(h->th, NULL);
		h->started = false;
		pthread_mutex_destroy(&h->mu);
		pthread_cond_destroy(&h->data);
		pthread_cond_destroy(&h->space);
	}
	free(h->ring);
	h->ring = NULL;
	if (hex)
		ll_sha256_final_hex(&h->sha, hex);
}

static enum ll_status stray(struct pipe *p, long line, const char *kind, const char *reason,
                            const char *text, size_t len, struct ll_error *err)
{
	struct ll_ingest_stats *st = p->stats;
	st->skipped++;
	if (strcmp(kind, "unparsed") == 0 && st->n_first_skipped < LL_INGEST_SHOW_SKIPPED) {
		st->first_skipped[st->n_first_skipped].line = line;
		st->first_skipped[st->n_first_skipped].reason = strdup(reason ? reason : "");
		st->n_first_skipped++;
	}
	return ll_store_ingest_stray(p->g, line, kind, reason, text, len, err);
}

static enum ll_status make_template(struct pipe *p, const char *msg, size_t len, struct ll_error *err)
{
	ll_buf_reset(&p->tmpl);
	return ll_template_make(msg, len, &p->tmpl, err);
}

static enum ll_status store_server_event(struct pipe *p, const struct ll_log_event *ev,
                                         long line, struct ll_error *err)
{
	enum ll_status st = make_template(p, ev->message, ev->message_len, err);
	if (st)
		return st;
	struct ll_server_row row = {
		.line_no = line, .ts_us = ev->ts_us, .level = ll_level_name(ev->level),
		.target = ev->target, .spans = ev->spans, .message = ev->message,
		.message_len = ev->message_len, .fields_json = ev->fields_json, .method = ev->method,
		.path = ev->path, .status = ev->status, .request_id = ev->request_id,
		.template_text = ll_buf_str(&p->tmpl),
	};
	p->stats->events++;
	return ll_store_ingest_server(p->g, &row, err);
}

static enum ll_status store_client_event(struct pipe *p, const struct ll_log_event *ev, long line,
                                         struct ll_error *err)
{
	bool is_failure = false;
	struct ll_client_failure f = LL_CLIENT_FAILURE_INIT;
	struct ll_error ferr = LL_ERROR_INIT;
	enum ll_status st = ll_loadtest_failure_from_event(ev, p->req->path, line, &f, &is_failure, &ferr);
	if (st == LL_INPUT) {
		/* one unreadable failure line does not sink the file: it is reported */
		char why[300];
		snprintf(why, sizeof why, "%s%s%s", ferr.where ? ferr.where : "", ferr.where ? ": " : "",
		         ferr.msg ? ferr.msg : "not a failure line");
		ll_error_release(&ferr);
		return stray(p, line, "unparsed", why, ev->message, ev->message_len, err);
	}
	if (st) {
		ll_error_set(err, st, ferr.path, ferr.line, ferr.where, "%s", ferr.msg ? ferr.msg : "");
		ll_error_release(&ferr);
		return st;
	}
	bool header = false;
	if (!is_failure &&
	    (st = ll_loadtest_header_feed(&p->header, ev->message, ev->message_len, &header, err)))
		return st;
	struct ll_client_row row = {
		.line_no = line, .has_ts = true, .ts_us = ev->ts_us, .level = ll_level_name(ev->level),
		.message = ev->message,
	};
	if (is_failure) {
		/* the template groups failures by what the server said, numbers masked */
		const char *text = f.error_message ? f.error_message : f.error_text ? f.error_text : "";
		if ((st = make_template(p, text, strlen(text), err)))
			goto done;
		row.op = f.op;
		row.status = f.status;
		row.reason = f.reason;
		row.error_class = ll_client_error_class_name(f.error_class);
		row.error_code = f.error_code;
		row.error_message = f.error_message;
		row.body = f.body ? f.body : f.error_text;
		row.request_id = f.request_id;
		row.template_text = ll_buf_str(&p->tmpl);
		p->stats->failures++;
	}
	p->stats->events++;
	st = ll_store_ingest_client(p->g, &row, err);
done:
	ll_client_failure_release(&f);
	return st;
}

/* Parses and stores the pending event (its first line and continuation lines). */
static enum ll_status flush_pending(struct pipe *p, struct ll_error *err)
{
	if (!p->pending_line)
		return LL_OK;
	long line = p->pending_line;
	p->pending_line = 0;
	if (p->pending.failed)
		return ll_error_set(err, LL_NOMEM, p->req->path, line, NULL, "out of memory");
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	struct ll_error perr = LL_ERROR_INIT;
	enum ll_status st = ll_tracing_parse_line(p->parser, p->pending.data, p->pending.len,
	                                          p->req->path, line, &ev, &perr);
	if (st == LL_INPUT) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s%s%s", perr.where ? perr.where : "", perr.where ? ": " : "",
		         perr.msg ? perr.msg : "not an event");
		ll_error_release(&perr);
		return stray(p, line, "unparsed", msg, p->pending.data, p->pending.len, err);
	}
	if (st) {
		ll_error_set(err, st, perr.path, perr.line, perr.where, "%s", perr.msg ? perr.msg : "");
		ll_error_release(&perr);
		return st;
	}
	p->seen_event = true;
	if (p->kind == LL_KIND_LOADTEST_LOG)
		st = store_client_event(p, &ev, line, err);
	else
		st = store_server_event(p, &ev, line, err);
	ll_log_event_release(&ev);
	return st;
}

/* "YYYY-": the start of a date, however malformed the rest. */
static bool looks_dated(const char *s, size_t len)
{
	return len >= 5 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' && s[4] == '-';
}

/* Control bytes other than tab (after ANSI cleaning) mean this is no text line. */
static bool is_binary(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

/* Records a summary block that does not parse as a stray line naming where and why. */
static enum ll_status summary_broken(struct pipe *p, const struct ll_error *serr,
                                     const char *text, size_t len, struct ll_error *err)
{
	char why[400];
	snprintf(why, sizeof why, "summary block ignored: %s", serr->msg ? serr->msg : "malformed");
	return stray(p, serr->line ? serr->line : p->stats->lines, "unparsed", why, text, len, err);
}

static enum ll_status take_line(struct pipe *p, struct ll_log_line *ln, struct ll_error *err)
{
	size_t len = ll_log_line_clean(ln->ptr, ln->len);
	enum ll_status st;
	if (p->kind == LL_KIND_LOADTEST_LOG && !p->summary_broken) {
		bool consumed = false;
		struct ll_error serr = LL_ERROR_INIT;
		st = ll_loadtest_summary_feed(p->summary, ln->ptr, len, p->req->path, ln->line_no,
		                              &consumed, &serr);
		if (st == LL_INPUT) {
			/* a summary block that breaks its layout (a cut-off or edited log) is reported
			 * and ignored; the failures above it are kept */
			p->summary_broken = true;
			st = summary_broken(p, &serr, ln->ptr, len, err);
			ll_error_release(&serr);
			return st;
		}
		if (st) {
			ll_error_set(err, st, serr.path, serr.line, serr.where, "%s", serr.msg ? serr.msg : "");
			ll_error_release(&serr);
			return st;
		}
		if (consumed) {
			/* the block is printed after the last event: that event ends here */
			return flush_pending(p, err);
		}
	}
	/* A line that starts like a record (a timestamp, a "YYYY-" date, a JSON object) is
	 * one, and is reported as unparsed when it is not a valid one. */
	if (ll_tracing_line_is_stamped(ln->ptr, len) || looks_dated(ln->ptr, len)) {
		if ((st = flush_pending(p, err)))
			return st;
		ll_buf_reset(&p->pending);
		ll_buf_append(&p->pending, ln->ptr, len);
		p->pending_line = ln->line_no;
		return LL_OK;
	}
	if (p->pending_line) {
		/* DESIGN §2.3: a line without a timestamp after an event continues it (a panic's
		 * backtrace, a println block). Binary junk does not, and no event grows beyond
		 * CONTINUATION_MAX_BYTES: past that, lines are reported instead of folded. */
		if (is_binary(ln->ptr, len))
			return stray(p, ln->line_no, "unparsed", "binary data, not a log line", ln->ptr, len, err);
		if (p->pending.len + 1 + len > CONTINUATION_MAX_BYTES)
			return stray(p, ln->line_no, "unparsed", "no timestamp, and the event it would "
			             "continue is already at its size limit", ln->ptr, len, err);
		ll_buf_putc(&p->pending, '\n');
		ll_buf_append(&p->pending, ln->ptr, len);
		return LL_OK;
	}
	if (len == 0 && !p->seen_event)
		return LL_OK; /* blank lines before anything: nothing to keep */
	return stray(p, ln->line_no, p->seen_event ? "unparsed" : "unstamped",
	             p->seen_event ? "no timestamp and no event to continue" : NULL, ln->ptr, len, err);
}

/* Compares the summary block with the run's JSON report; records each disagreement beyond
 * the summary's rounding. */
static enum ll_status cross_check(struct pipe *p, const struct ll_run_report *json,
                                  const struct ll_run_report *sum, struct ll_error *err)
{
	struct ll_buf out = LL_BUF_INIT;
	enum ll_status st = LL_OK;
	struct check {
		char name[96];
		double report, summary, tol;
	} checks[64];
	size_t n = 0;
	checks[n++] = (struct check){ "total_operations", (double)json->total_ops, (double)sum->total_ops, 0 };
	checks[n++] = (struct check){ "total_errors", (double)json->total_errors, (double)sum->total_errors, 0 };
	checks[n++] = (struct check){ "overall_throughput", json->throughput, sum->throughput, 0.5 + 1e-9 };
	checks[n++] = (struct check){ "overall_error_rate_pct", json->error_rate_frac * 100, sum->error_rate_frac * 100, 0.005 + 1e-9 };
	checks[n++] = (struct check){ "elapsed_seconds", json->elapsed_s, sum->elapsed_s, 0.005 + 1e-9 };
	checks[n++] = (struct check){ "p99_latency_ms", json->p99_ms, sum->p99_ms, 0.005 + 1e-9 };
	for (size_t i = 0; i < sum->n_ops && n + 3 < sizeof checks / sizeof checks[0]; i++) {
		const struct ll_op_stats *so = &sum->ops[i];
		const struct ll_op_stats *jo = ll_run_report_find_op(json, so->op);
		double jc = jo ? (double)jo->count : NAN, je = jo ? (double)jo->error_count : NAN;
		double jp = jo ? (double)jo->p99_us / 1000 : NAN;
		struct check c = { "", jc, (double)so->count, 0 };
		snprintf(c.name, sizeof c.name, "%.60s.count", so->op);
		checks[n++] = c;
		c = (struct check){ "", je, (double)so->error_count, 0 };
		snprintf(c.name, sizeof c.name, "%.60s.error_count", so->op);
		checks[n++] = c;
		c = (struct check){ "", jp, (double)so->p99_us / 1000, 0.005 + 1e-9 };
		snprintf(c.name, sizeof c.name, "%.60s.p99_ms", so->op);
		checks[n++] = c;
	}
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		if (!isnan(checks[i].report) && fabs(checks[i].report - checks[i].summary) <= checks[i].tol)
			continue;
		p->stats->n_mismatches++;
		ll_buf_printf(&out, "%s%s: report %g, summary %g", out.len ? "; " : "", checks[i].name,
		              checks[i].report, checks[i].summary);
		st = ll_store_ingest_mismatch(p->g, checks[i].name, checks[i].report, checks[i].summary, err);
	}
	if (st == LL_OK && out.len)
		p->stats->mismatches = ll_buf_detach(&out);
	ll_buf_release(&out);
	return st;
}

static enum ll_status finish_loadtest(struct pipe *p, struct ll_error *err)
{
	struct ll_run_report sum = LL_RUN_REPORT_INIT, json = LL_RUN_REPORT_INIT;
	bool found = false, has_json = false;
	enum ll_status st = LL_OK;
	if (!p->summary_broken) {
		struct ll_error serr = LL_ERROR_INIT;
		st = ll_loadtest_summary_finish(p->summary, p->req->path, &sum, &found, &serr);
		if (st == LL_INPUT) {
			found = false;
			st = summary_broken(p, &serr, "", 0, err);
		} else if (st) {
			ll_error_set(err, st, serr.path, serr.line, serr.where, "%s", serr.msg ? serr.msg : "");
		}
		ll_error_release(&serr);
		if (st)
			return st;
	}
	const struct ll_loadtest_header *h = &p->header;
	struct ll_run_header rh = {
		.config_name = h->name, .has_seed = h->has_seed, .seed = (int64_t)h->seed,
		.has_target_rate = h->has_target_rate, .target_rate = h->target_rate,
		.has_duration = h->has_duration, .configured_duration_s = (double)h->configured_duration_s,
		.endpoint = h->endpoint,
	};
	if ((st = ll_store_ingest_header(p->g, &rh, err)))
		goto done;
	p->stats->summary_found = found;
	if (!found)
		goto done;
	if ((st = ll_store_ingest_json_report(p->g, &has_json, &json, err)))
		goto done;
	if (has_json) {
		st = cross_check(p, &json, &sum, err);
	} else {
		st = ll_store_ingest_summary(p->g, &sum, err);
		p->stats->summary_is_report = st == LL_OK;
	}
done:
	ll_run_report_release(&sum);
	ll_run_report_release(&json);
	return st;
}

static enum ll_status ingest_log(struct ll_store *s, const struct ll_ingest_request *req, int fd,
                                 enum ll_input_kind kind, struct ll_ingest_stats *stats,
                                 struct ll_error *err)
{
	struct pipe p = { .req = req, .stats = stats, .kind = kind, .pending = LL_BUF_INIT,
		          .tmpl = LL_BUF_INIT, .header = LL_LOADTEST_HEADER_INIT };
	struct ll_log_reader *rd = NULL;
	struct hasher hash = { .started = false };
	enum ll_status st;
	if (!req->run)
		return ll_error_set(err, LL_USAGE, req->path, 0, NULL,
		                    "this is %s and a log belongs to a run: name it with --run",
		                    kind == LL_KIND_LOADTEST_LOG ? "load tester output" : "a server log");
	/* The content's sha256 is known only at the end (one pass), so the input is recorded
	 * under a placeholder and the duplicate check runs before COMMIT. */
	char placeholder[65];
	snprintf(placeholder, sizeof placeholder, "pending-%ld-%p", (long)getpid(), (void *)&p);
	struct ll_input_meta in = { .path = req->path, .kind = ll_input_kind_name(kind),
		                    .sha256 = placeholder, .bytes = 0 };
	enum ll_ingest_outcome oc;
	if ((st = ll_store_ingest_begin(s, req->run, req->label, &in, &p.g, &oc, err)))
		return st;
	if ((st = ll_tracing_parser_new(NULL, &p.parser, err)) ||
	    (kind == LL_KIND_LOADTEST_LOG && (st = ll_loadtest_summary_new(&p.summary, err))) ||
	    (st = ll_log_reader_open_fd(fd, req->path, 0, &rd, err)) ||
	    (st = hasher_start(&hash, req->path, err)))
		goto fail;
	ll_log_reader_set_tap(rd, tap_sha, &hash);
	for (;;) {
		struct ll_log_line ln;
		bool got = false;
		if ((st = ll_log_reader_next(rd, &ln, &got, err)))
			goto fail;
		if (!got)
			break;
		stats->lines = ln.line_no;
		if ((st = take_line(&p, &ln, err)))
			goto fail;
		if (req->progress && ln.line_no % PROGRESS_EVERY == 0 &&
		    !req->progress(req->progress_ctx, ll_log_reader_bytes(rd), ln.line_no)) {
			st = ll_error_set(err, LL_IO, req->path, ln.line_no, NULL,
			                  "interrupted; nothing of this file was stored");
			goto fail;
		}
	}
	if ((st = flush_pending(&p, err)))
		goto fail;
	if (kind == LL_KIND_LOADTEST_LOG && (st = finish_loadtest(&p, err)))
		goto fail;
	stats->bytes = ll_log_reader_bytes(rd);
	char sha[65];
	hasher_finish(&hash, sha);
	bool dup = false;
	if ((st = ll_store_ingest_finish_input(p.g, sha, (int64_t)stats->bytes, &dup, err)))
		goto fail;
	if (dup) {
		ll_store_ingest_abort(p.g);
		p.g = NULL;
		stats->outcome = LL_INGEST_ALREADY;
		st = LL_OK;
		goto out;
	}
	st = ll_store_ingest_commit(p.g, stats->lines, stats->events, stats->skipped, err);
	p.g = NULL;
	stats->outcome = LL_INGEST_NEW;
	goto out;
fail:
	ll_store_ingest_abort(p.g);
	p.g = NULL;
out:
	hasher_finish(&hash, NULL);
	ll_log_reader_free(rd);
	ll_tracing_parser_free(p.parser);
	ll_loadtest_summary_free(p.summary);
	ll_loadtest_header_release(&p.header);
	ll_buf_release(&p.pending);
	ll_buf_release(&p.tmpl);
	return st;
}

/* Standard input cannot be read twice; it is copied to an unlinked temporary file first,
 * so detection and the sha256 see the same bytes as the parser. */
static enum ll_status spool_stdin(int *fd_out, struct ll_error *err)
{
	FILE *tmp = tmpfile();
	if (!tmp)
		return ll_error_set(err, LL_IO, "-", 0, NULL, "cannot create a temporary file: %s", strerror(errno));
	char buf[65536];
	ssize_t n;
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fclose(tmp);
			return ll_error_set(err, LL_IO, "-", 0, NULL, "read failed: %s", strerror(errno));
		}
		if (fwrite(buf, 1, (size_t)n, tmp) != (size_t)n) {
			fclose(tmp);
			return ll_error_set(err, LL_IO, "-", 0, NULL, "cannot spool standard input: %s", strerror(errno));
		}
	}
	fflush(tmp);
	int fd = dup(fileno(tmp));
	fclose(tmp);
	if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
		return ll_error_set(err, LL_IO, "-", 0, NULL, "cannot reread standard input: %s", strerror(errno));
	*fd_out = fd;
	return LL_OK;
}

enum ll_status ll_ingest_file(struct ll_store *s, const struct ll_ingest_request *req,
                              struct ll_ingest_stats *stats, struct ll_error *err)
{
	memset(stats, 0, sizeof *stats);
	int fd = -1;
	enum ll_status st;
	char *data = NULL;
	if (strcmp(req->path, "-") == 0) {
		if ((st = spool_stdin(&fd, err)))
			return st;
	} else {
		fd = open(req->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return ll_error_set(err, LL_IO, req->path, 0, NULL, "cannot open: %s", strerror(errno));
		struct stat sb;
		if (fstat(fd, &sb) != 0 || S_ISDIR(sb.st_mode)) {
			close(fd);
			return ll_error_set(err, LL_IO, req->path, 0, NULL, "is a directory, expected a file");
		}
	}
	enum ll_input_kind kind = req->kind;
	if (kind == LL_KIND_AUTO) {
		char head[DETECT_BYTES];
		ssize_t n = pread(fd, head, sizeof head, 0);
		if (n < 0) {
			st = ll_error_set(err, LL_IO, req->path, 0, NULL, "read failed: %s", strerror(errno));
			goto done;
		}
		kind = ll_ingest_detect(head, (size_t)n);
		if (kind == LL_KIND_AUTO) {
			st = ll_error_set(err, LL_INPUT, req->path, 1, NULL,
			                  "not a loadtest JSON report, load tester output or server log: "
			                  "no line in the first %zu bytes starts with an RFC 3339 "
			                  "timestamp (use --kind to force one)", (size_t)DETECT_BYTES);
			goto done;
		}
	}
	stats->kind = kind;
	if (kind == LL_KIND_REPORT) {
		size_t len = 0;
		if ((st = ll_file_read_fd(fd, req->path, LL_REPORT_MAX_BYTES, &data, &len, err)))
			goto done;
		st = ingest_report(s, req, data, len, stats, err);
	} else {
		st = ingest_log(s, req, fd, kind, stats, err);
	}
done:
	free(data);
	close(fd);
	return st;
}
