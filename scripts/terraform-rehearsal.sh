#!/usr/bin/env bash
# The first deployment, rehearsed on this machine: `terraform apply` of the dev root exactly as
# committed (terraform/dev, AppFlow on, Connect off) against a fresh moto and the strict local
# AppFlow endpoint (scripts/fake-appflow.py), which refuses what AWS refuses: requests outside
# the AppFlow service model, CLIENT_CREDENTIALS, an empty S3 source prefix, a bucket policy
# that does not let AppFlow in (yet), a flow activated before its partner bus exists. The
# activation runs the real flow-guard binary, and the first StartFlow is denied as while IAM
# propagates a new role policy. Then: what exists is checked through the AWS APIs, a second
# plan must show no changes, no Lambda function may depend on a flow or the connector profile,
# and everything is destroyed. Ends with an "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
source "$root/scripts/lib/checks.sh"
work="$root/.local/rehearsal"
logs="$root/.local"

tf() { terraform -chdir="$work/terraform/dev" "$@"; }

run() {
  local py="$root/.venv/local-aws/bin/python"
  # The dev root as committed, beside a link to the modules so its relative sources resolve.
  rm -rf "$work"; mkdir -p "$work/terraform/dev"
  ln -s "$root/modules" "$work/modules"
  cp "$root"/terraform/dev/*.tf "$root/terraform/dev/terraform.tfvars" "$work/terraform/dev/"
  cp "$root"/tests/terraform/rehearsal/*.tf "$work/terraform/dev/"

  # The real bootstrap answers the activation (flow-guard).
  if ! (cd "$root" && cargo build --locked --quiet --bin bootstrap); then
    bad "cargo build --bin bootstrap"; return
  fi
  local port fake_pid
  : > "$logs/rehearsal-appflow.log"  # deployed.py reads this run's requests only
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$py" "$root/scripts/fake-appflow.py" --port "$port" --moto "$AWS_ENDPOINT_URL" \
    --bootstrap "$root/target/debug/bootstrap" --deny-first-start 1 \
    --log "$logs/rehearsal-appflow.log" > "$logs/rehearsal-appflow.out" 2>&1 &
  fake_pid=$!
  trap 'kill $fake_pid 2>/dev/null' RETURN
  for _ in $(seq 1 100); do
    grep -q "listening" "$logs/rehearsal-appflow.out" 2>/dev/null && break
    sleep 0.1
  done
  export AWS_ENDPOINT_URL_APPFLOW="http://127.0.0.1:$port"

  # A JWT minted as in the runbook, from a throwaway key: AppFlow's model checks its shape.
  local keydir jwt
  keydir=$(mktemp -d)
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keydir/key.pem" 2>/dev/null
  jwt=$("$root/scripts/salesforce-jwt.sh" --key "$keydir/key.pem" --client-id rehearsal-consumer-key \
    --user integration@example.com.dev --sandbox 2>/dev/null) || { bad "mint the JWT"; return; }
  rm -rf "$keydir"

  # The dev tfvars name a profile made by scripts/connector-profile.py; the rehearsal lets
  # Terraform create it instead, so the provider's CreateConnectorProfile meets AppFlow's rules.
  local vars=(
    -var "moto_endpoint=$AWS_ENDPOINT_URL" -var "appflow_endpoint=$AWS_ENDPOINT_URL_APPFLOW"
    -var account_id=123456789012 -var region=us-east-1
    -var "package_dir=$root/modules/functions/tests/fixtures"
    -var 'salesforce={instance_url="https://example--dev.sandbox.my.salesforce.com", is_sandbox=true}'
  )
  export TF_VAR_salesforce_jwt_token="$jwt"

  local init_args=() a
  for a in "${terraform_init_args[@]}"; do [ "$a" = -backend=false ] || init_args+=("$a"); done
  if ! tf init "${init_args[@]}" -no-color > "$logs/rehearsal-init.log" 2>&1; then
    bad "terraform init (see .local/rehearsal-init.log)"; tail -20 "$logs/rehearsal-init.log"; return
  fi

  # Static: no Lambda function may wait for a flow or the connector profile (they wait for
  # Salesforce); only the activation and the flows themselves do.
  if tf graph > "$logs/rehearsal-graph.dot" 2>"$logs/rehearsal-graph.err" &&
    "$py" "$root/tests/terraform/rehearsal/dependencies.py" "$logs/rehearsal-graph.dot"; then
    ok "no Lambda function depends on an AppFlow flow or the connector profile"
  else
    bad "dependency check (see .local/rehearsal-graph.*)"
  fi

  if tf apply -auto-approve -input=false -no-color "${vars[@]}" > "$logs/rehearsal-apply.log" 2>&1; then
    ok "apply of terraform/dev (AppFlow on) against moto + the local AppFlow"
  else
    bad "apply (see .local/rehearsal-apply.log, .local/rehearsal-appflow.log)"
    grep -A12 -E '^Error' "$logs/rehearsal-apply.log" | head -60
    destroy "${vars[@]}"
    return
  fi

  if "$py" "$root/tests/terraform/rehearsal/deployed.py" "$(tf output -json function_names)" \
    "$logs/rehearsal-appflow.log"; then
    ok "flows Active (activated by flow-guard through the IAM-propagation denial), functions, mappings, queues, the header CSV"
  else
    bad "what the apply created"
  fi

  tf plan -detailed-exitcode -input=false -no-color "${vars[@]}" > "$logs/rehearsal-plan.log" 2>&1
  case $? in
    0) ok "a second plan shows no changes" ;;
    2) bad "a second plan shows changes (see .local/rehearsal-plan.log)"; grep -E '^\s+[~+-/]|#' "$logs/rehearsal-plan.log" | head -40 ;;
    *) bad "second plan failed (see .local/rehearsal-plan.log)"; tail -20 "$logs/rehearsal-plan.log" ;;
  esac

  destroy "${vars[@]}"
}

destroy() {
  if tf destroy -auto-approve -input=false -no-color "$@" > "$logs/rehearsal-destroy.log" 2>&1; then
    ok "destroy (the activation's delete deactivated the flows through flow-guard first)"
  else
    bad "destroy (see .local/rehearsal-destroy.log)"; grep -A12 -E '^Error' "$logs/rehearsal-destroy.log" | head -40
  fi
}

mkdir -p "$logs"
if [ "${1:-}" = "--inner" ]; then
  run
  summary terraform-rehearsal
else
  # A moto of its own: Terraform leaves resources behind if it fails, and moto's state is global.
  unset AWS_ENDPOINT_URL
  exec "$root/scripts/local-aws.sh" run "$0" --inner
fi
