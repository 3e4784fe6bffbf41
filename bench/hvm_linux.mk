# bench/hvm_linux.mk: Debian's kernel to a busybox shell on the soft CPU
# (SeaBIOS + vmctl-devmodel), next to QEMU TCG in the same run.
BENCHMARKS += bench/hvm_linux.sh
EXTRA_DIST += bench/hvm_linux.sh
