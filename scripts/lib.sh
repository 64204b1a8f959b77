# Shared by the project's scripts: installing what they need, and free loopback ports.

# Installs Debian's etcd-server when etcd is missing, or says what to do.
ensure_etcd() {
  if command -v etcd >/dev/null 2>&1 || [ -n "${ETCD_BIN:-}" ]; then
    return
  fi
  install_packages etcd-server
}

ensure_openssl() {
  command -v openssl >/dev/null 2>&1 || install_packages openssl
}

install_packages() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing: $* (no apt-get here: install it yourself, e.g. etcd 3.4+ on PATH or ETCD_BIN=/path/to/etcd)" >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "missing: $* (apt-get needs root: run 'apt-get install -y $*' as root)" >&2
      exit 1
    fi
  fi
  echo "installing $* with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || java_free_port
}

java_free_port() {
  local dir; dir=$(mktemp -d)
  cat > "$dir/P.java" <<'JAVA'
public class P { public static void main(String[] a) throws Exception {
  try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) { System.out.println(s.getLocalPort()); } } }
JAVA
  java "$dir/P.java"; rm -rf "$dir"
}

wait_for_etcd() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/${1##*:}") 2>/dev/null; then
      exec 3>&- 3<&-
      sleep 0.2
      return
    fi
    sleep 0.1
  done
  echo "etcd did not start" >&2
  exit 1
}
