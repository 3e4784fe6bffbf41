# bench/hvm_guest.mk: issue 13's guest-side figures (HVMTESTS): IDE
# sequential read in a guest next to the host reading the image, and the
# ioreq round trip with both ends on one host CPU.
BENCHMARKS += bench/hvm_disk.sh bench/hvm_ioreq_pinned.sh
EXTRA_DIST += bench/hvm_disk.sh bench/hvm_ioreq_pinned.sh
# the guest programs and disk images the hvm benchmarks boot
bench: tests/hvm/guest/devguest tests/hvm/guest/bootsect.img
