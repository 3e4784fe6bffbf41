/* xl migrate and xl migrate-receive (docs/xl.md, docs/migration.md).
 *
 * Without -s, xld migrates the domain over TCP to the other host's xld
 * (its --migrate-listen port) and answers with the figures. With -s, as
 * Xen's xl does, the migration goes through an ssh session: xl runs
 * `SSHCMD HOST xl migrate-receive`, takes over a connection to the local
 * xld for the migration and copies bytes between the two; the remote
 * `xl migrate-receive` does the same with its stdin/stdout and its xld.
 * The outcome then arrives as an event on a second connection. */
#include "xl/xl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- copying between two byte streams ------------------------------- */

/* Direction 0 copies a_in to b_out, direction 1 b_in to a_out, until both
 * have ended. The end of an input ends the matching output (a socket is
 * half-closed, a pipe closed), so the peer sees EOF and can still answer;
 * a failed write ends everything. */
struct relay {
	int a_in, a_out, b_in, b_out;
	const char *pending;	/* bytes for b_out before the copying starts */
	size_t pending_len;
	pthread_t thread;
	int rc;
};

static int write_full(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void end_output(int *fd)
{
	if (shutdown(*fd, SHUT_WR) < 0 && errno == ENOTSOCK) {
		close(*fd);
		*fd = -1;
	}
}

static int relay_run(struct relay *r)
{
	struct pollfd p[2] = { { .fd = r->a_in, .events = POLLIN }, { .fd = r->b_in, .events = POLLIN } };
	int *out[2] = { &r->b_out, &r->a_out };
	static __thread char buf[65536];
	int open_dirs = 2;

	if (r->pending_len && write_full(r->b_out, r->pending, r->pending_len) < 0)
		return -1;
	while (open_dirs > 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				end_output(out[i]);
				p[i].fd = -1;
				open_dirs--;
			} else if (write_full(*out[i], buf, (size_t)n) < 0) {
				return -1;
			}
		}
	}
	return 0;
}

static void *relay_thread(void *arg)
{
	struct relay *r = arg;

	r->rc = relay_run(r);
	/* Whatever ended it: xld must see the end (a write error otherwise
	 * leaves it waiting for its timeout). */
	shutdown(r->a_in, SHUT_RDWR);
	return NULL;
}

/* ---- xl migrate-receive ---------------------------------------------- */

int cmd_migrate_receive(struct xl *xl, int argc, char **argv)
{
	struct relay r = { .a_in = STDIN_FILENO, .a_out = STDOUT_FILENO };
	char *rest = NULL;
	size_t rest_len = 0;
	int c, fd;

	/* -d (debug) and -e (do not daemonize) are Xen's; nothing to do here. */
	while ((c = getopt(argc, argv, "deh")) != -1)
		if (c == 'h' || c == '?')
			return xl_usage("migrate-receive");
	if (optind != argc)
		return xl_usage("migrate-receive");
	signal(SIGPIPE, SIG_IGN);
	if (xl_call(xl, "domain.migrate_receive", NULL, NULL) < 0)
		return 1;
	fd = vmctl_take_fd(xl->vm, &rest, &rest_len);
	xl->vm = NULL;
	free(rest);
	if (fd < 0)
		return 1;
	r.b_in = r.b_out = fd;
	c = relay_run(&r);
	close(fd);
	return c < 0 ? 1 : 0;
}

/* ---- xl migrate ------------------------------------------------------ */

struct migrate_args {
	const char *dom, *host, *ssh;
	bool paused, live;
};

static yajl_val jget(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };

	return v ? yajl_tree_get(v, path, yajl_t_any) : NULL;
}

static double jnum(yajl_val v, const char *key)
{
	yajl_val n = jget(v, key);

	return n && YAJL_IS_NUMBER(n) ? YAJL_GET_DOUBLE(n) : 0;
}

static void print_result(yajl_val res)
{
	double mem = jnum(res, "memory_bytes"), bytes = jnum(res, "bytes");

	printf("Migration successful: downtime %.1f ms, total time %.2f s, "
	       "%.1f MiB sent (%.2f x memory), %.0f pre-copy rounds\n",
	       jnum(res, "downtime_ms"), jnum(res, "total_ms") / 1000, bytes / 1048576,
	       mem > 0 ? bytes / mem : 0, jnum(res, "rounds"));
}

static int migrate_params(char *buf, size_t cap, const struct migrate_args *a, bool conn)
{
	char dom[300] = "", host[600] = "";

	if (vmctl_json_quote(dom, sizeof(dom), a->dom) < 0 ||
	    (!conn && vmctl_json_quote(host, sizeof(host), a->host) < 0))
		return -1;
	int n = snprintf(buf, cap, "{\"domain\":%s,%s%s%s\"live\":%s,\"paused\":%s%s}", dom,
			 conn ? "" : "\"host\":", host, conn ? "" : ",",
			 a->live ? "true" : "false", a->paused ? "true" : "false",
			 conn ? ",\"transport\":\"connection\"" : "");
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int migrate_tcp(struct xl *xl, const struct migrate_args *a)
{
	char params[1024];
	yajl_val res = NULL;

	if (migrate_params(params, sizeof(params), a, false) < 0)
		return xl_usage("migrate");
	if (xl_call(xl, "domain.migrate", params, &res) < 0)
		return 1;
	print_result(res);
	yajl_tree_free(res);
	return 0;
}

/* `sh -c "SSHCMD HOST xl migrate-receive"` (SSHCMD empty: `sh -c HOST`, as
 * Xen's xl) with pipes on its stdin and stdout. */
static pid_t spawn_receiver(const struct migrate_args *a, int *to, int *from)
{
	int in[2], out[2];
	char *cmd = NULL;
	pid_t pid;

	if (*a->ssh ? asprintf(&cmd, "%s %s xl migrate-receive", a->ssh, a->host) < 0
		    : !(cmd = strdup(a->host)))
		return -1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		free(cmd);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	free(cmd);
	close(in[0]);
	close(out[1]);
	*to = in[1];
	*from = out[0];
	return pid;
}

/* The outcome event of this domain's migration: 0 (printed) or 1. */
static int wait_outcome(struct vmctl *ev, const char *dom)
{
	struct vmctl_error err;
	yajl_val e;
	char buf[32];
	int rc = -1;

	while (rc < 0 && vmctl_next_event(ev, -1, &e, &err) == 1) {
		yajl_val p = jget(e, "params");
		const char *type = xl_json_text(jget(p, "type"), buf, sizeof(buf));
		bool ours = strcmp(xl_json_text(jget(p, "name"), buf, sizeof(buf)), dom) == 0 ||
			    strcmp(xl_json_text(jget(p, "domid"), buf, sizeof(buf)), dom) == 0;
		if (ours && strcmp(type, "migrated") == 0) {
			print_result(jget(p, "result"));
			rc = 0;
		} else if (ours && strcmp(type, "migrate-failed") == 0) {
			fprintf(stderr, "xl: %s\n", xl_json_text(jget(p, "message"), buf, sizeof(buf)));
			rc = 1;
		}
		yajl_tree_free(e);
	}
	if (rc < 0)
		fprintf(stderr, "xl: lost xld while waiting for the outcome\n");
	return rc < 0 ? 1 : rc;
}

static int migrate_ssh(const struct migrate_args *a)
{
	struct vmctl_error err;
	struct vmctl *ev = vmctl_open(NULL, &err), *data = NULL;
	struct relay r = { .a_in = -1 };
	char params[1024], *rest = NULL;
	size_t rest_len = 0;
	pid_t pid = -1;
	int rc = 1, status;

	if (!ev || vmctl_call(ev, "events.subscribe", NULL, NULL, &err) < 0 ||
	    !(data = vmctl_open(NULL, &err)))
		goto out_err;
	if (migrate_params(params, sizeof(params), a, true) < 0)
		goto out;
	if ((pid = spawn_receiver(a, &r.b_out, &r.b_in)) < 0) {
		fprintf(stderr, "xl: cannot run the migration command: %s\n", strerror(errno));
		goto out;
	}
	if (vmctl_call(data, "domain.migrate", params, NULL, &err) < 0)
		goto out_err;
	r.a_in = r.a_out = vmctl_take_fd(data, &rest, &rest_len);
	data = NULL;
	/* xld starts at once: what came with the answer is the migration's,
	 * and the relay sends it first. A receiver already gone (an ssh that
	 * failed) fails that write; the relay then closes xld's end, and xld
	 * names the failure in the outcome waited for here. */
	r.pending = rest;
	r.pending_len = rest_len;
	if (r.a_in < 0 || pthread_create(&r.thread, NULL, relay_thread, &r) != 0) {
		free(rest);
		goto out;
	}
	rc = wait_outcome(ev, a->dom);
	pthread_join(r.thread, NULL);
	free(rest);
	goto out;
out_err:
	fprintf(stderr, "xl: %s\n", err.message);
out:
	if (r.a_in >= 0)
		close(r.a_in);
	if (pid > 0) {
		if (r.b_out >= 0)
			close(r.b_out);
		close(r.b_in);
		waitpid(pid, &status, 0);
	}
	if (data)
		vmctl_close(data);
	if (ev)
		vmctl_close(ev);
	return rc;
}

int cmd_migrate(struct xl *xl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "live", no_argument, NULL, 'l' },
		{ "non-live", no_argument, NULL, 'n' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct migrate_args a = { .live = true };
	int c;

	/* -e (do not wait on the target) and --debug are Xen's: accepted. */
	while ((c = getopt_long(argc, argv, "s:peh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': a.ssh = optarg; break;
		case 'p': a.paused = true; break;
		case 'l': a.live = true; break;
		case 'n': a.live = false; break;
		case 'e': case 'D': break;
		default: return xl_usage("migrate");
		}
	}
	if (optind + 2 != argc)
		return xl_usage("migrate");
	a.dom = argv[optind];
	a.host = argv[optind + 1];
	signal(SIGPIPE, SIG_IGN);
	return a.ssh ? migrate_ssh(&a) : migrate_tcp(xl, &a);
}
