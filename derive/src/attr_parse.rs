//! Small, shared helpers for reading `key`, `key = value` and `key(...)` attribute entries
//! and for collecting several errors into one compile error.

use std::collections::BTreeSet;

use proc_macro2::Span;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{
    Expr, ExprArray, ExprLit, ExprUnary, Ident, Lit, LitStr, MacroDelimiter, Meta, MetaList,
    MetaNameValue, Token, UnOp,
};

/// Collects errors so that one run of the macro reports every mistake, not only the first.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, err: syn::Error) {
        self.0.push(err);
    }

    pub fn spanned(&mut self, tokens: impl ToTokens, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, msg));
    }

    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, msg));
    }

    /// Keeps the value of `res`, or records its error and returns `None`.
    pub fn ok<T>(&mut self, res: syn::Result<T>) -> Option<T> {
        res.map_err(|e| self.push(e)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn finish(self) -> syn::Result<()> {
        let mut iter = self.0.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

/// Parses the inside of `#[name(a = 1, b, c(...))]` into its entries.
/// Keys may be keywords (`type = "string"`), which `syn::Meta`'s own parser rejects.
pub fn entries(tokens: proc_macro2::TokenStream) -> syn::Result<Vec<Meta>> {
    let list =
        syn::parse::Parser::parse2(Punctuated::<Entry, Token![,]>::parse_terminated, tokens)?;
    Ok(list.into_iter().map(|e| e.0).collect())
}

struct Entry(Meta);

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ident = Ident::parse_any(input)?;
        let path = syn::Path::from(ident);
        if input.peek(Token![=]) {
            let eq_token = input.parse()?;
            let value = input.parse()?;
            Ok(Entry(Meta::NameValue(MetaNameValue {
                path,
                eq_token,
                value,
            })))
        } else if input.peek(syn::token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            let tokens = content.parse()?;
            Ok(Entry(Meta::List(MetaList {
                path,
                delimiter: MacroDelimiter::Paren(paren),
                tokens,
            })))
        } else {
            Ok(Entry(Meta::Path(path)))
        }
    }
}

/// The single-identifier key of an entry (`group` in `group = "x"`).
pub fn key(meta: &Meta) -> syn::Result<String> {
    meta.path()
        .get_ident()
        .map(|i| i.to_string().trim_start_matches("r#").to_owned())
        .ok_or_else(|| syn::Error::new_spanned(meta.path(), "expected a single identifier as key"))
}

/// Rejects a second occurrence of a non-repeatable key.
#[derive(Default)]
pub struct Seen(BTreeSet<String>);

impl Seen {
    pub fn check(&mut self, key: &str, meta: &Meta, errors: &mut Errors) -> bool {
        if self.0.insert(key.to_owned()) {
            true
        } else {
            errors.spanned(
                meta,
                format!("duplicate key `{key}`: give it once (only repeatable keys may appear several times)"),
            );
            false
        }
    }
}

/// Builds the "unknown key" error listing all valid keys, with a suggestion when one is close.
pub fn unknown_key(meta: &Meta, key: &str, what: &str, valid: &[&str]) -> syn::Error {
    let hint = valid
        .iter()
        .map(|v| (edit_distance(key, v), v))
        .filter(|(d, v)| *d <= 2.max(v.len() / 3))
        .min()
        .map(|(_, v)| format!("did you mean `{v}`? "))
        .unwrap_or_default();
    syn::Error::new_spanned(
        meta.path(),
        format!(
            "unknown key `{key}` in {what}; {hint}valid keys are: {}",
            valid.join(", ")
        ),
    )
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

/// Looks through the invisible groups that `macro_rules!` puts around `$value` fragments.
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(g) => ungroup(&g.expr),
        other => other,
    }
}

fn value<'a>(meta: &'a Meta, example: &str) -> syn::Result<&'a Expr> {
    match meta {
        Meta::NameValue(nv) => Ok(ungroup(&nv.value)),
        _ => Err(syn::Error::new_spanned(
            meta,
            format!("expected a value: write `{example}`"),
        )),
    }
}

/// A `key` flag, also accepting `key = true` / `key = false`.
pub fn flag(meta: &Meta) -> syn::Result<bool> {
    let k = key(meta)?;
    match meta {
        Meta::Path(_) => Ok(true),
        Meta::NameValue(nv) => match ungroup(&nv.value) {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => Ok(b.value),
            other => Err(syn::Error::new_spanned(
                other,
                format!("`{k}` is a flag: write `{k}` or `{k} = false`"),
            )),
        },
        Meta::List(_) => Err(syn::Error::new_spanned(
            meta,
            format!("`{k}` is a flag: write `{k}` or `{k} = false`"),
        )),
    }
}

/// `key = "string"`.
pub fn string(meta: &Meta, example: &str) -> syn::Result<LitStr> {
    match value(meta, example)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a string literal: write `{example}`"),
        )),
    }
}

/// `key = 3` (a non-negative integer).
pub fn unsigned(meta: &Meta, example: &str) -> syn::Result<u64> {
    match value(meta, example)? {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse(),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected a non-negative integer literal: write `{example}`"),
        )),
    }
}

/// `key = 1`, `key = -1.5`: an integer or float, returned as JSON number and as f64.
pub fn number(meta: &Meta, example: &str) -> syn::Result<(serde_json::Value, f64)> {
    let expr = value(meta, example)?;
    let json = literal_json(expr).ok();
    match json {
        Some(serde_json::Value::Number(n)) => {
            let f = n.as_f64().unwrap_or(0.0);
            Ok((serde_json::Value::Number(n), f))
        }
        _ => Err(syn::Error::new_spanned(
            expr,
            format!("expected a number literal: write `{example}`"),
        )),
    }
}

/// `key = ["a", "b"]`.
pub fn string_list(meta: &Meta, example: &str) -> syn::Result<Vec<LitStr>> {
    let expr = value(meta, example)?;
    let wrong = || {
        syn::Error::new_spanned(
            expr,
            format!("expected a list of string literals: write `{example}`"),
        )
    };
    let Expr::Array(ExprArray { elems, .. }) = expr else {
        return Err(wrong());
    };
    elems
        .iter()
        .map(|e| match ungroup(e) {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Ok(s.clone()),
            other => Err(syn::Error::new_spanned(
                other,
                format!("expected a string literal: write `{example}`"),
            )),
        })
        .collect()
}

/// `key(...)`: the nested entries.
pub fn nested(meta: &Meta, example: &str) -> syn::Result<Vec<Meta>> {
    match meta {
        Meta::List(list) => entries(list.tokens.clone()),
        _ => Err(syn::Error::new_spanned(
            meta,
            format!("expected a parenthesized list: write `{example}`"),
        )),
    }
}

/// `key = <literal>` as JSON (strings, numbers, booleans, and arrays of those).
pub fn literal(meta: &Meta, example: &str) -> syn::Result<serde_json::Value> {
    literal_json(value(meta, example)?)
}

fn literal_json(expr: &Expr) -> syn::Result<serde_json::Value> {
    use serde_json::Value;
    let err = || {
        syn::Error::new_spanned(
            expr,
            "expected a literal: a string, number, boolean, or a `[...]` list of those",
        )
    };
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(s) => Ok(Value::String(s.value())),
            Lit::Bool(b) => Ok(Value::Bool(b.value)),
            Lit::Int(i) => {
                if let Ok(v) = i.base10_parse::<i64>() {
                    Ok(Value::from(v))
                } else {
                    Ok(Value::from(i.base10_parse::<u64>()?))
                }
            }
            Lit::Float(f) => serde_json::Number::from_f64(f.base10_parse::<f64>()?)
                .map(Value::Number)
                .ok_or_else(err),
            _ => Err(err()),
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match literal_json(inner)? {
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Ok(Value::from(-i))
                } else {
                    serde_json::Number::from_f64(-n.as_f64().unwrap_or(0.0))
                        .map(Value::Number)
                        .ok_or_else(err)
                }
            }
            _ => Err(err()),
        },
        Expr::Array(arr) => arr
            .elems
            .iter()
            .map(literal_json)
            .collect::<syn::Result<Vec<_>>>()
            .map(Value::Array),
        Expr::Group(g) => literal_json(&g.expr),
        _ => Err(err()),
    }
}

/// A lowercase RFC 1123 DNS label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters).
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A lowercase RFC 1123 DNS subdomain (dot-separated DNS labels, at most 253 characters).
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}
