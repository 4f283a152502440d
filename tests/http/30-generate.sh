# 30-generate.sh: POST generate: the envelope, the key formats, what is stored, that it replaces every key, and that a failure changes nothing.
. "$(dirname "$0")/lib.sh"

# in_row ID STRING: how many columns of api_keys row ID contain STRING.
in_row() {
	local cols
	cols=$("$TEST_SQL" "SELECT GROUP_CONCAT(CONCAT('(IFNULL(CAST(\`', COLUMN_NAME, '\` AS CHAR), '''') LIKE ''%$2%'')') SEPARATOR ' + ')
	    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'api_keys'")
	"$TEST_SQL" "SELECT $cols FROM api_keys WHERE id = $1"
}
GEN_RE="^\{\"success\":true,\"message\":\"API key generated successfully\",\"data\":\{\"id\":[1-9][0-9]*,\"key\":\"$KEY_RE\",\"secret\":\"$SEC_RE\"\}\}$"

new_user gen
A_USER=$USER_ID
A_TOKEN=$TOKEN
# The database's clock around the call: created_at must fall in between
# (however long the checks below take on a busy machine).
GEN_T0=$("$TEST_SQL" "SELECT UNIX_TIMESTAMP()")
generate "$A_TOKEN"
GEN_T1=$("$TEST_SQL" "SELECT UNIX_TIMESTAMP()")
expect_status 200 "generate answers 200"
expect_match "$GEN_RE" "the envelope: members in order, no spaces, key and secret formats"
expect_json '[.success, .message, (.data | keys_unsorted | join(",")), (.data.id | type)] | map(tostring) | join("|")' \
    "true|API key generated successfully|id,key,secret|number" "the structure (jq): exactly id, key, secret; id a number"
check "key matches ^$KEY_RE\$ ($KEY)" bash -c '[[ $1 =~ ^MTP_KEY_[A-Za-z0-9]{40}$ ]]' _ "$KEY"
check "secret matches ^$SEC_RE\$" bash -c '[[ $1 =~ ^MTP_SEC_[A-Za-z0-9]{40}$ ]]' _ "$SECRET"
check "key and secret differ after their prefixes" test "${KEY#MTP_KEY_}" != "${SECRET#MTP_SEC_}"
expect_header Content-Type application/json "Content-Type: application/json"
expect_header Cache-Control no-store "Cache-Control: no-store on key material"
expect_header X-Content-Type-Options nosniff "nosniff"

# What is stored.
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$A_USER" 1 "exactly one key stored for the user"
expect_sql "SELECT CONCAT(id, ' ', \`key\`) FROM api_keys WHERE user_id=$A_USER" "$KEY_ID $KEY" \
    "the stored row has the id and key returned"
expect_sql "SELECT secret_hash REGEXP BINARY '^[0-9a-f]{64}\$' FROM api_keys WHERE id=$KEY_ID" 1 \
    "secret_hash is 64 lowercase hex characters"
expect_sql "SELECT secret_hash NOT IN (SHA2('$SECRET', 256), SHA2('${SECRET#MTP_SEC_}', 256), SHA2('$KEY$SECRET', 256)) FROM api_keys WHERE id=$KEY_ID" 1 \
    "secret_hash is a keyed hash, not a plain SHA-256 of the secret"
expect_sql "SELECT 0 + $(in_row "$KEY_ID" "${SECRET#MTP_SEC_}")" 0 "the secret is in no column of the row"
expect_sql "SELECT 0 + $(in_row "$KEY_ID" "${SECRET:8:20}")" 0 "nor any 20 characters of it"
expect_sql "SELECT secret_hint FROM api_keys WHERE id=$KEY_ID" "${SECRET: -4}" "the hint is the secret's last 4 characters"
expect_sql "SELECT permissions FROM api_keys WHERE id=$KEY_ID" "[]" "permissions are []"
expect_sql "SELECT expires_at = created_at + INTERVAL 1 YEAR FROM api_keys WHERE id=$KEY_ID" 1 \
    "expires_at is exactly one year after created_at"
expect_sql "SELECT updated_at = created_at FROM api_keys WHERE id=$KEY_ID" 1 "updated_at equals created_at"
expect_sql "SET time_zone = '+00:00'; SELECT UNIX_TIMESTAMP(created_at) BETWEEN $GEN_T0 AND $GEN_T1 FROM api_keys WHERE id=$KEY_ID" 1 \
    "created_at is now (the time of the call, in UTC)"
expect_sql "SELECT name IS NULL FROM api_keys WHERE id=$KEY_ID" 1 "generated keys have no name"
OLD_ID=$KEY_ID
OLD_KEY=$KEY

# A body sent is ignored, whatever it holds; other users are not touched.
new_user victim
B_USER=$USER_ID
B_TOKEN=$TOKEN
generate "$B_TOKEN"
B_KEY_ID=$KEY_ID
B_KEY=$KEY
body_ignored() {	# DESCRIPTION [curl args]
	local desc=$1
	shift
	req POST /api/api-keys/generate -H "$(auth "$A_TOKEN")" "$@"
	expect_status 200 "$desc: 200"
	expect_match "$GEN_RE" "$desc: the usual envelope"
	expect_sql "SELECT CONCAT(COUNT(*), ' ', MAX(permissions), ' ', MAX(expires_at = created_at + INTERVAL 1 YEAR), ' ', MAX(\`key\`) = '$(json .data.key)') FROM api_keys WHERE user_id=$A_USER" "1 [] 1 1" \
	    "$desc: one key, the one returned, with [] and one year"
}
body_ignored "a JSON body" -H 'Content-Type: application/json' \
    --data-binary "{\"user_id\":$B_USER,\"permissions\":[\"all\"],\"expires_at\":\"2099-01-01T00:00:00Z\",\"name\":\"x\"}"
body_ignored "a form body" -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "user_id=$B_USER&permissions[]=all&key=MTP_KEY_chosen"
body_ignored "a garbage body" --data-binary $'\x00\xff not json {'
body_ignored "an empty JSON object" -H 'Content-Type: application/json' --data-binary '{}'
expect_sql "SELECT GROUP_CONCAT(CONCAT(id, ' ', \`key\`)) FROM api_keys WHERE user_id=$B_USER" "$B_KEY_ID $B_KEY" \
    "user A's generates left user B's key as it was"

# Regenerate: the old id is gone, the new one shows, still one row.
generate "$A_TOKEN"
expect_status 200 "regenerate answers 200"
check "the new key differs from the first" test "$KEY" != "$OLD_KEY"
check "the new id differs from the first" test "$KEY_ID" != "$OLD_ID"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$A_USER" 1 "still exactly one key"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE id=$OLD_ID OR \`key\`='$OLD_KEY'" 0 "the first key's row is deleted"
req GET "/api/api-keys/$OLD_ID" -H "$(auth "$A_TOKEN")"
expect 404 "$NOTFOUND_KEY" "the old id is now the 404"
req GET "/api/api-keys/$KEY_ID" -H "$(auth "$A_TOKEN")"
expect_status 200 "the new id shows"
expect_json .data.key "$KEY" "the new id shows the new key"
A_KEY_ID=$KEY_ID
generate "$B_TOKEN"
req GET "/api/api-keys/$A_KEY_ID" -H "$(auth "$A_TOKEN")"
expect_status 200 "user B's generate leaves user A's key"

# Named keys made by create are deleted by generate too.
req POST /api/api-keys -H "$(auth "$A_TOKEN")" -H 'Content-Type: application/json' -d '{"name":"named"}'
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$A_USER" 2 "create added a second key"
generate "$A_TOKEN"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$A_USER" 1 "generate removed the named key too"

# Every key the user has is deleted, however many, expired and revoked ones too.
"$TEST_SQL" "INSERT INTO api_keys (user_id, \`key\`, secret_hash, permissions, expires_at, revoked_at, created_at, updated_at)
    SELECT $A_USER, CONCAT('MTP_KEY_many', $A_USER, '_', seq), REPEAT('0', 64), '[]',
    IF(seq % 3 = 0, NOW() - INTERVAL 1 DAY, NULL), IF(seq % 5 = 0, NOW(), NULL), NOW(), NOW() FROM seq_1_to_50"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$A_USER" 51 "51 keys stored for the user"
generate "$A_TOKEN"
expect_sql "SELECT GROUP_CONCAT(id) FROM api_keys WHERE user_id=$A_USER" "${KEY_ID:-none}" \
    "generate leaves exactly the new key of 51 (expired and revoked ones deleted too)"

# A failure changes nothing: a trigger makes the insert fail after the
# delete ran (user_id NULL in a NOT NULL column).
new_user fail
generate "$TOKEN"
KEPT="$KEY_ID $KEY"
"$TEST_SQL" "CREATE TRIGGER apikeys_test_fail BEFORE INSERT ON api_keys FOR EACH ROW
    SET NEW.user_id = IF(NEW.user_id = $USER_ID, NULL, NEW.user_id)"
req POST /api/api-keys/generate -H "$(auth "$TOKEN")"
"$TEST_SQL" "DROP TRIGGER apikeys_test_fail"
expect 500 "$GEN_FAILED" "a failed insert answers the generate 500"
body_lacks MTP_ "no key material in the failure"
expect_sql "SELECT GROUP_CONCAT(CONCAT(id, ' ', \`key\`)) FROM api_keys WHERE user_id=$USER_ID" "$KEPT" \
    "after the failure the old key is still there, unchanged"
generate "$TOKEN"
expect_status 200 "the next generate works"
finish
