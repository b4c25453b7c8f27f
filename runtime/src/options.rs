//! Command-line flags (and environment) of a generated operator, named like the flags of a
//! kubebuilder `cmd/main.go` so that manifests and habits carry over.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};

/// Where a service account's namespace is mounted inside a pod.
const IN_CLUSTER_NAMESPACE_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// Everything the [`Manager`](crate::Manager) can be told from the command line.
///
/// Parse it with [`ManagerOptions::parse_args`], or `#[command(flatten)]` it into your own
/// `clap::Parser` to add flags of your own.
#[derive(Args, Debug, Clone, PartialEq)]
pub struct ManagerOptions {
    /// Address the metrics endpoint binds to (`127.0.0.1:8080`, `:8443` for all interfaces);
    /// `0` disables it. The default serves plain HTTP on loopback only: to scrape from
    /// outside the pod, bind another address and add `--metrics-secure`, as the generated
    /// Deployment does (`--metrics-bind-address=:8443 --metrics-secure`).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub metrics_bind_address: String,

    /// Serve metrics over HTTPS, authenticating and authorizing every scrape with
    /// TokenReview/SubjectAccessReview (kubebuilder's way); plain HTTP when false — then keep
    /// the address on loopback or otherwise unreachable, since anyone who reaches it can scrape.
    #[arg(long, default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub metrics_secure: bool,

    /// Directory holding `tls.crt` and `tls.key` for the secure metrics endpoint; without it
    /// a self-signed certificate is generated at start-up.
    #[arg(long)]
    pub metrics_cert_dir: Option<PathBuf>,

    /// Address the `/healthz` and `/readyz` probes bind to; `0` disables them.
    #[arg(long, default_value = ":8081")]
    pub health_probe_bind_address: String,

    /// Enable leader election, ensuring only one active manager at a time.
    #[arg(long, default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true")]
    pub leader_elect: bool,

    /// Name of the Lease used for leader election (default: `<manager name>-leader-election`).
    #[arg(long)]
    pub leader_election_id: Option<String>,

    /// Namespace of the leader-election Lease (default: the pod's namespace, else `default`).
    #[arg(long)]
    pub leader_election_namespace: Option<String>,

    /// How long a standby waits after the last renewal before taking the lease over.
    #[arg(long, default_value = "15s", value_parser = parse_duration)]
    pub lease_duration: Duration,

    /// How long the leader keeps trying to renew before it gives up leadership.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub renew_deadline: Duration,

    /// How often leader-election clients retry.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    pub retry_period: Duration,

    /// How long in-flight reconciles may take to finish on shutdown.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub graceful_shutdown_timeout: Duration,

    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log level or filter directives (`info`, `debug`, `my_operator=debug,kube=info`);
    /// defaults to `RUST_LOG`, then `info`.
    #[arg(long)]
    pub log_level: Option<String>,

    /// Reconciles each controller may run at once (a controller can lower or raise its own).
    #[arg(long, default_value_t = 1)]
    pub max_concurrent_reconciles: u16,

    /// Port of the HTTPS webhook server (admission and conversion webhooks); `0` disables it.
    /// The server runs only when webhooks are registered, on every replica (leader or not).
    #[arg(long, default_value_t = 9443)]
    pub webhook_port: u16,

    /// IP address the webhook server binds to; empty (the default) means all interfaces.
    #[arg(long, default_value = "")]
    pub webhook_host: String,

    /// Directory holding the webhook server's certificate and key (e.g. a mounted
    /// cert-manager Secret). Changed files are picked up without a restart.
    #[arg(long, default_value = "/tmp/k8s-webhook-server/serving-certs")]
    pub webhook_cert_path: PathBuf,

    /// File name of the webhook certificate (PEM chain) in `--webhook-cert-path`.
    #[arg(long, default_value = "tls.crt")]
    pub webhook_cert_name: String,

    /// File name of the webhook private key (PEM) in `--webhook-cert-path`.
    #[arg(long, default_value = "tls.key", alias = "webhook-key-name")]
    pub webhook_cert_key: String,

    /// Timeouts and the connection limit of every server (metrics, probes, webhooks).
    #[command(flatten)]
    pub server_limits: ServerLimits,
}

/// Log output format.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

// The parser behind [`ManagerOptions::parse_args`]; its program name is argv[0]. (A `//`
// comment on purpose: clap would show a doc comment as the operator's `--help` text.)
#[derive(Parser, Debug)]
#[command(about = "A Kubernetes operator: runs its controllers under a cargo-operator Manager")]
struct Cli {
    #[command(flatten)]
    options: ManagerOptions,
}

impl ManagerOptions {
    /// Parses the process's command line; prints help or an error and exits like any clap
    /// program on `--help` or a bad flag.
    pub fn parse_args() -> Self {
        Cli::parse().options
    }

    /// Parses the given arguments (the first one is the program name) — for tests.
    pub fn try_parse_from<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Cli::try_parse_from(args).map(|cli| cli.options)
    }

    /// The metrics address, or `None` when disabled with `0`.
    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>, crate::Error> {
        parse_bind_address(&self.metrics_bind_address, "--metrics-bind-address")
    }

    /// The probe address, or `None` when disabled with `0`.
    pub fn health_probe_addr(&self) -> Result<Option<SocketAddr>, crate::Error> {
        parse_bind_address(
            &self.health_probe_bind_address,
            "--health-probe-bind-address",
        )
    }

    /// The webhook server's address, or `None` when disabled with `--webhook-port=0`.
    pub fn webhook_addr(&self) -> Result<Option<SocketAddr>, crate::Error> {
        if self.webhook_port == 0 {
            return Ok(None);
        }
        let host = self.webhook_host.trim();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let ip = match host {
            "" => std::net::IpAddr::from([0, 0, 0, 0]),
            "localhost" => std::net::IpAddr::from([127, 0, 0, 1]),
            _ => host.parse().map_err(|e| crate::Error::InvalidOption {
                option: "--webhook-host",
                message: format!(
                    "{host:?} is not an IP address (or empty for all interfaces): {e}"
                ),
            })?,
        };
        Ok(Some(SocketAddr::new(ip, self.webhook_port)))
    }

    /// The webhook certificate and key files.
    pub fn webhook_cert_files(&self) -> (PathBuf, PathBuf) {
        (
            self.webhook_cert_path.join(&self.webhook_cert_name),
            self.webhook_cert_path.join(&self.webhook_cert_key),
        )
    }

    /// The Lease name: the flag, else derived from the manager's name.
    pub fn leader_election_id_for(&self, manager_name: &str) -> String {
        self.leader_election_id
            .clone()
            .unwrap_or_else(|| format!("{manager_name}-leader-election"))
    }

    /// The Lease namespace: the flag, else the pod's namespace, else `default`.
    pub fn leader_election_namespace(&self) -> String {
        self.leader_election_namespace.clone().unwrap_or_else(|| {
            std::fs::read_to_string(IN_CLUSTER_NAMESPACE_FILE)
                .ok()
                .map(|ns| ns.trim().to_string())
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| "default".to_string())
        })
    }
}

impl Default for ManagerOptions {
    /// The same values as running the operator without any flag.
    fn default() -> Self {
        Self::try_parse_from(["manager"]).expect("the defaults parse")
    }
}

/// Parses a Go-style bind address: `:8080` (all interfaces), `host:port`, `[::1]:8080`, or `0`
/// (disabled).
pub fn parse_bind_address(
    value: &str,
    option: &'static str,
) -> Result<Option<SocketAddr>, crate::Error> {
    let value = value.trim();
    if value.is_empty() || value == "0" {
        return Ok(None);
    }
    let full = match value.strip_prefix(':') {
        Some(port) => format!("0.0.0.0:{port}"),
        None => value.to_string(),
    };
    let full = full.replacen("localhost:", "127.0.0.1:", 1);
    full.parse::<SocketAddr>()
        .map(Some)
        .map_err(|e| crate::Error::InvalidOption {
            option,
            message: format!("{value:?} is not `:PORT`, `HOST:PORT` or `0`: {e}"),
        })
}

/// Parses a Go-style duration (`15s`, `500ms`, `1m30s`, `2h`); a bare number means seconds.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return seconds_to_duration(seconds, value);
    }
    let mut total = 0f64;
    let mut rest = value;
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("{value:?}: missing unit (use ms, s, m or h)"))?;
        let (number, tail) = rest.split_at(number_len);
        let number: f64 = number
            .parse()
            .map_err(|_| format!("{value:?} is not a duration like 15s, 500ms or 1m30s"))?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let factor = match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => {
                return Err(format!(
                    "{value:?}: unknown unit {unit:?} (use ms, s, m or h)"
                ));
            }
        };
        total += number * factor;
        rest = tail;
    }
    seconds_to_duration(total, value)
}

fn seconds_to_duration(seconds: f64, value: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{value:?}: {e}"))
}

/// The limits of every server of the manager (metrics, probes, webhooks), also settable as
/// flags.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct ServerLimits {
    /// How long a client of the metrics, probe and webhook servers has to finish the TLS
    /// handshake and to send a request's headers; slower connections are closed.
    #[arg(long = "server-read-header-timeout", default_value = "10s", value_parser = parse_duration)]
    pub read_header_timeout: Duration,

    /// How long a keep-alive connection may wait for its next request before it is closed.
    #[arg(long = "server-idle-timeout", default_value = "60s", value_parser = parse_duration)]
    pub idle_timeout: Duration,

    /// Connections each server serves at once; further connections wait until one closes.
    #[arg(long = "server-max-connections", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
}

impl Default for ServerLimits {
    /// 10 s to send the headers, 60 s idle, 1024 connections.
    fn default() -> Self {
        Self {
            read_header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
        }
    }
}
