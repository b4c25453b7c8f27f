use cargo_operator_runtime::rbac;

#[rbac(groups = ["apps"], resources = ["deployments"], verbs = ["get"], resource = ["x"])]
fn reconcile() {}

fn main() {
    reconcile();
}
