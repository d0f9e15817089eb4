#!/usr/bin/env bash
# Mints the JWT that AppFlow's Salesforce connector profile uses (oAuth2GrantType JWT_BEARER),
# with openssl only (RS256). Prints only the JWT on stdout; everything else goes to stderr.
#
#   scripts/salesforce-jwt.sh --key PRIVATE_KEY.pem --client-id CONSUMER_KEY --user USERNAME \
#       [--sandbox] [--days N] [--cert CERT.pem]
#
#   --key        the RSA private key (PEM, unencrypted, or encrypted with the passphrase in the
#                environment variable SFBRIDGE_KEY_PASSPHRASE); >= 2048 bits
#   --client-id  the app's consumer key (JWT `iss`)
#   --user       the integration user's Salesforce username (JWT `sub`)
#   --sandbox    aud = https://test.salesforce.com (default: https://login.salesforce.com)
#   --days N     lifetime (JWT `exp`), default 365. AppFlow keeps presenting this same JWT to
#                Salesforce for every token request, so it is long-lived on purpose: mint a new
#                one before it expires (make preflight warns 30 days ahead).
#   --cert F     also check that the certificate F (the one in the app) belongs to
#                the key, so a JWT is never minted with a key Salesforce does not know
#   --self-check only check the key (RSA private key, >= 2048 bits, readable) and --cert; mint
#                nothing (--client-id/--user not needed). Minting always runs these checks.
#
# Then hand it to AppFlow without it touching a terminal, a log or a Terraform plan:
#   scripts/salesforce-jwt.sh --key ~/secure/sfbridge-dev.key --client-id "$KEY" \
#       --user integration@example.com.dev --sandbox \
#     | .venv/preflight/bin/python scripts/connector-profile.py --env dev
# (or put it in the pipeline's secret store as TF_VAR_salesforce_jwt_token when Terraform
# creates the profile itself).
#
# One-time setup (per environment; a sandbox and production each have their own app: the External
# Client App sfbridge_AppFlow in salesforce/, since Salesforce restricts new connected apps as of
# Spring '26):
#   1. Key and self-signed certificate, outside the repository:
#        umask 077
#        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sfbridge-dev.key
#        openssl req -new -x509 -key sfbridge-dev.key -sha256 -days 730 \
#          -subj "/CN=sfbridge-dev AppFlow" -out sfbridge-dev.crt
#   2. Deploy the Salesforce source with it: scripts/salesforce-deploy.sh --cert sfbridge-dev.crt
#      --target-org <alias> (the CERTIFICATE, never the key, goes into the app's OAuth settings;
#      by hand: Setup > External Client App Manager > sfbridge AppFlow > Settings > OAuth >
#      "Enable JWT Bearer Flow", upload the certificate). Its policies pre-authorise the holders of
#      the permission set sfbridge_Integration_User (admin-approved users).
#   3. The private key NEVER enters git (nor a CI artifact, a ticket or a chat): keep it in the
#      team's secret store / password manager. Whoever holds it can act as the integration user.
#
# Rotation (the app checks each JWT's signature against its certificate):
#   1. Make a new key + certificate (step 1 with new file names).
#   2. Put the new certificate in the app (salesforce-deploy.sh --cert NEW.crt). The app holds one
#      such certificate: the new one ends the old key's JWTs, so do steps 3-4 straight after (a
#      flow run in between fails its Salesforce sign-in), or give the new certificate to a
#      second app and switch --client-id for overlap.
#   3. Mint with the new key (--cert NEW.crt checks they belong together).
#   4. Update the AppFlow profile: scripts/connector-profile.py --env ENV (UpdateConnectorProfile),
#      or the secret TF_VAR_salesforce_jwt_token followed by terraform apply.
#   5. Run a flow once (and make preflight ENV=...) to see it work, then remove the old
#      app (if you used a second one) and destroy the old private key.
set -euo pipefail
export LC_ALL=C

die() { echo "salesforce-jwt: $*" >&2; exit 2; }

key="" client_id="" user="" sandbox=false days=365 cert="" self_check=false
while [ $# -gt 0 ]; do
  case "$1" in
    --key) key=${2:?--key needs a file}; shift 2 ;;
    --client-id) client_id=${2:?--client-id needs a value}; shift 2 ;;
    --user) user=${2:?--user needs a value}; shift 2 ;;
    --sandbox) sandbox=true; shift ;;
    --days) days=${2:?--days needs a number}; shift 2 ;;
    --cert) cert=${2:?--cert needs a file}; shift 2 ;;
    --self-check) self_check=true; shift ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$key" ] || die "--key PRIVATE_KEY.pem is required"
if ! $self_check; then
  [ -n "$client_id" ] || die "--client-id CONSUMER_KEY is required"
  [ -n "$user" ] || die "--user USERNAME is required"
fi
[[ "$days" =~ ^[1-9][0-9]{0,4}$ ]] || die "--days must be a positive whole number of days, not '$days'"
[ -r "$key" ] || die "cannot read the key file '$key'"

# Only printable ASCII in the claims: the JSON is built here without a JSON library, and the
# pattern guarantee below relies on the payload being ASCII. Salesforce consumer keys and
# usernames are ASCII.
$self_check || for pair in "client-id:$client_id" "user:$user"; do
  [[ "${pair#*:}" =~ ^[\ -~]+$ ]] || die "--${pair%%:*} must be printable ASCII"
done

# The key must be an RSA private key: RS256 is the only algorithm Salesforce accepts, and a
# public key, a certificate or an EC key would otherwise fail far later, at Salesforce.
passin=(-passin "pass:")
[ -n "${SFBRIDGE_KEY_PASSPHRASE:-}" ] && passin=(-passin env:SFBRIDGE_KEY_PASSPHRASE)
if ! grep -q -- '-----BEGIN .*PRIVATE KEY-----' "$key"; then
  die "'$key' is not a PEM private key (a certificate or public key? the app holds the certificate; this script needs the private key)"
fi
if ! key_text=$(openssl pkey -in "$key" "${passin[@]}" -noout -text 2>/dev/null); then
  die "openssl cannot read '$key' as a private key (encrypted? set SFBRIDGE_KEY_PASSPHRASE)"
fi
if ! grep -q '^publicExponent' <<<"$key_text" || ! grep -q '^privateExponent' <<<"$key_text"; then
  die "'$key' is not an RSA private key ($(head -1 <<<"$key_text" | tr -d '\n')); Salesforce needs RS256: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048"
fi
if grep -q 'PSS parameter' <<<"$key_text"; then
  die "'$key' is an RSA-PSS key; RS256 signs with PKCS#1 v1.5: make a plain RSA key (openssl genpkey -algorithm RSA ...)"
fi
bits=$(sed -n 's/^Private-Key: (\([0-9]*\) bit.*/\1/p' <<<"$key_text")
[ "${bits:-0}" -ge 2048 ] || die "'$key' is a ${bits:-?}-bit RSA key; use 2048 bits or more"
unset key_text
if [ -n "$cert" ]; then
  [ -r "$cert" ] || die "cannot read the certificate '$cert'"
  cert_pub=$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null) || die "'$cert' is not a PEM certificate"
  key_pub=$(openssl pkey -in "$key" "${passin[@]}" -pubout 2>/dev/null)
  [ "$cert_pub" = "$key_pub" ] || die "the certificate '$cert' does not belong to the key '$key'"
fi
if $self_check; then
  echo "salesforce-jwt: '$key' is a $bits-bit RSA private key${cert:+ and '$cert' is its certificate}: usable for RS256" >&2
  exit 0
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# JSON string literal. Besides '"' and '\', '>' and '~' are written as \u003e and \u007e (the
# same JSON value to every parser). Why: AWS checks jwtToken against the AppFlow model's
# pattern ^([a-zA-Z0-9_=]+)\.([a-zA-Z0-9_=]+)\.([a-zA-Z0-9_\-\+\/=]*) over the WHOLE value, and
# its first two groups do not allow '-', which base64url uses for the 6-bit value 62.
# In base64 of ASCII bytes (all < 0x80) the value 62 (111110) can only be the low six bits of
# the third byte of a 3-byte group: a byte 0x3E '>' or 0x7E '~' (the other three positions
# need the high bit set). With neither character in the header or payload, neither segment can
# contain '-' however the claims line up, so every mint matches; a random `jti` re-rolled until
# it happens to match would work too, but this needs no retries and adds no claim Salesforce
# might treat as single-use. The check after minting enforces the whole pattern anyway.
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//>/\\u003e}
  s=${s//\~/\\u007e}
  printf '"%s"' "$s"
}

if $sandbox; then aud=https://test.salesforce.com; else aud=https://login.salesforce.com; fi
exp=$(($(date +%s) + days * 86400))
header='{"alg":"RS256","typ":"JWT"}'
payload=$(printf '{"iss":%s,"sub":%s,"aud":%s,"exp":%d}' \
  "$(json_str "$client_id")" "$(json_str "$user")" "$(json_str "$aud")" "$exp")

signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature=$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$key" "${passin[@]}" -binary | b64url)
[ -n "$signature" ] || die "openssl could not sign with '$key'"
jwt="$signing_input.$signature"

# Whole-value match of the model pattern and its 8000-character limit (defence in depth).
if ! [[ "$jwt" =~ ^[a-zA-Z0-9_=]+\.[a-zA-Z0-9_=]+\.[a-zA-Z0-9_+/=-]*$ ]] || [ ${#jwt} -gt 8000 ]; then
  die "internal error: the minted JWT does not match AppFlow's JwtToken pattern; nothing printed"
fi
printf '%s\n' "$jwt"
echo "salesforce-jwt: minted for iss=$client_id sub=$user aud=$aud, expires $(date -u -d "@$exp" +%Y-%m-%dT%H:%M:%SZ) (${#jwt} chars, not shown)" >&2
