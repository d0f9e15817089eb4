#!/usr/bin/env bash
# Deploys salesforce/force-app to an org with the External Client App's global OAuth settings
# (sfbridge_AppFlow) made here with the environment's certificate, so AppFlow's JWT
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
# The app's global OAuth settings exist only in this temporary copy: Salesforce's Metadata API
# reference (ExtlClntAppGlobalOauthSettings) says they "can't be packaged and must not be added
# to source control". Its certificate field is "the PEM-encoded certificate string. When
# provided, it enables the JWT Bearer flow" (API 60.0+). No consumer secret is used by the JWT
# bearer flow; the client credentials flow stays off.
mkdir -p "$work/force-app/main/default/extlClntAppGlobalOauthSets"
app="$work/force-app/main/default/extlClntAppGlobalOauthSets/sfbridge_AppFlow.ecaGlblOauth-meta.xml"
{
  cat <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://console.aws.amazon.com/appflow/oauth</callbackUrl>
XML
  printf '    <certificate>%s</certificate>\n' "$(tr -d '\r' < "$cert")"
  cat <<'XML'
    <externalClientApplication>sfbridge_AppFlow</externalClientApplication>
    <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>
    <isConsumerSecretOptional>true</isConsumerSecretOptional>
    <isPkceRequired>false</isPkceRequired>
    <label>sfbridge AppFlow global OAuth settings</label>
</ExtlClntAppGlobalOauthSettings>
XML
} > "$app"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$app" ||
  die "the generated global OAuth settings are not well-formed XML"

export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_HIDE_RELEASE_NOTES=true NODE_NO_WARNINGS=1
sf="$root/salesforce/node_modules/.bin/sf"
[ -x "$sf" ] || die "no Salesforce CLI: run scripts/salesforce-checks.sh (or make salesforce) once"
cd "$work"
if $check; then
  "$sf" project convert source --root-dir force-app --output-dir "$work/mdapi" >/dev/null
  converted="$work/mdapi/extlClntAppGlobalOauthSets/sfbridge_AppFlow.ecaGlblOauth"
  body=$(grep -v -- "-----" "$cert" | head -1 | tr -d '\r')
  grep -q "<certificate>-----BEGIN CERTIFICATE-----" "$converted" && grep -qF -- "$body" "$converted" ||
    die "the converted External Client App holds no certificate"
  echo "salesforce-deploy: the External Client App converts with the certificate (no org touched)"
else
  "$sf" project deploy start --source-dir force-app --target-org "$org"
fi
