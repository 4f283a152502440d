# 72-revoke.sh: DELETE a key: soft and idempotent, owner only, and a revoked key still shows but never verifies.
. "$(dirname "$0")/lib.sh"

new_user revoke
generate "$TOKEN"
req DELETE "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect_status 200 "revoke answers 200"
expect_match "^\{\"success\":true,\"message\":\"API key revoked successfully\",\"data\":\{\"id\":$KEY_ID,\"revoked_at\":\"$TIME0_RE\"\}\}$" "the envelope"
FIRST=$BODY
sleep 1.1
req DELETE "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect 200 "$FIRST" "revoking again answers the same, first time kept"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id=$KEY_ID AND revoked_at IS NOT NULL" 1 "the row stays"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect_status 200 "a revoked key still shows"
expect_json '.data | keys_unsorted | join(",")' "id,user_id,key,permissions,expires_at,created_at,updated_at" "show keeps exactly the seed's fields"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_json '.data[0].revoked_at != null' true "and lists with revoked_at"
req POST /api/api-keys/verify -d "{\"key\":\"$KEY\",\"secret\":\"$SECRET\"}"
expect 401 "$INVALID_KEY" "and never verifies"

OWNER=$TOKEN
new_user thief
req DELETE "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "another user's key cannot be revoked"
for id in 0 -1 abc 01 99999999999999999999; do
	req DELETE "/api/api-keys/$id" -H "$(auth "$OWNER")"
	expect 404 "$NOTFOUND_KEY" "revoke id '$id' is the same 404"
done
req DELETE "/api/api-keys/$KEY_ID"
expect 401 "$UNAUTH" "revoke needs a token"
finish
