#!/usr/bin/env bash
# Cold `cargo install` of the CLI, side by side with another checkout of this repository (an
# older commit) in one run, each into an empty target directory (the crates registry stays
# warm: downloads are not timed), then the installed binaries' sizes.
#
# This checkout is installed as `cargo install cargo-operator` will install it from crates.io:
# from its packaged crate (`cargo package --workspace`, unpacked, the sibling crates found
# through `[patch.crates-io]`), so with the manifest and release profile that travel in the
# package. The other checkout is installed with `cargo install --path` (from `cli/` in the
# layout before the CLI became the root package, whose package could not install).
#
# Usage: benches/cli-install.sh <OTHER_CHECKOUT>
# A benchmark, not a test: it prints what it measures. Uses ~2 GB under $WORK.
set -euo pipefail
OTHER=$(cd "${1:?usage: benches/cli-install.sh <OTHER_CHECKOUT>}" && pwd)
THIS=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
unset CARGO_TARGET_DIR

# $1 = label, $2 = directory to run in, $3 = the package's path
install() {
  local dir="$WORK/$1"
  rm -rf "$dir/target" "$dir/root"
  local start end
  start=$(date +%s.%N)
  (cd "$2" && CARGO_TARGET_DIR="$dir/target" cargo install --quiet --locked --path "$3" \
      --root "$dir/root" >/dev/null 2>"$dir.log") || { cat "$dir.log"; exit 1; }
  end=$(date +%s.%N)
  local bytes
  bytes=$(stat -c %s "$dir/root/bin/cargo-operator")
  printf '%-6s %8.1f s  %6.1f MiB  %s crates compiled\n' "$1" "$(echo "$end - $start" | bc)" \
    "$(echo "scale=1; $bytes / 1048576" | bc)" \
    "$(find "$dir/target/release/deps" -name '*.rlib' | sed 's/-[0-9a-f]*\.rlib$//' | sort -u | wc -l)"
  rm -rf "$dir/target"
}

# This checkout's crates as crates.io would serve them, in $WORK/registry.
package_this() {
  local reg="$WORK/registry"
  mkdir -p "$reg/crates" "$reg/.cargo"
  (cd "$THIS" && CARGO_TARGET_DIR="$WORK/package-target" cargo package --quiet --workspace \
      --no-verify --allow-dirty)
  local patch="[patch.crates-io]"$'\n'
  for crate in "$WORK"/package-target/package/*.crate; do
    tar xzf "$crate" -C "$reg/crates"
    local name
    name=$(basename "$crate" .crate)
    name=${name%-*}
    [ "$name" = cargo-operator ] || patch+="$name = { path = \"$reg/crates/$(basename "$crate" .crate)\" }"$'\n'
  done
  printf '%s' "$patch" >"$reg/.cargo/config.toml"
  # The package's own Cargo.lock, with the patched crates in it, and every download done.
  (cd "$reg" && cargo fetch --quiet --manifest-path "$(echo "$reg"/crates/cargo-operator-[0-9]*)/Cargo.toml")
  rm -rf "$WORK/package-target"
}

(cd "$OTHER" && cargo fetch --quiet --locked)
(cd "$THIS" && cargo fetch --quiet --locked)
package_this
other_path=.
[ -f "$OTHER/cli/Cargo.toml" ] && other_path=cli
echo "cold cargo install --locked (empty target dir, warm registry)"
install other "$OTHER" "$other_path"
install this "$WORK/registry" "$(echo "$WORK"/registry/crates/cargo-operator-[0-9]*)"
