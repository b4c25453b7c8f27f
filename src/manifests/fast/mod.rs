//! The fast route to the CRDs: read from the api crate's source, without compiling it.
//!
//! `manifests` after an edit of the API types alone used to compile the api crate and link
//! `crdgen`, most of a second. This route parses the crate instead (the module tree from
//! `src/lib.rs`, the kinds `crds()` lists), reproduces schemars' schema of each spec and
//! status from the types' source ([`schema`]), and hands it to the very code the compiled
//! program runs: core's attribute parsers (`syntax`), [`finish`](generated::finish) and
//! [`crd::build`]. It decides or refuses: whatever it does not know for certain (a type it
//! cannot resolve, an attribute it does not read, a macro, a `cfg`) is a [`Refusal`], and
//! `manifests` compiles as before.
//!
//! A project trusts the route after it reproduced, byte for byte, the CRDs its compiled
//! `crdgen` printed with the same lockfile (so with the same schemars, kube-core and
//! cargo-operator-runtime): [`super::reuse`] records that with the operator's answer. Before
//! any build, [`trust`] decides from the lockfile, and [`operator`] reads the operator's
//! answer from its source the same way.
//! Compile errors in code that does not shape a schema (a function body, an `impl`) are
//! not seen here; the next `cargo build` reports them.

pub mod operator;
mod schema;
mod source;
pub mod trust;

use std::path::Path;

use cargo_operator_core::crd;
use cargo_operator_core::schema::generated;
use cargo_operator_core::syntax::attrs::resource::{self, Parsed};
use cargo_operator_core::syntax::attrs::{Errors, field};
use cargo_operator_core::syntax::fields;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::Value;

use source::{Crate, Def};

/// Why the fast route did not decide: a sentence naming what it met.
#[derive(Debug)]
pub struct Refusal(String);

impl Refusal {
    pub(crate) fn new(why: String) -> Refusal {
        Refusal(why)
    }

    /// What the derive would fail to compile, with its first message: cargo will say it.
    fn compile_error(what: &str, errors: Errors) -> Refusal {
        let first = errors
            .finish()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        Refusal(format!("{what} does not compile ({first})"))
    }

    /// The same refusal, said of `what` (`type \`Foo\``, `field \`bar\``).
    fn within(self, what: &str) -> Refusal {
        Refusal(format!("{what}: {}", self.0))
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The CRDs the api crate in `api_dir` defines, one per kind and version, in the order of
/// its `crds()`: what its `crdgen` example prints.
pub fn crds(api_dir: &Path) -> Result<Vec<Value>, Refusal> {
    each_crd(api_dir)?.into_iter().collect()
}

/// [`crds`], kind by kind: `Err` when the crate itself is refused, else each kind's CRD or
/// why the route does not decide it (the tests compare every decided one with `crdgen`'s).
pub fn each_crd(api_dir: &Path) -> Result<Vec<Result<Value, Refusal>>, Refusal> {
    // A bug here must not cost a `manifests` run: the compiled route still answers.
    std::panic::catch_unwind(|| read_each_crd(api_dir)).unwrap_or_else(|_| {
        Err(Refusal::new(
            "the fast route failed (a bug in cargo-operator; the panic above says where)".into(),
        ))
    })
}

fn read_each_crd(api_dir: &Path) -> Result<Vec<Result<Value, Refusal>>, Refusal> {
    if api_dir.join("build.rs").exists() {
        return Err(Refusal::new("the api crate has a build script".into()));
    }
    let lib = api_dir.join("src").join("lib.rs");
    let file = source::parse(&lib)?;
    let roots = listed_kinds(&file)?;
    let krate = Crate::load(&lib, file)?;
    Ok(roots
        .iter()
        .map(|written| {
            let def = krate.resolve(0, written, true);
            let Some(Def::Root(m, index)) = def else {
                return Err(Refusal::new(format!(
                    "`crds()` names `{}`, which is not a kind this crate's source declares",
                    written.join("::")
                )));
            };
            kind_crd(&krate, m, index).map_err(|r| {
                r.within(&format!(
                    "`{}`",
                    source_name(&krate, m, &krate.modules[m].structs[index].ident)
                ))
            })
        })
        .collect())
}

/// The kinds `crds()` in the crate root `file` lists, as written: `<path::Kind as CustomResourceExt>::crd()`
/// inside one `vec![...]`, as `create api` writes them.
fn listed_kinds(file: &syn::File) -> Result<Vec<Vec<String>>, Refusal> {
    let unusual =
        || Refusal::new("`crds()` is not the `vec![...]` that `create api` writes".into());
    let Some(function) = file.items.iter().find_map(|item| match item {
        syn::Item::Fn(f) if f.sig.ident == "crds" => Some(f),
        _ => None,
    }) else {
        return Err(Refusal::new("the api crate has no `crds()`".into()));
    };
    let [syn::Stmt::Expr(syn::Expr::Macro(list), None)] = function.block.stmts.as_slice() else {
        return Err(unusual());
    };
    if !list.mac.path.is_ident("vec") {
        return Err(unusual());
    }
    let calls = list
        .mac
        .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .map_err(|_| unusual())?;
    calls
        .iter()
        .map(|call| {
            let syn::Expr::Call(syn::ExprCall { func, args, .. }) = call else {
                return Err(unusual());
            };
            let syn::Expr::Path(syn::ExprPath {
                qself: Some(qself),
                path,
                ..
            }) = func.as_ref()
            else {
                return Err(unusual());
            };
            let method: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if !args.is_empty()
                || method.last().map(String::as_str) != Some("crd")
                || method.iter().rev().nth(1).map(String::as_str) != Some("CustomResourceExt")
            {
                return Err(unusual());
            }
            let syn::Type::Path(syn::TypePath {
                qself: None, path, ..
            }) = qself.ty.as_ref()
            else {
                return Err(unusual());
            };
            schema::idents(path)
        })
        .collect()
}

/// The CRD of the kind whose spec is struct `index` of module `m`, as its `crd()` builds it.
fn kind_crd(krate: &Crate, m: usize, index: usize) -> Result<Value, Refusal> {
    let item = &krate.modules[m].structs[index];
    let mut errors = Errors::default();
    let Parsed::Valid(resource) = resource::parse(&item.attrs, item.ident.span(), &mut errors)
    else {
        return Err(Refusal::compile_error("its `#[resource(...)]`", errors));
    };
    let syn::Fields::Named(named) = &item.fields else {
        return Err(Refusal::new("it has no named fields".into()));
    };
    let patches = fields::patches(named, &item.attrs, &item.ident, &mut errors);
    let container = field::parse_container(&item.attrs, &item.ident, &mut errors)
        .map(|m| Value::Object(m).to_string());
    if !errors.is_empty() {
        return Err(Refusal::compile_error("it", errors));
    }
    let properties: Vec<(&str, &str)> = patches
        .iter()
        .map(|p| (p.property.as_str(), p.json.as_str()))
        .collect();
    let spec_root = schema::Generator::root(krate, m, index, true)?;
    let spec = finish(
        &item.ident.to_string(),
        spec_root,
        &properties,
        container.as_deref(),
    )?;
    let status = match &resource.status {
        Some(ty) => {
            let syn::Type::Path(syn::TypePath {
                qself: None, path, ..
            }) = ty
            else {
                return Err(Refusal::new("its status type is not a path".into()));
            };
            let Some(Def::Struct(sm, si)) = krate.resolve(m, &schema::idents(path)?, true) else {
                return Err(Refusal::new(
                    "its status type is not a struct this crate's source declares".into(),
                ));
            };
            let root = schema::Generator::root(krate, sm, si, false).map_err(|r| {
                r.within(&format!(
                    "status `{}`",
                    source_name(krate, sm, &krate.modules[sm].structs[si].ident)
                ))
            })?;
            Some(finish(
                &quote::ToTokens::to_token_stream(ty).to_string(),
                root,
                &[],
                None,
            )?)
        }
        None => None,
    };
    let built = resource
        .with_crd(|r| crd::build(r, spec, status))
        .map_err(Refusal::new)?;
    // Through k8s-openapi's type, as `crdgen` prints it (bounds as floats, ...).
    let typed: CustomResourceDefinition = serde_json::from_value(built)
        .map_err(|e| Refusal::new(format!("the CRD is not a CustomResourceDefinition: {e}")))?;
    serde_json::to_value(typed).map_err(|e| Refusal::new(e.to_string()))
}

/// [`generated::finish`]; a schema it rejects is left to the compiled route, which reports it.
fn finish(
    name: &str,
    root: cargo_operator_core::schema::Object,
    properties: &[(&str, &str)],
    container: Option<&str>,
) -> Result<cargo_operator_core::schema::Object, Refusal> {
    generated::finish(name, root, properties, container).map_err(Refusal::new)
}

fn source_name(krate: &Crate, m: usize, ident: &syn::Ident) -> String {
    let mut path = krate.modules[m].path.clone();
    path.push(ident.to_string());
    path.join("::")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = r#"
pub mod webapp;
pub fn crds() -> Vec<CustomResourceDefinition> {
    vec![<webapp::v1::Guestbook as cargo_operator_runtime::CustomResourceExt>::crd()]
}
"#;

    /// An api crate with `LIB` and `webapp/v1/guestbook.rs` holding `types` (with the
    /// scaffold's imports), re-exported by a glob as `create api` writes it.
    fn api(types: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("webapp/v1")).unwrap();
        std::fs::write(src.join("lib.rs"), LIB).unwrap();
        std::fs::write(src.join("webapp/mod.rs"), "pub mod v1;\n").unwrap();
        std::fs::write(
            src.join("webapp/v1/mod.rs"),
            "mod guestbook;\npub use guestbook::*;\n",
        )
        .unwrap();
        let header = "use cargo_operator_runtime::{CustomResource, Schema};\n\
                      use schemars::JsonSchema;\nuse serde::{Deserialize, Serialize};\n";
        std::fs::write(
            src.join("webapp/v1/guestbook.rs"),
            format!("{header}{types}"),
        )
        .unwrap();
        dir
    }

    const SPEC: &str = r#"
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook", namespaced)]
pub struct GuestbookSpec {
"#;

    fn decide(fields: &str, more: &str) -> Result<Value, Refusal> {
        let dir = api(&format!("{SPEC}{fields}\n}}\n{more}"));
        let mut crds = crds(dir.path())?;
        assert_eq!(crds.len(), 1);
        Ok(crds.remove(0))
    }

    fn spec_schema(crd: &Value) -> &Value {
        &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    }

    #[test]
    fn names_resolve_through_globs_super_and_aliases() {
        let crd = decide(
            "    /// The pod.\n    pub template: corev1::PodTemplateSpec,\n    pub size: super::Size,\n    pub again: Option<crate::webapp::v1::Size>,\n    pub inner: Option<Inner>,",
            "use k8s_openapi::api::core::v1 as corev1;\n\
             #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]\n\
             #[serde(rename_all = \"camelCase\")]\npub enum Size { Small, ExtraLarge }\n\
             /// Inner doc.\n#[derive(Serialize, Deserialize, Clone, Debug, Schema)]\n\
             pub struct Inner { #[field(maximum = 3)] pub n: u8 }\n",
        )
        .unwrap();
        let spec = spec_schema(&crd);
        assert_eq!(spec["required"], serde_json::json!(["size", "template"]));
        assert_eq!(
            spec["properties"]["size"]["enum"],
            serde_json::json!(["small", "extraLarge"])
        );
        assert_eq!(spec["properties"]["again"], spec["properties"]["size"]);
        assert_eq!(spec["properties"]["inner"]["description"], "Inner doc.");
        assert_eq!(
            spec["properties"]["inner"]["properties"]["n"]["maximum"],
            3.0
        );
        // controller-gen's PodTemplateSpec, not k8s-openapi's.
        assert!(
            spec["properties"]["template"]["properties"]["spec"]["properties"]["containers"]["x-kubernetes-list-type"]
                == "map",
            "{spec}"
        );
    }

    #[test]
    fn what_it_does_not_know_is_refused_with_the_reason() {
        let refusal = |fields: &str, more: &str| decide(fields, more).unwrap_err().to_string();
        let why = refusal("    pub limit: std::num::NonZeroU32,", "");
        assert!(
            why.contains("`webapp::v1::guestbook::GuestbookSpec`")
                && why.contains("field `limit`")
                && why.contains("`std::num::NonZeroU32`"),
            "{why}"
        );
        let why = refusal("    #[serde(flatten)]\n    pub extra: Extra,", "");
        assert!(why.contains("`#[serde(flatten)]`"), "{why}");
        let why = refusal(
            "    pub mode: Mode,",
            "#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]\npub enum Mode { A(String) }\n",
        );
        assert!(why.contains("a variant with data"), "{why}");
        let why = refusal(
            "    pub mode: Mode,",
            "#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]\npub enum Mode {\n    /// Documented.\n    A,\n}\n",
        );
        assert!(why.contains("variant `A`"), "{why}");
        let why = refusal("    pub n: Count,", "pub type Count = i32;\n");
        assert!(why.contains("`Count`"), "{why}");
        let why = refusal(
            "    pub n: i32,",
            "#[cfg(feature = \"x\")]\npub struct Extra {}\n",
        );
        assert!(why.contains("`Extra`") && why.contains("cfg"), "{why}");
        let why = refusal("    pub n: i32,", "macro_rules! m { () => {} }\n");
        assert!(why.contains("`macro_rules!`"), "{why}");
        // What the derive rejects at compile time is refused with the derive's message.
        let why = refusal(
            "    pub bag: std::collections::BTreeMap<String, serde_json::Value>,",
            "",
        );
        assert!(
            why.contains("does not compile") && why.contains("map of `serde_json::Value`"),
            "{why}"
        );
        // A nested type deriving schemars' JsonSchema does not read `#[field]`.
        let why = refusal(
            "    pub inner: Inner,",
            "#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]\npub struct Inner { #[field(maximum = 3)] pub n: u8 }\n",
        );
        assert!(why.contains("does not read `#[field(...)]`"), "{why}");
    }

    #[test]
    fn test_modules_are_not_read_and_a_build_script_is_refused() {
        let crd = decide(
            "    pub n: i32,",
            "#[cfg(test)]\nmod tests { macro_rules! m { () => {} } }\n",
        );
        assert!(crd.is_ok(), "{crd:?}");
        let dir = api(&format!("{SPEC}    pub n: i32,\n}}\n"));
        std::fs::write(dir.path().join("build.rs"), "fn main() {}\n").unwrap();
        let why = crds(dir.path()).unwrap_err().to_string();
        assert!(why.contains("build script"), "{why}");
    }
}
