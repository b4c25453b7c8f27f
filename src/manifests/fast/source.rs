//! The api crate as the fast route sees it: its module tree read from `src/lib.rs` down, and
//! Rust's name resolution for the paths its types name (`use`, globs, `crate::`, `super::`).
//!
//! Only what a type definition can depend on is kept: modules, structs, enums, `use`s. What
//! could change a type without being visible here (a `cfg`, a `#[path]`, an item macro, a
//! type alias, a build script's output) is a refusal, never a guess.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cargo_operator_core::syntax::attrs::Errors;
use cargo_operator_core::syntax::attrs::resource::{self, Parsed};

use super::Refusal;

/// One module of the crate.
pub struct Module {
    /// From the crate root, e.g. `["webapp", "v1"]`.
    pub path: Vec<String>,
    parent: Option<usize>,
    children: BTreeMap<String, usize>,
    pub structs: Vec<syn::ItemStruct>,
    pub enums: Vec<syn::ItemEnum>,
    /// The kinds of its `#[derive(CustomResource)]` structs, by struct.
    roots: Vec<(String, usize)>,
    /// Names only: resolving one is a refusal.
    aliases: Vec<String>,
    uses: Vec<Use>,
}

/// One name a `use` brings in (`None`: a glob), and the path it names.
struct Use {
    name: Option<String>,
    path: Vec<String>,
}

/// What a path names.
#[derive(Clone, Debug, PartialEq)]
pub enum Def {
    Module(usize),
    Struct(usize, usize),
    Enum(usize, usize),
    /// The root type `#[derive(CustomResource)]` declares next to the spec struct `.1`.
    Root(usize, usize),
    /// Outside the crate (or the prelude, as one segment): the full path.
    External(Vec<String>),
}

pub struct Crate {
    pub modules: Vec<Module>,
}

impl Crate {
    /// Reads the module tree of the crate whose root file `lib` parsed as `file`.
    pub fn load(lib: &Path, file: syn::File) -> Result<Crate, Refusal> {
        let mut krate = Crate {
            modules: Vec::new(),
        };
        let dir = lib.parent().unwrap_or(Path::new(".")).to_path_buf();
        if file.attrs.iter().any(|a| !plain_attribute(a)) {
            return Err(Refusal::new(format!(
                "{} has crate attributes other than docs and lints",
                lib.display()
            )));
        }
        krate.add(Vec::new(), None, file.items, &dir)?;
        Ok(krate)
    }

    fn add(
        &mut self,
        path: Vec<String>,
        parent: Option<usize>,
        items: Vec<syn::Item>,
        dir: &Path,
    ) -> Result<usize, Refusal> {
        let index = self.modules.len();
        self.modules.push(Module {
            path: path.clone(),
            parent,
            children: BTreeMap::new(),
            structs: Vec::new(),
            enums: Vec::new(),
            roots: Vec::new(),
            aliases: Vec::new(),
            uses: Vec::new(),
        });
        let at = || {
            if path.is_empty() {
                "the crate root".to_string()
            } else {
                format!("module `{}`", path.join("::"))
            }
        };
        for item in items {
            // `crdgen` links the library as built without `cfg(test)`: test modules and
            // items are not in it.
            if item_attrs(&item).iter().any(only_in_tests) {
                continue;
            }
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    if m.attrs.iter().any(|a| !plain_attribute(a)) {
                        return Err(Refusal::new(format!(
                            "`mod {name}` in {} has attributes other than docs and lints (a `cfg` or `path`)",
                            at()
                        )));
                    }
                    let mut child_path = path.clone();
                    child_path.push(name.clone());
                    let (child_items, child_dir) = match m.content {
                        Some((_, items)) => (items, dir.join(&name)),
                        None => {
                            let file = module_file(dir, &name)?;
                            let parsed = parse(&file)?;
                            if parsed.attrs.iter().any(|a| !plain_attribute(a)) {
                                return Err(Refusal::new(format!(
                                    "{} has inner attributes other than docs and lints",
                                    file.display()
                                )));
                            }
                            (parsed.items, dir.join(&name))
                        }
                    };
                    let child = self.add(child_path, Some(index), child_items, &child_dir)?;
                    self.modules[index].children.insert(name, child);
                }
                syn::Item::Struct(s) => {
                    refuse_cfg(&s.attrs, &s.ident, &at())?;
                    let module = &mut self.modules[index];
                    if let Some(kind) = root_kind(&s) {
                        module.roots.push((kind, module.structs.len()));
                    }
                    module.structs.push(s);
                }
                syn::Item::Enum(e) => {
                    refuse_cfg(&e.attrs, &e.ident, &at())?;
                    self.modules[index].enums.push(e);
                }
                syn::Item::Type(t) => self.modules[index].aliases.push(t.ident.to_string()),
                syn::Item::Use(u) => {
                    if u.attrs.iter().any(|a| !plain_attribute(a)) {
                        return Err(Refusal::new(format!(
                            "a `use` in {} has attributes other than docs and lints",
                            at()
                        )));
                    }
                    flatten_use(&u.tree, &mut Vec::new(), &mut self.modules[index].uses);
                }
                syn::Item::Macro(m) => {
                    return Err(Refusal::new(format!(
                        "{} invokes a macro at item level (`{}!`), which may declare types",
                        at(),
                        m.mac
                            .path
                            .segments
                            .last()
                            .map(|s| s.ident.to_string())
                            .unwrap_or_default()
                    )));
                }
                syn::Item::ExternCrate(_) => {
                    return Err(Refusal::new(format!("{} has an `extern crate`", at())));
                }
                _ => {}
            }
        }
        Ok(index)
    }

    /// Resolves `path` as written in module `from`: a type when `ty`, else a module.
    pub fn resolve(&self, from: usize, path: &[String], ty: bool) -> Option<Def> {
        self.resolve_at(from, path, ty, 0)
    }

    fn resolve_at(&self, from: usize, path: &[String], ty: bool, depth: usize) -> Option<Def> {
        if depth > 16 || path.is_empty() {
            return None;
        }
        let (first, rest) = (path[0].as_str(), &path[1..]);
        let last = rest.is_empty();
        let mut current = match first {
            "crate" => Def::Module(0),
            "self" => Def::Module(from),
            "super" => Def::Module(self.modules[from].parent?),
            // Not in the crate: a dependency (`k8s_openapi::...`) or the prelude (`String`).
            _ => self
                .lookup(from, first, ty && last, depth)
                .unwrap_or_else(|| Def::External(vec![first.to_string()])),
        };
        for (i, segment) in rest.iter().enumerate() {
            let want_type = ty && i + 1 == rest.len();
            current = match current {
                Def::Module(m) if segment == "super" => Def::Module(self.modules[m].parent?),
                Def::Module(m) if segment == "self" => Def::Module(m),
                Def::Module(m) => self.lookup(m, segment, want_type, depth)?,
                Def::External(mut full) => {
                    full.push(segment.clone());
                    Def::External(full)
                }
                _ => return None,
            };
        }
        Some(current)
    }

    /// A name in a module's scope: its own items, then its `use`s, then its globs.
    fn lookup(&self, m: usize, name: &str, ty: bool, depth: usize) -> Option<Def> {
        let module = &self.modules[m];
        if ty {
            if let Some(i) = module.structs.iter().position(|s| s.ident == name) {
                return Some(Def::Struct(m, i));
            }
            if let Some(i) = module.enums.iter().position(|e| e.ident == name) {
                return Some(Def::Enum(m, i));
            }
            if let Some((_, i)) = module.roots.iter().find(|(kind, _)| kind == name) {
                return Some(Def::Root(m, *i));
            }
            if module.aliases.iter().any(|a| a == name) {
                return None;
            }
        } else if let Some(&child) = module.children.get(name) {
            return Some(Def::Module(child));
        }
        for u in &module.uses {
            if u.name.as_deref() == Some(name) {
                let def = self.resolve_at(m, &u.path, ty, depth + 1)?;
                let is_module = matches!(def, Def::Module(_));
                if is_module != ty || matches!(def, Def::External(_)) {
                    return Some(def);
                }
            }
        }
        for u in module.uses.iter().filter(|u| u.name.is_none()) {
            if let Some(Def::Module(glob)) = self.resolve_at(m, &u.path, false, depth + 1)
                && glob != m
                && let Some(def) = self.lookup(glob, name, ty, depth + 1)
            {
                return Some(def);
            }
        }
        None
    }
}

/// The kind a `#[derive(CustomResource)]` struct declares, when its `#[resource(...)]` is
/// valid.
fn root_kind(item: &syn::ItemStruct) -> Option<String> {
    let derives_it = item.attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|paths| {
                paths.iter().any(|p| {
                    p.segments
                        .last()
                        .is_some_and(|s| s.ident == "CustomResource")
                })
            })
    });
    if !derives_it {
        return None;
    }
    match resource::parse(&item.attrs, item.ident.span(), &mut Errors::default()) {
        Parsed::Valid(resource) => Some(resource.kind),
        Parsed::Invalid(_) => None,
    }
}

/// `mod name;` in a module whose files live in `dir`: `dir/name.rs` or `dir/name/mod.rs`.
pub(super) fn module_file(dir: &Path, name: &str) -> Result<PathBuf, Refusal> {
    let (flat, nested) = (
        dir.join(format!("{name}.rs")),
        dir.join(name).join("mod.rs"),
    );
    match (flat.is_file(), nested.is_file()) {
        (true, false) => Ok(flat),
        (false, true) => Ok(nested),
        _ => Err(Refusal::new(format!(
            "cannot tell which file is `mod {name};` in {}",
            dir.display()
        ))),
    }
}

pub fn parse(file: &Path) -> Result<syn::File, Refusal> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Refusal::new(format!("cannot read {}: {e}", file.display())))?;
    syn::parse_file(&text)
        .map_err(|e| Refusal::new(format!("{} does not parse: {e}", file.display())))
}

/// The outer attributes of any item.
pub(super) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    use syn::Item;
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]`, exactly.
pub(super) fn only_in_tests(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && attr
            .parse_args::<syn::Ident>()
            .is_ok_and(|ident| ident == "test")
}

/// Docs and lint levels: attributes that cannot change what a module or item declares.
pub fn plain_attribute(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    ["doc", "allow", "warn", "deny", "expect"]
        .iter()
        .any(|name| path.is_ident(name))
}

fn refuse_cfg(attrs: &[syn::Attribute], ident: &syn::Ident, at: &str) -> Result<(), Refusal> {
    if attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
    {
        return Err(Refusal::new(format!(
            "`{ident}` in {at} is compiled conditionally (`cfg`)"
        )));
    }
    Ok(())
}

fn flatten_use(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Use>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut path = prefix.clone();
            if name == "self" {
                let Some(last) = prefix.last() else { return };
                out.push(Use {
                    name: Some(last.clone()),
                    path,
                });
                return;
            }
            path.push(name.clone());
            out.push(Use {
                name: Some(name),
                path,
            });
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            if r.ident != "self" {
                path.push(r.ident.to_string());
            }
            out.push(Use {
                name: Some(r.rename.to_string()),
                path,
            });
        }
        syn::UseTree::Glob(_) => out.push(Use {
            name: None,
            path: prefix.clone(),
        }),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten_use(tree, prefix, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(path: &str) -> Vec<String> {
        path.split("::").map(str::to_string).collect()
    }

    /// A crate from `(file, text)` pairs below `src/`.
    fn load(files: &[(&str, &str)]) -> Result<Crate, Refusal> {
        let dir = tempfile::tempdir().unwrap();
        for (file, text) in files {
            let path = dir.path().join("src").join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let lib = dir.path().join("src/lib.rs");
        Crate::load(&lib, parse(&lib)?)
    }

    #[test]
    fn uses_renames_groups_and_inline_modules_resolve() {
        let krate = load(&[
            (
                "lib.rs",
                "pub mod a;\nmod b { pub mod c { pub struct Deep; } }\n\
                 use self::a::{Thing as Renamed, self as alias};\npub use b::c::*;\n",
            ),
            (
                "a/mod.rs",
                "pub struct Thing;\npub enum Mode { X }\nmod d;\n",
            ),
            ("a/d.rs", "use super::super::Renamed;\npub struct Local;\n"),
        ])
        .unwrap();
        let at = |module: &[&str]| krate.modules.iter().position(|m| m.path == module).unwrap();
        let root = at(&[]);
        let a = at(&["a"]);
        assert_eq!(
            krate.resolve(root, &names("Renamed"), true),
            Some(Def::Struct(a, 0))
        );
        assert_eq!(
            krate.resolve(root, &names("alias::Mode"), true),
            Some(Def::Enum(a, 0))
        );
        assert_eq!(
            krate.resolve(root, &names("Deep"), true),
            Some(Def::Struct(at(&["b", "c"]), 0))
        );
        let d = at(&["a", "d"]);
        assert_eq!(
            krate.resolve(d, &names("Renamed"), true),
            Some(Def::Struct(a, 0))
        );
        assert_eq!(
            krate.resolve(d, &names("crate::a::Thing"), true),
            Some(Def::Struct(a, 0))
        );
        assert_eq!(
            krate.resolve(d, &names("k8s_openapi::api::core::v1::PodSpec"), true),
            Some(Def::External(names("k8s_openapi::api::core::v1::PodSpec")))
        );
        assert_eq!(
            krate.resolve(d, &names("String"), true),
            Some(Def::External(names("String")))
        );
    }

    #[test]
    fn an_ambiguous_or_missing_module_file_is_refused() {
        let why = load(&[("lib.rs", "mod a;\n"), ("a.rs", ""), ("a/mod.rs", "")])
            .err()
            .unwrap();
        assert!(why.to_string().contains("`mod a;`"), "{why}");
        let why = load(&[("lib.rs", "mod gone;\n")]).err().unwrap();
        assert!(why.to_string().contains("`mod gone;`"), "{why}");
        let why = load(&[("lib.rs", "#[path = \"x.rs\"]\nmod a;\n")])
            .err()
            .unwrap();
        assert!(why.to_string().contains("`mod a`"), "{why}");
    }
}
