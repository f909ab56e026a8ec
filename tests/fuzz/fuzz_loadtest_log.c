/* libFuzzer target for loadtest_log: the input is a load tester output file. Every line
 * is cleaned and fed to the summary block state machine, as ingest does; each line is also
 * parsed as an event (text or JSON) and offered to the failure and header interpreters,
 * even lines the summary consumed, so both halves see every line. The summary is finished
 * at the end. Checks: a failure event names its operation; a found summary is a text
 * summary whose error total is the sum over its operations; failures record their status.
 * Built by tests/fuzz/CMakeLists.txt (LOADLENS_FUZZ=ON; scripts/fuzz.sh) and, without
 * libFuzzer, linked into tests/fuzz/replay.c to replay the corpus in ctest. Never prints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/loadtest_log.h"
#include "loadlens/log_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One parser for the whole process, freed at exit (see fuzz_tracing_text.c). */
static struct ll_tracing_parser *parser;

static void free_parser(void)
{
	ll_tracing_parser_free(parser);
	parser = NULL;
}

static void one_event(const char *l, size_t n, long line_no, struct ll_loadtest_header *h)
{
	struct ll_error err = LL_ERROR_INIT;
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	struct ll_client_failure f = LL_CLIENT_FAILURE_INIT;
	if (ll_tracing_parse_line(parser, l, n, "fuzz", line_no, &ev, &err) != LL_OK)
		goto done;
	bool is_failure = false, matched = false;
	enum ll_status st = ll_loadtest_failure_from_event(&ev, "fuzz", line_no, &f, &is_failure, &err);
	if (st == LL_OK && is_failure &&
	    (!f.op || f.error_class <= LL_CLIENT_ERROR_NONE || f.error_class >= LL_CLIENT_ERROR_COUNT ||
	     (f.error_class == LL_CLIENT_ERROR_HTTP) != (f.status != 0)))
		abort();
	if (st != LL_OK && err.code != st)
		abort();
	ll_error_release(&err);
	(void)ll_loadtest_header_feed(h, ev.message, ev.message_len, &matched, &err);
done:
	ll_client_failure_release(&f);
	ll_log_event_release(&ev);
	ll_error_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_error err = LL_ERROR_INIT;
	if (!parser) {
		if (ll_tracing_parser_new(NULL, &parser, &err) != LL_OK)
			abort();
		atexit(free_parser);
	}
	struct ll_loadtest_summary *s = NULL;
	struct ll_loadtest_header h = LL_LOADTEST_HEADER_INIT;
	struct ll_run_report rep = LL_RUN_REPORT_INIT;
	if (ll_loadtest_summary_new(&s, &err) != LL_OK)
		goto done;
	/* Lines are split here rather than by log_reader (fuzzed on its own): its 64 KiB read
	 * buffer per input cost most of the time. Each line goes into a buffer of exactly its
	 * length, so ASan sees a parser reading past the end of a line. */
	const char *p = (const char *)data, *stop = p + size;
	long line_no = 0;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(stop - p);
		if (len && p[len - 1] == '\r')
			len--;
		char *line = malloc(len ? len : 1);
		if (!line)
			break;
		if (len)
			memcpy(line, p, len);
		line_no++;
		size_t n = ll_log_line_clean(line, len);
		bool consumed = false;
		/* The summary's error is sticky and returned again without being re-recorded,
		 * so it gets an ll_error of its own, kept until the end. */
		(void)ll_loadtest_summary_feed(s, line, n, "fuzz", line_no, &consumed, &err);
		one_event(line, n, line_no, &h);
		free(line);
		p = nl ? nl + 1 : stop;
	}
	bool found = false;
	if (ll_loadtest_summary_finish(s, "fuzz", &rep, &found, &err) == LL_OK && found) {
		uint64_t sum = 0; /* unsigned: an overflow here must not be the harness's own UB */
		for (size_t i = 0; i < rep.n_ops; i++) {
			if (!rep.ops[i].op || rep.ops[i].error_count > rep.ops[i].count)
				abort();
			sum += (uint64_t)rep.ops[i].error_count;
		}
		if (rep.source != LL_SOURCE_TEXT_SUMMARY || sum != (uint64_t)rep.total_errors)
			abort();
	}
done:
	ll_run_report_release(&rep);
	ll_loadtest_header_release(&h);
	ll_loadtest_summary_free(s);
	ll_error_release(&err);
	return 0;
}
