# bench/devices.mk: xld's PV backends (blkback, netback) against the host
# doing the same in the same run (bench/dev_bench.sh).
BENCHMARKS += bench/dev_bench.sh
EXTRA_DIST += bench/dev_bench.sh
