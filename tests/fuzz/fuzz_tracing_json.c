/* libFuzzer target for tracing_line's JSON line parser (tracing-subscriber fmt().json()),
 * one line as ingest hands it over (cleaned by ll_log_line_clean() first). Checks: a parsed
 * event always has fields_json and a level; a failure records the status it returns.
 * Built by tests/fuzz/CMakeLists.txt (LOADLENS_FUZZ=ON; scripts/fuzz.sh) and, without
 * libFuzzer, linked into tests/fuzz/replay.c to replay the corpus in ctest. Never prints. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/log_reader.h"
#include "loadlens/tracing_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One parser for the whole process, freed at exit (see fuzz_tracing_text.c). */
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
	char *line = malloc(size ? size : 1);
	if (!line)
		return 0;
	if (size)
		memcpy(line, data, size);
	size_t n = ll_log_line_clean(line, size);
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	enum ll_status st = ll_tracing_parse_json(parser, line, n, "fuzz", 1, &ev, &err);
	if (st == LL_OK) {
		if (!ev.fields_json || ev.level <= LL_LEVEL_NONE || ev.level >= LL_LEVEL_COUNT ||
		    ev.format != LL_LOG_FORMAT_JSON || (ev.n_fields && !ev.fields) ||
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
