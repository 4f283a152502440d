# 50-concurrency.sh: many generates at once: one user keeps exactly one key (one that was returned), many users all succeed.
. "$(dirname "$0")/lib.sh"

GEN_RE="^\{\"success\":true,\"message\":\"API key generated successfully\",\"data\":\{\"id\":[0-9]+,\"key\":\"$KEY_RE\",\"secret\":\"$SEC_RE\"\}\}$"
# burst DIR PARALLEL < "NAME METHOD PATH TOKEN" lines: one curl per line, at
# most PARALLEL at a time, each bounded by --max-time; DIR/NAME.code and
# DIR/NAME.body hold each answer.
burst() {
	mkdir -p "$1"
	OUT=$1 BASE=$BASE xargs -P "$2" -n 4 sh -c 'curl -s --max-time 30 -o "$OUT/$1.body" -w "%{http_code}\n" \
	    -X "$2" -H "Authorization: Bearer $4" -H "Content-Length: 0" "$BASE$3" > "$OUT/$1.code" 2>/dev/null' sh
	keep_secrets "$1"/*.body
}
codes() { cat "$1"/*.code 2>/dev/null | sort | uniq -c | tr -s ' \n' ' '; }
# bodies_ok DIR CODE REGEX EXACT: every answer with CODE matches REGEX and
# every other answer is exactly EXACT; prints the offending files.
bodies_ok() {
	local c f bad=0 body
	for c in "$1"/*.code; do
		f=${c%.code}.body
		body=$(cat "$f" 2>/dev/null)
		if [ "$(cat "$c")" = "$2" ]; then
			[[ $body =~ $3 ]] || { bad=1; printf '#   %s: %s %s\n' "${f##*/}" "$(cat "$c")" "$body"; }
		elif [ "$body" != "$4" ]; then
			bad=1; printf '#   %s: %s %s\n' "${f##*/}" "$(cat "$c")" "$(head -c 300 "$f" 2>/dev/null)"
		fi
	done
	return $bad
}

# 1. 120 generates for one user, 40 at a time.
new_user race
RACE_TOKEN=$TOKEN
RACE_USER=$USER_ID
seq 1 120 | awk -v t="$RACE_TOKEN" '{ print $1, "POST", "/api/api-keys/generate", t }' | burst "$TMP/race" 40
n200=$(grep -lx 200 "$TMP/race"/*.code | wc -l)
diag "120 generates for one user: $(codes "$TMP/race")"
check "120 concurrent generates for one user: all 200 ($n200)" test "$n200" = 120
check "every 200 is the generate envelope, any other answer the exact generate 500" \
    bodies_ok "$TMP/race" 200 "$GEN_RE" "$GEN_FAILED"
nkeys=$(cat "$TMP/race"/*.body | jq -r '.data.key // empty' 2>/dev/null | sort -u | wc -l)
check "every 200 returned a different key ($nkeys)" test "$nkeys" -gt 0 -a "$nkeys" = "$n200"
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$RACE_USER" 1 "afterwards exactly one key for the user"
left=$("$TEST_SQL" "SELECT CONCAT(id, ' ', \`key\`) FROM api_keys WHERE user_id=$RACE_USER")
returned=$(cat "$TMP/race"/*.body | jq -r 'select(.data.key) | "\(.data.id) \(.data.key)"' 2>/dev/null)
check "the key left is one that was returned, with its id ($left)" \
    bash -c '[ -n "$1" ] && printf "%s\n" "$2" | grep -qxF -- "$1"' _ "$left" "$returned"
secret=$(cat "$TMP/race"/*.body | jq -r --arg k "${left#* }" 'select(.data.key == $k) | .data.secret' 2>/dev/null)
req GET "/api/api-keys/${left%% *}" -H "$(auth "$RACE_TOKEN")"
expect_status 200 "the key left shows"
# Verify: the stored hash belongs to the secret returned with it.
req POST /api/api-keys/verify -H 'Content-Type: application/json' \
    --data-binary "{\"key\":\"${left#* }\",\"secret\":\"$secret\"}"
expect_status 200 "the key left verifies with the secret returned beside it"

# 2. Generates and shows of one user at once: a show is the key or the 404;
#    another user's key, shown at the same time, is not disturbed.
new_user bystander
generate "$TOKEN"
B_KEY=$KEY_ID
B_TOKEN=$TOKEN
generate "$RACE_TOKEN"
FIRST=$KEY_ID
for i in $(seq 1 60); do
	echo "g$i POST /api/api-keys/generate $RACE_TOKEN"
	echo "s$i GET /api/api-keys/$FIRST $RACE_TOKEN"
	echo "b$i GET /api/api-keys/$B_KEY $B_TOKEN"
done | burst "$TMP/mixed" 40
diag "60 generates beside 120 shows: $(codes "$TMP/mixed")"
check "another user's key shown meanwhile: 60 of 60 answered 200" \
    test "$(cat "$TMP/mixed"/b*.code | grep -cx 200)" = 60
check "the 60 generates beside shows all answer 200" \
    test "$(cat "$TMP/mixed"/g*.code | grep -cx 200)" = 60
shows_ok=1
for c in "$TMP/mixed"/s*.code; do
	b=$(cat "${c%.code}.body")
	case $(cat "$c") in
	200) [[ $b =~ ^\{\"success\":true,\"message\":\"API\ key\ fetched\ successfully\",\"data\":\{\"id\":$FIRST, ]] || shows_ok=0 ;;
	404) [ "$b" = "$NOTFOUND_KEY" ] || shows_ok=0 ;;
	*) shows_ok=0 ;;
	esac
done
check "each show beside them is the key's 200 or the exact 404, nothing else" test "$shows_ok" = 1
expect_sql "SELECT COUNT(*) FROM api_keys WHERE user_id=$RACE_USER" 1 "and one key remains"

# 3. 200 generates spread over 20 users, 40 at a time.
: > "$TMP/users"
for i in $(seq 1 20); do new_user "many$i"; echo "$USER_ID $TOKEN" >> "$TMP/users"; done
for r in $(seq 1 10); do
	awk -v r="$r" '{ print r "-" NR, "POST", "/api/api-keys/generate", $2 }' "$TMP/users"
done | burst "$TMP/many" 40
n=$(grep -lx 200 "$TMP/many"/*.code | wc -l)
diag "200 generates over 20 users: $(codes "$TMP/many")"
check "200 generates over 20 users all answer 200 ($n)" test "$n" = 200
check "every answer is the generate envelope or the exact generate 500" \
    bodies_ok "$TMP/many" 200 "$GEN_RE" "$GEN_FAILED"
ok_show=0
while read -r uid t; do
	kid=$("$TEST_SQL" "SELECT GROUP_CONCAT(id) FROM api_keys WHERE user_id=$uid")
	req GET "/api/api-keys/$kid" -H "$(auth "$t")"
	[ "$STATUS" = 200 ] && ok_show=$((ok_show + 1))
done < "$TMP/users"
check "every user has exactly one key and it shows (20 of 20: $ok_show)" test "$ok_show" = 20

# 4. The random characters of every key and secret returned above (the 34
#    before the checksum, which is a CRC and not uniform) are uniform over
#    the 62 of [A-Za-z0-9]: a chi-square test (61 degrees of freedom; 110 is
#    passed by chance about once in 8000 runs; a modulo bias such as
#    byte % 62 scores near 170 on this many characters).
cat "$TMP"/race/*.body "$TMP"/mixed/g*.body "$TMP"/many/*.body 2>/dev/null |
    grep -aoE "MTP_(KEY|SEC)_[A-Za-z0-9]{40}" | cut -c9-42 > "$TMP/chars"
chi=$(awk 'BEGIN { a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" }
    { for (i = 1; i <= length($0); i++) { c[substr($0, i, 1)]++; n++ } }
    END { if (n == 0) { print "none"; exit }
          e = n / 62; x = 0
          for (i = 1; i <= 62; i++) { o = c[substr(a, i, 1)] + 0; x += (o - e) * (o - e) / e }
          printf "%.1f %d\n", x, n }' "$TMP/chars")
diag "chi-square of the key and secret characters: ${chi% *} over ${chi#* } characters"
check "key and secret characters are uniform over [A-Za-z0-9] (chi-square ${chi% *} < 110)" \
    awk -v x="${chi% *}" -v n="${chi#* }" 'BEGIN { exit !(x != "none" && n >= 20000 && x + 0 < 110) }'
finish
