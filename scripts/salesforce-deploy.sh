#!/usr/bin/env bash
# Deploys salesforce/force-app to an org with the environment's certificate in the External
# Client App's global OAuth settings (sfbridge_AppFlow), so AppFlow's JWT
# (scripts/salesforce-jwt.sh, signed with the matching private key) is accepted. The certificate
# is public, but it belongs to one environment, so it is added to a temporary copy of the
# source, never committed.
#
#   scripts/salesforce-deploy.sh --cert sfbridge-dev.crt --target-org <alias>
#   scripts/salesforce-deploy.sh --cert sfbridge-dev.crt --check     # convert only, no org
#
# Uses the Salesforce CLI installed by scripts/salesforce-checks.sh (salesforce/node_modules).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "salesforce-deploy: $*" >&2; exit 2; }
cert="" org="" check=false
while [ $# -gt 0 ]; do
  case "$1" in
    --cert) cert=${2:?--cert needs a file}; shift 2 ;;
    --target-org) org=${2:?--target-org needs an alias}; shift 2 ;;
    --check) check=true; shift ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[ -f "$cert" ] || die "--cert CERT.pem (the app's certificate) is required"
openssl x509 -in "$cert" -noout 2>/dev/null || die "$cert is not a PEM certificate (upload the certificate, never the key)"
grep -q "PRIVATE KEY" "$cert" && die "$cert holds a private key: pass the certificate only"
$check || [ -n "$org" ] || die "--target-org ALIAS (or --check)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/salesforce/force-app" "$root/salesforce/sfdx-project.json" "$work/"
app="$work/force-app/main/default/extlClntAppGlobalOauthSets/sfbridge_AppFlow.ecaGlblOauth-meta.xml"
# The certificate's base64 body, without the PEM armour lines, after <callbackUrl> (the
# element order of ExtlClntAppGlobalOauthSettings).
python3 - "$app" "$cert" <<'PY'
import sys
app, pem = sys.argv[1], open(sys.argv[2], encoding="ascii").read()
body = "".join(l.strip() for l in pem.splitlines() if l.strip() and not l.startswith("-----"))
text = open(app, encoding="utf-8").read()
marker = "</callbackUrl>"
assert marker in text and "<certificate>" not in text, "unexpected global OAuth settings XML"
text = text.replace(marker, marker + "\n    <certificate>" + body + "</certificate>", 1)
open(app, "w", encoding="utf-8").write(text)
PY

export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_HIDE_RELEASE_NOTES=true NODE_NO_WARNINGS=1
sf="$root/salesforce/node_modules/.bin/sf"
[ -x "$sf" ] || die "no Salesforce CLI: run scripts/salesforce-checks.sh (or make salesforce) once"
cd "$work"
if $check; then
  "$sf" project convert source --root-dir force-app --output-dir "$work/mdapi" >/dev/null
  want=$(grep -v -- "-----" "$cert" | tr -d '\n\r ')
  grep -q "<certificate>$want</certificate>" "$work/mdapi/extlClntAppGlobalOauthSets/sfbridge_AppFlow.ecaGlblOauth" ||
    die "the converted External Client App holds no certificate"
  echo "salesforce-deploy: the External Client App converts with the certificate (no org touched)"
else
  "$sf" project deploy start --source-dir force-app --target-org "$org"
fi
