#!/usr/bin/env bash
# Cold `cargo install` of the CLI, side by side with another checkout of this repository (an
# older commit) in one run: each built into an empty target directory (the crates registry
# stays warm: downloads are not timed), then the installed binaries' sizes.
# Usage: benches/cli-install.sh <OTHER_CHECKOUT>
# A benchmark, not a test: it prints what it measures. Uses ~2 GB under $WORK.
set -euo pipefail
OTHER=$(cd "${1:?usage: benches/cli-install.sh <OTHER_CHECKOUT>}" && pwd)
THIS=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
unset CARGO_TARGET_DIR

install() { # $1 = label, $2 = checkout
  local dir="$WORK/$1"
  rm -rf "$dir"
  local start end
  start=$(date +%s.%N)
  (cd "$2" && CARGO_TARGET_DIR="$dir/target" cargo install --quiet --locked --path cli \
      --root "$dir/root" >/dev/null 2>"$dir.log") || { cat "$dir.log"; exit 1; }
  end=$(date +%s.%N)
  local bytes
  bytes=$(stat -c %s "$dir/root/bin/cargo-operator")
  printf '%-6s %8.1f s  %6.1f MiB  %s crates compiled\n' "$1" "$(echo "$end - $start" | bc)" \
    "$(echo "scale=1; $bytes / 1048576" | bc)" \
    "$(find "$dir/target/release/deps" -name '*.rlib' | sed 's/-[0-9a-f]*\.rlib$//' | sort -u | wc -l)"
  rm -rf "$dir/target"
}

(cd "$OTHER" && cargo fetch --quiet --locked)
(cd "$THIS" && cargo fetch --quiet --locked)
echo "cold cargo install --locked --path cli (empty target dir, warm registry)"
install other "$OTHER"
install this "$THIS"
