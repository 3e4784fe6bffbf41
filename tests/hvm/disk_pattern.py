#!/usr/bin/env python3
"""disk_pattern.py FILE MIB: a raw disk image of MIB MiB in which every
32-bit word of sector N is N (little-endian), for guests that check what
they read (tests/hvm/guest/devices.c)."""
import struct
import sys

path, mib = sys.argv[1], int(sys.argv[2])
with open(path, 'wb') as f:
    for lba in range(mib * 2048):
        f.write(struct.pack('<I', lba) * 128)
