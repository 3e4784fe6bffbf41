/* Expands optab.def into the two dispatch tables the decoder uses. The GNU
 * range designators let one line fill every selector slot it covers. */
#include "hypervisor/cpu/optab.h"

#define ANY SEL_NONE, 0, 15
#define R(n) SEL_REG, n, n
#define P(x) SEL_PFX, PFX_##x, PFX_##x
#define PR(x, n) SEL_PFX_REG, (PFX_##x == PFX_66 ? 8 : 0) + n, (PFX_##x == PFX_66 ? 8 : 0) + n

/* `sel` expands to "kind, lo, hi" before these see it */
#define KIND_(map, opcode, name, kind, lo, hi) [map][opcode] = kind,
#define KIND(map, opcode, name, ...) KIND_(map, opcode, name, __VA_ARGS__)
#define FN_(map, opcode, name, kind, lo, hi) [map][opcode][lo ... hi] = op_##name,
#define FN(map, opcode, name, ...) FN_(map, opcode, name, __VA_ARGS__)

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#ifdef __clang__
#pragma clang diagnostic ignored "-Winitializer-overrides"
#endif

const uint8_t optab_select[4][256] = {
#define OP(map, opcode, sel, name) KIND(map, opcode, name, sel)
#include "hypervisor/cpu/optab.def"
#undef OP
};

static const op_fn optab[4][256][16] = {
#define OP(map, opcode, sel, name) FN(map, opcode, name, sel)
#include "hypervisor/cpu/optab.def"
#undef OP
};

#pragma GCC diagnostic pop

op_fn optab_lookup(unsigned map, unsigned op, unsigned sel)
{
	op_fn fn = optab[map & 3][op & 255][sel & 15];

	return fn ? fn : op_ud;
}
