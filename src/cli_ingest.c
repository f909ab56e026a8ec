/* cli_ingest: `loadlens ingest` — files into the database, one transaction per file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/cli.h"
#include "loadlens/file.h"
#include "loadlens/options.h"
#include "loadlens/report_json.h"
#include "loadlens/sha256.h"
#include "loadlens/store.h"

#define REPORT_MAX_BYTES ((size_t)256 << 20)

static const char *const usage[] = {
	"loadlens ingest [--db PATH] [--run NAME] [--label L] [--replace] FILE...",
	NULL,
};

static const char *const kinds[] = { "auto", "report", NULL };

struct ingest_opts {
	const char *db;
	const char *run;
	const char *label;
	const char *kind;
	bool replace;
};

/* Ingests one file; reports the outcome on stderr. */
static enum ll_status ingest_one(struct ll_store *s, const struct ingest_opts *o,
                                 const char *path, struct ll_error *err)
{
	char *data = NULL;
	size_t len = 0;
	char *run = NULL;
	struct ll_run_report r = LL_RUN_REPORT_INIT;
	enum ll_status st = ll_file_read_all(path, REPORT_MAX_BYTES, &data, &len, err);
	if (st)
		goto done;
	if (strcmp(o->kind, "auto") == 0 && !ll_report_json_sniff(data, len) && len > 0) {
		st = ll_error_set(err, LL_INPUT, path, 1, NULL,
		                  "not a loadtest JSON report (expected '{' as the first character)");
		goto done;
	}
	if ((st = ll_report_json_parse(path, data, len, &r, err)))
		goto done;
	run = o->run ? strdup(o->run) : ll_file_stem(path, ".json");
	if (!run) {
		st = ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
		goto done;
	}
	char sha[65];
	ll_sha256_hex(data, len, sha);
	struct ll_input_meta in = { .path = path, .kind = "report", .sha256 = sha,
		                    .bytes = (int64_t)len, .raw = data, .raw_len = len };
	enum ll_ingest_outcome oc;
	if ((st = ll_store_put_report(s, run, o->label, o->replace, &r, &in, &oc, err)))
		goto done;
	switch (oc) {
	case LL_INGEST_ALREADY:
		ll_diag("%s: already ingested into run '%s' (same sha256); nothing changed", path, run);
		break;
	case LL_INGEST_REPLACED:
		ll_diag("%s: replaced the report of run '%s' (%zu operations types, %lld operations)",
		        path, run, r.n_ops, (long long)r.total_ops);
		break;
	case LL_INGEST_NEW:
		ll_diag("%s: ingested as run '%s' (report, %zu operation types, %lld operations)", path,
		        run, r.n_ops, (long long)r.total_ops);
		break;
	}
done:
	free(run);
	free(data);
	ll_run_report_release(&r);
	return st;
}

enum ll_status ll_cli_ingest(int argc, char **argv)
{
	struct ingest_opts o = { .kind = "auto" };
	const struct ll_option opts[] = {
		{ "db", 0, LL_OPT_STRING, "PATH", "database file (default $LOADLENS_DB or ./loadlens.db)", &o.db, NULL },
		{ "run", 'r', LL_OPT_STRING, "NAME", "run name (default: the file name without .json)", &o.run, NULL },
		{ "label", 'l', LL_OPT_STRING, "L", "a label for the run (e.g. baseline, candidate)", &o.label, NULL },
		{ "replace", 0, LL_OPT_FLAG, NULL, "replace the run's report if it has a different one", &o.replace, NULL },
		{ "kind", 'k', LL_OPT_CHOICE, "KIND", "what the files are; default: detect", &o.kind, kinds },
	};
	size_t nopts = sizeof opts / sizeof opts[0];
	struct ll_error err = LL_ERROR_INIT;
	bool help = false;
	char **pos = NULL;
	int npos = 0;
	if (ll_options_parse(opts, nopts, argc, argv, &help, &pos, &npos, &err)) {
		enum ll_status st = ll_cli_usage_error("ingest", &err);
		ll_error_release(&err);
		return st;
	}
	if (help) {
		ll_options_help(stdout, usage, "Loads load-test JSON reports (- reads stdin) into the "
		                "database, one transaction per file.\nThe same content again into the "
		                "same run is a no-op; a different report under an existing run name\n"
		                "is refused unless --replace.", opts, nopts);
		free(pos);
		return LL_OK;
	}
	if (npos == 0) {
		ll_error_set(&err, LL_USAGE, NULL, 0, NULL, "no FILE given");
		enum ll_status st = ll_cli_usage_error("ingest", &err);
		ll_error_release(&err);
		free(pos);
		return st;
	}
	struct ll_store *s = NULL;
	enum ll_status first = ll_store_open(ll_cli_db_path(o.db), LL_STORE_READ_WRITE, &s, &err);
	if (first) {
		ll_cli_print_error(&err);
		ll_error_release(&err);
		free(pos);
		return first;
	}
	for (int i = 0; i < npos; i++) {
		enum ll_status st = ingest_one(s, &o, pos[i], &err);
		if (st) {
			ll_cli_print_error(&err);
			ll_error_release(&err);
			if (!first)
				first = st;
		}
	}
	ll_store_close(s);
	free(pos);
	return first;
}
