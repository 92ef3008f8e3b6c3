#!/usr/bin/env bash
# Waits until the app's /api/health answers 200 with "status":"ok", or fails.
#   health-check.sh <url> <host header> <seconds>
# deploy.sh runs it after the restart: a release that does not come up healthy
# within the bound fails the deploy, with the last answer (or curl's error).
set -uo pipefail
if [ $# -ne 3 ]; then
  echo "usage: health-check.sh <url> <host> <seconds>" >&2
  exit 2
fi
url=$1 host=$2 bound=$3
deadline=$((SECONDS + bound))
last="no answer yet"
while :; do
  if body=$(curl --silent --show-error --max-time 5 --header "Host: $host" --write-out '\n%{http_code}' "$url" 2>&1); then
    code=${body##*$'\n'}
    body=${body%$'\n'*}
    if [ "$code" = 200 ] && [[ $body =~ \"status\":\"ok\" ]]; then
      echo "health: ok ($body)"
      exit 0
    fi
    last="HTTP $code $body"
  else
    last=$body
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "health: not ok within ${bound} s; last: $last" >&2
    exit 1
  fi
  sleep 1
done
