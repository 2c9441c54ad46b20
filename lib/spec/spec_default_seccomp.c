/* spec_default_seccomp.c: the seccomp profile `hull-runtime spec` writes: an allow list, so a
   syscall nobody has reviewed (every one added to kernels from now on) fails with ENOSYS, which
   programs and libc treat as "not here" and work around (clone3 -> clone).

   - ALLOWED: what ordinary programs use. Many of these still need a capability the default
     container lacks (chroot, mknod, sethostname, setuid to others, raising priorities): the
     kernel checks that, and a profile that refused them too would only break containers given
     the capability on purpose.
   - DENIED with EPERM: calls that reach kernel state shared with the host or other containers,
     or that widen the kernel's attack surface for no ordinary use: modules and kexec, the key
     rings, BPF and perf, the mount API, setns and unshare (a user namespace for the taking),
     ptrace and process_vm_*, open_by_handle_at (the "shocker" escape), io_uring, userfaultfd,
     setting the clocks, swap, reboot, NUMA placement of other processes' memory, the kernel log.
   - clone only without namespace flags (with one: EPERM); personality only for the Linux
     personalities and the query (others: ENOSYS), not the ones that change address-space
     layout or signal delivery.
   Obsolete and unimplemented syscalls are in neither list: ENOSYS.
   The names are x86-64's, as libseccomp 2.5 knows them; libseccomp finds each on the x86 and
   x32 architectures as well, skipping those it lacks there. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>

#include "spec-internal.h"

static const char *const allowed[] = {
  "accept", "accept4", "access", "adjtimex", "alarm", "arch_prctl", "bind", "brk", "cachestat",
  "capget", "capset", "chdir", "chmod", "chown", "chroot", "clock_adjtime", "clock_getres",
  "clock_gettime", "clock_nanosleep", "close", "close_range", "connect", "copy_file_range",
  "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait",
  "epoll_pwait2", "epoll_wait", "eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group",
  "faccessat", "faccessat2", "fadvise64", "fallocate", "fanotify_mark", "fchdir", "fchmod",
  "fchmodat", "fchmodat2", "fchown", "fchownat", "fcntl", "fdatasync", "fgetxattr", "flistxattr",
  "flock", "fork", "fremovexattr", "fsetxattr", "fstat", "fstatfs", "fsync", "ftruncate", "futex",
  "futex_requeue", "futex_wait", "futex_waitv", "futex_wake", "futimesat", "get_mempolicy",
  "get_robust_list", "get_thread_area", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
  "geteuid", "getgid", "getgroups", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid",
  "getppid", "getpriority", "getrandom", "getresgid", "getresuid", "getrlimit", "getrusage",
  "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid", "getxattr",
  "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
  "io_destroy", "io_getevents", "io_pgetevents", "io_setup", "io_submit", "ioctl", "ioprio_get",
  "ioprio_set", "kill", "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self",
  "lchown", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr", "lremovexattr",
  "lseek", "lsetxattr", "lstat", "madvise", "map_shadow_stack", "membarrier", "memfd_create",
  "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall",
  "mmap", "mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend",
  "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall",
  "munmap", "nanosleep", "newfstatat", "open", "openat", "openat2", "pause", "pidfd_open",
  "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll",
  "ppoll", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_madvise",
  "process_mrelease", "pselect6", "pwrite64", "pwritev", "pwritev2", "read", "readahead",
  "readlink", "readlinkat", "readv", "recvfrom", "recvmmsg", "recvmsg", "remap_file_pages",
  "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
  "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
  "rt_sigsuspend", "rt_sigtimedwait", "rt_tgsigqueueinfo", "sched_get_priority_max",
  "sched_get_priority_min", "sched_getaffinity", "sched_getattr", "sched_getparam",
  "sched_getscheduler", "sched_rr_get_interval", "sched_setaffinity", "sched_setattr",
  "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
  "semop", "semtimedop", "sendfile", "sendmmsg", "sendmsg", "sendto", "set_robust_list",
  "set_thread_area", "set_tid_address", "setdomainname", "setfsgid", "setfsuid", "setgid",
  "setgroups", "sethostname", "setitimer", "setpgid", "setpriority", "setregid", "setresgid",
  "setresuid", "setreuid", "setrlimit", "setsid", "setsockopt", "setuid", "setxattr", "shmat",
  "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "socket",
  "socketpair", "splice", "stat", "statfs", "statx", "symlink", "symlinkat", "sync",
  "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
  "timer_getoverrun", "timer_gettime", "timer_settime", "timerfd_create", "timerfd_gettime",
  "timerfd_settime", "times", "tkill", "truncate", "umask", "uname", "unlink", "unlinkat", "utime",
  "utimensat", "utimes", "vfork", "vmsplice", "wait4", "waitid", "write", "writev", NULL
};

static const char *const denied[] = {
  "acct", "add_key", "bpf", "clock_settime", "delete_module", "fanotify_init", "finit_module",
  "fsconfig", "fsmount", "fsopen", "fspick", "init_module", "io_uring_enter", "io_uring_register",
  "io_uring_setup", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
  "lookup_dcookie", "mbind", "migrate_pages", "modify_ldt", "mount", "mount_setattr", "move_mount",
  "move_pages", "name_to_handle_at", "open_by_handle_at", "open_tree", "perf_event_open",
  "pidfd_getfd", "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace", "quotactl",
  "quotactl_fd", "reboot", "request_key", "set_mempolicy", "set_mempolicy_home_node", "setns",
  "settimeofday", "swapoff", "swapon", "syslog", "umount2", "unshare", "userfaultfd", "vhangup", NULL
};

/* Namespace flags in clone's first argument (its low byte is the exit signal, so CLONE_NEWTIME,
   0x80, cannot be told apart there; clone3, which could, is not allowed at all). */
#define CLONE_NS_FLAGS                                                                                     \
  (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/* clone with any namespace flag: EPERM, one rule per flag (a rule matches on one masked value),
   so a program trying it reads "not permitted" rather than ENOSYS. */
static json_t *
clone_ns_rules (void)
{
  static const json_int_t flags[] = { CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                      CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET };
  json_t *rules = json_array ();
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    json_array_append_new (rules, json_pack ("{s:[s], s:s, s:i, s:[{s:i, s:I, s:I, s:s}]}", "names", "clone", "action",
                                             "SCMP_ACT_ERRNO", "errnoRet", EPERM, "args", "index", 0, "value",
                                             flags[i], "valueTwo", flags[i], "op", "SCMP_CMP_MASKED_EQ"));
  return rules;
}

/* personality(2) values allowed: PER_LINUX, PER_LINUX32, UNAME26 with either, and 0xffffffff
   (query the current one). */
static json_t *
personality_rules (void)
{
  static const json_int_t ok[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
  json_t *rules = json_array ();
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    json_array_append_new (rules, json_pack ("{s:[s], s:s, s:[{s:i, s:I, s:s}]}", "names", "personality", "action",
                                             "SCMP_ACT_ALLOW", "args", "index", 0, "value", ok[i], "op",
                                             "SCMP_CMP_EQ"));
  return rules;
}

json_t *
hull_spec_default_seccomp (void)
{
  json_t *syscalls = json_pack ("[{s:o, s:s}, {s:o, s:s, s:i}, {s:[s], s:s, s:[{s:i, s:I, s:I, s:s}]}]", "names",
                                spec_json_strv (allowed), "action", "SCMP_ACT_ALLOW", "names", spec_json_strv (denied), "action",
                                "SCMP_ACT_ERRNO", "errnoRet", EPERM, "names", "clone", "action", "SCMP_ACT_ALLOW",
                                "args", "index", 0, "value", (json_int_t) CLONE_NS_FLAGS, "valueTwo", (json_int_t) 0,
                                "op", "SCMP_CMP_MASKED_EQ");
  json_t *more[] = { clone_ns_rules (), personality_rules () };
  for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
    {
      json_array_extend (syscalls, more[i]);
      json_decref (more[i]);
    }
  return json_pack ("{s:s, s:i, s:[s, s, s], s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet", ENOSYS,
                    "architectures", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "syscalls", syscalls);
}
