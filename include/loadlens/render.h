/* render: the renderers of check, compare and runs results, in text, JSON, Markdown and
 * JUnit XML. Renderer layer: formats values computed by the analyses; computes nothing
 * (every delta, rate and verdict arrives in the result structs). Every value that came
 * from input passes through an out.h escaping helper; JSON is built with cJSON.
 *
 * JSON outputs are one object with "schema_version": 1, the command, the inputs and the
 * thresholds used (DESIGN §5.5); text is for people and may change.
 * Errors: the sink's sticky status (LL_IO, LL_NOMEM) through ll_out_finish() by the
 * caller; LL_NOMEM when building JSON fails. */
#ifndef LOADLENS_RENDER_H
#define LOADLENS_RENDER_H

#include <stddef.h>

#include "loadlens/check.h"
#include "loadlens/compare.h"
#include "loadlens/correlate.h"
#include "loadlens/error.h"
#include "loadlens/out.h"
#include "loadlens/postmortem.h"
#include "loadlens/store.h"

#define LL_JSON_SCHEMA_VERSION 1

enum ll_format { LL_FMT_TEXT, LL_FMT_JSON, LL_FMT_MARKDOWN, LL_FMT_JUNIT, LL_FMT_CSV, LL_FMT_HTML };

/* What a command was run on: a run in the database or a file. */
struct ll_subject {
	char *name;    /* run name, or the file path as given */
	char *kind;    /* "run" or "file" */
	char *sha256;  /* of the file's content; NULL for runs */
};
void ll_subject_release(struct ll_subject *s);

enum ll_status ll_render_check(struct ll_out *o, enum ll_format fmt,
                               const struct ll_subject *subj, const struct ll_check_params *p,
                               const struct ll_run_report *r, const struct ll_check_result *res,
                               struct ll_error *err);

enum ll_status ll_render_compare(struct ll_out *o, enum ll_format fmt,
                                 const struct ll_subject *base, const struct ll_subject *cand,
                                 const struct ll_compare_params *p,
                                 const struct ll_compare_result *res, struct ll_error *err);

/* One line per run; verdicts[i] is the check result of runs[i] (valid is meaningless for
 * a run without a report). */
enum ll_status ll_render_runs(struct ll_out *o, enum ll_format fmt, const char *db_path,
                              const struct ll_run_info *runs, const struct ll_check_result *verdicts,
                              size_t n, struct ll_error *err);

/* correlate: the skew and how it was found, then per operation and status (or error
 * class) the failures, how many are explained by request id and by time, how many stay
 * unexplained (and why), and the server templates that explain them. */
struct ll_correlate_view {
	const char *run;
	const struct ll_corr_params *params;
	const struct ll_corr_result *result;
	const struct ll_corr_summary *summary;
	size_t n_failures, n_events; /* inputs: failures and eligible server events */
};
enum ll_status ll_render_correlate(struct ll_out *o, enum ll_format fmt,
                                   const struct ll_correlate_view *v, struct ll_error *err);

/* failures: one row per failure with what explains it. */
enum ll_status ll_render_failures(struct ll_out *o, enum ll_format fmt, const char *run,
                                  const struct ll_failure_row *rows, size_t n,
                                  struct ll_error *err);

/* query: a result table as aligned text (LL_FMT_TEXT), CSV (RFC 4180 quoting) or JSON
 * (an array of objects; numbers stay numbers). `what` names the query or holds the SQL. */
enum ll_status ll_render_table(struct ll_out *o, enum ll_format fmt, const char *what,
                               const char *run, const struct ll_table *t, struct ll_error *err);

/* report: the post-mortem of a run (postmortem.h) as text (sparklines in Unicode blocks when
 * o->utf8, ASCII otherwise), Markdown, or one self-contained HTML page (LL_FMT_HTML: inline
 * CSS and SVG chart, no script, no external resource). Other formats render as text. */
enum ll_status ll_render_report(struct ll_out *o, enum ll_format fmt, const struct ll_postmortem *pm,
                                struct ll_error *err);

/* Shared by the renderers (render_common.c). A new JSON object with "schema_version" and
 * "command" first (NULL when out of memory); a subject as {"kind","name","sha256"};
 * a check's thresholds; and the emitter that writes the object and frees it. */
struct cJSON;
struct cJSON *ll_render_json_root(const char *command);
struct cJSON *ll_render_json_subject(const struct ll_subject *s);
struct cJSON *ll_render_json_check_params(const struct ll_check_params *p);
enum ll_status ll_render_json_emit(struct ll_out *o, struct cJSON *root, struct ll_error *err);

#endif
