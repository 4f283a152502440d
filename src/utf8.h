/* utf8.h: decoding UTF-8 one code point at a time, refusing what is not UTF-8; a leaf module. */
#ifndef APIKEYS_UTF8_H
#define APIKEYS_UTF8_H

#include <stddef.h>

/*
 * Decodes the code point at s (len > 0 bytes) into *cp and returns its
 * byte length (1 to 4).  A byte that does not start a well-formed sequence
 * (RFC 3629: no overlong form, no surrogate, nothing past U+10FFFF, not cut
 * short by len) is returned alone, length 1, with *cp its value: so a
 * result of 1 with a byte >= 0x80 means "not UTF-8".  Cannot fail.
 */
size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp);

/* Code points of a valid UTF-8 string of len bytes.  Cannot fail. */
size_t utf8_length(const char *s, size_t len);

/* Moves *s forward and *end back past the white space that Laravel's
 * TrimStrings removes (Unicode blanks) at either end.  Cannot fail. */
void utf8_trim(const unsigned char **s, const unsigned char **end);

/* 1 if the len bytes at s hold a control character (C0, DEL, C1). */
int utf8_has_control(const unsigned char *s, size_t len);

#endif
