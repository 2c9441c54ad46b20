#!/usr/bin/env bats
# Bad input: create must fail with a non-zero status and a message on stderr, and leave
# nothing behind (hull_teardown checks state entries, cgroups, mounts and processes).
# Asserts that the message names the offending field apply only to hull-runtime (is_hull):
# runc's messages are not held to that.

load helpers

BAD=$SPECS/schema/test/config/bad

@test "bad configs from the spec's schema tests all fail to create" {
  n=0
  for f in "$BAD"/*.json; do
    n=$((n + 1))
    if jq -e . "$f" >/dev/null 2>&1; then
      jq --arg r "$ROOTFS_RO" 'if .root then .root.path = $r else . end' "$f" > "$BUNDLE/config.json"
    else
      cp "$f" "$BUNDLE/config.json"
    fi
    expect_create_failure || fail "schema/test/config/bad/${f##*/}"
  done
  [ "$n" -gt 0 ] || skip "no bad configs under $BAD"
}

@test "bad config linux-hugepage.json: invalid pageSize is refused" {
  jq --arg r "$ROOTFS_RO" '.root.path = $r' "$BAD/linux-hugepage.json" > "$BUNDLE/config.json"
  expect_create_failure 'hugepage|pageSize'
}

@test "bad config linux-netdevice.json: netDevices name must be a string" {
  jq --arg r "$ROOTFS_RO" '.root.path = $r' "$BAD/linux-netdevice.json" > "$BUNDLE/config.json"
  expect_create_failure 'netDevices|name'
}

@test "bad config linux-rdma.json: hcaHandles must be a number" {
  jq --arg r "$ROOTFS_RO" '.root.path = $r' "$BAD/linux-rdma.json" > "$BUNDLE/config.json"
  expect_create_failure 'rdma|hcaHandles'
}

@test "bad config invalid-json.json is refused as JSON" {
  cp "$BAD/invalid-json.json" "$BUNDLE/config.json"
  expect_create_failure 'json|parse|syntax'
}

@test "malformed JSON: truncated file" {
  head -c 200 "$HULL_TEST_CACHE/template/config.json" > "$BUNDLE/config.json"
  expect_create_failure 'json|parse|end|EOF'
}

@test "malformed JSON: trailing garbage" {
  skip_if_runc "runc's JSON decoder stops after the first value and ignores the rest"
  { cat "$HULL_TEST_CACHE/template/config.json"; echo '}'; } > "$BUNDLE/config.json"
  expect_create_failure 'json|trailing|garbage|parse'
}

@test "malformed JSON: wrong types" {
  update_config '.process.args = "sh"'
  expect_create_failure 'args'
  cp "$HULL_TEST_CACHE/template/config.json" "$BUNDLE/config.json"
  update_config '.process.user.uid = -1'
  expect_create_failure 'uid'
}

@test "missing config.json" {
  rm "$BUNDLE/config.json"
  expect_create_failure 'config.json'
}

@test "missing bundle directory" {
  BUNDLE=$BATS_TEST_TMPDIR/no-such-bundle
  expect_create_failure 'no-such-bundle|bundle'
}

@test "missing rootfs" {
  update_config '.root.path = "/nonexistent/rootfs"'
  expect_create_failure 'root'
}

@test "relative root.path that does not exist in the bundle" {
  update_config '.root.path = "rootfs"'
  expect_create_failure 'root'
}

@test "unknown namespace type" {
  update_config '.linux.namespaces += [{type: "hullbogus"}]'
  expect_create_failure 'namespace|hullbogus'
}

@test "duplicate namespace type" {
  update_config '.linux.namespaces += [{type: "pid"}]'
  expect_create_failure 'namespace|pid|duplicate'
}

@test "relative mount destination" {
  skip_if_old_runc "runc 1.1 accepts relative destinations (deprecated behaviour)"
  update_config '.mounts += [{destination: "relative/dest", type: "tmpfs", source: "tmpfs"}]'
  expect_create_failure 'destination|relative/dest'
}

@test "mount with an unknown filesystem type" {
  update_config '.mounts += [{destination: "/mnt", type: "hullnosuchfs", source: "none"}]'
  expect_create_failure 'hullnosuchfs|/mnt|mount'
}

@test "relative process.cwd" {
  update_config '.process.cwd = "relative"'
  expect_create_failure 'cwd'
}

@test "empty process.args" {
  update_config '.process.args = []'
  expect_create_failure 'args'
}

@test "unknown rlimit type" {
  update_config '.process.rlimits += [{type: "RLIMIT_HULLBOGUS", soft: 1, hard: 1}]'
  expect_create_failure 'rlimit|RLIMIT_HULLBOGUS'
}

@test "rlimit with soft above hard" {
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2000, hard: 1000}]'
  expect_create_failure 'rlimit|RLIMIT_NOFILE|soft'
}

@test "invalid seccomp action" {
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_HULLBOGUS"}'
  expect_create_failure 'seccomp|SCMP_ACT_HULLBOGUS|action'
}

@test "hostname without a UTS namespace" {
  update_config '.hostname = "h" | .linux.namespaces |= map(select(.type != "uts"))'
  expect_create_failure 'hostname|uts'
}

@test "terminal: true without --console-socket" {
  update_config '.process.terminal = true'
  expect_create_failure 'terminal|console'
}

@test "unknown capability name" {
  update_config '.process.capabilities.bounding += ["CAP_HULLBOGUS"]'
  skip_if_runc "runc warns about unknown capabilities and goes on"
  expect_create_failure 'CAP_HULLBOGUS|capabilit'
}

@test "a config that fails late (bad mount) leaves no process, cgroup or mount" {
  # everything up to the last mount succeeds, then the runtime has to unwind
  update_config '.linux.cgroupsPath = $p | .mounts += [{destination: "/mnt", type: "bind", source: "/nonexistent/src", options: ["bind"]}]' \
    --arg p "/hull-itest/$CID"
  expect_create_failure '/nonexistent/src|/mnt|mount'
}
