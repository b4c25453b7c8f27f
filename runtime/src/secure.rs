//! `--metrics-secure`: `/metrics` over HTTPS (rustls), every scrape authorized by the API
//! server ([`crate::authz`]) — kubebuilder's default metrics serving — and the TLS setup the
//! webhook server shares with it.
//!
//! The certificate comes from `--metrics-cert-dir` (`tls.crt`, `tls.key`, e.g. from
//! cert-manager) or, without it, is self-signed at start-up like controller-runtime does;
//! Prometheus then scrapes with `insecureSkipVerify` (see the generated ServiceMonitor).
//! Certificates read from files are watched like controller-runtime's `certwatcher`: see
//! [`CertWatcher`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use kube::Client;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tracing::{error, info};

use crate::authz::{Authorizer, require_authorization};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::options::ManagerOptions;
use crate::server;
use crate::shutdown::Shutdown;

/// How often, at most, [`CertWatcher`] looks at its files.
pub const CERT_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// Binds `addr` and spawns the HTTPS metrics server onto `servers`.
pub(crate) async fn spawn_secure_metrics(
    servers: &mut JoinSet<std::io::Result<()>>,
    addr: SocketAddr,
    options: &ManagerOptions,
    metrics: &Metrics,
    client: &Client,
    shutdown: Shutdown,
) -> Result<(), Error> {
    let tls = tls_config(options.metrics_cert_dir.as_deref())?;
    let listener = server::bind(addr, "metrics").await?;
    info!(address = %addr, certificate = %options.metrics_cert_dir.as_ref()
          .map_or("self-signed".to_string(), |d| d.display().to_string()),
          "serving metrics over HTTPS with authentication and authorization");
    let router =
        server::metrics_router(metrics.clone()).layer(axum::middleware::from_fn_with_state(
            Authorizer::new(client.clone()),
            require_authorization,
        ));
    servers.spawn(server::serve_tls(
        listener,
        TlsAcceptor::from(Arc::new(tls)),
        router,
        options.server_limits.clone(),
        shutdown.wait(),
    ));
    Ok(())
}

/// The server side of TLS with the certificate from `cert_dir` (`tls.crt` and `tls.key`,
/// reloaded when they change), or a self-signed one.
pub fn tls_config(cert_dir: Option<&Path>) -> Result<rustls::ServerConfig, Error> {
    let invalid = |message: String| Error::InvalidOption {
        option: "--metrics-cert-dir",
        message,
    };
    let resolver: Arc<dyn ResolvesServerCert> = match cert_dir {
        Some(dir) => {
            Arc::new(CertWatcher::new(dir.join("tls.crt"), dir.join("tls.key")).map_err(invalid)?)
        }
        None => {
            let (chain, key) = self_signed()
                .map_err(|e| invalid(format!("cannot generate a certificate: {e}")))?;
            let key = CertifiedKey::from_der(chain, key, &provider())
                .map_err(|e| invalid(format!("unusable certificate or key: {e}")))?;
            Arc::new(FixedCert(Arc::new(key)))
        }
    };
    server_config(resolver).map_err(|e| invalid(format!("cannot set up TLS: {e}")))
}

/// A TLS 1.2/1.3 server configuration (ring) that offers HTTP/1.1 and takes its certificate
/// from `resolver`.
pub fn server_config(
    resolver: Arc<dyn ResolvesServerCert>,
) -> Result<rustls::ServerConfig, rustls::Error> {
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(resolver);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

type Chain = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// A certificate for the names a scraper may use: the pod's host name and localhost.
fn self_signed() -> Result<Chain, rcgen::Error> {
    let mut names = vec!["localhost".to_string()];
    if let Ok(host) = std::env::var("HOSTNAME")
        && !host.is_empty()
    {
        names.push(host);
    }
    let certified = rcgen::generate_simple_self_signed(names)?;
    let key = PrivateKeyDer::try_from(certified.signing_key.serialize_der())
        .map_err(|_| rcgen::Error::CouldNotParseKeyPair)?;
    Ok((vec![certified.cert.der().clone()], key))
}

/// A certificate and key read from PEM files and read again when they change — what
/// cert-manager (or the kubelet updating a Secret volume) does when it rotates them — without
/// restarting the server; controller-runtime's `certwatcher`.
///
/// At most once per [`CERT_RELOAD_INTERVAL`], a TLS handshake looks at the files' modification
/// times; when either changed, both are read again. A new pair that does not load (a broken
/// file, a key that does not match the certificate, a half-written update) is logged as an
/// error and the previous certificate stays in use.
#[derive(Debug)]
pub struct CertWatcher {
    cert_path: PathBuf,
    key_path: PathBuf,
    state: Mutex<WatchState>,
}

#[derive(Debug)]
struct WatchState {
    current: Arc<CertifiedKey>,
    /// What the files looked like when last read.
    stamp: Option<(FileStamp, FileStamp)>,
    checked: Instant,
}

/// What tells a changed file apart: modification time, size and (on Unix) inode.
type FileStamp = (Option<SystemTime>, u64, u64);

impl CertWatcher {
    /// Reads the pair now; an error (naming the file) when it does not load.
    pub fn new(
        cert_path: impl Into<PathBuf>,
        key_path: impl Into<PathBuf>,
    ) -> Result<Self, String> {
        let (cert_path, key_path) = (cert_path.into(), key_path.into());
        let stamp = stamps(&cert_path, &key_path);
        let current = load(&cert_path, &key_path)?;
        Ok(Self {
            cert_path,
            key_path,
            state: Mutex::new(WatchState {
                current: Arc::new(current),
                stamp,
                checked: Instant::now(),
            }),
        })
    }

    /// The certificate in use, after reloading it if the files changed (and the last look is
    /// older than [`CERT_RELOAD_INTERVAL`]).
    pub fn current(&self) -> Arc<CertifiedKey> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.checked.elapsed() >= CERT_RELOAD_INTERVAL {
            state.checked = Instant::now();
            let stamp = stamps(&self.cert_path, &self.key_path);
            if stamp.is_some() && stamp != state.stamp {
                // Remember the new stamp whatever happens: a broken update is reported once,
                // and tried again when the files change again.
                state.stamp = stamp;
                match load(&self.cert_path, &self.key_path) {
                    Ok(key) => {
                        info!(certificate = %self.cert_path.display(), "loaded the renewed certificate");
                        state.current = Arc::new(key);
                    }
                    Err(e) => error!(
                        error = %e,
                        "cannot load the changed certificate; still serving the previous one"
                    ),
                }
            }
        }
        state.current.clone()
    }
}

impl ResolvesServerCert for CertWatcher {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

/// Always the same certificate.
#[derive(Debug)]
struct FixedCert(Arc<CertifiedKey>);

impl ResolvesServerCert for FixedCert {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

fn stamps(cert: &Path, key: &Path) -> Option<(FileStamp, FileStamp)> {
    Some((stamp(cert)?, stamp(key)?))
}

fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok(), meta.len(), inode))
}

fn load(cert: &Path, key: &Path) -> Result<CertifiedKey, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read {}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{} holds no certificate", cert.display()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read {}: {e}", key.display()))?;
    CertifiedKey::from_der(chain, key_der, &provider()).map_err(|e| {
        format!(
            "unusable certificate {} or key {}: {e}",
            cert.display(),
            key.display()
        )
    })
}
