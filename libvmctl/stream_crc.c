/* CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * every stream record. The crc32 instruction (SSE4.2) does 8 bytes a cycle
 * or so; the table is the fallback for CPUs without it. */
#include "libvmctl/stream.h"

#include <string.h>

#define CRC32C_POLY 0x82f63b78u

static uint32_t crc_table[256];

static void table_fill(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_soft(uint32_t c, const uint8_t *p, size_t len)
{
	static int filled;

	if (!__atomic_load_n(&filled, __ATOMIC_ACQUIRE)) {
		table_fill();	/* idempotent: racing threads write the same values */
		__atomic_store_n(&filled, 1, __ATOMIC_RELEASE);
	}
	while (len--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2")))
static uint32_t crc_hw(uint32_t c, const uint8_t *p, size_t len)
{
	uint64_t c64 = c;

	while (len >= 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c64 = __builtin_ia32_crc32di(c64, v);
		p += 8;
		len -= 8;
	}
	c = (uint32_t)c64;
	while (len--)
		c = __builtin_ia32_crc32qi(c, *p++);
	return c;
}

static int have_hw(void)
{
	return __builtin_cpu_supports("sse4.2");
}
#else
static uint32_t crc_hw(uint32_t c, const uint8_t *p, size_t len)
{
	return crc_soft(c, p, len);
}

static int have_hw(void)
{
	return 0;
}
#endif

uint32_t stream_crc32c(uint32_t crc, const void *buf, size_t len)
{
	uint32_t c = ~crc;

	c = have_hw() ? crc_hw(c, buf, len) : crc_soft(c, buf, len);
	return ~c;
}
