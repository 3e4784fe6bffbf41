# A gdb script (gdb -p PID -batch -x linux_vcpus.py) for a stalled hvm
# domain's vmhv-hvm sandbox: each vCPU's state (RIP, RFLAGS, halted,
# pending interrupts, kick bits, its LAPIC), the PIC, IOAPIC and PIT, the
# guest code at RIP and its stack, with kernel symbols when the
# environment names Debian's kernel (LINUX_VCPUS_KERNEL, a vmlinuz with an
# xz payload) and its System.map (LINUX_VCPUS_SYSMAP, optional): the KASLR
# slide is found by matching the code at RIP against the kernel's .text.
# Addresses show as _text+offset and the symbol before them. Then every
# thread's backtrace. tests/hvm/linux_lib.sh runs it when a boot's wait
# runs out (linux_stall_report).
import bisect
import lzma
import os
import struct

import gdb

inf = gdb.selected_inferior()


def vcpus():
    """The sandbox's struct hvm_vcpu values (main()'s static struct hvm)."""
    h = gdb.parse_and_eval("main::h")
    n = min(int(h["boot"]["max_vcpus"]), int(h["vcpus"].type.range()[1]) + 1)
    return [h["vcpus"][i] for i in range(n) if int(h["vcpus"][i]["cpu"])]


def bits(arr, n, fmt="%#x"):
    return " ".join(fmt % int(arr[i]) for i in range(n))


def gpa_read(h, pa, n):
    for i in range(int(h["nranges"])):
        r = h["ranges"][i]
        base, size, host = int(r["gpa"]), int(r["size"]), int(r["host"])
        if base <= pa and pa + n <= base + size:
            return bytes(inf.read_memory(host + pa - base, n))
    return None


def walk(h, cr3, va):
    """4-level paging (Linux's long mode): guest physical address or None."""
    e = cr3
    for shift in (39, 30, 21, 12):
        b = gpa_read(h, (e & 0xffffffffff000) + ((va >> shift) & 0x1ff) * 8, 8)
        if b is None:
            return None
        e = struct.unpack("<Q", b)[0]
        if not e & 1:
            return None
        if shift in (30, 21) and e & 0x80:
            mask = (1 << shift) - 1
            return (e & 0xffffffffff000 & ~mask) | (va & mask)
    return (e & 0xffffffffff000) | (va & 0xfff)


def vread(h, cr3, va, n):
    out = b""
    while n > 0:
        k = min(n, 0x1000 - (va & 0xfff))
        pa = walk(h, cr3, va)
        b = gpa_read(h, pa, k) if pa is not None else None
        if b is None:
            break
        out += b
        va += k
        n -= k
    return out


class Kernel:
    """The kernel's .text (from the vmlinuz's xz payload) and symbols: the
    System.map's when it is the real one (Debian ships a stub; the real one
    is in linux-image-*-dbg), else the exported ones (__ksymtab: a static
    function shows as the exported one before it)."""
    TEXT_VA = 0xffffffff81000000

    def __init__(self, vmlinuz, sysmap):
        data = open(vmlinuz, "rb").read()
        self.elf = lzma.LZMADecompressor().decompress(data[data.find(b"\xfd7zXZ\x00"):])
        self.text, self.text_off = self.section(b".text")
        syms = self.sysmap(sysmap) if sysmap else []
        self.exact = len(syms) > 1000
        if not self.exact:
            syms = self.ksymtab(b"__ksymtab") + self.ksymtab(b"__ksymtab_gpl")
        syms.sort()
        self.syms = syms
        self.addrs = [a for a, _ in syms]

    def section(self, want):
        elf = self.elf
        shoff, = struct.unpack_from("<Q", elf, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)
        sh = [struct.unpack_from("<IIQQQQ", elf, shoff + i * shentsize) for i in range(shnum)]
        strtab = sh[shstrndx][4]
        for name, _, _, addr, off, size in sh:
            end = elf.index(b"\0", strtab + name)
            if elf[strtab + name:end] == want:
                return (addr, size), off
        raise ValueError("no %s section" % want.decode())

    @staticmethod
    def sysmap(path):
        syms = []
        for line in open(path):
            f = line.split()
            if len(f) >= 3 and f[1] in "tTwW":
                syms.append((int(f[0], 16), f[2]))
        return syms

    def ksymtab(self, name):
        """Entries of 3 int32 offsets (value, name, namespace), each from
        its own field's address."""
        (va, size), off = self.section(name)
        (sva, _), soff = self.section(b"__ksymtab_strings")
        syms = []
        for e in range(0, size - 11, 12):
            v, n = struct.unpack_from("<ii", self.elf, off + e)
            s = soff + (va + e + 4 + n - sva)
            end = self.elf.find(b"\0", s)
            syms.append((va + e + v, self.elf[s:end].decode(errors="replace")))
        return syms

    def slide(self, rip, code):
        (va, size), off = self.text, self.text_off
        for k in range(-512, 512):            # KASLR moves it by 2 MiB steps
            a = rip - k * 0x200000 - va
            if 0 <= a and a + len(code) <= size and self.elf[off + a:off + a + len(code)] == code:
                return k * 0x200000
        return None

    def name(self, a):
        va, size = self.text
        if not va <= a < va + size:
            return None
        i = bisect.bisect_right(self.addrs, a) - 1
        sym = "" if i < 0 else " %s%s+%#x" % ("" if self.exact else "after ", self.syms[i][1],
                                               a - self.syms[i][0])
        return "_text+%#x%s" % (a - va, sym)


def kernel():
    vmlinuz, sysmap = os.environ.get("LINUX_VCPUS_KERNEL"), os.environ.get("LINUX_VCPUS_SYSMAP")
    if not vmlinuz or not sysmap:
        return None
    try:
        return Kernel(vmlinuz, sysmap)
    except (OSError, ValueError, lzma.LZMAError) as e:
        print("(no kernel symbols: %s)" % e)
        return None


def show_guest(k, h, s):
    rip, rsp, cr3 = int(s["rip"]), int(s["gpr"][4]), int(s["cr3"])
    if not int(s["cr0"]) & 0x80000000 or not int(s["efer"]) & 0x400:
        return
    code = vread(h, cr3, rip, 32)
    stack = vread(h, cr3, rsp, 8 * 64)
    print("   code at rip: %s" % code.hex())
    slide = k.slide(rip, code) if k and code else None
    if slide is None:
        return
    print("   rip is %s (KASLR slide %#x)" % (k.name(rip - slide), slide & 0xffffffffffffffff))
    words = struct.unpack("<%dQ" % (len(stack) // 8), stack)
    names = [k.name(w - slide) for w in words]
    print("   kernel text on the stack: %s" % "; ".join(n for n in names if n))


def show_vcpu(v):
    c = v["cpu"].dereference()
    s = c["s"]
    a = v["apic"]
    fl = int(s["rflags"])
    print("vCPU %d: state %d (0 waits for SIPI) init_pending %d sipi %d wake %d" %
          (int(v["id"]), int(v["state"]), int(v["init_pending"]), int(v["sipi_vector"]),
           int(v["wake"])))
    print("   rip %#x rflags %#x (IF %d) cpl %d cr0 %#x cr3 %#x halted %d shadow %d retired %d" %
          (int(s["rip"]), fl, fl >> 9 & 1, int(s["cpl"]), int(s["cr0"]), int(s["cr3"]),
           int(c["halted"]), int(c["interrupt_shadow"]), int(c["retired"])))
    print("   kick %#x intr_req %d irq_pending %s" %
          (int(c["kick"]), int(c["intr_req"]), bits(c["irq_pending"], 4)))
    print("   gpr %s" % bits(s["gpr"], 16))
    print("   lapic irr %s isr %s tpr %#x svr %#x lvt timer %#x lint0 %#x deadline %d" %
          (bits(a["irr"], 8), bits(a["isr"], 8), int(a["regs"][0x8]), int(a["regs"][0xf]),
           int(a["regs"][0x32]), int(a["regs"][0x35]), int(a["timer_deadline_ns"])))
    vi = v["vcpu_info"]
    if int(vi):
        print("   vcpu_info upcall_pending %d upcall_mask %d" % (int(vi[0]), int(vi[1])))


def show_platform(h):
    for i in range(2):
        p = h["pic"][i]
        print("pic %d: irr %#x imr %#x isr %#x lines %#x vector base %#x" %
              (i, int(p["irr"]), int(p["imr"]), int(p["isr"]), int(p["lines"]),
               int(p["vector_base"])))
    print("ioapic lines %#x; callback level %d line %d; pit 0 reload %d mode %d next irq %d" %
          (int(h["ioapic"]["lines"]), int(h["callback_level"]), int(h["callback_line"]),
           int(h["pit"][0]["reload"]), int(h["pit"][0]["mode"]), int(h["pit"][0]["next_irq_ns"])))


def main():
    gdb.execute("set print pretty off")
    k = kernel()
    vs = vcpus()
    for v in vs:
        show_vcpu(v)
        show_guest(k, v["h"].dereference(), v["cpu"].dereference()["s"])
    if vs:
        show_platform(vs[0]["h"].dereference())
    gdb.execute("thread apply all bt 12")


main()
