#!/usr/bin/env bash
# Checks what `make build-zips` wrote: one zip per registered handler holding exactly an
# executable `bootstrap`, a manifest that matches the files, and a rebuild that gives the same
# sha256s. Ends with an "N passed, N failed" line.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source "$root/scripts/lib/checks.sh"

[ -f dist/manifest.json ] || { bad "no dist/manifest.json: run 'make build-zips' first"; summary check-zips; exit 1; }
mapfile -t names < <(cargo run --quiet --bin bootstrap -- --list-handlers)

for name in "${names[@]}"; do
  z="dist/$name.zip"
  if [ ! -f "$z" ]; then bad "$z missing"; continue; fi
  listing=$(unzip -Z1 "$z")
  [ "$listing" = "bootstrap" ] && ok "$z holds exactly bootstrap" || bad "$z holds: $listing"
  unzip -Z "$z" bootstrap | grep -q '^-rwxr-xr-x' && ok "$z bootstrap is executable" || bad "$z bootstrap mode"
  sha=$(sha256sum "$z" | cut -d' ' -f1)
  python3 - "$name" "$sha" "$(stat -c %s "$z")" <<'PY' && ok "manifest entry for $name matches" || bad "manifest entry for $name"
import json, sys
name, sha, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
entries = [e for e in json.load(open("dist/manifest.json")) if e["name"] == name]
assert len(entries) == 1 and entries[0]["sha256"] == sha and entries[0]["size"] == size, entries
assert entries[0]["architecture"] in ("arm64", "x86_64")
PY
done
count=$(python3 -c 'import json; print(len(json.load(open("dist/manifest.json"))))')
[ "$count" = "${#names[@]}" ] && ok "manifest lists the ${#names[@]} registered handlers" || bad "manifest has $count entries, ${#names[@]} handlers registered"

# Run the shipped binary itself: directly when it is this machine's architecture, otherwise
# under qemu user-mode emulation (Debian's qemu-user-static, installed here when missing).
arch=$(python3 -c 'import json; print(json.load(open("dist/manifest.json"))[0]["architecture"])')
host=$(uname -m); [ "$host" = aarch64 ] && host=arm64
runner=()
if [ "$arch" != "$host" ]; then
  # The emulator plus the target's glibc and libgcc (Debian's cross packages) as its sysroot.
  case "$arch" in
    arm64) emu=qemu-aarch64-static; sysroot=/usr/aarch64-linux-gnu; pkgs="libc6-arm64-cross libgcc-s1-arm64-cross" ;;
    *) emu=qemu-x86_64-static; sysroot=/usr/x86_64-linux-gnu; pkgs="libc6-amd64-cross libgcc-s1-amd64-cross" ;;
  esac
  if { ! command -v "$emu" >/dev/null || [ ! -d "$sysroot/lib" ]; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # shellcheck disable=SC2086
    (apt-get install -y -qq qemu-user-static $pkgs >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq qemu-user-static $pkgs >/dev/null 2>&1; }) || true
  fi
  command -v "$emu" >/dev/null && [ -d "$sysroot/lib" ] && runner=("$emu" -L "$sysroot")
fi
if [ "$arch" = "$host" ] || [ ${#runner[@]} -gt 0 ]; then
  run_dir=$(mktemp -d)
  unzip -q -o "dist/${names[0]}.zip" -d "$run_dir"
  out=$(env -i _HANDLER=nope "${runner[@]}" "$run_dir/bootstrap" 2>&1); code=$?
  if [ "$code" -ne 0 ] && grep -q "valid handlers: $(IFS=,; echo "${names[*]}" | sed 's/,/, /g')" <<<"$out"; then
    ok "shipped binary with _HANDLER=nope exits $code listing the handlers"
  else
    bad "shipped binary with _HANDLER=nope: exit $code, output: $out"
  fi
  out=$(env -i _HANDLER="${names[0]}" "${runner[@]}" "$run_dir/bootstrap" 2>&1); code=$?
  if [ "$code" -ne 0 ] && grep -q "missing required environment variable" <<<"$out"; then
    ok "shipped binary names its first missing variable at start-up"
  else
    bad "shipped binary start-up without configuration: exit $code, output: $out"
  fi
  rm -rf "$run_dir"
else
  echo "skip running the $arch binary: this $host machine has no $arch emulator"
fi

# Touching the sources makes cargo really recompile and relink the crate, so this checks the
# binary is reproducible, not only the zipping.
before=$(cat dist/manifest.json)
touch handlers/lib.rs handlers/main.rs
if scripts/build-zips.sh >/dev/null 2>&1 && [ "$(cat dist/manifest.json)" = "$before" ]; then
  ok "a rebuild from touched sources gives the same sha256s"
else
  bad "a second build changed the zips"
fi

summary check-zips
