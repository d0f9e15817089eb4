#!/usr/bin/env bash
# Lints .github/workflows offline: actionlint and the GitHub workflow JSON schema; then checks
# the linter itself catches a broken `needs:` reference. Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$("$root/scripts/venv.sh" lint)
source "$root/scripts/lib/checks.sh"

workflows=(.github/workflows/*.yml)
if out=$("$bin/actionlint" -shellcheck= "${workflows[@]}" 2>&1); then ok "actionlint ${workflows[*]}"; else bad "actionlint"; echo "$out"; fi
if out=$("$bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" 2>&1); then ok "workflow schema"; else bad "workflow schema"; echo "$out"; fi

# The check must catch a job that needs a job that does not exist.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/.github/workflows"
cp .github/workflows/*.yml "$scratch/.github/workflows/"
sed -i 's/needs: \[build, staging\]/needs: [build, stagin]/' "$scratch/.github/workflows/deploy.yml"
if grep -q 'needs: \[build, stagin\]' "$scratch/.github/workflows/deploy.yml" \
  && ! (cd "$scratch" && git init -q && "$bin/actionlint" -shellcheck= .github/workflows/deploy.yml >/dev/null 2>&1); then
  ok "a broken needs: reference is reported"
else
  bad "a broken needs: reference went unnoticed"
fi

summary workflows
