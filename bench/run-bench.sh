#!/bin/sh
# Runs every benchmark given on the command line and prints one table.
# A benchmark prints rows as tab-separated lines:
#   row <TAB> figure <TAB> value <TAB> unit <TAB> reference name <TAB> reference value
# Anything else it prints goes to bench.log. Ratio = value / reference.
set -u
log=bench.log
: > "$log"
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
fail=0
for b in "$@"; do
	case "$b" in
	*.sh) [ -f "$b" ] || b="$top_srcdir/$b"; cmd="bash $b" ;;
	*) cmd="./$b" ;;
	esac
	echo "== $b" >> "$log"
	if ! $cmd > "$rows.out" 2>> "$log"; then
		echo "benchmark $b failed (see $log)" >&2
		fail=1
	fi
	grep '^row	' "$rows.out" >> "$rows"
	grep -v '^row	' "$rows.out" >> "$log"
	rm -f "$rows.out"
done
awk -F '\t' '
BEGIN { printf "%-52s %14s %-8s %-30s %14s %8s\n", "figure", "vmctl", "unit", "reference", "ref", "ratio";
        printf "%s\n", "----------------------------------------------------------------------------------------------------------------------------------" }
{ ratio = ($6 + 0 != 0) ? sprintf("%.2f", $3 / $6) : "-";
  printf "%-52s %14s %-8s %-30s %14s %8s\n", $2, $3, $4, $5, $6, ratio }' "$rows"
exit $fail
