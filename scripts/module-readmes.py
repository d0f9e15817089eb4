#!/usr/bin/env python3
"""Writes modules/<name>/README.md: the purpose (below) and the inputs and outputs tables taken
from variables.tf and outputs.tf, so the tables cannot drift from the code.
Run after changing a module's variables or outputs: python3 scripts/module-readmes.py
With --check it writes nothing and fails naming each README that is not what it would write
(scripts/terraform-checks.sh runs that)."""
import pathlib, re, sys

check = "--check" in sys.argv[1:]
stale = []

PURPOSE = {
    "bucket": "A private S3 bucket: KMS default encryption, versioning, public access blocked, TLS-only policy, expiry, plus the caller's policy statements (what AppFlow may do). Used for the large-event, status and Terraform state buckets.",
    "connection": "The Salesforce connection: the project's KMS key (with the service access AppFlow, CloudWatch Logs, alarms, EventBridge and S3's notifications to the encrypted ingest queue need) and the AppFlow connector profile, `JWT_BEARER` only (AppFlow refuses `CLIENT_CREDENTIALS` for Salesforce). Either an existing profile is named (`salesforce.connector_profile_name`, made from the JWT by `scripts/connector-profile.py`: the JWT is in no state, plan or CI artifact) or Terraform creates it from `salesforce_jwt_token`.",
    "store": "The config table (DESIGN.md \"The table\"): `pk`/`sk`, on demand, point-in-time recovery, a NEW_AND_OLD_IMAGES stream, TTL on `ttl`, the project's KMS key.",
    "notifications": "The status topic (notify: one message per request outcome) and the support topic (flow-guard and alarms), both under KMS, with email subscriptions; status subscriptions may filter on notify's message attributes.",
    "functions": "One Lambda per handler name from `<package_dir>/<name>.zip` (`provided.al2023`, one architecture): its own least-privilege role, KMS-encrypted log group with retention, JSON logs, X-Ray, reserved concurrency, a dead-letter queue for the asynchronously invoked one (flow-guard) and exactly the environment DESIGN.md names; the ingest queue's mapping to ingest (batches of 10, batch-item failures, a maximum concurrency no reservation may undercut); and the stream mappings of status-csv and notify (batch-item failures, bisect, finite retries and age, an SQS on-failure queue, a filter to request-item inserts: `pk` `REQUEST#`, `sk` `EVENT#`). ingest's role writes config items, request items and record claims (`REGION#`, `REQUEST#`, `RECORD#` leading keys) and reads the inbound bucket (payload pointers, catch-up files).",
    "inbound": "Steps 1-3: the event-triggered Salesforce `Config_Change__e` -> EventBridge flow, the partner event bus created after it and named like its source, the rule on that bus to the ingest queue (retry policy, dead-letter queue for undeliverable events), the ingest queue (KMS, 7 days, visibility six times ingest's timeout, redrive after 12 backed-off receives, about 4 days) and its dead-letter queue (14 days, only the ingest queue may redrive into it), queue policies that refuse plain HTTP and let only the rule (and S3, for the catch-up files) send, and the large-event bucket AppFlow may write to. Step 17, the catch-up: a scheduled AppFlow flow (every 15 minutes, a full pull, JSON) copies every request still without a status (`Needs_Sync__c`) to that bucket under `sweep_prefix`, the bucket notifies the ingest queue of each new file there (the queue policy lets S3 send for this bucket and account only), and the flow's bucket policy statement, the notification and the queue policy exist before the flow is activated.",
    "outbound": "Steps 8-9: the status bucket (AppFlow reads the status CSVs and writes refused rows to `errors/`; a header-only CSV keeps the source prefix from ever being empty) and the scheduled, incremental S3 -> Salesforce flow that UPDATEs the request object by `Id`.",
    "guard": "Steps 12-14: EventBridge rules sending AppFlow's deactivation and failed-run events for the managed flows to flow-guard, a periodic `{\"action\":\"check\"}`, and the activation of each flow (events, status, the catch-up flow) through an `aws_lambda_invocation` of flow-guard (CRUD scope), after what it depends on exists and again when the flow changes.",
    "monitoring": "Alarms to the support topic: messages on any dead-letter or failure queue, a stalled ingest queue (age of its oldest event), replication latency to each replica region (`ReplicationLatency`, published in the home region) and replication that stopped (writes in an hour with no replication sample), the handlers' metrics marked `alarm` in `metrics.csv` (namespace `sfbridge`, dimension `Handler`), function errors, stream iterator age, failed AppFlow runs; and one CloudWatch dashboard per environment graphing every metric of `metrics.csv` by handler, the ingest queue, every dead-letter queue, iterator age, AppFlow runs, Lambda errors and throttles. `metrics.csv` (handler, metric, alarm, meaning) is the one list of metric names: the handlers generate their constants from it.",
    "connect": "Lets one Amazon Connect instance invoke connect-lookup (association and permission); nothing when no instance is given.",
    "github_oidc": "GitHub Actions' OIDC provider and, per environment, a read-only plan role (GitHub environment `<env>-plan`) and a deploy role (`<env>`, where prod's approval gate lives), each trusting only this repository's jobs in that environment. Used by `terraform/bootstrap`.",
    "secondary": "The second region of Amazon Connect Global Resiliency (DESIGN.md \"A second region\"), built through the provider it is given (the composition passes `aws.secondary`; a precondition checks its region): the table's replica there (`aws_dynamodb_table_replica`, global tables 2019.11.21) under a KMS key of that region, `connect-lookup` from the same zip reading only that replica (its role: `GetItem`/`BatchGetItem` of `REGION#` items of the replica, decrypt with the region's key; nothing else), its KMS-encrypted log group, alarms on its Lambda errors, `Error` answers and skipped items to a support topic of that region, and the replica Connect instance's association and permission.",
    "sfbridge": "The whole system, composed once from the modules above; each environment root in `terraform/` instantiates it with its own variables.",
}

def blocks(text, kind):
    for m in re.finditer(r'^%s "([^"]+)" \{(.*?)^\}' % kind, text, re.S | re.M):
        body = m.group(2)
        desc = re.search(r'description\s*=\s*"((?:[^"\\]|\\.)*)"', body)
        typ = re.search(r'^\s*type\s*=\s*([^\n]+)', body, re.M)
        default = re.search(r'^\s*default\s*=', body, re.M)
        yield m.group(1), (desc.group(1).replace('\\"', '"') if desc else ""), (typ.group(1).strip() if typ else ""), bool(default)

for name, purpose in PURPOSE.items():
    d = pathlib.Path("modules") / name
    out = [f"# `{name}`", "", purpose, "", "Tests: `terraform test` in this folder (mock provider, offline); `make terraform` runs them all.", ""]
    v = (d / "variables.tf").read_text()
    out += ["## Inputs", "", "| name | type | required | description |", "|---|---|---|---|"]
    for n, desc, typ, has_default in blocks(v, "variable"):
        for long, short in (("object(", "object"), ("list(object(", "list(object)"), ("map(object(", "map(object)")):
            if typ.startswith(long):
                typ = short
        out.append(f"| `{n}` | `{typ}` | {'no' if has_default else 'yes'} | {desc} |")
    o = (d / "outputs.tf").read_text()
    out += ["", "## Outputs", "", "| name | description |", "|---|---|"]
    for n, desc, _, _ in blocks(o, "output"):
        out.append(f"| `{n}` | {desc} |")
    text = "\n".join(out) + "\n"
    readme = d / "README.md"
    if check:
        if not readme.exists() or readme.read_text() != text:
            stale.append(str(readme))
        continue
    readme.write_text(text)
    print("wrote", readme)

if stale:
    print("not what scripts/module-readmes.py writes (run it):", ", ".join(stale))
    sys.exit(1)
