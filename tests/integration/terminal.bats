#!/usr/bin/env bats
# process.terminal: the runtime makes a pseudo-terminal in the container's devpts and sends
# its master end to --console-socket (one SCM_RIGHTS descriptor, as runc does); the program
# gets the slave as stdio and controlling terminal, and /dev/console is the same pty.
# tests/fixtures/recvtty.c plays the console socket's owner (conmon's part under podman).

load helpers

setup() {
  hull_setup
  command -v gcc >/dev/null || skip "gcc is needed to build the console socket's receiver"
  RECVTTY=$BATS_TEST_TMPDIR/recvtty
  gcc -O2 -o "$RECVTTY" "$BATS_TEST_DIRNAME/../fixtures/recvtty.c"
  SOCK=$BATS_TEST_TMPDIR/console.sock
  TTYOUT=$BATS_TEST_TMPDIR/tty.out
  update_config '.process.terminal = true'
}

# receive [INPUT]: start the receiver in the background; it writes INPUT to the terminal and
# copies what the terminal prints to $TTYOUT until the last slave end closes.
receive() {
  "$RECVTTY" "$SOCK" "$TTYOUT" "$@" 3>&- &
  RECV_PID=$!
  for i in $(seq 100); do [ -S "$SOCK" ] && return 0; sleep 0.02; done
  fail "the receiver did not listen on $SOCK"
}

# received: wait for the receiver to finish, then print what the terminal showed (CRs dropped)
received() {
  local i
  for i in $(seq 250); do kill -0 "$RECV_PID" 2>/dev/null || break; sleep 0.02; done
  kill "$RECV_PID" 2>/dev/null || true
  wait "$RECV_PID" 2>/dev/null || true
  tr -d '\r' <"$TTYOUT"
}

@test "terminal: create sends the pty to --console-socket; the program has it as stdio and controlling terminal" {
  set_args 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; exec 9</dev/tty && echo has-ctty; echo via-console >/dev/console'
  receive
  rt_bg create --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  rt start "$CID"
  out=$(received)
  grep -qx '/dev/pts/0' <<<"$out" || fail "tty: $out"
  grep -qx all-tty <<<"$out" || fail "stdio is not the terminal: $out"
  grep -qx has-ctty <<<"$out" || fail "no controlling terminal: $out"
  grep -qx via-console <<<"$out" || fail "/dev/console is not the terminal: $out"
}

@test "terminal: the pty lives in the container's own devpts, owned by the process's user" {
  update_config '.process.user = {uid: 1000, gid: 1000}'
  set_args 'ls -ln "$(tty)" | awk "{ print \$3 }"; ls /dev/pts | grep -v ptmx | wc -l'
  receive
  rt_bg create --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  rt start "$CID"
  out=$(received)
  [ "$(sed -n 1p <<<"$out")" = 1000 ] || fail "pty owner: $out"
  [ "$(sed -n 2p <<<"$out")" = 1 ] || fail "the container's devpts holds more than its own pty: $out"
}

@test "terminal: process.consoleSize sizes the terminal, and what is typed reaches the program" {
  update_config '.process.consoleSize = {height: 33, width: 99}'
  set_args 'stty size; read line; echo "typed: $line"'
  receive 'hello-tty\n'
  rt_bg create --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  rt start "$CID"
  out=$(received)
  grep -qx '33 99' <<<"$out" || fail "size: $out"
  grep -qx 'typed: hello-tty' <<<"$out" || fail "input: $out"
}

@test "terminal: run --detach --console-socket" {
  set_args 'tty; echo run-ok'
  receive
  rt_bg run --detach --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  out=$(received)
  grep -qx run-ok <<<"$out" || fail "$out"
  grep -qx '/dev/pts/0' <<<"$out" || fail "$out"
}

@test "terminal: exec --tty --console-socket gives the exec'd process a terminal of its own" {
  update_config '.process.terminal = false'
  set_args sleep 1000
  run_detached
  receive 'echo typed-$((6*7))\nexit\n'
  rt exec --detach --tty --console-socket "$SOCK" "$CID" sh </dev/null
  out=$(received)
  grep -q 'typed-42' <<<"$out" || fail "$out"
  # the container's init was not given it
  [ "$(readlink /proc/"$(container_pid)"/fd/0)" = /dev/null ] || fail "init's stdin: $(readlink /proc/"$(container_pid)"/fd/0)"
  # detached, the terminal has nowhere to go without a console socket
  run rt exec --detach --tty "$CID" true
  assert_failure
}

@test "terminal: refused without --console-socket, with one but no terminal, or when nobody listens; nothing is left" {
  set_args true
  expect_create_failure "process.terminal"
  update_config '.process.terminal = false'
  receive
  run rt create --console-socket "$SOCK" --bundle "$BUNDLE" "$CID"
  if is_hull; then
    assert_failure
    assert_output_contains "console-socket"
  else
    rt delete --force "$CID" || true
  fi
  kill "$RECV_PID" 2>/dev/null || true
  update_config '.process.terminal = true'
  run rt create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" --bundle "$BUNDLE" "$CID"
  assert_failure
  is_hull && assert_output_contains "nobody.sock"
  run rt state "$CID"
  assert_failure
  [ -z "$(rt_list_ids)" ] || fail "left behind: $(rt_list_ids)"
}

@test "terminal: a foreground run without --console-socket is the process's terminal itself" {
  skip_if_runc "runc takes its own controlling terminal for this, and the test's stdin is a pipe"
  set_args 'tty; read line; echo "typed: $line"; exit 5'
  run bash -c 'printf "hello-run\n" | "$0" --root "$1" run --bundle "$2" "$3" 3>&-' "$RUNTIME" "$ROOT" "$BUNDLE" "$CID"
  [ "$status" -eq 5 ] || fail "status $status" "$output"
  output=$(tr -d '\r' <<<"$output")
  grep -q '^/dev/pts/0$' <<<"$output" || fail "$output"
  grep -q '^typed: hello-run$' <<<"$output" || fail "$output"
}

@test "terminal: a foreground run or exec on a terminal passes its window size and ends when stdin ends" {
  command -v script >/dev/null || skip "script(1) is not installed"
  set_args 'stty size'
  run timeout 30 script -qec "stty rows 41 cols 123; $RUNTIME --root $ROOT run --bundle $BUNDLE $CID" /dev/null </dev/null
  assert_success
  [[ $output == *"41 123"* ]] || fail "$output"
  update_config '.process.terminal = false'
  set_args sleep 1000
  run_detached "$CID-2"
  # an interactive shell whose stdin ends after one line: it is typed its end of file
  # (runc needs a controlling terminal of its own here, and the test's stdin is a pipe)
  is_runc && return 0
  run bash -c 'printf "echo typed-\$((6*7))\n" | timeout -s KILL 20 "$0" --root "$1" exec --tty "$2" sh 3>&-' \
    "$RUNTIME" "$ROOT" "$CID-2"
  assert_success
  assert_output_contains typed-42
}
