//! Admission and conversion webhooks served by a local process — a test, or the operator run
//! by `make run` — for an environment: controller-runtime's `WebhookInstallOptions`.
//!
//! The configurations written for a cluster (`config/webhook/manifests.yaml`, or the objects
//! of `cargo_operator_core::webhook::configurations`) call the Service `webhook-service`; the
//! API server of an environment cannot reach a Service, so each `clientConfig.service` is
//! rewritten into `url: https://127.0.0.1:<port><path>` with a CA made for the occasion as
//! `caBundle`, and the serving certificate and key that CA signed are written as `tls.crt`
//! and `tls.key` into a directory: the layout of the runtime's `--webhook-cert-path`. The same
//! is done to the `spec.conversion` of CRDs with a conversion webhook.
//!
//! ```no_run
//! use cargo_operator_envtest::{EnvironmentBuilder, WebhookInstallOptions};
//!
//! let env = EnvironmentBuilder::new()
//!     .crd_paths(["config/crd/bases"])
//!     .webhooks(WebhookInstallOptions::new().paths(["config/webhook/manifests.yaml"]))
//!     .start()?;
//! let webhooks = env.webhooks().expect("installed at start");
//! // Run the operator with these: --webhook-host=127.0.0.1 --webhook-port=<port>
//! // --webhook-cert-path=<dir>.
//! println!("{}", webhooks.manager_args().join(" "));
//! # Ok::<(), cargo_operator_envtest::Error>(())
//! ```
//!
//! Webhook entries that already have a `url` are left as they are (they call something
//! else). Installing replaces configurations of the same name (create, or replace the
//! existing object). The API server starts calling newly installed webhooks within a moment
//! (it watches the configurations); with `failurePolicy: Fail` a request is refused while no
//! process serves the port.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// The kinds of admission webhook configuration (`admissionregistration.k8s.io/v1`), with the
/// resource each is served as.
pub const CONFIGURATION_KINDS: &[(&str, &str)] = &[
    (
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
    ),
    (
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
    ),
];

/// The file names of the serving certificate and key in the certificate directory (the
/// runtime's `--webhook-cert-name` and `--webhook-cert-key` defaults), and of the CA.
pub const CERT_FILE: &str = "tls.crt";
pub const KEY_FILE: &str = "tls.key";
pub const CA_FILE: &str = "ca.crt";

/// What to install and where the webhooks will be served.
#[derive(Debug, Clone, Default)]
pub struct WebhookInstallOptions {
    paths: Vec<PathBuf>,
    configurations: Vec<Value>,
    host: Option<String>,
    port: Option<u16>,
    cert_dir: Option<PathBuf>,
}

impl WebhookInstallOptions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Files or directories of YAML or JSON (`.yaml`/`.yml`/`.json`, multi-document) holding
    /// `MutatingWebhookConfiguration`s and `ValidatingWebhookConfiguration`s, e.g.
    /// `config/webhook/manifests.yaml`; other kinds are ignored. A missing path is an error.
    pub fn paths<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.paths.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Configuration objects, e.g. `cargo_operator_core::webhook::configurations(&webhooks)`
    /// (anything that serializes to one).
    pub fn configurations<T: Serialize>(mut self, objects: impl IntoIterator<Item = T>) -> Self {
        self.configurations
            .extend(objects.into_iter().map(|object| {
                serde_json::to_value(object).expect("a webhook configuration serializes to JSON")
            }));
        self
    }

    /// The address the webhooks are served on and called at (default `127.0.0.1`): an IP
    /// address or a DNS name, which the serving certificate names besides `127.0.0.1` and
    /// `localhost`.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The port the webhooks are served on (default: a free one, picked when installing).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port).filter(|p| *p != 0);
        self
    }

    /// Where to write `tls.crt`, `tls.key` and `ca.crt` (default: `webhook-certs` in the
    /// environment's directory). Created if missing; the files are replaced.
    pub fn cert_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cert_dir = Some(dir.into());
        self
    }

    /// Makes the certificates and rewrites the configurations: everything short of talking to
    /// the API server. `default_dir` is the certificate directory unless
    /// [`cert_dir`](Self::cert_dir) says otherwise.
    pub fn prepare(&self, default_dir: &Path) -> Result<LocalWebhooks, Error> {
        let mut configurations = self.configurations.clone();
        for path in &self.paths {
            configurations.extend(read_webhook_configurations(path)?);
        }
        for configuration in &configurations {
            configuration_resource(configuration).map_err(Error::Webhook)?;
        }
        let host = self.host.clone().unwrap_or_else(|| "127.0.0.1".into());
        let port = match self.port {
            Some(port) => port,
            None => crate::process::free_port()
                .map_err(|e| Error::Io("finding a free port for the webhooks".into(), e))?,
        };
        let cert_dir = self
            .cert_dir
            .clone()
            .unwrap_or_else(|| default_dir.to_path_buf());
        let ca_pem = write_certificates(&cert_dir, &host)?;
        let mut webhooks = LocalWebhooks {
            host,
            port,
            cert_dir,
            ca_pem,
            configurations: Vec::new(),
        };
        for configuration in &mut configurations {
            webhooks.rewrite_configuration(configuration);
        }
        webhooks.configurations = configurations;
        Ok(webhooks)
    }
}

/// Webhooks installed for a local server: where it must listen, with which certificate, and
/// the configurations as installed.
#[derive(Debug, Clone)]
pub struct LocalWebhooks {
    host: String,
    port: u16,
    cert_dir: PathBuf,
    ca_pem: String,
    configurations: Vec<Value>,
}

impl LocalWebhooks {
    /// The address the API server calls (`127.0.0.1` unless configured).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port the API server calls.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding `tls.crt` and `tls.key` (serve these) and `ca.crt` (the CA the
    /// API server trusts for them): pass it as `--webhook-cert-path`.
    pub fn cert_dir(&self) -> &Path {
        &self.cert_dir
    }

    /// The CA that signed the serving certificate, PEM (what `caBundle` holds, base64-encoded).
    pub fn ca_cert_pem(&self) -> &str {
        &self.ca_pem
    }

    /// `https://<host>:<port><path>`, where the API server calls the webhook at `path`.
    pub fn url(&self, path: &str) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        format!("https://{host}:{}{path}", self.port)
    }

    /// The operator's flags for serving these webhooks: `--webhook-host=<host>`,
    /// `--webhook-port=<port>`, `--webhook-cert-path=<dir>`.
    pub fn manager_args(&self) -> Vec<String> {
        vec![
            format!("--webhook-host={}", self.host),
            format!("--webhook-port={}", self.port),
            format!("--webhook-cert-path={}", self.cert_dir.display()),
        ]
    }

    /// The configurations as installed (client configs rewritten).
    pub fn configurations(&self) -> &[Value] {
        &self.configurations
    }

    /// The webhook client config for the local server: a `service` becomes a `url` at its
    /// path, with the CA as `caBundle`; a `url` is left alone.
    fn rewrite_client_config(&self, client_config: &mut Value) {
        let Some(config) = client_config.as_object_mut() else {
            return;
        };
        let Some(service) = config.remove("service") else {
            return;
        };
        let path = service["path"].as_str().unwrap_or("/");
        config.insert("url".into(), Value::String(self.url(path)));
        config.insert(
            "caBundle".into(),
            Value::String(base64::engine::general_purpose::STANDARD.encode(&self.ca_pem)),
        );
    }

    /// Points every webhook of a `MutatingWebhookConfiguration` or
    /// `ValidatingWebhookConfiguration` that calls a Service at the local server instead.
    pub fn rewrite_configuration(&self, configuration: &mut Value) {
        if let Some(webhooks) = configuration
            .get_mut("webhooks")
            .and_then(Value::as_array_mut)
        {
            for webhook in webhooks {
                if let Some(client_config) = webhook.get_mut("clientConfig") {
                    self.rewrite_client_config(client_config);
                }
            }
        }
    }

    /// Points the conversion webhook of a CRD (`spec.conversion.strategy: Webhook` with a
    /// Service) at the local server instead; other CRDs are left alone. Returns whether it
    /// changed the CRD.
    pub fn rewrite_crd(&self, crd: &mut Value) -> bool {
        let Some(conversion) = crd
            .get_mut("spec")
            .and_then(|spec| spec.get_mut("conversion"))
            .filter(|c| c["strategy"] == "Webhook")
        else {
            return false;
        };
        let Some(client_config) = conversion
            .get_mut("webhook")
            .and_then(|w| w.get_mut("clientConfig"))
            .filter(|c| c.get("service").is_some())
        else {
            return false;
        };
        self.rewrite_client_config(client_config);
        true
    }
}

/// The REST path of a configuration's collection and its name, or why it is not one.
pub(crate) fn configuration_resource(configuration: &Value) -> Result<(String, String), String> {
    let kind = configuration["kind"].as_str().unwrap_or_default();
    let Some((_, resource)) = CONFIGURATION_KINDS.iter().find(|(k, _)| *k == kind) else {
        return Err(format!(
            "`{kind}` is not a webhook configuration (MutatingWebhookConfiguration or ValidatingWebhookConfiguration)"
        ));
    };
    let api_version = configuration["apiVersion"].as_str().unwrap_or_default();
    if api_version != "admissionregistration.k8s.io/v1" {
        return Err(format!(
            "{kind} of apiVersion `{api_version}`: only admissionregistration.k8s.io/v1 is served"
        ));
    }
    let name = configuration["metadata"]["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("a {kind} without metadata.name"))?;
    Ok((
        format!("/apis/admissionregistration.k8s.io/v1/{resource}"),
        name.to_string(),
    ))
}

/// Reads every `MutatingWebhookConfiguration` and `ValidatingWebhookConfiguration` in a YAML
/// or JSON file, or in the `.yaml`, `.yml` and `.json` files directly inside a directory
/// (sorted by name). Other kinds are ignored; `List`s are looked into.
pub fn read_webhook_configurations(path: impl AsRef<Path>) -> Result<Vec<Value>, Error> {
    let documents =
        crate::documents::read(path.as_ref()).map_err(|e| e.into_error(Error::Webhook))?;
    let kinds: Vec<&str> = CONFIGURATION_KINDS.iter().map(|(kind, _)| *kind).collect();
    let mut out = Vec::new();
    for document in documents {
        crate::documents::collect(document, &kinds, &mut out);
    }
    Ok(out)
}

/// A CA and a serving certificate it signed for `host`, `127.0.0.1` and `localhost`, written
/// into `dir`; returns the CA's PEM.
fn write_certificates(dir: &Path, host: &str) -> Result<String, Error> {
    let pki = |e: rcgen::Error| Error::Pki(format!("webhook certificates: {e}"));
    let io = |e: std::io::Error| {
        Error::Io(
            format!("writing the webhook certificates to {}", dir.display()),
            e,
        )
    };

    let ca_key = KeyPair::generate().map_err(pki)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(pki)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "cargo-operator-envtest-webhook-ca");
    ca.distinguished_name = name;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).map_err(pki)?;
    let issuer = Issuer::from_params(&ca, &ca_key);

    let mut names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    if !names.iter().any(|n| n == host) {
        names.push(host.to_string());
    }
    let key = KeyPair::generate().map_err(pki)?;
    let mut serving = CertificateParams::new(names).map_err(pki)?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "cargo-operator-envtest-webhook");
    serving.distinguished_name = name;
    serving.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    serving.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = serving.signed_by(&key, &issuer).map_err(pki)?;

    std::fs::create_dir_all(dir).map_err(io)?;
    crate::certs::write(&dir.join(CA_FILE), &ca_cert.pem(), false).map_err(io)?;
    // The key first, then the certificate: a server watching the pair sees a complete one.
    crate::certs::write(&dir.join(KEY_FILE), &key.serialize_pem(), true).map_err(io)?;
    crate::certs::write(&dir.join(CERT_FILE), &cert.pem(), false).map_err(io)?;
    Ok(ca_cert.pem())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn configuration() -> Value {
        json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": {"name": "validating-webhook-configuration"},
            "webhooks": [
                {"name": "vguestbook-v1.kb.io", "clientConfig": {"service": {
                    "name": "webhook-service", "namespace": "system",
                    "path": "/validate-webapp-example-com-v1-guestbook"}}},
                {"name": "external.example.com", "clientConfig": {"url": "https://example.com/v"}},
            ],
        })
    }

    #[test]
    fn services_become_local_urls_with_the_ca() {
        let dir = tempfile::tempdir().unwrap();
        let webhooks = WebhookInstallOptions::new()
            .configurations([configuration()])
            .port(9443)
            .prepare(dir.path())
            .unwrap();
        assert_eq!(webhooks.port(), 9443);
        let installed = &webhooks.configurations()[0]["webhooks"];
        let bundle = base64::engine::general_purpose::STANDARD
            .encode(std::fs::read_to_string(dir.path().join("ca.crt")).unwrap());
        assert_eq!(
            installed[0]["clientConfig"],
            json!({"url": "https://127.0.0.1:9443/validate-webapp-example-com-v1-guestbook", "caBundle": bundle})
        );
        assert_eq!(
            installed[1]["clientConfig"],
            json!({"url": "https://example.com/v"})
        );
        for file in ["tls.crt", "tls.key", "ca.crt"] {
            assert!(dir.path().join(file).is_file(), "{file}");
        }
        assert_eq!(
            webhooks.manager_args(),
            [
                "--webhook-host=127.0.0.1".to_string(),
                "--webhook-port=9443".into(),
                format!("--webhook-cert-path={}", dir.path().display()),
            ]
        );

        let mut crd = json!({"spec": {"conversion": cargo_operator_core::webhook::conversion()}});
        assert!(webhooks.rewrite_crd(&mut crd));
        assert_eq!(
            crd["spec"]["conversion"]["webhook"],
            json!({
                "clientConfig": {"url": "https://127.0.0.1:9443/convert", "caBundle": bundle},
                "conversionReviewVersions": ["v1"],
            })
        );
        let mut plain = json!({"spec": {"group": "webapp.example.com"}});
        assert!(!webhooks.rewrite_crd(&mut plain));
        assert_eq!(plain, json!({"spec": {"group": "webapp.example.com"}}));
    }

    #[test]
    fn configurations_are_read_from_manifests_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("manifests.yaml");
        let mutating = json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": "mutating-webhook-configuration"},
            "webhooks": [],
        });
        let text = format!(
            "---\n{}---\n{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: webhook-service\n",
            serde_saphyr::to_string(&mutating).unwrap(),
            serde_saphyr::to_string(&configuration()).unwrap()
        );
        std::fs::write(&file, text).unwrap();
        let read = read_webhook_configurations(&file).unwrap();
        assert_eq!(read, [mutating, configuration()]);
        assert_eq!(read_webhook_configurations(dir.path()).unwrap().len(), 2);
        assert!(read_webhook_configurations(dir.path().join("missing")).is_err());
        let wrong = WebhookInstallOptions::new()
            .configurations([json!({"kind": "ConfigMap", "metadata": {"name": "x"}})])
            .prepare(dir.path());
        assert!(
            wrong
                .unwrap_err()
                .to_string()
                .contains("not a webhook configuration")
        );
    }
}
