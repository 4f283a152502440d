# 81-settings.sh: a key's settings on create and PATCH /api-keys/{id}: every member, every 422 message in field order, 404/400/409 in the order of checks, the rotated key's 409, no-change PATCHes, the updated event, and list's new members.
. "$(dirname "$0")/lib.sh"

INVALID='{"success":false,"message":"The given data was invalid.","errors":'
NOTOBJ='{"success":false,"message":"The request body must be a JSON object."}'
REVOKED_409='{"success":false,"message":"API key is revoked."}'
UPDATED_RE='^\{"success":true,"message":"API key updated successfully","data":\{'
LISTED='id,name,key,secret_hint,permissions,expires_at,last_used_at,revoked_at,created_at,updated_at,enabled,rate_limit,remaining_uses,allowed_ips,rotated_to'

new_user settings
create() {
	req POST /api/api-keys -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$1"
	remember_secret "$(json '.data.secret // empty')"
	I=$(json '.data.id // empty')
}
patch() { req PATCH "/api/api-keys/$1" -H "$(auth "${3:-$TOKEN}")" -H 'Content-Type: application/json' --data-binary "$2"; }
events() { "$TEST_SQL" "SELECT COUNT(*) FROM api_key_events WHERE key_id=$1 AND action='updated'"; }

# --- create with settings --------------------------------------------------
create '{"name":"limited","rate_limit":{"limit":100,"window_seconds":60},"remaining_uses":1000,"allowed_ips":["203.0.113.7/24","2001:DB8::/32","::ffff:10.1.2.3"]}'
expect_status 201 "create with a rate limit, credits and an allowlist: 201"
expect_json '.data | keys_unsorted | join(",")' "id,name,key,secret,permissions,expires_at,created_at" \
    "create's answer keeps its members"
LIMITED=$I
expect_sql "SELECT CONCAT_WS('|', rate_limit, rate_window, remaining_uses, allowed_ips, enabled, IFNULL(bucket_tokens, 'null')) FROM api_keys WHERE id=$I" \
    '100|60|1000|["203.0.113.7\\/24","2001:DB8::\\/32","::ffff:10.1.2.3"]|1|null' \
    "stored: limit, window, credits, entries as given (PHP's JSON text), enabled, a full bucket"
create '{"name":"open","allowed_ips":[],"rate_limit":null,"remaining_uses":null}'
expect_status 201 "create with [] and nulls: 201"
OPEN=$I
expect_sql "SELECT CONCAT_WS('|', IFNULL(rate_limit,'null'), IFNULL(rate_window,'null'), IFNULL(remaining_uses,'null'), IFNULL(allowed_ips,'null')) FROM api_keys WHERE id=$I" \
    'null|null|null|null' "allowed_ips [] is stored as null; null settings are none"
create '{"name":"zero","remaining_uses":0}'
expect_status 201 "remaining_uses 0 is allowed"

req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_json '.data[0] | keys_unsorted | join(",")' "$LISTED" "list items end with the settings, in order"
expect_json ".data[] | select(.id == $LIMITED) | [.enabled, .rate_limit, .remaining_uses, .allowed_ips, .rotated_to] | tojson" \
    '[true,{"limit":100,"window_seconds":60},1000,["203.0.113.7/24","2001:DB8::/32","::ffff:10.1.2.3"],null]' \
    "list: enabled, rate_limit {limit, window_seconds}, remaining_uses, allowed_ips as given, rotated_to"
expect_json ".data[] | select(.id == $OPEN) | [.enabled, .rate_limit, .remaining_uses, .allowed_ips, .rotated_to] | tojson" \
    '[true,null,null,null,null]' "list: a key without settings has nulls"
check "list: the new members close each item" bash -c \
    '[[ $1 =~ \"enabled\":true,\"rate_limit\":null,\"remaining_uses\":null,\"allowed_ips\":null,\"rotated_to\":null\} ]]' _ "$BODY"
req GET "/api/api-keys/$LIMITED" -H "$(auth "$TOKEN")"
expect_json '.data | keys_unsorted | join(",")' "id,user_id,key,permissions,expires_at,created_at,updated_at" \
    "show keeps its members exactly"

# --- create: each setting's 422 ----------------------------------------------------
for c in \
    '"rate_limit":5|{"rate_limit":["The rate limit field must be an object."]}' \
    '"rate_limit":[]|{"rate_limit":["The rate limit field must be an object."]}' \
    '"rate_limit":{}|{"rate_limit.limit":["The rate_limit.limit field must be an integer between 1 and 1000000."],"rate_limit.window_seconds":["The rate_limit.window_seconds field must be an integer between 1 and 86400."]}' \
    '"rate_limit":{"limit":0,"window_seconds":86401}|{"rate_limit.limit":["The rate_limit.limit field must be an integer between 1 and 1000000."],"rate_limit.window_seconds":["The rate_limit.window_seconds field must be an integer between 1 and 86400."]}' \
    '"rate_limit":{"limit":1000001,"window_seconds":1}|{"rate_limit.limit":["The rate_limit.limit field must be an integer between 1 and 1000000."]}' \
    '"rate_limit":{"limit":5.0,"window_seconds":"60"}|{"rate_limit.limit":["The rate_limit.limit field must be an integer between 1 and 1000000."],"rate_limit.window_seconds":["The rate_limit.window_seconds field must be an integer between 1 and 86400."]}' \
    '"remaining_uses":-1|{"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."]}' \
    '"remaining_uses":1000000000001|{"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."]}' \
    '"remaining_uses":"5"|{"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."]}' \
    '"remaining_uses":5.0|{"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."]}' \
    '"allowed_ips":"10.0.0.1"|{"allowed_ips":["The allowed ips field must be an array."]}' \
    '"allowed_ips":["10.0.0.1","10.0.0.256","10.0.0.0/33","2001:db8::/129","x",5,"10.0.0.1/08"," 10.0.0.1","::1/128","0.0.0.0/0"]|{"allowed_ips.1":["The allowed_ips.1 field must be a valid IP address or range."],"allowed_ips.2":["The allowed_ips.2 field must be a valid IP address or range."],"allowed_ips.3":["The allowed_ips.3 field must be a valid IP address or range."],"allowed_ips.4":["The allowed_ips.4 field must be a valid IP address or range."],"allowed_ips.5":["The allowed_ips.5 field must be a valid IP address or range."],"allowed_ips.6":["The allowed_ips.6 field must be a valid IP address or range."],"allowed_ips.7":["The allowed_ips.7 field must be a valid IP address or range."]}'; do
	create "{\"name\":\"bad\",${c%%|*}}"
	expect 422 "$INVALID${c#*|}}" "create with ${c%%|*}: 422"
done
ips33=$(seq 1 33 | sed 's/.*/"10.0.0.&"/' | paste -sd, -)
create "{\"name\":\"bad\",\"allowed_ips\":[$ips33]}"
expect 422 "$INVALID"'{"allowed_ips":["The allowed ips field must not have more than 32 items."]}}' "33 addresses: 422"
ips32=$(seq 1 32 | sed 's/.*/"10.0.0.&"/' | paste -sd, -)
create "{\"name\":\"many\",\"allowed_ips\":[$ips32]}"
expect_status 201 "32 addresses: 201"
create '{"name":"","expires_at":"soon","permissions":["A"],"rate_limit":{"limit":0,"window_seconds":1},"remaining_uses":-1,"allowed_ips":["nope"]}'
expect 422 "$INVALID"'{"name":["The name field is required."],"expires_at":["The expires at field must be a valid date."],"permissions.0":["The permissions.0 field format is invalid."],"rate_limit.limit":["The rate_limit.limit field must be an integer between 1 and 1000000."],"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."],"allowed_ips.0":["The allowed_ips.0 field must be a valid IP address or range."]}}' \
    "every field wrong: errors in field order, items and members after their field"

# --- PATCH: every member -------------------------------------------------------------
create '{"name":"target","permissions":["a"]}'
T=$I
before=$("$TEST_SQL" "SELECT updated_at FROM api_keys WHERE id=$T")
sleep 0.01
patch "$T" '{"name":"  renamed  "}'
expect_status 200 "PATCH name: 200"
expect_match "$UPDATED_RE\"id\":$T,\"name\":\"renamed\",\"key\":\"$KEY_RE\",\"secret_hint\":\"MTP_SEC_\\\\u2026[A-Za-z0-9]{4}\",\"permissions\":\[\"a\"\],\"expires_at\":\"$TIME_RE\",\"last_used_at\":null,\"revoked_at\":null,\"created_at\":\"$TIME_RE\",\"updated_at\":\"$TIME_RE\",\"enabled\":true,\"rate_limit\":null,\"remaining_uses\":null,\"allowed_ips\":null,\"rotated_to\":null\}\}$" \
    "PATCH answers the key as list shows it, name trimmed"
check "PATCH moved updated_at" test "$("$TEST_SQL" "SELECT updated_at FROM api_keys WHERE id=$T")" != "$before"
expect_sql "SELECT CONCAT(actor, ' ', IFNULL(ip, '-'), ' ', details) FROM api_key_events WHERE key_id=$T AND action='updated' ORDER BY id DESC LIMIT 1" \
    "token:$TOKEN_ID 127.0.0.1 {\"changes\":[\"name\"]}" "an updated event with the actor, the address and the changed member"
patch "$T" '{"expires_at":"2029-02-03T04:05:06.5+01:00","permissions":["b","a"],"enabled":false,"rate_limit":{"limit":10,"window_seconds":3600},"remaining_uses":77,"allowed_ips":["198.51.100.0/24"]}'
expect_status 200 "PATCH every other member: 200"
expect_json '.data | [.expires_at, .permissions, .enabled, .rate_limit, .remaining_uses, .allowed_ips] | tojson' \
    '["2029-02-03T03:05:06.500000Z",["b","a"],false,{"limit":10,"window_seconds":3600},77,["198.51.100.0/24"]]' \
    "each member changed, as given"
expect_sql "SELECT details FROM api_key_events WHERE key_id=$T AND action='updated' ORDER BY id DESC LIMIT 1" \
    '{"changes":["expires_at","permissions","enabled","rate_limit","remaining_uses","allowed_ips"]}' \
    "the event names the members changed, in field order"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_json ".data[] | select(.id == $T) | [.name, .enabled, .rate_limit.limit, .remaining_uses] | tojson" \
    '["renamed",false,10,77]' "the list shows the changes"

# A member sent with its value is no change; {} changes nothing.
n0=$(events "$T"); u0=$("$TEST_SQL" "SELECT updated_at FROM api_keys WHERE id=$T")
for b in '{}' '{"name":"renamed","enabled":false,"remaining_uses":77}' \
    '{"rate_limit":{"limit":10,"window_seconds":3600},"allowed_ips":["198.51.100.0/24"],"permissions":["b","a"]}' \
    '{"expires_at":"2029-02-03T03:05:06.500000Z"}' '{"unknown":1}'; do
	patch "$T" "$b"
	expect_match "$UPDATED_RE\"id\":$T,\"name\":\"renamed\"," "PATCH $b: 200"
done
expect_sql "SELECT updated_at FROM api_keys WHERE id=$T" "$u0" "PATCHes without a change keep updated_at"
check "PATCHes without a change record no event" test "$(events "$T")" = "$n0"

# null removes a setting and sets permissions to [].
"$TEST_SQL" "UPDATE api_keys SET bucket_tokens = 3, bucket_at = NOW(6) WHERE id=$T"
patch "$T" '{"rate_limit":null,"remaining_uses":null,"allowed_ips":null,"permissions":null,"enabled":true}'
expect_json '.data | [.permissions, .enabled, .rate_limit, .remaining_uses, .allowed_ips] | tojson' \
    '[[],true,null,null,null]' "null removes rate_limit, remaining_uses, allowed_ips; permissions become []"
expect_sql "SELECT CONCAT_WS('|', IFNULL(rate_limit,'n'), IFNULL(rate_window,'n'), IFNULL(bucket_tokens,'n'), IFNULL(bucket_at,'n'), IFNULL(remaining_uses,'n'), IFNULL(allowed_ips,'n'), permissions) FROM api_keys WHERE id=$T" \
    'n|n|n|n|n|n|[]' "stored as NULLs (the bucket too) and []"
expect_sql "SELECT details FROM api_key_events WHERE key_id=$T AND action='updated' ORDER BY id DESC LIMIT 1" \
    '{"changes":["permissions","enabled","rate_limit","remaining_uses","allowed_ips"]}' "the event of the nulls"
patch "$T" '{"allowed_ips":["10.0.0.0/8"]}'
patch "$T" '{"allowed_ips":[]}'
expect_json '.data.allowed_ips' null "PATCH allowed_ips [] is stored as null"
expect_sql "SELECT IFNULL(allowed_ips, 'null') FROM api_keys WHERE id=$T" null "no restriction in the table"
patch "$T" '{"rate_limit":{"limit":5,"window_seconds":60}}'
"$TEST_SQL" "UPDATE api_keys SET bucket_tokens = 0, bucket_at = NOW(6) WHERE id=$T"
patch "$T" '{"rate_limit":{"limit":6,"window_seconds":60}}'
expect_sql "SELECT IFNULL(bucket_tokens, 'full') FROM api_keys WHERE id=$T" full "a changed rate limit starts with a full bucket"

# --- PATCH: every 422, in field order ----------------------------------------------------
n_refused=$(events "$T"); u_refused=$("$TEST_SQL" "SELECT updated_at FROM api_keys WHERE id=$T")
for c in \
    '{"name":null}|{"name":["The name field is required."]}' \
    '{"name":"  "}|{"name":["The name field is required."]}' \
    '{"name":5}|{"name":["The name field must be a string."]}' \
    '{"expires_at":null}|{"expires_at":["The expires at field must be a valid date."]}' \
    '{"expires_at":"2020-01-01T00:00:00Z"}|{"expires_at":["The expires at field must be a date after now."]}' \
    '{"permissions":"a"}|{"permissions":["The permissions field must be an array."]}' \
    '{"enabled":null}|{"enabled":["The enabled field must be true or false."]}' \
    '{"enabled":1}|{"enabled":["The enabled field must be true or false."]}' \
    '{"enabled":"true"}|{"enabled":["The enabled field must be true or false."]}' \
    '{"rate_limit":"5/s"}|{"rate_limit":["The rate limit field must be an object."]}' \
    '{"rate_limit":{"limit":1}}|{"rate_limit.window_seconds":["The rate_limit.window_seconds field must be an integer between 1 and 86400."]}' \
    '{"remaining_uses":1.5}|{"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."]}' \
    '{"allowed_ips":{"0":"10.0.0.1"}}|{"allowed_ips":["The allowed ips field must be an array."]}' \
    '{"allowed_ips":["10.0.0.1/"]}|{"allowed_ips.0":["The allowed_ips.0 field must be a valid IP address or range."]}'; do
	patch "$T" "${c%%|*}"
	expect 422 "$INVALID${c#*|}}" "PATCH ${c%%|*}: 422"
done
patch "$T" '{"allowed_ips":["x"],"remaining_uses":-5,"rate_limit":{"limit":"1","window_seconds":0},"enabled":0,"permissions":["a","a"],"expires_at":null,"name":""}'
expect 422 "$INVALID"'{"name":["The name field is required."],"expires_at":["The expires at field must be a valid date."],"permissions.1":["The permissions.1 field has a duplicate value."],"enabled":["The enabled field must be true or false."],"rate_limit.limit":["The rate_limit.limit field must be an integer between 1 and 1000000."],"rate_limit.window_seconds":["The rate_limit.window_seconds field must be an integer between 1 and 86400."],"remaining_uses":["The remaining uses field must be an integer between 0 and 1000000000000."],"allowed_ips.0":["The allowed_ips.0 field must be a valid IP address or range."]}}' \
    "PATCH with every member wrong: every error, in field order"
for b in '' '[]' '"x"' 'null' '{"name":"a","name":"b"}' 'nope'; do
	patch "$T" "$b"
	expect 400 "$NOTOBJ" "PATCH with body '$b': 400"
done
check "refused PATCHes record no event" test "$(events "$T")" = "$n_refused"
expect_sql "SELECT updated_at FROM api_keys WHERE id=$T" "$u_refused" "and change nothing"

# --- order of checks: 401, 403, 404, 400, 422, 409 ------------------------------------------
req PATCH "/api/api-keys/$T" -d '{"name":"x"}'
expect 401 "$UNAUTH" "PATCH without a token: 401"
RO=$("$TEST_ADMIN" token-issue "$USER_ID")
remember_secret "${RO#*|}"
"$TEST_SQL" "UPDATE personal_access_tokens SET abilities='[\"api-keys:read\"]' WHERE id=${RO%%|*}"
patch "$T" 'nope' "$RO"
expect 403 '{"success":false,"message":"Invalid ability provided."}' "a read-only token: 403 before the body"
patch 999999999 'nope'
expect 404 "$NOTFOUND_KEY" "a missing key: 404 before the body's 400"
patch abc '{"name":5}'
expect 404 "$NOTFOUND_KEY" "an id that is not a number: 404"
OWN_TOKEN=$TOKEN
new_user stranger
patch "$T" '{"name":"mine"}'
expect 404 "$NOTFOUND_KEY" "another user's key: 404"
TOKEN=$OWN_TOKEN
expect_sql "SELECT name FROM api_keys WHERE id=$T" renamed "another user's PATCH changed nothing"
req DELETE "/api/api-keys/$T" -H "$(auth "$TOKEN")"
n0=$(events "$T"); u0=$("$TEST_SQL" "SELECT updated_at FROM api_keys WHERE id=$T")
patch "$T" '{"name":5}'
expect 422 "$INVALID"'{"name":["The name field must be a string."]}}' "a revoked key, invalid body: the 422 comes first"
patch "$T" '{"name":"again"}'
expect 409 "$REVOKED_409" "a revoked key: 409"
patch "$T" '{}'
expect 409 "$REVOKED_409" "a revoked key, {}: 409"
expect_sql "SELECT CONCAT(name, ' ', updated_at) FROM api_keys WHERE id=$T" "renamed $u0" "the revoked key did not change"
check "and no event was recorded" test "$(events "$T")" = "$n0"
# --- a rotated key (rotated_to set): 409 after the 422s, nothing changes --------------------
ROTATED_409='{"success":false,"message":"API key was rotated."}'
create '{"name":"to rotate"}'
R=$I
"$TEST_SQL" "UPDATE api_keys SET enabled = 0 WHERE id=$R"
req POST "/api/api-keys/$R/rotate" -H "$(auth "$TOKEN")" --data-binary '{"grace_seconds":3600}'
expect_status 201 "set-up: the key rotated with an overlap (still live, rotated_to set)"
n0=$(events "$R"); r0=$("$TEST_SQL" "SELECT CONCAT_WS(' ', name, enabled, expires_at, updated_at) FROM api_keys WHERE id=$R")
patch "$R" '{"name":5}'
expect 422 "$INVALID"'{"name":["The name field must be a string."]}}' "a rotated key, invalid body: the 422 comes first"
patch "$R" '{"enabled":true}'
expect 409 "$ROTATED_409" "a rotated key: 409, it cannot be switched back on"
patch "$R" '{"name":"again","expires_at":"2030-01-01T00:00:00Z"}'
expect 409 "$ROTATED_409" "a rotated key, other members: 409"
patch "$R" '{}'
expect 409 "$ROTATED_409" "a rotated key, {}: 409"
expect_sql "SELECT CONCAT_WS(' ', name, enabled, expires_at, updated_at) FROM api_keys WHERE id=$R" "$r0" "the rotated key did not change"
check "and no event was recorded" test "$(events "$R")" = "$n0"
create '{"name":"rotated and revoked"}'
RR=$I
req POST "/api/api-keys/$RR/rotate" -H "$(auth "$TOKEN")"
expect_status 201 "set-up: a key rotated without a grace (revoked and rotated)"
patch "$RR" '{"name":"x"}'
expect 409 "$REVOKED_409" "a key revoked and rotated: the revoked 409"
finish
