# 87-webhooks.sh: the webhook routes of 9.2: create (secret shown once, sealed at rest), list, delete, deliveries and the test event; their 400, 404, 405, 409, 422 and abilities; a key change queues its event in the change's transaction.
. "$(dirname "$0")/lib.sh"

new_user hooks
INVALID='{"success":false,"message":"The given data was invalid.","errors":'
NOHOOK='{"success":false,"message":"Webhook not found."}'
hook() {	# BODY: POST /api/webhooks; sets HID and HSECRET
	req POST /api/webhooks -H "$(auth "$TOKEN")" --data-binary "$1"
	HID=$(json '.data.id // empty')
	HSECRET=$(json '.data.secret // empty')
	remember_secret "$HSECRET"
}
refused() {	# BODY ERRORS DESCRIPTION: a 422 with exactly these errors
	req POST /api/webhooks -H "$(auth "$TOKEN")" --data-binary "$1"
	expect 422 "$INVALID$2}" "$3"
}

# 1. Create: 201, the secret once, as 9.2 writes it.
hook '{"url":"https://example.com/hooks/keys?x=1","events":["key.created","key.revoked"]}'
expect_match "^\{\"success\":true,\"message\":\"Webhook created successfully\",\"data\":\{\"id\":$HID,\"url\":\"https:\\\\/\\\\/example.com\\\\/hooks\\\\/keys\?x=1\",\"events\":\[\"key\.created\",\"key\.revoked\"\],\"secret\":\"whsec_[A-Za-z0-9]{32}\",\"created_at\":\"$TIME_RE\"\}\}$" \
    "create: 201 with id, url, events, a whsec_ secret of 32 [A-Za-z0-9] and created_at"
expect_status 201 "create answers 201"
H1=$HID
S1=$HSECRET
check "the secret is stored sealed: not in clear, not its random part" \
    test "$("$TEST_SQL" "SELECT COUNT(*) FROM webhooks WHERE id = $H1 AND secret_sealed NOT LIKE '%${S1#whsec_}%' AND secret_sealed REGEXP '^[0-9a-f]{132}$'")" = 1
check "no column of the webhook holds the secret" \
    bash -c "! '$TEST_SQL' 'SELECT * FROM webhooks' | grep -qF -- '${S1#whsec_}'"

# 2. List: newest first, secret_hint only.
hook '{"url":"https://hooks.example.com","events":["*"]}'
H2=$HID
req GET /api/webhooks -H "$(auth "$TOKEN")"
expect_match "^\{\"success\":true,\"message\":\"Webhooks fetched successfully\",\"data\":\[\{\"id\":$H2,\"url\":\"https:\\\\/\\\\/hooks.example.com\",\"events\":\[\"\*\"\],\"secret_hint\":\"${HSECRET: -4}\",\"created_at\":\"$TIME_RE\"\},\{\"id\":$H1,\"url\":\"https:\\\\/\\\\/example.com\\\\/hooks\\\\/keys\?x=1\",\"events\":\[\"key.created\",\"key.revoked\"\],\"secret_hint\":\"${S1: -4}\",\"created_at\":\"$TIME_RE\"\}\]\}$" \
    "list: newest first, items id, url, events, secret_hint (last 4), created_at"
body_lacks "$S1" "the list never shows a secret"
body_lacks "whsec_" "nor any part of one with its prefix"

# 3. The rules of 9.2, every failure listed.
refused '{}' '{"url":["The url field is required."],"events":["The events field is required."]}' \
    "{}: url and events required"
refused '{"url":"","events":[]}' '{"url":["The url field is required."],"events":["The events field is required."]}' \
    "an empty url and [] are missing"
refused '{"url":"http://example.com/h","events":["*"]}' '{"url":["The url field must start with https:\/\/."]}' \
    "http:// without APIKEYS_WEBHOOK_ALLOW_HTTP"
refused '{"url":"not a url","events":["*"]}' '{"url":["The url field must be a valid URL."]}' "not a URL"
refused '{"url":"https://user:pw@example.com/","events":["*"]}' '{"url":["The url field must be a valid URL."]}' \
    "a URL with a user"
refused '{"url":"https://example.com/#top","events":["*"]}' '{"url":["The url field must be a valid URL."]}' \
    "a URL with a fragment"
refused '{"url":5,"events":["*"]}' '{"url":["The url field must be a valid URL."]}' "a url that is not a string"
long=$(printf 'a%.0s' $(seq 1 2030))
refused "{\"url\":\"https://example.com/$long\",\"events\":[\"*\"]}" '{"url":["The url field must be a valid URL."]}' \
    "a URL over 2048 characters"
refused '{"url":"https://example.com","events":"key.created"}' '{"events":["The events field must be an array."]}' \
    "events not an array"
refused '{"url":"https://example.com","events":["key.nope","key.created","key.created"]}' \
    '{"events.0":["The selected events.0 is invalid."],"events.1":["The events.1 field has a duplicate value."],"events.2":["The events.2 field has a duplicate value."]}' \
    "an unknown type and a duplicate, each by index"
refused '{"url":"https://example.com","events":["*","key.created"]}' '{"events.0":["The selected events.0 is invalid."]}' \
    "* only alone"
refused '{"url":"https://example.com","events":["key.created","key.updated","key.rotated","key.revoked","key.deleted","key.expiring","key.leaked","key.usage_exhausted","webhook.test","a","b","c","d","e","f","g","h"]}' \
    '{"events":["The events field must not have more than 16 items."]}' "more than 16 events"
req POST /api/webhooks -H "$(auth "$TOKEN")" --data-binary '["https://example.com"]'
expect 400 '{"success":false,"message":"The request body must be a JSON object."}' "a body that is not an object: 400"
req POST /api/webhooks -H "$(auth "$TOKEN")" --data-binary '{"url":'
expect 400 '{"success":false,"message":"The request body must be a JSON object."}' "invalid JSON: 400"

# 4. Deliveries and the test event.
req GET "/api/webhooks/$H1/deliveries" -H "$(auth "$TOKEN")"
expect 200 '{"success":true,"message":"Webhook deliveries fetched successfully","data":[]}' "no deliveries yet"
req POST "/api/webhooks/$H1/test" -H "$(auth "$TOKEN")"
expect 202 '{"success":true,"message":"Test event queued."}' "test: 202 Test event queued."
req GET "/api/webhooks/$H1/deliveries" -H "$(auth "$TOKEN")"
expect_match "^\{\"success\":true,\"message\":\"Webhook deliveries fetched successfully\",\"data\":\[\{\"id\":[0-9]+,\"event_id\":\"evt_[0-9]+\",\"type\":\"webhook.test\",\"state\":\"pending\",\"attempts\":0,\"last_status\":null,\"last_error\":null,\"next_attempt_at\":\"$TIME_RE\",\"delivered_at\":null,\"created_at\":\"$TIME_RE\"\}\]\}$" \
    "the test event: one pending delivery, every member in 9.2's order"
expect_sql "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $H2" 0 "for that webhook alone"

# 5. A key change queues the event of every subscribed webhook.
req POST /api/api-keys -H "$(auth "$TOKEN")" --data-binary '{"name":"hooked"}'
KID=$(json .data.id)
req GET "/api/webhooks/$H1/deliveries" -H "$(auth "$TOKEN")"
expect_json '[.data[].type] | join(",")' "key.created,webhook.test" "create queues key.created (newest first)"
req GET "/api/webhooks/$H2/deliveries" -H "$(auth "$TOKEN")"
expect_json '[.data[].type] | join(",")' "key.created" "for the * webhook too"
req PATCH "/api/api-keys/$KID" -H "$(auth "$TOKEN")" --data-binary '{"name":"renamed"}'
req GET "/api/webhooks/$H1/deliveries" -H "$(auth "$TOKEN")"
expect_json '[.data[].type] | join(",")' "key.created,webhook.test" "key.updated is not queued for a webhook that did not ask for it"
req GET "/api/webhooks/$H2/deliveries" -H "$(auth "$TOKEN")"
expect_json '[.data[].type] | join(",")' "key.updated,key.created" "but is for *"
expect_sql "SELECT JSON_VALUE(key_snapshot, '\$.name') FROM webhook_events WHERE key_id = $KID AND type = 'key.updated'" \
    renamed "the event keeps the key as it is after the change"

# 6. Another user's webhook, a missing one, a bad id: 404 Webhook not found.
SAVED="$TOKEN $TOKEN_ID $USER_ID"
new_user other
OTHER=$TOKEN
read -r TOKEN TOKEN_ID USER_ID <<< "$SAVED"
for r in "DELETE /api/webhooks/$H1" "GET /api/webhooks/$H1/deliveries" "POST /api/webhooks/$H1/test"; do
	req ${r% *} "${r#* }" -H "$(auth "$OTHER")"
	expect 404 "$NOHOOK" "another user's webhook: ${r% *} ${r#* } is 404"
done
req DELETE /api/webhooks/999999999 -H "$(auth "$TOKEN")"
expect 404 "$NOHOOK" "a missing webhook: 404"
req GET /api/webhooks/abc/deliveries -H "$(auth "$TOKEN")"
expect 404 "$NOHOOK" "an id that is not a number: 404"
req GET /api/webhooks -H "$(auth "$OTHER")"
expect 200 '{"success":true,"message":"Webhooks fetched successfully","data":[]}' "another user sees none of them"

# 7. Routing, authentication, abilities.
req PUT /api/webhooks -H "$(auth "$TOKEN")"
expect 405 "$NOTALLOWED" "PUT /webhooks: 405"
expect_header Allow "GET, POST" "Allow: GET, POST"
req GET "/api/webhooks/$H1" -H "$(auth "$TOKEN")"
expect 405 "$NOTALLOWED" "GET /webhooks/{id}: 405"
expect_header Allow "DELETE" "Allow: DELETE"
req POST "/api/webhooks/$H1/deliveries" -H "$(auth "$TOKEN")"
expect_header Allow "GET" "deliveries: Allow: GET"
req GET "/api/webhooks/$H1/test" -H "$(auth "$TOKEN")"
expect_header Allow "POST" "test: Allow: POST"
req GET /api/webhooks
expect 401 "$UNAUTH" "no token: 401"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"api-keys:read\"]' WHERE id = $TOKEN_ID"
n=$("$TEST_SQL" "SELECT COUNT(*) FROM webhooks WHERE user_id = $USER_ID")
for r in "POST /api/webhooks" "DELETE /api/webhooks/$H1" "POST /api/webhooks/$H1/test"; do
	req ${r% *} "${r#* }" -H "$(auth "$TOKEN")" --data-binary '{"url":"https://example.com","events":["*"]}'
	expect 403 '{"success":false,"message":"Invalid ability provided."}' "read-only token: ${r% *} ${r#* } is 403"
done
expect_sql "SELECT COUNT(*) FROM webhooks WHERE user_id = $USER_ID" "$n" "and nothing changed"
req GET /api/webhooks -H "$(auth "$TOKEN")"
expect_status 200 "read-only token lists"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"api-keys:write\"]' WHERE id = $TOKEN_ID"
req GET "/api/webhooks/$H1/deliveries" -H "$(auth "$TOKEN")"
expect 403 '{"success":false,"message":"Invalid ability provided."}' "write-only token: deliveries is 403"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities = '[\"*\"]' WHERE id = $TOKEN_ID"

# 8. The limit: 10 webhooks per user, 409 after the 422s.
for i in 3 4 5 6 7 8 9 10; do hook "{\"url\":\"https://example.com/$i\",\"events\":[\"*\"]}"; done
expect_status 201 "the tenth webhook is created"
hook '{"url":"https://example.com/11","events":["*"]}'
expect 409 '{"success":false,"message":"Webhook limit reached."}' "the eleventh: 409 Webhook limit reached."
refused '{"url":"ftp://example.com","events":["*"]}' '{"url":["The url field must start with https:\/\/."]}' \
    "a 422 comes before the 409"

# 9. Delete: 200, its deliveries gone with it.
req DELETE "/api/webhooks/$H1" -H "$(auth "$TOKEN")"
expect 200 '{"success":true,"message":"Webhook deleted successfully"}' "delete: 200 Webhook deleted successfully"
expect_sql "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $H1" 0 "its pending deliveries are dropped"
req DELETE "/api/webhooks/$H1" -H "$(auth "$TOKEN")"
expect 404 "$NOHOOK" "deleting it again: 404"
hook '{"url":"https://example.com/again","events":["*"]}'
expect_status 201 "a deleted webhook frees its place"
finish
