#!/usr/bin/env bash
# Offline checks of the Salesforce source (salesforce/): every XML file is well-formed, and the
# metadata converts with the Salesforce CLI (installed into salesforce/node_modules from the
# lock file). The field-name contract with the handlers is tests/salesforce_contract.rs.
# Ends with an "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/salesforce"
source "$root/scripts/lib/checks.sh"

if python3 - <<'PY'
import pathlib, sys, xml.dom.minidom
bad = 0
for p in sorted(pathlib.Path("force-app").rglob("*.xml")):
    try:
        xml.dom.minidom.parse(str(p))
    except Exception as e:
        print(f"  {p}: {e}"); bad += 1
print(f"  {len(list(pathlib.Path('force-app').rglob('*.xml')))} XML files")
sys.exit(1 if bad else 0)
PY
then ok "every metadata XML file is well-formed"; else bad "malformed XML"; fi

# The CLI: installed once per lock file, from the npm registry, without install scripts.
stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "salesforce: installing the Salesforce CLI (npm ci)" >&2
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null 2>&1 && echo "$want" > "$stamp"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_HIDE_RELEASE_NOTES=true NODE_NO_WARNINGS=1
if ./node_modules/.bin/sf project convert source --root-dir force-app --output-dir "$out/mdapi" >"$out/log" 2>&1 \
  && grep -q "<name>CustomObject</name>" "$out/mdapi/package.xml" && grep -q "<members>Config_Change__e</members>" "$out/mdapi/package.xml" \
  && grep -q "<name>Flow</name>" "$out/mdapi/package.xml" && grep -q "<name>ExternalClientApplication</name>" "$out/mdapi/package.xml" \
  && grep -q "<name>ExtlClntAppOauthSettings</name>" "$out/mdapi/package.xml" && grep -q "<name>ExtlClntAppOauthConfigurablePolicies</name>" "$out/mdapi/package.xml"; then
  ok "sf project convert source: $(grep -c '<members>' "$out/mdapi/package.xml") components"
else
  bad "sf project convert source"; tail -20 "$out/log"
fi

# The External Client App with an environment's certificate (JWT bearer flow), as
# scripts/salesforce-deploy.sh deploys it: a throwaway self-signed certificate here.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$out/key.pem" -out "$out/cert.pem" -days 1 \
  -subj "/CN=sfbridge check" >/dev/null 2>&1
if "$root/scripts/salesforce-deploy.sh" --cert "$out/cert.pem" --check >"$out/deploy.log" 2>&1; then
  ok "the External Client App takes the environment's certificate (salesforce-deploy.sh --check)"
else
  bad "salesforce-deploy.sh --check"; tail -5 "$out/deploy.log"
fi
if ! grep -rq "<certificate>\|ClientCredentialsFlowEnabled>true" force-app/main/default/extlClntApp* \
  && [ ! -e force-app/main/default/extlClntAppGlobalOauthSets ]; then
  ok "no global OAuth settings or certificate committed, no client credentials flow (AppFlow uses JWT_BEARER)"
else
  bad "the committed External Client App holds global OAuth settings, a certificate or the client credentials flow"
fi

summary salesforce
