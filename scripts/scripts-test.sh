#!/usr/bin/env bash
# Tests of the deployment helper scripts: salesforce-jwt.sh, connector-profile.py, preflight.py
# (tests/scripts/test_jwt_and_preflight.py). Starts moto through scripts/local-aws.sh run (or uses
# AWS_ENDPOINT_URL when set); the test starts scripts/fake-appflow.py on a free port for AppFlow.
# Ends with one line `N passed, N failed`; exits non-zero when a test failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v openssl >/dev/null || { echo "scripts-test: openssl is required" >&2; exit 2; }
bin=$(scripts/venv.sh preflight)
scripts/venv.sh local-aws >/dev/null  # moto and the fake-appflow's interpreter
exec scripts/local-aws.sh run "$bin/python" tests/scripts/test_jwt_and_preflight.py
