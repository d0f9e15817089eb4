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

# The catch-up flow (modules/inbound, aws_appflow_flow.sweep) queries fields of the request object
# by name: each must exist there, and the integration user AppFlow signs in as must be able to
# read it (a required field is always readable; the others need a field permission), or AppFlow
# refuses the flow. Its filter is a formula checkbox on the blank status.
if python3 - "$root/modules/inbound/main.tf" <<'PY'
import pathlib, re, sys
tf = pathlib.Path(sys.argv[1]).read_text()
fields = re.findall(r"^\s+(\w+)\s+=\s+\"\w+\"$", re.search(r"sweep_fields = \{(.*?)\n  \}", tf, re.S).group(1), re.M)
needs = re.search(r'needs_sync_field = "(\w+)"', tf).group(1)
obj = pathlib.Path("force-app/main/default/objects/Config_Request__c/fields")
perms = pathlib.Path("force-app/main/default/permissionsets/sfbridge_Integration_User.permissionset-meta.xml").read_text()
bad = []
for f in fields + [needs]:
    if not f.endswith("__c"):
        continue  # Id, CreatedDate: standard fields
    meta = obj / f"{f}.field-meta.xml"
    if not meta.exists():
        bad.append(f"{f}: no such field on Config_Request__c"); continue
    required = "<required>true</required>" in meta.read_text()
    readable = re.search(rf"<field>Config_Request__c\.{f}</field>\s*<readable>true</readable>", perms)
    if not (required or readable):
        bad.append(f"{f}: not readable by sfbridge_Integration_User")
text = (obj / f"{needs}.field-meta.xml").read_text()
if not ("<type>Checkbox</type>" in text and "<formula>ISBLANK(Sync_Status__c)</formula>" in text):
    bad.append(f"{needs}: not the formula checkbox ISBLANK(Sync_Status__c)")
if "<type>Text</type>" not in (obj / "Sync_Status__c.field-meta.xml").read_text():
    bad.append("Sync_Status__c is no longer Text: ISBLANK must become ISPICKVAL/TEXT for a picklist")
for b in bad:
    print("  " + b)
print(f"  {len(fields)} mapped fields and the filter {needs}")
sys.exit(1 if bad or len(fields) < 3 else 0)
PY
then ok "the catch-up flow's fields exist on Config_Request__c and the integration user reads them"; else bad "the catch-up flow's fields (modules/inbound) and the Salesforce source disagree"; fi

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
