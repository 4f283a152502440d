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
*)		echo "usage: ctl.sh db-stop|db-start|db-dump|logs|responder-pids|front-block|front-unblock" >&2; exit 2 ;;
esac
