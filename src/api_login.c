/* api_login.c: POST /login and /logout for the keys page: Laravel's bcrypt password hashes checked with crypt_r, a throttle kept in the database, Sanctum tokens made and deleted. */
#include "ac-config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#ifdef HAVE_CRYPT_H
#include <crypt.h>
#else
#include <unistd.h>
#endif

#include "api_login.h"
#include "crypto.h"
#include "db_login.h"
#include "jsonr.h"
#include "log.h"

#define MSG_LOGGED_IN		"Logged in successfully"
#define MSG_LOGGED_OUT		"Logged out successfully"
#define MSG_NOT_OBJECT		"The request body must be a JSON object."
#define MSG_TOO_COMPLEX		"The request body is too complex."
#define MSG_INVALID		"The given data was invalid."
#define MSG_NO_MATCH		"These credentials do not match our records."
#define TOKEN_NAME		"keys-page"
#define TOKEN_PLAIN_LEN		40	/* as Sanctum's Str::random(40) */
#define FIELD_MAX		1024	/* longer e-mails or passwords never match */

/* The work done for an unknown e-mail: a bcrypt of cost 10 (Laravel's
 * default), of a password nobody has. */
static const char dummy_hash[] =
    "$2y$10$VmSyPq3F4zG9yGNI2lQzAev22063mvXsYRtdWzoio6LQr9yMd8.Pi";

static int
is_bcrypt(const char *h)
{
	return h[0] == '$' && h[1] == '2' && (h[2] == 'y' || h[2] == 'a' || h[2] == 'b') &&
	    h[3] == '$' && strlen(h) == 60;
}

int
login_password_ok(const char *password, const char *hash)
{
	/* crypt_r's state is large; one request at a time per process. */
	static struct crypt_data cd;
	char setting[61];
	const char *out;
	int known = is_bcrypt(hash);

	memcpy(setting, known ? hash : dummy_hash, 61);
	memset(&cd, 0, sizeof(cd));
	out = crypt_r(password, setting, &cd);
	if (out == NULL || out[0] == '*') {
		/* A crypt that knows "$2b$" but not "$2y$": the same
		 * algorithm, Laravel's name for it. */
		setting[2] = 'b';
		memset(&cd, 0, sizeof(cd));
		out = crypt_r(password, setting, &cd);
	}
	known = known && out != NULL && strlen(out) == 60 &&
	    crypto_equal(out + 4, setting + 4, 56);
	crypto_wipe(&cd, sizeof(cd));
	return known;
}

/* A member that is a string with more than PHP's trim() characters, or
 * NULL (Laravel's "required"); *nul is set when it holds a NUL. */
static const char *
member_text(const struct jr_value *root, const char *name, int *nul)
{
	const struct jr_value *v = jr_get(root, name);
	size_t i;

	if (v == NULL || v->type != JR_STRING)
		return NULL;
	if (memchr(v->str, '\0', v->len) != NULL)
		*nul = 1;
	for (i = 0; i < v->len; i++)
		if (strchr(" \t\n\r\v", v->str[i]) == NULL)	/* strchr finds the NUL too */
			return v->str;
	return NULL;
}

static void
invalid(struct response *res, const char *email_msg, const char *password_msg)
{
	struct jw *w = response_open(res, 422, 0, MSG_INVALID);

	jw_key(w, "errors");
	jw_object_begin(w);
	if (email_msg != NULL) {
		jw_key(w, "email");
		jw_array_begin(w);
		jw_string(w, email_msg);
		jw_array_end(w);
	}
	if (password_msg != NULL) {
		jw_key(w, "password");
		jw_array_begin(w);
		jw_string(w, password_msg);
		jw_array_end(w);
	}
	jw_object_end(w);
	response_close(res);
}

/* The throttle's key: the hex SHA-256 of the e-mail in lower case. */
static int
email_key(const char *email, char out[CRYPTO_HEX_SHA256 + 1])
{
	char low[FIELD_MAX + 1];
	size_t i, n = strlen(email);

	if (n > FIELD_MAX)
		n = FIELD_MAX;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)email[i]);
	low[n] = '\0';
	return crypto_sha256_hex(low, n, out);
}

/* Makes and stores the token; answers 200 with it. */
static void
sign_in(struct app *app, uint64_t user_id, const char *ekey, const char *ip,
    struct response *res)
{
	char plain[TOKEN_PLAIN_LEN + 1], hash[CRYPTO_HEX_SHA256 + 1], token[96];
	uint64_t token_id = 0;
	struct jw *w;

	if (crypto_random_base62(plain, TOKEN_PLAIN_LEN) != 0) {
		response_error(res, 500, MSG_SERVER_ERROR);
		return;
	}
	plain[TOKEN_PLAIN_LEN] = '\0';
	if (crypto_sha256_hex(plain, TOKEN_PLAIN_LEN, hash) != 0) {
		crypto_wipe(plain, sizeof(plain));
		response_error(res, 500, MSG_SERVER_ERROR);
		return;
	}
	if (handler_db_failed(res, db_login_token(app->db, user_id, TOKEN_NAME, hash, ekey,
	    ip, &token_id), NULL)) {
		crypto_wipe(plain, sizeof(plain));
		return;
	}
	snprintf(token, sizeof(token), "%llu|%s", (unsigned long long)token_id, plain);
	w = response_open(res, 200, 1, MSG_LOGGED_IN);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "token");
	jw_string(w, token);
	jw_object_end(w);
	response_close(res);
	crypto_wipe(plain, sizeof(plain));
	crypto_wipe(token, sizeof(token));
}

/* After the body passed: the throttle, the password, the token. */
static void
check(struct app *app, const char *email, const char *password, int usable, const char *ip,
    struct response *res)
{
	char ekey[CRYPTO_HEX_SHA256 + 1], stored[DB_PASSWORD_MAX], msg[96];
	uint64_t user_id = 0;
	unsigned wait = 0;
	enum db_status rc;
	int ok;

	if (email_key(email, ekey) != 0) {
		response_error(res, 500, MSG_SERVER_ERROR);
		return;
	}
	if (handler_db_failed(res, db_login_blocked(app->db, ekey, ip, LOGIN_MAX_FAILURES,
	    LOGIN_WINDOW_SECONDS, &wait), NULL))
		return;
	if (wait > 0) {
		snprintf(msg, sizeof(msg),
		    "Too many login attempts. Please try again in %u seconds.", wait);
		response_error(res, 429, msg);
		res->retry_after = wait;
		return;
	}
	stored[0] = '\0';
	/* A NUL in either member: no user has it (the C strings would end
	 * there, and match another e-mail or a password's prefix). */
	rc = strlen(email) > FIELD_MAX || !usable ? DB_NOT_FOUND :
	    db_login_user(app->db, email, &user_id, stored);
	if (rc != DB_OK && rc != DB_NOT_FOUND) {
		handler_db_failed(res, rc, NULL);
		return;
	}
	/* An unknown e-mail costs the same bcrypt as a wrong password. */
	ok = login_password_ok(password, rc == DB_OK ? stored : dummy_hash) && rc == DB_OK;
	crypto_wipe(stored, sizeof(stored));
	if (ok) {
		sign_in(app, user_id, ekey, ip, res);
		return;
	}
	if (handler_db_failed(res, db_login_failed(app->db, ekey, ip, LOGIN_WINDOW_SECONDS),
	    NULL))
		return;
	invalid(res, MSG_NO_MATCH, NULL);
}

void
login_login(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	const struct jr_value *root = NULL;
	const char *email, *password;
	char ip[DB_LOGIN_IP_MAX];
	struct jr_doc doc;
	int nul = 0;

	(void)call;
	memset(&doc, 0, sizeof(doc));
	doc.allow_nul = 1;	/* a NUL in a string is the rules' to answer */
	if (req->body_state == BODY_OK && req->body_len > 0)
		root = jr_parse(&doc, req->body, req->body_len);
	if (root == NULL || root->type != JR_OBJECT) {
		jr_free(&doc);
		response_error(res, 400, doc.too_complex ? MSG_TOO_COMPLEX : MSG_NOT_OBJECT);
		return;
	}
	email = member_text(root, "email", &nul);
	password = member_text(root, "password", &nul);
	if (email == NULL || password == NULL) {
		invalid(res, email == NULL ? "The email field is required." : NULL,
		    password == NULL ? "The password field is required." : NULL);
		jr_free(&doc);
		return;
	}
	snprintf(ip, sizeof(ip), "%s", req->remote_addr != NULL ? req->remote_addr : "");
	check(app, email, password, !nul, ip, res);
	jr_free(&doc);
}

void
login_logout(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	(void)req;
	if (handler_db_failed(res, db_logout_token(app->db, call->token_id), NULL))
		return;
	response_open(res, 200, 1, MSG_LOGGED_OUT);
	response_close(res);
}
