//! A write that fails or is interrupted at any point leaves the project exactly as before or
//! exactly as after, never between: SIGKILL at every step of the write phase (undone by the
//! next command, which finds the journal), SIGINT at every step (obeyed before the first
//! rename or after the last), a full disk (a small tmpfs), an immutable file and an immutable
//! directory (`chattr +i`). Needs root for the tmpfs and chattr, as CI has; elsewhere those
//! two tests say why they did not run, and fail under CI=true.
#![cfg(target_os = "linux")]

mod support;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

/// Every file (with its bytes) and every directory below `root`.
fn tree(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(relative, None);
                walk(root, &path, out);
            } else {
                out.insert(relative, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A project with one kind, and what `create api` of a second kind makes of it.
struct Fixture {
    _dir: tempfile::TempDir,
    base: PathBuf,
    before: BTreeMap<PathBuf, Option<Vec<u8>>>,
    after: BTreeMap<PathBuf, Option<Vec<u8>>>,
}

fn create_book(project: &Path) -> Command {
    let mut command = cargo_operator(project);
    command.args([
        "create",
        "api",
        "--group",
        "shop",
        "--version",
        "v1",
        "--kind",
        "Book",
    ]);
    command
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    run_ok(cargo_operator(dir.path()).args(["init", "--domain", "example.com", "project"]));
    let base = dir.path().join("project");
    run_ok(cargo_operator(&base).args([
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Guestbook",
    ]));
    let before = tree(&base);
    let done = dir.path().join("done");
    copy_tree(&base, &done);
    run_ok(&mut create_book(&done));
    let after = tree(&done);
    assert_ne!(before, after);
    Fixture {
        _dir: dir,
        base,
        before,
        after,
    }
}

fn before_or_after(fixture: &Fixture, now: &BTreeMap<PathBuf, Option<Vec<u8>>>) -> &'static str {
    if *now == fixture.before {
        "before"
    } else if *now == fixture.after {
        "after"
    } else {
        let changed: Vec<_> = fixture
            .before
            .keys()
            .chain(now.keys())
            .filter(|k| {
                fixture.before.get(*k) != now.get(*k) && fixture.after.get(*k) != now.get(*k)
            })
            .collect();
        panic!("the project is neither as before nor as after; differing: {changed:?}");
    }
}

#[test]
fn sigkill_at_every_step_of_the_write_is_undone_by_the_next_command() {
    let fixture = fixture();
    let mut outcomes = BTreeMap::new();
    for step in 1.. {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        copy_tree(&fixture.base, &project);
        let status = create_book(&project)
            .env("CARGO_OPERATOR_FAULT_AT", step.to_string())
            .status()
            .unwrap();
        if status.success() {
            assert_eq!(before_or_after(&fixture, &tree(&project)), "after");
            assert!(step > 10, "only {} steps in the write phase", step - 1);
            break;
        }
        assert_eq!(status.signal(), Some(9), "step {step}: {status}");
        // The next command finds the journal first.
        let _ = cargo_operator(&project)
            .args(["manifests", "--dry-run"])
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(project.join("target"));
        let state = before_or_after(&fixture, &tree(&project));
        *outcomes.entry(state).or_insert(0) += 1;
    }
    // Killed while staging: rolled back; killed after the commit mark: finished.
    assert!(outcomes.contains_key("before"), "{outcomes:?}");
}

#[test]
fn sigint_at_every_step_is_obeyed_before_the_first_rename_or_after_the_last() {
    let fixture = fixture();
    let mut outcomes = BTreeMap::new();
    for step in 1.. {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        copy_tree(&fixture.base, &project);
        let output = create_book(&project)
            .env("CARGO_OPERATOR_FAULT_AT", step.to_string())
            .env("CARGO_OPERATOR_FAULT_SIGNAL", "INT")
            .output()
            .unwrap();
        // No next command: the project is already whole.
        let state = before_or_after(&fixture, &tree(&project));
        if output.status.success() {
            assert_eq!(state, "after");
            break;
        }
        assert_eq!(output.status.code(), Some(130), "step {step}: {:?}", output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if state == "before" {
            assert!(
                stderr.contains("nothing was written"),
                "step {step}: {stderr}"
            );
        }
        *outcomes.entry(state).or_insert(0) += 1;
    }
    assert!(
        outcomes.contains_key("before") && outcomes.contains_key("after"),
        "{outcomes:?}"
    );
}

/// Runs `test`, or says why it cannot run here (and fails under CI).
fn as_root(what: &str, test: impl FnOnce()) {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let message = format!("{what} needs root (tmpfs, chattr)");
        assert!(std::env::var("CI").is_err(), "{message}");
        eprintln!("skipped: {message}");
        return;
    }
    test();
}

/// A tmpfs of `size` mounted at a new directory, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(size: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("cargo-operator-faults-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .unwrap();
        assert!(status.success(), "mount tmpfs: {status}");
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn free_bytes(dir: &Path) -> u64 {
    let output = Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .nth(1)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_full_disk_at_any_point_leaves_the_project_as_it_was() {
    as_root("the full-disk test", || {
        let fixture = fixture();
        let tmpfs = Tmpfs::mount("4m");
        let mut failures = 0;
        // Leave less and less room: at some size every file is staged, below it one is not.
        for free in (0..48).rev().map(|k| k * 4096) {
            for entry in std::fs::read_dir(&tmpfs.0).unwrap().flatten() {
                let _ = std::fs::remove_dir_all(entry.path());
                let _ = std::fs::remove_file(entry.path());
            }
            let project = tmpfs.0.join("project");
            copy_tree(&fixture.base, &project);
            let filler = free_bytes(&tmpfs.0).saturating_sub(free);
            std::fs::write(tmpfs.0.join("filler"), vec![0u8; filler as usize]).ok();
            let output = create_book(&project).output().unwrap();
            let state = before_or_after(&fixture, &tree(&project));
            if output.status.success() {
                assert_eq!(state, "after");
            } else {
                failures += 1;
                assert_eq!(state, "before", "free {free}");
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert!(stderr.contains("No space left"), "free {free}: {stderr}");
            }
        }
        assert!(failures > 0, "the disk never ran full");
    });
}

/// `chattr +i` on a path, undone on drop (also when the test fails).
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: PathBuf) -> Self {
        let status = Command::new("chattr")
            .arg("+i")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success(), "chattr +i {}", path.display());
        Immutable(path)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn an_unwritable_file_or_directory_leaves_the_project_as_it_was() {
    as_root("the unwritable-file test", || {
        let fixture = fixture();
        for blocked in ["src/main.rs", "config/rbac", "operator.toml"] {
            let dir = tempfile::tempdir().unwrap();
            let project = dir.path().join("project");
            copy_tree(&fixture.base, &project);
            let output = {
                let _guard = Immutable::set(project.join(blocked));
                create_book(&project).output().unwrap()
            };
            assert!(
                !output.status.success(),
                "{blocked}: the write went through"
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("nothing was changed"),
                "{blocked}: {stderr}"
            );
            assert_eq!(
                before_or_after(&fixture, &tree(&project)),
                "before",
                "{blocked}"
            );
        }
    });
}
