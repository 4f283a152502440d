/* usage.c: the responder's table of waiting usage counts: a fixed open-addressed hash, so memory stays flat however many keys and hours pass. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "usage.h"

#define HOUR_US		(3600LL * 1000000LL)

static const char *const outcome_names[USAGE__MAX] = {
	"valid", "invalid_secret", "disabled", "expired", "revoked", "forbidden_ip",
	"forbidden_permissions", "rate_limited", "usage_exceeded", "unknown_key"
};

const char *
usage_outcome_name(enum usage_outcome o)
{
	return (unsigned)o < USAGE__MAX ? outcome_names[o] : "";
}

int
usage_outcome_parse(const char *name)
{
	int i;

	for (i = 0; i < USAGE__MAX; i++)
		if (strcmp(name, outcome_names[i]) == 0)
			return i;
	return -1;
}

void
usage_clear(struct usage_table *t)
{
	memset(t->slot, 0, sizeof(t->slot));
	t->n = 0;
	t->oldest_us = 0;
}

/* A 64-bit mix of the cell's identity (splitmix64's finaliser). */
static uint64_t
cell_hash(uint64_t key_id, uint32_t hour, uint32_t outcome)
{
	uint64_t x = key_id * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)hour << 8 | outcome);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int
usage_add(struct usage_table *t, uint64_t key_id, uint64_t user_id, int64_t now_us,
    enum usage_outcome o, uint64_t n)
{
	uint32_t hour = (uint32_t)(now_us < 0 ? 0 : now_us / HOUR_US);
	size_t i = (size_t)(cell_hash(key_id, hour, (uint32_t)o) & (USAGE_TABLE_SLOTS - 1));
	struct usage_cell *c;

	if (n == 0)
		return 0;
	/* Load at most one half: a probe ends at a free slot soon. */
	for (;; i = (i + 1) & (USAGE_TABLE_SLOTS - 1)) {
		c = &t->slot[i];
		if (c->count == 0)
			break;
		if (c->key_id == key_id && c->hour == hour && c->outcome == (uint32_t)o) {
			c->count += n;
			return 0;
		}
	}
	if (t->n >= USAGE_TABLE_MAX)
		return -1;
	c->key_id = key_id;
	c->user_id = user_id;
	c->hour = hour;
	c->outcome = (uint32_t)o;
	c->count = n;
	if (t->n++ == 0 || now_us < t->oldest_us)
		t->oldest_us = now_us;
	return 0;
}

long
usage_due_ms(const struct usage_table *t, int64_t now_us)
{
	int64_t left;

	if (t->n == 0)
		return -1;
	left = t->oldest_us + USAGE_FLUSH_AGE_US - now_us;
	if (left <= 0)
		return 0;
	if (left > USAGE_FLUSH_AGE_US)
		left = USAGE_FLUSH_AGE_US;	/* the clock went back */
	return (long)((left + 999) / 1000);
}

static int
cell_cmp(const void *a, const void *b)
{
	const struct usage_cell *x = a, *y = b;

	if (x->key_id != y->key_id)
		return x->key_id < y->key_id ? -1 : 1;
	if (x->hour != y->hour)
		return x->hour < y->hour ? -1 : 1;
	if (x->outcome != y->outcome)
		return x->outcome < y->outcome ? -1 : 1;
	return 0;
}

unsigned
usage_snapshot(const struct usage_table *t, struct usage_cell *out)
{
	unsigned i, n = 0;

	for (i = 0; i < USAGE_TABLE_SLOTS && n < USAGE_TABLE_MAX; i++)
		if (t->slot[i].count != 0)
			out[n++] = t->slot[i];
	qsort(out, n, sizeof(*out), cell_cmp);
	return n;
}

struct usage_table *
usage_process_table(void)
{
	static struct usage_table table;	/* zero: empty */

	return &table;
}
