/* admin_keys.c: the key commands of apikeys-admin (list, revoke, prune). */
#include "ac-config.h"

#include <stdio.h>
#include <string.h>

#include "admin_keys.h"
#include "admin_shared.h"
#include "db_admin.h"
#include "db_keys.h"
#include "number.h"
#include "timeutil.h"

static int
print_key(void *ctx, const struct db_key *k)
{
	char exp[TIME_LARAVEL_LEN + 1] = "-", rev[TIME_LARAVEL_LEN + 1] = "-";
	char used[TIME_LARAVEL_LEN + 1] = "-", cre[TIME_LARAVEL_LEN + 1] = "-";

	(void)ctx;
	if (k->expires_at != DB_TIME_NULL)
		time_format_laravel_us(k->expires_at, exp);
	if (k->revoked_at != DB_TIME_NULL)
		time_format_laravel_us(k->revoked_at, rev);
	if (k->last_used_at != DB_TIME_NULL)
		time_format_laravel_us(k->last_used_at, used);
	if (k->created_at != DB_TIME_NULL)
		time_format_laravel_us(k->created_at, cre);
	printf("%llu\t%s\t%s\t%s\t%s\t%s\t%s\n", (unsigned long long)k->id, k->key,
	    k->name_null ? "-" : k->name, cre, exp, used, rev);
	return 0;
}

int
admin_keys_list(struct db *db, const char *user)
{
	uint64_t uid;

	if (admin_find_user(db, user, &uid) != 0)
		return 1;
	printf("id\tkey\tname\tcreated_at\texpires_at\tlast_used_at\trevoked_at\n");
	if (db_keys_list(db, uid, 100000, print_key, NULL) != DB_OK)
		return admin_fail("cannot list the keys of %s (see above)", user);
	return 0;
}

int
admin_key_revoke(struct db *db, const char *arg)
{
	uint64_t id;
	int was_live = 0;
	enum db_status rc;

	if (num_parse_id(arg, strlen(arg), &id) != 0)
		return admin_fail("key-revoke needs a key id, not %s", arg);
	rc = db_admin_key_revoke(db, id, &was_live);
	if (rc == DB_NOT_FOUND)
		return admin_fail("no key %s", arg);
	if (rc != DB_OK)
		return admin_fail("cannot revoke key %s (see above)", arg);
	printf(was_live ? "revoked key %s\n" : "key %s was already revoked\n", arg);
	return 0;
}

int
admin_keys_revoke_user(struct db *db, const char *user)
{
	unsigned long long n = 0;
	uint64_t uid;

	if (admin_find_user(db, user, &uid) != 0)
		return 1;
	if (db_admin_keys_revoke_user(db, uid, &n) != DB_OK)
		return admin_fail("cannot revoke the keys of %s (see above)", user);
	printf("revoked %llu keys of user %llu\n", n, (unsigned long long)uid);
	return 0;
}

int
admin_prune(struct db *db, unsigned days)
{
	unsigned long long n = 0;

	if (db_admin_keys_prune(db, days, &n) != DB_OK)
		return admin_fail("cannot delete the old keys (see above)");
	printf("deleted %llu keys revoked or expired more than %u days ago\n", n, days);
	return 0;
}
