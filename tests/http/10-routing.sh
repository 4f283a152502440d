# 10-routing.sh: 404 for unknown paths and 405 with Allow, both answered before authentication.
. "$(dirname "$0")/lib.sh"

for path in /api/nope /api /api/ /api/api-keys/1/extra /api//api-keys/generate \
    /api/API-KEYS/generate /api/api-keys/generate/; do
	req GET "$path"
	expect 404 "$NOTFOUND" "GET $path is the JSON 404"
done
expect_header Content-Type application/json "404 is JSON"

for m in GET PUT PATCH DELETE; do
	req "$m" /api/api-keys/generate
	expect 405 "$NOTALLOWED" "$m generate is 405 without a token"
	expect_header Allow POST "Allow on generate"
done
for m in POST PUT PATCH; do
	req "$m" /api/api-keys/1
	expect 405 "$NOTALLOWED" "$m on a key is 405 without a token"
	expect_header Allow "GET, DELETE" "Allow on a key"
done
for m in PUT PATCH DELETE; do
	req "$m" /api/api-keys
	expect 405 "$NOTALLOWED" "$m on the key list is 405"
	expect_header Allow "GET, POST" "Allow on the key list"
done
for m in GET PUT DELETE; do
	req "$m" /api/api-keys/verify
	expect 405 "$NOTALLOWED" "$m verify is 405, never a show or revoke"
	expect_header Allow POST "Allow on verify"
done
req GET '/api/api-keys/1?x=1&y=%41'
expect 401 "$UNAUTH" "the query string does not change the route"
req POST '/api/api-keys/generate?x=1'
expect 401 "$UNAUTH" "generate with a query string is routed"
req GET "/api/$(head -c 6000 /dev/zero | tr '\0' a)"
# The web server may refuse to map it (403) before the responder sees it.
check "a very long path: a JSON 403 or 404 ($STATUS)$(host_edge)" bash -c \
    "[ '$STATUS' = 404 -o '$STATUS' = 403 ] && printf '%s' '$BODY' | jq -e '.success == false' >/dev/null"
req GET /api/api-keys/generate%00
# Some front ends refuse an encoded NUL themselves (400), others pass it on.
check "an encoded NUL in the path: a JSON 400 or 404 ($STATUS)$(host_edge)" bash -c \
    "[ '$STATUS' = 404 -o '$STATUS' = 400 ] && printf '%s' '$BODY' | jq -e '.success == false' >/dev/null"
req GET /api/api-keys/%2e%2e/generate
expect 404 "$NOTFOUND" "percent-encoded dots are not decoded into a route"
finish
