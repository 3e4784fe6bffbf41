# bench/nic.mk: the emulated NICs' guest -> host frame rate next to the
# host sending the same frames into the bridge (bench/nic_bench.sh).
BENCHMARKS += bench/nic_bench.sh
EXTRA_DIST += bench/nic_bench.sh
