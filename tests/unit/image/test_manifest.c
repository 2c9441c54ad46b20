/* test_manifest.c: unit tests for lib/image/manifest.c and the names of lib/image/images.c:
   good and bad manifests, indexes and configs, each error naming its field. */
#include <string.h>

#include "../harness.h"
#include "image/images.h"
#include "image/manifest.h"

#define D1 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define D2 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static const char *good_manifest
  = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" D1 "\",\"size\":7},"
    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" D2 "\",\"size\":32},"
    "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" D1 "\",\"size\":0}]}";

/* Does parsing S as a manifest fail with an error containing FIELD? */
static int
manifest_fails (const char *s, const char *field)
{
  struct hull_manifest m;
  hull_error_t err = NULL;
  int ok = hull_manifest_parse (s, strlen (s), "manifest", &m, &err) < 0 && err && strstr (err->msg, field) != NULL;
  if (err)
    printf ("# %s\n", err->msg);
  hull_error_free (&err);
  return ok;
}

static int
config_fails (const char *s, const char *field)
{
  struct hull_image_config c;
  hull_error_t err = NULL;
  int ok = hull_image_config_parse (s, strlen (s), "config", &c, &err) < 0 && err && strstr (err->msg, field) != NULL;
  if (err)
    printf ("# %s\n", err->msg);
  hull_error_free (&err);
  return ok;
}

static int
index_fails (const char *s, const char *field)
{
  struct hull_index x;
  hull_error_t err = NULL;
  int ok = hull_index_parse (s, strlen (s), "index", &x, &err) < 0 && err && strstr (err->msg, field) != NULL;
  if (err)
    printf ("# %s\n", err->msg);
  hull_error_free (&err);
  return ok;
}

static void
test_manifests (void)
{
  struct hull_manifest m;
  hull_error_t err = NULL;
  char *big;
  const char *docker = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                       "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" D1
                       "\",\"size\":7},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                       "\"digest\":\"" D2 "\",\"size\":1}]}";

  T_OK (hull_manifest_parse (good_manifest, strlen (good_manifest), "manifest", &m, &err) == 0 && m.n_layers == 2
          && strcmp (m.config.digest, D1) == 0 && m.layers[0].size == 32 && strcmp (m.layers[1].digest, D1) == 0,
        "OCI manifest parses");
  hull_manifest_clear (&m);
  T_OK (hull_manifest_parse (docker, strlen (docker), "manifest", &m, &err) == 0 && m.n_layers == 1,
        "Docker v2 schema 2 manifest parses");
  hull_manifest_clear (&m);
  T_OK (manifest_fails ("[]", "manifest: not a JSON object"), "an array is not a manifest");
  T_OK (manifest_fails ("{\"schemaVersion\":1}", "manifest.schemaVersion"), "schema 1 refused");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}",
                        "manifest.mediaType"), "an index's media type refused");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        "\"digest\":\"sha256:00\",\"size\":1},\"layers\":[]}", "manifest.config.digest"),
        "bad config digest named");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"text/plain\",\"digest\":\"" D1
                        "\",\"size\":1},\"layers\":[]}", "manifest.config.mediaType"), "unknown config type named");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        "\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                        "\"digest\":\"" D1 "\",\"size\":1},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                        "\"digest\":\"" D1 "\",\"size\":1},{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                        "\"digest\":\"md5:x\",\"size\":1}]}", "manifest.layers[2].digest"), "layers[2].digest named");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        "\"digest\":\"" D1 "\",\"size\":-1},\"layers\":[]}", "manifest.config.size"), "negative size refused");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        "\"digest\":\"" D1 "\",\"size\":1},\"layers\":[{\"mediaType\":\"text/html\",\"digest\":\"" D1
                        "\",\"size\":1}]}", "manifest.layers[0].mediaType"), "unknown layer type named");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"schemaVersion\":2}", "duplicate"), "duplicate keys refused");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                        "\"digest\":\"" D1 "\",\"size\":1}}", "manifest.layers: missing"), "missing layers named");
  T_OK (manifest_fails ("{\"schemaVersion\":2,\"layers\":[]}", "manifest.config: missing"), "missing config named");
  big = calloc (1, HULL_MANIFEST_MAX + 2);
  memset (big, ' ', HULL_MANIFEST_MAX + 1);
  T_OK (hull_manifest_parse (big, HULL_MANIFEST_MAX + 1, "manifest", &m, &err) < 0 && strstr (err->msg, "limit"),
        "more than 4 MiB refused");
  hull_error_free (&err);
  free (big);
}

static void
test_indexes (void)
{
  struct hull_index x;
  hull_error_t err = NULL;
  const char *os, *arch, *variant;
  const char *idx = "{\"schemaVersion\":2,\"manifests\":["
                    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D1 "\",\"size\":1,"
                    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
                    "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D2 "\",\"size\":2,"
                    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},"
                    "\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1\"}}]}";

  T_OK (hull_index_parse (idx, strlen (idx), "index", &x, &err) == 0 && x.n_manifests == 2
          && strcmp (x.manifests[1].ref_name, "v1") == 0 && x.manifests[0].has_platform,
        "OCI index parses, ref.name and platform read");
  T_OK (hull_index_select (&x, "linux", "amd64", NULL, &err) == 1, "linux/amd64 selected");
  T_OK (hull_index_select (&x, "linux", "arm64", "v8", &err) == 0, "linux/arm64/v8 selected");
  T_OK (hull_index_select (&x, "linux", "s390x", NULL, &err) < 0 && strstr (err->msg, "linux/arm64/v8"),
        "no match lists what there is: %s", err ? err->msg : "");
  hull_error_free (&err);
  hull_index_clear (&x);
  hull_host_platform (&os, &arch, &variant);
  T_OK (strcmp (os, "linux") == 0 && strcmp (arch, "unknown") != 0, "host platform %s/%s", os, arch);
  T_OK (index_fails ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
                     "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" D1
                     "\",\"size\":1}]}", "index.manifests[0].mediaType"), "a layer in a manifest list named");
  T_OK (index_fails ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                     "\"digest\":\"" D1 "\",\"size\":1,\"platform\":{\"os\":\"linux\"}}]}",
                     "index.manifests[0].platform.architecture"), "platform without architecture named");
  T_OK (index_fails ("{\"schemaVersion\":2,\"manifests\":{}}", "index.manifests"), "manifests not an array");
  T_OK (index_fails ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                     "\"digest\":\"" D1 "\",\"size\":\"1\"}]}", "index.manifests[0].size"), "string size named");
}

static void
test_configs (void)
{
  struct hull_image_config c;
  hull_error_t err = NULL;
  const char *cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2026-01-02T03:04:05Z\","
                    "\"config\":{\"User\":\"1000:1000\",\"Env\":[\"PATH=/bin\",\"A=b=c\"],\"Entrypoint\":[\"/bin/sh\"],"
                    "\"Cmd\":[\"-c\",\"echo hi\"],\"WorkingDir\":\"/w\",\"Labels\":{\"k\":\"v\"},"
                    "\"ExposedPorts\":{\"80/tcp\":{}},\"Volumes\":{\"/data\":{}},\"StopSignal\":\"SIGTERM\"},"
                    "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]},"
                    "\"history\":[{\"created_by\":\"x\"},{\"empty_layer\":true}]}";

  T_OK (hull_image_config_parse (cfg, strlen (cfg), "config", &c, &err) == 0 && strcmp (c.user, "1000:1000") == 0
          && strcmp (c.env[1], "A=b=c") == 0 && strcmp (c.cmd[1], "echo hi") == 0 && strcmp (c.labels[0], "k=v") == 0
          && strcmp (c.exposed_ports[0], "80/tcp") == 0 && strcmp (c.volumes[0], "/data") == 0 && c.n_diff_ids == 2
          && c.n_history == 2 && c.history[1].empty_layer && strcmp (c.stop_signal, "SIGTERM") == 0,
        "config parses, every field read");
  hull_image_config_clear (&c);
  T_OK (config_fails ("{\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "config.architecture: missing"),
        "missing architecture named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1
                      "\",\"sha256:zz\"]}}", "config.rootfs.diff_ids[1]"), "bad diff_id named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"squash\",\"diff_ids\":[]}}",
                      "config.rootfs.type"), "rootfs type named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\",3]},"
                      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "config.config.Env[1]"), "non-string Env named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"NOEQUALS\"]},"
                      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "config.config.Env[0]"), "Env without = named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":1}},"
                      "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", "config.config.Labels"), "non-string label named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                      "\"history\":[{\"empty_layer\":\"yes\"}]}", "config.history[0].empty_layer"), "history field named");
  T_OK (config_fails ("{\"architecture\":\"amd64\",\"os\":\"linux\"}", "config.rootfs: missing"), "missing rootfs named");
}

static void
test_names (void)
{
  static const char *const good[][2] = {
    { "busybox", "localhost/busybox:latest" },
    { "busybox:1.36", "localhost/busybox:1.36" },
    { "localhost/a/b", "localhost/a/b:latest" },
    { "docker.io/library/alpine:3", "docker.io/library/alpine:3" },
    { "reg.example:5000/x-y__z.w:V_1", "reg.example:5000/x-y__z.w:V_1" },
  };
  static const char *const bad[] = { "", "Busybox", "a//b", "a:", "a:-x", "-a", "a@sha256:00", "a/b_/c", "a___b" };
  hull_error_t err = NULL;

  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    {
      char *out = NULL;
      T_OK (hull_ref_normalize (good[i][0], &out, &err) == 0 && strcmp (out, good[i][1]) == 0, "name `%s` -> %s",
            good[i][0], out ? out : err->msg);
      free (out);
      hull_error_free (&err);
    }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      char *out = NULL;
      T_OK (hull_ref_normalize (bad[i], &out, &err) < 0 && out == NULL, "name `%s` refused: %s", bad[i],
            err ? err->msg : "(accepted)");
      free (out);
      hull_error_free (&err);
    }
}

int
main (void)
{
  test_manifests ();
  test_indexes ();
  test_configs ();
  test_names ();
  return hull_test_done ();
}
