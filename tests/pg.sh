#!/bin/sh
# A private, throwaway PostgreSQL cluster for the tests.
#
# Sourced by tests/run.sh, which calls pg_start and (from its exit trap)
# pg_stop. It can also be run by hand:
#
#   eval "$(tests/pg.sh start)"     # prints the export lines below
#   tests/pg.sh stop "$KH_PG_DIR"
#
# pg_start creates a cluster in a fresh temporary folder, listening only on
# 127.0.0.1 on a free port (its unix socket inside that folder), with trust
# authentication and durability turned off for speed. PostgreSQL refuses to
# run as root: then the folder belongs to the user postgres and initdb and
# pg_ctl run as that user. It exports:
#
#   KHUYENHOC_TEST_PG        postgresql://kh_test@127.0.0.1:PORT/kh_test
#                            (role kh_test may create databases; the tests
#                            may use this database freely)
#   KHUYENHOC_TEST_PG_ADMIN  postgresql://kh_admin@127.0.0.1:PORT/postgres
#                            (superuser; CREATE DATABASE x TEMPLATE y ...)
#   KH_PSQL                  the psql of the same PostgreSQL version
#   KH_PG_DIR, KH_PG_PORT    the cluster's folder and port
#
# KH_PG_BIN overrides the folder of the PostgreSQL programs.

pg__bindir() {
	if [ -n "${KH_PG_BIN:-}" ]; then
		printf '%s\n' "$KH_PG_BIN"
		return 0
	fi
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		printf '%s\n' /usr/lib/postgresql/15/bin
		return 0
	fi
	# Another major version from Debian's packages, the newest first.
	# shellcheck disable=SC2012
	for pg_d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
		if [ -x "$pg_d/initdb" ]; then
			printf '%s\n' "$pg_d"
			return 0
		fi
	done
	if command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	return 1
}

# Run a PostgreSQL server program as the cluster's owner.
pg__as_owner() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

pg__random_port() {
	pg_n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $((20000 + pg_n % 40000))
}

pg__port_busy() {
	command -v ss >/dev/null 2>&1 || return 1
	[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

pg_start() {
	pg_bindir=$(pg__bindir) || {
		echo "pg.sh: PostgreSQL programs not found (install the postgresql package)" >&2
		return 1
	}
	pg_base=${TMPDIR:-/tmp}
	if [ "$(id -u)" = 0 ]; then
		if ! id postgres >/dev/null 2>&1; then
			echo "pg.sh: running as root needs the user postgres (install the postgresql package)" >&2
			return 1
		fi
		# The user postgres must be able to reach the folder.
		runuser -u postgres -- test -w "$pg_base" 2>/dev/null || pg_base=/tmp
	fi
	KH_PG_DIR=$(mktemp -d "$pg_base/khuyenhoc-pg.XXXXXX") || return 1
	export KH_PG_DIR
	chmod 700 "$KH_PG_DIR"
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$KH_PG_DIR" || return 1
	fi

	if ! pg__as_owner "$pg_bindir/initdb" -D "$KH_PG_DIR/data" -U kh_admin \
	    -A trust -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions \
	    >"$KH_PG_DIR/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2
		cat "$KH_PG_DIR/initdb.log" >&2
		return 1
	fi
	pg_sockdir=$(printf '%s' "$KH_PG_DIR" | sed "s/'/''/g")
	cat >>"$KH_PG_DIR/data/postgresql.conf" <<EOF

# khuyenhoc tests: loopback only, no durability.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_sockdir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 64MB
logging_collector = off
log_min_messages = warning
EOF

	pg_tries=0
	while :; do
		pg_tries=$((pg_tries + 1))
		pg_port=$(pg__random_port)
		if pg__port_busy "$pg_port"; then
			continue
		fi
		if pg__as_owner "$pg_bindir/pg_ctl" -D "$KH_PG_DIR/data" \
		    -l "$KH_PG_DIR/data/server.log" -o "-p $pg_port" -w -t 60 \
		    start >/dev/null 2>&1; then
			break
		fi
		# Another program may have taken the port meanwhile: try another.
		if [ "$pg_tries" -lt 10 ] &&
		    grep -q 'could not bind\|could not create any TCP' \
		    "$KH_PG_DIR/data/server.log" 2>/dev/null; then
			continue
		fi
		echo "pg.sh: PostgreSQL did not start:" >&2
		tail -n 30 "$KH_PG_DIR/data/server.log" >&2 2>/dev/null || true
		return 1
	done
	KH_PG_PORT=$pg_port
	export KH_PG_PORT

	KH_PSQL=$pg_bindir/psql
	[ -x "$KH_PSQL" ] || KH_PSQL=psql
	export KH_PSQL
	KHUYENHOC_TEST_PG_ADMIN="postgresql://kh_admin@127.0.0.1:$pg_port/postgres"
	KHUYENHOC_TEST_PG="postgresql://kh_test@127.0.0.1:$pg_port/kh_test"
	if ! "$KH_PSQL" -X -q -v ON_ERROR_STOP=1 -d "$KHUYENHOC_TEST_PG_ADMIN" \
	    -c "CREATE ROLE kh_test LOGIN CREATEDB" \
	    -c "CREATE DATABASE kh_test OWNER kh_test" >/dev/null; then
		echo "pg.sh: could not create the test role and database" >&2
		return 1
	fi
	export KHUYENHOC_TEST_PG KHUYENHOC_TEST_PG_ADMIN
}

# pg_create_db NAME: a new, empty database owned by kh_test; prints its URL.
pg_create_db() {
	"$KH_PSQL" -X -q -v ON_ERROR_STOP=1 -d "$KHUYENHOC_TEST_PG_ADMIN" \
	    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
	    -c "CREATE DATABASE $1 OWNER kh_test" >/dev/null || return 1
	printf 'postgresql://kh_test@127.0.0.1:%s/%s\n' "$KH_PG_PORT" "$1"
}

# Stop the cluster and remove its folder; safe to call more than once.
pg_stop() {
	pg_dir=${1:-${KH_PG_DIR:-}}
	[ -n "$pg_dir" ] && [ -d "$pg_dir" ] || return 0
	if [ -f "$pg_dir/data/postmaster.pid" ]; then
		pg_bindir=$(pg__bindir) || pg_bindir=
		if [ -z "$pg_bindir" ] || ! pg__as_owner \
		    "$pg_bindir/pg_ctl" -D "$pg_dir/data" -m immediate -w -t 20 \
		    stop >/dev/null 2>&1; then
			pg_pid=$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null || true)
			case "$pg_pid" in
			'' | *[!0-9]*) ;;
			*) kill -KILL "$pg_pid" 2>/dev/null || true ;;
			esac
		fi
	fi
	rm -rf "$pg_dir"
	if [ "$pg_dir" = "${KH_PG_DIR:-}" ]; then
		unset KH_PG_DIR KH_PG_PORT KHUYENHOC_TEST_PG KHUYENHOC_TEST_PG_ADMIN
	fi
}

# Run directly: start or stop a cluster by hand.
case "${0##*/}" in
pg.sh)
	set -eu
	case "${1:-}" in
	start)
		pg_start >&2
		printf "export KH_PG_DIR='%s' KH_PG_PORT=%s KH_PSQL='%s'\n" \
		    "$KH_PG_DIR" "$KH_PG_PORT" "$KH_PSQL"
		printf "export KHUYENHOC_TEST_PG='%s' KHUYENHOC_TEST_PG_ADMIN='%s'\n" \
		    "$KHUYENHOC_TEST_PG" "$KHUYENHOC_TEST_PG_ADMIN"
		;;
	stop)
		pg_stop "${2:-${KH_PG_DIR:-}}"
		;;
	*)
		echo "usage: $0 start | stop [DIR]" >&2
		exit 2
		;;
	esac
	;;
esac
