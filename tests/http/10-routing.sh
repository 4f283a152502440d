# 10-routing.sh: 404 for unknown paths and 405 with Allow, both answered before authentication; the query string is not routed.
. "$(dirname "$0")/lib.sh"

new_user routing
GOOD=$(auth "$TOKEN")
BAD=$(auth "999999|nope")

# Unknown paths: the JSON 404, with or without a (good or bad) token.
for path in /api/nope /api /api/ /api/api-keys/1/extra /api//api-keys/generate \
    /api/API-KEYS/generate /api/api-keys/generate/x /api/api-keysgenerate /apiapi-keys/generate; do
	req GET "$path"
	expect 404 "$NOTFOUND" "GET $path is the JSON 404"
done
for m in POST PUT DELETE; do
	req "$m" /api/nope
	expect 404 "$NOTFOUND" "$m on an unknown path is the JSON 404"
done
req GET /api/nope -H "$BAD"
expect 404 "$NOTFOUND" "an unknown path with a bad token: 404 before authentication"
expect_no_header WWW-Authenticate "no challenge on a 404"
req GET /api/nope -H "$GOOD"
expect 404 "$NOTFOUND" "an unknown path with a good token: the route's 404, not the key's"
req POST /api/api-keys/generate/extra -H "$GOOD"
expect 404 "$NOTFOUND" "a path below generate is unknown"

# Known paths, other methods: 405 with Allow, before authentication.
for m in GET PUT PATCH DELETE; do
	req "$m" /api/api-keys/generate
	expect 405 "$NOTALLOWED" "$m generate is 405 without a token"
	expect_header Allow POST "$m generate: Allow: POST"
	expect_no_header WWW-Authenticate "$m generate: no challenge on a 405"
done
req GET /api/api-keys/generate -H "$BAD"
expect 405 "$NOTALLOWED" "GET generate with a bad token: 405, not 401"
req GET /api/api-keys/generate -H "$GOOD"
expect 405 "$NOTALLOWED" "GET generate with a good token: 405, never a show of id 'generate'"
expect_header Allow POST "Allow: POST with a good token"
# A key allows GET, PATCH (its settings) and DELETE (revoke).
for m in POST PUT; do
	req "$m" "/api/api-keys/1"
	expect 405 "$NOTALLOWED" "$m on a key is 405 without a token"
	expect_header Allow "GET, PATCH, DELETE" "$m on a key: Allow: GET, PATCH, DELETE"
done
req PATCH /api/api-keys/1
expect 401 "$UNAUTH" "PATCH on a key is a route: without a token, 401"
req POST /api/api-keys/1 -H "$BAD"
expect 405 "$NOTALLOWED" "POST on a key with a bad token: 405, not 401"
req PUT /api/api-keys/abc -H "$GOOD"
expect 405 "$NOTALLOWED" "PUT on a key whose id is not a number: still the route's 405"

# The query string is not part of the route.
req POST '/api/api-keys/generate?x=1&y=%41' -H "$GOOD"
expect_status 200 "generate with a query string works"
ID=$(json .data.id)
req GET "/api/api-keys/$ID?x=1" -H "$GOOD"
expect_status 200 "show with a query string works"
expect_json .data.id "$ID" "show with a query string shows the key of the path"
req GET "/api/api-keys/999999999?id=$ID" -H "$GOOD"
expect 404 "$NOTFOUND_KEY" "an id in the query string is not used"
req GET '/api/nope?/api/api-keys/generate'
expect 404 "$NOTFOUND" "a route in the query string is not used"
req GET '/api/api-keys/generate?'
expect 405 "$NOTALLOWED" "an empty query string"
req POST '/api/api-keys/generate?x=1'
expect 401 "$UNAUTH" "with a query string, authentication still applies"

# Odd paths.
req GET "/api/$(head -c 6000 /dev/zero | tr '\0' a)"
# The web server may refuse to map it (403) before the responder sees it.
check "a very long path: a JSON 403 or 404 ($STATUS)$(host_edge)" bash -c \
    '[ "$1" = 404 -o "$1" = 403 ] && jq -e ".success == false" "$2" >/dev/null' _ "$STATUS" "$TMP/b"
req GET /api/api-keys/generate%00
# Some front ends refuse an encoded NUL themselves (400), others pass it on.
check "an encoded NUL in the path: a JSON 400 or 404 ($STATUS)$(host_edge)" bash -c \
    '[ "$1" = 404 -o "$1" = 400 ] && jq -e ".success == false" "$2" >/dev/null' _ "$STATUS" "$TMP/b"
# Paths a front end may refuse itself: still a JSON error, never an HTML page.
for path in /api/api-keys%2Fgenerate /api/api-keys/1%2F2 /api/api-keys/% /api/api-keys/%zz \
    '/api/<script>' /api/api-keys/%C0%AE; do
	req GET "$path" -H "$GOOD"
	check "$path: a JSON 400 or 404 error ($STATUS)$(host_edge)" bash -c \
	    '[ "$1" = 404 -o "$1" = 400 ] && [ "$3" = application/json ] && jq -e ".success == false" "$2" >/dev/null' \
	    _ "$STATUS" "$TMP/b" "$(header Content-Type)"
done
req GET /api/api-keys/%2e%2e/generate
expect 404 "$NOTFOUND" "percent-encoded dots are not decoded into a route"
# /api/api-keys/%67enerate is the key route with an id that is no number.
req GET /api/api-keys/%67enerate -H "$GOOD"
expect 404 "$NOTFOUND_KEY" "a percent-encoded letter is not decoded into 'generate' (GET: the key's 404)"
req POST /api/api-keys/%67enerate -H "$GOOD"
expect 405 "$NOTALLOWED" "a percent-encoded letter is not decoded into 'generate' (POST: the key route's 405)"
finish
