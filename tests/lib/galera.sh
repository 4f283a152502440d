# galera.sh: starts and stops a private 3-node MariaDB Galera cluster on loopback and one private Apache per node it serves (sourced).
#
# Nothing system-wide is touched: every node has its own data directory,
# socket, client port and Galera ports (group communication, IST, SST) on
# 127.0.0.1, and runs as the mysql user (an rsync SST fails as root).
# Everything is under $GALERA_DIR and stopped by PID.
# Functions: galera_init, galera_node_start, galera_node_stop, galera_start,
# galera_status, galera_wait_synced, galera_web_start, galera_web_stop,
# galera_cleanup.  Per node N: $GALERA_DIR/sql-N and admin-N (run SQL as
# root, apikeys-admin with the service's settings, both against node N);
# $GALERA_DIR/ctl is a TEST_CTL for the HTTP suite (db-dump, logs,
# responder-pids).

. "$(dirname "${BASH_SOURCE[0]}")/stack.sh"

GALERA_NODES=3
GALERA_PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}

# The database server's user: never root (the rsync SST refuses to work as
# root and the joiner aborts); as an unprivileged user, that user.
galera_db_user() {
	if [ "$(id -u)" -eq 0 ]; then echo mysql; else id -un; fi
}

galera_init() {
	local i addr="" user
	user=$(galera_db_user)
	GALERA_DIR=$(mktemp -d -t apikeys-galera.XXXXXX)
	chmod 755 "$GALERA_DIR"	# the mysql user must reach its data directories
	mkdir -p "$GALERA_DIR/logs"
	chmod 1777 "$GALERA_DIR/logs"
	GALERA_DB_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	GALERA_PEPPER=$(head -c 33 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
	for i in $(seq 1 $GALERA_NODES); do
		eval "GALERA_PORT_$i=$(stack_free_port) GALERA_GCOMM_$i=$(stack_free_port)"
		eval "GALERA_IST_$i=$(stack_free_port) GALERA_SST_$i=$(stack_free_port)"
		addr="$addr${addr:+,}127.0.0.1:$(galera_var GCOMM "$i")"
	done
	for i in $(seq 1 $GALERA_NODES); do
		mkdir -p "$GALERA_DIR/node$i/data" "$GALERA_DIR/node$i/run" "$GALERA_DIR/node$i/tmp"
		[ "$(id -u)" -eq 0 ] && chown -R "$user:" "$GALERA_DIR/node$i"
		chmod 755 "$GALERA_DIR/node$i"
		galera_write_cnf "$i" "$addr" "$user"
		galera_write_tools "$i"
	done
	cat > "$GALERA_DIR/ctl" <<EOT
#!/bin/bash
# Lets HTTP test cases inspect the private cluster (the database cannot be stopped through it).
case "\${1:-}" in
db-dump)	exec mysqldump --no-defaults -S '$(galera_socket 1)' -u root --skip-comments apikeys ;;
logs)		find '$GALERA_DIR/logs' '$GALERA_DIR'/web-*/logs -type f | sort ;;
responder-pids)	STACK_DIR='$GALERA_DIR'; . '$STACK_SRCDIR/tests/lib/stack.sh'; stack_responder_pids ;;
*)		echo "usage: ctl db-dump|logs|responder-pids (db-stop and db-start: not on the cluster)" >&2; exit 2 ;;
esac
EOT
	chmod 755 "$GALERA_DIR/ctl"
	export GALERA_DIR
}

# galera_var NAME N: the value of GALERA_NAME_N (PORT, GCOMM, IST, SST).
galera_var() { eval "echo \"\$GALERA_$1_$2\""; }
galera_socket() { echo "$GALERA_DIR/node$1/run/mysqld.sock"; }

# The node's own defaults file: the SST script reads its settings from it.
galera_write_cnf() {
	local i=$1 addr=$2 user=$3 d=$GALERA_DIR/node$1
	cat > "$d/my.cnf" <<EOT
[mysqld]
user=$user
datadir=$d/data
tmpdir=$d/tmp
socket=$d/run/mysqld.sock
pid-file=$d/run/mysqld.pid
log-error=$GALERA_DIR/logs/node$i.log
port=$(galera_var PORT "$i")
bind-address=127.0.0.1
skip-name-resolve
max-connections=300
skip-log-bin
binlog-format=ROW
log-bin-trust-function-creators=1
default-storage-engine=InnoDB
innodb-autoinc-lock-mode=2
innodb-buffer-pool-size=64M
innodb-log-file-size=32M
innodb-log-buffer-size=4M
innodb-flush-log-at-trx-commit=2
key-buffer-size=1M
performance-schema=OFF
wsrep-on=ON
wsrep-provider=$GALERA_PROVIDER
wsrep-cluster-name=apikeys-test
wsrep-cluster-address=gcomm://$addr
wsrep-node-name=node$i
wsrep-node-address=127.0.0.1
wsrep-node-incoming-address=127.0.0.1:$(galera_var PORT "$i")
wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$(galera_var GCOMM "$i");ist.recv_addr=127.0.0.1:$(galera_var IST "$i");gcache.size=64M"
wsrep-sst-method=rsync
wsrep-sst-receive-address=127.0.0.1:$(galera_var SST "$i")
wsrep-slave-threads=2
EOT
	chmod 644 "$d/my.cnf"
}

# env-N (the service's settings against node N), sql-N and admin-N.
galera_write_tools() {
	local i=$1
	cat > "$GALERA_DIR/env-$i" <<EOT
APIKEYS_DB_HOST=127.0.0.1
APIKEYS_DB_PORT=$(galera_var PORT "$i")
APIKEYS_DB_USER=apikeys
APIKEYS_DB_PASSWORD=$GALERA_DB_PASSWORD
APIKEYS_DB_NAME=apikeys
APIKEYS_PEPPER=$GALERA_PEPPER
APIKEYS_DB_SYNC_WAIT=1
EOT
	chmod 600 "$GALERA_DIR/env-$i"
	# The test's own SQL waits for every write committed elsewhere, before
	# reads, updates, inserts and SHOW alike (wsrep_sync_wait=15).
	cat > "$GALERA_DIR/sql-$i" <<EOT
#!/bin/sh
# Runs SQL (arguments, else stdin) as root on node $i, after the writes of the other nodes.
if [ \$# -gt 0 ]; then
	exec mysql --no-defaults -S '$(galera_socket "$i")' -u root -N -B --init-command='SET SESSION wsrep_sync_wait = 15' apikeys -e "\$*"
fi
exec mysql --no-defaults -S '$(galera_socket "$i")' -u root -N -B --init-command='SET SESSION wsrep_sync_wait = 15' apikeys
EOT
	cat > "$GALERA_DIR/admin-$i" <<EOT
#!/bin/sh
# Runs apikeys-admin with the service's settings against node $i.
set -a; . '$GALERA_DIR/env-$i'; set +a
exec '$STACK_BUILDDIR/src/apikeys-admin' "\$@"
EOT
	chmod 755 "$GALERA_DIR/sql-$i" "$GALERA_DIR/admin-$i"
}

# galera_status N VARIABLE: a global status value of node N (empty if down).
galera_status() {
	mysql --no-defaults -S "$(galera_socket "$1")" -u root -N -B --connect-timeout=5 \
	    -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null | cut -f2
}

# galera_synced N [SIZE]: node N is Synced in a primary component of SIZE
# nodes (default: all of them).
galera_synced() {
	[ "$(galera_status "$1" wsrep_local_state_comment)" = Synced ] &&
	[ "$(galera_status "$1" wsrep_cluster_status)" = Primary ] &&
	[ "$(galera_status "$1" wsrep_cluster_size)" = "${2:-$GALERA_NODES}" ]
}

# galera_wait_synced N SIZE TENTHS: waits (bounded) for galera_synced N SIZE.
galera_wait_synced() {
	local tries=$3
	while [ "$tries" -gt 0 ]; do
		galera_synced "$1" "$2" && return 0
		sleep 0.2
		tries=$((tries - 2))
	done
	stack_log "node $1 is not Synced in a cluster of $2: $(galera_status "$1" wsrep_local_state_comment)," \
	    "size $(galera_status "$1" wsrep_cluster_size)"
	tail -15 "$GALERA_DIR/logs/node$1.log" >&2
	return 1
}

galera_node_pid() {
	cat "$GALERA_DIR/node$1/run/mysqld.pid" 2>/dev/null || cat "$GALERA_DIR/node$1/run/mysqld.bgpid" 2>/dev/null
}

# galera_node_start N [--wsrep-new-cluster]: starts node N and waits until
# it answers on its socket (a joiner answers only after its state transfer).
galera_node_start() {
	local i=$1 d=$GALERA_DIR/node$1
	shift
	if [ "$i" = 1 ] && [ ! -d "$d/data/mysql" ]; then
		mariadb-install-db --no-defaults --datadir="$d/data" --tmpdir="$d/tmp" --user="$(galera_db_user)" \
		    --auth-root-authentication-method=socket --skip-test-db \
		    >"$GALERA_DIR/logs/install.log" 2>&1 || {
			stack_log "mariadb-install-db failed:"; tail -20 "$GALERA_DIR/logs/install.log" >&2; return 1; }
	fi
	rm -f "$d/run/mysqld.pid"
	mariadbd --defaults-file="$d/my.cnf" "$@" >/dev/null 2>&1 &
	echo $! > "$d/run/mysqld.bgpid"
	if ! stack_wait "mysqladmin --no-defaults -S '$d/run/mysqld.sock' -u root ping" 1200; then
		stack_log "node $i did not start:"; tail -20 "$GALERA_DIR/logs/node$i.log" >&2
		return 1
	fi
}

galera_node_stop() {
	stack_kill_pid "$(galera_node_pid "$1")"
	rm -f "$GALERA_DIR/node$1/run/mysqld.pid" "$GALERA_DIR/node$1/run/mysqld.bgpid"
}

# galera_start: node 1 bootstraps the cluster, nodes 2 and 3 join it one
# after the other from empty data directories (rsync SST); then the
# service's database, users and schema are created once, on node 1.
galera_start() {
	local i
	galera_node_start 1 --wsrep-new-cluster && galera_wait_synced 1 1 600 || return 1
	for i in $(seq 2 $GALERA_NODES); do
		galera_node_start "$i" && galera_wait_synced "$i" "$i" 1200 || return 1
	done
	for i in $(seq 1 $GALERA_NODES); do galera_wait_synced "$i" $GALERA_NODES 300 || return 1; done
	stack_db_provision "$(galera_socket 1)" "$GALERA_DB_PASSWORD" "$GALERA_DIR/admin-1" \
	    "$STACK_SRCDIR/sql/migrations" "$GALERA_DIR/logs/migrate.log"
}

# galera_web_start NAME NODE: a private Apache + mod_fcgid in
# $GALERA_DIR/web-NAME whose responders use node NODE; prints its base URL.
galera_web_start() {
	(
		STACK_DIR=$GALERA_DIR/web-$1
		mkdir -p "$STACK_DIR/bin" "$STACK_DIR/run" "$STACK_DIR/logs"
		chmod 755 "$STACK_DIR" "$STACK_DIR/bin" "$STACK_DIR/run"
		chmod 1777 "$STACK_DIR/logs"
		install -m 600 "$GALERA_DIR/env-$2" "$STACK_DIR/env"
		STACK_HTTP_PORT=$(stack_free_port)
		apache_start >&2 || exit 1
		echo "$APIKEYS_TEST_BASE_URL"
	)
}

galera_web_stop() {
	[ -d "$GALERA_DIR/web-$1" ] || return 0
	( STACK_DIR=$GALERA_DIR/web-$1; apache_stop )
}

# galera_web_pids NAME: the responder processes of one Apache.
galera_web_pids() {
	( STACK_DIR=$GALERA_DIR/web-$1; stack_responder_pids )
}

# Every Apache, then the nodes in reverse order (node 1, stopped last,
# may bootstrap the cluster again); the directory unless KEEP_STACK=1.
galera_cleanup() {
	local d i
	[ -n "${GALERA_DIR:-}" ] && [ -d "$GALERA_DIR" ] || return 0
	for d in "$GALERA_DIR"/web-*; do
		[ -d "$d" ] && galera_web_stop "${d##*/web-}"
	done
	for i in $(seq $GALERA_NODES -1 1); do galera_node_stop "$i"; done
	if [ "${KEEP_STACK:-0}" != 1 ]; then rm -rf "$GALERA_DIR"; fi
	GALERA_DIR=
}
