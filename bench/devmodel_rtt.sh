#!/bin/bash
# The port I/O round trip from the soft CPU to vmctl-devmodel and back, seen
# from a guest: a boot sector (booted by SeaBIOS with the real device model,
# tests/devmodel/dmboot) reads a port N times, then powers off. The time of
# a boot without the loop is subtracted; the reference is the same loop on
# a port vmhv serves itself (RTC data, 0x71), measured in the same run.
# Medians of 3 boots each.
: "${top_builddir:?run from make bench}"
vmhv=$top_builddir/hypervisor/vmhv
dm=$top_builddir/devmodel/vmctl-devmodel
boot=$top_builddir/tests/devmodel/dmboot
bios=/usr/share/seabios/bios.bin
N=${DEVMODEL_RTT_N:-20000}
[ -r "$bios" ] || { echo "devmodel_rtt: no SeaBIOS" >&2; exit 0; }
[ -x "$boot" ] || { echo "devmodel_rtt: build tests/devmodel/dmboot first (make check)" >&2; exit 0; }
dir=$(mktemp -d /tmp/dm-rtt.XXXXXX)
"$vmhv" --foreground --exit-with-parent --rundir "$dir" --log "$dir/vmhv.log" &
vmhv_pid=$!
trap 'kill $vmhv_pid 2>/dev/null; wait $vmhv_pid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 100); do [ -S "$dir/privcmd" ] && break; sleep 0.05; done

# a 16-bit little-endian word as printf octal escapes
word() { printf '\\%o\\%o' $(($1 & 255)) $(($1 >> 8)); }

# sector NAME OUTER INNER PORT: xor ax,ax; mov ds,ax; mov bx,OUTER;
# 1: mov cx,INNER; mov dx,PORT; 2: in al,dx; loop 2b; dec bx; jnz 1b;
# S5 through PM1a_CNT 0xb004; hlt
sector() {
	local img=$dir/$1.img
	printf "\\061\\300\\216\\330\\273$(word $2)\\271$(word $3)\\272$(word $4)" >"$img"
	printf '\354\342\375\113\165\364\272\004\260\270\000\040\357\364\353\375' >>"$img"
	dd if=/dev/zero bs=1 count=$((510 - 29)) >>"$img" 2>/dev/null
	printf '\125\252' >>"$img"
	dd if=/dev/zero bs=512 count=2047 >>"$img" 2>/dev/null
}

# run NAME [DEVMODEL OPTIONS]: microseconds from start to poweroff
run() {
	local t0 t1 img=$1
	shift
	t0=$(date +%s%N)
	"$boot" --rundir "$dir" --mem 32 --timeout 120 --bios "$bios" -- "$dm" \
		--disk "0:$dir/$img.img" --serial none --acpi "$@" >>"$dir/boot.log" 2>&1 || return 1
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000))
}

median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

HV_OUTER=50
sector base 1 1 0x3fd
sector dm 1 "$N" 0x3fd
sector hv $HV_OUTER "$N" 0x71
b=(); d=(); s=(); h=()
for r in 1 2 3; do
	b+=("$(run base)") || exit 1
	d+=("$(run dm)") || exit 1
	s+=("$(run dm --no-linger)") || exit 1
	h+=("$(run hv)") || exit 1
done
mb=$(median "${b[@]}"); md=$(median "${d[@]}"); ms=$(median "${s[@]}"); mh=$(median "${h[@]}")
echo "boots (us): base ${b[*]} / devmodel port ${d[*]} / --no-linger ${s[*]} / vmhv port ${h[*]}" >&2
awk -v b="$mb" -v d="$ms" -v h="$mh" -v n="$N" -v o=$HV_OUTER 'BEGIN {
	printf "row\tguest in al,dx round trip to vmctl-devmodel, --no-linger (eventfd wake each time)\t%.2f\tus\tthe same on a port vmhv serves (RTC 0x71)\t%.2f\n", (d - b) / n, (h - b) / n / o }'
awk -v b="$mb" -v d="$md" -v h="$mh" -v n="$N" -v o=$HV_OUTER 'BEGIN {
	printf "row\tguest in al,dx round trip to vmctl-devmodel (UART LSR), per access\t%.2f\tus\tthe same on a port vmhv serves (RTC 0x71)\t%.2f\n", (d - b) / n, (h - b) / n / o }'
