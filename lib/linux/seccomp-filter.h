/* seccomp-filter.h: linux.seccomp as a BPF program. The runtime compiles the config with libseccomp
   before anything of the container exists, so a filter libseccomp refuses fails create and
   leaves nothing behind; the init installs the program with seccomp(2) at the last moment
   the config allows (see init.c), so the runtime's own set-up is never filtered. */
#ifndef HULL_SECCOMP_FILTER_H
#define HULL_SECCOMP_FILTER_H

#include <jansson.h>
#include <linux/filter.h>
#include <stdbool.h>

#include "../core/error.h"

struct hull_seccomp
{
  struct sock_fprog prog; /* the program; prog.filter is owned */
  unsigned int flags;     /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;            /* SCMP_ACT_NOTIFY is used: the kernel gives a listener fd */
};

/* Compile CONFIG (the validated linux.seccomp object). Syscall names this libseccomp does not
   know are skipped, as runc does; anything else it refuses is an error naming the entry. */
int hull_seccomp_compile (json_t *config, struct hull_seccomp **out, hull_error_t *err);

/* hull_seccomp_compile through a cache of compiled programs in the directory CACHE_DIR (-1:
   none; see seccomp-cache.c): an entry is used only when it holds exactly this config for this
   libseccomp and machine; otherwise the config is compiled and stored there for next time. */
int hull_seccomp_prepare (json_t *config, int cache_dir, struct hull_seccomp **out, hull_error_t *err);

/* Install S for the calling thread. Needs no_new_privs or CAP_SYS_ADMIN. With S->notify the
   listener fd is returned in *listener (else -1). */
int hull_seccomp_install (const struct hull_seccomp *s, int *listener, hull_error_t *err);

void hull_seccomp_free (struct hull_seccomp *s);

/* features.linux.seccomp (features-linux.md): what this build applies, the architectures this
   libseccomp knows, and the flags the running kernel takes. */
json_t *hull_seccomp_features (void);

#endif
