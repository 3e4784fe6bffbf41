# bench/vnc.mk: pvfb-vnc (update latency, full-screen rate) next to loopback
# TCP measured in the same run (bench/vnc_bench.sh drives bench/vnc_perf).
BENCHMARKS += bench/vnc_bench.sh
EXTRA_DIST += bench/vnc_bench.sh
if HAVE_VNCCLIENT
EXTRA_PROGRAMS += bench/vnc_perf
bench_vnc_perf_SOURCES = bench/vnc_perf.c
bench_vnc_perf_CPPFLAGS = $(AM_CPPFLAGS) $(VNCCLIENT_CFLAGS)
bench_vnc_perf_LDADD = $(VNCCLIENT_LIBS)
# The script needs its client built first.
bench/vnc_bench.sh: bench/vnc_perf
endif
