/* commands.c: the hull engine's command table. Each command lives in a file of its own
   (commands-*.c) and is declared in commands.h. */
#include <stddef.h>

#include "cli.h"
#include "commands.h"

const struct hull_command hull_commands[] = {
  { "create", cmd_create, "[RUN OPTIONS] IMAGE [COMMAND [ARG...]]",
    "make a container from an image without starting it; prints its ID (options: see run)" },
  { "exec", cmd_exec, "[-i] [-t] [-d] [-e KEY=VALUE]... [-u USER[:GROUP]] [-w DIR] CONTAINER COMMAND [ARG...]",
    "run a command in a running container" },
  { "images", cmd_images, "[--format json] [--quiet]", "list the images in the store" },
  { "import", cmd_import, "[--change INSTRUCTION=VALUE]... [--message TEXT] TARBALL|- [NAME[:TAG]]",
    "make a one-layer image from a rootfs tarball; prints its ID" },
  { "inspect", cmd_inspect, "CONTAINER|IMAGE...", "print containers' or images' details as JSON" },
  { "kill", cmd_kill, "[-s SIGNAL] CONTAINER...", "send a signal (default KILL) to containers" },
  { "load", cmd_load, "[--input FILE|DIR] [--quiet]", "load the images of an OCI archive (default: stdin) or layout directory" },
  { "logs", cmd_logs, "[-f] [-t] [--tail N] [--since WHEN] [--until WHEN] CONTAINER",
    "print a container's output (stdout and stderr), following it with -f" },
  { "ps", cmd_ps, "[-a] [-q] [--no-trunc] [--format json]", "list running containers (all with -a)" },
  { "pull", cmd_pull, "[--tls-verify=false] [--authfile FILE] [--platform OS/ARCH[/VARIANT]] [--quiet] [--timings] HOST[:PORT]/REPO[:TAG|@DIGEST]",
    "pull an image from a registry; prints its ID" },
  { "push", cmd_push, "[--tls-verify=false] [--authfile FILE] [--quiet] IMAGE [HOST[:PORT]/REPO[:TAG|@DIGEST]]",
    "push an image to a registry (default: to its own name); prints the manifest's digest" },
  { "rm", cmd_rm, "[-f] [-a] CONTAINER...", "remove containers (running ones with -f, which kills them)" },
  { "rmi", cmd_rmi, "[--force] IMAGE...", "remove images (names; by ID, every name with --force)" },
  { "run", cmd_run, "[OPTIONS] IMAGE [COMMAND [ARG...]]",
    "make and start a container, every protection on by default (see hull(1) for OPTIONS)" },
  { "save", cmd_save, "[--output FILE] [--format oci-archive|oci-dir] IMAGE", "write an image as an OCI archive or layout" },
  { "start", cmd_start, "[-a] [-i] CONTAINER...", "start created or exited containers (attached with -a)" },
  { "stop", cmd_stop, "[-t SECONDS] CONTAINER...", "stop containers: their stop signal, then KILL after -t (10) seconds" },
  { "tag", cmd_tag, "IMAGE NEW[:TAG]...", "give an image more names" },
  { "wait", cmd_wait, "CONTAINER...", "wait for containers to end; prints each exit code" },
  { NULL, NULL, NULL, NULL },
};
