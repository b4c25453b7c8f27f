//! The project's files as scaffolding sees them: read what is there, then write a set of
//! files as one transaction. [`Disk`] is the real project; [`Memory`] is an in-memory tree,
//! so that scaffolding can be tested without a disk.

use anyhow::Result;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// A project tree, by paths relative to its root.
pub trait Fs {
    /// The file's text, `None` when it does not exist.
    fn read(&self, path: &Path) -> io::Result<Option<String>>;

    /// Whether the file exists.
    fn exists(&self, path: &Path) -> bool {
        matches!(self.read(path), Ok(Some(_)))
    }

    /// Writes every file (`path`, `content`) or none of them. The files are committed in the
    /// order given, so the last one (the project file) is written last.
    fn commit(&mut self, writes: &[(PathBuf, String)]) -> Result<()>;
}

/// The project on disk, below `root`; writes are transactions (see [`crate::transaction`]).
#[derive(Debug, Clone)]
pub struct Disk {
    root: PathBuf,
}

impl Disk {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Fs for Disk {
    fn read(&self, path: &Path) -> io::Result<Option<String>> {
        match std::fs::read_to_string(self.root.join(path)) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn commit(&mut self, writes: &[(PathBuf, String)]) -> Result<()> {
        crate::transaction::commit(&self.root, writes)
    }
}

/// A project held in memory, for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    pub files: BTreeMap<PathBuf, String>,
}

impl Fs for Memory {
    fn read(&self, path: &Path) -> io::Result<Option<String>> {
        Ok(self.files.get(path).cloned())
    }

    fn commit(&mut self, writes: &[(PathBuf, String)]) -> Result<()> {
        for (path, content) in writes {
            self.files.insert(path.clone(), content.clone());
        }
        Ok(())
    }
}
