#!/usr/bin/env bash
# Runs the tests of the local AppFlow endpoint (scripts/fake-appflow.py) against moto.
# Uses the emulator at AWS_ENDPOINT_URL when set; otherwise scripts/local-aws.sh starts one and
# stops it afterwards. The last line of the output is `N passed, N failed`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$("$root/scripts/venv.sh" local-aws)
exec "$root/scripts/local-aws.sh" run "$bin/python" "$root/tests/local_aws/test_fake_appflow.py" "$@"
