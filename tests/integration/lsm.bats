#!/usr/bin/env bats
# process.apparmorProfile, process.selinuxLabel, linux.mountLabel: applied where the host has
# the LSM, refused at create where it has not (a container asked to run confined must not run
# unconfined). runc refuses them too on such a host, though some only once the init runs; the
# message is checked for hull-runtime only.

load helpers

apparmor_on() { [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; }
selinux_on() { [ -e /sys/fs/selinux/enforce ]; }

@test "lsm: an AppArmor profile on a host without AppArmor fails create, naming it" {
  ! apparmor_on || skip "this host has AppArmor"
  update_config '.process.apparmorProfile = "hull-test-profile"'
  expect_create_failure 'apparmorProfile.*AppArmor is not enabled'
}

@test "lsm: a SELinux process label on a host without SELinux fails create, naming it" {
  ! selinux_on || skip "this host has SELinux"
  update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
  expect_create_failure 'selinuxLabel.*SELinux is not enabled'
}

@test "lsm: a SELinux mount label on a host without SELinux fails create, naming it" {
  ! selinux_on || skip "this host has SELinux"
  update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  expect_create_failure 'mountLabel.*SELinux is not enabled'
}

@test "lsm: the AppArmor profile is the program's (read from /proc/self/attr/current)" {
  apparmor_on || skip "AppArmor is not enabled on this host (its kernel has no AppArmor)"
  update_config '.process.apparmorProfile = "unconfined"'
  set_args 'cat /proc/self/attr/current'
  run run_fg
  assert_success
  assert_output_contains unconfined
}

@test "lsm: the SELinux label is the program's (read from /proc/self/attr/current)" {
  selinux_on || skip "SELinux is off on this host (its kernel has no SELinux)"
  label=$(cat /proc/self/attr/current)
  update_config '.process.selinuxLabel = $l' --arg l "$label"
  set_args 'cat /proc/self/attr/current'
  run run_fg
  assert_success
  assert_output_contains "$label"
}

@test "lsm: the SELinux mount label is on the container's tmpfs and devpts, not on /proc" {
  selinux_on || skip "SELinux is off on this host (its kernel has no SELinux)"
  label=$(stat -c %C /dev/shm 2>/dev/null) || skip "cannot read the host's file labels"
  update_config '.linux.mountLabel = $l' --arg l "$label"
  set_args 'stat -c "%n %C" /dev /dev/shm /dev/pts /dev/mqueue; ls -Zd /proc'
  run run_fg
  assert_success
  for d in /dev /dev/shm /dev/pts /dev/mqueue; do
    grep -q "^$d $label\$" <<<"$output" || fail "$d is not labelled $label: $output"
  done
}

@test "lsm: empty labels ask for nothing and run" {
  update_config '.process.apparmorProfile = "" | .process.selinuxLabel = ""'
  set_args 'echo ran'
  run run_fg
  assert_success
  assert_output_contains ran
}
