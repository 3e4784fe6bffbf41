/* Integration test of the pv engine: boot tests/guests/hello in a private
 * vmhv through libvmctl's builder and check what it prints, how it ends,
 * and that its sandbox process is what the design says. */
#include "libvmctl/build_pv.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "tests/tap.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot 1
#define SHUTDOWN_crash 3

struct ctx {
	struct vmhv_proc vp;
	const char *hello;
	char console[65536];
	uint64_t pos;
};

static void nap(void)
{
	struct timespec ts = { 0, 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Append vmhv's new console text to c->console. */
static void console_read(struct ctx *c)
{
	size_t len = strlen(c->console);
	int n;

	while (len < sizeof(c->console) - 1 &&
	       (n = hv_dmesg(c->vp.hv, &c->pos, c->console + len,
			     sizeof(c->console) - 1 - len, 0)) > 0)
		len += (size_t)n;
	c->console[len] = 0;
}

static int boot(struct ctx *c, const char *kernel, const char *cmdline, uint64_t pages,
		uint32_t *domid, struct build_pv *b)
{
	int rc = hv_domain_create(c->vp.hv, NULL, 0, 1, pages, domid);

	if (rc < 0)
		return rc;
	memset(b, 0, sizeof(*b));
	b->domid = *domid;
	b->kernel = kernel;
	b->cmdline = cmdline;
	rc = build_pv(c->vp.hv, b);
	if (rc < 0)
		return rc;
	return hv_domain_unpause(c->vp.hv, *domid);
}

/* Wait (bounded) until the domain shut down; its reason, or -ETIMEDOUT. */
static int wait_shutdown(struct ctx *c, uint32_t domid)
{
	struct privcmd_dominfo info;

	for (int i = 0; i < 20000; i++) {
		if (hv_domain_getinfo(c->vp.hv, domid, &info) < 0)
			return -ESRCH;
		if (info.flags & PRIVCMD_DOMINF_SHUTDOWN)
			return (int)info.shutdown_reason;
		nap();
	}
	return -ETIMEDOUT;
}

static int has_line(struct ctx *c, uint32_t domid, const char *text)
{
	char want[256];

	snprintf(want, sizeof(want), "(d%u) %s\n", domid, text);
	console_read(c);
	return strstr(c->console, want) != NULL;
}

static void test_hello(struct ctx *c)
{
	struct build_pv b;
	uint32_t d;

	is_int(boot(c, c->hello, "foo bar", 4096, &d, &b), 0, "hello built and unpaused");
	ok(b.hypercall_page >= VMCTL_PV_FLAT_BASE, "hypercall page from the note");
	is_int(wait_shutdown(c, d), SHUTDOWN_poweroff, "hello powers off");
	ok(has_line(c, d, "Hello from a vmctl pv guest"), "console_io output in dmesg");
	ok(has_line(c, d, "magic: xen-3.0-x86_64"), "start_info magic");
	ok(has_line(c, d, "nr_pages: 4096"), "start_info nr_pages");
	ok(has_line(c, d, "cmdline: foo bar"), "command line passed");
	ok(has_line(c, d, "start_info_in_flat_map: 1"), "rsi points into the flat map");
	ok(has_line(c, d, "boot_stack_above_start_info: 1"), "boot stack after start_info");
	ok(has_line(c, d, "xen_version: 4.17"), "xen_version hypercall");
	ok(has_line(c, d, "bye"), "ran to the end");
	is_int(hv_domain_destroy(c->vp.hv, d), 0, "destroy after shutdown");
}

static void test_reasons(struct ctx *c)
{
	static const struct { const char *cmd; int reason; } cases[] = {
		{ "reboot", SHUTDOWN_reboot },
		{ "crash", SHUTDOWN_crash },
		{ "fault", SHUTDOWN_crash },
	};
	struct build_pv b;
	uint32_t d;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		boot(c, c->hello, cases[i].cmd, 1024, &d, &b);
		is_int(wait_shutdown(c, d), cases[i].reason, "cmdline '%s' ends with reason %d",
		       cases[i].cmd, cases[i].reason);
		hv_domain_destroy(c->vp.hv, d);
	}
	console_read(c);
	ok(strstr(c->console, "crashed: unhandled guest fault (trap 14") != NULL,
	   "a fault without a trap table is reported in dmesg");
}

/* The sandbox of our vmhv: the vmhv-pv child process (pid or -1). */
static pid_t sandbox_pid(struct ctx *c)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	pid_t found = -1;

	while (dir && (de = readdir(dir))) {
		char path[300], buf[512];
		int ppid = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && strstr(buf, "(vmhv-pv)") &&
		    sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid) == 1 && ppid == c->vp.pid)
			found = atoi(de->d_name);
		fclose(f);
	}
	if (dir)
		closedir(dir);
	return found;
}

static int count_fds(pid_t pid)
{
	char path[64];
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (readdir(dir))
		n++;
	closedir(dir);
	return n - 2;
}

/* A numeric field of /proc/PID/status ("Uid", "Seccomp", ...), or -1. */
static long proc_status(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t n = strlen(field);
	long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			val = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return val;
}

static void test_running(struct ctx *c)
{
	struct privcmd_dominfo info = { 0 };
	struct build_pv b;
	uint32_t d;
	pid_t pid = -1;
	int i;

	is_int(boot(c, c->hello, "loop", 1024, &d, &b), 0, "a looping guest starts");
	for (i = 0; i < 20000 && (info.cpu_time_ns == 0 || !has_line(c, d, "xen_version: 4.17")); i++) {
		hv_domain_getinfo(c->vp.hv, d, &info);
		nap();
	}
	ok(info.flags & PRIVCMD_DOMINF_RUNNING, "running");
	ok(info.cpu_time_ns > 0, "cpu time is counted");
	pid = sandbox_pid(c);
	ok(pid > 0, "one sandbox process, child of vmhv");
	if (geteuid() == 0)
		is_int(proc_status(pid, "Uid"), 65534, "the sandbox runs as nobody");
	is_int(proc_status(pid, "NoNewPrivs"), 1, "with no_new_privs");
	is_int(proc_status(pid, "Seccomp"), 2, "under a seccomp filter");
	is_int(count_fds(pid), 3, "the sandbox holds three fds: channel, memfd, userfaultfd");
	is_int(hv_domain_pause(c->vp.hv, d), 0, "pause");
	hv_domain_getinfo(c->vp.hv, d, &info);
	ok(info.flags & PRIVCMD_DOMINF_PAUSED, "paused");
	is_int(hv_domain_unpause(c->vp.hv, d), 0, "unpause");
	is_int(hv_domain_destroy(c->vp.hv, d), 0, "destroy a running guest");
	for (i = 0; i < 20000 && kill(pid, 0) == 0 && sandbox_pid(c) == pid; i++)
		nap();
	ok(sandbox_pid(c) != pid, "its process is gone");
}

/* SCHEDOP_shutdown(suspend) keeps the vCPU: its registers can be read for a
 * saved image, and resume makes the call return 1 in the same domain. */
static void test_suspend(struct ctx *c)
{
	struct privcmd_vcpu_regs regs;
	struct privcmd_dominfo info;
	struct build_pv b;
	uint32_t d;

	boot(c, c->hello, "suspend", 1024, &d, &b);
	is_int(wait_shutdown(c, d), 2, "the guest suspends (reason suspend)");
	hv_domain_getinfo(c->vp.hv, d, &info);
	ok(info.flags & PRIVCMD_DOMINF_SHUTDOWN, "shown as shut down");
	is_int(hv_getvcpucontext(c->vp.hv, d, 0, &regs), 0, "its vCPU context");
	ok(regs.rip > VMCTL_PV_FLAT_BASE && regs.rip < VMCTL_PV_FLAT_BASE + (1024 << 12),
	   "rip in the guest (%#llx)", (unsigned long long)regs.rip);
	is_int(regs.rax, 0, "rax 0: a restored copy sees the call return 0");
	is_int(hv_domain_resume(c->vp.hv, d), 0, "resume (cancel the suspend)");
	is_int(hv_domain_resume(c->vp.hv, d), -EINVAL, "not suspended any more");
	is_int(wait_shutdown(c, d), 0, "it runs on and powers off");
	ok(has_line(c, d, "suspend_returned: 1"), "the suspend call returned 1");
	hv_domain_destroy(c->vp.hv, d);
}

/* A guest that blocks shows as blocked ("b" in xl list) and uses no CPU
 * while it waits. */
static void test_idle(struct ctx *c)
{
	struct privcmd_dominfo info = { 0 };
	struct build_pv b;
	uint64_t t0;
	uint32_t d;
	int i;

	is_int(boot(c, c->hello, "idle", 1024, &d, &b), 0, "an idle guest starts");
	for (i = 0; i < 20000 && !(info.flags & PRIVCMD_DOMINF_BLOCKED); i++) {
		hv_domain_getinfo(c->vp.hv, d, &info);
		nap();
	}
	ok(info.flags & PRIVCMD_DOMINF_BLOCKED, "blocked (flags %#x)", info.flags);
	ok(!(info.flags & PRIVCMD_DOMINF_RUNNING), "not running");
	t0 = info.cpu_time_ns;
	for (i = 0; i < 200; i++)
		nap();
	hv_domain_getinfo(c->vp.hv, d, &info);
	ok(info.cpu_time_ns - t0 < 20000000ull, "no CPU burnt while blocked (%llu ns)",
	   (unsigned long long)(info.cpu_time_ns - t0));
	hv_domain_destroy(c->vp.hv, d);
}

static int bits_set(const uint64_t *bm, uint64_t nr)
{
	int n = 0;

	for (uint64_t i = 0; i < nr; i++)
		n += (bm[i / 64] >> (i % 64)) & 1;
	return n;
}

/* Dirty logging sees the guest's own writes: first everything, then just
 * the four pages it keeps writing. */
static void test_dirty(struct ctx *c)
{
	static uint64_t bm[1024 / 64];
	struct build_pv b;
	char *p;
	long pfn = -1;
	uint32_t d;
	int rc, i;

	boot(c, c->hello, "dirty", 1024, &d, &b);
	for (i = 0; i < 20000 && pfn < 0; i++) {
		char want[32];

		console_read(c);
		snprintf(want, sizeof(want), "(d%u) dirty_pfn: ", d);
		p = strstr(c->console, want);
		if (p)
			pfn = atol(p + strlen(want));
		else
			nap();
	}
	ok(pfn > 0, "the guest writes pages from frame %ld", pfn);
	is_int(hv_dirty_read(c->vp.hv, d, 0, 1024, bm), -EINVAL, "read before enable");
	rc = hv_dirty_enable(c->vp.hv, d);
	if (rc == -EOPNOTSUPP) {
		ok(1, "# SKIP the host kernel has no PAGEMAP_SCAN/WP_ASYNC");
		hv_domain_destroy(c->vp.hv, d);
		return;
	}
	is_int(rc, 0, "dirty logging enabled");
	is_int(hv_dirty_enable(c->vp.hv, d), -EBUSY, "enabled once");
	is_int(hv_dirty_read(c->vp.hv, d, 0, 1024, bm), 0, "first read");
	is_int(bits_set(bm, 1024), 1024, "reports every frame");
	for (i = 0; i < 5000; i++)
		nap();
	memset(bm, 0, sizeof(bm));
	is_int(hv_dirty_read(c->vp.hv, d, 0, 1024, bm), 0, "second read");
	ok(pfn > 0 && ((bm[pfn / 64] >> (pfn % 64)) & 1) &&
	   ((bm[(pfn + 3) / 64] >> ((pfn + 3) % 64)) & 1), "the written pages are dirty");
	ok(bits_set(bm, 1024) <= 8, "and little else (%d frames)", bits_set(bm, 1024));
	is_int(hv_dirty_read(c->vp.hv, d, 1000, 100, bm), -EINVAL, "a range past RAM");
	is_int(hv_dirty_disable(c->vp.hv, d), 0, "disable");
	is_int(hv_dirty_read(c->vp.hv, d, 0, 1024, bm), -EINVAL, "no reads when off");
	hv_domain_destroy(c->vp.hv, d);
}

static void test_build_errors(struct ctx *c)
{
	struct build_pv b;
	uint32_t d;

	is_int(boot(c, "/nonexistent/kernel", "", 1024, &d, &b), -ENOENT, "missing kernel");
	hv_domain_destroy(c->vp.hv, d);
	is_int(boot(c, "/proc/self/exe", "", 1024, &d, &b), -ENOEXEC, "a host program is refused");
	ok(b.error[0] != 0, "with a message: %s", b.error);
	hv_domain_destroy(c->vp.hv, d);
	is_int(boot(c, c->hello, "", 4, &d, &b), -ENOMEM, "16 KiB is too small");
	diag("%s", b.error);
	hv_domain_destroy(c->vp.hv, d);
}

int main(void)
{
	static struct ctx c;
	int rc;

	c.hello = strdup(vmhv_proc_build_path("tests/guests/hello"));
	rc = vmhv_proc_start(&c.vp, NULL);
	if (rc < 0) {
		printf("Bail out! vmhv did not start: %s\n", strerror(-rc));
		return 1;
	}
	test_hello(&c);
	test_reasons(&c);
	test_running(&c);
	test_dirty(&c);
	test_idle(&c);
	test_suspend(&c);
	test_build_errors(&c);
	is_int(vmhv_proc_stop(&c.vp), 0, "vmhv exits cleanly");
	return tap_done();
}
