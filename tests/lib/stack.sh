# stack.sh: starts and stops a private MariaDB and a private Apache + mod_fcgid for tests and the demo (sourced).
#
# Nothing system-wide is touched: every server gets its own directory under
# $STACK_DIR, its own socket and loopback port, and is stopped by PID.
# Functions: stack_init, mariadb_start, mariadb_stop, apache_start,
# apache_stop, stack_cleanup.  Exports APIKEYS_TEST_BASE_URL, TEST_SQL,
# TEST_ADMIN, TEST_CTL for the HTTP suite.
#
# Secrets: $STACK_DIR is private (700; 710 with group www-data when the
# front end runs the responders as www-data), the settings with the
# password and pepper are mode-600 files owned by whoever reads them (the
# responders get theirs through APIKEYS_CONFIG, never in a web server's
# configuration), and every generated configuration is mode 600.  MariaDB
# listens on its unix socket only, unless STACK_DB_TCP=1 (then also on
# 127.0.0.1:$STACK_DB_PORT, and the settings use TCP); STACK_MYSQLD_EXTRA
# adds options to mariadbd (TLS files, for example).

STACK_SRCDIR=${abs_top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_BUILDDIR=${abs_top_builddir:-$STACK_SRCDIR}

stack_log() { printf 'stack: %s\n' "$*" >&2; }

# APIKEYS_TEST_LOAD=N: stack_suite runs beside N busy loops (load.sh).
. "$STACK_SRCDIR/tests/lib/load.sh"

# stack_require NEED...: each a command or a file; prints the TAP skip line
# and returns 1 for the first one missing.
stack_require() {
	local need
	for need in "$@"; do
		if ! command -v "$need" >/dev/null && [ ! -e "$need" ]; then
			echo "1..0 # SKIP $need is not installed"
			return 1
		fi
	done
}

# A free TCP port on 127.0.0.1 (the kernel picks it).
stack_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $2 tenths of a second for command $1 to succeed.
stack_wait() {
	local cmd=$1 tries=$2
	while [ "$tries" -gt 0 ]; do
		if eval "$cmd" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# Sends SIGTERM to a PID, waits up to 20 s, then SIGKILL.
stack_kill_pid() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	stack_log "pid $pid did not stop on SIGTERM: killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

stack_init() {
	STACK_DIR=$(mktemp -d /tmp/apikeys-stack.XXXXXX)
	chmod 700 "$STACK_DIR"
	# The web user runs the responders: it may enter (not list) the
	# directory to reach the program, its settings and the socket.
	if [ "$(id -u)" -eq 0 ] && chgrp www-data "$STACK_DIR" 2>/dev/null; then
		chmod 710 "$STACK_DIR"
	fi
	mkdir -p "$STACK_DIR/bin" "$STACK_DIR/db" "$STACK_DIR/run" "$STACK_DIR/logs"
	chmod 755 "$STACK_DIR/bin" "$STACK_DIR/run"
	chmod 700 "$STACK_DIR/db"
	chmod 1777 "$STACK_DIR/logs"	# front ends that open logs after dropping root
	STACK_DB_PORT=$(stack_free_port)
	STACK_HTTP_PORT=${STACK_HTTP_PORT:-$(stack_free_port)}
	STACK_DB_SOCKET=$STACK_DIR/run/mysqld.sock
	STACK_DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	STACK_PEPPER=$(head -c 33 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	if [ "$(id -u)" -eq 0 ]; then STACK_DB_USER_OPT=--user=root; else STACK_DB_USER_OPT=; fi
	STACK_DB_TCP=${STACK_DB_TCP:-0}
	export STACK_DIR STACK_DB_PORT STACK_HTTP_PORT STACK_DB_SOCKET STACK_DB_PASSWORD STACK_PEPPER STACK_DB_USER_OPT
	export STACK_DB_TCP STACK_MYSQLD_EXTRA
	# The settings every program of the stack reads (mode 600, root's or
	# the caller's; the responders get a copy of their own).
	( umask 077
	  if [ "$STACK_DB_TCP" = 1 ]; then
		printf 'APIKEYS_DB_HOST=127.0.0.1\nAPIKEYS_DB_PORT=%s\n' "$STACK_DB_PORT"
	  else
		printf 'APIKEYS_DB_SOCKET=%s\n' "$STACK_DB_SOCKET"
	  fi ) > "$STACK_DIR/env"
	chmod 600 "$STACK_DIR/env"
	cat >> "$STACK_DIR/env" <<EOT
APIKEYS_DB_USER=apikeys
APIKEYS_DB_PASSWORD=$STACK_DB_PASSWORD
APIKEYS_DB_NAME=apikeys
APIKEYS_PEPPER=$STACK_PEPPER
EOT
	chmod 600 "$STACK_DIR/env"
	cat > "$STACK_DIR/sql" <<EOT
#!/bin/sh
# Runs SQL (arguments, else stdin) as root on the private database.
if [ \$# -gt 0 ]; then
	exec mysql --no-defaults -S '$STACK_DB_SOCKET' -u root -N -B apikeys -e "\$*"
fi
exec mysql --no-defaults -S '$STACK_DB_SOCKET' -u root -N -B apikeys
EOT
	cat > "$STACK_DIR/admin" <<EOT
#!/bin/sh
# Runs apikeys-admin with the private stack's settings.
set -a; . '$STACK_DIR/env'; set +a
exec '$STACK_BUILDDIR/src/apikeys-admin' "\$@"
EOT
	chmod 755 "$STACK_DIR/sql" "$STACK_DIR/admin"
	TEST_SQL=$STACK_DIR/sql
	TEST_ADMIN=$STACK_DIR/admin
	TEST_CTL=$STACK_SRCDIR/tests/lib/ctl.sh
	export TEST_SQL TEST_ADMIN TEST_CTL
}

mariadb_start() {
	local first=0
	# A directory of its own for the server's temporary files: a server
	# starting removes every "#sql*" file of its tmpdir, and in a shared
	# /tmp those are other servers' temporary tables (a bootstrap running
	# beside another server's start failed with "Unknown table").
	mkdir -p "$STACK_DIR/db/tmp"
	if [ ! -d "$STACK_DIR/db/data/mysql" ]; then
		first=1
		mariadb-install-db --no-defaults --datadir="$STACK_DIR/db/data" $STACK_DB_USER_OPT \
		    --tmpdir="$STACK_DIR/db/tmp" --auth-root-authentication-method=socket --skip-test-db \
		    >"$STACK_DIR/logs/mariadb-install.log" 2>&1 || {
			stack_log "mariadb-install-db failed:"; tail -20 "$STACK_DIR/logs/mariadb-install.log" >&2; return 1; }
	fi
	local net="--skip-networking"
	[ "${STACK_DB_TCP:-0}" = 1 ] && net="--port=$STACK_DB_PORT --bind-address=127.0.0.1"
	# shellcheck disable=SC2086
	mariadbd --no-defaults --datadir="$STACK_DIR/db/data" $STACK_DB_USER_OPT \
	    --tmpdir="$STACK_DIR/db/tmp" --socket="$STACK_DB_SOCKET" $net ${STACK_MYSQLD_EXTRA:-} \
	    --pid-file="$STACK_DIR/run/mysqld.pid" --log-error="$STACK_DIR/logs/mariadb.log" \
	    --skip-log-bin --innodb-buffer-pool-size=64M --max-connections=300 \
	    --skip-name-resolve >/dev/null 2>&1 &
	echo $! > "$STACK_DIR/run/mysqld.bgpid"
	if ! stack_wait "mysqladmin --no-defaults -S '$STACK_DB_SOCKET' -u root ping" 300; then
		stack_log "MariaDB did not start:"; tail -20 "$STACK_DIR/logs/mariadb.log" >&2
		return 1
	fi
	if [ "$first" -eq 1 ]; then
		stack_db_provision "$STACK_DB_SOCKET" "$STACK_DB_PASSWORD" "$TEST_ADMIN" \
		    "${STACK_MIGRATIONS_DIR:-$STACK_SRCDIR/sql/migrations}" "$STACK_DIR/logs/migrate.log" ||
		    return 1
	fi
}

# stack_db_provision SOCKET PASSWORD ADMIN MIGRATIONS LOG: the apikeys
# database and its user on a fresh server, then the migrations applied by
# the admin tool ADMIN (a wrapper that carries the settings).
stack_db_provision() {
	mysql --no-defaults -S "$1" -u root <<EOT || return 1
CREATE DATABASE apikeys CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'apikeys'@'localhost' IDENTIFIED BY '$2';
CREATE USER 'apikeys'@'127.0.0.1' IDENTIFIED BY '$2';
GRANT ALL ON apikeys.* TO 'apikeys'@'localhost';
GRANT ALL ON apikeys.* TO 'apikeys'@'127.0.0.1';
EOT
	"$3" migrate --dir "$4" >"$5" 2>&1 || {
		stack_log "migrate failed:"; cat "$5" >&2; return 1; }
}

mariadb_pid() {
	cat "$STACK_DIR/run/mysqld.pid" 2>/dev/null || cat "$STACK_DIR/run/mysqld.bgpid" 2>/dev/null
}

mariadb_stop() {
	stack_kill_pid "$(mariadb_pid)"
	rm -f "$STACK_DIR/run/mysqld.pid"
}

# stack_settings_file: copies the settings to a mode-600 file owned by the
# user the responders run as (www-data when the stack runs as root) and
# prints its path, for APIKEYS_CONFIG.
stack_settings_file() {
	local f=$STACK_DIR/responder.conf
	install -m 600 "$STACK_DIR/env" "$f"
	[ "$(id -u)" -eq 0 ] && chown www-data: "$f" 2>/dev/null
	echo "$f"
}

# stack_error_files DIR: the front ends' static JSON error answers
# (apache/errors) as make install ships them, the apikeys.NNN.html links
# for lighttpd included, readable by the web user.
stack_error_files() {
	local f
	mkdir -p "$1" && chmod 755 "$1"
	install -m 644 "$STACK_SRCDIR"/apache/errors/[0-9][0-9][0-9].json "$1/"
	for f in "$1"/*.json; do
		f=$(basename "$f" .json)
		ln -sf "$f.json" "$1/apikeys.$f.html"
	done
}

# stack_web_files DIR: the keys page as make install ships it, in DIR/keys
# (without the chart library only a warning: the API works without it).
stack_web_files() {
	mkdir -p "$1" && chmod 755 "$1"
	"$STACK_SRCDIR/scripts/install-web" "$STACK_SRCDIR" "$1/keys" >&2 ||
	    stack_log "the keys page is incomplete (see above)"
	chmod -R a+rX "$1"
}

# Writes the Apache config: mod_fcgid serving the responder at /api.
apache_write_conf() {
	local mods=/usr/lib/apache2/modules conf=$STACK_DIR/httpd.conf
	mkdir -p "$STACK_DIR/fcgid" "$STACK_DIR/www" "$STACK_DIR/san"
	chmod 1777 "$STACK_DIR/san"	# sanitizer reports of the web user's processes
	chown www-data: "$STACK_DIR/fcgid" 2>/dev/null || chmod 777 "$STACK_DIR/fcgid"
	install -m 755 "$STACK_BUILDDIR/src/apikeys.fcgi" "$STACK_DIR/bin/apikeys.fcgi"
	stack_error_files "$STACK_DIR/errors"
	stack_web_files "$STACK_DIR/web"
	{
		echo "ServerRoot $STACK_DIR"
		echo "ServerName 127.0.0.1"
		echo "Listen 127.0.0.1:$STACK_HTTP_PORT"
		echo "PidFile $STACK_DIR/run/httpd.pid"
		echo "Mutex file:$STACK_DIR/run"
		echo "DefaultRuntimeDir $STACK_DIR/run"
		for m in mpm_event authz_core alias env headers mime rewrite fcgid; do
			echo "LoadModule ${m}_module $mods/mod_$m.so"
		done
		if [ "$(id -u)" -eq 0 ]; then echo "User www-data"; echo "Group www-data"; fi
		echo "ErrorLog $STACK_DIR/logs/apache-error.log"
		echo "LogFormat \"%h %t \\\"%r\\\" %>s %b %D\" timed"
		echo "CustomLog $STACK_DIR/logs/apache-access.log timed"
		echo "TypesConfig /dev/null"
		echo "DocumentRoot $STACK_DIR/www"
		echo "StartServers 1"
		echo "ServerLimit 2"
		echo "ThreadsPerChild 50"
		echo "MaxRequestWorkers 100"
		echo "FcgidIPCDir $STACK_DIR/fcgid"
		echo "FcgidProcessTableFile $STACK_DIR/fcgid/table"
		if [ "${STACK_FRONT:-apache}" = htaccess ]; then
			# What a shared host typically sets server-wide, nothing of ours.
			echo "FcgidMaxRequestLen 1048576"
			echo "FcgidMaxProcessesPerClass 8"
			echo "FcgidIOTimeout 30"
			echo "LimitRequestFieldSize 32768"
		else
			sed "s|@ERRORS@|$STACK_DIR/errors|g; s|@WEB@|$STACK_DIR/web|g" "$STACK_SRCDIR/apache/apikeys-fcgid.conf.in"
			echo "FcgidInitialEnv APIKEYS_CONFIG \"$(stack_settings_file)\""
		fi
		[ "${STACK_FRONT:-apache}" = htaccess ] && echo "FcgidPassHeader X-Unused"
		echo "FcgidInitialEnv ASAN_OPTIONS \"log_path=$STACK_DIR/san/asan:detect_leaks=1\""
		echo "FcgidInitialEnv UBSAN_OPTIONS \"log_path=$STACK_DIR/san/ubsan:print_stacktrace=1\""
		[ -n "${STACK_EXTRA_ENV:-}" ] && printf '%s\n' $STACK_EXTRA_ENV | while IFS='=' read -r k v; do
			echo "FcgidInitialEnv $k \"$v\""
		done
		# STACK_WRAPPER runs the responder under a tool (valgrind).
		[ -n "${STACK_WRAPPER:-}" ] &&
		    echo "FcgidWrapper \"$STACK_WRAPPER $STACK_DIR/bin/apikeys.fcgi\" virtual"
		# Extra configuration (the benchmark's ceiling responder).
		[ -n "${STACK_EXTRA_CONF:-}" ] && cat "$STACK_EXTRA_CONF"
		if [ "${STACK_FRONT:-apache}" = htaccess ]; then
			# Shared hosting: the server config only allows overrides;
			# everything of the application is in the .htaccess.
			echo "<Directory $STACK_DIR/www>"
			echo "    AllowOverride All"
			echo "    Require all granted"
			echo "</Directory>"
		else
			echo "Alias /api $STACK_DIR/bin/apikeys.fcgi"
			echo "<Directory $STACK_DIR/bin>"
			echo "    SetHandler fcgid-script"
			echo "    Options +ExecCGI"
			echo "    Require all granted"
			echo "</Directory>"
		fi
	} > "$conf"
	chmod 600 "$conf"
}

# The shared-hosting layout: the program and a wrapper in the document root,
# the settings in a mode-600 file outside it.
htaccess_layout() {
	local home=$STACK_DIR/home
	if [ -n "${STACK_HOSTING_BUNDLE:-}" ]; then
		htaccess_bundle_layout
		return
	fi
	mkdir -p "$home/bin"
	install -m 755 "$STACK_BUILDDIR/src/apikeys.fcgi" "$home/bin/apikeys.fcgi"
	install -m 600 "$STACK_DIR/env" "$home/apikeys.conf"
	chown -R www-data: "$home" 2>/dev/null || true
	sed "s|@CONFIG@|$home/apikeys.conf|; s|@PROGRAM@|$home/bin/apikeys.fcgi|" \
	    "$STACK_SRCDIR/apache/shared-hosting/api.fcgi" > "$STACK_DIR/www/api.fcgi"
	chmod 755 "$STACK_DIR/www/api.fcgi"
	cp "$STACK_SRCDIR/apache/shared-hosting/htaccess" "$STACK_DIR/www/.htaccess"
	stack_error_files "$STACK_DIR/www/apikeys-errors"
	stack_web_files "$STACK_DIR/www"
	install -m 644 "$STACK_SRCDIR/apache/shared-hosting/keys.htaccess" "$STACK_DIR/www/keys/.htaccess"
}

# The hosting bundle unpacked as a merchant would: its public_html/ is the
# document root, its apikeys/ beside it; the settings template filled in.
htaccess_bundle_layout() {
	local top k v
	mkdir -p "$STACK_DIR/bundle"
	tar -C "$STACK_DIR/bundle" -xzf "$STACK_HOSTING_BUNDLE" || return 1
	top=$(echo "$STACK_DIR"/bundle/apikeys-hosting-*)
	cp -a "$top/public_html/." "$STACK_DIR/www/"
	cp -a "$top/apikeys" "$STACK_DIR/apikeys"
	while IFS='=' read -r k v; do
		if grep -q "^#\?$k=" "$STACK_DIR/apikeys/apikeys.conf"; then
			sed -i "s|^#\?$k=.*|$k=$v|" "$STACK_DIR/apikeys/apikeys.conf"
		else
			echo "$k=$v" >> "$STACK_DIR/apikeys/apikeys.conf"
		fi
	done < "$STACK_DIR/env"
	chown -R www-data: "$STACK_DIR/apikeys" 2>/dev/null || true
}

apache_start() {
	apache_write_conf
	[ "${STACK_FRONT:-apache}" = htaccess ] && htaccess_layout
	APACHE_RUN_DIR=$STACK_DIR/run APACHE_LOCK_DIR=$STACK_DIR/run APACHE_LOG_DIR=$STACK_DIR/logs \
	    apache2 -f "$STACK_DIR/httpd.conf" -k start 2>"$STACK_DIR/logs/apache-start.log" || {
		stack_log "Apache did not start:"; cat "$STACK_DIR/logs/apache-start.log" >&2
		tail -20 "$STACK_DIR/logs/apache-error.log" >&2 2>/dev/null; return 1; }
	APIKEYS_TEST_BASE_URL=http://127.0.0.1:$STACK_HTTP_PORT
	export APIKEYS_TEST_BASE_URL
	if ! stack_wait "curl -s -o /dev/null --max-time 5 '$APIKEYS_TEST_BASE_URL/api/'" 300; then
		stack_log "Apache does not answer:"; tail -20 "$STACK_DIR/logs/apache-error.log" >&2
		return 1
	fi
}

# The PIDs of the responder processes of this stack (by executable path).
stack_responder_pids() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in "$STACK_DIR"/*/apikeys.fcgi) echo "${p#/proc/}" ;; esac
	done
	return 0
}

apache_stop() {
	local pid
	pid=$(cat "$STACK_DIR/run/httpd.pid" 2>/dev/null) || true
	stack_kill_pid "$pid"
	# mod_fcgid's children exit with Apache; make sure none is left behind.
	for pid in $(stack_responder_pids); do stack_kill_pid "$pid"; done
}

# Prints the sanitizer reports the responders left (none: prints nothing).
stack_sanitizer_reports() {
	local f
	for f in "$STACK_DIR"/san/*; do
		[ -f "$f" ] && { echo "== $f"; head -40 "$f"; }
	done
	return 0
}

# stack_front_launch NAME COMMAND...: runs a front end in the foreground of
# a background job (its PID kept), then waits for it to answer on the
# stack's port; on failure shows its logs.
stack_front_launch() {
	local name=$1
	shift
	"$@" > "$STACK_DIR/logs/$name-start.log" 2>&1 &
	echo $! > "$STACK_DIR/run/$name.bgpid"
	APIKEYS_TEST_BASE_URL=http://127.0.0.1:$STACK_HTTP_PORT
	export APIKEYS_TEST_BASE_URL
	stack_wait "curl -s -o /dev/null --max-time 5 '$APIKEYS_TEST_BASE_URL/api/'" 300 || {
		stack_log "$name does not answer:"; cat "$STACK_DIR/logs/$name-start.log" >&2
		tail -20 "$STACK_DIR/logs/$name-error.log" >&2; return 1; }
}

# stack_front_halt NAME: stops a front end started by stack_front_launch,
# then the responders it left (by PID).
stack_front_halt() {
	local pid
	stack_kill_pid "$(cat "$STACK_DIR/run/$1.bgpid" 2>/dev/null)"
	for pid in $(stack_responder_pids); do stack_kill_pid "$pid"; done
}

lighttpd_start() {
	local sockdir=$STACK_DIR/lighttpd conf=$STACK_DIR/lighttpd.conf
	mkdir -p "$sockdir" "$STACK_DIR/san" && chmod 1777 "$sockdir" "$STACK_DIR/san"
	install -m 755 "$STACK_BUILDDIR/src/apikeys.fcgi" "$STACK_DIR/bin/apikeys.fcgi"
	stack_error_files "$STACK_DIR/errors"
	stack_web_files "$STACK_DIR/web"
	{
		echo "server.document-root = \"$STACK_DIR/www\""
		echo "server.bind = \"127.0.0.1\""
		echo "server.port = $STACK_HTTP_PORT"
		echo "server.pid-file = \"$STACK_DIR/run/lighttpd.pid\""
		echo "server.errorlog = \"$STACK_DIR/logs/lighttpd-error.log\""
		if [ "$(id -u)" -eq 0 ]; then
			echo "server.username = \"www-data\""
			echo "server.groupname = \"www-data\""
		fi
		echo "server.max-request-field-size = 32768"
		echo "server.modules += ( \"mod_fastcgi\" )"
		sed -e "s|@SOCKET@|$sockdir/apikeys.sock|" -e "s|@PROGRAM@|$STACK_DIR/bin/apikeys.fcgi|" \
		    -e "s|@CONFIG@|$(stack_settings_file)|" -e '/@ENV@/,$d' "$STACK_SRCDIR/lighttpd/apikeys.conf.in"
		echo "                \"ASAN_OPTIONS\" => \"log_path=$STACK_DIR/san/asan:detect_leaks=1\","
		echo "                \"UBSAN_OPTIONS\" => \"log_path=$STACK_DIR/san/ubsan\","
		sed -e '1,/@ENV@/d' -e "s|@ERRORS@|$STACK_DIR/errors|g" -e "s|@WEB@|$STACK_DIR/web|g" \
		    "$STACK_SRCDIR/lighttpd/apikeys.conf.in"
		# Extra configuration (the benchmark's ceiling responder).
		[ -n "${STACK_EXTRA_LIGHTTPD:-}" ] && cat "$STACK_EXTRA_LIGHTTPD"
	} > "$conf"
	chmod 600 "$conf"
	mkdir -p "$STACK_DIR/www"
	stack_front_launch lighttpd lighttpd -D -f "$conf"
}

lighttpd_stop() { stack_front_halt lighttpd; }

# nginx in front of responders that spawn-fcgi started on a unix socket
# (never a TCP port): the socket is mode 660, group www-data.
nginx_spawn() {
	local sock=$STACK_DIR/spawn/apikeys.sock user_opts=
	[ "$(id -u)" -eq 0 ] && user_opts="-u www-data -g www-data -U www-data -G www-data"
	# shellcheck disable=SC2086
	( set -a; . "$STACK_DIR/env"; set +a
	  ASAN_OPTIONS="log_path=$STACK_DIR/san/asan:detect_leaks=1" \
	  UBSAN_OPTIONS="log_path=$STACK_DIR/san/ubsan" \
	  spawn-fcgi -s "$sock" -M 0660 $user_opts -F 4 -P "$STACK_DIR/run/spawn.pid" \
	      -- "$STACK_DIR/bin/apikeys.fcgi" ) >> "$STACK_DIR/logs/spawn-fcgi.log" 2>&1 || {
		stack_log "spawn-fcgi failed:"; cat "$STACK_DIR/logs/spawn-fcgi.log" >&2; return 1; }
}

nginx_start() {
	local sock=$STACK_DIR/spawn/apikeys.sock conf=$STACK_DIR/nginx.conf
	mkdir -p "$STACK_DIR/spawn" "$STACK_DIR/nginx" "$STACK_DIR/san" && chmod 1777 "$STACK_DIR/san"
	chmod 755 "$STACK_DIR/spawn"
	install -m 755 "$STACK_BUILDDIR/src/apikeys.fcgi" "$STACK_DIR/bin/apikeys.fcgi"
	nginx_spawn || return 1
	sed -e "s|@STACK@|$STACK_DIR|g" -e "s|@PORT@|$STACK_HTTP_PORT|" \
	    "$STACK_SRCDIR/nginx/test-nginx.conf.in" > "$conf"
	stack_web_files "$STACK_DIR/web"
	sed -e "s|unix:/run/apikeys/apikeys.sock|unix:$sock|" \
	    -e "s|/usr/local/share/apikeys/web/|$STACK_DIR/web/|" "$STACK_SRCDIR/nginx/apikeys.inc" \
	    > "$STACK_DIR/nginx-apikeys.inc"
	chmod 600 "$conf" "$STACK_DIR/nginx-apikeys.inc"
	[ "$(id -u)" -eq 0 ] || sed -i '/^user /d' "$conf"
	stack_front_launch nginx nginx -c "$conf" -p "$STACK_DIR/nginx"
}

nginx_stop() { stack_front_halt nginx; }

# front_block: every responder of the stack killed and none can start
# again (the programs lose their execute bit; spawn-fcgi never respawns),
# so that only the front end can answer.  front_unblock undoes it; the
# front end starts responders again on demand (nginx: spawn-fcgi again).
front_block() {
	local f pid i
	: > "$STACK_DIR/run/blocked"
	for f in $(find "$STACK_DIR" -name apikeys.fcgi -type f -perm -u+x); do
		chmod a-x "$f" && echo "$f" >> "$STACK_DIR/run/blocked"
	done
	for i in $(seq 1 300); do
		pid=$(stack_responder_pids)
		[ -z "$pid" ] && return 0
		kill -KILL $pid 2>/dev/null || true
		sleep 0.1
	done
	stack_log "responders still running after 30 s: $pid"
	return 1
}
front_unblock() {
	local f
	[ -f "$STACK_DIR/run/blocked" ] && while read -r f; do chmod 755 "$f"; done < "$STACK_DIR/run/blocked"
	rm -f "$STACK_DIR/run/blocked"
	[ "${STACK_FRONT:-apache}" = nginx ] && { nginx_spawn || return 1; }
	return 0
}

# The front end named by STACK_FRONT: apache (default), htaccess, lighttpd, nginx.
front_start() {
	case ${STACK_FRONT:-apache} in
	apache|htaccess) apache_start ;;
	lighttpd) lighttpd_start ;;
	nginx) nginx_start ;;
	esac
}
front_stop() {
	case ${STACK_FRONT:-apache} in
	apache|htaccess) apache_stop ;;
	lighttpd) lighttpd_stop ;;
	nginx) nginx_stop ;;
	esac
}

# stack_suite FRONT: the whole HTTP suite behind one front end, as TAP, then
# a check that no responder left a sanitizer report.  With APIKEYS_TEST_LOAD=N,
# N busy loops run beside it from start to end.
stack_suite() {
	STACK_FRONT=$1
	export STACK_FRONT
	# 85-faults finds the worker to kill by its database client port: the
	# suite's database listens on 127.0.0.1 too (99-secrecy checks it asked).
	STACK_DB_TCP=${STACK_DB_TCP:-1}
	trap 'stack_cleanup; load_stop' EXIT
	# APIKEYS_TEST_LOAD_FRONT=FRONT:N loads one front end's suite alone
	# (tests/run-all loads Apache's, the one that runs every case file).
	case ${APIKEYS_TEST_LOAD_FRONT:-} in
	"$1":*) APIKEYS_TEST_LOAD=${APIKEYS_TEST_LOAD_FRONT#*:} ;;
	esac
	load_start
	stack_init
	if ! mariadb_start || ! front_start; then
		echo "Bail out! the private stack behind $STACK_FRONT did not start"
		exit 1
	fi
	NO_PLAN=1 "$STACK_SRCDIR/tests/http/run.sh" "$APIKEYS_TEST_BASE_URL" | tee "$STACK_DIR/tap.out"
	# Responders write leak reports when they exit: stop the front end first.
	front_stop
	reports=$(stack_sanitizer_reports)
	if [ -z "$reports" ]; then
		echo "ok - $STACK_FRONT: no sanitizer report from any responder process"
	else
		echo "not ok - $STACK_FRONT: sanitizer reports from responder processes"
		printf '%s\n' "$reports" | sed 's/^/# /'
	fi
	echo "1..$(($(grep -cE '^(not )?ok' "$STACK_DIR/tap.out") + 1))"
}

stack_cleanup() {
	[ -n "${STACK_DIR:-}" ] && [ -d "$STACK_DIR" ] || return 0
	front_stop
	mariadb_stop
	if [ "${KEEP_STACK:-0}" != 1 ]; then rm -rf "$STACK_DIR"; fi
	STACK_DIR=
}
