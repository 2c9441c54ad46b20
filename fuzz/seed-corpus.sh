#!/bin/sh
# seed-corpus.sh DIR: fill DIR with a seed corpus for fuzz-spec: the runtime-spec's good and
# bad test configs plus a few small documents that reach corners the examples miss.
set -eu
dir=${1:?usage: seed-corpus.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
tests=$here/../../shared/specs/runtime-spec/schema/test/config
mkdir -p "$dir"
for f in "$tests"/good/*.json "$tests"/bad/*.json; do
  cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"
done
printf '%s' '{"ociVersion":"1.0.0","root":{"path":"r"},"process":{"cwd":"/","args":["sh"],"rlimits":[{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}]},"linux":{"namespaces":[{"type":"mount"},{"type":"user"}],"uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":1000,"size":1}]}}' > "$dir/extra-bigint-userns.json"
printf '%s' '{"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"namespaces":[{"type":"mount"}],"seccomp":{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"valueTwo":2,"op":"SCMP_CMP_MASKED_EQ"}]}]},"personality":{"domain":"LINUX"},"intelRdt":{"closID":"c","memBwSchema":"MB:0=10"},"memoryPolicy":{"mode":"MPOL_BIND","nodes":"0-1"},"timeOffsets":{"boottime":{"secs":1,"nanosecs":2}}}}' > "$dir/extra-linux-objects.json"
printf '%s' '{"ociVersion":"1.0.0","process":{"cwd":"/","scheduler":{"policy":"SCHED_DEADLINE","flags":["SCHED_FLAG_RECLAIM"],"runtime":1},"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":4},"execCPUAffinity":{"initial":"0-3","final":"4"},"consoleSize":{"height":25,"width":80},"user":{"uid":1,"gid":1,"umask":18}},"vm":{"kernel":{"path":"/k"},"image":{"path":"/i","format":"qcow2"}},"windows":{"layerFolders":["c"]},"solaris":{"anet":[{"linkname":"n"}]}}' > "$dir/extra-process-platforms.json"
printf '%s' '{"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"namespaces":[{"type":"mount"}],"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],"syscalls":[{"names":["mkdir","kill","no_such"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"args":[{"index":1,"value":10,"op":"SCMP_CMP_EQ"},{"index":1,"value":12,"op":"SCMP_CMP_EQ"}]},{"names":["chmod"],"action":"SCMP_ACT_KILL_PROCESS","args":[{"index":1,"value":2048,"valueTwo":2048,"op":"SCMP_CMP_MASKED_EQ"}]}]}}}' > "$dir/extra-seccomp.json"
printf '%s' '{"ociVersion":"1.0.0","root":{"path":"r"},"annotations":{"org.hull.landlock":"{\"/bin\":\"rx\",\"/etc\":\"r\",\"/data\":\"rw\"}"}}' > "$dir/extra-landlock.json"
echo "seed corpus in $dir: $(ls "$dir" | wc -l) files"
