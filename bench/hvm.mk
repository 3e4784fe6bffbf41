# bench/hvm.mk: the hvm engine's ioreq round trip next to a futex ping-pong.
EXTRA_PROGRAMS += bench/hvm_ioreq_bench
BENCHMARKS += bench/hvm_ioreq_bench
bench_hvm_ioreq_bench_SOURCES = bench/hvm_ioreq_bench.c tests/hvm/dm.c tests/hvm/dm.h \
	tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
bench_hvm_ioreq_bench_LDADD = libvmctl/libvmctl.la -lpthread
EXTRA_bench_hvm_ioreq_bench_DEPENDENCIES = tests/hvm/guest/hvmguest

# Boot to a boot sector (SeaBIOS + device model + IDE) next to QEMU TCG.
BENCHMARKS += bench/hvm_boot.sh
EXTRA_DIST += bench/hvm_boot.sh
