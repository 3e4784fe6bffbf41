/* The hvm context blob (hvm_save.h): writing sections and vetting a blob
 * that came from a file. Linked into vmhv (which checks a blob before it
 * accepts it for a domain) and into the sandbox (which checks it again
 * before it loads it: it trusts nobody either). */
#include "hypervisor/engines/hvm/hvm_save.h"

#include <errno.h>
#include <string.h>

#define PAD8(n) (((n) + 7u) & ~7u)

int hvm_save_put(void *buf, size_t cap, size_t *len, uint16_t type, uint32_t instance,
		 const void *body, uint32_t body_len)
{
	struct hvm_save_sec s = { .type = type, .version = 1, .instance = instance,
				  .len = body_len };
	size_t need = sizeof(s) + PAD8(body_len);

	if (*len > cap || need > cap - *len)
		return -E2BIG;
	memcpy((char *)buf + *len, &s, sizeof(s));
	memcpy((char *)buf + *len + sizeof(s), body, body_len);
	memset((char *)buf + *len + sizeof(s) + body_len, 0, PAD8(body_len) - body_len);
	*len += need;
	return 0;
}

/* The body size each type must have, and how many instances it may have. */
static const struct {
	uint32_t size;            /* 0: variable (XENMAP) */
	uint32_t instances;       /* 0: one per vCPU */
} sec_shape[HVM_SEC_MAX] = {
	[HVM_SEC_PLATFORM] = { sizeof(struct hvm_save_platform), 1 },
	[HVM_SEC_CPU] = { sizeof(struct hvm_save_cpu), 0 },
	[HVM_SEC_LAPIC] = { sizeof(struct hvm_save_lapic), 0 },
	[HVM_SEC_IOAPIC] = { sizeof(struct hvm_save_ioapic), 1 },
	[HVM_SEC_PIC] = { sizeof(struct hvm_save_pic), 2 },
	[HVM_SEC_PIT] = { sizeof(struct hvm_save_pit), 3 },
	[HVM_SEC_RTC] = { sizeof(struct hvm_save_rtc), 1 },
	[HVM_SEC_XENMAP] = { 0, 1 },
	[HVM_SEC_VCPUINFO] = { sizeof(struct hvm_save_vcpuinfo), 0 },
};

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

/* The values of a section that index something or must be one of a few. */
static int body_check(uint16_t type, const void *p, uint32_t len, const char **why)
{
	const struct hvm_save_cpu *c = p;
	const struct hvm_save_pic *pic = p;
	const struct hvm_save_pit *pit = p;
	const struct hvm_save_rtc *rtc = p;
	const struct hvm_save_xenmap *xm = p;

	switch (type) {
	case HVM_SEC_CPU:
		if (c->replay_done > 4 || (c->flags & ~HVM_CPU_FLAGS) || c->cpl > 3)
			return bad(why, "a vCPU's state is out of range");
		return 0;
	case HVM_SEC_PIC:
		if (pic->init_step > 3 || pic->priority_add > 7)
			return bad(why, "a PIC's state is out of range");
		return 0;
	case HVM_SEC_PIT:
		if (pit->mode > 5 || pit->rw > 3 || pit->write_state > 1 || pit->read_state > 1)
			return bad(why, "a PIT channel's state is out of range");
		return 0;
	case HVM_SEC_RTC:
		return rtc->index < 128 ? 0 : bad(why, "the RTC index is out of range");
	case HVM_SEC_XENMAP:
		if (len < sizeof(*xm) || xm->nr > 64 || len != sizeof(*xm) + xm->nr * 8ull)
			return bad(why, "the hypervisor page map has the wrong size");
		return 0;
	default:
		return 0;
	}
}

int hvm_save_check(const void *blob, size_t len, uint32_t max_vcpus,
		   struct hvm_save_view *view, const char **why)
{
	const struct hvm_save_hdr *h = blob;
	size_t off = sizeof(*h);

	memset(view, 0, sizeof(*view));
	if (len < sizeof(*h) || len > HVM_SAVE_MAX)
		return bad(why, "the hvm context has an impossible size");
	if (h->magic != HVM_SAVE_MAGIC || h->version != HVM_SAVE_VERSION)
		return bad(why, "the hvm context has an unknown magic or version");
	if (h->len != len || h->nr_vcpus < 1 || h->nr_vcpus > max_vcpus || h->nr_vcpus > 32)
		return bad(why, "the hvm context's header does not match the domain");
	while (off < len) {
		struct hvm_save_sec s;
		const char *body;

		if (len - off < sizeof(s))
			return bad(why, "a section header is cut short");
		memcpy(&s, (const char *)blob + off, sizeof(s));
		body = (const char *)blob + off + sizeof(s);
		if (s.type == 0 || s.type >= HVM_SEC_MAX || s.version != 1)
			return bad(why, "a section of an unknown type or version");
		if (PAD8((uint64_t)s.len) > len - off - sizeof(s))
			return bad(why, "a section runs past the end");
		if (sec_shape[s.type].size && s.len != sec_shape[s.type].size)
			return bad(why, "a section has the wrong size");
		if (s.instance >= (sec_shape[s.type].instances ? sec_shape[s.type].instances
							      : h->nr_vcpus))
			return bad(why, "a section's instance is out of range");
		if (view->sec[s.type][s.instance])
			return bad(why, "a section comes twice");
		if (((uintptr_t)body & 7) != 0)
			return bad(why, "a section is misaligned");
		if (body_check(s.type, body, s.len, why) < 0)
			return -EINVAL;
		view->sec[s.type][s.instance] = body;
		off += sizeof(s) + PAD8(s.len);
	}
	if (!view->sec[HVM_SEC_PLATFORM][0])
		return bad(why, "the hvm context has no platform section");
	for (uint32_t v = 0; v < h->nr_vcpus; v++)
		if (!view->sec[HVM_SEC_CPU][v] || !view->sec[HVM_SEC_LAPIC][v])
			return bad(why, "the hvm context misses a vCPU");
	view->hdr = h;
	return 0;
}
