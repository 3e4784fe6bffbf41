/* Decoder lengths: fixed cases checked by hand, then random byte streams in
 * 16-, 32- and 64-bit mode compared with Capstone's lengths.
 *
 * Deliberate exclusions (counted and printed, never compared):
 *  - VEX/EVEX/XOP-encoded instructions (AVX and later): the soft CPU does not
 *    implement them and raises #UD, so it does not size them;
 *  - streams Capstone cannot decode (we only check what it decodes);
 *  - the encodings listed in known_diff(), each with the reason. */
#include "hypervisor/cpu/decode.h"
/* tap.h's diag() has no format attribute: clang -Wformat-nonliteral */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fixed {
	int mode;
	const char *hex;
	int len;
};

static const struct fixed fixed_cases[] = {
	{ 64, "90", 1 },
	{ 64, "4889e5", 3 },                    /* mov rbp, rsp */
	{ 64, "48b88877665544332211", 10 },     /* movabs rax, imm64 */
	{ 64, "8b0425efbeadde", 7 },            /* mov eax, [disp32] via SIB */
	{ 64, "8b05efbeadde", 6 },              /* mov eax, [rip+disp32] */
	{ 64, "66c7442408ffff", 7 },            /* mov word [rsp+8], imm16 */
	{ 64, "f30f6f0410", 5 },                /* movdqu xmm0, [rax+rdx] */
	{ 64, "660f3a0fc108", 6 },              /* palignr */
	{ 64, "c8100001", 4 },                  /* enter */
	{ 64, "a1efbeaddeefbeadde", 9 },        /* mov eax, moffs64 */
	{ 64, "67a1efbeadde", 6 },              /* mov eax, moffs32 */
	{ 64, "f6c101", 3 },                    /* test cl, 1 */
	{ 64, "f7d1", 2 },                      /* not ecx */
	{ 32, "66b83412", 4 },                  /* mov ax, imm16 */
	{ 32, "9a78563412cdab", 7 },            /* call far ptr16:32 */
	{ 16, "9a34127856", 5 },                /* call far ptr16:16 */
	{ 16, "8b4600", 3 },                    /* mov ax, [bp+0] */
	{ 16, "8b0e3412", 4 },                  /* mov cx, [disp16] */
	{ 16, "678b0424", 4 },                  /* mov ax, [esp] */
	{ 32, "c4c0", DECODE_UD },              /* VEX in 32-bit mode */
	{ 64, "06", DECODE_UD },                /* push es */
	{ 64, "666666666666666666666666666690", 15 },
	{ 64, "66666666666666666666666666666690", DECODE_GP },
};

static int unhex(const char *s, uint8_t *out)
{
	int n = 0;

	for (; s[0] && s[1]; s += 2)
		out[n++] = (uint8_t)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
	return n;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint8_t prefixes[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65 };

static void random_stream(uint8_t *b, int mode)
{
	int i = 0, np = rnd() % 4;

	for (int k = 0; k < 16; k++)
		b[k] = rnd();
	for (int k = 0; k < np && rnd() % 2; k++)
		b[i++] = prefixes[rnd() % sizeof(prefixes)];
	if (mode == 64 && rnd() % 3 == 0)
		b[i++] = 0x40 | (rnd() & 15);
	switch (rnd() % 4) {
	case 0: b[i++] = 0x0f; break;
	case 1: b[i++] = 0x0f; b[i++] = rnd() % 2 ? 0x38 : 0x3a; break;
	default: break;
	}
	/* bias toward memory operands with SIB */
	if (rnd() % 4 == 0)
		b[i + 1] = (b[i + 1] & 0xf8) | 4;
}

/* Skip legacy prefixes and REX; returns the opcode position. */
static int opcode_pos(const uint8_t *b, int mode, bool *p66, bool *p67, bool *rep)
{
	int i = 0;

	*p66 = *p67 = *rep = false;
	for (; i < 14; i++) {
		if (b[i] == 0x66)
			*p66 = true;
		if (b[i] == 0x67)
			*p67 = true;
		if (b[i] == 0xf2 || b[i] == 0xf3)
			*rep = true;
		else if (!memchr(prefixes, b[i], sizeof(prefixes)) &&
			 !(mode == 64 && (b[i] & 0xf0) == 0x40))
			break;
	}
	return i;
}

/* Encodings where Capstone 4 and the manual we follow disagree. Each one
 * returns its reason; everything else must match exactly. */
static const char *known_diff(const uint8_t *b, int mode, int ours, int theirs)
{
	bool p66, p67, rep;
	int i = opcode_pos(b, mode, &p66, &p67, &rep);
	bool branch = b[i] == 0xe8 || b[i] == 0xe9 || b[i] == 0xc2 ||
		      (b[i] == 0x0f && (b[i + 1] & 0xf0) == 0x80);

	/* UD1 (0F B9 /r) and UD0 (0F FF /r) take a ModRM byte in the SDM;
	 * Capstone 4 sizes them as two bytes. Both raise #UD here anyway. */
	if (b[i] == 0x0f && (b[i + 1] == 0xb9 || b[i + 1] == 0xff) && theirs < ours)
		return "UD0/UD1 ModRM";
	/* 66 on a near CALL/JMP/Jcc in 64-bit mode: Intel ignores it (rel32),
	 * AMD and Capstone use rel16. We follow Intel, as our CPUID says. */
	if (mode == 64 && p66 && ours == theirs + 2 &&
	    (b[i] == 0xe8 || b[i] == 0xe9 || (b[i] == 0x0f && (b[i + 1] & 0xf0) == 0x80)))
		return "66 near branch in 64-bit mode";
	/* Capstone 4 bugs (binutils' objdump agrees with us): it drops 66 when
	 * F2/F3 is also present on a one-byte opcode, and mis-sizes CALL/JMP/
	 * RET imm16/Jcc under 67 in 64-bit mode. */
	if (p66 && rep && b[i] != 0x0f)
		return "capstone: 66 with F2/F3";
	if (mode == 64 && p67 && (branch || (b[i] == 0x0f && b[i + 1] == 0x78)))
		return "capstone: 67 on near branch or VMREAD";
	/* SSE4a EXTRQ/INSERTQ register forms carry two imm8 (objdump agrees) */
	if (b[i] == 0x0f && b[i + 1] == 0x78 && theirs == ours - 2)
		return "capstone: EXTRQ/INSERTQ immediates";
	/* RET imm16 always has a 16-bit immediate; Capstone 4 varies it */
	if (b[i] == 0xc2)
		return "capstone: RET imm16 size";
	return NULL;
}

static void hexdump(char *out, const uint8_t *b, int n)
{
	for (int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void run_random(int mode, int count)
{
	csh h;
	cs_insn *ci;
	int checked = 0, vex = 0, rejected = 0, excluded = 0, bad = 0;
	cs_mode cm = mode == 64 ? CS_MODE_64 : mode == 32 ? CS_MODE_32 : CS_MODE_16;

	if (cs_open(CS_ARCH_X86, cm, &h) != CS_ERR_OK) {
		ok(0, "capstone opens");
		return;
	}
	for (int n = 0; n < count; n++) {
		uint8_t b[16];
		size_t got;
		int ours, theirs;

		random_stream(b, mode);
		if (insn_is_vex(b, 15, mode)) {
			vex++;
			continue;
		}
		got = cs_disasm(h, b, 15, 0x1000, 1, &ci);
		if (got != 1) {
			rejected++;
			continue;
		}
		theirs = ci[0].size;
		cs_free(ci, got);
		ours = insn_length(b, 15, mode);
		if (ours == theirs) {
			checked++;
			continue;
		}
		if (known_diff(b, mode, ours, theirs)) {
			excluded++;
			continue;
		}
		if (bad++ < 20) {
			char hx[40];

			hexdump(hx, b, 15);
			diag("mode %d: %s: ours %d, capstone %d", mode, hx, ours, theirs);
		}
	}
	cs_close(&h);
	diag("mode %d: %d compared, %d VEX/EVEX skipped, %d rejected by capstone, %d known differences",
	     mode, checked, vex, rejected, excluded);
	ok(bad == 0 && checked > count / 3, "%d-bit: lengths agree with capstone (%d mismatches)", mode, bad);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(fixed_cases) / sizeof(fixed_cases[0]); i++) {
		const struct fixed *f = &fixed_cases[i];
		uint8_t b[32];
		int n = unhex(f->hex, b);

		is_int(insn_length(b, n, f->mode), f->len, "%d-bit %s", f->mode, f->hex);
	}
	run_random(16, 200000);
	run_random(32, 200000);
	run_random(64, 200000);
	return tap_done();
}
