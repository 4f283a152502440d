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

# The body reader's limits (8.9): an object of more than 64 members, or
# more than 32 levels, is "too complex" (400) on every route that reads a
# body, in the place of the not-an-object 400; 64 and 32 are read.
COMPLEX='{"success":false,"message":"The request body is too complex."}'
members() {	# N: {"name":"wide","x":{N members}}
	local i s=
	for ((i = 0; i < $1; i++)); do s+="${s:+,}\"m$i\":$i"; done
	printf '{"name":"wide","x":{%s}}' "$s"
}
levels() {	# N: {"name":"deep","x":...} with N levels of arrays and objects, the root included
	local i open= close=
	for ((i = 2; i <= $1; i++)); do
		if ((i % 2)); then open+='{"d":'; close="}$close"; else open+='['; close="]$close"; fi
	done
	printf '{"name":"deep","x":%s1%s}' "$open" "$close"
}
post_json() { req POST "$1" -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$2"; }
generate "$TOKEN"	# one key again, to PATCH and rotate
post_json /api/api-keys "$(members 64)"
expect_status 201 "create: an object of 64 members is read"
post_json /api/api-keys "$(members 65)"
expect 400 "$COMPLEX" "create: an object of 65 members is too complex"
post_json /api/api-keys "$(levels 32)"
expect_status 201 "create: 32 levels are read"
post_json /api/api-keys "$(levels 33)"
expect 400 "$COMPLEX" "create: 33 levels are too complex"
post_json /api/api-keys '{"name":"deep","x":'"$(levels 33)"
expect 400 "$COMPLEX" "create: 33 levels met before the end of a broken body: too complex"
post_json /api/api-keys "[$(members 65)]"
expect 400 "$COMPLEX" "create: an array holding 65 members: too complex, not the not-an-object 400"
req PATCH "/api/api-keys/$KEY_ID" -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$(members 65)"
expect 400 "$COMPLEX" "PATCH: too complex"
post_json "/api/api-keys/$KEY_ID/rotate" "$(levels 33)"
expect 400 "$COMPLEX" "rotate: too complex"
req POST /api/api-keys/verify -H 'Content-Type: application/json' --data-binary "$(members 65)"
expect 400 "$COMPLEX" "verify: too complex (not the 401)"
req POST /api/api-keys/verify -H 'Content-Type: application/json' --data-binary "$(levels 32)"
expect 401 '{"success":false,"message":"Invalid API key."}' "verify: 32 levels are read (then the 401 of a body without a credential)"
# The flood: a 64 KiB verify body of 6,553 member names (names that
# collided under the old unseeded hash cost 62-81 ms of CPU each): now
# refused at the 65th member.
flood=$(python3 -c 'import sys; sys.stdout.write("{" + ",".join("\"%04x\":0" % i for i in range(6553)) + "}")')
req POST /api/api-keys/verify -H 'Content-Type: application/json' --data-binary "$flood"
expect 400 "$COMPLEX" "verify: 6,553 members in 64 KiB: too complex"
kept_now=$("$TEST_SQL" "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID")
check "only the 64-member and 32-level creates made keys (3 keys)" test "$kept_now" = 3
finish
