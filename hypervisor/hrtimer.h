/* Nanosecond timers on CLOCK_MONOTONIC for guest timers: a timerfd watched
 * by the event loop (whose own timers count in milliseconds). The fd is
 * made on first use and kept until hrtimer_dispose(). */
#ifndef VMHV_HRTIMER_H
#define VMHV_HRTIMER_H

#include <stdint.h>

struct evloop;
struct ev_watch;

struct hrtimer {
	int fd;                   /* -1 until first armed */
	struct ev_watch *w;
	struct evloop *loop;
	void (*cb)(void *arg);
	void *arg;
};

/* Set up an unarmed timer (no fd yet). */
void hrtimer_init(struct hrtimer *t, struct evloop *loop, void (*cb)(void *arg), void *arg);

/* Fire at absolute CLOCK_MONOTONIC `when_ns` (in the past = at once), then
 * every `period_ns` if not 0. Replaces any earlier setting. 0 or -errno. */
int hrtimer_arm(struct hrtimer *t, uint64_t when_ns, uint64_t period_ns);

void hrtimer_cancel(struct hrtimer *t);

/* Cancel and release the fd. Idempotent. */
void hrtimer_dispose(struct hrtimer *t);

#endif
