#!/usr/bin/env bats
# Each `hull run` flag's effect, seen from inside the container: its /proc/self/status
# (capabilities, NoNewPrivs, Seccomp), /proc/self/mountinfo, /proc/net/dev, its cgroup files,
# id, hostname, env, pwd, and files written in it. Bad values: an error naming the flag, and
# no record, directory or mount left. Same store and teardown as engine.bats.

load helpers
load engine-helpers

setup() { engine_setup; }
teardown() { engine_teardown; }

# The default capability set (CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID
# NET_BIND_SERVICE SYS_CHROOT) as /proc/PID/status writes it.
DEFAULT_CAPS=00000000000404fb

# in_ctr FLAGS... IMAGE CMD...: hull run --rm, warnings of running as root left out
in_ctr() { hq run --rm "$@"; }

# status_field NAME: the field of /proc/self/status in $output
status_field() { awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"; }

# mount_opts DEST: the mount options of DEST in the mountinfo in $output
mount_opts() { awk -v d="$1" '$5 == d { print $6 }' <<<"$output" | tail -1; }

# nothing_left: no record, container directory or mount of the store
nothing_left() {
  [ "$(records_count)" -eq 0 ] || fail "a record is left: $(hull ps -a)"
  [ -z "$(ls -A "$STORE/containers" 2>/dev/null)" ] || fail "a container directory is left: $(ls -A "$STORE/containers")"
  ! findmnt -rn -o TARGET | grep -qF "$STORE/" || fail "mounts left: $(findmnt -rn -o TARGET | grep -F "$STORE/")"
}

# refused FLAG ARGS...: hull run ARGS fails with 125, an error naming FLAG, nothing left
refused() {
  local flag=$1
  shift
  run hq run --rm "$@"
  [ "$status" -eq 125 ] || fail "hull run $*: status $status (not 125)" "$output"
  [[ $output == *"$flag"* ]] || fail "hull run $*: the error does not name $flag" "$output"
  nothing_left
}

# hex_or A B: A | B of two capability masks, as /proc writes them
hex_or() { printf '%016x' $((0x$1 | 0x$2)); }
hex_andnot() { printf '%016x' $((0x$1 & ~0x$2)); }

# --- --rm, -d, -i, -t, --name ---------------------------------------------------------------

@test "flags: --rm removes the container once it ended; without it the record stays, exited" {
  run -0 in_ctr busybox sh -c 'echo $((6 * 7))'
  [ "$output" = 42 ]
  nothing_left
  run -0 hq run --name kept busybox true
  run -0 hull ps -a --format json
  [ "$(jq -r '.[0].State' <<<"$output")" = exited ] && [ "$(jq -r '.[0].Names[0]' <<<"$output")" = kept ]
  run -0 hull rm kept
}

@test "flags: -d runs it in the background and prints its ID; --rm -d removes it once it ended" {
  run -0 hq run -d --name bg busybox sh -c 'echo $$ >/tmp/pid; sleep 100'
  [[ $output =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$output'"
  until_state bg running
  run -0 hull exec bg cat /tmp/pid
  [ "$output" = 1 ]
  run -0 hull stop -t 1 bg
  run -0 hull rm bg
  # (it may be gone before hull wait could ask for it)
  run -0 hq run --rm -d --name bgrm busybox true
  for ((i = 0; i < 100; i++)); do [ "$(records_count)" -eq 0 ] && break; sleep 0.05; done
  nothing_left
}

@test "flags: -i gives the container hull's stdin; without it stdin is /dev/null" {
  run -0 bash -c "printf 'a\nb\n' | $HULL --root $STORE --runroot $RUNROOT run --rm -i busybox wc -l 2>/dev/null"
  [ "$output" = 2 ]
  run -0 in_ctr busybox readlink /proc/self/fd/0
  [ "$output" = /dev/null ]
}

@test "flags: -t gives the container a terminal and TERM" {
  command -v script >/dev/null || skip "script(1) is not installed"
  run -0 timeout 60 script -qec "$HULL --root $STORE --runroot $RUNROOT run --rm -t busybox sh -c 'tty; echo term=\$TERM; stty size'" /dev/null </dev/null
  output=$(tr -d '\r' <<<"$output")
  grep -q '^/dev/pts/[0-9]' <<<"$output" || fail "no terminal" "$output"
  grep -qx 'term=xterm' <<<"$output" || fail "no TERM" "$output"
  run -0 in_ctr busybox sh -c 'tty; echo term=$TERM'
  [[ $output == *"not a tty"* ]] && [[ $output == *"term="$'\n'* || $output == *"term=" ]] || fail "$output"
}

@test "flags: --name names the container; a bad or taken name is refused" {
  run -0 hq run -d --name my.box-1 busybox sleep 100
  ID=$output
  run -0 hull inspect my.box-1
  [ "$(jq -r '.[0].Id' <<<"$output")" = "$ID" ]
  run -0 hull ps --format json
  [ "$(jq -r '.[0].Names[0]' <<<"$output")" = my.box-1 ]
  run hq run --rm --name my.box-1 busybox true
  [ "$status" -eq 125 ] && [[ $output == *"in use"* ]] || fail "status $status: $output"
  [ "$(records_count)" -eq 1 ]
  hull rm -f my.box-1
  refused --name --name -bad busybox true
  refused --name --name 'a/b' busybox true
}

# --- -e, --env-file -----------------------------------------------------------------------------

@test "flags: -e KEY=VAL sets, -e KEY takes hull's value (or nothing), the image's Env is overridden" {
  export HULL_T_HOST=from-host
  unset HULL_T_UNSET
  run -0 in_ctr -e A=1 -e 'B=two words' -e HULL_T_HOST -e HULL_T_UNSET -e FOO=over -e A=last busybox env
  grep -qx 'A=last' <<<"$output" || fail "$output"
  grep -qx 'B=two words' <<<"$output" || fail "$output"
  grep -qx 'HULL_T_HOST=from-host' <<<"$output" || fail "$output"
  ! grep -q '^HULL_T_UNSET' <<<"$output" || fail "$output"
  grep -qx 'FOO=over' <<<"$output" || fail "$output"
  [ "$(grep -c '^A=' <<<"$output")" -eq 1 ] || fail "$output"
  # the defaults
  run -0 in_ctr busybox env
  grep -qx 'FOO=bar' <<<"$output" && grep -q '^PATH=/' <<<"$output" && grep -qx 'HOME=/root' <<<"$output" || fail "$output"
  grep -q '^HOSTNAME=[0-9a-f]\{12\}$' <<<"$output" || fail "$output"
  refused -e -e =x busybox true
  refused -e -e 'A B=1' busybox true
}

@test "flags: --env-file reads KEY=VALUE lines, skipping comments and blank lines" {
  export HULL_T_HOST=host-value
  printf '# a comment\n\nX=1\n  Y=with spaces and = signs\nHULL_T_HOST\n' >"$T/env"
  run -0 in_ctr --env-file "$T/env" -e X=2 busybox env
  grep -qx 'X=2' <<<"$output" || fail "$output"
  grep -qx 'Y=with spaces and = signs' <<<"$output" || fail "$output"
  grep -qx 'HULL_T_HOST=host-value' <<<"$output" || fail "$output"
  ! grep -q comment <<<"$output" || fail "$output"
  refused --env-file --env-file "$T/no-such-file" busybox true
  printf 'OK=1\n=bad\n' >"$T/bad.env"
  refused --env-file --env-file "$T/bad.env" busybox true
  [[ $output == *"line 2"* ]] || fail "$output"
}

# --- -u, -w --------------------------------------------------------------------------------------

@test "flags: -u takes a uid, uid:gid, or a name from the image's /etc/passwd" {
  run -0 hull run --rm -u 1000 busybox sh -c 'id; echo $HOME'
  [[ ${lines[0]} == "uid=1000(user) gid=1000(user)"* ]] || fail "$output"
  [ "${lines[1]}" = /home/user ]
  [[ $output != *"runs as root"* ]] || fail "a root warning for uid 1000: $output"
  run -0 hull run --rm -u 1000:65534 busybox id -u
  [ "$output" = 1000 ]
  run -0 hull run --rm -u 1000:65534 busybox id -g
  [ "$output" = 65534 ]
  run -0 hull run --rm -u nobody busybox sh -c 'id -u; id -g; echo $HOME'
  [ "$(echo $output)" = "65534 65534 /nonexistent" ]
  run -0 hull run --rm -u user:nogroup busybox sh -c 'id -u; id -g'
  [ "$(echo $output)" = "1000 65534" ]
  # a uid the image does not know is taken as it is
  run -0 hull run --rm -u 4242 busybox sh -c 'id -u; id -g; echo $HOME'
  [ "$(echo $output)" = "4242 0 /" ]
  # a non-root user holds no capability (the default set is its bounding set only)
  run -0 hull run --rm -u 1000 busybox grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status
  [ "$(status_field CapEff)" = 0000000000000000 ] && [ "$(status_field CapBnd)" = $DEFAULT_CAPS ] || fail "$output"
  # root is warned of
  run -0 hull run --rm -u 0 busybox id -u
  [[ $output == *"warning: the container runs as root"* ]] || fail "no root warning: $output"
  refused -u -u no-such-user busybox true
  refused -u -u 1000:no-such-group busybox true
  refused -u -u 1000: busybox true
}

@test "flags: -w sets the working directory, made when the image lacks it" {
  run -0 in_ctr -w /tmp busybox pwd
  [ "$output" = /tmp ]
  run -0 in_ctr busybox pwd
  [ "$output" = / ]
  run -0 in_ctr -w /new/dir busybox sh -c 'pwd; touch x && echo writable'
  [ "$(echo $output)" = "/new/dir writable" ]
  refused -w -w relative busybox true
}

# --- -v, --mount, --tmpfs, --read-only -----------------------------------------------------------

@test "flags: -v binds a host directory read-write, and read-only with :ro" {
  mkdir "$T/vol"
  echo host >"$T/vol/in"
  run -0 in_ctr -v "$T/vol:/data" busybox sh -c 'cat /data/in; echo ctr >/data/out; cat /proc/self/mountinfo'
  [ "${lines[0]}" = host ]
  [ "$(cat "$T/vol/out")" = ctr ]
  opts=$(mount_opts /data)
  [[ ,$opts, == *,rw,* && ,$opts, == *,nosuid,* && ,$opts, == *,nodev,* ]] || fail "/data: $opts"
  run in_ctr -v "$T/vol:/data:ro" busybox sh -c 'echo x >/data/out2'
  [ "$status" -ne 0 ] && [[ $output == *"Read-only file system"* ]] || fail "status $status: $output"
  [ ! -e "$T/vol/out2" ]
  run -0 in_ctr -v "$T/vol:/data:ro" busybox cat /proc/self/mountinfo
  [[ ,$(mount_opts /data), == *,ro,* ]] || fail "/data: $(mount_opts /data)"
  # a single file
  run -0 in_ctr -v "$T/vol/in:/etc/motd:ro" busybox cat /etc/motd
  [ "$output" = host ]
  # read-only all the way down: a mount below the source is read-only too
  mkdir "$T/vol/sub"
  mount -t tmpfs hull-test "$T/vol/sub"
  run in_ctr -v "$T/vol:/data:ro" busybox touch /data/sub/x
  umount "$T/vol/sub"
  [ "$status" -ne 0 ] && [[ $output == *"Read-only file system"* ]] || fail "a submount was writable: $output"
}

@test "flags: -v :noexec, :nosuid and :nodev by default, :exec; a missing source is refused" {
  mkdir "$T/vol"
  cp "$ROOTFS_SRC/bin/busybox" "$T/vol/busybox"
  run in_ctr -v "$T/vol:/data:noexec" busybox /data/busybox true
  [ "$status" -eq 126 ] || fail "noexec: status $status: $output"
  run -0 in_ctr -v "$T/vol:/data:noexec" busybox cat /proc/self/mountinfo
  opts=$(mount_opts /data)
  [[ ,$opts, == *,noexec,* && ,$opts, == *,nosuid,* && ,$opts, == *,nodev,* ]] || fail "/data: $opts"
  run -0 in_ctr -v "$T/vol:/data:exec" busybox /data/busybox echo ran
  [ "$output" = ran ]
  run -0 in_ctr -v "$T/vol:/data:suid,dev" busybox cat /proc/self/mountinfo
  opts=$(mount_opts /data)
  [[ ,$opts, != *,nosuid,* && ,$opts, != *,nodev,* ]] || fail "/data with suid,dev: $opts"
  refused "$T/no-such-dir" -v "$T/no-such-dir:/data" busybox true
  [[ $output == *"-v: host path"*"No such file or directory"* ]] || fail "$output"
  refused --mount --mount "type=bind,source=$T/no-such-dir,target=/data" busybox true
  refused -v -v "$T/vol" busybox true
  refused -v -v "relative:/data" busybox true
  refused -v -v "$T/vol:/data:bogus" busybox true
  refused -v -v "$T/vol:/data:ro,rw" busybox true
  refused -v -v "$T/vol:/proc/x" busybox true
  refused --tmpfs -v "$T/vol:/d" --tmpfs /d busybox true
}

@test "flags: --mount type=bind and type=tmpfs" {
  mkdir "$T/vol"
  echo host >"$T/vol/in"
  run -0 in_ctr --mount "type=bind,source=$T/vol,target=/m,readonly" busybox sh -c 'cat /m/in; cat /proc/self/mountinfo'
  [ "${lines[0]}" = host ]
  [[ ,$(mount_opts /m), == *,ro,* ]] || fail "/m: $(mount_opts /m)"
  run -0 in_ctr --mount "type=bind,src=$T/vol,dst=/m" busybox sh -c 'echo w >/m/w'
  [ "$(cat "$T/vol/w")" = w ]
  run -0 in_ctr --mount "type=tmpfs,destination=/scratch,tmpfs-size=2m,tmpfs-mode=0700" busybox sh -c \
    'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo'
  [ "${lines[0]}" = 700 ]
  [[ ${lines[1]} == *" tmpfs "*size=2048k* ]] || fail "$output"
  refused --mount --mount "type=volume,source=v,target=/v" busybox true
  refused --mount --mount "type=bind,target=/v" busybox true
  refused --mount --mount "type=tmpfs,target=/v,tmpfs-size=lots" busybox true
  refused --mount --mount "type=bind,source=$T/vol,target=/v,color=blue" busybox true
}

@test "flags: --tmpfs with size and mode, noexec by default" {
  run -0 in_ctr --tmpfs /scratch:size=1m,mode=1770 busybox sh -c \
    'stat -c %a /scratch; grep " /scratch " /proc/self/mountinfo; dd if=/dev/zero of=/scratch/f bs=1k count=2048 2>&1; echo dd=$?'
  [ "${lines[0]}" = 1770 ] || fail "$output"
  [[ ${lines[1]} == *" tmpfs "*size=1024k* ]] || fail "$output"
  opts=$(awk '$5 == "/scratch" { print $6 }' <<<"$output")
  [[ ,$opts, == *,noexec,* && ,$opts, == *,nosuid,* && ,$opts, == *,nodev,* ]] || fail "$opts"
  [[ $output == *"No space left"* ]] && [[ $output != *dd=0* ]] || fail "a 2 MiB file fitted in 1 MiB: $output"
  run -0 in_ctr --tmpfs /scratch busybox sh -c 'echo x >/scratch/f && cat /scratch/f'
  [ "$output" = x ]
  refused --tmpfs --tmpfs /scratch:size=big busybox true
  refused --tmpfs --tmpfs /scratch:mode=999 busybox true
  refused --tmpfs --tmpfs scratch busybox true
}

@test "flags: --read-only: the root is not writable, /tmp, /var/tmp and /run are" {
  run in_ctr --read-only busybox sh -c 'touch /x'
  [ "$status" -ne 0 ] && [[ $output == *"Read-only file system"* ]] || fail "status $status: $output"
  run -0 in_ctr --read-only busybox sh -c 'touch /tmp/a /var/tmp/b /run/c && echo ok; stat -c %a /tmp; cat /proc/self/mountinfo'
  [ "${lines[0]}" = ok ] && [ "${lines[1]}" = 1777 ] || fail "$output"
  [[ ,$(mount_opts /), == *,ro,* ]] || fail "/: $(mount_opts /)"
  # a volume wins over the tmpfs
  mkdir "$T/vol"
  run -0 in_ctr --read-only -v "$T/vol:/tmp" busybox touch /tmp/from-ctr
  [ -e "$T/vol/from-ctr" ]
  # without it, the root is writable
  run -0 in_ctr busybox sh -c 'touch /x && echo ok'
  [ "$output" = ok ]
}

# --- capabilities, --privileged, --security-opt --------------------------------------------------

@test "flags: --cap-add and --cap-drop change CapEff and CapBnd; ALL" {
  run -0 in_ctr busybox grep -E '^Cap' /proc/self/status
  [ "$(status_field CapEff)" = $DEFAULT_CAPS ] && [ "$(status_field CapBnd)" = $DEFAULT_CAPS ] || fail "$output"
  # NET_ADMIN is bit 12, CHOWN bit 0, KILL bit 5
  run -0 in_ctr --cap-add NET_ADMIN --cap-drop cap_chown --cap-drop Kill busybox grep -E '^Cap' /proc/self/status
  want=$(hex_andnot "$(hex_or $DEFAULT_CAPS 1000)" 21)
  [ "$(status_field CapEff)" = "$want" ] && [ "$(status_field CapBnd)" = "$want" ] || fail "want $want: $output"
  # the capability works: NET_ADMIN changes lo's MTU
  run -0 in_ctr --cap-add NET_ADMIN busybox sh -c 'ip link set lo mtu 1500 && cat /sys/class/net/lo/mtu'
  [ "$output" = 1500 ]
  run in_ctr busybox ip link set lo mtu 1500
  [ "$status" -ne 0 ] || fail "ip link set without NET_ADMIN worked"
  run -0 in_ctr --cap-drop all busybox grep -E '^Cap' /proc/self/status
  [ "$(status_field CapEff)" = 0000000000000000 ] && [ "$(status_field CapBnd)" = 0000000000000000 ] || fail "$output"
  run -0 in_ctr --cap-drop ALL --cap-add CHOWN busybox grep -E '^Cap' /proc/self/status
  [ "$(status_field CapEff)" = 0000000000000001 ] || fail "$output"
  # ALL: every capability hull holds
  host=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
  run -0 in_ctr --cap-add all busybox grep -E '^Cap' /proc/self/status
  [ "$(status_field CapEff)" = "$host" ] && [ "$(status_field CapBnd)" = "$host" ] || fail "host $host: $output"
  # a user: --cap-add gives it that capability in every set, the others stay in the bounding set only
  run -0 in_ctr -u 1000 --cap-add NET_ADMIN busybox grep -E '^Cap' /proc/self/status
  [ "$(status_field CapEff)" = 0000000000001000 ] && [ "$(status_field CapAmb)" = 0000000000001000 ] || fail "$output"
  [ "$(status_field CapBnd)" = "$(hex_or $DEFAULT_CAPS 1000)" ] || fail "$output"
  refused --cap-add --cap-add NOT_A_CAP busybox true
  refused --cap-drop --cap-drop '' busybox true
}

@test "flags: --cap-add of a capability hull does not hold is refused" {
  bit=$(for ((b = 0; b <= $(cat /proc/sys/kernel/cap_last_cap); b++)); do
    (( (0x$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status) >> b) & 1 )) || { echo $b; break; }
  done)
  [ -n "$bit" ] || skip "hull holds every capability here"
  name=$(capsh --decode=$(printf '%x' $((1 << bit))) 2>/dev/null | sed 's/.*=//') || true
  [ -n "$name" ] || skip "capsh(1) is not installed"
  refused --cap-add --cap-add "$name" busybox true
  [[ $output == *"does not hold"* ]] || fail "$output"
}

@test "flags: --privileged: all capabilities, no seccomp, NoNewPrivs 0, /sys writable, a loud warning" {
  host=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
  run -0 hull run --rm --privileged busybox sh -c 'grep -E "^(Cap|NoNewPrivs|Seccomp)" /proc/self/status; cat /proc/self/mountinfo'
  [ "$(status_field CapEff)" = "$host" ] && [ "$(status_field CapBnd)" = "$host" ] || fail "host $host: $output"
  [ "$(status_field Seccomp)" = 0 ] && [ "$(status_field NoNewPrivs)" = 0 ] || fail "$output"
  [[ ,$(mount_opts /sys), == *,rw,* ]] || fail "/sys: $(mount_opts /sys)"
  [[ $output == *"warning: --privileged: every protection is off"* ]] || fail "no warning: $output"
  [[ $output == *"can take over the host"* ]] || fail "$output"
  # masked paths are not masked
  run -0 in_ctr --privileged busybox sh -c 'grep -c . /proc/timer_list >/dev/null && echo readable'
  grep -qx readable <<<"$output" || fail "$output"
  run in_ctr busybox sh -c 'grep -c . /proc/timer_list'
  [ "$output" = 0 ] || fail "/proc/timer_list is not masked without --privileged: $output"
  # no-new-privileges asked for stays
  run -0 in_ctr --privileged --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
  [ "$(status_field NoNewPrivs)" = 1 ]
}

@test "flags: --security-opt no-new-privileges=false turns NoNewPrivs off, only then" {
  run -0 in_ctr busybox grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
  [ "$(status_field NoNewPrivs)" = 1 ] && [ "$(status_field Seccomp)" = 2 ] || fail "$output"
  run -0 hull run --rm --security-opt no-new-privileges=false busybox grep NoNewPrivs /proc/self/status
  [ "$(status_field NoNewPrivs)" = 0 ] || fail "$output"
  [[ $output == *"warning: no-new-privileges=false"* ]] || fail "no warning: $output"
  run -0 in_ctr --security-opt no-new-privileges=true busybox grep NoNewPrivs /proc/self/status
  [ "$(status_field NoNewPrivs)" = 1 ]
  run -0 in_ctr --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
  [ "$(status_field NoNewPrivs)" = 1 ]
  refused --security-opt --security-opt no-new-privileges=maybe busybox true
  refused --security-opt --security-opt bogus=1 busybox true
}

@test "flags: --security-opt seccomp=unconfined and seccomp=FILE" {
  run -0 in_ctr --security-opt seccomp=unconfined busybox grep -E '^Seccomp:' /proc/self/status
  [ "$(status_field Seccomp)" = 0 ] || fail "$output"
  cat >"$T/no-mkdir.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
  run in_ctr --security-opt "seccomp=$T/no-mkdir.json" busybox sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d'
  [ "$status" -ne 0 ] || fail "mkdir worked under the profile: $output"
  [[ $output == *"Operation not permitted"* ]] || fail "$output"
  [ "$(status_field Seccomp)" = 2 ] || fail "$output"
  run -0 in_ctr --security-opt "seccomp=$T/no-mkdir.json" busybox sh -c 'touch /tmp/f && echo other-calls-work'
  [ "$output" = other-calls-work ]
  # podman's format: names, archMap
  cat >"$T/podman.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW",
 "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
             {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
 "syscalls": [{"name": "mkdir", "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
              {"name": "mkdirat", "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
EOF
  run in_ctr --security-opt "seccomp=$T/podman.json" busybox mkdir /tmp/d
  [ "$status" -ne 0 ] && [[ $output == *"Operation not permitted"* ]] || fail "status $status: $output"
  refused seccomp --security-opt "seccomp=$T/no-such.json" busybox true
  echo '{"defaultAction": "SCMP_ACT_NOPE"}' >"$T/bad.json"
  refused seccomp --security-opt "seccomp=$T/bad.json" busybox true
  echo '{' >"$T/broken.json"
  refused seccomp --security-opt "seccomp=$T/broken.json" busybox true
}

@test "flags: --security-opt label= and apparmor= with the modules off: ignored with a note" {
  if [ -e /sys/fs/selinux/enforce ] || [ -e /sys/kernel/security/apparmor ]; then
    skip "SELinux or AppArmor is on: these tests are for a host without them"
  fi
  run -0 hull run --rm --security-opt label=type:spc_t busybox true
  [[ $output == *"label=type:spc_t: ignored: SELinux is off"* ]] || fail "$output"
  run -0 hull run --rm --security-opt label=disable busybox true
  [[ $output != *ignored* ]] || fail "label=disable needs no note: $output"
  run -0 hull run --rm --security-opt apparmor=my-profile busybox true
  [[ $output == *"apparmor=my-profile: ignored: AppArmor is off"* ]] || fail "$output"
  run -0 hull run --rm --security-opt apparmor=unconfined busybox true
  [[ $output != *ignored* ]] || fail "$output"
  refused label --security-opt label=bogus busybox true
  refused --security-opt --security-opt apparmor= busybox true
}

# --- --userns -------------------------------------------------------------------------------------

@test "flags: --userns host runs with the host's ids; keep-id and auto are refused for root" {
  [ "$(id -u)" -eq 0 ] || skip "root's --userns behaviour"
  run -0 in_ctr --userns host busybox cat /proc/self/uid_map
  [ "$(echo $output)" = "0 0 4294967295" ] || fail "$output"
  run -0 in_ctr busybox cat /proc/self/uid_map
  [ "$(echo $output)" = "0 0 4294967295" ] || fail "$output"
  refused "--userns keep-id" --userns keep-id busybox true
  [[ $output == *rootless* ]] || fail "$output"
  refused "--userns auto" --userns auto busybox true
  [[ $output == *"not supported"* ]] || fail "$output"
  refused --userns --userns private busybox true
}

# --- --memory, --pids-limit, --cpus ---------------------------------------------------------------

# cgroup_file CONTROLLER FILE(v1) FILE(v2): the path inside the container of the limit, on this host
cg_mem() {
  if [ -d /sys/fs/cgroup/memory ]; then echo /sys/fs/cgroup/memory/memory.limit_in_bytes; else echo /sys/fs/cgroup/memory.max; fi
}

@test "flags: --memory sets the cgroup's memory limit; going over it is an OOM kill, exit 137" {
  [ -e /sys/fs/cgroup/memory/memory.limit_in_bytes ] || [ -e /sys/fs/cgroup/cgroup.controllers ] ||
    skip "no memory controller"
  f=$(cg_mem)
  run -0 in_ctr --memory 64m busybox cat "$f"
  [ "$output" = 67108864 ] || fail "$f: $output"
  run -0 in_ctr -m 100000000 busybox cat "$f"
  # v1 rounds the limit down to pages
  [ "$output" -le 100000000 ] && [ "$output" -gt 99990000 ] || fail "$f: $output"
  # a 64 MiB buffer in a 16 MiB container
  run in_ctr --memory 16m busybox dd if=/dev/zero of=/dev/null bs=64M count=1
  [ "$status" -eq 137 ] || fail "status $status: $output"
  refused --memory --memory lots busybox true
  refused --memory --memory 1k busybox true
}

@test "flags: --pids-limit sets pids.max (2048 by default, max with -1); a fork loop is stopped" {
  [ -d /sys/fs/cgroup/pids ] || [ -e /sys/fs/cgroup/cgroup.controllers ] || skip "no pids controller"
  f=/sys/fs/cgroup/pids/pids.max
  [ -d /sys/fs/cgroup/pids ] || f=/sys/fs/cgroup/pids.max
  run -0 in_ctr busybox cat $f
  [ "$output" = 2048 ]
  run -0 in_ctr --pids-limit 10 busybox cat $f
  [ "$output" = 10 ]
  run -0 in_ctr --pids-limit -1 busybox cat $f
  [ "$output" = max ]
  # a subshell forks until it cannot (and then ends); the shell counts what is left with
  # builtins only, since it could not fork either
  run -0 in_ctr --pids-limit 10 busybox sh -c \
    '(while :; do sleep 100 & done); n=0; for p in /proc/[0-9]*; do n=$((n + 1)); done; echo count=$n'
  [[ $output == *"can't fork"* ]] || fail "no fork failed: $output"
  n=$(sed -n 's/^count=//p' <<<"$output")
  [ "$n" -le 10 ] || fail "$n processes under pids.max 10: $output"
  refused --pids-limit --pids-limit many busybox true
  refused --pids-limit --pids-limit -2 busybox true
}

@test "flags: --cpus sets the CFS quota of a 100 ms period" {
  d=/sys/fs/cgroup/cpu
  [ -e $d/cpu.cfs_quota_us ] || [ -e /sys/fs/cgroup/cpu.max ] || skip "no cpu controller with CFS quotas"
  if [ -e $d/cpu.cfs_quota_us ]; then
    run -0 in_ctr --cpus 0.5 busybox cat $d/cpu.cfs_quota_us $d/cpu.cfs_period_us
    [ "$(echo $output)" = "50000 100000" ] || fail "$output"
    run -0 in_ctr --cpus 1.25 busybox cat $d/cpu.cfs_quota_us
    [ "$output" = 125000 ]
    run -0 in_ctr busybox cat $d/cpu.cfs_quota_us
    [ "$output" = -1 ]
  else
    run -0 in_ctr --cpus 0.5 busybox cat /sys/fs/cgroup/cpu.max
    [ "$output" = "50000 100000" ]
  fi
  refused --cpus --cpus 0 busybox true
  refused --cpus --cpus half busybox true
  refused --cpus --cpus 0.001 busybox true
}

# --- --network, --hostname ------------------------------------------------------------------------

@test "flags: --network private and none: loopback only; host: the host's interfaces" {
  ifaces() { awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort | tr '\n' ' '; }
  for mode in "" "--network private" "--network none" "--net=none"; do
    # shellcheck disable=SC2086
    run -0 in_ctr $mode busybox cat /proc/net/dev
    [ "$(ifaces <<<"$output")" = "lo " ] || fail "$mode: $output"
  done
  # lo is up, as in podman: 127.0.0.1 answers
  run -0 in_ctr busybox sh -c 'ip -o addr show lo; cat /sys/class/net/lo/operstate'
  [[ $output == *"127.0.0.1/8"* ]] || fail "lo is not up: $output"
  run -0 in_ctr --network none busybox sh -c 'nc -l -p 7 -e echo pong & for i in $(seq 200); do nc 127.0.0.1 7 </dev/null 2>/dev/null && break; sleep 0.05; done'
  [ "$output" = pong ] || fail "$output"
  run -0 in_ctr --network host busybox cat /proc/net/dev
  [ "$(ifaces <<<"$output")" = "$(ifaces </proc/net/dev)" ] || fail "host: $output"
  refused --network --network bridge busybox true
}

@test "flags: --hostname sets the host name; by default it is the ID's first 12 characters" {
  run -0 in_ctr --hostname box.example busybox sh -c 'hostname; echo $HOSTNAME'
  [ "$(echo $output)" = "box.example box.example" ]
  run -0 hq run -d --name hn busybox sleep 100
  ID=$output
  run -0 hull exec hn hostname
  [ "$output" = "${ID:0:12}" ]
  hull rm -f hn
  # the host's name stays
  [ "$(hostname)" != box.example ]
  refused --hostname --hostname -bad busybox true
  refused --hostname --hostname 'has space' busybox true
}

@test "flags: /etc/hostname and /etc/hosts name the container; --network host has the host's resolv.conf" {
  run -0 in_ctr --hostname web.example busybox sh -c 'cat /etc/hostname; grep -w web.example /etc/hosts
    nc -l -p 7 -e echo pong & for i in $(seq 200); do nc web.example 7 </dev/null 2>/dev/null && break; sleep 0.05; done'
  [ "${lines[0]}" = web.example ] || fail "$output"
  [ "${lines[1]}" = "$(printf '127.0.0.1\tweb.example')" ] && [ "${lines[2]}" = "$(printf '::1\tweb.example')" ] || fail "$output"
  [ "${lines[3]}" = pong ] || fail "the name does not reach the container: $output"
  run -0 in_ctr busybox grep -c localhost /etc/hosts
  [ "$output" -ge 2 ]
  # the container changes its own copy; --read-only makes it read-only
  run -0 in_ctr busybox sh -c 'echo "10.0.0.1 db" >>/etc/hosts && grep db /etc/hosts'
  run in_ctr --read-only busybox sh -c 'echo "10.0.0.1 db" >>/etc/hosts'
  [ "$status" -ne 0 ] && [[ $output == *"Read-only file system"* ]] || fail "status $status: $output"
  # the image's resolv.conf stays with a private network; --network host gets the host's
  run -0 in_ctr busybox cat /etc/resolv.conf
  [ "$output" = "$(cat "$ROOTFS_SRC/etc/resolv.conf")" ]
  if [ -e /etc/resolv.conf ]; then
    run -0 in_ctr --network host busybox cat /etc/resolv.conf
    [ "$output" = "$(cat /etc/resolv.conf)" ]
  fi
  run -0 in_ctr --network host --hostname hn busybox sh -c 'hostname; grep -w hn /etc/hosts | head -1'
  [ "${lines[0]}" = hn ] && [ "${lines[1]}" = "$(printf '127.0.0.1\thn')" ] || fail "$output"
  # a volume there (or above) wins, and nothing is made in it
  printf '1.2.3.4 mine\n' >"$T/hosts"
  run -0 in_ctr -v "$T/hosts:/etc/hosts:ro" busybox cat /etc/hosts
  [ "$output" = "1.2.3.4 mine" ]
  mkdir "$T/etc"
  run -0 in_ctr -v "$T/etc:/etc" busybox ls /etc
  [ -z "$output" ] && [ -z "$(ls -A "$T/etc")" ] || fail "in the volume: $output"
}

# --- --entrypoint, the image's config -------------------------------------------------------------

import_app() {
  run -0 hull import --change 'USER user' --change 'WORKDIR /home/user' --change 'ENV APP=1' --change 'ENV PATH=/bin:/usr/bin' \
    --change 'ENTRYPOINT ["/bin/sh", "-c"]' --change 'CMD ["echo app=$APP uid=$(id -u) pwd=$(pwd) path=$PATH"]' \
    "$HULL_TEST_CACHE/busybox-rootfs.tar" app
}

@test "flags: the image's User, WorkingDir, Env, Entrypoint and Cmd are respected; no root warning" {
  import_app
  run -0 hull run --rm app
  [ "$output" = "app=1 uid=1000 pwd=/home/user path=/bin:/usr/bin" ] || fail "$output"
  # the words after the image replace Cmd, not Entrypoint
  run -0 hull run --rm app 'echo $APP-$(id -un)'
  [ "$output" = 1-user ]
  # flags win over the image
  run -0 hull run --rm -u 0 -w /tmp -e APP=2 app 'echo app=$APP uid=$(id -u) pwd=$(pwd)'
  [[ ${lines[-1]} == "app=2 uid=0 pwd=/tmp" ]] || fail "$output"
  [[ $output == *"warning: the container runs as root"* ]] || fail "no root warning with -u 0: $output"
  # the root warning: present for an image without USER, absent for one with it
  run -0 hull run --rm busybox true
  [[ $output == *"warning: the container runs as root"* ]] || fail "no root warning: $output"
}

@test "flags: --entrypoint replaces the image's (and drops its Cmd); \"\" clears it; a JSON array" {
  import_app
  run -0 hull run --rm --entrypoint /bin/echo app one two
  [ "$output" = "one two" ]
  run -0 hull run --rm --entrypoint /bin/echo app
  [ "$output" = "" ]
  run -0 hull run --rm --entrypoint '' app echo cleared
  [ "$output" = cleared ]
  run -0 hull run --rm --entrypoint '["/bin/echo", "-n", "a b"]' app c
  [ "$output" = "a b c" ]
  # an image without an entrypoint: Cmd runs
  run -0 in_ctr busybox echo plain
  [ "$output" = plain ]
  refused --entrypoint --entrypoint '["/bin/echo", 1]' busybox true
  refused --entrypoint --entrypoint '[' busybox true
  # --entrypoint drops the image's Cmd too: nothing is left to run
  run hq run --rm --entrypoint '' busybox
  [ "$status" -eq 125 ] && [[ $output == *"no command"* ]] || fail "status $status: $output"
  nothing_left
}

# --- --init ---------------------------------------------------------------------------------------

@test "flags: --init: pid 1 is hull-init, the exit code is passed on" {
  run -0 in_ctr --init busybox sh -c 'cat /proc/1/comm; echo $$'
  [ "${lines[0]}" = hull-init ] && [ "${lines[1]}" -ne 1 ] || fail "$output"
  run in_ctr --init busybox sh -c 'exit 7'
  [ "$status" -eq 7 ]
  run in_ctr --init busybox sh -c 'kill -9 $$'
  [ "$status" -eq 137 ] || fail "status $status"
  run -0 in_ctr busybox cat /proc/1/comm
  [ "$output" = cat ]
}

@test "flags: --init reaps orphaned zombies" {
  # the inner shell leaves a child that outlives it: an orphan, adopted by pid 1; once it has
  # exited, only pid 1 can reap it
  run -0 in_ctr --init busybox sh -c '
    sh -c "sleep 0.2 & echo \$! >/tmp/orphan"
    o=$(cat /tmp/orphan)
    i=0
    while [ $i -lt 200 ] && [ -e /proc/$o ]; do sleep 0.05; i=$((i + 1)); done
    if [ -e /proc/$o ]; then echo "left: $(cat /proc/$o/stat)"; else echo reaped; fi'
  [ "$output" = reaped ] || fail "$output"
}

@test "flags: --init passes signals on to the command" {
  run -0 hq run -d --init --name sig busybox sh -c 'trap "exit 9" TERM; touch /tmp/ready; while :; do sleep 0.05; done'
  for ((i = 0; i < 200; i++)); do hull exec sig test -e /tmp/ready 2>/dev/null && break; sleep 0.05; done
  run -0 hull exec sig cat /proc/1/comm
  [ "$output" = hull-init ]
  run -0 hull kill -s TERM sig
  run -0 hull wait sig
  [ "$output" = 9 ]
  hull rm sig
}

@test "flags: a value missing, an unknown flag, a bad boolean: refused, naming the flag" {
  refused --memory --memory
  refused --no-such --no-such busybox true
  refused --rm --rm=maybe busybox true
  refused -x -x busybox true
  refused --init --init=yes busybox true
  # booleans take =true and =false
  run -0 in_ctr --read-only=false busybox sh -c 'touch /x && echo ok'
  [ "$output" = ok ]
  # -it and -dit clusters, -e=K=V, -m64m
  run -0 in_ctr -e=K=V -m64m busybox sh -c 'echo $K; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'
  [ "$(echo $output)" = "V 67108864" ]
}
