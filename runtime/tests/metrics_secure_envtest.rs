//! `--metrics-secure` against a real API server: HTTPS, and every scrape authenticated with a
//! TokenReview and authorized with a SubjectAccessReview (`get /metrics`), as in kubebuilder.
#![cfg(feature = "envtest")]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use cargo_operator_runtime::{Manager, ManagerOptions};
use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::authorization::v1::{
    NonResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use kube::api::{Api, ObjectMeta, PostParams};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A certificate for `localhost` in `dir` (as cert-manager would mount it); returns it.
fn write_cert(dir: &Path) -> CertificateDer<'static> {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(dir.join("tls.crt"), certified.cert.pem()).unwrap();
    std::fs::write(dir.join("tls.key"), certified.signing_key.serialize_pem()).unwrap();
    certified.cert.der().clone()
}

/// Accepts any server certificate: for the self-signed mode, like `insecureSkipVerify`.
#[derive(Debug)]
struct SkipVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for SkipVerify {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn client_config(trusted: Option<CertificateDer<'static>>) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    match trusted {
        Some(cert) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(cert).unwrap();
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        None => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(SkipVerify(provider)))
            .with_no_client_auth(),
    }
}

/// `GET /metrics` over HTTPS; returns the status code and body.
async fn scrape(port: u16, tls: &rustls::ClientConfig, token: Option<&str>) -> (u16, String) {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(tls.clone()));
    let mut last_error = String::new();
    for _ in 0..50 {
        let tcp = match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            Ok(tcp) => tcp,
            Err(e) => {
                last_error = e.to_string();
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let mut stream = connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .expect("TLS handshake");
        let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
        let request =
            format!("GET /metrics HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response).await;
        let response = String::from_utf8_lossy(&response).into_owned();
        let code = response
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        return (code, body);
    }
    panic!("cannot connect to the metrics port {port}: {last_error}");
}

async fn token_of(client: &kube::Client, name: &str) -> String {
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), "default");
    let account = ServiceAccount {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    accounts
        .create(&PostParams::default(), &account)
        .await
        .unwrap();
    let request = TokenRequest {
        spec: TokenRequestSpec {
            audiences: vec![],
            expiration_seconds: Some(3600),
            ..Default::default()
        },
        ..Default::default()
    };
    accounts
        .create_token_request(name, &PostParams::default(), &request)
        .await
        .unwrap()
        .status
        .unwrap()
        .token
}

/// The metrics-reader ClusterRole of the generated config, bound to `prometheus`.
async fn grant_metrics_reader(client: &kube::Client, account: &str) {
    let roles: Api<ClusterRole> = Api::all(client.clone());
    let role = ClusterRole {
        metadata: ObjectMeta {
            name: Some("metrics-reader".into()),
            ..Default::default()
        },
        rules: Some(vec![PolicyRule {
            non_resource_urls: Some(vec!["/metrics".into()]),
            verbs: vec!["get".into()],
            ..Default::default()
        }]),
        ..Default::default()
    };
    roles.create(&PostParams::default(), &role).await.unwrap();
    let bindings: Api<ClusterRoleBinding> = Api::all(client.clone());
    let binding = ClusterRoleBinding {
        metadata: ObjectMeta {
            name: Some("metrics-reader".into()),
            ..Default::default()
        },
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "ClusterRole".into(),
            name: "metrics-reader".into(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: account.into(),
            namespace: Some("default".into()),
            ..Default::default()
        }]),
    };
    bindings
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();
    wait_until_metrics_readable(client, &format!("system:serviceaccount:default:{account}")).await;
}

/// The RBAC authorizer reads bindings from an informer cache: a new binding takes effect a
/// moment after it is created. Wait for that, so the first scrape is not denied (and the
/// denial cached) because of the lag.
async fn wait_until_metrics_readable(client: &kube::Client, user: &str) {
    let reviews: Api<SubjectAccessReview> = Api::all(client.clone());
    let review = SubjectAccessReview {
        spec: SubjectAccessReviewSpec {
            user: Some(user.into()),
            non_resource_attributes: Some(NonResourceAttributes {
                path: Some("/metrics".into()),
                verb: Some("get".into()),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    for _ in 0..100 {
        let answer = reviews
            .create(&PostParams::default(), &review)
            .await
            .unwrap();
        if answer.status.is_some_and(|status| status.allowed) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{user} still may not get /metrics 10 s after its ClusterRoleBinding was created");
}

fn start_manager(
    client: kube::Client,
    port: u16,
    cert_dir: Option<&Path>,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::process::ExitCode>,
) {
    let mut args = vec![
        "manager".to_string(),
        "--metrics-secure".into(),
        format!("--metrics-bind-address=127.0.0.1:{port}"),
        "--health-probe-bind-address=0".into(),
    ];
    if let Some(dir) = cert_dir {
        args.push(format!("--metrics-cert-dir={}", dir.display()));
    }
    let options = ManagerOptions::try_parse_from(args).unwrap();
    let manager = Manager::with_client("secure-demo", options, client);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(manager.run_until(async move {
        let _ = stopped.await;
    }));
    (stop, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_metrics_authenticate_and_authorize_every_scrape() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let admin = env.client().unwrap();
    grant_metrics_reader(&admin, "prometheus").await;
    let allowed = token_of(&admin, "prometheus").await;
    let other = token_of(&admin, "intruder").await;

    let dir = tempfile::tempdir().unwrap();
    let cert = write_cert(dir.path());
    let port = free_port();
    let (stop, task) = start_manager(admin.clone(), port, Some(dir.path()));
    let tls = client_config(Some(cert));

    let (code, body) = scrape(port, &tls, Some(&allowed)).await;
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("# EOF"), "an OpenMetrics exposition: {body}");
    // Cached: the same answer again.
    assert_eq!(scrape(port, &tls, Some(&allowed)).await.0, 200);
    let (code, body) = scrape(port, &tls, Some(&other)).await;
    assert_eq!(code, 403, "{body}");
    assert_eq!(scrape(port, &tls, None).await.0, 401);
    assert_eq!(scrape(port, &tls, Some("not-a-token")).await.0, 401);

    stop.send(()).unwrap();
    assert_eq!(task.await.unwrap(), std::process::ExitCode::SUCCESS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_metrics_self_sign_without_a_cert_dir() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let admin = env.client().unwrap();
    grant_metrics_reader(&admin, "prometheus").await;
    let allowed = token_of(&admin, "prometheus").await;
    let port = free_port();
    let (stop, task) = start_manager(admin, port, None);
    let tls = client_config(None);
    assert_eq!(scrape(port, &tls, Some(&allowed)).await.0, 200);
    assert_eq!(scrape(port, &tls, None).await.0, 401);
    stop.send(()).unwrap();
    assert_eq!(task.await.unwrap(), std::process::ExitCode::SUCCESS);
}

#[test]
fn a_bad_cert_dir_is_a_clear_startup_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = cargo_operator_runtime::secure::tls_config(Some(dir.path())).unwrap_err();
    assert!(err.to_string().contains("tls.crt"), "{err}");
}
