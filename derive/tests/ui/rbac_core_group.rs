use cargo_operator_runtime::rbac;

#[rbac(groups = ["core"], resources = ["pods"], verbs = ["get"])]
fn reconcile() {}

fn main() {
    reconcile();
}
