//! The real API server as the judge: our CRDs on one envtest control plane, controller-gen's
//! on another, every object of the corpus sent to both, and what each server did with it —
//! its verdict and the object it stored — compared.

use cargo_operator_runtime::envtest::Environment;
use cargo_operator_runtime::kube::api::{Api, ApiResource, DynamicObject, ListParams, PostParams};
use cargo_operator_runtime::kube::{self, Client};
use serde_json::{Value, json};
use std::collections::BTreeMap;

use super::compare::Difference;
use super::corpus::{Case, ObjectFile};

/// One API server with one tool's CRDs installed.
pub struct Server<'a> {
    pub client: Client,
    pub crds: &'a BTreeMap<(String, String), Value>,
    /// CRDs the server refused, by `(group, kind)`, with its reason.
    pub refused: &'a BTreeMap<(String, String), String>,
}

/// What a server did with one object file.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub accepted: bool,
    /// Why it was rejected (the server's message), or empty.
    pub message: String,
    /// The object as stored, metadata noise removed (`None` when nothing was stored).
    pub stored: Option<Value>,
    /// `GET .../scale` of the object, where the CRD has a scale subresource.
    pub scale: Option<Value>,
}

#[derive(Default)]
pub struct Tally {
    pub judged: usize,
    pub agreed: usize,
    /// Scale subresources read (that controller-gen's server answered), and lists with a field
    /// selector made, on both servers.
    pub scales: usize,
    pub selections: usize,
    /// Objects whose `ok-`/`bad-` prefix controller-gen's CRD does not bear out: the corpus
    /// itself is wrong.
    pub corpus_errors: Vec<String>,
}

pub async fn judge(
    cases: &[Case],
    ours: &Server<'_>,
    theirs: &Server<'_>,
    differences: &mut Vec<Difference>,
    tally: &mut Tally,
) {
    for case in cases {
        let mut accepted_by_theirs = Vec::new();
        for file in &case.objects {
            let (a, b) = tokio::join!(apply(ours, file), apply(theirs, file));
            tally.judged += 1;
            let mut agreed = a.accepted == b.accepted;
            if b.accepted != file.expect_accepted {
                tally.corpus_errors.push(format!(
                    "{}/objects/{}.yaml: controller-gen's CRD {} it{}",
                    case.name,
                    file.name,
                    if b.accepted { "accepts" } else { "rejects" },
                    if b.message.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", b.message)
                    }
                ));
            }
            // A scale read can fail on both (an object without the replicas field); the two
            // answers are compared all the same. Count the reads that gave a scale.
            if b.scale.as_ref().is_some_and(Value::is_object) {
                tally.scales += 1;
            }
            if a.accepted != b.accepted {
                differences.push(Difference {
                    case: case.name.clone(),
                    path: format!("object:{}", file.name),
                    ours: Some(verdict(&a)),
                    theirs: Some(verdict(&b)),
                });
            }
            for (what, x, y) in [
                ("stored", &a.stored, &b.stored),
                ("scale", &a.scale, &b.scale),
            ] {
                if x == y {
                    continue;
                }
                agreed = false;
                let mut diffs = Vec::new();
                match (x, y) {
                    (Some(x), Some(y)) => super::compare::diff(x, y, "", &mut diffs),
                    _ => diffs.push((String::new(), x.clone(), y.clone())),
                }
                for (path, x, y) in diffs {
                    differences.push(Difference {
                        case: case.name.clone(),
                        path: format!("object:{}/{what}{path}", file.name),
                        ours: x,
                        theirs: y,
                    });
                }
            }
            if b.accepted {
                accepted_by_theirs.push((file, b.stored.clone()));
            }
            if agreed {
                tally.agreed += 1;
            }
        }
        select_fields(case, &accepted_by_theirs, ours, theirs, differences, tally).await;
    }
}

fn verdict(outcome: &Outcome) -> Value {
    if outcome.accepted {
        json!("accepted")
    } else {
        json!(format!("rejected: {}", outcome.message))
    }
}

/// The served resource of `api_version`/`kind` as this server's CRD defines it.
fn resource(
    server: &Server<'_>,
    api_version: &str,
    kind: &str,
) -> Result<(ApiResource, bool, Value), String> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let key = (group.to_string(), kind.to_string());
    if let Some(why) = server.refused.get(&key) {
        return Err(format!("its CRD was refused: {why}"));
    }
    let crd = server
        .crds
        .get(&key)
        .ok_or_else(|| format!("no CRD for {kind}.{group}"))?;
    let plural = crd["spec"]["names"]["plural"].as_str().unwrap_or_default();
    let version_spec = crd["spec"]["versions"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["name"] == version))
        .cloned()
        .unwrap_or(Value::Null);
    Ok((
        ApiResource {
            group: group.into(),
            version: version.into(),
            api_version: api_version.into(),
            kind: kind.into(),
            plural: plural.into(),
        },
        crd["spec"]["scope"] == "Namespaced",
        version_spec,
    ))
}

fn api(client: &Client, resource: &ApiResource, namespaced: bool) -> Api<DynamicObject> {
    if namespaced {
        Api::namespaced_with(client.clone(), "default", resource)
    } else {
        Api::all_with(client.clone(), resource)
    }
}

fn error_text(error: kube::Error) -> String {
    match error {
        kube::Error::Api(status) => {
            format!("{} {}: {}", status.code, status.reason, status.message)
        }
        other => other.to_string(),
    }
}

/// `document` with the file's name (and the namespace `default` when namespaced) unless it
/// names its own.
fn object(document: &Value, name: &str, namespaced: bool) -> Value {
    let mut object = document.clone();
    if !object["metadata"].is_object() {
        object["metadata"] = json!({});
    }
    if object["metadata"]["name"].is_null() {
        object["metadata"]["name"] = json!(name);
    }
    if namespaced && object["metadata"]["namespace"].is_null() {
        object["metadata"]["namespace"] = json!("default");
    }
    object
}

/// Creates the file's first document (then writes its `status` through the status
/// subresource, where there is one), applies every further document as an update, and reads
/// the object back.
async fn apply(server: &Server<'_>, file: &ObjectFile) -> Outcome {
    let first = &file.documents[0];
    let api_version = first["apiVersion"].as_str().unwrap_or_default();
    let kind = first["kind"].as_str().unwrap_or_default();
    let (resource, namespaced, version) = match resource(server, api_version, kind) {
        Ok(found) => found,
        Err(why) => {
            return Outcome {
                accepted: false,
                message: why,
                stored: None,
                scale: None,
            };
        }
    };
    let api = api(&server.client, &resource, namespaced);
    let name = file.name.clone();
    let has_status = version["subresources"].get("status").is_some();
    let has_scale = version["subresources"].get("scale").is_some();
    let mut message = String::new();

    let body = object(first, &name, namespaced);
    let created: Result<DynamicObject, String> = match serde_json::from_value(body.clone()) {
        Ok(dynamic) => api
            .create(&PostParams::default(), &dynamic)
            .await
            .map_err(error_text),
        Err(e) => Err(format!("not an object: {e}")),
    };
    match created {
        Err(why) => message = format!("create: {why}"),
        Ok(created) => {
            if has_status && let Some(status) = body.get("status") {
                let mut with_status = serde_json::to_value(&created).unwrap();
                with_status["status"] = status.clone();
                let with_status: DynamicObject = serde_json::from_value(with_status).unwrap();
                if let Err(e) = api
                    .replace_status(&name, &PostParams::default(), &with_status)
                    .await
                {
                    message = format!("status: {}", error_text(e));
                }
            }
            for (i, document) in file.documents.iter().enumerate().skip(1) {
                if !message.is_empty() {
                    break;
                }
                let current = match api.get(&name).await {
                    Ok(current) => current,
                    Err(e) => {
                        message = format!("get before update {i}: {}", error_text(e));
                        break;
                    }
                };
                let mut update = object(document, &name, namespaced);
                update["metadata"]["resourceVersion"] =
                    json!(current.metadata.resource_version.clone());
                let dynamic: DynamicObject = serde_json::from_value(update).unwrap();
                if let Err(e) = api.replace(&name, &PostParams::default(), &dynamic).await {
                    message = format!("update {i}: {}", error_text(e));
                }
            }
        }
    }
    let stored = api
        .get_opt(&name)
        .await
        .ok()
        .flatten()
        .map(|o| without_noise(serde_json::to_value(o).unwrap()));
    let scale = if has_scale && stored.is_some() {
        Some(match api.get_scale(&name).await {
            Ok(scale) => without_noise(serde_json::to_value(scale).unwrap()),
            Err(e) => json!(format!("error: {}", error_text(e))),
        })
    } else {
        None
    };
    Outcome {
        accepted: message.is_empty(),
        message,
        stored,
        scale,
    }
}

/// The object without what the server makes up per object (uid, resourceVersion, timestamps,
/// managedFields, generation): only what the object holds is compared.
fn without_noise(mut object: Value) -> Value {
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.retain(|key, _| {
            matches!(
                key.as_str(),
                "name" | "namespace" | "labels" | "annotations"
            )
        });
    }
    object
}

/// For each selectable field of controller-gen's CRD, a list with a field selector on the
/// value an accepted object holds there must return the same objects on both servers.
async fn select_fields(
    case: &Case,
    accepted: &[(&ObjectFile, Option<Value>)],
    ours: &Server<'_>,
    theirs: &Server<'_>,
    differences: &mut Vec<Difference>,
    tally: &mut Tally,
) {
    for (file, stored) in accepted {
        let Some(stored) = stored else { continue };
        let api_version = stored["apiVersion"].as_str().unwrap_or_default();
        let kind = stored["kind"].as_str().unwrap_or_default();
        let Ok((_, _, version)) = resource(theirs, api_version, kind) else {
            continue;
        };
        for field in version["selectableFields"].as_array().into_iter().flatten() {
            let path = field["jsonPath"].as_str().unwrap_or_default();
            let pointer = path.replace('.', "/");
            let Some(value) = stored.pointer(&pointer).and_then(Value::as_str) else {
                continue;
            };
            let selector = format!("{}={value}", path.trim_start_matches('.'));
            let (a, b) = tokio::join!(
                list(ours, api_version, kind, &selector),
                list(theirs, api_version, kind, &selector)
            );
            tally.selections += 1;
            if !b
                .as_array()
                .is_some_and(|names| names.contains(&json!(file.name)))
            {
                tally.corpus_errors.push(format!(
                    "{}/objects/{}.yaml: controller-gen's server does not select it by {selector}: {b}",
                    case.name, file.name
                ));
            }
            if a != b {
                differences.push(Difference {
                    case: case.name.clone(),
                    path: format!(
                        "object:{}/select/{}",
                        file.name,
                        path.trim_start_matches('.')
                    ),
                    ours: Some(a),
                    theirs: Some(b),
                });
            }
        }
    }
}

async fn list(server: &Server<'_>, api_version: &str, kind: &str, selector: &str) -> Value {
    let (resource, namespaced, _) = match resource(server, api_version, kind) {
        Ok(found) => found,
        Err(why) => return json!(format!("error: {why}")),
    };
    let params = ListParams::default().fields(selector);
    match api(&server.client, &resource, namespaced)
        .list(&params)
        .await
    {
        Ok(list) => {
            let mut names: Vec<String> = list
                .items
                .into_iter()
                .filter_map(|o| o.metadata.name)
                .collect();
            names.sort();
            json!(names)
        }
        Err(e) => json!(format!("error: {}", error_text(e))),
    }
}

/// Installs `crds` on `env`, all at once when it accepts them all, else one by one; returns
/// the refused ones with the server's reason.
pub fn install(
    env: &Environment,
    crds: &BTreeMap<(String, String), Value>,
) -> BTreeMap<(String, String), String> {
    let mut refused = BTreeMap::new();
    if env.install_crds(crds.values().cloned()).is_ok() {
        return refused;
    }
    for (key, crd) in crds {
        if let Err(e) = env.install_crds([crd.clone()]) {
            refused.insert(key.clone(), e.to_string());
        }
    }
    refused
}
