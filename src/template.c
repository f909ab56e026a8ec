/* template: see include/loadlens/template.h. A hand scanner: one pass, no backtracking
 * beyond one token, so a 100 KB message costs one pass. */
#include "loadlens/template.h"

#include <stdbool.h>
#include <string.h>
#include "loadlens/banned.h"

static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* s[i..end) ends a token at a word boundary. */
static bool boundary_at(const unsigned char *s, size_t i, size_t end)
{
	return i >= end || !is_word(s[i]);
}

/* Length of a UUID at s[i], or 0. */
static size_t uuid_len(const unsigned char *s, size_t i, size_t end)
{
	static const size_t groups[] = { 8, 4, 4, 4, 12 };
	size_t k = i;
	for (size_t g = 0; g < 5; g++) {
		if (g > 0) {
			if (k >= end || s[k] != '-')
				return 0;
			k++;
		}
		for (size_t j = 0; j < groups[g]; j++, k++)
			if (k >= end || !is_hex(s[k]))
				return 0;
	}
	return boundary_at(s, k, end) ? k - i : 0;
}

static size_t mem_id_len(const unsigned char *s, size_t i, size_t end)
{
	if (end - i < 5 || memcmp(s + i, "mem_", 4) != 0)
		return 0;
	size_t k = i + 4;
	while (k < end && (is_word(s[k]) || s[k] == '-'))
		k++;
	return k > i + 4 ? k - i : 0;
}

static size_t hex_len(const unsigned char *s, size_t i, size_t end)
{
	size_t k = i;
	if (end - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && is_hex(s[i + 2])) {
		k = i + 2;
		while (k < end && is_hex(s[k]))
			k++;
		return boundary_at(s, k, end) ? k - i : 0;
	}
	bool digit = false, letter = false;
	while (k < end && is_hex(s[k])) {
		if (is_digit(s[k]))
			digit = true;
		else
			letter = true;
		k++;
	}
	size_t n = k - i;
	if (!digit || !letter || !boundary_at(s, k, end))
		return 0;
	return n >= (is_digit(s[i]) ? 4u : 8u) ? n : 0;
}

/* A unit right after a number, not followed by a word byte. "µ" is C2 B5 (also U+03BC, CE BC). */
static size_t unit_len(const unsigned char *s, size_t k, size_t end)
{
	static const char *const units[] = { "ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", "s", "m", "h" };
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t n = strlen(units[u]);
		if (end - k >= n && memcmp(s + k, units[u], n) == 0) {
			size_t after = k + n;
			/* chained ("1m30s") or at a boundary */
			if (after >= end || !is_word(s[after]) || is_digit(s[after]))
				return n;
		}
	}
	return 0;
}

static size_t number_len(const unsigned char *s, size_t i, size_t end)
{
	size_t k = i;
	while (k < end && is_digit(s[k]))
		k++;
	if (k + 1 < end && s[k] == '.' && is_digit(s[k + 1])) {
		k++;
		while (k < end && is_digit(s[k]))
			k++;
	}
	return k - i;
}

/* A duration: number unit [number unit]... Returns 0 unless at least one unit follows. */
static size_t duration_len(const unsigned char *s, size_t i, size_t end)
{
	size_t k = i, units = 0;
	for (;;) {
		size_t n = number_len(s, k, end);
		if (!n)
			break;
		size_t u = unit_len(s, k + n, end);
		if (!u)
			break;
		k += n + u;
		units++;
	}
	return units && boundary_at(s, k, end) ? k - i : 0;
}

static size_t dquote_len(const unsigned char *s, size_t i, size_t end)
{
	for (size_t k = i + 1; k < end; k++) {
		if (s[k] == '\\')
			k++;
		else if (s[k] == '"')
			return k + 1 - i;
	}
	return 0;
}

static size_t squote_len(const unsigned char *s, size_t i, size_t end)
{
	for (size_t k = i + 1; k < end; k++)
		if (s[k] == '\'')
			return k > i + 1 && boundary_at(s, k + 1, end) ? k + 1 - i : 0;
	return 0;
}

enum ll_status ll_template_make(const char *msg, size_t len, struct ll_buf *out,
                                struct ll_error *err)
{
	const unsigned char *s = (const unsigned char *)msg;
	size_t copy_from = 0;
	for (size_t i = 0; i < len;) {
		bool at_boundary = i == 0 || !is_word(s[i - 1]);
		const char *mask = NULL;
		size_t n = 0;
		if (s[i] == '"') {
			if ((n = dquote_len(s, i, len)))
				mask = "<str>";
		} else if (s[i] == '\'' && at_boundary) {
			if ((n = squote_len(s, i, len)))
				mask = "<str>";
		} else if (at_boundary && is_word(s[i])) {
			if ((n = uuid_len(s, i, len)))
				mask = "<uuid>";
			else if ((n = mem_id_len(s, i, len)))
				mask = "<id>";
			else if ((n = hex_len(s, i, len)))
				mask = "<hex>";
			else if (is_digit(s[i]) && (n = duration_len(s, i, len)))
				mask = "<dur>";
			else if (is_digit(s[i]) && (n = number_len(s, i, len)))
				mask = "<num>";
			if (!mask) {
				/* skip the rest of this word: no token starts inside it */
				size_t k = i;
				while (k < len && is_word(s[k]))
					k++;
				i = k;
				continue;
			}
		}
		if (!mask) {
			i++;
			continue;
		}
		ll_buf_append(out, msg + copy_from, i - copy_from);
		ll_buf_puts(out, mask);
		i += n;
		copy_from = i;
	}
	ll_buf_append(out, msg + copy_from, len - copy_from);
	if (out->failed)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	return LL_OK;
}
