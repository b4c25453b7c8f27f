// The templates are embedded with include_dir!, which cargo cannot see through on stable:
// ask for a rebuild whenever anything under templates/ changes.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
