# 70-create.sh: POST /api-keys: 201, every validation rule alone and together, 400 and the 409 limit.
. "$(dirname "$0")/lib.sh"

new_user create
create() { req POST /api/api-keys -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$1"; remember_secret "$(printf '%s' "$BODY" | jq -r '.data.secret // empty' 2>/dev/null)"; }
INVALID='{"success":false,"message":"The given data was invalid.","errors":'
NOTOBJ='{"success":false,"message":"The request body must be a JSON object."}'

create '{"name":"  Checkout  ","permissions":["payments:write","refunds.read"],"expires_at":"2030-01-02T03:04:05+02:00","other":1}'
expect_status 201 "create answers 201"
expect_match "^\{\"success\":true,\"message\":\"API key created successfully\",\"data\":\{\"id\":[0-9]+,\"name\":\"Checkout\",\"key\":\"$KEY_RE\",\"secret\":\"$SEC_RE\",\"permissions\":\[\"payments:write\",\"refunds.read\"\],\"expires_at\":\"2030-01-02T01:04:05.000000Z\",\"created_at\":\"$TIME_RE\"\}\}$" \
    "the envelope: trimmed name, permissions in order, expiry in UTC"
expect_header Cache-Control no-store "no-store"
ID=$(printf '%s' "$BODY" | jq -r .data.id)
expect_sql "SELECT CONCAT(name,'|',permissions) FROM api_keys WHERE id=$ID" 'Checkout|["payments:write","refunds.read"]' "stored trimmed, permissions kept"
create '{"name":"defaults","expires_at":null,"permissions":null}'
expect_status 201 "null expiry and permissions take the defaults"
ID=$(printf '%s' "$BODY" | jq -r .data.id)
expect_json '.data.permissions | length' 0 "default permissions []"
expect_sql "SELECT expires_at = created_at + INTERVAL 1 YEAR FROM api_keys WHERE id=$ID" 1 "default expiry one year on"
expect_sql "SET time_zone = '+00:00'; SELECT CONCAT(DATE_FORMAT(expires_at, $SQL_TIME), ' ', DATE_FORMAT(created_at, $SQL_TIME)) FROM api_keys WHERE id=$ID" \
    "$(json '.data.expires_at + " " + .data.created_at')" "the answer's times are the stored ones, to the microsecond"

# A fraction of a second is kept: the issue's example (inside the five-year
# window while today is between 2023-06-16 and 2028-06-16).
create '{"name":"fraction","expires_at":"2028-06-15T22:34:56.5-08:00"}'
expect_status 201 "an expiry with a fraction of a second"
expect_json .data.expires_at 2028-06-16T06:34:56.500000Z "create answers the half second, in UTC"
ID=$(printf '%s' "$BODY" | jq -r .data.id)
expect_sql "SET time_zone = '+00:00'; SELECT DATE_FORMAT(expires_at, $SQL_TIME) FROM api_keys WHERE id=$ID" \
    2028-06-16T06:34:56.500000Z "the half second is stored"
req GET "/api/api-keys/$ID" -H "$(auth "$TOKEN")"
expect_json .data.expires_at 2028-06-16T06:34:56.500000Z "show gives the same half second"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_json ".data[] | select(.id == $ID) | .expires_at" 2028-06-16T06:34:56.500000Z "list gives the same half second"
create '{"name":"fraction7","expires_at":"2028-06-15T22:34:56.1234567Z"}'
expect_json .data.expires_at 2028-06-15T22:34:56.123456Z "a seventh fractional digit is truncated"
name50=$(printf 'é%.0s' $(seq 1 50))
create "{\"name\":\"$name50\"}"
expect_status 201 "a name of 50 two-byte characters"
expect_json .data.name "$name50" "the multibyte name comes back"
expect_match '\\u00e9' "non-ASCII escaped as Laravel does"

err() { expect 422 "$INVALID$1}" "$2"; }
create '{}';                         err '{"name":["The name field is required."]}' "name missing"
create '{"name":null}';              err '{"name":["The name field is required."]}' "name null"
create '{"name":"   "}';             err '{"name":["The name field is required."]}' "name blank"
create '{"name":5}';                 err '{"name":["The name field must be a string."]}' "name a number"
create "{\"name\":\"${name50}x\"}";  err '{"name":["The name field must not be greater than 50 characters."]}' "51 characters"
create '{"name":"a\u0001b"}';        err '{"name":["The name field format is invalid."]}' "a control character"
create '{"name":"n","expires_at":"tomorrow"}'; err '{"expires_at":["The expires at field must be a valid date."]}' "expiry not a date"
create '{"name":"n","expires_at":"2030-01-01T00:00:00"}'; err '{"expires_at":["The expires at field must be a valid date."]}' "expiry without an offset"
create '{"name":"n","expires_at":"2031-02-29T00:00:00Z"}'; err '{"expires_at":["The expires at field must be a valid date."]}' "not a leap day"
create '{"name":"n","expires_at":"2020-01-01T00:00:00Z"}'; err '{"expires_at":["The expires at field must be a date after now."]}' "expiry in the past"
create '{"name":"n","expires_at":"2099-01-01T00:00:00Z"}'; err '{"expires_at":["The expires at field must be a date before or equal to 5 years from now."]}' "expiry past 5 years"
create '{"name":"n","permissions":"all"}'; err '{"permissions":["The permissions field must be an array."]}' "permissions not an array"
many=$(seq 1 33 | sed 's/.*/"p&"/' | paste -sd,)
create "{\"name\":\"n\",\"permissions\":[$many]}"; err '{"permissions":["The permissions field must not have more than 32 items."]}' "33 permissions"
create '{"name":"n","permissions":["ok","Bad",3,"ok"]}'
err '{"permissions.1":["The permissions.1 field format is invalid."],"permissions.2":["The permissions.2 field format is invalid."],"permissions.3":["The permissions.3 field has a duplicate value."]}' "bad and repeated items"
create '{"name":[],"expires_at":5,"permissions":{"a":1}}'
err '{"name":["The name field must be a string."],"expires_at":["The expires at field must be a valid date."],"permissions":["The permissions field must be an array."]}' "every field wrong at once"

for b in '' '[]' '"name"' '{"name":' '{"name":"a","name":"b"}' 'null' '{"name":"\ud800"}'; do
	create "$b"
	expect 400 "$NOTOBJ" "body '$b' is not an object"
done
req POST /api/api-keys -H "$(auth "$TOKEN")"
expect 400 "$NOTOBJ" "no body at all"
deep=$(printf '[%.0s' $(seq 1 5000))
create "{\"name\":$deep"
expect 400 '{"success":false,"message":"The request body is too complex."}' "deep nesting: too complex (8.9), met before the missing ends"

# The limit: keys neither revoked nor expired count.
new_user limit
n=0
for i in $(seq 1 20); do create "{\"name\":\"k$i\"}"; [ "$STATUS" = 201 ] && n=$((n + 1)); done
check "20 keys can be created" test "$n" = 20
create '{"name":"one too many"}'
expect 409 '{"success":false,"message":"API key limit reached."}' "the 21st is refused"
create '{"name":5}'
expect_status 422 "validation comes before the limit"
LAST=$("$TEST_SQL" "SELECT MAX(id) FROM api_keys WHERE user_id=$USER_ID")
req DELETE "/api/api-keys/$LAST" -H "$(auth "$TOKEN")"
create '{"name":"after a revoke"}'
expect_status 201 "a revoked key frees a place"
"$TEST_SQL" "UPDATE api_keys SET expires_at = NOW() - INTERVAL 1 SECOND WHERE user_id=$USER_ID AND name='k1'"
create '{"name":"after an expiry"}'
expect_status 201 "an expired key frees a place"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 22 "nothing else was written"
finish
