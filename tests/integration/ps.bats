#!/usr/bin/env bats
# ps: a container's processes by host pid: --format json lists its cgroup's pids (sub-groups
# included), the table is the host's ps(1) cut down to the container's lines; a stopped
# container has none, an unknown one and ps output without a PID column fail.

load helpers

setup() {
  hull_setup
  with_xdir
  # the init forks a child, then says so
  set_args 'sleep 1000 & echo $! > /mnt/child; wait'
}

# init_and_child: "INIT CHILD", host pids, once the child is there
init_and_child() {
  wait_for_file "$XDIR/child"
  local init child i
  init=$(container_pid)
  for ((i = 0; i < 250; i++)); do
    child=$(cat "/proc/$init/task/$init/children" 2>/dev/null | tr -d ' ')
    [ -n "$child" ] && break
    sleep 0.02
  done
  [ -n "$child" ] || fail "the container's init $init has no child"
  echo "$init $child"
}

# sorted_json PIDS...: the pids as a sorted, compact JSON array
sorted_json() {
  printf '%s\n' "$@" | jq -cs 'sort'
}

# move_to_subgroup PID NAME: PID into a new group NAME under its group, in every hierarchy
move_to_subgroup() {
  local pid=$1 name=$2 type mnt procs dir
  while read -r type mnt; do
    procs=$(find "$mnt" -path "*$TOKEN*" -name cgroup.procs -exec grep -lx "$pid" {} + 2>/dev/null | head -1)
    [ -n "$procs" ] || continue
    dir=${procs%/cgroup.procs}
    mkdir "$dir/$name"
    if [ -f "$dir/cpuset.cpus" ]; then
      cat "$dir/cpuset.cpus" >"$dir/$name/cpuset.cpus"
      cat "$dir/cpuset.mems" >"$dir/$name/cpuset.mems"
    fi
    echo "$pid" >"$dir/$name/cgroup.procs"
  done < <(cgroup_mounts)
}

@test "ps --format json lists the container's init and the child it forked, as host pids" {
  run_detached
  local pids
  pids=$(init_and_child)
  run rt ps --format json "$CID"
  assert_success
  [ "$(jq -c 'sort' <<<"$output")" = "$(sorted_json $pids)" ] || fail "ps: $output, wanted $pids"
  run rt ps -f json "$CID"
  assert_success
  [ "$(jq -c 'sort' <<<"$output")" = "$(sorted_json $pids)" ]
}

@test "ps --format json finds processes in sub-groups of the container's cgroup" {
  run_detached
  local pids child
  pids=$(init_and_child)
  child=${pids#* }
  move_to_subgroup "$child" sub
  grep -q "$TOKEN/sub" "/proc/$child/cgroup" || fail "child not moved: $(cat /proc/$child/cgroup)"
  run rt ps --format json "$CID"
  assert_success
  [ "$(jq -c 'sort' <<<"$output")" = "$(sorted_json $pids)" ] || fail "ps: $output, wanted $pids"
}

@test "ps prints ps -ef's header and only the container's lines" {
  run_detached
  local pids
  pids=$(init_and_child)
  run rt ps "$CID"
  assert_success
  [ "${lines[0]}" = "$(ps -ef | head -1)" ] || fail "header: ${lines[0]}"
  [ "${#lines[@]}" -eq 3 ] || fail "wanted the header and 2 lines: $output"
  [ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | jq -cs 'sort')" = "$(sorted_json $pids)" ] ||
    fail "PID column: $output, wanted $pids"
  grep -q 'sleep 1000' <<<"${lines[1]}${lines[2]}" || fail "no sleep line: $output"
}

@test "ps hands the arguments after the ID to ps(1)" {
  run_detached
  local pids
  pids=$(init_and_child)
  run rt ps "$CID" -o pid,comm
  assert_success
  [ "$(echo ${lines[0]})" = "PID COMMAND" ] || fail "header: ${lines[0]}"
  [ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }' | jq -cs 'sort')" = "$(sorted_json $pids)" ] || fail "$output"
  [ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort | tr '\n' ' ')" = "sh sleep " ] || fail "$output"
  if is_hull; then # runc 1.1 hands `--` on to ps, which refuses it
    local plain=$output
    run rt ps "$CID" -- -o pid,comm
    assert_success
    [ "$output" = "$plain" ] || fail "with --: $output"
  fi
}

@test "ps fails when ps(1)'s output has no PID column, or ps(1) fails" {
  run_detached
  init_and_child >/dev/null
  run rt ps "$CID" -o comm
  assert_failure
  assert_output_contains PID
  run rt ps "$CID" --no-such-ps-option
  assert_failure
  if is_hull; then assert_output_contains "exited with status"; fi
}

@test "ps of a stopped container lists no process" {
  set_args true
  run_detached
  wait_for_status "$CID" stopped
  run rt ps --format json "$CID"
  assert_success
  # runc prints null (its empty list), hull []
  [ "$(jq -c '. // []' <<<"$output")" = "[]" ] || fail "$output"
  run rt ps "$CID"
  assert_success
  [ "${#lines[@]}" -eq 1 ] && [ "${lines[0]}" = "$(ps -ef | head -1)" ] || fail "$output"
}

@test "ps of an unknown container fails, naming it" {
  run rt ps "nosuch-$CID"
  assert_failure
  if is_hull; then assert_output_contains "nosuch-$CID"; fi # runc: "container does not exist"
  run rt ps --format json "nosuch-$CID"
  assert_failure
  run rt ps --format yaml "$CID"
  assert_failure
}

@test "ps --help shows its options; ps without an ID fails" {
  run rt ps --help
  assert_success
  assert_output_contains "--format"
  run rt ps
  assert_failure
}
