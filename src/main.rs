//! `cargo operator`; everything is in the library.

fn main() -> std::process::ExitCode {
    cargo_operator::main()
}
