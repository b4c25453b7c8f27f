//! The files of a new project: one builder per template of the `init` set, whose tree is
//! the project's tree. Every file is the user's to edit afterwards, except
//! `config/rbac/role.yaml`, which `manifests` owns.

use super::builder::TemplateFile;
use super::templates;
use super::vars::ProjectVars;

/// Files that later commands regenerate: rewritten without asking.
const GENERATED: &[&str] = &["config/rbac/role.yaml"];

/// The builders of every file of a new project.
pub fn files(vars: &ProjectVars) -> Vec<TemplateFile<'_, ProjectVars>> {
    templates::names_under("init")
        .into_iter()
        .map(|name| {
            let template = name.trim_start_matches("init/").to_string();
            let generated = GENERATED.contains(&template.as_str());
            let file = TemplateFile::new("init", template, vars);
            if generated { file.overwrite() } else { file }
        })
        .collect()
}

/// The api crate's `crdgen` example as `init` writes it for the crate `api_crate`: what
/// `manifests` compares a project's with before it computes, rather than runs, what it prints.
pub fn crdgen_example(api_crate: &str) -> anyhow::Result<String> {
    #[derive(serde::Serialize)]
    struct Vars<'a> {
        api_crate: &'a str,
    }
    templates::render("init/api/examples/crdgen.rs", &Vars { api_crate })
}
