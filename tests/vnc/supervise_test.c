/* xld/supervise.c on its own: a real event loop and real children (sh).
 * Checked through what it does and logs, never through timings: a child
 * that keeps failing is restarted with delays that double; one that exits
 * with status 0 stays down; stop reaps a child, SIGKILLing one that ignores
 * SIGTERM; a child sees VMCTL_SUPERVISOR_PID and only descriptors 0-2. */
#include "tests/tap.h"
#include "xld/supervise.h"
#include "xld/xld.h"
#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/supervise_test.XXXXXX";

static char *slurp(const char *name)
{
	static char buf[16384];
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* Run the loop until `done` says so (bounded: a broken supervisor fails
 * the test instead of hanging it). */
static void run_until(struct xld *xld, int (*done)(struct xld_child *c), struct xld_child *c)
{
	for (int i = 0; i < 3000 && !done(c); i++)
		evloop_run_once(xld->loop, 10);
}

static int restarted_thrice(struct xld_child *c) { return supervise_restarts(c) >= 3; }

static char *path_in(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

int main(void)
{
	struct xld xld = { 0 };
	struct xld_child *c;
	char *out;

	if (!mkdtemp(dir))
		skip_all("no temporary directory");
	log_open("supervise_test", path_in("xld.log"));
	xld.loop = evloop_new();
	signal(SIGPIPE, SIG_IGN);

	/* A child that always fails. */
	char *fail_argv[] = { "/bin/sh", "-c", "echo run; exit 3", NULL };
	c = supervise_start(&xld, "failing", fail_argv, path_in("failing.log"));
	ok(c != NULL, "a child starts");
	run_until(&xld, restarted_thrice, c);
	is_int(supervise_restarts(c), 3, "a failing child is restarted");
	out = slurp("xld.log");
	ok(strstr(out, "failing: pid") && strstr(out, "exited with status 3") != NULL,
	   "its exit status is logged");
	ok(strstr(out, "restarting in 100 ms") && strstr(out, "restarting in 200 ms") &&
	   strstr(out, "restarting in 400 ms") != NULL, "the restart delay doubles (100, 200, 400 ms)");
	ok(count(slurp("failing.log"), "run\n") >= 3, "each run's output goes to the child's log");
	supervise_stop(c);

	/* A child that finishes its work. */
	char *ok_argv[] = { "/bin/sh", "-c",
			    "echo \"sup=$VMCTL_SUPERVISOR_PID\"; ls /proc/self/fd | tr '\\n' ' '", NULL };
	c = supervise_start(&xld, "ok", ok_argv, path_in("ok.log"));
	for (int i = 0; i < 3000 && !strstr(slurp("xld.log"), "ok: pid"); i++)
		evloop_run_once(xld.loop, 10);
	out = slurp("xld.log");
	ok(strstr(out, "ok: pid") && strstr(out, "finished") != NULL, "a child exiting with 0 is done");
	for (int i = 0; i < 30; i++)
		evloop_run_once(xld.loop, 10);
	is_int(supervise_restarts(c), 0, "... and is not restarted");
	is_int(supervise_pid(c), 0, "... nor running");
	out = slurp("ok.log");
	char want[64];
	snprintf(want, sizeof(want), "sup=%d\n", (int)getpid());
	ok(strstr(out, want) != NULL, "the child knows its supervisor (VMCTL_SUPERVISOR_PID)");
	ok(strstr(out, "0 1 2 3 ") != NULL && !strstr(out, " 4 "),
	   "the child holds only 0, 1, 2 (3 is ls's own directory)");
	supervise_stop(c);

	/* Stop: a polite child, then one that ignores SIGTERM. */
	char *sleep_argv[] = { "/bin/sh", "-c", "exec sleep 100", NULL };
	c = supervise_start(&xld, "sleeper", sleep_argv, NULL);
	pid_t pid = supervise_pid(c);
	ok(pid > 0, "a long-running child starts");
	supervise_stop(c);
	ok(kill(pid, 0) < 0 && errno == ESRCH, "stop ends and reaps it");
	char *stubborn_argv[] = { "/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done", NULL };
	c = supervise_start(&xld, "stubborn", stubborn_argv, path_in("stubborn.log"));
	pid = supervise_pid(c);
	for (int i = 0; i < 3000 && !strstr(slurp("stubborn.log"), "ready"); i++)
		usleep(1000);
	supervise_stop(c);
	ok(kill(pid, 0) < 0 && errno == ESRCH, "a child ignoring SIGTERM is killed");
	ok(strstr(slurp("xld.log"), "ignores SIGTERM") != NULL, "... and the log says so");

	char *missing_argv[] = { "/nonexistent/program", NULL };
	c = supervise_start(&xld, "missing", missing_argv, NULL);
	ok(c == NULL, "a program that cannot be started is an error at once");

	evloop_free(xld.loop);
	log_close();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return tap_done();
}
