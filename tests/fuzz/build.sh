#!/bin/sh
# build.sh [DIR]: builds every libFuzzer target (ASan + UBSan) into DIR (default tests/fuzz/bin).
#
# The sources are compiled here directly, not through automake, because the
# fuzzer's instrumentation must not leak into the project's own build.
# FUZZ_CC names the compiler (default clang); FUZZ_TARGETS picks targets.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/tests/fuzz/bin}
# ac-config.h is written by ./configure in the build tree (the top of the
# source tree unless the build is out of tree).
cfg=${abs_top_builddir:-$top}
cc=${FUZZ_CC:-clang}
targets=${FUZZ_TARGETS:-"router bearer config request json-body jsonr"}

if [ ! -f "$cfg/ac-config.h" ]; then
	echo "build.sh: $cfg/ac-config.h is missing: run ./configure at the top of the tree first" >&2
	exit 1
fi
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "build.sh: $cc not found (libFuzzer needs clang)" >&2
	exit 1
fi

# What each target links: its module and what that module calls.  The
# router reaches every handler, hence every module of the library (each
# src/*.c but the programs' files main.c and admin*.c, and the admin tool's
# webhook client http_client.c and webhook_resolve.c, so a new handler
# file is linked without a change here); the json-body target uses
# create's real field table, which lives in api_keys.c beside the
# handlers, so it links them too.
library() {
	for f in "$top"/src/*.c; do
		m=$(basename "$f" .c)
		case $m in
		main|admin|admin_*|http_client|webhook_resolve)	;;
		*)	echo "$m" ;;
		esac
	done
}

modules() {
	case $1 in
	router)		library ;;
	bearer)		echo "auth crypto db_driver db_tx db_bind db_keys db_key_bind db_events db_generate db_rotate log number timeutil" ;;
	config)		echo "config crypto" ;;
	request)	echo "request crypto number response jsonw timeutil utf8" ;;
	jsonr)		echo "jsonr siphash crypto utf8" ;;
	json-body)	echo "jsonr siphash api_keys checksum handler db_driver db_tx db_bind db_keys db_key_bind db_events db_generate db_rotate log validate stored ipnet timeutil response jsonw crypto number utf8" ;;
	*)		echo "build.sh: no target $1" >&2; return 1 ;;
	esac
}

# The pkg-config packages of those modules.
packages() {
	case $1 in
	router|json-body)	echo "jansson libcrypto libmariadb" ;;
	jsonr)		echo "jansson libcrypto" ;;
	bearer)		echo "libcrypto libmariadb" ;;
	*)		echo "libcrypto" ;;
	esac
}

san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 $san -Wall -Wextra -I$cfg -I$top/src"
# Every header is found through pkg-config, as configure does.
cflags="$cflags $(pkg-config --cflags jansson libcrypto libmariadb)"

mkdir -p "$out/obj"

# Each module once, shared by the targets that need it.
needed=""
for t in $targets; do
	needed="$needed $(modules "$t")"
done
for m in $(echo "$needed" | tr ' ' '\n' | sort -u); do
	# shellcheck disable=SC2086
	$cc $cflags -c -o "$out/obj/$m.o" "$top/src/$m.c"
done

for t in $targets; do
	objs=""
	for m in $(modules "$t"); do
		objs="$objs $out/obj/$m.o"
	done
	# shellcheck disable=SC2086
	$cc $cflags -Werror -c -o "$out/obj/fuzz-$t.o" "$top/tests/fuzz/fuzz-$t.c"
	# shellcheck disable=SC2046,SC2086
	$cc $san -g -o "$out/fuzz-$t" "$out/obj/fuzz-$t.o" $objs \
	    $(pkg-config --libs $(packages "$t"))
	echo "built $out/fuzz-$t"
done
