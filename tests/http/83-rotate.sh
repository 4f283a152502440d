# 83-rotate.sh: POST /api-keys/{id}/rotate: a new key with the old one's settings, the old one revoked now or after a grace, the 409s, outside the key limit, and at most two live keys per chain.
. "$(dirname "$0")/lib.sh"

new_user rotate
ROTATED_RE="^\{\"success\":true,\"message\":\"API key rotated successfully\",\"data\":\{\"id\":[0-9]+,"
NOTOBJ='{"success":false,"message":"The request body must be a JSON object."}'
INVALID='{"success":false,"message":"The given data was invalid.","errors":'
GRACE_ERR='"grace_seconds":["The grace seconds field must be an integer between 0 and 604800."]'
CANNOT='{"success":false,"message":"API key cannot be rotated."}'
create() {	# BODY: sets ID, KEY, SECRET
	req POST /api/api-keys -H "$(auth "$TOKEN")" --data-binary "$1"
	ID=$(json '.data.id // empty')
	KEY=$(json '.data.key // empty')
	SECRET=$(json '.data.secret // empty')
}
rotate() {	# ID [BODY]: sets NEW_ID, NEW_KEY, NEW_SECRET
	if [ $# -gt 1 ]; then
		req POST "/api/api-keys/$1/rotate" -H "$(auth "$TOKEN")" --data-binary "$2"
	else
		req POST "/api/api-keys/$1/rotate" -H "$(auth "$TOKEN")"
	fi
	NEW_ID=$(json '.data.id // empty')
	NEW_KEY=$(json '.data.key // empty')
	NEW_SECRET=$(json '.data.secret // empty')
}
verify() { req POST /api/api-keys/verify --data-binary "{\"key\":\"$1\",\"secret\":\"$2\"}"; }
row() { "$TEST_SQL" "SET time_zone = '+00:00'; SELECT $1 FROM api_keys WHERE id = $2"; }

# 1. No body: grace 0, revoked now, expiry kept, a new key for a year.
create '{"name":"Checkout","permissions":["payments:write","refunds.read"],"expires_at":"2029-01-02T03:04:05Z"}'
OLD=$ID OLD_KEY=$KEY OLD_SECRET=$SECRET
rotate "$OLD"
expect_status 201 "rotate without a body answers 201"
expect_match "${ROTATED_RE}\"name\":\"Checkout\",\"key\":\"$KEY_RE\",\"secret\":\"$SEC_RE\",\"permissions\":\[\"payments:write\",\"refunds.read\"\],\"expires_at\":\"$TIME_RE\",\"created_at\":\"$TIME_RE\",\"rotated_from\":$OLD,\"previous\":\{\"id\":$OLD,\"expires_at\":\"2029-01-02T03:04:05.000000Z\",\"revoked_at\":\"$TIME_RE\"\}\}\}$" \
    "the envelope: members in order, name and permissions copied, the old expiry unchanged"
expect_header Cache-Control no-store "no-store"
check "previous.revoked_at is the new key's created_at (revoked now)" \
    test "$(json .data.previous.revoked_at)" = "$(json .data.created_at)"
expect_sql "SET time_zone = '+00:00'; SELECT CONCAT(DATE_FORMAT(expires_at, $SQL_TIME), ' ', DATE_FORMAT(created_at, $SQL_TIME)) FROM api_keys WHERE id=$NEW_ID" \
    "$(json '.data.expires_at + " " + .data.created_at')" "the new key's times are the answer's"
expect_sql "SELECT expires_at = created_at + INTERVAL 1 YEAR FROM api_keys WHERE id=$NEW_ID" 1 "the new key expires one year on"
expect_sql "SELECT CONCAT(rotated_to, ' ', revoked_at IS NOT NULL) FROM api_keys WHERE id=$OLD" "$NEW_ID 1" \
    "the old key points at the new one and is revoked"
verify "$NEW_KEY" "$NEW_SECRET"
expect_status 200 "the new pair verifies"
verify "$OLD_KEY" "$OLD_SECRET"
expect 401 "$INVALID_KEY" "grace 0: the old pair no longer verifies"
check "the new key and secret are new" test "$NEW_KEY" != "$OLD_KEY" -a "$NEW_SECRET" != "$OLD_SECRET"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id=$NEW_ID AND secret_hint = RIGHT('$NEW_SECRET', 4) AND secret_hash <> ''" 1 \
    "the new secret is stored as its hash and hint"

# 2. The settings are copied; the bucket starts full; a disabled key stays disabled.
create '{"name":"Settings"}'
SID=$ID
"$TEST_SQL" "UPDATE api_keys SET enabled = 0, rate_limit = 5, rate_window = 60, bucket_tokens = 1.5,
    bucket_at = NOW(6), remaining_uses = 77, allowed_ips = '[\"203.0.113.7/24\",\"2001:db8::1\"]',
    last_used_at = NOW() WHERE id = $SID"
rotate "$SID" '{"grace_seconds":null,"expires_at":null}'
expect_status 201 "nulls are the defaults: 201"
expect_sql "SELECT CONCAT_WS('|', enabled, rate_limit, rate_window, remaining_uses, allowed_ips,
    IFNULL(bucket_tokens, 'full'), IFNULL(bucket_at, '-'), IFNULL(rotated_to, '-'), IFNULL(last_used_at, '-'),
    IFNULL(revoked_at, '-')) FROM api_keys WHERE id = $NEW_ID" \
    '0|5|60|77|["203.0.113.7/24","2001:db8::1"]|full|-|-|-|-' \
    "enabled, rate limit, credits and allowlist copied; bucket full, never used, not rotated"
expect_sql "SELECT CONCAT(rotated_to, ' ', revoked_at IS NOT NULL) FROM api_keys WHERE id=$SID" "$NEW_ID 1" \
    "null grace: revoked now"

# 3. A grace: the old key verifies during the overlap and not after.
create '{"name":"Overlap"}'
GID=$ID G_KEY=$KEY G_SECRET=$SECRET
old_exp=$(row "DATE_FORMAT(expires_at, $SQL_TIME)" "$GID")
rotate "$GID" '{"grace_seconds":3}'
expect_status 201 "rotate with a grace of 3 s"
expect_json '.data.previous.revoked_at' null "with a grace the old key is not revoked"
expect_sql "SELECT TIMESTAMPDIFF(MICROSECOND, n.created_at, o.expires_at) FROM api_keys o JOIN api_keys n ON n.id = o.rotated_to WHERE o.id = $GID" \
    3000000 "its expiry is the rotation's time plus 3 s"
expect_sql "SET time_zone = '+00:00'; SELECT DATE_FORMAT(expires_at, $SQL_TIME) FROM api_keys WHERE id=$GID" \
    "$(json .data.previous.expires_at)" "previous.expires_at is the stored one"
end_ms=$(date -d "$(json .data.previous.expires_at)" +%s%3N)
NEW_G_KEY=$NEW_KEY NEW_G_SECRET=$NEW_SECRET
t0=$(now_ms)
verify "$G_KEY" "$G_SECRET"
t1=$(now_ms)
if [ "$t1" -lt "$end_ms" ]; then
	expect_status 200 "the old pair verifies during the overlap ($((end_ms - t1)) ms left)"
else
	ok "the old pair during the overlap # SKIP the request ended $((t1 - end_ms)) ms after the overlap (a loaded machine)"
fi
verify "$NEW_G_KEY" "$NEW_G_SECRET"
expect_status 200 "the new pair verifies during the overlap too"
# Wait for the end of the overlap on the clock (bounded), not for a fixed time.
for i in $(seq 1 300); do
	[ "$(now_ms)" -gt $((end_ms + 20)) ] && break
	sleep 0.1
done
verify "$G_KEY" "$G_SECRET"
expect 401 "$INVALID_KEY" "the old pair no longer verifies after the overlap"
verify "$NEW_G_KEY" "$NEW_G_SECRET"
expect_status 200 "the new pair still does"
check "the overlap was checked on both sides ($t0..$t1 before $end_ms)" test "$t0" -lt "$end_ms"

# A grace longer than the old key's own life leaves its expiry; expires_at chosen.
create '{"name":"Short","expires_at":"'"$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)"'"}'
SHORT=$ID
before=$(row "DATE_FORMAT(expires_at, $SQL_TIME)" "$SHORT")
rotate "$SHORT" '{"grace_seconds":604800,"expires_at":"2028-06-15T22:34:56.5-08:00"}'
expect_status 201 "the longest grace, and an expiry for the new key"
expect_json .data.expires_at 2028-06-16T06:34:56.500000Z "the new key's chosen expiry"
expect_json .data.previous.expires_at "$before" "the old key's earlier expiry is kept"
expect_sql "SELECT CONCAT(revoked_at IS NULL, ' ', rotated_to) FROM api_keys WHERE id=$SHORT" "1 $NEW_ID" \
    "not revoked, pointed at the new key"

# 4. 409: rotated, revoked or expired; nothing changes.
count() { "$TEST_SQL" "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID"; }
create '{"name":"Revoked"}'
RID=$ID
req DELETE "/api/api-keys/$RID" -H "$(auth "$TOKEN")"
create '{"name":"Expired"}'
XID=$ID
"$TEST_SQL" "UPDATE api_keys SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE id = $XID"
n0=$(count)
rotate "$GID"
expect 409 "$CANNOT" "a key rotated already (in its overlap or not): 409"
rotate "$SHORT" '{"grace_seconds":5}'
expect 409 "$CANNOT" "a key in its overlap cannot be rotated again"
rotate "$RID"
expect 409 "$CANNOT" "a revoked key: 409"
rotate "$XID"
expect 409 "$CANNOT" "an expired key: 409"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID" "$n0" "the 409s made no key"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id IN ($RID, $XID) AND rotated_to IS NOT NULL" 0 "nor pointed the old ones anywhere"
expect_sql "SELECT COUNT(*) FROM api_key_events WHERE key_id IN ($RID, $XID) AND action = 'rotated'" 0 "nor recorded a rotation"

# 5. The body: 400, 422 (every failure, grace first), in the order of checks.
create '{"name":"Body"}'
BID=$ID
for b in '[]' 'null' '"x"' '{bad' '7' ' ' '{"grace_seconds":1,"grace_seconds":2}'; do
	rotate "$BID" "$b"
	expect 400 "$NOTOBJ" "body '$b': 400"
done
for g in 604801 -1 '"5"' 5.0 true '[]' '{}' 1e3; do
	rotate "$BID" "{\"grace_seconds\":$g}"
	expect 422 "$INVALID{$GRACE_ERR}}" "grace_seconds $g: 422"
done
rotate "$BID" '{"grace_seconds":-5,"expires_at":"2020-01-01T00:00:00Z"}'
expect 422 "$INVALID{$GRACE_ERR,\"expires_at\":[\"The expires at field must be a date after now.\"]}}" \
    "every failure at once, grace first, create's wording for the expiry"
rotate "$BID" '{"expires_at":"2099-01-01T00:00:00Z"}'
expect 422 "$INVALID{\"expires_at\":[\"The expires at field must be a date before or equal to 5 years from now.\"]}}" \
    "create's five-year rule"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id = $BID AND rotated_to IS NULL AND revoked_at IS NULL" 1 \
    "refused bodies changed nothing"
rotate "$RID" '{"grace_seconds":"x"}'
expect 422 "$INVALID{$GRACE_ERR}}" "a revoked key with a bad body: 422 before 409"
rotate "$BID" '{"grace_seconds":0,"other":[1,2]}'
expect_status 201 "unknown members are ignored"
LIVE_ID=$NEW_ID

# 6. 404s, before the body's checks.
OWNER=$TOKEN OWNER_TOKEN_ID=$TOKEN_ID OWNER_KEY=$LIVE_ID
new_user thief
rotate "$OWNER_KEY"
expect 404 "$NOTFOUND_KEY" "another user's key: 404"
rotate "$OWNER_KEY" '{bad'
expect 404 "$NOTFOUND_KEY" "another user's key with a bad body: 404 first"
for id in 0 abc 01 99999999999999999999 999999999; do
	rotate "$id"
	expect 404 "$NOTFOUND_KEY" "rotate key '$id': 404"
done
TOKEN=$OWNER TOKEN_ID=$OWNER_TOKEN_ID
req POST "/api/api-keys/$OWNER_KEY/rotate"
expect 401 "$UNAUTH" "rotate needs a token"

# 7. Routing: the new routes' other methods, and other words after a key.
req GET "/api/api-keys/$OWNER_KEY/rotate" -H "$(auth "$TOKEN")"
expect 405 "$NOTALLOWED" "GET rotate: 405"
expect_header Allow POST "Allow: POST"
req DELETE "/api/api-keys/$OWNER_KEY/rotate" -H "$(auth "$TOKEN")"
expect_header Allow POST "DELETE rotate: Allow: POST"
req POST "/api/api-keys/$OWNER_KEY/events" -H "$(auth "$TOKEN")"
expect 405 "$NOTALLOWED" "POST events: 405"
expect_header Allow GET "Allow: GET"
req PUT /api/api-keys/1/events
expect_header Allow GET "PUT events: Allow: GET, before authentication"
req GET "/api/api-keys/$OWNER_KEY/other" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND" "another word after a key: 404"
req POST "/api/api-keys/$OWNER_KEY/rotate/now" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND" "a segment after rotate: 404"

# 8. The abilities: rotate changes keys.
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"api-keys:read\"]' WHERE id = $TOKEN_ID"
req POST "/api/api-keys/$LIVE_ID/rotate" -H "$(auth "$TOKEN")"
expect 403 '{"success":false,"message":"Invalid ability provided."}' "a read-only token: 403"
expect_sql "SELECT rotated_to IS NULL FROM api_keys WHERE id = $LIVE_ID" 1 "and nothing rotated"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"*\"]' WHERE id = $TOKEN_ID"

# 9. Rotation is not counted against APIKEYS_MAX_KEYS (20 here).
new_user limit
live() { "$TEST_SQL" "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > NOW(6))"; }
for i in $(seq 1 20); do create "{\"name\":\"k$i\"}"; done
LAST=$ID
create '{"name":"k21"}'
expect 409 '{"success":false,"message":"API key limit reached."}' "20 live keys: create is 409"
rotate "$LAST" '{"grace_seconds":600}'
expect_status 201 "rotate at the limit, with a grace: 201"
check "the user now holds 21 live keys" test "$(live)" = 21
create '{"name":"k22"}'
expect_status 409 "create is still refused"
# 10. Rotating a key ends any overlap still running for the key it replaced:
#     a chain of rotations keeps at most two live keys.
new_user chain
create '{"name":"Chain"}'
A=$ID A_KEY=$KEY A_SECRET=$SECRET
rotate "$A" '{"grace_seconds":3600}'
B=$NEW_ID B_KEY=$NEW_KEY B_SECRET=$NEW_SECRET
verify "$A_KEY" "$A_SECRET"
expect_status 200 "chain: during B's overlap, A still verifies"
rotate "$B" '{"grace_seconds":3600}'
expect_status 201 "chain: B rotated to C with a grace"
C=$NEW_ID
expect_json .data.previous.revoked_at null "chain: B itself is in its overlap (not revoked)"
expect_sql "SELECT CONCAT(revoked_at IS NOT NULL, ' ', rotated_to) FROM api_keys WHERE id = $A" "1 $B" \
    "chain: A's overlap ended when B was rotated: A is revoked now"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID AND revoked_at IS NULL AND expires_at > NOW(6)" 2 \
    "chain: two live keys (B in its overlap, and C)"
verify "$A_KEY" "$A_SECRET"
expect 401 "$INVALID_KEY" "chain: A no longer verifies"
verify "$B_KEY" "$B_SECRET"
expect_status 200 "chain: B still verifies (its own overlap)"
expect_sql "SELECT GROUP_CONCAT(CONCAT(action, ' ', actor) ORDER BY id) FROM api_key_events WHERE key_id = $A" \
    "created token:$TOKEN_ID,rotated token:$TOKEN_ID,revoked token:$TOKEN_ID" \
    "chain: A's events end with the revocation, by the rotating token"
expect_sql "SELECT (SELECT id FROM api_key_events WHERE key_id = $B AND action = 'rotated') - (SELECT id FROM api_key_events WHERE key_id = $A AND action = 'revoked')" 1 \
    "chain: A's revocation is the event just before B's rotation (one transaction)"
rotate "$C"
expect_status 201 "chain: C rotated to D without a grace"
expect_sql "SELECT GROUP_CONCAT(id ORDER BY id) FROM api_keys WHERE user_id = $USER_ID AND revoked_at IS NULL AND expires_at > NOW(6)" "$NEW_ID" \
    "chain: with grace 0, B's overlap ends too: D alone is live"
expect_sql "SELECT COUNT(*) FROM api_key_events WHERE key_id = $A AND action = 'revoked'" 1 \
    "chain: A, revoked already, is not revoked twice"
expect_sql "SELECT COUNT(*) FROM api_key_events WHERE key_id = $B AND action = 'revoked'" 1 \
    "chain: B's overlap ended with a revoked event"
# An overlap that ran out already is left as it is (expired, not revoked).
create '{"name":"Ran out"}'
E=$ID
rotate "$E" '{"grace_seconds":3600}'
F=$NEW_ID
"$TEST_SQL" "UPDATE api_keys SET expires_at = NOW() - INTERVAL 1 SECOND WHERE id = $E"
rotate "$F" '{"grace_seconds":60}'
expect_status 201 "chain: F rotated after E's overlap ran out"
expect_sql "SELECT CONCAT(revoked_at IS NULL, ' ', (SELECT COUNT(*) FROM api_key_events WHERE key_id = $E AND action = 'revoked')) FROM api_keys WHERE id = $E" "1 0" \
    "chain: an overlap that ran out is not revoked again"
finish
