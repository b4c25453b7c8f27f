//! Differential conformance with the real controller-gen (v0.23.0), judged by the real API
//! server.
//!
//! `testdata/conformance/<case>/` holds the same small API written twice by hand: `types.go`
//! with kubebuilder markers, `types.rs` with cargo-operator's attributes. This test
//!
//! 1. builds controller-gen through the Go module proxy (cached under
//!    `~/.cache/cargo-operator/tools/`), assembles one Go module from every case's `types.go`
//!    (one package per case and version, each its own API group) and runs controller-gen once;
//! 2. assembles one cargo-operator project from every case's `types.rs` (`init`, one
//!    `create api` per case and version, the scaffolded type file replaced) and runs
//!    `cargo operator manifests` once — one cargo build for the whole corpus;
//! 3. compares, per case, the CRDs and the ClusterRole rules semantically (parsed YAML; only
//!    what carries no meaning is normalized, see `compare::normalize_crd`/`normalize_rules`);
//! 4. starts two envtest control planes, installs our CRDs in one and controller-gen's in the
//!    other, sends every object of `objects/` to both, and compares the verdicts and what each
//!    server stored (and, where there is one, the scale subresource and field selectors).
//!
//! Every difference fails the test unless it is a row of the one table in
//! docs/reference/conformance.md, with its reason; a row that matches nothing fails too. The
//! corpus checks itself: `ok-*.yaml` objects must be accepted and `bad-*.yaml` rejected by
//! controller-gen's CRD, and every kubebuilder marker that docs/reference/attributes.md maps to
//! one of our keys must be used on both sides.
//!
//! Needs Go (≥ 1.25) and the envtest binaries (`cargo operator envtest use`). Without them it
//! fails under `CI=true` and otherwise says loudly that it did not run. The full list of
//! differences is written to `target/conformance/report.txt`.
//!
//!     KUBEBUILDER_ASSETS=$(cargo operator envtest use --print path) \
//!         cargo test -p cargo-operator --test conformance

mod support;

#[path = "conformance/compare.rs"]
mod compare;
#[path = "conformance/corpus.rs"]
mod corpus;
#[path = "conformance/generate.rs"]
mod generate;
#[path = "conformance/judge.rs"]
mod judge;

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use compare::{Difference, normalize_crd, normalize_rules};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::Command;
use std::time::Instant;

/// Printed past libtest's capture, so that a run that did nothing says so.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Go and the envtest binaries, or why not.
fn prerequisites() -> Result<(), String> {
    match Command::new("go").arg("version").output() {
        Ok(out) if out.status.success() => {}
        _ => return Err("`go` is not on PATH (Go ≥ 1.25 builds controller-gen)".into()),
    }
    if cargo_operator_runtime::envtest::assets::find_control_plane().is_none() {
        return Err(cargo_operator_runtime::envtest::assets::not_found_message());
    }
    Ok(())
}

#[test]
fn the_corpus_conforms_to_controller_gen_before_the_api_server() {
    let started = Instant::now();
    let cases = corpus::load();
    assert!(
        cases.len() >= 30,
        "the corpus has {} cases, fewer than 30",
        cases.len()
    );
    check_coverage(&cases);
    if let Err(why) = prerequisites() {
        if cargo_operator_runtime::envtest::is_ci() {
            panic!("conformance test cannot run under CI: {why}");
        }
        say(&format!(
            "conformance test NOT RUN: {why}; it runs (and fails on this) with CI=true"
        ));
        return;
    }

    // 1 + 2: both generators, side by side (controller-gen mostly waits on `go list`).
    let work = tempfile::tempdir().unwrap();
    let (theirs, ours, go_time, rust_time) = std::thread::scope(|s| {
        let go = s.spawn(|| {
            let t = Instant::now();
            (generate::controller_gen(&cases, work.path()), t.elapsed())
        });
        let rust = s.spawn(|| {
            let t = Instant::now();
            (
                generate::cargo_operator_manifests(&cases, work.path()),
                t.elapsed(),
            )
        });
        let (theirs, go_time) = go.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let (ours, rust_time) = rust.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (theirs, ours, go_time, rust_time)
    });
    say(&format!(
        "conformance: controller-gen {go_time:.1?}, cargo operator manifests {rust_time:.1?}"
    ));

    // The fast `manifests` route agrees with `crdgen` on every kind it decides.
    let (decided, refused) = generate::fast_route_against_crdgen();
    say(&format!(
        "conformance: the fast route reproduced crdgen's CRD of {decided} kinds and left {} to crdgen:\n  {}",
        refused.len(),
        refused.join("\n  ")
    ));
    // Today it decides all but the two kinds with `#[serde(flatten)]`: deciding fewer is a
    // regression of the route, not of the corpus.
    assert!(
        decided + 2 >= cases.iter().map(|c| c.units.len()).sum::<usize>(),
        "the fast route decided only {decided} kinds:\n  {}",
        refused.join("\n  ")
    );

    // 3: the CRDs and the ClusterRole.
    let mut differences = Vec::new();
    let mut identical_crds = 0;
    let mut crd_count = 0;
    // The differences of each CRD, as a range of `differences`.
    let mut crd_ranges = Vec::new();
    for case in &cases {
        let keys: std::collections::BTreeSet<&(String, String)> = ours
            .crds
            .keys()
            .chain(theirs.crds.keys())
            .filter(|(group, _)| *group == case.group)
            .collect();
        assert!(!keys.is_empty(), "{}: neither tool made a CRD", case.name);
        for key in keys {
            crd_count += 1;
            let before = differences.len();
            match (ours.crds.get(key), theirs.crds.get(key)) {
                (Some(a), Some(b)) => {
                    let mut diffs = Vec::new();
                    compare::diff(&normalize_crd(a), &normalize_crd(b), "", &mut diffs);
                    differences.extend(diffs.into_iter().map(|(path, ours, theirs)| Difference {
                        case: case.name.clone(),
                        path,
                        ours,
                        theirs,
                    }));
                }
                (a, b) => differences.push(Difference {
                    case: case.name.clone(),
                    path: format!("crd:{}", key.1),
                    ours: a.map(|c| c["metadata"]["name"].clone()),
                    theirs: b.map(|c| c["metadata"]["name"].clone()),
                }),
            }
            if differences.len() == before {
                identical_crds += 1;
            }
            crd_ranges.push(before..differences.len());
        }
    }
    compare_roles(
        &cases,
        ours.role.as_ref(),
        theirs.role.as_ref(),
        &mut differences,
    );
    // The webhook configurations: identical, with nothing listed.
    assert!(
        !theirs.webhooks.is_empty(),
        "the corpus has no +kubebuilder:webhook"
    );
    assert_eq!(
        ours.webhooks, theirs.webhooks,
        "config/webhook/manifests.yaml differs from controller-gen's (ours left)"
    );

    // 4: the API servers.
    let judged_at = Instant::now();
    let start = || {
        EnvironmentBuilder::new()
            .start()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let (ours_env, theirs_env) = std::thread::scope(|s| {
        let a = s.spawn(start);
        let b = s.spawn(start);
        (a.join().unwrap(), b.join().unwrap())
    });
    let ours_refused = judge::install(&ours_env, &ours.crds);
    let theirs_refused = judge::install(&theirs_env, &theirs.crds);
    for (refused, side) in [
        (&ours_refused, "ours"),
        (&theirs_refused, "controller-gen's"),
    ] {
        for ((group, kind), why) in refused {
            let case = group
                .trim_end_matches(&format!(".{}", corpus::DOMAIN))
                .to_string();
            let refusal = Some(Value::String(format!("refused: {why}")));
            differences.push(Difference {
                case,
                path: format!("install:{kind}"),
                ours: if side == "ours" {
                    refusal.clone()
                } else {
                    None
                },
                theirs: if side == "ours" { None } else { refusal },
            });
        }
    }
    let mut tally = judge::Tally::default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let ours_server = judge::Server {
                client: ours_env.client().unwrap(),
                crds: &ours.crds,
                refused: &ours_refused,
            };
            let theirs_server = judge::Server {
                client: theirs_env.client().unwrap(),
                crds: &theirs.crds,
                refused: &theirs_refused,
            };
            judge::judge(
                &cases,
                &ours_server,
                &theirs_server,
                &mut differences,
                &mut tally,
            )
            .await;
        });
    let judge_time = judged_at.elapsed();

    // The table.
    let rows = compare::table();
    let mut listed = 0;
    let mut used = vec![false; rows.len()];
    let mut unlisted = Vec::new();
    let mut is_listed = vec![false; differences.len()];
    for (index, d) in differences.iter().enumerate() {
        match rows.iter().position(|row| row.matches(d)) {
            Some(i) => {
                used[i] = true;
                listed += 1;
                is_listed[index] = true;
            }
            None => unlisted.push(d),
        }
    }
    let equivalent_crds = crd_ranges
        .iter()
        .filter(|range| (*range).clone().all(|i| is_listed[i]))
        .count();
    let stale: Vec<String> = rows
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(row, _)| {
            format!(
                "{}:{} ({} {}: {})",
                compare::TABLE,
                row.line,
                row.case,
                row.path,
                row.why
            )
        })
        .collect();

    let report = write_report(&differences, &rows, &unlisted, &stale, &tally);
    // The numbers, past libtest's capture so that a passing run shows them too.
    say(&format!(
        "conformance: {} cases; {crd_count} CRDs, {identical_crds} identical, {equivalent_crds} \
         identical but for listed differences; {} differences, {listed} listed in {}, {} not; \
         {} objects judged by both API servers, {} agreements ({} scale reads, {} field \
         selections); {:.1?} generating, {judge_time:.1?} judging, {:.1?} in all; every \
         difference in {}",
        cases.len(),
        differences.len(),
        compare::TABLE,
        unlisted.len(),
        tally.judged,
        tally.agreed,
        tally.scales,
        tally.selections,
        go_time.max(rust_time),
        started.elapsed(),
        report.display()
    ));

    let mut failures = Vec::new();
    if !tally.corpus_errors.is_empty() {
        failures.push(format!(
            "{} object(s) judged by controller-gen's CRD against their ok-/bad- name (the corpus is wrong):\n  {}",
            tally.corpus_errors.len(),
            tally.corpus_errors.join("\n  ")
        ));
    }
    if !unlisted.is_empty() {
        // What the API servers did differently first, then schema differences, descriptions
        // last (the Kubernetes types have hundreds).
        let rank = |d: &Difference| {
            if d.path.starts_with("object:") || d.path.starts_with("install:") {
                0
            } else if d.path.starts_with("rbac:") {
                1
            } else if d.path.ends_with("/description") {
                3
            } else {
                2
            }
        };
        let mut ranked = unlisted.clone();
        ranked.sort_by_key(|d| rank(d));
        let shown: Vec<String> = ranked.iter().take(150).map(|d| d.to_string()).collect();
        failures.push(format!(
            "{} difference(s) from controller-gen not listed in {} (fix them, or list a deliberate one with its reason){}:\n  {}",
            unlisted.len(),
            compare::TABLE,
            if unlisted.len() > shown.len() {
                format!("; the first {}, all in {}", shown.len(), report.display())
            } else {
                String::new()
            },
            shown.join("\n  ")
        ));
    }
    if !stale.is_empty() {
        failures.push(format!(
            "{} row(s) of the table match no difference (remove them):\n  {}",
            stale.len(),
            stale.join("\n  ")
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The two ClusterRoles, rule by rule, each rule attributed to the cases whose
/// `+kubebuilder:rbac` markers name one of its resources or URLs (the tools merge the rules
/// of all packages into one role, so the role is compared per case through its rules).
fn compare_roles(
    cases: &[corpus::Case],
    ours: Option<&Value>,
    theirs: Option<&Value>,
    differences: &mut Vec<Difference>,
) {
    let rules = |role: Option<&Value>| {
        normalize_rules(
            role.and_then(|r| r["rules"].as_array())
                .map(Vec::as_slice)
                .unwrap_or_default(),
        )
    };
    let (ours_rules, theirs_rules) = (rules(ours), rules(theirs));
    let names = |rule: &Value| -> Vec<String> {
        ["resources", "nonResourceURLs"]
            .iter()
            .flat_map(|k| rule[*k].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let owner = |rule: &Value| -> String {
        let names = names(rule);
        cases
            .iter()
            .find(|c| c.rbac_names.iter().any(|n| names.contains(n)))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "(no case)".into())
    };
    let mut by_case: BTreeMap<String, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for rule in &ours_rules {
        by_case.entry(owner(rule)).or_default().0.push(rule.clone());
    }
    for rule in &theirs_rules {
        by_case.entry(owner(rule)).or_default().1.push(rule.clone());
    }
    for (case, (a, b)) in by_case {
        // What is granted, and how it is laid out in rules (both tools claim one layout,
        // controller-gen's: a user comparing role.yaml files sees it).
        let (pa, pb) = (compare::permissions(&a), compare::permissions(&b));
        if pa != pb {
            let only = |x: &[Value], y: &[Value]| -> Vec<Value> {
                x.iter().filter(|p| !y.contains(p)).cloned().collect()
            };
            differences.push(Difference {
                case: case.clone(),
                path: "rbac:/permissions".into(),
                ours: Some(Value::Array(only(&pa, &pb))),
                theirs: Some(Value::Array(only(&pb, &pa))),
            });
        }
        let mut diffs = Vec::new();
        compare::diff(
            &Value::Array(a.clone()),
            &Value::Array(b.clone()),
            "",
            &mut diffs,
        );
        for (path, x, y) in diffs {
            differences.push(Difference {
                case: case.clone(),
                path: format!("rbac:/rules{path}"),
                ours: x,
                theirs: y,
            });
        }
    }
    // Outside the rules: kind, name, and nothing else.
    let strip = |role: Option<&Value>| {
        role.map(|r| {
            let mut r = r.clone();
            if let Some(m) = r.as_object_mut() {
                m.remove("rules");
            }
            r
        })
    };
    let (a, b) = (strip(ours), strip(theirs));
    if a != b {
        differences.push(Difference {
            case: "(role)".into(),
            path: "rbac:/".into(),
            ours: a,
            theirs: b,
        });
    }
}

/// Every kubebuilder marker that the attribute reference maps to a key must be in some case's
/// `types.go`, and the key in some `types.rs`, so the corpus covers the whole reference.
fn check_coverage(cases: &[corpus::Case]) {
    // `unique_items` is a compile error (the API server refuses `uniqueItems: true`, so a Go CRD
    // with the marker cannot be installed to compare with); `description` and `kind` map to no
    // marker.
    const NOT_COMPARABLE: &[&str] = &["unique_items"];
    let go: String = cases
        .iter()
        .flat_map(|c| c.units.iter().map(|u| u.go.clone()))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n// +groupName="; // written by the test into each package's groupversion_info.go
    let rust_words: std::collections::BTreeSet<String> = cases
        .iter()
        .flat_map(|c| c.units.iter())
        .flat_map(|u| attribute_words(&u.rust))
        .collect();
    let mut missing = Vec::new();
    for (key, markers) in corpus::reference_keys() {
        if NOT_COMPARABLE.contains(&key.as_str()) {
            continue;
        }
        if !rust_words.contains(&key) {
            missing.push(format!("the key `{key}` is in no types.rs"));
        }
        for marker in markers {
            if !go_uses(&go, &marker) {
                missing.push(format!(
                    "the marker `{marker}` (key `{key}`) is in no types.go"
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the corpus does not cover docs/reference/attributes.md:\n  {}",
        missing.join("\n  ")
    );
}

fn go_uses(go: &str, marker: &str) -> bool {
    // `+kubebuilder:validation:items:<Marker>`: any items marker.
    let marker = marker.split('<').next().unwrap();
    for prefix in ["+kubebuilder:resource:", "+kubebuilder:webhook:"] {
        let Some(argument) = marker.strip_prefix(prefix) else {
            continue;
        };
        // One such marker carries several arguments.
        return go.lines().any(|line| {
            line.split(prefix).nth(1).is_some_and(|args| {
                args.split(',')
                    .any(|a| a == argument || a.split('=').next() == Some(argument))
            })
        });
    }
    go.contains(marker)
}

/// The identifiers used inside `#[resource(...)]`, `#[field(...)]` and `#[webhook(...)]` of a
/// Rust file, string literals left out.
fn attribute_words(rust: &str) -> Vec<String> {
    let mut words = Vec::new();
    for start in ["#[resource(", "#[field(", "#[webhook("] {
        let mut rest = rust;
        while let Some(at) = rest.find(start) {
            rest = &rest[at + start.len()..];
            let (mut depth, mut in_string, mut escaped) = (1, false, false);
            let mut word = String::new();
            for c in rest.chars() {
                if escaped {
                    escaped = false;
                    continue;
                }
                match c {
                    '\\' if in_string => escaped = true,
                    '"' => in_string = !in_string,
                    _ if in_string => {}
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if !in_string && (c.is_alphanumeric() || c == '_') {
                    word.push(c);
                } else if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                if depth == 0 {
                    break;
                }
            }
        }
    }
    words
}

fn write_report(
    differences: &[Difference],
    rows: &[compare::Row],
    unlisted: &[&Difference],
    stale: &[String],
    tally: &judge::Tally,
) -> std::path::PathBuf {
    let path = support::repo_root().join("target/conformance/report.txt");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut text = String::new();
    text.push_str(&format!(
        "{} differences, {} not listed; {} objects judged, {} agreements\n\n",
        differences.len(),
        unlisted.len(),
        tally.judged,
        tally.agreed
    ));
    for d in differences {
        let row = rows.iter().find(|r| r.matches(d));
        text.push_str(&match row {
            Some(row) => format!("listed ({}:{}): {d}\n", compare::TABLE, row.line),
            None => format!("NOT LISTED: {d}\n"),
        });
    }
    for line in &tally.corpus_errors {
        text.push_str(&format!("CORPUS: {line}\n"));
    }
    for line in stale {
        text.push_str(&format!("STALE ROW: {line}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}
