#!/usr/bin/env bash
# Backup and restore, tested: dump a Padwijzer database with pg_dump, restore it into a fresh database with
# pg_restore, and compare the exact row count of every table. Exit status 0 when every count matches.
#
#   scripts/backup-restore-check.sh                      # builds a source database (migrate, region, 50 demo clients)
#   SOURCE_DB=padwijzer scripts/backup-restore-check.sh  # checks a copy of an existing database (left untouched)
#
# Connection: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), as for psql. The restore goes into
# ${SOURCE_DB}_restore_check, dropped at the end (so is the built source database). docs/deploy.md uses the
# same pg_dump/pg_restore commands for the nightly backup.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

BUILT=""
if [ -z "${SOURCE_DB:-}" ]; then
  SOURCE_DB=padwijzer_backup_check
  BUILT=1
fi
TARGET_DB="${SOURCE_DB}_restore_check"
for db in "$SOURCE_DB" "$TARGET_DB"; do
  [ "$db" != postgres ] || { echo "backup check: refusing to use the database 'postgres'" >&2; exit 2; }
done
WORK=$(mktemp -d)
finish() {
  dropdb --if-exists "$TARGET_DB" 2>/dev/null || true
  if [ -n "$BUILT" ]; then dropdb --if-exists "$SOURCE_DB" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap finish EXIT

if [ -n "$BUILT" ]; then
  dropdb --if-exists "$SOURCE_DB"
  createdb "$SOURCE_DB"
  export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$SOURCE_DB" DEBUG=true
  "$BIN/padwijzer" migrate --noinput -v0
  "$BIN/padwijzer" createcachetable
  "$BIN/padwijzer" load_region regions/oostende.json >/dev/null
  "$BIN/padwijzer" seed_demo --clients 50 --seed 1 >/dev/null
fi

counts() {  # every table of the public schema with its exact row count, sorted
  psql -d "$1" -XAtq -v ON_ERROR_STOP=1 <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I;', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
\gexec
SQL
}

echo "backup check: pg_dump $SOURCE_DB"
pg_dump --format=custom --no-owner --file="$WORK/backup.dump" "$SOURCE_DB"
echo "backup check: pg_restore into a fresh $TARGET_DB"
dropdb --if-exists "$TARGET_DB"
createdb "$TARGET_DB"
pg_restore --no-owner --exit-on-error --dbname="$TARGET_DB" "$WORK/backup.dump"
counts "$SOURCE_DB" >"$WORK/source.txt"
counts "$TARGET_DB" >"$WORK/target.txt"
TABLES=$(wc -l <"$WORK/source.txt")
ROWS=$(awk '{s += $2} END {print s}' "$WORK/source.txt")
if ! diff -u "$WORK/source.txt" "$WORK/target.txt"; then
  echo "backup check: FAILED, the restored row counts differ (above)" >&2
  exit 1
fi
[ "$TABLES" -gt 10 ] && [ "$ROWS" -gt 0 ] || { echo "backup check: FAILED, nothing to compare" >&2; exit 1; }
echo "backup check: OK, $TABLES tables and $ROWS rows restored identically ($(du -h "$WORK/backup.dump" | cut -f1) dump)"
