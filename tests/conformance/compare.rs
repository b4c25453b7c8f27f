//! Semantic comparison of what the two tools generate, and the one table of deliberate
//! differences (docs/reference/conformance.md) that excuses a difference.

use serde_json::{Map, Value, json};
use std::fmt;

/// One difference: where, and the two values (`None`: absent on that side).
#[derive(Clone, Debug)]
pub struct Difference {
    pub case: String,
    /// A JSON pointer into the normalized CRD (versions keyed by name), `rbac:/rules` for the
    /// case's ClusterRole rules, or `object:<file>` / `object:<file>/<pointer>` for the API
    /// servers' verdicts and stored objects.
    pub path: String,
    pub ours: Option<Value>,
    pub theirs: Option<Value>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: ours {}, controller-gen's {}",
            self.case,
            self.path,
            show(&self.ours),
            show(&self.theirs)
        )
    }
}

pub fn show(value: &Option<Value>) -> String {
    match value {
        None => "absent".into(),
        Some(v) => {
            let text = v.to_string();
            if text.len() > 400 {
                format!("{}… ({} bytes)", &text[..400], text.len())
            } else {
                text
            }
        }
    }
}

/// Removes from a CRD what carries no meaning, so that only meaningful differences remain:
///
/// - controller-gen's `controller-gen.kubebuilder.io/version` annotation: it names the tool
///   that wrote the file, not anything the API server or a client reads;
/// - `metadata.creationTimestamp: null` and an empty `status` (older controller-gens write
///   them): the server owns both and ignores what a manifest says;
/// - the order of `versions`: the server orders versions by their names' priority, whatever
///   the order in the manifest, so versions are keyed by name here (their names are unique);
/// - an empty `subresources: {}` (controller-gen writes one for a kind with printer columns
///   and no subresource): it enables nothing, exactly as no `subresources` does;
/// - the order of every `required` list: it is a set (JSON Schema's `required` says which
///   properties must be present, in no order);
/// - the form of numbers: `1` and `1.0` are the same JSON number to the API server (Go's
///   `encoding/json` reads both into a float64 for `minimum`/`maximum`/`multipleOf`, and
///   into the same int64 for an integer field), so integral numbers are compared as integers.
pub fn normalize_crd(crd: &Value) -> Value {
    let mut crd = normalize_numbers(crd);
    if let Some(metadata) = crd.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(annotations) = metadata
            .get_mut("annotations")
            .and_then(Value::as_object_mut)
        {
            annotations.remove("controller-gen.kubebuilder.io/version");
            if annotations.is_empty() {
                metadata.remove("annotations");
            }
        }
        if metadata.get("creationTimestamp") == Some(&Value::Null) {
            metadata.remove("creationTimestamp");
        }
    }
    if let Some(object) = crd.as_object_mut() {
        object.remove("status");
    }
    if let Some(versions) = crd["spec"]["versions"].as_array().cloned() {
        let keyed: Map<String, Value> = versions
            .into_iter()
            .map(|mut v| {
                if v.get("subresources") == Some(&json!({})) {
                    v.as_object_mut().unwrap().remove("subresources");
                }
                (v["name"].as_str().unwrap_or_default().to_string(), v)
            })
            .collect();
        crd["spec"]["versions"] = Value::Object(keyed);
    }
    sort_required(&mut crd);
    crd
}

fn sort_required(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "required"
                    && let Value::Array(items) = child
                    && items.iter().all(Value::is_string)
                {
                    items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                } else {
                    sort_required(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_required),
        _ => {}
    }
}

pub fn normalize_numbers(value: &Value) -> Value {
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(normalize_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalize_numbers(v)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// A ClusterRole's rules in a form where only meaning remains: within a rule, `apiGroups`,
/// `resources`, `resourceNames`, `nonResourceURLs` and `verbs` are sets (RBAC grants the
/// union; their order means nothing), and the rules themselves are a set (a request is allowed
/// if any rule allows it), so both are sorted. How the permissions are grouped into rules is
/// kept: both tools claim the same grouping.
pub fn normalize_rules(rules: &[Value]) -> Vec<Value> {
    let mut rules: Vec<Value> = rules
        .iter()
        .map(|rule| {
            let mut rule = rule.clone();
            if let Some(map) = rule.as_object_mut() {
                for list in map.values_mut() {
                    if let Value::Array(items) = list {
                        items.sort_by_key(|v| v.to_string());
                    }
                }
            }
            rule
        })
        .collect();
    rules.sort_by_key(|r| r.to_string());
    rules
}

/// The permissions a ClusterRole's rules grant, one `[group, resource, name, verb]` (or
/// `[url, verb]`) per permission, sorted: what RBAC decides with, whatever the rules' layout.
/// Where a rule's verbs include `*`, the other verbs add nothing and are left out.
pub fn permissions(rules: &[Value]) -> Vec<Value> {
    let strings = |rule: &Value, key: &str| -> Vec<String> {
        rule[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let mut out: std::collections::BTreeSet<Vec<String>> = std::collections::BTreeSet::new();
    for rule in rules {
        let mut verbs = strings(rule, "verbs");
        if verbs.iter().any(|v| v == "*") {
            verbs = vec!["*".into()];
        }
        for url in strings(rule, "nonResourceURLs") {
            for verb in &verbs {
                out.insert(vec![url.clone(), verb.clone()]);
            }
        }
        let names = strings(rule, "resourceNames");
        let names = if names.is_empty() {
            vec!["(any)".to_string()]
        } else {
            names
        };
        for group in strings(rule, "apiGroups") {
            for resource in strings(rule, "resources") {
                for name in &names {
                    for verb in &verbs {
                        out.insert(vec![
                            group.clone(),
                            resource.clone(),
                            name.clone(),
                            verb.clone(),
                        ]);
                    }
                }
            }
        }
    }
    out.into_iter().map(|p| json!(p)).collect()
}

/// Every difference between `ours` and `theirs`, with JSON pointers below `path`. Objects are
/// compared key by key; lists of equal length element by element; anything else as a whole.
pub fn diff(
    ours: &Value,
    theirs: &Value,
    path: &str,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let p = format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff(x, y, &p, out),
                    (x, y) => out.push((p, x.cloned(), y.cloned())),
                }
            }
        }
        (Value::Array(a), Value::Array(b))
            if a.len() == b.len() && a.iter().chain(b).any(|v| v.is_object()) =>
        {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(x, y, &format!("{path}/{i}"), out);
            }
        }
        _ if ours == theirs => {}
        _ => out.push((path.to_string(), Some(ours.clone()), Some(theirs.clone()))),
    }
}

/// One row of the table in docs/reference/conformance.md.
#[derive(Debug)]
pub struct Row {
    pub line: usize,
    pub case: String,
    pub path: String,
    pub ours: Pattern,
    pub theirs: Pattern,
    pub why: String,
}

#[derive(Debug)]
pub enum Pattern {
    /// `*`: any value, also absent.
    Any,
    /// `absent`.
    Absent,
    /// A JSON value in backticks, or a bare word (`accepted`, `rejected`).
    Value(Value),
}

impl Pattern {
    fn parse(cell: &str) -> Pattern {
        let cell = cell.trim();
        match cell {
            "*" | "`*`" => Pattern::Any,
            "absent" | "`absent`" => Pattern::Absent,
            _ => {
                let inner = cell.trim_matches('`');
                Pattern::Value(
                    serde_json::from_str(inner).unwrap_or_else(|_| Value::String(inner.into())),
                )
            }
        }
    }

    fn matches(&self, value: &Option<Value>) -> bool {
        match (self, value) {
            (Pattern::Any, _) => true,
            (Pattern::Absent, None) => true,
            (Pattern::Value(p), Some(v)) => normalize_numbers(p) == normalize_numbers(v),
            _ => false,
        }
    }
}

impl Row {
    pub fn matches(&self, d: &Difference) -> bool {
        (self.case == "*" || self.case == d.case)
            && glob(&self.path, &d.path)
            && self.ours.matches(&d.ours)
            && self.theirs.matches(&d.theirs)
    }
}

/// `*` matches one `/`-separated segment (or the rest of one), `**` any number of segments.
fn glob(pattern: &str, path: &str) -> bool {
    fn go(p: &[&str], s: &[&str]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(&"**"), _) => go(&p[1..], s) || (!s.is_empty() && go(p, &s[1..])),
            (Some(pat), Some(seg)) => segment(pat, seg) && go(&p[1..], &s[1..]),
            _ => false,
        }
    }
    fn segment(pat: &str, seg: &str) -> bool {
        match pat.split_once('*') {
            None => pat == seg,
            Some((prefix, suffix)) => {
                seg.len() >= prefix.len() + suffix.len()
                    && seg.starts_with(prefix)
                    && seg.ends_with(suffix)
            }
        }
    }
    let p: Vec<&str> = pattern.split('/').collect();
    let s: Vec<&str> = path.split('/').collect();
    go(&p, &s)
}

pub const TABLE: &str = "docs/reference/conformance.md";

/// The rows of the one table under `## Deliberate differences`.
pub fn table() -> Vec<Row> {
    let path = super::support::repo_root().join(TABLE);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = Vec::new();
    let mut in_section = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("## ") {
            in_section = line.trim() == "## Deliberate differences";
            continue;
        }
        if !in_section || !line.trim_start().starts_with('|') {
            continue;
        }
        let cells = split_row(line);
        if cells.len() != 5 {
            panic!(
                "{TABLE}:{}: a row has 5 cells (case, path, ours, controller-gen's, why)",
                i + 1
            );
        }
        if cells[0] == "case" || cells[0].chars().all(|c| c == '-' || c == ':' || c == ' ') {
            continue;
        }
        rows.push(Row {
            line: i + 1,
            case: cells[0].trim_matches('`').to_string(),
            path: cells[1].trim_matches('`').to_string(),
            ours: Pattern::parse(&cells[2]),
            theirs: Pattern::parse(&cells[3]),
            why: cells[4].clone(),
        });
    }
    rows
}

/// The cells of a Markdown table row; `\|` is a literal bar, and bars inside backticks do not
/// split.
fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let (mut cells, mut current) = (Vec::new(), String::new());
    let (mut in_code, mut escaped) = (false, false);
    for c in inner.chars() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' => escaped = true,
            '`' => {
                in_code = !in_code;
                current.push(c);
            }
            '|' if !in_code => cells.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    cells.push(current.trim().to_string());
    cells
}

#[cfg(test)]
mod tests {
    #[test]
    fn globs() {
        assert!(super::glob("/spec/*/x", "/spec/v1/x"));
        assert!(super::glob("/spec/**/nullable", "/spec/a/b/c/nullable"));
        assert!(super::glob("object:*", "object:ok-a"));
        assert!(!super::glob("/spec/*/x", "/spec/v1/y/x"));
    }
}
