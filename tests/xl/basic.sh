#!/bin/bash
# xl against a private host: info, list (formats), dmesg, errors for unknown
# domains, help. Output formats are Xen's (reference: xl_info.c).
. "$top_srcdir/tests/lib/host.sh"
host_start a || bail_out "cannot start a host"

out=$(xl info)
like "$out" '^host                   : ' "xl info: key padded to 23, then ': '"
like "$out" $'\nxen_caps               : xen-3.0-x86_64' "xl info: xen_caps"
like "$out" $'\nvirt_caps              : pv' "xl info: virt_caps has pv"
is "$(xl info xen_caps)" "xen-3.0-x86_64" "xl info <field> prints only the value"
is "$(xl info nr_cpus)" "$(nproc)" "xl info nr_cpus is the host's"
is "$(xl info xend_config_format)" "4" "xend_config_format is 4"

out=$(xl list)
is "$(echo "$out" | head -1)" "$(printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)')" "xl list header, with its TABs"
like "$(echo "$out" | sed -n 2p)" '^Domain-0 {37}0 +[0-9]+ +[0-9]+     r-----  +[0-9]+\.[0-9]$' "xl list: Domain-0 row"
like "$(xl list -v | head -1)" 'Reason-Code' "xl list -v header"
is "$(xl list -l)" "$(printf '[\n\n]')" "xl list -l with no guests: empty JSON array"

xl list nosuch > /dev/null 2> err.$$
is "$?" "1" "xl list of an unknown domain fails"
like "$(cat err.$$)" 'nosuch is an invalid domain identifier' "... and says so"
xl pause nosuch 2> err.$$
is "$?" "1" "xl pause of an unknown domain fails"
like "$(cat err.$$)" 'Invalid domain identifier: nosuch' "... and says so"
rm -f err.$$
is "$(xl domid Domain-0)" "0" "xl domid Domain-0"
like "$(xl dmesg)" 'vmhv' "xl dmesg shows vmhv's console ring"
like "$(xl help)" 'list +List information' "xl help lists the commands"
xl nosuchcmd > /dev/null 2>&1
is "$?" "2" "an unknown command exits 2"

ok "host a stops cleanly" host_stop a
done_testing
