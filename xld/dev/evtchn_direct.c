#include "xld/dev/evtchn_direct.h"

#include "libvmctl/hv.h"
#include "xld/dev/gmem.h"

#include <errno.h>
#include <linux/futex.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/shared_info.h>

#define PAGE 4096u

void evtchn_direct_init(struct evtchn_direct *e, const struct gmem *mem, struct hv *hv,
			uint32_t port)
{
	const char *env = getenv("VMCTL_EVTCHN_DIRECT");

	*e = (struct evtchn_direct){ .mem = mem, .hv = hv, .port = port };
	e->off = env && strcmp(env, "0") == 0;
}

/* Is [addr, addr + len) inside the mapping, `align`-aligned? */
static bool in_mem(const struct evtchn_direct *e, uint64_t addr, uint64_t len, uint64_t align)
{
	uint64_t size = e->mem->nr_frames * PAGE;

	return e->mem->base && addr % align == 0 && addr <= size && len <= size - addr;
}

static void *at(const struct evtchn_direct *e, uint64_t addr)
{
	return e->mem->base + addr;
}

static uint32_t gen_now(const struct evtchn_direct *e)
{
	return __atomic_load_n((uint32_t *)at(e, e->info.gen_word), __ATOMIC_SEQ_CST);
}

/* Ask vmhv where the bits are (again: the generation moved). */
static void refresh(struct evtchn_direct *e)
{
	struct privcmd_evtchn_direct *i = &e->info;
	int rc = hv_evtchn_direct(e->hv, e->port, i);

	e->valid = false;
	if (rc == -EOPNOTSUPP)
		e->off = true;  /* an hvm domain stays one */
	if (rc < 0)
		return;
	e->valid = i->port > 0 && i->port < 8 * sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) &&
		   in_mem(e, i->shared_info, sizeof(struct shared_info), 8) &&
		   in_mem(e, i->vcpu_info, sizeof(struct vcpu_info), 8) &&
		   in_mem(e, i->sleeping, 4, 4) && in_mem(e, i->wake, 4, 4) &&
		   in_mem(e, i->gen_word, 4, 4);
}

static bool bit_test_and_set(xen_ulong_t *words, uint32_t bit)
{
	xen_ulong_t m = 1ul << (bit % 64);

	return __atomic_fetch_or(&words[bit / 64], m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test(xen_ulong_t *words, uint32_t bit)
{
	return __atomic_load_n(&words[bit / 64], __ATOMIC_SEQ_CST) & (1ul << (bit % 64));
}

/* Xen's 2-level set_pending, then the wake: none if the vCPU halt-polls
 * in SCHEDOP_block (it looks at upcall_pending while it says so, and
 * after it stops saying so), a futex wake if it sleeps there (it looks
 * after it says so, and before it runs guest code again), else vmhv's
 * kick. 0 if the vCPU halt-polls, else 1. */
static int raise(struct evtchn_direct *e)
{
	struct shared_info *sh = at(e, e->info.shared_info);
	struct vcpu_info *vi = at(e, e->info.vcpu_info);
	uint32_t port = e->info.port, *wake = at(e, e->info.wake), sleeping;
	int rc;

	if (bit_test_and_set(sh->evtchn_pending, port) ||
	    bit_test_and_set(&vi->evtchn_pending_sel, port / 64)) {
		e->quiet++;
		return 1;       /* its wake-up, if any, is on its way */
	}
	__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	sleeping = __atomic_load_n((uint32_t *)at(e, e->info.sleeping), __ATOMIC_SEQ_CST);
	if (sleeping == PRIVCMD_DIRECT_SLEEP_POLL) {
		e->polled++;
		return 0;
	}
	if (sleeping != PRIVCMD_DIRECT_SLEEP_BLOCK) {
		e->kicks++;
		rc = hv_evtchn_kick(e->hv, e->port);
		return rc < 0 ? rc : 1;
	}
	__atomic_fetch_add(wake, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, wake, FUTEX_WAKE, 1, NULL, NULL, 0);
	e->woken++;
	return 1;
}

int evtchn_direct_send(struct evtchn_direct *e)
{
	int rc;

	if (!e->off && (!e->valid || gen_now(e) != e->info.gen))
		refresh(e);
	/* A masked port: vmhv also wakes a vCPU polling it (SCHEDOP_poll). */
	if (e->off || !e->valid ||
	    bit_test(((struct shared_info *)at(e, e->info.shared_info))->evtchn_mask, e->info.port)) {
		e->notifies++;
		rc = hv_evtchn_notify(e->hv, e->port);
		return rc < 0 ? rc : 1;
	}
	return raise(e);
}
