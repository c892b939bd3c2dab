# server.sh: starting `embargo serve` on a free port from a shell script (sourced by
# tests/cli/server.sh, tests/browser/run.sh and bench/server.sh). The server takes port 0
# and logs the port it got in its "listening" line, so tests never race for a port.

# server_start LOG ARGS...: runs "$EMBARGO serve --listen 127.0.0.1:0 ARGS..." in the
# background with its log in LOG; sets SERVER_PID and SERVER_PORT. Returns 1 (the log on
# stderr) when it has not started within two minutes, or stopped.
server_start() {
	local log=$1
	shift
	"$EMBARGO" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
	SERVER_PID=$!
	SERVER_PORT=
	for _ in $(seq 1200); do
		SERVER_PORT=$(grep -o '"msg":"listening".*"port":[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
		[ -n "$SERVER_PORT" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "the server did not start:" >&2
	cat "$log" >&2
	return 1
}

# server_stop: stops the server server_start started (SIGTERM, then waits for it).
server_stop() {
	if [ -n "${SERVER_PID:-}" ]; then
		kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
	return 0
}

# server_sandbox: a temporary folder $work holding the store (EMBARGO_HOME, with
# EMBARGO_STORE and XDG_DATA_HOME unset), removed on exit after the server is stopped.
server_sandbox() {
	work=$(mktemp -d)
	trap 'server_stop; rm -rf "$work"' EXIT
	export EMBARGO_HOME=$work/home
	unset EMBARGO_STORE XDG_DATA_HOME
}
