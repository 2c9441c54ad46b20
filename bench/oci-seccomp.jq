# oci-seccomp.jq: containers-common's seccomp.json (podman's default profile, with its per-
# capability and per-architecture conditions) turned into the OCI linux.seccomp a runtime is given
# for a container with runc's default capabilities on x86_64, as podman would pass it.
def caps: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
def native: ["amd64", "x86_64"];
def any_in($xs; $ys): any($xs[]; . as $x | $ys | index($x));
{
  defaultAction, defaultErrnoRet,
  architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  syscalls: [.syscalls[]
    | select(((.includes.caps // []) | all(. as $c | caps | index($c))))
    | select(((.includes.arches // []) | length == 0 or any_in(.; native)))
    | select(((.excludes.caps // []) | any_in(.; caps) | not))
    | select(((.excludes.arches // []) | any_in(.; native) | not))
    | {names, action} + (if (.args // []) | length > 0 then {args} else {} end)
      + (if .errnoRet then {errnoRet} else {} end)]
}
