#!/usr/bin/env bash
# Regenerates core/data/k8s-schemas-v<kubernetes>.json, the table of the schemas that
# controller-gen gives the Kubernetes API types when a CRD embeds them. See README.md.
#
# Needs Go and the Go module proxy (nothing from GitHub). Builds and modules are cached in
# Go's default places (GOCACHE ~/.cache/go-build, GOMODCACHE ~/go/pkg/mod), so a second run
# downloads and compiles nothing. Writes the table only if every check passed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
kubernetes=1.35
out="$repo/core/data/k8s-schemas-v$kubernetes.json"

# The release the table is built from: what k8s/go.mod requires (the tool checks that every
# Kubernetes module is loaded at that version), and the controller-tools the tool is built with.
k8s_version="$(cd "$here/k8s" && go list -m -f '{{.Version}}' k8s.io/api)"
ct_version="$(cd "$here" && go list -m -f '{{.Version}}' sigs.k8s.io/controller-tools)"
echo "k8s-schemas: Kubernetes $kubernetes (k8s.io/api $k8s_version), controller-tools $ct_version" >&2

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$here" && go build -o "$tmp/k8s-schemas" .)

# k8s-openapi's schema names, when its source is in the cargo registry: each must end up in the
# table or be reported as left out (this catches a package missing from k8s/packages.go).
names_args=()
k8s_openapi="$(sed -n '/^name = "k8s-openapi"$/{n;s/^version = "\(.*\)"$/\1/p;q}' "$repo/Cargo.lock" 2>/dev/null || true)"
feature="v${kubernetes/./_}"
src=""
if [[ -n "$k8s_openapi" ]]; then
    for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"k8s-openapi-$k8s_openapi/src/$feature"; do
        [[ -d "$d" ]] && src="$d"
    done
fi
if [[ -n "$src" ]]; then
    grep -rhoE '"io\.k8s[^"]*"' "$src" | tr -d '"' | sort -u >"$tmp/k8s-openapi-names"
    names_args=(-k8s-openapi-names "$tmp/k8s-openapi-names")
    echo "k8s-schemas: checking coverage of k8s-openapi $k8s_openapi ($feature)" >&2
else
    echo "k8s-schemas: k8s-openapi ${k8s_openapi:-?} source not found in the cargo registry; coverage not checked (cargo fetch brings it)" >&2
fi

# The table. The tool runs in the k8s module, so that the packages load at the versions its
# go.mod pins (controller-tools' own go.mod requires newer ones).
mkdir -p "$tmp/e2e/api"
(cd "$here/k8s" && "$tmp/k8s-schemas" -out "$tmp/table.json" -kubernetes "$kubernetes" \
    "${names_args[@]}" -e2e-api "$tmp/e2e/api/types.go")

# The end-to-end check: the controller-gen binary of the same controller-tools release, run on
# a CRD with one field per table type, must give each field exactly the resolved table entry.
GOBIN="$tmp/bin" go install "sigs.k8s.io/controller-tools/cmd/controller-gen@$ct_version"
sed 's|^module .*|module k8s-schemas.check/api|' "$here/k8s/go.mod" >"$tmp/e2e/go.mod"
cp "$here/k8s/go.sum" "$tmp/e2e/go.sum"
(cd "$tmp/e2e" && "$tmp/bin/controller-gen" crd:allowDangerousTypes=true paths=./... output:crd:dir=out)
"$tmp/k8s-schemas" -check-crd "$tmp"/e2e/out/*.yaml -table "$tmp/table.json"

mkdir -p "$(dirname "$out")"
cp "$tmp/table.json" "$out"
echo "k8s-schemas: wrote ${out#"$repo"/} ($(wc -c <"$out") bytes, $(grep -c '^    "io\.k8s' "$out") types)" >&2
