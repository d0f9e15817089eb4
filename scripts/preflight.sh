#!/usr/bin/env bash
# Usage: scripts/preflight.sh ENV [preflight.py options]     (make preflight ENV=dev)
# Read-only checks of one environment against the real account with the caller's credentials
# (STS, Lambda account settings, the AppFlow connector profile, dist/manifest.json, Terraform
# versions), then the Salesforce steps it cannot check. Ends with `preflight: N passed, N failed`;
# exits non-zero when a check failed. Runs in the pinned venv .venv/preflight.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
env=${1:-}
case "$env" in
  dev | staging | prod) shift ;;
  *) echo "usage: $0 dev|staging|prod [--tfvars F] [--manifest F] [--root DIR]" >&2; exit 2 ;;
esac
bin=$("$root/scripts/venv.sh" preflight)
exec "$bin/python" "$root/scripts/preflight.py" --env "$env" "$@"
