#!/bin/sh
# libvirt domain XML <-> xl.cfg, run by make check (TAP):
#  - every docs/examples config and every tests/cfg/golden config: the XML
#    we write is a fixed point (XML -> config -> XML), the config survives
#    XML and XML -> xl.cfg unchanged once defaults apply (unless the
#    formatter warned what it left out), and the XML validates against
#    libvirt's schema with virt-xml-validate (skipped when not installed;
#    Debian package libvirt-clients);
#  - xml/NAME.xml (libvirt-style PV, PVH, HVM domains): valid, a fixed
#    point, and `xl domxml-to-cfg` prints exactly xml/NAME.cfg with the
#    warnings in xml/NAME.warn; xl.cfg -> XML -> xl.cfg is stable;
#  - bad/NAME.xml fails with exactly the message in bad/NAME.err.
srcdir=${top_srcdir:-.}
build=${top_builddir:-.}
check=$build/tests/domxml/domxml_check
xl=$build/xl/xl
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0

result() {      # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

comment() {     # comment FILE: as TAP comments
	sed 's/^/# /' "$1"
}

# virt-xml-validate is a script around xmllint (libxml2-utils, only a
# recommendation of libvirt-clients).
if command -v virt-xml-validate >/dev/null 2>&1 && command -v xmllint >/dev/null 2>&1; then
	validator=yes
else
	echo "# virt-xml-validate or xmllint not found (Debian packages libvirt-clients, libxml2-utils): schema checks skipped"
fi

validate() {    # validate FILE DESCRIPTION
	if [ -z "$validator" ]; then
		n=$((n + 1))
		echo "ok $n - $2 # SKIP virt-xml-validate or xmllint not installed"
		return
	fi
	virt-xml-validate "$1" domain >"$tmp/valid" 2>&1
	st=$?
	result $st "$2"
	[ $st -eq 0 ] || comment "$tmp/valid"
}

for cfg in "$srcdir"/docs/examples/* "$srcdir"/tests/cfg/golden/*.cfg; do
	name=$(basename "$cfg")
	"$check" cfg "$cfg" "$tmp/out.xml" 2>"$tmp/err"
	st=$?
	result $st "$name: XML fixed point, config round trips"
	[ $st -eq 0 ] || comment "$tmp/err"
	validate "$tmp/out.xml" "$name: its XML validates against libvirt's schema"
done

for xml in "$srcdir"/tests/domxml/xml/*.xml; do
	name=$(basename "$xml" .xml)
	want="$srcdir/tests/domxml/xml/$name"
	validate "$xml" "xml $name: the input is valid libvirt XML"
	"$check" xml "$xml" "$tmp/out.xml" 2>"$tmp/err"
	st=$?
	result $st "xml $name: XML -> config -> XML is a fixed point"
	[ $st -eq 0 ] || comment "$tmp/err"
	validate "$tmp/out.xml" "xml $name: the XML we write validates"
	"$xl" domxml-to-cfg "$xml" >"$tmp/cfg" 2>"$tmp/warn"
	st=$?
	[ $st -eq 0 ] && cmp -s "$tmp/cfg" "$want.cfg"
	result $? "xml $name: xl domxml-to-cfg gives $name.cfg"
	[ $st -eq 0 ] || comment "$tmp/warn"
	diff -u "$want.cfg" "$tmp/cfg" | comment /dev/stdin
	[ -f "$want.warn" ] || want_warn=/dev/null
	cmp -s "$tmp/warn" "${want_warn:-$want.warn}"
	result $? "xml $name: with the expected warnings"
	diff -u "${want_warn:-$want.warn}" "$tmp/warn" | comment /dev/stdin
	unset want_warn
	"$xl" cfg-to-domxml "$tmp/cfg" 2>/dev/null | "$xl" domxml-to-cfg - >"$tmp/cfg2" 2>/dev/null
	cmp -s "$tmp/cfg" "$tmp/cfg2"
	result $? "xml $name: xl.cfg -> XML -> xl.cfg is stable"
	diff -u "$tmp/cfg" "$tmp/cfg2" | comment /dev/stdin
done

for xml in "$srcdir"/tests/domxml/bad/*.xml; do
	name=$(basename "$xml" .xml)
	"$check" bad "$xml" >"$tmp/msg" 2>/dev/null
	st=$?
	[ $st -eq 0 ] && cmp -s "$tmp/msg" "$srcdir/tests/domxml/bad/$name.err"
	result $? "malformed $name: $(cat "$srcdir/tests/domxml/bad/$name.err")"
	diff -u "$srcdir/tests/domxml/bad/$name.err" "$tmp/msg" | comment /dev/stdin
done

# The xl commands' own behaviour.
"$xl" cfg-to-domxml "$srcdir/docs/examples/demo.cfg" memory=128 >"$tmp/demo.xml" 2>"$tmp/err"
grep -q '<currentMemory unit="KiB">131072</currentMemory>' "$tmp/demo.xml"
result $? "xl cfg-to-domxml applies key=value overrides as xl create does"
"$xl" domxml-to-cfg "$tmp/no-such-file.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'no-such-file.xml: No such file or directory' "$tmp/err"
result $? "xl domxml-to-cfg: a missing file is an error naming it"
"$xl" domxml-to-cfg "$srcdir/tests/domxml/bad/unknown-element.xml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q '^xl: domain XML:4: <vcpuz>: unknown element in <domain>$' "$tmp/err"
result $? "xl domxml-to-cfg: a bad element is named, exit status 1"

echo "1..$n"
