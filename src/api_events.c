/* api_events.c: GET {base}/api-keys/{id}/events: the audit trail of the caller's key, newest first. */
#include "ac-config.h"

#include "api_events.h"
#include "db_events.h"
#include "stored.h"

#define MSG_EVENTS	"API key events fetched successfully"
#define EVENTS_MAX	100

static int
event_one(void *ctx, const struct db_event *e)
{
	struct jw *w = ctx;

	jw_object_begin(w);
	jw_key(w, "id");
	jw_int(w, (long long)e->id);
	jw_key(w, "action");
	jw_string(w, e->action);
	jw_key(w, "actor");
	jw_string(w, e->actor);
	jw_key(w, "ip");
	if (e->ip_null)
		jw_null(w);
	else
		jw_string(w, e->ip);
	jw_key(w, "details");
	validate_stored_object_write(w, e->details_null ? NULL : e->details);
	jw_key(w, "created_at");
	jw_time(w, e->created_at);
	jw_object_end(w);
	return w->failed;
}

void
events_handle(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct jw *w;

	(void)req;
	/* The key came with the token: a key that is missing, another
	 * user's, or deleted by generate is the same 404 (its events stay,
	 * for the admin tool). */
	if (!call->key_found) {
		response_key_not_found(res);
		return;
	}
	w = response_open(res, 200, 1, MSG_EVENTS);
	jw_key(w, "data");
	jw_array_begin(w);
	if (handler_db_failed(res, db_key_events(app->db, call->id, call->user_id, EVENTS_MAX,
	    event_one, w), NULL))
		return;
	jw_array_end(w);
	response_close(res);
}
