//! The values an attribute key takes, each read with an example of itself so that a wrong
//! value says exactly what to write: `expected a string literal: write `group = "webapp.example.com"``.
//!
//! Each reader is darling's `with` for one key (`with = |m| value::string(m, "kind = \"Guestbook\"")`);
//! it returns `Option<T>` because every key is optional to darling (which keys are required,
//! and what to write instead, is said by the attribute's own checks, in our words).

use darling::{Error, Result};
use proc_macro2::Span;
use quote::ToTokens;
use syn::{Expr, ExprArray, ExprLit, ExprUnary, Lit, LitStr, Meta, UnOp};

/// A string literal and where it was written.
#[derive(Debug, Clone)]
pub struct Str {
    pub value: String,
    pub lit: LitStr,
}

impl Str {
    pub fn span(&self) -> Span {
        self.lit.span()
    }
}

impl ToTokens for Str {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.lit.to_tokens(tokens);
    }
}

/// A flag: `key`, `key = true` or `key = false`, and where it was written.
#[derive(Debug, Clone)]
pub struct Flag {
    pub value: bool,
    /// The tokens written, for errors that point at all of them.
    pub at: proc_macro2::TokenStream,
}

/// A number literal (integer or float) as JSON and as `f64`, and where it was written.
#[derive(Debug, Clone)]
pub struct Number {
    pub json: serde_json::Value,
    pub value: f64,
    /// The tokens written, for errors that point at all of them.
    pub at: proc_macro2::TokenStream,
}

/// A non-negative integer literal and where it was written.
#[derive(Debug, Clone)]
pub struct Unsigned {
    pub value: u64,
    /// The tokens written, for errors that point at all of them.
    pub at: proc_macro2::TokenStream,
}

/// A literal (string, number, boolean, or a list of those) as JSON, and where it was written.
#[derive(Debug, Clone)]
pub struct Literal {
    pub json: serde_json::Value,
    /// The tokens written, for errors that point at all of them.
    pub at: proc_macro2::TokenStream,
}

/// A list of string literals and where it was written.
#[derive(Debug, Clone)]
pub struct StrList {
    pub items: Vec<Str>,
    /// The tokens written, for errors that point at all of them.
    pub at: proc_macro2::TokenStream,
}

impl StrList {
    pub fn values(&self) -> Vec<String> {
        self.items.iter().map(|s| s.value.clone()).collect()
    }
}

/// The key of an entry, without `r#`.
pub fn key(meta: &Meta) -> String {
    meta.path()
        .get_ident()
        .map(|i| i.to_string().trim_start_matches("r#").to_owned())
        .unwrap_or_else(|| meta.path().to_token_stream().to_string().replace(' ', ""))
}

pub fn error_at(tokens: &dyn ToTokens, message: impl std::fmt::Display) -> Error {
    Error::from(syn::Error::new_spanned(tokens.to_token_stream(), message))
}

/// Looks through the invisible groups that `macro_rules!` puts around `$value` fragments.
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(g) => ungroup(&g.expr),
        other => other,
    }
}

fn value<'a>(meta: &'a Meta, example: &str) -> Result<&'a Expr> {
    match meta {
        Meta::NameValue(nv) => Ok(ungroup(&nv.value)),
        _ => Err(error_at(
            meta,
            format!("expected a value: write `{example}`"),
        )),
    }
}

/// `key = "..."`.
pub fn string(meta: &Meta, example: &str) -> Result<Option<Str>> {
    string_item(meta, example).map(Some)
}

/// `key = "..."`, for a key that may be repeated.
pub fn string_item(meta: &Meta, example: &str) -> Result<Str> {
    match value(meta, example)? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Str {
            value: s.value(),
            lit: s.clone(),
        }),
        other => Err(error_at(
            other,
            format!("expected a string literal: write `{example}`"),
        )),
    }
}

/// `key`, `key = true` or `key = false`.
pub fn flag(meta: &Meta) -> Result<Option<Flag>> {
    let k = key(meta);
    let wrong = |tokens: &dyn ToTokens| {
        error_at(
            tokens,
            format!("`{k}` is a flag: write `{k}` or `{k} = false`"),
        )
    };
    match meta {
        Meta::Path(p) => Ok(Some(Flag {
            value: true,
            at: p.to_token_stream(),
        })),
        Meta::NameValue(nv) => match ungroup(&nv.value) {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => Ok(Some(Flag {
                value: b.value,
                at: meta.to_token_stream(),
            })),
            other => Err(wrong(other)),
        },
        Meta::List(_) => Err(wrong(meta)),
    }
}

/// `key = 1`, `key = -1.5`.
pub fn number(meta: &Meta, example: &str) -> Result<Option<Number>> {
    {
        let expr = value(meta, example)?;
        match literal_json(expr) {
            Ok(serde_json::Value::Number(n)) => Ok(Some(Number {
                value: n.as_f64().unwrap_or(0.0),
                json: serde_json::Value::Number(n),
                at: meta.to_token_stream(),
            })),
            _ => Err(error_at(
                expr,
                format!("expected a number literal: write `{example}`"),
            )),
        }
    }
}

/// `key = 3` (a non-negative integer).
pub fn unsigned(meta: &Meta, example: &str) -> Result<Option<Unsigned>> {
    match value(meta, example)? {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => Ok(Some(Unsigned {
            value: i
                .base10_parse()
                .map_err(|e| Error::custom(e).with_span(&i))?,
            at: meta.to_token_stream(),
        })),
        other => Err(error_at(
            other,
            format!("expected a non-negative integer literal: write `{example}`"),
        )),
    }
}

/// `key = ["a", "b"]`.
pub fn string_list(meta: &Meta, example: &str) -> Result<Option<StrList>> {
    {
        let expr = value(meta, example)?;
        let Expr::Array(ExprArray { elems, .. }) = expr else {
            return Err(error_at(
                expr,
                format!("expected a list of string literals: write `{example}`"),
            ));
        };
        let mut errors = Error::accumulator();
        let items = elems
            .iter()
            .filter_map(|e| match ungroup(e) {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(Str {
                    value: s.value(),
                    lit: s.clone(),
                }),
                other => {
                    errors.push(error_at(
                        other,
                        format!("expected a string literal: write `{example}`"),
                    ));
                    None
                }
            })
            .collect();
        errors.finish_with(Some(StrList {
            items,
            at: meta.to_token_stream(),
        }))
    }
}

/// `key = <literal>` (a string, number, boolean, or a `[...]` list of those), as JSON.
pub fn literal(meta: &Meta, example: &str) -> Result<Option<Literal>> {
    {
        let expr = value(meta, example)?;
        Ok(Some(Literal {
            json: literal_json(expr)?,
            at: expr.to_token_stream(),
        }))
    }
}

/// `key = "Type"`: a type named in a string.
pub fn type_in_string(meta: &Meta, example: &str) -> Result<Option<(Str, syn::Type)>> {
    {
        let s = string_item(meta, example)?;
        let ty = s.lit.parse::<syn::Type>().map_err(|_| {
            error_at(
                &s.lit,
                format!("expected the name of a type: write `{example}`"),
            )
        })?;
        Ok(Some((s, ty)))
    }
}

/// `key = "Path"`: a path named in a string, for a key that may be repeated.
pub fn path_in_string(meta: &Meta, example: &str) -> Result<syn::Path> {
    {
        let s = string_item(meta, example)?;
        s.lit
            .parse::<syn::Path>()
            .map_err(|_| error_at(&s.lit, format!("expected a trait path: write `{example}`")))
    }
}

fn literal_json(expr: &Expr) -> Result<serde_json::Value> {
    use serde_json::Value;
    let err = || {
        error_at(
            expr,
            "expected a literal: a string, number, boolean, a `[...]` list of those, or \
             JSON in `json!(...)` (an object: `json!({\"attempts\": 3})`)",
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
                    Ok(Value::from(i.base10_parse::<u64>().map_err(Error::custom)?))
                }
            }
            Lit::Float(f) => {
                serde_json::Number::from_f64(f.base10_parse::<f64>().map_err(Error::custom)?)
                    .map(Value::Number)
                    .ok_or_else(err)
            }
            _ => Err(err()),
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match literal_json(inner)? {
            Value::Number(n) => match n.as_i64() {
                Some(i) => Ok(Value::from(-i)),
                None => serde_json::Number::from_f64(-n.as_f64().unwrap_or(0.0))
                    .map(Value::Number)
                    .ok_or_else(err),
            },
            _ => Err(err()),
        },
        Expr::Array(arr) => arr
            .elems
            .iter()
            .map(literal_json)
            .collect::<Result<Vec<_>>>()
            .map(Value::Array),
        Expr::Group(g) => literal_json(&g.expr),
        // `json!({...})`: objects have no Rust literal. The tokens are read as JSON, not run
        // as Rust: nothing in them is evaluated.
        Expr::Macro(m)
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "json") =>
        {
            let mut tokens = m.mac.tokens.clone().into_iter().peekable();
            let value = json_tokens(&mut tokens).map_err(|why| {
                error_at(
                    &m.mac.tokens,
                    format!("json!(...) here takes JSON as written: {why}"),
                )
            })?;
            match tokens.next() {
                None => Ok(value),
                Some(extra) => Err(error_at(&extra, "json!(...) takes one JSON value")),
            }
        }
        _ => Err(err()),
    }
}

type Tokens = std::iter::Peekable<proc_macro2::token_stream::IntoIter>;

/// One JSON value from the tokens of `json!(...)`.
fn json_tokens(tokens: &mut Tokens) -> std::result::Result<serde_json::Value, String> {
    use proc_macro2::{Delimiter, TokenTree};
    use serde_json::Value;
    match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            let mut inner = g.stream().into_iter().peekable();
            let mut object = serde_json::Map::new();
            while inner.peek().is_some() {
                let key = match json_tokens(&mut inner)? {
                    Value::String(key) => key,
                    other => return Err(format!("an object key must be a string, not `{other}`")),
                };
                match inner.next() {
                    Some(TokenTree::Punct(p)) if p.as_char() == ':' => {}
                    _ => return Err(format!("expected `:` after \"{key}\"")),
                }
                object.insert(key, json_tokens(&mut inner)?);
                comma(&mut inner)?;
            }
            Ok(Value::Object(object))
        }
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
            let mut inner = g.stream().into_iter().peekable();
            let mut array = Vec::new();
            while inner.peek().is_some() {
                array.push(json_tokens(&mut inner)?);
                comma(&mut inner)?;
            }
            Ok(Value::Array(array))
        }
        Some(TokenTree::Ident(i)) => match i.to_string().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            other => Err(format!(
                "`{other}` is not JSON (Rust variables are not evaluated)"
            )),
        },
        Some(TokenTree::Punct(p)) if p.as_char() == '-' => match json_tokens(tokens)? {
            Value::Number(n) => Ok(n
                .as_i64()
                .map(|i| Value::from(-i))
                .unwrap_or_else(|| Value::from(-n.as_f64().unwrap_or(0.0)))),
            other => Err(format!("`-{other}` is not a number")),
        },
        Some(TokenTree::Literal(l)) => {
            let text = l.to_string();
            serde_json::from_str(&text).map_err(|_| format!("`{text}` is not a JSON literal"))
        }
        Some(other) => Err(format!("`{other}` is not JSON")),
        None => Err("a value is missing".into()),
    }
}

fn comma(tokens: &mut Tokens) -> std::result::Result<(), String> {
    use proc_macro2::TokenTree;
    match tokens.next() {
        None => Ok(()),
        Some(TokenTree::Punct(p)) if p.as_char() == ',' => Ok(()),
        Some(other) => Err(format!("expected `,` before `{other}`")),
    }
}
