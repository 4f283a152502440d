# 30-generate.sh: POST generate: the envelope, the key formats, what is stored, and that it replaces every key.
. "$(dirname "$0")/lib.sh"

new_user gen
generate "$TOKEN"
expect_status 200 "generate answers 200"
expect_match "^\{\"success\":true,\"message\":\"API key generated successfully\",\"data\":\{\"id\":[0-9]+,\"key\":\"$KEY_RE\",\"secret\":\"$SEC_RE\"\}\}$" \
    "the envelope, member order and formats are exact"
expect_header Content-Type application/json "JSON"
expect_header Cache-Control no-store "no-store on key material"
expect_header X-Content-Type-Options nosniff "nosniff"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 1 "one key stored"
expect_sql "SELECT \`key\` FROM api_keys WHERE id=$KEY_ID" "$KEY" "the stored key is the one returned"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE secret_hash REGEXP '^[0-9a-f]{64}\$' AND id=$KEY_ID" 1 \
    "the secret is stored as a 64-hex keyed hash"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id=$KEY_ID AND (secret_hash LIKE '%${SECRET#MTP_SEC_}%' OR CONCAT_WS(',',name,\`key\`,secret_hint,permissions) LIKE '%${SECRET#MTP_SEC_}%')" 0 \
    "the secret is nowhere in the row"
expect_sql "SELECT secret_hint FROM api_keys WHERE id=$KEY_ID" "${SECRET: -4}" "the hint is the secret's last 4 characters"
expect_sql "SELECT permissions FROM api_keys WHERE id=$KEY_ID" "[]" "permissions are []"
expect_sql "SELECT expires_at = created_at + INTERVAL 1 YEAR FROM api_keys WHERE id=$KEY_ID" 1 \
    "expires exactly one year after creation"
expect_sql "SELECT name IS NULL FROM api_keys WHERE id=$KEY_ID" 1 "generated keys have no name"
OLD_ID=$KEY_ID
OLD_KEY=$KEY

req POST /api/api-keys/generate -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' -d '{"name":"x","garbage":[1,2]}'
expect_status 200 "a JSON body is ignored"
remember_secret "$(printf '%s' "$BODY" | jq -r .data.secret)"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary $'\x00\xff not json'
expect_status 200 "a garbage body is ignored"
remember_secret "$(printf '%s' "$BODY" | jq -r .data.secret)"
generate "$TOKEN"
expect_status 200 "regenerate"
check "a new key differs from the old" test "$KEY" != "$OLD_KEY"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 1 "still exactly one key"
req GET "/api/api-keys/$OLD_ID" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "the old id is gone"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect_status 200 "the new id shows"

# Named keys made by create are deleted by generate too.
req POST /api/api-keys -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' -d '{"name":"named"}'
remember_secret "$(printf '%s' "$BODY" | jq -r .data.secret)"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 2 "create added a second key"
generate "$TOKEN"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 1 "generate removed the named key too"

# Another user's key is untouched.
A_TOKEN=$TOKEN
A_KEY_ID=$KEY_ID
new_user other
generate "$TOKEN"
req GET "/api/api-keys/$A_KEY_ID" -H "$(auth "$A_TOKEN")"
expect_status 200 "user B's generate leaves user A's key"

# A failure changes nothing: a trigger makes the insert fail.
new_user fail
generate "$TOKEN"
KEPT=$KEY_ID
# (user_id NULL in strict mode: the insert fails after the delete ran.)
"$TEST_SQL" "CREATE TRIGGER apikeys_test_fail BEFORE INSERT ON api_keys FOR EACH ROW
    SET NEW.user_id = IF(NEW.user_id = $USER_ID, NULL, NEW.user_id)"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
"$TEST_SQL" "DROP TRIGGER apikeys_test_fail"
expect 500 "$GEN_FAILED" "a failed insert answers the generate 500"
expect_sql "SELECT id FROM api_keys WHERE user_id=$USER_ID" "$KEPT" "and the old key is still there"
finish
