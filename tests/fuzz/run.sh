#!/bin/sh
# run.sh [SECONDS]: builds the libFuzzer targets and runs each for SECONDS (default 60) on a copy of its seed corpus; prints TAP.
#
# The committed corpus is never written: each target works on a copy in a
# temporary directory.  That directory is removed after a clean run and kept
# after a failure, with the binaries and the crash inputs, to reproduce.
# FUZZ_TARGETS picks targets; FUZZ_CC names the compiler (default clang).
set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-60}
targets=${FUZZ_TARGETS:-"router bearer config request json-body jsonr"}
cc=${FUZZ_CC:-clang}

case $secs in
''|*[!0-9]*)
	echo "usage: run.sh [SECONDS]" >&2
	exit 2
	;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/apikeys-fuzz.XXXXXX") || exit 1
keep=0
cleanup() {
	[ "$keep" -eq 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# Skip, not fail, where the tools are missing: libFuzzer needs clang and
# its runtime, which a compiler package may ship separately.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' \
    > "$work/probe.c"
if ! command -v "$cc" >/dev/null 2>&1 ||
    ! "$cc" -fsanitize=fuzzer,address,undefined -o "$work/probe" "$work/probe.c" \
    >/dev/null 2>&1; then
	echo "1..0 # SKIP clang/libFuzzer not installed"
	exit 0
fi

if ! FUZZ_TARGETS="$targets" "$here/build.sh" "$work/bin" > "$work/build.log" 2>&1; then
	echo "not ok - fuzz targets build"
	sed 's/^/# /' "$work/build.log" | tail -40
	echo "1..1"
	keep=1
	echo "# kept $work"
	exit 1
fi

n=0
failed=0
for t in $targets; do
	n=$((n + 1))
	corpus="$work/corpus-$t"
	art="$work/crash-$t"
	mkdir -p "$corpus" "$art"
	cp "$here/corpus/$t"/* "$corpus/" 2>/dev/null
	start=$(date +%s)
	# A leak, a sanitizer report, an abort() of an invariant, a timeout
	# or the memory limit all end the run with a non-zero status.
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
	    "$work/bin/fuzz-$t" -max_total_time="$secs" -rss_limit_mb=2048 \
	    -timeout=10 -detect_leaks=1 -print_final_stats=1 \
	    -artifact_prefix="$art/" "$corpus" > "$work/$t.log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok - fuzz $t: ${execs:-0} executions in $took s"
		continue
	fi
	failed=$((failed + 1))
	keep=1
	crash=""
	for a in "$art"/*; do
		[ -f "$a" ] && crash=$a && break
	done
	echo "not ok - fuzz $t: exit $rc after ${execs:-?} executions in $took s, input ${crash:-(none written)}"
	# The report's first lines and its frames in the project's code; the
	# fuzzer's and the C library's own frames say nothing here.
	grep -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|^Direct leak|^    #[0-9]+ ' \
	    "$work/$t.log" |
	    grep -vE 'fuzzer::|__sanitizer|__interceptor|libc\.so|libc_start|nptl|raise|abort\.c|_start | in main ' |
	    head -16 | sed 's/^/# /'
	if [ -n "$crash" ]; then
		echo "# input (hex, first 256 bytes): $(head -c 256 "$crash" | od -An -v -tx1 | tr -d ' \n')"
		echo "# reproduce: $work/bin/fuzz-$t $crash"
	fi
	echo "# log: $work/$t.log"
done
echo "1..$n"
[ "$failed" -eq 0 ]
