use cargo_operator_runtime::webhook;

#[webhook(name = "vguestbook-v1.kb.io", path = "/validate-webapp-example-com-v1-guestbook", groups = ["webapp.example.com"], resources = ["guestbooks"], versions = ["v1"])]
fn validate() {}

fn main() {
    validate();
}
