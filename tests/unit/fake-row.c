/* fake-row.c: the fake database's read of a stored key row, made from the row's one description (db_key_row.h) as the real copy-out is. */
#include "ac-config.h"

#include <string.h>

#include "fake-db.h"

void
fake_db_row_read(const struct db_key *row, struct db_key *k, enum key_read read)
{
	memset(k, 0, sizeof(*k));
	/* The fake keeps each column as its member (and a NULL as what the
	 * real copy-out makes of it), so a read copies the members of its
	 * columns with their flags, and leaves the rest zero. */
#define KEY_FLAG(m, when_null)	k->m = row->m;
#define COPY(index, column, member, type, flag, r) \
	if ((int)read >= (int)KEY_READ_##r) { \
		memcpy(&k->member, &row->member, sizeof(k->member)); \
		flag \
	}
	DB_KEY_ROW(COPY)
#undef COPY
#undef KEY_FLAG
}
