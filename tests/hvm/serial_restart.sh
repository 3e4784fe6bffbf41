#!/bin/bash
# The serial line of an hvm domain follows its device model through a
# restart: xld restarts a device model that dies (with its devices reset),
# the new one opens a new pty, and the console log and `xl console` move
# to it. Before, they stayed on the dead one's pty: the log went quiet for
# good while the guest ran on, as in #13's "stall" of Debian's kernel in
# the middle of its console replay (docs/hvm.md). The guest is
# guest/serecho.S (SeaBIOS boots it from its IDE disk; it echoes what COM1
# receives, polling the UART, so it runs on over a fresh UART).
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/serecho_lib.sh"
say() { serecho_say hvm-sr "$1"; }
serecho_start hvm-sr 'vnc = 0'
pts=$(head -1 "$VMCTL_RUNDIR/devmodel.$id.serial" 2>/dev/null)

kill -9 "$dmpid"
ok "xld restarts the killed device model" \
	file_has "$VMCTL_LOGDIR/xld.log" "devmodel hvm-sr: restarting" 200
# serving2: the log (appended to) has a second "serving" line, the new one's
serving2() {
	for _ in $(seq 600); do
		[ "$(grep -c ": domain $id: serving" "$VMCTL_LOGDIR/devmodel/hvm-sr.log")" -ge 2 ] &&
			return 0
		sleep 0.05
	done
	return 1
}
ok "the new one serves" serving2
new=$(head -1 "$VMCTL_RUNDIR/devmodel.$id.serial" 2>/dev/null)
ok "on a new pty ($pts, then $new)" test -n "$new" -a "$new" != "$pts"
got=0
for _ in $(seq 100); do   # until xld follows the new pty (100 ms polls)
	say b
	console_has hvm-sr 'serecho: got b' 10 && got=1 && break
done
ok "the guest's echo of what xl console sends reaches the log again" test $got = 1
if command -v xenstore-read > /dev/null; then
	is "$(xenstore-read /local/domain/$id/serial/0/tty)" "$new" \
		"~/serial/0/tty names the new pty"
fi

xl destroy hvm-sr
ok "xl destroy ends the domain" domain_gone hvm-sr
host_stop a
ok "the host stops cleanly, leaving nothing behind" test $? = 0
done_testing
