#!/bin/sh
# Every header in include/vmctl/xen/ stands alone: it includes only
# <stdint.h>, <stddef.h> and headers of its own folder, compiles by itself
# (twice, for the include guard) with the tree's host flags and with the
# freestanding guest flags against the compiler's own headers only, and the
# layouts meant for 32-bit code (PVH entry, test images) also compile -m32.
# TAP output.

: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_builddir/tests/abi/abi-flags.sh"	# CC, ABI_CFLAGS, GUEST_CFLAGS (written by make)

work=$(mktemp -d "${TMPDIR:-/tmp}/vmctl-abi-alone.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
inc="$top_srcdir/include"
cc_inc=$($CC -print-file-name=include)
n=0
failed=0

tap() {	# tap <status> <description>: status 0 is a pass
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

# try <header> <description> <flags...>: compile a file including it twice.
try() {
	h=$1 what=$2
	shift 2
	printf '#include <%s>\n#include <%s>\nint abi_alone_anchor;\n' "$h" "$h" > "$work/t.c"
	if "$@" -I"$inc" -c "$work/t.c" -o "$work/t.o" > "$work/log" 2>&1; then
		tap 0 "$h: $what"
	else
		tap 1 "$h: $what"
		sed 's/^/#   /' "$work/log" | head -n 20
	fi
}

# Layouts with no word-sized field, usable from 32-bit code.
bits32="vmctl/xen/hvm/start_info.h vmctl/xen/arch-x86/cpuid.h vmctl/xen/io/console.h
	vmctl/xen/io/kbdif.h vmctl/xen/io/xenbus.h vmctl/xen/elfnote.h vmctl/xen/hvm/params.h vmctl/xen/hvm/platform_pci.h vmctl/xen/errno.h
	vmctl/xen/hvm/hvm_vcpu.h"

headers=$(cd "$inc" && find vmctl/xen -name '*.h' | LC_ALL=C sort)
[ -n "$headers" ] || { echo "1..0 # SKIP no headers found"; exit 0; }
for h in $headers; do
	other=$(grep -h '^[[:space:]]*#[[:space:]]*include' "$inc/$h" |
		grep -v -e '<stdint.h>' -e '<stddef.h>' -e '<vmctl/xen/')
	if [ -z "$other" ]; then tap 0 "$h: includes only stdint, stddef and vmctl/xen"
	else tap 1 "$h: includes only stdint, stddef and vmctl/xen"; echo "#   $other"; fi
	# shellcheck disable=SC2086 # flag lists
	try "$h" "host flags" $CC $ABI_CFLAGS
	# shellcheck disable=SC2086
	try "$h" "guest flags, freestanding" $CC $GUEST_CFLAGS -nostdinc -isystem "$cc_inc"
done
for h in $bits32; do
	# shellcheck disable=SC2086
	try "$h" "32-bit, freestanding" $CC -m32 $GUEST_CFLAGS -nostdinc -isystem "$cc_inc"
done

echo "1..$n"
exit $failed
