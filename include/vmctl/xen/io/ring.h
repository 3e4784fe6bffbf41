/*
 * The generic shared ring of Xen's split drivers (blkif, netif, ...).
 *
 * One or more shared pages hold a 64-byte header and an array of entries,
 * each a union of one request and one response.  The frontend produces
 * requests and consumes responses; the backend does the reverse.  All four
 * indices are free-running 32-bit counters; an entry's slot is the index
 * modulo the ring size, a power of two.  Each side keeps its private
 * producer/consumer counters in a front_ring/back_ring struct of its own.
 *
 *   DEFINE_RING_TYPES(blkif, struct blkif_request, struct blkif_response);
 *
 * defines union blkif_sring_entry, struct blkif_sring (the shared page),
 * struct blkif_front_ring and struct blkif_back_ring, with _t typedefs.
 *
 * Notification: a producer that publishes new entries notifies the other
 * side only if the other side's *_event index lies in the range it just
 * published ((new - event) < (new - old), in u32 arithmetic).  A consumer
 * that runs dry sets *_event = cons + 1 and checks once more
 * (RING_FINAL_CHECK_FOR_*), so that no update is missed.
 *
 * Barriers default to C11 fences (compiler barriers on x86 except xen_mb);
 * define xen_mb/xen_rmb/xen_wmb before including this header to override.
 */
#ifndef VMCTL_XEN_IO_RING_H
#define VMCTL_XEN_IO_RING_H

#include <stddef.h>
#include <stdint.h>
#include <vmctl/xen/abi-check.h>

#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

typedef unsigned int RING_IDX;

/* Bytes of header before ring[] in every shared ring. */
#define XEN_RING_HEADER_SIZE 64

/* Largest power of two <= x (x < 2^32; 0 stays 0), as a constant expression. */
#define XEN_RING_POW2_2(x)  (((x) & 0x2) ? 0x2 : ((x) & 0x1))
#define XEN_RING_POW2_4(x)  (((x) & 0xc) ? (XEN_RING_POW2_2((x) >> 2) << 2) : XEN_RING_POW2_2(x))
#define XEN_RING_POW2_8(x)  (((x) & 0xf0) ? (XEN_RING_POW2_4((x) >> 4) << 4) : XEN_RING_POW2_4(x))
#define XEN_RING_POW2_16(x) (((x) & 0xff00) ? (XEN_RING_POW2_8((x) >> 8) << 8) : XEN_RING_POW2_8(x))
#define XEN_RING_POW2_32(x) (((x) & 0xffff0000) ? (XEN_RING_POW2_16((x) >> 16) << 16) : XEN_RING_POW2_16(x))

/*
 * Entries that fit in _sz bytes of shared ring, given a pointer type _s to
 * the ring (only its type is used: `(struct blkif_sring *)0` is fine).
 */
#define __RING_SIZE(_s, _sz) \
	((unsigned int)XEN_RING_POW2_32(((_sz) - XEN_RING_HEADER_SIZE) / sizeof((_s)->ring[0])))
#define __CONST_RING_SIZE(_name, _sz) \
	((unsigned int)XEN_RING_POW2_32(((_sz) - XEN_RING_HEADER_SIZE) / \
					sizeof(union _name##_sring_entry)))

#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)			\
union __name##_sring_entry {						\
	__req_t req;							\
	__rsp_t rsp;							\
};									\
									\
struct __name##_sring {							\
	RING_IDX req_prod, req_event;					\
	RING_IDX rsp_prod, rsp_event;					\
	union {								\
		struct { uint8_t smartpoll_active; } netif;		\
		struct { uint8_t msg; } tapif_user;			\
		uint8_t pvt_pad[4];					\
	} pvt;								\
	uint8_t __pad[44];						\
	union __name##_sring_entry ring[];				\
};									\
									\
struct __name##_front_ring {						\
	RING_IDX req_prod_pvt;	/* requests written, not yet pushed */	\
	RING_IDX rsp_cons;	/* responses consumed */		\
	unsigned int nr_ents;						\
	struct __name##_sring *sring;					\
};									\
									\
struct __name##_back_ring {						\
	RING_IDX rsp_prod_pvt;	/* responses written, not yet pushed */	\
	RING_IDX req_cons;	/* requests consumed */			\
	unsigned int nr_ents;						\
	struct __name##_sring *sring;					\
};									\
									\
typedef struct __name##_sring __name##_sring_t;				\
typedef struct __name##_front_ring __name##_front_ring_t;		\
typedef struct __name##_back_ring __name##_back_ring_t;			\
XEN_ABI_OFFSET(struct __name##_sring, req_prod, 0);			\
XEN_ABI_OFFSET(struct __name##_sring, req_event, 4);			\
XEN_ABI_OFFSET(struct __name##_sring, rsp_prod, 8);			\
XEN_ABI_OFFSET(struct __name##_sring, rsp_event, 12);			\
XEN_ABI_OFFSET(struct __name##_sring, pvt, 16);				\
XEN_ABI_OFFSET(struct __name##_sring, __pad, 20);			\
XEN_ABI_OFFSET(struct __name##_sring, ring, XEN_RING_HEADER_SIZE)

/* Initialise the shared page (the frontend does this once). */
#define SHARED_RING_INIT(_s) do {					\
	unsigned int i_;						\
	(_s)->req_prod = (_s)->rsp_prod = 0;				\
	(_s)->req_event = (_s)->rsp_event = 1;				\
	for (i_ = 0; i_ < sizeof((_s)->pvt.pvt_pad); i_++)		\
		(_s)->pvt.pvt_pad[i_] = 0;				\
	for (i_ = 0; i_ < sizeof((_s)->__pad); i_++)			\
		(_s)->__pad[i_] = 0;					\
} while (0)

/* Attach a private view to a shared ring of __size bytes, at index _i. */
#define FRONT_RING_ATTACH(_r, _s, _i, __size) do {			\
	(_r)->req_prod_pvt = (_i);					\
	(_r)->rsp_cons = (_i);						\
	(_r)->nr_ents = __RING_SIZE(_s, __size);			\
	(_r)->sring = (_s);						\
} while (0)
#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define BACK_RING_ATTACH(_r, _s, _i, __size) do {			\
	(_r)->rsp_prod_pvt = (_i);					\
	(_r)->req_cons = (_i);						\
	(_r)->nr_ents = __RING_SIZE(_s, __size);			\
	(_r)->sring = (_s);						\
} while (0)
#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r) ((_r)->nr_ents)

/* Front end: slots it may still fill (in flight = produced - consumed). */
#define RING_FREE_REQUESTS(_r) \
	(RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))
#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

static inline RING_IDX xen_ring_unconsumed_requests_(RING_IDX req_prod, RING_IDX req_cons,
						     RING_IDX rsp_prod_pvt, RING_IDX size)
{
	RING_IDX published = req_prod - req_cons;
	RING_IDX room = size - (req_cons - rsp_prod_pvt);

	/* A guest could publish more than the ring holds: never trust it. */
	return published < room ? published : room;
}

#define XEN_RING_NR_UNCONSUMED_RESPONSES(_r) \
	((_r)->sring->rsp_prod - (_r)->rsp_cons)
#define XEN_RING_NR_UNCONSUMED_REQUESTS(_r) \
	xen_ring_unconsumed_requests_((_r)->sring->req_prod, (_r)->req_cons, \
				      (_r)->rsp_prod_pvt, RING_SIZE(_r))
#define RING_HAS_UNCONSUMED_RESPONSES(_r) XEN_RING_NR_UNCONSUMED_RESPONSES(_r)
#define RING_HAS_UNCONSUMED_REQUESTS(_r)  XEN_RING_NR_UNCONSUMED_REQUESTS(_r)

/* The slot of index _idx. */
#define RING_GET_REQUEST(_r, _idx) \
	(&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))
#define RING_GET_RESPONSE(_r, _idx) \
	(&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/*
 * Copy an entry out of shared memory in one go, so that a peer changing it
 * meanwhile cannot make us read two different values of one field.
 */
#define RING_COPY_REQUEST(_r, _idx, _req) do {				\
	*(_req) = *(volatile __typeof__(*(_req)) *)RING_GET_REQUEST(_r, _idx); \
} while (0)
#define RING_COPY_RESPONSE(_r, _idx, _rsp) do {				\
	*(_rsp) = *(volatile __typeof__(*(_rsp)) *)RING_GET_RESPONSE(_r, _idx); \
} while (0)

/* True when a consumer index would run past what the ring can hold. */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) \
	(((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) \
	(((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) \
	(((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

/* Publish what was produced privately: entries first, then the index. */
#define RING_PUSH_REQUESTS(_r) do {					\
	xen_wmb();							\
	(_r)->sring->req_prod = (_r)->req_prod_pvt;			\
} while (0)
#define RING_PUSH_RESPONSES(_r) do {					\
	xen_wmb();							\
	(_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;			\
} while (0)

/* Does the peer, waiting at `event`, need a kick after old -> new? */
static inline int xen_ring_need_notify_(RING_IDX new_prod, RING_IDX old_prod, RING_IDX event)
{
	return (RING_IDX)(new_prod - event) < (RING_IDX)(new_prod - old_prod);
}

#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {		\
	RING_IDX old_ = (_r)->sring->req_prod;				\
	RING_IDX new_ = (_r)->req_prod_pvt;				\
	xen_wmb();							\
	(_r)->sring->req_prod = new_;					\
	xen_mb();							\
	(_notify) = xen_ring_need_notify_(new_, old_, (_r)->sring->req_event); \
} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {		\
	RING_IDX old_ = (_r)->sring->rsp_prod;				\
	RING_IDX new_ = (_r)->rsp_prod_pvt;				\
	xen_wmb();							\
	(_r)->sring->rsp_prod = new_;					\
	xen_mb();							\
	(_notify) = xen_ring_need_notify_(new_, old_, (_r)->sring->rsp_event); \
} while (0)

/* Before sleeping: ask to be woken for the next entry, then look again. */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) do {		\
	(_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);		\
	if (_work_to_do)						\
		break;							\
	(_r)->sring->req_event = (_r)->req_cons + 1;			\
	xen_mb();							\
	(_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);		\
} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) do {		\
	(_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);		\
	if (_work_to_do)						\
		break;							\
	(_r)->sring->rsp_event = (_r)->rsp_cons + 1;			\
	xen_mb();							\
	(_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);		\
} while (0)

#endif
