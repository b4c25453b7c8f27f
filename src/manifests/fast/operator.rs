//! What the operator binary would answer, read from its source: the `#[rbac]` rules and
//! `#[webhook]`s of the code it is built from, without building it.
//!
//! The binary registers an attribute where it is compiled, so this reads what rustc reads: the
//! module tree of the binary's root file and of the package's library (the binary links it when
//! it names it), without `#[cfg(test)]` modules and `#[test]` functions. Each attribute is
//! parsed and checked by core's parser, the one the attribute macro runs, and the answer is put
//! in the [order](cargo_operator_core::rbac::in_program_order) the runtime reports. Whatever
//! could make the compiled answer differ is a [`Refusal`]: a registration under another `cfg`,
//! a macro whose tokens name a registration or `include!` source, a renamed import of the
//! attributes, a `#[path]`, a build script. The limit: an attribute or derive macro of another
//! crate that writes registrations of its own is seen only when compiled, as by
//! `manifests --check`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use cargo_operator_core::rbac::{self, Rule};
use cargo_operator_core::syntax::attrs::{self, Errors};
use cargo_operator_core::webhook::{self, Webhook};
use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

use super::Refusal;
use super::source;
use crate::workspace::Layout;

/// The attributes, and the names only the code they expand to uses.
const ATTRIBUTES: [&str; 2] = ["rbac", "webhook"];
const REGISTRY: [&str; 4] = ["RBAC_RULES", "WEBHOOKS", "distributed_slice", "linkme"];

/// The operator's answer, and the files it was read from.
pub struct Answer {
    pub rules: Vec<Rule>,
    pub webhooks: Vec<Webhook>,
    pub files: Vec<PathBuf>,
}

/// Reads the answer of the operator binary of `layout` from its source.
pub fn answer(layout: &Layout) -> Result<Answer, Refusal> {
    // A bug here must not cost a `manifests` run: the compiled route still answers.
    std::panic::catch_unwind(|| read(layout)).unwrap_or_else(|_| {
        Err(Refusal::new(
            "reading the operator failed (a bug in cargo-operator; the panic above says where)"
                .into(),
        ))
    })
}

fn read(layout: &Layout) -> Result<Answer, Refusal> {
    if layout.operator_build_script {
        return Err(Refusal::new(
            "the operator package has a build script".into(),
        ));
    }
    let mut scan = Scan::default();
    let bin = scan.crate_root(
        &layout.operator_main,
        &layout.operator_bin.replace('-', "_"),
    )?;
    if let Some((name, root)) = &layout.operator_lib {
        let registered = scan.rules.len() + scan.webhooks.len();
        scan.crate_root(root, name)?;
        // The binary links the library only when it uses it: rustc leaves out an unused
        // dependency, and the library's registrations with it.
        let grew = scan.rules.len() + scan.webhooks.len() > registered;
        let bin = quote::ToTokens::into_token_stream(bin);
        if grew && !names(bin, &|ident| ident == name.as_str()) {
            return Err(Refusal::new(format!(
                "the library registers, but {} does not name `{name}`",
                layout.operator_main.display()
            )));
        }
    }
    Ok(Answer {
        rules: rbac::in_program_order(scan.rules),
        webhooks: webhook::in_program_order(scan.webhooks),
        files: scan.files,
    })
}

/// What has been read so far, over both crates.
#[derive(Default)]
struct Scan {
    rules: Vec<(String, Rule)>,
    webhooks: Vec<(String, Webhook)>,
    files: Vec<PathBuf>,
}

impl Scan {
    /// Reads the crate `name` whose root file is `root`; its syntax, to look for names in.
    fn crate_root(&mut self, root: &Path, name: &str) -> Result<syn::File, Refusal> {
        let file = source::parse(root)?;
        self.files.push(root.to_path_buf());
        let dir = root.parent().unwrap_or(Path::new(".")).to_path_buf();
        self.file(&file, vec![name.to_string()], dir, None)?;
        Ok(file)
    }

    /// One source file: the items of module `module`, whose child modules live in `dir`,
    /// compiled only under `cfg` (`Some`: a condition other than `test` it is declared under).
    fn file(
        &mut self,
        file: &syn::File,
        module: Vec<String>,
        dir: PathBuf,
        cfg: Option<String>,
    ) -> Result<(), Refusal> {
        if file.attrs.iter().any(source::only_in_tests) {
            return Ok(());
        }
        let cfg = cfg.or_else(|| conditional(&file.attrs));
        let mut visitor = Visitor {
            scan: self,
            module,
            dir,
            cfg,
            in_item: 0,
            seen: 0,
            accepted: 0,
            stray_cfg: None,
            handled: HashSet::new(),
            refusal: None,
            children: Vec::new(),
        };
        visitor
            .handled
            .extend(file.attrs.iter().map(|a| a as *const _));
        for attr in &file.attrs {
            visitor.visit_attribute(attr);
        }
        for item in &file.items {
            visitor.visit_item(item);
        }
        let Visitor {
            module,
            seen,
            accepted,
            stray_cfg,
            refusal,
            children,
            ..
        } = visitor;
        if let Some(refusal) = refusal {
            return Err(refusal);
        }
        let at = || format!("module `{}`", module.join("::"));
        if seen != accepted {
            return Err(Refusal::new(format!(
                "{} has a #[rbac] or #[webhook] on something other than an item or a function with a body",
                at()
            )));
        }
        if accepted > 0
            && let Some(cfg) = stray_cfg
        {
            return Err(Refusal::new(format!(
                "{} registers, and compiles some of its code only under `{cfg}`",
                at()
            )));
        }
        for child in children {
            let parsed = source::parse(&child.file)?;
            self.files.push(child.file.clone());
            self.file(&parsed, child.module, child.dir, child.cfg)?;
        }
        Ok(())
    }
}

/// A `mod name;` to read after its parent file.
struct Child {
    file: PathBuf,
    module: Vec<String>,
    dir: PathBuf,
    cfg: Option<String>,
}

struct Visitor<'s> {
    scan: &'s mut Scan,
    /// `module_path!()` of where the visitor is, as segments.
    module: Vec<String>,
    dir: PathBuf,
    cfg: Option<String>,
    /// Inside an item other than a module (a function body, an `impl`).
    in_item: usize,
    /// Registration attributes met, and those met where they register.
    seen: usize,
    accepted: usize,
    /// A `cfg` on something that is not an item (a statement, a field): it may hold items.
    stray_cfg: Option<String>,
    /// The attributes of the nodes whose `cfg` the visitor follows (items and functions).
    handled: HashSet<*const syn::Attribute>,
    refusal: Option<Refusal>,
    children: Vec<Child>,
}

impl Visitor<'_> {
    fn refuse(&mut self, why: String) {
        self.refusal.get_or_insert_with(|| Refusal::new(why));
    }

    fn at(&self) -> String {
        format!("module `{}`", self.module.join("::"))
    }

    /// Runs `inside` for a node with outer attributes `attrs` that registers what it carries
    /// when `registers`; a node compiled only in tests is skipped.
    fn node(&mut self, attrs: &[syn::Attribute], registers: bool, inside: impl FnOnce(&mut Self)) {
        if attrs.iter().any(removed_outside_tests) {
            return;
        }
        self.handled.extend(attrs.iter().map(|a| a as *const _));
        let outer = self.cfg.clone();
        if let Some(cfg) = conditional(attrs) {
            self.cfg.get_or_insert(cfg);
        }
        if registers {
            for attr in attrs {
                self.register(attr);
            }
        }
        inside(self);
        self.cfg = outer;
    }

    fn register(&mut self, attr: &syn::Attribute) {
        let Some(attribute) = registration(attr) else {
            return;
        };
        self.accepted += 1;
        if let Some(cfg) = &self.cfg {
            let why = format!(
                "a #[{attribute}] in {} is compiled only under `{cfg}`",
                self.at()
            );
            return self.refuse(why);
        }
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => TokenStream::new(),
        };
        let mut errors = Errors::default();
        let module = self.module.join("::");
        let parsed = match attribute {
            "rbac" => attrs::rbac::parse(args, &mut errors)
                .map(|rule| self.scan.rules.push((module, rule))),
            _ => attrs::webhook::parse(args, &mut errors)
                .map(|webhook| self.scan.webhooks.push((module, webhook))),
        };
        if parsed.is_none() {
            let what = format!("a #[{attribute}] in {}", self.at());
            self.refusal
                .get_or_insert_with(|| Refusal::compile_error(&what, errors));
        }
    }

    fn module(&mut self, item: &syn::ItemMod) {
        let name = item.ident.to_string();
        if item.attrs.iter().any(|a| a.path().is_ident("path")) {
            return self.refuse(format!("`mod {name}` in {} has a `#[path]`", self.at()));
        }
        let mut module = self.module.clone();
        module.push(name.clone());
        let dir = self.dir.join(&name);
        match &item.content {
            Some((_, items)) => {
                let outer = (
                    std::mem::replace(&mut self.module, module),
                    std::mem::replace(&mut self.dir, dir),
                );
                for item in items {
                    self.visit_item(item);
                }
                (self.module, self.dir) = outer;
            }
            None => match source::module_file(&self.dir, &name) {
                Ok(file) => self.children.push(Child {
                    file,
                    module,
                    dir,
                    cfg: self.cfg.clone(),
                }),
                Err(refusal) => {
                    self.refusal.get_or_insert(refusal);
                }
            },
        }
    }
}

impl<'ast> Visit<'ast> for Visitor<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        self.node(source::item_attrs(item), true, |v| match item {
            syn::Item::Mod(m) => {
                for attr in &m.attrs {
                    v.visit_attribute(attr);
                }
                if v.in_item > 0 {
                    // `module_path!()` of a module inside a function, and the file of a
                    // `mod name;` there, are not worth guessing.
                    let why = format!("`mod {}` inside an item of {}", m.ident, v.at());
                    return v.refuse(why);
                }
                v.module(m);
            }
            _ => {
                v.in_item += 1;
                visit::visit_item(v, item);
                v.in_item -= 1;
            }
        });
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.node(&item.attrs, true, |v| visit::visit_impl_item_fn(v, item));
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        let has_body = item.default.is_some();
        self.node(&item.attrs, has_body, |v| {
            visit::visit_trait_item_fn(v, item)
        });
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if registration(attr).is_some() {
            self.seen += 1;
        } else if let Some(attribute) = last_segment(attr.path())
            && ATTRIBUTES.contains(&attribute.as_str())
        {
            let why = format!(
                "{} has a `#[{}]` that is not cargo_operator_runtime's",
                self.at(),
                quote::ToTokens::to_token_stream(attr.path())
            );
            return self.refuse(why);
        }
        let path = attr.path();
        if (path.is_ident("cfg") || path.is_ident("cfg_attr"))
            && !self.handled.contains(&(attr as *const _))
        {
            self.stray_cfg.get_or_insert_with(|| condition(attr));
        }
        if !path.is_ident("doc") && names(attr.meta_tokens(), &registering) {
            let why = format!(
                "an attribute in {} names what registers: `{}`",
                self.at(),
                quote::ToTokens::to_token_stream(attr)
            );
            return self.refuse(why);
        }
        visit::visit_attribute(self, attr);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = last_segment(&mac.path).unwrap_or_default();
        if name == "include" {
            return self.refuse(format!("{} includes source with `include!`", self.at()));
        }
        if names(mac.tokens.clone(), &registering) {
            let why = format!(
                "a `{name}!` in {} names what registers (rbac, webhook or the slices they fill)",
                self.at()
            );
            return self.refuse(why);
        }
        visit::visit_macro(self, mac);
    }

    fn visit_use_rename(&mut self, rename: &'ast syn::UseRename) {
        if [&rename.ident, &rename.rename]
            .iter()
            .any(|i| ATTRIBUTES.iter().any(|a| *i == a))
        {
            let why = format!(
                "{} imports `{}` as `{}`",
                self.at(),
                rename.ident,
                rename.rename
            );
            return self.refuse(why);
        }
        visit::visit_use_rename(self, rename);
    }

    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        if REGISTRY.iter().any(|name| ident == name) {
            self.refuse(format!("{} names `{ident}`", self.at()));
        }
    }
}

/// The registration attribute `attr` is, if any: `rbac` or `webhook`, as the runtime
/// re-exports them (`#[rbac]` after a `use`, or `#[cargo_operator_runtime::rbac]`).
fn registration(attr: &syn::Attribute) -> Option<&'static str> {
    let path = attr.path();
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let name = match segments.as_slice() {
        [name] if path.leading_colon.is_none() => name,
        [krate, name] if krate == "cargo_operator_runtime" => name,
        _ => return None,
    };
    ATTRIBUTES.into_iter().find(|a| a == name)
}

fn last_segment(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|s| s.ident.to_string())
}

/// The item is not in a build without `cfg(test)`: `#[cfg(test)]`, or a test function
/// (`#[test]`, `#[tokio::test]`).
fn removed_outside_tests(attr: &syn::Attribute) -> bool {
    source::only_in_tests(attr) || last_segment(attr.path()).is_some_and(|name| name == "test")
}

/// The condition other than `test` under which attributes `attrs` compile their item.
fn conditional(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| {
            let path = a.path();
            path.is_ident("cfg_attr") || path.is_ident("cfg") && !compiled_without_tests(a)
        })
        .map(condition)
}

/// `#[cfg(not(test))]`: in the binary.
fn compiled_without_tests(attr: &syn::Attribute) -> bool {
    attr.parse_args::<syn::Meta>().is_ok_and(|meta| match meta {
        syn::Meta::List(list) => {
            list.path.is_ident("not")
                && list
                    .parse_args::<syn::Ident>()
                    .is_ok_and(|ident| ident == "test")
        }
        _ => false,
    })
}

fn condition(attr: &syn::Attribute) -> String {
    quote::ToTokens::to_token_stream(&attr.meta).to_string()
}

/// An identifier only code that registers uses.
fn registering(ident: &proc_macro2::Ident) -> bool {
    ATTRIBUTES.iter().chain(&REGISTRY).any(|name| ident == name)
}

/// Whether `tokens` hold an identifier `matches` accepts, at any depth.
pub(crate) fn names(tokens: TokenStream, matches: &dyn Fn(&proc_macro2::Ident) -> bool) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => matches(&ident),
        TokenTree::Group(group) => names(group.stream(), matches),
        _ => false,
    })
}

trait MetaTokens {
    /// The tokens after the attribute's path (`(...)` or `= ...`).
    fn meta_tokens(&self) -> TokenStream;
}

impl MetaTokens for syn::Attribute {
    fn meta_tokens(&self) -> TokenStream {
        match &self.meta {
            syn::Meta::Path(_) => TokenStream::new(),
            syn::Meta::List(list) => list.tokens.clone(),
            syn::Meta::NameValue(nv) => quote::ToTokens::to_token_stream(&nv.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r#"#[rbac(groups = [""], resources = ["pods"], verbs = ["get"])]"#;

    /// A project whose binary `demo` has `main` and whose library `demo_lib` has `lib`, plus
    /// `files` under `src/`.
    fn project(main: &str, lib: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Layout) {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("main.rs"), main).unwrap();
        std::fs::write(src.join("lib.rs"), lib).unwrap();
        for (path, text) in files {
            let path = src.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let layout = Layout {
            api_package: "demo-api".into(),
            api_dir: dir.path().join("api"),
            operator_package: "demo".into(),
            operator_bin: "demo".into(),
            operator_main: src.join("main.rs"),
            operator_lib: Some(("demo_lib".into(), src.join("lib.rs"))),
            operator_build_script: false,
            target_dir: dir.path().join("target"),
        };
        (dir, layout)
    }

    fn refusal(main: &str, lib: &str, files: &[(&str, &str)]) -> String {
        let (_dir, layout) = project(main, lib, files);
        match answer(&layout) {
            Ok(answer) => panic!("decided {} rules for {files:?}", answer.rules.len()),
            Err(why) => why.to_string(),
        }
    }

    #[test]
    fn reads_what_the_binary_compiles_in_the_runtimes_order() {
        let controller = format!(
            r#"use cargo_operator_runtime::rbac;
{RULE}
pub fn controller() {{
    #[rbac(groups = ["apps"], resources = ["deployments"], verbs = ["list"])]
    fn inner() {{}}
}}
#[cfg(feature = "extra")]
pub fn unrelated() {{}}
pub struct Webhooks;
impl Webhooks {{
    #[cargo_operator_runtime::webhook(name = "mguestbook-v1.kb.io", path = "/mutate-webapp-example-com-v1-guestbook", mutating, failure_policy = "fail", side_effects = "None", groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["create", "update"], versions = ["v1"], admission_review_versions = ["v1"])]
    pub fn defaulter(&self) {{}}
}}
#[test]
fn in_tests_only() {{
    {RULE}
    fn f() {{}}
}}
#[cfg(test)]
mod tests {{
    #[rbac(groups = ["x.example.com"], resources = ["tests"], verbs = ["get"])]
    fn t() {{}}
}}
"#
        );
        let main = "#[rbac(urls = [\"/metrics\"], verbs = [\"get\"])]\nfn main() { demo_lib::controller::controller(); }\n";
        let (_dir, layout) = project(
            main,
            "#![allow(unused)]\npub mod controller;\n#[cfg(test)]\nmod missing_in_tests;\n",
            &[("controller.rs", &controller)],
        );
        let answer = answer(&layout).unwrap();
        let rules: Vec<(Vec<String>, Vec<String>)> = answer
            .rules
            .iter()
            .map(|r| (r.resources.clone(), r.urls.clone()))
            .collect();
        // By module (`demo` before `demo_lib::controller`), then by rule (core's `""`
        // before `apps`).
        assert_eq!(
            rules,
            [
                (vec![], vec!["/metrics".to_string()]),
                (vec!["pods".to_string()], vec![]),
                (vec!["deployments".to_string()], vec![]),
            ]
        );
        assert_eq!(answer.webhooks.len(), 1);
        // Normalised by core, as the attribute macro registers it.
        assert_eq!(answer.webhooks[0].failure_policy, "Fail");
        assert_eq!(answer.webhooks[0].verbs, ["CREATE", "UPDATE"]);
        assert_eq!(answer.files.len(), 3, "{:?}", answer.files);
    }

    #[test]
    fn refuses_what_may_compile_to_another_answer() {
        let main = "fn main() { demo_lib::run() }";
        let registering = |body: &str| format!("pub mod m;\npub fn run() {{}}\n{body}");
        for (lib, file, expected) in [
            (
                registering(""),
                format!("#[cfg(feature = \"x\")]\n{RULE}\npub fn f() {{}}"),
                "compiled only under `cfg (feature = \"x\")`",
            ),
            (
                registering(""),
                format!("{RULE}\npub fn f() {{ #[cfg(unix)] let _x = 1; }}"),
                "compiles some of its code only under",
            ),
            (
                registering(""),
                "macro_rules! rules { () => { #[rbac(verbs = [\"get\"])] fn g() {} } }".into(),
                "a `macro_rules!` in module `demo_lib::m` names what registers",
            ),
            (
                registering(""),
                "include!(\"generated.rs\");".into(),
                "includes source with `include!`",
            ),
            (
                registering(""),
                "use cargo_operator_runtime::rbac as permissions;".into(),
                "imports `rbac` as `permissions`",
            ),
            (
                registering(""),
                format!("pub struct S {{ {RULE} pub field: u8 }}"),
                "on something other than an item",
            ),
            (
                registering(""),
                "#[other::rbac(verbs = [\"get\"])]\nfn f() {}".into(),
                "that is not cargo_operator_runtime's",
            ),
            (
                registering(""),
                "#[rbac(verbs = [\"get\"])]\nfn f() {}".into(),
                "does not compile",
            ),
            (
                registering(""),
                "#[cfg_attr(feature = \"x\", rbac(urls = [\"/x\"], verbs = [\"get\"]))]\nfn f() {}"
                    .into(),
                "names what registers",
            ),
            (
                registering(""),
                "static S: () = (); const _: () = { use linkme::distributed_slice; };".into(),
                "names `linkme`",
            ),
            (
                "#[path = \"other.rs\"]\npub mod m;\npub fn run() {}".into(),
                String::new(),
                "has a `#[path]`",
            ),
        ] {
            let why = refusal(main, &lib, &[("m.rs", &file)]);
            assert!(why.contains(expected), "{file}: {why}");
        }
        // The library registers, but the binary does not link it.
        let rule = format!("{RULE}\npub fn f() {{}}");
        let why = refusal("fn main() {}", &registering(""), &[("m.rs", &rule)]);
        assert!(why.contains("does not name `demo_lib`"), "{why}");
    }

    #[test]
    fn a_build_script_is_refused_and_conditions_away_from_registrations_are_not() {
        let lib = format!("{RULE}\npub fn run() {{}}\n#[cfg(feature = \"x\")]\npub mod extra;\n");
        let extra = "pub fn f() { #[cfg(unix)] let _x = 1; }";
        let (_dir, mut layout) = project(
            "fn main() { demo_lib::run() }",
            &lib,
            &[("extra.rs", extra)],
        );
        assert_eq!(answer(&layout).unwrap().rules.len(), 1);
        layout.operator_build_script = true;
        let why = answer(&layout).err().unwrap().to_string();
        assert!(why.contains("build script"), "{why}");
    }
}
