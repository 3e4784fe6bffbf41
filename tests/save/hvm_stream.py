#!/usr/bin/env python3
"""hvm_stream.py records FILE: the types of a domain stream's records, in
order, on one line (include/vmctl/stream.h).
hvm_stream.py corrupt FILE OUT WHAT: a copy whose record checksums are
right but whose hvm state is not: WHAT is "pit" (a PIT channel in mode 7
in the HVM_CONTEXT record), "cr0" (vCPU 0 with paging on and protection
off), "mxcsr" (a reserved MXCSR bit), "cs" (a data segment in CS, in
protected mode) or "emulator" (the device model's state names a device
nobody has).
hvm_stream.py drop-dm-section FILE OUT NAME: a copy without the device
model's state section NAME (devmodel/dm_save.h), as an older vmctl that
had no such section wrote it."""
import struct
import sys

REC_END, REC_HVM_CONTEXT, REC_EMULATOR = 0, 8, 9
HVM_SEC_CPU, HVM_SEC_PIT = 2, 6
# offsets in struct hvm_save_cpu (hypervisor/engines/hvm/hvm_save.h)
CPU_CS_ATTR, CPU_CR0, CPU_MXCSR = 144 + 16 + 14, 296, 796


def crc32c(crc, data):
    c = ~crc & 0xffffffff
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
    return ~c & 0xffffffff


def records(data):
    if data[:8] != b"VMCTLDOM":
        sys.exit("not a domain stream")
    off = 32
    while off + 16 <= len(data):
        rtype, _crc, length = struct.unpack_from("<IIQ", data, off)
        yield rtype, off, length
        if rtype == REC_END:
            return
        off += 16 + ((length + 7) & ~7)


def reseal(data, off, length):
    rtype, _crc, _ = struct.unpack_from("<IIQ", data, off)
    head = struct.pack("<IIQ", rtype, 0, length)
    crc = crc32c(crc32c(0, head), bytes(data[off + 16:off + 16 + length]))
    struct.pack_into("<I", data, off + 4, crc)


def section(data, off, want):
    """The offset of the body of the first section of type `want` in the
    HVM_CONTEXT record at `off`, or None."""
    body = off + 16
    sec = body + 16
    end = body + struct.unpack_from("<I", data, body + 12)[0]
    while sec + 16 <= end:
        stype, _ver, _inst, slen = struct.unpack_from("<HHII", data, sec)
        if stype == want:
            return sec + 16
        sec += 16 + ((slen + 7) & ~7)
    return None


def corrupt_context(data, off, what):
    if what == "pit":
        at = section(data, off, HVM_SEC_PIT)
        if at is not None:
            data[at + 4] = 7
        return at is not None
    at = section(data, off, HVM_SEC_CPU)
    if at is None:
        return False
    if what == "cr0":
        struct.pack_into("<Q", data, at + CPU_CR0, 0x80000010)
    elif what == "mxcsr":
        struct.pack_into("<I", data, at + CPU_MXCSR, 0xffff1f80)
    elif what == "cs":
        struct.pack_into("<H", data, at + CPU_CS_ATTR, 0xc093)
    return True


def record(rtype, body):
    out = bytearray(struct.pack("<IIQ", rtype, 0, len(body)) + body)
    out += bytes(-len(body) % 8)
    reseal(out, 0, len(body))
    return out


def drop_dm_section(data, name):
    """The stream with its EMULATOR records rewritten without `name`."""
    blob = b"".join(bytes(data[off + 16:off + 16 + n])
                    for t, off, n in records(data) if t == REC_EMULATOR)
    magic, version, _ = struct.unpack_from("<IIQ", blob, 0)
    kept, off, found = bytearray(), 16, False
    while off + 24 <= len(blob):
        sname, _ver, slen = struct.unpack_from("<16sII", blob, off)
        size = 24 + ((slen + 7) & ~7)
        if sname.rstrip(b"\0") == name.encode():
            found = True
        else:
            kept += blob[off:off + size]
        off += size
    if not found:
        sys.exit("no section " + name)
    blob = struct.pack("<IIQ", magic, version, 16 + len(kept)) + kept
    out, emitted = bytearray(data[:32]), False
    for rtype, off, length in records(data):
        if rtype != REC_EMULATOR:
            out += data[off:off + 16 + ((length + 7) & ~7)]
        elif not emitted:
            for at in range(0, len(blob), 1 << 20):
                out += record(REC_EMULATOR, blob[at:at + (1 << 20)])
            emitted = True
    return out


def main():
    with open(sys.argv[2], "rb") as f:
        data = bytearray(f.read())
    if sys.argv[1] == "drop-dm-section":
        with open(sys.argv[3], "wb") as f:
            f.write(drop_dm_section(data, sys.argv[4]))
        return
    if sys.argv[1] == "records":
        print(" ".join(str(t) for t, _, _ in records(data)))
        return
    what, done = sys.argv[4], False
    for rtype, off, length in list(records(data)):
        if what != "emulator" and rtype == REC_HVM_CONTEXT:
            done = corrupt_context(data, off, what)
        elif what == "emulator" and rtype == REC_EMULATOR and not done:
            data[off + 16 + 16:off + 16 + 32] = b"bogus".ljust(16, b"\0")
            done = True
        else:
            continue
        reseal(data, off, length)
    if not done:
        sys.exit("nothing to corrupt")
    with open(sys.argv[3], "wb") as f:
        f.write(data)


main()
