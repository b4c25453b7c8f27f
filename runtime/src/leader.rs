//! Leader election on a `coordination.k8s.io/v1` Lease, on top of `kube-lease-manager`.
//!
//! kube-lease-manager does the Lease protocol (server-side-apply locking, renewal, expiry,
//! release). Two things a controller needs are added here, because the crate alone does not
//! give them:
//!
//! * **A renew deadline.** `LeaseManager::changed()` only returns when the lock state changes
//!   or a request errors; a request that hangs (kube's client has no read timeout by default)
//!   would keep us "leading" past the lease's expiry while a standby takes over. A watchdog
//!   therefore reads the Lease every retry period and gives leadership up once no renewal by
//!   us has been seen for `renew_deadline` — before the lease (`lease_duration`) can expire
//!   for the others, which is client-go's guarantee.
//! * **Fast take-over by a standby.** A standby `LeaseManager` caches the lease until the
//!   holder's expiry, so a released lease would still sit idle until then. The standby here
//!   looks again every retry period, with a fresh `LeaseManager` each time, and so takes a
//!   released lease over within one retry period.
//! * **A fence for reconciles.** [`Leadership`] is the renew deadline as a value the
//!   controllers check before every reconcile. A leader that was frozen (SIGSTOP, a paused VM,
//!   a long GC-like stall) resumes with stale work queued; its watchdog may only run after
//!   that work. The fence makes such a reconcile refuse to start, because the monotonic clock
//!   says the last confirmed renewal is older than the renew deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use k8s_openapi::api::coordination::v1::Lease;
use kube::Client;
use kube::api::Api;
use kube_lease_manager::{LeaseManager, LeaseManagerBuilder};
use tracing::{debug, info, warn};

use crate::error::Error;

/// Who campaigns for which Lease, and the timing (client-go's names and meaning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderElectionConfig {
    /// Name of the Lease.
    pub lease_name: String,
    /// Namespace of the Lease.
    pub namespace: String,
    /// This candidate's identity (written to `holderIdentity`); unique per process.
    pub identity: String,
    /// How long the lease is valid after a renewal; a standby waits this long.
    pub lease_duration: Duration,
    /// The leader gives up when it could not renew for this long.
    pub renew_deadline: Duration,
    /// How often renewals (leader) and acquisition attempts (standby) happen.
    pub retry_period: Duration,
}

impl LeaderElectionConfig {
    /// A configuration with client-go's default timing (15 s / 10 s / 2 s) and a fresh
    /// identity.
    pub fn new(lease_name: impl Into<String>, namespace: impl Into<String>) -> Self {
        Self {
            lease_name: lease_name.into(),
            namespace: namespace.into(),
            identity: default_identity(),
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
        }
    }

    /// Checks client-go's constraints: lease > renew deadline > retry period > 0.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |option, message: &str| Error::InvalidOption {
            option,
            message: message.to_string(),
        };
        if self.retry_period < Duration::from_secs(1) {
            return Err(invalid("--retry-period", "must be at least 1s"));
        }
        if self.renew_deadline <= self.retry_period {
            return Err(invalid(
                "--renew-deadline",
                "must be longer than --retry-period",
            ));
        }
        if self.lease_duration <= self.renew_deadline {
            return Err(invalid(
                "--lease-duration",
                "must be longer than --renew-deadline",
            ));
        }
        Ok(())
    }
}

/// `<host name>_<random>`, like client-go's `<hostname>_<uuid>`: the host name tells people
/// which pod leads, the random part keeps a restarted pod from mistaking the old lock for its
/// own.
pub fn default_identity() -> String {
    use std::hash::{BuildHasher, Hasher};
    let host = std::env::var("POD_NAME")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "manager".to_string());
    // RandomState is seeded from the OS; two hashes give 128 random bits.
    let mut random = String::new();
    for i in 0..2u8 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u8(i);
        hasher.write_u128(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        random.push_str(&format!("{:016x}", hasher.finish()));
    }
    format!("{host}_{random}")
}

/// Until when this process may act as the leader: the last renewal it confirmed plus the renew
/// deadline, on the monotonic clock. Cheap to clone; every clone sees updates.
///
/// [`is_valid`](Self::is_valid) is what controllers check before each reconcile.
#[derive(Clone, Debug)]
pub struct Leadership(Arc<LeadershipInner>);

#[derive(Debug)]
struct LeadershipInner {
    /// The zero of `valid_until_ms`.
    base: Instant,
    /// Milliseconds after `base` until which leadership is valid; 0 when not leading,
    /// `u64::MAX` when there is no election (always valid).
    valid_until_ms: AtomicU64,
}

impl Leadership {
    fn with(valid_until_ms: u64) -> Self {
        Self(Arc::new(LeadershipInner {
            base: Instant::now(),
            valid_until_ms: AtomicU64::new(valid_until_ms),
        }))
    }

    /// Valid forever: for a manager without leader election.
    pub fn unconditional() -> Self {
        Self::with(u64::MAX)
    }

    /// Not valid until an elector confirms a renewal.
    pub fn not_leading() -> Self {
        Self::with(0)
    }

    /// Whether the deadline has not passed.
    pub fn is_valid(&self) -> bool {
        let until = self.0.valid_until_ms.load(Ordering::Acquire);
        until == u64::MAX || self.millis(Instant::now()) < until
    }

    /// The deadline, `None` when unconditional.
    pub fn valid_until(&self) -> Option<Instant> {
        match self.0.valid_until_ms.load(Ordering::Acquire) {
            u64::MAX => None,
            ms => Some(self.0.base + Duration::from_millis(ms)),
        }
    }

    /// Moves the deadline to `until` if that is later.
    fn extend_to(&self, until: Instant) {
        self.0
            .valid_until_ms
            .fetch_max(self.millis(until), Ordering::AcqRel);
    }

    /// Ends validity now.
    fn revoke(&self) {
        self.0.valid_until_ms.store(0, Ordering::Release);
    }

    fn millis(&self, at: Instant) -> u64 {
        // Rounded down: the deadline is never later than the confirmed one.
        u64::try_from(at.saturating_duration_since(self.0.base).as_millis()).unwrap_or(u64::MAX - 1)
    }
}

/// Why leadership ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadershipLost {
    /// No renewal succeeded within the renew deadline.
    RenewDeadlineExceeded,
    /// The Lease names another holder (or none).
    HeldByOther(Option<String>),
}

impl std::fmt::Display for LeadershipLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RenewDeadlineExceeded => {
                f.write_str("could not renew the lease within the renew deadline")
            }
            Self::HeldByOther(Some(holder)) => write!(f, "the lease is now held by {holder}"),
            Self::HeldByOther(None) => f.write_str("the lease is no longer held by us"),
        }
    }
}

/// One candidate in a leader election: [`acquire`](Self::acquire), then
/// [`hold`](Self::hold) until it resolves (leadership lost) or until shutdown, then
/// [`release`](Self::release).
pub struct LeaderElector {
    client: Client,
    config: LeaderElectionConfig,
    /// The lease manager that holds the lock, once acquired.
    leading: Option<LeaseManager>,
    /// The fence the controllers check; extended by every renewal the watchdog confirms.
    leadership: Leadership,
}

impl std::fmt::Debug for LeaderElector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElector")
            .field("config", &self.config)
            .field("leading", &self.leading.is_some())
            .finish()
    }
}

impl LeaderElector {
    /// A candidate; nothing is sent to the API server until [`acquire`](Self::acquire).
    pub fn new(client: Client, config: LeaderElectionConfig) -> Result<Self, Error> {
        config.validate()?;
        Ok(Self {
            client,
            config,
            leading: None,
            leadership: Leadership::not_leading(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &LeaderElectionConfig {
        &self.config
    }

    /// The fence for the work done as leader: valid from [`acquire`](Self::acquire) while
    /// renewals are confirmed, revoked when [`hold`](Self::hold) resolves.
    pub fn leadership(&self) -> Leadership {
        self.leadership.clone()
    }

    /// Whether [`acquire`](Self::acquire) succeeded and the lease was not released since.
    pub fn is_leading(&self) -> bool {
        self.leading.is_some()
    }

    /// Waits until this candidate holds the lease; retries API errors every retry period.
    /// Cancel-safe: drop the future to stop campaigning (e.g. on shutdown).
    pub async fn acquire(&mut self) -> Result<(), Error> {
        let retry = self.config.retry_period;
        info!(lease = %self.config.lease_name, namespace = %self.config.namespace,
              identity = %self.config.identity, "attempting to acquire leader lease");
        loop {
            let started = Instant::now();
            let manager = match self.lease_manager().await {
                Ok(manager) => manager,
                Err(e) => {
                    warn!(error = %e, "cannot read or create the leader-election Lease; retrying");
                    tokio::time::sleep(retry).await;
                    continue;
                }
            };
            // A standby's `changed()` sleeps until the current holder's lease expires; cap it
            // at one retry period and look again with fresh state.
            match tokio::time::timeout(retry, manager.changed()).await {
                Ok(Ok(true)) => {
                    info!(lease = %self.config.lease_name, identity = %self.config.identity,
                          "successfully acquired lease");
                    self.leading = Some(manager);
                    // The fence starts from the renewTime the server holds (an earlier,
                    // timed-out attempt may have been the one that took the lease).
                    if let Some(lost) = self.observe().await {
                        warn!(reason = %lost, "lease lost right after acquiring it; retrying");
                        self.leading = None;
                        continue;
                    }
                    if !self.leadership.is_valid() {
                        // The read failed: fall back to the latest the renewal can have been.
                        self.leadership.extend_to(
                            started
                                .checked_sub(self.config.retry_period)
                                .unwrap_or(started)
                                + self.config.renew_deadline,
                        );
                    }
                    return Ok(());
                }
                Ok(Ok(false)) => {}
                Ok(Err(e)) => {
                    warn!(error = %e, "leader election attempt failed; retrying");
                    tokio::time::sleep(retry.saturating_sub(started.elapsed())).await;
                }
                Err(_) => debug!("lease held by another candidate"),
            }
        }
    }

    /// Keeps renewing the lease; resolves only when leadership is lost. Stop the work that
    /// needs leadership as soon as it resolves: the lease may then expire for the others
    /// within `lease_duration - renew_deadline`.
    ///
    /// # Panics
    /// When called before [`acquire`](Self::acquire) succeeded.
    pub async fn hold(&self) -> LeadershipLost {
        let manager = self
            .leading
            .as_ref()
            .expect("LeaderElector::hold called without holding the lease");
        let renew = async {
            loop {
                match manager.changed().await {
                    Ok(false) => return LeadershipLost::HeldByOther(None),
                    Ok(true) => {}
                    Err(e) => {
                        // Keep trying: the watchdog decides when it has been too long.
                        warn!(error = %e, "failed to renew the leader lease; retrying");
                        tokio::time::sleep(self.config.retry_period).await;
                    }
                }
            }
        };
        let lost = tokio::select! {
            lost = renew => lost,
            lost = self.watchdog() => lost,
            lost = self.deadline() => lost,
        };
        self.leadership.revoke();
        lost
    }

    /// Resolves exactly when the fence's deadline passes without a newer confirmed renewal —
    /// not at the next watchdog tick, which could be after the lease expired for the others.
    async fn deadline(&self) -> LeadershipLost {
        loop {
            let Some(until) = self.leadership.valid_until() else {
                return futures::future::pending().await;
            };
            tokio::time::sleep_until(until.into()).await;
            if !self.leadership.is_valid() {
                return LeadershipLost::RenewDeadlineExceeded;
            }
        }
    }

    /// Reads the Lease every retry period (or more often, see below); resolves when it names
    /// another holder, and moves the fence's deadline for every renewal it sees.
    async fn watchdog(&self) -> LeadershipLost {
        // A renewal happens every retry period and is seen at the next read, so it is
        // confirmed up to `retry + poll` after it happened; that must stay well inside the
        // renew deadline or a healthy leader would step down. With client-go's defaults
        // (10 s / 2 s) this is the retry period; with tight test timings it is shorter.
        let poll = self.config.retry_period.min(self.config.renew_deadline / 4);
        loop {
            tokio::time::sleep(poll).await;
            if let Some(lost) = self.observe().await {
                return lost;
            }
        }
    }

    /// Reads the Lease once: `Some` when it names another holder; otherwise moves the fence's
    /// deadline to `renewTime + renew_deadline`. A failed read changes nothing — the deadline
    /// decides when it has been too long.
    async fn observe(&self) -> Option<LeadershipLost> {
        let api: Api<Lease> = Api::namespaced(self.client.clone(), &self.config.namespace);
        let asked_at = Instant::now();
        match tokio::time::timeout(self.config.retry_period, api.get(&self.config.lease_name)).await
        {
            Ok(Ok(lease)) => {
                let spec = lease.spec.unwrap_or_default();
                if spec.holder_identity.as_deref() != Some(self.config.identity.as_str()) {
                    return Some(LeadershipLost::HeldByOther(spec.holder_identity));
                }
                // renewTime was written with this process's clock, so its age is exact; the
                // renewal happened no later than `asked_at - age` on the monotonic clock.
                if let Some(renewed) = spec.renew_time {
                    let age = SystemTime::now()
                        .duration_since(SystemTime::from(renewed.0))
                        .unwrap_or_default();
                    let renewal = asked_at.checked_sub(age).unwrap_or(asked_at);
                    self.leadership
                        .extend_to(renewal + self.config.renew_deadline);
                }
            }
            Ok(Err(e)) => warn!(error = %e, "cannot read the leader lease"),
            Err(_) => warn!("cannot read the leader lease: API server did not answer in time"),
        }
        None
    }

    /// Clears the holder so a standby can take over at once. Safe to call when not leading.
    pub async fn release(&mut self) -> Result<(), Error> {
        self.leadership.revoke();
        let Some(manager) = self.leading.take() else {
            return Ok(());
        };
        let timeout = self.config.retry_period.saturating_mul(2);
        match tokio::time::timeout(timeout, manager.release()).await {
            Ok(Ok(())) => {
                info!(lease = %self.config.lease_name, "released leader lease");
                Ok(())
            }
            Ok(Err(e)) => Err(Error::LeaderElection(format!(
                "cannot release the lease: {e}"
            ))),
            Err(_) => Err(Error::LeaderElection(
                "cannot release the lease: API server did not answer in time".into(),
            )),
        }
    }

    async fn lease_manager(&self) -> Result<LeaseManager, kube_lease_manager::LeaseManagerError> {
        let duration = self.config.lease_duration.as_secs().max(2);
        // kube-lease-manager renews `grace` seconds before expiry; renewing every retry period
        // (client-go's cadence) leaves the most room for failed attempts.
        let grace = duration
            .saturating_sub(self.config.retry_period.as_secs().max(1))
            .clamp(1, duration - 1);
        LeaseManagerBuilder::new(self.client.clone(), &self.config.lease_name)
            .with_namespace(&self.config.namespace)
            .with_identity(&self.config.identity)
            .with_duration(duration)
            .with_grace(grace)
            .build()
            .await
    }
}
