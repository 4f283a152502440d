/* stored.h: JSON texts kept in the database (permissions, address lists, event details) re-encoded as PHP would, and jansson's allocator (stored.c, the only jansson user). */
#ifndef APIKEYS_STORED_H
#define APIKEYS_STORED_H

#include "jsonw.h"

struct valid_set;	/* validate.h */

/*
 * Writes a JSON text stored in the database (a key's permissions) through
 * the writer, as PHP would re-encode it; text that is not a JSON array is
 * written as [].  Cannot fail (a failure marks the writer).
 */
void validate_stored_write(struct jw *, const char *text);

/*
 * Reads a JSON array of strings stored in the database (a key's
 * permissions or allowed_ips) into out, in order; items that are not
 * strings of at most VALID_ITEM_MAX bytes, and items past VALID_SET_MAX,
 * are left out.  Text that is not a JSON array gives an empty set.
 * Returns the array's length (at most VALID_SET_MAX; 0 for NULL, "" and
 * "[]"), or -1 when the text is not a JSON array of strings.
 */
int validate_stored_set(const char *text, struct valid_set *out);

/*
 * Writes a JSON object stored in the database (an event's details) through
 * the writer, as PHP would re-encode it; NULL, or text that is not a JSON
 * object, is written as null.  Cannot fail (a failure marks the writer).
 */
void validate_stored_object_write(struct jw *, const char *text);

/* Makes jansson wipe every block it frees.  jansson reads only the JSON
 * stored in the database (stored.c); bodies, which may hold a secret, are
 * read by jsonr.c.  Call once at start-up.  Cannot fail. */
void validate_library_init(void);

#endif
