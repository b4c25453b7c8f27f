//! Admission and conversion webhooks: kubebuilder's paths.

/// kubebuilder's path for a webhook: `/mutate-<group with dots as dashes>-<version>-<kind
/// lowercased>` (mutating) or `/validate-…`, e.g. `/mutate-webapp-example-com-v1-guestbook`;
/// for the core group (`""`), `/mutate--v1-pod`.
pub fn default_path(mutating: bool, group: &str, version: &str, kind: &str) -> String {
    let prefix = if mutating { "mutate" } else { "validate" };
    format!(
        "/{prefix}-{}-{version}-{}",
        group.replace('.', "-"),
        kind.to_lowercase()
    )
}

/// The path of every conversion webhook (kubebuilder's), dispatched on the objects' group and
/// kind.
pub const CONVERSION_PATH: &str = "/convert";
