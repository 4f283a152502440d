/* db_events.c: the audit trail: its writer, called inside the transaction of each change it records, and its reader. */
#include "ac-config.h"

#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_events.h"

enum db_status
db_event_record(struct db *db, uint64_t key_id, uint64_t user_id, const char *action,
    const struct db_actor *actor, const char *details, int *retry)
{
	MYSQL_BIND p[6];

	db_bind_u64(&p[0], &key_id);
	db_bind_u64(&p[1], &user_id);
	db_bind_in_str(&p[2], action, strlen(action));
	db_bind_in_str(&p[3], actor->name, strlen(actor->name));
	db_bind_in_str(&p[4], actor->ip != NULL ? actor->ip : "",
	    actor->ip != NULL ? strlen(actor->ip) : 0);
	if (actor->ip == NULL)
		p[4].buffer_type = MYSQL_TYPE_NULL;
	db_bind_in_str(&p[5], details != NULL ? details : "", details != NULL ? strlen(details) : 0);
	if (details == NULL)
		p[5].buffer_type = MYSQL_TYPE_NULL;
	return db_exec(db, ST_EVENT_INSERT, p, NULL, retry);
}

/* ------------------------------------------------------------ reading */

struct events_ctx {
	struct db_event	 e;
	MYSQL_BIND	 res[7];
	MYSQL_TIME	 t;
	my_bool		 null[7];
	unsigned long	 len[7];
	db_event_cb	*cb;
	void		*ctx;
};

static int
event_row(void *ctx)
{
	struct events_ctx *c = ctx;
	struct db_event *e = &c->e;

	e->action[c->null[2] ? 0 : c->len[2]] = '\0';
	e->actor[c->null[3] ? 0 : c->len[3]] = '\0';
	e->ip[c->null[4] ? 0 : c->len[4]] = '\0';
	e->ip_null = c->null[4];
	e->details[c->null[5] ? 0 : c->len[5]] = '\0';
	e->details_null = c->null[5];
	e->created_at = db_time_us(&c->t, c->null[6]);
	return c->cb(c->ctx, e);
}

enum db_status
db_key_events(struct db *db, uint64_t key_id, uint64_t user_id, unsigned limit,
    db_event_cb *cb, void *ctx)
{
	struct events_ctx c;
	MYSQL_BIND p[3];
	uint64_t lim = limit;

	memset(&c, 0, sizeof(c));
	c.cb = cb;
	c.ctx = ctx;
	db_bind_u64(&c.res[0], &c.e.id);
	db_bind_u64(&c.res[1], &c.e.key_id);
	db_bind_out_str(&c.res[2], c.e.action, sizeof(c.e.action) - 1, &c.len[2], &c.null[2]);
	db_bind_out_str(&c.res[3], c.e.actor, sizeof(c.e.actor) - 1, &c.len[3], &c.null[3]);
	db_bind_out_str(&c.res[4], c.e.ip, sizeof(c.e.ip) - 1, &c.len[4], &c.null[4]);
	db_bind_out_str(&c.res[5], c.e.details, sizeof(c.e.details) - 1, &c.len[5], &c.null[5]);
	db_bind_out_time(&c.res[6], &c.t, &c.null[6]);
	db_bind_u64(&p[0], &key_id);
	db_bind_u64(&p[1], &user_id);
	db_bind_u64(&p[2], &lim);
	return db_run_prepared(db, ST_KEY_EVENTS, p, c.res, NULL, NULL, event_row, &c);
}
