"""The second region, as the rehearsal's `terraform apply` of terraform/dev with
secondary_region made it in moto, read back through the AWS APIs. Argument: the root's
`secondary` output (JSON). Exits non-zero naming the first thing wrong.
With `--removed`: after an apply with secondary_enabled = false, the second region is empty
again and the home region's connect-lookup (the same name) is still there.

moto 5.2 has no DynamoDB replicas (UpdateTable's ReplicaUpdates), so the rehearsal applies the
secondary module without its `aws_dynamodb_table_replica` (secondary_override.tf): the replica,
its key and its ARN are checked by `terraform test` with mocks only. Everything else of the
second region is applied here. To show the secondary connect-lookup reads its own region, a
table standing in for the replica is created there with an item the home table does not have,
and the function is invoked in that region (the local AppFlow runs the real bootstrap)."""

import json
import os
import sys

# The home region's checks: the same names, and the same endpoints for each service.
from deployed import ACCOUNT, PREFIX, REGION as HOME, client

SECONDARY = "us-west-2"
TABLE = f"{PREFIX}-config"
FUNCTION = f"{PREFIX}-connect-lookup"
# What the secondary lookup's role may do: read, log, trace (modules/secondary).
READ_ONLY = {"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
             "dynamodb:BatchGetItem", "dynamodb:GetItem", "kms:Decrypt"}


def main(output: str) -> None:
    secondary = json.loads(output)
    assert secondary and secondary["region"] == SECONDARY, secondary
    assert secondary["function_name"] == FUNCTION, secondary
    assert secondary["function_arn"].startswith(f"arn:aws:lambda:{SECONDARY}:"), secondary

    # The function, in the second region only once, from the same zip, reading the table by name.
    lam = client("lambda", SECONDARY)
    names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
    assert names == [FUNCTION], f"functions in {SECONDARY}: {names}"
    cfg = lam.get_function_configuration(FunctionName=FUNCTION)
    assert cfg["Handler"] == "connect-lookup" and cfg["Runtime"] == "provided.al2023", cfg
    assert cfg["Environment"]["Variables"] == {"CONFIG_TABLE": TABLE}, cfg["Environment"]
    key_arn = cfg["KMSKeyArn"]
    assert key_arn.startswith(f"arn:aws:kms:{SECONDARY}:"), key_arn
    home_lookup = client("lambda", HOME).get_function_configuration(FunctionName=FUNCTION)
    assert home_lookup["CodeSha256"] == cfg["CodeSha256"], "not the home region's zip"

    # Its role: only reads of the replica's config items (IAM is global; the name says the region).
    role = cfg["Role"].rsplit("/", 1)[-1]
    assert role == f"{FUNCTION}-{SECONDARY}", role
    iam = client("iam", HOME)
    for policy_name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        doc = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        for st in doc["Statement"]:
            actions = set([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
            assert actions <= READ_ONLY, f"the secondary lookup may {sorted(actions - READ_ONLY)}"
            if any(a.startswith("dynamodb:") for a in actions):
                assert st["Resource"] == f"arn:aws:dynamodb:{SECONDARY}:{ACCOUNT}:table/{TABLE}", st
    assert not iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"], "managed policies attached"

    # Its key, log group, topic and alarms are in the second region.
    kms = client("kms", SECONDARY)
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert f"alias/{PREFIX}-secondary" in aliases, sorted(aliases)
    groups = client("logs", SECONDARY).describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{PREFIX}")["logGroups"]
    assert [g["logGroupName"] for g in groups] == [f"/aws/lambda/{FUNCTION}"], groups
    assert groups[0].get("kmsKeyId") == key_arn, groups[0]
    topics = [t["TopicArn"] for t in client("sns", SECONDARY).list_topics()["Topics"]]
    assert topics == [f"arn:aws:sns:{SECONDARY}:{ACCOUNT}:{PREFIX}-support"], topics
    alarms = {a["AlarmName"]: a for a in client("cloudwatch", SECONDARY).describe_alarms()["MetricAlarms"]}
    assert sorted(alarms) == sorted(f"{PREFIX}-connect-lookup-{SECONDARY}-{k}" for k in ["errors", "answered-error", "items-skipped"]), sorted(alarms)
    assert all(a["AlarmActions"] == topics for a in alarms.values()), alarms

    # Replication is alarmed at home, where DynamoDB publishes ReplicationLatency.
    home_alarms = {a["AlarmName"]: a for a in client("cloudwatch", HOME).describe_alarms(
        AlarmNamePrefix=f"{PREFIX}-replication-to-")["MetricAlarms"]}
    latency, stopped = f"{PREFIX}-replication-to-{SECONDARY}", f"{PREFIX}-replication-to-{SECONDARY}-stopped"
    assert sorted(home_alarms) == [latency, stopped], sorted(home_alarms)
    dims = {d["Name"]: d["Value"] for d in home_alarms[latency]["Dimensions"]}
    assert dims == {"TableName": TABLE, "ReceivingRegion": SECONDARY}, dims
    assert home_alarms[latency]["MetricName"] == "ReplicationLatency" and home_alarms[latency]["Namespace"] == "AWS/DynamoDB", home_alarms[latency]
    queries = {q["Id"]: q for q in home_alarms[stopped].get("Metrics", [])}
    assert sorted(queries) == ["replicated", "stopped", "writes"], queries

    # Nothing else there: no queues, no tables (the replica is mocks-only), no flows, no rules.
    assert not client("sqs", SECONDARY).list_queues().get("QueueUrls"), "queues in the second region"
    assert client("dynamodb", SECONDARY).list_tables()["TableNames"] == [], "tables in the second region"
    assert not client("appflow", SECONDARY).list_flows().get("flows"), "flows in the second region"
    assert not client("events", SECONDARY).list_rules().get("Rules"), "rules in the second region"

    # It reads its own region's table: a stand-in for the replica, with a zone only it has.
    ddb = client("dynamodb", SECONDARY)
    ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in ("pk", "sk")],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    ddb.put_item(TableName=TABLE, Item={"pk": {"S": "REGION#apac-nz"}, "sk": {"S": "TIMEZONE#default"}, "tz": {"S": "Pacific/Auckland"}})
    home = client("dynamodb", HOME).get_item(TableName=TABLE, Key={"pk": {"S": "REGION#apac-nz"}, "sk": {"S": "TIMEZONE#default"}})
    assert "Item" not in home, "the home table has the stand-in's item"
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "connect-event.json"), "rb") as f:
        event = f.read()
    try:
        res = lam.invoke(FunctionName=FUNCTION, Payload=event)
        answer = json.loads(res["Payload"].read())
        assert "FunctionError" not in res, answer
        assert answer.get("status") == "OK" and answer.get("timezone") == "Pacific/Auckland", answer
    finally:
        ddb.delete_table(TableName=TABLE)


def removed() -> None:
    lam = client("lambda", SECONDARY)
    assert not lam.list_functions()["Functions"], "functions left in the second region"
    assert not client("cloudwatch", SECONDARY).describe_alarms()["MetricAlarms"], "alarms left in the second region"
    assert not client("sns", SECONDARY).list_topics()["Topics"], "topics left in the second region"
    aliases = [a["AliasName"] for a in client("kms", SECONDARY).list_aliases()["Aliases"]]
    assert f"alias/{PREFIX}-secondary" not in aliases, aliases
    groups = client("logs", SECONDARY).describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{PREFIX}")["logGroups"]
    assert not groups, groups
    iam = client("iam", HOME)
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert f"{FUNCTION}-{SECONDARY}" not in roles and FUNCTION in roles, roles
    # The home function of the same name, its log group and alarms are untouched.
    home = client("lambda", HOME).get_function_configuration(FunctionName=FUNCTION)
    assert home["Handler"] == "connect-lookup" and home["KMSKeyArn"].startswith(f"arn:aws:kms:{HOME}:"), home
    home_groups = client("logs", HOME).describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{FUNCTION}")["logGroups"]
    assert [g["logGroupName"] for g in home_groups] == [f"/aws/lambda/{FUNCTION}"], home_groups
    cw = client("cloudwatch", HOME)
    assert not cw.describe_alarms(AlarmNamePrefix=f"{PREFIX}-replication-to-")["MetricAlarms"], "replication alarm left"
    assert cw.describe_alarms(AlarmNames=[f"{PREFIX}-connect-lookup-errors"])["MetricAlarms"], "home lookup alarm gone"


if __name__ == "__main__":
    try:
        removed() if sys.argv[1] == "--removed" else main(sys.argv[1])
    except AssertionError as e:
        print(f"secondary.py: {e}", file=sys.stderr)
        sys.exit(1)
