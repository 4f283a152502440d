/* siphash.h: SipHash-2-4, a keyed hash of short strings, for hash tables an attacker fills (the body reader's member names). */
#ifndef APIKEYS_SIPHASH_H
#define APIKEYS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN	16

/* The 64-bit SipHash-2-4 of len bytes at msg under a 16-byte key (Aumasson
 * and Bernstein, 2012).  Cannot fail. */
uint64_t siphash24(const unsigned char key[SIPHASH_KEY_LEN], const void *msg, size_t len);

#endif
