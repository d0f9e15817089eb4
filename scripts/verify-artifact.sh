#!/usr/bin/env bash
# Usage: scripts/verify-artifact.sh EXPECTED_MANIFEST_SHA256
# In every deploy job: the downloaded dist/ is exactly what the build job made: the manifest's
# sha256 is the one the build job published, and every zip matches its manifest entry.
set -uo pipefail
expected=${1:?usage: verify-artifact.sh EXPECTED_MANIFEST_SHA256}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
actual=$(sha256sum dist/manifest.json | cut -d' ' -f1)
if [ "$actual" != "$expected" ]; then
  echo "verify-artifact: dist/manifest.json is $actual, the build job published $expected" >&2
  exit 1
fi
python3 - <<'PY'
import hashlib, json, os, sys
bad = 0
for e in json.load(open("dist/manifest.json")):
    path = e["file"]
    data = open(path, "rb").read() if os.path.exists(path) else None
    if data is None or hashlib.sha256(data).hexdigest() != e["sha256"] or len(data) != e["size"]:
        print(f"verify-artifact: {path} does not match the manifest", file=sys.stderr)
        bad += 1
    else:
        print(f"verify-artifact: {path} {e['sha256']} ok")
sys.exit(1 if bad else 0)
PY
