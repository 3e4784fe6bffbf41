/* Keysym -> Linux key code, from keymap.def. */
#include "pvfb-vnc/keymap.h"
#include "common/util.h"

#include <linux/input-event-codes.h>
#include <rfb/keysym.h>

static const struct keymap_entry {
	uint32_t keysym;
	uint16_t code;
} keymap[] = {
#define KEYMAP(sym, code) { sym, code },
#include "pvfb-vnc/keymap.def"
#undef KEYMAP
};

/* A key press is rare enough for a linear search of ~170 entries. */
uint32_t keymap_lookup(uint32_t keysym)
{
	for (size_t i = 0; i < ARRAY_SIZE(keymap); i++)
		if (keymap[i].keysym == keysym)
			return keymap[i].code;
	return 0;
}
