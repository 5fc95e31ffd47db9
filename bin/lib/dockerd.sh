# Shared by bin/test: makes sure a Docker engine answers while the tests run, and stops it again
# when bin/test started it. Sourced, not run; needs FLOTILLA_ROOT (bin/lib/common.sh).
#
# Several bin/test runs (several checkouts) may share the machine's one engine: each registers in
# $FLOTILLA_DOCKERD_STATE/users, and the last one out stops dockerd, only if a bin/test started it.

FLOTILLA_DOCKERD_STATE="${FLOTILLA_DOCKERD_STATE:-/run/flotilla-test-dockerd}"
FLOTILLA_DOCKERD_LOG="${FLOTILLA_DOCKERD_LOG:-/var/log/flotilla-test-dockerd.log}"
flotilla_dockerd_registered=

flotilla_docker_answers() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Registers this bin/test as a user of the engine and starts dockerd when none answers.
flotilla_dockerd_up() {
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$FLOTILLA_DOCKERD_STATE/users"
    : >"$FLOTILLA_DOCKERD_STATE/users/$$"
    flotilla_dockerd_registered=1
  fi
  flotilla_docker_answers && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "bin/test: no Docker engine answers and only root can start one: start dockerd, or run bin/test as root." >&2
    exit 1
  fi
  echo "bin/test: starting dockerd (log: $FLOTILLA_DOCKERD_LOG)..." >&2
  setsid dockerd >>"$FLOTILLA_DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >"$FLOTILLA_DOCKERD_STATE/started-pid"
  local i
  for i in $(seq 1 120); do
    flotilla_docker_answers && return 0
    if ! kill -0 "$(cat "$FLOTILLA_DOCKERD_STATE/started-pid")" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  echo "bin/test: dockerd did not come up; the end of its log ($FLOTILLA_DOCKERD_LOG):" >&2
  tail -n 20 "$FLOTILLA_DOCKERD_LOG" >&2 || true
  exit 1
}

# Removes what the tests of this checkout left in the engine, unregisters, and stops dockerd when
# a bin/test started it and no other bin/test still uses it.
flotilla_dockerd_down() {
  if flotilla_docker_answers; then
    local kind ids
    # The runtime labels containers, networks and volumes with the state directory of the agent
    # that made them; test state directories live under this checkout's target/test-work.
    ids="$(docker ps -a --filter label=dev.flotilla.state-dir --format '{{.ID}} {{.Label "dev.flotilla.state-dir"}}' \
      | awk -v root="$FLOTILLA_ROOT/" 'index($2, root) == 1 && index($2, "/target/test-work/") { print $1 }')"
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    for kind in network volume; do
      ids="$(docker $kind ls --filter label=dev.flotilla.state-dir --format '{{.Name}} {{.Label "dev.flotilla.state-dir"}}' \
        | awk -v root="$FLOTILLA_ROOT/" 'index($2, root) == 1 && index($2, "/target/test-work/") { print $1 }')"
      [ -z "$ids" ] || docker $kind rm $ids >/dev/null 2>&1 || true
    done
  fi
  [ -n "$flotilla_dockerd_registered" ] || return 0
  rm -f "$FLOTILLA_DOCKERD_STATE/users/$$"
  local user pid
  for user in "$FLOTILLA_DOCKERD_STATE"/users/*; do
    [ -e "$user" ] || continue
    if kill -0 "$(basename "$user")" 2>/dev/null; then
      return 0
    fi
    rm -f "$user"
  done
  [ -f "$FLOTILLA_DOCKERD_STATE/started-pid" ] || return 0
  pid="$(cat "$FLOTILLA_DOCKERD_STATE/started-pid")"
  rm -f "$FLOTILLA_DOCKERD_STATE/started-pid"
  if kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    echo "bin/test: stopping the dockerd it started (pid $pid)" >&2
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || return 0
      sleep 0.5
    done
    echo "bin/test: dockerd (pid $pid) still runs 30 s after SIGTERM; leaving it" >&2
  fi
}
