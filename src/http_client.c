/* http_client.c: one POST over libcurl, pinned to the address that was checked (CURLOPT_RESOLVE, and an open-socket check that refuses any other). */
#include "ac-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "http_client.h"

int
http_client_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
http_client_cleanup(void)
{
	curl_global_cleanup();
}

/* The answer's body is not kept. */
static size_t
discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* Opens a socket only to the checked address: a name resolved again, or
 * any other address, gets no connection. */
static curl_socket_t
open_checked(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	const char *want = ctx;
	char got[INET6_ADDRSTRLEN];
	const void *src;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (a->family == AF_INET)
		src = &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;
	else if (a->family == AF_INET6)
		src = &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr;
	else
		return CURL_SOCKET_BAD;
	if (inet_ntop(a->family, src, got, sizeof(got)) == NULL || strcmp(got, want) != 0)
		return CURL_SOCKET_BAD;
	return socket(a->family, a->socktype, a->protocol);
}

int
http_client_post(const struct http_post *p, struct http_result *r)
{
	struct curl_slist *resolve = NULL, *headers = NULL, *s;
	char pin[512];
	long status = 0;
	CURLcode rc;
	CURL *c;
	size_t i;

	memset(r, 0, sizeof(*r));
	if ((c = curl_easy_init()) == NULL) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return -1;
	}
	snprintf(pin, sizeof(pin), strchr(p->addr, ':') != NULL ? "%s:%u:[%s]" : "%s:%u:%s",
	    p->host, p->port, p->addr);
	if ((resolve = curl_slist_append(NULL, pin)) == NULL)
		goto oom;
	for (i = 0; p->headers[i] != NULL; i++) {
		if ((s = curl_slist_append(headers, p->headers[i])) == NULL)
			goto oom;
		headers = s;
	}
	/* No "Expect: 100-continue" wait before the body. */
	if ((s = curl_slist_append(headers, "Expect:")) == NULL)
		goto oom;
	headers = s;
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_checked);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, (void *)(uintptr_t)p->addr);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, p->allow_http ? "http,https" : "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, p->allow_http ?
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS) : (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (p->ca_file != NULL && p->ca_file[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, p->ca_file);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)p->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)p->timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)p->body_len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "-webhooks/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK && curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
	    status > 0 && status < 1000)
		r->status = (int)status;
	else
		snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(rc != CURLE_OK ? rc :
		    CURLE_WEIRD_SERVER_REPLY));
	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return r->status != 0 ? 0 : -1;
oom:
	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	snprintf(r->error, sizeof(r->error), "out of memory");
	return -1;
}
