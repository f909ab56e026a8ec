/* gen_bench_logs: writes the inputs of the ingest and correlate benchmarks (tests/bench/).
 *
 *   gen_bench_logs --lines N --server-log PATH [--csv PATH] [--failures F --loadtest-log PATH]
 *
 * --server-log: an Engram server log of exactly N physical lines, in the bytes
 *   tracing-subscriber 0.3's default fmt format writes with ANSI colour on (the layout of
 *   sample_logs/m17_before_server.log, see sample_logs/README.md): two unstamped cargo lines,
 *   then mostly INFO request lines, WARN/ERROR streaming failures, an HNSW warning now and
 *   then, a ~78 KB metrics snapshot line every 10,000 lines and a panic record with a
 *   22-line backtrace (continuation lines) every 500,000 lines.
 * --csv: the same events as CSV rows with the columns of server_events (event_id, run_id,
 *   input_id, line_no, ts_us, level, target, spans, message, fields_json, method, path,
 *   status, request_id, template_id), holding exactly what `loadlens ingest` stores for a
 *   fresh database: the reference for `sqlite3 .import` and for the row-by-row comparison
 *   that proves every event was stored with its fields and template. No header row.
 * --failures/--loadtest-log: the load tester's output (ANSI on) with F `Operation failed`
 *   lines against that server log: about 70% answer a server ERROR event (500s, the client
 *   clock 120 ms ahead, the response 1-3 ms after the server's line), the rest are network
 *   errors and pattern-completion 422s the server never logs.
 *
 * Deterministic (fixed-seed splitmix64), so every run of the benchmark reads the same bytes.
 * Not a test and not part of loadlens: it only has to be fast (C, ~1 s per million lines). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ESC "\x1b"
#define DIM ESC "[2m"
#define ITALIC ESC "[3m"
#define RESET ESC "[0m"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* A growable byte buffer; the generator aborts on out-of-memory (it is a test tool). */
struct sbuf {
	char *p;
	size_t len, cap;
};

/* Makes room for n more bytes and a NUL. */
static void sb_grow(struct sbuf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap * 2 : 4096;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		fputs("gen_bench_logs: out of memory\n", stderr);
		exit(1);
	}
	b->p = p;
	b->cap = cap;
}

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* cJSON_PrintUnformatted's string escaping (what loadlens stores in fields_json). */
static void sb_json_string(struct sbuf *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\b': sb_puts(b, "\\b"); break;
		case '\f': sb_puts(b, "\\f"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default:
			if (c < 32)
				sb_printf(b, "\\u%04x", c);
			else
				sb_add(b, (const char *)&c, 1);
		}
	}
	sb_puts(b, "\"");
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void ts_text(int64_t ts_us, char out[64])
{
	time_t secs = (time_t)(ts_us / 1000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ts_us % 1000000));
}

struct field {
	const char *name;
	const char *written; /* as it appears in the line (Debug-quoted or Display) */
	const char *value;   /* as loadlens stores it (unquoted) */
};

/* Message kinds. Each is one template (its variable parts are masked the same way), numbered
 * in order of first appearance, as loadlens numbers templates in a fresh database. */
enum kind {
	K_REMEMBER, K_RECALL_REQ, K_STORED, K_RECALLED, K_WARN_STORE_SSE, K_WARN_RECALL_SSE,
	K_ERR_RECALL_SSE, K_ERR_STORE_SSE, K_HNSW, K_METRICS, K_PANIC, K_COUNT
};

struct gen {
	FILE *log, *csv, *client;
	long line_no;           /* physical lines written to the server log */
	long event_id;
	int64_t ts_us;
	int template_of[K_COUNT]; /* 0 until seen */
	int n_templates;
	struct sbuf line, msg, json, snap, cont;
	long failures;
};

static const char *const level_color[] = { "32", "33", "31" };
static const char *const level_text[] = { " INFO", " WARN", "ERROR" };
static const char *const level_name[] = { "INFO", "WARN", "ERROR" };

/* Writes one event (and its CSV row). cont: continuation text (lines after the first,
 * each ending in '\n') that belongs to the last field, or NULL. */
static void emit(struct gen *g, enum kind k, int level, const char *target, const char *message,
                 const struct field *fields, size_t nf, const char *cont)
{
	char ts[64];
	ts_text(g->ts_us, ts);
	struct sbuf *l = &g->line;
	l->len = 0;
	sb_printf(l, DIM "%s" RESET " " ESC "[%sm%s" RESET " " DIM "%s" RESET DIM ":" RESET " %s", ts,
	          level_color[level], level_text[level], target, message);
	for (size_t i = 0; i < nf; i++)
		sb_printf(l, " " ITALIC "%s" RESET DIM "=" RESET "%s", fields[i].name, fields[i].written);
	sb_puts(l, "\n");
	if (cont)
		sb_puts(l, cont);
	fwrite(l->p, 1, l->len, g->log);
	long first_line = ++g->line_no;
	for (const char *c = cont; c && *c; c++)
		g->line_no += *c == '\n';
	g->event_id++;
	if (!g->template_of[k])
		g->template_of[k] = ++g->n_templates;
	if (!g->csv)
		return;
	struct sbuf *j = &g->json;
	j->len = 0;
	sb_puts(j, "{");
	for (size_t i = 0; i < nf; i++) {
		if (i)
			sb_puts(j, ",");
		sb_json_string(j, fields[i].name);
		sb_puts(j, ":");
		if (i + 1 == nf && cont) {
			/* the continuation lines are part of the last field, joined by '\n' */
			struct sbuf *v = &g->cont;
			v->len = 0;
			sb_puts(v, fields[i].value);
			sb_puts(v, "\n");
			sb_add(v, cont, strlen(cont) - 1);
			sb_json_string(j, v->p);
		} else {
			sb_json_string(j, fields[i].value);
		}
	}
	sb_puts(j, "}");
	fprintf(g->csv, "%ld,1,1,%ld,%" PRId64 ",%s,%s,,", g->event_id, first_line, g->ts_us,
	        level_name[level], target);
	csv_field(g->csv, message);
	fputc(',', g->csv);
	csv_field(g->csv, j->p);
	fprintf(g->csv, ",,,,,%d\n", g->template_of[k]);
}

static void mem_id(char out[16])
{
	snprintf(out, 16, "mem_%08x", (unsigned)(rnd() & 0xffffffffu));
}

/* Six decimals with trailing zeros cut, like serde_json's shortest form for these ranges. */
static void sb_num(struct sbuf *b, double x)
{
	char t[64];
	snprintf(t, sizeof t, "%.6f", x);
	size_t n = strlen(t);
	while (n > 2 && t[n - 1] == '0' && t[n - 2] != '.')
		n--;
	sb_add(b, t, n);
}

/* Engram's streaming metrics snapshot: 128 series in four windows, about 78 KB. */
static void metrics_snapshot(struct sbuf *b)
{
	static const char *const bases[] = {
		"activation_pool_available", "activation_pool_hit_rate", "activation_pool_in_flight",
		"activation_pool_miss_total", "adaptive_batch_size", "adaptive_batch_latency_seconds",
		"cognitive_cls_hippocampal", "cognitive_cls_neocortical", "completion_duration_seconds",
		"completion_operations_total", "consolidation_backlog", "consolidation_freshness_seconds",
		"consolidation_runs_total", "engram_recall_latency_seconds", "engram_store_latency_seconds",
		"event_stream_buffer_depth", "event_stream_lagged_total", "hnsw_batch_size",
		"hnsw_insert_duration_seconds", "hnsw_queue_depth", "hnsw_queue_full_total",
		"hnsw_search_duration_seconds", "memories_created_total", "recall_results_total",
		"spreading_activation_breaker_state", "spreading_activation_latency_seconds",
		"spreading_pool_utilization", "store_activation", "store_duration_seconds",
		"wal_append_duration_seconds", "wal_bytes_written", "wal_fsync_duration_seconds",
	};
	static const char *const suffixes[] = { "", "_cold", "_hot", "_warm" };
	static const char *const windows[] = { "one_second", "ten_seconds", "one_minute", "five_minutes" };
	b->len = 0;
	sb_puts(b, "{\"schema_version\":\"1.1.0\"");
	for (size_t w = 0; w < 4; w++) {
		sb_printf(b, ",\"%s\":{", windows[w]);
		for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
			for (size_t s = 0; s < 4; s++) {
				double mean = 0.0001 + (double)rnd_below(25000) / 10000.0;
				unsigned count = 1 + rnd_below(2000);
				sb_printf(b, "%s\"%s%s\":{\"count\":%u,\"sum\":", i || s ? "," : "", bases[i],
				          suffixes[s], count);
				sb_num(b, mean * count);
				sb_puts(b, ",\"mean\":");
				sb_num(b, mean);
				sb_puts(b, ",\"min\":");
				sb_num(b, mean * 0.5);
				sb_puts(b, ",\"max\":");
				sb_num(b, mean * 3.1);
				sb_puts(b, ",\"p50\":");
				sb_num(b, mean * 0.9);
				sb_puts(b, ",\"p90\":");
				sb_num(b, mean * 1.4);
				sb_puts(b, ",\"p99\":");
				sb_num(b, mean * 2.2);
				sb_puts(b, "}");
			}
		sb_puts(b, "}");
	}
	sb_puts(b, "}");
}

static const char panic_msg[] = "called `Result::unwrap()` on an `Err` value: RecvError";

static void panic_record(struct gen *g)
{
	static char bt_cont[2048];
	if (!bt_cont[0]) {
		size_t n = 0;
		for (int i = 1; i <= 22; i++)
			n += (size_t)snprintf(bt_cont + n, sizeof bt_cont - n, "%4d: %s\n", i,
			                      i <= 20 ? "<unknown>" : i == 21 ? "start_thread" : "clone3");
	}
	char msg[256];
	snprintf(msg, sizeof msg,
	         "PANIC: Thread panicked - this is a critical error that should be investigated %s",
	         panic_msg);
	struct field f[] = {
		{ "location", "engram-core/src/store.rs:829:42", "engram-core/src/store.rs:829:42" },
		{ "backtrace", "   0: <unknown>", "   0: <unknown>" },
	};
	emit(g, K_PANIC, 2, "engram", msg, f, 2, bt_cont);
}

/* The client's side of a failure at server time ts (its clock runs 120 ms ahead). */
static void client_failure(struct gen *g, int64_t server_ts, const char *op, const char *error)
{
	if (!g->client)
		return;
	char ts[64];
	ts_text(server_ts + 120000 + 1000 + rnd_below(2000), ts);
	fprintf(g->client,
	        DIM "%s" RESET " " ESC "[33m WARN" RESET " " DIM "loadtest" RESET DIM ":" RESET
	            " Operation failed " ITALIC "operation" RESET DIM "=" RESET "%s " ITALIC "error" RESET
	            DIM "=" RESET "%s\n",
	        ts, op, error);
	g->failures++;
}

static const char body_prefix[] =
	"{\"documentation\":{\"api_guide\":\"/docs/api\",\"examples\":\"/docs/examples\","
	"\"memory_concepts\":\"/docs/memory-systems\"},\"error\":{\"code\":\"";

static void explained_failure(struct gen *g, bool store, const char *mid)
{
	char err[1024];
	if (store)
		snprintf(err, sizeof err,
		         "Store failed with status 500 Internal Server Error: %sMEMORY_SYSTEM_ERROR\","
		         "\"cognitive_guidance\":\"Review the memory system documentation for guidance on "
		         "proper operations.\",\"educational_context\":\"The memory system encountered an "
		         "internal error. Cognitive processes may be temporarily disrupted.\",\"message\":"
		         "\"Memory '%s' was stored but event notification failed. SSE subscribers did not "
		         "receive the storage event. Check /api/v1/system/health for streaming status.\"}}",
		         body_prefix, mid);
	else
		snprintf(err, sizeof err,
		         "Recall failed with status 500 Internal Server Error: %sMEMORY_SYSTEM_ERROR\","
		         "\"cognitive_guidance\":\"Review the memory system documentation for guidance on "
		         "proper operations.\",\"educational_context\":\"The memory system encountered an "
		         "internal error. Cognitive processes may be temporarily disrupted.\",\"message\":"
		         "\"Recall completed but event notification failed. SSE subscribers did not "
		         "receive the recall events. Check /api/v1/system/health for streaming status.\"}}",
		         body_prefix);
	client_failure(g, g->ts_us, store ? "Store" : "Recall", err);
}

static void unexplained_failure(struct gen *g)
{
	if (rnd_below(2)) {
		client_failure(g, g->ts_us, "Store", "Store: network error");
		return;
	}
	char err[1024];
	snprintf(err, sizeof err,
	         "PatternCompletion failed with status 422 Unprocessable Entity: %s"
	         "MEMORY_VALIDATION_ERROR\",\"cognitive_guidance\":\"Review the memory system "
	         "documentation for guidance on proper operations.\",\"educational_context\":\"Memory "
	         "content validation failed. Ensure your input follows cognitive encoding principles.\","
	         "\"message\":\"Completion confidence 0.%02u below CA1 threshold. The reconstructed "
	         "episode did not meet quality standards. Suggestion: Provide more cue information or "
	         "adjust ca1_threshold.\"}}",
	         body_prefix, 11 + rnd_below(19));
	client_failure(g, g->ts_us, "PatternCompletion", err);
}

/* One ordinary event; when forced_error, a streaming ERROR the client saw as a 500. */
static void request_event(struct gen *g, bool forced_error)
{
	char mid[16], text[256];
	mem_id(mid);
	unsigned r = forced_error ? 100 + rnd_below(2) : rnd_below(100);
	if (r < 22) {
		snprintf(text, sizeof text, "Processing remember memory request: content length = %u",
		         20 + rnd_below(400));
		emit(g, K_REMEMBER, 0, "engram_cli::api", text, NULL, 0, NULL);
	} else if (r < 40) {
		emit(g, K_RECALL_REQ, 0, "engram_cli::api", "Processing recall request with query: None",
		     NULL, 0, NULL);
	} else if (r < 62) {
		snprintf(text, sizeof text, "Successfully stored memory: %s", mid);
		emit(g, K_STORED, 0, "engram_cli::api", text, NULL, 0, NULL);
	} else if (r < 82) {
		snprintf(text, sizeof text, "Recall completed: found %u vivid and %u associated memories",
		         rnd_below(5), rnd_below(5));
		emit(g, K_RECALLED, 0, "engram_cli::api", text, NULL, 0, NULL);
	} else if (r < 88) {
		struct field f[] = { { "memory_id", mid, mid } };
		emit(g, K_WARN_STORE_SSE, 1, "engram_cli::api",
		     "Memory stored successfully but event streaming failed - SSE subscribers not notified",
		     f, 1, NULL);
	} else if (r < 92) {
		emit(g, K_WARN_RECALL_SSE, 1, "engram_cli::api",
		     "Recall completed successfully but event streaming failed - SSE subscribers not notified",
		     NULL, 0, NULL);
	} else if (r < 99 || r >= 100) {
		bool store = r == 101 || (r < 100 && r % 2);
		struct field f[] = { { "memory_id", mid, mid },
			             { "subscriber_count", "1", "1" },
			             { "error", "SendError { .. }", "SendError { .. }" } };
		emit(g, store ? K_ERR_STORE_SSE : K_ERR_RECALL_SSE, 2, "engram_core::store",
		     store ? "CRITICAL streaming failure - event could not be delivered to SSE subscribers"
		           : "CRITICAL streaming failure - recall event could not be delivered to SSE subscribers",
		     f, 3, NULL);
		if (forced_error)
			explained_failure(g, store, mid);
	} else {
		snprintf(text, sizeof text, "HNSW update queue full for %s, falling back to synchronous insert",
		         mid);
		emit(g, K_HNSW, 1, "engram_core::store", text, NULL, 0, NULL);
	}
}

static void usage(void)
{
	fputs("usage: gen_bench_logs --lines N --server-log PATH [--csv PATH] "
	      "[--failures F --loadtest-log PATH]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long lines = 0, failures = 0;
	const char *log_path = NULL, *csv_path = NULL, *client_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--lines") == 0)
			lines = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--failures") == 0)
			failures = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--server-log") == 0)
			log_path = argv[++i];
		else if (strcmp(argv[i], "--csv") == 0)
			csv_path = argv[++i];
		else if (strcmp(argv[i], "--loadtest-log") == 0)
			client_path = argv[++i];
		else
			usage();
	}
	if (lines < 100 || !log_path || (failures > 0) != (client_path != NULL) || failures >= lines / 2)
		usage();
	struct gen g = { .ts_us = INT64_C(1762671200350435) };
	static char logbuf[1 << 20], csvbuf[1 << 20];
	if (!(g.log = fopen(log_path, "wb")) || (csv_path && !(g.csv = fopen(csv_path, "wb"))) ||
	    (client_path && !(g.client = fopen(client_path, "wb")))) {
		perror("gen_bench_logs: open");
		return 1;
	}
	setvbuf(g.log, logbuf, _IOFBF, sizeof logbuf);
	if (g.csv)
		setvbuf(g.csv, csvbuf, _IOFBF, sizeof csvbuf);
	if (g.client) {
		char ts[64];
		ts_text(g.ts_us - 2000000, ts);
		static const char *const header[] = {
			"Starting load test: bench (seed: 1)", "Target rate: 2000 ops/sec",
			"Duration: 1000 seconds", "Endpoint: http://localhost:7432",
		};
		for (size_t i = 0; i < 4; i++)
			fprintf(g.client, DIM "%s" RESET " " ESC "[32m INFO" RESET " " DIM "loadtest" RESET
			                  DIM ":" RESET " %s\n", ts, header[i]);
	}
	fputs("    Finished `release` profile [optimized] target(s) in 0.41s\n"
	      "     Running `target/release/engram start --port 7432`\n", g.log);
	g.line_no = 2;
	long due = 0; /* failures owed so far: failures * line_no / lines, spread evenly */
	while (g.line_no < lines) {
		g.ts_us += 200 + rnd_below(600);
		long left = lines - g.line_no;
		if (g.line_no % 500000 == 250000 && left > 23) {
			panic_record(&g);
			continue;
		}
		if (g.line_no % 10000 == 5000) {
			metrics_snapshot(&g.snap);
			struct field f[] = { { "target", "\"engram::metrics::stream\"", "engram::metrics::stream" },
				             { "label", "\"daemon\"", "daemon" },
				             { "snapshot", g.snap.p, g.snap.p } };
			emit(&g, K_METRICS, 0, "engram_core::metrics", "streaming metrics snapshot", f, 3, NULL);
			continue;
		}
		long owed = failures ? (long)((double)failures * (double)(g.line_no + 1) / (double)lines) : 0;
		bool fail_now = owed > due && g.failures < failures;
		if (fail_now)
			due = owed;
		bool explained = fail_now && rnd_below(10) < 7;
		request_event(&g, explained);
		if (fail_now && !explained)
			unexplained_failure(&g);
	}
	while (g.client && g.failures < failures)
		unexplained_failure(&g);
	if (fclose(g.log) != 0 || (g.csv && fclose(g.csv) != 0) || (g.client && fclose(g.client) != 0)) {
		perror("gen_bench_logs: write");
		return 1;
	}
	printf("lines=%ld events=%ld templates=%d failures=%ld\n", g.line_no, g.event_id,
	       g.n_templates, g.failures);
	return 0;
}
