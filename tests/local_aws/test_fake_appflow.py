#!/usr/bin/env python3
"""Tests of scripts/fake-appflow.py against a real moto server, through boto3 clients.

    .venv/local-aws/bin/python tests/local_aws/test_fake_appflow.py        (or scripts/fake-appflow-test.sh)

Uses the moto at AWS_ENDPOINT_URL if set, else starts its own moto server (the local-aws venv's
`moto_server`) on a free port and stops it at the end. Starts the fake on free ports. Names are
unique per run, so a shared moto is fine. Ends with a line `N passed, N failed`.
"""

import base64
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
import io

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, ".venv", "local-aws", "bin")
FAKE = os.path.join(ROOT, "scripts", "fake-appflow.py")
REGION = "us-east-1"
ACCOUNT = "123456789012"
RUN = uuid.uuid4().hex[:8]
# A JWT-shaped value (header.payload.signature) that the model's JwtToken pattern accepts.
GOOD_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhYmMiLCJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl_-+/="
# base64url may put '-' in the payload segment: the model's pattern refuses it there.
DASH_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3Mi-abc.c2lnbmF0dXJl"

SOURCE_ACTIONS = ["s3:ListBucket", "s3:GetObject"]
WRITE_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                 "s3:ListBucketMultipartUploads", "s3:GetBucketAcl", "s3:PutObjectAcl"]

# A stand-in for our Rust bootstrap: the Lambda Runtime API loop, in Python.
TEST_BOOTSTRAP = textwrap.dedent("""\
    #!/usr/bin/env python3
    import json, os, time, urllib.request
    base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
    while True:
        with urllib.request.urlopen(base + "/invocation/next") as r:
            rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
            arn = r.headers["Lambda-Runtime-Invoked-Function-Arn"]
            deadline = r.headers["Lambda-Runtime-Deadline-Ms"]
            event = json.loads(r.read() or b"{}")
        print("handling " + rid, flush=True)
        time.sleep(event.get("sleep", 0))
        if event.get("fail"):
            body, url = {"errorType": "GuardError", "errorMessage": event["fail"]}, "/error"
        else:
            body = {"handler": os.environ.get("_HANDLER"), "event": event, "arn": arn,
                    "deadline": deadline, "greeting": os.environ.get("GREETING"),
                    "appflow": os.environ.get("AWS_ENDPOINT_URL_APPFLOW"),
                    "log_format": os.environ.get("AWS_LAMBDA_LOG_FORMAT")}
            url = "/response"
        req = urllib.request.Request(base + "/invocation/" + rid + url,
                                     data=json.dumps(body).encode(), method="POST")
        urllib.request.urlopen(req).read()
    """)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Env:
    """The processes under test: moto (unless given) and two fakes."""
    moto_url = None
    moto_proc = None
    tmp = None
    fakes = []

    @classmethod
    def start(cls):
        cls.tmp = tempfile.mkdtemp(prefix="fake-appflow-test-")
        cls.moto_url = os.environ.get("AWS_ENDPOINT_URL")
        if not cls.moto_url:
            port = free_port()
            cls.moto_proc = subprocess.Popen(
                [os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                stdout=open(os.path.join(cls.tmp, "moto.log"), "w"), stderr=subprocess.STDOUT,
                env=dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="false"))
            cls.moto_url = f"http://127.0.0.1:{port}"
            wait_http(cls.moto_url + "/moto-api/data.json", cls.moto_proc)
        cls.bootstrap = os.path.join(cls.tmp, "bootstrap")
        with open(cls.bootstrap, "w") as f:
            f.write(TEST_BOOTSTRAP)
        os.chmod(cls.bootstrap, 0o755)
        cls.log = os.path.join(cls.tmp, "fake.log")
        cls.fake_url = cls.start_fake([])
        cls.deny_url = cls.start_fake(["--deny-first-start", "1"])

    @classmethod
    def start_fake(cls, extra):
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, FAKE, "--port", str(port), "--moto", cls.moto_url,
             "--bootstrap", cls.bootstrap, "--log", cls.log] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = proc.stdout.readline().strip()
        if line != f"fake-appflow: listening on 127.0.0.1:{port}":
            proc.kill()
            raise RuntimeError(f"fake-appflow did not start: {line!r} {proc.stdout.read()}")
        cls.fakes.append(proc)
        return f"http://127.0.0.1:{port}"

    @classmethod
    def stop(cls):
        for proc in cls.fakes + ([cls.moto_proc] if cls.moto_proc else []):
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()


def client(service, endpoint, **config):
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}, **config))


def appflow(endpoint=None):
    # Client-side validation off: the fake is what must refuse bad input.
    return client("appflow", endpoint or Env.fake_url, parameter_validation=False)


def moto(service):
    return client(service, Env.moto_url, s3={"addressing_style": "path"})


def name(kind):
    return f"t{RUN}-{kind}-{uuid.uuid4().hex[:6]}"


def statement(bucket, prefix, actions, condition=None):
    st = {"Sid": "AppFlow", "Effect": "Allow", "Principal": {"Service": "appflow.amazonaws.com"},
          "Action": actions,
          "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/{prefix}*"]}
    if condition:
        st["Condition"] = condition
    return st


def make_bucket(actions, prefix="", condition=None, deny_insecure=True, objects=()):
    """A bucket whose policy grants AppFlow `actions`, holding `objects`. The objects are put
    before the policy: moto applies a bucket policy's Deny to object operations without
    evaluating its Condition, so the TLS-only statement would refuse moto's plain-HTTP puts."""
    bucket = name("bkt")
    s3 = moto("s3")
    s3.create_bucket(Bucket=bucket)
    for key in objects:
        s3.put_object(Bucket=bucket, Key=key, Body=b"Id,Sync_Status__c\n")
    statements = [statement(bucket, prefix, actions, condition)]
    if deny_insecure:  # what our modules add: TLS only (must not block AppFlow)
        statements.append({"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                           "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17",
                                                           "Statement": statements}))
    return bucket


def jwt_profile(af, profile_name, jwt=GOOD_JWT):
    return af.create_connector_profile(
        connectorProfileName=profile_name, connectorType="Salesforce", connectionMode="Public",
        connectorProfileConfig={
            "connectorProfileProperties": {"Salesforce": {
                "instanceUrl": "https://example.my.salesforce.com", "isSandboxEnvironment": False}},
            "connectorProfileCredentials": {"Salesforce": {
                "oAuth2GrantType": "JWT_BEARER", "jwtToken": jwt}},
        })


def event_flow(flow_name, profile, description=None, error_bucket=None):
    """Salesforce platform event -> EventBridge partner source (our inbound flow)."""
    eb = {"object": f"aws.partner/appflow/salesforce.com/{ACCOUNT}/{flow_name}"}
    if error_bucket:
        eb["errorHandlingConfig"] = {"bucketName": error_bucket, "bucketPrefix": "large-events",
                                     "failOnFirstDestinationError": False}
    args = dict(
        flowName=flow_name,
        triggerConfig={"triggerType": "Event"},
        sourceFlowConfig={"connectorType": "Salesforce", "connectorProfileName": profile,
                          "sourceConnectorProperties": {"Salesforce": {"object": "Config_Change__e"}}},
        destinationFlowConfigList=[{"connectorType": "EventBridge",
                                    "destinationConnectorProperties": {"EventBridge": eb}}],
        tasks=[{"sourceFields": [], "taskType": "Map_all", "connectorOperator": {"Salesforce": "NO_OP"}}],
    )
    if description is not None:
        args["description"] = description
    return args


def upsert_flow(flow_name, profile, bucket, prefix="status", error_bucket=None, trigger=None):
    """S3 status CSVs -> Salesforce upsert (our outbound flow)."""
    sf = {"object": "Config_Request__c", "writeOperationType": "UPSERT", "idFieldNames": ["Id"]}
    if error_bucket:
        sf["errorHandlingConfig"] = {"bucketName": error_bucket, "bucketPrefix": "errors",
                                     "failOnFirstDestinationError": False}
    return dict(
        flowName=flow_name,
        triggerConfig=trigger or {"triggerType": "Scheduled", "triggerProperties": {"Scheduled": {
            "scheduleExpression": "rate(5minutes)", "dataPullMode": "Incremental"}}},
        sourceFlowConfig={"connectorType": "S3", "sourceConnectorProperties": {"S3": {
            "bucketName": bucket, "bucketPrefix": prefix,
            "s3InputFormatConfig": {"s3InputFileType": "CSV"}}}},
        destinationFlowConfigList=[{"connectorType": "Salesforce", "connectorProfileName": profile,
                                    "destinationConnectorProperties": {"Salesforce": sf}}],
        tasks=[{"sourceFields": ["Id", "Sync_Status__c"], "taskType": "Filter",
                "connectorOperator": {"S3": "PROJECTION"}},
               {"sourceFields": ["Id"], "destinationField": "Id", "taskType": "Map",
                "connectorOperator": {"S3": "NO_OP"},
                "taskProperties": {"SOURCE_DATA_TYPE": "string", "DESTINATION_DATA_TYPE": "string"}}],
    )


SWEEP_FIELDS = {"Id": "id", "CreatedDate": "datetime", "Action__c": "picklist", "Region__c": "string",
                "Config_Type__c": "picklist", "Config_Key__c": "string", "Name__c": "string",
                "Message__c": "textarea", "Open_Time__c": "string", "Close_Time__c": "string",
                "Time_Zone__c": "string", "Requested_By__c": "email"}


def sweep_flow(flow_name, profile, bucket, prefix="sweep", schedule="rate(15minutes)"):
    """Salesforce Config_Request__c -> S3 JSON, scheduled, full pull, filtered to Needs_Sync__c
    (our catch-up flow, modules/inbound)."""
    tasks = [{"sourceFields": list(SWEEP_FIELDS) + ["Needs_Sync__c"], "taskType": "Filter",
              "connectorOperator": {"Salesforce": "PROJECTION"}},
             {"sourceFields": ["Needs_Sync__c"], "taskType": "Filter", "connectorOperator": {"Salesforce": "EQUAL_TO"},
              "taskProperties": {"DATA_TYPE": "boolean", "VALUE": "true"}}]
    tasks += [{"sourceFields": [f], "destinationField": f, "taskType": "Map", "connectorOperator": {"Salesforce": "NO_OP"},
               "taskProperties": {"SOURCE_DATA_TYPE": t, "DESTINATION_DATA_TYPE": t}} for f, t in SWEEP_FIELDS.items()]
    return dict(
        flowName=flow_name,
        description="Config_Request__c records without a status to the inbound bucket, sfbridge step 17 catch-up",
        triggerConfig={"triggerType": "Scheduled", "triggerProperties": {"Scheduled": {
            "scheduleExpression": schedule, "dataPullMode": "Complete"}}},
        sourceFlowConfig={"connectorType": "Salesforce", "connectorProfileName": profile,
                          "sourceConnectorProperties": {"Salesforce": {
                              "object": "Config_Request__c", "dataTransferApi": "REST_SYNC",
                              "enableDynamicFieldUpdate": False, "includeDeletedRecords": False}}},
        destinationFlowConfigList=[{"connectorType": "S3", "destinationConnectorProperties": {"S3": {
            "bucketName": bucket, "bucketPrefix": prefix,
            "s3OutputFormatConfig": {"fileType": "JSON", "aggregationConfig": {"aggregationType": "None"}}}}}],
        tasks=tasks,
    )


def fake_run(flow_name, records, endpoint=None):
    req = urllib.request.Request((endpoint or Env.fake_url) + "/_fake-appflow/run", method="POST",
                                 data=json.dumps({"flowName": flow_name, "region": REGION, "records": records}).encode())
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def s3_via_fake():
    return client("s3", Env.fake_url, s3={"addressing_style": "path"})


def policy_through_fake(bucket, statements):
    """The bucket policy written as Terraform writes it (through the fake: moto keeps it without
    the TLS-only Deny it would misapply to plain-HTTP object requests)."""
    tls = {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
           "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
           "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    s3_via_fake().put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17",
                                                                       "Statement": [tls] + statements}))


class FakeAppFlowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.af = appflow()
        cls.profile = name("profile")
        jwt_profile(cls.af, cls.profile)

    def assertAwsError(self, code, call, *args, contains=None, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        if contains:
            self.assertIn(contains, err["Message"])
        return cm.exception

    # ---- connector profiles

    def test_client_credentials_profile_refused_like_aws(self):
        self.assertAwsError(
            "ValidationException", self.af.create_connector_profile,
            connectorProfileName=name("cc"), connectorType="Salesforce", connectionMode="Public",
            connectorProfileConfig={
                "connectorProfileProperties": {"Salesforce": {"instanceUrl": "https://x.my.salesforce.com"}},
                "connectorProfileCredentials": {"Salesforce": {
                    "oAuth2GrantType": "CLIENT_CREDENTIALS",
                    "clientCredentialsArn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:sf-abc"}}},
            contains="AuthCode cannot be blank for connector: SALESFORCE")

    def test_jwt_profile_created_and_described_without_credentials(self):
        profile = name("jwt")
        arn = jwt_profile(self.af, profile)["connectorProfileArn"]
        self.assertEqual(arn, f"arn:aws:appflow:{REGION}:{ACCOUNT}:connectorprofile/{profile}")
        details = self.af.describe_connector_profiles(connectorProfileNames=[profile])["connectorProfileDetails"]
        self.assertEqual(len(details), 1)
        d = details[0]
        self.assertEqual(d["connectorProfileArn"], arn)
        self.assertEqual(d["connectorType"], "Salesforce")
        self.assertEqual(d["connectionMode"], "Public")
        self.assertTrue(d["credentialsArn"].startswith(f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"))
        self.assertEqual(d["connectorProfileProperties"], {"Salesforce": {
            "instanceUrl": "https://example.my.salesforce.com", "isSandboxEnvironment": False}})
        self.assertIsInstance(d["createdAt"], datetime.datetime)
        dumped = json.dumps(d, default=str)
        self.assertNotIn(GOOD_JWT.split(".")[1], dumped)
        self.assertNotIn("jwtToken", dumped)
        # The provider finds its profile by ARN in an unfiltered listing.
        arns = [p["connectorProfileArn"] for p in self.af.describe_connector_profiles()["connectorProfileDetails"]]
        self.assertIn(arn, arns)
        self.assertAwsError("ConflictException", jwt_profile, self.af, profile)

    def test_jwt_with_dash_in_payload_refused_by_full_match_pattern(self):
        err = self.assertAwsError("ValidationException", jwt_profile, self.af, name("dash"), DASH_JWT,
                                  contains="connectorProfileConfig.connectorProfileCredentials.Salesforce.jwtToken")
        message = err.response["Error"]["Message"]
        self.assertIn("Value '***'", message)
        self.assertNotIn("eyJpc3Mi", message)

    def test_jwt_bearer_without_token_refused(self):
        self.assertAwsError(
            "ValidationException", self.af.create_connector_profile,
            connectorProfileName=name("nojwt"), connectorType="Salesforce", connectionMode="Public",
            connectorProfileConfig={"connectorProfileProperties": {"Salesforce": {}},
                                    "connectorProfileCredentials": {"Salesforce": {"oAuth2GrantType": "JWT_BEARER"}}},
            contains="JwtToken cannot be blank")

    def test_profile_kms_key_must_exist(self):
        self.assertAwsError(
            "ValidationException", self.af.create_connector_profile,
            connectorProfileName=name("kms"), connectorType="Salesforce", connectionMode="Public",
            kmsArn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000",
            connectorProfileConfig={"connectorProfileProperties": {"Salesforce": {}},
                                    "connectorProfileCredentials": {"Salesforce": {
                                        "oAuth2GrantType": "JWT_BEARER", "jwtToken": GOOD_JWT}}},
            contains="KMS key")

    # ---- generic validation

    def test_description_pattern_is_a_full_match(self):
        bucket = make_bucket(WRITE_ACTIONS)
        args = event_flow(name("desc"), self.profile, description="Salesforce (step 2)",
                          error_bucket=bucket)
        self.assertAwsError("ValidationException", self.af.create_flow, **args,
                            contains="at 'description' failed to satisfy constraint: Member must "
                                     "satisfy regular expression pattern: [\\w!@#\\-.?,\\s]*")
        args["description"] = "Salesforce to the partner bus, step 2"
        self.assertEqual(self.af.create_flow(**args)["flowStatus"], "Draft")

    def test_missing_required_and_bad_enum_reported_with_paths(self):
        err = self.assertAwsError("ValidationException", self.af.create_flow,
                                  flowName=name("req"), triggerConfig={"triggerType": "Sometimes"},
                                  sourceFlowConfig={"connectorType": "S3", "sourceConnectorProperties": {}},
                                  destinationFlowConfigList=[{"connectorType": "S3"}])
        msg = err.response["Error"]["Message"]
        self.assertIn("validation errors detected", msg)
        self.assertIn("Value null at 'tasks' failed to satisfy constraint: Member must not be null", msg)
        self.assertIn("at 'triggerConfig.triggerType' failed to satisfy constraint: Member must satisfy enum value set", msg)
        self.assertIn("Value null at 'destinationFlowConfigList.1.member.destinationConnectorProperties'", msg)

    def test_unsupported_operation_named(self):
        self.assertAwsError("UnsupportedOperationException", self.af.describe_connectors,
                            contains="DescribeConnectors")

    # ---- S3 source

    def test_s3_source_needs_a_file_in_the_prefix(self):
        # No TLS-only statement here: this test puts objects after the policy (see make_bucket).
        bucket = make_bucket(SOURCE_ACTIONS + WRITE_ACTIONS, deny_insecure=False)
        args = upsert_flow(name("empty"), self.profile, bucket, error_bucket=bucket)
        self.assertAwsError("ValidationException", self.af.create_flow, **args,
                            contains="does not contain any file")
        # A folder marker or an object beside the folder does not count.
        moto("s3").put_object(Bucket=bucket, Key="status/", Body=b"")
        moto("s3").put_object(Bucket=bucket, Key="status-other.csv", Body=b"Id\n")
        self.assertAwsError("ValidationException", self.af.create_flow, **args,
                            contains="does not contain any file")
        moto("s3").put_object(Bucket=bucket, Key="status/seed.csv", Body=b"Id,Sync_Status__c\n")
        out = self.af.create_flow(**args)
        self.assertEqual(out["flowStatus"], "Draft")
        self.assertEqual(out["flowArn"], f"arn:aws:appflow:{REGION}:{ACCOUNT}:flow/{args['flowName']}")

    def test_s3_source_policy_must_allow_list_and_get(self):
        bucket = make_bucket(["s3:GetObject"] + WRITE_ACTIONS, objects=["status/seed.csv"])
        self.assertAwsError("ValidationException", self.af.create_flow,
                            **upsert_flow(name("nolist"), self.profile, bucket, error_bucket=bucket),
                            contains="s3:ListBucket")

    def test_s3_source_policy_condition_must_match_the_flow(self):
        flow_name = name("cond")
        other = {"ArnLike": {"aws:SourceArn": f"arn:aws:appflow:{REGION}:{ACCOUNT}:flow/someone-else"}}
        bucket = make_bucket(SOURCE_ACTIONS + WRITE_ACTIONS, condition=other, objects=["status/seed.csv"])
        self.assertAwsError("ValidationException", self.af.create_flow,
                            **upsert_flow(flow_name, self.profile, bucket, error_bucket=bucket),
                            contains="does not have permission")
        # The same policy scoped to this flow (and account, with a wildcard) is accepted.
        good = {"ArnLike": {"aws:SourceArn": f"arn:aws:appflow:{REGION}:{ACCOUNT}:flow/{flow_name[:6]}*"},
                "StringEquals": {"aws:SourceAccount": ACCOUNT}}
        bucket2 = make_bucket(SOURCE_ACTIONS + WRITE_ACTIONS, condition=good, objects=["status/seed.csv"])
        self.af.create_flow(**upsert_flow(flow_name, self.profile, bucket2, error_bucket=bucket2))

    def test_salesforce_destination_error_bucket_needs_write_access(self):
        source = make_bucket(SOURCE_ACTIONS, objects=["status/seed.csv"])
        read_only = make_bucket(["s3:GetObject"])
        self.assertAwsError("ValidationException", self.af.create_flow,
                            **upsert_flow(name("errb"), self.profile, source, error_bucket=read_only),
                            contains="s3:PutObject")

    def test_missing_profile_is_resource_not_found(self):
        bucket = make_bucket(WRITE_ACTIONS)
        self.assertAwsError("ResourceNotFoundException", self.af.create_flow,
                            **event_flow(name("noprof"), name("ghost"), error_bucket=bucket),
                            contains="Connector profile")

    # ---- EventBridge destination and flow status

    def test_event_flow_starts_only_once_the_partner_bus_exists(self):
        bucket = make_bucket(WRITE_ACTIONS)
        args = event_flow(name("eb"), self.profile, error_bucket=bucket)
        self.assertEqual(self.af.create_flow(**args)["flowStatus"], "Draft")
        source = args["destinationFlowConfigList"][0]["destinationConnectorProperties"]["EventBridge"]["object"]
        self.assertAwsError("ValidationException", self.af.start_flow, flowName=args["flowName"],
                            contains="is not associated with an event bus")
        # CreateFlow made the partner event source, so the partner bus can be created (through
        # the fake, as Terraform does in the rehearsal: moto cannot hold "/" in a bus name).
        events = client("events", Env.fake_url)
        events.create_event_bus(Name=source, EventSourceName=source)
        rule = events.put_rule(Name=name("rule"), EventBusName=source, EventPattern='{"source":["x"]}')
        self.assertEqual(rule["RuleArn"].split(":rule/")[1].rsplit("/", 1)[0], source)
        self.assertEqual(events.describe_event_bus(Name=source)["Name"], source)
        out = self.af.start_flow(flowName=args["flowName"])
        self.assertEqual(out["flowStatus"], "Active")
        self.assertEqual(self.af.describe_flow(flowName=args["flowName"])["flowStatus"], "Active")
        self.assertAwsError("ConflictException", self.af.start_flow, flowName=args["flowName"])
        self.assertEqual(self.af.stop_flow(flowName=args["flowName"])["flowStatus"], "Suspended")
        self.assertEqual(self.af.start_flow(flowName=args["flowName"])["flowStatus"], "Active")
        # UpdateFlow revalidates and keeps the status.
        args["description"] = "updated"
        self.assertEqual(self.af.update_flow(**args)["flowStatus"], "Active")
        self.assertEqual(self.af.describe_flow(flowName=args["flowName"])["description"], "updated")

    def test_describe_round_trips_what_was_created(self):
        key = moto("kms").create_key()["KeyMetadata"]["Arn"]
        bucket = make_bucket(SOURCE_ACTIONS + WRITE_ACTIONS, objects=["status/seed.csv"])
        start = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        args = upsert_flow(name("rt"), self.profile, bucket, error_bucket=bucket, trigger={
            "triggerType": "Scheduled", "triggerProperties": {"Scheduled": {
                "scheduleExpression": "rate(1hours)", "dataPullMode": "Incremental",
                "scheduleStartTime": start}}})
        args.update(description="Status CSVs to Config_Request__c, steps 8-9", kmsArn=key,
                    tags={"project": "sfbridge", "env": "dev"})
        created = self.af.create_flow(**args)
        described = self.af.describe_flow(flowName=args["flowName"])
        for key_name in ("sourceFlowConfig", "destinationFlowConfigList", "tasks", "triggerConfig",
                         "description", "kmsArn", "tags"):
            self.assertEqual(described[key_name], args[key_name], key_name)
        self.assertEqual(described["flowArn"], created["flowArn"])
        self.assertEqual(described["flowName"], args["flowName"])
        self.assertEqual(described["flowStatus"], "Draft")
        self.assertIsInstance(described["createdAt"], datetime.datetime)
        self.assertIsInstance(described["lastUpdatedAt"], datetime.datetime)
        self.assertIn("createdBy", described)
        self.assertNotIn("lastRunExecutionDetails", described)
        listed = {f["flowName"]: f for f in self.af.list_flows()["flows"]}
        self.assertEqual(listed[args["flowName"]]["triggerType"], "Scheduled")
        self.assertEqual(listed[args["flowName"]]["sourceConnectorType"], "S3")

    def test_flow_kms_key_must_exist(self):
        bucket = make_bucket(WRITE_ACTIONS)
        args = event_flow(name("fkms"), self.profile, error_bucket=bucket)
        args["kmsArn"] = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-1111-1111-1111-111111111111"
        self.assertAwsError("ValidationException", self.af.create_flow, **args, contains="KMS key")

    def test_tags(self):
        bucket = make_bucket(WRITE_ACTIONS)
        args = event_flow(name("tags"), self.profile, error_bucket=bucket)
        args["tags"] = {"a": "1"}
        arn = self.af.create_flow(**args)["flowArn"]
        self.assertEqual(self.af.list_tags_for_resource(resourceArn=arn)["tags"], {"a": "1"})
        self.af.tag_resource(resourceArn=arn, tags={"b": "2"})
        self.af.untag_resource(resourceArn=arn, tagKeys=["a"])
        self.assertEqual(self.af.list_tags_for_resource(resourceArn=arn)["tags"], {"b": "2"})
        self.assertEqual(self.af.describe_flow(flowName=args["flowName"])["tags"], {"b": "2"})
        self.assertAwsError("ValidationException", self.af.tag_resource, resourceArn=arn,
                            tags={"aws:reserved": "x"}, contains="tags.key")
        self.assertAwsError("ResourceNotFoundException", self.af.list_tags_for_resource,
                            resourceArn=f"arn:aws:appflow:{REGION}:{ACCOUNT}:flow/nope-{RUN}")

    def test_delete_and_unknown_flow(self):
        bucket = make_bucket(WRITE_ACTIONS)
        args = event_flow(name("del"), self.profile, error_bucket=bucket)
        self.af.create_flow(**args)
        self.assertAwsError("ConflictException", self.af.create_flow, **args)
        self.af.delete_flow(flowName=args["flowName"], forceDelete=True)
        self.assertAwsError("ResourceNotFoundException", self.af.describe_flow, flowName=args["flowName"])
        self.assertAwsError("ResourceNotFoundException", self.af.start_flow, flowName=f"nope-{RUN}")
        self.assertAwsError("ResourceNotFoundException", self.af.delete_flow, flowName=f"nope-{RUN}")

    def test_profile_in_use_cannot_be_deleted(self):
        profile = name("inuse")
        jwt_profile(self.af, profile)
        bucket = make_bucket(WRITE_ACTIONS)
        self.af.create_flow(**event_flow(name("user"), profile, error_bucket=bucket))
        self.assertAwsError("ConflictException", self.af.delete_connector_profile, connectorProfileName=profile)
        self.af.delete_connector_profile(connectorProfileName=profile, forceDelete=True)

    def test_deny_first_start_then_allow(self):
        af = appflow(Env.deny_url)
        profile = name("deny")
        jwt_profile(af, profile)
        source = make_bucket(SOURCE_ACTIONS + WRITE_ACTIONS, objects=["status/seed.csv"])
        args = upsert_flow(name("ondemand"), profile, source, error_bucket=source,
                           trigger={"triggerType": "OnDemand"})
        self.assertEqual(af.create_flow(**args)["flowStatus"], "Active")
        err = self.assertAwsError("AccessDeniedException", af.start_flow, flowName=args["flowName"])
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        out = af.start_flow(flowName=args["flowName"])
        self.assertEqual(out["flowStatus"], "Active")
        self.assertTrue(out["executionId"])
        self.assertAwsError("UnsupportedOperationException", af.stop_flow, flowName=args["flowName"])


class ScheduledSalesforceToS3Test(unittest.TestCase):
    """The catch-up flow's shape: a scheduled, full-pull Salesforce -> S3 JSON flow."""

    @classmethod
    def setUpClass(cls):
        cls.af = appflow()
        cls.profile = name("sweep-profile")
        jwt_profile(cls.af, cls.profile)

    def bucket(self, prefix="sweep/"):
        bucket = name("inbound")
        moto("s3").create_bucket(Bucket=bucket)
        policy_through_fake(bucket, [statement(bucket, prefix, WRITE_ACTIONS,
                                               {"StringEquals": {"aws:SourceAccount": ACCOUNT}})])
        return bucket

    def test_destination_policy_must_let_appflow_write_under_the_prefix(self):
        bucket = self.bucket(prefix="large-events/")  # AppFlow may write elsewhere only
        err = self.assertRaises_(self.af.create_flow, **sweep_flow(name("sweep"), self.profile, bucket))
        self.assertEqual(err["Code"], "ValidationException")
        self.assertIn("does not have permission to write to the S3 bucket", err["Message"])
        self.assertIn("prefix 'sweep/'", err["Message"])

    def test_created_in_draft_activated_and_described_as_sent(self):
        bucket = self.bucket()
        args = sweep_flow(name("sweep"), self.profile, bucket)
        self.assertEqual(self.af.create_flow(**args)["flowStatus"], "Draft")
        out = self.af.start_flow(flowName=args["flowName"])
        self.assertEqual(out["flowStatus"], "Active")
        # The model: executionId is null for scheduled flows (only on-demand runs have one).
        self.assertIsNone(out.get("executionId"))
        described = self.af.describe_flow(flowName=args["flowName"])
        for key in ("sourceFlowConfig", "destinationFlowConfigList", "tasks", "triggerConfig", "description"):
            self.assertEqual(described[key], args[key], key)
        summary = {f["flowName"]: f for f in self.af.list_flows()["flows"]}[args["flowName"]]
        self.assertEqual((summary["sourceConnectorType"], summary["destinationConnectorType"], summary["triggerType"]),
                         ("Salesforce", "S3", "Scheduled"))

    def test_model_constraints_of_the_scheduled_s3_flow(self):
        bucket = self.bucket()
        args = sweep_flow(name("sweep"), self.profile, bucket)
        args["triggerConfig"]["triggerProperties"]["Scheduled"]["dataPullMode"] = "Full"
        err = self.assertRaises_(self.af.create_flow, **args)
        self.assertIn("dataPullMode' failed to satisfy constraint: Member must satisfy enum value set: "
                      "[Incremental, Complete]", err["Message"])
        args = sweep_flow(name("sweep"), self.profile, bucket)
        args["destinationFlowConfigList"][0]["destinationConnectorProperties"]["S3"]["s3OutputFormatConfig"]["fileType"] = "JSONL"
        args["sourceFlowConfig"]["sourceConnectorProperties"]["Salesforce"]["dataTransferApi"] = "REST"
        err = self.assertRaises_(self.af.create_flow, **args)
        self.assertIn("2 validation errors detected", err["Message"])
        self.assertIn("s3OutputFormatConfig.fileType' failed to satisfy constraint: Member must satisfy enum value set: "
                      "[CSV, JSON, PARQUET]", err["Message"])
        self.assertIn("dataTransferApi' failed to satisfy constraint", err["Message"])
        args = sweep_flow(name("sweep"), self.profile, bucket)
        args["tasks"][1]["connectorOperator"] = {"Salesforce": "EQUALS"}
        err = self.assertRaises_(self.af.create_flow, **args)
        self.assertIn("tasks.2.member.connectorOperator.Salesforce", err["Message"])

    def test_a_run_writes_the_records_that_pass_as_json_lines_under_the_prefix(self):
        bucket = self.bucket()
        args = sweep_flow(name("sweep"), self.profile, bucket)
        self.af.create_flow(**args)
        with self.assertRaises(urllib.error.HTTPError) as cm:  # Draft: no run
            fake_run(args["flowName"], [])
        self.assertEqual(cm.exception.code, 409)
        self.af.start_flow(flowName=args["flowName"])
        lost = {"Id": "a0B000000000001AAA", "CreatedDate": "2026-06-01T10:00:00.000+0000", "Action__c": "ADD",
                "Region__c": "emea-uk", "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25",
                "Name__c": "Christmas", "Needs_Sync__c": True, "Sync_Status__c": None, "OwnerId": "005x"}
        done = dict(lost, Id="a0B000000000002AAA", Needs_Sync__c=False, Sync_Status__c="Success")
        out = fake_run(args["flowName"], [lost, done])
        self.assertEqual(out["records"], 1)
        self.assertTrue(out["key"].startswith(f"sweep/{args['flowName']}/{out['executionId']}/"), out)
        body = moto("s3").get_object(Bucket=bucket, Key=out["key"])["Body"].read().decode()
        lines = body.splitlines()
        self.assertEqual(len(lines), 1)
        # Only mapped fields: not the filter's field, not unprojected ones.
        self.assertEqual(json.loads(lines[0]), {k: v for k, v in lost.items() if k in SWEEP_FIELDS})
        nothing = fake_run(args["flowName"], [done])
        self.assertEqual((nothing["records"], nothing["key"]), (0, None))  # nothing to transfer: no file

    def assertRaises_(self, call, **kwargs):
        with self.assertRaises(ClientError) as cm:
            call(**kwargs)
        return cm.exception.response["Error"]


class BucketNotificationTest(unittest.TestCase):
    """PutBucketNotificationConfiguration to SQS, checked as S3 checks it (the catch-up files'
    notification to the KMS-encrypted ingest queue)."""

    def setUp(self):
        self.s3 = s3_via_fake()
        self.sqs = moto("sqs")
        self.bucket = name("notify")
        moto("s3").create_bucket(Bucket=self.bucket)

    def queue(self, policy_statements=(), kms_key=None):
        attrs = {"KmsMasterKeyId": kms_key} if kms_key else {}
        url = self.sqs.create_queue(QueueName=name("q"), Attributes=attrs)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        if policy_statements:
            self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
                "Version": "2012-10-17", "Statement": [dict(st, Resource=arn) for st in policy_statements]})})
        return url, arn

    def s3_may_send(self, bucket=None):
        return {"Sid": "CatchUpFilesNotify", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{bucket or self.bucket}"},
                              "StringEquals": {"aws:SourceAccount": ACCOUNT}}}

    def key(self, s3_statement):
        statements = [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                       "Action": "kms:*", "Resource": "*"}] + ([s3_statement] if s3_statement else [])
        return moto("kms").create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))["KeyMetadata"]["Arn"]

    def put(self, arn, prefix="sweep/"):
        return self.s3.put_bucket_notification_configuration(Bucket=self.bucket, NotificationConfiguration={
            "QueueConfigurations": [{"Id": "catch-up-files", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                                     "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}}}]})

    def refused(self, arn, reason):
        with self.assertRaises(ClientError) as cm:
            self.put(arn)
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(err["Error"]["Code"], "InvalidArgument")
        self.assertEqual(err["Error"]["Message"], "Unable to validate the following destination configurations")
        self.assertIn(reason, err["Error"]["ArgumentValue1"])  # S3 names each destination it refused
        self.assertNotIn("QueueConfigurations", moto("s3").get_bucket_notification_configuration(Bucket=self.bucket))

    def test_a_queue_without_a_policy_for_s3_is_refused(self):
        _, arn = self.queue()
        self.refused(arn, "Permissions on the destination queue do not allow S3 to publish notifications from this bucket")

    def test_a_policy_for_another_bucket_is_refused(self):
        _, arn = self.queue([self.s3_may_send(bucket="someone-elses-bucket")])
        self.refused(arn, "Permissions on the destination queue do not allow S3")

    def test_a_missing_queue_is_refused(self):
        self.refused(f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name('nope')}", "does not exist")

    def test_a_customer_key_must_let_s3_encrypt(self):
        _, arn = self.queue([self.s3_may_send()], kms_key=self.key(None))
        self.refused(arn, "kms:GenerateDataKey, kms:Decrypt")
        _, arn = self.queue([self.s3_may_send()], kms_key="alias/aws/sqs")
        self.refused(arn, "AWS managed key alias/aws/sqs")

    def test_accepted_then_s3_tests_the_queue_and_notifies_only_under_the_prefix(self):
        s3_key = {"Sid": "S3NotifiesEncryptedQueues", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                  "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}
        url, arn = self.queue([self.s3_may_send()], kms_key=self.key(s3_key))
        self.put(arn)
        got = self.s3.get_bucket_notification_configuration(Bucket=self.bucket)["QueueConfigurations"]
        self.assertEqual([(q["QueueArn"], q["Events"]) for q in got], [(arn, ["s3:ObjectCreated:*"])])
        moto("s3").put_object(Bucket=self.bucket, Key="large-events/x.json", Body=b"{}")
        moto("s3").put_object(Bucket=self.bucket, Key="sweep/flow/run/part-00000.json", Body=b"{}\n")
        bodies = [json.loads(m["Body"]) for m in self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])]
        self.assertEqual([b.get("Event") for b in bodies if "Event" in b], ["s3:TestEvent"])
        created = [urllib.parse.unquote_plus(r["s3"]["object"]["key"]) for b in bodies for r in b.get("Records", [])]
        self.assertEqual(created, ["sweep/flow/run/part-00000.json"])
        # Removing the configuration (Terraform's destroy: an empty one) needs no destination check.
        self.s3.put_bucket_notification_configuration(Bucket=self.bucket, NotificationConfiguration={})


class LambdaProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lam = client("lambda", Env.fake_url)
        role = moto("iam").create_role(
            RoleName=name("role"), AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("bootstrap", "not run: the fake runs --bootstrap")
        cls.function = name("flow-guard")
        cls.created = cls.lam.create_function(
            FunctionName=cls.function, Runtime="provided.al2023", Role=role["Role"]["Arn"],
            Handler="flow-guard", Code={"ZipFile": buf.getvalue()}, Timeout=2,
            Environment={"Variables": {"GREETING": "hello"}})

    def test_management_calls_are_forwarded_to_moto(self):
        self.assertEqual(self.created["FunctionName"], self.function)
        # moto holds it: read it back directly from moto, and through the fake.
        direct = moto("lambda").get_function_configuration(FunctionName=self.function)
        proxied = self.lam.get_function_configuration(FunctionName=self.function)
        self.assertEqual(direct["FunctionArn"], proxied["FunctionArn"])
        with self.assertRaises(ClientError) as cm:
            self.lam.get_function(FunctionName=f"nope-{RUN}")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_invoke_runs_the_bootstrap(self):
        out = self.lam.invoke(FunctionName=self.function, Payload=json.dumps({"action": "check"}),
                              LogType="Tail")
        self.assertEqual(out["StatusCode"], 200)
        self.assertNotIn("FunctionError", out)
        self.assertEqual(out["ExecutedVersion"], "$LATEST")
        body = json.loads(out["Payload"].read())
        self.assertEqual(body["handler"], "flow-guard")
        self.assertEqual(body["event"], {"action": "check"})
        self.assertEqual(body["greeting"], "hello")
        self.assertEqual(body["log_format"], "JSON")
        self.assertEqual(body["appflow"], Env.fake_url)
        self.assertTrue(body["arn"].endswith(":function:" + self.function))
        self.assertIn("handling ", base64.b64decode(out["LogResult"]).decode())

    def test_invoke_error_is_an_unhandled_function_error(self):
        out = self.lam.invoke(FunctionName=self.function, Payload=json.dumps({"fail": "no flow_name"}))
        self.assertEqual(out["StatusCode"], 200)
        self.assertEqual(out["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(out["Payload"].read()),
                         {"errorType": "GuardError", "errorMessage": "no flow_name"})

    def test_invoke_respects_the_function_timeout(self):
        started = time.time()
        out = self.lam.invoke(FunctionName=self.function, Payload=json.dumps({"sleep": 10}))
        self.assertLess(time.time() - started, 8)
        self.assertEqual(out["FunctionError"], "Unhandled")
        body = json.loads(out["Payload"].read())
        self.assertEqual(body["errorType"], "Sandbox.Timedout")
        self.assertIn("timed out after 2.00 seconds", body["errorMessage"])

    def test_function_settings_moto_drops_are_answered_back_until_removed(self):
        dlq = moto("sqs").create_queue(QueueName=name("fn-dlq"))["QueueUrl"]
        arn = moto("sqs").get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.lam.update_function_configuration(FunctionName=self.function, DeadLetterConfig={"TargetArn": arn})
        cfg = self.lam.get_function_configuration(FunctionName=self.function)
        self.assertEqual(cfg["DeadLetterConfig"], {"TargetArn": arn})
        self.lam.update_function_configuration(FunctionName=self.function, DeadLetterConfig={"TargetArn": ""})
        self.assertNotIn("DeadLetterConfig", self.lam.get_function_configuration(FunctionName=self.function))

    def test_function_settings_are_kept_per_region(self):
        # A second region's connect-lookup has the home one's name: Lambda names are unique per
        # region only, so what the fake answers back must be too.
        kms = {r: boto3.client("kms", region_name=r, endpoint_url=Env.moto_url,
                               aws_access_key_id="test", aws_secret_access_key="test") for r in (REGION, "eu-west-1")}
        keys = {r: k.create_key()["KeyMetadata"]["Arn"] for r, k in kms.items()}
        role = moto("iam").get_role(RoleName=self.created["Role"].rsplit("/", 1)[-1])["Role"]["Arn"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("bootstrap", "not run")
        fn = name("connect-lookup")
        lams = {r: boto3.client("lambda", region_name=r, endpoint_url=Env.fake_url,
                                aws_access_key_id="test", aws_secret_access_key="test") for r in keys}
        for r, lam in lams.items():
            lam.create_function(FunctionName=fn, Runtime="provided.al2023", Role=role, Handler="connect-lookup",
                                Code={"ZipFile": buf.getvalue()}, KMSKeyArn=keys[r])
        for r, lam in lams.items():
            self.assertEqual(lam.get_function_configuration(FunctionName=fn)["KMSKeyArn"], keys[r], r)
            self.assertEqual(lam.get_function(FunctionName=fn)["Configuration"]["KMSKeyArn"], keys[r], r)

    def test_sqs_redrive_policies_are_answered_back_as_set(self):
        # moto 5.2 drops RedriveAllowPolicy; the fake keeps what was set and answers it back.
        sqs = client("sqs", Env.fake_url)
        policy = json.dumps({"redrivePermission": "byQueue",
                             "sourceQueueArns": [f"arn:aws:sqs:us-east-1:123456789012:{name('src')}"]})
        dlq = name("dlq")
        url = sqs.create_queue(QueueName=dlq, Attributes={"RedriveAllowPolicy": policy})["QueueUrl"]
        self.assertEqual(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["RedriveAllowPolicy"], policy)
        self.assertNotIn("RedriveAllowPolicy", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedriveAllowPolicy": ""})
        self.assertNotIn("RedriveAllowPolicy", sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"])
        self.assertEqual(moto("sqs").get_queue_url(QueueName=dlq)["QueueUrl"].rsplit("/", 1)[-1], dlq)
        # A RedrivePolicy comes back as it was set (moto re-serialises it with spaces).
        redrive = json.dumps({"deadLetterTargetArn": sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"], "maxReceiveCount": 5}, separators=(",", ":"))
        src = sqs.create_queue(QueueName=name("src"), Attributes={"RedrivePolicy": redrive})["QueueUrl"]
        self.assertEqual(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"], redrive)

    def test_other_services_are_forwarded(self):
        s3 = client("s3", Env.fake_url, s3={"addressing_style": "path"})
        bucket = name("fwd")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"payload")
        self.assertEqual(s3.head_object(Bucket=bucket, Key="k")["ContentLength"], 7)
        self.assertEqual(moto("s3").get_object(Bucket=bucket, Key="k")["Body"].read(), b"payload")


def main():
    Env.start()
    try:
        suite = unittest.TestSuite()
        loader = unittest.TestLoader()
        suite.addTests(loader.loadTestsFromTestCase(FakeAppFlowTest))
        suite.addTests(loader.loadTestsFromTestCase(ScheduledSalesforceToS3Test))
        suite.addTests(loader.loadTestsFromTestCase(BucketNotificationTest))
        suite.addTests(loader.loadTestsFromTestCase(LambdaProxyTest))
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    finally:
        Env.stop()
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    if failed:
        print(f"fake-appflow log: {Env.log}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or result.testsRun == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
