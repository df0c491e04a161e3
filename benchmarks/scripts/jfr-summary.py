#!/usr/bin/env python3
"""Summarises a JFR recording of a JMH run: where the benchmark threads' CPU samples fall.

Usage: jfr-summary.py PROFILE.jfr [TOP]

Only samples taken inside the measured loop count (a 'jmh-worker' thread's stack through a generated '_jmhStub'
method): set-up and tear-down, such as clearing the previous iteration's store, are left out. Each is put in one
bucket: walking its stack from the leaf towards the root, the
first frame that matches a rule below names the bucket (except the store's buckets, which take every sample
under MemoryStore.claim or MemoryStore.complete) (so a sample inside CanonicalBytes under Fingerprints.of counts as
'fingerprint: canonical form', one inside SHA-256 under it as 'fingerprint: SHA-256'). Also prints the hottest leaf
methods. Needs the JDK's 'jfr' tool on the PATH.
"""
import collections
import re
import subprocess
import sys

# (bucket, regex on "class.method") -- checked in this order for each frame, leaf first
RULES = [
    ("fingerprint: SHA-256", r"^(sun\.security\.provider\.|java\.security\.MessageDigest)"),
    ("fingerprint: base64", r"^java\.util\.Base64"),
    ("fingerprint: canonical form (Fingerprints.of: CanonicalBytes, Jackson for beans)",
     r"^dev\.idempotency\.internal\.(Fingerprints\.of|CanonicalBytes)"),
    ("key expression", r"^dev\.idempotency\.internal\.(MethodPlan\.key|Expression)"),
    ("result decode (Jackson)", r"^dev\.idempotency\.internal\.ResultCodec\.decode"),
    ("aspect: AspectJ join point (a ThreadLocal per call)", r"^org\.aspectj\.runtime\.reflect\.(JoinPointImpl\.<init>|Factory\.makeJP)"),
    ("result encode (Jackson)", r"^dev\.idempotency\.internal\.ResultCodec\.encode"),
    ("owner token", r"^dev\.idempotency\.internal\.OwnerTokens"),
    ("lease keeper hold/drop", r"^dev\.idempotency\.internal\.LeaseKeeper"),
    ("store: other", r"^(dev\.idempotency\.memory\.|com\.github\.benmanes\.caffeine\.)"),
    ("method body", r"^dev\.idempotency\.benchmarks\.TransferService\.execute"),
    ("engine: Call/outcome bookkeeping", r"^dev\.idempotency\.internal\.Call\."),
    ("engine: begin (rest)", r"^dev\.idempotency\.internal\.IdempotencyEngine\.begin"),
    ("engine: execute (rest)", r"^dev\.idempotency\.internal\.IdempotencyEngine\."),
    ("aspect: plan lookup, getArgs, closure", r"^(dev\.idempotency\.aspect\.|org\.aspectj\.)"),
    ("woven method stub", r"^dev\.idempotency\.benchmarks\.TransferService\.(transfer|transferPassthrough)"),
    ("benchmark: fresh request", r"^dev\.idempotency\.benchmarks\.IdempotentCallBenchmark(\$Caller)?\.(next|request)"),
    ("benchmark: fresh request", r"^dev\.idempotency\.benchmarks\.PartsBenchmark\.nextRequest"),
]
# buckets that take a whole sample when any frame of it matches, whatever lies above (Caffeine's internals included)
ANYWHERE = [
    ("store: claim (MemoryStore.claim, Caffeine compute)", r"^dev\.idempotency\.memory\.MemoryStore\.claim$"),
    ("store: complete (MemoryStore.complete, Caffeine computeIfPresent)",
     r"^dev\.idempotency\.memory\.MemoryStore\.complete$"),
]
COMPILED_ANYWHERE = [(bucket, re.compile(rx)) for bucket, rx in ANYWHERE]
COMPILED = [(bucket, re.compile(rx)) for bucket, rx in RULES]
FRAME = re.compile(r"^\s+([\w$.<>/]+)\(")


def samples(path, others):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "128", path],
                         check=True, capture_output=True, text=True).stdout
    for block in out.split("jdk.ExecutionSample {")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        name = thread.group(1) if thread else "?"
        frames = [m.group(1) for m in (FRAME.match(line) for line in block.splitlines()) if m]
        if "jmh-worker" in name and any("_jmhStub" in f for f in frames):
            yield frames
        else:
            others[re.sub(r"-\d+$", "-N", name)] += 1


def bucket_of(frames):
    for bucket, rx in COMPILED_ANYWHERE:
        if any(rx.search(frame) for frame in frames):
            return bucket
    for frame in frames:
        for bucket, rx in COMPILED:
            if rx.search(frame):
                return bucket
    return "harness / other"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    buckets = collections.Counter()
    leaves = collections.Counter()
    total = 0
    others = collections.Counter()
    for frames in samples(path, others):
        total += 1
        buckets[bucket_of(frames)] += 1
        leaves[frames[0]] += 1
    print(f"{total} CPU samples of the benchmark threads in the measured loop, in {path}")
    print("samples outside it, by thread: " + ", ".join(f"{t} {n}" for t, n in others.most_common(6)))
    print()
    print("| where | samples | share |")
    print("| --- | ---: | ---: |")
    for bucket, n in buckets.most_common():
        print(f"| {bucket} | {n} | {100.0 * n / total:.1f}% |")
    print()
    print(f"hottest leaf methods (top {top}):")
    for frame, n in leaves.most_common(top):
        print(f"  {100.0 * n / total:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
