/* usage.c: the responder's tables of waiting usage counts: fixed open-addressed hashes, so memory stays flat however many keys and hours pass, two of them under a lock between verify and the writer thread. */
#include "ac-config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeutil.h"
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

/* The process's two tables and who holds what (usage.h).  Verify adds
 * to tab[active] only; the other table is empty, or held by the writer
 * (held), or full and waiting for it (handed over by verify). */
static struct {
	pthread_mutex_t		lock;
	pthread_cond_t		wake;		/* the writer waits on it */
	pthread_once_t		once;
	struct usage_table	tab[2];
	unsigned		active;
	int			held;		/* the other table is being written */
	int			stop;
	int64_t			retry_us;	/* a failed write: tried again then */
	unsigned long		lost;
} st = { .lock = PTHREAD_MUTEX_INITIALIZER, .once = PTHREAD_ONCE_INIT };

/* The writer's waits are measured on the monotonic clock: a step of the
 * wall clock neither hurries nor stalls a write. */
static void
wake_init(void)
{
	pthread_condattr_t a;

	if (pthread_condattr_init(&a) == 0 &&
	    pthread_condattr_setclock(&a, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&st.wake, &a) == 0) {
		pthread_condattr_destroy(&a);
		return;
	}
	/* Cannot fail on Linux; otherwise the realtime clock's waits. */
	(void)pthread_cond_init(&st.wake, NULL);
}

void
usage_count(uint64_t key_id, uint64_t user_id, int64_t now_us, enum usage_outcome o)
{
	struct usage_table *t, *other;
	int was_empty;

	(void)pthread_once(&st.once, wake_init);
	pthread_mutex_lock(&st.lock);
	t = &st.tab[st.active];
	was_empty = t->n == 0;
	if (usage_add(t, key_id, user_id, now_us, o, 1) == 0) {
		if (was_empty)	/* the writer learns when this one is due */
			pthread_cond_signal(&st.wake);
		pthread_mutex_unlock(&st.lock);
		return;
	}
	other = &st.tab[st.active ^ 1];
	if (other->n == 0 && !st.held) {
		/* The full table goes to the writer, now. */
		st.active ^= 1;
		st.retry_us = 0;
		(void)usage_add(other, key_id, user_id, now_us, o, 1);
		pthread_cond_signal(&st.wake);
	} else
		st.lost++;
	pthread_mutex_unlock(&st.lock);
}

/* The monotonic clock, in microseconds. */
static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct usage_table *
usage_take(int how)
{
	struct usage_table *t = NULL, *a, *other;
	struct timespec until;
	int64_t now, left;
	long ms;

	(void)pthread_once(&st.once, wake_init);
	pthread_mutex_lock(&st.lock);
	for (;;) {
		a = &st.tab[st.active];
		other = &st.tab[st.active ^ 1];
		left = -1;	/* nothing to wait for: until woken */
		if (!st.held && other->n > 0) {
			/* Handed over full, or a failed write to try again. */
			left = st.retry_us - mono_us();
			if (st.stop || left <= 0 || (how & USAGE_NOW)) {
				t = other;
				break;
			}
		} else if (!st.held && a->n > 0) {
			ms = usage_due_ms(a, time_now_us());
			if (st.stop || ms == 0 || (how & USAGE_NOW)) {
				st.active ^= 1;
				t = a;
				break;
			}
			left = ms * 1000LL;
		} else if (st.stop && !st.held)
			break;		/* both empty: the end */
		if (!(how & USAGE_WAIT))
			break;
		if (left < 0)
			pthread_cond_wait(&st.wake, &st.lock);
		else {
			now = mono_us() + left;
			until.tv_sec = (time_t)(now / 1000000);
			until.tv_nsec = (long)(now % 1000000) * 1000;
			while (pthread_cond_timedwait(&st.wake, &st.lock, &until) == EINTR)
				;
		}
	}
	if (t != NULL)
		st.held = 1;
	pthread_mutex_unlock(&st.lock);
	return t;
}

void
usage_done(struct usage_table *t, int written)
{
	unsigned i;

	/* Cleared outside the lock: nobody else touches a held table.  Only
	 * the slots that hold a count are written. */
	if (written)
		for (i = 0; i < USAGE_TABLE_SLOTS; i++)
			if (t->slot[i].count != 0)
				memset(&t->slot[i], 0, sizeof(t->slot[i]));
	pthread_mutex_lock(&st.lock);
	if (written) {
		t->n = 0;
		t->oldest_us = 0;
		st.retry_us = 0;
	} else
		st.retry_us = mono_us() + USAGE_RETRY_US;
	st.held = 0;
	pthread_cond_signal(&st.wake);	/* another taker may wait for the hold */
	pthread_mutex_unlock(&st.lock);
}

void
usage_stop(void)
{
	(void)pthread_once(&st.once, wake_init);
	pthread_mutex_lock(&st.lock);
	st.stop = 1;
	pthread_cond_broadcast(&st.wake);
	pthread_mutex_unlock(&st.lock);
}

int
usage_stopping(void)
{
	int s;

	pthread_mutex_lock(&st.lock);
	s = st.stop;
	pthread_mutex_unlock(&st.lock);
	return s;
}

unsigned long
usage_lost(void)
{
	unsigned long n;

	pthread_mutex_lock(&st.lock);
	n = st.lost;
	st.lost = 0;
	pthread_mutex_unlock(&st.lock);
	return n;
}
