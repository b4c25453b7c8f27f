//! The Kubernetes version cargo-operator targets: the k8s-openapi feature of generated
//! projects, the envtest control plane of `make test` and the schemas of Kubernetes' own
//! types must all agree on it, so it is written here and nowhere else.

/// The Kubernetes release generated projects and envtest use by default.
pub const VERSION: &str = "1.35.4";

/// The `k8s-openapi` feature that selects [`VERSION`]'s API (`v1_<minor>`).
pub const K8S_OPENAPI_FEATURE: &str = "v1_35";

/// The etcd release that Kubernetes [`VERSION`] is tested with (its `build/dependencies.yaml`).
pub const ETCD_VERSION: &str = "3.6.6";

/// The `k8s-openapi` minor release line generated projects depend on (it supports
/// [`K8S_OPENAPI_FEATURE`]).
pub const K8S_OPENAPI_VERSION: &str = "0.29";

#[cfg(test)]
mod tests {
    #[test]
    fn the_feature_names_the_minor_version() {
        let minor = super::VERSION.split('.').nth(1).unwrap();
        assert_eq!(super::K8S_OPENAPI_FEATURE, format!("v1_{minor}"));
    }
}
