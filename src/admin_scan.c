/* admin_scan.c: apikeys-admin scan (keys and secrets leaked into files, found by their checksum) and keys-legacy-count. */
#include "ac-config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin_scan.h"
#include "admin_shared.h"
#include "api_keys.h"
#include "checksum.h"
#include "crypto.h"
#include "db_admin.h"
#include "db_webhooks.h"

#define PREFIX_LEN	(sizeof(KEY_PREFIX) - 1)
#define TOKEN_LEN	(PREFIX_LEN + CHECKSUM_TOKEN_BODY)
/* Bytes kept from one block to the next: a candidate is decided only when
 * its 48 characters and the one after them are in the buffer. */
#define SCAN_TAIL	(TOKEN_LEN + 1)
#define SCAN_BLOCK	(4u << 20)
#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026 in UTF-8 */
#define CACHE_SIZE	4096		/* distinct credentials remembered */
#define CACHE_BUCKETS	8192		/* chains of the cache's index */
#define CACHE_NONE	(-1)		/* the end of a chain */

/* One credential already looked up: a log repeats the same key on every
 * line, and each would otherwise cost a query.  A secret is remembered by
 * its keyed hash only.  When the cache is full, the clock hand evicts the
 * first entry not used since it last passed: a log of more distinct values
 * than the cache holds (forged ones, say) still costs one query per value
 * while it recurs, never one per line. */
struct seen {
	char			 what[CRYPTO_HEX_SHA256 + 1];	/* key, or secret's hash */
	int			 found;
	int			 used;		/* looked at since the hand passed */
	int			 next;		/* in its bucket's chain */
	struct db_admin_owner	 owner;
};

struct scan {
	struct db		*db;
	const struct config	*cfg;
	int			 revoke;
	int			 live;		/* a live credential was found */
	int			 error;		/* an unreadable file */
	int			 fatal;		/* a database error: stop */
	char			*buf;
	struct seen		*seen;		/* CACHE_SIZE entries */
	int			*bucket;	/* CACHE_BUCKETS chain heads */
	int			 nseen;		/* entries filled, up to CACHE_SIZE */
	int			 hand;		/* the clock's */
};

static const char *const state_names[] = { "live", "revoked", "expired" };

int
admin_scan_args_ok(int nargs, char **args)
{
	int i, opts = 1;

	for (i = 0; i < nargs; i++) {
		if (!opts || args[i][0] != '-' || strcmp(args[i], "-") == 0)
			continue;
		if (strcmp(args[i], "--") == 0)
			opts = 0;
		else if (strcmp(args[i], "--revoke") != 0)
			return 0;
	}
	return 1;
}

/* FNV-1a, to place a credential in the cache's index. */
static size_t
bucket_of(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % CACHE_BUCKETS;
}

/* The cache entry of what (a key, or a secret's hash), or NULL. */
static struct seen *
seen_find(struct scan *s, const char *what)
{
	int i;

	for (i = s->bucket[bucket_of(what)]; i != CACHE_NONE; i = s->seen[i].next)
		if (strcmp(s->seen[i].what, what) == 0)
			return &s->seen[i];
	return NULL;
}

/* An entry to fill: a fresh one while there are, else the clock's victim,
 * taken out of its chain.  Cannot fail. */
static struct seen *
seen_evict(struct scan *s)
{
	struct seen *e;
	int *link;

	if (s->nseen < CACHE_SIZE)
		return &s->seen[s->nseen++];
	while (s->seen[s->hand].used) {
		s->seen[s->hand].used = 0;
		s->hand = (s->hand + 1) % CACHE_SIZE;
	}
	e = &s->seen[s->hand];
	for (link = &s->bucket[bucket_of(e->what)]; *link != s->hand;
	    link = &s->seen[*link].next)
		;
	*link = e->next;
	s->hand = (s->hand + 1) % CACHE_SIZE;
	return e;
}

/* Looks up one credential (cached); 0, or -1 after a database error. */
static int
lookup(struct scan *s, int secret, const char *what, struct seen **out)
{
	struct db_admin_owner owner;
	struct seen *e = seen_find(s, what);
	enum db_status rc;
	size_t b;

	if (e != NULL) {
		e->used = 1;
		*out = e;
		return 0;
	}
	rc = secret ? db_admin_secret_owner(s->db, what, &owner) :
	    db_admin_key_owner(s->db, what, &owner);
	if (rc != DB_OK && rc != DB_NOT_FOUND) {
		admin_fail("cannot look up a credential found by scan (%s)", db_strerror(rc));
		return -1;
	}
	e = seen_evict(s);
	memset(e, 0, sizeof(*e));
	snprintf(e->what, sizeof(e->what), "%s", what);
	e->found = rc == DB_OK;
	if (e->found)
		e->owner = owner;
	/* Not yet "used": a value seen once goes before one that recurs. */
	b = bucket_of(what);
	e->next = s->bucket[b];
	s->bucket[b] = (int)(e - s->seen);
	*out = e;
	return 0;
}

/* Marks every cached credential of key id revoked: its key and its secret
 * are two entries. */
static void
seen_revoked(struct scan *s, uint64_t id)
{
	int i;

	for (i = 0; i < s->nseen; i++)
		if (s->seen[i].found && s->seen[i].owner.id == id)
			s->seen[i].owner.state = DB_ADMIN_REVOKED;
}

/* Reports the credential t (TOKEN_LEN bytes, checksum valid) found at
 * line of name; revokes its key when asked and t is the secret (a key
 * alone opens nothing: revoking on it would let anyone who can write a
 * line into a scanned log switch a merchant off).  0, or -1 to stop. */
static int
report(struct scan *s, const char *name, unsigned long line, const char *t)
{
	char value[TOKEN_LEN + 1], hash[CRYPTO_HEX_SHA256 + 1];
	int secret = memcmp(t, SECRET_PREFIX, PREFIX_LEN) == 0, was_live = 0;
	struct seen *e;
	enum db_status rc;
	int failed;

	memcpy(value, t, TOKEN_LEN);
	value[TOKEN_LEN] = '\0';
	if (secret) {
		failed = crypto_hmac_sha256_hex(s->cfg->pepper, strlen(s->cfg->pepper),
		    value, TOKEN_LEN, hash) != 0;
		crypto_wipe(value, sizeof(value));
		if (failed) {
			admin_fail("HMAC failed");
			return -1;
		}
	}
	if (lookup(s, secret, secret ? hash : value, &e) != 0)
		return -1;
	if (!e->found)
		printf("%s:%lu: %s id=- user=- state=unknown ", name, line,
		    secret ? "secret" : "key");
	else
		printf("%s:%lu: %s id=%llu user=%s state=%s ", name, line,
		    secret ? "secret" : "key", (unsigned long long)e->owner.id,
		    e->owner.email[0] != '\0' ? e->owner.email : "-",
		    state_names[e->owner.state]);
	if (secret)
		printf("%s%s%.4s", SECRET_PREFIX, ELLIPSIS, t + TOKEN_LEN - 4);
	else
		fwrite(value, 1, TOKEN_LEN, stdout);
	if (e->found && e->owner.state == DB_ADMIN_LIVE) {
		s->live = 1;
		if (s->revoke && !secret)
			fputs(" not revoked (key only)", stdout);
		else if (s->revoke) {
			rc = db_admin_key_revoke(s->db, e->owner.id, &was_live);
			if (rc != DB_OK) {
				putchar('\n');
				admin_fail("cannot revoke key %llu (%s)",
				    (unsigned long long)e->owner.id, db_strerror(rc));
				return -1;
			}
			seen_revoked(s, e->owner.id);
			if (was_live)
				fputs(" revoked", stdout);
		}
		/* key.leaked for the owner's webhooks (9.2); scan goes on without. */
		(void)db_webhook_leaked(s->db, e->owner.id, secret, was_live);
	}
	putchar('\n');
	crypto_wipe(hash, sizeof(hash));
	return 0;
}

/* Newlines in n bytes (a loop the compiler vectorises). */
static unsigned long
count_lines(const char *p, size_t n)
{
	unsigned long c = 0;
	size_t i;

	for (i = 0; i < n; i++)
		c += p[i] == '\n';
	return c;
}

/* 1 if a credential with a valid checksum stands alone at buf[i]: prev is
 * the byte before it (-1 at the start of the input), have the bytes in
 * buf, eof whether nothing follows them. */
static int
candidate(const char *buf, size_t i, size_t have, int prev)
{
	const char *t = buf + i;
	size_t j;

	if (have - i < TOKEN_LEN || memcmp(t, "MTP_", 4) != 0 ||
	    (memcmp(t + 4, "KEY_", 4) != 0 && memcmp(t + 4, "SEC_", 4) != 0))
		return 0;
	if (prev >= 0 && checksum_is_base62((unsigned char)prev))
		return 0;
	for (j = PREFIX_LEN; j < TOKEN_LEN; j++)
		if (!checksum_is_base62((unsigned char)t[j]))
			return 0;
	if (have - i > TOKEN_LEN && checksum_is_base62((unsigned char)t[TOKEN_LEN]))
		return 0;
	return checksum_token_valid(t, TOKEN_LEN, memcmp(t + 4, "KEY_", 4) == 0 ?
	    KEY_PREFIX : SECRET_PREFIX);
}

/* Scans one open file; name is how lines name it.  0, or -1 after a read
 * error (reported; s->error set) or a database error (s->fatal set). */
static int
scan_fd(struct scan *s, int fd, const char *name)
{
	char *buf = s->buf;
	size_t have = 0, limit, counted, i;
	unsigned long line = 1;
	int prev = -1, eof = 0;
	const char *m;
	ssize_t n;

	while (!eof) {
		do
			n = read(fd, buf + have, SCAN_BLOCK);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			fprintf(stderr, "apikeys-admin: scan: cannot read %s: %s\n", name,
			    strerror(errno));
			s->error = 1;
			return -1;
		}
		have += (size_t)n;
		eof = n == 0;
		/* Candidates starting before limit can be decided now. */
		limit = eof ? have : have > SCAN_TAIL ? have - SCAN_TAIL : 0;
		counted = 0;
		for (i = 0; i < limit; i++) {
			if ((m = memchr(buf + i, 'M', limit - i)) == NULL)
				break;
			i = (size_t)(m - buf);
			if (!candidate(buf, i, have, i > 0 ? (unsigned char)buf[i - 1] : prev))
				continue;
			line += count_lines(buf + counted, i - counted);
			counted = i;
			if (report(s, name, line, buf + i) != 0) {
				s->fatal = 1;
				return -1;
			}
		}
		if (eof)
			break;
		line += count_lines(buf + counted, limit - counted);
		if (limit > 0)
			prev = (unsigned char)buf[limit - 1];
		memmove(buf, buf + limit, have - limit);
		have -= limit;
	}
	return 0;
}

static int scan_path(struct scan *, const char *path, int top);

static int
skip_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* Scans a directory's regular files and directories, in name order;
 * symbolic links inside it are not followed (no loops). */
static int
scan_dir(struct scan *s, const char *path)
{
	struct dirent **names;
	char *sub;
	int n, i, rc = 0;
	size_t len = strlen(path);

	if ((n = scandir(path, &names, skip_dots, alphasort)) < 0) {
		fprintf(stderr, "apikeys-admin: scan: cannot read %s: %s\n", path,
		    strerror(errno));
		s->error = 1;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0 && (sub = malloc(len + strlen(names[i]->d_name) + 2)) != NULL) {
			sprintf(sub, "%s%s%s", path, len > 0 && path[len - 1] == '/' ? "" : "/",
			    names[i]->d_name);
			rc = scan_path(s, sub, 0);
			free(sub);
		} else if (rc == 0) {
			admin_fail("out of memory");
			s->fatal = 1;
			rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Scans a file or a directory; top: named on the command line (followed
 * if a link, and may be a pipe or a device).  -1 only to stop everything. */
static int
scan_path(struct scan *s, const char *path, int top)
{
	struct stat st;
	int fd, rc;

	if (strcmp(path, "-") == 0 && top)
		return scan_fd(s, 0, "-") != 0 && s->fatal ? -1 : 0;
	if ((top ? stat(path, &st) : lstat(path, &st)) != 0) {
		fprintf(stderr, "apikeys-admin: scan: cannot read %s: %s\n", path,
		    strerror(errno));
		s->error = 1;
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return scan_dir(s, path);
	if (!top && !S_ISREG(st.st_mode))
		return 0;
	if ((fd = open(path, O_RDONLY | O_NOCTTY)) < 0) {
		fprintf(stderr, "apikeys-admin: scan: cannot read %s: %s\n", path,
		    strerror(errno));
		s->error = 1;
		return 0;
	}
	rc = scan_fd(s, fd, path);
	close(fd);
	return rc != 0 && s->fatal ? -1 : 0;
}

int
admin_scan(struct db *db, const struct config *cfg, int nargs, char **args)
{
	struct scan s;
	int i, opts = 1, files = 0;

	memset(&s, 0, sizeof(s));
	s.db = db;
	s.cfg = cfg;
	for (i = 0; i < nargs; i++)
		if (strcmp(args[i], "--revoke") == 0)
			s.revoke = 1;
	s.buf = malloc(SCAN_BLOCK + SCAN_TAIL);
	s.seen = calloc(CACHE_SIZE, sizeof(*s.seen));
	s.bucket = malloc(CACHE_BUCKETS * sizeof(*s.bucket));
	if (s.buf == NULL || s.seen == NULL || s.bucket == NULL) {
		free(s.buf);
		free(s.seen);
		free(s.bucket);
		admin_fail("out of memory");
		return 2;
	}
	for (i = 0; i < CACHE_BUCKETS; i++)
		s.bucket[i] = CACHE_NONE;
	for (i = 0; i < nargs && !s.fatal; i++) {
		if (opts && strcmp(args[i], "--") == 0) {
			opts = 0;
			continue;
		}
		if (opts && strcmp(args[i], "--revoke") == 0)
			continue;
		files++;
		if (scan_path(&s, args[i], 1) != 0)
			break;
	}
	if (files == 0 && !s.fatal)
		(void)scan_path(&s, "-", 1);
	if (fflush(stdout) != 0) {
		admin_fail("cannot write the findings: %s", strerror(errno));
		s.fatal = 1;
	}
	crypto_wipe(s.buf, SCAN_BLOCK + SCAN_TAIL);
	free(s.buf);
	free(s.seen);
	free(s.bucket);
	return s.fatal || s.error ? 2 : s.live ? 1 : 0;
}

static int
count_legacy(void *ctx, const char *value, size_t len)
{
	if (!checksum_token_valid(value, len, KEY_PREFIX))
		(*(unsigned long long *)ctx)++;
	return 0;
}

int
admin_keys_legacy_count(struct db *db)
{
	unsigned long long n = 0;

	if (db_admin_live_keys(db, count_legacy, &n) != DB_OK)
		return admin_fail("cannot read the live keys (see above)");
	printf("%llu\n", n);
	return 0;
}
