#!/usr/bin/env bats
# podman driving the runtime under test through conmon (podman --runtime "$RUNTIME"), the
# interactive commands (-it) through a terminal made by script(1).
#
# podman runs in an environment of its own: containers.conf and storage.conf under
# $HULL_TEST_CACHE/podman (vfs storage there too, kept between runs), cgroupfs as the cgroup
# manager (no systemd here), events to a file, and default ulimits lowered to what this
# machine allows (root lacks CAP_SYS_RESOURCE; podman 4.3's defaults would fail). The image
# is the fixture rootfs imported as localhost/hull-busybox:latest. Most tests use
# --network none; one uses podman's default bridge network (netavark), which works on
# Debian 12 as root.

load helpers

IMAGE=localhost/hull-busybox:latest

podman_env() {
  PODMAN_DIR=$HULL_TEST_CACHE/podman
  export CONTAINERS_CONF=$PODMAN_DIR/containers.conf
  export CONTAINERS_STORAGE_CONF=$PODMAN_DIR/storage.conf
  export CONTAINERS_REGISTRIES_CONF=$PODMAN_DIR/registries.conf
}

setup_file() {
  command -v podman >/dev/null || return 0
  podman_env
  mkdir -p "$PODMAN_DIR/tmp" "$PODMAN_DIR/net"
  cat > "$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODMAN_DIR/events.log"
tmp_dir = "$PODMAN_DIR/tmp"
[network]
network_config_dir = "$PODMAN_DIR/net"
EOF
  cat > "$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "vfs"
graphroot = "$PODMAN_DIR/root"
runroot = "$PODMAN_DIR/runroot"
EOF
  echo 'unqualified-search-registries = []' > "$CONTAINERS_REGISTRIES_CONF"
  # (re)import the image when the fixture rootfs changed
  local stamp
  stamp=$(cat "$HULL_TEST_CACHE/rootfs.stamp")
  if [ "$(cat "$PODMAN_DIR/image.stamp" 2>/dev/null)" != "$stamp" ] || ! podman image exists "$IMAGE"; then
    podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
    tar -C "$ROOTFS_SRC" -c . | podman import - "$IMAGE" >/dev/null
    echo "$stamp" > "$PODMAN_DIR/image.stamp"
  fi
}

setup() {
  command -v podman >/dev/null || skip "podman is not installed"
  hull_setup
  podman_env
}

teardown() {
  local names
  names=$(podman ps -a --format '{{.Names}}' 2>/dev/null | grep -- "$TOKEN" || true)
  for n in $names; do p rm -f -t 0 "$n" >/dev/null 2>&1 || true; done
  local problems=()
  names=$(podman ps -a --format '{{.Names}}' 2>/dev/null | grep -- "$TOKEN" || true)
  [ -z "$names" ] || problems+=("podman containers left: $names")
  hull_teardown || problems+=("see above")
  if [ ${#problems[@]} -gt 0 ]; then
    printf 'teardown: %s\n' "${problems[@]}" >&2
    return 1
  fi
}

# p ARGS...: podman with the runtime under test
p() {
  podman --runtime "$RUNTIME" "$@" </dev/null 3>&-
}

@test "podman run --rm: echo hi" {
  run p run --rm --network none --name "$CID" "$IMAGE" echo hi
  assert_success
  assert_output_equals hi
}

@test "podman run: the exit code is passed through" {
  run p run --rm --network none --name "$CID" "$IMAGE" sh -c 'exit 7'
  assert_failure 7
}

@test "podman create, start, stop, rm" {
  run p create --network none --name "$CID" "$IMAGE" sh -c 'trap "exit 0" TERM; while :; do sleep 1 & wait; done'
  assert_success
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = created ]
  p start "$CID"
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = running ]
  pid=$(podman inspect -f '{{.State.Pid}}' "$CID")
  [ "$pid" -gt 0 ]
  [ "$(cat /proc/$pid/comm)" = sh ]
  p stop -t 5 "$CID"
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = exited ]
  [ "$(podman inspect -f '{{.State.ExitCode}}' "$CID")" = 0 ]
  p rm "$CID"
  run podman inspect "$CID"
  assert_failure
}

@test "podman kill and rm -f of a running container" {
  p run -d --network none --name "$CID" "$IMAGE" sleep 100
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = running ]
  p kill "$CID"
  # kill only sends the signal; conmon records the exit a moment later
  run podman wait "$CID"
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = exited ]
  p rm "$CID"
  p run -d --network none --name "$CID-2" "$IMAGE" sleep 100
  p rm -f -t 0 "$CID-2"
  run podman inspect "$CID-2"
  assert_failure
}

@test "podman run: podman's default seccomp profile is applied; seccomp=unconfined turns it off" {
  run p run --rm --network none "$IMAGE" sh -c 'grep "^Seccomp:" /proc/self/status; unshare -m true 2>&1; echo "unshare=$?"'
  assert_success
  [[ $output == *"Seccomp:"*2* ]] || fail "no filter: $output"
  assert_output_contains "unshare=1"
  run p run --rm --network none --security-opt seccomp=unconfined "$IMAGE" grep "^Seccomp:" /proc/self/status
  assert_success
  [[ $output == *"Seccomp:"*0* ]] || fail "filtered although unconfined: $output"
}

@test "podman logs: the container's output is captured" {
  p run -d --network none --name "$CID" "$IMAGE" sh -c 'echo line-one; echo line-two >&2'
  p wait "$CID"
  run podman logs "$CID"
  assert_success
  [[ $output == *line-one* ]]
  [[ $output == *line-two* ]]
}

@test "podman run: environment, user, workdir and hostname reach the process" {
  run p run --rm --network none --name "$CID" -e HULL_X=42 -u 1000:1000 -w /tmp --hostname podhost "$IMAGE" \
    sh -c 'echo $HULL_X; id -u; pwd; hostname'
  assert_success
  [ "$(echo $output)" = "42 1000 /tmp podhost" ]
}

@test "podman run with the default bridge network" {
  run p run --rm --name "$CID" "$IMAGE" sh -c 'ip -o -4 addr show | grep -v " lo " | wc -l'
  if [ "$status" -ne 0 ] && [[ $output == *netavark* || $output == *iptables* || $output == *CNI* ]]; then
    skip "podman's default network cannot be set up on this machine: ${output:0:200}"
  fi
  assert_success
  [ "${lines[-1]}" -ge 1 ]
}

@test "podman exec runs a process in the running container" {
  "$RUNTIME" exec --help >/dev/null 2>&1 || skip "$(runtime_name) has no exec command"
  p run -d --network none --name "$CID" "$IMAGE" sleep 100
  run p exec "$CID" sh -c 'echo exec-ok; cat /proc/1/comm'
  assert_success
  [ "$(echo $output)" = "exec-ok sleep" ]
}

# tty_drive INPUT COMMAND: COMMAND (one shell string) under script(1), so that it has a
# terminal, with INPUT typed into it (printf escapes); stdin stays open until COMMAND ends
# (podman 4.3 drops a short-lived container's output when its stdin closes first).
tty_drive() {
  local input=$1 cmd=$2 holder=$BATS_TEST_TMPDIR/tty-holder
  status=0
  output=$({ printf "$input"; sleep 60 </dev/null 2>/dev/null 3>&- & echo $! >"$holder"; } |
    timeout 60 script -qec "$cmd" /dev/null 2>&1 3>&-) || status=$?
  kill "$(cat "$holder")" 2>/dev/null || true
  output=$(tr -d '\r' <<<"$output")
}

@test "podman run -it: an interactive shell on a terminal, typed input and the exit status" {
  command -v script >/dev/null || skip "script(1) is not installed"
  tty_drive 'tty\necho typed-$((6*7))\nexit 3\n' \
    "podman --runtime $RUNTIME run -it --rm --network none --name $CID $IMAGE sh"
  [ "$status" -eq 3 ] || fail "status $status" "$output"
  [[ $output == *typed-42* ]] || fail "typed input did not reach the shell" "$output"
  grep -q '^/dev/pts/[0-9]' <<<"$output" || fail "no terminal" "$output"
}

@test "podman exec -it: a terminal of its own in a running container" {
  command -v script >/dev/null || skip "script(1) is not installed"
  p run -d --network none --name "$CID" "$IMAGE" sleep 100
  tty_drive 'tty; echo exec-$((5*5)); grep -c "^Seccomp:.*2" /proc/self/status\nexit\n' \
    "podman --runtime $RUNTIME exec -it $CID sh"
  [ "$status" -eq 0 ] || fail "status $status" "$output"
  [[ $output == *exec-25* ]] || fail "typed input did not reach the shell" "$output"
  grep -q '^/dev/pts/[0-9]' <<<"$output" || fail "no terminal" "$output"
  # podman's seccomp profile holds for the exec'd process too
  grep -qx 1 <<<"$output" || fail "exec'd process not filtered" "$output"
}

@test "podman pause and unpause" {
  p run -d --network none --name "$CID" "$IMAGE" sh -c 'while :; do sleep 0.05; done'
  p pause "$CID"
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = paused ]
  pid=$(podman inspect -f '{{.State.Pid}}' "$CID")
  # frozen tasks stay put in the freezer (v1) or report frozen (v2)
  run p exec "$CID" true
  assert_failure
  p unpause "$CID"
  [ "$(podman inspect -f '{{.State.Status}}' "$CID")" = running ]
  run p exec "$CID" echo thawed
  assert_success
  assert_output_equals thawed
  p rm -f -t 0 "$CID"
}

@test "podman stats --no-stream: memory and pids of the container" {
  p run -d --network none --name "$CID" "$IMAGE" sh -c 'sleep 100 & sleep 100 & wait'
  run p stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' "$CID"
  assert_success
  read -r name pids mem _ <<<"$output"
  [ "$name" = "$CID" ] || fail "$output"
  [ "$pids" -ge 3 ] || fail "pids: $output"
  [[ $mem =~ ^[0-9.]+[kMG]?B$ ]] || fail "memory: $output"
  p rm -f -t 0 "$CID"
}

@test "podman update --memory --cpus reaches the container's cgroup through the runtime's update" {
  [ -d /sys/fs/cgroup/memory ] && [ -d /sys/fs/cgroup/cpu ] || skip "reads the v1 memory and cpu files"
  p run -d --network none --name "$CID" "$IMAGE" sleep 100
  p update --memory 100m --cpus 0.5 "$CID"
  local pid mem cpu
  pid=$(podman inspect -f '{{.State.Pid}}' "$CID")
  mem=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/"$pid"/cgroup)
  cpu=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/"$pid"/cgroup)
  [ "$(cat /sys/fs/cgroup/memory"$mem"/memory.limit_in_bytes)" = 104857600 ] ||
    fail "memory limit: $(cat /sys/fs/cgroup/memory"$mem"/memory.limit_in_bytes)"
  [ "$(cat /sys/fs/cgroup/cpu"$cpu"/cpu.cfs_quota_us)" = 50000 ] ||
    fail "cpu quota: $(cat /sys/fs/cgroup/cpu"$cpu"/cpu.cfs_quota_us)"
  p rm -f -t 0 "$CID"
}
