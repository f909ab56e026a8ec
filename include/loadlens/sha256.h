/* sha256: FIPS 180-4 SHA-256, for the provenance of ingested files (inputs.sha256).
 * None of loadlens' fixed dependencies exposes a digest, so this small module does.
 * Leaf module: no I/O, no allocation. */
#ifndef LOADLENS_SHA256_H
#define LOADLENS_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ll_sha256 {
	uint32_t h[8];
	uint64_t total;       /* bytes hashed so far */
	unsigned char block[64];
	size_t fill;          /* bytes waiting in block */
	bool use_ni;          /* the CPU has the x86 SHA extensions (checked by init) */
};

/* For tests: the same digest through the portable rounds only. */
void ll_sha256_init_portable(struct ll_sha256 *s);

void ll_sha256_init(struct ll_sha256 *s);
void ll_sha256_update(struct ll_sha256 *s, const void *data, size_t len);
/* Writes 64 lower-case hex digits and a NUL into hex. */
void ll_sha256_final_hex(struct ll_sha256 *s, char hex[65]);
/* One call for a whole buffer. */
void ll_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
