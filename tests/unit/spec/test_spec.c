/* test_spec.c: the config.json parser against the runtime-spec's own good/bad configs, a table
   of hand-written bad snippets (each must fail naming the right field), big uint64 values,
   extraction of spec-example.json, the default configs, and bundle loading. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../harness.h"
#include "core/error.h"
#include "core/util.h"
#include "spec/spec.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#ifndef HULL_SPECS_DIR
#error "HULL_SPECS_DIR must point at the shared specs folder"
#endif
#define CONFIG_TESTS HULL_SPECS_DIR "/runtime-spec/schema/test/config"

/* A valid Linux config every table case patches (RFC 7386 merge patch: null deletes). */
static const char base_config[]
    = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"rootfs\"},"
      " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"},"
      " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}]}}";

static json_t *
merge_patch (json_t *target, json_t *patch)
{
  const char *key;
  json_t *v;

  if (!json_is_object (patch))
    return json_incref (patch);
  if (!json_is_object (target))
    target = json_object ();
  else
    json_incref (target);
  json_object_foreach (patch, key, v)
    {
      if (json_is_null (v))
        json_object_del (target, key);
      else
        json_object_set_new (target, key, merge_patch (json_object_get (target, key), v));
    }
  return target;
}

/* The base config with PATCH applied, as text. */
static char *
patched (const char *patch_text)
{
  json_t *base = json_loads (base_config, 0, NULL);
  json_t *patch = json_loads (patch_text, 0, NULL);
  json_t *doc;
  char *text;

  if (base == NULL || patch == NULL)
    {
      printf ("# bad test patch: %s\n", patch_text);
      exit (2);
    }
  doc = merge_patch (base, patch);
  text = json_dumps (doc, JSON_COMPACT);
  json_decref (doc);
  json_decref (patch);
  json_decref (base);
  return text;
}

/* Parse and (if parsing works) validate TEXT; returns 0 when both pass, else 1 (parse) or
   2 (validate), with the message in *msg. */
static int
check_text (const char *text, char **msg)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_spec struct hull_spec *spec = NULL;
  int stage = 0;

  *msg = NULL;
  if (hull_spec_parse (text, strlen (text), &spec, &err) < 0)
    stage = 1;
  else if (hull_spec_validate_linux (spec, &err) < 0)
    stage = 2;
  if (stage && err)
    *msg = xstrdup (err->msg);
  return stage;
}

enum
{
  PARSE = 1,
  VALIDATE = 2
};

struct bad_case
{
  int stage;
  const char *patch;
  const char *expect;
};

static const struct bad_case bad_cases[] = {
  /* top level */
  { PARSE, "{\"ociVersion\": 1}", "config.json: ociVersion: expected a string, got integer" },
  { PARSE, "{\"ociVersion\": \"1.0\"}", "config.json: ociVersion: \"1.0\" is not a SemVer" },
  { PARSE, "{\"ociVersion\": \"1.0.0-\"}", "ociVersion: \"1.0.0-\" is not a SemVer" },
  { PARSE, "{\"ociVersion\": null}", "config.json: ociVersion: required field is missing" },
  { PARSE, "{\"root\": {\"path\": 5}}", "config.json: root.path: expected a string, got integer" },
  { PARSE, "{\"root\": {\"readonly\": \"true\"}}",
    "root.readonly: expected a boolean, got string" },
  { PARSE, "{\"root\": []}", "config.json: root: expected an object, got array" },
  { VALIDATE, "{\"root\": null}", "config.json: root.path: required on Linux" },
  { PARSE, "{\"hostname\": 5}", "config.json: hostname: expected a string, got integer" },
  { PARSE, "{\"domainname\": true}", "config.json: domainname: expected a string, got boolean" },
  /* process */
  { PARSE, "{\"process\": {\"user\": {\"uid\": \"0\"}}}",
    "config.json: process.user.uid: expected an unsigned 32-bit integer, got string" },
  { PARSE, "{\"process\": {\"user\": {\"uid\": -1}}}",
    "process.user.uid: expected an unsigned 32-bit integer, got -1" },
  { PARSE, "{\"process\": {\"user\": {\"gid\": 4294967296}}}",
    "process.user.gid: expected an unsigned 32-bit integer, got 4294967296" },
  { PARSE, "{\"process\": {\"user\": {\"umask\": 1.0}}}",
    "process.user.umask: expected an unsigned 32-bit integer, got number" },
  { PARSE, "{\"process\": {\"user\": {\"additionalGids\": [1, \"2\"]}}}",
    "process.user.additionalGids[1]: expected an unsigned 32-bit integer, got string" },
  { PARSE, "{\"process\": {\"args\": \"sh\"}}", "process.args: expected an array, got string" },
  { PARSE, "{\"process\": {\"args\": [\"sh\", 1]}}",
    "process.args[1]: expected a string, got integer" },
  { PARSE, "{\"process\": {\"env\": [null]}}", "process.env[0]: expected a string, got null" },
  { PARSE, "{\"process\": {\"cwd\": null}}",
    "config.json: process.cwd: required field is missing" },
  { PARSE, "{\"process\": {\"terminal\": \"yes\"}}",
    "process.terminal: expected a boolean, got string" },
  { PARSE, "{\"process\": {\"consoleSize\": {\"height\": 25}}}",
    "process.consoleSize.width: required field is missing" },
  { PARSE, "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]}}",
    "config.json: process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"" },
  { PARSE,
    "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1},"
    " {\"type\": \"RLIMIT_NOFILE\", \"soft\": 2, \"hard\": 2}]}}",
    "process.rlimits[1].type: duplicate rlimit type \"RLIMIT_NOFILE\"" },
  { PARSE, "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": -1, \"hard\": 1}]}}",
    "process.rlimits[0].soft: expected an unsigned 64-bit integer, got -1" },
  { PARSE,
    "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 1, \"hard\": 1.5}]}}",
    "process.rlimits[0].hard: expected an unsigned 64-bit integer, got number" },
  { PARSE, "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 1}]}}",
    "process.rlimits[0].hard: required field is missing" },
  { PARSE, "{\"process\": {\"rlimits\": {}}}", "process.rlimits: expected an array, got object" },
  { PARSE, "{\"process\": {\"capabilities\": {\"bounding\": [1]}}}",
    "process.capabilities.bounding[0]: expected a string, got integer" },
  { PARSE, "{\"process\": {\"capabilities\": {\"ambient\": \"CAP_KILL\"}}}",
    "process.capabilities.ambient: expected an array, got string" },
  { PARSE, "{\"process\": {\"noNewPrivileges\": 1}}",
    "process.noNewPrivileges: expected a boolean, got integer" },
  { PARSE, "{\"process\": {\"oomScoreAdj\": \"5\"}}",
    "process.oomScoreAdj: expected an integer, got string" },
  { PARSE, "{\"process\": {\"scheduler\": {\"policy\": \"SCHED_FOO\"}}}",
    "process.scheduler.policy: invalid value \"SCHED_FOO\"" },
  { PARSE, "{\"process\": {\"scheduler\": {\"nice\": 1}}}",
    "process.scheduler.policy: required field is missing" },
  { PARSE, "{\"process\": {\"scheduler\": {\"policy\": \"SCHED_RR\", \"nice\": 2147483648}}}",
    "process.scheduler.nice: expected a 32-bit integer, got 2147483648" },
  { PARSE, "{\"process\": {\"scheduler\": {\"policy\": \"SCHED_RR\", \"flags\": [\"X\"]}}}",
    "process.scheduler.flags[0]: invalid value \"X\"" },
  { PARSE, "{\"process\": {\"ioPriority\": {\"class\": \"IOPRIO_CLASS_BE\", \"priority\": 9}}}",
    "process.ioPriority.priority: must be between 0 (highest) and 7 (lowest)" },
  { PARSE, "{\"process\": {\"ioPriority\": {\"class\": \"RT\"}}}",
    "process.ioPriority.class: invalid value \"RT\" (expected one of: IOPRIO_CLASS_RT" },
  { PARSE, "{\"process\": {\"execCPUAffinity\": {\"initial\": \"0-3,a\"}}}",
    "process.execCPUAffinity.initial: must be a list of CPUs" },
  { VALIDATE, "{\"process\": {\"args\": []}}", "process.args: must contain at least one entry" },
  { VALIDATE, "{\"process\": {\"args\": null}}", "process.args: must contain at least one entry" },
  { VALIDATE, "{\"process\": {\"cwd\": \"tmp\"}}",
    "config.json: process.cwd: must be an absolute path" },
  { VALIDATE,
    "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": 2, \"hard\": 1}]}}",
    "process.rlimits[0]: soft limit is above the hard limit" },
  { VALIDATE, "{\"process\": {\"oomScoreAdj\": 1001}}",
    "process.oomScoreAdj: must be between -1000 and 1000" },
  /* mounts */
  { PARSE, "{\"mounts\": [{\"source\": \"x\"}]}",
    "config.json: mounts[0].destination: required field is missing" },
  { VALIDATE, "{\"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"b\"}]}",
    "config.json: mounts[1].destination: must be an absolute path" },
  { PARSE, "{\"mounts\": [{\"destination\": \"/a\", \"options\": \"ro\"}]}",
    "mounts[0].options: expected an array, got string" },
  { PARSE, "{\"mounts\": [{\"destination\": \"/a\", \"type\": 1}]}",
    "mounts[0].type: expected a string, got integer" },
  { PARSE,
    "{\"mounts\": [{\"destination\": \"/a\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": "
    "1}]}]}",
    "mounts[0].uidMappings[0].size: required field is missing" },
  { PARSE, "{\"mounts\": [\"/a\"]}", "config.json: mounts[0]: expected an object, got string" },
  { PARSE, "{\"mounts\": {}}", "config.json: mounts: expected an array, got object" },
  /* hooks */
  { PARSE, "{\"hooks\": {\"prestart\": [{\"args\": []}]}}",
    "hooks.prestart[0].path: required field is missing" },
  { PARSE, "{\"hooks\": {\"poststop\": [{\"path\": \"/x\", \"timeout\": 0}]}}",
    "hooks.poststop[0].timeout: expected a positive integer, got 0" },
  { PARSE, "{\"hooks\": {\"poststart\": {}}}", "hooks.poststart: expected an array, got object" },
  { PARSE, "{\"hooks\": {\"startContainer\": [{\"path\": \"/x\", \"env\": [1]}]}}",
    "hooks.startContainer[0].env[0]: expected a string, got integer" },
  { VALIDATE, "{\"hooks\": {\"createRuntime\": [{\"path\": \"x\"}]}}",
    "hooks.createRuntime[0].path: must be an absolute path" },
  /* annotations */
  { PARSE, "{\"annotations\": {\"a\": 1}}",
    "config.json: annotations.a: expected a string, got integer" },
  { PARSE, "{\"annotations\": {\"com.example.x\": []}}",
    "annotations[\"com.example.x\"]: expected a string, got array" },
  { PARSE, "{\"annotations\": {\"\": \"x\"}}", "config.json: annotations: keys must not be empty" },
  /* linux: namespaces and mappings */
  { PARSE, "{\"linux\": []}", "config.json: linux: expected an object, got array" },
  { PARSE, "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"foo\"}]}}",
    "config.json: linux.namespaces[1].type: unknown namespace type \"foo\"" },
  { PARSE, "{\"linux\": {\"namespaces\": [{\"path\": \"/proc/1/ns/mnt\"}]}}",
    "linux.namespaces[0].type: required field is missing" },
  { VALIDATE,
    "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": "
    "\"pid\"}]}}",
    "config.json: linux.namespaces[2].type: duplicate namespace type \"pid\"" },
  { VALIDATE, "{\"linux\": {\"namespaces\": [{\"type\": \"mount\", \"path\": \"proc/1/ns/mnt\"}]}}",
    "linux.namespaces[0].path: must be an absolute path" },
  { VALIDATE, "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"user\"}]}}",
    "config.json: linux.uidMappings: a new user namespace needs uid mappings" },
  { VALIDATE,
    "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"user\"}],"
    " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}",
    "linux.gidMappings: a new user namespace needs gid mappings" },
  { VALIDATE,
    "{\"linux\": {\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}",
    "linux.uidMappings: set, but linux.namespaces has no user namespace" },
  { VALIDATE,
    "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"user\"}],"
    " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 0}],"
    " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}",
    "linux.uidMappings[0].size: must be greater than zero" },
  { PARSE, "{\"linux\": {\"uidMappings\": [{\"containerID\": \"0\", \"hostID\": 0, \"size\": 1}]}}",
    "linux.uidMappings[0].containerID: expected an unsigned 32-bit integer, got string" },
  { PARSE, "{\"linux\": {\"gidMappings\": {}}}",
    "linux.gidMappings: expected an array, got object" },
  /* linux: paths, devices, time, sysctl */
  { VALIDATE, "{\"linux\": {\"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"]}}",
    "config.json: linux.maskedPaths[1]: must be an absolute path" },
  { VALIDATE, "{\"linux\": {\"readonlyPaths\": [\"sys\"]}}",
    "linux.readonlyPaths[0]: must be an absolute path" },
  { PARSE, "{\"linux\": {\"readonlyPaths\": [1]}}",
    "linux.readonlyPaths[0]: expected a string, got integer" },
  { PARSE, "{\"linux\": {\"devices\": [{\"type\": \"x\", \"path\": \"/dev/x\"}]}}",
    "linux.devices[0].type: invalid device type \"x\"" },
  { PARSE, "{\"linux\": {\"devices\": [{\"path\": \"/dev/x\"}]}}",
    "linux.devices[0].type: required field is missing" },
  { VALIDATE, "{\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"major\": 1}]}}",
    "linux.devices[0]: major and minor are required for type 'c'" },
  { VALIDATE, "{\"linux\": {\"devices\": [{\"type\": \"p\", \"path\": \"dev/fifo\"}]}}",
    "linux.devices[0].path: must be an absolute path" },
  { PARSE,
    "{\"linux\": {\"devices\": [{\"type\": \"c\", \"path\": \"/dev/x\", \"fileMode\": 512}]}}",
    "linux.devices[0].fileMode: expected a file mode from 0 to 511, got 512" },
  { PARSE,
    "{\"linux\": {\"devices\": [{\"type\": \"b\", \"path\": \"/dev/x\", \"major\": \"8\"}]}}",
    "linux.devices[0].major: expected a 64-bit integer, got string" },
  { VALIDATE, "{\"linux\": {\"timeOffsets\": {\"monotonic\": {\"secs\": 1}}}}",
    "config.json: linux.timeOffsets: needs a new time namespace" },
  { PARSE, "{\"linux\": {\"timeOffsets\": {\"monotonic\": {\"secs\": \"1\"}}}}",
    "linux.timeOffsets.monotonic.secs: expected a 64-bit integer, got string" },
  { PARSE, "{\"linux\": {\"timeOffsets\": {\"boottime\": {\"nanosecs\": -1}}}}",
    "linux.timeOffsets.boottime.nanosecs: expected an unsigned 32-bit integer, got -1" },
  { VALIDATE, "{\"linux\": {\"sysctl\": {\"\": \"1\"}}}",
    "config.json: linux.sysctl: keys must not be empty" },
  { VALIDATE, "{\"linux\": {\"sysctl\": {\"net/../../x\": \"1\"}}}", "invalid sysctl name" },
  { VALIDATE, "{\"linux\": {\"sysctl\": {\"vm.swappiness\": \"1\"}}}",
    "linux.sysctl[\"vm.swappiness\"]: not a namespaced sysctl" },
  { VALIDATE, "{\"linux\": {\"sysctl\": {\"net/ipv4/ip_forward\": \"1\"}}}",
    "linux.sysctl[\"net/ipv4/ip_forward\"]: needs a namespace of type \"network\"" },
  { VALIDATE, "{\"linux\": {\"sysctl\": {\"kernel.shmmax\": \"1\"}}}",
    "linux.sysctl[\"kernel.shmmax\"]: needs a namespace of type \"ipc\"" },
  { VALIDATE, "{\"linux\": {\"sysctl\": {\"kernel.shmmaxx\": \"1\"}}}", "not a namespaced sysctl" },
  { VALIDATE, "{\"hostname\": \"box\"}",
    "config.json: hostname: needs a namespace of type \"uts\"" },
  { VALIDATE, "{\"domainname\": \"example.org\"}",
    "config.json: domainname: needs a namespace of type \"uts\"" },
  { PARSE, "{\"linux\": {\"sysctl\": {\"net.ipv4.ip_forward\": 1}}}",
    "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got integer" },
  { PARSE, "{\"linux\": {\"cgroupsPath\": 1}}",
    "linux.cgroupsPath: expected a string, got integer" },
  { PARSE, "{\"linux\": {\"rootfsPropagation\": \"recursive\"}}",
    "linux.rootfsPropagation: invalid value \"recursive\" (expected one of: private, shared, slave, "
    "unbindable, rprivate, rshared, rslave, runbindable)" },
  { PARSE, "{\"linux\": {\"mountLabel\": {}}}", "linux.mountLabel: expected a string, got object" },
  /* linux.resources */
  { PARSE,
    "{\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"64kB\", \"limit\": 1}]}}}",
    "linux.resources.hugepageLimits[0].pageSize: invalid hugepage size \"64kB\"" },
  { PARSE,
    "{\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"02MB\", \"limit\": 1}]}}}",
    "linux.resources.hugepageLimits[0].pageSize: invalid hugepage size" },
  { PARSE, "{\"linux\": {\"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2MB\"}]}}}",
    "linux.resources.hugepageLimits[0].limit: required field is missing" },
  { PARSE, "{\"linux\": {\"resources\": {\"memory\": {\"limit\": \"1G\"}}}}",
    "linux.resources.memory.limit: expected a 64-bit integer, got string" },
  { PARSE, "{\"linux\": {\"resources\": {\"memory\": {\"disableOOMKiller\": 0}}}}",
    "linux.resources.memory.disableOOMKiller: expected a boolean, got integer" },
  { PARSE, "{\"linux\": {\"resources\": {\"cpu\": {\"shares\": -1}}}}",
    "linux.resources.cpu.shares: expected an unsigned 64-bit integer, got -1" },
  { PARSE, "{\"linux\": {\"resources\": {\"cpu\": {\"cpus\": \"0-3;7\"}}}}",
    "linux.resources.cpu.cpus: must be a list" },
  { PARSE, "{\"linux\": {\"resources\": {\"devices\": [{\"access\": \"rwm\"}]}}}",
    "linux.resources.devices[0].allow: required field is missing" },
  { PARSE, "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"type\": \"x\"}]}}}",
    "linux.resources.devices[0].type: invalid device type \"x\"" },
  { PARSE, "{\"linux\": {\"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}}}",
    "linux.resources.devices[0].access: invalid access \"rwx\"" },
  { PARSE, "{\"linux\": {\"resources\": {\"pids\": {}}}}",
    "linux.resources.pids.limit: required field is missing" },
  { PARSE, "{\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 70000}}}}",
    "linux.resources.blockIO.weight: expected an unsigned 16-bit integer, got 70000" },
  { PARSE,
    "{\"linux\": {\"resources\": {\"blockIO\": {\"weightDevice\": [{\"major\": 8, \"minor\": "
    "0}]}}}}",
    "linux.resources.blockIO.weightDevice[0]: one of weight or leafWeight is required" },
  { PARSE,
    "{\"linux\": {\"resources\": {\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": 8, "
    "\"rate\": 1}]}}}}",
    "linux.resources.blockIO.throttleReadBpsDevice[0].minor: required field is missing" },
  { PARSE, "{\"linux\": {\"resources\": {\"rdma\": {\"mlx5_1\": {\"hcaHandles\": \"x\"}}}}}",
    "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected an unsigned 32-bit integer, got "
    "string" },
  { PARSE, "{\"linux\": {\"resources\": {\"rdma\": {\"mlx5_1\": {}}}}}",
    "linux.resources.rdma.mlx5_1: one of hcaHandles or hcaObjects is required" },
  { PARSE, "{\"linux\": {\"resources\": {\"unified\": {\"memory.max\": 5}}}}",
    "linux.resources.unified[\"memory.max\"]: expected a string, got integer" },
  { PARSE, "{\"linux\": {\"resources\": {\"unified\": {\"../cgroup.procs\": \"1\"}}}}",
    "linux.resources.unified: invalid cgroup file name \"../cgroup.procs\"" },
  { PARSE, "{\"linux\": {\"resources\": {\"network\": {\"priorities\": [{\"name\": \"eth0\"}]}}}}",
    "linux.resources.network.priorities[0].priority: required field is missing" },
  { PARSE, "{\"linux\": {\"resources\": {\"network\": {\"classID\": -2}}}}",
    "linux.resources.network.classID: expected an unsigned 32-bit integer, got -2" },
  /* linux.seccomp */
  { PARSE, "{\"linux\": {\"seccomp\": {}}}",
    "linux.seccomp.defaultAction: required field is missing" },
  { PARSE, "{\"linux\": {\"seccomp\": {\"defaultAction\": \"ALLOW\"}}}",
    "linux.seccomp.defaultAction: invalid value \"ALLOW\"" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": "
    "[\"SCMP_ARCH_FOO\"]}}}",
    "linux.seccomp.architectures[0]: invalid value \"SCMP_ARCH_FOO\"" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"TSYNC\"]}}}",
    "linux.seccomp.flags[0]: invalid value \"TSYNC\"" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
    " \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}}}",
    "linux.seccomp.syscalls[0].names: must contain at least one entry" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
    " \"syscalls\": [{\"names\": [\"read\"]}]}}}",
    "linux.seccomp.syscalls[0].action: required field is missing" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
    "[\"read\"],"
    " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
    "\"EQ\"}]}]}}}",
    "linux.seccomp.syscalls[0].args[0].op: invalid value \"EQ\"" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
    "[\"read\"],"
    " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": "
    "\"SCMP_CMP_EQ\"}]}]}}}",
    "linux.seccomp.syscalls[0].args[0].value: expected an unsigned 64-bit integer, got -1" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
    "[\"read\"],"
    " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
    "\"SCMP_CMP_EQ\"}]}]}}}",
    "linux.seccomp.syscalls[0].args[0].index: must be less than 6" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL\", \"syscalls\": [{\"names\": "
    "[\"read\"],"
    " \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}}}",
    "linux.seccomp.syscalls[0].errnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL\", \"defaultErrnoRet\": 1}}}",
    "linux.seccomp.defaultErrnoRet: only allowed with" },
  { PARSE,
    "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL\", \"listenerMetadata\": "
    "\"x\"}}}",
    "linux.seccomp.listenerMetadata: requires listenerPath" },
  /* linux: other objects */
  { PARSE, "{\"linux\": {\"personality\": {\"domain\": \"LINUX64\"}}}",
    "linux.personality.domain: invalid value \"LINUX64\" (expected one of: LINUX, LINUX32)" },
  { PARSE, "{\"linux\": {\"personality\": {\"flags\": []}}}",
    "linux.personality.domain: required field is missing" },
  { PARSE, "{\"linux\": {\"intelRdt\": {\"closID\": \"../x\"}}}",
    "linux.intelRdt.closID: must be \"/\" or a single directory name" },
  { PARSE, "{\"linux\": {\"intelRdt\": {\"memBwSchema\": \"L3:0=f\"}}}",
    "linux.intelRdt.memBwSchema: must start with \"MB:\"" },
  { PARSE, "{\"linux\": {\"intelRdt\": {\"schemata\": [\"L3:0=f\\nMB:0=1\"]}}}",
    "linux.intelRdt.schemata[0]: must not contain a newline" },
  { PARSE, "{\"linux\": {\"netDevices\": {\"eth0\": {\"name\": 23}}}}",
    "config.json: linux.netDevices.eth0.name: expected a string, got integer" },
  { PARSE, "{\"linux\": {\"netDevices\": {\"eth0\": {\"name\": \"a/b\"}}}}",
    "linux.netDevices.eth0.name: invalid network interface name" },
  { PARSE, "{\"linux\": {\"netDevices\": {\"eth0\": []}}}",
    "linux.netDevices.eth0: expected an object, got array" },
  { PARSE, "{\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_X\"}}}",
    "linux.memoryPolicy.mode: invalid value \"MPOL_X\"" },
  /* other platforms */
  { PARSE, "{\"freebsd\": {\"jail\": {\"vnet\": \"disable\"}}}",
    "config.json: freebsd.jail.vnet: invalid value \"disable\" (expected one of: new, inherit)" },
  { PARSE, "{\"freebsd\": {\"jail\": {\"enforceStatfs\": 256}}}",
    "freebsd.jail.enforceStatfs: expected an unsigned 8-bit integer, got 256" },
  { PARSE, "{\"freebsd\": {\"devices\": [{\"path\": \"pf\", \"mode\": \"0700\"}]}}",
    "freebsd.devices[0].mode: expected a file mode from 0 to 511, got string" },
  { PARSE, "{\"zos\": {\"namespaces\": [{\"type\": \"network\"}]}}",
    "zos.namespaces[0].type: invalid value \"network\"" },
  { PARSE, "{\"vm\": {}}", "config.json: vm.kernel: required field is missing" },
  { PARSE, "{\"windows\": 1}", "config.json: windows: expected an object, got integer" },
  { PARSE, "{\"solaris\": {\"anet\": [{\"linkname\": 1}]}}",
    "solaris.anet[0].linkname: expected a string, got integer" },
};

/* Patches of the base config that must parse and validate. */
static const char *const good_patches[] = {
  "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"network\"},"
  " {\"type\": \"ipc\"}, {\"type\": \"uts\"}], \"sysctl\": {\"net.ipv4.ip_forward\": \"1\","
  " \"net/core/somaxconn\": \"256\", \"kernel.shmmax\": \"1\", \"fs.mqueue.msg_max\": \"10\"}},"
  " \"hostname\": \"box\", \"domainname\": \"example.org\"}",
  "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"user\", \"path\":"
  " \"/proc/1/ns/user\"}]}}",
  "{\"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"time\"}],"
  " \"timeOffsets\": {\"monotonic\": {\"secs\": -5, \"nanosecs\": 999999999}}}}",
  "{\"linux\": {\"devices\": [{\"type\": \"p\", \"path\": \"/dev/fifo\"},"
  " {\"type\": \"u\", \"path\": \"/dev/u\", \"major\": 1, \"minor\": 2, \"fileMode\": 511}]}}",
  "{\"hooks\": {\"prestart\": [{\"path\": \"/bin/true\", \"timeout\": 1}], \"poststop\": []}}",
  "{\"hostname\": \"\"}",
  "{\"process\": {\"oomScoreAdj\": -1000, \"user\": {\"uid\": 4294967295, \"umask\": 18},"
  " \"consoleSize\": {\"height\": 25, \"width\": 80}, \"ioPriority\": {\"class\":"
  " \"IOPRIO_CLASS_RT\", \"priority\": 0}, \"scheduler\": {\"policy\": \"SCHED_DEADLINE\","
  " \"runtime\": 9223372036854775807, \"nice\": -20}}}",
  "{\"linux\": {\"resources\": {\"unified\": {\"memory.high\": \"max\", \"io.max\": \"8:0 "
  "rbps=1\"},"
  " \"pids\": {\"limit\": -1}, \"memory\": {\"limit\": -1, \"swap\": 9223372036854775807},"
  " \"cpu\": {\"cpus\": \"\", \"idle\": 1}, \"devices\": [{\"allow\": true, \"type\": \"a\","
  " \"access\": \"\"}], \"hugepageLimits\": [{\"pageSize\": \"1GB\", \"limit\": 0}]},"
  " \"rootfsPropagation\": \"unbindable\", \"intelRdt\": {\"closID\": \"/\"},"
  " \"personality\": {\"domain\": \"LINUX32\"}, \"netDevices\": {\"eth0\": {\"name\": "
  "\"ceth%d\"}}}}",
  "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
  " \"listenerPath\": \"/run/agent.sock\", \"listenerMetadata\": \"x\", \"syscalls\": [{\"names\":"
  " [\"read\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 2, \"args\": [{\"index\": 5,"
  " \"value\": 9223372036854775807, \"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}}}",
  "{\"ociVersion\": \"1.2.1-rc.1+build.007\"}",
};

static void
test_good_patches (void)
{
  for (size_t i = 0; i < sizeof good_patches / sizeof good_patches[0]; i++)
    {
      cleanup_free char *text = patched (good_patches[i]);
      cleanup_free char *msg = NULL;
      T_OK (check_text (text, &msg) == 0, "good patch %zu accepted%s%s", i, msg ? ": " : "",
            msg ? msg : "");
    }
}

/* Whole documents that are not patches of the base config. */
static const struct bad_case bad_texts[] = {
  { PARSE, "", "config.json: invalid JSON at line 1 column" },
  { PARSE, "{\"ociVersion\": \"1.0.0\",}", "config.json: invalid JSON at line 1 column" },
  { PARSE, "[]", "config.json: expected an object at the top level, got array" },
  { PARSE, "{\"ociVersion\": \"1.0.0\", \"ociVersion\": \"1.0.0\"}", "config.json: invalid JSON" },
  { PARSE, "{\"ociVersion\": \"1.0.0\"} {}", "config.json: invalid JSON" },
  { PARSE, "{\"ociVersion\": \"1.0.0\", \"hostname\": \"a\\u0000b\"}",
    "config.json: invalid JSON" },
  { PARSE, "{\"ociVersion\": \"1.0.0\", \"x\": 18446744073709551615, \"hostname\": \"a\\u0000b\"}",
    "config.json: invalid JSON" },
  { PARSE, "{\"ociVersion\": \"1.0.0\", \"x\": 18446744073709551616}",
    "config.json: invalid JSON" },
  { PARSE,
    "{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", \"args\": [18446744073709551615]}}",
    "config.json: process.args[0]: expected a string, got integer" },
  { PARSE,
    "{\"ociVersion\": \"1.0.0\", \"linux\": {\"resources\": {\"memory\": {\"limit\": "
    "9223372036854775808}}}}",
    "linux.resources.memory.limit: expected a 64-bit integer, got 9223372036854775808" },
  { PARSE,
    "{\"ociVersion\": \"1.0.0\", \"process\": {\"cwd\": \"/\", \"user\": {\"uid\": "
    "18446744073709551615}}}",
    "process.user.uid: expected an unsigned 32-bit integer, got 18446744073709551615" },
  { PARSE, "{\"ociVersion\": \"1.0.0\", \"annotations\": {\"k\": 18446744073709551615}}",
    "annotations.k: expected a string, got integer" },
};

static void
run_bad_case (const struct bad_case *c, const char *text, const char *label)
{
  cleanup_free char *msg = NULL;
  int stage = check_text (text, &msg);

  T_OK (stage == c->stage && msg != NULL && strstr (msg, c->expect) != NULL,
        "%s rejected at %s: %s", label, c->stage == PARSE ? "parse" : "validate", c->expect);
  if (stage != c->stage || msg == NULL || strstr (msg, c->expect) == NULL)
    printf ("#   input: %s\n#   stage %d, message: %s\n", text, stage, msg ? msg : "(none)");
}

static void
test_bad_cases (void)
{
  for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++)
    {
      cleanup_free char *text = patched (bad_cases[i].patch);
      run_bad_case (&bad_cases[i], text, "patch");
    }
  for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++)
    run_bad_case (&bad_texts[i], bad_texts[i].patch, "document");
}

static int
parse_file (const char *path, struct hull_spec **spec, hull_error_t *err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;

  if (hull_read_file_at (AT_FDCWD, path, &data, &len, err) < 0)
    return -1;
  return hull_spec_parse (data, len, spec, err);
}

static void
test_schema_configs (const char *kind, bool good)
{
  cleanup_free char *dir = xasprintf ("%s/%s", CONFIG_TESTS, kind);
  struct dirent **names = NULL;
  int n = scandir (dir, &names, NULL, alphasort), count = 0;

  for (int i = 0; i < n; i++)
    {
      cleanup_free char *path = NULL;
      cleanup_error hull_error_t err = NULL;
      cleanup_spec struct hull_spec *spec = NULL;
      int r;

      if (strstr (names[i]->d_name, ".json") == NULL)
        {
          free (names[i]);
          continue;
        }
      path = xasprintf ("%s/%s", dir, names[i]->d_name);
      r = parse_file (path, &spec, &err);
      if (good)
        T_OK (r == 0 && spec != NULL, "good/%s accepted%s%s", names[i]->d_name, err ? ": " : "",
              err ? err->msg : "");
      else
        T_OK (r < 0 && spec == NULL && err != NULL, "bad/%s rejected: %s", names[i]->d_name,
              err ? err->msg : "(accepted)");
      count++;
      free (names[i]);
    }
  free (names);
  T_OK (count >= 5, "found %d %s configs in %s", count, kind, dir);
}

static struct hull_spec *
parse_ok (const char *text)
{
  cleanup_error hull_error_t err = NULL;
  struct hull_spec *spec = NULL;

  if (hull_spec_parse (text, strlen (text), &spec, &err) < 0)
    printf ("#   unexpected error: %s\n", err->msg);
  return spec;
}

static void
test_spec_example (void)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_spec struct hull_spec *spec = NULL;
  const struct hull_namespace *ns;
  struct hull_linux *l;

  T_OK (parse_file (CONFIG_TESTS "/good/spec-example.json", &spec, &err) == 0,
        "spec-example parses");
  if (spec == NULL)
    return;
  l = spec->linux_;
  T_OK (strcmp (spec->oci_version, "0.5.0-dev") == 0 && strcmp (spec->root_path, "rootfs") == 0
            && spec->root_readonly,
        "ociVersion and root");
  T_OK (spec->process && spec->process->terminal && spec->process->user.uid == 1
            && spec->process->user.n_additional_gids == 2
            && spec->process->user.additional_gids[1] == 6 && !spec->process->user.has_umask,
        "process.user");
  T_OK (spec->process->n_rlimits == 2 && spec->process->rlimits[0].resource == RLIMIT_CORE
            && spec->process->rlimits[1].resource == RLIMIT_NOFILE
            && spec->process->rlimits[1].soft == 1024,
        "process.rlimits mapped to RLIMIT_*");
  T_OK (spec->process->capabilities && hull_strv_len (spec->process->capabilities->effective) == 2
            && strcmp (spec->process->capabilities->ambient[0], "CAP_NET_BIND_SERVICE") == 0,
        "process.capabilities");
  T_OK (spec->process->no_new_privileges && !spec->process->has_oom_score_adj
            && strcmp (spec->process->apparmor_profile, "acme_secure_profile") == 0,
        "process flags");
  T_OK (strcmp (spec->hostname, "slartibartfast") == 0
            && strcmp (spec->domainname, "foobarbaz.test") == 0,
        "hostname and domainname");
  T_OK (spec->n_mounts == 7 && strcmp (spec->mounts[2].destination, "/dev/pts") == 0
            && hull_strv_len (spec->mounts[2].options) == 6 && spec->mounts[0].options == NULL,
        "mounts");
  T_OK (spec->n_hooks[HULL_HOOK_PRESTART] == 2 && spec->n_hooks[HULL_HOOK_POSTSTART] == 1
            && spec->hooks[HULL_HOOK_POSTSTART][0].timeout == 5
            && spec->hooks[HULL_HOOK_PRESTART][1].args == NULL
            && strcmp (spec->hooks[HULL_HOOK_POSTSTOP][0].args[1], "-f") == 0,
        "hooks");
  T_OK (spec->n_annotations == 2 && strcmp (spec->annotations[0].key, "com.example.key1") == 0,
        "annotations");
  T_OK (l && l->n_namespaces == 8 && l->namespaces[7].type == CLONE_NEWTIME
            && l->namespaces[0].path == NULL,
        "linux.namespaces");
  ns = hull_spec_namespace (spec, CLONE_NEWUSER);
  T_OK (ns != NULL && ns->type == CLONE_NEWUSER, "hull_spec_namespace finds user");
  T_OK (l->n_uid_mappings == 1 && l->uid_mappings[0].host_id == 1000
            && l->uid_mappings[0].size == 32000,
        "linux.uidMappings");
  T_OK (l->n_devices == 2 && l->devices[0].type == 'c' && l->devices[0].major == 10
            && l->devices[0].minor == 229 && l->devices[0].has_file_mode
            && l->devices[0].file_mode == 438 && l->devices[1].type == 'b',
        "linux.devices");
  T_OK (l->n_sysctl == 2 && strcmp (l->cgroups_path, "/myRuntime/myContainer") == 0
            && strcmp (l->rootfs_propagation, "slave") == 0,
        "sysctl, cgroupsPath, rootfsPropagation");
  T_OK (l->time_monotonic.present && l->time_monotonic.secs == 172800 && l->time_boottime.present,
        "linux.timeOffsets");
  T_OK (hull_strv_len (l->masked_paths) == 4 && hull_strv_len (l->readonly_paths) == 6
            && l->mount_label != NULL,
        "maskedPaths, readonlyPaths, mountLabel");
  T_OK (json_is_object (l->resources) && json_is_object (l->seccomp) && l->personality == NULL,
        "resources and seccomp kept as json");
  T_OK (hull_spec_validate_linux (spec, &err) == 0, "spec-example validates for Linux%s%s",
        err ? ": " : "", err ? err->msg : "");
}

static void
test_big_uint64 (void)
{
  const char *text
      = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"process\": {\"cwd\": \"/\","
        " \"args\": [\"sh\"], \"rlimits\": [{\"type\": \"RLIMIT_CORE\", \"soft\": "
        "18446744073709551615,"
        " \"hard\": 18446744073709551615}, {\"type\": \"RLIMIT_NOFILE\", \"soft\": "
        "9223372036854775808,"
        " \"hard\": 9223372036854775808}]},\n \"linux\": {\"namespaces\": [{\"type\": \"mount\"}],"
        " \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
        "[\"personality\"],"
        " \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": "
        "18446744073709551615,"
        " \"op\": \"SCMP_CMP_EQ\"}]}]}, \"x-unknown\": [12345678901234567890]}}";
  cleanup_spec struct hull_spec *spec = parse_ok (text);
  json_t *value;

  T_OK (spec != NULL, "integers above INT64_MAX accepted where uint64 is allowed");
  if (spec == NULL)
    return;
  T_OK (spec->process->rlimits[0].soft == UINT64_MAX && spec->process->rlimits[0].hard == UINT64_MAX
            && spec->process->rlimits[1].soft == (uint64_t) INT64_MAX + 1,
        "rlimit values above INT64_MAX are exact");
  value = json_object_get (
      json_array_get (
          json_object_get (json_array_get (json_object_get (spec->linux_->seccomp, "syscalls"), 0),
                           "args"),
          0),
      "value");
  T_OK (json_is_integer (value) && (uint64_t) json_integer_value (value) == UINT64_MAX,
        "seccomp arg value kept as a two's complement json integer");
  T_OK (json_is_integer (json_array_get (
            json_object_get (json_object_get (spec->raw, "linux"), "x-unknown"), 0)),
        "markers in unknown properties are resolved too");
}

static void
test_unknown_ignored (void)
{
  cleanup_free char *text
      = patched ("{\"x-vendor\": {\"a\": [1, 2]}, \"process\": {\"future\": true},"
                 " \"linux\": {\"newThing\": \"x\", \"resources\": {\"newController\": 5}},"
                 " \"hooks\": {\"preFlight\": 1}}");
  cleanup_spec struct hull_spec *spec = parse_ok (text);
  T_OK (spec != NULL, "unknown properties are ignored");
}

static void
test_names (void)
{
  T_OK (CLONE_NEWTIME == 0x80, "CLONE_NEWTIME is 0x80");
  T_OK (hull_namespace_from_name ("pid") == CLONE_NEWPID
            && hull_namespace_from_name ("network") == CLONE_NEWNET
            && hull_namespace_from_name ("mount") == CLONE_NEWNS
            && hull_namespace_from_name ("ipc") == CLONE_NEWIPC
            && hull_namespace_from_name ("uts") == CLONE_NEWUTS
            && hull_namespace_from_name ("user") == CLONE_NEWUSER
            && hull_namespace_from_name ("cgroup") == CLONE_NEWCGROUP
            && hull_namespace_from_name ("time") == CLONE_NEWTIME,
        "namespace names map to CLONE_NEW*");
  T_OK (hull_namespace_from_name ("net") == -1 && hull_namespace_from_name (NULL) == -1,
        "unknown namespace names give -1");
  T_OK (strcmp (hull_namespace_name (CLONE_NEWNS), "mount") == 0
            && hull_namespace_name (0x1) == NULL,
        "hull_namespace_name");
  T_OK (strcmp (hull_hook_kind_name (HULL_HOOK_CREATE_RUNTIME), "createRuntime") == 0
            && strcmp (hull_hook_kind_name (HULL_HOOK_POSTSTOP), "poststop") == 0
            && hull_hook_kind_name (HULL_HOOK_N) == NULL,
        "hook kind names");
}

static bool
has_mount (const struct hull_spec *spec, const char *dest, const char *type)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (strcmp (spec->mounts[i].destination, dest) == 0)
      return spec->mounts[i].type && strcmp (spec->mounts[i].type, type) == 0;
  return false;
}

static bool
mount_has_option (const struct hull_spec *spec, const char *dest, const char *opt)
{
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (strcmp (spec->mounts[i].destination, dest) == 0)
      for (char **o = spec->mounts[i].options; o && *o; o++)
        if (strcmp (*o, opt) == 0)
          return true;
  return false;
}

static void
test_defaults (void)
{
  cleanup_free char *text = hull_spec_default_json (false, 0, 0);
  cleanup_free char *rtext = hull_spec_default_json (true, 1000, 1000);
  cleanup_spec struct hull_spec *spec = parse_ok (text);
  cleanup_spec struct hull_spec *rspec = parse_ok (rtext);
  cleanup_error hull_error_t err = NULL;

  T_OK (spec != NULL, "default config parses");
  T_OK (rspec != NULL, "rootless default config parses");
  if (spec == NULL || rspec == NULL)
    return;
  T_OK (hull_spec_validate_linux (spec, &err) == 0, "default config validates%s%s", err ? ": " : "",
        err ? err->msg : "");
  hull_error_free (&err);
  T_OK (hull_spec_validate_linux (rspec, &err) == 0, "rootless default config validates%s%s",
        err ? ": " : "", err ? err->msg : "");
  T_OK (!spec->process->terminal && strcmp (spec->process->args[0], "sh") == 0
            && strcmp (spec->process->cwd, "/") == 0 && spec->process->no_new_privileges
            && strncmp (spec->process->env[0], "PATH=", 5) == 0,
        "default process: sh, no terminal, PATH, noNewPrivileges");
  T_OK (hull_strv_len (spec->process->capabilities->bounding) == 3
            && hull_strv_len (spec->process->capabilities->effective) == 3
            && hull_strv_len (spec->process->capabilities->permitted) == 3
            && spec->process->capabilities->inheritable == NULL
            && spec->process->capabilities->ambient == NULL,
        "default capabilities");
  T_OK (spec->process->n_rlimits == 1 && spec->process->rlimits[0].resource == RLIMIT_NOFILE
            && spec->process->rlimits[0].soft == 1024 && spec->process->rlimits[0].hard == 1024,
        "default RLIMIT_NOFILE 1024/1024");
  T_OK (strcmp (spec->hostname, "hull") == 0, "default hostname hull");
  T_OK (spec->linux_->n_namespaces == 6 && hull_spec_namespace (spec, CLONE_NEWUSER) == NULL
            && hull_spec_namespace (spec, CLONE_NEWCGROUP) != NULL,
        "default namespaces: no user namespace");
  T_OK (has_mount (spec, "/sys", "sysfs") && mount_has_option (spec, "/dev/pts", "gid=5")
            && has_mount (spec, "/sys/fs/cgroup", "cgroup")
            && has_mount (spec, "/dev/mqueue", "mqueue"),
        "default mounts");
  T_OK (json_array_size (json_object_get (spec->linux_->resources, "devices")) == 1
            && json_is_false (json_object_get (
                json_array_get (json_object_get (spec->linux_->resources, "devices"), 0), "allow")),
        "default device cgroup denies all");
  T_OK (hull_strv_len (spec->linux_->masked_paths) >= 10
            && hull_strv_len (spec->linux_->readonly_paths) == 5,
        "default masked and read-only paths");
  T_OK (hull_spec_namespace (rspec, CLONE_NEWUSER) != NULL
            && hull_spec_namespace (rspec, CLONE_NEWNET) != NULL
            && rspec->linux_->n_uid_mappings == 1 && rspec->linux_->uid_mappings[0].host_id == 1000
            && rspec->linux_->uid_mappings[0].container_id == 0
            && rspec->linux_->uid_mappings[0].size == 1 && rspec->linux_->n_gid_mappings == 1
            && rspec->linux_->gid_mappings[0].host_id == 1000,
        "rootless: user namespace mapping the caller to root, network namespace kept");
  T_OK (has_mount (rspec, "/sys", "none") && mount_has_option (rspec, "/sys", "rbind")
            && mount_has_option (rspec, "/sys", "ro")
            && !mount_has_option (rspec, "/dev/pts", "gid=5"),
        "rootless: /sys bind mount, no gid=5 on devpts");
  T_OK (rspec->linux_->resources == NULL, "rootless: no cgroup resources");
}

static void
test_load (void)
{
  char dir[] = "/tmp/hull-test-spec-XXXXXX";
  cleanup_free char *text = hull_spec_default_json (false, 0, 0);
  cleanup_error hull_error_t err = NULL;
  cleanup_spec struct hull_spec *spec = NULL;
  cleanup_free char *config = NULL;

  if (mkdtemp (dir) == NULL)
    {
      T_SKIP ("mkdtemp failed", "hull_spec_load");
      return;
    }
  config = xasprintf ("%s/config.json", dir);
  T_OK (hull_spec_load (dir, &spec, &err) < 0 && err && strstr (err->msg, "config.json"),
        "hull_spec_load without config.json fails: %s", err ? err->msg : "");
  hull_error_free (&err);
  {
    cleanup_close int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    hull_write_file_atomic_at (dfd, "config.json", text, strlen (text), 0600, &err);
    T_OK (err == NULL && hull_spec_load (dir, &spec, &err) == 0 && spec
              && strcmp (spec->hostname, "hull") == 0,
          "hull_spec_load reads BUNDLE/config.json");
    hull_spec_free (spec);
    spec = NULL;
    hull_write_file_atomic_at (dfd, "config.json", "{\"ociVersion\": 2}", 17, 0600, &err);
    T_OK (err == NULL && hull_spec_load (dir, &spec, &err) < 0 && err
              && strstr (err->msg, "ociVersion: expected a string"),
          "hull_spec_load reports parse errors: %s", err ? err->msg : "");
  }
  unlink (config);
  rmdir (dir);
}

int
main (void)
{
  test_schema_configs ("good", true);
  test_schema_configs ("bad", false);
  test_bad_cases ();
  test_good_patches ();
  test_spec_example ();
  test_big_uint64 ();
  test_unknown_ignored ();
  test_names ();
  test_defaults ();
  test_load ();
  {
    cleanup_free char *text = patched ("{}");
    cleanup_free char *msg = NULL;
    T_OK (check_text (text, &msg) == 0, "the base config of the table is valid%s%s",
          msg ? ": " : "", msg ? msg : "");
  }
  hull_spec_free (NULL);
  return hull_test_done ();
}
