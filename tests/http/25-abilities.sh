# 25-abilities.sh: a Sanctum token's abilities decide what it may do: 403 "Invalid ability provided." and nothing changes.
. "$(dirname "$0")/lib.sh"

NOABILITY='{"success":false,"message":"Invalid ability provided."}'
new_user abilities
generate "$TOKEN"
abilities() { "$TEST_SQL" "UPDATE personal_access_tokens SET abilities = $1 WHERE id = $TOKEN_ID"; }
key_count() { "$TEST_SQL" "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID AND revoked_at IS NULL"; }

abilities "'[\"api-keys:read\"]'"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect_status 200 "a read token shows a key"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_status 200 "a read token lists keys"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
expect 403 "$NOABILITY" "a read token cannot generate"
req POST /api/api-keys -H "$(auth "$TOKEN")" -d '{"name":"x"}'
expect 403 "$NOABILITY" "a read token cannot create"
req DELETE "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect 403 "$NOABILITY" "a read token cannot revoke"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID AND revoked_at IS NULL AND id = $KEY_ID" 1 "the key is still there and live"

abilities "'[\"api-keys:write\"]'"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect 403 "$NOABILITY" "a write token cannot show"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect 403 "$NOABILITY" "a write token cannot list"
req POST /api/api-keys -H "$(auth "$TOKEN")" -d '{"name":"written"}'
expect_status 201 "a write token creates"

for a in NULL "'[]'" "'[\"orders:read\"]'" "'not json'" "'[\"API-KEYS:READ\"]'" "'{\"*\":1}'"; do
	abilities "$a"
	req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
	expect 403 "$NOABILITY" "abilities $a: show refused"
	req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
	expect 403 "$NOABILITY" "abilities $a: generate refused"
done
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id = $USER_ID" 2 "no refused call changed a key"
req GET /api/api-keys/abc -H "$(auth "$TOKEN")"
expect 403 "$NOABILITY" "the ability comes before the key's 404"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN_ID|wrong")"
expect 401 "$UNAUTH" "a wrong token is 401 whatever its abilities"

abilities "'[\"orders:read\",\"*\"]'"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
expect_status 200 "\"*\" among other abilities allows everything"
finish
