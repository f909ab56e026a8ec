/* render_report: the post-mortem (struct ll_postmortem) as text, Markdown and one
 * self-contained HTML page (inline CSS and SVG, no script, no external resource). Every
 * number and sentence arrives computed; only layout (column widths, chart coordinates,
 * sparkline heights) is worked out here. All text that came from input goes through the
 * format's escaping helper: ll_out_term_text, ll_out_md_cell or ll_out_html_text. */
#include "loadlens/render.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loadlens/postmortem.h"
#include "loadlens/banned.h"

typedef void (*esc_fn)(struct ll_out *, const char *);

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* "2025-11-09T06:53:18Z" for a timestamp in microseconds. */
static void put_time(struct ll_out *o, int64_t ts_us)
{
	time_t t = (time_t)(ts_us / 1000000);
	struct tm tm;
	char buf[32];
	if (gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		ll_out_puts(o, buf);
	else
		ll_out_puts(o, "?");
}

/* "second" or "10-second bucket". */
static void put_bucket(struct ll_out *o, const struct ll_pm_timeline *t)
{
	if (t->bucket_s == 1)
		ll_out_puts(o, "second");
	else
		ll_out_printf(o, "%" PRId64 "-second bucket", t->bucket_s);
}

/* The thresholds, as "name: value" items; esc is applied to nothing (all trusted). */
static void put_thresholds(struct ll_out *o, const struct ll_postmortem *pm, const char *sep)
{
	const struct ll_check_params *p = pm->check_params;
	if (!p)
		return;
	ll_out_printf(o, "max error rate %.2f%%%s", p->max_error_rate_frac * 100, sep);
	if (isfinite(p->min_throughput))
		ll_out_printf(o, "min throughput %g ops/s%s", p->min_throughput, sep);
	else
		ll_out_printf(o, "min throughput: none%s", sep);
	if (isfinite(p->max_p99_ms))
		ll_out_printf(o, "max p99 %g ms%s", p->max_p99_ms, sep);
	else
		ll_out_printf(o, "max p99: none%s", sep);
	if (p->min_ops >= 0)
		ll_out_printf(o, "min operations %lld%s", p->min_ops, sep);
	else
		ll_out_printf(o, "min operations: none%s", sep);
	ll_out_printf(o, "similar error rates within %g points%s", p->shared_cause_pp, sep);
	ll_out_printf(o, "bursts: index of dispersion >= %g with >= %d errors", LL_PM_BURSTY_DISPERSION,
	              LL_PM_BURST_MIN_ERRORS);
}

static void put_corr_source(struct ll_out *o, const struct ll_postmortem *pm)
{
	switch (pm->corr_source) {
	case LL_PM_CORR_STORED:
		ll_out_puts(o, "correlation: as stored by 'loadlens correlate'");
		break;
	case LL_PM_CORR_COMPUTED:
		ll_out_puts(o, "correlation: computed for this report with the default parameters");
		if (pm->corr_result)
			ll_out_printf(o, " (clock skew %+.1f ms)", (double)pm->corr_result->skew_us / 1000.0);
		break;
	case LL_PM_CORR_NONE:
		ll_out_puts(o, "correlation: none (no failures in a load tester log)");
		break;
	}
}

static void put_summary_line(struct ll_out *o, const struct ll_postmortem *pm, int which, esc_fn esc)
{
	const struct ll_run_report *r = pm->report;
	switch (which) {
	case 0:
		ll_out_printf(o, "%" PRId64, r->total_ops);
		break;
	case 1:
		ll_out_printf(o, "%" PRId64 " (%.2f%%)", r->total_errors, r->error_rate_frac * 100);
		break;
	case 2:
		ll_out_printf(o, "p50 %.3f ms, p95 %.3f ms, p99 %.3f ms (the max over operations)", r->p50_ms,
		              r->p95_ms, r->p99_ms);
		break;
	case 3:
		ll_out_printf(o, "%.0f ops/s", r->throughput);
		if (pm->header.has_target_rate)
			ll_out_printf(o, " against a target rate of %.0f ops/s (%.1f%%)", pm->header.target_rate,
			              pm->throughput_of_target_pct);
		else
			ll_out_puts(o, " (no target rate in a load tester header)");
		break;
	case 4:
		ll_out_printf(o, "%.2f s measured", r->elapsed_s);
		if (pm->header.has_duration)
			ll_out_printf(o, ", %g s configured", pm->header.configured_duration_s);
		break;
	case 5:
		esc(o, or_dash(pm->header.config_name ? pm->header.config_name : r->config_name));
		if (pm->header.has_seed)
			ll_out_printf(o, ", seed %" PRId64, pm->header.seed);
		if (pm->header.endpoint) {
			ll_out_puts(o, ", endpoint ");
			esc(o, pm->header.endpoint);
		}
		break;
	}
}

static const char *const summary_names[] = { "operations", "errors", "latency", "throughput",
	                                      "duration", "configuration" };
#define N_SUMMARY 6

static void put_cause_counts(struct ll_out *o, const struct ll_pm_cause *c)
{
	if (c->correlated)
		ll_out_printf(o, "%" PRId64 " explained, %" PRId64 " unexplained", c->explained, c->unexplained);
	else
		ll_out_puts(o, "not correlated");
}

/* ---- text ---- */

static void text_sparkline(struct ll_out *o, const struct ll_pm_series *s, size_t n)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
		                              "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = ".:-=+*#@";
	for (size_t k = 0; k < n; k++) {
		int64_t c = s->counts[k];
		if (c == 0) {
			ll_out_puts(o, " ");
			continue;
		}
		int64_t level = s->peak > 0 ? (c * 8 + s->peak - 1) / s->peak - 1 : 0;
		if (level < 0)
			level = 0;
		if (level > 7)
			level = 7;
		if (o->utf8)
			ll_out_puts(o, blocks[level]);
		else
			ll_out_write(o, &ascii[level], 1);
	}
}

static void text_heading(struct ll_out *o, const char *title)
{
	ll_out_printf(o, "\n%s\n", title);
}

static void text(struct ll_out *o, const struct ll_postmortem *pm)
{
	esc_fn e = ll_out_term_text;
	const struct ll_check_result *ck = pm->check;
	ll_out_puts(o, "Post-mortem of run ");
	e(o, pm->run);
	ll_out_printf(o, ": %s (%zu error%s, %zu warning%s)\n", ck->valid ? "VALID" : "INVALID",
	              ck->n_errors, ck->n_errors == 1 ? "" : "s", ck->n_warnings,
	              ck->n_warnings == 1 ? "" : "s");

	text_heading(o, "1. Verdict");
	if (ck->n_findings == 0)
		ll_out_puts(o, "  valid: no check finding\n");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ck->n_findings; i++) {
			const struct ll_finding *f = &ck->findings[i];
			if ((pass == 0) != (f->severity == LL_SEV_ERROR))
				continue;
			ll_out_printf(o, "  %-7s %-20s ", ll_severity_name(f->severity), f->rule);
			e(o, f->message);
			ll_out_puts(o, "\n");
		}
	if (!ck->valid)
		ll_out_puts(o, "  This run is not a usable baseline.\n");

	text_heading(o, "2. Summary");
	for (int i = 0; i < N_SUMMARY; i++) {
		ll_out_printf(o, "  %-14s ", summary_names[i]);
		put_summary_line(o, pm, i, e);
		ll_out_puts(o, "\n");
	}

	text_heading(o, "3. Per operation");
	ll_out_printf(o, "  %-20s %10s %8s %9s %10s %12s\n", "operation", "operations", "errors",
	              "rate", "explained", "unexplained");
	for (size_t i = 0; i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		ll_out_puts(o, "  ");
		e(o, op->op);
		size_t len = strlen(op->op);
		ll_out_printf(o, "%*s %10" PRId64 " %8" PRId64 " %8.2f%% %10" PRId64 " %12" PRId64 "\n",
		              len < 20 ? (int)(20 - len) : 0, "", op->count, op->errors, op->error_rate_pct,
		              op->explained, op->unexplained);
	}
	for (size_t i = 0; i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (op->errors == 0 && op->n_causes == 0)
			continue;
		ll_out_puts(o, "\n  ");
		e(o, op->op);
		ll_out_printf(o, ": %" PRId64 " of %" PRId64 " failed (%.2f%%)%s\n", op->errors, op->count,
		              op->error_rate_pct, op->all_failed ? ", every one" : "");
		if (!op->has_failure_detail)
			ll_out_puts(o, "    no failure lines in a load tester log\n");
		for (size_t k = 0; k < op->n_causes; k++) {
			const struct ll_pm_cause *c = &op->causes[k];
			ll_out_printf(o, "    %6" PRId64 " x ", c->count);
			e(o, c->label);
			if (c->error_code) {
				ll_out_puts(o, " ");
				e(o, c->error_code);
			}
			ll_out_printf(o, " (%.1f%%; ", c->share_pct);
			put_cause_counts(o, c);
			ll_out_puts(o, ")\n");
			for (size_t m = 0; m < c->n_messages; m++) {
				ll_out_printf(o, "        %6" PRId64 " x message: ", c->messages[m].count);
				e(o, c->messages[m].template_text ? c->messages[m].template_text : "(none)");
				ll_out_puts(o, "\n                   e.g. ");
				e(o, c->messages[m].example ? c->messages[m].example : "(none)");
				ll_out_puts(o, "\n");
			}
			if (c->other_messages)
				ll_out_printf(o, "        %6" PRId64 " x other messages\n", c->other_messages);
			for (size_t m = 0; m < c->n_server && m < 3; m++) {
				ll_out_printf(o, "        %6zu x server: ", c->server[m].count);
				e(o, c->server[m].text ? c->server[m].text : "(no message)");
				ll_out_puts(o, "\n");
			}
			if (c->server_note) {
				ll_out_puts(o, "               ");
				e(o, c->server_note);
				ll_out_puts(o, "\n");
			}
		}
	}

	text_heading(o, "4. Common patterns");
	if (pm->n_patterns == 0)
		ll_out_puts(o, "  none\n");
	for (size_t i = 0; i < pm->n_patterns; i++) {
		ll_out_puts(o, "  - ");
		e(o, pm->patterns[i].text);
		ll_out_puts(o, "\n");
	}

	const struct ll_pm_timeline *t = &pm->timeline;
	text_heading(o, "5. Timeline");
	if (!t->present || t->n_series == 0) {
		ll_out_puts(o, "  no failures with timestamps\n");
	} else {
		ll_out_puts(o, "  errors per ");
		put_bucket(o, t);
		ll_out_puts(o, " from ");
		put_time(o, t->start_ts_us);
		ll_out_printf(o, " (client clock), %zu buckets\n", t->n_buckets);
		for (size_t i = 0; i < t->n_series; i++) {
			const struct ll_pm_series *s = &t->series[i];
			ll_out_puts(o, "  ");
			e(o, s->op);
			size_t len = strlen(s->op);
			ll_out_printf(o, "%*s |", len < 18 ? (int)(18 - len) : 0, "");
			text_sparkline(o, s, t->n_buckets);
			ll_out_printf(o, "| %" PRId64 " errors, peak %" PRId64 ", D %.1f%s\n", s->total, s->peak,
			              s->dispersion, s->bursty ? ", bursts" : "");
		}
		ll_out_puts(o, "  measure: ");
		e(o, t->measure);
		ll_out_puts(o, "\n");
	}

	text_heading(o, "6. Server log");
	if (!pm->has_server_log) {
		ll_out_puts(o, "  no server log ingested\n");
	} else {
		ll_out_puts(o, "  events per level:");
		for (size_t i = 0; i < pm->n_levels; i++) {
			ll_out_puts(o, i ? ", " : " ");
			e(o, pm->levels[i].level);
			ll_out_printf(o, " %" PRId64, pm->levels[i].count);
		}
		ll_out_printf(o, " (%" PRId64 " events)\n", pm->server_events);
		ll_out_puts(o, "  top WARN/ERROR messages:\n");
		for (size_t i = 0; i < pm->n_server_templates; i++) {
			const struct ll_pm_server_template *s = &pm->server_templates[i];
			ll_out_printf(o, "    %6" PRId64 " %-5s ", s->count, or_dash(s->level));
			e(o, or_dash(s->target));
			ll_out_puts(o, ": ");
			e(o, s->text ? s->text : "(no message)");
			ll_out_puts(o, "\n");
		}
		ll_out_printf(o, "  panics: %zu\n", pm->n_panics);
		for (size_t i = 0; i < pm->n_panics; i++) {
			const struct ll_pm_panic *p = &pm->panics[i];
			ll_out_puts(o, "    ");
			e(o, or_dash(p->path));
			ll_out_printf(o, ":%ld ", p->line);
			put_time(o, p->ts_us);
			ll_out_puts(o, " at ");
			e(o, p->location ? p->location : "(no location)");
			ll_out_puts(o, ": ");
			e(o, or_dash(p->message));
			ll_out_puts(o, "\n");
		}
	}

	text_heading(o, "7. Next steps");
	if (pm->n_steps == 0)
		ll_out_puts(o, "  none\n");
	for (size_t i = 0; i < pm->n_steps; i++) {
		ll_out_printf(o, "  %zu. ", i + 1);
		e(o, pm->steps[i].action);
		ll_out_puts(o, "\n     evidence: ");
		e(o, pm->steps[i].evidence);
		ll_out_puts(o, "\n");
	}

	text_heading(o, "8. Provenance");
	ll_out_printf(o, "  loadlens %s\n  thresholds: ", pm->version ? pm->version : "?");
	put_thresholds(o, pm, "; ");
	ll_out_puts(o, "\n  ");
	put_corr_source(o, pm);
	ll_out_puts(o, "\n  inputs:\n");
	for (size_t i = 0; i < pm->n_inputs; i++) {
		const struct ll_pm_input_file *f = &pm->inputs[i];
		ll_out_puts(o, "    ");
		e(o, or_dash(f->kind));
		ll_out_puts(o, "  ");
		e(o, or_dash(f->path));
		ll_out_puts(o, "  sha256 ");
		e(o, or_dash(f->sha256));
		ll_out_printf(o, "  %" PRId64 " bytes", f->bytes);
		if (f->lines >= 0)
			ll_out_printf(o, ", %" PRId64 " lines", f->lines);
		ll_out_puts(o, "\n");
	}
}

/* ---- Markdown ---- */

static void md_sparkline(struct ll_out *o, const struct ll_pm_series *s, size_t n)
{
	bool utf8 = o->utf8;
	o->utf8 = true; /* a Markdown file is UTF-8 whatever the terminal */
	text_sparkline(o, s, n);
	o->utf8 = utf8;
}

static void markdown(struct ll_out *o, const struct ll_postmortem *pm)
{
	esc_fn e = ll_out_md_cell;
	const struct ll_check_result *ck = pm->check;
	ll_out_puts(o, "# Post-mortem of run ");
	e(o, pm->run);
	ll_out_printf(o, ": **%s**\n\n%zu error%s, %zu warning%s.%s\n", ck->valid ? "VALID" : "INVALID",
	              ck->n_errors, ck->n_errors == 1 ? "" : "s", ck->n_warnings,
	              ck->n_warnings == 1 ? "" : "s", ck->valid ? "" : " This run is not a usable baseline.");

	ll_out_puts(o, "\n## 1. Verdict\n\n");
	if (ck->n_findings == 0) {
		ll_out_puts(o, "Valid: no check finding.\n");
	} else {
		ll_out_puts(o, "| severity | rule | operation | finding |\n|---|---|---|---|\n");
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < ck->n_findings; i++) {
				const struct ll_finding *f = &ck->findings[i];
				if ((pass == 0) != (f->severity == LL_SEV_ERROR))
					continue;
				ll_out_printf(o, "| %s | `%s` | ", ll_severity_name(f->severity), f->rule);
				e(o, f->op ? f->op : "(overall)");
				ll_out_puts(o, " | ");
				e(o, f->message);
				ll_out_puts(o, " |\n");
			}
	}

	ll_out_puts(o, "\n## 2. Summary\n\n| metric | value |\n|---|---|\n");
	for (int i = 0; i < N_SUMMARY; i++) {
		ll_out_printf(o, "| %s | ", summary_names[i]);
		put_summary_line(o, pm, i, e);
		ll_out_puts(o, " |\n");
	}

	ll_out_puts(o, "\n## 3. Per operation\n\n"
	            "| operation | operations | errors | error rate | explained | unexplained |\n"
	            "|---|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		ll_out_puts(o, "| ");
		e(o, op->op);
		ll_out_printf(o, " | %" PRId64 " | %" PRId64 " | %.2f%% | %" PRId64 " | %" PRId64 " |\n",
		              op->count, op->errors, op->error_rate_pct, op->explained, op->unexplained);
	}
	for (size_t i = 0; i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (op->errors == 0 && op->n_causes == 0)
			continue;
		ll_out_puts(o, "\n### ");
		e(o, op->op);
		ll_out_printf(o, ": %" PRId64 " of %" PRId64 " failed (%.2f%%)\n\n", op->errors, op->count,
		              op->error_rate_pct);
		if (!op->has_failure_detail) {
			ll_out_puts(o, "No failure lines in a load tester log.\n");
			continue;
		}
		ll_out_puts(o, "| status / class | code | failures | share | explained | unexplained | what the server logged |\n"
		            "|---|---|---:|---:|---:|---:|---|\n");
		for (size_t k = 0; k < op->n_causes; k++) {
			const struct ll_pm_cause *c = &op->causes[k];
			ll_out_puts(o, "| ");
			e(o, c->label);
			ll_out_puts(o, " | ");
			e(o, or_dash(c->error_code));
			ll_out_printf(o, " | %" PRId64 " | %.1f%% | ", c->count, c->share_pct);
			if (c->correlated)
				ll_out_printf(o, "%" PRId64 " | %" PRId64 " | ", c->explained, c->unexplained);
			else
				ll_out_puts(o, "- | - | ");
			for (size_t m = 0; m < c->n_server && m < 3; m++) {
				ll_out_printf(o, "%s%zu x ", m ? "; " : "", c->server[m].count);
				e(o, c->server[m].text ? c->server[m].text : "(no message)");
			}
			if (c->server_note) {
				ll_out_puts(o, c->n_server ? "; " : "");
				e(o, c->server_note);
			}
			if (!c->n_server && !c->server_note)
				ll_out_puts(o, "-");
			ll_out_puts(o, " |\n");
		}
		ll_out_puts(o, "\n| status / class | failures | message template | example |\n|---|---:|---|---|\n");
		for (size_t k = 0; k < op->n_causes; k++) {
			const struct ll_pm_cause *c = &op->causes[k];
			for (size_t m = 0; m < c->n_messages; m++) {
				ll_out_puts(o, "| ");
				e(o, c->label);
				ll_out_printf(o, " | %" PRId64 " | ", c->messages[m].count);
				e(o, or_dash(c->messages[m].template_text));
				ll_out_puts(o, " | ");
				e(o, or_dash(c->messages[m].example));
				ll_out_puts(o, " |\n");
			}
			if (c->other_messages) {
				ll_out_puts(o, "| ");
				e(o, c->label);
				ll_out_printf(o, " | %" PRId64 " | (other messages) | - |\n", c->other_messages);
			}
		}
	}

	ll_out_puts(o, "\n## 4. Common patterns\n\n");
	if (pm->n_patterns == 0)
		ll_out_puts(o, "None.\n");
	for (size_t i = 0; i < pm->n_patterns; i++) {
		ll_out_puts(o, "- ");
		e(o, pm->patterns[i].text);
		ll_out_puts(o, "\n");
	}

	const struct ll_pm_timeline *t = &pm->timeline;
	ll_out_puts(o, "\n## 5. Timeline\n\n");
	if (!t->present || t->n_series == 0) {
		ll_out_puts(o, "No failures with timestamps.\n");
	} else {
		ll_out_puts(o, "Errors per ");
		put_bucket(o, t);
		ll_out_puts(o, " from ");
		put_time(o, t->start_ts_us);
		ll_out_printf(o, " (client clock), %zu buckets.\n\n"
		              "| operation | errors | peak | dispersion | timeline |\n|---|---:|---:|---:|---|\n",
		              t->n_buckets);
		for (size_t i = 0; i < t->n_series; i++) {
			const struct ll_pm_series *s = &t->series[i];
			ll_out_puts(o, "| ");
			e(o, s->op);
			ll_out_printf(o, " | %" PRId64 " | %" PRId64 " | %.1f%s | `", s->total, s->peak,
			              s->dispersion, s->bursty ? " (bursts)" : "");
			md_sparkline(o, s, t->n_buckets);
			ll_out_puts(o, "` |\n");
		}
		ll_out_puts(o, "\nMeasure: ");
		e(o, t->measure);
		ll_out_puts(o, ".\n");
	}

	ll_out_puts(o, "\n## 6. Server log\n\n");
	if (!pm->has_server_log) {
		ll_out_puts(o, "No server log ingested.\n");
	} else {
		ll_out_puts(o, "| level | events |\n|---|---:|\n");
		for (size_t i = 0; i < pm->n_levels; i++) {
			ll_out_puts(o, "| ");
			e(o, pm->levels[i].level);
			ll_out_printf(o, " | %" PRId64 " |\n", pm->levels[i].count);
		}
		ll_out_printf(o, "| all | %" PRId64 " |\n", pm->server_events);
		if (pm->n_server_templates) {
			ll_out_puts(o, "\nTop WARN/ERROR messages:\n\n| events | level | target | message template | first line |\n"
			            "|---:|---|---|---|---:|\n");
			for (size_t i = 0; i < pm->n_server_templates; i++) {
				const struct ll_pm_server_template *s = &pm->server_templates[i];
				ll_out_printf(o, "| %" PRId64 " | ", s->count);
				e(o, or_dash(s->level));
				ll_out_puts(o, " | ");
				e(o, or_dash(s->target));
				ll_out_puts(o, " | ");
				e(o, s->text ? s->text : "(no message)");
				ll_out_printf(o, " | %ld |\n", s->first_line);
			}
		}
		ll_out_printf(o, "\nPanics: %zu.\n", pm->n_panics);
		if (pm->n_panics) {
			ll_out_puts(o, "\n| where | time | location | message |\n|---|---|---|---|\n");
			for (size_t i = 0; i < pm->n_panics; i++) {
				const struct ll_pm_panic *p = &pm->panics[i];
				ll_out_puts(o, "| ");
				e(o, or_dash(p->path));
				ll_out_printf(o, ":%ld | ", p->line);
				put_time(o, p->ts_us);
				ll_out_puts(o, " | ");
				e(o, or_dash(p->location));
				ll_out_puts(o, " | ");
				e(o, or_dash(p->message));
				ll_out_puts(o, " |\n");
			}
		}
	}

	ll_out_puts(o, "\n## 7. Next steps\n\n");
	if (pm->n_steps == 0)
		ll_out_puts(o, "None.\n");
	for (size_t i = 0; i < pm->n_steps; i++) {
		ll_out_printf(o, "%zu. **", i + 1);
		e(o, pm->steps[i].action);
		ll_out_puts(o, "**. Evidence: ");
		e(o, pm->steps[i].evidence);
		ll_out_puts(o, ".\n");
	}

	ll_out_printf(o, "\n## 8. Provenance\n\nloadlens %s. Thresholds: ", pm->version ? pm->version : "?");
	put_thresholds(o, pm, "; ");
	ll_out_puts(o, ". ");
	put_corr_source(o, pm);
	ll_out_puts(o, ".\n\n| kind | path | sha256 | bytes | lines |\n|---|---|---|---:|---:|\n");
	for (size_t i = 0; i < pm->n_inputs; i++) {
		const struct ll_pm_input_file *f = &pm->inputs[i];
		ll_out_puts(o, "| ");
		e(o, or_dash(f->kind));
		ll_out_puts(o, " | ");
		e(o, or_dash(f->path));
		ll_out_puts(o, " | `");
		e(o, or_dash(f->sha256));
		ll_out_printf(o, "` | %" PRId64 " | ", f->bytes);
		if (f->lines >= 0)
			ll_out_printf(o, "%" PRId64 " |\n", f->lines);
		else
			ll_out_puts(o, "- |\n");
	}
}

/* ---- HTML ---- */

static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
	                               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };
#define N_PALETTE (sizeof palette / sizeof palette[0])

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;"
	"max-width:1100px;padding:0 1em;color:#222;line-height:1.45}"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;"
	"margin-top:1.8em}h3{margin-bottom:.3em}"
	".verdict{display:inline-block;padding:.15em .6em;border-radius:4px;color:#fff;font-weight:bold}"
	".invalid{background:#c62828}.valid{background:#2e7d32}"
	"table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}"
	"th,td{border:1px solid #ddd;padding:.3em .55em;text-align:left;vertical-align:top}"
	"th{background:#f5f5f5}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;"
	"overflow-wrap:anywhere}.nw{white-space:nowrap;overflow-wrap:normal}"
	".error{color:#c62828;font-weight:bold}.warning{color:#b26a00;font-weight:bold}"
	".note{color:#555;font-style:italic}"
	"ol.steps li{margin-bottom:.6em}.evidence{color:#444;font-size:.92em}"
	"svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#333}"
	".axis{stroke:#333;stroke-width:1}.grid{stroke:#e4e4e4;stroke-width:1}";

static void h(struct ll_out *o, const char *s)
{
	ll_out_html_text(o, s);
}

static void html_td_num(struct ll_out *o, int64_t v)
{
	ll_out_printf(o, "<td class=\"n\">%" PRId64 "</td>", v);
}

/* A tick step of 1, 2 or 5 times a power of ten giving at most about 6 ticks. */
static int64_t nice_step(int64_t max)
{
	int64_t step = 1;
	while (max / step > 6) {
		if (max / (step * 2) <= 6)
			return step * 2;
		if (max / (step * 5) <= 6)
			return step * 5;
		step *= 10;
	}
	return step;
}

static void html_chart(struct ll_out *o, const struct ll_pm_timeline *t)
{
	const int W = 1000, H = 320, L = 60, R = 20, T = 20, B = 50;
	const int pw = W - L - R, ph = H - T - B;
	int64_t ymax = t->peak > 0 ? t->peak : 1;
	int64_t ystep = nice_step(ymax);
	ymax = (ymax + ystep - 1) / ystep * ystep;
	int64_t span_s = (int64_t)t->n_buckets * t->bucket_s;
	int64_t xstep = nice_step(span_s > 0 ? span_s : 1);
	ll_out_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	              "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"errors per %" PRId64 " s per operation\">\n",
	              W, H + 24 * (int)((t->n_series + 3) / 4), W, H + 24 * (int)((t->n_series + 3) / 4),
	              t->bucket_s);
	ll_out_printf(o, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W,
	              H + 24 * (int)((t->n_series + 3) / 4));
	/* y grid and labels */
	for (int64_t v = 0; v <= ymax; v += ystep) {
		double y = T + ph - (double)v * ph / (double)ymax;
		ll_out_printf(o, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
		              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%" PRId64 "</text>\n",
		              L, y, L + pw, y, L - 6, y + 4, v);
	}
	/* x ticks: seconds since the start */
	for (int64_t s = 0; s <= span_s; s += xstep) {
		double x = L + (double)s * pw / (double)(span_s > 0 ? span_s : 1);
		ll_out_printf(o, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
		              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%" PRId64 "</text>\n",
		              x, T + ph, x, T + ph + 5, x, T + ph + 18, s);
	}
	ll_out_printf(o, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
	              "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
	              L, T, L, T + ph, L, T + ph, L + pw, T + ph);
	ll_out_printf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the start "
	              "(client clock)</text>\n", L + pw / 2, T + ph + 38);
	ll_out_printf(o, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">"
	              "errors per %" PRId64 " s</text>\n", T + ph / 2, T + ph / 2, t->bucket_s);
	for (size_t i = 0; i < t->n_series; i++) {
		const struct ll_pm_series *s = &t->series[i];
		ll_out_printf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"",
		              palette[i % N_PALETTE]);
		for (size_t k = 0; k < t->n_buckets; k++) {
			double x = L + ((double)k + 0.5) * pw / (double)t->n_buckets;
			double y = T + ph - (double)s->counts[k] * ph / (double)ymax;
			ll_out_printf(o, "%s%.1f,%.1f", k ? " " : "", x, y);
		}
		ll_out_puts(o, "\"><title>");
		h(o, s->op);
		ll_out_printf(o, ": %" PRId64 " errors</title></polyline>\n", s->total);
	}
	/* legend, four entries per row below the axis label */
	for (size_t i = 0; i < t->n_series; i++) {
		int x = L + (int)(i % 4) * 230, y = H + 4 + 24 * (int)(i / 4);
		ll_out_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
		              "<text x=\"%d\" y=\"%d\">", x, y, palette[i % N_PALETTE], x + 20, y + 12);
		h(o, t->series[i].op);
		ll_out_printf(o, " (%" PRId64 ")</text>\n", t->series[i].total);
	}
	ll_out_puts(o, "</svg>\n");
}

static void html(struct ll_out *o, const struct ll_postmortem *pm)
{
	esc_fn e = ll_out_html_text;
	const struct ll_check_result *ck = pm->check;
	ll_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	            "style-src 'unsafe-inline'; img-src data:\">\n<title>Post-mortem of run ");
	h(o, pm->run);
	ll_out_printf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Post-mortem of run <code>", css);
	h(o, pm->run);
	ll_out_printf(o, "</code></h1>\n<p><span class=\"verdict %s\">%s</span> %zu error%s, %zu warning%s.%s</p>\n",
	              ck->valid ? "valid" : "invalid", ck->valid ? "VALID" : "INVALID", ck->n_errors,
	              ck->n_errors == 1 ? "" : "s", ck->n_warnings, ck->n_warnings == 1 ? "" : "s",
	              ck->valid ? "" : " This run is not a usable baseline.");

	ll_out_puts(o, "<h2 id=\"verdict\">1. Verdict</h2>\n");
	if (ck->n_findings == 0) {
		ll_out_puts(o, "<p>Valid: no check finding.</p>\n");
	} else {
		ll_out_puts(o, "<table><tr><th>severity</th><th>rule</th><th>operation</th><th>finding</th></tr>\n");
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < ck->n_findings; i++) {
				const struct ll_finding *f = &ck->findings[i];
				if ((pass == 0) != (f->severity == LL_SEV_ERROR))
					continue;
				ll_out_printf(o, "<tr><td class=\"%s\">%s</td><td><code class=\"nw\">%s</code></td><td>",
				              ll_severity_name(f->severity), ll_severity_name(f->severity), f->rule);
				e(o, f->op ? f->op : "(overall)");
				ll_out_puts(o, "</td><td>");
				e(o, f->message);
				ll_out_puts(o, "</td></tr>\n");
			}
		ll_out_puts(o, "</table>\n");
	}

	ll_out_puts(o, "<h2 id=\"summary\">2. Summary</h2>\n<table>\n");
	for (int i = 0; i < N_SUMMARY; i++) {
		ll_out_printf(o, "<tr><th>%s</th><td>", summary_names[i]);
		put_summary_line(o, pm, i, e);
		ll_out_puts(o, "</td></tr>\n");
	}
	ll_out_puts(o, "</table>\n");

	ll_out_puts(o, "<h2 id=\"operations\">3. Per operation</h2>\n<table><tr><th>operation</th>"
	            "<th>operations</th><th>errors</th><th>error rate</th><th>explained</th>"
	            "<th>unexplained</th></tr>\n");
	for (size_t i = 0; i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		ll_out_puts(o, "<tr><td>");
		e(o, op->op);
		ll_out_puts(o, "</td>");
		html_td_num(o, op->count);
		html_td_num(o, op->errors);
		ll_out_printf(o, "<td class=\"n\">%.2f%%</td>", op->error_rate_pct);
		html_td_num(o, op->explained);
		html_td_num(o, op->unexplained);
		ll_out_puts(o, "</tr>\n");
	}
	ll_out_puts(o, "</table>\n");
	for (size_t i = 0; i < pm->n_ops; i++) {
		const struct ll_pm_op *op = &pm->ops[i];
		if (op->errors == 0 && op->n_causes == 0)
			continue;
		ll_out_puts(o, "<h3>");
		e(o, op->op);
		ll_out_printf(o, ": %" PRId64 " of %" PRId64 " failed (%.2f%%)</h3>\n", op->errors, op->count,
		              op->error_rate_pct);
		if (!op->has_failure_detail) {
			ll_out_puts(o, "<p class=\"note\">No failure lines in a load tester log.</p>\n");
			continue;
		}
		ll_out_puts(o, "<table><tr><th>status / class</th><th>code</th><th>failures</th><th>share</th>"
		            "<th>explained</th><th>unexplained</th><th>message templates (one example each)</th>"
		            "<th>what the server logged</th></tr>\n");
		for (size_t k = 0; k < op->n_causes; k++) {
			const struct ll_pm_cause *c = &op->causes[k];
			ll_out_puts(o, "<tr><td>");
			e(o, c->label);
			ll_out_puts(o, "</td><td><code class=\"nw\">");
			e(o, or_dash(c->error_code));
			ll_out_puts(o, "</code></td>");
			html_td_num(o, c->count);
			ll_out_printf(o, "<td class=\"n\">%.1f%%</td>", c->share_pct);
			if (c->correlated) {
				html_td_num(o, c->explained);
				html_td_num(o, c->unexplained);
			} else {
				ll_out_puts(o, "<td>-</td><td>-</td>");
			}
			ll_out_puts(o, "<td>");
			for (size_t m = 0; m < c->n_messages; m++) {
				ll_out_printf(o, "<div>%" PRId64 " &times; <code>", c->messages[m].count);
				e(o, or_dash(c->messages[m].template_text));
				ll_out_puts(o, "</code><br><span class=\"evidence\">e.g. <code>");
				e(o, or_dash(c->messages[m].example));
				ll_out_puts(o, "</code></span></div>");
			}
			if (c->other_messages)
				ll_out_printf(o, "<div>%" PRId64 " &times; other messages</div>", c->other_messages);
			ll_out_puts(o, "</td><td>");
			for (size_t m = 0; m < c->n_server && m < 3; m++) {
				ll_out_printf(o, "<div>%zu &times; <code>", c->server[m].count);
				e(o, c->server[m].text ? c->server[m].text : "(no message)");
				ll_out_puts(o, "</code></div>");
			}
			if (c->server_note) {
				ll_out_puts(o, "<div class=\"note\">");
				e(o, c->server_note);
				ll_out_puts(o, "</div>");
			}
			ll_out_puts(o, "</td></tr>\n");
		}
		ll_out_puts(o, "</table>\n");
	}

	ll_out_puts(o, "<h2 id=\"patterns\">4. Common patterns</h2>\n");
	if (pm->n_patterns == 0)
		ll_out_puts(o, "<p>None.</p>\n");
	else {
		ll_out_puts(o, "<ul>\n");
		for (size_t i = 0; i < pm->n_patterns; i++) {
			ll_out_puts(o, "<li>");
			e(o, pm->patterns[i].text);
			ll_out_puts(o, "</li>\n");
		}
		ll_out_puts(o, "</ul>\n");
	}

	const struct ll_pm_timeline *t = &pm->timeline;
	ll_out_puts(o, "<h2 id=\"timeline\">5. Timeline</h2>\n");
	if (!t->present || t->n_series == 0) {
		ll_out_puts(o, "<p>No failures with timestamps.</p>\n");
	} else {
		ll_out_puts(o, "<p>Errors per ");
		put_bucket(o, t);
		ll_out_puts(o, " per operation from ");
		put_time(o, t->start_ts_us);
		ll_out_printf(o, " (client clock), %zu buckets.</p>\n", t->n_buckets);
		html_chart(o, t);
		ll_out_puts(o, "<table><tr><th>operation</th><th>errors</th><th>peak</th>"
		            "<th>index of dispersion</th><th>spread</th></tr>\n");
		for (size_t i = 0; i < t->n_series; i++) {
			const struct ll_pm_series *s = &t->series[i];
			ll_out_printf(o, "<tr><td><span style=\"color:%s\">&#9632;</span> ", palette[i % N_PALETTE]);
			e(o, s->op);
			ll_out_puts(o, "</td>");
			html_td_num(o, s->total);
			html_td_num(o, s->peak);
			ll_out_printf(o, "<td class=\"n\">%.1f</td><td>%s</td></tr>\n", s->dispersion,
			              s->bursty ? "bursts" : "even");
		}
		ll_out_puts(o, "</table>\n<p class=\"note\">Measure: ");
		e(o, t->measure);
		ll_out_puts(o, ".</p>\n");
	}

	ll_out_puts(o, "<h2 id=\"server\">6. Server log</h2>\n");
	if (!pm->has_server_log) {
		ll_out_puts(o, "<p>No server log ingested.</p>\n");
	} else {
		ll_out_puts(o, "<table><tr><th>level</th><th>events</th></tr>\n");
		for (size_t i = 0; i < pm->n_levels; i++) {
			ll_out_puts(o, "<tr><td>");
			e(o, pm->levels[i].level);
			ll_out_puts(o, "</td>");
			html_td_num(o, pm->levels[i].count);
			ll_out_puts(o, "</tr>\n");
		}
		ll_out_puts(o, "<tr><th>all</th>");
		html_td_num(o, pm->server_events);
		ll_out_puts(o, "</tr>\n</table>\n");
		if (pm->n_server_templates) {
			ll_out_puts(o, "<h3>Top WARN/ERROR messages</h3>\n<table><tr><th>events</th><th>level</th>"
			            "<th>target</th><th>message template</th><th>first event</th></tr>\n");
			for (size_t i = 0; i < pm->n_server_templates; i++) {
				const struct ll_pm_server_template *s = &pm->server_templates[i];
				ll_out_puts(o, "<tr>");
				html_td_num(o, s->count);
				ll_out_puts(o, "<td>");
				e(o, or_dash(s->level));
				ll_out_puts(o, "</td><td><code class=\"nw\">");
				e(o, or_dash(s->target));
				ll_out_puts(o, "</code></td><td><code>");
				e(o, s->text ? s->text : "(no message)");
				ll_out_printf(o, "</code></td><td>line %ld: <code>", s->first_line);
				e(o, or_dash(s->example));
				ll_out_puts(o, "</code></td></tr>\n");
			}
			ll_out_puts(o, "</table>\n");
		}
		ll_out_printf(o, "<h3>Panics: %zu</h3>\n", pm->n_panics);
		if (pm->n_panics) {
			ll_out_puts(o, "<table><tr><th>where</th><th>time</th><th>location</th><th>message</th></tr>\n");
			for (size_t i = 0; i < pm->n_panics; i++) {
				const struct ll_pm_panic *p = &pm->panics[i];
				ll_out_puts(o, "<tr><td><code>");
				e(o, or_dash(p->path));
				ll_out_printf(o, ":%ld</code></td><td class=\"nw\">", p->line);
				put_time(o, p->ts_us);
				ll_out_puts(o, "</td><td><code>");
				e(o, or_dash(p->location));
				ll_out_puts(o, "</code></td><td><code>");
				e(o, or_dash(p->message));
				ll_out_puts(o, "</code></td></tr>\n");
			}
			ll_out_puts(o, "</table>\n");
		}
	}

	ll_out_puts(o, "<h2 id=\"next-steps\">7. Next steps</h2>\n");
	if (pm->n_steps == 0)
		ll_out_puts(o, "<p>None.</p>\n");
	else {
		ll_out_puts(o, "<ol class=\"steps\">\n");
		for (size_t i = 0; i < pm->n_steps; i++) {
			ll_out_puts(o, "<li><strong>");
			e(o, pm->steps[i].action);
			ll_out_puts(o, "</strong><br><span class=\"evidence\">Evidence: ");
			e(o, pm->steps[i].evidence);
			ll_out_puts(o, "</span></li>\n");
		}
		ll_out_puts(o, "</ol>\n");
	}

	ll_out_printf(o, "<h2 id=\"provenance\">8. Provenance</h2>\n<p>loadlens %s. Thresholds: ",
	              pm->version ? pm->version : "?");
	put_thresholds(o, pm, "; ");
	ll_out_puts(o, ". ");
	put_corr_source(o, pm);
	ll_out_puts(o, ".</p>\n<table><tr><th>kind</th><th>path</th><th>sha256</th><th>bytes</th>"
	            "<th>lines</th></tr>\n");
	for (size_t i = 0; i < pm->n_inputs; i++) {
		const struct ll_pm_input_file *f = &pm->inputs[i];
		ll_out_puts(o, "<tr><td>");
		e(o, or_dash(f->kind));
		ll_out_puts(o, "</td><td><code>");
		e(o, or_dash(f->path));
		ll_out_puts(o, "</code></td><td><code>");
		e(o, or_dash(f->sha256));
		ll_out_puts(o, "</code></td>");
		html_td_num(o, f->bytes);
		if (f->lines >= 0)
			html_td_num(o, f->lines);
		else
			ll_out_puts(o, "<td>-</td>");
		ll_out_puts(o, "</tr>\n");
	}
	ll_out_puts(o, "</table>\n</body>\n</html>\n");
}

enum ll_status ll_render_report(struct ll_out *o, enum ll_format fmt, const struct ll_postmortem *pm,
                                struct ll_error *err)
{
	(void)err;
	switch (fmt) {
	case LL_FMT_MARKDOWN:
		markdown(o, pm);
		break;
	case LL_FMT_HTML:
		html(o, pm);
		break;
	case LL_FMT_TEXT:
	default: /* formats this command does not offer: text */
		text(o, pm);
		break;
	}
	return LL_OK;
}
