#!/usr/bin/env bash
# checkov over every module and root, offline. Every skip is inline (#checkov:skip=ID:reason).
# Ends with an "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$("$root/scripts/venv.sh" checkov)
report=$(CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$bin/checkov" -d modules -d terraform --framework terraform \
  --quiet --compact --skip-download -o json 2>/dev/null)
summary=$(python3 -c '
import json, sys
text, runs, decoder, i = sys.stdin.read(), [], json.JSONDecoder(), 0
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    d, i = decoder.raw_decode(text, i)
    runs.extend(d if isinstance(d, list) else [d])
p = sum(r["summary"]["passed"] for r in runs)
f = sum(r["summary"]["failed"] for r in runs)
s = sum(r["summary"]["skipped"] for r in runs)
for r in runs:
    for c in r.get("results", {}).get("failed_checks", []):
        print("FAIL %s %s (%s:%s)" % (c["check_id"], c["resource"], c["file_path"], c["file_line_range"][0]), file=sys.stderr)
print(p, f, s)' <<<"$report")
read -r passed failed skipped <<<"$summary"
echo "checkov: $passed passed, $failed failed, $skipped skipped (each skip inline with its reason)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
