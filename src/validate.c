/* validate.c: request bodies read by jsonr and checked by field tables, with Laravel's wording of failures. */
#include "ac-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "jsonr.h"
#include "ipnet.h"
#include "timeutil.h"
#include "utf8.h"
#include "validate.h"

/* Adds a key's message, unless it already has one: only the first failing
 * rule of a field is reported.  Beyond VALID_ERRORS_MAX failures the rest
 * are dropped (the body stays bounded). */
static void __attribute__((format(printf, 3, 4)))
add_error(struct valid_errors *errs, const char *key, const char *fmt, ...)
{
	va_list ap;
	unsigned i;

	for (i = 0; i < errs->n; i++)
		if (strcmp(errs->e[i].key, key) == 0)
			return;
	if (errs->n >= VALID_ERRORS_MAX)
		return;
	snprintf(errs->e[errs->n].key, sizeof(errs->e[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(errs->e[errs->n].message, sizeof(errs->e[0].message), fmt, ap);
	va_end(ap);
	errs->n++;
}

static void
check_text(const struct field_rule *r, const struct jr_value *v, char *dst, struct valid_errors *errs)
{
	const unsigned char *s, *end;

	if (v == NULL && (r->flags & FIELD_F_OPTIONAL))
		return;
	if (v == NULL || v->type == JR_NULL) {
		add_error(errs, r->member, "The %s field is required.", r->label);
		return;
	}
	if (!(v->type == JR_STRING)) {
		add_error(errs, r->member, "The %s field must be a string.", r->label);
		return;
	}
	s = (const unsigned char *)v->str;
	end = s + v->len;
	utf8_trim(&s, &end);
	if (s == end) {
		add_error(errs, r->member, "The %s field is required.", r->label);
		return;
	}
	if (utf8_length((const char *)s, (size_t)(end - s)) > r->max ||
	    (size_t)(end - s) >= r->size) {
		add_error(errs, r->member,
		    "The %s field must not be greater than %u characters.", r->label, r->max);
		return;
	}
	if (utf8_has_control(s, (size_t)(end - s))) {
		add_error(errs, r->member, "The %s field format is invalid.", r->label);
		return;
	}
	memcpy(dst, s, (size_t)(end - s));
	dst[end - s] = '\0';
}

static void
check_future_time(const struct field_rule *r, const struct jr_value *v, struct valid_time *dst,
    int64_t now, struct valid_errors *errs)
{
	int64_t t;

	if (v == NULL || (v->type == JR_NULL && !(r->flags & FIELD_F_NULL_INVALID)))
		return;
	if (!(v->type == JR_STRING) ||
	    time_parse_rfc3339_us(v->str, v->len, &t) != 0)
		add_error(errs, r->member, "The %s field must be a valid date.", r->label);
	else if (t <= now)
		add_error(errs, r->member, "The %s field must be a date after now.", r->label);
	else if (t > time_add_years_us(now, r->max))
		add_error(errs, r->member,
		    "The %s field must be a date before or equal to %u years from now.",
		    r->label, r->max);
	else {
		dst->value = t;
		dst->set = 1;
	}
}

/* An item of a list kind: a string of at most VALID_ITEM_MAX bytes without
 * NUL, and for a set of the allowed bytes, for an address list an address. */
static int
item_valid(const struct field_rule *r, const struct jr_value *item)
{
	struct ipnet net;
	const char *s;
	size_t len, i;

	if (!(item->type == JR_STRING))
		return 0;
	s = item->str;
	len = item->len;
	if (len > VALID_ITEM_MAX || memchr(s, '\0', len) != NULL)
		return 0;
	if (r->kind == FIELD_IP_LIST)
		return ipnet_parse(s, len, 1, &net) == 0;
	if (r->kind == FIELD_STRING_LIST)
		return 1;
	if (len == 0 || len > r->item_max)
		return 0;
	for (i = 0; i < len; i++)
		if (strchr(r->item_chars, s[i]) == NULL)
			return 0;
	return 1;
}

/* FNV-1a of an item, for the duplicate check (at most JR_ITEMS_KEPT items:
 * the cost is bounded whatever the hash). */
static unsigned
item_hash(const char *s, size_t len)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The list kinds: a set (distinct items of allowed bytes), an address list,
 * and verify's loose list (any failure is "must be an array").  Over the
 * cap, the field fails and the items the reader kept (the first
 * JR_ITEMS_KEPT) are still checked and reported, as Laravel reports every
 * item; those past them cost nothing. */
static void
check_string_set(const struct field_rule *r, const struct jr_value *v, struct valid_set *dst,
    struct valid_errors *items, struct valid_errors *errs)
{
	/* Open addressing over the items seen so far: linear in the items. */
	const struct jr_value *slot[JR_ITEMS_KEPT * 2];
	char key[64];
	size_t i, n, max = r->max < VALID_SET_MAX ? r->max : VALID_SET_MAX;
	unsigned h, ok = 1;
	int loose = r->kind == FIELD_STRING_LIST;
	const struct jr_value *item;

	dst->n = 0;
	dst->present = v != NULL;
	if (v == NULL || v->type == JR_NULL)
		return;
	n = (v->type == JR_ARRAY) ? v->len : 0;
	if (!(v->type == JR_ARRAY) || (loose && n > max)) {
		add_error(errs, r->member, "The %s field must be an array.", r->label);
		return;
	}
	if (n > max) {
		add_error(errs, r->member, "The %s field must not have more than %u items.",
		    r->label, r->max);
		ok = 0;
	}
	memset(slot, 0, sizeof(slot));
	for (i = 0, item = v->first; item != NULL; i++, item = item->next) {
		snprintf(key, sizeof(key), "%s.%zu", r->member, i);
		if (!item_valid(r, item)) {
			if (loose) {
				add_error(errs, r->member, "The %s field must be an array.", r->label);
				return;
			}
			add_error(items, key, r->kind == FIELD_IP_LIST ?
			    "The %s field must be a valid IP address or range." :
			    "The %s field format is invalid.", key);
			ok = 0;
			continue;
		}
		if (i < max)
			memcpy(dst->item[i], item->str, item->len + 1);
		if (r->kind != FIELD_STRING_SET)
			continue;
		for (h = item_hash(item->str, item->len) % (JR_ITEMS_KEPT * 2); slot[h] != NULL;
		    h = (h + 1) % (JR_ITEMS_KEPT * 2))
			if (slot[h]->len == item->len && memcmp(slot[h]->str, item->str, item->len) == 0)
				break;
		if (slot[h] != NULL) {
			add_error(items, key, "The %s field has a duplicate value.", key);
			ok = 0;
		} else
			slot[h] = item;
	}
	dst->n = ok ? (unsigned)n : 0;
}

static void
check_string(const struct field_rule *r, const struct jr_value *v, char *dst, struct valid_errors *errs)
{
	size_t len;

	if (v == NULL || v->type == JR_NULL) {
		add_error(errs, r->member, "The %s field is required.", r->label);
		return;
	}
	len = (v->type == JR_STRING) ? v->len : 0;
	if (!(v->type == JR_STRING) || len >= r->size ||
	    memchr(v->str, '\0', len) != NULL) {
		add_error(errs, r->member, "The %s field must be a string.", r->label);
		return;
	}
	memcpy(dst, v->str, len + 1);
}

/* A JSON integer (5; not 5.0, not "5") from min to max. */
static int
int_in_range(const struct jr_value *v, long long min, long long max, long long *out)
{
	long long n;

	if (v == NULL || v->type != JR_INT)
		return 0;
	n = v->i;
	if (n < min || n > max)
		return 0;
	*out = (long long)n;
	return 1;
}

static void
check_int(const struct field_rule *r, const struct jr_value *v, struct valid_int *dst,
    struct valid_errors *errs)
{
	dst->present = v != NULL;
	dst->is_null = v != NULL && v->type == JR_NULL;
	if (v == NULL || dst->is_null)
		return;
	if (!int_in_range(v, r->min, r->lmax, &dst->value))
		add_error(errs, r->member, "The %s field must be an integer between %lld and %lld.",
		    r->label, r->min, r->lmax);
}

static void
check_bool(const struct field_rule *r, const struct jr_value *v, struct valid_bool *dst,
    struct valid_errors *errs)
{
	dst->present = v != NULL;
	if (v == NULL)
		return;
	if (!(v->type == JR_TRUE || v->type == JR_FALSE))
		add_error(errs, r->member, "The %s field must be true or false.", r->label);
	else
		dst->value = (v->type == JR_TRUE);
}

static void
check_rate(const struct field_rule *r, const struct jr_value *v, struct valid_rate *dst,
    struct valid_errors *items, struct valid_errors *errs)
{
	static const char *const name[2] = { "limit", "window_seconds" };
	unsigned max[2] = { r->max, r->item_max }, *out[2] = { &dst->limit, &dst->window };
	char key[64];
	long long n;
	int i;

	dst->present = v != NULL;
	dst->is_null = v != NULL && v->type == JR_NULL;
	if (v == NULL || dst->is_null)
		return;
	if (!(v->type == JR_OBJECT)) {
		add_error(errs, r->member, "The %s field must be an object.", r->label);
		return;
	}
	for (i = 0; i < 2; i++) {
		if (int_in_range(jr_get(v, name[i]), 1, max[i], &n)) {
			*out[i] = (unsigned)n;
			continue;
		}
		snprintf(key, sizeof(key), "%s.%s", r->member, name[i]);
		add_error(items, key, "The %s field must be an integer between 1 and %u.",
		    key, max[i]);
	}
}

static void
check_ip(const struct field_rule *r, const struct jr_value *v, struct valid_ip *dst, struct valid_errors *errs)
{
	dst->present = 0;
	if (v == NULL || v->type == JR_NULL)
		return;
	if (!(v->type == JR_STRING) ||
	    ipnet_parse(v->str, v->len, 0, &dst->addr) != 0)
		add_error(errs, r->member, "The %s field must be a valid IP address.", r->label);
	else
		dst->present = 1;
}

static void
check_uint(const struct field_rule *r, const struct jr_value *v, struct valid_uint *dst,
    struct valid_errors *errs)
{
	long long n;

	if (v == NULL || v->type == JR_NULL)
		return;
	if (v->type != JR_INT || (n = v->i) < 0 ||
	    (unsigned long long)n > r->max) {
		add_error(errs, r->member, "The %s field must be an integer between 0 and %u.",
		    r->label, r->max);
		return;
	}
	dst->value = (uint64_t)n;
	dst->set = 1;
}

enum valid_result
validate_body(const char *body, size_t len, const struct field_rule *rules,
    size_t nrules, void *out, int64_t now, struct valid_errors *errs)
{
	struct valid_errors items;
	struct jr_doc doc;
	const struct jr_value *root, *v;
	size_t i;
	unsigned j;

	errs->n = 0;
	items.n = 0;
	if (body == NULL || len == 0)
		return VALID_NOT_OBJECT;
	/* NULs inside strings are allowed by the parser so that the rules can
	 * answer them (as control characters) instead of a bare 400. */
	memset(&doc, 0, sizeof(doc));
	doc.allow_nul = 1;
	root = jr_parse(&doc, body, len);
	if (root == NULL || root->type != JR_OBJECT) {
		jr_free(&doc);
		return doc.too_complex ? VALID_TOO_COMPLEX : VALID_NOT_OBJECT;
	}
	for (i = 0; i < nrules; i++) {
		const struct field_rule *r = &rules[i];
		char *dst = (char *)out + r->offset;

		v = jr_get(root, r->member);
		switch (r->kind) {
		case FIELD_TEXT:
			check_text(r, v, dst, errs);
			break;
		case FIELD_FUTURE_TIME:
			check_future_time(r, v, (struct valid_time *)(void *)dst, now, errs);
			break;
		case FIELD_STRING_SET:
		case FIELD_IP_LIST:
		case FIELD_STRING_LIST:
			check_string_set(r, v, (struct valid_set *)(void *)dst, &items, errs);
			break;
		case FIELD_STRING:
			check_string(r, v, dst, errs);
			break;
		case FIELD_INT:
			check_int(r, v, (struct valid_int *)(void *)dst, errs);
			break;
		case FIELD_BOOL:
			check_bool(r, v, (struct valid_bool *)(void *)dst, errs);
			break;
		case FIELD_RATE:
			check_rate(r, v, (struct valid_rate *)(void *)dst, &items, errs);
			break;
		case FIELD_IP:
			check_ip(r, v, (struct valid_ip *)(void *)dst, errs);
			break;
		case FIELD_UINT:
			check_uint(r, v, (struct valid_uint *)(void *)dst, errs);
			break;
		}
		/* A field's items and members follow the field itself. */
		for (j = 0; j < items.n && errs->n < VALID_ERRORS_MAX; j++)
			errs->e[errs->n++] = items.e[j];
		items.n = 0;
	}
	jr_free(&doc);
	return errs->n == 0 ? VALID_OK : VALID_INVALID;
}

void
validate_errors_write(struct jw *w, const struct valid_errors *errs)
{
	unsigned i;

	jw_object_begin(w);
	for (i = 0; i < errs->n; i++) {
		jw_key(w, errs->e[i].key);
		jw_array_begin(w);
		jw_string(w, errs->e[i].message);
		jw_array_end(w);
	}
	jw_object_end(w);
}
