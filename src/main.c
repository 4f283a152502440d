/* main.c: start-up (settings, database, signals) and the FastCGI accept loop of apikeys.fcgi. */
#include "ac-config.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "jsonr.h"
#include "db_usage.h"
#include "log.h"
#include "request.h"
#include "response.h"
#include "router.h"
#include "stored.h"
#include "validate.h"

extern char **environ;

/* The listening socket a FastCGI server hands its responder (fastcgi.h's
 * FCGI_LISTENSOCK_FILENO). */
#define LISTEN_FD	0

static volatile sig_atomic_t stop_requested;

/* SIGTERM (mod_fcgid, spawn-fcgi supervisors) and SIGUSR1 (libfcgi's own
 * graceful-restart signal): finish the current request, then leave. */
static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
	FCGX_ShutdownPending();
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocked accept() must return so the loop can end. */
	sa.sa_handler = on_stop;
	if (sigaction(SIGTERM, &sa, NULL) == -1 || sigaction(SIGUSR1, &sa, NULL) == -1)
		return -1;
	sa.sa_handler = SIG_IGN;	/* a client that went away is not fatal */
	return sigaction(SIGPIPE, &sa, NULL);
}

static ssize_t
fcgx_reader(void *ctx, char *buf, size_t n)
{
	int want = n > 65536 ? 65536 : (int)n;

	return FCGX_GetStr(buf, want, (FCGX_Stream *)ctx);
}

static ssize_t
stdio_reader(void *ctx, char *buf, size_t n)
{
	return (ssize_t)fread(buf, 1, n, (FILE *)ctx);
}

/* Answers one request end to end; out receives the whole CGI response. */
static void
serve(struct app *app, char *const *envp, request_reader *reader, void *in,
    int (*write_out)(void *, const char *, size_t), void *out)
{
	struct request req;
	struct response res;
	char *resp = NULL;
	size_t len = 0;

	memset(&res, 0, sizeof(res));
	if (request_init(&req, envp) != 0 ||
	    request_read_body(&req, reader, in, app->cfg->max_body) != 0) {
		log_error("out of memory reading a request");
		response_error(&res, 500, MSG_SERVER_ERROR);
	} else
		router_dispatch(app, &req, &res);
	resp = response_render(&res, &len);
	if (resp != NULL) {
		if (write_out(out, resp, len) != 0)
			log_warn("client went away before the response was sent");
		crypto_wipe(resp, len);
		free(resp);
	} else
		log_error("out of memory rendering a response");
	request_free(&req);
	response_clear(&res);
}

static int
fcgx_write(void *out, const char *buf, size_t len)
{
	return FCGX_PutStr(buf, (int)len, (FCGX_Stream *)out) == (int)len ? 0 : -1;
}

static int
stdio_write(void *out, const char *buf, size_t len)
{
	return fwrite(buf, 1, len, (FILE *)out) == len && fflush(out) == 0 ? 0 : -1;
}

/*
 * Waits for the next connection on the listening socket.  The stop signals
 * are blocked everywhere else and let in only here, atomically with the
 * wait (pselect with the mask open), so that one that comes during a
 * request or just before the wait ends the loop at once, never later
 * with the next connection.  The socket is non-blocking: a connection
 * that another process took first (spawn-fcgi's children share one
 * socket) makes FCGX_Accept_r return EAGAIN instead of blocking with the
 * signals shut out.  The usage counts need no wake-up here: the writer
 * thread writes them (db_usage.h).  Returns 1 when a connection may be
 * waiting, 0 on a signal.
 */
static int
wait_for_request(const sigset_t *open)
{
	fd_set rd;

	FD_ZERO(&rd);
	FD_SET(LISTEN_FD, &rd);
	return pselect(LISTEN_FD + 1, &rd, NULL, NULL, NULL, open) > 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: apikeys.fcgi\n"
	    "  Run by a FastCGI server (mod_fcgid, lighttpd, spawn-fcgi) with the\n"
	    "  listening socket on standard input; run as a CGI program it answers\n"
	    "  one request.  Settings come from APIKEYS_* environment variables and\n"
	    "  the optional file named by APIKEYS_CONFIG; see apikeys.fcgi(8).\n");
}

int
main(int argc, char *argv[])
{
	static struct config cfg;
	struct app app;
	FCGX_Request fr;
	char err[512];
	enum config_err cerr;
	sigset_t stops, open;
	unsigned long served = 0;
	unsigned i;
	int fl, rc;

	log_set_program("apikeys.fcgi");
	if (argc > 1) {
		usage();
		return strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	if ((cerr = config_load(&cfg, 1, err, sizeof(err))) != CONFIG_OK) {
		log_error("refusing to start: %s", err);
		return 1;
	}
	if (cfg.insecure_dev && strlen(cfg.pepper) == 0)
		log_warn("APIKEYS_INSECURE_DEV is set: secrets are hashed without a pepper");
	/* Settings that work but are likely not meant: one line each. */
	for (i = 0; config_warning(&cfg, i, err, sizeof(err)) != NULL; i++)
		log_warn("%s", err);
	if (install_signals() != 0) {
		log_error("cannot install signal handlers: %s", strerror(errno));
		return 1;
	}
	validate_library_init();
	if (jr_init() != 0) {
		log_error("refusing to start: no random seed for the body reader");
		return 1;
	}
	/* libfcgi allocates and frees two 8 KiB stream buffers per request, and
	 * glibc consolidates every fast bin before each allocation that large
	 * (3% of a show's CPU samples).  Without fast bins the small blocks
	 * still come from the per-thread cache.  A tuning; failure is harmless. */
	(void)mallopt(M_MXFAST, 0);
	app.cfg = &cfg;
	/* Connect now so that the first request does not pay for it; if the
	 * server is down, requests answer 503 and reconnect by themselves. */
	if ((app.db = db_open(&cfg, 0)) == NULL) {
		log_error("out of memory");
		return 1;
	}

	if (FCGX_IsCGI()) {
		/* Plain CGI: one request from the environment and stdin. */
		serve(&app, environ, stdio_reader, stdin, stdio_write, stdout);
		db_usage_writer_stop(app.db);	/* no thread: written here */
		db_close(app.db);
		config_wipe(&cfg);
		return 0;
	}

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_error("cannot initialise libfcgi");
		return 1;
	}
	if ((fl = fcntl(LISTEN_FD, F_GETFL)) == -1 ||
	    fcntl(LISTEN_FD, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_error("cannot make the listening socket non-blocking: %s", strerror(errno));
		return 1;
	}
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &stops, &open) != 0) {
		log_error("cannot block the stop signals: %s", strerror(errno));
		return 1;
	}
	/* Counts leave the process through their own thread and connection,
	 * never on a request's path. */
	if (cfg.usage_count && db_usage_writer_start(&cfg) != 0) {
		log_error("refusing to start: no thread to write usage counts: %s", strerror(errno));
		return 1;
	}
	while (!stop_requested) {
		if (!wait_for_request(&open))
			continue;
		if ((rc = FCGX_Accept_r(&fr)) < 0) {
			if (rc == -EAGAIN || rc == -EWOULDBLOCK || rc == -EINTR)
				continue;	/* taken by another process, or a signal */
			break;
		}
		serve(&app, fr.envp, fcgx_reader, fr.in, fcgx_write, fr.out);
		/* fr.envp points into libfcgi's buffers: nothing of it is
		 * kept past this call. */
		FCGX_Finish_r(&fr);
		served++;
	}
	/* Said first: the writing may wait for the database a while. */
	log_info("exiting after %lu requests", served);
	/* A normal stop loses no count: the writer writes what is left. */
	db_usage_writer_stop(app.db);
	FCGX_Free(&fr, 1);
	db_close(app.db);
	config_wipe(&cfg);
	return 0;
}
