#!/usr/bin/env bash
# The starting point of point-in-time recovery: a pg_basebackup of the whole
# cluster into the object store, <storage dir>/basebackups/<UTC stamp>/
# (base.tar.gz, pg_wal.tar.gz with the WAL that makes it consistent, and
# backup_manifest). WAL after it comes from <storage dir>/wal (archive-wal.sh).
#   base-backup.sh <storage dir>
# Connects with libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD), e.g.
# as the postgres OS user over the local socket. Written under a .tmp- name and
# renamed once complete and fsynced, so a half-written backup never has a stamp.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: base-backup.sh <storage dir>" >&2
  exit 2
fi
storage=$1
bin=${PG_BIN_DIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -1)}
if [ ! -x "$bin/pg_basebackup" ]; then
  echo "base-backup: no pg_basebackup in '${bin}'; install Debian's postgresql-client or set PG_BIN_DIR" >&2
  exit 2
fi

stamp=$(date -u +%Y%m%dT%H%M%S.%3NZ)
folder="$storage/basebackups"
mkdir -p "$folder"
temp="$folder/.tmp-$stamp"
trap 'rm -rf "$temp"' EXIT
"$bin/pg_basebackup" --pgdata="$temp" --format=tar --gzip --wal-method=stream --checkpoint=fast --label="harambee $stamp"
sync "$temp" "$folder"
mv --no-target-directory "$temp" "$folder/$stamp"
sync "$folder"
trap - EXIT
echo "$stamp"
