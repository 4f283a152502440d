# load.sh: CPU-burning processes beside a test run, to prove it passes on a busy machine (sourced).
#
# APIKEYS_TEST_LOAD=N: load_start starts N busy loops at the tests' own
# priority; load_stop stops them by PID.  Each loop also ends by itself
# once the process that started it is gone, so none outlives a killed run.
# A run that carries its own load (tests/run-all) sets APIKEYS_TEST_LOAD_OWNER
# so that the test programs under it do not add theirs.

LOAD_PIDS=

load_start() {
	local n=${APIKEYS_TEST_LOAD:-0} i
	case $n in ''|*[!0-9]*) n=0 ;; esac
	[ "$n" -gt 0 ] || return 0
	[ -z "${APIKEYS_TEST_LOAD_OWNER:-}" ] || return 0
	APIKEYS_TEST_LOAD_OWNER=$$
	export APIKEYS_TEST_LOAD_OWNER
	for i in $(seq 1 "$n"); do
		sh -c 'while kill -0 "$1" 2>/dev/null; do
			i=0; while [ "$i" -lt 200000 ]; do i=$((i + 1)); done
		done' load-burner "$$" &
		LOAD_PIDS="$LOAD_PIDS $!"
	done
	printf 'load: %s busy loops beside the tests (pids%s)\n' "$n" "$LOAD_PIDS" >&2
}

load_stop() {
	local pid
	for pid in $LOAD_PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in $LOAD_PIDS; do wait "$pid" 2>/dev/null || true; done
	[ "${APIKEYS_TEST_LOAD_OWNER:-}" = "$$" ] && unset APIKEYS_TEST_LOAD_OWNER
	LOAD_PIDS=
	return 0
}
