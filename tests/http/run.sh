#!/bin/bash
# run.sh BASE_URL: runs every case file of the HTTP contract suite against a server, as one TAP stream.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BASE=${1:?usage: run.sh BASE_URL}
export BASE
SECRETS_FILE=${SECRETS_FILE:-$(mktemp /tmp/apikeys-secrets.XXXXXX)}
export SECRETS_FILE
out=$(mktemp /tmp/apikeys-tap.XXXXXX)
for f in "$here"/[0-9][0-9]-*.sh; do
	case $(basename "$f") in ${HTTP_ONLY:-*}) ;; *) continue ;; esac
	bash "$f" > "$out" 2>&1
	rc=$?
	cat "$out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$out"; then
		echo "not ok - $(basename "$f") exited $rc"
	fi
done | tee "$out.all"
n=$(grep -cE '^(not )?ok' "$out.all")
[ -n "${NO_PLAN:-}" ] || echo "1..$n"
rm -f "$out" "$out.all" "$SECRETS_FILE"
