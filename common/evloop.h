/* A small epoll event loop: file descriptor watches and one-shot/periodic timers.
 *
 * Single-threaded: every callback runs on the thread that calls evloop_run().
 * Watches and timers may be removed from inside any callback (removal is
 * deferred until the current dispatch round ends, so no callback sees freed
 * memory).
 */
#ifndef VMCTL_COMMON_EVLOOP_H
#define VMCTL_COMMON_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct evloop;
struct ev_watch;
struct ev_timer;

/* `events` is a mask of EPOLLIN/EPOLLOUT/...; the callback gets what fired. */
typedef void (*ev_fd_cb)(struct evloop *loop, int fd, uint32_t events, void *arg);
typedef void (*ev_timer_cb)(struct evloop *loop, struct ev_timer *timer, void *arg);

struct evloop *evloop_new(void);
void evloop_free(struct evloop *loop);

/* Watch `fd` (not owned: the caller closes it after evloop_unwatch). */
struct ev_watch *evloop_watch(struct evloop *loop, int fd, uint32_t events,
			      ev_fd_cb cb, void *arg);
int evloop_modify(struct evloop *loop, struct ev_watch *w, uint32_t events);
void evloop_unwatch(struct evloop *loop, struct ev_watch *w);

/* Fire once after `delay_ns`, then every `period_ns` if that is non-zero. */
struct ev_timer *evloop_timer(struct evloop *loop, uint64_t delay_ns,
			      uint64_t period_ns, ev_timer_cb cb, void *arg);
void evloop_timer_cancel(struct evloop *loop, struct ev_timer *t);

/* Run until evloop_stop(); returns 0, or -errno if epoll fails. */
int evloop_run(struct evloop *loop);
/* Run one round, waiting at most `timeout_ms` (-1 = until something happens). */
int evloop_run_once(struct evloop *loop, int timeout_ms);
void evloop_stop(struct evloop *loop);

#endif
