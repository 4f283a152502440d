/* test-key-row.c: the real copy-out of a key row (db_keys.c) and the fake database's read (fake-row.c) agree on every column of db_key_row.h, in every read, for values and NULLs, row after row on one binding (TAP). */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_bind.h"
#include "db_key_bind.h"
#include "fake-db.h"
#include "tap.h"

static const struct db_key zero;
static const char *const read_names[] = { "show", "settings", "verify" };
static const char *const column_names[] = {
#define NAME(index, column, member, type, flag, read)	#member,
	DB_KEY_ROW(NAME)
#undef NAME
};

/* A stored row with a value in every column, each unlike its NULL. */
static void
row_values(struct db_key *row)
{
	memset(row, 0, sizeof(*row));
#define VALUE_U64(c, m)		row->m = 1000 + (c)
#define VALUE_I64(c, m)		row->m = 2000 + (c)
#define VALUE_UINT(c, m)		row->m = 3000 + (c)
#define VALUE_FLAG(c, m)		row->m = 1
#define VALUE_OFF(c, m)		row->m = 1
#define VALUE_TIME(c, m)		row->m = 1700000000000000LL + (c) * 1000001LL
#define VALUE_TEXT(c, m)		snprintf(row->m, sizeof(row->m), "text %d", (int)(c))
#define VALUE_JSON(c, m)		snprintf(row->m, sizeof(row->m), "[\"json %d\"]", (int)(c))
#define VALUE_JSON_LIST		VALUE_JSON
#define VALUE_HASH(c, m)		memset(row->m, 'a' + (c) % 6, DB_HASH_HEX)
#define KEY_FLAG(m, when_null)	row->m = !(when_null);
#define SET(index, column, member, type, flag, read) \
	VALUE_##type(index, member); \
	flag
	DB_KEY_ROW(SET)
#undef SET
#undef KEY_FLAG
}

/* A stored row with every column NULL: what db_key_row.h says a NULL
 * leaves in each type's member. */
static void
row_nulls(struct db_key *row)
{
	memset(row, 0, sizeof(*row));
#define NULLED_U64(m)		row->m = 0
#define NULLED_I64(m)		row->m = 0
#define NULLED_UINT(m)		row->m = 0
#define NULLED_FLAG(m)		row->m = 0
#define NULLED_OFF(m)		row->m = 0
#define NULLED_TIME(m)		row->m = DB_TIME_NULL
#define NULLED_TEXT(m)		row->m[0] = '\0'
#define NULLED_JSON(m)		row->m[0] = '\0'
#define NULLED_JSON_LIST(m)	strcpy(row->m, "[]")
#define NULLED_HASH(m)		row->m[0] = '\0'
#define KEY_FLAG(m, when_null)	row->m = (when_null);
#define SET(index, column, member, type, flag, read) \
	NULLED_##type(member); \
	flag
	DB_KEY_ROW(SET)
#undef SET
#undef KEY_FLAG
}

/* Sets one bound text column as the client library fetches it. */
static void
put_text(MYSQL_BIND *b, const char *s)
{
	size_t len = strlen(s);

	if (len > b->buffer_length)
		len = b->buffer_length;
	memcpy(b->buffer, s, len);
	*b->length = len;
}

/* Fetches row into the binds of b as the client library does: the value
 * into each bound buffer, or only the NULL indicator (the buffer keeps
 * what the last row left there). */
static void
fetch(struct key_binds *b, const struct db_key *row, int null)
{
	MYSQL_BIND in;

#define FETCHED_U64(c, m)		*(uint64_t *)b->res[c].buffer = row->m
#define FETCHED_I64(c, m)		*(long long *)b->res[c].buffer = row->m
#define FETCHED_UINT		FETCHED_I64
#define FETCHED_FLAG(c, m)		*(int *)b->res[c].buffer = row->m
#define FETCHED_OFF(c, m)		*(int *)b->res[c].buffer = !row->m
#define FETCHED_TIME(c, m)		db_bind_in_time(&in, b->res[c].buffer, row->m)
#define FETCHED_TEXT(c, m)		put_text(&b->res[c], row->m)
#define FETCHED_JSON		FETCHED_TEXT
#define FETCHED_JSON_LIST		FETCHED_TEXT
#define FETCHED_HASH		FETCHED_TEXT
#define PUT(index, column, member, type, flag, read) \
	if ((int)b->mode >= (int)KEY_READ_##read) { \
		*b->res[index].is_null = (my_bool)null; \
		if (!null) \
			FETCHED_##type(index, member); \
	}
	DB_KEY_ROW(PUT)
#undef PUT
}

/* A member as the copy-out promises it: a number whole, a string up to
 * its terminator (the bytes after it are undefined). */
#define SAME_U64(a, b)		(memcmp(&(a), &(b), sizeof(a)) == 0)
#define SAME_I64		SAME_U64
#define SAME_UINT		SAME_U64
#define SAME_FLAG		SAME_U64
#define SAME_OFF		SAME_U64
#define SAME_TIME		SAME_U64
#define SAME_TEXT(a, b)		(strncmp((a), (b), sizeof(a)) == 0)
#define SAME_JSON		SAME_TEXT
#define SAME_JSON_LIST		SAME_TEXT
#define SAME_HASH		SAME_TEXT

/* The real copy-out (after fetch) against the fake's read of the same
 * stored row, column by column, and both against the row itself. */
static void
compare(const struct key_binds *b, const struct db_key *row, const char *what)
{
	struct db_key fake;
	char desc[160];
	int in_read, same_fake, same_row;

	fake_db_row_read(row, &fake, (enum key_read)b->mode);
#define KEY_FLAG(m, when_null) \
	same_fake = same_fake && b->k->m == fake.m; \
	same_row = same_row && b->k->m == (in_read ? row->m : 0);
#define CMP(index, column, member, type, flag, read) \
	in_read = (int)b->mode >= (int)KEY_READ_##read; \
	same_fake = SAME_##type(b->k->member, fake.member); \
	same_row = in_read ? SAME_##type(b->k->member, row->member) : \
	    SAME_##type(b->k->member, zero.member); \
	flag \
	snprintf(desc, sizeof(desc), "%s read, %s: %s: real and fake agree", \
	    read_names[b->mode], what, column_names[index]); \
	ok(same_fake, desc); \
	snprintf(desc, sizeof(desc), "%s read, %s: %s: %s", read_names[b->mode], what, \
	    column_names[index], in_read ? "as stored" : "not read: zero"); \
	ok(same_row, desc);
	DB_KEY_ROW(CMP)
#undef CMP
#undef KEY_FLAG
}

/* The columns of a SELECT list: commas outside parentheses and quotes. */
static int
sql_columns(const char *s)
{
	int n = 1, depth = 0;
	char quote = 0;

	for (; *s != '\0'; s++) {
		if (quote != 0) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '\'' || *s == '"' || *s == '`')
			quote = *s;
		else if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
		else if (*s == ',' && depth == 0)
			n++;
	}
	return n;
}

/* One text column fetched alone: what the copy-out makes of it. */
static const char *
one_text(enum key_column c, const char *value, struct db_key *k)
{
	static struct key_binds b;

	db_key_bind(&b, NULL, k, KEY_BIND_VERIFY);
	fetch(&b, k, 1);
	*b.res[c].is_null = 0;
	put_text(&b.res[c], value);
	db_key_finish(&b);
	return c == KC_PERMS ? k->permissions : c == KC_IPS ? k->allowed_ips :
	    c == KC_NAME ? k->name : k->secret_hash;
}

int
main(void)
{
	struct key_binds b;
	struct db_key values, nulls, k, fake;
	char desc[160];
	int r;

	row_values(&values);
	row_nulls(&nulls);
#define DIFFER(index, column, member, type, flag, read) \
	snprintf(desc, sizeof(desc), "the test's value of %s is unlike its NULL", #member); \
	ok(memcmp(&values.member, &nulls.member, sizeof(values.member)) != 0, desc);
	DB_KEY_ROW(DIFFER)
#undef DIFFER

	/* Every read, on one binding as list uses it: values, then NULLs
	 * (nothing of the values may stay), then values again. */
	for (r = KEY_READ_SHOW; r <= KEY_READ_VERIFY; r++) {
		db_key_bind(&b, NULL, &k, (enum key_bind_mode)r);
		fetch(&b, &values, 0);
		db_key_finish(&b);
		compare(&b, &values, "a row of values");
		fetch(&b, &nulls, 1);
		db_key_finish(&b);
		compare(&b, &nulls, "then a row of NULLs");
		fetch(&b, &values, 0);
		db_key_finish(&b);
		compare(&b, &values, "then values again");
	}

	/* The SELECT lists have the columns the binds expect. */
	is_int(sql_columns(DB_KEY_SQL_SETTINGS), KC_HASH, "the settings' SELECT list: one column a bind");
	is_int(sql_columns(DB_KEY_SQL_VERIFY), KC__MAX, "verify's SELECT list: one column a bind");
	is_int(sql_columns(DB_KEY_SQL_JOIN) - 1, KEY_COLUMNS_SHOW, "show's join: one column a bind");

	/* Values the fake never holds, as the real copy-out reads them. */
	is_str(one_text(KC_IPS, "", &k), "null", "allowed_ips stored as an empty text: no JSON, never none");
	is_str(one_text(KC_PERMS, "", &k), "null", "permissions stored as an empty text: no JSON");
	is_str(one_text(KC_NAME, "", &k), "", "an empty name is empty");
	ok(!k.name_null, "an empty name is not NULL");
	is_str(one_text(KC_HASH, "abc", &k), "", "a hash of the wrong length is none");
	db_key_bind(&b, NULL, &k, KEY_BIND_SETTINGS);
	fetch(&b, &values, 0);
	*b.res[KC_WINDOW].is_null = 1;
	db_key_finish(&b);
	ok(k.rate_limit == 0 && k.rate_window == 0, "a limit without a window is no limit");
	fetch(&b, &values, 0);
	*(long long *)b.res[KC_RATE].buffer = 5000000000LL;
	db_key_finish(&b);
	ok(k.rate_limit == 0 && k.rate_window == 0, "a limit out of range is no limit");
	fetch(&b, &values, 0);
	*(int *)b.res[KC_ENABLED].buffer = 7;
	db_key_finish(&b);
	ok(!k.disabled, "enabled other than 0 is enabled");
	fake_db_row_read(&values, &fake, KEY_READ_SHOW);
	ok(fake.rate_limit == 0 && fake.secret_hash[0] == '\0',
	    "the fake's show read leaves the settings and the hash out");
	return tap_done();
}
