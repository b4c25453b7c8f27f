//! The control plane's PKI, generated fresh for every environment with rcgen: a CA, the API
//! server's serving certificate (127.0.0.1 and localhost), an admin client certificate
//! (`O=system:masters`) and the service-account signing key.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// Files written into the environment's directory.
#[derive(Debug, Clone)]
pub(crate) struct Pki {
    pub ca_cert: PathBuf,
    pub ca_der: Vec<u8>,
    pub serving_cert: PathBuf,
    pub serving_key: PathBuf,
    pub admin_cert: PathBuf,
    pub admin_key: PathBuf,
    pub admin_cert_der: Vec<u8>,
    pub admin_key_der: Vec<u8>,
    pub sa_public: PathBuf,
    pub sa_private: PathBuf,
}

fn name(common_name: &str, organization: Option<&str>) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    if let Some(organization) = organization {
        dn.push(DnType::OrganizationName, organization);
    }
    dn
}

/// Writes a PEM file; `private` ones are readable by the owner only.
pub(crate) fn write(path: &Path, contents: &str, private: bool) -> std::io::Result<()> {
    std::fs::write(path, contents)?;
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(())
}

pub(crate) fn generate(dir: &Path) -> Result<Pki, crate::Error> {
    let pki_err = |e: rcgen::Error| crate::Error::Pki(e.to_string());

    let ca_key = KeyPair::generate().map_err(pki_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(pki_err)?;
    ca_params.distinguished_name = name("cargo-operator-envtest-ca", None);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(pki_err)?;
    let issuer = Issuer::from_params(&ca_params, &ca_key);

    let serving_key = KeyPair::generate().map_err(pki_err)?;
    let mut serving = CertificateParams::new(vec![
        "127.0.0.1".to_string(),
        "localhost".to_string(),
        "kubernetes".to_string(),
        "kubernetes.default".to_string(),
        "kubernetes.default.svc".to_string(),
        "10.0.0.1".to_string(),
    ])
    .map_err(pki_err)?;
    serving.distinguished_name = name("kube-apiserver", None);
    serving.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    serving.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let serving_cert = serving.signed_by(&serving_key, &issuer).map_err(pki_err)?;

    let admin_key = KeyPair::generate().map_err(pki_err)?;
    let mut admin = CertificateParams::new(Vec::<String>::new()).map_err(pki_err)?;
    admin.distinguished_name = name("envtest-admin", Some("system:masters"));
    admin.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    admin.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let admin_cert = admin.signed_by(&admin_key, &issuer).map_err(pki_err)?;

    let sa_key = KeyPair::generate().map_err(pki_err)?;

    let pki = Pki {
        ca_cert: dir.join("ca.crt"),
        ca_der: ca_cert.der().to_vec(),
        serving_cert: dir.join("apiserver.crt"),
        serving_key: dir.join("apiserver.key"),
        admin_cert: dir.join("admin.crt"),
        admin_key: dir.join("admin.key"),
        admin_cert_der: admin_cert.der().to_vec(),
        admin_key_der: admin_key.serialize_der(),
        sa_public: dir.join("sa.pub"),
        sa_private: dir.join("sa.key"),
    };
    let io = |e: std::io::Error| crate::Error::Io("writing certificates".into(), e);
    write(&pki.ca_cert, &ca_cert.pem(), false).map_err(io)?;
    write(&pki.serving_cert, &serving_cert.pem(), false).map_err(io)?;
    write(&pki.serving_key, &serving_key.serialize_pem(), true).map_err(io)?;
    write(&pki.admin_cert, &admin_cert.pem(), false).map_err(io)?;
    write(&pki.admin_key, &admin_key.serialize_pem(), true).map_err(io)?;
    write(&pki.sa_public, &sa_key.public_key_pem(), false).map_err(io)?;
    write(&pki.sa_private, &sa_key.serialize_pem(), true).map_err(io)?;
    Ok(pki)
}
