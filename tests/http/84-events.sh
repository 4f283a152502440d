# 84-events.sh: the audit trail: every change records its event (actor, address, details) in the change's transaction; GET /api-keys/{id}/events; kept after generate deletes the key.
. "$(dirname "$0")/lib.sh"

new_user events
ME="token:$TOKEN_ID"
EVENTS_OK='{"success":true,"message":"API key events fetched successfully","data":'
events() { req GET "/api/api-keys/$1/events" -H "$(auth "$TOKEN")"; }
# What the last list says, compactly: [action, actor, ip, details] per event.
summary() { json '[.data[] | [.action, .actor, .ip, .details]] | tostring'; }
create() {	# BODY: sets ID
	req POST /api/api-keys -H "$(auth "$TOKEN")" --data-binary "$1"
	ID=$(json '.data.id // empty')
}
nevents() { "$TEST_SQL" "SELECT COUNT(*) FROM api_key_events WHERE user_id = $USER_ID"; }

# 1. generate: "generated"; generating again records "deleted" for the old key.
generate "$TOKEN"
K1=$KEY_ID
events "$K1"
EV=$(json '.data[0].id')
expect_match "^\{\"success\":true,\"message\":\"API key events fetched successfully\",\"data\":\[\{\"id\":$EV,\"action\":\"generated\",\"actor\":\"$ME\",\"ip\":\"127.0.0.1\",\"details\":null,\"created_at\":\"$TIME_RE\"\}\]\}$" \
    "the envelope: one generated event, members in order, the token as actor, the client's address"
expect_sql "SET time_zone = '+00:00'; SELECT DATE_FORMAT(created_at, $SQL_TIME) FROM api_key_events WHERE id = $EV" \
    "$(json '.data[0].created_at')" "created_at is the stored time, to the microsecond"
expect_header Cache-Control no-store "no-store"
create '{"name":"survives? no: generate deletes every key"}'
K1B=$ID
generate "$TOKEN"
K2=$KEY_ID
events "$K1"
expect 404 "$NOTFOUND_KEY" "events of a key generate deleted: 404"
expect_sql "SELECT GROUP_CONCAT(CONCAT(action, ' ', actor, ' ', ip) ORDER BY id) FROM api_key_events WHERE key_id = $K1" \
    "generated $ME 127.0.0.1,deleted $ME 127.0.0.1" "but its events stay, with the deletion"
expect_sql "SELECT GROUP_CONCAT(action ORDER BY id) FROM api_key_events WHERE key_id = $K1B" "created,deleted" \
    "one deleted event for each key generate deleted"
expect_sql "SELECT COUNT(*) FROM api_key_events d JOIN api_key_events g ON g.key_id = $K2 AND g.action = 'generated'
    WHERE d.key_id IN ($K1, $K1B) AND d.action = 'deleted' AND d.created_at = g.created_at AND d.id < g.id" 2 \
    "deleted and generated in one statement; generated last (the newest)"
events "$K2"
check "the new key: generated only" test "$(summary)" = "[[\"generated\",\"$ME\",\"127.0.0.1\",null]]"
check "its id in the event's key: the admin tool finds the deleted key's events" \
    bash -c "'$TEST_ADMIN' events '$USER_ID' | awk -F'\t' -v k='$K1' '\$2 == k' | cut -f3 | paste -sd, | grep -qx 'deleted,generated'"

# 2. create, revoke (once), rotate (rotated on the old key, created on the new).
create '{"name":"one"}'
C1=$ID
req DELETE "/api/api-keys/$C1" -H "$(auth "$TOKEN")"
n=$(nevents)
req DELETE "/api/api-keys/$C1" -H "$(auth "$TOKEN")"
expect_status 200 "a second revoke answers 200"
check "and records nothing" test "$(nevents)" = "$n"
events "$C1"
check "create then revoke: revoked, created, newest first" \
    test "$(summary)" = "[[\"revoked\",\"$ME\",\"127.0.0.1\",null],[\"created\",\"$ME\",\"127.0.0.1\",null]]"
create '{"name":"two"}'
C2=$ID
req POST "/api/api-keys/$C2/rotate" -H "$(auth "$TOKEN")" --data-binary '{"grace_seconds":30}'
C3=$(json .data.id)
events "$C2"
expect_match "^$(printf '%s' "$EVENTS_OK" | sed 's/[][{}.]/\\&/g')\[\{\"id\":[0-9]+,\"action\":\"rotated\",\"actor\":\"$ME\",\"ip\":\"127.0.0.1\",\"details\":\{\"rotated_to\":$C3,\"grace_seconds\":30\},\"created_at\":\"$TIME_RE\"\},\{\"id\":[0-9]+,\"action\":\"created\"," \
    "rotated on the old key: details rotated_to and grace_seconds, an object"
events "$C3"
check "created on the new key, with rotated_from" \
    test "$(summary)" = "[[\"created\",\"$ME\",\"127.0.0.1\",{\"rotated_from\":$C2}]]"
expect_match "\"details\":\{\"rotated_from\":$C2\}" "details written as an object"
req POST "/api/api-keys/$C3/rotate" -H "$(auth "$TOKEN")"
C4=$(json .data.id)
events "$C3"
check "grace 0: rotated only, no separate revoked" \
    test "$(json '[.data[] | .action] | join(",")')" = "rotated,created"
expect_json '.data[0].details | tostring' "{\"rotated_to\":$C4,\"grace_seconds\":0}" "with grace_seconds 0"

# 3. Order (by time, then id, newest first) and the 100 cap.
"$TEST_SQL" "SET time_zone = '+00:00'; INSERT INTO api_key_events (key_id, user_id, action, actor, created_at)
    SELECT $C1, $USER_ID, 'updated', 'token:0', '2020-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_120"
"$TEST_SQL" "SET time_zone = '+00:00'; INSERT INTO api_key_events (key_id, user_id, action, actor, details, created_at) VALUES
    ($C1, $USER_ID, 'updated', 'token:0', '{\"changes\":[\"name\"]}', '2030-01-01 00:00:00'),
    ($C1, $USER_ID, 'updated', 'token:0', NULL, '2030-01-01 00:00:00')"
events "$C1"
expect_json '.data | length' 100 "at most 100 events"
expect_json '[.data[] | [.created_at, .id]] as $a | $a == ($a | sort | reverse)' true "newest first: by time, then by id"
expect_json '[.data[0:2][] | .details] | tostring' '[null,{"changes":["name"]}]' "same time: the higher id first"
expect_json '[.data[2:4][] | .action] | join(",")' "revoked,created" "then the real events"
expect_json '.data[99].created_at' "2020-01-01T00:00:25.000000Z" "and the newest 96 of the older ones"

# 4. 404, 401, abilities.
OWNER=$TOKEN OWNER_TOKEN_ID=$TOKEN_ID OWNER_USER_ID=$USER_ID
new_user other
events "$C1"
expect 404 "$NOTFOUND_KEY" "another user's key: 404"
TOKEN=$OWNER TOKEN_ID=$OWNER_TOKEN_ID USER_ID=$OWNER_USER_ID
for id in 0 abc 01 99999999999999999999 999999999; do
	events "$id"
	expect 404 "$NOTFOUND_KEY" "events of key '$id': 404"
done
req GET "/api/api-keys/$C1/events"
expect 401 "$UNAUTH" "events need a token"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"api-keys:read\"]' WHERE id = $TOKEN_ID"
events "$C3"
expect_status 200 "a read-only token may read events"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"api-keys:write\"]' WHERE id = $TOKEN_ID"
events "$C3"
expect 403 '{"success":false,"message":"Invalid ability provided."}' "a write-only token may not"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"*\"]' WHERE id = $TOKEN_ID"

# 5. The event and its change are one: when the event cannot be written,
#    nothing changes; when the change fails after its events, no event stays.
create '{"name":"atomic"}'
AT=$ID
keys_now() { "$TEST_SQL" "SELECT CONCAT_WS(',', GROUP_CONCAT(CONCAT(id, ':', revoked_at IS NULL, ':', IFNULL(rotated_to, '-')) ORDER BY id)) FROM api_keys WHERE user_id = $USER_ID"; }
before=$(keys_now)
n=$(nevents)
printf '%s\n' 'DELIMITER //' "CREATE TRIGGER apikeys_test_no_events BEFORE INSERT ON api_key_events FOR EACH ROW
    IF NEW.user_id = $USER_ID THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'events refused by the test'; END IF//" \
    'DELIMITER ;' | "$TEST_SQL"
failed() { [ "$STATUS" = 500 ] || [ "$STATUS" = 503 ]; }
req DELETE "/api/api-keys/$AT" -H "$(auth "$TOKEN")"
check "revoke whose event fails: a 5xx ($STATUS)" failed
create '{"name":"not made"}'
expect 500 '{"success":false,"message":"An error occurred while creating the API key."}' "create whose event fails: 500"
req POST "/api/api-keys/$AT/rotate" -H "$(auth "$TOKEN")" --data-binary '{"grace_seconds":60}'
expect 500 '{"success":false,"message":"An error occurred while rotating the API key."}' "rotate whose events fail: 500"
generate "$TOKEN"
expect 500 "$GEN_FAILED" "generate whose events fail: 500"
"$TEST_SQL" "DROP TRIGGER apikeys_test_no_events"
expect_sql "SELECT CONCAT_WS(',', GROUP_CONCAT(CONCAT(id, ':', revoked_at IS NULL, ':', IFNULL(rotated_to, '-')) ORDER BY id)) FROM api_keys WHERE user_id = $USER_ID" \
    "$before" "nothing changed: no key revoked, made, rotated or deleted"
check "and no event recorded" test "$(nevents)" = "$n"
printf '%s\n' 'DELIMITER //' "CREATE TRIGGER apikeys_test_no_delete BEFORE DELETE ON api_keys FOR EACH ROW
    IF OLD.user_id = $USER_ID THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'delete refused by the test'; END IF//" \
    'DELIMITER ;' | "$TEST_SQL"
generate "$TOKEN"
expect 500 "$GEN_FAILED" "generate whose delete fails after its events were written: 500"
"$TEST_SQL" "DROP TRIGGER apikeys_test_no_delete"
check "its events went with it" test "$(nevents)" = "$n"
expect_sql "SELECT CONCAT_WS(',', GROUP_CONCAT(CONCAT(id, ':', revoked_at IS NULL, ':', IFNULL(rotated_to, '-')) ORDER BY id)) FROM api_keys WHERE user_id = $USER_ID" \
    "$before" "and its new key too"
req DELETE "/api/api-keys/$AT" -H "$(auth "$TOKEN")"
expect_status 200 "with the events table back, revoke works"
check "and records its event" test "$(nevents)" = $((n + 1))

# 6. Generate, with its events, in at most four round trips: the token
#    lookup, then three for the transaction (counted in the server's log,
#    which also shows the statements of the webhook triggers: they run
#    inside the statement that fired them, no round trip of their own).
generate "$TOKEN"	# the token's last use is recorded now, not in the count
"$TEST_SQL" "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 1"
generate "$TOKEN"
st=$STATUS
"$TEST_SQL" "SET GLOBAL general_log = 0"
rt=$("$TEST_SQL" "SELECT COUNT(*) FROM mysql.general_log WHERE user_host LIKE 'apikeys[%'
    AND command_type IN ('Query', 'Execute') AND argument NOT LIKE 'SET time_zone%'
    AND argument NOT LIKE 'INSERT INTO \`webhook%'")
"$TEST_SQL" "SELECT command_type, LEFT(REPLACE(argument, '\n', ' '), 70) FROM mysql.general_log WHERE user_host LIKE 'apikeys[%'" |
    sed 's/^/# /'
"$TEST_SQL" "TRUNCATE mysql.general_log; SET GLOBAL log_output = 'FILE'"
check "generate answered 200 while counted" test "$st" = 200
check "generate with its events: $rt round trips (at most 4)" test "$rt" -ge 1 -a "$rt" -le 4
finish
