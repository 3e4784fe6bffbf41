#!/bin/bash
# Migration between two hosts in network namespaces of their own, joined by
# a veth pair (tests/lib/hosts2.sh): the guest dirties memory, has a disk
# and a vif on xenbr0, and is pinged steadily from host a's side while it
# moves a -> b (live, TCP) -> a (stopped first, the ssh relay; lo_test.sh
# does every combination). It answers from wherever it runs, the pings lost across all the
# moves stay bounded, and no page it wrote is ever lost. After each resume
# it sends a gratuitous ARP, so the arriving host's bridge learns it is now
# local (frames keep arriving while it is sent: the stream's page CRCs are
# taken over a copy).
. "$top_srcdir/tests/lib/hosts2.sh" net
. "$top_srcdir/tests/migrate/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not installed"
peer="$top_srcdir/tests/devices/net_peer.py"
hosts2_start_net a b || bail_out "cannot start two hosts in network namespaces"
cd "$VMCTL_TEST_DIR"
ssh=$(hosts2_ssh)

EXTRA="ip=10.77.0.10" memdirty_cfg n1 4 "vif = [ 'mac=00:16:3e:77:00:10, bridge=xenbr0' ]"
on a "$XL_BIN" create n1.cfg > /dev/null 2>&1
ok "the guest's netfront connects on a" wait_lines a n1 "net0: .* ip 10.77.0.10" 1
ok "the guest answers pings from a" on a python3 "$peer" ping 10.77.0.10 3

on a python3 "$top_srcdir/tests/migrate/pinger.py" 10.77.0.10 20 stop > pings 2>&1 &
pinger=$!
src=a dst=b
i=0
for how in "--live tcp" "--non-live ssh"; do
	i=$((i + 1))
	set -- $how
	what="move $i ($1 over $2, $src -> $dst)"
	resumed=$(count_lines $dst n1 "memdirty: after-resume")
	announced=$(count_lines $dst n1 "net0: announced after resume")
	if [ "$2" = tcp ]; then
		out=$(on $src "$XL_BIN" migrate "$1" n1 "$(hosts2_addr $dst)" 2>&1)
	else
		out=$(on $src "$XL_BIN" migrate "$1" -s "$ssh" n1 $dst 2>&1)
	fi
	like "$out" "^Migration successful" "$what: xl migrate succeeds"
	ok "$what: n1 runs on $dst" dom_on $dst n1
	ok "$what: and no more on $src" not_on $src n1
	ok "$what: it resumed with every page intact" \
		wait_lines $dst n1 "memdirty: after-resume .*: ok \\(0 bad\\)" $((resumed + 1))
	ok "$what: it announces itself (gratuitous ARP)" \
		wait_lines $dst n1 "net0: announced after resume" $((announced + 1))
	ok "$what: it answers pings from a" on a python3 "$peer" ping 10.77.0.10 3
	tmp=$src; src=$dst; dst=$tmp
done
touch stop
wait $pinger
read -r _ sent _ got _ lost _ gap < pings
diag "steady pings across the moves: $(cat pings)"
ok "the steady pings were answered" test "${got:-0}" -gt 0
# Every move may lose what goes to the old copy between its suspend and
# the new copy's first answer: a few hundred ms at most.
ok "pings lost across all moves stay bounded (lost $lost of $sent, at most 40 in a row)" \
	test "${gap:-999}" -le 40
ok "no page ever mismatched" no_mismatch $src n1
on $src "$XL_BIN" destroy n1
hosts2_stop
is "$?" 0 "both hosts stop cleanly, nothing left behind"
done_testing
