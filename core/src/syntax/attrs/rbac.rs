//! `#[rbac(...)]`: one RBAC rule, checked with core's grammar at compile time.

use darling::ast::NestedMeta;
use proc_macro2::Span;

use crate::rbac::{self, Key, Rule, RuleInput};

use super::value::{self, StrList};
use super::{Errors, attribute, parse_list};

attribute! {
    /// `#[rbac(...)]` on an item of the operator: a permission its code needs.
    #[derive(Debug, darling::FromMeta)]
    pub struct RbacArgs in "#[rbac(...)]" {
        /// API groups: `""` for the core group, `"*"` for all. Required unless `urls`.
        #[darling(default, with = |m| value::string_list(m, r#"groups = ["webapp.example.com"]"#))]
        pub groups: Option<StrList>,
        /// Resources, as plurals, optionally with a subresource (`guestbooks/status`). Required
        /// unless `urls`.
        #[darling(default, with = |m| value::string_list(m, r#"resources = ["guestbooks"]"#))]
        pub resources: Option<StrList>,
        /// Verbs: get, list, watch, create, update, patch, delete, deletecollection, bind,
        /// escalate, impersonate, approve, sign, use, or `*`; on `urls`, HTTP methods. Required.
        #[darling(default, with = |m| value::string_list(m, r#"verbs = ["get", "list", "watch"]"#))]
        pub verbs: Option<StrList>,
        /// Restricts the rule to objects with these names.
        #[darling(default, with = |m| value::string_list(m, r#"resource_names = ["config"]"#))]
        pub resource_names: Option<StrList>,
        /// Non-resource URLs (`/metrics`, `/healthz`), instead of groups and resources.
        #[darling(default, with = |m| value::string_list(m, r#"urls = ["/metrics"]"#))]
        pub urls: Option<StrList>,
    }
}

/// Parses and checks the arguments of one `#[rbac(...)]`: the rule, when it passed every check.
pub fn parse(args: proc_macro2::TokenStream, errors: &mut Errors) -> Option<Rule> {
    let items = errors.handle(NestedMeta::parse_meta_list(args).map_err(darling::Error::from))?;
    let args = parse_list::<RbacArgs>(&items, errors)?;
    let values = |list: &Option<StrList>| list.as_ref().map(StrList::values);
    let (groups, resources, resource_names, urls, verbs) = (
        values(&args.groups),
        values(&args.resources),
        values(&args.resource_names),
        values(&args.urls),
        values(&args.verbs),
    );
    let input = RuleInput {
        groups: groups.as_deref(),
        resources: resources.as_deref(),
        resource_names: resource_names.as_deref(),
        urls: urls.as_deref(),
        verbs: verbs.as_deref(),
    };
    let problems = rbac::check(&input);
    for problem in &problems {
        let list = match problem.key {
            Key::Groups => &args.groups,
            Key::Resources => &args.resources,
            Key::ResourceNames => &args.resource_names,
            Key::Urls => &args.urls,
            Key::Verbs => &args.verbs,
        };
        match (list, problem.item) {
            (Some(list), Some(i)) => errors.spanned(&list.items[i].lit, &problem.message),
            (Some(list), None) => errors.spanned(&list.at, &problem.message),
            (None, _) => errors.at(Span::call_site(), &problem.message),
        }
    }
    if !problems.is_empty() {
        return None;
    }
    Some(Rule {
        groups: groups.unwrap_or_default(),
        resources: resources.unwrap_or_default(),
        resource_names: resource_names.unwrap_or_default(),
        urls: urls.unwrap_or_default(),
        verbs: verbs.unwrap_or_default(),
    })
}
