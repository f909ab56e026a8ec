/* sha256: FIPS 180-4 test vectors, through the SHA-NI path where the CPU has it and the
 * portable rounds, and the two paths compared on many lengths and chunkings. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/sha256.h"

static void digest(bool portable, const void *data, size_t len, size_t chunk, char hex[65])
{
	struct ll_sha256 s;
	if (portable)
		ll_sha256_init_portable(&s);
	else
		ll_sha256_init(&s);
	const unsigned char *p = data;
	for (size_t off = 0; off < len; off += chunk)
		ll_sha256_update(&s, p + off, len - off < chunk ? len - off : chunk);
	ll_sha256_final_hex(&s, hex);
}

Test(sha256, fips_180_vectors_on_both_paths)
{
	static const struct {
		const char *name, *msg, *hex;
	} v[] = {
		{ "empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	for (int portable = 0; portable < 2; portable++)
		for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
			char hex[65];
			digest(portable, v[i].msg, strlen(v[i].msg), 64, hex);
			cr_expect_str_eq(hex, v[i].hex, "%s (%s)", v[i].name, portable ? "portable" : "default");
		}
	size_t n = 1000000;
	char *a = malloc(n);
	memset(a, 'a', n);
	for (int portable = 0; portable < 2; portable++) {
		char hex[65];
		digest(portable, a, n, 4096, hex);
		cr_expect_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		                 "a million a (%s)", portable ? "portable" : "default");
	}
	free(a);
}

Test(sha256, accelerated_and_portable_agree)
{
	size_t n = 1 << 20;
	unsigned char *buf = malloc(n);
	uint64_t x = 88172645463325252ull;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	static const size_t chunks[] = { 1, 3, 63, 64, 65, 1000, 65536 };
	for (size_t len = 0; len < 300; len++)
		for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			char a[65], b[65];
			digest(false, buf, len, chunks[c], a);
			digest(true, buf, len, chunks[c], b);
			cr_assert_str_eq(a, b, "length %zu in chunks of %zu", len, chunks[c]);
		}
	char a[65], b[65];
	digest(false, buf, n, 4099, a);
	digest(true, buf, n, 64, b);
	cr_expect_str_eq(a, b, "1 MiB");
	free(buf);
}
