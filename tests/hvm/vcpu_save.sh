#!/bin/bash
# The present vCPUs of an hvm domain across save, restore and a guest
# reboot (docs/hvm.md "CPU hotplug"): the device guest's "vcpus" test
# (tests/hvm/guest/vcpuhp.c, multiboot, vcpus=1 maxvcpus=2) prints what
# it reads of them on port 0xe9 (xl dmesg): the MADT in fw_cfg's ACPI
# tables, fw_cfg's NB_CPUS and MAX_CPUS, the CMOS count, the hotplug
# bitmap at 0xaf00 and GPE0's status (which it never clears). `xl
# vcpu-set 2`, then xl save + xl restore: the bitmap and the pending GPE
# come back (the device model's "acpi_hotplug" state), xl list -l keeps
# vcpus 2; the guest resets the machine (0xcf9): the new domain's MADT,
# fw_cfg and CMOS have 2 present; after `xl vcpu-set 1` and another reset,
# 1 again. A stream without the acpi_hotplug state (an older vmctl's)
# still restores, with the config's set; after `xl vcpu-set 1` a device
# model that xld restarts (killed) gets --vcpus-online 1.
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/devguest"
[ -f "$guest" ] || skip_all "the device guest is not built"
[ -x "$top_builddir/devmodel/vmctl-devmodel" ] || skip_all "devmodel/vmctl-devmodel not built"
command -v python3 > /dev/null || skip_all "no python3"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"
py="$top_srcdir/tests/save/hvm_stream.py"
name=hvm-vcpus

cat > vcpus.cfg <<CFG
type = "hvm"
name = "$name"
memory = 32
vcpus = 1
maxvcpus = 2
vnc = 0
kernel = "$guest"
cmdline = "vcpus"
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
CFG

# say TEXT: type TEXT on the domain's serial line (the guest's COM1).
say() { printf '%s' "$1" | timeout 5 "$XL_BIN" console "$name" > /dev/null 2>&1; }
# sees ID REGEX: the guest of domain ID printed a "vcpus:" line matching REGEX.
sees() { dmesg_has "\\(d$1\\) vcpus: $2" "${3:-1200}"; }
# new_domid OLD: wait for the domain to have an id other than OLD, print it.
new_domid() {
	local i id
	for i in $(seq 400); do
		id=$(xl domid "$name" 2> /dev/null)
		[ -n "$id" ] && [ "$id" != "$1" ] && { echo "$id"; return 0; }
		sleep 0.05
	done
	return 1
}
# restored FILE REGEX WHAT: xl restore FILE ($id the new domain's); asked,
# the guest prints a line matching REGEX.
restored() {
	local out
	out=$(xl restore "$1" 2>&1)
	is "$?" 0 "xl restore $1: $out"
	id=$(xl domid "$name")
	say p
	ok "$3" sees "$id" "$2"
}
# avail: the vCPUs of `xl list -l`'s stored configuration.
avail() { xl list -l "$name" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["config"]["b_info"]["avail_vcpus"])'; }

out=$(xl create vcpus.cfg 2>&1)
is "$?" 0 "xl create with vcpus=1 maxvcpus=2: $out"
id=$(xl domid "$name")
ok "at boot: 1 of 2 in the MADT, fw_cfg and CMOS, bitmap 01" \
	sees "$id" 'madt 1/2 nb_cpus 1 max_cpus 2 cmos 1 bitmap 01 gpe 0000$'

ok "xl vcpu-set $name 2" xl vcpu-set "$name" 2
ok "the guest sees vCPU 1 present and GPE 2 pending" sees "$id" '.* bitmap 03 gpe 0004$'
is "$(avail)" "[0, 1]" "xl list -l: the stored config has vCPUs 0-1"

out=$(xl save "$name" vcpus.save 2>&1)
is "$?" 0 "xl save: $out"
ok "the domain is gone after the save" domain_gone "$name"
restored vcpus.save '.* bitmap 03 gpe 0004$' "restored: the bitmap and the pending GPE are as saved"
is "$(avail)" "[0, 1]" "xl list -l after the restore: vCPUs 0-1"

say r
ok "the guest resets the machine" sees "$id" 'reset$' 200
id=$(new_domid "$id")
ok "the domain is restarted" test -n "$id"
ok "after the reboot: 2 of 2 in the MADT, fw_cfg and CMOS, bitmap 03, no GPE" \
	sees "$id" 'madt 2/2 nb_cpus 2 max_cpus 2 cmos 2 bitmap 03 gpe 0000$'

ok "xl vcpu-set $name 1" xl vcpu-set "$name" 1
ok "the guest sees vCPU 1 go" sees "$id" '.* bitmap 01 gpe 0004$'
is "$(avail)" "[0]" "xl list -l: vCPU 0 only"
say r
id=$(new_domid "$id")
ok "after the next reboot: 1 of 2 again" \
	sees "$id" 'madt 1/2 nb_cpus 1 max_cpus 2 cmos 1 bitmap 01 gpe 0000$'

# An older vmctl's stream: no acpi_hotplug state in the device model's.
"$py" drop-dm-section vcpus.save old.save acpi_hotplug
is "$?" 0 "a copy of the first save without the acpi_hotplug state"
xl destroy "$name"
ok "the domain is destroyed" domain_gone "$name"
restored old.save '.* bitmap 03 gpe 0000$' "it restores with the stored config's set (bitmap 03), no GPE pending"

# A device model that xld restarts after a crash starts with the set of the
# last vcpu-set (its first command line said --vcpus-online 2).
ok "xl vcpu-set $name 1 (restored domain)" xl vcpu-set "$name" 1
dmpid=$(cat "$VMCTL_RUNDIR/devmodel.$id.pid" 2> /dev/null)
ok "the device model left its pid" test -n "$dmpid" -a -d "/proc/$dmpid"
kill -9 "$dmpid"
# dm_online: the restarted device model's --vcpus-online, once it runs
dm_online() {
	local p
	for _ in $(seq 400); do
		p=$(cat "$VMCTL_RUNDIR/devmodel.$id.pid" 2> /dev/null)
		if [ -n "$p" ] && [ "$p" != "$dmpid" ] && [ -r "/proc/$p/cmdline" ]; then
			tr '\0' '\n' < "/proc/$p/cmdline" | grep -A1 -x -- --vcpus-online | tail -1
			return 0
		fi
		sleep 0.05
	done
}
is "$(dm_online)" 1 "the restarted device model gets --vcpus-online 1"
xl destroy "$name"
ok "destroyed" domain_gone "$name"
host_stop a
done_testing
