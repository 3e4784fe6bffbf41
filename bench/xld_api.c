/* Benchmarks of xld's API with a running private host ($VMCTL_RUNDIR):
 *   create -> banner: domain.create of the vmctl PV kernel until its banner
 *     arrives on the console, next to posix_spawn of /bin/true to its exit;
 *   domain.list with N domains (N created paused), next to an AF_UNIX
 *     request/answer of the same size between two threads;
 *   xl list with N domains (a process, as users run it), next to `ps -e`.
 * Usage: xld_api KERNEL XL N  (run by bench/xld_bench.sh) */
#include "libvmctl/libvmctl.h"

#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void row(const char *fig, double v, const char *unit, const char *ref, double r)
{
	printf("row\t%s\t%.3f\t%s\t%s\t%.3f\n", fig, v, unit, ref, r);
}

static struct vmctl *conn(void)
{
	struct vmctl_error err;
	struct vmctl *vm = vmctl_open(NULL, &err);

	if (!vm) {
		fprintf(stderr, "xld_api: %s\n", err.message);
		exit(1);
	}
	return vm;
}

static int call(struct vmctl *vm, const char *method, const char *params, yajl_val *res)
{
	struct vmctl_error err;

	if (vmctl_call(vm, method, params, res, &err) < 0) {
		fprintf(stderr, "xld_api: %s: %s\n", method, err.message);
		return -1;
	}
	return 0;
}

/* Milliseconds from domain.create until "vmctl PV kernel" on the console. */
static double create_to_banner(const char *kernel, int i)
{
	char params[1024], cfg[512], *rest;
	size_t rest_len;
	struct vmctl *vm = conn(), *con;
	double t0 = now_ms(), t = -1;
	char buf[8192] = "";
	size_t len = 0;

	snprintf(cfg, sizeof(cfg), "name = \"b%d\"\nkernel = \"%s\"\nmemory = 32\nextra = \"mode=shell\"\n",
		 i, kernel);
	strcpy(params, "{\"config\":");
	vmctl_json_quote(params, sizeof(params) - 2, cfg);
	strcat(params, "}");
	if (call(vm, "domain.create", params, NULL) < 0)
		exit(1);
	con = conn();
	snprintf(params, sizeof(params), "{\"domain\":\"b%d\"}", i);
	if (call(con, "console.attach", params, NULL) < 0)
		exit(1);
	int fd = vmctl_take_fd(con, &rest, &rest_len);
	if (rest_len < sizeof(buf))
		memcpy(buf, rest, len = rest_len);
	free(rest);
	while (!memmem(buf, len, "vmctl PV kernel", 15) && len < sizeof(buf) - 1) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (memmem(buf, len, "vmctl PV kernel", 15))
		t = now_ms() - t0;
	close(fd);
	call(vm, "domain.destroy", params, NULL);
	vmctl_close(vm);
	return t;
}

static double spawn_ms(char *const argv[])
{
	pid_t pid;
	int st;
	double t0 = now_ms();
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0)
		return -1;
	waitpid(pid, &st, 0);
	posix_spawn_file_actions_destroy(&fa);
	return now_ms() - t0;
}

/* The reference for domain.list: the same number of bytes asked for and
 * answered over AF_UNIX between two threads. */
struct echo {
	int fd;
	size_t answer;
	int rounds;
};

static void *echo_server(void *arg)
{
	struct echo *e = arg;
	char *buf = malloc(e->answer), req[256];

	memset(buf, 'x', e->answer);
	for (int i = 0; i < e->rounds; i++) {
		if (read(e->fd, req, sizeof(req)) <= 0)
			break;
		for (size_t off = 0; off < e->answer;) {
			ssize_t n = write(e->fd, buf + off, e->answer - off);
			if (n <= 0)
				return NULL;
			off += (size_t)n;
		}
	}
	free(buf);
	return NULL;
}

static double echo_ms(size_t answer, int rounds)
{
	int sv[2];
	pthread_t th;
	struct echo e = { .answer = answer, .rounds = rounds };
	double *t = calloc((size_t)rounds, sizeof(*t)), m;
	char *buf = malloc(answer);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	e.fd = sv[1];
	pthread_create(&th, NULL, echo_server, &e);
	for (int i = 0; i < rounds; i++) {
		double t0 = now_ms();
		if (write(sv[0], "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"domain.list\"}\n", 48) < 0)
			break;
		for (size_t got = 0; got < answer;) {
			ssize_t n = read(sv[0], buf, answer - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		t[i] = now_ms() - t0;
	}
	pthread_join(th, NULL);
	close(sv[0]);
	close(sv[1]);
	m = median(t, rounds);
	free(t);
	free(buf);
	return m;
}

int main(int argc, char **argv)
{
	enum { CREATES = 15, ROUNDS = 20 };
	double t[ROUNDS > CREATES ? ROUNDS : CREATES], ref[ROUNDS];
	char *truev[] = { "/bin/true", NULL }, *psv[] = { "/bin/ps", "-e", NULL };
	char params[1024];
	int ndoms;

	if (argc != 4)
		return 2;
	ndoms = atoi(argv[3]);
	for (int i = 0; i < CREATES; i++) {
		t[i] = create_to_banner(argv[1], i);
		ref[i] = spawn_ms(truev);
		if (t[i] < 0)
			return 1;
	}
	row("xl create -> guest banner on console (median)", median(t, CREATES), "ms",
	    "posix_spawn /bin/true -> exit", median(ref, CREATES));

	struct vmctl *vm = conn();
	for (int i = 0; i < ndoms; i++) {
		char cfg[512];
		snprintf(cfg, sizeof(cfg), "name = \"p%d\"\nkernel = \"%s\"\nmemory = 32\n", i, argv[1]);
		strcpy(params, "{\"paused\":true,\"config\":");
		vmctl_json_quote(params, sizeof(params) - 2, cfg);
		strcat(params, "}");
		if (call(vm, "domain.create", params, NULL) < 0)
			return 1;
	}
	size_t answer = 0;
	for (int i = 0; i < ROUNDS; i++) {
		yajl_val res;
		double t0 = now_ms();
		if (call(vm, "domain.list", NULL, &res) < 0)
			return 1;
		t[i] = now_ms() - t0;
		answer = res->u.array.len * 330; /* about the bytes of one entry */
		yajl_tree_free(res);
	}
	char fig[128];
	snprintf(fig, sizeof(fig), "domain.list with %d domains (median)", ndoms);
	row(fig, median(t, ROUNDS), "ms", "AF_UNIX answer of that size", echo_ms(answer, ROUNDS));
	char *xlv[] = { argv[2], "list", NULL };
	for (int i = 0; i < ROUNDS; i++) {
		t[i] = spawn_ms(xlv);
		ref[i] = spawn_ms(psv);
	}
	snprintf(fig, sizeof(fig), "xl list with %d domains (median)", ndoms);
	row(fig, median(t, ROUNDS), "ms", "ps -e", median(ref, ROUNDS));
	vmctl_close(vm);
	return 0;
}
