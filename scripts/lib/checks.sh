# Sourced by the check scripts: counts results and ends with the "N passed, N failed" line CI
# reads. ok/bad take a message and an optional count (default 1).
passed=0 failed=0
ok() { passed=$((passed + ${2:-1})); echo "ok   $1"; }
bad() { failed=$((failed + ${2:-1})); echo "FAIL $1"; }

# summary NAME: a named line for people, the plain line for CI; fails when anything failed.
summary() {
  echo "$1: $passed passed, $failed failed"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# terraform init offline: the hashicorp/aws mirror some machines have, the registry otherwise.
terraform_init_args=(-backend=false -input=false)
if [ -d /opt/tf-plugins/registry.terraform.io/hashicorp/aws ]; then
  terraform_init_args+=(-plugin-dir=/opt/tf-plugins)
fi
