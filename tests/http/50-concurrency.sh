# 50-concurrency.sh: many generates at once: one user keeps exactly one key, many users all succeed.
. "$(dirname "$0")/lib.sh"

new_user race
mkdir -p "$TMP/race"
seq 1 200 | xargs -P 200 -I{} curl -s --max-time 30 -o "$TMP/race/{}" -w '%{http_code}\n' \
    -X POST -d '' -H "$(auth "$TOKEN")" "$BASE/api/api-keys/generate" > "$TMP/codes"
cat "$TMP/race"/* | jq -r '.data.secret // empty' 2>/dev/null >> "${SECRETS_FILE:-/dev/null}"
n200=$(grep -c '^200$' "$TMP/codes")
printf '# 200 concurrent generates for one user: %s answered 200; others: %s\n' "$n200" \
    "$(grep -v '^200$' "$TMP/codes" | sort | uniq -c | tr '\n' ' ')"
check "200 concurrent generates all answer 200" test "$n200" = 200
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$USER_ID" 1 "exactly one key remains"
left=$("$TEST_SQL" "SELECT \`key\` FROM api_keys WHERE user_id=$USER_ID")
check "the key left is one that was returned" grep -rqF "$left" "$TMP/race"

# 200 generates spread over 20 users.
: > "$TMP/users"
for i in $(seq 1 20); do new_user "many$i"; echo "$TOKEN" >> "$TMP/users"; done
mkdir -p "$TMP/many"
for r in $(seq 1 10); do awk -v r="$r" '{ print r "-" NR, $0 }' "$TMP/users"; done > "$TMP/list"
MANY=$TMP/many BASE=$BASE xargs -P 40 -n 2 sh -c 'curl -s --max-time 30 -o "$MANY/$1" \
    -w "%{http_code}\n" -X POST -d "" -H "Authorization: Bearer $2" "$BASE/api/api-keys/generate"' sh \
    < "$TMP/list" > "$TMP/codes2"
n=$(grep -c '^200$' "$TMP/codes2")
printf '# 200 generates over 20 users: %s answered 200\n' "$n"
check "200 generates over 20 users all answer 200" test "$n" = 200
cat "$TMP/many"/* 2>/dev/null | jq -r '.data.secret // empty' >> "${SECRETS_FILE:-/dev/null}"
ok_show=0
while read -r t; do
	uid=$("$TEST_SQL" "SELECT tokenable_id FROM personal_access_tokens WHERE id=${t%%|*}")
	kid=$("$TEST_SQL" "SELECT id FROM api_keys WHERE user_id=$uid")
	req GET "/api/api-keys/$kid" -H "$(auth "$t")"
	[ "$STATUS" = 200 ] && ok_show=$((ok_show + 1))
done < "$TMP/users"
check "every user's remaining key shows (20 of 20)" test "$ok_show" = 20
finish
