# 73-verify.sh: POST /api-keys/verify: 200 for a live key, one byte-identical 401 for every failure, same work.
. "$(dirname "$0")/lib.sh"

new_user verify
req POST /api/api-keys -H "$(auth "$TOKEN")" -d '{"name":"pay","permissions":["payments:write"]}'
KEY=$(printf '%s' "$BODY" | jq -r .data.key); SECRET=$(printf '%s' "$BODY" | jq -r .data.secret)
ID=$(printf '%s' "$BODY" | jq -r .data.id); remember_secret "$SECRET"
verify() { req POST /api/api-keys/verify -H 'Content-Type: application/json' --data-binary "$1"; }

verify "{\"key\":\"$KEY\",\"secret\":\"$SECRET\"}"
expect_status 200 "a live key verifies"
expect_match "^\{\"success\":true,\"message\":\"API key is valid\",\"data\":\{\"id\":$ID,\"user_id\":$USER_ID,\"permissions\":\[\"payments:write\"\],\"expires_at\":\"$TIME_RE\"\}\}$" "the envelope"
expect_sql "SELECT last_used_at IS NOT NULL FROM api_keys WHERE id=$ID" 1 "verify sets last_used_at"
before=$("$TEST_SQL" "SELECT last_used_at FROM api_keys WHERE id=$ID")
"$TEST_SQL" "UPDATE api_keys SET last_used_at = NOW() - INTERVAL 20 SECOND WHERE id=$ID"
before=$("$TEST_SQL" "SELECT last_used_at FROM api_keys WHERE id=$ID")
verify "{\"key\":\"$KEY\",\"secret\":\"$SECRET\"}"
expect_sql "SELECT last_used_at FROM api_keys WHERE id=$ID" "$before" "not rewritten within a minute"
req GET /api/api-keys -H "$(auth "$TOKEN")"
expect_json '.data[0].last_used_at != null' true "the list shows last_used_at"

new_user gone
generate "$TOKEN"
G_KEY=$KEY; G_SECRET=$SECRET
generate "$TOKEN"
new_user expiring
req POST /api/api-keys -H "$(auth "$TOKEN")" -d '{"name":"x"}'
E_KEY=$(printf '%s' "$BODY" | jq -r .data.key); E_SECRET=$(printf '%s' "$BODY" | jq -r .data.secret)
remember_secret "$E_SECRET"
"$TEST_SQL" "UPDATE api_keys SET expires_at = NOW() - INTERVAL 1 SECOND WHERE \`key\`='$E_KEY'"

stmts() { "$TEST_SQL" "SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'" | cut -f2; }
for c in "wrong secret|{\"key\":\"$KEY\",\"secret\":\"${SECRET}x\"}" \
    "unknown key|{\"key\":\"MTP_KEY_0000000000000000000000000000000000000000\",\"secret\":\"$SECRET\"}" \
    "key removed by generate|{\"key\":\"$G_KEY\",\"secret\":\"$G_SECRET\"}" \
    "expired key|{\"key\":\"$E_KEY\",\"secret\":\"$E_SECRET\"}" \
    "secret missing|{\"key\":\"$KEY\"}" \
    "numbers|{\"key\":1,\"secret\":2}" \
    "an array|[\"$KEY\",\"$SECRET\"]" \
    "not JSON|key=$KEY" \
    "empty|" \
    "duplicate members|{\"key\":\"$KEY\",\"key\":\"$KEY\",\"secret\":\"$SECRET\"}"; do
	s0=$(stmts)
	verify "${c#*|}"
	s1=$(stmts)
	expect 401 "$INVALID_KEY" "${c%%|*}: the one 401"
	# Every failure costs one prepared lookup (and an HMAC), never less.
	check "${c%%|*}: the same database work (one lookup)" test $((s1 - s0)) -eq 1
	check "${c%%|*}: no challenge header" test -z "$(header WWW-Authenticate)"
done

# Keys and secrets match only byte for byte (migration 003): another letter
# case or a trailing blank (PAD SPACE) is the one 401, and the key itself
# still verifies afterwards.
flip() { printf '%s' "$1" | tr 'a-zA-Z' 'A-Za-z'; }
for c in "the key upper-cased|{\"key\":\"${KEY^^}\",\"secret\":\"$SECRET\"}" \
    "the key lower-cased|{\"key\":\"${KEY,,}\",\"secret\":\"$SECRET\"}" \
    "the key in the other case|{\"key\":\"$(flip "$KEY")\",\"secret\":\"$SECRET\"}" \
    "the key with a trailing blank|{\"key\":\"$KEY \",\"secret\":\"$SECRET\"}" \
    "the key with trailing blanks|{\"key\":\"$KEY   \",\"secret\":\"$SECRET\"}" \
    "the secret in the other case|{\"key\":\"$KEY\",\"secret\":\"$(flip "$SECRET")\"}" \
    "the secret upper-cased|{\"key\":\"$KEY\",\"secret\":\"${SECRET^^}\"}" \
    "the secret with a trailing blank|{\"key\":\"$KEY\",\"secret\":\"$SECRET \"}"; do
	verify "${c#*|}"
	expect 401 "$INVALID_KEY" "${c%%|*}: the one 401"
done
verify "{\"key\":\"$KEY\",\"secret\":\"$SECRET\"}"
expect_status 200 "the exact key and secret still verify"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE \`key\` = '$KEY'" 1 "the key finds its row in SQL"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE \`key\` = LOWER('$KEY') OR \`key\` = '$KEY '" 0 \
    "another case or a trailing blank finds no row in SQL"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id = $ID AND secret_hash = UPPER(secret_hash)" 0 \
    "the secret hash is compared byte for byte in SQL"
expect_sql "SELECT COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_keys' AND COLUMN_NAME = 'key'" \
    utf8mb4_nopad_bin "api_keys.key has a binary, no-pad collation"
finish
