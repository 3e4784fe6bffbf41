# bench/libvirt.mk: virsh list --all with 500 domains next to xl list.
BENCHMARKS += bench/libvirt_bench.sh
EXTRA_DIST += bench/libvirt_bench.sh
