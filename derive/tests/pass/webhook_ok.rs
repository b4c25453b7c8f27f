use cargo_operator_runtime::webhook;

struct GuestbookWebhook;

#[webhook(
    name = "mguestbook-v1.kb.io",
    path = "/mutate-webapp-example-com-v1-guestbook",
    mutating,
    failure_policy = "Fail",
    side_effects = "None",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    verbs = ["CREATE", "UPDATE"],
    versions = ["v1"],
    admission_review_versions = ["v1"]
)]
impl GuestbookWebhook {
    #[webhook(
        name = "vguestbook-v1.kb.io",
        path = "/validate-webapp-example-com-v1-guestbook",
        failure_policy = "fail",
        side_effects = "NoneOnDryRun",
        groups = ["webapp.example.com"],
        resources = ["guestbooks", "guestbooks/status"],
        verbs = ["create", "update", "delete"],
        versions = ["v1"],
        admission_review_versions = ["v1", "v1beta1"],
        match_policy = "Exact",
        timeout_seconds = 30
    )]
    fn validate(&self) {}
}

#[webhook(
    name = "vpod.webapp.example.com",
    path = "/validate--v1-pod",
    failure_policy = "Ignore",
    side_effects = "None",
    groups = [""],
    resources = ["pods"],
    verbs = ["*"],
    versions = ["*"],
    admission_review_versions = ["v1"]
)]
const PODS: () = ();

fn main() {
    GuestbookWebhook.validate();
    let _ = PODS;
}
