#!/usr/bin/env bash
# Usage: scripts/venv.sh NAME
# Makes sure the project-local virtualenv .venv/NAME holds exactly the pinned packages of
# scripts/requirements/NAME.txt, and prints its bin directory. Re-installs only when the
# requirements change. The path is fixed on purpose: cargo-lambda's zig wrappers embed it, and
# moving the venv forces a full rebuild.
set -euo pipefail
name=${1:?usage: scripts/venv.sh NAME}
root=$(cd "$(dirname "$0")/.." && pwd)
req="$root/scripts/requirements/$name.txt"
venv="$root/.venv/$name"
[ -f "$req" ] || { echo "venv.sh: no $req" >&2; exit 2; }
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "venv.sh: installing $name tools into .venv/$name" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin"
