#!/bin/bash
# IDE sequential read inside an hvm guest next to the host reading the
# same image: the device guest (tests/hvm/guest/devices.c "idebench",
# multiboot, through xl create with vmctl-devmodel) reads a 64 MiB raw
# disk with READ DMA, 128 KiB a command, polling the bus master's status;
# its "idebench: start" and "idebench: done" lines are timed by vmhv's log
# (ms). The reference is dd reading the image in 128 KiB blocks on the host
# in the same run. The image is in the page cache for both (the guest's
# reads are the device model's preads). Medians of three.
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/devguest"
[ -f "$guest" ] && [ -x "$top_builddir/devmodel/vmctl-devmodel" ] ||
	{ echo "hvm_disk: needs tests/hvm/guest/devguest (make check) and the device model" >&2; exit 0; }
MB=64
host_start a > /dev/null || { echo "cannot start a host" >&2; exit 1; }
cd "$VMCTL_TEST_DIR"
python3 "$top_srcdir/tests/hvm/disk_pattern.py" disk.img $MB
median() { sort -n | sed -n 2p; }
log_ms() {	# log_ms ID TEXT: when vmhv logged domain ID's line TEXT
	local t
	t=$(grep -m1 -F "(d$1) $2" "$VMCTL_LOGDIR/vmhv.log" | cut -d' ' -f1)
	[ -n "$t" ] && echo $(( $(date -d "$t" +%s%N) / 1000000 ))
}

# guest_once N: MB/s the guest read at
guest_once() {
	local id i
	cat > d.cfg <<CFG
type = "hvm"
name = "idebench-$1"
memory = 32
vnc = 0
kernel = "$guest"
cmdline = "idebench"
disk = [ 'format=raw, vdev=hda, access=rw, target=$VMCTL_TEST_DIR/disk.img' ]
CFG
	xl create -p d.cfg > /dev/null || return 1
	id=$(xl domid "idebench-$1")
	xl unpause "idebench-$1"
	for i in $(seq 1200); do
		grep -q "(d$id) hvm guest: " "$VMCTL_LOGDIR/vmhv.log" && break
		sleep 0.1
	done
	grep -q "(d$id) hvm guest: PASSED" "$VMCTL_LOGDIR/vmhv.log" || return 1
	awk -v mb=$MB -v ms=$(( $(log_ms "$id" "idebench: done") - $(log_ms "$id" "idebench: start") )) \
		'BEGIN { printf "%.1f\n", mb / (ms / 1000) }'
	xl destroy "idebench-$1" 2> /dev/null
}

host_once() {
	local t0 t1
	t0=$(date +%s%N)
	dd if=disk.img of=/dev/null bs=128k 2> /dev/null
	t1=$(date +%s%N)
	awk -v mb=$MB -v ns=$(( t1 - t0 )) 'BEGIN { printf "%.1f\n", mb / (ns / 1e9) }'
}

for i in 1 2 3; do guest_once $i; done > guest.rates
for i in 1 2 3; do host_once; done > host.rates
host_stop a > /dev/null
echo "hvm_disk: guest MB/s $(tr '\n' ' ' < guest.rates) host MB/s $(tr '\n' ' ' < host.rates)" >&2
printf 'row\thvm: IDE READ DMA sequential in the guest, 128 KiB commands (%d MiB)\t%s\tMB/s\tdd of the image on the host, 128 KiB blocks\t%s\n' \
	$MB "$(median < guest.rates)" "$(median < host.rates)"
