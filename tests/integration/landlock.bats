#!/usr/bin/env bats
# The annotation org.hull.landlock (lib/linux/landlock-rules.h): Landlock filesystem rules the
# container's process cannot leave, read from inside the container. hull's own: other
# runtimes ignore the annotation, so every test here is for hull-runtime only.

load helpers

setup() {
  hull_setup
  skip_if_not_hull "org.hull.landlock is hull-runtime's annotation"
  rt features | jq -e '.annotations["org.hull.landlock"]' >/dev/null || skip "this kernel has no Landlock"
}

landlock() { # JSON: the annotation's value
  update_config '.annotations["org.hull.landlock"] = $v' --arg v "$1"
}

@test "landlock: listed paths get their rights, everything else none, whatever the capabilities" {
  # the process keeps CAP_DAC_OVERRIDE and friends: Landlock does not care
  update_config '.process.capabilities.bounding += ["CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER"]
                 | .process.capabilities.effective = .process.capabilities.bounding
                 | .process.capabilities.permitted = .process.capabilities.bounding'
  landlock '{"/bin": "rx", "/etc": "r", "/dev/shm": "rw", "/dev/null": "rw"}'
  set_args 'cat /etc/passwd >/dev/null && echo etc-read
            echo x > /dev/shm/f && cat /dev/shm/f >/dev/null && echo shm-written
            touch /etc/hull-probe 2>/dev/null || echo etc-write-refused
            cat /proc/self/status >/dev/null 2>&1 || echo proc-refused
            ls /sys >/dev/null 2>&1 || echo sys-refused
            ls / >/dev/null 2>&1 || echo root-listing-refused'
  run run_fg
  assert_success
  for want in etc-read shm-written etc-write-refused proc-refused sys-refused root-listing-refused; do
    assert_output_contains "$want"
  done
}

@test "landlock: without noNewPrivileges the wall goes in before a non-root user gives up its capabilities" {
  update_config '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
  landlock '{"/bin": "rx", "/etc": "r", "/dev/null": "rw"}'
  set_args 'id -u; cat /etc/passwd >/dev/null && echo etc-read; cat /proc/self/status >/dev/null 2>&1 || echo proc-refused'
  run run_fg
  assert_success
  assert_output_contains 1000
  assert_output_contains etc-read
  assert_output_contains proc-refused
}

@test "landlock: without the annotation nothing is walled" {
  set_args 'cat /proc/self/status >/dev/null && ls / >/dev/null && echo free'
  run run_fg
  assert_success
  assert_output_contains free
}

@test "landlock: a malformed annotation fails create, naming it, and leaves nothing" {
  landlock '{"/bin": "rq"}'
  expect_create_failure 'org.hull.landlock.*/bin.*rwx'
  landlock '{"bin": "r"}'
  expect_create_failure 'org.hull.landlock.*absolute'
  landlock 'not json'
  expect_create_failure 'org.hull.landlock'
}

@test "landlock: a listed path missing in the container fails the start, naming it" {
  landlock '{"/bin": "rx", "/no-such-dir": "r"}'
  set_args 'echo started'
  run run_fg
  assert_failure
  [[ $output != *started* ]] || fail "the program ran: $output"
  assert_output_contains "/no-such-dir"
}
