/* xld: the dom0 toolstack daemon. One `struct xld` holds everything the
 * daemon serves; it is passed first to every part (no globals). */
#ifndef VMCTL_XLD_H
#define VMCTL_XLD_H

#include <stdbool.h>
#include <stdint.h>

/* Domain ids are below Xen's DOMID_FIRST_RESERVED (0x7ff0). */
#define XLD_MAX_DOMID 0x7ff0

struct evloop;
struct rpc_server;
struct hv;
struct xenstored;
struct ev_timer;
struct ev_watch;
struct xld_domain;
struct migrate_listener;
struct save_op;
struct xld_def;
struct lv_server;

struct xld_options {
	const char *rundir;      /* $VMCTL_RUNDIR: sockets */
	const char *statedir;    /* $VMCTL_STATEDIR: configs, journal, saves */
	const char *logdir;      /* $VMCTL_LOGDIR: our log, console logs */
	int sock_gid;            /* group allowed on the sockets, -1 = root only */
	int foreground;
	const char *migrate_listen;  /* --migrate-listen [ADDR:]PORT, NULL = none */
	unsigned migrate_timeout;    /* --migrate-timeout seconds (0 = default) */
};

struct xld {
	struct xld_options opt;
	struct evloop *loop;
	struct rpc_server *rpc;
	struct hv *hv;               /* privcmd connection to vmhv */
	struct xld_domain *domains;  /* domain.h */
	struct xld_domain *by_id[XLD_MAX_DOMID];  /* the same, by domid */
	struct xenstored *xs;        /* store.h */
	struct ev_timer *xs_save_timer;
	bool xs_dirty;
	uint32_t dom_exc_port;       /* monitor.h: VIRQ_DOM_EXC */
	int dom_exc_fd;
	struct ev_watch *dom_exc_watch;
	uint64_t started_ns;
	struct save_op *saves;       /* save.h: saves running */
	struct xld_def *defs;        /* defs.h: persistent definitions */
	struct lv_server *libvirt;   /* libvirt/libvirt.h: the libvirt socket */
	struct migrate_listener *migrate; /* migrate.h: --migrate-listen */
};

#endif
