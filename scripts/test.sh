#!/usr/bin/env bash
# Installs what the tests need and runs every test: unit tests, the JSR-107 TCK and the
# Hibernate and Spring integration tests, the cluster tests against real etcd processes, and a
# short run of every fault-injection scenario. This is the README's test command, and CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "test.sh: '$1' is required but not installed: $2" >&2; exit 1; }
}
need java "install a JDK 17 or newer"
need mvn "install Apache Maven 3.8.7 or newer"

# The cluster tests start real etcd processes and make TLS certificates with openssl; the
# fault-injection suite's partition scenario cuts links in network namespaces with iproute2.
source scripts/lib.sh
ensure_etcd
ensure_openssl
command -v ip >/dev/null 2>&1 || install_packages iproute2

# -ntp keeps download progress out of the log; the build pins every version it uses.
exec mvn -B -ntp verify "$@"
