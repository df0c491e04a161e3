#!/usr/bin/env python3
"""Logs, every INTERVAL seconds, how busy the machine's CPUs were and how much of that was NOT the benchmark JVMs.

Usage: cpu-monitor.py LOGFILE [INTERVAL [ROOT_PID]]
Runs until killed. The benchmark is ROOT_PID and every process below it (run-benchmarks.sh passes its own pid, so the
JMH host JVM and its forks count, and nothing else does: not another benchmark run by someone else). Without
ROOT_PID, nothing counts as the benchmark, which is what waiting for a quiet machine wants.
Each line: time, load average, busy cores, cores used by the benchmark JVMs, cores used by everything else, and the
most active other process. A run is disturbed when 'other' stays well above zero (say 0.2 cores or more).
"""
import os
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def total_busy():
    """CPU ticks spent running something in this machine: user, nice, system, irq, softirq (not idle, iowait, nor
    steal: time the hypervisor gave to someone else, which shows up when the benchmark JVM first touches its heap)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return sum(fields[0:3]) + fields[5] + fields[6]


def processes():
    result = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        after = stat.rsplit(")", 1)[1].split()
        ticks = int(after[11]) + int(after[12])  # utime + stime
        result[pid] = (ticks, cmd, after[1])  # after[1]: the parent's pid
    return result


def main():
    log = open(sys.argv[1], "a", buffering=1)
    interval = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    root = sys.argv[3] if len(sys.argv) > 3 else None
    me = str(os.getpid())
    busy, procs, t = total_busy(), processes(), time.time()
    while True:
        time.sleep(interval)
        busy2, procs2, t2 = total_busy(), processes(), time.time()
        seconds = t2 - t
        cores = (busy2 - busy) / HZ / seconds
        bench = 0.0
        top = (0.0, "")
        def under_root(pid):
            seen = 0
            while pid and pid != "0" and seen < 64:
                if pid == root:
                    return True
                pid = procs2.get(pid, (0, "", None))[2]
                seen += 1
            return False

        for pid, (ticks, cmd, _) in procs2.items():
            used = (ticks - procs.get(pid, (0, "", None))[0]) / HZ / seconds  # a new process: all its ticks
            if pid == me:
                continue  # the monitor itself
            if root is not None and under_root(pid):
                bench += used
            elif used > top[0]:
                top = (used, cmd[:90])
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        other = max(0.0, cores - bench)
        log.write(f"{time.strftime('%H:%M:%S')} load {load} busy {cores:.2f} bench {bench:.2f} "
                  f"other {other:.2f} top-other {top[0]:.2f} {top[1]}\n")
        busy, procs, t = busy2, procs2, t2


if __name__ == "__main__":
    main()
