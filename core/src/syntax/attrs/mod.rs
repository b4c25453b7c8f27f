//! The derive's attributes, typed: each `#[resource(...)]`, `#[field(...)]`, `#[rbac(...)]` and
//! `#[webhook(...)]` key is a field of a struct that darling fills in, with its doc comment (the attribute
//! reference in docs/ is generated from them).
//!
//! darling parses the values; before it does, [`parse_list`] reads the keys of each list the
//! way a user needs to hear about them: an unknown key gets "did you mean" (from the
//! struct's own keys, their camelCase spelling, and the kubebuilder marker names of
//! [`crate::markers`]) and the list of valid keys; a repeated key that takes
//! one value is named as such. Every check runs, so one compile shows every mistake.

pub mod field;
pub mod rbac;
pub mod resource;
pub mod value;
pub mod webhook;

use darling::ast::NestedMeta;
use darling::{Error, FromMeta, Result};
use syn::Meta;

/// An attribute struct that knows its keys (the field names of its definition).
pub trait Keys {
    /// How the attribute is written, for messages: `#[field(...)]`, `printcolumn(...)`.
    const WHAT: &'static str;
    /// Each key and the Rust type of its field (`Vec<…>` fields may be repeated).
    const FIELDS: &'static [(&'static str, &'static str)];
    /// kubebuilder's names for keys, for "did you mean" (`Enum` → `enum_values`).
    const MARKERS: &'static [crate::markers::Marker] = &[];

    fn keys() -> Vec<&'static str> {
        Self::FIELDS
            .iter()
            .map(|(k, _)| k.trim_start_matches("r#"))
            .collect()
    }

    fn repeatable(key: &str) -> bool {
        Self::FIELDS
            .iter()
            .any(|(k, ty)| k.trim_start_matches("r#") == key && ty.starts_with("Vec"))
    }
}

/// Declares an attribute struct and [`Keys`] from its field names. The struct derives
/// darling's `FromMeta` itself (written at the declaration, so that the spans of its `with`
/// closures and darling's generated code share one hygiene context).
macro_rules! attribute {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $what:literal $(, markers = $markers:path)? {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
        }

        impl $crate::syntax::attrs::Keys for $name {
            const WHAT: &'static str = $what;
            const FIELDS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), stringify!($ty))),*];
            $(const MARKERS: &'static [crate::markers::Marker] = $markers;)?
        }
    };
}
pub(crate) use attribute;

/// Parses one attribute list as `T`: keys first (unknown, repeated), then darling.
/// `None` when anything was wrong (every problem is in `errors`).
pub fn parse_list<T: Keys + FromMeta>(items: &[NestedMeta], errors: &mut Errors) -> Option<T> {
    parse_list_with::<T>(items, errors, |_, _| None)
}

/// [`parse_list`], with `applies(key, entry)` saying why a known key does not apply here
/// (e.g. `min_length` on an integer field), if it does not.
pub fn parse_list_with<T: Keys + FromMeta>(
    items: &[NestedMeta],
    errors: &mut Errors,
    applies: impl Fn(&str, &Meta) -> Option<syn::Error>,
) -> Option<T> {
    let mut known: Vec<NestedMeta> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let keys = T::keys();
    let mut clean = true;
    for item in items {
        let NestedMeta::Meta(meta) = item else {
            errors.spanned(
                item,
                format!("expected `key = value`, `key` or `key(...)` in {}", T::WHAT),
            );
            clean = false;
            continue;
        };
        let key = value::key(meta);
        if !keys.contains(&key.as_str()) {
            errors.push(unknown_key::<T>(meta, &key));
            clean = false;
            continue;
        }
        if seen.contains(&key) && !T::repeatable(&key) {
            errors.spanned(
                meta,
                format!(
                    "duplicate key `{key}`: give it once (only repeatable keys may appear several times)"
                ),
            );
            clean = false;
            continue;
        }
        if let Some(error) = applies(&key, meta) {
            errors.push(error);
            clean = false;
            continue;
        }
        seen.push(key);
        known.push(item.clone());
    }
    let parsed = errors.handle(T::from_list(&known));
    parsed.filter(|_| clean)
}

/// A nested list's parsed keys and where the list was written (for "is missing" errors).
#[derive(Debug)]
pub struct Nested<T> {
    pub args: T,
    /// The tokens of the list, for errors about the whole list.
    pub at: proc_macro2::TokenStream,
}

/// darling's `with` for a key whose value is a nested list of `T`'s keys.
pub fn nested<T: Keys + FromMeta>(meta: &Meta, example: &str) -> Result<Option<Nested<T>>> {
    nested_item(meta, example).map(Some)
}

/// [`nested`] for a key that may be repeated.
pub fn nested_item<T: Keys + FromMeta>(meta: &Meta, example: &str) -> Result<Nested<T>> {
    {
        let Meta::List(list) = meta else {
            return Err(value::error_at(
                meta,
                format!("expected a parenthesized list: write `{example}`"),
            ));
        };
        let items = NestedMeta::parse_meta_list(list.tokens.clone()).map_err(Error::custom)?;
        let mut errors = Errors::default();
        let parsed = parse_list::<T>(&items, &mut errors);
        errors.into_darling()?;
        let args = parsed.ok_or_else(|| Error::custom("unreachable: no errors but no value"))?;
        Ok(Nested {
            args,
            at: quote::ToTokens::to_token_stream(meta),
        })
    }
}

/// The entries of every attribute named `name` on an item, concatenated, and whether there
/// was one. A `#[name]` or `#[name = ...]` (not a list) is an error naming `example`.
pub fn entries_of(
    attrs: &[syn::Attribute],
    name: &str,
    example: &str,
    errors: &mut Errors,
) -> (Vec<NestedMeta>, bool) {
    let mut items = Vec::new();
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident(name)) {
        found = true;
        match &attr.meta {
            Meta::List(list) => {
                if let Some(parsed) = errors
                    .handle(NestedMeta::parse_meta_list(list.tokens.clone()).map_err(Error::from))
                {
                    items.extend(parsed);
                }
            }
            other => errors.spanned(other, format!("expected a list: write `{example}`")),
        }
    }
    (items, found)
}

fn unknown_key<T: Keys>(meta: &Meta, key: &str) -> syn::Error {
    let keys = T::keys();
    syn::Error::new_spanned(
        meta.path(),
        format!(
            "unknown key `{key}` in {}; {}valid keys are: {}",
            T::WHAT,
            hint::<T>(key, &keys),
            keys.join(", ")
        ),
    )
}

/// What a user who wrote the unknown `key` probably meant, ending in "; " (or nothing):
/// kubebuilder's name for a key, its camelCase spelling, or a key a small edit away.
fn hint<T: Keys>(key: &str, keys: &[&str]) -> String {
    if let Some(marker) = T::MARKERS
        .iter()
        .find(|m| m.names.iter().any(|n| n.eq_ignore_ascii_case(key)))
    {
        return match marker.key {
            Some(ours) => format!(
                "did you mean `{ours}` (kubebuilder's `{}`)? ",
                marker.marker
            ),
            None => format!(
                "kubebuilder's `{}` has no key here: {}; ",
                marker.marker, marker.instead
            ),
        };
    }
    let snake = snake_case(key);
    if snake != key && keys.contains(&snake.as_str()) {
        return format!("did you mean `{snake}`? ");
    }
    keys.iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| format!("did you mean `{k}`? "))
        .unwrap_or_default()
}

/// `minLength` → `min_length`.
fn snake_case(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The errors of one expansion: every mistake is reported, each at its own span (a
/// `syn::Error` keeps where its tokens start and end; darling's errors keep where they start).
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: impl Into<ErrorOf>) {
        match error.into() {
            ErrorOf::Syn(e) => self.0.push(e),
            ErrorOf::Darling(e) => self.0.extend(e.flatten().into_iter().map(syn::Error::from)),
        }
    }

    /// An error over the tokens.
    pub fn spanned(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    /// An error at a span.
    pub fn at(&mut self, span: proc_macro2::Span, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, message));
    }

    /// Keeps the value, or records the error.
    pub fn handle<T>(&mut self, result: Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    /// Keeps the value, or records the error.
    pub fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No error so far.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn into_darling(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::multiple(
                self.0.into_iter().map(Error::from).collect(),
            ))
        }
    }

    /// One `syn::Error` holding every error (each keeps its span), or `Ok`.
    pub fn finish(self) -> syn::Result<()> {
        let mut errors = self.0.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(mut first) => {
                first.extend(errors);
                Err(first)
            }
        }
    }
}

/// An error of either kind, for [`Errors::push`].
pub enum ErrorOf {
    Syn(syn::Error),
    Darling(Error),
}

impl From<syn::Error> for ErrorOf {
    fn from(e: syn::Error) -> Self {
        ErrorOf::Syn(e)
    }
}

impl From<Error> for ErrorOf {
    fn from(e: Error) -> Self {
        ErrorOf::Darling(e)
    }
}
