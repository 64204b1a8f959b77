#!/usr/bin/env bash
# The cluster demo: builds KamaCache, starts etcd and three members on loopback, runs the
# javax.cache demo against them as a client, and stops everything again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_etcd
mvn -B -ntp -q -DskipTests package

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

client_port=$(free_port)
peer_port=$(free_port)
etcd --name demo --data-dir "$work/etcd" --logger=zap --log-outputs="$work/etcd.log" \
  --listen-client-urls "http://127.0.0.1:$client_port" --advertise-client-urls "http://127.0.0.1:$client_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "demo=http://127.0.0.1:$peer_port" --initial-cluster-state new >/dev/null 2>&1 &
pids+=($!)
wait_for_etcd "http://127.0.0.1:$client_port"
echo "etcd on 127.0.0.1:$client_port"

settings() { # id role
  cat > "$work/$1.properties" <<PROPS
kamacache.etcd.endpoints=http://127.0.0.1:$client_port
kamacache.cluster.name=demo
kamacache.member.id=$1
kamacache.member.role=$2
kamacache.bind.host=127.0.0.1
kamacache.lease.ttl-seconds=5
PROPS
}

classpath="member/target/kamacache-member.jar:examples/target/kamacache-examples-0.1.0-SNAPSHOT.jar"
for id in member-1 member-2 member-3; do
  settings "$id" member
  java -Dkamacache.demo.member="$id" -cp "$classpath" io.kamacache.member.MemberMain "$work/$id.properties" > "$work/$id.log" 2>&1 &
  pids+=($!)
done
for id in member-1 member-2 member-3; do
  for _ in $(seq 1 300); do grep -q "serving at" "$work/$id.log" && break; sleep 0.1; done
  grep "serving at" "$work/$id.log" || { cat "$work/$id.log"; exit 1; }
done

settings demo-client client
java -cp "$classpath" io.kamacache.examples.ClusterDemo "$work/demo-client.properties"
echo "stopping the members and etcd"
