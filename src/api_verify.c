/* api_verify.c: POST /api-keys/verify, the payment API's check of a key and secret, then of the key's settings (addresses, permissions, rate limit, credits). */
#include "ac-config.h"

#include <stddef.h>
#include <string.h>

#include "api_keys.h"
#include "api_verify.h"
#include "checksum.h"
#include "crypto.h"
#include "db_keys.h"
#include "db_settings.h"
#include "db_usage.h"
#include "ipnet.h"
#include "log.h"
#include "timeutil.h"

#define MSG_VALID		"API key is valid"
#define MSG_INVALID_KEY		"Invalid API key."
#define MSG_INVALID		"The given data was invalid."
#define MSG_TOO_COMPLEX		"The request body is too complex."
#define MSG_ADDRESS		"API key is not allowed from this address."
#define MSG_PERMISSIONS		"API key lacks the required permissions."
#define MSG_RATE		"Rate limit exceeded."
#define MSG_USAGE		"Usage limit exceeded."
#define SECRET_MAX	256	/* longer secrets cannot match: refused */
#define COST_MAX	1000
#define USE_MICRO	1000000LL	/* one use of a bucket, in millionths */

/* The body; the credential is wiped after use. */
struct verify_input {
	char			key[DB_KEY_MAX];
	char			secret[SECRET_MAX];
	struct valid_set	permissions;
	struct valid_ip		client_ip;
	struct valid_int	cost;
};

/* The credential first; the optional members' failures are the 422. */
static const struct field_rule verify_rules[] = {
	{ .member = "key", .label = "key", .kind = FIELD_STRING,
	    .offset = offsetof(struct verify_input, key), .size = DB_KEY_MAX },
	{ .member = "secret", .label = "secret", .kind = FIELD_STRING,
	    .offset = offsetof(struct verify_input, secret), .size = SECRET_MAX },
	{ .member = "permissions", .label = "permissions", .kind = FIELD_STRING_LIST,
	    .offset = offsetof(struct verify_input, permissions), .max = VALID_SET_MAX },
	{ .member = "client_ip", .label = "client ip", .kind = FIELD_IP,
	    .offset = offsetof(struct verify_input, client_ip) },
	{ .member = "cost", .label = "cost", .kind = FIELD_INT,
	    .offset = offsetof(struct verify_input, cost), .min = 0, .lmax = COST_MAX },
};

#define NVERIFY_RULES (sizeof(verify_rules) / sizeof(verify_rules[0]))

/* Compared against when there is no stored hash, so an unknown key costs
 * the same comparison as a known one. */
static const char no_hash[CRYPTO_HEX_SHA256 + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* Wipes a string the body reader wrote (the bytes up to its terminator:
 * it writes nothing after), leaving "". */
static void
wipe_string(char *s)
{
	crypto_wipe(s, strlen(s));
}

/* 1 if errs holds a failure of member. */
static int
has_error(const struct valid_errors *errs, const char *member)
{
	unsigned i;

	for (i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].key, member) == 0)
			return 1;
	return 0;
}

/* Keeps only the failures of the optional members (the credential's are
 * the one 401); returns how many are left. */
static unsigned
settings_errors(struct valid_errors *errs)
{
	unsigned i, n = 0;

	for (i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].key, "key") != 0 && strcmp(errs->e[i].key, "secret") != 0)
			errs->e[n++] = errs->e[i];
	errs->n = n;
	return n;
}

/* 1 if the key's allowlist (stored JSON text; "" for none) lets ip in;
 * one that is not a JSON array of strings lets nobody in. */
static int
address_allowed(const char *stored, const struct valid_ip *ip)
{
	struct valid_set ranges;
	struct ipnet net;
	unsigned i;
	int n = validate_stored_set(stored, &ranges);

	if (n == 0)
		return 1;	/* no restriction ([] is none too) */
	if (n < 0 || !ip->present)
		return 0;
	for (i = 0; i < ranges.n; i++)
		if (ipnet_parse(ranges.item[i], strlen(ranges.item[i]), 1, &net) == 0 &&
		    ipnet_contains(&net, &ip->addr))
			return 1;
	return 0;
}

/* Answers 403 with the requested permissions the key lacks, in the order
 * requested (all of them when its permissions are not a JSON array of
 * strings); returns 0 (answering nothing) when it has them all. */
static int
permissions_lacking(const char *stored, const struct valid_set *want, struct response *res)
{
	struct valid_set have;
	struct jw *w = NULL;
	unsigned i, j;

	if (want->n == 0)
		return 0;
	if (validate_stored_set(stored, &have) < 0)
		have.n = 0;
	for (i = 0; i < want->n; i++) {
		for (j = 0; j < have.n && strcmp(have.item[j], want->item[i]) != 0; j++)
			;
		if (j < have.n)
			continue;
		if (w == NULL) {
			w = response_open(res, 403, 0, MSG_PERMISSIONS);
			jw_key(w, "missing");
			jw_array_begin(w);
		}
		jw_string(w, want->item[i]);
	}
	if (w == NULL)
		return 0;
	jw_array_end(w);
	response_close(res);
	return 1;
}

/*
 * The usage outcome (contract 9.1) of a verify refused with the one 401
 * after its key was looked up: -1 when the key does not exist and none was
 * named.  The secret is checked first; then revoked, expired (rotated out
 * is expired), disabled.
 */
static int
refusal_outcome(enum db_status rc, const struct db_key *k, const char *key, int secret_ok)
{
	if (rc != DB_OK)
		return key[0] != '\0' ? USAGE_UNKNOWN_KEY : -1;
	if (!secret_ok)
		return USAGE_INVALID_SECRET;
	if (!k->live)
		return k->revoked_at != DB_TIME_NULL ? USAGE_REVOKED : USAGE_EXPIRED;
	return USAGE_DISABLED;
}

/* The rate limit's 429: Retry-After is the whole seconds until the bucket
 * (level millionths of a use) holds one use again, at least 1. */
static void
rate_exceeded(const struct db_key *k, long long level, struct response *res)
{
	long long need = USE_MICRO - (level > 0 ? level : 0);
	/* need/1e6 uses at limit per window: need * window / (limit * 1e6) s. */
	long long den = (long long)k->rate_limit * USE_MICRO;
	long long secs = (need * (long long)k->rate_window + den - 1) / den;

	response_error(res, 429, MSG_RATE);
	res->retry_after = secs < 1 ? 1 : (unsigned)secs;
}

/*
 * The spending of a key with a rate limit or credits, and its answer when
 * refused: the refusal is decided from the row as read (one round trip),
 * or, if the UPDATE found less than that row showed (concurrent verifies
 * spent it), from which of the two would run out first.  Returns 1 when
 * it answered (429 or a database failure), 0 when the verify may answer
 * 200 with *left_uses and *left_bucket.
 */
static int
spend(struct app *app, const struct db_key *k, unsigned cost, uint64_t *left_uses,
    uint64_t *left_bucket, struct response *res)
{
	int spent = 0;
	enum db_status rc;

	if (k->rate_limit != 0 && k->bucket_micro < USE_MICRO) {
		rate_exceeded(k, k->bucket_micro, res);
		return 1;
	}
	if (k->has_remaining && k->remaining_uses < cost) {
		response_error(res, 429, MSG_USAGE);
		return 1;
	}
	rc = db_key_spend(app->db, k->id, cost, &spent, left_uses, left_bucket);
	if (handler_db_failed(res, rc == DB_NOT_FOUND ? DB_ERROR : rc, NULL))
		return 1;
	if (spent)
		return 0;
	if (k->rate_limit != 0 && (!k->has_remaining || cost == 0 ||
	    (uint64_t)(k->bucket_micro / USE_MICRO) <= k->remaining_uses / cost))
		rate_exceeded(k, 0, res);
	else
		response_error(res, 429, MSG_USAGE);
	return 1;
}

void
verify_handle(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	char hash[CRYPTO_HEX_SHA256 + 1];
	const struct config *cfg = app->cfg;
	struct verify_input in;
	struct valid_errors errs;
	struct db_key k;
	enum valid_result vr;
	enum db_status rc;
	uint64_t left_uses = 0, left_bucket = 0;
	unsigned cost;
	struct jw *w;
	int well_formed, key_ok, match, checked, outcome = -1;

	(void)call;
	/* What is read whatever the body held; the rest is set by
	 * validate_body or by the lookup (the key's strings as
	 * terminated strings, not whole buffers). */
	in.key[0] = in.secret[0] = '\0';
	in.permissions.n = 0;
	in.client_ip.present = 0;
	in.cost.present = 0;
	k.id = k.user_id = 0;
	k.secret_hash[0] = '\0';
	vr = validate_body(req->body_state == BODY_OK ? req->body : NULL, req->body_len,
	    verify_rules, NVERIFY_RULES, &in, time_now_us(), &errs);
	/* A body too complex to read is refused before anything (8.9). */
	if (vr == VALID_TOO_COMPLEX) {
		response_error(res, 400, MSG_TOO_COMPLEX);
		goto done;
	}
	/* A well-formed key with a missing or malformed secret is still looked
	 * up: its usage counts invalid_secret (9.1). */
	key_ok = vr == VALID_OK || (vr == VALID_INVALID && !has_error(&errs, "key"));
	/* Malformed optional members are the caller's mistake, told before
	 * the key is looked at (nothing about the key is revealed). */
	if (vr == VALID_INVALID && settings_errors(&errs) > 0) {
		w = response_open(res, 422, 0, MSG_INVALID);
		jw_key(w, "errors");
		validate_errors_write(w, &errs);
		response_close(res);
		goto done;
	}
	/* Every path below does the same work: one lookup, one HMAC, one
	 * constant-time comparison, whatever was wrong with the credential. */
	well_formed = vr == VALID_OK;
	if (!well_formed)
		wipe_string(in.secret);		/* hash "" */
	if (!well_formed && !key_ok)
		wipe_string(in.key);		/* look up "" */
	/* Without legacy keys, a key or secret whose checksum is wrong cannot
	 * be one this service made: no query (the HMAC and comparison below
	 * still run; the checksum is public, so skipping the lookup tells a
	 * caller nothing it could not compute itself). */
	checked = cfg->legacy_keys ||
	    (checksum_token_valid(in.key, strlen(in.key), KEY_PREFIX) &&
	    checksum_token_valid(in.secret, strlen(in.secret), SECRET_PREFIX));
	rc = checked ? db_key_by_value(app->db, in.key, &k) : DB_NOT_FOUND;
	if (crypto_hmac_sha256_hex(cfg->pepper, strlen(cfg->pepper), in.secret,
	    strlen(in.secret), hash) != 0) {
		log_error("verify: HMAC failed");
		response_error(res, 500, MSG_SERVER_ERROR);
		goto done;
	}
	match = crypto_equal(rc == DB_OK && k.secret_hash[0] != '\0' ? k.secret_hash : no_hash,
	    hash, CRYPTO_HEX_SHA256);
	if (rc == DB_UNAVAILABLE || rc == DB_ERROR) {
		handler_db_failed(res, rc, NULL);
		goto done;
	}
	/* A disabled key is one more case of the one 401. */
	if (!well_formed || rc != DB_OK || !match || !k.live || k.disabled) {
		if (checked)
			outcome = refusal_outcome(rc, &k, in.key, well_formed && match);
		response_error(res, 401, MSG_INVALID_KEY);
		goto done;
	}
	if (!address_allowed(k.allowed_ips, &in.client_ip)) {
		response_error(res, 403, MSG_ADDRESS);
		outcome = USAGE_FORBIDDEN_IP;
		goto done;
	}
	if (permissions_lacking(k.permissions, &in.permissions, res)) {
		outcome = USAGE_FORBIDDEN_PERMISSIONS;
		goto done;
	}
	cost = in.cost.present && !in.cost.is_null ? (unsigned)in.cost.value : 1;
	if (k.rate_limit != 0 || k.has_remaining) {
		/* The spending also records the last use. */
		if (spend(app, &k, cost, &left_uses, &left_bucket, res)) {
			outcome = res->status != 429 ? -1 : res->retry_after != 0 ?
			    USAGE_RATE_LIMITED : USAGE_USAGE_EXCEEDED;
			goto done;
		}
	} else if (k.stale && db_key_touch(app->db, k.id) != DB_OK)
		log_warn("verify: could not record last use of key %llu",
		    (unsigned long long)k.id);
	w = response_open(res, 200, 1, MSG_VALID);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)k.id);
	jw_key(w, "user_id");
	jw_int(w, (long long)k.user_id);
	jw_key(w, "permissions");
	validate_stored_write(w, k.permissions);
	jw_key(w, "expires_at");
	jw_time(w, k.expires_at);
	if (k.has_remaining) {
		jw_key(w, "remaining_uses");
		jw_int(w, (long long)left_uses);
	}
	if (k.rate_limit != 0) {
		jw_key(w, "rate_limit");
		jw_object_begin(w);
		jw_key(w, "limit");
		jw_int(w, k.rate_limit);
		jw_key(w, "window_seconds");
		jw_int(w, k.rate_window);
		jw_key(w, "remaining");
		jw_int(w, (long long)left_bucket);
		jw_object_end(w);
	}
	jw_object_end(w);
	response_close(res);
	outcome = USAGE_VALID;
done:
	if (outcome >= 0 && cfg->usage_count)
		db_usage_count(app->db, outcome == USAGE_UNKNOWN_KEY ? 0 : k.id,
		    outcome == USAGE_UNKNOWN_KEY ? 0 : k.user_id, (enum usage_outcome)outcome);
	crypto_wipe(hash, sizeof(hash));
	wipe_string(in.key);
	wipe_string(in.secret);
	crypto_wipe(k.secret_hash, sizeof(k.secret_hash));
}
