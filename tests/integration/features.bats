#!/usr/bin/env bats
# `features` lists only what works on this host: each namespace, seccomp action, operator,
# architecture and flag it names is put to use in a container that must then run. hull's own
# list is checked; other runtimes list what they list.

load helpers

setup() {
  hull_setup
  skip_if_not_hull "checks hull-runtime's own features document"
  rt features >"$BATS_TEST_TMPDIR/features.json"
  set_args true
}

feature() { jq -r "$1" "$BATS_TEST_TMPDIR/features.json"; }

@test "features: every namespace listed can be created" {
  for ns in $(feature '.linux.namespaces[]'); do
    cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/base.json"
    update_config '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])' --arg t "$ns"
    if [ "$ns" = user ]; then
      update_config '.linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
                     | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]'
    fi
    run run_fg "$CID-$ns"
    [ "$status" -eq 0 ] || fail "namespace $ns is listed but a container with it failed: $output"
    cp "$BATS_TEST_TMPDIR/base.json" "$BUNDLE/config.json"
  done
}

@test "features: every seccomp action, operator, architecture and supported flag listed works" {
  [ "$(feature '.linux.seccomp.enabled')" = true ] || fail "seccomp is not listed as enabled"
  try() { # LABEL SECCOMP_JSON
    update_config '.linux.seccomp = $s' --argjson s "$2"
    run run_fg "$CID-$1"
    [ "$status" -eq 0 ] || fail "$1 is listed but a container using it failed: $output"
  }
  n=0
  # each on a syscall the container does not make (sysinfo), so the action can be anything
  for a in $(feature '.linux.seccomp.actions[]'); do
    [ "$a" != SCMP_ACT_NOTIFY ] || continue # needs an agent: seccomp.bats has it
    try "$a" "$(jq -n --arg a "$a" '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["sysinfo"], action: $a}]}')"
    n=$((n + 1))
  done
  for op in $(feature '.linux.seccomp.operators[]'); do
    try "$op" "$(jq -n --arg o "$op" '{defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["sysinfo"], action: "SCMP_ACT_ERRNO", args: [{index: 0, value: 1, valueTwo: 1, op: $o}]}]}')"
    n=$((n + 1))
  done
  for arch in $(feature '.linux.seccomp.archs[]'); do
    try "$arch" "$(jq -n --arg r "$arch" '{defaultAction: "SCMP_ACT_ALLOW", architectures: [$r],
        syscalls: [{names: ["sysinfo"], action: "SCMP_ACT_ERRNO"}]}')"
    n=$((n + 1))
  done
  for flag in $(feature '.linux.seccomp.supportedFlags[]'); do
    try "$flag" "$(jq -n --arg f "$flag" '{defaultAction: "SCMP_ACT_ALLOW", flags: [$f],
        syscalls: [{names: ["sysinfo"], action: "SCMP_ACT_ERRNO"}]}')"
    n=$((n + 1))
  done
  echo "$n listed seccomp features used"
  [ "$n" -gt 20 ]
}

@test "features: the annotations listed are honoured" {
  if [ "$(feature '.annotations["org.hull.landlock"] // empty')" != "" ]; then
    update_config '.annotations["org.hull.landlock"] = "{\"/bin\": \"rx\", \"/dev/null\": \"rw\"}"'
    set_args 'cat /proc/self/status >/dev/null 2>&1 || echo walled'
    run run_fg
    assert_success
    assert_output_contains walled
  else
    skip "no Landlock on this host: the annotation is not listed"
  fi
}
