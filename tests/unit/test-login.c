/* test-login.c: login_password_ok against hashes Laravel's Hash::make wrote ($2y$), the same hashes as $2a$/$2b$, and hashes of other kinds. */
#include "ac-config.h"

#include <string.h>

#include "api_login.h"
#include "tap.h"

/* Written by Laravel's BcryptHasher (Hash::make) for "s3cret pass". */
#define LARAVEL_HASH "$2y$10$Vh4aJoMZ/nbWQLWj11kP4e7g5ZY5dhgCTYQimc90XhoZIbZuBwSAO"
/* And for "72-byte" at cost 4, by PHP's password_hash. */
#define PHP_HASH "$2y$04$H6OC0M426mdegjCPHjc33uZgeVw5kEGmuak.Q9c0IzHJV1ddQHUbW"

int
main(void)
{
	char h[64];

	ok(login_password_ok("s3cret pass", LARAVEL_HASH), "Laravel's $2y$ hash: the right password matches");
	ok(!login_password_ok("s3cret pasS", LARAVEL_HASH), "one letter's case off: no match");
	ok(!login_password_ok("s3cret pass ", LARAVEL_HASH), "a trailing blank: no match");
	ok(!login_password_ok("", LARAVEL_HASH), "an empty password: no match");
	ok(login_password_ok("72-byte", PHP_HASH), "PHP's password_hash (cost 4) matches");
	strcpy(h, LARAVEL_HASH);
	h[2] = 'b';
	ok(login_password_ok("s3cret pass", h), "the same hash as $2b$ matches");
	h[2] = 'a';
	ok(login_password_ok("s3cret pass", h), "and as $2a$");
	h[2] = 'x';
	ok(!login_password_ok("s3cret pass", h), "$2x$ is not taken for bcrypt");
	strcpy(h, LARAVEL_HASH);
	h[59] = h[59] == 'O' ? 'P' : 'O';
	ok(!login_password_ok("s3cret pass", h), "a hash with its last character changed: no match");
	ok(!login_password_ok("s3cret pass", ""), "an empty stored hash never matches");
	ok(!login_password_ok("s3cret pass", "s3cret pass"), "a password stored in plaintext never matches");
	ok(!login_password_ok("x", "$argon2id$v=19$m=65536,t=4,p=1$c29tZXNhbHQ$aGFzaA"),
	    "an Argon2 hash (not supported) never matches");
	ok(!login_password_ok("s3cret pass", LARAVEL_HASH "x"), "a hash too long never matches");
	return tap_done();
}
