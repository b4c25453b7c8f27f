//! Admission webhooks: the grammar of one `#[webhook(...)]` (kubebuilder's
//! `+kubebuilder:webhook` marker), the `MutatingWebhookConfiguration` and
//! `ValidatingWebhookConfiguration` controller-gen writes for them
//! (`config/webhook/manifests.yaml`), kubebuilder's webhook paths, and the CRD's
//! `spec.conversion` block for a conversion webhook.
//!
//! The derive checks each attribute with [`check`] at compile time and registers it in the
//! program as a [`StaticWebhook`]; `cargo operator manifests` reads the registered webhooks
//! from the built operator and writes [`configurations`] of them. The values the API server
//! accepts are those of `admissionregistration.k8s.io/v1`; kubebuilder's spellings
//! (`failurePolicy=fail`, `verbs=create;update`, `groups=core`) are accepted and normalised
//! as controller-gen normalises them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// `failurePolicy`: what the API server does when it cannot call the webhook.
pub const FAILURE_POLICIES: &[&str] = &["Fail", "Ignore"];

/// `sideEffects` that `admissionregistration.k8s.io/v1` accepts (`Some` and `Unknown` were
/// v1beta1's).
pub const SIDE_EFFECTS: &[&str] = &["None", "NoneOnDryRun"];

/// `sideEffects` that v1 refuses.
pub const REFUSED_SIDE_EFFECTS: &[&str] = &["Some", "Unknown"];

/// The admission operations a webhook rule matches (`rules[].operations`).
pub const OPERATIONS: &[&str] = &["CREATE", "UPDATE", "DELETE", "CONNECT", "*"];

/// The `AdmissionReview` versions the API server speaks.
pub const ADMISSION_REVIEW_VERSIONS: &[&str] = &["v1", "v1beta1"];

/// The `AdmissionReview` version the runtime's webhook server answers, and so the one a
/// webhook's `admissionReviewVersions` must list first (the API server sends the first it
/// knows).
pub const SERVED_REVIEW_VERSION: &str = "v1";

/// `matchPolicy`: whether a request for an equivalent resource (another group or version of
/// it) is sent too (`Equivalent`, the API server's default) or not (`Exact`).
pub const MATCH_POLICIES: &[&str] = &["Exact", "Equivalent"];

/// `reinvocationPolicy` of mutating webhooks.
pub const REINVOCATION_POLICIES: &[&str] = &["Never", "IfNeeded"];

/// The longest `timeoutSeconds` the API server accepts (the shortest is 1, the default 10).
pub const MAX_TIMEOUT_SECONDS: u64 = 30;

/// The Service the generated configurations point at (kubebuilder's `config/webhook/service.yaml`).
pub const SERVICE_NAME: &str = "webhook-service";

/// The Service's namespace before kustomize's `namespace:` rewrites it (kubebuilder's).
pub const SERVICE_NAMESPACE: &str = "system";

/// The name of the generated `MutatingWebhookConfiguration` (controller-gen's).
pub const MUTATING_CONFIGURATION: &str = "mutating-webhook-configuration";

/// The name of the generated `ValidatingWebhookConfiguration` (controller-gen's).
pub const VALIDATING_CONFIGURATION: &str = "validating-webhook-configuration";

/// The API version of both configurations.
pub const CONFIGURATION_API_VERSION: &str = "admissionregistration.k8s.io/v1";

/// The path of every conversion webhook (kubebuilder's).
pub const CONVERSION_PATH: &str = "/convert";

/// The `ConversionReview` versions the runtime answers.
pub const CONVERSION_REVIEW_VERSIONS: &[&str] = &["v1"];

/// kubebuilder's path for a webhook of a kind: `/mutate-<group with dots as dashes>-<version>-<kind
/// lowercased>` or `/validate-…`, e.g. `/mutate-webapp-example-com-v1-guestbook`; for the core
/// group (`""`), `/mutate--v1-pod`.
pub fn default_path(mutating: bool, group: &str, version: &str, kind: &str) -> String {
    let prefix = if mutating { "mutate" } else { "validate" };
    format!(
        "/{prefix}-{}-{version}-{}",
        group.replace('.', "-"),
        kind.to_lowercase()
    )
}

/// The keys of `#[webhook(...)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Name,
    Path,
    Mutating,
    FailurePolicy,
    SideEffects,
    Groups,
    Resources,
    Verbs,
    Versions,
    AdmissionReviewVersions,
    MatchPolicy,
    TimeoutSeconds,
    ReinvocationPolicy,
}

impl Key {
    /// Every key, in the order the attribute reference lists them.
    pub const ALL: [Key; 13] = [
        Key::Name,
        Key::Path,
        Key::Mutating,
        Key::FailurePolicy,
        Key::SideEffects,
        Key::Groups,
        Key::Resources,
        Key::Verbs,
        Key::Versions,
        Key::AdmissionReviewVersions,
        Key::MatchPolicy,
        Key::TimeoutSeconds,
        Key::ReinvocationPolicy,
    ];

    /// The key as written in the attribute.
    pub fn name(self) -> &'static str {
        match self {
            Key::Name => "name",
            Key::Path => "path",
            Key::Mutating => "mutating",
            Key::FailurePolicy => "failure_policy",
            Key::SideEffects => "side_effects",
            Key::Groups => "groups",
            Key::Resources => "resources",
            Key::Verbs => "verbs",
            Key::Versions => "versions",
            Key::AdmissionReviewVersions => "admission_review_versions",
            Key::MatchPolicy => "match_policy",
            Key::TimeoutSeconds => "timeout_seconds",
            Key::ReinvocationPolicy => "reinvocation_policy",
        }
    }

    /// An example of the key with a value, for messages.
    pub fn example(self) -> &'static str {
        match self {
            Key::Name => r#"name = "mguestbook-v1.kb.io""#,
            Key::Path => r#"path = "/mutate-webapp-example-com-v1-guestbook""#,
            Key::Mutating => "mutating",
            Key::FailurePolicy => r#"failure_policy = "Fail""#,
            Key::SideEffects => r#"side_effects = "None""#,
            Key::Groups => r#"groups = ["webapp.example.com"]"#,
            Key::Resources => r#"resources = ["guestbooks"]"#,
            Key::Verbs => r#"verbs = ["CREATE", "UPDATE"]"#,
            Key::Versions => r#"versions = ["v1"]"#,
            Key::AdmissionReviewVersions => r#"admission_review_versions = ["v1"]"#,
            Key::MatchPolicy => r#"match_policy = "Equivalent""#,
            Key::TimeoutSeconds => "timeout_seconds = 10",
            Key::ReinvocationPolicy => r#"reinvocation_policy = "IfNeeded""#,
        }
    }
}

/// An example of a complete webhook, for messages.
pub const EXAMPLE: &str = r#"#[webhook(name = "mguestbook-v1.kb.io", path = "/mutate-webapp-example-com-v1-guestbook", mutating, failure_policy = "Fail", side_effects = "None", groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["CREATE", "UPDATE"], versions = ["v1"], admission_review_versions = ["v1"])]"#;

/// One webhook as written: each key's value, `None` when the key is absent.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput<'a> {
    pub name: Option<&'a str>,
    pub path: Option<&'a str>,
    pub mutating: bool,
    pub failure_policy: Option<&'a str>,
    pub side_effects: Option<&'a str>,
    pub groups: Option<&'a [String]>,
    pub resources: Option<&'a [String]>,
    pub verbs: Option<&'a [String]>,
    pub versions: Option<&'a [String]>,
    pub admission_review_versions: Option<&'a [String]>,
    pub match_policy: Option<&'a str>,
    pub timeout_seconds: Option<u64>,
    pub reinvocation_policy: Option<&'a str>,
}

/// What is wrong with one webhook: the key (and the element of its list, if one is to blame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: Key,
    pub item: Option<usize>,
    /// `false` when the key is missing altogether (blame the whole attribute).
    pub present: bool,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The canonical spelling of `value` among `allowed`, compared ignoring ASCII case (as
/// controller-gen compares `failurePolicy`, `sideEffects`, `matchPolicy`, `verbs`, …).
fn canonical(value: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .copied()
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`\"{v}\"`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every problem of one webhook, in a stable order (the order of [`Key::ALL`]).
pub fn check(webhook: &WebhookInput<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |key: Key, item: Option<usize>, present: bool, message: String| {
        out.push(Problem {
            key,
            item,
            present,
            message,
        })
    };
    let missing = |key: Key| {
        format!(
            "#[webhook] needs `{}`: write `{}` (a complete webhook: `{EXAMPLE}`)",
            key.name(),
            key.example()
        )
    };

    match webhook.name {
        None => push(Key::Name, None, false, missing(Key::Name)),
        Some(name) => {
            if let Some(message) = name_problem(name) {
                push(Key::Name, None, true, message);
            }
        }
    }
    match webhook.path {
        None => push(Key::Path, None, false, missing(Key::Path)),
        Some(path) => {
            if let Some(message) = path_problem(path) {
                push(Key::Path, None, true, message);
            }
        }
    }
    match webhook.failure_policy {
        None => push(Key::FailurePolicy, None, false, missing(Key::FailurePolicy)),
        Some(policy) if canonical(policy, FAILURE_POLICIES).is_none() => push(
            Key::FailurePolicy,
            None,
            true,
            format!(
                "unknown failure policy `{policy}`; write `\"Fail\"` (refuse the request when the webhook cannot be called) or `\"Ignore\"` (admit it)"
            ),
        ),
        Some(_) => {}
    }
    match webhook.side_effects {
        None => push(Key::SideEffects, None, false, missing(Key::SideEffects)),
        Some(effects) if canonical(effects, SIDE_EFFECTS).is_some() => {}
        Some(effects) if canonical(effects, REFUSED_SIDE_EFFECTS).is_some() => push(
            Key::SideEffects,
            None,
            true,
            format!(
                "side effects `{effects}` are refused by admissionregistration.k8s.io/v1; write `\"None\"`, or `\"NoneOnDryRun\"` when the webhook has side effects and skips them on dry runs (`ctx.dry_run`)"
            ),
        ),
        Some(effects) => push(
            Key::SideEffects,
            None,
            true,
            format!(
                "unknown side effects `{effects}`; write {}",
                quoted(SIDE_EFFECTS)
            ),
        ),
    }

    // rules[0].apiGroups
    match webhook.groups {
        None => push(Key::Groups, None, false, missing(Key::Groups)),
        Some([]) => push(
            Key::Groups,
            None,
            true,
            r#"`groups` must not be empty: write e.g. `groups = ["webapp.example.com"]`, `groups = [""]` for the core group"#.into(),
        ),
        Some(groups) => {
            for (i, group) in groups.iter().enumerate() {
                if !(group.is_empty()
                    || group == "*"
                    || group == "core"
                    || crate::names::is_dns_subdomain(group))
                {
                    push(
                        Key::Groups,
                        Some(i),
                        true,
                        "an API group is a lowercase DNS subdomain like `apps` or `webapp.example.com`, `\"\"` for core, or `\"*\"`".into(),
                    );
                }
            }
            wildcard_alone(groups, Key::Groups, "API group", &mut push);
        }
    }
    match webhook.resources {
        None => push(Key::Resources, None, false, missing(Key::Resources)),
        Some([]) => push(
            Key::Resources,
            None,
            true,
            r#"`resources` must not be empty: write e.g. `resources = ["guestbooks"]`"#.into(),
        ),
        Some(resources) => {
            for (i, message) in resources_problems(resources) {
                push(Key::Resources, i, true, message);
            }
        }
    }
    match webhook.verbs {
        None => push(Key::Verbs, None, false, missing(Key::Verbs)),
        Some([]) => push(
            Key::Verbs,
            None,
            true,
            r#"`verbs` must not be empty: write e.g. `verbs = ["CREATE", "UPDATE"]`"#.into(),
        ),
        Some(verbs) => {
            for (i, verb) in verbs.iter().enumerate() {
                if canonical(verb, OPERATIONS).is_none() {
                    push(
                        Key::Verbs,
                        Some(i),
                        true,
                        format!(
                            "unknown operation `{verb}`; a webhook's verbs are the admission operations CREATE, UPDATE, DELETE, CONNECT or `*` (in any case)"
                        ),
                    );
                }
            }
            wildcard_alone(verbs, Key::Verbs, "operation", &mut push);
        }
    }
    match webhook.versions {
        None => push(Key::Versions, None, false, missing(Key::Versions)),
        Some([]) => push(
            Key::Versions,
            None,
            true,
            r#"`versions` must not be empty: write e.g. `versions = ["v1"]`"#.into(),
        ),
        Some(versions) => {
            for (i, version) in versions.iter().enumerate() {
                if version != "*"
                    && let Err(why) = crate::names::crd_version(version)
                {
                    push(
                        Key::Versions,
                        Some(i),
                        true,
                        format!("the version `{version}` {why}, or `\"*\"`"),
                    );
                }
            }
            wildcard_alone(versions, Key::Versions, "version", &mut push);
        }
    }
    match webhook.admission_review_versions {
        None => push(
            Key::AdmissionReviewVersions,
            None,
            false,
            missing(Key::AdmissionReviewVersions),
        ),
        Some([]) => push(
            Key::AdmissionReviewVersions,
            None,
            true,
            r#"`admission_review_versions` must not be empty: write `admission_review_versions = ["v1"]`"#.into(),
        ),
        Some(versions) => {
            for (i, version) in versions.iter().enumerate() {
                if !ADMISSION_REVIEW_VERSIONS.contains(&version.as_str()) {
                    push(
                        Key::AdmissionReviewVersions,
                        Some(i),
                        true,
                        format!(
                            "unknown AdmissionReview version `{version}`; the API server speaks {}",
                            quoted(ADMISSION_REVIEW_VERSIONS)
                        ),
                    );
                } else if versions[..i].contains(version) {
                    push(
                        Key::AdmissionReviewVersions,
                        Some(i),
                        true,
                        format!("duplicate AdmissionReview version `{version}`"),
                    );
                }
            }
            if versions[0] != SERVED_REVIEW_VERSION
                && ADMISSION_REVIEW_VERSIONS.contains(&versions[0].as_str())
            {
                push(
                    Key::AdmissionReviewVersions,
                    Some(0),
                    true,
                    format!(
                        "the API server sends the first AdmissionReview version it knows, and the runtime answers `{SERVED_REVIEW_VERSION}`: list `\"{SERVED_REVIEW_VERSION}\"` first"
                    ),
                );
            }
        }
    }
    if let Some(policy) = webhook.match_policy
        && canonical(policy, MATCH_POLICIES).is_none()
    {
        push(
            Key::MatchPolicy,
            None,
            true,
            format!(
                "unknown match policy `{policy}`; write `\"Equivalent\"` (also requests for the same objects through another group or version, the default) or `\"Exact\"`"
            ),
        );
    }
    if let Some(timeout) = webhook.timeout_seconds
        && !(1..=MAX_TIMEOUT_SECONDS).contains(&timeout)
    {
        push(
            Key::TimeoutSeconds,
            None,
            true,
            format!(
                "`timeout_seconds` must be between 1 and {MAX_TIMEOUT_SECONDS} (the API server's limit; without it, 10)"
            ),
        );
    }
    if let Some(policy) = webhook.reinvocation_policy {
        if !webhook.mutating {
            push(
                Key::ReinvocationPolicy,
                None,
                true,
                "`reinvocation_policy` applies only to mutating webhooks: add `mutating` or remove it".into(),
            );
        } else if canonical(policy, REINVOCATION_POLICIES).is_none() {
            push(
                Key::ReinvocationPolicy,
                None,
                true,
                format!(
                    "unknown reinvocation policy `{policy}`; write {}",
                    quoted(REINVOCATION_POLICIES)
                ),
            );
        }
    }
    out
}

/// `*` must be the only element of a list (the API server's rule for groups, versions and
/// operations).
fn wildcard_alone(
    list: &[String],
    key: Key,
    what: &str,
    push: &mut impl FnMut(Key, Option<usize>, bool, String),
) {
    if list.len() > 1
        && let Some(i) = list.iter().position(|v| v == "*")
    {
        push(
            key,
            Some(i),
            true,
            format!(
                "`\"*\"` already means every {what}: write `{} = [\"*\"]` alone",
                key.name()
            ),
        );
    }
}

/// The name of a webhook: a fully qualified name, as the API server requires.
fn name_problem(name: &str) -> Option<String> {
    const WHAT: &str = "a webhook's name is a lowercase DNS subdomain of at least three parts, such as `mguestbook-v1.kb.io`";
    if let Err(why) = crate::names::dns_subdomain(name) {
        return Some(format!("the name `{name}` {why}; {WHAT}"));
    }
    let parts = name.split('.').count();
    if parts < 3 {
        return Some(format!(
            "the name `{name}` has {parts} part{}; {WHAT} (the API server requires a fully qualified name)",
            if parts == 1 { "" } else { "s" }
        ));
    }
    None
}

/// The path of a webhook's service, as the API server checks it: it starts with `/` and each
/// segment is a lowercase DNS subdomain.
fn path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some(format!(
            "the path `{path}` must start with `/`: write e.g. `{}`",
            Key::Path.example()
        ));
    }
    if path == "/" {
        return None;
    }
    let inner = path[1..].strip_suffix('/').unwrap_or(&path[1..]);
    for (i, segment) in inner.split('/').enumerate() {
        if segment.is_empty() {
            return Some(format!(
                "the path `{path}` has an empty segment (number {i})"
            ));
        }
        if let Err(why) = crate::names::dns_subdomain(segment) {
            return Some(format!(
                "the path `{path}`: its segment `{segment}` {why}; each segment of a webhook's path is a lowercase DNS subdomain, e.g. `/mutate-webapp-example-com-v1-guestbook`"
            ));
        }
    }
    None
}

/// The API server's rules for `rules[].resources`: each a resource, `resource/subresource`,
/// `*`, `resource/*`, `*/subresource` or `*/*`, with no wildcard covering another entry.
fn resources_problems(resources: &[String]) -> Vec<(Option<usize>, String)> {
    let mut out = Vec::new();
    let (mut with_any_sub, mut sub_of_any) = (Vec::<&str>::new(), Vec::<&str>::new());
    let (mut double, mut single, mut plain) = (false, false, false);
    for (i, entry) in resources.iter().enumerate() {
        if !crate::rbac::is_resource(entry) {
            out.push((
                Some(i),
                "a resource is a lowercase plural like `guestbooks`, optionally with a subresource like `guestbooks/status`, or `\"*\"`, `\"*/*\"`, `\"guestbooks/*\"`, `\"*/status\"`".into(),
            ));
            continue;
        }
        match entry.split_once('/') {
            None => {
                single |= entry == "*";
                plain |= entry != "*";
            }
            Some((resource, sub)) => {
                double |= entry == "*/*";
                if with_any_sub.contains(&resource) {
                    out.push((
                        Some(i),
                        format!("`\"{resource}/*\"` already covers `\"{entry}\"`"),
                    ));
                }
                if sub_of_any.contains(&sub) {
                    out.push((
                        Some(i),
                        format!("`\"*/{sub}\"` already covers `\"{entry}\"`"),
                    ));
                }
                if sub == "*" {
                    with_any_sub.push(resource);
                }
                if resource == "*" {
                    sub_of_any.push(sub);
                }
            }
        }
    }
    if double && resources.len() > 1 {
        out.push((
            None,
            r#"`"*/*"` already means every resource and subresource: write `resources = ["*/*"]` alone"#.into(),
        ));
    }
    if single && plain {
        out.push((
            None,
            r#"`"*"` already means every resource (without subresources): remove the others"#
                .into(),
        ));
    }
    out
}

/// One webhook as the program registers it (`#[webhook]` expands to a `static` of this, with
/// the values already checked and normalised), with where it was written.
#[derive(Debug, Clone, Copy)]
pub struct StaticWebhook {
    pub name: &'static str,
    pub path: &'static str,
    pub mutating: bool,
    pub failure_policy: &'static str,
    pub side_effects: &'static str,
    pub groups: &'static [&'static str],
    pub resources: &'static [&'static str],
    pub verbs: &'static [&'static str],
    pub versions: &'static [&'static str],
    pub admission_review_versions: &'static [&'static str],
    pub match_policy: Option<&'static str>,
    pub timeout_seconds: Option<u32>,
    pub reinvocation_policy: Option<&'static str>,
    /// `module::path` of the item carrying the attribute.
    pub module: &'static str,
}

impl StaticWebhook {
    pub fn to_webhook(&self) -> Webhook {
        let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        Webhook {
            name: self.name.into(),
            path: self.path.into(),
            mutating: self.mutating,
            failure_policy: self.failure_policy.into(),
            side_effects: self.side_effects.into(),
            groups: owned(self.groups),
            resources: owned(self.resources),
            verbs: owned(self.verbs),
            versions: owned(self.versions),
            admission_review_versions: owned(self.admission_review_versions),
            match_policy: self.match_policy.map(Into::into),
            timeout_seconds: self.timeout_seconds,
            reinvocation_policy: self.reinvocation_policy.map(Into::into),
        }
    }
}

/// One webhook, owned and normalised; what the program prints for `manifests`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub name: String,
    pub path: String,
    #[serde(default)]
    pub mutating: bool,
    pub failure_policy: String,
    pub side_effects: String,
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
    pub versions: Vec<String>,
    pub admission_review_versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reinvocation_policy: Option<String>,
}

impl Webhook {
    /// The webhook as input to [`check`].
    pub fn input(&self) -> WebhookInput<'_> {
        WebhookInput {
            name: Some(&self.name),
            path: Some(&self.path),
            mutating: self.mutating,
            failure_policy: Some(&self.failure_policy),
            side_effects: Some(&self.side_effects),
            groups: Some(&self.groups),
            resources: Some(&self.resources),
            verbs: Some(&self.verbs),
            versions: Some(&self.versions),
            admission_review_versions: Some(&self.admission_review_versions),
            match_policy: self.match_policy.as_deref(),
            timeout_seconds: self.timeout_seconds.map(u64::from),
            reinvocation_policy: self.reinvocation_policy.as_deref(),
        }
    }

    /// Every problem of this webhook ([`check`]).
    pub fn check(&self) -> Vec<Problem> {
        check(&self.input())
    }

    /// The entry of `webhooks[]` in its configuration, as controller-gen writes it.
    pub fn to_json(&self) -> Value {
        let mut webhook = json!({
            "admissionReviewVersions": self.admission_review_versions,
            "clientConfig": {
                "service": {
                    "name": SERVICE_NAME,
                    "namespace": SERVICE_NAMESPACE,
                    "path": self.path,
                },
            },
            "failurePolicy": self.failure_policy,
            "name": self.name,
            "rules": [{
                "apiGroups": self.groups,
                "apiVersions": self.versions,
                "operations": self.verbs,
                "resources": self.resources,
            }],
            "sideEffects": self.side_effects,
        });
        if let Some(policy) = &self.match_policy {
            webhook["matchPolicy"] = json!(policy);
        }
        if let Some(timeout) = self.timeout_seconds {
            webhook["timeoutSeconds"] = json!(timeout);
        }
        if self.mutating
            && let Some(policy) = &self.reinvocation_policy
        {
            webhook["reinvocationPolicy"] = json!(policy);
        }
        webhook
    }
}

/// The webhook written by `input`, normalised as controller-gen normalises it (`fail` →
/// `Fail`, `create` → `CREATE`, `core` → `""`, …), or every problem of it.
pub fn normalize(input: &WebhookInput<'_>) -> Result<Webhook, Vec<Problem>> {
    let problems = check(input);
    if !problems.is_empty() {
        return Err(problems);
    }
    let list = |list: Option<&[String]>| list.unwrap_or_default().to_vec();
    let canon = |value: Option<&str>, allowed: &[&'static str]| {
        value
            .and_then(|v| canonical(v, allowed))
            .map(str::to_string)
    };
    Ok(Webhook {
        name: input.name.unwrap_or_default().into(),
        path: input.path.unwrap_or_default().into(),
        mutating: input.mutating,
        failure_policy: canon(input.failure_policy, FAILURE_POLICIES).unwrap_or_default(),
        side_effects: canon(input.side_effects, SIDE_EFFECTS).unwrap_or_default(),
        groups: list(input.groups)
            .into_iter()
            .map(|g| if g == "core" { String::new() } else { g })
            .collect(),
        resources: list(input.resources),
        verbs: list(input.verbs)
            .iter()
            .filter_map(|v| canonical(v, OPERATIONS).map(str::to_string))
            .collect(),
        versions: list(input.versions),
        admission_review_versions: list(input.admission_review_versions),
        match_policy: canon(input.match_policy, MATCH_POLICIES),
        timeout_seconds: input.timeout_seconds.map(|t| t as u32),
        reinvocation_policy: canon(input.reinvocation_policy, REINVOCATION_POLICIES),
    })
}

/// The webhooks a program registers, each with the `module::path` it was written in, in the
/// order the program reports them: by name, then path, kind and module, so that neither the
/// linker's order nor the reader's changes it.
pub fn in_program_order(mut webhooks: Vec<(String, Webhook)>) -> Vec<Webhook> {
    webhooks.sort_by(|a, b| {
        (&a.1.name, &a.1.path, a.1.mutating, &a.0)
            .cmp(&(&b.1.name, &b.1.path, b.1.mutating, &b.0))
            .then_with(|| format!("{:?}", a.1).cmp(&format!("{:?}", b.1)))
    });
    webhooks.into_iter().map(|(_, webhook)| webhook).collect()
}

/// Every problem of a program's webhooks together: each webhook's own ([`check`], prefixed with
/// its name), and names used twice in one configuration (the API server requires them
/// unique).
pub fn problems(webhooks: &[Webhook]) -> Vec<String> {
    let mut out = Vec::new();
    for webhook in webhooks {
        for problem in webhook.check() {
            out.push(format!("webhook `{}`: {problem}", webhook.name));
        }
    }
    for mutating in [true, false] {
        let mut names: Vec<&str> = webhooks
            .iter()
            .filter(|w| w.mutating == mutating)
            .map(|w| w.name.as_str())
            .collect();
        names.sort_unstable();
        let mut repeated: Vec<&str> = names
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        repeated.dedup();
        for name in repeated {
            out.push(format!(
                "two {} webhooks are named `{name}`: the API server requires the names in one configuration to be unique",
                if mutating { "mutating" } else { "validating" }
            ));
        }
    }
    out
}

/// The `MutatingWebhookConfiguration` (`mutating-webhook-configuration`) and the
/// `ValidatingWebhookConfiguration` (`validating-webhook-configuration`) of the webhooks, as
/// controller-gen writes `config/webhook/manifests.yaml`: each webhook's client config is the
/// Service `webhook-service` in `system` at its path, one rule of its groups, versions,
/// operations and resources; webhooks sorted by name; a configuration only when it has a
/// webhook (so none for no webhooks).
pub fn configurations(webhooks: &[Webhook]) -> Vec<Value> {
    let mut out = Vec::new();
    for (mutating, kind, name) in [
        (true, "MutatingWebhookConfiguration", MUTATING_CONFIGURATION),
        (
            false,
            "ValidatingWebhookConfiguration",
            VALIDATING_CONFIGURATION,
        ),
    ] {
        let mut of_kind: Vec<&Webhook> =
            webhooks.iter().filter(|w| w.mutating == mutating).collect();
        if of_kind.is_empty() {
            continue;
        }
        of_kind.sort_by(|a, b| a.name.cmp(&b.name));
        out.push(json!({
            "apiVersion": CONFIGURATION_API_VERSION,
            "kind": kind,
            "metadata": { "name": name },
            "webhooks": of_kind.iter().map(|w| w.to_json()).collect::<Vec<_>>(),
        }));
    }
    out
}

/// A CRD's `spec.conversion` for a conversion webhook, as kubebuilder's
/// `config/crd/patches/webhook_in_<kind>.yaml` sets it: strategy `Webhook`, the Service
/// `webhook-service` in `system` at `/convert`, `ConversionReview` v1.
pub fn conversion() -> Value {
    json!({
        "strategy": "Webhook",
        "webhook": {
            "clientConfig": {
                "service": {
                    "name": SERVICE_NAME,
                    "namespace": SERVICE_NAMESPACE,
                    "path": CONVERSION_PATH,
                },
            },
            "conversionReviewVersions": CONVERSION_REVIEW_VERSIONS,
        },
    })
}

/// Sets [`conversion`] as the CRD's `spec.conversion` (a CRD of several versions whose
/// operator registers a conversion).
pub fn set_conversion(crd: &mut Value) {
    if let Some(spec) = crd.get_mut("spec").and_then(Value::as_object_mut) {
        spec.insert("conversion".into(), conversion());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    struct Lists {
        groups: Vec<String>,
        resources: Vec<String>,
        verbs: Vec<String>,
        versions: Vec<String>,
        reviews: Vec<String>,
    }

    fn lists(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Lists {
        Lists {
            groups: strings(groups),
            resources: strings(resources),
            verbs: strings(verbs),
            versions: strings(&["v1"]),
            reviews: strings(&["v1"]),
        }
    }

    fn input<'a>(lists: &'a Lists, name: &'a str, path: &'a str) -> WebhookInput<'a> {
        WebhookInput {
            name: Some(name),
            path: Some(path),
            mutating: false,
            failure_policy: Some("fail"),
            side_effects: Some("None"),
            groups: Some(&lists.groups),
            resources: Some(&lists.resources),
            verbs: Some(&lists.verbs),
            versions: Some(&lists.versions),
            admission_review_versions: Some(&lists.reviews),
            match_policy: None,
            timeout_seconds: None,
            reinvocation_policy: None,
        }
    }

    fn at(problems: &[Problem]) -> Vec<(Key, Option<usize>)> {
        problems.iter().map(|p| (p.key, p.item)).collect()
    }

    #[test]
    fn kubebuilder_spellings_are_normalised_like_controller_gen() {
        let l = lists(
            &["core", "apps"],
            &["pods", "deployments/scale"],
            &["create", "Update"],
        );
        let mut webhook = input(&l, "vpod-v1.kb.io", "/validate--v1-pod");
        webhook.side_effects = Some("noneondryrun");
        webhook.match_policy = Some("exact");
        webhook.timeout_seconds = Some(30);
        let webhook = normalize(&webhook).unwrap();
        assert_eq!(webhook.failure_policy, "Fail");
        assert_eq!(webhook.side_effects, "NoneOnDryRun");
        assert_eq!(webhook.match_policy.as_deref(), Some("Exact"));
        assert_eq!(webhook.groups, ["", "apps"]);
        assert_eq!(webhook.verbs, ["CREATE", "UPDATE"]);
        assert_eq!(webhook.check(), []);
    }

    #[test]
    fn missing_keys_blame_the_attribute() {
        let problems = check(&WebhookInput::default());
        let missing: Vec<_> = problems.iter().map(|p| (p.key, p.present)).collect();
        assert_eq!(
            missing,
            [
                (Key::Name, false),
                (Key::Path, false),
                (Key::FailurePolicy, false),
                (Key::SideEffects, false),
                (Key::Groups, false),
                (Key::Resources, false),
                (Key::Verbs, false),
                (Key::Versions, false),
                (Key::AdmissionReviewVersions, false),
            ]
        );
        assert!(problems[3].message.contains(r#"side_effects = "None""#));
    }

    #[test]
    fn every_problem_names_its_key_and_item() {
        let mut l = lists(&["Apps", "*"], &["Pods", "*/*"], &["create", "fly", "*"]);
        l.versions = strings(&["v1", "V2"]);
        l.reviews = strings(&["v1beta1", "v2", "v1beta1"]);
        let mut webhook = input(&l, "guestbook.kb", "mutate-guestbook");
        webhook.failure_policy = Some("Retry");
        webhook.side_effects = Some("Some");
        webhook.match_policy = Some("Fuzzy");
        webhook.timeout_seconds = Some(31);
        webhook.reinvocation_policy = Some("IfNeeded");
        let problems = check(&webhook);
        assert_eq!(
            at(&problems),
            [
                (Key::Name, None),
                (Key::Path, None),
                (Key::FailurePolicy, None),
                (Key::SideEffects, None),
                (Key::Groups, Some(0)),
                (Key::Groups, Some(1)),
                (Key::Resources, Some(0)),
                (Key::Resources, None),
                (Key::Verbs, Some(1)),
                (Key::Verbs, Some(2)),
                (Key::Versions, Some(1)),
                (Key::AdmissionReviewVersions, Some(1)),
                (Key::AdmissionReviewVersions, Some(2)),
                (Key::AdmissionReviewVersions, Some(0)),
                (Key::MatchPolicy, None),
                (Key::TimeoutSeconds, None),
                (Key::ReinvocationPolicy, None),
            ],
            "{problems:#?}"
        );
        assert!(
            problems[0].message.contains("has 2 parts"),
            "{}",
            problems[0]
        );
        assert!(
            problems[3]
                .message
                .contains("refused by admissionregistration.k8s.io/v1")
        );
        assert!(problems[8].message.contains("unknown operation `fly`"));
        assert!(problems[16].message.contains("only to mutating"));
    }

    #[test]
    fn names_and_paths_are_checked_as_the_api_server_does() {
        assert_eq!(name_problem("mguestbook-v1.kb.io"), None);
        assert!(name_problem("Guestbook.example.com").is_some());
        assert!(name_problem("kb.io").is_some());
        assert_eq!(
            path_problem("/mutate-webapp-example-com-v1-guestbook"),
            None
        );
        assert_eq!(path_problem("/convert/"), None);
        assert_eq!(path_problem("/"), None);
        assert!(path_problem("//").is_some());
        assert!(path_problem("/Mutate").is_some());
        assert!(path_problem("/a?b").is_some());
        assert!(path_problem("relative").is_some());
    }

    #[test]
    fn resource_wildcards_may_not_overlap() {
        let checked = |list: &[&str]| {
            resources_problems(&strings(list))
                .into_iter()
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(checked(&["guestbooks", "guestbooks/status", "*/scale"]), []);
        assert_eq!(checked(&["*", "guestbooks/status"]), []);
        assert_eq!(checked(&["*", "guestbooks"]), [None]);
        assert_eq!(checked(&["pods/*", "pods/log"]), [Some(1)]);
        assert_eq!(checked(&["*/status", "pods/status"]), [Some(1)]);
        assert_eq!(checked(&["*/*", "pods"]), [None]);
        assert_eq!(checked(&["", "a/b/c"]), [Some(0), Some(1)]);
    }

    #[test]
    fn admission_review_versions_start_with_the_served_one() {
        let mut l = lists(&[""], &["pods"], &["CREATE"]);
        l.reviews = strings(&["v1", "v1beta1"]);
        assert_eq!(check(&input(&l, "a.b.c", "/p")), []);
        l.reviews = strings(&["v1beta1", "v1"]);
        assert_eq!(
            at(&check(&input(&l, "a.b.c", "/p"))),
            [(Key::AdmissionReviewVersions, Some(0))]
        );
    }

    fn webhook(name: &str, mutating: bool) -> Webhook {
        let l = lists(
            &["webapp.example.com"],
            &["guestbooks"],
            &["create", "update"],
        );
        let path = default_path(mutating, "webapp.example.com", "v1", "Guestbook");
        let mut input = input(&l, name, &path);
        input.mutating = mutating;
        normalize(&input).unwrap()
    }

    /// controller-tools' `pkg/webhook/testdata/valid-ordered` and `valid`: the markers and the
    /// manifests.yaml controller-gen writes for them (as JSON, keys sorted as sigs.k8s.io/yaml
    /// sorts them).
    #[test]
    fn configurations_are_controller_gen_s() {
        let mut mutating = webhook("default.cronjob.testdata.kubebuilder.io", true);
        mutating.groups = strings(&["testdata.kubebuilder.io"]);
        mutating.resources = strings(&["cronjobs"]);
        mutating.path = "/mutate-testdata-kubebuilder-io-v1-cronjob".into();
        mutating.admission_review_versions = strings(&["v1", "v1beta1"]);
        mutating.match_policy = Some("Equivalent".into());
        mutating.timeout_seconds = Some(10);
        mutating.reinvocation_policy = Some("IfNeeded".into());
        let validating = |name: &str, resource: &str| {
            let mut w = webhook(name, false);
            w.groups = strings(&["testdata.kubebuilder.io"]);
            w.resources = strings(&[resource]);
            w.path = format!("/validate-testdata-kubebuilder-io-v1-{resource}");
            w.admission_review_versions = strings(&["v1", "v1beta1"]);
            w.match_policy = Some("Equivalent".into());
            w
        };
        let webhooks = [
            validating("deployment.testdata.kubebuilder.io", "deployments"),
            validating("cronjob.testdata.kubebuilder.io", "cronjobs"),
            mutating,
            validating("cronjoblist.testdata.kubebuilder.io", "cronjoblist"),
        ];
        assert_eq!(problems(&webhooks), Vec::<String>::new());
        let expected_validating = |name: &str, resource: &str| {
            json!({
                "admissionReviewVersions": ["v1", "v1beta1"],
                "clientConfig": {"service": {
                    "name": "webhook-service",
                    "namespace": "system",
                    "path": format!("/validate-testdata-kubebuilder-io-v1-{resource}"),
                }},
                "failurePolicy": "Fail",
                "matchPolicy": "Equivalent",
                "name": name,
                "rules": [{
                    "apiGroups": ["testdata.kubebuilder.io"],
                    "apiVersions": ["v1"],
                    "operations": ["CREATE", "UPDATE"],
                    "resources": [resource],
                }],
                "sideEffects": "None",
            })
        };
        assert_eq!(
            Value::Array(configurations(&webhooks)),
            json!([
                {
                    "apiVersion": "admissionregistration.k8s.io/v1",
                    "kind": "MutatingWebhookConfiguration",
                    "metadata": {"name": "mutating-webhook-configuration"},
                    "webhooks": [{
                        "admissionReviewVersions": ["v1", "v1beta1"],
                        "clientConfig": {"service": {
                            "name": "webhook-service",
                            "namespace": "system",
                            "path": "/mutate-testdata-kubebuilder-io-v1-cronjob",
                        }},
                        "failurePolicy": "Fail",
                        "matchPolicy": "Equivalent",
                        "name": "default.cronjob.testdata.kubebuilder.io",
                        "reinvocationPolicy": "IfNeeded",
                        "rules": [{
                            "apiGroups": ["testdata.kubebuilder.io"],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE", "UPDATE"],
                            "resources": ["cronjobs"],
                        }],
                        "sideEffects": "None",
                        "timeoutSeconds": 10,
                    }],
                },
                {
                    "apiVersion": "admissionregistration.k8s.io/v1",
                    "kind": "ValidatingWebhookConfiguration",
                    "metadata": {"name": "validating-webhook-configuration"},
                    "webhooks": [
                        expected_validating("cronjob.testdata.kubebuilder.io", "cronjobs"),
                        expected_validating("cronjoblist.testdata.kubebuilder.io", "cronjoblist"),
                        expected_validating("deployment.testdata.kubebuilder.io", "deployments"),
                    ],
                },
            ])
        );
    }

    #[test]
    fn only_the_kinds_that_exist_and_unique_names() {
        assert_eq!(configurations(&[]), Vec::<Value>::new());
        let only = configurations(&[webhook("vguestbook-v1.kb.io", false)]);
        assert_eq!(only.len(), 1);
        assert_eq!(only[0]["kind"], "ValidatingWebhookConfiguration");
        let twice = [
            webhook("guestbook.kb.io", false),
            webhook("guestbook.kb.io", false),
            webhook("guestbook.kb.io", true),
        ];
        let problems = problems(&twice);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("two validating webhooks are named `guestbook.kb.io`"));
    }

    #[test]
    fn the_conversion_block_is_kubebuilder_s() {
        let mut crd = json!({"spec": {"group": "webapp.example.com"}});
        set_conversion(&mut crd);
        assert_eq!(
            crd["spec"]["conversion"],
            json!({
                "strategy": "Webhook",
                "webhook": {
                    "clientConfig": {"service": {"name": "webhook-service", "namespace": "system", "path": "/convert"}},
                    "conversionReviewVersions": ["v1"],
                },
            })
        );
    }

    #[test]
    fn default_paths_are_kubebuilder_s() {
        assert_eq!(
            default_path(true, "webapp.example.com", "v1", "Guestbook"),
            "/mutate-webapp-example-com-v1-guestbook"
        );
        assert_eq!(default_path(false, "", "v1", "Pod"), "/validate--v1-pod");
    }
}
