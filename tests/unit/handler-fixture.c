/* handler-fixture.c: the handler test programs' shared fixture: the seeded fake database and one request through the whole path (handler-fixture.h). */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "handler-fixture.h"
#include "request.h"
#include "response.h"
#include "router.h"

/* Defined only by the real database layer: linked, they would not be NULL. */
void db_run_prepared(void) __attribute__((weak));
void db_tx_run(void) __attribute__((weak));

struct config cfg;
struct app app;
const char *remote_addr;
char k7[64], s7[64], k8[64], k9[64], s9[64], k10[64], s10[64];
struct answer r;
int length_mismatch;

void
make_value(char *out, const char *prefix, const char *start, const char *tail)
{
	size_t used = strlen(start) + strlen(tail);

	snprintf(out, 64, "%s%s%.*s%s", prefix, start, (int)(40 - used),
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", tail);
}

void
hmac_hex(const char *secret, char out[CRYPTO_HEX_SHA256 + 1])
{
	if (crypto_hmac_sha256_hex(PEPPER, strlen(PEPPER), secret, strlen(secret), out) != 0)
		out[0] = '\0';
}

static void
sha_hex(const char *plain, char out[CRYPTO_HEX_SHA256 + 1])
{
	if (crypto_sha256_hex(plain, strlen(plain), out) != 0)
		out[0] = '\0';
}

void
laravel(int64_t t, char out[TIME_LARAVEL_LEN + 1])
{
	if (time_format_laravel_us(t, out) != 0)
		strcpy(out, "?");
}

struct db_key *
seed_key(uint64_t id, uint64_t user, const char *name, const char *key, const char *secret,
    const char *perms, int64_t expires, int64_t used, int64_t revoked, int64_t created,
    int64_t updated)
{
	struct db_key k;

	memset(&k, 0, sizeof(k));
	k.id = id;
	k.user_id = user;
	k.name_null = name == NULL;
	snprintf(k.name, sizeof(k.name), "%s", name != NULL ? name : "");
	snprintf(k.key, sizeof(k.key), "%s", key);
	if (secret != NULL) {
		hmac_hex(secret, k.secret_hash);
		snprintf(k.secret_hint, sizeof(k.secret_hint), "%s",
		    secret + strlen(secret) - 4);
	}
	snprintf(k.permissions, sizeof(k.permissions), "%s", perms);
	k.expires_at = expires;
	k.last_used_at = used;
	k.revoked_at = revoked;
	k.created_at = created;
	k.updated_at = updated;
	return fake_db_add_key(&k);
}

static void
seed_token(uint64_t id, uint64_t user, const char *plain, int expired, int stale)
{
	char hash[CRYPTO_HEX_SHA256 + 1];

	sha_hex(plain, hash);
	fake_db_add_token(id, user, hash, expired, stale);
}

void
seed(void)
{
	config_defaults(&cfg);
	snprintf(cfg.pepper, sizeof(cfg.pepper), "%s", PEPPER);
	fake_db_reset();
	fake_db_set_now(T_NOW);
	fake_db_add_user(1, 1);
	fake_db_add_user(2, 1);
	fake_db_add_user(3, 0);
	seed_token(5, 1, "tok-one-plain", 0, 0);
	seed_token(6, 2, "tok-two-plain", 0, 0);
	seed_token(7, 3, "tok-three-plain", 0, 0);
	seed_token(8, 1, "barebearertoken", 0, 0);
	seed_token(9, 1, "another-plain", 0, 0);	/* presented as 9|guess */
	seed_token(10, 1, "tok-expired", 1, 0);
	seed_token(11, 1, "tok-stale", 0, 1);
	seed_token(12, 4, "tok-no-user", 0, 0);		/* user 4 does not exist */
	seed_key(7, 1, "Prod", k7, s7, "[\"read\",\"write\"]", T_EXPIRES, T_USED,
	    DB_TIME_NULL, T_CREATED, T_UPDATED);
	seed_key(8, 2, "Other", k8, NULL, "[]", T_EXPIRES, DB_TIME_NULL, DB_TIME_NULL,
	    T_PAST, T_PAST);
	/* Made by generate before hints existed, then revoked. */
	seed_key(9, 1, NULL, k9, s9, "[]", DB_TIME_NULL, DB_TIME_NULL, T_REVOKED, T_OLD,
	    T_REVOKED)->secret_hint[0] = '\0';
	/* Expired; created at the same second as key 9 (id breaks the tie). */
	seed_key(10, 1, "Old", k10, s10, "[]", T_PAST, DB_TIME_NULL, DB_TIME_NULL, T_OLD,
	    T_OLD);
	app.cfg = &cfg;
	app.db = db_open(&cfg, DB_FLAG_LAZY);
	fake_db_log_clear();
}

struct string_reader {
	const char	*s;
	size_t		 len, pos;
};

/* Hands out at most 7 bytes a call, so the body loop is exercised. */
static ssize_t
string_read(void *ctx, char *buf, size_t n)
{
	struct string_reader *sr = ctx;
	size_t left = sr->len - sr->pos;

	if (n > left)
		n = left;
	if (n > 7)
		n = 7;
	memcpy(buf, sr->s + sr->pos, n);
	sr->pos += n;
	return (ssize_t)n;
}

void
send_raw(const char *method, const char *uri, const char *auth, const char *clen,
    const char *body)
{
	char e_method[64], e_uri[1024], e_auth[1024], e_len[64], e_addr[128];
	char *env[8];
	struct string_reader sr = { body, body != NULL ? strlen(body) : 0, 0 };
	struct request req;
	struct response res;
	const char *sep;
	char *out;
	size_t n = 0, len = 0;

	fake_db_log_clear();
	snprintf(e_method, sizeof(e_method), "REQUEST_METHOD=%s", method);
	snprintf(e_uri, sizeof(e_uri), "REQUEST_URI=%s", uri);
	env[n++] = e_method;
	env[n++] = e_uri;
	if (auth != NULL) {
		snprintf(e_auth, sizeof(e_auth), "HTTP_AUTHORIZATION=%s", auth);
		env[n++] = e_auth;
	}
	if (clen != NULL || body != NULL) {
		if (clen != NULL)
			snprintf(e_len, sizeof(e_len), "CONTENT_LENGTH=%s", clen);
		else
			snprintf(e_len, sizeof(e_len), "CONTENT_LENGTH=%zu", strlen(body));
		env[n++] = e_len;
	}
	if (remote_addr != NULL) {
		snprintf(e_addr, sizeof(e_addr), "REMOTE_ADDR=%s", remote_addr);
		env[n++] = e_addr;
	}
	env[n] = NULL;

	memset(&r, 0, sizeof(r));
	memset(&res, 0, sizeof(res));
	if (request_init(&req, env) != 0 ||
	    request_read_body(&req, string_read, &sr, cfg.max_body) != 0) {
		request_free(&req);
		r.status = -1;
		return;
	}
	router_dispatch(&app, &req, &res);
	out = response_render(&res, &len);
	response_clear(&res);
	request_free(&req);
	if (out == NULL) {
		r.status = -1;
		return;
	}
	snprintf(r.raw, sizeof(r.raw), "%s", out);
	free(out);
	if (sscanf(r.raw, "Status: %d ", &r.status) != 1)
		r.status = -1;
	if ((sep = strstr(r.raw, "\r\n\r\n")) != NULL) {
		char clen_line[64];

		snprintf(r.head, sizeof(r.head), "%.*s", (int)(sep - r.raw + 2), r.raw);
		snprintf(r.body, sizeof(r.body), "%s", sep + 4);
		snprintf(clen_line, sizeof(clen_line), "\r\nContent-Length: %zu\r\n",
		    strlen(r.body));
		if (strstr(r.head, clen_line) == NULL)
			length_mismatch++;
	} else
		length_mismatch++;
}

void
send_req(const char *method, const char *uri, const char *auth, const char *body)
{
	send_raw(method, uri, auth, NULL, body);
}

int
has_header(const char *line)
{
	char needle[512];

	snprintf(needle, sizeof(needle), "\r\n%s\r\n", line);
	return strstr(r.head, needle) != NULL;
}

int
take_value(const char *member, char out[64])
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":\"", member);
	if ((p = strstr(r.body, pat)) == NULL)
		return -1;
	p += strlen(pat);
	if (strlen(p) < 49 || p[48] != '"')
		return -1;
	memcpy(out, p, 48);
	out[48] = '\0';
	return 0;
}

int
well_formed(const char *v, const char *prefix)
{
	size_t i, plen = strlen(prefix);

	if (strlen(v) != plen + 40 || strncmp(v, prefix, plen) != 0)
		return 0;
	for (i = plen; i < plen + 40; i++)
		if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= '0' && v[i] <= '9')))
			return 0;
	return 1;
}

static char logbuf[4096];	/* log_with_hash's answer */

const char *
log_with_hash(const char *before, const char *plain, const char *after)
{
	char hash[CRYPTO_HEX_SHA256 + 1];

	sha_hex(plain, hash);
	snprintf(logbuf, sizeof(logbuf), "%s%s%s", before, hash, after);
	return logbuf;
}

char want[8192];

int
fixture_start(void)
{
	make_value(k7, "MTP_KEY_", "Prod7", "7");
	make_value(s7, "MTP_SEC_", "0123456789abcdefghij", "AbCd");
	make_value(k8, "MTP_KEY_", "Other8", "8");
	make_value(k9, "MTP_KEY_", "Gen9", "9");
	make_value(s9, "MTP_SEC_", "nine", "Qq11");
	make_value(k10, "MTP_KEY_", "Old10", "10");
	make_value(s10, "MTP_SEC_", "ten", "Zz99");
	return strlen(k7) == 48 && strlen(s7) == 48 && strlen(k10) == 48 ? 0 : -1;
}

int
fixture_finish(void)
{
	db_close(app.db);
	app.db = NULL;
	return length_mismatch;
}

int
fixture_fake_only(void)
{
	return db_run_prepared == NULL && db_tx_run == NULL;
}
