#!/bin/bash
# run.sh [SECONDS]: builds and runs every fuzz target for SECONDS each (default 60) on a copy of its corpus; prints TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-${FUZZ_SECONDS:-60}}
targets=${FUZZ_TARGETS:-"router bearer config request json-body"}
if ! command -v clang >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
	echo "1..0 # SKIP clang or libFuzzer not installed"
	exit 0
fi
work=$(mktemp -d /tmp/apikeys-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
if ! "$here/build.sh" "$work/bin" > "$work/build.log" 2>&1; then
	echo "not ok - fuzz targets build"
	sed 's/^/# /' "$work/build.log" | tail -30
	echo "1..1"
	exit 1
fi
n=0 failed=0 total=0
for t in $targets; do
	n=$((n + 1))
	mkdir -p "$work/corpus-$t" "$work/art-$t"
	cp "$here/corpus/$t"/* "$work/corpus-$t/" 2>/dev/null || true
	ASAN_OPTIONS=detect_leaks=1 "$work/bin/fuzz-$t" -max_total_time="$secs" -rss_limit_mb=2048 \
	    -timeout=10 -print_final_stats=1 -artifact_prefix="$work/art-$t/" \
	    "$work/corpus-$t" > "$work/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
	total=$((total + ${execs:-0}))
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - fuzz $t: ${execs:-?} executions in $secs s"
	else
		failed=$((failed + 1))
		echo "not ok $n - fuzz $t: exit $rc after ${execs:-?} executions"
		grep -E 'ERROR|SUMMARY|#[0-9] ' "$work/$t.log" | head -20 | sed 's/^/# /'
		for a in "$work/art-$t"/*; do
			[ -f "$a" ] && echo "# crash input (hex): $(head -c 200 "$a" | od -An -tx1 | tr -d ' \n')"
		done
	fi
done
echo "# total fuzz executions: $total"
echo "1..$n"
[ "$failed" -eq 0 ]
