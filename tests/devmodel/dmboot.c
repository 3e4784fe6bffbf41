/* dmboot: boot an hvm domain with vmctl-devmodel as its device model, the
 * way xld will: create the domain paused, build it, start the device
 * model with --ready-fd, unpause once it serves, wait for the shutdown.
 *
 *   dmboot --rundir DIR [--mem MiB] [--timeout SEC] --bios FILE -- DEVMODEL [ARGS...]
 *
 * DEVMODEL gets ARGS plus --domid N --rundir DIR --ready-fd 3. Prints the
 * domain's lines of vmhv's console (its debug ports) and "dmboot: shutdown
 * REASON"; exits 0 for poweroff, 10 + reason for another shutdown, 124 on
 * timeout or SIGTERM, 1 on errors. The domain is destroyed and the device model
 * stopped (SIGTERM) before it exits; its exit status is reported. */
#include "libvmctl/build_hvm.h"
#include "libvmctl/hv.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* SIGTERM/SIGINT end the wait like a timeout: the domain is destroyed and
 * the device model stopped before dmboot exits. */
static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct boot {
	const char *rundir, *bios;
	unsigned mem_mib, timeout_s;
	char **dm_argv;
	int dm_argc;
	struct hv *hv;
	uint32_t domid;
	pid_t dm_pid;
};

static int parse(struct boot *b, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rundir", required_argument, NULL, 'r' }, { "mem", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' }, { "bios", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			b->rundir = optarg;
		else if (c == 'm')
			b->mem_mib = (unsigned)atoi(optarg);
		else if (c == 't')
			b->timeout_s = (unsigned)atoi(optarg);
		else if (c == 'b')
			b->bios = optarg;
		else
			return -1;
	}
	b->dm_argv = argv + optind;
	b->dm_argc = argc - optind;
	return b->rundir && b->bios && b->dm_argc > 0 && b->mem_mib ? 0 : -1;
}

/* Start the device model with the ready pipe as fd 3; wait for "ready". */
static int spawn_dm(struct boot *b)
{
	char domid[16], **argv = calloc((size_t)b->dm_argc + 8, sizeof(char *));
	posix_spawn_file_actions_t fa;
	struct pollfd pfd;
	char buf[16];
	int p[2], n = 0;

	if (!argv || pipe(p) < 0)
		return -1;
	snprintf(domid, sizeof(domid), "%u", b->domid);
	for (int i = 0; i < b->dm_argc; i++)
		argv[n++] = b->dm_argv[i];
	argv[n++] = "--domid";
	argv[n++] = domid;
	argv[n++] = "--rundir";
	argv[n++] = (char *)b->rundir;
	argv[n++] = "--ready-fd";
	argv[n++] = "3";
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 3);
	if (posix_spawn(&b->dm_pid, argv[0], &fa, NULL, argv, environ) != 0)
		b->dm_pid = 0;
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	close(p[1]);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	n = b->dm_pid && poll(&pfd, 1, 20000) == 1 ? (int)read(p[0], buf, sizeof(buf)) : -1;
	close(p[0]);
	if (n < 5 || strncmp(buf, "ready", 5) != 0) {
		fprintf(stderr, "dmboot: the device model did not get ready\n");
		return -1;
	}
	return 0;
}

/* What the device model runs as once it serves: its uid and seccomp mode. */
static void print_confinement(pid_t pid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Seccomp:", 8) ||
		    !strncmp(line, "NoNewPrivs:", 11))
			printf("dmboot: device model %s", line);
	if (f)
		fclose(f);
}

/* The domain's lines of vmhv's console, without their "(dN) " prefix. */
static void print_console(struct boot *b)
{
	static char buf[1 << 20];
	char prefix[32];
	uint64_t pos = 0;
	int n = hv_dmesg(b->hv, &pos, buf, sizeof(buf) - 1, 0);

	snprintf(prefix, sizeof(prefix), "(d%u) ", b->domid);
	buf[n > 0 ? n : 0] = 0;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
		if (strncmp(l, prefix, strlen(prefix)) == 0)
			printf("%s\n", l + strlen(prefix));
}

static int wait_shutdown(struct boot *b)
{
	static const char *const reasons[] = { "poweroff", "reboot", "suspend", "crash",
					       "watchdog", "soft_reset" };
	time_t end = time(NULL) + b->timeout_s;
	struct privcmd_dominfo info;

	for (;;) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		if (hv_domain_getinfo(b->hv, b->domid, &info) < 0)
			return 1;
		if (info.flags & PRIVCMD_DOMINF_SHUTDOWN) {
			printf("dmboot: shutdown %s\n",
			       info.shutdown_reason < 6 ? reasons[info.shutdown_reason] : "unknown");
			return info.shutdown_reason ? 10 + (int)info.shutdown_reason : 0;
		}
		if (time(NULL) >= end || stop_requested) {
			printf("dmboot: %s\n", stop_requested ? "stopped" : "timeout");
			return 124;
		}
		nanosleep(&ts, NULL);
	}
}

static int boot(struct boot *b)
{
	struct build_hvm bh = { 0 };
	uint8_t handle[16] = { 0 };

	if (hv_open(b->rundir, &b->hv) < 0 ||
	    hv_domain_create(b->hv, handle, PRIVCMD_CREATE_HVM, 1, (uint64_t)b->mem_mib << 8,
			     &b->domid) < 0) {
		fprintf(stderr, "dmboot: no hvm domain\n");
		return 1;
	}
	bh.domid = b->domid;
	bh.bios = b->bios;
	if (build_hvm(b->hv, &bh) < 0) {
		fprintf(stderr, "dmboot: %s\n", bh.error);
		return 1;
	}
	if (spawn_dm(b) < 0 || hv_domain_unpause(b->hv, b->domid) < 0)
		return 1;
	print_confinement(b->dm_pid);
	return wait_shutdown(b);
}

int main(int argc, char **argv)
{
	struct boot b = { .mem_mib = 32, .timeout_s = 60 };
	int st, ws = 0;

	if (parse(&b, argc, argv) < 0) {
		fprintf(stderr, "usage: dmboot --rundir DIR [--mem MiB] [--timeout SEC] "
			"--bios FILE -- DEVMODEL [ARGS...]\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	st = boot(&b);
	if (b.hv && b.domid)
		print_console(&b);
	if (b.hv && b.domid)
		hv_domain_destroy(b.hv, b.domid);
	if (b.dm_pid > 0) {
		kill(b.dm_pid, SIGTERM);
		waitpid(b.dm_pid, &ws, 0);
		printf("dmboot: device model exit %d\n",
		       WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws));
	}
	if (b.hv)
		hv_close(b.hv);
	return st;
}
