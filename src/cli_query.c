/* cli_query: `loadlens query` — canned analyses (queries/<name>.sql) or any read-only SQL over
 * the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/cli.h"
#include "loadlens/options.h"
#include "loadlens/queries.h"
#include "loadlens/store.h"
#include "loadlens/banned.h"

static const char *const usage[] = {
	"loadlens query [--db PATH] [--run RUN] [--format table|csv|json] NAME",
	"loadlens query [--db PATH] [--run RUN] [--format table|csv|json] 'SELECT ...'",
	"loadlens query --list",
	NULL,
};
static const char *const formats[] = { "table", "csv", "json", NULL };

enum ll_status ll_cli_query(int argc, char **argv)
{
	struct {
		const char *db, *run, *format;
		bool list;
	} o = { NULL, NULL, "table", false };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "run", 'r', LL_OPT_STRING, "RUN", "bound to :run (canned queries: only this run; default every run)", &o.run, NULL },
		{ "format", 'f', LL_OPT_CHOICE, "FMT", "output format", &o.format, formats },
		{ "list", 0, LL_OPT_FLAG, NULL, "list the canned queries", &o.list, NULL },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	enum ll_status st = ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err);
	if (st == LL_OK && !help && !o.list && npos != 1)
		st = ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "expected one query NAME or SQL statement, got %d", npos);
	if (st) {
		return ll_cli_usage_fail("query", &err, pos);
	}
	if (help || o.list) {
		if (help)
			ll_options_help(stdout, usage,
			                "Runs a canned query (see --list) or one SQL statement on a "
			                "read-only connection\n(defensive mode, no extensions). The "
			                "schema is in README.md.", opts, nopts);
		else
			for (size_t i = 0; i < ll_n_queries; i++)
				printf("%-24s %s\n", ll_queries[i].name, ll_queries[i].summary);
		free(pos);
		return LL_OK;
	}
	const char *sql = pos[0];
	for (size_t i = 0; i < ll_n_queries; i++)
		if (strcmp(ll_queries[i].name, pos[0]) == 0)
			sql = ll_queries[i].sql;
	if (sql == pos[0] && !strchr(sql, ' ')) {
		ll_error_set(&err, LL_USAGE, NULL, 0, NULL,
		             "no canned query named '%s' (see 'loadlens query --list')", pos[0]);
		return ll_cli_usage_fail("query", &err, pos);
	}
	struct ll_store *s = NULL;
	struct ll_table t = { 0 };
	if ((st = ll_store_open(ll_cli_db_path(o.db), LL_STORE_READ_ONLY, &s, &err)) ||
	    (st = ll_store_query(s, sql, o.run, &t, &err)))
		goto done;
	struct ll_out out;
	ll_cli_stdout(&out);
	if ((st = ll_render_table(&out, ll_cli_format(o.format), pos[0], o.run, &t, &err)) == LL_OK)
		st = ll_out_finish(&out, &err);
done:
	if (st)
		ll_cli_print_error(&err);
	ll_table_release(&t);
	ll_store_close(s);
	ll_error_release(&err);
	free(pos);
	return st;
}
