/* fcgi-ceiling.c: the benchmark's FastCGI ceiling: a responder that answers a fixed JSON body, nothing else. */
#include <string.h>

#include <fcgiapp.h>

int
main(void)
{
	static const char resp[] =
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 46\r\n"
	    "Cache-Control: no-store\r\n"
	    "\r\n"
	    "{\"success\":false,\"message\":\"Unauthenticated.\"}";
	FCGX_Request r;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutStr(resp, (int)sizeof(resp) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
