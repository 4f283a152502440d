# lib.sh: helpers of the HTTP contract suite: requests with curl, byte-exact checks, TAP output, test users (sourced).
set -uo pipefail

: "${BASE:?BASE, the base URL of the server, is not set}"
CASE=$(basename "$0" .sh)
TMP=$(mktemp -d -t apikeys-http.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
STATUS=
BODY=
# Seconds one request may take before it counts as no answer (status 000).
REQ_MAX_TIME=${REQ_MAX_TIME:-20}

# --- TAP output -------------------------------------------------------------

ok() { PASSED=$((PASSED + 1)); printf 'ok - %s: %s\n' "$CASE" "$1"; }
# not_ok DESCRIPTION [DIAGNOSTIC LINE...]
not_ok() {
	printf 'not ok - %s: %s\n' "$CASE" "$1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
	FAILED=$((FAILED + 1))
}
diag() { printf '# %s\n' "$*"; }
# The last response for a diagnostic: status and body, cut to 600 bytes.
last_response() {
	local b
	b=$(head -c 600 "$TMP/b" 2>/dev/null | tr '\n\r\0' '   ')
	printf 'response %s: %s' "${STATUS:-none}" "$b"
}
# Requests the web server refuses before it reads a .htaccess (an encoded
# NUL, a path too long to map) get the host's own error page on shared
# hosting: a known limit there, reported as TODO rather than hidden.
# Only a response that is not JSON (the host's page) is marked: a JSON answer
# is the responder's, and is checked like any other.
host_edge() {
	if [ "${STACK_FRONT:-}" = htaccess ] && [ "$(header Content-Type)" != application/json ]; then
		printf ' # TODO refused by the host before .htaccess is read'
	fi
}
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "failed: $*"; fi
}

# --- requests ---------------------------------------------------------------

# req METHOD PATH [curl args...]: one request to $BASE$PATH.  Sets STATUS
# (000: no answer) and BODY; the body's exact bytes are in $TMP/b and the
# final response's headers, names lower-cased, in $TMP/hl.
req() {
	local method=$1 path=$2 a body=0 mopt
	shift 2
	# Send Content-Length: 0 on a POST without a body, as browsers and HTTP
	# libraries do (some front ends refuse a POST without a length: 411).
	for a in "$@"; do case $a in -d|--data*|-F|-T) body=1 ;; esac; done
	[ "$body" = 0 ] && [ "$method" = POST ] && set -- "$@" --data-binary ""
	if [ "$method" = HEAD ]; then mopt=(--head); else mopt=(-X "$method"); fi
	rm -f "$TMP/b" "$TMP/h"
	STATUS=$(curl -s -g "${mopt[@]}" --connect-timeout 5 --max-time "$REQ_MAX_TIME" \
	    -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$BASE$path") || STATUS=000
	[ -f "$TMP/b" ] || : > "$TMP/b"
	# Keep the trailing newlines, if any: the body is compared to the byte.
	BODY=$(cat "$TMP/b"; printf x)
	BODY=${BODY%x}
	# Only the last header block (a "100 Continue" may come first).
	tr -d '\r' < "$TMP/h" 2>/dev/null | awk '
	    /^HTTP\// { n = 0; next }
	    /^$/ { next }
	    { i = index($0, ":"); l[++n] = tolower(substr($0, 1, i - 1)) substr($0, i) }
	    END { for (j = 1; j <= n; j++) print l[j] }' > "$TMP/hl"
	keep_secrets "$TMP/b"
	no_stray_allow "$method" "$path"
}
# Only a 405 lists the methods of its path (RFC 9110, 15.5.6): checked on
# every answer of every case file, here where all of them pass.  A failure
# only: the count of checks stays the case files' own.
ALLOW_CHECKED=0
no_stray_allow() {
	local got
	ALLOW_CHECKED=$((ALLOW_CHECKED + 1))
	[ "$STATUS" = 405 ] && return 0
	got=$(header Allow)
	[ -z "$got" ] && return 0
	not_ok "$1 $2: no Allow header outside a 405" "got Allow: $got on $(last_response)"
}
# header NAME: the value of every occurrence of a response header, one a line.
header() {
	awk -v n="$(printf '%s' "$1" | tr 'A-Z' 'a-z')" '
	    { i = index($0, ":") }
	    i && substr($0, 1, i - 1) == n { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); print v }' "$TMP/hl"
}
auth() { printf 'Authorization: Bearer %s' "$1"; }
# json EXPR: a jq expression (raw output) on the last body.
json() { jq -r "$1" "$TMP/b" 2>/dev/null; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- assertions on the last response -----------------------------------------

# expect STATUS BODY DESCRIPTION: the status, the body to the byte, and the
# JSON content type every response carries.
expect() {
	local why=() ctype
	ctype=$(header Content-Type)
	[ "$STATUS" = "$1" ] || why+=("want status $1" "got  status $STATUS")
	if ! cmp -s "$TMP/b" <(printf '%s' "$2"); then
		why+=("want body $2" "got  body $(head -c 600 "$TMP/b" | tr '\n\r\0' '   ') ($(wc -c < "$TMP/b") bytes)")
	fi
	[ "$ctype" = application/json ] || why+=("want Content-Type: application/json" "got  Content-Type: $ctype")
	if [ ${#why[@]} -eq 0 ]; then ok "$3"; else not_ok "$3" "${why[@]}"; fi
}
# expect_body BODY DESCRIPTION: the body to the byte.
expect_body() {
	if cmp -s "$TMP/b" <(printf '%s' "$1"); then ok "$2"; else not_ok "$2" "want body $1" "got  $(last_response)"; fi
}
expect_status() {	# STATUS DESCRIPTION
	if [ "$STATUS" = "$1" ]; then ok "$2"; else not_ok "$2" "want status $1" "got  $(last_response)"; fi
}
# expect_header NAME VALUE DESCRIPTION: the header is present exactly once,
# with exactly that value.
expect_header() {
	local got
	got=$(header "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else
		not_ok "$3" "want $1: $2" "got  $1: ${got:-(absent)}" "$(last_response)"
	fi
}
# expect_header_lists NAME WORD DESCRIPTION: a comma-separated header holds WORD.
expect_header_lists() {
	local got
	got=$(header "$1")
	if printf '%s' "$got" | tr ',' '\n' | tr -d ' \t' | grep -qx -- "$2"; then ok "$3"; else
		not_ok "$3" "want $1 listing $2" "got  $1: ${got:-(absent)}"
	fi
}
expect_no_header() {	# NAME DESCRIPTION
	local got
	got=$(header "$1")
	if [ -z "$got" ]; then ok "$2"; else not_ok "$2" "want no $1 header" "got  $1: $got"; fi
}
# expect_match REGEX DESCRIPTION: the whole body (one string, newlines
# included) matches the extended regex; anchor it with ^ and $.
expect_match() {
	if [[ $BODY =~ $1 ]]; then ok "$2"; else not_ok "$2" "want /$1/" "got  $(last_response)"; fi
}
expect_json() {		# JQ-EXPR VALUE DESCRIPTION
	local got
	got=$(json "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3" "want $1 = $2" "got  $1 = $got" "$(last_response)"; fi
}
# body_lacks STRING DESCRIPTION: the (non-empty) string is nowhere in the body.
body_lacks() {
	if [ -n "$1" ] && ! grep -aqF -- "$1" "$TMP/b"; then ok "$2"; else not_ok "$2" "want no '$1' in the body" "got  $(last_response)"; fi
}
expect_sql() {		# SQL VALUE DESCRIPTION
	local got
	got=$("$TEST_SQL" "$1" 2>&1)
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3" "want $1" "  -> $2" "got  $got"; fi
}

# --- the contract's fixed answers --------------------------------------------

UNAUTH='{"success":false,"message":"Unauthenticated."}'
NOTFOUND_KEY='{"success":false,"message":"API key not found","code":404}'
NOTFOUND='{"success":false,"message":"Not Found."}'
NOTALLOWED='{"success":false,"message":"Method Not Allowed."}'
TOOLARGE='{"success":false,"message":"Payload Too Large."}'
BADREQUEST='{"success":false,"message":"Bad Request."}'
GEN_FAILED='{"success":false,"message":"An error occurred while generating the API key."}'
UNAVAILABLE='{"success":false,"message":"Service Unavailable."}'
INVALID_KEY='{"success":false,"message":"Invalid API key."}'
KEY_RE='MTP_KEY_[A-Za-z0-9]{40}'
SEC_RE='MTP_SEC_[A-Za-z0-9]{40}'
# A time as the contract writes it (microseconds), and one of whole seconds
# (what the SQL's NOW() stores: generate, revoke, last use).
TIME_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z'
TIME0_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.000000Z'
# A stored time as the contract writes it (run with SET time_zone='+00:00').
SQL_TIME="'%Y-%m-%dT%H:%i:%s.%fZ'"

# --- users, tokens, keys -----------------------------------------------------

# Every secret and token plaintext the run produced, for the scan at the end
# (SECRETS_FILE, shared by every case file of one run).
remember_secret() {
	[ -n "${SECRETS_FILE:-}" ] && [ -n "$1" ] && [ "$1" != null ] && printf '%s\n' "$1" >> "$SECRETS_FILE"
	return 0
}
# keep_secrets FILE...: remembers every secret that appears in the files.
keep_secrets() {
	[ -n "${SECRETS_FILE:-}" ] || return 0
	cat "$@" 2>/dev/null | grep -aoE "$SEC_RE" >> "$SECRETS_FILE"
	return 0
}

# new_user LABEL [user-add args]: a fresh user with one token.  Sets USER_ID,
# TOKEN (id|plaintext), TOKEN_ID and PLAIN.
new_user() {
	local email="$1-$CASE-$$-$RANDOM@example.com"
	shift
	USER_ID=$("$TEST_ADMIN" user-add "$email" "$@")
	TOKEN=$("$TEST_ADMIN" token-issue "$USER_ID")
	TOKEN_ID=${TOKEN%%|*}
	PLAIN=${TOKEN#*|}
	remember_secret "$PLAIN"
	if ! [[ $USER_ID =~ ^[0-9]+$ && $TOKEN =~ ^[0-9]+\|.+$ ]]; then
		not_ok "set-up: a user and a token for $email" "user-add said: $USER_ID" "token-issue said: $TOKEN"
	fi
}

# generate TOKEN: POST generate; sets KEY_ID, KEY, SECRET (empty on failure).
generate() {
	req POST /api/api-keys/generate -H "$(auth "$1")"
	KEY_ID=$(json '.data.id // empty')
	KEY=$(json '.data.key // empty')
	SECRET=$(json '.data.secret // empty')
	return 0
}

# finish: the exit status of the case file (1 when a check failed).
finish() {
	[ $((PASSED + FAILED)) -gt 0 ] || not_ok "the file made no check"
	diag "$ALLOW_CHECKED answers checked for a stray Allow header"
	exit $((FAILED > 0))
}
