use cargo_operator_runtime::conditions::{self, DEGRADED, READY};
use cargo_operator_runtime::k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use cargo_operator_runtime::k8s_openapi::jiff::Timestamp;

fn old_time() -> Time {
    Time(Timestamp::from_second(1_000_000).unwrap())
}

#[test]
fn adds_a_missing_condition() {
    let mut list = Vec::new();
    assert!(conditions::set_condition(
        &mut list,
        READY,
        true,
        "Reconciled",
        "ok",
        Some(3)
    ));
    assert_eq!(list.len(), 1);
    let c = &list[0];
    assert_eq!((c.type_.as_str(), c.status.as_str()), ("Ready", "True"));
    assert_eq!(
        (c.reason.as_str(), c.message.as_str()),
        ("Reconciled", "ok")
    );
    assert_eq!(c.observed_generation, Some(3));
    // The API server keeps seconds only; a written condition must read back equal.
    assert_eq!(c.last_transition_time.0.subsec_nanosecond(), 0);
}

#[test]
fn keeps_last_transition_time_when_status_is_unchanged() {
    let mut list = vec![Condition {
        type_: READY.into(),
        status: "True".into(),
        reason: "Old".into(),
        message: "old".into(),
        observed_generation: Some(1),
        last_transition_time: old_time(),
    }];
    assert!(conditions::set_condition(
        &mut list,
        READY,
        true,
        "New",
        "new",
        Some(2)
    ));
    assert_eq!(list[0].last_transition_time, old_time());
    assert_eq!(list[0].reason, "New");
    assert_eq!(list[0].observed_generation, Some(2));
    // Setting the same again is a no-op.
    assert!(!conditions::set_condition(
        &mut list,
        READY,
        true,
        "New",
        "new",
        Some(2)
    ));
}

#[test]
fn updates_last_transition_time_when_status_changes() {
    let mut list = vec![Condition {
        type_: READY.into(),
        status: "True".into(),
        reason: "Ok".into(),
        message: String::new(),
        observed_generation: None,
        last_transition_time: old_time(),
    }];
    assert!(conditions::set_condition(
        &mut list, READY, false, "Failed", "boom", None
    ));
    assert_eq!(list[0].status, "False");
    assert_ne!(list[0].last_transition_time, old_time());
    assert!(!conditions::is_true(&list, READY));
}

#[test]
fn find_remove_and_independent_types() {
    let mut list = Vec::new();
    conditions::set_condition(&mut list, READY, true, "A", "", None);
    conditions::set_condition(&mut list, DEGRADED, false, "B", "", None);
    assert_eq!(list.len(), 2);
    assert!(conditions::is_true(&list, READY));
    assert_eq!(
        conditions::find_condition(&list, DEGRADED).unwrap().reason,
        "B"
    );
    assert!(conditions::remove_condition(&mut list, READY));
    assert!(!conditions::remove_condition(&mut list, READY));
    assert!(conditions::find_condition(&list, READY).is_none());
    assert_eq!(conditions::PROGRESSING, "Progressing");
}
