/* log.h: one-line diagnostics on stderr, which the web server keeps in its error log. */
#ifndef APIKEYS_LOG_H
#define APIKEYS_LOG_H

/*
 * Writes "apikeys[pid]: LEVEL: message" as one line to stderr.  Never pass
 * key material, secrets, bearer tokens or passwords: callers log what
 * failed, not with what.  Cannot fail (a failed write is ignored).
 */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets the program name shown in front of every line (static storage). */
void log_set_program(const char *name);

#endif
