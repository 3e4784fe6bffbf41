/* The 93C46 read protocol: with CS high, on each rising clock edge the
 * chip samples DI: zeros until a start bit 1, then two opcode bits (10 =
 * READ) and six address bits; the next 16 rising edges show the word,
 * most significant bit first, on DO (drivers read DO after raising the
 * clock). Dropping CS ends the command. */
#include "devmodel/dev/eeprom93.h"
#include "devmodel/dm_save.h"

#include <string.h>

#define OP_READ 2u
#define CMD_BITS 8u                 /* opcode (2) + address (6) */

static void eeprom93_edge(struct eeprom93 *e, bool din)
{
	if (e->out_bit >= 0) {
		e->dout = (e->out >> e->out_bit) & 1;
		e->out_bit--;
		return;
	}
	if (!e->started) {
		e->started = din;
		return;
	}
	if (e->nbits >= CMD_BITS)
		return;   /* a command we do not do: wait for the deselect */
	e->cmd = (uint16_t)(e->cmd << 1 | din);
	if (++e->nbits == CMD_BITS && (e->cmd >> 6) == OP_READ) {
		e->out = e->word[e->cmd & (EEPROM93_WORDS - 1)];
		e->out_bit = 15;
		e->dout = 0;   /* the dummy zero before the data */
	}
}

bool eeprom93_pins(struct eeprom93 *e, bool cs, bool sk, bool din)
{
	if (!cs) {
		e->started = false;
		e->nbits = 0;
		e->cmd = 0;
		e->out_bit = -1;
		e->dout = true;   /* ready */
	} else if (sk && !e->sk) {
		eeprom93_edge(e, din);
	}
	e->cs = cs;
	e->sk = sk;
	return e->dout;
}

/* ---- save and restore (devmodel/dm_save.h) ---- */

struct eeprom93_wire {
	uint16_t word[EEPROM93_WORDS];
	uint16_t cmd, out;
	int32_t out_bit;
	uint32_t nbits;
	uint8_t cs, sk, dout, started;
};
_Static_assert(sizeof(struct eeprom93_wire) == 144, "eeprom93_wire size");

void eeprom93_save(const struct eeprom93 *e, struct dm_sbuf *b)
{
	struct eeprom93_wire w = {
		.cmd = e->cmd, .out = e->out, .out_bit = e->out_bit, .nbits = e->nbits,
		.cs = e->cs, .sk = e->sk, .dout = e->dout, .started = e->started,
	};

	memcpy(w.word, e->word, sizeof(w.word));
	dm_sbuf_put(b, &w, sizeof(w));
}

size_t eeprom93_load(struct eeprom93 *e, const void *p, size_t len)
{
	const struct eeprom93_wire *w = p;

	if (len < sizeof(*w) || w->out_bit < -1 || w->out_bit > 15 || w->nbits > CMD_BITS)
		return 0;
	memcpy(e->word, w->word, sizeof(e->word));
	e->cmd = w->cmd; e->out = w->out; e->out_bit = w->out_bit; e->nbits = w->nbits;
	e->cs = w->cs != 0; e->sk = w->sk != 0; e->dout = w->dout != 0;
	e->started = w->started != 0;
	return sizeof(*w);
}
