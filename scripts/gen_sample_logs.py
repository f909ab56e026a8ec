#!/usr/bin/env python3
"""Regenerates the M17 sample logs in sample_logs/ and their ground truth.

Writes, consistent with sample_logs/m17_before.json (which this script reads and never
changes):

  m17_before_loadtest.log          `loadtest run ... 2>&1 | tee`: tracing fmt lines with ANSI
                                   colour (tracing-subscriber 0.3 Full format, its default),
                                   one WARN `Operation failed` line per failed operation, then
                                   the Report::summary() block (plain println!), then the
                                   validation warnings.
  m17_before_loadtest.nocolor.log  the same run as written with NO_COLOR set (no ANSI).
  m17_before_server.log            `cargo run --release --bin engram -- start --port 7432 2>&1
                                   | tee`: cargo's two status lines, then Engram's tracing fmt
                                   events (ANSI on), its startup println!s, request INFO lines,
                                   WARN/ERROR events, metrics snapshots and the panic record
                                   (multi-line backtrace field + the panic hook's stderr block).
  m17_before_server.nocolor.log    the same with NO_COLOR.
  m17_truth.json                   the ground truth (see sample_logs/README.md).

Formats follow Engram's sources (tools/loadtest/src/{main,report}.rs,
engram-cli/src/{main,api}.rs, engram-cli/src/handlers/complete.rs,
engram-core/src/{store,metrics/mod}.rs) and tracing-subscriber 0.3's fmt::format::Full.
Python 3 standard library only; deterministic (fixed seed).

Usage: scripts/gen_sample_logs.py [OUTDIR]   (default: sample_logs/ beside this script)
"""
import calendar
import json
import math
import os
import random
import sys
import time
import uuid

SEED = 20251109
SKEW_US = 180_000            # server clock - client clock (server ahead)
RUN_SEED = 3735928559        # 0xDEADBEEF, scripts/m17_performance_check.sh default
TARGET_RATE = 1000           # scenarios/m17_baseline.toml [arrival] rate
CONFIGURED_DURATION = 60
THROUGHPUT_TARGET = 800.0    # [validation] expected_throughput_ops_sec
P99_TARGET_MS = 50.0         # [validation] expected_p99_latency_ms
MAX_ERROR_RATE = 0.01        # [validation] max_error_rate
ENDPOINT = "http://localhost:7432"
RESULT_FILE = "tmp/m17_performance/001_before_20251108_225318.json"
DATA_ROOT = "/home/m17/engram/engram-data"

# Client wall clock of the first load tester line (2025-11-08 22:53:22 PST).
T0_US = calendar.timegm((2025, 11, 9, 6, 53, 22)) * 1_000_000 + 104_517

# Failure mix: op -> list of (class key, count). Class keys are defined in FAILURE_CLASSES.
MIX = {
    "Store": [("store_500_streaming", 1219), ("network", 278)],
    "Recall": [("recall_500_streaming", 942), ("recall_400_dims", 38), ("network", 176)],
    "Search": [("search_500_streaming", 112), ("network", 24)],
    "PatternCompletion": [("complete_422_low_confidence", 641),
                          ("complete_500_convergence", 21), ("network", 24)],
}

RULE = "\u2501" * 42

# ---------------------------------------------------------------- tracing fmt rendering
ESC = "\x1b"
DIM, ITALIC, RESET = ESC + "[2m", ESC + "[3m", ESC + "[0m"
LEVEL_ANSI = {"TRACE": "35", "DEBUG": "34", "INFO": "32", "WARN": "33", "ERROR": "31"}


def ts_str(us):
    secs, micros = divmod(us, 1_000_000)
    t = time.gmtime(secs)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (
        t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, micros)


def rust_debug_str(s):
    """Rust's <str as Debug>: quoted, with \\ \" \\n \\r \\t \\0 escaped."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\0":
            out.append("\\0")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def q(s):
    """A &str field value (recorded via record_str -> Debug-quoted)."""
    return rust_debug_str(s)


def render_event(ts_us, level, target, message, fields, ansi):
    """tracing-subscriber 0.3 Format<Full, SystemTime> with DefaultFields.

    fields: list of (name, rendered value). A field named "message" is written bare.
    Returns the text including the final newline (it may contain inner newlines when a
    Display value does).
    """
    parts = []
    lvl = {"INFO": " INFO", "WARN": " WARN"}.get(level, level)
    if ansi:
        parts.append(DIM + ts_str(ts_us) + RESET + " ")
        parts.append(ESC + "[" + LEVEL_ANSI[level] + "m" + lvl + RESET + " ")
        parts.append(DIM + target + RESET + DIM + ":" + RESET + " ")
    else:
        parts.append(ts_str(ts_us) + " " + lvl + " " + target + ": ")
    body = [message]
    for name, value in fields:
        if name == "message":
            body.append(value)
        elif ansi:
            body.append(ITALIC + name + RESET + DIM + "=" + RESET + value)
        else:
            body.append(name + "=" + value)
    parts.append(" ".join(body))
    parts.append("\n")
    return "".join(parts)


# ---------------------------------------------------------------- Engram's error bodies
EDU = {
    "INVALID_MEMORY_INPUT": "Memory operations require well-formed inputs. Check the API documentation for proper request structure.",
    "MEMORY_SYSTEM_ERROR": "The memory system encountered an internal error. Cognitive processes may be temporarily disrupted.",
    "MEMORY_VALIDATION_ERROR": "Memory content validation failed. Ensure your input follows cognitive encoding principles.",
}
GUIDANCE_DEFAULT = "Review the memory system documentation for guidance on proper operations."
GUIDANCE = {"INVALID_MEMORY_INPUT": "Memories need meaningful content and context. Think about what makes this memory important."}
STATUS_TEXT = {400: "400 Bad Request", 422: "422 Unprocessable Entity", 500: "500 Internal Server Error"}
STATUS_OF_CODE = {"INVALID_MEMORY_INPUT": 400, "MEMORY_VALIDATION_ERROR": 422, "MEMORY_SYSTEM_ERROR": 500}


def error_body(code, message):
    """ApiError::into_response: serde_json::json! (BTreeMap: keys sorted), compact."""
    doc = {
        "documentation": {"api_guide": "/docs/api", "examples": "/docs/examples",
                          "memory_concepts": "/docs/memory-systems"},
        "error": {"code": code, "cognitive_guidance": GUIDANCE.get(code, GUIDANCE_DEFAULT),
                  "educational_context": EDU[code], "message": message},
    }
    return json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


FAILURE_CLASSES = {
    # key: (status, code, server behaviour)
    "store_500_streaming": (500, "MEMORY_SYSTEM_ERROR", "logged"),
    "recall_500_streaming": (500, "MEMORY_SYSTEM_ERROR", "logged"),
    "search_500_streaming": (500, "MEMORY_SYSTEM_ERROR", "logged"),
    "recall_400_dims": (400, "INVALID_MEMORY_INPUT", "info_only"),
    "complete_422_low_confidence": (422, "MEMORY_VALIDATION_ERROR", "silent"),
    "complete_500_convergence": (500, "MEMORY_SYSTEM_ERROR", "silent"),
    "network": (None, None, "unreached"),
}


def failure_message(cls, op, rng, mem_id):
    if cls == "store_500_streaming":
        return (f"Memory '{mem_id}' was stored but event notification failed. SSE subscribers did "
                "not receive the storage event. Check /api/v1/system/health for streaming status.")
    if cls in ("recall_500_streaming", "search_500_streaming"):
        what = "Recall" if op == "Recall" else "Search"
        return (f"{what} completed but event notification failed. SSE subscribers did not receive "
                "the recall events. Check /api/v1/system/health for streaming status.")
    if cls == "recall_400_dims":
        n = rng.choice([767, 767, 767, 766, 766, 765, 384])
        return f"Embedding must be exactly 768 dimensions, got {n}"
    if cls == "complete_422_low_confidence":
        conf = rng.randint(11, 29) / 100
        return (f"Completion confidence {conf:.2f} below CA1 threshold. The reconstructed episode "
                "did not meet quality standards. Suggestion: Provide more cue information or "
                "adjust ca1_threshold.")
    if cls == "complete_500_convergence":
        return ("Pattern completion failed to converge after 10 iterations. The CA3 attractor "
                "dynamics did not stabilize. This may indicate conflicting evidence in the cue. "
                "Try simplifying the partial pattern or increasing max_iterations.")
    raise ValueError(cls)


# ---------------------------------------------------------------- metrics snapshot
METRIC_BASES = [
    "activation_pool_available", "activation_pool_hit_rate", "activation_pool_in_flight",
    "activation_pool_miss_total", "adaptive_batch_size", "adaptive_batch_latency_seconds",
    "cognitive_cls_hippocampal", "cognitive_cls_neocortical", "completion_duration_seconds",
    "completion_operations_total", "consolidation_backlog", "consolidation_freshness_seconds",
    "consolidation_runs_total", "engram_recall_latency_seconds", "engram_store_latency_seconds",
    "event_stream_buffer_depth", "event_stream_lagged_total", "hnsw_batch_size",
    "hnsw_insert_duration_seconds", "hnsw_queue_depth", "hnsw_queue_full_total",
    "hnsw_search_duration_seconds", "memories_created_total", "recall_results_total",
    "spreading_activation_breaker_state", "spreading_activation_latency_seconds",
    "spreading_pool_utilization", "store_activation", "store_duration_seconds",
    "wal_append_duration_seconds", "wal_bytes_written", "wal_fsync_duration_seconds",
]
METRIC_SUFFIXES = ["", "_hot", "_warm", "_cold"]


def fnum(x):
    """serde_json f64 output (ryu shortest form) for the value ranges used here."""
    r = repr(float(round(x, 6)))
    assert "e" not in r, r
    return r


def metrics_snapshot(rng, scale):
    names = sorted(b + s for b in METRIC_BASES for s in METRIC_SUFFIXES)
    windows = {}
    for win, mult in (("five_minutes", 300), ("one_minute", 60), ("one_second", 1),
                      ("ten_seconds", 10)):
        agg = {}
        if scale > 0:
            for name in names:
                count = max(1, int(rng.uniform(0.2, 1.0) * scale * mult))
                mean = rng.uniform(0.0001, 2.5)
                mn = mean * rng.uniform(0.1, 0.9)
                mx = mean * rng.uniform(1.1, 6.0)
                p50 = mean * rng.uniform(0.8, 1.0)
                p90 = min(mx, mean * rng.uniform(1.05, 1.8))
                p99 = min(mx, p90 * rng.uniform(1.0, 1.5))
                agg[name] = ('{"count":%d,"sum":%s,"mean":%s,"min":%s,"max":%s,"p50":%s,'
                             '"p90":%s,"p99":%s}') % (count, fnum(mean * count), fnum(mean),
                                                      fnum(mn), fnum(mx), fnum(p50), fnum(p90),
                                                      fnum(p99))
        windows[win] = "{" + ",".join('"%s":%s' % (k, v) for k, v in agg.items()) + "}"
    return ('{"schema_version":"1.1.0","one_second":%s,"ten_seconds":%s,"one_minute":%s,'
            '"five_minutes":%s}') % (windows["one_second"], windows["ten_seconds"],
                                     windows["one_minute"], windows["five_minutes"])


# ---------------------------------------------------------------- panic record
def backtrace_text():
    """std::backtrace::Backtrace Display of a stripped release binary (strip = true):
    Engram's own frames have no symbols; libc's do."""
    frames = ["<unknown>"] * 21 + ["start_thread", "clone3"]
    return "\n".join("%4d: %s" % (i, f) for i, f in enumerate(frames))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "sample_logs")
    out = os.path.normpath(out)
    with open(os.path.join(out, "m17_before.json"), encoding="utf-8") as f:
        report = json.load(f)

    rng = random.Random(SEED)
    uuid_rng = random.Random(SEED + 1)

    def mem_id():
        return "mem_" + str(uuid.UUID(int=uuid_rng.getrandbits(128), version=4))[:8]

    ops_stats = report["per_operation_stats"]
    total_ops = report["total_operations"]
    assert total_ops == sum(s["count"] for s in ops_stats.values()) == 14555
    for op, classes in MIX.items():
        assert sum(c for _, c in classes) == ops_stats[op]["error_count"], op
    assert report["total_errors"] == 3475

    # ---------------------------------------------------------- operation timeline
    op_list = [op for op, s in ops_stats.items() for _ in range(s["count"])]
    rng.shuffle(op_list)
    n = len(op_list)
    metrics_start = T0_US + 412                      # MetricsCollector::new()
    loop_start = metrics_start + 96
    span = 59_999_000 - 96 - 900
    cycle = span / n
    # Failure assignment: per op, choose which of its operations fail and how.
    idx_by_op = {}
    for i, op in enumerate(op_list):
        idx_by_op.setdefault(op, []).append(i)
    fail_class = {}
    # network errors cluster in a few bursts (accept backlog overflow), the rest are spread
    bursts = sorted(rng.uniform(0.05, 0.95) * n for _ in range(5))

    def near_burst_weight(i):
        d = min(abs(i - b) for b in bursts)
        return 1.0 + 40.0 * math.exp(-d / 120.0)

    for op, classes in MIX.items():
        pool = list(idx_by_op[op])
        for cls, count in classes:
            if cls == "network":
                chosen = set()
                weights = [near_burst_weight(i) for i in pool]
                while len(chosen) < count:
                    chosen.add(rng.choices(pool, weights)[0])
                chosen = sorted(chosen)
            else:
                chosen = rng.sample(pool, count)
            for i in chosen:
                fail_class[i] = cls
            chosen_set = set(chosen)
            pool = [i for i in pool if i not in chosen_set]
    assert len(fail_class) == 3475

    lat_params = {op: (s["p50_latency_us"], s["p95_latency_us"], s["max_latency_us"])
                  for op, s in ops_stats.items()}

    client_events = []   # (ts, kind, payload)
    server_events = []   # dict(ts, level, target, message, fields, cont, tag)
    failures = []        # per failure (filled with line numbers later)
    stored_ids = []
    events_received = 0
    seq = 0

    def sev(ts, level, target, message, fields=(), cont="", tag=None):
        nonlocal seq
        seq += 1
        ev = {"ts": ts, "level": level, "target": target, "message": message,
              "fields": list(fields), "cont": cont, "tag": tag, "seq": seq}
        server_events.append(ev)
        return ev

    def stream_errors(k, arrive, resp, tag):
        """engram_core::store publish_recall_events: one ERROR per recalled episode, logged
        between the request's arrival and the handler's WARN."""
        evs = []
        gap = max(1, (resp - arrive - 2) // (k + 1))
        for j in range(k):
            evs.append(sev(arrive + 1 + gap * (j + 1) - 1, "ERROR", "engram_core::store",
                           "CRITICAL streaming failure - recall event could not be delivered to SSE subscribers",
                           [("memory_id", rng.choice(stored_ids) if stored_ids else mem_id()),
                            ("subscriber_count", "1"), ("error", "SendError { .. }")], tag=tag))
        return evs

    hnsw_warns = 0
    for i, op in enumerate(op_list):
        start = int(loop_start + i * cycle + rng.uniform(-0.35, 0.35) * 1000)
        cls = fail_class.get(i)
        p50, p95, mx = lat_params[op]
        if cls == "network":
            lat = rng.randint(70, 380)
        else:
            sigma = math.log(p95 / p50) / 1.645
            lat = int(min(mx, max(90, rng.lognormvariate(math.log(p50), sigma))))
        end = start + lat
        # the client writes its WARN after reading the body; rarely the task is descheduled
        c = rng.randint(12, 45) if rng.random() < 0.99 else rng.randint(400, 2500)
        log_ts = end + c
        a = rng.randint(15, 30)                       # request transit
        b = rng.randint(15, 30)                       # response transit
        arrive_srv = start + SKEW_US + a              # server clock
        resp_srv = end + SKEW_US - b                  # server clock, handler's last event
        explain = None
        related = []
        if op == "Store" and cls != "network":
            mid = mem_id()
            content_len = 53                          # "Load test memory <uuid>"
            sev(arrive_srv, "INFO", "engram_cli::api",
                f"Processing remember memory request: content length = {content_len}")
            t = arrive_srv + 5
            step = max(1, (resp_srv - t) // 4)
            if rng.random() < 0.024:
                hnsw_warns += 1
                sev(t + step, "WARN", "engram_core::store",
                    f"HNSW update queue full for {mid}, falling back to synchronous insert",
                    tag="hnsw_queue_full")
            if cls == "store_500_streaming":
                e1 = sev(t + 2 * step, "ERROR", "engram_core::store",
                         "CRITICAL streaming failure - event could not be delivered to SSE subscribers",
                         [("memory_id", mid), ("subscriber_count", "1"), ("error", "SendError { .. }")],
                         tag="store_stream_error")
                e2 = sev(resp_srv, "WARN", "engram_cli::api",
                         "Memory stored successfully but event streaming failed - SSE subscribers not notified",
                         [("memory_id", mid)], tag="store_stream_warn")
                explain, related = e2, [e1, e2]
                msg = failure_message(cls, op, rng, mid)
            else:
                events_received += 1
                sev(resp_srv, "INFO", "engram_cli::api", f"Successfully stored memory: {mid}")
            stored_ids.append(mid)
        elif op == "Recall" and cls != "network":
            sev(arrive_srv, "INFO", "engram_cli::api", "Processing recall request with query: None")
            max_results = rng.randint(1, 5)
            k = min(len(stored_ids), rng.randint(1, max_results)) if stored_ids else 0
            if cls == "recall_400_dims":
                msg = failure_message(cls, op, rng, None)
            elif cls == "recall_500_streaming":
                related = stream_errors(max(k, 1), arrive_srv, resp_srv, "recall_stream_error")
                explain = sev(resp_srv, "WARN", "engram_cli::api",
                              "Recall completed successfully but event streaming failed - SSE subscribers not notified",
                              tag="recall_stream_warn")
                related.append(explain)
                msg = failure_message(cls, op, rng, None)
            else:
                vivid = rng.randint(0, k)
                events_received += k + (1 if k else 0)
                sev(resp_srv, "INFO", "engram_cli::api",
                    f"Recall completed: found {vivid} vivid and {k - vivid} associated memories")
        elif op == "Search" and cls == "search_500_streaming":
            related = stream_errors(rng.randint(1, 3), arrive_srv, resp_srv, "search_stream_error")
            explain = sev(resp_srv, "WARN", "engram_cli::api",
                          "Search completed successfully but event streaming failed - SSE subscribers not notified",
                          tag="search_stream_warn")
            related.append(explain)
            msg = failure_message(cls, op, rng, None)
        elif op == "Search" and cls is None:
            events_received += 1
        elif op == "PatternCompletion" and cls not in (None, "network"):
            msg = failure_message(cls, op, rng, None)
        if cls is None:
            continue
        if cls == "network":
            err = f"{op}: network error"
        else:
            status, code, _ = FAILURE_CLASSES[cls]
            err = f"{op} failed with status {STATUS_TEXT[status]}: {error_body(code, msg)}"
        fr = {"op": op, "class": cls, "ts": log_ts, "error": err, "explain": explain,
              "related": related}
        failures.append(fr)
        client_events.append((log_ts, "fail", fr))
    last_end = max(f["ts"] for f in failures)

    # ---------------------------------------------------------- client log
    completed_ts = metrics_start + 60_143_109       # ~ report elapsed (60.143218431 s)
    elapsed_main = (completed_ts - (metrics_start + 3)) / 1e6
    header = [
        (T0_US, "INFO", "loadtest", f"Starting load test: {report['config_name']} (seed: {RUN_SEED})"),
        (T0_US + 41, "INFO", "loadtest", f"Target rate: {TARGET_RATE} ops/sec"),
        (T0_US + 63, "INFO", "loadtest", f"Duration: {CONFIGURED_DURATION} seconds"),
        (T0_US + 80, "INFO", "loadtest", f"Endpoint: {ENDPOINT}"),
    ]
    assert last_end < completed_ts

    def summary():
        r = report
        s = f"Load Test Report: {r['config_name']}\n"
        s += f"Duration: {r['elapsed_seconds']:.2f}s | Total Operations: {r['total_operations']}\n"
        s += RULE + "\n"
        s += f"Overall Throughput: {r['overall_throughput']:.0f} ops/sec\n"
        s += f"Overall Error Rate: {r['overall_error_rate'] * 100.0:.2f}%\n"
        s += f"P50 Latency: {r['p50_latency_ms']:.2f}ms\n"
        s += f"P95 Latency: {r['p95_latency_ms']:.2f}ms\n"
        s += f"P99 Latency: {r['p99_latency_ms']:.2f}ms\n"
        s += "\nPer-Operation Statistics:\n" + RULE + "\n"
        for op, st in r["per_operation_stats"].items():     # the report's HashMap order
            s += f"\n{op}:\n"
            s += f"  Count: {st['count']}\n"
            s += f"  Throughput: {st['count'] / r['elapsed_seconds']:.0f} ops/sec\n"
            s += f"  P50: {st['p50_latency_us'] / 1000.0:.2f}ms\n"
            s += f"  P95: {st['p95_latency_us'] / 1000.0:.2f}ms\n"
            s += f"  P99: {st['p99_latency_us'] / 1000.0:.2f}ms\n"
            s += f"  Errors: {st['error_count']}\n"
        return s

    validation = []
    if report["p99_latency_ms"] > P99_TARGET_MS:
        validation.append(f"P99 latency {report['p99_latency_ms']:.2f}ms exceeds target {P99_TARGET_MS:.2f}ms")
    if report["overall_throughput"] < THROUGHPUT_TARGET:
        validation.append(f"Throughput {report['overall_throughput']:.0f} ops/sec below target {THROUGHPUT_TARGET:.0f} ops/sec")
    if report["overall_error_rate"] > MAX_ERROR_RATE:
        validation.append(f"Error rate {report['overall_error_rate'] * 100.0:.2f}% exceeds maximum {MAX_ERROR_RATE * 100.0:.2f}%")

    def client_text(ansi):
        lines = []
        line_no = 0
        for ts, lvl, tgt, m in header:
            lines.append(render_event(ts, lvl, tgt, m, [], ansi))
        for ts, _, fr in client_events:
            lines.append(render_event(ts, "WARN", "loadtest", "Operation failed",
                                      [("operation", fr["op"]), ("error", fr["error"])], ansi))
        lines.append(render_event(completed_ts, "INFO", "loadtest",
                                  f"Load test completed in {elapsed_main:.2f}s", [], ansi))
        lines.append("\n" + summary() + "\n")
        t = completed_ts + 1_912
        lines.append(render_event(t, "INFO", "loadtest",
                                  f"Detailed results saved to: {RESULT_FILE}", [], ansi))
        for k, v in enumerate(validation):
            lines.append(render_event(t + 31 + 9 * k, "WARN", "loadtest::report", v, [], ansi))
        lines.append(render_event(t + 31 + 9 * len(validation) + 6, "WARN", "loadtest",
                                  "Load test did not meet validation criteria!", [], ansi))
        return "".join(lines)

    # client line numbers: header 4 lines, then failures in order
    for k, fr in enumerate(failures):
        fr["client_line"] = 5 + k

    # ---------------------------------------------------------- server background events
    srv_start = T0_US + SKEW_US - 1_934_402        # server clock, first event
    t = srv_start
    startup = [
        ("INFO", "engram", " Starting Engram server...", []),
        ("INFO", "engram", " Cluster mode disabled (single-node)", []),
        ("INFO", "engram", "Using memory space data root", [("root", DATA_ROOT)]),
        ("INFO", "engram", "Scanning persistence root for existing memory spaces", []),
        ("INFO", "engram", "No existing memory spaces found - starting with clean slate", []),
        ("WARN", "engram", "Spreading API beta disabled \u2014 falling back to similarity recall",
         [("space", "default")]),
        ("INFO", "engram_core::registry::memory_space", "created memory space",
         [("space", "default"), ("path", DATA_ROOT + "/default")]),
        ("INFO", "engram", "Default memory space initialised",
         [("space", "default"), ("root", DATA_ROOT + "/default")]),
        ("INFO", "engram", " Event streaming enabled (buffer size: 1000)", [("space", "default")]),
        ("INFO", "engram", " Keepalive subscriber started - maintaining event streaming invariant", []),
        ("WARN", "engram", " Spreading API beta flag disabled \u2014 similarity-only recall will be used by default", []),
        ("INFO", "engram", " Auto-tuner background worker started (5 minute interval)", []),
        ("INFO", "engram", " Background tier migration started (5 minute interval)", [("space", "default")]),
        ("INFO", "engram", " HNSW update worker started (batch size: 100, timeout: 50ms)", [("space", "default")]),
        ("INFO", "engram", "Authentication disabled", []),
    ]
    for lvl, tgt, m, flds in startup:
        t += rng.randint(40, 900)
        sev(t, lvl, tgt, m, flds, tag="startup")
    t += 211
    metrics_t0 = t
    sev(t, "INFO", "engram_core::metrics", "streaming metrics snapshot",
        [("target", q("engram::metrics::stream")), ("label", q("daemon")),
         ("snapshot", metrics_snapshot(rng, 0))], tag="metrics_snapshot")
    t += 1_377
    sev(t, "INFO", "engram", " HTTP API server listening", [("http_bind", "127.0.0.1"), ("port", "7432")],
        tag="startup")
    t += 58
    sev(t, "INFO", "engram", " Starting gRPC server on 127.0.0.1:50051",
        cont="Engram gRPC service listening on 0.0.0.0:50051\n"
             "   Ready for memory operations (Remember, Recall, Recognize)\n", tag="startup")
    t += 702
    sev(t, "INFO", "engram", " gRPC authentication disabled", tag="startup")
    t += 500_000 + rng.randint(300, 900)
    sev(t, "INFO", "engram", " gRPC server ready (attempt 2)",
        cont=" Engram server started successfully!\n"
             " HTTP API: http://127.0.0.1:7432\n"
             " gRPC: 127.0.0.1:50051\n"
             " Health: http://127.0.0.1:7432/health\n"
             " API Docs: http://127.0.0.1:7432/docs\n"
             "\n"
             " Use 'engram status' to check server health\n"
             " Use 'engram stop' to shutdown the server\n", tag="startup")
    assert t < loop_start + SKEW_US

    # periodic metrics snapshots (30 s interval from the logging task's first tick)
    for k, scale in ((1, 40), (2, 44)):
        sev(metrics_t0 + 30_000_000 * k + rng.randint(30, 400), "INFO", "engram_core::metrics",
            "streaming metrics snapshot",
            [("target", q("engram::metrics::stream")), ("label", q("daemon")),
             ("snapshot", metrics_snapshot(rng, scale))], tag="metrics_snapshot")
    # keepalive subscriber: healthy every ~10 s, lagging warnings near the network bursts
    lagged = 0
    received = 0
    first_ka = loop_start + SKEW_US + 9_000_000
    lag_times = sorted(loop_start + SKEW_US + int(b * cycle) + rng.randint(-40_000, 40_000)
                       for b in bursts[:3])
    ka_times = [first_ka + 10_000_417 * k + rng.randint(0, 4000) for k in range(6)]
    timeline = sorted([(x, "lag") for x in lag_times] + [(x, "ok") for x in ka_times])
    per_us = events_received / 60e6
    for x, kind in timeline:
        received = int((x - loop_start - SKEW_US) * per_us)
        if kind == "lag":
            skipped = rng.randint(180, 420)
            lagged += skipped
            sev(x, "WARN", "engram",
                f"Keepalive event subscriber lagging - {skipped} events skipped (total: {lagged}). "
                "This indicates high event volume or slow processing.",
                [("space", "default"), ("lagged_count", str(lagged)), ("skipped", str(skipped))],
                tag="keepalive_lagging")
        else:
            sev(x, "INFO", "engram",
                f"Keepalive subscriber healthy - {received} events received, {lagged} lagged",
                [("space", "default"), ("events_received", str(received)),
                 ("lagged_count", str(lagged))], tag="keepalive")
    # shutdown after the load test: SIGTERM from the script, then a panic in a background
    # thread; the release profile has panic = "abort", so this is the last record.
    t = completed_ts + SKEW_US + 212_881
    for lvl, m, flds in [
        ("INFO", " TERM signal received", []),
        ("INFO", " Shutdown signal received", []),
        ("INFO", " HTTP server shutdown complete, cleaning up background tasks", []),
        ("INFO", f"Keepalive subscriber shutting down gracefully - {events_received} events received, {lagged} lagged",
         [("space", "default"), ("events_received", str(events_received)), ("lagged_count", str(lagged))]),
        ("INFO", "Auto-tuner shutting down gracefully", []),
        ("INFO", "Health monitor shutting down gracefully", []),
        ("INFO", "Metrics logging shutting down gracefully", []),
    ]:
        t += rng.randint(30, 2500)
        sev(t, lvl, "engram", m, flds, tag="shutdown")
    t += 1_408
    bt = backtrace_text()
    panic_msg = "called `Result::unwrap()` on an `Err` value: RecvError"
    panic_loc = "engram-core/src/store.rs:829:42"
    rule = "\u2550" * 59
    # the panic hook's eprintln! block (stderr, captured by 2>&1 right after the event)
    stderr_block = ("\n" + rule + "\n" + f"PANIC at {panic_loc}: {panic_msg}\n" + rule + "\n"
                    + "Backtrace:\n" + bt + "\n" + rule + "\n\n")
    bt_field = bt
    sev(t, "ERROR", "engram",
        "PANIC: Thread panicked - this is a critical error that should be investigated",
        [("message", panic_msg), ("location", panic_loc), ("backtrace", bt_field)],
        cont=stderr_block, tag="panic")

    server_events.sort(key=lambda e: (e["ts"], e["seq"]))
    # timestamps must be strictly increasing in the file for a clean sample
    for a, b in zip(server_events, server_events[1:]):
        if b["ts"] <= a["ts"]:
            b["ts"] = a["ts"] + 1

    cargo_lines = ("    Finished `release` profile [optimized] target(s) in 0.41s\n"
                   "     Running `target/release/engram start --port 7432`\n")

    def server_text(ansi):
        parts = [cargo_lines]
        line = 3
        for ev in server_events:
            ev["line"] = line
            txt = render_event(ev["ts"], ev["level"], ev["target"], ev["message"], ev["fields"], ansi)
            txt += ev["cont"]
            parts.append(txt)
            line += txt.count("\n")
        return "".join(parts), line - 1

    files = {}
    for ansi, suffix in ((True, ""), (False, ".nocolor")):
        files[f"m17_before_loadtest{suffix}.log"] = client_text(ansi)
        stext, slines = server_text(ansi)
        files[f"m17_before_server{suffix}.log"] = stext
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    # ---------------------------------------------------------- ground truth
    def strip_len(s):
        return s.count("\n")

    client_lines = files["m17_before_loadtest.log"].count("\n")
    per_level = {}
    cont_lines = 0
    cont_by_event = []
    for ev in server_events:
        per_level[ev["level"]] = per_level.get(ev["level"], 0) + 1
        extra = strip_len(render_event(0, ev["level"], ev["target"], ev["message"], ev["fields"], False)) - 1
        extra += strip_len(ev["cont"])
        if extra:
            cont_lines += extra
            cont_by_event.append({"line": ev["line"], "level": ev["level"],
                                  "message": ev["message"], "continuation_lines": extra})
    per_tag = {}
    for ev in server_events:
        key = f'{ev["level"]} {ev["target"]}: {ev["tag"] or "request"}'
        per_tag[key] = per_tag.get(key, 0) + 1

    groups = {}
    explained_by_op = {}
    rows = []
    for fr in failures:
        status, code, behaviour = FAILURE_CLASSES[fr["class"]]
        key = (fr["op"], status, "network" if status is None else "http", code)
        g = groups.setdefault(key, {"op": fr["op"], "status": status,
                                    "error_class": key[2], "error_code": code,
                                    "count": 0, "explained": 0, "unexplained": 0})
        g["count"] += 1
        ex = fr["explain"]
        g["explained" if ex else "unexplained"] += 1
        e = explained_by_op.setdefault(fr["op"], {"failures": 0, "explained": 0, "unexplained": 0})
        e["failures"] += 1
        e["explained" if ex else "unexplained"] += 1
        rows.append({
            "client_line": fr["client_line"],
            "client_ts": ts_str(fr["ts"]),
            "op": fr["op"],
            "status": status,
            "error_class": key[2],
            "error_code": code,
            "server_line": ex["line"] if ex else None,
            "server_level": ex["level"] if ex else None,
            "delta_us": (ex["ts"] - fr["ts"]) if ex else None,
            "related_server_lines": [r["line"] for r in fr["related"]],
            "cause": fr["class"],
        })
    deltas = [r["delta_us"] - SKEW_US for r in rows if r["delta_us"] is not None]
    decoys = [ev for ev in server_events if ev["level"] in ("WARN", "ERROR")
              and ev["tag"] not in ("store_stream_warn", "recall_stream_warn", "search_stream_warn")]
    truth = {
        "schema_version": 1,
        "generator": "scripts/gen_sample_logs.py",
        "generator_seed": SEED,
        "report": "m17_before.json",
        "files": {
            "loadtest": "m17_before_loadtest.log",
            "loadtest_nocolor": "m17_before_loadtest.nocolor.log",
            "server": "m17_before_server.log",
            "server_nocolor": "m17_before_server.nocolor.log",
        },
        "skew": {
            "skew_us": SKEW_US, "skew_ms": SKEW_US / 1000,
            "definition": "server clock minus client clock (the server is ahead)",
            "explaining_event_offset_us": {
                "definition": "server_ts - (client_ts + skew): the explaining event is logged this long before the client writes its line",
                "min": min(deltas), "max": max(deltas),
                "median": sorted(deltas)[len(deltas) // 2],
            },
        },
        "client": {
            "lines": client_lines,
            "header": {"config_name": report["config_name"], "seed": RUN_SEED,
                       "target_rate": TARGET_RATE, "configured_duration_s": CONFIGURED_DURATION,
                       "endpoint": ENDPOINT, "completed_in": f"{elapsed_main:.2f}s",
                       "results_file": RESULT_FILE},
            "failure_lines": len(failures),
            "first_failure_line": failures[0]["client_line"],
            "last_failure_line": failures[-1]["client_line"],
            "failures_per_op": {op: sum(c for _, c in MIX[op]) for op in MIX},
            "failures_per_op_status": sorted(groups.values(), key=lambda g: (g["op"], str(g["status"]))),
            "validation_warnings": validation + ["Load test did not meet validation criteria!"],
            "summary_op_order": list(report["per_operation_stats"]),
        },
        "server": {
            "physical_lines": files["m17_before_server.log"].count("\n"),
            "events": len(server_events),
            "events_per_level": dict(sorted(per_level.items())),
            "events_per_level_target_kind": dict(sorted(per_tag.items())),
            "unstamped_lines_before_first_event": 2,
            "continuation_lines": cont_lines,
            "events_with_continuation_lines": cont_by_event,
            "first_event_line": 3,
            "longest_line_bytes_ansi": max(len(l.encode()) for l in files["m17_before_server.log"].split("\n")),
            "warn_error_events": sum(1 for ev in server_events if ev["level"] in ("WARN", "ERROR")),
            "warn_error_events_explaining_a_failure": sum(1 for r in rows if r["server_line"]),
            "warn_error_events_not_explaining_any_failure": len(decoys),
        },
        "explained_per_op": explained_by_op,
        "failures": rows,
    }
    with open(os.path.join(out, "m17_truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
