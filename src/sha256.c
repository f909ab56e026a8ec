/* sha256: see include/loadlens/sha256.h. Constants and steps from FIPS 180-4 §4.2.2, §6.2. */
#include "loadlens/sha256.h"

#include <stdio.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define LL_SHA_NI 1
#endif
#include "loadlens/banned.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

#ifdef LL_SHA_NI
/* The x86 SHA extensions (Intel SHA-NI, also on AMD Zen) hash about five times faster
 * than the portable rounds; ingest hashes every byte of a log (hundreds of MB) beside the
 * parser. Same FIPS 180-4 rounds: the state is kept as ABEF/CDGH lanes, four rounds per
 * message vector, the schedule by sha256msg1/msg2. */
__attribute__((target("sha,sse4.1,ssse3")))
static void compress_ni(uint32_t h[8], const unsigned char *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i tmp = _mm_loadu_si128((const __m128i *)(const void *)&h[0]);
	__m128i st1 = _mm_loadu_si128((const __m128i *)(const void *)&h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);             /* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1B);             /* EFGH */
	__m128i st0 = _mm_alignr_epi8(tmp, st1, 8);     /* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);          /* CDGH */
	const __m128i abef = st0, cdgh = st1;
	__m128i w[4];
	for (int i = 0; i < 16; i++) {
		__m128i m;
		if (i < 4) {
			m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), bswap);
		} else {
			m = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
			m = _mm_add_epi32(m, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
			m = _mm_sha256msg2_epu32(m, w[(i + 3) & 3]);
		}
		w[i & 3] = m;
		__m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)(const void *)&K[4 * i]));
		st1 = _mm_sha256rnds2_epu32(st1, st0, k);
		k = _mm_shuffle_epi32(k, 0x0E);
		st0 = _mm_sha256rnds2_epu32(st0, st1, k);
	}
	st0 = _mm_add_epi32(st0, abef);
	st1 = _mm_add_epi32(st1, cdgh);
	tmp = _mm_shuffle_epi32(st0, 0x1B);             /* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);             /* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xF0);          /* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);             /* HGFE */
	_mm_storeu_si128((__m128i *)(void *)&h[0], st0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], st1);
}

static bool cpu_has_sha_ni(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9)))
		return false; /* SSE4.1, SSSE3 */
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & (1u << 29)) != 0; /* SHA */
}
#endif

static void compress_block(struct ll_sha256 *s, const unsigned char *p)
{
#ifdef LL_SHA_NI
	if (s->use_ni) {
		compress_ni(s->h, p);
		return;
	}
#endif
	compress(s->h, p);
}

void ll_sha256_init(struct ll_sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof iv);
	s->total = 0;
	s->fill = 0;
#ifdef LL_SHA_NI
	s->use_ni = cpu_has_sha_ni();
#else
	s->use_ni = false;
#endif
}

void ll_sha256_init_portable(struct ll_sha256 *s)
{
	ll_sha256_init(s);
	s->use_ni = false;
}

void ll_sha256_update(struct ll_sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->total += len;
	while (len > 0) {
		size_t take = 64 - s->fill;
		if (take > len)
			take = len;
		memcpy(s->block + s->fill, p, take);
		s->fill += take;
		p += take;
		len -= take;
		if (s->fill == 64) {
			compress_block(s, s->block);
			s->fill = 0;
		}
	}
}

void ll_sha256_final_hex(struct ll_sha256 *s, char hex[65])
{
	uint64_t bits = s->total * 8;
	unsigned char pad = 0x80;
	uint64_t keep = s->total;
	ll_sha256_update(s, &pad, 1);
	unsigned char zero = 0;
	while (s->fill != 56)
		ll_sha256_update(s, &zero, 1);
	unsigned char lenbe[8];
	for (int i = 0; i < 8; i++)
		lenbe[i] = (unsigned char)(bits >> (56 - 8 * i));
	ll_sha256_update(s, lenbe, 8);
	s->total = keep;
	for (int i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", s->h[i]);
}

void ll_sha256_hex(const void *data, size_t len, char hex[65])
{
	struct ll_sha256 s;
	ll_sha256_init(&s);
	ll_sha256_update(&s, data, len);
	ll_sha256_final_hex(&s, hex);
}
