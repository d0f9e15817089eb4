#!/usr/bin/env python3
"""Creates or updates the environment's AppFlow Salesforce connector profile from a JWT, so the
JWT never passes through Terraform (no state, no plan file, no CI artifact) nor a log.

    scripts/salesforce-jwt.sh --key K.pem --client-id CONSUMER_KEY --user USER [--sandbox] \\
      | .venv/preflight/bin/python scripts/connector-profile.py --env dev
    .venv/preflight/bin/python scripts/connector-profile.py --env dev --jwt-file F

Options: --tfvars PATH (default terraform/ENV/terraform.tfvars), --kms-arn ARN (a customer key
for AppFlow's copy of the credentials; creation only: AppFlow cannot change it later),
--check (validate the JWT and the tfvars, call nothing that writes).

From the tfvars: salesforce.connector_profile_name (default sfbridge-ENV), instance_url,
is_sandbox; grant_type must be JWT_BEARER if set. The profile: connectorType Salesforce,
connectionMode Public (Private with salesforce.private_link), oAuth2GrantType JWT_BEARER.

Before any AWS call the JWT is checked against the AppFlow model's JwtToken pattern (whole
value), its length, its `exp` (refused when expired, a warning under 30 days) and `aud` against
is_sandbox. Then sts:GetCallerIdentity must show the tfvars account and the configured region
must be the tfvars region. The JWT is never printed; AWS error messages are printed with it
blanked out. Reads the JWT from --jwt-file, else stdin (without echo when stdin is a terminal).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no scripts/__pycache__ from importing the sibling below
sys.path.insert(0, str(Path(__file__).resolve().parent))
import preflight as pf  # noqa: E402  (scripts/preflight.py: tfvars and JWT checks)


def say(msg: str) -> None:
    print(f"connector-profile: {msg}", flush=True)


def refuse(msg: str, code: int = 1) -> int:
    print(f"connector-profile: refused: {msg}", file=sys.stderr, flush=True)
    return code


def read_jwt(path: Path | None) -> str:
    if path is not None:
        return path.read_text().strip()
    if sys.stdin.isatty():
        return getpass.getpass("JWT (not echoed): ").strip()
    return sys.stdin.read().strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Create/update the AppFlow Salesforce connector profile (JWT_BEARER).")
    ap.add_argument("--env", required=True, help="dev, staging or prod")
    ap.add_argument("--jwt-file", type=Path, help="file holding the JWT (default: stdin)")
    ap.add_argument("--tfvars", type=Path, help="default terraform/ENV/terraform.tfvars")
    ap.add_argument("--kms-arn", help="customer KMS key for the profile's credentials (creation only)")
    ap.add_argument("--check", action="store_true", help="validate only; no write call")
    args = ap.parse_args(argv)

    tfvars_path = args.tfvars or pf.ROOT / "terraform" / args.env / "terraform.tfvars"
    try:
        tfvars = pf.load_tfvars(tfvars_path)
        sf = pf.salesforce_settings(tfvars, args.env)
    except pf.ConfigError as e:
        return refuse(str(e), 2)
    if tfvars.get("environment") not in (None, args.env):
        return refuse(f"{tfvars_path} is for environment {tfvars.get('environment')}, not {args.env}", 2)
    account, region = str(tfvars.get("account_id", "")), tfvars.get("region")
    if not account or not region:
        return refuse(f"{tfvars_path} needs account_id and region", 2)
    if sf["grant_type"] not in (None, "JWT_BEARER"):
        return refuse(f"salesforce.grant_type is {sf['grant_type']}; this script only sets JWT_BEARER "
                      "(AppFlow refuses CLIENT_CREDENTIALS for Salesforce)", 2)
    name = sf["profile_name"]

    try:
        token = read_jwt(args.jwt_file)
    except OSError as e:
        return refuse(f"cannot read {args.jwt_file}: {e.strerror}", 2)
    errors, warnings, claims = pf.check_jwt(token, sf["is_sandbox"])
    if errors:
        return refuse("the JWT is not usable: " + "; ".join(errors), 2)
    for w in warnings:
        say(f"warning: {w}")
    say(f"JWT ok ({pf.jwt_summary(claims)}; {len(token)} chars, not shown)")

    session = pf.aws_session()
    if session.region_name != region:
        return refuse(f"the configured region is {session.region_name or 'not set'}, tfvars say {region}: "
                      f"export AWS_REGION={region}")
    try:
        ident = session.client("sts", region_name=region).get_caller_identity()
    except Exception as e:
        return refuse(f"sts:GetCallerIdentity failed ({pf.redact(pf.aws_error(e), token)}): "
                      f"sign in to account {account}")
    if ident["Account"] != account:
        return refuse(f"the credentials are for account {ident['Account']}, tfvars account_id is {account}")

    appflow = session.client("appflow", region_name=region)
    try:
        found = appflow.describe_connector_profiles(connectorProfileNames=[name])["connectorProfileDetails"]
    except Exception as e:
        return refuse(f"appflow:DescribeConnectorProfiles failed: {pf.redact(pf.aws_error(e), token)}")
    existing = next((p for p in found if p.get("connectorProfileName") == name), None)
    if existing is not None and existing.get("connectorType") != "Salesforce":
        return refuse(f"a profile named {name} exists with connectorType {existing.get('connectorType')}; "
                      "pick another salesforce.connector_profile_name")

    config = {
        "connectorProfileProperties": {"Salesforce": {
            "instanceUrl": sf["instance_url"],
            "isSandboxEnvironment": sf["is_sandbox"],
        }},
        "connectorProfileCredentials": {"Salesforce": {
            "oAuth2GrantType": "JWT_BEARER",
            "jwtToken": token,
        }},
    }
    verb = "update" if existing else "create"
    where = f"account {account}, {region}"
    if args.check:
        say(f"--check: would {verb} {name} in {where} (Salesforce, JWT_BEARER, {sf['instance_url']}, "
            f"sandbox={str(sf['is_sandbox']).lower()}); nothing written")
        return 0
    try:
        if existing:
            if args.kms_arn:
                say("note: --kms-arn only applies when the profile is created; the existing key stays")
            arn = appflow.update_connector_profile(
                connectorProfileName=name, connectionMode=sf["connection_mode"], connectorProfileConfig=config,
            )["connectorProfileArn"]
        else:
            extra = {"kmsArn": args.kms_arn} if args.kms_arn else {}
            arn = appflow.create_connector_profile(
                connectorProfileName=name, connectorType="Salesforce", connectionMode=sf["connection_mode"],
                connectorProfileConfig=config, **extra,
            )["connectorProfileArn"]
    except Exception as e:
        return refuse(f"appflow:{'Update' if existing else 'Create'}ConnectorProfile failed: "
                      f"{pf.redact(pf.aws_error(e), token)}")
    days = (claims["exp"] - time.time()) / 86400
    say(f"{verb}d {name} ({arn}) in {where}: Salesforce, JWT_BEARER, {sf['instance_url']}, "
        f"sandbox={str(sf['is_sandbox']).lower()}, connectionMode {sf['connection_mode']}; the JWT expires in "
        f"{days:.0f} days: mint and run this again before then")
    if not sf["named_profile"]:
        say(f'tfvars name no profile: set salesforce.connector_profile_name = "{name}" so Terraform '
            "uses this one instead of making its own from TF_VAR_salesforce_jwt_token")
    return 0


if __name__ == "__main__":
    pf.ensure_venv(__file__)
    sys.exit(main())
