/* PV console driver.  The ring page (io/console.h) has an output ring the
 * backend drains and an input ring it fills; indices are free-running and
 * each side kicks the event channel after moving them. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"
#include "vmctl/xen/io/console.h"

#define OUT_WAIT_NS (2ULL * 1000 * 1000 * 1000)

static void console_lock(struct console *c)
{
	spin_lock((spinlock_t *)&c->lock);
}

static void console_unlock(struct console *c)
{
	spin_unlock((spinlock_t *)&c->lock);
}

/* Wait for the backend to drain some output; false on timeout.  Uses
 * SCHEDOP_poll on the console port, which works with events masked (printk
 * may be called from anywhere). */
static bool ring_wait_room(struct kernel *k, uint64_t deadline)
{
	struct console *c = &k->con;

	events_notify(k, c->port);
	if (time_now(k) >= deadline)
		return false;
	sched_poll_port(k, c->port, MIN(deadline, time_now(k) + 10000000ULL));
	return true;
}

static size_t ring_put(struct kernel *k, const char *buf, size_t len)
{
	struct xencons_interface *r = k->con.ring;
	const uint32_t size = sizeof(r->out);
	size_t done = 0;
	uint64_t deadline = 0;

	while (done < len) {
		uint32_t cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
		uint32_t prod = r->out_prod;

		if (prod - cons >= size - 1) {	/* room for "\r\n" */
			/* Once the backend has left us waiting in vain, drop
			 * output at once until it reads again. */
			if (k->con.stalled && cons == k->con.stalled_cons)
				break;
			if (!deadline)
				deadline = time_now(k) + OUT_WAIT_NS;
			if (!ring_wait_room(k, deadline)) {
				k->con.stalled = true;
				k->con.stalled_cons = cons;
				break;
			}
			continue;
		}
		k->con.stalled = false;
		/* The backend hands the bytes to a pty in raw mode: a
		 * line feed needs its carriage return from us. */
		while (done < len && prod - cons < size - 1) {
			if (buf[done] == '\n')
				r->out[prod++ & (size - 1)] = '\r';
			r->out[prod++ & (size - 1)] = buf[done++];
		}
		__atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
	}
	events_notify(k, k->con.port);
	return done;
}

void console_write(struct kernel *k, const char *buf, size_t len)
{
	struct console *c = &k->con;
	size_t put = len;

	if (!c->ring || c->to_hv)
		hv_console_io(CONSOLEIO_write, (int)len, buf);
	if (c->ring && c->to_ring)
		put = ring_put(k, buf, len);
	c->out_bytes += put;
	c->dropped += len - put;
}

void printk(const char *fmt, ...)
{
	struct cpu *cpu = cpu_self();
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = MIN(n, (int)sizeof(buf) - 1);

	/* Events off while holding the lock: an upcall on this vCPU that
	 * printed would otherwise spin on it forever. */
	unsigned long flags = events_save(cpu);
	console_lock(&cpu->k->con);
	console_write(cpu->k, buf, (size_t)n);
	console_unlock(&cpu->k->con);
	events_restore(cpu, flags);
}

static void console_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	/* Nothing to do here: the upcall marked this CPU for a re-poll. */
}

int console_ring_init(struct kernel *k, const char *mode)
{
	struct console *c = &k->con;
	struct start_info *si = k->si;
	void *page;
	int rc;

	c->to_hv = strcmp(mode, "hv") == 0 || strcmp(mode, "both") == 0;
	c->to_ring = strcmp(mode, "hv") != 0;
	if (!si->console.domU.mfn || !si->console.domU.evtchn)
		return -ENODEV;
	page = mm_mfn_to_virt(k, si->console.domU.mfn);
	if (!page)
		return -EFAULT;
	c->port = si->console.domU.evtchn;
	rc = events_bind(k, c->port, console_event, NULL);
	if (rc < 0)
		return rc;
	c->ring = page;
	return 0;
}

void console_suspend(struct kernel *k)
{
	k->con.ring = NULL;
}

static void console_input_char(struct kernel *k, char ch)
{
	struct console *c = &k->con;

	if (ch == '\r' || ch == '\n') {
		if (c->echo)
			printk("\n");
		c->line[c->line_len] = '\0';
		c->line_len = 0;
		if (c->on_line)
			c->on_line(k, c->line);
		return;
	}
	if ((ch == '\b' || ch == 0x7f) && c->line_len) {
		c->line_len--;
		if (c->echo)
			printk("\b \b");
		return;
	}
	if (ch < ' ' || c->line_len + 1 >= sizeof(c->line))
		return;
	c->line[c->line_len++] = ch;
	if (c->echo)
		printk("%c", ch);
}

bool console_poll(struct kernel *k)
{
	struct xencons_interface *r = k->con.ring;
	const uint32_t size = sizeof(r->in);
	char buf[64];
	bool any = false;

	while (r) {
		uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
		uint32_t cons = r->in_cons;
		uint32_t n = 0;

		if (prod - cons > size)	/* a confused backend: resync */
			cons = prod;
		while (cons != prod && n < sizeof(buf))
			buf[n++] = r->in[cons++ & (size - 1)];
		__atomic_store_n(&r->in_cons, cons, __ATOMIC_RELEASE);
		if (!n)
			break;
		events_notify(k, k->con.port);
		k->con.in_bytes += n;
		any = true;
		for (uint32_t i = 0; i < n; i++)
			console_input_char(k, buf[i]);
		r = k->con.ring;	/* a command may have suspended us */
	}
	return any;
}
