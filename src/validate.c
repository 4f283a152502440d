/* validate.c: request bodies parsed with jansson and checked by field tables, with Laravel's wording of failures. */
#include "ac-config.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "crypto.h"
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

/* White space that Laravel's TrimStrings removes at either end. */
static int
is_trimmed(unsigned cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) || cp == 0x200e ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000 || cp == 0xfeff;
}

static int
is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static void
check_text(const struct field_rule *r, json_t *v, char *dst, struct valid_errors *errs)
{
	const unsigned char *s, *end, *p;
	unsigned cp;
	size_t n;

	if (v == NULL || json_is_null(v)) {
		add_error(errs, r->member, "The %s field is required.", r->label);
		return;
	}
	if (!json_is_string(v)) {
		add_error(errs, r->member, "The %s field must be a string.", r->label);
		return;
	}
	s = (const unsigned char *)json_string_value(v);
	end = s + json_string_length(v);
	/* Trim the leading, then the trailing, white space. */
	while (s < end && (n = utf8_decode(s, (size_t)(end - s), &cp), is_trimmed(cp)))
		s += n;
	while (end > s) {
		const unsigned char *last = end;

		do
			last--;
		while (last > s && (*last & 0xc0) == 0x80);
		utf8_decode(last, (size_t)(end - last), &cp);
		if (!is_trimmed(cp))
			break;
		end = last;
	}
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
	for (p = s; p < end; p += n) {
		n = utf8_decode(p, (size_t)(end - p), &cp);
		if (is_control(cp)) {
			add_error(errs, r->member, "The %s field format is invalid.", r->label);
			return;
		}
	}
	memcpy(dst, s, (size_t)(end - s));
	dst[end - s] = '\0';
}

static void
check_future_time(const struct field_rule *r, json_t *v, struct valid_time *dst,
    int64_t now, struct valid_errors *errs)
{
	int64_t t;

	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_string(v) ||
	    time_parse_rfc3339_us(json_string_value(v), json_string_length(v), &t) != 0)
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

static int
item_valid(const struct field_rule *r, json_t *item)
{
	const char *s;
	size_t len, i;

	if (!json_is_string(item))
		return 0;
	s = json_string_value(item);
	len = json_string_length(item);
	if (len == 0 || len > r->item_max || len > VALID_ITEM_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(r->item_chars, s[i]) == NULL)
			return 0;
	return 1;
}

/* FNV-1a of an item, for the duplicate check. */
static unsigned
item_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
check_string_set(const struct field_rule *r, json_t *v, struct valid_set *dst,
    struct valid_errors *items, struct valid_errors *errs)
{
	/* Open addressing over the items seen so far: linear in the items. */
	unsigned char slot[VALID_SET_MAX * 2];
	char key[64];
	size_t i, n, max = r->max < VALID_SET_MAX ? r->max : VALID_SET_MAX;
	unsigned h, ok = 1;

	dst->n = 0;
	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		add_error(errs, r->member, "The %s field must be an array.", r->label);
		return;
	}
	n = json_array_size(v);
	if (n > max) {
		/* Stop at the cap: the items of an oversized list cost nothing. */
		add_error(errs, r->member, "The %s field must not have more than %u items.",
		    r->label, r->max);
		return;
	}
	memset(slot, 0, sizeof(slot));
	for (i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);

		snprintf(key, sizeof(key), "%s.%zu", r->member, i);
		if (!item_valid(r, item)) {
			add_error(items, key, "The %s field format is invalid.", key);
			ok = 0;
			continue;
		}
		memcpy(dst->item[i], json_string_value(item), json_string_length(item) + 1);
		for (h = item_hash(dst->item[i]) % sizeof(slot); slot[h] != 0;
		    h = (h + 1) % sizeof(slot))
			if (strcmp(dst->item[slot[h] - 1], dst->item[i]) == 0)
				break;
		if (slot[h] != 0) {
			add_error(items, key, "The %s field has a duplicate value.", key);
			ok = 0;
		} else
			slot[h] = (unsigned char)(i + 1);
	}
	dst->n = ok ? (unsigned)n : 0;
}

static void
check_string(const struct field_rule *r, json_t *v, char *dst, struct valid_errors *errs)
{
	size_t len;

	if (v == NULL || json_is_null(v)) {
		add_error(errs, r->member, "The %s field is required.", r->label);
		return;
	}
	len = json_is_string(v) ? json_string_length(v) : 0;
	if (!json_is_string(v) || len >= r->size ||
	    memchr(json_string_value(v), '\0', len) != NULL) {
		add_error(errs, r->member, "The %s field must be a string.", r->label);
		return;
	}
	memcpy(dst, json_string_value(v), len + 1);
}

static void
check_uint(const struct field_rule *r, json_t *v, struct valid_uint *dst,
    struct valid_errors *errs)
{
	json_int_t n;

	if (v == NULL || json_is_null(v))
		return;
	if (!json_is_integer(v) || (n = json_integer_value(v)) < 0 ||
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
	json_t *root, *v;
	size_t i;
	unsigned j;

	errs->n = 0;
	items.n = 0;
	if (body == NULL || len == 0)
		return VALID_NOT_OBJECT;
	/* NULs inside strings are allowed by the parser so that the rules can
	 * answer them (as control characters) instead of a bare 400. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return VALID_NOT_OBJECT;
	}
	for (i = 0; i < nrules; i++) {
		const struct field_rule *r = &rules[i];
		char *dst = (char *)out + r->offset;

		v = json_object_get(root, r->member);
		switch (r->kind) {
		case FIELD_TEXT:
			check_text(r, v, dst, errs);
			break;
		case FIELD_FUTURE_TIME:
			check_future_time(r, v, (struct valid_time *)(void *)dst, now, errs);
			break;
		case FIELD_STRING_SET:
			check_string_set(r, v, (struct valid_set *)(void *)dst, &items, errs);
			break;
		case FIELD_STRING:
			check_string(r, v, dst, errs);
			break;
		case FIELD_UINT:
			check_uint(r, v, (struct valid_uint *)(void *)dst, errs);
			break;
		}
	}
	json_decref(root);
	for (j = 0; j < items.n && errs->n < VALID_ERRORS_MAX; j++)
		errs->e[errs->n++] = items.e[j];
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

/* A parsed value through the writer, PHP's way. */
static void
write_value(struct jw *w, json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;
	char real[32];
	int n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_object_begin(w);
		json_object_foreach(v, k, item) {
			jw_key(w, k);
			write_value(w, item);
		}
		jw_object_end(w);
		break;
	case JSON_ARRAY:
		jw_array_begin(w);
		json_array_foreach(v, i, item)
			write_value(w, item);
		jw_array_end(w);
		break;
	case JSON_STRING:
		jw_stringn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		n = snprintf(real, sizeof(real), "%.17g%s", json_real_value(v), "");
		if (n > 0 && (size_t)n < sizeof(real) - 2) {
			if (strpbrk(real, ".eE") == NULL)
				strcat(real, ".0");
			jw_raw(w, real, strlen(real));
		}
		break;
	case JSON_TRUE:
		jw_bool(w, 1);
		break;
	case JSON_FALSE:
		jw_bool(w, 0);
		break;
	case JSON_NULL:
		jw_null(w);
		break;
	}
}

void
validate_stored_write(struct jw *w, const char *text)
{
	json_t *v;

	/* What generate stores, so what most keys hold: no parser needed. */
	if (strcmp(text, "[]") == 0) {
		jw_array_begin(w);
		jw_array_end(w);
		return;
	}
	v = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	if (json_is_array(v))
		write_value(w, v);
	else {
		jw_array_begin(w);
		jw_array_end(w);
	}
	json_decref(v);
}

void
validate_stored_object_write(struct jw *w, const char *text)
{
	json_t *v = text != NULL ? json_loads(text, JSON_REJECT_DUPLICATES, NULL) : NULL;

	if (json_is_object(v))
		write_value(w, v);
	else
		jw_null(w);
	json_decref(v);
}

/* jansson's free does not wipe: a secret placed in a JSON string would stay
 * in freed heap memory.  Wipe every block it frees. */
static void
json_wiping_free(void *p)
{
	if (p != NULL) {
		crypto_wipe(p, malloc_usable_size(p));
		free(p);
	}
}

void
validate_library_init(void)
{
	json_set_alloc_funcs(malloc, json_wiping_free);
}
