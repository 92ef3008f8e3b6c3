#!/usr/bin/env bash
# PostgreSQL's archive_command (deploy/postgresql/wal-archiving.conf):
#   archive-wal.sh <archive dir> <%p: segment path> <%f: segment name>
# Copies one WAL segment (or .history/.backup file) into the object store's
# wal/ folder write-once, the way lib/storage/local.ts writes an object: a temp
# file in the same folder, fsynced, hard-linked to its name (link fails when the
# name exists, so nothing is ever overwritten), the folder fsynced.
# Exit 0 only once the segment is durable: PostgreSQL then recycles it.
# A segment already archived with the same bytes (PostgreSQL retries one whose
# success it did not hear) is success; with other bytes it is refused, loudly.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: archive-wal.sh <archive dir> <segment path> <segment name>" >&2
  exit 2
fi
archive=$1 source=$2 name=$3
case $name in
  *[!A-Za-z0-9._-]* | .* | "") echo "archive-wal: refusing segment name '$name'" >&2; exit 2 ;;
esac
target="$archive/$name"

if [ -e "$target" ]; then
  if cmp -s "$source" "$target"; then exit 0; fi
  echo "archive-wal: $target already exists with different contents; not overwriting it" >&2
  exit 1
fi

mkdir -p "$archive"
temp=$(mktemp "$archive/.tmp-XXXXXXXXXXXXXXXX")
trap 'rm -f "$temp"' EXIT
cp "$source" "$temp"
chmod 0640 "$temp"
sync "$temp"
if ! ln "$temp" "$target" 2>/dev/null; then
  # Another archiver won the race: the same bytes are success, anything else is not.
  if cmp -s "$source" "$target"; then exit 0; fi
  echo "archive-wal: could not link $target" >&2
  exit 1
fi
sync "$archive"
