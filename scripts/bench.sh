#!/usr/bin/env bash
# Runs every benchmark of docs/performance.md in one go and redraws its tables and charts:
# the embedded JMH scenarios (KamaCache, Caffeine, Ehcache 3, Hazelcast, cache2k, ConcurrentHashMap),
# the distributed ones (three member JVMs plus this one, for KamaCache and Hazelcast, and a raw
# gRPC echo), and the hit-ratio simulator. Results go to benchmarks/results, charts to docs/images.
#
#   ./scripts/bench.sh            the full run: 3 forks each (about 45 minutes on 2 cores)
#   FORKS=1 ./scripts/bench.sh    a quicker look, not good enough for the ratios
#
# Run it on an otherwise idle machine: the numbers are only comparable within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_etcd

forks=${FORKS:-3}
results=benchmarks/results
mkdir -p "$results"
mvn -B -ntp -q -DskipTests -pl benchmarks -am package
jar=benchmarks/target/benchmarks.jar

rm -f "$results/bounds.csv"
# Prepend, not append: -jvmArgsAppend would replace the benchmark's own heap flags (@Fork), and
# runs until 2026-12-07 measured on the default heap while the paired runs used 2 GB.
java -jar "$jar" 'EmbeddedBenchmark' -f "$forks" -wi 2 -w 1 -i 5 -r 1 -prof gc \
  -jvmArgsPrepend "-Dkamacache.bench.bounds=$PWD/$results/bounds.csv" \
  -rf json -rff "$results/embedded.json" | tee "$results/embedded.txt"

java -jar "$jar" 'RemoteBenchmark' -f "$forks" -wi 2 -w 10 -i 3 -r 5 \
  -rf json -rff "$results/remote.json" | tee "$results/remote.txt"

traces=${KAMACACHE_TRACES:-../shared/traces}
java -Dkamacache.results="$results" -cp "$jar" io.kamacache.benchmarks.simulator.HitRatioSimulator "$traces" \
  | tee "$results/hit-ratio.txt"

java -cp "$jar" io.kamacache.benchmarks.report.Report "$results" docs/images
