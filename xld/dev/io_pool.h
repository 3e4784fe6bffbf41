/* A small pool of worker threads for a backend's blocking work (disk I/O
 * and the privcmd grant calls around it), so that xld's main loop never
 * waits for a disk. Each worker has its own privcmd connection (a
 * connection serves one thread at a time): a job's grant maps are made and
 * released by the worker that runs it.
 *
 * A job's run() runs on a worker; its done() runs later on the main loop,
 * in completion order; after each burst of done() calls, the pool's
 * burst_done(arg) (may be NULL) runs once. A job whose done is NULL is
 * finished when run() returns: the pool does not touch it afterwards, so
 * run() may hand it back for reuse (blkback answers on the worker). */
#ifndef VMCTL_XLD_DEV_IO_POOL_H
#define VMCTL_XLD_DEV_IO_POOL_H

struct xld;
struct hv;
struct io_pool;

struct io_job {
	void (*run)(struct io_job *job, struct hv *hv);   /* on a worker */
	void (*done)(struct io_job *job);                 /* on the main loop, or NULL */
	struct io_job *next;
};

/* Start `workers` threads; NULL on failure (errno set), nothing left. */
struct io_pool *io_pool_new(struct xld *xld, unsigned workers,
			    void (*burst_done)(void *arg), void *arg);
void io_pool_submit(struct io_pool *p, struct io_job *job);
/* Wait until every submitted job has run and deliver their done() calls. */
void io_pool_drain(struct io_pool *p);
/* Drain, stop the workers, close their connections, free (NULL is ok). */
void io_pool_free(struct io_pool *p);

#endif
