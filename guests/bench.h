/* Benchmarks run inside the guest.  Each prints one line
 *   bench<TAB>figure<TAB>value<TAB>unit
 * which the host side (make bench) puts next to its native reference. */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include <stdint.h>

struct kernel;
struct blkfront;

/* A fixed integer loop; prints iterations per second. */
void bench_cpu(struct kernel *k);

/* Sequential write then read of `mib` MiB at the start of the disk. */
int bench_blk(struct kernel *k, struct blkfront *b, unsigned int mib);

/* A null hypercall round trip (xen_version), the guest's syscall cost. */
void bench_hypercall(struct kernel *k);

#endif
