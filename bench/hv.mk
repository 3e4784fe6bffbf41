# bench/hv.mk: the pv engine (null/forwarded hypercalls, event ping-pong,
# CPU loop, create latency, create with 500 live domains), each next to a
# host reference measured in the same run.
EXTRA_PROGRAMS += bench/hv_bench
BENCHMARKS += bench/hv_bench
bench_hv_bench_SOURCES = bench/hv_bench.c tests/hv/vmhv_proc.c tests/hv/vmhv_proc.h
bench_hv_bench_LDADD = libvmctl/libvmctl.la
EXTRA_bench_hv_bench_DEPENDENCIES = tests/guests/bench tests/guests/pvabi_user
