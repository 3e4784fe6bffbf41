#include "tests/hv/vmhv_proc.h"

#include "libvmctl/hv.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Without $top_builddir (a tool run by hand), look upwards from the
 * program's own directory (libtool may have put it in .libs/). */
static const char *build_top_guess(void)
{
	static char dir[4096];
	char probe[4200];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);

	if (n <= 0)
		return ".";
	dir[n] = 0;
	for (int up = 0; up < 5; up++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			break;
		*slash = 0;
		snprintf(probe, sizeof(probe), "%s/hypervisor/vmhv", dir);
		if (access(probe, X_OK) == 0)
			return dir;
	}
	return ".";
}

const char *vmhv_proc_build_path(const char *rel)
{
	static char buf[4096];
	const char *top = getenv("top_builddir");

	snprintf(buf, sizeof(buf), "%s/%s", top && *top ? top : build_top_guess(), rel);
	return buf;
}

const char *vmhv_proc_path(struct vmhv_proc *p, const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", p->dir, name);
	return buf;
}

static int spawn_vmhv(struct vmhv_proc *p, const char *const *extra)
{
	const char *bin = getenv("VMHV");
	char logpath[128];
	const char *argv[32];
	int n = 0, r;

	if (!bin || !*bin)
		bin = vmhv_proc_build_path("hypervisor/vmhv");
	snprintf(logpath, sizeof(logpath), "%s/vmhv.log", p->dir);
	argv[n++] = bin;
	argv[n++] = "--foreground";
	argv[n++] = "--exit-with-parent";
	argv[n++] = "--rundir";
	argv[n++] = p->dir;
	argv[n++] = "--log";
	argv[n++] = logpath;
	for (int i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	r = posix_spawn(&p->pid, bin, NULL, NULL, (char *const *)argv, environ);
	return -r;
}

/* Readiness is "privcmd answers"; give a loaded machine up to 20 s. */
static int wait_ready(struct vmhv_proc *p)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };
	int rc = -ETIMEDOUT;

	for (int i = 0; i < 4000; i++) {
		rc = hv_open(p->dir, &p->hv);
		if (rc == 0)
			return 0;
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = -1;
			return -ECHILD;
		}
		nanosleep(&ts, NULL);
	}
	return rc;
}

int vmhv_proc_start(struct vmhv_proc *p, const char *const *extra)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	snprintf(p->dir, sizeof(p->dir), "/tmp/vmhv-test.XXXXXX");
	if (!mkdtemp(p->dir))
		return -errno;
	rc = spawn_vmhv(p, extra);
	if (rc == 0)
		rc = wait_ready(p);
	if (rc < 0)
		vmhv_proc_stop(p);
	return rc;
}

int vmhv_proc_term(struct vmhv_proc *p)
{
	int status = 0, rc = 0;

	hv_close(p->hv);
	p->hv = NULL;
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		if (waitpid(p->pid, &status, 0) < 0)
			rc = -errno;
		else
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		p->pid = -1;
	}
	return rc;
}

int vmhv_proc_stop(struct vmhv_proc *p)
{
	char cmd[128];
	int rc = vmhv_proc_term(p);

	if (getenv("VMHV_TEST_KEEP")) {
		fprintf(stderr, "# kept %s\n", p->dir);
		return rc;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
	if (system(cmd) != 0)
		rc = rc ? rc : -EIO;
	return rc;
}
