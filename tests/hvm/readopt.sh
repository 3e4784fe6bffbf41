#!/bin/bash
# An hvm domain survives an xld crash: kill -9 xld while the domain runs
# (SeaBIOS booted guest/serecho.S from its IDE disk: it echoes what COM1
# receives); its device model keeps running, a new xld re-adopts it (its
# pid file, its serial line as the console), `xl list` shows the domain,
# the guest still answers on `xl console`, `xl console -t pv|serial`
# pick the PV ring and the serial line; the adopted device model killed
# is not restarted and the domain stays; `xl destroy` ends the domain and
# removes the device model's files.
. "$top_srcdir/tests/lib/host.sh"
. "$top_srcdir/tests/hvm/serecho_lib.sh"
say() { serecho_say "$@"; }
serecho_start hvm-ro

# dm_count: device models of this host's domain $id.
dm_count() { pgrep -c -f -- "vmctl-devmodel --domid $id --rundir $VMCTL_RUNDIR " || true; }
# wait_for_none: for two seconds no device model runs for domain $id.
wait_for_none() {
	for _ in $(seq 40); do
		[ "$(dm_count)" = 0 ] || return 1
		sleep 0.05
	done
}

# pid_gone PID: wait (bounded) until the process is gone.
pid_gone() {
	for _ in $(seq 100); do
		[ -d "/proc/$1" ] || return 0
		sleep 0.05
	done
	return 1
}

if command -v xenstore-read > /dev/null; then
	like "$(xenstore-read /local/domain/$id/serial/0/tty)" '^/dev/pts/' \
		"its pty is ~/serial/0/tty in xenstore, as with Xen's device model"
fi
out=$(timeout 3 "$XL_BIN" console -t serial hvm-ro < /dev/null 2>&1)
like "$out" 'serecho: ready' "xl console -t serial is the 16550's line"
out=$(timeout 3 "$XL_BIN" console -n 1 hvm-ro < /dev/null 2>&1)
ok "xl console -n 1 fails: there is one console" test $? != 0 -a $? != 124
like "$out" 'Could not read tty' "with xenconsole's error"

xld_pid=$(cat "$VMCTL_TEST_DIR/a/xld.pid")
kill -9 "$xld_pid"
wait "$xld_pid" 2>/dev/null
ok "the device model outlives the killed xld" test -d "/proc/$dmpid"
"$XLD" --rundir "$VMCTL_RUNDIR" --statedir "$VMCTL_STATEDIR" --logdir "$VMCTL_LOGDIR" --foreground &
echo $! > "$VMCTL_TEST_DIR/a/xld.pid"
ok "a new xld starts" wait_for "$VMCTL_RUNDIR/xld.sock"
ok "and re-adopts the device model" file_has "$VMCTL_LOGDIR/xld.log" "re-adopted its device model \\(pid $dmpid\\)"
like "$(xl list hvm-ro | sed -n 2p)" "^hvm-ro +$id " "xl list shows the domain"
say hvm-ro b
ok "the guest still answers on xl console" console_has hvm-ro 'serecho: got b' 600
say hvm-ro c serial
ok "and on xl console -t serial" console_has hvm-ro 'serecho: got c' 600
out=$(timeout 3 "$XL_BIN" console -t pv hvm-ro < /dev/null 2>&1)
st=$?
ok "xl console -t pv attaches to the PV ring (the guest writes nothing there)" test $st = 0 -o $st = 124
ok "which is not the serial line" eval "! echo \"\$out\" | grep -q serecho"

# The adopted device model dies: as with Xen's QEMU nobody starts another
# (its arguments and tap descriptors were the old xld's); the domain stays,
# its emulated devices gone, until it is destroyed.
kill -9 "$dmpid"
ok "the adopted device model is killed" pid_gone "$dmpid"
ok "xld says it is not restarted" \
	file_has "$VMCTL_LOGDIR/xld.log" "adopted pid $dmpid ended: not restarted"
ok "no device model is started for it" wait_for_none
like "$(xl list hvm-ro | sed -n 2p)" "^hvm-ro +$id " "the domain stays"

xl destroy hvm-ro
ok "xl destroy ends the domain" domain_gone hvm-ro
ok "and removes its files" eval "! ls $VMCTL_RUNDIR/devmodel.$id.* > /dev/null 2>&1"
host_stop a
ok "the host stops cleanly, leaving nothing behind" test $? = 0
done_testing
