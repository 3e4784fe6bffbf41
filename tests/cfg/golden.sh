#!/bin/sh
# xl.cfg golden tests, run by make check (TAP):
#  - golden/NAME.cfg parses to exactly golden/NAME.json, with exactly the
#    warnings in golden/NAME.warn (none if the file is absent), and the JSON
#    read back gives the same JSON;
#  - bad/NAME.cfg fails with exactly the message in bad/NAME.err;
#  - every example in docs/examples parses, round-trips, and takes the
#    libxl defaults.
srcdir=${top_srcdir:-.}/tests/cfg
dump=${top_builddir:-.}/tests/cfg/cfg_dump
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0

result() {      # result STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

show_diff() {   # show_diff WANT GOT: as TAP comments
	diff -u "$1" "$2" | sed 's/^/# /'
}

for cfg in "$srcdir"/golden/*.cfg; do
	name=$(basename "$cfg" .cfg)
	(cd "$srcdir/golden" && "$dump" -r "$name.cfg") >"$tmp/out" 2>"$tmp/err"
	st=$?
	cmp -s "$tmp/out" "$srcdir/golden/$name.json"
	same=$?
	[ $st -eq 0 ] && [ $same -eq 0 ]
	result $? "golden $name: JSON and round trip"
	[ $same -eq 0 ] || show_diff "$srcdir/golden/$name.json" "$tmp/out"
	want="$srcdir/golden/$name.warn"
	[ -f "$want" ] || want=/dev/null
	cmp -s "$tmp/err" "$want"
	result $? "golden $name: warnings"
	cmp -s "$tmp/err" "$want" || show_diff "$want" "$tmp/err"
	"$dump" -j "$srcdir/golden/$name.json" >"$tmp/again" 2>&1
	cmp -s "$tmp/again" "$srcdir/golden/$name.json"
	result $? "golden $name: JSON -> types -> JSON is stable"
done

for cfg in "$srcdir"/bad/*.cfg; do
	name=$(basename "$cfg" .cfg)
	(cd "$srcdir/bad" && "$dump" "$name.cfg") >/dev/null 2>"$tmp/err"
	st=$?
	grep '^error: ' "$tmp/err" | sed 's/^error: //' >"$tmp/msg"
	[ $st -eq 1 ] && cmp -s "$tmp/msg" "$srcdir/bad/$name.err"
	result $? "malformed $name: $(cat "$srcdir/bad/$name.err")"
	[ $st -eq 1 ] || echo "# exit status $st"
	cmp -s "$tmp/msg" "$srcdir/bad/$name.err" || show_diff "$srcdir/bad/$name.err" "$tmp/msg"
done

for ex in "$top_srcdir"/docs/examples/*; do
	name=$(basename "$ex")
	"$dump" -r "$ex" >/dev/null 2>"$tmp/err"
	[ $? -eq 0 ] && [ ! -s "$tmp/err" ]
	result $? "example $name parses without warnings and round-trips"
	sed 's/^/# /' "$tmp/err"
	"$dump" -d -r "$ex" >/dev/null 2>"$tmp/err"
	result $? "example $name takes the defaults"
done

echo "1..$n"
