//! Generated Rust is formatted with rustfmt before it is compared or written, as kubebuilder
//! runs `go fmt` on what it scaffolds: names of any length still give rustfmt-clean files,
//! and a later `cargo fmt` in the project never shows a diff in untouched scaffolding.
//!
//! All the files of one command go through one rustfmt process, laid out at their project
//! paths in a private temporary directory (so it never sees a user's other files). rustfmt
//! follows `mod x;` declarations, so an empty stand-in is put where each such module's file
//! would be. Without rustfmt the content is written as rendered, with a warning; a file
//! rustfmt cannot parse is an error, because it means a name produced invalid Rust.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Formats every `(path, source)` (paths relative to the project root).
pub fn format_all(sources: &mut [(String, String)]) -> Result<()> {
    if sources.is_empty() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    let paths: Vec<PathBuf> = sources
        .iter()
        .map(|(path, _)| dir.path().join(path))
        .collect();
    for (path, (_, source)) in paths.iter().zip(sources.iter()) {
        std::fs::create_dir_all(path.parent().expect("a file has a parent"))?;
        std::fs::write(path, source)?;
    }
    for (path, (_, source)) in paths.iter().zip(sources.iter()) {
        for child in out_of_line_modules(path, source) {
            let as_dir = child.with_extension("").join("mod.rs");
            if !child.exists() && !as_dir.exists() {
                std::fs::create_dir_all(child.parent().expect("a file has a parent"))?;
                std::fs::write(&child, "")?;
            }
        }
    }
    let output = match Command::new("rustfmt")
        .args(["--edition", "2024", "--quiet"])
        .args(&paths)
        .stdin(Stdio::null())
        .output()
    {
        Ok(output) => output,
        Err(_) => {
            eprintln!(
                "warning: rustfmt is not available; generated Rust is written unformatted (run `cargo fmt`)"
            );
            return Ok(());
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr)
            .replace(&format!("{}/", dir.path().display()), "");
        bail!(
            "the generated Rust does not parse (a name must have produced invalid code):\n{stderr}"
        );
    }
    for (path, (_, source)) in paths.iter().zip(sources.iter_mut()) {
        *source = std::fs::read_to_string(path)?;
    }
    Ok(())
}

/// The files that the `mod x;` declarations of `file` refer to (Rust's rules: beside a
/// `lib.rs`/`main.rs`/`mod.rs`, otherwise in the directory named after the file).
fn out_of_line_modules(file: &Path, source: &str) -> Vec<PathBuf> {
    let dir = file.parent().expect("a file has a parent");
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = if ["lib", "main", "mod"].contains(&stem.as_str()) {
        dir.to_path_buf()
    } else {
        dir.join(&stem)
    };
    source
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub ")
                .or_else(|| line.strip_prefix("pub(crate) "))
                .unwrap_or(line);
            let name = rest.strip_prefix("mod ")?.strip_suffix(';')?.trim();
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                .then(|| base.join(format!("{name}.rs")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_one_process_and_names_the_file_that_does_not_parse() {
        let mut sources = vec![
            (
                "src/lib.rs".to_string(),
                "pub mod controller;\nfn   main( ) {let x=1;}".to_string(),
            ),
            (
                "src/controller/mod.rs".to_string(),
                "pub mod guestbook;\nstruct  S;".to_string(),
            ),
        ];
        format_all(&mut sources).unwrap();
        assert_eq!(
            sources[0].1,
            "pub mod controller;\nfn main() {\n    let x = 1;\n}\n"
        );
        assert_eq!(sources[1].1, "pub mod guestbook;\nstruct S;\n");
        let mut broken = vec![("src/lib.rs".to_string(), "fn (".to_string())];
        let error = format_all(&mut broken).unwrap_err().to_string();
        assert!(
            error.contains("src/lib.rs") && error.contains("does not parse"),
            "{error}"
        );
    }
}
