/* template: variable parts of a message masked so equal messages group (DESIGN §4
 * templates; issue 3 item 6). */
#include <criterion/criterion.h>
#include <string.h>

#include "loadlens/template.h"

struct tp_case {
	const char *name;
	const char *in;
	const char *out;
};

static const struct tp_case cases[] = {
	{ "embedding_dimensions_1", "Embedding must be exactly 768 dimensions, got 1",
	  "Embedding must be exactly <num> dimensions, got <num>" },
	{ "embedding_dimensions_384", "Embedding must be exactly 768 dimensions, got 384",
	  "Embedding must be exactly <num> dimensions, got <num>" },
	{ "mem_id", "HNSW update queue full for mem_1a2b, falling back to synchronous insert",
	  "HNSW update queue full for <id>, falling back to synchronous insert" },
	{ "uuid", "Load test memory 123e4567-e89b-12d3-a456-426614174000 stored",
	  "Load test memory <uuid> stored" },
	{ "hex_0x", "bad pointer 0x7ffd1234abcd in arena", "bad pointer <hex> in arena" },
	{ "hex_digest", "segment 9f86d081884c7d65 sealed", "segment <hex> sealed" },
	{ "short_hex_starting_with_digit", "shard 1a2b busy", "shard <hex> busy" },
	{ "word_of_hex_letters_stays", "cafe added to deadbeef", "cafe added to deadbeef" },
	{ "double_quoted", "unknown space \"tenant \\\"a\\\"\" requested", "unknown space <str> requested" },
	{ "single_quoted_id", "Memory 'ep_42' not found in the cognitive graph",
	  "Memory <str> not found in the cognitive graph" },
	{ "apostrophe_stays", "don't retry: it's over", "don't retry: it's over" },
	{ "backticks_stay", "Failed to deserialize query string: missing field `embedding`",
	  "Failed to deserialize query string: missing field `embedding`" },
	{ "durations", "request took 12.5ms (budget 30s, timeout 1m30s, 250us)",
	  "request took <dur> (budget <dur>, timeout <dur>, <dur>)" },
	{ "micro_sign_duration", "flush in 87\xc2\xb5s", "flush in <dur>" },
	{ "decimal", "activation 0.41 below threshold 0.5", "activation <num> below threshold <num>" },
	{ "digits_inside_words_stay", "ipv4 v2 engram_core2 HTTP/1.1", "ipv4 v2 engram_core2 HTTP/<num>" },
	{ "number_then_unit_word", "payload 64KB", "payload <num>KB" },
	{ "key_value_numbers", "content length = 53", "content length = <num>" },
	{ "no_variables", "Processing remember memory request", "Processing remember memory request" },
	{ "empty", "", "" },
	{ "unterminated_quote_kept", "bad \"quote", "bad \"quote" },
	{ "leading_space_kept", " HTTP API on port 7432", " HTTP API on port <num>" },
};

Test(template, table)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct tp_case *k = &cases[i];
		struct ll_buf b = LL_BUF_INIT;
		struct ll_error err = LL_ERROR_INIT;
		cr_expect_eq(ll_template_make(k->in, strlen(k->in), &b, &err), LL_OK, "%s: status", k->name);
		cr_expect_str_eq(ll_buf_str(&b), k->out, "%s: got \"%s\", want \"%s\"", k->name, ll_buf_str(&b), k->out);
		ll_buf_release(&b);
	}
}

Test(template, nul_and_invalid_utf8_copied)
{
	static const char in[] = "a\0b \xff 12";
	struct ll_buf b = LL_BUF_INIT;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_template_make(in, sizeof in - 1, &b, &err), LL_OK);
	static const char want[] = "a\0b \xff <num>";
	cr_expect_eq(b.len, sizeof want - 1, "nul_utf8: length %zu", b.len);
	cr_expect(memcmp(b.data, want, sizeof want - 1) == 0, "nul_utf8: bytes");
	ll_buf_release(&b);
}

Test(template, appends_to_buffer)
{
	struct ll_buf b = LL_BUF_INIT;
	struct ll_error err = LL_ERROR_INIT;
	ll_buf_puts(&b, "WARN|");
	cr_assert_eq(ll_template_make("got 7", 5, &b, &err), LL_OK);
	cr_expect_str_eq(ll_buf_str(&b), "WARN|got <num>", "appends: keeps what was there");
	ll_buf_release(&b);
}
