/* hull-init: the small init `hull run --init` puts at pid 1 of a container (our own take on
   what tini and catatonit do). It runs its arguments as a child and then only waits:
   - every signal sent to it is passed on to the child (kill(2) of the child's pid), but for
     SIGCHLD, which it uses, and the faults (SIGSEGV...) that would mean hull-init itself is
     broken;
   - every process that ends in the container is reaped: orphans are re-parented to pid 1, and
     a pid 1 that never waits for them fills the pid space with zombies;
   - when the child ends, hull-init exits with its status: the child's exit code, or 128 + the
     signal that killed it, as a shell reports it.
   The child gets a process group of its own and, when stdin is the controlling terminal, the
   terminal's foreground, so ^C and ^Z reach it and not hull-init.
   Usage: hull-init [--] PROGRAM [ARGS...]. Outside a container (tests) it makes itself a child
   subreaper, so orphans come to it as they would to pid 1. Linked statically: the container's
   root filesystem has its own libc, or none. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* Signals left to their default action in hull-init: the ones the kernel raises for a fault
   in hull-init's own code; blocking them would hide the fault. */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };

static void
no_op (int sig)
{
  (void) sig;
}

/* The set hull-init takes by sigwaitinfo: everything but the faults (and SIGKILL/SIGSTOP,
   which nothing can take). */
static void
forwarded_set (sigset_t *set)
{
  sigfillset (set);
  for (size_t i = 0; i < sizeof fault_signals / sizeof fault_signals[0]; i++)
    sigdelset (set, fault_signals[i]);
}

/* A handler on every signal of SET: the pid 1 of a pid namespace does not receive signals
   whose action is the default one from inside its namespace. They stay blocked, so the
   handler never runs; sigwaitinfo takes them. */
static void
install_handlers (const sigset_t *set)
{
  struct sigaction sa = { .sa_handler = no_op };
  sigemptyset (&sa.sa_mask);
  for (int sig = 1; sig < NSIG; sig++)
    if (sigismember (set, sig) == 1 && sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &sa, NULL); /* fails for the glibc-reserved real-time signals: harmless */
}

/* In the child: its own process group (the terminal's foreground one when stdin is the
   controlling terminal), hull-init's handlers and mask undone, then PROGRAM. */
static void
run_child (char **argv, const sigset_t *old_mask)
{
  struct sigaction dfl = { .sa_handler = SIG_DFL };

  sigemptyset (&dfl.sa_mask);
  if (setpgid (0, 0) < 0)
    perror ("hull-init: setpgid");
  /* SIGTTOU is still blocked here, so a background group may take the terminal */
  if (isatty (STDIN_FILENO) && tcsetpgrp (STDIN_FILENO, getpid ()) < 0 && errno != ENOTTY)
    perror ("hull-init: tcsetpgrp");
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &dfl, NULL);
  sigprocmask (SIG_SETMASK, old_mask, NULL);
  execvp (argv[0], argv);
  fprintf (stderr, "hull-init: %s: %s\n", argv[0], strerror (errno));
  _exit (errno == ENOENT ? 127 : 126);
}

/* Reap every process that has ended; true (with *STATUS) when CHILD was one of them. */
static int
reap (pid_t child, int *status)
{
  int found = 0, st;
  pid_t pid;

  while ((pid = waitpid (-1, &st, WNOHANG)) > 0)
    if (pid == child)
      {
        *status = st;
        found = 1;
      }
  return found;
}

static int
exit_code (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

int
main (int argc, char **argv)
{
  sigset_t set, old_mask;
  pid_t child;
  int status = 0;

  if (argc > 1 && strcmp (argv[1], "--") == 0)
    argv++, argc--;
  if (argc < 2)
    {
      fprintf (stderr, "usage: hull-init [--] PROGRAM [ARGS...]\n");
      return 2;
    }
  if (getpid () != 1 && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    perror ("hull-init: PR_SET_CHILD_SUBREAPER");
  forwarded_set (&set);
  /* blocked before the fork: a signal that comes while the child starts waits for the loop
     below instead of being lost (or killing hull-init) */
  if (sigprocmask (SIG_BLOCK, &set, &old_mask) < 0)
    {
      perror ("hull-init: sigprocmask");
      return 1;
    }
  install_handlers (&set);
  child = fork ();
  if (child < 0)
    {
      perror ("hull-init: fork");
      return 1;
    }
  if (child == 0)
    run_child (argv + 1, &old_mask);
  for (;;)
    {
      siginfo_t info;
      int sig = sigwaitinfo (&set, &info);
      if (sig < 0)
        {
          if (errno == EINTR)
            continue;
          perror ("hull-init: sigwaitinfo");
          return 1;
        }
      if (sig != SIGCHLD)
        {
          /* ESRCH: the child has just ended; its SIGCHLD is on the way */
          if (kill (child, sig) < 0 && errno != ESRCH)
            perror ("hull-init: kill");
          continue;
        }
      if (reap (child, &status))
        break;
    }
  /* the child is gone; the zombies that ended with it go too */
  reap (child, &status);
  return exit_code (status);
}
