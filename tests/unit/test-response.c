/* test-response.c: the envelopes byte for byte, and the headers every answer carries. */
#include "ac-config.h"

#include <stdlib.h>
#include <string.h>

#include "response.h"
#include "tap.h"

static char *
render(struct response *r)
{
	size_t len = 0;
	char *out = response_render(r, &len);

	if (out != NULL && strlen(out) != len) {
		free(out);
		return NULL;
	}
	return out;
}

static const char *
body_of(const char *whole)
{
	const char *b = whole ? strstr(whole, "\r\n\r\n") : NULL;

	return b ? b + 4 : "";
}

int
main(void)
{
	struct response r;
	char *out;

	response_library_init();
	memset(&r, 0, sizeof(r));
	response_unauthenticated(&r);
	out = render(&r);
	ok(out != NULL && strncmp(out, "Status: 401 Unauthorized\r\n", 26) == 0, "401 status line");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Unauthenticated.\"}", "401 body");
	ok(out && strstr(out, "\r\nWWW-Authenticate: Bearer\r\n") != NULL, "401 challenge");
	ok(out && strstr(out, "\r\nContent-Type: application/json\r\n") != NULL, "JSON type");
	ok(out && strstr(out, "\r\nCache-Control: no-store\r\n") != NULL, "no-store");
	ok(out && strstr(out, "\r\nX-Content-Type-Options: nosniff\r\n") != NULL, "nosniff");
	ok(out && strstr(out, "\r\nContent-Length: 46\r\n") != NULL, "Content-Length");
	free(out);
	response_clear(&r);

	response_error_code(&r, 404, MSG_KEY_NOT_FOUND);
	out = render(&r);
	is_str(body_of(out), "{\"success\":false,\"message\":\"API key not found\",\"code\":404}",
	    "404 body with code");
	ok(out && strstr(out, "WWW-Authenticate") == NULL, "no challenge on 404");
	free(out);
	response_clear(&r);

	snprintf(r.allow, sizeof(r.allow), "GET, DELETE");
	response_error(&r, 405, "Method Not Allowed.");
	out = render(&r);
	ok(out && strstr(out, "\r\nAllow: GET, DELETE\r\n") != NULL, "Allow header");
	ok(out && strncmp(out, "Status: 405 Method Not Allowed\r\n", 32) == 0, "405 status");
	free(out);
	response_clear(&r);

	response_success(&r, 200, "API key generated successfully",
	    json_pack("{s:i, s:s, s:s}", "id", 7, "key", "MTP_KEY_a", "secret", "MTP_SEC_b"));
	out = render(&r);
	is_str(body_of(out), "{\"success\":true,\"message\":\"API key generated successfully\","
	    "\"data\":{\"id\":7,\"key\":\"MTP_KEY_a\",\"secret\":\"MTP_SEC_b\"}}",
	    "success envelope keeps member order, no spaces");
	free(out);
	response_clear(&r);

	response_success(&r, 200, "x", json_pack("{s:s}", "name", "caf\xc3\xa9/\xe2\x82\xac\\u00AB"));
	out = render(&r);
	is_str(body_of(out), "{\"success\":true,\"message\":\"x\",\"data\":{\"name\":\"caf\\u00e9\\/\\u20ac\\\\u00AB\"}}",
	    "non-ASCII and / escaped as Laravel does; a literal backslash-u kept");
	free(out);
	response_clear(&r);

	response_success(&r, 200, "x", NULL);
	out = render(&r);
	ok(out && strncmp(out, "Status: 500", 11) == 0, "success without data becomes 500");
	free(out);
	response_clear(&r);

	out = render(&r);
	ok(out && strncmp(out, "Status: 500", 11) == 0, "an unanswered request is a 500");
	is_str(body_of(out), "{\"success\":false,\"message\":\"Server Error.\"}", "fallback body");
	free(out);

	response_invalid(&r, "The given data was invalid.",
	    json_pack("{s:[s]}", "name", "The name field is required."));
	out = render(&r);
	is_str(body_of(out), "{\"success\":false,\"message\":\"The given data was invalid.\","
	    "\"errors\":{\"name\":[\"The name field is required.\"]}}", "422 envelope");
	free(out);
	response_clear(&r);
	is_str(response_reason(413), "Payload Too Large", "reason phrase");
	return tap_done();
}
