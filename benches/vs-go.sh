#!/usr/bin/env bash
# Where a user waits, side by side with the Go tools in one run, on the same API (init +
# create api --group webapp --version v1 --kind Guestbook with both tools):
#
#   cli    scaffolding against kubebuilder without its dependency steps; `manifests` no-op,
#          after a one-line edit of the API types and cold (first run, empty build caches)
#          against controller-gen with the kubebuilder Makefile's arguments
#   build  the generated operator against `go build` of the kubebuilder manager: cold, warm
#          no-op and after a one-line reconciler edit; binary sizes
#   run    both managers as their Dockerfiles build them (ours: the `dist` profile, or
#          RUN_PROFILE; Go: `go build`), each with the same trivial reconciler (set the Ready
#          condition once, one status write) and one worker, against one real control plane
#          (envtest): RSS idle and with N objects cached, time until each of N new objects
#          has been reconciled once, CPU seconds of the manager and of kube-apiserver meanwhile
#   floor  the API server's part of that trial without a manager: one client writing the
#          same status to N objects one at a time (FLOOR_COUNT, default the last of COUNTS)
#
#   bash benches/vs-go.sh [ROUNDS]        # default 5 rounds (3 for `run`, 1 for cold builds)
#   SECTIONS="cli run" COUNTS="1000" bash benches/vs-go.sh 3
#
# Runs are interleaved (ours, theirs, ours, ...); each figure is min / median / max and the
# ratio of medians (ours / Go): ratios, not absolute times, compare across machines.
# kubebuilder and controller-gen are built from their Go modules at the versions the parity
# tests pin and cached where the tests cache them (~/.cache/cargo-operator/tools); the run
# section needs the envtest binaries (`cargo operator envtest use`). Our CLI is built with
# the release profile it installs with; the projects build as users build them (cargo's and
# Go's defaults, not CI's settings). A benchmark, not a test. See benches/README.md.
set -euo pipefail
ROUNDS=${1:-5}
RUN_ROUNDS=${RUN_ROUNDS:-$((ROUNDS < 3 ? ROUNDS : 3))}
COLD_ROUNDS=${COLD_ROUNDS:-1}
COUNTS=${COUNTS:-1000 10000}
SECTIONS=${SECTIONS:-cli build run floor}
RUN_PROFILE=${RUN_PROFILE:-dist}
THIS=$(cd "$(dirname "$0")/.." && pwd)
# WORK=dir keeps the projects and their build outputs there, and reuses them on the next run.
KEEP_WORK=${WORK:+1}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$KEEP_WORK" ] || { chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"; }
}
trap cleanup EXIT
export GOTOOLCHAIN=local NO_COLOR=1 GOFLAGS=-mod=mod CGO_ENABLED=0
log() { echo "$*" >&2; }

version_of() { # the version constant a test pins: $1 = file, $2 = constant name
  sed -n "s/.*$2[^\"]*\"\\(v[^\"]*\\)\".*/\\1/p" "$THIS/$1" | head -1
}
KUBEBUILDER_VERSION=$(version_of tests/kubebuilder_parity.rs KUBEBUILDER_VERSION)
CONTROLLER_GEN_VERSION=$(sed -n '/CONTROLLER_GEN: /,/);/s/.*"\(v[0-9][^"]*\)".*/\1/p' \
  "$THIS/tests/conformance/generate.rs" | head -1)

go_tool() { # $1 = package, $2 = version, $3 = binary; prints its path (tests/support/go_tool.rs)
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/cargo-operator/tools/$3-$2"
  if [ ! -x "$dir/$3" ]; then
    log "building $1@$2 with Go (cached in $dir)"
    mkdir -p "${dir%/*}"
    local staging
    staging=$(mktemp -d "${dir%/*}/.staging.XXXXXX")
    GOBIN="$staging" go install "$1@$2" >&2
    mv "$staging" "$dir" 2>/dev/null || rm -rf "$staging"
  fi
  echo "$dir/$3"
}
KUBEBUILDER=$(go_tool sigs.k8s.io/kubebuilder/v4 "$KUBEBUILDER_VERSION" kubebuilder)
CONTROLLER_GEN=$(go_tool sigs.k8s.io/controller-tools/cmd/controller-gen "$CONTROLLER_GEN_VERSION" controller-gen)

log "building cargo-operator (release profile)"
(cd "$THIS" && cargo build --quiet --release --locked -p cargo-operator)
OURS="${CARGO_TARGET_DIR:-$THIS/target}/release/cargo-operator"
# From here on, builds are the user's: cargo's defaults, not this shell's or CI's settings.
unset CARGO_TARGET_DIR CARGO_INCREMENTAL CARGO_PROFILE_DEV_DEBUG CARGO_BUILD_JOBS

# --- timing --------------------------------------------------------------------------------
now() { date +%s.%N; }
declare -A SAMPLES
record() { SAMPLES[$1]+="$2 "; log "  $1 $2"; }
timed() { # $1 = label, rest = command
  local label=$1 start
  shift
  start=$(now)
  "$@"
  record "$label" "$(echo "$(now) - $start" | bc)"
}
quiet() { # runs a command, printing its output only when it fails
  "$@" >"$WORK/quiet.log" 2>&1 || { cat "$WORK/quiet.log" >&2; log "failed: $*"; exit 1; }
}

# --- the two projects ----------------------------------------------------------------------
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
manifests_ours() { (cd "$1" && quiet "$OURS" manifests); }
manifests_go() { # the arguments of the scaffolded Makefile's `manifests` target
  (cd "$1" && quiet "$CONTROLLER_GEN" rbac:roleName=manager-role crd webhook paths="./..." \
    output:crd:artifacts:config=config/crd/bases)
}

# The same trivial reconciler in both: the Ready condition set once, one status write, no
# requeue, one worker (both tools' default).
bench_reconciler_ours() { # $1 = project
  cat >"$1/src/controller/guestbook.rs" <<'EOF'
//! The benchmark's reconciler: the Ready condition, set once by one status write.

use std::sync::Arc;

use api::webapp::v1::Guestbook;
use cargo_operator_runtime::{Action, Context, Controller, ReconcileError, conditions, rbac};

pub const NAME: &str = "guestbook";

pub fn controller() -> Controller<Guestbook> {
    Controller::new(NAME, reconcile)
}

#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]
#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks/status"], verbs = ["get", "update", "patch"])]
pub async fn reconcile(
    object: Arc<Guestbook>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    let mut status = object.status.clone().unwrap_or_default();
    let changed = conditions::set_condition(
        &mut status.conditions,
        conditions::READY,
        true,
        "Reconciled",
        "The Guestbook is reconciled",
        object.metadata.generation,
    );
    if changed {
        ctx.apply_status(object.as_ref(), &status).await?;
    }
    Ok(Action::await_change())
}
EOF
}
bench_reconciler_go() { # $1 = project
  cat >"$1/internal/controller/guestbook_controller.go" <<'EOF'
// The benchmark's reconciler: the Ready condition, set once by one status write.
package controller

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	webappv1 "example.com/project/api/v1"
)

type GuestbookReconciler struct {
	client.Client
	Scheme *runtime.Scheme
}

// +kubebuilder:rbac:groups=webapp.example.com,resources=guestbooks,verbs=get;list;watch
// +kubebuilder:rbac:groups=webapp.example.com,resources=guestbooks/status,verbs=get;update;patch

func (r *GuestbookReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var guestbook webappv1.Guestbook
	if err := r.Get(ctx, req.NamespacedName, &guestbook); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	changed := meta.SetStatusCondition(&guestbook.Status.Conditions, metav1.Condition{
		Type:               "Ready",
		Status:             metav1.ConditionTrue,
		Reason:             "Reconciled",
		Message:            "The Guestbook is reconciled",
		ObservedGeneration: guestbook.Generation,
	})
	if changed {
		return ctrl.Result{}, r.Status().Update(ctx, &guestbook)
	}
	return ctrl.Result{}, nil
}

func (r *GuestbookReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).For(&webappv1.Guestbook{}).Named("guestbook").Complete(r)
}
EOF
  rm -f "$1/internal/controller/guestbook_controller_test.go" "$1/internal/controller/suite_test.go"
}

# A one-line edit of the API types (the doc comment of the example field, which is the CRD's
# description, so both tools really regenerate) and of the reconciler (a message).
EDIT=0
edit_api_ours() {
  EDIT=$((EDIT + 1))
  sed -i "s|^    /// An example field.*|    /// An example field, edit $EDIT.|" "$1/api/src/webapp/v1/guestbook.rs"
}
edit_api_go() {
  sed -i "s|^\t// [Ff]oo is an example field.*|\t// foo is an example field, edit $EDIT.|" "$1/api/v1/guestbook_types.go"
}
edit_reconciler_ours() {
  EDIT=$((EDIT + 1))
  sed -i "s|\"The Guestbook is reconciled[^\"]*\"|\"The Guestbook is reconciled ($EDIT)\"|" "$1/src/controller/guestbook.rs"
}
edit_reconciler_go() {
  sed -i "s|\"The Guestbook is reconciled[^\"]*\"|\"The Guestbook is reconciled ($EDIT)\"|" "$1/internal/controller/guestbook_controller.go"
}

log "preparing the two projects (untimed: Go dependencies, deepcopy, first builds)"
if [ ! -d "$WORK/go" ]; then
  scaffold_ours "$WORK/ours"
  scaffold_go "$WORK/go"
  bench_reconciler_ours "$WORK/ours"
  bench_reconciler_go "$WORK/go"
  (cd "$WORK/go" && quiet go mod tidy && quiet "$CONTROLLER_GEN" object paths="./...")
fi
(cd "$WORK/ours" && quiet cargo fetch)
manifests_ours "$WORK/ours"
manifests_go "$WORK/go"
grep -q "^    /// An example field" "$WORK/ours/api/src/webapp/v1/guestbook.rs" || { log "the edit anchor is gone from our scaffold"; exit 1; }
grep -qi "^.// foo is an example field" "$WORK/go/api/v1/guestbook_types.go" || { log "the edit anchor is gone from kubebuilder's scaffold"; exit 1; }
OPERATOR=$(sed -n 's/^name = "\(.*\)"/\1/p' "$WORK/ours/Cargo.toml" | head -1)

# --- cli -----------------------------------------------------------------------------------
cold_manifests_ours() { # $1 = round: a fresh target dir; the registry is warm, as after `init`
  (cd "$WORK/ours" && CARGO_TARGET_DIR="$WORK/cold-target" quiet "$OURS" manifests)
  rm -rf "$WORK/cold-target"
}
cold_manifests_go() { # an empty build cache; the module cache is warm, as after `init`
  (cd "$WORK/go" && GOCACHE="$WORK/cold-gocache" quiet "$CONTROLLER_GEN" rbac:roleName=manager-role \
    crd webhook paths="./..." output:crd:artifacts:config=config/crd/bases)
  chmod -R u+w "$WORK/cold-gocache" && rm -rf "$WORK/cold-gocache"
}
section_cli() {
  for round in $(seq 1 "$ROUNDS"); do
    log "cli: round $round/$ROUNDS"
    rm -rf "$WORK/s-ours" "$WORK/s-go"
    timed scaffold-ours scaffold_ours "$WORK/s-ours"
    timed scaffold-go scaffold_go "$WORK/s-go"
    timed noop-ours manifests_ours "$WORK/ours"
    timed noop-go manifests_go "$WORK/go"
    edit_api_ours "$WORK/ours"
    timed edit-ours manifests_ours "$WORK/ours"
    edit_api_go "$WORK/go"
    timed edit-go manifests_go "$WORK/go"
    # A figure counts only if the edit reached the CRD.
    grep -q "example field, edit $EDIT\." "$WORK/ours/config/crd/bases/"*_guestbooks.yaml \
      || { log "our CRD does not have edit $EDIT"; exit 1; }
    grep -q "example field, edit $EDIT\." "$WORK/go/config/crd/bases/"*_guestbooks.yaml \
      || { log "controller-gen's CRD does not have edit $EDIT"; exit 1; }
  done
  for round in $(seq 1 "$COLD_ROUNDS"); do
    log "cli: cold manifests, round $round/$COLD_ROUNDS"
    timed cold-ours cold_manifests_ours
    timed cold-go cold_manifests_go
  done
}

# --- build ---------------------------------------------------------------------------------
# Ours with the generated profiles (`make build` is `cargo build --release`, the image and
# `build-installer` use `--profile dist`); the Go manager as its Makefile and Dockerfile build it.
build_ours() { # $1 = profile flag, $2 = target dir
  (cd "$WORK/ours" && quiet cargo build $1 --target-dir "$2" --bin "$OPERATOR")
}
build_go() { # $1 = GOCACHE
  (cd "$WORK/go" && GOCACHE="$1" quiet go build -o bin/manager cmd/main.go)
}
section_build() {
  local gocache="$WORK/gocache" targets="$WORK/targets"
  for round in $(seq 1 "$COLD_ROUNDS"); do
    log "build: cold, round $round/$COLD_ROUNDS"
    rm -rf "$targets"
    [ -d "$gocache" ] && chmod -R u+w "$gocache" && rm -rf "$gocache"
    timed cold-release-ours build_ours --release "$targets"
    timed cold-build-go build_go "$gocache"
    # Each profile compiles every crate again (nothing is shared between profiles).
    timed cold-dist-ours build_ours "--profile dist" "$targets"
    timed cold-dev-ours build_ours "" "$targets"
  done
  # Without cold rounds (COLD_ROUNDS=0, a kept WORK), every profile still has a binary.
  build_ours "--profile dist" "$targets"
  for round in $(seq 1 "$ROUNDS"); do
    log "build: warm and after an edit, round $round/$ROUNDS"
    edit_reconciler_ours "$WORK/ours"
    timed edit-dev-ours build_ours "" "$targets"
    edit_reconciler_go "$WORK/go"
    timed edit-build2-go build_go "$gocache"
    edit_reconciler_ours "$WORK/ours"
    timed edit-release-ours build_ours --release "$targets"
    edit_reconciler_go "$WORK/go"
    timed edit-build-go build_go "$gocache"
    # No change since the release build just above: cargo's and Go's no-op.
    timed warm-release-ours build_ours --release "$targets"
    timed warm-build-go build_go "$gocache"
  done
  SIZE_DEV=$(stat -c %s "$targets/debug/$OPERATOR")
  SIZE_RELEASE=$(stat -c %s "$targets/release/$OPERATOR")
  SIZE_DIST=$(stat -c %s "$targets/dist/$OPERATOR")
  SIZE_GO=$(stat -c %s "$WORK/go/bin/manager")
  strip -o "$WORK/manager.stripped" "$WORK/go/bin/manager"
  SIZE_GO_STRIPPED=$(stat -c %s "$WORK/manager.stripped")
}

# --- run -----------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
KUBECONFIG_FILE="$WORK/kubeconfig"
k() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
start_control_plane() {
  (cd "$WORK/ours" && exec "$OURS" envtest up --kubeconfig "$KUBECONFIG_FILE" \
    --crd-dir config/crd/bases) >"$WORK/envtest.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 1200); do
    grep -q "control plane ready" "$WORK/envtest.log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "control plane ready" "$WORK/envtest.log" || { cat "$WORK/envtest.log" >&2; log "envtest did not start"; exit 1; }
  APISERVER=$(pgrep -P "${PIDS[-1]}" kube-apiserver || true)
  [ -n "$APISERVER" ] || { log "no kube-apiserver under envtest up"; exit 1; }
  k create namespace bench >/dev/null
}
cpu_seconds() { # utime + stime of $1
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
objects() { # $1 = count: creates that many new Guestbooks (spec {}, no status), 4 clients at once
  python3 - "$1" "$WORK/objects" <<'EOF'
import sys
count, prefix = int(sys.argv[1]), sys.argv[2]
files = [open(f"{prefix}.{i}.yaml", "w") for i in range(4)]
for n in range(count):
    files[n % 4].write(f"---\napiVersion: webapp.example.com/v1\nkind: Guestbook\nmetadata:\n  name: g{n}\n  namespace: bench\nspec: {{}}\n")
for f in files:
    f.close()
EOF
  local pids=()
  for i in 0 1 2 3; do
    k create -f "$WORK/objects.$i.yaml" -o name >/dev/null &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}
no_objects() { # one DELETE of the whole collection, then until the list is empty
  k delete --raw /apis/webapp.example.com/v1/namespaces/bench/guestbooks >/dev/null
  until [ "$(k get guestbooks -n bench -o name | wc -l)" = 0 ]; do sleep 0.2; done
}
start_manager() { # $1 = ours | go; sets MANAGER and PROBE
  PROBE=$(free_port)
  local flags=(--metrics-bind-address=0 --health-probe-bind-address="127.0.0.1:$PROBE" --leader-elect=false)
  if [ "$1" = ours ]; then
    # OURS_ENV: extra environment for our manager (an experiment, e.g. an allocator setting).
    env ${OURS_ENV:-} KUBECONFIG="$KUBECONFIG_FILE" RUST_LOG=warn "$WORK/targets/$RUN_PROFILE/$OPERATOR" "${flags[@]}" >"$WORK/manager.log" 2>&1 &
  else
    KUBECONFIG="$KUBECONFIG_FILE" "$WORK/go/bin/manager" "${flags[@]}" >"$WORK/manager.log" 2>&1 &
  fi
  MANAGER=$!
  PIDS+=("$MANAGER")
}
stop_manager() {
  kill "$MANAGER" 2>/dev/null || true
  wait "$MANAGER" 2>/dev/null || true
}
ready_manager() {
  local start
  start=$(now)
  until curl -fsS "http://127.0.0.1:$PROBE/readyz" >/dev/null 2>&1; do
    kill -0 "$MANAGER" 2>/dev/null || { cat "$WORK/manager.log" >&2; log "the manager exited"; exit 1; }
    [ "$(echo "$(now) - $start < 60" | bc)" = 1 ] || { log "no /readyz in 60 s"; exit 1; }
    sleep 0.05
  done
}
rss_mib() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
until_all_ready() { # $1 = count: returns once every object has the Ready condition
  # A watch from resourceVersion 0 starts with every object as it is now, then each change.
  python3 - "$1" "$KUBECONFIG_FILE" <<'EOF'
import json, subprocess, sys
count, kubeconfig = int(sys.argv[1]), sys.argv[2]
watch = subprocess.Popen(
    ["kubectl", "--kubeconfig", kubeconfig, "get", "--request-timeout=0", "--raw",
     "/apis/webapp.example.com/v1/namespaces/bench/guestbooks?watch=true&resourceVersion=0"],
    stdout=subprocess.PIPE, text=True)
ready = set()
for line in watch.stdout:
    event = json.loads(line)
    object = event.get("object", {})
    conditions = object.get("status", {}).get("conditions", [])
    if any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions):
        ready.add(object["metadata"]["name"])
        if len(ready) == count:
            break
watch.kill()
sys.exit(0 if len(ready) == count else 1)
EOF
}
trial() { # $1 = ours | go, $2 = count of new objects (0: idle)
  local who=$1 count=$2 start cpu_api
  [ "$count" = 0 ] || objects "$count"
  cpu_api=$(cpu_seconds "$APISERVER")
  start=$(now)
  start_manager "$who"
  if [ "$count" = 0 ]; then
    ready_manager
  else
    until_all_ready "$count" || { cat "$WORK/manager.log" >&2; log "not every object got Ready"; exit 1; }
    record "reconcile-$count-$who" "$(echo "$(now) - $start" | bc)"
  fi
  sleep 2 # let lists, watches and status writes settle
  record "rss-$count-$who" "$(rss_mib "$MANAGER")"
  record "cpu-$count-$who" "$(cpu_seconds "$MANAGER")"
  record "cpu-api-$count-$who" "$(echo "$(cpu_seconds "$APISERVER") - $cpu_api" | bc)"
  stop_manager
  [ "$count" = 0 ] || no_objects
}
section_run() {
  [ -x "$WORK/targets/$RUN_PROFILE/$OPERATOR" ] || build_ours "--profile $RUN_PROFILE" "$WORK/targets"
  [ -x "$WORK/go/bin/manager" ] || build_go "$WORK/gocache"
  start_control_plane
  for round in $(seq 1 "$RUN_ROUNDS"); do
    for count in 0 $COUNTS; do
      log "run: round $round/$RUN_ROUNDS, $count objects"
      trial ours "$count"
      trial go "$count"
    done
  done
}

# --- floor ---------------------------------------------------------------------------------
# What the reconcile trial costs the API server without any manager: one client (python over
# `kubectl proxy`) writes the Ready condition to FLOOR_COUNT objects one at a time, as one
# worker does, once as a server-side apply (ours) and once as an update of the whole object
# read before the clock starts (Go's, from its cache). kube-apiserver's CPU seconds over those
# writes bound how fast any one-worker manager can be on this machine.
FLOOR_COUNT=${FLOOR_COUNT:-${COUNTS##* }}
floor_writes() { # $1 = apply | update, $2 = proxy port
  python3 - "$1" "$2" "$FLOOR_COUNT" "$APISERVER" <<'PY'
import http.client, json, os, sys, time
kind, port, count, apiserver = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def cpu():
    fields = open(f"/proc/{apiserver}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
conn = http.client.HTTPConnection("127.0.0.1", port)
base = "/apis/webapp.example.com/v1/namespaces/bench/guestbooks"
def call(method, path, body=None, ctype="application/json"):
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Content-Type": ctype})
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data)
condition = {"type": "Ready", "status": "True", "reason": "Reconciled",
             "message": "The Guestbook is reconciled", "observedGeneration": 1,
             "lastTransitionTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
names = [f"g{n}" for n in range(count)]
objects = [call("GET", f"{base}/{name}") for name in names] if kind == "update" else []
cpu_start, start = cpu(), time.monotonic()
if kind == "update":
    for obj in objects:
        obj["status"] = {"conditions": [condition]}
        call("PUT", f"{base}/{obj['metadata']['name']}/status", obj)
else:
    for name in names:
        call("PATCH", f"{base}/{name}/status?fieldManager=bench&force=true",
             {"apiVersion": "webapp.example.com/v1", "kind": "Guestbook",
              "metadata": {"name": name, "namespace": "bench"},
              "status": {"conditions": [condition]}}, "application/apply-patch+yaml")
print(f"{time.monotonic() - start:.2f} {cpu() - cpu_start:.2f}")
PY
}
section_floor() {
  [ -n "${APISERVER:-}" ] || start_control_plane
  local port result
  port=$(free_port)
  k proxy --port="$port" >"$WORK/proxy.log" 2>&1 &
  PIDS+=($!)
  until curl -fsS "http://127.0.0.1:$port/version" >/dev/null 2>&1; do sleep 0.1; done
  for round in $(seq 1 "$RUN_ROUNDS"); do
    for kind in apply update; do
      log "floor: round $round/$RUN_ROUNDS, $FLOOR_COUNT writes ($kind)"
      objects "$FLOOR_COUNT"
      result=$(floor_writes "$kind" "$port")
      record "floor-time-$kind" "${result% *}"
      record "floor-cpu-$kind" "${result#* }"
      no_objects
    done
  done
}

for section in $SECTIONS; do "section_$section"; done

# --- the table -----------------------------------------------------------------------------
samples() { for k in "${!SAMPLES[@]}"; do printf '"%s": [%s], ' "$k" "$(echo "${SAMPLES[$k]}" | sed 's/ $//; s/ /, /g')"; done; }
python3 - <<EOF
import statistics
samples = {$(samples)}
sizes = {"dev": ${SIZE_DEV:-0}, "release": ${SIZE_RELEASE:-0}, "dist": ${SIZE_DIST:-0},
         "go": ${SIZE_GO:-0}, "go stripped": ${SIZE_GO_STRIPPED:-0}}
fmt = lambda xs: f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"
print("kubebuilder $KUBEBUILDER_VERSION, controller-gen $CONTROLLER_GEN_VERSION, $(go env GOVERSION), $(rustc --version | cut -d' ' -f1-2)")
print("min / median / max over the rounds (seconds unless said); ratio of medians, ours / Go")
print()
print("| step | ours | Go | ratio |")
print("|---|---|---|---|")
def row(title, ours, go, anchor):
    if ours in samples and go in samples:
        a, b = samples[ours], samples[go]
        print(f"| {title} | {fmt(a)} | {fmt(b)} ({anchor}) | {statistics.median(a) / statistics.median(b):.2f} |")
row("scaffold (init + create api)", "scaffold-ours", "scaffold-go", "kubebuilder, no dependency steps")
row("manifests, no-op", "noop-ours", "noop-go", "controller-gen")
row("manifests after a one-line API edit", "edit-ours", "edit-go", "controller-gen")
row("first manifests (empty build caches)", "cold-ours", "cold-go", "controller-gen")
row("cold build, release (\`make build\`)", "cold-release-ours", "cold-build-go", "go build")
row("cold build, dist profile (image, installer)", "cold-dist-ours", "cold-build-go", "cold go build")
row("cold build, dev profile (\`make run\`)", "cold-dev-ours", "cold-build-go", "cold go build")
row("warm no-op build, release", "warm-release-ours", "warm-build-go", "go build")
row("release build after a one-line reconciler edit", "edit-release-ours", "edit-build-go", "go build")
row("dev build after a one-line reconciler edit", "edit-dev-ours", "edit-build2-go", "go build")
for count in [0] + [int(c) for c in "$COUNTS".split()]:
    what = "idle" if count == 0 else f"{count:,} objects cached"
    row(f"manager RSS, {what} (MiB)", f"rss-{count}-ours", f"rss-{count}-go", "manager")
    if count:
        row(f"time until {count:,} new objects are each reconciled once", f"reconcile-{count}-ours", f"reconcile-{count}-go", "manager")
        row(f"manager CPU seconds over those {count:,}", f"cpu-{count}-ours", f"cpu-{count}-go", "manager")
        row(f"kube-apiserver CPU seconds meanwhile", f"cpu-api-{count}-ours", f"cpu-api-{count}-go", "manager")
if "floor-time-apply" in samples:
    print()
    print(f"| one client, no manager: {$FLOOR_COUNT:,} status writes one at a time | time | kube-apiserver CPU seconds |")
    print("|---|---|---|")
    for kind, title in [("apply", "server-side apply (ours)"), ("update", "update of the whole object (Go's)")]:
        print(f"| {title} | {fmt(samples['floor-time-' + kind])} | {fmt(samples['floor-cpu-' + kind])} |")
if sizes["go"]:
    mib = lambda b: f"{b / 1048576:.1f} MiB"
    print()
    print("| binary | size | ratio to the stripped Go manager |")
    print("|---|---|---|")
    for name in ["dev", "release", "dist"]:
        print(f"| ours, {name} profile | {mib(sizes[name])} | {sizes[name] / sizes['go stripped']:.2f} |")
    print(f"| Go manager (go build) | {mib(sizes['go'])} | {sizes['go'] / sizes['go stripped']:.2f} |")
    print(f"| Go manager, stripped | {mib(sizes['go stripped'])} | 1.00 |")
EOF
