/* The save/restore worker thread and its rendezvous with the main loop. */
#include "xld/save_worker.h"
#include "xld/xld.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static void wake_main(struct save_worker *w)
{
	uint64_t one = 1;

	while (write(w->efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

static void *thread_main(void *arg)
{
	struct save_worker *w = arg;

	w->body(w);
	pthread_mutex_lock(&w->mu);
	w->exited = true;
	pthread_mutex_unlock(&w->mu);
	wake_main(w);
	return NULL;
}

static void on_tick(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct save_worker *w = arg;

	(void)loop;
	(void)t;
	if (w->tick)
		w->tick(w);
}

static void serve_call(struct save_worker *w)
{
	int (*fn)(void *) = NULL;
	void *arg = NULL;

	pthread_mutex_lock(&w->mu);
	if (w->call_pending && !w->call_done) {
		fn = w->call_fn;
		arg = w->call_arg;
	}
	pthread_mutex_unlock(&w->mu);
	if (!fn)
		return;
	int rc = fn(arg);	/* on the main loop, unlocked */
	pthread_mutex_lock(&w->mu);
	w->call_rc = rc;
	w->call_done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void on_wake(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct save_worker *w = arg;
	uint64_t n;
	bool exited;

	(void)events;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	serve_call(w);
	pthread_mutex_lock(&w->mu);
	exited = w->exited;
	pthread_mutex_unlock(&w->mu);
	if (!exited)
		return;
	pthread_join(w->thread, NULL);
	evloop_unwatch(loop, w->watch);
	if (w->timer)
		evloop_timer_cancel(loop, w->timer);
	close(w->efd);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	w->finish(w);	/* may free w */
}

int save_worker_start(struct save_worker *w, struct xld *xld)
{
	uint64_t tick = (uint64_t)SAVE_WORKER_TICK_MS * 1000000u;
	int rc;

	w->xld = xld;
	w->call_pending = w->call_done = w->exited = false;
	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0)
		return -errno;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->watch = evloop_watch(xld->loop, w->efd, EPOLLIN, on_wake, w);
	w->timer = w->tick ? evloop_timer(xld->loop, tick, tick, on_tick, w) : NULL;
	rc = !w->watch || (w->tick && !w->timer) ? -ENOMEM
		: -pthread_create(&w->thread, NULL, thread_main, w);
	if (rc < 0) {
		if (w->watch)
			evloop_unwatch(xld->loop, w->watch);
		if (w->timer)
			evloop_timer_cancel(xld->loop, w->timer);
		close(w->efd);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	return rc;
}

int save_worker_call(struct save_worker *w, int (*fn)(void *arg), void *arg)
{
	int rc;

	pthread_mutex_lock(&w->mu);
	w->call_fn = fn;
	w->call_arg = arg;
	w->call_pending = true;
	w->call_done = false;
	pthread_mutex_unlock(&w->mu);
	wake_main(w);
	pthread_mutex_lock(&w->mu);
	while (!w->call_done)
		pthread_cond_wait(&w->cv, &w->mu);
	rc = w->call_rc;
	w->call_pending = false;
	pthread_mutex_unlock(&w->mu);
	return rc;
}
