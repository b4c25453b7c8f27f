use std::time::Duration;

use cargo_operator_runtime::options::{parse_bind_address, parse_duration};
use cargo_operator_runtime::{LogFormat, ManagerOptions};

#[test]
fn defaults_match_kubebuilder_but_metrics_stay_on_loopback() {
    let o = ManagerOptions::default();
    // Plain-HTTP metrics are for `make run` on a workstation: kubebuilder's `:8080` would
    // publish them to every network the machine is on. The deployed manager asks for
    // `--metrics-bind-address=:8443 --metrics-secure`.
    assert_eq!(o.metrics_bind_address, "127.0.0.1:8080");
    assert_eq!(o.health_probe_bind_address, ":8081");
    assert!(!o.leader_elect);
    assert!(!o.metrics_secure);
    assert_eq!(o.lease_duration, Duration::from_secs(15));
    assert_eq!(o.renew_deadline, Duration::from_secs(10));
    assert_eq!(o.retry_period, Duration::from_secs(2));
    assert_eq!(o.max_concurrent_reconciles, 1);
    assert_eq!(o.log_format, LogFormat::Text);
    assert_eq!(
        o.leader_election_id_for("guestbook-operator"),
        "guestbook-operator-leader-election"
    );
    assert_eq!(
        o.metrics_addr().unwrap().unwrap().to_string(),
        "127.0.0.1:8080"
    );
}

#[test]
fn parses_flags() {
    let o = ManagerOptions::try_parse_from([
        "op",
        "--leader-elect",
        "--leader-election-id=x.example.com",
        "--leader-election-namespace=ops",
        "--lease-duration=30s",
        "--renew-deadline=20s",
        "--retry-period=500ms",
        "--log-format=json",
        "--log-level=debug",
        "--max-concurrent-reconciles=4",
        "--metrics-bind-address=0",
        "--metrics-secure=false",
    ])
    .unwrap();
    assert!(o.leader_elect);
    assert_eq!(o.leader_election_id_for("op"), "x.example.com");
    assert_eq!(o.leader_election_namespace(), "ops");
    assert_eq!(o.lease_duration, Duration::from_secs(30));
    assert_eq!(o.retry_period, Duration::from_millis(500));
    assert_eq!(o.log_format, LogFormat::Json);
    assert_eq!(o.log_level.as_deref(), Some("debug"));
    assert_eq!(o.max_concurrent_reconciles, 4);
    assert_eq!(o.metrics_addr().unwrap(), None);
    assert!(ManagerOptions::try_parse_from(["op", "--lease-duration=soon"]).is_err());
}

#[test]
fn go_style_values() {
    assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
    assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
    assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
    assert!(parse_duration("10x").is_err());
    assert!(parse_duration("").is_err());
    assert_eq!(
        parse_bind_address("127.0.0.1:9443", "x")
            .unwrap()
            .unwrap()
            .port(),
        9443
    );
    assert_eq!(
        parse_bind_address("[::1]:8443", "x")
            .unwrap()
            .unwrap()
            .port(),
        8443
    );
    assert_eq!(
        parse_bind_address("localhost:80", "x")
            .unwrap()
            .unwrap()
            .to_string(),
        "127.0.0.1:80"
    );
    assert!(parse_bind_address("0", "x").unwrap().is_none());
    assert!(parse_bind_address("nope", "x").is_err());
}
