/* libFuzzer target for log_reader: the memory backend with a small cap (so the too-long path
 * is reached), a tap counting the raw bytes, and every line cleaned with ll_log_line_clean().
 * Checks the header's promises: no line beyond the cap, cleaning never grows a line,
 * line numbers count up by one, at end of input the reader and the tap have seen exactly
 * the input, and after an error the same status comes back.
 * Built by tests/fuzz/CMakeLists.txt (LOADLENS_FUZZ=ON; scripts/fuzz.sh) and, without
 * libFuzzer, linked into tests/fuzz/replay.c to replay the corpus in ctest. Never prints. */
#include <stdint.h>
#include <stdlib.h>

#include "loadlens/log_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 64

static void count_tap(void *ctx, const char *data, size_t len)
{
	(void)data;
	*(uint64_t *)ctx += len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	uint64_t tapped = 0;
	if (ll_log_reader_open_mem((const char *)data, size, "fuzz", CAP, &r, &err) != LL_OK)
		goto done;
	ll_log_reader_set_tap(r, count_tap, &tapped);
	struct ll_log_line line;
	bool got = false;
	long prev = 0;
	enum ll_status st;
	while ((st = ll_log_reader_next(r, &line, &got, &err)) == LL_OK && got) {
		if (line.len > CAP || line.line_no != prev + 1 || ll_log_reader_line_no(r) != line.line_no ||
		    ll_log_line_clean(line.ptr, line.len) > line.len || ll_log_reader_bytes(r) > size)
			abort();
		prev = line.line_no;
	}
	if (st == LL_OK) {
		if (ll_log_reader_bytes(r) != size || tapped != size)
			abort();
	} else if (err.code != st || ll_log_reader_next(r, &line, &got, &err) != st) {
		abort();
	}
done:
	ll_log_reader_free(r);
	ll_error_release(&err);
	return 0;
}
