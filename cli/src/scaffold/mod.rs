//! The scaffolding machinery: plan every change in memory, validate the whole plan, then write.
//!
//! Commands never touch the disk while they decide. They build a [`Plan`] of file creations
//! and marker insertions; [`Plan::apply`] first checks every change (a user's edit would be
//! overwritten, a marker is missing) and only when all are fine writes each file atomically
//! (temp file + rename). So bad input or a conflict leaves the project exactly as it was.

pub mod markers;
pub mod rustfmt;
pub mod templates;

use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What to do when a file the plan creates already exists with other content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse, unless `--force`: the file is the user's to edit (sources, kustomizations).
    Keep,
    /// Always rewrite: the file is generated output (CRD bases, role.yaml, the project file).
    Regenerate,
}

#[derive(Debug)]
enum Change {
    Create { content: String, existing: Existing },
    Insert { insertions: Vec<markers::Insertion> },
}

/// A set of changes below one root directory, keyed by relative path in a stable order.
#[derive(Debug)]
pub struct Plan {
    root: PathBuf,
    changes: BTreeMap<PathBuf, Change>,
}

/// What applying a plan did (or, with `--dry-run`, would do), for the summary printed to users.
#[derive(Debug, Default)]
pub struct Report {
    pub created: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

impl Plan {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Plan {
            root: root.into(),
            changes: BTreeMap::new(),
        }
    }

    pub fn create(&mut self, path: impl Into<PathBuf>, content: String, existing: Existing) {
        self.changes
            .insert(path.into(), Change::Create { content, existing });
    }

    /// Insert `text` just above `marker` in an existing file (see [`markers`]).
    pub fn insert(&mut self, path: impl Into<PathBuf>, marker: &str, text: String) {
        self.push_insertion(
            path.into(),
            markers::Insertion {
                marker: marker.to_string(),
                text,
                sorted: false,
            },
        );
    }

    /// Insert a line among the sorted lines above `marker` (module declarations).
    pub fn insert_sorted(&mut self, path: impl Into<PathBuf>, marker: &str, text: String) {
        self.push_insertion(
            path.into(),
            markers::Insertion {
                marker: marker.to_string(),
                text,
                sorted: true,
            },
        );
    }

    fn push_insertion(&mut self, path: PathBuf, insertion: markers::Insertion) {
        match self
            .changes
            .entry(path)
            .or_insert(Change::Insert { insertions: vec![] })
        {
            Change::Insert { insertions } => insertions.push(insertion),
            Change::Create { .. } => panic!("a plan may not both create and insert into one file"),
        }
    }

    /// Validate every change, then (unless `dry_run`) write them all.
    pub fn apply(self, force: bool, dry_run: bool) -> Result<Report> {
        let mut writes = Vec::new();
        let mut report = Report::default();
        let mut conflicts = String::new();
        for (relative, change) in &self.changes {
            let path = self.root.join(relative);
            let current = read_if_exists(&path)?;
            let mut next = match change {
                Change::Create { content, existing } => {
                    if let Some(current) = &current
                        && current != content
                        && *existing == Existing::Keep
                        && !force
                    {
                        let _ = writeln!(conflicts, "  {}", relative.display());
                    }
                    content.clone()
                }
                Change::Insert { insertions } => {
                    let current = current.as_deref().with_context(|| {
                        format!(
                            "cannot insert into {}: the file does not exist",
                            relative.display()
                        )
                    })?;
                    markers::insert_all(current, insertions)
                        .with_context(|| format!("cannot update {}", relative.display()))?
                }
            };
            if relative.extension().is_some_and(|ext| ext == "rs") {
                next = rustfmt::format(&next);
            }
            match current {
                None => report.created.push(relative.clone()),
                Some(current) if current == next => {
                    report.unchanged.push(relative.clone());
                    continue;
                }
                Some(_) => report.updated.push(relative.clone()),
            }
            writes.push((path, next));
        }
        if !conflicts.is_empty() {
            bail!(
                "these files exist and differ from what would be generated; nothing was written:\n\
                 {conflicts}re-run with --force to overwrite them"
            );
        }
        if !dry_run {
            for (path, content) in writes {
                write_atomically(&path, &content)?;
            }
        }
        Ok(report)
    }
}

impl Report {
    pub fn print(&self, dry_run: bool) {
        let (create, update) = if dry_run {
            ("would create", "would update")
        } else {
            ("created", "updated")
        };
        for path in &self.created {
            eprintln!("{create:>12} {}", path.display());
        }
        for path in &self.updated {
            eprintln!("{update:>12} {}", path.display());
        }
    }
}

fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn write_atomically(path: &Path, content: &str) -> Result<()> {
    let dir = path.parent().expect("planned paths are below a root");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .expect("planned paths name files")
        .to_string_lossy();
    let temp = dir.join(format!(".{name}.cargo-operator.tmp"));
    std::fs::write(&temp, content).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conflict_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("edited.rs"), "user edit").unwrap();
        let mut plan = Plan::new(dir.path());
        plan.create("new.rs", "new".into(), Existing::Keep);
        plan.create("edited.rs", "template".into(), Existing::Keep);
        let error = plan.apply(false, false).unwrap_err().to_string();
        assert!(
            error.contains("edited.rs") && error.contains("--force"),
            "{error}"
        );
        assert!(!dir.path().join("new.rs").exists());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("edited.rs")).unwrap(),
            "user edit"
        );
    }

    #[test]
    fn force_overwrites_and_regenerate_needs_no_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "old").unwrap();
        std::fs::write(dir.path().join("b"), "old").unwrap();
        let mut plan = Plan::new(dir.path());
        plan.create("a", "new".into(), Existing::Regenerate);
        plan.apply(false, false).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a")).unwrap(),
            "new"
        );
        let mut plan = Plan::new(dir.path());
        plan.create("b", "new".into(), Existing::Keep);
        plan.apply(true, false).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("b")).unwrap(),
            "new"
        );
    }

    #[test]
    fn dry_run_reports_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mut plan = Plan::new(dir.path());
        plan.create("sub/file", "x".into(), Existing::Keep);
        let report = plan.apply(false, true).unwrap();
        assert_eq!(report.created, vec![PathBuf::from("sub/file")]);
        assert!(!dir.path().join("sub").exists());
    }
}
