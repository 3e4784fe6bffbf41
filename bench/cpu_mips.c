/* Soft CPU speed: MIPS on CPU-bound guest code (an integer loop, a memcpy-
 * like loop, a run-length compressor), next to the same code run natively.
 * The kernels are copied byte for byte into guest RAM and run in long mode;
 * the instruction count comes from the soft CPU and is used for both sides.
 * With --qemu-image DIR it also writes each kernel as a bootable image for
 * bench/cpu_qemu.sh, which measures QEMU TCG on the same code. */
#include "bench/cpu_kernels.h"
#include "hypervisor/cpu/cpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAM_SIZE (16u << 20)
#define CODE_GPA 0x100000ull
#define BUF_GPA 0x400000ull
#define BUF_LEN (64u << 10)
#define STACK_TOP 0x80000ull
#define HLT_GPA 0x1000ull

typedef uint64_t (*kern_fn)(uint8_t *, uint64_t, uint64_t);

/* bench/cpu_qemu_stub.S */
extern const uint8_t qstub_start[], qstub_end[], qstub_kernel_off[], qstub_arg[];

struct kernel {
	const char *name;
	kern_fn fn;
	uint64_t arg;
};

static const struct kernel kernels[] = {
	{ "integer loop", kern_intloop, 2000000 },
	{ "memcpy loop", kern_memcpy, 400 },
	{ "RLE compression", kern_rle, 60 },
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* the machine is shared: CPU time */
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill(uint8_t *buf)
{
	uint64_t x = 12345;

	for (unsigned i = 0; i < BUF_LEN; i++) {
		x = x * 6364136223846793005ull + 1;
		buf[i] = (x >> 60) < 6 ? 'a' : (uint8_t)(x >> 56);   /* runs to compress */
	}
}

struct guest {
	uint8_t *ram;
	struct cpu *cpu;
	struct cpu_state base;
};

static int guest_init(struct guest *g)
{
	struct cpu_ram r;
	uint64_t *pml4, *pdpt;

	g->ram = aligned_alloc(4096, RAM_SIZE);
	if (!g->ram)
		return -1;
	memset(g->ram, 0, RAM_SIZE);
	pml4 = (uint64_t *)(g->ram + 0x2000);
	pdpt = (uint64_t *)(g->ram + 0x3000);
	pml4[0] = 0x3000 | 3;
	pdpt[0] = 0x83;                     /* 1 GiB identity page */
	g->ram[HLT_GPA] = 0xf4;
	memcpy(g->ram + CODE_GPA, __start_softcpu_kernels,
	       __stop_softcpu_kernels - __start_softcpu_kernels);
	r = (struct cpu_ram){ .gpa = 0, .size = RAM_SIZE, .host = g->ram };
	g->cpu = cpu_create(&r, 1, NULL, NULL);
	if (!g->cpu)
		return -1;
	cpu_get_state(g->cpu, &g->base);
	g->base.cr0 = 0x80010033;
	g->base.cr4 = 0x620;
	g->base.efer = 0x500;
	g->base.cr3 = 0x2000;
	g->base.seg[SEG_CS] = (struct cpu_seg){ .sel = 0x08, .limit = 0xffffffff, .attr = 0xa09b };
	g->base.seg[SEG_SS] = (struct cpu_seg){ .sel = 0x10, .limit = 0xffffffff, .attr = 0xc093 };
	g->base.cpl = 0;
	return 0;
}

/* Run one kernel as guest code; returns seconds, *insns retired. */
static double guest_run(struct guest *g, const struct kernel *k, uint64_t arg, uint64_t *insns,
			uint64_t *ret)
{
	struct cpu_state st = g->base;
	struct cpu_exit ex;
	uint64_t before = cpu_retired(g->cpu);
	double t0;

	fill(g->ram + BUF_GPA);
	st.rip = CODE_GPA + ((const uint8_t *)k->fn - __start_softcpu_kernels);
	st.gpr[RDI] = BUF_GPA;
	st.gpr[RSI] = BUF_LEN;
	st.gpr[RDX] = arg;
	st.gpr[RSP] = STACK_TOP - 8;
	memcpy(g->ram + STACK_TOP - 8, &(uint64_t){ HLT_GPA }, 8);
	cpu_set_state(g->cpu, &st);
	t0 = now();
	while (cpu_run(g->cpu, 0, &ex) == CPU_EXIT_INTERRUPTED)
		;
	t0 = now() - t0;
	cpu_get_state(g->cpu, &st);
	*insns = cpu_retired(g->cpu) - before;
	*ret = st.gpr[RAX];
	if (ex.reason != CPU_EXIT_HALT)
		fprintf(stderr, "%s: unexpected exit %d\n", k->name, ex.reason);
	return t0;
}

static double native_run(const struct kernel *k, uint64_t arg, uint64_t *ret)
{
	uint8_t *buf = aligned_alloc(4096, BUF_LEN);
	double t0;

	fill(buf);
	t0 = now();
	*ret = k->fn(buf, BUF_LEN, arg);
	t0 = now() - t0;
	free(buf);
	return t0;
}

/* A multiboot image running kernel k with argument arg (for QEMU). */
static int write_image(const char *path, const struct kernel *k, uint64_t arg)
{
	size_t size = 0x10000 + BUF_LEN, klen = __stop_softcpu_kernels - __start_softcpu_kernels;
	uint8_t *img = calloc(1, size);
	uint64_t off = (const uint8_t *)k->fn - __start_softcpu_kernels;
	FILE *f;
	int rc = -1;

	if (!img || klen > 0xf000)
		goto out;
	memcpy(img, qstub_start, qstub_end - qstub_start);
	memcpy(img + (qstub_kernel_off - qstub_start), &off, 8);
	memcpy(img + (qstub_arg - qstub_start), &arg, 8);
	memcpy(img + 0x1000, __start_softcpu_kernels, klen);
	fill(img + 0x10000);
	f = fopen(path, "wb");
	if (f) {
		rc = fwrite(img, 1, size, f) == size ? 0 : -1;
		fclose(f);
	}
out:
	free(img);
	return rc;
}

/* For bench/cpu_qemu.sh: one line per kernel with the soft CPU's figures
 * and two images (the full run and an empty one, to subtract start-up). */
static int qemu_images(struct guest *g, const char *dir)
{
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		const struct kernel *k = &kernels[i];
		char full[4096], empty[4096];
		uint64_t n_full, n_empty, ret, arg = k->arg * 10;   /* long enough to dwarf start-up */
		double t = guest_run(g, k, arg, &n_full, &ret);

		guest_run(g, k, 0, &n_empty, &ret);
		snprintf(full, sizeof(full), "%s/k%zu-full.img", dir, i);
		snprintf(empty, sizeof(empty), "%s/k%zu-empty.img", dir, i);
		if (write_image(full, k, arg) || write_image(empty, k, 0))
			return 1;
		printf("%s\t%.1f\t%llu\t%s\t%s\n", k->name, n_full / t / 1e6,
		       (unsigned long long)(n_full - n_empty), full, empty);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct guest g;
	uint64_t scale = 1;

	if (guest_init(&g)) {
		fprintf(stderr, "cannot set up the guest\n");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "--qemu-image"))
		return qemu_images(&g, argv[2]);
	if (argc == 2)   /* a divisor for quick runs (profiling) */
		scale = strtoull(argv[1], NULL, 0) ? strtoull(argv[1], NULL, 0) : 1;
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		const struct kernel *k = &kernels[i];
		uint64_t insns, gret, nret, arg = k->arg / scale;
		double ts = guest_run(&g, k, arg, &insns, &gret);
		double tn = native_run(k, arg, &nret);

		if (gret != nret)
			fprintf(stderr, "%s: results differ (guest %llx, native %llx)\n", k->name,
				(unsigned long long)gret, (unsigned long long)nret);
		printf("row\tsoft CPU MIPS: %s\t%.1f\tMIPS\tnative\t%.1f\n", k->name,
		       insns / ts / 1e6, insns / tn / 1e6);
		fprintf(stderr, "%s: %llu instructions, soft %.3f s, native %.4f s\n", k->name,
			(unsigned long long)insns, ts, tn);
	}
	cpu_destroy(g.cpu);
	free(g.ram);
	return 0;
}
