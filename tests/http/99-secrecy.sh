# 99-secrecy.sh: after the whole run, no secret or bearer token plaintext is in the database dump or in any log of the stack; no file of the stack that holds the database password or the pepper is readable by others, and the database listens on TCP only if asked.
. "$(dirname "$0")/lib.sh"

# A last secret and token made here, so the scan never has nothing to find.
new_user secrecy
generate "$TOKEN"
"$TEST_CTL" db-dump > "$TMP/dump"
check "the dump holds api_keys rows (the scan is real)" grep -q "MTP_KEY_" "$TMP/dump"
check "the dump holds this file's key" grep -qF "$KEY" "$TMP/dump"
sort -u "${SECRETS_FILE:?SECRETS_FILE is not set: run through run.sh}" | grep -v '^$' > "$TMP/secrets"
n=$(wc -l < "$TMP/secrets")
nsec=$(grep -c '^MTP_SEC_' "$TMP/secrets")
diag "scanning for $n secrets and token plaintexts ($nsec secrets)"
check "the run's secrets and tokens were collected ($n, $nsec secrets)" test "$n" -gt 2 -a "$nsec" -gt 0
check "this file's secret and token are among them" bash -c \
    'grep -qxF -- "$1" "$3" && grep -qxF -- "$2" "$3"' _ "$SECRET" "$PLAIN" "$TMP/secrets"
# The scan itself finds what it looks for: a stored key is found in the dump.
printf '%s\n' "$KEY" > "$TMP/probe"
check "the scan finds a string that is there (a key in the dump)" grep -qF -f "$TMP/probe" "$TMP/dump"

hits=$(grep -aF -f "$TMP/secrets" "$TMP/dump" | wc -l)
check "no secret or token plaintext in the database dump ($hits lines)" test "$hits" = 0
check "no MTP_SEC_ at all in the database dump" bash -c '! grep -aq MTP_SEC_ "$1"' _ "$TMP/dump"
"$TEST_CTL" logs > "$TMP/logs"
check "there are logs to scan ($(wc -l < "$TMP/logs") files)" test -s "$TMP/logs"
while read -r f; do
	[ -f "$f" ] || continue
	hits=$(grep -aF -f "$TMP/secrets" "$f" | wc -l)
	check "no secret or token plaintext in $(basename "$f") ($hits lines)" test "$hits" = 0
	check "no MTP_SEC_ in $(basename "$f")" bash -c '! grep -aq MTP_SEC_ "$1"' _ "$f"
done < "$TMP/logs"
# The stack's own files: the settings hold the database password and the
# pepper; no file that holds either may be readable by group or others, the
# directory is private, and MariaDB listens on no TCP port unless the stack
# asked for one (STACK_DB_TCP=1).
if [ -n "${STACK_DIR:-}" ] && [ -d "$STACK_DIR" ] && [ -n "${STACK_DB_PASSWORD:-}" ] &&
    [ -n "${STACK_PEPPER:-}" ]; then
	mode=$(stat -c %a "$STACK_DIR")
	check "the stack directory is private (mode $mode: 700, or 710 for the web user's group)" \
	    bash -c '[ "$1" = 700 ] || { [ "$1" = 710 ] && [ "$(stat -c %G "$2")" = www-data ]; }' _ "$mode" "$STACK_DIR"
	printf '%s\n%s\n' "$STACK_DB_PASSWORD" "$STACK_PEPPER" > "$TMP/stack-secrets"
	grep -rlF -f "$TMP/stack-secrets" "$STACK_DIR" 2>/dev/null | sort > "$TMP/secret-files"
	check "files of the stack hold the password or pepper (the scan is real: $(wc -l < "$TMP/secret-files"))" \
	    grep -q . "$TMP/secret-files"
	while read -r f; do
		m=$(stat -c %a "$f")
		check "$(basename "$f") holds a secret and is mode $m, owner $(stat -c %U "$f"): no access for group or others" \
		    bash -c '[ $((0$1 & 077)) = 0 ]' _ "$m"
	done < "$TMP/secret-files"
	pid=$(cat "$STACK_DIR/run/mysqld.pid" 2>/dev/null)
	if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
		# The listening TCP sockets (state 0A) among the server's descriptors.
		inodes=$(find "/proc/$pid/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n')
		listening=$(awk 'FNR > 1 && $4 == "0A" { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		    grep -cxF -f <(printf '%s\n' $inodes) || true)
		diag "mysqld (pid $pid) listening TCP sockets: $listening"
		if [ "${STACK_DB_TCP:-0}" = 1 ]; then
			check "mysqld listens on TCP, as this stack asked" test "$listening" -gt 0
		else
			check "mysqld listens on no TCP port (unix socket only)" test "$listening" = 0
		fi
	fi
fi
finish
