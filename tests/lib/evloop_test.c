/* Unit test for common/evloop: fd watches, timers, removal inside callbacks. */
#include "common/evloop.h"
#include "common/util.h"
#include "tests/tap.h"

#include <sys/epoll.h>
#include <unistd.h>

struct ctx {
	int reads, ticks, oneshots;
	int pipefd[2];
	struct ev_watch *w;
	struct ev_timer *periodic;
};

static void on_read(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct ctx *c = arg;
	char b;

	if (read(fd, &b, 1) == 1)
		c->reads++;
	evloop_unwatch(loop, c->w); /* removing ourselves inside the callback */
}

static void on_tick(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct ctx *c = arg;

	if (++c->ticks == 3) {
		evloop_timer_cancel(loop, t);
		evloop_stop(loop);
	}
}

static void on_once(struct evloop *loop, struct ev_timer *t, void *arg)
{
	((struct ctx *)arg)->oneshots++;
}

int main(void)
{
	struct evloop *loop = evloop_new();
	struct ctx c = { 0 };

	ok(loop != NULL, "evloop_new");
	ok(pipe(c.pipefd) == 0, "pipe");
	c.w = evloop_watch(loop, c.pipefd[0], EPOLLIN, on_read, &c);
	ok(c.w != NULL, "watch a pipe");
	ok(write(c.pipefd[1], "ab", 2) == 2, "write two bytes");
	evloop_timer(loop, 1000000, 0, on_once, &c);
	struct ev_timer *never = evloop_timer(loop, 5000000, 0, on_once, &c);
	evloop_timer_cancel(loop, never);
	evloop_timer(loop, 2000000, 2000000, on_tick, &c);

	uint64_t t0 = now_ns();
	is_int(evloop_run(loop), 0, "run until stopped");
	uint64_t elapsed = now_ns() - t0;
	is_int(c.reads, 1, "watch removed itself after one read");
	is_int(c.oneshots, 1, "one-shot fired once, cancelled one never");
	is_int(c.ticks, 3, "periodic timer ticked three times");
	ok(elapsed >= 6000000, "three 2 ms periods took at least 6 ms");
	evloop_free(loop);
	close(c.pipefd[0]);
	close(c.pipefd[1]);
	return tap_done();
}
