/* log_reader: streaming lines of any length, CRLF, NUL bytes, caps with file:line, and the
 * cleaning of ANSI escapes and progress redraws (DESIGN §2.2, §2.3). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "loadlens/log_reader.h"

struct want_line {
	const char *bytes;
	size_t len;
};

struct rd_case {
	const char *name;
	const char *input;
	size_t input_len;
	size_t n_lines;
	struct want_line lines[4];
};

#define S(x) x, sizeof(x) - 1

static const struct rd_case rd_cases[] = {
	{ "lf_lines", S("a\nbb\nccc\n"), 3, { { S("a") }, { S("bb") }, { S("ccc") } } },
	{ "crlf_lines", S("a\r\nbb\r\n"), 2, { { S("a") }, { S("bb") } } },
	{ "no_final_newline", S("a\nlast"), 2, { { S("a") }, { S("last") } } },
	{ "no_final_newline_crlf_tail", S("a\nlast\r"), 2, { { S("a") }, { S("last") } } },
	{ "empty_input", S(""), 0, { { NULL, 0 } } },
	{ "empty_lines_counted", S("\n\nx\n"), 3, { { S("") }, { S("") }, { S("x") } } },
	{ "nul_and_invalid_utf8_kept", S("a\0b\xff\xc3\n\xe2\x82\n"), 2, { { S("a\0b\xff\xc3") }, { S("\xe2\x82") } } },
	{ "inner_cr_kept_for_cleaning", S("[1]\r[2]\rlog\n"), 1, { { S("[1]\r[2]\rlog") } } },
};

static void check_lines(const struct rd_case *k, struct ll_log_reader *r)
{
	struct ll_error err = LL_ERROR_INIT;
	struct ll_log_line line;
	bool got = false;
	size_t n = 0;
	for (;;) {
		cr_assert_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK, "%s: next", k->name);
		if (!got)
			break;
		cr_assert_lt(n, k->n_lines, "%s: too many lines", k->name);
		cr_expect_eq(line.len, k->lines[n].len, "%s: line %zu length %zu, want %zu", k->name, n + 1,
		             line.len, k->lines[n].len);
		cr_expect(line.len == k->lines[n].len && memcmp(line.ptr, k->lines[n].bytes, line.len) == 0,
		          "%s: line %zu bytes", k->name, n + 1);
		cr_expect_eq(line.ptr[line.len], '\0', "%s: line %zu NUL after end", k->name, n + 1);
		cr_expect_eq(line.line_no, (long)n + 1, "%s: line_no %ld", k->name, line.line_no);
		n++;
	}
	cr_expect_eq(n, k->n_lines, "%s: %zu lines, want %zu", k->name, n, k->n_lines);
	cr_expect_eq(ll_log_reader_bytes(r), (uint64_t)k->input_len, "%s: bytes %llu", k->name,
	             (unsigned long long)ll_log_reader_bytes(r));
	cr_expect_eq(ll_log_reader_line_no(r), (long)k->n_lines, "%s: line_no at end", k->name);
	/* end stays end */
	cr_expect_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK, "%s: next after end", k->name);
	cr_expect(!got, "%s: still at end", k->name);
}

Test(log_reader, memory_table)
{
	for (size_t i = 0; i < sizeof rd_cases / sizeof rd_cases[0]; i++) {
		const struct rd_case *k = &rd_cases[i];
		struct ll_log_reader *r = NULL;
		struct ll_error err = LL_ERROR_INIT;
		cr_assert_eq(ll_log_reader_open_mem(k->input, k->input_len, "t.log", 0, &r, &err), LL_OK, "%s: open", k->name);
		check_lines(k, r);
		ll_log_reader_free(r);
	}
}

Test(log_reader, file_and_fd_backends_agree)
{
	char *dir = ll_test_tmpdir("log_reader_backends");
	for (size_t i = 0; i < sizeof rd_cases / sizeof rd_cases[0]; i++) {
		const struct rd_case *k = &rd_cases[i];
		char *path = ll_test_path(dir, "in.log");
		ll_test_write_file(path, k->input, k->input_len);
		struct ll_error err = LL_ERROR_INIT;
		struct ll_log_reader *r = NULL;
		FILE *fp = fopen(path, "rb");
		cr_assert_not_null(fp, "%s: fopen", k->name);
		cr_assert_eq(ll_log_reader_open_file(fp, path, 0, &r, &err), LL_OK, "%s: open FILE", k->name);
		check_lines(k, r);
		ll_log_reader_free(r);
		fclose(fp);
		int fd = open(path, O_RDONLY);
		cr_assert_geq(fd, 0, "%s: open", k->name);
		cr_assert_eq(ll_log_reader_open_fd(fd, path, 0, &r, &err), LL_OK, "%s: open fd", k->name);
		check_lines(k, r);
		ll_log_reader_free(r);
		close(fd);
		free(path);
	}
	free(dir);
}

/* A 20 MB line between two short ones, through a pipe-free fd, under a 32 MiB cap. */
Test(log_reader, twenty_megabyte_line)
{
	size_t big = (size_t)20 * 1000 * 1000;
	size_t total = 6 + big + 1 + 5;
	char *data = malloc(total);
	cr_assert_not_null(data);
	memcpy(data, "first\n", 6);
	for (size_t i = 0; i < big; i++)
		data[6 + i] = (char)('a' + i % 26);
	memcpy(data + 6 + big, "\nlast\n", 6);
	total = 6 + big + 6;
	char *dir = ll_test_tmpdir("log_reader_big");
	char *path = ll_test_path(dir, "big.log");
	ll_test_write_file(path, data, total);
	int fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_log_reader_open_fd(fd, path, (size_t)32 << 20, &r, &err), LL_OK);
	struct ll_log_line line;
	bool got;
	cr_assert_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK);
	cr_expect(got && line.len == 5 && memcmp(line.ptr, "first", 5) == 0, "big: line 1");
	cr_assert_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK, "big: line 2 (%s)", err.msg ? err.msg : "");
	cr_expect_eq(line.len, big, "big: line 2 length %zu", line.len);
	cr_expect(memcmp(line.ptr, data + 6, big) == 0, "big: line 2 bytes");
	cr_expect_eq(line.line_no, 2, "big: line 2 number");
	cr_assert_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK);
	cr_expect(got && line.len == 4 && memcmp(line.ptr, "last", 4) == 0, "big: line 3");
	cr_expect_eq(ll_log_reader_bytes(r), (uint64_t)total, "big: bytes");
	ll_log_reader_free(r);
	close(fd);
	free(data);
	free(path);
	free(dir);
}

Test(log_reader, line_over_cap_is_input_error_with_line)
{
	static const char in[] = "0123456789\nabcdefghijk\nnext\n";
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_log_reader_open_mem(in, sizeof in - 1, "client.log", 10, &r, &err), LL_OK);
	struct ll_log_line line;
	bool got;
	cr_assert_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK, "cap: a line of exactly the cap is fine");
	cr_expect_eq(line.len, 10, "cap: line 1 length");
	cr_expect_eq(ll_log_reader_next(r, &line, &got, &err), LL_INPUT, "cap: line 2 is over");
	cr_expect_str_eq(err.path, "client.log", "cap: path");
	cr_expect_eq(err.line, 2, "cap: line %ld", err.line);
	cr_expect_str_eq(err.msg, "line longer than the cap of 10 bytes", "cap: msg");
	struct ll_error err2 = LL_ERROR_INIT;
	cr_expect_eq(ll_log_reader_next(r, &line, &got, &err2), LL_INPUT, "cap: error is sticky");
	cr_expect_eq(err2.code, LL_OK, "cap: sticky error is reported once");
	ll_error_release(&err);
	ll_log_reader_free(r);
}

Test(log_reader, cap_counts_content_not_crlf)
{
	static const char in[] = "0123456789\r\n";
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_log_reader_open_mem(in, sizeof in - 1, "c.log", 10, &r, &err), LL_OK);
	struct ll_log_line line;
	bool got;
	cr_expect_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK, "cap_crlf: fits");
	cr_expect_eq(line.len, 10, "cap_crlf: len");
	ll_log_reader_free(r);
}

Test(log_reader, unterminated_line_over_cap_at_eof)
{
	static const char in[] = "ok\n0123456789ab";
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_log_reader_open_mem(in, sizeof in - 1, "c.log", 10, &r, &err), LL_OK);
	struct ll_log_line line;
	bool got;
	cr_expect_eq(ll_log_reader_next(r, &line, &got, &err), LL_OK, "eof_cap: line 1");
	cr_expect_eq(ll_log_reader_next(r, &line, &got, &err), LL_INPUT, "eof_cap: line 2 over");
	cr_expect_eq(err.line, 2, "eof_cap: line number");
	ll_error_release(&err);
	ll_log_reader_free(r);
}

/* Many lines across read-chunk boundaries: every line number and byte comes out right. */
Test(log_reader, many_lines_across_chunks)
{
	struct ll_buf_like { char *d; size_t n; } in = { malloc(2000000), 0 };
	cr_assert_not_null(in.d);
	for (int i = 1; i <= 100000; i++)
		in.n += (size_t)snprintf(in.d + in.n, 2000000 - in.n, "line %d\n", i);
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_log_reader_open_mem(in.d, in.n, "m.log", 0, &r, &err), LL_OK);
	struct ll_log_line line;
	bool got;
	int i = 0;
	char want[32];
	while (ll_log_reader_next(r, &line, &got, &err) == LL_OK && got) {
		i++;
		int wn = snprintf(want, sizeof want, "line %d", i);
		if (line.len != (size_t)wn || memcmp(line.ptr, want, line.len) != 0 || line.line_no != i) {
			cr_assert_fail("chunks: line %d wrong", i);
		}
	}
	cr_expect_eq(i, 100000, "chunks: count %d", i);
	cr_expect_eq(ll_log_reader_bytes(r), (uint64_t)in.n, "chunks: bytes");
	ll_log_reader_free(r);
	free(in.d);
}

struct clean_case {
	const char *name;
	const char *in;
	size_t in_len;
	const char *out;
};

static const struct clean_case clean_cases[] = {
	{ "plain_unchanged", S("2025-11-09T06:53:18Z  INFO t: m"), "2025-11-09T06:53:18Z  INFO t: m" },
	{ "sgr_colours_removed", S("\x1b[2m2025-11-09T06:53:18Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m m"),
	  "2025-11-09T06:53:18Z  INFO t: m" },
	{ "literal_backslash_x1b_stays", S("msg \\x1b[31mred\\x1b[0m"), "msg \\x1b[31mred\\x1b[0m" },
	{ "redraw_shares_line_with_record",
	  S("[00:00:01] ====> 1/60s Rate...\r\x1b[2K2025-11-09T06:53:18.123456Z  WARN loadtest: Operation failed"),
	  "2025-11-09T06:53:18.123456Z  WARN loadtest: Operation failed" },
	{ "redraw_after_record_keeps_record", S("2025-11-09T06:53:18Z  INFO t: m\r\x1b[2K[00:00:02] =====> 2/60s"),
	  "2025-11-09T06:53:18Z  INFO t: m" },
	{ "only_redraws_keep_last", S("\r[1] =>\r[2] ==>\r[3] ===>"), "[3] ===>" },
	{ "trailing_cr_ignored", S("abc\r"), "abc" },
	{ "json_record_after_redraw", S("[1] =>\r{\"timestamp\":\"x\"}"), "{\"timestamp\":\"x\"}" },
	{ "osc_title_removed", S("\x1b]0;loadtest\x07text"), "text" },
	{ "osc_st_terminated", S("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link" },
	{ "cursor_hide_and_charset", S("\x1b[?25l\x1b(Babc\x1b[?25h"), "abc" },
	{ "lone_esc_at_end", S("abc\x1b"), "abc" },
	{ "cut_csi_at_end", S("abc\x1b[3"), "abc" },
	{ "empty", S(""), "" },
};

Test(log_reader, clean_table)
{
	for (size_t i = 0; i < sizeof clean_cases / sizeof clean_cases[0]; i++) {
		const struct clean_case *k = &clean_cases[i];
		char *buf = malloc(k->in_len + 1);
		cr_assert_not_null(buf);
		memcpy(buf, k->in, k->in_len + 1);
		size_t n = ll_log_line_clean(buf, k->in_len);
		cr_expect_eq(n, strlen(k->out), "%s: length %zu, want %zu", k->name, n, strlen(k->out));
		cr_expect(n == strlen(k->out) && memcmp(buf, k->out, n) == 0, "%s: got \"%.*s\", want \"%s\"",
		          k->name, (int)n, buf, k->out);
		cr_expect_eq(buf[n], '\0', "%s: NUL-terminated", k->name);
		free(buf);
	}
}

struct tap_acc {
	char data[64];
	size_t len;
	int calls;
};

static void tap_collect(void *ctx, const char *data, size_t len)
{
	struct tap_acc *a = ctx;
	cr_assert_leq(a->len + len, sizeof a->data, "tap: overflow");
	memcpy(a->data + a->len, data, len);
	a->len += len;
	a->calls++;
}

/* The tap sees the raw bytes (ANSI, CRLF) before cleaning, exactly once each. */
Test(log_reader, tap_sees_raw_bytes_once)
{
	static const char in[] = "\x1b[2ma\x1b[0m\r\nb\rc\nlast";
	struct ll_log_reader *r = NULL;
	struct ll_error err = LL_ERROR_INIT;
	struct tap_acc acc = { .len = 0 };
	cr_assert_eq(ll_log_reader_open_mem(in, sizeof in - 1, "t.log", 0, &r, &err), LL_OK);
	ll_log_reader_set_tap(r, tap_collect, &acc);
	struct ll_log_line line;
	bool got;
	while (ll_log_reader_next(r, &line, &got, &err) == LL_OK && got)
		ll_log_line_clean(line.ptr, line.len);
	cr_expect_eq(acc.len, sizeof in - 1, "tap: %zu bytes", acc.len);
	cr_expect(memcmp(acc.data, in, sizeof in - 1) == 0, "tap: raw bytes");
	cr_expect_geq(acc.calls, 1, "tap: called");
	ll_log_reader_free(r);
}
