//! Leader-election configuration checks; the election itself is exercised against a real
//! API server with envtest.

use std::time::Duration;

use cargo_operator_runtime::leader::{LeaderElectionConfig, LeaderElector, default_identity};
use cargo_operator_runtime::testing;

#[test]
fn defaults_are_client_go_timings() {
    let c = LeaderElectionConfig::new("op-leader-election", "ops");
    assert_eq!(c.lease_duration, Duration::from_secs(15));
    assert_eq!(c.renew_deadline, Duration::from_secs(10));
    assert_eq!(c.retry_period, Duration::from_secs(2));
    assert!(c.validate().is_ok());
}

#[test]
fn identities_are_unique_and_name_the_host() {
    let (a, b) = (default_identity(), default_identity());
    assert_ne!(a, b);
    assert!(a.contains('_'), "{a}");
}

#[tokio::test]
async fn rejects_inconsistent_timings() {
    let (client, _server) = testing::mock_client();
    let mut c = LeaderElectionConfig::new("l", "default");
    c.renew_deadline = Duration::from_secs(20);
    let err = LeaderElector::new(client.clone(), c).unwrap_err();
    assert!(err.to_string().contains("--lease-duration"), "{err}");

    let mut c = LeaderElectionConfig::new("l", "default");
    c.retry_period = Duration::from_secs(10);
    let err = LeaderElector::new(client, c).unwrap_err();
    assert!(err.to_string().contains("--renew-deadline"), "{err}");
}
