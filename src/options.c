/* options: see include/loadlens/options.h. */
#include "loadlens/options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

static const struct ll_option *find_long(const struct ll_option *opts, size_t n, const char *name,
                                         size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(opts[i].long_name) == len && strncmp(opts[i].long_name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct ll_option *find_short(const struct ll_option *opts, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (opts[i].short_name && opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

/* Strict numbers: the whole string or failure (strtod alone accepts "0.01x" as 0.01). */
static enum ll_status set_value(const struct ll_option *o, const char *v, struct ll_error *err)
{
	switch (o->kind) {
	case LL_OPT_FLAG:
		*(bool *)o->target = true;
		return LL_OK;
	case LL_OPT_STRING:
		*(const char **)o->target = v;
		return LL_OK;
	case LL_OPT_CHOICE:
		for (const char *const *c = o->choices; *c; c++)
			if (strcmp(*c, v) == 0) {
				*(const char **)o->target = v;
				return LL_OK;
			}
		return ll_error_set(err, LL_USAGE, NULL, 0, NULL, "--%s: '%s' is not one of the choices",
		                    o->long_name, v);
	case LL_OPT_DOUBLE: {
		char *end = NULL;
		errno = 0;
		double d = strtod(v, &end);
		if (!*v || *end || errno || !isfinite(d) || d < 0)
			return ll_error_set(err, LL_USAGE, NULL, 0, NULL,
			                    "--%s: expected a non-negative number, found '%s'",
			                    o->long_name, v);
		*(double *)o->target = d;
		return LL_OK;
	}
	case LL_OPT_COUNT: {
		char *end = NULL;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (!*v || *end || errno || n < 0 || v[0] == '+' || v[0] == ' ')
			return ll_error_set(err, LL_USAGE, NULL, 0, NULL,
			                    "--%s: expected a non-negative integer, found '%s'",
			                    o->long_name, v);
		*(long long *)o->target = n;
		return LL_OK;
	}
	}
	return LL_USAGE;
}

enum ll_status ll_options_parse(const struct ll_option *opts, size_t nopts, int argc,
                                char **argv, bool *help, char ***pos, int *npos,
                                struct ll_error *err)
{
	char **p = calloc((size_t)(argc > 0 ? argc : 1), sizeof *p);
	if (!p)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	int np = 0;
	bool only_pos = false;
	*help = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			p[np++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = true;
			break;
		}
		const struct ll_option *o;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			o = find_long(opts, nopts, a + 2, len);
			if (eq)
				val = eq + 1;
		} else {
			o = a[2] == '\0' ? find_short(opts, nopts, a[1]) : NULL;
		}
		if (!o) {
			free(p);
			return ll_error_set(err, LL_USAGE, NULL, 0, NULL, "unknown option '%s'", a);
		}
		if (o->kind == LL_OPT_FLAG) {
			if (val) {
				free(p);
				return ll_error_set(err, LL_USAGE, NULL, 0, NULL, "--%s takes no value",
				                    o->long_name);
			}
		} else if (!val) {
			if (i + 1 >= argc) {
				free(p);
				return ll_error_set(err, LL_USAGE, NULL, 0, NULL, "--%s needs a value (%s)",
				                    o->long_name, o->arg_name ? o->arg_name : "VALUE");
			}
			val = argv[++i];
		}
		if (set_value(o, val, err) != LL_OK) {
			free(p);
			return LL_USAGE;
		}
	}
	*pos = p;
	*npos = np;
	return LL_OK;
}

void ll_options_help(FILE *fp, const char *const *usage, const char *summary,
                     const struct ll_option *opts, size_t nopts)
{
	for (size_t i = 0; usage[i]; i++)
		fprintf(fp, "%s %s\n", i == 0 ? "usage:" : "   or:", usage[i]);
	if (summary)
		fprintf(fp, "\n%s\n", summary);
	fputs("\noptions:\n", fp);
	for (size_t i = 0; i < nopts; i++) {
		const struct ll_option *o = &opts[i];
		char left[64];
		int n;
		if (o->short_name)
			n = snprintf(left, sizeof left, "-%c, --%s", o->short_name, o->long_name);
		else
			n = snprintf(left, sizeof left, "    --%s", o->long_name);
		if (o->arg_name && n > 0 && (size_t)n < sizeof left)
			snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg_name);
		fprintf(fp, "  %-34s %s", left, o->help);
		if (o->kind == LL_OPT_CHOICE) {
			fputs(" (", fp);
			for (const char *const *c = o->choices; *c; c++)
				fprintf(fp, "%s%s", c == o->choices ? "" : "|", *c);
			fputs(")", fp);
		}
		fputc('\n', fp);
	}
	fprintf(fp, "  %-34s %s\n", "-h, --help", "show this help and exit");
	fputs("\nexit codes: 0 ok/valid/pass, 1 finding (invalid run, regression), 2 usage error,\n"
	      "            3 input or database error, 4 comparison not meaningful\n", fp);
}
