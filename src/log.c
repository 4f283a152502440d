/* log.c: one-line diagnostics on stderr (the web server's error log). */
#include "ac-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static const char *program = "apikeys";

void
log_set_program(const char *name)
{
	program = name;
}

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char msg[1024];
	size_t i;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One event, one line: fold anything that would split it. */
	for (i = 0; msg[i] != '\0'; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	fprintf(stderr, "%s[%ld]: %s: %s\n", program, (long)getpid(), level, msg);
	fflush(stderr);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}
