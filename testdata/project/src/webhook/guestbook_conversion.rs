//! The conversion webhook of Guestbook: v1 is the hub (the stored version); v2
//! converts to and from it with the `From` impls in
//! `api/src/webapp/<version>/guestbook_conversion.rs`. The Manager serves it at `/convert`;
//! the CRD's `spec.conversion` (from `cargo operator manifests`) sends the API server there.

use api::webapp::v1::Guestbook;
use cargo_operator_runtime::webhook::Conversion;

/// Every version of Guestbook, converted through the hub.
pub fn conversion() -> Conversion<Guestbook> {
    Conversion::new().spoke::<api::webapp::v2::Guestbook>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_converts_through_the_hub() {
        let versions = conversion().api_versions();
        assert!(
            versions.contains(&"webapp.example.com/v1".to_string()),
            "{versions:?}"
        );
        assert!(
            versions.contains(&"webapp.example.com/v2".to_string()),
            "{versions:?}"
        );
    }
}
