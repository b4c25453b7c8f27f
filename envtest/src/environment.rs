//! Starting, using and stopping one control plane.
//!
//! # Binaries
//! `kube-apiserver` and `etcd` are taken from `KUBEBUILDER_ASSETS` (controller-runtime's
//! variable), else from the cache that `cargo operator envtest use` fills
//! (`~/.cache/cargo-operator/envtest/k8s/<version>-<os>-<arch>`) or setup-envtest's store.
//! Without them [`EnvironmentBuilder::start`] fails with [`Error::BinariesNotFound`], whose
//! one-line message names `cargo operator envtest use`.
//!
//! # What is started
//! etcd (`--unsafe-no-fsync`, data in a temporary directory) and kube-apiserver on free
//! 127.0.0.1 ports, with the arguments controller-runtime's envtest uses:
//! `--authorization-mode=RBAC`, a client CA and an admin client certificate
//! (`O=system:masters`), a service-account key pair and issuer, `--allow-privileged`,
//! `--disable-admission-plugins=ServiceAccount`, `--service-cluster-ip-range=10.0.0.0/24`.
//! Start waits for `/readyz` and for the `default` namespace (timeout 60 s, or
//! `KUBEBUILDER_CONTROLPLANE_START_TIMEOUT`, e.g. `90s`).
//!
//! # One control plane per test
//! Measured on the project's 2-core machine (kube-apiserver v1.35.4, etcd v3.6.6 built from Go
//! modules): start to ready, one CRD included, takes about 2.5 s; two starting at once take
//! about 4.6 s each; tear-down is immediate (SIGKILL, nothing persists). That is cheap enough
//! to give every test its own environment, which we chose: tests stay independent (no shared
//! objects, no ordering, CRDs per test), run in parallel under cargo's test threads, and a
//! failing test cannot poison the others. A binary with very many envtest tests can still
//! share one behind a `OnceLock`; then build a client per test (with the `client` feature,
//! `Environment::client`: a kube `Client` is bound to the tokio runtime that built it, so
//! never keep one across `#[tokio::test]`s).
//!
//! # Tear-down
//! Dropping the [`Environment`] (also while a test panics) kills kube-apiserver, then etcd,
//! and removes the temporary directory. Children run in their own process group and, on
//! Linux, die with the test process even if it is killed without unwinding (SIGKILL); the
//! directory such a process leaves behind is removed by the next start.

use serde::Serialize;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::process::{self, Managed};
use crate::rest::Rest;
use crate::webhook::{LocalWebhooks, WebhookInstallOptions};
use crate::{assets, certs, documents};

/// True when running under CI (`CI` set to anything but `false`/`0`): a missing binary is
/// then a failure, never a skip.
pub fn is_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false" && v != "0")
        .unwrap_or(false)
}

/// Configures and starts an [`Environment`].
#[derive(Debug, Clone, Default)]
pub struct EnvironmentBuilder {
    assets: Option<PathBuf>,
    crd_paths: Vec<PathBuf>,
    crds: Vec<serde_json::Value>,
    start_timeout: Option<Duration>,
    apiserver_args: Vec<String>,
    etcd_args: Vec<String>,
    webhooks: Option<WebhookInstallOptions>,
}

impl EnvironmentBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The directory holding `kube-apiserver` and `etcd` (default: `KUBEBUILDER_ASSETS`,
    /// then the cache).
    pub fn binary_assets_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.assets = Some(dir.into());
        self
    }

    /// Files or directories of CRD YAML (multi-document, `.yaml`/`.yml`/`.json`) to install
    /// at start; start returns once each CRD is Established and served. A missing path is an
    /// error.
    pub fn crd_paths<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.crd_paths.extend(paths.into_iter().map(Into::into));
        self
    }

    /// CRD objects to install at start, e.g. `MyKind::crd()` (anything that serializes to a
    /// CustomResourceDefinition).
    pub fn crds<T: Serialize>(mut self, crds: impl IntoIterator<Item = T>) -> Self {
        self.crds.extend(
            crds.into_iter()
                .map(|crd| serde_json::to_value(crd).expect("a CRD serializes to JSON")),
        );
        self
    }

    /// How long to wait for `/readyz` (default 60 s or `KUBEBUILDER_CONTROLPLANE_START_TIMEOUT`).
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = Some(timeout);
        self
    }

    /// An extra kube-apiserver flag, e.g. `--feature-gates=...`; it overrides a default of the
    /// same name.
    pub fn apiserver_arg(mut self, arg: impl Into<String>) -> Self {
        self.apiserver_args.push(arg.into());
        self
    }

    /// An extra etcd flag; it overrides a default of the same name.
    pub fn etcd_arg(mut self, arg: impl Into<String>) -> Self {
        self.etcd_args.push(arg.into());
        self
    }

    /// Admission webhook configurations to install at start, rewritten to call a local server
    /// (see [`crate::webhook`]); the conversion webhooks of the CRDs installed at start are
    /// pointed there too. [`Environment::webhooks`] then says where to serve them.
    pub fn webhooks(mut self, options: WebhookInstallOptions) -> Self {
        self.webhooks = Some(options);
        self
    }

    /// Starts etcd and kube-apiserver, waits until ready, installs the CRDs. Blocks (a few
    /// seconds).
    pub fn start(self) -> Result<Environment, Error> {
        let assets = match &self.assets {
            Some(dir) if assets::holds(dir, &assets::CONTROL_PLANE_BINARIES) => dir.clone(),
            Some(dir) => {
                return Err(Error::BinariesNotFound(format!(
                    "envtest: {} does not hold kube-apiserver and etcd; run `{}`",
                    dir.display(),
                    assets::USE_COMMAND
                )));
            }
            None => assets::find_control_plane()
                .ok_or_else(|| Error::BinariesNotFound(assets::not_found_message()))?,
        };
        let mut crds = self.crds.clone();
        for path in &self.crd_paths {
            crds.extend(read_crds(path)?);
        }
        let timeout = self.start_timeout.unwrap_or_else(timeout_from_env);
        let started = Instant::now();
        let mut last_error = None;
        // Free ports are picked by binding and releasing them; another process can take one in
        // between, so a start that fails on a busy port is retried with new ports.
        for _attempt in 0..3 {
            match start_once(&assets, &self, timeout, started) {
                Ok(mut env) => {
                    if let Some(options) = &self.webhooks {
                        env.install_webhooks(options)?;
                    }
                    if !crds.is_empty() {
                        env.install_crds(crds)?;
                    }
                    env.startup = started.elapsed();
                    return Ok(env);
                }
                Err((error, port_conflict)) => {
                    if !port_conflict {
                        return Err(error);
                    }
                    last_error = Some(error);
                }
            }
        }
        Err(last_error.expect("at least one attempt"))
    }

    /// [`start`](Self::start) for tests: `None` (after one line on stderr) when the binaries
    /// are missing, unless `CI=true`, where that panics like every other start failure.
    pub fn start_or_skip(self) -> Option<Environment> {
        match self.start() {
            Ok(env) => Some(env),
            Err(Error::BinariesNotFound(message)) if !is_ci() => {
                eprintln!("skipped: {message}");
                None
            }
            Err(error) => panic!("{error}"),
        }
    }
}

fn timeout_from_env() -> Duration {
    let default = Duration::from_secs(60);
    let Ok(value) = std::env::var("KUBEBUILDER_CONTROLPLANE_START_TIMEOUT") else {
        return default;
    };
    let value = value.trim();
    let (number, scale) = if let Some(ms) = value.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(m) = value.strip_suffix('m') {
        (m, 60.0)
    } else {
        (value.strip_suffix('s').unwrap_or(value), 1.0)
    };
    number
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n > 0.0)
        .map(|n| Duration::from_secs_f64(n * scale))
        .unwrap_or(default)
}

/// Merges `extra` flags over `defaults`: a flag given in `extra` replaces the default of the
/// same name.
fn merge_args(defaults: Vec<String>, extra: &[String]) -> Vec<String> {
    let flag = |arg: &str| arg.split('=').next().unwrap_or(arg).to_string();
    let overridden: Vec<String> = extra.iter().map(|a| flag(a)).collect();
    defaults
        .into_iter()
        .filter(|arg| !overridden.contains(&flag(arg)))
        .chain(extra.iter().cloned())
        .collect()
}

type Attempt = Result<Environment, (Error, bool)>;

fn start_once(
    assets: &Path,
    builder: &EnvironmentBuilder,
    timeout: Duration,
    started: Instant,
) -> Attempt {
    let fatal = |e: Error| (e, false);
    let io = |what: &str| {
        let what = what.to_string();
        move |e: std::io::Error| (Error::Io(what, e), false)
    };
    remove_stale_dirs();
    let dir = tempfile::Builder::new()
        .prefix(DIR_PREFIX)
        .tempdir()
        .map_err(io("creating the temporary directory"))?;
    std::fs::write(dir.path().join(OWNER_FILE), std::process::id().to_string())
        .map_err(io("writing the owner file"))?;
    let pki = certs::generate(dir.path()).map_err(fatal)?;

    let etcd_client = process::free_port().map_err(io("finding a free port"))?;
    let etcd_peer = process::free_port().map_err(io("finding a free port"))?;
    let secure_port = process::free_port().map_err(io("finding a free port"))?;
    let etcd_url = format!("http://127.0.0.1:{etcd_client}");
    let peer_url = format!("http://127.0.0.1:{etcd_peer}");
    let server = format!("https://127.0.0.1:{secure_port}");

    let etcd_args = merge_args(
        vec![
            "--name=envtest".into(),
            format!("--data-dir={}", dir.path().join("etcd").display()),
            format!("--listen-client-urls={etcd_url}"),
            format!("--advertise-client-urls={etcd_url}"),
            format!("--listen-peer-urls={peer_url}"),
            format!("--initial-advertise-peer-urls={peer_url}"),
            format!("--initial-cluster=envtest={peer_url}"),
            "--unsafe-no-fsync=true".into(),
            "--log-level=warn".into(),
        ],
        &builder.etcd_args,
    );
    let mut etcd = Managed::start(
        "etcd",
        &assets.join("etcd"),
        &etcd_args,
        dir.path().join("etcd.log"),
    )
    .map_err(io("starting etcd"))?;
    wait_for_etcd(&mut etcd, etcd_client, started, timeout)?;

    let apiserver_args = merge_args(
        vec![
            "--advertise-address=127.0.0.1".into(),
            "--bind-address=127.0.0.1".into(),
            format!("--secure-port={secure_port}"),
            format!("--etcd-servers={etcd_url}"),
            format!("--cert-dir={}", dir.path().display()),
            format!("--tls-cert-file={}", pki.serving_cert.display()),
            format!("--tls-private-key-file={}", pki.serving_key.display()),
            format!("--client-ca-file={}", pki.ca_cert.display()),
            "--authorization-mode=RBAC".into(),
            "--service-cluster-ip-range=10.0.0.0/24".into(),
            "--allow-privileged=true".into(),
            "--disable-admission-plugins=ServiceAccount".into(),
            format!("--service-account-issuer={server}"),
            format!("--service-account-key-file={}", pki.sa_public.display()),
            format!(
                "--service-account-signing-key-file={}",
                pki.sa_private.display()
            ),
            "--enable-priority-and-fairness=false".into(),
        ],
        &builder.apiserver_args,
    );
    let apiserver = Managed::start(
        "kube-apiserver",
        &assets.join("kube-apiserver"),
        &apiserver_args,
        dir.path().join("kube-apiserver.log"),
    )
    .map_err(io("starting kube-apiserver"))?;

    let rest = Rest::new(
        secure_port,
        &pki.ca_der,
        &pki.admin_cert_der,
        &pki.admin_key_der,
    )
    .map_err(io("configuring TLS"))?;
    let kubeconfig = dir.path().join("kubeconfig");
    let mut env = Environment {
        apiserver,
        etcd,
        pki,
        server,
        rest,
        assets: assets.to_path_buf(),
        kubeconfig,
        startup: Duration::ZERO,
        webhooks: None,
        dir,
    };
    env.write_kubeconfig(&env.kubeconfig.clone())
        .map_err(io("writing the kubeconfig"))?;
    env.wait_until_ready(started, timeout)?;
    Ok(env)
}

const DIR_PREFIX: &str = "cargo-operator-envtest-";
const OWNER_FILE: &str = "owner.pid";

/// Removes the directories of environments whose process died without unwinding (SIGKILL):
/// their processes are already gone (parent-death signal), only the files remain.
fn remove_stale_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(DIR_PREFIX) {
            continue;
        }
        let Ok(owner) = std::fs::read_to_string(entry.path().join(OWNER_FILE)) else {
            continue;
        };
        let Ok(pid) = owner.trim().parse::<u32>() else {
            continue;
        };
        if !process_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

fn wait_for_etcd(
    etcd: &mut Managed,
    port: u16,
    started: Instant,
    timeout: Duration,
) -> Result<(), (Error, bool)> {
    loop {
        if let Some(status) = etcd.exited() {
            let tail = etcd.log_tail(15);
            let conflict = tail.contains("address already in use");
            return Err((
                Error::Start(format!("etcd exited ({status}) during start:\n{tail}")),
                conflict,
            ));
        }
        if etcd_healthy(port) {
            return Ok(());
        }
        if started.elapsed() > timeout {
            return Err((
                Error::Start(format!(
                    "etcd not healthy after {timeout:?}:\n{}",
                    etcd.log_tail(15)
                )),
                false,
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `GET /health` on etcd's client port, over a plain socket (etcd speaks HTTP/1.1 there).
fn etcd_healthy(port: u16) -> bool {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200))
    else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.contains("\"health\":\"true\"")
}

/// A running control plane. Dropping it kills the processes and removes its directory.
#[derive(Debug)]
pub struct Environment {
    // Fields drop in order: the API server before etcd, the directory last.
    apiserver: Managed,
    etcd: Managed,
    pub(crate) pki: certs::Pki,
    pub(crate) server: String,
    rest: Rest,
    assets: PathBuf,
    kubeconfig: PathBuf,
    startup: Duration,
    webhooks: Option<LocalWebhooks>,
    dir: tempfile::TempDir,
}

impl Environment {
    /// Shorthand for `EnvironmentBuilder::new()`.
    pub fn builder() -> EnvironmentBuilder {
        EnvironmentBuilder::new()
    }

    /// The API server's URL, `https://127.0.0.1:<port>`.
    pub fn server_url(&self) -> &str {
        &self.server
    }

    /// The directory the binaries came from.
    pub fn assets_dir(&self) -> &Path {
        &self.assets
    }

    /// The environment's private directory (certificates, logs, etcd data).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The path of the CA certificate that signed the server and client certificates.
    pub fn ca_cert_path(&self) -> &Path {
        &self.pki.ca_cert
    }

    /// Time from [`EnvironmentBuilder::start`] until ready (CRDs included).
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// The path of a kubeconfig for the admin user (`system:masters`), written at start into
    /// the environment's directory. It refers to certificate files in that directory, so it
    /// is valid while the environment runs.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// Writes the admin kubeconfig to `path` (see [`kubeconfig`](Self::kubeconfig)).
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        let kubeconfig = serde_json::json!({
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{
                "name": "envtest",
                "cluster": {
                    "server": self.server,
                    "certificate-authority": self.pki.ca_cert.display().to_string(),
                },
            }],
            "users": [{
                "name": "envtest-admin",
                "user": {
                    "client-certificate": self.pki.admin_cert.display().to_string(),
                    "client-key": self.pki.admin_key.display().to_string(),
                },
            }],
            "contexts": [{
                "name": "envtest",
                "context": {"cluster": "envtest", "user": "envtest-admin", "namespace": "default"},
            }],
            "current-context": "envtest",
        });
        let yaml = serde_saphyr::to_string(&kubeconfig).map_err(std::io::Error::other)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, yaml)
    }

    /// The webhooks installed for a local server ([`EnvironmentBuilder::webhooks`] or
    /// [`install_webhooks`](Self::install_webhooks)): the port, certificate directory and
    /// operator flags to serve them with.
    pub fn webhooks(&self) -> Option<&LocalWebhooks> {
        self.webhooks.as_ref()
    }

    /// Installs admission webhook configurations rewritten to call a local server (see
    /// [`crate::webhook`]): writes the certificates, creates or replaces each configuration,
    /// and points the conversion webhook of every CRD already installed (and of those
    /// installed later) at the local server. Replaces webhooks installed before.
    pub fn install_webhooks(
        &mut self,
        options: &WebhookInstallOptions,
    ) -> Result<&LocalWebhooks, Error> {
        let webhooks = options.prepare(&self.dir.path().join("webhook-certs"))?;
        for configuration in webhooks.configurations() {
            let (collection, name) =
                crate::webhook::configuration_resource(configuration).map_err(Error::Webhook)?;
            self.create_or_replace(&collection, &name, configuration.clone())
                .map_err(Error::Webhook)?;
        }
        const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        let webhook_err = |e: std::io::Error| Error::Webhook(format!("listing CRDs: {e}"));
        let list = self.rest.get(CRDS).map_err(webhook_err)?.json();
        for mut crd in list["items"].as_array().cloned().unwrap_or_default() {
            if webhooks.rewrite_crd(&mut crd) {
                let name = crd["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let body = serde_json::to_vec(&crd).expect("JSON serializes");
                let answer = self
                    .rest
                    .request(
                        "PUT",
                        &format!("{CRDS}/{name}"),
                        Some("application/json"),
                        &body,
                    )
                    .map_err(|e| Error::Webhook(format!("{name}: {e}")))?;
                if !(200..300).contains(&answer.status) {
                    return Err(Error::Webhook(format!(
                        "pointing the conversion of {name} at the local server: {}",
                        refusal(&answer)
                    )));
                }
            }
        }
        Ok(self.webhooks.insert(webhooks))
    }

    /// Creates the object `name` in `collection`, or replaces the existing one.
    fn create_or_replace(
        &self,
        collection: &str,
        name: &str,
        mut object: serde_json::Value,
    ) -> Result<(), String> {
        let io = |e: std::io::Error| format!("{name}: {e}");
        if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            for key in [
                "resourceVersion",
                "uid",
                "managedFields",
                "creationTimestamp",
            ] {
                meta.remove(key);
            }
        }
        let existing = self.rest.get(&format!("{collection}/{name}")).map_err(io)?;
        let (method, path) = match existing.status {
            404 => ("POST", collection.to_string()),
            200 => {
                object["metadata"]["resourceVersion"] =
                    existing.json()["metadata"]["resourceVersion"].clone();
                ("PUT", format!("{collection}/{name}"))
            }
            _ => return Err(format!("{name}: {}", refusal(&existing))),
        };
        let body = serde_json::to_vec(&object).expect("JSON serializes");
        let answer = self
            .rest
            .request(method, &path, Some("application/json"), &body)
            .map_err(io)?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(format!(
                "{} {name}: the API server refused it: {}",
                object["kind"].as_str().unwrap_or("object"),
                refusal(&answer)
            ))
        }
    }

    /// Installs CRDs read from files or directories (see [`EnvironmentBuilder::crd_paths`]).
    pub fn install_crd_paths<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Vec<String>, Error> {
        let mut crds = Vec::new();
        for path in paths {
            crds.extend(read_crds(path.as_ref())?);
        }
        self.install_crds(crds)
    }

    /// Installs (server-side applies) CRDs and waits until each is Established and its
    /// resources are served. Returns their names. With [webhooks](Self::webhooks) installed,
    /// a CRD's conversion webhook is pointed at the local server.
    pub fn install_crds<T: Serialize>(
        &self,
        crds: impl IntoIterator<Item = T>,
    ) -> Result<Vec<String>, Error> {
        const BASE: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        let crd_err = |name: &str, e: std::io::Error| Error::Crd(format!("{name}: {e}"));
        let mut installed = Vec::new();
        for crd in crds {
            let mut crd = serde_json::to_value(crd).expect("a CRD serializes to JSON");
            if let Some(object) = crd.as_object_mut() {
                object.remove("status");
            }
            if let Some(webhooks) = &self.webhooks {
                webhooks.rewrite_crd(&mut crd);
            }
            if let Some(meta) = crd.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                for key in [
                    "resourceVersion",
                    "uid",
                    "managedFields",
                    "creationTimestamp",
                ] {
                    meta.remove(key);
                }
            }
            let name = crd["metadata"]["name"]
                .as_str()
                .ok_or_else(|| Error::Crd("a CRD without metadata.name".into()))?
                .to_string();
            let body = serde_json::to_vec(&crd).expect("JSON serializes");
            let answer = self
                .rest
                .apply(&format!("{BASE}/{name}"), "cargo-operator-envtest", &body)
                .map_err(|e| crd_err(&name, e))?;
            if !(200..300).contains(&answer.status) {
                return Err(Error::Crd(format!(
                    "{name}: the API server refused it ({}): {}",
                    answer.status,
                    answer.json()["message"].as_str().unwrap_or(&answer.text())
                )));
            }
            installed.push((name, crd));
        }
        let deadline = Duration::from_secs(30);
        for (name, crd) in &installed {
            let start = Instant::now();
            loop {
                let answer = self
                    .rest
                    .get(&format!("{BASE}/{name}"))
                    .map_err(|e| crd_err(name, e))?;
                let established = answer.json()["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Established" && c["status"] == "True");
                if established {
                    break;
                }
                if start.elapsed() > deadline {
                    return Err(Error::Crd(format!(
                        "{name} not Established after {deadline:?}"
                    )));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let group = crd["spec"]["group"].as_str().unwrap_or_default();
            let plural = crd["spec"]["names"]["plural"].as_str().unwrap_or_default();
            for version in crd["spec"]["versions"].as_array().into_iter().flatten() {
                if version["served"] != true {
                    continue;
                }
                let version = version["name"].as_str().unwrap_or_default();
                let path = format!("/apis/{group}/{version}/{plural}?limit=1");
                loop {
                    let status = self.rest.get(&path).map(|a| a.status).unwrap_or(0);
                    if status == 200 {
                        break;
                    }
                    if start.elapsed() > deadline {
                        return Err(Error::Crd(format!(
                            "{name} version {version} not served after {deadline:?} (last status {status})"
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
        Ok(installed.into_iter().map(|(name, _)| name).collect())
    }

    fn wait_until_ready(
        &mut self,
        started: Instant,
        timeout: Duration,
    ) -> Result<(), (Error, bool)> {
        let mut last = String::from("no answer yet");
        let mut ready = false;
        loop {
            if let Some(status) = self.apiserver.exited() {
                let tail = self.apiserver.log_tail(20);
                let conflict = tail.contains("address already in use");
                return Err((
                    Error::Start(format!(
                        "kube-apiserver exited ({status}) during start:\n{tail}"
                    )),
                    conflict,
                ));
            }
            if let Some(status) = self.etcd.exited() {
                return Err((
                    Error::Start(format!(
                        "etcd exited ({status}) during start:\n{}",
                        self.etcd.log_tail(15)
                    )),
                    false,
                ));
            }
            if !ready {
                match self.rest.get("/readyz") {
                    Ok(answer) if answer.status == 200 && answer.text().trim() == "ok" => {
                        ready = true
                    }
                    Ok(answer) => last = answer.text(),
                    Err(e) => last = e.to_string(),
                }
            }
            if ready {
                // /readyz does not cover the `default` namespace, which a controller creates
                // just after; tests expect it.
                match self.rest.get("/api/v1/namespaces/default") {
                    Ok(answer) if answer.status == 200 => return Ok(()),
                    Ok(_) => last = "namespace default not created yet".into(),
                    Err(e) => last = e.to_string(),
                }
            }
            if started.elapsed() > timeout {
                return Err((
                    Error::Start(format!(
                        "kube-apiserver not ready after {timeout:?} (last answer: {last}); \
                         its log ends with:\n{}",
                        self.apiserver.log_tail(20)
                    )),
                    false,
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Process ids of kube-apiserver and etcd (for diagnostics and tear-down tests).
    pub fn pids(&self) -> Vec<u32> {
        [self.apiserver.pid(), self.etcd.pid()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// The last lines of the API server's log.
    pub fn apiserver_log_tail(&self, lines: usize) -> String {
        self.apiserver.log_tail(lines)
    }

    /// The name of the process that has exited on its own, if one has (for
    /// `cargo operator envtest up`, which polls it between signals).
    pub fn exited(&mut self) -> Option<&'static str> {
        if self.apiserver.exited().is_some() {
            return Some(self.apiserver.name);
        }
        if self.etcd.exited().is_some() {
            return Some(self.etcd.name);
        }
        None
    }

    /// Stops the control plane and removes its directory (what drop does, made explicit).
    pub fn stop(mut self) {
        self.apiserver.stop();
        self.etcd.stop();
    }
}

impl Drop for Environment {
    fn drop(&mut self) {
        self.apiserver.stop();
        self.etcd.stop();
    }
}

/// The API server's reason for refusing a request: its status and `Status` message.
fn refusal(answer: &crate::rest::Response) -> String {
    let message = answer.json()["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| answer.text());
    format!("{} {message}", answer.status)
}

/// Reads every CustomResourceDefinition in a YAML/JSON file, or in the `.yaml`, `.yml` and
/// `.json` files directly inside a directory (sorted by name), as JSON. Other kinds are
/// ignored.
pub fn read_crds(path: impl AsRef<Path>) -> Result<Vec<serde_json::Value>, Error> {
    let documents = documents::read(path.as_ref()).map_err(|e| e.into_error(Error::Crd))?;
    let mut crds = Vec::new();
    for value in documents {
        documents::collect(value, &["CustomResourceDefinition"], &mut crds);
    }
    Ok(crds)
}
