/* test_registry.c: unit tests for lib/image/registry-parse.c, the registry client's parsers of
   untrusted input (WWW-Authenticate, token and error JSON, auth.json) and its URL building. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "../harness.h"
#include "core/util.h"
#include "image/registry-parse.h"

static int
challenge (const char *s, struct hull_challenge *c, hull_error_t *err)
{
  return hull_challenge_parse (s, strlen (s), c, err);
}

static void
test_challenges (void)
{
  struct hull_challenge c;
  hull_error_t err = NULL;

  T_OK (challenge ("Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull\"",
                   &c, &err) == 0 && c.scheme == HULL_AUTH_BEARER,
        "a Bearer challenge");
  T_OK (c.realm && strcmp (c.realm, "https://auth.example/token") == 0, "realm: %s", c.realm);
  T_OK (c.service && strcmp (c.service, "registry.example") == 0, "service");
  T_OK (c.scope && strcmp (c.scope, "repository:a/b:pull") == 0, "scope");
  hull_challenge_clear (&c);
  T_OK (challenge ("bearer  realm=https://a/t, service=x", &c, &err) == 0 && c.scheme == HULL_AUTH_BEARER
            && strcmp (c.realm, "https://a/t") == 0 && strcmp (c.service, "x") == 0,
        "case-insensitive scheme, tokens unquoted, blanks after commas");
  hull_challenge_clear (&c);
  T_OK (challenge ("Bearer realm=\"a\\\"b\"", &c, &err) == 0 && strcmp (c.realm, "a\"b") == 0, "quoted-pair");
  hull_challenge_clear (&c);
  T_OK (challenge ("Basic realm=\"Registry Realm\"", &c, &err) == 0 && c.scheme == HULL_AUTH_BASIC
            && strcmp (c.realm, "Registry Realm") == 0,
        "a Basic challenge");
  hull_challenge_clear (&c);
  T_OK (challenge ("Negotiate abc", &c, &err) == 0 && c.scheme == HULL_AUTH_NONE, "an unknown scheme: none, no error");
  hull_challenge_clear (&c);
  T_OK (challenge ("Bearer service=x", &c, &err) < 0 && strstr (err->msg, "realm"), "Bearer without realm: %s",
        err ? err->msg : "");
  hull_error_free (&err);
  T_OK (challenge ("Bearer realm=\"unterminated", &c, &err) < 0 && c.realm == NULL, "unterminated quote refused");
  hull_error_free (&err);
  T_OK (challenge ("Bearer realm=\"a\nb\"", &c, &err) < 0, "control characters refused");
  hull_error_free (&err);
  T_OK (challenge ("Bearer realm=\"r1\",realm=\"r2\"", &c, &err) == 0 && strcmp (c.realm, "r1") == 0,
        "a repeated parameter: the first counts");
  hull_challenge_clear (&c);
  T_OK (hull_challenge_parse ("Bearer realm=\"abc\"", 14, &c, &err) < 0, "the length is respected (cut in a quote)");
  hull_error_free (&err);
}

static void
test_tokens (void)
{
  cleanup_free char *t1 = NULL, *t2 = NULL;
  char *t = NULL;
  hull_error_t err = NULL;

  T_OK (hull_token_parse ("{\"token\":\"abc\",\"expires_in\":300}", 32, &t1, &err) == 0 && strcmp (t1, "abc") == 0,
        "token");
  const char *at = "{\"access_token\":\"xyz\"}";
  T_OK (hull_token_parse (at, strlen (at), &t2, &err) == 0 && strcmp (t2, "xyz") == 0, "access_token");
  const char *bad[] = { "[]", "{}", "{\"token\":\"\"}", "{\"token\":1}", "{\"token\":\"a b\"}",
                        "{\"token\":\"a\\r\\nX-Evil: 1\"}", "{\"token\":\"a\\u0000b\"}", "not json" };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    {
      T_OK (hull_token_parse (bad[i], strlen (bad[i]), &t, &err) < 0 && t == NULL && err != NULL, "refused: %s",
            bad[i]);
      hull_error_free (&err);
    }
}

static void
test_error_text (void)
{
  const char *one = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\",\"detail\":{}}]}";
  const char *two = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\"},{\"code\":\"UNAUTHORIZED\"}]}";
  const char *ctl = "{\"errors\":[{\"code\":\"X\",\"message\":\"a\\u001b[31mb\"}]}";
  cleanup_free char *a = hull_registry_error_text (one, strlen (one));
  cleanup_free char *b = hull_registry_error_text (two, strlen (two));
  cleanup_free char *c = hull_registry_error_text (ctl, strlen (ctl));
  cleanup_free char *big = NULL, *d = NULL;

  T_OK (a && strcmp (a, "MANIFEST_UNKNOWN: manifest unknown") == 0, "one error: %s", a);
  T_OK (b && strcmp (b, "DENIED: no; UNAUTHORIZED") == 0, "two errors: %s", b);
  T_OK (c && strcmp (c, "X: a?[31mb") == 0, "control characters replaced: %s", c);
  T_OK (hull_registry_error_text ("<html>", 6) == NULL, "not JSON: none");
  T_OK (hull_registry_error_text ("{\"errors\":{}}", 13) == NULL, "errors not an array: none");
  big = xmalloc0 (100000);
  strcpy (big, "{\"errors\":[{\"code\":\"C\",\"message\":\"");
  memset (big + strlen (big), 'm', 90000);
  strcat (big, "\"}]}");
  d = hull_registry_error_text (big, strlen (big));
  T_OK (d && strlen (d) <= 400, "bounded: %zu bytes", d ? strlen (d) : 0);
}

static int
lookup (const char *json, const char *host, const char *repo, char **u, char **p, hull_error_t *err)
{
  return hull_auth_lookup (json, strlen (json), "auth.json", host, repo, u, p, err);
}

static void
test_auth (void)
{
  /* YWxpY2U6c2VjcmV0 = alice:secret, Ym9iOnB3 = bob:pw, Y2Fyb2w6eDp5 = carol:x:y */
  const char *json = "{\"auths\":{\"reg.example\":{\"auth\":\"YWxpY2U6c2VjcmV0\"},"
                     "\"reg.example/team\":{\"auth\":\"Ym9iOnB3\"},"
                     "\"https://other.example\":{\"auth\":\"Y2Fyb2w6eDp5\"},"
                     "\"bad.example\":{\"auth\":\"!!!!\"},\"nocolon.example\":{\"auth\":\"YWxpY2U=\"}}}";
  char *u = NULL, *p = NULL;
  hull_error_t err = NULL;

  T_OK (lookup (json, "reg.example", "lib/x", &u, &p, &err) == 0 && u && strcmp (u, "alice") == 0
            && strcmp (p, "secret") == 0,
        "host entry");
  free (u), free (p);
  T_OK (lookup (json, "reg.example", "team/app/x", &u, &p, &err) == 0 && u && strcmp (u, "bob") == 0,
        "the most specific namespace first");
  free (u), free (p);
  T_OK (lookup (json, "other.example", NULL, &u, &p, &err) == 0 && u && strcmp (u, "carol") == 0
            && strcmp (p, "x:y") == 0,
        "docker's https:// keys; the password may hold a colon");
  free (u), free (p);
  T_OK (lookup (json, "none.example", "a", &u, &p, &err) == 0 && u == NULL && p == NULL, "no entry: none");
  T_OK (lookup (json, "bad.example", "a", &u, &p, &err) < 0 && u == NULL, "not base64: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (lookup (json, "nocolon.example", "a", &u, &p, &err) < 0 && strstr (err->msg, "alice") == NULL,
        "no colon, and the message shows no credentials: %s", err ? err->msg : "");
  hull_error_free (&err);
  T_OK (lookup ("{\"auths\":[]}", "a", NULL, &u, &p, &err) < 0, "auths not an object");
  hull_error_free (&err);
  T_OK (lookup ("{}", "a", NULL, &u, &p, &err) == 0 && u == NULL, "no auths: none");
  T_OK (lookup ("{\"credsStore\":\"desktop\"}", "a", NULL, &u, &p, &err) == 0 && u == NULL,
        "credential helpers are not run");

  /* the search order over files */
  char dir[] = "/tmp/hull-test-auth-XXXXXX";
  T_OK (mkdtemp (dir) != NULL, "temp dir");
  cleanup_free char *rt = xasprintf ("%s/run", dir), *rtc = xasprintf ("%s/run/containers", dir);
  cleanup_free char *home = xasprintf ("%s/home", dir), *dock = xasprintf ("%s/home/.docker", dir);
  cleanup_free char *f1 = xasprintf ("%s/run/containers/auth.json", dir);
  cleanup_free char *f2 = xasprintf ("%s/home/.docker/config.json", dir);
  cleanup_free char *f3 = xasprintf ("%s/explicit.json", dir);
  T_OK (mkdir (rt, 0700) == 0 && mkdir (rtc, 0700) == 0 && mkdir (home, 0700) == 0 && mkdir (dock, 0700) == 0,
        "dirs");
  FILE *f = fopen (f1, "w");
  fputs ("{\"auths\":{\"a.example\":{\"auth\":\"YWxpY2U6c2VjcmV0\"}}}", f);
  fclose (f);
  f = fopen (f2, "w");
  fputs ("{\"auths\":{\"a.example\":{\"auth\":\"Ym9iOnB3\"},\"b.example\":{\"auth\":\"Ym9iOnB3\"}}}", f);
  fclose (f);
  f = fopen (f3, "w");
  fputs ("{\"auths\":{}}", f);
  fclose (f);
  unsetenv ("REGISTRY_AUTH_FILE");
  unsetenv ("XDG_CONFIG_HOME");
  setenv ("XDG_RUNTIME_DIR", rt, 1);
  setenv ("HOME", home, 1);
  T_OK (hull_auth_find (NULL, "a.example", "x", &u, &p, &err) == 0 && u && strcmp (u, "alice") == 0,
        "${XDG_RUNTIME_DIR}/containers/auth.json first");
  free (u), free (p);
  T_OK (hull_auth_find (NULL, "b.example", "x", &u, &p, &err) == 0 && u && strcmp (u, "bob") == 0,
        "then $HOME/.docker/config.json");
  free (u), free (p);
  setenv ("REGISTRY_AUTH_FILE", f3, 1);
  T_OK (hull_auth_find (NULL, "b.example", "x", &u, &p, &err) == 0 && u && strcmp (u, "bob") == 0,
        "$REGISTRY_AUTH_FILE without the host: the search goes on");
  free (u), free (p);
  T_OK (hull_auth_find (f3, "a.example", "x", &u, &p, &err) == 0 && u == NULL, "an explicit file alone");
  T_OK (hull_auth_find ("/nonexistent/auth.json", "a.example", "x", &u, &p, &err) < 0
            && strstr (err->msg, "/nonexistent/auth.json"),
        "an explicit file must exist: %s", err ? err->msg : "");
  hull_error_free (&err);
  unsetenv ("REGISTRY_AUTH_FILE");
  hull_rm_rf_at (AT_FDCWD, dir, &err);
  hull_error_free (&err);
}

static void
test_names_and_urls (void)
{
  hull_error_t err = NULL;
  const char *good_repos[] = { "a", "library/busybox", "a.b/c_d/e__f/g--h", "x0/y1" };
  const char *bad_repos[] = { "", "A", "a/", "/a", "a//b", "a..b", "a___b", "-a", "a-", "a/../b", "a?b", "a b" };
  const char *good_refs[] = { "latest", "v1.0_rc-2", "_x",
                              "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" };
  const char *bad_refs[] = { "", "-x", ".x", "a/b", "a?b", "sha256:abc", "md5:00" };

  for (size_t i = 0; i < sizeof good_repos / sizeof *good_repos; i++)
    T_OK (hull_registry_check_repo (good_repos[i], &err) == 0, "repository `%s`", good_repos[i]);
  for (size_t i = 0; i < sizeof bad_repos / sizeof *bad_repos; i++)
    {
      T_OK (hull_registry_check_repo (bad_repos[i], &err) < 0, "repository `%s` refused", bad_repos[i]);
      hull_error_free (&err);
    }
  for (size_t i = 0; i < sizeof good_refs / sizeof *good_refs; i++)
    T_OK (hull_registry_check_ref (good_refs[i], &err) == 0, "reference `%s`", good_refs[i]);
  for (size_t i = 0; i < sizeof bad_refs / sizeof *bad_refs; i++)
    {
      T_OK (hull_registry_check_ref (bad_refs[i], &err) < 0, "reference `%s` refused", bad_refs[i]);
      hull_error_free (&err);
    }
  T_OK (hull_registry_check_host ("127.0.0.1:5000", &err) == 0 && hull_registry_check_host ("[::1]:5000", &err) == 0,
        "hosts");
  T_OK (hull_registry_check_host ("a/b", &err) < 0, "a host with a path refused");
  hull_error_free (&err);
  T_OK (hull_registry_check_host ("user@host", &err) < 0, "a host with userinfo refused");
  hull_error_free (&err);

  cleanup_free char *u1 = hull_registry_url ("https://r:5000", "a/b", "manifests", "v1");
  cleanup_free char *u2 = hull_registry_resolve ("http://r:5000", "/v2/a/blobs/uploads/u1?_state=x");
  cleanup_free char *u3 = hull_registry_resolve ("http://r:5000", "https://cdn.example/blob?sig=1");
  cleanup_free char *u4 = hull_url_add_query (u2, "digest", "sha256%3Aab");
  cleanup_free char *u5 = hull_url_add_query ("http://r/v2/a/blobs/uploads/u1", "digest", "d");
  cleanup_free char *o1 = hull_url_origin ("HTTPS://Reg.Example:443/v2/x?y");
  T_OK (strcmp (u1, "https://r:5000/v2/a/b/manifests/v1") == 0, "manifest URL: %s", u1);
  T_OK (u2 && strcmp (u2, "http://r:5000/v2/a/blobs/uploads/u1?_state=x") == 0, "relative Location: %s", u2);
  T_OK (u3 && strcmp (u3, "https://cdn.example/blob?sig=1") == 0, "absolute Location");
  T_OK (hull_registry_resolve ("http://r", "ftp://x/y") == NULL, "other schemes refused");
  T_OK (hull_registry_resolve ("http://r", "//evil/x") == NULL, "scheme-relative refused");
  T_OK (hull_registry_resolve ("http://r", "/a\r\nb") == NULL, "control characters refused");
  T_OK (hull_registry_resolve ("http://r", "relative/x") == NULL, "bare relative paths refused");
  T_OK (hull_registry_resolve ("http://r", NULL) == NULL, "no Location");
  T_OK (strcmp (u4, "http://r:5000/v2/a/blobs/uploads/u1?_state=x&digest=sha256%3Aab") == 0, "query after ?: %s", u4);
  T_OK (strcmp (u5, "http://r/v2/a/blobs/uploads/u1?digest=d") == 0, "first query");
  T_OK (o1 && strcmp (o1, "https://reg.example:443") == 0, "origin: %s", o1);
  T_OK (hull_url_origin ("http://user@evil/x") == NULL, "userinfo: no origin");
  T_OK (hull_manifest_type_known ("application/vnd.oci.image.index.v1+json")
            && hull_manifest_type_known ("application/vnd.docker.distribution.manifest.v2+json")
            && !hull_manifest_type_known ("application/vnd.docker.distribution.manifest.v1+prettyjws")
            && !hull_manifest_type_known (NULL),
        "media types");
}

int
main (void)
{
  test_challenges ();
  test_tokens ();
  test_error_text ();
  test_auth ();
  test_names_and_urls ();
  return hull_test_done ();
}
