/* options: table-driven command-line parsing for the cli_* commands, and --help generated
 * from the same table so help cannot drift from parsing. CLI layer.
 *
 * Values parse strictly: "--max-error-rate 0.01x" or "--min-ops -3" is a usage error that
 * names the option, never a silent default. Numbers must be finite and >= 0.
 *
 * Ownership: targets are the caller's variables; string targets point into argv (no copy).
 * The positional array is malloc'd; free() it. Errors: LL_USAGE with a one-line message. */
#ifndef LOADLENS_OPTIONS_H
#define LOADLENS_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "loadlens/error.h"

enum ll_opt_kind {
	LL_OPT_FLAG,    /* bool *target = true */
	LL_OPT_STRING,  /* const char **target */
	LL_OPT_DOUBLE,  /* double *target, finite, >= 0 */
	LL_OPT_COUNT,   /* long long *target, integer >= 0 */
	LL_OPT_CHOICE,  /* const char **target, one of choices (NULL-terminated) */
};

struct ll_option {
	const char *long_name;       /* without "--" */
	char short_name;             /* 0 for none */
	enum ll_opt_kind kind;
	const char *arg_name;        /* shown in help: "RATE"; NULL for flags */
	const char *help;            /* one line */
	void *target;
	const char *const *choices;  /* LL_OPT_CHOICE only */
};

/* Parses argv[1..argc-1] (argv[0] is the command name). Sets *help when -h/--help was
 * given (parsing stops there). Positional arguments, in order, go to *pos / *npos. */
enum ll_status ll_options_parse(const struct ll_option *opts, size_t nopts, int argc,
                                char **argv, bool *help, char ***pos, int *npos,
                                struct ll_error *err);

/* Writes the usage lines, summary and the option table to fp. */
void ll_options_help(FILE *fp, const char *const *usage, const char *summary,
                     const struct ll_option *opts, size_t nopts);

#endif
