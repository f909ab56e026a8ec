/* render_table: query results as aligned text, CSV or JSON. */
#include "loadlens/render.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

/* Display width of terminal-escaped text, counting UTF-8 continuation bytes as nothing. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static char *escaped(const char *s)
{
	struct ll_out c;
	ll_out_init_memory(&c);
	ll_out_term_text(&c, s ? s : "NULL");
	return ll_out_take_memory(&c);
}

/* Cells longer than this are cut in the aligned view (CSV and JSON keep everything). */
#define TEXT_CELL_MAX 80

static void text(struct ll_out *o, const struct ll_table *t)
{
	size_t n = t->n_rows * t->n_cols;
	char **cells = calloc(n + t->n_cols + 1, sizeof *cells);
	size_t *w = calloc(t->n_cols + 1, sizeof *w);
	if (!cells || !w) {
		o->status = LL_NOMEM;
		goto done;
	}
	for (size_t c = 0; c < t->n_cols; c++) {
		cells[n + c] = escaped(t->cols[c]);
		w[c] = cells[n + c] ? width(cells[n + c]) : 0;
	}
	for (size_t k = 0; k < n; k++) {
		cells[k] = escaped(t->cells[k]);
		if (cells[k] && width(cells[k]) > TEXT_CELL_MAX) {
			/* cut on a character boundary */
			size_t cut = TEXT_CELL_MAX - 3, i = 0, chars = 0;
			while (cells[k][i] && chars < cut) {
				i++;
				while ((cells[k][i] & 0xC0) == 0x80)
					i++;
				chars++;
			}
			memcpy(cells[k] + i, "...", 4);
		}
		size_t cw = cells[k] ? width(cells[k]) : 0;
		if (cw > w[k % t->n_cols])
			w[k % t->n_cols] = cw;
	}
	for (size_t r = 0; r <= t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			const char *cell = r == 0 ? cells[n + c] : cells[(r - 1) * t->n_cols + c];
			bool num = r > 0 && t->is_number[(r - 1) * t->n_cols + c];
			size_t pad = w[c] - (cell ? width(cell) : 0);
			if (c)
				ll_out_puts(o, "  ");
			if (num)
				for (size_t i = 0; i < pad; i++)
					ll_out_puts(o, " ");
			ll_out_puts(o, cell ? cell : "");
			if (!num && c + 1 < t->n_cols)
				for (size_t i = 0; i < pad; i++)
					ll_out_puts(o, " ");
		}
		ll_out_puts(o, "\n");
	}
	ll_out_printf(o, "(%zu row%s)\n", t->n_rows, t->n_rows == 1 ? "" : "s");
done:
	if (cells)
		for (size_t k = 0; k < n + t->n_cols; k++)
			free(cells[k]);
	free(cells);
	free(w);
}

static void csv_cell(struct ll_out *o, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		ll_out_puts(o, s);
		return;
	}
	ll_out_puts(o, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			ll_out_puts(o, "\"\"");
		else
			ll_out_write(o, p, 1);
	}
	ll_out_puts(o, "\"");
}

static void csv(struct ll_out *o, const struct ll_table *t)
{
	for (size_t r = 0; r <= t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++) {
			if (c)
				ll_out_puts(o, ",");
			csv_cell(o, r == 0 ? t->cols[c] : t->cells[(r - 1) * t->n_cols + c]);
		}
		ll_out_puts(o, "\r\n");
	}
}

static enum ll_status json(struct ll_out *o, const char *what, const char *run,
                           const struct ll_table *t, struct ll_error *err)
{
	cJSON *root = ll_render_json_root("query");
	if (!root)
		return ll_render_json_emit(o, NULL, err);
	cJSON *in = cJSON_AddObjectToObject(root, "inputs");
	cJSON_AddStringToObject(in, "query", what);
	if (run)
		cJSON_AddStringToObject(in, "run", run);
	else
		cJSON_AddNullToObject(in, "run");
	cJSON *cols = cJSON_AddArrayToObject(root, "columns");
	for (size_t c = 0; c < t->n_cols; c++)
		cJSON_AddItemToArray(cols, cJSON_CreateString(t->cols[c]));
	cJSON *rows = cJSON_AddArrayToObject(root, "rows");
	for (size_t r = 0; r < t->n_rows; r++) {
		cJSON *ro = cJSON_CreateObject();
		for (size_t c = 0; c < t->n_cols; c++) {
			size_t k = r * t->n_cols + c;
			const char *v = t->cells[k];
			if (!v)
				cJSON_AddNullToObject(ro, t->cols[c]);
			else if (t->is_number[k])
				cJSON_AddItemToObject(ro, t->cols[c], cJSON_CreateNumber(strtod(v, NULL)));
			else
				cJSON_AddStringToObject(ro, t->cols[c], v);
		}
		cJSON_AddItemToArray(rows, ro);
	}
	return ll_render_json_emit(o, root, err);
}

enum ll_status ll_render_table(struct ll_out *o, enum ll_format fmt, const char *what,
                               const char *run, const struct ll_table *t, struct ll_error *err)
{
	switch (fmt) {
	case LL_FMT_JSON:
		return json(o, what, run, t, err);
	case LL_FMT_CSV:
		csv(o, t);
		break;
	default:
		text(o, t);
		break;
	}
	return LL_OK;
}
