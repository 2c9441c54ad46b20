# bench/registry.sh: sourced by the bench scripts that need a registry. bench_registry DIR
# starts Debian's docker-registry on a free port of 127.0.0.1, storing under DIR/reg, and
# waits until it answers; it sets REG (HOST:PORT) and reg_pid (the caller kills it on exit).
bench_registry() {
  local dir=$1 port i
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  REG=127.0.0.1:$port
  printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
    "$dir/reg" "$REG" >"$dir/reg.yml"
  timeout 3600 docker-registry serve "$dir/reg.yml" >"$dir/reg.log" 2>&1 </dev/null &
  reg_pid=$!
  for ((i = 0; i < 100; i++)); do curl -fs "http://$REG/v2/" >/dev/null && return 0; sleep 0.1; done
  echo "bench: the registry did not answer on $REG: $(cat "$dir/reg.log")" >&2
  return 1
}
