#!/bin/sh
# Proves that a mis-sized or removed field in an ABI header breaks the build:
# each case copies include/vmctl/xen to a scratch tree, changes one field of
# one header with sed, compiles a file that includes it with the project's
# compiler and flags, and expects the compile to fail with a static
# assertion naming the struct member that moved.  TAP output.

: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_builddir/tests/abi/abi-flags.sh"	# CC, ABI_CFLAGS (written by make)

work=$(mktemp -d "${TMPDIR:-/tmp}/vmctl-abi-break.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
n=0
failed=0

tap() {	# tap <ok?> <description>
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

# compile <include-root> <header>: 0 if a file including it compiles.
compile() {
	printf '#include <vmctl/xen/%s>\nint abi_break_anchor;\n' "$2" > "$work/t.c"
	# shellcheck disable=SC2086 # ABI_CFLAGS is a list of flags
	$CC $ABI_CFLAGS -I"$1" -c "$work/t.c" -o "$work/t.o" > "$work/log" 2>&1
}

fresh_copy() {
	rm -rf "$work/include"
	mkdir -p "$work/include/vmctl"
	cp -R "$top_srcdir/include/vmctl/xen" "$work/include/vmctl/"
	chmod -R u+w "$work/include"	# the source tree is read-only in distcheck
}

# breaks <header> <sed expression> <expected key in the assertion> <what>
breaks() {
	fresh_copy
	f="$work/include/vmctl/xen/$1"
	sed -e "$2" "$f" > "$f.new" && mv "$f.new" "$f"
	if cmp -s "$f" "$top_srcdir/include/vmctl/xen/$1"; then
		tap 1 "$1: $4 (the sed expression changed nothing)"
		return
	fi
	if compile "$work/include" "$1"; then
		tap 1 "$1: $4 still compiles"
		return
	fi
	if grep -Eiq 'static.?assert' "$work/log" && grep -Fq "ABI: $3" "$work/log"; then
		tap 0 "$1: $4 fails with a static assertion on $3"
	else
		tap 1 "$1: $4 fails, but not with a static assertion on $3"
		sed 's/^/#   /' "$work/log" | head -n 20
	fi
}

# gone <header> <sed expression> <field> <what>: a field whose removal
# padding hides from every size and offset; the offset check that names it
# must then fail to compile.
gone() {
	fresh_copy
	f="$work/include/vmctl/xen/$1"
	sed -e "$2" "$f" > "$f.new" && mv "$f.new" "$f"
	if cmp -s "$f" "$top_srcdir/include/vmctl/xen/$1"; then
		tap 1 "$1: $4 (the sed expression changed nothing)"
	elif compile "$work/include" "$1"; then
		tap 1 "$1: $4 still compiles"
	elif grep -Eq "no member named.*$3" "$work/log"; then
		tap 0 "$1: $4 fails in the offset check of $3"
	else
		tap 1 "$1: $4 fails, but not in the offset check of $3"
		sed 's/^/#   /' "$work/log" | head -n 20
	fi
}

# The unchanged headers must compile, or every case below proves nothing.
fresh_copy
for h in xen.h start_info.h shared_info.h grant_table.h event_channel.h \
	 arch-x86/xen.h hvm/start_info.h io/console.h io/blkif.h io/netif.h; do
	if compile "$work/include" "$h"; then tap 0 "unchanged $h compiles"
	else tap 1 "unchanged $h compiles"; sed 's/^/#   /' "$work/log" | head -n 20; fi
done

breaks start_info.h '/^	uint32_t flags;/d' \
	'offsetof(struct start_info, store_mfn)' 'start_info.flags removed'
breaks shared_info.h 's/^	xen_ulong_t evtchn_pending_sel;/	uint32_t evtchn_pending_sel;/' \
	'offsetof(struct vcpu_info, evtchn_pending_sel)' 'vcpu_info.evtchn_pending_sel made 32-bit'
breaks grant_table.h 's/^	uint32_t frame;/	uint64_t frame;/' \
	'sizeof(struct grant_entry_v1)' 'grant_entry_v1.frame made 64-bit'
breaks event_channel.h '/^	evtchn_port_t local_port;/d' \
	'sizeof(struct evtchn_bind_interdomain)' 'evtchn_bind_interdomain.local_port removed'
breaks arch-x86/xen.h 's/unsigned long ctrlreg\[8\];/unsigned long ctrlreg[4];/' \
	'offsetof(struct vcpu_guest_context, debugreg)' 'vcpu_guest_context.ctrlreg shortened'
breaks hvm/start_info.h '/^	uint64_t rsdp_paddr;/d' \
	'offsetof(struct hvm_start_info, memmap_paddr)' 'hvm_start_info.rsdp_paddr removed'
breaks io/console.h 's/^	char out\[2048\];/	char out[1024];/' \
	'offsetof(struct xencons_interface, in_cons)' 'xencons_interface.out shortened'
breaks io/blkif.h 's/seg\[BLKIF_MAX_SEGMENTS_PER_REQUEST\];/seg[10];/' \
	'sizeof(struct blkif_request)' 'blkif_request.seg shortened'
breaks io/blkif.h 's/^} __attribute__((packed, aligned(4)));$/};/' \
	'offsetof(struct blkif_x86_32_request, id)' '32-bit blkif_request laid out with 64-bit alignment'
breaks io/netif.h '/^	uint16_t offset;		\/\* within the granted page/d' \
	'offsetof(struct netif_tx_request, flags)' 'netif_tx_request.offset removed'
breaks xen.h 's/^	xen_ulong_t args\[6\];/	xen_ulong_t args[5];/' \
	'sizeof(struct multicall_entry)' 'multicall_entry.args shortened'
gone io/netif.h '/^	uint16_t size;$/d' size 'netif_tx_request.size (last field, hidden by padding) removed'

echo "1..$n"
exit $failed
