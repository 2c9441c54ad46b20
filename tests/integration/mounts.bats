#!/usr/bin/env bats
# mounts, root.readonly, rootfsPropagation, maskedPaths and readonlyPaths, read back from
# inside the container (or from the container's /proc/PID/mountinfo while it runs).

load helpers

# mountinfo_line MOUNTPOINT: the container's (last) mountinfo line for MOUNTPOINT, from $output.
mountinfo_line() {
  awk -v m="$1" '$5 == m { l = $0 } END { print l }' <<<"$output"
}

# make_shared_dir DIR: DIR as a shared mount point of its own (host mounts are private here).
make_shared_dir() {
  mkdir -p "$1"
  mount --bind "$1" "$1"
  mount --make-shared "$1"
}

@test "bind mount of a directory: contents visible, writes reach the host" {
  src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  echo from-host > "$src/f"
  add_mount /mnt bind "$src" bind rw
  set_args 'cat /mnt/f; echo from-container > /mnt/g'
  run run_fg
  assert_success
  assert_output_equals from-host
  [ "$(cat "$src/g")" = from-container ]
}

@test "bind mount of a file" {
  echo '10.9.8.7 hull-bound' > "$BATS_TEST_TMPDIR/hosts"
  add_mount /etc/hosts bind "$BATS_TEST_TMPDIR/hosts" bind
  set_args 'cat /etc/hosts'
  run run_fg
  assert_success
  assert_output_equals '10.9.8.7 hull-bound'
}

@test "bind mount of a file onto a missing destination creates a file, not a directory" {
  own_rootfs
  echo payload > "$BATS_TEST_TMPDIR/file"
  add_mount /etc/newdir/newfile bind "$BATS_TEST_TMPDIR/file" bind
  set_args 'cat /etc/newdir/newfile'
  run run_fg
  assert_success
  assert_output_equals payload
  [ -f "$BUNDLE/rootfs/etc/newdir/newfile" ]
}

@test "bind mount: a missing source fails" {
  add_mount /mnt bind "$BATS_TEST_TMPDIR/does-not-exist" bind
  set_args true
  run --separate-stderr run_fg
  assert_failure
  [ -n "$stderr" ]
}

@test "read-only bind mount: writing fails, the host file is unchanged" {
  src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  echo original > "$src/f"
  add_mount /mnt bind "$src" rbind ro
  set_args 'echo changed > /mnt/f && echo WROTE; touch /mnt/new && echo CREATED; grep " /mnt " /proc/self/mountinfo'
  run run_fg
  [[ $output != *WROTE* ]]
  [[ $output != *CREATED* ]]
  [[ $(mountinfo_line /mnt) == *" /mnt ro"* ]]
  [ "$(cat "$src/f")" = original ]
  [ ! -e "$src/new" ]
}

@test "recursive bind (rbind) carries submounts; plain bind does not" {
  src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src/sub"
  mount -t tmpfs -o size=1m tmpfs "$src/sub"
  echo in-submount > "$src/sub/f"
  add_mount /mnt bind "$src" rbind
  set_args 'cat /mnt/sub/f 2>/dev/null || echo MISSING'
  run run_fg
  r1=$output s1=$status
  update_config '.mounts[-1].options = ["bind"]'
  run run_fg "$CID-2"
  r2=$output s2=$status
  umount "$src/sub"
  [ "$s1" -eq 0 ] || fail "rbind run failed: $r1"
  [ "$r1" = in-submount ] || fail "rbind: $r1"
  [ "$s2" -eq 0 ] || fail "bind run failed: $r2"
  [ "$r2" = MISSING ] || fail "bind: $r2"
}

@test "tmpfs with options: mode, size, uid and gid as requested" {
  add_mount /mnt tmpfs tmpfs size=1m mode=1770 uid=1000 gid=1000
  set_args 'grep " /mnt " /proc/mounts; stat -c "%a %u %g" /mnt'
  run run_fg
  assert_success
  [[ ${lines[0]} == "tmpfs /mnt tmpfs "* ]]
  [[ ${lines[0]} == *size=1024k* ]]
  [[ ${lines[0]} == *mode=1770* ]]
  [[ ${lines[0]} == *uid=1000* ]]
  [[ ${lines[0]} == *gid=1000* ]]
  if is_hull; then
    # runc chmods a tmpfs back to the mode of the directory it covers; hull keeps mode=
    [ "${lines[1]}" = "1770 1000 1000" ]
  fi
}

@test "nosuid, nodev, noexec are applied (mountinfo and behaviour)" {
  add_mount /mnt tmpfs tmpfs nosuid nodev noexec size=1m
  set_args 'grep " /mnt " /proc/self/mountinfo; printf "#!/bin/sh\necho RAN\n" > /mnt/s; chmod +x /mnt/s; /mnt/s || echo NOEXEC'
  run run_fg
  line=$(mountinfo_line /mnt)
  opts=$(awk '{print $6}' <<<"$line")
  [[ ,$opts, == *,nosuid,* ]]
  [[ ,$opts, == *,nodev,* ]]
  [[ ,$opts, == *,noexec,* ]]
  [[ $output == *NOEXEC* ]]
  [[ $output != *RAN* ]]
}

@test "mount flags: rw by default, ro and noatime when asked" {
  add_mount /mnt tmpfs tmpfs size=1m
  add_mount /opt tmpfs tmpfs size=1m ro noatime
  set_args 'cat /proc/self/mountinfo'
  run run_fg
  assert_success
  [[ $(mountinfo_line /mnt) == *" /mnt rw"* ]]
  [[ $(mountinfo_line /opt) == *" /opt ro,"* ]]
  [[ $(mountinfo_line /opt) == *noatime* ]]
}

@test "mount without type: bind given by the options" {
  src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  echo typeless > "$src/f"
  update_config '.mounts += [{destination: "/mnt", source: $s, options: ["rbind", "ro"]}]' --arg s "$src"
  set_args 'cat /mnt/f'
  run run_fg
  assert_success
  assert_output_equals typeless
}

@test "mount propagation options: slave and shared receive host mounts, private does not" {
  src=$BATS_TEST_TMPDIR/src
  make_shared_dir "$src"
  mkdir -p "$src/sub"
  add_mount /mnt bind "$src" rbind rslave
  set_args sleep 100
  got=()
  for prop in rslave slave shared rshared private rprivate; do
    update_config '.mounts[-1].options = ["rbind", $p]' --arg p "$prop"
    run_detached "$CID-$prop"
    pid=$(container_pid "$CID-$prop")
    mount -t tmpfs -o size=1m tmpfs "$src/sub"
    if grep -q " /mnt/sub " "/proc/$pid/mountinfo"; then got+=("$prop:seen"); else got+=("$prop:not-seen"); fi
    umount "$src/sub"
    rt delete --force "$CID-$prop"
  done
  umount "$src"
  [ "${got[*]}" = "rslave:seen slave:seen shared:seen rshared:seen private:not-seen rprivate:not-seen" ]
}

@test "root.readonly: writing to / fails" {
  set_args 'touch /newfile && echo WROTE; cat /proc/self/mountinfo'
  run run_fg
  [[ $output != *WROTE* ]]
  [[ $(awk '$5 == "/" { print $6; exit }' <<<"$output") == ro* ]]
}

@test "root.readonly false: / is writable" {
  own_rootfs
  set_args 'touch /newfile && echo WROTE'
  run run_fg
  assert_success
  assert_output_equals WROTE
  [ -f "$BUNDLE/rootfs/newfile" ]
}

@test "rootfsPropagation: private, slave and shared are accepted" {
  set_args true
  for p in private slave shared; do
    update_config '.linux.rootfsPropagation = $p' --arg p "$p"
    run run_fg "$CID-$p"
    [ "$status" -eq 0 ] || fail "rootfsPropagation $p: $output"
  done
}

@test "rootfsPropagation: unbindable is accepted" {
  skip_if_runc "runc makes / unbindable before it binds the rootfs, and the bind fails (EINVAL)"
  set_args true
  for p in unbindable; do
    update_config '.linux.rootfsPropagation = $p' --arg p "$p"
    run run_fg "$CID-$p"
    [ "$status" -eq 0 ] || fail "rootfsPropagation $p: $output"
  done
}

@test "rootfsPropagation slave: mounts made on the host under the rootfs reach the container; private: they do not" {
  own_rootfs
  make_shared_dir "$BUNDLE/rootfs"
  set_args sleep 100
  # runc makes the rootfs' parent mount private when it is shared, so its "slave" ends up
  # private; its "rslave" (an extension to the spec's four values) gives the slave effect.
  slave=slave
  if is_runc; then slave=rslave; fi
  got=()
  for p in $slave private; do
    update_config '.linux.rootfsPropagation = $p' --arg p "$p"
    run_detached "$CID-$p"
    pid=$(container_pid "$CID-$p")
    mount -t tmpfs -o size=1m tmpfs "$BUNDLE/rootfs/opt"
    if grep -q " /opt " "/proc/$pid/mountinfo"; then got+=("$p:seen"); else got+=("$p:not-seen"); fi
    umount "$BUNDLE/rootfs/opt"
    rt delete --force "$CID-$p"
  done
  umount "$BUNDLE/rootfs"
  [ "${got[*]}" = "$slave:seen private:not-seen" ]
}

@test "mount target that is a symlink to a host path stays inside the rootfs" {
  own_rootfs
  ln -s /etc "$BUNDLE/rootfs/evil"
  src=$BATS_TEST_TMPDIR/src
  mkdir -p "$src"
  echo marker > "$src/marker"
  add_mount /evil bind "$src" bind ro
  set_args 'cat /etc/marker 2>/dev/null || echo NO-MARKER; test -e /etc/passwd && echo PASSWD-VISIBLE'
  run --separate-stderr run_fg
  # Refusing the mount is acceptable; following the link outside the rootfs is not. If the
  # mount was made, it must have landed on the rootfs' own /etc.
  if [ "$status" -eq 0 ]; then
    assert_output_equals marker
  fi
  [ ! -e /etc/marker ]
  refute grep -q " /etc " /proc/self/mountinfo
}

@test "mount target through a relative symlink climbing out of the rootfs stays inside" {
  own_rootfs
  mkdir -p "$BATS_TEST_TMPDIR/outside"
  ln -s ../../../../../../../../../../"$BATS_TEST_TMPDIR/outside" "$BUNDLE/rootfs/climb"
  add_mount /climb tmpfs tmpfs size=1m
  set_args 'grep -c tmpfs /proc/self/mountinfo >/dev/null; echo ok'
  run run_fg
  # whatever the runtime did, the host directory was not mounted over
  refute grep -q " $BATS_TEST_TMPDIR/outside " /proc/self/mountinfo
  if [ "$status" -eq 0 ]; then
    # the tmpfs is inside the rootfs: the host dir did not receive the container's files
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  fi
}

@test "mount destinations that are relative are refused" {
  update_config '.mounts += [{destination: "mnt", type: "tmpfs", source: "tmpfs"}]'
  set_args true
  skip_if_old_runc "runc 1.1 accepts relative destinations (deprecated behaviour)"
  run --separate-stderr run_fg
  assert_failure
  [ -n "$stderr" ]
}

@test "maskedPaths: the default masked files read as empty and directories list as empty" {
  cmd="" n=0
  for p in $(jq -r '.linux.maskedPaths[]' "$BUNDLE/config.json"); do
    if [ -f "$p" ]; then cmd+="echo $p \$(cat $p | wc -c); "; n=$((n + 1))
    elif [ -d "$p" ]; then cmd+="echo $p \$(ls -A $p | wc -l); "; n=$((n + 1)); fi
  done
  [ "$n" -gt 0 ] || skip "none of the masked paths exists on this kernel"
  set_args "$cmd"
  run run_fg
  assert_success
  [ "${#lines[@]}" -eq "$n" ]
  for l in "${lines[@]}"; do
    [[ $l == *" 0" ]] || fail "not masked: $l"
  done
}

@test "maskedPaths: a custom entry hides the file" {
  update_config '.linux.maskedPaths += ["/etc/passwd", "/home"]'
  set_args 'wc -c < /etc/passwd; ls -A /home | wc -l; echo x > /etc/passwd; wc -c < /etc/passwd'
  run run_fg
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 0 ]
  # a write may fail or vanish (runc masks files with /dev/null), but never lands
  [ "${lines[-1]}" = 0 ]
  grep -q '^root:' "$ROOTFS_SRC/etc/passwd"
}

@test "readonlyPaths: the paths are read-only" {
  set_args 'echo 1 > /proc/sys/kernel/ns_last_pid && echo WROTE-SYS; echo h > /proc/sysrq-trigger && echo WROTE-SYSRQ; grep -E " /proc/(sys|bus|fs|irq|sysrq-trigger) " /proc/self/mountinfo | awk "{print \$5, \$6}"'
  run run_fg
  [[ $output != *WROTE* ]]
  for p in /proc/sys /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do
    [ -e "$p" ] || continue
    grep -qE "^$p ro(,|$)" <<<"$output" || fail "$p not read-only: $output"
  done
}

@test "readonlyPaths: a custom entry over a writable mount" {
  add_mount /mnt tmpfs tmpfs size=1m
  update_config '.linux.readonlyPaths += ["/mnt"]'
  set_args 'touch /mnt/x && echo WROTE; grep " /mnt " /proc/self/mountinfo'
  run run_fg
  [[ $output != *WROTE* ]]
  [[ $(mountinfo_line /mnt) == *" /mnt ro"* ]]
}

@test "default mounts: proc, sysfs read-only, /dev tmpfs, devpts, shm 1777, mqueue" {
  set_args 'cat /proc/self/mountinfo; stat -c %a /dev/shm'
  run run_fg
  assert_success
  [[ $(mountinfo_line /proc) == *" - proc "* ]]
  [[ $(mountinfo_line /sys) == *" /sys ro,"* ]]
  [[ $(mountinfo_line /sys) == *" - sysfs "* ]]
  [[ $(mountinfo_line /dev) == *" - tmpfs "* ]]
  [[ $(mountinfo_line /dev/pts) == *" - devpts "* ]]
  [[ $(mountinfo_line /dev/shm) == *" - tmpfs "* ]]
  [[ $(mountinfo_line /dev/mqueue) == *" - mqueue "* ]]
  [ "${lines[-1]}" = 1777 ]
}

@test "the host's mounts outside the rootfs are not visible" {
  set_args 'cat /proc/self/mountinfo'
  run run_fg
  assert_success
  # field 5 is the mount point; field 4 (the root of a bind mount) may name the host source
  refute grep -q "^/work" <<<"$(awk '{print $5}' <<<"$output")"
  refute grep -q "$BATS_TEST_TMPDIR" <<<"$(awk '{print $5}' <<<"$output")"
}
