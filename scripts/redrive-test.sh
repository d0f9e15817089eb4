#!/usr/bin/env bash
# Tests of scripts/redrive.py (make redrive): tests/scripts/test_redrive.py. Starts moto through
# scripts/local-aws.sh run (or uses AWS_ENDPOINT_URL when set); the test puts a small fake in
# front of it for what moto 5.2.1 lacks (SQS message-move tasks, Lambda Invoke, a trimmed stream),
# and replays through the real status-csv and notify (target/debug/bootstrap, built here unless
# SFBRIDGE_BOOTSTRAP names one; make test has built it already) via scripts/fake-appflow.py.
# Ends with one line `N passed, N failed`; exits non-zero when a test failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$(scripts/venv.sh redrive)
scripts/venv.sh local-aws >/dev/null  # moto, and fake-appflow.py's interpreter
if [ -z "${SFBRIDGE_BOOTSTRAP:-}" ]; then
  cargo build --locked --quiet --bin bootstrap
  target=${CARGO_TARGET_DIR:-target}  # cargo's own variable, honoured
  case $target in /*) ;; *) target="$root/$target" ;; esac
  export SFBRIDGE_BOOTSTRAP="$target/debug/bootstrap"
fi
exec scripts/local-aws.sh run "$bin/python" tests/scripts/test_redrive.py "$@"
