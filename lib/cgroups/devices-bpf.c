/* devices-bpf.c: a cgroup v2 device program from device rules (see devices-bpf.h). No
   libbpf: the program is a few instructions per rule, written out here. */
#define _GNU_SOURCE
#include "devices-bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../core/util.h"

/* Registers: r1 the context (struct bpf_cgroup_dev_ctx), then scratch; r2 the device type,
   r3 the access asked for, r4 major, r5 minor; r0 the answer. */
#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, off) INSN (BPF_LDX | BPF_MEM | BPF_W, d, s, off, 0)
#define MOV_REG(d, s) INSN (BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i) INSN (BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define AND_IMM(d, i) INSN (BPF_ALU | BPF_AND | BPF_K, d, 0, 0, i)
#define RSH_IMM(d, i) INSN (BPF_ALU | BPF_RSH | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, off) INSN (BPF_JMP | BPF_JNE | BPF_K, d, 0, off, i)
#define JEQ_IMM(d, i, off) INSN (BPF_JMP | BPF_JEQ | BPF_K, d, 0, off, i)
#define EXIT() INSN (BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* At most per rule: type, 3 for access, major, minor, answer, exit. */
#define MAX_PER_RULE 8

size_t
hull_devices_bpf_len (size_t n_rules)
{
  return 6 + n_rules * MAX_PER_RULE + 2;
}

static unsigned
access_bits (const char *access)
{
  unsigned bits = 0;
  bits |= strchr (access, 'm') ? BPF_DEVCG_ACC_MKNOD : 0;
  bits |= strchr (access, 'r') ? BPF_DEVCG_ACC_READ : 0;
  bits |= strchr (access, 'w') ? BPF_DEVCG_ACC_WRITE : 0;
  return bits;
}

/* One rule's block; every jump goes past its end, to the next (earlier) rule. *FINAL: the
   rule matches everything, so nothing after it is reachable (and the verifier refuses
   unreachable code). */
static size_t
rule_block (const struct hull_dev_rule *r, struct bpf_insn *b, bool *final)
{
  const unsigned all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  unsigned acc = access_bits (r->access);
  size_t jumps[MAX_PER_RULE], n_jumps = 0, n = 0;

  if (r->type != 'a')
    {
      jumps[n_jumps++] = n;
      b[n++] = JNE_IMM (BPF_REG_2, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
    }
  if (r->allow && acc != all)
    {
      b[n++] = MOV_REG (BPF_REG_1, BPF_REG_3);
      b[n++] = AND_IMM (BPF_REG_1, ~acc & all);
      jumps[n_jumps++] = n;
      b[n++] = JNE_IMM (BPF_REG_1, 0, 0);
    }
  else if (!r->allow && acc != all)
    {
      b[n++] = MOV_REG (BPF_REG_1, BPF_REG_3);
      b[n++] = AND_IMM (BPF_REG_1, acc);
      jumps[n_jumps++] = n;
      b[n++] = JEQ_IMM (BPF_REG_1, 0, 0);
    }
  if (r->type != 'a' && r->major >= 0)
    {
      jumps[n_jumps++] = n;
      b[n++] = JNE_IMM (BPF_REG_4, (int32_t) r->major, 0);
    }
  if (r->type != 'a' && r->minor >= 0)
    {
      jumps[n_jumps++] = n;
      b[n++] = JNE_IMM (BPF_REG_5, (int32_t) r->minor, 0);
    }
  b[n++] = MOV_IMM (BPF_REG_0, r->allow ? 1 : 0);
  b[n++] = EXIT ();
  for (size_t j = 0; j < n_jumps; j++)
    b[jumps[j]].off = (int16_t) (n - jumps[j] - 1);
  *final = n_jumps == 0;
  return n;
}

size_t
hull_devices_bpf_build (const struct hull_dev_rule *rules, size_t n_rules, struct bpf_insn *insns)
{
  size_t n = 0;

  insns[n++] = LDX_W (BPF_REG_2, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, access_type));
  insns[n++] = MOV_REG (BPF_REG_3, BPF_REG_2);
  insns[n++] = AND_IMM (BPF_REG_2, 0xffff);
  insns[n++] = RSH_IMM (BPF_REG_3, 16);
  insns[n++] = LDX_W (BPF_REG_4, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, major));
  insns[n++] = LDX_W (BPF_REG_5, BPF_REG_1, offsetof (struct bpf_cgroup_dev_ctx, minor));
  /* the last rule in the config decides: test it first */
  for (size_t i = n_rules; i-- > 0;)
    {
      bool final;
      n += rule_block (&rules[i], insns + n, &final);
      if (final)
        return n;
    }
  insns[n++] = MOV_IMM (BPF_REG_0, 1);
  insns[n++] = EXIT ();
  return n;
}

static int
bpf (int cmd, union bpf_attr *attr)
{
  return (int) syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

int
hull_devices_bpf_attach (const char *dir, const struct hull_dev_rule *rules, size_t n_rules, hull_error_t *err)
{
  cleanup_free struct bpf_insn *insns = xmalloc0 (hull_devices_bpf_len (n_rules) * sizeof *insns);
  size_t n = hull_devices_bpf_build (rules, n_rules, insns);
  cleanup_close int cg = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int prog = -1;
  union bpf_attr attr;

  if (cg < 0)
    return hull_error_sys (err, "linux.resources.devices: open cgroup `%s`", dir);
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t) (uintptr_t) insns;
  attr.insn_cnt = (uint32_t) n;
  attr.license = (uint64_t) (uintptr_t) "Apache-2.0";
  prog = bpf (BPF_PROG_LOAD, &attr);
  if (prog < 0 && errno == EINVAL)
    {
      /* again, for the verifier's reason */
      char log[4096] = "";
      attr.log_buf = (uint64_t) (uintptr_t) log;
      attr.log_size = sizeof log;
      attr.log_level = 1;
      if (bpf (BPF_PROG_LOAD, &attr) < 0)
        {
          size_t len = strlen (log);
          while (len > 0 && log[len - 1] == '\n')
            log[--len] = '\0';
          return hull_error (err, EINVAL, "linux.resources.devices: the kernel refused the device program: %s",
                             strrchr (log, '\n') ? strrchr (log, '\n') + 1 : log);
        }
    }
  if (prog < 0)
    return hull_error_sys (err, "linux.resources.devices: load the cgroup v2 device program");
  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t) cg;
  attr.attach_bpf_fd = (uint32_t) prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf (BPF_PROG_ATTACH, &attr) < 0)
    return hull_error_sys (err, "linux.resources.devices: attach the device program to `%s`", dir);
  return 0;
}
