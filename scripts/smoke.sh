#!/usr/bin/env bash
# Smoke test of the production configuration: DEBUG off, gunicorn, PostgreSQL, collectstatic, migrate,
# load_region and a user, on a free port. Fetches the login page, a static file and a logged-in page, then
# stops. Exit status 0 when all three answered as expected.
#
#   scripts/smoke.sh                     # database padwijzer_smoke on 127.0.0.1:5432 (dropped and re-created)
#   SMOKE_DB=mydb scripts/smoke.sh       # another database name (never "postgres": it is dropped)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB=${SMOKE_DB:-padwijzer_smoke}
[ "$DB" != postgres ] || { echo "smoke: refusing to use the database 'postgres'" >&2; exit 2; }

WORK=$(mktemp -d)
PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER=""
finish() {
  status=$?
  if [ -n "$SERVER" ]; then kill -TERM "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ $status -ne 0 ] && [ -f "$WORK/server.log" ]; then echo "--- server log"; tail -n 40 "$WORK/server.log"; fi
  rm -rf "$WORK"
  dropdb --if-exists "$DB" 2>/dev/null || true
}
trap finish EXIT

dropdb --if-exists "$DB"
createdb "$DB"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
export DEBUG=false
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
IDENTIFIER_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
export IDENTIFIER_KEY
# The smoke user is a superuser without an authenticator: two-step login is required here only for coordinators
# (the two-step pages have their own browser test, tests/browser/test_two_step_journey.py).
export OTP_REQUIRED_ROLES=coordinator
export ALLOWED_HOSTS=127.0.0.1
export BIND="127.0.0.1:$PORT" WEB_WORKERS=2 WEB_THREADS=2 RUN_SCHEDULED=0

"$BIN/padwijzer" migrate --noinput -v0
"$BIN/padwijzer" load_region regions/oostende.json >/dev/null
PASSWORD=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(16))')
DJANGO_SUPERUSER_PASSWORD=$PASSWORD "$BIN/padwijzer" createsuperuser --noinput --username smoke \
  --email smoke@example.invalid >/dev/null

scripts/serve.sh >"$WORK/server.log" 2>&1 &
SERVER=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 240); do
  curl -fsS -o /dev/null "$URL/account/login/" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { echo "smoke: the server stopped" >&2; exit 1; }
  sleep 1
done

echo "smoke: login page"
curl -fsS -c "$WORK/jar" -o "$WORK/login.html" "$URL/account/login/"
grep -q 'name="csrfmiddlewaretoken"' "$WORK/login.html"

echo "smoke: static file (hashed name from the manifest, served by whitenoise)"
CSS=$(grep -o '/static/css/padwijzer\.[0-9a-f]\{12\}\.css' "$WORK/login.html" | head -n1)
[ -n "$CSS" ] || { echo "smoke: no hashed stylesheet in the login page" >&2; exit 1; }
curl -fsS -D "$WORK/css.headers" -o /dev/null "$URL$CSS"
grep -qi '^cache-control:.*max-age=315360000' "$WORK/css.headers"

echo "smoke: log in and open a page"
TOKEN=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$WORK/login.html" | head -n1 | sed 's/.*value="//;s/"$//')
curl -fsS -b "$WORK/jar" -c "$WORK/jar" -o /dev/null -H "Referer: $URL/account/login/" \
  --data-urlencode "csrfmiddlewaretoken=$TOKEN" --data-urlencode "username=smoke" \
  --data-urlencode "password=$PASSWORD" "$URL/account/login/"
CODE=$(curl -sS -b "$WORK/jar" -o "$WORK/home.html" -w '%{http_code}' "$URL/")
[ "$CODE" = 200 ] || { echo "smoke: the home page answered $CODE" >&2; exit 1; }
grep -q 'smoke' "$WORK/home.html" || { echo "smoke: the home page does not show the logged-in user" >&2; exit 1; }
echo "smoke: OK (gunicorn on port $PORT, database $DB)"
