# 90-outage.sh: the database stopped and restarted under the running service: JSON errors, then recovery without a restart.
. "$(dirname "$0")/lib.sh"

new_user outage
generate "$TOKEN"
pids_before=$("$TEST_CTL" responder-pids | sort | tr '\n' ' ')
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
pids_after=$("$TEST_CTL" responder-pids | sort | tr '\n' ' ')
printf '# responder pids before: %s after: %s\n' "$pids_before" "$pids_after"
survived=0
for p in $pids_before; do case " $pids_after " in *" $p "*) survived=1 ;; esac; done
check "a responder process survived the outage (no restart needed)" test "$survived" = 1
generate "$TOKEN"
expect_status 200 "generate works again"
finish
