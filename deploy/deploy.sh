#!/usr/bin/env bash
# Deploys the release checked out here onto this host (see deploy/README.md):
# install exactly the locked dependencies, scan them (promise M7.1), build,
# migrate, render nginx (and PostgreSQL's WAL archiving when PostgreSQL runs
# here), install the systemd units, restart, and fail unless /api/health is ok
# within HEALTH_TIMEOUT seconds. Any failing step stops the deploy (set -e).
# Run as root from the checkout, e.g. /srv/harambee/deploy/deploy.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

env_file=${HARAMBEE_ENV_FILE:-/etc/harambee/env}
if [ -f "$env_file" ]; then set -a; . "$env_file"; set +a; fi
: "${APP_ROOT_DOMAIN:?set APP_ROOT_DOMAIN (e.g. harambee.africa) in $env_file}"
: "${TLS_CERT:?set TLS_CERT (certificate chain for the apex and *.apex) in $env_file}"
: "${TLS_KEY:?set TLS_KEY in $env_file}"
: "${DATABASE_URL:?set DATABASE_URL (the owner role, for migrations) in $env_file}"
# The units may write only there (ProtectSystem=strict, ReadWritePaths).
storage=/var/lib/harambee/storage
if [ "${STORAGE_DIR:-}" != "$storage" ]; then
  echo "set STORAGE_DIR=$storage in $env_file (the systemd units allow writes there only)" >&2
  exit 1
fi
export APP_PORT=${PORT:-3000}
export HARAMBEE_HOME=$PWD

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== dependency scan (npm run audit:deps)"
# Fails the deploy on a high or critical advisory. When the advisory service
# cannot be reached it says so plainly and the deploy goes on unscanned: run it
# again once the registry is reachable.
npm run --silent audit:deps

echo "== build"
npm run build

echo "== migrations (npm run migrate)"
# Before the restart, so a failing migration stops the deploy while the old
# release still serves. npm start migrates again on start and finds nothing to do.
npm run --silent migrate

echo "== storage"
install -d -o harambee -g harambee -m 0750 "$storage"

echo "== nginx"
envsubst '${APP_ROOT_DOMAIN} ${APP_PORT} ${TLS_CERT} ${TLS_KEY}' < deploy/nginx/harambee.conf > /etc/nginx/conf.d/harambee.conf
nginx -t
systemctl reload nginx

units="harambee.service harambee-backup.service harambee-backup.timer"
timers="harambee-backup.timer"
pg_conf_dir=${PG_CONF_DIR:-$(ls -d /etc/postgresql/*/main/conf.d 2>/dev/null | sort -t/ -k4 -n | tail -1)}
if [ -n "$pg_conf_dir" ]; then
  echo "== PostgreSQL WAL archiving into $storage/wal ($pg_conf_dir)"
  # PostgreSQL's own user writes the WAL and the base backups; the app's may read them.
  install -d -o postgres -g harambee -m 2750 "$storage/wal" "$storage/basebackups"
  envsubst '${HARAMBEE_HOME} ${STORAGE_DIR}' < deploy/postgresql/wal-archiving.conf > "$pg_conf_dir/harambee-wal.conf"
  systemctl reload postgresql
  if [ "$(runuser -u postgres -- psql -XAtc "SELECT bool_or(pending_restart) FROM pg_settings WHERE name IN ('wal_level', 'archive_mode')")" = t ]; then
    echo "WAL archiving starts only after a restart of PostgreSQL: systemctl restart postgresql (a few seconds of downtime)." >&2
  fi
  units="$units harambee-basebackup.service harambee-basebackup.timer"
  timers="$timers harambee-basebackup.timer"
else
  echo "== PostgreSQL is not on this host: configure WAL archiving on the database server (deploy/postgresql/, docs/RUNBOOK.md)"
fi

echo "== systemd units: $units"
for unit in $units; do install -m 0644 "deploy/systemd/$unit" "/etc/systemd/system/$unit"; done
systemctl daemon-reload
# shellcheck disable=SC2086 # one word per timer
systemctl enable --now $timers

echo "== restart"
systemctl restart harambee

echo "== health check (up to ${HEALTH_TIMEOUT:-120} s)"
if ! deploy/health-check.sh "http://127.0.0.1:$APP_PORT/api/health" "$APP_ROOT_DOMAIN" "${HEALTH_TIMEOUT:-120}"; then
  systemctl --no-pager --lines=30 status harambee || true
  exit 1
fi
