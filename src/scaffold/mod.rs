//! Scaffolding: file builders over an in-memory plan, validated as a whole, then written as
//! one transaction.
//!
//! A command adds builders to a [`Plan`]; [`Plan::resolve`] reads the project through an
//! [`Fs`], renders every file, applies the marker insertions, formats the Rust (one rustfmt
//! process), and checks every change (a user's edit would be overwritten, a marker is
//! missing, a file to insert into does not exist). Only when all are fine does it return the
//! writes, which the command commits with [`Fs::commit`]. So bad input or a conflict leaves
//! the project exactly as it was.

pub mod api;
pub mod builder;
pub mod init;
pub mod markers;
pub mod rustfmt;
pub mod templates;
pub mod vars;
pub mod webhook;

use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::fs::Fs;
use crate::project::PROJECT_FILE;
use builder::{FileBuilder, IfExists, Insert};

#[derive(Debug)]
enum Planned {
    Create {
        content: String,
        if_exists: IfExists,
    },
    Insert {
        insertions: Vec<markers::Insertion>,
    },
    /// A file created by the first resource that needs it and extended by the others
    /// (the module files of a group or version).
    CreateOrInsert {
        fresh: String,
        insertions: Vec<markers::Insertion>,
    },
}

/// The changes of one command, keyed by path relative to the project root.
#[derive(Debug, Default)]
pub struct Plan {
    changes: BTreeMap<PathBuf, Planned>,
}

/// What resolving a plan found: the writes to commit (the project file last) and, per path,
/// whether it is new, changed or unchanged.
#[derive(Debug, Default)]
pub struct Resolved {
    pub writes: Vec<(PathBuf, String)>,
    pub created: Vec<PathBuf>,
    pub updated: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

impl Plan {
    pub fn new() -> Self {
        Self::default()
    }

    /// A file to create (or rewrite, as its builder says).
    pub fn file(&mut self, builder: &dyn FileBuilder) -> Result<()> {
        let content = builder.render()?;
        self.changes.insert(
            builder.path(),
            Planned::Create {
                content,
                if_exists: builder.if_exists(),
            },
        );
        Ok(())
    }

    /// Lines to insert at a marker of an existing file.
    pub fn insert(&mut self, insert: Insert) {
        let insertion = markers::Insertion {
            marker: insert.marker.to_string(),
            text: insert.text,
            sorted: insert.sorted,
        };
        match self
            .changes
            .entry(insert.path)
            .or_insert(Planned::Insert { insertions: vec![] })
        {
            Planned::Insert { insertions } | Planned::CreateOrInsert { insertions, .. } => {
                insertions.push(insertion)
            }
            Planned::Create { .. } => panic!("a plan may not both create and insert into one file"),
        }
    }

    /// A file created from `builder` if it does not exist, with `insert` applied either way.
    pub fn create_or_insert(&mut self, builder: &dyn FileBuilder, insert: Insert) -> Result<()> {
        let path = builder.path();
        // Insertions planned before into the same file (a defaulter's and a validator's
        // module line, say) are kept.
        let insertions = match self.changes.remove(&path) {
            None => vec![],
            Some(Planned::Insert { insertions } | Planned::CreateOrInsert { insertions, .. }) => {
                insertions
            }
            Some(Planned::Create { .. }) => {
                panic!("a plan may not both create and insert into one file")
            }
        };
        let fresh = builder.render()?;
        self.changes
            .insert(path.clone(), Planned::CreateOrInsert { fresh, insertions });
        self.insert(Insert { path, ..insert });
        Ok(())
    }

    /// Renders, inserts, formats and checks every change against the project's files.
    pub fn resolve(self, fs: &dyn Fs, force: bool) -> Result<Resolved> {
        let mut next: Vec<(PathBuf, Option<String>, String, IfExists)> = Vec::new();
        let mut problems = String::new();
        for (path, change) in self.changes {
            let current = fs
                .read(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let (content, if_exists) = match change {
                Planned::Create { content, if_exists } => (content, if_exists),
                Planned::Insert { insertions } => {
                    let Some(current) = &current else {
                        let _ = writeln!(
                            problems,
                            "  {}: the file to add to does not exist (restore it, or re-create the project)",
                            path.display()
                        );
                        continue;
                    };
                    match markers::insert_all(current, &insertions) {
                        Ok(content) => (content, IfExists::Overwrite),
                        Err(error) => {
                            let _ = writeln!(problems, "  {}: {error}", path.display());
                            continue;
                        }
                    }
                }
                Planned::CreateOrInsert { fresh, insertions } => {
                    let base = current.as_deref().unwrap_or(&fresh);
                    match markers::insert_all(base, &insertions) {
                        Ok(content) => (content, IfExists::Overwrite),
                        Err(error) => {
                            let _ = writeln!(problems, "  {}: {error}", path.display());
                            continue;
                        }
                    }
                }
            };
            next.push((path, current, content, if_exists));
        }
        if !problems.is_empty() {
            bail!("cannot update these files; nothing was written:\n{problems}");
        }
        format_rust(&mut next)?;

        let mut resolved = Resolved::default();
        let mut conflicts = String::new();
        for (path, current, content, if_exists) in next {
            match &current {
                Some(current) if *current == content || if_exists == IfExists::Keep => {
                    resolved.unchanged.push(path);
                    continue;
                }
                Some(_) if if_exists == IfExists::Conflict && !force => {
                    let _ = writeln!(conflicts, "  {}", path.display());
                    continue;
                }
                Some(_) => resolved.updated.push(path.clone()),
                None => resolved.created.push(path.clone()),
            }
            resolved.writes.push((path, content));
        }
        if !conflicts.is_empty() {
            bail!(
                "these files exist and differ from what would be generated; nothing was written:\n\
                 {conflicts}re-run with --force to overwrite them"
            );
        }
        // The project file records what was scaffolded: it goes last, so that an interrupted
        // write can never leave it claiming files that are not there.
        resolved
            .writes
            .sort_by_key(|(path, _)| path == Path::new(PROJECT_FILE));
        Ok(resolved)
    }
}

fn format_rust(next: &mut [(PathBuf, Option<String>, String, IfExists)]) -> Result<()> {
    let rust: Vec<usize> = (0..next.len())
        .filter(|&i| next[i].0.extension().is_some_and(|e| e == "rs"))
        .collect();
    let mut sources: Vec<(String, String)> = rust
        .iter()
        .map(|&i| {
            (
                next[i].0.display().to_string(),
                std::mem::take(&mut next[i].2),
            )
        })
        .collect();
    let formatted = rustfmt::format_all(&mut sources);
    for (&i, (_, source)) in rust.iter().zip(sources) {
        next[i].2 = source;
    }
    formatted
}

impl Resolved {
    /// Prints what was (or, with `dry_run`, would be) created and updated.
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

#[cfg(test)]
mod tests {
    use super::builder::Generated;
    use super::*;
    use crate::fs::Memory;

    fn file(path: &str, content: &str) -> Generated {
        Generated {
            path: path.into(),
            content: content.into(),
        }
    }

    #[test]
    fn a_conflict_writes_nothing_and_identical_content_is_no_conflict() {
        let mut fs = Memory::default();
        fs.files.insert("edited.yaml".into(), "user edit".into());
        fs.files.insert("same.rs".into(), "fn f() {}\n".into());
        let mut plan = Plan::new();
        plan.file(&file("new.yaml", "new")).unwrap();
        struct Kept;
        impl FileBuilder for Kept {
            fn path(&self) -> PathBuf {
                "edited.yaml".into()
            }
            fn render(&self) -> Result<String> {
                Ok("template".into())
            }
            fn if_exists(&self) -> IfExists {
                IfExists::Conflict
            }
        }
        plan.file(&Kept).unwrap();
        let error = plan.resolve(&fs, false).unwrap_err().to_string();
        assert!(
            error.contains("edited.yaml") && error.contains("--force"),
            "{error}"
        );

        // Unformatted template output that formats to the file's content is unchanged.
        let mut plan = Plan::new();
        plan.file(&file("same.rs", "fn   f( ) { }")).unwrap();
        let resolved = plan.resolve(&fs, false).unwrap();
        assert_eq!(resolved.unchanged, [PathBuf::from("same.rs")]);
        assert!(resolved.writes.is_empty());
    }

    #[test]
    fn the_project_file_is_written_last_and_a_missing_marker_is_named() {
        let mut fs = Memory::default();
        fs.files
            .insert("src/main.rs".into(), "fn main() {}\n".into());
        let mut plan = Plan::new();
        plan.file(&file(PROJECT_FILE, "layout = 1")).unwrap();
        plan.file(&file("z.yaml", "z")).unwrap();
        let resolved = plan.resolve(&fs, false).unwrap();
        assert_eq!(
            resolved.writes.last().unwrap().0,
            PathBuf::from(PROJECT_FILE)
        );

        let mut plan = Plan::new();
        plan.insert(Insert::new("src/main.rs", "controllers", "x();"));
        let error = plan.resolve(&fs, false).unwrap_err().to_string();
        assert!(
            error.contains("+cargo-operator:scaffold:controllers"),
            "{error}"
        );
    }
}
