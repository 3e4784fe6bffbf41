/* A string-keyed hash table (separate chaining, grows by doubling).
 * Keys are not copied: the value owns its key (a node owns its path). */
#ifndef VMCTL_XLD_XENSTORE_HMAP_H
#define VMCTL_XLD_XENSTORE_HMAP_H

#include <stddef.h>

struct xs_hent {
	const char *key;
	void *val;
	struct xs_hent *next;
};

struct xs_hmap {
	struct xs_hent **b;
	size_t nbuckets, count;
};

/* Both return 0 or -ENOMEM. xs_hmap_init on a zeroed struct. */
int xs_hmap_init(struct xs_hmap *h);
void xs_hmap_dispose(struct xs_hmap *h);
void *xs_hmap_get(const struct xs_hmap *h, const char *key);
/* Insert or replace; the previous value (or NULL) goes to *old if old != NULL. */
int xs_hmap_put(struct xs_hmap *h, const char *key, void *val, void **old);
/* Remove and return the value (NULL if absent). */
void *xs_hmap_del(struct xs_hmap *h, const char *key);

/* Iterate: for (it = NULL; (it = xs_hmap_next(h, it, &pos));) — the
 * current entry may not be deleted during the walk. */
struct xs_hent *xs_hmap_next(const struct xs_hmap *h, struct xs_hent *it, size_t *pos);

#endif
