/* memcpy and memset for the two freestanding programs (sys.h): the
 * compiler may call them for struct copies even with -fno-builtin. */
#include "hypervisor/engines/pv/sandbox/sys.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}
