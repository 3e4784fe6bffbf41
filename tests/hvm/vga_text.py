#!/usr/bin/env python3
"""Read the text on a screenshot of a VGA text mode, as a person would.

    vga_text.py VGABIOS.rom SCREEN.ppm

SCREEN.ppm is what a VNC client saw (tests/vnc/vnc_client's "dump", binary
PPM) of an 80-column, 16-line-per-character text mode: 720 or 640 pixels
wide. The glyphs are the 8x16 font SeaVGABIOS loads into the VGA, taken
from the VGA BIOS image itself (the 4 KiB table whose glyph 0 and glyph
0x20 are blank and whose glyph 0xdb, the full block, is all ones: there is
exactly one). Each character cell's first 8 pixel columns (a 9th column is
the VGA's gap or the line-drawing extension) are split into two colours;
the cell's bitmap, either way round, must equal a glyph of the font. A cell
with the cursor (a run of full rows in its lower half) is read without it.
A cell that matches no glyph prints as '?', so noise cannot pass for text.

Prints the screen's text, one line per character row, trailing blanks
removed. Exit status 2 when the files cannot be read."""
import sys

COLS = 80
CELL_H = 16


def font_table(rom):
    blank = bytes(16)
    for off in range(0, len(rom) - 4096 + 1):
        if (rom[off:off + 16] == blank and rom[off + 0x200:off + 0x210] == blank
                and rom[off + 0xdb0:off + 0xdc0] == b'\xff' * 16):
            return rom[off:off + 4096]
    raise ValueError("no 8x16 font in the VGA BIOS")


def glyph_map(font):
    """bitmap (16 bytes) -> character; printable ASCII wins over the rest."""
    glyphs = {}
    order = list(range(0x20, 0x7f)) + [c for c in range(256) if not 0x20 <= c < 0x7f]
    for c in order:
        glyphs.setdefault(font[c * 16:c * 16 + 16], chr(c) if 0x20 <= c < 0x7f else '.')
    return glyphs


def read_ppm(path):
    data = open(path, 'rb').read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    if fields[0] != b'P6' or fields[3] != b'255':
        raise ValueError("not a binary 8-bit PPM")
    w, h = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + 3 * w * h]
    if len(pixels) != 3 * w * h:
        raise ValueError("short PPM")
    return w, h, pixels


def cell_bitmaps(w, pixels, x0, y0):
    """The cell's two bitmaps (one per colour taken as the foreground)."""
    rows = []
    for y in range(y0, y0 + CELL_H):
        base = 3 * (y * w + x0)
        rows.append([pixels[base + 3 * x:base + 3 * x + 3] for x in range(8)])
    colours = {p for row in rows for p in row}
    if len(colours) > 2:
        return []
    if len(colours) == 1:
        return [bytes(16)]         # blank (a full block reads as blank too)
    return [bytes(sum(0x80 >> x for x in range(8) if row[x] == fg) for row in rows)
            for fg in colours]


def read_cell(glyphs, bitmaps):
    for bm in bitmaps:
        if bm in glyphs:
            return glyphs[bm]
    for bm in bitmaps:   # the cursor: a run of full rows in the lower half
        for first in range(CELL_H // 2, CELL_H):
            for last in range(first, CELL_H):
                if bm[last] != 0xff:
                    break
                rows = bm[:first] + bytes(last - first + 1) + bm[last + 1:]
                if rows in glyphs:
                    return glyphs[rows]
    return '?'


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: vga_text.py VGABIOS.rom SCREEN.ppm\n")
        return 2
    try:
        glyphs = glyph_map(font_table(open(sys.argv[1], 'rb').read()))
        w, h, pixels = read_ppm(sys.argv[2])
    except (OSError, ValueError) as e:
        sys.stderr.write("vga_text.py: %s\n" % e)
        return 2
    if w % COLS or w // COLS not in (8, 9):
        sys.stderr.write("vga_text.py: %dx%d is not an 80-column text mode\n" % (w, h))
        return 2
    cw = w // COLS
    for r in range(h // CELL_H):
        line = ''.join(read_cell(glyphs, cell_bitmaps(w, pixels, c * cw, r * CELL_H))
                       for c in range(COLS))
        print(line.rstrip())
    return 0


if __name__ == '__main__':
    sys.exit(main())
