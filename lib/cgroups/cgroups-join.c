/* cgroups-join.c: how the container's first process gets into its group without a host-wide
   pause. Moving a process from outside (its pid written to cgroup.procs) takes the kernel's
   cgroup_threadgroup_rwsem for writing, and that lock, unless another move happened in the
   last few milliseconds, first waits out an RCU grace period: 10-20 ms on an idle host, more
   than all the rest of a container's start. Two ways in do not take it: on a v2 hierarchy,
   being cloned straight into the group (clone3 CLONE_INTO_CGROUP); on v1, a single-threaded
   process writing "0" (itself) to the group's `tasks` file. The runtime opens the files here,
   with its own credentials, so the child can use them whatever namespaces it is in. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "../core/util.h"

int
hull_cgroup_join_open_v2 (const struct hull_cgroup *cg, struct hull_cgroup_join *j, hull_error_t *err)
{
  if (cg == NULL)
    return 0;
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      if (!cg->hiers[i].v2)
        continue;
      /* cgroup2 has one hierarchy however often it is mounted, so this is set at most once;
         clone3 needs a real descriptor, not O_PATH. */
      j->clone_fd = open (cg->hiers[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (j->clone_fd < 0)
        return hull_error_sys (err, "open cgroup `%s`", cg->hiers[i].dir);
      break;
    }
  return 0;
}

int
hull_cgroup_join_open_v1 (const struct hull_cgroup *cg, struct hull_cgroup_join *j, hull_error_t *err)
{
  if (cg == NULL)
    return 0;
  j->tasks_fds = xmalloc0 ((cg->n_hiers ? cg->n_hiers : 1) * sizeof *j->tasks_fds);
  j->n_tasks = 0;
  for (size_t i = 0; i < cg->n_hiers; i++)
    {
      cleanup_free char *tasks = NULL;
      int fd;

      if (cg->hiers[i].v2)
        continue;
      tasks = xasprintf ("%s/tasks", cg->hiers[i].dir);
      fd = open (tasks, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        {
          hull_error_sys (err, "open cgroup `%s`", cg->hiers[i].dir);
          hull_cgroup_join_close (j);
          return -1;
        }
      j->tasks_fds[j->n_tasks++] = fd;
    }
  return 0;
}

int
hull_cgroup_join_self (const struct hull_cgroup *cg, struct hull_cgroup_join *j, hull_error_t *err)
{
  size_t k = 0, n_v1 = 0;
  int ret = 0;

  for (size_t i = 0; i < cg->n_hiers; i++)
    n_v1 += !cg->hiers[i].v2;
  if (n_v1 != j->n_tasks)
    {
      hull_cgroup_join_close (j);
      return hull_error (err, 0, "join cgroup `%s`: %zu tasks files for %zu v1 hierarchies", cg->path, j->n_tasks,
                         n_v1);
    }
  for (size_t i = 0; i < cg->n_hiers && ret == 0; i++)
    {
      ssize_t w;
      if (cg->hiers[i].v2)
        continue;
      /* "0" is the writer itself, one thread: the kernel skips the threadgroup lock. */
      do
        w = write (j->tasks_fds[k], "0", 1);
      while (w < 0 && errno == EINTR);
      if (w < 0)
        ret = hull_error_sys (err, "join cgroup `%s`", cg->hiers[i].dir);
      k++;
    }
  hull_cgroup_join_close (j);
  return ret;
}

void
hull_cgroup_join_close (struct hull_cgroup_join *j)
{
  if (j->clone_fd >= 0)
    close (j->clone_fd);
  j->clone_fd = -1;
  for (size_t i = 0; i < j->n_tasks; i++)
    close (j->tasks_fds[i]);
  free (j->tasks_fds);
  j->tasks_fds = NULL;
  j->n_tasks = 0;
}
