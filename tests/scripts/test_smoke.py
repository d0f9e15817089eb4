#!/usr/bin/env python3
"""Tests of scripts/smoke.sh: the home region, and the secondary region of Connect Global
Resiliency (the <prefix>-config replica, <prefix>-connect-lookup there, whose answer must agree
with the home one).

Run by `make scripts-test` (python3 tests/scripts/test_smoke.py). Stdlib unittest, no AWS and
no moto: a fake `aws` put first on PATH answers from a JSON scenario written per test and
records every call (argv, and the region the call went to: --region, else AWS_REGION). The
answers have the shapes of the botocore models (dynamodb 2012-08-10 DescribeTableOutput:
Table.TableStatus, Table.Replicas[].RegionName/ReplicaStatus; lambda 2015-03-31
FunctionConfiguration: State, CodeSha256, Architectures; InvocationResponse: StatusCode,
FunctionError); an invoke's payload (connect-lookup's answer, the flat map of DESIGN.md "Connect
lookup") is the scenario's per region and function, so the home and the secondary answers can
differ. A call the scenario does not hold fails like the real CLI (exit 254,
ResourceNotFoundException); an operation the fake does not know fails with exit 252, so a write
would show up. smoke.sh reads the manifest from SMOKE_MANIFEST (a temporary one here; nothing is
written to dist/). Ends with one line `N passed, N failed`.
"""

from __future__ import annotations

import base64
import hashlib
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SMOKE_SH = ROOT / "scripts/smoke.sh"
EVENT = ROOT / "tests/fixtures/connect-event.json"
TMP = Path(tempfile.mkdtemp(prefix="sfbridge-smoke-test-"))
PREFIX = "sfbridge-prod"
HOME = "us-east-1"
SECOND = "eu-central-1"
ACCOUNT = "123456789012"
HANDLERS = ("ingest", "status-csv", "notify", "flow-guard", "connect-lookup")
ARCH = "arm64"

FAKE_AWS = r'''
import json, os, sys

args = sys.argv[1:]
service, op = args[0], args[1]
opts, positional, i = {}, [], 2
while i < len(args):
    if args[i].startswith("--"):
        opts[args[i]] = args[i + 1]
        i += 2
    else:
        positional.append(args[i])
        i += 1
region = opts.get("--region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(json.dumps({"argv": args, "service": service, "op": op, "region": region, "opts": opts,
                          "positional": positional}) + "\n")
scenario = json.load(open(os.environ["FAKE_AWS_SCENARIO"]))


def not_found(operation, what):
    sys.stderr.write(f"\nAn error occurred (ResourceNotFoundException) when calling the {operation} "
                     f"operation: {what}\n")
    sys.exit(254)


if opts.get("--output") != "json":
    sys.stderr.write("fake aws: --output json expected\n")
    sys.exit(252)
if (service, op) == ("dynamodb", "describe-table"):
    table = scenario["tables"].get(region, {}).get(opts["--table-name"])
    if table is None:
        not_found("DescribeTable", f"Requested resource not found: Table: {opts['--table-name']} not found")
    print(json.dumps({"Table": table}))
elif (service, op) == ("lambda", "get-function-configuration"):
    fn = scenario["functions"].get(region, {}).get(opts["--function-name"])
    if fn is None:
        not_found("GetFunctionConfiguration", f"Function not found: arn:aws:lambda:{region}:123456789012:"
                  f"function:{opts['--function-name']}")
    print(json.dumps(fn["config"]))
elif (service, op) == ("lambda", "invoke"):
    fn = scenario["functions"].get(region, {}).get(opts["--function-name"])
    if fn is None:
        not_found("Invoke", f"Function not found: arn:aws:lambda:{region}:123456789012:"
                  f"function:{opts['--function-name']}")
    if opts.get("--cli-binary-format") != "raw-in-base64-out" or len(positional) != 1:
        sys.stderr.write("fake aws: invoke needs --cli-binary-format raw-in-base64-out and one outfile\n")
        sys.exit(252)
    with open(positional[0], "w") as out:
        json.dump(fn["payload"], out)
    print(json.dumps(fn["response"]))
else:
    sys.stderr.write(f"fake aws: {service} {op} is not played\n")
    sys.exit(252)
'''


def zip_sha256(name: str) -> str:
    return hashlib.sha256(f"zip of {name}".encode()).hexdigest()


def code_sha256(hex_digest: str) -> str:
    """Lambda's CodeSha256: the base64 of the raw sha256 (not of its hex)."""
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()


def write_manifest(directory: Path) -> Path:
    entries = [{"name": n, "architecture": ARCH, "file": f"dist/{n}.zip", "sha256": zip_sha256(n), "size": 10}
               for n in HANDLERS]
    path = directory / "manifest.json"
    path.write_text(json.dumps(entries, indent=2))
    return path


def answer(status="OK") -> dict:
    """connect-lookup's answer to the fixture (Parameters.region apac-nz): open, no holiday."""
    return {"status": status, "region": "apac-nz", "date": "2026-12-01", "localTime": "10:15",
            "timezone": "Pacific/Auckland", "isHoliday": "false", "holidayName": "", "holidayMessage": "",
            "isOpen": "true", "openTime": "09:00", "closeTime": "17:00", "message": ""}


# The fields smoke.sh compares between the home and the secondary answers, and those it leaves out.
COMPARED = ("status", "region", "timezone", "isHoliday", "holidayName", "holidayMessage", "openTime",
            "closeTime", "date")
NOT_COMPARED = ("localTime", "isOpen")


def function(name: str, region: str, status="OK") -> dict:
    full = f"{PREFIX}-{name}"
    return {"config": {"FunctionName": full,
                       "FunctionArn": f"arn:aws:lambda:{region}:{ACCOUNT}:function:{full}",
                       "Runtime": "provided.al2023", "Handler": "bootstrap", "State": "Active",
                       "LastUpdateStatus": "Successful", "CodeSha256": code_sha256(zip_sha256(name)),
                       "Architectures": [ARCH]},
            "response": {"StatusCode": 200, "ExecutedVersion": "$LATEST"},
            "payload": answer(status)}


def table(region: str, replicas: list[str]) -> dict:
    name = f"{PREFIX}-config"
    t = {"TableName": name, "TableStatus": "ACTIVE",
         "TableArn": f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"}
    if replicas:
        t["GlobalTableVersion"] = "2019.11.21"
        t["Replicas"] = [{"RegionName": r, "ReplicaStatus": "ACTIVE",
                          "ReplicaArn": f"arn:aws:dynamodb:{r}:{ACCOUNT}:table/{name}"} for r in replicas]
    return t


def scenario(secondary: bool) -> dict:
    """A healthy deployment: every function in the home region; with secondary, the global
    table's replica in SECOND and connect-lookup there."""
    s = {"functions": {HOME: {f"{PREFIX}-{n}": function(n, HOME) for n in HANDLERS}},
         "tables": {HOME: {f"{PREFIX}-config": table(HOME, [SECOND] if secondary else [])}}}
    if secondary:
        s["functions"][SECOND] = {f"{PREFIX}-connect-lookup": function("connect-lookup", SECOND)}
        s["tables"][SECOND] = {f"{PREFIX}-config": table(SECOND, [HOME])}
    return s


class Smoke(unittest.TestCase):
    manifest: Path
    bin: Path

    @classmethod
    def setUpClass(cls):
        cls.bin = TMP / "bin"
        cls.bin.mkdir()
        aws = cls.bin / "aws"
        aws.write_text(f"#!{sys.executable}\n{FAKE_AWS}")
        aws.chmod(0o755)
        cls.manifest = write_manifest(TMP)

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(dir=TMP))
        self.log = self.dir / "calls.jsonl"

    def smoke(self, s: dict, *args: str, extra_env: dict | None = None):
        path = self.dir / "scenario.json"
        path.write_text(json.dumps(s))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SMOKE_"))}
        env.update({"PATH": f"{self.bin}:{os.environ['PATH']}", "AWS_REGION": HOME, "AWS_DEFAULT_REGION": HOME,
                    "FAKE_AWS_SCENARIO": str(path), "FAKE_AWS_LOG": str(self.log),
                    "SMOKE_MANIFEST": str(self.manifest), **(extra_env or {})})
        p = subprocess.run(["bash", str(SMOKE_SH), PREFIX, *args], capture_output=True, text=True,
                           env=env, timeout=120)
        for line in p.stdout.splitlines():
            self.assertRegex(line, r"^(ok   |FAIL )\S", p.stdout)
        return p

    def calls(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def fails(self, p) -> list[str]:
        return [l for l in p.stdout.splitlines() if l.startswith("FAIL")]

    def assertReadOnly(self):
        ops = {(c["service"], c["op"]) for c in self.calls()}
        self.assertLessEqual(ops, {("lambda", "get-function-configuration"), ("lambda", "invoke"),
                                   ("dynamodb", "describe-table")})

    # ---- one region

    def test_one_region_all_good(self):
        for args in ((), ("",)):
            self.log.unlink(missing_ok=True)
            p = self.smoke(scenario(False), *args)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            self.assertEqual(self.fails(p), [])
            calls = self.calls()
            self.assertTrue(calls)
            self.assertFalse(any("--region" in c["opts"] for c in calls), calls)
            self.assertEqual({c["region"] for c in calls}, {HOME})
            self.assertEqual(sorted(c["opts"]["--function-name"] for c in calls
                                    if c["op"] == "get-function-configuration"),
                             sorted(f"{PREFIX}-{n}" for n in HANDLERS))
            self.assertEqual([c["opts"]["--function-name"] for c in calls if c["op"] == "invoke"],
                             [f"{PREFIX}-connect-lookup"])
            self.assertFalse(any(c["service"] == "dynamodb" for c in calls), "no table check without a region")
            self.assertIn("ok   connect-lookup answered OK", p.stdout)
            self.assertIn(f"ok   {PREFIX}-ingest Active {code_sha256(zip_sha256('ingest'))} expected", p.stdout)
            self.assertNotIn(SECOND, p.stdout)
            self.assertReadOnly()

    def test_one_region_wrong_code(self):
        s = scenario(False)
        s["functions"][HOME][f"{PREFIX}-notify"]["config"]["CodeSha256"] = code_sha256(zip_sha256("other"))
        p = self.smoke(s)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(len(self.fails(p)), 1, p.stdout)
        self.assertTrue(self.fails(p)[0].startswith(f"FAIL {PREFIX}-notify "), p.stdout)

    # ---- the secondary region

    def test_second_region_all_good(self):
        p = self.smoke(scenario(True), SECOND)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [])
        calls = self.calls()
        secondary = [c for c in calls if c["opts"].get("--region")]
        self.assertTrue(secondary)
        self.assertTrue(all(c["opts"]["--region"] == SECOND and c["region"] == SECOND for c in secondary), calls)
        # the secondary calls: the replica, the function's configuration, the invoke
        self.assertEqual(sorted((c["service"], c["op"]) for c in secondary),
                         [("dynamodb", "describe-table"), ("lambda", "get-function-configuration"),
                          ("lambda", "invoke")])
        self.assertTrue(all(c["opts"].get("--function-name", f"{PREFIX}-connect-lookup") == f"{PREFIX}-connect-lookup"
                            and c["opts"].get("--table-name", f"{PREFIX}-config") == f"{PREFIX}-config"
                            for c in secondary), secondary)
        invokes = [c for c in calls if c["op"] == "invoke"]
        self.assertEqual([c["region"] for c in invokes], [HOME, SECOND])
        # The fixture's question, pinned to one instant (today, UTC, 12:00) for both regions.
        pinned = json.loads(EVENT.read_text())
        pinned["Details"]["Parameters"].update(
            date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"), time="12:00")
        for c in invokes:
            self.assertEqual(json.loads(c["opts"]["--payload"]), pinned)
        # the home table was read in the home region (no --region), for its Replicas
        home_tables = [c for c in calls if c["service"] == "dynamodb" and "--region" not in c["opts"]]
        self.assertEqual([(c["region"], c["opts"]["--table-name"]) for c in home_tables], [(HOME, f"{PREFIX}-config")])
        # the home checks are unchanged: still without --region
        self.assertEqual(len([c for c in calls if c["op"] == "get-function-configuration" and c["region"] == HOME]),
                         len(HANDLERS))
        self.assertIn(f"ok   {PREFIX}-connect-lookup in {SECOND} Active", p.stdout)
        self.assertIn(f"ok   {PREFIX}-config in {SECOND} is ACTIVE", p.stdout)
        self.assertIn(f"lists a replica in {SECOND}: ACTIVE", p.stdout)
        self.assertIn(f"ok   connect-lookup in {SECOND} answered OK, the same answer as at home: it read the replica "
                      f"in {SECOND} and found what the home table holds", p.stdout)
        self.assertReadOnly()

    def lookup_answers(self, s: dict, home: dict, there: dict):
        s["functions"][HOME][f"{PREFIX}-connect-lookup"]["payload"] = home
        s["functions"][SECOND][f"{PREFIX}-connect-lookup"]["payload"] = there

    def test_second_region_unknown_region_in_both(self):
        """The fixture's region unknown at home and in the replica alike: they agree."""
        s = scenario(True)
        unknown = {**{k: "" for k in answer()}, "status": "UNKNOWN_REGION", "region": "apac-nz",
                   "message": "the region has neither a time zone nor opening hours"}
        self.lookup_answers(s, unknown, dict(unknown))
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [])
        self.assertIn("ok   connect-lookup answered UNKNOWN_REGION", p.stdout)
        self.assertIn(f"ok   connect-lookup in {SECOND} answered UNKNOWN_REGION, the same answer as at home", p.stdout)

    def test_secondary_unknown_region_while_home_ok(self):
        """The read was allowed but the replica lacks the region's items: not a pass any more."""
        s = scenario(True)
        unknown = {**{k: "" for k in answer()}, "status": "UNKNOWN_REGION", "region": "apac-nz",
                   "message": "the region has neither a time zone nor opening hours"}
        self.lookup_answers(s, answer(), unknown)
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("ok   connect-lookup answered OK", p.stdout, "the home lookup is fine")
        fails = self.fails(p)
        self.assertEqual(len(fails), 1, p.stdout)
        line = fails[0]
        self.assertTrue(line.startswith(f"FAIL connect-lookup in {SECOND} answered UNKNOWN_REGION: the replica in "
                                        f"{SECOND} does not hold what the home table holds: "), line)
        self.assertIn(f'status: home "OK", {SECOND} "UNKNOWN_REGION"', line)
        for field in ("date", "timezone", "isHoliday", "openTime", "closeTime"):
            self.assertIn(f'{field}: home "{answer()[field]}", {SECOND} ""', line)
        for field in ("region", "holidayName", "holidayMessage", *NOT_COMPARED, "message"):
            self.assertNotIn(f"{field}:", line, "only the differing compared fields are named")
        self.assertIn("may still be replicating", line)
        self.assertIn("re-run", line)

    def test_secondary_same_answer(self):
        s = scenario(True)
        self.lookup_answers(s, answer(), answer())
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [])

    def test_secondary_differs_only_in_local_time_and_is_open(self):
        """A minute boundary between the two calls: the local time and whether it is open change."""
        s = scenario(True)
        later = {**answer(), "localTime": "17:00", "isOpen": "false"}
        self.lookup_answers(s, {**answer(), "localTime": "16:59"}, later)
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [])
        self.assertIn(f"ok   connect-lookup in {SECOND} answered OK, the same answer as at home", p.stdout)

    def test_secondary_differs_in_open_time(self):
        s = scenario(True)
        self.lookup_answers(s, answer(), {**answer(), "openTime": "08:00"})
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [
            f"FAIL connect-lookup in {SECOND} answered OK: the replica in {SECOND} does not hold what the home "
            f'table holds: openTime: home "09:00", {SECOND} "08:00" (a change made seconds before may still be '
            f"replicating: re-run)"], p.stdout)

    def test_secondary_differs_in_each_compared_field(self):
        for field in COMPARED:
            s = scenario(True)
            self.lookup_answers(s, answer(), {**answer(), field: "something else"})
            p = self.smoke(s, SECOND)
            self.assertEqual(p.returncode, 1, field)
            self.assertEqual(len(self.fails(p)), 1, p.stdout)
            self.assertIn(f'{field}: home "{answer()[field]}", {SECOND} "something else"', self.fails(p)[0])
        for field in NOT_COMPARED + ("message",):
            s = scenario(True)
            self.lookup_answers(s, answer(), {**answer(), field: "something else"})
            p = self.smoke(s, SECOND)
            self.assertEqual(p.returncode, 0, field + p.stdout)

    def test_secondary_lacks_a_field(self):
        s = scenario(True)
        there = answer()
        del there["holidayName"]
        self.lookup_answers(s, answer(), there)
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f'holidayName: home "", {SECOND} null', self.fails(p)[0])

    def test_home_lookup_error_is_the_home_fail_only(self):
        """The home answer ERROR fails the home check; the secondary one is then not compared."""
        s = scenario(True)
        s["functions"][HOME][f"{PREFIX}-connect-lookup"]["payload"] = {
            **{k: "" for k in answer()}, "status": "ERROR", "region": "apac-nz"}
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), ["FAIL connect-lookup answered ERROR"], p.stdout)
        self.assertIn(f"ok   connect-lookup in {SECOND} answered OK (not compared: no home answer to compare with)",
                      p.stdout)
        self.assertEqual([c["region"] for c in self.calls() if c["op"] == "invoke"], [HOME, SECOND])

    def test_home_lookup_missing_secondary_not_compared(self):
        """An aws error at home (no answer at all): the home FAIL, and the secondary not compared."""
        s = scenario(True)
        del s["functions"][HOME][f"{PREFIX}-connect-lookup"]
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"ok   connect-lookup in {SECOND} answered OK (not compared", p.stdout)
        self.assertNotIn("Traceback", p.stderr)

    def test_smoke_event_is_the_payload_of_both_invokes(self):
        event = {"Name": "ContactFlowEvent", "Details": {"ContactData": {"Attributes": {}},
                                                         "Parameters": {"region": "emea-uk", "date": "2026-12-25"}}}
        path = self.dir / "event.json"
        path.write_text(json.dumps(event))
        p = self.smoke(scenario(True), SECOND, extra_env={"SMOKE_EVENT": str(path)})
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        invokes = [c for c in self.calls() if c["op"] == "invoke"]
        self.assertEqual([c["region"] for c in invokes], [HOME, SECOND])
        # Its own date is kept; the time it leaves out is pinned, the same for both regions.
        event["Details"]["Parameters"]["time"] = "12:00"
        self.assertEqual([json.loads(c["opts"]["--payload"]) for c in invokes], [event, event])

    def test_replica_not_active_in_home_table(self):
        for status in ("CREATING", "REGION_DISABLED"):
            s = scenario(True)
            s["tables"][HOME][f"{PREFIX}-config"]["Replicas"][0]["ReplicaStatus"] = status
            p = self.smoke(s, SECOND)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertEqual(self.fails(p), [f"FAIL {PREFIX}-config (home) lists a replica in {SECOND}: {status}"],
                             p.stdout)

    def test_no_replica_in_home_table(self):
        s = scenario(True)
        s["tables"][HOME][f"{PREFIX}-config"]["Replicas"] = [
            {"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}]
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [f"FAIL {PREFIX}-config (home) lists a replica in {SECOND}: no such replica"],
                         p.stdout)
        del s["tables"][HOME][f"{PREFIX}-config"]["Replicas"]  # a table that is not global at all
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"FAIL {PREFIX}-config (home) lists a replica in {SECOND}: no such replica", p.stdout)

    def test_replica_table_not_active(self):
        s = scenario(True)
        s["tables"][SECOND][f"{PREFIX}-config"]["TableStatus"] = "UPDATING"
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [f"FAIL {PREFIX}-config in {SECOND} is UPDATING"], p.stdout)

    def test_no_replica_table_in_second_region(self):
        s = scenario(True)
        del s["tables"][SECOND]
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(len(self.fails(p)), 1, p.stdout)
        self.assertTrue(self.fails(p)[0].startswith(f"FAIL {PREFIX}-config in {SECOND} - ")
                        and "ResourceNotFoundException" in self.fails(p)[0], p.stdout)
        self.assertIn(f"ok   {PREFIX}-config (home) lists a replica in {SECOND}: ACTIVE", p.stdout)
        self.assertIn(f"ok   connect-lookup in {SECOND} answered OK", p.stdout, "the other checks still ran")

    def test_secondary_lookup_answers_error(self):
        s = scenario(True)
        s["functions"][SECOND][f"{PREFIX}-connect-lookup"]["payload"]["status"] = "ERROR"
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [f"FAIL connect-lookup in {SECOND} answered ERROR "
                                         f"(it could not read the replica in {SECOND})"], p.stdout)
        self.assertIn("ok   connect-lookup answered OK", p.stdout, "the home lookup is fine")

    def test_secondary_lookup_function_error(self):
        s = scenario(True)
        fn = s["functions"][SECOND][f"{PREFIX}-connect-lookup"]
        fn["response"]["FunctionError"] = "Unhandled"
        fn["payload"] = {"errorType": "Runtime.ExitError", "errorMessage": "exited"}
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(len(self.fails(p)), 1, p.stdout)
        self.assertIn(f"connect-lookup in {SECOND}", self.fails(p)[0])
        self.assertIn("function error: Unhandled", self.fails(p)[0])

    def test_secondary_code_differs_from_manifest(self):
        s = scenario(True)
        other = code_sha256(hashlib.sha256(b"an older zip").hexdigest())
        s["functions"][SECOND][f"{PREFIX}-connect-lookup"]["config"]["CodeSha256"] = other
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        want = code_sha256(zip_sha256("connect-lookup"))
        self.assertEqual(self.fails(p), [f"FAIL {PREFIX}-connect-lookup in {SECOND} Active {other} expected {want}"],
                         p.stdout)
        self.assertIn(f"ok   {PREFIX}-connect-lookup Active {want}", p.stdout, "the home one is right")

    def test_secondary_state_and_architecture(self):
        for field, value in (("State", "Pending"), ("Architectures", ["x86_64"])):
            s = scenario(True)
            s["functions"][SECOND][f"{PREFIX}-connect-lookup"]["config"][field] = value
            p = self.smoke(s, SECOND)
            self.assertEqual(p.returncode, 1, field)
            self.assertEqual(len(self.fails(p)), 1, p.stdout)
            self.assertTrue(self.fails(p)[0].startswith(f"FAIL {PREFIX}-connect-lookup in {SECOND} "), p.stdout)

    def test_secondary_function_missing(self):
        s = scenario(True)
        del s["functions"][SECOND]
        p = self.smoke(s, SECOND)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        fails = self.fails(p)
        self.assertEqual(len(fails), 2, p.stdout)
        self.assertTrue(fails[0].startswith(f"FAIL {PREFIX}-connect-lookup in {SECOND} - ") and
                        "ResourceNotFoundException" in fails[0], p.stdout)
        self.assertTrue(fails[1].startswith(f"FAIL connect-lookup in {SECOND} - "), p.stdout)
        self.assertNotIn("Traceback", p.stderr)

    def test_nothing_written_to_dist(self):
        before = sorted((ROOT / "dist").rglob("*")) if (ROOT / "dist").exists() else None
        self.smoke(scenario(True), SECOND)
        after = sorted((ROOT / "dist").rglob("*")) if (ROOT / "dist").exists() else None
        self.assertEqual(before, after)

    def test_usage(self):
        p = subprocess.run(["bash", str(SMOKE_SH)], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("usage: smoke.sh FUNCTION_PREFIX [SECONDARY_REGION]", p.stderr)


def main() -> int:
    try:
        suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
        result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed{skipped}", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
