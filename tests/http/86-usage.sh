# 86-usage.sh: usage of a key: 500 parallel verifies over 5 keys add up outcome by outcome; counts reach the database within 5 s without another request, their write never delays a verify (a locked table), and they survive the responders' and the front end's graceful stops; a SIGKILL loses at most 5 s.
. "$(dirname "$0")/lib.sh"

OUTCOMES="valid invalid_secret disabled expired revoked forbidden_ip forbidden_permissions rate_limited usage_exceeded"
ZEROS='{"valid":0,"invalid_secret":0,"disabled":0,"expired":0,"revoked":0,"forbidden_ip":0,"forbidden_permissions":0,"rate_limited":0,"usage_exceeded":0}'
INVALID='"success":false,"message":"The given data was invalid."'

# wait_for SECONDS COMMAND...: runs the command every 0.1 s until it
# succeeds, for at most SECONDS; WAITED is the milliseconds it took.
wait_for() {
	local t0 end
	t0=$(now_ms)
	end=$((t0 + $1 * 1000))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && { WAITED=$(($(now_ms) - t0)); return 0; }
		[ "$(now_ms)" -lt "$end" ] || { WAITED=$(($(now_ms) - t0)); return 1; }
		sleep 0.1
	done
}
# mk NAME BODY: creates a key; sets ID, K, S.
mk() {
	req POST /api/api-keys -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' -d "$2"
	ID=$(json '.data.id // empty')
	K=$(json '.data.key // empty')
	S=$(json '.data.secret // empty')
	[ "$STATUS" = 201 ] || not_ok "set-up: key $1" "$(last_response)"
}
# db_count KEY_ID OUTCOME_NUMBER: what the database holds (every shard).
db_count() {
	"$TEST_SQL" "SELECT IFNULL(SUM(count), 0) FROM api_key_usage WHERE key_id = $1 AND outcome = $2"
}

new_user usage
mk plain '{"name":"plain"}'
A_ID=$ID A_K=$K A_S=$S
mk revoked '{"name":"revoked"}'
B_ID=$ID B_K=$K B_S=$S
req DELETE "/api/api-keys/$B_ID" -H "$(auth "$TOKEN")"
mk disabled '{"name":"disabled"}'
C_ID=$ID C_K=$K C_S=$S
req PATCH "/api/api-keys/$C_ID" -H "$(auth "$TOKEN")" -H 'Content-Type: application/json' -d '{"enabled":false}'
soon=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
mk expiring "{\"name\":\"expiring\",\"expires_at\":\"$soon\"}"
D_ID=$ID D_K=$K D_S=$S
mk settings '{"name":"settings","permissions":["a"],"allowed_ips":["10.0.0.0/8"],"rate_limit":{"limit":40,"window_seconds":86400},"remaining_uses":60}'
E_ID=$ID E_K=$K E_S=$S
# Until the expiring key has expired, by the clock the responders read
# (a verify to find out would count, and change the figures below).
past_soon() { [ "$(date -u +%s)" -gt "$(date -u -d "$soon" +%s)" ]; }
wait_for 10 past_soon || not_ok "set-up: the clock passes $soon"

# Each kind of verify: the key it names, and the 401's outcome (the client
# cannot tell the 401s apart; the test knows what it sent).
export BASE A_K A_S B_K B_S C_K C_S D_K D_S E_K E_S
cat > "$TMP/one.sh" <<'EOS'
#!/bin/bash
# one.sh KIND: one verify; prints "KIND STATUS MESSAGE".
k=$1
case $k in
a_ok)	b="{\"key\":\"$A_K\",\"secret\":\"$A_S\"}" ;;
a_bad)	w=${A_S%?}x; [ "$w" = "$A_S" ] && w=${A_S%?}y	# another last character
	b="{\"key\":\"$A_K\",\"secret\":\"$w\"}" ;;
a_nosec) b="{\"key\":\"$A_K\"}" ;;
a_numsec) b="{\"key\":\"$A_K\",\"secret\":5}" ;;
b)	b="{\"key\":\"$B_K\",\"secret\":\"$B_S\"}" ;;
c)	b="{\"key\":\"$C_K\",\"secret\":\"$C_S\"}" ;;
d)	b="{\"key\":\"$D_K\",\"secret\":\"$D_S\"}" ;;
e_ip)	b="{\"key\":\"$E_K\",\"secret\":\"$E_S\"}" ;;
e_perm)	b="{\"key\":\"$E_K\",\"secret\":\"$E_S\",\"client_ip\":\"10.1.2.3\",\"permissions\":[\"b\"]}" ;;
e_use)	b="{\"key\":\"$E_K\",\"secret\":\"$E_S\",\"client_ip\":\"10.1.2.3\",\"permissions\":[\"a\"]}" ;;
e_big)	b="{\"key\":\"$E_K\",\"secret\":\"$E_S\",\"client_ip\":\"10.1.2.3\",\"cost\":1000}" ;;
unknown) b="{\"key\":\"MTP_KEY_${A_K:8:30}0000000000\",\"secret\":\"$A_S\"}" ;;
bad)	b="{\"key\":\"$A_K\",\"secret\":\"$A_S\",\"cost\":\"x\"}" ;;
esac
out=$(curl -s --max-time 30 -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    -d "$b" "$BASE/api/api-keys/verify")
printf '%s %s %s\n' "$k" "${out##*$'\n'}" "$(printf '%s' "${out%$'\n'*}" | jq -r '.message' 2>/dev/null | tr ' ' _)"
EOS
chmod +x "$TMP/one.sh"

# outcome_of KIND STATUS MESSAGE: "KEYVAR OUTCOME", or nothing.
outcome_of() {
	case $2 in
	200) case $1 in a_*) echo "A valid" ;; *) echo "E valid" ;; esac ;;
	401) case $1 in
		a_bad|a_nosec|a_numsec) echo "A invalid_secret" ;; b) echo "B revoked" ;; c) echo "C disabled" ;;
		d) echo "D expired" ;; esac ;;
	403) case $3 in *address*) echo "E forbidden_ip" ;; *) echo "E forbidden_permissions" ;; esac ;;
	429) case $3 in Rate*) echo "E rate_limited" ;; *) echo "E usage_exceeded" ;; esac ;;
	esac
}
# tally FILE: the expected count per "KEY OUTCOME", as shell assignments.
tally() {
	local kind code msg
	while read -r kind code msg; do outcome_of "$kind" "$code" "$msg"; done < "$1" | sort | uniq -c
}

# 1. 500 verifies, 16 at a time, of every kind.
unknown_before=$("$TEST_SQL" "SELECT IFNULL(SUM(count), 0) FROM api_key_usage WHERE key_id = 0 AND outcome = 9")
kinds="a_ok a_ok a_ok a_bad a_bad a_nosec a_numsec b c d e_ip e_perm e_use e_use e_use e_big unknown bad"
for i in $(seq 1 500); do set -- $kinds; shift $((RANDOM % $#)); echo "$1"; done > "$TMP/plan"
xargs -P 16 -n 1 "$TMP/one.sh" < "$TMP/plan" > "$TMP/seen"
t_last=$(now_ms)
check "500 verifies answered" test "$(wc -l < "$TMP/seen")" = 500
bad_status=$(awk '$2 !~ /^(200|401|403|422|429)$/' "$TMP/seen" | head -5)
check "no verify answered anything but 200, 401, 403, 422, 429${bad_status:+ ($bad_status)}" test -z "$bad_status"
tally "$TMP/seen" > "$TMP/want"
diag "the clients saw: $(tr -s ' \n' ' ' < "$TMP/want")"
for o in $OUTCOMES; do
	grep -q " $o\$" "$TMP/want" || not_ok "the run produced no $o (the test needs every outcome)"
done
# want KEYVAR OUTCOME: the count the clients saw.
want() { awk -v k="$1" -v o="$2" '$2 == k && $3 == o { print $1; f = 1 } END { if (!f) print 0 }' "$TMP/want"; }
# totals_want KEYVAR: the expected totals object.
totals_want() {
	local o sep='' s='{'
	for o in $OUTCOMES; do s="$s$sep\"$o\":$(want "$1" "$o")"; sep=,; done
	printf '%s}' "$s"
}
# usage_equal: every key's totals through the usage API equal the clients'.
usage_equal() {
	local v id
	for v in A B C D E; do
		id=${v}_ID
		req GET "/api/api-keys/${!id}/usage" -H "$(auth "$TOKEN")"
		[ "$(jq -c '.data.totals' "$TMP/b" 2>/dev/null)" = "$(totals_want $v)" ] || return 1
	done
}
# When the counts reach the database: one cheap query per poll (the five
# API calls below take long on a busy host, and would be timed too).
n_keyed=$(awk '{ n += $1 } END { print n + 0 }' "$TMP/want")
all_written() {
	[ "$("$TEST_SQL" "SELECT IFNULL(SUM(count), 0) FROM api_key_usage WHERE key_id IN ($A_ID, $B_ID, $C_ID, $D_ID, $E_ID)")" -ge "$n_keyed" ]
}
if wait_for 10 all_written; then
	since=$(($(now_ms) - t_last))
	diag "the $n_keyed counts were in the database $since ms after the last answer"
	check "within 5 s of the last answer ($since ms)" test "$since" -le 5000
else
	not_ok "the $n_keyed counts reach the database within 10 s"
fi
if wait_for 10 usage_equal; then
	ok "the usage API's totals of the 5 keys equal what the clients saw, outcome by outcome"
else
	not_ok "the usage API's totals of the 5 keys equal what the clients saw" \
	    "last: $(jq -c '.data.totals' "$TMP/b") want $(totals_want E)"
fi
n_unknown=$(awk '$1 == "unknown"' "$TMP/seen" | wc -l)
expect_sql "SELECT IFNULL(SUM(count), 0) - $unknown_before FROM api_key_usage WHERE key_id = 0 AND outcome = 9" \
    "$n_unknown" "unknown keys are counted under key 0, for the admin tool"
expect_sql "SELECT COUNT(*) FROM api_key_usage WHERE key_id NOT IN (0, $A_ID, $B_ID, $C_ID, $D_ID, $E_ID) AND user_id = $USER_ID" \
    0 "no count for anything else (422s count for no key)"

# 2. The shapes: one key's hours, zeros included; the user's sums and keys.
req GET "/api/api-keys/$A_ID/usage" -H "$(auth "$TOKEN")"
expect_status 200 "key usage: 200"
expect_match '^\{"success":true,"message":"API key usage fetched successfully","data":\{"key_id":'"$A_ID"',"granularity":"hour","from":"'"$TIME_RE"'","to":"'"$TIME_RE"'","totals":\{[^}]*\},"buckets":\[' \
    "key usage: the envelope and members in order"
expect_json '.data.buckets | length' 25 "key usage: the last 24 hours are 25 hourly buckets"
expect_json '.data.from | test(":00:00.000000Z$")' true "key usage: from is the start of an hour"
expect_json '[.data.buckets[] | .valid] | add' "$(want A valid)" "key usage: the buckets add up to the totals"
expect_json '.data.buckets[0] | del(.start) | tojson' "$ZEROS" "key usage: an empty hour is all zeros, outcomes in the table's order"
expect_json '.data.buckets[-1].start' "$(date -u +%Y-%m-%dT%H:00:00.000000Z)" "key usage: the last bucket is this hour"
req GET /api/usage -H "$(auth "$TOKEN")"
expect_status 200 "user usage: 200"
expect_match '^\{"success":true,"message":"Usage fetched successfully","data":\{"granularity":"hour","from":' "user usage: the envelope"
expect_json '[.data.keys[].key_id] | map(tostring) | join(",")' "$A_ID,$B_ID,$C_ID,$D_ID,$E_ID" "user usage: every key with a count, by id"
expect_json '.data.keys[0].name' plain "user usage: keys carry their name"
expect_json '.data.totals.valid' "$(($(want A valid) + $(want E valid)))" "user usage: totals sum the keys"
expect_json '.data.keys[4].totals.rate_limited' "$(want E rate_limited)" "user usage: a key's own totals"
from=$(date -u -d '-3 hours' +%Y-%m-%dT%H:30:00)
req GET "/api/api-keys/$A_ID/usage?granularity=day&from=${from}%2B01:00" -H "$(auth "$TOKEN")"
expect_json '[.data.granularity, .data.from[11:], (.data.buckets | length >= 1), .data.totals.valid] | map(tostring) | join(" ")' \
    "day 00:00:00.000000Z true $(want A valid)" "daily buckets start at UTC midnight; an offset is decoded from %2B"

# 3. The 422s, in the order from, to, granularity; 404 before them.
req GET "/api/api-keys/$A_ID/usage?from=yesterday&to=now&granularity=week" -H "$(auth "$TOKEN")"
expect 422 "{$INVALID,\"errors\":{\"from\":[\"The from field must be a valid date.\"],\"to\":[\"The to field must be a valid date.\"],\"granularity\":[\"The selected granularity is invalid.\"]}}" \
    "key usage: every field's first failing rule, in order"
req GET "/api/usage?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z" -H "$(auth "$TOKEN")"
expect 422 "{$INVALID,\"errors\":{\"to\":[\"The to field must be at most 744 hours after from.\"]}}" "user usage: at most 744 hours"
req GET "/api/usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z&granularity=day" -H "$(auth "$TOKEN")"
expect 422 "{$INVALID,\"errors\":{\"to\":[\"The to field must be a date after from.\"]}}" "user usage: to after from"
req GET "/api/api-keys/999999999/usage?from=bad" -H "$(auth "$TOKEN")"
expect 404 "$NOTFOUND_KEY" "key usage of a missing key: 404 before the 422"
req GET "/api/api-keys/$A_ID/usage"
expect 401 "$UNAUTH" "key usage without a token: 401"
req POST "/api/usage" -H "$(auth "$TOKEN")"
expect 405 "$NOTALLOWED" "POST /api/usage: 405"

# 3b. The admin tool: the same figures, as text and CSV; the service's
#     totals with unknown keys; usage errors exit 2, an unknown user 1.
"$TEST_ADMIN" usage "$USER_ID" --csv > "$TMP/csv"
check "admin usage --csv: the header line" test "$(head -1 "$TMP/csv")" = "key_id,start,outcome,count"
csv_sum=$(awk -F, -v k="$E_ID" 'NR > 1 && $1 == k && $3 == "rate_limited" { s += $4 } END { print s + 0 }' "$TMP/csv")
check "admin usage --csv: a key's rows add up to what the clients saw ($csv_sum)" test "$csv_sum" = "$(want E rate_limited)"
check "admin usage --csv: rows by key, start, outcome" bash -c "tail -n +2 '$TMP/csv' | cut -d, -f1 | sort -n -c"
check "admin usage --csv: no zero rows" bash -c "! tail -n +2 '$TMP/csv' | grep -q ',0\$'"
"$TEST_ADMIN" usage "$USER_ID" --granularity day > "$TMP/text"
check "admin usage: a header, then one line per key and day" \
    test "$(head -1 "$TMP/text" | tr '\t' ' ')" = "key_id start $OUTCOMES"
"$TEST_ADMIN" usage --all > "$TMP/all"
check "admin usage --all: ten outcomes, unknown_key last" \
    test "$(cut -d' ' -f1 "$TMP/all" | tr '\n' ' ')" = "$OUTCOMES unknown_key "
"$TEST_ADMIN" usage "$USER_ID" --granularity week >/dev/null 2>&1
check "admin usage with a wrong granularity: exit 2" test $? = 2
"$TEST_ADMIN" usage nobody-$$@example.com >/dev/null 2>&1
check "admin usage of an unknown e-mail: exit 1" test $? = 1
"$TEST_SQL" "INSERT INTO api_key_usage (key_id, hour, outcome, shard, user_id, count)
    VALUES ($A_ID, FLOOR(UNIX_TIMESTAMP() / 3600) - 401 * 24, 0, 99, $USER_ID, 5)"
"$TEST_ADMIN" prune > "$TMP/prune"
expect_sql "SELECT COUNT(*) FROM api_key_usage WHERE shard = 99" 0 "prune deletes counts older than APIKEYS_USAGE_DAYS (400)"
req GET "/api/api-keys/$A_ID/usage" -H "$(auth "$TOKEN")"
expect_json '.data.totals.valid' "$(want A valid)" "prune keeps the recent counts"

# 4. No request after the last verify: the count is written all the same.
before=$(db_count "$A_ID" 0)
"$TMP/one.sh" a_ok > "$TMP/idle"
t0=$(now_ms)
more() { [ "$(db_count "$A_ID" 0)" -gt "$before" ]; }
if wait_for 8 more; then
	diag "an idle responder wrote its count $WAITED ms after the answer"
	check "no request follows: the count reaches the database within 5 s ($WAITED ms)" test "$WAITED" -le 5000
else
	not_ok "no request follows: the count reaches the database" "$(cat "$TMP/idle")"
fi

# 4b. The write is off the request path: while another session holds the
#     counts' table locked (6 s), verifies answer in their usual time,
#     though counts fall due meanwhile; they arrive once the lock is gone.
before=$(db_count "$A_ID" 0)
"$TEST_SQL" "LOCK TABLES api_key_usage WRITE; SELECT SLEEP(6); UNLOCK TABLES" >/dev/null 2>&1 &
locker=$!
locked() { [ "$("$TEST_SQL" "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(6)%'")" = 1 ]; }
wait_for 5 locked || diag "the lock is not seen held"
t_lock=$(now_ms)
SENT=0 slowest=0
while [ $(($(now_ms) - t_lock)) -lt 4000 ]; do
	out=$(curl -s -o /dev/null --max-time 30 -w '%{http_code} %{time_total}' -X POST -H 'Content-Type: application/json' \
	    -d "{\"key\":\"$A_K\",\"secret\":\"$A_S\"}" "$BASE/api/api-keys/verify")
	[ "${out%% *}" = 200 ] && SENT=$((SENT + 1))
	ms=$(awk -v t="${out#* }" 'BEGIN { printf "%d", t * 1000 }')
	[ "$ms" -gt "$slowest" ] && slowest=$ms
done
diag "$SENT verifies in the 4 s after the lock, the slowest $slowest ms"
check "a held lock on the counts' table delays no verify (slowest of $SENT: $slowest ms, at most 1000)" test "$slowest" -le 1000
wait "$locker"
t_unlock=$(now_ms)
arrived() { [ "$(db_count "$A_ID" 0)" = $((before + SENT)) ]; }
if wait_for 10 arrived; then
	check "the counts held back by the lock arrive after it ($(($(now_ms) - t_unlock)) ms after)" true
else
	not_ok "the counts held back by the lock arrive after it" "want $((before + SENT)), stored $(db_count "$A_ID" 0)"
fi

# burst N: N valid verifies of key A, sequentially; sets SENT (200s seen).
burst() {
	local i
	SENT=0
	: > "$TMP/burst"
	for i in $(seq 1 "$1"); do
		[ "$("$TMP/one.sh" a_ok | cut -d' ' -f2)" = 200 ] && SENT=$((SENT + 1)) && now_ms >> "$TMP/burst"
	done
}
# stopped_then_counted WHAT COMMAND...: a burst, the command at once (well
# inside the second a count may wait), then every count must be there.
stopped_then_counted() {
	local what=$1 b n
	shift
	b=$(db_count "$A_ID" 0)
	burst 20
	"$@"
	n=$((b + SENT))
	exact() { [ "$(db_count "$A_ID" 0)" = "$n" ]; }
	if wait_for 10 exact; then ok "$what: every count written ($SENT)"; else
		not_ok "$what: every count written" "want $n, the database has $(db_count "$A_ID" 0)"; fi
	A_VALID=$n
	"$TEST_CTL" responders-again >/dev/null 2>&1
	wait_for 60 bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" -X POST -d "{}" "$BASE/api/api-keys/verify")" = 401 ]'
}
# signal_responders SIG: sends it to every responder and waits until they are gone.
signal_responders() {
	local pids
	pids=$("$TEST_CTL" responder-pids)
	[ -n "$pids" ] && kill "-$1" $pids 2>/dev/null
	gone() { local p; for p in $pids; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
	wait_for 20 gone || diag "responders still running 20 s after SIG$1"
}

# 5. Normal stops: SIGTERM (mod_fcgid's idle and lifetime ends,
#    spawn-fcgi supervisors), SIGUSR1, and the front end's graceful restart.
stopped_then_counted "SIGTERM to the responders" signal_responders TERM
stopped_then_counted "SIGUSR1 to the responders" signal_responders USR1
stopped_then_counted "a graceful restart of ${STACK_FRONT:-the front end}" "$TEST_CTL" front-graceful

# 6. SIGKILL: a burst of verifies, every responder killed at once after
#    it; what was lost is measured, and is at most the last 5 s of answers.
"$TMP/one.sh" a_ok >/dev/null	# responders running, known before the burst
pids=$("$TEST_CTL" responder-pids)
# Everything before the burst is written (that one count included).
A_VALID=$((A_VALID + 1))
settled() { [ "$(db_count "$A_ID" 0)" = "$A_VALID" ]; }
wait_for 10 settled || diag "before the SIGKILL burst: $(db_count "$A_ID" 0) counts of key A stored, $A_VALID answered"
b=$(db_count "$A_ID" 0)
t0=$(now_ms)
burst 20
t_kill=$(now_ms)
[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
dead() { local p; for p in $pids; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
wait_for 10 dead || diag "responders alive after SIGKILL"
# A write the killed processes had sent may still be running in the
# server: the figure is read once no write of counts is (the responders
# started since have counted nothing).
no_write() {
	[ "$("$TEST_SQL" "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'apikeys' AND info LIKE 'INSERT INTO api_key_usage%'")" = 0 ]
}
wait_for 10 no_write || diag "a write of counts still running 10 s after the SIGKILL"
got=$(($(db_count "$A_ID" 0) - b))
lost=$((SENT - got))
diag "SIGKILL of $(echo $pids | wc -w) responders after $SENT valid answers in $((t_kill - t0)) ms: $got counted, $lost lost"
recent=$(awk -v t="$t_kill" '$1 > t - 5000' "$TMP/burst" | wc -l)
check "SIGKILL loses at most the last 5 s of answers ($lost lost, $recent answered in them)" \
    test "$lost" -ge 0 -a "$lost" -le "$recent"
"$TEST_CTL" responders-again >/dev/null 2>&1
wait_for 60 bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" -X POST -d "{}" "$BASE/api/api-keys/verify")" = 401 ]'
finish
