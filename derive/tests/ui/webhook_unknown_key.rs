use cargo_operator_runtime::webhook;

struct GuestbookDefaulter;

// kubebuilder's camelCase parameter names, and one that has no key here.
#[webhook(
    name = "mguestbook-v1.kb.io",
    path = "/mutate-webapp-example-com-v1-guestbook",
    mutating,
    failurePolicy = "fail",
    side_effects = "None",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    verbs = ["create", "update"],
    versions = ["v1"],
    admissionReviewVersions = ["v1"],
    serviceName = "webhook-service",
    timeout_second = 5
)]
impl GuestbookDefaulter {}

fn main() {}
