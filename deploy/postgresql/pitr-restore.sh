#!/usr/bin/env bash
# Point-in-time recovery (docs/RUNBOOK.md, "Recover"): prepares a new data
# directory that, once PostgreSQL starts on it, replays the archived WAL up to
# the target time, stops before the first transaction that committed after it,
# and promotes itself to a primary.
#   pitr-restore.sh <storage dir> <target time> <new data dir>
# <target time> as PostgreSQL reads it, with its zone: '2026-12-03 10:15:00+00'.
# Takes the newest base backup in <storage dir>/basebackups that started before
# the target. Run as the OS user PostgreSQL runs as. The restored server does
# not archive (a drill must never write into the live archive): when it becomes
# the primary, remove the archive_mode line it adds and restart it.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: pitr-restore.sh <storage dir> <target time> <new data dir>" >&2
  exit 2
fi
storage=$1 target=$2 data=$3
case $storage$target in *"'"*) echo "pitr-restore: no quotes in the storage dir or the target time" >&2; exit 2 ;; esac
if ! target_stamp=$(date -u -d "$target" +%Y%m%dT%H%M%S.%3NZ 2>/dev/null); then
  echo "pitr-restore: cannot read the target time '$target' (e.g. '2026-12-03 10:15:00+00')" >&2
  exit 2
fi
if [ -e "$data" ] && [ -n "$(ls -A "$data")" ]; then
  echo "pitr-restore: $data is not empty; restore into a new data directory" >&2
  exit 2
fi

base=""
for candidate in $(ls "$storage/basebackups" 2>/dev/null | grep -E '^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$' | sort); do
  [[ "$candidate" < "$target_stamp" ]] && base=$candidate
done
if [ -z "$base" ]; then
  echo "pitr-restore: no base backup in $storage/basebackups started before $target_stamp" >&2
  exit 1
fi
echo "pitr-restore: base backup $base, WAL from $storage/wal, target $target ($target_stamp)"

mkdir -p "$data"
chmod 0700 "$data"
tar -xzf "$storage/basebackups/$base/base.tar.gz" -C "$data"
tar -xzf "$storage/basebackups/$base/pg_wal.tar.gz" -C "$data/pg_wal"
cat >> "$data/postgresql.auto.conf" <<CONF
# Point-in-time recovery, written by deploy/postgresql/pitr-restore.sh on $(date -u +%FT%TZ).
restore_command = 'cp "$storage/wal/%f" "%p"'
recovery_target_time = '$target'
recovery_target_action = 'promote'
archive_mode = 'off'
CONF
touch "$data/recovery.signal"
sync "$data"
echo "pitr-restore: ready; start PostgreSQL on $data. It replays to the target and promotes: SELECT pg_is_in_recovery() turns false."
