#!/usr/bin/env bats
# Rootless: an unprivileged user (made here, with /etc/subuid and /etc/subgid ranges) runs
# containers with the runtime under test: a config from `spec --rootless`, uid/gid maps
# written directly or through newuidmap/newgidmap, state under $XDG_RUNTIME_DIR, cgroups
# skipped or delegated. Every check reads the effect from inside the container or from the
# host's view of what the container made.

load helpers

RL_USER=hull-rootless

# The test user and its subordinate ranges, made once (kept for later runs: creating them
# again is cheap, removing them would disturb a concurrent run).
setup_file() {
  if ! id "$RL_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RL_USER" 3>&-
  fi
  if ! grep -q "^$RL_USER:" /etc/subuid 2>/dev/null; then
    usermod --add-subuids 400000-465535 "$RL_USER" 3>&-
  fi
  if ! grep -q "^$RL_USER:" /etc/subgid 2>/dev/null; then
    usermod --add-subgids 400000-465535 "$RL_USER" 3>&-
  fi
}

setup() {
  hull_setup
  RL_UID=$(id -u "$RL_USER")
  RL_GID=$(id -g "$RL_USER")
  RL_SUBUID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subuid)
  RL_SUBGID=$(awk -F: -v u="$RL_USER" '$1 == u { print $2; exit }' /etc/subgid)
  # Everything the user touches lives outside bats' private (0700) directories.
  RL_DIR=$(mktemp -d /tmp/hull-rootless.XXXXXX)
  chmod 755 "$RL_DIR"
  mkdir -m 700 "$RL_DIR/xdg"
  mkdir "$RL_DIR/bundle" "$RL_DIR/share"
  chown "$RL_UID:$RL_GID" "$RL_DIR/xdg" "$RL_DIR/bundle" "$RL_DIR/share"
  ROOT=$RL_DIR/xdg/state
  BUNDLE=$RL_DIR/bundle
  as_user "$RUNTIME" spec --rootless --bundle "$BUNDLE"
  update_config '.root.path = $r | .process.terminal = false' --arg r "$ROOTFS_RO"
}

teardown() {
  hull_teardown
  local rc=$?
  rm -rf "$RL_DIR"
  return $rc
}

# as_user CMD...: CMD as the test user, with a clean environment whose XDG_RUNTIME_DIR is the
# test's (and the sanitizers' settings of a sanitizer pass). fd 3 (bats') is closed.
as_user() {
  setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$RL_DIR/xdg" HOME="$RL_DIR" \
    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} "$@" 3>&-
}

# urt ARGS...: the runtime as the test user, with the test's --root
urt() {
  as_user "$RUNTIME" --root "$ROOT" "$@" </dev/null
}

# urt_bg ARGS... ID: as rt_bg, as the test user (stdio on files)
urt_bg() {
  local id=${*: -1}
  as_user "$RUNTIME" --root "$ROOT" "$@" </dev/null >"$RL_DIR/$id.out" 2>"$RL_DIR/$id.err" || {
    local rc=$?
    cat "$RL_DIR/$id.err" >&2
    return $rc
  }
}

subordinate_maps() { # map 0 to the user and 1..65536 to its subordinate ranges
  update_config '.linux.uidMappings = [{containerID: 0, hostID: $u, size: 1}, {containerID: 1, hostID: $su, size: 65536}]
                 | .linux.gidMappings = [{containerID: 0, hostID: $g, size: 1}, {containerID: 1, hostID: $sg, size: 65536}]' \
    --argjson u "$RL_UID" --argjson g "$RL_GID" --argjson su "$RL_SUBUID" --argjson sg "$RL_SUBGID"
}

# assert_map_line C H S: $output has the line of /proc/PID/uid_map (or gid_map) "C H S"
assert_map_line() {
  grep -Eq "^ *$1 +$2 +$3\$" <<<"$output" || fail "no map line '$1 $2 $3' in: $output"
}

skip_without_newuidmap() {
  command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
    skip "newuidmap/newgidmap (Debian package uidmap) not installed"
}

@test "rootless: spec --rootless maps container root to the user, and the user runs it" {
  run jq -c '[.linux.uidMappings, .linux.gidMappings, ([.linux.namespaces[].type] | index("user") != null)]' "$BUNDLE/config.json"
  assert_output_equals "[[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}],true]"
  set_args 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
  run urt run --bundle "$BUNDLE" "$CID"
  assert_success
  [ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ] || fail "ids inside: $output"
  assert_map_line 0 "$RL_UID" 1
  assert_map_line 0 "$RL_GID" 1
  grep -Eq '^NoNewPrivs:[[:space:]]+1' <<<"$output" || fail "no NoNewPrivs: $output"
  if is_hull; then # the rootless spec keeps hull's default seccomp profile
    grep -Eq '^Seccomp:[[:space:]]+2' <<<"$output" || fail "no seccomp filter: $output"
  fi
}

@test "rootless: container root is nobody to the host: its files are the user's, root's files stay shut" {
  echo secret > "$RL_DIR/secret"
  chmod 600 "$RL_DIR/secret"
  add_mount /mnt bind "$RL_DIR/share" rbind rw
  add_mount /etc/hostname bind "$RL_DIR/secret" bind ro
  update_config '.process.capabilities.bounding += ["CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER"]
                 | .process.capabilities.effective = .process.capabilities.bounding
                 | .process.capabilities.permitted = .process.capabilities.bounding'
  set_args 'echo made > /mnt/made; stat -c "owner %u:%g" /etc/hostname
            cat /etc/hostname 2>/dev/null || echo secret-refused
            echo 1 > /proc/sys/kernel/hostname 2>/dev/null || echo sysctl-refused'
  run urt run --bundle "$BUNDLE" "$CID"
  assert_success
  assert_output_contains "owner 65534:65534"
  assert_output_contains secret-refused
  assert_output_contains sysctl-refused
  [ "$(stat -c %u:%g "$RL_DIR/share/made")" = "$RL_UID:$RL_GID" ] ||
    fail "file made by container root is owned by $(stat -c %u:%g "$RL_DIR/share/made") on the host"
}

@test "rootless: subordinate ranges through newuidmap/newgidmap" {
  skip_without_newuidmap
  subordinate_maps
  add_mount /mnt bind "$RL_DIR/share" rbind rw
  update_config '.process.capabilities.bounding += ["CAP_CHOWN"]
                 | .process.capabilities.effective = .process.capabilities.bounding
                 | .process.capabilities.permitted = .process.capabilities.bounding'
  set_args 'touch /mnt/f && chown 1000:1000 /mnt/f && echo chowned; cat /proc/self/uid_map /proc/self/gid_map'
  run urt run --bundle "$BUNDLE" "$CID"
  assert_success
  assert_output_contains chowned
  assert_map_line 1 "$RL_SUBUID" 65536
  assert_map_line 1 "$RL_SUBGID" 65536
  [ "$(stat -c %u:%g "$RL_DIR/share/f")" = "$((RL_SUBUID + 999)):$((RL_SUBGID + 999))" ] ||
    fail "container uid 1000 is $(stat -c %u:%g "$RL_DIR/share/f") on the host, not subordinate id $((RL_SUBUID + 999))"
}

@test "rootless: with a gid map from newgidmap, additionalGids are set" {
  skip_without_newuidmap
  skip_if_runc "runc refuses additionalGids whenever it runs rootless, even with newgidmap"
  subordinate_maps
  update_config '.process.user.additionalGids = [5, 100]'
  set_args 'id -G; cat /proc/self/setgroups'
  run urt run --bundle "$BUNDLE" "$CID"
  assert_success
  grep -Eq '^0 5 100$' <<<"$output" || fail "groups inside: $output"
  assert_output_contains allow
}

@test "rootless: a map outside the user's ranges is refused by name and leaves nothing" {
  skip_without_newuidmap
  update_config '.linux.uidMappings += [{containerID: 1, hostID: 1, size: 10}]'
  run urt create --bundle "$BUNDLE" "$CID"
  assert_failure
  if is_hull; then assert_output_contains "linux.uidMappings"; fi
  run urt state "$CID"
  assert_failure
}

@test "rootless: additionalGids without newgidmap (setgroups denied) are refused by name" {
  update_config '.process.user.additionalGids = [0]'
  run urt run --bundle "$BUNDLE" "$CID"
  assert_failure
  if is_hull; then assert_output_contains "process.user.additionalGids"; fi
}

@test "rootless: a config without a user namespace is refused by name and leaves nothing" {
  update_config 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces |= map(select(.type != "user"))'
  run urt create --bundle "$BUNDLE" "$CID"
  assert_failure
  if is_hull; then assert_output_contains "linux.namespaces"; fi
  [ -z "$(ls -A "$ROOT" 2>/dev/null | grep -v '^@')" ] || fail "state left: $(ls -A "$ROOT")"
}

@test "rootless: --root defaults to \$XDG_RUNTIME_DIR/<runtime>; none set is a clear error" {
  skip_if_not_hull "the default state directory's name is the runtime's"
  set_args sleep 30
  as_user "$RUNTIME" run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
  [ -d "$RL_DIR/xdg/hull-runtime/$CID" ] || fail "no state under XDG_RUNTIME_DIR: $(ls -R "$RL_DIR/xdg")"
  run as_user "$RUNTIME" list --quiet
  assert_output_equals "$CID"
  as_user "$RUNTIME" delete --force "$CID"
  run setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups env -u XDG_RUNTIME_DIR "$RUNTIME" list
  assert_failure
  assert_output_contains "XDG_RUNTIME_DIR"
}

@test "rootless: without delegated cgroups the container runs in none; create/start/kill/delete" {
  set_args sleep 30
  urt_bg create --bundle "$BUNDLE" "$CID"
  [ "$(urt state "$CID" | jq -r .status)" = created ]
  urt start "$CID"
  [ "$(urt state "$CID" | jq -r .status)" = running ]
  local pid
  pid=$(urt state "$CID" | jq -r .pid)
  [ "$(stat -c %u /proc/"$pid")" = "$RL_UID" ] || fail "container process is uid $(stat -c %u /proc/"$pid") on the host"
  grep -q "$CID" /proc/"$pid"/cgroup && fail "in a cgroup named after the container: $(cat /proc/"$pid"/cgroup)"
  [ -z "$(find /sys/fs/cgroup -mindepth 1 -type d -name "$CID" 2>/dev/null)" ] || fail "a cgroup was made"
  urt kill "$CID" KILL
  wait_status_as_user stopped
  urt delete "$CID"
  run urt state "$CID"
  assert_failure
}

@test "rootless: ps and events of a container without a cgroup fail, saying so" {
  set_args sleep 30
  urt_bg create --bundle "$BUNDLE" "$CID"
  urt start "$CID"
  [ -z "$(find /sys/fs/cgroup -mindepth 1 -type d -name "$CID" 2>/dev/null)" ] || skip "the container got a cgroup here"
  run urt ps --format json "$CID"
  assert_failure
  if is_hull; then assert_output_contains "no cgroup"; fi
  run urt ps "$CID"
  assert_failure
  if is_hull; then # runc 1.1 prints a stats event of zeros
    run urt events --stats "$CID"
    assert_failure
    assert_output_contains "no cgroup"
  fi
  urt kill "$CID" KILL
  wait_status_as_user stopped
  urt delete "$CID"
}

@test "rootless: update of a container in no cgroup is refused, saying so" {
  set_args sleep 30
  urt_bg run --detach --bundle "$BUNDLE" "$CID"
  run urt update --pids-limit 10 "$CID"
  assert_failure
  is_hull && assert_output_contains "no cgroup"
  urt delete --force "$CID"
}

wait_status_as_user() {
  local i
  for ((i = 0; i < HULL_WAIT * 50; i++)); do
    [ "$(urt state "$CID" 2>/dev/null | jq -r .status)" = "$1" ] && return 0
    sleep 0.02
  done
  fail "container did not reach status $1"
}

@test "rootless: a cgroup2 group delegated to the user holds the container, and is removed on delete" {
  local v2
  v2=$(cgroup_mounts | awk '$1 == "cgroup2" { print $2; exit }')
  [ -n "$v2" ] || skip "no cgroup2 hierarchy mounted"
  [ "$v2" = /sys/fs/cgroup ] || skip_if_runc "runc 1.1 on a v1 or hybrid host fails on the v1 hierarchies not delegated"
  local deleg=$v2/hull-itest-rl-$TOKEN
  mkdir "$deleg"
  chown "$RL_UID:$RL_GID" "$deleg" "$deleg/cgroup.procs" "$deleg/cgroup.threads" "$deleg/cgroup.subtree_control"
  update_config '.linux.cgroupsPath = $p' --arg p "/hull-itest-rl-$TOKEN/$CID"
  set_args sleep 30
  # As systemd does for a user's session: the user's own process starts inside the delegated
  # group, so that moving within it needs no right outside it.
  sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$deleg" \
    setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups \
    "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>"$RL_DIR/err" 3>&- ||
    fail "create: $(cat "$RL_DIR/err")"
  local pid
  pid=$(urt state "$CID" | jq -r .pid)
  grep -qx "$pid" "$deleg/$CID/cgroup.procs" || fail "pid $pid not in $deleg/$CID: $(cat /proc/"$pid"/cgroup)"
  [ "$(stat -c %u "$deleg/$CID")" = "$RL_UID" ] || fail "group not made by the user"
  urt delete --force "$CID"
  [ ! -d "$deleg/$CID" ] || fail "group left after delete"
  rmdir "$deleg"
}

@test "rootless: a runtime binary the user can write runs from a sealed copy (CVE-2019-5736)" {
  skip_if_not_hull "hull's guard"
  cp "$RUNTIME" "$RL_DIR/hr"
  chown "$RL_UID" "$RL_DIR/hr"
  set_args sleep 30
  as_user "$RL_DIR/hr" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null
  local pid exe
  pid=$(urt state "$CID" | jq -r .pid)
  exe=$(readlink /proc/"$pid"/exe)
  [[ $exe == /memfd:hull-runtime* ]] || fail "init runs from $exe"
  run as_user sh -c "echo x >> /proc/$pid/exe"
  assert_failure
  # a binary the user cannot write (root's) needs no copy: nothing in the container can
  # write it either
  urt delete --force "$CID"
  urt_bg create --bundle "$BUNDLE" "$CID"
  pid=$(urt state "$CID" | jq -r .pid)
  exe=$(readlink /proc/"$pid"/exe)
  [ "$exe" = "$(readlink -f "$RUNTIME")" ] || fail "init runs from $exe"
}

@test "rootless: exec joins the user's container (its user namespace included) as the user" {
  set_args sleep 30
  urt_bg run --detach --bundle "$BUNDLE" "$CID"
  pid=$(as_user "$RUNTIME" --root "$ROOT" state "$CID" </dev/null | jq -r .pid)
  run urt exec "$CID" sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt'
  assert_success
  [ "${lines[0]}" = 0 ] || fail "not root in the container: $output"
  [ "${lines[1]}" = "$(readlink /proc/$pid/ns/user)" ] || fail "another user namespace: $output"
  [ "${lines[2]}" = "$(readlink /proc/$pid/ns/mnt)" ] || fail "another mount namespace: $output"
  urt exec --detach --pid-file "$RL_DIR/share/exec.pid" "$CID" sleep 30
  epid=$(cat "$RL_DIR/share/exec.pid")
  [ "$(awk '/^Uid:/ { print $2 }' /proc/$epid/status)" = "$RL_UID" ] || fail "the exec'd process is not the user's on the host"
  urt delete --force "$CID"
}
