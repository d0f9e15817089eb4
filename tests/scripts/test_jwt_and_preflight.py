#!/usr/bin/env python3
"""Tests of scripts/salesforce-jwt.sh, scripts/connector-profile.py and scripts/preflight.py.

Run through scripts/scripts-test.sh (starts moto with scripts/local-aws.sh run, picks the
pinned venv). Stdlib unittest; the AWS side is moto (STS) + scripts/fake-appflow.py (AppFlow,
validated against the botocore model) + a stub here for two Lambda read calls moto lacks:
moto 5.2.1 answers GetAccountSettings with a plain 404 (no such route), so the concurrency
arithmetic is tested against this stub, and the plain-moto answer is tested as "cannot tell".

Without AWS_ENDPOINT_URL (no moto) the AWS tests are skipped; without scripts/fake-appflow.py
the AppFlow ones are.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JWT_SH = ROOT / "scripts/salesforce-jwt.sh"
PROFILE_PY = ROOT / "scripts/connector-profile.py"
PREFLIGHT_PY = ROOT / "scripts/preflight.py"
FAKE = ROOT / "scripts/fake-appflow.py"
LOCAL_AWS_PY = ROOT / ".venv/local-aws/bin/python"
JWT_PATTERN = re.compile(r"^([a-zA-Z0-9_=]+)\.([a-zA-Z0-9_=]+)\.([a-zA-Z0-9_\-\+\/=]*)")
MOTO_ACCOUNT = "123456789012"
CLIENT_ID = "3MVG9test.consumer_key.ABCdef0123456789"
DAY = 86400

MOTO = os.environ.get("AWS_ENDPOINT_URL")
TMP = Path(tempfile.mkdtemp(prefix="sfbridge-scripts-test-"))


def run(cmd, *, env=None, stdin=None, check=False, timeout=180):
    full_env = dict(os.environ)
    full_env.update(env or {})
    for k, v in list(full_env.items()):
        if v is None:
            del full_env[k]
    p = subprocess.run([str(c) for c in cmd], input=stdin, capture_output=True, text=True,
                       env=full_env, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def b64url_json(seg: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unsigned_jwt(claims: dict, header=None) -> str:
    """A JWT with a dummy signature: enough for the checks made before any AWS call."""
    header = header or {"alg": "RS256", "typ": "JWT"}
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()),
                     b64url(b"not-a-signature-but-pattern-valid")])


def dashed_jwt(aud="https://test.salesforce.com") -> str:
    """A JWT whose payload holds '-' (a '>' lands on the third byte of a base64 group): the
    kind a generic JWT library can produce and AWS refuses."""
    for n in range(3):
        token = unsigned_jwt({"iss": CLIENT_ID, "sub": "a" * n + ">@x.com", "aud": aud,
                              "exp": int(time.time()) + 90 * DAY})
        if "-" in token.split(".")[1]:
            return token
    raise AssertionError("no alignment put '-' in the payload")


# ---- keys (made once by openssl, in a temp dir)

KEYS = TMP / "keys"


def make_keys():
    KEYS.mkdir(exist_ok=True)
    o = ["openssl"]
    run(o + ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", KEYS / "rsa.key"], check=True)
    run(o + ["req", "-new", "-x509", "-key", KEYS / "rsa.key", "-sha256", "-days", "30",
             "-subj", "/CN=sfbridge-test", "-out", KEYS / "rsa.crt"], check=True)
    run(o + ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", KEYS / "other.key"], check=True)
    run(o + ["req", "-new", "-x509", "-key", KEYS / "other.key", "-sha256", "-days", "30",
             "-subj", "/CN=other", "-out", KEYS / "other.crt"], check=True)
    run(o + ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", KEYS / "ec.key"], check=True)
    run(o + ["genpkey", "-algorithm", "ED25519", "-out", KEYS / "ed.key"], check=True)
    run(o + ["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", KEYS / "pss.key"], check=True)
    run(o + ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", KEYS / "small.key"], check=True)
    run(o + ["pkey", "-in", KEYS / "rsa.key", "-pubout", "-out", KEYS / "rsa.pub"], check=True)


def mint(*extra, user="integration@example.com.dev", key=None):
    p = run(["bash", JWT_SH, "--key", key or KEYS / "rsa.key", "--client-id", CLIENT_ID, "--user", user, *extra])
    if p.returncode != 0:
        raise AssertionError(f"mint failed: {p.stderr}")
    return p


# ---- the local AWS side

class LambdaStub:
    """GetAccountSettings and GetFunctionConcurrency, the two Lambda reads preflight makes."""

    def __init__(self):
        self.limit, self.unreserved, self.functions = 1000, 1000, {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                path = self.path.split("?")[0].rstrip("/")
                m = re.fullmatch(r"/2019-09-30/functions/([^/]+)/concurrency", path)
                if path == "/2016-08-19/account-settings":
                    self.reply(200, {"AccountLimit": {
                        "TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000,
                        "CodeSizeZipped": 52428800, "ConcurrentExecutions": stub.limit,
                        "UnreservedConcurrentExecutions": stub.unreserved},
                        "AccountUsage": {"TotalCodeSize": 0, "FunctionCount": len(stub.functions)}})
                elif m and m.group(1) in stub.functions:
                    self.reply(200, {"ReservedConcurrentExecutions": stub.functions[m.group(1)]})
                elif m:
                    self.reply(404, {"Type": "User", "Message": f"Function not found: {m.group(1)}"},
                               "ResourceNotFoundException")
                else:
                    self.reply(404, {"Message": "not stubbed"}, "ResourceNotFoundException")

            def reply(self, status, body, error=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def set(self, limit, unreserved, functions=None):
        self.limit, self.unreserved, self.functions = limit, unreserved, dict(functions or {})


FAKE_PROC = None
FAKE_URL = None
FAKE_LOG = TMP / "fake-appflow.log"
LAMBDA = None


def start_fake():
    global FAKE_PROC, FAKE_URL
    if not (MOTO and FAKE.exists() and LOCAL_AWS_PY.exists()):
        return
    port = free_port()
    FAKE_PROC = subprocess.Popen(
        [str(LOCAL_AWS_PY), str(FAKE), "--port", str(port), "--moto", MOTO, "--log", str(FAKE_LOG)],
        stdout=subprocess.PIPE, stderr=open(TMP / "fake-appflow.stderr", "w"), text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = FAKE_PROC.stdout.readline()
        if f"listening on 127.0.0.1:{port}" in line:
            FAKE_URL = f"http://127.0.0.1:{port}"
            threading.Thread(target=FAKE_PROC.stdout.read, daemon=True).start()
            return
        if not line and FAKE_PROC.poll() is not None:
            break
    FAKE_PROC.kill()
    FAKE_PROC = None
    print("fake-appflow did not start:", (TMP / "fake-appflow.stderr").read_text()[-2000:], file=sys.stderr)


def aws_env(**extra):
    env = {"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PROFILE": None,
           "TF_VAR_salesforce_jwt_token": None}
    if FAKE_URL:
        env["AWS_ENDPOINT_URL_APPFLOW"] = FAKE_URL
    if LAMBDA:
        env["AWS_ENDPOINT_URL_LAMBDA"] = LAMBDA.url
    env.update(extra)
    return env


def write_tfvars(name, *, account=MOTO_ACCOUNT, region="us-east-1", arch="arm64", env="dev",
                 profile: str | None = "", sandbox=True, reserved=None, grant="JWT_BEARER") -> Path:
    sf = [f'instance_url = "https://example--dev.sandbox.my.salesforce.com"',
          f"is_sandbox = {str(sandbox).lower()}"]
    if grant:
        sf.append(f'grant_type = "{grant}"')
    if profile:
        sf.append(f'connector_profile_name = "{profile}"')
    lines = [f'environment  = "{env}"', f'account_id   = "{account}"', f'region       = "{region}"',
             f'architecture = "{arch}"', "# a comment, as in the real files",
             f"salesforce   = {{ {', '.join(sf)} }}",
             'support_emails = ["sfbridge-support@example.com"]']
    if reserved is not None:
        lines.append("reserved_concurrency = {")
        lines += [f'  "{k}" = {v}' for k, v in reserved.items()]
        lines.append("}")
    path = TMP / f"{name}.tfvars"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_manifest(arch="arm64", names=("ingest", "status", "flow-guard")) -> Path:
    d = Path(tempfile.mkdtemp(dir=TMP)) / "dist"
    d.mkdir()
    entries = []
    for n in names:
        data = f"zip of {n}".encode()
        (d / f"{n}.zip").write_bytes(data)
        entries.append({"name": n, "architecture": arch, "file": f"dist/{n}.zip",
                        "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    (d / "manifest.json").write_text(json.dumps(entries, indent=2))
    return d / "manifest.json"


def python():
    return sys.executable


# =============================================================================================


class MintJwt(unittest.TestCase):
    def test_signature_verifies_with_the_certificate_and_claims(self):
        now = time.time()
        p = mint("--cert", KEYS / "rsa.crt")
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 1, "stdout holds only the JWT")
        jwt = lines[0]
        self.assertNotIn(jwt, p.stderr)
        head, payload, sig = jwt.split(".")
        pub = TMP / "cert.pub"
        run(["openssl", "x509", "-in", KEYS / "rsa.crt", "-noout", "-pubkey", "-out", pub], check=True)
        (TMP / "sig.bin").write_bytes(base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4)))
        (TMP / "input.txt").write_bytes(f"{head}.{payload}".encode())
        v = run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", TMP / "sig.bin", TMP / "input.txt"])
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        self.assertIn("Verified OK", v.stdout)
        # tampering breaks it
        (TMP / "input.txt").write_bytes(f"{head}.{payload}x".encode())
        self.assertNotEqual(run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature",
                                 TMP / "sig.bin", TMP / "input.txt"]).returncode, 0)
        self.assertEqual(b64url_json(head), {"alg": "RS256", "typ": "JWT"})
        claims = b64url_json(payload)
        self.assertEqual(claims["iss"], CLIENT_ID)
        self.assertEqual(claims["sub"], "integration@example.com.dev")
        self.assertEqual(claims["aud"], "https://login.salesforce.com")
        self.assertAlmostEqual(claims["exp"], now + 365 * DAY, delta=120)

    def test_sandbox_and_days(self):
        now = time.time()
        claims = b64url_json(mint("--sandbox", "--days", "7").stdout.strip().split(".")[1])
        self.assertEqual(claims["aud"], "https://test.salesforce.com")
        self.assertAlmostEqual(claims["exp"], now + 7 * DAY, delta=120)

    def test_every_mint_fully_matches_the_appflow_pattern(self):
        # '>' and '~' are the ASCII bytes that put '-' into base64url; put them at every
        # alignment, with a long and short username, many times.
        users = []
        for i in range(48):
            pad = "x" * (i % 7)
            users.append(f"{pad}a~b>c~~>>{'~' * (i % 3)}{'>' * (i % 4)}@example.com.{i}")
        users += ["plain@example.com", 'quote"back\\slash@example.com', "integration+sf@example.org.uat"]
        for user in users:
            jwt = mint("--sandbox", user=user).stdout.strip()
            self.assertTrue(JWT_PATTERN.fullmatch(jwt), f"{user}: {jwt}")
            self.assertLessEqual(len(jwt), 8000)
            head, payload, _ = jwt.split(".")
            self.assertNotIn("-", head + payload)
            self.assertEqual(b64url_json(payload)["sub"], user, "escaping keeps the claim's value")

    def test_unescaped_payload_would_not_match(self):
        # The reason for the escaping: '>' at the third byte of a group encodes to '-'.
        self.assertIn("-", b64url(b'ab>'))
        self.assertIn("-", b64url(b'ab~'))

    def test_keys_that_are_not_rsa_private_keys_are_refused(self):
        cases = {"ec.key": "not an RSA private key", "ed.key": "not an RSA private key",
                 "rsa.crt": "not a PEM private key", "rsa.pub": "not a PEM private key",
                 "small.key": "1024-bit", "pss.key": "RSA-PSS"}
        for name, why in cases.items():
            p = run(["bash", JWT_SH, "--key", KEYS / name, "--client-id", CLIENT_ID, "--user", "u@example.com"])
            self.assertNotEqual(p.returncode, 0, name)
            self.assertEqual(p.stdout, "", name)
            self.assertIn(why, p.stderr, name)

    def test_self_check(self):
        p = run(["bash", JWT_SH, "--self-check", "--key", KEYS / "rsa.key", "--cert", KEYS / "rsa.crt"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertIn("2048-bit RSA private key", p.stderr)
        p = run(["bash", JWT_SH, "--self-check", "--key", KEYS / "ec.key"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("not an RSA private key", p.stderr)

    def test_certificate_of_another_key_is_refused(self):
        p = run(["bash", JWT_SH, "--key", KEYS / "rsa.key", "--cert", KEYS / "other.crt",
                 "--client-id", CLIENT_ID, "--user", "u@example.com"])
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(p.stdout, "")
        self.assertIn("does not belong", p.stderr)

    def test_bad_arguments(self):
        for args in (["--days", "0"], ["--days", "-5"], ["--days", "x"], ["--user", "é@example.com"]):
            base = {"--key": str(KEYS / "rsa.key"), "--client-id": CLIENT_ID, "--user": "u@example.com"}
            base[args[0]] = args[1]
            cmd = ["bash", JWT_SH] + [x for kv in base.items() for x in kv]
            p = run(cmd)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(p.stdout, "", args)


class JwtChecks(unittest.TestCase):
    """preflight.check_jwt, used by both connector-profile.py and preflight.py."""

    @classmethod
    def setUpClass(cls):
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(ROOT / "scripts"))
        import preflight
        cls.pf = preflight

    def claims(self, **kw):
        c = {"iss": CLIENT_ID, "sub": "u@example.com", "aud": "https://test.salesforce.com",
             "exp": int(time.time()) + 100 * DAY}
        c.update(kw)
        return c

    def test_valid(self):
        errors, warnings, _ = self.pf.check_jwt(unsigned_jwt(self.claims()), True)
        self.assertEqual((errors, warnings), ([], []))

    def test_expired_soon_wrong_aud_dash_and_length(self):
        errors, _, _ = self.pf.check_jwt(unsigned_jwt(self.claims(exp=int(time.time()) - 60)), True)
        self.assertTrue(any("expired" in e for e in errors), errors)
        errors, warnings, _ = self.pf.check_jwt(unsigned_jwt(self.claims(exp=int(time.time()) + 10 * DAY)), True)
        self.assertEqual(errors, [])
        self.assertTrue(any("expires in 10 days" in w for w in warnings), warnings)
        errors, _, _ = self.pf.check_jwt(unsigned_jwt(self.claims()), False)
        self.assertTrue(any("aud" in e for e in errors), errors)
        errors, _, _ = self.pf.check_jwt(dashed_jwt(), True)
        self.assertTrue(any("pattern" in e for e in errors), errors)
        errors, _, _ = self.pf.check_jwt(unsigned_jwt(self.claims(pad="x" * 8000)), True)
        self.assertTrue(any("at most 8000" in e for e in errors), errors)
        errors, _, _ = self.pf.check_jwt("not a jwt", True)
        self.assertTrue(errors)
        errors, _, _ = self.pf.check_jwt(unsigned_jwt(self.claims(), {"alg": "HS256"}), True)
        self.assertTrue(any("RS256" in e for e in errors), errors)


@unittest.skipUnless(MOTO, "no AWS_ENDPOINT_URL (run through scripts/scripts-test.sh)")
class ConnectorProfile(unittest.TestCase):
    def setUp(self):
        if not FAKE_URL:
            self.skipTest("scripts/fake-appflow.py not available")

    def describe(self, name):
        import boto3
        client = boto3.client("appflow", region_name="us-east-1", endpoint_url=FAKE_URL)
        return client.describe_connector_profiles(connectorProfileNames=[name])["connectorProfileDetails"]

    def test_create_then_update(self):
        name = f"sfbridge-test-{uuid.uuid4().hex[:8]}"
        tfvars = write_tfvars("cp", profile=name)
        jwt = mint("--sandbox", "--days", "200").stdout.strip()
        p = run([python(), PROFILE_PY, "--env", "dev", "--tfvars", tfvars], stdin=jwt + "\n", env=aws_env())
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"created {name}", p.stdout)
        self.assertNotIn(jwt, p.stdout + p.stderr)
        for part in jwt.split("."):
            self.assertNotIn(part, p.stdout + p.stderr)
        found = self.describe(name)
        self.assertEqual(len(found), 1)
        prof = found[0]
        self.assertEqual(prof["connectorType"], "Salesforce")
        self.assertEqual(prof["connectionMode"], "Public")
        self.assertEqual(prof["connectorProfileProperties"]["Salesforce"],
                         {"instanceUrl": "https://example--dev.sandbox.my.salesforce.com", "isSandboxEnvironment": True})
        self.assertNotIn(jwt.split(".")[2], json.dumps(found, default=str), "no credential is echoed")
        created = prof["lastUpdatedAt"]

        jwt2 = mint("--sandbox", "--days", "300").stdout.strip()
        (TMP / "jwt2").write_text(jwt2)
        p = run([python(), PROFILE_PY, "--env", "dev", "--tfvars", tfvars, "--jwt-file", TMP / "jwt2"],
                env=aws_env())
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"updated {name}", p.stdout)
        self.assertNotIn(jwt2, p.stdout + p.stderr)
        prof = self.describe(name)[0]
        self.assertGreaterEqual(prof["lastUpdatedAt"], created)
        log = FAKE_LOG.read_text() if FAKE_LOG.exists() else ""
        self.assertNotIn(jwt.split(".")[2], log)
        self.assertNotIn(jwt2.split(".")[2], log)

    def test_default_name_and_check_mode(self):
        tfvars = write_tfvars("cp-default", profile=None)
        jwt = mint("--sandbox").stdout.strip()
        p = run([python(), PROFILE_PY, "--env", "dev", "--tfvars", tfvars, "--check"], stdin=jwt, env=aws_env())
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("would create sfbridge-dev", p.stdout)
        self.assertEqual(self.describe("sfbridge-dev"), [])

    def test_refusals_before_any_write(self):
        name = f"sfbridge-test-{uuid.uuid4().hex[:8]}"
        good = mint("--sandbox").stdout.strip()
        cases = [
            ("expired", write_tfvars("r1", profile=name),
             unsigned_jwt({"iss": CLIENT_ID, "sub": "u", "aud": "https://test.salesforce.com", "exp": int(time.time()) - 10}),
             {}, "expired"),
            ("aud", write_tfvars("r2", profile=name, sandbox=False), good, {}, "aud"),
            ("pattern", write_tfvars("r3", profile=name), dashed_jwt(), {}, "pattern"),
            ("account", write_tfvars("r4", profile=name, account="999999999999"), good, {}, "account"),
            ("region", write_tfvars("r5", profile=name, region="eu-west-2"), good, {}, "region"),
            ("grant", write_tfvars("r6", profile=name, grant="CLIENT_CREDENTIALS"), good, {}, "CLIENT_CREDENTIALS"),
        ]
        for label, tfvars, token, env, why in cases:
            p = run([python(), PROFILE_PY, "--env", "dev", "--tfvars", tfvars], stdin=token, env=aws_env(**env))
            self.assertNotEqual(p.returncode, 0, label)
            self.assertIn(why, p.stderr, label)
            self.assertNotIn(token.split(".")[2], p.stdout + p.stderr, label)
        self.assertEqual(self.describe(name), [], "nothing was created")


@unittest.skipUnless(MOTO, "no AWS_ENDPOINT_URL (run through scripts/scripts-test.sh)")
class Preflight(unittest.TestCase):
    profile = None

    @classmethod
    def setUpClass(cls):
        if not FAKE_URL:
            raise unittest.SkipTest("scripts/fake-appflow.py not available")
        cls.profile = f"sfbridge-pf-{uuid.uuid4().hex[:8]}"
        jwt = mint("--sandbox").stdout.strip()
        p = run([python(), PROFILE_PY, "--env", "dev", "--tfvars", write_tfvars("pf-setup", profile=cls.profile)],
                stdin=jwt, env=aws_env())
        assert p.returncode == 0, p.stdout + p.stderr
        cls.manifest = write_manifest("arm64")
        cls.tfroot = Path(tempfile.mkdtemp(dir=TMP))  # not initialised: a warn, not a failure

    def setUp(self):
        LAMBDA.set(1000, 1000)

    def preflight(self, tfvars, *, manifest=None, env=None, root=None):
        p = run([python(), PREFLIGHT_PY, "--env", "dev", "--tfvars", tfvars, "--manifest", manifest or self.manifest,
                 "--root", root or self.tfroot], env=aws_env(**(env or {})))
        last = p.stdout.strip().splitlines()[-1]
        self.assertRegex(last, r"^preflight: \d+ passed, \d+ failed$", p.stdout + p.stderr)
        for line in p.stdout.splitlines():
            if line.startswith(("ok ", "FAIL", "warn")):
                self.assertRegex(line, r"^(ok   |FAIL |warn )\S")
        return p

    def fails(self, p):
        return [l for l in p.stdout.splitlines() if l.startswith("FAIL")]

    def test_passing(self):
        p = self.preflight(write_tfvars("ok", profile=self.profile, reserved={"ingest": 5, "flow-guard": 1}))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.fails(p), [])
        self.assertRegex(p.stdout, r"preflight: \d+ passed, 0 failed")
        self.assertIn(f"ok   connector profile {self.profile} exists", p.stdout)
        self.assertIn("ok   reserved concurrency 6", p.stdout)
        self.assertIn("is not initialised", p.stdout)
        self.assertIn("sfbridge_Integration_User", p.stdout)
        self.assertIn("scripts/salesforce-deploy.sh --cert", p.stdout)

    def test_wrong_account(self):
        p = self.preflight(write_tfvars("acct", account="999999999999", profile=self.profile))
        self.assertEqual(p.returncode, 1)
        self.assertTrue(any(f"account {MOTO_ACCOUNT}" in l and "999999999999" in l for l in self.fails(p)), p.stdout)

    def test_wrong_region(self):
        p = self.preflight(write_tfvars("region", region="eu-west-2", profile=self.profile))
        self.assertEqual(p.returncode, 1)
        self.assertTrue(any("export AWS_REGION=eu-west-2" in l for l in self.fails(p)), p.stdout)

    def test_wrong_architecture(self):
        p = self.preflight(write_tfvars("arch", arch="x86_64", profile=self.profile))
        self.assertEqual(p.returncode, 1)
        self.assertTrue(any("ARCH=x86_64" in l for l in self.fails(p)), p.stdout)

    def test_missing_manifest_and_zip(self):
        p = self.preflight(write_tfvars("nomani", profile=self.profile), manifest=TMP / "nowhere/dist/manifest.json")
        self.assertTrue(any("does not exist" in l for l in self.fails(p)), p.stdout)
        m = write_manifest("arm64")
        (m.parent / "status.zip").unlink()
        p = self.preflight(write_tfvars("nozip", profile=self.profile), manifest=m)
        self.assertTrue(any("status.zip missing" in l for l in self.fails(p)), p.stdout)

    def test_missing_profile(self):
        p = self.preflight(write_tfvars("noprof", profile="sfbridge-no-such-profile"))
        self.assertEqual(p.returncode, 1)
        self.assertTrue(any("sfbridge-no-such-profile does not exist" in l for l in self.fails(p)), p.stdout)

    def test_profile_for_another_org(self):
        path = write_tfvars("otherorg", profile=self.profile, sandbox=False)
        p = self.preflight(path)
        self.assertTrue(any("isSandboxEnvironment" in l for l in self.fails(p)), p.stdout)

    def test_reservations_that_do_not_fit(self):
        # A new account: limit 10, all unreserved; Lambda keeps min(100, limit) = 10 unreserved.
        LAMBDA.set(10, 10)
        p = self.preflight(write_tfvars("rc-new", profile=self.profile, reserved={"ingest": 5}))
        self.assertEqual(p.returncode, 1)
        line = next(l for l in self.fails(p) if "reserved concurrency 5" in l)
        self.assertIn("at most 0 can be reserved", line)
        self.assertIn("L-B99A9384", line)
        self.assertIn("--desired-value 105", line)
        # limit 1000, 850 reserved elsewhere: 150 unreserved - 100 kept = 50 < 60
        LAMBDA.set(1000, 150)
        p = self.preflight(write_tfvars("rc-full", profile=self.profile, reserved={"ingest": 40, "status": 20}))
        self.assertTrue(any("at most 50 can be reserved" in l and "--desired-value 1010" in l
                            for l in self.fails(p)), p.stdout)
        # ... but 20 of those are already this environment's own (a re-apply): 150 + 20 - 100 = 70
        LAMBDA.set(1000, 150, {"sfbridge-dev-ingest": 20})
        p = self.preflight(write_tfvars("rc-ours", profile=self.profile, reserved={"ingest": 40, "status": 20}))
        self.assertEqual(self.fails(p), [], p.stdout)
        self.assertIn("(+20 already ours)", p.stdout)

    def test_reservation_for_unknown_handler(self):
        p = self.preflight(write_tfvars("rc-unknown", profile=self.profile, reserved={"nope": 1}))
        self.assertTrue(any("nope" in l and "no zip" in l for l in self.fails(p)), p.stdout)

    def test_plain_moto_has_no_account_settings(self):
        # moto 5.2.1 answers GetAccountSettings with 404: with reservations that is a FAIL
        # (cannot tell), without them a warn.
        env = {"AWS_ENDPOINT_URL_LAMBDA": None}
        p = self.preflight(write_tfvars("moto-rc", profile=self.profile, reserved={"ingest": 1}), env=env)
        self.assertTrue(any("GetAccountSettings" in l for l in self.fails(p)), p.stdout)
        p = self.preflight(write_tfvars("moto-norc", profile=self.profile), env=env)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("warn cannot read lambda:GetAccountSettings", p.stdout)

    def test_jwt_from_the_environment(self):
        tfvars = write_tfvars("envjwt", profile=None)
        p = self.preflight(tfvars)
        self.assertTrue(any("TF_VAR_salesforce_jwt_token, which is not set" in l for l in self.fails(p)), p.stdout)
        expired = unsigned_jwt({"iss": CLIENT_ID, "sub": "u", "aud": "https://test.salesforce.com",
                                "exp": int(time.time()) - DAY})
        p = self.preflight(tfvars, env={"TF_VAR_salesforce_jwt_token": expired})
        self.assertEqual(p.returncode, 1)
        self.assertTrue(any("expired" in l for l in self.fails(p)), p.stdout)
        self.assertNotIn(expired.split(".")[1], p.stdout + p.stderr)
        good = mint("--sandbox").stdout.strip()
        p = self.preflight(tfvars, env={"TF_VAR_salesforce_jwt_token": good})
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("ok   TF_VAR_salesforce_jwt_token is a valid JWT", p.stdout)
        self.assertNotIn(good.split(".")[2], p.stdout + p.stderr)
        soon = mint("--sandbox", "--days", "5").stdout.strip()
        p = self.preflight(tfvars, env={"TF_VAR_salesforce_jwt_token": soon})
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("warn TF_VAR_salesforce_jwt_token: the JWT expires in 5 days", p.stdout)

    def test_terraform_versions(self):
        fake_bin = Path(tempfile.mkdtemp(dir=TMP))
        tf = fake_bin / "terraform"
        tf.write_text('#!/bin/sh\necho \'{"terraform_version":"1.10.5","provider_selections":'
                      '{"registry.terraform.io/hashicorp/aws":"5.99.1"},"terraform_outdated":false}\'\n')
        tf.chmod(0o755)
        p = self.preflight(write_tfvars("tf-old", profile=self.profile),
                           env={"PATH": f"{fake_bin}:{os.environ['PATH']}"})
        fails = self.fails(p)
        self.assertTrue(any("terraform 1.10.5" in l for l in fails), p.stdout)
        self.assertTrue(any("hashicorp/aws 5.99.1" in l for l in fails), p.stdout)
        tf.write_text('#!/bin/sh\necho \'{"terraform_version":"1.11.4","provider_selections":'
                      '{"registry.terraform.io/hashicorp/aws":"5.100.0"}}\'\n')
        p = self.preflight(write_tfvars("tf-new", profile=self.profile),
                           env={"PATH": f"{fake_bin}:{os.environ['PATH']}"})
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("ok   hashicorp/aws 5.100.0 >= 5.100", p.stdout)

    def test_no_credentials(self):
        p = self.preflight(write_tfvars("nocreds", profile=self.profile),
                           env={"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
                                "AWS_SESSION_TOKEN": None, "AWS_SHARED_CREDENTIALS_FILE": str(TMP / "none"),
                                "AWS_CONFIG_FILE": str(TMP / "none"), "AWS_EC2_METADATA_DISABLED": "true"})
        self.assertEqual(p.returncode, 1)
        self.assertTrue(any("GetCallerIdentity" in l for l in self.fails(p)), p.stdout)

    def test_wrapper_rejects_unknown_env(self):
        p = run(["bash", ROOT / "scripts/preflight.sh", "qa"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)


def main() -> int:
    global LAMBDA
    make_keys()
    LAMBDA = LambdaStub()
    start_fake()
    try:
        suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
        result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    finally:
        if FAKE_PROC:
            FAKE_PROC.terminate()
            try:
                FAKE_PROC.wait(10)
            except subprocess.TimeoutExpired:
                FAKE_PROC.kill()
        LAMBDA.server.shutdown()
        shutil.rmtree(TMP, ignore_errors=True)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed{skipped}", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
