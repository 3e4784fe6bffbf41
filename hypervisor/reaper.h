/* Reaping killed child processes without waiting for them: vmhv hands over
 * a pidfd of a process it has killed; the reaper collects its exit status
 * when the kernel is done (freeing a big guest takes milliseconds) and
 * closes the pidfd. At exit vmhv waits for whatever is left. */
#ifndef VMHV_REAPER_H
#define VMHV_REAPER_H

struct vmhv;

/* Take over `pidfd` (its process already killed). */
void reaper_add(struct vmhv *hv, int pidfd);

/* Wait for and release every pending process (vmhv shutting down). */
void reaper_drain(struct vmhv *hv);

#endif
