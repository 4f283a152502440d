# 99-secrecy.sh: after the whole run, no secret or bearer token plaintext is in the database dump or in any log of the stack.
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
finish
