# 90-outage.sh: the database stopped and restarted under the running service: JSON errors, then recovery without a restart.
. "$(dirname "$0")/lib.sh"

new_user outage
generate "$TOKEN"
pids_before=$("$TEST_CTL" responder-pids | sort | tr '\n' ' ')
# Load through the whole outage: bounded to 600 requests or the stop file.
load() {
	local i
	for i in $(seq 1 600); do
		[ -f "$TMP/stop-load" ] && break
		curl -s --max-time 15 -o "$TMP/load.body" -w '%{http_code}\n' \
		    -H "$(auth "$TOKEN")" "$BASE/api/api-keys/$KEY_ID" >> "$TMP/load.codes"
		jq -e '.success != null' "$TMP/load.body" >/dev/null 2>&1 || echo bad >> "$TMP/load.bad"
	done
}
load &
loadpid=$!
sleep 0.5
"$TEST_CTL" db-stop
for path in "/api/api-keys/$KEY_ID" /api/api-keys; do
	t0=$(date +%s%N)
	req GET "$path" -H "$(auth "$TOKEN")"
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect 503 "$UNAVAILABLE" "GET $path while the database is down: JSON 503"
	expect_header Content-Type application/json "JSON while down"
	check "answered within 10 s while down ($ms ms)" test "$ms" -lt 10000
done
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
check "generate while down: a JSON 5xx" bash -c "[ '$STATUS' = 503 ] || [ '$STATUS' = 500 ]"
check "generate while down: the JSON envelope" bash -c "printf '%s' '$BODY' | jq -e '.success == false' >/dev/null"
"$TEST_CTL" db-start
t0=$(date +%s%N)
for i in $(seq 1 50); do
	req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
	[ "$STATUS" = 200 ] && break
	sleep 0.1
done
ms=$((($(date +%s%N) - t0) / 1000000))
printf '# recovered in %d ms after the database came back\n' "$ms"
expect_status 200 "show works again once the database is back"
check "recovered within 5 s" test "$ms" -lt 5000
expect_json .data.key "$KEY" "with the same key (data kept)"
touch "$TMP/stop-load"
wait "$loadpid"
printf '# during the outage under load: %s\n' "$(sort "$TMP/load.codes" | uniq -c | tr '\n' ' ')"
check "under load through the outage: only 200 and JSON 503/500" \
    test -z "$(grep -vE '^(200|500|503)$' "$TMP/load.codes")"
check "under load through the outage: every body was the JSON envelope" test ! -s "$TMP/load.bad"
check "under load: some requests failed while down and some succeeded" \
    bash -c "grep -q '^503$' '$TMP/load.codes' && grep -q '^200$' '$TMP/load.codes'"
pids_after=$("$TEST_CTL" responder-pids | sort | tr '\n' ' ')
printf '# responder pids before: %s after: %s\n' "$pids_before" "$pids_after"
survived=0
for p in $pids_before; do case " $pids_after " in *" $p "*) survived=1 ;; esac; done
check "a responder process survived the outage (no restart needed)" test "$survived" = 1
generate "$TOKEN"
expect_status 200 "generate works again"
finish
