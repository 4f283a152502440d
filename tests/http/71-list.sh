# 71-list.sh: GET /api-keys: newest first, at most 100, the documented fields (docs/openapi.yaml) and never a secret.
. "$(dirname "$0")/lib.sh"

new_user list
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect 200 '{"success":true,"message":"API keys fetched successfully","data":[]}' "no keys: an empty list"
generate "$TOKEN"
GEN_ID=$KEY_ID
GEN_SECRET=$SECRET
"$TEST_SQL" "UPDATE api_keys SET secret_hint = NULL, created_at = NOW() - INTERVAL 1 DAY WHERE id=$GEN_ID"
for n in a b c; do
	req POST /api/api-keys -H "$(auth "$TOKEN")" -d "{\"name\":\"$n\"}"
	remember_secret "$(printf '%s' "$BODY" | jq -r .data.secret)"
	eval "SEC_$n=\$(printf '%s' \"\$BODY\" | jq -r .data.secret)"
done
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_status 200 "list answers 200"
expect_header Cache-Control no-store "no-store"
expect_json '[.data[].name] | map(. // "null") | join(",")' "c,b,a,null" "newest first (same second: by id)"
expect_json '.data[0] | keys_unsorted | join(",")' \
    "id,name,key,secret_hint,permissions,expires_at,last_used_at,revoked_at,created_at,updated_at,enabled,rate_limit,remaining_uses,allowed_ips,rotated_to" \
    "the documented fields, in order"
expect_json '.data[0].secret_hint' "MTP_SEC_…${SEC_c: -4}" "the hint is MTP_SEC_… and the last 4"
expect_json '.data[3].secret_hint' null "a key stored without a hint shows null"
expect_json '[.data[] | .last_used_at, .revoked_at] | map(tostring) | unique | join(",")' null "unset times are null"
body_lacks "${SEC_a#MTP_SEC_}" "no secret in the list (a created key's)"
body_lacks "${GEN_SECRET#MTP_SEC_}" "no secret in the list (the generated key's)"
check "no hash in the list" bash -c '! grep -qE "[0-9a-f]{64}" "$1"' _ "$TMP/b"

new_user stranger
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect 200 '{"success":true,"message":"API keys fetched successfully","data":[]}' "another user sees none of them"

new_user hundred
"$TEST_SQL" "INSERT INTO api_keys (user_id, \`key\`, secret_hash, permissions, created_at, updated_at)
    SELECT $USER_ID, CONCAT('MTP_KEY_bulk', $USER_ID, '_', seq), REPEAT('0', 64), '[]',
    NOW() - INTERVAL seq SECOND, NOW() FROM seq_1_to_120"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_json '.data | length' 100 "at most 100 keys"
expect_json '.data[0].key' "MTP_KEY_bulk${USER_ID}_1" "the newest of them first"
finish
