/* Restoring a domain from a stream (include/vmctl/stream.h) on a file
 * descriptor: `xl restore` (a file) and the receiving half of migration (a
 * socket). Same chain for both:
 *
 *   worker: header, DOMAIN, CONFIG  -> main: name free? (else fail early)
 *   worker: DOMAIN_CREATE (paused), PAGES* into the new memory, PV_INFO,
 *           VCPU, END: start_info fixed up (new xenstore and console event
 *           channels), grant refs 0/1 seeded, vCPU 0 set
 *   main:   xld's create steps from the stream's config, without the
 *           builder: xenstore nodes, the table entry, the rings, devices,
 *           unpause (unless paused)
 *
 * The stream is read to its END record and every record's checksum is
 * checked before the domain is handed to the create steps; any failure
 * (corrupt or truncated stream, no memory, a name in use) destroys what
 * was made: no domain, no xenstore node, no state file is left.
 */
#ifndef VMCTL_XLD_RESTORE_H
#define VMCTL_XLD_RESTORE_H

#include <stdbool.h>
#include <stdint.h>

struct xld;
struct save_progress;
struct restore_op;

struct restore_opts {
	bool paused;              /* xl restore -p: leave it paused */
	uint64_t total_hint;      /* for progress: stream bytes (file size), 0 = unknown */
	/* On xld's main loop. done: once; rc 0 (domid valid) or -errno with
	 * msg; the caller owns `fd` again. code is an rpc_code for the answer. */
	void (*progress)(void *arg, const struct save_progress *p);
	void (*done)(void *arg, int rc, int code, const char *msg, uint32_t domid);
	void *arg;
};

/* Start restoring from `fd`. 0 (done will be called) or -errno. */
int restore_domain_from_fd(struct xld *xld, int fd, const struct restore_opts *opts,
			   struct restore_op **out);

/* Stop at the next record (done comes with -ECANCELED, nothing is left
 * behind). A worker blocked in read() on a silent socket wakes only when
 * the caller also shutdown()s the socket (then: a truncated stream). */
void restore_abort(struct restore_op *op);

#endif
