/* vmhv-hvm's start and its main thread: read the boot packet, map the
 * domain's memory, create the vCPUs (threads waiting at a gate), drop
 * privileges, install the seccomp filter on every thread, open the gate;
 * then serve vmhv's control channel and the platform timers. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"
#include "common/uffd_wp.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/futex.h>
#include <poll.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <vmctl/xen/hvm/params.h>

static atomic_uint gate;  /* futex: 1 once the filter is in place */

uint64_t hvm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void hvm_wake(struct hvm_vcpu *v)
{
	atomic_fetch_add(&v->wake, 1);
	syscall(SYS_futex, &v->wake, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void hvm_note(struct hvm *h, uint32_t type, uint32_t vcpu, uint64_t rip, const char *text,
	      size_t len)
{
	struct hvm_note n = { .type = type, .vcpu = vcpu, .rip = rip };

	if (len > HVM_NOTE_TEXT)
		len = HVM_NOTE_TEXT;
	if (text)
		memcpy(n.text, text, len);
	n.len = (uint32_t)len;
	send(HVM_CTL_FD, &n, sizeof(n), MSG_NOSIGNAL);
}

void *hvm_gpa(struct hvm *h, uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < h->nranges; i++) {
		const struct cpu_ram *r = &h->ranges[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
			return (uint8_t *)r->host + (gpa - r->gpa);
	}
	return NULL;
}

uint64_t hvm_host_to_gpa(struct hvm *h, const void *p)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < h->nranges; i++) {
		const uint8_t *host = h->ranges[i].host;

		if (b >= host && (uint64_t)(b - host) < h->ranges[i].size)
			return h->ranges[i].gpa + (uint64_t)(b - host);
	}
	return vram_host_to_gpa(h, b);
}

static void die(const char *what)
{
	/* stderr is closed: vmhv sees the exit status and crashes the domain */
	(void)what;
	_exit(2);
}

/* RAM as the guest sees it (hvm_abi.h): the VGA window is a hole, RAM
 * above VMCTL_HVM_LOW_END moves above 4 GiB, and the BIOS is aliased
 * below 4 GiB. */
static void memory_layout(struct hvm *h)
{
	uint64_t low = h->ram_bytes < VMCTL_HVM_LOW_END ? h->ram_bytes : VMCTL_HVM_LOW_END;

	h->ranges[h->nranges++] = (struct cpu_ram){ 0, HVM_VGA_START, h->ram };
	h->ranges[h->nranges++] = (struct cpu_ram){ HVM_VGA_END, low - HVM_VGA_END,
						     h->ram + HVM_VGA_END };
	h->ranges[h->nranges++] = (struct cpu_ram){ HVM_BIOS_ALIAS, HVM_BIOS_SIZE,
						     h->ram + HVM_BIOS_LOW };
	if (h->ram_bytes > low)
		h->ranges[h->nranges++] = (struct cpu_ram){ 4ull << 30, h->ram_bytes - low,
							     h->ram + low };
}

static void boot_read(struct hvm *h)
{
	ssize_t r = recv(HVM_CTL_FD, &h->boot, sizeof(h->boot), 0);

	if (r != (ssize_t)sizeof(h->boot) || h->boot.magic != HVM_BOOT_MAGIC ||
	    h->boot.version != HVM_ABI_VERSION || h->boot.max_vcpus < 1 ||
	    h->boot.max_vcpus > PRIVCMD_MAX_VCPUS || h->boot.ram_frames < 256)
		die("boot packet");
	h->ram_bytes = h->boot.ram_frames << 12;
	h->ram = mmap(NULL, h->ram_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, HVM_MEM_FD, 0);
	if (h->ram == MAP_FAILED)
		die("memory");
	h->memfd_bytes = h->ram_bytes + HVM_XEN_FRAMES * 4096ull;
	h->memfd_map = mmap(NULL, h->memfd_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, HVM_MEM_FD, 0);
	if (h->memfd_map == MAP_FAILED)
		die("memory");
	h->xen_pages = h->memfd_map + h->ram_bytes;
	/* Dirty logging (vmhv's hvm_dirty.c) sees RAM written through both. */
	uffd_wp_register(h->ram, h->ram_bytes);
	uffd_wp_register(h->memfd_map, h->ram_bytes);
	memcpy(h->params, h->boot.params, sizeof(h->params));
	memory_layout(h);
}

/* vCPU 0 as the builder asked: 32-bit flat protected mode, paging off
 * (hvmloader, multiboot, PVH entry), or the reset state (firmware). */
static void vcpu0_flat32(struct hvm *h, struct cpu *cpu)
{
	const struct privcmd_vcpu_regs *r = &h->boot.regs;
	struct cpu_state st;

	cpu_get_state(cpu, &st);
	st.gpr[RAX] = (uint32_t)r->rax; st.gpr[RBX] = (uint32_t)r->rbx;
	st.gpr[RCX] = (uint32_t)r->rcx; st.gpr[RDX] = (uint32_t)r->rdx;
	st.gpr[RSI] = (uint32_t)r->rsi; st.gpr[RDI] = (uint32_t)r->rdi;
	st.gpr[RBP] = (uint32_t)r->rbp; st.gpr[RSP] = (uint32_t)r->rsp;
	st.rip = (uint32_t)r->rip;
	st.rflags = 2;
	st.cr0 = 0x11;   /* PE, ET */
	for (int s = SEG_ES; s <= SEG_GS; s++)
		st.seg[s] = (struct cpu_seg){ .base = 0, .limit = 0xffffffff, .sel = 0x10,
					      .attr = 0xc093 };
	st.seg[SEG_CS] = (struct cpu_seg){ .base = 0, .limit = 0xffffffff, .sel = 0x08,
					   .attr = 0xc09b };
	st.seg[SEG_TR] = (struct cpu_seg){ .base = 0, .limit = 0x67, .sel = 0x18, .attr = 0x8b };
	st.cpl = 0;
	cpu_set_state(cpu, &st);
}

static void vcpus_create(struct hvm *h)
{
	for (uint32_t i = 0; i < h->boot.max_vcpus; i++) {
		struct hvm_vcpu *v = &h->vcpus[i];

		v->h = h;
		v->id = i;
		v->fd = HVM_VCPU_FD(i);
		atomic_init(&v->sipi_vector, -1);
		atomic_init(&v->state, i == 0 ? VCPU_RUNNING : VCPU_WAIT_SIPI);
		v->cpu = cpu_create(h->ranges, h->nranges, &hvm_cpu_ops, v);
		if (!v->cpu || (i && cpu_share_code(v->cpu, h->vcpus[0].cpu)))
			die("cpu");
		lapic_init(v);
		if (i == 0 && h->boot.flat32)
			vcpu0_flat32(h, v->cpu);
		if (pthread_create(&v->thread, NULL, hvm_vcpu_main, v))
			die("thread");
	}
}

/* What a running sandbox may do: talk on its descriptors, wait, map an
 * ioreq server's pages, manage its own memory. No file system, no new
 * processes, no network. */
static const char *const allowed[] = {
	"read", "write", "recvmsg", "sendmsg", "recvfrom", "sendto", "close",
	"futex", "poll", "ppoll", "clock_gettime", "clock_nanosleep", "nanosleep",
	"mmap", "munmap", "madvise", "mprotect", "brk", "sched_yield", "getcpu",
	"gettid", "getpid", "rt_sigreturn", "rt_sigprocmask", "restart_syscall",
	"exit", "exit_group",
	"sigaltstack", "sched_getaffinity",   /* the sanitizers' runtime (ASan) */
};

static void sandbox_enter(struct hvm *h)
{
	scmp_filter_ctx ctx;

	if (getuid() == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(h->boot.gid, h->boot.gid, h->boot.gid) < 0 ||
		    setresuid(h->boot.uid, h->boot.uid, h->boot.uid) < 0)
			die("privileges");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) < 0)
		die("seccomp");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);

		if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			die("seccomp rule");
	}
	if (seccomp_load(ctx) < 0)
		die("seccomp load");
	seccomp_release(ctx);
}

void hvm_gate_wait(void)
{
	while (!atomic_load(&gate))
		syscall(SYS_futex, &gate, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

/* Read and apply one message (recvmsg `flags`: 0 or MSG_DONTWAIT); returns
 * its type, 0 if none was read. */
static uint32_t ctl_message(struct hvm *h, int flags)
{
	char cbuf[CMSG_SPACE(sizeof(int) * (PRIVCMD_MAX_VCPUS + 2))];
	struct hvm_ctl m;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	int fds[PRIVCMD_MAX_VCPUS + 2], nfds = 0;
	ssize_t r = recvmsg(HVM_CTL_FD, &msg, MSG_CMSG_CLOEXEC | flags);

	if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
		_exit(0);     /* vmhv went away */
	if (r != (ssize_t)sizeof(m))
		return 0;
	if (m.type == HVM_CTL_SAVE || m.type == HVM_CTL_THAW) {
		/* No lock: the vCPUs finish what they do to park. A vCPU that
		 * read it leaves the answer to the main thread. */
		if (m.type == HVM_CTL_THAW) {
			hvm_thaw(h);
		} else {
			atomic_store(&h->save_req, true);
			if (write(h->save_pipe[1], "s", 1) < 0)
				atomic_store(&h->save_req, true);
		}
		return m.type;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)nfds);
		}
	pthread_mutex_lock(&h->lock);
	switch (m.type) {
	case HVM_CTL_IRQ:
		if (m.a == PRIVCMD_IRQ_ISA)
			irq_isa_set(h, m.b & 15, m.c);
		else
			irq_gsi_set(h, m.b % 24, m.c);
		break;
	case HVM_CTL_MSI:
		irq_msi(h, m.addr, m.a);
		break;
	case HVM_CTL_PARAM:
		pvhvm_param(h, m.a, m.addr);
		break;
	case HVM_CTL_LINK:
		pvhvm_link(h, m.a, m.b);
		break;
	case HVM_CTL_UPCALL:
		pvhvm_upcall(h, m.a, m.addr);
		break;
	case HVM_CTL_MAP:
		pvhvm_map(h, m.a, m.addr);
		break;
	case HVM_CTL_START:
		break;
	case HVM_CTL_VCPUS:
		hvm_vcpus_absent(h, m.addr);
		break;
	case HVM_CTL_VCPU_DOWN:
		hvm_vcpu_down(h, m.a, m.b != 0);
		break;
	case HVM_CTL_VRAM:
		vram_ctl(h, &m, fds, nfds);
		nfds = 0;
		break;
	default:
		ioreq_ctl(h, &m, fds, nfds);
		nfds = 0;
		break;
	}
	pthread_mutex_unlock(&h->lock);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	return m.type;
}

void hvm_ctl_drain(struct hvm *h)
{
	pthread_mutex_lock(&h->ctl_lock);
	while (ctl_message(h, MSG_DONTWAIT))
		;
	pthread_mutex_unlock(&h->ctl_lock);
}

/* The platform timers (PIT, RTC): fire what is due, sleep until the next
 * deadline or a control message. */
static void main_loop(struct hvm *h)
{
	for (;;) {
		uint64_t now = hvm_now(), next = 0, t;
		struct pollfd p[2] = { { .fd = HVM_CTL_FD, .events = POLLIN },
				       { .fd = h->save_pipe[0], .events = POLLIN } };
		int ms;
		char c;

		/* Frozen, the platform's clocks stand still with the vCPUs. */
		pthread_mutex_lock(&h->lock);
		if (!atomic_load(&h->freeze)) {
			next = pit_tick(h, now);
			t = rtc_tick(h, now);
			if (t && (!next || t < next))
				next = t;
		}
		pthread_mutex_unlock(&h->lock);
		ms = !next ? 1000 : next <= now ? 0 : (int)((next - now + 999999) / 1000000);
		if (ms > 1000)
			ms = 1000;
		if (poll(p, 2, ms) > 0) {
			if (p[0].revents & (POLLHUP | POLLERR))
				_exit(0);
			if (p[1].revents & POLLIN && read(h->save_pipe[0], &c, 1) < 0)
				continue;
			hvm_ctl_drain(h);
		}
		if (atomic_exchange(&h->save_req, false))
			hvm_save_send(h);
	}
}

int main(void)
{
	static struct hvm h;

	pthread_mutex_init(&h.lock, NULL);
	pthread_mutex_init(&h.ctl_lock, NULL);
	for (uint32_t i = 0; i < PRIVCMD_IOREQ_MAX_SERVERS; i++)
		h.servers[i].memfd = -1;
	h.log_budget = 200;
	pvhvm_init(&h);
	atomic_init(&h.vram_gpa, PRIVCMD_VRAM_NOWHERE);
	boot_read(&h);
	h.start_ns = hvm_now();
	pic_init(&h);
	pit_init(&h);
	rtc_init(&h);
	ioapic_init(&h);
	if (pipe2(h.save_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		die("pipe");
	vcpus_create(&h);
	if (h.boot.context && hvm_load_recv(&h) < 0)
		die("hvm context");
	sandbox_enter(&h);
	/* The ioreq servers that exist must be known before a vCPU runs. */
	while (ctl_message(&h, 0) != HVM_CTL_START)
		;
	hvm_vcpus_report(&h);
	atomic_store(&gate, 1);
	syscall(SYS_futex, &gate, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
	main_loop(&h);
	return 0;
}
