//! [`ApiScope`]: an `Api` for a kind whatever its scope, so that code generic over kinds
//! (the controller, the context) can address namespaced and cluster-scoped kinds alike.

use kube::Client;
use kube::api::Api;
use kube::core::{ClusterResourceScope, NamespaceResourceScope, Resource};

/// How to build an `Api` for a kind of a given scope (namespaced or cluster).
pub trait ApiScope {
    /// An `Api` in `namespace` (namespaced kinds; the client's default namespace when `None`)
    /// or cluster wide.
    fn api<K>(client: Client, namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>;

    /// An `Api` to watch: in `namespace` (namespaced kinds) or in all namespaces when `None`;
    /// cluster wide for cluster-scoped kinds.
    fn watch_api<K>(client: Client, namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>;
}

impl ApiScope for NamespaceResourceScope {
    fn api<K>(client: Client, namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>,
    {
        match namespace {
            Some(ns) => Api::namespaced(client, ns),
            None => Api::default_namespaced(client),
        }
    }

    fn watch_api<K>(client: Client, namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>,
    {
        match namespace {
            Some(ns) => Api::namespaced(client, ns),
            None => Api::all(client),
        }
    }
}

impl ApiScope for ClusterResourceScope {
    fn api<K>(client: Client, _namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>,
    {
        Api::all(client)
    }

    fn watch_api<K>(client: Client, _namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>,
    {
        Api::all(client)
    }
}
