//! The CEL syntax check of `cargo operator manifests` (core's `cel::syntax`) against the real
//! API server: each expression of a corpus is put in a CRD's `x-kubernetes-validations` and
//! created with dry run; the server's parser (cel-go) decides whether it is a syntax error,
//! and ours must agree on every expression. Expressions the server refuses only for their
//! types (an unknown field, a missing overload) are syntax-valid, and ours must accept them.
//!
//! Needs the envtest binaries (`cargo operator envtest use`): without them it skips with one
//! line, except with `CI=true`, where it fails.

mod support;

use cargo_operator_core::cel::syntax;
use cargo_operator_runtime::envtest::EnvironmentBuilder;
use cargo_operator_runtime::kube::api::{Api, PostParams};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use serde_json::json;
use support::envtest::wrap_spec_schema;

/// Well-formed expressions, over `self` = `{s: string, n: integer, l: [string], m: {string:
/// string}, o: {a: string}}`, and mistakes users make. The server, not this list, says which
/// is which.
const CORPUS: &[&str] = &[
    // well-formed
    "self.n > 1",
    "self.s.size() % 2 == 0",
    "has(self.o.a) || !has(self.s)",
    "self == oldSelf",
    "self.l.all(x, x.startsWith('a'))",
    "self.l.exists(x, x == 'b') && self.l.exists_one(x, x == 'c')",
    "self.l.map(x, x + 'a').size() == self.l.size()",
    "self.l.map(x, x != '', x + 'a').size() >= 0",
    "self.l.filter(x, x.matches('^[a-z]+$')).size() < 10",
    "self.s.matches('^[a-z]+$') ? true : false",
    "[1, 2, 3].map(x, x * 2)[0] == 2 && {'a': 1}['a'] == 1",
    "'a' in self.m && 'b' in self.l",
    "[1, 2, 3,].size() == 3 && {'a': 1,}.size() == 1",
    "self.s == \"double\" || self.s == 'single' || self.s == '''triple'''",
    "self.s == r'\\d+' || self.s == R\"raw\"",
    "self.s != '\\n\\t\\\\\\'\\\"\\x41\\u0041\\U00000041\\101'",
    "b'abc' != b\"\\xff\"",
    "self.n != 0x1F && self.n != -9223372036854775808 && self.n < 9223372036854775807",
    "uint(self.n) < 18446744073709551615u && 1u < 0x10u",
    "double(self.n) < 1.5e10 && double(self.n) > -.5 && 1e3 > 2.0",
    "!!true && --self.n == self.n",
    "self.n % 3 == 0 // a comment\n  && self.n > 0",
    "self.?s.orValue('') == '' && self.m[?'k'].hasValue() == false",
    "[?self.?s].size() <= 1 && {?'k': self.?s}.size() <= 1",
    "self.if == 1 && self.o.a == 'x'",
    "type(self) == map && int('1') == 1 && dyn(self.n) == 1",
    "self.l.all(x, self.l.all(y, x == y || x != y))",
    "timestamp('2000-01-01T00:00:00Z') < timestamp('2001-01-01T00:00:00Z')",
    "duration('1h') > duration('1m')",
    "self.s.lowerAscii() == self.s",
    "size(self.l) < 3",
    "google.protobuf.Timestamp{seconds: 1} != null",
    // not type-correct, but well-formed
    "self.unknown > 1",
    "self.n.startsWith('a')",
    "undefinedFunction(self.s)",
    "self.s + 1 == 2",
    "True == true",
    // malformed
    "self.n >",
    "self.n >>= 1",
    "self.s.startsWith('a'",
    "(self.n > 1",
    "self.n > 1)",
    "self.n = 1",
    "self.n > 1 && ",
    "self..s",
    "self.n ? 1",
    "self.n ? 1 : ",
    "'unterminated",
    "'line\nbreak' == self.s",
    "'\\q' == self.s",
    "'\\x4' == self.s",
    "self.s == 'a' 'b'",
    "[1, 2",
    "{'a' 1}",
    "{'a': 1",
    "[,]",
    "self.l.map(1, x)",
    "self.l.all(x.y, true)",
    "self.l.exists('x', true)",
    "has(self)",
    "has(self.l[0])",
    "has(self.s, self.n)",
    "self.if == 1",
    "let == 1",
    "self.n in",
    "9223372036854775808 > self.n",
    "18446744073709551616u > uint(self.n)",
    "0x > 1",
    "1. == 1",
    "self.n # 1",
    "self.n > 1;",
    "self.s == `a`",
    "self.o.`a` == 'x'",
    "self.`` == 1",
    "",
    "   ",
    "()",
    "self.n.()",
    "!",
    "-",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cel_syntax_errors_are_the_api_servers() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let crds: Api<CustomResourceDefinition> = Api::all(env.client().unwrap());
    let dry_run = PostParams {
        dry_run: true,
        field_manager: None,
    };
    let mut disagreements = Vec::new();
    let (mut refused, mut type_errors) = (0, 0);
    for rule in CORPUS {
        let crd = crd_with_rule(rule, Some("m"));
        let server = match crds.create(&dry_run, &crd).await {
            Ok(_) => Verdict::Accepted,
            Err(cargo_operator_runtime::kube::Error::Api(status)) if status.code == 422 => {
                Verdict::classify(&status.message)
            }
            Err(error) => panic!("{rule:?}: unexpected API error: {error}"),
        };
        match &server {
            Verdict::SyntaxError(_) => refused += 1,
            Verdict::TypeError(_) => type_errors += 1,
            Verdict::Accepted => {}
        }
        let ours = syntax::parse(rule);
        let said = match &server {
            Verdict::Accepted => "accepted",
            Verdict::SyntaxError(message) | Verdict::TypeError(message) => message,
        };
        if ours.is_err() != matches!(server, Verdict::SyntaxError(_)) {
            disagreements.push(format!(
                "{rule:?}\n    server: {said}\n    ours:   {ours:?}"
            ));
        }
    }
    eprintln!(
        "cel syntax: {} expressions, {refused} syntax errors and {type_errors} type errors by the server",
        CORPUS.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} expressions judged unlike the API server:\n{}",
        disagreements.len(),
        CORPUS.len(),
        disagreements.join("\n")
    );
    assert!(
        refused >= 30 && type_errors >= 4,
        "the corpus still has both kinds"
    );
}

/// core's `cel::message` rule (a rule over several lines needs a one-line message) is the
/// API server's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule_messages_are_checked_like_the_api_server() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let crds: Api<CustomResourceDefinition> = Api::all(env.client().unwrap());
    let dry_run = PostParams {
        dry_run: true,
        field_manager: None,
    };
    for (rule, message) in [
        ("self.n > 0\n  && self.n < 9", None),
        ("self.n > 0\n  && self.n < 9", Some("between 1 and 8")),
        ("self.n > 0", None),
        ("self.n > 0", Some("two\nlines")),
    ] {
        let server = crds.create(&dry_run, &crd_with_rule(rule, message)).await;
        let ours = cargo_operator_core::cel::message(rule, message);
        assert_eq!(
            server.is_ok(),
            ours.is_ok(),
            "{rule:?} with message {message:?}: server {server:?}, ours {ours:?}"
        );
    }
}

#[derive(Debug)]
enum Verdict {
    Accepted,
    /// cel-go's parser refused it (what `manifests` must refuse too); the server's message.
    SyntaxError(String),
    /// It parsed, and the type check refused it; the server's message.
    TypeError(String),
}

impl Verdict {
    /// What cel-go's checker says, as opposed to its parser (whose errors are "Syntax error",
    /// the macro argument checks, reserved words and literal ranges).
    const CHECKER: &[&str] = &[
        "undeclared reference",
        "found no matching overload",
        "undefined field",
        "no such key",
        "expected type",
        "unsupported type",
    ];

    fn classify(message: &str) -> Self {
        if Self::CHECKER.iter().any(|phrase| message.contains(phrase)) {
            Verdict::TypeError(message.to_string())
        } else {
            Verdict::SyntaxError(message.to_string())
        }
    }
}

fn crd_with_rule(rule: &str, message: Option<&str>) -> CustomResourceDefinition {
    let mut validation = json!({"rule": rule});
    if let Some(message) = message {
        validation["message"] = json!(message);
    }
    serde_json::from_value(wrap_spec_schema(json!({
        "type": "object",
        "properties": {
            "s": {"type": "string", "maxLength": 64},
            "n": {"type": "integer"},
            "l": {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 64}},
            "m": {"type": "object", "maxProperties": 8, "additionalProperties": {"type": "string", "maxLength": 64}},
            "o": {"type": "object", "properties": {"a": {"type": "string", "maxLength": 64}}},
        },
        "x-kubernetes-validations": [validation],
    })))
    .unwrap()
}
