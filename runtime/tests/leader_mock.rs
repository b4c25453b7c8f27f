//! Leader election under contention and failure, against an in-process fake API server that
//! honours resourceVersion and field-ownership conflicts (`support/fake_api.rs`).
//!
//! Timing is real and short: lease 3 s, renew deadline 2 s, retry 1 s.

#[path = "support/fake_api.rs"]
mod fake_api;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cargo_operator_runtime::leader::{LeaderElectionConfig, LeaderElector};
use cargo_operator_runtime::{Action, Controller, Manager, ManagerOptions};
use fake_api::FakeApi;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ObjectMeta, PostParams};
use tokio::sync::oneshot;

const LEASE: &str = "demo-leader";
const LEASE_DURATION: Duration = Duration::from_secs(3);

/// One reconcile: which manager, and when it ran (wall clock, comparable across managers).
#[derive(Clone, Debug)]
struct Run {
    manager: &'static str,
    start: SystemTime,
    end: SystemTime,
}

type Runs = Arc<Mutex<Vec<Run>>>;

fn options() -> ManagerOptions {
    ManagerOptions::try_parse_from([
        "manager",
        "--leader-elect",
        "--leader-election-id",
        LEASE,
        "--leader-election-namespace",
        "default",
        "--lease-duration",
        "3s",
        "--renew-deadline",
        "2s",
        "--retry-period",
        "1s",
        "--metrics-bind-address",
        "0",
        "--health-probe-bind-address",
        "0",
    ])
    .unwrap()
}

/// A manager whose controller reconciles ConfigMaps for `work`, requeueing after `every`
/// (so a leader reconciles continuously), recording each run.
fn manager(
    fake: &FakeApi,
    tag: &'static str,
    runs: &Runs,
    work: Duration,
    every: Duration,
) -> (Manager, fake_api::Fault) {
    let (client, fault) = fake.client();
    let mut manager = Manager::with_client("demo", options(), client);
    let runs = runs.clone();
    manager.add_controller(Controller::<ConfigMap>::new(
        "configmap",
        move |_cm: Arc<ConfigMap>, _ctx| {
            let runs = runs.clone();
            async move {
                let start = SystemTime::now();
                tokio::time::sleep(work).await;
                runs.lock().unwrap().push(Run {
                    manager: tag,
                    start,
                    end: SystemTime::now(),
                });
                Ok(Action::requeue(every))
            }
        },
    ));
    (manager, fault)
}

/// Runs `manager` until the returned sender fires (or it stops by itself); the task's result
/// is the exit code and the instant `run` returned.
fn spawn(
    manager: Manager,
) -> (
    oneshot::Sender<()>,
    tokio::task::JoinHandle<(ExitCode, SystemTime)>,
) {
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let code = manager
            .run_until(async move {
                let _ = stopped.await;
            })
            .await;
        (code, SystemTime::now())
    });
    (stop, task)
}

fn runs_of(runs: &Runs, tag: &str) -> Vec<Run> {
    runs.lock()
        .unwrap()
        .iter()
        .filter(|r| r.manager == tag)
        .cloned()
        .collect()
}

async fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// "Never two leaders": every reconcile of `before` ended before any of `after` started.
fn assert_no_overlap(runs: &Runs, before: &str, after: &str) {
    let last_before = runs_of(runs, before).iter().map(|r| r.end).max();
    let first_after = runs_of(runs, after).iter().map(|r| r.start).min();
    if let (Some(end), Some(start)) = (last_before, first_after) {
        assert!(
            end <= start,
            "{before}'s last reconcile ended {:?} after {after}'s first began",
            end.duration_since(start).unwrap_or_default()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_rejects_stale_updates_with_409() {
    let fake = FakeApi::default();
    let (client, _) = fake.client();
    let api: Api<Lease> = Api::namespaced(client, "default");
    let lease = Lease {
        metadata: ObjectMeta {
            name: Some("l".into()),
            ..Default::default()
        },
        spec: Default::default(),
    };
    let created = api.create(&PostParams::default(), &lease).await.unwrap();
    let updated = api
        .replace("l", &PostParams::default(), &created)
        .await
        .unwrap();
    assert_ne!(
        created.metadata.resource_version,
        updated.metadata.resource_version
    );
    // `created` carries the old resourceVersion now.
    let err = api
        .replace("l", &PostParams::default(), &created)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, kube::Error::Api(s) if s.code == 409 && s.reason == "Conflict"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_electors_contending_exactly_one_acquires() {
    let fake = FakeApi::default();
    let config = |id: &str| LeaderElectionConfig {
        identity: id.into(),
        lease_duration: LEASE_DURATION,
        renew_deadline: Duration::from_secs(2),
        retry_period: Duration::from_secs(1),
        ..LeaderElectionConfig::new(LEASE, "default")
    };
    let mut a = LeaderElector::new(fake.client().0, config("a")).unwrap();
    let mut b = LeaderElector::new(fake.client().0, config("b")).unwrap();
    // Both campaign at once; the first to acquire holds (renews) the lease while the other
    // keeps campaigning for longer than a lease duration.
    let a_won = tokio::select! {
        r = a.acquire() => { r.unwrap(); true }
        r = b.acquire() => { r.unwrap(); false }
    };
    let (winner, loser) = if a_won {
        (&mut a, &mut b)
    } else {
        (&mut b, &mut a)
    };
    let winner_hold = winner.hold();
    let contest = tokio::time::timeout(LEASE_DURATION * 2, loser.acquire());
    tokio::select! {
        lost = winner_hold => panic!("the winner lost the lease: {lost}"),
        r = contest => assert!(r.is_err(), "the loser acquired a held lease"),
    }
    assert!(winner.leadership().is_valid());
    assert!(!loser.leadership().is_valid());
    let (winner, loser) = if a_won { ("a", "b") } else { ("b", "a") };
    assert_eq!(fake.holder(LEASE).as_deref(), Some(winner));
    assert!(
        fake.history()
            .iter()
            .all(|w| w.holder.as_deref() != Some(loser)),
        "the loser never held the lease"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_managers_one_leads_and_sigterm_hands_over_at_once() {
    let fake = FakeApi::with_config_maps(&["settings"]);
    let runs = Runs::default();
    let work = Duration::from_millis(100);
    let (a, _) = manager(&fake, "a", &runs, work, Duration::from_millis(200));
    let (b, _) = manager(&fake, "b", &runs, work, Duration::from_millis(200));
    let (stop_a, task_a) = spawn(a);
    let (stop_b, task_b) = spawn(b);

    wait_for("a leader to reconcile", Duration::from_secs(10), || {
        !runs.lock().unwrap().is_empty()
    })
    .await;
    // Longer than a lease duration: the standby must stay a standby.
    tokio::time::sleep(LEASE_DURATION + Duration::from_secs(1)).await;
    let leader = runs.lock().unwrap()[0].manager;
    let standby = if leader == "a" { "b" } else { "a" };
    assert!(
        runs_of(&runs, standby).is_empty(),
        "both managers reconciled while contending: {:?}",
        runs.lock().unwrap()
    );
    let holder = fake.holder(LEASE).expect("the lease has a holder");

    // Graceful shutdown of the leader (what the signal handler triggers).
    let (stop_leader, task_leader, stop_standby, task_standby) = if leader == "a" {
        (stop_a, task_a, stop_b, task_b)
    } else {
        (stop_b, task_b, stop_a, task_a)
    };
    stop_leader.send(()).unwrap();
    let (code, stopped_at) = task_leader.await.unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    let released = fake
        .history()
        .iter()
        .any(|w| w.holder.is_none() && w.renew_time.is_none());
    assert!(released, "the leader cleared holderIdentity on shutdown");
    assert_ne!(fake.holder(LEASE).as_deref(), Some(holder.as_str()));

    wait_for("the standby to take over", Duration::from_secs(10), || {
        !runs_of(&runs, standby).is_empty()
    })
    .await;
    let first = runs_of(&runs, standby)[0].start;
    let takeover = first.duration_since(stopped_at).unwrap_or_default();
    eprintln!("mock: standby reconciled {takeover:?} after the leader's graceful exit");
    assert!(
        takeover < LEASE_DURATION,
        "a released lease is taken over within a retry period, not after expiry: {takeover:?}"
    );
    assert_no_overlap(&runs, leader, standby);

    stop_standby.send(()).unwrap();
    assert_eq!(task_standby.await.unwrap().0, ExitCode::SUCCESS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_in_flight_reconcile_then_releases_the_lease() {
    let fake = FakeApi::with_config_maps(&["settings"]);
    let runs = Runs::default();
    // One long reconcile; no requeue before the test ends.
    let (m, _) = manager(
        &fake,
        "a",
        &runs,
        Duration::from_millis(1500),
        Duration::from_secs(3600),
    );
    let (stop, task) = spawn(m);
    wait_for("the lease to be acquired", Duration::from_secs(10), || {
        fake.holder(LEASE).is_some()
    })
    .await;
    // The reconcile is now sleeping inside its 1.5 s of work.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(runs.lock().unwrap().is_empty(), "still in flight");
    let asked = SystemTime::now();
    stop.send(()).unwrap();
    let (code, exited) = task.await.unwrap();
    assert_eq!(code, ExitCode::SUCCESS);

    let done = runs_of(&runs, "a");
    assert_eq!(done.len(), 1, "the in-flight reconcile finished: {done:?}");
    assert!(done[0].end > asked && done[0].end <= exited);
    let release = fake
        .history()
        .into_iter()
        .rfind(|w| w.holder.is_none())
        .expect("the lease was released");
    assert!(
        release.at >= done[0].end,
        "the lease is released only after the in-flight reconcile finished"
    );
    assert_eq!(fake.holder(LEASE), None);
}

/// The leader's API requests start to hang (or fail): it must stop reconciling and exit
/// non-zero before its lease can expire for the standby, and the standby takes over after.
async fn leader_losing_the_api_server(hang: bool) {
    let fake = FakeApi::with_config_maps(&["settings"]);
    let runs = Runs::default();
    let work = Duration::from_millis(100);
    let (a, fault_a) = manager(&fake, "a", &runs, work, Duration::from_millis(100));
    let (stop_a, task_a) = spawn(a);
    wait_for("a to lead", Duration::from_secs(10), || {
        !runs_of(&runs, "a").is_empty()
    })
    .await;
    let (b, _) = manager(&fake, "b", &runs, work, Duration::from_millis(100));
    let (stop_b, task_b) = spawn(b);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(runs_of(&runs, "b").is_empty());

    let cut = SystemTime::now();
    if hang {
        fault_a.hang();
    } else {
        fault_a.fail();
    }
    let (code, a_stopped) = tokio::time::timeout(Duration::from_secs(10), task_a)
        .await
        .expect("the leader gives up")
        .unwrap();
    assert_eq!(code, ExitCode::FAILURE, "lost leadership exits non-zero");

    // When the lease expires for others: a's last renewal plus the lease duration.
    let last_renewal = fake
        .history()
        .iter()
        .filter(|w| w.holder.as_deref().is_some_and(|h| h != "b") && w.at <= cut)
        .map(|w| w.at)
        .max()
        .expect("a renewed");
    let expiry = last_renewal + LEASE_DURATION;
    let a_last_end = runs_of(&runs, "a").iter().map(|r| r.end).max().unwrap();
    assert!(
        a_last_end < expiry && a_stopped < expiry,
        "a stopped {:?} before its lease expired",
        expiry.duration_since(a_stopped).unwrap_or_default()
    );
    eprintln!(
        "mock ({}): leader stopped {:?} after its last renewal, {:?} before the lease expired",
        if hang { "hang" } else { "500" },
        a_stopped.duration_since(last_renewal).unwrap_or_default(),
        expiry.duration_since(a_stopped).unwrap_or_default()
    );
    drop(stop_a);

    wait_for("b to take over", Duration::from_secs(10), || {
        !runs_of(&runs, "b").is_empty()
    })
    .await;
    assert_no_overlap(&runs, "a", "b");
    let b_first = runs_of(&runs, "b")[0].start;
    assert!(b_first >= expiry, "b waited for the lease to expire");

    stop_b.send(()).unwrap();
    assert_eq!(task_b.await.unwrap().0, ExitCode::SUCCESS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leader_whose_requests_hang_stops_before_its_lease_expires() {
    leader_losing_the_api_server(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leader_whose_renewals_fail_stops_before_its_lease_expires() {
    leader_losing_the_api_server(false).await;
}
