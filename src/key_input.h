/* key_input.h: the body of create and of PATCH (struct key_input), a key's limits, and the field-table rows the two share. */
#ifndef APIKEYS_KEY_INPUT_H
#define APIKEYS_KEY_INPUT_H

#include <stddef.h>

#include "db.h"
#include "validate.h"

/* The body of create and of PATCH, as their field tables check it. */
struct key_input {
	char			name[DB_NAME_MAX];	/* PATCH: "" when absent */
	struct valid_time	expires_at;
	struct valid_set	permissions;
	struct valid_bool	enabled;		/* PATCH only */
	struct valid_rate	rate_limit;
	struct valid_int	remaining_uses;
	struct valid_set	allowed_ips;
};

/* The limits of a key's settings (docs/openapi.yaml). */
#define KEY_NAME_MAX		50
#define KEY_YEARS_MAX		5
#define KEY_PERMS_MAX		32
#define KEY_RATE_LIMIT_MAX	1000000
#define KEY_RATE_WINDOW_MAX	86400
#define KEY_REMAINING_MAX	1000000000000LL
#define KEY_IPS_MAX		32
#define PERMISSION_CHARS	"abcdefghijklmnopqrstuvwxyz0123456789_.:-"

/* The rows create's and PATCH's field tables share, written once. */
#define KEYS_RULE_PERMISSIONS \
	{ .member = "permissions", .label = "permissions", .kind = FIELD_STRING_SET, \
	    .offset = offsetof(struct key_input, permissions), .max = KEY_PERMS_MAX, \
	    .item_max = 64, .item_chars = PERMISSION_CHARS }
#define KEYS_RULES_SETTINGS \
	{ .member = "rate_limit", .label = "rate limit", .kind = FIELD_RATE, \
	    .offset = offsetof(struct key_input, rate_limit), .max = KEY_RATE_LIMIT_MAX, \
	    .item_max = KEY_RATE_WINDOW_MAX }, \
	{ .member = "remaining_uses", .label = "remaining uses", .kind = FIELD_INT, \
	    .offset = offsetof(struct key_input, remaining_uses), .min = 0, \
	    .lmax = KEY_REMAINING_MAX }, \
	{ .member = "allowed_ips", .label = "allowed ips", .kind = FIELD_IP_LIST, \
	    .offset = offsetof(struct key_input, allowed_ips), .max = KEY_IPS_MAX },

#endif
