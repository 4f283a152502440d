/* test-jsonr.c: the body reader's limits (64 members an object, 32 levels), its keyed member-name hash, and the hash-flooding body it now refuses. */
#include "ac-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_keys.h"
#include "jsonr.h"
#include "key_input.h"
#include "siphash.h"
#include "tap.h"
#include "timeutil.h"
#include "validate.h"

static const unsigned char key_a[16] = "0123456789abcdef";
static const unsigned char key_b[16] = "fedcba9876543210";

/* Parses text; returns 1 for a document, 0 for a refusal, and sets
 * *complex and *probes. */
static int
parse(const char *text, size_t len, int *complex, unsigned long *probes)
{
	struct jr_doc doc;
	int r;

	memset(&doc, 0, sizeof(doc));
	r = jr_parse(&doc, text, len) != NULL;
	*complex = doc.too_complex;
	*probes = doc.probes;
	jr_free(&doc);
	return r;
}

/* An object of n members named m0, m1, ... inside "x" of the root, or, with
 * dup, the last name repeating the first. */
static char *
members(unsigned n, int dup)
{
	char *s = malloc(32 + (size_t)n * 16);
	size_t len;
	unsigned i;

	len = (size_t)sprintf(s, "{\"x\":{");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "%s\"m%u\":%u", i ? "," : "",
		    dup && i == n - 1 ? 0 : i, i);
	strcpy(s + len, "}}");
	return s;
}

/* levels nested arrays and objects, the root included. */
static char *
nested(unsigned levels)
{
	char *s = malloc((size_t)levels * 8 + 8);
	size_t len = 0;
	unsigned i;

	for (i = 0; i < levels; i++)
		len += (size_t)sprintf(s + len, i % 2 ? "[" : "{\"d\":");
	/* an odd count ends inside an object: give it a value */
	len += (size_t)sprintf(s + len, "1");
	for (i = levels; i-- > 0;)
		s[len++] = i % 2 ? ']' : '}';
	s[len] = '\0';
	return s;
}

static void
test_siphash(void)
{
	unsigned char key[16], msg[15];
	unsigned i;

	for (i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	/* The specification's vectors: key 00..0f, messages 00..(n-1). */
	ok(siphash24(key, msg, 0) == 0x726fdb47dd0e0e31ULL, "SipHash-2-4 of nothing");
	ok(siphash24(key, msg, 1) == 0x74f839c593dc67fdULL, "SipHash-2-4 of one byte");
	ok(siphash24(key, msg, 8) == 0x93f5f5799a932462ULL, "SipHash-2-4 of one word");
	ok(siphash24(key, msg, 15) == 0xa129ca6149be45e5ULL, "SipHash-2-4 of 15 bytes");
}

static void
test_limits(void)
{
	int complex;
	unsigned long probes;
	char *s;

	s = members(64, 0);
	ok(parse(s, strlen(s), &complex, &probes) && !complex, "64 members are read");
	free(s);
	s = members(65, 0);
	ok(!parse(s, strlen(s), &complex, &probes) && complex, "65 members: too complex");
	free(s);
	s = members(64, 1);
	ok(!parse(s, strlen(s), &complex, &probes) && !complex,
	    "64 members with a repeated name: refused, not as too complex");
	free(s);
	s = nested(32);
	ok(parse(s, strlen(s), &complex, &probes) && !complex, "32 levels are read");
	free(s);
	s = nested(33);
	ok(!parse(s, strlen(s), &complex, &probes) && complex, "33 levels: too complex");
	free(s);
	ok(!parse("[1,", 3, &complex, &probes) && !complex, "broken JSON is not too complex");
	ok(!parse("{\"a\":1", 6, &complex, &probes) && !complex, "nor an object cut short");
}

/* Through validate_body, as every route reads its body. */
static void
test_validate(void)
{
	struct key_input in;
	struct valid_errors errs;
	char *s;

	s = members(65, 0);
	memset(&in, 0, sizeof(in));
	is_int(validate_body(s, strlen(s), keys_create_rules, keys_create_nrules, &in,
	    time_now_us(), &errs), VALID_TOO_COMPLEX, "65 members anywhere: VALID_TOO_COMPLEX");
	free(s);
	s = nested(33);
	memset(&in, 0, sizeof(in));
	is_int(validate_body(s, strlen(s), keys_create_rules, keys_create_nrules, &in,
	    time_now_us(), &errs), VALID_TOO_COMPLEX, "33 levels: VALID_TOO_COMPLEX");
	free(s);
	memset(&in, 0, sizeof(in));
	is_int(validate_body("[1]", 3, keys_create_rules, keys_create_nrules, &in,
	    time_now_us(), &errs), VALID_NOT_OBJECT, "an array is still not an object");
}

/*
 * The flood: 6,553 member names in a 64 KiB body used to be kept and
 * hashed, names chosen to collide made each insertion probe every slot
 * before it.  Now the reader stops at the 65th member, before any
 * comparison; and the 64 it may keep are hashed under a key of the
 * process, so names that collide under one key do not under another.
 */
static void
test_flood(void)
{
	char names[64][16], *body;
	unsigned n = 0, i, want;
	unsigned long probes_a, probes_b, probes;
	size_t len;
	int complex;

	body = malloc(65536);
	len = (size_t)sprintf(body, "{");
	for (i = 0; len < 65536 - 16; i++)
		len += (size_t)sprintf(body + len, "%s\"%x\":0", i ? "," : "", i);
	body[len++] = '}';
	ok(!parse(body, len, &complex, &probes) && complex,
	    "a 64 KiB body of 6,553 members or more: too complex");
	printf("# %zu bytes, %u members\n", len, i);
	is_int(probes, 0, "refused before any name is compared");

	/* 64 names whose hashes under key_a share their slot. */
	want = (unsigned)(siphash24(key_a, "n0", 2) & (JR_MEMBERS_MAX * 2 - 1));
	for (i = 0; n < 64; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%u", i);
		if ((siphash24(key_a, name, strlen(name)) & (JR_MEMBERS_MAX * 2 - 1)) == want)
			strcpy(names[n++], name);
	}
	len = (size_t)sprintf(body, "{");
	for (i = 0; i < 64; i++)
		len += (size_t)sprintf(body + len, "%s\"%s\":0", i ? "," : "", names[i]);
	body[len++] = '}';
	jr_seed(key_a);
	ok(parse(body, len, &complex, &probes_a), "64 colliding names are read");
	is_int(probes_a, 64 * 63 / 2, "under the key they collide for: every slot probed");
	jr_seed(key_b);
	ok(parse(body, len, &complex, &probes_b), "the same names under another key");
	printf("# probes: %lu under the colliding key, %lu under another\n", probes_a, probes_b);
	ok(probes_b < 200, "under another key they spread out");
	ok(jr_init() == 0, "jr_init seeds from the random source");
	free(body);
}

int
main(void)
{
	test_siphash();
	test_limits();
	test_validate();
	test_flood();
	return tap_done();
}
