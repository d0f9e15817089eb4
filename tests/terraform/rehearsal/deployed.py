"""What the rehearsal's `terraform apply` of terraform/dev created, read back through the AWS
APIs (moto, and the local AppFlow for AppFlow). Arguments: the root's function_names output
(JSON) and the local AppFlow's request log. Exits non-zero naming the first thing wrong."""

import csv
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import boto3

PREFIX = "sfbridge-dev"
ACCOUNT = "123456789012"
REGION = "us-east-1"
HEADER = "Id,Sync_Status__c,Sync_Message__c,Synced_At__c,Sync_Event_Id__c\r\n"
METRICS = Path(__file__).resolve().parents[3] / "modules" / "monitoring" / "metrics.csv"


def client(service, region=REGION):
    # AppFlow is the local AppFlow; Lambda, EventBridge and SQS go through it too, as
    # Terraform's calls did (it answers back what moto drops: function settings, partner bus
    # names, a queue's RedriveAllowPolicy, per region); the rest is moto.
    local = service in ("appflow", "lambda", "events", "sqs")
    endpoint = os.environ["AWS_ENDPOINT_URL_APPFLOW"] if local else os.environ["AWS_ENDPOINT_URL"]
    return boto3.client(service, endpoint_url=endpoint, region_name=region)


def main(function_names: str, appflow_log: str) -> None:
    names = json.loads(function_names)
    assert sorted(names) == ["connect-lookup", "flow-guard", "ingest", "notify", "status-csv"], names

    lam = client("lambda")
    for handler, fn in names.items():
        cfg = lam.get_function_configuration(FunctionName=fn)
        assert cfg["Handler"] == handler and cfg["Runtime"] == "provided.al2023", cfg
        dlq = cfg.get("DeadLetterConfig", {}).get("TargetArn")
        # Only the asynchronously invoked handler can dead-letter (ingest's are its queue's).
        assert bool(dlq) == (handler == "flow-guard"), (handler, dlq)
    mappings = lam.list_event_source_mappings()["EventSourceMappings"]
    mapped = sorted(m["FunctionArn"].split(":")[-1] for m in mappings)
    assert mapped == sorted([names["ingest"], names["notify"], names["status-csv"]]), mapped
    assert all("ReportBatchItemFailures" in m.get("FunctionResponseTypes", []) for m in mappings), mappings

    table = client("dynamodb").describe_table(TableName=f"{PREFIX}-config")["Table"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES", table

    sqs = client("sqs")
    queues = sorted(q.rsplit("/", 1)[-1] for q in sqs.list_queues().get("QueueUrls", []) if PREFIX in q)
    assert queues == sorted(f"{PREFIX}-{q}" for q in ["ingest", "ingest-dlq", "flow-guard-dlq", "stream-failures", "config-change-dlq"]), queues
    ingest_queue(sqs, lam, names["ingest"])
    stream_filters(lam, names)
    alarms_and_dashboard(client("cloudwatch"))

    # Listed, not read: moto applies the TLS-only Deny to every object request (it ignores the
    # policy's conditions), so only the size is checked.
    s3 = client("s3")
    listed = s3.list_objects_v2(Bucket=f"{PREFIX}-status-{ACCOUNT}", Prefix="status/")["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("status/000-header-only.csv", len(HEADER))], listed

    appflow = client("appflow")
    profiles = appflow.describe_connector_profiles(connectorProfileNames=[PREFIX])["connectorProfileDetails"]
    assert [p["connectorProfileName"] for p in profiles] == [PREFIX], profiles
    for flow in (f"{PREFIX}-events", f"{PREFIX}-status", f"{PREFIX}-sweep"):
        status = appflow.describe_flow(flowName=flow)["flowStatus"]
        assert status == "Active", (flow, status)
    catch_up(appflow, sqs, lam, names["ingest"])

    ops = [json.loads(line) for line in open(appflow_log, encoding="utf-8") if line.strip()]
    denied = [o for o in ops if o.get("op") == "StartFlow" and o.get("code") == "AccessDeniedException"]
    assert denied, "the first StartFlow was not denied: the IAM-propagation retry was not exercised"
    stopped = [o for o in ops if o.get("op") == "StopFlow"]
    assert not stopped, f"a flow was stopped during the apply: {stopped}"


def ingest_queue(sqs, lam, ingest_fn: str) -> None:
    """The partner-bus rule sends to the ingest queue; the queue redrives to its DLQ and feeds
    ingest through a mapping that reports batch-item failures."""
    def attributes(name):
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    url, queue = attributes(f"{PREFIX}-ingest")
    dlq_url, dlq = attributes(f"{PREFIX}-ingest-dlq")
    assert queue.get("KmsMasterKeyId") and dlq.get("KmsMasterKeyId"), (queue, dlq)
    assert queue["MessageRetentionPeriod"] == str(7 * 86400), queue
    cfg = lam.get_function_configuration(FunctionName=ingest_fn)
    assert int(queue["VisibilityTimeout"]) >= 6 * cfg["Timeout"], (queue["VisibilityTimeout"], cfg["Timeout"])
    redrive = json.loads(queue["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == dlq["QueueArn"] and int(redrive["maxReceiveCount"]) == 12, redrive
    allow = json.loads(dlq["RedriveAllowPolicy"])
    assert allow == {"redrivePermission": "byQueue", "sourceQueueArns": [queue["QueueArn"]]}, allow
    assert cfg["Environment"]["Variables"]["DEAD_LETTER_QUEUE_URL"] == dlq_url, cfg["Environment"]

    events = client("events")
    bus = f"aws.partner/appflow/salesforce.com/{ACCOUNT}/{PREFIX}-events"
    rule = events.describe_rule(Name=f"{PREFIX}-config-change", EventBusName=bus)
    targets = events.list_targets_by_rule(Rule=f"{PREFIX}-config-change", EventBusName=bus)["Targets"]
    assert [t["Arn"] for t in targets] == [queue["QueueArn"]], ("rule targets", targets)
    sends = [s for s in json.loads(queue["Policy"])["Statement"] if s["Effect"] == "Allow"]
    assert sends == [{
        "Sid": "PartnerBusRuleSends", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue["QueueArn"],
        "Condition": {"ArnEquals": {"aws:SourceArn": rule["Arn"]}},
    }, {
        "Sid": "CatchUpFilesNotify", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue["QueueArn"],
        "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{PREFIX}-large-events-{ACCOUNT}"},
                      "StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }], ("who may send to the ingest queue", sends)

    mappings = [m for m in lam.list_event_source_mappings()["EventSourceMappings"]
                if m["FunctionArn"].split(":")[-1] == ingest_fn]
    assert len(mappings) == 1, ("mappings of ingest", mappings)
    m = mappings[0]
    assert m["EventSourceArn"] == queue["QueueArn"] and m["FunctionResponseTypes"] == ["ReportBatchItemFailures"], m
    assert m["BatchSize"] == 10 and m.get("ScalingConfig", {}).get("MaximumConcurrency") == 5, m


def catch_up(appflow, sqs, lam, ingest_fn: str) -> None:
    """The catch-up flow as AppFlow holds it, the bucket's notification to the ingest queue, and
    one run played by the local AppFlow: its file lands under the sweep prefix and S3 tells the
    ingest queue (moto delivers S3 notifications); ingest is told where to look."""
    flow = appflow.describe_flow(flowName=f"{PREFIX}-sweep")
    sched = flow["triggerConfig"]["triggerProperties"]["Scheduled"]
    assert (flow["triggerConfig"]["triggerType"], sched["scheduleExpression"], sched["dataPullMode"]) == \
        ("Scheduled", "rate(15minutes)", "Complete"), flow["triggerConfig"]
    src = flow["sourceFlowConfig"]
    assert (src["connectorType"], src["connectorProfileName"], src["sourceConnectorProperties"]["Salesforce"]["object"]) == \
        ("Salesforce", PREFIX, "Config_Request__c"), src
    dst = flow["destinationFlowConfigList"][0]["destinationConnectorProperties"]["S3"]
    bucket = f"{PREFIX}-large-events-{ACCOUNT}"
    assert (dst["bucketName"], dst["bucketPrefix"], dst["s3OutputFormatConfig"]["fileType"]) == (bucket, "sweep", "JSON"), dst
    filters = [(t["sourceFields"], t["connectorOperator"], t.get("taskProperties")) for t in flow["tasks"]
               if t["taskType"] == "Filter" and t["connectorOperator"] != {"Salesforce": "PROJECTION"}]
    assert filters == [(["Needs_Sync__c"], {"Salesforce": "EQUAL_TO"}, {"DATA_TYPE": "boolean", "VALUE": "true"})], filters

    env = lam.get_function_configuration(FunctionName=ingest_fn)["Environment"]["Variables"]
    assert (env.get("SWEEP_PREFIX"), env.get("SWEEP_GRACE_MINUTES"), env.get("LARGE_EVENT_BUCKET")) == ("sweep/", "10", bucket), env

    config = client("s3").get_bucket_notification_configuration(Bucket=bucket).get("QueueConfigurations", [])
    url = sqs.get_queue_url(QueueName=f"{PREFIX}-ingest")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # S3 spells the rule name Prefix or prefix (the provider reads either, lower-cased).
    got = [(c["QueueArn"], c["Events"], [(r["Name"].lower(), r["Value"]) for r in c["Filter"]["Key"]["FilterRules"]])
           for c in config]
    assert got == [(queue_arn, ["s3:ObjectCreated:*"], [("prefix", "sweep/")])], config

    # One run: a request the event path lost, and one that already has its status.
    lost = {"Id": "a0B000000000001AAA", "CreatedDate": "2026-06-01T10:00:00.000+0000", "Action__c": "ADD",
            "Region__c": "emea-uk", "Config_Type__c": "HOLIDAY", "Config_Key__c": "2026-12-25",
            "Name__c": "Christmas", "Needs_Sync__c": True}
    done = dict(lost, Id="a0B000000000002AAA", Needs_Sync__c=False)
    req = urllib.request.Request(os.environ["AWS_ENDPOINT_URL_APPFLOW"] + "/_fake-appflow/run", method="POST",
                                 data=json.dumps({"flowName": f"{PREFIX}-sweep", "region": REGION,
                                                  "records": [lost, done]}).encode())
    with urllib.request.urlopen(req) as r:
        run = json.loads(r.read())
    assert run["records"] == 1 and run["key"].startswith(f"sweep/{PREFIX}-sweep/"), run
    body = client("s3").get_object(Bucket=bucket, Key=run["key"])["Body"].read().decode()
    assert [json.loads(line)["Id"] for line in body.splitlines()] == [lost["Id"]], body

    # S3's test message (sent while the notification was configured) and the file's notice are on
    # the ingest queue. (moto's own poller for the mapping cannot run ingest, so they stay.)
    seen, deadline = [], time.time() + 10
    while time.time() < deadline and not any("Records" in b for b in seen):
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                   WaitTimeSeconds=1).get("Messages", [])
        seen += [json.loads(m["Body"]) for m in msgs]
    keys = {urllib.parse.unquote_plus(r["s3"]["object"]["key"]) for b in seen for r in b.get("Records", [])
            if r.get("eventSource") == "aws:s3" and r["s3"]["bucket"]["name"] == bucket}
    assert run["key"] in keys, ("the catch-up file's notification on the ingest queue", seen)
    assert any(b.get("Event") == "s3:TestEvent" for b in seen), ("S3's test message on the ingest queue", seen)


def stream_filters(lam, names) -> None:
    """status-csv and notify see request-item inserts only (pk REQUEST#, sk EVENT#)."""
    for h in ("status-csv", "notify"):
        m = [m for m in lam.list_event_source_mappings()["EventSourceMappings"]
             if m["FunctionArn"].split(":")[-1] == names[h]]
        assert len(m) == 1, (h, m)
        pattern = json.loads(m[0]["FilterCriteria"]["Filters"][0]["Pattern"])
        assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {
            "pk": {"S": [{"prefix": "REQUEST#"}]}, "sk": {"S": [{"prefix": "EVENT#"}]}}}}, (h, pattern)


def alarms_and_dashboard(cw) -> None:
    """An alarm per metrics.csv row marked alarm, the stalled-queue alarm, and the dashboard
    graphing every metric of metrics.csv."""
    rows = list(csv.DictReader(open(METRICS, encoding="utf-8")))
    alarms = {a["AlarmName"]: a for page in cw.get_paginator("describe_alarms").paginate(AlarmNamePrefix=PREFIX)
              for a in page["MetricAlarms"]}
    for row in (r for r in rows if r["alarm"] == "alarm"):
        a = alarms.get(f"{PREFIX}-{row['handler']}-{row['metric']}")
        assert a, f"no alarm for {row['handler']} {row['metric']}"
        assert (a["Namespace"], a["MetricName"], a["Dimensions"]) == \
            ("sfbridge", row["metric"], [{"Name": "Handler", "Value": row["handler"]}]), a
    age = alarms.get(f"{PREFIX}-ingest-queue-age")
    assert age and age["MetricName"] == "ApproximateAgeOfOldestMessage" and \
        age["Dimensions"] == [{"Name": "QueueName", "Value": f"{PREFIX}-ingest"}], age
    assert f"{PREFIX}-ingest-dlq-has-messages" in alarms, sorted(alarms)

    body = json.loads(cw.get_dashboard(DashboardName=PREFIX)["DashboardBody"])
    graphed = {(m[3], m[1]) for w in body["widgets"] for m in w.get("properties", {}).get("metrics", [])
               if m[0] == "sfbridge"}
    assert graphed == {(r["handler"], r["metric"]) for r in rows}, graphed


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except AssertionError as e:
        print(f"deployed: {e}")
        sys.exit(1)
