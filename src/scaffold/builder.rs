//! One builder per generated file (kubebuilder's `machinery.Template`): it knows its
//! template, its output path (the template's path, placeholders filled in), its typed
//! variables and what to do when the file already exists. Insertions at scaffold markers
//! are builders too.

use anyhow::Result;
use serde::Serialize;
use std::path::PathBuf;

use super::templates;

/// What to do when a generated file exists and differs from what would be generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    /// Refuse, unless `--force`: the file is the user's to edit (sources, kustomizations).
    Conflict,
    /// Always rewrite: the file is generated output (CRD bases, role.yaml, the project file).
    Overwrite,
    /// Leave an existing file as it is, whatever it holds: a file that the first of several
    /// scaffolds creates and the user may then edit (the webhook Service, the certificates).
    Keep,
}

/// A generated file.
pub trait FileBuilder {
    /// Where the file goes, relative to the project root.
    fn path(&self) -> PathBuf;
    /// Its content.
    fn render(&self) -> Result<String>;
    /// What to do when it exists with other content.
    fn if_exists(&self) -> IfExists;
}

/// A file rendered from a template of a set (`init`, `api`): the output path is the
/// template's path below the set, with `{placeholder}`s replaced.
pub struct TemplateFile<'a, V: Serialize> {
    set: &'static str,
    /// The template's path below the set, without `.jinja` (`api/src/{group}/mod.rs`).
    template: String,
    vars: &'a V,
    placeholders: Vec<(&'static str, &'a str)>,
    if_exists: IfExists,
}

impl<'a, V: Serialize> TemplateFile<'a, V> {
    pub fn new(set: &'static str, template: impl Into<String>, vars: &'a V) -> Self {
        Self {
            set,
            template: template.into(),
            vars,
            placeholders: Vec::new(),
            if_exists: IfExists::Conflict,
        }
    }

    /// Fills `{name}` in the path with `value`.
    pub fn placeholders(
        mut self,
        values: impl IntoIterator<Item = (&'static str, &'a str)>,
    ) -> Self {
        self.placeholders.extend(values);
        self
    }

    pub fn overwrite(mut self) -> Self {
        self.if_exists = IfExists::Overwrite;
        self
    }

    /// See [`IfExists::Keep`].
    pub fn keep(mut self) -> Self {
        self.if_exists = IfExists::Keep;
        self
    }
}

impl<V: Serialize> FileBuilder for TemplateFile<'_, V> {
    fn path(&self) -> PathBuf {
        let mut path = self.template.clone();
        for (name, value) in &self.placeholders {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        PathBuf::from(path)
    }

    fn render(&self) -> Result<String> {
        templates::render(&format!("{}/{}", self.set, self.template), self.vars)
    }

    fn if_exists(&self) -> IfExists {
        self.if_exists
    }
}

/// A generated file whose content is computed, not templated (the project file, manifests).
pub struct Generated {
    pub path: PathBuf,
    pub content: String,
}

impl FileBuilder for Generated {
    fn path(&self) -> PathBuf {
        self.path.clone()
    }

    fn render(&self) -> Result<String> {
        Ok(self.content.clone())
    }

    fn if_exists(&self) -> IfExists {
        IfExists::Overwrite
    }
}

/// Lines inserted into an existing file just above a scaffold marker (see
/// [`super::markers`]); already-present lines are not repeated.
#[derive(Debug, Clone)]
pub struct Insert {
    pub path: PathBuf,
    /// The marker's name: `controllers` for `// +cargo-operator:scaffold:controllers`.
    pub marker: &'static str,
    pub text: String,
    /// Keep the code lines right above the marker sorted (module declarations, which
    /// rustfmt would otherwise reorder).
    pub sorted: bool,
}

impl Insert {
    pub fn new(path: impl Into<PathBuf>, marker: &'static str, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            marker,
            text: text.into(),
            sorted: false,
        }
    }

    pub fn sorted(mut self) -> Self {
        self.sorted = true;
        self
    }
}
