#!/usr/bin/env bash
# Runs the benchmark suite that docs/benchmarks.md reports, and prints its tables (scripts/results-table.py; also kept
# in results/tables.md). Every table carries its reference rows from the same run: the floor (the least the job can
# cost) and the peer (what the Spring Boot idempotency starters do); see docs/benchmarks.md. Each benchmark of each step is its own JMH invocation, so
# that a disturbance costs one short rerun, not a whole step. For step S and benchmark B it keeps
#   results/S/B.txt       JMH's output
#   results/S/B.json      JMH's JSON results (all of a step's are merged into results/S.json)
#   results/S/B.cpu.txt   how busy the machine was, every 2 s (scripts/cpu-monitor.py)
#   results/S/B.attempts  how each attempt went
# and, for the profiling steps, results/jfr/S/.../profile.jfr and results/S.summary.txt (scripts/jfr-summary.py).
#
# Before each attempt it waits (up to QUIET_WAIT seconds, default 120) for the machine to be quiet, i.e. for processes
# other than this script's to use less than 0.15 of a core over 10 s, and for any other JMH run to end (JMH runs one
# instance at a time per machine). An attempt is disturbed when, while it ran, other processes averaged 0.1 of a core
# or more, or took 0.5 of a core or more in any 2 s; it is then run again (ATTEMPTS, default 3), and the least
# disturbed attempt is kept, marked DISTURBED if even that one was.
#
# Usage: benchmarks/run-benchmarks.sh [--redis] [--jdbc] [STEP...]   (build the jar first, see docs/benchmarks.md)
#   no STEP: the in-memory suite, ours with its floor and peer at 1 and 2 threads, timed (main-t1, main-t2) and with
#   -prof gc for bytes per call (gc-t1, gc-t2); the 1 MiB fingerprint against a bare SHA-256 (fingerprint); the parts
#   (parts) and the CPU profiles (profile-*). --redis adds redis-t1 and redis-t8 (RedisCallBenchmark: ours against raw
#   SET NX and GET; REDIS_HOST, REDIS_PORT), --jdbc adds jdbc-t1 and jdbc-t4 (JdbcStoreBenchmark: ours against a raw
#   INSERT and a raw SELECT by primary key; POSTGRES_URL, a JDBC URL). Steps: main-t1 main-t2 gc-t1 gc-t2 fingerprint
#   parts profile-replay profile-first profile-fullstore redis-tN jdbc-tN (N: JMH's -t).
# JMH_COMMON replaces the common JMH options below, e.g. JMH_COMMON="-f 1 -wi 1 -w 100ms -i 1 -r 100ms" for a smoke run;
# ONLY, a regular expression, keeps the benchmarks whose names it matches whole, e.g. ONLY='replay_.*' to rerun some
# (a step's merged JSON then holds the new results and the kept earlier ones of the step's other benchmarks).
set -euo pipefail
cd "$(dirname "$0")"

JAR=target/benchmarks.jar
OUT=${OUT:-results}
QUIET_WAIT=${QUIET_WAIT:-120}
read -r -a COMMON <<< "${JMH_COMMON:--f 1 -wi 5 -w 1s -i 5 -r 1s}"
PKG=dev.idempotency.benchmarks
# ours, the plain call (the body alone), the floor and the peer: one JMH invocation (and fork) each, the same jar
MAIN=(firstExecution_plain firstExecution_floor firstExecution_peer_spelInterpreted firstExecution_peer_spelCompiled
  firstExecution_idempotent firstExecution_idempotent_fullStore
  replay_plain replay_floor replay_peer_spelInterpreted replay_peer_spelCompiled replay_idempotent)

[[ -f $JAR ]] || { echo "no $JAR: build it first: mvn -B -o -f benchmarks/pom.xml package" >&2; exit 1; }
mkdir -p "$OUT"

wait_quiet() {
  local log deadline other pid
  log=$(mktemp)
  deadline=$((SECONDS + QUIET_WAIT))
  while true; do
    python3 scripts/cpu-monitor.py "$log" 10 & pid=$!
    sleep 10.5; kill "$pid"; wait "$pid" 2>/dev/null || true
    other=$(awk '{for (i = 1; i <= NF; i++) if ($i == "other") v = $(i + 1)} END {print v + 0}' "$log")
    : > "$log"
    if awk -v o="$other" 'BEGIN {exit !(o < 0.15)}' && ! pgrep -f 'org.openjdk.jmh.runner.ForkedMain' > /dev/null; then
      break
    fi
    if ((SECONDS >= deadline)); then
      echo "  machine still busy (other processes: $other cores); running anyway" >&2
      break
    fi
  done
  rm -f "$log"
}

# One attempt: prints the average and the peak CPU (in cores) that other processes took while it ran.
attempt() {
  local base=$1; shift
  local monitor
  wait_quiet
  : > "$base.cpu.txt"
  python3 scripts/cpu-monitor.py "$base.cpu.txt" 2 "$$" & monitor=$!
  until java -jar "$JAR" "$@" "${COMMON[@]}" -rf json -rff "$base.json" > "$base.txt" 2>&1; do
    if ! grep -q 'Unable to acquire the JMH lock' "$base.txt"; then
      kill "$monitor"; echo "   FAILED, see $base.txt" >&2; return 1
    fi
    echo "  another JMH run holds the JMH lock; waiting for it" >&2   # never -Djmh.ignoreLock
    sleep 20
    wait_quiet
    : > "$base.cpu.txt"
  done
  kill "$monitor"; wait "$monitor" 2>/dev/null || true
  awk '{for (i = 1; i <= NF; i++) if ($i == "other") {s += $(i + 1); n++; if ($(i + 1) > m) m = $(i + 1)}}
    END {printf "%.2f %.2f\n", n ? s / n : 0, m}' "$base.cpu.txt"
}

# run STEP NAME JMH-ARGS...: one benchmark, retried while disturbed; keeps the least disturbed attempt.
run() {
  local step=$1 name=$2; shift 2
  local dir="$OUT/$step" attempts=${ATTEMPTS:-3} best="" best_other=99 best_peak=99 n tried=0 other peak
  mkdir -p "$dir"
  local args=("${@//@JFR@/$OUT/jfr/$step.try}")
  : > "$dir/$name.attempts"
  for ((n = 1; n <= attempts; n++)); do
    read -r other peak < <(attempt "$dir/$name.try$n" "${args[@]//.try/.try$n}") || return 1
    tried=$n
    echo "attempt $n: other processes averaged $other cores, peak $peak" >> "$dir/$name.attempts"
    if awk -v o="$other" -v b="$best_other" 'BEGIN {exit !(o < b)}'; then
      best=$n; best_other=$other; best_peak=$peak
    fi
    awk -v o="$other" -v p="$peak" 'BEGIN {exit !(o < 0.1 && p < 0.5)}' && break
  done
  for ext in txt json cpu.txt; do
    mv "$dir/$name.try$best.$ext" "$dir/$name.$ext"
  done
  rm -f "$dir/$name".try*.*
  if [[ -d "$OUT/jfr/$step.try$best" ]]; then
    rm -rf "${OUT:?}/jfr/$step"
    mv "$OUT/jfr/$step.try$best" "$OUT/jfr/$step"
    rm -rf "${OUT:?}/jfr/$step".try*
  fi
  local verdict
  verdict=$(awk -v o="$best_other" -v p="$best_peak" 'BEGIN {if (o >= 0.1 || p >= 0.5) printf "  DISTURBED"}')
  echo "kept attempt $best$verdict" >> "$dir/$name.attempts"
  printf '   %-38s %24s  (attempt %s of %s; other processes: %s cores on average, peak %s)%s\n' "$name" \
    "$(python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))[0]["primaryMetric"]
print("%.1f ± %.1f %s" % (m["score"], float(m["scoreError"]), m["scoreUnit"]))' "$dir/$name.json")" \
    "$best" "$tried" "$best_other" "$best_peak" "$verdict"
}

merge() {
  python3 - "$OUT/$1" <<'PY'
import glob, json, sys
merged = []
for path in sorted(glob.glob(sys.argv[1] + "/*.json")):
    with open(path) as f:
        merged.extend(json.load(f))
with open(sys.argv[1] + ".json", "w") as f:
    json.dump(merged, f, indent=2)
PY
}

main_step() {
  local step=$1; shift
  echo "== $step: java -jar $JAR $PKG.IdempotentCallBenchmark.<benchmark>\$ $* ${COMMON[*]}"
  for b in "${MAIN[@]}"; do
    [[ $b =~ ^(${ONLY:-.*})$ ]] || continue
    run "$step" "$b" "$PKG.IdempotentCallBenchmark.$b\$" "$@"
  done
  merge "$step"
}

# list_step STEP CLASS JMH-ARGS...: every benchmark of CLASS, one invocation each
list_step() {
  local step=$1 class=$2; shift 2
  local list
  list=$(java -jar "$JAR" -l "$PKG.$class\." | grep "$class\." | sed "s/.*$class\.//")
  echo "== $step: java -jar $JAR $PKG.$class.<benchmark>\$ $* ${COMMON[*]}"
  for b in $list; do
    [[ $b =~ ^(${ONLY:-.*})$ ]] || continue
    run "$step" "$b" "$PKG.$class.$b\$" "$@"
  done
  merge "$step"
}

profile_step() {
  local step=$1 name=$2
  echo "== $step: java -jar $JAR $PKG.IdempotentCallBenchmark.$name\$ -t 1 -prof jfr:dir=...;configName=scripts/cpu-sampling.jfc ${COMMON[*]}"
  run "$step" "$name" "$PKG.IdempotentCallBenchmark.$name\$" -t 1 \
    -prof "jfr:dir=@JFR@;configName=$PWD/scripts/cpu-sampling.jfc"
  python3 scripts/jfr-summary.py "$OUT/jfr/$step/$PKG.IdempotentCallBenchmark.$name-AverageTime/profile.jfr" 25 \
    > "$OUT/$step.summary.txt"
  sed 's/^/   /' "$OUT/$step.summary.txt"
}

STEPS=()
EXTRA=()
for arg in "$@"; do
  case $arg in
    --redis) EXTRA+=(redis-t1 redis-t8) ;;
    --jdbc) EXTRA+=(jdbc-t1 jdbc-t4) ;;
    *) STEPS+=("$arg") ;;
  esac
done
((${#STEPS[@]})) || STEPS=(main-t1 main-t2 gc-t1 gc-t2 fingerprint parts profile-replay profile-first profile-fullstore)
STEPS+=("${EXTRA[@]}")
POSTGRES=()
[[ -n ${POSTGRES_URL:-} ]] && POSTGRES=(-jvmArgsAppend "-Didempotency.bench.postgres=$POSTGRES_URL")
for step in "${STEPS[@]}"; do
  case $step in
    main-t1) main_step "$step" -t 1 ;;
    main-t2) main_step "$step" -t 2 ;;
    gc-t1) main_step "$step" -t 1 -prof gc ;;
    gc-t2) main_step "$step" -t 2 -prof gc ;;
    parts) list_step parts PartsBenchmark -t 1 -prof gc ;;
    fingerprint) list_step fingerprint FingerprintBenchmark -t 1 -prof gc ;;
    redis-t[0-9]*) list_step "$step" redis.RedisCallBenchmark -t "${step#redis-t}" -prof gc \
      -p host="${REDIS_HOST:-127.0.0.1}" -p port="${REDIS_PORT:-6379}" ;;
    jdbc-t[0-9]*) list_step "$step" jdbc.JdbcStoreBenchmark -t "${step#jdbc-t}" -prof gc "${POSTGRES[@]}" ;;
    profile-replay) profile_step "$step" replay_idempotent ;;
    profile-first) profile_step "$step" firstExecution_idempotent ;;
    profile-fullstore) profile_step "$step" firstExecution_idempotent_fullStore ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done

echo
python3 scripts/results-table.py "$OUT" | tee "$OUT/tables.md"
echo "(the tables above are kept in benchmarks/$OUT/tables.md)"
