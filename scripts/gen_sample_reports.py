#!/usr/bin/env python3
"""Regenerates the load-test JSON reports in sample_logs/.

Each file is written the way Engram's tools/loadtest writes --output: serde_json's
to_string_pretty of its Report struct (2-space indent, "key": value, struct fields in
declaration order, per_operation_stats a HashMap so its keys come in random order, floats
in shortest round-trip form, no final newline). Totals, rates, throughput and the overall
percentiles (the MAX over operations) are derived exactly as report.rs derives them.

Usage: scripts/gen_sample_reports.py [OUTDIR]   (default: sample_logs/ beside this script)
"""
import json
import os
import random
import sys

OPS = ("Store", "Recall", "Search", "PatternCompletion")


def op(count, errors, p50, p95, p99, p999, mx, mean):
    return {
        "count": count,
        "success_count": count - errors,
        "error_count": errors,
        "p50_latency_us": p50,
        "p95_latency_us": p95,
        "p99_latency_us": p99,
        "p999_latency_us": p999,
        "mean_latency_us": mean,
        "max_latency_us": mx,
    }


def report(name, elapsed, ops, seed):
    total = sum(o["count"] for o in ops.values())
    errors = sum(o["error_count"] for o in ops.values())
    keys = list(ops)
    random.Random(seed).shuffle(keys)  # HashMap iteration order
    return {
        "config_name": name,
        "elapsed_seconds": elapsed,
        "total_operations": total,
        "total_errors": errors,
        "overall_throughput": total / elapsed if elapsed > 0 else 0.0,
        "overall_error_rate": errors / total if total else 0.0,
        "p50_latency_ms": max(o["p50_latency_us"] for o in ops.values()) / 1000.0,
        "p95_latency_ms": max(o["p95_latency_us"] for o in ops.values()) / 1000.0,
        "p99_latency_ms": max(o["p99_latency_us"] for o in ops.values()) / 1000.0,
        "per_operation_stats": {k: ops[k] for k in keys},
    }


SAMPLES = {
    # The M17 baseline of the context report: 14,555 operations, 3,475 errors (23.9%),
    # PatternCompletion 686/686, Store 1,497/7,304, Recall 1,156/5,882, Search 136/683,
    # p99 0.65 ms, 242 ops/s over about 60 s.
    "m17_before.json": report("m17_baseline", 60.143218431, {
        "Store": op(7304, 1497, 412, 598, 650, 1807, 2431, 431.2871029572836),
        "Recall": op(5882, 1156, 301, 487, 602, 1411, 1990, 322.80618837130226),
        "Search": op(683, 136, 220, 401, 533, 912, 912, 241.51683748169838),
        "PatternCompletion": op(686, 686, 180, 291, 342, 517, 517, 193.04956268221574),
    }, 17),
    # A healthy baseline: no errors at ~800 ops/s.
    "clean_baseline.json": report("m17_baseline", 60.004113207, {
        "Store": op(24001, 0, 398, 571, 688, 1502, 2210, 415.0933294446065),
        "Recall": op(19212, 0, 295, 466, 597, 1207, 1840, 310.7312096606288),
        "Search": op(2366, 0, 212, 389, 512, 844, 901, 230.9268808114962),
        "PatternCompletion": op(2371, 0, 244, 402, 533, 871, 930, 262.3416279206242),
    }, 3),
    # A candidate within every threshold of clean_baseline (p99 +1.6%, throughput -0.7%).
    "clean_candidate.json": report("m17_baseline", 60.011870554, {
        "Store": op(23840, 5, 401, 579, 699, 1530, 2301, 419.5619966442953),
        "Recall": op(19101, 4, 297, 470, 603, 1220, 1862, 313.0271713522852),
        "Search": op(2344, 1, 215, 391, 517, 850, 903, 233.40273037542662),
        "PatternCompletion": op(2355, 2, 246, 405, 538, 880, 944, 264.9953290870488),
    }, 5),
    # A regressed candidate: p99 +21.1% and throughput -9.2% against clean_baseline, error
    # rate still under 1% so the run itself passes check.
    "regressed_candidate.json": report("m17_baseline", 60.020441977, {
        "Store": op(21801, 160, 455, 690, 833, 1990, 2870, 477.60813724140176),
        "Recall": op(17450, 111, 340, 561, 722, 1602, 2207, 358.1226934097421),
        "Search": op(2150, 19, 240, 452, 611, 1010, 1022, 262.4395348837209),
        "PatternCompletion": op(2155, 20, 281, 488, 640, 1077, 1101, 300.1967517401392),
    }, 11),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "sample_logs")
    os.makedirs(out, exist_ok=True)
    for name, doc in SAMPLES.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(json.dumps(doc, indent=2, ensure_ascii=False))  # no final newline


if __name__ == "__main__":
    main()
