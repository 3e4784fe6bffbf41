/* The thread under a save or a restore: it does the stream I/O and the
 * privcmd calls on its own connection, and hands the steps that touch
 * xld's state (xenstore, the domain table, backends) to the main loop
 * with save_worker_call(), waiting for their result. xld's main loop
 * never blocks on the stream.
 *
 * Lifecycle: save_worker_start() runs `body` in a new thread; when it
 * returns, the main loop joins the thread and calls `finish`. `tick`
 * runs on the main loop every SAVE_WORKER_TICK_MS while the thread lives
 * (progress reports). The owner frees the worker in `finish`.
 */
#ifndef VMCTL_XLD_SAVE_WORKER_H
#define VMCTL_XLD_SAVE_WORKER_H

#include <pthread.h>
#include <stdbool.h>

struct xld;
struct ev_watch;
struct ev_timer;

#define SAVE_WORKER_TICK_MS 250

struct save_worker {
	struct xld *xld;
	void (*body)(struct save_worker *w);    /* worker thread */
	void (*finish)(struct save_worker *w);  /* main loop, after the join */
	void (*tick)(struct save_worker *w);    /* main loop, periodic; may be NULL */
	void *owner;
	/* private */
	pthread_t thread;
	int efd;                  /* eventfd: the worker wakes the main loop */
	struct ev_watch *watch;
	struct ev_timer *timer;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int (*call_fn)(void *arg);
	void *call_arg;
	int call_rc;
	bool call_pending, call_done, exited;
};

/* 0 or -errno (nothing started, finish will not run). */
int save_worker_start(struct save_worker *w, struct xld *xld);

/* From the worker thread: run fn(arg) on the main loop and return its
 * result. */
int save_worker_call(struct save_worker *w, int (*fn)(void *arg), void *arg);

#endif
