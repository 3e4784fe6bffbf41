/* The console shell. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"
#include "shell.h"
#include "bench.h"
#include "blkfront.h"
#include "netfront.h"
#include "net.h"
#include "fbfront.h"
#include "draw.h"
#include "modes.h"
#include "vmctl/xen/version.h"

#define MAX_WORDS 8

typedef void (*shell_fn)(struct kernel *k, int argc, char **argv);

#define SHELL_CMD(name, usage, help) \
	static void cmd_##name(struct kernel *k, int argc, char **argv);
#include "shell.def"
#undef SHELL_CMD

static const struct shell_cmd {
	const char *name, *usage, *help;
	shell_fn fn;
} commands[] = {
#define SHELL_CMD(name, usage, help) { #name, usage, help, cmd_##name },
#include "shell.def"
#undef SHELL_CMD
};

static void prompt(struct kernel *k)
{
	printk("vmctl> ");
}

void shell_run(struct kernel *k, char *line)
{
	char *argv[MAX_WORDS];
	int argc = str_split(line, argv, MAX_WORDS);

	if (!argc)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			commands[i].fn(k, argc, argv);
			return;
		}
	}
	printk("unknown command '%s' (try help)\n", argv[0]);
}

static void shell_line(struct kernel *k, char *line)
{
	shell_run(k, line);
	prompt(k);
}

/* run=CMD;CMD;... on the command line: commands to run first, words
 * separated by commas (the command line itself splits at blanks). */
static void run_option(struct kernel *k)
{
	const char *run = options_get(&k->opt, "run", NULL);
	char buf[256], *line = buf;

	if (!run)
		return;
	strlcpy(buf, run, sizeof(buf));
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = ' ';
	while (line) {
		char *next = strchr(line, ';');

		if (next)
			*next++ = '\0';
		printk("vmctl> %s\n", line);
		shell_run(k, line);
		line = next;
	}
}

void shell_start(struct kernel *k)
{
	run_option(k);
	k->con.echo = true;
	k->con.on_line = shell_line;
	printk("type 'help' for commands\n");
	prompt(k);
}

static void usage(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			printk("usage: %s\n", commands[i].usage);
}

/* A number argument, or complain and return false. */
static bool arg_num(const char *s, unsigned long long *v)
{
	if (s && str_to_ull(s, v) == 0)
		return true;
	printk("not a number: %s\n", s ? s : "(missing)");
	return false;
}

static void cmd_help(struct kernel *k, int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printk("  %-40s %s\n", commands[i].usage, commands[i].help);
	printk("modes (mode= on the command line):");
	modes_list(k);
}

static void cmd_info(struct kernel *k, int argc, char **argv)
{
	long ver = hv_xen_version(XENVER_version, NULL);

	printk("vmctl PV kernel %s on %s (xen %ld.%ld)\n", KERNEL_VERSION,
	       k->si->magic, ver >> 16, ver & 0xffff);
	printk("vcpus: %u online of %u\n", k->smp.online, k->smp.possible);
	printk("xenstore: ring %s, port %u, %lu requests\n",
	       k->xb.ring ? "up" : "down", k->xb.port,
	       (unsigned long)k->xb.requests);
	printk("console: port %u, %s%s\n", k->con.port,
	       k->con.ring ? "ring" : "hypervisor",
	       k->con.ring && k->con.to_hv ? "+hypervisor" : "");
	printk("grant table: %u frames, %u refs in use\n", k->gt.nr_frames,
	       k->gt.in_use);
	printk("devices: %d vbd, %d vif, %s vfb, %s vkbd\n", k->dev.nr_blk,
	       k->dev.nr_net, k->dev.fb ? "1" : "no", k->dev.kbd ? "1" : "no");
	printk("suspends: %lu (cancelled %lu)\n", (unsigned long)k->ctl.suspends,
	       (unsigned long)k->ctl.cancelled);
	printk("options:");
	for (int i = 0; i < k->opt.n; i++)
		printk(" %s=%s", k->opt.key[i], k->opt.val[i]);
	printk("\n");
}

static void cmd_mem(struct kernel *k, int argc, char **argv)
{
	struct mm *m = &k->mm;

	printk("total: %lu KiB (%lu pages)\n", m->nr_pages * 4, m->nr_pages);
	printk("boot region: %lu KiB, free: %lu KiB\n", m->first_free * 4,
	       m->free_pages * 4);
	printk("balloon: %lu KiB given back, target %lu KiB\n",
	       k->bal.nr_out * 4, k->bal.target * 4);
}

static void cmd_time(struct kernel *k, int argc, char **argv)
{
	uint64_t now = time_now(k);
	uint32_t ns;
	uint64_t wall = time_wall(k, &ns);
	uint64_t up = now - k->boot_ns;

	printk("system time: %lu.%09lu s\n", (unsigned long)(now / NSEC_PER_SEC),
	       (unsigned long)(now % NSEC_PER_SEC));
	printk("wall clock: %lu.%09u s since the epoch\n", (unsigned long)wall, ns);
	printk("uptime: %lu.%03lu s\n", (unsigned long)(up / NSEC_PER_SEC),
	       (unsigned long)(up % NSEC_PER_SEC / NSEC_PER_MSEC));
}

static void cmd_sleep(struct kernel *k, int argc, char **argv)
{
	unsigned long long ms;
	uint64_t t0;

	if (!arg_num(argc > 1 ? argv[1] : NULL, &ms))
		return;
	t0 = time_now(k);
	sched_sleep(k, ms * NSEC_PER_MSEC);
	printk("slept %lu us\n", (unsigned long)((time_now(k) - t0) / 1000));
}

static void cmd_events(struct kernel *k, int argc, char **argv)
{
	printk("upcalls: %lu, spurious: %lu, timer events: %lu\n",
	       (unsigned long)k->ev.upcalls, (unsigned long)k->ev.spurious,
	       (unsigned long)k->clk.fired);
	for (unsigned int p = 1; p < EVENTS_MAX_PORTS; p++)
		if (k->ev.port[p].fn)
			printk("  port %u: vcpu %u, %lu events\n", p,
			       k->ev.port[p].vcpu, (unsigned long)k->ev.port[p].count);
}

static void xs_list(struct kernel *k, const char *path)
{
	char names[1024];
	int n = xenbus_directory(k, XBT_NIL, path, names, sizeof(names));

	if (n < 0) {
		printk("error %d\n", n);
		return;
	}
	for (const char *s = names; n-- > 0; s += strlen(s) + 1)
		printk("%s\n", s);
}

static void cmd_xs(struct kernel *k, int argc, char **argv)
{
	char buf[512];
	int rc;

	if (argc < 3) {
		usage("xs");
		return;
	}
	if (strcmp(argv[1], "read") == 0) {
		rc = xenbus_read(k, XBT_NIL, argv[2], buf, sizeof(buf));
		if (rc >= 0)
			printk("%s\n", buf);
	} else if (strcmp(argv[1], "write") == 0 && argc > 3) {
		rc = xenbus_write(k, XBT_NIL, argv[2], argv[3]);
	} else if (strcmp(argv[1], "ls") == 0) {
		xs_list(k, argv[2]);
		return;
	} else if (strcmp(argv[1], "rm") == 0) {
		rc = xenbus_rm(k, XBT_NIL, argv[2]);
	} else {
		usage("xs");
		return;
	}
	if (rc < 0)
		printk("error %d\n", rc);
}

static struct blkfront *blk_arg(struct kernel *k, const char *s)
{
	unsigned long long i;

	if (!arg_num(s, &i))
		return NULL;
	if (i >= (unsigned long long)k->dev.nr_blk || !k->dev.blk[i]->connected) {
		printk("no block device %llu\n", i);
		return NULL;
	}
	return k->dev.blk[i];
}

static void blk_list(struct kernel *k)
{
	if (!k->dev.nr_blk)
		printk("no block devices\n");
	for (int i = 0; i < k->dev.nr_blk; i++) {
		struct blkfront *b = k->dev.blk[i];

		printk("%d: %s %s %lu sectors of %u bytes (%lu MiB)%s%s; "
		       "%lu reads, %lu writes, %lu errors; %lu pages direct, %lu bounced\n",
		       i, b->nodename,
		       b->connected ? "connected" : "down",
		       (unsigned long)b->sectors, b->sector_size,
		       (unsigned long)(b->sectors >> 11),
		       b->info & VDISK_READONLY ? " ro" : "",
		       b->feature_flush ? " flush" : "",
		       (unsigned long)b->reads, (unsigned long)b->writes,
		       (unsigned long)b->errors, (unsigned long)b->direct_pages,
		       (unsigned long)b->bounced_pages);
	}
}

static void hexdump(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		printk("%04lx:", (unsigned long)i);
		for (size_t j = i; j < i + 16 && j < len; j++)
			printk(" %02x", p[j]);
		printk("\n");
	}
}

/* blk read D S [N] / blk write D S PAT [N]: N sectors of 512 bytes. */
static void blk_rw_cmd(struct kernel *k, bool write, int argc, char **argv)
{
	unsigned long long sector, n = 1, pat = 0;
	struct blkfront *b = blk_arg(k, argv[2]);
	int nidx = write ? 5 : 4;
	uint8_t *buf;
	int rc;

	if (!b || !arg_num(argv[3], &sector))
		return;
	if (write && !arg_num(argc > 4 ? argv[4] : NULL, &pat))
		return;
	if (argc > nidx && !arg_num(argv[nidx], &n))
		return;
	if (!n || n > 2048) {
		printk("1 to 2048 sectors\n");
		return;
	}
	buf = mm_alloc_pages(k, (n * 512 + PAGE_SIZE - 1) / PAGE_SIZE, 1);
	if (!buf) {
		printk("out of memory\n");
		return;
	}
	if (write)
		memset(buf, (int)pat, n * 512);
	rc = blkfront_rw(k, b, write, sector, buf, n * 512);
	if (rc < 0)
		printk("error %d\n", rc);
	else if (!write)
		hexdump(buf, MIN(n * 512, 64ULL));
	printk("%s %llu sectors at %llu: %s, crc32 %08x\n",
	       write ? "wrote" : "read", n, sector, rc < 0 ? "failed" : "ok",
	       crc32(0, buf, n * 512));
	mm_free_pages(k, buf, (n * 512 + PAGE_SIZE - 1) / PAGE_SIZE);
}

static void cmd_blk(struct kernel *k, int argc, char **argv)
{
	unsigned long long mib = 16;
	struct blkfront *b;

	if (argc < 2 || strcmp(argv[1], "list") == 0) {
		blk_list(k);
	} else if (strcmp(argv[1], "read") == 0 && argc > 3) {
		blk_rw_cmd(k, false, argc, argv);
	} else if (strcmp(argv[1], "write") == 0 && argc > 4) {
		blk_rw_cmd(k, true, argc, argv);
	} else if (strcmp(argv[1], "flush") == 0 && argc > 2) {
		b = blk_arg(k, argv[2]);
		if (b)
			printk("flush: %d\n", blkfront_flush(k, b));
	} else if (strcmp(argv[1], "bench") == 0 && argc > 2) {
		b = blk_arg(k, argv[2]);
		if (b && (argc < 4 || arg_num(argv[3], &mib)))
			bench_blk(k, b, (unsigned int)mib);
	} else {
		usage("blk");
	}
}

static void cmd_net(struct kernel *k, int argc, char **argv)
{
	char ip[16];

	for (int i = 0; i < k->dev.nr_net; i++) {
		struct netfront *nf = k->dev.net[i];
		struct net_stats *s = &nf->stats;

		printk("%d: %s %s mac %02x:%02x:%02x:%02x:%02x:%02x ip %s\n", i,
		       nf->nodename, nf->connected ? "connected" : "down",
		       nf->mac[0], nf->mac[1], nf->mac[2], nf->mac[3], nf->mac[4],
		       nf->mac[5], net_format_ip(nf->ip, ip));
		printk("   rx %lu packets %lu bytes %lu errors %lu dropped\n",
		       (unsigned long)s->rx_packets, (unsigned long)s->rx_bytes,
		       (unsigned long)s->rx_errors, (unsigned long)s->rx_dropped);
		printk("   tx %lu packets %lu bytes %lu errors %lu ring-full\n",
		       (unsigned long)s->tx_packets, (unsigned long)s->tx_bytes,
		       (unsigned long)s->tx_errors, (unsigned long)s->tx_busy);
		printk("   arp replies %lu, icmp echo %lu, udp echo %lu, other %lu\n",
		       (unsigned long)s->arp_replies, (unsigned long)s->icmp_echo,
		       (unsigned long)s->udp_echo, (unsigned long)s->unknown);
	}
	if (!k->dev.nr_net)
		printk("no network interfaces\n");
}

static void cmd_draw(struct kernel *k, int argc, char **argv)
{
	if (!k->dev.fb || !k->dev.fb->connected) {
		printk("no framebuffer\n");
		return;
	}
	draw_test_picture(k, k->dev.fb);
	printk("drawn %dx%d\n", k->dev.fb->width, k->dev.fb->height);
}

static void cmd_cpus(struct kernel *k, int argc, char **argv)
{
	unsigned long long n = 1000000;
	int ok;

	if (argc > 1 && strcmp(argv[1], "spin") == 0) {
		smp_spin(k, argc < 3 || strcmp(argv[2], "off") != 0);
		return;
	}
	for (unsigned int id = 0; id < MAX_CPUS; id++) {
		struct cpu *c = k->cpus[id];

		if (!c)
			continue;
		printk("vcpu %u: %s, %lu upcalls, %lu IPIs\n", id, c->online ? "online" : "offline",
		       (unsigned long)c->upcalls, (unsigned long)c->ipis);
		if (c->spins)
			printk("spin: vcpu %u count %llu token %llx sp %llx\n", id,
			       (unsigned long long)c->spins, (unsigned long long)c->spin_token,
			       (unsigned long long)c->spin_sp);
	}
	if (argc > 1 && !arg_num(argv[1], &n))
		return;
	if (k->smp.online < 2)
		return;
	ok = smp_run_work(k, n);
	printk("per-CPU work: %d of %u secondaries answered correctly\n", ok,
	       k->smp.online - 1);
}

static void cmd_bench(struct kernel *k, int argc, char **argv)
{
	bool all = argc < 2;

	if (all || strcmp(argv[1], "cpu") == 0) {
		bench_cpu(k);
		bench_hypercall(k);
	}
	if ((all || strcmp(argv[1], "blk") == 0) && k->dev.nr_blk)
		bench_blk(k, k->dev.blk[0], 16);
}

static void cmd_suspend(struct kernel *k, int argc, char **argv)
{
	control_suspend(k);
}

static void cmd_reboot(struct kernel *k, int argc, char **argv)
{
	control_halt(k, SHUTDOWN_reboot);
}

static void cmd_poweroff(struct kernel *k, int argc, char **argv)
{
	control_halt(k, SHUTDOWN_poweroff);
}
