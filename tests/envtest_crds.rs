//! Every CRD we generate — the golden project's `config/crd/bases` and every CRD snapshot of the
//! derive (`derive/tests/snapshots/*.snap`) — on a real kube-apiserver (envtest): each must be
//! accepted and become Established, and for each a table of valid and invalid objects (explicit
//! cases per fixture plus cases generated from the bounds, lengths, patterns, enums, item
//! counts and required fields the schema declares) must be judged by the server exactly as our
//! offline validator judges them.
//!
//! The offline validator is `jsonschema` with Draft 4 semantics over the `openAPIV3Schema`, plus
//! the two OpenAPI-v3.0 rules the API server applies before validating and Draft 4 lacks:
//! `nullable: true` admits `null` (and a `null` is then not checked against the node's `oneOf`/`anyOf`), and null non-nullable fields are pruned and `default`s filled
//! in (apiextensions' structural defaulting). CEL rules (`x-kubernetes-validations`), transition
//! rules (`oldSelf`, checked on update) and list-type/list-map-key uniqueness are beyond any
//! JSON-schema validator: those cases are server-only, and the server must still judge them as
//! the table expects.
//!
//! Needs the envtest binaries (`cargo operator envtest use`): without them it skips with one
//! line, except with `CI=true`, where it fails.

mod support;

use cargo_operator_runtime::envtest::{Environment, EnvironmentBuilder};
use cargo_operator_runtime::kube::api::{Api, ApiResource, DynamicObject, PostParams};
use cargo_operator_runtime::kube::{self, Client};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::{Map, Value, json};
use std::path::Path;
use std::time::Instant;
use support::envtest::{wrap_spec_schema, yaml_documents};
use support::repo_root;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_generated_crd_is_established_and_judged_like_the_offline_validator() {
    let started = Instant::now();
    let mut tally = Tally::default();
    for source in sources() {
        let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
            return;
        };
        check_source(&env, &source, &mut tally).await;
    }
    println!(
        "server/offline agreement: {} of {} cases ({} CEL/transition cases server-only)",
        tally.agreed, tally.judged, tally.server_only
    );
    println!(
        "  CRDs established: {} of {}; server judged as expected: {} of {} cases; plain Draft 4 \
         (no nullable/defaulting, as spine.rs) agrees on {} of {} ({:.1?})",
        tally.established,
        tally.crds,
        tally.as_expected,
        tally.judged + tally.server_only,
        tally.plain_agreed,
        tally.judged,
        started.elapsed()
    );
    assert!(
        tally.failures.is_empty(),
        "{} failure(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    assert!(tally.judged > 0 && tally.server_only > 0, "no cases ran");
}

#[derive(Default)]
struct Tally {
    crds: usize,
    established: usize,
    judged: usize,
    agreed: usize,
    plain_agreed: usize,
    server_only: usize,
    as_expected: usize,
    failures: Vec<String>,
}

/// CRDs that are installed together on one control plane (golden and derive fixtures share
/// names, so each source gets its own).
struct Source {
    label: String,
    crds: Vec<Value>,
}

fn sources() -> Vec<Source> {
    let root = repo_root();
    let mut sources = vec![Source {
        label: "testdata/project/config/crd/bases".into(),
        // The schemas are judged here, with no operator running: a conversion webhook would
        // refuse every request (it is called by the API server in lifecycle.rs and
        // envtest_operator.rs), so the CRDs convert by `None`, which only relabels.
        crds: yaml_files(&root.join("testdata/project/config/crd/bases"))
            .iter()
            .flat_map(|text| yaml_documents(text))
            .map(|mut crd| {
                if let Some(spec) = crd["spec"].as_object_mut() {
                    spec.remove("conversion");
                }
                crd
            })
            .collect(),
    }];
    for path in files_with_extension(&root.join("derive/tests/snapshots"), "snap") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = snapshot_body(&std::fs::read_to_string(&path).unwrap());
        let crds = yaml_documents(&body)
            .into_iter()
            .filter_map(|doc| {
                if doc["kind"] == "CustomResourceDefinition" {
                    Some(doc)
                } else if doc.get("properties").is_some() {
                    // A snapshot of a spec schema only: check it as the spec of a CRD.
                    Some(wrap_spec_schema(doc))
                } else {
                    None
                }
            })
            .collect::<Vec<_>>();
        if !crds.is_empty() {
            sources.push(Source {
                label: format!("derive/tests/snapshots/{name}"),
                crds,
            });
        }
    }
    assert!(sources.len() > 1, "no derive CRD snapshots found");
    sources
}

/// The YAML of an insta snapshot: what follows its `---`-delimited header.
fn snapshot_body(text: &str) -> String {
    let rest = text
        .strip_prefix("---\n")
        .expect("an insta snapshot header");
    let end = rest
        .find("\n---\n")
        .expect("the end of the snapshot header");
    rest[end + "\n---\n".len()..].to_string()
}

async fn check_source(env: &Environment, source: &Source, tally: &mut Tally) {
    let client = env.client().unwrap();
    for raw in &source.crds {
        tally.crds += 1;
        let name = raw["metadata"]["name"].as_str().unwrap_or("?").to_string();
        let here = format!("{} ({name})", source.label);
        let crd: CustomResourceDefinition = match serde_json::from_value(raw.clone()) {
            Ok(crd) => crd,
            Err(error) => {
                tally.failures.push(format!("{here}: not a CRD: {error}"));
                continue;
            }
        };
        if let Err(error) = env.install_crds([crd]) {
            tally
                .failures
                .push(format!("{here}: rejected by the API server: {error}"));
            continue;
        }
        tally.established += 1;
        for version in raw["spec"]["versions"].as_array().unwrap() {
            if version["served"] != true {
                continue;
            }
            let kind = Kind::new(raw, version);
            let Some(table) = table(&source.label, &kind.kind) else {
                tally.failures.push(format!(
                    "{here}: no sample table for {} {}: add one to table() in {}",
                    kind.resource.api_version,
                    kind.kind,
                    file!()
                ));
                continue;
            };
            let mut cases = table.cases;
            cases.extend(generated_cases(&kind, &table.base));
            let offline = Offline::new(&kind.schema);
            for (index, case) in cases.iter().enumerate() {
                let here = format!("{here} {}: case `{}`", kind.kind, case.name);
                let object = kind.object(&format!("case-{index}"), &case.body);
                let server = match &case.old {
                    None => kind.create(&client, &object).await,
                    Some(old) => {
                        let old = kind.object(&format!("case-{index}"), old);
                        kind.update(&client, &old, &object).await
                    }
                };
                let server = match server {
                    Ok(verdict) => verdict,
                    Err(error) => {
                        tally.failures.push(format!("{here}: {error}"));
                        continue;
                    }
                };
                if server.is_ok() == case.valid {
                    tally.as_expected += 1;
                } else {
                    tally.failures.push(format!(
                        "{here}: expected {} but the server {} {object}",
                        verdict_word(case.valid),
                        server_word(&server)
                    ));
                }
                if case.server_only {
                    tally.server_only += 1;
                    continue;
                }
                tally.judged += 1;
                let judged = offline.judge(&object);
                if judged.is_ok() == server.is_ok() {
                    tally.agreed += 1;
                } else {
                    tally.failures.push(format!(
                        "{here}: the server {} but offline {} {object}",
                        server_word(&server),
                        offline_word(&judged)
                    ));
                }
                if offline.plain.is_valid(&object) == server.is_ok() {
                    tally.plain_agreed += 1;
                }
            }
        }
    }
}

fn verdict_word(valid: bool) -> &'static str {
    if valid { "accepted" } else { "rejected" }
}

fn server_word(verdict: &Result<(), String>) -> String {
    match verdict {
        Ok(()) => "accepted".into(),
        Err(message) => format!("rejected ({message})"),
    }
}

fn offline_word(verdict: &Result<(), String>) -> String {
    match verdict {
        Ok(()) => "accepts".into(),
        Err(message) => format!("rejects ({message})"),
    }
}

/// One served version of an installed CRD.
struct Kind {
    kind: String,
    resource: ApiResource,
    namespaced: bool,
    status_subresource: bool,
    schema: Value,
}

impl Kind {
    fn new(crd: &Value, version: &Value) -> Self {
        let group = crd["spec"]["group"].as_str().unwrap();
        let name = version["name"].as_str().unwrap();
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_string();
        Kind {
            resource: ApiResource {
                group: group.into(),
                version: name.into(),
                api_version: format!("{group}/{name}"),
                kind: kind.clone(),
                plural: crd["spec"]["names"]["plural"].as_str().unwrap().into(),
            },
            kind,
            namespaced: crd["spec"]["scope"] == "Namespaced",
            status_subresource: version["subresources"].get("status").is_some(),
            schema: version["schema"]["openAPIV3Schema"].clone(),
        }
    }

    fn object(&self, name: &str, body: &Value) -> Value {
        let mut metadata = json!({ "name": name });
        if self.namespaced {
            metadata["namespace"] = "default".into();
        }
        let mut object = json!({
            "apiVersion": self.resource.api_version,
            "kind": self.kind,
            "metadata": metadata,
        });
        for (key, value) in body.as_object().expect("a case body is an object") {
            object[key] = value.clone();
        }
        object
    }

    fn api(&self, client: &Client) -> Api<DynamicObject> {
        if self.namespaced {
            Api::namespaced_with(client.clone(), "default", &self.resource)
        } else {
            Api::all_with(client.clone(), &self.resource)
        }
    }

    /// The server's verdict on creating `object` (dry run): `Err` holds its reason. A failure
    /// other than Invalid/BadRequest is an error of the test itself.
    async fn create(&self, client: &Client, object: &Value) -> Result<Result<(), String>, String> {
        let object: DynamicObject = serde_json::from_value(object.clone()).unwrap();
        verdict(self.api(client).create(&dry_run(), &object).await)
    }

    /// The server's verdict on updating `old` (created for real) to `new` (dry run).
    async fn update(
        &self,
        client: &Client,
        old: &Value,
        new: &Value,
    ) -> Result<Result<(), String>, String> {
        let api = self.api(client);
        let old: DynamicObject = serde_json::from_value(old.clone()).unwrap();
        let created = api
            .create(&PostParams::default(), &old)
            .await
            .map_err(|e| format!("creating the old object of an update case: {e}"))?;
        let mut new: DynamicObject = serde_json::from_value(new.clone()).unwrap();
        new.metadata.resource_version = created.metadata.resource_version;
        let name = old.metadata.name.clone().unwrap();
        let result = verdict(api.replace(&name, &dry_run(), &new).await);
        api.delete(&name, &Default::default())
            .await
            .map_err(|e| format!("deleting {name}: {e}"))?;
        result
    }
}

fn dry_run() -> PostParams {
    PostParams {
        dry_run: true,
        field_manager: None,
    }
}

fn verdict(result: kube::Result<DynamicObject>) -> Result<Result<(), String>, String> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(kube::Error::Api(status)) if status.code == 422 || status.code == 400 => {
            Ok(Err(status.message.clone()))
        }
        Err(error) => Err(format!("unexpected API error: {error}")),
    }
}

/// The offline validator (see the module doc) and, for the record, plain Draft 4 as spine.rs
/// uses it.
struct Offline {
    schema: Value,
    validator: jsonschema::Validator,
    plain: jsonschema::Validator,
}

impl Offline {
    fn new(schema: &Value) -> Self {
        let build = |schema: &Value| {
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(true)
                .build(schema)
                .unwrap_or_else(|e| panic!("jsonschema rejects the schema: {e}\n{schema:#}"))
        };
        Offline {
            schema: schema.clone(),
            validator: build(&admit_null_where_nullable(schema.clone())),
            plain: build(schema),
        }
    }

    fn judge(&self, object: &Value) -> Result<(), String> {
        let mut object = object.clone();
        prune_nulls_and_default(&self.schema, &mut object);
        let errors: Vec<String> = self
            .validator
            .iter_errors(&object)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

/// OpenAPI v3.0 `nullable: true` in Draft 4 terms: `null` joins the node's type. An `enum` is
/// left alone: like the API server, `null` must then also be a member.
fn admit_null_where_nullable(mut schema: Value) -> Value {
    fn walk(node: &mut Value) {
        let Some(map) = node.as_object_mut() else {
            return;
        };
        if map.get("nullable") == Some(&Value::Bool(true)) {
            if let Some(Value::String(ty)) = map.get("type").cloned() {
                map.insert("type".into(), json!([ty, "null"]));
            }
            // On `null` the server checks only type and enum, not the junctors (the oneOf of
            // a tagged enum would match `null` in every branch; int-or-string's anyOf none).
            let junctors: Map<String, Value> = ["oneOf", "anyOf", "allOf", "not"]
                .into_iter()
                .filter_map(|key| map.remove(key).map(|v| (key.to_string(), v)))
                .collect();
            if !junctors.is_empty() {
                map.insert(
                    "anyOf".into(),
                    json!([{"type": "null"}, Value::Object(junctors)]),
                );
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = map.get_mut(key) {
                walk(child);
            }
        }
        for key in ["properties", "patternProperties"] {
            if let Some(Value::Object(children)) = map.get_mut(key) {
                children.values_mut().for_each(walk);
            }
        }
        for key in ["anyOf", "allOf", "oneOf"] {
            if let Some(Value::Array(children)) = map.get_mut(key) {
                children.iter_mut().for_each(walk);
            }
        }
    }
    walk(&mut schema);
    schema
}

/// What the API server does to an object before validating it: `null` in a field that is not
/// nullable is pruned, then missing fields that declare a `default` get it.
fn prune_nulls_and_default(schema: &Value, value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (key, property) in properties {
                    let nullable = property["nullable"] == true;
                    if map.get(key) == Some(&Value::Null) && !nullable {
                        map.remove(key);
                    }
                    if !map.contains_key(key)
                        && let Some(default) = property.get("default")
                    {
                        map.insert(key.clone(), default.clone());
                    }
                    if let Some(child) = map.get_mut(key) {
                        prune_nulls_and_default(property, child);
                    }
                }
            } else if let Some(additional) = schema.get("additionalProperties")
                && additional.is_object()
            {
                map.values_mut()
                    .for_each(|child| prune_nulls_and_default(additional, child));
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                items
                    .iter_mut()
                    .for_each(|child| prune_nulls_and_default(item, child));
            }
        }
        _ => {}
    }
}

/// One object to submit: `body` is everything but apiVersion/kind/metadata.
struct Case {
    name: String,
    body: Value,
    /// For transition rules: created first, then updated to `body`.
    old: Option<Value>,
    valid: bool,
    /// CEL, transition and list-type rules: no JSON-schema validator can judge these.
    server_only: bool,
}

fn valid(name: &str, body: Value) -> Case {
    Case {
        name: name.into(),
        body,
        old: None,
        valid: true,
        server_only: false,
    }
}

fn invalid(name: &str, body: Value) -> Case {
    Case {
        valid: false,
        ..valid(name, body)
    }
}

impl Case {
    fn server_only(mut self) -> Self {
        self.server_only = true;
        self
    }

    fn updating(mut self, old: Value) -> Self {
        self.old = Some(old);
        self.server_only()
    }
}

/// A valid `base` object (the generator mutates it) and the explicit cases of one kind.
struct Table {
    base: Value,
    cases: Vec<Case>,
}

fn sample(file: &str) -> Value {
    let path = repo_root()
        .join("testdata/project/config/samples")
        .join(file);
    let mut object: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let body = object.as_object_mut().unwrap();
    for key in ["apiVersion", "kind", "metadata"] {
        body.remove(key);
    }
    object
}

/// The explicit cases of each fixture, keyed by where it comes from and its kind.
fn table(source: &str, kind: &str) -> Option<Table> {
    let snapshot = source.strip_prefix("derive/tests/snapshots/").unwrap_or("");
    let golden = source.starts_with("testdata/project/");
    Some(match (golden, snapshot, kind) {
        (true, _, "Guestbook" | "Policy" | "Memcached") => {
            let sample = sample(match kind {
                "Guestbook" => "webapp_v1_guestbook.yaml",
                "Policy" => "infra_v1alpha1_policy.yaml",
                _ => "cache_v1alpha1_memcached.yaml",
            });
            Table {
                base: json!({"spec": {"replicas": 3}}),
                cases: vec![
                    valid("the config/samples object", sample),
                    valid("empty spec", json!({"spec": {}})),
                    valid(
                        "unknown fields are pruned",
                        json!({"spec": {"colour": "red"}}),
                    ),
                    invalid("no spec", json!({})),
                    invalid("replicas is a string", json!({"spec": {"replicas": "3"}})),
                    invalid("replicas is fractional", json!({"spec": {"replicas": 1.5}})),
                    invalid("spec is a list", json!({"spec": [1]})),
                ],
            }
        }
        (false, "crd__guestbook_crd.snap", "Guestbook") => Table {
            base: json!({"spec": {"imageRef": "registry.example.com/app:v1.2", "size": 3}}),
            cases: vec![
                valid("size omitted", json!({"spec": {"imageRef": "nginx"}})),
                invalid(
                    "imageRef with a space",
                    json!({"spec": {"imageRef": "nginx latest"}}),
                ),
                invalid(
                    "imageRef upper case",
                    json!({"spec": {"imageRef": "Nginx"}}),
                ),
                invalid(
                    "size is a string",
                    json!({"spec": {"imageRef": "nginx", "size": "3"}}),
                ),
                invalid("no spec", json!({})),
            ],
        },
        (false, "crd__policy_crd.snap", "Policy") => {
            let base = json!({"spec": {
                "labelSet": ["a", "b"],
                "maxUnavailable": "25%",
                "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}],
                "raw": {"anything": [1, {"goes": true}]},
                "replicas": 4,
                "schedule": "2024-01-01T00:00:00Z",
                "settings": {"mode": "strict"},
                "severity": "high",
            }});
            let with = |pointer: &str, value: Value| {
                let mut body = base.clone();
                *body.pointer_mut(pointer).unwrap() = value;
                body
            };
            let without = |key: &str| {
                let mut body = base.clone();
                body["spec"].as_object_mut().unwrap().remove(key);
                body
            };
            Table {
                cases: vec![
                    valid(
                        "maxUnavailable as an integer",
                        with("/spec/maxUnavailable", json!(1)),
                    ),
                    invalid(
                        "maxUnavailable as a bool",
                        with("/spec/maxUnavailable", json!(true)),
                    ),
                    invalid(
                        "replicas not a multiple of 2",
                        with("/spec/replicas", json!(3)),
                    ),
                    invalid(
                        "replicas at the exclusive minimum",
                        with("/spec/replicas", json!(0)),
                    ),
                    valid("replicas omitted (default 2)", without("replicas")),
                    valid("severity omitted (default low)", without("severity")),
                    valid("ports omitted (default [])", without("ports")),
                    valid("schedule omitted", without("schedule")),
                    invalid(
                        "labelSet null (pruned, then missing)",
                        with("/spec/labelSet", Value::Null),
                    ),
                    invalid(
                        "settings empty (minProperties 1)",
                        with("/spec/settings", json!({})),
                    ),
                    invalid(
                        "settings with 5 keys (maxProperties 4)",
                        with(
                            "/spec/settings",
                            json!({"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}),
                        ),
                    ),
                    invalid(
                        "settings value not a string",
                        with("/spec/settings", json!({"a": 1})),
                    ),
                    invalid("port above 65535", with("/spec/ports/0/port", json!(65536))),
                    invalid(
                        "schedule not a date-time",
                        with("/spec/schedule", json!("tomorrow")),
                    ),
                    valid("raw may hold any value", with("/spec/raw", json!("text"))),
                    invalid(
                        "labelSet with a duplicate (list-type set)",
                        with("/spec/labelSet", json!(["a", "a"])),
                    )
                    .server_only(),
                    invalid(
                        "ports with a duplicate name (list-map key)",
                        with(
                            "/spec/ports",
                            json!([{"name": "http", "port": 80}, {"name": "http", "port": 81}]),
                        ),
                    )
                    .server_only(),
                    valid(
                        "ports with distinct names (list-map key)",
                        with(
                            "/spec/ports",
                            json!([{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
                        ),
                    )
                    .server_only(),
                    invalid(
                        "schedule empty (not a date-time)",
                        with("/spec/schedule", json!("")),
                    ),
                    invalid(
                        "schedule before 2000 (CEL self >= timestamp(...))",
                        with("/spec/schedule", json!("1999-12-31T23:59:59Z")),
                    )
                    .server_only(),
                    valid(
                        "schedule at 2000 (CEL self >= timestamp(...))",
                        with("/spec/schedule", json!("2000-01-01T00:00:00Z")),
                    )
                    .server_only(),
                    valid(
                        "schedule null (nullable; CEL rules skip null)",
                        with("/spec/schedule", Value::Null),
                    ),
                    valid(
                        "severity null (an enum is not nullable: pruned, then default low)",
                        with("/spec/severity", Value::Null),
                    ),
                    invalid(
                        "a port 22 (CEL on spec, fieldPath .ports)",
                        with("/spec/ports/1/port", json!(22)),
                    )
                    .server_only(),
                    invalid(
                        "schedule changed (CEL self == oldSelf)",
                        with("/spec/schedule", json!("2025-06-01T00:00:00Z")),
                    )
                    .updating(base.clone()),
                    valid(
                        "schedule kept, replicas changed (CEL self == oldSelf)",
                        with("/spec/replicas", json!(6)),
                    )
                    .updating(base.clone()),
                ],
                base,
            }
        }
        (false, "crd__widget_crd.snap" | "crd__widget_versions_crd.snap", "Widget") => Table {
            base: json!({"spec": {"color": "red"}}),
            cases: vec![
                invalid("color missing", json!({"spec": {}})),
                invalid("color is a number", json!({"spec": {"color": 5}})),
            ],
        },
        (false, "nested__nested_fields_are_patched.snap", "Fixture") => {
            let base = json!({"spec": {
                "target": {"bucketName": "backups", "port": 443, "scheme": "s3"},
                "mirrors": [{"bucketName": "mirror-1", "port": 8443}],
                "retention": {"days": 30},
            }});
            let with = |pointer: &str, value: Value| {
                let mut body = base.clone();
                *body.pointer_mut(pointer).unwrap() = value;
                body
            };
            Table {
                cases: vec![
                    valid(
                        "retention empty (days default 7)",
                        with("/spec/retention", json!({})),
                    ),
                    valid("mirrors empty", with("/spec/mirrors", json!([]))),
                    valid(
                        "target.scheme null (an enum is not nullable: pruned)",
                        with("/spec/target/scheme", Value::Null),
                    ),
                    invalid(
                        "target.port 22 (CEL self != 22)",
                        with("/spec/target/port", json!(22)),
                    )
                    .server_only(),
                    invalid(
                        "mirrors[0].port 22 (CEL self != 22)",
                        with("/spec/mirrors/0/port", json!(22)),
                    )
                    .server_only(),
                    valid(
                        "target.port 2222 (CEL self != 22)",
                        with("/spec/target/port", json!(2222)),
                    )
                    .server_only(),
                    invalid(
                        "target.bucketName with a dot",
                        with("/spec/target/bucketName", json!("a.b.c")),
                    ),
                    invalid("target is a string", with("/spec/target", json!("s3://x"))),
                ],
                base,
            }
        }
        (false, "shapes__shape_crd.snap", "Shape") => {
            // Every optional field is set, and `probe` carries the fields of all its variants,
            // so that each member of its tag enum (which the generator tries) stays valid.
            let base = json!({"spec": {
                "mode": "slowAndSteady",
                "fallbackMode": "fast",
                "source": {"git": {"url": "https://example.com/r.git", "revision": "main"}},
                "probe": {"type": "http", "port": 8080, "path": "/healthz", "command": ["true"], "host": "db"},
                "action": {"kind": "Scale", "with": {"replicas": 3}},
                "target": {"selector": {"app": "web"}},
                "limits": {"cpuMillis": 500, "burst": true},
                "replicas": 2,
                "labels": {"team": "a"},
                "ports": {"http": {"number": 80, "protocol": "TCP"}},
                "args": [["--verbose"], []],
                "log-level": "debug",
                "dry-run": true,
                "maxSurge": "25%",
                "memory": "512Mi",
                "notBefore": "2024-01-01T00:00:00Z",
                "config": {"anything": [1, "two", {"three": null}]},
                "extras": [1, "x", {"y": true}],
                "extensible": {"name": "e", "color": "red", "size": 3},
            }});
            let minimal = json!({"spec": {
                "mode": "fast",
                "source": {"image": "nginx:1.27"},
                "probe": {"type": "none"},
                "target": {"name": "web"},
                "log-level": "info",
                "maxSurge": 1,
            }});
            let with = |pointer: &str, value: Value| {
                let mut body = minimal.clone();
                match body.pointer_mut(pointer) {
                    Some(slot) => *slot = value,
                    None => {
                        let key = pointer.strip_prefix("/spec/").unwrap();
                        body["spec"][key] = value;
                    }
                }
                body
            };
            let without = |key: &str| {
                let mut body = minimal.clone();
                body["spec"].as_object_mut().unwrap().remove(key);
                body
            };
            Table {
                cases: vec![
                    valid("only the required fields", minimal.clone()),
                    // Unit enum (external tagging: a string).
                    valid(
                        "mode slowAndSteady",
                        with("/spec/mode", json!("slowAndSteady")),
                    ),
                    invalid("mode in the wrong case", with("/spec/mode", json!("Fast"))),
                    invalid("mode a number", with("/spec/mode", json!(1))),
                    valid(
                        "fallbackMode null (pruned)",
                        with("/spec/fallbackMode", Value::Null),
                    ),
                    // Externally tagged: one key per variant.
                    valid(
                        "source git",
                        with("/spec/source", json!({"git": {"url": "u"}})),
                    ),
                    valid(
                        "source inline",
                        with("/spec/source", json!({"inline": {"a": "b"}})),
                    ),
                    valid(
                        "source layers",
                        with("/spec/source", json!({"layers": ["a"]})),
                    ),
                    invalid(
                        "source with two variants",
                        with("/spec/source", json!({"image": "a", "layers": ["a"]})),
                    ),
                    invalid("source with no variant", with("/spec/source", json!({}))),
                    invalid(
                        "source an unknown variant only",
                        with("/spec/source", json!({"svn": "x"})),
                    ),
                    invalid(
                        "source as a bare string",
                        with("/spec/source", json!("image")),
                    ),
                    invalid(
                        "source git without url",
                        with("/spec/source", json!({"git": {}})),
                    ),
                    invalid(
                        "source image not a string",
                        with("/spec/source", json!({"image": 5})),
                    ),
                    // Internally tagged: the tag selects the variant and its required fields.
                    valid(
                        "probe http",
                        with("/spec/probe", json!({"type": "http", "port": 80})),
                    ),
                    valid(
                        "probe exec",
                        with("/spec/probe", json!({"type": "exec", "command": ["true"]})),
                    ),
                    valid(
                        "probe tcp (a newtype variant)",
                        with(
                            "/spec/probe",
                            json!({"type": "tcp", "host": "db", "port": 5432}),
                        ),
                    ),
                    invalid(
                        "probe with an unknown tag value",
                        with("/spec/probe", json!({"type": "grpc", "port": 80})),
                    ),
                    invalid(
                        "probe without its tag",
                        with("/spec/probe", json!({"port": 80})),
                    ),
                    invalid(
                        "probe http without port",
                        with("/spec/probe", json!({"type": "http", "command": ["true"]})),
                    ),
                    invalid(
                        "probe tcp without host",
                        with("/spec/probe", json!({"type": "tcp", "port": 1})),
                    ),
                    invalid(
                        "probe port out of range",
                        with("/spec/probe", json!({"type": "http", "port": 70000})),
                    ),
                    // Adjacently tagged.
                    valid(
                        "action Restart",
                        with("/spec/action", json!({"kind": "Restart"})),
                    ),
                    valid(
                        "action Pause",
                        with("/spec/action", json!({"kind": "Pause"})),
                    ),
                    valid(
                        "action Scale",
                        with(
                            "/spec/action",
                            json!({"kind": "Scale", "with": {"replicas": 1}}),
                        ),
                    ),
                    valid("action null (nullable)", with("/spec/action", Value::Null)),
                    invalid(
                        "action Scale without content",
                        with("/spec/action", json!({"kind": "Scale"})),
                    ),
                    invalid(
                        "action with an unknown tag value",
                        with("/spec/action", json!({"kind": "Stop"})),
                    ),
                    invalid(
                        "action content of the wrong type",
                        with(
                            "/spec/action",
                            json!({"kind": "Scale", "with": {"replicas": "1"}}),
                        ),
                    ),
                    // Untagged.
                    valid(
                        "target by selector",
                        with("/spec/target", json!({"selector": {}})),
                    ),
                    invalid(
                        "target with neither variant",
                        with("/spec/target", json!({})),
                    ),
                    invalid(
                        "target name not a string",
                        with("/spec/target", json!({"name": 1})),
                    ),
                    // Option, default, maps, lists, nested, flatten.
                    valid(
                        "limits empty (serde defaults)",
                        with("/spec/limits", json!({})),
                    ),
                    invalid(
                        "limits.cpuMillis negative",
                        with("/spec/limits", json!({"cpuMillis": -1})),
                    ),
                    invalid("replicas a string", with("/spec/replicas", json!("2"))),
                    invalid(
                        "labels value not a string",
                        with("/spec/labels", json!({"a": 1})),
                    ),
                    invalid(
                        "ports entry without number",
                        with("/spec/ports", json!({"http": {"protocol": "TCP"}})),
                    ),
                    invalid("args not a list of lists", with("/spec/args", json!(["a"]))),
                    invalid(
                        "args inner item not a string",
                        with("/spec/args", json!([["a", 1]])),
                    ),
                    invalid("flattened log-level missing", without("log-level")),
                    invalid(
                        "flattened dry-run not a bool",
                        with("/spec/dry-run", json!("yes")),
                    ),
                    invalid("required mode missing", without("mode")),
                    invalid("required probe missing", without("probe")),
                    // k8s-openapi types.
                    valid("maxSurge a string", with("/spec/maxSurge", json!("25%"))),
                    invalid("maxSurge a bool", with("/spec/maxSurge", json!(true))),
                    invalid("maxSurge missing", without("maxSurge")),
                    valid("memory a number", with("/spec/memory", json!(1024))),
                    invalid("memory a list", with("/spec/memory", json!(["1Gi"]))),
                    valid(
                        "notBefore a date-time",
                        with("/spec/notBefore", json!("2030-12-31T23:59:59Z")),
                    ),
                    invalid(
                        "notBefore not a date-time",
                        with("/spec/notBefore", json!("tomorrow")),
                    ),
                    // serde_json::Value with preserve-unknown-fields.
                    valid("config a string", with("/spec/config", json!("text"))),
                    valid("config a list", with("/spec/config", json!([1, 2]))),
                    valid(
                        "extras of mixed values",
                        with("/spec/extras", json!([null, 1, "a", [], {}])),
                    ),
                    invalid("extras not a list", with("/spec/extras", json!({"a": 1}))),
                    valid(
                        "extensible with unknown fields",
                        with("/spec/extensible", json!({"name": "n", "x": {"y": [1]}})),
                    ),
                    invalid(
                        "extensible without name",
                        with("/spec/extensible", json!({"x": 1})),
                    ),
                ],
                base,
            }
        }
        (false, "shapes__status_shape_crd.snap", "StatusShape") => {
            let base = json!({"spec": {
                "conditions": [{
                    "type": "Ready", "status": "True", "reason": "Built", "message": "ok",
                    "lastTransitionTime": "2024-01-01T00:00:00Z", "observedGeneration": 3,
                }],
                "phase": "IN_PROGRESS",
                "lastProbe": "2024-01-02T03:04:05Z",
                "capacity": {"cpu": "2", "memory": "1Gi", "pods": 110},
                "observedSource": {"layers": ["base"]},
                "observedProbe": {"type": "exec", "command": ["true"], "port": 1, "host": "h"},
            }});
            let with = |pointer: &str, value: Value| {
                let mut body = base.clone();
                *body.pointer_mut(pointer).unwrap() = value;
                body
            };
            Table {
                cases: vec![
                    valid("an empty status", json!({"spec": {}})),
                    valid("phase DONE", with("/spec/phase", json!("DONE"))),
                    invalid("phase in another case", with("/spec/phase", json!("Done"))),
                    invalid(
                        "a condition without reason",
                        with(
                            "/spec/conditions/0",
                            json!({
                                "type": "Ready", "status": "True", "message": "ok",
                                "lastTransitionTime": "2024-01-01T00:00:00Z",
                            }),
                        ),
                    ),
                    invalid(
                        "a condition time not a date-time",
                        with("/spec/conditions/0/lastTransitionTime", json!("now")),
                    ),
                    invalid("capacity a bool", with("/spec/capacity/cpu", json!(true))),
                    valid(
                        "observedSource git",
                        with("/spec/observedSource", json!({"git": {"url": "u"}})),
                    ),
                    invalid(
                        "observedSource with two variants",
                        with("/spec/observedSource", json!({"image": "a", "layers": []})),
                    ),
                    valid(
                        "observedProbe none",
                        with("/spec/observedProbe", json!({"type": "none"})),
                    ),
                    invalid(
                        "observedProbe unknown tag",
                        with("/spec/observedProbe", json!({"type": "udp"})),
                    ),
                    valid(
                        "observedProbe null (nullable)",
                        with("/spec/observedProbe", Value::Null),
                    ),
                    valid(
                        "observedSource null (nullable)",
                        with("/spec/observedSource", Value::Null),
                    ),
                ],
                base,
            }
        }
        _ => return None,
    })
}

/// Cases generated from what the schema declares, by mutating the valid `base` object: every
/// minimum, maximum, multipleOf, minLength, maxLength, pattern, enum, minItems, maxItems and
/// required field reached by a value of `base`, plus `null` for optional nullable fields.
/// Status is left out where it is a subresource (a create ignores it).
fn generated_cases(kind: &Kind, base: &Value) -> Vec<Case> {
    let mut cases = vec![valid("the base object", base.clone())];
    for (key, value) in base.as_object().unwrap() {
        if key == "status" && kind.status_subresource {
            continue;
        }
        let schema = &kind.schema["properties"][key];
        let mut emit = |pointer: &str, what: String, new: Option<Value>, is_valid: bool| {
            let mut body = base.clone();
            match new {
                Some(new) => *body.pointer_mut(pointer).unwrap() = new,
                None => {
                    let (parent, key) = pointer.rsplit_once('/').unwrap();
                    let parent = body.pointer_mut(parent).unwrap();
                    parent.as_object_mut().unwrap().remove(key);
                }
            }
            let name = format!("generated: {pointer} {what}");
            cases.push(if is_valid {
                valid(&name, body)
            } else {
                invalid(&name, body)
            });
        };
        mutations(schema, value, &format!("/{key}"), &mut emit);
    }
    cases
}

/// `emit(pointer, what, new value (None: remove the field), whether the result is valid)`.
type Emit<'a> = dyn FnMut(&str, String, Option<Value>, bool) + 'a;

fn mutations(schema: &Value, value: &Value, pointer: &str, emit: &mut Emit) {
    let integer = schema["type"] == "integer";
    let number = |n: f64| if integer { json!(n as i64) } else { json!(n) };
    let step = if integer { 1.0 } else { 0.5 };
    let multiple_of = schema["multipleOf"].as_f64();
    let is_multiple = |n: f64| multiple_of.is_none_or(|d| (n / d).fract() == 0.0);
    if let Some(current) = value.as_f64() {
        if let Some(min) = schema["minimum"].as_f64() {
            if schema["exclusiveMinimum"] == true {
                emit(
                    pointer,
                    format!("= exclusive minimum {min}"),
                    Some(number(min)),
                    false,
                );
            } else {
                emit(
                    pointer,
                    format!("below minimum {min}"),
                    Some(number(min - step)),
                    false,
                );
                if is_multiple(min) {
                    emit(pointer, format!("= minimum {min}"), Some(number(min)), true);
                }
            }
        }
        if let Some(max) = schema["maximum"].as_f64() {
            if schema["exclusiveMaximum"] == true {
                emit(
                    pointer,
                    format!("= exclusive maximum {max}"),
                    Some(number(max)),
                    false,
                );
            } else {
                emit(
                    pointer,
                    format!("above maximum {max}"),
                    Some(number(max + step)),
                    false,
                );
                if is_multiple(max) {
                    emit(pointer, format!("= maximum {max}"), Some(number(max)), true);
                }
            }
        }
        if let Some(d) = multiple_of.filter(|&d| d > step) {
            let off = number(current + step);
            emit(pointer, format!("not a multiple of {d}"), Some(off), false);
        }
    }
    if value.is_string() {
        if let Some(min) = schema["minLength"].as_u64().filter(|&n| n > 0) {
            let short = json!("a".repeat(min as usize - 1));
            emit(
                pointer,
                format!("shorter than minLength {min}"),
                Some(short),
                false,
            );
        }
        if let Some(max) = schema["maxLength"].as_u64() {
            let long = json!("a".repeat(max as usize + 1));
            emit(
                pointer,
                format!("longer than maxLength {max}"),
                Some(long),
                false,
            );
        }
        if let Some(pattern) = schema["pattern"].as_str() {
            // A string that the pattern does not match (ECMA-262 semantics, like the server's).
            let check = jsonschema::validator_for(&json!({ "pattern": pattern })).unwrap();
            let bad = ["NOT VALID!", "#", "", "\u{e9}"]
                .into_iter()
                .find(|s| !check.is_valid(&json!(s)));
            if let Some(bad) = bad {
                emit(
                    pointer,
                    format!("not matching {pattern}"),
                    Some(json!(bad)),
                    false,
                );
            }
        }
    }
    if let Some(members) = schema["enum"].as_array() {
        for member in members {
            emit(
                pointer,
                format!("= enum member {member}"),
                Some(member.clone()),
                true,
            );
        }
        emit(
            pointer,
            "outside the enum".into(),
            Some(json!("not-a-member")),
            false,
        );
    }
    if let Some(items) = value.as_array() {
        if let Some(min) = schema["minItems"].as_u64().filter(|&n| n > 0) {
            let fewer: Vec<Value> = items.iter().take(min as usize - 1).cloned().collect();
            emit(
                pointer,
                format!("fewer than minItems {min}"),
                Some(json!(fewer)),
                false,
            );
        }
        if let (Some(max), Some(first)) = (schema["maxItems"].as_u64(), items.first()) {
            let more = json!(vec![first.clone(); max as usize + 1]);
            emit(
                pointer,
                format!("more than maxItems {max}"),
                Some(more),
                false,
            );
        }
        if let Some(first) = items.first() {
            mutations(&schema["items"], first, &format!("{pointer}/0"), emit);
        }
    }
    if let Some(map) = value.as_object() {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for key in required.iter().filter(|key| map.contains_key(**key)) {
            let defaulted = schema["properties"][key].get("default").is_some();
            let what = if defaulted {
                "required but defaulted, removed"
            } else {
                "required, removed"
            };
            emit(&format!("{pointer}/{key}"), what.into(), None, defaulted);
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (key, child) in properties {
                let Some(value) = map.get(key) else { continue };
                let child_pointer = format!("{pointer}/{key}");
                if child["nullable"] == true && !required.contains(&key.as_str()) {
                    // The server wants `null` in an enum too, nullable or not.
                    let admitted = child["enum"]
                        .as_array()
                        .is_none_or(|members| members.contains(&Value::Null));
                    let what = "null, nullable".to_string();
                    emit(&child_pointer, what, Some(Value::Null), admitted);
                }
                mutations(child, value, &child_pointer, emit);
            }
        } else if let Some(additional) = schema.get("additionalProperties")
            && additional.is_object()
            && let Some((key, value)) = map.iter().next()
        {
            mutations(additional, value, &format!("{pointer}/{key}"), emit);
        }
    }
}

fn yaml_files(dir: &Path) -> Vec<String> {
    files_with_extension(dir, "yaml")
        .into_iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

fn files_with_extension(dir: &Path, extension: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}
