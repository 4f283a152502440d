# 89-oracle-422.sh: the answers of section 9 where the Laravel oracle (tests/laravel-oracle.test) found the service wrong: a NUL or a long value in the usage query, NULs, blanks, empty objects, bad path characters and too-complex bodies in webhook and sign-in bodies.
. "$(dirname "$0")/lib.sh"

INVALID='{"success":false,"message":"The given data was invalid.","errors":'
NOT_OBJECT='{"success":false,"message":"The request body must be a JSON object."}'
TOO_COMPLEX='{"success":false,"message":"The request body is too complex."}'
NO_MATCH="$INVALID"'{"email":["These credentials do not match our records."]}}'
BAD_FROM="$INVALID"'{"from":["The from field must be a valid date."]}}'
BAD_GRAN="$INVALID"'{"granularity":["The selected granularity is invalid."]}}'
# 65 members: over 8.9's 64.
WIDE=$(jq -cn '[range(65)] | map({key: "m\(.)", value: .}) | from_entries')

new_user oracle422
hook() { req POST /api/webhooks -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$1"; }
login() { req POST /api/login -H 'Content-Type: application/json' --data-binary "$1"; }

# 1. The usage query (9.1): a value is percent-decoded whole.  Some front
# ends refuse an encoded NUL in any URL themselves (lighttpd: 400), and the
# responder's error route answers that refusal as JSON (40-show.sh does the
# same); either way, never "from%00" read as from or "hour%00" as hour.
TO=to=2026-01-02T00:00:00Z
nul_query() {	# QUERY STATUS BODY DESCRIPTION
	req GET "/api/usage?$1" -H "$(auth "$TOKEN")"
	if [ "$STATUS" = 400 ] && [ "$(header Content-Type)" = application/json ] &&
	    [ "$(json .message)" = "Bad Request." ]; then
		ok "$4 (the front end refused the %00 itself)"
	elif [ "$2" = 200 ]; then
		expect_status 200 "$4"
	else
		expect "$2" "$3" "$4"
	fi
}
nul_query "from%00=x&$TO" 200 "" "usage: a name with %00 is not from (an unknown parameter, ignored)"
nul_query "from=2026-01-01T00:00:00Z%00&$TO" 422 "$BAD_FROM" \
    "usage: a value with %00 after a valid time is not a valid date"
nul_query "granularity=hour%00&$TO" 422 "$BAD_GRAN" "usage: granularity hour%00 is not hour"
req GET "/api/usage?from=2026-01-01T10:00:00.$(printf '1%.0s' $(seq 150))Z&$TO" -H "$(auth "$TOKEN")"
expect_status 200 "usage: an RFC 3339 time with 150 fraction digits is a valid date (as expires_at)"

# 2. Webhook bodies (9.2).
hook '{"url":"https://example.com/","events":["key.created\u0000"]}'
expect 422 "$INVALID"'{"events.0":["The selected events.0 is invalid."]}}' "webhook: a NUL in an event is the rule's 422, not a 400"
hook '{"url":"https://example.com/\u0000","events":["*"]}'
expect 422 "$INVALID"'{"url":["The url field must be a valid URL."]}}' "webhook: a NUL in the url is not a valid URL"
hook "{\"url\":\"https://example.com/\",\"events\":[\"*\"],\"x\":$WIDE}"
expect 400 "$TOO_COMPLEX" "webhook: an object of 65 members is too complex (8.9)"
hook '{"url":" \t","events":""}'
expect 422 "$INVALID"'{"url":["The url field is required."],"events":["The events field is required."]}}' \
    "webhook: blank strings are absent for required (Laravel's required)"
hook '{"url":{},"events":{}}'
expect 422 "$INVALID"'{"url":["The url field is required."],"events":["The events field is required."]}}' \
    "webhook: empty objects are absent for required"
hook '{"url":"https://example.com/","events":{"0":"key.created"}}'
expect 422 "$INVALID"'{"events":["The events field must be an array."]}}' "webhook: an object of events is not an array"
for u in 'https://example.com/a|b' 'https://example.com/a\\b' 'https://example.com/%zz' \
    'https://example.com/a%' 'https://example.com/[x]' 'https://example.com/{x}' 'https://example.com/a^b'; do
	hook "{\"url\":\"$u\",\"events\":[\"*\"]}"
	expect 422 "$INVALID"'{"url":["The url field must be a valid URL."]}}' "webhook: $u is not a valid URL (RFC 3986's path characters)"
done
hook '{"url":"https://example.com/a-b._~!$&'"'"'()*+,;=:@/%41?q=[1]/?","events":["*"]}'
expect_status 201 "webhook: every path and query character RFC 3986 allows is accepted"

# 3. Sign-in bodies (9.4).
login '{"email":" ","password":"\t\n"}'
expect 422 "$INVALID"'{"email":["The email field is required."],"password":["The password field is required."]}}' \
    "login: blank members are required"
login '{"email":"\u0000","password":"x"}'
expect 422 "$INVALID"'{"email":["The email field is required."]}}' "login: a NUL alone is blank (PHP's trim)"
login "{\"email\":\"a@example.com\",\"password\":\"x\",\"x\":$WIDE}"
expect 400 "$TOO_COMPLEX" "login: an object of 65 members is too complex (8.9)"
login '[1]'
expect 400 "$NOT_OBJECT" "login: an array is not an object"
# A user with a password: a NUL never lets a prefix of it (or of the
# e-mail) sign in.
PASSWORD=right
HASH=$(PW="$PASSWORD" php -r 'echo password_hash(getenv("PW"), PASSWORD_BCRYPT, ["cost" => 4]);' 2>/dev/null ||
    PW="$PASSWORD" python3 -c 'import crypt,os; print(crypt.crypt(os.environ["PW"], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).replace("$2b$", "$2y$", 1))')
"$TEST_SQL" "UPDATE users SET password = '$HASH' WHERE id = $USER_ID"
EMAIL=$("$TEST_SQL" "SELECT email FROM users WHERE id = $USER_ID")
login "$(jq -cn --arg e "$EMAIL" '{email: $e, password: "right\u0000wrong"}')"
expect 422 "$NO_MATCH" "login: the password with a NUL after the right one does not sign in"
login "$(jq -cn --arg e "$EMAIL" '{email: ($e + "\u0000x"), password: "right"}')"
expect 422 "$NO_MATCH" "login: the e-mail with a NUL after it does not sign in"
login "$(jq -cn --arg e "$EMAIL" '{email: $e, password: "right"}')"
expect_status 200 "login: the right password signs in (the user is set up right)"
remember_secret "$(json '.data.token // empty' | cut -d'|' -f2)"

finish
