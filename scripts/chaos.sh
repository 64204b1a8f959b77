#!/usr/bin/env bash
# Runs the fault-injection suite on real processes: every scenario N times with different seeds,
# then a table. Failing runs keep their histories, member logs and report.txt in a directory the
# runner prints. Exits non-zero if any run found a linearizability violation, an undecided key, a
# lost acknowledged write or a never-written value, or could not finish.
#
#   scripts/chaos.sh [--runs N] [--scenarios kill-owner,pause-member,...] [--seed S] [--short]
#                    [--out DIR] [--no-build] [--workers N] [--keys K] [--think-ms MS] [--keep-all]
#
# Scenarios: kill-owner pause-member etcd-outage partition leave-join rolling-restart.
# The partition scenario makes Linux network namespaces, so the suite runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

build=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --short|--keep-all) args+=("$1") ;;
    --runs|--scenarios|--seed|--out|--workers|--keys|--think-ms)
      [ $# -ge 2 ] || { echo "chaos.sh: $1 needs a value" >&2; exit 2; }
      args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chaos.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

command -v java >/dev/null 2>&1 || install_packages openjdk-17-jdk-headless
ensure_etcd
command -v ip >/dev/null 2>&1 || install_packages iproute2

if [ "$build" = 1 ]; then
  command -v mvn >/dev/null 2>&1 || install_packages maven
  # Only what the suite runs: the provider's tests are slow and not the point here.
  mvn -B -ntp -q -pl chaos -am package -DskipTests
fi
if [ ! -f chaos/target/classpath.txt ] || [ ! -d chaos/target/classes ]; then
  echo "chaos.sh: chaos/target is not built; run without --no-build" >&2
  exit 1
fi

# The runner's JVM reads histories and checks them; the members get their own -Xmx.
exec java -Xmx1g -cp "chaos/target/classes:$(cat chaos/target/classpath.txt)" \
  io.kamacache.chaos.harness.ChaosRunner ${args[@]+"${args[@]}"}
