use cargo_operator_runtime::rbac;

#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]
#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks/status"], verbs = ["get", "update", "patch"])]
#[rbac(groups = [""], resources = ["events"], verbs = ["create", "patch"])]
#[rbac(groups = ["apps"], resources = ["deployments"], verbs = ["*"], resource_names = ["web"])]
#[rbac(urls = ["/metrics"], verbs = ["get"])]
async fn reconcile(x: u32) -> u32 {
    x + 1
}

fn main() {
    let _ = reconcile(1);
}
