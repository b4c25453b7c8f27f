//! Compile-fail diagnostics of the derive and of `#[rbac]`. Regenerate the `.stderr` files
//! with `TRYBUILD=overwrite cargo test -p cargo-operator-derive --test ui`, then read them.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
