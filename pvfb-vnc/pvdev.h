/* What pvfb-vnc's two PV backends (vfb, vkbd) share: the guest's memory,
 * checked frame by frame, and one device's backend half of the XenbusState
 * handshake (its nodes, its event channel). */
#ifndef VMCTL_PVFB_VNC_PVDEV_H
#define VMCTL_PVFB_VNC_PVDEV_H

#include <stdbool.h>
#include <stdint.h>

struct hv;
struct xsc;

/* The domain's memory: its memfd from vmhv (frame P at offset P << 12). */
struct pvmem {
	struct hv *hv;
	uint32_t domid;
	int memfd;
	uint64_t ram_frames;     /* frames a guest may name: 0 .. ram_frames-1 */
};

int pvmem_open(struct pvmem *m, struct hv *hv, uint32_t domid);
void pvmem_close(struct pvmem *m);
/* Map one guest frame shared (PROT_READ or PROT_READ|PROT_WRITE); NULL and
 * a log line naming `what` if the frame is not guest RAM. */
void *pvmem_map_frame(struct pvmem *m, uint64_t frame, int prot, const char *what);
/* Copy one guest frame into buf (4096 bytes); -EFAULT if not guest RAM. */
int pvmem_read_frame(struct pvmem *m, uint64_t frame, void *buf);
/* Map `n` guest frames, listed in frames[], read-only and contiguous in our
 * address space (runs of consecutive frames take one mapping each).
 * Returns the base (to munmap n pages) or NULL, logged. */
void *pvmem_map_frames(struct pvmem *m, const uint64_t *frames, uint64_t n);

/* One device's backend: its paths, our state, its event channel. */
struct pvdev {
	struct pvmem *mem;
	struct xsc *xs;
	const char *kind;
	char fe[96], be[96];
	int be_state;            /* what we last published */
	int failed_at;           /* frontend state whose connect failed, or -1 */
	bool connected;
	uint32_t port;           /* our end of the event channel */
	int evfd;                /* readable when the guest notifies; -1 */
};

/* Connect and disconnect a device; connect() returns 0 or -errno (logged:
 * the frontend's data was refused). */
struct pvdev_ops {
	int (*connect)(void *arg);
	void (*disconnect)(void *arg);
};

/* Paths of device <kind>/<devid> of the memory's domain; reads the state
 * the backend node holds now. */
void pvdev_init(struct pvdev *d, struct pvmem *mem, struct xsc *xs, const char *kind, int devid);

/* Move the handshake on from the frontend's state: publish InitWait,
 * connect when the frontend is Initialised (or already Connected), go
 * Connected, disconnect and go Closed when it closes. -ENODEV when the
 * backend's nodes are gone (the device was removed); -ENOENT when the
 * backend nodes do not exist (yet); -ECONNRESET when xenstored went away. */
int pvdev_step(struct pvdev *d, const struct pvdev_ops *ops, void *arg);

/* Watch the frontend and backend directories (token = kind). */
int pvdev_watch(struct pvdev *d);

/* Frontend / backend key `key` as a number; `dflt` when absent or malformed. */
long long pvdev_fe_num(struct pvdev *d, const char *key, long long dflt);
long long pvdev_be_num(struct pvdev *d, const char *key, long long dflt);
int pvdev_set_state(struct pvdev *d, int state);

/* Bind the frontend's event-channel; the eventfd is made non-blocking. */
int pvdev_bind(struct pvdev *d);
void pvdev_unbind(struct pvdev *d);
/* Clear pending notifications; true if there were any. */
bool pvdev_kicked(struct pvdev *d);
/* Notify the guest; -ECONNRESET when vmhv went away. */
int pvdev_notify(struct pvdev *d);

#endif
