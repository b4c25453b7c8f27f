//! What `cargo install cargo-operator` will build once the crates are published: every crate
//! of the workspace is packaged (`cargo package --workspace`), the `.crate` files unpacked
//! outside the repository, the CLI installed from its unpacked package alone (templates and
//! data included), and a project scaffolded with that CLI against the packaged runtime builds
//! and has its manifests. The packaged crates find each other through `[patch.crates-io]`,
//! as they will find each other on crates.io.

#![cfg(unix)]

mod support;

use std::path::Path;
use std::process::Command;
use support::*;

const CRATES: [&str; 5] = [
    "cargo-operator",
    "cargo-operator-core",
    "cargo-operator-derive",
    "cargo-operator-envtest",
    "cargo-operator-runtime",
];

fn unpacked(work: &Path, name: &str) -> std::path::PathBuf {
    work.join("crates")
        .join(format!("{name}-{}", env!("CARGO_PKG_VERSION")))
}

#[test]
fn the_cli_installs_from_its_package_and_scaffolds_a_project_that_builds() {
    let work = tempfile::tempdir().unwrap();
    let work = work.path();
    let package_target = work.join("package-target");
    run_ok(
        cargo(&repo_root())
            .args(["package", "--workspace", "--no-verify", "--allow-dirty"])
            .arg("--target-dir")
            .arg(&package_target),
    );
    std::fs::create_dir_all(work.join("crates")).unwrap();
    for name in CRATES {
        let file = package_target
            .join("package")
            .join(format!("{name}-{}.crate", env!("CARGO_PKG_VERSION")));
        run_ok(
            Command::new("tar")
                .arg("xzf")
                .arg(&file)
                .arg("-C")
                .arg(work.join("crates")),
        );
        assert!(unpacked(work, name).join("Cargo.toml").exists());
    }
    // The templates are in the CLI's package, not only in the repository.
    assert!(
        unpacked(work, "cargo-operator")
            .join("templates/init/Makefile.jinja")
            .exists()
    );
    // The CLI is the workspace's root package, so its release profile travels with it and a
    // registry install builds what benches/cli-install.sh measures; nothing else comes along.
    let cli_package = unpacked(work, "cargo-operator");
    let manifest = std::fs::read_to_string(cli_package.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("[profile.release]"), "{manifest}");
    for absent in ["tests", "core", "runtime", "testdata", "docs"] {
        assert!(
            !cli_package.join(absent).exists(),
            "{absent}/ is in the CLI's package"
        );
    }

    // Everything below runs in `work`, whose .cargo/config.toml stands in for crates.io.
    let mut config = String::from("[patch.crates-io]\n");
    for name in &CRATES[1..] {
        config.push_str(&format!(
            "{name} = {{ path = {:?} }}\n",
            unpacked(work, name).display().to_string()
        ));
    }
    std::fs::create_dir_all(work.join(".cargo")).unwrap();
    std::fs::write(work.join(".cargo/config.toml"), config).unwrap();

    // `--debug`: the test proves that it installs, not how fast a release build is.
    run_ok(
        cargo(work)
            .args(["install", "--debug", "--path"])
            .arg(unpacked(work, "cargo-operator"))
            .arg("--root")
            .arg(work.join("root")),
    );
    let installed = work.join("root/bin/cargo-operator");
    let version = run_ok(Command::new(&installed).arg("version"));
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");

    // `--runtime-path` takes a checkout's root; this one holds only the packaged runtime.
    let checkout = work.join("checkout");
    std::fs::create_dir_all(&checkout).unwrap();
    std::os::unix::fs::symlink(
        unpacked(work, "cargo-operator-runtime"),
        checkout.join("runtime"),
    )
    .unwrap();
    let project = work.join("shop-operator");
    let cli = |dir: &Path| {
        let mut command = Command::new(&installed);
        command
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", generated_target_dir());
        command
    };
    run_ok(
        cli(work)
            .args(["init", "--domain", "example.com", "--runtime-path"])
            .arg(&checkout)
            .arg(&project),
    );
    run_ok(cli(&project).args([
        "create",
        "api",
        "--group",
        "shop",
        "--version",
        "v1",
        "--kind",
        "Book",
    ]));
    run_ok(cli(&project).arg("manifests"));
    assert!(
        project
            .join("config/crd/bases/shop.example.com_books.yaml")
            .exists()
    );
    run_ok(cargo(&project).args(["build", "--workspace", "--all-targets"]));
}
