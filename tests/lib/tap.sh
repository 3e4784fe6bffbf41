# TAP for shell tests. Source it, then:
#   ok "description" command args...     passes when the command succeeds
#   is "$got" "$want" "description"
#   like "$got" "regex" "description"
#   prog | tap_verdicts                     a helper's "ok WHAT"/"FAIL WHAT" lines
#   skip_all "why"                          when a prerequisite is missing
#   done_testing                            prints the plan; exit status = failures
_tap_n=0
_tap_fail=0

_tap_result() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_fail=$((_tap_fail + 1))
	fi
}

ok() {
	local desc=$1
	shift
	"$@" > /dev/null 2>&1
	_tap_result $? "$desc"
}

is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | head -40
	fi
}

like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		printf '#   got:  %s\n#   want match: %s\n' "$1" "$2" | head -40
	fi
}

tap_verdicts() {	# the test helpers' own verdict lines become TAP results
	local verdict what
	while read -r verdict what; do
		case $verdict in
		ok) _tap_result 0 "$what" ;;
		FAIL) _tap_result 1 "$what" ;;
		esac
	done
}

diag() {
	printf '# %s\n' "$*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
