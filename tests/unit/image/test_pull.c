/* test_pull.c: unit tests for lib/image/pull.c's reference parser (HOST[:PORT]/REPO[:TAG|@DIGEST]). */
#define _GNU_SOURCE
#include <string.h>

#include "../harness.h"
#include "image/pull.h"

static void
good (const char *in, const char *host, const char *repo, const char *ref, const char *name)
{
  struct hull_remote_ref r = { 0 };
  hull_error_t err = NULL;
  int rc = hull_remote_ref_parse (in, &r, &err);
  T_OK (rc == 0, "%s parses: %s", in, err ? err->msg : "");
  if (rc == 0)
    T_OK (strcmp (r.host, host) == 0 && strcmp (r.repo, repo) == 0 && strcmp (r.ref, ref) == 0
              && (name ? r.name && strcmp (r.name, name) == 0 : r.name == NULL),
          "%s: host %s repo %s ref %s name %s", in, r.host, r.repo, r.ref, r.name ?: "(none)");
  hull_error_free (&err);
  hull_remote_ref_clear (&r);
}

static void
bad (const char *in, const char *mention)
{
  struct hull_remote_ref r = { 0 };
  hull_error_t err = NULL;
  T_OK (hull_remote_ref_parse (in, &r, &err) < 0 && err && strstr (err->msg, mention), "%s refused, naming %s: %s",
        in, mention, err ? err->msg : "(accepted)");
  hull_error_free (&err);
  hull_remote_ref_clear (&r);
}

int
main (void)
{
  const char *d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  char *at = NULL;

  good ("127.0.0.1:5000/a/b:v1", "127.0.0.1:5000", "a/b", "v1", "127.0.0.1:5000/a/b:v1");
  good ("localhost:5000/img", "localhost:5000", "img", "latest", "localhost:5000/img:latest");
  good ("localhost/img:t", "localhost", "img", "t", "localhost/img:t");
  good ("quay.io/x/y/z", "quay.io", "x/y/z", "latest", "quay.io/x/y/z:latest");
  T_OK (asprintf (&at, "reg.example:443/a@%s", d) > 0, "asprintf");
  good (at, "reg.example:443", "a", d, NULL);
  free (at);
  bad ("busybox", "no registry host");
  bad ("library/busybox:1", "no registry host");
  bad ("", "no registry host");
  bad ("127.0.0.1:5000/A", "`127.0.0.1:5000/A`");
  bad ("127.0.0.1:5000/a:bad!", "bad!");
  bad ("127.0.0.1:5000/a@sha256:00", "sha256:00");
  bad ("127.0.0.1:5000/", "127.0.0.1:5000/");
  return hull_test_done ();
}
