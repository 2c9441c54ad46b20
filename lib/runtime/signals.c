/* signals.c: signal names as `kill` accepts them (TERM, SIGTERM, 15, RTMIN+3), and the
   foreground runtime's relay of signals to the process it waits for (run, exec). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

#include "container.h"
#include "lifecycle.h"

static const struct
{
  const char *name;
  int sig;
} names[] = {
  { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL }, { "TRAP", SIGTRAP },
  { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG }, { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

static int
parse_number (const char *s)
{
  char *end;
  long v = strtol (s, &end, 10);
  if (*s == '\0' || *end != '\0' || v <= 0 || v >= NSIG)
    return -1;
  return (int) v;
}

int
hull_signal_parse (const char *s)
{
  int n;
  if (s == NULL || *s == '\0')
    return -1;
  if ((n = parse_number (s)) > 0)
    return n;
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp (s, names[i].name) == 0)
      return names[i].sig;
  if (strncasecmp (s, "RTMIN", 5) == 0 || strncasecmp (s, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (s, "RTMIN", 5) == 0;
      int base = min ? SIGRTMIN : SIGRTMAX, off = 0;
      if (s[5] != '\0')
        {
          char *end;
          off = strtol (s + 5, &end, 10);
          if (*end != '\0')
            return -1;
        }
      n = base + off;
      return n >= SIGRTMIN && n <= SIGRTMAX ? n : -1;
    }
  return -1;
}

int
hull_signals_forward_wait (pid_t pid, const sigset_t *set, int *exit_status)
{
  for (;;)
    {
      siginfo_t si;
      int status;
      int sig = sigwaitinfo (set, &si);
      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (pid, sig);
          continue;
        }
      /* SIGCHLD: reap whatever ended; PID's end is ours to report. */
      for (;;)
        {
          pid_t r = waitpid (-1, &status, WNOHANG);
          if (r <= 0)
            break;
          if (r == pid)
            {
              *exit_status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
              return 0;
            }
        }
    }
}

void
hull_signals_block_forwarded (sigset_t *set, sigset_t *old)
{
  static const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGPIPE, SIGALRM, SIGCONT };
  sigemptyset (set);
  for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    sigaddset (set, sigs[i]);
  sigprocmask (SIG_BLOCK, set, old);
}
