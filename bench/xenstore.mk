# bench/xenstore.mk: xenstored round trips and throughput (dom0 socket and a
# simulated guest ring) next to the bare transports, measured in one run.
EXTRA_PROGRAMS += bench/xenstore_bench
BENCHMARKS += bench/xenstore_bench
bench_xenstore_bench_SOURCES = bench/xenstore_bench.c
bench_xenstore_bench_LDADD = xld/xenstore/libxenstored.la common/libcommon.la -lpthread
