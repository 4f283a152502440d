# 90-outage.sh: the database stopped and restarted under the running service: quick JSON errors, then recovery without a restart, data kept.
. "$(dirname "$0")/lib.sh"

new_user outage
generate "$TOKEN"
check "set-up: a key to show through the outage" test -n "$KEY_ID"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
BEFORE=$BODY
pids_before=$("$TEST_CTL" responder-pids | sort -n | tr '\n' ' ')
check "responder processes are running before the outage ($pids_before)" test -n "$pids_before"

# Shows in the background through the whole outage: at most 600 requests
# and 120 s, or until the stop file appears.
load() {
	local i end=$((SECONDS + 120))
	for i in $(seq 1 600); do
		[ -f "$TMP/stop-load" ] || [ "$SECONDS" -ge "$end" ] && break
		curl -s --max-time 12 -o "$TMP/load/$i.body" -w '%{http_code}\n' \
		    -H "$(auth "$TOKEN")" "$BASE/api/api-keys/$KEY_ID" > "$TMP/load/$i.code"
	done
}
mkdir -p "$TMP/load"
load &
loadpid=$!
# The load has had its first answer (a 200: the database is up) before
# the database goes; on a busy machine that can take a while.
for i in $(seq 1 300); do
	grep -qsx 200 "$TMP"/load/*.code && break
	sleep 0.1
done

# timed METHOD PATH [curl args]: req, and MS the milliseconds it took.
timed() { local t0; t0=$(now_ms); req "$@"; MS=$(($(now_ms) - t0)); }
"$TEST_CTL" db-stop
check "the database is stopped" bash -c '! "$1" "SELECT 1" >/dev/null 2>&1' _ "$TEST_SQL"
for i in 1 2; do
	timed GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
	expect 503 "$UNAVAILABLE" "show while the database is down ($i): the JSON 503"
	check "show while down ($i): answered within 10 s ($MS ms)" test "$MS" -lt 10000
done
timed POST /api/api-keys/generate -H "$(auth "$TOKEN")"
check "generate while down: 503 or 500 ($STATUS, $MS ms)" bash -c '[ "$1" = 503 ] || [ "$1" = 500 ]' _ "$STATUS"
if [ "$STATUS" = 500 ]; then
	expect 500 "$GEN_FAILED" "generate while down: the exact generate 500"
else
	expect 503 "$UNAVAILABLE" "generate while down: the exact JSON 503"
fi
check "generate while down: answered within 10 s ($MS ms)" test "$MS" -lt 10000
body_lacks MTP_ "generate while down: no key material"
timed GET /api/nope -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND" "an unknown path while down: still the JSON 404"
check "the 404 while down within 10 s ($MS ms)" test "$MS" -lt 10000
timed GET /api/api-keys/generate
expect 405 "$NOTALLOWED" "a wrong method while down: still the JSON 405"
timed GET "/api/api-keys/$KEY_ID"
case $STATUS in
401) expect 401 "$UNAUTH" "no token while down: the 401 (no database needed)" ;;
*) expect 503 "$UNAVAILABLE" "no token while down: the 401, or the JSON 503" ;;
esac

"$TEST_CTL" db-start
t0=$(now_ms)
end=$((t0 + 30000))
for i in $(seq 1 300); do
	req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
	[ "$STATUS" = 200 ] && break
	[ "$(now_ms)" -ge "$end" ] && break
	sleep 0.1
done
ms=$(($(now_ms) - t0))
diag "recovered in $ms ms"
expect_status 200 "show answers 200 again once the database is back"
# (The responders reconnect on the next request: seconds at most; the bound
# leaves room for a busy machine.)
check "recovered within 15 s ($ms ms)" test "$ms" -lt 15000
expect_body "$BEFORE" "the same key, byte for byte as before the outage (data kept)"
expect_sql "SELECT GROUP_CONCAT(CONCAT(id, ' ', \`key\`)) FROM api_keys WHERE user_id=$USER_ID" "$KEY_ID $KEY" \
    "the generate that failed while down changed nothing"

touch "$TMP/stop-load"
wait "$loadpid"
n=$(ls "$TMP/load"/*.code 2>/dev/null | wc -l)
diag "$n shows under load through the outage: $(cat "$TMP/load"/*.code | sort | uniq -c | tr -s ' \n' ' ')"
bad=0
for c in "$TMP/load"/*.code; do
	b=$(cat "${c%.code}.body" 2>/dev/null)
	case $(cat "$c") in
	200) [ "$b" = "$BEFORE" ] || bad=$((bad + 1)) ;;
	503) [ "$b" = "$UNAVAILABLE" ] || bad=$((bad + 1)) ;;
	*) bad=$((bad + 1)); diag "under load: $(cat "$c") $(head -c 200 "${c%.code}.body" 2>/dev/null)" ;;
	esac
done
check "under load through the outage: every answer the key's 200 or the exact JSON 503 ($bad others)" test "$bad" = 0
check "under load: some requests failed while down and some succeeded" \
    bash -c 'grep -qx 503 "$1"/*.code && grep -qx 200 "$1"/*.code' _ "$TMP/load"

pids_after=$("$TEST_CTL" responder-pids | sort -n | tr '\n' ' ')
diag "responder pids before: $pids_before after: $pids_after"
survived=0
for p in $pids_before; do case " $pids_after " in *" $p "*) survived=1 ;; esac; done
check "a responder process survived the outage (recovered without a restart)" test "$survived" = 1
generate "$TOKEN"
expect_status 200 "generate works again"
expect_sql "SELECT GROUP_CONCAT(id) FROM api_keys WHERE user_id=$USER_ID" "${KEY_ID:-none}" "and replaced the key"
finish
