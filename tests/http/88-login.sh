# 88-login.sh: POST /login and /logout (9.4): a password hashed by Laravel's own Hash signs in, wrong password and unknown e-mail answer alike in like time, the sixth failure within a minute is the 429, a success clears the count, logout deletes the calling token.
. "$(dirname "$0")/lib.sh"

LOGGED_OUT='{"success":true,"message":"Logged out successfully"}'
NO_MATCH='{"success":false,"message":"The given data was invalid.","errors":{"email":["These credentials do not match our records."]}}'
REQUIRED_BOTH='{"success":false,"message":"The given data was invalid.","errors":{"email":["The email field is required."],"password":["The password field is required."]}}'
REQUIRED_PW='{"success":false,"message":"The given data was invalid.","errors":{"password":["The password field is required."]}}'
NOT_OBJECT='{"success":false,"message":"The request body must be a JSON object."}'
login() { req POST /api/login -H 'Content-Type: application/json' --data-binary "$1"; }
body() { jq -cn --arg e "$1" --arg p "$2" '{email: $e, password: $p}'; }

# A user whose password Laravel's Hash::make wrote (its bcrypt hasher, the
# one Hash::make uses by default; Debian's php-laravel-framework).
PASSWORD='correct horse battery staple é'
hasher=/usr/share/php/Illuminate/Hashing/autoload.php
if command -v php >/dev/null && [ -f "$hasher" ]; then
	HASH=$(PW="$PASSWORD" php -r "require '$hasher'; echo (new Illuminate\\Hashing\\BcryptHasher())->make(getenv('PW'));")
	HASH_BY="Laravel's Hash"
else
	# Without Laravel the same kind of hash, as PHP's password_hash or
	# Python's crypt would write it; the test says so.
	HASH=$(PW="$PASSWORD" python3 -c 'import crypt,os; print(crypt.crypt(os.environ["PW"], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)).replace("$2b$", "$2y$", 1))')
	HASH_BY="crypt (Laravel is not installed)"
fi
check "the hash is bcrypt as Laravel writes it (\$2y\$10\$), by $HASH_BY" bash -c "[[ '$HASH' =~ ^\\\$2y\\\$1[0-9]\\\$.{53}\$ ]]"
new_user login
EMAIL=$("$TEST_SQL" "SELECT email FROM users WHERE id = $USER_ID")
"$TEST_SQL" "UPDATE users SET password = '$HASH' WHERE id = $USER_ID"

# 1. The body.
login ''
expect 400 "$NOT_OBJECT" "no body: 400"
login '[]'
expect 400 "$NOT_OBJECT" "an array: 400"
login '{}'
expect 422 "$REQUIRED_BOTH" "neither member: both required, email first"
login '{"email":5,"password":null}'
expect 422 "$REQUIRED_BOTH" "members that are not strings: required"
login "{\"email\":\"$EMAIL\"}"
expect 422 "$REQUIRED_PW" "no password: the password is required"

# 2. Success: a Sanctum token named keys-page with abilities ["*"].
login "$(body "$EMAIL" "$PASSWORD")"
expect_match '^\{"success":true,"message":"Logged in successfully","data":\{"token":"[0-9]+\|[A-Za-z0-9]{40}"\}\}$' \
    "the right password: 200 and a token id|plaintext"
expect_header Cache-Control no-store "no-store on the token"
T1=$(json .data.token)
remember_secret "${T1#*|}"
expect_sql "SELECT CONCAT_WS(' ', tokenable_type = CONCAT('App', CHAR(92), 'Models', CHAR(92), 'User'), tokenable_id, name, abilities)
    FROM personal_access_tokens WHERE id = ${T1%%|*}" "1 $USER_ID keys-page [\"*\"]" "stored as the user's (App\\Models\\User) keys-page token with every ability"
expect_sql "SELECT token = SHA2('${T1#*|}', 256) FROM personal_access_tokens WHERE id = ${T1%%|*}" 1 \
    "only its SHA-256 is stored"
req GET /api/api-keys -H "$(auth "$T1")"
expect_status 200 "the token works on the API"
login "$(body "$(printf '%s' "$EMAIL" | tr a-z A-Z)" "$PASSWORD")"
expect_status 200 "the e-mail in another case signs in too"
T2=$(json .data.token)
remember_secret "${T2#*|}"

# 3. Wrong password and unknown e-mail: one answer, after the same work.
login "$(body "$EMAIL" "wrong password")"
expect 422 "$NO_MATCH" "a wrong password: 422 on email"
login "$(body "nobody-$$-$RANDOM@example.com" "$PASSWORD")"
expect 422 "$NO_MATCH" "an unknown e-mail: the same answer"
# Timed tries, in pairs, the count of failures cleared between pairs (so
# the throttle never answers): the fastest of each kind is compared, the
# one least disturbed by whatever else the host is doing.
new_user timing
TEMAIL=$("$TEST_SQL" "SELECT email FROM users WHERE id = $USER_ID")
"$TEST_SQL" "UPDATE users SET password = '$HASH' WHERE id = $USER_ID"
t_wrong=() t_unknown=()
for i in 1 2 3 4 5 6 7; do
	a=$(now_ms); login "$(body "$TEMAIL" "wrong $i")"; b=$(now_ms)
	t_wrong+=($((b - a)))
	a=$(now_ms); login "$(body "unknown-$i-$$@example.com" "wrong $i")"; b=$(now_ms)
	t_unknown+=($((b - a)))
	"$TEST_SQL" "DELETE FROM apikeys_login_failures"
done
least() { printf '%s\n' "$@" | sort -n | head -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
mw=$(least "${t_wrong[@]}") mu=$(least "${t_unknown[@]}")
diff=$((mw > mu ? mw - mu : mu - mw))
diag "wrong password: ${t_wrong[*]} ms (least $mw, median $(median "${t_wrong[@]}")); unknown e-mail: ${t_unknown[*]} ms (least $mu, median $(median "${t_unknown[@]}")); difference of the least ${diff} ms"
check "wrong password and unknown e-mail take alike time (fastest ${mw} and ${mu} ms, within 30% + 20 ms)" \
    test "$diff" -le $(( (mw > mu ? mw : mu) * 30 / 100 + 20 ))

# 4. The throttle: 5 failures for one e-mail from one address in 60 s, then
# 429 before the password is looked at; a success clears the count.
new_user throttle
XEMAIL=$("$TEST_SQL" "SELECT email FROM users WHERE id = $USER_ID")
"$TEST_SQL" "UPDATE users SET password = '$HASH' WHERE id = $USER_ID"
for i in 1 2 3 4; do login "$(body "$XEMAIL" "wrong $i")"; done
expect 422 "$NO_MATCH" "the fourth failure: 422"
login "$(body "$XEMAIL" "$PASSWORD")"
expect_status 200 "a success after four failures signs in"
remember_secret "$(json .data.token | cut -d'|' -f2)"
expect_sql "SELECT COUNT(*) FROM apikeys_login_failures WHERE ip = '127.0.0.1' AND failures > 0 AND email_hash = SHA2(LOWER('$XEMAIL'), 256)" 0 \
    "and clears the count"
for i in 1 2 3 4 5; do login "$(body "$XEMAIL" "wrong $i")"; done
expect 422 "$NO_MATCH" "the fifth failure in a row: still 422"
login "$(body "$XEMAIL" "wrong 6")"
expect_match '^\{"success":false,"message":"Too many login attempts\. Please try again in [0-9]+ seconds\."\}$' \
    "the sixth within a minute: 429"
expect_status 429 "its status is 429"
N=$(json .message | tr -dc 0-9)
expect_header Retry-After "$N" "Retry-After says the same seconds ($N)"
check "N is 1 to 60" test "${N:-0}" -ge 1 -a "${N:-0}" -le 60
login "$(body "$XEMAIL" "$PASSWORD")"
expect_status 429 "the right password is refused too while throttled: not checked"
login "$(body "$(printf '%s' "$XEMAIL" | tr a-z A-Z)" "$PASSWORD")"
expect_status 429 "the e-mail in another case counts as the same"
login "$(body "$EMAIL" "$PASSWORD")"
expect_status 200 "another e-mail from the same address is not throttled"
remember_secret "$(json .data.token | cut -d'|' -f2)"
# The window over (moved back in the table): the user signs in again.
"$TEST_SQL" "UPDATE apikeys_login_failures SET window_start = window_start - INTERVAL 61 SECOND"
login "$(body "$XEMAIL" "$PASSWORD")"
expect_status 200 "after the minute the user signs in"
remember_secret "$(json .data.token | cut -d'|' -f2)"

# 5. Logout deletes the token that made the call, and only it.
req POST /api/logout -H "$(auth "$T1")"
expect 200 "$LOGGED_OUT" "logout: 200"
expect_sql "SELECT COUNT(*) FROM personal_access_tokens WHERE id = ${T1%%|*}" 0 "the token is deleted"
req GET /api/api-keys -H "$(auth "$T1")"
expect 401 "$UNAUTH" "and no longer works"
req GET /api/api-keys -H "$(auth "$T2")"
expect_status 200 "the other sign-in's token still works"
req POST /api/logout
expect 401 "$UNAUTH" "logout without a token: 401"
req GET /api/login
expect_status 405 "GET /login: 405"
expect_header Allow POST "Allow: POST"
req GET /api/logout -H "$(auth "$T2")"
expect_status 405 "GET /logout: 405"

# 6. The database restarted: a responder whose connection died answers
# 503 at most once (never 500), then signs in again.
"$TEST_CTL" db-stop
login "$(body "$EMAIL" "$PASSWORD")"
expect 503 "$UNAVAILABLE" "the database down: 503"
"$TEST_CTL" db-start
seen=
for i in 1 2 3 4 5 6 7 8; do
	login "$(body "$EMAIL" "$PASSWORD")"
	seen="$seen $STATUS"
	[ "$STATUS" = 200 ] && { remember_secret "$(json .data.token | cut -d'|' -f2)"; break; }
	sleep 0.5
done
check "the database back: signs in again, with no 500 on the way (answers:$seen)" \
    bash -c "[[ '$seen' == *200 && '$seen' != *500* ]]"

finish
