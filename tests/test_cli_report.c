/* cli_report: `loadlens report` end to end on sample_logs/ and tests/data/report/: the M17
 * numbers in text, Markdown and HTML; log text is never markup in the HTML; Markdown tables
 * keep their column counts; a clean run has no next steps; -o writes atomically; the HTML
 * renders in headless Chromium with its chart drawn. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"

#define SAMPLE(f) LL_SOURCE_DIR "/sample_logs/" f
#define DATA(f) LL_SOURCE_DIR "/tests/data/report/" f

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static struct ll_test_run run(const char *const *argv)
{
	return ll_test_run_loadlens(NULL, NULL, NULL, argv);
}

static void run_ok(const char *const *argv)
{
	struct ll_test_run r = run(argv);
	cr_assert_eq(r.exit_code, 0, "%s %s: %s", argv[0], argv[1], r.err);
	ll_test_run_release(&r);
}

/* A fresh database with the M17 run (report and both logs), correlated when asked. */
static char *m17_db(const char *name, bool correlate)
{
	char *dir = ll_test_tmpdir(name);
	char *db = ll_test_path(dir, "m17.db");
	free(dir);
	const char *ingest[] = { "ingest", "--db", db, "--run", "m17_before", SAMPLE("m17_before.json"),
		                 SAMPLE("m17_before_loadtest.log"), SAMPLE("m17_before_server.log"), NULL };
	run_ok(ingest);
	if (correlate) {
		const char *corr[] = { "correlate", "--db", db, "m17_before", NULL };
		run_ok(corr);
	}
	return db;
}

/* The report with --min-throughput 800 (as in the context report), in the C locale. */
static struct ll_test_run report(const char *db, const char *run_name, const char *format)
{
	const char *argv[] = { "report", "--db", db, "--min-throughput", "800", "--format", format,
		               run_name, NULL };
	const char *env[] = { "LC_ALL=C", NULL };
	return ll_test_run_loadlens(NULL, NULL, env, argv);
}

/* The report with the default thresholds. */
static struct ll_test_run report_plain(const char *db, const char *run_name, const char *format)
{
	const char *argv[] = { "report", "--db", db, "--format", format, run_name, NULL };
	return run(argv);
}

static void expect_all(const char *out, const char *const *pins, const char *what)
{
	for (size_t i = 0; pins[i]; i++)
		cr_expect(strstr(out, pins[i]), "%s lacks: %s", what, pins[i]);
}

Test(cli_report, m17_text_has_every_number)
{
	char *db = m17_db("report-text", true);
	struct ll_test_run r = report(db, "m17_before", "text");
	cr_expect_eq(r.exit_code, 1, "an invalid run exits 1; stderr: %s", r.err);
	cr_expect_str_eq(r.err, "");
	static const char *const pins[] = {
		"Post-mortem of run m17_before: INVALID (3 errors, 1 warning)\n",
		"  error   op_all_failed        PatternCompletion: 686/686 operations failed (100%)",
		"  operations     14555\n",
		"  errors         3475 (23.87%)\n",
		"  throughput     242 ops/s against a target rate of 1000 ops/s (24.2%)\n",
		"  duration       60.14 s measured, 60 s configured\n",
		"  configuration  m17_baseline, seed 3735928559, endpoint http://localhost:7432\n",
		"  PatternCompletion           686      686   100.00%          0          686\n",
		"  Recall                     5882     1156    19.65%        942          214\n",
		"  Search                      683      136    19.91%        112           24\n",
		"  Store                      7304     1497    20.50%       1219          278\n",
		/* per operation and status, as in m17_truth.json */
		"       641 x 422 Unprocessable Entity MEMORY_VALIDATION_ERROR (93.4%; 0 explained, 641 unexplained)\n",
		"        21 x 500 Internal Server Error MEMORY_SYSTEM_ERROR (3.1%; 0 explained, 21 unexplained)\n",
		"        24 x network error (3.5%; 0 explained, 24 unexplained)\n",
		"       942 x 500 Internal Server Error MEMORY_SYSTEM_ERROR (81.5%; 942 explained, 0 unexplained)\n",
		"        38 x 400 Bad Request INVALID_MEMORY_INPUT (3.3%; 0 explained, 38 unexplained)\n",
		"       176 x network error (15.2%; 0 explained, 176 unexplained)\n",
		"       112 x 500 Internal Server Error MEMORY_SYSTEM_ERROR (82.4%; 112 explained, 0 unexplained)\n",
		"        24 x network error (17.6%; 0 explained, 24 unexplained)\n",
		"      1219 x 500 Internal Server Error MEMORY_SYSTEM_ERROR (81.4%; 1219 explained, 0 unexplained)\n",
		"       278 x network error (18.6%; 0 explained, 278 unexplained)\n",
		"e.g. Embedding must be exactly 768 dimensions, got 766\n",
		"the server logged nothing for these 641 failures\n",
		"  events per level: INFO 23298, WARN 2448, ERROR 3317 (29063 events)\n",
		"  panics: 1\n",
		"at engram-core/src/store.rs:829:42: PANIC: Thread panicked",
		"network errors come in bursts: index of dispersion",
		"     evidence: PatternCompletion 686/686 failed; 641 with 422 Unprocessable Entity MEMORY_VALIDATION_ERROR 'Completion confidence 0.16 below CA1 threshold.",
		"Store: 1219 of 1497 failures are 500 Internal Server Error MEMORY_SYSTEM_ERROR that the server logged as 'CRITICAL streaming failure - event could not be delivered to SSE subscribers'",
		"502 network errors (PatternCompletion 24, Recall 176, Search 24, Store 278) with no server trace",
		"  correlation: as stored by 'loadlens correlate'\n",
		"sha256 de2fd655867e5901d8f0fa766ffe832e092f243a83a2db4ddb3aa0548d66da2e",
		"thresholds: max error rate 1.00%; min throughput 800 ops/s;",
		NULL,
	};
	expect_all(r.out, pins, "text");
	cr_expect_null(strstr(r.out, "\u2581"), "no Unicode blocks when the locale is not UTF-8");
	cr_expect(strstr(r.out, "  Store              |"), "%s", r.out);
	ll_test_run_release(&r);

	/* A UTF-8 locale gets Unicode sparklines. */
	const char *env[] = { "LC_ALL=C.UTF-8", NULL };
	const char *argv[] = { "report", "--db", db, "m17_before", NULL };
	r = ll_test_run_loadlens(NULL, NULL, env, argv);
	cr_expect(strstr(r.out, "\u2588"), "sparkline with blocks");
	ll_test_run_release(&r);
	free(db);
}

/* Every table row has as many unescaped '|' as the table's header row. */
static void expect_consistent_tables(const char *md, size_t min_tables)
{
	int header_pipes = -1;
	size_t tables = 0;
	for (const char *line = md; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len == 0 || line[0] != '|') {
			header_pipes = -1; /* a blank line or text ends a table */
		} else {
			int pipes = 0;
			for (size_t i = 0; i < len; i++)
				pipes += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
			if (header_pipes < 0) {
				header_pipes = pipes;
				tables++;
			}
			cr_expect_eq(pipes, header_pipes, "row with %d pipes in a table of %d: %.*s", pipes,
			             header_pipes, (int)len, line);
		}
		line += len + (end ? 1 : 0);
	}
	cr_expect_geq(tables, min_tables, "tables found: %zu", tables);
}

Test(cli_report, m17_markdown_has_the_same_numbers_in_consistent_tables)
{
	char *db = m17_db("report-md", true);
	struct ll_test_run r = report(db, "m17_before", "markdown");
	cr_expect_eq(r.exit_code, 1, "stderr: %s", r.err);
	static const char *const pins[] = {
		"# Post-mortem of run m17\\_before: **INVALID**\n",
		"| operations | 14555 |\n",
		"| errors | 3475 (23.87%) |\n",
		"| PatternCompletion | 686 | 686 | 100.00% | 0 | 686 |\n",
		"| Recall | 5882 | 1156 | 19.65% | 942 | 214 |\n",
		"| Search | 683 | 136 | 19.91% | 112 | 24 |\n",
		"| Store | 7304 | 1497 | 20.50% | 1219 | 278 |\n",
		"| 422 Unprocessable Entity | MEMORY\\_VALIDATION\\_ERROR | 641 | 93.4% | 0 | 641 |",
		"| 500 Internal Server Error | MEMORY\\_SYSTEM\\_ERROR | 21 | 3.1% | 0 | 21 |",
		"| 500 Internal Server Error | MEMORY\\_SYSTEM\\_ERROR | 942 | 81.5% | 942 | 0 |",
		"| 400 Bad Request | INVALID\\_MEMORY\\_INPUT | 38 | 3.3% | 0 | 38 |",
		"| network error | - | 176 | 15.2% | 0 | 176 |",
		"| 500 Internal Server Error | MEMORY\\_SYSTEM\\_ERROR | 112 | 82.4% | 112 | 0 |",
		"| network error | - | 24 | 17.6% | 0 | 24 |",
		"| 500 Internal Server Error | MEMORY\\_SYSTEM\\_ERROR | 1219 | 81.4% | 1219 | 0 |",
		"| network error | - | 278 | 18.6% | 0 | 278 |",
		"| INFO | 23298 |\n| WARN | 2448 |\n| ERROR | 3317 |\n| all | 29063 |\n",
		"## 7. Next steps\n\n1. **fix the PatternCompletion request",
		NULL,
	};
	expect_all(r.out, pins, "markdown");
	cr_expect_null(strstr(r.out, "<"), "no raw '<' in Markdown: it is escaped");
	expect_consistent_tables(r.out, 15);
	ll_test_run_release(&r);
	free(db);
}

/* Escaped text never holds '<', so every '<' opens markup the renderer wrote: each tag must
 * be one the report uses, with no attribute that loads or runs anything. */
static void expect_self_contained(const char *html)
{
	static const char *const allowed[] = { "html", "head", "meta", "title", "style", "body", "h1",
		"h2", "h3", "p", "span", "table", "tr", "th", "td", "code", "div", "br", "ul", "ol", "li",
		"strong", "svg", "rect", "line", "text", "polyline", NULL };
	cr_expect_eq(strncmp(html, "<!DOCTYPE html>\n", 16), 0);
	size_t tags = 0;
	for (const char *p = strchr(html + 1, '<'); p; p = strchr(p + 1, '<')) {
		const char *name = p + 1 + (p[1] == '/');
		size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		const char *end = strchr(name, '>');
		cr_assert(end, "unterminated tag at %.40s", p);
		bool known = false;
		for (size_t i = 0; allowed[i] && !known; i++)
			known = strlen(allowed[i]) == n && strncmp(allowed[i], name, n) == 0;
		cr_expect(known, "unexpected tag: %.*s", (int)(end - p + 1), p);
		char tag[4096];
		snprintf(tag, sizeof tag, "%.*s", (int)(end - p + 1), p);
		cr_expect_null(strstr(tag, " src="), "a tag loads something: %s", tag);
		cr_expect_null(strstr(tag, " href="), "a tag links out: %s", tag);
		cr_expect_null(strstr(tag, " on"), "a tag has an event handler: %s", tag);
		tags++;
	}
	cr_expect_gt(tags, 20);
	cr_expect_eq(count(html, "http://www.w3.org/2000/svg"), 1, "only the SVG namespace names a URL");
	cr_expect_null(strstr(html, "https://"), "no URL");
}

Test(cli_report, m17_html_has_the_numbers_and_a_chart)
{
	char *db = m17_db("report-html", true);
	struct ll_test_run r = report(db, "m17_before", "html");
	cr_expect_eq(r.exit_code, 1, "stderr: %s", r.err);
	static const char *const pins[] = {
		"<span class=\"verdict invalid\">INVALID</span> 3 errors, 1 warning.",
		"<tr><th>errors</th><td>3475 (23.87%)</td></tr>",
		"<tr><td>PatternCompletion</td><td class=\"n\">686</td><td class=\"n\">686</td><td class=\"n\">100.00%</td><td class=\"n\">0</td><td class=\"n\">686</td></tr>",
		"<tr><td>Recall</td><td class=\"n\">5882</td><td class=\"n\">1156</td><td class=\"n\">19.65%</td><td class=\"n\">942</td><td class=\"n\">214</td></tr>",
		"<tr><td>Search</td><td class=\"n\">683</td><td class=\"n\">136</td><td class=\"n\">19.91%</td><td class=\"n\">112</td><td class=\"n\">24</td></tr>",
		"<tr><td>Store</td><td class=\"n\">7304</td><td class=\"n\">1497</td><td class=\"n\">20.50%</td><td class=\"n\">1219</td><td class=\"n\">278</td></tr>",
		"<tr><td>422 Unprocessable Entity</td><td><code class=\"nw\">MEMORY_VALIDATION_ERROR</code></td><td class=\"n\">641</td>",
		"<tr><td>400 Bad Request</td><td><code class=\"nw\">INVALID_MEMORY_INPUT</code></td><td class=\"n\">38</td>",
		"<tr><td>500 Internal Server Error</td><td><code class=\"nw\">MEMORY_SYSTEM_ERROR</code></td><td class=\"n\">1219</td><td class=\"n\">81.4%</td><td class=\"n\">1219</td><td class=\"n\">0</td>",
		"<tr><td>network error</td><td><code class=\"nw\">-</code></td><td class=\"n\">278</td><td class=\"n\">18.6%</td><td class=\"n\">0</td><td class=\"n\">278</td>",
		"<tr><td>INFO</td><td class=\"n\">23298</td></tr>\n<tr><td>WARN</td><td class=\"n\">2448</td></tr>\n<tr><td>ERROR</td><td class=\"n\">3317</td></tr>",
		"<h3>Panics: 1</h3>",
		"<code>engram-core/src/store.rs:829:42</code>",
		NULL,
	};
	expect_all(r.out, pins, "html");
	expect_self_contained(r.out);
	cr_expect_eq(count(r.out, "<svg"), 1);
	cr_expect_eq(count(r.out, "<polyline"), 4, "one line per operation");
	cr_expect(strstr(r.out, "seconds since the start (client clock)</text>"), "x axis label");
	cr_expect(strstr(r.out, ">Store (1497)</text>"), "legend");
	ll_test_run_release(&r);
	free(db);
}

Test(cli_report, without_stored_correlation_it_computes_the_same_counts)
{
	char *db = m17_db("report-nocorr", false);
	struct ll_test_run r = report(db, "m17_before", "text");
	cr_expect_eq(r.exit_code, 1, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "  correlation: computed for this report with the default parameters (clock skew +179.8 ms)"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "  Store                      7304     1497    20.50%       1219          278\n"), "%s", r.out);
	cr_expect(strstr(r.out, "  Recall                     5882     1156    19.65%        942          214\n"), "%s", r.out);
	ll_test_run_release(&r);
	char *fp_before = ll_test_db_fingerprint(db);
	cr_expect(strstr(fp_before, "correlations=0;"), "report stores nothing: %s", fp_before);
	free(fp_before);
	free(db);
}

Test(cli_report, log_text_is_never_markup_in_html)
{
	char *dir = ll_test_tmpdir("report-xss");
	char *db = ll_test_path(dir, "x.db");
	const char *ingest[] = { "ingest", "--db", db, "--run", "hostile", DATA("report_hostile_markup.json"),
		                 DATA("loadtest_hostile_markup.log"), DATA("server_hostile_markup.log"), NULL };
	run_ok(ingest);
	struct ll_test_run r = report(db, "hostile", "html");
	cr_expect_eq(r.exit_code, 1, "stderr: %s", r.err);
	cr_expect_null(strstr(r.out, "<script"), "a <script> from a log became markup");
	cr_expect_null(strstr(r.out, "<img"), "an <img> from a log became markup");
	cr_expect(strstr(r.out, "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>"), "client example as text");
	cr_expect(strstr(r.out, "<code>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</code>"), "client example as text");
	cr_expect(strstr(r.out, "<code>src/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.rs:1:2</code>"), "panic location");
	cr_expect(strstr(r.out, "<td>&lt;b&gt;hostile&lt;/b&gt;, seed 7"), "config name");
	cr_expect(count(r.out, "&lt;script&gt;alert(") >= 5, "every place shows it as text");
	expect_self_contained(r.out);
	ll_test_run_release(&r);

	r = report(db, "hostile", "markdown");
	cr_expect_null(strstr(r.out, "<script"), "markdown keeps it inert");
	cr_expect_null(strstr(r.out, "<img"), "markdown keeps it inert");
	expect_consistent_tables(r.out, 8);
	ll_test_run_release(&r);
	free(db);
	free(dir);
}

Test(cli_report, clean_run_is_valid_with_no_next_steps)
{
	char *dir = ll_test_tmpdir("report-clean");
	char *db = ll_test_path(dir, "c.db");
	const char *ingest[] = { "ingest", "--db", db, SAMPLE("clean_baseline.json"), NULL };
	run_ok(ingest);
	struct ll_test_run r = report_plain(db, "clean_baseline", "text");
	cr_expect_eq(r.exit_code, 0, "a valid run exits 0: %s", r.err);
	cr_expect(strstr(r.out, "Post-mortem of run clean_baseline: VALID (0 errors, 0 warnings)\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\n7. Next steps\n  none\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\n4. Common patterns\n  none\n"), "%s", r.out);
	ll_test_run_release(&r);
	r = report_plain(db, "clean_baseline", "markdown");
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strstr(r.out, "## 7. Next steps\n\nNone.\n"), "%s", r.out);
	expect_consistent_tables(r.out, 3);
	ll_test_run_release(&r);
	r = report_plain(db, "clean_baseline", "html");
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strstr(r.out, "<span class=\"verdict valid\">VALID</span>"), "%s", r.out);
	cr_expect(strstr(r.out, "<h2 id=\"next-steps\">7. Next steps</h2>\n<p>None.</p>"), "%s", r.out);
	cr_expect_null(strstr(r.out, "<ol class=\"steps\">"));
	ll_test_run_release(&r);
	free(db);
	free(dir);
}

static size_t dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	cr_assert(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

Test(cli_report, output_file_is_written_atomically)
{
	char *db = m17_db("report-o", true);
	char *dir = ll_test_tmpdir("report-o-out");
	char *html = ll_test_path(dir, "report.html");
	ll_test_write_file(html, "old", 3);
	const char *argv[] = { "report", "--db", db, "-o", html, "--format", "html", "m17_before", NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 1, "%s", r.err);
	cr_expect_eq(r.out_len, 0, "nothing on stdout with -o");
	ll_test_run_release(&r);
	size_t len = 0;
	char *body = ll_test_read_file(html, &len);
	cr_assert(body);
	cr_expect_eq(strncmp(body, "<!DOCTYPE html>", 15), 0);
	cr_expect(strstr(body, "</html>\n"));
	cr_expect_eq(dir_entries(dir), 1, "no temporary file left behind");
	struct stat sb;
	cr_expect_eq(stat(html, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0644);
	free(body);

	/* An unknown run: the old file stays, no temporary file is left. */
	ll_test_write_file(html, "old", 3);
	const char *bad[] = { "report", "--db", db, "-o", html, "no_such_run", NULL };
	r = run(bad);
	cr_expect_eq(r.exit_code, 3);
	cr_expect(strstr(r.err, "no run named 'no_such_run'"), "%s", r.err);
	ll_test_run_release(&r);
	body = ll_test_read_file(html, &len);
	cr_expect_str_eq(body, "old");
	cr_expect_eq(dir_entries(dir), 1);
	free(body);

	/* A directory that does not exist. */
	char *nowhere = ll_test_path(dir, "missing/report.md");
	const char *nodir[] = { "report", "--db", db, "-o", nowhere, "m17_before", NULL };
	r = run(nodir);
	cr_expect_eq(r.exit_code, 3);
	cr_expect(strstr(r.err, "missing/report.md: cannot create a file next to it: No such file or directory"),
	          "%s", r.err);
	ll_test_run_release(&r);
	free(nowhere);
	free(html);
	free(dir);
	free(db);
}

Test(cli_report, help_lists_every_option_and_usage_errors_exit_2)
{
	const char *argv[] = { "report", "--help", NULL };
	struct ll_test_run r = run(argv);
	cr_expect_eq(r.exit_code, 0);
	cr_expect_str_eq(r.err, "");
	static const char *const opts[] = { "--db", "--format", "--output", "-o", "--max-error-rate",
		                            "--min-throughput", "--max-p99-ms", "--min-ops", "--top",
		                            "loadlens correlate", NULL };
	expect_all(r.out, opts, "report --help");
	ll_test_run_release(&r);
	const char *top[] = { "--help", NULL };
	r = run(top);
	cr_expect(strstr(r.out, "  report "), "%s", r.out);
	ll_test_run_release(&r);
	const char *bad[] = { "report", "--format", "json", "x", NULL };
	r = run(bad);
	cr_expect_eq(r.exit_code, 2);
	cr_expect_str_eq(r.err, "loadlens: --format: 'json' is not one of the choices\n"
	                        "loadlens: try 'loadlens report --help'\n");
	ll_test_run_release(&r);
	const char *none[] = { "report", NULL };
	r = run(none);
	cr_expect_eq(r.exit_code, 2);
	cr_expect_str_eq(r.err, "loadlens: expected one RUN, got 0\nloadlens: try 'loadlens report --help'\n");
	ll_test_run_release(&r);
}

/* Headless Chromium (Debian's chromium, installed by scripts/install-deps.sh) loads the page
 * from disk: the screenshot is not blank, and the DOM it built holds the drawn chart. */
Test(cli_report, html_renders_in_headless_chromium, .timeout = 300)
{
	cr_assert_eq(system("command -v chromium >/dev/null 2>&1"), 0,
	             "chromium is not installed: run scripts/install-deps.sh");
	char *db = m17_db("report-chromium", true);
	char *dir = ll_test_tmpdir("report-chromium-out");
	char *html = ll_test_path(dir, "report.html");
	char *png = ll_test_path(dir, "shot.png");
	char *dom = ll_test_path(dir, "dom.html");
	char *profile = ll_test_path(dir, "profile");
	const char *argv[] = { "report", "--db", db, "-o", html, "--format", "html", "m17_before", NULL };
	struct ll_test_run r = run(argv);
	cr_assert_eq(r.exit_code, 1, "%s", r.err);
	ll_test_run_release(&r);
	static const char flags[] = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
	                            "--disable-background-networking --disable-component-update --disable-sync";
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "timeout 120 chromium %s --user-data-dir='%s' --screenshot='%s' "
	         "--window-size=1200,2000 'file://%s' >/dev/null 2>&1", flags, profile, png, html);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd, "timeout 120 chromium %s --user-data-dir='%s' --dump-dom 'file://%s' "
	         ">'%s' 2>/dev/null", flags, profile, html, dom);
	cr_assert_eq(system(cmd), 0, "%s", cmd);

	size_t len = 0;
	unsigned char *shot = (unsigned char *)ll_test_read_file(png, &len);
	cr_assert(shot && len > 24, "no screenshot");
	cr_expect_eq(memcmp(shot, "\x89PNG\r\n\x1a\n", 8), 0, "a PNG");
	unsigned w = (unsigned)shot[16] << 24 | shot[17] << 16 | shot[18] << 8 | shot[19];
	unsigned h = (unsigned)shot[20] << 24 | shot[21] << 16 | shot[22] << 8 | shot[23];
	cr_expect_eq(w, 1200);
	cr_expect_eq(h, 2000);
	/* A blank 1200x2000 page compresses to a few KB; text and tables take far more. */
	cr_expect_gt(len, 50000, "screenshot of %zu bytes looks blank", len);
	free(shot);

	char *d = ll_test_read_file(dom, &len);
	cr_assert(d, "no DOM dump");
	cr_expect_eq(count(d, "<svg"), 1, "the chart");
	cr_expect_eq(count(d, "<polyline"), 4, "one line per operation");
	cr_expect_geq(count(d, "<rect"), 5, "background and legend swatches");
	cr_expect_geq(count(d, "<text"), 15, "axis labels, ticks and legend");
	cr_expect(strstr(d, "8. Provenance"), "the whole page was parsed");
	cr_expect_null(strstr(d, "<script"));
	free(d);
	free(profile);
	free(dom);
	free(png);
	free(html);
	free(dir);
	free(db);
}
