#!/usr/bin/env bash
# The first deployment, rehearsed on this machine: `terraform apply` of the dev root exactly as
# committed (terraform/dev, AppFlow on, Connect off) against a fresh moto and the strict local
# AppFlow endpoint (scripts/fake-appflow.py), which refuses what AWS refuses: requests outside
# the AppFlow service model, CLIENT_CREDENTIALS, an empty S3 source prefix, a bucket policy
# that does not let AppFlow in (yet), a flow activated before its partner bus exists, a bucket
# notification to a queue (or KMS key) that does not let S3 send. The
# activation runs the real flow-guard binary, and the first StartFlow is denied as while IAM
# propagates a new role policy. Then: what exists is checked through the AWS APIs, a second
# plan must show no changes, no Lambda function may depend on a flow or the connector profile,
# and everything is destroyed. Ends with an "N passed, N failed" line.
#
#   scripts/terraform-rehearsal.sh [script|terraform]
#
# script (default): the README's first deployment, in order: a JWT minted from a throwaway key,
#   scripts/connector-profile.py makes the connector profile from it, make preflight's checks
#   pass, then terraform apply with terraform/dev/terraform.tfvars as committed (it names the
#   profile; Terraform never sees the JWT).
# terraform: Terraform makes the profile itself from TF_VAR_salesforce_jwt_token, so the
#   provider's CreateConnectorProfile (the grant type above all) meets AppFlow's rules; and with
#   secondary_region = us-west-2: the second region's resources are applied in moto too, all but
#   the table's replica (moto 5.2 has none: tests/terraform/rehearsal/secondary/ drops it from
#   a copy of the modules), and tests/terraform/rehearsal/secondary.py checks what is where and
#   that the secondary connect-lookup reads its own region.
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
  if [ "$mode" = terraform ]; then
    # A copy, so the override that drops the replica (moto cannot make one) stays out of the repo.
    cp -r "$root/modules" "$work/modules"
    find "$work/modules" -name .terraform -prune -exec rm -rf {} +
    cp "$root/tests/terraform/rehearsal/secondary/rehearsal_override.tf" "$work/modules/secondary/"
  else
    ln -s "$root/modules" "$work/modules"
  fi
  cp "$root"/terraform/dev/*.tf "$root/terraform/dev/terraform.tfvars" "$work/terraform/dev/"
  cp "$root"/tests/terraform/rehearsal/*.tf "$work/terraform/dev/"

  # The real bootstrap answers the activation (flow-guard); cargo's CARGO_TARGET_DIR is honoured.
  if ! (cd "$root" && cargo build --locked --quiet --bin bootstrap); then
    bad "cargo build --bin bootstrap"; return
  fi
  local target=${CARGO_TARGET_DIR:-target}
  case $target in /*) ;; *) target="$root/$target" ;; esac
  local port fake_pid
  : > "$logs/rehearsal-appflow.log"  # deployed.py reads this run's requests only
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$py" "$root/scripts/fake-appflow.py" --port "$port" --moto "$AWS_ENDPOINT_URL" \
    --bootstrap "$target/debug/bootstrap" --deny-first-start 1 \
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

  local vars=(
    -var "moto_endpoint=$AWS_ENDPOINT_URL" -var "appflow_endpoint=$AWS_ENDPOINT_URL_APPFLOW"
    -var account_id=123456789012 -var region=us-east-1
    -var "package_dir=$root/modules/functions/tests/fixtures"
  )
  # The dev tfvars as committed, but for this account and region (for the scripts).
  sed -e 's/^account_id *=.*/account_id = "123456789012"/' -e 's/^region *=.*/region = "us-east-1"/' \
    "$root/terraform/dev/terraform.tfvars" > "$work/local.tfvars"
  if [ "$mode" = terraform ]; then
    vars+=(-var secondary_region=us-west-2)
    vars+=(-var 'salesforce={instance_url="https://example--dev.sandbox.my.salesforce.com", is_sandbox=true}')
    export TF_VAR_salesforce_jwt_token="$jwt"
  elif printf '%s' "$jwt" | "$py" "$root/scripts/connector-profile.py" --env dev --tfvars "$work/local.tfvars" \
    > "$logs/rehearsal-profile.log" 2>&1 && ! grep -qF "$jwt" "$logs/rehearsal-profile.log"; then
    ok "scripts/connector-profile.py made the connector profile from the JWT (and printed no JWT)"
  else
    bad "connector-profile.py (see .local/rehearsal-profile.log)"; tail -5 "$logs/rehearsal-profile.log"; return
  fi

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

  if [ "$mode" = script ]; then
    if "$root/scripts/preflight.sh" dev --tfvars "$work/local.tfvars" --root "$work/terraform/dev" \
      --manifest "$root/modules/functions/tests/fixtures/manifest.json" > "$logs/rehearsal-preflight.log" 2>&1; then
      ok "make preflight's checks pass before the apply"
    else
      bad "preflight (see .local/rehearsal-preflight.log)"; grep -E '^FAIL' "$logs/rehearsal-preflight.log"
    fi
  fi

  if tf apply -auto-approve -input=false -no-color "${vars[@]}" > "$logs/rehearsal-apply.log" 2>&1; then
    ok "apply of terraform/dev (AppFlow on, profile made by $mode) against moto + the local AppFlow"
  else
    bad "apply (see .local/rehearsal-apply.log, .local/rehearsal-appflow.log)"
    grep -A12 -E '^Error' "$logs/rehearsal-apply.log" | head -60
    destroy "${vars[@]}"
    return
  fi

  if "$py" "$root/tests/terraform/rehearsal/deployed.py" "$(tf output -json function_names)" \
    "$logs/rehearsal-appflow.log"; then
    ok "flows Active (activated by flow-guard through the IAM-propagation denial), functions, mappings, the ingest queue (redrive, rule target, mapping), queues, alarms, dashboard, the header CSV; the catch-up flow's definition, its bucket notification, and one played run whose file reached the ingest queue"
  else
    bad "what the apply created"
  fi

  if [ "$mode" = terraform ]; then
    if "$py" "$root/tests/terraform/rehearsal/secondary.py" "$(tf output -json secondary)"; then
      ok "second region (us-west-2): connect-lookup from the same zip with a read-only role on the replica's ARN, its key, log group, topic and alarms there; replication alarm at home; nothing else there; it answers from its own region's table (the replica itself: mocks only)"
    else
      bad "the second region"
    fi
  fi

  tf plan -detailed-exitcode -input=false -no-color "${vars[@]}" > "$logs/rehearsal-plan.log" 2>&1
  case $? in
    0) ok "a second plan shows no changes" ;;
    2) bad "a second plan shows changes (see .local/rehearsal-plan.log)"; grep -E '^\s+[~+-/]|#' "$logs/rehearsal-plan.log" | head -40 ;;
    *) bad "second plan failed (see .local/rehearsal-plan.log)"; tail -20 "$logs/rehearsal-plan.log" ;;
  esac

  if [ "$mode" = terraform ]; then
    # Removing the second region as the README says (secondary_enabled = false while
    # secondary_region still names it): its resources go, the home ones of the same name stay.
    if tf apply -auto-approve -input=false -no-color "${vars[@]}" -var secondary_enabled=false \
      > "$logs/rehearsal-removal.log" 2>&1 &&
      "$py" "$root/tests/terraform/rehearsal/secondary.py" --removed; then
      ok "removing the second region (secondary_enabled = false): everything in us-west-2 is gone, the home connect-lookup of the same name, its logs and alarms stay"
    else
      bad "removing the second region (see .local/rehearsal-removal.log)"; grep -A12 -E '^Error' "$logs/rehearsal-removal.log" | head -40
    fi
  fi

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
  mode=${2:-script}
  run
  summary "terraform-rehearsal ($mode)"
else
  mode=${1:-script}
  case "$mode" in script | terraform) ;; *) echo "usage: $0 [script|terraform]" >&2; exit 2 ;; esac
  # A moto of its own: Terraform leaves resources behind if it fails, and moto's state is global.
  unset AWS_ENDPOINT_URL
  exec "$root/scripts/local-aws.sh" run "$0" --inner "$mode"
fi
