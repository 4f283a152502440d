/* number.h: strict parsing of decimal numbers from the outside (ids, lengths); a leaf module. */
#ifndef APIKEYS_NUMBER_H
#define APIKEYS_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses a plain decimal id: 1 to 2^63-1, digits only, no sign, no leading
 * zero, no spaces.  Returns 0 and *out, or -1 (then *out is untouched).
 */
int num_parse_id(const char *s, size_t len, uint64_t *out);

/*
 * Parses a NUL-terminated decimal of any length that fits in 64 bits
 * (leading zeros allowed, no sign, no spaces).  Returns 0 and *out, or -1.
 */
int num_parse_u64(const char *s, uint64_t *out);

/* The longest decimal of a uint64_t: 18446744073709551615. */
#define NUM_U64_DIGITS	20

/*
 * Writes v in decimal at dst (room for NUM_U64_DIGITS), without a NUL;
 * returns the number of digits.  Cannot fail.
 */
size_t num_format_u64(char *dst, uint64_t v);

#endif
