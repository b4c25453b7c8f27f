#!/usr/bin/env bash
# Where a user waits, side by side with the Go tools in one run: scaffolding (init + create
# api) against kubebuilder without its dependency steps, and `manifests` (no-op, and after a
# one-line edit of the API types) against controller-gen on the kubebuilder project of the
# same API. The runs are interleaved (ours, theirs, ours, ...), and each figure is printed as
# min / median / max with the ratio of medians (ours / Go): ratios, not absolute times, are
# what compare across machines.
#
#   bash benches/vs-go.sh [ROUNDS]          # default 5
#
# kubebuilder and controller-gen are built from their Go modules at the versions the parity
# tests use, and cached where the tests cache them (~/.cache/cargo-operator/tools). Our CLI
# is built with the release profile it installs with. The kubebuilder project gets its Go
# dependencies (`go mod tidy`) and `controller-gen object` once, untimed, as `make manifests`
# would find them. A benchmark, not a test: it prints what it measures. See benches/README.md.
set -euo pipefail
ROUNDS=${1:-5}
THIS=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
export GOTOOLCHAIN=local NO_COLOR=1 GOFLAGS=-mod=mod CGO_ENABLED=0

version_of() { # the version constant a test pins: $1 = file, $2 = constant name
  sed -n "s/.*$2[^\"]*\"\\(v[^\"]*\\)\".*/\\1/p" "$THIS/$1" | head -1
}
KUBEBUILDER_VERSION=$(version_of tests/kubebuilder_parity.rs KUBEBUILDER_VERSION)
CONTROLLER_GEN_VERSION=$(sed -n '/CONTROLLER_GEN: /,/);/s/.*"\(v[0-9][^"]*\)".*/\1/p' \
  "$THIS/tests/conformance/generate.rs" | head -1)

go_tool() { # $1 = package, $2 = version, $3 = binary; prints its path
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/cargo-operator/tools/$3-$2"
  if [ ! -x "$dir/$3" ]; then
    echo "building $1@$2 with Go (cached in $dir)" >&2
    local staging
    staging=$(mktemp -d "${dir%/*}/.staging.XXXXXX" 2>/dev/null || { mkdir -p "${dir%/*}"; mktemp -d "${dir%/*}/.staging.XXXXXX"; })
    GOBIN="$staging" go install "$1@$2" >&2
    mv "$staging" "$dir" 2>/dev/null || rm -rf "$staging"
  fi
  echo "$dir/$3"
}
KUBEBUILDER=$(go_tool sigs.k8s.io/kubebuilder/v4 "$KUBEBUILDER_VERSION" kubebuilder)
CONTROLLER_GEN=$(go_tool sigs.k8s.io/controller-tools/cmd/controller-gen "$CONTROLLER_GEN_VERSION" controller-gen)

echo "building cargo-operator (release profile)" >&2
(cd "$THIS" && cargo build --quiet --release --locked -p cargo-operator)
OURS="${CARGO_TARGET_DIR:-$THIS/target}/release/cargo-operator"

# --- the two scaffolds (also the timed scaffold step) --------------------------------------
scaffold_ours() { # $1 = dir
  mkdir -p "$1" && cd "$1"
  "$OURS" init --domain example.com --runtime-path "$THIS" >/dev/null 2>&1
  "$OURS" create api --group webapp --version v1 --kind Guestbook >/dev/null 2>&1
  cd - >/dev/null
}
scaffold_go() { # $1 = dir
  mkdir -p "$1" && cd "$1"
  "$KUBEBUILDER" init --domain example.com --repo example.com/project --fetch-deps=false \
    --skip-go-version-check >/dev/null 2>&1
  "$KUBEBUILDER" create api --group webapp --version v1 --kind Guestbook --resource \
    --controller --make=false >/dev/null 2>&1
  cd - >/dev/null
}
manifests_ours() { (cd "$1" && "$OURS" manifests >/dev/null 2>"$WORK/ours.err") || { cat "$WORK/ours.err"; exit 1; }; }
manifests_go() { # the arguments of the scaffolded Makefile's `manifests` target
  (cd "$1" && "$CONTROLLER_GEN" rbac:roleName=manager-role crd webhook paths="./..." \
    output:crd:artifacts:config=config/crd/bases >/dev/null 2>"$WORK/go.err") || { cat "$WORK/go.err"; exit 1; }
}

# A one-line edit of the API types, alternating so that every run sees a change.
EDIT=0
edit_ours() { # the doc comment of the scaffolded example field (it is the CRD's description)
  EDIT=$((EDIT + 1))
  sed -i "s|^    /// An example field.*|    /// An example field, edit $EDIT.|" "$1/api/src/webapp/v1/guestbook.rs"
}
edit_go() {
  sed -i "s|^\t// [Ff]oo is an example field.*|\t// foo is an example field, edit $EDIT.|" "$1/api/v1/guestbook_types.go"
}

# --- timing --------------------------------------------------------------------------------
now() { date +%s.%N; }
declare -A SAMPLES
record() { SAMPLES[$1]+="$2 "; }
timed() { # $1 = label, rest = command
  local label=$1
  shift
  local start
  start=$(now)
  "$@"
  record "$label" "$(echo "$(now) - $start" | bc)"
}

echo "preparing the two projects (untimed: Go dependencies, deepcopy, first builds)" >&2
scaffold_ours "$WORK/ours"
scaffold_go "$WORK/go"
(cd "$WORK/go" && go mod tidy >/dev/null 2>&1 && "$CONTROLLER_GEN" object paths="./..." >/dev/null)
manifests_ours "$WORK/ours"
manifests_go "$WORK/go"
grep -q "^    /// An example field" "$WORK/ours/api/src/webapp/v1/guestbook.rs" || { echo "the edit anchor is gone from our scaffold" >&2; exit 1; }
grep -qi "^.// foo is an example field" "$WORK/go/api/v1/guestbook_types.go" || { echo "the edit anchor is gone from kubebuilder's scaffold" >&2; exit 1; }

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS" >&2
  rm -rf "$WORK/s-ours" "$WORK/s-go"
  timed scaffold-ours scaffold_ours "$WORK/s-ours"
  timed scaffold-go scaffold_go "$WORK/s-go"
  timed noop-ours manifests_ours "$WORK/ours"
  timed noop-go manifests_go "$WORK/go"
  edit_ours "$WORK/ours"
  timed edit-ours manifests_ours "$WORK/ours"
  edit_go "$WORK/go"
  timed edit-go manifests_go "$WORK/go"
done

python3 - "$ROUNDS" <<EOF
import statistics, sys
samples = {$(for k in "${!SAMPLES[@]}"; do printf '"%s": [%s], ' "$k" "$(echo "${SAMPLES[$k]}" | sed 's/ $//; s/ /, /g')"; done)}
rows = [("scaffold (init + create api)", "scaffold", "kubebuilder, no dependency steps"),
        ("manifests, no-op", "noop", "controller-gen"),
        ("manifests after a one-line edit", "edit", "controller-gen")]
print(f"{sys.argv[1]} interleaved rounds; seconds min / median / max")
print(f"| step | ours | Go ({'kubebuilder $KUBEBUILDER_VERSION, controller-gen $CONTROLLER_GEN_VERSION'}) | ratio of medians |")
print("|---|---|---|---|")
fmt = lambda xs: f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"
for title, key, anchor in rows:
    ours, go = samples[key + "-ours"], samples[key + "-go"]
    print(f"| {title} | {fmt(ours)} | {fmt(go)} ({anchor}) | {statistics.median(ours) / statistics.median(go):.2f} |")
EOF
