#!/usr/bin/env bats
# events: runc's JSON events. --stats prints one stats event whose figures match the container
# (pids, memory limit, cpu time); without it a stats event comes every --interval until the
# container ends, and an oom event when the group OOM-kills a process. A stopped or unknown
# container, and a malformed interval, fail.

load helpers

# need_controller NAME: skip unless a v1 hierarchy is named after NAME, or the cgroup2 root
# offers it
need_controller() {
  local type mnt
  while read -r type mnt; do
    [ "$type" = cgroup ] && [[ ,$(basename "$mnt"), == *,$1,* ]] && return 0
    [ "$type" = cgroup2 ] && grep -qw "$1" "$mnt/cgroup.controllers" 2>/dev/null && return 0
  done < <(cgroup_mounts)
  skip "no $1 controller on this host"
}

# events_bg ARGS...: `events ARGS...` in the background, output in $EV_OUT; its pid in $EV_PID
events_bg() {
  EV_OUT=$BATS_TEST_TMPDIR/events.out
  "$RUNTIME" --root "$ROOT" events "$@" </dev/null >"$EV_OUT" 2>"$BATS_TEST_TMPDIR/events.err" 3>&- &
  EV_PID=$!
}

# wait_lines N: until events has printed N lines
wait_lines() {
  local i
  for ((i = 0; i < HULL_WAIT * 50; i++)); do
    [ "$(wc -l <"$EV_OUT")" -ge "$1" ] && return 0
    sleep 0.02
  done
  fail "events printed $(wc -l <"$EV_OUT") lines, wanted $1; stderr: $(cat "$BATS_TEST_TMPDIR/events.err")"
}

# events_end: the container has ended; wait for events to end too and check its status.
# runc 1.1 runs on until the container is deleted (its OOM watch ends with the cgroup), so it
# gets a delete; hull ends with the container's process.
events_end() {
  local i status=0
  is_hull || { wait_for_status "$CID" stopped && rt delete "$CID"; }
  for ((i = 0; i < HULL_WAIT * 50; i++)); do
    kill -0 "$EV_PID" 2>/dev/null || break
    sleep 0.02
  done
  if kill -0 "$EV_PID" 2>/dev/null; then
    kill "$EV_PID"
    fail "events still running ${HULL_WAIT}s after the container ended"
  fi
  wait "$EV_PID" || status=$?
  [ "$status" -eq 0 ] || fail "events exited with $status: $(cat "$BATS_TEST_TMPDIR/events.err")"
}

@test "events --stats prints one stats event: pids, memory limit and cpu time as configured" {
  need_controller memory
  need_controller pids
  update_config '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 64}'
  with_xdir
  set_args 'sleep 1000 & sleep 1000 & echo up > /mnt/up; wait'
  run_detached
  wait_for_file "$XDIR/up"
  run rt events --stats "$CID"
  assert_success
  [ "${#lines[@]}" -eq 1 ] || fail "wanted one line: $output"
  jq -e --arg id "$CID" '.type == "stats" and .id == $id' <<<"$output" >/dev/null || fail "$output"
  [ "$(jq .data.pids.current <<<"$output")" = 3 ] || fail "pids.current: $(jq -c .data.pids <<<"$output")"
  [ "$(jq .data.pids.limit <<<"$output")" = 64 ] || fail "pids.limit: $(jq -c .data.pids <<<"$output")"
  [ "$(jq .data.memory.usage.limit <<<"$output")" = 67108864 ] || fail "memory: $(jq -c .data.memory.usage <<<"$output")"
  jq -e '.data.memory.usage.usage > 0 and .data.memory.usage.usage <= 67108864' <<<"$output" >/dev/null ||
    fail "memory usage: $(jq -c .data.memory.usage <<<"$output")"
  jq -e '.data.cpu.usage.total > 0' <<<"$output" >/dev/null || fail "cpu: $(jq -c .data.cpu <<<"$output")"
  jq -e '.data.memory.raw | type == "object" and length > 0' <<<"$output" >/dev/null || fail "no memory.stat"
}

@test "events prints a stats event every --interval and ends when the container is killed" {
  set_args sleep 1000
  run_detached
  events_bg --interval 200ms "$CID"
  wait_lines 2
  rt kill "$CID" KILL
  events_end
  local n
  n=$(wc -l <"$EV_OUT")
  [ "$n" -ge 2 ] || fail "$n lines"
  [ "$(jq -s length "$EV_OUT")" -eq "$n" ] || fail "not one JSON object a line: $(cat "$EV_OUT")"
  [ "$(jq -s --arg id "$CID" 'map(select(.type == "stats" and .id == $id and (.data | type) == "object")) | length' \
    "$EV_OUT")" -eq "$n" ] || fail "not all stats events of $CID: $(cat "$EV_OUT")"
}

@test "events reports an oom event when the container's memory hog is OOM-killed" {
  need_controller memory
  update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
  # 64 MiB into a shell variable, against a 32 MiB limit
  set_args 'x=$(head -c 67108864 /dev/zero | tr "\0" a); echo survived ${#x}'
  create_container
  events_bg --interval 200ms "$CID"
  wait_lines 1 # events watches the group now
  rt start "$CID"
  wait_for_status "$CID" stopped 20
  events_end
  [ "$(jq -s --arg id "$CID" 'map(select(.type == "oom" and .id == $id)) | length' "$EV_OUT")" -ge 1 ] ||
    fail "no oom event: $(grep -v '"stats"' "$EV_OUT" | head -5)"
  ! grep -q survived "$BATS_TEST_TMPDIR/$CID.out" || fail "the hog survived"
}

@test "events of a stopped or unknown container fails" {
  run rt events --stats "nosuch-$CID"
  assert_failure
  if is_hull; then assert_output_contains "nosuch-$CID"; fi # runc: "container does not exist"
  set_args true
  run_detached
  wait_for_status "$CID" stopped
  run rt events --stats "$CID"
  assert_failure
  if is_hull; then assert_output_contains stopped; fi # runc: "is not running"
  run rt events --interval 100ms "$CID"
  assert_failure
}

@test "events --interval takes Go durations and refuses others; --help shows the options" {
  set_args sleep 1000
  run_detached
  run rt events --interval 5x "$CID"
  assert_failure
  if is_hull; then assert_output_contains "5x"; fi
  run rt events --interval 0 "$CID"
  assert_failure
  run rt events --stats --interval 1m30s "$CID"
  assert_success
  run rt events --help
  assert_success
  assert_output_contains "--interval"
  assert_output_contains "--stats"
}
