/* report: see include/loadlens/report.h. */
#include "loadlens/report.h"

#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

void ll_run_report_release(struct ll_run_report *r)
{
	if (!r)
		return;
	free(r->config_name);
	for (size_t i = 0; i < r->n_ops; i++)
		free(r->ops[i].op);
	free(r->ops);
	*r = (struct ll_run_report)LL_RUN_REPORT_INIT;
}

enum ll_status ll_run_report_add_op(struct ll_run_report *r, const struct ll_op_stats *op,
                                    struct ll_error *err)
{
	struct ll_op_stats *grown = realloc(r->ops, (r->n_ops + 1) * sizeof *grown);
	if (!grown)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	r->ops = grown;
	size_t n = strlen(op->op) + 1;
	char *name = malloc(n);
	if (!name)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	memcpy(name, op->op, n);
	r->ops[r->n_ops] = *op;
	r->ops[r->n_ops].op = name;
	r->n_ops++;
	return LL_OK;
}

const struct ll_op_stats *ll_run_report_find_op(const struct ll_run_report *r, const char *name)
{
	for (size_t i = 0; i < r->n_ops; i++)
		if (strcmp(r->ops[i].op, name) == 0)
			return &r->ops[i];
	return NULL;
}

static int cmp_op(const void *a, const void *b)
{
	return strcmp(((const struct ll_op_stats *)a)->op, ((const struct ll_op_stats *)b)->op);
}

void ll_run_report_sort_ops(struct ll_run_report *r)
{
	if (r->n_ops > 1)
		qsort(r->ops, r->n_ops, sizeof r->ops[0], cmp_op);
}

const char *ll_report_source_name(enum ll_report_source s)
{
	switch (s) {
	case LL_SOURCE_JSON: return "json";
	case LL_SOURCE_TEXT_SUMMARY: return "text_summary";
	default: return NULL;
	}
}
