#!/usr/bin/env bash
# Footprint of a generated operator: release binary size, and resident memory once it runs
# against a real control plane (envtest: kube-apiserver + etcd) and /readyz answers.
#
#   bash benches/operator-footprint.sh [PROJECT_DIR]      # default: testdata/project
#
# Needs the envtest binaries (`cargo operator envtest use`). A benchmark, not a test: it
# prints figures and fails only when something cannot run. See benches/README.md.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
project="$(cd "${1:-$root/testdata/project}" && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}/bench-footprint"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "== building $(basename "$project") (release) and cargo-operator"
(cd "$project" && cargo build --release --quiet --target-dir "$target")
(cd "$root" && cargo build --quiet -p cargo-operator)
name="$(sed -n 's/^name = "\(.*\)"/\1/p' "$project/Cargo.toml" | head -1)"
binary="$target/release/$name"
size=$(stat -c %s "$binary")

echo "== starting envtest"
kubeconfig="$work/kubeconfig"
(cd "$project" && exec "$root/target/debug/cargo-operator" envtest up \
    --kubeconfig "$kubeconfig" --crd-dir config/crd/bases) >"$work/envtest.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
    [ -s "$kubeconfig" ] && grep -q "control plane ready" "$work/envtest.log" && break
    sleep 0.1
done
[ -s "$kubeconfig" ] || { cat "$work/envtest.log"; echo "envtest did not start"; exit 1; }
sleep 1

probe_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "== starting the operator"
KUBECONFIG="$kubeconfig" "$binary" \
    --health-probe-bind-address="127.0.0.1:$probe_port" \
    --metrics-bind-address="127.0.0.1:$metrics_port" >"$work/operator.log" 2>&1 &
op=$!
pids+=("$op")
started=$(date +%s%N)
until curl -fsS "http://127.0.0.1:$probe_port/readyz" >/dev/null 2>&1; do
    kill -0 "$op" 2>/dev/null || { cat "$work/operator.log"; echo "operator exited"; exit 1; }
    [ $(( ($(date +%s%N) - started) / 1000000 )) -lt 30000 ] || { echo "no /readyz in 30 s"; exit 1; }
    sleep 0.05
done
ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
sleep 2 # let the initial lists and watches settle
rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$op/status")
hwm_kb=$(awk '/^VmHWM/ {print $2}' "/proc/$op/status")

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
echo
echo "operator:       $name ($project)"
echo "binary size:    $(mib "$size") ($size bytes, release, stripped)"
echo "ready after:    ${ready_ms} ms (process start to /readyz 200)"
echo "RSS after start: $(mib $((rss_kb * 1024))) (VmRSS ${rss_kb} kB; peak VmHWM ${hwm_kb} kB)"
