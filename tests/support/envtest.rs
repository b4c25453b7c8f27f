//! Helpers of the tests that run against envtest (a real kube-apiserver + etcd): applying YAML,
//! running an operator process with its logs captured, and plain HTTP probes.

use cargo_operator_runtime::kube::api::{Api, DynamicObject, Patch, PatchParams};
use cargo_operator_runtime::kube::core::GroupVersionKind;
use cargo_operator_runtime::kube::discovery::{self, Scope};
use cargo_operator_runtime::kube::{self, Client};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Every document of a (multi-document) YAML text, as JSON values; empty documents skipped.
pub fn yaml_documents(text: &str) -> Vec<serde_json::Value> {
    serde_saphyr::from_multiple::<serde_json::Value>(text)
        .unwrap()
        .into_iter()
        .filter(|value| !value.is_null())
        .collect()
}

/// A namespaced CRD (`fixtures.snapshots.example.com`, kind `Fixture`, one version `v1`) whose
/// `spec` has the schema `spec`: how a test puts a schema of its own on the API server.
pub fn wrap_spec_schema(spec: Value) -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "fixtures.snapshots.example.com"},
        "spec": {
            "group": "snapshots.example.com",
            "names": {"kind": "Fixture", "listKind": "FixtureList", "plural": "fixtures", "singular": "fixture"},
            "scope": "Namespaced",
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "apiVersion": {"type": "string"},
                        "kind": {"type": "string"},
                        "metadata": {"type": "object"},
                        "spec": spec,
                    },
                    "required": ["spec"],
                }},
            }],
        },
    })
}

/// The dynamic API of `kind` in `api_version` (found by discovery), in `namespace` when the
/// kind is namespaced.
pub async fn dynamic_api(
    client: &Client,
    api_version: &str,
    kind: &str,
    namespace: &str,
) -> kube::Result<Api<DynamicObject>> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let (resource, capabilities) = discovery::pinned_kind(client, &gvk).await?;
    Ok(match capabilities.scope {
        Scope::Cluster => Api::all_with(client.clone(), &resource),
        Scope::Namespaced => Api::namespaced_with(client.clone(), namespace, &resource),
    })
}

/// Server-side applies `object` (any kind the server knows), in `default_namespace` when it is
/// namespaced and names none.
pub async fn apply(
    client: &Client,
    object: &serde_json::Value,
    default_namespace: &str,
) -> kube::Result<DynamicObject> {
    let object: DynamicObject = serde_json::from_value(object.clone()).unwrap();
    let types = object.types.clone().expect("apiVersion and kind");
    let namespace = object.metadata.namespace.as_deref();
    let api = dynamic_api(
        client,
        &types.api_version,
        &types.kind,
        namespace.unwrap_or(default_namespace),
    )
    .await?;
    let name = object.metadata.name.clone().unwrap();
    let params = PatchParams::apply("cargo-operator-tests").force();
    api.patch(&name, &params, &Patch::Apply(&object)).await
}

/// A free TCP port on 127.0.0.1 (bound and released; good enough for a test).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET http://<addr><path>` over HTTP/1.0: the status code and body.
pub fn http_get(addr: &str, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:?}")))?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// A child process whose stdout and stderr are collected line by line (stderr lines prefixed
/// `E `); killed on drop if it still runs.
pub struct Process {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Process {
    pub fn spawn(command: &mut Command) -> Self {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        collect(stdout, "", log.clone());
        collect(stderr, "E ", log.clone());
        Process { child, log }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Everything it printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().unwrap()
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit status (`None`: still running).
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn collect(stream: impl Read + Send + 'static, prefix: &'static str, log: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            log.lock().unwrap().push(format!("{prefix}{line}"));
        }
    });
}

/// `kubectl`: the one beside the envtest binaries, else the one on PATH.
pub fn kubectl(assets: &Path) -> Command {
    let beside = assets.join("kubectl");
    Command::new(if beside.exists() {
        beside
    } else {
        "kubectl".into()
    })
}
