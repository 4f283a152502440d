# 75-stored-json.sh: a key's allowed_ips or permissions as a write outside the service could leave them (not a JSON array of strings, or no JSON at all) deny at verify; only NULL, or [] for allowed_ips, restricts nothing; the schema refuses text that is no JSON.
. "$(dirname "$0")/lib.sh"

ADDRESS='{"success":false,"message":"API key is not allowed from this address."}'
LACKS='{"success":false,"message":"API key lacks the required permissions.","missing":["payments:write","refunds:read"]}'
CHECK_RE='CONSTRAINT .*failed'

new_user storedjson
req POST /api/api-keys -H "$(auth "$TOKEN")" -d '{"name":"stored","permissions":["payments:write","refunds:read"]}'
K=$(json '.data.key // empty'); S=$(json '.data.secret // empty'); I=$(json '.data.id // empty')
remember_secret "$S"
[ -n "$I" ] || not_ok "set-up: create a key" "$(last_response)"
verify() {
	req POST /api/api-keys/verify -H 'Content-Type: application/json' \
	    --data-binary "{\"key\":\"$K\",\"secret\":\"$S\"${1:+,$1}}"
}
# store COLUMN SQL-VALUE: writes the column as SQL or another application
# could, past the schema's checks (as before they existed).
store() {
	"$TEST_SQL" "SET SESSION check_constraint_checks = 0; UPDATE api_keys SET $1 = $2 WHERE id = $I" ||
	    not_ok "set-up: store $1 = $2"
}

# --- allowed_ips ---------------------------------------------------------------
store allowed_ips NULL
verify '"client_ip":"192.0.2.1"'
expect_status 200 "allowed_ips NULL: any address"
store allowed_ips "'[]'"
verify '"client_ip":"192.0.2.1"'
expect_status 200 "allowed_ips []: any address"
store allowed_ips "'[\"203.0.113.0\\\\/24\"]'"
verify '"client_ip":"203.0.113.9"'
expect_status 200 "allowed_ips as stored by the service: its range is let in"
verify '"client_ip":"192.0.2.1"'
expect 403 "$ADDRESS" "allowed_ips as stored by the service: another address is not"
for v in "'\"203.0.113.9\"'|a JSON string" "'{\"ip\":\"203.0.113.9\"}'|a JSON object" \
    "'null'|JSON null" "'5'|a JSON number" "'true'|JSON true" "'[1]'|an array of a number" \
    "'[\"203.0.113.0/24\",5]'|an array with a number" "'[null]'|an array of null" \
    "'[[\"203.0.113.9\"]]'|an array of an array" "'garbage'|text that is no JSON" \
    "''|an empty text" "'203.0.113.9'|an address that is no JSON" "'[\"203.0.113.9\"'|a cut JSON array"; do
	store allowed_ips "${v%|*}"
	verify '"client_ip":"203.0.113.9"'
	expect 403 "$ADDRESS" "allowed_ips stored as ${v#*|}: the address is refused"
	verify
	expect 403 "$ADDRESS" "allowed_ips stored as ${v#*|}, no client_ip: refused"
done
store allowed_ips "'garbage'"
store permissions "'garbage'"
verify '"client_ip":"203.0.113.9","permissions":["payments:write"]'
expect 403 "$ADDRESS" "both stored wrong: the address is checked first"
store allowed_ips NULL

# --- permissions ---------------------------------------------------------------
store permissions "'[\"payments:write\",\"refunds:read\"]'"
verify '"permissions":["payments:write","refunds:read"]'
expect_status 200 "permissions as stored by the service: both held"
store permissions "'[]'"
verify '"permissions":["payments:write","refunds:read"]'
expect 403 "$LACKS" "permissions []: both lacking"
for v in "'\"payments:write\"'|a JSON string" "'{\"payments:write\":\"refunds:read\"}'|a JSON object" \
    "'null'|JSON null" "'[\"payments:write\",1]'|an array with a number" \
    "'[\"payments:write\",[\"refunds:read\"]]'|an array with an array" \
    "'[\"payments:write\",\"refunds:read\",null]'|an array with null" \
    "'garbage'|text that is no JSON" "''|an empty text" "'payments:write'|a name that is no JSON"; do
	store permissions "${v%|*}"
	verify '"permissions":["payments:write","refunds:read"]'
	expect 403 "$LACKS" "permissions stored as ${v#*|}: every requested permission is missing"
	verify
	expect_status 200 "permissions stored as ${v#*|}, none requested: 200"
done

# --- the schema: the JSON columns hold JSON --------------------------------------
for c in "api_keys|allowed_ips|id = $I" "api_keys|permissions|id = $I" "api_key_events|details|key_id = $I"; do
	IFS='|' read -r t col where <<< "$c"
	out=$("$TEST_SQL" "UPDATE $t SET $col = 'garbage' WHERE $where" 2>&1)
	if [[ $out =~ $CHECK_RE ]]; then ok "$t.$col refuses text that is no JSON"; else
		not_ok "$t.$col refuses text that is no JSON" "got: ${out:-no error}"
	fi
	out=$("$TEST_SQL" "UPDATE $t SET $col = '' WHERE $where" 2>&1)
	if [[ $out =~ $CHECK_RE ]]; then ok "$t.$col refuses an empty text"; else
		not_ok "$t.$col refuses an empty text" "got: ${out:-no error}"
	fi
done
expect_sql "UPDATE api_keys SET allowed_ips = NULL, permissions = '[\"a\"]' WHERE id = $I; SELECT CONCAT_WS('|', IFNULL(allowed_ips, 'NULL'), permissions) FROM api_keys WHERE id = $I" \
    'NULL|["a"]' "NULL and JSON are still stored"

finish
