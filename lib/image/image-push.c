/* image-push.c: `hull push`; see pull.h. A blob another repository of the same registry has,
   by what the store knows (where an image was pulled from, or its names), is mounted from
   there rather than sent. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/util.h"
#include "images.h"
#include "manifest.h"
#include "pull.h"
#include "registry-parse.h"
#include "registry.h"

/* What the store knows of where its images came from: its index and images. */
struct sources
{
  json_t *index;
  const struct hull_image_list *l;
};

static bool
image_has_blob (const struct hull_image *im, const char *digest)
{
  if (strcmp (im->manifest.config.digest, digest) == 0)
    return true;
  for (size_t i = 0; i < im->manifest.n_layers; i++)
    if (strcmp (im->manifest.layers[i].digest, digest) == 0)
      return true;
  return false;
}

/* The repository of index entry E (its HULL_ANNOT_SOURCE, else its name's) when it is on
   HOST; NULL otherwise. Owned. */
static char *
entry_repo_on (json_t *e, const char *host)
{
  json_t *ann = json_object_get (e, "annotations");
  const char *src = json_string_value (json_object_get (ann, HULL_ANNOT_SOURCE));
  const char *name = json_string_value (json_object_get (ann, HULL_ANNOT_REF_NAME));
  struct hull_remote_ref ref = { 0 };
  hull_error_t e2 = NULL;
  size_t hl = strlen (host);
  char *repo = NULL;

  if (src && strncmp (src, host, hl) == 0 && src[hl] == '/')
    return xstrdup (src + hl + 1);
  if (name && hull_remote_ref_parse (name, &ref, &e2) == 0 && strcmp (ref.host, host) == 0)
    repo = hull_steal_ptr (ref.repo);
  hull_error_free (&e2);
  hull_remote_ref_clear (&ref);
  return repo;
}

/* A repository of DEST's registry, not DEST's own, that has blob DIGEST as far as the store
   knows: that of an image with the blob, pulled from there or named there. NULL: none. */
static char *
mount_source (const struct sources *src, const struct hull_remote_ref *dest, const char *digest)
{
  json_t *e;
  size_t i;

  json_array_foreach (json_object_get (src->index, "manifests"), i, e)
    {
      const char *md = json_string_value (json_object_get (e, "digest"));
      cleanup_free char *repo = NULL;
      for (size_t k = 0; md && k < src->l->n; k++)
        if (strcmp (src->l->v[k].digest, md) == 0 && image_has_blob (&src->l->v[k], digest))
          {
            repo = entry_repo_on (e, dest->host);
            break;
          }
      if (repo && strcmp (repo, dest->repo) != 0 && hull_registry_check_repo (repo, NULL) == 0)
        return hull_steal_ptr (repo);
    }
  return NULL;
}

/* Blob DIGEST of the store into DEST's repository, unless the registry has it: mounted from
   another repository of the registry that has it (the registry answers 202 to a mount it
   cannot do, and the blob is then sent), else sent. */
static int
push_one (struct hull_store *s, const struct sources *src, struct hull_registry *r, const struct hull_remote_ref *dest,
          const char *digest, const struct hull_transfer_opts *o, size_t index, size_t n, hull_error_t *err)
{
  cleanup_free char *from = mount_source (src, dest, digest);
  cleanup_close int fd = -1;
  enum hull_push_result res;
  int64_t size;

  if (hull_store_open_blob (s, digest, &fd, &size, err) < 0
      || hull_registry_push_blob (r, dest->repo, digest, fd, (off_t) size, from, &res, err) < 0)
    return -1;
  if (o->progress)
    o->progress (o->progress_arg, index, n, digest, size, size, res == HULL_PUSH_EXISTED);
  return 0;
}

static int
push_image (struct hull_store *s, const struct sources *src, const struct hull_image *im,
            const struct hull_remote_ref *dest, const struct hull_transfer_opts *o, char digest[HULL_DIGEST_LEN + 1],
            hull_error_t *err)
{
  struct hull_registry_opts ro = { .host = dest->host, .plain_http = o->plain_http, .auth_file = o->auth_file };
  struct hull_registry *r = NULL;
  cleanup_free char *body = NULL;
  size_t len, n = im->manifest.n_layers + 1;
  int rc = hull_registry_open (&ro, &r, err);

  if (rc == 0)
    rc = push_one (s, src, r, dest, im->manifest.config.digest, o, 0, n, err);
  for (size_t i = 0; rc == 0 && i < im->manifest.n_layers; i++)
    rc = push_one (s, src, r, dest, im->manifest.layers[i].digest, o, i + 1, n, err);
  if (rc == 0)
    rc = hull_store_read_blob (s, im->digest, HULL_MANIFEST_MAX, true, &body, &len, err);
  if (rc == 0)
    rc = hull_registry_put_manifest (r, dest->repo, dest->ref, body, len, im->media_type, digest, err);
  hull_registry_close (r);
  return rc;
}

int
hull_image_push (struct hull_store *s, const char *image, const struct hull_remote_ref *dest,
                 const struct hull_transfer_opts *o, char digest[HULL_DIGEST_LEN + 1], hull_error_t *err)
{
  struct hull_image_list l = { 0 };
  struct hull_remote_ref own = { 0 };
  cleanup_json json_t *index = NULL;
  int i = -1, rc;

  /* the lock is held throughout: no collection removes a blob being sent */
  rc = hull_store_lock (s, err);
  if (rc == 0)
    rc = hull_store_read_index (s, &index, err);
  if (rc == 0)
    rc = hull_images_load (s, index, &l, err);
  if (rc == 0)
    rc = i = hull_images_find (&l, image, err);
  if (rc >= 0 && dest == NULL)
    {
      if (l.v[i].names[0] == NULL)
        rc = hull_error (err, 0, "image `%s` has no name to push to: give a destination", image);
      else if ((rc = hull_remote_ref_parse (l.v[i].names[0], &own, err)) == 0)
        dest = &own;
    }
  if (rc >= 0)
    rc = push_image (s, &(struct sources){ .index = index, .l = &l }, &l.v[i], dest, o, digest, err);
  if (rc < 0 && dest)
    hull_error_wrap (err, "push `%s` to `%s/%s:%s`", image, dest->host, dest->repo, dest->ref);
  else if (rc < 0)
    hull_error_wrap (err, "push `%s`", image);
  hull_store_unlock (s);
  hull_images_clear (&l);
  hull_remote_ref_clear (&own);
  return rc < 0 ? -1 : 0;
}
