//! Generated Rust is formatted with rustfmt before it is compared or written, as kubebuilder
//! runs `go fmt` on what it scaffolds: names of any length still give rustfmt-clean files,
//! and a later `cargo fmt` in the project never shows a diff in untouched scaffolding.
//!
//! Formatting happens in memory (stdin → stdout), so it only ever sees the planned content,
//! never a user's other files. Without rustfmt the content is written as rendered.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

pub fn format(source: &str) -> String {
    match try_format(source) {
        Some(formatted) => formatted,
        None => {
            static WARNED: AtomicBool = AtomicBool::new(false);
            if !WARNED.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "warning: rustfmt is not available; generated Rust is written unformatted (run `cargo fmt`)"
                );
            }
            source.to_string()
        }
    }
}

fn try_format(source: &str) -> Option<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = source.to_string();
    // Write from another thread: rustfmt may fill its stdout pipe before reading all input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_rust_source() {
        let formatted = super::format("fn   main( ) {let x=1;}");
        assert_eq!(formatted, "fn main() {\n    let x = 1;\n}\n");
    }
}
