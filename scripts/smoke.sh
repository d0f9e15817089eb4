#!/usr/bin/env bash
# Usage: scripts/smoke.sh FUNCTION_PREFIX [SECONDARY_REGION]
#   (e.g. sfbridge-prod eu-central-1; AWS credentials and the home region in the env)
# After an apply, in the home region: every function is Active, runs exactly the bytes in
# dist/manifest.json (Lambda's CodeSha256 is the base64 of the zip's sha256) on the manifest's
# architecture, and connect-lookup answers a Connect question without an error.
# With SECONDARY_REGION (Connect Global Resiliency; Terraform's output `secondary.region`), also:
# the <prefix>-config replica in that region is ACTIVE, and the home table lists it as an ACTIVE
# replica; <prefix>-connect-lookup there passes the same Active/CodeSha256/architecture check
# and, given the same event (the same payload) as the home one, neither answers ERROR (it could
# not read the replica) nor fails with a function error, and agrees with the home answer (the one
# the home check got) in status, region, timezone, isHoliday, holidayName, holidayMessage, openTime,
# closeTime and date (not localTime and isOpen: they may change between the two calls). A
# difference means the replica does not hold what the home table holds (a change made seconds
# before may still be replicating: re-run). When the home check failed there is nothing to
# compare with: then OK or UNKNOWN_REGION is accepted (the home FAIL fails the run anyway).
# Without SECONDARY_REGION, or empty, only the home region is checked.
# Each check prints "ok ..." or "FAIL ..."; exits 1 when any failed. Read-only: nothing is written.
# The event's question is pinned to one instant (today, UTC, 12:00, unless it names its own date
# and time), so the two regions answer the same question even across a local midnight.
# Environment: SMOKE_MANIFEST (default dist/manifest.json) and SMOKE_EVENT (default
# tests/fixtures/connect-event.json); relative paths are taken from the repository root.
set -euo pipefail
prefix=${1:?usage: smoke.sh FUNCTION_PREFIX [SECONDARY_REGION]}
secondary=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python3 - "$prefix" "$secondary" "${SMOKE_MANIFEST:-dist/manifest.json}" \
  "${SMOKE_EVENT:-tests/fixtures/connect-event.json}" <<'PY'
import base64, datetime, json, subprocess, sys, tempfile
prefix, secondary, manifest_path, event_path = sys.argv[1:5]
failed = 0

def aws(*args, region=None):
    where = ["--region", region] if region else []
    return json.loads(subprocess.run(["aws", *args, *where, "--output", "json"], check=True,
                                     capture_output=True, text=True).stdout or "{}")

def report(ok, *words):
    global failed
    print(("ok  " if ok else "FAIL"), *words)
    failed += not ok

def guarded(label, check):
    """Runs one check and returns what it returns; an aws CLI error is that check's FAIL (and
    None), and the other checks still run."""
    try:
        return check()
    except subprocess.CalledProcessError as e:
        lines = (e.stderr or "").strip().splitlines()
        report(False, label, "-", lines[-1] if lines else f"aws exited {e.returncode}")

def check_function(entry, region=None):
    name = f"{prefix}-{entry['name']}"
    cfg = aws("lambda", "get-function-configuration", "--function-name", name, region=region)
    want = base64.b64encode(bytes.fromhex(entry["sha256"])).decode()
    ok = cfg.get("State") == "Active" and cfg.get("CodeSha256") == want and cfg.get("Architectures") == [entry["architecture"]]
    report(ok, name + (f" in {region}" if region else ""), cfg.get("State"), cfg.get("CodeSha256"), "expected", want)

def pinned(text):
    """The event with its question at one instant: the home and secondary calls are seconds
    apart, and near local midnight "now" would be two different dates."""
    event = json.loads(text)
    params = event.setdefault("Details", {}).setdefault("Parameters", {})
    params.setdefault("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"))
    params.setdefault("time", "12:00")
    return json.dumps(event)

event = pinned(open(event_path).read())  # the one payload of every invoke, home and secondary

def invoke_lookup(region=None):
    """connect-lookup's invoke response and its answer (a dict; {} when it is not one)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        res = aws("lambda", "invoke", "--function-name", f"{prefix}-connect-lookup",
                  "--cli-binary-format", "raw-in-base64-out", "--payload", event, out.name, region=region)
        answer = json.load(open(out.name))
    return res, answer if isinstance(answer, dict) else {}

def check_home_lookup():
    """Returns the home answer when it passed (to compare the secondary one with), else None."""
    res, answer = invoke_lookup()
    ok = "FunctionError" not in res and answer.get("status") in ("OK", "UNKNOWN_REGION")
    report(ok, "connect-lookup answered", answer.get("status"))
    return answer if ok else None

# The answer's fields that do not depend on the second of the call (localTime and isOpen do).
SAME = ("status", "region", "timezone", "isHoliday", "holidayName", "holidayMessage", "openTime",
        "closeTime", "date")

def differences(home, there, region):
    return [f"{k}: home {json.dumps(home.get(k))}, {region} {json.dumps(there.get(k))}"
            for k in SAME if home.get(k) != there.get(k)]

def check_secondary_lookup(region, home):
    res, answer = invoke_lookup(region)
    status = answer.get("status")
    said = f"connect-lookup in {region} answered {status}"
    if "FunctionError" in res or status == "ERROR":
        why = [f"(function error: {res['FunctionError']})"] if "FunctionError" in res else []
        if status == "ERROR":
            why.append(f"(it could not read the replica in {region})")
        report(False, said, *why)
    elif home is None:
        report(status in ("OK", "UNKNOWN_REGION"), said, "(not compared: no home answer to compare with)")
    elif diff := differences(home, answer, region):
        report(False, f"{said}: the replica in {region} does not hold what the home table holds:",
               "; ".join(diff), "(a change made seconds before may still be replicating: re-run)")
    else:
        report(True, f"{said}, the same answer as at home: it read the replica in {region} "
               "and found what the home table holds")

table = f"{prefix}-config"

def check_replica_table(region):
    local = aws("dynamodb", "describe-table", "--table-name", table, region=region).get("Table", {})
    report(local.get("TableStatus") == "ACTIVE", f"{table} in {region} is", local.get("TableStatus"))

def check_home_lists_replica(region):
    home = aws("dynamodb", "describe-table", "--table-name", table).get("Table", {})
    status = next((r.get("ReplicaStatus") for r in home.get("Replicas") or [] if r.get("RegionName") == region), None)
    report(status == "ACTIVE", f"{table} (home) lists a replica in {region}:",
           status if status else "no such replica")

manifest = json.load(open(manifest_path))
for e in manifest:
    guarded(f"{prefix}-{e['name']}", lambda e=e: check_function(e))
home_answer = guarded("connect-lookup", check_home_lookup)
if secondary:
    guarded(f"{table} in {secondary}", lambda: check_replica_table(secondary))
    guarded(f"{table} (home) replica in {secondary}", lambda: check_home_lists_replica(secondary))
    lookup = next((e for e in manifest if e["name"] == "connect-lookup"), None)
    if lookup is None:
        report(False, f"{manifest_path} has no connect-lookup entry for {secondary}")
    else:
        guarded(f"{prefix}-connect-lookup in {secondary}", lambda: check_function(lookup, secondary))
    guarded(f"connect-lookup in {secondary}", lambda: check_secondary_lookup(secondary, home_answer))
sys.exit(1 if failed else 0)
PY
