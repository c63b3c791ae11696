/* simproc.h - run tater-sim for a test.
 *
 *   const char *args[] = {"--users", "500", "--throttle", NULL};
 *   struct simproc *sp = simproc_start(args);     // NULL args: defaults
 *   ... point the code under test at simproc_url(sp) ...
 *   simproc_stop(sp);
 *
 * simproc_start runs $TATER_SIM with the extra args plus --port 0 and a
 * --port-file in a fresh temporary directory, waits (at most 15 s) until the
 * simulator listens, and aborts the test with the simulator's log if it does not.
 * The simulator's stderr (one line per request) goes to a file: simproc_log().
 * The default credentials it accepts are the SIMPROC_* constants below.
 * Every base URL (login, Graph, ARM, Automation) is simproc_url(sp). */
#ifndef TATER_SIMPROC_H
#define TATER_SIMPROC_H

#include <sys/types.h>

#define SIMPROC_TENANT "00000000-0000-4000-8000-000000000001"
#define SIMPROC_CLIENT_ID "11111111-1111-4111-8111-111111111111"
#define SIMPROC_SECRET "sim-secret"
#define SIMPROC_WEBHOOK_TOKEN "sim-webhook-token"
#define SIMPROC_AUTOMATION_ACCOUNT "aa-sim"

struct simproc;

/* extra_args: NULL-terminated, may be NULL.  Never returns NULL (aborts instead). */
struct simproc *simproc_start(const char *const *extra_args);

/* "http://127.0.0.1:PORT", valid until simproc_stop. */
const char *simproc_url(const struct simproc *sp);
unsigned simproc_port(const struct simproc *sp);
pid_t simproc_pid(const struct simproc *sp);

/* The temporary directory the simulator runs in (for estate files, certificates);
 * removed by simproc_stop. */
const char *simproc_dir(const struct simproc *sp);

/* The simulator's stderr so far (malloc'd, NUL-terminated). */
char *simproc_log(const struct simproc *sp);

/* SIGTERM, wait (SIGKILL after 10 s), remove the directory, free.  Returns the exit
 * status (0 for a clean stop; 128+signal if it had to be killed or crashed). */
int simproc_stop(struct simproc *sp);

#endif
