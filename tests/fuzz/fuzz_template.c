/* libFuzzer target for template: any bytes as a message, masked twice. Checks that the
 * first pass succeeds and that the result is a string of exactly the length appended.
 * Masking is not idempotent (a mask can make a neighbour a boundary: "'x'3" keeps its
 * quotes, "'x'<num>" loses them), so the second pass is only run, not compared.
 * Built by tests/fuzz/CMakeLists.txt (LOADLENS_FUZZ=ON; scripts/fuzz.sh) and, without
 * libFuzzer, linked into tests/fuzz/replay.c to replay the corpus in ctest. Never prints. */
#include <stdint.h>
#include <stdlib.h>

#include "loadlens/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_buf b = LL_BUF_INIT;
	struct ll_buf b2 = LL_BUF_INIT;
	struct ll_error err = LL_ERROR_INIT;
	if (ll_template_make((const char *)data, size, &b, &err) != LL_OK)
		abort();
	const char *t = ll_buf_str(&b);
	if (!t || t[b.len] != '\0')
		abort();
	if (ll_template_make(t, b.len, &b2, &err) != LL_OK)
		abort();
	ll_buf_release(&b);
	ll_buf_release(&b2);
	ll_error_release(&err);
	return 0;
}
