#!/bin/bash
# ctl.sh: lets HTTP test cases stop, start and inspect the running private stack (STACK_DIR from the environment).
set -euo pipefail
. "$(dirname "$0")/stack.sh"
: "${STACK_DIR:?STACK_DIR is not set}"
case "${1:-}" in
db-stop)	mariadb_stop ;;
db-start)	mariadb_start ;;
db-dump)	mysqldump --no-defaults -S "$STACK_DB_SOCKET" -u root --skip-comments apikeys ;;
logs)		find "$STACK_DIR/logs" -type f | sort ;;
responder-pids)	stack_responder_pids ;;
front-block)	front_block ;;		# every responder killed, none can start
front-unblock)	front_unblock ;;
# The front end's graceful restart (Apache and lighttpd restart their
# responders; nginx's, under spawn-fcgi, run on).
front-graceful)
	case ${STACK_FRONT:-apache} in
	apache|htaccess) kill -USR1 "$(cat "$STACK_DIR/run/httpd.pid")" ;;
	lighttpd)
		# Its graceful stop, then a start: a restart in place would
		# re-read a configuration that only root may read, as www-data.
		pid=$(cat "$STACK_DIR/run/lighttpd.bgpid")
		kill -INT "$pid"
		for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		lighttpd_start ;;
	nginx) kill -HUP "$(cat "$STACK_DIR/run/nginx.pid")" ;;
	esac ;;
# Responders again after they were stopped: spawn-fcgi's do not come back
# by themselves (the other front ends start theirs on demand).
responders-again)
	if [ "${STACK_FRONT:-apache}" = nginx ] && [ -z "$(stack_responder_pids)" ]; then nginx_spawn; fi ;;
*)		echo "usage: ctl.sh db-stop|db-start|db-dump|logs|responder-pids|front-block|front-unblock|front-graceful|responders-again" >&2; exit 2 ;;
esac
