use cargo_operator_runtime::rbac;

#[rbac(groups = "apps", resources = ["deployments"], verbs = ["get"])]
fn reconcile() {}

fn main() {
    reconcile();
}
