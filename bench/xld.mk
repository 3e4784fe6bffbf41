# bench/xld.mk: xld's API and xl (issue: xld, libvmctl and xl).
EXTRA_PROGRAMS += bench/xld_api
BENCHMARKS += bench/xld_bench.sh
bench_xld_api_SOURCES = bench/xld_api.c
bench_xld_api_CPPFLAGS = $(AM_CPPFLAGS) $(YAJL_CFLAGS)
bench_xld_api_LDADD = libvmctl/libvmctl.la $(YAJL_LIBS) -lpthread
EXTRA_DIST += bench/xld_bench.sh
