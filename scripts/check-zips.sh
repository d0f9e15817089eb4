#!/usr/bin/env bash
# Checks what `make build-zips` wrote: one zip per registered handler holding exactly an
# executable `bootstrap`, a manifest that matches the files, and a rebuild that gives the same
# sha256s. Ends with an "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

[ -f dist/manifest.json ] || { echo "check-zips: run 'make build-zips' first" >&2; echo "0 passed, 1 failed"; exit 1; }
mapfile -t names < <(cargo run --quiet --bin bootstrap -- --list-handlers)

for name in "${names[@]}"; do
  z="dist/$name.zip"
  if [ ! -f "$z" ]; then bad "$z missing"; continue; fi
  listing=$(unzip -Z1 "$z")
  [ "$listing" = "bootstrap" ] && ok "$z holds exactly bootstrap" || bad "$z holds: $listing"
  unzip -Z "$z" bootstrap | grep -q '^-rwxr-xr-x' && ok "$z bootstrap is executable" || bad "$z bootstrap mode"
  sha=$(sha256sum "$z" | cut -d' ' -f1)
  python3 - "$name" "$sha" "$(stat -c %s "$z")" <<'PY' && ok "manifest entry for $name matches" || bad "manifest entry for $name"
import json, sys
name, sha, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
entries = [e for e in json.load(open("dist/manifest.json")) if e["name"] == name]
assert len(entries) == 1 and entries[0]["sha256"] == sha and entries[0]["size"] == size, entries
assert entries[0]["architecture"] in ("arm64", "x86_64")
PY
done
count=$(python3 -c 'import json; print(len(json.load(open("dist/manifest.json"))))')
[ "$count" = "${#names[@]}" ] && ok "manifest lists the ${#names[@]} registered handlers" || bad "manifest has $count entries, ${#names[@]} handlers registered"

before=$(cat dist/manifest.json)
if scripts/build-zips.sh >/dev/null 2>&1 && [ "$(cat dist/manifest.json)" = "$before" ]; then
  ok "a second build gives the same sha256s"
else
  bad "a second build changed the zips"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
