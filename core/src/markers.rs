//! kubebuilder's markers and the attribute keys that stand for them: the vocabulary a Go
//! operator author brings. The derive suggests the key when someone writes the marker's name
//! (`#[field(enum = ...)]` → `enum_values`), and the attribute reference lists the marker
//! next to each key.

/// One kubebuilder marker.
#[derive(Debug, Clone, Copy)]
pub struct Marker {
    /// The key that stands for it, or `None` when Rust says it another way.
    pub key: Option<&'static str>,
    /// The marker as written in Go.
    pub marker: &'static str,
    /// Names someone may write meaning this marker (compared ignoring ASCII case).
    pub names: &'static [&'static str],
    /// What to write instead, when there is no key.
    pub instead: &'static str,
}

const fn key(key: &'static str, marker: &'static str, names: &'static [&'static str]) -> Marker {
    Marker {
        key: Some(key),
        marker,
        names,
        instead: "",
    }
}

const fn none(
    marker: &'static str,
    names: &'static [&'static str],
    instead: &'static str,
) -> Marker {
    Marker {
        key: None,
        marker,
        names,
        instead,
    }
}

/// The markers of `#[field(...)]` keys.
pub const FIELD: &[Marker] = &[
    key(
        "minimum",
        "+kubebuilder:validation:Minimum",
        &["min", "minimum"],
    ),
    key(
        "maximum",
        "+kubebuilder:validation:Maximum",
        &["max", "maximum"],
    ),
    key(
        "exclusive_minimum",
        "+kubebuilder:validation:ExclusiveMinimum",
        &["exclusiveMinimum"],
    ),
    key(
        "exclusive_maximum",
        "+kubebuilder:validation:ExclusiveMaximum",
        &["exclusiveMaximum"],
    ),
    key(
        "multiple_of",
        "+kubebuilder:validation:MultipleOf",
        &["multipleOf"],
    ),
    key(
        "min_length",
        "+kubebuilder:validation:MinLength",
        &["minLength", "min_len"],
    ),
    key(
        "max_length",
        "+kubebuilder:validation:MaxLength",
        &["maxLength", "max_len"],
    ),
    key("pattern", "+kubebuilder:validation:Pattern", &["regex"]),
    key("format", "+kubebuilder:validation:Format", &[]),
    key(
        "min_items",
        "+kubebuilder:validation:MinItems",
        &["minItems"],
    ),
    key(
        "max_items",
        "+kubebuilder:validation:MaxItems",
        &["maxItems"],
    ),
    key(
        "unique_items",
        "+kubebuilder:validation:UniqueItems",
        &["uniqueItems"],
    ),
    key(
        "min_properties",
        "+kubebuilder:validation:MinProperties",
        &["minProperties"],
    ),
    key(
        "max_properties",
        "+kubebuilder:validation:MaxProperties",
        &["maxProperties"],
    ),
    key("default", "+kubebuilder:default", &[]),
    key("nullable", "+nullable", &[]),
    key(
        "enum_values",
        "+kubebuilder:validation:Enum",
        &["enum", "enums"],
    ),
    key("list_type", "+listType", &["listType"]),
    key(
        "list_map_keys",
        "+listMapKey",
        &["listMapKey", "list_map_key"],
    ),
    key(
        "map_type",
        "+mapType / +structType",
        &["mapType", "structType", "struct_type"],
    ),
    key(
        "preserve_unknown_fields",
        "+kubebuilder:pruning:PreserveUnknownFields",
        &["PreserveUnknownFields", "Schemaless"],
    ),
    key(
        "embedded_resource",
        "+kubebuilder:validation:EmbeddedResource",
        &["EmbeddedResource"],
    ),
    key(
        "int_or_string",
        "+kubebuilder:validation:XIntOrString",
        &["XIntOrString"],
    ),
    key(
        "rule",
        "+kubebuilder:validation:XValidation",
        &["XValidation", "validation", "cel"],
    ),
    key("items", "+kubebuilder:validation:items:<Marker>", &[]),
    none(
        "+optional",
        &["optional"],
        "a field is optional when its type is `Option<T>` or it has `#[serde(default)]`",
    ),
    none(
        "+required",
        &["required"],
        "a field is required when it is neither an `Option<T>` nor `#[serde(default)]`",
    ),
    none(
        "+kubebuilder:validation:Type",
        &["type"],
        "the schema's type comes from the Rust type (`int_or_string` for an integer or a string, `preserve_unknown_fields` for any JSON)",
    ),
    none(
        "doc comments",
        &["description", "title"],
        "a field's doc comment is its description",
    ),
];

/// The markers of `#[resource(...)]` keys.
pub const RESOURCE: &[Marker] = &[
    key("group", "+groupName", &["groupName"]),
    key("version", "+versionName", &["versionName"]),
    key("kind", "the root type's name", &[]),
    key(
        "namespaced",
        "+kubebuilder:resource:scope=Namespaced",
        &["scope"],
    ),
    key("plural", "+kubebuilder:resource:path", &["path"]),
    key("singular", "+kubebuilder:resource:singular", &[]),
    key(
        "shortname",
        "+kubebuilder:resource:shortName",
        &["shortName", "short_name", "shortnames"],
    ),
    key(
        "category",
        "+kubebuilder:resource:categories",
        &["categories"],
    ),
    key(
        "status",
        "+kubebuilder:subresource:status",
        &["subresource"],
    ),
    key("scale", "+kubebuilder:subresource:scale", &[]),
    key(
        "printcolumn",
        "+kubebuilder:printcolumn",
        &["printcolumns", "column"],
    ),
    key(
        "storage",
        "+kubebuilder:storageversion",
        &["storageversion"],
    ),
    key(
        "served",
        "+kubebuilder:unservedversion",
        &["unservedversion"],
    ),
    key(
        "deprecated",
        "+kubebuilder:deprecatedversion",
        &["deprecatedversion"],
    ),
    key(
        "deprecation_warning",
        "+kubebuilder:deprecatedversion:warning",
        &["warning"],
    ),
    key(
        "selectable",
        "+kubebuilder:selectablefield",
        &["selectablefield"],
    ),
    key("label", "+kubebuilder:metadata:labels", &["labels"]),
    key(
        "annotation",
        "+kubebuilder:metadata:annotations",
        &["annotations"],
    ),
    key("description", "the root type's doc comment", &[]),
    key("derive", "—", &[]),
];

/// The parameters of `+kubebuilder:webhook` and the `#[webhook(...)]` keys that stand for them.
pub const WEBHOOK: &[Marker] = &[
    key("name", "+kubebuilder:webhook:name", &[]),
    key("path", "+kubebuilder:webhook:path", &[]),
    key("mutating", "+kubebuilder:webhook:mutating", &["mutate"]),
    key(
        "failure_policy",
        "+kubebuilder:webhook:failurePolicy",
        &["failurePolicy"],
    ),
    key(
        "side_effects",
        "+kubebuilder:webhook:sideEffects",
        &["sideEffects", "side_effect"],
    ),
    key(
        "groups",
        "+kubebuilder:webhook:groups",
        &["group", "apiGroups"],
    ),
    key("resources", "+kubebuilder:webhook:resources", &["resource"]),
    key(
        "verbs",
        "+kubebuilder:webhook:verbs",
        &["verb", "operations", "operation"],
    ),
    key(
        "versions",
        "+kubebuilder:webhook:versions",
        &["version", "apiVersions"],
    ),
    key(
        "admission_review_versions",
        "+kubebuilder:webhook:admissionReviewVersions",
        &["admissionReviewVersions", "admission_review_version"],
    ),
    key(
        "match_policy",
        "+kubebuilder:webhook:matchPolicy",
        &["matchPolicy"],
    ),
    key(
        "timeout_seconds",
        "+kubebuilder:webhook:timeoutSeconds",
        &["timeoutSeconds", "timeout"],
    ),
    key(
        "reinvocation_policy",
        "+kubebuilder:webhook:reinvocationPolicy",
        &["reinvocationPolicy"],
    ),
    none(
        "+kubebuilder:webhook:webhookVersions",
        &["webhookVersions", "webhook_versions"],
        "only admissionregistration.k8s.io/v1 configurations are generated",
    ),
    none(
        "+kubebuilder:webhook:serviceName / serviceNamespace / servicePort",
        &[
            "serviceName",
            "service_name",
            "serviceNamespace",
            "service_namespace",
            "servicePort",
            "service_port",
        ],
        "the configurations name the Service `webhook-service` in `system` (config/webhook/service.yaml; kustomize sets the namespace)",
    ),
    none(
        "+kubebuilder:webhook:url",
        &["url"],
        "the configurations call the Service; for local runs, envtest's webhook install rewrites it into `https://127.0.0.1:<port><path>`",
    ),
];

/// The marker of a key, for the attribute reference.
pub fn marker_of(markers: &[Marker], key: &str) -> Option<&'static str> {
    markers
        .iter()
        .find(|m| m.key == Some(key))
        .map(|m| m.marker)
}
