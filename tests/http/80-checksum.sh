# 80-checksum.sh: generate and create return keys and secrets whose last 6 characters are the CRC-32 checksum (computed here with zlib), and keys made before the format still verify by default.
. "$(dirname "$0")/lib.sh"

# has_checksum VALUE: the last 6 characters are zlib's crc32 of the first 42
# in base 62 (0-9A-Za-z), most significant first, padded with 0.
has_checksum() {
	python3 - "$1" <<'PY'
import re, sys, zlib
v = sys.argv[1]
d = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
c, s = zlib.crc32(v[:42].encode()), ''
for _ in range(6):
    s, c = d[c % 62] + s, c // 62
sys.exit(0 if re.fullmatch(r'MTP_(KEY|SEC)_[A-Za-z0-9]{40}', v) and v[42:] == s else 1)
PY
}
lacks_checksum() { ! has_checksum "$1"; }
# altered VALUE: VALUE with its 20th character changed.
altered() { local c=${1:19:1}; [ "$c" = a ] && c=b || c=a; printf '%s%s%s' "${1:0:19}" "$c" "${1:20}"; }
verify() { req POST /api/api-keys/verify -H 'Content-Type: application/json' --data-binary "$1"; }

new_user checksum
check "the checksum rule of this file refuses a value whose check is wrong" \
    lacks_checksum MTP_KEY_00000000000000000000000000000000002sxKUr
check "and accepts a value computed by hand" has_checksum MTP_KEY_00000000000000000000000000000000002sxKUq

generate "$TOKEN"
remember_secret "$SECRET"
expect_status 200 "generate answers 200"
check "generate: the key ends in its checksum" has_checksum "$KEY"
check "generate: the secret ends in its checksum" has_checksum "$SECRET"
check "generate: a one-character change breaks the key's checksum" lacks_checksum "$(altered "$KEY")"
verify "{\"key\":\"$KEY\",\"secret\":\"$SECRET\"}"
expect_status 200 "a generated pair verifies"

bad=0
for i in 1 2 3 4 5; do
	req POST /api/api-keys -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"c$i\"}"
	k=$(json '.data.key // empty'); s=$(json '.data.secret // empty')
	remember_secret "$s"
	[ "$STATUS" = 201 ] && has_checksum "$k" && has_checksum "$s" || bad=$((bad + 1))
done
check "create: five keys and secrets, each with a valid checksum" test "$bad" = 0
check "the secret's stored hint is the end of its checksum" \
    test "$("$TEST_SQL" "SELECT secret_hint FROM api_keys WHERE \`key\` = '$k'")" = "${s: -4}"

# A key made before the format: 40 characters with no valid checksum,
# stored as the service stores a key (HMAC of the secret under the pepper).
LK=MTP_KEY_$(head -c 60 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
LS=MTP_SEC_$(head -c 60 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
remember_secret "$LS"
hash=$(python3 -c 'import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), sys.argv[2].encode(), hashlib.sha256).hexdigest())' "$STACK_PEPPER" "$LS")
"$TEST_SQL" "INSERT INTO api_keys (user_id, name, \`key\`, secret_hash, secret_hint, permissions,
    expires_at, created_at, updated_at) VALUES ($USER_ID, 'legacy', '$LK', '$hash', '${LS: -4}',
    '[]', NOW() + INTERVAL 1 DAY, NOW(), NOW())"
if has_checksum "$LK"; then diag "the random legacy key happens to carry a valid checksum"; fi
verify "{\"key\":\"$LK\",\"secret\":\"$LS\"}"
expect_status 200 "a key made before the checksum verifies (APIKEYS_LEGACY_KEYS defaults to 1)"
expect_json '.data.id' "$("$TEST_SQL" "SELECT id FROM api_keys WHERE \`key\` = '$LK'")" "the legacy key's own id"
verify "{\"key\":\"$LK\",\"secret\":\"$(altered "$LS")\"}"
expect 401 "$INVALID_KEY" "the legacy key with a wrong secret: the one 401"
verify "{\"key\":\"$(altered "$KEY")\",\"secret\":\"$SECRET\"}"
expect 401 "$INVALID_KEY" "a checksummed key with one character changed: the one 401"

# The scanner on the stack's whole log directory: every key above was sent
# in a body, never in a URL, so no log line holds a live credential.
"$TEST_ADMIN" scan "$STACK_DIR/logs" >"$TMP/scan" 2>&1
rc=$?
sed 's/^/# /' "$TMP/scan" | head -5
check "apikeys-admin scan of the log directory finds no live key or secret (exit 0)" test "$rc" = 0
finish
