/* The hvm tests' device model (see dm.h). */
#include "tests/hvm/dm.h"

#include "libvmctl/hv.h"
#include "vmctl/ioreq.h"
#include "vmctl/privcmd.h"

#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int map_range(struct dm *dm, uint32_t type, uint64_t start, uint64_t end)
{
	struct privcmd_ioreq_range r = { .domid = dm->domid, .id = dm->id, .type = type,
					 .start = start, .end = end };

	return hv_call(dm->hv, PRIVCMD_OP_IOREQ_MAP_RANGE, &r, sizeof(r), NULL, 0, NULL, NULL);
}

int dm_start(struct dm *dm, struct hv *hv, uint32_t domid)
{
	struct privcmd_ioreq_create c = { .domid = domid, .flags = PRIVCMD_IOREQ_BUFFERED };
	struct privcmd_ioreq_server s;
	struct privcmd_ioreq_op op = { .domid = domid };
	int rc;

	memset(dm, 0, sizeof(*dm));
	dm->hv = hv;
	dm->domid = domid;
	dm->ramfd = dm->evfd = -1;
	rc = hv_call(hv, PRIVCMD_OP_IOREQ_SERVER_CREATE, &c, sizeof(c), &s, sizeof(s), NULL,
		     &dm->memfd);
	if (rc < 0)
		return rc;
	dm->id = op.id = s.id;
	dm->pages = mmap(NULL, IOREQ_SERVER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
			 dm->memfd, 0);
	if (dm->pages == MAP_FAILED)
		return -errno;
	dm->page = (struct shared_iopage *)dm->pages;
	op.value = 0;
	rc = hv_call(hv, PRIVCMD_OP_IOREQ_SERVER_EVENTFD, &op, sizeof(op), NULL, 0, NULL,
		     &dm->evfd);
	if (rc == 0)
		rc = map_range(dm, PRIVCMD_IOREQ_RANGE_PORT, 0x500, 0x50f);
	if (rc == 0)
		rc = map_range(dm, PRIVCMD_IOREQ_RANGE_MMIO, 0xe0000000, 0xe0000fff);
	if (rc == 0)
		rc = map_range(dm, PRIVCMD_IOREQ_RANGE_PCI, 0x18, 0x18);
	op.value = 1;
	if (rc == 0)
		rc = hv_call(hv, PRIVCMD_OP_IOREQ_SERVER_SET_STATE, &op, sizeof(op), NULL, 0, NULL,
			     NULL);
	return rc;
}

static uint8_t *guest(struct dm *dm, uint64_t gpa, uint64_t len)
{
	return gpa < dm->ram_size && len <= dm->ram_size - gpa ? dm->ram + gpa : NULL;
}

static uint64_t pio(struct dm *dm, struct ioreq *r)
{
	if (r->data_is_ptr) {         /* rep outsb to 0x508 */
		uint8_t *p = guest(dm, r->data, (uint64_t)r->count * r->size);

		for (uint32_t i = 0; p && !r->dir && r->addr == 0x508 && i < r->count; i++) {
			dm->count508++;
			dm->sum508 += p[i];
		}
		return 0;
	}
	switch (r->addr) {
	case 0x500:
		return 0x12345678;
	case 0x504:
		if (r->dir == IOREQ_WRITE)
			dm->reg504 = (uint32_t)r->data;
		return dm->reg504;
	case 0x508:
		return dm->count508 + dm->sum508;
	case 0x50a:
		return 0x4242;
	case 0x50e:
		map_range(dm, PRIVCMD_IOREQ_RANGE_PORT, 0x520, 0x523);
		return 0;
	case 0x520:
		return 0x77;
	default:
		return ~0ull;
	}
}

static uint64_t answer(struct dm *dm, struct ioreq *r)
{
	uint64_t off;

	switch (r->type) {
	case IOREQ_TYPE_PIO:
		return pio(dm, r);
	case IOREQ_TYPE_COPY:
		off = (r->addr - 0xe0000000u) / 4;
		if (off >= 1024)
			return ~0ull;
		if (r->dir == IOREQ_WRITE)
			dm->mmio[off] = (uint32_t)r->data;
		return dm->mmio[off];
	case IOREQ_TYPE_PCI_CONFIG:
		return (r->addr >> 32) == 0x18 && (r->addr & 0xfff) == 0 ? 0xabcd1234 : ~0ull;
	default:
		return ~0ull;
	}
}

static void serve_slot(struct dm *dm, struct ioreq *r)
{
	uint8_t *flags = (uint8_t *)r + 30;
	uint8_t f = __atomic_load_n(flags, __ATOMIC_ACQUIRE);

	if ((f & 0xf) != IOREQ_STATE_READY)
		return;
	__atomic_store_n(flags, (uint8_t)((f & 0xf0) | IOREQ_STATE_INPROCESS), __ATOMIC_RELAXED);
	if (r->type == IOREQ_TYPE_PIO && r->addr == 0x50c) {
		/* a broken device model: a state that means nothing, garbage */
		r->data = 0x1234;
		r->count = 0xffffffff;
		__atomic_store_n(flags, (uint8_t)0xff, __ATOMIC_RELEASE);
		syscall(SYS_futex, ioreq_state_word(r), FUTEX_WAKE, 1, NULL, NULL, 0);
		atomic_fetch_add(&dm->hostile, 1);
		return;
	}
	r->data = answer(dm, r);
	__atomic_store_n(flags, (uint8_t)((f & 0xf0) | IOREQ_STATE_RESP_READY), __ATOMIC_RELEASE);
	syscall(SYS_futex, ioreq_state_word(r), FUTEX_WAKE, 1, NULL, NULL, 0);
	if (atomic_fetch_add(&dm->served, 1) + 1 == 100)
		dm->t_mark = now_ns();
	dm->t_last = now_ns();
}

static void *serve(void *arg)
{
	struct dm *dm = arg;

	while (!atomic_load(&dm->stop)) {
		struct pollfd p = { .fd = dm->evfd, .events = POLLIN };
		uint64_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		if (read(dm->evfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			break;
		serve_slot(dm, &dm->page->vcpu_ioreq[0]);
	}
	return NULL;
}

int dm_run(struct dm *dm)
{
	struct privcmd_foreign_map info;
	int rc = hv_foreign_map(dm->hv, dm->domid, &dm->ramfd, &info);

	if (rc < 0)
		return rc;
	dm->ram_size = info.ram_frames << 12;
	if (dm->ram_size > VMCTL_HVM_LOW_END)
		dm->ram_size = VMCTL_HVM_LOW_END;    /* only low RAM here */
	dm->ram = mmap(NULL, dm->ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, dm->ramfd, 0);
	if (dm->ram == MAP_FAILED)
		return -errno;
	return -pthread_create(&dm->thread, NULL, serve, dm);
}

void dm_stop(struct dm *dm)
{
	atomic_store(&dm->stop, true);
	if (dm->thread)
		pthread_join(dm->thread, NULL);
	if (dm->ram && dm->ram != MAP_FAILED)
		munmap(dm->ram, dm->ram_size);
	if (dm->pages && dm->pages != MAP_FAILED)
		munmap(dm->pages, IOREQ_SERVER_BYTES);
	if (dm->ramfd >= 0)
		close(dm->ramfd);
	if (dm->evfd >= 0)
		close(dm->evfd);
	if (dm->memfd >= 0)
		close(dm->memfd);
}
