#!/usr/bin/env bash
# Builds the release `bootstrap` for Lambda's provided.al2023 and writes one deterministic zip
# per registered handler, plus dist/manifest.json (name, architecture, sha256, size).
#
#   ARCH=arm64 (default) | x86_64     the one architecture; Terraform's `architecture` matches
#
# Deterministic: the same source gives byte-identical zips (fixed mtime, `zip -X`, no build
# time inside), so the sha256 in the manifest identifies what is promoted dev -> prod.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

arch=${ARCH:-arm64}
case "$arch" in
  arm64) triple=aarch64-unknown-linux-gnu; machine=AArch64 ;;
  x86_64) triple=x86_64-unknown-linux-gnu; machine=X86-64 ;;
  *) echo "build-zips: ARCH must be arm64 or x86_64, not '$arch'" >&2; exit 2 ;;
esac
# provided.al2023 ships glibc 2.34: link against nothing newer.
glibc_max=2.34

rustup target add "$triple" >/dev/null 2>&1 || rustup target add "$triple"
tools=$("$root/scripts/venv.sh" build)
export PATH="$tools:$PATH"

lambda_dir="target/lambda/$arch"
echo "build-zips: cargo lambda build --release for $triple (glibc <= $glibc_max)" >&2
cargo lambda build --release --bin bootstrap --target "$triple.$glibc_max" --lambda-dir "$lambda_dir" >&2
bin="$lambda_dir/bootstrap/bootstrap"
[ -x "$bin" ] || { echo "build-zips: $bin was not produced" >&2; exit 1; }

readelf -h "$bin" | grep -q "Machine:.*$machine" || {
  echo "build-zips: $bin is not a $machine binary" >&2; exit 1; }
needed=$(readelf -V -W "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
if [ -n "$needed" ] && [ "$(printf '%s\n%s\n' "$needed" "$glibc_max" | sort -V | tail -n1)" != "$glibc_max" ]; then
  echo "build-zips: $bin needs GLIBC_$needed, newer than provided.al2023's $glibc_max" >&2
  exit 1
fi
echo "build-zips: binary needs glibc ${needed:-none} (limit $glibc_max)" >&2

# The registered handler names come from the binary's own registry (host build).
mapfile -t names < <(cargo run --quiet --bin bootstrap -- --list-handlers)
[ ${#names[@]} -gt 0 ] || { echo "build-zips: no handlers registered" >&2; exit 1; }

mkdir -p dist
rm -f dist/*.zip dist/manifest.json
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$bin" "$stage/bootstrap"
chmod 0755 "$stage/bootstrap"
TZ=UTC touch -t 198001010000 "$stage/bootstrap"
entries=()
for name in "${names[@]}"; do
  zip_path="$root/dist/$name.zip"
  (cd "$stage" && TZ=UTC zip -X -q -D "$zip_path" bootstrap)
  sha=$(sha256sum "$zip_path" | cut -d' ' -f1)
  size=$(stat -c %s "$zip_path")
  entries+=("$(printf '{"name":"%s","architecture":"%s","file":"dist/%s.zip","sha256":"%s","size":%s}' \
    "$name" "$arch" "$name" "$sha" "$size")")
  printf 'build-zips: dist/%s.zip  %s  %s bytes\n' "$name" "$sha" "$size" >&2
done
{ echo "["; (IFS=$'\n'; printf '%s\n' "${entries[@]}" | sed '$!s/$/,/;s/^/  /'); echo "]"; } > dist/manifest.json
echo "build-zips: wrote dist/manifest.json" >&2
