/* The engine interface: what runs a domain's vCPUs.
 *
 * The domain core (domain.c) decides *when* things happen (pause count,
 * shutdown, destroy); an engine only carries them out for its kind of vCPU.
 * One const ops table per engine, chosen at domain creation.
 */
#ifndef VMHV_ENGINE_H
#define VMHV_ENGINE_H

#include <stddef.h>
#include <stdint.h>

struct domain;

struct engine_ops {
	const char *name;
	/* First unpause: start the vCPUs from the context set by the builder. */
	int (*start)(struct domain *d);
	/* Stop / resume every vCPU (pause count went 0->1 / 1->0). */
	void (*pause)(struct domain *d);
	void (*unpause)(struct domain *d);
	/* The domain shut down or is destroyed: stop running it for good and
	 * release what the engine holds (processes, fds). Idempotent. */
	void (*stop)(struct domain *d);
	/* Answer vCPU `vcpu`'s outstanding (blocked) hypercall with `ret`. */
	void (*reply)(struct domain *d, uint32_t vcpu, int64_t ret);
	/* An event became deliverable for a running vCPU: interrupt it so it
	 * takes the upcall (nothing to do if it is inside a hypercall). */
	void (*kick)(struct domain *d, uint32_t vcpu);
	/* CPU time used so far by all vCPUs, in ns. */
	unsigned long long (*cpu_time)(struct domain *d);
	/* Dirty-page logging of guest RAM (privcmd DIRTY_*): 0 or -errno.
	 * read ORs and clears the bits of frames [first, first+nr). */
	int (*dirty_enable)(struct domain *d);
	int (*dirty_read)(struct domain *d, uint64_t first, uint64_t nr, uint64_t *bitmap);
	void (*dirty_disable)(struct domain *d);
	/* vmhv itself wrote guest RAM [paddr, paddr+len) (grant copies,
	 * hypercall results): logging cannot see those writes. */
	void (*dirty_mark)(struct domain *d, uint64_t paddr, uint64_t len);
	/* vmhv's pointer to guest virtual range [va, va+len), or NULL if any
	 * of it is not the domain's memory. */
	void *(*guest_ptr)(struct domain *d, uint64_t va, size_t len);
};

extern const struct engine_ops pv_engine_ops;

#endif
