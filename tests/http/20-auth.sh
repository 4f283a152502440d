# 20-auth.sh: Sanctum bearer tokens: every refusal is the same 401 with a challenge, and last_used_at is written once a minute.
. "$(dirname "$0")/lib.sh"

new_user auth
TID=$TOKEN_ID
OWN_TOKEN=$TOKEN
OWN_PLAIN=$PLAIN
OWN_USER=$USER_ID
generate "$OWN_TOKEN"
OWN_KEY_ID=$KEY_ID
new_user neighbour
NB_TID=$TOKEN_ID
NB_PLAIN=$PLAIN

# refuse DESCRIPTION [curl args]: the show of an existing key of the token's
# owner is refused with the 401, its challenge, and nothing else.
refuse() {
	local desc=$1
	shift
	req GET "/api/api-keys/$OWN_KEY_ID" "$@"
	expect 401 "$UNAUTH" "$desc"
	expect_header WWW-Authenticate Bearer "$desc: WWW-Authenticate: Bearer"
}
last_used() { "$TEST_SQL" "SELECT IFNULL(last_used_at, 'NULL') FROM personal_access_tokens WHERE id=$1"; }

"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NULL WHERE id = $TID"
refuse "no Authorization header"
refuse "no Authorization header, a browser's Accept (still JSON, no redirect)" -H 'Accept: text/html'
refuse "Basic scheme" -H "Authorization: Basic dXNlcjpwYXNz"
refuse "Basic scheme carrying the token" -H "Authorization: Basic $OWN_TOKEN"
refuse "the token without a scheme" -H "Authorization: $OWN_TOKEN"
refuse "Bearer with nothing" -H "Authorization: Bearer"
refuse "Bearer and a space" -H "Authorization: Bearer "
refuse "Bearer with blanks" -H "Authorization: Bearer    "
refuse "an empty Authorization header" -H "Authorization;"
refuse "Bearer glued to the token" -H "Authorization: Bearer$OWN_TOKEN"
refuse "unknown token" -H "$(auth nope)"
refuse "unknown token of the right length" -H "$(auth "$(printf '%s' "$OWN_PLAIN" | tr 'A-Za-z0-9' 'B-Za-z0-9A')")"
refuse "'abc|': empty plaintext" -H "$(auth "abc|")"
refuse "'id|': right id, empty plaintext" -H "$(auth "$TID|")"
refuse "'|abc': empty id" -H "$(auth "|$OWN_PLAIN")"
refuse "'x|abc': non-numeric id" -H "$(auth "x|$OWN_PLAIN")"
refuse "right id, wrong plaintext" -H "$(auth "$TID|wrongplaintext")"
refuse "right id, plaintext with one more character" -H "$(auth "$TID|${OWN_PLAIN}x")"
refuse "right id, plaintext one character short" -H "$(auth "$TID|${OWN_PLAIN%?}")"
refuse "right id, plaintext in another case" -H "$(auth "$TID|$(printf '%s' "$OWN_PLAIN" | tr 'a-zA-Z' 'A-Za-z')")"
refuse "unknown id, right plaintext" -H "$(auth "$((TID + 100000))|$OWN_PLAIN")"
refuse "another token's id with this plaintext" -H "$(auth "$NB_TID|$OWN_PLAIN")"
refuse "a negative id" -H "$(auth "-$TID|$OWN_PLAIN")"
refuse "id with a leading zero" -H "$(auth "0$TID|$OWN_PLAIN")"
refuse "id past 64 bits" -H "$(auth "18446744073709551617|$OWN_PLAIN")"
refuse "many bars" -H "$(auth "$TID|||$OWN_PLAIN|")"
refuse "a blank before the plaintext" -H "$(auth "$TID| $OWN_PLAIN")"
refuse "an overlong token" -H "$(auth "$TID|$(head -c 4000 /dev/zero | tr '\0' a)")"
refuse "the stored hash itself" -H "$(auth "$("$TEST_SQL" "SELECT token FROM personal_access_tokens WHERE id=$TID")")"
refuse "id|stored hash" -H "$(auth "$TID|$("$TEST_SQL" "SELECT token FROM personal_access_tokens WHERE id=$TID")")"
refuse "bare plaintext in another case" -H "$(auth "$(printf '%s' "$OWN_PLAIN" | tr 'a-zA-Z' 'A-Za-z')")"
refuse "bare plaintext upper-cased" -H "$(auth "${OWN_PLAIN^^}")"
# The stored hash is matched byte for byte (migration 003): neither another
# case of its hex nor trailing blanks (PAD SPACE) find the row.
OWN_HASH=$("$TEST_SQL" "SELECT token FROM personal_access_tokens WHERE id=$TID")
expect_sql "SELECT COUNT(*) FROM personal_access_tokens WHERE token = '$OWN_HASH'" 1 \
    "the token's hash finds its row"
expect_sql "SELECT COUNT(*) FROM personal_access_tokens WHERE token = UPPER('$OWN_HASH')" 0 \
    "the hash in upper-case hex finds no row"
expect_sql "SELECT COUNT(*) FROM personal_access_tokens WHERE token = '$OWN_HASH '" 0 \
    "the hash with a trailing blank finds no row"
"$TEST_SQL" "UPDATE personal_access_tokens SET token = UPPER(token) WHERE id = $TID"
refuse "bare plaintext, stored hash in upper-case hex" -H "$(auth "$OWN_PLAIN")"
refuse "id|plaintext, stored hash in upper-case hex" -H "$(auth "$OWN_TOKEN")"
"$TEST_SQL" "UPDATE personal_access_tokens SET token = '$OWN_HASH' WHERE id = $TID"
expect_sql "SELECT IFNULL(last_used_at, 'NULL') FROM personal_access_tokens WHERE id=$TID" NULL \
    "refused attempts do not touch the token's last_used_at"

# Refusals on generate change nothing.
for a in "no header|" "unknown token|$(auth nope)" "wrong plaintext|$(auth "$TID|wrong")"; do
	if [ -n "${a#*|}" ]; then req POST /api/api-keys/generate -H "${a#*|}"; else req POST /api/api-keys/generate; fi
	expect 401 "$UNAUTH" "generate, ${a%%|*}: 401"
	expect_header WWW-Authenticate Bearer "generate, ${a%%|*}: WWW-Authenticate: Bearer"
done
expect_sql "SELECT GROUP_CONCAT(id) FROM api_keys WHERE user_id=$OWN_USER" "$OWN_KEY_ID" \
    "refused generates left the key as it was"

# Accepted forms.
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$OWN_TOKEN")"
expect_status 200 "id|plaintext is accepted"
expect_no_header WWW-Authenticate "no challenge on success"
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$OWN_PLAIN")"
expect_status 200 "the bare plaintext is accepted"
req GET "/api/api-keys/$OWN_KEY_ID" -H "Authorization: bearer $OWN_TOKEN"
expect_status 200 "lower-case scheme 'bearer'"
req GET "/api/api-keys/$OWN_KEY_ID" -H "Authorization: BEARER $OWN_TOKEN"
expect_status 200 "upper-case scheme 'BEARER'"
req GET "/api/api-keys/$OWN_KEY_ID" -H "Authorization: bEaReR $OWN_PLAIN"
expect_status 200 "mixed-case scheme with a bare plaintext"
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$NB_TID|$NB_PLAIN")"
expect 404 "$NOTFOUND_KEY" "the neighbour's token is accepted and is the neighbour's"

# last_used_at: set on use, not rewritten within a minute, rewritten after.
"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NULL WHERE id IN ($TID, $NB_TID)"
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$OWN_TOKEN")"
expect_sql "SELECT ABS(TIMESTAMPDIFF(SECOND, last_used_at, NOW())) < 10 FROM personal_access_tokens WHERE id=$TID" 1 \
    "a use sets last_used_at to now"
first=$(last_used "$TID")
sleep 1.1
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$OWN_TOKEN")"
expect_sql "SELECT IFNULL(last_used_at, 'NULL') FROM personal_access_tokens WHERE id=$TID" "$first" \
    "a second use a second later writes nothing"
"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NOW() - INTERVAL 50 SECOND WHERE id = $TID"
before=$(last_used "$TID")
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$OWN_PLAIN")"
expect_sql "SELECT IFNULL(last_used_at, 'NULL') FROM personal_access_tokens WHERE id=$TID" "$before" \
    "a use 50 s after the last writes nothing"
"$TEST_SQL" "UPDATE personal_access_tokens SET last_used_at = NOW() - INTERVAL 2 MINUTE WHERE id = $TID"
req GET "/api/api-keys/$OWN_KEY_ID" -H "$(auth "$OWN_TOKEN")"
expect_sql "SELECT ABS(TIMESTAMPDIFF(SECOND, last_used_at, NOW())) < 10 FROM personal_access_tokens WHERE id=$TID" 1 \
    "a use 2 minutes after the last writes it again"
expect_sql "SELECT IFNULL(last_used_at, 'NULL') FROM personal_access_tokens WHERE id=$NB_TID" NULL \
    "only the token used is written"

# Tokens that exist but may not be used.
new_user expired
"$TEST_SQL" "UPDATE personal_access_tokens SET expires_at = NOW() - INTERVAL 1 SECOND WHERE id = $TOKEN_ID"
refuse "an expired token" -H "$(auth "$TOKEN")"
refuse "an expired token, bare plaintext" -H "$(auth "$PLAIN")"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
expect 401 "$UNAUTH" "an expired token cannot generate"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 0 "nothing generated with an expired token"
expect_sql "SELECT IFNULL(last_used_at, 'NULL') FROM personal_access_tokens WHERE id=$TOKEN_ID" NULL \
    "an expired token's last_used_at is not written"
new_user future
"$TEST_SQL" "UPDATE personal_access_tokens SET expires_at = NOW() + INTERVAL 1 HOUR WHERE id = $TOKEN_ID"
req GET /api/api-keys/999999999 -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "a token that expires in an hour works"
# refuse_type SQL-TYPE DESCRIPTION: a fresh user's token given another
# tokenable_type (an SQL string body, backslashes doubled) is refused.
refuse_type() {
	new_user othertype
	"$TEST_SQL" "UPDATE personal_access_tokens SET tokenable_type = '$1' WHERE id = $TOKEN_ID"
	refuse "$2" -H "$(auth "$TOKEN")"
}
refuse_type 'App\\Models\\Admin' 'a token of another model (App\Models\Admin)'
refuse_type 'App\\Models\\UserX' 'a token of a model whose name starts like User'
refuse_type 'App\\Models\\User ' "a token of type 'App\\Models\\User ' (a trailing blank)"
refuse_type 'app\\models\\user' "a token of type 'app\\models\\user' (another case)"
new_user gone
generate "$TOKEN"
GONE_KEY=$KEY_ID
# The user's keys go first (the foreign key may also cascade), then the user.
"$TEST_SQL" "DELETE FROM api_keys WHERE user_id = $USER_ID; DELETE FROM users WHERE id = $USER_ID"
expect_sql "SELECT COUNT(*) FROM personal_access_tokens WHERE id=$TOKEN_ID" 1 "the deleted user's token row is still there"
req GET "/api/api-keys/$GONE_KEY" -H "$(auth "$TOKEN")"
expect 401 "$UNAUTH" "a token whose user was deleted"
expect_header WWW-Authenticate Bearer "a token whose user was deleted: WWW-Authenticate: Bearer"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
expect 401 "$UNAUTH" "a token whose user was deleted cannot generate"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 0 "and no key is stored for the missing user"
new_user revoked
generate "$TOKEN"
REVOKED_KEY=$KEY_ID
req GET "/api/api-keys/$REVOKED_KEY" -H "$(auth "$TOKEN")"
expect_status 200 "the token works before it is revoked"
"$TEST_ADMIN" token-revoke "$TOKEN_ID" >/dev/null
req GET "/api/api-keys/$REVOKED_KEY" -H "$(auth "$TOKEN")"
expect 401 "$UNAUTH" "a revoked token"
expect_header WWW-Authenticate Bearer "a revoked token: WWW-Authenticate: Bearer"
finish
