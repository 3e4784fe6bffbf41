#!/bin/bash
# PV-on-HVM through xl create (docs/hvm.md "PV-on-HVM"): the test guest
# (tests/hvm/guest/pvhvm.c) finds Xen, maps shared_info and a grant frame
# with XENMEM_add_to_physmap, registers the callback vector and gets an
# upcall for an event it sends itself, the GSI and PCI INTx callbacks; then (pvhvm_xs.c) it finds its
# xenstore ring and event channel through HVMOP_get_param and reads its own
# name from xld's xenstored, the answer announced by an upcall; the same as
# a type="pvh" guest; a 4 GiB domain's RAM above 4 GiB (highmem.c). Its TAP
# lines come through port 0xe9 into `xl dmesg`.
. "$top_srcdir/tests/lib/host.sh"
guest="$top_builddir/tests/hvm/guest/hvmguest"
[ -f "$guest" ] || skip_all "tests/hvm/guest/hvmguest not built"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

# run NAME CMDLINE [TYPE [MEMORY]]: xl create the guest (type hvm, 16 MiB by
# default), wait until it is gone; its log lines (from `xl dmesg`, by
# domain id) go to NAME.out
run() {
	cat > "$1.cfg" <<CFG
type = "${3:-hvm}"
name = "$1"
memory = ${4:-16}
kernel = "$guest"
cmdline = "$2"
on_poweroff = "destroy"
on_crash = "destroy"
CFG
	xl create -p "$1.cfg" >/dev/null 2>&1
	is "$?" 0 "xl create $1 (cmdline \"$2\")"
	id=$(xl domid "$1" 2>/dev/null)
	xl unpause "$1"
	domain_gone "$1" 1200 || diag "$1 did not finish"
	xl destroy "$1" 2>/dev/null
	xl dmesg | sed -n "s/^.*(d$id) //p" > "$1.out"
}

# passed NAME WHAT: every TAP line of the guest passed, and it said so
passed() {
	local rc=0
	grep -q '^not ok' "$1.out" && rc=1
	grep -qx 'hvm guest: PASSED' "$1.out" || rc=1
	[ $rc = 0 ] || sed 's/^/# /' "$1.out"
	_tap_result $rc "$2"
}

run hvm-pv "pvhvm"
passed hvm-pv "add_to_physmap, HVM params, the callback vector and an event upcall"
grep -q 'ok [0-9]* - the callback vector arrives' hvm-pv.out
_tap_result $? "the upcall arrived"
# HVM_PARAM_CALLBACK_IRQ type 1: the platform device's INTx, through the
# PCI link route the guest programs in the device model's PIIX3
# (privcmd PCI_LINK_ROUTE) to IOAPIC pin 10
grep -q '^ok [0-9]* - routed to IRQ 10, the pending event arrives there' hvm-pv.out
_tap_result $? "the PCI INTx callback follows the guest's PIRQ route"

run hvm-xs "xenstore hvm-xs"
passed hvm-xs "the guest reads its name from xenstore through HVM_PARAM_STORE_PFN/EVTCHN"
grep -q 'ok [0-9]* - it is the domain.s name' hvm-xs.out
_tap_result $? "xenstored's answer is the domain's name"

run pvh-xs "xenstore pvh-xs" pvh
passed pvh-xs "a PVH guest finds its xenstore the same way"

# 4 GiB (a sparse memory file): 3 GiB below the PCI hole, 1 GiB from 4 GiB
run hvm-hi "highmem" hvm 4096
passed hvm-hi "RAM above 4 GiB: the memory map, PAE paging, vcpu_info and shared_info there"
grep -q 'ok [0-9]* - an event.s pending bit shows in it there' hvm-hi.out
_tap_result $? "shared_info above 4 GiB gets the event"
host_stop a
done_testing
