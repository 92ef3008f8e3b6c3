#!/usr/bin/env bash
# Deploys the release checked out here onto this host (see deploy/README.md):
# install exactly the locked dependencies, scan them (promise M7.1), build,
# render the nginx config, and restart the app, which migrates on start.
# Run as root from the checkout, e.g. /srv/harambee/deploy/deploy.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

env_file=${HARAMBEE_ENV_FILE:-/etc/harambee/env}
if [ -f "$env_file" ]; then set -a; . "$env_file"; set +a; fi
: "${APP_ROOT_DOMAIN:?set APP_ROOT_DOMAIN (e.g. harambee.africa) in $env_file}"
: "${TLS_CERT:?set TLS_CERT (certificate chain for the apex and *.apex) in $env_file}"
: "${TLS_KEY:?set TLS_KEY in $env_file}"
export APP_PORT=${PORT:-3000}

echo "== npm ci"
npm ci --no-audit --no-fund

echo "== dependency scan (npm run audit:deps)"
# Fails the deploy on a high or critical advisory. When the advisory service
# cannot be reached it says so plainly and the deploy goes on unscanned: run it
# again once the registry is reachable.
npm run --silent audit:deps

echo "== build"
npm run build

echo "== nginx"
envsubst '${APP_ROOT_DOMAIN} ${APP_PORT} ${TLS_CERT} ${TLS_KEY}' < deploy/nginx/harambee.conf > /etc/nginx/conf.d/harambee.conf
nginx -t
systemctl reload nginx

echo "== restart (migrations run on start)"
install -m 0644 deploy/systemd/harambee.service /etc/systemd/system/harambee.service
systemctl daemon-reload
systemctl restart harambee
systemctl --no-pager --lines=5 status harambee
