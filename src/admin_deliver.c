/* admin_deliver.c: apikeys-admin deliver: finds the notices due, then signs and POSTs every due delivery once, recording each attempt. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_deliver.h"
#include "admin_shared.h"
#include "crypto.h"
#include "db_deliver.h"
#include "http_client.h"
#include "jsonw.h"
#include "api_keys.h"
#include "validate.h"
#include "webhook_resolve.h"
#include "api_webhooks.h"

#define DELIVER_TIMEOUT	10	/* seconds per attempt (9.2) */
#define DELIVER_AGAIN_MAX	100	/* searches lost in a row before the run ends */
#define DELIVER_AGAIN_WAIT_MS	20	/* the longest wait after a lost search */

struct run {
	const struct config	*cfg;
	int			 ok, last;	/* the attempt just sent: a 2xx; the 7th */
	unsigned long		 delivered, retrying, failed;
	unsigned long		 dropped, skipped, reclaimed;
	int			 yielded;	/* ended: every search lost to another run */
};

/* After the nth search in a row lost to another run's writes, waits n ms
 * (at most DELIVER_AGAIN_WAIT_MS), so that two runs that keep meeting on
 * the same row drift apart. */
static void
wait_after_loss(unsigned n)
{
	struct timespec ts;

	if (n > DELIVER_AGAIN_WAIT_MS)
		n = DELIVER_AGAIN_WAIT_MS;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)n * 1000000L;
	(void)nanosleep(&ts, NULL);
}

/* The body of 9.2: {"id", "type", "created_at", "data"}; data.key is the
 * key as list shows it, written by list's own writer. */
static void
write_body(struct jw *w, const struct db_due *d)
{
	char evt[32];

	snprintf(evt, sizeof(evt), "evt_%llu", (unsigned long long)d->event_id);
	jw_object_begin(w);
	jw_key(w, "id");
	jw_string(w, evt);
	jw_key(w, "type");
	jw_string(w, d->type);
	jw_key(w, "created_at");
	jw_time(w, d->created_at);
	jw_key(w, "data");
	jw_object_begin(w);
	if (strcmp(d->type, "key.deleted") == 0) {
		jw_key(w, "key");
		jw_object_begin(w);
		jw_key(w, "id");
		jw_int(w, (long long)d->key.id);
		jw_key(w, "name");
		if (d->key.name_null)
			jw_null(w);
		else
			jw_string(w, d->key.name);
		jw_object_end(w);
	} else if (d->has_key) {
		jw_key(w, "key");
		keys_write_listed(w, &d->key);
		if (strcmp(d->type, "key.updated") == 0) {
			jw_key(w, "changes");
			validate_stored_write(w, d->changes);
		} else if (strcmp(d->type, "key.rotated") == 0) {
			jw_key(w, "rotated_to");
			jw_int(w, (long long)d->rotated_to);
			jw_key(w, "grace_seconds");
			jw_int(w, d->grace_seconds);
		} else if (strcmp(d->type, "key.expiring") == 0) {
			jw_key(w, "expires_in_days");
			jw_int(w, d->expires_in_days);
		} else if (strcmp(d->type, "key.leaked") == 0) {
			jw_key(w, "found");
			jw_string(w, d->found);
			jw_key(w, "revoked");
			jw_bool(w, d->revoked);
		}
	}
	jw_object_end(w);
	jw_object_end(w);
}

static void
set_error(struct db_attempt *out, const char *text)
{
	snprintf(out->error, sizeof(out->error), "%s", text);
}

/* One attempt of one delivery (db_deliver_cb). */
static void
send_one(void *ctx, const struct db_due *d, struct db_attempt *out)
{
	struct run *run = ctx;
	const struct config *cfg = run->cfg;
	struct webhook_url u;
	struct http_post post;
	struct http_result res;
	struct jw body;
	char secret[CRYPTO_SEAL_MAX], aad[24], addr[WEBHOOK_ADDR_MAX];
	char sig[CRYPTO_HEX_SHA256 + 1], h_sig[128], h_evt[64], ts[24], *msg;
	const char *headers[4], *text;
	size_t len, head;
	long long now = (long long)time(NULL);
	int signed_ok;

	memset(&body, 0, sizeof(body));
	secret[0] = '\0';
	write_body(&body, d);
	if ((text = jw_text(&body, &len)) == NULL) {
		set_error(out, "body could not be written");
		goto done;
	}
	if (webhook_url_parse(d->url, strlen(d->url), (int)cfg->webhook_allow_http, &u) != WURL_OK) {
		set_error(out, "url not allowed");
		goto done;
	}
	switch (webhook_resolve(u.host, (int)cfg->webhook_allow_private, addr)) {
	case 0:
		break;
	case -2:
		set_error(out, "address not allowed");
		goto done;
	default:
		set_error(out, "host not found");
		goto done;
	}
	snprintf(aad, sizeof(aad), "%llu", (unsigned long long)d->user_id);
	if (crypto_open_hex(cfg->pepper, aad, d->sealed, secret, sizeof(secret)) != 0) {
		set_error(out, "secret cannot be opened");
		goto done;
	}
	/* Apikeys-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">. */
	head = (size_t)snprintf(ts, sizeof(ts), "%lld.", now);
	if ((msg = malloc(head + len)) == NULL) {
		set_error(out, "out of memory");
		goto done;
	}
	memcpy(msg, ts, head);
	memcpy(msg + head, text, len);
	signed_ok = crypto_hmac_sha256_hex(secret, strlen(secret), msg, head + len, sig) == 0;
	free(msg);
	if (!signed_ok) {
		set_error(out, "signature failed");
		goto done;
	}
	snprintf(h_sig, sizeof(h_sig), "Apikeys-Signature: t=%lld,v1=%s", now, sig);
	snprintf(h_evt, sizeof(h_evt), "Apikeys-Event-Id: evt_%llu",
	    (unsigned long long)d->event_id);
	headers[0] = "Content-Type: application/json";
	headers[1] = h_evt;
	headers[2] = h_sig;
	headers[3] = NULL;
	memset(&post, 0, sizeof(post));
	post.url = d->url;
	post.host = u.host;
	post.port = u.port;
	post.addr = addr;
	post.allow_http = (int)cfg->webhook_allow_http;
	post.ca_file = cfg->webhook_ca_file;
	post.timeout = DELIVER_TIMEOUT;
	post.body = text;
	post.body_len = len;
	post.headers = headers;
	if (http_client_post(&post, &res) == 0)
		out->status = res.status;
	else
		set_error(out, res.error);
	if (out->status != 0 && (out->status < 200 || out->status > 299))
		snprintf(out->error, sizeof(out->error), "HTTP %d", out->status);
done:
	crypto_wipe(secret, sizeof(secret));
	crypto_wipe(sig, sizeof(sig));
	jw_reset(&body);
	/* Counted once db_deliver_next says whether it was recorded. */
	run->ok = out->status >= 200 && out->status <= 299;
	run->last = d->attempts + 1 >= 7;
}

/* Counts what became of one delivery. */
static void
tally(struct run *run, enum db_outcome what)
{
	switch (what) {
	case DB_DELIVERY_RECORDED:
		if (run->ok)
			run->delivered++;
		else if (run->last)
			run->failed++;
		else
			run->retrying++;
		break;
	case DB_DELIVERY_GONE:
		run->dropped++;
		break;
	case DB_DELIVERY_SKIPPED:
		run->skipped++;
		break;
	case DB_DELIVERY_RECLAIMED:
		run->reclaimed++;
		break;
	case DB_DELIVERY_NONE:
		break;
	}
}

int
admin_deliver(struct db *db, const struct config *cfg, int all)
{
	struct run run;
	unsigned long long found = 0;
	uint64_t after = 0;
	enum db_outcome what;
	enum db_status rc;
	unsigned again = 0;

	memset(&run, 0, sizeof(run));
	run.cfg = cfg;
	if (http_client_init() != 0)
		return admin_fail("cannot start the HTTP client");
	if (db_deliver_find_notices(db, cfg->expiry_notice_days, &found) != DB_OK) {
		http_client_cleanup();
		return admin_fail("cannot look for notices (see above)");
	}
	while ((rc = db_deliver_next(db, &after, all, send_one, &run, &what)) == DB_OK) {
		/* A search that keeps losing to other nodes' writes is bounded:
		 * the run that wins them is delivering, so this one ends as
		 * done, and the next run takes what is left. */
		again = what == DB_DELIVERY_NONE ? again + 1 : 0;
		if (again > DELIVER_AGAIN_MAX) {
			run.yielded = 1;
			rc = DB_NOT_FOUND;
			break;
		}
		if (again > 0)
			wait_after_loss(again);
		tally(&run, what);
	}
	http_client_cleanup();
	/* The first four always; the others when there were some. */
	printf("notices %llu, delivered %lu, retrying %lu, failed %lu", found,
	    run.delivered, run.retrying, run.failed);
	if (run.dropped > 0)
		printf(", dropped %lu (webhook deleted)", run.dropped);
	if (run.reclaimed > 0)
		printf(", not recorded %lu (lease passed, claimed by another run)", run.reclaimed);
	if (run.skipped > 0)
		printf(", skipped %lu (claimed by another run at once)", run.skipped);
	if (run.yielded)
		printf(", ended after %u searches lost to another run", DELIVER_AGAIN_MAX + 1);
	printf("\n");
	if (rc != DB_NOT_FOUND)
		return admin_fail("delivery stopped on a database error (see above)");
	return 0;
}

int
admin_deliver_prune(struct db *db, unsigned days)
{
	unsigned long long deliveries = 0, events = 0;

	if (db_deliver_prune(db, days, &deliveries, &events) != DB_OK)
		return admin_fail("cannot delete the old webhook deliveries (see above)");
	/* Said only when there were some: prune's first line stays as it was. */
	if (deliveries + events > 0)
		printf("deleted %llu webhook deliveries and %llu webhook events more than %u days old\n",
		    deliveries, events, days);
	return 0;
}
