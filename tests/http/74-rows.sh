# 74-rows.sh: every answer that shows a key (list, show, PATCH, verify, rotate) against the row as stored, member for member, for keys with every combination of settings, each read right after a key that had what it lacks.
. "$(dirname "$0")/lib.sh"

new_user rows
# create BODY: a key; sets I (empty on failure).
create() {
	req POST /api/api-keys -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$1"
	remember_secret "$(json '.data.secret // empty')"
	I=$(json '.data.id // empty')
	eval "KEY_$I=\$(json '.data.key // empty'); SEC_$I=\$(json '.data.secret // empty')"
	[ -n "$I" ] || not_ok "set-up: create $1" "$(last_response)"
}
patch() { req PATCH "/api/api-keys/$1" -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' --data-binary "$2"; }

# stored ID: the key's row as list shows it (and user_id), built from the
# columns by the database itself: what the answers must say (the client's
# batch output doubles every backslash: undone).
stored() {
	"$TEST_SQL" <<EOF | sed 's/\\\\/\\/g'
SET time_zone = '+00:00';
SELECT CONCAT('{"id":', id, ',"user_id":', user_id,
  ',"name":', IFNULL(JSON_QUOTE(name), 'null'),
  ',"key":', JSON_QUOTE(\`key\`),
  ',"secret_hint":', IFNULL(CONCAT('"MTP_SEC_\\\\u2026', secret_hint, '"'), 'null'),
  ',"permissions":', permissions,
  ',"expires_at":', IFNULL(JSON_QUOTE(DATE_FORMAT(expires_at, $SQL_TIME)), 'null'),
  ',"last_used_at":', IFNULL(JSON_QUOTE(DATE_FORMAT(last_used_at, $SQL_TIME)), 'null'),
  ',"revoked_at":', IFNULL(JSON_QUOTE(DATE_FORMAT(revoked_at, $SQL_TIME)), 'null'),
  ',"created_at":', IFNULL(JSON_QUOTE(DATE_FORMAT(created_at, $SQL_TIME)), 'null'),
  ',"updated_at":', IFNULL(JSON_QUOTE(DATE_FORMAT(updated_at, $SQL_TIME)), 'null'),
  ',"enabled":', IF(enabled, 'true', 'false'),
  ',"rate_limit":', IF(rate_limit IS NULL OR rate_window IS NULL, 'null',
      CONCAT('{"limit":', rate_limit, ',"window_seconds":', rate_window, '}')),
  ',"remaining_uses":', IFNULL(remaining_uses, 'null'),
  ',"allowed_ips":', IFNULL(allowed_ips, 'null'),
  ',"rotated_to":', IFNULL(rotated_to, 'null'), '}')
FROM api_keys WHERE id = $1
EOF
}
# same DESCRIPTION WANT GOT: two JSON texts are equal, members in the same order.
same() {
	local want got
	want=$(printf '%s' "$2" | jq -c . 2>&1)
	got=$(printf '%s' "$3" | jq -c . 2>&1)
	if [ -n "$want" ] && [ "$want" = "$got" ]; then ok "$1"; else
		not_ok "$1" "want $want" "got  $got"
	fi
}
LISTED='del(.user_id)'
SHOWN='{id, user_id, key, permissions, expires_at, created_at, updated_at}'
# check_list WHEN: every listed key equals its row.
check_list() {
	local id all
	req GET /api/api-keys -H "$(auth "$TOKEN")"
	expect_status 200 "$1: list answers 200"
	cp "$TMP/b" "$TMP/list"
	expect_json '[.data[].id] | tostring' "$(printf '%s\n' "${ORDER[@]}" | jq -sc .)" \
	    "$1: list holds every key, newest first"
	for id in "${ORDER[@]}"; do
		same "$1: list shows key $id (${WHAT[$id]}) as stored" \
		    "$(stored "$id" | jq -c "$LISTED")" "$(jq -c ".data[] | select(.id == $id)" "$TMP/list")"
	done
}

# --- keys with every combination of settings, each followed (in list
# order, newest first) by one that lacks what it has ------------------------
declare -A WHAT
ORDER=()
add() { WHAT[$I]=$1; ORDER=("$I" "${ORDER[@]}"); }
generate "$TOKEN"
remember_secret "$SECRET"
I=$KEY_ID
eval "KEY_$I=\$KEY; SEC_$I=\$SECRET"
add generated
n=0
none() {
	n=$((n + 1))
	create "{\"name\":\"none $n\"}"
	add none
}
IPS='"allowed_ips":["203.0.113.0/24","2001:DB8::/32","::ffff:198.51.100.9"]'
PERMS='"permissions":["payments:write","refunds:read"]'
RATE='"rate_limit":{"limit":2,"window_seconds":60}'
USES='"remaining_uses":5'
EXP='"expires_at":"2031-02-03T04:05:06.789-01:00"'
create "{\"name\":\"rate\",$RATE}"; add rate_limit; RATE_ID=$I
none
create "{\"name\":\"credits\",$USES}"; add remaining_uses; USES_ID=$I
none
create "{\"name\":\"ips\",$IPS}"; add allowed_ips; IPS_ID=$I
none
# A stored hint and expiry of NULL, read after a key that has both.
"$TEST_SQL" "UPDATE api_keys SET secret_hint = NULL, expires_at = NULL WHERE id = $I"
WHAT[$I]="none, no hint, no expiry"
create "{\"name\":\"perms\",$PERMS}"; add permissions; PERMS_ID=$I
none
create "{\"name\":\"expires\",$EXP}"; add expires_at; EXP_ID=$I
none
create '{"name":"off"}'; add enabled=false; OFF_ID=$I
patch "$I" '{"enabled":false}'
expect_status 200 "set-up: disable a key"
none
create "{\"name\":\"all\",$RATE,$USES,$IPS,$PERMS,$EXP}"; add all; ALL_ID=$I
none
AFTER_ALL=$I
create "{\"name\":\"all off\",$RATE,$USES,$IPS,$PERMS,$EXP}"; add "all, enabled=false"; ALLOFF_ID=$I
patch "$I" '{"enabled":false}'
expect_status 200 "set-up: disable the key with every setting"
none
LAST_NONE=$I

check_list "fresh keys"

# --- show ----------------------------------------------------------------
for id in "${ORDER[@]}"; do
	req GET "/api/api-keys/$id" -H "$(auth "$TOKEN")"
	same "show of key $id (${WHAT[$id]}) as stored" \
	    "$(stored "$id" | jq -c "$SHOWN")" "$(jq -c .data "$TMP/b")"
done

# --- verify: the members of the row, and what the spending left -------------
verify() {	# ID [MEMBERS]
	local k s
	eval "k=\$KEY_$1; s=\$SEC_$1"
	req POST /api/api-keys/verify -H 'Content-Type: application/json' \
	    --data-binary "{\"key\":\"$k\",\"secret\":\"$s\"${2:+,$2}}"
}
# verified ID: what verify must answer after its spending, from the row.
verified() {
	local extra
	extra=$("$TEST_SQL" "SELECT CONCAT_WS(',', IF(remaining_uses IS NULL, NULL,
	    CONCAT('\"remaining_uses\":', remaining_uses)), IF(rate_limit IS NULL, NULL,
	    CONCAT('\"rate_limit\":{\"limit\":', rate_limit, ',\"window_seconds\":', rate_window,
	    ',\"remaining\":', FLOOR(bucket_tokens), '}'))) FROM api_keys WHERE id = $1")
	[ "$extra" = NULL ] && extra=
	stored "$1" | jq -c "{id, user_id, permissions, expires_at} + {$extra}"
}
for id in "${ORDER[@]}"; do
	case $id in
	"$OFF_ID"|"$ALLOFF_ID")
		verify "$id" '"client_ip":"203.0.113.9","permissions":["payments:write"]'
		expect 401 "$INVALID_KEY" "verify of key $id (${WHAT[$id]}): 401"
		continue ;;
	"$IPS_ID") verify "$id" '"client_ip":"2001:db8::1"' ;;
	"$ALL_ID") verify "$id" '"client_ip":"203.0.113.9","permissions":["payments:write"]' ;;
	"$PERMS_ID") verify "$id" '"permissions":["refunds:read"]' ;;
	*) verify "$id" ;;
	esac
	expect_status 200 "verify of key $id (${WHAT[$id]}): 200"
	same "verify of key $id (${WHAT[$id]}) answers the row's members" \
	    "$(verified "$id")" "$(jq -c .data "$TMP/b")"
done
# A key without an allowlist read after one with it: open to any address.
verify "$LAST_NONE" '"client_ip":"192.0.2.1"'
expect_status 200 "a key without an allowlist, verified after one with it: any address"
verify "$AFTER_ALL" '"permissions":["payments:write"]'
expect 403 '{"success":false,"message":"API key lacks the required permissions.","missing":["payments:write"]}' \
    "a key without permissions verified after one with them: lacks them"

check_list "after verifies (some keys used)"

# --- PATCH's answer: the row after the change --------------------------------
for id in "${ORDER[@]}"; do
	patch "$id" '{}'
	expect_status 200 "PATCH {} of key $id (${WHAT[$id]}): 200"
	same "PATCH {} of key $id (${WHAT[$id]}) answers the row" \
	    "$(stored "$id" | jq -c "$LISTED")" "$(jq -c .data "$TMP/b")"
done
# Each setting removed in turn from the key that has all of them.
for c in '"rate_limit":null' '"remaining_uses":null' '"allowed_ips":null' '"permissions":null' \
    '"enabled":false' '"enabled":true' "$RATE" "$USES" "$IPS" "$PERMS" '"allowed_ips":[]'; do
	patch "$ALL_ID" "{$c}"
	expect_status 200 "PATCH {$c}: 200"
	same "PATCH {$c} answers the row as changed" \
	    "$(stored "$ALL_ID" | jq -c "$LISTED")" "$(jq -c .data "$TMP/b")"
done
WHAT[$ALL_ID]="all, patched"

check_list "after PATCHes"

# --- rotation: the answer, then both rows --------------------------------------
for id in "$ALL_ID" "$LAST_NONE"; do
	req POST "/api/api-keys/$id/rotate" -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' \
	    --data-binary '{"grace_seconds":600}'
	expect_status 201 "rotate key $id (${WHAT[$id]}): 201"
	remember_secret "$(json '.data.secret // empty')"
	new=$(json '.data.id // empty')
	[ -n "$new" ] || continue
	old=$(stored "$id")
	same "rotate of key $id answers the new row and the old one" \
	    "$(stored "$new" | jq -c --argjson old "$old" '{id, name, key, secret: "-", permissions, expires_at,
	        created_at, rotated_from: $old.id, previous: {id: $old.id, expires_at: $old.expires_at,
	        revoked_at: $old.revoked_at}}')" "$(jq -c '.data.secret = "-" | .data' "$TMP/b")"
	WHAT[$new]="rotated from $id"
	ORDER=("$new" "${ORDER[@]}")
done

check_list "after rotations"

finish
