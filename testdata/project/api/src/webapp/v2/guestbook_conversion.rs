//! Conversion between Guestbook v2 (this version) and Guestbook v1, the hub:
//! the version every other one converts to and from, and the one stored. The API server asks
//! the operator's conversion webhook whenever a client reads or writes a version other than
//! the stored one; the Manager answers with these two `From` impls (`TryFrom`, for a
//! conversion that can fail, works too).
//!
//! A conversion must be lossless both ways: an object written at v2 and read back at
//! v2 is unchanged, and so is one written at v1. A field that only one side has
//! survives the round trip in an annotation (see the kubebuilder book's multiversion tutorial).

use super::{Guestbook, GuestbookSpec, GuestbookStatus};
use crate::webapp::v1 as hub;

impl From<hub::Guestbook> for Guestbook {
    fn from(hub: hub::Guestbook) -> Self {
        // TODO(user): convert the fields that differ between the versions.
        Guestbook {
            metadata: hub.metadata,
            spec: GuestbookSpec {
                replicas: hub.spec.replicas,
            },
            status: hub.status.map(|status| GuestbookStatus {
                conditions: status.conditions,
            }),
        }
    }
}

impl From<Guestbook> for hub::Guestbook {
    fn from(spoke: Guestbook) -> Self {
        // TODO(user): convert the fields that differ between the versions.
        hub::Guestbook {
            metadata: spoke.metadata,
            spec: hub::GuestbookSpec {
                replicas: spoke.spec.replicas,
            },
            status: spoke.status.map(|status| hub::GuestbookStatus {
                conditions: status.conditions,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_trip_through_the_hub_changes_nothing() {
        let mut object = Guestbook::new("test", GuestbookSpec { replicas: Some(2) });
        object.status = Some(GuestbookStatus::default());
        let back = Guestbook::from(hub::Guestbook::from(object.clone()));
        assert_eq!(
            (back.metadata, back.spec, back.status),
            (object.metadata, object.spec, object.status)
        );
    }
}
