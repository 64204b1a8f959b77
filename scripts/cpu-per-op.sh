#!/usr/bin/env bash
# CPU time and context switches per remote operation, all processes of the topology counted: the
# member JVMs, the benchmark JVM (itself a member for KamaCache) and etcd. Runs the topology idle
# first and subtracts that, then one fork of the latency benchmark, sampling /proc over a window of
# its measurement. Operations are the window over the mean latency of its one sequential caller.
# Needs benchmarks/target/benchmarks.jar (bench.sh builds it); Linux only.
#
#   scripts/cpu-per-op.sh SYSTEM BENCHMARK [WINDOW_SECONDS]
#   e.g. scripts/cpu-per-op.sh kamacache remotePutLatency
#        scripts/cpu-per-op.sh hazelcast remoteGetLatency 20
set -euo pipefail
cd "$(dirname "$0")/.."
system=$1 bench=$2 window=${3:-20}
jar=benchmarks/target/benchmarks.jar
out=$(mktemp -d)
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$out"
}
trap cleanup EXIT

# "cpu-ticks context-switches" summed over the topology's processes (not the JMH host JVM).
sample() {
  local ticks=0 switches=0 pid
  for pid in $(pgrep -f 'MemberMain|ForkedMain|IdleCluster' || true) $(pgrep -x etcd || true); do
    [ -r "/proc/$pid/stat" ] || continue
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    switches=$((switches + $(cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}')))
  done
  echo "$ticks $switches"
}

# Waits for a line in a file written by a process still running.
await_line() {
  local file=$1 pattern=$2 pid=$3
  until grep -q "$pattern" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$file" >&2; echo "the process ended before '$pattern'" >&2; exit 1; }
    sleep 0.5
  done
}

echo "idle: starting the $system topology" >&2
java -Xmx1g -cp "$jar" io.kamacache.benchmarks.remote.IdleCluster "$system" $((window + 30)) >"$out/idle.log" 2>&1 &
started+=($!)
await_line "$out/idle.log" READY "$!"
sleep 10 # past the start's own work: registrations, first sweeps
read -r idle_ticks0 idle_sw0 <<<"$(sample)"
sleep "$window"
read -r idle_ticks1 idle_sw1 <<<"$(sample)"
wait "${started[0]}" || true

echo "measuring: $bench on $system" >&2
java -jar "$jar" "RemoteBenchmark.${bench}\$" -p system="$system" -f 1 -wi 4 -w 10 -i 5 -r 6 >"$out/jmh.log" 2>&1 &
jmh=$!
started+=("$jmh")
await_line "$out/jmh.log" '^Iteration   1:' "$jmh"
sleep 1
read -r ticks0 sw0 <<<"$(sample)"
sleep "$window"
read -r ticks1 sw1 <<<"$(sample)"
wait "$jmh"
mean=$(awk -v b="RemoteBenchmark.${bench}" '$1 == b {print $5}' "$out/jmh.log")
p50=$(awk -v b="RemoteBenchmark.${bench}:p0.50" '$1 == b {print $4}' "$out/jmh.log")
[ -n "$mean" ] || { cat "$out/jmh.log" >&2; echo "no mean latency in the JMH output" >&2; exit 1; }

hz=$(getconf CLK_TCK)
python3 - "$system" "$bench" "$window" "$hz" "$mean" "${p50:-?}" \
  "$idle_ticks0" "$idle_ticks1" "$idle_sw0" "$idle_sw1" "$ticks0" "$ticks1" "$sw0" "$sw1" <<'EOF'
import sys
system, bench, window, hz, mean, p50 = sys.argv[1:7]
it0, it1, isw0, isw1, t0, t1, sw0, sw1 = map(int, sys.argv[7:])
window, hz, mean = float(window), float(hz), float(mean)
ops = window / (mean * 1e-6)
idle_cpu = (it1 - it0) / hz
cpu = (t1 - t0) / hz - idle_cpu
switches = (sw1 - sw0) - (isw1 - isw0)
print(f"{system} {bench}: p50 {p50} µs, mean {mean:.1f} µs, about {ops:,.0f} operations in {window:.0f} s")
print(f"  idle: {idle_cpu:.2f} s of CPU and {isw1 - isw0:,} context switches in {window:.0f} s")
print(f"  per operation, idle subtracted: {cpu / ops * 1e6:.0f} µs of CPU, {switches / ops:.1f} context switches")
EOF
