//! CustomResourceDefinitions: one version's CRD assembled from a resource's description and
//! the schemas of its spec and status, the versions of one kind merged into one CRD, and
//! controller-gen's file names. CRDs are JSON values here (the API's own field names), so the
//! derive's expansion, the CLI and tests share one definition without sharing a client.

use serde_json::{Value, json};
use std::collections::BTreeMap;

use crate::schema::{Object, Violation, violations};

/// controller-gen's description of `apiVersion` (from `metav1.TypeMeta`).
pub const API_VERSION_DESCRIPTION: &str = "APIVersion defines the versioned schema of this representation of an object.\nServers should convert recognized schemas to the latest internal value, and\nmay reject unrecognized values.\nMore info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";

/// controller-gen's description of `kind` (from `metav1.TypeMeta`).
pub const KIND_DESCRIPTION: &str = "Kind is a string value representing the REST resource this object represents.\nServers may infer this from the endpoint the client submits requests to.\nCannot be updated.\nIn CamelCase.\nMore info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// Everything about one version of a kind except its schemas: what `#[resource(...)]` says.
/// All borrowed, so the derive can emit it as a `const`.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub plural: &'a str,
    pub singular: &'a str,
    pub namespaced: bool,
    pub short_names: &'a [&'a str],
    pub categories: &'a [&'a str],
    pub printer_columns: &'a [PrinterColumn<'a>],
    pub selectable_fields: &'a [&'a str],
    pub scale: Option<Scale<'a>>,
    /// The kind has a status subresource.
    pub status: bool,
    pub served: bool,
    pub storage: bool,
    pub deprecated: bool,
    pub deprecation_warning: Option<&'a str>,
    pub labels: &'a [(&'a str, &'a str)],
    pub annotations: &'a [(&'a str, &'a str)],
    /// The description of the whole object; default: the spec's, else
    /// `<Kind> is the Schema for the <plural> API`.
    pub description: Option<&'a str>,
}

/// One `additionalPrinterColumns` entry.
#[derive(Debug, Clone, Copy)]
pub struct PrinterColumn<'a> {
    pub name: &'a str,
    pub type_: &'a str,
    pub json_path: &'a str,
    pub description: Option<&'a str>,
    pub priority: Option<i32>,
    pub format: Option<&'a str>,
}

/// The scale subresource's paths.
#[derive(Debug, Clone, Copy)]
pub struct Scale<'a> {
    pub spec_replicas_path: &'a str,
    pub status_replicas_path: &'a str,
    pub label_selector_path: Option<&'a str>,
}

/// The types of a printer column the API server accepts.
pub const COLUMN_TYPES: &[&str] = &["integer", "number", "string", "boolean", "date"];

/// The formats of a printer column the API server accepts.
pub const COLUMN_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
];

impl Resource<'_> {
    /// `<plural>.<group>`.
    pub fn crd_name(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }

    /// `<group>/<version>`.
    pub fn api_version(&self) -> String {
        format!("{}/{}", self.group, self.version)
    }
}

/// The root `openAPIV3Schema` of one version: `apiVersion`, `kind` and `metadata` as
/// controller-gen writes them, the spec (required: the Rust type cannot be built without
/// one, as kubebuilder ≥ 4.7 scaffolds mark it `+required`) and the optional status.
pub fn root_schema(resource: &Resource<'_>, spec: Object, status: Option<Object>) -> Value {
    let description = resource
        .description
        .map(|d| Value::String(d.to_string()))
        .or_else(|| spec.get("description").cloned())
        .unwrap_or_else(|| {
            Value::String(format!(
                "{} is the Schema for the {} API",
                resource.kind, resource.plural
            ))
        });
    let mut properties = Object::new();
    properties.insert(
        "apiVersion".into(),
        json!({ "description": API_VERSION_DESCRIPTION, "type": "string" }),
    );
    properties.insert(
        "kind".into(),
        json!({ "description": KIND_DESCRIPTION, "type": "string" }),
    );
    properties.insert("metadata".into(), json!({ "type": "object" }));
    properties.insert("spec".into(), Value::Object(spec));
    if let Some(status) = status {
        properties.insert("status".into(), Value::Object(status));
    }
    json!({
        "description": description,
        "type": "object",
        "properties": properties,
        "required": ["spec"],
    })
}

/// The CRD of one version of a kind from its spec's and status' schemas. A schema the API
/// server would reject never leaves here: `Err` lists every violation of the
/// structural-schema rules and every default that breaks its own schema, with its path.
pub fn build(
    resource: &Resource<'_>,
    spec: Object,
    status: Option<Object>,
) -> Result<Value, String> {
    let root = root_schema(resource, spec, status);
    let mut problems: Vec<String> = violations(&root, "openAPIV3Schema")
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    problems.extend(
        crate::schema::default::violations(&root, "openAPIV3Schema")
            .into_iter()
            .map(|(path, why)| format!("{path}: {why}")),
    );
    if !problems.is_empty() {
        return Err(format!(
            "the schema of {} `{}` is not one the API server accepts:\n  {}",
            resource.api_version(),
            resource.kind,
            problems.join("\n  ")
        ));
    }
    Ok(assemble(resource, root))
}

/// The CRD of one version of a kind, with `schema` as its `openAPIV3Schema`.
pub fn assemble(resource: &Resource<'_>, schema: Value) -> Value {
    let mut version = Object::new();
    version.insert("name".into(), json!(resource.version));
    version.insert("served".into(), json!(resource.served));
    version.insert("storage".into(), json!(resource.storage));
    if resource.deprecated || resource.deprecation_warning.is_some() {
        version.insert("deprecated".into(), json!(true));
    }
    if let Some(warning) = resource.deprecation_warning {
        version.insert("deprecationWarning".into(), json!(warning));
    }
    if !resource.printer_columns.is_empty() {
        let columns: Vec<Value> = resource
            .printer_columns
            .iter()
            .map(|c| {
                let mut column = Object::new();
                if let Some(d) = c.description {
                    column.insert("description".into(), json!(d));
                }
                if let Some(f) = c.format {
                    column.insert("format".into(), json!(f));
                }
                column.insert("jsonPath".into(), json!(c.json_path));
                column.insert("name".into(), json!(c.name));
                if let Some(p) = c.priority {
                    column.insert("priority".into(), json!(p));
                }
                column.insert("type".into(), json!(c.type_));
                Value::Object(column)
            })
            .collect();
        version.insert("additionalPrinterColumns".into(), Value::Array(columns));
    }
    if !resource.selectable_fields.is_empty() {
        let fields: Vec<Value> = resource
            .selectable_fields
            .iter()
            .map(|path| json!({ "jsonPath": path }))
            .collect();
        version.insert("selectableFields".into(), Value::Array(fields));
    }
    let mut subresources = Object::new();
    if resource.status {
        subresources.insert("status".into(), json!({}));
    }
    if let Some(scale) = resource.scale {
        let mut s = Object::new();
        if let Some(selector) = scale.label_selector_path {
            s.insert("labelSelectorPath".into(), json!(selector));
        }
        s.insert("specReplicasPath".into(), json!(scale.spec_replicas_path));
        s.insert(
            "statusReplicasPath".into(),
            json!(scale.status_replicas_path),
        );
        subresources.insert("scale".into(), Value::Object(s));
    }
    if !subresources.is_empty() {
        version.insert("subresources".into(), Value::Object(subresources));
    }
    version.insert("schema".into(), json!({ "openAPIV3Schema": schema }));

    let mut names = Object::new();
    if !resource.categories.is_empty() {
        names.insert("categories".into(), json!(resource.categories));
    }
    names.insert("kind".into(), json!(resource.kind));
    names.insert("listKind".into(), json!(format!("{}List", resource.kind)));
    names.insert("plural".into(), json!(resource.plural));
    if !resource.short_names.is_empty() {
        names.insert("shortNames".into(), json!(resource.short_names));
    }
    names.insert("singular".into(), json!(resource.singular));

    let mut metadata = Object::new();
    metadata.insert("name".into(), json!(resource.crd_name()));
    let map = |pairs: &[(&str, &str)]| -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
        )
    };
    if !resource.labels.is_empty() {
        metadata.insert("labels".into(), map(resource.labels));
    }
    if !resource.annotations.is_empty() {
        metadata.insert("annotations".into(), map(resource.annotations));
    }
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": metadata,
        "spec": {
            "group": resource.group,
            "names": names,
            "scope": if resource.namespaced { "Namespaced" } else { "Cluster" },
            "versions": [version],
        },
    })
}

/// Every structural-schema violation of every version of a CRD.
pub fn schema_violations(crd: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    for (i, version) in versions(crd).iter().enumerate() {
        let path = format!("spec.versions[{i}].schema.openAPIV3Schema");
        match version.pointer("/schema/openAPIV3Schema") {
            Some(schema) => out.extend(violations(schema, &path)),
            None => out.push(Violation {
                path,
                message: "missing (every version needs a schema)".into(),
                hint: None,
            }),
        }
    }
    out
}

fn versions(crd: &Value) -> &[Value] {
    crd.pointer("/spec/versions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The most bytes of annotations an object may carry (the API server's
/// `TotalAnnotationSizeLimitB`). Client-side `kubectl apply` copies the whole object into
/// its `last-applied-configuration` annotation, so a CRD bigger than this cannot be applied
/// that way (`metadata.annotations: Too long`); server-side apply keeps no such copy.
pub const ANNOTATIONS_LIMIT: usize = 256 * 1024;

/// Whether client-side `kubectl apply` would fail on this CRD (see [`ANNOTATIONS_LIMIT`]).
pub fn too_big_for_client_side_apply(crd: &Value) -> bool {
    serde_json::to_vec(crd).map_or(0, |json| json.len()) > ANNOTATIONS_LIMIT
}

/// Cuts every description in every version's schema to `max` bytes (`0` removes them), as
/// controller-gen's `crd:maxDescLen` does; see [`crate::schema::description::truncate`].
pub fn limit_descriptions(crd: &mut Value, max: usize) {
    let Some(versions) = crd
        .pointer_mut("/spec/versions")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for version in versions {
        if let Some(Value::Object(schema)) = version.pointer_mut("/schema/openAPIV3Schema") {
            crate::schema::description::truncate(schema, max);
        }
    }
}

/// A CRD's `metadata.name`.
pub fn name(crd: &Value) -> &str {
    crd.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed CRD>")
}

/// Merges the per-version CRDs of each kind into one CRD per name, in a stable order.
///
/// Every version of a kind must agree on scope and names, no version may be defined twice,
/// and exactly one may be stored.
pub fn merge_versions(crds: Vec<Value>) -> Result<Vec<Value>, String> {
    let mut merged: BTreeMap<String, Value> = BTreeMap::new();
    for crd in crds {
        let name = crd
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .ok_or("a CRD has no metadata.name")?
            .to_string();
        let Some(existing) = merged.get_mut(&name) else {
            merged.insert(name, crd);
            continue;
        };
        for field in ["scope", "names"] {
            let (a, b) = (&existing["spec"][field], &crd["spec"][field]);
            if a != b {
                return Err(match field {
                    "scope" => format!("{name}: versions disagree on scope ({a} vs {b})"),
                    _ => format!(
                        "{name}: versions disagree on names (kind, plural, short names, categories must be identical)"
                    ),
                });
            }
        }
        for version in versions(&crd) {
            let exists = versions(existing)
                .iter()
                .any(|v| v["name"] == version["name"]);
            if exists {
                return Err(format!(
                    "{name}: version {} is defined twice",
                    version["name"].as_str().unwrap_or("?")
                ));
            }
            if let Some(Value::Array(list)) = existing.pointer_mut("/spec/versions") {
                list.push(version.clone());
            }
        }
        // Labels and annotations of every version end up on the one CRD.
        for field in ["labels", "annotations"] {
            if let Some(Value::Object(extra)) = crd["metadata"].get(field) {
                let target = existing["metadata"]
                    .as_object_mut()
                    .expect("a CRD's metadata is an object")
                    .entry(field)
                    .or_insert_with(|| Value::Object(Object::new()));
                if let Value::Object(target) = target {
                    for (k, v) in extra {
                        target.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
    }
    for (name, crd) in &merged {
        let stored: Vec<&str> = versions(crd)
            .iter()
            .filter(|v| v["storage"] == true)
            .filter_map(|v| v["name"].as_str())
            .collect();
        if stored.len() != 1 {
            return Err(format!(
                "{name}: exactly one version must be the storage version, found {} ({}); \
                 mark the others with `storage = false` in #[resource(...)]",
                stored.len(),
                stored.join(", ")
            ));
        }
    }
    Ok(merged.into_values().collect())
}

/// controller-gen's file name for a CRD: `<group>_<plural>.yaml`.
pub fn file_name(crd: &Value) -> String {
    format!(
        "{}_{}.yaml",
        crd["spec"]["group"].as_str().unwrap_or_default(),
        crd["spec"]["names"]["plural"].as_str().unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUESTBOOK: Resource<'static> = Resource {
        group: "webapp.example.com",
        version: "v1",
        kind: "Guestbook",
        plural: "guestbooks",
        singular: "guestbook",
        namespaced: true,
        short_names: &["gb"],
        categories: &[],
        printer_columns: &[PrinterColumn {
            name: "Age",
            type_: "date",
            json_path: ".metadata.creationTimestamp",
            description: None,
            priority: None,
            format: None,
        }],
        selectable_fields: &[],
        scale: None,
        status: true,
        served: true,
        storage: true,
        deprecated: false,
        deprecation_warning: None,
        labels: &[],
        annotations: &[],
        description: None,
    };

    fn crd(version: &'static str, storage: bool) -> Value {
        let resource = Resource {
            version,
            storage,
            ..GUESTBOOK
        };
        let spec = json!({"type": "object", "description": "The spec."});
        let Value::Object(spec) = spec else { panic!() };
        assemble(&resource, root_schema(&resource, spec, None))
    }

    #[test]
    fn one_version_is_assembled_like_controller_gen() {
        let crd = crd("v1", true);
        assert_eq!(crd["metadata"]["name"], "guestbooks.webapp.example.com");
        assert_eq!(crd["spec"]["names"]["listKind"], "GuestbookList");
        let version = &crd["spec"]["versions"][0];
        assert_eq!(version["subresources"], json!({"status": {}}));
        assert_eq!(
            version["schema"]["openAPIV3Schema"]["description"],
            "The spec."
        );
        assert_eq!(
            version["schema"]["openAPIV3Schema"]["required"],
            json!(["spec"])
        );
        assert_eq!(schema_violations(&crd), []);
    }

    #[test]
    fn versions_merge_into_one_crd() {
        let merged = merge_versions(vec![crd("v1", true), crd("v2", false)]).unwrap();
        assert_eq!(merged.len(), 1);
        let names: Vec<_> = versions(&merged[0])
            .iter()
            .map(|v| v["name"].clone())
            .collect();
        assert_eq!(names, ["v1", "v2"]);
        assert_eq!(file_name(&merged[0]), "webapp.example.com_guestbooks.yaml");
    }

    #[test]
    fn two_storage_versions_are_an_error() {
        let error = merge_versions(vec![crd("v1", true), crd("v2", true)]).unwrap_err();
        assert!(
            error.contains("exactly one version") && error.contains("v1, v2"),
            "{error}"
        );
    }

    #[test]
    fn scope_mismatch_is_an_error() {
        let mut cluster = crd("v2", false);
        cluster["spec"]["scope"] = json!("Cluster");
        assert!(
            merge_versions(vec![crd("v1", true), cluster])
                .unwrap_err()
                .contains("scope")
        );
    }
}
