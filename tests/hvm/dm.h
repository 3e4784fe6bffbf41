/* A tiny device model for the hvm tests and benchmarks: one ioreq server
 * claiming a few ports, an MMIO page and PCI device 00:03.0, served by a
 * thread exactly as vmctl/ioreq.h describes (eventfd, slot states, futex
 * wake on the state word). What it answers:
 *   port 0x500 (4 bytes)  IN: 0x12345678
 *   port 0x504            a 32-bit register (OUT stores, IN loads)
 *   port 0x508            OUT (rep outsb): counts bytes and sums them;
 *                         IN: count + sum
 *   port 0x50a (2 bytes)  IN: 0x4242
 *   MMIO 0xe0000000-0xe0000fff: 4 KiB of registers
 *   PCI 00:03.0 register 0: 0xabcd1234
 *   port 0x50e            OUT: claims ports 0x520-0x523 before answering
 *                         (as a device model does when the guest enables a
 *                         BAR); IN 0x520 then answers 0x77. The serving
 *                         thread makes privcmd calls: nobody else may use
 *                         dm->hv meanwhile.
 *   port 0x50c            a hostile answer: the slot is left in state 0xf
 *                         and data garbage (the vCPU must read all ones) */
#ifndef VMCTL_TESTS_HVM_DM_H
#define VMCTL_TESTS_HVM_DM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct hv;
struct shared_iopage;

struct dm {
	struct hv *hv;
	uint32_t domid;
	uint32_t id;
	int memfd, evfd;          /* the server's pages, vCPU 0's eventfd */
	void *pages;
	struct shared_iopage *page;
	uint8_t *ram;             /* the guest's RAM (FOREIGN_MAP) */
	uint64_t ram_size;
	int ramfd;
	pthread_t thread;
	atomic_bool stop;
	uint32_t reg504, count508, sum508;
	atomic_uint hostile;      /* answers spoiled on purpose (port 0x50c) */
	uint32_t mmio[1024];
	atomic_ulong served;      /* requests answered */
	uint64_t t_mark, t_last;  /* CLOCK_MONOTONIC ns at the 100th and the last answer */
};

/* Create and set up the server (before the domain runs). 0 or -errno. */
int dm_start(struct dm *dm, struct hv *hv, uint32_t domid);
/* Map the guest's RAM (after the builder ran) and start serving. */
int dm_run(struct dm *dm);
void dm_stop(struct dm *dm);

#endif
