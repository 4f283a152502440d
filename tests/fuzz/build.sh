#!/bin/sh
# build.sh [DIR]: builds every libFuzzer target (ASan + UBSan) into DIR (default tests/fuzz/bin).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/fuzz/bin}
cfg=${abs_top_builddir:-$top}	# where ./configure wrote ac-config.h
[ -f "$cfg/ac-config.h" ] || { echo "build.sh: run ./configure at the top of the tree first" >&2; exit 1; }
CC=${CC:-clang}
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$cfg -I$top/src"
deps=$(pkg-config --cflags --libs jansson libcrypto libmariadb)
srcs=""
for f in "$top"/src/*.c; do
	case $(basename "$f") in main.c|admin.c) ;; *) srcs="$srcs $f" ;; esac
done
for t in router bearer config request json-body; do
	# shellcheck disable=SC2086
	$CC $flags -o "$out/fuzz-$t" "$top/tests/fuzz/fuzz-$t.c" $srcs $deps
done
