# bench/save.mk: save and restore throughput next to dd (bench/save_bench.sh).
BENCHMARKS += bench/save_bench.sh
EXTRA_DIST += bench/save_bench.sh
