# registry.bash: a real registry (Debian's docker-registry) and the python3 fake
# (registry-fake.py) for the .bats files that need one: each on 127.0.0.1 and a free port,
# bounded in time (timeout), stopped with stop_pid by the test file that started it.

REG_TOOL=${REG_TOOL:-$BUILD/tests/unit/image/hull-registry-tool}
FAKE=${FAKE:-$BATS_TEST_DIRNAME/registry-fake.py}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_registry DIR [HTPASSWD [CERT KEY]]: docker-registry on 127.0.0.1:$REG_PORT storing in
# DIR (with TLS when CERT is given); sets REG_PID (the `timeout` wrapping it: the registry
# lives at most 10 minutes). Its log, DIR/registry.log, has errors only, or with
# REG_LOG_LEVEL=info a line per request ("response completed", method, URI, status).
start_registry() {
  local dir=$1 htpasswd=${2:-} cert=${3:-} key=${4:-} i ping=(--plain-http)
  mkdir -p "$dir/store"
  REG_PORT=$(free_port)
  {
    printf 'version: 0.1\nlog:\n  level: %s\nstorage:\n  filesystem:\n    rootdirectory: %s\n' "${REG_LOG_LEVEL:-error}" "$dir/store"
    printf 'http:\n  addr: 127.0.0.1:%s\n' "$REG_PORT"
    if [ -n "$cert" ]; then
      printf '  tls:\n    certificate: %s\n    key: %s\n' "$cert" "$key"
    fi
    if [ -n "$htpasswd" ]; then
      printf 'auth:\n  htpasswd:\n    realm: hull-test\n    path: %s\n' "$htpasswd"
    fi
  } >"$dir/config.yml"
  [ -z "$cert" ] || ping=(--ca-file "$cert")
  timeout 600 docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null 3>&- &
  REG_PID=$!
  for ((i = 0; i < 100; i++)); do
    timeout 5 "$REG_TOOL" "${ping[@]}" ping "127.0.0.1:$REG_PORT" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "docker-registry did not come up: $(cat "$dir/registry.log")" >&2
  return 1
}

stop_pid() {
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_fake AUTH: the fake on $FAKE_PORT, logging to $W/fake.log (it ends itself after 60 s).
start_fake() {
  local i
  timeout 90 python3 "$FAKE" "$1" "$W/fake.port" "$W/fake.log" 60 </dev/null 3>&- &
  FAKE_PID=$!
  for ((i = 0; i < 100; i++)); do
    [ -s "$W/fake.port" ] && break
    sleep 0.05
  done
  FAKE_PORT=$(cat "$W/fake.port")
  FAKE_HOST=127.0.0.1:$FAKE_PORT
}

