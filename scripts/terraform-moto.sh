#!/usr/bin/env bash
# Applies the data plane (tests/terraform/moto) against a fresh local moto server, checks what
# it created through the AWS API, and destroys it. Ends with an "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/terraform/moto"
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
source "$root/scripts/lib/checks.sh"

run() {
  cd "$dir" || return 1
  rm -f terraform.tfstate terraform.tfstate.backup
  terraform init "${terraform_init_args[@]}" >/dev/null || { bad "terraform init"; return; }
  local vars=(-var "endpoint=$AWS_ENDPOINT_URL" -var "package_dir=$root/modules/functions/tests/fixtures")
  if terraform apply -auto-approve -input=false -no-color "${vars[@]}" > "$root/.local/terraform-moto-apply.log" 2>&1; then
    ok "apply of the data plane against moto"
  else
    bad "apply (see .local/terraform-moto-apply.log)"; tail -20 "$root/.local/terraform-moto-apply.log"; return
  fi
  local names table
  names=$(terraform output -json function_names)
  table=$(terraform output -raw table_name)
  "$root/.venv/local-aws/bin/python" - "$names" "$table" <<'PY' && ok "every function, the table with its stream, and every queue exist in moto" || bad "created resources"
import json, os, sys, boto3
names, table = json.loads(sys.argv[1]), sys.argv[2]
kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
lam = boto3.client("lambda", **kw)
assert sorted(names) == ["connect-lookup", "flow-guard", "ingest", "notify", "status-csv"], names
for handler, fn in names.items():
    cfg = lam.get_function_configuration(FunctionName=fn)
    assert cfg["Handler"] == handler and cfg["Runtime"] == "provided.al2023", cfg
mappings = lam.list_event_source_mappings()["EventSourceMappings"]
mapped = sorted(m["FunctionArn"].split(":")[-1] for m in mappings)
assert mapped == sorted([names["notify"], names["status-csv"]]), mapped
assert all("ReportBatchItemFailures" in m.get("FunctionResponseTypes", []) for m in mappings), mappings
desc = boto3.client("dynamodb", **kw).describe_table(TableName=table)["Table"]
assert desc["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES", desc
queues = boto3.client("sqs", **kw).list_queues().get("QueueUrls", [])
assert sum(1 for q in queues if "sfbridge-dev" in q) == 7, queues
PY
  if terraform destroy -auto-approve -input=false -no-color "${vars[@]}" > "$root/.local/terraform-moto-destroy.log" 2>&1; then
    ok "destroy"
  else
    bad "destroy (see .local/terraform-moto-destroy.log)"; tail -20 "$root/.local/terraform-moto-destroy.log"
  fi
  rm -f terraform.tfstate terraform.tfstate.backup
}

mkdir -p "$root/.local"
if [ "${1:-}" = "--inner" ]; then
  run
  summary terraform-moto
else
  # A moto of its own: Terraform leaves resources behind if it fails, and moto's state is global.
  unset AWS_ENDPOINT_URL
  exec "$root/scripts/local-aws.sh" run "$0" --inner
fi
