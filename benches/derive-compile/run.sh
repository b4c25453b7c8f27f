#!/usr/bin/env bash
# Derive expansion cost: generates an api crate with 20 CRD types (each with a status, a
# nested #[derive(Schema)] struct and ~10 attributed fields) and times `cargo build` of it:
#   clean       — the api crate rebuilt from scratch (dependencies already built)
#   incremental — after touching one type's file (debug, incremental)
#   no-derive   — the same crate with the 20 types as plain serde structs, for comparison
# This is a benchmark, not a test. Usage: benches/derive-compile/run.sh [N_TYPES]
# Dependencies are built once first (not timed). Set CARGO_TARGET_DIR to reuse a target dir;
# by default it shares the workspace's target/ so the workspace's dependency builds are reused.
set -euo pipefail
N=${1:-20}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_DIR:-$ROOT/target/bench-derive-compile}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
rm -rf "$WORK" && mkdir -p "$WORK/src"

gen_crate() { # $1 = dir, $2 = with derive (1/0)
  local dir=$1 derive=$2
  mkdir -p "$dir/src"
  cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
  cat > "$dir/Cargo.toml" <<TOML
[package]
name = "bench-api-$derive"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
cargo-operator-runtime = { path = "$ROOT/runtime", default-features = false }
k8s-openapi = { version = "0.29", features = ["v1_35", "schemars"] }
schemars = "1.2"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
TOML
  : > "$dir/src/lib.rs"
  for i in $(seq 1 "$N"); do
    echo "pub mod kind$i;" >> "$dir/src/lib.rs"
    if [ "$derive" = 1 ]; then
      res="#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = \"bench.example.com\", version = \"v1\", kind = \"Kind$i\", namespaced,
    status = \"Kind${i}Status\", shortname = \"k$i\",
    printcolumn(name = \"Ready\", type = \"string\", json_path = \".status.ready\"))]
#[field(rule(rule = \"self.min <= self.max\", message = \"min <= max\"))]"
      fa() { echo "    #[field($1)]"; }
      use="use cargo_operator_runtime::{CustomResource, Schema};"
      nested="#[derive(Schema, Serialize, Deserialize, Clone, Debug)]"
    else
      res="#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]"
      fa() { :; }
      use=""
      nested="#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]"
    fi
    cat > "$dir/src/kind$i.rs" <<RS
$use
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Kind$i spec.
$res
#[serde(rename_all = "camelCase")]
pub struct Kind${i}Spec {
    /// Minimum.
$(fa "minimum = 0, maximum = 100")
    pub min: i32,
    /// Maximum.
$(fa "minimum = 0, maximum = 100")
    pub max: i32,
    /// Name.
$(fa 'min_length = 1, max_length = 63, pattern = "^[a-z0-9-]+$"')
    pub name: String,
    /// Hosts.
$(fa 'list_type = "set", max_items = 10, items(min_length = 1)')
    pub hosts: Vec<String>,
    /// Labels.
$(fa 'max_properties = 16, map_type = "granular"')
    pub labels: BTreeMap<String, String>,
    /// Mode.
$(fa 'enum_values = ["a", "b", "c"], default = "a"')
    pub mode: Option<String>,
    /// Immutable id.
$(fa 'rule(rule = "self == oldSelf", message = "immutable")')
    pub id: String,
    /// Backends.
$(fa 'list_type = "map", list_map_keys = ["name"]')
    pub backends: Vec<Backend$i>,
    /// Extra config.
$(fa 'preserve_unknown_fields')
    pub config: Option<serde_json::Value>,
}

/// A backend.
$nested
#[serde(rename_all = "camelCase")]
pub struct Backend$i {
    /// Backend name.
$(fa 'min_length = 1')
    pub name: String,
    /// Port.
$(fa 'minimum = 1, maximum = 65535')
    pub port: i32,
    /// Weight.
$(fa 'default = 1')
    pub weight: Option<i32>,
}

/// Kind$i status.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Kind${i}Status {
    pub ready: Option<String>,
    pub conditions: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
}
RS
  done
}

now() { date +%s.%N; }
timed() { # $1 = label, rest = command
  local label=$1; shift
  local t0 t1; t0=$(now); "$@" >/dev/null 2>&1 || { echo "$label: build failed"; "$@"; exit 1; }
  t1=$(now); printf '%-40s %6.2f s\n' "$label" "$(echo "$t1 - $t0" | bc)"
}

for derive in 1 0; do
  dir=$WORK/api-$derive
  gen_crate "$dir" $derive
  (cd "$dir" && cargo build --quiet 2>&1 | tail -5) # dependencies, untimed
  (cd "$dir" && cargo clean --quiet -p "bench-api-$derive")
  label=$([ $derive = 1 ] && echo "with derive" || echo "plain serde/schemars (baseline)")
  timed "$N types, $label: clean" bash -c "cd '$dir' && cargo build --quiet"
  touch "$dir/src/kind1.rs"
  timed "$N types, $label: incremental" bash -c "cd '$dir' && cargo build --quiet"
done
