# harness.sh: what the black-box CLI tests share (sourced, not run; tests/cli/*.sh are the
# tests). It makes a temporary folder $work (removed on exit) holding the store
# (EMBARGO_HOME=$work/home, with EMBARGO_STORE and XDG_DATA_HOME unset so nothing else is
# touched), and the checks below; a test ends with `finish`, which prints "N passed, N failed"
# and fails when any check did.
: "${EMBARGO:?set EMBARGO to the embargo binary}" "${EM_SHARED_DIR:?set EM_SHARED_DIR}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export EMBARGO_HOME=$work/home
unset EMBARGO_STORE XDG_DATA_HOME

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# expect DESC WANTED_EXIT CMD...: runs CMD with stdout in $work/out and stderr in $work/err
expect() {
	local desc=$1 want=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then ok "$desc"; else
		bad "$desc (exit $got, wanted $want)"
		sed 's/^/     /' "$work/err" | head -n 5
	fi
}
# same DESC A B: the two values are equal
same() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 ('$2' != '$3')"; fi; }
# has DESC FILE PATTERN: the file has a line matching the extended regex
has() { if grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1 (no /$3/ in $2)"; sed 's/^/     /' "$2" | head -n 5; fi; }
# wait_for SECONDS CONDITION: true once the shell CONDITION holds (checked every 100 ms)
wait_for() {
	local i
	for i in $(seq $(($1 * 10))); do
		eval "$2" && return 0
		sleep 0.1
	done
	return 1
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
