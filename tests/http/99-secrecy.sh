# 99-secrecy.sh: after the whole run, no secret or bearer token is in the database dump or any log.
. "$(dirname "$0")/lib.sh"

"$TEST_CTL" db-dump > "$TMP/dump"
check "the dump holds keys (the scan is real)" grep -q MTP_KEY_ "$TMP/dump"
sort -u "${SECRETS_FILE:?}" | grep -v '^$' > "$TMP/secrets"
n=$(wc -l < "$TMP/secrets")
printf '# scanning for %d secrets and tokens\n' "$n"
check "the run produced secrets and tokens to look for" test "$n" -gt 50
"$TEST_CTL" logs > "$TMP/logs"
check "there are logs to scan" test -s "$TMP/logs"
hits=$(grep -F -f "$TMP/secrets" "$TMP/dump" | wc -l)
check "no secret or token in the database dump ($hits lines)" test "$hits" = 0
while read -r f; do
	hits=$(grep -a -F -f "$TMP/secrets" "$f" | wc -l)
	check "no secret or token in $(basename "$f") ($hits lines)" test "$hits" = 0
done < "$TMP/logs"
finish
