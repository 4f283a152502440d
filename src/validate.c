/* validate.c: the field rules of request bodies and Laravel's wording of their failures. */
#include "ac-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "validate.h"

#define MSG_MAX 160

/* Adds a field's message, unless it already has one: only the first
 * failing rule of a field is reported.  Returns 0 or -1 (out of memory). */
static int __attribute__((format(printf, 3, 4)))
add_error(json_t *errors, const char *key, const char *fmt, ...)
{
	char msg[MSG_MAX];
	json_t *list;
	va_list ap;

	if (json_object_get(errors, key) != NULL)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((list = json_pack("[s]", msg)) == NULL)
		return -1;
	return json_object_set_new(errors, key, list);
}

size_t
utf8_length(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Decodes the code point at s (valid UTF-8); returns its byte length. */
static size_t
utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
	if (s[0] < 0x80 || len < 2) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && len >= 3) {
		*cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	if (len >= 4) {
		*cp = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
		    (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
		return 4;
	}
	*cp = s[0];
	return 1;
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

int
validate_text(const struct field_rule *r, json_t *v, void *out, json_t *errors,
    json_t *item_errors, int64_t now)
{
	const unsigned char *s, *end, *p;
	unsigned cp;
	size_t n;
	char *dst = (char *)out + r->offset;

	(void)item_errors;
	(void)now;
	if (v == NULL || json_is_null(v))
		return add_error(errors, r->member, "The %s field is required.", r->label);
	if (!json_is_string(v))
		return add_error(errors, r->member, "The %s field must be a string.", r->label);
	s = (const unsigned char *)json_string_value(v);
	end = s + json_string_length(v);
	/* Trim the leading, then the trailing, white space. */
	while (s < end && is_trimmed((utf8_decode(s, (size_t)(end - s), &cp), cp)))
		s += utf8_decode(s, (size_t)(end - s), &cp);
	for (;;) {
		const unsigned char *last = end;

		if (last == s)
			break;
		do
			last--;
		while (last > s && (*last & 0xc0) == 0x80);
		utf8_decode(last, (size_t)(end - last), &cp);
		if (!is_trimmed(cp))
			break;
		end = last;
	}
	if (s == end)
		return add_error(errors, r->member, "The %s field is required.", r->label);
	if (utf8_length((const char *)s, (size_t)(end - s)) > r->max)
		return add_error(errors, r->member,
		    "The %s field must not be greater than %u characters.", r->label, r->max);
	for (p = s; p < end; p += n) {
		n = utf8_decode(p, (size_t)(end - p), &cp);
		if (is_control(cp))
			return add_error(errors, r->member, "The %s field format is invalid.",
			    r->label);
	}
	if ((size_t)(end - s) >= r->size)	/* cannot happen with a right size */
		return add_error(errors, r->member,
		    "The %s field must not be greater than %u characters.", r->label, r->max);
	memcpy(dst, s, (size_t)(end - s));
	dst[end - s] = '\0';
	return 0;
}

/* now plus a number of calendar years (Feb 29 becomes Feb 28). */
static int64_t
years_ahead(int64_t now, unsigned years)
{
	struct civil_time c;
	int dim;

	time_to_civil(now, &c);
	c.year += (int)years;
	dim = time_days_in_month(c.year, c.month);
	if (c.day > dim)
		c.day = dim;
	return time_from_civil(&c);
}

int
validate_future_time(const struct field_rule *r, json_t *v, void *out, json_t *errors,
    json_t *item_errors, int64_t now)
{
	struct valid_time *dst = (struct valid_time *)(void *)((char *)out + r->offset);
	int64_t t;

	(void)item_errors;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) ||
	    time_parse_rfc3339(json_string_value(v), json_string_length(v), &t) != 0)
		return add_error(errors, r->member, "The %s field must be a valid date.",
		    r->label);
	if (t <= now)
		return add_error(errors, r->member, "The %s field must be a date after now.",
		    r->label);
	if (t > years_ahead(now, r->max))
		return add_error(errors, r->member,
		    "The %s field must be a date before or equal to %u years from now.",
		    r->label, r->max);
	dst->value = t;
	dst->set = 1;
	return 0;
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
	if (len == 0 || len > r->item_max)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(r->item_chars, s[i]) == NULL)
			return 0;
	return 1;
}

int
validate_string_set(const struct field_rule *r, json_t *v, void *out, json_t *errors,
    json_t *item_errors, int64_t now)
{
	json_t **dst = (json_t **)(void *)((char *)out + r->offset);
	char key[96];
	size_t i, j, n;
	int failed = 0;

	(void)now;
	if (v == NULL || json_is_null(v)) {
		*dst = json_array();
		return *dst != NULL ? 0 : -1;
	}
	if (!json_is_array(v))
		return add_error(errors, r->member, "The %s field must be an array.", r->label);
	n = json_array_size(v);
	if (n > r->max) {
		if (add_error(errors, r->member,
		    "The %s field must not have more than %u items.", r->label, r->max) != 0)
			return -1;
		failed = 1;
	}
	for (i = 0; i < n; i++) {
		json_t *item = json_array_get(v, i);

		snprintf(key, sizeof(key), "%s.%zu", r->member, i);
		if (!item_valid(r, item)) {
			if (add_error(item_errors, key, "The %s field format is invalid.",
			    key) != 0)
				return -1;
			failed = 1;
			continue;
		}
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(v, j), item))
				break;
		if (j < i) {
			if (add_error(item_errors, key, "The %s field has a duplicate value.",
			    key) != 0)
				return -1;
			failed = 1;
		}
	}
	if (!failed) {
		json_incref(v);
		*dst = v;
	}
	return 0;
}

enum valid_result
validate_body(const char *body, size_t len, const struct field_rule *rules,
    size_t nrules, void *out, int64_t now, json_t **errors)
{
	json_t *root, *errs = NULL, *items = NULL, *v;
	enum valid_result rc = VALID_NOMEM;
	const char *key;
	size_t i;

	*errors = NULL;
	if (body == NULL || len == 0)
		return VALID_NOT_OBJECT;
	/* NULs inside strings are allowed by the parser so that the rules can
	 * answer them (as control characters) instead of a bare 400. */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
	if (!json_is_object(root)) {
		json_decref(root);
		return VALID_NOT_OBJECT;
	}
	if ((errs = json_object()) == NULL || (items = json_object()) == NULL)
		goto done;
	for (i = 0; i < nrules; i++)
		if (rules[i].check(&rules[i], json_object_get(root, rules[i].member), out,
		    errs, items, now) != 0)
			goto done;
	json_object_foreach(items, key, v)
		if (json_object_set(errs, key, v) != 0)
			goto done;
	if (json_object_size(errs) == 0)
		rc = VALID_OK;
	else {
		rc = VALID_INVALID;
		*errors = errs;
		errs = NULL;
	}
done:
	json_decref(errs);
	json_decref(items);
	json_decref(root);
	return rc;
}

void
validate_release(const struct field_rule *rules, size_t nrules, void *out)
{
	size_t i;

	for (i = 0; i < nrules; i++)
		if (rules[i].check == validate_string_set) {
			json_t **p = (json_t **)(void *)((char *)out + rules[i].offset);

			json_decref(*p);
			*p = NULL;
		}
}
