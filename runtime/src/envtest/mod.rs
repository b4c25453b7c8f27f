//! A real Kubernetes control plane — kube-apiserver backed by etcd — on loopback, for
//! controller tests. The Rust analogue of controller-runtime's envtest, without Go or cgo in
//! your build: only the two binaries are needed at run time.
//!
//! ```no_run
//! use cargo_operator_runtime::envtest::EnvironmentBuilder;
//!
//! # async fn example() {
//! // Skips (one line on stderr) when the binaries are missing; panics instead when CI=true.
//! let Some(env) = EnvironmentBuilder::new()
//!     .crd_paths(["config/crd/bases"])
//!     .start_or_skip()
//!     .await
//! else {
//!     return;
//! };
//! let admin = env.client().unwrap(); // system:masters
//! let operator = env.service_account_client("system", "guestbook-operator").unwrap();
//! # let _ = (admin, operator);
//! // Everything stops and the temporary directory is removed when `env` is dropped.
//! # }
//! ```
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
//! share one by starting it on a dedicated thread and runtime behind a `OnceLock`; then call
//! [`Environment::client`] in each test (a kube `Client` is bound to the tokio runtime that
//! built it, so never keep one across `#[tokio::test]`s).
//!
//! # Tear-down
//! Dropping the [`Environment`] (also while a test panics) kills kube-apiserver, then etcd,
//! and removes the temporary directory. Children run in their own process group and, on
//! Linux, die with the test process even if it is killed without unwinding (SIGKILL); the
//! directory such a process leaves behind is removed by the next start.

pub mod assets;
mod certs;
mod process;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, ApiResource, DynamicObject, ListParams, Patch, PatchParams};
use kube::config::{
    AuthInfo, Cluster, Context, Kubeconfig, NamedAuthInfo, NamedCluster, NamedContext,
};
use kube::{Client, Config};
use process::Managed;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use assets::DEFAULT_KUBERNETES_VERSION;

/// Why an environment could not be started or used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No kube-apiserver/etcd binaries: the message is one line naming
    /// `cargo operator envtest use`.
    #[error("{0}")]
    BinariesNotFound(String),
    #[error("envtest: generating certificates: {0}")]
    Pki(String),
    #[error("envtest: {0}: {1}")]
    Io(String, #[source] std::io::Error),
    /// A process exited or did not become ready; the message holds the end of its log.
    #[error("envtest: {0}")]
    Start(String),
    #[error("envtest: installing CRDs: {0}")]
    Crd(String),
    #[error("envtest: {0}")]
    Kube(#[from] kube::Error),
}

/// True when running under CI (`CI` set to anything but `false`/`0`): a missing binary is
/// then a failure, never a skip.
pub fn is_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false" && v != "0")
        .unwrap_or(false)
}

/// Configures and starts an [`Environment`].
#[derive(Debug, Clone)]
pub struct EnvironmentBuilder {
    assets: Option<PathBuf>,
    crd_paths: Vec<PathBuf>,
    crds: Vec<CustomResourceDefinition>,
    start_timeout: Option<Duration>,
    apiserver_args: Vec<String>,
    etcd_args: Vec<String>,
}

impl Default for EnvironmentBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvironmentBuilder {
    pub fn new() -> Self {
        Self {
            assets: None,
            crd_paths: Vec::new(),
            crds: Vec::new(),
            start_timeout: None,
            apiserver_args: Vec::new(),
            etcd_args: Vec::new(),
        }
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

    /// CRD objects to install at start, e.g. `MyKind::crd()`.
    pub fn crds(mut self, crds: impl IntoIterator<Item = CustomResourceDefinition>) -> Self {
        self.crds.extend(crds);
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

    /// Starts etcd and kube-apiserver, waits until ready, installs the CRDs.
    pub async fn start(self) -> Result<Environment, Error> {
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
        let timeout = self.start_timeout.unwrap_or_else(timeout_from_env);
        let started = Instant::now();
        let mut last_error = None;
        // Free ports are picked by binding and releasing them; another process can take one in
        // between, so a start that fails on a busy port is retried with new ports.
        for _attempt in 0..3 {
            match start_once(&assets, &self, timeout, started).await {
                Ok(env) => {
                    let mut env = env;
                    let mut crds = self.crds.clone();
                    for path in &self.crd_paths {
                        crds.extend(read_crds(path)?);
                    }
                    if !crds.is_empty() {
                        env.install_crds(crds).await?;
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
    pub async fn start_or_skip(self) -> Option<Environment> {
        match self.start().await {
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

async fn start_once(
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
    wait_for_etcd(&mut etcd, etcd_client, started, timeout).await?;

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

    let kubeconfig = dir.path().join("kubeconfig");
    let mut env = Environment {
        apiserver,
        etcd,
        pki,
        server,
        assets: assets.to_path_buf(),
        kubeconfig,
        startup: Duration::ZERO,
        dir,
    };
    env.write_kubeconfig(&env.kubeconfig.clone())
        .map_err(io("writing the kubeconfig"))?;
    env.wait_until_ready(started, timeout).await?;
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

async fn wait_for_etcd(
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
        tokio::time::sleep(Duration::from_millis(50)).await;
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
    pki: certs::Pki,
    server: String,
    assets: PathBuf,
    kubeconfig: PathBuf,
    startup: Duration,
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
        let yaml =
            serde_yaml::to_string(&self.kubeconfig_object()).map_err(std::io::Error::other)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, yaml)
    }

    fn kubeconfig_object(&self) -> Kubeconfig {
        Kubeconfig {
            api_version: Some("v1".into()),
            kind: Some("Config".into()),
            clusters: vec![NamedCluster {
                name: "envtest".into(),
                cluster: Some(Cluster {
                    server: Some(self.server.clone()),
                    certificate_authority: Some(self.pki.ca_cert.display().to_string()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            auth_infos: vec![NamedAuthInfo {
                name: "envtest-admin".into(),
                auth_info: Some(self.admin_auth()),
                ..Default::default()
            }],
            contexts: vec![NamedContext {
                name: "envtest".into(),
                context: Some(Context {
                    cluster: "envtest".into(),
                    user: Some("envtest-admin".into()),
                    namespace: Some("default".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            current_context: Some("envtest".into()),
            ..Default::default()
        }
    }

    fn admin_auth(&self) -> AuthInfo {
        AuthInfo {
            client_certificate: Some(self.pki.admin_cert.display().to_string()),
            client_key: Some(self.pki.admin_key.display().to_string()),
            ..Default::default()
        }
    }

    /// A client configuration for the admin user (`system:masters`).
    pub fn config(&self) -> Config {
        let mut config = Config::new(self.server.parse().expect("a valid server URL"));
        config.root_cert = Some(vec![self.pki.ca_der.clone()]);
        config.auth_info = self.admin_auth();
        config
    }

    /// A new admin client (`system:masters`). Build one per tokio runtime: a client is bound to
    /// the runtime that created it.
    pub fn client(&self) -> Result<Client, Error> {
        Ok(Client::try_from(self.config())?)
    }

    /// A client that acts as `user` in `groups` (Kubernetes impersonation from the admin), so
    /// its requests are authorized by RBAC for that identity only.
    pub fn impersonating_client(&self, user: &str, groups: &[&str]) -> Result<Client, Error> {
        let mut config = self.config();
        config.auth_info.impersonate = Some(user.to_string());
        if !groups.is_empty() {
            config.auth_info.impersonate_groups =
                Some(groups.iter().map(|g| g.to_string()).collect());
        }
        Ok(Client::try_from(config)?)
    }

    /// A client that acts as the ServiceAccount `namespace/name`, with the groups the API
    /// server gives a real ServiceAccount token: it has exactly the permissions that RBAC
    /// grants that ServiceAccount (e.g. the operator's generated ClusterRole via its binding).
    pub fn service_account_client(&self, namespace: &str, name: &str) -> Result<Client, Error> {
        let user = format!("system:serviceaccount:{namespace}:{name}");
        let ns_group = format!("system:serviceaccounts:{namespace}");
        self.impersonating_client(
            &user,
            &["system:serviceaccounts", &ns_group, "system:authenticated"],
        )
    }

    /// Installs CRDs read from files or directories (see [`EnvironmentBuilder::crd_paths`]).
    pub async fn install_crd_paths<P: AsRef<Path>>(
        &self,
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Vec<String>, Error> {
        let mut crds = Vec::new();
        for path in paths {
            crds.extend(read_crds(path.as_ref())?);
        }
        self.install_crds(crds).await
    }

    /// Installs (server-side applies) CRDs and waits until each is Established and its
    /// resources are served. Returns their names.
    pub async fn install_crds(
        &self,
        crds: impl IntoIterator<Item = CustomResourceDefinition>,
    ) -> Result<Vec<String>, Error> {
        let client = self.client()?;
        let api: Api<CustomResourceDefinition> = Api::all(client.clone());
        let params = PatchParams::apply("cargo-operator-envtest").force();
        let mut installed = Vec::new();
        for mut crd in crds {
            crd.status = None;
            crd.metadata.resource_version = None;
            crd.metadata.uid = None;
            crd.metadata.managed_fields = None;
            crd.metadata.creation_timestamp = None;
            let name = crd
                .metadata
                .name
                .clone()
                .ok_or_else(|| Error::Crd("a CRD without metadata.name".into()))?;
            api.patch(&name, &params, &Patch::Apply(&crd))
                .await
                .map_err(|e| Error::Crd(format!("{name}: {e}")))?;
            installed.push(crd);
        }
        let deadline = Duration::from_secs(30);
        for crd in &installed {
            let name = crd.metadata.name.clone().unwrap_or_default();
            let established = kube::runtime::wait::await_condition(
                api.clone(),
                &name,
                kube::runtime::wait::conditions::is_crd_established(),
            );
            match tokio::time::timeout(deadline, established).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(Error::Crd(format!("{name}: {e}"))),
                Err(_) => {
                    return Err(Error::Crd(format!(
                        "{name} not Established after {deadline:?}"
                    )));
                }
            }
            for version in crd.spec.versions.iter().filter(|v| v.served) {
                let resource = ApiResource {
                    group: crd.spec.group.clone(),
                    version: version.name.clone(),
                    api_version: format!("{}/{}", crd.spec.group, version.name),
                    kind: crd.spec.names.kind.clone(),
                    plural: crd.spec.names.plural.clone(),
                };
                let objects: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
                let start = Instant::now();
                while let Err(e) = objects.list(&ListParams::default().limit(1)).await {
                    if start.elapsed() > deadline {
                        return Err(Error::Crd(format!(
                            "{name} version {} not served after {deadline:?}: {e}",
                            version.name
                        )));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        Ok(installed
            .into_iter()
            .filter_map(|crd| crd.metadata.name)
            .collect())
    }

    async fn wait_until_ready(
        &mut self,
        started: Instant,
        timeout: Duration,
    ) -> Result<(), (Error, bool)> {
        let client = self.client().map_err(|e| (e, false))?;
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
                let request = http::Request::get("/readyz")
                    .body(Vec::new())
                    .expect("a valid request");
                match client.request_text(request).await {
                    Ok(body) if body.trim() == "ok" => ready = true,
                    Ok(body) => last = body,
                    Err(e) => last = e.to_string(),
                }
            }
            if ready {
                // /readyz does not cover the `default` namespace, which a controller creates
                // just after; tests expect it.
                let namespaces: Api<Namespace> = Api::all(client.clone());
                match namespaces.get_opt("default").await {
                    Ok(Some(_)) => return Ok(()),
                    Ok(None) => last = "namespace default not created yet".into(),
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
            tokio::time::sleep(Duration::from_millis(100)).await;
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

    /// Waits until kube-apiserver or etcd exits on its own (for `cargo operator envtest up`);
    /// returns the name of the process that stopped.
    pub async fn wait_for_exit(&mut self) -> &'static str {
        loop {
            if self.apiserver.exited().is_some() {
                return self.apiserver.name;
            }
            if self.etcd.exited().is_some() {
                return self.etcd.name;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
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

/// Reads every CustomResourceDefinition in a YAML/JSON file, or in the `.yaml`, `.yml` and
/// `.json` files directly inside a directory (sorted by name). Other kinds are ignored.
pub fn read_crds(path: impl AsRef<Path>) -> Result<Vec<CustomResourceDefinition>, Error> {
    let path = path.as_ref();
    let files = if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Error::Io(format!("reading {}", path.display()), e))?
            .flatten()
            .map(|entry| entry.path())
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml" | "json")
                    )
            })
            .collect();
        files.sort();
        files
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(Error::Crd(format!("{} does not exist", path.display())));
    };
    let mut crds = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::Io(format!("reading {}", file.display()), e))?;
        for document in serde_yaml::Deserializer::from_str(&text) {
            let value: serde_json::Value = serde::Deserialize::deserialize(document)
                .map_err(|e| Error::Crd(format!("{}: {e}", file.display())))?;
            collect_crds(value, &file, &mut crds)?;
        }
    }
    Ok(crds)
}

fn collect_crds(
    value: serde_json::Value,
    file: &Path,
    out: &mut Vec<CustomResourceDefinition>,
) -> Result<(), Error> {
    match value.get("kind").and_then(|k| k.as_str()) {
        Some("CustomResourceDefinition") => {
            let crd = serde_json::from_value(value)
                .map_err(|e| Error::Crd(format!("{}: {e}", file.display())))?;
            out.push(crd);
        }
        Some("List") => {
            if let Some(items) = value.get("items").and_then(|i| i.as_array()) {
                for item in items.clone() {
                    collect_crds(item, file, out)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}
