#!/usr/bin/env bats
# The OCI lifecycle (runtime.md): create, state, start, kill, delete, and the runc command
# line around it (run, list, spec, features, --version, --pid-file).

load helpers

# check_state_json JSON ID STATUS: the fields state-schema.json requires, with the right values.
check_state_json() {
  local json=$1 id=$2 want=$3
  local required
  required=$(jq -r '.required[]' "$SPECS/schema/state-schema.json")
  for f in $required; do
    jq -e --arg f "$f" 'has($f)' <<<"$json" >/dev/null || fail "state lacks required field $f: $json"
  done
  jq -e '.ociVersion | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+")' <<<"$json" >/dev/null ||
    fail "bad ociVersion: $json"
  [ "$(jq -r .id <<<"$json")" = "$id" ] || fail "id: $json"
  [ "$(jq -r .status <<<"$json")" = "$want" ] || fail "status not $want: $json"
  [ "$(jq -r .bundle <<<"$json")" = "$BUNDLE" ] || fail "bundle not $BUNDLE: $json"
  jq -e '(.annotations // {}) | type == "object"' <<<"$json" >/dev/null || fail "annotations: $json"
  if [ "$want" = created ] || [ "$want" = running ]; then
    jq -e '.pid | type == "number" and . > 0' <<<"$json" >/dev/null || fail "pid: $json"
  fi
}

@test "create: state is created, with pid, id, bundle and annotations" {
  set_args sleep 100
  update_config '.annotations = {"org.hull.test": "yes", "com.example.b": "2"}'
  create_container
  run rt state "$CID"
  assert_success
  check_state_json "$output" "$CID" created
  [ "$(jq -r '.annotations["org.hull.test"]' <<<"$output")" = yes ]
  [ "$(jq -r '.annotations["com.example.b"]' <<<"$output")" = 2 ]
  pid=$(jq -r .pid <<<"$output")
  [ -d "/proc/$pid" ]
  # the user process has not been executed yet
  refute grep -q '^sleep' "/proc/$pid/comm"
}

@test "start: created -> running, and the user process runs" {
  set_args sleep 100
  create_container
  pid=$(container_pid)
  rt start "$CID"
  wait_for_status "$CID" running
  run rt state "$CID"
  check_state_json "$output" "$CID" running
  [ "$(jq -r .pid <<<"$output")" = "$pid" ]
  [ "$(cat /proc/$pid/comm)" = sleep ]
}

@test "start returns once the user's program runs, and reports when it cannot be executed" {
  set_args sleep 100
  create_container
  pid=$(container_pid)
  rt start "$CID"
  if is_hull; then
    # hull's start waits for the exec, so there is no window where the init is still hull
    [ "$(cat /proc/$pid/comm)" = sleep ]
  fi
  rt delete --force "$CID"
  # an existing file that cannot be executed: runc refuses at create, hull at start; either
  # way the error names the program and nothing runs
  update_config '.process.args = ["/etc/passwd"]'
  if rt create --bundle "$BUNDLE" "$CID" </dev/null 2>"$BATS_TEST_TMPDIR/err"; then
    run rt start "$CID"
    assert_failure
    [[ $output == *"/etc/passwd"* ]]
    [ "$(container_status)" != running ]
  else
    grep -q /etc/passwd "$BATS_TEST_TMPDIR/err"
  fi
}

@test "start of a running container fails and leaves it running" {
  set_args sleep 100
  run_detached
  wait_for_status "$CID" running
  run rt start "$CID"
  assert_failure
  [ "$(container_status)" = running ]
}

@test "start of an unknown container fails" {
  run rt start nosuch-"$CID"
  assert_failure
}

@test "kill: default signal is SIGTERM" {
  with_xdir
  set_args 'trap "echo TERM > /mnt/sig; exit 0" TERM; while :; do sleep 1 & wait; done'
  run_detached
  wait_for_status "$CID" running
  rt kill "$CID"
  wait_for_status "$CID" stopped
  [ "$(cat "$XDIR/sig")" = TERM ]
}

@test "kill: signal by name, with and without SIG, and by number" {
  with_xdir
  set_args 'trap "echo USR1 >> /mnt/sig" USR1; trap "echo HUP >> /mnt/sig" HUP; while :; do sleep 1 & wait; done'
  run_detached
  wait_for_status "$CID" running
  rt kill "$CID" USR1
  wait_for_file "$XDIR/sig"
  rt kill "$CID" SIGHUP
  for ((i = 0; i < 250; i++)); do [ "$(wc -l < "$XDIR/sig")" -ge 2 ] && break; sleep 0.02; done
  [ "$(cat "$XDIR/sig")" = "$(printf 'USR1\nHUP')" ]
  rt kill "$CID" 9
  wait_for_status "$CID" stopped
}

@test "kill: KILL stops a running container; delete removes it" {
  set_args sleep 100
  run_detached
  wait_for_status "$CID" running
  pid=$(container_pid)
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  rt delete "$CID"
  run rt state "$CID"
  assert_failure
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.02; done
  refute pid_alive "$pid"
}

@test "kill of a stopped container fails" {
  set_args true
  run_detached
  wait_for_status "$CID" stopped
  run rt kill "$CID" KILL
  assert_failure
  [ "$(container_status)" = stopped ]
}

@test "kill of a created container stops it" {
  set_args sleep 100
  create_container
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
}

@test "state of an unknown container fails with a message" {
  run --separate-stderr rt state "nosuch-$CID"
  assert_failure
  [ -n "$stderr" ]
  [ -z "$output" ]
}

@test "create with a duplicate ID fails and leaves the first container intact" {
  set_args sleep 100
  create_container
  pid=$(container_pid)
  run rt_bg create --bundle "$BUNDLE" "$CID"
  assert_failure
  [ "$(container_status)" = created ]
  [ "$(container_pid)" = "$pid" ]
  pid_alive "$pid"
  rt start "$CID"
  wait_for_status "$CID" running
}

@test "create with an invalid ID fails" {
  run rt_bg create --bundle "$BUNDLE" "../escape"
  assert_failure
  [ ! -e "$ROOT/../escape" ]
  run rt_bg create --bundle "$BUNDLE" ""
  assert_failure
}

@test "delete of a running container without --force fails and leaves it running" {
  set_args sleep 100
  run_detached
  wait_for_status "$CID" running
  run rt delete "$CID"
  assert_failure
  [ "$(container_status)" = running ]
}

@test "delete --force removes a running container" {
  set_args sleep 100
  run_detached
  wait_for_status "$CID" running
  pid=$(container_pid)
  rt delete --force "$CID"
  run rt state "$CID"
  assert_failure
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.02; done
  refute pid_alive "$pid"
}

@test "delete of an unknown container fails" {
  run rt delete "nosuch-$CID"
  assert_failure
}

@test "list: table, --quiet and --format json" {
  set_args sleep 100
  create_container "$CID-a"
  run_detached "$CID-b"
  wait_for_status "$CID-b" running
  run rt list
  assert_success
  [[ ${lines[0]} == ID* ]]
  [[ ${lines[0]} == *STATUS* ]]
  echo "$output" | grep -E "^$CID-a +[0-9]+ +created +$BUNDLE"
  echo "$output" | grep -E "^$CID-b +[0-9]+ +running +$BUNDLE"
  # OWNER: the state's owner by name from /etc/passwd (root here)
  [[ ${lines[0]} == *OWNER ]]
  echo "$output" | grep -E "^$CID-a .* root$"
  run rt list --quiet
  assert_success
  [ "$(printf '%s\n' "${lines[@]}" | sort)" = "$(printf '%s\n' "$CID-a" "$CID-b")" ]
  run rt list --format json
  assert_success
  [ "$(jq -r 'map(.id) | sort | join(" ")' <<<"$output")" = "$CID-a $CID-b" ]
  [ "$(jq -r --arg i "$CID-a" '.[] | select(.id == $i) | .status' <<<"$output")" = created ]
  [ "$(jq -r --arg i "$CID-b" '.[] | select(.id == $i) | .status' <<<"$output")" = running ]
  jq -e 'all(.[]; .pid > 0 and (.bundle | length) > 0)' <<<"$output"
}

@test "list of an empty root prints no containers" {
  run rt list --quiet
  assert_success
  assert_output_equals ""
  run rt list --format json
  assert_success
  # runc prints null for no containers; an empty array is as good
  [[ $output == null || $(jq length <<<"$output") == 0 ]]
}

@test "run: foreground returns the container's exit code" {
  set_args 'exit 3'
  run run_fg
  assert_failure 3
  set_args 'echo hello from inside'
  run run_fg "$CID-2"
  assert_success
  assert_output_equals "hello from inside"
}

@test "run: foreground container killed by a signal gives 128+signal" {
  set_args sleep 100
  run_fg & fgpid=$!
  wait_for_status "$CID" running
  rt kill "$CID" KILL
  rc=0; wait "$fgpid" || rc=$?
  [ "$rc" -eq 137 ]
}

@test "run: stdin and stdout of the runtime are the container's" {
  set_args 'read line; echo "got $line"'
  run bash -c 'echo ping | "$1" --root "$2" run --bundle "$3" "$4" 3>&-' _ "$RUNTIME" "$ROOT" "$BUNDLE" "$CID"
  assert_success
  assert_output_equals "got ping"
}

@test "run: delete --force of a foreground container does not wait for it to end" {
  set_args sleep 100
  rt run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
  runner=$!
  wait_for_status "$CID" running
  # before, the foreground run held the state lock until its container exited
  timeout 10 "$RUNTIME" --root "$ROOT" delete --force "$CID" 3>&-
  rc=0
  wait "$runner" || rc=$?
  [ "$rc" -eq 137 ]
  run rt state "$CID"
  assert_failure
}

@test "run: a container made under the same ID after a delete survives the old run's end" {
  set_args sleep 100
  # exec: $runner is the runtime itself, for SIGSTOP to hold
  (exec "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&-) &
  runner=$!
  wait_for_status "$CID" running
  # the old run is held until the new container exists, which may have taken over the old
  # one's directory (a deleted container's directory is kept for the next)
  kill -STOP "$runner"
  rt delete --force "$CID"
  create_container
  pid=$(container_pid)
  kill -CONT "$runner"
  wait "$runner" || true
  [ "$(container_status)" = created ]
  [ "$(container_pid)" = "$pid" ]
}

@test "delete keeps one emptied state directory for the next container, unseen by list and state" {
  set_args true
  create_container "$CID-a"
  create_container "$CID-b"
  rt delete "$CID-a"
  rt delete "$CID-b"
  # one spare at most, hidden, with no state in it; the second deleted directory is gone
  [ "$(ls -A "$ROOT" | grep -v '^@')" = ".@spare" ] || fail "root holds: $(ls -A "$ROOT")"
  [ -z "$(find "$ROOT/.@spare" -name state.json -o -name cgroup.path)" ] || fail "state in the spare"
  [ -z "$(rt list --quiet)" ]
  run rt state "$CID-a"
  assert_failure
  # the next container takes it over, and its state is its own
  create_container "$CID-c"
  [ ! -e "$ROOT/.@spare" ]
  [ "$(state_field "$CID-c" id)" = "$CID-c" ]
  run rt state "$CID-a"
  assert_failure
  run rt state "$CID-b"
  assert_failure
}

@test "run --detach returns while the container keeps running" {
  set_args sleep 100
  run_detached
  [ "$(container_status)" = running ]
}

@test "run: a foreground container is removed when its process exits" {
  set_args true
  run run_fg
  assert_success
  # runc removes a foreground container when it exits
  run rt state "$CID"
  assert_failure
}

@test "--pid-file is written with the container's init pid (create and run -d)" {
  set_args sleep 100
  rt_bg create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/create.pid" "$CID"
  [ "$(cat "$BATS_TEST_TMPDIR/create.pid")" = "$(container_pid)" ]
  rt_bg run --detach --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/run.pid" "$CID-2"
  [ "$(cat "$BATS_TEST_TMPDIR/run.pid")" = "$(container_pid "$CID-2")" ]
  # a relative pid file is relative to the caller's working directory
  cd "$BATS_TEST_TMPDIR"
  rt_bg create --bundle "$BUNDLE" --pid-file rel.pid "$CID-3"
  [ "$(cat "$BATS_TEST_TMPDIR/rel.pid")" = "$(container_pid "$CID-3")" ]
}

@test "--bundle defaults to the current directory" {
  set_args sleep 100
  cd "$BUNDLE"
  rt create "$CID" </dev/null >/dev/null 2>&1
  [ "$(state_field "$CID" bundle)" = "$BUNDLE" ]
}

@test "spec: writes a config.json that run accepts" {
  d=$BATS_TEST_TMPDIR/specbundle
  mkdir -p "$d"
  ( cd "$d" && "$RUNTIME" spec )
  [ -f "$d/config.json" ]
  jq -e '.ociVersion and .process and .root and .linux.namespaces' "$d/config.json"
  # spec refuses to overwrite, like runc
  run bash -c "cd '$d' && '$RUNTIME' spec"
  assert_failure
  CONFIG=$d/config.json update_config '.root.path = $r | .process.terminal = false |
      .process.args = ["sh", "-c", "echo spec-ok; grep NoNewPrivs /proc/self/status"]' --arg r "$ROOTFS_RO"
  BUNDLE=$d run run_fg
  assert_success
  [ "${lines[0]}" = spec-ok ]
}

@test "spec --bundle writes into the given directory" {
  d=$BATS_TEST_TMPDIR/specbundle2
  mkdir -p "$d"
  "$RUNTIME" spec --bundle "$d"
  jq -e .ociVersion "$d/config.json"
}

@test "features prints JSON with ociVersionMin and ociVersionMax" {
  run "$RUNTIME" features
  assert_success
  jq -e '(.ociVersionMin | test("^1\\.[0-9]+\\.[0-9]+")) and (.ociVersionMax | test("^1\\.[0-9]+\\.[0-9]+"))' <<<"$output"
  jq -e '.linux.namespaces | index("pid") and index("mount")' <<<"$output"
  jq -e '.hooks | index("createRuntime") and index("poststop")' <<<"$output"
}

@test "--version prints a version" {
  run "$RUNTIME" --version
  assert_success
  [[ ${lines[0]} =~ [0-9]+\.[0-9]+ ]]
  if is_hull; then
    [[ ${lines[0]} == *hull* ]]
    [[ $output == *spec* ]]
  fi
}

@test "a container is isolated from another one's --root" {
  set_args sleep 100
  create_container
  run "$RUNTIME" --root "$BATS_TEST_TMPDIR/other" state "$CID"
  assert_failure
}

@test "kill --all signals every process in the container's cgroup, not only the init" {
  # no pid namespace: the init's death alone would not take its children along
  update_config '.linux.namespaces |= map(select(.type != "pid"))'
  # the init catches TERM (a handler, which its children do not inherit) and lives on
  set_args 'trap "echo caught" TERM; sleep 1000 & sleep 1000 & while :; do sleep 0.2; done'
  run_detached
  pid=$(container_pid)
  for i in $(seq 100); do [ "$(pgrep -P "$pid" -f "sleep 1000" | wc -l)" -ge 2 ] && break; sleep 0.02; done
  kids=$(pgrep -P "$pid" -f "sleep 1000")
  [ "$(wc -w <<<"$kids")" -ge 2 ] || fail "the children did not start"
  rt kill --all "$CID" TERM
  for k in $kids; do
    for i in $(seq 100); do [ -e "/proc/$k" ] && [ "$(awk '{print $3}' /proc/$k/stat)" != Z ] || break; sleep 0.02; done
    [ ! -e "/proc/$k" ] || [ "$(awk '{print $3}' /proc/$k/stat)" = Z ] || fail "child $k survived kill --all"
  done
  [ -e "/proc/$pid" ] || fail "the init died of a TERM it catches"
  rt delete --force "$CID"
}
