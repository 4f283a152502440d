/* jsonr.c: the JSON reader: a recursive-descent parser over one buffer, nodes and decoded strings bump-allocated in blocks. */
#include "ac-config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "jsonr.h"
#include "siphash.h"
#include "utf8.h"

#define BLOCK_MIN	16384
#define SLOTS		(JR_MEMBERS_MAX * 2)	/* of the duplicate check's table */

/* The key of the member-name hash: random per process (jr_init). */
static unsigned char hash_key[SIPHASH_KEY_LEN];
static int hash_seeded;

struct jr_block {
	struct jr_block	*prev;
	size_t		 size, used;
	/* the block's bytes follow, aligned for a node */
	max_align_t	 data[];
};

struct parser {
	struct jr_doc	*doc;
	const char	*p, *end;
	int		 failed;
};

/* Room for n bytes in the current block, or a new one.  NULL when out of
 * memory. */
static void *
take(struct jr_doc *doc, size_t n)
{
	struct jr_block *b = doc->blocks;
	size_t size;
	void *r;

	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (b == NULL || b->size - b->used < n) {
		size = n > BLOCK_MIN ? n : BLOCK_MIN;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->prev = doc->blocks;
		b->size = size;
		b->used = 0;
		doc->blocks = b;
	}
	r = (char *)b->data + b->used;
	b->used += n;
	return r;
}

/* Where the arena stands, to drop what an unkept item made. */
struct mark {
	struct jr_block	*block;
	size_t		 used;
};

static struct mark
mark_get(const struct jr_doc *doc)
{
	struct mark m = { doc->blocks, doc->blocks != NULL ? doc->blocks->used : 0 };

	return m;
}

static void
mark_reset(struct jr_doc *doc, struct mark m)
{
	struct jr_block *b;

	while (doc->blocks != m.block) {
		b = doc->blocks;
		doc->blocks = b->prev;
		crypto_wipe(b->data, b->used);
		free(b);
	}
	if (doc->blocks != NULL) {
		crypto_wipe((char *)doc->blocks->data + m.used, doc->blocks->used - m.used);
		doc->blocks->used = m.used;
	}
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	    (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
read_u16(struct parser *ps, unsigned *v)
{
	int i, h;

	if (ps->end - ps->p < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((h = hexval(ps->p[i])) < 0)
			return -1;
		*v = *v << 4 | (unsigned)h;
	}
	ps->p += 4;
	return 0;
}

static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at ps->p (the opening quote), decoded into the arena. */
static int
parse_string(struct parser *ps, const char **out, size_t *outlen)
{
	const char *start = ++ps->p, *q;
	char *o, *dst;
	unsigned cp, lo;
	size_t step;

	/* The decoded text is never longer than the raw one. */
	for (q = start; q < ps->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < ps->end)
			q++;
	if (q >= ps->end)
		return -1;
	if ((dst = o = take(ps->doc, (size_t)(q - start) + 1)) == NULL)
		return -1;
	while (ps->p < ps->end) {
		unsigned char c = (unsigned char)*ps->p;

		if (c == '"') {
			ps->p++;
			*o = '\0';
			*out = dst;
			*outlen = (size_t)(o - dst);
			return 0;
		}
		if (c < 0x20)
			return -1;	/* a raw control character */
		if (c >= 0x80) {
			step = utf8_decode((const unsigned char *)ps->p, (size_t)(ps->end - ps->p), &cp);
			if (step == 1)
				return -1;	/* not UTF-8 */
			memcpy(o, ps->p, step);
			o += step;
			ps->p += step;
			continue;
		}
		if (c != '\\') {
			*o++ = (char)c;
			ps->p++;
			continue;
		}
		if (++ps->p >= ps->end)
			return -1;
		switch (*ps->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (read_u16(ps, &cp) != 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;	/* a low surrogate alone */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
					return -1;
				ps->p += 2;
				if (read_u16(ps, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (cp == 0 && !ps->doc->allow_nul)
				return -1;
			o += put_utf8(o, cp);
			break;
		default:
			return -1;
		}
	}
	return -1;
}

static int
parse_number(struct parser *ps, struct jr_value *v)
{
	const char *s = ps->p;
	char buf[512], *endp;
	size_t n;
	int real = 0;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return -1;
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		real = 1;
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return -1;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		real = 1;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return -1;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	n = (size_t)(ps->p - s);
	if (!real && n <= 18) {
		/* Fits in a long long whatever the digits: no strtoll. */
		long long acc = 0;
		const char *d = s + (*s == '-');

		for (; d < ps->p; d++)
			acc = acc * 10 + (*d - '0');
		v->type = JR_INT;
		v->i = *s == '-' ? -acc : acc;
		return 0;
	}
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (!real) {
		v->type = JR_INT;
		v->i = strtoll(buf, &endp, 10);
		return errno == ERANGE ? -1 : 0;	/* as jansson: too big an integer */
	}
	v->type = JR_REAL;
	v->r = strtod(buf, &endp);
	return errno == ERANGE && isinf(v->r) ? -1 : 0;
}

static int
literal(struct parser *ps, const char *word, size_t n)
{
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return -1;
	ps->p += n;
	return 0;
}

int
jr_init(void)
{
	unsigned char key[SIPHASH_KEY_LEN];

	if (crypto_random_bytes(key, sizeof(key)) != 0)
		return -1;
	jr_seed(key);
	crypto_wipe(key, sizeof(key));
	return 0;
}

void
jr_seed(const unsigned char key[SIPHASH_KEY_LEN])
{
	memcpy(hash_key, key, sizeof(hash_key));
	hash_seeded = 1;
}

static int
same_name(const struct jr_value *a, const struct jr_value *b)
{
	return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* 1 if two of the n (at most JR_MEMBERS_MAX) members of an object have the
 * same (decoded) name: a table under a keyed hash, so that the names cannot
 * be chosen to collide.  Cannot fail. */
static int
has_duplicate(struct jr_doc *doc, const struct jr_value *first, size_t n)
{
	const struct jr_value *a, *b, *slot[SLOTS];
	size_t i;

	if (n <= 8) {
		for (a = first; a != NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next, doc->probes++)
				if (same_name(a, b))
					return 1;
		return 0;
	}
	memset(slot, 0, sizeof(slot));
	for (a = first; a != NULL; a = a->next) {
		for (i = siphash24(hash_key, a->key, a->key_len) & (SLOTS - 1); slot[i] != NULL;
		    i = (i + 1) & (SLOTS - 1), doc->probes++)
			if (same_name(slot[i], a))
				return 1;
		slot[i] = a;
	}
	return 0;
}

static struct jr_value *parse_value(struct parser *, int depth);

/* An array or object at ps->p; items past JR_ITEMS_KEPT are checked, counted
 * and dropped (an object keeps every member, at most JR_MEMBERS_MAX, for
 * the duplicate check). */
static int
parse_container(struct parser *ps, struct jr_value *v, int depth)
{
	int object = *ps->p == '{';
	char close = object ? '}' : ']';
	struct jr_value *item, **tail = &v->first;
	const char *key = NULL;
	size_t keylen = 0;
	struct mark m;

	v->type = object ? JR_OBJECT : JR_ARRAY;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		skip_ws(ps);
		if (object) {
			/* A member name never holds a NUL, even where string
			 * values may (as jansson's decoder). */
			if (ps->p >= ps->end || *ps->p != '"' ||
			    parse_string(ps, &key, &keylen) != 0 ||
			    memchr(key, '\0', keylen) != NULL)
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return -1;
		}
		if (object && v->len == JR_MEMBERS_MAX) {
			ps->doc->too_complex = 1;
			return -1;
		}
		m = mark_get(ps->doc);
		if ((item = parse_value(ps, depth + 1)) == NULL)
			return -1;
		if (object || v->len < JR_ITEMS_KEPT) {
			item->key = key;
			item->key_len = keylen;
			*tail = item;
			tail = &item->next;
		} else
			mark_reset(ps->doc, m);
		v->len++;
		skip_ws(ps);
		if (ps->p >= ps->end)
			return -1;
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ != close)
			return -1;
		break;
	}
	return object && has_duplicate(ps->doc, v->first, v->len) ? -1 : 0;
}

static struct jr_value *
parse_value(struct parser *ps, int depth)
{
	struct jr_value *v;
	int rc = -1;

	skip_ws(ps);
	if (ps->p < ps->end && (*ps->p == '{' || *ps->p == '[') && depth > JR_DEPTH_MAX) {
		ps->doc->too_complex = 1;
		return NULL;
	}
	if (ps->p >= ps->end || (v = take(ps->doc, sizeof(*v))) == NULL)
		return NULL;
	memset(v, 0, sizeof(*v));
	switch (*ps->p) {
	case '{':
	case '[':
		rc = parse_container(ps, v, depth);
		break;
	case '"':
		v->type = JR_STRING;
		rc = parse_string(ps, &v->str, &v->len);
		break;
	case 't':
		v->type = JR_TRUE;
		rc = literal(ps, "true", 4);
		break;
	case 'f':
		v->type = JR_FALSE;
		rc = literal(ps, "false", 5);
		break;
	case 'n':
		v->type = JR_NULL;
		rc = literal(ps, "null", 4);
		break;
	default:
		rc = parse_number(ps, v);
		break;
	}
	return rc == 0 ? v : NULL;
}

struct jr_value *
jr_parse(struct jr_doc *doc, const char *text, size_t len)
{
	struct parser ps = { doc, text, text + len, 0 };
	struct jr_value *root;

	if (!hash_seeded)
		(void)jr_init();
	doc->too_complex = 0;
	skip_ws(&ps);
	if (ps.p >= ps.end || (*ps.p != '{' && *ps.p != '['))
		return NULL;
	if ((root = parse_value(&ps, 1)) == NULL)
		return NULL;
	skip_ws(&ps);
	return ps.p == ps.end ? root : NULL;
}

struct jr_value *
jr_get(const struct jr_value *object, const char *name)
{
	struct jr_value *v;
	size_t n = strlen(name);

	if (object == NULL || object->type != JR_OBJECT)
		return NULL;
	for (v = object->first; v != NULL; v = v->next)
		if (v->key_len == n && memcmp(v->key, name, n) == 0)
			return v;
	return NULL;
}

void
jr_free(struct jr_doc *doc)
{
	struct mark none = { NULL, 0 };

	mark_reset(doc, none);
}
