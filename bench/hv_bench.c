/* bench/hv_bench: the pv engine's figures next to host references measured
 * in the same run (bench/README.md). Everything runs pinned to CPU 0 (vmhv,
 * sandboxes and references alike): on this kind of machine a cross-CPU
 * wakeup of a sleeping peer costs 55-65 us and would drown every figure.
 *
 * Rows: null hypercall served in the sandbox and one forwarded to vmhv vs a
 * host null syscall; event-channel ping-pong between two domains vs a futex
 * ping-pong between two host processes; a CPU loop in a guest vs the same
 * instructions natively; create->running->destroy of a pv domain vs a
 * posix_spawn of a small static program; the 500th domain create vs the
 * 1st. The PV ABI rows (issue 12): mmu_update of 512 PTEs and one
 * update_va_mapping vs mmap(MAP_FIXED)+munmap of the same pages on the
 * host, and a #PF -> guest handler -> iret round trip vs a host SIGSEGV
 * handler round trip; a guest user-mode syscall + iret round trip (user
 * process, keys, mprotect) vs a host null syscall. Needs tests/guests/bench and tests/guests/pvabi_user. */
#include "libvmctl/build_pv.h"
#include "libvmctl/hv.h"
#include "tests/guests/bench_loop.h"
#include "tests/hv/vmhv_proc.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <ucontext.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NULL_CALLS 200000ul
#define FWD_CALLS 20000ul
#define PINGS 5000ul
#define LOOP_ITERS 300000000ul
#define CREATES 30
#define LIVE_DOMAINS 500
#define MMU_CALLS 2000ul
#define UVM_CALLS 100000ul
#define FAULTS 50000ul
#define USER_CALLS 2000ul

struct bench {
	struct vmhv_proc vp;
	struct hv *h;
	const char *guest;
	uint64_t dmesg_pos;
	int exc_fd;
};

static uint64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static void row(const char *fig, double v, const char *unit, const char *ref, double rv)
{
	printf("row\t%s\t%.3f\t%s\t%s\t%.3f\n", fig, v, unit, ref, rv);
	fflush(stdout);
}

/* Wait for VIRQ_DOM_EXC (some domain shut down). */
static void wait_dom_exc(struct bench *b)
{
	struct pollfd p = { .fd = b->exc_fd, .events = POLLIN };
	uint64_t n;

	poll(&p, 1, 10000);
	if (read(b->exc_fd, &n, sizeof(n)) < 0)
		return;
}

static int domain_boot(struct bench *b, const char *kernel, const char *cmdline, uint32_t *domid)
{
	struct build_pv bp = { .kernel = kernel, .cmdline = cmdline };
	int rc = hv_domain_create(b->h, NULL, 0, 1, 1024, domid);

	bp.domid = *domid;
	if (rc == 0)
		rc = build_pv(b->h, &bp);
	if (rc < 0)
		fprintf(stderr, "build: %s\n", bp.error);
	return rc;
}

/* Wait until `domid` has shut down. */
static void domain_wait(struct bench *b, uint32_t domid)
{
	struct privcmd_dominfo info;

	for (int i = 0; i < 100000; i++) {
		if (hv_domain_getinfo(b->h, domid, &info) < 0 ||
		    (info.flags & PRIVCMD_DOMINF_SHUTDOWN))
			return;
		wait_dom_exc(b);
	}
}

/* The value of "(dN) result: V" in vmhv's console. */
static long guest_result(struct bench *b, uint32_t domid)
{
	static char text[1 << 20];
	char want[48], *p;
	int n;
	size_t len = 0;

	while ((n = hv_dmesg(b->h, &b->dmesg_pos, text + len, sizeof(text) - 1 - len, 0)) > 0)
		len += (size_t)n;
	text[len] = 0;
	snprintf(want, sizeof(want), "(d%u) result: ", domid);
	p = strstr(text, want);
	return p ? atol(p + strlen(want)) : -1;
}

/* Pin every thread of process `pid` to CPU 1. */
static void process_to_cpu1(pid_t pid)
{
	char path[64];
	cpu_set_t cpu1;
	DIR *dir;
	struct dirent *de;

	CPU_ZERO(&cpu1);
	CPU_SET(1, &cpu1);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	while (dir && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			sched_setaffinity(atoi(de->d_name), sizeof(cpu1), &cpu1);
	if (dir)
		closedir(dir);
}

/* Move every running guest's sandbox (vmhv's vmhv-pv children) to CPU 1. */
static void guest_to_cpu1(struct bench *b)
{
	char path[300], buf[512];
	DIR *dir = opendir("/proc");
	struct dirent *de;

	while (dir && (de = readdir(dir))) {
		FILE *f;
		int ppid;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && strstr(buf, "(vmhv-pv)") &&
		    sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid) == 1 && ppid == b->vp.pid)
			process_to_cpu1(atoi(de->d_name));
		fclose(f);
	}
	if (dir)
		closedir(dir);
}

static long guest_run_on(struct bench *b, const char *cmdline, bool cpu1)
{
	uint32_t domid;

	if (domain_boot(b, b->guest, cmdline, &domid) < 0)
		return -1;
	hv_domain_unpause(b->h, domid);
	if (cpu1)
		guest_to_cpu1(b);
	domain_wait(b, domid);
	hv_domain_destroy(b->h, domid);
	return guest_result(b, domid);
}

static long guest_run(struct bench *b, const char *cmdline)
{
	uint32_t domid;

	if (domain_boot(b, b->guest, cmdline, &domid) < 0)
		return -1;
	hv_domain_unpause(b->h, domid);
	domain_wait(b, domid);
	hv_domain_destroy(b->h, domid);
	return guest_result(b, domid);
}

static double host_null_syscall_ns(void)
{
	uint64_t t0 = ns_now();

	for (unsigned long i = 0; i < NULL_CALLS; i++)
		syscall(SYS_getppid);
	return (double)(ns_now() - t0) / NULL_CALLS;
}

static void futex_op(int *addr, int op, int val)
{
	syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

/* Two processes hand a token back and forth through a shared futex word. */
static double host_futex_pingpong_us(void)
{
	int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;
	pid_t pid;

	*w = 0;
	pid = fork();
	if (pid == 0) {
		for (unsigned long i = 0; i < PINGS; i++) {
			while (__atomic_load_n(w, __ATOMIC_SEQ_CST) != 1)
				futex_op(w, FUTEX_WAIT, 0);
			__atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
			futex_op(w, FUTEX_WAKE, 1);
		}
		_exit(0);
	}
	t0 = ns_now();
	for (unsigned long i = 0; i < PINGS; i++) {
		__atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
		futex_op(w, FUTEX_WAKE, 1);
		while (__atomic_load_n(w, __ATOMIC_SEQ_CST) != 0)
			futex_op(w, FUTEX_WAIT, 1);
	}
	t0 = ns_now() - t0;
	waitpid(pid, NULL, 0);
	munmap(w, 4096);
	return (double)t0 / PINGS / 1000.0;
}

static int build_only(struct bench *b, uint32_t domid, const char *cmdline)
{
	struct build_pv bp = { .domid = domid, .kernel = b->guest, .cmdline = cmdline };
	int rc = build_pv(b->h, &bp);

	if (rc < 0)
		fprintf(stderr, "build: %s\n", bp.error);
	return rc;
}

/* Domains A and C: A's port is unbound for C, C binds to it; A times PINGS
 * round trips through vmhv's event channels. */
static double guest_pingpong_us(struct bench *b, bool cpu1)
{
	uint32_t a = 0, c = 0, pa = 0;
	char cmd[96];
	long ns = -1;

	if (hv_domain_create(b->h, NULL, 0, 1, 1024, &a) < 0 ||
	    hv_domain_create(b->h, NULL, 0, 1, 1024, &c) < 0 ||
	    hv_evtchn_alloc_unbound(b->h, a, c, &pa) < 0)
		goto out;
	snprintf(cmd, sizeof(cmd), "ping %u %lu", pa, PINGS);
	if (build_only(b, a, cmd) < 0)
		goto out;
	snprintf(cmd, sizeof(cmd), "pong %u %lu %u", pa, PINGS, a);
	if (build_only(b, c, cmd) < 0)
		goto out;
	hv_domain_unpause(b->h, a);
	hv_domain_unpause(b->h, c);
	if (cpu1)
		guest_to_cpu1(b);
	domain_wait(b, a);
	ns = guest_result(b, a);
out:
	if (a)
		hv_domain_destroy(b->h, a);
	if (c)
		hv_domain_destroy(b->h, c);
	return ns < 0 ? -1 : (double)ns / PINGS / 1000.0;
}

/* The bare transport under a forwarded hypercall: one SEQPACKET request
 * and reply between two processes. */
static double host_seqpacket_rt_ns(void)
{
	char buf[48] = { 0 };
	uint64_t t0;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		for (unsigned long i = 0; i < FWD_CALLS; i++)
			if (read(sv[1], buf, sizeof(buf)) < 0 || write(sv[1], buf, 8) < 0)
				break;
		_exit(0);
	}
	t0 = ns_now();
	for (unsigned long i = 0; i < FWD_CALLS; i++)
		if (write(sv[0], buf, sizeof(buf)) < 0 || read(sv[0], buf, 8) < 0)
			break;
	t0 = ns_now() - t0;
	waitpid(pid, NULL, 0);
	close(sv[0]);
	close(sv[1]);
	return (double)t0 / FWD_CALLS;
}

static void bench_calls(struct bench *b)
{
	char cmd[64];
	double sys = host_null_syscall_ns();
	long ns;

	snprintf(cmd, sizeof(cmd), "null %lu", NULL_CALLS);
	ns = guest_run(b, cmd);
	row("null hypercall in the sandbox shim (cpu0)", (double)ns / NULL_CALLS, "ns",
	    "host null syscall (cpu0)", sys);
	snprintf(cmd, sizeof(cmd), "fwd %lu", FWD_CALLS);
	ns = guest_run(b, cmd);
	row("hypercall forwarded to vmhv (cpu0)", (double)ns / FWD_CALLS, "ns",
	    "host null syscall (cpu0)", sys);
	row("hypercall forwarded to vmhv (cpu0)", (double)ns / FWD_CALLS, "ns",
	    "SEQPACKET round trip (cpu0)", host_seqpacket_rt_ns());
	snprintf(cmd, sizeof(cmd), "fwd %lu", FWD_CALLS * 10);
	ns = guest_run_on(b, cmd, true);
	row("hypercall forwarded to vmhv (vmhv cpu0, guest cpu1)", (double)ns / (FWD_CALLS * 10),
	    "ns", "host null syscall (cpu0)", sys);
}

static void bench_loop_row(struct bench *b)
{
	char cmd[64];
	uint64_t t0;
	long ns;

	t0 = ns_now();
	bench_loop(LOOP_ITERS);
	t0 = ns_now() - t0;
	snprintf(cmd, sizeof(cmd), "loop %lu", LOOP_ITERS);
	ns = guest_run(b, cmd);
	row("CPU loop 3e8 iterations in a pv guest", (double)ns / 1e6, "ms",
	    "same loop natively", (double)t0 / 1e6);
}

static double spawn_exit_ms(void)
{
	char *const argv[] = { (char *)"vmhv-pv", NULL };
	char *const envp[] = { NULL };
	const char *prog = vmhv_proc_build_path("hypervisor/engines/pv/vmhv-pv");
	uint64_t v[CREATES];

	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < CREATES; i++) {
		uint64_t t0 = ns_now();
		pid_t pid;

		/* Without its channel the sandbox exits at once: spawn + exit. */
		if (posix_spawn(&pid, prog, &fa, NULL, argv, envp) == 0)
			waitpid(pid, NULL, 0);
		v[i] = ns_now() - t0;
	}
	posix_spawn_file_actions_destroy(&fa);
	return (double)median(v, CREATES) / 1e6;
}

static void bench_create(struct bench *b)
{
	const char *hello = vmhv_proc_build_path("tests/guests/hello");
	char path[4096];
	uint64_t v[CREATES];

	snprintf(path, sizeof(path), "%s", hello);
	for (int i = 0; i < CREATES; i++) {
		uint64_t t0 = ns_now();
		uint32_t domid;

		domain_boot(b, path, "", &domid);
		hv_domain_unpause(b->h, domid);
		domain_wait(b, domid);
		hv_domain_destroy(b->h, domid);
		v[i] = ns_now() - t0;
	}
	row("create+build+run hello+destroy (median)", (double)median(v, CREATES) / 1e6, "ms",
	    "posix_spawn+exit, small static", spawn_exit_ms());
}

/* Create latency with 0..499 other domains alive (paused, 1 MiB each). */
static void bench_live(struct bench *b)
{
	static uint32_t ids[LIVE_DOMAINS];
	uint64_t lat[LIVE_DOMAINS], first[10], last[10];

	for (int i = 0; i < LIVE_DOMAINS; i++) {
		uint64_t t0 = ns_now();

		hv_domain_create(b->h, NULL, 0, 1, 256, &ids[i]);
		lat[i] = ns_now() - t0;
	}
	for (int i = 0; i < LIVE_DOMAINS; i++)
		hv_domain_destroy(b->h, ids[i]);
	memcpy(first, lat, sizeof(first));
	memcpy(last, lat + LIVE_DOMAINS - 10, sizeof(last));
	row("domain create with 490-499 live (median of 10)", (double)median(last, 10) / 1e3, "us",
	    "with 0-9 live", (double)median(first, 10) / 1e3);
}

/* What the guest's 512-PTE mmu_update asks of the host: 512 one-page
 * mmap(MAP_FIXED)s of memfd pages, and the munmap that clears them. */
static double host_mmap512_us(void)
{
	int fd = memfd_create("bench", MFD_CLOEXEC);
	uint8_t *va = mmap(NULL, 512 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;

	if (fd < 0 || va == MAP_FAILED || ftruncate(fd, 513 * 4096) < 0)
		return -1;
	t0 = ns_now();
	for (unsigned long k = 0; k < MMU_CALLS; k++) {
		for (unsigned i = 0; i < 512; i++)
			mmap(va + i * 4096, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
			     (off_t)((i + (k & 1)) * 4096));
		munmap(va, 512 * 4096);
	}
	t0 = ns_now() - t0;
	close(fd);
	return (double)t0 / MMU_CALLS / 1000.0;
}

static double host_mmap1_us(void)
{
	int fd = memfd_create("bench", MFD_CLOEXEC);
	uint8_t *va = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;

	if (fd < 0 || va == MAP_FAILED || ftruncate(fd, 2 * 4096) < 0)
		return -1;
	t0 = ns_now();
	for (unsigned long k = 0; k < UVM_CALLS; k++) {
		mmap(va, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		     (off_t)((k & 1) * 4096));
		munmap(va, 4096);
	}
	t0 = ns_now() - t0;
	close(fd);
	return (double)t0 / UVM_CALLS / 1000.0;
}

static void skip_load(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_mcontext.gregs[REG_RIP] += 3; /* movq (%rdi), %rax */
}

static double host_sigsegv_us(void)
{
	struct sigaction sa = { .sa_sigaction = skip_load, .sa_flags = SA_SIGINFO }, old;
	void *page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;

	if (page == MAP_FAILED || sigaction(SIGSEGV, &sa, &old) < 0)
		return -1;
	t0 = ns_now();
	for (unsigned long i = 0; i < FAULTS; i++)
		__asm__ volatile("movq (%%rdi), %%rax" : : "D"(page) : "rax", "memory");
	t0 = ns_now() - t0;
	sigaction(SIGSEGV, &old, NULL);
	munmap(page, 4096);
	return (double)t0 / FAULTS / 1000.0;
}

/* The user-mode guest times its own syscall + iret round trips. */
static long pvabi_user_run(struct bench *b, unsigned long n)
{
	const char *kernel = vmhv_proc_build_path("tests/guests/pvabi_user");
	char path[4096], cmd[64];
	uint32_t domid;

	snprintf(path, sizeof(path), "%s", kernel);
	snprintf(cmd, sizeof(cmd), "bench %lu", n);
	if (domain_boot(b, path, cmd, &domid) < 0)
		return -1;
	hv_domain_unpause(b->h, domid);
	domain_wait(b, domid);
	hv_domain_destroy(b->h, domid);
	return guest_result(b, domid);
}

/* The same on a second vmhv started with VMCTL_PV_USER=mode, which runs
 * user mode in the sandbox behind memory protection keys ("keys") or
 * mprotect ("mprotect") instead of the user process (docs/pv-engine.md). */
static long pvabi_user_mode_ns(const char *mode, unsigned long n)
{
	struct bench fb = { .exc_fd = -1 };
	long ns = -1;

	setenv("VMCTL_PV_USER", mode, 1);
	if (vmhv_proc_start(&fb.vp, NULL) == 0) {
		fb.h = fb.vp.hv;
		ns = pvabi_user_run(&fb, n);
		vmhv_proc_stop(&fb.vp);
	}
	unsetenv("VMCTL_PV_USER");
	return ns;
}

static void bench_pvabi(struct bench *b)
{
	char cmd[64];
	long ns;

	snprintf(cmd, sizeof(cmd), "mmu512 %lu", MMU_CALLS);
	ns = guest_run(b, cmd);
	row("mmu_update of 512 PTEs, one call (cpu0)", (double)ns / MMU_CALLS / 1000.0, "us",
	    "host: 512 one-page mmap(MAP_FIXED) + munmap (cpu0)", host_mmap512_us());
	snprintf(cmd, sizeof(cmd), "uvm %lu", UVM_CALLS);
	ns = guest_run(b, cmd);
	row("update_va_mapping of one page (cpu0)", (double)ns / UVM_CALLS / 1000.0, "us",
	    "host: one-page mmap(MAP_FIXED) + munmap (cpu0)", host_mmap1_us());
	snprintf(cmd, sizeof(cmd), "fault %lu", FAULTS);
	ns = guest_run(b, cmd);
	row("#PF -> guest trap handler -> iret (cpu0)", (double)ns / FAULTS / 1000.0, "us",
	    "host SIGSEGV handler round trip (cpu0)", host_sigsegv_us());
	row("guest user -> kernel -> user, syscall + iret, user process (cpu0)",
	    (double)pvabi_user_run(b, USER_CALLS) / 1000.0, "us", "host null syscall (cpu0)",
	    host_null_syscall_ns() / 1000.0);
	row("guest user -> kernel -> user, syscall + iret, VMCTL_PV_USER=keys if the CPU has them (cpu0)",
	    (double)pvabi_user_mode_ns("keys", USER_CALLS) / 1000.0, "us",
	    "host null syscall (cpu0)", host_null_syscall_ns() / 1000.0);
	row("guest user -> kernel -> user, syscall + iret, VMCTL_PV_USER=mprotect (cpu0)",
	    (double)pvabi_user_mode_ns("mprotect", USER_CALLS) / 1000.0, "us",
	    "host null syscall (cpu0)", host_null_syscall_ns() / 1000.0);
}

/* `hv_bench pvabi`: only the PV ABI rows. */
int main(int argc, char **argv)
{
	bool only_pvabi = argc > 1 && strcmp(argv[1], "pvabi") == 0;
	struct bench b = { .exc_fd = -1 };
	cpu_set_t cpu0;
	uint32_t port;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	b.guest = strdup(vmhv_proc_build_path("tests/guests/bench"));
	if (access(b.guest, R_OK) < 0 || vmhv_proc_start(&b.vp, NULL) < 0) {
		fprintf(stderr, "hv_bench: needs %s and a working vmhv\n", b.guest);
		return 1;
	}
	b.h = b.vp.hv;
	hv_evtchn_bind_virq(b.h, 3, &port, &b.exc_fd);
	if (only_pvabi) {
		bench_pvabi(&b);
		close(b.exc_fd);
		return vmhv_proc_stop(&b.vp) == 0 ? 0 : 1;
	}
	bench_calls(&b);
	row("event channel ping-pong, 2 pv domains (cpu0)", guest_pingpong_us(&b, false), "us",
	    "futex ping-pong, 2 processes (cpu0)", host_futex_pingpong_us());
	bench_loop_row(&b);
	bench_pvabi(&b);
	bench_create(&b);
	bench_live(&b);
	close(b.exc_fd);
	return vmhv_proc_stop(&b.vp) == 0 ? 0 : 1;
}
