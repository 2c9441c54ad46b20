#!/usr/bin/env bats
# Escapes that hit runc or crun, each tried against the runtime under test and shown blocked.
# The attacks are made as a container's process would make them (or, where the harness can
# only reach it from outside, by root on the host with every capability: a stronger attacker
# than any container process).

load helpers

# CVE-2019-5736: a process holding the runtime's binary through /proc/PID/exe (PID being the
# container's init while it still runs the runtime, or the binary run again through a
# `#!/proc/self/exe` entrypoint) waits until no runtime is running and reopens it for writing,
# replacing the host's runtime. Here root on the host plays the container's part: it holds the
# init's /proc/PID/exe while the container is created, then writes once start has returned.
@test "CVE-2019-5736: the runtime's binary cannot be rewritten through /proc/PID/exe" {
  # a copy, so that a runtime that fails the test does not ruin the one under test
  copy=$BATS_TEST_TMPDIR/runtime-copy
  cp "$(readlink -f "$RUNTIME")" "$copy"
  before=$(sha256sum "$copy" | cut -d' ' -f1)
  set_args sleep 100
  "$copy" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&-
  pid=$(container_pid)
  exec 5<"/proc/$pid/exe"
  "$copy" --root "$ROOT" start "$CID" </dev/null 3>&-
  wait_for_status "$CID" running
  if (echo overwritten >>/proc/self/fd/5) 2>"$BATS_TEST_TMPDIR/write.err"; then written=yes; else written=no; fi
  exec 5<&-
  [ "$written" = no ] || fail "the write through /proc/$pid/exe succeeded"
  echo "refused: $(cat "$BATS_TEST_TMPDIR/write.err")"
  [ "$(sha256sum "$copy" | cut -d' ' -f1)" = "$before" ] || fail "the runtime's binary changed"
}

# CVE-2024-21626: runc leaked a descriptor of the host's cgroup directory into the container,
# and a process.cwd of /proc/self/fd/N then started the process outside the rootfs.
@test "CVE-2024-21626: no descriptor of the runtime reaches the container's process" {
  set_args 'for f in /proc/self/fd/*; do echo "$f -> $(readlink "$f")"; done'
  run run_fg
  assert_success
  # 0-2 are the test's own stdio; the glob's directory descriptor may show up, unreadable
  echo "$output" | awk -F' -> ' '{ n = $1; sub(".*/", "", n) } n > 2 && $2 != "" { print; bad = 1 } END { exit bad }' ||
    fail "descriptors beyond stdio: $output"
}

@test "CVE-2024-21626: a process.cwd through /proc/self/fd cannot leave the rootfs" {
  update_config '.process.cwd = "/proc/self/fd/7"'
  set_args 'readlink /proc/self/cwd'
  status=0
  out=$(run_fg 2>&1) || status=$?
  if [ "$status" -eq 0 ]; then
    # started after all: then its cwd must be inside the container
    case $out in /proc/* | /) ;; *) fail "cwd outside the container: $out" ;; esac
  fi
  run rt state "$CID"
  assert_failure
}

@test "procfs and sysfs: a default container cannot write kernel settings" {
  # writable attributes on the host, each tried where this kernel has it
  set_args 'for f in /proc/sys/kernel/panic /proc/sys/vm/drop_caches /proc/sysrq-trigger \
                     /sys/kernel/mm/ksm/run /sys/kernel/profiling /sys/module/printk/parameters/time /sys/power/state; do
              [ -e "$f" ] || { echo "$f absent"; continue; }
              if echo 0 > "$f"; then echo "$f WRITTEN"; else echo "$f refused"; fi
            done 2>/dev/null'
  run run_fg
  assert_success
  [[ $output != *WRITTEN* ]] || fail "$output"
  assert_output_contains "/proc/sys/kernel/panic refused"
  [ "$(grep -c ' refused' <<<"$output")" -ge 3 ] || fail "too few of the files exist to judge: $output"
  if [ -e /proc/sysrq-trigger ]; then assert_output_contains "/proc/sysrq-trigger refused"; fi
}

@test "a default container cannot mount, set the clock, open raw sockets or see host processes" {
  set_args 'mount -t tmpfs t /tmp 2>/dev/null || echo mount-refused
            date -s 2000-01-01 >/dev/null 2>&1; echo "year: $(date +%Y)"
            ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 || echo raw-socket-refused
            echo "pid 1: $(cat /proc/1/comm)"'
  run run_fg
  assert_success
  assert_output_contains mount-refused
  [[ $output != *"year: 2000"* ]] || fail "the clock was set: $output"
  assert_output_contains raw-socket-refused
  # pid 1 is the container's own shell: no host process is there to see or ptrace
  assert_output_contains "pid 1: sh"
  [ "$(date +%Y)" != 2000 ]
}

# CVE-2021-30465: a mount target that another process swaps for a symlink while the runtime
# works on it. runc once resolved the target, then mounted on the path, and so on the symlink's
# target outside the rootfs. Here a racer on the host swaps the rootfs's /vol with a symlink to
# / (renameat2 RENAME_EXCHANGE, as the exploit did) while containers with a tmpfs at /vol/t
# are created: a runtime that ever followed the symlink out would make /t on the host. One that
# follows it inside the rootfs makes the rootfs's /t, which shows the race was met.
@test "CVE-2021-30465: a mount target swapped for a symlink to / mid-create stays in the rootfs" {
  [ ! -e /t ] || skip "the host has a /t already: cannot tell an escape from it"
  skip_if_old_runc "Debian's runc 1.1.5 FAILS this: it follows the swapped symlink and makes /t on the host"
  command -v gcc >/dev/null || skip "gcc is needed to build the racer"
  gcc -O2 -o "$BATS_TEST_TMPDIR/racer" "$BATS_TEST_DIRNAME/../fixtures/rename-racer.c"
  own_rootfs
  root=$BUNDLE/rootfs
  mkdir -p "$root/vol"
  ln -s / "$root/vol.link"
  add_mount /vol/t tmpfs tmpfs
  set_args true
  "$BATS_TEST_TMPDIR/racer" "$root/vol" "$root/vol.link" "$BATS_TEST_TMPDIR/stop" 3>&- &
  racer=$!
  # at least 40 tries; then on until the race has been met at least once (up to 400)
  for ((i = 0; i < 400; i++)); do
    rt run --bundle "$BUNDLE" "$CID-$i" </dev/null >/dev/null 2>&1 || true
    [ "$i" -ge 40 ] && [ -d "$root/t" ] && break
  done
  touch "$BATS_TEST_TMPDIR/stop"
  wait "$racer" || true
  [ ! -e /t ] || { rmdir /t 2>/dev/null; fail "a runtime followed the symlink: /t was made on the host"; }
  [ -d "$root/t" ] || fail "the race was never met (no /t inside the rootfs): the test proved nothing"
}

# CVE-2025-52565: runc bind-mounted the terminal's pty onto the container's /dev/console
# without checking what that was, so an image whose /dev/console is a symlink (into /proc,
# say) sent the mount there, over a file masking would otherwise protect. Here the image's
# own /dev (no tmpfs over it) carries such a link to /proc/sys/kernel/core_pattern.
@test "CVE-2025-52565: an image's /dev/console symlink does not redirect the terminal's mount" {
  skip_if_old_runc "Debian's runc 1.1.5 FAILS this: it mounts the pty over /proc/sys/kernel/core_pattern"
  command -v gcc >/dev/null || skip "gcc is needed to build the console socket's receiver"
  gcc -O2 -o "$BATS_TEST_TMPDIR/recvtty" "$BATS_TEST_DIRNAME/../fixtures/recvtty.c"
  own_rootfs
  ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/console"
  update_config '.mounts |= map(select(.destination != "/dev")) | .process.terminal = true'
  set_args 'echo "mounts-on-core_pattern=$(grep -c " /proc/sys/kernel/core_pattern " /proc/self/mountinfo)";
            [ -L /dev/console ] && echo console-is-link; [ -c /dev/console ] && echo console-is-tty; true'
  sock=$BATS_TEST_TMPDIR/console.sock
  "$BATS_TEST_TMPDIR/recvtty" "$sock" "$BATS_TEST_TMPDIR/tty.out" 3>&- &
  recv=$!
  for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.02; done
  if ! rt_bg create --console-socket "$sock" --bundle "$BUNDLE" "$CID"; then
    kill "$recv" 2>/dev/null || true
    is_hull && fail "create failed"
    return 0 # refusing the link is blocking it too
  fi
  rt start "$CID"
  for i in $(seq 250); do kill -0 "$recv" 2>/dev/null || break; sleep 0.02; done
  out=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
  grep -qx 'mounts-on-core_pattern=0' <<<"$out" || fail "the pty went over core_pattern: $out"
  grep -qx console-is-tty <<<"$out" || fail "/dev/console is not the terminal: $out"
}

# CVE-2025-31133: runc masked files with a bind of the container's /dev/null, following it when
# it was a symlink, so a /dev/null pointing at /proc/sys/kernel/core_pattern turned every masked
# file into the host's core_pattern (Debian's runc 1.1.5 even writes the container's output
# there). Here the image's own /dev (no tmpfs over it) carries such a link; the masked
# /proc/keys must end up the null device, and the host's core_pattern must not change (it is
# put back, and the test fails, if it did).
@test "CVE-2025-31133: an image's /dev/null symlink does not turn masked paths into what it points at" {
  skip_if_old_runc "Debian's runc 1.1.5 FAILS this: it writes the container's output into the host's core_pattern"
  local before
  before=$(cat /proc/sys/kernel/core_pattern)
  own_rootfs
  ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
  update_config '.mounts |= map(select(.destination != "/dev")) | .linux.maskedPaths = ["/proc/keys"]'
  set_args 'stat -c "%F %t:%T" /proc/keys; cat /proc/keys | wc -c'
  status=0
  out=$(run_fg 2>&1) || status=$?
  if [ "$(cat /proc/sys/kernel/core_pattern)" != "$before" ]; then
    printf '%s\n' "$before" >/proc/sys/kernel/core_pattern
    fail "the host's core_pattern was changed (put back)"
  fi
  if [ "$status" -ne 0 ]; then
    is_hull && fail "create failed: $out"
    return 0 # refusing is blocking it too
  fi
  grep -qx "character special file 1:3" <<<"$out" || fail "/proc/keys is not masked by the null device: $out"
  [ "$(tail -1 <<<"$out")" = 0 ] || fail "/proc/keys shows data: $out"
}
