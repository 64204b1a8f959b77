#!/usr/bin/env bash
# Paired embedded runs: one fork of A, then one fork of B, repeated, so that a machine whose speed
# drifts over minutes (as shared 2-core machines do) affects both sides of each pair alike.
# Prints each pair's ratio and their median. Needs benchmarks/target/benchmarks.jar (bench.sh
# builds it).
#
#   scripts/bench-paired.sh ROUNDS 'benchA:providerA' 'benchB:providerB'
#   e.g. scripts/bench-paired.sh 3 getHitWithExpiry:kamacache getHit:kamacache
# JAR_A and JAR_B, when set, run each side from its own jar: a change against the build before it.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=$1 a=$2 b=$3
jar=benchmarks/target/benchmarks.jar
jar_a=${JAR_A:-$jar} jar_b=${JAR_B:-$jar}
score() {
  local bench=${1%%:*} provider=${1##*:} jar=$2
  java -jar "$jar" "EmbeddedBenchmark.${bench}\$" -p provider="$provider" -f 1 -wi 2 -w 1 -i 5 -r 1 -rf csv -rff /tmp/paired.csv >/dev/null
  tail -1 /tmp/paired.csv | cut -d, -f5
}
ratios=()
for round in $(seq 1 "$rounds"); do
  sa=$(score "$a" "$jar_a"); sb=$(score "$b" "$jar_b")
  ratio=$(python3 -c "print(f'{$sa/$sb:.3f}')")
  echo "round $round: $a $sa, $b $sb, ratio $ratio"
  ratios+=("$ratio")
done
python3 -c "import statistics,sys; print('median ratio', statistics.median(map(float, sys.argv[1:])))" "${ratios[@]}"
