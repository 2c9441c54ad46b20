/* test_linux.c: unit tests for lib/linux that need no container: mount options, mkdir -p inside
   a root, the setup channel (errors, descriptors), seccomp filters and their cache. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../harness.h"
#include "core/error.h"
#include "core/util.h"
#include "linux/fsutil.h"
#include "linux/idmap.h"
#include "linux/lsm-labels.h"
#include "linux/mount_options.h"
#include "linux/seccomp-filter.h"
#include "linux/sync.h"

static void
test_mount_opts (void)
{
  char *o1[] = { "nosuid", "nodev", "ro", "mode=755", "size=65536k", "rbind", "rprivate", NULL };
  char *o2[] = { "ro", "rw", "noatime", "strictatime", "rro", NULL };
  char *o3[] = { "idmap", NULL };
  char *o4[] = { "", NULL };
  struct hull_mount_opts m;
  hull_error_t err = NULL;

  T_OK (hull_mount_opts_parse (o1, "mounts[0]", &m, &err) == 0, "parse typical options");
  T_OK (m.bind && m.recursive_bind, "rbind is a recursive bind");
  T_OK ((m.attr_set & (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY)) == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY), "flags set");
  T_OK (m.propagation == MS_PRIVATE && m.propagation_recursive, "rprivate");
  T_OK (m.fs_params && strcmp (m.fs_params[0], "mode=755") == 0 && strcmp (m.fs_params[1], "size=65536k") == 0 && !m.fs_params[2], "data options kept in order");
  hull_mount_opts_free (&m);

  T_OK (hull_mount_opts_parse (o2, "mounts[1]", &m, &err) == 0, "parse conflicting options");
  T_OK (!(m.attr_set & MOUNT_ATTR_RDONLY) && (m.attr_clr & MOUNT_ATTR_RDONLY), "later rw wins over ro");
  T_OK ((m.attr_set & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME && (m.attr_clr & MOUNT_ATTR__ATIME) == MOUNT_ATTR__ATIME, "last atime mode wins, whole field cleared");
  T_OK (m.rattr_set & MOUNT_ATTR_RDONLY, "rro is recursive");
  hull_mount_opts_free (&m);

  T_OK (hull_mount_opts_parse (o3, "mounts[2]", &m, &err) < 0 && strstr (err->msg, "mounts[2].options[0]"), "idmap refused naming the option");
  hull_error_free (&err);
  T_OK (hull_mount_opts_parse (o4, "mounts[3]", &m, &err) < 0 && strstr (err->msg, "empty option"), "empty option refused");
  hull_error_free (&err);
}

/* A peer that sent its error and exited: sending to it reports that error, not EPIPE. */
static void
test_sync_peer_error (void)
{
  hull_error_t err = NULL, peer = NULL;
  int fds[2];

  if (hull_sync_pair (fds, &err) < 0)
    abort ();
  hull_error (&peer, EINVAL, "process.capabilities.bounding: unknown capability `CAP_BOGUS`");
  hull_sync_send_error (fds[1], &peer);
  close (fds[1]);
  T_OK (hull_sync_send (fds[0], HULL_SYNC_GO, 0, NULL, &err) < 0 && err
            && strcmp (err->msg, peer->msg) == 0,
        "sync: send to a peer that failed reports its error: %s", err ? err->msg : "(none)");
  hull_error_free (&err);
  T_OK (hull_sync_send (fds[0], HULL_SYNC_GO, 0, NULL, &err) < 0 && err && strstr (err->msg, "setup channel"),
        "sync: with no error queued, the send's own failure is reported: %s", err ? err->msg : "(none)");
  hull_error_free (&err);
  hull_error_free (&peer);
  close (fds[0]);
}

/* A peer that sent its error and exited without reading what we had sent it: the kernel
   reports ECONNRESET first; the error is what the receive must say. */
static void
test_sync_peer_error_unread (void)
{
  hull_error_t err = NULL, peer = NULL;
  int fds[2];

  if (hull_sync_pair (fds, &err) < 0)
    abort ();
  hull_error (&peer, EINVAL, "process.capabilities.bounding: unknown capability `CAP_BOGUS`");
  if (hull_sync_send (fds[0], HULL_SYNC_GO, 0, NULL, &err) < 0) /* never read by the peer */
    abort ();
  hull_sync_send_error (fds[1], &peer);
  close (fds[1]);
  T_OK (hull_sync_expect (fds[0], HULL_SYNC_MOUNTS_DONE, NULL, &err) < 0 && err && strcmp (err->msg, peer->msg) == 0,
        "sync: a peer that failed with our message unread: its error is received: %s", err ? err->msg : "(none)");
  hull_error_free (&err);
  T_OK (hull_sync_expect (fds[0], HULL_SYNC_MOUNTS_DONE, NULL, &err) < 0 && err && strstr (err->msg, "exited"),
        "sync: then the end of the channel: %s", err ? err->msg : "(none)");
  hull_error_free (&err);
  hull_error_free (&peer);
  close (fds[0]);
}

static bool
fd_is (int fd, mode_t type)
{
  struct stat st;
  return fd >= 0 && fstat (fd, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

/* mkdir -p inside a root: what is missing is made, and a symlink pointing out of the root
   is resolved inside it. */
static void
test_mkpath (void)
{
  char tmpl[] = "/tmp/hull-unit-root-XXXXXX";
  char *root = mkdtemp (tmpl);
  cleanup_close int rfd = open (root, O_PATH | O_DIRECTORY);
  hull_error_t err = NULL;
  int fd = -1;
  struct stat st;
  char host_probe[64];

  snprintf (host_probe, sizeof host_probe, "/tmp/hull-unit-escape-%d", (int) getpid ());
  T_OK (hull_mkpath_in_root (rfd, "/", true, &fd, &err) == 0 && fd_is (fd, S_IFDIR), "mkpath: the root itself");
  close (fd);
  T_OK (hull_mkpath_in_root (rfd, "/a/b/c/", true, &fd, &err) == 0 && fd_is (fd, S_IFDIR), "mkpath: missing directories");
  close (fd);
  T_OK (hull_mkpath_in_root (rfd, "/a/b/c", true, &fd, &err) == 0 && fd_is (fd, S_IFDIR), "mkpath: existing path");
  close (fd);
  T_OK (hull_mkpath_in_root (rfd, "/x/y/file", false, &fd, &err) == 0 && fd_is (fd, S_IFREG),
        "mkpath: a missing file and its parents");
  close (fd);
  T_OK (hull_mkpath_in_root (rfd, "/a/../d", true, &fd, &err) == 0 && fd_is (fd, S_IFDIR), "mkpath: `..` stays usable");
  close (fd);
  /* "/evil" -> "/tmp", which exists on the host and in the root alike */
  if (mkdirat (rfd, "tmp", 0755) == 0 && symlinkat ("/tmp", rfd, "evil") == 0)
    {
      cleanup_free char *inside = xasprintf ("%s%s", root, host_probe);
      cleanup_free char *target = xasprintf ("/evil/%s", host_probe + strlen ("/tmp/"));
      T_OK (hull_mkpath_in_root (rfd, target, true, &fd, &err) == 0 && stat (host_probe, &st) < 0
                && stat (inside, &st) == 0,
            "mkpath: an absolute symlink resolves inside the root, never on the host (%s)", err ? err->msg : "ok");
      close (fd);
      hull_error_free (&err);
    }
  T_OK (hull_mkpath_in_root (rfd, "/x/y/file/z", true, &fd, &err) < 0 && err && strstr (err->msg, "/x/y/file/z"),
        "mkpath: a path through a file fails, naming it: %s", err ? err->msg : "no error");
  hull_error_free (&err);
  hull_rm_rf_at (AT_FDCWD, root, &err);
  hull_error_free (&err);
}

static int
open_fd_count (void)
{
  int n = 0;
  for (int fd = 0; fd < 256; fd++)
    n += fcntl (fd, F_GETFD) >= 0;
  return n;
}

/* Descriptors travel with a message, arrive close-on-exec and work; a receiver that did
   not ask for them, or gets too many, keeps none. */
static void
test_sync_fds (void)
{
  hull_error_t err = NULL;
  int sock[2], p1[2], p2[2], got[4];
  int32_t value = 0;
  size_t n = 0;
  char c = 0;
  int before;

  if (hull_sync_pair (sock, &err) < 0 || pipe (p1) < 0 || pipe (p2) < 0)
    abort ();
  T_OK (hull_sync_send_fds (sock[0], HULL_SYNC_GO, 7, (int[]){ p1[1], p2[1] }, 2, &err) == 0, "sync fds: send two");
  T_OK (hull_sync_expect_fds (sock[1], HULL_SYNC_GO, &value, got, 4, &n, &err) == 0 && n == 2 && value == 7,
        "sync fds: received %zu with value %d (%s)", n, (int) value, err ? err->msg : "ok");
  if (n == 2)
    {
      T_OK ((fcntl (got[0], F_GETFD) & FD_CLOEXEC) && (fcntl (got[1], F_GETFD) & FD_CLOEXEC),
            "sync fds: received descriptors are close-on-exec");
      T_OK (write (got[1], "x", 1) == 1 && read (p2[0], &c, 1) == 1 && c == 'x',
            "sync fds: a received descriptor is the one sent");
      close (got[0]);
      close (got[1]);
    }
  hull_error_free (&err);
  before = open_fd_count ();
  hull_sync_send_fds (sock[0], HULL_SYNC_GO, 0, (int[]){ p1[1], p2[1] }, 2, &err);
  T_OK (hull_sync_expect (sock[1], HULL_SYNC_GO, NULL, &err) == 0 && open_fd_count () == before,
        "sync fds: a receiver that asked for none closes them");
  hull_sync_send_fds (sock[0], HULL_SYNC_GO, 0, (int[]){ p1[1], p2[1] }, 2, &err);
  T_OK (hull_sync_expect_fds (sock[1], HULL_SYNC_GO, NULL, got, 1, &n, &err) < 0 && open_fd_count () == before,
        "sync fds: more than asked for is refused and none kept (%s)", err ? err->msg : "accepted");
  hull_error_free (&err);
  close (sock[0]), close (sock[1]), close (p1[0]), close (p1[1]), close (p2[0]), close (p2[1]);
}

static struct hull_seccomp *
compile_text (const char *text, hull_error_t *err)
{
  struct hull_seccomp *s = NULL;
  json_t *config = json_loads (text, 0, NULL);
  if (config == NULL)
    abort ();
  if (hull_seccomp_compile (config, &s, err) < 0)
    s = NULL;
  json_decref (config);
  return s;
}

static void
test_seccomp (void)
{
  hull_error_t err = NULL;
  struct hull_seccomp *s;
  int status = 0;
  pid_t pid;

  s = compile_text ("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\", "
                    "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"], \"syscalls\": [{\"names\": [\"mkdirat\", "
                    "\"mkdir\", \"no_such_call\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                    &err);
  T_OK (s && s->prog.len > 0 && (s->flags & SECCOMP_FILTER_FLAG_LOG), "seccomp: compiled, %u instructions, LOG set",
        s ? s->prog.len : 0);
  T_OK (s && !(s->flags & (1U << 5)), "seccomp: WAIT_KILLABLE_RECV dropped without a listener");
  if (s)
    {
      fflush (stdout);
      pid = fork ();
      if (pid == 0)
        {
          int listener;
          hull_error_t cerr = NULL;
          if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || hull_seccomp_install (s, &listener, &cerr) < 0)
            _exit (2);
          _exit (mkdir ("/tmp/hull-unit-seccomp-never", 0700) < 0 && errno == EPERM ? 0 : 1);
        }
      waitpid (pid, &status, 0);
      T_OK (WIFEXITED (status) && WEXITSTATUS (status) == 0, "seccomp: installed in a child, mkdir gets EPERM");
    }
  hull_seccomp_free (s);
  hull_error_free (&err);
  s = compile_text ("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_LOONGARCH64\"]}", &err);
  if (seccomp_arch_resolve_name ("loongarch64") == 0)
    T_OK (s == NULL && err && strstr (err->msg, "architectures[0]"),
          "seccomp: an architecture this libseccomp lacks is refused, naming it: %s", err ? err->msg : "accepted");
  else
    T_SKIP ("this libseccomp knows loongarch64", "seccomp: unknown architecture refused");
  hull_seccomp_free (s);
  hull_error_free (&err);
  s = compile_text ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 70000}", &err);
  T_OK (s == NULL && err && strstr (err->msg, "linux.seccomp.defaultErrnoRet") && strstr (err->msg, "16 bits"),
        "seccomp: defaultErrnoRet beyond 16 bits refused: %s", err ? err->msg : "accepted");
  hull_seccomp_free (s);
  hull_error_free (&err);
}

static bool
same_program (const struct hull_seccomp *a, const struct hull_seccomp *b)
{
  return a && b && a->prog.len == b->prog.len && a->flags == b->flags
         && memcmp (a->prog.filter, b->prog.filter, a->prog.len * sizeof (struct sock_filter)) == 0;
}

/* The one entry in DIR (a fresh cache with one config in it), into NAME. */
static bool
only_entry (const char *dir, char *name, size_t size)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  int n = 0;
  while (d && (de = readdir (d)) != NULL)
    if (de->d_name[0] != '.')
      n++, snprintf (name, size, "%s/%s", dir, de->d_name);
  if (d)
    closedir (d);
  return n == 1;
}

static void
test_seccomp_cache (void)
{
  static const char *const a_text = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\"], "
                                    "\"action\": \"SCMP_ACT_ERRNO\"}]}";
  static const char *const b_text = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"rmdir\"], "
                                    "\"action\": \"SCMP_ACT_KILL\"}]}";
  char tmpl[] = "/tmp/hull-unit-cache-XXXXXX";
  char *dir = mkdtemp (tmpl);
  char a_entry[512] = "", b_entry[512] = "";
  json_t *a = json_loads (a_text, 0, NULL), *b = json_loads (b_text, 0, NULL);
  struct hull_seccomp *compiled_a = NULL, *compiled_b = NULL, *got = NULL;
  hull_error_t err = NULL;
  struct stat st1, st2;
  int cache = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int n;

  hull_seccomp_compile (a, &compiled_a, &err);
  hull_seccomp_compile (b, &compiled_b, &err);
  T_OK (hull_seccomp_prepare (a, cache, &got, &err) == 0 && same_program (got, compiled_a)
            && only_entry (dir, a_entry, sizeof a_entry),
        "seccomp cache: a miss compiles and stores one entry");
  hull_seccomp_free (got), got = NULL;
  stat (a_entry, &st1);
  T_OK (hull_seccomp_prepare (a, cache, &got, &err) == 0 && same_program (got, compiled_a) && stat (a_entry, &st2) == 0
            && st1.st_ino == st2.st_ino,
        "seccomp cache: a hit gives the same program, the entry untouched");
  hull_seccomp_free (got), got = NULL;
  /* B's entry, then A's bytes put under B's name: B must still get its own filter */
  unlink (a_entry);
  hull_seccomp_prepare (b, cache, &got, &err);
  hull_seccomp_free (got), got = NULL;
  only_entry (dir, b_entry, sizeof b_entry);
  hull_seccomp_prepare (a, cache, &got, &err); /* stores A again */
  hull_seccomp_free (got), got = NULL;
  T_OK (rename (a_entry, b_entry) == 0 && hull_seccomp_prepare (b, cache, &got, &err) == 0
            && same_program (got, compiled_b),
        "seccomp cache: another config's entry under this config's name is not used");
  hull_seccomp_free (got), got = NULL;
  if (truncate (b_entry, 40) == 0)
    T_OK (hull_seccomp_prepare (b, cache, &got, &err) == 0 && same_program (got, compiled_b),
          "seccomp cache: a truncated entry is ignored and the config compiled");
  hull_seccomp_free (got), got = NULL;
  for (n = 0; n < 70; n++)
    {
      cleanup_free char *text = xasprintf ("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": %d}", n + 1);
      json_t *c = json_loads (text, 0, NULL);
      hull_seccomp_prepare (c, cache, &got, &err);
      hull_seccomp_free (got), got = NULL;
      json_decref (c);
    }
  {
    DIR *d = opendir (dir);
    struct dirent *de;
    n = 0;
    while (d && (de = readdir (d)) != NULL)
      n += de->d_name[0] != '.';
    if (d)
      closedir (d);
  }
  T_OK (n == 64, "seccomp cache: bounded at 64 entries (%d after 72 configs)", n);
  hull_error_free (&err);
  hull_seccomp_free (compiled_a);
  hull_seccomp_free (compiled_b);
  json_decref (a);
  json_decref (b);
  close (cache);
  hull_rm_rf_at (AT_FDCWD, dir, &err);
  hull_error_free (&err);
}

static void
test_mount_context (void)
{
  static const char *l = "system_u:object_r:container_file_t:s0:c1,c2";
  char *none[] = { NULL };
  char *own[] = { "mode=755", "rootcontext=system_u:object_r:tmp_t:s0", NULL };
  char *near[] = { "contexts=1", NULL };

  T_OK (hull_lsm_mount_context (l, "tmpfs", none) == l, "mount label: tmpfs gets it");
  T_OK (hull_lsm_mount_context (l, "devpts", NULL) == l, "mount label: devpts gets it");
  T_OK (hull_lsm_mount_context (NULL, "tmpfs", none) == NULL, "mount label: none asked, none given");
  T_OK (hull_lsm_mount_context (l, "proc", none) == NULL && hull_lsm_mount_context (l, "sysfs", none) == NULL
            && hull_lsm_mount_context (l, "cgroup2", none) == NULL && hull_lsm_mount_context (l, "mqueue", none) == NULL,
        "mount label: not on proc, sysfs, cgroup2, mqueue");
  T_OK (hull_lsm_mount_context (l, "tmpfs", own) == NULL, "mount label: a mount's own context option wins");
  T_OK (hull_lsm_mount_context (l, "tmpfs", near) == l, "mount label: only whole option names count");
}

static void
test_idmap (void)
{
  const struct hull_idmap self = { 0, 1000, 1 }, wide = { 0, 1000, 2 };
  const struct hull_idmap two[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
  char *text;

  T_OK (hull_idmap_writable_directly (&self, 1, false, 1000, 1000), "idmap: own uid, size 1: direct");
  T_OK (!hull_idmap_writable_directly (&self, 1, false, 1001, 1000), "idmap: someone else's uid: helper");
  T_OK (hull_idmap_writable_directly (&self, 1, true, 1001, 1000), "idmap: own gid: direct");
  T_OK (!hull_idmap_writable_directly (&wide, 1, false, 1000, 1000), "idmap: a range: helper");
  T_OK (!hull_idmap_writable_directly (two, 2, false, 1000, 1000), "idmap: two lines: helper");
  T_OK (hull_idmap_writable_directly (two, 2, false, 0, 0), "idmap: root writes anything");
  text = hull_idmap_format (two, 2);
  T_OK (strcmp (text, "0 1000 1\n1 100000 65536\n") == 0, "idmap: the /proc format, a line a range");
  free (text);
}

int
main (void)
{
  test_mount_context ();
  test_idmap ();
  test_mount_opts ();
  test_mkpath ();
  test_sync_peer_error ();
  test_sync_peer_error_unread ();
  test_sync_fds ();
  test_seccomp ();
  test_seccomp_cache ();
  return hull_test_done ();
}
