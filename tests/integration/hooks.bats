#!/usr/bin/env bats
# POSIX-platform hooks (config.md): when each kind runs, what it receives on stdin, its
# args and env, and what a failing or hanging hook does to the operation.

load helpers

# The script every recording hook runs (through /bin/sh, with $0 = hook kind): it saves
# stdin (the state), its argv and its environment under $HOOK_OUT, and appends its kind to
# $HOOK_OUT/order. HOOK_OUT comes from the hook's own env.
HOOK_SCRIPT='cat > "$HOOK_OUT/$0.json"; printf "%s\n" "$0" "$@" > "$HOOK_OUT/$0.args"; env > "$HOOK_OUT/$0.env"; echo "$0" >> "$HOOK_OUT/order"'

# hook_json KIND OUTDIR [EXTRA-ARG]: a hook entry recording into OUTDIR (a path as the hook sees it).
hook_json() {
  jq -cn --arg k "$1" --arg out "$2" --arg s "$HOOK_SCRIPT" --arg x "${3:-x1}" \
    '{path: "/bin/sh", args: ["sh", "-c", $s, $k, $x, "second arg"], env: ["HOOK_OUT=\($out)", "HOOK_KIND=\($k)"]}'
}

# add_hook KIND JSON
add_hook() {
  update_config '.hooks[$k] += [$h]' --arg k "$1" --argjson h "$2"
}

setup() {
  hull_setup
  with_xdir
  HOOKS=$XDIR
  set_args sleep 100
}

# record_all: every kind of hook, recording. startContainer resolves and runs in the
# container, so it uses the container's /bin/sh and writes through the /mnt bind.
record_all() {
  for k in prestart createRuntime createContainer poststart poststop; do
    add_hook "$k" "$(hook_json "$k" "$HOOKS")"
  done
  add_hook startContainer "$(hook_json startContainer /mnt)"
}

@test "hooks: each kind runs at its step of the lifecycle" {
  record_all
  create_container
  for k in prestart createRuntime createContainer; do
    [ -f "$HOOKS/$k.json" ] || fail "$k did not run during create"
  done
  [ ! -e "$HOOKS/startContainer.json" ]
  if is_hull; then
    # runc 1.1 runs poststart hooks already at create
    [ ! -e "$HOOKS/poststart.json" ]
  fi
  [ ! -e "$HOOKS/poststop.json" ]
  rt start "$CID"
  [ -f "$HOOKS/startContainer.json" ]
  [ -f "$HOOKS/poststart.json" ]
  [ ! -e "$HOOKS/poststop.json" ]
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  [ ! -e "$HOOKS/poststop.json" ]
  rt delete "$CID"
  [ -f "$HOOKS/poststop.json" ]
  # prestart (deprecated) comes before createRuntime, which comes before createContainer
  order=$(tr '\n' ' ' < "$HOOKS/order")
  [[ $order == "prestart createRuntime createContainer "* ]] || fail "order: $order"
  [[ $order == *" poststop " ]] || fail "order: $order"
}

@test "hooks: the state on stdin has id, pid, status and bundle" {
  record_all
  create_container
  hostpid=$(container_pid)
  rt start "$CID"
  rt delete --force "$CID"
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    f=$HOOKS/$k.json
    [ -s "$f" ] || fail "$k: no state on stdin"
    jq -e --arg id "$CID" --arg b "$BUNDLE" '.id == $id and .bundle == $b and (.ociVersion | type == "string")' "$f" >/dev/null ||
      fail "$k: $(cat "$f")"
  done
  # runtime-namespace hooks see the host pid; container-namespace hooks the container's own
  for k in prestart createRuntime poststart; do
    [ "$(jq -r .pid "$HOOKS/$k.json")" = "$hostpid" ] || fail "$k pid: $(cat "$HOOKS/$k.json")"
  done
  for k in createContainer startContainer; do
    [ "$(jq -r .pid "$HOOKS/$k.json")" = 1 ] || fail "$k pid: $(cat "$HOOKS/$k.json")"
  done
  for k in prestart createRuntime createContainer; do
    jq -e '.status == "creating" or .status == "created"' "$HOOKS/$k.json" >/dev/null || fail "$k status: $(cat "$HOOKS/$k.json")"
  done
  jq -e '.status == "created" or .status == "running"' "$HOOKS/startContainer.json" >/dev/null
  jq -e '.status == "created" or .status == "running"' "$HOOKS/poststart.json" >/dev/null
  jq -e '.status == "stopped"' "$HOOKS/poststop.json" >/dev/null
}

@test "hooks: args are passed as given, env is exactly the hook's env" {
  record_all
  FROM_TEST_ENV=leak create_container
  rt start "$CID"
  rt delete --force "$CID"
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    [ "$(cat "$HOOKS/$k.args")" = "$(printf '%s\n' "$k" x1 "second arg")" ] || fail "$k args: $(cat "$HOOKS/$k.args")"
    grep -qx "HOOK_KIND=$k" "$HOOKS/$k.env" || fail "$k env: $(cat "$HOOKS/$k.env")"
    refute grep -q FROM_TEST_ENV "$HOOKS/$k.env" || fail "$k inherited the runtime's environment"
  done
}

@test "hooks: args[0] is the program's argv[0]" {
  add_hook createRuntime "$(jq -cn --arg o "$HOOKS/argv0" \
    '{path: "/bin/sh", args: ["custom-argv0", "-c", "tr \"\\000\" \" \" < /proc/$$/cmdline > \($o)"]}')"
  create_container
  [[ $(cat "$HOOKS/argv0") == "custom-argv0 -c "* ]]
}

@test "hooks: several hooks of one kind run in the listed order" {
  for i in 1 2 3; do
    add_hook createRuntime "$(jq -cn --arg o "$HOOKS/seq" --arg i "$i" '{path: "/bin/sh", args: ["sh", "-c", "echo \($i) >> \($o)"]}')"
  done
  create_container
  [ "$(cat "$HOOKS/seq" | tr '\n' ' ')" = "1 2 3 " ]
}

@test "hooks: a failing createRuntime hook fails create and leaves nothing behind" {
  add_hook createRuntime '{"path": "/bin/sh", "args": ["sh", "-c", "echo hook-said-no >&2; exit 7"]}'
  run --separate-stderr rt_bg create --bundle "$BUNDLE" "$CID"
  assert_failure
  [ -n "$stderr" ]
  run rt state "$CID"
  assert_failure
  # hull_teardown checks state entries, cgroups, mounts and processes
}

@test "hooks: a failing prestart or createContainer hook fails create" {
  add_hook prestart '{"path": "/bin/false"}'
  run rt_bg create --bundle "$BUNDLE" "$CID-pre"
  assert_failure
  update_config 'del(.hooks)'
  add_hook createContainer '{"path": "/bin/false"}'
  run rt_bg create --bundle "$BUNDLE" "$CID-cc"
  assert_failure
  run rt list --quiet
  assert_output_equals ""
}

@test "hooks: a hook that does not exist fails create" {
  add_hook createRuntime '{"path": "/no/such/hook"}'
  run --separate-stderr rt_bg create --bundle "$BUNDLE" "$CID"
  assert_failure
  [ -n "$stderr" ]
}

@test "hooks: a hook exceeding its timeout is killed and fails the operation" {
  add_hook createRuntime "$(jq -cn --arg o "$HOOKS/pid" \
    '{path: "/bin/sh", args: ["sh", "-c", "echo $$ > \($o); exec sleep 60"], timeout: 1}')"
  start=$(date +%s)
  run --separate-stderr rt_bg create --bundle "$BUNDLE" "$CID"
  end=$(date +%s)
  assert_failure
  [ $((end - start)) -lt 20 ] || fail "create took $((end - start))s with a 1s hook timeout"
  hookpid=$(cat "$HOOKS/pid")
  for ((i = 0; i < 100; i++)); do pid_alive "$hookpid" || break; sleep 0.02; done
  refute pid_alive "$hookpid"
}

@test "hooks: a failing startContainer hook fails start and stops the container" {
  add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}'
  set_args 'echo ran > /mnt/user-process; sleep 100'
  create_container
  run rt start "$CID"
  if ! is_runc; then
    # runc 1.1 reports success: the hook fails in its init process after start returned
    assert_failure
    [[ $output == *startContainer* ]]
  fi
  # the user process did not run; the container is stopped or gone
  for ((i = 0; i < 250; i++)); do
    st=$(container_status || true)
    [ "$st" != running ] && [ "$st" != created ] && break
    sleep 0.02
  done
  [ "$st" = stopped ] || [ -z "$st" ] || [ "$st" = null ]
  [ ! -e "$HOOKS/user-process" ]
}

@test "hooks: a failing poststart hook only warns" {
  skip_if_runc "runc 1.1 runs poststart at create and fails the operation when it fails"
  add_hook poststart '{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}'
  create_container
  run --separate-stderr rt start "$CID"
  assert_success
  [ "$(container_status)" = running ]
}

@test "hooks: a failing poststop hook does not stop delete" {
  add_hook poststop '{"path": "/bin/sh", "args": ["sh", "-c", "exit 1"]}'
  add_hook poststop "$(hook_json poststop "$HOOKS")"
  create_container
  rt kill "$CID" KILL
  wait_for_status "$CID" stopped
  run rt delete "$CID"
  run rt state "$CID"
  assert_failure
  if ! is_runc; then
    # the remaining poststop hooks ran (runc 1.1 stops at the first failing one)
    [ -f "$HOOKS/poststop.json" ]
  fi
}

@test "hooks: run (create + start) runs every hook once; poststop when the process exits" {
  record_all
  set_args true
  run run_fg
  assert_success
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    [ "$(grep -cx "$k" "$HOOKS/order")" -eq 1 ] || fail "$k ran $(grep -cx "$k" "$HOOKS/order") times"
  done
}
