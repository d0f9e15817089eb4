#!/usr/bin/env bash
# Usage: scripts/smoke.sh FUNCTION_PREFIX   (e.g. sfbridge-prod; AWS credentials in the env)
# After an apply: every function is Active, runs exactly the bytes in dist/manifest.json
# (Lambda's CodeSha256 is the base64 of the zip's sha256) on the manifest's architecture, and
# connect-lookup answers a Connect question without an error. Read-only: nothing is written.
set -euo pipefail
prefix=${1:?usage: smoke.sh FUNCTION_PREFIX}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python3 - "$prefix" <<'PY'
import base64, json, subprocess, sys, tempfile
prefix = sys.argv[1]
def aws(*args):
    return json.loads(subprocess.run(["aws", *args, "--output", "json"], check=True, capture_output=True, text=True).stdout or "{}")
failed = 0
for e in json.load(open("dist/manifest.json")):
    name = f"{prefix}-{e['name']}"
    cfg = aws("lambda", "get-function-configuration", "--function-name", name)
    want = base64.b64encode(bytes.fromhex(e["sha256"])).decode()
    ok = cfg.get("State") == "Active" and cfg.get("CodeSha256") == want and cfg.get("Architectures") == [e["architecture"]]
    print(("ok  " if ok else "FAIL"), name, cfg.get("State"), cfg.get("CodeSha256"), "expected", want)
    failed += not ok
with tempfile.NamedTemporaryFile(suffix=".json") as out:
    res = aws("lambda", "invoke", "--function-name", f"{prefix}-connect-lookup",
              "--cli-binary-format", "raw-in-base64-out",
              "--payload", open("tests/fixtures/connect-event.json").read(), out.name)
    answer = json.load(open(out.name))
    ok = "FunctionError" not in res and answer.get("status") in ("OK", "UNKNOWN_REGION")
    print(("ok  " if ok else "FAIL"), "connect-lookup answered", answer.get("status"))
    failed += not ok
sys.exit(1 if failed else 0)
PY
