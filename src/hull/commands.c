/* commands.c: the hull engine's command table. Each command lives in a file of its own
   (commands-*.c) and is declared in commands.h. */
#include <stddef.h>

#include "cli.h"
#include "commands.h"

const struct hull_command hull_commands[] = {
  { "images", cmd_images, "[--format json] [--quiet]", "list the images in the store" },
  { "import", cmd_import, "[--change INSTRUCTION=VALUE]... [--message TEXT] TARBALL|- [NAME[:TAG]]",
    "make a one-layer image from a rootfs tarball; prints its ID" },
  { "inspect", cmd_inspect, "IMAGE...", "print images' details as JSON" },
  { "load", cmd_load, "[--input FILE|DIR] [--quiet]", "load the images of an OCI archive (default: stdin) or layout directory" },
  { "pull", cmd_pull, "[--tls-verify=false] [--authfile FILE] [--platform OS/ARCH[/VARIANT]] [--quiet] [--timings] HOST[:PORT]/REPO[:TAG|@DIGEST]",
    "pull an image from a registry; prints its ID" },
  { "push", cmd_push, "[--tls-verify=false] [--authfile FILE] [--quiet] IMAGE [HOST[:PORT]/REPO[:TAG|@DIGEST]]",
    "push an image to a registry (default: to its own name); prints the manifest's digest" },
  { "rmi", cmd_rmi, "[--force] IMAGE...", "remove images (names; by ID, every name with --force)" },
  { "save", cmd_save, "[--output FILE] [--format oci-archive|oci-dir] IMAGE", "write an image as an OCI archive or layout" },
  { "tag", cmd_tag, "IMAGE NEW[:TAG]...", "give an image more names" },
  { NULL, NULL, NULL, NULL },
};
