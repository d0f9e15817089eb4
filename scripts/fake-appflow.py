#!/usr/bin/env python3
"""A strict local AppFlow endpoint (and a Lambda Invoke runner) for Terraform rehearsals.

moto has no AppFlow and cannot run Lambda code. This server sits next to moto so that a
`terraform apply` of the whole composition (connector profile, flows, and the
`aws_lambda_invocation` of flow-guard) succeeds locally, and fails where real AWS would fail.

    .venv/local-aws/bin/python scripts/fake-appflow.py --port P --moto http://127.0.0.1:M \
        [--bootstrap PATH] [--deny-first-start N] [--log FILE]

Routing is by the SigV4 credential scope of each request (`Credential=AK/DATE/REGION/SERVICE/...`):
  appflow -> the AppFlow emulation below (restJson1, routed by the botocore service model);
  lambda  -> forwarded to moto byte for byte, except Invoke, which runs `--bootstrap` against a
             Runtime API served here for that one invocation;
  s3      -> forwarded to moto, after a bucket notification configuration has been checked as
             S3 checks it (BucketNotifications) and with the gaps of MotoGaps filled;
  other   -> forwarded to moto.

One request is not AWS's: POST /_fake-appflow/run {"flowName", "region", "records"} plays one
run of an Active flow with an S3 destination on the given source records (the Salesforce side
moto cannot hold): the flow's Filter and Map tasks select and rename the fields, and the file is
written to the destination bucket through moto, whose own notifications then fire. See
AppFlow.run_to_s3.

Every AppFlow request is validated against the model's input shape (required, types, enums,
lengths, full-match patterns) and every answer is checked against the output shape, so what the
SDKs (Go: Terraform; Rust: flow-guard) read back is what AWS could send. On top of the model,
the preconditions AWS checks when a profile or flow is created, updated or started are
evaluated against the state held by moto (KMS keys, buckets, bucket policies, objects, event
buses). Where an exact AWS message is known, its source is cited next to the rule.

Python 3.11 stdlib + boto3/botocore (the local-aws venv). State is in memory only.
"""

import argparse
import base64
import fnmatch
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import boto3
import botocore.loaders
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

DEFAULT_ACCOUNT = "123456789012"  # moto's account
APPFLOW_PRINCIPAL = "appflow.amazonaws.com"
S3_PRINCIPAL = "s3.amazonaws.com"
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
INVOKE_RE = re.compile(r"^/2015-03-31/functions/([^/?]+)/invocations(?:\?.*)?$")
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
    "trailers", "transfer-encoding", "upgrade", "expect",
}
TAIL_BYTES = 4096
# Headers that describe a request body: dropped when the body is replaced before relaying.
BODY_HEADERS = {
    "content-length", "content-md5", "content-encoding", "x-amz-content-sha256",
    "x-amz-decoded-content-length", "x-amz-trailer", "x-amz-sdk-checksum-algorithm",
}


# --------------------------------------------------------------------------------------------
# Logging: one line per request / event. Never credentials: request bodies are not logged.
# --------------------------------------------------------------------------------------------

class Log:
    def __init__(self, path):
        self._lock = threading.Lock()
        self._file = open(path, "a", buffering=1, encoding="utf-8") if path else None

    def write(self, **fields):
        if not self._file:
            return
        fields = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **fields}
        line = json.dumps(fields, default=str)
        with self._lock:
            self._file.write(line + "\n")


LOG = Log(None)


# --------------------------------------------------------------------------------------------
# Errors, shaped the way restJson1 clients read them.
# --------------------------------------------------------------------------------------------

class AwsError(Exception):
    """An error answer. `code` must be an error shape of the model (its HTTP status is read from
    there), so the Go and Rust SDKs map it to their typed errors."""

    def __init__(self, code, message, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def validation(message):
    return AwsError("ValidationException", message)


# --------------------------------------------------------------------------------------------
# The service model and the generic validator.
# --------------------------------------------------------------------------------------------

# Java regex features the AppFlow model could use that Python's `re` lacks or spells otherwise.
# Java's \w, \d, \s are ASCII by default, so patterns compile with re.ASCII.
_JAVA_CLASSES = {
    r"\p{Alpha}": "a-zA-Z", r"\p{Digit}": "0-9", r"\p{Alnum}": "a-zA-Z0-9",
    r"\p{Upper}": "A-Z", r"\p{Lower}": "a-z", r"\p{XDigit}": "0-9a-fA-F",
    r"\p{Punct}": r"!-/:-@\[-`{-~", r"\p{Space}": r" \t\n\x0b\f\r", r"\p{ASCII}": r"\x00-\x7f",
    r"\p{Print}": r"\x20-\x7e", r"\p{Graph}": r"\x21-\x7e", r"\p{Cntrl}": r"\x00-\x1f\x7f",
    r"\p{L}": "a-zA-Z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff", r"\p{N}": "0-9",
}


def java_to_python_regex(pattern):
    """Translate the Java regex features Python spells differently."""
    # A UTF-16 surrogate-pair range (Java's way of saying "supplementary characters").
    p = pattern.replace(r"\uD800\uDC00-\uDBFF\uDFFF", r"\U00010000-\U0010FFFF")
    for java, py in _JAVA_CLASSES.items():
        inside = re.escape(java)
        # Inside a character class the translation is a bare range, outside it needs brackets.
        p = re.sub(r"(\[[^\]]*?)" + inside, lambda m, py=py: m.group(1) + py, p)
        p = p.replace(java, "[" + py + "]")
    return p.replace(r"\z", r"\Z")


class Model:
    def __init__(self):
        loader = botocore.loaders.Loader()
        self.raw = loader.load_service_model("appflow", "service-2")
        self.shapes = self.raw["shapes"]
        self.ops = self.raw["operations"]
        self._patterns = {}
        self._sensitive = {}
        self.routes = [self._route(name, op) for name, op in self.ops.items()]

    # ---- routing

    @staticmethod
    def _route(name, op):
        method, uri = op["http"]["method"], op["http"]["requestUri"].split("?")[0]
        regex = ""
        for part in re.split(r"(\{[^}]+\})", uri):
            if part.startswith("{"):
                label = part.strip("{}+")
                # A label at the end may hold '/' if a client does not escape it (ARNs do).
                regex += f"(?P<{label}>.+)" if uri.endswith(part) else f"(?P<{label}>[^/]+)"
            else:
                regex += re.escape(part)
        return method, re.compile("^" + regex + "$"), name

    def match(self, method, path):
        for m, regex, name in self.routes:
            hit = regex.match(path)
            if m == method and hit:
                return name, {k: urllib.parse.unquote(v) for k, v in hit.groupdict().items()}
        return None, None

    def error_status(self, code):
        return self.shapes.get(code, {}).get("error", {}).get("httpStatusCode", 400)

    def declared_errors(self, op):
        return {e["shape"] for e in self.ops[op].get("errors", [])}

    # ---- patterns

    def pattern(self, raw):
        if raw not in self._patterns:
            try:
                self._patterns[raw] = re.compile(java_to_python_regex(raw), re.ASCII)
            except re.error as exc:
                LOG.write(event="pattern-skipped", pattern=raw, error=str(exc))
                self._patterns[raw] = None
        return self._patterns[raw]

    def has_sensitive(self, shape_name, _seen=None):
        """Whether a shape is, or contains, a sensitive shape (its value must not be echoed)."""
        if shape_name in self._sensitive:
            return self._sensitive[shape_name]
        seen = _seen or set()
        if shape_name in seen:
            return False
        seen.add(shape_name)
        shape = self.shapes[shape_name]
        result = bool(shape.get("sensitive"))
        children = [m["shape"] for m in shape.get("members", {}).values()]
        children += [shape[k]["shape"] for k in ("member", "key", "value") if k in shape]
        result = result or any(self.has_sensitive(c, seen) for c in children)
        self._sensitive[shape_name] = result
        return result


class Validator:
    """Walks a value against a shape and collects AWS-style constraint messages.

    Paths are the model's member names joined with '.', list items as `name.N.member`
    (1-based), as AWS's validation messages spell them (e.g. 'humanLoopConfig.workteamArn').
    """

    def __init__(self, model, check_constraints=True):
        self.model = model
        self.check_constraints = check_constraints  # False: output check (types, required)
        self.errors = []

    def fail(self, shape_name, value, path, constraint):
        if self.model.has_sensitive(shape_name):
            shown = "***"
        elif isinstance(value, (dict, list)):
            shown = json.dumps(value, separators=(",", ":"))
        else:
            shown = value
        self.errors.append(f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}")

    def walk(self, shape_name, value, path):
        shape = self.model.shapes[shape_name]
        kind = shape["type"]
        check = getattr(self, "_" + kind, None)
        if check:
            check(shape_name, shape, value, path)

    def _structure(self, name, shape, value, path):
        if not isinstance(value, dict):
            return self.fail(name, value, path, "Member must be a structure")
        for req in shape.get("required", []):
            if value.get(req) is None:
                self.errors.append(
                    f"Value null at '{join(path, req)}' failed to satisfy constraint: "
                    "Member must not be null")
        for key, item in value.items():
            member = shape.get("members", {}).get(key)
            if member is not None and item is not None:  # unknown members are ignored
                self.walk(member["shape"], item, join(path, key))

    def _list(self, name, shape, value, path):
        if not isinstance(value, list):
            return self.fail(name, value, path, "Member must be a list")
        self._length(name, shape, value, path)
        for i, item in enumerate(value, 1):
            if item is not None:
                self.walk(shape["member"]["shape"], item, f"{path}.{i}.member")

    def _map(self, name, shape, value, path):
        if not isinstance(value, dict):
            return self.fail(name, value, path, "Member must be a map")
        self._length(name, shape, value, path)
        for key, item in value.items():
            self.walk(shape["key"]["shape"], key, f"{path}.key")
            if item is not None:
                self.walk(shape["value"]["shape"], item, f"{path}.value")

    def _string(self, name, shape, value, path):
        if not isinstance(value, str):
            return self.fail(name, value, path, "Member must be a string")
        if not self.check_constraints:
            return
        if "enum" in shape and value not in shape["enum"]:
            return self.fail(name, value, path,
                             "Member must satisfy enum value set: [" + ", ".join(shape["enum"]) + "]")
        self._length(name, shape, value, path)
        regex = self.model.pattern(shape["pattern"]) if "pattern" in shape else None
        if regex is not None and not regex.fullmatch(value):
            self.fail(name, value, path,
                      "Member must satisfy regular expression pattern: " + shape["pattern"])

    def _boolean(self, name, shape, value, path):
        if not isinstance(value, bool):
            self.fail(name, value, path, "Member must be a boolean")

    def _integer(self, name, shape, value, path):
        if isinstance(value, bool) or not isinstance(value, int):
            return self.fail(name, value, path, "Member must be an integer")
        self._range(name, shape, value, path)

    _long = _integer

    def _double(self, name, shape, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.fail(name, value, path, "Member must be a number")
        self._range(name, shape, value, path)

    _float = _double

    def _timestamp(self, name, shape, value, path):
        # restJson1 sends epoch seconds as a JSON number; tolerate an ISO string on input.
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(name, value, path, "Member must be a timestamp")

    def _blob(self, name, shape, value, path):
        if not isinstance(value, str):
            self.fail(name, value, path, "Member must be a base64 string")

    def _length(self, name, shape, value, path):
        if not self.check_constraints:
            return
        if "min" in shape and len(value) < shape["min"]:
            self.fail(name, value, path, f"Member must have length greater than or equal to {shape['min']}")
        if "max" in shape and len(value) > shape["max"]:
            self.fail(name, value, path, f"Member must have length less than or equal to {shape['max']}")

    def _range(self, name, shape, value, path):
        if not self.check_constraints:
            return
        if "min" in shape and value < shape["min"]:
            self.fail(name, value, path, f"Member must have value greater than or equal to {shape['min']}")
        if "max" in shape and value > shape["max"]:
            self.fail(name, value, path, f"Member must have value less than or equal to {shape['max']}")


def join(path, key):
    return f"{path}.{key}" if path else key


def shape_errors(model, op, direction, value):
    """The operation's input or output shape and what `value` breaks of it (no shape: none)."""
    shape = model.ops[op].get(direction, {}).get("shape")
    if not shape:
        return shape, []
    v = Validator(model)
    v.walk(shape, value, "")
    return shape, v.errors


def validate_input(model, op, value):
    _, errors = shape_errors(model, op, "input", value)
    if errors:
        n = len(errors)
        raise validation(f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(errors))


def check_output(model, op, value):
    """Our own answer must fit the output shape (types, required, and the same constraints as
    input) or the SDKs, and the provider's read-back into state, would trip on it."""
    shape, errors = shape_errors(model, op, "output", value)
    if errors:
        LOG.write(event="bad-output", op=op, errors=errors)
        raise AwsError("InternalServerException",
                       f"fake-appflow produced an answer that does not fit {shape}: {errors[:3]}")


# --------------------------------------------------------------------------------------------
# moto access
# --------------------------------------------------------------------------------------------

class Moto:
    def __init__(self, endpoint):
        self.endpoint = endpoint.rstrip("/")
        self._clients = {}
        self._lock = threading.Lock()

    def client(self, service, region):
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = boto3.client(
                    service, region_name=region, endpoint_url=self.endpoint,
                    aws_access_key_id="test", aws_secret_access_key="test",
                    config=BotoConfig(retries={"max_attempts": 1}, s3={"addressing_style": "path"}),
                )
            return self._clients[key]


def error_code(exc):
    return exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""


# --------------------------------------------------------------------------------------------
# Bucket policy evaluation (what AppFlow's service principal may do on a bucket)
# --------------------------------------------------------------------------------------------

# What AppFlow needs on an S3 bucket, from "Amazon S3 Bucket Policies for Amazon AppFlow",
# https://docs.aws.amazon.com/appflow/latest/userguide/s3-policies-management.html
SOURCE_ACTIONS = ["s3:ListBucket", "s3:GetObject"]
WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                 "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"]
BUCKET_LEVEL = {"s3:listbucket", "s3:listbucketmultipartuploads", "s3:getbucketacl"}


def as_list(v):
    return v if isinstance(v, list) else [v]


def principal_matches(statement, service=APPFLOW_PRINCIPAL):
    """Whether a statement applies to `service` (a service principal) calling."""
    if "NotPrincipal" in statement:
        return not _principal_in(statement["NotPrincipal"], service)
    return _principal_in(statement.get("Principal"), service)


def _principal_in(principal, service):
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return (service in as_list(principal.get("Service", [])) or
            "*" in as_list(principal.get("AWS", [])))


def action_matches(statement, action):
    def hit(patterns):
        return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in as_list(patterns))
    if "NotAction" in statement:
        return not hit(statement["NotAction"])
    return hit(statement.get("Action", []))


def resource_matches(statement, resource):
    def hit(patterns):
        return any(fnmatch.fnmatchcase(resource, p) for p in as_list(patterns))
    if "NotResource" in statement:
        return not hit(statement["NotResource"])
    return hit(statement.get("Resource", []))


def _string_like(value, pattern):
    return fnmatch.fnmatchcase(value, pattern)


# Condition operators (IAM reference: "IAM JSON policy elements: Condition operators").
_OPERATORS = {
    "StringEquals": lambda v, p: v == p,
    "StringNotEquals": lambda v, p: v != p,
    "StringEqualsIgnoreCase": lambda v, p: v.lower() == p.lower(),
    "StringNotEqualsIgnoreCase": lambda v, p: v.lower() != p.lower(),
    "StringLike": _string_like,
    "StringNotLike": lambda v, p: not _string_like(v, p),
    "ArnEquals": lambda v, p: v == p,
    "ArnNotEquals": lambda v, p: v != p,
    "ArnLike": _string_like,
    "ArnNotLike": lambda v, p: not _string_like(v, p),
    "Bool": lambda v, p: v.lower() == str(p).lower(),
}


def conditions_match(conditions, context):
    """All operators and keys of a Condition block must match (AND); the values listed for one
    key are alternatives (OR), and negated operators need all of them to hold."""
    ctx = {k.lower(): v for k, v in context.items()}
    for op_name, entries in (conditions or {}).items():
        if_exists = op_name.endswith("IfExists")
        base = op_name[:-len("IfExists")] if if_exists else op_name
        for key, wanted in entries.items():
            value = ctx.get(key.lower())
            if base == "Null":
                if (value is None) != (str(wanted).lower() == "true"):
                    return False
                continue
            test = _OPERATORS.get(base)
            if test is None:
                LOG.write(event="policy-operator-unsupported", operator=op_name)
                return False
            if value is None:
                if if_exists or "Not" in base:
                    continue
                return False
            results = [test(value, str(w)) for w in as_list(wanted)]
            if not (all(results) if "Not" in base else any(results)):
                return False
    return True


def policy_allows(policy, action, resource, context, service=APPFLOW_PRINCIPAL):
    """Explicit Deny wins; otherwise some Allow statement must match (for `service` calling)."""
    allowed = False
    for st in as_list(policy.get("Statement", [])):
        if not (principal_matches(st, service) and action_matches(st, action) and
                resource_matches(st, resource) and conditions_match(st.get("Condition"), context)):
            continue
        if st.get("Effect") == "Deny":
            return False
        if st.get("Effect") == "Allow":
            allowed = True
    return allowed


def folder(prefix):
    """AppFlow treats the bucket prefix as a folder ("you must place your source files inside a
    folder in your S3 bucket", https://docs.aws.amazon.com/appflow/latest/userguide/s3.html)."""
    prefix = (prefix or "").strip("/")
    return prefix + "/" if prefix else ""


# --------------------------------------------------------------------------------------------
# The AppFlow emulation
# --------------------------------------------------------------------------------------------

FLOW_ECHO = ["description", "kmsArn", "triggerConfig", "sourceFlowConfig",
             "destinationFlowConfigList", "tasks", "metadataCatalogConfig"]


class AppFlow:
    def __init__(self, model, moto, deny_first_start=0):
        self.model = model
        self.moto = moto
        self.lock = threading.RLock()
        self.profiles = {}  # (region, name) -> record
        self.flows = {}     # (region, name) -> record
        self.partner_sources = {}  # name -> {"flow":..., "in_moto": bool}
        self.deny_starts_left = deny_first_start

    # ---- dispatch

    def handle(self, op, params, ctx):
        handler = getattr(self, "op_" + op, None)
        if handler is None:
            raise AwsError("UnsupportedOperationException",
                           f"fake-appflow does not implement {op} (supported: "
                           + ", ".join(sorted(n[3:] for n in dir(self) if n.startswith("op_"))) + ")")
        validate_input(self.model, op, params)
        with self.lock:
            out = handler(params, ctx)
        check_output(self.model, op, out)
        return out

    # ---- helpers

    @staticmethod
    def account_for(params):
        """The account of the caller: moto's, unless an ARN in the request says otherwise."""
        for arn in (params.get("kmsArn"),):
            if arn and arn.count(":") >= 5 and arn.split(":")[4].isdigit():
                return arn.split(":")[4]
        return DEFAULT_ACCOUNT

    def check_kms(self, arn, ctx):
        region = arn.split(":")[3] or ctx["region"]
        try:
            meta = self.moto.client("kms", region).describe_key(KeyId=arn)["KeyMetadata"]
        except ClientError as exc:
            raise validation(f"The KMS key {arn} does not exist or AppFlow cannot use it "
                             f"({error_code(exc)}).")
        if meta.get("KeyState") != "Enabled":
            raise validation(f"The KMS key {arn} is {meta.get('KeyState')}; AppFlow needs an enabled key.")

    def profile(self, region, name):
        record = self.profiles.get((region, name))
        if record is None:
            raise AwsError("ResourceNotFoundException",
                           f"Connector profile {name} does not exist.")
        return record

    def flow(self, region, name):
        record = self.flows.get((region, name))
        if record is None:
            raise AwsError("ResourceNotFoundException", f"Flow {name} does not exist.")
        return record

    # ---- connector profiles

    def check_salesforce_credentials(self, params):
        creds = (params.get("connectorProfileConfig", {}).get("connectorProfileCredentials") or {})
        sf = creds.get("Salesforce")
        if sf is None:
            raise validation("Validation exception: connectorProfileCredentials.Salesforce is required "
                             "for connector: SALESFORCE")
        grant = sf.get("oAuth2GrantType", "AUTHORIZATION_CODE")
        if grant == "CLIENT_CREDENTIALS":
            # The model documents "The CLIENT_CREDENTIALS value is not supported for Salesforce";
            # AWS answers with this exact text (hashicorp/terraform-provider-aws#43998, #26396).
            raise validation("Validation exception: AuthCode cannot be blank for connector: SALESFORCE")
        if grant == "JWT_BEARER" and not sf.get("jwtToken"):
            raise validation("Validation exception: JwtToken cannot be blank for connector: SALESFORCE")
        if grant == "AUTHORIZATION_CODE" and not (
                sf.get("accessToken") or sf.get("refreshToken")
                or (sf.get("oAuthRequest") or {}).get("authCode")):
            # Without a token or an auth code to exchange, AppFlow reports the missing auth code
            # (same message as above; terraform-provider-aws#26396).
            raise validation("Validation exception: AuthCode cannot be blank for connector: SALESFORCE")

    def op_CreateConnectorProfile(self, p, ctx):
        region, name = ctx["region"], p["connectorProfileName"]
        if (region, name) in self.profiles:
            raise AwsError("ConflictException", f"Connector profile with name {name} already exists.")
        if p.get("kmsArn"):
            self.check_kms(p["kmsArn"], ctx)
        if p["connectorType"] == "Salesforce":
            self.check_salesforce_credentials(p)
        account = self.account_for(p)
        now = time.time()
        self.profiles[(region, name)] = {
            "connectorProfileArn": f"arn:aws:appflow:{region}:{account}:connectorprofile/{name}",
            "connectorProfileName": name,
            "connectorType": p["connectorType"],
            "connectorLabel": p.get("connectorLabel"),
            "connectionMode": p["connectionMode"],
            # AppFlow keeps the credentials in a Secrets Manager secret of its own; only the ARN is
            # ever returned (the provider notes credentials are not returned by any API).
            "credentialsArn": f"arn:aws:secretsmanager:{region}:{account}:secret:appflow!{account}-{name}-"
                              + uuid.uuid4().hex[:6],
            "connectorProfileProperties": p["connectorProfileConfig"]["connectorProfileProperties"],
            "kmsArn": p.get("kmsArn"),
            "createdAt": now,
            "lastUpdatedAt": now,
        }
        return {"connectorProfileArn": self.profiles[(region, name)]["connectorProfileArn"]}

    def op_UpdateConnectorProfile(self, p, ctx):
        record = self.profile(ctx["region"], p["connectorProfileName"])
        if record["connectorType"] == "Salesforce" and \
                p["connectorProfileConfig"].get("connectorProfileCredentials") is not None:
            self.check_salesforce_credentials(p)
        record["connectionMode"] = p["connectionMode"]
        record["connectorProfileProperties"] = p["connectorProfileConfig"]["connectorProfileProperties"]
        record["lastUpdatedAt"] = time.time()
        return {"connectorProfileArn": record["connectorProfileArn"]}

    def op_DescribeConnectorProfiles(self, p, ctx):
        names = p.get("connectorProfileNames")
        found = []
        for (region, name), rec in sorted(self.profiles.items()):
            if region != ctx["region"] or (names and name not in names):
                continue
            if p.get("connectorType") and rec["connectorType"] != p["connectorType"]:
                continue
            if p.get("connectorLabel") and rec.get("connectorLabel") != p["connectorLabel"]:
                continue
            found.append({k: v for k, v in rec.items() if v is not None and k != "kmsArn"})
        return page("connectorProfileDetails", found, p)

    def op_DeleteConnectorProfile(self, p, ctx):
        region, name = ctx["region"], p["connectorProfileName"]
        self.profile(region, name)
        users = [f["flowName"] for (r, _), f in self.flows.items()
                 if r == region and name in profile_names(f)]
        if users and not p.get("forceDelete"):
            raise AwsError("ConflictException",
                           f"Connector profile {name} is associated with flow(s): {', '.join(users)}")
        del self.profiles[(region, name)]
        return {}

    # ---- flows: preconditions

    def check_flow(self, p, ctx, flow_arn, account):
        """Everything AWS checks on CreateFlow and again on UpdateFlow."""
        region = ctx["region"]
        src = p["sourceFlowConfig"]
        self.check_connector(src, region)
        for dst in p["destinationFlowConfigList"]:
            self.check_connector(dst, region)
        if p.get("kmsArn"):
            self.check_kms(p["kmsArn"], ctx)
        policy_ctx = {"aws:SourceAccount": account, "aws:SourceArn": flow_arn,
                      "aws:SecureTransport": "true"}  # AppFlow calls S3 over TLS
        s3src = src["sourceConnectorProperties"].get("S3")
        if s3src:
            self.check_s3_source(s3src, region, policy_ctx)
        for bucket, prefix in write_buckets(p["destinationFlowConfigList"]):
            self.check_bucket_policy(bucket, prefix, WRITE_ACTIONS, region, policy_ctx, "write to")

    def check_connector(self, config, region):
        ctype = config["connectorType"]
        name = config.get("connectorProfileName")
        if name is None:
            if ctype not in ("S3", "EventBridge", "LookoutMetrics", "Upsolver", "Honeycode",
                             "CustomerProfiles"):
                raise validation(f"connectorProfileName is required for connector type {ctype}.")
            return
        record = self.profiles.get((region, name))
        if record is None:
            raise AwsError("ResourceNotFoundException", f"Connector profile {name} does not exist.")
        if record["connectorType"] != ctype:
            raise validation(f"Connector profile {name} is of type {record['connectorType']}, "
                             f"not {ctype}.")

    def check_s3_source(self, props, region, policy_ctx):
        bucket, prefix = props["bucketName"], folder(props.get("bucketPrefix"))
        self.check_bucket_policy(bucket, prefix, SOURCE_ACTIONS, region, policy_ctx, "read from")
        listing = self.moto.client("s3", region).list_objects_v2(Bucket=bucket, Prefix=prefix)
        files = [o for o in listing.get("Contents", []) if not o["Key"].endswith("/")]
        if not files:
            # AWS checks the source location when a flow is created or updated: it must hold at
            # least one file (the S3 connector needs a file to infer the schema from).
            raise validation(f"The S3 source location s3://{bucket}/{prefix} does not contain any "
                             "file. Add at least one file before creating or updating the flow.")

    def check_bucket_policy(self, bucket, prefix, actions, region, policy_ctx, verb):
        s3 = self.moto.client("s3", region)
        try:
            s3.head_bucket(Bucket=bucket)
        except ClientError:
            raise validation(f"The S3 bucket {bucket} does not exist.")
        try:
            policy = GAPS.policy(bucket) or json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        except ClientError as exc:
            if error_code(exc) != "NoSuchBucketPolicy":
                raise
            policy = {}
        missing = []
        for action in actions:
            resource = (f"arn:aws:s3:::{bucket}" if action.lower() in BUCKET_LEVEL
                        else f"arn:aws:s3:::{bucket}/{prefix}appflow-access-check")
            if not policy_allows(policy, action, resource, policy_ctx):
                missing.append(action)
        if missing:
            raise validation(
                f"Amazon AppFlow does not have permission to {verb} the S3 bucket {bucket} "
                f"(prefix '{prefix}'): the bucket policy must allow the service principal "
                f"{APPFLOW_PRINCIPAL} {', '.join(missing)} for this flow (aws:SourceAccount "
                f"{policy_ctx['aws:SourceAccount']}, aws:SourceArn {policy_ctx['aws:SourceArn']}). "
                "See https://docs.aws.amazon.com/appflow/latest/userguide/s3-policies-management.html")

    def ensure_partner_sources(self, p, ctx, account, flow_name):
        """AppFlow creates the partner event source of an EventBridge destination with the flow
        (https://docs.aws.amazon.com/appflow/latest/userguide/EventBridge.html)."""
        for dst in p["destinationFlowConfigList"]:
            eb = dst["destinationConnectorProperties"].get("EventBridge")
            if not eb:
                continue
            source = eb["object"]
            if not source.startswith("aws.partner/appflow/"):
                raise validation(f"The EventBridge destination object {source} must be a partner event "
                                 "source name starting with aws.partner/appflow/.")
            in_moto = True
            try:
                self.moto.client("events", ctx["region"]).create_partner_event_source(
                    Name=MotoGaps.moto_bus_name(source), Account=account)
            except ClientError as exc:
                in_moto = error_code(exc) == "ResourceAlreadyExistsException"
                LOG.write(event="partner-source", name=source, error=str(exc))
            self.partner_sources[source] = {"flow": flow_name, "in_moto": in_moto}

    # ---- flows: operations

    def op_CreateFlow(self, p, ctx):
        region, name = ctx["region"], p["flowName"]
        if (region, name) in self.flows:
            raise AwsError("ConflictException", f"Flow with name {name} already exists.")
        account = self.account_for(p)
        arn = f"arn:aws:appflow:{region}:{account}:flow/{name}"
        self.check_flow(p, ctx, arn, account)
        self.ensure_partner_sources(p, ctx, account, name)
        now = time.time()
        trigger = p["triggerConfig"]["triggerType"]
        record = {k: p[k] for k in FLOW_ECHO if p.get(k) is not None}
        record.update({
            "flowArn": arn, "flowName": name,
            # Event and Scheduled flows are created in Draft and must be activated (StartFlow);
            # CloudFormation issue aws-cloudformation/cloudformation-coverage-roadmap#1214.
            "flowStatus": "Active" if trigger == "OnDemand" else "Draft",
            "createdAt": now, "lastUpdatedAt": now,
            "createdBy": f"arn:aws:iam::{account}:user/{ctx['access_key']}",
            "lastUpdatedBy": f"arn:aws:iam::{account}:user/{ctx['access_key']}",
            "tags": dict(p.get("tags") or {}),
            "account": account,
        })
        self.flows[(region, name)] = record
        return {"flowArn": arn, "flowStatus": record["flowStatus"]}

    def op_UpdateFlow(self, p, ctx):
        record = self.flow(ctx["region"], p["flowName"])
        merged = dict(p, kmsArn=record.get("kmsArn"))  # the key cannot change; re-check it
        self.check_flow(merged, ctx, record["flowArn"], record["account"])
        self.ensure_partner_sources(p, ctx, record["account"], p["flowName"])
        for key in FLOW_ECHO:
            if key == "kmsArn":
                continue
            if p.get(key) is not None:
                record[key] = p[key]
            else:
                record.pop(key, None)
        record["lastUpdatedAt"] = time.time()
        return {"flowStatus": record["flowStatus"]}

    def op_DescribeFlow(self, p, ctx):
        record = self.flow(ctx["region"], p["flowName"])
        return public_flow(record)

    def op_ListFlows(self, p, ctx):
        flows = [record for (region, _), record in sorted(self.flows.items()) if region == ctx["region"]]
        summary = []
        for f in flows:
            item = {k: f[k] for k in ("flowArn", "description", "flowName", "flowStatus", "createdAt",
                                      "lastUpdatedAt", "createdBy", "lastUpdatedBy", "tags") if k in f}
            item["sourceConnectorType"] = f["sourceFlowConfig"]["connectorType"]
            item["destinationConnectorType"] = f["destinationFlowConfigList"][0]["connectorType"]
            item["triggerType"] = f["triggerConfig"]["triggerType"]
            summary.append(item)
        return page("flows", summary, p)

    def op_DeleteFlow(self, p, ctx):
        self.flow(ctx["region"], p["flowName"])
        del self.flows[(ctx["region"], p["flowName"])]
        return {}

    def op_StartFlow(self, p, ctx):
        if self.deny_starts_left > 0:
            # --deny-first-start: IAM propagation right after the caller's role policy was made.
            self.deny_starts_left -= 1
            raise AwsError("AccessDeniedException",
                           f"User: arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/fake/caller is not "
                           "authorized to perform: appflow:StartFlow (fake-appflow --deny-first-start)")
        record = self.flow(ctx["region"], p["flowName"])
        trigger = record["triggerConfig"]["triggerType"]
        self.check_event_bus(record, ctx)
        out = {"flowArn": record["flowArn"]}
        if trigger == "OnDemand":
            out["executionId"] = str(uuid.uuid4())
        else:
            if record["flowStatus"] == "Active":
                # No documented message found for starting an already active triggered flow;
                # ConflictException is what the model declares for state conflicts.
                raise AwsError("ConflictException", f"Flow {record['flowName']} is already active.")
            # The model: executionId is "the internal execution ID of an on-demand flow ... For
            # scheduled or event-triggered flows, this value is null."
            record["flowStatus"] = "Active"
        out["flowStatus"] = record["flowStatus"]
        return out

    def check_event_bus(self, record, ctx):
        """An event flow delivering to EventBridge needs an event bus associated with its partner
        event source before it can be activated (the bus is what the source delivers to)."""
        if record["triggerConfig"]["triggerType"] != "Event":
            return
        for dst in record["destinationFlowConfigList"]:
            eb = dst["destinationConnectorProperties"].get("EventBridge")
            if not eb:
                continue
            try:
                self.moto.client("events", ctx["region"]).describe_event_bus(
                    Name=MotoGaps.moto_bus_name(eb["object"]))
            except ClientError:
                raise validation(
                    f"Unable to activate flow {record['flowName']}: the partner event source "
                    f"{eb['object']} is not associated with an event bus. Create an event bus named "
                    "after the partner event source (EventSourceName) first.")

    # ---- one run of a flow with an S3 destination (not an AWS operation: see the module doc)

    def run_to_s3(self, region, name, records):
        """Plays one run of an Active flow whose destination is S3 on `records` (dicts keyed by
        source field): the PROJECTION keeps the projected fields, the other Filter tasks keep the
        records that pass (EQUAL_TO / NOT_EQUAL_TO with DATA_TYPE and VALUE), the Map tasks name
        what is written. JSON files hold one object per line (DESIGN.md "Catch-up files"). AppFlow
        writes under <bucketPrefix>/<flow name>/<execution id>/; the file name inside that folder
        is this fake's own. No record passing: no file, as nothing was transferred."""
        with self.lock:
            record = self.flow(region, name)
            if record["flowStatus"] != "Active":
                raise AwsError("ConflictException", f"Flow {name} is {record['flowStatus']}: only an Active flow runs.")
            dst = record["destinationFlowConfigList"][0]["destinationConnectorProperties"].get("S3")
            if not dst:
                raise validation(f"Flow {name} has no S3 destination: the fake plays runs to S3 only.")
            tasks = [dict(t) for t in record["tasks"]]
        op_of = lambda t: next(iter((t.get("connectorOperator") or {}).values()), None)  # noqa: E731
        projected = [f for t in tasks if t["taskType"] == "Filter" and op_of(t) == "PROJECTION" for f in t["sourceFields"]]
        filters = [t for t in tasks if t["taskType"] == "Filter" and op_of(t) != "PROJECTION"]
        maps = [(t["sourceFields"][0], t.get("destinationField") or t["sourceFields"][0])
                for t in tasks if t["taskType"] == "Map"]
        rows = []
        for r in records:
            r = {k: v for k, v in r.items() if not projected or k in projected}
            if all(passes_filter(r, t, op_of(t)) for t in filters):
                rows.append({out: r[src] for src, out in maps if src in r})
        execution_id = str(uuid.uuid4())
        out = {"executionId": execution_id, "records": len(rows), "bucket": dst["bucketName"], "key": None}
        if rows:
            fmt = ((dst.get("s3OutputFormatConfig") or {}).get("fileType") or "JSON")
            if fmt != "JSON":
                raise validation(f"The fake writes JSON files only, not {fmt}.")
            key = f"{folder(dst.get('bucketPrefix'))}{name}/{execution_id}/part-00000.json"
            body = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows).encode()
            self.moto.client("s3", region).put_object(Bucket=dst["bucketName"], Key=key, Body=body)
            out["key"] = key
        LOG.write(op="FakeRun", flow=name, records=len(rows), key=out["key"])
        return out

    def op_StopFlow(self, p, ctx):
        record = self.flow(ctx["region"], p["flowName"])
        if record["triggerConfig"]["triggerType"] == "OnDemand":
            raise AwsError("UnsupportedOperationException",
                           f"StopFlow is not supported for on-demand flow {record['flowName']}.")
        if record["flowStatus"] != "Active":
            raise AwsError("ConflictException",
                           f"Flow {record['flowName']} is {record['flowStatus']}, not Active.")
        record["flowStatus"] = "Suspended"
        return {"flowArn": record["flowArn"], "flowStatus": "Suspended"}

    # ---- tags

    def tagged(self, arn):
        for record in self.flows.values():
            if record["flowArn"] == arn:
                return record
        raise AwsError("ResourceNotFoundException", f"Resource {arn} does not exist.")

    def op_TagResource(self, p, ctx):
        self.tagged(p["resourceArn"])["tags"].update(p["tags"])
        return {}

    def op_UntagResource(self, p, ctx):
        tags = self.tagged(p["resourceArn"])["tags"]
        for key in p["tagKeys"]:
            tags.pop(key, None)
        return {}

    def op_ListTagsForResource(self, p, ctx):
        return {"tags": dict(self.tagged(p["resourceArn"])["tags"])}


def passes_filter(row, task, op):
    """A Filter task on one source record: EQUAL_TO / NOT_EQUAL_TO against VALUE (or any of
    VALUES), compared as DATA_TYPE says (booleans case-insensitively)."""
    props = task.get("taskProperties") or {}
    wanted = props["VALUES"].split(",") if "VALUES" in props else [props.get("VALUE")]
    field = task["sourceFields"][0]
    value = row.get(field)
    if props.get("DATA_TYPE") == "boolean":
        same = str(value).lower() in [str(w).lower() for w in wanted]
    else:
        same = value is not None and str(value) in wanted
    if op == "EQUAL_TO":
        return same
    if op == "NOT_EQUAL_TO":
        return not same
    raise validation(f"The fake plays EQUAL_TO and NOT_EQUAL_TO filters only, not {op}.")


def public_flow(record):
    """DescribeFlow: exactly what Create/UpdateFlow stored, plus the service's own fields."""
    keys = FLOW_ECHO + ["flowArn", "flowName", "flowStatus", "createdAt", "lastUpdatedAt",
                        "createdBy", "lastUpdatedBy", "tags"]
    out = {k: record[k] for k in keys if k in record}
    out["tags"] = dict(out.get("tags", {}))
    return out


def profile_names(flow):
    configs = [flow["sourceFlowConfig"]] + flow["destinationFlowConfigList"]
    return {c.get("connectorProfileName") for c in configs if c.get("connectorProfileName")}


def write_buckets(destinations):
    """Buckets AppFlow writes to: an S3 destination, and every errorHandlingConfig bucket."""
    for dst in destinations:
        for kind, props in dst["destinationConnectorProperties"].items():
            if not isinstance(props, dict):
                continue
            if kind == "S3":
                yield props["bucketName"], folder(props.get("bucketPrefix"))
            handling = props.get("errorHandlingConfig") or {}
            if handling.get("bucketName"):
                yield handling["bucketName"], folder(handling.get("bucketPrefix"))


# --------------------------------------------------------------------------------------------
# Lambda Invoke: run the bootstrap binary against a one-invocation Runtime API
# --------------------------------------------------------------------------------------------

class Invocation:
    """One event, served over the Lambda Runtime API to one process."""

    def __init__(self, payload, function_arn, timeout):
        self.request_id = str(uuid.uuid4())
        self.payload = payload
        self.function_arn = function_arn
        self.deadline_ms = int((time.time() + timeout) * 1000)
        self.delivered = False
        self.result = None  # ("response", bytes) | ("error", dict)
        self.done = threading.Event()
        self.closing = threading.Event()

    def trace_id(self):
        return (f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};"
                f"Parent={uuid.uuid4().hex[:16]};Sampled=0")


def runtime_api_handler(inv):
    class RuntimeApi(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body=b'{"status":"OK"}', headers=()):
            self.send_response_only(status)
            self.send_header("Content-Type", "application/json")
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def do_GET(self):
            if self.path != "/2018-06-01/runtime/invocation/next":
                return self.reply(404, b'{"errorType":"NotFound"}')
            if inv.delivered:
                # The runtime polls again after answering: hold it until the process is ended.
                inv.closing.wait()
                return self.reply(500, b'{"errorType":"Runtime.Shutdown"}')
            inv.delivered = True
            self.reply(200, inv.payload, [
                ("Lambda-Runtime-Aws-Request-Id", inv.request_id),
                ("Lambda-Runtime-Deadline-Ms", str(inv.deadline_ms)),
                ("Lambda-Runtime-Invoked-Function-Arn", inv.function_arn),
                ("Lambda-Runtime-Trace-Id", inv.trace_id()),
            ])

        def do_POST(self):
            data = self.body()
            path = self.path
            if path == f"/2018-06-01/runtime/invocation/{inv.request_id}/response":
                inv.result = ("response", data)
            elif path == f"/2018-06-01/runtime/invocation/{inv.request_id}/error":
                inv.result = ("error", error_body(data, self.headers.get("Lambda-Runtime-Function-Error-Type")))
            elif path == "/2018-06-01/runtime/init/error":
                inv.result = ("error", error_body(data, self.headers.get("Lambda-Runtime-Function-Error-Type")
                                                  or "Runtime.InitError"))
            else:
                return self.reply(404, b'{"errorType":"NotFound"}')
            self.reply(202)
            inv.done.set()

    return RuntimeApi


def error_body(data, error_type):
    try:
        parsed = json.loads(data or b"{}")
    except ValueError:
        parsed = {"errorMessage": data.decode("utf-8", "replace")}
    if not isinstance(parsed, dict):
        parsed = {"errorMessage": str(parsed)}
    parsed.setdefault("errorType", error_type or "Unhandled")
    parsed.setdefault("errorMessage", "")
    return parsed


class LambdaRunner:
    def __init__(self, moto, bootstrap, own_port):
        self.moto = moto
        self.bootstrap = bootstrap
        self.own_port = own_port

    def invoke(self, function, region, payload, log_tail):
        """Returns (status, headers, body) as Lambda's Invoke answers."""
        name = function_name(function)
        try:
            config = self.moto.client("lambda", region).get_function_configuration(FunctionName=name)
        except ClientError as exc:
            status = exc.response["ResponseMetadata"]["HTTPStatusCode"]
            code = error_code(exc)
            body = json.dumps({"Type": "User", "Message": exc.response["Error"].get("Message", "")})
            return status, [("x-amzn-ErrorType", code), ("Content-Type", "application/json")], body.encode()
        if not self.bootstrap:
            body = b'{"Type":"Service","Message":"fake-appflow was started without --bootstrap"}'
            return 500, [("x-amzn-ErrorType", "ServiceException")], body
        timeout = config.get("Timeout", 3)
        inv = Invocation(payload or b"{}", config["FunctionArn"], timeout)
        server = Server(("127.0.0.1", 0), runtime_api_handler(inv))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        output = bytearray()
        try:
            result = self.run(inv, config, region, server.server_address[1], timeout, output)
        finally:
            inv.closing.set()
            server.shutdown()
            server.server_close()
        kind, value = result
        headers = [("Content-Type", "application/json"), ("X-Amz-Executed-Version", "$LATEST"),
                   ("x-amzn-RequestId", inv.request_id)]
        if kind == "error":
            headers.append(("X-Amz-Function-Error", "Unhandled"))
            value = json.dumps(value).encode()
        if log_tail:
            headers.append(("X-Amz-Log-Result", base64.b64encode(bytes(output[-TAIL_BYTES:])).decode()))
        LOG.write(op="Invoke", function=name, outcome=kind, request_id=inv.request_id)
        return 200, headers, value

    def run(self, inv, config, region, api_port, timeout, output):
        name = config["FunctionName"]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        env.update((config.get("Environment") or {}).get("Variables") or {})
        env.update({
            "_HANDLER": config.get("Handler", ""),
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api_port}",
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_FORMAT": "JSON",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_ENDPOINT_URL": self.moto.endpoint,
            "AWS_ENDPOINT_URL_APPFLOW": f"http://127.0.0.1:{self.own_port}",
        })
        started = time.time()
        output += f"START RequestId: {inv.request_id} Version: $LATEST\n".encode()
        proc = subprocess.Popen([self.bootstrap], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        reader = threading.Thread(target=self.pump, args=(proc, name, output), daemon=True)
        reader.start()
        threading.Thread(target=lambda: (proc.wait(), inv.done.set()), daemon=True).start()
        finished = inv.done.wait(timeout)
        if inv.result is None and finished:
            # The process ended without answering: give it a moment to flush a late POST.
            inv.done.clear()
            inv.done.wait(0.2)
        if proc.poll() is None:
            proc.kill()  # only the process this invocation started, by its own handle
        proc.wait()
        reader.join(2)
        elapsed = (time.time() - started) * 1000
        output += (f"END RequestId: {inv.request_id}\nREPORT RequestId: {inv.request_id}\t"
                   f"Duration: {elapsed:.2f} ms\n").encode()
        if inv.result is not None:
            return inv.result
        if not finished:
            return ("error", {"errorType": "Sandbox.Timedout",
                              "errorMessage": f"RequestId: {inv.request_id} Error: Task timed out after "
                                              f"{timeout:.2f} seconds"})
        return ("error", {"errorType": "Runtime.ExitError",
                          "errorMessage": f"RequestId: {inv.request_id} Error: Runtime exited with error: "
                                          f"exit status {proc.returncode}"})

    @staticmethod
    def pump(proc, name, output):
        for line in iter(proc.stdout.readline, b""):
            output += line
            LOG.write(event="lambda-output", function=name, line=line.decode("utf-8", "replace").rstrip("\n"))


def function_name(raw):
    """`name`, `name:qualifier` or a function ARN (possibly with a qualifier) -> the name."""
    raw = urllib.parse.unquote(raw)
    if raw.startswith("arn:"):
        return raw.split(":")[6]
    return raw.split(":")[0]


# --------------------------------------------------------------------------------------------
# HTTP front door
# --------------------------------------------------------------------------------------------

class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client (or a killed bootstrap) hanging up is normal here; anything else is logged.
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            LOG.write(event="server-error", error=repr(exc))


# --------------------------------------------------------------------------------------------
# S3 bucket notifications: what S3 checks when a notification configuration is written
# --------------------------------------------------------------------------------------------

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


class BucketNotifications:
    """PutBucketNotificationConfiguration, checked as S3 checks it before moto stores it (moto
    5.2.1 accepts any destination, even a queue that does not exist).

    S3 validates every destination when the configuration is written, by publishing a test
    message to it, and refuses the whole configuration with 400 InvalidArgument "Unable to
    validate the following destination configurations" (aws/aws-cdk#5991 and #20127,
    ministryofjustice/cloud-platform-environments#5404) when it cannot, e.g. when the queue
    policy does not let it send ("Permissions on the destination queue do not allow S3 to
    publish notifications from this bucket", the S3 console's wording). For an SQS destination
    that means, as the S3 user guide's "Granting permissions to publish event notification
    messages to a destination" describes it:
      - the queue exists;
      - its policy allows the service principal s3.amazonaws.com sqs:SendMessage, with
        aws:SourceArn the bucket's ARN and aws:SourceAccount the bucket owner's account;
      - a queue encrypted with a customer managed KMS key: the key policy allows
        s3.amazonaws.com kms:GenerateDataKey and kms:Decrypt (an AWS managed key, alias/aws/sqs,
        cannot, as its policy cannot be changed). AWS documents no condition keys for S3's use
        of the key; the same aws:SourceArn and aws:SourceAccount are offered to the key policy.
    Topic and Lambda destinations are passed on unchecked (sfbridge has none). Each refused
    destination is named in ArgumentNameN / ArgumentValueN, as S3 does."""

    def __init__(self, moto):
        self.moto = moto

    @staticmethod
    def _bucket(path):
        split = urllib.parse.urlsplit(path)
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        bucket = split.path.strip("/")
        return bucket if ("notification" in query and bucket and "/" not in bucket) else None

    def check(self, method, path, headers, body, region):
        """(status, headers, body) refusing the request, or None to pass it on."""
        bucket = self._bucket(path)
        if method != "PUT" or not bucket:
            return None
        if "aws-chunked" in headers.get("Content-Encoding", ""):
            body = MotoGaps.decode_aws_chunked(body)
        try:
            root = ElementTree.fromstring(body or b"<NotificationConfiguration/>")
        except ElementTree.ParseError:
            return None  # moto answers MalformedXML
        refused = []
        for qc in root.iter(S3_NS + "QueueConfiguration"):
            arn = (qc.findtext(S3_NS + "Queue") or "").strip()
            reason = self.queue_refusal(arn, bucket, region)
            if reason:
                refused.append((arn, reason))
        if not refused:
            return None
        LOG.write(op="PutBucketNotificationConfiguration", outcome="error", code="InvalidArgument",
                  bucket=bucket, refused=refused)
        args = "".join(f"<ArgumentName{i}>{escape(a)}</ArgumentName{i}><ArgumentValue{i}>{escape(r)}"
                       f"</ArgumentValue{i}>" for i, (a, r) in enumerate(refused, 1))
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code>'
               "<Message>Unable to validate the following destination configurations</Message>"
               f"{args}<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId><HostId>fake-appflow</HostId>"
               "</Error>")
        return 400, [("Content-Type", "application/xml")], xml.encode()

    def queue_refusal(self, arn, bucket, region):
        parts = arn.split(":")
        if len(parts) != 6 or parts[2] != "sqs":
            return f"{arn} is not an SQS queue ARN"
        queue_region, account, name = parts[3], parts[4], parts[5]
        sqs = self.moto.client("sqs", queue_region or region)
        try:
            url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        except ClientError:
            return "The destination queue does not exist"
        context = {"aws:SourceArn": f"arn:aws:s3:::{bucket}", "aws:SourceAccount": DEFAULT_ACCOUNT,
                   "aws:SecureTransport": "true"}
        policy = json.loads(attrs.get("Policy") or "{}")
        if not policy_allows(policy, "sqs:SendMessage", arn, context, service=S3_PRINCIPAL):
            return "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
        key = attrs.get("KmsMasterKeyId")
        if not key:
            return None  # unencrypted, or SSE-SQS (SqsManagedSseEnabled): no key policy involved
        if key.startswith("alias/aws/"):
            return (f"The destination queue is encrypted with the AWS managed key {key}, whose policy "
                    "cannot let S3 encrypt (use a customer managed key)")
        kms = self.moto.client("kms", queue_region or region)
        try:
            meta = kms.describe_key(KeyId=key)["KeyMetadata"]
            key_policy = json.loads(kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"])
        except ClientError as exc:
            return f"The destination queue's KMS key {key} cannot be used ({error_code(exc)})"
        missing = [a for a in ("kms:GenerateDataKey", "kms:Decrypt")
                   if not policy_allows(key_policy, a, meta["Arn"], context, service=S3_PRINCIPAL)]
        if missing:
            return (f"The destination queue's KMS key policy does not allow {S3_PRINCIPAL} "
                    f"{', '.join(missing)}, so S3 cannot send to the encrypted queue")
        return None


# --------------------------------------------------------------------------------------------
# Gaps of moto 5.2.1 that would make a correct Terraform configuration fail or drift here.
# Requests for these services may be routed through this server (endpoints in the rehearsal);
# everything else about them is forwarded to moto untouched.
# --------------------------------------------------------------------------------------------

class MotoGaps:
    """- S3 lifecycle rules: moto drops filters it does not model (ObjectSizeGreaterThan), so
         the provider's wait for its own configuration never ends. The XML AWS would store is
         kept here and answered back verbatim (after moto has accepted it).
       - S3 bucket policies: moto evaluates a policy's Deny statements on every object request
         without their conditions, so the usual TLS-only Deny (aws:SecureTransport = false)
         refuses every object request, TLS or not. moto gets the policy without the
         statements whose conditions a TLS request can never meet; the policy as written is
         kept here and answered back (and evaluated for AppFlow's access).
       - EventBridge buses whose name holds "/" (partner buses): moto reads such a name or ARN
         by its last part, so rules, targets and tags on them fail; and it cannot tag a rule
         on any custom bus. See events() below.
       - Lambda function settings moto does not answer back, and its unlocked updates of a
         function's resource policy. See lambda_() below.
       - SQS: moto 5.2 neither keeps nor answers a RedriveAllowPolicy, so the provider waits
         for a dead-letter queue's attributes until it gives up; and it answers a RedrivePolicy
         re-serialised with spaces, which every later plan shows as a change. See sqs() below."""

    def __init__(self):
        self._lock = threading.Lock()
        self.kept = {"lifecycle": {}, "policy": {}}  # subresource -> bucket -> body as written
        self.rule_tags = {}  # ARN of a rule on a custom bus -> {key: value}
        self.functions = {}  # (region, function name) -> what moto does not answer back
        self.queues = {}  # queue name -> SQS attributes moto does not answer back
        self._policy_lock = threading.Lock()

    @staticmethod
    def bucket_subresource(path):
        split = urllib.parse.urlsplit(path)
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        bucket = split.path.strip("/")
        for sub in ("lifecycle", "policy"):
            if sub in query and bucket and "/" not in bucket:
                return bucket, sub
        return None, None

    def policy(self, bucket):
        """The bucket policy as written (None when moto's is the same or there is none)."""
        with self._lock:
            body = self.kept["policy"].get(bucket)
        return json.loads(body) if body else None

    @staticmethod
    def without_tls_only_denies(body):
        try:
            doc = json.loads(body)
        except ValueError:
            return body
        statements = doc.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]

        def tls_only(st):
            cond = st.get("Condition", {})
            return st.get("Effect") == "Deny" and list(cond) == ["Bool"] and \
                {k: str(v).lower() for k, v in cond["Bool"].items()} == {"aws:SecureTransport": "false"}

        doc["Statement"] = [st for st in statements if not tls_only(st)]
        return json.dumps(doc).encode()

    @staticmethod
    def decode_aws_chunked(body):
        """The payload of an `aws-chunked` body (SigV4 streaming: size[;ext]CRLF data CRLF ...
        0 CRLF trailers), as the SDKs send with flexible checksums."""
        out, rest = bytearray(), body
        while rest:
            line, _, rest = rest.partition(b"\r\n")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                break
            out += rest[:size]
            rest = rest[size + 2:]
        return bytes(out)

    def s3(self, method, path, headers, body, forward):
        """(status, headers, body), or None to forward as usual. forward(body) relays."""
        bucket, sub = self.bucket_subresource(path)
        if not bucket:
            return None
        if "aws-chunked" in headers.get("Content-Encoding", ""):
            body = self.decode_aws_chunked(body)
        if method == "GET":
            with self._lock:
                kept = self.kept[sub].get(bucket)
            if kept is None:
                return None
            # moto's answer, for its headers (e.g. x-amz-transition-default-minimum-object-size,
            # which the provider compares too), with the body as written.
            status, headers, _ = forward(body)
            if not 200 <= status < 300:
                return None
            return status, [(k, v) for k, v in headers if k.lower() != "content-length"], kept
        sent = self.without_tls_only_denies(body) if (sub == "policy" and method == "PUT") else body
        status, headers, data = forward(sent)
        if 200 <= status < 300:
            with self._lock:
                if method == "PUT":
                    self.kept[sub][bucket] = body
                elif method == "DELETE":
                    self.kept[sub].pop(bucket, None)
        return status, headers, data

    # A partner bus is named like its partner source, with "/" in it
    # (aws.partner/appflow/salesforce.com/<account>/<flow>). moto reads any bus name or ARN
    # by its last "/"-separated part, so it can hold no rule on such a bus. moto is given a
    # name without "/" instead, and its answers are translated back, so the client sees the
    # names and ARNs AWS would use (rule ARNs: rule/<bus>/<rule>).
    PARTNER = re.compile(rb"aws\.partner/[A-Za-z0-9._/-]+")

    @staticmethod
    def moto_bus_name(name):
        return name.replace("/", "~")

    def events(self, target, body, forward):
        """Forwards with partner bus names translated; (status, headers, body). Tags of rules
        on a custom bus are kept here: moto reads a rule ARN with a bus in it (rule/<bus>/<rule>)
        as a rule of the default bus, so it can neither tag nor list them."""
        op = target.rsplit(".", 1)[-1]
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            params = {}
        arn = params.get("ResourceARN", "") if isinstance(params, dict) else ""
        on_bus = ":rule/" in arn and "/" in arn.split(":rule/", 1)[1]
        reply = [("Content-Type", "application/x-amz-json-1.1")]
        if on_bus and op in ("ListTagsForResource", "TagResource", "UntagResource"):
            with self._lock:
                tags = self.rule_tags.setdefault(arn, {})
                if op == "TagResource":
                    tags.update({t["Key"]: t["Value"] for t in params.get("Tags", [])})
                elif op == "UntagResource":
                    for key in params.get("TagKeys", []):
                        tags.pop(key, None)
                out = {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]} \
                    if op == "ListTagsForResource" else {}
            return 200, reply, json.dumps(out).encode()

        names = {m.group(0) for m in self.PARTNER.finditer(body or b"")}
        sent = body
        for n in sorted(names, key=len, reverse=True):
            sent = sent.replace(n, self.moto_bus_name(n.decode()).encode())
        status, headers, data = forward(sent)
        data = re.sub(rb"aws\.partner~[A-Za-z0-9._~-]+", lambda m: m.group(0).replace(b"~", b"/"), data)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        if op == "PutRule" and 200 <= status < 300 and params.get("EventBusName"):
            rule_arn = json.loads(data).get("RuleArn", "")
            with self._lock:
                self.rule_tags.setdefault(rule_arn, {}).update(
                    {t["Key"]: t["Value"] for t in params.get("Tags", [])})
        return status, headers, data


    # Lambda: moto stores but does not answer back a function's KMSKeyArn, LoggingConfig and
    # DeadLetterConfig, so every plan would show them as changes. What the client set is kept
    # here and put into GetFunction / GetFunctionConfiguration answers that lack it.
    LAMBDA_KEPT = ("KMSKeyArn", "LoggingConfig", "DeadLetterConfig")
    FUNCTION_PATH = re.compile(r"^/2015-03-31/functions/([^/?]+)(/configuration)?/?(?:\?.*)?$")

    # moto updates a function's resource policy without a lock: AddPermission/RemovePermission
    # calls that Terraform makes in parallel lose each other's changes (a statement survives its
    # delete, and the provider waits for minutes). Lambda serialises them; so does this.
    POLICY_PATH = re.compile(r"^/[0-9-]+/functions/[^/?]+/policy")

    def lambda_(self, method, path, body, forward, region):
        if method in ("POST", "DELETE") and self.POLICY_PATH.match(path):
            with self._policy_lock:
                return forward(body)
        split_path = urllib.parse.urlsplit(path).path
        match = self.FUNCTION_PATH.match(path)
        creating = method == "POST" and split_path.rstrip("/") == "/2015-03-31/functions"
        updating = method == "PUT" and match and match.group(2)
        reading = method == "GET" and match
        if not (creating or updating or reading):
            return None
        status, headers, data = forward(body)
        if not 200 <= status < 300:
            return status, headers, data
        try:
            sent = json.loads(body or b"{}")
            answer = json.loads(data or b"{}")
        except ValueError:
            return status, headers, data
        name = sent.get("FunctionName") if creating else function_name(urllib.parse.unquote(match.group(1)))
        # Per region: a function name is unique only within one (the second region's
        # connect-lookup has the home one's name).
        key = (region, name)
        with self._lock:
            if creating or updating:
                kept = self.functions.setdefault(key, {})
                for key in (k for k in self.LAMBDA_KEPT if k in sent):
                    # An empty setting removes it (DeadLetterConfig {"TargetArn": ""}).
                    value = sent[key]
                    if not value or (isinstance(value, dict) and not any(value.values())):
                        kept.pop(key, None)
                    else:
                        kept[key] = value
                return status, headers, data
            kept = dict(self.functions.get(key, {}))
        config = answer.get("Configuration", answer) if not match.group(2) else answer
        for key, value in kept.items():
            if not config.get(key):
                config[key] = value
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        return status, headers, json.dumps(answer).encode()


    # SQS (JSON protocol): what the client set of SQS_KEPT is kept here, by queue name, and put
    # into GetQueueAttributes answers that lack it, or hold the same JSON written otherwise
    # (AWS answers these policies as they were set); "" removes it, as in SQS.
    SQS_KEPT = ("RedriveAllowPolicy", "RedrivePolicy")

    def sqs(self, target, body, forward):
        op = target.rsplit(".", 1)[-1] if target.startswith("AmazonSQS.") else None
        if op not in ("CreateQueue", "SetQueueAttributes", "GetQueueAttributes", "DeleteQueue"):
            return None
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            return None
        status, headers, data = forward(body)
        if not 200 <= status < 300:
            return status, headers, data
        try:
            answer = json.loads(data or b"{}")
        except ValueError:
            return status, headers, data
        url = answer.get("QueueUrl") if op == "CreateQueue" else params.get("QueueUrl")
        name = (url or "").rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            if op in ("CreateQueue", "SetQueueAttributes"):
                kept = self.queues.setdefault(name, {})
                for key, value in (params.get("Attributes") or {}).items():
                    if key in self.SQS_KEPT:
                        if value:
                            kept[key] = value
                        else:
                            kept.pop(key, None)
                return status, headers, data
            if op == "DeleteQueue":
                self.queues.pop(name, None)
                return status, headers, data
            kept = dict(self.queues.get(name, {}))
        wanted = params.get("AttributeNames") or []
        attributes = answer.setdefault("Attributes", {})
        for key, value in kept.items():
            if ("All" in wanted or key in wanted) and (key not in attributes or same_json(attributes[key], value)):
                attributes[key] = value
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        return status, headers, json.dumps(answer).encode()


def same_json(a, b):
    try:
        return json.loads(a) == json.loads(b)
    except (TypeError, ValueError):
        return False


GAPS = MotoGaps()


def make_handler(model, appflow, runner, moto):
    moto_url = urllib.parse.urlsplit(moto.endpoint)
    notifications = BucketNotifications(moto)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        # ---- plumbing

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                data = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return bytes(data)
                    data += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n) if n else b""

        def send(self, status, headers, body, head=False):
            self.send_response_only(status)
            names = set()
            for k, v in headers:
                names.add(k.lower())
                self.send_header(k, v)
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def scope(self):
            auth = self.headers.get("Authorization", "")
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            cred = CREDENTIAL_RE.search(auth) or CREDENTIAL_RE.search(
                "Credential=" + query.get("X-Amz-Credential", [""])[0])
            if not cred:
                return None
            return {"access_key": cred.group(1), "region": cred.group(3), "service": cred.group(4)}

        # ---- entry points

        def do_GET(self):
            self.dispatch()

        do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

        def dispatch(self):
            body = self.body_as_read = self.read_body()
            if self.command == "POST" and urllib.parse.urlsplit(self.path).path == "/_fake-appflow/run":
                return self.fake_run(body)
            scope = self.scope()
            service = scope["service"] if scope else None
            try:
                if service == "appflow":
                    return self.appflow(body, scope)
                if service == "lambda" and self.command == "POST" and INVOKE_RE.match(self.path):
                    return self.invoke(body, scope)
                answer = None
                if service == "lambda":
                    answer = GAPS.lambda_(self.command, self.path, body, self.relay, scope["region"])
                elif service == "s3":
                    answer = (notifications.check(self.command, self.path, self.headers, body, scope["region"])
                              or GAPS.s3(self.command, self.path, self.headers, body, self.relay))
                elif service == "events":
                    answer = GAPS.events(self.headers.get("X-Amz-Target", ""), body, self.relay)
                elif service == "sqs":
                    answer = GAPS.sqs(self.headers.get("X-Amz-Target", ""), body, self.relay)
                if answer is not None:
                    status, headers, data = answer
                    return self.send(status, headers, data, head=self.command == "HEAD")
                return self.forward(body)
            except (BrokenPipeError, ConnectionResetError):
                return None

        # ---- AppFlow

        def appflow(self, body, scope):
            split = urllib.parse.urlsplit(self.path)
            op, labels = model.match(self.command, split.path)
            if op is None:
                return self.aws_error(AwsError("UnknownOperationException",
                                               f"No AppFlow operation at {self.command} {split.path}", 404))
            try:
                params = json.loads(body) if body.strip() else {}
                if not isinstance(params, dict):
                    raise ValueError("not an object")
            except ValueError:
                return self.aws_error(validation("The request body is not a JSON object."), op)
            params.update(labels)
            self.query_members(op, params, urllib.parse.parse_qs(split.query))
            try:
                out = appflow.handle(op, params, scope)
            except AwsError as err:
                return self.aws_error(err, op)
            except ClientError as exc:  # moto refused something we did not expect
                return self.aws_error(AwsError("InternalServerException",
                                               f"fake-appflow: moto answered {exc}"), op)
            LOG.write(op=op, outcome="ok", region=scope["region"], name=subject(params))
            self.send(200, [("Content-Type", "application/json"),
                            ("x-amzn-RequestId", str(uuid.uuid4()))], json.dumps(out).encode())

        def query_members(self, op, params, query):
            shape = model.shapes[model.ops[op]["input"]["shape"]]
            for member, spec in shape.get("members", {}).items():
                if spec.get("location") == "querystring" and spec.get("locationName") in query:
                    values = query[spec["locationName"]]
                    kind = model.shapes[spec["shape"]]["type"]
                    params[member] = values if kind == "list" else values[0]

        def aws_error(self, err, op=None):
            status = err.status or model.error_status(err.code)
            if op and err.code not in model.declared_errors(op):
                # Real AWS also sends undeclared errors (e.g. IAM's AccessDeniedException); keep
                # a trace so a mismatch with the model is visible.
                LOG.write(event="undeclared-error", op=op, code=err.code)
            LOG.write(op=op, outcome="error", code=err.code, message=err.message)
            self.send(status, [("Content-Type", "application/json"),
                               ("x-amzn-ErrorType", err.code),
                               ("x-amzn-RequestId", str(uuid.uuid4()))],
                      json.dumps({"message": err.message}).encode())

        def fake_run(self, body):
            try:
                req = json.loads(body or b"{}")
                out = appflow.run_to_s3(req.get("region") or "us-east-1", req["flowName"], req.get("records") or [])
            except AwsError as err:
                return self.aws_error(err)
            except (ValueError, KeyError, TypeError) as exc:
                return self.aws_error(validation(f"/_fake-appflow/run takes {{flowName, region, records}}: {exc}"))
            self.send(200, [("Content-Type", "application/json")], json.dumps(out).encode())

        # ---- Lambda

        def invoke(self, body, scope):
            fn = INVOKE_RE.match(self.path).group(1)
            invocation_type = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
            if invocation_type == "DryRun":
                return self.send(204, [("x-amzn-RequestId", str(uuid.uuid4()))], b"")
            tail = self.headers.get("X-Amz-Log-Type", "None") == "Tail"
            if invocation_type == "Event":
                threading.Thread(target=runner.invoke, args=(fn, scope["region"], body, False),
                                 daemon=True).start()
                return self.send(202, [("x-amzn-RequestId", str(uuid.uuid4()))], b"")
            status, headers, out = runner.invoke(fn, scope["region"], body, tail)
            self.send(status, headers, out)

        # ---- everything else: moto

        def forward(self, body):
            status, headers, data = self.relay(body)
            self.send(status, headers, data, head=self.command == "HEAD")

        def relay(self, body):
            """The request, sent to moto (as it came, or with another body): (status, headers,
            body) of its answer."""
            conn = http.client.HTTPConnection(moto_url.hostname, moto_url.port or 80, timeout=300)
            original = body == self.body_as_read
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                has_length = False
                for k, v in self.headers.items():
                    if k.lower() in HOP_BY_HOP:
                        continue
                    if not original and (k.lower() in BODY_HEADERS or k.lower().startswith("x-amz-checksum")):
                        continue
                    has_length |= k.lower() == "content-length"
                    conn.putheader(k, v)
                if not has_length and (body or self.command in ("POST", "PUT", "PATCH")):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body or None)
                resp = conn.getresponse()
                data = resp.read()
                head = self.command == "HEAD"
                headers = [(k, v) for k, v in resp.getheaders()
                           if k.lower() not in HOP_BY_HOP and (head or k.lower() != "content-length")]
                return resp.status, headers, data
            finally:
                conn.close()

    return Handler


def page(key, items, params):
    """One page of a List/Describe answer: `nextToken` is the offset of the next page."""
    start = int(params.get("nextToken") or 0)
    size = params.get("maxResults") or 100
    out = {key: items[start:start + size]}
    if start + size < len(items):
        out["nextToken"] = str(start + size)
    return out


def subject(params):
    return params.get("flowName") or params.get("connectorProfileName") or params.get("resourceArn")


def main(argv=None):
    global LOG
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--moto", required=True, help="moto server URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--bootstrap", help="the Lambda bootstrap binary Invoke runs")
    parser.add_argument("--deny-first-start", type=int, default=0, metavar="N",
                        help="answer AccessDeniedException to the first N StartFlow calls")
    parser.add_argument("--log", help="append one JSON line per request/event here")
    args = parser.parse_args(argv)

    LOG = Log(args.log)
    model = Model()
    moto = Moto(args.moto)
    appflow = AppFlow(model, moto, args.deny_first_start)
    bootstrap = os.path.abspath(args.bootstrap) if args.bootstrap else None
    runner = LambdaRunner(moto, bootstrap, args.port)
    server = Server(("127.0.0.1", args.port), make_handler(model, appflow, runner, moto))
    runner.own_port = server.server_address[1]  # --port 0 picks a free port
    LOG.write(event="start", port=server.server_address[1], moto=args.moto, bootstrap=bootstrap)
    print(f"fake-appflow: listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
