#!/bin/bash
# xl save / xl restore round trips of a PV guest that dirties memory and
# has a disk: with -c (the guest goes on in the same domain), -p (paused),
# and a plain save (the domain goes) followed by restore (a new domain,
# same name, resumed where it was). The guest's page checksums and the
# disk's sectors prove that nothing was lost.
. "$top_srcdir/tests/save/lib.sh"
host_start a || bail_out "cannot start a host"
cd "$VMCTL_TEST_DIR"

guest_create s1 32
ok "the workload runs" console_has s1 "memdirty: periodic round 1 .*: ok \\(0 bad\\)"
guest_cmd s1 "blk write 0 3 66 2"
ok "the guest writes its disk" console_has s1 "wrote 2 sectors at 3: ok"
crc=$(grep -Eo "wrote 2 sectors at 3: ok, crc32 [0-9a-f]+" "$VMCTL_LOGDIR/console/s1.log" | awk '{print $NF}')

# -c: a checkpoint; the same domain goes on.
id=$(xl domid s1)
m=$(mark s1)
ok "xl save -c succeeds" xl save -c s1 s1-c.save
is "$(xl domid s1)" "$id" "after -c the domain is still there, same id"
ok "... and it was told the suspend was cancelled" console_after s1 "$m" "resumed \\(suspend cancelled\\)"
ok "... with every page intact" console_after s1 "$m" "memdirty: after-resume .*: ok \\(0 bad\\)"
ok "the checkpoint file is a stream" grep -q VMCTLDOM s1-c.save

# -p: saved and left paused.
m=$(mark s1)
ok "xl save -p succeeds" xl save -p s1 s1-p.save
is "$(state s1)" "--p---" "after -p the domain is paused"
ok "xl unpause" xl unpause s1
ok "... then it goes on" console_after s1 "$m" "memdirty: after-resume .*: ok \\(0 bad\\)"

# A plain save: the domain goes away, with its xenstore nodes.
m=$(mark s1)
ok "xl save succeeds" xl save s1 s1.save
ok "the domain is gone" bash -c "! '$XL_BIN' domid s1 > /dev/null 2>&1"
ok "its xenstore nodes are gone" bash -c "! xenstore-exists /local/domain/$id"
ok "... while dom0's are there (the check can fail)" xenstore-exists /local/domain/0
is "$(sector_byte s1.img 3)" "42" "the disk write reached the image"

# Restore: a new domain, same name, the guest resumes where it was.
out=$(xl restore s1.save 2>&1)
is "$?" "0" "xl restore succeeds: $out"
nid=$(xl domid s1)
ok "the domain is back under its name (id $nid)" test -n "$nid"
ok "the guest resumes in a new domain" console_after s1 "$m" "resumed \\(new domain\\)"
ok "no page was lost or changed" console_after s1 "$m" "memdirty: after-resume .*: ok \\(0 bad\\)"
ok "the workload goes on" console_after s1 "$m" "memdirty: periodic round .*: ok \\(0 bad\\)"
ok "both vCPUs are back" console_after s1 "$m" "smp: vCPU 1 up"
m=$(mark s1)
guest_cmd s1 "blk read 0 3 2"
ok "the disk reads back what was written before the save" \
	console_after s1 "$m" "read 2 sectors at 3: ok, crc32 $crc"
guest_cmd s1 "blk write 0 7 119 1"
ok "the disk takes new writes" console_after s1 "$m" "wrote 1 sectors at 7: ok"
is "$(sector_byte s1.img 7)" "77" "... which reach the image"
guest_cmd s1 "cpus"
ok "both vCPUs work" console_after s1 "$m" "per-CPU work: 1 of 1 secondaries answered correctly"

# Restore -p of the checkpoint taken earlier, under its own name.
ok "xl destroy" xl destroy s1
out=$(xl restore -p s1-c.save 2>&1)
is "$?" "0" "xl restore -p succeeds: $out"
is "$(state s1)" "--p---" "restore -p leaves it paused"
m=$(mark s1)
ok "xl unpause" xl unpause s1
ok "the checkpoint resumes" console_after s1 "$m" "memdirty: after-resume .*: ok \\(0 bad\\)"

# The pre-copy sender that live migration uses: the memory goes while the
# guest runs and dirties it, then rounds of what it dirtied, then the rest
# once it is suspended. The file restores like any other.
xl destroy s1
m=$(mark s1)
xl restore s1.save > /dev/null 2>&1
ok "restored again for the live save" console_after s1 "$m" "resumed \\(new domain\\)"
m=$(mark s1)
res=$(python3 - "$VMCTL_RUNDIR/xld.sock" "$PWD/live.save" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
req = {"jsonrpc": "2.0", "id": 1, "method": "domain.save",
       "params": {"domain": "s1", "file": sys.argv[2], "live_rounds": 4}}
s.sendall((json.dumps(req) + "\n").encode())
r = json.loads(s.makefile().readline())["result"]
print(r["rounds"], r["pages"])
PY
)
ok "a save with live rounds succeeds: rounds, pages = $res" test -n "$res"
ok "it made pre-copy rounds and sent more than the RAM's pages" \
	awk -v r="${res% *}" -v p="${res#* }" 'BEGIN { exit !(r >= 1 && p > 8192) }'
out=$(xl restore live.save 2>&1)
is "$?" "0" "the live-saved file restores: $out"
ok "the guest resumes in a new domain" console_after s1 "$m" "resumed \\(new domain\\)"
ok "no page dirtied during the rounds was lost" \
	console_after s1 "$m" "memdirty: after-resume .*: ok \\(0 bad\\)"

m=$(mark s1)
guest_cmd s1 poweroff
ok "it powers off" console_after s1 "$m" "powering off"
for i in $(seq 100); do xl domid s1 > /dev/null 2>&1 || break; sleep 0.05; done
ok "host stops cleanly" host_stop a
done_testing
