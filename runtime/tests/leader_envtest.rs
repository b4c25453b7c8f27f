//! Leader election on a real Lease: the `leader_demo` example operator (a ConfigMap controller
//! that records `<pid> <start-ms> <end-ms>` of every reconcile) runs as separate processes
//! against one envtest control plane, and the recorded intervals prove "never two leaders".
//!
//! The processes are this test binary re-executed in "demo mode" (`leader_demo_process`
//! below runs `examples/leader_demo.rs`), so `cargo test --test leader_envtest` needs no
//! separately built example.
#![cfg(feature = "envtest")]

#[allow(dead_code)]
#[path = "../examples/leader_demo.rs"]
mod demo;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ObjectMeta, PostParams};

const ARGS_VAR: &str = "LEADER_DEMO_ARGS";
const LEASE: &str = "leader-demo";
/// Short timings so the test takes seconds: lease 4 s, renew deadline 3 s, retry 1 s.
const LEASE_DURATION: Duration = Duration::from_secs(4);

/// Not a test on its own: the entry point of a demo process (see the module docs).
#[test]
fn leader_demo_process() {
    let Ok(args) = std::env::var(ARGS_VAR) else {
        return;
    };
    let args = std::iter::once("leader_demo".to_string())
        .chain(args.split('\x1f').map(str::to_string))
        .collect::<Vec<_>>();
    let code = demo::run(args);
    // ExitCode has no accessor; the manager's codes are 0 and 1.
    std::process::exit(if code == std::process::ExitCode::SUCCESS {
        0
    } else {
        1
    });
}

/// A demo operator process; killed on drop so a failing test leaves no orphan.
struct Demo {
    child: Child,
    pid: u32,
    log: PathBuf,
}

impl Demo {
    fn start(dir: &Path, kubeconfig: &Path, runs: &Path, n: usize) -> Demo {
        let args = [
            "--leader-elect",
            "--leader-election-id",
            LEASE,
            "--leader-election-namespace",
            "default",
            "--lease-duration",
            "4s",
            "--renew-deadline",
            "3s",
            "--retry-period",
            "1s",
            "--metrics-bind-address",
            "0",
            "--health-probe-bind-address",
            "0",
            "--log-level",
            "info,cargo_operator_runtime=debug",
        ]
        .join("\x1f");
        let log = dir.join(format!("demo-{n}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "leader_demo_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ARGS_VAR, args)
            .env("KUBECONFIG", kubeconfig)
            .env("RECONCILE_LOG", runs)
            .env("HOSTNAME", format!("demo-{n}"))
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let pid = child.id();
        Demo { child, pid, log }
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) on the pid of a child we have not reaped yet.
        let rc = unsafe { libc::kill(self.pid as libc::pid_t, signal) };
        assert_eq!(rc, 0, "kill({}, {signal})", self.pid);
    }

    fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < timeout,
                "demo {} did not exit within {timeout:?}; its log:\n{}",
                self.pid,
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One recorded reconcile.
#[derive(Debug, Clone)]
struct Run {
    pid: u32,
    start: u128,
    end: u128,
    object: String,
}

fn runs(path: &Path) -> Vec<Run> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            Run {
                pid: f[0].parse().unwrap(),
                start: f[1].parse().unwrap(),
                end: f[2].parse().unwrap(),
                object: f[3].to_string(),
            }
        })
        .collect()
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

/// "Never two leaders": no two reconciles of different processes overlap in time.
fn assert_never_two_leaders(all: &[Run]) {
    for a in all {
        for b in all {
            if a.pid != b.pid {
                assert!(
                    a.end <= b.start || b.end <= a.start,
                    "two processes reconciled at once: {a:?} and {b:?}"
                );
            }
        }
    }
}

async fn create_config_map(api: &Api<ConfigMap>, name: &str) {
    let cm = ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    api.create(&PostParams::default(), &cm).await.unwrap();
}

async fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until every object in `names` was reconciled by `pid` and nothing has been recorded
/// for `quiet`: then no reconcile is in flight.
async fn wait_reconciled_and_idle(runs_file: &Path, pid: u32, names: &[String], quiet: Duration) {
    wait_until(
        "the objects to be reconciled",
        Duration::from_secs(30),
        || {
            let all = runs(runs_file);
            names.iter().all(|n| {
                all.iter()
                    .any(|r| r.pid == pid && r.object == format!("default/{n}"))
            })
        },
    )
    .await;
    let mut count = runs(runs_file).len();
    let mut since = Instant::now();
    while since.elapsed() < quiet {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = runs(runs_file).len();
        if now != count {
            (count, since) = (now, Instant::now());
        }
    }
}

async fn holder(leases: &Api<Lease>) -> Option<String> {
    leases
        .get_opt(LEASE)
        .await
        .unwrap()
        .and_then(|l| l.spec)
        .and_then(|s| s.holder_identity)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_lead_at_once_through_sigterm_sigstop_and_sigcont() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    env.write_kubeconfig(&kubeconfig).unwrap();
    let runs_file = dir.path().join("runs");
    let client = env.client().unwrap();
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let leases: Api<Lease> = Api::namespaced(client.clone(), "default");

    let names: Vec<String> = (0..3).map(|i| format!("cm-{i}")).collect();
    for name in &names {
        create_config_map(&config_maps, name).await;
    }

    // 1. Two replicas start together: exactly one reconciles.
    let mut demos = vec![
        Demo::start(dir.path(), &kubeconfig, &runs_file, 1),
        Demo::start(dir.path(), &kubeconfig, &runs_file, 2),
    ];
    wait_until("a leader to reconcile", Duration::from_secs(30), || {
        !runs(&runs_file).is_empty()
    })
    .await;
    let leader_pid = runs(&runs_file)[0].pid;
    wait_reconciled_and_idle(&runs_file, leader_pid, &names, LEASE_DURATION).await;
    assert!(
        runs(&runs_file).iter().all(|r| r.pid == leader_pid),
        "only the leader reconciles: {:?}",
        runs(&runs_file)
    );
    let (leader_idx, standby_idx) = if demos[0].pid == leader_pid {
        (0, 1)
    } else {
        (1, 0)
    };
    let standby_pid = demos[standby_idx].pid;
    let old_holder = holder(&leases).await.expect("the leader holds the lease");
    assert!(
        old_holder.starts_with(&format!("demo-{}_", leader_idx + 1)),
        "{old_holder}"
    );

    // 2. SIGTERM to the leader: it releases the lease and the standby takes over at once.
    let term_sent = now_ms();
    demos[leader_idx].signal(libc::SIGTERM);
    let status = demos[leader_idx].wait(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "graceful shutdown exits 0");
    let exited = now_ms();
    let log = demos[leader_idx].log_text();
    assert!(log.contains("released leader lease"), "{log}");
    assert_ne!(holder(&leases).await.as_deref(), Some(old_holder.as_str()));
    create_config_map(&config_maps, "after-sigterm").await;
    wait_until("the standby to take over", Duration::from_secs(20), || {
        runs(&runs_file).iter().any(|r| r.pid == standby_pid)
    })
    .await;
    let first_by_standby = runs(&runs_file)
        .iter()
        .filter(|r| r.pid == standby_pid)
        .map(|r| r.start)
        .min()
        .unwrap();
    let sigterm_takeover = first_by_standby.saturating_sub(exited);
    eprintln!(
        "envtest: SIGTERM → leader exited after {} ms; standby's first reconcile {} ms after that",
        exited - term_sent,
        sigterm_takeover
    );
    assert!(
        sigterm_takeover < LEASE_DURATION.as_millis(),
        "a released lease is taken over well before it would expire ({sigterm_takeover} ms)"
    );

    // 3. A new standby; the leader (the old standby) is frozen when idle with SIGSTOP.
    let mut all_names = names.clone();
    all_names.push("after-sigterm".into());
    wait_reconciled_and_idle(&runs_file, standby_pid, &all_names, Duration::from_secs(1)).await;
    demos.push(Demo::start(dir.path(), &kubeconfig, &runs_file, 3));
    let third_pid = demos[2].pid;
    // Let the new one come up and settle into campaigning.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(runs(&runs_file).iter().all(|r| r.pid != third_pid));
    let frozen = standby_idx;
    let stop_sent = now_ms();
    demos[frozen].signal(libc::SIGSTOP);
    // Work arrives while the leader is frozen; its watch will deliver it on SIGCONT.
    create_config_map(&config_maps, "while-stopped").await;
    wait_until(
        "the third process to take over",
        Duration::from_secs(30),
        || runs(&runs_file).iter().any(|r| r.pid == third_pid),
    )
    .await;
    let first_by_third = runs(&runs_file)
        .iter()
        .filter(|r| r.pid == third_pid)
        .map(|r| r.start)
        .min()
        .unwrap();
    let sigstop_takeover = first_by_third - stop_sent;
    eprintln!("envtest: SIGSTOP → the other took over after {sigstop_takeover} ms (lease 4 s)");
    assert!(
        sigstop_takeover + 1000 >= LEASE_DURATION.as_millis(),
        "a frozen leader's lease is taken over only once it expired ({sigstop_takeover} ms)"
    );

    // 4. SIGCONT: the old leader steps down (exit 1) without reconciling again.
    let cont_sent = now_ms();
    demos[frozen].signal(libc::SIGCONT);
    let status = demos[frozen].wait(Duration::from_secs(20));
    assert_eq!(status.code(), Some(1), "lost leadership exits non-zero");
    eprintln!(
        "envtest: SIGCONT → stepped down in {} ms",
        now_ms() - cont_sent
    );
    create_config_map(&config_maps, "after-sigcont").await;
    let later: Vec<String> = vec!["while-stopped".into(), "after-sigcont".into()];
    wait_reconciled_and_idle(&runs_file, third_pid, &later, Duration::from_millis(500)).await;
    assert!(demos[2].running());

    let all = runs(&runs_file);
    assert!(
        all.iter()
            .filter(|r| r.pid == standby_pid)
            .all(|r| r.end < stop_sent),
        "the frozen leader reconciled after it was stopped: {all:?}"
    );
    assert!(
        !all.iter()
            .any(|r| r.pid == standby_pid && r.object == "default/while-stopped"),
        "the queued work was not done by the frozen leader"
    );
    assert!(
        all.iter()
            .any(|r| r.pid == third_pid && r.object == "default/while-stopped")
    );
    assert_never_two_leaders(&all);
    let old_log = demos[frozen].log_text();
    assert!(old_log.contains("leader election lost"), "{old_log}");
    eprintln!(
        "envtest: {} reconciles by 3 processes, none overlapping; lease holder now {:?}",
        all.len(),
        holder(&leases).await
    );
}
