/* Drawing on the PV framebuffer: the test picture, text in a small built-in
 * font, the pointer cursor and the status line. */
#ifndef GUEST_DRAW_H
#define GUEST_DRAW_H

#include <stdint.h>

struct kernel;
struct fbfront;

#define FONT_W 6	/* glyph cell, pixels (5 + 1 spacing) */
#define FONT_H 8

/* Colour bars, a grey ramp, a border and a caption; sends one update. */
void draw_test_picture(struct kernel *k, struct fbfront *fb);

/* Text at (x, y), scaled by `scale`; returns the width drawn. */
int draw_text(struct fbfront *fb, int x, int y, const char *s,
	      uint32_t colour, int scale);

void draw_rect(struct fbfront *fb, int x, int y, int w, int h,
	       uint32_t colour);

/* Move the cursor to (x, y): restores what it covered, sends updates. */
void draw_cursor(struct kernel *k, struct fbfront *fb, int x, int y);

/* Rewrite the status line (last key, pointer position). */
void draw_status(struct kernel *k, struct fbfront *fb, const char *text);

#endif
