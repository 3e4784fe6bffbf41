/* Sorted region tables, one per space, looked up by binary search: a PC
 * has a few dozen regions and the lookup is on every ioreq. */
#include "devmodel/bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bus_init(struct bus *b)
{
	memset(b, 0, sizeof(*b));
}

void bus_dispose(struct bus *b)
{
	for (int i = 0; i < BUS_NSPACES; i++) {
		free(b->space[i].r);
		b->space[i].r = NULL;
		b->space[i].n = b->space[i].cap = 0;
	}
}

/* Index of the first region whose end is above addr. */
static unsigned tab_lower(const struct bus_space_tab *t, uint64_t addr)
{
	unsigned lo = 0, hi = t->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct bus_region *r = &t->r[mid];

		if (r->base + r->len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool tab_free(const struct bus_space_tab *t, uint64_t base, uint64_t len,
		     const struct bus_region *skip)
{
	for (unsigned i = tab_lower(t, base); i < t->n; i++) {
		if (t->r[i].base >= base + len)
			return true;
		if (&t->r[i] != skip)
			return false;
	}
	return true;
}

static bool range_ok(uint64_t base, uint64_t len)
{
	return len != 0 && base + len > base;
}

static int tab_insert(struct bus_space_tab *t, const struct bus_region *nr)
{
	if (t->n == t->cap) {
		unsigned cap = t->cap ? t->cap * 2 : 16;
		struct bus_region *r = realloc(t->r, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		t->r = r;
		t->cap = cap;
	}
	unsigned at = tab_lower(t, nr->base);

	memmove(&t->r[at + 1], &t->r[at], (t->n - at) * sizeof(*t->r));
	t->r[at] = *nr;
	t->n++;
	return 0;
}

static int tab_index(const struct bus_space_tab *t, uint64_t base, void *opaque)
{
	for (unsigned i = tab_lower(t, base); i < t->n && t->r[i].base == base; i++)
		if (t->r[i].opaque == opaque)
			return (int)i;
	return -ENOENT;
}

static void tab_remove(struct bus_space_tab *t, unsigned i)
{
	memmove(&t->r[i], &t->r[i + 1], (t->n - i - 1) * sizeof(*t->r));
	t->n--;
}

static void bus_notify(struct bus *b, enum bus_space sp, uint64_t ob, uint64_t ol,
		       uint64_t nb, uint64_t nl)
{
	if (b->notify)
		b->notify(b->notify_arg, sp, ob, ol, nb, nl);
}

int bus_claim(struct bus *b, enum bus_space sp, uint64_t base, uint64_t len,
	      const struct bus_ops *ops, void *opaque, const char *name)
{
	struct bus_region nr = { base, len, ops, opaque, name };
	struct bus_space_tab *t;
	int rc;

	if (sp >= BUS_NSPACES || !range_ok(base, len) || !ops)
		return -EINVAL;
	t = &b->space[sp];
	if (!tab_free(t, base, len, NULL))
		return -EBUSY;
	rc = tab_insert(t, &nr);
	if (rc == 0)
		bus_notify(b, sp, 0, 0, base, len);
	return rc;
}

int bus_release(struct bus *b, enum bus_space sp, uint64_t base, void *opaque)
{
	struct bus_space_tab *t;
	uint64_t len;
	int i;

	if (sp >= BUS_NSPACES)
		return -EINVAL;
	t = &b->space[sp];
	i = tab_index(t, base, opaque);
	if (i < 0)
		return i;
	len = t->r[i].len;
	tab_remove(t, (unsigned)i);
	bus_notify(b, sp, base, len, 0, 0);
	return 0;
}

int bus_move(struct bus *b, enum bus_space sp, uint64_t old_base, void *opaque,
	     uint64_t base)
{
	struct bus_space_tab *t;
	struct bus_region r;
	int i;

	if (sp >= BUS_NSPACES)
		return -EINVAL;
	t = &b->space[sp];
	i = tab_index(t, old_base, opaque);
	if (i < 0)
		return i;
	r = t->r[i];
	if (base == old_base)
		return 0;
	if (!range_ok(base, r.len))
		return -EINVAL;
	if (!tab_free(t, base, r.len, &t->r[i]))
		return -EBUSY;
	tab_remove(t, (unsigned)i);
	r.base = base;
	if (tab_insert(t, &r) < 0)
		return -ENOMEM; /* cannot happen: the slot just freed */
	bus_notify(b, sp, old_base, r.len, base, r.len);
	return 0;
}

const struct bus_region *bus_find(const struct bus *b, enum bus_space sp, uint64_t addr)
{
	const struct bus_space_tab *t;
	unsigned i;

	if (sp >= BUS_NSPACES)
		return NULL;
	t = &b->space[sp];
	i = tab_lower(t, addr);
	if (i < t->n && t->r[i].base <= addr)
		return &t->r[i];
	return NULL;
}

static bool size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* The region that holds the whole access: 0, -EINVAL (size) or -ENOENT. */
static int bus_route(const struct bus *b, enum bus_space sp, uint64_t addr, unsigned size,
		     const struct bus_region **out)
{
	const struct bus_region *r;

	if (!size_ok(size))
		return -EINVAL;
	r = bus_find(b, sp, addr);
	if (!r || addr - r->base + size > r->len)
		return -ENOENT;
	*out = r;
	return 0;
}

int bus_read(struct bus *b, enum bus_space sp, uint64_t addr, unsigned size, uint64_t *val)
{
	const struct bus_region *r = NULL;
	int rc = bus_route(b, sp, addr, size, &r);

	*val = rc == -EINVAL ? ~0ull : bus_ones(size);
	if (rc == 0 && r->ops->read)
		*val = r->ops->read(r->opaque, addr - r->base, size) & bus_ones(size);
	return rc;
}

int bus_write(struct bus *b, enum bus_space sp, uint64_t addr, unsigned size, uint64_t val)
{
	const struct bus_region *r = NULL;
	int rc = bus_route(b, sp, addr, size, &r);

	if (rc == 0 && r->ops->write)
		r->ops->write(r->opaque, addr - r->base, size, val & bus_ones(size));
	return rc;
}
