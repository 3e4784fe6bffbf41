#!/usr/bin/env python3
"""stream_vcpus.py FILE: the vCPU numbers of a domain stream's VCPU records
(include/vmctl/stream.h), in order, on one line."""
import struct
import sys

REC_END, REC_VCPU = 0, 4

with open(sys.argv[1], "rb") as f:
    data = f.read()
if data[:8] != b"VMCTLDOM":
    sys.exit("not a domain stream")
off, vcpus = 32, []
while off + 16 <= len(data):
    rtype, _crc, length = struct.unpack_from("<IIQ", data, off)
    off += 16
    if rtype == REC_END:
        break
    if rtype == REC_VCPU:
        vcpus.append(str(struct.unpack_from("<I", data, off)[0]))
    off += (length + 7) & ~7
print(" ".join(vcpus))
