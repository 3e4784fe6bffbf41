/* Supervised children: posix_spawn, a pidfd per child, restarts with backoff. */
#include "xld/supervise.h"
#include "xld/xld.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BACKOFF_FIRST_NS (100ull * 1000000)
#define BACKOFF_MAX_NS (10ull * 1000000000)
#define STABLE_NS (10ull * 1000000000)      /* a life this long resets the backoff */
#define STOP_GRACE_MS 1000

extern char **environ;

struct xld_child {
	struct xld *xld;
	char *name;
	char *logpath;
	char **argv;             /* our copy, NULL-terminated */
	pid_t pid;
	int pidfd;
	struct ev_watch *watch;
	struct ev_timer *timer;  /* pending restart */
	uint64_t started_ns;
	unsigned quick_deaths;   /* deaths in a row that came too soon */
	unsigned restarts;
	int fds[SUPERVISE_MAX_FDS];   /* passed as 3, 4, ...; ours, above 63 */
	unsigned nfds;
	bool adopted;            /* an earlier xld's child: not ours to reap or restart */
	void (*on_restart)(void *arg);   /* supervise_on_restart() */
	void *on_restart_arg;
};

static void on_exit_event(struct evloop *loop, int fd, uint32_t events, void *arg);

/* ---- spawning ------------------------------------------------------------ */

/* xld's environment plus VMCTL_SUPERVISOR_PID: a new array of borrowed
 * strings, except envp[*n_out] which the caller frees. */
static char **child_env(size_t *n_out)
{
	size_t n = 0, j = 0;
	char **envp;

	while (environ[n])
		n++;
	envp = calloc(n + 2, sizeof(*envp));
	if (!envp)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "VMCTL_SUPERVISOR_PID=", 21) != 0)
			envp[j++] = environ[i];
	if (asprintf(&envp[j], "VMCTL_SUPERVISOR_PID=%d", (int)getpid()) < 0) {
		free(envp);
		return NULL;
	}
	*n_out = j;
	return envp;
}

static int spawn_setup(struct xld_child *c, posix_spawn_file_actions_t *fa,
		       posix_spawnattr_t *attr)
{
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	r = posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_addopen(fa, 1, c->logpath ? c->logpath : "/dev/null",
						     O_WRONLY | O_APPEND | O_CREAT, 0640);
	if (!r)
		r = posix_spawn_file_actions_adddup2(fa, 1, 2);
	/* our copies sit above 63, so these never overwrite one another */
	for (unsigned i = 0; !r && i < c->nfds; i++)
		r = posix_spawn_file_actions_adddup2(fa, c->fds[i], 3 + (int)i);
	if (!r)
		r = posix_spawn_file_actions_addclosefrom_np(fa, 3 + (int)c->nfds);
	/* xld blocks SIGTERM & co. and ignores SIGPIPE: the child must not. */
	if (!r)
		r = posix_spawnattr_setsigmask(attr, &none);
	if (!r)
		r = posix_spawnattr_setsigdefault(attr, &all);
	if (!r)
		r = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	return -r;
}

static int spawn(struct xld_child *c)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	size_t n = 0;
	char **envp = child_env(&n);
	int rc;

	if (!envp)
		return -ENOMEM;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	rc = spawn_setup(c, &fa, &attr);
	if (rc == 0)
		rc = -posix_spawn(&c->pid, c->argv[0], &fa, &attr, c->argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(envp[n]);
	free(envp);
	if (rc < 0) {
		c->pid = 0;
		return rc;
	}
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd >= 0)
		c->watch = evloop_watch(c->xld->loop, c->pidfd, EPOLLIN, on_exit_event, c);
	if (c->pidfd < 0 || !c->watch) {
		/* Cannot watch it: do not leave it running unsupervised. */
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		if (c->pidfd >= 0)
			close(c->pidfd);
		c->pid = 0;
		c->pidfd = -1;
		return -ENOMEM;
	}
	fcntl(c->pidfd, F_SETFD, FD_CLOEXEC);
	c->started_ns = now_ns();
	log_info("%s: started (pid %d)", c->name, (int)c->pid);
	return 0;
}

/* ---- deaths and restarts ------------------------------------------------- */

static uint64_t backoff_ns(struct xld_child *c)
{
	uint64_t d = BACKOFF_FIRST_NS;

	for (unsigned i = 0; i < c->quick_deaths && d < BACKOFF_MAX_NS; i++)
		d *= 2;
	return MIN(d, BACKOFF_MAX_NS);
}

static void on_restart_timer(struct evloop *loop, struct ev_timer *t, void *arg);

static void schedule_restart(struct xld_child *c)
{
	uint64_t delay = backoff_ns(c);

	c->quick_deaths++;
	c->timer = evloop_timer(c->xld->loop, delay, 0, on_restart_timer, c);
	log_info("%s: restarting in %llu ms", c->name, (unsigned long long)(delay / 1000000));
}

static void on_restart_timer(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct xld_child *c = arg;
	int rc;

	c->timer = NULL; /* one-shot: the loop frees it */
	c->restarts++;
	if (c->on_restart)
		c->on_restart(c->on_restart_arg);
	rc = spawn(c);
	if (rc < 0) {
		log_error("%s: cannot start %s: %s", c->name, c->argv[0], strerror(-rc));
		schedule_restart(c);
	}
}

static void log_status(struct xld_child *c, int status)
{
	if (WIFSIGNALED(status))
		log_warn("%s: pid %d killed by signal %d", c->name, (int)c->pid, WTERMSIG(status));
	else
		log_warn("%s: pid %d exited with status %d", c->name, (int)c->pid,
			 WEXITSTATUS(status));
}

/* Forget the dead process: its watch, its pidfd. */
static void reaped(struct xld_child *c)
{
	evloop_unwatch(c->xld->loop, c->watch);
	close(c->pidfd);
	c->watch = NULL;
	c->pidfd = -1;
	c->pid = 0;
}

static void on_exit_event(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct xld_child *c = arg;
	int status;

	if (c->adopted) {
		/* not our child: the pidfd says it ended; init reaps it */
		log_warn("%s: adopted pid %d ended: not restarted", c->name, (int)c->pid);
		reaped(c);
		return;
	}
	if (waitpid(c->pid, &status, WNOHANG) != c->pid)
		return; /* not dead after all */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		/* Its work is done (its device went away): nothing to restart. */
		log_info("%s: pid %d finished", c->name, (int)c->pid);
		reaped(c);
		return;
	}
	log_status(c, status);
	if (now_ns() - c->started_ns >= STABLE_NS)
		c->quick_deaths = 0;
	reaped(c);
	schedule_restart(c);
}

/* ---- the handle ------------------------------------------------------------- */

static void child_free(struct xld_child *c)
{
	for (size_t i = 0; c->argv && c->argv[i]; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->name);
	free(c->logpath);
	for (unsigned i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	free(c);
}

static struct xld_child *child_new(struct xld *xld, const char *name, char *const argv[],
				   const char *logpath)
{
	struct xld_child *c = calloc(1, sizeof(*c));
	size_t n = 0;

	if (!c)
		return NULL;
	c->xld = xld;
	c->pidfd = -1;
	while (argv[n])
		n++;
	c->argv = calloc(n + 1, sizeof(*c->argv));
	c->name = strdup(name);
	c->logpath = logpath ? strdup(logpath) : NULL;
	for (size_t i = 0; c->argv && i < n; i++)
		if (!(c->argv[i] = strdup(argv[i])))
			break;
	if (!c->argv || !c->name || (logpath && !c->logpath) || (n && !c->argv[n - 1])) {
		child_free(c);
		return NULL;
	}
	return c;
}

struct xld_child *supervise_start(struct xld *xld, const char *name, char *const argv[],
				  const char *logpath)
{
	return supervise_start_fds(xld, name, argv, logpath, NULL, 0);
}

struct xld_child *supervise_start_fds(struct xld *xld, const char *name, char *const argv[],
				      const char *logpath, const int *fds, unsigned n)
{
	struct xld_child *c = n <= SUPERVISE_MAX_FDS ? child_new(xld, name, argv, logpath) : NULL;
	int rc = c ? 0 : -ENOMEM;

	for (unsigned i = 0; c && rc == 0 && i < n; i++) {
		c->fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 64);
		rc = c->fds[i] < 0 ? -errno : 0;
		c->nfds += rc == 0;
	}
	rc = rc ? rc : (c ? spawn(c) : -ENOMEM);

	if (rc < 0) {
		log_error("%s: cannot start %s: %s", name, argv[0], strerror(-rc));
		if (c)
			child_free(c);
		errno = -rc;
		return NULL;
	}
	return c;
}

struct xld_child *supervise_adopt(struct xld *xld, const char *name, pid_t pid)
{
	char *const none[] = { NULL };
	struct xld_child *c = child_new(xld, name, none, NULL);
	int rc = c ? 0 : -ENOMEM;

	if (c) {
		c->pid = pid;
		c->adopted = true;
		c->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		rc = c->pidfd < 0 ? -errno : 0;
	}
	if (rc == 0) {
		c->watch = evloop_watch(xld->loop, c->pidfd, EPOLLIN, on_exit_event, c);
		rc = c->watch ? 0 : -ENOMEM;
	}
	if (rc < 0) {
		log_error("%s: cannot adopt pid %d: %s", name, (int)pid, strerror(-rc));
		if (c && c->pidfd >= 0)
			close(c->pidfd);
		if (c)
			child_free(c);
		errno = -rc;
		return NULL;
	}
	c->started_ns = now_ns();
	log_info("%s: adopted (pid %d)", name, (int)pid);
	return c;
}

int supervise_set_arg(struct xld_child *c, const char *opt, const char *prefix,
		      const char *value)
{
	for (size_t i = 0; c && c->argv[i] && c->argv[i + 1]; i++) {
		char *v;

		if (strcmp(c->argv[i], opt) || strncmp(c->argv[i + 1], prefix, strlen(prefix)))
			continue;
		v = strdup(value);
		if (!v)
			return -ENOMEM;
		free(c->argv[i + 1]);
		c->argv[i + 1] = v;
		return 0;
	}
	return -ENOENT;
}

/* Wait for the pidfd to say the process ended, at most `ms`. */
static bool wait_exit(struct xld_child *c, int ms)
{
	struct pollfd p = { .fd = c->pidfd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

void supervise_stop(struct xld_child *c)
{
	int status;

	if (!c)
		return;
	evloop_timer_cancel(c->xld->loop, c->timer);
	if (c->pid > 0) {
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGTERM, NULL, 0);
		if (!wait_exit(c, STOP_GRACE_MS)) {
			log_warn("%s: pid %d ignores SIGTERM: killing it", c->name, (int)c->pid);
			syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
		}
		if (c->adopted)
			wait_exit(c, STOP_GRACE_MS);
		else
			waitpid(c->pid, &status, 0);
		log_info("%s: stopped (pid %d)", c->name, (int)c->pid);
		reaped(c);
	}
	child_free(c);
}

pid_t supervise_pid(const struct xld_child *c)
{
	return c ? c->pid : 0;
}

void supervise_on_restart(struct xld_child *c, void (*fn)(void *arg), void *arg)
{
	c->on_restart = fn;
	c->on_restart_arg = arg;
}

unsigned supervise_restarts(const struct xld_child *c)
{
	return c ? c->restarts : 0;
}

/* The directory of the running program, without libtool's .libs/. */
static int own_dir(char *buf, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (int i = 0; i < 2; i++) {
		slash = strrchr(buf, '/');
		if (!slash)
			return -1;
		*slash = '\0';
		if (strcmp(slash + 1, ".libs") == 0 || i == 0)
			continue;
		*slash = '/'; /* not .libs: keep that component */
		break;
	}
	return 0;
}

char *supervise_program(const char *env, const char *subdir, const char *name)
{
	const char *e = env ? getenv(env) : NULL;
	char dir[PATH_MAX], *path = NULL;

	if (e && *e)
		return strdup(e);
	if (own_dir(dir, sizeof(dir)) == 0 &&
	    asprintf(&path, "%s/../%s/%s", dir, subdir, name) > 0) {
		if (access(path, X_OK) == 0)
			return path;
		free(path);
	}
	if (asprintf(&path, "%s/%s", VMCTL_LIBEXECDIR, name) < 0)
		return NULL;
	return path;
}
