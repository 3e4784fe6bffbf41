/* Live migration between two xlds (docs/migration.md): the handshake of
 * include/vmctl/migrate.h around the domain stream that xld/save.h writes
 * and xld/restore.h reads.
 *
 * Everything here runs on xld's main loop; the blocking parts (the stream,
 * the TCP connect) run in worker threads and come back to it. A migration
 * connection carries the handshake and the stream; it is a TCP socket (the
 * --migrate-listen port) or a JSON-RPC connection taken over for it
 * (`xl migrate-receive`, `xl migrate -s`, which relay an ssh session).
 */
#ifndef VMCTL_XLD_MIGRATE_H
#define VMCTL_XLD_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

struct xld;
struct xld_domain;
struct migrate_listener;
struct migrate_out;
struct migrate_in;

/* ---- the listener (migrate_listen.c) --------------------------------- */

/* Parse "[ADDR:]PORT" (ADDR an IPv4 or [IPv6] address or a host name;
 * default all addresses), listen there, and receive every migration that
 * connects. The address actually bound (useful with port 0) is written to
 * $rundir/migrate-listen. NULL with a message logged and on stderr. */
struct migrate_listener *migrate_listen_start(struct xld *xld, const char *spec);
void migrate_listen_stop(struct migrate_listener *l);

/* The connected TCP socket `fd` leads to this listener (`xl migrate d
 * localhost`): its peer is the listener's address and port, or, for a
 * listener on every address, a local address and its port. */
bool migrate_listen_is_self(const struct migrate_listener *l, int fd);

/* ---- the receiving side (migrate_recv.c) ----------------------------- */

/* Receive one migration on `fd` (taken: closed when done). `peer` names the
 * other side for the log. Returns 0 or -errno (fd closed then too). */
int migrate_in_start(struct xld *xld, int fd, const char *peer);

/* At start-up: destroy domains that a receiver was building when xld died
 * (their journal files are in $statedir/migrate-in/) and that no state file
 * claims. Returns how many. */
int migrate_in_recover(struct xld *xld);

/* ---- the sending side (migrate_send.c) ------------------------------- */

struct migrate_result {
	uint64_t bytes;           /* stream bytes sent */
	uint64_t pages;           /* page entries sent, all rounds */
	uint64_t memory_bytes;    /* the guest's memory */
	uint32_t rounds;          /* live rounds */
	uint32_t target_domid;
	uint64_t downtime_ns;     /* suspend request .. the target said RUNNING */
	uint64_t total_ns;        /* start .. RUNNING */
};

struct migrate_out_opts {
	const char *host;         /* connect to host:port ... */
	unsigned port;            /* (0 = MIGRATE_PORT) */
	int fd;                   /* ... or use this connection (-1: connect) */
	bool live;                /* pre-copy rounds (else suspend first) */
	bool paused;              /* leave it paused on the target */
	unsigned max_rounds;      /* 0 = default */
	/* Once, on the main loop: rc 0 and *res, or -errno, an rpc code and a
	 * message. The domain has then been destroyed (rc 0), resumed, or (see
	 * include/vmctl/migrate.h) left suspended. */
	void (*done)(void *arg, int rc, int code, const char *msg,
		     const struct migrate_result *res);
	void *arg;
};

/* Start migrating `dom`. 0 (done will be called) or -errno with *msg set
 * to a static reason (done not called; opts->fd is not closed then). */
int migrate_out_start(struct xld *xld, struct xld_domain *dom,
		      const struct migrate_out_opts *opts, const char **msg);

/* ---- connections (migrate_net.c) ------------------------------------ */

/* Timeouts on a migration connection: a peer silent for `secs` (nothing
 * read, or written data not acknowledged) ends the migration. */
int migrate_sock_timeouts(int fd, unsigned secs);

/* The seconds above: xld's --migrate-timeout (default 30). */
unsigned migrate_timeout(const struct xld *xld);

#endif
