/* libFuzzer target for loadtest_log: the input's lines go through the summary state machine
 * and, when they parse as events, the failure and header interpreters.
 * Build: clang -fsanitize=fuzzer,address,undefined -I include tests/fuzz/fuzz_loadtest_log.c
 *        src/loadtest_log.c src/tracing_line.c src/log_reader.c src/report.c src/buf.c
 *        src/error.c -lpcre2-8 -lcjson -lm */
#include <stdint.h>
#include <stdlib.h>

#include "loadlens/loadtest_log.h"
#include "loadlens/log_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ll_tracing_parser *p; /* fuzzer harness only: built once per process */
	struct ll_error err = LL_ERROR_INIT;
	if (!p && ll_tracing_parser_new(NULL, &p, &err) != LL_OK)
		abort();
	struct ll_log_reader *r = NULL;
	struct ll_loadtest_summary *s = NULL;
	struct ll_loadtest_header h = LL_LOADTEST_HEADER_INIT;
	if (ll_log_reader_open_mem((const char *)data, size, "fuzz", 0, &r, &err) != LL_OK ||
	    ll_loadtest_summary_new(&s, &err) != LL_OK)
		goto done;
	struct ll_log_line line;
	bool got = false;
	while (ll_log_reader_next(r, &line, &got, &err) == LL_OK && got) {
		size_t n = ll_log_line_clean(line.ptr, line.len);
		bool consumed = false;
		if (ll_loadtest_summary_feed(s, line.ptr, n, "fuzz", line.line_no, &consumed, &err) == LL_OK &&
		    consumed)
			continue;
		struct ll_log_event ev = LL_LOG_EVENT_INIT;
		if (ll_tracing_parse_line(p, line.ptr, n, "fuzz", line.line_no, &ev, &err) == LL_OK) {
			struct ll_client_failure f = LL_CLIENT_FAILURE_INIT;
			bool is_failure = false, matched = false;
			(void)ll_loadtest_failure_from_event(&ev, "fuzz", line.line_no, &f, &is_failure, &err);
			(void)ll_loadtest_header_feed(&h, ev.message, ev.message_len, &matched, &err);
			ll_client_failure_release(&f);
		}
		ll_log_event_release(&ev);
		ll_error_release(&err);
	}
	struct ll_run_report rep = LL_RUN_REPORT_INIT;
	bool found = false;
	(void)ll_loadtest_summary_finish(s, "fuzz", &rep, &found, &err);
	ll_run_report_release(&rep);
done:
	ll_loadtest_header_release(&h);
	ll_loadtest_summary_free(s);
	ll_log_reader_free(r);
	ll_error_release(&err);
	return 0;
}
