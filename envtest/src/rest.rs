//! Just enough HTTPS to talk to the API server without a Kubernetes client: one request per
//! connection, HTTP/1.0 (so the answer is never chunked), mutual TLS with the admin's
//! certificate. Readiness, CRD installs and the waits that follow need nothing more, and the
//! CLI then does not compile kube's client stack.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};

/// A client for one API server, authenticated as one user.
#[derive(Clone)]
pub(crate) struct Rest {
    addr: SocketAddr,
    config: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest").field("addr", &self.addr).finish()
    }
}

/// A response: the status code and the body.
pub(crate) struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl Rest {
    pub fn new(
        port: u16,
        ca_der: &[u8],
        cert_der: &[u8],
        key_pkcs8_der: &[u8],
    ) -> io::Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from(ca_der.to_vec()))
            .map_err(io::Error::other)?;
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_root_certificates(roots)
            .with_client_auth_cert(
                vec![CertificateDer::from(cert_der.to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pkcs8_der.to_vec())),
            )
            .map_err(io::Error::other)?;
        Ok(Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            config: Arc::new(config),
        })
    }

    pub fn get(&self, path: &str) -> io::Result<Response> {
        self.request("GET", path, None, &[])
    }

    /// A server-side apply of `body` (JSON) by `manager`, forcing conflicts.
    pub fn apply(&self, path: &str, manager: &str, body: &[u8]) -> io::Result<Response> {
        let path = format!("{path}?fieldManager={manager}&force=true");
        self.request("PATCH", &path, Some("application/apply-patch+yaml"), body)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> io::Result<Response> {
        let tcp = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2))?;
        tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
        tcp.set_write_timeout(Some(Duration::from_secs(30)))?;
        let name = ServerName::try_from("127.0.0.1").expect("an IP address is a server name");
        let connection =
            rustls::ClientConnection::new(self.config.clone(), name).map_err(io::Error::other)?;
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(content_type) = content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        tls.write_all(head.as_bytes())?;
        tls.write_all(body)?;
        tls.flush()?;
        let mut raw = Vec::new();
        match tls.read_to_end(&mut raw) {
            Ok(_) => {}
            // The server closing without close_notify still delivered the whole answer.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && !raw.is_empty() => {}
            Err(e) => return Err(e),
        }
        parse(&raw)
    }
}

fn parse(raw: &[u8]) -> io::Result<Response> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| io::Error::other("an HTTP answer without a header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| io::Error::other(format!("a malformed HTTP status line: {head}")))?;
    Ok(Response {
        status,
        body: raw[split + 4..].to_vec(),
    })
}
