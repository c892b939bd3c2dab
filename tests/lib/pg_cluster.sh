# pg_cluster.sh: a throwaway PostgreSQL server for tests and benchmarks. Sourced, it defines
# the functions below; run as `bash tests/lib/pg_cluster.sh run CMD ARGS...` it starts a
# cluster, exports EM_TEST_STORE_URL (and PG_URL), runs CMD and removes everything after.
#
# The cluster is made with Debian's initdb (/usr/lib/postgresql/*/bin) in a temporary folder,
# runs as an unprivileged user (postgres refuses root: as root, the server runs as `nobody`
# through runuser, in a folder that user owns), listens on a unix socket in that folder and on
# a free TCP port of 127.0.0.1, trusts local connections, and is stopped and deleted on exit.
# Exit status 77 (ctest's "skipped") only when the PostgreSQL binaries are not installed.

# pg_cluster_bin: finds the newest Debian PostgreSQL bin folder into PG_BIN; 1 if none.
pg_cluster_bin() {
	PG_BIN=
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && PG_BIN=$d
	done
	[ -n "$PG_BIN" ]
}

# as_owner CMD...: runs CMD as the cluster's owner (nobody when we are root).
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

# pg_free_port: prints a TCP port of 127.0.0.1 nobody listens on.
pg_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_cluster_start [DB]: makes and starts a cluster with database DB (default embargo_test).
# Sets PG_DIR, PG_PORT, PG_URL (postgresql://embargo@127.0.0.1:PORT/DB) and PG_SOCKET.
# PG_FSYNC=on keeps fsync (benchmarks); tests run without it.
pg_cluster_start() {
	local db=${1:-embargo_test}
	pg_cluster_bin || {
		echo "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (install the postgresql package)" >&2
		return 77
	}
	PG_DIR=$(mktemp -d /tmp/em_pg.XXXXXX)
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data"
	[ "$(id -u)" = 0 ] && chown -R nobody "$PG_DIR"
	PG_SOCKET=$PG_DIR
	if ! as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U embargo --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$PG_DIR/initdb.log" 2>&1; then
		echo "initdb failed:" >&2
		cat "$PG_DIR/initdb.log" >&2
		return 1
	fi
	local tries
	for tries in 1 2 3 4 5; do
		PG_PORT=$(pg_free_port)
		if pg_cluster_ctl start; then
			break
		fi
		[ "$tries" = 5 ] && { echo "postgres did not start:" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
	done
	"$PG_BIN/../bin/createdb" -h "$PG_SOCKET" -p "$PG_PORT" -U embargo "$db" || return 1
	PG_URL="postgresql://embargo@127.0.0.1:$PG_PORT/$db"
	export PG_URL PG_DIR PG_PORT PG_SOCKET PG_BIN
}

# pg_cluster_ctl start|stop|restart: pg_ctl on the cluster, waiting for the result.
pg_cluster_ctl() {
	as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -m fast \
		-o "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
		"$1" >/dev/null
}

# pg_cluster_psql SQL: runs SQL on the cluster's database; prints unaligned rows.
pg_cluster_psql() {
	"$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$PG_URL" -c "$1"
}

# pg_cluster_stop: stops the cluster and removes its folder (safe to call twice).
pg_cluster_stop() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
		as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -m immediate stop >/dev/null 2>&1 || true
		rm -rf "$PG_DIR"
	fi
	PG_DIR=
}

# pg_cluster_for_test: for a test script: starts a cluster, stops it and kills the processes
# listed in the array `pids` on exit (then removes $work), exits 77 when PostgreSQL is not
# installed and 1 when it does not start; exports EMBARGO_STORE as the cluster's URL.
pg_cluster_for_test() {
	pids=()
	trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; pg_cluster_stop; rm -rf "${work:-}"' EXIT
	pg_cluster_start
	local rc=$?
	if [ "$rc" = 77 ]; then echo "skipped: no PostgreSQL binaries"; exit 77; fi
	[ "$rc" = 0 ] || { echo "could not start PostgreSQL"; exit 1; }
	export EMBARGO_STORE=$PG_URL
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	[ "${1:-}" = run ] && [ $# -ge 2 ] || { echo "usage: $0 run CMD [ARGS...]" >&2; exit 2; }
	shift
	trap pg_cluster_stop EXIT
	pg_cluster_start
	rc=$?
	[ "$rc" = 0 ] || exit "$rc"
	export EM_TEST_STORE_URL=$PG_URL
	echo "PostgreSQL $("$PG_BIN/postgres" --version | grep -o '[0-9][0-9.]*' | head -n 1) at $PG_URL"
	"$@"
	exit $?
fi
