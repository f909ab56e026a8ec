/* libFuzzer target for tracing_line (after ll_log_line_clean, as ingest calls it).
 * Build: clang -fsanitize=fuzzer,address,undefined -I include tests/fuzz/fuzz_tracing_line.c
 *        src/tracing_line.c src/log_reader.c src/buf.c src/error.c -lpcre2-8 -lcjson */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/log_reader.h"
#include "loadlens/tracing_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ll_tracing_parser *p; /* fuzzer harness only: built once per process */
	struct ll_error err = LL_ERROR_INIT;
	if (!p && ll_tracing_parser_new(NULL, &p, &err) != LL_OK)
		abort();
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	size_t n = ll_log_line_clean(line, size);
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	(void)ll_tracing_line_is_stamped(line, n);
	if (ll_tracing_parse_line(p, line, n, "fuzz", 1, &ev, &err) == LL_OK && !ev.fields_json)
		abort();
	ll_log_event_release(&ev);
	ll_error_release(&err);
	free(line);
	return 0;
}
