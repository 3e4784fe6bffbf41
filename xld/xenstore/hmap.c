/* FNV-1a hashing; the table doubles when the load passes 1. */
#include "xld/xenstore/hmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

int xs_hmap_init(struct xs_hmap *h)
{
	h->nbuckets = 64;
	h->count = 0;
	h->b = calloc(h->nbuckets, sizeof(*h->b));
	return h->b ? 0 : -ENOMEM;
}

void xs_hmap_dispose(struct xs_hmap *h)
{
	for (size_t i = 0; h->b && i < h->nbuckets; i++) {
		while (h->b[i]) {
			struct xs_hent *e = h->b[i];
			h->b[i] = e->next;
			free(e);
		}
	}
	free(h->b);
	h->b = NULL;
	h->count = 0;
}

static struct xs_hent **find_slot(const struct xs_hmap *h, const char *key)
{
	struct xs_hent **p = &h->b[hash_str(key) & (h->nbuckets - 1)];

	while (*p && strcmp((*p)->key, key) != 0)
		p = &(*p)->next;
	return p;
}

void *xs_hmap_get(const struct xs_hmap *h, const char *key)
{
	struct xs_hent *e = *find_slot(h, key);

	return e ? e->val : NULL;
}

static void grow(struct xs_hmap *h)
{
	size_t n = h->nbuckets * 2;
	struct xs_hent **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return; /* keep working with longer chains */
	for (size_t i = 0; i < h->nbuckets; i++) {
		while (h->b[i]) {
			struct xs_hent *e = h->b[i];
			size_t j = hash_str(e->key) & (n - 1);
			h->b[i] = e->next;
			e->next = nb[j];
			nb[j] = e;
		}
	}
	free(h->b);
	h->b = nb;
	h->nbuckets = n;
}

int xs_hmap_put(struct xs_hmap *h, const char *key, void *val, void **old)
{
	struct xs_hent **p = find_slot(h, key);

	if (old)
		*old = *p ? (*p)->val : NULL;
	if (*p) {
		(*p)->key = key;
		(*p)->val = val;
		return 0;
	}
	*p = calloc(1, sizeof(**p));
	if (!*p)
		return -ENOMEM;
	(*p)->key = key;
	(*p)->val = val;
	if (++h->count > h->nbuckets)
		grow(h);
	return 0;
}

void *xs_hmap_del(struct xs_hmap *h, const char *key)
{
	struct xs_hent **p = find_slot(h, key), *e = *p;
	void *val;

	if (!e)
		return NULL;
	val = e->val;
	*p = e->next;
	free(e);
	h->count--;
	return val;
}

struct xs_hent *xs_hmap_next(const struct xs_hmap *h, struct xs_hent *it, size_t *pos)
{
	if (it && it->next)
		return it->next;
	for (size_t i = it ? *pos + 1 : 0; i < h->nbuckets; i++) {
		if (h->b[i]) {
			*pos = i;
			return h->b[i];
		}
	}
	return NULL;
}
