/* Decoded-instruction cache storage. Insertion is done by the run loop
 * (cpu.c), which also marks the page as holding code. */
#include "hypervisor/cpu/icache.h"

#include <stdlib.h>

int icache_init(struct icache *c)
{
	c->e = malloc(sizeof(*c->e) << ICACHE_BITS);
	if (!c->e)
		return -12;
	icache_clear(c);
	return 0;
}

void icache_dispose(struct icache *c)
{
	free(c->e);
	c->e = NULL;
}

void icache_clear(struct icache *c)
{
	for (unsigned i = 0; i < (1u << ICACHE_BITS); i++)
		c->e[i].key = ~0ull;
}
