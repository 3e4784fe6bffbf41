#include "tg.h"

void tg_puts(const char *s)
{
	hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, tg_strlen(s), s);
}

void tg_ring_puts(start_info_t *si, const char *s)
{
	struct xencons_interface *r =
		(struct xencons_interface *)((unsigned long)__virt_base + (si->console.domU.mfn << 12));
	struct evtchn_send send = { .port = si->console.domU.evtchn };

	while (*s) {
		XENCONS_RING_IDX prod = r->out_prod;

		if (prod - __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE) >= sizeof(r->out)) {
			hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
			hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
			continue;
		}
		r->out[prod % sizeof(r->out)] = *s++;
		__atomic_store_n(&r->out_prod, prod + 1, __ATOMIC_RELEASE);
	}
	hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
}

void tg_put_dec(long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		buf[--i] = '-';
	tg_puts(buf + i);
}

void tg_put_hex(unsigned long v)
{
	char buf[19];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	tg_puts(buf + i);
}

void tg_report(const char *name, long value)
{
	tg_puts(name);
	tg_puts(": ");
	tg_put_dec(value);
	tg_puts("\n");
}

size_t tg_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int tg_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int tg_has_word(const char *s, const char *word)
{
	size_t n = tg_strlen(word);

	while (*s) {
		size_t i = 0;

		while (s[i] && s[i] != ' ')
			i++;
		if (i == n) {
			size_t j = 0;

			while (j < n && s[j] == word[j])
				j++;
			if (j == n)
				return 1;
		}
		s += i;
		while (*s == ' ')
			s++;
	}
	return 0;
}

void tg_shutdown(unsigned reason)
{
	struct sched_shutdown s = { .reason = reason };

	for (;;)
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s);
}

void *memcpy(void *d, const void *s, size_t n)
{
	char *dp = d;
	const char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	char *dp = d;

	while (n--)
		*dp++ = (char)c;
	return d;
}

uint64_t tg_system_time(const volatile struct vcpu_time_info *t)
{
	uint32_t ver, lo, hi;
	uint64_t delta, ns;

	do {
		ver = __atomic_load_n(&t->version, __ATOMIC_SEQ_CST);
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		delta = (((uint64_t)hi << 32) | lo) - t->tsc_timestamp;
		delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
	} while ((ver & 1) || ver != __atomic_load_n(&t->version, __ATOMIC_SEQ_CST));
	return ns;
}
