#include "hypervisor/pvclock.h"

#include "hypervisor/domain.h"
#include "hypervisor/vcpu.h"
#include "common/util.h"

#include <time.h>
#include <vmctl/xen/xen.h>

#define PVCLOCK_TSC_STABLE 1
#define CALIBRATE_NS 5000000ull

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* A (tsc, ns) pair read as close together as the host allows. */
static void sample(uint64_t *tsc, uint64_t *ns)
{
	uint64_t t0 = rdtsc();

	*ns = now_ns();
	*tsc = t0 + (rdtsc() - t0) / 2;
}

void pvclock_init(struct pvclock *pc)
{
	uint64_t tsc, ns;

	sample(&pc->tsc0, &pc->ns0);
	do
		sample(&tsc, &ns);
	while (ns - pc->ns0 < CALIBRATE_NS);
	pc->tsc_hz = (uint64_t)((unsigned __int128)(tsc - pc->tsc0) * 1000000000u / (ns - pc->ns0));
}

void pvclock_scale(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	unsigned __int128 m = ((unsigned __int128)1000000000u << 32) / (hz ? hz : 1);
	int s = 0;

	while (m >= ((unsigned __int128)1 << 32)) {
		m >>= 1;
		s++;
	}
	while (m && m < (1ull << 31)) {
		m <<= 1;
		s--;
	}
	*mul = (uint32_t)m;
	*shift = (int8_t)s;
}

static void time_info_write(struct vcpu_time_info *t, uint64_t tsc, uint64_t ns,
			    uint32_t mul, int8_t shift)
{
	uint32_t ver = t->version;

	__atomic_store_n(&t->version, (ver | 1) + 0, __ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc;
	t->system_time = ns;
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = PVCLOCK_TSC_STABLE;
	__atomic_store_n(&t->version, (ver | 1) + 1, __ATOMIC_SEQ_CST);
}

static void wallclock_write(struct shared_info *sh, uint64_t ns, int64_t offset_s)
{
	struct timespec rt;
	uint64_t boot_ns, ver = sh->wc_version;

	clock_gettime(CLOCK_REALTIME, &rt);
	boot_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec - ns +
		  (uint64_t)(offset_s * 1000000000ll);
	__atomic_store_n(&sh->wc_version, (uint32_t)((ver | 1)), __ATOMIC_SEQ_CST);
	sh->wc_sec = (uint32_t)(boot_ns / 1000000000ull);
	sh->wc_sec_hi = (uint32_t)((boot_ns / 1000000000ull) >> 32);
	sh->wc_nsec = (uint32_t)(boot_ns % 1000000000ull);
	__atomic_store_n(&sh->wc_version, (uint32_t)((ver | 1) + 1), __ATOMIC_SEQ_CST);
}

void pvclock_update(struct pvclock *pc, struct domain *d)
{
	struct shared_info *sh = memory_phys(&d->mem, memory_shared_info_pfn(&d->mem) << 12,
					     sizeof(*sh));
	uint64_t tsc, ns;
	uint32_t mul;
	int8_t shift;

	sample(&tsc, &ns);
	if (ns - pc->ns0 > CALIBRATE_NS)
		pc->tsc_hz = (uint64_t)((unsigned __int128)(tsc - pc->tsc0) * 1000000000u /
					(ns - pc->ns0));
	pvclock_scale(pc->tsc_hz, &mul, &shift);
	for (uint32_t i = 0; i < d->max_vcpus; i++)
		time_info_write(&vcpu_info_of(&d->vcpus[i])->time, tsc, ns, mul, shift);
	wallclock_write(sh, ns, d->time_offset_s);
}
