#!/usr/bin/env python3
"""Tests of scripts/redrive.py (make redrive): the ingest DLQ redrive and the stream replay.

Run through scripts/redrive-test.sh (starts moto with scripts/local-aws.sh run, picks the pinned
venv). Stdlib unittest. Queues, the table, its stream and STS are moto's. What moto 5.2.1 lacks
is played by one local endpoint here (FakeAws), which forwards everything else to moto byte for
byte:

- SQS StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask (moto answers 500):
  each request is checked against the botocore SQS model (required members, no unknown ones,
  types) and the documented limit of 500 messages per second; a task moves the messages in moto
  for real, and a test picks how it ends (COMPLETED, FAILED, already RUNNING, AccessDenied);
- Lambda Invoke (moto needs Docker to run code): records each payload and answers what the test
  asks ({"batchItemFailures": []}, a failed sequence number, a function error);
- DynamoDB Streams GetShardIterator answering TrimmedDataAccessException when a test asks
  (moto never trims).

Without AWS_ENDPOINT_URL (no moto) the AWS tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDRIVE_PY = ROOT / "scripts/redrive.py"
REDRIVE_SH = ROOT / "scripts/redrive.sh"
MOTO = os.environ.get("AWS_ENDPOINT_URL")
REGION = "us-east-1"
ACCOUNT = "123456789012"
TMP = Path(tempfile.mkdtemp(prefix="sfbridge-redrive-test-"))
FAKE: "FakeAws | None" = None


def boto(service):
    import boto3
    return boto3.client(service, region_name=REGION, endpoint_url=MOTO)


def unique_env() -> str:
    return "t" + uuid.uuid4().hex[:8]


def run(args, *, env=None, stdin=None, timeout=120):
    """redrive.py with the fake endpoint in front of moto for SQS, Lambda and DynamoDB Streams."""
    full = {k: v for k, v in os.environ.items() if k != "AWS_PROFILE"}
    full.update({"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION})
    if FAKE:
        full.update({"AWS_ENDPOINT_URL_SQS": FAKE.url, "AWS_ENDPOINT_URL_LAMBDA": FAKE.url,
                     "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": FAKE.url})
    full.update(env or {})
    return subprocess.run([sys.executable, str(REDRIVE_PY), *map(str, args)], input=stdin,
                          capture_output=True, text=True, env=full, timeout=timeout,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def run_tty(args, answer: str, timeout=60):
    """redrive.py with a terminal as stdin, the answer typed ahead."""
    master, slave = pty.openpty()
    env = dict(os.environ, AWS_REGION=REGION, AWS_ENDPOINT_URL_SQS=FAKE.url,
               AWS_ENDPOINT_URL_LAMBDA=FAKE.url, AWS_ENDPOINT_URL_DYNAMODB_STREAMS=FAKE.url)
    try:
        os.write(master, (answer + "\n").encode())
        p = subprocess.run([sys.executable, str(REDRIVE_PY), *map(str, args)], stdin=slave,
                           capture_output=True, text=True, env=env, timeout=timeout)
    finally:
        os.close(slave)
        os.close(master)
    return p


def last_line(p) -> str:
    lines = p.stdout.strip().splitlines()
    return lines[-1] if lines else ""


# ---- the fake endpoint


class MoveTasks:
    """SQS message-move tasks, checked against the botocore model, moving messages in moto."""

    def __init__(self):
        import botocore.session
        self.model = botocore.session.get_session().get_service_model("sqs")
        self.lock = threading.Lock()
        self.calls: list[tuple[str, dict]] = []
        self.mode: dict[str, str] = {}  # source ARN -> complete | fail | running | denied
        self.tasks: dict[str, list[dict]] = {}  # source ARN -> tasks, newest first
        self.polls: dict[str, int] = {}

    def check(self, op: str, body: dict) -> str | None:
        """The botocore model's rules for this request; a message when one is broken."""
        shape = self.model.operation_model(op).input_shape
        for name in shape.required_members:
            if name not in body:
                return f"missing required {name}"
        for name, value in body.items():
            if name not in shape.members:
                return f"unknown member {name}"
            kind = shape.members[name].type_name
            if kind == "string" and not isinstance(value, str):
                return f"{name} must be a string"
            if kind in ("integer", "long") and (not isinstance(value, int) or isinstance(value, bool)):
                return f"{name} must be an integer"
        if op == "StartMessageMoveTask" and not 1 <= body.get("MaxNumberOfMessagesPerSecond", 1) <= 500:
            return "MaxNumberOfMessagesPerSecond must be 1..500"
        return None

    def handle(self, op: str, body: dict):
        with self.lock:
            self.calls.append((op, body))
            problem = self.check(op, body)
            if problem:
                return 400, {"__type": "com.amazonaws.sqs#InvalidParameterValueException", "message": problem}, \
                    "InvalidParameterValue;Sender"
            if op == "StartMessageMoveTask":
                return self.start(body)
            if op == "ListMessageMoveTasks":
                return self.list(body)
            return self.cancel(body)

    def start(self, body):
        src = body["SourceArn"]
        mode = self.mode.get(src, "complete")
        if mode == "denied":
            return 403, {"__type": "com.amazon.coral.service#AccessDeniedException",
                         "message": "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: "
                                    "sqs:startmessagemovetask"}, "AccessDenied;Sender"
        if any(t["Status"] == "RUNNING" for t in self.tasks.get(src, [])):
            return 400, {"__type": "com.amazonaws.sqs#UnsupportedOperation",
                         "message": "There is already a task running."}, "AWS.SimpleQueueService.UnsupportedOperation;Sender"
        dlq_url = moto_url(src)
        waiting = int(boto("sqs").get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"])
                      ["Attributes"]["ApproximateNumberOfMessages"])
        handle = "eyJ0YXNrSWQiOi" + uuid.uuid4().hex
        task = {"TaskHandle": handle, "Status": "RUNNING", "SourceArn": src,
                "ApproximateNumberOfMessagesMoved": 0, "ApproximateNumberOfMessagesToMove": waiting,
                "StartedTimestamp": int(time.time() * 1000), "_request": body}
        if "DestinationArn" in body:
            task["DestinationArn"] = body["DestinationArn"]
        if "MaxNumberOfMessagesPerSecond" in body:
            task["MaxNumberOfMessagesPerSecond"] = body["MaxNumberOfMessagesPerSecond"]
        self.tasks.setdefault(src, []).insert(0, task)
        self.polls[handle] = 0
        return 200, {"TaskHandle": handle}, None

    def list(self, body):
        src = body["SourceArn"]
        tasks = self.tasks.get(src, [])
        for t in tasks:
            if t["Status"] == "RUNNING" and self.mode.get(src) != "running":
                self.polls[t["TaskHandle"]] += 1
                if self.polls[t["TaskHandle"]] >= 2:  # RUNNING on the first poll, done on the second
                    self.finish(t)
        out = []
        for t in tasks[: body.get("MaxResults", 1)]:
            entry = {k: v for k, v in t.items() if not k.startswith("_")}
            if entry["Status"] != "RUNNING":
                entry.pop("TaskHandle", None)  # only listed while RUNNING (botocore model)
            out.append(entry)
        return 200, {"Results": out}, None

    def finish(self, t):
        src = t["SourceArn"]
        limit = 1 if self.mode.get(src) == "fail" else None
        t["ApproximateNumberOfMessagesMoved"] = move(src, t.get("DestinationArn"), limit)
        if self.mode.get(src) == "fail":
            t["Status"] = "FAILED"
            t["FailureReason"] = "AWS.SimpleQueueService.NonExistentQueue"
        else:
            t["Status"] = "COMPLETED"

    def cancel(self, body):
        for tasks in self.tasks.values():
            for t in tasks:
                if t["TaskHandle"] == body["TaskHandle"] and t["Status"] == "RUNNING":
                    t["Status"] = "CANCELLED"
                    return 200, {"ApproximateNumberOfMessagesMoved": t["ApproximateNumberOfMessagesMoved"]}, None
        return 400, {"__type": "com.amazonaws.sqs#ResourceNotFoundException", "message": "no such task"}, \
            "ResourceNotFoundException;Sender"

    def running_task(self, src: str, moved=2, total=5):
        """A task someone else started and that is still RUNNING."""
        self.mode[src] = "running"
        self.tasks.setdefault(src, []).insert(0, {
            "TaskHandle": "other-" + uuid.uuid4().hex, "Status": "RUNNING", "SourceArn": src,
            "ApproximateNumberOfMessagesMoved": moved, "ApproximateNumberOfMessagesToMove": total,
            "StartedTimestamp": int(time.time() * 1000) - 60_000})

    def ops(self, src: str, since: int = 0) -> list[str]:
        return [op for op, body in self.calls[since:] if body.get("SourceArn") == src]


def moto_url(arn: str) -> str:
    return boto("sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]


def move(src_arn: str, dst_arn: str | None, limit: int | None) -> int:
    """Moves messages in moto as a move task does: same body and attributes, deleted at the source."""
    sqs = boto("sqs")
    src = moto_url(src_arn)
    dst = moto_url(dst_arn) if dst_arn else None
    moved = 0
    while limit is None or moved < limit:
        got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=1, MessageAttributeNames=["All"],
                                  VisibilityTimeout=30).get("Messages", [])
        if not got:
            break
        m = got[0]
        if dst is None:
            raise AssertionError("the fake cannot tell the original source queue of a message: "
                                 "redrive.py must name the destination")
        sqs.send_message(QueueUrl=dst, MessageBody=m["Body"], MessageAttributes=m.get("MessageAttributes", {}))
        sqs.delete_message(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"])
        moved += 1
    return moved


class FakeLambda:
    """Invoke: records the payload; answers per function name."""

    def __init__(self):
        self.invocations: list[dict] = []
        self.answer: dict[str, str] = {}  # function name -> ok | partial | error | null

    def handle(self, name: str, headers, payload: bytes):
        event = json.loads(payload)
        self.invocations.append({"name": name, "type": headers.get("X-Amz-Invocation-Type"), "event": event})
        mode = self.answer.get(name, "ok")
        if mode == "partial":
            first = event["Records"][0]["dynamodb"]["SequenceNumber"]
            return 200, {"batchItemFailures": [{"itemIdentifier": first}]}, {}
        if mode == "error":
            return 200, {"errorType": "Retryable", "errorMessage": "S3 unavailable"}, {"X-Amz-Function-Error": "Unhandled"}
        if mode == "null":
            return 200, None, {}
        return 200, {"batchItemFailures": []}, {}

    def names(self) -> list[str]:
        return [i["name"] for i in self.invocations]


class FakeAws:
    @staticmethod
    def free_port() -> int:
        import socket
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        return port

    INVOKE = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations")
    MOVE_OPS = {"AmazonSQS.StartMessageMoveTask", "AmazonSQS.ListMessageMoveTasks", "AmazonSQS.CancelMessageMoveTask"}

    def __init__(self, moto: str):
        self.moto = urllib.parse.urlparse(moto)
        self.moves = MoveTasks()
        self.lam = FakeLambda()
        self.trimmed_streams: set[str] = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = self.headers.get("X-Amz-Target", "")
                m = FakeAws.INVOKE.match(self.path)
                if target in FakeAws.MOVE_OPS:
                    status, out, query_error = fake.moves.handle(target.split(".", 1)[1], json.loads(body or b"{}"))
                    self.reply(status, out, {"x-amzn-query-error": query_error} if query_error else {},
                               "application/x-amz-json-1.0")
                elif m:
                    name = urllib.parse.unquote(m.group(1))
                    name = name.split(":")[6] if name.startswith("arn:") else name
                    status, out, headers = fake.lam.handle(name, self.headers, body)
                    self.reply(status, out, headers, "application/json")
                elif target == "DynamoDBStreams_20120810.GetShardIterator" and \
                        json.loads(body).get("StreamArn") in fake.trimmed_streams:
                    self.reply(400, {"__type": "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException",
                                     "message": "The operation attempted to read past the oldest stream record in a shard."},
                               {}, "application/x-amz-json-1.0")
                else:
                    self.forward(body)

            def do_GET(self):
                self.forward(b"")

            def forward(self, body):
                conn = http.client.HTTPConnection(fake.moto.hostname, fake.moto.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            def reply(self, status, out, headers, content_type):
                data = json.dumps(out).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---- the environment's resources in moto


def ingest_queues(env: str, max_receive=5) -> tuple[str, str, str, str]:
    """(ingest url, ingest arn, dlq url, dlq arn) as Terraform makes them."""
    sqs = boto("sqs")
    dlq = sqs.create_queue(QueueName=f"sfbridge-{env}-ingest-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName=f"sfbridge-{env}-ingest", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive})})["QueueUrl"]
    src_arn = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return src, src_arn, dlq, dlq_arn


def eventbridge_body(record_id: str | None) -> str:
    detail = {"Action__c": "ADD", "Region__c": "emea-uk", "Config_Type__c": "TIMEZONE",
              "Config_Key__c": "default", "Time_Zone__c": "Europe/London"}
    if record_id:
        detail["Record_Id__c"] = record_id
    return json.dumps({"version": "0", "id": str(uuid.uuid4()), "detail-type": "Config_Change__e",
                       "source": "aws.partner/appflow/test", "time": "2026-06-01T10:00:00Z", "detail": detail})


def fill_dlq(src: str, dlq: str, *, rejected=2, by_policy=1, max_receive=5) -> list[str]:
    """`rejected` messages sent by "ingest" with a reason; `by_policy` moved by the redrive policy."""
    sqs = boto("sqs")
    bodies = []
    for i in range(rejected):
        b = eventbridge_body(None)
        sqs.send_message(QueueUrl=dlq, MessageBody=b, MessageAttributes={
            "reason": {"DataType": "String", "StringValue": "no usable Record_Id__c"}})
        bodies.append(b)
    for i in range(by_policy):
        b = eventbridge_body(f"a0B000000000{i:03d}AAA")
        sqs.send_message(QueueUrl=src, MessageBody=b)
        bodies.append(b)
    if by_policy:
        for _ in range(max_receive + 1):  # receive past maxReceiveCount: moto moves them to the DLQ
            sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert waiting(dlq) == rejected + by_policy, waiting(dlq)
    return bodies


def waiting(url: str) -> int:
    a = boto("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"])


def in_queue(url: str) -> int:
    a = boto("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])


def bodies_in(url: str) -> list[str]:
    sqs, out = boto("sqs"), []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages", [])
        if not got:
            return sorted(out)
        out += [m["Body"] for m in got]


@unittest.skipUnless(MOTO, "no AWS_ENDPOINT_URL (run through scripts/redrive-test.sh)")
class IngestRedrive(unittest.TestCase):
    def setUp(self):
        self.env = unique_env()
        self.dlq_name = f"sfbridge-{self.env}-ingest-dlq"

    def test_missing_queue_names_env_and_queue(self):
        p = run(["--env", self.env, "--queue", "ingest", "--yes"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"queue {self.dlq_name} does not exist in account {ACCOUNT}, {REGION}", p.stdout)
        self.assertIn(f"is environment {self.env} deployed there", p.stdout)
        self.assertEqual(p.stderr.strip(), "", "no traceback")

    def test_nothing_to_move(self):
        _, _, _, dlq_arn = ingest_queues(self.env)
        p = run(["--env", self.env, "--queue", "ingest", "--yes"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"{self.dlq_name}: 0 message(s) waiting", p.stdout)
        self.assertIn(f"nothing to move from {self.dlq_name}", p.stdout)
        self.assertEqual(last_line(p), f"redrive: {self.dlq_name}: moved 0")
        self.assertNotIn("StartMessageMoveTask", FAKE.moves.ops(dlq_arn))

    def test_counts_and_peek_leave_every_message_in_place(self):
        src, _, dlq, dlq_arn = ingest_queues(self.env)
        fill_dlq(src, dlq, rejected=2, by_policy=1)
        p = run(["--env", self.env, "--queue", "ingest", "--peek", "10"])  # no --yes, no terminal
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn(f"{self.dlq_name}: 3 message(s) waiting", p.stdout)
        self.assertEqual(len(re.findall(r"reason: no usable Record_Id__c", p.stdout)), 2, p.stdout)
        self.assertIn("2 x no usable Record_Id__c", p.stdout)
        self.assertIn("1 x (moved by the redrive policy)", p.stdout)
        self.assertIn("record a0B000000000000AAA", p.stdout)
        self.assertIn("messages with a `reason` attribute (2 of the 3 peeked carry one)", p.stdout)
        self.assertIn("refused: stdin is not a terminal: pass --yes or --confirm", p.stdout)
        self.assertEqual(waiting(dlq), 3, "peeked messages are visible again at once")
        self.assertNotIn("StartMessageMoveTask", FAKE.moves.ops(dlq_arn))

    def test_completed_move_back_to_the_ingest_queue(self):
        src, src_arn, dlq, dlq_arn = ingest_queues(self.env)
        bodies = fill_dlq(src, dlq, rejected=2, by_policy=1)
        p = run(["--env", self.env, "--queue", "ingest", "--yes", "--poll", "0.2"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        starts = [b for op, b in FAKE.moves.calls if op == "StartMessageMoveTask" and b["SourceArn"] == dlq_arn]
        self.assertEqual(starts, [{"SourceArn": dlq_arn, "DestinationArn": src_arn}])
        self.assertIn("will move 3 message(s)", p.stdout)
        self.assertIn("ingest sends them straight back here", p.stdout, "the reason warning is printed")
        self.assertIn("RUNNING: moved 0 of 3", p.stdout)
        self.assertIn("COMPLETED: moved 3 of 3", p.stdout)
        self.assertEqual(last_line(p), f"redrive: {self.dlq_name}: moved 3")
        self.assertEqual(in_queue(dlq), 0)
        self.assertEqual(bodies_in(src), sorted(bodies))

    def test_rate_is_passed_and_bounded(self):
        src, src_arn, dlq, dlq_arn = ingest_queues(self.env)
        fill_dlq(src, dlq, rejected=1, by_policy=0)
        p = run(["--env", self.env, "--queue", "ingest", "--yes", "--rate", "501"])
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("--rate must be 1..500", p.stdout)
        self.assertEqual(FAKE.moves.ops(dlq_arn), [], "refused before any call")
        p = run(["--env", self.env, "--queue", "ingest", "--yes", "--rate", "10", "--poll", "0.2"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        starts = [b for op, b in FAKE.moves.calls if op == "StartMessageMoveTask" and b["SourceArn"] == dlq_arn]
        self.assertEqual(starts, [{"SourceArn": dlq_arn, "DestinationArn": src_arn, "MaxNumberOfMessagesPerSecond": 10}])
        self.assertIn("at most 10/s", p.stdout)

    def test_failed_move_reports_reason_and_count(self):
        src, _, dlq, dlq_arn = ingest_queues(self.env)
        fill_dlq(src, dlq, rejected=2, by_policy=1)
        FAKE.moves.mode[dlq_arn] = "fail"
        p = run(["--env", self.env, "--queue", "ingest", "--yes", "--poll", "0.2"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("FAILED: AWS.SimpleQueueService.NonExistentQueue (moved 1 before it stopped; "
                      f"the rest are still in {self.dlq_name})", p.stdout)
        self.assertEqual(last_line(p), f"redrive: {self.dlq_name}: moved 1")
        self.assertEqual(in_queue(dlq), 2)

    def test_running_task_is_reported_not_doubled(self):
        src, _, dlq, dlq_arn = ingest_queues(self.env)
        fill_dlq(src, dlq, rejected=1, by_policy=0)
        FAKE.moves.running_task(dlq_arn, moved=2, total=5)
        p = run(["--env", self.env, "--queue", "ingest", "--yes"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"a move task is already RUNNING on {self.dlq_name} (RUNNING: moved 2 of 5 since", p.stdout)
        self.assertIn("not starting another", p.stdout)
        self.assertNotIn("StartMessageMoveTask", FAKE.moves.ops(dlq_arn))
        self.assertEqual(last_line(p), f"redrive: {self.dlq_name}: moved 0")

    def test_cancel_running_task(self):
        src, _, dlq, dlq_arn = ingest_queues(self.env)
        FAKE.moves.running_task(dlq_arn, moved=4, total=9)
        handle = FAKE.moves.tasks[dlq_arn][0]["TaskHandle"]
        p = run(["--env", self.env, "--queue", "ingest", "--cancel"])
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertNotIn(("CancelMessageMoveTask", {"TaskHandle": handle}), FAKE.moves.calls)
        p = run(["--env", self.env, "--queue", "ingest", "--cancel", "--yes"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(("CancelMessageMoveTask", {"TaskHandle": handle}), FAKE.moves.calls)
        self.assertEqual(last_line(p), f"redrive: {self.dlq_name}: moved 4")

    def test_access_denied(self):
        src, _, dlq, dlq_arn = ingest_queues(self.env)
        fill_dlq(src, dlq, rejected=1, by_policy=0)
        FAKE.moves.mode[dlq_arn] = "denied"
        p = run(["--env", self.env, "--queue", "ingest", "--yes"])
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"failed: access denied for sqs:StartMessageMoveTask on {self.dlq_name} (AccessDenied:", p.stdout)
        self.assertIn("the caller needs sqs:StartMessageMoveTask", p.stdout)
        self.assertEqual(p.stderr.strip(), "", "no traceback")
        self.assertEqual(in_queue(dlq), 1)


@unittest.skipUnless(MOTO, "no AWS_ENDPOINT_URL (run through scripts/redrive-test.sh)")
class Confirmation(unittest.TestCase):
    """prod: only --confirm prod or the name typed at a terminal; elsewhere also --yes or y."""

    @classmethod
    def setUpClass(cls):
        cls.src, cls.src_arn, cls.dlq, cls.dlq_arn = ingest_queues("prod")
        boto("sqs").create_queue(QueueName="sfbridge-prod-stream-failures")

    def setUp(self):
        boto("sqs").purge_queue(QueueUrl=self.dlq)
        fill_dlq(self.src, self.dlq, rejected=2, by_policy=0)
        self.mark = len(FAKE.moves.calls)  # the prod queues are shared by these tests

    def tearDown(self):
        boto("sqs").purge_queue(QueueUrl=self.src)

    def assert_refused(self, p, why):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("refused: ", p.stdout)
        self.assertIn(why, p.stdout)
        self.assertIn("nothing changed", p.stdout)
        self.assertNotIn("StartMessageMoveTask", FAKE.moves.ops(self.dlq_arn, self.mark))
        self.assertEqual(waiting(self.dlq), 2)

    def test_prod_refused_without_confirmation(self):
        self.assert_refused(run(["--env", "prod", "--queue", "ingest"]),
                            "prod is production: confirm with --confirm prod (make redrive ENV=prod QUEUE=ingest CONFIRM=prod)")
        self.assert_refused(run(["--env", "prod", "--queue", "ingest", "--yes"]), "--yes is not enough in production")
        self.assert_refused(run(["--env", "prod", "--queue", "ingest", "--confirm", "dev"]),
                            "--confirm dev does not name this environment (prod)")
        self.assert_refused(run_tty(["--env", "prod", "--queue", "ingest"], "yes"), "not confirmed")
        with_stream = run(["--env", "prod", "--queue", "stream"])
        self.assertEqual(with_stream.returncode, 0, "an empty queue needs no confirmation")
        self.assertIn("nothing to replay", with_stream.stdout)

    def test_prod_confirmed(self):
        p = run(["--env", "prod", "--queue", "ingest", "--confirm", "prod", "--poll", "0.2"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(last_line(p), "redrive: sfbridge-prod-ingest-dlq: moved 2")
        self.assertEqual(waiting(self.dlq), 0)

    def test_prod_confirmed_at_a_terminal(self):
        p = run_tty(["--env", "prod", "--queue", "ingest", "--poll", "0.2"], "prod")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Type the environment name (prod)", p.stdout)
        self.assertEqual(last_line(p), "redrive: sfbridge-prod-ingest-dlq: moved 2")

    def test_other_env_needs_yes_or_a_terminal(self):
        env = unique_env()
        src, _, dlq, dlq_arn = ingest_queues(env)
        fill_dlq(src, dlq, rejected=1, by_policy=0)
        p = run(["--env", env, "--queue", "ingest"])
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn(f"pass --yes or --confirm {env}", p.stdout)
        p = run_tty(["--env", env, "--queue", "ingest"], "n")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertNotIn("StartMessageMoveTask", FAKE.moves.ops(dlq_arn))
        p = run_tty(["--env", env, "--queue", "ingest", "--poll", "0.2"], "y")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"in {env}? [y/N]", p.stdout)
        self.assertEqual(last_line(p), f"redrive: sfbridge-{env}-ingest-dlq: moved 1")

    def test_wrapper_and_bad_env(self):
        p = subprocess.run(["bash", str(REDRIVE_SH), "dev", "sideways"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)
        p = run(["--env", "Prod!", "--queue", "ingest"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not an environment name", p.stdout)


# ---- the stream side


def stream_setup(env: str):
    """The table (stream on) with config and request items written the way ingest writes them,
    and the stream-failures queue. Returns (table, stream arn, shard id, stream records)."""
    ddb = boto("dynamodb")
    table = f"sfbridge-{env}-config"
    ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "S"}],
                     StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    boto("sqs").create_queue(QueueName=f"sfbridge-{env}-stream-failures")

    def request(rid, eid, status="Success"):
        return {"pk": {"S": f"REQUEST#{rid}"}, "sk": {"S": f"EVENT#{eid}"}, "record_id": {"S": rid},
                "event_id": {"S": eid}, "action": {"S": "ADD"}, "region": {"S": "emea-uk"},
                "config_type": {"S": "HOLIDAY"}, "config_key": {"S": "2026-12-25"}, "status": {"S": status},
                "message": {"S": "applied"}, "processed_at": {"S": "2026-06-01T10:00:01Z"},
                "ttl": {"N": "1790000000"}, "blob": {"B": b"\x00\xffbin"}}

    # the order ingest's transactions and notify's markers produce on the stream
    items = [
        ("put", {"pk": {"S": "REGION#emea-uk"}, "sk": {"S": "HOLIDAY#2026-12-25"}, "name": {"S": "Christmas"}}),
        ("put", request("a0B000000000001AAA", "e1")),
        ("put", {"pk": {"S": "RECORD#a0B000000000001AAA"}, "sk": {"S": "CLAIM"}, "event_id": {"S": "e1"}}),
        ("put", {"pk": {"S": "NOTIFY#a0B000000000001AAA"}, "sk": {"S": "EVENT#e1"}, "state": {"S": "sending"}}),
        ("put", {"pk": {"S": "NOTIFY#a0B000000000001AAA"}, "sk": {"S": "EVENT#e1"}, "state": {"S": "sent"}}),
        ("put", request("a0B000000000002AAA", "e2", "Fail")),
        ("put", {**request("a0B000000000002AAA", "e2", "Fail"), "message": {"S": "changed"}}),  # MODIFY
        ("put", request("a0B000000000003AAA", "e3")),
    ]
    for _, item in items:
        ddb.put_item(TableName=table, Item=item)
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    streams = boto("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    while it:
        out = streams.get_records(ShardIterator=it)
        if not out["Records"]:
            break
        records += out["Records"]
        it = out.get("NextShardIterator")
    assert len(records) == len(items), len(records)
    return table, arn, shard, records


def on_failure_record(env, handler, arn, shard, first, last, batch, *, arrived=None):
    """The invocation record Lambda sends to an SQS on-failure destination for a DynamoDB
    stream mapping (AWS Lambda guide: "Retain discarded records for a DynamoDB event source")."""
    arrived = arrived or dt.datetime.now(dt.timezone.utc)
    stamp = arrived.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({
        "requestContext": {"requestId": str(uuid.uuid4()),
                           "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:sfbridge-{env}-{handler}",
                           "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": stamp,
        "DDBStreamBatchInfo": {"shardId": shard, "startSequenceNumber": first["dynamodb"]["SequenceNumber"],
                               "endSequenceNumber": last["dynamodb"]["SequenceNumber"],
                               "approximateArrivalOfFirstRecord": stamp, "approximateArrivalOfLastRecord": stamp,
                               "batchSize": batch, "streamArn": arn},
    })


def expected_event(records, arn):
    """What Lambda's poller hands the function for these GetRecords records after the mapping's
    filter, written out independently of redrive.py."""
    import base64
    out = []
    for r in records:
        d = r["dynamodb"]
        image = d.get("NewImage", {})
        if r["eventName"] != "INSERT" or not image.get("pk", {}).get("S", "").startswith("REQUEST#") \
                or not image.get("sk", {}).get("S", "").startswith("EVENT#"):
            continue
        new = {k: ({"B": base64.b64encode(v["B"]).decode()} if "B" in v else v) for k, v in image.items()}
        change = {"ApproximateCreationDateTime": d["ApproximateCreationDateTime"].timestamp(),
                  "Keys": d["Keys"], "NewImage": new, "SequenceNumber": d["SequenceNumber"],
                  "SizeBytes": d["SizeBytes"], "StreamViewType": "NEW_AND_OLD_IMAGES"}
        out.append({"eventID": r["eventID"], "eventName": "INSERT", "eventVersion": r["eventVersion"],
                    "eventSource": "aws:dynamodb", "awsRegion": REGION, "dynamodb": change, "eventSourceARN": arn})
    return out


@unittest.skipUnless(MOTO, "no AWS_ENDPOINT_URL (run through scripts/redrive-test.sh)")
class StreamReplay(unittest.TestCase):
    def setUp(self):
        self.env = unique_env()
        self.queue_name = f"sfbridge-{self.env}-stream-failures"
        self.table, self.arn, self.shard, self.records = stream_setup(self.env)
        self.url = boto("sqs").get_queue_url(QueueName=self.queue_name)["QueueUrl"]
        self.fn = lambda h: f"sfbridge-{self.env}-{h}"
        FAKE.lam.invocations.clear()

    def send(self, body):
        boto("sqs").send_message(QueueUrl=self.url, MessageBody=body)

    def replay(self, *extra):
        return run(["--env", self.env, "--queue", "stream", "--yes", "--wait", "0", *extra])

    def whole_range(self, handler="status-csv", **kw):
        # Lambda's batch after its filter: request inserts only, first to last of them
        return on_failure_record(self.env, handler, self.arn, self.shard, self.records[1], self.records[-1], 3, **kw)

    def test_replay_invokes_the_function_with_what_lambda_delivers(self):
        self.send(self.whole_range("status-csv"))
        p = self.replay()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(FAKE.lam.names(), [self.fn("status-csv")])
        inv = FAKE.lam.invocations[0]
        self.assertEqual(inv["type"], "RequestResponse")
        want = expected_event(self.records[1:], self.arn)
        self.assertEqual([r["dynamodb"]["NewImage"]["record_id"]["S"] for r in want],
                         ["a0B000000000001AAA", "a0B000000000002AAA", "a0B000000000003AAA"])
        self.assertEqual(inv["event"], {"Records": want})
        for r in inv["event"]["Records"]:
            self.assertEqual(list(r), ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                                       "dynamodb", "eventSourceARN"])
            self.assertIsInstance(r["dynamodb"]["ApproximateCreationDateTime"], (int, float))
            self.assertEqual(r["dynamodb"]["NewImage"]["blob"], {"B": "AP9iaW4="})
        self.assertIn("3 record(s)", p.stdout)
        self.assertIn("4 filtered out", p.stdout)
        self.assertEqual(in_queue(self.url), 0, "the message is deleted after a clean invocation")
        self.assertEqual(last_line(p), f"replay: {self.queue_name}: replayed 1, left 0")

    def test_null_answer_is_success(self):
        FAKE.lam.answer[self.fn("notify")] = "null"
        self.send(self.whole_range("notify"))
        p = self.replay()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(in_queue(self.url), 0)

    def test_batch_item_failure_leaves_the_message(self):
        FAKE.lam.answer[self.fn("status-csv")] = "partial"
        self.send(self.whole_range("status-csv"))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(f"reported 1 failed record(s) (sequence numbers {self.records[1]['dynamodb']['SequenceNumber']})",
                      p.stdout)
        self.assertEqual(waiting(self.url), 1, "left, and visible again at once")
        self.assertEqual(last_line(p), f"replay: {self.queue_name}: replayed 0, left 1")

    def test_function_error_leaves_the_message(self):
        FAKE.lam.answer[self.fn("status-csv")] = "error"
        self.send(self.whole_range("status-csv"))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("answered a function error (Unhandled): Retryable: S3 unavailable", p.stdout)
        self.assertEqual(waiting(self.url), 1)

    def test_one_replayed_one_left(self):
        FAKE.lam.answer[self.fn("status-csv")] = "partial"
        one = on_failure_record(self.env, "notify", self.arn, self.shard, self.records[5], self.records[5], 1)
        self.send(one)
        self.send(self.whole_range("status-csv"))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertEqual(sorted(FAKE.lam.names()), [self.fn("notify"), self.fn("status-csv")])
        notify = next(i for i in FAKE.lam.invocations if i["name"] == self.fn("notify"))
        self.assertEqual(notify["event"], {"Records": expected_event([self.records[5]], self.arn)})
        self.assertEqual(last_line(p), f"replay: {self.queue_name}: replayed 1, left 1")
        left = boto("sqs").receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        self.assertEqual([json.loads(m["Body"])["requestContext"]["functionArn"].rsplit(":", 1)[-1] for m in left],
                         [self.fn("status-csv")])

    def test_expired_range_is_left_without_invoking(self):
        old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=25)
        self.send(self.whole_range(arrived=old))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("expired: its records arrived at", p.stdout)
        self.assertIn("DynamoDB Streams keeps records 24 h", p.stdout)
        self.assertEqual(FAKE.lam.invocations, [])
        self.assertEqual(waiting(self.url), 1)

    def test_trimmed_range_is_left(self):
        FAKE.trimmed_streams.add(self.arn)
        self.send(self.whole_range())
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("trimmed: the stream no longer holds sequence number", p.stdout)
        self.assertEqual(FAKE.lam.invocations, [])
        self.assertEqual(waiting(self.url), 1)

    def test_stream_that_is_gone(self):
        gone_arn = self.arn.replace(self.table, self.table + "-deleted")
        self.send(on_failure_record(self.env, "notify", gone_arn, self.shard, self.records[1], self.records[1], 1))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("the stream or shard is gone (ResourceNotFoundException", p.stdout)
        self.assertEqual(FAKE.lam.invocations, [])

    def test_range_past_the_end_of_the_shard(self):
        beyond = {"dynamodb": {"SequenceNumber": str(int(self.records[-1]["dynamodb"]["SequenceNumber"]) + 1000)}}
        self.send(on_failure_record(self.env, "notify", self.arn, self.shard, self.records[1], beyond, 3))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("the range is gone", p.stdout)
        self.assertEqual(FAKE.lam.invocations, [])

    def test_range_with_nothing_the_filter_passes(self):
        self.send(on_failure_record(self.env, "notify", self.arn, self.shard, self.records[2], self.records[4], 3))
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("none of the 3 record(s) in the range passes the mapping's filter", p.stdout)
        self.assertEqual(FAKE.lam.invocations, [])

    def test_foreign_function_and_garbage_are_left(self):
        other = on_failure_record("elsewhere", "status-csv", self.arn, self.shard, self.records[1], self.records[1], 1)
        self.send(other)
        self.send("not json at all")
        p = self.replay()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("names function sfbridge-elsewhere-status-csv, not a stream consumer of", p.stdout)
        self.assertIn("not a Lambda on-failure record of a DynamoDB stream", p.stdout)
        self.assertEqual(FAKE.lam.invocations, [])
        self.assertEqual(last_line(p), f"replay: {self.queue_name}: replayed 0, left 2")
        self.assertEqual(waiting(self.url), 2)

    def test_peek_then_refused_without_confirmation(self):
        self.send(self.whole_range("notify"))
        p = run(["--env", self.env, "--queue", "stream", "--peek", "5", "--wait", "0"])
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertRegex(p.stdout, rf"{self.fn('notify')}  3 record\(s\)  {self.shard} \d+\.\.\d+  first arrived")
        self.assertEqual(FAKE.lam.invocations, [])
        self.assertEqual(waiting(self.url), 1)

    def test_nothing_to_replay_and_missing_queue(self):
        p = self.replay()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(last_line(p), f"replay: {self.queue_name}: replayed 0, left 0")
        env = unique_env()
        p = run(["--env", env, "--queue", "stream", "--yes"])
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"queue sfbridge-{env}-stream-failures does not exist", p.stdout)


BOOTSTRAP = Path(os.environ.get("SFBRIDGE_BOOTSTRAP") or ROOT / "target/debug/bootstrap")
FAKE_APPFLOW = ROOT / "scripts/fake-appflow.py"
LOCAL_AWS_PY = ROOT / ".venv/local-aws/bin/python"


@unittest.skipUnless(MOTO and BOOTSTRAP.exists() and LOCAL_AWS_PY.exists(),
                     "needs moto, the bootstrap binary (cargo build --bin bootstrap) and .venv/local-aws")
class ReplayThroughTheRealHandlers(unittest.TestCase):
    """The replayed event is what the real status-csv and notify accept, and a replay of records
    that already got through changes nothing: Lambda Invoke runs target/debug/bootstrap through
    scripts/fake-appflow.py (a local Runtime API per invocation), against moto."""

    @classmethod
    def setUpClass(cls):
        import io
        import zipfile
        cls.env = unique_env()
        cls.proc = None
        port = FakeAws.free_port()
        log = TMP / "fake-appflow.log"
        cls.proc = subprocess.Popen([str(LOCAL_AWS_PY), str(FAKE_APPFLOW), "--port", str(port), "--moto", MOTO,
                                     "--bootstrap", str(BOOTSTRAP), "--log", str(log)],
                                    stdout=subprocess.PIPE, stderr=open(TMP / "fake-appflow.stderr", "w"), text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = cls.proc.stdout.readline()
            if f"listening on 127.0.0.1:{port}" in line:
                threading.Thread(target=cls.proc.stdout.read, daemon=True).start()
                break
            if not line and cls.proc.poll() is not None:
                raise AssertionError("fake-appflow did not start: " + (TMP / "fake-appflow.stderr").read_text()[-2000:])
        cls.lambda_url = f"http://127.0.0.1:{port}"
        cls.table, cls.arn, cls.shard, cls.records = stream_setup(cls.env)
        cls.bucket = f"sfbridge-{cls.env}-status"
        boto("s3").create_bucket(Bucket=cls.bucket)
        topic = boto("sns").create_topic(Name=f"sfbridge-{cls.env}-status")["TopicArn"]
        sqs = boto("sqs")
        cls.inbox = sqs.create_queue(QueueName=f"sfbridge-{cls.env}-inbox")["QueueUrl"]
        inbox_arn = sqs.get_queue_attributes(QueueUrl=cls.inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        boto("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
        role = boto("iam").create_role(RoleName=f"sfbridge-{cls.env}-fn", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("bootstrap", "not run: fake-appflow runs --bootstrap")
        for handler, variables in (("status-csv", {"STATUS_BUCKET": cls.bucket}),
                                   ("notify", {"CONFIG_TABLE": cls.table, "STATUS_TOPIC_ARN": topic})):
            boto("lambda").create_function(
                FunctionName=f"sfbridge-{cls.env}-{handler}", Runtime="provided.al2023", Role=role,
                Handler=handler, Code={"ZipFile": buf.getvalue()}, Timeout=20,
                Environment={"Variables": variables})
        cls.url = boto("sqs").get_queue_url(QueueName=f"sfbridge-{cls.env}-stream-failures")["QueueUrl"]

    @classmethod
    def tearDownClass(cls):
        if cls.proc:
            cls.proc.terminate()
            try:
                cls.proc.wait(10)
            except subprocess.TimeoutExpired:
                cls.proc.kill()

    def replay(self):
        return run(["--env", self.env, "--queue", "stream", "--yes", "--wait", "0"],
                   env={"AWS_ENDPOINT_URL_LAMBDA": self.lambda_url})

    def failure(self, handler):
        return on_failure_record(self.env, handler, self.arn, self.shard, self.records[1], self.records[-1], 3)

    def test_status_csv_writes_one_csv_per_request(self):
        boto("sqs").send_message(QueueUrl=self.url, MessageBody=self.failure("status-csv"))
        p = self.replay()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        keys = sorted(o["Key"] for o in boto("s3").list_objects_v2(Bucket=self.bucket).get("Contents", []))
        self.assertEqual([k.split("-event-")[0] for k in keys],
                         ["status/a0B000000000001AAA", "status/a0B000000000002AAA", "status/a0B000000000003AAA"])
        self.assertRegex(keys[1], r"-event-rejected-2026-06-01-10_00_01\.csv$")
        body = boto("s3").get_object(Bucket=self.bucket, Key=keys[0])["Body"].read().decode()
        self.assertTrue(body.startswith("Id,Sync_Status__c,Sync_Message__c,Synced_At__c,Sync_Event_Id__c"), body)
        self.assertEqual(in_queue(self.url), 0)

    def test_notify_replayed_twice_sends_once(self):
        for _ in range(2):  # the same batch given up twice (or a replay of one that got through)
            boto("sqs").send_message(QueueUrl=self.url, MessageBody=self.failure("notify"))
        p = self.replay()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(last_line(p), f"replay: sfbridge-{self.env}-stream-failures: replayed 2, left 0")
        # One email per outcome: 001's marker (written by stream_setup) already says `sent`, and
        # the second replay of 002 and 003 finds the markers the first one wrote.
        subjects = sorted(json.loads(b)["Subject"] for b in bodies_in(self.inbox))
        self.assertEqual(subjects, ["Config request a0B000000000002AAA: Fail (not applied)",
                                    "Config request a0B000000000003AAA: Success (applied)"])


class FilterContract(unittest.TestCase):
    """redrive.py applies the stream mappings' filter itself: it must be the one Terraform sets."""

    def test_filter_matches_terraform(self):
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(ROOT / "scripts"))
        import redrive
        tf = "\n".join(p.read_text() for p in sorted((ROOT / "modules").rglob("*.tf")))
        m = re.search(r"filter_criteria\s*{.*?pattern\s*=\s*jsonencode\((\{.*?\})\)\s*}\s*}", tf, re.S)
        self.assertIsNotNone(m, "no filter_criteria pattern in modules/")
        pattern = m.group(1)
        self.assertRegex(pattern, rf'eventName\s*=\s*\["{redrive.FILTER_EVENT_NAME}"\]')
        self.assertRegex(pattern, rf'NewImage\s*=\s*{{\s*pk\s*=\s*{{\s*S\s*=\s*\[{{\s*prefix\s*=\s*"{redrive.FILTER_PK_PREFIX}"\s*}}\]\s*}}\s*,'
                                  rf'\s*sk\s*=\s*{{\s*S\s*=\s*\[{{\s*prefix\s*=\s*"{redrive.FILTER_SK_PREFIX}"\s*}}\]\s*}}\s*}}')
        self.assertRegex(tf, r'"stream"\s*{\s*for_each\s*=\s*toset\(\["status-csv", "notify"\]\)')
        self.assertEqual(redrive.STREAM_CONSUMERS, ("status-csv", "notify"))

    def test_only_request_item_inserts_pass(self):
        sys.dont_write_bytecode = True
        sys.path.insert(0, str(ROOT / "scripts"))
        import redrive

        def rec(pk, sk, name="INSERT"):
            return {"eventName": name, "dynamodb": {"NewImage": {"pk": {"S": pk}, "sk": {"S": sk}}}}
        self.assertTrue(redrive.passes_filter(rec("REQUEST#a0B000000000001AAA", "EVENT#e1")))
        for r in (rec("RECORD#a0B000000000001AAA", "CLAIM"), rec("REQUEST#a0B000000000001AAA", "CLAIM"),
                  rec("REGION#emea-uk", "HOLIDAY#2026-12-25"), rec("REQUEST#a0B000000000001AAA", "EVENT#e1", "MODIFY"),
                  {"eventName": "INSERT", "dynamodb": {"NewImage": {"pk": {"S": "REQUEST#x"}}}}):
            self.assertFalse(redrive.passes_filter(r), r)


def main() -> int:
    global FAKE
    if MOTO:
        FAKE = FakeAws(MOTO)
    try:
        suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
        result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    finally:
        if FAKE:
            FAKE.server.shutdown()
        shutil.rmtree(TMP, ignore_errors=True)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    sys.stdout.flush()
    print(f"{passed} passed, {failed} failed{skipped}", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
