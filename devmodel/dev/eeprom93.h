/* A 93C46-style serial EEPROM (64 words of 16 bits, Microwire), as
 * both emulated NICs carry one for their MAC address and drivers read it
 * by toggling pins in a register: chip select, clock, data in, data out.
 * Only READ is implemented (drivers never write it); other commands are
 * ignored to the next deselect. */
#ifndef VMCTL_DEVMODEL_DEV_EEPROM93_H
#define VMCTL_DEVMODEL_DEV_EEPROM93_H

#include <stdbool.h>
#include <stdint.h>

#define EEPROM93_WORDS 64

struct eeprom93 {
	uint16_t word[EEPROM93_WORDS];
	bool cs, sk, dout;
	bool started;               /* the start bit came */
	unsigned nbits;             /* command bits after the start bit */
	uint16_t cmd;
	int out_bit;                /* next data bit to show (15..0), -1 none */
	uint16_t out;
};

/* The pins as the driver set them; returns the data-out pin. */
bool eeprom93_pins(struct eeprom93 *e, bool cs, bool sk, bool din);

#endif
