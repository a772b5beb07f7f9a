#!/usr/bin/env bash
# The production configuration in one process group: migrate, cache table, collectstatic, then the task
# worker, the scheduled jobs and gunicorn (in the foreground). `make serve` runs this; docs/deploy.md gives
# the systemd units that run the same pieces separately.
#
# Environment: DATABASE_URL, SECRET_KEY (or SECRET_KEY_FILE), ALLOWED_HOSTS, and optionally
#   BIND (default 127.0.0.1:8080), WEB_WORKERS (default 2 x the CPUs), WEB_THREADS (default 1: bench/README.md,
#   load test), WEB_TIMEOUT (default 60),
#   RUN_WORKER (default 1), RUN_SCHEDULED (default 1), CACHE_URL, CONN_MAX_AGE.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export DEBUG=${DEBUG:-false}

"$BIN/padwijzer" migrate --noinput -v0
"$BIN/padwijzer" createcachetable
"$BIN/padwijzer" collectstatic --noinput -v0

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 143' INT TERM

if [ "${RUN_WORKER:-1}" = 1 ]; then
  "$BIN/padwijzer" db_worker --interval 2 --no-reload & PIDS+=($!)
fi
if [ "${RUN_SCHEDULED:-1}" = 1 ]; then
  "$BIN/padwijzer" run_scheduled --loop & PIDS+=($!)
fi
"$BIN/gunicorn" padwijzer.wsgi:application \
  --bind "${BIND:-127.0.0.1:8080}" \
  --workers "${WEB_WORKERS:-$((2 * $(nproc)))}" --threads "${WEB_THREADS:-1}" --timeout "${WEB_TIMEOUT:-60}" \
  --no-control-socket --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" & PIDS+=($!)
wait "${PIDS[-1]}"
