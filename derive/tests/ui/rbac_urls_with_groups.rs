use cargo_operator_runtime::rbac;

#[rbac(groups = [""], urls = ["/metrics"], verbs = ["get"])]
fn reconcile() {}

fn main() {
    reconcile();
}
