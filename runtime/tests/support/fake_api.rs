//! An in-process fake of the few API-server endpoints a manager with leader election uses,
//! served to `kube::Client` through tower — no cluster, no binaries, real timing.
//!
//! Unlike the scripted `testing::MockServer`, it keeps state, so several clients (candidates)
//! can contend for one Lease. It honours what makes leader election safe on a real API
//! server: `resourceVersion` preconditions (409 on a stale update or patch) and
//! server-side-apply field ownership of `holderIdentity` (409 when another field manager owns
//! a different holder, which is how kube-lease-manager's takeover is made exclusive).
//!
//! Each client has a [`Fault`] switch, to make its requests hang or fail like a partitioned
//! or overloaded API server.
#![allow(dead_code)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use http::{Method, Request, Response};
use kube::Client;
use kube::client::Body;
use serde_json::{Value, json};

/// What a client's requests currently do.
#[derive(Clone, Default)]
pub struct Fault(Arc<AtomicU8>);

impl Fault {
    /// Requests are served.
    pub fn heal(&self) {
        self.0.store(0, Ordering::SeqCst);
    }
    /// Requests never get an answer (a partition; kube's client has no read timeout).
    pub fn hang(&self) {
        self.0.store(1, Ordering::SeqCst);
    }
    /// Requests get 500 Internal Server Error.
    pub fn fail(&self) {
        self.0.store(2, Ordering::SeqCst);
    }
}

/// One write to a Lease's `holderIdentity` or `renewTime`, for assertions on the history.
#[derive(Clone, Debug)]
pub struct LeaseWrite {
    pub at: SystemTime,
    pub holder: Option<String>,
    pub renew_time: Option<String>,
}

#[derive(Default)]
struct State {
    resource_version: u64,
    /// (namespace, name) → the Lease as JSON.
    leases: HashMap<(String, String), Value>,
    /// (namespace, name) → the field manager owning `spec.holderIdentity`.
    holder_owner: HashMap<(String, String), String>,
    history: Vec<LeaseWrite>,
    config_maps: Vec<Value>,
}

/// The shared API server state; clone it freely.
#[derive(Clone, Default)]
pub struct FakeApi(Arc<Mutex<State>>);

impl FakeApi {
    /// A fake holding the given ConfigMaps (what controllers on ConfigMaps will see).
    pub fn with_config_maps(names: &[&str]) -> Self {
        let fake = Self::default();
        {
            let mut state = fake.0.lock().unwrap();
            for (i, name) in names.iter().enumerate() {
                state.config_maps.push(json!({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": name, "namespace": "default",
                                 "uid": format!("uid-{i}"), "resourceVersion": "1"},
                    "data": {}
                }));
            }
        }
        fake
    }

    /// A client of this fake and the switch for its faults.
    pub fn client(&self) -> (Client, Fault) {
        let fault = Fault::default();
        let (fake, switch) = (self.clone(), fault.clone());
        let service = tower::service_fn(move |request: Request<Body>| {
            let (fake, fault) = (fake.clone(), switch.clone());
            async move { Ok::<_, Infallible>(fake.serve(request, &fault).await) }
        });
        (Client::new(service, "default"), fault)
    }

    /// The Lease `default/name`, if it exists.
    pub fn lease(&self, name: &str) -> Option<Value> {
        let state = self.0.lock().unwrap();
        state
            .leases
            .get(&("default".to_string(), name.to_string()))
            .cloned()
    }

    /// The current holder of the Lease `default/name`.
    pub fn holder(&self, name: &str) -> Option<String> {
        self.lease(name)?["spec"]["holderIdentity"]
            .as_str()
            .map(str::to_string)
    }

    /// Every write to a Lease, in order.
    pub fn history(&self) -> Vec<LeaseWrite> {
        self.0.lock().unwrap().history.clone()
    }

    async fn serve(&self, request: Request<Body>, fault: &Fault) -> Response<Body> {
        match fault.0.load(Ordering::SeqCst) {
            1 => futures::future::pending::<()>().await,
            2 => return status(500, "InternalError", "injected failure"),
            _ => {}
        }
        let (parts, body) = request.into_parts();
        let bytes = body.collect_bytes().await.unwrap_or_default();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let path = parts.uri.path().to_string();
        let query = parts.uri.query().unwrap_or("").to_string();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let field_manager = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("fieldManager="))
            .unwrap_or("unknown")
            .to_string();

        match (parts.method.clone(), segments.as_slice()) {
            (
                method,
                [
                    "apis",
                    "coordination.k8s.io",
                    "v1",
                    "namespaces",
                    ns,
                    "leases",
                    rest @ ..,
                ],
            ) => {
                let key = |name: &str| (ns.to_string(), name.to_string());
                match (method, rest) {
                    (Method::POST, []) => self.create_lease(ns, body),
                    (Method::GET, [name]) => match self.0.lock().unwrap().leases.get(&key(name)) {
                        Some(lease) => ok(200, lease),
                        None => status(404, "NotFound", "lease not found"),
                    },
                    (Method::PUT, [name]) => self.update_lease(key(name), body),
                    (Method::PATCH, [name]) => {
                        self.patch_lease(key(name), body, &content_type, &field_manager)
                    }
                    _ => status(405, "MethodNotAllowed", "not supported by the fake"),
                }
            }
            (Method::GET, ["api", "v1", "configmaps"]) => {
                if query
                    .split('&')
                    .any(|kv| kv == "watch=true" || kv == "watch=1")
                {
                    // Nothing ever changes: the watch stays open until the client goes away.
                    futures::future::pending::<()>().await;
                }
                let items = self.0.lock().unwrap().config_maps.clone();
                ok(
                    200,
                    &json!({"apiVersion": "v1", "kind": "ConfigMapList",
                            "metadata": {"resourceVersion": "1"}, "items": items}),
                )
            }
            (
                Method::POST,
                [
                    "apis",
                    "authorization.k8s.io",
                    "v1",
                    "selfsubjectaccessreviews",
                ],
            ) => {
                let mut review = body;
                review["status"] = json!({"allowed": true});
                ok(201, &review)
            }
            (Method::POST, ["apis", "events.k8s.io", "v1", "namespaces", _, "events"]) => {
                ok(201, &body)
            }
            _ => status(
                404,
                "NotFound",
                &format!("{} {path} is not faked", parts.method),
            ),
        }
    }

    fn create_lease(&self, ns: &str, mut lease: Value) -> Response<Body> {
        let mut state = self.0.lock().unwrap();
        let name = lease["metadata"]["name"].as_str().unwrap_or("").to_string();
        let key = (ns.to_string(), name);
        if state.leases.contains_key(&key) {
            return status(409, "AlreadyExists", "lease already exists");
        }
        lease["metadata"]["namespace"] = json!(ns);
        state.store(key, lease)
    }

    fn update_lease(&self, key: (String, String), lease: Value) -> Response<Body> {
        let mut state = self.0.lock().unwrap();
        let Some(current) = state.leases.get(&key) else {
            return status(404, "NotFound", "lease not found");
        };
        if lease["metadata"]["resourceVersion"] != current["metadata"]["resourceVersion"] {
            return conflict();
        }
        state.store(key, lease)
    }

    fn patch_lease(
        &self,
        key: (String, String),
        patch: Value,
        content_type: &str,
        field_manager: &str,
    ) -> Response<Body> {
        let mut state = self.0.lock().unwrap();
        let Some(mut lease) = state.leases.get(&key).cloned() else {
            return status(404, "NotFound", "lease not found");
        };
        if let Some(expected) = patch["metadata"].get("resourceVersion")
            && *expected != lease["metadata"]["resourceVersion"]
        {
            return conflict();
        }
        let spec_patch = patch["spec"].as_object().cloned().unwrap_or_default();
        let apply = content_type.starts_with("application/apply-patch");
        if apply && let Some(new_holder) = spec_patch.get("holderIdentity") {
            // Server-side apply without force: a field another manager owns may not change.
            let current = &lease["spec"]["holderIdentity"];
            let owner = state.holder_owner.get(&key);
            if !current.is_null()
                && current != new_holder
                && owner.is_some_and(|o| o != field_manager)
            {
                return conflict();
            }
        }
        if !lease["spec"].is_object() {
            lease["spec"] = json!({});
        }
        for (field, value) in &spec_patch {
            if value.is_null() {
                lease["spec"].as_object_mut().unwrap().remove(field);
            } else {
                lease["spec"][field] = value.clone();
            }
        }
        if let Some(holder) = spec_patch.get("holderIdentity") {
            if holder.is_null() {
                state.holder_owner.remove(&key);
            } else {
                state
                    .holder_owner
                    .insert(key.clone(), field_manager.to_string());
            }
        }
        state.store(key, lease)
    }
}

impl State {
    fn store(&mut self, key: (String, String), mut lease: Value) -> Response<Body> {
        self.resource_version += 1;
        lease["metadata"]["resourceVersion"] = json!(self.resource_version.to_string());
        lease["apiVersion"] = json!("coordination.k8s.io/v1");
        lease["kind"] = json!("Lease");
        let spec = &lease["spec"];
        self.history.push(LeaseWrite {
            at: SystemTime::now(),
            holder: spec["holderIdentity"].as_str().map(str::to_string),
            renew_time: spec["renewTime"].as_str().map(str::to_string),
        });
        self.leases.insert(key, lease.clone());
        ok(200, &lease)
    }
}

fn ok(code: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(code)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

fn status(code: u16, reason: &str, message: &str) -> Response<Body> {
    ok(
        code,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": message, "reason": reason, "code": code}),
    )
}

fn conflict() -> Response<Body> {
    status(
        409,
        "Conflict",
        "Operation cannot be fulfilled on leases.coordination.k8s.io: the object has been modified",
    )
}
