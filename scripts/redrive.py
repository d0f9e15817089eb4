#!/usr/bin/env python3
"""Redrive the ingest dead-letter queue, or replay what the stream consumers gave up on.

    make redrive ENV=dev QUEUE=ingest|stream [CONFIRM=dev] [PEEK=5]
    scripts/redrive.sh ENV ingest|stream [options]        (the wrapper: picks the pinned venv)
    .venv/redrive/bin/python scripts/redrive.py --env ENV --queue ingest|stream [options]

--queue ingest: `sfbridge-<env>-ingest-dlq` back to `sfbridge-<env>-ingest` with SQS's own
message-move task (StartMessageMoveTask), followed until it ends (ListMessageMoveTasks). The
destination is named explicitly: SQS's "back to the original source queues" (no DestinationArn)
only knows the source of a message its redrive policy moved, and ingest sends the messages it
can never report to the DLQ itself (with a String attribute `reason`). Those come straight back
when redriven unchanged: the command says so before it starts.

--queue stream: `sfbridge-<env>-stream-failures` holds Lambda's on-failure invocation records
of the stream mappings (status-csv, notify): a shard range (DDBStreamBatchInfo), not the
records. For each message: read that range from DynamoDB Streams, rebuild the event Lambda
delivered (only what the mapping's filter passes: request-item inserts), invoke the function the
record names synchronously, and delete the message only when the invocation succeeded with no
`batchItemFailures`. Stream records live 24 hours: an older range cannot be replayed and its
message is left. Both handlers are idempotent (notify dedupes, status-csv rewrites the same
key), so replaying a record that did get through is safe.

Options: --peek N (receive up to N messages, print what they are, make them visible again at
once; their receive count goes up by one), --rate N (ingest: MaxNumberOfMessagesPerSecond,
<= 500), --cancel (ingest: cancel the RUNNING move task), --max N (stream: replay at most N
messages), --yes, --confirm ENV. Changing anything needs confirmation: in prod only
`--confirm prod` or typing the environment's name at a terminal; elsewhere also --yes or a
y/N at a terminal. Exit status: 0 done (or nothing to do), 1 something failed or was left,
2 refused or a usage error. The last line is the summary: `redrive: <queue>: moved N` or
`replay: <queue>: replayed N, left M`.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import preflight as pf  # noqa: E402  (scripts/preflight.py: the helpers' shared AWS and venv code)

PRODUCTION = {"prod"}
ENV_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,30}")
# The stream mappings' consumers (modules/functions/main.tf, aws_lambda_event_source_mapping.stream).
STREAM_CONSUMERS = ("status-csv", "notify")
# DynamoDB Streams keeps a record for 24 hours.
STREAM_RETENTION = dt.timedelta(hours=24)
# The mappings' filter (modules/functions/main.tf): eventName INSERT, NewImage.pk.S and
# NewImage.sk.S with these prefixes (request items only). Lambda applies it before invoking; a
# replay must too.
FILTER_EVENT_NAME = "INSERT"
FILTER_PK_PREFIX = "REQUEST#"
FILTER_SK_PREFIX = "EVENT#"
MOVE_RATE_MAX = 500  # botocore sqs StartMessageMoveTaskRequest.MaxNumberOfMessagesPerSecond
TERMINAL = ("COMPLETED", "FAILED", "CANCELLED")
# A move task we started must list with a StartedTimestamp after this much before our call.
CLOCK_SKEW_MS = 300_000
# Empty GetRecords pages tolerated before a range that has not reached its end is called gone.
MAX_EMPTY_PAGES = 5


class Refused(Exception):
    """Not confirmed, or a usage error: exit 2, nothing changed."""


class Failed(Exception):
    """A lookup or call failed in a way the operator must see: exit 1."""


def say(msg: str, tag: str = "redrive") -> None:
    print(f"{tag}: {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# AWS helpers


def aws_session():
    """A boto3 session; a missing permission or an unreachable endpoint answers in seconds."""
    return pf.aws_session(max_attempts=3)


def error_codes(e: Exception) -> set[str]:
    """Every code an error goes by. SQS speaks JSON with query-compatible codes: botocore gives
    the query code (`AWS.SimpleQueueService.NonExistentQueue`) and the shape name
    (`QueryErrorCode`: `QueueDoesNotExist`)."""
    from botocore.exceptions import ClientError
    if not isinstance(e, ClientError):
        return set()
    err = e.response.get("Error", {})
    return {c for c in (err.get("Code"), err.get("QueryErrorCode")) if c}


def is_access_denied(e: Exception) -> bool:
    return any("AccessDenied" in c or c in ("UnauthorizedOperation", "AuthorizationError")
               for c in error_codes(e))


aws_error = pf.aws_error  # one rendering of an AWS error for every helper


def call_failed(action: str, resource: str, e: Exception, need: str = "") -> Failed:
    if is_access_denied(e):
        extra = f"; the caller needs {need}" if need else ""
        return Failed(f"access denied for {action} on {resource} ({aws_error(e)}){extra}")
    return Failed(f"{action} on {resource} failed: {aws_error(e)}")


def arn_region(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 and parts[3] else None


class Context:
    def __init__(self, session, env: str, tag: str = "redrive") -> None:
        self.session = session
        self.tag = tag
        self.env = env
        self.prefix = f"sfbridge-{env}"
        self.region = session.region_name
        self.account = "?"
        self._clients: dict[tuple[str, str | None], object] = {}

    def client(self, service: str, region: str | None = None):
        key = (service, region or self.region)
        if key not in self._clients:
            config = None
            if service == "lambda":
                # A synchronous Invoke lasts as long as the function runs (at most 900 s); the
                # SDK's 60 s read timeout would cut it off and retry it.
                from botocore.config import Config
                config = Config(read_timeout=905, connect_timeout=10)
            self._clients[key] = self.session.client(service, region_name=key[1], config=config)
        return self._clients[key]

    @property
    def where(self) -> str:
        return f"account {self.account}, {self.region}"

    def identify(self) -> None:
        if not self.region:
            raise Failed("no AWS region configured: export AWS_REGION (the environment's region)")
        try:
            ident = self.client("sts").get_caller_identity()
        except Exception as e:  # no credentials, expired session, network
            raise Failed(f"cannot call sts:GetCallerIdentity ({aws_error(e)}): sign in to the "
                         f"account of {self.env} and run again") from e
        self.account = ident["Account"]
        say(f"environment {self.env}: {self.where}, as {ident['Arn']}", self.tag)


def queue(ctx: Context, name: str) -> tuple[str, dict]:
    """(url, attributes) of queue `name`, or a Failed naming the environment and queue."""
    sqs = ctx.client("sqs")
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    except Exception as e:
        if error_codes(e) & {"QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"}:
            raise Failed(f"queue {name} does not exist in {ctx.where}: is environment {ctx.env} "
                         "deployed there (credentials, AWS_REGION)?") from e
        raise call_failed("sqs:GetQueueUrl/GetQueueAttributes", name, e,
                          "sqs:GetQueueUrl and sqs:GetQueueAttributes") from e
    return url, attrs


def counts(attrs: dict) -> tuple[int, int, int]:
    return tuple(int(attrs.get(k, 0)) for k in (  # type: ignore[return-value]
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed"))


def describe_counts(name: str, attrs: dict) -> str:
    waiting, in_flight, delayed = counts(attrs)
    extra = []
    if in_flight:
        extra.append(f"{in_flight} in flight (received by someone, not yet visible again)")
    if delayed:
        extra.append(f"{delayed} delayed")
    return f"{name}: {waiting} message(s) waiting" + (f", {', '.join(extra)}" if extra else "")


def receive(ctx: Context, url: str, *, max_messages: int, visibility: int, wait: int) -> list[dict]:
    try:
        return ctx.client("sqs").receive_message(
            QueueUrl=url, MaxNumberOfMessages=max_messages, VisibilityTimeout=visibility,
            WaitTimeSeconds=wait, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
    except Exception as e:
        raise call_failed("sqs:ReceiveMessage", url.rsplit("/", 1)[-1], e,
                          "sqs:ReceiveMessage (and kms:Decrypt on the queue's key)") from e


def make_visible(ctx: Context, url: str, messages: list[dict]) -> None:
    """Visibility timeout 0: the messages show again now (best effort; else after the timeout)."""
    sqs = ctx.client("sqs")
    for i in range(0, len(messages), 10):
        chunk = messages[i:i + 10]
        try:
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for n, m in enumerate(chunk)])
        except Exception as e:
            say(f"warning: could not make {len(chunk)} message(s) visible again ({aws_error(e)}); "
                "they show again when their visibility timeout ends")


def peek(ctx: Context, url: str, n: int, visibility: int, wait: int) -> list[dict]:
    """Up to n messages, received with a short visibility timeout and made visible again."""
    got: list[dict] = []
    seen: set[str] = set()
    while len(got) < n:
        batch = receive(ctx, url, max_messages=min(10, n - len(got)), visibility=visibility, wait=wait)
        fresh = [m for m in batch if m["MessageId"] not in seen]
        if not fresh:
            break
        for m in fresh:
            seen.add(m["MessageId"])
        got += fresh
    make_visible(ctx, url, got)
    return got


# ---------------------------------------------------------------------------------------------
# confirmation


def confirm(env: str, args, action: str) -> None:
    """Return when the operator confirmed `action` for `env`; raise Refused otherwise."""
    if args.confirm is not None:
        if args.confirm != env:
            raise Refused(f"--confirm {args.confirm} does not name this environment ({env}); "
                          "nothing changed")
        return
    tty = sys.stdin.isatty()
    if env in PRODUCTION:
        if tty:
            answer = input(f"{env} is production. Type the environment name ({env}) to {action}: ")
            if answer.strip() == env:
                return
            raise Refused("not confirmed; nothing changed")
        why = "--yes is not enough in production: " if args.yes else ""
        raise Refused(f"{why}{env} is production: confirm with --confirm {env} "
                      f"(make redrive ENV={env} QUEUE={args.queue} CONFIRM={env}); nothing changed")
    if args.yes:
        return
    if tty:
        answer = input(f"{action} in {env}? [y/N] ")
        if answer.strip().lower() in ("y", "yes"):
            return
        raise Refused("not confirmed; nothing changed")
    raise Refused(f"stdin is not a terminal: pass --yes or --confirm {env} "
                  f"(make redrive ENV={env} QUEUE={args.queue} CONFIRM={env}) to {action}; nothing changed")


# ---------------------------------------------------------------------------------------------
# QUEUE=ingest: SQS message-move task


MOVE_NEEDS = ("sqs:StartMessageMoveTask, sqs:ListMessageMoveTasks, sqs:ReceiveMessage, sqs:DeleteMessage "
              "and sqs:GetQueueAttributes on the DLQ, sqs:SendMessage on the ingest queue, and "
              "kms:Decrypt/kms:GenerateDataKey on the queues' key")


def record_id(body: str) -> str:
    try:
        event = json.loads(body)
        rid = event.get("detail", {}).get("Record_Id__c")
    except (ValueError, AttributeError):
        return "(body is not JSON)"
    return rid if isinstance(rid, str) and rid else "(no Record_Id__c)"


def print_ingest_peek(messages: list[dict]) -> int:
    """Prints each message and a summary by reason; returns how many carry a `reason`."""
    by_reason: dict[str, int] = {}
    for m in messages:
        attrs = m.get("Attributes", {})
        reason = m.get("MessageAttributes", {}).get("reason", {}).get("StringValue")
        sent = attrs.get("SentTimestamp")
        when = (dt.datetime.fromtimestamp(int(sent) / 1000, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                if sent else "?")
        origin = (f"reason: {reason}" if reason is not None else
                  "no reason attribute (moved here by the ingest queue's redrive policy)")
        say(f"  {m['MessageId']}  sent {when}  record {record_id(m.get('Body', ''))}  {origin}")
        key = reason if reason is not None else "(moved by the redrive policy)"
        by_reason[key] = by_reason.get(key, 0) + 1
    for key, n in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
        say(f"  {n} x {key}")
    return sum(n for k, n in by_reason.items() if k != "(moved by the redrive policy)")


def latest_task(ctx: Context, dlq_arn: str, max_results: int = 1) -> list[dict]:
    try:
        return ctx.client("sqs").list_message_move_tasks(
            SourceArn=dlq_arn, MaxResults=max_results).get("Results", [])
    except Exception as e:
        raise call_failed("sqs:ListMessageMoveTasks", dlq_arn, e, MOVE_NEEDS) from e


def describe_task(t: dict) -> str:
    moved = t.get("ApproximateNumberOfMessagesMoved", 0)
    total = t.get("ApproximateNumberOfMessagesToMove")
    started = t.get("StartedTimestamp")
    since = (dt.datetime.fromtimestamp(started / 1000, dt.timezone.utc).strftime(" since %Y-%m-%dT%H:%M:%SZ")
             if started else "")
    return f"{t.get('Status')}: moved {moved}" + (f" of {total}" if total is not None else "") + since


def redrive_ingest(ctx: Context, args) -> int:
    dlq_name, src_name = f"{ctx.prefix}-ingest-dlq", f"{ctx.prefix}-ingest"
    dlq_url, dlq_attrs = queue(ctx, dlq_name)
    _, src_attrs = queue(ctx, src_name)
    dlq_arn, src_arn = dlq_attrs["QueueArn"], src_attrs["QueueArn"]
    say(describe_counts(dlq_name, dlq_attrs))
    try:
        sources = []
        for page in ctx.client("sqs").get_paginator("list_dead_letter_source_queues").paginate(QueueUrl=dlq_url):
            sources += page.get("queueUrls", [])
    except Exception as e:
        raise call_failed("sqs:ListDeadLetterSourceQueues", dlq_name, e) from e
    names = sorted(u.rstrip("/").rsplit("/", 1)[-1] for u in sources)
    if src_name not in names:
        say(f"warning: {src_name} does not name {dlq_name} in its redrive policy "
            f"(source queues: {', '.join(names) or 'none'}); moving to {src_name} anyway")
    elif len(names) > 1:
        say(f"warning: {dlq_name} is also the dead-letter queue of {', '.join(n for n in names if n != src_name)}; "
            f"everything is moved to {src_name}")

    tasks = latest_task(ctx, dlq_arn)
    running = tasks[0] if tasks and tasks[0].get("Status") in ("RUNNING", "CANCELLING") else None

    if args.cancel:
        if running is None or running.get("Status") != "RUNNING":
            say(f"no RUNNING move task on {dlq_name}" + (f" (latest: {describe_task(tasks[0])})" if tasks else ""))
            say(f"{dlq_name}: moved 0")
            return 0
        say(f"a move task is RUNNING on {dlq_name}: {describe_task(running)}")
        confirm(ctx.env, args, f"cancel the move task on {dlq_name}")
        try:
            out = ctx.client("sqs").cancel_message_move_task(TaskHandle=running["TaskHandle"])
        except Exception as e:
            raise call_failed("sqs:CancelMessageMoveTask", dlq_name, e, "sqs:CancelMessageMoveTask") from e
        moved = out.get("ApproximateNumberOfMessagesMoved", 0)
        say(f"cancelled; messages already moved stay moved")
        say(f"{dlq_name}: moved {moved}")
        return 0

    peeked = ""
    if args.peek:
        say(f"peek: up to {args.peek} message(s), invisible for at most {args.peek_visibility} s, then visible again")
        seen = peek(ctx, dlq_url, args.peek, args.peek_visibility, args.wait)
        peeked = f" ({print_ingest_peek(seen)} of the {len(seen)} peeked carry one)"

    if running is not None:
        say(f"a move task is already {running.get('Status')} on {dlq_name} ({describe_task(running)}); "
            "not starting another (SQS allows one per queue). Run this again to see it end"
            + (f", or cancel it: --cancel" if running.get("Status") == "RUNNING" else ""))
        say(f"{dlq_name}: moved 0")
        return 1
    waiting, in_flight, _ = counts(dlq_attrs)
    if waiting == 0:
        say(f"nothing to move from {dlq_name}" + (f" ({in_flight} in flight: run again once they show)" if in_flight else ""))
        say(f"{dlq_name}: moved 0")
        return 0

    say(f"warning: messages with a `reason` attribute{peeked} were sent to {dlq_name} by ingest itself because "
        "they can never be reported to Salesforce (no usable Record_Id__c, not an EventBridge event, a "
        "foreign or unreadable payload pointer); redriven while that is still true, ingest sends them "
        "straight back here (and the alarm fires again). Fix the cause first, or use --peek to look")
    rate = f" at most {args.rate}/s" if args.rate else ""
    say(f"will move {waiting} message(s) from {dlq_name} to {src_name}{rate} (SQS message-move task)")
    confirm(ctx.env, args, f"move {waiting} message(s) from {dlq_name} to {src_name}")

    request = {"SourceArn": dlq_arn, "DestinationArn": src_arn}
    if args.rate:
        request["MaxNumberOfMessagesPerSecond"] = args.rate
    started_ms = int(time.time() * 1000)
    try:
        handle = ctx.client("sqs").start_message_move_task(**request)["TaskHandle"]
    except Exception as e:
        again = latest_task(ctx, dlq_arn)
        if again and again[0].get("Status") == "RUNNING":
            say(f"a move task is already RUNNING on {dlq_name} ({describe_task(again[0])}); not starting another")
            say(f"{dlq_name}: moved 0")
            return 1
        raise call_failed("sqs:StartMessageMoveTask", dlq_name, e, MOVE_NEEDS) from e
    say(f"move task started ({handle})")
    return follow_task(ctx, args, dlq_name, dlq_arn, handle, started_ms)


def follow_task(ctx: Context, args, dlq_name: str, dlq_arn: str, handle: str, started_ms: int) -> int:
    """Polls ListMessageMoveTasks until the task ends. TaskHandle is only listed while RUNNING
    (botocore model, ListMessageMoveTasksResultEntry), so a finished task is the latest one, started
    after our call."""
    deadline = time.monotonic() + args.timeout
    last = None
    try:
        while True:
            tasks = latest_task(ctx, dlq_arn)
            t = tasks[0] if tasks else None
            ours = t is not None and (t.get("TaskHandle") == handle or (
                not t.get("TaskHandle") and t.get("Status") in TERMINAL
                and int(t.get("StartedTimestamp") or 0) >= started_ms - CLOCK_SKEW_MS))
            if ours and t.get("Status") in TERMINAL:
                break
            if ours and describe_task(t) != last:
                last = describe_task(t)
                say(last)
            if time.monotonic() >= deadline:
                say(f"still running after {args.timeout} s ({last or 'not listed yet'}); the task goes on in SQS: "
                    "run this again to see it (or --cancel)")
                say(f"{dlq_name}: moved {t.get('ApproximateNumberOfMessagesMoved', 0) if ours else 0}")
                return 1
            time.sleep(args.poll)
    except KeyboardInterrupt:
        say("stopped watching; the move task goes on in SQS (run this again to see it, or --cancel)")
        return 130
    moved = t.get("ApproximateNumberOfMessagesMoved", 0)
    if t["Status"] == "COMPLETED":
        say(f"COMPLETED: moved {moved}" + (f" of {t['ApproximateNumberOfMessagesToMove']}"
                                          if t.get("ApproximateNumberOfMessagesToMove") is not None else ""))
        say(f"{dlq_name}: moved {moved}")
        return 0
    reason = f": {t['FailureReason']}" if t.get("FailureReason") else ""
    say(f"{t['Status']}{reason} (moved {moved} before it stopped; the rest are still in {dlq_name})")
    say(f"{dlq_name}: moved {moved}")
    return 1


# ---------------------------------------------------------------------------------------------
# QUEUE=stream: replay of the on-failure invocation records


class Left(Exception):
    """This message cannot be replayed now; it stays in the queue for the reason given."""


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def invocation_record(body: str, ctx: Context) -> tuple[str, dict]:
    """(function ARN, DDBStreamBatchInfo) of a Lambda on-failure record for a DynamoDB stream."""
    try:
        record = json.loads(body)
        fn = record["requestContext"]["functionArn"]
        info = record["DDBStreamBatchInfo"]
        for k in ("shardId", "startSequenceNumber", "endSequenceNumber", "streamArn"):
            if not isinstance(info.get(k), str) or not info[k]:
                raise KeyError(k)
        int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
    except (ValueError, KeyError, TypeError) as e:
        raise Left(f"not a Lambda on-failure record of a DynamoDB stream (no {e})") from e
    name = fn.split(":")[6] if fn.count(":") >= 6 else fn
    allowed = [f"{ctx.prefix}-{h}" for h in STREAM_CONSUMERS]
    if name not in allowed:
        raise Left(f"it names function {name}, not a stream consumer of {ctx.env} ({', '.join(allowed)})")
    return fn, info


def wire(value):
    """A boto3 DynamoDB attribute value back in its JSON wire form (binary as base64)."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


def epoch(value) -> int | float:
    """ApproximateCreationDateTime as Lambda sends it: epoch seconds, a JSON number."""
    if isinstance(value, dt.datetime):
        ts = value.timestamp()
    else:
        ts = float(value)
    return int(ts) if ts == int(ts) else round(ts, 3)


def lambda_record(r: dict, stream_arn: str) -> dict:
    """One GetRecords record as Lambda delivers it to a function (`Records[]` of the event)."""
    d = r.get("dynamodb", {})
    change = {}
    if "ApproximateCreationDateTime" in d:
        change["ApproximateCreationDateTime"] = epoch(d["ApproximateCreationDateTime"])
    for k in ("Keys", "NewImage", "OldImage"):
        if k in d:
            change[k] = wire(d[k])
    for k in ("SequenceNumber", "SizeBytes", "StreamViewType"):
        if k in d:
            change[k] = d[k]
    out = {
        "eventID": r.get("eventID"),
        "eventName": r.get("eventName"),
        "eventVersion": r.get("eventVersion"),
        "eventSource": r.get("eventSource", "aws:dynamodb"),
        "awsRegion": r.get("awsRegion"),
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in r:  # TTL deletions carry it
        out["userIdentity"] = r["userIdentity"]
    return out


def passes_filter(record: dict) -> bool:
    """The stream mappings' filter: request-item inserts only (pk REQUEST#..., sk EVENT#...)."""
    image = record.get("dynamodb", {}).get("NewImage", {})
    pk, sk = image.get("pk", {}).get("S"), image.get("sk", {}).get("S")
    return (record.get("eventName") == FILTER_EVENT_NAME
            and isinstance(pk, str) and pk.startswith(FILTER_PK_PREFIX)
            and isinstance(sk, str) and sk.startswith(FILTER_SK_PREFIX))


def read_range(ctx: Context, info: dict) -> list[dict]:
    """The records startSequenceNumber..endSequenceNumber (inclusive) of the shard."""
    stream_arn, shard = info["streamArn"], info["shardId"]
    start, end = int(info["startSequenceNumber"]), int(info["endSequenceNumber"])
    streams = ctx.client("dynamodbstreams", arn_region(stream_arn))

    def gone(e: Exception) -> Left:
        codes = error_codes(e)
        if "TrimmedDataAccessException" in codes:
            return Left(f"trimmed: the stream no longer holds sequence number {start} of {shard} "
                        "(DynamoDB Streams keeps records 24 h); this range cannot be replayed")
        if "ResourceNotFoundException" in codes:
            return Left(f"the stream or shard is gone ({aws_error(e)}): {stream_arn} {shard}; "
                        "this range cannot be replayed")
        if "ExpiredIteratorException" in codes:
            return Left(f"the shard iterator expired while reading ({aws_error(e)}); run again")
        return Left(f"reading {shard} of {stream_arn} failed: {aws_error(e)}"
                    + ("; the caller needs dynamodb:GetShardIterator and dynamodb:GetRecords on the stream"
                       if is_access_denied(e) else ""))

    try:
        iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard,
                                              ShardIteratorType="AT_SEQUENCE_NUMBER",
                                              SequenceNumber=info["startSequenceNumber"])["ShardIterator"]
    except Exception as e:
        raise gone(e) from e
    found: list[dict] = []
    empty, done, last = 0, False, None
    while iterator and not done:
        try:
            out = streams.get_records(ShardIterator=iterator, Limit=1000)
        except Exception as e:
            raise gone(e) from e
        records = out.get("Records", [])
        for r in records:
            seq = int(r["dynamodb"]["SequenceNumber"])
            last = seq
            if seq < start:
                continue
            if seq > end:
                done = True
                break
            found.append(r)
            if seq == end:
                done = True
                break
        empty = 0 if records else empty + 1
        if empty >= MAX_EMPTY_PAGES:
            break
        iterator = out.get("NextShardIterator")
    if not done:
        raise Left(f"the range is gone: {shard} holds no record from {last if last is not None else start} "
                   f"up to the end sequence number {end} ({len(found)} record(s) read)")
    if not found or int(found[0]["dynamodb"]["SequenceNumber"]) != start:
        raise Left(f"the range is gone: sequence number {start} is no longer in {shard}")
    return found


def invoke(ctx: Context, fn: str, records: list[dict]) -> None:
    """Invoke synchronously; Left unless it succeeded with no batchItemFailures."""
    client = ctx.client("lambda", arn_region(fn))
    try:
        out = client.invoke(FunctionName=fn, InvocationType="RequestResponse",
                            Payload=json.dumps({"Records": records}).encode())
    except Exception as e:
        need = "; the caller needs lambda:InvokeFunction on it" if is_access_denied(e) else ""
        raise Left(f"invoking {fn} failed: {aws_error(e)}{need}") from e
    raw = out["Payload"].read() if "Payload" in out else b""
    try:
        answer = json.loads(raw) if raw.strip() else None
    except ValueError:
        answer = raw.decode(errors="replace")[:200]
    if out.get("FunctionError"):
        detail = (f"{answer.get('errorType')}: {answer.get('errorMessage')}" if isinstance(answer, dict)
                  else str(answer))
        raise Left(f"{fn} answered a function error ({out['FunctionError']}): {detail}")
    # Lambda's rule: an empty or null batchItemFailures, or an empty/null response, is success.
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if failures:
        ids = [f.get("itemIdentifier") for f in failures if isinstance(f, dict)]
        raise Left(f"{fn} reported {len(failures)} failed record(s) (sequence numbers {', '.join(map(str, ids))})")


def replay_one(ctx: Context, m: dict) -> str:
    fn, info = invocation_record(m.get("Body", ""), ctx)
    first = info.get("approximateArrivalOfFirstRecord")
    if first:
        try:
            age = dt.datetime.now(dt.timezone.utc) - parse_time(first)
        except ValueError:
            age = None
        if age is not None and age > STREAM_RETENTION:
            raise Left(f"expired: its records arrived at {first}, {age.total_seconds() / 3600:.0f} h ago; "
                       "DynamoDB Streams keeps records 24 h, so this range cannot be replayed")
    raw = read_range(ctx, info)
    records = [lambda_record(r, info["streamArn"]) for r in raw]
    passed = [r for r in records if passes_filter(r)]
    if not passed:
        raise Left(f"none of the {len(records)} record(s) in the range passes the mapping's filter "
                   "(request-item inserts); nothing to invoke")
    name = fn.split(":")[6] if fn.count(":") >= 6 else fn
    skipped = len(records) - len(passed)
    note = f", {skipped} filtered out" if skipped else ""
    batch = info.get("batchSize")
    if isinstance(batch, int) and batch != len(passed):
        note += f"; the failed batch had {batch}"
    invoke(ctx, fn, passed)
    return f"{name}: {len(passed)} record(s) {info['startSequenceNumber']}..{info['endSequenceNumber']}{note}"


def print_stream_peek(messages: list[dict], ctx: Context) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    for m in messages:
        try:
            fn, info = invocation_record(m.get("Body", ""), ctx)
        except Left as e:
            say(f"  {m['MessageId']}  cannot be replayed: {e}", "replay")
            continue
        first = info.get("approximateArrivalOfFirstRecord", "?")
        try:
            hours = (now - parse_time(first)).total_seconds() / 3600
            age = f"{hours:.1f} h ago" + (" (EXPIRED: older than 24 h)" if hours > 24 else "")
        except (ValueError, AttributeError):
            age = "age unknown"
        name = fn.split(":")[6] if fn.count(":") >= 6 else fn
        say(f"  {m['MessageId']}  {name}  {info.get('batchSize', '?')} record(s)  {info['shardId']} "
            f"{info['startSequenceNumber']}..{info['endSequenceNumber']}  first arrived {first}, {age}", "replay")


def replay_stream(ctx: Context, args) -> int:
    name = f"{ctx.prefix}-stream-failures"
    url, attrs = queue(ctx, name)
    say(describe_counts(name, attrs), "replay")
    if args.peek:
        say(f"peek: up to {args.peek} message(s), invisible for at most {args.peek_visibility} s, "
            "then visible again", "replay")
        print_stream_peek(peek(ctx, url, args.peek, args.peek_visibility, args.wait), ctx)
    waiting, in_flight, _ = counts(attrs)
    if waiting == 0:
        say(f"nothing to replay from {name}" + (f" ({in_flight} in flight: run again once they show)"
                                                 if in_flight else ""), "replay")
        say(f"{name}: replayed 0, left 0", "replay")
        return 0
    say(f"will replay up to {waiting if not args.max else min(waiting, args.max)} message(s): read each "
        "range from the table's stream, invoke its function, delete the message when that succeeds. "
        "Safe to repeat: notify dedupes, status-csv rewrites the same key", "replay")
    confirm(ctx.env, args, f"replay {name}")

    replayed, left, seen = 0, [], set()
    sqs = ctx.client("sqs")
    try:
        while not args.max or replayed + len(left) < args.max:
            batch = receive(ctx, url, max_messages=1, visibility=args.visibility, wait=args.wait)
            if not batch or batch[0]["MessageId"] in seen:
                if batch:
                    left.append((batch[0], None))  # visible again already: give it back below
                break
            m = batch[0]
            seen.add(m["MessageId"])
            try:
                what = replay_one(ctx, m)
            except Left as e:
                say(f"left {m['MessageId']}: {e}", "replay")
                left.append((m, str(e)))
                continue
            try:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            except Exception as e:
                say(f"replayed {m['MessageId']} ({what}) but could not delete it ({aws_error(e)}); "
                    "replaying it again is harmless", "replay")
                left.append((m, "not deleted"))
                continue
            replayed += 1
            say(f"replayed {m['MessageId']} ({what}); message deleted", "replay")
    finally:
        # Left messages show again now, so the alarm stays on and the next run sees them.
        make_visible(ctx, url, [m for m, _ in left])
    n_left = sum(1 for _, why in left if why is not None)
    say(f"{name}: replayed {replayed}, left {n_left}", "replay")
    return 1 if n_left else 0


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Redrive the ingest DLQ or replay the stream failures (see the module doc).")
    ap.add_argument("--env", required=True, help="dev, staging, prod (names are sfbridge-<env>-...)")
    ap.add_argument("--queue", required=True, choices=("ingest", "stream"))
    ap.add_argument("--confirm", metavar="ENV", help="confirm the change; must name the environment")
    ap.add_argument("--yes", action="store_true", help="confirm outside prod")
    ap.add_argument("--peek", type=int, default=0, metavar="N", help="print up to N messages first")
    ap.add_argument("--peek-visibility", type=int, default=30, metavar="S",
                    help="visibility timeout while peeking (they are made visible again at once)")
    ap.add_argument("--rate", type=int, metavar="N", help="ingest: at most N messages per second (1-500)")
    ap.add_argument("--cancel", action="store_true", help="ingest: cancel the RUNNING move task")
    ap.add_argument("--max", type=int, default=0, metavar="N", help="stream: replay at most N messages")
    ap.add_argument("--visibility", type=int, default=900, metavar="S",
                    help="stream: visibility timeout of a message while it is replayed")
    ap.add_argument("--poll", type=float, default=5.0, metavar="S", help="ingest: seconds between polls")
    ap.add_argument("--timeout", type=float, default=3600.0, metavar="S",
                    help="ingest: stop watching the move task after S seconds (it goes on)")
    ap.add_argument("--wait", type=int, default=2, metavar="S", help="long-poll seconds per receive")
    args = ap.parse_args(argv)

    tag = "redrive" if args.queue == "ingest" else "replay"
    try:
        if not ENV_PATTERN.fullmatch(args.env):
            raise Refused(f"--env {args.env!r} is not an environment name (e.g. dev, staging, prod)")
        if args.rate is not None and not 1 <= args.rate <= MOVE_RATE_MAX:
            raise Refused(f"--rate must be 1..{MOVE_RATE_MAX} (SQS MaxNumberOfMessagesPerSecond)")
        if args.queue == "stream" and (args.rate or args.cancel):
            raise Refused("--rate and --cancel are for --queue ingest")
        if args.peek < 0 or args.max < 0:
            raise Refused("--peek and --max take a count >= 0")
        if not 0 <= args.peek_visibility <= 43200 or not 0 <= args.visibility <= 43200:
            raise Refused("visibility timeouts are 0..43200 s (SQS)")
        ctx = Context(aws_session(), args.env, tag)
        ctx.identify()
        return redrive_ingest(ctx, args) if args.queue == "ingest" else replay_stream(ctx, args)
    except Refused as e:
        say(f"refused: {e}", tag)
        return 2
    except Failed as e:
        say(f"failed: {e}", tag)
        return 1
    except EOFError:
        say("refused: no answer; nothing changed", tag)
        return 2


if __name__ == "__main__":
    pf.ensure_venv(__file__, "redrive", ("boto3",))
    sys.exit(main())
