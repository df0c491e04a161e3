#!/usr/bin/env python3
"""Prints the Markdown tables of docs/benchmarks.md from the JSON results that run-benchmarks.sh leaves.

Usage: results-table.py [RESULTS_DIR]   (default: benchmarks/results)

Times come from main-t1.json and main-t2.json (runs without a profiler), allocation per operation from gc-t1.json
and gc-t2.json (the same benchmarks run again with -prof gc), the parts from parts.json, the large payload from
fingerprint.json, Redis and the database from redis-tN.json and jdbc-tN.json. A table is left out when its step did
not run. Errors are JMH's 99.9% confidence half-widths; the overhead's is the root of the sum of the squares of the
two. A figure marked * comes from an attempt that other processes disturbed (see run-benchmarks.sh).

Every figure of ours is read against two reference rows of the same run, both running the same body:
  the floor: the least an idempotent call can do (in memory: a ConcurrentHashMap claimed with putIfAbsent, completed
    with put, a replay's get and equals; Redis: raw SET NX, raw GET; the database: a raw INSERT, a SELECT by primary
    key);
  the peer: what the Spring Boot idempotency starters do (a Spring AOP proxy, a SpEL key interpreted or compiled,
    Jackson JSON for the result and the arguments' SHA-256 fingerprint, the same kind of map).
Ratios of whole calls: ours / floor and ours / peer (time per call; for throughput, ours / reference in calls/s).
Ratios of overheads, what each adds to the plain call (the body alone):
  overhead / floor's = (ours - plain) / (floor - plain), overhead / peer's = (ours - plain) / (peer - plain);
so 1 means ours adds as much as the reference does, and below 1 against the peer means cheaper than the peer.
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


def disturbed(step, bench):
    path = os.path.join(DIR, step, bench + ".attempts")
    return os.path.exists(path) and "DISTURBED" in open(path).read()


def cell(step, results, bench, digits=0):
    """A score with its error, marked when its attempt was disturbed."""
    v, e = score(results, bench)
    return fmt(v, e, digits) + (" *" if v is not None and disturbed(step, bench) else "")


def ratio(a, b, digits=2):
    """a / b; n/a when b is not positive, e.g. an overhead of the floor's that the noise (or a replay's skipped body)
    took below the plain call's."""
    if a is None or b is None or b <= 0:
        return "n/a"
    return f"{a / b:,.{digits}f}"


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


# (path, plain, floor, peer with SpEL interpreted, peer with SpEL compiled, ours)
REFERENCE_ROWS = [
    ("first execution, growing store", "firstExecution_plain", "firstExecution_floor",
     "firstExecution_peer_spelInterpreted", "firstExecution_peer_spelCompiled", "firstExecution_idempotent"),
    ("first execution, full store (ours evicts; floor and peer grow)", "firstExecution_plain", "firstExecution_floor",
     "firstExecution_peer_spelInterpreted", "firstExecution_peer_spelCompiled", "firstExecution_idempotent_fullStore"),
    ("replay", "replay_plain", "replay_floor", "replay_peer_spelInterpreted", "replay_peer_spelCompiled",
     "replay_idempotent"),
]


def reference_tables():
    """In memory: ours, the plain call, the floor and the peer, times and ratios, and bytes per call."""
    steps = [(t, f"main-t{t}", load(f"main-t{t}"), load(f"gc-t{t}")) for t in (1, 2)]
    if not any(times for _, _, times, _ in steps):
        return
    side_by_side("In memory, ns per call (± 99.9% confidence interval), one run:",
                  [(threads, times, lambda b, step=step, times=times:
                    cell(step, times, b, 1 if b.endswith(("_plain", "_floor")) else 0))
                   for threads, step, times, _ in steps])
    print()
    print("Ratios (whole calls: ours / reference; overheads: (ours - plain) / (reference - plain)):")
    print()
    print("| path | threads | ÷ floor | overhead ÷ floor's | ÷ peer, compiled | overhead ÷ peer's, compiled "
          "| ÷ peer, interpreted | overhead ÷ peer's, interpreted |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for threads, step, times, _ in steps:
        for label, plain, floor, interpreted, compiled, ours in REFERENCE_ROWS:
            o, p, f = score(times, ours)[0], score(times, plain)[0], score(times, floor)[0]
            i, c = score(times, interpreted)[0], score(times, compiled)[0]
            if o is None or p is None:
                continue
            over = lambda x: None if x is None else x - p
            print(f"| {label} | {threads} | {ratio(o, f, 1)} | {ratio(over(o), over(f), 1)} | {ratio(o, c)} | "
                  f"{ratio(over(o), over(c))} | {ratio(o, i)} | {ratio(over(o), over(i))} |")
    if any(gc for _, _, _, gc in steps):
        print()
        side_by_side("Bytes allocated per call (-prof gc, gc.alloc.rate.norm):",
                     [(threads, gc, lambda b, gc=gc: fmt(alloc(gc, b))) for threads, _, _, gc in steps])


def side_by_side(title, per_threads):
    """One row per path and thread count, one column per variant; per_threads: (threads, results, cell of a bench)."""
    print(title)
    print()
    print("| path | threads | plain (body alone) | floor | peer, SpEL interpreted | peer, SpEL compiled | @Idempotent |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for threads, results, value in per_threads:
        for label, *benches in REFERENCE_ROWS:
            if benches[-1] in results:
                print(f"| {label} | {threads} | " + " | ".join(value(b) for b in benches) + " |")


def fingerprint_table():
    """The 1 MiB argument, fingerprinted as for a remote store, against a bare SHA-256 of the same bytes."""
    results = load("fingerprint")
    if not results:
        return
    floor = score(results, "floor_sha256")[0]
    print("A 1 MiB argument fingerprinted as for a store outside the JVM, against SHA-256 of the same bytes "
          "(goal: at most 1.5× the floor):")
    print()
    print("| benchmark | µs/op | × floor | B/op |")
    print("| --- | ---: | ---: | ---: |")
    for bench in ["floor_sha256"] + sorted(b for b in results if b != "floor_sha256"):
        print(f"| {bench} | {cell('fingerprint', results, bench, 1)} | {ratio(score(results, bench)[0], floor)} | "
              f"{fmt(alloc(results, bench))} |")


def throughput_tables(prefix, title, pairs):
    """Ours against the floor's raw commands, per thread count, in calls/s (higher is better)."""
    steps = sorted((int(name[len(prefix) + 2:-5]), name[:-5]) for name in os.listdir(DIR)
                   if name.startswith(prefix + "-t") and name.endswith(".json")) if os.path.isdir(DIR) else []
    if not steps:
        return
    print(title)
    print()
    print("| threads | call | ours, calls/s | reference | reference, calls/s | ours ÷ reference | goal |")
    print("| ---: | --- | ---: | --- | ---: | ---: | --- |")
    for threads, step in steps:
        results = load(step)
        for label, ours, reference, goal in pairs:
            if ours not in results or reference not in results:
                continue
            print(f"| {threads} | {label} | {cell(step, results, ours)} | `{reference}` | "
                  f"{cell(step, results, reference)} | {ratio(score(results, ours)[0], score(results, reference)[0])} "
                  f"| {goal} |")


REDIS_PAIRS = [
    ("first execution", "firstExecution_idempotent", "firstExecution_rawSetNx", "≥ 0.45"),
    ("replay", "replay_idempotent", "replay_rawSetNx", "≥ 0.9"),
    ("replay", "replay_idempotent", "replay_rawGet", ""),
]
JDBC_PAIRS = [
    ("first execution with the business insert", "idempotentInsert", "rawInsert", ""),
    ("the same, in the application's transaction", "idempotentInsertInTransaction", "rawInsert", ""),
    ("first execution, no business write", "idempotentNoWrite", "rawInsert", ""),
    ("replay", "idempotentReplay", "rawSelectByPrimaryKey", "≥ 0.9"),
]


def main_table():
    print("Ours against the plain call, with the overhead's error (main-t1, main-t2; bytes from gc-t1, gc-t2):")
    print()
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
    print("The -prof gc runs (gc-t1, gc-t2), times included:")
    print()
    print("| benchmark | threads | ns/op (with -prof gc) | B/op |")
    print("| --- | ---: | ---: | ---: |")
    for threads in (1, 2):
        gc = load(f"gc-t{threads}")
        for bench in sorted(gc):
            s, e = score(gc, bench)
            print(f"| {bench} | {threads} | {fmt(s, e, 1)} | {fmt(alloc(gc, bench))} |")


def iterations_table():
    print("Each measured iteration (main-t1, main-t2):")
    print()
    print("| benchmark | threads | measured iterations, ns/op | median |")
    print("| --- | ---: | --- | ---: |")
    for threads in (1, 2):
        times = load(f"main-t{threads}")
        for bench in [b for _, *benches in REFERENCE_ROWS for b in benches]:
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
    print("The parts (PartsBenchmark, 1 thread, -prof gc):")
    print()
    print("| benchmark | ns/op | B/op |")
    print("| --- | ---: | ---: |")
    for bench in sorted(parts):
        s, e = score(parts, bench)
        print(f"| {bench} | {fmt(s, e, 1)} | {fmt(alloc(parts, bench))} |")


if __name__ == "__main__":
    reference_tables()
    print()
    fingerprint_table()
    print()
    throughput_tables("redis", "Redis, calls/s (± 99.9% confidence interval), against raw Jedis commands on a pool of "
                      "the same size:", REDIS_PAIRS)
    print()
    throughput_tables("jdbc", "PostgreSQL, calls/s (± 99.9% confidence interval), against raw JDBC on the same pool:",
                      JDBC_PAIRS)
    print()
    main_table()
    print()
    iterations_table()
    print()
    gc_times_table()
    print()
    parts_table()
