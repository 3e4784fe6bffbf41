/* The 93C46 read protocol: with CS high, on each rising clock edge the
 * chip samples DI: zeros until a start bit 1, then two opcode bits (10 =
 * READ) and six address bits; the next 16 rising edges show the word,
 * most significant bit first, on DO (drivers read DO after raising the
 * clock). Dropping CS ends the command. */
#include "devmodel/dev/eeprom93.h"

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
