/* db_bind.h: the bind helpers of the query files (db_bind.c): MYSQL_BIND set up over caller storage, and fetched times. */
#ifndef APIKEYS_DB_BIND_H
#define APIKEYS_DB_BIND_H

#include <stddef.h>
#include <stdint.h>

#include "db_driver.h"

/* Bind helpers: each clears b and points it at caller storage. */
void db_bind_u64(MYSQL_BIND *b, uint64_t *v);
void db_bind_in_str(MYSQL_BIND *b, const char *s, size_t len);
void db_bind_out_str(MYSQL_BIND *b, char *buf, size_t size, unsigned long *len, my_bool *null);
void db_bind_out_int(MYSQL_BIND *b, int *v, my_bool *null);
void db_bind_out_i64(MYSQL_BIND *b, long long *v, my_bool *null);
void db_bind_out_time(MYSQL_BIND *b, MYSQL_TIME *t, my_bool *null);
void db_bind_in_time(MYSQL_BIND *b, MYSQL_TIME *t, int64_t us);

/* A fetched time in microseconds since the epoch, DB_TIME_NULL if null. */
int64_t db_time_us(const MYSQL_TIME *t, my_bool null);

#endif
