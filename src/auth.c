/* auth.c: Sanctum bearer tokens: parsing, lookup by id or hash, constant-time check. */
#include "ac-config.h"

#include <string.h>
#include <strings.h>

#include "auth.h"
#include "crypto.h"
#include "db_keys.h"
#include "log.h"
#include "number.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int
auth_bearer_token(const char *header, const char **tok, size_t *len)
{
	const char *p, *end;
	size_t i;

	if (header == NULL)
		return -1;
	while (is_blank(*header))
		header++;
	if (strncasecmp(header, "Bearer", 6) != 0 || !is_blank(header[6]))
		return -1;
	for (p = header + 6; is_blank(*p); p++)
		;
	/* The token: printable ASCII without blanks, at most AUTH_TOKEN_MAX
	 * bytes; then nothing but blanks to the end of the header. */
	for (end = p; end < p + AUTH_TOKEN_MAX + 1 && *end >= 0x21 && *end <= 0x7e; end++)
		;
	if (end == p || (size_t)(end - p) > AUTH_TOKEN_MAX)
		return -1;
	for (i = 0; end[i] != '\0'; i++)
		if (!is_blank(end[i]))
			return -1;
	*tok = p;
	*len = (size_t)(end - p);
	return 0;
}

int
auth_token_split(const char *tok, size_t len, uint64_t *id, const char **plain,
    size_t *plainlen)
{
	const char *bar = memchr(tok, '|', len);

	if (bar == NULL) {
		*id = 0;
		*plain = tok;
		*plainlen = len;
		return 0;
	}
	if (num_parse_id(tok, (size_t)(bar - tok), id) != 0)
		return -1;
	*plain = bar + 1;
	*plainlen = len - (size_t)(bar - tok) - 1;
	return *plainlen > 0 ? 0 : -1;
}

enum auth_result
auth_user(struct db *db, const char *header, unsigned expiration_minutes,
    struct auth_identity *who, struct auth_key *key)
{
	char hash[CRYPTO_HEX_SHA256 + 1];
	struct db_token row;
	const char *tok, *plain;
	size_t len, plainlen;
	uint64_t id;
	enum db_status rc;
	enum auth_result ar = AUTH_DENIED;
	int found = 0;

	memset(&row, 0, sizeof(row));
	if (auth_bearer_token(header, &tok, &len) != 0 ||
	    auth_token_split(tok, len, &id, &plain, &plainlen) != 0 ||
	    crypto_sha256_hex(plain, plainlen, hash) != 0)
		goto done;
	if (key != NULL)
		rc = db_token_with_key(db, id, hash, key->id, &row, key->row, &found);
	else if (id != 0)
		rc = db_token_by_id(db, id, &row);
	else
		rc = db_token_by_hash(db, hash, &row);
	switch (rc) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		goto done;
	case DB_UNAVAILABLE:
		ar = AUTH_UNAVAILABLE;
		goto done;
	case DB_ERROR:
	case DB_LIMIT:
		ar = AUTH_ERROR;
		goto done;
	}
	if (!crypto_equal(row.hash, hash, CRYPTO_HEX_SHA256) ||
	    (expiration_minutes > 0 &&
	    (row.age < 0 || row.age >= (int64_t)expiration_minutes * 60))) {
		found = 0;	/* never hand out a key unauthenticated */
		goto done;
	}
	/* Sanctum writes last_used_at on every request; once a minute is
	 * enough to answer "when was it last used" and spares the write. */
	if (row.stale && db_token_touch(db, row.id) != DB_OK)
		log_warn("auth: could not record last use of token %llu",
		    (unsigned long long)row.id);
	who->user_id = row.user_id;
	who->token_id = row.id;
	who->email_verified = row.email_verified;
	who->can_read = row.can_read;
	who->can_write = row.can_write;
	ar = AUTH_OK;
done:
	/* Every way out wipes the token's hash and the stored one. */
	crypto_wipe(hash, sizeof(hash));
	crypto_wipe(row.hash, sizeof(row.hash));
	if (key != NULL)
		key->found = ar == AUTH_OK && found;
	return ar;
}

int
auth_static_bearer(const char *header, const char *expected)
{
	const char *tok;
	size_t len, want = strlen(expected);

	if (auth_bearer_token(header, &tok, &len) != 0 || len != want)
		return 0;
	return crypto_equal(tok, expected, want);
}
