#!/usr/bin/env python3
"""Prints the Markdown tables of docs/benchmarks.md from the JSON results that run-benchmarks.sh leaves.

Usage: results-table.py [RESULTS_DIR]   (default: benchmarks/results)

Times come from main-t1.json and main-t2.json (runs without a profiler), allocation per operation from gc-t1.json
and gc-t2.json (the same benchmarks run again with -prof gc), the parts from parts.json. Errors are JMH's 99.9%
confidence half-widths; the overhead's is the root of the sum of the squares of the two.
"""
import json
import math
import os
import sys

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "results")


def load(name):
    path = os.path.join(DIR, name + ".json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(f)}


def score(results, bench):
    r = results.get(bench)
    if r is None:
        return None, None
    return float(r["primaryMetric"]["score"]), float(r["primaryMetric"]["scoreError"])  # "NaN" for one iteration


def alloc(results, bench):
    r = results.get(bench)
    if r is None or "gc.alloc.rate.norm" not in r.get("secondaryMetrics", {}):
        return None
    return r["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]


def fmt(value, error=None, digits=0):
    if value is None:
        return "n/a"
    text = f"{value:,.{digits}f}"
    if error is not None and not math.isnan(error):
        text += f" ± {error:,.{digits}f}"
    return text


ROWS = [
    ("first execution, fresh key (growing store, no eviction)", "firstExecution_plain", "firstExecution_idempotent"),
    ("first execution, fresh key (full store: evicts one record per call)", "firstExecution_plain",
     "firstExecution_idempotent_fullStore"),
    ("replay of a recorded key", "replay_plain", "replay_idempotent"),
]


def main_table():
    print("| path | threads | plain ns/op | @Idempotent ns/op | overhead ns/op | ratio | plain B/op | @Idempotent B/op |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for threads in (1, 2):
        times, gc = load(f"main-t{threads}"), load(f"gc-t{threads}")
        for label, plain, woven in ROWS:
            p, pe = score(times, plain)
            w, we = score(times, woven)
            if p is None or w is None:
                continue
            overhead = w - p
            oe = math.sqrt(pe ** 2 + we ** 2)
            print(f"| {label} | {threads} | {fmt(p, pe, 1)} | {fmt(w, we)} | {fmt(overhead, oe)} | "
                  f"{w / p:,.0f}× | {fmt(alloc(gc, plain))} | {fmt(alloc(gc, woven))} |")


def gc_times_table():
    print("| benchmark | threads | ns/op (with -prof gc) | B/op |")
    print("| --- | ---: | ---: | ---: |")
    for threads in (1, 2):
        gc = load(f"gc-t{threads}")
        for bench in sorted(gc):
            s, e = score(gc, bench)
            print(f"| {bench} | {threads} | {fmt(s, e, 1)} | {fmt(alloc(gc, bench))} |")


def iterations_table():
    print("| benchmark | threads | measured iterations, ns/op | median |")
    print("| --- | ---: | --- | ---: |")
    for threads in (1, 2):
        times = load(f"main-t{threads}")
        for bench in [b for _, p, w in ROWS for b in (p, w)]:
            r = times.get(bench)
            if r is None or bench in seen(threads):
                continue
            seen(threads).add(bench)
            raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
            ordered = sorted(raw)
            median = ordered[len(ordered) // 2]
            print(f"| {bench} | {threads} | {', '.join(f'{v:,.0f}' if v >= 100 else f'{v:.1f}' for v in raw)} | "
                  f"{median:,.1f} |")


_SEEN = {}


def seen(threads):
    """Each benchmark once per thread count (the plain first-execution run serves two rows of the main table)."""
    s = _SEEN.setdefault(threads, set())
    return s


def parts_table():
    parts = load("parts")
    print("| benchmark | ns/op | B/op |")
    print("| --- | ---: | ---: |")
    for bench in sorted(parts):
        s, e = score(parts, bench)
        print(f"| {bench} | {fmt(s, e, 1)} | {fmt(alloc(parts, bench))} |")


if __name__ == "__main__":
    main_table()
    print()
    iterations_table()
    print()
    gc_times_table()
    print()
    parts_table()
