# 60-body.sh: the request body cap (65536 bytes by default; over it, 413 as JSON and nothing changes) and odd bodies that are ignored.
. "$(dirname "$0")/lib.sh"

body_of() { head -c "$1" /dev/zero | tr '\0' x > "$TMP/body.$1"; printf '%s' "$TMP/body.$1"; }
new_user body
generate "$TOKEN"
KEPT="$KEY_ID $KEY"
kept() { expect_sql "SELECT GROUP_CONCAT(CONCAT(id, ' ', \`key\`)) FROM api_keys WHERE user_id=$USER_ID" "$KEPT" "$1"; }

req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary @"$(body_of 70000)"
expect 413 "$TOOLARGE" "a 70000-byte body to generate: the JSON 413"
body_lacks MTP_ "no key material in the 413"
kept "after the 413 the user's key is unchanged"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary @"$(body_of 65537)"
expect 413 "$TOOLARGE" "65537 bytes, one over the cap: 413"
kept "after the 413 at 65537 bytes the key is unchanged"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/body.70000"
expect 413 "$TOOLARGE" "a chunked body over the cap: 413"
kept "after the chunked 413 the key is unchanged"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary @"$(body_of 1048576)"
expect 413 "$TOOLARGE" "a 1 MiB body: 413"

req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary @"$(body_of 65536)"
expect_status 200 "65536 bytes, the cap itself: 200"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary @"$(body_of 60000)"
expect_status 200 "a 60000-byte body: 200"
expect_match "^\{\"success\":true,\"message\":\"API key generated successfully\",\"data\":\{\"id\":[0-9]+,\"key\":\"$KEY_RE\",\"secret\":\"$SEC_RE\"\}\}$" \
    "a 60000-byte body: the generate envelope"
expect_sql "SELECT \`key\` FROM api_keys WHERE user_id=$USER_ID" "$(json .data.key)" "a 60000-byte body: the key returned is the one stored"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" -H 'Transfer-Encoding: chunked' --data-binary @"$TMP/body.60000"
expect_status 200 "a chunked body under the cap: 200"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" --data-binary $'a\x00b\xff\xfe'
expect_status 200 "NUL bytes and invalid UTF-8 in an ignored body: 200"
req POST /api/api-keys -H "$(auth "$TOKEN")" --data-binary @"$TMP/body.70000"
expect 413 "$TOOLARGE" "create with a body over the cap: 413"
# A POST without Content-Length (curl sends none for -X POST without data):
# a front end may require one (lighttpd: 411), answered as JSON; otherwise
# it is generate's 200.
req POST /api/api-keys/generate -H "$(auth "$TOKEN")" -H 'Content-Length:'
if [ "$STATUS" = 411 ]; then
	expect 411 '{"success":false,"message":"Length Required."}' "a POST without a length: the front end's 411 as JSON"
else
	expect_status 200 "a POST without a length: generate answers 200"
fi
req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")" -H "X-Big: $(head -c 16000 /dev/zero | tr '\0' h)"
expect 404 "$NOTFOUND_KEY" "a 16 KiB header is carried through"
finish
