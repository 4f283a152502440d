/* api_login.h: signing in for the keys page: e-mail and password for a Sanctum token, and signing out. */
#ifndef APIKEYS_API_LOGIN_H
#define APIKEYS_API_LOGIN_H

#include "handler.h"

#define LOGIN_MAX_FAILURES	5	/* per e-mail and client address ... */
#define LOGIN_WINDOW_SECONDS	60	/* ... within this many seconds */

/* POST {base}/login (no bearer): {"email", "password"} for a new token
 * named "keys-page" (200, 400, 422, 429). */
route_handler login_login;

/* POST {base}/logout: deletes the token that made the call. */
route_handler login_logout;

/*
 * 1 if password matches hash, a bcrypt hash as Laravel's Hash writes it
 * ("$2y$", or "$2a$"/"$2b$"), through crypt_r.  A hash of another kind
 * never matches, after the same work as a bcrypt of cost 10.
 */
int login_password_ok(const char *password, const char *hash);

#endif
