/* Worker threads with a job queue and a completion eventfd. */
#include "xld/dev/io_pool.h"
#include "xld/xld.h"
#include "libvmctl/hv.h"
#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define POOL_MAX_WORKERS 8

struct worker {
	struct io_pool *pool;
	struct hv *hv;
	pthread_t thread;
	bool started;
};

struct io_pool {
	struct xld *xld;
	pthread_mutex_t lock;
	pthread_cond_t work, idle;
	struct io_job *queue, **queue_tail;   /* waiting to run */
	struct io_job *done, **done_tail;     /* ran, done() not called yet */
	unsigned busy;                        /* queued + running */
	bool stop;
	int efd;
	struct ev_watch *watch;
	void (*burst_done)(void *arg);
	void *arg;
	unsigned nworkers;
	struct worker workers[POOL_MAX_WORKERS];
};

static struct io_job *pop_job(struct io_pool *p)
{
	struct io_job *job;

	pthread_mutex_lock(&p->lock);
	while (!p->queue && !p->stop)
		pthread_cond_wait(&p->work, &p->lock);
	job = p->queue;
	if (job) {
		p->queue = job->next;
		if (!p->queue)
			p->queue_tail = &p->queue;
	}
	pthread_mutex_unlock(&p->lock);
	return job;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct io_pool *p = w->pool;
	struct io_job *job;
	uint64_t one = 1;

	while ((job = pop_job(p))) {
		/* A job without done() may be reused as soon as run() returns
		 * (it gave itself back): never touch it after that. */
		bool deliver = job->done != NULL;

		job->run(job, w->hv);
		pthread_mutex_lock(&p->lock);
		if (deliver) {
			job->next = NULL;
			*p->done_tail = job;
			p->done_tail = &job->next;
		}
		if (--p->busy == 0)
			pthread_cond_broadcast(&p->idle);
		pthread_mutex_unlock(&p->lock);
		if (deliver && write(p->efd, &one, sizeof(one)) < 0)
			log_warn("io pool: cannot signal a completion: %s", strerror(errno));
	}
	return NULL;
}

/* On the main loop: call done() for everything that finished. */
static void deliver(struct io_pool *p)
{
	struct io_job *list, *next;

	pthread_mutex_lock(&p->lock);
	list = p->done;
	p->done = NULL;
	p->done_tail = &p->done;
	pthread_mutex_unlock(&p->lock);
	if (!list)
		return;
	for (; list; list = next) {
		next = list->next;
		list->done(list);
	}
	if (p->burst_done)
		p->burst_done(p->arg);
}

static void on_efd(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("io pool: eventfd: %s", strerror(errno));
	deliver(arg);
}

static int start_workers(struct io_pool *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &p->workers[i];
		int rc;

		w->pool = p;
		rc = hv_open(p->xld->opt.rundir, &w->hv);
		if (rc < 0)
			return rc;
		p->nworkers = i + 1;
		rc = -pthread_create(&w->thread, NULL, worker_main, w);
		if (rc < 0)
			return rc;
		w->started = true;
	}
	return 0;
}

struct io_pool *io_pool_new(struct xld *xld, unsigned workers,
			    void (*burst_done)(void *arg), void *arg)
{
	struct io_pool *p = calloc(1, sizeof(*p));
	int rc = -ENOMEM;

	if (!p)
		goto out;
	p->xld = xld;
	p->burst_done = burst_done;
	p->arg = arg;
	p->queue_tail = &p->queue;
	p->done_tail = &p->done;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd < 0) {
		rc = -errno;
		goto out;
	}
	p->watch = evloop_watch(xld->loop, p->efd, EPOLLIN, on_efd, p);
	if (!p->watch)
		goto out;
	rc = start_workers(p, workers < POOL_MAX_WORKERS ? workers : POOL_MAX_WORKERS);
out:
	if (rc < 0) {
		io_pool_free(p);
		errno = -rc;
		return NULL;
	}
	return p;
}

void io_pool_submit(struct io_pool *p, struct io_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&p->lock);
	*p->queue_tail = job;
	p->queue_tail = &job->next;
	p->busy++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

void io_pool_drain(struct io_pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->busy)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
	deliver(p);
}

void io_pool_free(struct io_pool *p)
{
	if (!p)
		return;
	if (p->nworkers)
		io_pool_drain(p);
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nworkers; i++) {
		if (p->workers[i].started)
			pthread_join(p->workers[i].thread, NULL);
		hv_close(p->workers[i].hv);
	}
	if (p->watch)
		evloop_unwatch(p->xld->loop, p->watch);
	if (p->efd > 0)
		close(p->efd);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
