/* api_usage.c: GET {base}/api-keys/{id}/usage (one key) and GET {base}/usage (the caller's keys): verify's outcomes per UTC hour or day, zeros included. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_usage.h"
#include "db_usage.h"
#include "log.h"
#include "timeutil.h"

#define MSG_KEY_USAGE	"API key usage fetched successfully"
#define MSG_USAGE	"Usage fetched successfully"
#define MSG_INVALID	"The given data was invalid."

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
usage_query_decode(const char *s, size_t len, char *out, size_t outsz)
{
	size_t i, o = 0;
	int hi, lo;
	char c;

	if (outsz == 0)
		return -1;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%' && i + 2 < len && (hi = hex_digit(s[i + 1])) >= 0 &&
		    (lo = hex_digit(s[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		/* A '%' not followed by two hex digits stays as it is; a
		 * decoded NUL cannot be held in a C string. */
		if (o + 1 >= outsz || c == '\0') {
			out[o] = '\0';
			return -1;
		}
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* One parameter's last value: set, and whether it decoded (no NUL). */
struct param {
	const char	*value;	/* in the decoded copy of the query */
	int		 set;
	int		 fits;
};

/*
 * Scans q into from, to and gran; buf (strlen(q) + 1 bytes) receives the
 * decoded values, each in the place of its raw text (never longer), so a
 * value of any length is read whole.  A name with a NUL is no known name; a
 * value with one is set and invalid.
 */
static void
query_scan(const char *q, char *buf, struct param *from, struct param *to, struct param *gran)
{
	char name[32];
	struct param *p;
	size_t len, nlen;
	const char *eq, *start = q;
	char *val;

	while (q != NULL && *q != '\0' && *q != '#') {
		len = strcspn(q, "&#");
		eq = memchr(q, '=', len);
		nlen = eq != NULL ? (size_t)(eq - q) : len;
		p = NULL;
		if (usage_query_decode(q, nlen, name, sizeof(name)) == 0)
			p = strcmp(name, "from") == 0 ? from : strcmp(name, "to") == 0 ? to :
			    strcmp(name, "granularity") == 0 ? gran : NULL;
		if (p != NULL) {
			val = buf + (q - start) + nlen;
			p->fits = eq == NULL ? (val[0] = '\0', 1) :
			    usage_query_decode(eq + 1, len - nlen - 1, val, len - nlen) == 0;
			p->value = val;
			/* An empty value is no value (as a form's empty field). */
			p->set = !p->fits || p->value[0] != '\0';
		}
		q += len;
		if (*q == '&')
			q++;
	}
}

static void
add_error(struct valid_errors *errs, const char *key, const char *message)
{
	if (errs->n >= VALID_ERRORS_MAX)
		return;
	snprintf(errs->e[errs->n].key, sizeof(errs->e[0].key), "%s", key);
	snprintf(errs->e[errs->n].message, sizeof(errs->e[0].message), "%s", message);
	errs->n++;
}

/* Floor division (times before 1970 are negative). */
static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int
parse_time(const struct param *p, int64_t *us)
{
	return p->fits && time_parse_rfc3339_us(p->value, strlen(p->value), us) == 0 ? 0 : -1;
}

int
usage_range_parse(const char *query, int64_t now_us, struct usage_range *out,
    struct valid_errors *errs)
{
	struct param from, to, gran;
	int64_t from_us = 0, to_us = now_us, last;
	int from_ok = 1, to_ok = 1, gran_ok = 1;
	char *buf = NULL;

	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	memset(&gran, 0, sizeof(gran));
	memset(out, 0, sizeof(*out));
	errs->n = 0;
	if (query != NULL && (buf = malloc(strlen(query) + 1)) == NULL) {
		log_error("usage: out of memory for the query");
		return -2;
	}
	query_scan(query, buf, &from, &to, &gran);
	if (from.set && parse_time(&from, &from_us) != 0) {
		from_ok = 0;
		add_error(errs, "from", "The from field must be a valid date.");
	}
	if (gran.set)
		gran_ok = gran.fits && (strcmp(gran.value, "hour") == 0 ||
		    strcmp(gran.value, "day") == 0);
	out->day = gran_ok && gran.set && strcmp(gran.value, "day") == 0;
	out->bucket_us = out->day ? USAGE_DAY_US : USAGE_HOUR_US;
	if (to.set && parse_time(&to, &to_us) != 0) {
		to_ok = 0;
		add_error(errs, "to", "The to field must be a valid date.");
	} else if (from_ok) {
		if (!from.set)
			from_us = to_us - USAGE_DAY_US;
		if (to_us <= from_us) {
			to_ok = 0;
			add_error(errs, "to", "The to field must be a date after from.");
		} else if (gran_ok) {
			out->first = floor_div(from_us, out->bucket_us);
			last = floor_div(to_us - 1, out->bucket_us);
			out->n = last - out->first + 1;
			if (out->n > (out->day ? USAGE_MAX_DAYS : USAGE_MAX_HOURS)) {
				to_ok = 0;
				add_error(errs, "to", out->day ?
				    "The to field must be at most 400 days after from." :
				    "The to field must be at most 744 hours after from.");
			}
		}
	}
	if (!gran_ok)
		add_error(errs, "granularity", "The selected granularity is invalid.");
	free(buf);
	return from_ok && to_ok && gran_ok ? 0 : -1;
}

/* ------------------------------------------------------------ reading */

/* The counts of a read: n buckets of USAGE_KEY_OUTCOMES, and their sums. */
struct usage_grid {
	const struct usage_range *r;
	uint64_t	*cell;		/* n * USAGE_KEY_OUTCOMES */
	uint64_t	 total[USAGE_KEY_OUTCOMES];
};

static int
grid_add(void *ctx, const struct db_usage_row *row)
{
	struct usage_grid *g = ctx;
	int64_t i = (int64_t)row->bucket - g->r->first;

	if (row->outcome >= USAGE_KEY_OUTCOMES || i < 0 || i >= g->r->n)
		return 0;	/* outside the range asked for: not shown */
	g->cell[i * USAGE_KEY_OUTCOMES + row->outcome] += row->count;
	g->total[row->outcome] += row->count;
	return 0;
}

/* Writes the nine outcomes of counts as members of the open object. */
static void
write_outcomes(struct jw *w, const uint64_t *counts)
{
	unsigned o;

	for (o = 0; o < USAGE_KEY_OUTCOMES; o++) {
		jw_key(w, usage_outcome_name((enum usage_outcome)o));
		jw_int(w, (long long)counts[o]);
	}
}

/* Writes granularity, from, to, totals and buckets of a filled grid. */
static void
write_grid(struct jw *w, const struct usage_grid *g)
{
	const struct usage_range *r = g->r;
	int64_t i;

	jw_key(w, "granularity");
	jw_string(w, r->day ? "day" : "hour");
	jw_key(w, "from");
	jw_time(w, r->first * r->bucket_us);
	jw_key(w, "to");
	jw_time(w, (r->first + r->n) * r->bucket_us);
	jw_key(w, "totals");
	jw_object_begin(w);
	write_outcomes(w, g->total);
	jw_object_end(w);
	jw_key(w, "buckets");
	jw_array_begin(w);
	for (i = 0; i < r->n; i++) {
		jw_object_begin(w);
		jw_key(w, "start");
		jw_time(w, (r->first + i) * r->bucket_us);
		write_outcomes(w, g->cell + i * USAGE_KEY_OUTCOMES);
		jw_object_end(w);
	}
	jw_array_end(w);
}

/*
 * Parses the query (answering its 422) and reads scope's counts of id into
 * a new grid (answering a database failure).  Returns 0 with g->cell to
 * free, or -1 when it answered.
 */
static int
grid_read(struct app *app, const struct request *req, enum db_usage_scope scope,
    uint64_t id, struct usage_range *r, struct usage_grid *g, struct response *res)
{
	static struct valid_errors errs;	/* 10 KiB: kept off the stack */
	struct jw *w;
	int64_t from_h, to_h, per;
	int rc;

	memset(g, 0, sizeof(*g));
	if ((rc = usage_range_parse(req->query, time_now_us(), r, &errs)) == -2) {
		response_error(res, 500, MSG_SERVER_ERROR);
		return -1;
	}
	if (rc != 0) {
		w = response_open(res, 422, 0, MSG_INVALID);
		jw_key(w, "errors");
		validate_errors_write(w, &errs);
		response_close(res);
		return -1;
	}
	per = r->bucket_us / USAGE_HOUR_US;
	g->r = r;
	if ((g->cell = calloc((size_t)r->n * USAGE_KEY_OUTCOMES, sizeof(uint64_t))) == NULL) {
		log_error("usage: out of memory");
		response_error(res, 500, MSG_SERVER_ERROR);
		return -1;
	}
	/* This responder's own waiting counts first, so that a read shows
	 * them; a failure leaves them for the next flush. */
	(void)db_usage_flush(app->db, 1);
	from_h = r->first * per;
	to_h = (r->first + r->n) * per;
	if (to_h <= 0 || from_h > (int64_t)UINT32_MAX)
		return 0;	/* wholly before 1970 or too far on: all zeros */
	if (from_h < 0)
		from_h = 0;
	if (to_h > (int64_t)UINT32_MAX)
		to_h = UINT32_MAX;
	if (handler_db_failed(res, db_usage_read(app->db, scope, id, (uint32_t)from_h,
	    (uint32_t)to_h, (unsigned)per, grid_add, g), NULL)) {
		free(g->cell);
		g->cell = NULL;
		return -1;
	}
	return 0;
}

void
usage_key(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	struct usage_range r;
	struct usage_grid g;
	struct jw *w;

	/* The key came with the token: missing, another user's, or deleted
	 * by generate is the one 404 (its counts stay, for the admin tool). */
	if (!call->key_found) {
		response_error_code(res, 404, MSG_KEY_NOT_FOUND);
		return;
	}
	if (grid_read(app, req, DB_USAGE_KEY, call->id, &r, &g, res) != 0)
		return;
	w = response_open(res, 200, 1, MSG_KEY_USAGE);
	jw_key(w, "data");
	jw_object_begin(w);
	jw_key(w, "key_id");
	jw_int(w, (long long)call->id);
	write_grid(w, &g);
	jw_object_end(w);
	response_close(res);
	free(g.cell);
}

/* The keys list of GET /usage: one object per key, its rows in a run. */
struct key_sums {
	struct jw	*w;
	struct db_usage_row cur;
	uint64_t	 total[USAGE_KEY_OUTCOMES];
	int		 open;
};

static void
key_sums_write(struct key_sums *k)
{
	struct jw *w = k->w;

	if (!k->open)
		return;
	jw_object_begin(w);
	jw_key(w, "key_id");
	jw_int(w, (long long)k->cur.key_id);
	jw_key(w, "name");
	if (k->cur.name_null)
		jw_null(w);
	else
		jw_string(w, k->cur.name);
	jw_key(w, "totals");
	jw_object_begin(w);
	write_outcomes(w, k->total);
	jw_object_end(w);
	jw_object_end(w);
	k->open = 0;
}

static int
key_sums_add(void *ctx, const struct db_usage_row *row)
{
	struct key_sums *k = ctx;

	if (row->outcome >= USAGE_KEY_OUTCOMES || row->count == 0)
		return 0;
	if (k->open && k->cur.key_id != row->key_id)
		key_sums_write(k);
	if (!k->open) {
		k->cur = *row;
		memset(k->total, 0, sizeof(k->total));
		k->open = 1;
	}
	k->total[row->outcome] += row->count;
	return k->w->failed;
}

void
usage_user(struct app *app, const struct request *req, const struct call *call,
    struct response *res)
{
	static struct key_sums sums;	/* holds a key name: off the stack */
	struct usage_range r;
	struct usage_grid g;
	struct jw *w;
	int64_t per;

	if (grid_read(app, req, DB_USAGE_USER_BUCKETS, call->user_id, &r, &g, res) != 0)
		return;
	w = response_open(res, 200, 1, MSG_USAGE);
	jw_key(w, "data");
	jw_object_begin(w);
	write_grid(w, &g);
	free(g.cell);
	jw_key(w, "keys");
	jw_array_begin(w);
	memset(&sums, 0, sizeof(sums));
	sums.w = w;
	per = r.bucket_us / USAGE_HOUR_US;
	if (r.first * per < (int64_t)UINT32_MAX && (r.first + r.n) * per > 0 &&
	    handler_db_failed(res, db_usage_read(app->db, DB_USAGE_USER_KEYS, call->user_id,
	    (uint32_t)(r.first * per < 0 ? 0 : r.first * per),
	    (uint32_t)((r.first + r.n) * per > (int64_t)UINT32_MAX ? UINT32_MAX :
	    (r.first + r.n) * per), 1, key_sums_add, &sums), NULL))
		return;
	key_sums_write(&sums);
	jw_array_end(w);
	jw_object_end(w);
	response_close(res);
}
