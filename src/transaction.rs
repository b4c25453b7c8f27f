//! Writing a set of files so that after any failure — a full disk, an unwritable file,
//! Ctrl-C, SIGKILL, a power cut — the project is exactly as before or exactly as after.
//!
//! 1. **Stage**: every new content is written under `.cargo-operator/txn/new/`, then synced.
//!    A failure here removes the staging directory; nothing in the project changed.
//! 2. **Prepare**: a journal lists every file (and whether it existed) and every directory
//!    to create; it is synced, then renamed into place. From here on, recovery is possible.
//! 3. **Apply**: file by file (in the given order, so the project file last), the old file
//!    is moved to `.cargo-operator/txn/old/` and the new one renamed into place; renames
//!    within one filesystem are atomic.
//! 4. **Commit**: the journal is removed — one unlink, which needs no free space, so a disk
//!    that filled up during apply cannot stop it — then the transaction directory.
//!
//! A failure during apply rolls back at once. A process killed during apply leaves the
//! journal behind; the next command [`recover`]s it first: a journal means a prepared
//! transaction, rolled back (old files moved back, new files and created directories
//! removed); a transaction directory without one was still staging or already committed, and
//! is only cleaned up. Ctrl-C is obeyed before apply starts and after it ends, never between.

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::interrupt;

/// Where a transaction keeps its files, relative to the project root.
pub const DIR: &str = ".cargo-operator/txn";

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    files: Vec<Entry>,
    /// Directories the transaction creates, parents first.
    dirs: Vec<PathBuf>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    path: PathBuf,
    existed: bool,
}

fn sync_dir(dir: &Path) {
    // Best effort: not every filesystem lets a directory be synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn write_synced(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let file = write_unsynced(path, content)?;
    file.sync_all()
}

fn write_unsynced(path: &Path, content: &[u8]) -> std::io::Result<File> {
    let mut file = File::create(path)?;
    file.write_all(content)?;
    Ok(file)
}

/// Syncs the staged files a few at a time: each sync mostly waits for the disk, and a
/// filesystem's journal can commit concurrent syncs together. (One after another, `init`'s
/// forty syncs were about a fifth of its time.)
fn sync_all(files: &[(PathBuf, File)]) -> Result<()> {
    const AT_ONCE: usize = 8;
    let chunk = files.len().div_ceil(AT_ONCE).max(1);
    std::thread::scope(|scope| {
        let syncs: Vec<_> = files
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk.iter().try_for_each(|(path, file)| {
                        file.sync_all()
                            .with_context(|| format!("cannot write {}", path.display()))
                    })
                })
            })
            .collect();
        syncs
            .into_iter()
            .try_for_each(|sync| sync.join().expect("a sync does not panic"))
    })
}

fn write_journal(txn: &Path, journal: &Journal) -> Result<()> {
    let text = serde_json::to_vec_pretty(journal).expect("a journal serializes");
    let temp = txn.join("journal.tmp");
    write_synced(&temp, &text).with_context(|| format!("cannot write {}", temp.display()))?;
    std::fs::rename(&temp, txn.join("journal"))
        .with_context(|| format!("cannot write {}", txn.join("journal").display()))?;
    sync_dir(txn);
    Ok(())
}

/// Writes every file of `writes` (paths relative to `root`) or none of them.
pub fn commit(root: &Path, writes: &[(PathBuf, String)]) -> Result<()> {
    recover(root)?;
    if writes.is_empty() {
        return Ok(());
    }
    if interrupt::requested() {
        bail!("interrupted; nothing was written");
    }
    let txn = root.join(DIR);
    let staged = stage(root, &txn, writes);
    if let Err(error) = staged {
        let _ = std::fs::remove_dir_all(root.join(".cargo-operator"));
        return Err(error);
    }
    let journal = staged?;
    if interrupt::requested() {
        let _ = std::fs::remove_dir_all(root.join(".cargo-operator"));
        bail!("interrupted; nothing was written");
    }
    let applied = apply(root, &txn, &journal).and_then(|()| {
        // The commit point.
        std::fs::remove_file(txn.join("journal")).context("cannot finish the write")
    });
    if let Err(error) = applied {
        return match roll_back(root, &txn, &journal) {
            Ok(()) => Err(error.context("nothing was changed (the write was rolled back)")),
            Err(rollback) => Err(error.context(format!(
                "rolling back failed too ({rollback:#}); run the command again to finish the roll-back"
            ))),
        };
    }
    sync_dir(&txn);
    interrupt::point();
    let _ = std::fs::remove_dir_all(root.join(".cargo-operator"));
    Ok(())
}

fn stage(root: &Path, txn: &Path, writes: &[(PathBuf, String)]) -> Result<Journal> {
    let new = txn.join("new");
    let mut files = Vec::new();
    let mut unsynced = Vec::new();
    for (path, content) in writes {
        let staged = new.join(path);
        let parent = staged.parent().expect("a staged file has a parent");
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let file = write_unsynced(&staged, content.as_bytes())
            .with_context(|| format!("cannot write {}", staged.display()))?;
        unsynced.push((staged, file));
        // Open files are a limited resource; a huge write syncs as it goes.
        if unsynced.len() == 256 {
            sync_all(&unsynced)?;
            unsynced.clear();
        }
        interrupt::point();
        let target = root.join(path);
        if target.is_dir() {
            bail!(
                "{} is a directory; it would be replaced by a file",
                path.display()
            );
        }
        files.push(Entry {
            path: path.clone(),
            existed: target.exists(),
        });
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (path, _) in writes {
        for ancestor in path
            .ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
        {
            if !root.join(ancestor).exists() && !dirs.contains(&ancestor.to_path_buf()) {
                dirs.push(ancestor.to_path_buf());
            }
        }
    }
    dirs.sort_by_key(|d| d.components().count());
    sync_all(&unsynced)?;
    drop(unsynced);
    std::fs::create_dir_all(txn.join("old"))
        .with_context(|| format!("cannot create {}", txn.display()))?;
    let journal = Journal { files, dirs };
    write_journal(txn, &journal)?;
    interrupt::point();
    Ok(journal)
}

fn apply(root: &Path, txn: &Path, journal: &Journal) -> Result<()> {
    for dir in &journal.dirs {
        std::fs::create_dir(root.join(dir))
            .or_else(|e| {
                if root.join(dir).is_dir() {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .with_context(|| format!("cannot create {}", root.join(dir).display()))?;
    }
    for entry in &journal.files {
        let target = root.join(&entry.path);
        if entry.existed {
            let backup = txn.join("old").join(&entry.path);
            std::fs::create_dir_all(backup.parent().expect("a backup has a parent"))
                .with_context(|| format!("cannot create {}", backup.display()))?;
            std::fs::rename(&target, &backup)
                .with_context(|| format!("cannot replace {}", target.display()))?;
            interrupt::point();
        }
        std::fs::rename(txn.join("new").join(&entry.path), &target)
            .with_context(|| format!("cannot write {}", target.display()))?;
        interrupt::point();
    }
    for dir in journal
        .dirs
        .iter()
        .map(|d| root.join(d))
        .chain([root.to_path_buf()])
    {
        sync_dir(&dir);
    }
    Ok(())
}

fn roll_back(root: &Path, txn: &Path, journal: &Journal) -> Result<()> {
    for entry in journal.files.iter().rev() {
        let target = root.join(&entry.path);
        let backup = txn.join("old").join(&entry.path);
        if backup.exists() {
            std::fs::rename(&backup, &target)
                .with_context(|| format!("cannot restore {}", target.display()))?;
        } else if !entry.existed && !txn.join("new").join(&entry.path).exists() && target.exists() {
            // Renamed into place already: it is ours to remove.
            std::fs::remove_file(&target)
                .with_context(|| format!("cannot remove {}", target.display()))?;
        }
    }
    for dir in journal.dirs.iter().rev() {
        // Only directories the transaction made, and only if nothing else is in them now.
        let _ = std::fs::remove_dir(root.join(dir));
    }
    std::fs::remove_dir_all(root.join(".cargo-operator"))
        .with_context(|| format!("cannot remove {}", txn.display()))?;
    Ok(())
}

/// Finishes what an interrupted transaction left behind (see the module docs). Every
/// command calls it before it reads the project.
pub fn recover(root: &Path) -> Result<()> {
    let txn = root.join(DIR);
    if !txn.exists() {
        return Ok(());
    }
    let journal = match std::fs::read(txn.join("journal")) {
        Ok(text) => serde_json::from_slice::<Journal>(&text).ok(),
        Err(_) => None,
    };
    match journal {
        // Stopped while staging (nothing in the project changed) or after the commit.
        None => std::fs::remove_dir_all(root.join(".cargo-operator"))
            .with_context(|| format!("cannot remove {}", txn.display())),
        Some(journal) => {
            eprintln!(
                "note: an earlier command was interrupted while writing; undoing its partial changes"
            );
            roll_back(root, &txn, &journal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                if path.is_dir() {
                    out.push((rel + "/", String::new()));
                    stack.push(path);
                } else {
                    out.push((rel, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn commits_every_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "old").unwrap();
        let writes = vec![
            (PathBuf::from("a"), "new".to_string()),
            (PathBuf::from("sub/deep/b"), "b".to_string()),
        ];
        commit(dir.path(), &writes).unwrap();
        assert_eq!(
            tree(dir.path()),
            [
                ("a".into(), "new".into()),
                ("sub/".into(), String::new()),
                ("sub/deep/".into(), String::new()),
                ("sub/deep/b".into(), "b".into()),
            ]
        );
    }

    #[test]
    fn a_prepared_transaction_is_rolled_back_by_the_next_command() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a"), "old").unwrap();
        let before = tree(root);
        let writes = vec![
            (PathBuf::from("a"), "new".to_string()),
            (PathBuf::from("sub/b"), "b".to_string()),
        ];
        // Stage and apply by hand, then "crash" before the commit mark.
        let txn = root.join(DIR);
        let journal = stage(root, &txn, &writes).unwrap();
        apply(root, &txn, &journal).unwrap();
        assert_ne!(tree(root), before);
        recover(root).unwrap();
        assert_eq!(tree(root), before);
    }
}
