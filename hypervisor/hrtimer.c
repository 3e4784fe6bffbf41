#include "hypervisor/hrtimer.h"

#include "common/evloop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

void hrtimer_init(struct hrtimer *t, struct evloop *loop, void (*cb)(void *arg), void *arg)
{
	*t = (struct hrtimer){ .fd = -1, .loop = loop, .cb = cb, .arg = arg };
}

static void hrtimer_fired(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct hrtimer *t = arg;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return; /* re-armed or cancelled since: nothing due */
	t->cb(t->arg);
}

static int hrtimer_open(struct hrtimer *t)
{
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	t->w = evloop_watch(t->loop, t->fd, EPOLLIN, hrtimer_fired, t);
	if (!t->w) {
		close(t->fd);
		t->fd = -1;
		return -ENOMEM;
	}
	return 0;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000ull),
				  .tv_nsec = (long)(ns % 1000000000ull) };
}

int hrtimer_arm(struct hrtimer *t, uint64_t when_ns, uint64_t period_ns)
{
	struct itimerspec its;
	int rc;

	if (t->fd < 0) {
		rc = hrtimer_open(t);
		if (rc < 0)
			return rc;
	}
	/* An absolute time of 0 would disarm: the past is "now". */
	its.it_value = ts_of(when_ns ? when_ns : 1);
	its.it_interval = ts_of(period_ns);
	if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	return 0;
}

void hrtimer_cancel(struct hrtimer *t)
{
	struct itimerspec off = { { 0, 0 }, { 0, 0 } };
	uint64_t n;

	if (t->fd < 0)
		return;
	timerfd_settime(t->fd, 0, &off, NULL);
	if (read(t->fd, &n, sizeof(n)) < 0)
		return; /* nothing was pending: fine */
}

void hrtimer_dispose(struct hrtimer *t)
{
	if (t->w)
		evloop_unwatch(t->loop, t->w);
	t->w = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
