"""Reads `terraform graph` (DOT) of the dev root and checks the order a first apply needs:

- no aws_lambda_function depends, directly or through anything else, on an AppFlow resource (a
  flow or the connector profile): AppFlow validates credentials and Salesforce objects when a
  flow is created, so whatever depends on a flow waits for Salesforce; connect-lookup and the
  rest must not;
- each flow waits for what AWS checks when it is created: the bucket policies that let AppFlow
  in, the header-only CSV under the status flow's S3 source prefix, the connector profile;
- the bucket notification of catch-up files waits for the ingest queue's policy and the key
  (S3 sends a test message when it is written);
- the activation waits for the three flows and for where the events and files go (the partner
  bus, the rule's target, the ingest queue's policy, the bucket notification).

A race that happens to go right here (moto is fast) still fails these checks."""

import re
import sys

EDGE = re.compile(r'"([^"]+)"\s*->\s*"([^"]+)"')


def node(name: str) -> str:
    name = name.replace("[root] ", "")
    return re.sub(r"\s*\((expand|close)\)$", "", name).strip()


P = "module.sfbridge.module."
REQUIRED = {
    P + "inbound.aws_appflow_flow.events": [
        P + "inbound.module.large_events.aws_s3_bucket_policy.this",
        P + "connection.aws_appflow_connector_profile.this",
    ],
    P + "outbound.aws_appflow_flow.status": [
        P + "outbound.module.status.aws_s3_bucket_policy.this",
        P + "outbound.module.status.aws_s3_object.seed",
        P + "connection.aws_appflow_connector_profile.this",
    ],
    P + "inbound.aws_appflow_flow.sweep": [
        P + "inbound.module.large_events.aws_s3_bucket_policy.this",
        P + "connection.aws_appflow_connector_profile.this",
    ],
    # S3 tests the destination when the notification is written: the queue policy (and the
    # key's policy, made with the key) must be there first.
    P + "inbound.aws_s3_bucket_notification.sweep": [
        P + "inbound.aws_sqs_queue_policy.ingest",
        P + "connection.aws_kms_key.this",
    ],
    P + "guard.aws_lambda_invocation.activate": [
        P + "inbound.aws_appflow_flow.events",
        P + "outbound.aws_appflow_flow.status",
        P + "inbound.aws_appflow_flow.sweep",
        P + "inbound.aws_cloudwatch_event_bus.partner",
        P + "inbound.aws_cloudwatch_event_target.ingest",
        P + "inbound.aws_sqs_queue_policy.ingest",
        P + "inbound.aws_s3_bucket_notification.sweep",
    ],
}


def reachable(deps: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for d in deps.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def main(path: str) -> int:
    deps: dict[str, set[str]] = {}
    for a, b in EDGE.findall(open(path, encoding="utf-8").read()):
        deps.setdefault(node(a), set()).add(node(b))
    nodes = set(deps) | {d for ds in deps.values() for d in ds}
    functions = sorted(n for n in nodes if ".aws_lambda_function." in n)
    appflow = sorted(n for n in nodes if ".aws_appflow_" in n)
    if not functions or not appflow:
        print(f"dependencies: graph has no functions ({functions}) or no AppFlow resources ({appflow})")
        return 1
    failed = 0
    for f in functions:
        bad = sorted(d for d in reachable(deps, f) if ".aws_appflow_" in d)
        if bad:
            failed += 1
            print(f"dependencies: {f} depends on {', '.join(bad)}")
    for target, needs in REQUIRED.items():
        if target not in nodes:
            failed += 1
            print(f"dependencies: no {target} in the graph")
            continue
        seen = reachable(deps, target)
        for need in needs:
            if need not in seen:
                failed += 1
                print(f"dependencies: {target} does not wait for {need}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
