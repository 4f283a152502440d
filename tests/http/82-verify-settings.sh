# 82-verify-settings.sh: verify with a key's settings: the 422s before the key, allowed addresses, permissions, the token bucket and credits, every 403/429 byte for byte, and concurrent verifies that never spend more than there is.
. "$(dirname "$0")/lib.sh"

INVALID='{"success":false,"message":"The given data was invalid.","errors":'
ADDRESS='{"success":false,"message":"API key is not allowed from this address."}'
RATE='{"success":false,"message":"Rate limit exceeded."}'
USAGE='{"success":false,"message":"Usage limit exceeded."}'
VALID_RE="^\{\"success\":true,\"message\":\"API key is valid\",\"data\":\{\"id\":[0-9]+,\"user_id\":[0-9]+,\"permissions\":\[[^]]*\],\"expires_at\":\"$TIME_RE\""

new_user vset
# mk BODY: create a key; sets K, S, I.
mk() {
	req POST /api/api-keys -H "$(auth "$TOKEN")" -d "$1"
	K=$(json '.data.key // empty'); S=$(json '.data.secret // empty'); I=$(json '.data.id // empty')
	remember_secret "$S"
	[ -n "$I" ] || not_ok "set-up: create $1" "$(last_response)"
}
# verify [MEMBERS]: verify K and S with more members (JSON text after a comma).
verify() {
	req POST /api/api-keys/verify -H 'Content-Type: application/json' \
	    --data-binary "{\"key\":\"$K\",\"secret\":\"$S\"${1:+,$1}}"
}
stmts() { "$TEST_SQL" "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2; }

# --- malformed optional members: 422, before the key is looked at ---------
mk '{"name":"plain","permissions":["payments:write","refunds:write"]}'
s0=$(stmts)
verify '"permissions":"payments:write","client_ip":"nope","cost":5.0'
s1=$(stmts)
expect 422 "$INVALID"'{"permissions":["The permissions field must be an array."],"client_ip":["The client ip field must be a valid IP address."],"cost":["The cost field must be an integer between 0 and 1000."]}}' \
    "three malformed members: 422 listing permissions, client_ip, cost in that order"
check "the 422 costs no SQL statement ($((s1 - s0)))" test $((s1 - s0)) -eq 0
for c in '"cost":"5"|cost' '"cost":1001|cost' '"cost":-1|cost' '"cost":true|cost' \
    '"permissions":[1]|permissions' '"permissions":{"a":"b"}|permissions' \
    '"permissions":["a",null]|permissions' \
    '"client_ip":"10.0.0.0/8"|client_ip' '"client_ip":"1.2.3.4 "|client_ip' \
    '"client_ip":"::g"|client_ip' '"client_ip":167772161|client_ip'; do
	verify "${c%|*}"
	case ${c#*|} in
	cost) msg='{"cost":["The cost field must be an integer between 0 and 1000."]}}' ;;
	permissions) msg='{"permissions":["The permissions field must be an array."]}}' ;;
	client_ip) msg='{"client_ip":["The client ip field must be a valid IP address."]}}' ;;
	esac
	expect 422 "$INVALID$msg" "${c%|*}: 422"
done
req POST /api/api-keys/verify --data-binary '{"key":"MTP_KEY_unknown","secret":"x","cost":"5"}'
expect 422 "$INVALID"'{"cost":["The cost field must be an integer between 0 and 1000."]}}' \
    "an unknown key with a malformed cost: still the 422 (it comes first)"
req POST /api/api-keys/verify --data-binary '{"secret":"x","cost":2}'
expect 401 "$INVALID_KEY" "no key, well-formed cost: the one 401"
verify '"permissions":null,"client_ip":null,"cost":null'
expect_status 200 "null is absent for permissions, client_ip and cost"
verify '"cost":0,"cost_center":"x"'
expect_status 200 "cost 0 and an unknown member: 200"
check "a key without settings gains no member" bash -c '[[ $1 =~ \"expires_at\":\"[^\"]*\"\}\}$ ]]' _ "$BODY"

# --- permissions -----------------------------------------------------------
verify '"permissions":["payments:write"]'
expect_status 200 "a permission the key has: 200"
verify '"permissions":[]'
expect_status 200 "no permission asked: 200"
verify '"permissions":["refunds:read","payments:write","admin","refunds:write"]'
expect 403 '{"success":false,"message":"API key lacks the required permissions.","missing":["refunds:read","admin"]}' \
    "permissions the key lacks: 403 with the missing ones in the order asked"

# --- allowed addresses -------------------------------------------------------
mk '{"name":"ips","permissions":["a"],"allowed_ips":["203.0.113.77/24","2001:db8::/32","::ffff:198.51.100.9","192.0.2.1/32"]}'
verify
expect 403 "$ADDRESS" "an allowlist and no client_ip: 403"
verify '"permissions":["b"]'
expect 403 "$ADDRESS" "the address is checked before the permissions"
for c in 203.0.113.200:200 203.0.113.0:200 203.0.114.1:403 ::ffff:203.0.113.5:200 \
    2001:db8:ffff::5:200 2001:db9::1:403 198.51.100.9:200 198.51.100.10:403 \
    ::ffff:198.51.100.9:200 192.0.2.1:200 192.0.2.2:403 ::1:403 0.0.0.0:403; do
	verify "\"client_ip\":\"${c%:*}\""
	if [ "${c##*:}" = 200 ]; then
		expect_status 200 "client_ip ${c%:*} is allowed"
	else
		expect 403 "$ADDRESS" "client_ip ${c%:*} is not allowed: 403"
	fi
done
verify '"client_ip":"203.0.113.9","permissions":["b"]'
expect 403 '{"success":false,"message":"API key lacks the required permissions.","missing":["b"]}' \
    "an allowed address, then the permissions are checked"
mk '{"name":"v4 all","allowed_ips":["0.0.0.0/0"]}'
verify '"client_ip":"198.18.0.1"'
expect_status 200 "0.0.0.0/0 allows any IPv4 address"
verify '"client_ip":"2001:db8::1"'
expect 403 "$ADDRESS" "0.0.0.0/0 allows no IPv6 address"
mk '{"name":"all","allowed_ips":["::/0"]}'
verify '"client_ip":"2001:db8::1"'
expect_status 200 "::/0 allows IPv6"
verify '"client_ip":"10.1.2.3"'
expect_status 200 "::/0 allows IPv4 too (as mapped addresses)"

# --- a disabled key: the one 401 --------------------------------------------
mk '{"name":"off"}'
req PATCH "/api/api-keys/$I" -H "$(auth "$TOKEN")" -d '{"enabled":false}'
expect_status 200 "set-up: disable a key"
verify
expect 401 "$INVALID_KEY" "a disabled key: the identical 401"
req PATCH "/api/api-keys/$I" -H "$(auth "$TOKEN")" -d '{"enabled":true}'
verify
expect_status 200 "enabled again, it verifies"

# --- credits -----------------------------------------------------------------
mk '{"name":"credits","remaining_uses":3}'
verify
expect_match "$VALID_RE,\"remaining_uses\":2\}\}$" "200 gains remaining_uses after this call (2)"
verify '"cost":2'
expect_match "$VALID_RE,\"remaining_uses\":0\}\}$" "cost 2 spends 2 (0 left)"
verify
expect 429 "$USAGE" "no use left: 429 Usage limit exceeded."
expect_no_header Retry-After "the usage 429 has no Retry-After"
verify '"cost":0'
expect_match "$VALID_RE,\"remaining_uses\":0\}\}$" "cost 0 with nothing left: 200"
expect_sql "SELECT remaining_uses FROM api_keys WHERE id=$I" 0 "remaining_uses is 0 in the table"
expect_sql "SELECT last_used_at IS NOT NULL FROM api_keys WHERE id=$I" 1 "the spending recorded the last use"
mk '{"name":"expensive","remaining_uses":5}'
verify '"cost":6'
expect 429 "$USAGE" "a cost above what is left: 429"
expect_sql "SELECT remaining_uses FROM api_keys WHERE id=$I" 5 "and nothing is spent"

# --- only a 200 spends ---------------------------------------------------------
mk '{"name":"refused","permissions":["a"],"remaining_uses":1,"rate_limit":{"limit":5,"window_seconds":60},"allowed_ips":["10.0.0.0/8"]}'
verify '"client_ip":"11.0.0.1"'
expect 403 "$ADDRESS" "403 from an address outside"
verify '"client_ip":"10.0.0.1","permissions":["b"]'
expect_status 403 "403 for a permission"
req POST /api/api-keys/verify --data-binary "{\"key\":\"$K\",\"secret\":\"${S}x\",\"client_ip\":\"10.0.0.1\"}"
expect 401 "$INVALID_KEY" "a wrong secret: 401"
expect_sql "SELECT CONCAT(remaining_uses, ' ', IFNULL(bucket_tokens, 'full'), ' ', last_used_at IS NULL) FROM api_keys WHERE id=$I" \
    "1 full 1" "the 403s and the 401 spent nothing and recorded no use"
verify '"client_ip":"10.0.0.1","permissions":["a"]'
expect_match "$VALID_RE,\"remaining_uses\":0,\"rate_limit\":\{\"limit\":5,\"window_seconds\":60,\"remaining\":4\}\}\}$" \
    "both settings: remaining_uses, then rate_limit {limit, window_seconds, remaining}"
verify '"client_ip":"10.0.0.1"'
expect 429 "$USAGE" "credits gone, bucket not empty: Usage limit exceeded."
expect_sql "SELECT ROUND(bucket_tokens) FROM api_keys WHERE id=$I" 4 "the refused call took nothing from the bucket"

# --- the token bucket ------------------------------------------------------------
mk '{"name":"rate","rate_limit":{"limit":3,"window_seconds":3600}}'
for n in 2 1 0; do
	verify
	expect_match "$VALID_RE,\"rate_limit\":\{\"limit\":3,\"window_seconds\":3600,\"remaining\":$n\}\}\}$" \
	    "a fresh bucket of 3: 200 with $n left"
done
verify
expect 429 "$RATE" "the bucket empty: 429 Rate limit exceeded."
ra=$(header Retry-After)
# One use refills in 3600/3 = 1200 s; a few seconds may have passed.
check "Retry-After is the seconds until one use is back, rounded up ($ra)" \
    bash -c '[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1190 ] && [ "$1" -le 1200 ]' _ "$ra"
mk '{"name":"both","rate_limit":{"limit":1,"window_seconds":3600},"remaining_uses":5}'
verify
expect_match "$VALID_RE,\"remaining_uses\":4,\"rate_limit\":\{\"limit\":1,\"window_seconds\":3600,\"remaining\":0\}\}\}$" "limit 1 and 5 credits: 200"
verify
expect 429 "$RATE" "the rate limit is checked before the credits"
expect_sql "SELECT remaining_uses FROM api_keys WHERE id=$I" 4 "the rate 429 spent no credit"

# The refill, from the stored bucket: what is left at bucket_at plus
# limit/window per second since, at most limit.
mk '{"name":"refill","rate_limit":{"limit":2,"window_seconds":3600}}'
"$TEST_SQL" "UPDATE api_keys SET bucket_tokens = 0, bucket_at = NOW(6) - INTERVAL 1800 SECOND WHERE id=$I"
verify
expect_match "$VALID_RE,\"rate_limit\":\{\"limit\":2,\"window_seconds\":3600,\"remaining\":0\}\}\}$" \
    "half a window after emptying, one use is back (limit 2)"
"$TEST_SQL" "UPDATE api_keys SET bucket_tokens = 0, bucket_at = NOW(6) - INTERVAL 900 SECOND WHERE id=$I"
verify
expect 429 "$RATE" "a quarter window after emptying: half a use, 429"
ra=$(header Retry-After)
check "Retry-After: the other half use, 900 s ($ra)" \
    bash -c '[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 895 ] && [ "$1" -le 900 ]' _ "$ra"
# A bucket_at ahead of this server's clock (another node's) refills
# nothing until the clock gets there: a hair below one use stays below.
"$TEST_SQL" "UPDATE api_keys SET bucket_tokens = 0.9999, bucket_at = NOW(6) + INTERVAL 60 SECOND WHERE id=$I"
verify
expect 429 "$RATE" "a bucket a hair below one use: 429"
expect_header Retry-After 1 "Retry-After is rounded up to at least 1 (0.18 s to go)"
"$TEST_SQL" "UPDATE api_keys SET bucket_tokens = 1, bucket_at = NOW(6) - INTERVAL 30 DAY WHERE id=$I"
verify
expect_match "$VALID_RE,\"rate_limit\":\{\"limit\":2,\"window_seconds\":3600,\"remaining\":1\}\}\}$" \
    "a long idle bucket holds at most limit"

# Live refill, one use every 5 s (limit 2, window 10), with bounds that
# hold on a slow machine: the bucket empties after 2 uses; the next 200
# cannot come before the refill (Retry-After - 1 s after the refused
# request was sent), and it does come.
mk '{"name":"live","rate_limit":{"limit":2,"window_seconds":10}}'
verify; first=$STATUS; verify
n200=0; [ "$first$STATUS" = 200200 ] && n200=2
t429=$(now_ms)
verify
expect 429 "$RATE" "live: a third use at once is refused"
ra=$(header Retry-After)
check "live: Retry-After is 1 to 5 s ($ra)" bash -c '[[ $1 =~ ^[1-5]$ ]]' _ "$ra"
while :; do
	verify
	[ "$STATUS" = 429 ] || break
	[ $(( $(now_ms) - t429 )) -lt 30000 ] || break
	sleep 0.2
done
waited=$(( $(now_ms) - t429 ))
expect_match "$VALID_RE,\"rate_limit\":\{\"limit\":2,\"window_seconds\":10,\"remaining\":0\}\}\}$" \
    "live: one use comes back ($waited ms after the refused request)"
check "live: not before the refill ($waited ms > $(( (${ra:-1} - 1) * 1000 )) ms), and both first uses passed" \
    test "$waited" -gt $(( (${ra:-1} - 1) * 1000 )) -a "$n200" = 2

# --- concurrency: never more than there is -----------------------------------------
# burst N PARALLEL: N verifies of K/S at once; codes in $TMP/burst/*.code.
burst() {
	rm -rf "$TMP/burst"; mkdir -p "$TMP/burst"
	seq 1 "$1" | OUT=$TMP/burst BASE=$BASE BODY="{\"key\":\"$K\",\"secret\":\"$S\"}" \
	    xargs -P "$2" -I{} sh -c 'curl -s --max-time 60 -o "$OUT/{}.body" -w "%{http_code}\n" \
	    -H "Content-Type: application/json" --data-binary "$BODY" \
	    "$BASE/api/api-keys/verify" > "$OUT/{}.code" 2>/dev/null'
}
count() { grep -lx "$1" "$TMP/burst"/*.code 2>/dev/null | wc -l; }
codes() { cat "$TMP/burst"/*.code 2>/dev/null | sort | uniq -c | tr -s ' \n' ' '; }

mk '{"name":"race credits","remaining_uses":50}'
burst 200 40
diag "200 verifies of a key with 50 credits: $(codes)"
check "200 parallel verifies, remaining_uses 50: exactly 50 answer 200 ($(count 200))" test "$(count 200)" = 50
check "and the other 150 the usage 429 ($(count 429))" test "$(count 429)" = 150
check "every 429 is the exact usage body" bash -c \
    'for c in "$1"/*.code; do [ "$(cat "$c")" = 429 ] || continue; [ "$(cat "${c%.code}.body")" = "$2" ] || exit 1; done' _ "$TMP/burst" "$USAGE"
expect_sql "SELECT remaining_uses FROM api_keys WHERE id=$I" 0 "remaining_uses ends at 0, never below"
left=$(cat "$TMP/burst"/*.body | jq -r '.data.remaining_uses // empty' 2>/dev/null | sort -n | tr '\n' ' ')
check "the 200s report 49 down to 0, each once" test "$left" = "$(seq 0 49 | tr '\n' ' ')"

mk '{"name":"race rate","rate_limit":{"limit":20,"window_seconds":3600}}'
burst 200 40
diag "200 verifies of a key limited to 20 an hour: $(codes)"
check "200 parallel verifies, limit 20 per 3600 s: exactly 20 answer 200 ($(count 200))" test "$(count 200)" = 20
check "and the other 180 the rate 429 ($(count 429))" test "$(count 429)" = 180
left=$(cat "$TMP/burst"/*.body | jq -r '.data.rate_limit.remaining // empty' 2>/dev/null | sort -n | tr '\n' ' ')
check "the 200s report 19 down to 0 left in the bucket, each once" test "$left" = "$(seq 0 19 | tr '\n' ' ')"
finish
