/* db_key_bind.c: the binding of a key row's columns to a struct db_key and their copy-out, derived from db_key_row.h. */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "db_bind.h"
#include "db_driver.h"
#include "db_key_bind.h"

/* How each type of db_key_row.h is bound: column c, into member m of k or
 * into the column's cell. */
#define BIND_U64(c, m)		bind_u64(b, c)
#define BIND_I64(c, m)		db_bind_out_i64(&b->res[c], &b->cell[c].i, &b->null[c])
#define BIND_UINT		BIND_I64
#define BIND_FLAG(c, m)		db_bind_out_int(&b->res[c], &b->cell[c].n, &b->null[c])
#define BIND_OFF		BIND_FLAG
#define BIND_TIME(c, m)		db_bind_out_time(&b->res[c], &b->cell[c].t, &b->null[c])
#define BIND_TEXT(c, m)		db_bind_out_str(&b->res[c], k->m, sizeof(k->m) - 1, \
	&b->len[c], &b->null[c])
#define BIND_JSON		BIND_TEXT
#define BIND_JSON_LIST		BIND_TEXT
/* A whole buffer, so that a longer value is a wrong length, not a
 * truncation (which fails the fetch). */
#define BIND_HASH(c, m)		db_bind_out_str(&b->res[c], k->m, sizeof(k->m), \
	&b->len[c], &b->null[c])

/* ... and how each sets its member from the fetched row: every byte of
 * it, whether the column is NULL or not. */
#define FINISH_U64(c, m)	k->m = b->null[c] ? 0 : b->cell[c].u
#define FINISH_I64(c, m)	k->m = b->null[c] ? 0 : b->cell[c].i
#define FINISH_UINT(c, m)	k->m = !b->null[c] && b->cell[c].i > 0 && \
	b->cell[c].i <= UINT32_MAX ? (unsigned)b->cell[c].i : 0
#define FINISH_FLAG(c, m)	k->m = !b->null[c] && b->cell[c].n != 0
#define FINISH_OFF(c, m)	k->m = !b->null[c] && b->cell[c].n == 0
#define FINISH_TIME(c, m)	k->m = db_time_us(&b->cell[c].t, b->null[c])
#define FINISH_TEXT(c, m)	text_finish(k->m, sizeof(k->m), b, c, "", "")
#define FINISH_JSON(c, m)	text_finish(k->m, sizeof(k->m), b, c, "", "null")
#define FINISH_JSON_LIST(c, m)	text_finish(k->m, sizeof(k->m), b, c, "[]", "null")
#define FINISH_HASH(c, m)	hash_finish(k->m, sizeof(k->m), b, c)

static void
bind_u64(struct key_binds *b, enum key_column i)
{
	db_bind_u64(&b->res[i], &b->cell[i].u);
	b->res[i].is_null = &b->null[i];
}

/* A fetched string column: if_null for NULL, if_empty for an empty text,
 * else the text, terminated (the bytes after the terminator are not
 * cleared: a key row holds 8 KiB of text buffers, its texts a few dozen
 * bytes). */
static void
text_finish(char *dst, size_t size, const struct key_binds *b, enum key_column i,
    const char *if_null, const char *if_empty)
{
	size_t len = b->null[i] ? 0 : b->len[i];

	if (len >= size)
		len = size - 1;		/* cannot happen: a longer value fails the fetch */
	if (b->null[i] || len == 0)
		len = (size_t)snprintf(dst, size, "%s", b->null[i] ? if_null : if_empty);
	dst[len] = '\0';
}

static void
hash_finish(char *dst, size_t size, const struct key_binds *b, enum key_column i)
{
	size_t len = !b->null[i] && b->len[i] == DB_HASH_HEX ? DB_HASH_HEX : 0;

	memset(dst + len, 0, size - len);
}

/* How each type of db_key_row.h is cleared: a number 0, a string "". */
#define CLEAR_U64(m)		k->m = 0
#define CLEAR_I64		CLEAR_U64
#define CLEAR_UINT		CLEAR_U64
#define CLEAR_FLAG		CLEAR_U64
#define CLEAR_OFF		CLEAR_U64
#define CLEAR_TIME		CLEAR_U64
#define CLEAR_TEXT(m)		k->m[0] = '\0'
#define CLEAR_JSON		CLEAR_TEXT
#define CLEAR_JSON_LIST		CLEAR_TEXT
#define CLEAR_HASH		CLEAR_TEXT

/* Every member 0 or "": the members and the first byte of each string,
 * not the whole struct (8 KiB, zeroed three times a verify before). */
static void
key_clear(struct db_key *k)
{
#define KEY_FLAG(m, when_null)	k->m = 0;
#define CLEAR(index, column, member, type, flag, read) \
	CLEAR_##type(member); \
	flag
	DB_KEY_ROW(CLEAR)
#undef CLEAR
#undef KEY_FLAG
}

void
db_key_bind(struct key_binds *b, MYSQL_BIND *res, struct db_key *k, enum key_bind_mode mode)
{
	memset(b, 0, sizeof(*b));
	key_clear(k);
	b->k = k;
	b->mode = mode;
	b->res = res != NULL ? res : b->own;
#define BIND(index, column, member, type, flag, read) \
	if ((int)mode >= (int)KEY_READ_##read) \
		BIND_##type(index, member);
	DB_KEY_ROW(BIND)
#undef BIND
}

void
db_key_finish(struct key_binds *b)
{
	struct db_key *k = b->k;
	int null;

#define KEY_FLAG(m, when_null)	k->m = null ? when_null : !when_null;
#define FINISH(index, column, member, type, flag, read) \
	if ((int)b->mode >= (int)KEY_READ_##read) { \
		null = b->null[index]; \
		FINISH_##type(index, member); \
		flag \
	}
	DB_KEY_ROW(FINISH)
#undef FINISH
#undef KEY_FLAG
	/* A limit needs both columns. */
	if (k->rate_limit == 0 || k->rate_window == 0)
		k->rate_limit = k->rate_window = 0;
}
