//! `--metrics-secure`: `/metrics` over HTTPS (rustls), every scrape authorized by the API
//! server ([`crate::authz`]) — kubebuilder's default metrics serving.
//!
//! The certificate comes from `--metrics-cert-dir` (`tls.crt`, `tls.key`, e.g. from
//! cert-manager) or, without it, is self-signed at start-up like controller-runtime does;
//! Prometheus then scrapes with `insecureSkipVerify` (see the generated ServiceMonitor).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use kube::Client;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info};

use crate::authz::{Authorizer, require_authorization};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::options::ManagerOptions;
use crate::server;
use crate::shutdown::Shutdown;

/// A client that does not finish the TLS handshake within this is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

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
    servers.spawn(serve_tls(
        listener,
        TlsAcceptor::from(Arc::new(tls)),
        router,
        shutdown,
    ));
    Ok(())
}

/// The server side of TLS with the certificate from `cert_dir`, or a self-signed one.
pub fn tls_config(cert_dir: Option<&Path>) -> Result<rustls::ServerConfig, Error> {
    let invalid = |message: String| Error::InvalidOption {
        option: "--metrics-cert-dir",
        message,
    };
    let (chain, key) = match cert_dir {
        Some(dir) => {
            let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
            let chain = CertificateDer::pem_file_iter(&cert)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| invalid(format!("cannot read {}: {e}", cert.display())))?;
            let key = PrivateKeyDer::from_pem_file(&key)
                .map_err(|e| invalid(format!("cannot read {}: {e}", key.display())))?;
            (chain, key)
        }
        None => {
            self_signed().map_err(|e| invalid(format!("cannot generate a certificate: {e}")))?
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map(|mut config| {
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            config
        })
        .map_err(|e| invalid(format!("unusable certificate or key: {e}")))
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

/// Accepts TLS connections until `shutdown`; each connection is handled in its own task, so a
/// slow handshake cannot hold up other scrapes.
async fn serve_tls(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    router: axum::Router,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let stop = shutdown.wait();
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    debug!(error = %e, "metrics accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.clone() => return Ok(()),
        };
        let (acceptor, router) = (acceptor.clone(), router.clone());
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => return debug!(%peer, error = %e, "metrics TLS handshake failed"),
                Err(_) => return debug!(%peer, "metrics TLS handshake timed out"),
            };
            let service = TowerToHyperService::new(router);
            if let Err(e) = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .http1_only()
                .serve_connection(TokioIo::new(tls), service)
                .await
            {
                debug!(%peer, error = %e, "metrics connection ended with an error");
            }
        });
    }
}
