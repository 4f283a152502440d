/* api_webhooks.c: the webhook routes: the body's rules, the secret made, sealed and shown once, and the lists. */
#include "ac-config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "db_webhooks.h"
#include "jsonr.h"
#include "jsonw.h"
#include "log.h"
#include "timeutil.h"
#include "stored.h"
#include "validate.h"
#include "webhook_url.h"
#include "api_webhooks.h"

#define MSG_CREATED		"Webhook created successfully"
#define MSG_LISTED		"Webhooks fetched successfully"
#define MSG_DELETED		"Webhook deleted successfully"
#define MSG_DELIVERIES		"Webhook deliveries fetched successfully"
#define MSG_TEST_QUEUED		"Test event queued."
#define MSG_NOT_FOUND		"Webhook not found."
#define MSG_LIMIT		"Webhook limit reached."
#define MSG_NOT_OBJECT		"The request body must be a JSON object."
#define MSG_TOO_COMPLEX		"The request body is too complex."
#define MSG_INVALID		"The given data was invalid."
#define MSG_CREATE_FAILED	"Webhook could not be created."
#define DELIVERIES_MAX		100

static const char *const event_types[] = {
	"key.created", "key.updated", "key.rotated", "key.revoked", "key.deleted",
	"key.expiring", "key.leaked", "key.usage_exhausted", "webhook.test",
};

int
webhook_event_type_known(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(event_types) / sizeof(event_types[0]); i++)
		if (strlen(event_types[i]) == len && memcmp(event_types[i], name, len) == 0)
			return 1;
	return 0;
}

static void
fail(struct valid_errors *e, const char *key, const char *message)
{
	if (e->n >= VALID_ERRORS_MAX)
		return;
	snprintf(e->e[e->n].key, sizeof(e->e[e->n].key), "%s", key);
	snprintf(e->e[e->n].message, sizeof(e->e[e->n].message), "%s", message);
	e->n++;
}

/* Absent as Laravel's "required" has it: missing, null, a string of only
 * PHP's trim() characters, an empty array or object. */
static int
absent(const struct jr_value *v)
{
	size_t i;

	if (v == NULL || v->type == JR_NULL)
		return 1;
	if (v->type == JR_ARRAY || v->type == JR_OBJECT)
		return v->len == 0;
	if (v->type != JR_STRING)
		return 0;
	for (i = 0; i < v->len; i++)
		if (strchr(" \t\n\r\v", v->str[i]) == NULL)	/* strchr finds the NUL too */
			return 0;
	return 1;
}

/*
 * The path and query of a URL in the characters RFC 3986 gives them (as
 * Laravel's "url" rule has it: unreserved, sub-delims, ':', '@', '/',
 * "%" and two hex digits; '?' and '[' ']' in the query too).  A URL with
 * others ('|', '\\', '^', '{', '"', a stray '%') is not a valid URL.
 */
static int
path_query_ok(const char *url, size_t len)
{
	const char *p = strstr(url, "://");
	size_t i;
	int query = 0;

	if (p == NULL)
		return 1;	/* webhook_url_parse answers it */
	i = (size_t)(p - url) + 3;
	while (i < len && url[i] != '/' && url[i] != '?')
		i++;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c == '%') {
			if (i + 2 >= len || !isxdigit((unsigned char)url[i + 1]) ||
			    !isxdigit((unsigned char)url[i + 2]))
				return 0;
			i += 2;
		} else if (c == '?')
			query = 1;
		else if (!isalnum(c) && strchr("-._~!$&'()*+,;=:@/", c) == NULL &&
		    !(query && (c == '[' || c == ']')))
			return 0;
	}
	return 1;
}

/* The url member: its rule of 9.2. */
static void
check_url(const struct jr_value *v, int allow_http, struct valid_errors *e)
{
	if (absent(v)) {
		fail(e, "url", "The url field is required.");
		return;
	}
	if (v->type != JR_STRING || strlen(v->str) != v->len) {
		fail(e, "url", "The url field must be a valid URL.");
		return;
	}
	if (!path_query_ok(v->str, v->len)) {
		fail(e, "url", "The url field must be a valid URL.");
		return;
	}
	switch (webhook_url_parse(v->str, v->len, allow_http, NULL)) {
	case WURL_OK:
		break;
	case WURL_INVALID:
		fail(e, "url", "The url field must be a valid URL.");
		break;
	case WURL_NOT_HTTPS:
		fail(e, "url", "The url field must start with https://.");
		break;
	}
}

/* The events member: 1 to 16 distinct known types, or ["*"]; written to
 * w as the JSON array to store. */
static void
check_events(const struct jr_value *v, struct valid_errors *e, struct jw *w)
{
	const struct jr_value *a, *b;
	char key[32], msg[96];
	unsigned i, j;

	if (absent(v)) {
		fail(e, "events", "The events field is required.");
		return;
	}
	if (v->type != JR_ARRAY) {
		fail(e, "events", "The events field must be an array.");
		return;
	}
	if (v->len > WEBHOOK_EVENTS_MAX) {
		fail(e, "events", "The events field must not have more than 16 items.");
		return;
	}
	if (v->len == 1 && v->first->type == JR_STRING && strcmp(v->first->str, "*") == 0 &&
	    v->first->len == 1) {
		jw_array_begin(w);
		jw_string(w, "*");
		jw_array_end(w);
		return;
	}
	jw_array_begin(w);
	for (a = v->first, i = 0; a != NULL; a = a->next, i++) {
		snprintf(key, sizeof(key), "events.%u", i);
		if (a->type != JR_STRING || !webhook_event_type_known(a->str, a->len)) {
			snprintf(msg, sizeof(msg), "The selected %s is invalid.", key);
			fail(e, key, msg);
			continue;
		}
		/* Laravel's distinct: every item whose value is also elsewhere. */
		for (b = v->first, j = 0; b != NULL; b = b->next, j++)
			if (j != i && b->type == JR_STRING && b->len == a->len &&
			    memcmp(b->str, a->str, a->len) == 0)
				break;
		if (b != NULL) {
			snprintf(msg, sizeof(msg), "The %s field has a duplicate value.", key);
			fail(e, key, msg);
			continue;
		}
		jw_stringn(w, a->str, a->len);
	}
	jw_array_end(w);
}

void
webhooks_create(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct valid_errors errs;
	struct jr_doc doc;
	const struct jr_value *root;
	struct db_webhook_new n;
	struct jw events, *w;
	char secret[WEBHOOK_SECRET_LEN + 1], sealed[2 * (WEBHOOK_SECRET_LEN + 28) + 1];
	char aad[24], url[WEBHOOK_URL_MAX + 1];
	const char *events_text;
	size_t events_len;
	uint64_t id = 0;
	enum db_status rc;

	memset(&doc, 0, sizeof(doc));
	memset(&errs, 0, sizeof(errs));
	memset(&events, 0, sizeof(events));
	doc.allow_nul = 1;	/* a NUL in a string is the rules' to answer */
	if (req->body_state != BODY_OK || req->body_len == 0 ||
	    (root = jr_parse(&doc, req->body, req->body_len)) == NULL || root->type != JR_OBJECT) {
		response_error(res, 400, doc.too_complex ? MSG_TOO_COMPLEX : MSG_NOT_OBJECT);
		goto done;
	}
	check_url(jr_get(root, "url"), (int)app->cfg->webhook_allow_http, &errs);
	check_events(jr_get(root, "events"), &errs, &events);
	if (errs.n > 0) {
		w = response_open(res, 422, 0, MSG_INVALID);
		jw_key(w, "errors");
		validate_errors_write(w, &errs);
		response_close(res);
		goto done;
	}
	snprintf(url, sizeof(url), "%s", jr_get(root, "url")->str);
	memcpy(secret, WEBHOOK_SECRET_PREFIX, sizeof(WEBHOOK_SECRET_PREFIX) - 1);
	snprintf(aad, sizeof(aad), "%llu", (unsigned long long)call->user_id);
	if ((events_text = jw_text(&events, &events_len)) == NULL ||
	    crypto_random_base62(secret + sizeof(WEBHOOK_SECRET_PREFIX) - 1,
	    WEBHOOK_SECRET_RANDOM) != 0) {
		response_error(res, 500, MSG_CREATE_FAILED);
		goto done;
	}
	secret[WEBHOOK_SECRET_LEN] = '\0';
	if (crypto_seal_hex(app->cfg->pepper, aad, secret, sealed, sizeof(sealed)) != 0) {
		log_error("webhooks: the secret could not be sealed");
		response_error(res, 500, MSG_CREATE_FAILED);
		goto done;
	}
	memset(&n, 0, sizeof(n));
	n.user_id = call->user_id;
	n.url = url;
	n.events = events_text;
	n.sealed = sealed;
	n.hint = secret + WEBHOOK_SECRET_LEN - 4;
	n.created_at = time_now_us();
	rc = db_webhook_create(app->db, &n, &id);
	if (rc == DB_LIMIT) {
		response_error(res, 409, MSG_LIMIT);
		goto done;
	}
	if (handler_db_failed(res, rc, MSG_CREATE_FAILED))
		goto done;
	w = response_open(res, 201, 1, MSG_CREATED);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)id);
	jw_key(w, "url");
	jw_string(w, url);
	jw_key(w, "events");
	jw_raw(w, events_text, events_len);
	jw_key(w, "secret");
	jw_string(w, secret);
	jw_key(w, "created_at");
	jw_time(w, n.created_at);
	jw_object_end(w);
	response_close(res);
done:
	crypto_wipe(secret, sizeof(secret));
	jw_reset(&events);
	jr_free(&doc);
}

static int
list_one(void *ctx, const struct db_webhook *h)
{
	struct jw *w = ctx;

	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)h->id);
	jw_key(w, "url");
	jw_string(w, h->url);
	jw_key(w, "events");
	validate_stored_write(w, h->events);
	jw_key(w, "secret_hint");
	jw_string(w, h->hint);
	jw_key(w, "created_at");
	jw_time(w, h->created_at);
	jw_object_end(w);
	return w->failed;
}

void
webhooks_list(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct jw *w;

	(void)req;
	w = response_open(res, 200, 1, MSG_LISTED);
	jw_key(w, "data");
	jw_array_begin(w);
	if (handler_db_failed(res, db_webhooks_list(app->db, call->user_id, list_one, w), NULL))
		return;
	jw_array_end(w);
	response_close(res);
}

/* Answers a failed call on webhook {id}: its own 404. */
static int
webhook_failed(struct response *res, enum db_status rc)
{
	if (rc == DB_NOT_FOUND) {
		response_error(res, 404, MSG_NOT_FOUND);
		return 1;
	}
	return handler_db_failed(res, rc, NULL);
}

void
webhooks_delete(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	(void)req;
	if (webhook_failed(res, call->id == 0 ? DB_NOT_FOUND :
	    db_webhook_delete(app->db, call->id, call->user_id)))
		return;
	response_open(res, 200, 1, MSG_DELETED);
	response_close(res);
}

static int
delivery_one(void *ctx, const struct db_delivery *d)
{
	struct jw *w = ctx;
	char evt[32];

	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)d->id);
	jw_key(w, "event_id");
	snprintf(evt, sizeof(evt), "evt_%llu", (unsigned long long)d->event_id);
	jw_string(w, evt);
	jw_key(w, "type");
	jw_string(w, d->type);
	jw_key(w, "state");
	jw_string(w, d->state);
	jw_key(w, "attempts");
	jw_int(w, d->attempts);
	jw_key(w, "last_status");
	if (d->last_status == 0)
		jw_null(w);
	else
		jw_int(w, d->last_status);
	jw_key(w, "last_error");
	if (d->last_error[0] == '\0')
		jw_null(w);
	else
		jw_string(w, d->last_error);
	jw_key(w, "next_attempt_at");
	jw_time(w, d->next_attempt_at);
	jw_key(w, "delivered_at");
	jw_time(w, d->delivered_at);
	jw_key(w, "created_at");
	jw_time(w, d->created_at);
	jw_object_end(w);
	return w->failed;
}

void
webhooks_deliveries(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct jw *w;
	enum db_status rc;

	(void)req;
	if (call->id == 0) {
		response_error(res, 404, MSG_NOT_FOUND);
		return;
	}
	w = response_open(res, 200, 1, MSG_DELIVERIES);
	jw_key(w, "data");
	jw_array_begin(w);
	rc = db_webhook_deliveries(app->db, call->id, call->user_id, DELIVERIES_MAX,
	    delivery_one, w);
	if (webhook_failed(res, rc))
		return;
	jw_array_end(w);
	response_close(res);
}

void
webhooks_test(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	(void)req;
	if (webhook_failed(res, call->id == 0 ? DB_NOT_FOUND :
	    db_webhook_test(app->db, call->id, call->user_id)))
		return;
	response_open(res, 202, 1, MSG_TEST_QUEUED);
	response_close(res);
}
