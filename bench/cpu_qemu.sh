#!/bin/sh
# Soft CPU next to QEMU TCG: the same kernels (bench/cpu_mips --qemu-image)
# run as a multiboot image under qemu-system-x86_64 -accel tcg. QEMU's rate
# is (instructions of the full run - of an empty run) / (start-to-exit time
# of the full run - of the empty run), medians of three runs each; the
# instruction counts come from the soft CPU, which runs the same bytes.
set -u
bin="${top_builddir:-.}/bench/cpu_mips"
qemu=$(command -v qemu-system-x86_64 || true)
if [ -z "$qemu" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "cpu_qemu: installing qemu-system-x86 for the TCG reference" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-system-x86 >&2 || true
	qemu=$(command -v qemu-system-x86_64 || true)
fi
if [ -z "$qemu" ]; then
	echo "cpu_qemu: qemu-system-x86_64 not available, no TCG reference" >&2
	exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" --qemu-image "$dir" > "$dir/list" || exit 1

# seconds from start to exit of one QEMU run
run_once() {
	s=$(date +%s.%N)
	"$qemu" -machine pc,accel=tcg -cpu qemu64 -m 64 -display none -nodefaults \
		-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=1 -kernel "$1" \
		>/dev/null 2>&1
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.6f\n", $2 - $1 }'
}

median3() {
	{ run_once "$1"; run_once "$1"; run_once "$1"; } | sort -n | sed -n 2p
}

tab=$(printf '\t')
while IFS="$tab" read -r name soft insns full empty; do
	tf=$(median3 "$full")
	te=$(median3 "$empty")
	echo "cpu_qemu: $name: $insns instructions, QEMU full ${tf}s, empty ${te}s" >&2
	awk -v n="$name" -v s="$soft" -v i="$insns" -v tf="$tf" -v te="$te" 'BEGIN {
		d = tf - te; q = d > 0 ? i / d / 1e6 : 0;
		printf "row\tsoft CPU vs QEMU TCG: %s\t%s\tMIPS\tQEMU TCG (start-to-exit)\t%.1f\n", n, s, q }'
done < "$dir/list"
