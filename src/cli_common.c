/* cli_common: helpers shared by the cli_*.c commands; see include/loadlens/cli.h. */
#include "loadlens/cli.h"

#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadlens/buf.h"
#include "loadlens/file.h"
#include "loadlens/report_json.h"
#include "loadlens/sha256.h"
#include "loadlens/store.h"
#include "loadlens/banned.h"


static void diag_line(const char *msg)
{
	struct ll_out o;
	ll_out_init_file(&o, stderr);
	ll_out_puts(&o, "loadlens: ");
	ll_out_term_text(&o, msg);
	ll_out_puts(&o, "\n");
	fflush(stderr);
}

void ll_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s) {
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		diag_line(s);
		free(s);
	}
	va_end(ap);
}

void ll_cli_print_error(const struct ll_error *err)
{
	char line[2048];
	diag_line(ll_error_format(err, line, sizeof line));
}

enum ll_status ll_cli_usage_error(const char *cmd, const struct ll_error *err)
{
	ll_cli_print_error(err);
	ll_diag("try 'loadlens %s --help'", cmd);
	return LL_USAGE;
}

enum ll_status ll_cli_usage_fail(const char *cmd, struct ll_error *err, char **pos)
{
	ll_cli_usage_error(cmd, err);
	ll_error_release(err);
	free(pos);
	return LL_USAGE;
}

const char *ll_cli_db_path(const char *given)
{
	if (given)
		return given;
	const char *env = getenv("LOADLENS_DB");
	return env && *env ? env : "loadlens.db";
}

void ll_cli_stdout(struct ll_out *o)
{
	ll_out_init_file(o, stdout);
	const char *nc = getenv("NO_COLOR");
	o->color = isatty(STDOUT_FILENO) && !(nc && *nc);
	setlocale(LC_CTYPE, "");
	const char *cs = nl_langinfo(CODESET);
	o->utf8 = cs && strcmp(cs, "UTF-8") == 0;
}

enum ll_format ll_cli_format(const char *name)
{
	if (!name || strcmp(name, "text") == 0 || strcmp(name, "table") == 0)
		return LL_FMT_TEXT;
	if (strcmp(name, "csv") == 0)
		return LL_FMT_CSV;
	if (strcmp(name, "html") == 0)
		return LL_FMT_HTML;
	if (strcmp(name, "json") == 0)
		return LL_FMT_JSON;
	if (strcmp(name, "markdown") == 0)
		return LL_FMT_MARKDOWN;
	return LL_FMT_JUNIT;
}

enum ll_status ll_cli_load_report(const char *arg, const char *db_path,
                                  struct ll_run_report *out, struct ll_subject *subj,
                                  struct ll_error *err)
{
	memset(subj, 0, sizeof *subj);
	enum ll_status st;
	if (ll_file_exists(arg)) {
		char *data = NULL;
		size_t len = 0;
		if ((st = ll_file_read_all(arg, LL_REPORT_MAX_BYTES, &data, &len, err)))
			return st;
		st = ll_report_json_parse(arg, data, len, out, err);
		if (st == LL_OK) {
			char hex[65];
			ll_sha256_hex(data, len, hex);
			subj->name = strdup(arg);
			subj->kind = strdup("file");
			subj->sha256 = strdup(hex);
		}
		free(data);
	} else {
		struct ll_store *s = NULL;
		if ((st = ll_store_open(db_path, LL_STORE_READ_ONLY, &s, err))) {
			ll_error_prefix(err, "'%s' is not a file, and as a run name", arg);
			return st;
		}
		struct ll_run_info ri;
		st = ll_store_get_run(s, arg, &ri, err);
		ll_store_close(s);
		if (st)
			return st;
		if (ri.report.source == LL_SOURCE_NONE) {
			st = ll_error_set(err, LL_INPUT, NULL, 0, NULL,
			                  "run '%s' has no report yet (ingest its JSON report or the "
			                  "load tester's output)", arg);
			ll_run_info_release(&ri);
			return st;
		}
		*out = ri.report;
		ri.report = (struct ll_run_report)LL_RUN_REPORT_INIT;
		ll_run_info_release(&ri);
		subj->name = strdup(arg);
		subj->kind = strdup("run");
	}
	if (st == LL_OK && (!subj->name || !subj->kind)) {
		ll_run_report_release(out);
		ll_subject_release(subj);
		st = ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	}
	return st;
}
