use cargo_operator_runtime::webhook;

struct GuestbookValidator;

// Every value the API server (or admissionregistration.k8s.io/v1) would refuse, each
// reported on itself.
#[webhook(
    name = "guestbook.kb",
    path = "validate-guestbook",
    failure_policy = "Retry",
    side_effects = "Some",
    groups = ["core", "Apps"],
    resources = ["guestbooks", "*"],
    verbs = ["create", "fly"],
    versions = ["V1"],
    admission_review_versions = ["v1beta1", "v1"],
    match_policy = "Fuzzy",
    timeout_seconds = 60,
    reinvocation_policy = "IfNeeded"
)]
impl GuestbookValidator {}

fn main() {}
