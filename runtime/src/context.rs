//! What every reconcile gets besides the object: the client and an event recorder.

use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use kube::core::{Resource, ResourceExt};
use kube_runtime::events::{Event, EventType, Recorder, Reporter};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::scope::ApiScope;

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

    /// The field manager of this controller's server-side applies: its name.
    pub fn field_manager(&self) -> &str {
        &self.controller_name
    }

    /// Server-side applies `obj` as this controller's field manager: creates it, or makes the
    /// fields this controller manages exactly what `obj` says (and drops the ones it no
    /// longer sets), taking them over from other managers. Idempotent: applying the same
    /// object again changes nothing.
    pub async fn apply<K>(&self, obj: &K) -> Result<K, kube::Error>
    where
        K: Resource<DynamicType = ()> + Serialize + DeserializeOwned + Clone + std::fmt::Debug,
        K::Scope: ApiScope,
    {
        let params = PatchParams::apply(&self.controller_name).force();
        self.api_for(obj)
            .patch(&obj.name_any(), &params, &Patch::Apply(obj))
            .await
    }

    /// Server-side applies the status of `obj` (through the status subresource) as this
    /// controller's field manager: the status fields this controller sets are exactly
    /// `status`, the rest (other managers') are left alone.
    pub async fn apply_status<K, S>(&self, obj: &K, status: &S) -> Result<K, kube::Error>
    where
        K: Resource<DynamicType = ()> + DeserializeOwned + Clone + std::fmt::Debug,
        K::Scope: ApiScope,
        S: Serialize,
    {
        let patch = serde_json::json!({
            "apiVersion": K::api_version(&()),
            "kind": K::kind(&()),
            "metadata": { "name": obj.name_any() },
            "status": status,
        });
        let params = PatchParams::apply(&self.controller_name).force();
        self.api_for(obj)
            .patch_status(&obj.name_any(), &params, &Patch::Apply(&patch))
            .await
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
