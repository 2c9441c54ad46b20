/* test_unpack.c: unit tests for lib/image/unpack.c: layers built in memory with libarchive's
   writer (the unpacker itself only reads) and applied into TMP/root, while TMP/outside holds
   a sentinel that must never change and TMP must never get a new entry. */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../harness.h"
#include "core/util.h"
#include "image/unpack.h"

static char tmp[] = "/tmp/hull-test-unpack-XXXXXX";
static char root[256], outside[256];

/* --- building layers --------------------------------------------------------------------- */

struct tar
{
  struct archive *a;
  char *buf;
  size_t size, used;
};

static struct tar *
tar_new (const char *filter)
{
  struct tar *t = xmalloc0 (sizeof *t);
  t->size = 8 << 20;
  t->buf = xmalloc0 (t->size);
  t->a = archive_write_new ();
  archive_write_set_format_pax (t->a);
  if (strcmp (filter, "gzip") == 0)
    archive_write_add_filter_gzip (t->a);
  else if (strcmp (filter, "zstd") == 0)
    archive_write_add_filter_zstd (t->a);
  if (archive_write_open_memory (t->a, t->buf, t->size, &t->used) != ARCHIVE_OK)
    abort ();
  return t;
}

struct ent
{
  const char *name;
  mode_t type; /* AE_IF* */
  mode_t perm;
  const char *data;   /* file content, or symlink target */
  const char *link;   /* hardlink target */
  unsigned uid, gid;
  time_t mtime;
  long nsec;
  dev_t rdev;
  const char *xkey, *xval;
  size_t xlen;
};

static void
tar_add (struct tar *t, struct ent x)
{
  struct archive_entry *e = archive_entry_new ();
  size_t len = (x.type == 0 || x.type == AE_IFREG) && x.data && !x.link ? strlen (x.data) : 0;

  archive_entry_set_pathname (e, x.name);
  archive_entry_set_filetype (e, x.type ? x.type : AE_IFREG);
  archive_entry_set_perm (e, x.perm ? x.perm : (x.type == AE_IFDIR ? 0755 : 0644));
  archive_entry_set_uid (e, x.uid);
  archive_entry_set_gid (e, x.gid);
  archive_entry_set_mtime (e, x.mtime ? x.mtime : 1000000000, x.nsec);
  archive_entry_set_size (e, len);
  if (x.type == AE_IFLNK)
    archive_entry_set_symlink (e, x.data);
  if (x.link)
    archive_entry_set_hardlink (e, x.link);
  if (x.rdev)
    archive_entry_set_rdev (e, x.rdev);
  if (x.xkey)
    archive_entry_xattr_add_entry (e, x.xkey, x.xval, x.xlen ? x.xlen : strlen (x.xval));
  if (archive_write_header (t->a, e) != ARCHIVE_OK)
    {
      fprintf (stderr, "tar_add %s: %s\n", x.name, archive_error_string (t->a));
      abort ();
    }
  if (len)
    archive_write_data (t->a, x.data, len);
  archive_entry_free (e);
}

static void
tar_close (struct tar *t)
{
  archive_write_close (t->a);
  archive_write_free (t->a);
}

static void
tar_free (struct tar *t)
{
  free (t->buf);
  free (t);
}

/* --- applying ---------------------------------------------------------------------------- */

struct mem
{
  const char *p;
  size_t left, chunk;
};

static ssize_t
mem_read (void *arg, void *buf, size_t len)
{
  struct mem *m = arg;
  size_t n = len < m->left ? len : m->left;
  if (m->chunk && n > m->chunk)
    n = m->chunk; /* small reads: libarchive must cope with short ones */
  memcpy (buf, m->p, n);
  m->p += n;
  m->left -= n;
  return n;
}

static char last_err[8192];
static uint64_t lim_bytes, lim_entries; /* the limits apply_mode gives (0: the defaults) */
static struct hull_unpack_stats last_st;
static int nwarn;

static void
count_warn (void *arg, const char *msg)
{
  nwarn++;
  printf ("# warning: %s\n", msg);
}

/* Close T and apply it onto ROOT (whiteouts as MODE); 0 or -1 with last_err set. */
static int
apply_mode (struct tar *t, enum hull_whiteout_mode mode)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_close int fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct hull_unpack_opts o = { .whiteouts = mode, .warn = count_warn, .max_bytes = lim_bytes,
                                .max_entries = lim_entries };
  struct mem m;
  int r;

  tar_close (t);
  m = (struct mem){ t->buf, t->used, 777 };
  r = hull_layer_apply (fd, mem_read, &m, &o, &last_st, &err);
  snprintf (last_err, sizeof last_err, "%s", err ? err->msg : "");
  if (r < 0)
    printf ("# error: %s\n", last_err);
  if (r == 0 && m.left != 0)
    printf ("# stream not read to its end (%zu left)\n", m.left);
  tar_free (t);
  return r;
}

static int
apply (struct tar *t)
{
  return apply_mode (t, HULL_WHITEOUT_DELETE);
}

static void
fresh_root (void)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_close int dfd = open (tmp, O_PATH | O_DIRECTORY);
  if (hull_rm_rf_at (dfd, "root", &err) < 0 || mkdir (root, 0755) < 0)
    abort ();
}

static bool
host_exists (const char *path)
{
  struct stat st;
  return fstatat (AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* REL below the root */
static bool
exists (const char *rel)
{
  char p[PATH_MAX];
  snprintf (p, sizeof p, "%s/%s", root, rel);
  return host_exists (p);
}

static struct stat
lst (const char *base, const char *rel)
{
  char p[PATH_MAX];
  struct stat st = { 0 };
  snprintf (p, sizeof p, "%s/%s", base, rel);
  if (lstat (p, &st) < 0)
    st.st_mode = 0;
  return st;
}
#define ST(rel) lst (root, rel)

static char *
slurp (const char *rel)
{
  char p[PATH_MAX];
  char *out = NULL;
  size_t len;
  cleanup_error hull_error_t err = NULL;
  snprintf (p, sizeof p, "%s/%s", root, rel);
  if (hull_read_file_at (AT_FDCWD, p, &out, &len, &err) < 0)
    return xstrdup ("<missing>");
  return out;
}

static bool
content_is (const char *rel, const char *want)
{
  cleanup_free char *s = slurp (rel);
  return strcmp (s, want) == 0;
}

/* Nothing outside ROOT changed: the sentinel as made, and TMP holding root and outside only. */
static bool
outside_intact (void)
{
  char p[PATH_MAX];
  cleanup_free char *s = NULL;
  size_t len, n = 0;
  struct stat st;
  cleanup_error hull_error_t err = NULL;
  DIR *d;
  struct dirent *de;

  snprintf (p, sizeof p, "%s/sentinel", outside);
  if (hull_read_file_at (AT_FDCWD, p, &s, &len, &err) < 0 || strcmp (s, "sentinel\n") != 0)
    return false;
  if (lstat (p, &st) < 0 || st.st_nlink != 1 || st.st_mtime != 12345 || (st.st_mode & 07777) != 0644)
    return false;
  d = opendir (outside);
  while ((de = readdir (d)) != NULL)
    n++;
  closedir (d);
  if (n != 3)
    return false;
  n = 0;
  d = opendir (tmp);
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") && strcmp (de->d_name, "..") && strcmp (de->d_name, "root")
        && strcmp (de->d_name, "outside"))
      n++;
  closedir (d);
  return n == 0 && !host_exists ("/abs") && !host_exists ("/x");
}

/* An evil layer: refused with an error containing WANT (NULL: accepted), and nothing changed
   outside the root. */
#define T_EVIL(t, want, ...)                                                                             \
  do                                                                                                     \
    {                                                                                                    \
      int _r = apply (t);                                                                                \
      const char *_w = (want);                                                                           \
      T_OK (_w ? _r < 0 && strstr (last_err, _w) != NULL : _r == 0, __VA_ARGS__);                        \
      T_OK (outside_intact (), "  and nothing outside the root changed");                                \
    }                                                                                                    \
  while (0)

/* --- the tests --------------------------------------------------------------------------- */

static void
test_basic (const char *filter)
{
  struct tar *t = tar_new (filter);
  struct stat st, h;
  char v[64], xp[PATH_MAX];
  bool root_ = geteuid () == 0;
  /* a v2 file capability: cap_net_bind_service permitted, effective */
  static const uint32_t cap[5] = { 0x02000001, 1u << 10, 0, 0, 0 };

  fresh_root ();
  tar_add (t, (struct ent){ .name = "./", .type = AE_IFDIR, .perm = 0711, .mtime = 500 });
  tar_add (t, (struct ent){ .name = "d", .type = AE_IFDIR, .perm = 0750, .mtime = 1000, .uid = 7, .gid = 8 });
  tar_add (t, (struct ent){ .name = "d/f", .data = "hello", .perm = 0640, .uid = 1234, .gid = 5678, .mtime = 2000,
                            .nsec = 123456789, .xkey = "user.test", .xval = "value" });
  tar_add (t, (struct ent){ .name = "d/su", .data = "x", .perm = 06755, .xkey = "security.capability",
                            .xval = (const char *) cap, .xlen = sizeof cap });
  tar_add (t, (struct ent){ .name = "d/tr", .data = "x", .xkey = "trusted.ok", .xval = "1" });
  tar_add (t, (struct ent){ .name = "d/ov", .data = "x", .xkey = "trusted.overlay.opaque", .xval = "y" });
  tar_add (t, (struct ent){ .name = "d/l", .type = AE_IFLNK, .data = "f", .mtime = 3000, .uid = 11, .gid = 12 });
  tar_add (t, (struct ent){ .name = "d/h", .link = "d/f" });
  tar_add (t, (struct ent){ .name = "p", .type = AE_IFIFO, .perm = 0620, .mtime = 4000 });
  tar_add (t, (struct ent){ .name = "null", .type = AE_IFCHR, .perm = 0666, .rdev = makedev (1, 3) });
  tar_add (t, (struct ent){ .name = "deep/er/file", .data = "implicit parents" });
  T_OK (apply (t) == 0, "%s: a plain layer applies", filter);
  st = ST ("d/f");
  T_OK (S_ISREG (st.st_mode) && (st.st_mode & 07777) == 0640 && st.st_size == 5 && content_is ("d/f", "hello"),
        "%s: file, mode 0640, content", filter);
  T_OK (st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 123456789, "%s: file mtime with nanoseconds", filter);
  T_OK (!root_ || (st.st_uid == 1234 && st.st_gid == 5678), "%s: file owner 1234:5678", filter);
  h = ST ("d/h");
  T_OK (h.st_ino == st.st_ino && st.st_nlink == 2, "%s: hardlink shares the inode", filter);
  T_OK (getxattr ((snprintf (xp, sizeof xp, "%s/d/f", root), xp), "user.test", v, sizeof v) == 5 && memcmp (v, "value", 5) == 0,
        "%s: user.* xattr", filter);
  st = ST ("d/su");
  T_OK ((st.st_mode & 07777) == (root_ ? 06755 : 0755), "%s: setuid/setgid kept as root (mode %o)", filter,
        st.st_mode & 07777);
  snprintf (xp, sizeof xp, "%s/d/su", root);
  T_OK (!root_ || getxattr (xp, "security.capability", NULL, 0) == sizeof cap, "%s: security.capability", filter);
  snprintf (xp, sizeof xp, "%s/d/tr", root);
  T_OK (!root_ || getxattr (xp, "trusted.ok", NULL, 0) == 1, "%s: trusted.* as root", filter);
  snprintf (xp, sizeof xp, "%s/d/ov", root);
  T_OK (getxattr (xp, "trusted.overlay.opaque", NULL, 0) < 0, "%s: trusted.overlay.* dropped", filter);
  st = ST ("d/l");
  T_OK (S_ISLNK (st.st_mode) && st.st_mtime == 3000 && (!root_ || st.st_uid == 11),
        "%s: symlink with its own mtime and owner", filter);
  st = ST ("d");
  T_OK (S_ISDIR (st.st_mode) && (st.st_mode & 07777) == 0750 && st.st_mtime == 1000,
        "%s: directory mode and mtime set after its contents", filter);
  st = ST ("");
  T_OK ((st.st_mode & 07777) == 0711 && st.st_mtime == 500, "%s: `./` sets the root's mode and mtime", filter);
  st = ST ("p");
  T_OK (S_ISFIFO (st.st_mode) && (st.st_mode & 07777) == 0620 && st.st_mtime == 4000, "%s: fifo", filter);
  st = ST ("null");
  T_OK (!root_ || (S_ISCHR (st.st_mode) && st.st_rdev == makedev (1, 3)), "%s: character device as root", filter);
  T_OK (content_is ("deep/er/file", "implicit parents") && (ST ("deep/er").st_mode & 0777) == 0755,
        "%s: missing parents made 0755", filter);
  T_OK (last_st.entries == 11 && last_st.bytes_written == 5 + 1 + 1 + 1 + 16 && last_st.bytes_in > 0,
        "%s: stats: %llu entries, %llu bytes written, %llu read", filter, (unsigned long long) last_st.entries,
        (unsigned long long) last_st.bytes_written, (unsigned long long) last_st.bytes_in);
  T_OK (outside_intact (), "%s: nothing outside the root changed", filter);
}

static void
lower_layer (void)
{
  struct tar *t = tar_new ("none");
  fresh_root ();
  tar_add (t, (struct ent){ .name = "a/x", .data = "x" });
  tar_add (t, (struct ent){ .name = "a/y", .data = "y" });
  tar_add (t, (struct ent){ .name = "b/z", .data = "z" });
  tar_add (t, (struct ent){ .name = "c/keep/deep", .data = "k" });
  tar_add (t, (struct ent){ .name = "r/inner", .data = "r" });
  tar_add (t, (struct ent){ .name = "s", .data = "s" });
  tar_add (t, (struct ent){ .name = "t", .data = "t" });
  tar_add (t, (struct ent){ .name = "a", .type = AE_IFDIR, .mtime = 777 });
  tar_add (t, (struct ent){ .name = "etc/t", .data = "t" });
  tar_add (t, (struct ent){ .name = "tl/t", .data = "t" });
  if (apply (t) < 0)
    abort ();
}

static void
test_whiteouts (void)
{
  struct tar *t;

  lower_layer ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "c/early", .data = "this layer, before the opaque marker" });
  tar_add (t, (struct ent){ .name = "a/.wh.x" });
  tar_add (t, (struct ent){ .name = ".wh.b" });
  tar_add (t, (struct ent){ .name = "c/.wh..wh..opq" });
  tar_add (t, (struct ent){ .name = "c/new", .data = "n" });
  tar_add (t, (struct ent){ .name = ".wh.nothing-there" });
  tar_add (t, (struct ent){ .name = "r", .data = "file over a directory" });
  tar_add (t, (struct ent){ .name = "s", .type = AE_IFDIR });
  tar_add (t, (struct ent){ .name = "t", .type = AE_IFLNK, .data = "s" });
  tar_add (t, (struct ent){ .name = "a/new", .data = "new" });
  tar_add (t, (struct ent){ .name = "tl", .type = AE_IFLNK, .data = "etc" });
  tar_add (t, (struct ent){ .name = "tl/.wh.t" });
  T_OK (apply (t) == 0, "whiteouts: the upper layer applies");
  T_OK (ST ("a").st_mtime == 777, "a directory the layer changes but has no entry for keeps its mtime (%ld)",
        (long) ST ("a").st_mtime);
  T_OK (content_is ("etc/t", "t") && S_ISLNK (ST ("tl").st_mode),
        "a whiteout below a symlink the layer made hides nothing through it");
  T_OK (!exists ("a/x") && content_is ("a/y", "y"), "whiteouts: .wh.x removes a/x only");
  T_OK (!exists ("b"), "whiteouts: .wh.b removes the directory b");
  T_OK (!exists ("c/keep") && content_is ("c/new", "n"),
        "whiteouts: opaque directory loses the lower contents, keeps the new");
  T_OK (content_is ("c/early", "this layer, before the opaque marker"),
        "whiteouts: opaque keeps what the same layer wrote before it");
  T_OK (!exists ("a/.wh.x") && !exists ("c/.wh..wh..opq"),
        "whiteouts: not materialised");
  T_OK (last_st.whiteouts == 5, "whiteouts: counted (%llu)", (unsigned long long) last_st.whiteouts);
  T_OK (S_ISREG (ST ("r").st_mode) && S_ISDIR (ST ("s").st_mode) && S_ISLNK (ST ("t").st_mode),
        "replacing: file over a directory, directory over a file, symlink over a file");
  T_OK (outside_intact (), "whiteouts: nothing outside the root changed");
}

static void
test_overlay_whiteouts (void)
{
  struct tar *t = tar_new ("none");
  struct stat st;
  char p[PATH_MAX], v[4];

  if (geteuid () != 0)
    {
      T_SKIP ("needs root", "overlay whiteouts");
      return;
    }
  fresh_root ();
  tar_add (t, (struct ent){ .name = "a/.wh.x" });
  tar_add (t, (struct ent){ .name = "c/.wh..wh..opq" });
  tar_add (t, (struct ent){ .name = "c/new", .data = "n" });
  T_OK (apply_mode (t, HULL_WHITEOUT_OVERLAY) == 0, "overlay whiteouts: applies");
  st = ST ("a/x");
  T_OK (S_ISCHR (st.st_mode) && st.st_rdev == makedev (0, 0), "overlay whiteouts: .wh.x is a 0:0 device");
  snprintf (p, sizeof p, "%s/c", root);
  T_OK (getxattr (p, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y',
        "overlay whiteouts: opaque is trusted.overlay.opaque=y");
}

static void
test_evil (void)
{
  struct tar *t;
  char target[PATH_MAX], longname[PATH_MAX + 200];

  snprintf (target, sizeof target, "%s/sentinel", outside);

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "../outside/sentinel", .data = "evil" });
  T_EVIL (t, "layer entry `../outside/sentinel`: climbs out of the root", "evil: ../ name refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "a/b/../../../x", .data = "evil" });
  T_EVIL (t, "`a/b/../../../x`: climbs out", "evil: a/b/../../../x refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "/abs/file", .data = "abs" });
  tar_add (t, (struct ent){ .name = "a/../inside", .data = "in" });
  T_EVIL (t, NULL, "evil: absolute name taken as relative, a/../ inside kept");
  T_OK (content_is ("abs/file", "abs") && content_is ("inside", "in"), "  /abs/file landed in ROOT/abs/file");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "l", .type = AE_IFLNK, .data = outside });
  tar_add (t, (struct ent){ .name = "l/sentinel", .data = "evil" });
  T_EVIL (t, "layer entry `l/sentinel`: open `l`", "evil: a file through an absolute symlink: resolved inside, "
                                                  "where it dangles");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "inner/outside", .type = AE_IFDIR });
  tar_add (t, (struct ent){ .name = "l", .type = AE_IFLNK, .data = "/inner/outside" });
  tar_add (t, (struct ent){ .name = "l/sentinel", .data = "evil" });
  tar_add (t, (struct ent){ .name = "l2", .type = AE_IFLNK, .data = "../../../.." });
  tar_add (t, (struct ent){ .name = "l2/x", .data = "evil" });
  T_EVIL (t, NULL, "evil: files written through an absolute and a climbing symlink");
  T_OK (content_is ("inner/outside/sentinel", "evil") && content_is ("x", "evil"), "  both resolved inside the root");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "l3", .type = AE_IFLNK, .data = target });
  tar_add (t, (struct ent){ .name = "l3", .data = "evil" });
  T_EVIL (t, NULL, "evil: a file over a symlink to the sentinel replaces the symlink");
  T_OK (S_ISREG (ST ("l3").st_mode), "  l3 is a file now");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "h", .link = "../outside/sentinel" });
  T_EVIL (t, "layer entry `h`: hardlink target: layer entry `../outside/sentinel`: climbs out",
          "evil: hardlink to ../outside refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "h", .link = target });
  T_EVIL (t, "hardlink to", "evil: hardlink to the sentinel's absolute path resolves inside (missing there)");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "lnk", .type = AE_IFLNK, .data = target });
  tar_add (t, (struct ent){ .name = "h", .link = "lnk" });
  T_EVIL (t, NULL, "evil: hardlink to a symlink pointing out");
  T_OK (S_ISLNK (ST ("h").st_mode), "  is a second name of the symlink");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "dl", .type = AE_IFLNK, .data = outside });
  tar_add (t, (struct ent){ .name = "h", .link = "dl/sentinel" });
  T_EVIL (t, "hardlink to `dl/sentinel`", "evil: hardlink through a symlinked directory pointing out");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "d", .type = AE_IFDIR });
  tar_add (t, (struct ent){ .name = "h", .link = "d" });
  T_EVIL (t, "a directory", "evil: hardlink to a directory refused");

  memset (longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  for (size_t i = 200; i < sizeof longname - 1; i += 201)
    longname[i] = '/';
  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = longname, .data = "long" });
  T_EVIL (t, "bytes", "evil: a name over PATH_MAX refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = ".", .data = "root as a file" });
  T_EVIL (t, "would replace the root", "evil: a file named `./` refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "../.wh.outside" });
  T_EVIL (t, "climbs out", "evil: whiteout of ../outside refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "a/.wh.." });
  T_EVIL (t, "whiteout of no name", "evil: .wh.. refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "wl", .type = AE_IFLNK, .data = outside });
  tar_add (t, (struct ent){ .name = "wl/.wh.sentinel" });
  tar_add (t, (struct ent){ .name = "wl/.wh..wh..opq" });
  tar_add (t, (struct ent){ .name = "up", .type = AE_IFLNK, .data = ".." });
  tar_add (t, (struct ent){ .name = "up/.wh.outside" });
  tar_add (t, (struct ent){ .name = "up/.wh..wh..opq" });
  T_EVIL (t, NULL, "evil: whiteouts and opaque markers through symlinks pointing out stay inside");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "f", .data = "file" });
  tar_add (t, (struct ent){ .name = "f/x", .data = "below a file" });
  T_EVIL (t, "is not a directory", "evil: an entry below a file refused");

  fresh_root ();
  t = tar_new ("none");
  tar_add (t, (struct ent){ .name = "l", .type = AE_IFLNK, .data = "" });
  T_EVIL (t, "symlink without a target", "evil: empty symlink target refused");
}

static void
test_garbage (void)
{
  cleanup_error hull_error_t err = NULL;
  cleanup_close int fd = open (root, O_PATH | O_DIRECTORY);
  struct tar *t = tar_new ("gzip");
  struct mem m;

  fresh_root ();
  m = (struct mem){ "this is not a tar stream at all, not even close..........", 56, 0 };
  T_OK (hull_layer_apply (fd, mem_read, &m, NULL, NULL, &err) < 0 && strstr (err->msg, "layer") != NULL,
        "garbage refused: %s", err ? err->msg : "");
  hull_error_free (&err);
  tar_add (t, (struct ent){ .name = "big", .data = "0123456789abcdef0123456789abcdef" });
  tar_close (t);
  m = (struct mem){ t->buf, t->used / 2, 0 };
  T_OK (hull_layer_apply (fd, mem_read, &m, NULL, NULL, &err) < 0, "truncated gzip layer refused: %s",
        err ? err->msg : "");
  tar_free (t);
}

/* A bomb's limits (bytes declared by an entry, bytes after the tar's end, entries), and the
   kernel's limits of names and xattrs, each refused by name. */
static void
test_limits (void)
{
  struct tar *t;
  static char big[70001], name[310];

  fresh_root ();
  lim_bytes = 4096;
  t = tar_new ("gzip");
  tar_add (t, (struct ent){ .name = "a", .data = "small" });
  memset (big, 'x', 5000);
  big[5000] = '\0';
  tar_add (t, (struct ent){ .name = "b", .data = big });
  T_EVIL (t, "entry `b`: its uncompressed size passes the limit of 4096 bytes", "limits: an entry past max_bytes refused");
  T_OK (content_is ("b", "<missing>"), "  and not written");
  fresh_root ();
  lim_bytes = 1500;
  t = tar_new ("none"); /* 512 + 512 bytes of entry, then the end marker's 1024: counted too */
  tar_add (t, (struct ent){ .name = "a", .data = "small" });
  T_EVIL (t, "at the tar's end: its uncompressed size passes the limit of 1500", "limits: the end marker past max_bytes refused");
  lim_bytes = 0;

  fresh_root ();
  lim_entries = 3;
  t = tar_new ("none");
  for (int i = 0; i < 5; i++)
    tar_add (t, (struct ent){ .name = (const char *[]){ "1", "2", "3", "4", "5" }[i], .data = "x" });
  T_EVIL (t, "more than 3 entries, the limit", "limits: entries past max_entries refused");
  fresh_root ();
  lim_entries = 3;
  t = tar_new ("none");
  for (int i = 0; i < 3; i++)
    tar_add (t, (struct ent){ .name = (const char *[]){ "1", "2", "3" }[i], .data = "x" });
  T_EVIL (t, NULL, "limits: exactly max_entries applies");
  lim_entries = 0;

  fresh_root ();
  t = tar_new ("none");
  memset (big, 'v', 70000);
  tar_add (t, (struct ent){ .name = "f", .data = "x", .xkey = "user.big", .xval = big, .xlen = 70000 });
  T_EVIL (t, "layer entry `f`: xattr `user.big` of 70000 bytes: past the kernel's limits",
          "limits: an xattr value past XATTR_SIZE_MAX refused");
  fresh_root ();
  t = tar_new ("none");
  snprintf (name, sizeof name, "d/%0300d", 0);
  tar_add (t, (struct ent){ .name = name, .data = "x" });
  T_EVIL (t, "a component of 300 bytes, longer than NAME_MAX (255)", "limits: a component past NAME_MAX refused");
}

/* Not root: owners stay the caller's, setuid bits go, devices are skipped with a warning. */
static void
test_rootless (void)
{
  int status;
  pid_t pid;

  if (geteuid () != 0)
    {
      T_SKIP ("needs root to become nobody", "rootless");
      return;
    }
  fresh_root ();
  if (chown (root, 65534, 65534) < 0)
    abort ();
  pid = fork ();
  if (pid == 0)
    {
      struct tar *t = tar_new ("none");
      tar_add (t, (struct ent){ .name = "su", .data = "x", .perm = 06755, .uid = 0, .gid = 0 });
      tar_add (t, (struct ent){ .name = "null", .type = AE_IFCHR, .rdev = makedev (1, 3) });
      tar_add (t, (struct ent){ .name = "ro", .type = AE_IFDIR, .perm = 0555 });
      tar_add (t, (struct ent){ .name = "ro/inside", .data = "in a read-only directory" });
      if (setgid (65534) < 0 || setuid (65534) < 0)
        _exit (3);
      nwarn = 0;
      if (apply (t) < 0)
        _exit (4);
      _exit (nwarn == 1 && last_st.skipped == 1 ? 0 : 5);
    }
  waitpid (pid, &status, 0);
  T_OK (WIFEXITED (status) && WEXITSTATUS (status) == 0, "rootless: applies, one warning (status %d)", status);
  T_OK (ST ("su").st_uid == 65534 && (ST ("su").st_mode & 07777) == 0755, "rootless: owner kept, setuid dropped");
  T_OK (!exists ("null") && (ST ("ro").st_mode & 0777) == 0555 && content_is ("ro/inside", "in a read-only directory"),
        "rootless: device skipped, read-only directory filled");
  T_OK (outside_intact (), "rootless: nothing outside the root changed");
}

int
main (void)
{
  char p[PATH_MAX];
  struct timespec ts[2] = { { 12345, 0 }, { 12345, 0 } };
  cleanup_error hull_error_t err = NULL;
  cleanup_close int dfd = -1;

  umask (022);
  if (mkdtemp (tmp) == NULL)
    return perror ("mkdtemp"), 1;
  chmod (tmp, 0755);
  snprintf (root, sizeof root, "%s/root", tmp);
  snprintf (outside, sizeof outside, "%s/outside", tmp);
  snprintf (p, sizeof p, "%s/sentinel", outside);
  if (mkdir (root, 0755) < 0 || mkdir (outside, 0755) < 0)
    return perror ("setup"), 1;
  {
    cleanup_close int fd = open (p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || write (fd, "sentinel\n", 9) != 9 || futimens (fd, ts) < 0)
      return perror ("sentinel"), 1;
  }

  test_basic ("none");
  test_basic ("gzip");
  test_basic ("zstd");
  test_whiteouts ();
  test_overlay_whiteouts ();
  test_evil ();
  test_garbage ();
  test_limits ();
  test_rootless ();

  dfd = open ("/tmp", O_PATH | O_DIRECTORY);
  hull_rm_rf_at (dfd, tmp + 5, &err);
  return hull_test_done ();
}
