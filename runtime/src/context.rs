//! What every reconcile gets besides the object: the client and an event recorder.

use kube::Client;
use kube::api::Api;
use kube::core::{ClusterResourceScope, NamespaceResourceScope, Resource, ResourceExt};
use kube_runtime::events::{Event, EventType, Recorder, Reporter};

/// Shared, read-only state handed to every reconcile of one controller.
pub struct Context {
    client: Client,
    controller_name: String,
    recorder: Recorder,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("controller_name", &self.controller_name)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// A context for the controller `controller_name`; events are reported by that
    /// controller from this pod (`POD_NAME`, else the host name).
    pub fn new(client: Client, controller_name: impl Into<String>) -> Self {
        let controller_name = controller_name.into();
        let instance = std::env::var("POD_NAME")
            .ok()
            .or_else(|| Reporter::from(controller_name.as_str()).instance);
        let reporter = Reporter {
            controller: controller_name.clone(),
            instance,
        };
        Self {
            recorder: Recorder::new(client.clone(), reporter),
            client,
            controller_name,
        }
    }

    /// The Kubernetes client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The name of the controller this context belongs to.
    pub fn controller_name(&self) -> &str {
        &self.controller_name
    }

    /// The kube-runtime event recorder, for events with a related object.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// An `Api` for objects like `obj`: in its namespace when the kind is namespaced, cluster
    /// wide otherwise — e.g. `ctx.api_for(&*obj).patch_status(..)`.
    pub fn api_for<K>(&self, obj: &K) -> Api<K>
    where
        K: Resource<DynamicType = ()>,
        K::Scope: ApiScope,
    {
        K::Scope::api(self.client.clone(), obj.namespace().as_deref())
    }

    /// Publishes an `events.k8s.io/v1` Event about `obj` (shown by `kubectl describe`).
    /// Repeats of the same event are folded into one Event series by the recorder.
    pub async fn publish_event<K: Resource<DynamicType = ()>>(
        &self,
        obj: &K,
        type_: EventType,
        reason: impl Into<String>,
        action: impl Into<String>,
        note: Option<String>,
    ) -> Result<(), kube::Error> {
        let event = Event {
            type_,
            reason: reason.into(),
            note: note.map(truncate_note),
            action: action.into(),
            secondary: None,
        };
        self.recorder.publish(&event, &obj.object_ref(&())).await
    }
}

/// The API server rejects an Event note above 1 kB.
fn truncate_note(mut note: String) -> String {
    const MAX_NOTE_BYTES: usize = 1024;
    if note.len() > MAX_NOTE_BYTES {
        let mut cut = MAX_NOTE_BYTES - 3;
        while !note.is_char_boundary(cut) {
            cut -= 1;
        }
        note.truncate(cut);
        note.push_str("...");
    }
    note
}

/// How to build an `Api` for a kind of a given scope (namespaced or cluster).
pub trait ApiScope {
    /// An `Api` in `namespace` (namespaced kinds) or cluster wide.
    fn api<K>(client: Client, namespace: Option<&str>) -> Api<K>
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
}

impl ApiScope for ClusterResourceScope {
    fn api<K>(client: Client, _namespace: Option<&str>) -> Api<K>
    where
        K: Resource<DynamicType = (), Scope = Self>,
    {
        Api::all(client)
    }
}
