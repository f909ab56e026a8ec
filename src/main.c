/* main: the command table, dispatch, and the mapping from status to exit code. Nothing
 * else lives here; `loadlens --help` is generated from the table. */
#include <stdio.h>
#include <string.h>

#include "loadlens/cli.h"
#include "loadlens/error.h"
#include "loadlens/banned.h"

static const struct command {
	const char *name;
	enum ll_status (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "ingest", ll_cli_ingest, "load reports into the database" },
	{ "runs", ll_cli_runs, "list the runs in the database with their verdicts" },
	{ "check", ll_cli_check, "is this run a usable baseline?" },
	{ "compare", ll_cli_compare, "did the candidate regress against the baseline?" },
	{ "correlate", ll_cli_correlate, "which server event explains each client failure?" },
	{ "failures", ll_cli_failures, "list a run's failures with what explains them" },
	{ "report", ll_cli_report, "the post-mortem of a run: text, Markdown or HTML" },
	{ "query", ll_cli_query, "canned analyses or read-only SQL over the database" },
};

static void usage(FILE *fp)
{
	fputs("usage: loadlens <command> [options] [args]\n\n"
	      "Explains failed load-test runs of the Engram server.\n\n"
	      "commands:\n", fp);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'loadlens <command> --help' shows a command's options.\n"
	      "The database is ./loadlens.db unless --db PATH or $LOADLENS_DB says otherwise.\n"
	      "exit codes: 0 ok/valid/pass, 1 finding (invalid run, regression), 2 usage error,\n"
	      "            3 input or database error, 4 comparison not meaningful\n", fp);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return ll_status_exit_code(LL_USAGE);
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("loadlens %s\n", LOADLENS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return ll_status_exit_code(commands[i].fn(argc - 1, argv + 1));
	ll_diag("unknown command '%s'", cmd);
	ll_diag("try 'loadlens --help'");
	return ll_status_exit_code(LL_USAGE);
}
