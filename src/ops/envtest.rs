//! `cargo operator envtest`: the control-plane binaries (`use`) and a throwaway control plane
//! in the foreground (`up`).

use anyhow::{Context as _, Result};
use cargo_operator_envtest::provision::{self, Provision, Source, UseRequest};
use cargo_operator_envtest::{
    DEFAULT_KUBERNETES_VERSION, EnvironmentBuilder, WebhookInstallOptions, assets,
};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::interrupt;

/// What `envtest use` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    /// The directory alone.
    Path,
    /// `export KUBEBUILDER_ASSETS=<dir>`, for eval.
    Env,
}

#[derive(Debug, Clone)]
pub struct UseOptions {
    pub version: Option<String>,
    pub provision: Provision,
    pub print: Print,
}

#[derive(Debug, Clone)]
pub struct UpOptions {
    pub kubeconfig: Option<PathBuf>,
    pub crd_dir: PathBuf,
    /// `config/webhook/manifests.yaml`: installed, if it exists, to call the operator run on
    /// this machine at `webhook_port`.
    pub webhooks: PathBuf,
    pub webhook_port: u16,
    pub version: Option<String>,
}

fn request(version: Option<String>, provision: Provision) -> UseRequest {
    UseRequest {
        explicit_version: version.is_some(),
        version: version.unwrap_or_else(|| DEFAULT_KUBERNETES_VERSION.to_string()),
        provision,
    }
}

pub fn use_binaries(options: &UseOptions) -> Result<()> {
    let (dir, _source) = provision::resolve(&request(options.version.clone(), options.provision))?;
    match options.print {
        Print::Path => println!("{}", dir.display()),
        Print::Env => println!(
            "export {}={}",
            assets::ASSETS_ENV,
            shell_quote(&dir.display().to_string())
        ),
    }
    Ok(())
}

fn shell_quote(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@".contains(&b))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

pub fn up(options: &UpOptions) -> Result<()> {
    let (assets_dir, source) =
        provision::resolve(&request(options.version.clone(), Provision::Auto))?;
    let kubeconfig = match &options.kubeconfig {
        Some(path) => path.clone(),
        None => assets::cache_root()
            .context("no cache directory: pass --kubeconfig")?
            .join("kubeconfig"),
    };
    start_and_wait(assets_dir, source, kubeconfig, options)
}

fn start_and_wait(
    assets_dir: PathBuf,
    source: Source,
    kubeconfig: PathBuf,
    options: &UpOptions,
) -> Result<()> {
    let crd_dir = options.crd_dir.as_path();
    eprintln!(
        "envtest: starting etcd + kube-apiserver from {} ({source})",
        assets_dir.display()
    );
    let started = Instant::now();
    let mut builder = EnvironmentBuilder::new().binary_assets_dir(&assets_dir);
    let install_crds = crd_dir.exists();
    if install_crds {
        builder = builder.crd_paths([crd_dir]);
    }
    // The webhooks call the operator on this machine, with a certificate of a CA made for
    // the occasion, kept beside the kubeconfig so that the operator can be restarted.
    let install_webhooks = options.webhooks.exists();
    if install_webhooks {
        let cert_dir = kubeconfig
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("webhook-certs");
        builder = builder.webhooks(
            WebhookInstallOptions::new()
                .paths([&options.webhooks])
                .port(options.webhook_port)
                .cert_dir(cert_dir),
        );
    }
    // Starting takes seconds: a Ctrl-C meanwhile stops the control plane as soon as it is up.
    let mut env = builder.start()?;
    env.write_kubeconfig(&kubeconfig)
        .with_context(|| format!("writing {}", kubeconfig.display()))?;
    let _remove_kubeconfig = RemoveOnDrop(kubeconfig.clone());

    let crds = if install_crds {
        let names: Vec<String> = cargo_operator_envtest::read_crds(crd_dir)?
            .into_iter()
            .filter_map(|crd| crd["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        format!(
            "{} CRD(s) from {}: {}",
            names.len(),
            crd_dir.display(),
            names.join(", ")
        )
    } else {
        format!("no CRDs ({} not found)", crd_dir.display())
    };
    let kc = shell_quote(&kubeconfig.display().to_string());
    let run_args = match env.webhooks() {
        Some(webhooks) => {
            println!(
                "envtest: installed the webhooks of {}, calling https://127.0.0.1:{}",
                options.webhooks.display(),
                webhooks.port()
            );
            format!(" ARGS={}", shell_quote(&webhooks.manager_args().join(" ")))
        }
        None => String::new(),
    };
    println!(
        "envtest: control plane ready in {:.1?} at {}\n\
         envtest: installed {crds}\n\
         envtest: admin kubeconfig (system:masters): {}\n\
         \n\
         Use it from another terminal:\n  \
           export KUBECONFIG={kc}\n  \
           kubectl get crds\n  \
           KUBECONFIG={kc} make run{run_args}\n\
         \n\
         Press Ctrl-C to stop (everything is thrown away).",
        started.elapsed(),
        env.server_url(),
        kubeconfig.display(),
    );
    loop {
        if interrupt::requested() {
            eprintln!("envtest: stop requested, stopping the control plane");
            env.stop();
            interrupt::handled();
            return Ok(());
        }
        if let Some(process) = env.exited() {
            let tail = env.apiserver_log_tail(20);
            env.stop();
            anyhow::bail!("{process} stopped unexpectedly; kube-apiserver log ends with:\n{tail}")
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
