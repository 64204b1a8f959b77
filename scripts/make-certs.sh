#!/usr/bin/env bash
# Makes a CA and the certificates of a KamaCache cluster with openssl, for mutual TLS between
# members and clients (see docs/security.md).
#
#   scripts/make-certs.sh DIR [--days N] [--member ID[:HOST,...]]... [--client ID]... [--admin ID]...
#
# DIR/ca.crt and DIR/ca.key are made once and reused. Each member gets DIR/ID.crt and DIR/ID.key
# (PKCS#8) with subject OU=kamacache-member/CN=ID and the host names or IP addresses given (always
# 127.0.0.1 and localhost too) as subject alternative names; each client gets OU=kamacache-client,
# and each admin (an operator, for the CLI's drain) OU=kamacache-admin.
# The CN is the member's id: leave kamacache.member.id unset, or set it to the same.
# For a test cluster:  scripts/make-certs.sh /tmp/certs --member m1 --member m2 --client app
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n 2,13p "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
dir=$1; shift
days=365
members=(); clients=(); admins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --days) days=${2:?--days needs a number}; shift 2 ;;
    --member) members+=("${2:?--member needs an id}"); shift 2 ;;
    --client) clients+=("${2:?--client needs an id}"); shift 2 ;;
    --admin) admins+=("${2:?--admin needs an id}"); shift 2 ;;
    *) usage ;;
  esac
done
ensure_openssl
mkdir -p "$dir"
cd "$dir"
umask 077 # private keys are for their owner only

if [ ! -f ca.crt ] || [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days "$days" \
    -subj "/CN=kamacache-ca" 2>/dev/null
fi

# sign ID UNIT SAN
sign() {
  local id=$1 unit=$2 san=$3
  case "$id" in *[!A-Za-z0-9._-]*|'') echo "make-certs: '$id' is not an id (letters, digits, '.', '_', '-')" >&2; exit 2 ;; esac
  openssl req -newkey rsa:2048 -nodes -keyout "$id.key" -out "$id.csr" -subj "/OU=$unit/CN=$id" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" > "$id.ext"
  openssl x509 -req -in "$id.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$id.crt" -days "$days" \
    -extfile "$id.ext" 2>/dev/null
  rm -f "$id.csr" "$id.ext"
  echo "$dir/$id.crt ($unit)"
}

for spec in "${members[@]}"; do
  id=${spec%%:*}
  san="IP:127.0.0.1,DNS:localhost"
  if [ "$spec" != "$id" ]; then
    IFS=, read -ra hosts <<< "${spec#*:}"
    for host in "${hosts[@]}"; do
      if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then san="$san,IP:$host"; else san="$san,DNS:$host"; fi
    done
  fi
  sign "$id" kamacache-member "$san"
done
for id in "${clients[@]}"; do
  sign "$id" kamacache-client "DNS:localhost"
done
for id in "${admins[@]}"; do
  sign "$id" kamacache-admin "DNS:localhost"
done
chmod 644 ca.crt ./*.crt 2>/dev/null || true
