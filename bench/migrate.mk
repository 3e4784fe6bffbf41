# bench/migrate.mk: live migration downtime, total time and bytes, next to
# --non-live migration of the same guest (bench/migrate_bench.sh).
BENCHMARKS += bench/migrate_bench.sh
EXTRA_DIST += bench/migrate_bench.sh
# The hvm rows need the hvm test guest (a check program).
bench: tests/save/hvm_guest
