//! Building the project's programs and asking them for their manifests: one `cargo build` of
//! the api crate's `crdgen` example and the operator binary, then each run once (the operator
//! only when its [recorded](reuse) answer may be out of date).
//!
//! Compiling is the faithful way to get both: schemars sees what serde sees (renames,
//! flattening, defaults), and the `#[rbac]` rules are exactly those of the code the binary
//! contains (not those of dead files or `#[cfg(test)]` code). The shortcuts: after an edit of
//! the API types alone, the [fast route](fast) reads the CRDs from source when it knows every
//! type for certain and agreed with `crdgen` on the last build; with no build to agree with
//! (the first run), it reads the CRDs and the operator's answer from source when the lockfile
//! holds the releases the tests proved it with. `--check` always compiles.

use anyhow::{Context as _, Result, bail};
use cargo_metadata::Message;
use cargo_operator_core::rbac::Rule;
use cargo_operator_core::webhook::{self, Webhook};
use serde_json::Value;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{fast, reuse};
use crate::workspace::{CRDGEN, Layout};

/// What the operator binary writes when asked (`cargo_operator_runtime::emit`).
const EMIT_ENV: &str = "CARGO_OPERATOR_EMIT_MANIFESTS";
const EMIT_FORMAT: u64 = 1;

/// The programs `manifests` runs: private links to what cargo built, so that another build in
/// the same target directory (another project's `crdgen` has the same path) cannot swap them.
pub struct Programs {
    pub crdgen: PathBuf,
    /// `None` when it was not asked for.
    pub operator: Option<PathBuf>,
    /// The files the operator's dep-info listed after the build (see [`reuse`]).
    pub operator_inputs: Vec<PathBuf>,
    _dir: tempfile::TempDir,
}

/// A private hard link to (or else a copy of) `built`, made while cargo still holds the
/// target directory's lock.
fn keep(built: &Path, dir: &Path) -> Result<PathBuf> {
    let kept = dir.join(built.file_name().expect("an executable has a file name"));
    std::fs::hard_link(built, &kept)
        .or_else(|_| std::fs::copy(built, &kept).map(|_| ()))
        .with_context(|| format!("cannot keep {}", built.display()))?;
    Ok(kept)
}

/// Builds the `crdgen` example, and the operator binary if `operator`, in one cargo
/// invocation; the compiler's diagnostics go to stderr as usual, the progress lines do not.
pub fn build(root: &Path, layout: &Layout, operator: bool) -> Result<Programs> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--message-format=json-render-diagnostics",
        ])
        .args(["--package", &layout.api_package, "--example", CRDGEN]);
    // Without the operator, cargo resolves the api crate's dependencies on their own (the
    // runtime without its manager): a second set of a few crates to compile on the first
    // edit, then a `crdgen` that compiles and links in half the time of one resolved with the
    // operator's features. Both print the same CRDs (the tests compare them).
    if operator {
        command.args([
            "--package",
            &layout.operator_package,
            "--bin",
            &layout.operator_bin,
        ]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot run cargo")?;
    let (mut crdgen, mut built_operator, mut dep_info) = (None, None, None);
    std::fs::create_dir_all(&layout.target_dir)
        .with_context(|| format!("cannot create {}", layout.target_dir.display()))?;
    let dir = tempfile::Builder::new()
        .prefix("cargo-operator-manifests-")
        .tempdir_in(&layout.target_dir)?;
    let stdout = child.stdout.take().expect("stdout is piped");
    for message in Message::parse_stream(BufReader::new(stdout)) {
        if let Ok(Message::CompilerArtifact(artifact)) = message
            && let Some(executable) = artifact.executable
        {
            let name = &artifact.target.name;
            if *name == CRDGEN {
                crdgen = Some(keep(executable.as_std_path(), dir.path())?);
            } else if *name == layout.operator_bin {
                built_operator = Some(keep(executable.as_std_path(), dir.path())?);
                dep_info = Some(executable.as_std_path().with_extension("d"));
            }
        }
    }
    let status = child.wait().context("cannot run cargo")?;
    if !status.success() {
        bail!(
            "the project does not build (see above); fix it and re-run `cargo operator manifests`"
        );
    }
    if operator && built_operator.is_none() {
        bail!("cargo built no operator binary");
    }
    // Cargo writes the dep-info of what it uplifts by the time it exits.
    let operator_inputs = dep_info
        .and_then(|path| std::fs::read_to_string(path).ok())
        .map(|text| reuse::dep_info(&text))
        .unwrap_or_default();
    Ok(Programs {
        crdgen: crdgen.context("cargo built no crdgen example")?,
        operator: built_operator,
        operator_inputs,
        _dir: dir,
    })
}

/// The CRDs and what the operator holds, compiling as little as can be trusted (unless
/// `compile`, which builds and asks both programs, as `manifests --check` does):
/// - the operator's [recorded](reuse) answer while its code is unchanged, with the CRDs from
///   the [fast route](fast) (no cargo at all) when it agreed with `crdgen` when the answer
///   was recorded, else from `crdgen`;
/// - else the answer read from source when the lockfile proves the route, and the CRDs too
///   when it decides them ([`from_source`]);
/// - else everything built and asked.
///
/// `scaffolded_crdgen` is the `crdgen` example as `init` writes it (the fast route computes
/// what that one prints).
pub fn crds_and_answer(
    root: &Path,
    layout: &Layout,
    compile: bool,
    scaffolded_crdgen: &str,
) -> Result<(Vec<Value>, Emitted)> {
    // Scanned once: sources that change during the build are scanned by the next run before
    // it reuses anything.
    let api_registers = reuse::may_register(&layout.api_dir)?;
    if !compile && !api_registers {
        if let Some(recorded) = reuse::recorded(root, layout) {
            let emitted = Emitted {
                reused: true,
                ..Emitted::from_document(&recorded.document)?
            };
            if recorded.fast_route {
                match fast::crds(&layout.api_dir) {
                    Ok(crds) => {
                        return Ok((
                            crds,
                            Emitted {
                                from_source: true,
                                ..emitted
                            },
                        ));
                    }
                    Err(why) => println!("  CRDs: compiling the api crate ({why})"),
                }
            }
            let programs = build(root, layout, false)?;
            return Ok((crds(&programs)?, emitted));
        }
        match from_source(root, layout, scaffolded_crdgen)? {
            Ok(found) => return Ok(found),
            Err(why) => {
                println!("  compiling the project, as the fast route does not decide: {why}")
            }
        }
    }
    let started = std::time::SystemTime::now();
    let programs = build(root, layout, true)?;
    let operator = programs.operator.as_ref().expect("the operator was built");
    let document = document(operator)?;
    let emitted = Emitted::from_document(&document)?;
    let crds = crds(&programs)?;
    match reuse::compiled_inputs(layout, &programs.operator_inputs) {
        Some(files) if !api_registers => {
            // Sources edited during the build may make the route disagree: then it is not
            // trusted until the next build agrees.
            let agreed = fast::crds(&layout.api_dir).is_ok_and(|fast| fast == crds);
            reuse::record(root, layout, started, files, &document, agreed);
        }
        _ => reuse::forget(root, layout),
    }
    Ok((crds, emitted))
}

/// A project with no current record (its first `manifests`, or the first after an edit of the
/// operator's code) whose lockfile [proves](fast::trust) the fast route: the operator's answer
/// [read from source](fast::operator), and the CRDs too when the route decides them (else
/// from `crdgen`, built without the operator), recorded as a built operator's answer is.
/// `Ok(Err)`: the route does not decide the answer, and everything is built.
fn from_source(
    root: &Path,
    layout: &Layout,
    scaffolded_crdgen: &str,
) -> Result<Result<(Vec<Value>, Emitted), fast::Refusal>> {
    let started = std::time::SystemTime::now();
    let read = || -> Result<_, fast::Refusal> {
        generate_lockfile(root)?;
        let lock = fast::trust::lock(root)?;
        fast::trust::answer_proven(&lock, layout)?;
        Ok((lock, fast::operator::answer(layout)?))
    };
    let (lock, answer) = match read() {
        Ok(read) => read,
        Err(why) => return Ok(Err(why)),
    };
    let document = serde_json::json!({
        "format": EMIT_FORMAT,
        "runtime": env!("CARGO_PKG_VERSION"),
        "rbac": answer.rules,
        "webhooks": answer.webhooks,
    });
    // Webhooks that cannot be installed are the user's to fix, whichever route read them.
    let emitted = Emitted::from_document(&document)?;
    let fast_crds = fast::trust::crds_proven(&lock, layout, scaffolded_crdgen)
        .and_then(|()| fast::crds(&layout.api_dir));
    let (crds, fast_route) = match fast_crds {
        Ok(crds) => (crds, true),
        Err(why) => {
            println!("  CRDs: compiling the api crate ({why})");
            (crds(&build(root, layout, false)?)?, false)
        }
    };
    reuse::record(root, layout, started, answer.files, &document, fast_route);
    Ok(Ok((
        crds,
        Emitted {
            from_source: fast_route,
            answer_from_source: true,
            ..emitted
        },
    )))
}

/// Resolves the project's dependencies into a `Cargo.lock` if it has none yet, as the build
/// would; offline, from the registry cache: what is not in it is for the build to download.
fn generate_lockfile(root: &Path) -> Result<(), fast::Refusal> {
    if root.join("Cargo.lock").exists() {
        return Ok(());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["generate-lockfile", "--offline", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => Ok(()),
        _ => Err(fast::Refusal::new(
            "the project has no Cargo.lock yet, and its dependencies are not all in the registry cache".into(),
        )),
    }
}

/// The CRDs the api crate defines, one per kind and version.
fn crds(programs: &Programs) -> Result<Vec<Value>> {
    let crdgen = &programs.crdgen;
    let output = Command::new(crdgen)
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run {}", crdgen.display()))?;
    if !output.status.success() {
        bail!(
            "could not get the CRDs from the api crate (see above): a type has no CRD schema \
             the API server accepts (the message says which and what to do); fix it and re-run \
             `cargo operator manifests`"
        );
    }
    serde_json::from_slice(&output.stdout)
        .context("the api crate's crdgen example printed something that is not a list of CRDs")
}

/// What the operator binary holds: the `#[rbac]` rules and the `#[webhook]`s compiled into it.
pub struct Emitted {
    pub rules: Vec<Rule>,
    pub webhooks: Vec<Webhook>,
    /// Recorded by an earlier run, whose operator code is unchanged.
    pub reused: bool,
    /// The CRDs came from the fast route: nothing was compiled.
    pub from_source: bool,
    /// Read from the operator's source rather than from a built operator.
    pub answer_from_source: bool,
}

/// Runs the operator binary to read what it [holds](Emitted).
fn document(operator: &Path) -> Result<Value> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("manifests.json");
    let status = Command::new(operator)
        .env(EMIT_ENV, &out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("cannot run {}", operator.display()))?;
    let text = std::fs::read_to_string(&out)
        .ok()
        .filter(|_| status.success());
    let Some(text) = text else {
        bail!(
            "the operator binary {} did not write its manifests (exit status {status}); \
             it must link cargo-operator-runtime, which writes them before `main`",
            operator.display()
        );
    };
    serde_json::from_str(&text).context("the operator wrote invalid JSON")
}

impl Emitted {
    fn from_document(document: &Value) -> Result<Emitted> {
        if document["format"].as_u64() != Some(EMIT_FORMAT) {
            bail!(
                "the operator was built with cargo-operator-runtime {}, whose manifests this \
                 cargo-operator ({}) cannot read; use the same versions (`cargo install cargo-operator --version {}` \
                 or update the runtime dependency)",
                document["runtime"].as_str().unwrap_or("(unknown)"),
                env!("CARGO_PKG_VERSION"),
                document["runtime"].as_str().unwrap_or("(its version)"),
            );
        }
        let rules = serde_json::from_value(document["rbac"].clone())
            .context("the operator wrote invalid RBAC rules")?;
        // A runtime from before webhooks writes none.
        let webhooks: Vec<Webhook> = match document.get("webhooks") {
            Some(list) => serde_json::from_value(list.clone())
                .context("the operator wrote invalid webhooks")?,
            None => Vec::new(),
        };
        let problems = webhook::problems(&webhooks);
        if !problems.is_empty() {
            bail!(
                "the operator's #[webhook]s cannot be installed:\n  {}",
                problems.join("\n  ")
            );
        }
        Ok(Emitted {
            rules,
            webhooks,
            reused: false,
            from_source: false,
            answer_from_source: false,
        })
    }
}
