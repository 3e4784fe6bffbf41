# Shared by the golden-output guest tests: boot $1 with pvrun (more pvrun
# options after it) and check that every line of the expected file $2
# appears in what it prints.
golden_run() {
	guest=$1 expected=$2
	shift 2
	out=$("$top_builddir/tests/hv/pvrun" --timeout 30 "$@" "$top_builddir/tests/guests/$guest")
	st=$?
	n=1
	if [ $st = 0 ]; then echo "ok 1 - $guest powers off"; else echo "not ok 1 - $guest: exit $st"; fi
	while IFS= read -r want; do
		n=$((n + 1))
		if printf '%s\n' "$out" | grep -qxF -- "$want"; then
			echo "ok $n - $want"
		else
			got=$(printf '%s\n' "$out" | grep -F -- "${want%%:*}:" | head -1)
			echo "not ok $n - $want (got: ${got:-nothing})"
		fi
	done < "$top_srcdir/tests/hv/$expected"
	echo "1..$n"
}
