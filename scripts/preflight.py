#!/usr/bin/env python3
"""Read-only checks before a real `terraform apply` of one environment (make preflight ENV=dev).

    scripts/preflight.sh ENV                       (the wrapper: picks the pinned venv)
    .venv/preflight/bin/python scripts/preflight.py --env ENV
        [--tfvars terraform/ENV/terraform.tfvars] [--manifest dist/manifest.json]
        [--root terraform/ENV]

Uses the caller's AWS credentials and only read calls (sts:GetCallerIdentity,
lambda:GetAccountSettings, lambda:GetFunctionConcurrency, appflow:DescribeConnectorProfiles).
Each check prints `ok   ...`, `FAIL ...` (with what to do) or `warn ...`; the run ends with
`preflight: N passed, N failed` and exits 1 when anything failed. Then it prints the Salesforce
steps nobody can check from AWS.

This file is also the library of scripts/connector-profile.py (tfvars, JWT checks): keep its
import side-effect free. Nothing here prints a credential: the JWT is only ever decoded.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The AppFlow model's JwtToken shape (botocore data/appflow/2020-08-23/service-2.json): AWS
# matches the pattern against the whole value, so this module always uses fullmatch.
JWT_PATTERN = r"^([a-zA-Z0-9_=]+)\.([a-zA-Z0-9_=]+)\.([a-zA-Z0-9_\-\+\/=]*)"
JWT_MAX = 8000
JWT_WARN_DAYS = 30
AUD_PRODUCTION = "https://login.salesforce.com"
AUD_SANDBOX = "https://test.salesforce.com"
PROFILE_ENV = "TF_VAR_salesforce_jwt_token"
# Lambda keeps this much of the account's concurrency unreserved: 100, or the whole limit when
# the limit is below 100 (new accounts: 10), see minimum_unreserved().
LAMBDA_MIN_UNRESERVED = 100
LAMBDA_QUOTA_CODE = "L-B99A9384"  # Service Quotas: AWS Lambda "Concurrent executions"
MIN_TERRAFORM = (1, 11)
MIN_AWS_PROVIDER = (5, 100)


def ensure_venv(script: str, venv: str = "preflight", modules: tuple[str, ...] = ("boto3", "hcl2")) -> None:
    """Re-run `script` under the pinned venv `venv` (scripts/venv.sh) when `modules` are missing.
    Shared by the Python helpers (preflight, connector-profile, redrive)."""
    import importlib

    try:
        for module in modules:
            importlib.import_module(module)
        return
    except ImportError:
        pass
    flag = f"SFBRIDGE_{venv.upper()}_REEXEC"
    if os.environ.get(flag):
        sys.exit(f"{Path(script).name}: {'/'.join(modules)} missing even in the venv; run scripts/venv.sh {venv}")
    out = subprocess.run([str(ROOT / "scripts/venv.sh"), venv], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    os.environ[flag] = "1"
    python = str(Path(out) / "python")
    os.execv(python, [python, script, *sys.argv[1:]])


# ---------------------------------------------------------------------------------------------
# tfvars


class ConfigError(Exception):
    pass


def load_tfvars(path: Path) -> dict:
    """The environment's terraform.tfvars as plain Python values (python-hcl2, quotes stripped)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    try:
        text = path.read_text()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from e
    try:
        data = hcl2.loads(text, serialization_options=SerializationOptions(
            with_comments=False, strip_string_quotes=True))
    except Exception as e:  # lark's errors have no common base worth naming
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ConfigError(f"{path} is not valid HCL: {first}") from e
    return {k: _plain(v) for k, v in data.items() if not k.startswith("__")}


def _plain(value):
    if isinstance(value, dict):
        return {_unquote(k): _plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return _unquote(value)
    return value


def _unquote(s: str) -> str:
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        s = s[1:-1]
    if "\\" in s:
        try:
            s = json.loads(f'"{s}"')
        except ValueError:
            pass
    return s


def salesforce_settings(tfvars: dict, env: str) -> dict:
    sf = tfvars.get("salesforce")
    if not isinstance(sf, dict):
        raise ConfigError("tfvars has no `salesforce = { instance_url = ..., ... }` object")
    url = sf.get("instance_url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ConfigError("salesforce.instance_url must be the org's https:// My Domain URL")
    name = sf.get("connector_profile_name")
    return {
        "instance_url": url,
        "is_sandbox": bool(sf.get("is_sandbox", False)),
        # Terraform's salesforce.private_link: AppFlow reaches Salesforce over PrivateLink.
        "connection_mode": "Private" if sf.get("private_link") else "Public",
        "grant_type": sf.get("grant_type"),
        "named_profile": name if isinstance(name, str) and name else None,
        "profile_name": name if isinstance(name, str) and name else f"sfbridge-{env}",
    }


def reserved_concurrency(tfvars: dict) -> dict[str, int]:
    rc = tfvars.get("reserved_concurrency") or {}
    if not isinstance(rc, dict):
        raise ConfigError("reserved_concurrency must be a map of handler name -> units")
    out = {}
    for k, v in rc.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ConfigError(f"reserved_concurrency.{k} must be a whole number >= 0, not {v!r}")
        out[str(k)] = v
    return out


# ---------------------------------------------------------------------------------------------
# JWT (never printed: only its claims are read)


def _b64url_json(segment: str) -> dict:
    padded = segment.rstrip("=") + "=" * (-len(segment.rstrip("=")) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode()))


def check_jwt(token: str, is_sandbox: bool | None = None, now: float | None = None):
    """Returns (errors, warnings, claims). Checks the AppFlow pattern over the whole value, the
    length, the RS256 header, iss/sub, `exp` (expired = error, < 30 days = warning) and, when
    is_sandbox is given, `aud` (test.salesforce.com for a sandbox)."""
    now = time.time() if now is None else now
    errors: list[str] = []
    warnings: list[str] = []
    if not token:
        return ["the JWT is empty"], warnings, {}
    if len(token) > JWT_MAX:
        errors.append(f"the JWT is {len(token)} characters; AppFlow accepts at most {JWT_MAX}")
    if not re.fullmatch(JWT_PATTERN, token):
        hint = ""
        parts = token.split(".")
        if len(parts) == 3 and ("-" in parts[0] or "-" in parts[1]):
            hint = " (its header or payload contains '-': mint it with scripts/salesforce-jwt.sh)"
        elif any(c.isspace() for c in token):
            hint = " (it contains whitespace or a line break)"
        errors.append("the JWT does not match AppFlow's JwtToken pattern "
                      "^([a-zA-Z0-9_=]+)\\.([a-zA-Z0-9_=]+)\\.([a-zA-Z0-9_\\-\\+\\/=]*) over the whole value" + hint)
    parts = token.split(".")
    if len(parts) != 3:
        errors.append("the JWT must have three dot-separated parts")
        return errors, warnings, {}
    try:
        header = _b64url_json(parts[0])
        claims = _b64url_json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        errors.append("the JWT's header or payload is not base64url JSON")
        return errors, warnings, {}
    if not isinstance(header, dict) or header.get("alg") != "RS256":
        errors.append("the JWT is not signed with RS256 (the only algorithm Salesforce accepts)")
    if not isinstance(claims, dict):
        errors.append("the JWT payload is not a JSON object")
        return errors, warnings, {}
    for claim in ("iss", "sub", "aud"):
        if not isinstance(claims.get(claim), str) or not claims.get(claim):
            errors.append(f"the JWT has no `{claim}` claim")
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        errors.append("the JWT has no numeric `exp` claim")
    else:
        days = (exp - now) / 86400
        when = time.strftime("%Y-%m-%d", time.gmtime(exp))
        if days <= 0:
            errors.append(f"the JWT expired on {when}: mint a new one (scripts/salesforce-jwt.sh)")
        elif days < JWT_WARN_DAYS:
            warnings.append(f"the JWT expires in {days:.0f} days ({when}): mint a new one soon")
    if is_sandbox is not None and isinstance(claims.get("aud"), str):
        want = AUD_SANDBOX if is_sandbox else AUD_PRODUCTION
        if claims["aud"].rstrip("/") != want:
            errors.append(f"the JWT's aud is {claims['aud']}, but tfvars say is_sandbox = "
                          f"{str(is_sandbox).lower()} (aud must be {want}; --sandbox decides)")
    return errors, warnings, claims


def jwt_summary(claims: dict) -> str:
    exp = claims.get("exp")
    when = time.strftime("%Y-%m-%d", time.gmtime(exp)) if isinstance(exp, (int, float)) else "?"
    return f"iss={claims.get('iss')} sub={claims.get('sub')} aud={claims.get('aud')} exp={when}"


def redact(text: str, *secrets: str) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "<jwt>")
    return text


# ---------------------------------------------------------------------------------------------
# checks


def minimum_unreserved(limit: int) -> int:
    """Lambda refuses a reservation that takes UnreservedConcurrentExecutions below 100, or below
    the whole limit when the limit is under 100 ("Specified ReservedConcurrentExecutions for
    function decreases account's UnreservedConcurrentExecution below its minimum value of [10]"
    on a new account with a quota of 10): such an account can reserve nothing."""
    return min(LAMBDA_MIN_UNRESERVED, limit)


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text.split("-")[0])[:3])


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def ok(self, msg: str) -> None:
        self.passed += 1
        print(f"ok   {msg}", flush=True)

    def fail(self, msg: str) -> None:
        self.failed += 1
        print(f"FAIL {msg}", flush=True)

    def warn(self, msg: str) -> None:
        print(f"warn {msg}", flush=True)


def aws_session(max_attempts: int = 2):
    """A boto3 session whose clients retry little: a missing permission or an unreachable
    endpoint should answer now, not after minutes of back-off."""
    import boto3

    os.environ.setdefault("AWS_MAX_ATTEMPTS", str(max_attempts))
    os.environ.setdefault("AWS_RETRY_MODE", "standard")
    return boto3.session.Session()


def aws_error(e: Exception) -> str:
    from botocore.exceptions import ClientError
    if isinstance(e, ClientError):
        err = e.response.get("Error", {})
        code = err.get("Code") or e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        msg = (err.get("Message") or "").strip().splitlines()
        first = msg[0] if msg else ""
        if first.startswith("<"):  # an HTML page: not an AWS API (an emulator without it)
            first = "not an AWS API answer (no such operation at this endpoint?)"
        return f"{code}: {first}".rstrip(": ")
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


def check_identity(rep: Report, session, tfvars: dict) -> bool:
    """Caller account == account_id and configured region == region. Returns whether the AWS
    checks that follow make sense (right account)."""
    want_account = str(tfvars.get("account_id", ""))
    want_region = tfvars.get("region")
    configured = session.region_name
    if configured == want_region:
        rep.ok(f"configured region {configured} = tfvars region")
    else:
        rep.fail(f"configured region is {configured or 'not set'}, tfvars say {want_region}: "
                 f"export AWS_REGION={want_region} (or use the environment's profile)")
    try:
        ident = session.client("sts", region_name=want_region).get_caller_identity()
    except Exception as e:  # no credentials, expired session, network
        rep.fail(f"cannot call sts:GetCallerIdentity ({aws_error(e)}): sign in to the {want_account} "
                 "account (aws sso login / the deploy role) and run again")
        return False
    if ident["Account"] == want_account:
        rep.ok(f"caller {ident['Arn']} is in account {want_account}")
        return True
    rep.fail(f"the credentials are for account {ident['Account']}, tfvars account_id is {want_account}: "
             "switch to the environment's credentials (the provider's allowed_account_ids would refuse the apply)")
    return False


def check_concurrency(rep: Report, session, tfvars: dict, env: str, reserved: dict[str, int]) -> None:
    from botocore.exceptions import ClientError

    lam = session.client("lambda", region_name=tfvars.get("region"))
    need = sum(reserved.values())
    try:
        acct = lam.get_account_settings()["AccountLimit"]
        limit = int(acct["ConcurrentExecutions"])
        unreserved = int(acct["UnreservedConcurrentExecutions"])
    except Exception as e:
        say = rep.warn if need == 0 else rep.fail
        say(f"cannot read lambda:GetAccountSettings ({aws_error(e)}): "
            + ("nothing is reserved, so no apply depends on it" if need == 0 else
               f"cannot tell whether the {need} reserved units fit; allow lambda:GetAccountSettings and run again"))
        return
    if need == 0:
        rep.ok(f"no reserved concurrency requested (account limit {limit}, unreserved {unreserved})")
        return
    # A re-apply replaces this environment's own reservations: add them back.
    ours = 0
    for handler in reserved:
        try:
            got = lam.get_function_concurrency(FunctionName=f"sfbridge-{env}-{handler}")
            ours += int(got.get("ReservedConcurrentExecutions") or 0)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                rep.warn(f"cannot read lambda:GetFunctionConcurrency for sfbridge-{env}-{handler} ({aws_error(e)})")
    minimum = minimum_unreserved(limit)
    available = unreserved + ours - minimum
    detail = ", ".join(f"{k}={v}" for k, v in sorted(reserved.items()))
    if need <= available:
        rep.ok(f"reserved concurrency {need} ({detail}) fits: limit {limit}, unreserved {unreserved}"
               f"{f' (+{ours} already ours)' if ours else ''}, Lambda keeps {minimum} unreserved")
        return
    others = limit - unreserved - ours
    wanted = others + need + LAMBDA_MIN_UNRESERVED
    rep.fail(f"reserved concurrency {need} ({detail}) does not fit: account limit {limit}, unreserved "
             f"{unreserved}{f' (+{ours} already ours)' if ours else ''}, and Lambda keeps "
             f"{minimum} unreserved, so at most {max(available, 0)} can be reserved; the apply would fail with "
             "\"Specified ReservedConcurrentExecutions for function decreases account's "
             "UnreservedConcurrentExecution below its minimum value\". Request a quota increase "
             f"to at least {wanted} (Service Quotas > AWS Lambda > Concurrent executions, code "
             f"{LAMBDA_QUOTA_CODE}: aws service-quotas request-service-quota-increase --service-code lambda "
             f"--quota-code {LAMBDA_QUOTA_CODE} --desired-value {wanted}), or remove reserved_concurrency "
             "from the tfvars until it is granted")


def check_profile(rep: Report, session, tfvars: dict, sf: dict) -> None:
    name = sf["named_profile"]
    appflow = session.client("appflow", region_name=tfvars.get("region"))
    try:
        found = appflow.describe_connector_profiles(connectorProfileNames=[name])["connectorProfileDetails"]
    except Exception as e:
        rep.fail(f"cannot describe the connector profile {name} ({aws_error(e)})")
        return
    profile = next((p for p in found if p.get("connectorProfileName") == name), None)
    if profile is None:
        rep.fail(f"the AppFlow connector profile {name} does not exist in this account/region: create it "
                 f"with scripts/salesforce-jwt.sh ... | scripts/connector-profile.py --env {tfvars.get('environment')}")
        return
    problems = []
    if profile.get("connectorType") != "Salesforce":
        problems.append(f"connectorType is {profile.get('connectorType')}, not Salesforce")
    if profile.get("connectionMode") != sf["connection_mode"]:
        problems.append(f"connectionMode is {profile.get('connectionMode')}, tfvars say {sf['connection_mode']}")
    props = (profile.get("connectorProfileProperties") or {}).get("Salesforce") or {}
    if props.get("instanceUrl") and props["instanceUrl"].rstrip("/") != sf["instance_url"].rstrip("/"):
        problems.append(f"instanceUrl is {props['instanceUrl']}, tfvars say {sf['instance_url']}")
    if "isSandboxEnvironment" in props and bool(props["isSandboxEnvironment"]) != sf["is_sandbox"]:
        problems.append(f"isSandboxEnvironment is {props['isSandboxEnvironment']}, tfvars say {sf['is_sandbox']}")
    if problems:
        rep.fail(f"connector profile {name}: " + "; ".join(problems)
                 + f": update it with scripts/connector-profile.py --env {tfvars.get('environment')}")
    else:
        rep.ok(f"connector profile {name} exists (Salesforce, {props.get('instanceUrl', '?')}, "
               f"sandbox={str(props.get('isSandboxEnvironment', '?')).lower()}); AppFlow does not show its grant type "
               "or the JWT's expiry: it was set with JWT_BEARER by scripts/connector-profile.py")


def check_salesforce_config(rep: Report, session_ok: bool, session, tfvars: dict, env: str) -> None:
    try:
        sf = salesforce_settings(tfvars, env)
    except ConfigError as e:
        rep.fail(str(e))
        return
    grant = sf["grant_type"]
    if grant in (None, "JWT_BEARER"):
        rep.ok("salesforce.grant_type is JWT_BEARER" + (" (the variable's default)" if grant is None else ""))
    else:
        rep.fail(f"salesforce.grant_type is {grant}: AppFlow refuses CLIENT_CREDENTIALS for Salesforce "
                 'and AUTHORIZATION_CODE needs a person; set grant_type = "JWT_BEARER"')
    if sf["named_profile"]:
        if session_ok:
            check_profile(rep, session, tfvars, sf)
        else:
            rep.warn(f"connector profile {sf['named_profile']} not checked (no usable credentials for the account)")
        return
    token = os.environ.get(PROFILE_ENV, "")
    if not token:
        rep.fail(f"the tfvars name no connector_profile_name, so Terraform creates the profile from "
                 f"{PROFILE_ENV}, which is not set: export it from the secret store "
                 "(scripts/salesforce-jwt.sh mints it), or create the profile with "
                 "scripts/connector-profile.py and name it in salesforce.connector_profile_name")
        return
    token = token.strip()
    errors, warnings, claims = check_jwt(token, sf["is_sandbox"])
    for w in warnings:
        rep.warn(f"{PROFILE_ENV}: {w}")
    if errors:
        rep.fail(f"{PROFILE_ENV}: " + "; ".join(errors))
    else:
        rep.ok(f"{PROFILE_ENV} is a valid JWT for AppFlow ({jwt_summary(claims)}; value not shown)")


def check_manifest(rep: Report, manifest: Path, tfvars: dict, reserved: dict[str, int]) -> None:
    arch = tfvars.get("architecture", "arm64")
    if arch not in ("arm64", "x86_64"):
        rep.fail(f"tfvars architecture is {arch!r}: use arm64 or x86_64")
        return
    try:
        entries = json.loads(manifest.read_text())
    except FileNotFoundError:
        rep.fail(f"{manifest} does not exist: run make build-zips ARCH={arch} (or fetch the build job's dist/)")
        return
    except (OSError, ValueError) as e:
        rep.fail(f"{manifest} is not readable JSON ({e}): rebuild with make build-zips ARCH={arch}")
        return
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        rep.fail(f"{manifest} lists no zips: rebuild with make build-zips ARCH={arch}")
        return
    archs = sorted({str(e.get("architecture")) for e in entries})
    if archs != [arch]:
        rep.fail(f"{manifest} holds {'/'.join(archs)} zips, tfvars architecture is {arch}: "
                 f"rebuild with make build-zips ARCH={arch} (or change architecture in the tfvars)")
    else:
        rep.ok(f"{manifest.name}: {len(entries)} zips for {arch} = tfvars architecture")
    # Beside the manifest, where Terraform reads them (package_dir/<name>.zip).
    base = manifest.resolve().parent
    bad = []
    for e in entries:
        f = base / Path(str(e.get("file", ""))).name
        try:
            data = f.read_bytes()
        except OSError:
            bad.append(f"{e.get('file')} missing")
            continue
        if e.get("sha256") and hashlib.sha256(data).hexdigest() != e["sha256"]:
            bad.append(f"{e.get('file')} sha256 differs from the manifest")
    if bad:
        rep.fail("zips: " + "; ".join(bad) + f": rebuild with make build-zips ARCH={arch}")
    else:
        rep.ok("every zip in the manifest is present with its sha256")
    names = {str(e.get("name")) for e in entries}
    unknown = sorted(set(reserved) - names)
    if unknown:
        rep.fail(f"reserved_concurrency names {', '.join(unknown)}, which the manifest has no zip for "
                 f"(handlers: {', '.join(sorted(names))})")


def check_terraform(rep: Report, root: Path) -> None:
    exe = shutil.which("terraform")
    if not exe:
        rep.fail("terraform is not on PATH: install Terraform >= 1.11")
        return
    try:
        out = subprocess.run([exe, "version", "-json"], cwd=root if root.is_dir() else None,
                             capture_output=True, text=True, timeout=120, check=True).stdout
        info = json.loads(out)
    except (subprocess.SubprocessError, ValueError, OSError) as e:
        rep.fail(f"terraform version -json failed ({type(e).__name__}): check the Terraform install")
        return
    tv = str(info.get("terraform_version", "0"))
    if version_tuple(tv) >= MIN_TERRAFORM:
        rep.ok(f"terraform {tv} >= 1.11")
    else:
        rep.fail(f"terraform {tv} is older than the roots' required_version >= 1.11: install 1.11 or newer")
    providers = info.get("provider_selections") or {}
    aws = providers.get("registry.terraform.io/hashicorp/aws")
    if aws is None:
        rep.warn(f"{root} is not initialised, so the hashicorp/aws version is unknown: run terraform init "
                 "there (backend settings in terraform/dev/main.tf) and preflight again")
    elif version_tuple(str(aws)) >= MIN_AWS_PROVIDER:
        rep.ok(f"hashicorp/aws {aws} >= 5.100")
    else:
        rep.fail(f"hashicorp/aws {aws} is older than 5.100: terraform init -upgrade in {root}")


CHECKLIST = """\
Salesforce steps preflight cannot check (do them before the first apply, in this order):
  [ ] metadata deployed to the org with the certificate (the org allows "Access to OAuth
      Consumer Secrets via Metadata API"):
      scripts/salesforce-deploy.sh --cert <env certificate> --target-org <alias>
  [ ] an integration user exists and has the permission set sfbridge_Integration_User (it reads
      Config_Request__c.Needs_Sync__c, the catch-up flow's filter: deployed with the metadata)
  [ ] the External Client App sfbridge_AppFlow holds the certificate of the key the JWT is
      signed with (JWT bearer flow), and its policy pre-authorises the integration user
  [ ] the JWT is minted for that user and consumer key (scripts/salesforce-jwt.sh) and is in the
      connector profile (scripts/connector-profile.py) or in TF_VAR_salesforce_jwt_token"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Read-only checks before terraform apply (see the module doc).")
    ap.add_argument("--env", required=True, help="dev, staging or prod")
    ap.add_argument("--tfvars", type=Path, help="default terraform/ENV/terraform.tfvars")
    ap.add_argument("--manifest", type=Path, default=ROOT / "dist/manifest.json")
    ap.add_argument("--root", type=Path, help="the Terraform root, default terraform/ENV")
    args = ap.parse_args(argv)
    tfvars_path = args.tfvars or ROOT / "terraform" / args.env / "terraform.tfvars"
    root = args.root or ROOT / "terraform" / args.env

    print(f"preflight: {args.env} ({tfvars_path}), read-only", flush=True)
    rep = Report()
    try:
        tfvars = load_tfvars(tfvars_path)
    except ConfigError as e:
        rep.fail(str(e))
        print(f"preflight: {rep.passed} passed, {rep.failed} failed")
        return 1
    if tfvars.get("environment") not in (None, args.env):
        rep.fail(f"{tfvars_path} is for environment {tfvars.get('environment')}, not {args.env}")
    missing = [k for k in ("account_id", "region") if not tfvars.get(k)]
    if missing:
        rep.fail(f"{tfvars_path} lacks {', '.join(missing)}")
    elif not re.fullmatch(r"\d{12}", str(tfvars["account_id"])):
        rep.fail(f"account_id {tfvars['account_id']} is not a 12-digit AWS account id")
    try:
        reserved = reserved_concurrency(tfvars)
    except ConfigError as e:
        rep.fail(str(e))
        reserved = {}

    session = aws_session()
    session_ok = False
    if not missing:
        session_ok = check_identity(rep, session, tfvars)
    if session_ok:
        check_concurrency(rep, session, tfvars, args.env, reserved)
    else:
        rep.warn("Lambda concurrency not checked (no usable credentials for the account)")
    check_salesforce_config(rep, session_ok, session, tfvars, args.env)
    check_manifest(rep, args.manifest, tfvars, reserved)
    check_terraform(rep, root)
    print()
    print(CHECKLIST)
    print()
    print(f"preflight: {rep.passed} passed, {rep.failed} failed")
    return 1 if rep.failed else 0


if __name__ == "__main__":
    ensure_venv(__file__)
    sys.exit(main())
