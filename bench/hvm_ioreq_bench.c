/* The hvm engine's hot path to a device model: the test guest reads a port
 * that a device model (tests/hvm/dm.c) claims, 20 000 times; the time per
 * ioreq round trip (vCPU posts, device model wakes and answers, vCPU wakes)
 * is measured at the device model between its 100th and last answer.
 * Reference, same run: a futex ping-pong between two processes, which is
 * what one round trip costs at best with both sides sleeping. Unpinned:
 * the guest's vCPU thread, vmhv and the device model run where the host
 * puts them (2 vCPUs shared with everything else). */
#include "libvmctl/build_hvm.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "tests/hvm/dm.h"

#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 20000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void futex_call(atomic_int *w, int op, int val)
{
	syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* Two processes pass a token through a shared word: the round trip, us. */
static double futex_round_trip_us(void)
{
	atomic_int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t t0;
	pid_t pid;

	if (w == MAP_FAILED)
		return -1;
	atomic_store(w, 0);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < ROUNDS; i++) {
			while (atomic_load(w) != 1)
				futex_call(w, FUTEX_WAIT, 0);
			atomic_store(w, 0);
			futex_call(w, FUTEX_WAKE, 1);
		}
		_exit(0);
	}
	t0 = now_ns();
	for (int i = 0; i < ROUNDS; i++) {
		atomic_store(w, 1);
		futex_call(w, FUTEX_WAKE, 1);
		while (atomic_load(w) != 0)
			futex_call(w, FUTEX_WAIT, 1);
	}
	t0 = now_ns() - t0;
	waitpid(pid, NULL, 0);
	munmap(w, 4096);
	return (double)t0 / ROUNDS / 1000.0;
}

static double ioreq_round_trip_us(struct hv *hv)
{
	struct build_hvm b = { .kernel = vmhv_proc_build_path("tests/hvm/guest/hvmguest"),
			       .cmdline = "ioreqbench" };
	struct privcmd_dominfo info = { 0 };
	uint8_t handle[16] = { 0 };
	struct dm dm;
	uint32_t domid;
	double us = -1;

	if (hv_domain_create(hv, handle, PRIVCMD_CREATE_HVM, 1, 4096, &domid) < 0)
		return -1;
	b.domid = domid;
	if (dm_start(&dm, hv, domid) == 0 && build_hvm(hv, &b) == 0 && dm_run(&dm) == 0 &&
	    hv_domain_unpause(hv, domid) == 0) {
		for (int i = 0; i < 12000 && !(info.flags & PRIVCMD_DOMINF_SHUTDOWN); i++) {
			usleep(5000);
			hv_domain_getinfo(hv, domid, &info);
		}
	}
	dm_stop(&dm);
	if (atomic_load(&dm.served) > 1000)
		us = (double)(dm.t_last - dm.t_mark) / (double)(atomic_load(&dm.served) - 100) / 1000.0;
	fprintf(stderr, "hvm_ioreq_bench: %lu requests served\n", (unsigned long)atomic_load(&dm.served));
	hv_domain_destroy(hv, domid);
	return us;
}

int main(void)
{
	struct vmhv_proc vp;
	double ref, v;

	if (vmhv_proc_start(&vp, NULL) < 0) {
		fprintf(stderr, "hvm_ioreq_bench: cannot start vmhv\n");
		return 1;
	}
	ref = futex_round_trip_us();
	v = ioreq_round_trip_us(vp.hv);
	vmhv_proc_stop(&vp);
	printf("row\thvm: port IN served by a device model (ioreq round trip, unpinned)\t%.2f\tus\t"
	       "futex ping-pong, 2 processes (unpinned)\t%.2f\n", v, ref);
	return v < 0;
}
