/* epoll-based event loop. Timers are kept in a sorted list: daemons here hold
 * a few dozen timers at most, so a heap would buy nothing. */
#include "common/evloop.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

struct ev_watch {
	int fd;
	bool dead;
	ev_fd_cb cb;
	void *arg;
	struct ev_watch *prev, *next;    /* the live list, so evloop_free frees all */
	struct ev_watch *next_dead;
};

struct ev_timer {
	uint64_t due_ns, period_ns;
	bool dead;
	ev_timer_cb cb;
	void *arg;
	struct ev_timer *next;
};

struct evloop {
	int epfd;
	bool stopping;
	struct ev_timer *timers;     /* sorted by due_ns; dead ones unlinked lazily */
	struct ev_watch *watches;    /* live */
	struct ev_watch *dead_watches;
};

struct evloop *evloop_new(void)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

static void reap_dead(struct evloop *loop)
{
	while (loop->dead_watches) {
		struct ev_watch *w = loop->dead_watches;
		loop->dead_watches = w->next_dead;
		free(w);
	}
	for (struct ev_timer **p = &loop->timers; *p;) {
		struct ev_timer *t = *p;
		if (t->dead) {
			*p = t->next;
			free(t);
		} else {
			p = &t->next;
		}
	}
}

void evloop_free(struct evloop *loop)
{
	if (!loop)
		return;
	for (struct ev_timer *t = loop->timers; t; t = t->next)
		t->dead = true;
	while (loop->watches)
		evloop_unwatch(loop, loop->watches);
	reap_dead(loop);
	close(loop->epfd);
	free(loop);
}

struct ev_watch *evloop_watch(struct evloop *loop, int fd, uint32_t events,
			      ev_fd_cb cb, void *arg)
{
	struct ev_watch *w = calloc(1, sizeof(*w));
	struct epoll_event ev = { .events = events };

	if (!w)
		return NULL;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(w);
		return NULL;
	}
	w->next = loop->watches;
	if (w->next)
		w->next->prev = w;
	loop->watches = w;
	return w;
}

int evloop_modify(struct evloop *loop, struct ev_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void evloop_unwatch(struct evloop *loop, struct ev_watch *w)
{
	if (!w || w->dead)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	if (w->prev)
		w->prev->next = w->next;
	else
		loop->watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->dead = true;
	w->next_dead = loop->dead_watches;
	loop->dead_watches = w;
}

static void timer_insert(struct evloop *loop, struct ev_timer *t)
{
	struct ev_timer **p = &loop->timers;

	while (*p && (*p)->due_ns <= t->due_ns)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

struct ev_timer *evloop_timer(struct evloop *loop, uint64_t delay_ns,
			      uint64_t period_ns, ev_timer_cb cb, void *arg)
{
	struct ev_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->due_ns = now_ns() + delay_ns;
	t->period_ns = period_ns;
	t->cb = cb;
	t->arg = arg;
	timer_insert(loop, t);
	return t;
}

void evloop_timer_cancel(struct evloop *loop, struct ev_timer *t)
{
	if (t)
		t->dead = true;
}

static int next_timeout_ms(struct evloop *loop, int limit_ms)
{
	for (struct ev_timer *t = loop->timers; t; t = t->next) {
		if (t->dead)
			continue;
		uint64_t now = now_ns();
		int ms = t->due_ns <= now ? 0 : (int)((t->due_ns - now + 999999) / 1000000);
		return (limit_ms >= 0 && limit_ms < ms) ? limit_ms : ms;
	}
	return limit_ms;
}

static void run_timers(struct evloop *loop)
{
	uint64_t now = now_ns();
	struct ev_timer *due = NULL, **tail = &due;

	/* Detach the due timers first: callbacks may add or cancel timers. */
	while (loop->timers && (loop->timers->dead || loop->timers->due_ns <= now)) {
		struct ev_timer *t = loop->timers;
		loop->timers = t->next;
		t->next = NULL;
		*tail = t;
		tail = &t->next;
	}
	while (due) {
		struct ev_timer *t = due;
		due = t->next;
		if (!t->dead)
			t->cb(loop, t, t->arg);
		if (!t->dead && t->period_ns) {
			t->due_ns += t->period_ns;
			if (t->due_ns < now)
				t->due_ns = now + t->period_ns;
			timer_insert(loop, t);
		} else {
			free(t);
		}
	}
}

int evloop_run_once(struct evloop *loop, int timeout_ms)
{
	struct epoll_event evs[64];
	int n = epoll_wait(loop->epfd, evs, 64, next_timeout_ms(loop, timeout_ms));

	if (n < 0 && errno != EINTR)
		return -errno;
	for (int i = 0; i < n; i++) {
		struct ev_watch *w = evs[i].data.ptr;
		if (!w->dead)
			w->cb(loop, w->fd, evs[i].events, w->arg);
	}
	run_timers(loop);
	reap_dead(loop);
	return 0;
}

int evloop_run(struct evloop *loop)
{
	loop->stopping = false;
	while (!loop->stopping) {
		int rc = evloop_run_once(loop, -1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void evloop_stop(struct evloop *loop)
{
	loop->stopping = true;
}
