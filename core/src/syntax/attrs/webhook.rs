//! `#[webhook(...)]`: one admission webhook (kubebuilder's `+kubebuilder:webhook`), checked
//! with core's grammar at compile time.

use darling::ast::NestedMeta;
use proc_macro2::Span;

use crate::webhook::{self, Key, WebhookInput};

use super::value::{self, Flag, Str, StrList, Unsigned};
use super::{Errors, attribute, parse_list};

attribute! {
    /// `#[webhook(...)]` on the `impl` of a `Defaulter` or `Validator` (or any item of the
    /// operator): the admission webhook the API server calls, for
    /// `config/webhook/manifests.yaml`.
    #[derive(Debug, darling::FromMeta)]
    pub struct WebhookArgs in "#[webhook(...)]", markers = crate::markers::WEBHOOK {
        /// The webhook's name: a DNS subdomain of at least three parts, unique in its
        /// configuration (kubebuilder: `mguestbook-v1.kb.io`, `vguestbook-v1.kb.io`). Required.
        #[darling(default, with = |m| value::string(m, Key::Name.example()))]
        pub name: Option<Str>,
        /// The path the API server posts to: `/mutate-<group with dashes>-<version>-<kind>` or
        /// `/validate-…`, as `Webhook::defaulting`/`validating` serve it. Required.
        #[darling(default, with = |m| value::string(m, Key::Path.example()))]
        pub path: Option<Str>,
        /// A mutating webhook (a `Defaulter`); without it, validating (a `Validator`).
        #[darling(default, with = value::flag)]
        pub mutating: Option<Flag>,
        /// When the webhook cannot be called: `Fail` refuses the request, `Ignore` admits it
        /// (kubebuilder's lowercase `fail`/`ignore` too). Required.
        #[darling(default, with = |m| value::string(m, Key::FailurePolicy.example()))]
        pub failure_policy: Option<Str>,
        /// `None`, or `NoneOnDryRun` for a webhook with side effects it skips on dry runs
        /// (`Some` and `Unknown` are refused by admissionregistration.k8s.io/v1). Required.
        #[darling(default, with = |m| value::string(m, Key::SideEffects.example()))]
        pub side_effects: Option<Str>,
        /// API groups of the objects: `""` for core, `"*"` for all. Required.
        #[darling(default, with = |m| value::string_list(m, Key::Groups.example()))]
        pub groups: Option<StrList>,
        /// Resources, as plurals, optionally with a subresource (`guestbooks/status`), `"*"`.
        /// Required.
        #[darling(default, with = |m| value::string_list(m, Key::Resources.example()))]
        pub resources: Option<StrList>,
        /// Operations: `CREATE`, `UPDATE`, `DELETE`, `CONNECT` or `"*"` (in any case, as
        /// kubebuilder's `create;update`). Required.
        #[darling(default, with = |m| value::string_list(m, Key::Verbs.example()))]
        pub verbs: Option<StrList>,
        /// API versions of the objects (`"*"` for all). Required.
        #[darling(default, with = |m| value::string_list(m, Key::Versions.example()))]
        pub versions: Option<StrList>,
        /// `AdmissionReview` versions, preferred first: `["v1"]` (the runtime answers v1).
        /// Required.
        #[darling(default, with = |m| value::string_list(m, Key::AdmissionReviewVersions.example()))]
        pub admission_review_versions: Option<StrList>,
        /// `Equivalent` (the API server's default: also requests through another group or
        /// version of the same objects, converted) or `Exact`.
        #[darling(default, with = |m| value::string(m, Key::MatchPolicy.example()))]
        pub match_policy: Option<Str>,
        /// How long the API server waits for an answer, 1 to 30 seconds (default 10).
        #[darling(default, with = |m| value::unsigned(m, Key::TimeoutSeconds.example()))]
        pub timeout_seconds: Option<Unsigned>,
        /// Mutating webhooks only: `Never` (default) or `IfNeeded` (called again when a later
        /// mutation changed the object).
        #[darling(default, with = |m| value::string(m, Key::ReinvocationPolicy.example()))]
        pub reinvocation_policy: Option<Str>,
    }
}

/// Parses and checks the arguments of one `#[webhook(...)]`: the normalised webhook.
pub fn parse(args: proc_macro2::TokenStream, errors: &mut Errors) -> Option<webhook::Webhook> {
    let items = errors.handle(NestedMeta::parse_meta_list(args).map_err(darling::Error::from))?;
    let args = parse_list::<WebhookArgs>(&items, errors)?;
    let string = |s: &Option<Str>| s.as_ref().map(|s| s.value.clone());
    let values = |list: &Option<StrList>| list.as_ref().map(StrList::values);
    let (name, path, failure_policy, side_effects, match_policy, reinvocation_policy) = (
        string(&args.name),
        string(&args.path),
        string(&args.failure_policy),
        string(&args.side_effects),
        string(&args.match_policy),
        string(&args.reinvocation_policy),
    );
    let (groups, resources, verbs, versions, reviews) = (
        values(&args.groups),
        values(&args.resources),
        values(&args.verbs),
        values(&args.versions),
        values(&args.admission_review_versions),
    );
    let input = WebhookInput {
        name: name.as_deref(),
        path: path.as_deref(),
        mutating: args.mutating.as_ref().is_some_and(|f| f.value),
        failure_policy: failure_policy.as_deref(),
        side_effects: side_effects.as_deref(),
        groups: groups.as_deref(),
        resources: resources.as_deref(),
        verbs: verbs.as_deref(),
        versions: versions.as_deref(),
        admission_review_versions: reviews.as_deref(),
        match_policy: match_policy.as_deref(),
        timeout_seconds: args.timeout_seconds.as_ref().map(|t| t.value),
        reinvocation_policy: reinvocation_policy.as_deref(),
    };
    match webhook::normalize(&input) {
        Ok(webhook) => Some(webhook),
        Err(problems) => {
            for problem in &problems {
                blame(&args, problem, errors);
            }
            None
        }
    }
}

/// Reports a problem on the key (or the list element) it is about, or on the attribute when
/// the key is missing.
fn blame(args: &WebhookArgs, problem: &webhook::Problem, errors: &mut Errors) {
    let single = |s: &Option<Str>| s.as_ref().map(|s| quote::ToTokens::to_token_stream(&s.lit));
    let list = |l: &Option<StrList>| {
        l.as_ref().map(|l| match problem.item {
            Some(i) if i < l.items.len() => quote::ToTokens::to_token_stream(&l.items[i].lit),
            _ => l.at.clone(),
        })
    };
    let at = match problem.key {
        Key::Name => single(&args.name),
        Key::Path => single(&args.path),
        Key::Mutating => args.mutating.as_ref().map(|f| f.at.clone()),
        Key::FailurePolicy => single(&args.failure_policy),
        Key::SideEffects => single(&args.side_effects),
        Key::Groups => list(&args.groups),
        Key::Resources => list(&args.resources),
        Key::Verbs => list(&args.verbs),
        Key::Versions => list(&args.versions),
        Key::AdmissionReviewVersions => list(&args.admission_review_versions),
        Key::MatchPolicy => single(&args.match_policy),
        Key::TimeoutSeconds => args.timeout_seconds.as_ref().map(|t| t.at.clone()),
        Key::ReinvocationPolicy => single(&args.reinvocation_policy),
    };
    match at {
        Some(tokens) => errors.spanned(tokens, &problem.message),
        None => errors.at(Span::call_site(), &problem.message),
    }
}
