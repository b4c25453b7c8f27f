//! [`Manager`]: runs the controllers of one operator process — servers, leader election,
//! signals, graceful shutdown — the counterpart of controller-runtime's manager.

use std::future::Future;
use std::process::ExitCode;
use std::time::Duration;

use futures::FutureExt;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use kube::Client;
use kube::api::{Api, PostParams};
use tokio::task::JoinSet;
use tracing::{error, info, warn};

use crate::controller::{Controller, ControllerResource, RunnableController};
use crate::error::Error;
use crate::leader::{LeaderElectionConfig, LeaderElector, Leadership};
use crate::logging::init_logging;
use crate::metrics::Metrics;
use crate::options::ManagerOptions;
use crate::server::{self, Readiness};
use crate::shutdown::Shutdown;
use crate::webhook::{Conversion, Webhook, WebhookResource, Webhooks};

/// Why the controllers stopped.
#[derive(Debug)]
enum StopReason {
    Shutdown,
    LostLeadership(crate::leader::LeadershipLost),
    ControllersExited,
}

/// Runs controllers: see the crate documentation for what it provides.
pub struct Manager {
    name: String,
    options: ManagerOptions,
    client: Client,
    metrics: Metrics,
    readiness: Readiness,
    controllers: Vec<Box<dyn RunnableController>>,
    webhooks: Webhooks,
}

impl std::fmt::Debug for Manager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manager")
            .field("name", &self.name)
            .field("options", &self.options)
            .field(
                "controllers",
                &self
                    .controllers
                    .iter()
                    .map(|c| c.name())
                    .collect::<Vec<_>>(),
            )
            .field("webhooks", &self.webhooks)
            .finish_non_exhaustive()
    }
}

impl Manager {
    /// Sets up logging from the options and connects to the cluster (kubeconfig or in-cluster
    /// service account, like `kubectl`).
    pub async fn new(name: impl Into<String>, options: ManagerOptions) -> Result<Self, Error> {
        init_logging(&options);
        let client = Client::try_default().await.map_err(Error::Client)?;
        Ok(Self::with_client(name, options, client))
    }

    /// A manager using `client` (e.g. a mock or an envtest client); does not touch logging.
    pub fn with_client(name: impl Into<String>, options: ManagerOptions, client: Client) -> Self {
        Self {
            name: name.into(),
            options,
            client,
            metrics: Metrics::new(),
            readiness: Readiness::default(),
            controllers: Vec::new(),
            webhooks: Webhooks::default(),
        }
    }

    /// Adds a controller; it starts with [`run`](Self::run) (once leading, with leader
    /// election).
    pub fn add_controller<K: ControllerResource>(
        &mut self,
        controller: Controller<K>,
    ) -> &mut Self {
        self.controllers.push(Box::new(controller));
        self
    }

    /// Adds an admission webhook ([`Webhook::defaulting`] or [`Webhook::validating`]),
    /// served from [`run`](Self::run) on `--webhook-port` on every replica, leader or not.
    ///
    /// # Panics
    ///
    /// When a webhook is already registered at its path.
    pub fn add_webhook(&mut self, webhook: Webhook) -> &mut Self {
        self.webhooks.add(webhook);
        self
    }

    /// Adds the conversion webhook of one kind, served at
    /// [`/convert`](crate::webhook::CONVERSION_PATH) like every conversion.
    ///
    /// # Panics
    ///
    /// When a conversion for the same group and kind is already registered.
    pub fn add_conversion<Hub: WebhookResource>(
        &mut self,
        conversion: Conversion<Hub>,
    ) -> &mut Self {
        self.webhooks
            .add_conversion(std::sync::Arc::new(conversion));
        self
    }

    /// The paths of the registered webhooks, in registration order, `/convert` last if a
    /// conversion is registered: what the webhook configurations and the CRDs' conversion
    /// must name.
    pub fn webhook_paths(&self) -> Vec<String> {
        self.webhooks.paths()
    }

    /// The manager's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The client the controllers use.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The metrics served on `/metrics`; register the operator's own metrics here.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The readiness `/readyz` reports.
    pub fn readiness(&self) -> &Readiness {
        &self.readiness
    }

    /// Runs until SIGTERM or SIGINT (graceful: exit code 0) or until leadership is lost or
    /// the manager cannot work (exit code 1). A second signal exits at once.
    pub async fn run(self) -> ExitCode {
        self.run_until(async {
            wait_for_signal().await;
            info!("shutdown signal received; stopping (send it again to exit at once)");
            tokio::spawn(async {
                wait_for_signal().await;
                error!("second shutdown signal received; exiting now");
                std::process::exit(1);
            });
        })
        .await
    }

    /// [`run`](Self::run) with any shutdown trigger instead of the process's signals.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> ExitCode {
        match self.run_inner(shutdown).await {
            Ok(code) => code,
            Err(e) => {
                error!(error = %e, "manager failed");
                ExitCode::FAILURE
            }
        }
    }

    async fn run_inner(
        self,
        shutdown_trigger: impl Future<Output = ()> + Send + 'static,
    ) -> Result<ExitCode, Error> {
        let (trigger, shutdown) = Shutdown::channel();
        tokio::spawn(async move {
            shutdown_trigger.await;
            trigger.trigger();
        });

        let Self {
            name,
            options,
            client,
            metrics,
            readiness,
            controllers,
            webhooks,
        } = self;

        let mut servers = JoinSet::new();
        if let Some(addr) = options.metrics_addr()? {
            if options.metrics_secure {
                crate::secure::spawn_secure_metrics(
                    &mut servers,
                    addr,
                    &options,
                    &metrics,
                    &client,
                    shutdown.clone(),
                )
                .await?;
            } else {
                let listener = server::bind(addr, "metrics").await?;
                if !addr.ip().is_loopback() {
                    warn!(address = %addr, "serving metrics over plain HTTP to every client that can reach this address; use --metrics-secure to authorize scrapes");
                } else {
                    info!(address = %addr, "serving metrics over plain HTTP");
                }
                servers.spawn(server::serve(
                    listener,
                    server::metrics_router(metrics.clone()),
                    options.server_limits.clone(),
                    shutdown.wait(),
                ));
            }
        }
        if let Some(addr) = options.health_probe_addr()? {
            let listener = server::bind(addr, "health probes").await?;
            info!(address = %addr, "serving health probes");
            servers.spawn(server::serve(
                listener,
                server::probes_router(readiness.clone()),
                options.server_limits.clone(),
                shutdown.wait(),
            ));
        }
        // Webhooks are served by every replica: the API server calls any of them.
        if !webhooks.is_empty() {
            match options.webhook_addr()? {
                Some(addr) => {
                    crate::webhook::spawn(
                        &mut servers,
                        addr,
                        &webhooks,
                        &options,
                        &metrics,
                        &client,
                        shutdown.clone(),
                    )
                    .await?
                }
                None => warn!(
                    paths = ?webhooks.paths(),
                    "webhooks are registered but --webhook-port=0 disables the webhook server"
                ),
            }
        }

        let resources: Vec<_> = controllers.iter().map(|c| c.resource()).collect();
        tokio::spawn(rbac_preflight(client.clone(), resources));

        let runner = ControllerRunner {
            controllers,
            client: client.clone(),
            metrics: metrics.clone(),
            default_concurrency: options.max_concurrent_reconciles,
            readiness: readiness.clone(),
        };

        let code = if options.leader_elect {
            let config = LeaderElectionConfig {
                lease_name: options.leader_election_id_for(&name),
                namespace: options.leader_election_namespace(),
                lease_duration: options.lease_duration,
                renew_deadline: options.renew_deadline,
                retry_period: options.retry_period,
                ..LeaderElectionConfig::new("", "")
            };
            let elector = LeaderElector::new(client, config)?;
            run_with_leader_election(runner, elector, &metrics, &options, &shutdown).await
        } else {
            let (reason, drained) = runner
                .run(
                    Leadership::unconditional(),
                    futures::future::pending(),
                    options.graceful_shutdown_timeout,
                    &shutdown,
                )
                .await;
            exit_code(&reason, drained)
        };

        readiness.set(false);
        // Servers follow the shutdown signal; make sure they have it when we stop for another
        // reason, and give them a moment to finish the requests in flight.
        drop(shutdown);
        servers.abort_all();
        while servers.join_next().await.is_some() {}
        Ok(code)
    }
}

async fn run_with_leader_election(
    runner: ControllerRunner,
    mut elector: LeaderElector,
    metrics: &Metrics,
    options: &ManagerOptions,
    shutdown: &Shutdown,
) -> ExitCode {
    let lease = elector.config().lease_name.clone();
    metrics.set_leader(&lease, false);
    // A standby is healthy and ready: it is doing its job by waiting.
    runner.readiness.set(true);
    tokio::select! {
        acquired = elector.acquire() => {
            if let Err(e) = acquired {
                error!(error = %e, "leader election failed");
                return ExitCode::FAILURE;
            }
        }
        _ = shutdown.wait() => {
            info!("shutdown while waiting for leadership");
            return ExitCode::SUCCESS;
        }
    }
    metrics.set_leader(&lease, true);

    let (reason, drained) = {
        let lost = elector.hold().map(StopReason::LostLeadership);
        runner
            .run(
                elector.leadership(),
                lost,
                options.graceful_shutdown_timeout,
                shutdown,
            )
            .await
    };
    metrics.set_leader(&lease, false);
    if !matches!(reason, StopReason::LostLeadership(_)) {
        // Clear the holder so a standby takes over now instead of after the lease expires.
        if let Err(e) = elector.release().await {
            warn!(error = %e, "could not release the leader lease; standbys will take over when it expires");
        }
    }
    exit_code(&reason, drained)
}

fn exit_code(reason: &StopReason, drained: bool) -> ExitCode {
    match reason {
        StopReason::Shutdown => {
            info!(drained, "shutdown complete");
            ExitCode::SUCCESS
        }
        StopReason::LostLeadership(why) => {
            error!(reason = %why, "leader election lost");
            ExitCode::FAILURE
        }
        StopReason::ControllersExited => {
            error!("controllers stopped unexpectedly");
            ExitCode::FAILURE
        }
    }
}

/// The controllers, and what they need to run.
struct ControllerRunner {
    controllers: Vec<Box<dyn RunnableController>>,
    client: Client,
    metrics: Metrics,
    default_concurrency: u16,
    readiness: Readiness,
}

impl ControllerRunner {
    /// Runs the controllers until `shutdown` fires or `interrupt` resolves, then stops them:
    /// on shutdown the in-flight reconciles get `grace` to finish; on lost leadership they are
    /// aborted at once, since another candidate may take the lease over from now on (what
    /// client-go's `OnStoppedLeading` + exit amounts to). `leadership` fences every reconcile.
    /// Returns why they stopped and whether they finished in time.
    async fn run(
        self,
        leadership: Leadership,
        interrupt: impl Future<Output = StopReason>,
        grace: Duration,
        shutdown: &Shutdown,
    ) -> (StopReason, bool) {
        let (stop_trigger, stop) = Shutdown::channel();
        let mut tasks = JoinSet::new();
        for controller in self.controllers {
            tasks.spawn(controller.run(
                self.client.clone(),
                &self.metrics,
                self.default_concurrency,
                stop.clone(),
                leadership.clone(),
            ));
        }
        self.readiness.set(true);

        // A manager without controllers (only metrics, probes, or a leader-only job) keeps
        // running until told to stop; it must not read "no tasks" as "controllers exited".
        let has_controllers = !tasks.is_empty();
        let reason = tokio::select! {
            reason = interrupt => reason,
            _ = shutdown.wait() => StopReason::Shutdown,
            _ = join_all(&mut tasks), if has_controllers => StopReason::ControllersExited,
        };
        stop_trigger.trigger();
        if let StopReason::LostLeadership(_) = reason {
            warn!("leadership lost; aborting the controllers and their in-flight reconciles");
            tasks.abort_all();
            join_all(&mut tasks).await;
            return (reason, false);
        }
        let bound = match reason {
            StopReason::Shutdown => grace,
            _ => Duration::from_secs(1),
        };
        info!(
            ?bound,
            "stopping controllers; waiting for in-flight reconciles"
        );
        let drained = tokio::time::timeout(bound, join_all(&mut tasks))
            .await
            .is_ok();
        if !drained {
            warn!(
                ?bound,
                "in-flight reconciles did not finish in time; abandoning them"
            );
            tasks.abort_all();
        }
        (reason, drained)
    }
}

async fn join_all(tasks: &mut JoinSet<()>) {
    while let Some(result) = tasks.join_next().await {
        if let Err(e) = result
            && e.is_panic()
        {
            error!(error = %e, "a controller task panicked");
        }
    }
}

/// SIGTERM (Kubernetes stopping the pod) or SIGINT (Ctrl+C).
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Checks with SelfSubjectAccessReviews that the manager may list and watch every watched
/// kind, and logs one clear line per missing permission — instead of a watch that silently
/// retries 403s forever.
async fn rbac_preflight(client: Client, resources: Vec<(String, String, Option<String>)>) {
    let api: Api<SelfSubjectAccessReview> = Api::all(client);
    for (group, plural, namespace) in resources {
        for verb in ["list", "watch"] {
            let review = SelfSubjectAccessReview {
                spec: SelfSubjectAccessReviewSpec {
                    resource_attributes: Some(ResourceAttributes {
                        group: Some(group.clone()),
                        resource: Some(plural.clone()),
                        verb: Some(verb.to_string()),
                        namespace: namespace.clone(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            };
            let answer = tokio::time::timeout(
                Duration::from_secs(10),
                api.create(&PostParams::default(), &review),
            )
            .await;
            let where_ = match &namespace {
                Some(ns) => format!("namespace {ns}"),
                None => "all namespaces".to_string(),
            };
            let resource = if group.is_empty() {
                plural.clone()
            } else {
                format!("{plural}.{group}")
            };
            match answer {
                Ok(Ok(review)) => {
                    if !review.status.is_some_and(|s| s.allowed) {
                        error!(
                            "missing RBAC permission: cannot {verb} {resource} in {where_}; \
                             add it with #[rbac(groups = [\"{group}\"], resources = [\"{plural}\"], verbs = [...])] \
                             and run `cargo operator manifests`"
                        );
                    }
                }
                Ok(Err(e)) => {
                    warn!(error = %e, "RBAC preflight check failed; skipping it");
                    return;
                }
                Err(_) => {
                    warn!("RBAC preflight check timed out; skipping it");
                    return;
                }
            }
        }
    }
}
