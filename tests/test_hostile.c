/* hostile: text that was never meant to reach a terminal, a browser or a CI parser flows
 * through every command and every output format: terminal escapes, printf directives,
 * NUL, invalid UTF-8, a 10 MB field, quotes, pipes and </script> in run names, labels,
 * operation names, messages and bodies. Nothing crashes; text output holds no control
 * byte; JSON parses and is valid UTF-8; JUnit is well-formed XML; HTML and Markdown hold
 * no markup from the input. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/* Every hostile thing at once (no NUL: it goes in files separately). */
#define EVIL "\x1b[31mRED\x1b]0;pwned\x07 %n%s%x | pipe `tick` \"quote\" 'apos' \\ " \
             "<script>alert(1)</script> \"><img src=x onerror=alert(1)> \xff\xfe\xe2\x82 end"
#define EVIL_JSON "\\u001b[31mRED\\u001b]0;pwned\\u0007 %n%s%x | pipe `tick` \\\"quote\\\" 'apos' \\\\ " \
                  "<script>alert(1)</script> \\\"><img src=x onerror=alert(1)> \xff\xfe\xe2\x82 end"

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		if (!n)
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static char *dir, *db, *report, *client_log, *server_log;
static const char *run_name = "evil</script>\"|\x1b[2J%n";

static void write_inputs(void)
{
	dir = ll_test_tmpdir("hostile");
	db = ll_test_path(dir, "t.db");
	report = ll_test_path(dir, "r.json");
	client_log = ll_test_path(dir, "client.log");
	server_log = ll_test_path(dir, "server.log");
	FILE *fp = fopen(report, "wb");
	fprintf(fp, "{\"config_name\": \"%s\", \"elapsed_seconds\": 60.0, \"total_operations\": 200, "
	            "\"total_errors\": 100, \"overall_throughput\": 3.3333333333333335, "
	            "\"overall_error_rate\": 0.5, \"p50_latency_ms\": 0.1, \"p95_latency_ms\": 0.2, "
	            "\"p99_latency_ms\": 0.3, \"per_operation_stats\": {\"Evil|%s\": {\"count\": 200, "
	            "\"success_count\": 100, \"error_count\": 100, \"p50_latency_us\": 100, "
	            "\"p95_latency_us\": 200, \"p99_latency_us\": 300, \"p999_latency_us\": 300, "
	            "\"mean_latency_us\": 120.5, \"max_latency_us\": 300}}}", EVIL_JSON, EVIL_JSON);
	fclose(fp);
	fp = fopen(client_log, "wb");
	fprintf(fp, "2025-11-09T06:53:22.104517Z  INFO loadtest: Starting load test: %s (seed: 1)\n", EVIL);
	for (int i = 0; i < 100; i++)
		fprintf(fp, "2025-11-09T06:53:%02d.%06dZ  WARN loadtest: Operation failed operation=Evil|%s "
		            "error=Evil failed with status 500 Internal Server Error: "
		            "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}\n",
		        23 + i / 10, i * 997 % 1000000, EVIL, "CODE</script>", EVIL_JSON);
	fclose(fp);
	fp = fopen(server_log, "wb");
	for (int i = 0; i < 100; i++) {
		fprintf(fp, "2025-11-09T06:53:%02d.%06dZ ERROR engram::api: %s nul:", 23 + i / 10,
		        i * 997 % 1000000, EVIL);
		fputc('\0', fp);
		fprintf(fp, " field=\"%s\"\n", "quoted \\\"x\\\" </script>");
	}
	/* one 10 MB field */
	fprintf(fp, "2025-11-09T06:53:40.000000Z  WARN engram::api: huge snapshot=");
	for (int i = 0; i < 10 * 1024 * 1024 / 16; i++)
		fputs("<b>|\x1b[1m%n\xff</b> ", fp);
	fputc('\n', fp);
	fclose(fp);
}

static struct ll_test_run run(const char *const *argv)
{
	struct ll_test_run r = ll_test_run_loadlens(NULL, NULL, NULL, argv);
	cr_assert_eq(r.signal, 0, "%s killed by signal %d: %s", argv[0], r.signal, r.err);
	return r;
}

static void no_control_bytes(const char *what, const char *s, size_t len, bool allow_cr)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\t' || (allow_cr && c == '\r'))
			continue;
		cr_assert(c >= 0x20 && c != 0x7f, "%s: control byte 0x%02x at %zu", what, c, i);
	}
}

static void no_markup(const char *what, const char *s)
{
	cr_assert_null(strstr(s, "<script>alert"), "%s: raw <script> from input", what);
	cr_assert_null(strstr(s, "<img src=x"), "%s: raw <img> from input", what);
}

Test(hostile, every_command_and_format, .timeout = 300)
{
	write_inputs();
	const char *ing[] = { "ingest", "--db", db, "--run", run_name, "--label", EVIL, report, client_log, server_log, NULL };
	struct ll_test_run r = run(ing);
	cr_expect_eq(r.exit_code, 0, "ingest: %s", r.err);
	no_control_bytes("ingest stderr", r.err, strlen(r.err), false);
	ll_test_run_release(&r);
	const char *corr[] = { "correlate", "--db", db, run_name, NULL };
	r = run(corr);
	ll_test_run_release(&r);

	static const struct {
		const char *cmd;
		const char *formats[5];
	} cmds[] = {
		{ "runs", { "text", "json", NULL } },
		{ "check", { "text", "json", "markdown", "junit", NULL } },
		{ "compare", { "text", "json", "markdown", "junit", NULL } },
		{ "correlate", { "text", "json", "markdown", NULL } },
		{ "failures", { "text", "json", "markdown", NULL } },
		{ "query", { "table", "csv", "json", NULL } },
		{ "report", { "text", "markdown", "html", NULL } },
	};
	size_t outputs = 0;
	for (size_t c = 0; c < sizeof cmds / sizeof cmds[0]; c++)
		for (size_t f = 0; cmds[c].formats[f]; f++) {
			const char *fmt = cmds[c].formats[f];
			const char *argv[10] = { cmds[c].cmd, "--db", db, "--format", fmt };
			size_t n = 5;
			if (strcmp(cmds[c].cmd, "compare") == 0) {
				argv[n++] = "--allow-invalid";
				argv[n++] = run_name;
				argv[n++] = run_name;
			} else if (strcmp(cmds[c].cmd, "query") == 0) {
				argv[n++] = "--run";
				argv[n++] = run_name;
				argv[n++] = "failures_by_op_code";
			} else if (strcmp(cmds[c].cmd, "runs") != 0) {
				argv[n++] = run_name;
			}
			argv[n] = NULL;
			r = run(argv);
			char what[64];
			snprintf(what, sizeof what, "%s --format %s", cmds[c].cmd, fmt);
			cr_expect(r.exit_code <= 4, "%s: exit %d: %s", what, r.exit_code, r.err);
			cr_expect(r.out_len > 0, "%s printed nothing: %s", what, r.err);
			no_control_bytes(what, r.err, strlen(r.err), false);
			if (strcmp(fmt, "json") == 0) {
				cJSON *j = cJSON_Parse(r.out);
				cr_expect(j, "%s: not JSON", what);
				cJSON_Delete(j);
				cr_expect(valid_utf8(r.out), "%s: JSON is not valid UTF-8", what);
			} else if (strcmp(fmt, "junit") == 0) {
				char *x = ll_test_path(dir, "out.xml");
				ll_test_write_file(x, r.out, r.out_len);
				char cmd[1024];
				snprintf(cmd, sizeof cmd, "xmllint --noout %s", x);
				cr_expect_eq(system(cmd), 0, "%s: not well-formed XML", what);
				free(x);
			} else if (strcmp(fmt, "html") == 0) {
				no_markup(what, r.out);
				cr_expect(valid_utf8(r.out), "%s: HTML is not valid UTF-8", what);
				cr_expect(strstr(r.out, "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s: the text is shown escaped", what);
			} else if (strcmp(fmt, "markdown") == 0) {
				no_markup(what, r.out);
				no_control_bytes(what, r.out, r.out_len, false);
				/* a table row never breaks: each line that starts a row ends it */
				for (char *line = r.out; *line;) {
					char *eol = strchr(line, '\n');
					size_t len = eol ? (size_t)(eol - line) : strlen(line);
					if (len && line[0] == '|')
						cr_expect(line[len - 1] == '|', "%s: broken table row: %.80s", what, line);
					line += len + (eol ? 1 : 0);
				}
			} else {
				no_control_bytes(what, r.out, r.out_len, strcmp(fmt, "csv") == 0);
			}
			outputs++;
			ll_test_run_release(&r);
		}
	cr_expect_eq(outputs, 22);
}
