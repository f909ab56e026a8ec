/* libFuzzer target for log_reader: the memory backend with a small cap, every line cleaned.
 * Build: clang -fsanitize=fuzzer,address,undefined -I include tests/fuzz/fuzz_log_reader.c
 *        src/log_reader.c src/buf.c src/error.c */
#include <stdint.h>
#include <stdlib.h>

#include "loadlens/log_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	if (ll_log_reader_open_mem((const char *)data, size, "fuzz", 64, &r, &err) != LL_OK)
		return 0;
	struct ll_log_line line;
	bool got = false;
	uint64_t bytes = 0;
	while (ll_log_reader_next(r, &line, &got, &err) == LL_OK && got) {
		if (line.len > 64 || ll_log_line_clean(line.ptr, line.len) > line.len)
			abort();
		bytes = ll_log_reader_bytes(r);
	}
	if (bytes > size)
		abort();
	ll_log_reader_free(r);
	ll_error_release(&err);
	return 0;
}
