/* handler.c: the answers every handler shares: a database failure as its HTTP status. */
#include "ac-config.h"

#include <stdio.h>

#include "handler.h"

int
handler_db_failed(struct response *res, enum db_status rc, const char *message)
{
	switch (rc) {
	case DB_OK:
		return 0;
	case DB_NOT_FOUND:
		response_key_not_found(res);
		break;
	case DB_UNAVAILABLE:
		response_error(res, 503, MSG_UNAVAILABLE);
		break;
	case DB_ERROR:
	case DB_LIMIT:
		response_error(res, 500, message != NULL ? message : MSG_SERVER_ERROR);
		break;
	}
	return 1;
}

void
handler_actor(const struct request *req, const struct call *call, struct db_actor *a)
{
	snprintf(a->name, sizeof(a->name), "token:%llu", (unsigned long long)call->token_id);
	a->ip = req->remote_addr != NULL && req->remote_addr[0] != '\0' ? req->remote_addr : NULL;
}
