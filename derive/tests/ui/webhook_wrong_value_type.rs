use cargo_operator_runtime::webhook;

// kubebuilder's `verbs=create;update` is a list here; `mutating` is a flag.
#[webhook(
    name = "mguestbook-v1.kb.io",
    path = "/mutate-webapp-example-com-v1-guestbook",
    mutating = "true",
    failure_policy = "Fail",
    side_effects = "None",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    verbs = "create;update",
    versions = ["v1"],
    admission_review_versions = ["v1"],
    timeout_seconds = "10"
)]
const GUESTBOOK_DEFAULTER: () = ();

fn main() {
    let _ = GUESTBOOK_DEFAULTER;
}
