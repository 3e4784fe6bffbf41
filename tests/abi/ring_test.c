/*
 * Behaviour of the shared-ring macros in <vmctl/xen/io/ring.h>: sizes,
 * the notification rule on both sides, index wrap-around, and what a
 * backend sees when a guest publishes a bogus producer index.  Front and
 * back end run in one thread on one page, as they would on two sides of a
 * real ring.  (TAP written here rather than with tests/tap.h, whose diag()
 * does not build under clang -Wformat=2.)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vmctl/xen/io/blkif.h>
#include <vmctl/xen/io/netif.h>

struct ring_test {
	int n, failed;
	_Alignas(4096) unsigned char page[2 * 4096];
	blkif_front_ring_t front;
	blkif_back_ring_t back;
};

static void check(struct ring_test *t, int cond, const char *what, long long got, long long want)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++t->n, what);
	if (!cond) {
		printf("#   got %lld, want %lld\n", got, want);
		t->failed++;
	}
}

#define CHECK_EQ(t, got, want, what) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);		\
	check(t, g_ == w_, what, g_, w_);					\
} while (0)

static blkif_sring_t *ring_sring(struct ring_test *t)
{
	return (blkif_sring_t *)t->page;
}

/* A fresh one-page ring with both ends attached at index `start`. */
static void ring_setup(struct ring_test *t, RING_IDX start)
{
	blkif_sring_t *s = ring_sring(t);

	memset(t->page, 0xa5, sizeof(t->page));
	SHARED_RING_INIT(s);
	s->req_prod = s->rsp_prod = start;
	s->req_event = s->rsp_event = start + 1;
	FRONT_RING_ATTACH(&t->front, s, start, 4096);
	BACK_RING_ATTACH(&t->back, s, start, 4096);
}

/* The frontend queues one request tagged `id` and publishes it. */
static int front_push(struct ring_test *t, uint64_t id)
{
	blkif_request_t *req = RING_GET_REQUEST(&t->front, t->front.req_prod_pvt);
	int notify;

	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_READ;
	req->id = id;
	t->front.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&t->front, notify);
	return notify;
}

/* The backend takes every published request and answers each one. */
static int back_drain(struct ring_test *t, uint64_t *last_id)
{
	int more, notify, taken = 0;

	do {
		while (RING_HAS_UNCONSUMED_REQUESTS(&t->back)) {
			blkif_request_t req;
			blkif_response_t *rsp;

			RING_COPY_REQUEST(&t->back, t->back.req_cons, &req);
			t->back.req_cons++;
			rsp = RING_GET_RESPONSE(&t->back, t->back.rsp_prod_pvt);
			rsp->id = req.id;
			rsp->operation = req.operation;
			rsp->status = BLKIF_RSP_OKAY;
			t->back.rsp_prod_pvt++;
			*last_id = req.id;
			taken++;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&t->back, more);
	} while (more);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&t->back, notify);
	(void)notify;
	return taken;
}

static void test_init_and_sizes(struct ring_test *t)
{
	blkif_sring_t *s = ring_sring(t);

	SHARED_RING_INIT(s);
	CHECK_EQ(t, s->req_prod, 0, "SHARED_RING_INIT: req_prod 0");
	CHECK_EQ(t, s->rsp_prod, 0, "SHARED_RING_INIT: rsp_prod 0");
	CHECK_EQ(t, s->req_event, 1, "SHARED_RING_INIT: req_event 1");
	CHECK_EQ(t, s->rsp_event, 1, "SHARED_RING_INIT: rsp_event 1");
	CHECK_EQ(t, s->__pad[43], 0, "SHARED_RING_INIT clears the header padding");
	FRONT_RING_INIT(&t->front, s, 4096);
	CHECK_EQ(t, RING_SIZE(&t->front), 32, "blkif: 32 entries in one page");
	FRONT_RING_INIT(&t->front, s, 8192);
	CHECK_EQ(t, RING_SIZE(&t->front), 64, "blkif: 64 entries in two pages");
	CHECK_EQ(t, __RING_SIZE((netif_tx_sring_t *)0, 4096), 256, "netif tx: 256 entries");
	CHECK_EQ(t, __RING_SIZE((netif_rx_sring_t *)0, 4096), 256, "netif rx: 256 entries");
	CHECK_EQ(t, __RING_SIZE((blkif_sring_t *)0, 4096), __CONST_RING_SIZE(blkif, 4096),
		 "__RING_SIZE and __CONST_RING_SIZE agree");
	CHECK_EQ(t, XEN_RING_POW2_32(0x80000001u), 0x80000000u, "power-of-two floor, top bit");
	CHECK_EQ(t, XEN_RING_POW2_32(37), 32, "power-of-two floor of 37");
}

static void test_notify(struct ring_test *t)
{
	uint64_t last = 0;
	int more;

	ring_setup(t, 0);
	CHECK_EQ(t, front_push(t, 1), 1, "first request notifies (req_event 1)");
	CHECK_EQ(t, front_push(t, 2), 0, "second request does not (backend not waiting)");
	CHECK_EQ(t, back_drain(t, &last), 2, "backend takes both");
	CHECK_EQ(t, last, 2, "in order");
	CHECK_EQ(t, ring_sring(t)->req_event, 3, "backend then waits for index 3");
	CHECK_EQ(t, front_push(t, 3), 1, "next request notifies again");
	CHECK_EQ(t, RING_HAS_UNCONSUMED_RESPONSES(&t->front), 2, "frontend sees two responses");
	CHECK_EQ(t, RING_GET_RESPONSE(&t->front, t->front.rsp_cons + 1)->id, 2,
		 "second response carries id 2");
	t->front.rsp_cons += 2;
	RING_FINAL_CHECK_FOR_RESPONSES(&t->front, more);
	CHECK_EQ(t, more, 0, "no response left after consuming two");
	CHECK_EQ(t, ring_sring(t)->rsp_event, t->front.rsp_cons + 1, "frontend waits for the next");
}

static void test_full_and_wrap(struct ring_test *t)
{
	RING_IDX start = 0xfffffff0u;
	uint64_t last = 0;
	int i, notified = 0;

	ring_setup(t, start);
	for (i = 0; i < 32; i++)
		notified += front_push(t, 100 + i);
	CHECK_EQ(t, notified, 1, "32 pushes across the 2^32 wrap notify once");
	CHECK_EQ(t, RING_FULL(&t->front), 1, "ring full after 32 requests");
	CHECK_EQ(t, RING_FREE_REQUESTS(&t->front), 0, "no free slot");
	CHECK_EQ(t, ring_sring(t)->req_prod, start + 32, "req_prod wrapped to 0x10");
	CHECK_EQ(t, back_drain(t, &last), 32, "backend takes all 32 across the wrap");
	CHECK_EQ(t, last, 131, "the last one is id 131");
	CHECK_EQ(t, RING_HAS_UNCONSUMED_RESPONSES(&t->front), 32, "32 responses for the frontend");
	t->front.rsp_cons += 32;
	CHECK_EQ(t, RING_FREE_REQUESTS(&t->front), 32, "all slots free again");
}

static void test_bogus_producer(struct ring_test *t)
{
	ring_setup(t, 0);
	front_push(t, 1);
	/* A hostile guest claims a thousand requests. */
	ring_sring(t)->req_prod = 1000;
	CHECK_EQ(t, XEN_RING_NR_UNCONSUMED_REQUESTS(&t->back), 32,
		 "unconsumed requests are capped at the ring size");
	t->back.req_cons = 32;
	CHECK_EQ(t, RING_REQUEST_CONS_OVERFLOW(&t->back, t->back.req_cons), 1,
		 "consuming past the unanswered requests is an overflow");
	CHECK_EQ(t, XEN_RING_NR_UNCONSUMED_REQUESTS(&t->back), 0,
		 "and leaves nothing to consume");
	CHECK_EQ(t, RING_REQUEST_PROD_OVERFLOW(&t->back, 1000), 1, "producer index 1000 overflows");
	CHECK_EQ(t, RING_RESPONSE_PROD_OVERFLOW(&t->front, 33), 1, "33 responses overflow");
}

int main(void)
{
	static struct ring_test t;

	test_init_and_sizes(&t);
	test_notify(&t);
	test_full_and_wrap(&t);
	test_bogus_producer(&t);
	printf("1..%d\n", t.n);
	return t.failed ? 1 : 0;
}
