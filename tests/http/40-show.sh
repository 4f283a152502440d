# 40-show.sh: GET a key: the seed's fields in order and equal to the row, owner only, times in UTC, one identical 404 for every bad id.
. "$(dirname "$0")/lib.sh"

# expected_show ID: the exact 200 body for key ID, built from its row in UTC.
expected_show() {
	"$TEST_SQL" "SET time_zone = '+00:00';
	    SELECT CONCAT('{\"success\":true,\"message\":\"API key fetched successfully\",\"data\":{\"id\":', id,
	    ',\"user_id\":', user_id, ',\"key\":\"', \`key\`, '\",\"permissions\":', permissions,
	    ',\"expires_at\":\"', DATE_FORMAT(expires_at, $SQL_TIME),
	    '\",\"created_at\":\"', DATE_FORMAT(created_at, $SQL_TIME),
	    '\",\"updated_at\":\"', DATE_FORMAT(updated_at, $SQL_TIME), '\"}}') FROM api_keys WHERE id = $1"
}
SHOW_RE="^\{\"success\":true,\"message\":\"API key fetched successfully\",\"data\":\{\"id\":[0-9]+,\"user_id\":[0-9]+,\"key\":\"$KEY_RE\",\"permissions\":\[\],\"expires_at\":\"$TIME0_RE\",\"created_at\":\"$TIME0_RE\",\"updated_at\":\"$TIME0_RE\"\}\}$"

new_user show
OWNER=$TOKEN
OWNER_ID=$USER_ID
generate "$OWNER"
GEN_SECRET=$SECRET
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$OWNER")" -H 'Accept: application/json'
expect 200 "$(expected_show "$KEY_ID")" "own key: the exact body, every value equal to the row (times in UTC)"
expect_match "$SHOW_RE" "own key: member order, no spaces, formats"
expect_json '(.data | keys_unsorted | join(",")) + "|" + ([.data.id, .data.user_id] | map(type) | join(","))' \
    "id,user_id,key,permissions,expires_at,created_at,updated_at|number,number" "the field set and order (jq); ids are numbers"
expect_json '[.data.id, .data.user_id, .data.key, (.data.permissions | tojson)] | map(tostring) | join(" ")' \
    "$KEY_ID $OWNER_ID $KEY []" "id, user_id, key and permissions are the generated key's"
expect_header Cache-Control no-store "Cache-Control: no-store"
body_lacks "${GEN_SECRET#MTP_SEC_}" "the secret is not in the body"
body_lacks MTP_SEC_ "no secret prefix in the body"
body_lacks secret "no 'secret' member"
body_lacks "$("$TEST_SQL" "SELECT secret_hash FROM api_keys WHERE id=$KEY_ID")" "the stored hash is not in the body"
expect_sql "SET time_zone = '+00:00'; SELECT CONCAT(DATE_FORMAT(expires_at, $SQL_TIME), ' ', DATE_FORMAT(created_at, $SQL_TIME), ' ', DATE_FORMAT(updated_at, $SQL_TIME)) FROM api_keys WHERE id=$KEY_ID" \
    "$(json '.data.expires_at + " " + .data.created_at + " " + .data.updated_at')" \
    "expires_at, created_at, updated_at equal the stored times in UTC"

# A row with other values (set directly, as the Laravel application could
# write them) shows them: times in UTC, permissions as stored, null expiry.
"$TEST_SQL" "SET time_zone = '+00:00'; UPDATE api_keys SET permissions = '[\"payments:read\",\"refunds\"]',
    created_at = '2025-12-17 00:00:00', updated_at = '2025-12-18 01:02:03', expires_at = '2036-12-17 23:59:59' WHERE id = $KEY_ID"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$OWNER")"
expect 200 "{\"success\":true,\"message\":\"API key fetched successfully\",\"data\":{\"id\":$KEY_ID,\"user_id\":$OWNER_ID,\"key\":\"$KEY\",\"permissions\":[\"payments:read\",\"refunds\"],\"expires_at\":\"2036-12-17T23:59:59.000000Z\",\"created_at\":\"2025-12-17T00:00:00.000000Z\",\"updated_at\":\"2025-12-18T01:02:03.000000Z\"}}" \
    "stored times and permissions come back as stored, times in UTC"
"$TEST_SQL" "SET time_zone = '+00:00'; UPDATE api_keys SET updated_at = '2025-12-18 01:02:03.250001' WHERE id = $KEY_ID"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$OWNER")"
expect_json .data.updated_at 2025-12-18T01:02:03.250001Z "a stored fraction of a second comes back, to the microsecond"
"$TEST_SQL" "UPDATE api_keys SET expires_at = NULL WHERE id = $KEY_ID"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$OWNER")"
expect_status 200 "a key without an expiry shows"
expect_match "^\{\"success\":true,\"message\":\"API key fetched successfully\",\"data\":\{\"id\":$KEY_ID,\"user_id\":$OWNER_ID,\"key\":\"$KEY\",\"permissions\":\[\"payments:read\",\"refunds\"\],\"expires_at\":null,\"created_at\":\"$TIME_RE\",\"updated_at\":\"$TIME_RE\"\}\}$" \
    "a null expiry is written null (the seed's 'string | null')"
"$TEST_SQL" "UPDATE api_keys SET permissions = '[]', expires_at = created_at + INTERVAL 1 YEAR WHERE id = $KEY_ID"

# Another user's key, and ids that are not a plain decimal number in range:
# all the same 404, for an authenticated user whose key exists.
new_user intruder
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "another user's key is the same 404"
body_lacks "$KEY" "the 404 does not leak the key"
wrap=$("$TEST_SQL" "SELECT 18446744073709551616 + $KEY_ID")
pct=$(printf '%s' "$KEY_ID" | sed 's/./%3&/g')
arabic=$(printf '%s' "$KEY_ID" | sed 's/./%D9%A&/g')
fullwidth=$(printf '%s' "$KEY_ID" | sed 's/./%EF%BC%9&/g')
hex=$(printf '0x%x' "$KEY_ID")
for id in 0 00 -1 "-$KEY_ID" 1.0 "$KEY_ID.0" "$KEY_ID." 1e3 "${KEY_ID}e0" "0$KEY_ID" "00$KEY_ID" 01 \
    abc "${KEY_ID}abc" "$hex" "$KEY" 99999999999999999999999 "$wrap" 18446744073709551615 \
    9223372036854775807 9223372036854775808 %31 "$pct" "$KEY_ID%20" "%20$KEY_ID" \
    "1;DROP%20TABLE%20api_keys" "$KEY_ID;DROP%20TABLE%20api_keys" "$KEY_ID%20OR%201=1" \
    %D9%A1 "$arabic" "$fullwidth" "%2B$KEY_ID" "+$KEY_ID" "%20" "$KEY_ID,$KEY_ID" "%2D1"; do
	req GET "/api/api-keys/$id" -H "$(auth "$OWNER")"
	expect 404 "$NOTFOUND_KEY" "id '$id' is the same 404"
done
# Encoded control characters: some front ends refuse them in any path
# themselves (lighttpd: 400; Apache, for a NUL: 404), and the responder's
# error route answers that refusal as JSON.  Either way, never the key.
for c in 00 09 0A; do
	req GET "/api/api-keys/$KEY_ID%$c" -H "$(auth "$OWNER")"
	check "a %$c in the id: the key's 404, or the front end's refusal as JSON ($STATUS)$(host_edge)" \
	    bash -c '[ "$3" = application/json ] && case "$1 $2" in
	        "404 $4"|"404 $5"|"400 $6") true ;; *) false ;; esac' _ \
	    "$STATUS" "$BODY" "$(header Content-Type)" "$NOTFOUND_KEY" "$NOTFOUND" "$BADREQUEST"
done
req GET /api/api-keys/ -H "$(auth "$OWNER")"
expect 404 "$NOTFOUND_KEY" "an empty id (/api/api-keys/) is the same 404"
# Without a token the id is never looked at: authentication comes first.
for id in "$KEY_ID" abc 0 99999999999999999999999; do
	req GET "/api/api-keys/$id"
	expect 401 "$UNAUTH" "id '$id' without a token: the 401, before the id is checked"
done
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$OWNER")"
expect_status 200 "the owner's own id still shows (the ids above were refused, not broken)"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id=$KEY_ID" 1 "the table survived"

# Times stay UTC whatever the server's zone: new sessions default to +05:00,
# and the responders' connections are killed so that they open new ones.
kill_service_sessions() {
	local c
	for c in $("$TEST_SQL" "SELECT id FROM information_schema.PROCESSLIST WHERE USER = 'apikeys'"); do
		"$TEST_SQL" "KILL CONNECTION $c" 2>/dev/null
	done
}
# show_retry ID: the show, repeated (for at most 30 s) while the answer is
# a 5xx left by a killed connection (one for each responder that held one).
show_retry() {
	local i end=$((SECONDS + 30))
	for i in $(seq 1 100); do
		req GET "/api/api-keys/$1" -H "$(auth "$OWNER")"
		[ "$STATUS" -lt 500 ] && break
		[ "$SECONDS" -lt "$end" ] || break
		sleep 0.2
	done
	[ "$i" = 1 ] || diag "show needed $i tries after the killed connections"
}
trap '"$TEST_SQL" "SET GLOBAL time_zone = DEFAULT" 2>/dev/null; rm -rf "$TMP"' EXIT
"$TEST_SQL" "SET GLOBAL time_zone = '+05:00'"
kill_service_sessions
show_retry "$KEY_ID"
expect 200 "$(expected_show "$KEY_ID")" "server zone +05:00: show still writes the stored times in UTC"
generate "$OWNER"
[ "$STATUS" -lt 500 ] || generate "$OWNER"
expect_status 200 "server zone +05:00: generate works"
expect_sql "SET time_zone = '+00:00'; SELECT ABS(TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP())) < 30 AND expires_at = created_at + INTERVAL 1 YEAR FROM api_keys WHERE id=${KEY_ID:-0}" 1 \
    "server zone +05:00: the key is stored at the right instant"
show_retry "${KEY_ID:-0}"
expect 200 "$(expected_show "${KEY_ID:-0}")" "server zone +05:00: the new key shows in UTC"
"$TEST_SQL" "SET GLOBAL time_zone = DEFAULT"
kill_service_sessions
show_retry "${KEY_ID:-0}"
expect_status 200 "the server's zone restored: show works"
finish
