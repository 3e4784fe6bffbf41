# bench/devmodel.mk: the device model's IDE DMA read rate next to the host
# reading the image, and its port dispatch cost next to a system call.
EXTRA_PROGRAMS += bench/devmodel_bench
BENCHMARKS += bench/devmodel_bench
bench_devmodel_bench_SOURCES = bench/devmodel_bench.c
bench_devmodel_bench_LDADD = tests/devmodel/libdmtest.la devmodel/libdevmodel.la \
	libvmctl/libvmctl.la common/libcommon.la

# The guest's view: a port read round trip to the real device model.
BENCHMARKS += bench/devmodel_rtt.sh
EXTRA_DIST += bench/devmodel_rtt.sh
