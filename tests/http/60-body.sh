# 60-body.sh: the request body cap (413 as JSON) and bodies that are absent, short or odd.
. "$(dirname "$0")/lib.sh"

new_user body
head -c 70000 /dev/zero | tr '\0' x > "$TMP/big"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary @"$TMP/big"
expect 413 '{"success":false,"message":"Payload Too Large."}' "a 70000-byte body is 413"
expect_header Content-Type application/json "413 is JSON"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 0 "nothing was generated"
head -c 60000 /dev/zero | tr '\0' x > "$TMP/ok"
generate_body() { req POST /api/api-keys/generate -H "$(auth "$TOKEN")" "$@"; remember_secret "$(printf '%s' "$BODY" | jq -r '.data.secret // empty' 2>/dev/null)"; }
generate_body --data-binary @"$TMP/ok"
expect_status 200 "a 60000-byte body is under the cap"
req POST /api/api-keys -H "$(auth "$TOKEN")" --data-binary @"$TMP/big"
expect 413 '{"success":false,"message":"Payload Too Large."}' "create with a body over the cap"
generate_body -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/ok"
expect_status 200 "a chunked body under the cap"
generate_body --data-binary $'a\x00b\xff\xfe'
expect_status 200 "NUL bytes and invalid UTF-8 in an ignored body"
req GET /api/api-keys/1 -H "$(auth "$TOKEN")" -H "X-Big: $(head -c 16000 /dev/zero | tr '\0' h)"
expect 404 "$NOTFOUND_KEY" "a 16 KiB header"
finish
