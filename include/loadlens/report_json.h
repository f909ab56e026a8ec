/* report_json: load-test JSON report (DESIGN §2.1) -> struct ll_run_report.
 * Parser layer: no SQL, no output. cJSON is used inside; no cJSON type leaves this module.
 *
 * Strict by design: a required field that is missing, of the wrong type, negative (for
 * counts) or not finite is an error naming its JSON path, never a silent 0 (Engram's
 * comparison script's `// 0` default turned a wrong-schema file into "-100% latency").
 * Unknown extra fields are ignored. A document in one of the shapes some Engram scripts
 * expect but the load tester never writes (latency.p50_ms, ...) is an error that names
 * the fields it has and the fields expected.
 *
 * Ownership: on success *out (which must be empty) belongs to the caller; free it with
 * ll_run_report_release(). On failure *out stays empty.
 * Errors: LL_INPUT with err->path = path, err->line/column text for syntax errors, and
 * err->where = the JSON path for schema errors. */
#ifndef LOADLENS_REPORT_JSON_H
#define LOADLENS_REPORT_JSON_H

#include <stddef.h>

#include "loadlens/error.h"
#include "loadlens/report.h"

/* Report files are a few KB; a larger file is refused before it is read (a runaway or
 * hostile input, not a report). */
#define LL_REPORT_MAX_BYTES ((size_t)256 << 20)

/* data need not be NUL-terminated; len bytes are parsed. path is only used in errors. */
enum ll_status ll_report_json_parse(const char *path, const char *data, size_t len,
                                    struct ll_run_report *out, struct ll_error *err);

/* True when data looks like a JSON document (first non-blank byte is '{' or '[', or no
 * non-blank byte at all). Used to detect a file's kind; says nothing about validity. */
int ll_report_json_sniff(const char *data, size_t len);

#endif
