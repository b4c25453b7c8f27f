use cargo_operator_runtime::rbac;

#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "read"])]
fn reconcile() {}

fn main() {
    reconcile();
}
