#!/bin/bash
# run.sh BASE_URL: runs every case file of the HTTP contract suite against a server, as one TAP stream.
#   HTTP_ONLY=GLOB       run only the case files whose names match (e.g. '2*' or '40-show.sh')
#   HTTP_EVERY_FRONT=1   run the front-end-independent files behind every front end too
#
# Some case files are slow and test what the front end cannot change (the
# database's concurrency and outages, the bucket and credits, rotation's
# clock, the audit trail): they run once, behind Apache (STACK_FRONT
# apache, or no stack: a server given by URL), unless HTTP_EVERY_FRONT=1.
#   NO_PLAN=1            leave out the closing 1..N (the caller adds its own checks)
#   HTTP_FILE_TIMEOUT=S  seconds one case file may run (default 900)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BASE=${1:?usage: run.sh BASE_URL}
export BASE
own_secrets=0
if [ -z "${SECRETS_FILE:-}" ]; then
	SECRETS_FILE=$(mktemp -t apikeys-secrets.XXXXXX)
	own_secrets=1
fi
export SECRETS_FILE
work=$(mktemp -d -t apikeys-tap.XXXXXX)
trap '[ "$own_secrets" = 1 ] && rm -f "$SECRETS_FILE"; rm -rf "$work"' EXIT
limit=${HTTP_FILE_TIMEOUT:-900}
: > "$work/all"
ran=0
for f in "$here"/[0-9][0-9]-*.sh; do
	name=$(basename "$f")
	# shellcheck disable=SC2254
	case $name in ${HTTP_ONLY:-*}) ;; *) continue ;; esac
	case $name in
	50-concurrency.sh|82-verify-settings.sh|83-rotate.sh|84-events.sh|87-webhooks.sh|90-outage.sh)
		if [ "${STACK_FRONT:-apache}" != apache ] && [ "${HTTP_EVERY_FRONT:-0}" != 1 ]; then
			echo "# $name: runs behind apache only (the front end cannot change its answers)"
			continue
		fi ;;
	esac
	ran=$((ran + 1))
	# Each file in its own process: a crash stops that file only.
	timeout -k 10 "$limit" bash "$f" > "$work/out" 2> "$work/err"
	rc=$?
	{
		cat "$work/out"
		# What a file wrote on stderr is shown as diagnostics, not TAP.
		[ -s "$work/err" ] && sed "s/^/# $name stderr: /" "$work/err" | head -40
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			echo "not ok - $name did not finish within $limit s"
		elif [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$work/out"; then
			echo "not ok - $name exited $rc"
		elif ! grep -qE '^(not )?ok' "$work/out"; then
			echo "not ok - $name printed no result"
		fi
	} | tee -a "$work/all"
done
if [ "$ran" = 0 ]; then
	echo "not ok - no case file matches HTTP_ONLY='${HTTP_ONLY:-}'" | tee -a "$work/all"
fi
[ -n "${NO_PLAN:-}" ] || echo "1..$(grep -cE '^(not )?ok' "$work/all")"
