/* db_key_bind.h: the binding of a key row's columns (db_key_bind.c, from db_key_row.h), for the query files that read keys. */
#ifndef APIKEYS_DB_KEY_BIND_H
#define APIKEYS_DB_KEY_BIND_H

#include "db_driver.h"

/* The columns of a key row, by place in its reads (db_key_row.h). */
enum key_column { DB_KEY_ROW(KEY_ENUM) KC__MAX };

enum key_bind_mode {
	KEY_BIND_SHOW = KEY_READ_SHOW,		/* show's columns (the join's) */
	KEY_BIND_SETTINGS = KEY_READ_SETTINGS,	/* ... then the settings */
	KEY_BIND_VERIFY = KEY_READ_VERIFY	/* ... then verify's */
};

/* A fetched column of a type that is not fetched into its member. */
union key_cell {
	uint64_t	u;
	long long	i;
	int		n;
	MYSQL_TIME	t;
};

/* Result buffers of one key row, bound into res (which may follow other
 * columns of the same row) or into own. */
struct key_binds {
	MYSQL_BIND		 own[KC__MAX];
	MYSQL_BIND		*res;
	union key_cell		 cell[KC__MAX];
	my_bool			 null[KC__MAX];
	unsigned long		 len[KC__MAX];
	enum key_bind_mode	 mode;
	struct db_key		*k;
};

/* Binds the columns of mode to k (cleared: every member 0, every string
 * "", the bytes after a string's terminator left as they were);
 * db_key_finish sets every member of those columns from the row just
 * fetched, NULL or not (strings terminated, times converted), so one
 * binding serves row after row.  Cannot fail. */
void db_key_bind(struct key_binds *, MYSQL_BIND *res, struct db_key *, enum key_bind_mode);
void db_key_finish(struct key_binds *);

#endif
