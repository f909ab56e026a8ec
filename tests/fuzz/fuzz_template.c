/* libFuzzer target for template.
 * Build: clang -fsanitize=fuzzer,address,undefined -I include tests/fuzz/fuzz_template.c
 *        src/template.c src/buf.c src/error.c */
#include <stdint.h>
#include <stdlib.h>

#include "loadlens/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ll_buf b = LL_BUF_INIT;
	struct ll_error err = LL_ERROR_INIT;
	if (ll_template_make((const char *)data, size, &b, &err) != LL_OK)
		abort();
	/* Masking is not idempotent (a mask can make a neighbour a boundary: "'x'3" keeps its
	 * quotes, "'x'<num>" loses them), so a second pass is only run, not compared. */
	struct ll_buf b2 = LL_BUF_INIT;
	if (ll_template_make(ll_buf_str(&b), b.len, &b2, &err) != LL_OK)
		abort();
	ll_buf_release(&b);
	ll_buf_release(&b2);
	return 0;
}
