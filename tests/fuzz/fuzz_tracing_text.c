/* libFuzzer target for tracing_line's fmt (text) line parser, fed as ingest feeds it: one
 * physical line cleaned by ll_log_line_clean() first. Also runs the line sniffers and the
 * RFC 3339 parser on the raw bytes. Checks: a parsed event always has fields_json and a
 * level; a failure records the status it returns.
 * Built by tests/fuzz/CMakeLists.txt (LOADLENS_FUZZ=ON; scripts/fuzz.sh) and, without
 * libFuzzer, linked into tests/fuzz/replay.c to replay the corpus in ctest. Never prints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/log_reader.h"
#include "loadlens/tracing_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Compiling the PCRE2 patterns per input would dominate the run, so one parser lives for
 * the whole process and is freed at exit (LeakSanitizer checks after atexit handlers). */
static struct ll_tracing_parser *parser;

static void free_parser(void)
{
	ll_tracing_parser_free(parser);
	parser = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_error err = LL_ERROR_INIT;
	if (!parser) {
		if (ll_tracing_parser_new(NULL, &parser, &err) != LL_OK)
			abort();
		atexit(free_parser);
	}
	int64_t ts_us;
	(void)ll_rfc3339_parse((const char *)data, size, &ts_us);
	/* A copy: the parser is handed exactly size bytes, so ASan sees any overread. */
	char *line = malloc(size ? size : 1);
	if (!line)
		return 0;
	if (size)
		memcpy(line, data, size);
	size_t n = ll_log_line_clean(line, size);
	if (n > size)
		abort();
	(void)ll_tracing_line_is_stamped(line, n);
	(void)ll_tracing_sniff(line, n);
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	enum ll_status st = ll_tracing_parse_text(parser, line, n, "fuzz", 1, &ev, &err);
	if (st == LL_OK) {
		if (!ev.fields_json || ev.level <= LL_LEVEL_NONE || ev.level >= LL_LEVEL_COUNT ||
		    ev.format != LL_LOG_FORMAT_TEXT || (ev.n_fields && !ev.fields) ||
		    (ev.n_spans && !ev.span_list))
			abort();
		for (size_t i = 0; i < ev.n_fields; i++)
			(void)ll_log_event_field(&ev, ev.fields[i].key);
	} else if (err.code != st) {
		abort();
	}
	ll_log_event_release(&ev);
	ll_error_release(&err);
	free(line);
	return 0;
}
