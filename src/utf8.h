/* utf8.h: decoding of UTF-8 that is already known to be valid; a leaf module. */
#ifndef APIKEYS_UTF8_H
#define APIKEYS_UTF8_H

#include <stddef.h>

/*
 * Decodes the code point at s (len > 0 bytes of valid UTF-8) into *cp and
 * returns its byte length (1 to 4).  A sequence cut short by len is taken
 * as its first byte alone (length 1).  Cannot fail.
 */
size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp);

/* Code points of a valid UTF-8 string of len bytes.  Cannot fail. */
size_t utf8_length(const char *s, size_t len);

#endif
