#!/usr/bin/env bash
# Offline Terraform checks: fmt, module READMEs up to date, validate of every root and module,
# and `terraform test` (mock_provider) of every module with tests. Uses the provider mirror when this machine has
# one, the registry otherwise. Ends with an "N passed, N failed" line (test runs + checks).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
source "$root/scripts/lib/checks.sh"

if terraform fmt -check -recursive modules terraform tests/terraform >/dev/null; then
  ok "terraform fmt -check -recursive"
else
  bad "terraform fmt -check -recursive: run terraform fmt -recursive"
  terraform fmt -check -recursive modules terraform tests/terraform
fi

if out=$(python3 scripts/module-readmes.py --check 2>&1); then
  ok "module READMEs match their variables and outputs"
else
  bad "module READMEs: $out"
fi

for dir in terraform/* modules/*; do
  [ -d "$dir" ] || continue
  if ! out=$(cd "$dir" && terraform init "${terraform_init_args[@]}" 2>&1); then
    bad "$dir: init"; echo "$out" | tail -5; continue
  fi
  if grep -qs configuration_aliases "$dir"/*.tf && [ -d "$dir/tests" ]; then
    # Validated alone, a module that takes an aliased provider (sfbridge: aws.secondary) has
    # no configuration for it ("missing provider"); its terraform test below supplies one and
    # plans and applies it, and the roots that call it are validated too.
    :
  elif out=$(cd "$dir" && terraform validate -no-color 2>&1); then
    ok "$dir: validate"
  else
    bad "$dir: validate"; echo "$out" | tail -10
  fi
  if [ -d "$dir/tests" ]; then
    out=$(cd "$dir" && terraform test -no-color 2>&1)
    line=$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -1)
    p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    if [ -n "$line" ] && [ "$f" = 0 ]; then
      ok "$dir: terraform test ($p runs)" "$p"
    else
      bad "$dir: terraform test" "${f:-1}"; passed=$((passed + ${p:-0})); echo "$out" | grep -vE '^\s*$' | tail -25
    fi
  fi
done

summary terraform
