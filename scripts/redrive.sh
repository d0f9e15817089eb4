#!/usr/bin/env bash
# Usage: scripts/redrive.sh ENV ingest|stream [redrive.py options]
#   (make redrive ENV=dev QUEUE=ingest [CONFIRM=dev] [PEEK=5])
# Redrives sfbridge-ENV-ingest-dlq into sfbridge-ENV-ingest (SQS message-move task), or replays
# what sfbridge-ENV-stream-failures records (status-csv/notify batches Lambda gave up on), with
# the caller's AWS credentials. Asks before changing anything; prod needs --confirm prod.
# Ends with `redrive: <queue>: moved N` or `replay: <queue>: replayed N, left M`.
# Runs in the pinned venv .venv/redrive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: $0 ENV ingest|stream [--confirm ENV] [--yes] [--peek N] [--rate N] [--cancel] [--max N]" >&2; exit 2; }
[ $# -ge 2 ] || usage
env=$1 queue=$2
shift 2
case "$queue" in ingest | stream) ;; *) usage ;; esac
bin=$("$root/scripts/venv.sh" redrive)
exec "$bin/python" "$root/scripts/redrive.py" --env "$env" --queue "$queue" "$@"
