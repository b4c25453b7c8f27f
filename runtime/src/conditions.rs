//! Helpers for `status.conditions` (`metav1.Condition`), following the Kubernetes API
//! conventions that `meta.SetStatusCondition` implements in apimachinery.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;

/// The resource is fully reconciled and working.
pub const READY: &str = "Ready";
/// The resource is being created or changed.
pub const PROGRESSING: &str = "Progressing";
/// The resource failed to reach or keep its desired state.
pub const DEGRADED: &str = "Degraded";

/// Sets the condition `type_` in `conditions`, adding it if missing.
///
/// `lastTransitionTime` only changes when the status changes, as the conventions require; the
/// reason, message and observed generation are always updated. Returns whether anything
/// changed, so a reconciler can skip a status write that would be a no-op.
pub fn set_condition(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: bool,
    reason: &str,
    message: &str,
    observed_generation: Option<i64>,
) -> bool {
    let status = if status { "True" } else { "False" };
    set_condition_status(
        conditions,
        type_,
        status,
        reason,
        message,
        observed_generation,
    )
}

/// Like [`set_condition`] with any status string (`True`, `False` or `Unknown`).
pub fn set_condition_status(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    observed_generation: Option<i64>,
) -> bool {
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(existing) => {
            let mut changed = false;
            if existing.status != status {
                existing.status = status.to_string();
                existing.last_transition_time = now();
                changed = true;
            }
            if existing.reason != reason {
                existing.reason = reason.to_string();
                changed = true;
            }
            if existing.message != message {
                existing.message = message.to_string();
                changed = true;
            }
            if existing.observed_generation != observed_generation {
                existing.observed_generation = observed_generation;
                changed = true;
            }
            changed
        }
        None => {
            conditions.push(Condition {
                type_: type_.to_string(),
                status: status.to_string(),
                reason: reason.to_string(),
                message: message.to_string(),
                observed_generation,
                last_transition_time: now(),
            });
            true
        }
    }
}

/// The condition of type `type_`, if present.
pub fn find_condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// Whether the condition `type_` is present with status `True`.
pub fn is_true(conditions: &[Condition], type_: &str) -> bool {
    find_condition(conditions, type_).is_some_and(|c| c.status == "True")
}

/// Removes the condition `type_`; returns whether it was present.
pub fn remove_condition(conditions: &mut Vec<Condition>, type_: &str) -> bool {
    let before = conditions.len();
    conditions.retain(|c| c.type_ != type_);
    conditions.len() != before
}

/// The API server stores `lastTransitionTime` with second precision; truncating here keeps a
/// written condition equal to the one read back.
fn now() -> Time {
    let seconds = Timestamp::now().as_second();
    Time(Timestamp::from_second(seconds).expect("the current time is a valid timestamp"))
}
