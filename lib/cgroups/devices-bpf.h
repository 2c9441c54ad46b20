/* devices-bpf.h: the device rules of linux.resources.devices on cgroup v2, which has no
   devices files: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE, generated from the
   rules and attached to the group. The kernel runs it on every open and mknod of a device
   node by a process of the group; it answers allow (1) or deny (0). */
#ifndef HULL_DEVICES_BPF_H
#define HULL_DEVICES_BPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "../core/error.h"
#include "resources.h"

/* The program for RULES (config order: the last rule that matches a request decides; none
   matching allows, as v1's devices cgroup starts out allowing all). An allow rule matches a
   request whose accesses it all grants, a deny rule one that asks for any access it names.
   Returns the number of instructions written to INSNS (room for hull_devices_bpf_len). */
size_t hull_devices_bpf_build (const struct hull_dev_rule *rules, size_t n, struct bpf_insn *insns);
size_t hull_devices_bpf_len (size_t n_rules);

/* Load the program for RULES and attach it to the cgroup2 directory DIR (alongside those of
   its ancestors, which must allow as well). */
int hull_devices_bpf_attach (const char *dir, const struct hull_dev_rule *rules, size_t n, hull_error_t *err);

#endif
