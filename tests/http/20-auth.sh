# 20-auth.sh: Sanctum bearer tokens: every refusal is the same 401, and last_used_at is written once a minute.
. "$(dirname "$0")/lib.sh"

new_user auth
TID=${TOKEN%%|*}
PLAIN=${TOKEN#*|}

refuse() {	# DESCRIPTION [curl header args]
	local desc=$1
	shift
	req GET /api/api-keys/1 "$@"
	expect 401 "$UNAUTH" "$desc"
	expect_header WWW-Authenticate Bearer "$desc: challenge"
	expect_header Content-Type application/json "$desc: JSON"
}
refuse "no Authorization header"
refuse "Basic scheme" -H "Authorization: Basic dXNlcjpwYXNz"
refuse "Bearer with nothing" -H "Authorization: Bearer"
refuse "Bearer with blanks" -H "Authorization: Bearer    "
refuse "unknown token" -H "$(auth nope)"
refuse "empty plaintext" -H "$(auth "$TID|")"
refuse "empty id" -H "$(auth "|$PLAIN")"
refuse "non-numeric id" -H "$(auth "x|$PLAIN")"
refuse "right id, wrong plaintext" -H "$(auth "$TID|wrong$PLAIN")"
refuse "wrong id, right plaintext" -H "$(auth "$((TID + 100000))|$PLAIN")"
refuse "id with a leading zero" -H "$(auth "0$TID|$PLAIN")"
refuse "many bars" -H "$(auth "$TID|||$PLAIN|")"
refuse "an overlong token" -H "$(auth "$TID|$(head -c 4000 /dev/zero | tr '\0' a)")"
refuse "the stored hash itself" \
    -H "$(auth "$("$TEST_SQL" "SELECT token FROM personal_access_tokens WHERE id=$TID")")"

req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "id|plaintext is accepted"
req GET /api/api-keys/999999999 -H "$(auth "$PLAIN")"
expect 404 "$NOTFOUND_KEY" "the bare plaintext is accepted"
req GET /api/api-keys/999999999 -H "Authorization: bearer $TOKEN"
expect 404 "$NOTFOUND_KEY" "lower-case scheme"
req GET /api/api-keys/999999999 -H "Authorization: BEARER $TOKEN"
expect 404 "$NOTFOUND_KEY" "upper-case scheme"

# last_used_at: set on use, not rewritten within a minute, rewritten after.
"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NULL WHERE id = $TID"
req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")"
expect_sql "SELECT last_used_at IS NOT NULL FROM personal_access_tokens WHERE id=$TID" 1 \
    "a use sets last_used_at"
"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NOW() - INTERVAL 30 SECOND WHERE id = $TID"
before=$("$TEST_SQL" "SELECT last_used_at FROM personal_access_tokens WHERE id=$TID")
req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")"
expect_sql "SELECT last_used_at FROM personal_access_tokens WHERE id=$TID" "$before" \
    "a second use within a minute writes nothing"
"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NOW() - INTERVAL 2 MINUTE WHERE id = $TID"
req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")"
expect_sql "SELECT last_used_at > NOW() - INTERVAL 10 SECOND FROM personal_access_tokens WHERE id=$TID" 1 \
    "a use after a minute writes again"

# Tokens that exist but may not be used.
new_user expired
"$TEST_SQL" "UPDATE personal_access_tokens SET expires_at = NOW() - INTERVAL 1 SECOND WHERE id = ${TOKEN%%|*}"
refuse "an expired token" -H "$(auth "$TOKEN")"
new_user future
"$TEST_SQL" "UPDATE personal_access_tokens SET expires_at = NOW() + INTERVAL 1 HOUR WHERE id = ${TOKEN%%|*}"
req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "a token that expires later works"
new_user othertype
"$TEST_SQL" "UPDATE personal_access_tokens SET tokenable_type = 'App\\\\Models\\\\Admin' WHERE id = ${TOKEN%%|*}"
refuse "a token of another model" -H "$(auth "$TOKEN")"
new_user gone
"$TEST_SQL" "DELETE FROM users WHERE id = $USER_ID"
refuse "a token whose user was deleted" -H "$(auth "$TOKEN")"
new_user revoked
"$TEST_ADMIN" token-revoke "${TOKEN%%|*}" >/dev/null
refuse "a revoked token" -H "$(auth "$TOKEN")"
finish
