//! Download from the envtest release index that setup-envtest uses.
//!
//! The index is YAML:
//! `releases: {v1.35.0: {envtest-v1.35.0-linux-amd64.tar.gz: {hash: <sha512 hex>, selfLink: <url>}}}`;
//! each tarball holds `controller-tools/envtest/{etcd,kube-apiserver,kubectl}`.

use crate::assets;
use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// The index setup-envtest reads.
pub const DEFAULT_INDEX_URL: &str =
    "https://raw.githubusercontent.com/kubernetes-sigs/controller-tools/HEAD/envtest-releases.yaml";

/// Overrides [`DEFAULT_INDEX_URL`] (a mirror, or a local server in tests).
pub const INDEX_URL_ENV: &str = "CARGO_OPERATOR_ENVTEST_INDEX_URL";

/// A checksum mismatch: never fall back to another source silently.
#[derive(Debug)]
pub struct IntegrityError(pub String);

impl std::fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IntegrityError {}

pub fn is_integrity_error(error: &anyhow::Error) -> bool {
    error.downcast_ref::<IntegrityError>().is_some()
}

pub fn index_url() -> String {
    std::env::var(INDEX_URL_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_INDEX_URL.to_string())
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(timeout))
            .build(),
    )
}

/// The archive name and its entry in the index.
struct Archive {
    name: String,
    url: String,
    sha512: String,
}

/// The index, read into types: YAML scalars are taken as the strings they are here (a hash
/// of digits only is not a number).
#[derive(serde::Deserialize)]
struct Index {
    releases: std::collections::BTreeMap<String, std::collections::BTreeMap<String, IndexEntry>>,
}

#[derive(serde::Deserialize)]
struct IndexEntry {
    hash: Option<String>,
    #[serde(rename = "selfLink")]
    self_link: Option<String>,
}

fn find_archive(index_text: &str, index_url: &str, version: &str) -> Result<Archive> {
    let index: Index =
        serde_saphyr::from_str(index_text).with_context(|| format!("parsing {index_url}"))?;
    let release_key = format!("v{version}");
    let name = format!("envtest-v{version}-{}.tar.gz", assets::platform());
    let release = index
        .releases
        .get(&release_key)
        .with_context(|| format!("the index {index_url} has no release {release_key}"))?;
    let entry = release
        .get(&name)
        .with_context(|| format!("release {release_key} in {index_url} has no {name}"))?;
    let field = |value: &Option<String>, key: &str| {
        value
            .clone()
            .with_context(|| format!("{name} in {index_url} has no `{key}`"))
    };
    let link = field(&entry.self_link, "selfLink")?;
    let sha512 = field(&entry.hash, "hash")?.to_ascii_lowercase();
    let url = if link.contains("://") {
        link
    } else {
        // A relative link: resolve it against the index's directory.
        let base = index_url.rsplit_once('/').map_or(index_url, |(b, _)| b);
        format!("{base}/{}", link.trim_start_matches("./"))
    };
    Ok(Archive { name, url, sha512 })
}

/// Downloads, verifies and unpacks the binaries of `version` into `target`.
pub fn download(version: &str, target: &Path) -> Result<()> {
    let index_url = index_url();
    eprintln!("envtest: looking up Kubernetes {version} in {index_url}");
    let index_text = agent(Duration::from_secs(60))
        .get(&index_url)
        .call()
        .with_context(|| format!("fetching {index_url}"))?
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .with_context(|| format!("reading {index_url}"))?;
    let archive = find_archive(&index_text, &index_url, version)?;

    let staging = super::staging_dir(target)?;
    let tarball = staging.path().join(&archive.name);
    eprintln!("envtest: downloading {}", archive.url);
    let mut response = agent(Duration::from_secs(30 * 60))
        .get(&archive.url)
        .call()
        .with_context(|| format!("fetching {}", archive.url))?;
    let mut body = response.body_mut().as_reader();
    let mut file = std::fs::File::create(&tarball)
        .with_context(|| format!("creating {}", tarball.display()))?;
    let mut digest = ring::digest::Context::new(&ring::digest::SHA512);
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = body
            .read(&mut buffer)
            .with_context(|| format!("reading {}", archive.url))?;
        if n == 0 {
            break;
        }
        digest.update(&buffer[..n]);
        file.write_all(&buffer[..n])
            .with_context(|| format!("writing {}", tarball.display()))?;
    }
    drop(file);
    let actual: String = digest
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if actual != archive.sha512 {
        return Err(IntegrityError(format!(
            "checksum mismatch for {} from {}: the index says sha512 {} but the download has \
             sha512 {actual}; refusing to use it (nothing was installed)",
            archive.name, archive.url, archive.sha512
        ))
        .into());
    }

    let bin = staging.path().join("bin");
    std::fs::create_dir(&bin).with_context(|| format!("creating {}", bin.display()))?;
    unpack(&tarball, &bin)?;
    super::install_atomically(&bin, target)
}

/// Extracts the three binaries (by file name, wherever they sit in the archive) into `dir`.
fn unpack(tarball: &Path, dir: &Path) -> Result<()> {
    let file =
        std::fs::File::open(tarball).with_context(|| format!("opening {}", tarball.display()))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut found = Vec::new();
    for entry in archive
        .entries()
        .with_context(|| format!("reading {}", tarball.display()))?
    {
        let mut entry = entry.with_context(|| format!("reading {}", tarball.display()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path()?.into_owned();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !assets::REQUIRED_BINARIES.contains(&name) {
            continue;
        }
        let out = dir.join(name);
        let mut writer =
            std::fs::File::create(&out).with_context(|| format!("creating {}", out.display()))?;
        std::io::copy(&mut entry, &mut writer)
            .with_context(|| format!("unpacking {name} from {}", tarball.display()))?;
        super::make_executable(&out)?;
        found.push(name.to_string());
    }
    let missing: Vec<&str> = assets::REQUIRED_BINARIES
        .into_iter()
        .filter(|name| !found.iter().any(|f| f == name))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{} does not contain {} (expected controller-tools/envtest/{{etcd,kube-apiserver,kubectl}})",
            tarball.display(),
            missing.join(", ")
        );
    }
    Ok(())
}
