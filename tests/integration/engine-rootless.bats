#!/usr/bin/env bats
# The engine run by an unprivileged user (made here, with /etc/subuid and /etc/subgid ranges):
# its store under $XDG_DATA_HOME/hull, its run-time state under $XDG_RUNTIME_DIR/hull, a user
# namespace with container root mapped to the user and the rest to its subordinate ranges, a
# copied rootfs (no overlay mount), and a private network namespace with loopback only.

load helpers

HULL=${HULL:-$BUILD/src/hull/hull}
RL_USER=hull-rootless

setup_file() {
  if ! id "$RL_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RL_USER" 3>&-
  fi
  grep -q "^$RL_USER:" /etc/subuid 2>/dev/null || usermod --add-subuids 400000-465535 "$RL_USER" 3>&-
  grep -q "^$RL_USER:" /etc/subgid 2>/dev/null || usermod --add-subgids 400000-465535 "$RL_USER" 3>&-
}

setup() {
  [ -x "$HULL" ] || fail "HULL=$HULL is not an executable; build hull first"
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
  RL_SUBUID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
  # everything the user touches lives outside bats' private (0700) directories
  RL_DIR=$(mktemp -d /tmp/hull-engine-rootless.XXXXXX)
  chmod 755 "$RL_DIR"
  mkdir -m 700 "$RL_DIR/run" "$RL_DIR/home"
  mkdir "$RL_DIR/vol"
  chown "$RL_UID:$RL_GID" "$RL_DIR/run" "$RL_DIR/home" "$RL_DIR/vol"
  tar -C "$ROOTFS_SRC" --numeric-owner -cf "$RL_DIR/busybox.tar" .
  chmod 644 "$RL_DIR/busybox.tar"
  run -0 uh import --change 'CMD=["/bin/sh"]' "$RL_DIR/busybox.tar" busybox
}

teardown() {
  uh rm -af >/dev/null 2>&1 || true
  local left
  left=$(pgrep -u "$RL_UID" -f hull || true)
  [ -z "$left" ] || { kill -9 $left 2>/dev/null || true; }
  left=$(ls -A "$RL_DIR/home/.local/share/hull/containers" 2>/dev/null || true)
  rm -rf "$RL_DIR"
  [ -z "$left" ] || fail "container directories left: $left"
}

# uh ARGS...: hull as the test user, in a clean environment of its own
uh() {
  setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$RL_DIR/run" HOME="$RL_DIR/home" \
    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} "$HULL" "$@" 3>&-
}

@test "engine rootless: container root is the user, the rest its subordinate range" {
  run -0 uh run --rm busybox sh -c 'id -u; cat /proc/self/uid_map'
  [ "${lines[0]}" = 0 ]
  [[ $output =~ [[:space:]]0[[:space:]]+$RL_UID[[:space:]]+1 ]] || fail "uid_map: $output"
  [[ $output =~ [[:space:]]1[[:space:]]+$RL_SUBUID[[:space:]] ]] || fail "uid_map: $output"
  # no warning about root: root in the container is not root on the host
  [[ $output != *"runs as root"* ]] || fail "$output"
}

@test "engine rootless: the store and the state are the user's, under XDG dirs" {
  run -0 uh run -d --name r1 busybox sleep 100
  id=${lines[-1]}
  [ -d "$RL_DIR/home/.local/share/hull/containers/$id" ]
  [ "$(stat -c %u "$RL_DIR/home/.local/share/hull/engine.db")" = "$RL_UID" ]
  [ -d "$RL_DIR/run/hull/runtime/$id" ]
  run -0 uh ps --format json
  [ "$(jq -r '.[0].Names[0]' <<<"$output")" = r1 ]
  pid=$(jq -r '.[0].Pid' <<<"$output")
  [ "$(stat -c %u /proc/$pid)" = "$RL_UID" ] || fail "the init runs as uid $(stat -c %u /proc/$pid)"
  run -0 uh stop -t 1 r1
  run -0 uh rm r1
  [ ! -e "$RL_DIR/home/.local/share/hull/containers/$id" ]
}

@test "engine rootless: a volume's files are made as the user; root's files stay out of reach" {
  echo secret >"$RL_DIR/secret"
  chmod 600 "$RL_DIR/secret"
  run -0 uh run --rm -v "$RL_DIR/vol:/vol" busybox sh -c 'echo hi >/vol/made; cat /vol/made'
  [ "$output" = hi ]
  [ "$(stat -c %u "$RL_DIR/vol/made")" = "$RL_UID" ]
  run uh run --rm -v "$RL_DIR/secret:/secret:ro" busybox cat /secret
  [ "$status" -ne 0 ] && [[ $output != *secret*secret* ]] || fail "status $status: $output"
  [[ $output != "secret" ]] || fail "root's 0600 file was read"
}

@test "engine rootless: the network is a private namespace with loopback only" {
  run -0 uh run --rm busybox sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
  [ "$output" = lo ]
  run -0 uh run --rm --network private busybox sh -c 'ip -o link 2>/dev/null | wc -l || tail -n +3 /proc/net/dev | wc -l'
  [ "$output" = 1 ]
}

@test "engine rootless: logs, exec and exit codes" {
  run -0 uh run -d --name r2 busybox sh -c 'echo from-r2; sleep 100'
  for ((i = 0; i < 100; i++)); do uh logs r2 | grep -q from-r2 && break; sleep 0.05; done
  run -0 uh logs r2
  [ "$output" = from-r2 ]
  run uh exec r2 sh -c 'id -u; exit 5'
  [ "$status" -eq 5 ] && [ "$output" = 0 ] || fail "status $status: $output"
  run -0 uh rm -f r2
  run uh run --rm busybox sh -c 'exit 9'
  [ "$status" -eq 9 ]
}
