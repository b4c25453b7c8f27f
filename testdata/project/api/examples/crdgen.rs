//! Prints the CRDs of this crate as JSON. `cargo operator manifests` runs it; you rarely need to.

fn main() {
    let crds = guestbook_operator_api::crds();
    println!(
        "{}",
        serde_json::to_string(&crds).expect("CRDs serialize to JSON")
    );
}
