/* cli: the command entry points and the helpers they share. CLI layer: each
 * src/cli_<cmd>.c parses its options (options.h), validates, opens inputs, calls the
 * library, renders, and returns a status; it holds no SQL, no arithmetic, no formatting.
 * Only main.c turns a status into an exit code.
 *
 * Adding a command touches exactly:
 *   1. src/cli_<cmd>.c with `enum ll_status ll_cli_<cmd>(int argc, char **argv)`;
 *   2. its declaration below and one row in main.c's command table;
 *   3. tests/test_cli_<cmd>.c (and the --help test list in tests/test_cli_help.c);
 *   4. a README section with an example on sample_logs/;
 *   5. the source list in CMakeLists.txt.
 *
 * Errors: commands report through ll_diag()/ll_cli_print_error() on stderr (prefix
 * "loadlens: ", control bytes escaped, one line); data goes to stdout. */
#ifndef LOADLENS_CLI_H
#define LOADLENS_CLI_H

#include <stdbool.h>

#include "loadlens/error.h"
#include "loadlens/out.h"
#include "loadlens/render.h"
#include "loadlens/report.h"

enum ll_status ll_cli_ingest(int argc, char **argv);
enum ll_status ll_cli_runs(int argc, char **argv);
enum ll_status ll_cli_check(int argc, char **argv);
enum ll_status ll_cli_compare(int argc, char **argv);
enum ll_status ll_cli_correlate(int argc, char **argv);
enum ll_status ll_cli_failures(int argc, char **argv);
enum ll_status ll_cli_report(int argc, char **argv);
enum ll_status ll_cli_query(int argc, char **argv);

/* One diagnostic line on stderr: "loadlens: " + message, control bytes escaped. */
void ll_diag(const char *fmt, ...) LL_PRINTF(1, 2);
/* Prints err as "loadlens: path:line: where: msg". */
void ll_cli_print_error(const struct ll_error *err);
/* A usage error: the message, then "try 'loadlens <cmd> --help'". Returns LL_USAGE. */
enum ll_status ll_cli_usage_error(const char *cmd, const struct ll_error *err);
/* The same for a command that stops right there: also releases err and frees pos (the
 * positional array from ll_options_parse(), NULL allowed). Returns LL_USAGE. */
enum ll_status ll_cli_usage_fail(const char *cmd, struct ll_error *err, char **pos);

/* The database path: --db if given, else $LOADLENS_DB, else "loadlens.db". */
const char *ll_cli_db_path(const char *given);

/* An output sink on stdout, with colour only for a terminal without NO_COLOR and UTF-8
 * when the locale says so. */
void ll_cli_stdout(struct ll_out *o);

/* Parses a --format value that options.h already restricted to known names. */
enum ll_format ll_cli_format(const char *name);

/* A report named on the command line: an existing file (parsed, no database touched) or
 * a run name in the database at db_path. Fills *out (empty on entry) and *subj (name,
 * kind and sha256 for files; strings owned by subj, freed by ll_subject_release()). */
enum ll_status ll_cli_load_report(const char *arg, const char *db_path,
                                  struct ll_run_report *out, struct ll_subject *subj,
                                  struct ll_error *err);

#endif
