"""What the rehearsal's `terraform apply` of terraform/dev created, read back through the AWS
APIs (moto, and the local AppFlow for AppFlow). Arguments: the root's function_names output
(JSON) and the local AppFlow's request log. Exits non-zero naming the first thing wrong."""

import json
import os
import sys

import boto3

PREFIX = "sfbridge-dev"
ACCOUNT = "123456789012"
HEADER = "Id,Sync_Status__c,Sync_Message__c,Synced_At__c,Sync_Event_Id__c\r\n"


def client(service):
    # AppFlow is the local AppFlow; Lambda goes through it too, as Terraform's calls did (it
    # answers back the function settings moto drops); the rest is moto.
    local = service in ("appflow", "lambda")
    endpoint = os.environ["AWS_ENDPOINT_URL_APPFLOW"] if local else os.environ["AWS_ENDPOINT_URL"]
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def main(function_names: str, appflow_log: str) -> None:
    names = json.loads(function_names)
    assert sorted(names) == ["connect-lookup", "flow-guard", "ingest", "notify", "status-csv"], names

    lam = client("lambda")
    for handler, fn in names.items():
        cfg = lam.get_function_configuration(FunctionName=fn)
        assert cfg["Handler"] == handler and cfg["Runtime"] == "provided.al2023", cfg
        dlq = cfg.get("DeadLetterConfig", {}).get("TargetArn")
        # Only the asynchronously invoked handlers can dead-letter.
        assert bool(dlq) == (handler in ("ingest", "flow-guard")), (handler, dlq)
    mappings = lam.list_event_source_mappings()["EventSourceMappings"]
    mapped = sorted(m["FunctionArn"].split(":")[-1] for m in mappings)
    assert mapped == sorted([names["notify"], names["status-csv"]]), mapped
    assert all("ReportBatchItemFailures" in m.get("FunctionResponseTypes", []) for m in mappings), mappings

    table = client("dynamodb").describe_table(TableName=f"{PREFIX}-config")["Table"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES", table

    queues = sorted(q.rsplit("/", 1)[-1] for q in client("sqs").list_queues().get("QueueUrls", []) if PREFIX in q)
    assert queues == sorted(f"{PREFIX}-{q}" for q in ["ingest-dlq", "flow-guard-dlq", "stream-failures", "config-change-dlq"]), queues

    # Listed, not read: moto applies the TLS-only Deny to every object request (it ignores the
    # policy's conditions), so only the size is checked.
    s3 = client("s3")
    listed = s3.list_objects_v2(Bucket=f"{PREFIX}-status-{ACCOUNT}", Prefix="status/")["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [("status/000-header-only.csv", len(HEADER))], listed

    appflow = client("appflow")
    profiles = appflow.describe_connector_profiles(connectorProfileNames=[PREFIX])["connectorProfileDetails"]
    assert [p["connectorProfileName"] for p in profiles] == [PREFIX], profiles
    for flow in (f"{PREFIX}-events", f"{PREFIX}-status"):
        status = appflow.describe_flow(flowName=flow)["flowStatus"]
        assert status == "Active", (flow, status)

    ops = [json.loads(line) for line in open(appflow_log, encoding="utf-8") if line.strip()]
    denied = [o for o in ops if o.get("op") == "StartFlow" and o.get("code") == "AccessDeniedException"]
    assert denied, "the first StartFlow was not denied: the IAM-propagation retry was not exercised"
    stopped = [o for o in ops if o.get("op") == "StopFlow"]
    assert not stopped, f"a flow was stopped during the apply: {stopped}"


if __name__ == "__main__":
    try:
        main(sys.argv[1], sys.argv[2])
    except AssertionError as e:
        print(f"deployed: {e}")
        sys.exit(1)
