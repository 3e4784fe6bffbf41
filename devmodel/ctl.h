/* The control socket (include/vmctl/dmctl.h): xld's requests to a running
 * device model, served in its event loop (inside the sandbox: the socket
 * is made before, requests only accept and receive). */
#ifndef VMCTL_DEVMODEL_CTL_H
#define VMCTL_DEVMODEL_CTL_H

struct dm;
struct evloop;
struct ev_watch;

struct dmctl {
	struct dm *dm;
	struct evloop *loop;
	int listen_fd;
	struct ev_watch *listen_w;
};

/* Listen on `path`; 0 or -errno. */
int dmctl_open(struct dmctl *c, struct dm *dm, struct evloop *loop, const char *path);
void dmctl_close(struct dmctl *c);

#endif
