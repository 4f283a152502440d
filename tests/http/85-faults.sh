# 85-faults.sh: a hung table, a connection killed mid-transaction, a worker killed mid-request, a client gone, a spending's answer lost (not sent twice), no responder at all.
. "$(dirname "$0")/lib.sh"

new_user faults
generate "$TOKEN"
OLD_ID=$KEY_ID
elapsed_ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
json_error() { [ "$STATUS" -ge 500 ] && printf '%s' "$BODY" | jq -e '.success == false' >/dev/null; }
# wait_for SECONDS COMMAND...: runs the command every 0.1 s until it
# succeeds, for at most SECONDS; WAITED is the milliseconds it took.
wait_for() {
	local t0 end
	t0=$(now_ms)
	end=$((t0 + $1 * 1000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && { WAITED=$(($(now_ms) - t0)); return 0; }
		[ "$(now_ms)" -lt "$end" ] || { WAITED=$(($(now_ms) - t0)); return 1; }
		sleep 0.1
	done
}
# The envelope the responder writes for a front end's error with that
# status (router.c, response_reason): what the front end must answer alone.
front_envelope() {
	local r
	case $1 in
	500) r='Internal Server Error' ;; 502) r='Bad Gateway' ;;
	503) r='Service Unavailable' ;; 504) r='Gateway Timeout' ;; *) r='(not a front-end error)' ;;
	esac
	printf '{"success":false,"message":"%s."}' "$r"
}

# 1. A table lock held by another session: the request fails with the JSON
#    error within the database timeout (5 s), not the web server's (30 s).
"$TEST_SQL" "LOCK TABLES api_keys WRITE; SELECT SLEEP(60); UNLOCK TABLES" >/dev/null 2>&1 &
lockpid=$!
# The lock is held once its session sleeps.
sleeping() { [ -n "$("$TEST_SQL" "SELECT id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'")" ]; }
wait_for 30 sleeping || diag "the locking session was not seen sleeping within 30 s"
t0=$(date +%s%N)
req GET "/api/api-keys/$OLD_ID" -H "$(auth "$TOKEN")"
ms=$(elapsed_ms "$t0")
printf '# show against a locked table answered %s after %d ms\n' "$STATUS" "$ms"
check "a hung table: show answers a JSON 5xx" json_error
check "a hung table: within 15 s, well before the web server's 30 ($ms ms)" test "$ms" -lt 15000
t0=$(date +%s%N)
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
ms=$(elapsed_ms "$t0")
expect 500 "$GEN_FAILED" "a hung table: generate answers its 500"
check "a hung table: generate within 15 s, well before the web server's 30 ($ms ms)" test "$ms" -lt 15000
"$TEST_SQL" "KILL (SELECT id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%' LIMIT 1)" 2>/dev/null ||
    for c in $("$TEST_SQL" "SELECT id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(60)%'"); do
	"$TEST_SQL" "KILL $c"; done
wait "$lockpid" 2>/dev/null
req GET "/api/api-keys/$OLD_ID" -H "$(auth "$TOKEN")"
expect_status 200 "the old key survived the failed generate"

# A trigger that makes this user's inserts slow, to act in the middle of a
# generate's transaction: the user locked, the new key's INSERT running.
"$TEST_SQL" "CREATE TRIGGER apikeys_test_slow BEFORE INSERT ON api_keys FOR EACH ROW
    SET NEW.name = IF(NEW.user_id = $USER_ID AND SLEEP(6) = 0, NEW.name, NEW.name)"
conn_in_insert() {
	# (USER shows the trigger's definer while the trigger runs.)
	# (A prepared statement, or a statement of a text batch.)
	"$TEST_SQL" "SELECT id FROM information_schema.PROCESSLIST WHERE COMMAND IN ('Execute', 'Query')
	    AND INFO LIKE 'INSERT INTO api_keys%' LIMIT 1"
}
wait_insert() {
	local i c
	for i in $(seq 1 200); do
		c=$(conn_in_insert)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.1
	done
	return 1
}

# 2. The connection killed in the middle of the transaction.
curl -s --max-time 20 -o "$TMP/killed" -w '%{http_code}' -X POST -d '' -H "$(auth "$TOKEN")" \
    "$BASE/api/api-keys/generate" > "$TMP/killed.code" &
cpid=$!
conn=$(wait_insert) && "$TEST_SQL" "KILL CONNECTION $conn"
wait "$cpid"
printf '# generate whose connection was killed mid-transaction: %s %s\n' "$(cat "$TMP/killed.code")" "$(cat "$TMP/killed")"
check "a killed connection: generate answers its JSON 500" \
    grep -qF "$GEN_FAILED" "$TMP/killed"
expect_sql "SELECT GROUP_CONCAT(id) FROM api_keys WHERE user_id=$USER_ID" "$OLD_ID" \
    "a killed connection: the old key is still there, nothing half-written"
req GET "/api/api-keys/$OLD_ID" -H "$(auth "$TOKEN")"
expect_status 200 "the next request is served (reconnected)"

# 3. The worker killed in the middle of a request.
curl -s --max-time 20 -o "$TMP/worker" -w '%{http_code}' -X POST -d '' -H "$(auth "$TOKEN")" \
    "$BASE/api/api-keys/generate" > "$TMP/worker.code" &
cpid=$!
if conn=$(wait_insert); then
	# The worker is the process at the client end of that connection.
	port=$("$TEST_SQL" "SELECT SUBSTRING_INDEX(HOST, ':', -1) FROM information_schema.PROCESSLIST WHERE ID = $conn")
	victim=$(ss -tnpH "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
	printf '# killing worker %s (database client port %s)\n' "$victim" "$port"
	[ -n "$victim" ] && kill -KILL "$victim"
fi
wait "$cpid"
printf '# the client of the killed worker got %s %s\n' "$(cat "$TMP/worker.code")" "$(head -c 200 "$TMP/worker")"
# The front end answers alone (the worker is dead, and another may not be
# ready): its error in the contract's envelope, never its HTML page.
wcode=$(cat "$TMP/worker.code")
check "a killed worker: the client gets a JSON error" bash -c \
    "jq -e '.success == false' '$TMP/worker' >/dev/null"
check "a killed worker: the front end's $wcode in the exact envelope" \
    cmp -s "$TMP/worker" <(front_envelope "$wcode")
# The server rolls the killed worker's transaction back once it sees the
# connection gone: wait for that (at most 20 s) rather than a fixed time.
for i in $(seq 1 200); do
	[ -n "${conn:-}" ] || break
	[ "$("$TEST_SQL" "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = $conn")" = 0 ] && break
	sleep 0.1
done
diag "the killed worker's connection was gone after $i polls of 0.1 s"
expect_sql "SELECT GROUP_CONCAT(id) FROM api_keys WHERE user_id=$USER_ID" "$OLD_ID" \
    "a killed worker: the old key is still there"
req GET "/api/api-keys/$OLD_ID" -H "$(auth "$TOKEN")"
expect_status 200 "a killed worker: the next request is served"

# 4. A client that disconnects before the answer.
curl -s --max-time 1 -o /dev/null -X POST -d '' -H "$(auth "$TOKEN")" "$BASE/api/api-keys/generate"
# The abandoned generate runs on: let its slow insert end before the trigger goes.
no_insert() { [ -z "$(conn_in_insert)" ]; }
wait_for 30 no_insert || diag "the abandoned insert still ran after 30 s"
"$TEST_SQL" "DROP TRIGGER apikeys_test_slow"
for i in 1 2 3 4 5; do
	req GET /api/api-keys -H "$(auth "$TOKEN")"
	[ "$STATUS" = 200 ] || break
done
expect_status 200 "a client gone mid-request: the next requests are served"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 1 "and the user still has exactly one key"

# 5. A spending (verify of a key with credits) whose answer is lost with the
#    connection may have committed: it is never sent again on a new
#    connection, so one verify never charges twice.  A trigger holds the
#    first spending past the client's read timeout (APIKEYS_DB_TIMEOUT + 2 s);
#    the server still commits it when the trigger ends.
req POST /api/api-keys -H "$(auth "$TOKEN")" --data-binary '{"name":"credits","remaining_uses":10}'
CID=$(json '.data.id // empty') CKEY=$(json '.data.key // empty') CSEC=$(json '.data.secret // empty')
remember_secret "$CSEC"
"$TEST_SQL" "CREATE TRIGGER apikeys_test_slow_spend BEFORE UPDATE ON api_keys FOR EACH ROW
    SET NEW.name = IF(NEW.id = $CID AND OLD.remaining_uses = 10 AND SLEEP(10) = 0, NEW.name, NEW.name)"
spending() { [ -n "$("$TEST_SQL" "SELECT id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'UPDATE api_keys SET bucket_tokens%'")" ]; }
REQ_MAX_TIME=60 req POST /api/api-keys/verify --data-binary "{\"key\":\"$CKEY\",\"secret\":\"$CSEC\"}"
diag "a verify whose spending outlived the read timeout: $STATUS $(head -c 200 "$TMP/b")"
# The first spending ends (and commits) when its trigger's sleep does.
no_spending() { ! spending; }
wait_for 30 no_spending || diag "the slow spending still ran after 30 s"
expect_sql "SELECT remaining_uses FROM api_keys WHERE id = $CID" 9 \
    "a spending's answer lost: one use spent, not two (the statement was not sent again)"
expect 503 "$UNAVAILABLE" "a spending's answer lost: the JSON 503"
"$TEST_SQL" "DROP TRIGGER apikeys_test_slow_spend"
req POST /api/api-keys/verify --data-binary "{\"key\":\"$CKEY\",\"secret\":\"$CSEC\"}"
expect_status 200 "the next verify is served (reconnected)"
expect_json .data.remaining_uses 8 "and spends one use"

# 6. Every responder dead and none can start again: the front end answers
#    alone, in the envelope of its status with the JSON type, for any route.
if "$TEST_CTL" front-block; then
	check "blocked: no responder process left" test -z "$("$TEST_CTL" responder-pids)"
	for r in "GET /api/api-keys/$OLD_ID" "POST /api/api-keys/generate" "GET /api/nope"; do
		REQ_MAX_TIME=120 req ${r% *} "${r#* }" -H "$(auth "$TOKEN")"
		diag "with no responder, $r: $STATUS $(head -c 200 "$TMP/b")"
		check "no responder, $r: a 5xx of the front end ($STATUS)" bash -c '[ "$1" -ge 500 ] && [ "$1" -le 504 ]' _ "$STATUS"
		expect "$STATUS" "$(front_envelope "$STATUS")" "no responder, $r: the front end's $STATUS in the envelope, as JSON"
	done
	"$TEST_CTL" front-unblock
	# Responders start again on demand: the next requests are served (the
	# front end may hold back new spawns for a while after the failures).
	ok_again() { req GET /api/api-keys -H "$(auth "$TOKEN")"; [ "$STATUS" = 200 ]; }
	wait_for 90 ok_again
	diag "served again after $WAITED ms"
	expect_status 200 "responders allowed again: the next request is served"
else
	not_ok "every responder stopped and blocked (ctl.sh front-block)"
	"$TEST_CTL" front-unblock
fi
finish
