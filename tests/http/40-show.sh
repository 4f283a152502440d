# 40-show.sh: GET a key: the seed's fields in order, owner only, one identical 404 for every bad id.
. "$(dirname "$0")/lib.sh"

new_user show
generate "$TOKEN"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")" -H 'Accept: application/json'
expect_status 200 "own key"
expect_match "^\{\"success\":true,\"message\":\"API key fetched successfully\",\"data\":\{\"id\":$KEY_ID,\"user_id\":$USER_ID,\"key\":\"$KEY\",\"permissions\":\[\],\"expires_at\":\"$TIME_RE\",\"created_at\":\"$TIME_RE\",\"updated_at\":\"$TIME_RE\"\}\}$" \
    "exact envelope, fields and order"
expect_header Cache-Control no-store "no-store"
check "no secret in the body" bash -c "! printf '%s' '$BODY' | grep -q -e MTP_SEC_ -e secret"
db_times=$("$TEST_SQL" "SELECT CONCAT(DATE_FORMAT(expires_at,'%Y-%m-%dT%H:%i:%s.000000Z'),' ',DATE_FORMAT(created_at,'%Y-%m-%dT%H:%i:%s.000000Z')) FROM api_keys WHERE id=$KEY_ID")
expect_json '.data.expires_at + " " + .data.created_at' "$db_times" "times equal the stored UTC values"

new_user intruder
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "another user's key is not found"

for id in 0 -1 1.0 1e3 "0$KEY_ID" abc 99999999999999999999999 18446744073709551616 %31 "$KEY_ID%20" \
    "1;DROP%20TABLE%20api_keys" %D9%A1 "%2B$KEY_ID" "$KEY_ID." "%20"; do
	req GET "/api/api-keys/$id" -H "$(auth "$TOKEN")"
	expect 404 "$NOTFOUND_KEY" "id '$id' is the same 404"
done
req GET "/api/api-keys/$KEY_ID%00" -H "$(auth "$TOKEN")"
check "a NUL byte in the id: a JSON 404 (or the front end's JSON 400)$(host_edge)" bash -c "[ '$STATUS' = 404 -o '$STATUS' = 400 ] && printf '%s' '$BODY' | jq -e '.success == false' >/dev/null"
req GET /api/api-keys/ -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "an empty id is the same 404"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id=$KEY_ID" 1 "the table survived"
finish
