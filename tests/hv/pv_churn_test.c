/* 100 pv domains created, booted, run to their end and destroyed against
 * one vmhv: afterwards vmhv holds no more fds, no more memory mappings and
 * no child processes than before, and domids keep counting up. */
#include "libvmctl/build_pv.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "tests/tap.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 100

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return d ? n - 2 : -1;
}

/* vmhv's mappings of files: the domains' memfds (hypervisor/memory.c) and
 * whatever else it maps from a file. Anonymous mappings are left out: the
 * allocator's arenas are, and under ASan they grow for a long while (its
 * quarantine keeps freed blocks out of reuse, so 100 domains' worth of
 * requests map new regions without any leak). A leaked domain would leave
 * its memfd mapped: that is what this counts. */
static int count_file_maps(const char *path, int show)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char name[300] = "";

		/* address perms offset dev inode [name] */
		if (sscanf(line, "%*s %*s %*s %*s %*s %299[^\n]", name) != 1 || name[0] == '[')
			continue;
		n++;
		if (show)
			diag("mapping %s", name);
	}
	if (f)
		fclose(f);
	return f ? n : -1;
}

/* vmhv's children that are still there (running or zombie). */
static int count_children(pid_t parent)
{
	char path[300], buf[512];
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		FILE *f;
		int ppid;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && strrchr(buf, ')') &&
		    sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid) == 1 && ppid == parent)
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

/* Say what vmhv's descriptors are, to find a leak. */
static void fds_show(const char *dir)
{
	char path[512], target[256];
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			diag("fd %s -> %s", de->d_name, target);
		}
	}
	if (d)
		closedir(d);
}

/* Wait (bounded) until vmhv has no child left; how many are. */
static int settle_children(pid_t parent)
{
	int kids = count_children(parent);

	for (int i = 0; i < 5000 && kids > 0; i++) {
		struct timespec ts = { 0, 1000 * 1000 };

		nanosleep(&ts, NULL);
		kids = count_children(parent);
	}
	return kids;
}

/* vmhv closes a reaped sandbox's pidfd just after the child disappears:
 * read the count once it has held still for a few reads. */
static int stable_fds(const char *dir)
{
	int last = count_entries(dir), same = 0;

	for (int i = 0; i < 5000 && same < 5; i++) {
		struct timespec ts = { 0, 1000 * 1000 };
		int now;

		nanosleep(&ts, NULL);
		now = count_entries(dir);
		same = now == last ? same + 1 : 0;
		last = now;
	}
	return last;
}

static int run_one(struct hv *h, const char *kernel, uint32_t *domid)
{
	struct build_pv b = { .kernel = kernel, .cmdline = "" };
	struct privcmd_dominfo info;
	struct timespec ts = { 0, 1000 * 1000 };
	int rc = hv_domain_create(h, NULL, 0, 1, 1024, domid);

	b.domid = *domid;
	if (rc == 0)
		rc = build_pv(h, &b);
	if (rc == 0)
		rc = hv_domain_unpause(h, *domid);
	for (int i = 0; rc == 0 && i < 20000; i++) {
		rc = hv_domain_getinfo(h, *domid, &info);
		if (rc == 0 && (info.flags & PRIVCMD_DOMINF_SHUTDOWN))
			break;
		nanosleep(&ts, NULL);
	}
	if (rc == 0 && !(info.flags & PRIVCMD_DOMINF_SHUTDOWN))
		rc = -ETIMEDOUT;
	if (rc == 0 && info.shutdown_reason != 0)
		rc = -EIO;
	hv_domain_destroy(h, *domid);
	return rc;
}

int main(void)
{
	const char *hello = strdup(vmhv_proc_build_path("tests/guests/hello"));
	char fds[64], maps[64];
	struct vmhv_proc vp;
	int fd0, maps0, fails = 0, i;
	uint32_t domid = 0, first = 0;

	if (vmhv_proc_start(&vp, NULL) < 0) {
		printf("Bail out! vmhv did not start\n");
		return 1;
	}
	snprintf(fds, sizeof(fds), "/proc/%d/fd", (int)vp.pid);
	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)vp.pid);
	/* Warm up once so lazily made things (logs, caches) exist already, and
	 * let the kernel reap that sandbox before counting. */
	run_one(vp.hv, hello, &first);
	settle_children(vp.pid);
	fd0 = stable_fds(fds);
	maps0 = count_file_maps(maps, 0);
	for (i = 0; i < ROUNDS; i++)
		fails += run_one(vp.hv, hello, &domid) < 0;
	is_int(fails, 0, "%d domains booted, powered off and were destroyed", ROUNDS);
	is_int(domid, first + ROUNDS, "domids count up");
	/* The kernel reaps the last sandboxes asynchronously. */
	is_int(settle_children(vp.pid), 0, "no sandbox process left");
	i = stable_fds(fds);
	is_int(i, fd0, "vmhv holds as many fds as before");
	if (i != fd0)
		fds_show(fds);
	i = count_file_maps(maps, 0);
	is_int(i, maps0, "and as many mappings of files (guest memory)");
	if (i != maps0)
		count_file_maps(maps, 1);
	is_int(vmhv_proc_stop(&vp), 0, "vmhv exits cleanly");
	free((char *)hello);
	return tap_done();
}
